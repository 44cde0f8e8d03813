// Only the parts of the build context that COPY, ADD and RUN bind mounts name are read (BuildKit
// sends no more); '.', a top-level wildcard, a bind without source= or a variable mean all of it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextSources, readBuildContext } from '../../src/cli/context.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { analyze } from '../../src/analyze.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-roots-');
const sources = (body: string) => contextSources(parseDockerfile(`FROM debian:bookworm\n${body}\n`));

describe('contextSources: what COPY, ADD and RUN --mount=type=bind can read', () => {
  const cases: [string, string, string[] | 'all'][] = [
    ['no COPY reads nothing', 'RUN true', []],
    ['a file', 'COPY requirements.txt /app/', ['requirements.txt']],
    ['several sources, ./ and a leading slash', 'COPY ./a.txt /b/c.sh /dest/', ['a.txt', 'b/c.sh']],
    ['a folder', 'COPY --chown=1000:1000 src/ /app/src/', ['src']],
    ['a wildcard reads its folder', 'COPY scripts/*.sh /usr/local/bin/', ['scripts']],
    ['a wildcard at the top reads everything', 'COPY *.txt /app/', 'all'],
    ['the whole context', 'COPY . /app', 'all'],
    ['a variable is only known during the build', 'ARG F=a.txt\nCOPY ${F} /app/', 'all'],
    ['.. cannot leave the context', 'COPY x/../y.txt /app/', ['y.txt']],
    ['exec form', 'COPY ["with space.txt", "/app/"]', ['with space.txt']],
    ['another stage is not the context', 'COPY --from=builder /out /app', []],
    ['ADD of a URL is not the context', 'ADD https://example.invalid/a.tgz /tmp/', []],
    ['a heredoc is not the context', 'COPY <<EOF /etc/motd\nhello\nEOF', []],
    ['sources are sorted and unique', 'COPY b /x/\nADD a b /y/', ['a', 'b']],
    ['a RUN bind mount\'s source', 'RUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt pip install -r /tmp/r.txt', ['requirements.txt']],
    ['a bind without source= shows the whole context', 'RUN --mount=target=/src make -C /src', 'all'],
    ['a bind from a stage, a cache, a secret are not the context',
      'RUN --mount=type=bind,from=b,target=/x --mount=type=cache,target=/c --mount=type=secret,id=t true', []],
  ];
  for (const [name, body, want] of cases) {
    test(name, () => assert.deepEqual(sources(body), want));
  }
});

describe('readBuildContext with sources', () => {
  const project = () =>
    tempDir({
      'requirements.txt': 'numpy\n',
      'scripts/run.sh': '#!/bin/sh\n',
      'scripts/lib/x.py': 'print(1)\n',
      'data/big/0.bin': 'x',
      'data/big/1.bin': 'x',
    });

  test('only the named sources and the folders on the way are read', () => {
    const dir = project();
    const { tree, unreadable } = readBuildContext(dir, undefined, ['requirements.txt', 'scripts']);
    assert.deepEqual([...tree.keys()].sort(), ['/', '/requirements.txt', '/scripts', '/scripts/lib', '/scripts/lib/x.py', '/scripts/run.sh']);
    // Only named sources are looked up: an absent one is absent, so no folder is partial.
    assert.equal(tree.get('/')?.partial, undefined);
    assert.equal(tree.get('/scripts/run.sh')?.script, true);
    assert.deepEqual(unreadable, []);
  });

  test('a nested source reads its parents without their listings, and a missing one is absent', () => {
    const dir = project();
    const { tree } = readBuildContext(dir, undefined, ['missing.txt', 'scripts/lib/x.py']);
    assert.deepEqual([...tree.keys()].sort(), ['/', '/scripts', '/scripts/lib', '/scripts/lib/x.py']);
    assert.deepEqual(['/', '/scripts', '/scripts/lib'].map((p) => tree.get(p)?.partial), [undefined, undefined, undefined]);
  });

  test('a source that is a symlink makes it read everything (COPY follows it)', () => {
    const dir = project();
    symlinkSync('requirements.txt', join(dir, 'req'));
    const { tree } = readBuildContext(dir, undefined, ['req']);
    assert.equal(tree.get('/req')?.kind, 'symlink');
    assert.equal(tree.get('/requirements.txt')?.kind, 'file');
  });

  test('a source missing from the context, or .dockerignored, fails the COPY', () => {
    const dir = project();
    writeFileSync(join(dir, '.dockerignore'), 'scripts/lib\n');
    for (const [src, path] of [['nothere', '/nothere'], ['scripts/lib/x.py', '/scripts/lib/x.py']]) {
      const text = `FROM debian:bookworm\nCOPY ${src} /opt/\n`;
      const tree = readBuildContext(dir, undefined, contextSources(parseDockerfile(text))).tree;
      const a = analyze({ file: 'Dockerfile', text, context: tree });
      assert.deepEqual(a.sim.failures.map((f) => [f.line, f.message]), [[2, `failed to compute cache key: failed to calculate checksum of ref: "${path}": not found`]]);
    }
  });

  test('a symlinked folder on the way makes it read everything', () => {
    const dir = project();
    symlinkSync('scripts', join(dir, 'alias'));
    const { tree } = readBuildContext(dir, undefined, ['alias/run.sh']);
    assert.ok(tree.has('/data/big/0.bin'));
    assert.equal(tree.get('/')?.partial, undefined);
  });

  test('an unreadable folder counts only when a source is inside it', () => {
    const dir = project();
    // The walk as a user who may not list or search data/ (root would read it anyway).
    const denied = (p: string) => {
      if (p === join(dir, 'data') || p.startsWith(join(dir, 'data') + '/')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    };
    const fs = {
      readdir: (p: string) => (denied(p), readdirSync(p)),
      lstat: (p: string) => (p.startsWith(join(dir, 'data') + '/') && denied(p), lstatSync(p)),
      readlink: (p: string) => readlinkSync(p),
    };
    assert.deepEqual(readBuildContext(dir, fs, ['scripts']).unreadable, []);
    assert.deepEqual(readBuildContext(dir, fs, ['data/big']).unreadable, [{ path: 'data', code: 'EACCES' }]);
    assert.deepEqual(readBuildContext(dir, fs).unreadable, [{ path: 'data', code: 'EACCES' }]);
  });

  test('the analysis of a COPY is the same as with the whole context read', () => {
    const dir = project();
    const text = 'FROM debian:bookworm\nCOPY --chmod=0750 scripts /opt/scripts\nCOPY requirements.txt /opt/\nRUN useradd -m app\nUSER app\n';
    const roots = contextSources(parseDockerfile(text));
    const some = analyze({ file: 'Dockerfile', text, context: readBuildContext(dir, undefined, roots).tree, paths: ['/opt/scripts/run.sh'] });
    const all = analyze({ file: 'Dockerfile', text, context: readBuildContext(dir).tree, paths: ['/opt/scripts/run.sh'] });
    const pick = (a: typeof some) => [...a.image.fs].filter(([p]) => p.startsWith('/opt'));
    assert.deepEqual(pick(some), pick(all));
    assert.deepEqual(some.verdicts, all.verdicts);
    assert.deepEqual(some.findings, all.findings);
  });
});
