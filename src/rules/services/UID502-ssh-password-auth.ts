import { defineRule } from '../rule.js';
import { sshdDoubts, textLine } from '../util.js';
import { sshdAllowsMethod, sshdReach, sshdUser } from '../../shell/commands/config.js';
import type { SshdSettings } from '../../model/types.js';

const MAIN = '/etc/ssh/sshd_config';
const KBD = '\\(KbdInteractive\\|ChallengeResponse\\)Authentication';

/**
 * The sed that turns password login off where sshd reads it, and keyboard-interactive too when
 * it lets PAM take passwords: each keyword in the file its first value came from (the first
 * value wins), or, when no file sets it and no line of sshd_config names it (both default to
 * yes), as a new first line of sshd_config, ahead of everything sshd reads.
 */
function passwordsOffSnippet(sshd: SshdSettings, kbd: boolean, mainText: string | undefined): string {
  const pwFile = sshd.files?.passwordAuthentication ?? MAIN;
  // No line to edit (a hand-written sshd_config that leaves it at its default): a first line.
  const noLine = sshd.files?.passwordAuthentication === undefined && mainText !== undefined && !/^#?PasswordAuthentication/im.test(mainText);
  const pw = noLine ? '1i PasswordAuthentication no' : `s/^#\\?PasswordAuthentication.*/PasswordAuthentication no/`;
  if (!kbd) return `RUN sed -i '${pw}' ${pwFile}`;

  const kbdFile = sshd.files?.kbdInteractiveAuthentication;
  if (kbdFile === undefined) {
    const first = '1i KbdInteractiveAuthentication no';
    return pwFile === MAIN ? `RUN sed -i -e '${pw}' -e '${first}' ${MAIN}` : `RUN sed -i '${pw}' ${pwFile} \\\n    && sed -i '${first}' ${MAIN}`;
  }
  const off = `s/^[[:space:]]*${KBD}.*/KbdInteractiveAuthentication no/I`;
  if (kbdFile === pwFile) return `RUN sed -i -e '${pw}' -e '${off}' ${pwFile}`;

  return `RUN sed -i '${pw}' ${pwFile} \\\n    && sed -i '${off}' ${kbdFile}`;
}

/** How many accounts a Match block's finding names before it summarises the rest. */
const SHOWN = 3;

/**
 * The accounts a Match block lets in, as the message names them: all of them when there are
 * few; else first those with a password (from the build) and those the Match line names, at
 * most SHOWN, and "and N other accounts" (a `Match User *,!root` covers every system account).
 */
function whoList(users: string[], withPassword: string[], named: string[]): string {
  if (users.length <= SHOWN) return users.join(', ');
  const first = users.filter((u) => withPassword.includes(u) || named.includes(u)).slice(0, SHOWN);
  const rest = users.length - first.length;
  if (first.length === 0) return `${users.length} accounts`;

  return `${first.join(', ')} and ${rest} other account${rest === 1 ? '' : 's'}`;
}

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
    // sshd -f FILE whose text is not known: nothing is claimed (an assumption says so).
    if (sshd.unread !== undefined) return;
    // sshd's compiled-in default is PasswordAuthentication yes (sshd_config(5)); Debian and
    // Ubuntu ship the line commented out, so an image that never sets it accepts passwords.
    const explicit = sshd.passwordAuthentication !== undefined;
    // Keyboard-interactive is a second way in for the same password: with UsePAM yes (Debian
    // and Ubuntu set it; the compiled-in default is no) it hands the prompt to PAM, whose
    // pam_unix checks the account password whatever PasswordAuthentication says. Its
    // compiled-in default is yes; Debian and Ubuntu set it to no. Without PAM a Linux sshd has
    // no keyboard-interactive device that asks for a password.
    const pam = sshd.usePam?.toLowerCase() === 'yes';
    const explicitKbd = sshd.kbdInteractiveAuthentication !== undefined;
    const withPassword = Object.entries(a.image.accounts.passwords).filter(([, s]) => s === 'set' || s === 'empty').map(([n]) => n);

    // Who can log in: the accounts, and the users a Match User line names (they may be added
    // at run time). Each gets the first Match block that applies to it, else the global value.
    const named = (sshd.matches ?? []).flatMap((b) => b.criteria.match(/\bUser\s+(\S+)/i)?.[1].split(',') ?? []);
    const names = [...a.image.accounts.passwd.map((e) => e.name), ...named.filter((n) => /^[\w.-]+$/.test(n))];
    const reach = names.filter((n, i) => names.indexOf(n) === i).map((name) => {
      const u = sshdUser(a.image, name);
      // AuthenticationMethods without password (or keyboard-interactive) in any sequence shuts
      // that way in whatever PasswordAuthentication says (measured with sshd 9.2).
      const pwOk = sshdAllowsMethod(sshd, u, 'password');
      const kbdOk = pam && sshdAllowsMethod(sshd, u, 'keyboard-interactive');
      return {
        name,
        pw: pwOk ? sshdReach(sshd, 'passwordAuthentication', u, 'yes', sshd.passwordAuthentication ?? 'yes') : undefined,
        kbd: kbdOk ? sshdReach(sshd, 'kbdInteractiveAuthentication', u, 'yes', sshd.kbdInteractiveAuthentication ?? 'yes') : undefined,
        empty: pwOk || kbdOk ? sshdReach(sshd, 'permitEmptyPasswords', u, 'yes', sshd.permitEmptyPasswords) : undefined,
      };
    });

    const globalEmpty = reach.some((r) => r.empty && !r.empty.block);
    const globalPw = reach.some((r) => r.pw && !r.pw.block && (explicit || withPassword.includes(r.name)));
    const globalKbd = reach.some((r) => r.kbd && !r.kbd.block && (explicitKbd || withPassword.includes(r.name)));
    const inMatch = reach.find((r) => r.empty?.block ?? r.pw?.block ?? r.kbd?.block);
    if (!globalEmpty && !globalPw && !globalKbd && !inMatch) return;

    const global = globalEmpty || globalPw || globalKbd;
    const block = !global ? inMatch?.empty?.block ?? inMatch?.pw?.block ?? inMatch?.kbd?.block : undefined;
    const empty = block ? inMatch?.empty?.block !== undefined : globalEmpty;
    // Which way in the finding is about: keyboard-interactive alone, or beside PasswordAuthentication.
    const kbd = !empty && (block ? inMatch?.pw?.block === undefined : globalKbd);
    const viaPw = !empty && (block ? !kbd : globalPw);
    const users = block ? reach.filter((r) => (empty ? r.empty : kbd ? r.kbd : r.pw)?.block === block).map((r) => r.name) : [];
    const where = block ? ` for ${whoList(users, withPassword, named)} inside "Match ${block.criteria}" (${block.file} line ${block.fileLine})` : '';
    const keyword = empty ? 'PermitEmptyPasswords' : kbd ? 'KbdInteractiveAuthentication' : 'PasswordAuthentication';
    const what = empty
      ? 'empty passwords'
      : kbd && !viaPw
        ? 'password logins through keyboard-interactive authentication (KbdInteractiveAuthentication yes with UsePAM yes: PAM asks for the password)'
        : kbd
          ? 'password logins (PasswordAuthentication, and keyboard-interactive through PAM)'
          : 'password logins';
    const doubts = sshdDoubts(a, ['passwordAuthentication', 'permitEmptyPasswords', 'kbdInteractiveAuthentication', 'usePam']);

    report({
      message: withPassword.length > 0 || empty
        ? `sshd accepts ${what}${where}${withPassword.length ? ` and the build sets a password for ${withPassword.join(', ')}` : ''}: passwords baked into an image are readable by anyone who has the image.`
        : `sshd accepts ${what}${where}; no account has a password in the image, but one set later (chpasswd in an entrypoint, passwd in a shell) opens a password login.`,
      // No password to guess yet: a setting to fix, not an open door.
      reducedSeverity: withPassword.length === 0 && !empty ? 'warning' : undefined,
      why:
        'Passwords set with chpasswd at build time live in the image layers; key-based login avoids sharing them.' +
        (kbd ? ' With UsePAM yes, keyboard-interactive authentication lets PAM ask for the account password, so PasswordAuthentication no alone does not stop password logins.' : '') +
        (doubts.length > 0 ? ` sshd may read other values from a file uidctl does not have the text of (${doubts.join(', ')}).` : ''),
      line: block
        ? block.line ?? textLine(a, block.file)
        : (kbd && !viaPw ? sshd.lines.kbdInteractiveAuthentication ?? sshd.lines.usePam : undefined) ??
          sshd.lines.passwordAuthentication ?? sshd.lines.permitEmptyPasswords ?? textLine(a, MAIN),
      fixes: [
        block
          ? {
              description: `Turn ${keyword} off in the Match block too and mount an authorized_keys file instead.`,
              snippet: `RUN sed -i 's/^\\([[:space:]]*\\)${kbd ? KBD : keyword}[[:space:]]*yes/\\1${keyword} no/' ${block.file}`,
              safe: false,
            }
          : kbd
            ? {
                description: 'Turn password login off, and keyboard-interactive authentication too (with UsePAM yes PAM asks for the password there), and mount an authorized_keys file instead.',
                snippet: passwordsOffSnippet(sshd, true, a.image.texts[MAIN]?.content),
                safe: false,
              }
            : { description: 'Turn password login off and mount an authorized_keys file instead.', snippet: passwordsOffSnippet(sshd, false, a.image.texts[MAIN]?.content), safe: false },
      ],
      dependsOn: doubts,
      unsureSeverity: doubts.length > 0 ? 'warning' : undefined,
    });
  },
});
