import { defineRule } from '../rule.js';
import { textLine } from '../util.js';
import { sshdReach, sshdUser } from '../../shell/commands/config.js';

export default defineRule({
  id: 'UID502',
  name: 'ssh-password-auth',
  description: 'sshd accepts passwords (or empty passwords).',
  category: 'services',
  severity: { dev: 'warning', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    if (!a.image.packages['openssh-server']) return;
    const sshd = a.image.sshd;
    // sshd's compiled-in default is PasswordAuthentication yes (sshd_config(5)); Debian and
    // Ubuntu ship the line commented out, so an image that never sets it accepts passwords.
    const explicit = sshd.passwordAuthentication !== undefined;
    const withPassword = Object.entries(a.image.accounts.passwords).filter(([, s]) => s === 'set' || s === 'empty').map(([n]) => n);

    // Who can log in: the accounts, and the users a Match User line names (they may be added
    // at run time). Each gets the first Match block that applies to it, else the global value.
    const named = (sshd.matches ?? []).flatMap((b) => b.criteria.match(/\bUser\s+(\S+)/i)?.[1].split(',') ?? []);
    const names = [...a.image.accounts.passwd.map((e) => e.name), ...named.filter((n) => /^[\w.-]+$/.test(n))];
    const reach = names.filter((n, i) => names.indexOf(n) === i).map((name) => {
      const u = sshdUser(a.image, name);
      return {
        name,
        pw: sshdReach(sshd, 'passwordAuthentication', u, 'yes', sshd.passwordAuthentication ?? 'yes'),
        empty: sshdReach(sshd, 'permitEmptyPasswords', u, 'yes', sshd.permitEmptyPasswords),
      };
    });

    const globalEmpty = reach.some((r) => r.empty && !r.empty.block);
    const globalPw = reach.some((r) => r.pw && !r.pw.block && (explicit || withPassword.includes(r.name)));
    const inMatch = reach.find((r) => r.empty?.block ?? r.pw?.block);
    if (!globalEmpty && !globalPw && !inMatch) return;

    const block = !globalEmpty && !globalPw ? inMatch?.empty?.block ?? inMatch?.pw?.block : undefined;
    const empty = block ? inMatch?.empty?.block !== undefined : globalEmpty;
    const users = block ? reach.filter((r) => (empty ? r.empty : r.pw)?.block === block).map((r) => r.name) : [];
    const where = block ? ` for ${users.join(', ')} inside "Match ${block.criteria}" (${block.file} line ${block.fileLine})` : '';
    const keyword = empty ? 'PermitEmptyPasswords' : 'PasswordAuthentication';

    report({
      message: `sshd accepts ${empty ? 'empty passwords' : 'password logins'}${where}${withPassword.length ? ` and the build sets a password for ${withPassword.join(', ')}` : ''}: passwords baked into an image are readable by anyone who has the image.`,
      why: 'Passwords set with chpasswd at build time live in the image layers; key-based login avoids sharing them.',
      line: block ? block.line ?? textLine(a, block.file) : sshd.lines.passwordAuthentication ?? sshd.lines.permitEmptyPasswords ?? textLine(a, '/etc/ssh/sshd_config'),
      fixes: [
        block
          ? { description: `Turn ${keyword} off in the Match block too and mount an authorized_keys file instead.`, snippet: `RUN sed -i 's/^\\([[:space:]]*\\)${keyword}[[:space:]]*yes/\\1${keyword} no/' ${block.file}`, safe: false }
          : { description: 'Turn password login off and mount an authorized_keys file instead.', snippet: "RUN sed -i 's/^#\\?PasswordAuthentication.*/PasswordAuthentication no/' /etc/ssh/sshd_config", safe: false },
      ],
    });
  },
});
