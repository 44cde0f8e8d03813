import { defineRule } from '../rule.js';
import { mayBeTouched, startCommand, startsSshd } from '../util.js';
import { resolvePath } from '../../image/fs.js';

/**
 * sshd started directly (`sshd -D`) on a Debian or Ubuntu image checks its privilege separation
 * directory first and exits when it is missing ("Missing privilege separation directory:
 * /run/sshd", openssh's sshd.c; Debian builds it with /run/sshd). The package leaves the folder
 * to systemd-tmpfiles at boot, which a container never runs, and a build has no /run/sshd
 * (measured: failures/mkdir-run-sshd-after-openssh). `service ssh start` makes it itself.
 */
export default defineRule({
  id: 'UID506',
  name: 'sshd-privsep-dir-missing',
  description: 'The container starts sshd, but /run/sshd (its privilege separation directory) is missing: sshd exits at once.',
  category: 'services',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    if (a.runtime.errors.length > 0) return;
    if (a.image.distro !== 'debian' && a.image.distro !== 'ubuntu') return;
    if (!a.image.packages['openssh-server']) return;
    if (!startsSshd(a) || startCommand(a).some((w) => /\bservice\s+ssh\b/.test(w))) return;

    const r = resolvePath(a.runtime.view.fs, '/run/sshd');
    // Present, or made by something the model could not follow.
    if (r.meta || r.loop || mayBeTouched(a, ['/run/sshd'])) return;

    report({
      message: 'The container will not start: sshd exits with "Missing privilege separation directory: /run/sshd".',
      why: 'openssh-server leaves /run/sshd to systemd-tmpfiles at boot, which never runs in a container, and no step of the build makes it.',
      line: a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
      fixes: [
        { description: 'Make the folder in the image, after installing openssh-server.', snippet: 'RUN mkdir -p /run/sshd && chmod 0755 /run/sshd', safe: false },
        { description: 'Or make it when the container starts, before sshd.', snippet: 'CMD ["/bin/sh", "-c", "mkdir -p /run/sshd && exec /usr/sbin/sshd -D"]', safe: false },
      ],
    });
  },
});
