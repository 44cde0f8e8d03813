// The host side of a run: rootless Docker's user namespace in UID201's words and fixes, a host
// path that --mount takes as a volume name (UID206), -v modes given twice, and a working
// directory the start creates inside a bind mount (UID105).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, parseDockerRun } from '../../src/index.js';
import { parseCompose } from '../../src/runtime/compose.js';
import { RunParseError } from '../../src/runtime/errors.js';
import type { HostPathFacts } from '../../src/model/types.js';

const sam = { uid: 1001, gid: 1001, home: '/home/sam', cwd: '/home/sam/proj', name: 'sam' };
const text = 'FROM python:3.11-slim\nRUN useradd -m -u 1000 app\nUSER app\n';
const dir = (path: string, uid: number, mode = 0o755): HostPathFacts => ({ path, exists: true, meta: { kind: 'dir', uid, gid: uid, mode, partial: false }, from: 'facts-file' });

describe('UID201 under rootless Docker', () => {
  const host = [dir('/home/sam/proj/data', 1001), dir('/srv/other', 3000)];

  for (const line of ['docker --context rootless run -v $PWD/data:/d img', 'DOCKER_HOST=unix:///run/user/1001/docker.sock docker run -v $PWD/data:/d img']) {
    test(`${line}: the invoker's folder is root's inside; the fixes stay inside the namespace`, () => {
      const a = analyze({ file: 'Dockerfile', text, run: parseDockerRun(line, { invoker: sam }), host });
      const f = a.findings.filter((x) => x.ruleId === 'UID201');
      assert.deepEqual(f.map((x) => [x.severity, x.message]), [
        ['error', 'app (uid 1000) cannot write to /d (-v $PWD/data:/d): rootless Docker shows the folder, owned by uid 1001 on the host (the daemon\'s user), as owned by root (0:0) inside the container - Permission denied.'],
      ]);
      assert.match(f[0].why, /host uid 1001 \(the daemon's user\) is root inside, container uid 1000 is one of that user's subordinate uids on the host \(the start of its \/etc\/subuid range \+ 1000 - 1\)/);
      const docker = line.startsWith('docker') ? 'docker --context rootless' : 'DOCKER_HOST=unix:///run/user/1001/docker.sock docker';
      assert.deepEqual(f[0].fixes.map((x) => x.snippet), [
        '--user root',
        `${docker} run --rm -u 0 -v /home/sam/proj/data:/d img chown -R 1000:1000 /d`,
        'dockerd-rootless-setuptool.sh nsenter chown -R 1000:1000 /home/sam/proj/data',
      ]);
      // Never a host chown to the container's uid, which is another host user's.
      assert.equal(f.flatMap((x) => x.fixes).some((x) => x.snippet?.includes('sudo chown -R 1000:1000')), false);
    });
  }

  test('another host user\'s folder is not mapped: it has to become the daemon user\'s first', () => {
    const a = analyze({ file: 'Dockerfile', text, run: parseDockerRun('docker --context rootless run -v /srv/other:/o img', { invoker: sam }), host });
    const f = a.findings.filter((x) => x.ruleId === 'UID201');
    assert.deepEqual(f.map((x) => x.message), ['app (uid 1000) cannot write to /o (-v /srv/other:/o): it belongs to a host user not mapped into the container (uid 3000 on the host, shown as 65534:65534) - Permission denied.']);
    assert.deepEqual(f[0].fixes.map((x) => x.snippet), [
      'sudo chown -R 1001:1001 /srv/other\n--user root',
      'sudo chown -R 1001:1001 /srv/other\ndocker --context rootless run --rm -u 0 -v /srv/other:/d img chown -R 1000:1000 /d',
    ]);
  });

  test('a missing -v source is made by the daemon\'s user, root inside (UID203)', () => {
    const a = analyze({ file: 'Dockerfile', text, run: parseDockerRun('docker --context rootless run -v /home/sam/new:/n img', { invoker: sam }), host: [{ path: '/home/sam/new', exists: false, from: 'facts-file' }] });
    assert.deepEqual(a.findings.filter((x) => x.ruleId === 'UID203').map((x) => x.message), [
      '/home/sam/new does not exist on the host: rootless Docker will create it owned by its user (uid 1001) on the host, 0755, which is root (0:0) inside the container, so only container root can write it.',
    ]);
  });
});

describe('UID206: a host path --mount takes as a volume name', () => {
  test('--mount src=/abs,dst=/d without type= is refused as Docker refuses it, with type=bind as the fix', () => {
    const a = analyze({ file: 'Dockerfile', text, run: parseDockerRun('docker run --mount src=/srv/data,dst=/d img', { invoker: sam }), host: [] });
    const f = a.findings.filter((x) => x.ruleId === 'UID206');
    assert.deepEqual(f.map((x) => [x.severity, x.message]), [[
      'error',
      'The container will not start: create /srv/data: "/srv/data" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path.',
    ]]);
    assert.deepEqual(f[0].fixes.map((x) => x.snippet), ['--mount type=bind,src=/srv/data,dst=/d']);
    // Nothing is assumed of a volume that is never created.
    assert.equal(a.assumptions.some((x) => x.id.startsWith('volume-new:')), false);
  });

  test('type=volume written out becomes type=bind; -v data/x:/d is a path without ./; a good name passes', () => {
    const typed = analyze({ file: 'Dockerfile', text, run: parseDockerRun('docker run --mount type=volume,src=/srv/data,dst=/d img', { invoker: sam }), host: [] });
    assert.deepEqual(typed.findings.filter((x) => x.ruleId === 'UID206').flatMap((x) => x.fixes.map((y) => y.snippet)), ['--mount type=bind,src=/srv/data,dst=/d']);
    const rel = analyze({ file: 'Dockerfile', text, run: parseDockerRun('docker run -v data/x:/d img', { invoker: sam }), host: [] });
    assert.deepEqual(rel.findings.filter((x) => x.ruleId === 'UID206').flatMap((x) => x.fixes.map((y) => y.snippet)), ['-v ./data/x:/d']);
    const good = analyze({ file: 'Dockerfile', text, run: parseDockerRun('docker run --mount src=my_vol.1,dst=/d img', { invoker: sam }), host: [] });
    assert.deepEqual(good.findings.filter((x) => x.ruleId === 'UID206'), []);
  });
});

describe('-v with a mode given twice', () => {
  const refused = (line: string) => {
    try {
      parseDockerRun(line, { invoker: sam });
    } catch (e) {
      return e instanceof RunParseError ? e.detail : String(e);
    }
    return undefined;
  };

  test('Docker refuses the whole mode; podman in its own words; one of each kind passes', () => {
    assert.equal(refused('docker run -v /srv/x:/d:rw,ro img'), "invalid mode: rw,ro in volume '/srv/x:/d:rw,ro'");
    assert.equal(refused('docker run -v /srv/x:/d:ro,ro img'), "invalid mode: ro,ro in volume '/srv/x:/d:ro,ro'");
    assert.equal(refused('docker run -v /srv/x:/d:z,Z img'), "invalid mode: z,Z in volume '/srv/x:/d:z,Z'");
    assert.equal(refused('podman run -v /srv/x:/d:ro,rw img'), "only one of 'rw' and 'ro' can be used: duplicate mount option passed in volume '/srv/x:/d:ro,rw'");
    assert.equal(refused('docker run -v /srv/x:/d:ro,z,rprivate,nocopy img'), undefined);
    assert.equal(parseDockerRun('docker run -v /srv/x:/d:ro,z img', { invoker: sam }).mounts[0].readonly, true);
  });

  test('a Compose short-syntax entry is read into fields, not refused', () => {
    const run = parseCompose('services:\n  a:\n    image: x\n    volumes: ["/srv/x:/d:ro,ro"]\n', { invoker: sam }).services.a;
    assert.deepEqual(run.mounts.map((m) => [m.source, m.readonly]), [['/srv/x', true]]);
  });
});

describe('UID105: a working directory the start creates inside a bind mount', () => {
  const df = 'FROM ubuntu:22.04\nRUN useradd -m -u 1000 dev\nWORKDIR /app\nUSER dev\n';
  const data = dir('/srv/data1001', 1001);

  test('-w /d/sub under -v: runc makes it root\'s on the host, so uid 1001 may not write it', () => {
    const a = analyze({ file: 'Dockerfile', text: df, run: parseDockerRun('docker run -v /srv/data1001:/d -w /d/sub -u 1001 img', { invoker: sam }), host: [data], profile: 'dev' });
    // Listing it is allowed (0755 root: r-x for the others); creating in it is not.
    assert.deepEqual([a.check('/d/sub', 'read').allowed, a.check('/d/sub', 'create').allowed], [true, false]);
    const f = a.findings.filter((x) => x.ruleId === 'UID105');
    assert.deepEqual(f.map((x) => [x.severity, x.message]), [[
      'warning',
      'uid 1001 (no passwd entry) cannot create files in the working directory /d/sub, which /srv/data1001 on the host does not have: the runtime creates it as the container starts, inside the bind mount (-v /srv/data1001:/d), owned by root with mode 0755, so a folder /srv/data1001/sub owned by root is left on the host.',
    ]]);
    assert.deepEqual(f[0].fixes.map((x) => x.snippet), ['mkdir -p /srv/data1001/sub && sudo chown 1001:0 /srv/data1001/sub', '-w /d']);
  });

  test('a folder the host has, or a root process, is no finding', () => {
    const has = analyze({ file: 'Dockerfile', text: df, run: parseDockerRun('docker run -v /srv/data1001:/d -w /d/sub -u 1001 img', { invoker: sam }), host: [data, dir('/srv/data1001/sub', 1001)] });
    assert.deepEqual(has.findings.filter((x) => x.ruleId === 'UID105'), []);
    const root = analyze({ file: 'Dockerfile', text: df, run: parseDockerRun('docker run -v /srv/data1001:/d -w /d/sub -u 0 img', { invoker: sam }), host: [data] });
    assert.deepEqual(root.findings.filter((x) => x.ruleId === 'UID105'), []);
  });
});
