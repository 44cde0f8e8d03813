// UID201 and UID104 under podman's --uidmap/--gidmap and the /etc/subuid modes (the tester's
// cases: a 1000:1000 0755 host folder, an image with USER app = 1000).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, parseDockerRun } from '../../src/index.js';

const root = { uid: 0, gid: 0, home: '/root', cwd: '/work', name: 'root' };
const text = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n';
const host = [{ path: '/work/d1000', exists: true, from: 'facts-file' as const, meta: { kind: 'dir' as const, uid: 1000, gid: 1000, mode: 0o755 } }];
const check = (line: string) => analyze({ file: 'Dockerfile', text, run: parseDockerRun(line, { invoker: root }), host, engine: 'podman', builder: 'buildah' });

describe('UID201 with --uidmap 0:100000:65536', () => {
  test('the folder is a host user not mapped in, and the fixes are U and the host uid 1000 maps to', () => {
    const a = check('podman run --uidmap 0:100000:65536 --gidmap 0:100000:65536 -v ./d1000:/data img');
    const f = a.findings.filter((x) => x.ruleId === 'UID201');
    assert.deepEqual(f.map((x) => x.message), ['app (uid 1000) cannot write to /data (-v ./d1000:/data): it belongs to a host user not mapped into the container (shown as 65534:65534) - Permission denied.']);
    assert.deepEqual(f[0].fixes.map((x) => x.snippet), ['-v ./d1000:/data:U', 'sudo chown -R 101000:101000 /work/d1000']);
    assert.deepEqual(a.assumptions.filter((x) => x.id === 'userns:podman-idmap').map((x) => x.confidence), ['high']);
  });

  test('0:0:65536 keeps the host owner: no finding', () => {
    assert.deepEqual(check('podman run --uidmap 0:0:65536 -v ./d1000:/data img').findings.filter((x) => x.ruleId === 'UID201'), []);
  });
});

describe('UID104: a run user outside the map', () => {
  test('--uidmap 0:1:1 stops the start in podman\'s words, with a fix that maps a whole range', () => {
    const f = check('podman run --uidmap 0:1:1 -v ./d1000:/data img').findings.filter((x) => x.ruleId === 'UID104');
    assert.deepEqual(f.map((x) => x.message), ["The container will not start: container uses ID mappings ([]specs.LinuxIDMapping{specs.LinuxIDMapping{ContainerID:0x0, HostID:0x1, Size:0x1}}), but doesn't map UID 1000."]);
    assert.deepEqual(f[0].fixes.map((x) => x.snippet), ['--uidmap 0:100000:65536 --gidmap 0:100000:65536']);
  });
});

describe('UID104: a run user outside --userns=auto:size=', () => {
  test('size=1000 leaves out app (1000): podman\'s words, the host side not known, a larger size as the fix', () => {
    const f = check('podman run --userns=auto:size=1000 img').findings.filter((x) => x.ruleId === 'UID104');
    assert.deepEqual(f.map((x) => [x.severity, x.message]), [['error', "The container will not start: container uses ID mappings (...), but doesn't map UID 1000."]]);
    assert.match(f[0].why!, /^podman's --userns=auto:size=N maps container ids 0 to N-1 /);
    assert.deepEqual(f[0].fixes.map((x) => x.snippet), ['--userns=auto:size=65536']);
  });

  test('size=1001 maps app: no UID104', () => {
    assert.deepEqual(check('podman run --userns=auto:size=1001 img').findings.filter((x) => x.ruleId === 'UID104'), []);
  });
});

describe('--userns=auto: verdicts on the bind mount rest on /etc/subuid', () => {
  test('UID201 fires and depends on the assumption', () => {
    const a = check('podman run --userns=auto -v ./d1000:/data img');
    const f = a.findings.filter((x) => x.ruleId === 'UID201');
    assert.deepEqual(f.map((x) => x.dependsOn), [['userns:podman-subid']]);
    assert.deepEqual(a.assumptions.filter((x) => x.id === 'userns:podman-subid').map((x) => [x.subject, x.confidence]), [['--userns=auto', 'medium']]);
  });
});

describe('--userns=auto:uidmapping=1000:1000:1 (the tester\'s case): the forced range is known', () => {
  test('the host folder of 1000 is app\'s inside: no UID201', () => {
    const a = check('podman run --userns=auto:uidmapping=1000:1000:1 -v ./d1000:/data img');
    assert.deepEqual(a.findings.filter((x) => x.ruleId === 'UID201'), []);
    assert.deepEqual(a.assumptions.filter((x) => x.id === 'userns:podman-subid').map((x) => [x.subject, x.confidence]), [['--userns=auto:uidmapping=1000:1000:1', 'medium']]);
  });

  test('a forced range that misses the owner: UID201 still fires, on the assumption', () => {
    const f = check('podman run --userns=auto:uidmapping=1000:5000:1,size=65536 -v ./d1000:/data img').findings.filter((x) => x.ruleId === 'UID201');
    assert.deepEqual(f.map((x) => x.dependsOn), [['userns:podman-subid']]);
  });

  test('an option podman cannot read: UID104 in podman\'s words', () => {
    const f = check('podman run --userns=auto:uidmapping=1000 -v ./d1000:/data img').findings.filter((x) => x.ruleId === 'UID104');
    assert.deepEqual(f.map((x) => x.message), ['The container will not start: initializing ID mappings: UID setting is malformed expected ["uint32:[@]uint32[:uint32]"] : "1000".']);
    assert.deepEqual(f[0].fixes.map((x) => x.snippet), ['--userns=auto:uidmapping=1000:1000:1,gidmapping=1000:1000:1']);
  });
});
