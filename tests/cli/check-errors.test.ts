// The command line's answers to bad input: one line naming the file, exit 2, never a stack
// trace; folder runs report each bad file and check the others.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { realInvoker } from '../../src/cli/invoker.js';
import { ContextReadError, readBuildContext, type ContextFs } from '../../src/cli/context.js';
import { contextAssumption, firstContextCopy } from '../../src/cli/check.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { goQuote, referenceError, stageNameError } from '../../src/cli/reference.js';
import { oneLine, UsageError } from '../../src/cli/errors.js';
import { parseBuildArgs } from '../../src/cli/args.js';
import { makeTar, sha256 } from '../archive/helpers.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-cli-');

async function uidctl(args: string[], cwd: string, env: Record<string, string> = {}) {
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(cwd, '.cache'), ...env }, cwd);
  const code = await main(args, io);

  return { code, stdout: io.stdout, stderr: io.stderr };
}

const GOOD = 'FROM debian:bookworm\nRUN useradd -m app\nUSER app\n';

describe('the invoking user', () => {
  const noEntry = { getuid: () => 1001, getgid: () => 1001, passwd: () => { throw Object.assign(new Error('uv_os_get_passwd returned ENOENT'), { code: 'ENOENT' }); } };
  const cases: { name: string; who: Parameters<typeof realInvoker>[1]; env: Record<string, string>; want: object }[] = [
    {
      name: 'a uid with no passwd entry keeps its ids, no name, HOME from the environment',
      who: noEntry,
      env: { HOME: '/tmp' },
      want: { uid: 1001, gid: 1001, home: '/tmp', cwd: '/w' },
    },
    {
      name: 'a uid with an entry gets its name; HOME still wins over the entry',
      who: { getuid: () => 1000, getgid: () => 1000, passwd: () => ({ uid: 1000, gid: 1000, username: 'jo', homedir: '/home/jo' }) },
      env: { HOME: '/elsewhere' },
      want: { uid: 1000, gid: 1000, home: '/elsewhere', cwd: '/w', name: 'jo' },
    },
    {
      name: 'no HOME: the entry gives it',
      who: { getuid: () => 1000, getgid: () => 1000, passwd: () => ({ uid: 1000, gid: 1000, username: 'jo', homedir: '/home/jo' }) },
      env: {},
      want: { uid: 1000, gid: 1000, home: '/home/jo', cwd: '/w', name: 'jo' },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(realInvoker(memoryIo(c.env, '/w'), c.who), c.want);
    });
  }
});

describe('build context folders that cannot be read', () => {
  const denied = (code: string) => Object.assign(new Error(`${code}: scandir`), { code });
  const fakeFs = (fail: Record<string, Error>): ContextFs => {
    const dirsIn: Record<string, string[]> = { '/ctx': ['app.py', 'secret'], '/ctx/secret': ['key'] };
    return {
      readdir: (p) => {
        if (fail[`readdir ${p}`]) throw fail[`readdir ${p}`];
        return dirsIn[p] ?? [];
      },
      lstat: (p) => {
        if (fail[`lstat ${p}`]) throw fail[`lstat ${p}`];
        const dir = p in dirsIn;
        return { mode: dir ? 0o40700 : 0o100644, size: 10, isDirectory: () => dir, isSymbolicLink: () => false, isFile: () => !dir };
      },
      readlink: () => '',
    };
  };

  test('an unreadable folder is kept with unknown contents and listed', () => {
    const ctx = readBuildContext('/ctx', fakeFs({ 'readdir /ctx/secret': denied('EACCES') }));

    assert.deepEqual(ctx.unreadable, [{ path: 'secret', code: 'EACCES' }]);
    assert.deepEqual(ctx.tree.get('/secret'), { kind: 'dir', uid: 0, gid: 0, mode: 0o700, partial: true });
    assert.equal(ctx.tree.get('/app.py')?.kind, 'file');
    assert.equal(ctx.tree.has('/secret/key'), false);
  });

  test('an unreadable context root makes the whole context partial', () => {
    const ctx = readBuildContext('/ctx', fakeFs({ 'readdir /ctx': denied('EPERM') }));

    assert.deepEqual(ctx.unreadable, [{ path: '.', code: 'EPERM' }]);
    assert.equal(ctx.tree.get('/')?.partial, true);
  });

  test('a path that vanishes mid-walk is an input error naming it', () => {
    const fs = fakeFs({ 'lstat /ctx/secret': denied('ENOENT') });

    assert.throws(() => readBuildContext('/ctx', fs), (e: unknown) =>
      e instanceof ContextReadError && e.path === '/ctx/secret' && e.message === 'vanished while the build context was read (ENOENT)');
  });

  test('the assumption names the folders and says what docker build does', () => {
    assert.deepEqual(contextAssumption([{ path: 'secret', code: 'EACCES' }], '/w/ctx', '/w'), {
      id: 'context-unreadable',
      subject: 'the build context ctx',
      text: 'cannot read secret (EACCES) in the build context ctx: their contents are unknown, and docker build fails with "permission denied" if it has to send them',
      confidence: 'low',
    });
    assert.equal(contextAssumption([], '/w', '/w'), undefined);
  });

  test('the assumption is placed at the first COPY or ADD that reads the context', () => {
    const df = parseDockerfile('FROM debian:bookworm AS b\nCOPY --from=x /a /a\nRUN true\nADD secret/ /s/\nCOPY . /app\n');
    assert.equal(firstContextCopy(df), 4);
    assert.equal(firstContextCopy(parseDockerfile('FROM debian:bookworm\nRUN true\n')), undefined);
  });
});

describe('FROM references BuildKit refuses', () => {
  const cases: [string, string, string | undefined][] = [
    ['a NUL byte', 'alpine\0', 'invalid reference format'],
    ['upper case', 'Alpine', 'invalid reference format: repository name (library/Alpine) must be lowercase'],
    ['an empty tag', 'nvidia/cuda:', 'invalid reference format'],
    ['a tag starting with a dash', 'nvidia/cuda:-runtime', 'invalid reference format'],
    ['a bare image id', 'a'.repeat(64), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    ['a short sha256 digest', `alpine@sha256:${'a'.repeat(40)}`, 'invalid checksum digest length'],
    ['a plain name', 'alpine', undefined],
    ['a registry with a port and a tag', 'localhost:5000/team/app:1.2', undefined],
    ['a digest', `python:3.12@sha256:${'0'.repeat(64)}`, undefined],
    ['an upper-case registry host', 'Registry.Example.com/app', undefined],
  ];
  for (const [name, ref, want] of cases) {
    test(name, () => assert.equal(referenceError(ref), want));
  }

  test("the message is BuildKit's, with the name quoted as Go's %q does", () => {
    assert.equal(goQuote('a\0b"\t'), '"a\\x00b\\"\\t"');
    assert.equal(stageNameError('alpine\0'), 'failed to parse stage name "alpine\\x00": invalid reference format');
  });

  test('a NUL in FROM is a one-line error naming file:line, exit 2', async () => {
    const dir = tempDir({ 'nul.Dockerfile': 'FROM alpine\0\nUSER 1\n' });
    const r = await uidctl(['check', 'nul.Dockerfile', '--base-from', 'catalog'], dir);

    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'uidctl check: nul.Dockerfile:1: failed to parse stage name "alpine\\x00": invalid reference format\n');
    assert.equal(r.stdout, '');
  });

  test('a reference built from a variable is left alone (its value may come from CI)', async () => {
    const dir = tempDir({ Dockerfile: 'ARG TAG\nFROM python:${TAG}-slim\nUSER 1000\n' });
    const r = await uidctl(['check', '--base-from', 'catalog', '--fail-on', 'never'], dir);

    assert.equal(r.code, 0);
  });

  test('control characters in an error message are escaped to keep one line', () => {
    assert.equal(oneLine('unknown instruction: \u0017\u0002x\ny'), 'unknown instruction: \\x17\\x02x\\ny');
  });
});

describe('--base-archive', () => {
  test('a missing archive is an input error naming it', async () => {
    const dir = tempDir({ Dockerfile: GOOD });
    const r = await uidctl(['check', '--base-archive', 'nosuch.tar'], dir);

    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'uidctl check: nosuch.tar: no such image archive\n');
  });

  test('a file that is not an image archive is an input error naming it, not a catalog fallback', async () => {
    const dir = tempDir({ Dockerfile: GOOD, 'notes.tar': 'hello, not a tar at all\n' });
    const r = await uidctl(['check', '--base-archive', 'notes.tar', '--no-cache'], dir);

    assert.equal(r.code, 2);
    assert.match(r.stderr, /^uidctl check: notes\.tar: not a usable image archive for FROM debian:bookworm \(docker save or OCI\): [^\n]+\n$/);
  });

  test('REF=FILE whose REF matches no FROM is said on one stderr line', async () => {
    const dir = tempDir({ Dockerfile: GOOD, 'other.tar': 'never read' });
    const r = await uidctl(['check', '--base-archive', 'other:2=other.tar', '--fail-on', 'never', '--format', 'json'], dir);

    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'uidctl: warning: --base-archive other:2=other.tar: no FROM names other:2; it was not used\n');
    assert.equal(JSON.parse(r.stdout).results[0].bases[0].source, 'catalog');
  });

  test('REF=FILE matches the FROM written in another form (docker.io/library/...)', async () => {
    const dir = tempDir({ Dockerfile: 'FROM docker.io/library/debian:bookworm\n', 'x.tar': 'never read' });
    const r = await uidctl(['check', '--base-archive', 'debian:bookworm=x.tar', '--no-cache'], dir);

    assert.equal(r.code, 2);
    assert.match(r.stderr, /^uidctl check: x\.tar: not a usable image archive for FROM docker\.io\/library\/debian:bookworm/);
  });
});

describe('a folder with bad files', () => {
  const files = {
    'bad/a-good.Dockerfile': GOOD,
    'bad/b-unknown.Dockerfile': 'FROM debian:bookworm\nFOO bar\n',
    'bad/c-nul.Dockerfile': 'FROM alpine\0\n',
    'bad/d-root.Dockerfile': 'FROM debian:bookworm\nUSER root\n',
  };

  test('each bad file is one stderr line; the others are checked; exit 2 wins', async () => {
    const dir = tempDir(files);
    const r = await uidctl(['check', 'bad', '--base-from', 'catalog', '--format', 'json'], dir);

    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'uidctl check: bad/b-unknown.Dockerfile:2: unknown instruction: FOO\n' +
        'uidctl check: bad/c-nul.Dockerfile:1: failed to parse stage name "alpine\\x00": invalid reference format\n',
    );
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schemaVersion, 1);
    assert.deepEqual(doc.results.map((x: { file: string }) => x.file), ['bad/a-good.Dockerfile', 'bad/d-root.Dockerfile']);
    assert.deepEqual(doc.errors, [
      { file: 'bad/b-unknown.Dockerfile', line: 2, message: 'unknown instruction: FOO' },
      { file: 'bad/c-nul.Dockerfile', line: 1, message: 'failed to parse stage name "alpine\\x00": invalid reference format' },
    ]);
    assert.deepEqual(Object.keys(doc), ['schemaVersion', 'tool', 'results', 'errors', 'summary']);
  });

  test('SARIF gets a failed invocation with one notification per bad file', async () => {
    const dir = tempDir(files);
    const r = await uidctl(['check', 'bad', '--base-from', 'catalog', '--format', 'sarif'], dir);

    assert.equal(r.code, 2);
    const inv = JSON.parse(r.stdout).runs[0].invocations;
    assert.equal(inv[0].executionSuccessful, false);
    assert.deepEqual(inv[0].toolExecutionNotifications[0], {
      level: 'error',
      message: { text: 'unknown instruction: FOO' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'bad/b-unknown.Dockerfile', uriBaseId: '%SRCROOT%' }, region: { startLine: 2 } } }],
    });
  });

  test('a clean run has an empty errors array and no SARIF invocation', async () => {
    const dir = tempDir({ 'ok/Dockerfile': GOOD });
    const json = await uidctl(['check', 'ok', '--base-from', 'catalog', '--format', 'json'], dir);
    const sarif = await uidctl(['check', 'ok', '--base-from', 'catalog', '--format', 'sarif'], dir);

    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout).errors, []);
    assert.equal(JSON.parse(sarif.stdout).runs[0].invocations, undefined);
  });

  test('one bad file given alone: one line, exit 2, no report', async () => {
    const dir = tempDir(files);
    const r = await uidctl(['check', 'bad/b-unknown.Dockerfile', '--base-from', 'catalog'], dir);

    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'uidctl check: bad/b-unknown.Dockerfile:2: unknown instruction: FOO\n');
    assert.equal(r.stdout, '');
  });
});

describe('files BuildKit refuses before any step runs: exit 2 with file:line', () => {
  const cases: { name: string; text: string; want: string }[] = [
    {
      name: 'FROM ${BASE} with BASE unset is refused, not built from scratch',
      text: 'ARG BASE\nFROM ${BASE}\nRUN true\n',
      want: 'Dockerfile:2: base name (${BASE}) should not be blank',
    },
    {
      name: 'FROM ${BASE} with BASE set to empty is refused too',
      text: 'ARG BASE=\nFROM debian:bookworm AS x\nFROM ${BASE} AS y\n',
      want: 'Dockerfile:3: base name (${BASE}) should not be blank',
    },
    {
      name: 'stages copying from each other are a cycle, named after the first, at its COPY',
      text: 'FROM debian:bookworm AS a\nCOPY --from=b /x /x\nFROM debian:bookworm AS b\nCOPY --from=a /y /y\n',
      want: 'Dockerfile:2: circular dependency detected on stage: a',
    },
    {
      name: 'a loop reached through another stage names the stage it is reached from',
      text: 'FROM debian:bookworm AS s0\nCOPY --from=s2 /f /f\nFROM debian:bookworm AS s1\nCOPY --from=s0 /f /f\nFROM debian:bookworm AS s2\nCOPY --from=1 /f /f\n',
      want: 'Dockerfile:2: circular dependency detected on stage: s0',
    },
    {
      name: 'a stage copying from itself by name is a cycle, at the COPY line',
      text: 'FROM debian:bookworm AS x\nRUN true\nCOPY --from=x /etc/passwd /p\n',
      want: 'Dockerfile:3: circular dependency detected on stage: x',
    },
    {
      name: 'an unnamed stage copying from its own index is a cycle on stage-N',
      text: 'FROM debian:bookworm\nCOPY --from=0 /etc/passwd /p\n',
      want: 'Dockerfile:2: circular dependency detected on stage: stage-0',
    },
    {
      name: 'ENV with a name and no value is a parse error',
      text: 'FROM debian:bookworm\nENV HOME\n',
      want: 'Dockerfile:2: ENV must have two arguments',
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = tempDir({ Dockerfile: c.text });
      const r = await uidctl(['check', 'Dockerfile', '--base-from', 'catalog'], dir);

      assert.equal(r.code, 2);
      assert.equal(r.stderr, `uidctl check: ${c.want}\n`);
      assert.equal(r.stdout, '');
    });
  }

  test('a stage built from an earlier stage of another name is no cycle', async () => {
    const text = 'FROM debian:bookworm AS a\nFROM a AS b\nCOPY --from=a /etc/passwd /p\n';
    const r = await uidctl(['check', 'Dockerfile', '--base-from', 'catalog'], tempDir({ Dockerfile: text }));

    assert.notEqual(r.code, 2);
  });
});

describe('the Dockerfiles of a folder', () => {
  test('a folder named by its absolute path gives absolute file names, as a file so named does', async () => {
    const dir = tempDir({ 'repo/Dockerfile': GOOD, 'repo/sub/Dockerfile': GOOD });
    const r = await uidctl(['check', join(dir, 'repo'), '--base-from', 'catalog', '--format', 'json', '--fail-on', 'never'], tempDir());
    assert.deepEqual(JSON.parse(r.stdout).results.map((x: { file: string }) => x.file), [join(dir, 'repo/Dockerfile'), join(dir, 'repo/sub/Dockerfile')]);
  });

  test('found in name order, through symlinked folders, skipping node_modules; a dangling Dockerfile link is a warning', async () => {
    const dir = tempDir({
      'repo/b/Dockerfile': GOOD,
      'repo/a/Containerfile': GOOD,
      'repo/a/notes.txt': 'not a Dockerfile\n',
      'repo/gpu.Dockerfile': GOOD,
      'repo/node_modules/pkg/Dockerfile': GOOD,
      'elsewhere/Dockerfile.dev': GOOD,
    });
    symlinkSync('../elsewhere', join(dir, 'repo/linked'));
    symlinkSync('missing', join(dir, 'repo/Dockerfile'));
    const r = await uidctl(['check', 'repo', '--base-from', 'catalog', '--format', 'json', '--fail-on', 'never'], dir);

    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).results.map((x: { file: string }) => x.file),
      ['repo/a/Containerfile', 'repo/b/Dockerfile', 'repo/gpu.Dockerfile', 'repo/linked/Dockerfile.dev'],
    );
    assert.equal(r.stderr, 'uidctl: warning: cannot read repo/Dockerfile (ENOENT): a symlink whose target is missing; not checked\n');
  });

  test('links back up the tree and second links to a folder are walked once; ignore files and notes are not Dockerfiles', async () => {
    const dir = tempDir({
      'two/Dockerfile': GOOD,
      'two/Dockerfile.dockerignore': 'node_modules\n',
      'two/Dockerfile.md': '# Build notes\n',
      'two/sub/api.Dockerfile': GOOD,
    });
    symlinkSync('.', join(dir, 'two/l1'));
    symlinkSync('..', join(dir, 'two/sub/up'));
    symlinkSync('sub', join(dir, 'two/also-sub'));
    const r = await uidctl(['check', 'two', '--base-from', 'catalog', '--format', 'json', '--fail-on', 'never'], dir);

    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).results.map((x: { file: string }) => x.file), ['two/Dockerfile', 'two/also-sub/api.Dockerfile']);
  });
});

describe('--debug', () => {
  test("each file's trace starts by naming it, then its stages and steps", async () => {
    const dir = tempDir({ 'a/Dockerfile': GOOD, 'b/Dockerfile': GOOD });
    const r = await uidctl(['check', '.', '--debug', '--base-from', 'catalog', '--fail-on', 'never'], dir);
    const heads = r.stderr.split('\n').filter((l) => l.startsWith('debug: file') || l.startsWith('debug: stage'));
    assert.deepEqual(heads, ['debug: file a/Dockerfile', 'debug: stage 0 FROM debian:bookworm', 'debug: file b/Dockerfile', 'debug: stage 0 FROM debian:bookworm']);
  });
});

describe('--compose without a Dockerfile uses the service build section', () => {
  const compose = [
    'services:',
    '  train:',
    '    build:',
    '      context: app',
    '      dockerfile: Train.Dockerfile',
    '      args: { BASE: "debian:bookworm" }',
    '      target: final',
    '    user: "1000"',
    '  web:',
    '    build: web',
    '',
  ].join('\n');
  const files = {
    'compose.yaml': compose,
    'app/Train.Dockerfile': 'ARG BASE=alpine:3.19\nFROM ${BASE} AS final\nRUN useradd -u 1000 -m ml\nFROM final AS other\nUSER root\n',
    'web/Dockerfile': 'FROM python:3.12-slim\nUSER nobody\n',
  };

  test('build.context + build.dockerfile, args as --build-arg, target as --target', async () => {
    const dir = tempDir(files);
    const r = await uidctl(['check', '--compose', 'compose.yaml', '--service', 'train', '--base-from', 'catalog', '--format', 'json', '--fail-on', 'never'], dir);

    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const res = JSON.parse(r.stdout).results[0];
    assert.equal(res.file, 'app/Train.Dockerfile');
    assert.equal(res.target, 'final');
    assert.equal(res.bases[0].ref, 'debian:bookworm');
    assert.equal(res.identity.user, 'ml');
  });

  test('build as a string is the context, holding a Dockerfile', async () => {
    const dir = tempDir(files);
    const r = await uidctl(['check', '--compose', 'compose.yaml', '--service', 'web', '--base-from', 'catalog', '--format', 'json', '--fail-on', 'never'], dir);

    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).results[0].file, 'web/Dockerfile');
  });

  test('--build-arg and --target given on the command line win', async () => {
    const dir = tempDir(files);
    const r = await uidctl(['check', '--compose', 'compose.yaml', '--service', 'train', '--base-from', 'catalog', '--format', 'json', '--fail-on', 'never',
      '--build-arg', 'BASE=ubuntu:24.04', '--target', 'other'], dir);

    const res = JSON.parse(r.stdout).results[0];
    assert.equal(res.target, 'other');
    assert.equal(res.bases[0].ref, 'ubuntu:24.04');
  });

  test('--container with --compose is a usage error', async () => {
    const dir = tempDir(files);
    const r = await uidctl(['check', '--compose', 'compose.yaml', '--container', 'train'], dir);

    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'uidctl check: --container goes with --k8s; a Compose service is picked with --service\n');
  });
});

describe('--k8s picks a container as kubectl does', () => {
  const job = (annotation = '') => [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata: { name: train }',
    'spec:',
    '  template:',
    ...(annotation ? ['    metadata:', `      annotations: { kubectl.kubernetes.io/default-container: ${annotation} }`] : []),
    '    spec:',
    '      initContainers: [{ name: setup, image: busybox }]',
    '      containers:',
    '        - { name: trainer, image: t, securityContext: { runAsUser: 1001 } }',
    '        - { name: sidecar, image: busybox, securityContext: { runAsUser: 2002 } }',
    '',
  ].join('\n');

  const cases = [
    { name: 'no annotation: the first regular container, with a note', manifest: job(), flags: [], uid: 1001,
      stderr: 'uidctl: note: job.yaml: Job/train has 2 containers (trainer, sidecar); checking trainer, the first (pick one with --container)\n' },
    { name: 'the default-container annotation, silently', manifest: job('sidecar'), flags: [], uid: 2002, stderr: '' },
    { name: 'an annotation naming no container: the first, and the note says why', manifest: job('gone'), flags: [], uid: 1001,
      stderr: "uidctl: note: job.yaml: Job/train has 2 containers (trainer, sidecar); checking trainer, the first; its default-container annotation names no container 'gone' (pick one with --container)\n" },
    { name: '--container NAME', manifest: job(), flags: ['--container', 'sidecar'], uid: 2002, stderr: '' },
    { name: '--container WORKLOAD/NAME', manifest: job(), flags: ['--container', 'train/trainer'], uid: 1001, stderr: '' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = tempDir({ 'job.yaml': c.manifest, Dockerfile: GOOD });
      const r = await uidctl(['check', '--k8s', 'job.yaml', ...c.flags, '--base-from', 'catalog', '--format', 'json', '--fail-on', 'never'], dir);

      assert.equal(r.stderr, c.stderr);
      assert.equal(JSON.parse(r.stdout).results[0].identity.uid, c.uid);
    });
  }

  test('an unknown --container lists the names', async () => {
    const dir = tempDir({ 'job.yaml': job(), Dockerfile: GOOD });
    const r = await uidctl(['check', '--k8s', 'job.yaml', '--container', 'nope'], dir);

    assert.equal(r.code, 2);
    assert.equal(r.stderr, "uidctl check: no container 'nope' in job.yaml (it has train/setup, train/trainer, train/sidecar)\n");
  });

  test('several workloads need --container', async () => {
    const two = `${job()}---\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers: [{ name: app }]\n`;
    const dir = tempDir({ 'job.yaml': two, Dockerfile: GOOD });
    const r = await uidctl(['check', '--k8s', 'job.yaml'], dir);

    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'uidctl check: job.yaml has 2 workloads (Job/train, Pod/web): pick a container with --container (train/trainer, train/sidecar, web/app)\n');
  });
});

describe('--k8s: the node, the image, the template', () => {
  const json = ['--base-from', 'catalog', '--format', 'json', '--fail-on', 'never'];
  const pod = (volume: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsUser: 1000}\n  containers:\n    - name: nb\n      image: debian:bookworm\n      volumeMounts: [{name: w, mountPath: /work}]\n  volumes:\n    - {name: w, ${volume}}\n`;

  test('no Dockerfile given and none here: the container\'s image is analysed, with a note', async () => {
    const dir = tempDir({ 'pod.yaml': pod('emptyDir: {}') });
    const r = await uidctl(['check', '--k8s', 'pod.yaml', ...json], dir);
    assert.equal(r.stderr, 'uidctl: note: no Dockerfile given and none in this folder: the image Pod/p container nb runs (debian:bookworm) is analysed, as if built from `FROM debian:bookworm`\n');
    const res = JSON.parse(r.stdout).results[0];
    assert.deepEqual([r.code, res.file, res.identity.uid], [0, 'pod.yaml', 1000]);
  });

  test('a ./Dockerfile is still the one checked', async () => {
    const dir = tempDir({ 'pod.yaml': pod('emptyDir: {}'), Dockerfile: GOOD });
    const r = await uidctl(['check', '--k8s', 'pod.yaml', ...json], dir);
    assert.deepEqual([r.stderr, JSON.parse(r.stdout).results[0].file], ['', 'Dockerfile']);
  });

  test('a container without image and no Dockerfile: one line saying what to do', async () => {
    const dir = tempDir({ 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: nb\n' });
    const r = await uidctl(['check', '--k8s', 'pod.yaml'], dir);
    assert.deepEqual([r.code, r.stderr], [2, 'uidctl check: pod.yaml:6: Pod/p container nb has no image (the API server refuses it: image: Required value), and no Dockerfile is given: name the Dockerfile its image is built from\n']);
  });

  test('a hostPath that exists on this machine is not read with stat: the node\'s folder is assumed', async () => {
    const dir = tempDir({ 'pod.yaml': '', 'nb/x': '' });
    writeFileSync(join(dir, 'pod.yaml'), pod(`hostPath: {path: ${join(dir, 'nb')}, type: Directory}`));
    const r = await uidctl(['check', '--k8s', 'pod.yaml', ...json], dir);
    const res = JSON.parse(r.stdout).results[0];
    assert.deepEqual(res.assumptions.filter((a: { id: string }) => a.id.startsWith('host-unknown')).map((a: { id: string; confidence: string }) => [a.id, a.confidence]), [[`host-unknown:${join(dir, 'nb')}`, 'low']]);
  });

  test('--host-facts describes the node: a path it says is missing fails the Directory check', async () => {
    const dir = tempDir({ 'pod.yaml': pod('hostPath: {path: /srv/nb, type: Directory}'), 'host.yaml': 'paths:\n  /srv/nb: {exists: false}\n' });
    const r = await uidctl(['check', '--k8s', 'pod.yaml', '--host-facts', 'host.yaml', ...json], dir);
    const f = JSON.parse(r.stdout).results[0].findings.find((x: { ruleId: string }) => x.ruleId === 'UID203');
    assert.deepEqual([f.severity, f.message], ['error', 'The container will not start: MountVolume.SetUp failed for volume "w" : hostPath type check failed: /srv/nb is not a directory.']);
  });

  test('an unrendered Helm template: exactly one line on stderr, exit 2', async () => {
    const dir = tempDir({ 'helm.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  securityContext:\n    runAsUser: {{ .Values.uid }}\n  containers:\n  - name: a\n    image: x\n' });
    const r = await uidctl(['check', '--k8s', 'helm.yaml'], dir);
    assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'uidctl check: helm.yaml:4: this looks like an unrendered template ({{ .Release.Name }} is template syntax, not YAML a cluster accepts): render it first with `helm template` (or the tool it is written for) and check the manifest that prints\n']);
  });
});

describe('env files and run files', () => {
  const ENV = '# who the process thinks it is\nHOME=/root\n';
  const json = ['--base-from', 'catalog', '--format', 'json', '--fail-on', 'never'];
  const home = (stdout: string) => JSON.parse(stdout).results[0].identity.home;

  test('--env-file is read: its HOME wins over the passwd home', async () => {
    const dir = tempDir({ Dockerfile: GOOD, 'env.list': ENV });
    const r = await uidctl(['check', 'Dockerfile', '--run', 'docker run --env-file ./env.list img', ...json], dir);

    assert.deepEqual([r.code, r.stderr, home(r.stdout)], [0, '', '/root']);
  });

  test('a missing --env-file stops the check as it stops docker run', async () => {
    const dir = tempDir({ Dockerfile: GOOD });
    const r = await uidctl(['check', 'Dockerfile', '--run', 'docker run --env-file ./env.list img'], dir);

    assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'uidctl check: --run: open ./env.list: no such file or directory\n']);
  });

  test('a Compose env_file is read next to the compose file', async () => {
    const dir = tempDir({ Dockerfile: GOOD, 'sub/.env.app': ENV, 'sub/compose.yaml': 'services:\n  app:\n    image: x\n    env_file: .env.app\n' });
    const r = await uidctl(['check', 'Dockerfile', '--compose', 'sub/compose.yaml', ...json], dir);

    assert.deepEqual([r.code, r.stderr, home(r.stdout)], [0, '', '/root']);
  });

  test('a run file with two run commands: the first is checked, and a note says so', async () => {
    const dir = tempDir({ Dockerfile: GOOD, 'run.sh': 'docker run -d --user 999 postgres\n\ndocker run --user 1234 img\n' });
    const r = await uidctl(['check', 'Dockerfile', '--run-file', 'run.sh', ...json], dir);

    assert.equal(r.stderr, 'uidctl: note: run.sh holds 2 run commands (lines 1, 3); checking the first, line 1\n');
    assert.equal(JSON.parse(r.stdout).results[0].identity.uid, 999);
  });
});

describe('uidctl image', () => {
  async function ociFolder(dir: string, user: string): Promise<string> {
    const layer = await makeTar([
      { name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/bash\njo:x:1000:100::/home/jo:/bin/bash\nxx:x:1001:4242::/home/xx:/bin/bash\n' },
      { name: 'etc/group', content: 'root:x:0:\nusers:x:100:\n' },
      { name: 'home/jo/', uid: 1000, gid: 100 },
    ]);
    const cfg = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', config: { User: user } }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      config: { digest: sha256(cfg), size: cfg.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
    }));
    const root = join(dir, 'oci');
    mkdirSync(join(root, 'blobs', 'sha256'), { recursive: true });
    for (const b of [cfg, manifest, layer]) writeFileSync(join(root, 'blobs', 'sha256', sha256(b).slice(7)), b);
    writeFileSync(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(root, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ digest: sha256(manifest), size: manifest.length }] }));

    return root;
  }

  const cases = [
    { name: "the user's primary group is named, as id prints it", user: 'jo', line: /^user {7}jo -> uid=1000\(jo\) gid=100\(users\) home=\/home\/jo$/m, group: 'users' },
    { name: 'a gid with no group entry is printed as a number, as id does', user: 'xx', line: /^user {7}xx -> uid=1001\(xx\) gid=4242 home=\/home\/xx$/m, group: null },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = tempDir();
      const oci = await ociFolder(dir, c.user);
      const r = await uidctl(['image', oci, '--no-cache'], dir);

      assert.equal(r.code, 0);
      assert.match(r.stdout, c.line);
      const json = await uidctl(['image', oci, '--no-cache', '--format', 'json'], dir);
      assert.equal(JSON.parse(json.stdout).user.group, c.group);
    });
  }
});

describe('Compose warnings', () => {
  test('an unset variable is warned of once, as Compose warns of it', async () => {
    const dir = tempDir({ Dockerfile: GOOD, 'compose.yaml': 'services:\n  a:\n    build: .\n    user: "${UID}:${GID}"\n    working_dir: "/w${UID}"\n' });
    const r = await uidctl(['check', '--compose', 'compose.yaml', '--fail-on', 'never'], dir);
    assert.deepEqual(r.stderr.split('\n').filter((l) => l.includes('warning')), [
      'uidctl: warning: compose.yaml: The "UID" variable is not set. Defaulting to a blank string.',
      'uidctl: warning: compose.yaml: The "GID" variable is not set. Defaulting to a blank string.',
    ]);
  });
});

describe('SARIF points run-time findings at the compose service too', () => {
  test('a UID201 from a compose volume has the service line as a related location; a build finding has none', async () => {
    const dir = tempDir({
      'compose.yaml': 'services:\n  nb:\n    build: .\n    user: "1000"\n    volumes:\n      - /srv/closed-data:/data\n',
      'Dockerfile': 'FROM debian:bookworm\nRUN useradd -m -u 1000 ml\nRUN mkdir /opt/x && chown nobody /opt/x\nUSER ml\nRUN touch /opt/x/f\n',
      'host.yaml': 'paths:\n  /srv/closed-data: { uid: 1001, gid: 1001, mode: "0750", kind: dir }\n',
    });
    const r = await uidctl(['check', '--compose', 'compose.yaml', '--host-facts', 'host.yaml', '--base-from', 'catalog', '--format', 'sarif', '--fail-on', 'never'], dir);
    const results = JSON.parse(r.stdout).runs[0].results as { ruleId: string; relatedLocations?: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } }; message: { text: string } }[] }[];
    const mount = results.find((x) => x.ruleId === 'UID201');
    assert.deepEqual(mount?.relatedLocations?.map((l) => [l.physicalLocation.artifactLocation.uri, l.physicalLocation.region?.startLine, l.message.text]),
      [['compose.yaml', 2, 'The container is started by services.nb.']]);
    const build = results.find((x) => x.ruleId === 'UID601');
    assert.ok(build !== undefined);
    assert.equal(build.relatedLocations, undefined);
  });
});

describe('--build-arg, as check and verify read it', () => {
  test('K=V, NAME from the environment (left out when unset there), the last of a name winning', () => {
    const env = { FROM_ENV: 'e', EMPTY: '' };
    assert.deepEqual(parseBuildArgs(['A=1', 'FROM_ENV', 'EMPTY', 'UNSET', 'B=x=y', 'A=2', 'C='], env), { A: '2', FROM_ENV: 'e', EMPTY: '', B: 'x=y', C: '' });
    assert.deepEqual(parseBuildArgs(undefined, env), {});
  });

  test('a value with no name is a usage error', () => {
    assert.throws(() => parseBuildArgs(['=1'], {}), (e: Error) => e instanceof UsageError && e.message === "--build-arg needs a name: NAME=VALUE, or NAME to take its value from the environment (got '=1')");
  });

  test('check: --build-arg =1 exits 2 with one line', async () => {
    const dir = tempDir({ Dockerfile: GOOD });
    const r = await uidctl(['check', '--base-from', 'catalog', '--build-arg', '=1'], dir);

    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "uidctl check: --build-arg needs a name: NAME=VALUE, or NAME to take its value from the environment (got '=1')\n");
  });

  test('check: --build-arg NAME takes its value from the environment', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\nARG UID=1000\nRUN useradd -u $UID app\nUSER app\n' });
    const r = await uidctl(['check', '--base-from', 'catalog', '--format', 'json', '--fail-on', 'never', '--build-arg', 'UID'], dir, { UID: '1234' });

    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).results[0].identity.uid, 1234);
  });
});
