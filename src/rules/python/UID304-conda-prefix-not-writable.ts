import { defineRule } from '../rule.js';
import { firstReason, who } from '../util.js';

export default defineRule({
  id: 'UID304',
  name: 'conda-prefix-not-writable',
  description: 'The conda prefix is not writable by the run-time user: `conda install` fails.',
  category: 'python',
  severity: { dev: 'warning', prod: 'info' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    const prefix = a.image.condaPrefix;
    if (!prefix || p.uid === 0 || a.runtime.errors.length > 0) return;
    const v = a.check(prefix, 'write');
    if (v.allowed || v.errno === 'ENOENT') return;

    // An environment of the user's own goes under a HOME it may write; with none (HOME=/ for a
    // uid without a passwd entry, say), under a writable folder given as CONDA_ENVS_PATH.
    const homeOk = a.identity.homeExists && a.identity.homeWritable && p.home !== '/';
    report({
      message: `\`conda install\` as ${who(a)} will fail: the conda prefix ${prefix} is not writable.`,
      why: `${firstReason(v)}.`,
      dependsOn: v.dependsOn,
      fixes: [
        { description: 'Give the prefix to the user at build time.', snippet: `RUN chown -R ${p.uid}:${p.gid} ${prefix}`, safe: false },
        homeOk
          ? { description: 'Or create a user-owned environment.', snippet: `conda create -p ~/envs/work python`, safe: false }
          : { description: `Or create a user-owned environment in a folder it may write (its HOME, ${p.home}, is not one).`, snippet: 'conda create -p /tmp/envs/work python', safe: false },
      ],
    });
  },
});
