import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DOCKER_DEFAULT_CAPS, allows, evaluate, permission, type Identity, type View } from '../../src/access/evaluate.js';
import type { FileMeta, FsTree, Op } from '../../src/model/types.js';

const dir = (uid: number, gid: number, mode: number): FileMeta => ({ kind: 'dir', uid, gid, mode });
const file = (uid: number, gid: number, mode: number): FileMeta => ({ kind: 'file', uid, gid, mode });

function tree(entries: Record<string, FileMeta>): FsTree {
  return new Map(Object.entries({ '/': dir(0, 0, 0o755), ...entries }));
}

const user = (uid: number, gid = uid, groups: number[] = [], caps: string[] = []): Identity => ({
  uid,
  gid,
  groups,
  caps: new Set(caps),
});
const root: Identity = { uid: 0, gid: 0, groups: [], caps: DOCKER_DEFAULT_CAPS };
const rootNoCaps: Identity = { uid: 0, gid: 0, groups: [], caps: new Set() };

const fs = tree({
  '/home': dir(0, 0, 0o755),
  '/home/alice': dir(1000, 1000, 0o700),
  '/home/alice/notes': file(1000, 1000, 0o644),
  '/data': dir(1001, 1001, 0o755),
  '/shared': dir(0, 100, 0o775),
  '/open': dir(0, 0, 0o777),
  '/tmp': dir(0, 0, 0o1777),
  '/tmp/bobs': file(1002, 1002, 0o666),
  '/tmp/mine': file(1000, 1000, 0o644),
  '/etc': dir(0, 0, 0o755),
  '/etc/shadow': file(0, 42, 0o640),
  '/etc/passwd': file(0, 0, 0o644),
  '/bin': dir(0, 0, 0o755),
  '/bin/tool': file(0, 0, 0o755),
  '/bin/data': file(0, 0, 0o644),
  '/link': { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: '/home/alice/notes' },
  '/loop': { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: '/loop' },
  '/ro': dir(1000, 1000, 0o755),
  '/owner-no-w': dir(1000, 1000, 0o555),
});
const view: View = {
  fs,
  mounts: [
    { target: '/data', readonly: false, describe: 'bind mount of /srv/data' },
    { target: '/ro', readonly: true, describe: 'bind mount of /srv/ro' },
  ],
  readOnlyRoot: false,
};

const cases: [string, Identity, string, Op, boolean, string?][] = [
  ['owner creates in own home', user(1000), '/home/alice', 'create', true],
  ['another uid cannot pass through a 0700 home', user(1001), '/home/alice/notes', 'read', false, 'EACCES'],
  ['uid 1000 cannot create in a 0755 dir owned by 1001', user(1000), '/data', 'create', false, 'EACCES'],
  ['uid 1001 creates in its own dir', user(1001), '/data', 'create', true],
  ['supplementary group 100 writes a 0775 root:100 dir', user(1000, 1000, [100]), '/shared', 'write', true],
  ['no group match: other bits r-x', user(1000), '/shared', 'write', false, 'EACCES'],
  ['primary gid counts as the group', user(1000, 100), '/shared', 'create', true],
  ['anyone creates in 0777', user(4242, 0), '/open', 'create', true],
  ['sticky /tmp: cannot delete another user file', user(1000), '/tmp/bobs', 'delete', false, 'EPERM'],
  ['sticky /tmp: can delete own file', user(1000), '/tmp/mine', 'delete', true],
  ['sticky /tmp: root with CAP_FOWNER deletes anything', root, '/tmp/bobs', 'delete', true],
  ['read-only mount gives EROFS, not EACCES', user(1000), '/ro', 'create', false, 'EROFS'],
  ['read-only mount refuses root too', root, '/ro', 'create', false, 'EROFS'],
  ['reading a read-only mount works', user(1000), '/ro', 'read', true],
  ['root reads shadow through CAP_DAC_OVERRIDE', root, '/etc/shadow', 'read', true],
  ['non-root cannot read shadow', user(1000), '/etc/shadow', 'read', false, 'EACCES'],
  ['root without capabilities reads shadow as its owner', rootNoCaps, '/etc/shadow', 'read', true],
  ['root without capabilities cannot create in a 0755 dir of uid 1001', rootNoCaps, '/data', 'create', false, 'EACCES'],
  ['DAC_READ_SEARCH reads but does not write', user(1000, 1000, [], ['CAP_DAC_READ_SEARCH']), '/etc/shadow', 'write', false, 'EACCES'],
  ['DAC_READ_SEARCH reads shadow', user(1000, 1000, [], ['CAP_DAC_READ_SEARCH']), '/etc/shadow', 'read', true],
  ['root with DAC_OVERRIDE cannot exec a file with no x bit', root, '/bin/data', 'exec', false, 'EACCES'],
  ['anyone execs a 0755 binary', user(1000), '/bin/tool', 'exec', true],
  ['missing file: ENOENT', user(1000), '/etc/nothing', 'read', false, 'ENOENT'],
  ['creating a missing file needs the parent', user(1000), '/etc/new.conf', 'create', false, 'EACCES'],
  ['symlink is followed for read and the target checked', user(1001), '/link', 'read', false, 'EACCES'],
  ['owner follows the symlink', user(1000), '/link', 'read', true],
  ['a symlink loop gives ELOOP', user(1000), '/loop', 'read', false, 'ELOOP'],
  ['owner class is used even when other allows more', user(1000), '/owner-no-w', 'create', false, 'EACCES'],
  ['chdir into a 0700 dir of another uid fails', user(1001), '/home/alice', 'chdir', false, 'EACCES'],
  ['the mount point itself cannot be deleted', root, '/data', 'delete', false, 'EBUSY'],
];

describe('evaluate: the kernel\'s permission rules', () => {
  for (const [name, id, path, op, allowed, errno] of cases) {
    test(name, () => {
      const v = evaluate(id, view, path, op);
      assert.equal(v.allowed, allowed, v.reasons.join(' | '));
      assert.equal(v.errno, errno);
      assert.ok(v.reasons.length > 0, 'every verdict explains itself');
    });
  }

  test('a verdict names the mount it lives on', () => {
    assert.equal(evaluate(user(1000), view, '/data', 'create').where, '/data');
    assert.equal(evaluate(user(1000), view, '/home/alice', 'create').where, 'image');
  });

  test('the reason names owner, mode and the class that applied', () => {
    const v = evaluate(user(1000), view, '/data', 'create');
    assert.match(v.reasons.at(-1)!, /\/data is drwxr-xr-x 1001:1001; uid 1000 falls in the other class \(r-x\)/);
  });

  test('--read-only root file system', () => {
    const v = evaluate(root, { ...view, readOnlyRoot: true }, '/etc', 'create');
    assert.equal(v.errno, 'EROFS');
  });

  test('a missing child of a partial directory is flagged as unknown', () => {
    const partial: View = { fs: tree({ '/usr': { ...dir(0, 0, 0o755), partial: true } }), mounts: [], readOnlyRoot: false };
    const v = evaluate(user(1000), partial, '/usr/thing', 'read');
    assert.equal(v.errno, 'ENOENT');
    assert.match(v.reasons.join(' '), /not known to exist/);
  });
});

describe('creating a path with missing parents (mkdir -p)', () => {
  test('allowed when the deepest existing directory is writable', () => {
    const v = evaluate(user(1000), view, '/home/alice/.local/lib/python3.11/site-packages', 'create');
    assert.equal(v.allowed, true);
    assert.match(v.reasons.at(-1)!, /missing parents needs write and search on \/home\/alice/);
  });

  test('denied when it is not', () => {
    const v = evaluate(user(1000), view, '/etc/app/conf.d', 'create');
    assert.equal(v.allowed, false);
    assert.equal(v.errno, 'EACCES');
  });

  test('reading under a missing parent stays ENOENT', () => {
    assert.equal(evaluate(user(1000), view, '/etc/app/conf.d', 'read').errno, 'ENOENT');
  });
});

describe('allows() decides exactly as permission()', () => {
  const ids = [user(1000), user(1000, 100), user(1000, 1000, [100]), root, rootNoCaps, user(1000, 1000, [], ['CAP_DAC_READ_SEARCH'])];
  const metas: FileMeta[] = [];
  for (const kind of ['file', 'dir'] as const) for (const mode of [0o000, 0o700, 0o750, 0o755, 0o644, 0o640, 0o604, 0o070, 0o007, 0o111, 0o1777]) {
    for (const [uid, gid] of [[1000, 1000], [0, 100], [0, 0]]) metas.push({ kind, uid, gid, mode });
  }

  test('on every identity, mode, owner and mask', () => {
    for (const id of ids) for (const m of metas) for (const mask of [1, 2, 4, 3, 5, 6, 7]) {
      assert.equal(allows(id, m, mask), permission(id, '/x', m, mask).ok, `${id.uid} ${m.kind} ${m.mode.toString(8)} ${m.uid}:${m.gid} mask ${mask}`);
    }
  });
});

describe('scripts and read-only mounts in the kernel\'s order', () => {
  const fs2 = tree({
    '/bin2': dir(0, 0, 0o755),
    '/bin2/script': { kind: 'file', uid: 0, gid: 0, mode: 0o711, script: true },
    '/bin2/elf': { kind: 'file', uid: 0, gid: 0, mode: 0o711 },
    '/ro2': dir(1000, 1000, 0o755),
    '/ro2/mine': file(1000, 1000, 0o644),
    '/ro2/roots': file(0, 0, 0o644),
    '/ro2/agent.sock': { kind: 'other', uid: 1000, gid: 1000, mode: 0o600 },
  });
  const v2: View = { fs: fs2, mounts: [{ target: '/ro2', readonly: true, describe: 'bind mount' }], readOnlyRoot: false };

  test('executing a 0711 script needs read too (binfmt_script)', () => {
    const v = evaluate(user(1000), v2, '/bin2/script', 'exec');
    assert.equal(v.errno, 'EACCES');
    assert.match(v.reasons.at(-1)!, /script, read by its interpreter/);
  });
  test('a 0711 binary runs', () => assert.equal(evaluate(user(1000), v2, '/bin2/elf', 'exec').allowed, true));
  test('writing a file you may not write on a read-only mount: EACCES first', () => {
    assert.equal(evaluate(user(1000), v2, '/ro2/roots', 'write').errno, 'EACCES');
  });
  test('writing your own file on a read-only mount: EROFS', () => {
    assert.equal(evaluate(user(1000), v2, '/ro2/mine', 'write').errno, 'EROFS');
  });
  test('creating a new file on a read-only mount: EROFS before any mode check', () => {
    assert.equal(evaluate(user(4242), v2, '/ro2/new', 'create').errno, 'EROFS');
  });
  test('a socket on a read-only mount is written as its mode allows (measured: test -w with buildah)', () => {
    for (const explain of [true, false]) {
      assert.equal(evaluate(user(1000), v2, '/ro2/agent.sock', 'write', explain).allowed, true);
      assert.equal(evaluate(user(1001), v2, '/ro2/agent.sock', 'write', explain).errno, 'EACCES');
    }
  });
});

describe('the quick answer (no explanation) agrees with the explained one through symlinks', () => {
  const link = (target: string): FileMeta => ({ kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target });
  const linked = tree({
    '/usr': dir(0, 0, 0o755),
    '/usr/bin': dir(0, 0, 0o755),
    '/usr/bin/python3.10': file(0, 0, 0o755),
    '/usr/bin/python3': link('python3.10'),
    '/usr/bin/python': link('/usr/bin/python3'),
    '/bin': link('usr/bin'),
    '/opt': dir(0, 0, 0o755),
    '/opt/up': link('../usr/bin'),
    '/opt/dangling': link('/nowhere/at/all'),
    '/opt/private': dir(1000, 1000, 0o700),
    '/opt/private/tool': file(1000, 1000, 0o755),
    '/opt/to-private': link('/opt/private'),
    '/opt/a': link('/opt/b'),
    '/opt/b': link('/opt/a'),
    '/opt/empty': link(''),
    '/opt/slash': link('/usr/bin/'),
  });
  const lv: View = { fs: linked, mounts: [], readOnlyRoot: false };
  const paths = [
    '/bin/python', '/bin/python3', '/bin/python3.10', '/bin/missing', '/bin', '/opt/up/python',
    '/opt/dangling', '/opt/dangling/x', '/opt/to-private/tool', '/opt/a', '/opt/a/x',
    '/opt/empty', '/opt/empty/x', '/opt/slash/python', '/bin/../opt/up/python3',
  ];
  const ops: Op[] = ['read', 'write', 'create', 'delete', 'exec', 'chdir', 'list'];

  for (const who of [root, user(1000), user(1001)]) {
    for (const path of paths) {
      test(`uid ${who.uid} on ${path}`, () => {
        for (const op of ops) {
          const full = evaluate(who, lv, path, op);
          const quick = evaluate(who, lv, path, op, false);
          assert.deepEqual(
            { allowed: quick.allowed, errno: quick.errno, path: quick.path, where: quick.where },
            { allowed: full.allowed, errno: full.errno, path: full.path, where: full.where },
            op,
          );
        }
      });
    }
  }

  test('the kernel answers: a link chain to an executable runs, a loop is ELOOP', () => {
    assert.equal(evaluate(user(1001), lv, '/bin/python', 'exec', false).allowed, true);
    assert.equal(evaluate(user(1001), lv, '/opt/to-private/tool', 'exec', false).errno, 'EACCES');
    assert.equal(evaluate(root, lv, '/opt/a', 'read', false).errno, 'ELOOP');
    assert.equal(evaluate(root, lv, '/opt/dangling', 'read', false).errno, 'ENOENT');
  });
});

describe('the quick answer agrees with the explained one on mounts, sticky dirs and scripts', () => {
  const fs3 = tree({
    '/ro': dir(0, 0, 0o755),
    '/ro/file': file(1000, 1000, 0o644),
    '/rw': dir(0, 0, 0o1777),
    '/rw/alices': file(1000, 1000, 0o644),
    '/rw/roots': file(0, 0, 0o666),
    '/rw/sub': dir(1000, 1000, 0o700),
    '/bin': dir(0, 0, 0o755),
    '/bin/script': { kind: 'file', uid: 0, gid: 0, mode: 0o711, script: true },
    '/bin/readable': { kind: 'file', uid: 0, gid: 0, mode: 0o755, script: true },
    '/part': { kind: 'dir', uid: 0, gid: 0, mode: 0o755, partial: true },
    '/closed': dir(0, 0, 0o700),
    '/closed/x': file(0, 0, 0o644),
  });
  const views: [string, View][] = [
    ['no mounts', { fs: fs3, mounts: [], readOnlyRoot: false }],
    ['a read-only root', { fs: fs3, mounts: [{ target: '/rw', readonly: false, describe: 'a volume' }], readOnlyRoot: true }],
    ['a read-only mount', { fs: fs3, mounts: [{ target: '/ro', readonly: true, describe: 'a bind mount' }], readOnlyRoot: false, dependsOn: [{ prefix: '/rw', id: 'A1' }] }],
  ];
  const paths = ['/ro', '/ro/file', '/ro/new', '/rw', '/rw/alices', '/rw/roots', '/rw/sub', '/rw/sub/deep/new',
    '/bin/script', '/bin/readable', '/part/unlisted', '/part/a/b', '/closed/x', '/closed/new', '/', '/bin/script/x'];
  const ops: Op[] = ['read', 'write', 'create', 'delete', 'exec', 'chdir', 'list'];

  for (const [name, v] of views) {
    for (const who of [root, rootNoCaps, user(1000), user(1001)]) {
      test(`${name}, uid ${who.uid}${who === rootNoCaps ? ' without capabilities' : ''}`, () => {
        for (const path of paths) for (const op of ops) {
          const full = evaluate(who, v, path, op);
          const quick = evaluate(who, v, path, op, false);
          assert.deepEqual(quick, { ...full, reasons: [] }, `${op} ${path}`);
        }
      });
    }
  }
});

describe('where a missing path would be', () => {
  test('through a link into a mount it is on the mount, in both the explained and the quick verdict', () => {
    const fs2 = tree({ '/ws': dir(0, 0, 0o755), '/ws/ds': { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: '/mnt/ds' }, '/mnt': dir(0, 0, 0o755), '/mnt/ds': dir(0, 0, 0o755) });
    const v2: View = { fs: fs2, mounts: [{ target: '/mnt/ds', readonly: false, describe: 'bind mount of /srv/ds' }], readOnlyRoot: false };
    for (const explain of [true, false]) {
      const v = evaluate(user(1000), v2, '/ws/ds/newfile', 'write', explain);
      assert.deepEqual([v.allowed, v.errno, v.where], [false, 'ENOENT', '/mnt/ds']);
    }
  });
});
