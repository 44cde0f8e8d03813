import { defineRule } from '../rule.js';

export default defineRule({
  id: 'UID602',
  name: 'build-identity',
  description: 'A build step fails on identity: a uid or name already taken, or a user or group that does not exist.',
  category: 'build',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    for (const f of a.sim.failures) {
      if (f.kind !== 'conflict' && f.kind !== 'identity') continue;
      const taken = /UID (\d+) is not unique/.exec(f.message);
      const fixes = taken
        ? [
            {
              description: `uid ${taken[1]} already exists in the base image: reuse that user, or remove it first.`,
              snippet: `RUN userdel -r "$(getent passwd ${taken[1]} | cut -d: -f1)" && useradd --create-home --uid ${taken[1]} app`,
              safe: false,
            },
          ]
        : [{ description: 'Create the user or group before this step, or use numeric ids.', snippet: 'RUN useradd --create-home app', safe: false }];

      report({
        message: `The build fails here: ${f.message.split('\n')[0]}`,
        why: 'Users and groups are looked up in the image\'s own /etc/passwd and /etc/group at this step; the base may already hold the id (ubuntu:24.04 has uid 1000) or the name may not exist yet. The analysis carries on as if the step had not run.',
        line: f.line,
        fixes,
      });
    }
  },
});
