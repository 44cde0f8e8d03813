// COPY wildcards that match nothing, and several sources into a destination without a
// trailing slash. buildah 1.28 is measured (tests/oracle/scenarios/copy-wildcards.yaml);
// BuildKit and the classic builder are from their source (tests/oracle/documented/copy-wildcards.yaml).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { simulate } from '../../src/build/simulate.js';
import type { Builder } from '../../src/shell/context.js';
import { resolveBase } from '../../src/image/catalog/index.js';
import type { FileMeta, FsTree } from '../../src/model/types.js';

function build(text: string, builder: Builder, context?: FsTree) {
  return simulate(parseDockerfile(text), { file: 'Dockerfile', builder, buildArgs: {}, resolveBase, context });
}

function meta(r: ReturnType<typeof build>, path: string): string {
  const m = r.target.state.fs.get(path);
  return m ? `${m.kind} ${m.uid}:${m.gid} ${(m.mode & 0o7777).toString(8)}` : 'missing';
}

const failures = (r: ReturnType<typeof build>) => r.failures.map((f) => [f.line, f.message]);

const dir = { kind: 'dir', uid: 0, gid: 0, mode: 0o755 } as const;
// Made in the order b, a: the builders copy by name, not in the order the files were made.
const context: FsTree = new Map<string, FileMeta>([
  ['/', dir], ['/dist', dir],
  ['/dist/b.whl', { kind: 'file', uid: 501, gid: 20, mode: 0o600 }],
  ['/dist/a.whl', { kind: 'file', uid: 501, gid: 20, mode: 0o644 }],
]);
const STAGE = 'FROM debian:bookworm AS b\nRUN mkdir /out && echo b > /out/b.whl && echo a > /out/a.whl && chown 1000:1000 /out/b.whl && chmod 0640 /out/b.whl\nFROM debian:bookworm\n';

describe('a COPY wildcard that matches nothing', () => {
  const NONE = 'FROM debian:bookworm AS b\nRUN mkdir /out && touch /out/a.whl\nFROM debian:bookworm\n';

  test('buildah stops at the COPY --from and names the wildcard', () => {
    const r = build(`${NONE}COPY --from=b /out/*.tar.gz /tmp/w3/\nRUN echo never\n`, 'buildah');
    assert.deepEqual(failures(r), [[4, 'checking on sources: copier: stat: ["/out/*.tar.gz"]: no such file or directory']]);
    assert.equal(meta(r, '/tmp/w3'), 'missing');
  });
  test('buildah names every wildcard when none matches', () => {
    const r = build(`${NONE}COPY --from=b /out/*.tar.gz /out/*.zip /tmp/w3/\n`, 'buildah');
    assert.deepEqual(failures(r), [[4, 'checking on sources: copier: stat: ["/out/*.tar.gz" "/out/*.zip"]: no such file or directory']]);
  });
  test('buildah copies a source that is there beside a wildcard that matches nothing', () => {
    const r = build(`${NONE}COPY --from=b /out/*.tar.gz /out/a.whl /tmp/w3/\n`, 'buildah');
    assert.deepEqual(failures(r), []);
    assert.equal(meta(r, '/tmp/w3/a.whl'), 'file 0:0 644');
  });
  test('buildah: the same from a build context that was read', () => {
    const r = build('FROM debian:bookworm\nCOPY dist/*.tar.gz /tmp/w3/\n', 'buildah', context);
    assert.deepEqual(failures(r), [[2, 'checking on sources: copier: stat: ["/dist/*.tar.gz"]: no such file or directory']]);
  });
  test('the classic builder stops too, in its words', () => {
    assert.deepEqual(failures(build(`${NONE}COPY --from=b /out/*.tar.gz /tmp/w3/\n`, 'classic')), [[4, 'COPY failed: no source files were specified']]);
    assert.deepEqual(failures(build('FROM debian:bookworm\nCOPY dist/*.tar.gz /tmp/w3/\n', 'classic', context)), [[2, 'COPY failed: no source files were specified']]);
  });
  test('BuildKit copies nothing and makes no folder', () => {
    const r = build(`${NONE}COPY --from=b /out/*.tar.gz /tmp/w3/\nRUN ls /tmp\n`, 'buildkit');
    assert.deepEqual(failures(r), []);
    assert.equal(meta(r, '/tmp/w3'), 'missing');
  });
  test('a folder an unfollowed step wrote in stays unknown for every builder', () => {
    for (const builder of ['buildah', 'classic', 'buildkit'] as const) {
      const r = build('FROM debian:bookworm AS b\nRUN mkdir -p /out && cd /out && perl -e \'open(F, ">pkg-1.0-py3-none-any.whl"); close F\'\nFROM debian:bookworm\nCOPY --from=b /out/*.whl /tmp/\n', builder);
      assert.deepEqual(failures(r), [], builder);
    }
  });
  test('without a context the wildcard stays unknown', () => {
    assert.deepEqual(failures(build('FROM debian:bookworm\nCOPY dist/*.tar.gz /tmp/w3/\n', 'buildah')), []);
  });
});

describe('several sources into a destination without a trailing slash', () => {
  test('buildah: one wildcard matching two files leaves a file, the last by name (owner and mode kept)', () => {
    const r = build(`${STAGE}COPY --from=b /out/*.whl /tmp/wheels\n`, 'buildah');
    assert.deepEqual(failures(r), []);
    assert.equal(meta(r, '/tmp/wheels'), 'file 1000:1000 640');
    assert.equal(meta(r, '/tmp/wheels/a.whl'), 'missing');
  });
  test('buildah: from the context, the last match with the context mode, owned by root', () => {
    const r = build('FROM debian:bookworm\nCOPY dist/*.whl /tmp/wheels\n', 'buildah', context);
    assert.equal(meta(r, '/tmp/wheels'), 'file 0:0 600');
  });
  test('buildah: several named sources make a folder', () => {
    const r = build(`${STAGE}COPY --from=b /out/b.whl /out/a.whl /tmp/explicit\n`, 'buildah');
    assert.equal(meta(r, '/tmp/explicit'), 'dir 0:0 755');
    assert.equal(meta(r, '/tmp/explicit/b.whl'), 'file 1000:1000 640');
    assert.equal(meta(r, '/tmp/explicit/a.whl'), 'file 0:0 644');
    const c = build('FROM debian:bookworm\nCOPY dist/a.whl dist/b.whl /tmp/explicit\n', 'buildah', context);
    assert.equal(meta(c, '/tmp/explicit/b.whl'), 'file 0:0 600');
  });
  test('buildah: two wildcards make a folder', () => {
    const r = build(`${STAGE}COPY --from=b /out/b*.whl /out/a*.whl /tmp/two\n`, 'buildah');
    assert.equal(meta(r, '/tmp/two/b.whl'), 'file 1000:1000 640');
  });
  test('every builder: a wildcard matching one file copies it to the name given', () => {
    for (const builder of ['buildah', 'classic', 'buildkit'] as const) {
      const r = build(`${STAGE}COPY --from=b /out/a*.whl /tmp/one\n`, builder);
      assert.equal(meta(r, '/tmp/one'), 'file 0:0 644', builder);
    }
  });
  test('BuildKit: each source overwrites the last, named ones in their order', () => {
    const r = build(`${STAGE}COPY --from=b /out/*.whl /tmp/wheels\nCOPY --from=b /out/b.whl /out/a.whl /tmp/explicit\n`, 'buildkit');
    assert.deepEqual(failures(r), []);
    assert.equal(meta(r, '/tmp/wheels'), 'file 1000:1000 640');
    assert.equal(meta(r, '/tmp/explicit'), 'file 0:0 644');
  });
  test('BuildKit and buildah: `.` is the working folder', () => {
    for (const builder of ['buildah', 'buildkit'] as const) {
      const r = build('FROM debian:bookworm\nWORKDIR /w\nCOPY dist/*.whl .\n', builder, context);
      assert.equal(meta(r, '/w/a.whl'), 'file 0:0 644', builder);
      assert.equal(meta(r, '/w/b.whl'), 'file 0:0 600', builder);
    }
  });
  test('the classic builder refuses more than one, `.` included, but not one match', () => {
    const words = 'When using COPY with more than one source file, the destination must be a directory and end with a /';
    assert.deepEqual(failures(build(`${STAGE}COPY --from=b /out/*.whl /tmp/wheels\n`, 'classic')), [[4, words]]);
    assert.deepEqual(failures(build('FROM debian:bookworm\nCOPY dist/a.whl dist/b.whl /tmp/x\n', 'classic', context)), [[2, words]]);
    assert.deepEqual(failures(build('FROM debian:bookworm\nWORKDIR /w\nCOPY dist/*.whl .\n', 'classic', context)), [[3, words]]);
    assert.deepEqual(failures(build('FROM debian:bookworm\nCOPY dist/*.whl /tmp/x/\n', 'classic', context)), []);
    assert.deepEqual(failures(build('FROM debian:bookworm\nCOPY dist/a*.whl dist/*.tar.gz /tmp/x\n', 'classic', context)), []);
  });
  test('into a folder that is there, every builder puts each source inside it', () => {
    for (const builder of ['buildah', 'classic', 'buildkit'] as const) {
      const r = build(`${STAGE}RUN mkdir /tmp/wheels\nCOPY --from=b /out/*.whl /tmp/wheels\n`, builder);
      assert.deepEqual(failures(r), builder === 'classic' ? [[5, 'When using COPY with more than one source file, the destination must be a directory and end with a /']] : [], builder);
      if (builder !== 'classic') assert.equal(meta(r, '/tmp/wheels/b.whl'), 'file 1000:1000 640', builder);
    }
  });
});
