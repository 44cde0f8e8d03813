import { hasDescendants } from '../../image/fs.js';
import { defineRule } from '../rule.js';
import { mountFor, renderRunChanges } from '../util.js';

export default defineRule({
  id: 'UID204',
  name: 'data-not-persisted',
  description: 'The working directory is not on a mount: what the process writes there is lost with the container.',
  category: 'mounts',
  severity: { dev: 'info', prod: 'info' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    const mounts = a.run?.mounts ?? [];
    if (!a.run || mounts.length === 0 || a.runtime.errors.length > 0) return;
    if (mountFor(a, p.cwd) || !a.check(p.cwd, 'create').allowed) return;
    const writable = mounts.find((m) => !m.readonly && a.check(m.target, 'create').allowed);

    report({
      message: `The working directory ${p.cwd} is not on any mount (mounts: ${mounts.map((m) => m.target).join(', ')}): outputs written to relative paths stay in the container and are lost when it is removed.`,
      why: 'Only mounts outlive a container; its own writable layer goes away with docker rm (or --rm).',
      line: a.sim.target.lines.workdir,
      fixes: writable
        ? [{ description: 'Start in a mounted folder the process can write.', snippet: renderRunChanges(a, [{ kind: 'workdir', path: writable.target }]), safe: false }]
        : p.cwd === '/'
          // A mount over / would hide the whole image: mount a folder of its own and start there.
          ? [{ description: 'Mount a writable folder for the outputs and start in it.', snippet: renderRunChanges(a, [{ kind: 'mount-folder', target: '/out' }, { kind: 'workdir', path: '/out' }]), safe: false }]
          // A mount over HOME, or over a folder the image fills, would hide what is there (the
          // dotfiles, the code): a folder below it, and start there.
          : p.cwd === p.home || hasDescendants(a.image.fs, p.cwd)
          ? [{ description: `Mount a writable folder below ${p.cwd} for the outputs (a mount over ${p.cwd} itself would hide what the image has there) and start in it.`, snippet: renderRunChanges(a, [{ kind: 'mount-folder', target: `${p.cwd === '/' ? '' : p.cwd}/work` }, { kind: 'workdir', path: `${p.cwd === '/' ? '' : p.cwd}/work` }]), safe: false }]
          : [{ description: 'Mount a writable folder where the outputs go.', snippet: renderRunChanges(a, [{ kind: 'mount-folder', target: p.cwd }]), safe: false }],
    });
  },
});
