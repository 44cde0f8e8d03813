import { defineRule } from '../rule.js';
import { textLine } from '../util.js';

export default defineRule({
  id: 'UID502',
  name: 'ssh-password-auth',
  description: 'sshd accepts passwords (or empty passwords).',
  category: 'services',
  severity: { dev: 'warning', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    if (!a.image.packages['openssh-server']) return;
    // sshd's compiled-in default is PasswordAuthentication yes (sshd_config(5)); Debian and
    // Ubuntu ship the line commented out, so an image that never sets it accepts passwords.
    const pw = a.image.sshd.passwordAuthentication?.toLowerCase() ?? 'yes';
    const empty = a.image.sshd.permitEmptyPasswords?.toLowerCase() === 'yes';
    const withPassword = Object.entries(a.image.accounts.passwords).filter(([, s]) => s === 'set' || s === 'empty').map(([n]) => n);
    const explicit = a.image.sshd.passwordAuthentication !== undefined;
    if (!empty && (pw !== 'yes' || (!explicit && withPassword.length === 0))) return;

    report({
      message: `sshd accepts ${empty ? 'empty passwords' : 'password logins'}${withPassword.length ? ` and the build sets a password for ${withPassword.join(', ')}` : ''}: passwords baked into an image are readable by anyone who has the image.`,
      why: 'Passwords set with chpasswd at build time live in the image layers; key-based login avoids sharing them.',
      line: a.image.sshd.lines.passwordAuthentication ?? a.image.sshd.lines.permitEmptyPasswords ?? textLine(a, '/etc/ssh/sshd_config'),
      fixes: [{ description: 'Turn password login off and mount an authorized_keys file instead.', snippet: "RUN sed -i 's/^#\\?PasswordAuthentication.*/PasswordAuthentication no/' /etc/ssh/sshd_config", safe: false }],
    });
  },
});
