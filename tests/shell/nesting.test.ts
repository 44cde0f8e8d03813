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

describe('for-loop passes', () => {
  const nested = (depth: number) => `FROM debian:bookworm\nRUN ${'for i in 1 2 3 4 5 6 7 8 9 10; do '.repeat(depth)}touch /tmp/x$i; ${'done; '.repeat(depth)}mkdir /after\n`;

  test('up to 10,000 passes in all are followed: three nested loops of ten are 1,110', () => {
    const a = analyze({ file: 'Dockerfile', text: nested(3) });
    assert.deepEqual(a.unknowns.map((u) => u.reason), []);
    assert.ok(a.image.fs.has('/tmp/x10'));
  });

  test('past that the step is not followed further, and says so once (ten nested loops of ten)', () => {
    const a = analyze({ file: 'Dockerfile', text: nested(10) });
    assert.deepEqual(a.unknowns.map((u) => u.reason), ['the for loops of this step run more than 10000 times in all; the model stops following them']);
    // The lines after the loops still run.
    assert.ok(a.image.fs.has('/after'));
  });
});

describe('sh -s', () => {
  test('reads its script from its input; the words after -- are its arguments, not a script file', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && curl -fsSL https://example.invalid/install | sh -s -- -y\n' });
    assert.deepEqual(a.unknowns.filter((u) => u.command.startsWith('sh')).map((u) => u.reason), ['the script sh reads from its input is not known']);
    const b = analyze({ file: 'Dockerfile', text: "FROM debian:bookworm\nRUN echo 'mkdir -p /opt/$1' | sh -s -- made\n" });
    assert.ok(b.image.fs.has('/opt/made'));
  });
});
