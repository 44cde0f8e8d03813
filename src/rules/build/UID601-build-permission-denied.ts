import { defineRule } from '../rule.js';
import { failureLine } from '../../build/simulate.js';
import { failureGuesses } from '../util.js';

export default defineRule({
  id: 'UID601',
  name: 'build-permission-denied',
  description: 'A build step fails for lack of permission (chown, apt-get or a write to a root-owned path after USER).',
  category: 'build',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    for (const f of a.sim.failures) {
      if (f.kind !== 'permission') continue;
      const guess = failureGuesses(a, f);
      // The USER in force at the failing line: the last USER instruction above it in its stage.
      const stage = a.df.stages.find((s) => s.from.line <= f.line && s.instructions.some((i) => i.line === f.line));
      const userIns = stage?.instructions.filter((i) => i.keyword === 'USER' && i.line < f.line).at(-1);
      const user = userIns?.args.trim() || 'root';
      report({
        message: `The build fails here: ${failureLine(f)}${guess.hedge}`,
        why: `This step runs as the USER in force at this line, not as root, so it may not change files it does not own or lock the package database. The analysis carries on as if the step had not run.`,
        line: f.line,
        dependsOn: guess.dependsOn,
        // Resting on a guess, the failure is a warning, so CI does not fail on it.
        unsureSeverity: guess.dependsOn.length > 0 ? 'warning' : undefined,
        fixes: [
          { description: 'Do the privileged work before switching user, or switch back to root for it.', snippet: `USER root\n${f.instruction}\nUSER ${user}`, safe: false },
        ],
      });
    }
  },
});
