import { defineRule, type AnalysisView } from '../rule.js';
import { firstReason, mountFor, readOnlyRootFix, rootStep, who } from '../util.js';
import type { Fix } from '../../model/types.js';
import { resolvePath } from '../../image/fs.js';

/** The chown of the working folder, placed where it runs as root (rootStep). */
function ownWorkdirFix(a: AnalysisView, run: string): Fix {
  const step = rootStep(a, run);

  return { description: `Make the working directory belong to the user: put this ${step.where}.`, snippet: step.snippet, safe: false };
}

export default defineRule({
  id: 'UID105',
  name: 'workdir-not-writable',
  description: 'The working directory is not writable by the process, so outputs written to relative paths fail.',
  category: 'identity',
  severity: { dev: 'warning', prod: 'info' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    // No WORKDIR at all leaves the process in /, where nobody expects to write.
    if (a.runtime.errors.length > 0 || mountFor(a, p.cwd) || p.cwd === '/') return;

    const v = a.check(p.cwd, 'write');
    if (v.allowed || v.errno === 'ENOENT') return;
    const why = v.errno === 'EROFS' ? 'Read-only file system' : 'Permission denied';
    // An entrypoint script changed to this folder (`cd /root`) before it started the command:
    // the fix is where it goes, not the folder's owner (which may be root's own home).
    const script = a.runtime.script;
    const started = a.run?.workdir ?? (a.image.config.workdir || '/');
    if (script && script.workloadLine !== undefined && p.cwd !== started) {
      report({
        message: `${who(a)} cannot create files in the working directory ${p.cwd}, where ${script.written} changes to before it starts the command.`,
        why: `${firstReason(v)}. Scripts that save checkpoints or logs to relative paths fail with ${why}.`,
        line: a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
        dependsOn: v.dependsOn,
        fixes: [{ description: `Change ${script.written} to cd into a folder ${p.userName ?? `uid ${p.uid}`} may write (its home, or a mounted folder) before it starts the command.`, safe: false }],
      });
      return;
    }
    // Not in the image (buildah makes a WORKDIR only for a step that uses it): the runtime
    // makes it at start, as root.
    const madeAtStart = !resolvePath(a.image.fs, p.cwd).meta && !resolvePath(a.image.fs, p.cwd).unknown;
    report({
      message: `${who(a)} cannot create files in the working directory ${p.cwd}${madeAtStart ? ', which the image does not have: the runtime makes it at start, owned by root' : ''}.`,
      why: `${firstReason(v)}. Scripts that save checkpoints or logs to relative paths fail with ${why}.`,
      line: a.sim.target.lines.workdir,
      dependsOn: v.dependsOn,
      fixes: v.errno === 'EROFS'
        ? [readOnlyRootFix(a, p.cwd)]
        // By name when the image's own user runs: the fix stays right when a build argument
        // changes that user's uid.
        : [ownWorkdirFix(a, `RUN mkdir -p ${p.cwd} && chown ${a.run?.user === undefined && p.userName && p.groupName ? `${p.userName}:${p.groupName}` : `${p.uid}:${p.gid}`} ${p.cwd}`)],
    });
  },
});
