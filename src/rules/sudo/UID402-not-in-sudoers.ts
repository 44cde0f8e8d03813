import { defineRule } from '../rule.js';
import { who } from '../util.js';

export default defineRule({
  id: 'UID402',
  name: 'not-in-sudoers',
  description: 'sudo is installed but the run-time user may not use it ("is not in the sudoers file") or needs a password it does not have.',
  category: 'sudo',
  severity: { dev: 'info', prod: 'off' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    const s = a.identity.sudo;
    if (p.uid === 0 || !s.installed || s.usable || a.runtime.errors.length > 0) return;

    const name = p.userName ?? String(p.uid);
    report({
      message: `${who(a)} cannot use sudo: ${s.reason}.`,
      why: 'sudo allows only the users and groups its sudoers files name; everyone else gets "is not in the sudoers file", and a rule without NOPASSWD asks for a password the user may not have.',
      fixes: [
        { description: 'Do the root work at build time, before USER, so the user never needs sudo.', snippet: `USER root\nRUN COMMAND\nUSER ${name}`, safe: false },
        {
          description: 'Or allow one root-owned script that does exactly the task (not a shell, an editor or a package manager, which all hand out root).',
          snippet: `RUN echo '${name} ALL=(root) NOPASSWD: /usr/local/sbin/fix-permissions' > /etc/sudoers.d/${name} && chmod 0440 /etc/sudoers.d/${name}`,
          safe: false,
        },
      ],
    });
  },
});
