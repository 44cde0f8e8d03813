// The probe script really run: under dash and busybox on this machine, and inside buildah
// containers with several users and a bind mount.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROBE_SCRIPT } from '../../src/probe/script.js';
import { parseProbeReport, type ProbeReport } from '../../src/probe/report.js';
import { diagnoseProbe } from '../../src/probe/diagnose.js';

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });

  return r.status === 0 ? r.stdout.trim() : null;
}

function runProbe(shell: string[], opts: { cwd: string; env: Record<string, string> }): ProbeReport {
  const r = spawnSync(shell[0], shell.slice(1), { input: PROBE_SCRIPT, cwd: opts.cwd, env: opts.env, encoding: 'utf8' });
  assert.equal(r.status, 0, `probe failed: ${r.stderr}`);

  return parseProbeReport(r.stdout);
}

const work = mkdtempSync(join(tmpdir(), 'uidctl-probe-'));
// A folder name with a quote, a backslash, a tab, a control character, UTF-8 and a newline.
const odd = join(work, 'odd "q" \\b\tt\u0001x é\nnl');
const home = join(work, 'home dir');
mkdirSync(odd);
mkdirSync(home);
after(() => rmSync(work, { recursive: true, force: true }));

const busybox = which('busybox');

/** A folder of busybox applet links, to run the probe as on Alpine (no coreutils on PATH). */
function busyboxBin(without: string[]): string {
  const dir = mkdtempSync(join(work, 'bb-'));
  const applets = execFileSync(busybox!, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) if (!without.includes(a)) symlinkSync(busybox!, join(dir, a));

  return dir;
}

describe('the probe on this machine', () => {
  const shells: { name: string; argv: () => string[]; path: () => string; skip?: string }[] = [
    { name: 'dash', argv: () => ['dash', '-s'], path: () => process.env.PATH ?? '/usr/bin:/bin' },
    {
      name: 'busybox sh with busybox applets',
      argv: () => [busybox!, 'sh', '-s'],
      path: () => busyboxBin([]),
      skip: busybox ? undefined : 'busybox is not installed (apt-get install busybox)',
    },
    {
      name: 'busybox sh without stat (ls -ldn fallback)',
      argv: () => [busybox!, 'sh', '-s'],
      path: () => busyboxBin(['stat']),
      skip: busybox ? undefined : 'busybox is not installed (apt-get install busybox)',
    },
  ];

  for (const sh of shells) {
    test(`${sh.name}: prints JSON whose ids, HOME and cwd are the real ones`, { skip: sh.skip }, () => {
      // test -w mode: on the host the probe must not create files in the machine's own mounts.
      const env = { PATH: sh.path(), HOME: home, UIDCTL_PROBE_WRITE: 'test', UIDCTL_PROBE_SUDO: '0' };
      const p = runProbe(sh.argv(), { cwd: odd, env });

      assert.equal(p.uid, process.getuid!());
      assert.equal(p.gid, process.getgid!());
      assert.equal(p.groups[0], process.getgid!());
      assert.equal(p.home.path, home);
      assert.equal(p.home.set, true);
      assert.equal(p.home.exists, true);
      assert.equal(p.cwd.path, odd);
      assert.equal(p.writeTest, 'test');
      assert.equal(p.umask, '0022');

      const root = p.mounts.find((m) => m.target === '/');
      assert.ok(root, 'the root mount is listed');
      assert.equal(root.kind, 'dir');
      assert.equal(root.mode, '0755');
      assert.equal(root.uid, 0);
      assert.ok(p.caps !== null && p.capEff !== null);
      assert.equal(p.userns.uidMap?.[0]?.[0], 0);
    });
  }

  test('HOME unset: home.path is null and home.set false', () => {
    const p = runProbe(['dash', '-s'], { cwd: home, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', UIDCTL_PROBE_WRITE: 'test' } });

    assert.equal(p.home.path, null);
    assert.equal(p.home.set, false);
    assert.equal(p.home.writable, false);
  });

  test('the variables that steer pip are recorded', () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, PIP_BREAK_SYSTEM_PACKAGES: '1', VIRTUAL_ENV: '/opt/venv' };
    const p = runProbe(['dash', '-s'], { cwd: home, env });

    assert.deepEqual(p.pipEnv, { PIP_BREAK_SYSTEM_PACKAGES: '1', VIRTUAL_ENV: '/opt/venv', PYTHONNOUSERSITE: null });
  });

  test('the script uses no bash-only syntax: dash -n and busybox sh -n accept it', () => {
    assert.equal(spawnSync('dash', ['-n'], { input: PROBE_SCRIPT }).status, 0);
    if (busybox) assert.equal(spawnSync(busybox, ['sh', '-n'], { input: PROBE_SCRIPT }).status, 0);
  });
});

// ------------------------------------------------------------------ inside real containers

const IMAGE = 'docker.io/library/debian:bookworm';
const buildah = which('buildah');
const B = ['--storage-driver', 'vfs'];

function imagePresent(): boolean {
  if (!buildah) return false;
  const r = spawnSync(buildah, [...B, 'images', '--format', '{{.Name}}:{{.Tag}}'], { encoding: 'utf8' });

  return r.status === 0 && r.stdout.split('\n').includes(IMAGE);
}

const containerSkip = !buildah
  ? 'buildah is not installed'
  : !imagePresent()
    ? `the image ${IMAGE} is not in buildah's vfs storage`
    : undefined;

describe('the probe inside a buildah container', { skip: containerSkip }, () => {
  let container = '';
  const data = join(work, 'host data');
  // A folder its owner alone may list, holding a file its owner alone may read.
  const locked = join(work, 'locked');

  before(() => {
    container = execFileSync(buildah!, [...B, 'from', '--pull=never', IMAGE], { encoding: 'utf8' }).trim();
    mkdirSync(data);
    chownSync(data, 1001, 1001);
    chmodSync(data, 0o755);
    mkdirSync(locked);
    writeFileSync(join(locked, 'token'), 'x');
    chownSync(locked, 1001, 1001);
    chownSync(join(locked, 'token'), 1001, 1001);
    chmodSync(locked, 0o700);
    chmodSync(join(locked, 'token'), 0o600);
  });
  after(() => {
    if (container) spawnSync(buildah!, [...B, 'rm', container]);
  });

  function inContainer(flags: string[]): ProbeReport {
    const argv = [...B, 'run', '--isolation', 'chroot', ...flags, container, 'sh', '-s'];
    let r = spawnSync(buildah!, argv, { input: PROBE_SCRIPT, encoding: 'utf8' });
    // buildah's own hiccup before the probe runs (sealing its in-memory copy as it re-executes
    // itself; the oracle harness repeats such a run too, scripts/oracle.mjs RUNTIME_HICCUP).
    if (r.status !== 0 && /sealing memfd copy|Error during reexec\(\.\.\.\)/.test(r.stderr)) r = spawnSync(buildah!, argv, { input: PROBE_SCRIPT, encoding: 'utf8' });
    assert.equal(r.status, 0, `buildah run failed: ${r.stderr}`);

    return parseProbeReport(r.stdout);
  }

  const target = '/work space/data';
  const cases: {
    name: string;
    flags: string[];
    expect: (p: ProbeReport) => void;
  }[] = [
    {
      name: '--user 1001:1001: no passwd entry, HOME /, and the mount it owns is writable',
      flags: ['--user', '1001:1001', '-v', `${data}:${target}`],
      expect: (p) => {
        assert.deepEqual([p.uid, p.gid, p.groups], [1001, 1001, [1001]]);
        assert.equal(p.user, null);
        assert.equal(p.hasPasswdEntry, false);
        assert.equal(p.home.path, '/');
        assert.equal(p.home.writable, false);
        assert.deepEqual(p.caps, []);
        const m = p.mounts.find((x) => x.target === target);
        assert.deepEqual([m?.uid, m?.gid, m?.mode, m?.writable, m?.ro, m?.root], [1001, 1001, '0755', true, false, data]);
      },
    },
    {
      name: '--user 1000:1000: the 1001-owned 0755 mount is not writable',
      flags: ['--user', '1000:1000', '-v', `${data}:${target}`],
      expect: (p) => {
        assert.equal(p.uid, 1000);
        assert.equal(p.mounts.find((x) => x.target === target)?.writable, false);
        // What the real container showed becomes the findings check would give (the working
        // directory is /, which check leaves alone too).
        const f = diagnoseProbe(p);
        assert.deepEqual(f.map((x) => x.ruleId), ['UID102', 'UID201', 'UID401']);
        assert.match(f[1].message, /^uid 1000 \(no passwd entry\) cannot write to \/work space\/data \(bind of .*host data\): it belongs to 1001:1001 mode 0755/);
      },
    },
    {
      name: 'root by default: named, HOME /root, default capabilities, the mount writable',
      flags: ['-v', `${data}:${target}`],
      expect: (p) => {
        assert.deepEqual([p.uid, p.user, p.group, p.hasPasswdEntry, p.home.path], [0, 'root', 'root', true, '/root']);
        assert.ok(p.caps?.includes('CAP_DAC_OVERRIDE'));
        assert.equal(p.mounts.find((x) => x.target === target)?.writable, true);
      },
    },
    {
      name: 'root with --cap-drop ALL: the create test sees the 1001-owned mount refuse it',
      flags: ['--cap-drop', 'ALL', '-v', `${data}:${target}`],
      expect: (p) => {
        assert.equal(p.uid, 0);
        assert.equal(p.capEff, '0000000000000000');
        assert.equal(p.mounts.find((x) => x.target === target)?.writable, false);
      },
    },
    {
      name: 'readable: a 0700 folder and a 0600 file of uid 1001 are not readable for uid 1000, are for their owner',
      flags: ['--user', '1000:1000', '-v', `${locked}:/locked:ro`, '-v', `${join(locked, 'token')}:/token:ro`, '-v', `${data}:${target}:ro`],
      expect: (p) => {
        const m = (t: string) => p.mounts.find((x) => x.target === t);
        assert.deepEqual([m('/locked')?.kind, m('/locked')?.readable], ['dir', false]);
        assert.deepEqual([m('/token')?.kind, m('/token')?.readable], ['file', false]);
        assert.equal(m(target)?.readable, true);
        // Sorted: the mounts come in mountinfo's order, which is not the order of the flags.
        const ids = diagnoseProbe(p).filter((f) => f.ruleId === 'UID205').map((f) => f.message).sort();
        assert.deepEqual(ids, [
          `uid 1000 (no passwd entry) cannot list /locked (bind of ${locked}): it belongs to 1001:1001 mode 0700 - Permission denied.`,
          `uid 1000 (no passwd entry) cannot read /token (bind of ${join(locked, 'token')}): it belongs to 1001:1001 mode 0600 - Permission denied.`,
        ]);
      },
    },
    {
      name: 'readable: the owner of the 0700 folder and 0600 file may read both',
      flags: ['--user', '1001:1001', '-v', `${locked}:/locked:ro`, '-v', `${join(locked, 'token')}:/token:ro`],
      expect: (p) => {
        const m = (t: string) => p.mounts.find((x) => x.target === t);
        assert.deepEqual([m('/locked')?.readable, m('/token')?.readable], [true, true]);
        assert.deepEqual(diagnoseProbe(p).filter((f) => f.ruleId === 'UID205'), []);
      },
    },
    {
      name: 'a :ro mount is read-only and not writable, even for its owner',
      flags: ['--user', '1001:1001', '-v', `${data}:${target}:ro`],
      expect: (p) => {
        const m = p.mounts.find((x) => x.target === target);
        assert.deepEqual([m?.ro, m?.writable], [true, false]);
      },
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      c.expect(inContainer(c.flags));
      assert.deepEqual(readdirSync(data), [], 'the probe left nothing behind');
    });
  }
});
