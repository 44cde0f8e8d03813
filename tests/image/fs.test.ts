import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ancestry, formatMode, isUnder, mkdirp, newTree, normalizePath, resolvePath } from '../../src/image/fs.js';
import type { FileMeta, FsTree } from '../../src/model/types.js';

/** The slow, obviously right normalisation the fast path must agree with. */
function reference(path: string, cwd = '/'): string {
  const out: string[] = [];
  for (const part of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

describe('normalizePath', () => {
  const cases = ['/', '/a', '/a/b', '/a/', '//a', '/a//b', '/./a', '/a/.', '/a/..', '/a/../b', '/..', '/a/.b', '/a/..b',
    '/a/b.', '/.hidden/x', 'rel', 'rel/../x', '.', '..', '', '/a/./b/../c/', '/...', '/a/.../b', '/.',
    '/a/./', '/..x', '/x..', '/a/b/..', '/a/b/.', '/a//', '/.a/..b/...', '/a/.b./c'];
  for (const c of cases) {
    test(`"${c}" normalises like the reference`, () => assert.equal(normalizePath(c, '/work'), reference(c, '/work')));
  }
  const more = ['a', 'a/b', 'a/', 'a//b', './a', 'a/.', '/a/b/', '/a/b//', '//', '///', '/a//', '.a', '..a/b'];
  for (const cwd of ['/', '/work', '/w/', '/a/../b', '/x/.']) {
    test(`relative names and trailing slashes against cwd ${cwd}`, () => {
      for (const c of [...more, ...cases]) assert.equal(normalizePath(c, cwd), reference(c, cwd), c);
    });
  }
});

describe('resolvePath', () => {
  const tree = newTree();
  tree.set('/usr', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
  tree.set('/usr/lib', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
  tree.set('/lib', { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: 'usr/lib' });
  tree.set('/usr/lib/x', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });

  test('direct path', () => assert.equal(resolvePath(tree, '/usr/lib/x').meta?.kind, 'file'));
  test('through a relative symlink', () => assert.equal(resolvePath(tree, '/lib/x').path, '/usr/lib/x'));
  test('the link itself without following', () => assert.equal(resolvePath(tree, '/lib', false).meta?.kind, 'symlink'));
  test('missing child reports the deepest directory', () => assert.equal(resolvePath(tree, '/usr/lib/y/z').missingAt, '/usr/lib'));
  test('ancestry', () => assert.deepEqual(ancestry('/a/b'), ['/', '/a', '/a/b']));
  test('formatMode shows setgid and sticky', () => {
    assert.equal(formatMode({ kind: 'dir', mode: 0o2775 }), 'drwxrwsr-x');
    assert.equal(formatMode({ kind: 'dir', mode: 0o1777 }), 'drwxrwxrwt');
  });
});

/** The component-list walk resolvePath was first written as: the one-pass walk must agree. */
function referenceResolve(tree: FsTree, path: string, followLast: boolean) {
  let todo = reference(path).split('/').filter(Boolean);
  let i = 0;
  let cur = '/';
  let links = 0;
  while (i < todo.length) {
    const curMeta = tree.get(cur);
    if (curMeta && curMeta.kind !== 'dir') {
      return { path: reference([cur, ...todo.slice(i)].join('/')), unknown: false, loop: false, notDir: true };
    }
    const next = cur === '/' ? `/${todo[i]}` : `${cur}/${todo[i]}`;
    const meta = tree.get(next);
    const more = i < todo.length - 1;
    if (!meta) {
      const full = reference([next, ...todo.slice(i + 1)].join('/'));
      return { path: full, missingAt: cur, unknown: curMeta?.partial === true, loop: false, notDir: false };
    }
    if (meta.kind === 'symlink' && (more || followLast)) {
      links += 1;
      if (links > 40) return { path: next, unknown: false, loop: true, notDir: false };
      const target = meta.target ?? '';
      todo = [...reference(target, target.startsWith('/') ? '/' : cur).split('/').filter(Boolean), ...todo.slice(i + 1)];
      i = 0;
      cur = '/';
      continue;
    }
    cur = next;
    i += 1;
  }
  return { path: cur, meta: tree.get(cur), unknown: false, loop: false, notDir: false };
}

describe('resolvePath walks like the component-list reference', () => {
  const d = (extra: Partial<FileMeta> = {}): FileMeta => ({ kind: 'dir', uid: 0, gid: 0, mode: 0o755, ...extra });
  const l = (target?: string): FileMeta => ({ kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target });
  const f: FileMeta = { kind: 'file', uid: 0, gid: 0, mode: 0o644 };
  const tree = newTree();
  const entries: [string, FileMeta][] = [
    ['/usr', d()], ['/usr/bin', d()], ['/usr/bin/python3.11', f], ['/usr/bin/python3', l('python3.11')],
    ['/usr/bin/python', l('/usr/bin/python3')], ['/bin', l('usr/bin')], ['/opt', d({ partial: true })],
    ['/opt/up', l('../usr/bin')], ['/opt/empty', l('')], ['/opt/none', l()], ['/opt/slash', l('/usr/bin/')],
    ['/opt/a', l('/opt/b')], ['/opt/b', l('/opt/a')], ['/opt/file', f], ['/opt/dot', l('.')],
    ['/opt/dotdot', l('..')], ['/opt/dangling', l('/nowhere/x')], ['/opt/tofile', l('file')],
    ['/opt/rel', l('up/../bin/./python3')], ['/etc', d()], ['/etc/alt', l('/opt/rel')],
  ];
  for (const [p, m] of entries) tree.set(p, m);
  const paths = [
    '/', '/usr/bin/python', '/bin/python', '/bin/python3', '/bin', '/bin/', '/opt/up/python3', '/opt/up',
    '/opt/empty', '/opt/empty/file', '/opt/none/file', '/opt/slash/python', '/opt/a', '/opt/a/x',
    '/opt/file/x', '/opt/file/x/y', '/opt/dot/file', '/opt/dotdot/usr/bin', '/opt/dangling',
    '/opt/dangling/z', '/opt/tofile/q', '/opt/rel', '/etc/alt', '/opt/missing', '/opt/missing/deeper',
    '/usr/missing/deeper', '/etc/x', '/bin/../opt/up', 'relative/path', '/usr/bin/python/x',
  ];
  for (const p of paths) {
    for (const follow of [true, false]) {
      test(`${p} (${follow ? 'following' : 'not following'} the last link)`, () => {
        assert.deepEqual(resolvePath(tree, p, follow), referenceResolve(tree, p, follow));
      });
    }
  }
});

describe('formatMode agrees with ls -l for every mode', () => {
  /** ls -l's letters, one bit at a time (coreutils filemodestring). */
  function lsMode(kind: FileMeta['kind'], m: number): string {
    const bit = (b: number, c: string) => (m & b ? c : '-');
    const special = (x: number, s: number, lower: string, upper: string) =>
      m & s ? (m & x ? lower : upper) : m & x ? 'x' : '-';
    return (kind === 'dir' ? 'd' : kind === 'symlink' ? 'l' : '-') +
      bit(0o400, 'r') + bit(0o200, 'w') + special(0o100, 0o4000, 's', 'S') +
      bit(0o040, 'r') + bit(0o020, 'w') + special(0o010, 0o2000, 's', 'S') +
      bit(0o004, 'r') + bit(0o002, 'w') + special(0o001, 0o1000, 't', 'T');
  }
  for (const kind of ['file', 'dir', 'symlink'] as const) {
    test(`${kind}: all 4096 modes`, () => {
      for (let mode = 0; mode <= 0o7777; mode++) assert.equal(formatMode({ kind, mode }), lsMode(kind, mode), mode.toString(8));
    });
  }
});

describe('isUnder: the directory itself or a path below it, never a sibling with a longer name', () => {
  const cases: [string, string, boolean][] = [
    ['/data', '/data', true], ['/data/x', '/data', true], ['/data/x/y', '/data', true],
    ['/database', '/data', false], ['/dat', '/data', false], ['/', '/data', false],
    ['/anything', '/', true], ['/', '/', true], ['relative', '/', false],
    ['/a/', '/a/', true], ['/a//b', '/a/', true], ['/a/b', '/a/', false], ['', '', true], ['/x', '', true],
  ];
  for (const [path, dir, want] of cases) {
    test(`${path || '(empty)'} under ${dir || '(empty)'}: ${want}`, () => {
      assert.equal(isUnder(path, dir), want);
      assert.equal(isUnder(path, dir), path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`) || (dir === '/' && path.startsWith('/')));
    });
  }
});

describe('mkdirp through a link', () => {
  test('a link whose target is missing: the target and its missing folders are made (measured: workdir/through-dangling-link)', () => {
    const t: FsTree = newTree();
    t.set('/work', { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: '/data/work' });
    const made = mkdirp(t, '/work/sub', { uid: 0, gid: 0, mode: 0o755 });
    assert.deepEqual(made, ['/data', '/data/work', '/data/work/sub']);
    assert.equal(t.get('/work')?.kind, 'symlink');
    assert.equal(resolvePath(t, '/work/sub').path, '/data/work/sub');
  });

  test('a link in a loop is left alone', () => {
    const t: FsTree = newTree();
    t.set('/a', { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: '/b' });
    t.set('/b', { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: '/a' });
    assert.deepEqual(mkdirp(t, '/a/x', { uid: 0, gid: 0, mode: 0o755 }), []);
  });
});
