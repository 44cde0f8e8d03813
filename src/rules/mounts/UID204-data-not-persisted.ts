import { hasDescendants, normalizePath } from '../../image/fs.js';
import { defineRule, type AnalysisView } from '../rule.js';
import { engineSocket, mountFor, renderRunChanges } from '../util.js';
import type { Fix, MountSpec } from '../../model/types.js';

/** PATH, else PATH-2, PATH-3...: a target no mount of the run has. */
function freeTarget(mounts: MountSpec[], path: string): string {
  const used = new Set(mounts.map((m) => normalizePath(m.target)));
  let n = 2;
  while (used.has(`${path}-${n}`)) n++;

  return used.has(path) ? `${path}-${n}` : path;
}

/**
 * A folder at `path` for the outputs, started in. The run may mount something there already,
 * and Docker refuses two mounts on one target ("Duplicate mount point"): a read-write mount
 * there is started in instead, once the process may write it (UID201 says how); past a
 * read-only one the new folder takes a free name beside it.
 */
function outputFolder(a: AnalysisView, mounts: MountSpec[], path: string, description: string): Fix[] {
  const taken = mounts.find((m) => normalizePath(m.target) === path);
  if (taken && !taken.readonly) {
    return [{
      description: `Start in ${path}, which the run already mounts (${taken.written}): the process cannot write it yet, so fix that too (UID201); a second mount there would be refused as a duplicate mount point.`,
      snippet: renderRunChanges(a, [{ kind: 'workdir', path }]),
      safe: false,
    }];
  }
  const target = freeTarget(mounts, path);

  return [{ description, snippet: renderRunChanges(a, [{ kind: 'mount-folder', target }, { kind: 'workdir', path: target }]), safe: false }];
}

export default defineRule({
  id: 'UID204',
  name: 'data-not-persisted',
  description: 'The working directory is not on a mount: what the process writes there is lost with the container.',
  category: 'mounts',
  severity: { dev: 'info', prod: 'info' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    // An engine's socket (UID207 is about it), a Compose secret or config file: no place for
    // outputs, they do not count.
    const mounts = (a.run?.mounts ?? []).filter((m) => engineSocket(m) === undefined && m.composeFile === undefined);
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
          ? outputFolder(a, mounts, '/out', 'Mount a writable folder for the outputs and start in it.')
          // A mount over HOME, or over a folder the image fills, would hide what is there (the
          // dotfiles, the code): a folder below it, and start there.
          : p.cwd === p.home || hasDescendants(a.image.fs, p.cwd)
          ? outputFolder(a, mounts, `${p.cwd}/work`, `Mount a writable folder below ${p.cwd} for the outputs (a mount over ${p.cwd} itself would hide what the image has there) and start in it.`)
          : [{ description: 'Mount a writable folder where the outputs go.', snippet: renderRunChanges(a, [{ kind: 'mount-folder', target: p.cwd }]), safe: false }],
    });
  },
});
