import { defineRule } from '../rule.js';
import { renderRunChanges, runTool } from '../util.js';
import { isPublicIp, jupyterStart, publishedOnLoopbackOnly } from './jupyter.js';

export default defineRule({
  id: 'UID505',
  name: 'jupyter-no-token',
  description: 'Jupyter listens on all interfaces with its token and password turned off.',
  category: 'services',
  severity: { dev: 'warning', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    const j = jupyterStart(a);
    if (!j || j.token !== '' || (j.password ?? '') !== '') return;
    if (!isPublicIp(j.ip) || publishedOnLoopbackOnly(a)) return;
    // traitlets refuses a repeated --ip ("ip only accepts one value, got 2") and the server exits.
    if (j.ipCount > 1) return;
    const where = j.ip === '' ? 'all interfaces (an empty --ip)' : j.ip;
    const from = j.tokenFrom ? ` (set in ${j.tokenFrom})` : '';

    report({
      message: `Jupyter listens on ${where} with an empty token${from}: anyone who reaches the port can run code in the container.`,
      why: 'The token is the only login Jupyter has by default; with it empty and the server bound to every interface, the port is an open shell.',
      line: j.line,
      fixes: [
        runTool(a) === 'kubernetes'
          ? { description: 'Keep the default random token (or set a password), and reach the port through kubectl port-forward rather than a Service.', snippet: 'kubectl port-forward pod/POD 8888:8888', safe: false }
          : { description: 'Keep the default random token (or set a password), and publish the port on localhost only.', snippet: renderRunChanges(a, [{ kind: 'publish-loopback', port: '8888' }]), safe: false },
      ],
    });
  },
});
