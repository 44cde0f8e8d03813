import { after, describe, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { evaluate } from '../../src/access/evaluate.js';
import { parseGroup, parsePasswd } from '../../src/image/accounts.js';
import { scratchState } from '../../src/image/state.js';
import type { HostPathFacts, ImageState } from '../../src/model/types.js';
import { parseKubernetes, readKubernetes, selectContainer } from '../../src/runtime/kubernetes.js';
import { resolveRuntime } from '../../src/runtime/resolve.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';

const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata: { name: cfg }
data: { a: b }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trainer
spec:
  template:
    spec:
      securityContext:
        runAsUser: 1000
        runAsGroup: 3000
        fsGroup: 2000
        supplementalGroups: [4000]
        runAsNonRoot: true
      initContainers:
        - name: init
          image: busybox
          securityContext:
            runAsUser: 0
            runAsNonRoot: false
      containers:
        - name: main
          image: registry/trainer:1
          workingDir: /workspace
          command: ["python"]
          args: ["train.py"]
          env:
            - { name: MODE, value: train }
            - name: TOKEN
              valueFrom: { secretKeyRef: { name: s, key: t } }
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
              add: [NET_BIND_SERVICE]
          volumeMounts:
            - { name: scratch, mountPath: /scratch }
            - { name: data, mountPath: /data, readOnly: true, subPath: set1 }
            - { name: cfg, mountPath: /etc/app }
            - { name: models, mountPath: /models }
      volumes:
        - name: scratch
          emptyDir: {}
        - name: data
          hostPath: { path: /srv/data, type: Directory }
        - name: cfg
          configMap:
            name: cfg
            defaultMode: 0440
            items: [{ key: a, path: app.conf }]
        - name: models
          persistentVolumeClaim: { claimName: models-pvc }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: alpine
              securityContext: { privileged: true, allowPrivilegeEscalation: false }
`;

describe('parseKubernetes', () => {
  const runs = parseKubernetes(MANIFEST, { file: 'k8s.yaml' });

  test('one RunContext per container, init containers first, ConfigMap skipped', () => {
    assert.deepEqual(runs.map((r) => r.origin), [
      { file: 'k8s.yaml', line: 20, text: 'Deployment/trainer initContainer init' },
      { file: 'k8s.yaml', line: 26, text: 'Deployment/trainer container main' },
      { file: 'k8s.yaml', line: 68, text: 'CronJob/nightly container job' },
    ]);
  });

  test('pod securityContext with container overrides', () => {
    const [init, main] = runs;
    assert.deepEqual(
      [init.user, init.runAsNonRoot, main.user, main.runAsGroup, main.fsGroup, main.groupAdd, main.runAsNonRoot],
      ['0', undefined, '1000', 3000, 2000, ['4000'], true],
    );
  });

  test('container securityContext fields', () => {
    const main = runs[1];
    assert.deepEqual(
      [main.noNewPrivileges, main.readOnlyRootfs, main.capDrop, main.capAdd, main.privileged],
      [true, true, ['ALL'], ['CAP_NET_BIND_SERVICE'], false],
    );
    // privileged implies privilege escalation whatever allowPrivilegeEscalation says
    assert.deepEqual([runs[2].privileged, runs[2].noNewPrivileges], [true, false]);
  });

  test('command/args, workingDir, env', () => {
    const main = runs[1];
    assert.deepEqual(
      [main.entrypoint, main.command, main.workdir, main.image, main.env],
      [['python'], ['train.py'], '/workspace', 'registry/trainer:1', { MODE: 'train', TOKEN: '<from secretKeyRef>' }],
    );
  });

  test('volumes by type', () => {
    assert.deepEqual(runs[1].mounts, [
      { target: '/scratch', readonly: false, volumeName: 'scratch', written: 'Deployment/trainer container main: scratch -> /scratch', kind: 'volume', source: 'scratch', createMissingSource: false, volumeType: 'emptyDir' },
      { target: '/data', readonly: true, volumeName: 'data', written: 'Deployment/trainer container main: data -> /data', subPath: 'set1', kind: 'bind', source: '/srv/data/set1', createMissingSource: false, volumeType: 'hostPath', hostPathType: 'Directory', volumeRoot: '/srv/data' },
      { target: '/etc/app', readonly: true, volumeName: 'cfg', written: 'Deployment/trainer container main: cfg -> /etc/app', kind: 'volume', source: 'cfg', createMissingSource: false, volumeType: 'configMap', defaultMode: 0o440, items: [{ key: 'a', path: 'app.conf' }] },
      { target: '/models', readonly: false, volumeName: 'models', written: 'Deployment/trainer container main: models -> /models', kind: 'volume', source: 'models-pvc', createMissingSource: false, volumeType: 'persistentVolumeClaim' },
    ]);
  });

  test('a volumeMount naming no volume is an error with the file', () => {
    const text = 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      volumeMounts: [{name: nope, mountPath: /x}]\n';
    assert.throws(() => parseKubernetes(text, { file: 'p.yaml' }), /volumeMount nope names no volume/);
  });
});

function image(user = ''): ImageState {
  const s = scratchState();
  s.accounts.passwd = parsePasswd('root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
  s.accounts.group = parseGroup('root:x:0:\napp:x:1000:\nvideo:x:44:app\n');
  s.fs.set('/workspace', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
  s.config.user = user;
  return s;
}

describe('resolveRuntime with Kubernetes contexts', () => {
  const main = parseKubernetes(MANIFEST)[1];
  const host: HostPathFacts[] = [{ path: '/srv/data/set1', exists: true, meta: { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }, from: 'stat' }];
  const r = resolveRuntime(image(), main, host, { engine: 'docker' });

  test('runAsGroup replaces the primary group; /etc/group, supplementalGroups and fsGroup add', () => {
    assert.deepEqual([r.process.uid, r.process.gid, r.process.groups], [1000, 3000, [3000, 44, 4000, 2000]]);
    assert.deepEqual(r.errors, []);
  });

  test('emptyDir with fsGroup: group 2000, setgid, group-writable', () => {
    assert.deepEqual(r.view.fs.get('/scratch'), { kind: 'dir', uid: 0, gid: 2000, mode: 0o2777, origin: 'kubernetes emptyDir scratch' });
    assert.equal(evaluate(r.identity, r.view, '/scratch/x', 'create').allowed, true);
  });

  test('configMap files with defaultMode, read-only mount', () => {
    assert.deepEqual(r.view.fs.get('/etc/app/app.conf'), { kind: 'file', uid: 0, gid: 2000, mode: 0o440, origin: 'kubernetes configMap cfg' });
    // Opening the 0440 file for writing fails on its mode first (EACCES); a new file in the
    // read-only volume fails on the mount (EROFS).
    assert.equal(evaluate(r.identity, r.view, '/etc/app/app.conf', 'write').errno, 'EACCES');
    assert.equal(evaluate(r.identity, r.view, '/etc/app/new.conf', 'create').errno, 'EROFS');
  });

  test('PVC ownership is an assumption the verdict names', () => {
    const v = evaluate(r.identity, r.view, '/models/m.bin', 'create');
    assert.deepEqual([v.allowed, v.dependsOn], [true, ['k8s-volume-owner:/models']]);
  });

  test('readOnlyRootFilesystem and hostPath readOnly give EROFS', () => {
    assert.equal(evaluate(r.identity, r.view, '/workspace/out', 'create').errno, 'EROFS');
    assert.equal(evaluate(r.identity, r.view, '/data/out', 'create').errno, 'EROFS');
  });

  test('non-root: no effective capabilities even with add', () => {
    assert.equal(r.process.caps.size, 0);
  });

  test('emptyDir without fsGroup is 0777 root', () => {
    const pod = parseKubernetes('kind: Pod\nspec:\n  containers: [{name: c, volumeMounts: [{name: e, mountPath: /e}]}]\n  volumes: [{name: e, emptyDir: {medium: Memory}}]\n')[0];
    const rr = resolveRuntime(image(), pod, [], { engine: 'docker' });
    assert.deepEqual(rr.view.fs.get('/e'), { kind: 'dir', uid: 0, gid: 0, mode: 0o777, origin: 'kubernetes emptyDir e' });
  });

  const breaks = "container's runAsUser breaks non-root policy";
  const nonRoot: { name: string; imageUser: string; sc: string; own?: string; error?: string }[] = [
    { name: 'root image user is refused', imageUser: '', sc: '{runAsNonRoot: true}', error: 'container has runAsNonRoot and image will run as root' },
    { name: 'a named image user cannot be verified', imageUser: 'app', sc: '{runAsNonRoot: true}', error: 'container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root' },
    { name: 'a numeric image user passes', imageUser: '1000', sc: '{runAsNonRoot: true}' },
    { name: 'pod runAsUser 0 breaks the policy whatever the image USER', imageUser: '1000', sc: '{runAsNonRoot: true, runAsUser: 0}', error: breaks },
    { name: 'container runAsUser 0 breaks the pod policy', imageUser: '1000', sc: '{runAsNonRoot: true}', own: '{runAsUser: 0}', error: breaks },
    { name: 'container runAsUser 1000 passes over a pod runAsUser 0', imageUser: '', sc: '{runAsNonRoot: true, runAsUser: 0}', own: '{runAsUser: 1000}' },
    { name: 'runAsUser 1000 passes with a root image', imageUser: '', sc: '{runAsNonRoot: true, runAsUser: 1000}' },
    { name: 'runAsUser 1000 passes with a named image user', imageUser: 'app', sc: '{runAsNonRoot: true, runAsUser: 1000}' },
  ];
  for (const c of nonRoot) {
    test(`runAsNonRoot: ${c.name}`, () => {
      const own = c.own ? `, securityContext: ${c.own}` : '';
      const pod = parseKubernetes(`kind: Pod\nspec:\n  securityContext: ${c.sc}\n  containers: [{name: c${own}}]\n`)[0];
      const rr = resolveRuntime(image(c.imageUser), pod, [], { engine: 'docker' });
      assert.deepEqual(rr.errors, c.error ? [{ message: c.error }] : []);
    });
  }

  test('supplementalGroupsPolicy Strict drops the /etc/group memberships', () => {
    const pod = parseKubernetes('kind: Pod\nspec:\n  securityContext: {runAsUser: 1000, supplementalGroupsPolicy: Strict}\n  containers: [{name: c}]\n')[0];
    const rr = resolveRuntime(image(), pod, [], { engine: 'docker' });
    assert.deepEqual(rr.process.groups, [1000]);
  });
});

describe('parseKubernetes: id fields the API server would refuse', () => {
  const pod = (podSc: string, sc: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  securityContext: ${podSc}\n  containers:\n    - name: app\n      image: x\n      securityContext: ${sc}\n`;
  const cases: { name: string; text: string; message: string }[] = [
    {
      name: 'a quoted runAsUser on the container',
      text: pod('{}', '{ runAsUser: "1000" }'),
      message: 'p.yaml:9: spec.containers[0].securityContext.runAsUser: "1000" is not an integer; the API server refuses it (cannot unmarshal string into an int64 field)',
    },
    {
      name: 'a quoted fsGroup on the pod',
      text: pod('{ fsGroup: "100" }', '{}'),
      message: 'p.yaml:5: spec.securityContext.fsGroup: "100" is not an integer; the API server refuses it (cannot unmarshal string into an int64 field)',
    },
    {
      name: 'a fractional runAsGroup on the pod, even when the container sets its own',
      text: pod('{ runAsGroup: 1.5 }', '{ runAsGroup: 100 }'),
      message: 'p.yaml:5: spec.securityContext.runAsGroup: 1.5 is not an integer; the API server refuses it (cannot unmarshal number into an int64 field)',
    },
    {
      name: 'a negative runAsUser',
      text: pod('{}', '{ runAsUser: -1 }'),
      message: 'p.yaml:9: spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive',
    },
    {
      name: 'an fsGroup above 2147483647',
      text: pod('{ fsGroup: 4294967296 }', '{}'),
      message: 'p.yaml:5: spec.securityContext.fsGroup: Invalid value: 4294967296: must be between 0 and 2147483647, inclusive',
    },
    {
      name: 'a bad value in block style is reported at its own line',
      text: 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: main\n    securityContext:\n      runAsUser: 1000\n      runAsGroup: abc\n',
      message: 'p.yaml:8: spec.containers[0].securityContext.runAsGroup: "abc" is not an integer; the API server refuses it (cannot unmarshal string into an int64 field)',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(() => parseKubernetes(c.text, { file: 'p.yaml' }), { name: 'RunParseError', message: c.message });
    });
  }

  test('integers are taken', () => {
    const [run] = parseKubernetes(pod('{ fsGroup: 100 }', '{ runAsUser: 1000, runAsGroup: 1000 }'), { file: 'p.yaml' });
    assert.deepEqual([run.user, run.runAsGroup, run.fsGroup], ['1000', 1000, 100]);
  });
});

describe('parseKubernetes: fields of a type the API server would refuse, and a subPath that leaves its volume', () => {
  const POD = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: { name: p }',
    'spec:',
    '  containers:',
    '    - name: app',
    '      image: x',
    '      command: ["sh", "-c", "x"]',
    '      volumeMounts:',
    '        - name: data',
    '          mountPath: /data',
    '  volumes:',
    '    - name: data',
    '      hostPath: { path: /srv/data }',
    '',
  ].join('\n');
  const edit = (from: string, to: string) => {
    assert.ok(POD.includes(from), from);
    return POD.replace(from, to);
  };
  const cases: { name: string; text: string; message: string }[] = [
    {
      name: 'securityContext: [] on the container',
      text: edit('      image: x\n', '      image: x\n      securityContext: []\n'),
      message: 'p.yaml:8: spec.containers[0].securityContext: [] is not an object; the API server refuses it (cannot unmarshal array into an object field)',
    },
    {
      name: 'securityContext: [] on the pod',
      text: edit('  containers:\n', '  securityContext: []\n  containers:\n'),
      message: 'p.yaml:5: spec.securityContext: [] is not an object; the API server refuses it (cannot unmarshal array into an object field)',
    },
    {
      name: 'command as one string',
      text: edit('command: ["sh", "-c", "x"]', 'command: "sh -c x"'),
      message: 'p.yaml:8: spec.containers[0].command: "sh -c x" is not a list; the API server refuses it (cannot unmarshal string into a list field)',
    },
    {
      name: 'args as a number',
      text: edit('      image: x\n', '      image: x\n      args: 5\n'),
      message: 'p.yaml:8: spec.containers[0].args: 5 is not a list; the API server refuses it (cannot unmarshal number into a list field)',
    },
    {
      name: 'volumeMounts as a string',
      text: edit('      volumeMounts:\n        - name: data\n          mountPath: /data\n', '      volumeMounts: "x"\n'),
      message: 'p.yaml:9: spec.containers[0].volumeMounts: "x" is not a list; the API server refuses it (cannot unmarshal string into a list field)',
    },
    {
      name: 'a volumeMount that is a string',
      text: edit('        - name: data\n          mountPath: /data\n', '        - data\n'),
      message: 'p.yaml:10: spec.containers[0].volumeMounts[0]: "data" is not an object; the API server refuses it (cannot unmarshal string into an object field)',
    },
    {
      name: 'volumes as a number',
      text: edit('  volumes:\n    - name: data\n      hostPath: { path: /srv/data }\n', '  volumes: 5\n'),
      message: 'p.yaml:12: spec.volumes: 5 is not a list; the API server refuses it (cannot unmarshal number into a list field)',
    },
    {
      name: 'capabilities.drop as a string',
      text: edit('      image: x\n', '      image: x\n      securityContext:\n        capabilities: { drop: ALL }\n'),
      message: 'p.yaml:9: spec.containers[0].securityContext.capabilities.drop: "ALL" is not a list; the API server refuses it (cannot unmarshal string into a list field)',
    },
    {
      name: 'containers as a mapping',
      text: 'kind: Pod\nmetadata: { name: p }\nspec:\n  containers: { name: app }\n',
      message: 'p.yaml:4: spec.containers: {"name":"app"} is not a list; the API server refuses it (cannot unmarshal object into a list field)',
    },
    {
      name: "subPath with '..'",
      text: edit('          mountPath: /data\n', '          mountPath: /data\n          subPath: ../../etc\n'),
      message: "p.yaml:12: spec.containers[0].volumeMounts[0].subPath: Invalid value: \"../../etc\": must not contain '..'",
    },
    {
      name: 'two volumeMounts on one mountPath',
      text: edit('          mountPath: /data\n', '          mountPath: /data\n        - name: data\n          mountPath: /data\n'),
      message: 'p.yaml:13: spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique',
    },
    {
      name: 'a volumeMount without mountPath',
      text: edit('          mountPath: /data\n', '          readOnly: true\n'),
      message: 'p.yaml:10: spec.containers[0].volumeMounts[0].mountPath: Required value',
    },
    {
      name: 'runAsUser written on the container, not in its securityContext',
      text: edit('      image: x\n', '      image: x\n      runAsUser: 1000\n'),
      message: 'p.yaml:8: spec.containers[0].runAsUser: unknown field (it belongs in spec.containers[0].securityContext); kubectl\'s default strict validation refuses the manifest (strict decoding error: unknown field "spec.containers[0].runAsUser")',
    },
    {
      name: "fsGroup in a container's securityContext",
      text: edit('      image: x\n', '      image: x\n      securityContext:\n        fsGroup: 100\n'),
      message: 'p.yaml:9: spec.containers[0].securityContext.fsGroup: unknown field (it belongs in the pod\'s securityContext); kubectl\'s default strict validation refuses the manifest (strict decoding error: unknown field "spec.containers[0].securityContext.fsGroup")',
    },
    {
      name: "a misspelt field of the pod's securityContext",
      text: edit('  containers:\n', '  securityContext:\n    runAsUsr: 1000\n  containers:\n'),
      message: 'p.yaml:6: spec.securityContext.runAsUsr: unknown field; kubectl\'s default strict validation refuses the manifest (strict decoding error: unknown field "spec.securityContext.runAsUsr")',
    },
    {
      name: 'an absolute subPathExpr',
      text: edit('          mountPath: /data\n', '          mountPath: /data\n          subPathExpr: /etc\n'),
      message: 'p.yaml:12: spec.containers[0].volumeMounts[0].subPathExpr: Invalid value: "/etc": must be a relative path',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(() => parseKubernetes(c.text, { file: 'p.yaml' }), { name: 'RunParseError', message: c.message });
    });
  }

  test('mountPaths unique as written are taken: /data and /data/ are two mounts of one folder', () => {
    const [run] = parseKubernetes(edit('          mountPath: /data\n', '          mountPath: /data\n        - name: data\n          mountPath: /data/\n          readOnly: true\n'), { file: 'p.yaml' });
    assert.deepEqual(run.mounts.map((m) => [m.target, m.readonly]), [['/data', false], ['/data', true]]);
  });

  test("a subPath with '..' inside a name, and null lists, are taken", () => {
    const [run] = parseKubernetes(edit('          mountPath: /data\n', '          mountPath: /data\n          subPath: a..b/c\n').replace('      image: x\n', '      image: x\n      args: null\n'), { file: 'p.yaml' });
    assert.deepEqual([run.mounts[0].source, run.mounts[0].subPath, run.entrypoint, run.command], ['/srv/data/a..b/c', 'a..b/c', ['sh', '-c', 'x'], undefined]);
  });

  test('uidctl check refuses the manifest with one line naming file and line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uidctl-k8s-types-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:bookworm\n');
    writeFileSync(join(dir, 'pod.yaml'), edit('command: ["sh", "-c", "x"]', 'command: "sh -c x"'));
    const io = memoryIo({ HOME: '/home/ci' }, dir);
    assert.equal(await main(['check', '--base-from', 'catalog', '--k8s', 'pod.yaml'], io), 2);
    assert.equal(io.stderr, 'uidctl check: pod.yaml:8: spec.containers[0].command: "sh -c x" is not a list; the API server refuses it (cannot unmarshal string into a list field)\n');
  });
});

describe('volume sources that force the mount read-only', () => {
  const podWith = (volume: string, mountRo = '') =>
    `kind: Pod\nspec:\n  securityContext: {runAsUser: 1000, fsGroup: 2000}\n  containers:\n    - name: c\n      volumeMounts: [{name: v, mountPath: /v${mountRo}}]\n  volumes:\n    - name: v\n      ${volume}\n`;
  const cases: { name: string; volume: string; mountRo?: string; readonly: boolean; errno?: string }[] = [
    { name: 'PVC with readOnly: true', volume: 'persistentVolumeClaim: {claimName: c, readOnly: true}', readonly: true, errno: 'EROFS' },
    { name: 'PVC with readOnly: false stays writable', volume: 'persistentVolumeClaim: {claimName: c, readOnly: false}', readonly: false },
    { name: 'PVC without readOnly stays writable', volume: 'persistentVolumeClaim: {claimName: c}', readonly: false },
    { name: 'PVC writable source, read-only mount', volume: 'persistentVolumeClaim: {claimName: c}', mountRo: ', readOnly: true', readonly: true, errno: 'EROFS' },
    { name: 'csi with readOnly: true', volume: 'csi: {driver: d, readOnly: true}', readonly: true, errno: 'EROFS' },
    { name: 'nfs with readOnly: true', volume: 'nfs: {server: s, path: /x, readOnly: true}', readonly: true, errno: 'EROFS' },
    { name: 'iscsi with readOnly: true', volume: 'iscsi: {targetPortal: t, iqn: q, lun: 0, readOnly: true}', readonly: true, errno: 'EROFS' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [run] = parseKubernetes(podWith(c.volume, c.mountRo));
      assert.equal(run.mounts[0].readonly, c.readonly);
      const rr = resolveRuntime(image(), run, [], { engine: 'docker' });
      const v = evaluate(rr.identity, rr.view, '/v/out', 'create');
      assert.equal(v.errno, c.errno);
    });
  }
});

describe('volumeMounts with subPath', () => {
  const podWith = (podSc: string, volume: string, mount: string) =>
    `kind: Pod\nspec:\n  securityContext: ${podSc}\n  containers:\n    - name: c\n      volumeMounts: [${mount}]\n  volumes:\n    - name: v\n      ${volume}\n`;
  const pem = '{name: v, mountPath: /etc/sec/key.pem, subPath: key.pem}';
  const cases: {
    name: string;
    podSc: string;
    volume: string;
    mount: string;
    path: string;
    meta: { kind: string; uid: number; gid: number; mode: number };
    read: string | undefined;
    chdir: string | undefined;
  }[] = [
    {
      name: 'a secret item with defaultMode 0400 is a root file uid 1000 cannot read',
      podSc: '{runAsUser: 1000}',
      volume: 'secret: {secretName: s, defaultMode: 0400}',
      mount: pem,
      path: '/etc/sec/key.pem',
      meta: { kind: 'file', uid: 0, gid: 0, mode: 0o400 },
      read: 'EACCES',
      chdir: 'ENOTDIR',
    },
    {
      name: 'a configMap item takes its items[].mode over defaultMode',
      podSc: '{runAsUser: 1000}',
      volume: 'configMap: {name: m, defaultMode: 0400, items: [{key: k, path: key.pem, mode: 0444}]}',
      mount: pem,
      path: '/etc/sec/key.pem',
      meta: { kind: 'file', uid: 0, gid: 0, mode: 0o444 },
      read: undefined,
      chdir: 'ENOTDIR',
    },
    {
      name: 'a secret item with fsGroup is group fsGroup',
      podSc: '{runAsUser: 1000, fsGroup: 2000}',
      volume: 'secret: {secretName: s, defaultMode: 0440}',
      mount: pem,
      path: '/etc/sec/key.pem',
      meta: { kind: 'file', uid: 0, gid: 2000, mode: 0o440 },
      read: undefined,
      chdir: 'ENOTDIR',
    },
    {
      name: 'fsGroup ORs 0440 into a 0400 secret item (kubelet SetVolumeOwnership)',
      podSc: '{runAsUser: 1000, fsGroup: 2000}',
      volume: 'secret: {secretName: s, defaultMode: 0400}',
      mount: pem,
      path: '/etc/sec/key.pem',
      meta: { kind: 'file', uid: 0, gid: 2000, mode: 0o440 },
      read: undefined,
      chdir: 'ENOTDIR',
    },
    {
      name: 'fsGroup ORs 0440 into an items[].mode too',
      podSc: '{runAsUser: 1000, fsGroup: 2000}',
      volume: 'configMap: {name: m, items: [{key: k, path: key.pem, mode: 0600}]}',
      mount: pem,
      path: '/etc/sec/key.pem',
      meta: { kind: 'file', uid: 0, gid: 2000, mode: 0o640 },
      read: undefined,
      chdir: 'ENOTDIR',
    },
    {
      name: 'a configMap item without a mode is 0644',
      podSc: '{runAsUser: 1000}',
      volume: 'configMap: {name: m}',
      mount: '{name: v, mountPath: /etc/app.conf, subPath: app.conf}',
      path: '/etc/app.conf',
      meta: { kind: 'file', uid: 0, gid: 0, mode: 0o644 },
      read: undefined,
      chdir: 'ENOTDIR',
    },
    {
      name: 'an emptyDir subPath is a directory like the volume',
      podSc: '{runAsUser: 1000}',
      volume: 'emptyDir: {}',
      mount: '{name: v, mountPath: /work, subPath: run1}',
      path: '/work',
      meta: { kind: 'dir', uid: 0, gid: 0, mode: 0o777 },
      read: undefined,
      chdir: undefined,
    },
    {
      name: 'a PVC subPath with fsGroup is a directory like the volume',
      podSc: '{runAsUser: 1000, fsGroup: 2000}',
      volume: 'persistentVolumeClaim: {claimName: c}',
      mount: '{name: v, mountPath: /work, subPath: run1}',
      path: '/work',
      meta: { kind: 'dir', uid: 0, gid: 2000, mode: 0o2775 },
      read: undefined,
      chdir: undefined,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [run] = parseKubernetes(podWith(c.podSc, c.volume, c.mount));
      const rr = resolveRuntime(image(), run, [], { engine: 'docker' });
      const meta = rr.view.fs.get(c.path);
      assert.deepEqual(meta && { kind: meta.kind, uid: meta.uid, gid: meta.gid, mode: meta.mode }, c.meta);
      assert.equal(evaluate(rr.identity, rr.view, c.path, 'read').errno, c.read);
      assert.equal(evaluate(rr.identity, rr.view, c.path, 'chdir').errno, c.chdir);
    });
  }
});

describe('configMap/secret files under fsGroup', () => {
  const cases: { name: string; volume: string; podSc: string; mode: number; gid: number; read: string | undefined }[] = [
    { name: 'a 0400 secret without fsGroup stays 0400, root only', volume: 'secret: {secretName: s, defaultMode: 0400, items: [{key: k, path: k}]}', podSc: '{runAsUser: 1000}', mode: 0o400, gid: 0, read: 'EACCES' },
    { name: 'a 0400 secret with fsGroup is 0440 and group-readable', volume: 'secret: {secretName: s, defaultMode: 0400, items: [{key: k, path: k}]}', podSc: '{runAsUser: 1000, fsGroup: 2000}', mode: 0o440, gid: 2000, read: undefined },
    { name: 'a 0644 configMap with fsGroup stays 0644', volume: 'configMap: {name: m, items: [{key: k, path: k}]}', podSc: '{runAsUser: 1000, fsGroup: 2000}', mode: 0o644, gid: 2000, read: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const text = `kind: Pod\nspec:\n  securityContext: ${c.podSc}\n  containers: [{name: c, volumeMounts: [{name: v, mountPath: /s}]}]\n  volumes: [{name: v, ${c.volume}}]\n`;
      const rr = resolveRuntime(image(), parseKubernetes(text)[0], [], { engine: 'docker' });
      const meta = rr.view.fs.get('/s/k');
      assert.deepEqual([meta?.mode, meta?.gid], [c.mode, c.gid]);
      assert.equal(evaluate(rr.identity, rr.view, '/s/k', 'read').errno, c.read);
    });
  }
});

describe('StatefulSet volumeClaimTemplates', () => {
  const sts = (podSc: string, volumes = '') =>
    `kind: StatefulSet\nmetadata: {name: s}\nspec:\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {accessModes: [ReadWriteOnce]}\n  template:\n    spec:\n      securityContext: ${podSc}\n      containers:\n        - name: main\n          volumeMounts: [{name: data, mountPath: /data}]\n${volumes}`;
  const cases: { name: string; text: string; meta: { uid: number; gid: number; mode: number }; create: string | undefined }[] = [
    { name: 'a template is a new PVC, root 0755 without fsGroup', text: sts('{runAsUser: 1000}'), meta: { uid: 0, gid: 0, mode: 0o755 }, create: 'EACCES' },
    { name: 'fsGroup gives the new claim to the group', text: sts('{runAsUser: 1000, fsGroup: 2000}'), meta: { uid: 0, gid: 2000, mode: 0o2775 }, create: undefined },
    {
      name: 'the template replaces a pod volume of the same name',
      text: sts('{runAsUser: 1000}', '      volumes: [{name: data, emptyDir: {}}]\n'),
      meta: { uid: 0, gid: 0, mode: 0o755 },
      create: 'EACCES',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [run] = parseKubernetes(c.text);
      assert.deepEqual(
        [run.mounts[0].kind, run.mounts[0].volumeType, run.mounts[0].source],
        ['volume', 'persistentVolumeClaim', 'data-s-0'],
      );
      const rr = resolveRuntime(image(), run, [], { engine: 'docker' });
      const meta = rr.view.fs.get('/data');
      assert.deepEqual(meta && { uid: meta.uid, gid: meta.gid, mode: meta.mode }, c.meta);
      assert.equal(evaluate(rr.identity, rr.view, '/data/out', 'create').errno, c.create);
    });
  }
});

describe('kind: List (kubectl get -o yaml)', () => {
  const LIST = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  spec:\n    containers:\n    - {name: m, image: x, securityContext: {runAsUser: 7}}\n- kind: Service\n  metadata: {name: s}\n';

  test('each item is read as a document, lines in the file', () => {
    const m = readKubernetes(LIST, { file: 'l.yaml' });
    assert.deepEqual(
      m.containers.map((c) => [c.workload, c.name, c.run.user, c.run.origin.line]),
      [['Pod/p', 'm', '7', 9]],
    );
    assert.deepEqual([m.workloads, m.otherKinds], [['Pod/p'], ['Service']]);
  });

  test('a bad id in an item names the item and its line', () => {
    const bad = LIST.replace('runAsUser: 7', 'runAsUser: "7"');
    assert.throws(() => parseKubernetes(bad, { file: 'l.yaml' }), {
      message: 'l.yaml:9: items[0].spec.containers[0].securityContext.runAsUser: "7" is not an integer; the API server refuses it (cannot unmarshal string into an int64 field)',
    });
  });
});

describe('selectContainer when there is no container', () => {
  const reads = 'Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob';
  const cases: { name: string; text: string; error: string }[] = [
    { name: 'one kind that is not a workload', text: 'kind: ConfigMap\n', error: `k.yaml: kind ConfigMap is not a workload uidctl reads (it reads ${reads})` },
    {
      name: 'several kinds that are not workloads',
      text: 'kind: Service\n---\nkind: Ingress\n---\nkind: Service\n',
      error: `k.yaml: kinds Service, Ingress are not workloads uidctl reads (it reads ${reads})`,
    },
    { name: 'a workload without containers', text: 'kind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n', error: 'no container in k.yaml' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const m = readKubernetes(c.text, { file: 'k.yaml' });
      const others = m.workloads.length === 0 ? m.otherKinds : [];
      assert.deepEqual(selectContainer(m.containers, 'k.yaml', undefined, others), { error: c.error });
    });
  }
});

describe('ids beyond int64', () => {
  const cases: { name: string; value: string; message?: string; user?: string }[] = [
    {
      name: '1e20 overflows int64',
      value: '100000000000000000000',
      message: 'p.yaml:3: spec.securityContext.runAsUser: 100000000000000000000 is beyond the int64 range; the API server refuses it (cannot unmarshal number 100000000000000000000 into an int64 field)',
    },
    {
      name: '2^63 overflows int64',
      value: '9223372036854775808',
      message: 'p.yaml:3: spec.securityContext.runAsUser: 9223372036854775808 is beyond the int64 range; the API server refuses it (cannot unmarshal number 9223372036854775808 into an int64 field)',
    },
    {
      name: '4294967295 fits int64 but not the id range the API server validates',
      value: '4294967295',
      message: 'p.yaml:3: spec.securityContext.runAsUser: Invalid value: 4294967295: must be between 0 and 2147483647, inclusive',
    },
    { name: '2147483647 is the largest id', value: '2147483647', user: '2147483647' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const text = `kind: Pod\nspec:\n  securityContext: {runAsUser: ${c.value}}\n  containers: [{name: c}]\n`;
      if (c.message) assert.throws(() => parseKubernetes(text, { file: 'p.yaml' }), { name: 'RunParseError', message: c.message });
      else assert.equal(parseKubernetes(text, { file: 'p.yaml' })[0].user, c.user);
    });
  }
});

describe('securityContext booleans of the wrong type are refused, as runAsUser is', () => {
  const pod = (podSc: string, sc = '{}') => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: ${podSc}
  containers:
    - name: c
      image: i
      securityContext: ${sc}
`;
  const cases: [string, string, string, string][] = [
    ['runAsNonRoot: "yes" (quoted) on the pod', '{runAsNonRoot: "yes"}', '{}', 'pod.yaml:5: spec.securityContext.runAsNonRoot: "yes" is not a boolean; the API server refuses it (cannot unmarshal string into a bool field)'],
    ['privileged: "true" on the container', '{}', '{privileged: "true"}', 'pod.yaml:9: spec.containers[0].securityContext.privileged: "true" is not a boolean; the API server refuses it (cannot unmarshal string into a bool field)'],
    ['runAsNonRoot: 1', '{}', '{runAsNonRoot: 1}', 'pod.yaml:9: spec.containers[0].securityContext.runAsNonRoot: 1 is not a boolean; the API server refuses it (cannot unmarshal number into a bool field)'],
  ];
  for (const [name, podSc, sc, message] of cases) {
    test(name, () => assert.throws(() => readKubernetes(pod(podSc, sc), { file: 'pod.yaml' }), { name: 'RunParseError', message }));
  }

  test('a plain yes is YAML 1.1\'s true, as kubectl reads it', () => {
    const m = readKubernetes(pod('{runAsNonRoot: yes}'), { file: 'pod.yaml' });
    assert.equal(m.containers[0].run.runAsNonRoot, true);
  });
});

describe('strict validation at every level kubectl checks, not only the container', () => {
  const pod = (spec: string, volume = '{name: d, emptyDir: {}}', mount = '{name: d, mountPath: /data}') => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
${spec}  containers:
    - name: c
      image: i
      volumeMounts:
        - ${mount}
  volumes:
    - ${volume}
`;
  const strict = (field: string, home = '') => `${field}: unknown field${home}; kubectl's default strict validation refuses the manifest (strict decoding error: unknown field "${field}")`;
  const cases: [string, string, string?, string?, string?][] = [
    ['a typo of securityContext in the pod spec', `pod.yaml:5: ${strict('spec.securityContex')}`, '  securityContex: {runAsUser: 1000}\n'],
    ['volumeMounts in the pod spec, at its key\'s line', `pod.yaml:5: ${strict('spec.volumeMounts', ' (it belongs in a container, spec.containers[])')}`, '  volumeMounts:\n    - {name: d, mountPath: /data}\n'],
    ['runAsUser in the pod spec', `pod.yaml:5: ${strict('spec.runAsUser', ' (it belongs in spec.securityContext)')}`, '  runAsUser: 1000\n'],
    ['a volume field of a mount', `pod.yaml:11: ${strict('spec.volumes[0].mountPath', ' (it belongs in a container\'s volumeMounts)')}`, '', '{name: d, emptyDir: {}, mountPath: /x}'],
    ['a typo in a hostPath', `pod.yaml:11: ${strict('spec.volumes[0].hostPath.typ')}`, '', '{name: d, hostPath: {path: /srv, typ: Directory}}'],
    ['a typo in a projected source', `pod.yaml:11: ${strict('spec.volumes[0].projected.sources[0].serviceAccountToken.audiance')}`, '', '{name: d, projected: {sources: [{serviceAccountToken: {path: t, audiance: v}}]}}'],
    ['a typo in an item of a secret', `pod.yaml:11: ${strict('spec.volumes[0].secret.items[0].mod')}`, '', '{name: d, secret: {secretName: s, items: [{key: k, path: k, mod: 0400}]}}'],
    ['a volumeMount typo', `pod.yaml:9: ${strict('spec.containers[0].volumeMounts[0].readonly')}`, '', undefined, '{name: d, mountPath: /data, readonly: true}'],
  ];
  for (const [name, message, spec, volume, mount] of cases) {
    test(name, () => assert.throws(() => readKubernetes(pod(spec ?? '', volume, mount), { file: 'pod.yaml' }), { name: 'RunParseError', message }));
  }

  test('a Deployment\'s pod template is checked at its own path', () => {
    const dep = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      securityContex: {runAsUser: 1}\n      containers: [{name: c, image: i}]\n';
    assert.throws(() => readKubernetes(dep, { file: 'd.yaml' }), { name: 'RunParseError', message: `d.yaml:7: ${strict('spec.template.spec.securityContex')}` });
  });

  test('the fields a pod spec may have pass', () => {
    const spec = '  serviceAccountName: sa\n  automountServiceAccountToken: false\n  hostUsers: true\n  nodeSelector: {a: b}\n  tolerations: []\n  restartPolicy: Never\n';
    assert.equal(readKubernetes(pod(spec, '{name: d, projected: {defaultMode: 0440, sources: [{serviceAccountToken: {path: t, audience: v, expirationSeconds: 600}}, {clusterTrustBundle: {signerName: x, path: ca}}]}}', '{name: d, mountPath: /data, readOnly: true, mountPropagation: None}'), { file: 'pod.yaml' }).containers.length, 1);
  });
});

describe('an unrendered Helm template is said to be one, and the yaml library stays silent', () => {
  const HELM = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  securityContext:\n    runAsUser: {{ .Values.uid }}\n  containers:\n  - name: a\n    image: x\n';
  const TEMPLATE = (text: string, line: number) => `helm.yaml:${line}: this looks like an unrendered template (${text} is template syntax, not YAML a cluster accepts): render it first with \`helm template\` (or the tool it is written for) and check the manifest that prints`;
  /** process.emitWarning calls made while fn runs (the yaml library warns through it). */
  function warnings(fn: () => void): unknown[] {
    const seen: unknown[] = [];
    const saved = process.emitWarning;
    process.emitWarning = ((w: unknown) => { seen.push(w); }) as typeof process.emitWarning;
    try {
      fn();
    } catch {
      // the error is asserted apart
    } finally {
      process.emitWarning = saved;
    }
    return seen;
  }

  test('{{ .Release.Name }} as a value: one error at its line, no library warning', () => {
    assert.throws(() => readKubernetes(HELM, { file: 'helm.yaml' }), { name: 'RunParseError', message: TEMPLATE('{{ .Release.Name }}', 4) });
    assert.deepEqual(warnings(() => readKubernetes(HELM, { file: 'helm.yaml' })), []);
  });

  test('a {{- if }} line of its own that breaks the YAML', () => {
    const text = 'apiVersion: v1\nkind: Pod\nspec:\n{{- if .Values.enabled }}\n  containers: [{name: a, image: x}]\n{{- end }}\n';
    assert.throws(() => readKubernetes(text, { file: 'helm.yaml' }), { name: 'RunParseError', message: TEMPLATE('{{- if .Values.enabled }}', 4) });
  });

  test('a quoted "{{ ... }}" is a string, as in Argo or Prometheus manifests', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {note: "{{ not a template here }}"}\nspec:\n  containers: [{name: a, image: x}]\n';
    assert.equal(readKubernetes(text, { file: 'p.yaml' }).containers.length, 1);
  });

  test('a Compose file with a mapping as a key: no library warning on stderr either', async () => {
    const { parseCompose } = await import('../../src/runtime/compose.js');
    const text = 'services:\n  web:\n    image: x\n    labels:\n      {{ a }}: b\n';
    assert.deepEqual(warnings(() => parseCompose(text, { invoker: { uid: 1000, gid: 1000, home: '/h', cwd: '/h' }, env: {} })), []);
  });
});
