// UID205: a mount the process may not read (a read-only data set of root with mode 0700, a
// 0750 hostPath, a secret volume with defaultMode 0600), with the message, why and fixes as
// printed; a read-write mount UID201 reports is left to it.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseKubernetes } from '../../src/runtime/kubernetes.js';
import { runRules } from '../../src/rules/registry.js';
import type { HostPathFacts, RunContext } from '../../src/model/types.js';

const APP = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n';
const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
const dir = (path: string, uid: number, gid: number, mode: number, kind: 'dir' | 'file' = 'dir'): HostPathFacts =>
  ({ path, exists: true, from: 'facts-file', meta: { kind, uid, gid, mode } });

function findings(run: RunContext, host: HostPathFacts[] = [], dockerfile = APP) {
  return analyze({ file: 'Dockerfile', text: dockerfile, run, host }).findings;
}

const uid205 = (run: RunContext, host: HostPathFacts[] = [], dockerfile = APP) => findings(run, host, dockerfile).filter((f) => f.ruleId === 'UID205');
const docker = (line: string) => parseDockerRun(line, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } });

describe('UID205 on docker run mounts', () => {
  test('-v HOST:/datasets:ro of a root folder with mode 0700: an error, with the host-side fixes', () => {
    const [f, ...rest] = uid205(docker('docker run --rm -v /srv/ds:/datasets:ro img'), [dir('/srv/ds', 0, 0, 0o700)]);
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'error');
    assert.equal(f.location.line, 3);
    assert.equal(f.message, 'app (uid 1000) cannot read /datasets (-v /srv/ds:/datasets:ro): it belongs to 0:0 with mode 0700 on the host - Permission denied.');
    assert.equal(f.why, '/datasets is drwx------ 0:0; uid 1000 (app) falls in the other class (---), which does not allow read+search/execute. A bind mount shows the host folder with its host owner and mode; uids are not translated, and :ro changes nothing about who may read.');
    assert.deepEqual(f.fixes.map((x) => [x.description, x.snippet]), [
      ['Let every user read the folder on the host (X adds search to folders only), which leaves its owner as it is.', 'sudo chmod -R a+rX /srv/ds'],
      ['Or give uid 1000 alone read access with an ACL entry (default entries too, for files added later).', 'sudo setfacl -R -m u:1000:rX -m d:u:1000:rX /srv/ds'],
    ]);
  });

  test('a 0750 folder of another user and group: the group first, then the host, then its owner', () => {
    const [f] = uid205(docker('docker run --rm -v /srv/lab:/data:ro img'), [dir('/srv/lab', 1001, 2000, 0o750)]);
    assert.equal(f.message, 'app (uid 1000) cannot read /data (-v /srv/lab:/data:ro): it belongs to 1001:2000 with mode 0750 on the host - Permission denied.');
    assert.deepEqual(f.fixes.map((x) => x.snippet), [
      '--group-add 2000',
      'sudo chmod -R a+rX /srv/lab',
      'sudo setfacl -R -m u:1000:rX -m d:u:1000:rX /srv/lab',
      '--user 1001:2000 -e HOME=/tmp',
    ]);
  });

  test('quiet once the group is added, for a 0755 folder, and for root', () => {
    assert.deepEqual(uid205(docker('docker run --rm --group-add 2000 -v /srv/lab:/data:ro img'), [dir('/srv/lab', 1001, 2000, 0o750)]), []);
    assert.deepEqual(uid205(docker('docker run --rm -v /srv/ds:/datasets:ro img'), [dir('/srv/ds', 0, 0, 0o755)]), []);
    assert.deepEqual(uid205(docker('docker run --rm -v /srv/ds:/datasets:ro img'), [dir('/srv/ds', 1001, 1001, 0o700)], 'FROM debian:bookworm\n'), []);
  });

  test('root without its capabilities is refused like anyone else', () => {
    const [f] = uid205(docker('docker run --rm --cap-drop ALL -v /srv/ds:/datasets:ro img'), [dir('/srv/ds', 1001, 1001, 0o700)], 'FROM debian:bookworm\n');
    assert.equal(f.message, 'root (uid 0) cannot read /datasets (-v /srv/ds:/datasets:ro): it belongs to 1001:1001 with mode 0700 on the host - Permission denied.');
  });

  test('a read-write mount of the same folder is UID201\'s; with UID201 off, UID205 reports it', () => {
    const run = docker('docker run --rm -v /srv/ds:/datasets img');
    const host = [dir('/srv/ds', 0, 0, 0o700)];
    assert.deepEqual(findings(run, host).filter((f) => f.ruleId.startsWith('UID20')).map((f) => f.ruleId), ['UID201']);
    const a = analyze({ file: 'Dockerfile', text: APP, run, host });
    assert.deepEqual(runRules(a, { severity: { UID201: 'off' } }).filter((f) => f.ruleId.startsWith('UID20')).map((f) => f.message), [
      'app (uid 1000) cannot read /datasets (-v /srv/ds:/datasets): it belongs to 0:0 with mode 0700 on the host - Permission denied.',
    ]);
  });

  test('a mounted file of mode 0600: the narrow fixes first, everyone last and not for secrets', () => {
    const [f] = uid205(docker('docker run --rm -v /srv/keys/token:/run/token:ro img'), [dir('/srv/keys/token', 1001, 1001, 0o600, 'file')]);
    assert.equal(f.message, 'app (uid 1000) cannot read /run/token (-v /srv/keys/token:/run/token:ro): it belongs to 1001:1001 with mode 0600 on the host - Permission denied.');
    assert.match(f.why, /^\/run\/token is -rw------- 1001:1001; uid 1000 \(app\) falls in the other class \(---\), which does not allow read\. /);
    assert.deepEqual(f.fixes.map((x) => [x.description, x.snippet]), [
      ['Give uid 1000 alone read access with an ACL entry, which leaves the file private to everyone else.', 'sudo setfacl -m u:1000:r /srv/keys/token'],
      ["Or run as the file's owner; uid 1001 has no passwd entry in the image, so HOME becomes / unless you set it.", '--user 1001:1001 -e HOME=/tmp'],
      ['Or let every user read the file on the host (not for keys and secrets: ssh, for one, refuses a private key others may read).', 'sudo chmod a+r /srv/keys/token'],
    ]);
  });

  test('a socket or a device node mounted in is not judged as data', () => {
    const sock: HostPathFacts = { path: '/run/docker.sock', exists: true, from: 'facts-file', meta: { kind: 'other', uid: 0, gid: 999, mode: 0o660 } };
    assert.deepEqual(uid205(docker('docker run --rm -v /run/docker.sock:/var/run/docker.sock img'), [sock]), []);
  });

  test('a mount below a folder the process may not enter: the folder above is named', () => {
    const [f, ...rest] = uid205(docker('docker run --rm -v /srv/top:/data:ro -v /srv/sub:/data/sub:ro img'), [dir('/srv/top', 0, 0, 0o700), dir('/srv/sub', 0, 0, 0o755)]);
    assert.equal(f.message, 'app (uid 1000) cannot read /data (-v /srv/top:/data:ro): it belongs to 0:0 with mode 0700 on the host - Permission denied.');
    assert.deepEqual(rest.map((x) => [x.message, x.fixes.map((y) => y.snippet)]), [
      ['app (uid 1000) cannot reach /data/sub (-v /srv/sub:/data/sub:ro): /data (-v /srv/top:/data:ro) above it may not be entered - Permission denied.', ['chmod o+x /srv/top']],
    ]);
  });

  test('a read-only named volume made from a private image folder: the image step that opens it', () => {
    const [f] = uid205(docker('docker run --rm -v data:/data:ro img'), [], 'FROM debian:bookworm\nRUN mkdir /data && chmod 0700 /data && useradd -m -u 1000 app\nUSER app\n');
    assert.equal(f.message, 'app (uid 1000) cannot read /data (-v data:/data:ro): it belongs to 0:0 with mode 0700 - Permission denied.');
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['RUN mkdir -p /data && chmod a+rX /data', 'docker run --rm -v data:/v busybox chmod -R a+rX /v']);
    assert.match(f.fixes[0].description, /put this before `USER app` at line 3/);
  });
});

describe('UID205 on Kubernetes volumes', () => {
  const pod = (volume: string, mount = '', podSc = '{ runAsUser: 1000, runAsGroup: 1000 }') => [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: { name: p }',
    'spec:',
    `  securityContext: ${podSc}`,
    '  containers:',
    '    - name: c',
    '      image: img',
    '      volumeMounts:',
    `        - { name: v, mountPath: /mnt/v${mount} }`,
    '  volumes:',
    '    - name: v',
    `      ${volume}`,
    '',
  ].join('\n');
  const k8s = (text: string) => parseKubernetes(text, { file: 'pod.yaml' })[0];

  test('a hostPath of a 0750 root folder, read-only: the node-side fixes and a root init container', () => {
    const [f] = uid205(k8s(pod('hostPath: { path: /srv/ds }', ', readOnly: true')), [dir('/srv/ds', 0, 0, 0o750)]);
    assert.equal(f.message, 'app (uid 1000) cannot read /mnt/v (Pod/p container c: v -> /mnt/v): it belongs to 0:0 with mode 0750 on the node - Permission denied.');
    assert.match(f.why, / A hostPath volume shows the node's folder with its owner and mode there; uids are not translated, and hostPath volumes do not support ownership management \(fsGroup does not apply\)\.$/);
    assert.deepEqual(f.fixes.map((x) => x.snippet), [
      'sudo chmod -R a+rX /srv/ds',
      'sudo setfacl -R -m u:1000:rX -m d:u:1000:rX /srv/ds',
      '# in the pod spec:\ninitContainers:\n  - name: volume-mode\n    image: busybox\n    command: ["chmod", "-R", "a+rX", "/mnt/v"]\n    securityContext:\n      runAsUser: 0\n    volumeMounts:\n      - name: v\n        mountPath: /mnt/v',
    ]);
  });

  test('a secret with defaultMode 0600: its files, fsGroup first', () => {
    const [f, ...rest] = uid205(k8s(pod('secret: { secretName: creds, defaultMode: 0600 }')));
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'error');
    assert.equal(f.message, 'app (uid 1000) cannot read the files of /mnt/v (Pod/p container c: v -> /mnt/v): the kubelet writes them 0:0 with mode 0600 - Permission denied.');
    assert.equal(f.why, "each file of /mnt/v is -rw------- 0:0; uid 1000 (app) falls in the other class (---), which does not allow read. The kubelet writes the secret's keys as files owned by root, with defaultMode (0644 when unset) or each item's mode; the image's owners and modes do not reach them.");
    assert.deepEqual(f.fixes.map((x) => x.snippet), [
      '# in the pod spec:\nsecurityContext:\n  fsGroup: 1000',
      '# in the pod spec:\nvolumes:\n  - name: v\n    secret:\n      secretName: creds\n      defaultMode: 0444',
    ]);
    assert.deepEqual(f.dependsOn, []);
  });

  test('the same secret with the pod\'s fsGroup, or the default mode: quiet', () => {
    assert.deepEqual(uid205(k8s(pod('secret: { secretName: creds, defaultMode: 0600 }', '', '{ runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000 }'))), []);
    assert.deepEqual(uid205(k8s(pod('secret: { secretName: creds }'))), []);
  });

  test('an item of its own mode 0400 names the item', () => {
    const [f] = uid205(k8s(pod('configMap: { name: cfg, items: [{ key: a, path: a.conf }, { key: b, path: b.conf, mode: 0400 }] }')));
    assert.equal(f.message, 'app (uid 1000) cannot read /mnt/v/b.conf (Pod/p container c: v -> /mnt/v): the kubelet writes it 0:0 with mode 0400 - Permission denied.');
    assert.deepEqual(f.fixes.map((x) => x.snippet), [
      '# in the pod spec:\nsecurityContext:\n  fsGroup: 1000',
      '# in the pod spec:\nvolumes:\n  - name: v\n    configMap:\n      name: cfg\n      defaultMode: 0444',
    ]);
  });

  test('one key mounted with subPath: the file itself', () => {
    const [f] = uid205(k8s(pod('secret: { secretName: creds, defaultMode: 0600 }', ', subPath: token')));
    assert.equal(f.message, 'app (uid 1000) cannot read /mnt/v (Pod/p container c: v -> /mnt/v): it belongs to 0:0 with mode 0600 - Permission denied.');
  });
});
