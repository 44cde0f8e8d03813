// The host side of a run: rootless Docker's user namespace in UID201's words and fixes.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, parseDockerRun } from '../../src/index.js';
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
