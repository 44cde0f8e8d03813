// A folder is never executed (execve opens only a regular file: EACCES whatever the mode and
// the capabilities), and rmdir removes only an empty folder (ENOTEMPTY, after the permission
// checks of the folder holding it). Each expected value is what a real container gave
// (tests/oracle/scenarios/folders-exec-delete.yaml, buildah run with chroot isolation).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DOCKER_DEFAULT_CAPS, evaluate, type Identity, type View } from '../../src/access/evaluate.js';
import type { FileMeta, Op } from '../../src/model/types.js';

const dir = (uid: number, mode: number): FileMeta => ({ kind: 'dir', uid, gid: uid, mode });
const file = (uid: number, mode: number): FileMeta => ({ kind: 'file', uid, gid: uid, mode });

const root: Identity = { uid: 0, gid: 0, groups: [], caps: DOCKER_DEFAULT_CAPS };
const bare: Identity = { uid: 0, gid: 0, groups: [], caps: new Set() };
const app: Identity = { uid: 1000, gid: 1000, groups: [], caps: new Set(), label: 'app' };

const view: View = {
  fs: new Map<string, FileMeta>([
    ['/', dir(0, 0o755)],
    ['/srv', dir(0, 0o755)],
    ['/srv/models', dir(0, 0o755)],
    ['/srv/models/bert', dir(0, 0o755)],
    ['/srv/models/bert/w.bin', file(0, 0o644)],
    ['/srv/empty', dir(0, 0o755)],
    ['/w', dir(1000, 0o755)],
    ['/w/full', dir(1000, 0o755)],
    ['/w/full/f', file(1000, 0o644)],
    ['/w/empty', dir(1000, 0o755)],
  ]),
  mounts: [],
  readOnlyRoot: false,
};

const answer = (id: Identity, path: string, op: Op) => {
  const v = evaluate(id, view, path, op, true);
  const quick = evaluate(id, view, path, op, false);
  // The answer without reasons is the same answer.
  assert.deepEqual([quick.allowed, quick.errno], [v.allowed, v.errno], `${path} ${op}`);
  return v.allowed ? 'ok' : v.errno;
};

describe('folders executed and removed', () => {
  test('root, with the default capabilities and with none', () => {
    assert.equal(answer(root, '/srv/models', 'exec'), 'EACCES');
    assert.equal(answer(root, '/srv/models', 'delete'), 'ENOTEMPTY');
    assert.equal(answer(root, '/srv/empty', 'delete'), 'ok');
    assert.equal(answer(bare, '/srv/empty', 'exec'), 'EACCES');
    assert.equal(answer(bare, '/srv/models', 'delete'), 'ENOTEMPTY');
  });

  test('a user: its own folders, and root\'s, where the permission check comes first', () => {
    assert.equal(answer(app, '/w/empty', 'exec'), 'EACCES');
    assert.equal(answer(app, '/w/full', 'delete'), 'ENOTEMPTY');
    assert.equal(answer(app, '/w/empty', 'delete'), 'ok');
    assert.equal(answer(app, '/srv/models', 'delete'), 'EACCES');
  });

  test('the reasons say why', () => {
    assert.match(evaluate(root, view, '/srv/models', 'delete', true).reasons.at(-1)!, /^\/srv\/models is not empty, and rmdir removes only an empty directory/);
    assert.match(evaluate(root, view, '/srv/models', 'exec', true).reasons.at(-1)!, /^\/srv\/models is a directory, which execve does not run/);
  });
});
