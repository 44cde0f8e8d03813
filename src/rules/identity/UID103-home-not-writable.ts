import { defineRule } from '../rule.js';
import { firstReason, who } from '../util.js';

export default defineRule({
  id: 'UID103',
  name: 'home-not-writable',
  description: 'HOME does not exist or the process cannot write it.',
  category: 'identity',
  severity: { dev: 'warning', prod: 'warning' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    const id = a.identity;
    if (p.uid === 0 || a.runtime.errors.length > 0 || (id.homeExists && id.homeWritable)) return;
    // The nameless-uid rule already explains HOME=/ for a uid without a passwd entry.
    if (!p.hasPasswdEntry && p.homeFrom === 'default') return;
    // System accounts with the home /nonexistent (nobody, _apt) are meant to have none: the fix
    // is another HOME, not creating /nonexistent.
    const noHome = p.home === '/nonexistent';

    const v = a.check(p.home, 'write');
    const state = id.homeExists ? 'is not writable' : 'does not exist';
    const meta = a.runtime.view.fs.get(p.home);
    // A group-writable home (docker-stacks: /home/jovyan is group users, 2770) opens with the group.
    const groupFix =
      meta && meta.kind === 'dir' && (meta.mode & 0o030) === 0o030 && !p.groups.includes(meta.gid)
        ? [{ description: `Join the home's group ${meta.gid}, which may write it.`, snippet: `--group-add ${meta.gid}`, safe: false }]
        : [];
    report({
      message: `HOME (${p.home}) ${state} for ${who(a)}: tools that write under ~ (pip --user, ~/.cache, Jupyter, git config) fail.`,
      why: `${firstReason(v)}.`,
      dependsOn: v.dependsOn,
      fixes: noHome
        ? [
            { description: 'Give the process a writable HOME.', snippet: '-e HOME=/tmp', safe: false },
            { description: 'Or run as a user created with a home of its own.', snippet: 'RUN useradd --create-home --uid 1000 app\nUSER app', safe: false },
          ]
        : v.errno === 'EROFS' ? [{ description: 'The root file system is read-only (--read-only): give this path a writable tmpfs or volume.', snippet: `--tmpfs ${p.home}`, safe: false }] : [
        ...groupFix,
        {
          description: id.homeExists ? 'Or give the user its home directory.' : 'Or create the home directory when creating the user.',
          snippet: id.homeExists
            ? `RUN chown ${p.uid}:${p.gid} ${p.home}`
            : `RUN mkdir -p ${p.home} && chown ${p.uid}:${p.gid} ${p.home}`,
          safe: false,
        },
      ],
    });
  },
});
