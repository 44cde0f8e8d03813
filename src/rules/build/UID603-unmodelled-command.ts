import { defineRule } from '../rule.js';

export default defineRule({
  id: 'UID603',
  name: 'unmodelled-command',
  description: 'A RUN command may change files or users in ways the model does not know; verdicts on the paths it touches are less certain.',
  category: 'build',
  severity: { dev: 'info', prod: 'info' },
  fix: 'none',
  check(a, report) {
    const seen = new Set<string>();

    for (const u of a.image.unknowns) {
      const key = `${u.line}|${u.command}`;
      if (seen.has(key)) continue;
      seen.add(key);
      report({
        message: `Not modelled: ${u.command.slice(0, 80)} - ${u.reason}.`,
        why: 'uidctl interprets the commands that change users, owners and modes; anything else is recorded as an unknown effect so verdicts that may depend on it say so.',
        line: u.line,
        fixes: [],
      });
    }
  },
});
