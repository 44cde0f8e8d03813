import { defineRule, identityLine } from '../rule.js';

export default defineRule({
  id: 'UID104',
  name: 'unknown-user',
  description: 'USER or --user names a user or group that does not exist in the image, so the container cannot start.',
  category: 'identity',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    // Mount problems at start are UID203's; this rule speaks of users and groups.
    for (const e of a.runtime.errors.filter((x) => /user|group|passwd|runAsNonRoot|non-root/i.test(x.message))) {
      report({
        message: `The container will not start: ${e.message}.`,
        why:
          'The engine looks the user and group up in the image\'s /etc/passwd and /etc/group when the ' +
          'container starts; a name that is not there stops the start. Numeric ids need no entry.',
        line: identityLine(a),
        fixes: [
          { description: 'Create the user before switching to it, or use numeric ids.', snippet: 'RUN useradd --create-home app\nUSER app', safe: false },
        ],
      });
    }
  },
});
