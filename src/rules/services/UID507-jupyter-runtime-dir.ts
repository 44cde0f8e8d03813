import { defineRule } from '../rule.js';
import { ancestry, normalizePath } from '../../image/fs.js';
import { firstReason, renderRunChanges, tmpHomeChanges, who } from '../util.js';
import { jupyterStart } from './jupyter.js';

/**
 * Where Jupyter keeps its runtime files (jupyter_core paths.py): JUPYTER_RUNTIME_DIR, else
 * `runtime` in the data folder, which is JUPYTER_DATA_DIR, else XDG_DATA_HOME/jupyter, else
 * ~/.local/share/jupyter (HOME as the process has it).
 */
function runtimeDir(env: Record<string, string>, home: string, cwd: string): string {
  if (env.JUPYTER_RUNTIME_DIR) return normalizePath(env.JUPYTER_RUNTIME_DIR, cwd);
  const data = env.JUPYTER_DATA_DIR || `${env.XDG_DATA_HOME || `${home}/.local/share`}/jupyter`;

  return normalizePath(`${data}/runtime`, cwd);
}

export default defineRule({
  id: 'UID507',
  name: 'jupyter-runtime-dir',
  description: 'Jupyter cannot make its runtime folder (~/.local/share/jupyter/runtime, under HOME): the server stops at start with PermissionError.',
  category: 'services',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    const j = jupyterStart(a);
    const p = a.runtime.process;
    if (!j || a.runtime.errors.length > 0 || p.uid === 0) return;
    const dir = runtimeDir(p.env, p.home, p.cwd);
    // mkdir -p: the first folder on the way that is missing must be made in its parent.
    let blocked: { path: string; v: ReturnType<typeof a.check> } | undefined;
    for (const d of ancestry(dir).slice(1)) {
      const here = a.check(d, 'chdir');
      if (here.allowed) continue;
      if (here.errno !== 'ENOENT') {
        blocked = { path: d, v: here };
        break;
      }
      const make = a.check(d, 'create');
      if (!make.allowed && make.errno !== 'ENOENT') blocked = { path: d, v: make };
      break;
    }
    if (!blocked && a.check(dir, 'chdir').allowed) {
      const w = a.check(dir, 'write');
      if (!w.allowed && w.errno === 'EACCES') blocked = { path: dir, v: w };
    }
    if (!blocked || blocked.v.errno !== 'EACCES') return;
    const unsure = blocked.v.dependsOn.length > 0;

    report({
      message: `Jupyter will not start: ${who(a)} cannot make its runtime folder ${dir} (PermissionError: [Errno 13] Permission denied: '${blocked.path}')${unsure ? ', if the modes are the ones assumed' : ''}.`,
      why: `${firstReason(blocked.v)}. Jupyter keeps its runtime files in JUPYTER_RUNTIME_DIR, else in ~/.local/share/jupyter/runtime under HOME (${p.home}), and makes that folder as the server starts.`,
      line: j.line,
      dependsOn: blocked.v.dependsOn,
      unsureSeverity: unsure ? 'warning' : undefined,
      fixes: [
        { description: 'Give the process a HOME it may write.', snippet: renderRunChanges(a, tmpHomeChanges(a)), safe: false },
        { description: 'Or point Jupyter at a runtime folder it may write.', snippet: renderRunChanges(a, [{ kind: 'env', name: 'JUPYTER_RUNTIME_DIR', value: '/tmp/jupyter-runtime' }]), safe: false },
      ],
    });
  },
});
