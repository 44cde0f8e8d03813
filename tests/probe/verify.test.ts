// uidctl verify: the run flags each engine gets, the comparison table, and one real build and
// run with buildah.

import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCommand, runFlags, probeScriptFor, shQuote } from '../../src/probe/engine.js';
import { PROBE_SCRIPT } from '../../src/probe/script.js';
import { compareProbe, renderComparison } from '../../src/probe/compare.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { analyze } from '../../src/analyze.js';
import verifyMain, { infoFailure, probedRun } from '../../src/cli/verify.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { EnvironmentError } from '../../src/cli/errors.js';
import { healthy } from './fixtures.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
const parse = (text: string) => parseDockerRun(text, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } });

describe('probedRun', () => {
  test('the probe replaces the start command, so a gosu in CMD is not predicted', () => {
    const text = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y gosu && useradd -m app\nCMD ["gosu", "app", "python"]\n';
    assert.equal(analyze({ file: 'Dockerfile', text }).identity.uid, 1000);
    const a = analyze({ file: 'Dockerfile', text, run: probedRun('docker', parse('docker run --rm img')) });
    assert.equal(a.identity.uid, 0);
    assert.equal(a.identity.drop, null);
  });
});

describe('probedRun for buildah run', () => {
  test('a uid with no passwd line keeps none: buildah run adds no line (podman would)', () => {
    const text = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nWORKDIR /app\nUSER app\n';
    const a = analyze({ file: 'Dockerfile', text, builder: 'buildah', engine: 'podman', run: probedRun('buildah', parse('docker run --rm --user 1001:1001 img')) });
    assert.deepEqual([a.identity.user, a.identity.home], [null, '/']);
  });
});

describe('runFlags', () => {
  const cases: { name: string; run: string; engine: 'docker' | 'buildah'; flags: string[]; notReproduced?: RegExp }[] = [
    {
      name: 'docker: user, bind mount read-only, workdir, env and caps written back',
      run: 'docker run -u 1001:1001 -v $PWD/data:/data:ro -w /data -e A=1 --cap-drop ALL --cap-add CHOWN img',
      engine: 'docker',
      flags: ['--user', '1001:1001', '-v', '/home/me/proj/data:/data:ro', '-w', '/data', '-e', 'A=1', '--cap-add', 'CAP_CHOWN', '--cap-drop', 'ALL'],
    },
    {
      name: 'buildah: --workingdir, and a named volume it cannot reproduce',
      run: 'docker run -w /w -v cache:/cache img',
      engine: 'buildah',
      flags: ['--workingdir', '/w'],
      notReproduced: /^-v cache:\/cache: buildah run has no named or anonymous volumes$/,
    },
    {
      name: 'buildah: --group-add has no equivalent',
      run: 'docker run --group-add 44 img',
      engine: 'buildah',
      flags: [],
      notReproduced: /^--group-add 44: buildah run has no equivalent$/,
    },
    {
      name: 'buildah: a podman --uidmap belongs to buildah from, not run',
      run: 'podman run --uidmap 0:100000:65536 img',
      engine: 'buildah',
      flags: [],
      notReproduced: /^--uidmap 0:100000:65536: buildah run has no equivalent$/,
    },
    {
      name: 'docker: --group-add and --read-only kept',
      run: 'docker run --group-add 44 --read-only img',
      engine: 'docker',
      flags: ['--group-add', '44', '--read-only'],
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const r = runFlags(c.engine, parse(c.run));
      assert.deepEqual(r.flags, c.flags);
      if (c.notReproduced) assert.ok(r.notReproduced.some((n) => c.notReproduced!.test(n)), r.notReproduced.join('; '));
      else assert.deepEqual(r.notReproduced, []);
    });
  }

  test('probeScriptFor puts the paths, one a line and quoted, before the script', () => {
    assert.equal(probeScriptFor([]), PROBE_SCRIPT);
    assert.equal(probeScriptFor(["/a b", "/it's"]), `UIDCTL_PROBE_PATHS='/a b\n/it'\\''s'\n${PROBE_SCRIPT}`);
    assert.equal(shQuote('/plain/path'), '/plain/path');
  });
});

describe('buildCommand', () => {
  const spec = { tag: 'localhost/t', file: '/p/Dockerfile', context: '/p', buildArgs: { UID: '1234', NOTE: 'a=b c' }, target: 'app' };

  test('docker and podman: --build-arg K=V for each, then --target, before the tag', () => {
    const want = ['build', '-q', '--build-arg', 'UID=1234', '--build-arg', 'NOTE=a=b c', '--target', 'app', '-t', 'localhost/t', '-f', '/p/Dockerfile', '/p'];
    assert.deepEqual(buildCommand('docker', spec), want);
    assert.deepEqual(buildCommand('podman', spec), want);
  });

  test('buildah bud: the global flags first, then the same build args and target', () => {
    assert.deepEqual(buildCommand('buildah', spec, { globals: ['--storage-driver', 'vfs'], isolation: 'chroot' }), [
      '--storage-driver', 'vfs', 'bud', '--isolation', 'chroot', '--pull=false', '--layers',
      '--build-arg', 'UID=1234', '--build-arg', 'NOTE=a=b c', '--target', 'app', '-t', 'localhost/t', '-f', '/p/Dockerfile', '/p',
    ]);
  });

  test('no build args and no target: the command as before', () => {
    const plain = { ...spec, buildArgs: {}, target: undefined };
    assert.deepEqual(buildCommand('docker', plain), ['build', '-q', '-t', 'localhost/t', '-f', '/p/Dockerfile', '/p']);
    assert.deepEqual(buildCommand('buildah', plain), ['bud', '--isolation', 'chroot', '--pull=false', '--layers', '-t', 'localhost/t', '-f', '/p/Dockerfile', '/p']);
  });
});

describe('compareProbe', () => {
  const DOCKERFILE = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\nWORKDIR /workspace\n';

  test('agreeing facts agree; a mount observed writable but predicted not is marked !=', () => {
    const run = parse('docker run -v $PWD/data:/workspace img');
    const host = [{ path: '/home/me/proj/data', exists: true, from: 'facts-file' as const, meta: { kind: 'dir' as const, uid: 1001, gid: 1001, mode: 0o755 } }];
    const a = analyze({ file: 'Dockerfile', text: DOCKERFILE, run, host, engine: 'podman', builder: 'buildah' });
    const p = healthy();
    p.sudo = { path: null, tested: false, nopasswd: null, message: null };
    p.python = null;

    const rows = compareProbe(a, p);
    const byField = Object.fromEntries(rows.map((r) => [r.field, r]));
    assert.deepEqual([byField.uid.agree, byField.user.agree, byField.HOME.agree, byField['sudo installed'].agree], [true, true, true, true]);
    assert.deepEqual(byField['/workspace writable'], { field: '/workspace writable', predicted: 'no', observed: 'yes', agree: false });
    assert.match(renderComparison(rows), /^\/workspace writable +no +!= {2}yes$/m);
    assert.match(renderComparison(rows), /^uid +1000 {4,}1000$/m);
  });

  test('a --path with a trailing slash is compared as asked: a file with a slash neither exists nor reads', () => {
    const a = analyze({ file: 'Dockerfile', text: DOCKERFILE, engine: 'podman', builder: 'buildah', paths: ['/etc/passwd/', '/etc/passwd'] });
    const p = healthy();
    // What the probe's test -e, test -d and test -r say of each (the slash follows the kernel).
    p.paths = [
      { path: '/etc/passwd/', exists: false, uid: null, gid: null, mode: null, kind: null, readable: false, writable: false },
      { path: '/etc/passwd', exists: true, uid: 0, gid: 0, mode: '644', kind: 'file', readable: true, writable: false },
    ];
    const rows = compareProbe(a, p, ['/etc/passwd/', '/etc/passwd']).filter((r) => r.field.startsWith('/etc/passwd'));
    assert.deepEqual(rows.map((r) => [r.field, r.predicted, r.observed]), [
      ['/etc/passwd/ exists', 'no', 'no'], ['/etc/passwd/ readable', 'no', 'no'], ['/etc/passwd/ writable', 'no', 'no'],
      ['/etc/passwd exists', 'yes', 'yes'], ['/etc/passwd readable', 'yes', 'yes'], ['/etc/passwd writable', 'no', 'no'],
    ]);
  });
});

describe('uidctl verify', () => {
  test('without any engine: exit 2 with the one-line message', async () => {
    const io = memoryIo({ PATH: '/nonexistent' });
    await assert.rejects(verifyMain([], io), (e: Error) => e instanceof EnvironmentError && e.message === 'no container engine found (looked for docker, podman, buildah)');
  });

  test('docker without its daemon: the error line of docker info, not the last line of its client half', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uidctl-verify-nodaemon-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    // What docker 28 prints with no daemon: the client section on stdout, the reason on stderr.
    writeFileSync(join(dir, 'docker'), [
      '#!/bin/sh',
      "printf 'Client:\\n Version:    28.2.2\\n Context:    default\\n Debug Mode: false\\n\\nServer:\\n'",
      "echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2",
      'exit 1',
      '',
    ].join('\n'));
    chmodSync(join(dir, 'docker'), 0o755);
    const io = memoryIo({ PATH: `${dir}:/usr/bin:/bin` });
    assert.equal(await main(['verify', '--engine', 'docker'], io), 2);
    assert.equal(io.stderr, 'uidctl verify: docker is installed but not usable (docker info: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?)\n');
  });

  test('infoFailure: the ERROR line of older releases, without its prefix and the pretty-printing note', () => {
    const r = { status: 1, error: undefined, stdout: 'Client:\n Context:    default\n\nServer:\n', stderr: 'ERROR: permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock\nerrors pretty printing info\n' };
    assert.equal(infoFailure(r), 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock');
    assert.equal(infoFailure({ status: 125, error: undefined, stdout: '', stderr: '' }), 'exit 125');
  });

  const buildah = spawnSync('sh', ['-c', 'command -v buildah']).status === 0;
  const image = buildah && spawnSync('buildah', ['--storage-driver', 'vfs', 'images', '--format', '{{.Name}}:{{.Tag}}'], { encoding: 'utf8' }).stdout.split('\n').includes('docker.io/library/debian:bookworm');
  const skip = !buildah ? 'buildah is not installed' : !image ? 'docker.io/library/debian:bookworm is not in buildah vfs storage' : undefined;

  test('buildah end to end: builds, runs with the bind mount, and all agree', { skip, timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uidctl-verify-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM docker.io/library/debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\nWORKDIR /workspace\n');
    mkdirSync(join(dir, 'data'));
    chownSync(join(dir, 'data'), 1001, 1001);
    const io = memoryIo({ ...(process.env as Record<string, string>), UIDCTL_BUILDAH_STORAGE: 'vfs' }, dir);

    const code = await verifyMain(['--engine', 'buildah', '--run', 'docker run -v $PWD/data:/workspace/data img', '--path', '/etc/passwd'], io);

    assert.equal(code, 0, io.stdout);
    assert.match(io.stdout, /^engine {4}buildah$/m);
    assert.match(io.stdout, /^uid +1000 +1000$/m);
    assert.match(io.stdout, /^\/workspace\/data writable +no +no$/m);
    assert.match(io.stdout, /^\/etc\/passwd writable +no +no$/m);
    assert.match(io.stdout, /^all agree$/m);
    assert.deepEqual(readdirSync(join(dir, 'data')), []);
    const left = spawnSync('buildah', ['--storage-driver', 'vfs', 'images', '--format', '{{.Name}}'], { encoding: 'utf8' }).stdout;
    assert.ok(!/uidctl-verify-/.test(left), 'the verify image was removed');
  });
});

/**
 * A folder with a stand-in docker, podman and buildah on PATH: each writes its words to a log
 * and answers as the engine would (run prints the probe's JSON; buildah from names a container).
 */
function fakeEngines(probe: object): { dir: string; env: Record<string, string>; calls: () => string[][] } {
  const dir = mkdtempSync(join(tmpdir(), 'uidctl-verify-fake-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const script = [
    '#!/bin/sh',
    `printf '%s\\037' "\${0##*/}" "$@" >> "$FAKE_LOG"; printf '\\036' >> "$FAKE_LOG"`,
    '[ "$1" = --storage-driver ] && shift 2',
    'case $1 in',
    '  run) cat "$FAKE_PROBE" ;;',
    '  from) echo fake-container ;;',
    'esac',
    '',
  ].join('\n');
  for (const e of ['docker', 'podman', 'buildah']) {
    writeFileSync(join(bin, e), script);
    chmodSync(join(bin, e), 0o755);
  }
  writeFileSync(join(dir, 'probe.json'), JSON.stringify(probe));
  writeFileSync(join(dir, 'calls'), '');
  const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: '/home/ci', FAKE_LOG: join(dir, 'calls'), FAKE_PROBE: join(dir, 'probe.json') };
  const calls = () => readFileSync(join(dir, 'calls'), 'utf8').split('\x1e').filter(Boolean).map((c) => c.split('\x1f').slice(0, -1));

  return { dir, env, calls };
}

describe('uidctl verify --build-arg and --target', () => {
  // The last stage runs as root: only --target app predicts the user, and only UID=1234 its uid.
  const DOCKERFILE = 'FROM debian:bookworm AS app\nARG UID=1000\nRUN useradd -u $UID app\nUSER app\nFROM debian:bookworm AS other\nUSER root\n';
  const probe = { ...healthy(), uid: 1234, gid: 1234, groups: [1234] };
  const ARGS = ['--build-arg', 'UID', '--build-arg', 'NOT_SET', '--build-arg', 'NOTE=a=b c', '--target', 'app', '--format', 'json'];

  async function verifyWith(engine: string, args: string[], extraEnv: Record<string, string> = {}, files: Record<string, string> = {}) {
    const fake = fakeEngines(probe);
    writeFileSync(join(fake.dir, 'Dockerfile'), DOCKERFILE);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(fake.dir, name), text);
    const io = memoryIo({ ...fake.env, ...extraEnv }, fake.dir);
    const code = await main(['verify', '--engine', engine, ...args], io);
    const calls = fake.calls();
    const build = calls.find((c) => c.includes('-t'));
    const tag = build?.[build.indexOf('-t') + 1];
    // The tag is made of the pid and the time: written TAG to compare.
    const named = calls.map((c) => c.map((w) => (w === tag ? 'TAG' : w)));

    return { code, io, dir: fake.dir, calls: named, out: io.stdout ? JSON.parse(io.stdout) : undefined };
  }
  const uidRow = (out: { rows: { field: string }[] }) => out.rows.find((r) => r.field === 'uid');

  for (const engine of ['docker', 'podman'] as const) {
    test(`${engine} build gets the build args (NAME from the environment, an unset one left out) and the target`, async () => {
      const r = await verifyWith(engine, ARGS, { UID: '1234' });

      assert.equal(r.io.stderr, '');
      assert.deepEqual(r.calls.map((c) => c.slice(0, 2)), [[engine, 'info'], [engine, 'build'], [engine, 'run'], [engine, 'rmi']]);
      assert.deepEqual(r.calls[1], [engine, 'build', '-q', '--build-arg', 'UID=1234', '--build-arg', 'NOTE=a=b c', '--target', 'app', '-t', 'TAG', '-f', join(r.dir, 'Dockerfile'), r.dir]);
      assert.deepEqual(r.calls[2].slice(-4), ['--entrypoint', 'sh', 'TAG', '-s']);
      assert.deepEqual(r.calls[3], [engine, 'rmi', '-f', 'TAG']);
      assert.deepEqual(uidRow(r.out), { field: 'uid', predicted: '1234', observed: '1234', agree: true });
      assert.equal(r.out.notes[0], "built with --build-arg UID=1234 --build-arg 'NOTE=a=b c' --target app");
    });
  }

  test('buildah bud gets them after its own flags, with the storage driver asked for', async () => {
    const r = await verifyWith('buildah', ARGS, { UID: '1234', UIDCTL_BUILDAH_STORAGE: 'vfs' });

    assert.equal(r.io.stderr, '');
    const g = ['--storage-driver', 'vfs'];
    assert.deepEqual(r.calls[0], ['buildah', ...g, 'bud', '--isolation', 'chroot', '--pull=false', '--layers',
      '--build-arg', 'UID=1234', '--build-arg', 'NOTE=a=b c', '--target', 'app', '-t', 'TAG', '-f', join(r.dir, 'Dockerfile'), r.dir]);
    assert.deepEqual(r.calls.slice(1).map((c) => c.slice(0, 4)), [['buildah', ...g, 'from'], ['buildah', ...g, 'run'], ['buildah', ...g, 'rm'], ['buildah', ...g, 'rmi']]);
    assert.deepEqual(uidRow(r.out), { field: 'uid', predicted: '1234', observed: '1234', agree: true });
  });

  test('K=V given on the command line reaches the prediction: the default uid would disagree', async () => {
    const given = await verifyWith('docker', ['--build-arg', 'UID=1234', '--target', 'app', '--format', 'json']);
    assert.deepEqual(uidRow(given.out), { field: 'uid', predicted: '1234', observed: '1234', agree: true });
    assert.deepEqual(given.calls[1].slice(3, 7), ['--build-arg', 'UID=1234', '--target', 'app']);

    const without = await verifyWith('docker', ['--target', 'app', '--format', 'json']);
    assert.equal(without.code, 1);
    assert.deepEqual(uidRow(without.out), { field: 'uid', predicted: '1000', observed: '1234', agree: false });
    assert.deepEqual(without.calls[1].slice(3, 5), ['--target', 'app']);
  });

  test('without --target the last stage is predicted (root) and built', async () => {
    const r = await verifyWith('docker', ['--build-arg', 'UID=1234', '--format', 'json']);
    assert.deepEqual(uidRow(r.out), { field: 'uid', predicted: '0', observed: '1234', agree: false });
    assert.ok(!r.calls[1].includes('--target'));
  });

  test('a target the Dockerfile lacks: exit 2 with one line, and nothing is built', async () => {
    const r = await verifyWith('docker', ['--target', 'nope']);
    assert.equal(r.code, 2);
    assert.equal(r.io.stderr, "uidctl verify: target stage 'nope' not found (stages: app, other)\n");
    assert.deepEqual(r.calls, [['docker', 'info']]);
  });

  test("the config file's buildArgs reach the build and the prediction", async () => {
    const r = await verifyWith('docker', ['--target', 'app', '--format', 'json'], {}, { '.uidctl.yaml': 'buildArgs: { UID: "1234" }\n' });
    assert.deepEqual(r.calls[1].slice(3, 7), ['--build-arg', 'UID=1234', '--target', 'app']);
    assert.deepEqual(uidRow(r.out), { field: 'uid', predicted: '1234', observed: '1234', agree: true });
  });

  test('--build-arg wins over the config file for the same name; the config keeps the others', async () => {
    const r = await verifyWith('docker', ['--build-arg', 'UID=1234', '--target', 'app', '--format', 'json'], {}, { '.uidctl.yaml': 'buildArgs: { UID: "999", EXTRA: "x" }\n' });
    assert.deepEqual(r.calls[1].slice(3, 9), ['--build-arg', 'UID=1234', '--build-arg', 'EXTRA=x', '--target', 'app']);
    assert.deepEqual(uidRow(r.out), { field: 'uid', predicted: '1234', observed: '1234', agree: true });
  });

  test('--config FILE names the file; --no-config reads none', async () => {
    const named = await verifyWith('docker', ['--config', 'ci.yaml', '--target', 'app', '--format', 'json'], {}, { 'ci.yaml': 'buildArgs: { UID: "1234" }\n' });
    assert.deepEqual(uidRow(named.out), { field: 'uid', predicted: '1234', observed: '1234', agree: true });

    const none = await verifyWith('docker', ['--no-config', '--target', 'app', '--format', 'json'], {}, { '.uidctl.yaml': 'buildArgs: { UID: "1234" }\n' });
    assert.equal(none.code, 1);
    assert.deepEqual(none.calls[1].slice(3, 5), ['--target', 'app']);
    assert.deepEqual(uidRow(none.out), { field: 'uid', predicted: '1000', observed: '1234', agree: false });
  });

  test('a bad config file: exit 2 with its file and line, and nothing is built', async () => {
    const r = await verifyWith('docker', ['--target', 'app'], {}, { '.uidctl.yaml': 'profile: dev\nbuildArgs: [1, 2]\n' });
    assert.equal(r.code, 2);
    assert.match(r.io.stderr, /^uidctl verify: \.uidctl\.yaml:2: buildArgs must be a map/);
    assert.equal(r.io.stderr.split('\n').length, 2);
    assert.deepEqual(r.calls, []);
  });

  for (const bad of ['=1234', '']) {
    test(`--build-arg '${bad}' has no name: exit 2 with one line, before any engine is looked for`, async () => {
      const io = memoryIo({ PATH: '/nonexistent' });
      const code = await main(['verify', '--build-arg', bad], io);
      assert.equal(code, 2);
      assert.equal(io.stderr, `uidctl verify: --build-arg needs a name: NAME=VALUE, or NAME to take its value from the environment (got '${bad}')\n`);
    });
  }
});

describe('uidctl verify: the image start command is not tested', () => {
  // The probe runs in place of the entrypoint (--entrypoint sh ... -s), so whether the image's
  // own start command starts is never observed: check predicts it fails (alice may not execute
  // a 0700 root-owned script), and verify must neither agree nor disagree with that.
  const DOCKERFILE = [
    'FROM debian:bookworm',
    'RUN useradd -m -u 1500 alice',
    'COPY --chmod=0700 run.sh /opt/app/run.sh',
    'USER alice',
    'ENTRYPOINT ["/opt/app/run.sh"]',
    '',
  ].join('\n');
  const probe = { ...healthy(), uid: 1500, gid: 1500, groups: [1500], user: 'alice', group: 'alice', home: { path: '/home/alice', set: true, exists: true, writable: true }, cwd: { path: '/', writable: false } };

  async function run(format: 'json' | 'text') {
    const fake = fakeEngines(probe);
    writeFileSync(join(fake.dir, 'Dockerfile'), DOCKERFILE);
    writeFileSync(join(fake.dir, 'run.sh'), '#!/bin/sh\nexec sleep infinity\n');
    const io = memoryIo(fake.env, fake.dir);
    const code = await main(['verify', '--engine', 'docker', '--format', format], io);

    return { code, io };
  }

  test('json: the starts row is predicted no, observed "not tested", agree null; the probe container row is compared', async () => {
    const { io } = await run('json');
    const out = JSON.parse(io.stdout) as { rows: { field: string; predicted: string; observed: string; agree: boolean | null }[]; disagreements: number };
    const starts = out.rows.find((r) => r.field === 'starts');
    assert.deepEqual(starts, { field: 'starts', predicted: 'no', observed: 'not tested', agree: null });
    assert.deepEqual(out.rows.find((r) => r.field === 'probe starts'), { field: 'probe starts', predicted: 'yes', observed: 'yes', agree: true });
    assert.equal(out.disagreements, out.rows.filter((r) => r.agree === false).length);
    assert.ok(!out.rows.some((r) => r.field === 'starts' && r.agree !== null));
  });

  test('text: the row reads "not tested" without a != mark, and does not count as a disagreement', async () => {
    const { io } = await run('text');
    const line = io.stdout.split('\n').find((l) => /^starts\s/.test(l));
    assert.ok(line, io.stdout);
    assert.match(line, /^starts\s+no\s+not tested$/);
    assert.ok(!line.includes('!='));
  });

  test('renderComparison marks no row that was not compared', () => {
    const text = renderComparison([
      { field: 'starts', predicted: 'no', observed: 'not tested', agree: null },
      { field: 'uid', predicted: '1', observed: '2', agree: false },
    ]);
    assert.equal(text, 'field   predicted      observed\nstarts  no             not tested\nuid     1          !=  2\n');
  });
});
