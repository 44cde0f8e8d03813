import { defineRule } from '../rule.js';
import { passwordlessRoot } from '../../shell/commands/config.js';

// Commands that hand out a root shell when run through sudo: shells, interpreters, editors and
// tools with a command-running option (the GTFOBins "sudo" list names many more).
const SHELL_LIKE = /(^|\/)(ba|da|z|k|c|tc|fi)?sh$|(^|\/)(python[\d.]*|perl|ruby|node|env|vi|vim|nano|less|more|find|apt|apt-get|dpkg|pip[\d.]*|su|bash|tee|cp|mv|chmod|chown|docker)$/;

export function givesRootShell(commands: string): boolean {
  return commands
    .split(',')
    .map((c) => c.trim().split(/\s+/)[0])
    .some((c) => c === 'ALL' || SHELL_LIKE.test(c));
}

export default defineRule({
  id: 'UID403',
  name: 'sudo-nopasswd-all',
  description: 'A sudoers rule lets a user or group become root without a password (ALL, a shell, or a command that can start one).',
  category: 'sudo',
  severity: { dev: 'info', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    if (!a.image.packages.sudo) return;

    // The same decision as identity.sudo (sudoAllows): the last matching rule that may run as
    // root, its tags, and the authenticate flag of the Defaults lines.
    for (const { who, rule: r, noAuth } of passwordlessRoot(a.image)) {
      if (!givesRootShell(r.commands)) continue;
      const all = /\bALL\b/.test(r.commands);
      const def = noAuth && `Defaults${noAuth.users ? `:${noAuth.users.join(',')}` : ''} !authenticate`;
      const via = noAuth ? `; "${def}" in ${noAuth.file} turns the password off` : '';
      const dropDefault = noAuth && (noAuth.file === '/etc/sudoers'
        ? { description: 'Drop the Defaults line that turns authentication off.', snippet: "RUN sed -i '/^Defaults.*!authenticate/d' /etc/sudoers", safe: false }
        : { description: 'Drop the file that turns authentication off.', snippet: `RUN rm -f ${noAuth.file}`, safe: false });
      const dropRule = r.file === '/etc/sudoers'
        ? { description: 'Do the root work at build time and drop the rule (the line, not the file).', snippet: `RUN sed -i '/^${r.who.replace(/\//g, '\\/')}[[:space:]].*NOPASSWD/d' /etc/sudoers`, safe: false }
        : { description: 'Do the root work at build time and drop the rule.', snippet: `RUN rm -f ${r.file}`, safe: false };
      // A rule the entrypoint script writes at start: the fix is in the script.
      const atStart = a.image.texts[(noAuth ?? r).file]?.start;
      // no-new-privileges keeps setuid sudo from gaining root in this run; the rule is still in
      // the image for every run without it.
      const nnp = a.runtime.process.noNewPrivileges;
      // A bounding set without CAP_SETGID stops sudo as well (identity.sudo says why).
      const noSetgid = !nnp && a.runtime.process.bounding !== undefined && !a.runtime.process.bounding.has('CAP_SETGID');
      const blocked = nnp || noSetgid;
      report({
        message: `${who} may ${all ? 'run any command' : `run ${r.commands}`} as root without a password (${r.file}${via}): the non-root USER is root in all but name` +
          `${nnp ? ' wherever the container runs without no-new-privileges (this run sets it, so sudo cannot gain root here)' : noSetgid ? ' wherever the container keeps CAP_SETGID (this run drops it, so sudo stops here)' : ''}.`,
        why: 'NOPASSWD (or !authenticate) for ALL, a shell, an interpreter or a tool that can run other commands turns every process of that user into a root process one command away; it undoes the point of running as non-root.' +
          (nnp ? ' With no-new-privileges the kernel ignores the setuid bit of sudo, so in this run it fails; the image still carries the rule.' : '') +
          (noSetgid ? ' Without CAP_SETGID in the bounding set sudo cannot take root\'s groups and stops ("unable to change to root gid"); the image still carries the rule.' : ''),
        unsureSeverity: blocked ? 'warning' : undefined,
        line: noAuth ? noAuth.line ?? a.image.texts[noAuth.file]?.line : r.line ?? a.image.texts[r.file]?.line,
        fixes: [
          atStart
            ? { description: `Drop what ${atStart} writes to ${(noAuth ?? r).file} when the container starts: the image itself has no such rule, the script adds it at every start.`, safe: false }
            : dropDefault ?? dropRule,
          {
            description: 'Or allow one root-owned script that does exactly the task, and nothing else.',
            snippet: `${who} ALL=(root) NOPASSWD: /usr/local/sbin/fix-permissions`,
            safe: false,
          },
        ],
      });
    }
  },
});
