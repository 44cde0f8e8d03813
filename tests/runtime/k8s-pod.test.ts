// What the pod around a Kubernetes container does to what it finds: init containers run first
// on the shared volumes, the volume types' own ownership rules (PVC, NFS, configMap, hostPath
// types), user namespaces (hostUsers: false), and the fixes written for them.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type Analysis } from '../../src/analyze.js';
import { readKubernetes, selectContainer } from '../../src/runtime/kubernetes.js';
import type { HostPathFacts } from '../../src/model/types.js';

const DOCKERFILE = ['FROM debian:bookworm', 'RUN useradd -m -u 1000 app', 'USER app', 'CMD ["python3", "-c", "pass"]'].join('\n');

function check(manifest: string, opts: { dockerfile?: string; host?: HostPathFacts[]; paths?: string[]; container?: string } = {}): Analysis {
  const m = readKubernetes(manifest, { file: 'pod.yaml' });
  const c = selectContainer(m.containers, 'pod.yaml', opts.container);
  if ('error' in c) throw new Error(c.error);
  return analyze({ file: 'Dockerfile', text: opts.dockerfile ?? DOCKERFILE, run: c.run, host: opts.host ?? [], paths: opts.paths ?? [], profile: 'dev' });
}

const rules = (a: Analysis) => a.findings.map((f) => f.ruleId);
const verdict = (a: Analysis, path: string, op: string) => a.verdicts.find((v) => v.path === path && v.op === op)!;
const note = (a: Analysis, start: string) => a.runtime.notes.map((n) => n.text).filter((t) => t.startsWith(start));

function pod(init: string, volume: string, extra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 1000${extra}}
  initContainers:
${init}
  containers:
    - name: app
      image: img
      volumeMounts: [{name: data, mountPath: /data}]
  volumes:
    - name: data
${volume}
`;
}
const SRV: HostPathFacts[] = [{ path: '/srv/data', exists: true, meta: { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }, from: 'facts-file' }];
const HOSTPATH = '      hostPath: {path: /srv/data, type: Directory}';
const PVC = '      persistentVolumeClaim: {claimName: c}';

describe('init containers run before the container, on the same volumes', () => {
  test('a root init container that chowns the hostPath (sh -c) removes UID201, and says what it changed', () => {
    const init = `    - name: fix-perms
      image: busybox
      command: ["sh", "-c", "chown -R 1000:1000 /data"]
      securityContext: {runAsUser: 0}
      volumeMounts: [{name: data, mountPath: /data}]`;
    const a = check(pod(init, HOSTPATH), { host: SRV });
    assert.equal(rules(a).includes('UID201'), false);
    assert.deepEqual([verdict(a, '/data', 'write').allowed, verdict(a, '/data', 'write').dependsOn], [true, ['k8s-init:fix-perms']]);
    // What it changed is said with the assumption the report lists (`--verbose`, JSON).
    const x = a.assumptions.find((y) => y.id === 'k8s-init:fix-perms')!;
    assert.deepEqual([x.confidence, x.text], ['medium', 'initContainer fix-perms runs image busybox, not the analysed one: `chown -R 1000:1000 /data` is followed as uid 0 (root), taking the shell and the tools it names as present there; only what it does to the shared volumes is kept; it changed volume data: /data drwxr-xr-x 0:0 -> drwxr-xr-x 1000:1000']);
    assert.deepEqual(note(a, 'initContainer fix-perms'), [x.text]);
  });

  test('exec form (command: [chmod, ...]) at another mount path of the same volume, in the same image', () => {
    const init = `    - name: open
      image: img
      command: [chmod, "0777", /work]
      securityContext: {runAsUser: 0}
      volumeMounts: [{name: data, mountPath: /work}]`;
    const a = check(pod(init, HOSTPATH), { host: SRV });
    assert.equal(rules(a).includes('UID201'), false);
    assert.match(a.assumptions.find((y) => y.id === 'k8s-init:open')?.text ?? '', /; it changed volume data: \/data drwxr-xr-x 0:0 -> drwxrwxrwx 0:0$/);
    assert.equal(a.assumptions.find((y) => y.id === 'k8s-init:open')?.confidence, 'high');
    assert.deepEqual(verdict(a, '/data', 'write').dependsOn, []);
  });

  test('init containers run in order: the second sees what the first did', () => {
    const init = `    - name: one
      image: img
      command: [mkdir, /data/out]
      securityContext: {runAsUser: 0}
      volumeMounts: [{name: data, mountPath: /data}]
    - name: two
      image: img
      command: [chown, "1000", /data/out]
      securityContext: {runAsUser: 0}
      volumeMounts: [{name: data, mountPath: /data}]`;
    const a = check(pod(init, HOSTPATH), { host: SRV, paths: ['/data/out'] });
    assert.equal(verdict(a, '/data/out', 'write').allowed, true);
    assert.deepEqual(note(a, 'initContainer'), [
      'initContainer one runs before the container, as uid 0 (root), in the same image: `mkdir /data/out` is followed on the volumes it shares with the container; it changed volume data: /data/out created drwxr-xr-x 0:0',
      'initContainer two runs before the container, as uid 0 (root), in the same image: `chown 1000 /data/out` is followed on the volumes it shares with the container; it changed volume data: /data/out drwxr-xr-x 0:0 -> drwxr-xr-x 1000:0',
    ]);
  });

  test('an init container running a script of another image: an assumption, and UID201 depends on it (warning)', () => {
    const init = `    - name: prep
      image: busybox
      command: ["/scripts/fix.sh"]
      securityContext: {runAsUser: 0}
      volumeMounts: [{name: data, mountPath: /data}]`;
    const a = check(pod(init, HOSTPATH), { host: SRV });
    const f = a.findings.find((x) => x.ruleId === 'UID201')!;
    assert.deepEqual([f.severity, f.dependsOn], ['warning', ['k8s-init-unknown:prep']]);
    assert.equal(f.message, 'app (uid 1000) may not be able to write to /data (Pod/p container app: data -> /data): it belongs to 0:0 on the node - Permission denied.');
    const x = a.assumptions.find((y) => y.id === 'k8s-init-unknown:prep')!;
    assert.deepEqual([x.confidence, x.text], ['low', 'initContainer prep (image busybox) runs before the container and may change the volumes it mounts (data at /data), but it runs the script /scripts/fix.sh, whose text uidctl does not have: verdicts on them depend on what it does']);
  });

  test('an init container of another image with no command runs that image\'s own command: an assumption', () => {
    const init = `    - name: prep
      image: busybox
      volumeMounts: [{name: data, mountPath: /data}]`;
    const a = check(pod(init, HOSTPATH), { host: SRV });
    assert.deepEqual(verdict(a, '/data', 'write').dependsOn, ['k8s-init-unknown:prep']);
  });

  test('an init container that cannot chown (not root) changes nothing and says it fails', () => {
    const init = `    - name: prep
      image: busybox
      command: ["sh", "-c", "chown -R 1000:1000 /data"]
      volumeMounts: [{name: data, mountPath: /data}]`;
    const a = check(pod(init, HOSTPATH), { host: SRV });
    assert.equal(verdict(a, '/data', 'write').allowed, false);
    assert.match(a.assumptions.find((y) => y.id === 'k8s-init-unknown:prep')!.text, /it fails \(chown: changing ownership of '\/data': Operation not permitted\)/);
    // The pod never gets past Init: a start failure (UID106), a sure one on a hostPath of known facts.
    const f = a.findings.find((x) => x.ruleId === 'UID106' && x.message.includes('init container'));
    assert.deepEqual([f?.severity, f?.message], ['error', "The container will not start: the init container prep fails (chown: changing ownership of '/data': Operation not permitted), so the pod stays in Init."]);
  });

  test('on a claim whose owner is assumed, the failing init container is a warning that says so', () => {
    const init = `    - name: prep
      image: busybox
      command: ["sh", "-c", "chown -R 1000:1000 /data"]
      volumeMounts: [{name: data, mountPath: /data}]`;
    const a = check(pod(init, PVC));
    const f = a.findings.find((x) => x.ruleId === 'UID106' && x.message.includes('init container'));
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /, if the volumes are as assumed\.$/);
  });
});

describe('UID201 by volume kind', () => {
  const STS = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      securityContext: {runAsUser: 1000, runAsNonRoot: true}
      containers:
        - name: app
          image: img
          volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

  test('a PersistentVolumeClaim (volumeClaimTemplates) is not filled from the image: fsGroup and an init container', () => {
    const f = check(STS).findings.find((x) => x.ruleId === 'UID201')!;
    assert.equal(f.why, 'creating a file in /data: /data is drwxr-xr-x 0:0; uid 1000 (app) falls in the other class (r-x), which does not allow write+search/execute. The PersistentVolumeClaim data-db-0 is not filled from the image: Kubernetes mounts the storage as its driver made it, and only securityContext.fsGroup (for volume types that support ownership management) or an init container changes its owner.');
    assert.deepEqual(f.fixes.map((x) => x.snippet), [
      '# in the pod spec:\nsecurityContext:\n  fsGroup: 1000\n  fsGroupChangePolicy: OnRootMismatch',
      '# in the pod spec:\ninitContainers:\n  - name: volume-owner\n    image: busybox\n    command: ["chown", "-R", "1000:1000", "/data"]\n    securityContext:\n      runAsUser: 0\n      runAsNonRoot: false\n    volumeMounts:\n      - name: data\n        mountPath: /data',
    ]);
    assert.equal(f.fixes.some((x) => x.snippet?.includes('RUN ')), false);
  });

  test('a PVC with fsGroup set is writable through the group', () => {
    const a = check(pod('    []', PVC, ', fsGroup: 1000').replace('  initContainers:\n    []\n', ''));
    assert.deepEqual([verdict(a, '/data', 'write').allowed, rules(a).includes('UID201')], [true, false]);
  });

  test('a hostPath on a node: the node folder, and a root init container', () => {
    const a = check(pod('    []', HOSTPATH).replace('  initContainers:\n    []\n', ''), { host: SRV });
    const f = a.findings.find((x) => x.ruleId === 'UID201')!;
    assert.equal(f.message, 'app (uid 1000) cannot write to /data (Pod/p container app: data -> /data): it belongs to 0:0 on the node - Permission denied.');
    assert.deepEqual(f.fixes.map((x) => x.description.slice(0, 60)), [
      "Give the folder to uid 1000 on the node (it is root's now: c",
      'Or, if the container only reads this folder (a dataset, mode',
      'Or let a root init container give it to uid 1000 when the po',
    ]);
  });
});

describe('UID201 for a Docker named volume with nocopy', () => {
  test('the volume is not filled from the image: drop nocopy, or chown it once', async () => {
    const { parseDockerRun } = await import('../../src/runtime/docker.js');
    const run = parseDockerRun('docker run --mount type=volume,src=cache,dst=/data,volume-nocopy img', { invoker: { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' } });
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m -u 1000 app && mkdir /data && chown app /data\nUSER app\n', run, host: [] });
    const f = a.findings.find((x) => x.ruleId === 'UID201')!;
    assert.match(f.why, /With nocopy the volume is not filled from the image: a new volume keeps the root:root 0755 directory the engine makes, whatever the image has at the path\.$/);
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['--mount type=volume,src=cache,dst=/data', 'docker run --rm -v cache:/v busybox chown 1000:1000 /v']);
  });
});

describe('configMap and secret volumes', () => {
  const cm = (items: string, mode = '') => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 1000}
  containers:
    - name: app
      image: img
      command: ["/scripts/run.sh"]
      volumeMounts: [{name: s, mountPath: /scripts}]
  volumes:
    - name: s
      configMap:
        name: scripts${mode}${items}
`;
  const ITEMS = '\n        items: [{key: run.sh, path: run.sh}]';

  test('a script of a configMap with the default mode 0644: UID106 is sure, and its fixes are defaultMode, items[].mode, sh', () => {
    const f = check(cm(ITEMS)).findings.find((x) => x.ruleId === 'UID106')!;
    assert.deepEqual([f.severity, f.message], ['error', 'The container will not start: app (uid 1000) cannot execute /scripts/run.sh (exec /scripts/run.sh: permission denied).']);
    assert.equal(f.why, '/scripts/run.sh is -rw-r--r-- 0:0; uid 1000 (app) falls in the other class (r--), which does not allow search/execute. /scripts/run.sh is a file of the configMap volume scripts, written by the kubelet with the default mode, as defaultMode is not set (0644): no execute bit.');
    // The items stay in the defaultMode fix: they are the only keys the volume holds.
    assert.deepEqual(f.fixes.map((x) => x.snippet), [
      '# in the pod spec:\nvolumes:\n  - name: s\n    configMap:\n      name: scripts\n      defaultMode: 0755\n      items:\n        - key: run.sh\n          path: run.sh',
      '# in the pod spec:\nvolumes:\n  - name: s\n    configMap:\n      name: scripts\n      items:\n        - key: run.sh\n          path: run.sh\n          mode: 0755',
      'command: ["sh", "/scripts/run.sh"]',
    ]);
  });

  test('the items fix keeps the other items, with their own modes; an item mode of its own leaves defaultMode out', () => {
    const items = '\n        items: [{key: env, path: env.conf, mode: 0600}, {key: start, path: run.sh, mode: 0644}]';
    const f = check(cm(items)).findings.find((x) => x.ruleId === 'UID106')!;
    assert.equal(f.why.endsWith('written by the kubelet with its items[].mode (0644): no execute bit.'), true);
    assert.deepEqual(f.fixes.map((x) => x.snippet), [
      '# in the pod spec:\nvolumes:\n  - name: s\n    configMap:\n      name: scripts\n      items:\n        - key: env\n          path: env.conf\n          mode: 0600\n        - key: start\n          path: run.sh\n          mode: 0755',
      'command: ["sh", "/scripts/run.sh"]',
    ]);
    assert.equal(f.fixes[0].description, 'Give only this key a mode with items[].mode (listed items are the only keys the volume holds).');
  });

  test('without items the defaultMode fix has none either', () => {
    const f = check(cm('')).findings.find((x) => x.ruleId === 'UID106')!;
    assert.equal(f.fixes[0].snippet, '# in the pod spec:\nvolumes:\n  - name: s\n    configMap:\n      name: scripts\n      defaultMode: 0755');
  });

  test('defaultMode 0755 makes it executable', () => {
    assert.equal(rules(check(cm(ITEMS, '\n        defaultMode: 0755'))).includes('UID106'), false);
  });

  test('without items the keys are unknown: a path below is an assumed key, not ENOENT', () => {
    const a = check(cm(''), { paths: ['/scripts/run.sh'] });
    const v = verdict(a, '/scripts/run.sh', 'read');
    assert.deepEqual([v.allowed, v.errno, v.dependsOn], [true, undefined, ['k8s-configMap-root:/scripts', 'k8s-configMap-keys:/scripts/run.sh']]);
    assert.equal(a.assumptions.find((x) => x.id === 'k8s-configMap-keys:/scripts/run.sh')?.text, 'configMap scripts is mounted at /scripts without items, so its keys are not in the manifest: run.sh is taken to be one of them, a file 0644 0:0 (the default mode, 0644); if it is not, /scripts/run.sh does not exist');
    const f = a.findings.find((x) => x.ruleId === 'UID106')!;
    assert.deepEqual([f.severity, f.message], ['warning', 'The container will not start: app (uid 1000) cannot execute /scripts/run.sh (exec /scripts/run.sh: permission denied), if the configMap has the key run.sh.']);
  });
});

describe('UID102 HOME fix on a read-only root file system', () => {
  const NO_USER = 'FROM debian:bookworm\nCMD ["python3", "-c", "pass"]\n';

  test('Kubernetes readOnlyRootFilesystem: HOME=/tmp gets an emptyDir at /tmp', () => {
    const man = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsUser: 1001}\n  containers:\n    - name: app\n      image: img\n      securityContext: {readOnlyRootFilesystem: true}\n';
    const f = check(man, { dockerfile: NO_USER }).findings.find((x) => x.ruleId === 'UID102')!;
    assert.equal(f.fixes[1].snippet, 'env:\n  - name: HOME\n    value: /tmp\nvolumeMounts:\n  - name: tmp\n    mountPath: /tmp\n# in the pod spec:\nvolumes:\n  - name: tmp\n    emptyDir: {}');
  });

  test('Compose read_only: true: HOME=/tmp gets a tmpfs at /tmp', async () => {
    const { parseCompose } = await import('../../src/runtime/compose.js');
    const run = parseCompose('services:\n  app:\n    image: img\n    user: "1001"\n    read_only: true\n', { invoker: { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' }, env: {} }).services.app;
    const a = analyze({ file: 'Dockerfile', text: NO_USER, run, host: [] });
    const f = a.findings.find((x) => x.ruleId === 'UID102')!;
    assert.equal(f.fixes[1].snippet, 'environment:\n  HOME: /tmp\ntmpfs:\n  - /tmp');
  });

  test('without a read-only root, HOME=/tmp alone', () => {
    const man = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsUser: 1001}\n  containers:\n    - name: app\n      image: img\n';
    const f = check(man, { dockerfile: NO_USER }).findings.find((x) => x.ruleId === 'UID102')!;
    assert.equal(f.fixes[1].snippet, 'env:\n  - name: HOME\n    value: /tmp');
  });
});

describe('hostPath types', () => {
  const hp = (type: string, path = '/srv/data') => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 1000}
  containers:
    - name: app
      image: img
      volumeMounts: [{name: data, mountPath: /data}]
  volumes:
    - name: data
      hostPath: {path: ${path}${type ? `, type: ${type}` : ''}}
`;
  const MISSING: HostPathFacts[] = [{ path: '/srv/data', exists: false, from: 'facts-file' }];
  const FILE: HostPathFacts[] = [{ path: '/srv/data', exists: true, meta: { kind: 'file', uid: 0, gid: 0, mode: 0o644 }, from: 'facts-file' }];

  test('FileOrCreate on a missing path: the kubelet makes an empty file 0644 owned by root; no start failure', () => {
    const a = check(hp('FileOrCreate'), { host: MISSING });
    assert.deepEqual(a.runtime.errors, []);
    assert.deepEqual(a.runtime.view.fs.get('/data'), { kind: 'file', uid: 0, gid: 0, mode: 0o644, origin: 'host:/srv/data (created by the kubelet)' });
    const f = a.findings.find((x) => x.ruleId === 'UID203')!;
    assert.deepEqual([f.severity, f.message], ['warning', '/srv/data does not exist on the node: the kubelet creates it as an empty file, 0644, owned by root, so only root can write it.']);
    assert.equal(f.fixes[0].snippet, 'sudo touch /srv/data && sudo chown 1000:1000 /srv/data');
  });

  test('Directory on a missing path: the kubelet\'s own words', () => {
    const a = check(hp('Directory'), { host: MISSING });
    assert.deepEqual(a.runtime.errors, [{ message: 'MountVolume.SetUp failed for volume "data" : hostPath type check failed: /srv/data is not a directory' }]);
    const f = a.findings.find((x) => x.ruleId === 'UID203')!;
    assert.deepEqual([f.severity, f.message], ['error', 'The container will not start: MountVolume.SetUp failed for volume "data" : hostPath type check failed: /srv/data is not a directory.']);
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['sudo mkdir -p /srv/data', 'hostPath:\n  path: /srv/data\n  type: DirectoryOrCreate']);
  });

  test('Directory over a file, File over nothing', () => {
    assert.deepEqual(check(hp('Directory'), { host: FILE }).runtime.errors.map((e) => e.message), ['MountVolume.SetUp failed for volume "data" : hostPath type check failed: /srv/data is not a directory']);
    assert.deepEqual(check(hp('File'), { host: MISSING }).runtime.errors.map((e) => e.message), ['MountVolume.SetUp failed for volume "data" : hostPath type check failed: /srv/data is not a file']);
  });

  test('DirectoryOrCreate and "" speak of the node and the kubelet or runtime, not of Docker and -v', () => {
    const dc = check(hp('DirectoryOrCreate'), { host: MISSING }).findings.find((x) => x.ruleId === 'UID203')!;
    assert.equal(dc.message, '/srv/data does not exist on the node: the kubelet creates it as a directory, 0755, owned by root, so only root can write it.');
    const none = check(hp(''), { host: MISSING });
    const f = none.findings.find((x) => x.ruleId === 'UID203')!;
    assert.deepEqual([f.message, f.dependsOn], ['/srv/data does not exist on the node: the container runtime (type "" is not checked by the kubelet) creates it as a directory, 0755, owned by root, so only root can write it.', ['k8s-hostpath-created:/srv/data']]);
  });
});

describe('hostPath subPath the node lacks: the kubelet makes it', () => {
  // kubelet makeMounts + subpath doSafeMakeDir: the volume folder's mode, owner root.
  const sub = (type = '') => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 1000}
  containers:
    - name: app
      image: img
      volumeMounts: [{name: data, mountPath: /g, subPath: sub}]
  volumes:
    - name: data
      hostPath: {path: /srv/locked${type ? `, type: ${type}` : ''}}
`;
  const host = (mode: number, gid = 0): HostPathFacts[] => [
    { path: '/srv/locked', exists: true, meta: { kind: 'dir', uid: 0, gid, mode }, from: 'facts-file' },
    { path: '/srv/locked/sub', exists: false, from: 'facts-file' },
  ];

  test('a 0700 volume folder: the subPath is made 0700 root, not the runtime\'s 0755', () => {
    const a = check(sub(), { host: host(0o700) });
    assert.deepEqual(a.runtime.view.fs.get('/g'), { kind: 'dir', uid: 0, gid: 0, mode: 0o700, origin: 'host:/srv/locked/sub (subPath made by the kubelet)' });
    const f = a.findings.find((x) => x.ruleId === 'UID203')!;
    assert.deepEqual([f.message, f.dependsOn], ['/srv/locked/sub does not exist on the node: the kubelet creates the subPath sub as a directory with the mode of /srv/locked (0700), owned by root, so only root can write it.', []]);
    assert.equal(a.assumptions.some((x) => x.id.startsWith('k8s-hostpath-created')), false);
  });

  test('a setgid 2775 volume folder of group 100: the subPath keeps the mode and takes the group', () => {
    const a = check(sub('Directory'), { host: host(0o2775, 100) });
    assert.deepEqual(a.runtime.view.fs.get('/g'), { kind: 'dir', uid: 0, gid: 100, mode: 0o2775, origin: 'host:/srv/locked/sub (subPath made by the kubelet)' });
    assert.deepEqual(a.runtime.errors, []);
  });
});

describe('an init container the kubelet refuses to create', () => {
  test('runAsNonRoot on the pod and runAsUser: 0 on the init container: UID104 error, as for the container', () => {
    const init = `    - name: fix
      image: busybox
      securityContext: {runAsUser: 0}
      command: ["sh", "-c", "chown -R 1000 /data"]
      volumeMounts: [{name: data, mountPath: /data}]`;
    const a = check(pod(init, '      emptyDir: {}', ', runAsNonRoot: true'));
    const f = a.findings.find((x) => x.ruleId === 'UID104')!;
    assert.deepEqual([f.severity, f.message], ['error', 'The container will not start: the kubelet refuses to create the init container fix (container\'s runAsUser breaks non-root policy), so the pod stays in Init.']);
    assert.equal(f.fixes[0].snippet, 'initContainers:\n  - name: fix\n    securityContext:\n      runAsUser: 0\n      runAsNonRoot: false');
    assert.deepEqual(a.findings.filter((x) => x.message.includes('init container fix')).map((x) => x.ruleId), ['UID104']);
    assert.equal(a.assumptions.some((x) => x.id === 'k8s-init-fails:fix'), false);
  });
});

describe('nfs volumes', () => {
  const NFS = '      nfs: {server: nfs.example, path: /exports/data}';

  test('fsGroup does not apply: the owner is the server\'s, an assumption; UID201 depends on it and offers no fsGroup', () => {
    const a = check(pod('    []', NFS, ', fsGroup: 1000').replace('  initContainers:\n    []\n', ''));
    assert.deepEqual(a.runtime.view.fs.get('/data'), { kind: 'dir', uid: 0, gid: 0, mode: 0o755, origin: 'kubernetes nfs nfs.example:/exports/data', partial: true });
    assert.equal(a.assumptions.find((x) => x.id === 'k8s-nfs-owner:/data')?.text, 'nfs volume nfs.example:/exports/data: its owner and mode are the NFS server\'s export, not known here; assumed 0755 0:0 (fsGroup does not change it: the NFS volume plugin does not apply fsGroup ownership)');
    const f = a.findings.find((x) => x.ruleId === 'UID201')!;
    assert.deepEqual([f.severity, f.dependsOn], ['warning', ['k8s-nfs-owner:/data']]);
    assert.match(f.why, /An nfs volume shows the server's export with the owner and mode it has there: Kubernetes does not fill it from the image, and the NFS volume plugin does not apply securityContext\.fsGroup\.$/);
    assert.deepEqual(f.fixes.map((x) => x.snippet?.split('\n')[1] ?? x.snippet), ['initContainers:', 'sudo chown -R 1000:1000 /exports/data']);
  });
});

describe('hostUsers: false (user namespaces)', () => {
  const man = (hostUsers: string) => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:${hostUsers}
  securityContext: {runAsUser: 0}
  containers:
    - name: app
      image: img
      volumeMounts: [{name: data, mountPath: /data}]
  volumes:
    - name: data
      hostPath: {path: /srv/data, type: Directory}
`;
  const ROOT_IMG = 'FROM debian:bookworm\nCMD ["sleep", "1"]\n';

  test('parsed from the pod spec', () => {
    assert.equal(readKubernetes(man('\n  hostUsers: false'), {}).containers[0].run.hostUsers, false);
    assert.equal(readKubernetes(man(''), {}).containers[0].run.hostUsers, undefined);
  });

  test('UID101 and UID202 make no "root on the host" claim, and rest on the idmapped-volume assumption', () => {
    const a = check(man('\n  hostUsers: false'), { dockerfile: ROOT_IMG, host: SRV });
    const u101 = a.findings.find((x) => x.ruleId === 'UID101')!;
    assert.equal(u101.why, 'With hostUsers: false, uid 0 is root only inside the pod\'s user namespace: on the node it is an unprivileged uid, so a process that escapes the container is not root there. Inside, it can still change every file in the image and in its volumes.');
    assert.deepEqual(u101.dependsOn, ['k8s-userns']);
    const u202 = a.findings.find((x) => x.ruleId === 'UID202')!;
    assert.equal(u202.message.includes('root on the host'), false);
    assert.deepEqual(u202.dependsOn, ['k8s-userns']);
    assert.deepEqual(verdict(a, '/data', 'write').dependsOn, ['k8s-userns']);
    assert.equal(a.assumptions.find((x) => x.id === 'k8s-userns')?.confidence, 'medium');
  });

  test('without hostUsers: false the texts are unchanged', () => {
    const a = check(man(''), { dockerfile: ROOT_IMG, host: SRV });
    assert.match(a.findings.find((x) => x.ruleId === 'UID202')!.message, /will belong to root on the host/);
  });
});

describe('hostPath on a node --host-facts does not describe', () => {
  // The node is not this machine: check.ts reads no stat for a pod; the path is assumed.
  const hp = (type: string) => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 1000, fsGroup: 100}
  containers:
    - name: app
      image: img
      volumeMounts: [{name: w, mountPath: /home/jovyan/work}]
  volumes:
    - {name: w, hostPath: {path: /srv/nb${type ? `, type: ${type}` : ''}}}
`;

  test('type Directory: no type-check failure, a root 0755 folder on a low assumption, and UID201 a warning resting on it', () => {
    const a = check(hp('Directory'));
    assert.deepEqual(a.runtime.errors, []);
    assert.deepEqual(a.runtime.view.fs.get('/home/jovyan/work'), { kind: 'dir', uid: 0, gid: 0, mode: 0o755, origin: 'host:/srv/nb', partial: true });
    const as = a.assumptions.find((x) => x.id === 'host-unknown:/srv/nb')!;
    assert.deepEqual([as.confidence, as.text], ['low', '/srv/nb is a path on the cluster node, not on this machine, and --host-facts does not describe it: the kubelet\'s type check (Directory) is taken to pass; assumed a directory owned by root, mode 0755']);
    assert.equal(rules(a).includes('UID203'), false);
    const f = a.findings.find((x) => x.ruleId === 'UID201')!;
    assert.deepEqual([f.severity, f.dependsOn], ['warning', ['host-unknown:/srv/nb']]);
  });

  test('type File: a root 0644 file is assumed; no type: the check is not made', () => {
    assert.deepEqual(check(hp('File')).runtime.view.fs.get('/home/jovyan/work'), { kind: 'file', uid: 0, gid: 0, mode: 0o644, origin: 'host:/srv/nb' });
    assert.equal(check(hp('')).assumptions.find((x) => x.id === 'host-unknown:/srv/nb')!.text, '/srv/nb is a path on the cluster node, not on this machine, and --host-facts does not describe it: hostPath with no type is not checked; assumed a directory owned by root, mode 0755');
  });

  test('facts given for the path are used: missing fails the Directory check, a 0775 folder of uid 1000 is written', () => {
    const missing = check(hp('Directory'), { host: [{ path: '/srv/nb', exists: false, from: 'facts-file' }] });
    assert.deepEqual(missing.runtime.errors.map((e) => e.message), ['MountVolume.SetUp failed for volume "w" : hostPath type check failed: /srv/nb is not a directory']);
    const owned = check(hp('Directory'), { host: [{ path: '/srv/nb', exists: true, meta: { kind: 'dir', uid: 1000, gid: 100, mode: 0o775 }, from: 'facts-file' }] });
    assert.deepEqual([owned.runtime.errors, rules(owned).includes('UID201'), owned.assumptions.some((x) => x.id.startsWith('host-unknown'))], [[], false, false]);
  });

  test('listed with no owner or mode ({}): it exists, and its owner is the assumption', () => {
    const a = check(hp('Directory'), { host: [{ path: '/srv/nb', exists: true, from: 'facts-file' }] });
    assert.deepEqual(a.runtime.errors, []);
    assert.equal(a.assumptions.find((x) => x.id === 'host-unknown:/srv/nb')!.text, '/srv/nb is a path on the cluster node, not on this machine, and --host-facts does not describe its owner and mode: the kubelet\'s type check (Directory) is taken to pass; assumed a directory owned by root, mode 0755');
  });
});

describe('projected volumes: the serviceAccountToken file and the pod\'s FsUser', () => {
  // kubelet projected.go collectData and util.go FsUserFrom.
  const proj = (o: { podSc?: string; sc2?: string; init?: string; mountPath?: string; sources?: string; mode?: string } = {}) => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {${o.podSc ?? 'runAsUser: 1000'}}
${o.init ?? ''}  containers:
    - name: a
      image: img
      volumeMounts: [{name: proj, mountPath: ${o.mountPath ?? '/etc/tokens'}}]
${o.sc2 !== undefined ? `    - name: b\n      image: img\n      securityContext: {${o.sc2}}\n` : ''}  volumes:
    - name: proj
      projected:
        defaultMode: ${o.mode ?? '0400'}
        sources:
${o.sources ?? '          - serviceAccountToken: {path: token, audience: vault}'}
`;
  const token = (a: Analysis, path = '/etc/tokens/token') => a.runtime.view.fs.get(path);

  test('runAsUser 1000 and defaultMode 0400: the token is 1000\'s, 0600, and readable; no UID205', () => {
    const a = check(proj(), { paths: ['/etc/tokens/token'] });
    assert.deepEqual(token(a), { kind: 'file', uid: 1000, gid: 0, mode: 0o600, origin: 'kubernetes projected proj' });
    assert.equal(verdict(a, '/etc/tokens/token', 'read').allowed, true);
    assert.equal(rules(a).includes('UID205'), false);
    assert.equal(a.assumptions.find((x) => x.id === 'k8s-projected-root:/etc/tokens')!.text, 'projected volume directory assumed 0755 0:0; its files are 0400 (token: 1000:0 0600 the kubelet writes for the pod\'s user) and it is read-only');
  });

  test('with fsGroup as well: 1000:2000 0640 (SetVolumeOwnership adds group read)', () => {
    assert.deepEqual(token(check(proj({ podSc: 'runAsUser: 1000, fsGroup: 2000' }))), { kind: 'file', uid: 1000, gid: 2000, mode: 0o640, origin: 'kubernetes projected proj' });
  });

  test('fsGroup without runAsUser: root\'s, 0640 of group 2000, readable through the group', () => {
    const a = check(proj({ podSc: 'fsGroup: 2000' }), { paths: ['/etc/tokens/token'] });
    assert.deepEqual(token(a), { kind: 'file', uid: 0, gid: 2000, mode: 0o640, origin: 'kubernetes projected proj' });
    assert.equal(verdict(a, '/etc/tokens/token', 'read').allowed, true);
  });

  test('containers with different runAsUser: no FsUser, so the token is root\'s with defaultMode 0400: UID205', () => {
    const a = check(proj({ sc2: 'runAsUser: 2000' }));
    assert.deepEqual(token(a), { kind: 'file', uid: 0, gid: 0, mode: 0o400, origin: 'kubernetes projected proj' });
    const f = a.findings.find((x) => x.ruleId === 'UID205')!;
    assert.deepEqual([f.severity, f.message], ['error', 'app (uid 1000) cannot read /etc/tokens/token (Pod/p container a: proj -> /etc/tokens): the kubelet writes it 0:0 with mode 0400 - Permission denied.']);
  });

  test('a container without runAsUser, or an init container of another uid, leaves no FsUser; one that inherits the pod\'s does', () => {
    assert.equal(token(check(proj({ podSc: '', sc2: 'runAsUser: 1000' })))?.uid, 0);
    const init = (sc: string) => `  initContainers:\n    - name: i\n      image: busybox\n      command: ["true"]\n      securityContext: {${sc}}\n`;
    assert.equal(token(check(proj({ init: init('runAsUser: 0') })))?.uid, 0);
    assert.equal(token(check(proj({ init: init('') })))?.uid, 1000);
  });

  test('secret and downwardAPI items keep root and defaultMode; a secret without items leaves keys unlisted', () => {
    const sources = [
      '          - serviceAccountToken: {path: token}',
      '          - secret: {name: s, items: [{key: k, path: k}]}',
      '          - downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}',
      '          - configMap: {name: c}',
    ].join('\n');
    const a = check(proj({ sources }), { paths: ['/etc/tokens/other'] });
    assert.deepEqual(['token', 'k', 'labels'].map((p) => token(a, `/etc/tokens/${p}`)?.uid), [1000, 0, 0]);
    assert.equal(token(a, '/etc/tokens/k')?.mode, 0o400);
    const v = verdict(a, '/etc/tokens/other', 'read');
    assert.deepEqual([v.allowed, v.dependsOn], [false, ['k8s-projected-root:/etc/tokens', 'k8s-projected-keys:/etc/tokens/other']]);
  });

  test('every file listed: a name no source gives does not exist', () => {
    const v = verdict(check(proj(), { paths: ['/etc/tokens/ca.crt'] }), '/etc/tokens/ca.crt', 'read');
    assert.deepEqual([v.allowed, v.errno], [false, 'ENOENT']);
  });

  test('mounted under a link of the image (/var/run -> /run): the files are there by either name', () => {
    const a = check(proj({ mountPath: '/var/run/secrets/tokens' }), { paths: ['/var/run/secrets/tokens/token', '/run/secrets/tokens/token'] });
    assert.deepEqual(token(a, '/run/secrets/tokens/token'), { kind: 'file', uid: 1000, gid: 0, mode: 0o600, origin: 'kubernetes projected proj' });
    for (const p of ['/var/run/secrets/tokens/token', '/run/secrets/tokens/token']) {
      const v = verdict(a, p, 'read');
      assert.deepEqual([p, v.allowed, v.dependsOn], [p, true, ['k8s-projected-root:/run/secrets/tokens']]);
    }
  });

  test('a configMap without items under the link: a key named through it is the assumed key, not ENOENT', () => {
    const cm = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: img\n      volumeMounts: [{name: c, mountPath: /var/run/cfg}]\n  volumes:\n    - {name: c, configMap: {name: cfg}}\n`;
    const a = check(cm, { paths: ['/var/run/cfg/app.yaml'] });
    const v = verdict(a, '/var/run/cfg/app.yaml', 'read');
    assert.deepEqual([v.allowed, v.errno, v.dependsOn], [true, undefined, ['k8s-configMap-root:/run/cfg', 'k8s-configMap-keys:/run/cfg/app.yaml']]);
  });
});
