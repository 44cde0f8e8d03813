// Images from a local engine: Docker's Engine API over a unix socket (served here by a small
// stand-in that streams a real `docker save` archive, as dockerd's GET /images/NAME/get does),
// and `podman image save` for real. Skipped, with the reason, without buildah/podman or the
// debian:bookworm base in vfs storage (node scripts/oracle.mjs --import-base puts it there).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromEngine, NoEngineError } from '../../src/archive/engine.js';
import { snapshotToState } from '../../src/archive/snapshot.js';
import { hasCommand } from './helpers.js';

const IMAGE = 'docker.io/library/debian:bookworm';
const work = mkdtempSync(join(tmpdir(), 'uidctl-engine-'));
after(() => rmSync(work, { recursive: true, force: true }));

function baseImageMissing(): string | false {
  if (!hasCommand('buildah') || !hasCommand('podman')) return 'buildah or podman is not installed (run .ci/archive-deps.sh)';
  const names = execFileSync('buildah', ['--storage-driver', 'vfs', 'images', '--format', '{{.Name}}:{{.Tag}}'], { encoding: 'utf8' });
  return names.split('\n').includes(IMAGE) ? false : `${IMAGE} is not in buildah's vfs storage (node scripts/oracle.mjs --import-base)`;
}
const skip = baseImageMissing();

describe('images from a local engine', { skip }, () => {
  test('Docker Engine API over a unix socket: GET /images/NAME/get, streamed', async () => {
    const archive = join(work, 'save.tar');
    execFileSync('buildah', ['--storage-driver', 'vfs', 'push', '-q', IMAGE, `docker-archive:${archive}:${IMAGE}`], { stdio: 'ignore' });
    const socket = join(work, 'docker.sock');
    const asked: string[] = [];
    const server: Server = createServer((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      if (req.url?.startsWith('/images/') && req.url.endsWith('/json')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Id: 'sha256:0123' }));
      } else if (req.url?.startsWith('/images/') && req.url.endsWith('/get')) {
        res.writeHead(200, { 'content-type': 'application/x-tar' });
        createReadStream(archive).pipe(res);
      } else {
        res.writeHead(404).end('{"message":"not found"}');
      }
    });
    await new Promise<void>((r) => server.listen(socket, r));
    try {
      const snap = await fromEngine(IMAGE, { env: { DOCKER_HOST: `unix://${socket}`, PATH: '' } });
      const state = snapshotToState(snap, 'debian:bookworm', 'engine');
      assert.deepEqual(asked.map((a) => a.replace(/\/images\/[^/]+\//, '/images/NAME/')), ['GET /images/NAME/json', 'GET /images/NAME/get']);
      assert.equal(state.accounts.passwd.find((e) => e.name === 'root')?.home, '/root');
      assert.equal(state.accounts.passwd.find((e) => e.name === 'nobody')?.uid, 65534);
      assert.equal(state.fs.get('/tmp')?.mode, 0o1777);
    } finally {
      server.close();
    }
  });

  test('podman image save, streamed', async () => {
    const snap = await fromEngine(IMAGE, { env: { PATH: process.env.PATH, STORAGE_DRIVER: 'vfs', HOME: process.env.HOME } });
    const state = snapshotToState(snap, IMAGE, 'engine');
    assert.equal(state.distro, 'debian');
    assert.deepEqual(state.accounts.group.find((g) => g.name === 'sudo'), { name: 'sudo', gid: 27, members: [] });
  });

  test('no engine at all: a clear error that says what to do instead', async () => {
    await assert.rejects(fromEngine('x', { env: { PATH: '', DOCKER_HOST: 'unix:///nonexistent.sock' } }), (e: unknown) => {
      assert.ok(e instanceof NoEngineError);
      assert.match((e as Error).message, /docker save NAME -o image.tar/);
      return true;
    });
  });
});
