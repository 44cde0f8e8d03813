// UID201 for a tmpfs the process may not write: made root's with the mode given (0700 leaves a
// non-root user nothing), whether by --tmpfs or --mount type=tmpfs; the default 1777, or uid=
// naming the process, writes.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';

const APP = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n';
const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const uid201 = (run: string, dockerfile = APP) =>
  analyze({ file: 'Dockerfile', text: dockerfile, run: parseDockerRun(run, { invoker }) }).findings.filter((f) => f.ruleId === 'UID201');

describe('UID201 on tmpfs mounts', () => {
  test('--mount type=tmpfs,tmpfs-mode=0700: root 0700, an error with the --tmpfs and 1777 fixes', () => {
    const [f, ...rest] = uid201('docker run --mount type=tmpfs,destination=/scratch,tmpfs-mode=0700,tmpfs-size=64m img');
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'error');
    assert.equal(f.message, 'app (uid 1000) cannot write to /scratch (--mount type=tmpfs,destination=/scratch,tmpfs-mode=0700,tmpfs-size=64m): the tmpfs belongs to 0:0 with mode 0700 - Permission denied.');
    assert.deepEqual(f.fixes.map((x) => x.snippet), [
      '--tmpfs /scratch:size=64m,uid=1000,gid=1000,mode=0700',
      '--mount type=tmpfs,destination=/scratch,tmpfs-mode=1777,tmpfs-size=64m',
    ]);
  });

  test('--tmpfs /scratch:mode=0700: the options written are kept in the fixes', () => {
    const [f] = uid201('docker run --tmpfs /scratch:size=1g,mode=0700 img');
    assert.equal(f.message, 'app (uid 1000) cannot write to /scratch (--tmpfs /scratch:size=1g,mode=0700): the tmpfs belongs to 0:0 with mode 0700 - Permission denied.');
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['--tmpfs /scratch:size=1g,uid=1000,gid=1000,mode=0700', '--tmpfs /scratch:size=1g,mode=1777']);
  });

  test('a tmpfs given to another uid (uid=0) with mode 0750: still denied', () => {
    assert.equal(uid201('docker run --tmpfs /scratch:uid=0,gid=0,mode=0750 img').length, 1);
  });

  const quiet = [
    { name: 'the default mode (1777)', run: 'docker run --tmpfs /scratch img' },
    { name: '--mount with no tmpfs-mode (1777)', run: 'docker run --mount type=tmpfs,destination=/scratch img' },
    { name: 'uid= naming the process', run: 'docker run --tmpfs /scratch:uid=1000,mode=0700 img' },
    { name: 'a read-only tmpfs: no write is expected', run: 'docker run --mount type=tmpfs,destination=/scratch,tmpfs-mode=0700,readonly img' },
  ];
  for (const c of quiet) {
    test(`quiet: ${c.name}`, () => assert.deepEqual(uid201(c.run), []));
  }

  test('quiet for root, who passes the mode with CAP_DAC_OVERRIDE', () => {
    assert.deepEqual(uid201('docker run --tmpfs /scratch:mode=0700 img', 'FROM debian:bookworm\n'), []);
  });
});
