// Compose files on the command line: --compose repeated (merged in order), the override file
// next to compose.yaml, extends.file read at the CLI edge, and the pickers' usage errors.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-compose-files-');

async function uidctl(args: string[], cwd: string, env: Record<string, string> = {}) {
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(cwd, '.cache'), ...env }, cwd);
  const code = await main(args, io);

  return { code, stdout: io.stdout, stderr: io.stderr };
}

const DOCKERFILE = 'FROM debian:bookworm\nRUN useradd -u 1000 app\nUSER app\n';
const COMPOSE = 'services:\n  app:\n    build: .\n    user: "1000:1000"\n    cap_drop: [ALL]\n';

async function checked(args: string[], cwd: string) {
  const r = await uidctl(['check', ...args, '--format', 'json', '--fail-on', 'never'], cwd);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout).results[0];

  return { uid: res.identity.uid, caps: res.identity.caps, assumptions: res.assumptions.map((a: { id: string }) => a.id), stderr: r.stderr };
}

describe('--compose, repeated', () => {
  test('the files are merged in order: the later one\'s user and caps apply', async () => {
    const dir = tempDir({ 'proj/Dockerfile': DOCKERFILE, 'proj/compose.yaml': COMPOSE, 'prod.yaml': 'services:\n  app:\n    user: root\n    cap_add: [SYS_ADMIN]\n' });
    const r = await checked(['--compose', 'proj/compose.yaml', '--compose', 'prod.yaml'], dir);
    assert.deepEqual([r.uid, r.caps, r.stderr], [0, ['CAP_SYS_ADMIN'], '']);
  });

  test('a missing second file is an input error naming it', async () => {
    const dir = tempDir({ 'proj/Dockerfile': DOCKERFILE, 'proj/compose.yaml': COMPOSE });
    const r = await uidctl(['check', '--compose', 'proj/compose.yaml', '--compose', 'nope.yaml'], dir);
    assert.deepEqual([r.code, r.stderr], [2, 'uidctl check: nope.yaml: no such Compose file\n']);
  });
});

describe('compose.override.yaml next to compose.yaml', () => {
  const files = { 'proj/Dockerfile': DOCKERFILE, 'proj/compose.yaml': COMPOSE, 'proj/compose.override.yaml': 'services:\n  app:\n    user: root\n' };

  test('is read too, and a note and an assumption say so', async () => {
    const dir = tempDir(files);
    const r = await checked(['--compose', 'proj/compose.yaml'], dir);
    assert.equal(r.uid, 0);
    assert.ok(r.assumptions.includes('compose-override'));
    assert.equal(
      r.stderr,
      'uidctl: note: proj/compose.override.yaml is read after proj/compose.yaml and merged over it, as docker compose does when it finds compose.yaml itself; docker compose -f proj/compose.yaml would not read it (--no-compose-override)\n',
    );
  });

  test('--no-compose-override leaves it out', async () => {
    const dir = tempDir(files);
    const r = await checked(['--compose', 'proj/compose.yaml', '--no-compose-override'], dir);
    assert.deepEqual([r.uid, r.stderr, r.assumptions.includes('compose-override')], [1000, '', false]);
  });

  test('not for a file with another name, nor when several files are given', async () => {
    const dir = tempDir({ ...files, 'proj/other.yaml': COMPOSE, 'proj/more.yaml': 'services:\n  app:\n    cap_add: [CHOWN]\n' });
    assert.equal((await checked(['--compose', 'proj/other.yaml'], dir)).uid, 1000);
    assert.equal((await checked(['--compose', 'proj/compose.yaml', '--compose', 'proj/more.yaml'], dir)).uid, 1000);
  });

  test('docker-compose.override.yml next to docker-compose.yml; compose-go\'s first name wins over the others, with a warning', async () => {
    const dir = tempDir({
      'Dockerfile': DOCKERFILE,
      'docker-compose.yml': COMPOSE,
      'docker-compose.override.yml': 'services:\n  app:\n    user: "2000"\n',
      'compose.override.yml': 'services:\n  app:\n    user: "3000"\n',
    });
    const r = await checked(['--compose', 'docker-compose.yml'], dir);
    assert.equal(r.uid, 3000);
    assert.match(r.stderr, /^uidctl: warning: found multiple override files with supported names: compose\.override\.yml, docker-compose\.override\.yml; using compose\.override\.yml\n/);
  });
});

describe('Compose merge keys and extends through the command line', () => {
  test('a privileged root fragment merged with << is checked as root with every capability', async () => {
    const dir = tempDir({ 'proj/Dockerfile': DOCKERFILE, 'proj/compose.yaml': 'x-priv: &priv {user: root, privileged: true}\nservices:\n  app:\n    <<: *priv\n    build: .\n' });
    const r = await uidctl(['check', '--compose', 'proj/compose.yaml', '--format', 'json'], dir);
    const res = JSON.parse(r.stdout).results[0];
    assert.equal(res.identity.uid, 0);
    // privileged: every capability (before, the fragment was dropped and this was uid 1000 with none).
    assert.equal(res.identity.caps.length, 41);
    assert.ok(res.findings.some((f: { ruleId: string }) => f.ruleId === 'UID101'));
  });

  test('extends.file is read next to the Compose file that names it', async () => {
    const dir = tempDir({
      'proj/Dockerfile': DOCKERFILE,
      'proj/compose.yaml': 'services:\n  app:\n    build: .\n    extends:\n      file: ../common/base.yaml\n      service: base\n',
      'common/base.yaml': 'services:\n  base:\n    user: root\n',
    });
    assert.equal((await checked(['--compose', 'proj/compose.yaml'], dir)).uid, 0);
  });

  test('an unknown service to extend: one line naming the file and line, exit 2', async () => {
    const dir = tempDir({ 'proj/Dockerfile': DOCKERFILE, 'proj/compose.yaml': 'services:\n  app:\n    build: .\n    extends: base\n' });
    const r = await uidctl(['check', '--compose', 'proj/compose.yaml'], dir);
    assert.deepEqual([r.code, r.stderr], [2, 'uidctl check: proj/compose.yaml:4: cannot extend service "app" in proj/compose.yaml: service "base" not found\n']);
  });
});

describe('pickers without what they pick from', () => {
  test('--service without --compose, --container without --k8s: usage errors', async () => {
    const dir = tempDir({ 'Dockerfile': DOCKERFILE });
    const a = await uidctl(['check', 'Dockerfile', '--service', 'app'], dir);
    assert.deepEqual([a.code, a.stderr], [2, 'uidctl check: --service goes with --compose: it picks a service of the Compose file\n']);
    const b = await uidctl(['check', 'Dockerfile', '--run', 'docker run img', '--container', 'app'], dir);
    assert.deepEqual([b.code, b.stderr], [2, 'uidctl check: --container goes with --k8s: it picks a container of the Kubernetes manifest\n']);
  });
});

describe('a service Compose itself refuses', () => {
  test('neither image nor build: Compose\'s error, at the service, exit 2', async () => {
    const dir = tempDir({ 'compose.yaml': 'services:\n  app:\n    user: "1000"\n' });
    const r = await uidctl(['check', '--compose', 'compose.yaml', '--no-compose-override'], dir);
    assert.deepEqual([r.code, r.stderr.trim()], [2, 'uidctl check: compose.yaml:2: service app has neither an image nor a build context specified: invalid compose project']);
  });
});
