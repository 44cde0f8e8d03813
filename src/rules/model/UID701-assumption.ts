import { defineRule } from '../rule.js';

export default defineRule({
  id: 'UID701',
  name: 'assumption',
  description: 'The analysis rests on an assumption of low confidence (an unknown base image, an unread build context, ...).',
  category: 'model',
  severity: { dev: 'info', prod: 'info' },
  fix: 'none',
  check(a, report) {
    for (const s of a.assumptions) {
      if (s.confidence !== 'low') continue;
      report({
        message: `Assumed (${s.confidence} confidence): ${s.text}`,
        why: `uidctl could not read this fact (${s.subject}) and says so instead of guessing silently. Verdicts that depend on it list its id ${s.id}.`,
        line: s.line,
        fixes: [],
        dependsOn: [s.id],
      });
    }
  },
});
