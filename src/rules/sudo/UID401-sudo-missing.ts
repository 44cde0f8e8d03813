import { defineRule } from '../rule.js';
import { who } from '../util.js';

export default defineRule({
  id: 'UID401',
  name: 'sudo-missing',
  description: 'The run-time user is not root and sudo is not installed: `sudo` gives "command not found".',
  category: 'sudo',
  severity: { dev: 'info', prod: 'off' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    if (p.uid === 0 || a.identity.sudo.installed || a.runtime.errors.length > 0) return;

    report({
      message: `sudo is not installed: ${who(a)} gets "sudo: command not found" and cannot install system packages at run time.`,
      why: 'Official base images leave sudo out. Without it a non-root user has no way to become root inside the container.',
      fixes: [
        { description: 'Install what you need at build time, as root, before USER.', snippet: 'USER root\nRUN apt-get update && apt-get install -y --no-install-recommends PACKAGE\nUSER ' + (p.userName ?? String(p.uid)), safe: false },
        { description: 'Or get a root shell in the running container when you really need one.', snippet: 'docker exec -u 0 -it CONTAINER bash', safe: false },
      ],
    });
  },
});
