import { defineRule } from '../rule.js';
import { normalizePath } from '../../image/fs.js';
import { pipInstalled, refusedByMarker } from './pip.js';
import { userBinOnPath } from './UID301-pip-install-denied.js';

export default defineRule({
  id: 'UID302',
  name: 'user-bin-not-on-path',
  description: '~/.local/bin is not on PATH, so tools installed with `pip install --user` are not found.',
  category: 'python',
  severity: { dev: 'info', prod: 'off' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    const py = a.python;
    if (!py || p.uid === 0 || a.runtime.errors.length > 0 || !pipInstalled(a, py)) return;
    // PEP 668 refuses --user installs too; a venv has no user site.
    if (refusedByMarker(py, p.env) || py.kind === 'venv') return;
    if (a.check(py.sitePackages, 'write').allowed) return;
    const bin = normalizePath(`${p.home}/.local/bin`);
    const path = (p.env.PATH ?? '').split(':');
    if (path.includes(bin) || path.includes('$HOME/.local/bin')) return;

    report({
      message: `${bin} is not on PATH: console scripts from \`pip install --user\` (jupyter, tensorboard, ...) will be "command not found".`,
      why: 'pip puts the scripts of user installs into ~/.local/bin, which the image PATH does not list.',
      fixes: [{ description: 'Add it to PATH.', snippet: userBinOnPath(a, bin), safe: false }],
    });
  },
});
