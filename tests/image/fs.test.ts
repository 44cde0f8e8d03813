import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ancestry, formatMode, newTree, normalizePath, resolvePath } from '../../src/image/fs.js';

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
    '/a/b.', '/.hidden/x', 'rel', 'rel/../x', '.', '..', '', '/a/./b/../c/', '/...', '/a/.../b'];
  for (const c of cases) {
    test(`"${c}" normalises like the reference`, () => assert.equal(normalizePath(c, '/work'), reference(c, '/work')));
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
