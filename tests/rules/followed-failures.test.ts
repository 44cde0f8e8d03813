// A build step that fails only because an earlier failed step was to make the user or group it
// names is no failure of its own: a real build stops at the first, and the rest succeed once
// that one is fixed. The first step's finding names them; the report marks them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { resultJson } from '../../src/report/json.js';
import { renderTextResult } from '../../src/report/text.js';
import { accountCommands } from '../../src/rules/build/UID602-build-identity.js';

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

describe("UID602's fix for a taken id: the step's own commands, as written, after the holder goes", () => {
  const uid602 = (text: string) => check(text).findings.find((x) => x.ruleId === 'UID602');
  const fixOf = (text: string) => uid602(text)?.fixes[0]?.snippet;

  test('useradd with its options spread over continued lines: joined on one line, every option kept', () => {
    assert.equal(
      fixOf('FROM ubuntu:24.04\nRUN useradd --create-home \\\n    --shell /bin/bash --uid 1000 trainer\n'),
      'RUN userdel -r ubuntu && useradd --create-home --shell /bin/bash --uid 1000 trainer',
    );
  });

  test("Debian's adduser with a quoted --gecos of several words: the install of adduser stays in front of it", () => {
    assert.equal(
      fixOf('FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y adduser && adduser --disabled-password --gecos "Dev  User" --uid 1000 dev\n'),
      'RUN userdel -r ubuntu && apt-get update && apt-get install -y adduser && adduser --disabled-password --gecos "Dev  User" --uid 1000 dev',
    );
  });

  test('two useradds in one step: both kept', () => {
    assert.equal(
      fixOf('FROM ubuntu:24.04\nRUN useradd -u 2000 -m other && useradd -m -u 1000 -g users ml\n'),
      'RUN userdel -r ubuntu && useradd -u 2000 -m other && useradd -m -u 1000 -g users ml',
    );
  });

  // The newcomer's case: the old fix `groupadd --gid 1001 app` renamed the group and left the uid
  // clash; measured: taken-ids/gid-from-arg and taken-ids/gid-from-arg-fixed.
  test('groupadd --gid $USER_GID on the gid of the group ubuntu: userdel -r ubuntu (its group goes too) before the step, ARG references kept', () => {
    const f = uid602('FROM ubuntu:24.04\nARG USER_UID=1000\nARG USER_GID=1000\nRUN groupadd --gid $USER_GID dev && useradd --uid $USER_UID --gid $USER_GID -m -s /bin/bash dev\nUSER dev\n')!;
    assert.equal(f.message, "The build fails here: groupadd: GID '1000' already exists");
    assert.match(f.why, /: gid 1000 already belongs to the group ubuntu \(base ubuntu:24\.04\)\. The analysis/);
    assert.deepEqual(f.fixes.map((x) => [x.description, x.snippet]), [[
      'gid 1000 is taken by ubuntu: reuse that group, or remove the user ubuntu first (userdel takes its own group ubuntu with it), then run the step as written.',
      'RUN userdel -r ubuntu && groupadd --gid $USER_GID dev && useradd --uid $USER_UID --gid $USER_GID -m -s /bin/bash dev',
    ]]);
    // Applied, the build works and the start user is dev 1000:1000.
    const fixed = check('FROM ubuntu:24.04\nARG USER_UID=1000\nARG USER_GID=1000\nRUN userdel -r ubuntu && groupadd --gid $USER_GID dev && useradd --uid $USER_UID --gid $USER_GID -m -s /bin/bash dev\nUSER dev\n');
    assert.deepEqual(fixed.sim.failures, []);
    assert.deepEqual([fixed.identity.uid, fixed.identity.gid, fixed.identity.user], [1000, 1000, 'dev']);
  });

  // Measured: taken-ids/uid-old-fix-drops-options (the old fix fails) and taken-ids/uid-after-own-group-fixed.
  test("after groupadd --gid 1001 dev, the uid fix keeps useradd's --gid, so it does not make a second group dev", () => {
    const text = 'FROM ubuntu:24.04\nRUN groupadd --gid 1001 dev\nRUN useradd --uid 1000 --gid 1001 -m -s /bin/bash dev\nUSER dev\n';
    assert.equal(fixOf(text), 'RUN userdel -r ubuntu && useradd --uid 1000 --gid 1001 -m -s /bin/bash dev');
    const old = check('FROM ubuntu:24.04\nRUN groupadd --gid 1001 dev\nRUN userdel -r ubuntu && useradd --create-home --uid 1000 dev\nUSER dev\n');
    assert.deepEqual(old.sim.failures.map((f) => [f.line, f.message]), [[3, 'useradd: group dev exists - if you want to add this user to that group, use -g.']]);
    const fixed = check(text.replace('RUN useradd', 'RUN userdel -r ubuntu && useradd'));
    assert.deepEqual(fixed.sim.failures, []);
    assert.deepEqual([fixed.identity.uid, fixed.identity.gid, fixed.identity.user], [1000, 1001, 'dev']);
  });

  test('an account an earlier step made is named with its line, not as the base\'s', () => {
    const f = uid602('FROM debian:bookworm\nRUN useradd -m -u 1000 ubuntu\nARG USER_GID=1000\nRUN groupadd --gid $USER_GID dev\n')!;
    assert.match(f.why, /: gid 1000 already belongs to the group ubuntu \(made by the step at line 2\)\. /);
    assert.equal(f.fixes[0].snippet, 'RUN userdel -r ubuntu && groupadd --gid $USER_GID dev');
    const g = uid602('FROM debian:bookworm\nRUN groupadd -g 1500 devs\nRUN useradd -m alice\nRUN useradd -m alice\n')!;
    assert.match(g.why, /: a user named alice already exists \(made by the step at line 3\)\./);
    // A stage built FROM another: the line of the stage that made it.
    const h = uid602('FROM debian:bookworm AS one\nRUN useradd -m -u 1000 ubuntu\nFROM one\nRUN useradd -u 1000 dev\n')!;
    assert.match(h.why, /uid 1000 already belongs to the user ubuntu \(made by the step at line 2\)\./);
  });

  test("a package's service user stays: another uid, the name and options kept", () => {
    const f = uid602('FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends redis-tools\nRUN useradd --uid 100 -m -s /bin/bash svc\n')!;
    assert.match(f.why, /uid 100 already belongs to the user redis, which the package redis-tools \(line 2\) added\./);
    assert.deepEqual(f.fixes.map((x) => [x.description, x.snippet]), [['Give the new user another uid (redis-tools needs redis).', 'RUN useradd --uid 1100 -m -s /bin/bash svc']]);
  });

  test("a package's service user and an id from an ARG: another default for the ARG", () => {
    const f = uid602('FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends redis-tools\nARG SVC_UID=100\nRUN useradd --uid "${SVC_UID}" -m svc\n')!;
    assert.deepEqual(f.fixes.map((x) => [x.description, x.snippet]), [['Give the new user another uid (redis-tools needs redis): another default for SVC_UID, or --build-arg SVC_UID=1100.', 'ARG SVC_UID=1100']]);
  });

  // Measured: taken-ids/system-gid and taken-ids/system-gid-fixed.
  test('a system group no removal frees: another gid, the name and options kept, and why', () => {
    const f = uid602('FROM debian:bookworm\nRUN groupadd --gid 27 -f builders\n');
    assert.equal(f, undefined, 'groupadd -f takes another gid when the one asked for is taken');
    const g = uid602('FROM debian:bookworm\nRUN groupadd --gid 27 builders\n')!;
    assert.match(g.why, /: gid 27 already belongs to the group sudo \(base debian:bookworm\)\. The group sudo is no user's own group, so removing a user does not free the gid\. /);
    assert.deepEqual(g.fixes.map((x) => x.snippet), ['RUN groupadd --gid 1027 builders']);
  });

  test('a system user holding a uid is not removed', () => {
    const f = uid602('FROM debian:bookworm\nRUN useradd -u 33 -m web\n')!;
    assert.match(f.why, /uid 33 already belongs to the user www-data \(base debian:bookworm\)\. www-data is a system account \(uid 33, outside 1000-60000\): removing it is not safe\./);
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['RUN useradd -u 1033 -m web']);
  });
});

describe('a user named through an ARG or ENV: the later steps follow from the step that was to make it', () => {
  for (const ref of ['$USERNAME', '${USERNAME}', '${USERNAME:-dev}', '"${USERNAME}"']) {
    test(`groupadd ... ${ref}`, () => {
      const a = check(`FROM ubuntu:24.04\nARG USERNAME=vscode\nRUN groupadd --gid 1000 ${ref} && useradd --uid 1000 --gid 1000 -m ${ref}\nUSER vscode\nRUN echo hi\n`);
      assert.deepEqual(a.sim.failures.map((f) => f.line), [3, 5]);
      assert.deepEqual(ids(a), ['UID602:3']);
      assert.match(a.findings[0].why, / Until this step is fixed, the account it makes is missing, so line 5 fails too, and the container could not start as it; those are not reported apart\.$/);
      const r = { analysis: a, findings: a.findings };
      const json = resultJson(r as never);
      assert.deepEqual(json.build.failures.map((f: { line: number; follows?: number }) => [f.line, f.follows]), [[3, undefined], [5, 3]]);
      const text = renderTextResult(r as never, { color: false } as never);
      assert.match(text, /start {4}FAILS: unable to find user vscode: no matching entries in passwd file \(follows from line 3\)/);
      assert.match(text, /build {4}FAILS at line 5: unable to find user vscode: no matching entries in passwd file \(follows from line 3\)/);
    });
  }

  test('the default of ${USERNAME:-dev} when the ARG has no value, and an ENV', () => {
    const a = check('FROM ubuntu:24.04\nARG USERNAME\nRUN useradd --uid 1000 -m ${USERNAME:-dev}\nUSER dev\n');
    assert.deepEqual(ids(a), ['UID602:3']);
    const b = check('FROM ubuntu:24.04\nENV APP_USER=svc\nRUN useradd --uid 1000 -m "$APP_USER"\nCOPY --chown=svc . /app\n');
    assert.deepEqual(ids(b), ['UID602:3']);
  });

  test('an ARG of another value names another user: a failure of its own', () => {
    const a = check('FROM ubuntu:24.04\nARG USERNAME=vscode\nRUN useradd --uid 1000 -m $USERNAME\nRUN chown dev /tmp\n');
    assert.deepEqual(ids(a), ['UID602:3', 'UID602:4']);
  });
});

describe('accountCommands: the account commands of a step, the name each makes and its id as written', () => {
  test('options with values, joined values, quoted words, and -g of useradd not taken as its id', () => {
    assert.deepEqual(
      accountCommands('groupadd -g"$GID" dev && useradd --uid=$UID -g dev --gecos "A B" -m dev; adduser -D -u1000 ash || addgroup --gid 27 x'),
      [
        { tool: 'groupadd', name: 'dev', id: { word: '"$GID"', at: 11 } },
        { tool: 'useradd', name: 'dev', id: { word: '$UID', at: 39 } },
        { tool: 'adduser', name: 'ash', id: { word: '1000', at: 86 } },
        { tool: 'addgroup', name: 'x', id: { word: '27', at: 113 } },
      ],
    );
  });
});
