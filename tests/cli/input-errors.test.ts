// Bad input of every kind (unreadable paths, config and host-facts files, YAML syntax, flags)
// gives one line naming the file (and line), exit 2; and messages stay true to the input.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-input-');

async function uidctl(args: string[], cwd: string) {
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(cwd, '.cache') }, cwd);
  const code = await main(args, io);

  return { code, stdout: io.stdout, stderr: io.stderr };
}

const GOOD = 'FROM debian:bookworm\nRUN useradd -m app\nUSER app\n';
const CHECK = ['check', '--base-from', 'catalog'];

describe('a folder this user may not read (run as uid 65534)', () => {
  const setpriv = spawnSync('sh', ['-c', 'command -v setpriv']).status === 0;
  const root = process.getuid?.() === 0;
  const skip = !root ? 'needs root to make a folder uid 65534 cannot enter' : !setpriv ? 'setpriv is not installed' : false;

  /**
   * The built CLI (the launcher, the bundle and its code cache), copied where uid 65534 may read
   * it: the checkout itself may sit in a folder only root can enter (a clone under mktemp -d).
   * The bundle needs nothing from node_modules for `check` (npm ci builds dist/).
   */
  let cli: string | undefined;
  const builtCli = () => {
    if (cli) return cli;
    const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
    assert.ok(existsSync(join(dist, 'cli.js')), 'dist/cli.js is missing: run `npm run build`');
    const copy = tempDir();
    chmodSync(copy, 0o755);
    for (const f of ['cli.js', 'cli.cjs', 'cli.cjs.cache']) cpSync(join(dist, f), join(copy, f));
    cli = join(copy, 'cli.js');

    return cli;
  };

  /** The CLI as uid 65534, in a folder holding the given files. */
  function runAsNobody(dir: string, args: string[]) {
    chmodSync(dir, 0o755);
    const r = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups',
      process.execPath, builtCli(), ...args, '--base-from', 'catalog', '--no-config'],
    { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' } });

    return { code: r.status, stderr: r.stderr };
  }

  /** locked/Dockerfile, with locked/ root-owned 0700. */
  function asNobody(args: string[]) {
    const dir = tempDir({ 'locked/Dockerfile': GOOD });
    chmodSync(join(dir, 'locked'), 0o700);

    return runAsNobody(dir, args);
  }

  const cases = [
    { name: 'a Dockerfile inside it: permission denied, not "no such file"', args: ['check', 'locked/Dockerfile'],
      stderr: 'uidctl check: cannot read locked/Dockerfile: permission denied (EACCES)\n' },
    { name: 'the folder itself: one error, no warning and no "no Dockerfile in this folder"', args: ['check', 'locked'],
      stderr: 'uidctl check: cannot list locked: permission denied (EACCES)\n' },
  ];
  for (const c of cases) {
    test(c.name, { skip }, () => {
      const r = asNobody(c.args);

      assert.equal(r.stderr, c.stderr);
      assert.equal(r.code, 2);
    });
  }

  test('a subfolder that cannot be listed: a warning, and the error says only the rest was searched', { skip }, () => {
    const dir = tempDir({ 'outer/locked/Dockerfile': GOOD });
    chmodSync(join(dir, 'outer', 'locked'), 0o700);
    const r = runAsNobody(dir, ['check', 'outer']);

    assert.equal(r.stderr,
      'uidctl: warning: cannot list outer/locked (EACCES): its Dockerfiles are not checked\n' +
      'uidctl check: outer: no Dockerfile or Containerfile in the parts of this folder that could be listed\n');
    assert.equal(r.code, 2);
  });
});

describe('config file errors name the file and line, not a flag', () => {
  const cases = [
    { name: 'profile', yaml: '# team settings\nprofile: banana\n', want: ".uidctl.yaml:2: profile must be one of dev, prod (got 'banana')" },
    { name: 'failOn', yaml: 'failOn: nope\n', want: ".uidctl.yaml:1: failOn must be one of error, warning, info, never (got 'nope')" },
    { name: 'builder', yaml: 'builder: docker\n', want: ".uidctl.yaml:1: builder must be one of buildkit, classic, buildah (got 'docker')" },
    { name: 'rules as a string', yaml: 'rules: UID101\n', want: '.uidctl.yaml:1: rules must be a map of rule id to severity (rules: { UID101: off })' },
    { name: 'a bad severity', yaml: 'rules:\n  UID101: loud\n', want: '.uidctl.yaml:2: rules.UID101 must be error, warning, info or off' },
    { name: 'a key named __proto__', yaml: '"__proto__": {profile: dev}\n', want: ".uidctl.yaml:1: unknown key '__proto__'" },
    { name: 'a rule named __proto__', yaml: 'rules:\n  __proto__: off\n', want: ".uidctl.yaml:2: unknown rule '__proto__' in rules" },
    { name: 'an unknown rule', yaml: 'rules:\n  UID101: off\n  UID999: off\n', want: ".uidctl.yaml:3: unknown rule 'UID999' in rules" },
    { name: 'buildArgs as a list', yaml: 'buildArgs: [a, b]\n', want: '.uidctl.yaml:1: buildArgs must be a map of name to value (buildArgs: { UID: "1000" })' },
    { name: 'ignore as a map', yaml: 'ignore: { UID101: off }\n', want: '.uidctl.yaml:1: ignore must be a list of rule ids (ignore: [UID603])' },
    { name: 'YAML syntax', yaml: 'profile: dev\nprofile: prod\n', want: '.uidctl.yaml:2:1: YAML: Map keys must be unique' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = tempDir({ Dockerfile: GOOD, '.uidctl.yaml': c.yaml });
      const r = await uidctl(CHECK, dir);

      assert.equal(r.stderr, `uidctl check: ${c.want}\n`);
      assert.equal(r.code, 2);
    });
  }

  test('a bad value on the command line still names the flag', async () => {
    const dir = tempDir({ Dockerfile: GOOD, '.uidctl.yaml': 'profile: dev\n' });
    const r = await uidctl([...CHECK, '--profile', 'banana'], dir);

    assert.equal(r.stderr, "uidctl check: --profile must be one of dev, prod (got 'banana')\n");
  });

  test('the flag wins over a good config value; a map of build args is used', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\nARG UID\nUSER $UID\n', '.uidctl.yaml': 'profile: dev\nbuildArgs: { UID: 4242 }\n' });
    const r = await uidctl([...CHECK, '--profile', 'prod', '--format', 'json', '--fail-on', 'never'], dir);

    assert.equal(r.code, 0);
    const res = JSON.parse(r.stdout).results[0];
    assert.equal(res.profile, 'prod');
    assert.equal(res.identity.uid, 4242);
  });
});

describe('parser errors are one line, the file named once', () => {
  const cases: { name: string; files: Record<string, string>; flags: string[]; want: string }[] = [
    { name: 'host facts YAML: file:line:column and the first line of the message',
      files: { 'hf1.yaml': 'invoker: { uid: 1000\n' }, flags: ['--host-facts', 'hf1.yaml'],
      want: 'hf1.yaml:2:1: YAML: Flow map in block collection must be sufficiently indented and end with a }' },
    { name: 'host facts: an unknown key, with the near miss',
      files: { 'hf2.yaml': 'path:\n  /data: {}\n' }, flags: ['--host-facts', 'hf2.yaml'],
      want: "hf2.yaml:1: host facts: unknown key 'path' (did you mean paths?)" },
    { name: 'host facts: a bad value names the line of its key',
      files: { 'hf3.yaml': 'invoker: { uid: 1000, gid: 1000, cwd: /h }\npaths:\n  /srv/d:\n    uid: 1\n    mode: 999\n' },
      flags: ['--host-facts', 'hf3.yaml'],
      want: 'hf3.yaml:5: host facts: paths["/srv/d"].mode must be an octal mode, got "999"' },
    { name: 'host facts: links that loop name the link and its line',
      files: { 'hf4.yaml': 'paths:\n  /srv/d: { uid: 1 }\n  /mnt/a: { kind: symlink, target: /mnt/b }\n  /mnt/b: { kind: symlink, target: a }\n' },
      flags: ['--host-facts', 'hf4.yaml'],
      want: 'hf4.yaml:3: host facts: paths["/mnt/a"]: too many levels of symbolic links (/mnt/a -> /mnt/b, /mnt/b -> a, /mnt/a -> /mnt/b, /mnt/b -> a, ...): the links loop' },
    { name: 'host facts: a symlink without its target',
      files: { 'hf5.yaml': 'paths:\n  /mnt/ds: { kind: symlink }\n' }, flags: ['--host-facts', 'hf5.yaml'],
      want: 'hf5.yaml:2: host facts: paths["/mnt/ds"]: a symlink needs target (where it leads)' },
    { name: '-v with two read-write modes, in the words of Docker\'s volume parser',
      files: {}, flags: ['--run', 'docker run -v /srv/x:/d:rw,ro img'],
      want: "--run: invalid mode: rw,ro in volume '/srv/x:/d:rw,ro'" },
    { name: '-v with ro twice',
      files: {}, flags: ['--run', 'docker run -v /srv/x:/d:ro,ro img'],
      want: "--run: invalid mode: ro,ro in volume '/srv/x:/d:ro,ro'" },
    { name: 'Compose YAML',
      files: { 'c1.yaml': 'services:\n  web:\n    image: x\n    user: [\n' }, flags: ['--compose', 'c1.yaml'],
      want: 'c1.yaml:5:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]' },
    { name: 'Compose: an empty services list',
      files: { 'c2.yaml': 'services: []\n' }, flags: ['--compose', 'c2.yaml'],
      want: 'c2.yaml: the Compose file defines no services' },
    { name: 'Compose: --service naming an Object.prototype key that is no service',
      files: { 'c4.yaml': 'services:\n  web:\n    image: x\n' }, flags: ['--compose', 'c4.yaml', '--service', 'constructor'],
      want: "no service 'constructor' in c4.yaml (it has web)" },
    { name: 'Compose: a bad value in a service names its own line once',
      files: { 'c3.yaml': 'services:\n  web:\n    image: x\n    volumes: [{ type: bind, source: /a }]\n' }, flags: ['--compose', 'c3.yaml'],
      want: 'c3.yaml:4: services.web.volumes[0]: target is required' },
    { name: 'Kubernetes YAML',
      files: { 'k1.yaml': 'kind: Pod\nspec: {\n' }, flags: ['--k8s', 'k1.yaml'],
      want: 'k1.yaml:3:1: YAML: Flow map in block collection must be sufficiently indented and end with a }' },
    { name: 'an empty run file',
      files: { 'run4.sh': '' }, flags: ['--run-file', 'run4.sh'],
      want: 'run4.sh: no "docker run", "podman run" or "nerdctl run" command found' },
    { name: 'a run file with an open quote',
      files: { 'run5.sh': 'docker run -u "\n' }, flags: ['--run-file', 'run5.sh'],
      want: 'run5.sh:1: shell syntax: reached end without closing quote "' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = tempDir({ Dockerfile: GOOD, ...c.files });
      const r = await uidctl([...CHECK, ...c.flags], dir);

      assert.equal(r.stderr, `uidctl check: ${c.want}\n`);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
    });
  }
});

describe('--path takes an absolute container path', () => {
  for (const bad of ['relative', '']) {
    test(`'${bad}' is a usage error naming the flag`, async () => {
      const dir = tempDir({ Dockerfile: GOOD });
      const r = await uidctl([...CHECK, '--path', bad], dir);

      assert.equal(r.stderr, `uidctl check: --path must be an absolute path in the container (got '${bad}')\n`);
      assert.equal(r.code, 2);
    });
  }
});

describe('messages true to the input', () => {
  async function finding(dockerfile: string, rule: string, flags: string[] = []) {
    const dir = tempDir({ Dockerfile: dockerfile, a: 'x\n' });
    const r = await uidctl([...CHECK, '--format', 'json', '--fail-on', 'never', ...flags], dir);

    return (JSON.parse(r.stdout).results[0].findings as { ruleId: string; why: string; fixes: { snippet?: string }[] }[])
      .find((f) => f.ruleId === rule);
  }

  test('UID102 with -e HOME: the why says the run sets HOME; no fix repeats -e HOME', async () => {
    const f = await finding('FROM debian:bookworm\n', 'UID102', ['--run', 'docker run -u 5000 -e HOME=/tmp img']);

    assert.equal(f?.why, "Docker takes the user name, home and primary group from /etc/passwd. For an unknown uid it keeps the uid and uses gid 0 unless a group is given. HOME does not fall back to / here: the run sets it in the environment, so it is /tmp.");
    assert.equal(f?.fixes.length, 1);
    assert.doesNotMatch(f?.fixes[0].snippet ?? '', /HOME/);
  });

  test('UID102 with HOME from ENV HOME says the image sets it', async () => {
    const f = await finding('FROM debian:bookworm\nENV HOME=/work\nUSER 5000\n', 'UID102');

    assert.match(f?.why ?? '', /HOME does not fall back to \/ here: the image sets it with ENV HOME, so it is \/work\.$/);
  });

  test('UID102 without HOME keeps the HOME=/ explanation and the -e HOME fix', async () => {
    const f = await finding('FROM debian:bookworm\nUSER 5000\n', 'UID102');

    assert.match(f?.why ?? '', /keeps the uid, uses gid 0 unless a group is given, and sets HOME=\/, which ordinary users cannot write/);
    assert.equal(f?.fixes[1].snippet, '-e HOME=/tmp');
  });

  test('COPY --chown=:1000: the why names the empty user, not a user called "no"', async () => {
    const f = await finding('FROM debian:bookworm\nCOPY --chown=:1000 a /a\n', 'UID602');

    assert.equal(f?.why, "Users and groups are looked up in the image's own /etc/passwd and /etc/group at this step: the --chown value names no user before the colon, and an empty name is no user of the image (base debian:bookworm). The analysis carries on as if the step had not run.");
    assert.equal(f?.fixes[0].snippet, '--chown=0:1000');
  });

  test('a missing --chown user is still named', async () => {
    const f = await finding('FROM debian:bookworm\nCOPY --chown=ghost a /a\n', 'UID602');

    assert.match(f?.why ?? '', /no user named ghost is there/);
  });

  test('diagnose --help says its default profile differs from check', async () => {
    const r = await uidctl(['diagnose', '--help'], tempDir());

    assert.match(r.stdout, /--profile PROFILE {3}dev \(default here; check defaults to prod\) or prod/);
  });
});

describe('explain reads the files it is given', () => {
  const cases = [
    { name: 'a missing Dockerfile, text with no known pattern', text: 'x' },
    { name: 'a missing Dockerfile, a known pattern', text: "PermissionError: [Errno 13] Permission denied: '/out'" },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = tempDir();
      const r = await uidctl(['explain', c.text, '--dockerfile', 'nonexist'], dir);

      assert.equal(r.stderr, 'uidctl explain: nonexist: no such Dockerfile\n');
      assert.equal(r.code, 2);
    });
  }

  test('a Dockerfile that is there and text with no pattern: the hint, exit 0', async () => {
    const dir = tempDir({ Dockerfile: GOOD });
    const r = await uidctl(['explain', 'x', '--dockerfile', 'Dockerfile'], dir);

    assert.equal(r.code, 0);
    assert.match(r.stdout, /^uidctl explain: no known pattern in this text\./);
  });
});

describe('diagnose: a probe file that is not JSON is named by file, line and column', () => {
  const cases = [
    { name: 'a file', args: ['diagnose', 'probe.json'], stderr: "uidctl diagnose: probe.json:2:9: not JSON (Unexpected token '}'); it should be the output of 'uidctl probe --script | ... sh'\n" },
    { name: 'an empty file: no position to give', args: ['diagnose', 'empty.json'], stderr: "uidctl diagnose: empty.json: not JSON (the file is empty); it should be the output of 'uidctl probe --script | ... sh'\n" },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await uidctl(c.args, tempDir({ 'probe.json': '{"probe":"uidctl",\n "uid": }\n', 'empty.json': '' }));

      assert.equal(r.stderr, c.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.code, 2);
    });
  }
});

describe('files that are not UTF-8 text: one line saying so, exit 2', () => {
  const utf16 = (bom: number[], le: boolean) => Buffer.concat([Buffer.from(bom), Buffer.from([...GOOD].flatMap((c) => (le ? [c.charCodeAt(0), 0] : [0, c.charCodeAt(0)])))]);
  const cases: { name: string; bytes: Buffer; why: string }[] = [
    { name: 'UTF-16 little-endian with its mark', bytes: utf16([0xff, 0xfe], true), why: 'it is UTF-16 encoded, and builders read UTF-8: save it as UTF-8' },
    { name: 'UTF-16 big-endian with its mark', bytes: utf16([0xfe, 0xff], false), why: 'it is UTF-16 encoded, and builders read UTF-8: save it as UTF-8' },
    { name: 'UTF-32 little-endian', bytes: Buffer.from([0xff, 0xfe, 0, 0, 0x46, 0, 0, 0]), why: 'it is UTF-32 encoded, and builders read UTF-8: save it as UTF-8' },
    { name: 'UTF-16 without a mark', bytes: utf16([], true), why: 'it holds NUL bytes (a binary file, or text in UTF-16 without a byte-order mark), and builders read UTF-8 text' },
    { name: 'a binary file', bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]), why: 'it holds NUL bytes (a binary file, or text in UTF-16 without a byte-order mark), and builders read UTF-8 text' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = tempDir({ Dockerfile: c.bytes });
      const r = await uidctl([...CHECK, 'Dockerfile'], dir);
      assert.equal(r.stderr, `uidctl check: Dockerfile: not a Dockerfile uidctl can read: ${c.why}\n`);
      assert.equal(r.code, 2);
    });
  }

  test('one stray NUL in text is left to the parser, which names its line', async () => {
    const dir = tempDir({ Dockerfile: '# base\nFROM alpine\0\n' });
    const r = await uidctl([...CHECK, 'Dockerfile'], dir);
    assert.equal(r.stderr, 'uidctl check: Dockerfile:2: failed to parse stage name "alpine\\x00": invalid reference format\n');
    assert.equal(r.code, 2);
  });

  test('a UTF-8 byte-order mark is read past, as the builders do', async () => {
    const dir = tempDir({ Dockerfile: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(GOOD)]) });
    const r = await uidctl([...CHECK, 'Dockerfile', '--format', 'json'], dir);
    assert.equal(r.stderr, '');
    assert.equal(JSON.parse(r.stdout).results[0].identity.user, 'app');
  });

  test('explain says the same of its --dockerfile', async () => {
    const dir = tempDir({ Dockerfile: Buffer.from([0, 1, 2, 0]) });
    const r = await uidctl(['explain', 'x', '--dockerfile', 'Dockerfile'], dir);
    assert.equal(r.stderr, 'uidctl explain: Dockerfile: not a Dockerfile uidctl can read: it holds NUL bytes (a binary file, or text in UTF-16 without a byte-order mark), and builders read UTF-8 text\n');
    assert.equal(r.code, 2);
  });
});

describe('explain takes the host facts, build args and target check takes', () => {
  const DF = 'FROM debian:bookworm AS base\nARG UID=1000\nRUN useradd -m -u $UID app\nUSER app\nWORKDIR /workspace\n';
  const ERROR = "PermissionError: [Errno 13] Permission denied: 'checkpoints/epoch1.pt'";
  const FACTS = 'paths:\n  /srv/proj: { uid: 0, gid: 0, mode: "0755", kind: dir }\n  /srv/proj/checkpoints: { uid: 1000, gid: 1000, mode: "0755", kind: dir }\n';

  test('with the mounted subfolder described as the user\'s, the model says the write is allowed, as check does', async () => {
    const dir = tempDir({ Dockerfile: DF, 'host.yaml': FACTS });
    const r = await uidctl(['explain', ERROR, '--dockerfile', 'Dockerfile', '--run', 'docker run -v /srv/proj:/workspace img', '--host-facts', 'host.yaml'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /the model: create \/workspace\/checkpoints\/epoch1\.pt is allowed/);
  });

  test('a build arg reaches the analysis', async () => {
    const dir = tempDir({ Dockerfile: DF, 'host.yaml': FACTS });
    const r = await uidctl(['explain', ERROR, '--dockerfile', 'Dockerfile', '--run', 'docker run -v /srv/proj:/workspace img', '--host-facts', 'host.yaml', '--build-arg', 'UID=2000', '--format', 'json'], dir);
    assert.match(r.stdout, /uid=2000\(app\)/);
  });

  test('an unknown target is one line, exit 2; --host-facts without --run is a usage error', async () => {
    const dir = tempDir({ Dockerfile: DF, 'host.yaml': FACTS });
    const t = await uidctl(['explain', 'x', '--dockerfile', 'Dockerfile', '--target', 'nosuch'], dir);
    assert.deepEqual([t.stderr, t.code], ["uidctl explain: target stage 'nosuch' not found (stages: base)\n", 2]);
    const h = await uidctl(['explain', 'x', '--dockerfile', 'Dockerfile', '--host-facts', 'host.yaml'], dir);
    assert.deepEqual([h.stderr, h.code], ['uidctl explain: --host-facts goes with --run (the paths the run mounts)\n', 2]);
  });
});
