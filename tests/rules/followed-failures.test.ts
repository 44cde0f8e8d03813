// A build step that fails only because an earlier failed step was to make the user or group it
// names is no failure of its own: a real build stops at the first, and the rest succeed once
// that one is fixed. The first step's finding names them; the report marks them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { resultJson } from '../../src/report/json.js';
import { renderTextResult } from '../../src/report/text.js';

const check = (text: string) => analyze({ file: 'Dockerfile', text });
const ids = (a: ReturnType<typeof check>) => a.findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId}:${f.location.line}`);

// ubuntu:24.04 has the user ubuntu at uid 1000 and the group ubuntu at gid 1000.
const TAKEN = [
  'FROM ubuntu:24.04',
  'RUN useradd --create-home --uid 1000 app',
  'COPY --chown=app:app src /app/src',
  'RUN chown -R app /app',
  'USER app',
  '',
].join('\n');

describe('failures that follow from a failed step that makes the account', () => {
  test('useradd on a taken uid: one UID602 at its line, naming the later lines and the start', () => {
    const a = check(TAKEN);
    assert.deepEqual(a.sim.failures.map((f) => f.line), [2, 3, 4]);
    assert.deepEqual(ids(a), ['UID602:2']);
    const f = a.findings.find((x) => x.ruleId === 'UID602')!;
    assert.equal(f.message, 'The build fails here: useradd: UID 1000 is not unique');
    assert.match(f.why, / Until this step is fixed, the account it makes is missing, so lines 3 and 4 fail too, and the container could not start as it; those are not reported apart\.$/);
  });

  test('the JSON report marks each follower with the line it follows; the text report says so', () => {
    const a = check(TAKEN);
    const r = { analysis: a, findings: a.findings };
    const json = resultJson(r as never);
    assert.deepEqual(json.build.failures.map((f: { line: number; follows?: number }) => [f.line, f.follows]), [[2, undefined], [3, 2], [4, 2]]);
    const text = renderTextResult(r as never, { color: false } as never);
    assert.match(text, /start {4}FAILS: unable to find user app: no matching entries in passwd file \(follows from line 2\)/);
    assert.match(text, /build {4}FAILS at line 2: useradd: UID 1000 is not unique\n/);
    assert.match(text, /build {4}FAILS at line 4: chown: invalid user: 'app' \(follows from line 2\)/);
  });

  test('a groupadd on a taken gid in a long && chain: the whole step text is read, not its first 200 characters', () => {
    const pkgs = Array.from({ length: 30 }, (_, i) => `pkg${i}`).join(' ');
    const a = check(`FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y ${pkgs} \\\n    && groupadd --gid 1000 app \\\n    && useradd --uid 1001 --gid app app\nCOPY --chown=app:app . /app\n`);
    assert.deepEqual(ids(a), ['UID602:2']);
    assert.equal(a.sim.failures[0].instruction.length, 200);
  });

  test('a missing user no failed step was to make is a failure of its own', () => {
    const a = check('FROM ubuntu:24.04\nRUN useradd --uid 1000 app\nRUN chown bob /tmp\n');
    assert.deepEqual(ids(a), ['UID602:2', 'UID602:3']);
  });

  test('a stage not built FROM the failing one reports its own failure', () => {
    const a = check('FROM ubuntu:24.04 AS one\nRUN useradd --uid 1000 app\nFROM ubuntu:24.04\nCOPY --from=one /etc/hostname /h\nRUN chown app /tmp\n');
    assert.deepEqual(ids(a), ['UID602:2', 'UID602:5']);
  });

  test('a stage built FROM the failing one follows it', () => {
    const a = check('FROM ubuntu:24.04 AS one\nRUN useradd --uid 1000 app\nFROM one\nRUN chown app /tmp\n');
    assert.deepEqual(ids(a), ['UID602:2']);
    assert.match(a.findings.find((f) => f.ruleId === 'UID602')!.why, /, so line 4 fails too; that is not reported apart\.$/);
  });

  test('a user made by a step that did not fail, then deleted, is still reported', () => {
    const a = check('FROM debian:bookworm\nRUN useradd app && userdel app\nUSER app\n');
    assert.deepEqual(ids(a), ['UID104:3']);
  });
});

describe("UID602's fix for a taken uid makes the user the step was to make", () => {
  const fixOf = (text: string) => check(text).findings.find((x) => x.ruleId === 'UID602')?.fixes[0]?.snippet;

  test('useradd with its options spread over continued lines: the name is the operand, not an option value', () => {
    assert.equal(
      fixOf('FROM ubuntu:24.04\nRUN useradd --create-home \\\n    --shell /bin/bash --uid 1000 trainer\n'),
      'RUN userdel -r ubuntu && useradd --create-home --uid 1000 trainer',
    );
  });

  test("Debian's adduser with a quoted --gecos of several words", () => {
    assert.equal(
      fixOf('FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y adduser && adduser --disabled-password --gecos "Dev User" --uid 1000 dev\n'),
      'RUN userdel -r ubuntu && useradd --create-home --uid 1000 dev',
    );
  });

  test('of two useradds in one step, the one asking for the taken uid', () => {
    assert.equal(
      fixOf('FROM ubuntu:24.04\nRUN useradd -u 2000 -m other && useradd -m -u 1000 -g users ml\n'),
      'RUN userdel -r ubuntu && useradd --create-home --uid 1000 ml',
    );
  });
});
