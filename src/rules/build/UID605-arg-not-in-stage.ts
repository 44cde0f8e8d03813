import { defineRule } from '../rule.js';

/**
 * An ARG declared only before the first FROM, used inside a stage that does not declare it
 * again: there it is empty. Dockerfile reference, "Understand how ARG and FROM interact"; BuildKit
 * reports the same as its UndefinedVar build check.
 */
export default defineRule({
  id: 'UID605',
  name: 'arg-not-in-stage',
  description: 'A stage uses an ARG declared only before the first FROM without declaring it again: inside the stage it is empty, so the user, paths or ids built from it are not the ones meant.',
  category: 'build',
  severity: { dev: 'warning', prod: 'warning' },
  fix: 'safe',
  check(a, report) {
    for (const stage of a.sim.stages) {
      for (const { name, line, declaredAt } of stage.globalOnlyArgs ?? []) {
        report({
          message: `$${name} is empty here: ARG ${name} is declared before the first FROM (line ${declaredAt}), and this stage does not declare it again.`,
          why: `An ARG declared before the first FROM is in scope for the FROM lines only; inside a stage a variable comes from that stage's own ARG (or ENV), so \`${name}\` expands to nothing at line ${line}.`,
          line,
          fixes: [
            {
              description: `Declare it again in the stage, before its first use: it takes the value given before FROM (or with --build-arg).`,
              snippet: `ARG ${name}`,
              safe: true,
              edit: { file: a.file, startLine: line, endLine: line - 1, text: `ARG ${name}` },
            },
          ],
        });
      }
    }
  },
});
