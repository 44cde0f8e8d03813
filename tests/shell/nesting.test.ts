// Deep nesting is refused at a fixed depth, never by the size of the stack: the same file gets
// the same analysis in the main thread and in a worker thread (whose stack is larger), and
// whatever V8 has compiled so far.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { MAX_NESTING } from '../../src/shell/parse.js';

const reasons = (text: string) => analyze({ file: 'Dockerfile', text }).unknowns.map((u) => u.reason);
const subshells = (n: number) => `FROM ubuntu:22.04\nRUN ${'('.repeat(n)}true${')'.repeat(n)}\n`;
const arith = (n: number) => `FROM ubuntu:22.04\nRUN echo $((${'('.repeat(n)}1${')'.repeat(n)}))\n`;

describe('nesting depth', () => {
  const cases: [string, string, string[]][] = [
    ['subshells one level below the limit', subshells(MAX_NESTING - 1), []],
    ['subshells at the limit', subshells(MAX_NESTING), ['the command nests too deeply to analyse']],
    ['subshells 3,000 deep (past the main thread stack)', subshells(3000), ['the command nests too deeply to analyse']],
    ['arithmetic parentheses 350 deep', arith(350), []],
    ['arithmetic parentheses 3,000 deep', arith(3000), ['the command nests too deeply to analyse']],
  ];
  for (const [name, text, want] of cases) test(name, () => assert.deepEqual(reasons(text), want));

});
