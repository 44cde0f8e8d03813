// The work a check does is bounded: a function that calls itself twice (2^64 calls under the
// depth limit), a fork bomb and a value that doubles stop at a budget, are said as unknown
// effects (UID603), and the rest of the file is still analysed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { MAX_COMMANDS, runScript, type WorkBudget } from '../../src/shell/interpret.js';
import { MAX_VALUE_LENGTH } from '../../src/shell/words.js';
import { MAX_EXPANDED_LENGTH, expandWord } from '../../src/dockerfile/expand.js';
import { as, image } from './run-fixture.js';

const analysed = (text: string) => analyze({ file: 'Dockerfile', text });
const TOO_MANY = `the script runs more than ${MAX_COMMANDS.toLocaleString('en-US')} commands (a function that calls itself more than once, or loops); the model stops following it there`;

describe('a budget of commands per script', () => {
  const cases: [string, string][] = [
    ['a function that calls itself twice', 'f(){ f; f; }; f'],
    ['the fork bomb', 'f(){ f|f& };f'],
  ];
  for (const [name, run] of cases) {
    test(`${name} stops at ${MAX_COMMANDS} commands, says so at its line, and the next steps are followed`, () => {
      const a = analysed(`FROM debian:bookworm\nRUN ${run}\nRUN useradd -m app\nUSER app\n`);
      const budget = a.unknowns.filter((u) => u.reason === TOO_MANY);
      assert.deepEqual(budget.map((u) => [u.line, u.command]), [[2, run]]);
      assert.equal(a.identity.user, 'app');
      assert.ok(a.findings.some((f) => f.ruleId === 'UID603' && f.location.line === 2 && f.message.includes(TOO_MANY)));
    });
  }

  test('plain recursion still stops at the depth limit, with no budget note', () => {
    const a = analysed('FROM debian:bookworm\nRUN f(){ f; }; f\n');
    assert.deepEqual(a.unknowns.map((u) => u.reason), ['function f recurses deeper than the model follows']);
  });

  test('a budget shared by the scripts of an analysis runs out across them: the commands past it are not run', () => {
    const state = image();
    const budget: WorkBudget = { left: 5 };
    const init = { state, ident: as(state, 'root'), env: new Map(), cwd: '/', builder: 'buildkit' as const, file: 'Dockerfile', line: 3, budget };
    assert.equal(runScript('mkdir /a; mkdir /b', init).status, 0);
    assert.equal(budget.left, 3);
    const out = runScript('mkdir /c; mkdir /d; mkdir /e; mkdir /f', init);
    assert.equal(out.status, 'unknown');
    // The five commands the budget allowed ran; the sixth did not.
    assert.deepEqual(['/a', '/b', '/c', '/d', '/e', '/f'].map((p) => state.fs.has(p)), [true, true, true, true, true, false]);
    assert.deepEqual(state.unknowns.map((u) => [u.line, u.reason]), [[3, "the file's scripts run more than 1,000,000 commands in all; the model stops following them there"]]);
  });
});

describe('a cap on the length of values', () => {
  test(`a shell variable that doubles stops the script once it would pass ${MAX_VALUE_LENGTH} characters`, () => {
    const a = analysed('FROM debian:bookworm\nRUN A=xxxxxxxx; f(){ A=$A$A; f; }; f; mkdir /never\nRUN mkdir /after\n');
    assert.deepEqual(a.unknowns.map((u) => [u.line, u.reason]), [[2, 'a word would be longer than 1 MiB; the model stops following the script there']]);
    assert.equal(a.image.fs.has('/never'), false);
    assert.equal(a.image.fs.has('/after'), true);
  });

  test('BuildKit words: a value past the cap is a too-long ExpandError, a value at it is kept', () => {
    const half = 'x'.repeat(MAX_EXPANDED_LENGTH / 2);
    assert.equal(expandWord('${A}${A}', () => half).length, MAX_EXPANDED_LENGTH);
    assert.throws(() => expandWord('${A}${A}x', () => half), (e: Error & { kind?: string }) => e.kind === 'too-long');
    assert.throws(() => expandWord('"$A$A"x$A', () => half), (e: Error & { kind?: string }) => e.kind === 'too-long');
  });

  test('ENV that doubles: the line past 1 MiB and every later use of the name are unknown effects; RUN sees the value as not known', () => {
    const lines = ['FROM debian:bookworm', 'ENV A=xxxxxxxx', ...Array.from({ length: 20 }, () => 'ENV A=${A}${A}'), 'ENV B=$A', 'RUN useradd -m "u$A"', 'RUN useradd -m app', 'USER app'];
    const a = analysed(`${lines.join('\n')}\n`);
    // 8 characters doubled 17 times is 1 MiB exactly; the 18th doubling (line 20) is past it.
    assert.deepEqual(a.unknowns.map((u) => u.line), [20, 21, 22, 23, 24]);
    assert.equal(a.unknowns[0].reason, 'the value would be longer than 1 MiB; the model does not hold such values, so A is not known from here');
    assert.equal(a.unknowns[3].reason, 'the value of A is not known (it would be longer than 1 MiB); the model does not hold such values, so B is not known from here');
    assert.equal(a.image.config.env.A, undefined);
    assert.equal(a.image.config.env.B, undefined);
    assert.equal(a.identity.user, 'app');
  });
});
