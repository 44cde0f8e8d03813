import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readImageArchive } from '../../src/archive/formats.js';
import { openCache } from '../../src/archive/cache.js';
import { gz, makeTar, sha256, type Member } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'uidctl-formats-'));
const hex = (d: string) => d.slice(7);

function config(user: string, arch = 'amd64') {
  return Buffer.from(
    JSON.stringify({
      architecture: arch,
      os: 'linux',
      config: { User: user, WorkingDir: '/work', Env: ['PATH=/usr/bin'], Volumes: { '/data': {} }, Labels: { a: 'b' } },
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
}

const lower: Member[] = [
  { name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\ndev:x:1000:1000::/home/dev:/bin/sh\n' },
  { name: 'home/dev/', uid: 1000, gid: 1000, mode: 0o750 },
  { name: 'home/dev/.bashrc', uid: 1000, gid: 1000 },
];
const upper: Member[] = [{ name: 'home/dev/.wh..wh..opq' }, { name: 'work/', uid: 1000, gid: 1000, mode: 0o700 }];

/** A classic `docker save` tar, layer members written in the order given. */
async function dockerSave(order: 'manifest-last' | 'manifest-first', symlinkSecond = false): Promise<Buffer> {
  const l1 = await makeTar(lower);
  const l2 = await makeTar(upper);
  const cfg = config('dev');
  const manifest = JSON.stringify([{ Config: `${hex(sha256(cfg))}.json`, RepoTags: ['x:y'], Layers: ['aaa/layer.tar', 'bbb/layer.tar'] }]);
  const layers: Member[] = [
    { name: 'aaa/', type: 'directory' },
    { name: 'aaa/layer.tar', content: l1.toString('latin1') },
    { name: 'bbb/', type: 'directory' },
    symlinkSecond
      ? { name: 'bbb/layer.tar', type: 'symlink', linkname: '../ccc/layer.tar' }
      : { name: 'bbb/layer.tar', content: l2.toString('latin1') },
    ...(symlinkSecond ? [{ name: 'ccc/layer.tar', content: l2.toString('latin1') }] : []),
    { name: 'aaa/VERSION', content: '1.0' },
    { name: `${hex(sha256(cfg))}.json`, content: cfg.toString('latin1') },
  ];
  const meta: Member[] = [{ name: 'manifest.json', content: manifest }];

  return makeTarBinary(order === 'manifest-last' ? [...layers, ...meta] : [...meta, ...layers]);
}

/** makeTar with binary contents carried as latin1 strings. */
async function makeTarBinary(members: Member[]): Promise<Buffer> {
  const tar = (await import('tar-stream')).default;
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const end = new Promise((r) => pack.on('end', r));
  for (const m of members) {
    const type = m.type ?? 'file';
    pack.entry({ name: m.name, type, linkname: m.linkname, mode: 0o644 }, type === 'file' ? Buffer.from(m.content ?? '', 'latin1') : undefined);
  }
  pack.finalize();
  await end;

  return Buffer.concat(chunks);
}

/** An OCI layout with an index of two platforms, as files in a folder. */
async function ociLayout(dir: string): Promise<void> {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer) => {
    writeFileSync(join(blobs, hex(sha256(b))), b);

    return { digest: sha256(b), size: b.length };
  };
  const manifestFor = (user: string, arch: string, layers: Buffer[]) => {
    const cfg = put(config(user, arch));
    const m = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
        layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(l) })),
      }),
    );

    return put(m);
  };
  const amd = manifestFor('dev', 'amd64', [gz(await makeTar(lower)), gz(await makeTar(upper))]);
  const arm = manifestFor('root', 'arm64', [gz(await makeTar([{ name: 'arm-only' }]))]);
  const idx = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...amd, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...arm, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      }),
    ),
  );
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...idx }] }),
  );
}

describe('readImageArchive', () => {
  const cases: [string, () => Promise<Buffer>][] = [
    ['docker save tar, manifest last', () => dockerSave('manifest-last')],
    ['docker save tar, manifest first', () => dockerSave('manifest-first')],
    ['docker save tar, a layer.tar that is a symlink', () => dockerSave('manifest-last', true)],
    ['gzip-compressed docker save tar (one streaming pass)', async () => gzipSync(await dockerSave('manifest-last'))],
  ];

  for (const [name, make] of cases) {
    test(`reads a ${name}`, async () => {
      const file = join(tmp(), 'image.tar');
      writeFileSync(file, await make());
      const s = await readImageArchive(file);

      assert.equal(s.config.user, 'dev');
      assert.equal(s.config.workingDir, '/work');
      assert.deepEqual(s.config.volumes, ['/data']);
      assert.equal(s.platform, 'linux/amd64');
      assert.match(s.digest, /^sha256:[0-9a-f]{64}$/);
      assert.deepEqual(s.fs.get('/work'), { kind: 'dir', uid: 1000, gid: 1000, mode: 0o700 });
      assert.deepEqual(s.fs.get('/home/dev'), { kind: 'dir', uid: 1000, gid: 1000, mode: 0o750 });
      assert.equal(s.fs.has('/home/dev/.bashrc'), false);
      assert.match(s.texts['/etc/passwd'], /^dev:x:1000/m);
    });
  }

  test('an OCI layout folder: the index entry for the asked platform is used', async () => {
    const dir = tmp();
    await ociLayout(dir);

    const amd = await readImageArchive(dir, { platform: 'linux/amd64' });
    const arm = await readImageArchive(dir, { platform: 'linux/arm64' });

    assert.equal(amd.config.user, 'dev');
    assert.equal(amd.layers.length, 2);
    assert.equal(arm.config.user, 'root');
    assert.equal(arm.platform, 'linux/arm64');
    assert.equal(arm.fs.has('/arm-only'), true);
    assert.equal(arm.fs.has('/etc/passwd'), false);
  });

  test('an OCI layout packed in a tar reads the same as the folder', async () => {
    const dir = tmp();
    await ociLayout(dir);
    const file = join(tmp(), 'oci.tar');
    const { execFileSync } = await import('node:child_process');
    execFileSync('tar', ['-C', dir, '-cf', file, '.']);

    const fromTar = await readImageArchive(file, { platform: 'linux/amd64' });
    const fromDir = await readImageArchive(dir, { platform: 'linux/amd64' });

    assert.equal(fromTar.digest, fromDir.digest);
    assert.deepEqual([...fromTar.fs], [...fromDir.fs]);
  });

  test('a platform the index does not offer is an error listing what it offers', async () => {
    const dir = tmp();
    await ociLayout(dir);

    await assert.rejects(readImageArchive(dir, { platform: 'linux/s390x' }), /no image for platform linux\/s390x \(offered: linux\/amd64, linux\/arm64\/v8\)/);
  });

  test('a truncated archive file is reported', async () => {
    const full = await dockerSave('manifest-first');
    const file = join(tmp(), 'cut.tar');
    writeFileSync(file, full.subarray(0, 3000));

    await assert.rejects(readImageArchive(file), /truncated/);
  });

  test('a file that is no image archive says what was expected', async () => {
    const file = join(tmp(), 'plain.tar');
    writeFileSync(file, await makeTar([{ name: 'hello.txt', content: 'hi' }]));

    await assert.rejects(readImageArchive(file), /neither a docker save archive \(manifest.json\) nor an OCI layout/);
  });

  test('a second read of the same image comes from the cache, with the same content', async () => {
    const file = join(tmp(), 'image.tar');
    writeFileSync(file, await dockerSave('manifest-last'));
    const cache = openCache({}, { dir: tmp() });

    const first = await readImageArchive(file, { cache });
    const hit = await cache.get(first.digest);
    const second = await readImageArchive(file, { cache });

    assert.ok(hit);
    assert.deepEqual([...second.fs], [...first.fs]);
    assert.deepEqual(second.texts, first.texts);
    assert.deepEqual(second.config, first.config);
    assert.equal(second.fs instanceof Map, true);
  });
});
