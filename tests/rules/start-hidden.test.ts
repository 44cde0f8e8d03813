// UID106: a start program or script the image has, hidden by a mount over its folder (a tmpfs,
// a host folder without it, a volume that does not show the image's content). Measured with
// buildah (tests/oracle/scenarios/start-hidden.yaml).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseCompose } from '../../src/runtime/compose.js';
import type { HostPathFacts, RunContext } from '../../src/model/types.js';
import { textContext } from './text-context.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
const docker = (line: string) => parseDockerRun(line, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } });
const { context, readContextText } = textContext({ 'app.py': 'print(1)\n', 'run.sh': '#!/bin/sh\nexec "$@"\n' });

const PY = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY app.py .\nCMD ["python","app.py"]\n';
const SH = 'FROM debian:bookworm\nWORKDIR /app\nCOPY --chmod=0755 run.sh /app/run.sh\nENTRYPOINT ["/app/run.sh"]\n';

function uid106(text: string, run?: RunContext, opts: { engine?: 'docker' | 'podman'; host?: HostPathFacts[] } = {}) {
  return analyze({ file: 'Dockerfile', text, context, readContextText, run, engine: opts.engine, host: opts.host ?? [] }).findings.filter((f) => f.ruleId === 'UID106');
}
const dir = (path: string, partial: boolean): HostPathFacts => ({ path, exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 1000, gid: 1000, mode: 0o755, partial } });

describe('UID106: a mount hides the start program or its script', () => {
  test('python app.py under docker run --tmpfs /app: python cannot open it; the fix mounts a subfolder', () => {
    const [f, ...rest] = uid106(PY, docker('docker run --tmpfs /app img'));
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'error');
    assert.equal(f.location.line, 4);
    assert.equal(f.message, "The container will not start: the tmpfs --tmpfs /app hides /app/app.py, the script python is given (python: can't open file '/app/app.py': [Errno 2] No such file or directory (exit 2)).");
    assert.equal(f.why, "The image has /app/app.py (Dockerfile:3), but at start the tmpfs --tmpfs /app is mounted over /app and the container sees the mount's content there, not the image's: a tmpfs starts empty (Docker, and podman with notmpcopyup, copy nothing into it). The interpreter starts, then cannot open the script.");
    assert.deepEqual(f.fixes.map((x) => [x.description, x.snippet]), [
      ['Mount the tmpfs somewhere else: on a new subfolder (/app/out) or a folder of its own outside /app, and let the program write there, so the files the image has in /app stay in sight.', '--tmpfs /app/out'],
    ]);
  });

  test('compose tmpfs: [/app]: the same, and the fix is a compose tmpfs entry', () => {
    const run = parseCompose('services:\n  app:\n    image: x\n    tmpfs: [/app]\n', { invoker, env: {} }).services.app;
    const [f] = uid106(PY, run);
    assert.match(f.message, /^The container will not start: the tmpfs services\.app\.tmpfs\[0\]: \/app hides \/app\/app\.py, the script python is given/);
    assert.equal(f.fixes[0].snippet, 'tmpfs:\n  - /app/out');
  });

  test('ENTRYPOINT ["/app/run.sh"] under --tmpfs /app: the mount is named, never "copy it into the image"', () => {
    const [f] = uid106(SH, docker('docker run --tmpfs /app img'));
    assert.equal(f.message, 'The container will not start: the tmpfs --tmpfs /app hides /app/run.sh, the program it starts (exec: "/app/run.sh": stat /app/run.sh: no such file or directory).');
    assert.ok(f.fixes.every((x) => !/COPY|into the image/.test(`${x.description} ${x.snippet ?? ''}`)));
  });

  test("podman's tmpfs copies the image's folder in: no finding; with notmpcopyup it hides", () => {
    assert.deepEqual(uid106(SH, docker('podman run --tmpfs /app img'), { engine: 'podman' }), []);
    const [f] = uid106(SH, docker('podman run --tmpfs /app:notmpcopyup img'), { engine: 'podman' });
    assert.equal(f.message, 'The container will not start: the tmpfs --tmpfs /app:notmpcopyup hides /app/run.sh, the program it starts (executable file `/app/run.sh` not found in $PATH: No such file or directory).');
  });

  test('a tmpfs on a subfolder hides nothing the start needs', () => {
    assert.deepEqual(uid106(SH, docker('docker run --tmpfs /app/out img')), []);
  });

  test('a host folder listed in full without run.sh: an error; the fix keeps the source', () => {
    const [f] = uid106(SH, docker('docker run -v /srv/data:/app img'), { host: [dir('/srv/data', false)] });
    assert.equal(f.severity, 'error');
    assert.match(f.why, /: the host folder \/srv\/data does not hold run\.sh\.$/);
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['-v /srv/data:/app/out', undefined]);
    assert.equal(f.fixes[1].description, 'Or, if the host folder is meant to replace /app, put run.sh in /srv/data.');
  });

  test('a host folder that does not exist: -v makes it empty, so it hides the program', () => {
    const [f] = uid106(SH, docker('docker run -v /srv/none:/app img'), { host: [{ path: '/srv/none', exists: false, from: 'facts-file' }] });
    assert.equal(f.severity, 'error');
    assert.match(f.why, /: the host folder \/srv\/none does not exist, and -v \/srv\/none:\/app makes it empty\.$/);
  });

  test('a host folder whose listing is not known: a warning resting on that', () => {
    const [f] = uid106(SH, docker('docker run -v /srv/code:/app img'), { host: [dir('/srv/code', true)] });
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /, if \/srv\/code does not hold run\.sh\.$/);
    assert.deepEqual(f.dependsOn, ['host-listing:/srv/code']);
  });

  test('a host folder that holds the script: no hidden-program finding', () => {
    const host: HostPathFacts[] = [dir('/srv/code', false), { path: '/srv/code/run.sh', exists: true, from: 'facts-file', meta: { kind: 'file', uid: 1000, gid: 1000, mode: 0o755 } }];
    assert.deepEqual(uid106(SH, docker('docker run -v /srv/code:/app img'), { host }), []);
  });

  test('a new named volume is filled from the image: no finding; with nocopy it hides, as an assumption', () => {
    assert.deepEqual(uid106(SH, docker('docker run -v appdata:/app img')), []);
    const [f] = uid106(SH, docker('docker run -v appdata:/app:nocopy img'));
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.dependsOn, ['volume-new:appdata']);
    assert.match(f.message, /, if the volume does not already hold run\.sh\.$/);
  });
});
