// diagnoseProbe on hand-written probe reports: each case changes one observation of a healthy
// container and names the findings it must give.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseProbe, hostUid } from '../../src/probe/diagnose.js';
import { decodeCaps, mountKind, parseProbeReport, userMounts, type ProbeReport } from '../../src/probe/report.js';
import diagnoseMain from '../../src/cli/diagnose.js';
import { memoryIo } from '../../src/cli/io.js';
import { InputError } from '../../src/cli/errors.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { healthy } from './fixtures.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function ids(p: ProbeReport): string[] {
  return diagnoseProbe(p).map((f) => f.ruleId);
}

function only(p: ProbeReport, id: string) {
  const f = diagnoseProbe(p).filter((x) => x.ruleId === id);
  assert.equal(f.length, 1, `one ${id} finding`);

  return f[0];
}

describe('diagnoseProbe', () => {
  test('a healthy container gives no findings', () => {
    assert.deepEqual(ids(healthy()), []);
  });

  test('UID205: a folder its group may list offers --group-add of that group, and its owner', () => {
    const p = healthy();
    p.mounts.push({ target: '/shared', root: '/srv/shared', fstype: 'ext4', source: '/dev/sda1', ro: true, uid: 1002, gid: 2000, mode: '0750', kind: 'dir', writable: false, readable: false });
    const f = only(p, 'UID205');
    assert.deepEqual(f.fixes.map((x) => x.snippet), [
      'sudo chmod -R a+rX /srv/shared',
      'sudo setfacl -R -m u:1000:rX -m d:u:1000:rX /srv/shared',
      '--group-add 2000',
      '--user 1002:2000',
    ]);
  });

  test('UID205 leaves a read-write folder that may not be written either to UID201, as check does', () => {
    const p = healthy();
    Object.assign(p.mounts[2], { uid: 1001, gid: 1001, mode: '0700', writable: false, readable: false });
    assert.deepEqual(ids(p), ['UID201']);
  });

  test('UID205 needs the readable field: a probe written before it gives no finding', () => {
    const p = healthy();
    p.mounts.push({ target: '/datasets', root: '/srv/datasets', fstype: 'ext4', source: '/dev/sda1', ro: true, uid: 0, gid: 0, mode: '0700', kind: 'dir', writable: false });
    assert.deepEqual(ids(p), []);
    const parsed = parseProbeReport(JSON.stringify(p));
    assert.equal('readable' in parsed.mounts[3], false);
    assert.equal(parseProbeReport(JSON.stringify({ ...p, mounts: [{ ...p.mounts[3], readable: false }] })).mounts[0].readable, false);
  });

  const cases: { name: string; change: (p: ProbeReport) => void; id: string; message: RegExp; snippet?: RegExp }[] = [
    {
      name: 'uid 0 is UID101 root-user',
      change: (p) => Object.assign(p, { uid: 0, gid: 0, groups: [0], user: 'root', home: { path: '/root', set: true, exists: true, writable: true } }),
      id: 'UID101',
      message: /^The container runs as root \(uid 0\)\.$/,
      snippet: /--user "\$\(id -u\):\$\(id -g\)"/,
    },
    {
      name: 'uid 0 mapped to a host uid by a user namespace says so',
      change: (p) => Object.assign(p, { uid: 0, user: 'root', userns: { uidMap: [[0, 100000, 65536]], gidMap: null } }),
      id: 'UID101',
      message: /uid 100000 on the host/,
    },
    {
      name: 'no passwd entry is UID102 with the uid, HOME / and group',
      change: (p) => Object.assign(p, { uid: 1001, gid: 0, groups: [0], user: null, hasPasswdEntry: false, home: { path: '/', set: true, exists: true, writable: false } }),
      id: 'UID102',
      message: /^uid 1001 has no entry in \/etc\/passwd: .*"I have no name!", HOME is \/, and the group is 0 \(root\)\.$/,
      snippet: /ARG UID=1001\nARG GID=1001/,
    },
    {
      name: 'a home that is not writable is UID103 with a chown fix',
      change: (p) => (p.home.writable = false),
      id: 'UID103',
      message: /^HOME \(\/home\/app\) is not writable for app \(uid 1000\)/,
      snippet: /^RUN chown 1000:1000 \/home\/app$/,
    },
    {
      name: 'HOME /root inherited by uid 1000 is UID103 with a HOME of its own, never a chown of /root',
      change: (p) => Object.assign(p.home, { path: '/root', exists: true, writable: false }),
      id: 'UID103',
      message: /^HOME \(\/root\) is not writable for app \(uid 1000\)/,
      snippet: /^-e HOME=\/tmp$/,
    },
    {
      name: 'a missing home is UID103 with a mkdir fix',
      change: (p) => Object.assign(p.home, { exists: false, writable: false }),
      id: 'UID103',
      message: /does not exist/,
      snippet: /^RUN mkdir -p \/home\/app && chown 1000:1000 \/home\/app$/,
    },
    {
      name: 'a working directory outside any mount that is not writable is UID105',
      change: (p) => (p.cwd = { path: '/opt/app', writable: false }),
      id: 'UID105',
      message: /cannot create files in the working directory \/opt\/app/,
    },
    {
      name: 'a bind mount owned by another uid is UID201 naming owner, mode and host folder',
      change: (p) => Object.assign(p.mounts[2], { uid: 1001, gid: 1001, writable: false }),
      id: 'UID201',
      message: /^app \(uid 1000\) cannot write to \/workspace \(bind of \/home\/me\/proj\): it belongs to 1001:1001 mode 0755/,
      snippet: /^--user 1001:1001$/,
    },
    {
      name: 'a named volume not writable is UID201 with the image-side fix',
      change: (p) => p.mounts.push({ target: '/data', root: '/var/lib/docker/volumes/d/_data', fstype: 'ext4', source: '/dev/sda1', ro: false, uid: 0, gid: 0, mode: '0755', kind: 'dir', writable: false }),
      id: 'UID201',
      message: /\/data \(volume of/,
      snippet: /^RUN mkdir -p \/data && chown 1000:1000 \/data$/,
    },
    {
      name: 'a read-only bind mount the process may not list is UID205 with the host chmod',
      change: (p) => p.mounts.push({ target: '/datasets', root: '/srv/datasets', fstype: 'ext4', source: '/dev/sda1', ro: true, uid: 0, gid: 0, mode: '0700', kind: 'dir', writable: false, readable: false }),
      id: 'UID205',
      message: /^app \(uid 1000\) cannot list \/datasets \(bind of \/srv\/datasets\): it belongs to 0:0 mode 0700 - Permission denied\.$/,
      snippet: /^sudo chmod -R a\+rX \/srv\/datasets$/,
    },
    {
      name: 'a mounted file the process may not read is UID205 with an ACL entry first, never chmod a+r',
      change: (p) => p.mounts.push({ target: '/run/token', root: '/home/me/token', fstype: 'ext4', source: '/dev/sda1', ro: true, uid: 1001, gid: 1001, mode: '0600', kind: 'file', writable: null, readable: false }),
      id: 'UID205',
      message: /^app \(uid 1000\) cannot read \/run\/token \(bind of \/home\/me\/token\): it belongs to 1001:1001 mode 0600/,
      snippet: /^sudo setfacl -m u:1000:r \/home\/me\/token$/,
    },
    {
      name: 'a named volume the process may not list is UID205 opened from a root container',
      change: (p) => p.mounts.push({ target: '/models', root: '/var/lib/docker/volumes/models/_data', fstype: 'ext4', source: '/dev/sda1', ro: true, uid: 0, gid: 0, mode: '0700', kind: 'dir', writable: false, readable: false }),
      id: 'UID205',
      message: /cannot list \/models \(volume of/,
      snippet: /^docker run --rm -v models:\/v busybox chmod -R a\+rX \/v$/,
    },
    {
      name: 'root writing a bind mount is UID202 naming the host folder',
      change: (p) => Object.assign(p, { uid: 0, gid: 0, user: 'root' }),
      id: 'UID202',
      message: /in \/workspace will belong to root on the host \(\/home\/me\/proj\)/,
    },
    {
      name: 'site-packages not writable is UID301 offering pip --user',
      change: (p) => (p.python!.purelibWritable = false),
      id: 'UID301',
      message: /cannot write \/usr\/local\/lib\/python3\.11\/site-packages: pip falls back to a user installation/,
      snippet: /^pip install --user PACKAGE$/m,
    },
    {
      name: 'site-packages not writable and ~/.local/bin missing from PATH is UID302',
      change: (p) => Object.assign(p, { path: '/usr/bin:/bin', python: { ...p.python!, purelibWritable: false } }),
      id: 'UID302',
      message: /^\/home\/app\/\.local\/bin is not on PATH/,
    },
    {
      name: 'no sudo is UID401',
      change: (p) => (p.sudo = { path: null, tested: false, nopasswd: null, message: null }),
      id: 'UID401',
      message: /sudo is not installed: app \(uid 1000\) gets "sudo: command not found"/,
    },
    {
      name: 'sudo refusing is UID402 quoting sudo',
      change: (p) => (p.sudo = { path: '/usr/bin/sudo', tested: true, nopasswd: false, message: 'sudo: a password is required' }),
      id: 'UID402',
      message: /said "sudo: a password is required"/,
    },
    {
      name: 'an NVIDIA node the process cannot open is UID801 with --group-add of its group',
      change: (p) => p.gpu.push({ path: '/dev/nvidia0', uid: 0, gid: 44, mode: '0660', kind: 'char', readable: false, writable: false, openRw: false }),
      id: 'UID801',
      message: /cannot open \/dev\/nvidia0 \(0:44 mode 0660\).*Insufficient Permissions/,
      snippet: /^--group-add 44$/,
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const p = healthy();
      c.change(p);
      const f = only(p, c.id);
      assert.match(f.message, c.message);
      assert.equal(f.location.line, 0);
      if (c.snippet) assert.ok(f.fixes.some((x) => c.snippet!.test(x.snippet ?? '')), `a fix matching ${c.snippet}`);
    });
  }

  test('a read-only mount is not reported as not writable', () => {
    const p = healthy();
    Object.assign(p.mounts[2], { ro: true, writable: false });
    assert.deepEqual(ids(p), []);
  });

  test('the nameless uid with HOME / gets UID102, not also UID103', () => {
    const p = healthy();
    Object.assign(p, { uid: 1001, user: null, hasPasswdEntry: false, home: { path: '/', set: true, exists: true, writable: false } });
    assert.deepEqual(ids(p), ['UID102']);
  });

  // Debian 12 as uid 1000: pip stops at the PEP 668 marker before it looks at permissions, and
  // with the marker set aside it falls back to ~/.local. `check` says the same (UID303/UID301).
  const debian = (pipEnv?: ProbeReport['pipEnv']): ProbeReport => {
    const p = healthy();
    Object.assign(p, { path: '/usr/bin:/bin', pip: '/usr/bin/pip3', ...(pipEnv ? { pipEnv } : {}) });
    Object.assign(p.python!, { path: '/usr/bin/python3', purelib: '/usr/local/lib/python3.11/dist-packages', purelibWritable: false, externallyManaged: true });
    return p;
  };
  const pipCases: { name: string; probe: ProbeReport; ids: string[]; first?: { id: string; severity: string; message: string; fix: string } }[] = [
    {
      name: 'an externally managed Python is UID303, not UID301 "[Errno 13]"',
      probe: debian(),
      ids: ['UID303'],
      first: {
        id: 'UID303',
        severity: 'warning',
        message: '/usr/bin/python3 is externally managed: `pip install` in the container stops with "error: externally-managed-environment".',
        fix: 'Use a virtual environment.',
      },
    },
    {
      name: 'PIP_BREAK_SYSTEM_PACKAGES=1 with a writable user site: pip falls back to ~/.local',
      probe: debian({ PIP_BREAK_SYSTEM_PACKAGES: '1', VIRTUAL_ENV: null, PYTHONNOUSERSITE: null }),
      ids: ['UID301', 'UID302'],
      first: {
        id: 'UID301',
        severity: 'warning',
        message: '`pip install` as app (uid 1000) cannot write /usr/local/lib/python3.11/dist-packages: pip falls back to a user installation in /home/app/.local/lib/python3.11/site-packages ("Defaulting to user installation because normal site-packages is not writeable").',
        fix: 'Install explicitly per user, and put its scripts on PATH.',
      },
    },
    {
      name: 'PYTHONNOUSERSITE: pip fails, and the first fix reads without "Or"',
      probe: debian({ PIP_BREAK_SYSTEM_PACKAGES: 'true', VIRTUAL_ENV: null, PYTHONNOUSERSITE: '1' }),
      ids: ['UID301'],
      first: {
        id: 'UID301',
        severity: 'warning',
        message: '`pip install` as app (uid 1000) will fail: /usr/local/lib/python3.11/dist-packages is not writable and user installs are off in this environment (ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied).',
        fix: 'Install the packages at build time, before switching to the user.',
      },
    },
    {
      name: 'no pip at all: no Python finding',
      probe: Object.assign(debian(), { pip: null, python: { ...debian().python!, pipModule: false } }),
      ids: [],
    },
  ];
  for (const c of pipCases) {
    test(c.name, () => {
      const found = diagnoseProbe(c.probe).filter((f) => f.ruleId.startsWith('UID30'));
      assert.deepEqual(found.map((f) => f.ruleId), c.ids);
      if (!c.first) return;
      const f = found[0];
      assert.deepEqual([f.ruleId, f.severity, f.message, f.fixes[0].description], [c.first.id, c.first.severity, c.first.message, c.first.fix]);
    });
  }

  test('the first fix of every finding reads on its own (no leading "Or")', () => {
    const p = healthy();
    Object.assign(p, { uid: 1001, user: null, hasPasswdEntry: false, path: '/usr/bin' });
    Object.assign(p.python!, { purelibWritable: false, userSiteWritable: false });
    for (const f of diagnoseProbe(p)) assert.ok(!f.fixes[0]?.description.startsWith('Or '), `${f.ruleId}: ${f.fixes[0]?.description}`);
  });

  test('prod profile turns off the rules that are off in prod (sudo missing)', () => {
    const p = healthy();
    p.sudo = { path: null, tested: false, nopasswd: null, message: null };
    assert.deepEqual(diagnoseProbe(p, { profile: 'prod' }).map((f) => f.ruleId), []);
  });
});

describe('probe report helpers', () => {
  test('decodeCaps reads Docker default set from CapEff', () => {
    assert.deepEqual(decodeCaps('00000000a80425fb'), [
      'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
      'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SYS_CHROOT', 'CAP_MKNOD', 'CAP_AUDIT_WRITE', 'CAP_SETFCAP',
    ]);
  });

  test('hostUid maps through the user-namespace ranges', () => {
    const p = healthy();
    p.userns.uidMap = [[0, 1000, 1], [1, 100000, 65536]];
    assert.deepEqual([hostUid(p, 0), hostUid(p, 1000), hostUid(p, 70000)], [1000, 100999, null]);
  });

  test('userMounts leaves out /, engine files and /dev; mountKind tells bind, volume and tmpfs', () => {
    const p = healthy();
    p.mounts.push({ target: '/cache', root: '/', fstype: 'tmpfs', source: 'tmpfs', ro: false, uid: 0, gid: 0, mode: '1777', kind: 'dir', writable: true });
    p.mounts.push({ target: '/dev/shm', root: '/', fstype: 'tmpfs', source: 'shm', ro: false, uid: 0, gid: 0, mode: '1777', kind: 'dir', writable: true });
    assert.deepEqual(userMounts(p).map((m) => [m.target, mountKind(m)]), [['/workspace', 'bind'], ['/cache', 'tmpfs']]);
  });
});

describe('parseProbeReport', () => {
  const bad: { name: string; text: string; error: RegExp }[] = [
    { name: 'not JSON', text: 'uid=0(root)', error: /^not JSON/ },
    { name: 'empty input', text: '', error: /the file is empty/ },
    { name: 'another JSON document', text: '{"schemaVersion":1}', error: /^field probe must be "uidctl"/ },
    { name: 'a missing field', text: JSON.stringify({ ...healthy(), uid: undefined }), error: /^field uid must be a non-negative integer \(missing\)$/ },
    { name: 'a wrong nested type', text: JSON.stringify({ ...healthy(), home: { ...healthy().home, writable: 'yes' } }), error: /^field home\.writable must be true or false/ },
    { name: 'a bad mount mode', text: JSON.stringify({ ...healthy(), mounts: [{ ...healthy().mounts[0], mode: 'rwx' }] }), error: /^field mounts\[0\]\.mode must be an octal mode/ },
    { name: 'a newer version', text: JSON.stringify({ ...healthy(), probeVersion: 2 }), error: /probeVersion 2 is not supported/ },
  ];

  for (const c of bad) {
    test(`rejects ${c.name} with one sentence`, () => {
      assert.throws(() => parseProbeReport(c.text), (e: Error) => c.error.test(e.message) && !e.message.includes('\n'));
    });
  }

  test('takes a report without python.pipModule (written before the field): pip on PATH tells', () => {
    const { pipModule, ...python } = healthy().python!;
    assert.equal(pipModule, true);
    const r = parseProbeReport(JSON.stringify({ ...healthy(), python }));
    assert.equal(r.python?.pipModule, undefined);
    assert.equal(r.python?.path, healthy().python!.path);
  });

  test('round-trips a healthy report', () => {
    assert.deepEqual(parseProbeReport(JSON.stringify(healthy())), healthy());
  });
});

describe('uidctl diagnose', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uidctl-diag-'));

  test('prints findings as text and exits 1 on an error-level finding', async () => {
    const p = healthy();
    Object.assign(p.mounts[2], { uid: 1001, gid: 1001, writable: false });
    writeFileSync(join(dir, 'probe.json'), JSON.stringify(p));
    const io = memoryIo({}, dir);

    assert.equal(await diagnoseMain(['probe.json'], io), 1);
    assert.match(io.stdout, /^observed  uid=1000\(app\) gid=1000\(app\) groups=1000/);
    assert.match(io.stdout, /error   UID201  app \(uid 1000\) cannot write to \/workspace/);
  });

  test('--format json holds the probe and the findings', async () => {
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(healthy()));
    const io = memoryIo({}, dir);

    assert.equal(await diagnoseMain(['ok.json', '--format', 'json'], io), 0);
    const doc = JSON.parse(io.stdout);
    assert.deepEqual([doc.schemaVersion, doc.probe.uid, doc.findings], [1, 1000, []]);
  });

  test('a broken file is an InputError naming the file and field', async () => {
    writeFileSync(join(dir, 'bad.json'), '{"probe":"uidctl","probeVersion":1}');
    await assert.rejects(diagnoseMain(['bad.json'], memoryIo({}, dir)), (e: Error) => e instanceof InputError && /^bad\.json: field home must be an object \(missing\)$/.test(e.message));
  });
});
