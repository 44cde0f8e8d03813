import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHostFactsFile, statHostPaths } from '../../src/runtime/host.js';
import { RunParseError } from '../../src/runtime/errors.js';

describe('parseHostFactsFile', () => {
  test('the example from the docs, invoker included', () => {
    const facts = parseHostFactsFile(`
invoker: { uid: 1000, gid: 1000, home: /home/me, cwd: /home/me/proj, name: me }
paths:
  /home/me/proj/data: { uid: 1001, gid: 1001, mode: "0755", kind: dir }
  /home/me/proj/missing: { exists: false }
  data/model.pt: { uid: 1001, gid: 1001, mode: 0600, kind: file }
  ~/.cache: { uid: 1000, mode: 700, complete: true }
`);
    assert.deepEqual(facts, {
      invoker: { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj', name: 'me' },
      paths: [
        { path: '/home/me/proj/data', exists: true, meta: { kind: 'dir', uid: 1001, gid: 1001, mode: 0o755, partial: true }, from: 'facts-file' },
        { path: '/home/me/proj/missing', exists: false, from: 'facts-file' },
        { path: '/home/me/proj/data/model.pt', exists: true, meta: { kind: 'file', uid: 1001, gid: 1001, mode: 0o600 }, from: 'facts-file' },
        { path: '/home/me/.cache', exists: true, meta: { kind: 'dir', uid: 1000, gid: 1000, mode: 0o700, partial: false }, from: 'facts-file' },
      ],
    });
  });

  const bad: [string, string, RegExp][] = [
    ['non-octal mode', 'paths:\n  /x: { mode: "0999" }\n', /must be an octal mode/],
    ['non-numeric uid', 'paths:\n  /x: { uid: alice }\n', /uid must be a number/],
    ['unknown kind', 'paths:\n  /x: { kind: fifo }\n', /kind must be dir, file, symlink or other/],
    ['paths not a mapping', 'paths: [a, b]\n', /paths must be a mapping/],
  ];
  for (const [name, text, re] of bad) {
    test(`rejects ${name}`, () => assert.throws(() => parseHostFactsFile(text), (e: unknown) => e instanceof RunParseError && re.test(e.message)));
  }
});

describe('statHostPaths', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uidctl-host-'));
    await mkdir(join(dir, 'data'));
    await chmod(join(dir, 'data'), 0o2750);
    await writeFile(join(dir, 'data', 'f'), 'x');
    await chmod(join(dir, 'data', 'f'), 0o640);
    await symlink(join(dir, 'data'), join(dir, 'link'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('stat follows symlinks; missing paths exist: false', async () => {
    const uid = process.getuid!();
    const gid = process.getgid!();
    const facts = await statHostPaths([join(dir, 'link'), join(dir, 'nope'), join(dir, 'data', 'f', 'under')]);
    assert.deepEqual(facts, [
      { path: join(dir, 'link'), exists: true, meta: { kind: 'dir', uid, gid, mode: 0o2750 }, from: 'stat' },
      { path: join(dir, 'nope'), exists: false, from: 'stat' },
      { path: join(dir, 'data', 'f', 'under'), exists: false, from: 'stat' },
    ]);
  });

  test('children: one level listed and the directory complete', async () => {
    const facts = await statHostPaths([join(dir, 'data')], { children: true });
    assert.deepEqual(facts.map((f) => [f.path, f.meta?.kind, f.meta?.mode, f.meta?.partial]), [
      [join(dir, 'data'), 'dir', 0o2750, false],
      [join(dir, 'data', 'f'), 'file', 0o640, undefined],
    ]);
  });
});
