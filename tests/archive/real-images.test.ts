// Real images built with buildah and saved in every format it writes, then served by a real
// registry on loopback: what uidctl reads must match what was built. Skipped, with the reason,
// when buildah, skopeo or docker-registry is not installed (.ci/archive-deps.sh installs them).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImageArchive } from '../../src/archive/formats.js';
import { pullImage } from '../../src/archive/registry.js';
import { snapshotToState } from '../../src/archive/snapshot.js';
import type { ImageSnapshot } from '../../src/archive/layers.js';
import { hasCommand } from './helpers.js';

const VFS = ['--storage-driver', 'vfs'];
const buildah = (...args: string[]) => execFileSync('buildah', [...VFS, ...args], { encoding: 'utf8' }).trim();
const missing = ['buildah', 'skopeo', 'docker-registry'].filter((c) => !hasCommand(c));
const skip = missing.length > 0 ? `not installed: ${missing.join(', ')} (run .ci/archive-deps.sh)` : false;
const IMAGE = `localhost/uidctl-archive-test:${process.pid}`;
const work = mkdtempSync(join(tmpdir(), 'uidctl-real-'));

function hasDebian(): boolean {
  try {
    return buildah('images', '-q', 'docker.io/library/debian:bookworm') !== '';
  } catch {
    return false;
  }
}

/** alice (1234) owns /data and a setuid /data/tool; the image runs as alice in /data. */
function buildImage(): string {
  const ctx = join(work, 'ctx');
  mkdirSync(join(ctx, 'data'), { recursive: true });
  writeFileSync(join(ctx, 'data', 'tool'), '#!/bin/sh\n');
  chmodSync(join(ctx, 'data', 'tool'), 0o4750);
  writeFileSync(join(ctx, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\nalice:x:1234:1234::/data:/bin/bash\n');
  writeFileSync(join(ctx, 'group'), 'root:x:0:\nalice:x:1234:\nwheel:x:10:alice\n');

  // Without debian:bookworm in the store, the same checks run on a scratch image.
  const base = hasDebian() ? 'docker.io/library/debian:bookworm' : 'scratch';
  const c = buildah('from', base);
  try {
    buildah('copy', c, join(ctx, 'passwd'), '/etc/passwd');
    buildah('copy', c, join(ctx, 'group'), '/etc/group');
    buildah('copy', '--chown', '1234:1234', c, join(ctx, 'data'), '/data');
    buildah('config', '--user', 'alice', '--workingdir', '/data', c);
    buildah('commit', '-q', c, IMAGE);
  } finally {
    buildah('rm', c);
  }

  return base;
}

function check(s: ImageSnapshot, source: 'archive' | 'registry', base: string): void {
  const st = snapshotToState(s, IMAGE, source);

  assert.equal(s.config.user, 'alice');
  assert.equal(s.config.workingDir, '/data');
  assert.deepEqual(st.accounts.passwd.map((p) => `${p.name}:${p.uid}`), ['root:0', 'alice:1234']);
  assert.deepEqual(st.accounts.group.find((g) => g.name === 'wheel')?.members, ['alice']);
  // COPY of a folder copies its contents: the destination folder itself is made 0755.
  assert.deepEqual(s.fs.get('/data'), { kind: 'dir', uid: 1234, gid: 1234, mode: 0o755 });
  assert.deepEqual(s.fs.get('/data/tool'), { kind: 'file', uid: 1234, gid: 1234, mode: 0o4750 });
  assert.equal(s.platform, `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`);
  if (base !== 'scratch') {
    assert.equal(st.distro, 'debian');
    assert.deepEqual(s.fs.get('/tmp'), { kind: 'dir', uid: 0, gid: 0, mode: 0o1777 });
    assert.equal(s.fs.get('/etc/shadow')?.gid, 42);
  }
}

describe('real images built with buildah', { skip }, () => {
  let base = 'scratch';
  let registry: ChildProcess | undefined;

  before(() => {
    base = buildImage();
  });

  after(() => {
    registry?.kill();
    try {
      buildah('rmi', IMAGE);
    } catch {
      // already gone
    }
  });

  const formats: [string, (dir: string) => string][] = [
    ['docker-archive tar', (d) => `docker-archive:${join(d, 'd.tar')}:${IMAGE}`],
    ['oci-archive tar', (d) => `oci-archive:${join(d, 'o.tar')}`],
    ['OCI layout folder', (d) => `oci:${join(d, 'oci')}`],
  ];

  for (const [name, dest] of formats) {
    test(`reads users, owners and config from a ${name}`, () => {
      const target = dest(work);
      buildah('push', '-q', IMAGE, target);
      const path = target.split(':')[1];

      return readImageArchive(path).then((s) => check(s, 'archive', base));
    });
  }

  test('pulls the same image from docker-registry on 127.0.0.1', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const cfg = join(work, 'registry.yml');
    writeFileSync(
      cfg,
      `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(work, 'registry')}\nhttp:\n  addr: 127.0.0.1:${port}\n`,
    );
    registry = spawn('docker-registry', ['serve', cfg], { stdio: 'ignore' });

    for (let i = 0; i < 50; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // The store buildah built in, as it reports it (CONTAINERS_STORAGE_CONF may move it).
    const store = buildah('info', '--format', '{{.store.GraphRoot}}+{{.store.RunRoot}}');
    execFileSync('skopeo', [
      'copy',
      '-q',
      '--dest-tls-verify=false',
      `containers-storage:[vfs@${store}]${IMAGE}`,
      `docker://127.0.0.1:${port}/uidctl/test:v1`,
    ]);

    const s = await pullImage(`127.0.0.1:${port}/uidctl/test:v1`, { env: {} });
    check(s, 'registry', base);
  });
});
