import { defineRule } from '../rule.js';

export default defineRule({
  id: 'UID403',
  name: 'sudo-nopasswd-all',
  description: 'A sudoers rule lets a user or group run any command as root without a password.',
  category: 'sudo',
  severity: { dev: 'info', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    if (!a.image.packages.sudo) return;

    for (const r of a.image.sudoers) {
      if (!r.nopasswd || !/\bALL\b/.test(r.commands) || r.who === 'root') continue;
      report({
        message: `${r.who} may run any command as root without a password (${r.file}): the non-root USER is root in all but name.`,
        why: 'NOPASSWD: ALL turns every process of that user into a root process one command away; it undoes the point of running as non-root.',
        line: r.line ?? a.image.texts[r.file]?.line,
        fixes: [
          { description: 'Limit the rule to the commands really needed, or drop sudo and do the root work at build time.', snippet: `${r.who} ALL=(root) NOPASSWD: /usr/bin/apt-get`, safe: false },
        ],
      });
    }
  },
});
