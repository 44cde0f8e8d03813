// UID201 on a folder the process may read but not write (a shared dataset owned by root): the
// last fix mounts it read-only, written as the run writes the mount, so the host folder keeps
// its owner. Not offered where the workload writes (HOME, the working folder) or for a folder it
// cannot read either.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseCompose } from '../../src/runtime/compose.js';
import type { HostPathFacts } from '../../src/model/types.js';

const invoker = { uid: 1001, gid: 1001, home: '/home/sam', cwd: '/home/sam/proj' };
const TEXT = 'FROM python:3.11-slim-bookworm\nRUN useradd -m -u 1000 app\nWORKDIR /home/app\nUSER app\n';
const facts = (mode: number): HostPathFacts[] => [{ path: '/srv/datasets', exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 0, gid: 0, mode } }];

function lastFix(run: string, mode = 0o755) {
  const a = analyze({ file: 'Dockerfile', text: TEXT, run: parseDockerRun(run, { invoker }), host: facts(mode) });
  const f = a.findings.find((x) => x.ruleId === 'UID201');
  assert.ok(f, 'UID201 fires');
  return f.fixes[f.fixes.length - 1];
}

describe('UID201: mount a readable dataset read-only', () => {
  const cases: [string, string][] = [
    ['docker run -v /srv/datasets:/datasets img', '-v /srv/datasets:/datasets:ro'],
    ['docker run -v /srv/datasets:/datasets:rw img', '-v /srv/datasets:/datasets:ro'],
    ['docker run -v /srv/datasets:/datasets:z img', '-v /srv/datasets:/datasets:ro,z'],
    ['docker run --volume=/srv/datasets:/datasets img', '--volume=/srv/datasets:/datasets:ro'],
    ['docker run --mount type=bind,src=/srv/datasets,dst=/datasets img', '--mount type=bind,src=/srv/datasets,dst=/datasets,readonly'],
  ];
  for (const [run, snippet] of cases) {
    test(run, () => {
      const fix = lastFix(run);
      assert.deepEqual([fix.description, fix.snippet], ['Or, if the container only reads this folder (a dataset, models), mount it read-only: the host folder keeps its owner.', snippet]);
    });
  }

  test('applied, UID201 is gone and the dataset is still readable', () => {
    const a = analyze({ file: 'Dockerfile', text: TEXT, run: parseDockerRun('docker run -v /srv/datasets:/datasets:ro img', { invoker }), host: facts(0o755) });
    assert.deepEqual(a.findings.filter((x) => x.ruleId === 'UID201'), []);
    assert.equal(a.check('/datasets', 'list').allowed, true);
  });

  test('a folder the process cannot read either gets no read-only fix', () => {
    assert.match(lastFix('docker run -v /srv/datasets:/datasets img', 0o700).snippet ?? '', /^sudo chown -R 1000:1000 \/srv\/datasets$/);
  });

  test('none at or below the working folder, where the workload writes', () => {
    assert.doesNotMatch(lastFix('docker run -v /srv/datasets:/home/app/out img').snippet ?? '', /:ro/);
  });

  test('in a Compose file, the short syntax with :ro', () => {
    const run = parseCompose('services:\n  a:\n    image: x\n    volumes:\n      - /srv/datasets:/datasets\n', { invoker, file: 'compose.yaml' }).services.a;
    const a = analyze({ file: 'Dockerfile', text: TEXT, run, host: facts(0o755) });
    const f = a.findings.find((x) => x.ruleId === 'UID201');
    assert.equal(f?.fixes.at(-1)?.snippet, 'volumes:\n  - /srv/datasets:/datasets:ro');
  });
});

describe("UID201 never gives the host's / or a system folder away", () => {
  test('-v /:/host for uid 1000: no chown of /, only the read-only mount', () => {
    const a = analyze({ file: 'Dockerfile', text: TEXT, run: parseDockerRun('docker run -v /:/host img', { invoker }), host: [{ path: '/', exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 0, gid: 0, mode: 0o755 } }] });
    const f = a.findings.find((x) => x.ruleId === 'UID201');
    assert.deepEqual(f?.fixes.map((x) => [x.description, x.snippet]), [['If the container only reads this folder (a dataset, models), mount it read-only: the host folder keeps its owner.', '-v /:/host:ro']]);
  });
});

describe('UID201 read-only fix for a Compose long-syntax bind', () => {
  test('the same entry with read_only: true', () => {
    const run = parseCompose('services:\n  a:\n    image: x\n    volumes:\n      - type: bind\n        source: /srv/datasets\n        target: /datasets\n', { invoker, file: 'compose.yaml' }).services.a;
    const a = analyze({ file: 'Dockerfile', text: TEXT, run, host: facts(0o755) });
    const f = a.findings.find((x) => x.ruleId === 'UID201');
    assert.equal(f?.fixes.at(-1)?.snippet, 'volumes:\n  - type: bind\n    source: /srv/datasets\n    target: /datasets\n    read_only: true');
  });
});
