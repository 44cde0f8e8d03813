// An image read from an archive gets the same package and account model as the catalog's image
// of its distribution: apt-get install of a program leaves it possible on PATH (the archive's
// folders were listed in full before the step), and Debian 12's adduser gives 0700 homes and
// the `users` group, read from the archive's own adduser.conf (every setting commented out,
// under `# Default: ...` lines), or from the release when the file says nothing.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/analyze.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { adduserDefs } from '../../src/image/accounts.js';
import { loginDefsOf } from '../../src/archive/snapshot.js';
import { emptySnapshotConfig, type ImageSnapshot } from '../../src/archive/layers.js';
import { makeTar, sha256, type Member } from './helpers.js';

const hex = (d: string) => d.slice(7);

/** The lines of Debian 12's /etc/adduser.conf (adduser 3.134) that matter here, as shipped. */
const BOOKWORM_ADDUSER_CONF = [
  '# /etc/adduser.conf: `adduser\' configuration.',
  '# See adduser(8) and adduser.conf(5) for full documentation.',
  '',
  '# Default: USERS_GID=undefined, USERS_GROUP=users',
  '#USERS_GID=100',
  '#USERS_GROUP=users',
  '',
  '# Default: DIR_MODE=0700',
  '#DIR_MODE=0700',
  '',
  '# Default: SYS_DIR_MODE=0755',
  '#SYS_DIR_MODE=0755',
  '',
  '# Default: EXTRA_GROUPS="users"',
  '#EXTRA_GROUPS="users"',
  '',
].join('\n');

/** Debian 11's (adduser 3.118): the mode set, no documented defaults, no users group. */
const BULLSEYE_ADDUSER_CONF = '# If DIR_MODE is set, directories will be created with the specified\n# mode. Otherwise the default mode 0755 will be used.\nDIR_MODE=0755\nUSERGROUPS=yes\nUSERS_GID=100\n';

const OS_RELEASE_12 = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n';
const GROUPS = 'root:x:0:\nsudo:x:27:\nstaff:x:50:\nusers:x:100:\nnogroup:x:65534:\n';

function snapshot(texts: Record<string, string>): ImageSnapshot {
  return { config: emptySnapshotConfig(), fs: new Map(), texts, digest: '', warnings: [], layers: [] };
}

describe('adduser.conf of an image read for real', () => {
  test("Debian 12's file, every setting commented out: the defaults it documents, 0700 and users", () => {
    assert.deepEqual(adduserDefs(BOOKWORM_ADDUSER_CONF, undefined, []), { adduserDirMode: 0o700, adduserUsersGroup: 'users' });
  });

  test("Debian 11's file: its DIR_MODE, and no group (adduser before 3.124 adds none)", () => {
    assert.deepEqual(adduserDefs(BULLSEYE_ADDUSER_CONF, undefined, []), { adduserDirMode: 0o755, adduserUsersGroup: '' });
  });

  test('settings written over the documented defaults win', () => {
    const conf = `${BOOKWORM_ADDUSER_CONF}DIR_MODE="0750"\nUSERS_GID=-1\n`;
    assert.deepEqual(adduserDefs(conf, undefined, []), { adduserDirMode: 0o750, adduserUsersGroup: '' });
    assert.deepEqual(adduserDefs(`${BOOKWORM_ADDUSER_CONF}USERS_GID=50\n`, undefined, [{ name: 'staff', gid: 50, members: [] }]).adduserUsersGroup, 'staff');
    assert.deepEqual(adduserDefs(`${BOOKWORM_ADDUSER_CONF}USERGROUPS=no\n`, undefined, []).adduserUsersGroup, '');
  });

  test('loginDefsOf: a Debian 12 image with the shipped file, and one without any: the same bookworm defaults', () => {
    const shipped = loginDefsOf(snapshot({ '/etc/os-release': OS_RELEASE_12, '/etc/adduser.conf': BOOKWORM_ADDUSER_CONF, '/etc/group': GROUPS }));
    const none = loginDefsOf(snapshot({ '/etc/os-release': OS_RELEASE_12, '/etc/group': GROUPS }));
    assert.deepEqual([shipped.adduserDirMode, shipped.adduserUsersGroup], [0o700, 'users']);
    assert.deepEqual([none.adduserDirMode, none.adduserUsersGroup], [0o700, 'users']);
    // Another release without the file: adduser's old default (0755, left unset) and no group.
    const other = loginDefsOf(snapshot({ '/etc/os-release': OS_RELEASE_12.replace('VERSION_ID="12"', 'VERSION_ID="11"') }));
    assert.deepEqual([other.adduserDirMode, other.adduserUsersGroup], [undefined, '']);
  });
});

/** A small Debian 12 root, as debootstrap leaves it: merged /usr, listed in full. */
function debianLayer(adduserConf: string | undefined, osRelease: string): Promise<Buffer> {
  const dirs = ['etc/', 'etc/skel/', 'usr/', 'usr/bin/', 'usr/sbin/', 'usr/lib/', 'usr/share/', 'usr/local/', 'usr/local/bin/', 'usr/local/sbin/', 'home/', 'tmp/', 'var/', 'srv/', 'opt/'];
  const members: Member[] = [
    ...dirs.map((name) => ({ name, mode: name === 'tmp/' ? 0o1777 : 0o755 })),
    { name: 'root/', mode: 0o700 },
    { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
    { name: 'sbin', type: 'symlink', linkname: 'usr/sbin' },
    { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
    { name: 'usr/bin/dash', mode: 0o755 },
    { name: 'usr/bin/sh', type: 'symlink', linkname: 'dash' },
    { name: 'usr/bin/bash', mode: 0o755 },
    { name: 'usr/bin/id', mode: 0o755 },
    { name: 'usr/sbin/adduser', mode: 0o755 },
    { name: 'usr/sbin/useradd', mode: 0o755 },
    { name: 'usr/sbin/groupadd', mode: 0o755 },
    { name: 'usr/bin/apt-get', mode: 0o755 },
    { name: 'etc/skel/.bashrc' },
    { name: 'etc/os-release', content: osRelease },
    { name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' },
    { name: 'etc/group', content: GROUPS },
    { name: 'etc/shadow', mode: 0o640, content: 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' },
    { name: 'etc/login.defs', content: 'UMASK\t\t022\nUID_MIN\t\t\t 1000\nUID_MAX\t\t\t60000\nGID_MIN\t\t\t 1000\nGID_MAX\t\t\t60000\n' },
    ...(adduserConf !== undefined ? [{ name: 'etc/adduser.conf', content: adduserConf }] : []),
  ];

  return makeTar(members);
}

/** A `docker save` archive of that root, tagged debian:bookworm. */
async function dockerSave(adduserConf: string | undefined, osRelease: string): Promise<Buffer> {
  const layer = await debianLayer(adduserConf, osRelease);
  const cfg = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['bash'] },
    rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
  }));
  const cfgName = `${hex(sha256(cfg))}.json`;
  const manifest = JSON.stringify([{ Config: cfgName, RepoTags: ['debian:bookworm'], Layers: ['l1/layer.tar'] }]);
  const tar = (await import('tar-stream')).default;
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const end = new Promise((r) => pack.on('end', r));
  pack.entry({ name: 'l1/', type: 'directory' });
  pack.entry({ name: 'l1/layer.tar' }, layer);
  pack.entry({ name: cfgName }, cfg);
  pack.entry({ name: 'manifest.json' }, Buffer.from(manifest));
  pack.finalize();
  await end;

  return Buffer.concat(chunks);
}

describe('uidctl check --base-archive on a Debian 12 archive, against the catalog', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function both(dockerfile: string, extra: string[] = [], adduserConf: string | undefined = BOOKWORM_ADDUSER_CONF, osRelease = OS_RELEASE_12) {
    const dir = mkdtempSync(join(tmpdir(), 'uidctl-archive-model-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    writeFileSync(join(dir, 'base.tar'), await dockerSave(adduserConf, osRelease));
    const run = async (base: string[]) => {
      const io = memoryIo({ HOME: join(dir, 'home') }, dir);
      const code = await main(['check', 'Dockerfile', '--no-cache', '--format', 'json', '--fail-on', 'never', ...base, ...extra], io);
      assert.equal(code, 0, io.stderr);
      return JSON.parse(io.stdout).results[0];
    };

    return { archive: await run(['--base-archive', 'debian:bookworm=base.tar']), catalog: await run(['--base-from', 'catalog']) };
  }

  test('apt-get install tini procps, then ENTRYPOINT ["tini", "--"]: no UID106 on either base', async () => {
    const { archive, catalog } = await both('FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends tini procps && rm -rf /var/lib/apt/lists/*\nRUN useradd -m ml\nUSER ml\nENTRYPOINT ["tini", "--"]\nCMD ["sleep", "infinity"]\n');
    assert.equal(archive.bases[0].source, 'archive');
    assert.deepEqual(archive.findings.map((f: { ruleId: string }) => f.ruleId), []);
    assert.deepEqual(catalog.findings.map((f: { ruleId: string }) => f.ruleId), []);
    assert.deepEqual(archive.start, catalog.start);
  });

  test('without the install, tini is still not in any folder of PATH on the archive, whose listing is whole', async () => {
    const { archive } = await both('FROM debian:bookworm\nENTRYPOINT ["tini", "--"]\n');
    assert.deepEqual(archive.findings.filter((f: { ruleId: string }) => f.ruleId === 'UID106').map((f: { message: string }) => f.message), [
      'The container will not start: tini is not in any directory of PATH (exec: "tini": executable file not found in $PATH).',
    ]);
  });

  test('gosu after an apt-get install of something else: not installed, on the archive as on the catalog', async () => {
    const { archive, catalog } = await both('FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\nENTRYPOINT ["gosu", "nobody", "sh"]\n');
    const uid106 = (r: { findings: { ruleId: string; message: string }[] }) => r.findings.filter((f) => f.ruleId === 'UID106').map((f) => f.message);
    assert.deepEqual(uid106(archive), ['The container will not start: gosu is not installed (exec: "gosu": executable file not found in $PATH).']);
    assert.deepEqual(uid106(archive), uid106(catalog));
  });

  const ADDUSER = 'FROM debian:bookworm\nRUN adduser --disabled-password --gecos "" alice && adduser --disabled-password --gecos \'\' dave\nUSER alice\n';
  const homeMode = (r: { verdicts: { path: string; op: string; reasons: string[] }[] }) =>
    r.verdicts.find((v) => v.path === '/home/dave' && v.op === 'read')?.reasons[0];

  test("adduser: dave's home 0700 and alice in users (100), as on the catalog and in a real build", async () => {
    const { archive, catalog } = await both(ADDUSER, ['--path', '/home/dave']);
    assert.equal(archive.identity.id, 'uid=1000(alice) gid=1000(alice) groups=1000(alice),100(users)');
    assert.equal(catalog.identity.id, archive.identity.id);
    assert.equal(homeMode(archive), '/home/dave is drwx------ 1001:1001; uid 1000 (alice) falls in the other class (---), which does not allow read+search/execute');
    assert.equal(homeMode(catalog), homeMode(archive));
  });

  test('a Debian 12 archive without adduser.conf: the same bookworm defaults', async () => {
    const { archive } = await both(ADDUSER, ['--path', '/home/dave'], undefined);
    assert.equal(archive.identity.id, 'uid=1000(alice) gid=1000(alice) groups=1000(alice),100(users)');
    assert.match(homeMode(archive) ?? '', /^\/home\/dave is drwx------ /);
  });

  test("a Debian 11 archive, with its adduser.conf: 0755 homes, no users group", async () => {
    const { archive } = await both(ADDUSER, ['--path', '/home/dave'], BULLSEYE_ADDUSER_CONF, OS_RELEASE_12.replace(/12/g, '11').replace('bookworm', 'bullseye'));
    assert.equal(archive.identity.id, 'uid=1000(alice) gid=1000(alice) groups=1000(alice)');
    assert.match(homeMode(archive) ?? '', /^\/home\/dave is drwxr-xr-x /);
  });
});

describe('a DIR_MODE written into adduser.conf by a RUN', () => {
  test("changes the home mode only: Debian 12's adduser still adds the user to users", () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN echo DIR_MODE=0750 >> /etc/adduser.conf && adduser --disabled-password --gecos "" bob\nUSER bob\n' });
    assert.equal(a.identity.id, 'uid=1000(bob) gid=1000(bob) groups=1000(bob),100(users)');
    assert.equal(a.image.fs.get('/home/bob')?.mode, 0o750);
  });

  test('USERS_GID=-1 written there: no users group, as adduser.conf(5) says', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN echo USERS_GID=-1 >> /etc/adduser.conf && adduser --disabled-password --gecos "" bob\nUSER bob\n' });
    assert.equal(a.identity.id, 'uid=1000(bob) gid=1000(bob) groups=1000(bob)');
    assert.equal(a.image.fs.get('/home/bob')?.mode, 0o700);
  });
});
