import { defineRule } from '../rule.js';
import { firstReason, renderRunChanges } from '../util.js';
import { named } from './drop.js';

export default defineRule({
  id: 'UID107',
  name: 'workdir-not-enterable',
  description: 'The process cannot enter its working directory; podman and buildah then refuse to start the container.',
  category: 'identity',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
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
