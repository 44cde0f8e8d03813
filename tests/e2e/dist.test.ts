// The built command line (dist/, what `npm start` and the installed `uidctl` run), not the
// sources: bundling can break what the in-process tests cannot see, such as a dependency
// bundled into a lazily loaded chunk. `npm ci` builds dist/ (the prepare script).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tempDirs } from '../cli/temp.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const EX = join(ROOT, 'examples/pytorch-uid-mismatch');
const tempDir = tempDirs('uidctl-dist-');

function uidctl(args: string[], cwd = ROOT): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  return { code: r.status, out: r.stdout, err: r.stderr };
}

const DOCKERFILE = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n';

describe('the built command line', () => {
  test('dist/ is built', () => assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build`'));

  test('the quick start example: run file and host facts (YAML) give the prediction', () => {
    const r = uidctl(['check', `${EX}/Dockerfile`, '--run-file', `${EX}/run.sh`, '--host-facts', `${EX}/host.yaml`, '--format', 'json', '--fail-on', 'never']);
    assert.equal(r.code, 0, r.err);
    const ruleIds = JSON.parse(r.out).results[0].findings.map((f: { ruleId: string }) => f.ruleId);
    assert.ok(ruleIds.includes('UID201'), ruleIds.join(' '));
  });

  test('the entrypoint-script example: the script renumbers the user and hands it the mount', () => {
    const ex = join(ROOT, 'examples/entrypoint-fix');
    const r = uidctl(['check', `${ex}/Dockerfile`, '--run-file', `${ex}/run.sh`, '--host-facts', `${ex}/host.yaml`, '--format', 'json', '--fail-on', 'never']);
    assert.equal(r.code, 0, r.err);
    const res = JSON.parse(r.out).results[0];
    assert.equal(res.identity.id, 'uid=1001(trainer) gid=1000(trainer) groups=1000(trainer)');
    assert.deepEqual(res.identity.script, { path: '/usr/local/bin/entrypoint.sh', written: 'entrypoint.sh', line: 9, error: null });
    const mount = res.verdicts.find((v: { path: string; op: string }) => v.path === '/workspace/checkpoints' && v.op === 'write');
    assert.equal(mount.allowed, true);
  });

  test('a config file is read (the YAML chunk loads)', () => {
    const dir = tempDir({ Dockerfile: DOCKERFILE, '.uidctl.yaml': 'rules:\n  UID101: off\nprofile: dev\n' });
    const r = uidctl(['check', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).results[0].profile, 'dev');
  });

  test('a bad config value is a one-line error naming the file and line', () => {
    const dir = tempDir({ Dockerfile: DOCKERFILE, '.uidctl.yaml': 'profile: banana\n' });
    const r = uidctl(['check'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.err, "uidctl check: .uidctl.yaml:1: profile must be one of dev, prod (got 'banana')\n");
  });

  test('Compose and Kubernetes files are read', () => {
    const dir = tempDir({
      Dockerfile: DOCKERFILE,
      'compose.yaml': 'services:\n  app:\n    build: .\n    user: "0"\n',
      'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: img\n    securityContext: {runAsUser: 0}\n',
    });
    for (const args of [['--compose', 'compose.yaml'], ['Dockerfile', '--k8s', 'pod.yaml']]) {
      const r = uidctl(['check', ...args, '--format', 'json', '--fail-on', 'never'], dir);
      assert.equal(r.code, 0, r.err);
      assert.equal(JSON.parse(r.out).results[0].identity.uid, 0, args.join(' '));
    }
  });

  test('the library exports the Compose and Kubernetes readers the README names', async () => {
    const lib = await import(join(ROOT, 'dist/index.js'));
    const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/p', name: 'me' };
    const compose = lib.parseCompose('x-root: &root {user: "0"}\nservices:\n  app:\n    <<: *root\n    image: img\n', { invoker, env: {}, file: 'compose.yaml' });
    assert.equal(compose.services.app.user, '0');
    const runs = lib.parseKubernetes('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: img\n    securityContext: {runAsUser: 1234}\n');
    assert.deepEqual(runs.map((r: { user?: string }) => r.user), ['1234']);
  });

  test('SARIF output and the rules list', () => {
    const dir = tempDir({ Dockerfile: DOCKERFILE });
    const sarif = JSON.parse(uidctl(['check', '--format', 'sarif', '--fail-on', 'never'], dir).out);
    assert.equal(sarif.version, '2.1.0');
    assert.match(uidctl(['rules']).out, /UID201/);
  });

  test("a rule's documentation page is found from dist/", () => {
    assert.match(uidctl(['rules', 'UID201']).out, /^# UID201 mount-not-writable\n/);
  });
});

describe('the code cache of the built command line', () => {
  const withCache = (mode: string, cli = CLI) =>
    spawnSync(process.execPath, [cli, 'check', `${EX}/Dockerfile`, '--format', 'json', '--fail-on', 'never'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, UIDCTL_CODE_CACHE: mode } });

  test('npm run build writes a cache that V8 accepts', () => {
    const r = withCache('report');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, 'uidctl: code cache used\n');
  });

  test('a cache that is absent, damaged, stale or refused by V8 changes nothing but the time', () => {
    const want = withCache('off');
    assert.equal(want.status, 0, want.stderr);
    const copy = tempDir({});
    for (const f of ['cli.js', 'cli.cjs']) cpSync(join(ROOT, 'dist', f), join(copy, f));
    const cli = join(copy, 'cli.js');
    const outcome = (env: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, [cli, 'check', `${EX}/Dockerfile`, '--format', 'json', '--fail-on', 'never'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, UIDCTL_CODE_CACHE: 'report', ...env } });
      assert.equal(r.stdout, want.stdout);
      return r.stderr;
    };
    assert.equal(outcome(), 'uidctl: code cache absent\n');
    // One byte flipped inside the compiled code: V8 would trust it (and may crash).
    const good = readFileSync(join(ROOT, 'dist', 'cli.cjs.cache'));
    const flipped = Buffer.from(good);
    flipped[flipped.length >> 1] ^= 0xff;
    writeFileSync(join(copy, 'cli.cjs.cache'), flipped);
    assert.equal(outcome(), 'uidctl: code cache damaged\n');
    // The cache of another bundle of the same length (V8 checks only the length): the version
    // edited in place, which the cached code would hide.
    writeFileSync(join(copy, 'cli.cjs.cache'), good);
    assert.equal(outcome(), 'uidctl: code cache used\n');
    writeFileSync(join(copy, 'cli.cjs'), readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8').replace(/VERSION = "\d/, (m) => m.slice(0, -1) + (m.endsWith('9') ? '8' : '9')));
    const stale = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8', env: { ...process.env, UIDCTL_CODE_CACHE: 'report' } });
    assert.equal(stale.stderr, 'uidctl: code cache damaged\n');
    assert.match(stale.stdout, /^[89]\./);
    cpSync(join(ROOT, 'dist', 'cli.cjs'), join(copy, 'cli.cjs'));
    // A V8 flag in NODE_OPTIONS: V8 refuses the cache made without it.
    assert.equal(outcome({ NODE_OPTIONS: '--max-old-space-size=3000' }), 'uidctl: code cache rejected\n');
  });

  test('started through a link of any name, the command line runs', () => {
    const dir = tempDir({});
    symlinkSync(CLI, join(dir, 'uidctl-dev'));
    const r = spawnSync(process.execPath, [join(dir, 'uidctl-dev'), '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
    const kept = spawnSync(process.execPath, ['--preserve-symlinks-main', join(dir, 'uidctl-dev'), '--version'], { encoding: 'utf8' });
    assert.equal(kept.stdout, r.stdout, kept.stderr);
  });

  test('started as a program (directly or through a link), sh starts node with one V8 helper thread fewer than the CPUs', () => {
    const dir = tempDir({});
    symlinkSync(CLI, join(dir, 'uidctl'));
    // A module node loads first, through NODE_OPTIONS (which node reads however it is started):
    // it reports the options node was given on its command line.
    writeFileSync(join(dir, 'argv.cjs'), "process.on('exit', () => process.stderr.write('execArgv ' + JSON.stringify(process.execArgv) + '\\n'));\n");
    const env = { ...process.env, NO_COLOR: '1', NODE_OPTIONS: `--require ${join(dir, 'argv.cjs')}`, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
    const args = ['check', `${EX}/Dockerfile`, '--run-file', `${EX}/run.sh`, '--format', 'json', '--fail-on', 'never'];
    const plain = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env });
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(plain.stderr, 'execArgv []\n');
    for (const program of [CLI, join(dir, 'uidctl')]) {
      const r = spawnSync(program, args, { cwd: ROOT, encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, 'execArgv ["--v8-pool-size=0"]\n');
      assert.equal(r.stdout, plain.stdout);
    }
    // A pool size the user sets in NODE_OPTIONS is not overridden.
    const own = spawnSync(CLI, args, { cwd: ROOT, encoding: 'utf8', env: { ...env, NODE_OPTIONS: `--v8-pool-size=2 ${env.NODE_OPTIONS}` } });
    assert.deepEqual([own.status, own.stderr, own.stdout], [0, 'execArgv []\n', plain.stdout]);
  });

  test('the launcher copied out of dist/ says what it lacks; a cache it cannot write is one line', () => {
    const dir = tempDir({});
    cpSync(CLI, join(dir, 'uidctl'));
    const alone = spawnSync(process.execPath, [join(dir, 'uidctl'), '--version'], { encoding: 'utf8' });
    assert.equal(alone.status, 2);
    assert.equal(alone.stderr, `uidctl: cannot read ${join(dir, 'cli.cjs')} (ENOENT): the launcher needs the files of dist/ beside it; link to dist/cli.js rather than copy it\n`);

    // A folder where the cache file would go: writing it fails even for root.
    const dist = join(tempDir({}), 'dist');
    cpSync(join(ROOT, 'dist'), dist, { recursive: true });
    rmSync(join(dist, 'cli.cjs.cache'));
    mkdirSync(join(dist, 'cli.cjs.cache'));
    const write = spawnSync(process.execPath, [join(dist, 'cli.js'), '--version'], { encoding: 'utf8', env: { ...process.env, UIDCTL_CODE_CACHE: 'write' } });
    assert.deepEqual([write.status, write.stdout, write.stderr], [2, readFileSync(join(ROOT, 'package.json'), 'utf8').match(/"version": "([^"]+)"/)![1] + '\n', `uidctl: cannot write the code cache ${join(dist, 'cli.cjs.cache')} (EISDIR)\n`]);
  });
});

describe('the end of a run', () => {
  test('a report larger than a pipe holds reaches a slow reader whole, with the exit code', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`svc-${i}/Dockerfile`] = 'FROM debian:bookworm\nRUN useradd -m app && mkdir /data\nUSER app\nWORKDIR /data\n';
    const dir = tempDir(files);
    const whole = spawnSync(process.execPath, [CLI, 'check', dir, '--no-config'], { encoding: 'utf8' });
    // More than a Linux pipe (64 KiB) and node's buffer behind it hold together.
    assert.ok(whole.stdout.length > 256 * 1024, `${whole.stdout.length} bytes`);

    // Nothing is read for half a second: the pipe fills and the command line must wait (had it
    // ended by then, node would drop the unread output: child_process resumes unused streams).
    const child = spawn(process.execPath, [CLI, 'check', dir, '--no-config']);
    const chunks: Buffer[] = [];
    const closed = new Promise<number | null>((done) => child.on('close', done));
    await new Promise((done) => setTimeout(done, 500));
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    const code = await closed;
    assert.equal(Buffer.concat(chunks).toString('utf8'), whole.stdout);
    assert.deepEqual([code, whole.status], [0, 0]);
  });
});

describe('the Dockerfile on standard input, and names that are not files', () => {
  const run = (args: string[], input: string) => spawnSync(process.execPath, [CLI, 'check', ...args, '--no-config', '--format', 'json', '--fail-on', 'never'], { cwd: ROOT, encoding: 'utf8', input });

  test('check - reads the Dockerfile from standard input, with no build context (docker build -)', () => {
    const r = run(['-'], 'FROM debian:bookworm\nCOPY app.py /app/\nRUN useradd -m app\nUSER app\n');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout).results[0];
    assert.equal(result.file, '-');
    assert.equal(result.identity.user, 'app');
    // A stated guess of low confidence, so the default report shows it (UID701): docker build -
    // itself would fail at the COPY.
    const guess = result.assumptions.find((a: { id: string }) => a.id === 'copy-source:2');
    assert.equal(guess?.confidence, 'low');
    assert.ok(guess?.text.startsWith('the Dockerfile came on standard input without --context: `docker build -` sends no context, so this step fails there'));
    assert.ok(result.findings.some((f: { ruleId: string; location: { line: number } }) => f.ruleId === 'UID701' && f.location.line === 2));
  });

  test('check - --context DIR reads the context named (docker build -f - DIR)', () => {
    const dir = tempDir({ 'app.py': 'print(1)\n' });
    const r = run(['-', '--context', dir], 'FROM debian:bookworm\nCOPY app.py /app/\n');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).results[0].assumptions.filter((a: { id: string }) => a.id.startsWith('copy-source')), []);
  });

  // Code scanning needs a uri that is not a file's unless it is one: `-` would be read as a
  // file named - at the repository's root.
  const sarifUris = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'check', ...args, '--no-config', '--format', 'sarif', '--fail-on', 'never', '--base-from', 'catalog'], { cwd: ROOT, encoding: 'utf8', input: 'FROM debian:bookworm\nUSER root\n' });
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout).runs[0].results as { locations: { physicalLocation: { artifactLocation: unknown } }[] }[]).map((x) => x.locations[0].physicalLocation.artifactLocation);
  };

  test('check - --format sarif: the location is stdin, with no %SRCROOT% base', () => {
    assert.deepEqual(sarifUris(['-']), [{ uri: 'stdin' }]);
  });

  test('check - --stdin-filename PATH: reported under that repository path (SARIF, JSON, errors)', () => {
    assert.deepEqual(sarifUris(['-', '--stdin-filename', 'docker/Dockerfile']), [{ uri: 'docker/Dockerfile', uriBaseId: '%SRCROOT%' }]);
    const json = run(['-', '--stdin-filename', 'docker/Dockerfile'], 'FROM debian:bookworm\n');
    assert.equal(JSON.parse(json.stdout).results[0].file, 'docker/Dockerfile');
    const bad = run(['-', '--stdin-filename', 'docker/Dockerfile'], 'FROM debian:bookworm\nUSERR root\n');
    assert.deepEqual([bad.status, bad.stderr], [2, 'uidctl check: docker/Dockerfile:2: unknown instruction: USERR\n']);
  });

  test('--stdin-filename without -, or with no name, is a usage error', () => {
    const cases: [string[], string][] = [
      [['examples/pytorch-uid-mismatch/Dockerfile', '--stdin-filename', 'x'], 'uidctl check: --stdin-filename names the Dockerfile read from standard input: give - as well\n'],
      [['-', '--stdin-filename', ''], "uidctl check: --stdin-filename needs a file name (got '')\n"],
    ];
    for (const [args, err] of cases) {
      const r = run(args, 'FROM debian:bookworm\n');
      assert.deepEqual([r.status, r.stderr], [2, err]);
    }
  });

  test('an empty name, standard input twice, and an unknown option are one-line usage errors', () => {
    const cases: [string[], string][] = [
      [[''], "uidctl check: '': no such file or folder\n"],
      [['-', '-'], 'uidctl check: standard input (-) can be read only once\n'],
      [['-e'], "uidctl check: unknown option -e (a file whose name starts with '-' goes after '--')\n"],
    ];
    for (const [args, err] of cases) {
      const r = run(args, '');
      assert.deepEqual([r.status, r.stderr], [2, err]);
    }
  });
});

describe('several files, one missing', () => {
  test('the missing one gets its error line, the others are checked, and the exit code is 2', () => {
    const dir = tempDir({ Dockerfile: DOCKERFILE });
    const r = uidctl(['check', 'Dockerfile', 'missing.Dockerfile', '--format', 'json'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'uidctl check: missing.Dockerfile: no such Dockerfile\n');
    const report = JSON.parse(r.out);
    assert.deepEqual(report.errors, [{ file: 'missing.Dockerfile', line: null, message: 'no such Dockerfile' }]);
    assert.deepEqual(report.results.map((x: { file: string; identity: { user: string } }) => [x.file, x.identity.user]), [['Dockerfile', 'app']]);
  });

  test('alone, a missing file is still the one-line error it was', () => {
    const r = uidctl(['check', 'missing.Dockerfile'], tempDir({}));
    assert.deepEqual([r.code, r.err, r.out], [2, 'uidctl check: missing.Dockerfile: no such file or folder\n', '']);
  });
});

describe('ignore comment warnings', () => {
  test('come in line order, whichever kind each is', () => {
    const dir = tempDir({ Dockerfile: '# uidctl ignore=UID999\n# uidctl ignore UID101\n# uidctl ignore=UID998\nFROM debian:bookworm\n' });
    const r = uidctl(['check', 'Dockerfile', '--fail-on', 'never'], dir);
    assert.deepEqual(r.err.split('\n').filter(Boolean).map((l) => l.split(':').slice(0, 4).join(':')), [
      'uidctl: warning: Dockerfile:1',
      'uidctl: warning: Dockerfile:2',
      'uidctl: warning: Dockerfile:3',
    ]);
  });
});

describe('a folder checked in worker threads (--jobs)', () => {
  // Good files, findings of each severity, a syntax error, an ignore comment naming no rule.
  const folder = () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 14; i++) {
      files[`svc-${String(i).padStart(2, '0')}/Dockerfile`] = i % 3 === 0
        ? 'FROM debian:bookworm\nUSER root\n'
        : `FROM python:3.11-slim\nRUN useradd -m -u ${1000 + i} app\nUSER app\nRUN pip install numpy\n`;
    }
    files['svc-05/Dockerfile'] = 'FROM debian:bookworm\nFOO bar\n';
    files['svc-07/Dockerfile'] = '# uidctl ignore=UID999\nFROM debian:bookworm\nRUN useradd -m app\nUSER app\n';
    return tempDir(files);
  };
  const run = (dir: string, args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'check', '.', '--base-from', 'catalog', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  for (const format of ['text', 'json', 'sarif']) {
    test(`${format}: the same report, warnings, errors and exit code as in one thread`, () => {
      const dir = folder();
      const one = run(dir, ['--format', format, '--jobs', '1']);
      const three = run(dir, ['--format', format, '--jobs', '3']);
      assert.equal(one.code, 2, one.err);
      assert.equal(three.code, one.code);
      assert.equal(three.out, one.out);
      assert.equal(three.err, one.err);
      assert.match(one.err, /svc-05\/Dockerfile:2: unknown instruction: FOO/);
      assert.match(one.err, /svc-07\/Dockerfile:1: 'UID999' in an ignore comment names no rule/);
    });
  }

  test('--jobs that is not a whole number of at least 1 is a usage error', () => {
    const dir = folder();
    for (const bad of ['0', 'two', '-1', '2.5']) {
      const r = run(dir, [`--jobs=${bad}`]);
      assert.equal(r.code, 2);
      assert.equal(r.err, `uidctl check: --jobs must be a whole number of at least 1 (got '${bad}')\n`);
    }
  });
});

