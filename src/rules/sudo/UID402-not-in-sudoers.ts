import { defineRule } from '../rule.js';
import { sudoersStep, who } from '../util.js';

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
    // The run itself can stop setuid sudo, whatever the sudoers files say.
    const byRun = p.noNewPrivileges || (p.bounding !== undefined && !p.bounding.has('CAP_SETGID'));
    report({
      message: `${who(a)} cannot use sudo: ${s.reason}.`,
      why: byRun
        ? 'sudo is a setuid program: no-new-privileges makes the kernel ignore its setuid bit, and a bounding set without CAP_SETGID keeps it from taking root\'s groups, whatever its rules allow. Dropping them is a sound hardening; the root work then belongs in the build.'
        : 'sudo allows only the users and groups its sudoers files name; everyone else gets "is not in the sudoers file", and a rule without NOPASSWD asks for a password the user may not have.',
      fixes: [
        { description: 'Do the root work at build time, before USER, so the user never needs sudo.', snippet: `USER root\nRUN COMMAND\nUSER ${name}`, safe: false },
        {
          description: 'Or allow one root-owned script that does exactly the task (not a shell, an editor or a package manager, which all hand out root).',
          snippet: sudoersStep(name, '/usr/local/sbin/fix-permissions'),
          safe: false,
        },
      ],
    });
  },
});
