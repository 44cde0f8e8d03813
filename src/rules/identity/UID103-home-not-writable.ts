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
    report({
      message: `HOME (${p.home}) ${state} for ${who(a)}: tools that write under ~ (pip --user, ~/.cache, Jupyter, git config) fail.`,
      why: `${firstReason(v)}.`,
      dependsOn: v.dependsOn,
      fixes: [
        {
          description: id.homeExists ? 'Give the user its home directory.' : 'Create the home directory when creating the user.',
          snippet: id.homeExists
            ? `RUN chown ${p.uid}:${p.gid} ${p.home}`
            : `RUN mkdir -p ${p.home} && chown ${p.uid}:${p.gid} ${p.home}`,
          safe: false,
        },
      ],
    });
  },
});
