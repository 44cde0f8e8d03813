import { defineRule } from '../rule.js';

export default defineRule({
  id: 'UID604',
  name: 'build-step-failed',
  description: 'A build step fails for another predictable reason (a missing file, a command that exits non-zero).',
  category: 'build',
  severity: { dev: 'error', prod: 'error' },
  fix: 'none',
  check(a, report) {
    for (const f of a.sim.failures) {
      if (f.kind !== 'other') continue;
      report({
        message: `The build fails here: ${f.message.split('\n')[0]}`,
        why: 'The step exits non-zero, which stops the build. The analysis carries on as if the step had not run.',
        line: f.line,
        fixes: [],
      });
    }
  },
});
