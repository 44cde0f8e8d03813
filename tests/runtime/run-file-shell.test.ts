// The shell idioms of run files that set the variables the run line uses: ${VAR:=default},
// if/test over known variables, source FILE. What is not followed or cannot be decided is said
// as an assumption, never claimed unset "as in a shell".

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerRun, type RunParseOptions } from '../../src/runtime/docker.js';
import { RunParseError } from '../../src/runtime/errors.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj', name: 'me' };

function parse(text: string, more: Partial<RunParseOptions> = {}) {
  return parseDockerRun(text, { invoker, file: 'run.sh', shell: 'bash', ...more });
}

function failure(text: string, more: Partial<RunParseOptions> = {}): string {
  try {
    parse(text, more);
  } catch (e) {
    assert.ok(e instanceof RunParseError, String(e));
    return `${e.file}:${e.line}: ${e.detail}`;
  }
  return 'no error';
}

const ids = (r: { assumptions?: { id: string }[] }) => (r.assumptions ?? []).map((a) => a.id);

describe('${VAR:=default} and ${VAR=default} assign', () => {
  test('as the argument of `:`, for the run line after it', () => {
    const r = parse('#!/bin/bash\nset -euo pipefail\n: "${OUT:=/data/out}"\ndocker run -v "${OUT}:/app/data" img\n');
    assert.deepEqual(r.mounts.map((m) => [m.source, m.target]), [['/data/out', '/app/data']]);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(ids(r), []);
  });

  test('inside the run line, for its later words', () => {
    const r = parse('docker run -v "${OUT:=/data/out}:/app/data" -e "X=$OUT" img\n');
    assert.equal(r.env.X, '/data/out');
    assert.deepEqual(r.warnings, []);
  });

  test('${VAR=x} keeps an empty value, ${VAR:=x} replaces it; a set variable is kept', () => {
    assert.equal(parse('OUT=\n: ${OUT=/x}\ndocker run -e "A=$OUT" img\n').env.A, '');
    assert.equal(parse('OUT=\n: ${OUT:=/x}\ndocker run -e "A=$OUT" img\n').env.A, '/x');
    assert.equal(parse(': ${OUT:=/x}\ndocker run -e "A=$OUT" img\n', { env: { OUT: '/env' } }).env.A, '/env');
  });
});

describe('if, [ ], test and [[ ]] over known variables', () => {
  test('[ -z "$OUT" ] with $OUT unset: the branch is taken, and an assumption says on what', () => {
    const r = parse('#!/bin/bash\nif [ -z "$OUT" ]; then OUT=/data/out; fi\ndocker run -v "$OUT:/app/data" img\n');
    assert.equal(r.mounts[0].source, '/data/out');
    const a = (r.assumptions ?? []).find((x) => x.id === 'run-condition:2');
    assert.equal(a?.text, '`[ -z "$OUT" ]` on line 2 is taken as true: $OUT is not set in the environment uidctl runs in');
    assert.equal(a?.line, 2);
  });

  test('with $OUT in the environment the branch is not taken, and nothing is assumed', () => {
    const r = parse('if [ -z "$OUT" ]; then OUT=/data/out; fi\ndocker run -v "$OUT:/app/data" img\n', { env: { OUT: '/env' } });
    assert.equal(r.mounts[0].source, '/env');
    assert.deepEqual(ids(r), []);
  });

  test('else, elif, test, [ -n ], = and !=, integers, !, && and ||', () => {
    const src = (cond: string) => parse(`MODE=gpu\nN=2\nif ${cond}; then D=/yes; else D=/no; fi\ndocker run -v "$D:/d" img\n`).mounts[0].source;
    assert.equal(src('[ "$MODE" = gpu ]'), '/yes');
    assert.equal(src('[ "$MODE" != gpu ]'), '/no');
    assert.equal(src('test -n "$MODE"'), '/yes');
    assert.equal(src('[ "$N" -gt 1 ]'), '/yes');
    assert.equal(src('[ ! "$N" -eq 2 ]'), '/no');
    assert.equal(src('[[ $MODE == cpu ]]'), '/no');
    assert.equal(parse('MODE=x\nif [ "$MODE" = a ]; then D=/a; elif [ "$MODE" = x ]; then D=/x; fi\ndocker run -v "$D:/d" img\n').mounts[0].source, '/x');
    assert.equal(parse('[ -n "$OUT" ] || OUT=/dflt\ndocker run -v "$OUT:/d" img\n').mounts[0].source, '/dflt');
    assert.equal(parse('[ -z "$OUT" ] && OUT=/dflt\ndocker run -v "$OUT:/d" img\n').mounts[0].source, '/dflt');
  });

  test('a condition that cannot be decided: the variable is not known, and the error says so without "as in a shell"', () => {
    const text = '#!/bin/bash\nif [ -f .env ]; then OUT=/data/out; fi\ndocker run -v "$OUT:/app/data" img\n';
    assert.equal(failure(text), "run.sh:3: invalid volume specification: ':/app/data' ($OUT is set in `if [ -f .env ]` on line 2, which uidctl cannot decide; it was read as empty)");
    assert.ok(!failure(text).includes('as in a shell'));
  });

  test('a variable every branch sets alike is known; one used with a default is read with the default and said to rest on the branch', () => {
    assert.equal(parse('if [ -f .env ]; then OUT=/o; else OUT=/o; fi\ndocker run -v "$OUT:/d" img\n').mounts[0].source, '/o');
    const r = parse('if [ -f .env ]; then OUT=/o; fi\ndocker run -v "${OUT:-/dflt}:/d" img\n');
    assert.equal(r.mounts[0].source, '/dflt');
    const a = (r.assumptions ?? []).find((x) => x.id === 'run-variable:OUT');
    assert.equal(a?.confidence, 'low');
    assert.match(a?.text ?? '', /^\$OUT is set in `if \[ -f \.env \]` on line 1, which uidctl cannot decide: the run line is read with it empty/);
    assert.deepEqual(r.warnings, ['$OUT is set in `if [ -f .env ]` on line 1, which uidctl cannot decide: the run line is read with it empty']);
  });

  test('a run command inside a branch not decided is checked, with an assumption', () => {
    const r = parse('if command -v nvidia-smi >/dev/null; then\n  docker run --gpus all img\nelse\n  docker run img\nfi\n');
    assert.deepEqual(r.options?.gpus, ['all']);
    assert.equal(r.note, 'run.sh holds 2 run commands (lines 2, 4); checking the first, line 2');
    const a = (r.assumptions ?? []).find((x) => x.id === 'run-branch:2');
    assert.equal(a?.text, 'the run command on line 2 is inside `if command -v nvidia-smi` on line 1, which uidctl cannot decide: it is checked as if that part of the script runs');
  });

  test('a loop variable and a function\'s arguments are not known, not unset', () => {
    assert.equal(failure('for d in a b; do OUT=/x/$d; done\ndocker run -v "$OUT:/d" img\n'), "run.sh:2: invalid volume specification: ':/d' ($OUT is set in the for loop on line 1, which uidctl cannot decide; it was read as empty)");
    const r = parse('setup() { OUT=$1; }\nsetup /data\ndocker run -v "${OUT:-/tmp}:/d" img\n');
    assert.deepEqual(ids(r), ['run-variable:OUT']);
  });

  test('exit on a decided path stops the script before the run command: said with the condition', () => {
    assert.equal(failure('[ -z "$OUT" ] && { echo need OUT; exit 1; }\ndocker run -v "$OUT:/d" img\n'),
      'run.sh:1: the script stops at `exit` on line 1, before any "docker run", "podman run" or "nerdctl run" command (`[ -z "$OUT" ]` on line 1 is taken as true: $OUT is not set in the environment uidctl runs in)');
    // On a path not decided, it only leaves that path out.
    assert.equal(parse('if [ -f x ]; then exit 1; fi\ndocker run img\n').image, 'img');
  });
});

describe('source FILE and . FILE', () => {
  const files: Record<string, string> = { './vars.sh': 'OUT=/data/out\nexport MODE=gpu\n', 'inner.sh': '. ./vars.sh\nX=inner\n' };
  const readSourceFile = (p: string) => (Object.hasOwn(files, p) ? { text: files[p], path: p } : undefined);

  test('the sourced file\'s assignments are the shell\'s', () => {
    for (const cmd of ['source ./vars.sh', '. ./vars.sh', 'source inner.sh']) {
      const r = parse(`#!/bin/bash\n${cmd}\ndocker run -v "$OUT:/app/data" -e "M=$MODE" img\n`, { readSourceFile });
      assert.equal(r.mounts[0].source, '/data/out', cmd);
      assert.equal(r.env.M, 'gpu', cmd);
      assert.deepEqual(r.warnings, [], cmd);
    }
  });

  test('a missing sourced file is an input error naming it, at the source line', () => {
    assert.equal(failure('#!/bin/bash\nsource ./nope.sh\ndocker run img\n', { readSourceFile }),
      'run.sh:2: ./nope.sh: no such file, sourced on line 2 (looked for from the folder uidctl runs in, and next to the run file)');
  });

  test('one read from beside the run file is an assumption; an error in it names that file', () => {
    const r = parse('. ./v.sh\ndocker run -v "$OUT:/d" img\n', { readSourceFile: () => ({ text: 'OUT=/o\n', path: 'sub/v.sh', besideRunFile: true }) });
    assert.equal(r.mounts[0].source, '/o');
    assert.deepEqual(ids(r), ['run-source:./v.sh']);
    assert.equal(failure('. ./v.sh\ndocker run img\n', { readSourceFile: () => ({ text: 'if then\n', path: 'sub/v.sh' }) }).split(': shell syntax')[0], 'sub/v.sh:1');
  });

  test('a file sourcing itself stops, and `return` ends only the sourced file', () => {
    assert.match(failure('. ./loop.sh\ndocker run img\n', { readSourceFile: () => ({ text: '. ./loop.sh\n', path: 'loop.sh' }) }), /sourced files nest deeper than 8/);
    const r = parse('. ./r.sh\ndocker run -e "A=$A" img\n', { readSourceFile: () => ({ text: 'A=1\nreturn\nA=2\n', path: 'r.sh' }) });
    assert.equal(r.env.A, '1');
  });

  test('without a reader (or through eval) the variables it may set are not known, not unset', () => {
    assert.equal(failure('source ./vars.sh\ndocker run -v "$OUT:/d" img\n'),
      "run.sh:2: invalid volume specification: ':/d' (`source ./vars.sh` on line 1 (no reader for sourced files was given) may set $OUT, and uidctl does not follow it; it was read as empty)");
    assert.equal(failure('eval "$(cat vars)"\ndocker run -v "$OUT:/d" img\n'),
      "run.sh:2: invalid volume specification: ':/d' (`eval` on line 1 may set $OUT, and uidctl does not follow it; it was read as empty)");
  });
});

describe('run-file conditions are decided by the shell test builtin\'s own grammar', () => {
  test('-a and -o, ! and ( ) as [ takes them; a file test is not known', async () => {
    const { parseDockerRun } = await import('../../src/runtime/docker.js');
    const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
    const run = (text: string) => parseDockerRun(text, { invoker, env: {}, file: 'run.sh' });
    assert.deepEqual(run('A=1\nif [ "$A" = 1 -a ! -z "$A" ]; then U=1000; else U=0; fi\ndocker run -u "$U" img\n').user, '1000');
    assert.deepEqual(run('A=2\nif [ \\( "$A" = 1 \\) -o "$A" = 2 ]; then U=7; fi\ndocker run -u "$U" img\n').user, '7');
    const unknown = run('if [ -f .env ]; then U=5; fi\ndocker run -u "${U:-1}" img\n');
    assert.ok((unknown.warnings ?? []).some((w) => w.includes('$U')), unknown.warnings.join('\n'));
  });
});

describe('an unquoted empty word in [ ] is no word (field splitting)', () => {
  test('[ -n $X ] with X empty is [ -n ], true; [ -n "$X" ] is false', async () => {
    const { parseDockerRun } = await import('../../src/runtime/docker.js');
    const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
    const run = (text: string) => parseDockerRun(text, { invoker, env: {}, file: 'run.sh' });
    assert.equal(run('X=""\nif [ -n $X ]; then U=1; else U=2; fi\ndocker run -u "$U" img\n').user, '1');
    assert.equal(run('X=""\nif [ -n "$X" ]; then U=1; else U=2; fi\ndocker run -u "$U" img\n').user, '2');
  });
});

describe('cd in a run file', () => {
  const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
  const sources = async (text: string, file = 'scripts/run.sh') => {
    const { parseDockerRun } = await import('../../src/runtime/docker.js');
    const r = parseDockerRun(text, { invoker, env: {}, file });
    return { sources: r.mounts.map((m) => m.source), warnings: r.warnings, assumptions: (r.assumptions ?? []).map((a) => a.id) };
  };
  test('a folder it can tell moves relative paths, $PWD and $(pwd)', async () => {
    assert.deepEqual((await sources('cd /srv/x\ndocker run -v "$PWD/a:/a" -v "$(pwd)/b:/b" -v ./c:/c img\n')).sources, ['/srv/x/a', '/srv/x/b', '/srv/x/c']);
    assert.deepEqual((await sources('cd data && docker run -v "$PWD:/d" img\n')).sources, ['/home/me/proj/data']);
    assert.deepEqual((await sources('cd /srv/x\ncd -\ndocker run -v "$PWD:/d" img\n')).sources, ['/home/me/proj']);
  });
  test('cd "$(dirname "$0")" goes to the run file\'s folder', async () => {
    assert.deepEqual((await sources('cd "$(dirname "$0")"\ndocker run -v "$(pwd)/data:/data" img\n')).sources, ['/home/me/proj/scripts/data']);
  });
  test('a folder it cannot tell is said: a warning and a run-cwd assumption, paths read from the folder before', async () => {
    const r = await sources('cd "$(git rev-parse --show-toplevel)"\ndocker run -v "$PWD/data:/data" img\n');
    assert.deepEqual(r.sources, ['/home/me/proj/data']);
    assert.ok(r.assumptions.includes('run-cwd:1'), r.assumptions.join(' '));
    assert.ok(r.warnings.some((w) => w.includes('changes to a folder uidctl cannot tell')), r.warnings.join('\n'));
  });
});
