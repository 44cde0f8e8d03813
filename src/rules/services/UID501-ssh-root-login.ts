import { defineRule } from '../rule.js';
import { sshdDoubts, textLine } from '../util.js';
import { sshdReach, sshdUser } from '../../shell/commands/config.js';

const MAIN = '/etc/ssh/sshd_config';

export default defineRule({
  id: 'UID501',
  name: 'ssh-root-login',
  description: 'sshd allows root to log in.',
  category: 'services',
  severity: { dev: 'warning', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    if (!a.image.packages['openssh-server']) return;
    const sshd = a.image.sshd;
    // sshd -f FILE whose text is not known: nothing is claimed (an assumption says so).
    if (sshd.unread !== undefined) return;
    // A Match block that applies to root overrides the global value (sshd_config(5)); the
    // compiled-in default, prohibit-password, is not "yes".
    const hit = sshdReach(sshd, 'permitRootLogin', sshdUser(a.image, 'root'), 'yes', sshd.permitRootLogin);
    if (!hit) return;
    const b = hit.block;
    // The file sshd read the value from: sshd_config, a drop-in or a file an Include names.
    const file = sshd.files?.permitRootLogin ?? MAIN;
    const doubts = sshdDoubts(a, ['permitRootLogin']);

    report({
      message: b
        ? `sshd sets PermitRootLogin yes inside "Match ${b.criteria}" (${b.file} line ${b.fileLine}), which applies to root: anyone who reaches the port can try root logins.`
        : `sshd is configured with PermitRootLogin yes${file !== MAIN ? ` (in ${file})` : ''}: anyone who reaches the port can try root logins.`,
      why:
        'A container that runs sshd with root login open turns one leaked or guessed password into full control of the container and every mounted folder.' +
        (doubts.length > 0 ? ` sshd may read an earlier value from a file uidctl does not have the text of (${doubts.join(', ')}).` : ''),
      line: b ? b.line ?? textLine(a, b.file) : sshd.lines.permitRootLogin ?? textLine(a, MAIN),
      fixes: [
        b
          ? { description: 'Forbid root logins in the Match block too.', snippet: `RUN sed -i 's/^\\([[:space:]]*\\)PermitRootLogin[[:space:]]*yes/\\1PermitRootLogin no/' ${b.file}`, safe: false }
          : { description: 'Forbid root logins; log in as a normal user with a key.', snippet: `RUN sed -i 's/^#\\?PermitRootLogin.*/PermitRootLogin no/' ${file}`, safe: false },
      ],
      dependsOn: doubts,
      unsureSeverity: doubts.length > 0 ? 'warning' : undefined,
    });
  },
});
