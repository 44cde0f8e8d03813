import { defineRule } from '../rule.js';
import { checkedFix, firstReason, groupAddFix, readOnlyRootFix, readOnlyRootWords, rootStep, who } from '../util.js';
import type { Fix } from '../../model/types.js';

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
    const fixes: Fix[] = [];
    if (v.errno === 'EROFS') {
      // No build step makes a read-only root writable: an environment on a writable mount.
      const tmp = a.check('/tmp', 'write').allowed;
      fixes.push({ description: `The root file system is read-only (${readOnlyRootWords(a)}): create a user-owned environment on a writable mount${tmp ? ' such as /tmp' : ''}.`, snippet: 'conda create -p /tmp/envs/work python', safe: false });
      if (!tmp) fixes.push(readOnlyRootFix(a, '/tmp'));
    } else {
      const group = groupAddFix(a, prefix, 'write');
      if (group !== undefined) fixes.push(group);
      // Placed where the stage runs as root, and kept only when it makes the prefix writable.
      const step = rootStep(a, `RUN chown -R ${p.uid}:${p.gid} ${prefix}`);
      const own = checkedFix(a, { description: `Give the prefix to the user at build time: put this ${step.where}.`, snippet: step.snippet, safe: false }, { edit: step.edit }, (b) => b.check(prefix, 'write').allowed);
      if (own !== undefined) fixes.push(own);
      fixes.push(homeOk
        ? { description: 'Or create a user-owned environment.', snippet: `conda create -p ~/envs/work python`, safe: false }
        : { description: `Or create a user-owned environment in a folder it may write (its HOME, ${p.home}, is not one).`, snippet: 'conda create -p /tmp/envs/work python', safe: false });
    }
    report({
      message: `\`conda install\` as ${who(a)} will fail: the conda prefix ${prefix} is not writable.`,
      why: `${firstReason(v)}.`,
      dependsOn: v.dependsOn,
      fixes,
    });
  },
});
