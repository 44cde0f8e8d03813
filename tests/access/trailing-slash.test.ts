// Paths written with a trailing slash: the kernel wants a directory at the end. Every expected
// value is what a real container gave (tests/oracle/scenarios/trailing-slash.yaml, buildah run
// with chroot isolation, as root and as uid 1000).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DOCKER_DEFAULT_CAPS, evaluate, type Identity, type View } from '../../src/access/evaluate.js';
import type { FileMeta, Op } from '../../src/model/types.js';

const dir = (uid: number, mode: number, extra: Partial<FileMeta> = {}): FileMeta => ({ kind: 'dir', uid, gid: uid, mode, ...extra });
const file = (uid: number, mode: number): FileMeta => ({ kind: 'file', uid, gid: uid, mode });
const link = (target: string): FileMeta => ({ kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target });

const root: Identity = { uid: 0, gid: 0, groups: [], caps: DOCKER_DEFAULT_CAPS };
const app: Identity = { uid: 1000, gid: 1000, groups: [], caps: new Set(), label: 'app' };

const view: View = {
  fs: new Map<string, FileMeta>([
    ['/', dir(0, 0o755)],
    ['/t', dir(0, 0o755)],
    ['/t/d', dir(0, 0o755)],
    ['/t/f', file(0, 0o644)],
    ['/t/x', file(0, 0o755)],
    ['/t/secret', file(0, 0o600)],
    ['/t/ld', link('/t/d')],
    ['/t/lf', link('/t/f')],
    ['/t/ldang', link('/t/nothing')],
    ['/w', dir(1000, 0o755)],
    ['/w/d', dir(1000, 0o755)],
    ['/w/f', file(1000, 0o644)],
    ['/w/ld', { ...link('/w/d'), uid: 1000, gid: 1000 }],
    ['/w/lf', { ...link('/w/f'), uid: 1000, gid: 1000 }],
    ['/s', dir(0, 0o1777)],
    ['/s/d', dir(0, 0o755)],
    ['/s/ld', link('/s/d')],
    ['/s/f', file(1000, 0o644)],
    ['/ro', dir(0, 0o755)],
    ['/ro/f', file(0, 0o644)],
    ['/ro/d', dir(0, 0o755)],
  ]),
  mounts: [{ target: '/ro', readonly: true, describe: 'bind mount of /srv/ro' }],
  readOnlyRoot: false,
};

type Case = [Op, string, string];

// [op, path, 'ok' or the errno], as measured.
const asRoot: Case[] = [
  ['read', '/t/f/', 'ENOTDIR'], ['read', '/t/d/', 'ok'], ['read', '/t/ld/', 'ok'], ['read', '/t/lf/', 'ENOTDIR'],
  ['read', '/t/m/', 'ENOENT'], ['read', '/t/ldang/', 'ENOENT'],
  ['write', '/t/f/', 'EISDIR'], ['write', '/t/d/', 'ok'], ['write', '/t/ld/', 'ok'], ['write', '/t/lf/', 'EISDIR'],
  ['write', '/t/m/', 'EISDIR'], ['write', '/t/ldang/', 'EISDIR'],
  ['create', '/t/f/', 'EEXIST'], ['create', '/t/d/', 'ok'], ['create', '/t/ld/', 'ok'], ['create', '/t/lf/', 'EEXIST'],
  ['create', '/t/m/', 'ok'], ['create', '/t/ldang/', 'EEXIST'],
  ['delete', '/t/f/', 'ENOTDIR'], ['delete', '/t/d/', 'ok'], ['delete', '/t/ld/', 'ENOTDIR'], ['delete', '/t/lf/', 'ENOTDIR'],
  ['delete', '/t/m/', 'ENOENT'], ['delete', '/t/ldang/', 'ENOTDIR'],
  ['exec', '/t/x/', 'ENOTDIR'], ['exec', '/t/d/', 'EACCES'], ['exec', '/t/ld/', 'EACCES'], ['exec', '/t/m/', 'ENOENT'],
  ['chdir', '/t/f/', 'ENOTDIR'], ['chdir', '/t/d/', 'ok'], ['chdir', '/t/ld/', 'ok'], ['chdir', '/t/lf/', 'ENOTDIR'],
  ['chdir', '/t/m/', 'ENOENT'],
  // A read-only bind mount: open and mkdir meet the slash first, unlink the mount.
  ['read', '/ro/f/', 'ENOTDIR'], ['write', '/ro/f/', 'EISDIR'], ['write', '/ro/m/', 'EISDIR'], ['write', '/ro/d/', 'EROFS'],
  ['create', '/ro/f/', 'EEXIST'], ['create', '/ro/m/', 'EROFS'], ['delete', '/ro/f/', 'EROFS'], ['delete', '/ro/m/', 'ENOENT'],
];

const asApp: Case[] = [
  ['read', '/t/f/', 'ENOTDIR'], ['read', '/t/secret/', 'ENOTDIR'], ['read', '/t/ld/', 'ok'], ['read', '/t/m/', 'ENOENT'],
  ['write', '/t/f/', 'EISDIR'], ['write', '/t/d/', 'EACCES'], ['write', '/t/ld/', 'EACCES'], ['write', '/t/m/', 'EISDIR'],
  ['create', '/t/f/', 'EEXIST'], ['create', '/t/ld/', 'EACCES'], ['create', '/t/m/', 'EACCES'],
  ['delete', '/t/f/', 'ENOTDIR'], ['delete', '/t/d/', 'EACCES'], ['delete', '/t/ld/', 'EACCES'], ['delete', '/t/lf/', 'ENOTDIR'],
  ['exec', '/t/x/', 'ENOTDIR'], ['exec', '/t/ld/', 'EACCES'],
  ['chdir', '/t/lf/', 'ENOTDIR'], ['chdir', '/t/ld/', 'ok'],
  ['write', '/w/lf/', 'EISDIR'], ['create', '/w/m/', 'ok'], ['create', '/w/ld/', 'ok'],
  ['delete', '/w/d/', 'ok'], ['delete', '/w/ld/', 'ENOTDIR'], ['delete', '/w/f/', 'ENOTDIR'],
  ['delete', '/s/d/', 'EPERM'], ['delete', '/s/ld/', 'EPERM'], ['delete', '/s/f/', 'ENOTDIR'],
];

function outcome(who: Identity, path: string, op: Op, explain: boolean): string {
  const v = evaluate(who, view, path, op, explain);
  return v.allowed ? 'ok' : v.errno ?? 'denied';
}

describe('a trailing slash asks for a directory', () => {
  for (const [who, name, cases] of [[root, 'root', asRoot], [app, 'uid 1000', asApp]] as const) {
    for (const [op, path, want] of cases) {
      test(`${name}: ${op} ${path} is ${want}, with and without reasons`, () => {
        assert.equal(outcome(who, path, op, true), want);
        assert.equal(outcome(who, path, op, false), want);
      });
    }
  }

  test('the verdict keeps the slash it was asked with, once', () => {
    assert.equal(evaluate(root, view, '/t/f/', 'read').path, '/t/f/');
    assert.equal(evaluate(root, view, '/t/f//', 'read').path, '/t/f/');
    assert.equal(evaluate(root, view, '/t/f/', 'read', false).path, '/t/f/');
    assert.equal(evaluate(root, view, '/t/f', 'read').path, '/t/f');
    assert.equal(evaluate(root, view, '/', 'read').path, '/');
  });

  test('without the slash the same paths are judged as before', () => {
    assert.equal(outcome(root, '/t/f', 'read', true), 'ok');
    assert.equal(outcome(root, '/t/f', 'write', true), 'ok');
    assert.equal(outcome(app, '/t/f', 'delete', true), 'EACCES');
    assert.equal(outcome(root, '/ro/f', 'delete', true), 'EROFS');
    assert.equal(outcome(root, '/t/lf', 'read', true), 'ok');
  });

  test('the reasons say why', () => {
    assert.deepEqual(evaluate(root, view, '/t/f/', 'read').reasons, ['a trailing slash asks for a directory, and /t/f is a regular file']);
    assert.deepEqual(evaluate(app, view, '/t/lf/', 'chdir').reasons, ['/t/lf is a symlink to /t/f', 'a trailing slash asks for a directory, and /t/f is a regular file']);
    assert.deepEqual(evaluate(root, view, '/t/m/', 'write').reasons, [
      "a trailing slash asks for a directory, and /t/m does not exist: an open with O_CREAT (a shell's > or >>) refuses such a path before it looks the name up (EISDIR)",
    ]);
    assert.deepEqual(evaluate(app, view, '/t/f/', 'create').reasons, [
      "a trailing slash asks for a directory, so creating it means mkdir, and /t/f is a regular file: the name is taken (EEXIST, before the folder's permissions)",
    ]);
    assert.deepEqual(evaluate(app, view, '/t/f/', 'delete').reasons, [
      "a trailing slash asks for a directory, and /t/f is a regular file: unlink(2) refuses it (ENOTDIR) before the folder's permissions",
    ]);
    assert.deepEqual(evaluate(root, view, '/ro/f/', 'delete').reasons, [
      "rm's unlink(2) of /ro/f/ asks for write access to the mount first: /ro is bind mount of /srv/ro, mounted read-only",
    ]);
    assert.deepEqual(evaluate(root, view, '/t/ld/', 'delete').reasons, [
      'deleting ld needs write and search on /t: /t is drwxr-xr-x 0:0; uid 0 falls in the owner class (rwx), which allows write+search/execute',
      '/t/ld is a symbolic link to the directory /t/d, and rmdir(2) removes the link itself, which is no directory (ENOTDIR)',
    ]);
    assert.deepEqual(evaluate(root, view, '/t/d/', 'exec').reasons, [
      '/t/d is a directory, which execve never runs (EACCES), whatever its mode and the capabilities',
    ]);
    assert.deepEqual(evaluate(app, view, '/t/lf/', 'write').reasons, [
      "a trailing slash asks for a directory, and /t/lf is a symbolic link to /t/f, which is no directory: an open with O_CREAT (a shell's > or >>) refuses such a path before it looks the name up (EISDIR)",
    ]);
  });

  test('where a refusal lies: the path, or the mount that refused it', () => {
    assert.equal(evaluate(root, view, '/ro/f/', 'delete').where, '/ro');
    assert.equal(evaluate(root, view, '/ro/f/', 'write').where, '/ro');
    assert.equal(evaluate(root, view, '/t/f/', 'read').where, 'image');
  });

  test('a missing name in a listing known only in part: EISDIR for "not there", marked unknown', () => {
    const partial: View = { ...view, fs: new Map([...view.fs, ['/p', dir(0, 0o755, { partial: true })]]) };
    const v = evaluate(root, partial, '/p/x/', 'write');
    assert.equal(v.errno, 'EISDIR');
    assert.equal(v.unknown, true);
    assert.equal(evaluate(root, partial, '/p/x/', 'write', false).unknown, true);
  });
});
