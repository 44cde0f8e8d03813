import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import run from '../../src/cli/image.js';
import { memoryIo } from '../../src/cli/io.js';
import { UsageError } from '../../src/cli/errors.js';
import { formatProgress, progressWriter } from '../../src/archive/progress.js';
import { gz, makeTar, sha256 } from './helpers.js';

async function ociTar(dir: string): Promise<string> {
  const layer = gz(await makeTar([
    { name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/bash\njo:x:1000:100::/home/jo:/bin/bash\n' },
    { name: 'etc/group', content: 'root:x:0:\nusers:x:100:\n' },
    { name: 'home/jo/', uid: 1000, gid: 100, mode: 0o2770 },
    { name: 'tmp/', mode: 0o1777 },
  ]));
  const cfg = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', config: { User: '1000', WorkingDir: '/home/jo' } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    config: { digest: sha256(cfg), size: cfg.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
  }));
  const blob = (b: Buffer) => ({ name: `blobs/sha256/${sha256(b).slice(7)}`, content: b.toString('latin1') });
  const tar = (await import('tar-stream')).default;
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const end = new Promise((r) => pack.on('end', r));
  const members = [
    { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'index.json', content: JSON.stringify({ schemaVersion: 2, manifests: [{ digest: sha256(manifest), size: manifest.length }] }) },
    blob(cfg), blob(manifest), blob(layer),
  ];
  for (const m of members) pack.entry({ name: m.name }, Buffer.from(m.content, 'latin1'));
  pack.finalize();
  await end;
  const file = join(dir, 'image.tar');
  writeFileSync(file, Buffer.concat(chunks));

  return file;
}

describe('uidctl image', () => {
  test('prints the default user, users, and owners of home, workdir and /tmp', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uidctl-cli-'));
    const file = await ociTar(dir);
    const io = memoryIo({ XDG_CACHE_HOME: join(dir, 'cache') }, dir);

    assert.equal(await run([file, '--no-cache'], io), 0);
    assert.match(io.stdout, /^user {7}1000 -> uid=1000\(jo\) gid=100\(users\) home=\/home\/jo$/m);
    assert.match(io.stdout, /^ {2}jo {11}1000:100 {5}\/home\/jo/m);
    assert.match(io.stdout, /^ {2}home +\/home\/jo +jo:users 02770 drwxrws---$/m);
    assert.match(io.stdout, /^ {2}tmp +\/tmp +root:root 01777 drwxrwxrwt$/m);
    assert.equal(io.stderr, '');
  });

  test('--format json gives the same facts as data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uidctl-cli-'));
    const file = await ociTar(dir);
    const io = memoryIo({ XDG_CACHE_HOME: join(dir, 'cache') }, dir);

    assert.equal(await run([file, '--format', 'json'], io), 0);
    const r = JSON.parse(io.stdout);
    assert.deepEqual(r.user, { written: '1000', uid: 1000, gid: 100, name: 'jo', group: 'users', home: '/home/jo', supplementary: [] });
    assert.equal(r.source, 'archive');
    assert.deepEqual(r.paths.find((p: { what: string }) => p.what === 'workdir'), {
      what: 'workdir', path: '/home/jo', exists: true, kind: 'dir', uid: 1000, gid: 100, owner: 'jo', group: 'users', mode: '02770', perms: 'drwxrws---',
    });
  });

  test('bad flags are a usage error', async () => {
    await assert.rejects(run(['x', '--format', 'yaml'], memoryIo()), UsageError);
    await assert.rejects(run([], memoryIo()), UsageError);
  });
});

describe('progress', () => {
  test('formats layer, amount and rate', () => {
    assert.equal(
      formatProgress({ bytes: 48 << 20, totalBytes: 120 << 20, index: 1, layerCount: 5, elapsedMs: 4000 }),
      'layer 2/5  48.0 MiB / 120.0 MiB  12.0 MiB/s',
    );
  });

  test('writes nothing when stderr is not a terminal, redraws one line when it is', () => {
    const quiet = memoryIo();
    progressWriter(quiet).update({ bytes: 1, index: 0 });
    assert.equal(quiet.stderr, '');

    const tty = { ...memoryIo(), errIsTTY: true, text: '' };
    let t = 0;
    const w = progressWriter({ errIsTTY: true, err: (s) => (tty.text += s) }, () => (t += 1000));
    w.update({ bytes: 2048, index: 0, layerCount: 1 });
    w.done();
    assert.equal(tty.text, '\r\x1b[Klayer 1/1  2.0 KiB  2.0 KiB/s\r\x1b[K');
  });
});
