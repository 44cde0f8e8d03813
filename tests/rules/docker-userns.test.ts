// --userns under Docker: the docker CLI refuses every mode but host; Compose's userns_mode is
// not checked by the Engine, so podman's keep-id has no effect there.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, parseDockerRun } from '../../src/index.js';
import { parseCompose } from '../../src/runtime/compose.js';

const me = { uid: 1001, gid: 1001, home: '/home/me', cwd: '/home/me', name: 'me' };
const text = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n';

describe('docker run --userns=keep-id', () => {
  test('is the start failure docker gives (UID104), with fixes that work under docker', () => {
    const a = analyze({ file: 'Dockerfile', text, run: parseDockerRun('docker run --userns=keep-id img', { invoker: me }), host: [] });
    const f = a.findings.filter((x) => x.ruleId === 'UID104');
    assert.deepEqual(f.map((x) => [x.severity, x.message]), [['error', 'The container will not start: --userns: invalid USER mode.']]);
    assert.deepEqual(f[0].fixes.map((x) => x.snippet), ['--user "$(id -u):$(id -g)"', 'podman run --userns=keep-id ...']);
  });

  test('--userns=host is accepted; a docker run line judged as podman (--engine podman) keeps keep-id', () => {
    for (const [line, engine] of [['docker run --userns=host img', 'docker'], ['docker run --userns=keep-id img', 'podman']] as const) {
      const a = analyze({ file: 'Dockerfile', text, run: parseDockerRun(line, { invoker: me }), host: [], engine });
      assert.deepEqual(a.findings.filter((x) => x.ruleId === 'UID104'), [], line);
    }
  });
});

describe('Compose userns_mode: keep-id under the docker engine', () => {
  test('runs as without it, and an assumption says keep-id has no effect', () => {
    const run = parseCompose('services:\n  a:\n    image: x\n    userns_mode: keep-id\n', { invoker: me }).services.a;
    const a = analyze({ file: 'Dockerfile', text, run, host: [] });
    assert.deepEqual([a.identity.uid, a.findings.filter((x) => x.ruleId === 'UID104').length], [1000, 0]);
    assert.deepEqual(a.assumptions.filter((x) => x.id === 'docker-userns-ignored').map((x) => [x.subject, x.confidence]), [['userns_mode: keep-id', 'medium']]);
  });
});
