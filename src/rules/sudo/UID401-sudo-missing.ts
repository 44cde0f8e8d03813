import { defineRule } from '../rule.js';
import { runTool, who } from '../util.js';
import type { Fix } from '../../model/types.js';

/** The package manager of the distribution: apk on Alpine, dnf on RHEL-likes, apt elsewhere. */
function installCommand(distro: string): string {
  if (distro === 'alpine') return 'apk add --no-cache PACKAGE';
  if (distro === 'rhel') return 'dnf install -y PACKAGE';

  return 'apt-get update && apt-get install -y --no-install-recommends PACKAGE';
}

/** A root shell in a running container; kubectl exec has no user switch, so none there. */
function rootShell(tool: string, distro: string): Fix[] {
  const shell = distro === 'debian' || distro === 'ubuntu' ? 'bash' : 'sh';
  if (tool === 'kubernetes') return [];
  const exec = tool === 'compose' ? 'docker compose exec -u 0 SERVICE' : `${tool === 'podman' ? 'podman' : 'docker'} exec -u 0 -it CONTAINER`;

  return [{ description: 'Or get a root shell in the running container when you really need one.', snippet: `${exec} ${shell}`, safe: false }];
}

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
        { description: 'Install what you need at build time, as root, before USER.', snippet: `USER root\nRUN ${installCommand(a.image.distro)}\nUSER ${p.userName ?? String(p.uid)}`, safe: false },
        ...rootShell(runTool(a), a.image.distro),
      ],
    });
  },
});
