// Hard links: one file (one inode) under several names. Owner, group and mode are the inode's,
// so a change through one name shows through every other made in the same step; a later step
// runs on a new overlay layer, where changing a lower file copies that name up alone. Each case
// measured with buildah on debian:bookworm (the oracle's links.yaml, links/hardlink-*).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { deserializeSnapshot, serializeSnapshot } from '../../src/archive/cache.js';
import type { ImageSnapshot } from '../../src/archive/layers.js';
import { newTree } from '../../src/image/fs.js';
import { parseDockerRun } from '../../src/runtime/docker.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };

const USERS = 'RUN groupadd -g 2000 team && useradd -m -u 1000 alice && useradd -m -u 1001 -G team bob';
const build = (run: string, text?: Record<string, string>) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${USERS}\n${run}\n`, ...(text ?? {}) });
const meta = (a: ReturnType<typeof analyze>, ...paths: string[]) =>
  paths.map((p) => {
    const m = a.image.fs.get(p);
    return m ? `${p} ${m.uid}:${m.gid} ${m.mode.toString(8)}` : `${p} missing`;
  });
const failures = (a: ReturnType<typeof analyze>) => a.sim.failures.map((f) => [f.line, f.message]);

describe('a hard link made in a step is one file under two names', () => {
  test('chmod or chown through either name changes both (links/hardlink-shares-mode, hardlink-owner)', () => {
    const a = build([
      'RUN touch /srv/h1 && ln /srv/h1 /srv/h2 && chmod 0600 /srv/h1',
      'RUN touch /srv/h3 && ln /srv/h3 /srv/h4 && chown alice /srv/h4 && chmod 0600 /srv/h4',
      'RUN mkdir /srv/hd && touch /srv/hd/f && ln /srv/hd/f /srv/hf && chown -R alice /srv/hd && chmod -R go-rwx /srv/hd',
      'RUN touch /srv/g1 && ln /srv/g1 /srv/g2 && chgrp team /srv/g2 && chmod 0664 /srv/g2',
      'USER bob',
    ].join('\n'));
    assert.deepEqual(failures(a), []);
    assert.deepEqual(meta(a, '/srv/h1', '/srv/h2', '/srv/h3', '/srv/h4', '/srv/hf', '/srv/g1'), [
      '/srv/h1 0:0 600', '/srv/h2 0:0 600', '/srv/h3 1000:0 600', '/srv/h4 1000:0 600', '/srv/hf 1000:0 600', '/srv/g1 0:2000 664',
    ]);
    // What the checks answer, not only the tree: bob may not read the other name.
    assert.equal(a.check('/srv/h2', 'read').allowed, false);
    // No note hedges it any more: the model follows the link.
    assert.deepEqual(a.unknowns, []);
  });

  test('rm of one name leaves the other; a new file at the old name is a file of its own', () => {
    const a = build('RUN touch /srv/r1 && ln /srv/r1 /srv/r2 && rm /srv/r1 && chmod 0600 /srv/r2 && touch /srv/r1 && ln /srv/r1 /srv/r3 && rm /srv/r3');
    assert.deepEqual(meta(a, '/srv/r1', '/srv/r2', '/srv/r3'), ['/srv/r1 0:0 644', '/srv/r2 0:0 600', '/srv/r3 missing']);
  });

  test('mv keeps the file; cp and sed -i make a new one; cp -p onto a name sets the shared file', () => {
    const a = build([
      'RUN touch /srv/m1 && ln /srv/m1 /srv/m2 && mv /srv/m1 /srv/m3 && chmod 0600 /srv/m3',
      'RUN touch /srv/c1 && ln /srv/c1 /srv/c2 && cp /srv/c1 /srv/c3 && chmod 0600 /srv/c1',
      "RUN echo a > /srv/e1 && ln /srv/e1 /srv/e2 && sed -i 's/a/b/' /srv/e1 && chmod 0600 /srv/e1",
      'RUN touch /srv/o1 && ln /srv/o1 /srv/o2 && touch /srv/src && chmod 0600 /srv/src && cp -p /srv/src /srv/o1',
    ].join('\n'));
    assert.deepEqual(meta(a, '/srv/m2', '/srv/c2', '/srv/c3', '/srv/e1', '/srv/e2', '/srv/o2'), [
      '/srv/m2 0:0 600', '/srv/c2 0:0 600', '/srv/c3 0:0 644', '/srv/e1 0:0 600', '/srv/e2 0:0 644', '/srv/o2 0:0 600',
    ]);
  });

  test('cp -a keeps two names of one file one file among the copies (--preserve=links); cp -r does not', () => {
    const a = build([
      'RUN mkdir /srv/ad && touch /srv/ad/x && ln /srv/ad/x /srv/ad/y && cp -a /srv/ad /srv/ad2 && cp -r /srv/ad /srv/ar2 && chmod 0600 /srv/ad2/x /srv/ar2/x',
      'RUN mkdir /srv/n && touch /srv/n/x && ln /srv/n/x /srv/n/y && cp -a --no-preserve=links /srv/n /srv/n2 && chmod 0600 /srv/n2/x',
    ].join('\n'));
    assert.deepEqual(meta(a, '/srv/ad2/y', '/srv/ad/y', '/srv/ar2/y', '/srv/n2/y'), ['/srv/ad2/y 0:0 600', '/srv/ad/y 0:0 644', '/srv/ar2/y 0:0 644', '/srv/n2/y 0:0 644']);
  });

  test('cp -l (hard links instead of copies) is not followed: an unknown effect, not an invalid option', () => {
    const a = build('RUN touch /srv/l1 && cp -l /srv/l1 /srv/l2');
    assert.deepEqual(failures(a), []);
    assert.deepEqual(a.unknowns.map((u) => u.reason), ['cp -l (hard links for copies) is not modelled']);
  });
});

describe('what link(2) refuses', () => {
  test('a folder: `hard link not allowed for directory` (links/hardlink-dir-refused)', () => {
    assert.deepEqual(failures(build('RUN mkdir /srv/d && ln /srv/d /srv/d2')), [[3, 'ln: /srv/d: hard link not allowed for directory']]);
  });

  test('two mounts: from a RUN --mount tmpfs or bind into the image is EXDEV; within the tmpfs it works (links/hardlink-cross-*)', () => {
    const a = build([
      'RUN --mount=type=tmpfs,target=/mnt touch /mnt/a && ln /mnt/a /mnt/b && touch /srv/within',
      'RUN --mount=type=tmpfs,target=/mnt touch /mnt/a && ln /mnt/a /srv/a',
    ].join('\n'));
    assert.deepEqual(failures(a), [[4, "ln: failed to create hard link '/srv/a' => '/mnt/a': Invalid cross-device link"]]);
  });
});

describe('a later step runs on a new overlay layer (index=off): a lower file is copied up name by name', () => {
  test('chmod of one name leaves the other; ln of a lower name links the copy (links/hardlink-later-step)', () => {
    const a = build([
      'RUN touch /srv/p1 && ln /srv/p1 /srv/p2 && touch /srv/q1 && ln /srv/q1 /srv/q2',
      'RUN chmod 0600 /srv/p1',
      'RUN ln /srv/q1 /srv/q3 && chmod 0600 /srv/q3',
    ].join('\n'));
    assert.deepEqual(meta(a, '/srv/p1', '/srv/p2', '/srv/q1', '/srv/q2', '/srv/q3'), ['/srv/p1 0:0 600', '/srv/p2 0:0 644', '/srv/q1 0:0 600', '/srv/q2 0:0 644', '/srv/q3 0:0 600']);
  });

  test("an entrypoint script's chmod runs on the container's own layer too", () => {
    const text = `FROM debian:bookworm\n${USERS}\nRUN touch /srv/p1 && ln /srv/p1 /srv/p2 && chown bob /srv/p1\nRUN printf '#!/bin/sh\\nchmod 0000 /srv/p1\\nexec "$@"\\n' > /e.sh && chmod +x /e.sh\nENTRYPOINT ["/e.sh"]\nCMD ["sleep", "1"]\n`;
    const a = analyze({ file: 'Dockerfile', text, run: parseDockerRun('docker run --user bob image', { invoker }), paths: ['/srv/p1', '/srv/p2'] });
    assert.deepEqual([a.check('/srv/p1', 'read').allowed, a.check('/srv/p2', 'read').allowed], [false, true]);
  });
});

describe('COPY makes files of their own (links/hardlink-copy-over)', () => {
  test('onto a name of a linked file, and two names of one file from a stage', () => {
    const a = analyze({
      file: 'Dockerfile',
      text: `FROM debian:bookworm AS stage\nRUN mkdir /d && touch /d/x && ln /d/x /d/y\nFROM debian:bookworm\n${USERS}\nRUN touch /srv/k1 && ln /srv/k1 /srv/k2\nCOPY --chmod=0600 k.txt /srv/k1\nCOPY --from=stage /d /srv/cd\nRUN chmod 0600 /srv/cd/x\n`,
      context: new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/k.txt', { kind: 'file', uid: 0, gid: 0, mode: 0o644 }]]),
    });
    assert.deepEqual(meta(a, '/srv/k1', '/srv/k2', '/srv/cd/x', '/srv/cd/y'), ['/srv/k1 0:0 600', '/srv/k2 0:0 644', '/srv/cd/x 0:0 600', '/srv/cd/y 0:0 644']);
  });
});

describe('the snapshot cache keeps which names are one file', () => {
  test('stored numbers come back as new ones, shared by the same names', () => {
    const fs = newTree();
    fs.set('/a', { kind: 'file', uid: 0, gid: 0, mode: 0o644, inode: 7 });
    fs.set('/b', { kind: 'file', uid: 0, gid: 0, mode: 0o644, inode: 7 });
    fs.set('/c', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    const back = deserializeSnapshot(serializeSnapshot({ fs } as unknown as ImageSnapshot))!;
    const [a, b, c] = ['/a', '/b', '/c'].map((p) => back.fs.get(p)!);
    assert.equal(a.inode !== undefined && a.inode === b.inode, true);
    assert.equal(c.inode, undefined);
  });
});
