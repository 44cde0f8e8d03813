// Fixes that are Dockerfile lines say where they go, and build when pasted there: a chown after
// `USER app` runs as app (Operation not permitted), and a useradd of a user the image already
// makes fails ("already exists"). Each case pastes the fix where it says and analyses again.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import type { HostPathFacts } from '../../src/model/types.js';
import { before, lines, replace } from './edit-lines.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
/** The host folder of the UID201 cases: another user's, group-only (0770). */
const HOST: HostPathFacts[] = [{ path: '/srv/shared', exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 3000, gid: 4000, mode: 0o770 } }];

function check(dockerfile: string, run?: string) {
  return analyze({ file: 'Dockerfile', text: dockerfile, run: run ? parseDockerRun(run, { invoker }) : undefined, host: HOST, profile: 'dev' });
}
const buildFailures = (a: ReturnType<typeof check>) => a.findings.filter((f) => f.ruleId === 'UID601' || f.ruleId === 'UID602' || f.ruleId === 'UID604').map((f) => f.message);

describe('UID105: the chown of the working folder goes where it runs as root', () => {
  // The tester's Dockerfile (/tmp/hB/t1): WORKDIR made as root, then USER app.
  const T1 = 'FROM python:3.11-slim\nRUN useradd -m -u 1000 app\nWORKDIR /app\nCOPY --chown=app:app . /app\nUSER app\nCMD ["python", "train.py"]\n';

  test('before the USER line, named with its line; pasted there it builds and the finding goes', () => {
    const f = check(T1).findings.find((x) => x.ruleId === 'UID105')!;
    assert.deepEqual([f.fixes[0].description, f.fixes[0].snippet], [
      'Make the working directory belong to the user: put this before `USER app` at line 5 (a RUN after it runs as app, not as root).',
      'RUN mkdir -p /app && chown app:app /app',
    ]);
    const fixed = check(before(T1, 5, f.fixes[0].snippet!));
    assert.deepEqual(buildFailures(fixed), []);
    assert.equal(fixed.findings.some((x) => x.ruleId === 'UID105'), false);
  });

  test('appended after USER app instead, as the tester did, it fails the build: the placement matters', () => {
    const a = check(`${T1}RUN mkdir -p /app && chown app:app /app\n`);
    assert.equal(buildFailures(a).length, 1);
  });

  test("a user from the base image (no USER in the stage): wrapped in USER root and back to the image's USER", () => {
    const a = check('FROM jupyter/base-notebook\nRUN true\n', 'docker run -w /opt img');
    const f = a.findings.find((x) => x.ruleId === 'UID105')!;
    assert.equal(f.fixes[0].snippet, 'USER root\nRUN mkdir -p /opt && chown jovyan:users /opt\nUSER 1000');
    assert.match(f.fixes[0].description, /put this at the end of the stage, as root: its USER \(1000\) comes from the base image/);
  });

  test('an image that builds as root (the user comes from --user): anywhere after FROM', () => {
    const a = check('FROM debian:bookworm\nRUN useradd -m app\n', 'docker run -u app -w /opt img');
    const f = a.findings.find((x) => x.ruleId === 'UID105')!;
    assert.deepEqual([f.fixes[0].description, f.fixes[0].snippet], [
      'Make the working directory belong to the user: put this anywhere after FROM: the steps of this stage run as root.',
      'RUN mkdir -p /opt && chown 1000:1000 /opt',
    ]);
  });
});

describe('UID201: building the user with the host uid changes the line that makes it', () => {
  // The tester's Dockerfile (/tmp/hB/t2): app is made at line 2.
  const T2 = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app && mkdir -p /data /out && chown app:app /data\nUSER app\n';
  const RUN = 'docker run -v /srv/shared:/g img';
  const hostUidFix = (dockerfile: string) => check(dockerfile, RUN).findings.find((x) => x.ruleId === 'UID201')!.fixes.find((x) => /host uid/.test(x.description))!;

  test('a user this stage makes: that RUN with -u $UID, replacing its line; pasted, it builds and writes', () => {
    const fix = hostUidFix(T2);
    assert.deepEqual([fix.description, fix.snippet], [
      'Or build app with the host uid so both agree: replace line 2 with these (a second useradd of app would fail, as it exists).',
      'ARG UID=3000\nRUN useradd -m -u $UID app && mkdir -p /data /out && chown app:app /data\n# docker build --build-arg UID=$(id -u) .',
    ]);
    const fixed = check(replace(T2, 2, fix.snippet!), RUN);
    assert.deepEqual(buildFailures(fixed), []);
    assert.equal(fixed.identity.uid, 3000);
    assert.equal(fixed.findings.some((x) => x.ruleId === 'UID201'), false);
  });

  test('the old snippet (a second useradd app) fails the build: why the line is replaced', () => {
    const a = check(`${T2}USER root\nARG UID=3000\nRUN useradd --create-home --uid $UID app\nUSER app\n`, RUN);
    assert.equal(buildFailures(a).length, 1);
  });

  test('useradd with no uid: one added', () => {
    assert.equal(hostUidFix('FROM debian:bookworm\nRUN useradd --create-home app\nUSER app\n').snippet,
      'ARG UID=3000\nRUN useradd --uid $UID --create-home app\n# docker build --build-arg UID=$(id -u) .');
  });

  test("BusyBox adduser: -u", () => {
    assert.equal(hostUidFix('FROM alpine:3.20\nRUN adduser -D app\nUSER app\n').snippet,
      'ARG UID=3000\nRUN adduser -u $UID -D app\n# docker build --build-arg UID=$(id -u) .');
  });

  test("a user of the base image (node): usermod -u as root, before the stage's USER; pasted, it builds", () => {
    const NODE = 'FROM node:20\nUSER node\n';
    const fix = hostUidFix(NODE);
    assert.equal(fix.snippet, 'ARG UID=3000\nRUN usermod -u $UID node\n# docker build --build-arg UID=$(id -u) .');
    assert.match(fix.description, /^Or renumber node, whom the base image makes, to the host uid: put this before `USER node` at line 2 \(a RUN after it runs as node, not as root\)\./);
    const fixed = check(before(NODE, 2, fix.snippet!), RUN);
    assert.deepEqual(buildFailures(fixed), []);
    assert.equal(fixed.identity.uid, 3000);
  });
});
