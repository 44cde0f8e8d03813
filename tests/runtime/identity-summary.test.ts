import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseKubernetes } from '../../src/runtime/kubernetes.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const check = (dockerfile: string, run: string) =>
  analyze({ file: 'Dockerfile', text: dockerfile, run: parseDockerRun(run, { invoker }) });
const DF = 'FROM debian:bookworm\nRUN useradd -m -u 1000 alice\nUSER alice\n';

describe('the identity summary of an analysis', () => {
  test('a user the image does not know: not resolved, and the start fails', () => {
    const a = check(DF, 'docker run --user nosuch img');
    assert.equal(a.identity.resolved, false);
    assert.deepEqual(a.runtime.errors.map((e) => e.message), ['unable to find user nosuch: no matching entries in passwd file']);
  });

  test('a known user, or a bare uid with no entry: resolved', () => {
    assert.equal(check(DF, 'docker run img').identity.resolved, true);
    const a = check(DF, 'docker run --user 4242 img');
    assert.deepEqual([a.identity.resolved, a.identity.uid, a.identity.user], [true, 4242, null]);
  });

  test('a podman run line is analysed with podman, whatever the default engine', () => {
    assert.equal(check(DF, 'podman run img').engine, 'podman');
    assert.equal(check(DF, 'docker run img').engine, 'docker');
  });
});

describe('a read-only root is explained in the terms of the run', () => {
  const reason = (a: ReturnType<typeof analyze>, path: string) =>
    a.check(path, 'create').reasons.find((r) => r.includes('read-only')) ?? '';

  test('docker run --read-only', () => {
    const a = check(DF, 'docker run --read-only img');
    assert.equal(a.check('/opt/new', 'create').errno, 'EROFS');
    assert.match(reason(a, '/opt/new'), /the root file system is read-only \(--read-only\)$/);
  });

  test('Kubernetes readOnlyRootFilesystem', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: img\n    securityContext: {readOnlyRootFilesystem: true}\n';
    const a = analyze({ file: 'Dockerfile', text: DF, run: parseKubernetes(pod)[0] });
    assert.match(reason(a, '/opt/new'), /\(securityContext\.readOnlyRootFilesystem: true\)$/);
  });
});

describe('verdicts', () => {
  test('one verdict per path and operation, even for a --path that is also the WORKDIR', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m -u 1000 app && mkdir /app\nWORKDIR /app\nUSER app\n', paths: ['/app'] });
    const keys = a.verdicts.map((v) => `${v.op}|${v.path}`);
    assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), []);
    assert.deepEqual(a.verdicts.filter((v) => v.path === '/app').map((v) => v.op).sort(), ['chdir', 'create', 'delete', 'exec', 'read', 'write']);
  });
});
