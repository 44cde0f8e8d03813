// How a rule's report becomes a finding: the framework's part (severity, location, fixes, and
// the unknowns it rests on, each named once).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { toFinding } from '../../src/rules/rule.js';
import type { AnalysisView, Rule } from '../../src/rules/rule.js';

const rule = { id: 'UID999', severity: { dev: 'warning', prod: 'error' } } as unknown as Rule;
const view = { file: 'Dockerfile', profile: 'prod' } as unknown as AnalysisView;

describe('toFinding', () => {
  test('an unknown reached through several paths is named once, in first-seen order', () => {
    const f = toFinding(rule, { message: 'm', why: 'w', line: 3, fixes: [], dependsOn: ['unmodelled:5', 'base:x', 'unmodelled:5'] }, view);
    assert.deepEqual(f.dependsOn, ['unmodelled:5', 'base:x']);
    assert.deepEqual([f.severity, f.location], ['error', { file: 'Dockerfile', line: 3 }]);
  });
});
