import { defineRule } from '../rule.js';

export default defineRule({
  id: 'UID303',
  name: 'externally-managed',
  description: 'The active Python is marked EXTERNALLY-MANAGED (PEP 668): `pip install` refuses outside a virtual environment.',
  category: 'python',
  severity: { dev: 'warning', prod: 'info' },
  fix: 'suggestion',
  check(a, report) {
    const py = a.python;
    if (!py || !py.externallyManaged || a.runtime.errors.length > 0) return;
    const env = a.runtime.process.env;
    if (env.PIP_BREAK_SYSTEM_PACKAGES === '1' || env.VIRTUAL_ENV) return;

    report({
      message: `${py.python} is externally managed: \`pip install\` stops with "error: externally-managed-environment".`,
      why: 'Debian 12 and Ubuntu 23.04+ ship an EXTERNALLY-MANAGED marker in the system Python (PEP 668); pip then refuses to install into it.',
      fixes: [
        { description: 'Use a virtual environment.', snippet: 'RUN python3 -m venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH', safe: false },
        { description: 'Or override the marker knowingly.', snippet: 'ENV PIP_BREAK_SYSTEM_PACKAGES=1', safe: false },
      ],
    });
  },
});
