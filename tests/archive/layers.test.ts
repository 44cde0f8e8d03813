import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArchiveError, scanLayers, redactShadow, type ImageSnapshot } from '../../src/archive/layers.js';
import { agingOf, snapshotToState } from '../../src/archive/snapshot.js';
import { gz, layer, makeTar, rawHeader, sha256, zstd, type Member } from './helpers.js';

async function scan(...layers: Member[][]): Promise<ImageSnapshot> {
  const blobs = await Promise.all(layers.map((l) => makeTar(l)));

  return scanLayers(blobs.map((b) => layer(gz(b))));
}

const meta = (s: ImageSnapshot, p: string) => {
  const m = s.fs.get(p);

  return m && { kind: m.kind, uid: m.uid, gid: m.gid, mode: m.mode, target: m.target };
};

describe('scanLayers: metadata of one layer', () => {
  test('keeps kind, owner and mode including setuid, setgid and sticky bits', async () => {
    const s = await scan([
      { name: 'usr/', mode: 0o755 },
      { name: 'usr/bin/', mode: 0o755 },
      { name: 'usr/bin/sudo', mode: 0o4755, content: 'ELF' },
      { name: 'srv/', mode: 0o2775, uid: 1000, gid: 100 },
      { name: 'tmp/', mode: 0o1777 },
      { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
    ]);

    assert.deepEqual(meta(s, '/usr/bin/sudo'), { kind: 'file', uid: 0, gid: 0, mode: 0o4755, target: undefined });
    assert.deepEqual(meta(s, '/srv'), { kind: 'dir', uid: 1000, gid: 100, mode: 0o2775, target: undefined });
    assert.deepEqual(meta(s, '/tmp'), { kind: 'dir', uid: 0, gid: 0, mode: 0o1777, target: undefined });
    assert.deepEqual(meta(s, '/bin'), { kind: 'symlink', uid: 0, gid: 0, mode: 0o644, target: 'usr/bin' });
  });

  test('creates missing parents root-owned 0755, as engines do when applying a layer', async () => {
    const s = await scan([{ name: 'opt/app/run.sh', mode: 0o755, uid: 1000, gid: 1000 }]);

    assert.deepEqual(meta(s, '/opt'), { kind: 'dir', uid: 0, gid: 0, mode: 0o755, target: undefined });
    assert.deepEqual(meta(s, '/opt/app'), { kind: 'dir', uid: 0, gid: 0, mode: 0o755, target: undefined });
    assert.equal(s.fs.get('/opt/app/run.sh')?.uid, 1000);
  });

  test('stores a symlink loop without following it', async () => {
    const s = await scan([
      { name: 'a', type: 'symlink', linkname: 'b' },
      { name: 'b', type: 'symlink', linkname: 'a' },
    ]);

    assert.equal(s.fs.get('/a')?.target, 'b');
    assert.equal(s.fs.get('/b')?.target, 'a');
  });

  test('a hard link takes the metadata of the file it links to', async () => {
    const s = await scan([
      { name: 'usr/bin/sudo', mode: 0o4755, uid: 0, gid: 0, content: 'ELF' },
      { name: 'usr/bin/sudoedit', type: 'link', linkname: 'usr/bin/sudo', mode: 0o644, uid: 5 },
    ]);

    assert.deepEqual(meta(s, '/usr/bin/sudoedit'), { kind: 'file', uid: 0, gid: 0, mode: 0o4755, target: undefined });
    // One file under both names: they share its inode number.
    const ino = s.fs.get('/usr/bin/sudo')?.inode;
    assert.equal(ino !== undefined && s.fs.get('/usr/bin/sudoedit')?.inode === ino, true);
  });

  test('a hard link to a file of a lower layer works, a dangling one is reported', async () => {
    const s = await scan(
      [{ name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\n', mode: 0o644 }],
      [
        { name: 'etc/passwd-', type: 'link', linkname: 'etc/passwd' },
        { name: 'etc/ghost', type: 'link', linkname: 'etc/missing', mode: 0o600 },
      ],
    );

    assert.equal(s.fs.get('/etc/passwd-')?.mode, 0o644);
    assert.equal(s.fs.get('/etc/ghost')?.mode, 0o600);
    assert.match(s.warnings.join('\n'), /hard link \/etc\/ghost -> \/etc\/missing: target not found/);
  });

  test('an entry under a symlinked parent lands where the symlink points (usr-merge)', async () => {
    const s = await scan(
      [{ name: 'usr/lib/', mode: 0o755 }, { name: 'lib', type: 'symlink', linkname: 'usr/lib' }],
      [{ name: 'lib/libx.so', mode: 0o755, uid: 7 }],
    );

    assert.equal(s.fs.get('/usr/lib/libx.so')?.uid, 7);
    assert.equal(s.fs.get('/lib')?.kind, 'symlink');
  });

  test('a file replacing a directory drops what was below it', async () => {
    const s = await scan([{ name: 'data/', mode: 0o755 }, { name: 'data/x' }], [{ name: 'data', mode: 0o600 }]);

    assert.equal(s.fs.get('/data')?.kind, 'file');
    assert.equal(s.fs.has('/data/x'), false);
  });
});

describe('scanLayers: OCI whiteouts', () => {
  test('.wh.NAME deletes NAME and everything below it from lower layers', async () => {
    const s = await scan(
      [{ name: 'a/x' }, { name: 'a/y' }, { name: 'd/sub/deep' }],
      [{ name: 'a/.wh.x' }, { name: '.wh.d' }],
    );

    assert.equal(s.fs.has('/a/x'), false);
    assert.equal(s.fs.has('/a/y'), true);
    assert.equal(s.fs.has('/d'), false);
    assert.equal(s.fs.has('/d/sub/deep'), false);
    assert.equal(s.fs.has('/a/.wh.x'), false);
  });

  test('an opaque directory hides lower children but keeps its own, wherever the marker sits', async () => {
    const s = await scan(
      [{ name: 'd/', mode: 0o755 }, { name: 'd/old' }, { name: 'd/sub/older' }],
      [{ name: 'd/', mode: 0o700 }, { name: 'd/before' }, { name: 'd/.wh..wh..opq' }, { name: 'd/after' }],
    );

    assert.deepEqual([...s.fs.keys()].filter((p) => p.startsWith('/d')).sort(), ['/d', '/d/after', '/d/before']);
    assert.equal(s.fs.get('/d')?.mode, 0o700);
  });

  test('a whiteout does not hide a file of its own layer', async () => {
    const s = await scan([{ name: 'e/f', content: 'lower' }], [{ name: 'e/f', mode: 0o600 }, { name: 'e/.wh.f' }]);

    assert.equal(s.fs.get('/e/f')?.mode, 0o600);
  });

  test('a later layer can recreate what an earlier whiteout removed', async () => {
    const s = await scan([{ name: 'x', mode: 0o644 }], [{ name: '.wh.x' }], [{ name: 'x', mode: 0o600 }]);

    assert.equal(s.fs.get('/x')?.mode, 0o600);
  });
});

describe('scanLayers: texts that matter', () => {
  const passwd1 = 'root:x:0:0:root:/root:/bin/bash\n';
  const passwd2 = `${passwd1}dev:x:1000:1000::/home/dev:/bin/bash\n`;

  test('the upper /etc/passwd wins; a whiteout removes a sudoers.d text', async () => {
    const s = await scan(
      [{ name: 'etc/passwd', content: passwd1 }, { name: 'etc/sudoers.d/dev', content: 'dev ALL=(ALL) NOPASSWD:ALL\n' }],
      [{ name: 'etc/passwd', content: passwd2 }, { name: 'etc/sudoers.d/.wh.dev' }],
    );

    assert.equal(s.texts['/etc/passwd'], passwd2);
    assert.equal(s.texts['/etc/sudoers.d/dev'], undefined);
  });

  test('keeps sshd, jupyter, pip and os-release texts; ignores other files', async () => {
    const s = await scan([
      { name: 'etc/ssh/sshd_config', content: 'PermitRootLogin yes\n' },
      { name: 'etc/ssh/sshd_config.d/x.conf', content: 'PasswordAuthentication no\n' },
      // A file an Include may name; never the host keys.
      { name: 'etc/ssh/extra.conf', content: 'PermitRootLogin yes\n' },
      { name: 'etc/ssh/ssh_host_ed25519_key', content: 'PRIVATE\n' },
      { name: 'home/j/.jupyter/jupyter_server_config.py', content: "c.ServerApp.token = ''\n" },
      { name: 'etc/pip.conf', content: '[global]\n' },
      { name: 'usr/lib/os-release', content: 'ID=debian\n' },
      { name: 'etc/hosts', content: '127.0.0.1 localhost\n' },
    ]);

    assert.deepEqual(Object.keys(s.texts), [
      '/etc/pip.conf',
      '/etc/ssh/extra.conf',
      '/etc/ssh/sshd_config',
      '/etc/ssh/sshd_config.d/x.conf',
      '/home/j/.jupyter/jupyter_server_config.py',
      '/usr/lib/os-release',
    ]);
  });

  test('/etc/shadow is kept only as the state of each password, never the hash', async () => {
    const shadow = 'root:$y$j9T$abc$def:19000:0:99999:7:::\ndev:!$6$xyz:1::::::\nnobody:*:1::::::\nopen::1::::::\n';
    const s = await scan([{ name: 'etc/shadow', content: shadow, mode: 0o640, gid: 42 }]);

    assert.equal(s.texts['/etc/shadow'], 'root:set\ndev:locked\nnobody:none\nopen:empty\n');
    assert.doesNotMatch(JSON.stringify(s.texts), /\$y\$|\$6\$/);
    assert.equal(redactShadow(''), '');
    // Aging fields that can stop PAM's account check are kept beside the state, never the hash.
    assert.equal(
      redactShadow('svc:!:19000:0:99999:7::1:\npw:$6$x$y:0:0:99999:7:::\nold:*:19000:0:30:7:5::\n'),
      'svc:locked:19000:99999::1\npw:set:0:99999::\nold:none:19000:30:5:\n',
    );
    assert.deepEqual(agingOf('root:set\nsvc:locked:19000:99999::1\npw:set:0:99999::\n'), {
      svc: { lastChange: 19000, max: 99999, inactive: -1, expire: 1 },
      pw: { lastChange: 0, max: 99999, inactive: -1, expire: -1 },
    });
  });

  test('a text over the limit is dropped with a warning, not truncated', async () => {
    const big = 'x'.repeat(2000);
    const blob = gz(await makeTar([{ name: 'etc/sudoers', content: big }]));
    const s = await scanLayers([layer(blob)], { textLimit: 1000 });

    assert.equal(s.texts['/etc/sudoers'], undefined);
    assert.match(s.warnings[0], /\/etc\/sudoers is 2000 bytes, over the 1000-byte limit/);
  });
});

describe('scanLayers: compression is detected by magic bytes', () => {
  const members: Member[] = [{ name: 'etc/group', content: 'root:x:0:\n' }, { name: 'srv/', uid: 3 }];

  const cases: [string, (b: Buffer) => Buffer][] = [
    ['gzip', gz],
    ['zstd (the zstd CLI)', zstd],
    ['plain tar', (b) => b],
  ];

  for (const [name, compress] of cases) {
    test(`reads ${name} even when the media type says otherwise`, async () => {
      const blob = compress(await makeTar(members));
      const l = { ...layer(blob), mediaType: 'application/vnd.docker.image.rootfs.diff.tar' };
      const s = await scanLayers([l]);

      assert.equal(s.texts['/etc/group'], 'root:x:0:\n');
      assert.equal(s.fs.get('/srv')?.uid, 3);
      assert.deepEqual(s.layers, [sha256(blob)]);
    });
  }
});

describe('scanLayers: hostile and broken input', () => {
  test('names with .. are skipped and reported; absolute names stay inside the tree', async () => {
    const s = await scan([
      { name: '../escape', content: 'x' },
      { name: 'a/../../b', content: 'x' },
      { name: '/etc/abs', content: 'x' },
      { name: 'ok/link', type: 'link', linkname: '../../etc/passwd' },
    ]);

    assert.equal(s.fs.has('/escape'), false);
    assert.equal(s.fs.has('/b'), false);
    assert.equal(s.fs.has('/etc/abs'), true);
    assert.equal(s.fs.has('/ok/link'), false);
    assert.equal(s.warnings.length, 4);
    assert.match(s.warnings[0], /skipped "\.\.\/escape": its name climbs out/);
    assert.match(s.warnings[2], /"\/etc\/abs" has an absolute name; placed at \/etc\/abs/);
  });

  test('a truncated gzip layer fails with an ArchiveError naming the layer', async () => {
    const blob = gz(await makeTar([{ name: 'f', content: 'y'.repeat(50_000) }]));
    const cut = blob.subarray(0, Math.floor(blob.length / 2));

    await assert.rejects(scanLayers([layer(cut, 'sha256:cut')], { verify: false }), (e: unknown) => {
      assert.ok(e instanceof ArchiveError);
      assert.match((e as Error).message, /^sha256:cut: /);

      return true;
    });
  });

  test('a truncated plain tar fails inside the entry', async () => {
    const blob = await makeTar([{ name: 'f', content: 'y'.repeat(5000) }]);

    await assert.rejects(
      scanLayers([layer(blob.subarray(0, 2048), 'sha256:plain')], { verify: false }),
      /sha256:plain: tar stream is truncated \(ends inside an entry\)/,
    );
  });

  test('a truncated zstd layer fails', async () => {
    const blob = zstd(await makeTar([{ name: 'f', content: 'z'.repeat(100_000) }]));

    await assert.rejects(
      scanLayers([layer(blob.subarray(0, blob.length - 20), 'sha256:z')], { verify: false }),
      (e: unknown) => e instanceof ArchiveError && /^sha256:z: /.test(e.message),
    );
  });

  test('a layer whose bytes do not match its digest is refused', async () => {
    const blob = gz(await makeTar([{ name: 'f' }]));
    const wrong = `sha256:${'0'.repeat(64)}`;

    await assert.rejects(scanLayers([layer(blob, wrong)]), /does not match its digest/);
  });

  test('a PAX header declaring a huge size is refused before anything is buffered', async () => {
    const pax = rawHeader({ name: 'PaxHeader', size: 1 << 30, type: 'x' });
    const blob = Buffer.concat([pax, Buffer.alloc(4096, 0x41)]);

    await assert.rejects(scanLayers([layer(blob, 'sha256:pax')], { verify: false }), /exceeds the 1048576-byte limit/);
  });

  test('a GNU long name declaring a huge size is refused too', async () => {
    const blob = Buffer.concat([rawHeader({ name: '././@LongLink', size: 5 << 20, type: 'L' }), Buffer.alloc(512)]);

    await assert.rejects(scanLayers([layer(blob, 'sha256:L')], { verify: false }), /exceeds the 1048576-byte limit/);
  });

  test('a base-256 size beyond 2^53 is refused', async () => {
    const field = Buffer.alloc(12, 0xff);
    const blob = rawHeader({ name: 'f', size: 0, type: '0', sizeField: field });

    await assert.rejects(scanLayers([layer(blob, 'sha256:b')], { verify: false }), /size field is too large/);
  });

  test('garbage that is not a tar is reported as such', async () => {
    await assert.rejects(
      scanLayers([layer(Buffer.alloc(1024, 0x41), 'sha256:junk')], { verify: false }),
      /sha256:junk: tar header checksum mismatch/,
    );
  });

  test('PAX records give long names and ids beyond the octal fields', async () => {
    const long = `opt/${'deep/'.repeat(30)}file`;
    const s = await scan([
      { name: long, pax: { uid: '2000000', gid: '3000000' }, mode: 0o640 },
    ]);

    assert.deepEqual(meta(s, `/${long}`), { kind: 'file', uid: 2_000_000, gid: 3_000_000, mode: 0o640, target: undefined });
  });
});

describe('snapshotToState', () => {
  const files: Member[] = [
    { name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/bash\ndev:x:1000:1000::/home/dev:/bin/bash\n' },
    { name: 'etc/group', content: 'root:x:0:\nsudo:x:27:dev\ndev:x:1000:\n' },
    { name: 'etc/shadow', content: 'root:*:1::::::\ndev:$6$a$b:1::::::\n' },
    { name: 'etc/login.defs', content: 'UID_MIN 2000\nHOME_MODE 0700\n' },
    { name: 'etc/default/useradd', content: '# SHELL=/bin/zsh\nSHELL=/bin/bash\n' },
    { name: 'etc/adduser.conf', content: 'DIR_MODE=0750\n' },
    { name: 'usr/lib/os-release', content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n' },
    { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
    { name: 'usr/bin/sudo', mode: 0o4755 },
    { name: 'usr/bin/python3.11', mode: 0o755 },
    { name: 'usr/bin/python3', type: 'symlink', linkname: 'python3.11' },
    { name: 'usr/lib/python3.11/EXTERNALLY-MANAGED' },
    { name: 'opt/conda/conda-meta/', mode: 0o755 },
    { name: 'opt/conda/bin/python', mode: 0o755 },
    { name: 'opt/conda/lib/python3.10/site-packages/', mode: 0o2775, uid: 1000, gid: 100 },
  ];

  test('reads accounts, distro, login defaults, pythons and sudo from the files', async () => {
    const blob = gz(await makeTar(files));
    const s = await scanLayers([layer(blob)], {
      digest: 'sha256:cfg',
      config: {
        user: 'dev',
        workingDir: '/home/dev',
        env: ['PATH=/opt/conda/bin:/usr/local/bin:/usr/bin:/bin'],
        entrypoint: null,
        cmd: ['bash'],
        volumes: [],
        labels: {},
      },
    });
    const st = snapshotToState(s, 'example:1', 'archive');

    assert.equal(st.distro, 'debian');
    assert.deepEqual(st.accounts.passwd.map((p) => [p.name, p.uid]), [['root', 0], ['dev', 1000]]);
    assert.deepEqual(st.accounts.group.find((g) => g.name === 'sudo')?.members, ['dev']);
    assert.deepEqual(st.accounts.passwords, { root: 'none', dev: 'set' });
    assert.equal(st.accounts.loginDefs.uidMin, 2000);
    assert.equal(st.accounts.loginDefs.homeMode, 0o700);
    assert.equal(st.accounts.loginDefs.defaultShell, '/bin/bash');
    assert.equal(st.accounts.loginDefs.adduserDirMode, 0o750);
    assert.deepEqual(
      st.pythons.map((p) => [p.kind, p.python, p.sitePackages, p.externallyManaged]),
      [
        ['conda', '/opt/conda/bin/python', '/opt/conda/lib/python3.10/site-packages', false],
        ['system', '/usr/bin/python3', '/usr/local/lib/python3.11/dist-packages', true],
      ],
    );
    assert.equal(st.condaPrefix, '/opt/conda');
    assert.deepEqual(st.packages.sudo, { name: 'sudo', via: 'base' });
    assert.equal(st.config.user, 'dev');
    assert.equal(st.config.workdir, '/home/dev');
    assert.deepEqual(st.provenance, [{ source: 'archive', ref: 'example:1@sha256:cfg' }]);
    assert.equal(st.texts['/etc/login.defs'].content, 'UID_MIN 2000\nHOME_MODE 0700\n');
  });

  test('an image without /etc/passwd says so as an assumption', async () => {
    const s = await scan([{ name: 'app', mode: 0o755 }]);
    const st = snapshotToState(s, 'static', 'registry');

    assert.equal(st.distro, 'unknown');
    assert.deepEqual(st.accounts.passwd, []);
    assert.deepEqual(st.assumptions.map((a) => a.id), ['archive-no-passwd']);
  });
});
