// Start failures a run predicts must be findings (and so an exit code CI sees), not only a
// "start FAILS" line: a Compose secret copied into a read-only root, an engine socket a podman
// run mounts while the host has none.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseCompose } from '../../src/runtime/compose.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import type { HostPathFacts } from '../../src/model/types.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };

describe('a start the engine or compose refuses is a finding', () => {
  test('an environment: secret on a read_only service: UID206, error', () => {
    const run = parseCompose('services:\n  s:\n    image: img\n    read_only: true\n    secrets: [e]\nsecrets:\n  e: { environment: HOME }\n', { invoker, env: { HOME: '/root' }, file: 'c.yaml' }).services.s;
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\n', run });
    const f = a.findings.find((x) => x.ruleId === 'UID206');
    assert.deepEqual([f?.severity, f?.message], ['error', 'The container will not start: container rootfs is marked read-only (docker compose copies services.s.secrets[0]: secret e -> /run/secrets/e into the container).']);
    assert.match(f!.fixes[0].snippet ?? '', /file: \.\/NAME\.txt/);
  });

  test('podman with a missing engine socket does not start: UID203, error, no folder to make', () => {
    const host: HostPathFacts[] = [{ path: '/var/run/docker.sock', exists: false, from: 'facts-file' }];
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\n', run: parseDockerRun('podman run -v /var/run/docker.sock:/s img', { invoker }), host, engine: 'podman' });
    const f = a.findings.find((x) => x.ruleId === 'UID203');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.fixes.map((x) => x.description), ['Start the Docker engine (its socket then appears at /var/run/docker.sock), or remove the mount.']);
  });
});

describe('a file compose copies in that the user cannot read', () => {
  test('an environment: secret given mode 0400 (root\'s) is UID205 for uid 1000, resting on what compose writes', () => {
    const run = parseCompose('services:\n  s:\n    image: img\n    user: "1000"\n    secrets:\n      - source: e\n        mode: 0400\nsecrets:\n  e: { environment: TOKEN }\n', { invoker, env: { TOKEN: 'x' }, file: 'c.yaml' }).services.s;
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\n', run });
    const f = a.findings.find((x) => x.ruleId === 'UID205');
    assert.ok(f, a.findings.map((x) => x.ruleId).join(' '));
    assert.match(f.message, /cannot read \/run\/secrets\/e \(services\.s\.secrets\[0\]: secret e -> \/run\/secrets\/e\): compose writes it 0:0 with mode 0400 - Permission denied\.$/);
    assert.match(f.fixes[0].snippet ?? '', /uid: "1000"/);
  });
});
