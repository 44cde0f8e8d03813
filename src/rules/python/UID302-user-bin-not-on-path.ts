import { defineRule } from '../rule.js';

export default defineRule({
  id: 'UID302',
  name: 'user-bin-not-on-path',
  description: '~/.local/bin is not on PATH, so tools installed with `pip install --user` are not found.',
  category: 'python',
  severity: { dev: 'info', prod: 'off' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    if (!a.python || p.uid === 0 || a.runtime.errors.length > 0) return;
    if (a.check(a.python.sitePackages, 'write').allowed) return;
    const bin = `${p.home}/.local/bin`;
    const path = (p.env.PATH ?? '').split(':');
    if (path.includes(bin) || path.includes('$HOME/.local/bin')) return;

    report({
      message: `${bin} is not on PATH: console scripts from \`pip install --user\` (jupyter, tensorboard, ...) will be "command not found".`,
      why: 'pip puts the scripts of user installs into ~/.local/bin, which the image PATH does not list.',
      fixes: [{ description: 'Add it to PATH.', snippet: `ENV PATH=${bin}:$PATH`, safe: false }],
    });
  },
});
