// Compose's .env (and --compose-env-file): the variables Compose interpolates into the Compose file,
// read at the CLI edge, the shell environment winning.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { composeVariables } from '../../src/cli/compose-env.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-compose-env-');

async function uidctl(args: string[], cwd: string, env: Record<string, string> = {}) {
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(cwd, '.cache'), ...env }, cwd);
  const code = await main(args, io);

  return { code, stdout: io.stdout, stderr: io.stderr };
}

const DOCKERFILE = 'FROM debian:bookworm\nRUN useradd -u 1000 app\nUSER app\n';
const COMPOSE = 'services:\n  app:\n    build: .\n    user: "${HOST_UID}:${HOST_GID}"\n    volumes:\n      - ${DATA_DIR:-./data}:/workspace/data\n';

function project(files: Record<string, string> = {}): string {
  return tempDir({ 'proj/Dockerfile': DOCKERFILE, 'proj/compose.yaml': COMPOSE, ...files });
}

async function identity(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await uidctl(['check', ...args, '--format', 'json', '--fail-on', 'never'], cwd, env);
  assert.equal(r.code, 0, r.stderr);
  const id = JSON.parse(r.stdout).results[0].identity;

  return { uid: id.uid, gid: id.gid, stderr: r.stderr };
}

describe('compose: the .env file of the project directory', () => {
  test('.env next to the Compose file gives the variables (read from another folder too)', async () => {
    const dir = project({ 'proj/.env': '# ids\nexport HOST_UID=1234\nHOST_GID="1235" # group\n' });
    assert.deepEqual(await identity(['--compose', 'proj/compose.yaml'], dir), { uid: 1234, gid: 1235, stderr: '' });
  });

  test('the shell environment wins over .env', async () => {
    const dir = project({ 'proj/.env': 'HOST_UID=1234\nHOST_GID=1234\n' });
    assert.deepEqual(await identity(['--compose', 'proj/compose.yaml'], dir, { HOST_UID: '4321' }), { uid: 4321, gid: 1234, stderr: '' });
  });

  test('a .env in the current folder is not the project directory\'s', async () => {
    const dir = project({ '.env': 'HOST_UID=1234\nHOST_GID=1234\n' });
    const r = await identity(['--compose', 'proj/compose.yaml'], dir);
    assert.deepEqual(r, {
      uid: 0,
      gid: 0,
      stderr:
        'uidctl: warning: proj/compose.yaml: The "HOST_UID" variable is not set. Defaulting to a blank string.\n' +
        'uidctl: warning: proj/compose.yaml: The "HOST_GID" variable is not set. Defaulting to a blank string.\n',
    });
  });

  test('a bind source from .env, interpolated inside .env from an earlier line', async () => {
    const dir = project({ 'proj/.env': 'HOST_UID=1000\nHOST_GID=1000\nBASE=./srv\nDATA_DIR=${BASE}/data\n' });
    const r = await uidctl(['check', '--compose', 'proj/compose.yaml', '--fail-on', 'never'], dir);
    assert.match(r.stdout, new RegExp(`UID203 .*  ${join(dir, 'proj/srv/data').replace(/[/.]/g, '\\$&')} does not exist on the host`));
  });

  test('a syntax error in .env is an input error naming its line', async () => {
    const dir = project({ 'proj/.env': 'HOST_UID=1\nBAD NAME=2\n' });
    const r = await uidctl(['check', '--compose', 'proj/compose.yaml'], dir);
    assert.deepEqual([r.code, r.stderr], [2, 'uidctl check: proj/.env:2: key cannot contain a space\n']);
  });
});

describe('compose: --compose-env-file', () => {
  test('replaces .env; several are read in order, the later winning', async () => {
    const dir = project({
      'proj/.env': 'HOST_UID=1234\nHOST_GID=1234\n',
      'a.env': 'HOST_UID=2000\nHOST_GID=2000\n',
      'b.env': 'HOST_GID=3000\n',
    });
    assert.deepEqual(await identity(['--compose', 'proj/compose.yaml', '--compose-env-file', 'a.env', '--compose-env-file', 'b.env'], dir), { uid: 2000, gid: 3000, stderr: '' });
  });

  test('a variable only .env sets is not read when --compose-env-file is given', async () => {
    const dir = project({ 'proj/.env': 'HOST_UID=1234\nHOST_GID=1234\n', 'a.env': 'HOST_UID=2000\n' });
    const r = await identity(['--compose', 'proj/compose.yaml', '--compose-env-file', 'a.env'], dir);
    assert.deepEqual(r, { uid: 2000, gid: 0, stderr: 'uidctl: warning: proj/compose.yaml: The "HOST_GID" variable is not set. Defaulting to a blank string.\n' });
  });

  test('a missing --compose-env-file stops the check, in compose-go\'s words', async () => {
    const dir = project();
    const r = await uidctl(['check', '--compose', 'proj/compose.yaml', '--compose-env-file', 'nope.env'], dir);
    assert.deepEqual([r.code, r.stderr], [2, `uidctl check: --compose-env-file: couldn't read env file: ${join(dir, 'nope.env')}\n`]);
  });

  test('--compose-env-file without --compose is a usage error', async () => {
    const dir = project();
    const r = await uidctl(['check', 'proj/Dockerfile', '--compose-env-file', 'a.env'], dir);
    assert.deepEqual([r.code, r.stderr], [2, 'uidctl check: --compose-env-file goes with --compose (a docker run line gives its own --env-file)\n']);
  });

  test('--env-file (and --env-file=FILE), which Node 20 takes for itself, is refused with the new name', async () => {
    const dir = project();
    const want = 'uidctl check: --env-file is not an option of uidctl: Node 20 reads --env-file itself (nodejs/node#54232), loading the file into the environment; use --compose-env-file FILE\n';
    for (const args of [['--env-file', 'a.env'], ['--env-file=a.env']]) {
      const r = await uidctl(['check', '--compose', 'proj/compose.yaml', ...args], dir);
      assert.deepEqual([r.code, r.stderr], [2, want]);
    }
  });
});

describe('composeVariables', () => {
  test('the shell over the files; the default .env read from the Compose file\'s folder', () => {
    const dir = project({ 'proj/.env': 'A=file\nB=file\n' });
    assert.deepEqual(composeVariables('proj/compose.yaml', undefined, { B: 'shell' }, dir), {
      env: { A: 'file', B: 'shell' },
      read: ['proj/.env'],
      warnings: [],
    });
  });

  test('no .env: only the shell', () => {
    const dir = project();
    assert.deepEqual(composeVariables('proj/compose.yaml', undefined, { B: 'shell' }, dir), { env: { B: 'shell' }, read: [], warnings: [] });
  });
});
