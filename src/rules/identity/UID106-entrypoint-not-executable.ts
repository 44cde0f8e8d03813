import { defineRule, type AnalysisView } from '../rule.js';
import { firstReason, startCommand, who } from '../util.js';
import { normalizePath } from '../../image/fs.js';

/** The file the engine executes first: ENTRYPOINT[0], else CMD[0], looked up on PATH. */
export function startExecutable(a: AnalysisView): string | undefined {
  const argv0 = startCommand(a)[0];
  if (!argv0) return undefined;
  if (argv0.includes('/')) return normalizePath(argv0, a.runtime.process.cwd);

  // Like execvp: the first PATH entry that has the name.
  for (const dir of (a.runtime.process.env.PATH ?? '').split(':').filter(Boolean)) {
    const p = normalizePath(`${dir}/${argv0}`);
    if (a.runtime.view.fs.has(p)) return p;
  }

  return undefined;
}

export default defineRule({
  id: 'UID106',
  name: 'entrypoint-not-executable',
  description: 'The program the container starts with cannot be executed (or, for a script, read) by the process: the container fails to start.',
  category: 'identity',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    if (a.runtime.errors.length > 0) return;
    const file = startExecutable(a);
    if (!file) return;

    const exec = a.check(file, 'exec');
    // A script is read by its interpreter after the kernel executes it.
    const script = /\.(sh|bash|py)$/.test(file);
    const read = script && exec.allowed ? a.check(file, 'read') : undefined;
    const v = !exec.allowed ? exec : read && !read.allowed ? read : undefined;
    if (!v || v.errno === 'ENOENT') return;

    report({
      message: `The container will not start: ${who(a)} cannot ${v === exec ? 'execute' : 'read'} ${file} (exec ${file}: permission denied).`,
      why: `${firstReason(v)}.`,
      line: a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
      dependsOn: v.dependsOn,
      fixes: [
        { description: 'Make it executable and readable for everyone when copying it.', snippet: `COPY --chmod=0755 ${file.split('/').pop()} ${file}`, safe: false },
        { description: 'Or fix the mode in a RUN step.', snippet: `RUN chmod 0755 ${file}`, safe: false },
      ],
    });
  },
});
