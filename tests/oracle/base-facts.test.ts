// The catalog's facts about debian:bookworm, checked against the real image: the debootstrap
// minbase tree that the oracle suite imports (`node scripts/oracle.mjs --import-base`). Skipped,
// with the reason, when buildah or that image is not there.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImageArchive } from '../../src/archive/formats.js';
import { snapshotToState } from '../../src/archive/snapshot.js';
import { catalogState } from '../../src/image/catalog/index.js';
import { resolvePath } from '../../src/image/fs.js';
import type { ImageState } from '../../src/model/types.js';

const IMAGE = 'docker.io/library/debian:bookworm';

/** The folder holding the image as an OCI archive, or why the test cannot run (a sentence). */
function realImage(): string {
  let images: string;
  try {
    images = execFileSync('buildah', ['--storage-driver', 'vfs', 'images', '--format', '{{.Name}}:{{.Tag}}'], { encoding: 'utf8' });
  } catch {
    return 'buildah is not installed (run .ci/oracle-deps.sh)';
  }
  if (!images.split('\n').includes(IMAGE)) return `${IMAGE} is not in buildah's vfs storage (run node scripts/oracle.mjs --import-base)`;

  const dir = mkdtempSync(join(tmpdir(), 'uidctl-base-'));
  try {
    execFileSync('buildah', ['--storage-driver', 'vfs', 'push', '-q', IMAGE, `oci-archive:${dir}/img.tar`], { stdio: 'ignore' });
    return dir;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `buildah push failed: ${(e as Error).message}`;
  }
}

const found = realImage();
const skip = found.includes(' ') ? found : false;

describe('catalog debian:bookworm agrees with the real image', { skip }, async () => {
  const snap = await readImageArchive(join(found as string, 'img.tar'));
  rmSync(found as string, { recursive: true, force: true });
  const real = snapshotToState(snap, IMAGE, 'archive');
  const cat = catalogState('debian:bookworm')!;

  test('the same users, with the same ids, homes and shells', () => {
    const fmt = (s: ImageState) => s.accounts.passwd.map((e) => `${e.name}:${e.uid}:${e.gid}:${e.home}:${e.shell}`).sort();
    assert.deepEqual(fmt(cat), fmt(real));
  });

  test('the same groups and members', () => {
    const fmt = (s: ImageState) => s.accounts.group.map((g) => `${g.name}:${g.gid}:${g.members.join(',')}`).sort();
    assert.deepEqual(fmt(cat), fmt(real));
  });

  test('every path the catalog lists has the real kind, owner and mode', () => {
    const wrong: string[] = [];
    for (const [path, m] of cat.fs) {
      const r = resolvePath(real.fs, path, false).meta;
      const want = `${m.kind} ${m.uid}:${m.gid} ${(m.mode & 0o7777).toString(8)}${m.target ? ` -> ${m.target}` : ''}`;
      const got = r ? `${r.kind} ${r.uid}:${r.gid} ${(r.mode & 0o7777).toString(8)}${r.target ? ` -> ${r.target}` : ''}` : 'missing';
      // Symlinks' own mode bits are not meaningful (always 0777 on Linux, as stored).
      if (want !== got && !(m.kind === 'symlink' && r?.kind === 'symlink' && m.target === r.target)) wrong.push(`${path}: catalog ${want}, image ${got}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('directories the catalog says it lists in full have no other entries', () => {
    const extra: string[] = [];
    for (const [path, m] of cat.fs) {
      if (m.kind !== 'dir' || m.partial) continue;
      for (const p of real.fs.keys()) {
        if (p.startsWith(`${path === '/' ? '' : path}/`) && !p.slice(path.length + 1).includes('/') && !cat.fs.has(p)) extra.push(p);
      }
    }
    assert.deepEqual(extra, []);
  });

  test('the same default user, workdir and PATH', () => {
    assert.deepEqual(
      [real.config.user, real.config.workdir, real.config.env.PATH],
      [cat.config.user, cat.config.workdir, cat.config.env.PATH],
    );
  });
});
