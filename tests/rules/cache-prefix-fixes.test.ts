// UID305 and UID304 offer only fixes that clear them: a build step is checked by a second
// analysis, none is offered where a mount hides the image's folder or the root is read-only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import type { HostPathFacts } from '../../src/model/types.js';

const invoker = { uid: 1003, gid: 1003, home: '/home/ana', cwd: '/home/ana/proj' };
function check(text: string, run: string, host: HostPathFacts[] = []) {
  return analyze({ file: 'Dockerfile', text, run: parseDockerRun(run, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } }), host, profile: 'dev' });
}
const fixesOf = (a: ReturnType<typeof check>, id: string) => a.findings.filter((f) => f.ruleId === id).map((f) => f.fixes.map((x) => x.snippet));

describe('UID305', () => {
  const HF = 'FROM python:3.11-slim\nRUN useradd -m -u 1000 dev\nENV HF_HOME=/data/hf\nRUN mkdir -p /data/hf && chown -R dev:dev /data\nUSER dev\n';

  test('a bind mount the process may not write is UID201\'s alone: no build step for the cache', () => {
    const host: HostPathFacts[] = [{ path: '/scratch/hf', exists: true, meta: { kind: 'dir', uid: 2000, gid: 2000, mode: 0o775 }, from: 'facts-file' }];
    const a = check(HF, 'docker run -v /scratch/hf:/data/hf img', host);
    assert.deepEqual(fixesOf(a, 'UID305'), []);
    assert.equal(fixesOf(a, 'UID201')[0][0], '--group-add 2000');
  });

  test('a cache under a home the process cannot enter: the chown is checked and dropped, the move stays', () => {
    const text = 'FROM python:3.11-slim\nRUN useradd -m -u 1000 dev && chmod 0700 /home/dev\nENV HF_HOME=/home/dev/.cache/hf\nUSER dev\n';
    const a = check(text, 'docker run --user 1005:1005 img');
    assert.deepEqual(fixesOf(a, 'UID305'), [['ENV HF_HOME=/tmp/cache/huggingface']]);
  });

  test('where it helps, the chown goes where the stage runs as root, with an edit uidctl fix can apply', () => {
    const text = 'FROM python:3.11-slim\nRUN useradd -m -u 1000 dev && mkdir -p /models && chmod 0755 /models\nENV HF_HOME=/models/hf\nUSER dev\n';
    const f = check(text, 'docker run img').findings.find((x) => x.ruleId === 'UID305');
    assert.equal(f?.fixes[0].snippet, 'RUN mkdir -p /models/hf && chown -R 1000:1000 /models/hf');
    assert.deepEqual(f?.fixes[0].edit, { file: 'Dockerfile', startLine: 4, endLine: 3, text: 'RUN mkdir -p /models/hf && chown -R 1000:1000 /models/hf' });
  });
});

describe('UID304 on a read-only root file system', () => {
  const text = 'FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime\nRUN useradd -m -u 1000 trainer\nUSER trainer\n';

  test('no chown of the prefix: an environment on the writable /tmp', () => {
    assert.deepEqual(fixesOf(check(text, 'docker run --read-only --tmpfs /tmp img'), 'UID304'), [['conda create -p /tmp/envs/work python']]);
  });

  test('without a writable /tmp, the tmpfs that makes one as well', () => {
    assert.deepEqual(fixesOf(check(text, 'docker run --read-only img'), 'UID304'), [['conda create -p /tmp/envs/work python', '--tmpfs /tmp']]);
  });

  test('with a writable root the chown comes first, placed before USER', () => {
    const f = check(text, 'docker run img').findings.find((x) => x.ruleId === 'UID304');
    assert.deepEqual([f?.fixes[0].snippet, f?.fixes[0].edit?.startLine], ['RUN chown -R 1000:1000 /opt/conda', 3]);
  });
});

describe('an arbitrary --user on a jupyter docker-stacks image: --group-add 100 first', () => {
  // The stacks give /opt/conda and the home to group users (100), the route their docs give.
  const text = 'FROM quay.io/jupyter/pytorch-notebook:cuda12-2024-05-27\nENV HF_HOME=/home/jovyan/.cache/hf\n';
  const a = check(text, 'docker run --user 1005:1005 img');
  for (const id of ['UID301', 'UID304', 'UID305']) {
    test(`${id}`, () => {
      const f = a.findings.find((x) => x.ruleId === id);
      assert.deepEqual([f?.fixes[0].description, f?.fixes[0].snippet], ['The group users (100) may write there: add that group to the container.', '--group-add 100']);
    });
  }

  test('with the group added, the three are gone', () => {
    const b = check(text, 'docker run --user 1005:1005 --group-add 100 img');
    assert.deepEqual(b.findings.filter((x) => ['UID301', 'UID304', 'UID305'].includes(x.ruleId)).map((x) => x.ruleId), []);
  });
});
