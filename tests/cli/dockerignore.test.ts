// .dockerignore as moby's ignorefile and patternmatcher read it, and the context each builder
// sends with it (measured with buildah 1.28: the oracle's dockerignore/ scenarios).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { cleanPath, DockerIgnore, readIgnoreLines } from '../../src/cli/dockerignore.js';
import { contextSources, readBuildContext } from '../../src/cli/context.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { analyze } from '../../src/analyze.js';
import type { Builder } from '../../src/shell/context.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-ignore-');

describe('the lines of a .dockerignore (ignorefile.ReadAll)', () => {
  test('comments in the first column, blanks, spaces, a leading slash, ./ and .. folded, CRLF', () => {
    const text = '\uFEFF# comment\n  # not a comment\n\n  /build/  \r\n! /inverted/abs/path\n./a/../b//c/\n!\n';
    assert.deepEqual(readIgnoreLines(text), ['# not a comment', 'build', '!inverted/abs/path', 'b/c', '!']);
  });
  test('filepath.Clean', () => {
    assert.deepEqual(['', '.', 'a//b/', '../x', '/..', 'a/./b/..'].map(cleanPath), ['.', '.', 'a/b', '../x', '/', 'a']);
  });
});

describe('patternmatcher: later lines win, folders above count, ** spans folders', () => {
  const excluded = (lines: string[], path: string, builder: Builder = 'buildah') => new DockerIgnore(lines, builder).matchPath(path).excluded;
  const cases: [string, string[], string, boolean][] = [
    ['a name excludes the path', ['scripts'], 'scripts', true],
    ['and everything below it', ['scripts'], 'scripts/sub/deep.sh', true],
    ['* stays within one part', ['*.md'], 'docs/readme.md', false],
    ['* at the top excludes every top entry and so all below', ['*'], 'scripts/entry.sh', true],
    ['! brings back a file below an excluded folder', ['*', '!scripts/entry.sh'], 'scripts/entry.sh', false],
    ['and leaves its neighbours out', ['*', '!scripts/entry.sh'], 'scripts/other.txt', true],
    ['! of a folder brings back what is in it', ['*', '!src'], 'src/a.py', false],
    ['a later exclusion wins again', ['*', '!src', 'src/*.pyc'], 'src/a.pyc', true],
    ['!scripts/*.sh', ['*', '!scripts/*.sh'], 'scripts/entry.sh', false],
    ['!scripts/*.sh is one level', ['*', '!scripts/*.sh'], 'scripts/sub/deep.sh', true],
    ['!**/*.sh at any depth', ['*', '!**/*.sh'], 'scripts/sub/deep.sh', false],
    ['**/x also matches x at the top', ['**/node_modules'], 'node_modules/a', true],
    ['**/x below', ['**/node_modules'], 'p/q/node_modules/x/y', true],
    ['a leading ** is a suffix match', ['**.log'], 'deep/app.log', true],
    ['a trailing ** after plain text is a prefix', ['src/**'], 'src/a.py', true],
    ['which does not match the folder itself', ['src/**'], 'src', false],
    ['? is one character', ['file?.txt'], 'file1.txt', true],
    ['[...] is a class', ['[ab].txt'], 'c.txt', false],
    ['. + ( ) are plain characters', ['a+(b).txt'], 'a+(b).txt', true],
    ['a folder with a ! line for something inside still matches itself', ['scripts', '!scripts/entry.sh'], 'scripts', true],
    ['an exception found through a folder above (MatchesOrParentMatches)', ['p/q/x/y', '!p/q'], 'p/q/x/y', false],
  ];
  for (const [name, lines, path, want] of cases) test(name, () => assert.equal(excluded(lines, path), want));

  test('BuildKit carries each pattern\'s match from the folder: one that did not apply there is tried on the entry alone', () => {
    // At p/q the exception !p/q was not tried (nothing was excluded yet); at p/q/x/y it is tried
    // on p/q/x/y alone, which it does not match.
    assert.equal(excluded(['p/q/x/y', '!p/q'], 'p/q/x/y', 'buildkit'), true);
    assert.equal(excluded(['*', '!**/x'], 'p/q/x/y', 'buildkit'), false);
  });
});

describe('which excluded folders each builder still opens', () => {
  const opens = (lines: string[], dir: string, builder: Builder) => new DockerIgnore(lines, builder).opens(dir);
  const cases: [string[], string, Builder, boolean][] = [
    [['*'], 'scripts', 'buildah', false],
    [['*', '!scripts/entry.sh'], 'scripts', 'buildah', true],
    [['*', '!scripts/entry.sh'], 'scripts/sub', 'buildah', false],
    [['*', '!scripts/*.sh'], 'scripts', 'buildah', true],
    [['*', '!**/*.sh'], 'scripts', 'buildah', false],
    [['*', '!**/*.sh'], 'scripts', 'buildkit', true],
    [['*', '!p/**/y'], 'p', 'classic', true],
    [['*', '!p/**/y'], 'p/q', 'classic', false],
    [['*', '!p/**/y'], 'p/q', 'buildkit', true],
    [['*', '!src/**'], 'src', 'buildkit', true],
  ];
  for (const [lines, dir, builder, want] of cases) {
    test(`${builder}: ${lines.join(' ')} opens ${dir}: ${want}`, () => assert.equal(opens(lines, dir, builder), want));
  }
});

describe('the context sent with a .dockerignore', () => {
  const project = (ignore: string) => tempDir({
    '.dockerignore': ignore,
    'Dockerfile': 'FROM debian:bookworm\n',
    'readme.md': 'r\n',
    'src/a.py': 'a\n',
    'scripts/entry.sh': '#!/bin/sh\n',
    'scripts/other.txt': 'o\n',
    'scripts/sub/deep.sh': '#!/bin/sh\n',
  });
  const sent = (ignore: string, builder: Builder) => [...readBuildContext(project(ignore), undefined, 'all', builder).tree.keys()].sort();

  test('* with !src and !scripts/entry.sh: the folder of a brought-back file is sent too (buildah: measured)', () => {
    assert.deepEqual(sent('*\n!src\n!scripts/entry.sh\n', 'buildah'), ['/', '/scripts', '/scripts/entry.sh', '/src', '/src/a.py']);
  });
  test('* with !scripts/*.sh (buildah: measured)', () => {
    assert.deepEqual(sent('*\n!scripts/*.sh\n', 'buildah'), ['/', '/scripts', '/scripts/entry.sh']);
  });
  test('* with !**/*.sh: buildah opens no folder (measured), BuildKit opens them all', () => {
    assert.deepEqual(sent('*\n!**/*.sh\n', 'buildah'), ['/']);
    assert.deepEqual(sent('*\n!**/*.sh\n', 'buildkit'), ['/', '/scripts', '/scripts/entry.sh', '/scripts/sub', '/scripts/sub/deep.sh']);
  });
  test('scripts with !scripts/entry.sh (buildah: measured)', () => {
    assert.deepEqual(sent('scripts\n!scripts/entry.sh\n', 'buildah'),
      ['/', '/.dockerignore', '/Dockerfile', '/readme.md', '/scripts', '/scripts/entry.sh', '/src', '/src/a.py']);
  });
  test('the folder kept for a brought-back file: 0755 for buildah (measured), its own mode for BuildKit', () => {
    const dir = project('*\n!scripts/entry.sh\n');
    chmodSync(join(dir, 'scripts'), 0o700);
    assert.equal(readBuildContext(dir, undefined, 'all', 'buildah').tree.get('/scripts')?.mode, 0o755);
    assert.equal(readBuildContext(dir, undefined, 'all', 'buildkit').tree.get('/scripts')?.mode, 0o700);
  });

  const build = (ignore: string, body: string, builder: Builder) => {
    const dir = project(ignore);
    const text = `FROM debian:bookworm\n${body}\n`;
    const { tree, ignored } = readBuildContext(dir, undefined, contextSources(parseDockerfile(text)), builder);
    const contextIgnored = ignored.length > 0 ? { dir, paths: ignored } : undefined;
    // The context folder is a temporary one: written DIR in the messages.
    return analyze({ file: 'Dockerfile', text, context: tree, contextIgnored, builder }).sim.failures.map((f) => [f.line, f.message.split(dir).join('DIR')]);
  };
  const copyEntry = 'COPY src /app/src\nCOPY scripts/entry.sh /entry.sh';
  for (const ignore of ['*\n!src\n!scripts/entry.sh\n', '*\n!src\n!scripts/*.sh\n', '*\n!src\n!**/*.sh\n', 'scripts\n!scripts/entry.sh\n']) {
    for (const builder of ['buildah', 'buildkit'] as Builder[]) {
      test(`${builder}: COPY of a brought-back file builds with ${JSON.stringify(ignore)}`, () => assert.deepEqual(build(ignore, copyEntry, builder), []));
    }
  }
  test('without the ! line the file is left out and the COPY fails, in buildah 1.28\'s glob words (measured: dockerignore/folder-left-out)', () => {
    assert.deepEqual(build('*\n!src\n', copyEntry, 'buildah'), [[3, 'no items matching glob "DIR/scripts/entry.sh" copied (1 filtered out using DIR/.dockerignore): no such file or directory']]);
  });
  test('buildah: a file in an excluded folder is named with the context and the .dockerignore (measured: dockerignore/file-left-out-worded); a file simply missing keeps copier\'s stat', () => {
    assert.deepEqual(build('src\n', 'COPY src/a.py /a.py\nCOPY nothing.txt /n', 'buildah'), [
      [2, 'no items matching glob "DIR/src/a.py" copied (1 filtered out using DIR/.dockerignore): no such file or directory'],
      [3, 'checking on sources: copier: stat: "/nothing.txt": no such file or directory'],
    ]);
    // BuildKit has one message for both.
    assert.deepEqual(build('src\n', 'COPY src/a.py /a.py', 'buildkit'), [[2, 'failed to compute cache key: failed to calculate checksum of ref: "/src/a.py": not found']]);
  });
  test('buildah: a named folder that is itself left out fails even when a ! line reaches inside (measured)', () => {
    assert.deepEqual(build('*\n!**/*.sh\n', 'COPY scripts /s', 'buildah'), [[2, 'no items matching glob "DIR/scripts" copied (1 filtered out using DIR/.dockerignore): no such file or directory']]);
    assert.deepEqual(build('*\n!**/*.sh\n', 'COPY scripts /s', 'buildkit'), []);
  });
});

describe('buildah: a named source in a folder its walk keeps closed', () => {
  test('COPY scripts/entry.sh finds it, COPY . /c does not send it (measured: dockerignore/star-then-doublestar)', () => {
    const dir = tempDir({ '.dockerignore': '*\n!**/*.sh\n', 'scripts/entry.sh': '#!/bin/sh\n', 'top.sh': '#!/bin/sh\n' });
    const text = 'FROM debian:bookworm\nCOPY scripts/entry.sh /entry.sh\nRUN mkdir /c\nCOPY . /c\n';
    const df = parseDockerfile(text);
    const tree = readBuildContext(dir, undefined, contextSources(df), 'buildah', ['scripts/entry.sh']).tree;
    assert.deepEqual([...tree].map(([p, m]) => [p, m.unwalked ?? false, m.partial ?? false]).sort(),
      [['/', false, false], ['/scripts', true, true], ['/scripts/entry.sh', true, false], ['/top.sh', false, false]]);
    const a = analyze({ file: 'Dockerfile', text, context: tree, builder: 'buildah' });
    assert.deepEqual(a.sim.failures, []);
    assert.deepEqual(['/entry.sh', '/c/top.sh', '/c/scripts', '/c/scripts/entry.sh'].map((p) => a.image.fs.get(p)?.kind ?? 'missing'),
      ['file', 'file', 'missing', 'missing']);
    assert.equal(a.image.fs.get('/entry.sh')?.unwalked, undefined);
  });
});

describe('uidctl check --builder buildah: a source .dockerignore leaves out', () => {
  test('the build failure has buildah 1.28\'s words, with the context folder (measured: dockerignore/file-left-out-worded)', async () => {
    const { main } = await import('../../src/cli/main.js');
    const { memoryIo } = await import('../../src/cli/io.js');
    const dir = tempDir({ '.dockerignore': 'models\n', 'models/w.bin': 'w\n', Dockerfile: 'FROM debian:bookworm\nCOPY models/w.bin /models/w.bin\n' });
    const io = memoryIo({ PATH: '/usr/bin:/bin', HOME: '/root' }, dir);
    await main(['check', '--builder', 'buildah', '--format', 'json', 'Dockerfile'], io);
    const doc = JSON.parse(io.stdout) as { results: { build: { failures: { line: number; message: string }[] } }[] };
    assert.deepEqual(doc.results[0].build.failures.map((f) => [f.line, f.message]), [
      [2, `no items matching glob "${dir}/models/w.bin" copied (1 filtered out using ${dir}/.dockerignore): no such file or directory`],
    ]);
  });
});
