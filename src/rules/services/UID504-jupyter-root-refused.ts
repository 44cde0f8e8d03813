import { defineRule } from '../rule.js';
import { newUser } from '../util.js';
import { jupyterStart } from './jupyter.js';

export default defineRule({
  id: 'UID504',
  name: 'jupyter-root-refused',
  description: 'Jupyter would start as root without --allow-root and refuses to run.',
  category: 'services',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    const j = jupyterStart(a);
    if (!j || j.allowRoot || a.runtime.process.uid !== 0) return;
    // docker-stacks' start scripts switch from root to NB_USER themselves.
    if (j.argv.some((w) => /start-notebook|start-singleuser|start\.sh/.test(w))) return;
    // A config file it reads whose text is unknown may set allow_root: no claim either way.
    if (j.unreadConfig.length > 0) return;

    report({
      message: 'Jupyter will refuse to start: it runs as root and neither --allow-root nor allow_root in a config file it reads is given ("Running as root is not recommended. Use --allow-root to bypass.").',
      why: 'Jupyter Server exits when started by uid 0 unless allow_root is set.',
      line: j.line,
      fixes: [
        { description: 'Run it as an unprivileged user (preferred).', snippet: `RUN ${newUser(a).create}\nUSER ${newUser(a).uid}`, safe: false },
        { description: 'Or accept the risk explicitly.', snippet: 'CMD ["jupyter", "lab", "--allow-root"]', safe: false },
      ],
    });
  },
});
