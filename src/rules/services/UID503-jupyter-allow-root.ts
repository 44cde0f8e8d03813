import { defineRule } from '../rule.js';
import { newUser } from '../util.js';
import { jupyterStart } from './jupyter.js';

export default defineRule({
  id: 'UID503',
  name: 'jupyter-allow-root',
  description: 'Jupyter is started as root with --allow-root.',
  category: 'services',
  severity: { dev: 'info', prod: 'warning' },
  fix: 'suggestion',
  check(a, report) {
    const j = jupyterStart(a);
    if (!j || !j.allowRoot || a.runtime.process.uid !== 0) return;

    const from = j.allowRootFrom && j.allowRootFrom !== 'cli' ? `allow_root set in ${j.allowRootFrom}` : '--allow-root';
    report({
      message: `Jupyter runs as root with ${from}: every notebook cell and terminal is a root shell.`,
      why: 'Jupyter refuses root unless told otherwise because code run from the browser then has full control of the container and its mounts.',
      line: j.line,
      fixes: [{ description: 'Run Jupyter as an unprivileged user and drop --allow-root.', snippet: `RUN ${newUser(a).create}\nUSER ${newUser(a).uid}`, safe: false }],
    });
  },
});
