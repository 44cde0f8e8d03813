import { defineRule, type AnalysisView, type RuleReport } from '../rule.js';
import { firstReason, renderRunChanges, runPlace, runTool } from '../util.js';
import { named } from './drop.js';
import type { StartError } from '../../runtime/resolve.js';
import { normalizePath } from '../../image/fs.js';

/**
 * The engine refuses the working directory the run gives before anything starts: a relative
 * one (`-w app`, `working_dir: app`, `workingDir: app`), or under podman a `-w` folder the
 * image does not have.
 */
function refused(a: AnalysisView, e: StartError): RuleReport {
  const given = a.run?.workdir ?? '';
  const relative = !given.startsWith('/');
  const tool = runTool(a);
  const setting = tool === 'kubernetes' ? 'workingDir' : tool === 'compose' ? 'working_dir' : '-w';
  const wd = a.image.config.workdir || '/';
  const absolute = normalizePath(given, wd);
  const fixes = relative
    ? [
        {
          description: `Give ${setting} as an absolute path, such as ${absolute} (${given} below the image's WORKDIR ${wd}): no engine takes a relative one from the WORKDIR${tool === 'docker' || tool === 'podman' ? ' or from the folder you run the command in' : ''}.`,
          snippet: renderRunChanges(a, [{ kind: 'workdir', path: absolute }]),
          safe: false,
        },
        { description: `Or leave ${setting} out ${runPlace(a)}, and the image's WORKDIR (${wd}) applies.`, safe: false },
      ]
    : [
        { description: 'Create the folder in the image, or leave -w out so the image\'s WORKDIR applies.', snippet: `RUN mkdir -p ${given}`, safe: false },
      ];

  return {
    message: `The container will not start: ${e.message}.`,
    why: relative
      ? tool === 'kubernetes'
        ? `workingDir ${given} is relative; the kubelet passes it on unchanged and the container runtime needs an absolute working directory (the OCI runtime spec's process.cwd).`
        : tool === 'podman' || a.engine === 'podman'
          ? `${setting} ${given} is relative; podman looks for it as given and finds no such workdir, so it refuses to start the container (measured with podman 4.3, even for a folder that exists below /).`
          : `${setting} ${given} is relative; Docker's daemon accepts only an absolute working directory and refuses to create the container.`
      : `podman refuses a -w folder the image does not have (Docker would create it, owned by root).`,
    line: a.sim.target.lines.workdir,
    fixes,
  };
}

export default defineRule({
  id: 'UID107',
  name: 'workdir-not-enterable',
  description: 'The container cannot start in its working directory: the run gives a relative one (refused by Docker, podman and Kubernetes), podman is given a -w folder the image lacks, or the process cannot enter it (podman and buildah then refuse to start the container).',
  category: 'identity',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    const workdir = a.runtime.errors.filter((e) => e.workdir);
    for (const e of workdir) report(refused(a, e));
    // runc (Docker) changes into the directory before dropping to the user and starts anyway
    // (libcontainer finalizeNamespace); crun and buildah's chroot runner change into it as the
    // user and fail (measured with buildah run in the oracle suite).
    if (a.engine !== 'podman' || a.runtime.errors.length > 0) return;
    // The engine enters it as the user the container starts as, before any switch of user.
    const p = a.runtime.drop?.from ?? a.runtime.process;
    const v = a.checkStart(p.cwd, 'chdir');
    if (v.allowed || v.errno !== 'EACCES') return;

    report({
      message: `The container will not start: ${named(p)} cannot enter its working directory ${p.cwd} (chdir: permission denied).`,
      why: `${firstReason(v)}.`,
      line: a.sim.target.lines.workdir,
      dependsOn: v.dependsOn,
      fixes: [
        { description: 'Let everyone pass through the directory, or make the user its owner.', snippet: `RUN chmod 0755 ${p.cwd}`, safe: false },
        { description: 'Or start somewhere the user may enter.', snippet: renderRunChanges(a, [{ kind: 'workdir', path: '/tmp' }]), safe: false },
      ],
    });
  },
});
