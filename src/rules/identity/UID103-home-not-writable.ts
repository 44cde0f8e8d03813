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
      fixes: [
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
