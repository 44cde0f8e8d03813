// Fixes spelled for the tool the container is started with (docker flags, compose keys,
// Kubernetes fields), run-time HOME kept out of the Dockerfile, UID303 only with pip, and
// UID602's explanation naming the base at hand.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseKubernetes } from '../../src/runtime/kubernetes.js';
import { parseCompose } from '../../src/runtime/compose.js';
import type { RunContext } from '../../src/model/types.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
const PYTORCH_ML = [
  'FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime',
  'RUN groupadd --gid 1000 ml && useradd -m -u 1000 -g 1000 ml',
  'WORKDIR /workspace',
  'USER ml',
];
const K8S = `apiVersion: v1
kind: Pod
metadata: { name: train }
spec:
  securityContext: { runAsUser: 1001, runAsGroup: 1001 }
  containers:
    - name: trainer
      image: img
      securityContext: { readOnlyRootFilesystem: true }
`;
const COMPOSE = `services:
  train:
    image: img
    user: "1001:1001"
    read_only: true
`;

function docker(line: string): RunContext {
  return parseDockerRun(line, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } });
}

interface Case {
  name: string;
  dockerfile: string[];
  run?: () => RunContext;
  rule: string;
  severity: string;
  /** Exact message, or undefined to skip the check. */
  message?: string;
  /** Index and exact [description, snippet] of a fix. */
  fix?: [number, string, string | undefined];
  why?: string;
}

const cases: Case[] = [
  {
    name: 'a tmpfs over a WORKDIR holding the image\'s files would hide them: the writable folder goes below it',
    dockerfile: [...PYTORCH_ML.slice(0, 3), 'COPY --chown=ml:ml train.py .', 'USER ml'],
    run: () => parseCompose(COMPOSE, { invoker, env: {} }).services.train,
    rule: 'UID105',
    severity: 'info',
    fix: [0, 'The root file system is read-only (read_only: true): a writable tmpfs or volume over /workspace would hide the files the image has there, so mount it on a folder below (/workspace/out) and write there.', 'tmpfs:\n  - /workspace/out'],
  },
  {
    name: 'Kubernetes: a read-only root is fixed with an emptyDir volume',
    dockerfile: PYTORCH_ML,
    run: () => parseKubernetes(K8S, { file: 'pod.yaml' })[0],
    rule: 'UID105',
    severity: 'info',
    fix: [0, 'The root file system is read-only (securityContext.readOnlyRootFilesystem: true): give this path an emptyDir volume.',
      'volumeMounts:\n  - name: workspace\n    mountPath: /workspace\n# in the pod spec:\nvolumes:\n  - name: workspace\n    emptyDir: {}'],
  },
  {
    name: 'Kubernetes: HOME for a nameless uid is an env entry with an emptyDir at /tmp (the root is read-only), and the runtime is not called Docker',
    dockerfile: PYTORCH_ML,
    run: () => parseKubernetes(K8S, { file: 'pod.yaml' })[0],
    rule: 'UID102',
    severity: 'warning',
    fix: [1, 'Or give the process a writable HOME in the manifest.', 'env:\n  - name: HOME\n    value: /tmp\nvolumeMounts:\n  - name: tmp\n    mountPath: /tmp\n# in the pod spec:\nvolumes:\n  - name: tmp\n    emptyDir: {}'],
    why: 'The container runtime takes the user name, home and primary group from /etc/passwd. For an unknown uid it keeps the uid, uses gid 0 unless a group is given, and sets HOME=/, which ordinary users cannot write: pip, Jupyter, git and caches that write under ~ fail.',
  },
  {
    name: 'compose: a read-only root is fixed with a tmpfs key',
    dockerfile: PYTORCH_ML,
    run: () => parseCompose(COMPOSE, { invoker, env: {} }).services.train,
    rule: 'UID105',
    severity: 'info',
    fix: [0, 'The root file system is read-only (read_only: true): give this path a writable tmpfs or volume.', 'tmpfs:\n  - /workspace'],
  },
  {
    name: 'docker: the same fix is a --tmpfs flag',
    dockerfile: PYTORCH_ML,
    run: () => docker('docker run --read-only --user 1001:1001 img'),
    rule: 'UID105',
    severity: 'info',
    fix: [0, 'The root file system is read-only (--read-only): give this path a writable tmpfs or volume.', '--tmpfs /workspace'],
  },
  {
    name: 'Kubernetes: a root container gets a numeric runAsUser',
    dockerfile: PYTORCH_ML.slice(0, 3),
    run: () => parseKubernetes('apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers:\n    - { name: c, image: img }\n', {})[0],
    rule: 'UID101',
    severity: 'warning',
    fix: [1, 'Or run it as a non-root uid in the manifest.', 'securityContext:\n  runAsUser: 1000\n  runAsGroup: 1000'],
  },
  {
    name: 'run-time HOME: pip --user puts ~/.local/bin on PATH with a run flag, the venv stays out of /tmp',
    dockerfile: PYTORCH_ML,
    run: () => docker('docker run -e HOME=/tmp img'),
    rule: 'UID301',
    severity: 'info',
    fix: [0, 'Install explicitly per user, and put its scripts on PATH.',
      'pip install --user PACKAGE\n-e PATH=/tmp/.local/bin:/usr/local/nvidia/bin:/usr/local/cuda/bin:/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
  },
  {
    name: 'run-time HOME: the venv goes to the image user\'s own HOME',
    dockerfile: PYTORCH_ML,
    run: () => docker('docker run -e HOME=/tmp img'),
    rule: 'UID301',
    severity: 'info',
    fix: [2, 'Or give the user a virtual environment of its own.', 'RUN python3 -m venv /home/ml/venv\nENV PATH=/home/ml/venv/bin:$PATH'],
  },
  {
    name: 'image HOME: the venv goes under the passwd home',
    dockerfile: PYTORCH_ML,
    rule: 'UID301',
    severity: 'info',
    fix: [2, 'Or give the user a virtual environment of its own.', 'RUN python3 -m venv /home/ml/venv\nENV PATH=/home/ml/venv/bin:$PATH'],
  },
  {
    name: 'UID602 names the Python base, not ubuntu:24.04, for a missing --chown user',
    dockerfile: ['FROM python:3.11-slim', 'COPY --chown=nosuch:nosuch app /opt/app'],
    rule: 'UID602',
    severity: 'error',
    why: "Users and groups are looked up in the image's own /etc/passwd and /etc/group at this step: no user named nosuch is there: the base python:3.11-slim has none and no earlier step creates it. The analysis carries on as if the step had not run.",
    fix: [0, 'Create the user or group before this step, or use numeric ids.', 'RUN useradd --create-home nosuch'],
  },
  {
    name: 'UID602 names the holder of a taken uid',
    dockerfile: ['FROM ubuntu:24.04', 'RUN useradd -m -u 1000 dev'],
    rule: 'UID602',
    severity: 'error',
    message: 'The build fails here: useradd: UID 1000 is not unique',
    why: "Users and groups are looked up in the image's own /etc/passwd and /etc/group at this step: uid 1000 already belongs to the user ubuntu (base ubuntu:24.04). The analysis carries on as if the step had not run.",
  },
  {
    name: 'UID303 fires for Debian 12 python3 with python3-pip',
    dockerfile: ['FROM debian:bookworm', 'RUN apt-get update && apt-get install -y python3 python3-pip'],
    rule: 'UID303',
    severity: 'info',
    message: '/usr/bin/python3 is externally managed: `pip install` in the container stops with "error: externally-managed-environment".',
  },
];

const quiet: { name: string; dockerfile: string[]; rule: string }[] = [
  { name: 'UID303 is quiet on distroless, which has no pip', rule: 'UID303', dockerfile: ['FROM gcr.io/distroless/python3-debian12:nonroot', 'ENTRYPOINT ["/usr/bin/python3"]'] },
  { name: 'UID303 is quiet for Debian python3 without python3-pip', rule: 'UID303', dockerfile: ['FROM debian:bookworm', 'RUN apt-get update && apt-get install -y python3'] },
  { name: 'UID301 is quiet on distroless, which has no pip', rule: 'UID301', dockerfile: ['FROM gcr.io/distroless/python3-debian12:nonroot', 'USER 1234'] },
];

function findings(dockerfile: string[], run?: () => RunContext) {
  return analyze({ file: 'Dockerfile', text: `${dockerfile.join('\n')}\n`, run: run?.(), profile: 'prod' }).findings;
}

describe('fixes for the tool at hand and the image at hand', () => {
  for (const c of cases) {
    test(c.name, () => {
      const got = findings(c.dockerfile, c.run).filter((f) => f.ruleId === c.rule);
      assert.equal(got.length, 1, `one ${c.rule}`);
      assert.equal(got[0].severity, c.severity);
      if (c.message) assert.equal(got[0].message, c.message);
      if (c.why) assert.equal(got[0].why, c.why);
      if (c.fix) assert.deepEqual([got[0].fixes[c.fix[0]]?.description, got[0].fixes[c.fix[0]]?.snippet], [c.fix[1], c.fix[2]]);
    });
  }
  for (const c of quiet) {
    test(c.name, () => assert.deepEqual(findings(c.dockerfile).filter((f) => f.ruleId === c.rule).map((f) => f.message), []));
  }
});

describe('UID403 under no-new-privileges', () => {
  const text = 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y sudo && useradd -m app && echo "app ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/app\nUSER app\n';
  const uid403 = (line: string) => analyze({ file: 'Dockerfile', text, run: docker(line), profile: 'prod' }).findings.filter((f) => f.ruleId === 'UID403');

  test('a plain run: an error, root in all but name', () => {
    assert.deepEqual(uid403('docker run img').map((f) => [f.severity, f.message]), [['error', 'app may run any command as root without a password (/etc/sudoers.d/app): the non-root USER is root in all but name.']]);
  });

  test('with no-new-privileges: a warning that says this run defuses it and the image still carries it', () => {
    const f = uid403('docker run --security-opt no-new-privileges img');
    assert.deepEqual(f.map((x) => x.severity), ['warning']);
    assert.match(f[0].message, /wherever the container runs without no-new-privileges \(this run sets it, so sudo cannot gain root here\)\.$/);
    assert.match(f[0].why, /the kernel ignores the setuid bit of sudo, so in this run it fails; the image still carries the rule\.$/);
  });
});

describe('sudo without CAP_SETGID in the bounding set (measured: caps/sudo-*)', () => {
  const text = 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y sudo && useradd -m app && echo "app ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/app\nUSER app\n';
  const run = (line: string, profile: 'dev' | 'prod' = 'prod') => analyze({ file: 'Dockerfile', text, run: docker(line), profile });

  test('--cap-drop ALL and --cap-drop SETGID: sudo is not usable, in sudo\'s words', () => {
    for (const line of ['docker run --cap-drop ALL img', 'docker run --cap-drop SETGID img']) {
      const s = run(line).identity.sudo;
      assert.deepEqual([s.usable, s.nopasswd, s.reason], [false, false, 'sudo: unable to change to root gid: Operation not permitted (CAP_SETGID is dropped from the bounding set, which setuid sudo needs)']);
    }
  });

  test('--cap-drop SETUID alone: sudo still gives root', () => {
    const s = run('docker run --cap-drop SETUID img').identity.sudo;
    assert.deepEqual([s.usable, s.nopasswd], [true, true]);
  });

  test('UID403 becomes a warning that says this run stops sudo; UID402 says why in the run\'s terms', () => {
    const a = run('docker run --cap-drop ALL img', 'dev');
    const f = a.findings.find((x) => x.ruleId === 'UID403');
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /wherever the container keeps CAP_SETGID \(this run drops it, so sudo stops here\)\.$/);
    assert.match(a.findings.find((x) => x.ruleId === 'UID402')?.why ?? '', /a bounding set without CAP_SETGID keeps it from taking root's groups/);
  });
});

describe('UID108: the fixes in the run tool\'s own terms', () => {
  const text = 'FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04\nRUN useradd -m -u 1000 trainer\n';
  test('docker: drop --privileged, and --gpus all for the GPUs', () => {
    const f = analyze({ file: 'Dockerfile', text, run: docker('docker run --privileged img'), profile: 'prod' }).findings.find((x) => x.ruleId === 'UID108');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.fixes.map((x) => [x.description, x.snippet]), [
      ['Remove --privileged from the run line. Add back only the capabilities the workload needs, one by one.', undefined],
      ['For GPUs, ask for them by name instead: the NVIDIA runtime adds the device nodes and nothing else.', '--gpus all'],
    ]);
  });
  test('Kubernetes: privileged in the securityContext, and the nvidia.com/gpu limit', async () => {
    const { parseKubernetes } = await import('../../src/runtime/kubernetes.js');
    const [run] = parseKubernetes('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: img\n    securityContext: {privileged: true}\n');
    const f = analyze({ file: 'Dockerfile', text, run, profile: 'dev' }).findings.find((x) => x.ruleId === 'UID108');
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /^The container runs privileged \(securityContext\.privileged: true\) as root/);
    assert.equal(f?.fixes[1].snippet, 'resources:\n  limits:\n    nvidia.com/gpu: 1');
  });
  test('a privileged init container is flagged too, by its name', async () => {
    const { readKubernetes, selectContainer } = await import('../../src/runtime/kubernetes.js');
    const m = readKubernetes('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n  - name: sysctl\n    image: busybox\n    command: ["sysctl", "-w", "vm.max_map_count=262144"]\n    securityContext: {privileged: true}\n  containers:\n  - name: c\n    image: img\n    securityContext: {runAsUser: 1000}\n', { file: 'pod.yaml' });
    const c = selectContainer(m.containers, 'pod.yaml', undefined);
    if ('error' in c) throw new Error(c.error);
    const f = analyze({ file: 'Dockerfile', text, run: c.run, profile: 'prod' }).findings.filter((x) => x.ruleId === 'UID108');
    assert.deepEqual(f.map((x) => x.message), ['The init container sysctl runs privileged (securityContext.privileged: true): while it runs it has every capability and every host device, with no seccomp or AppArmor profile.']);
  });
});

describe('HOME on a read-only root', () => {
  test('the writable tmpfs goes over HOME itself, saying what it hides', () => {
    const f = analyze({ file: 'Dockerfile', text: 'FROM python:3.12-slim\nRUN useradd -m appuser\nUSER appuser\n', run: docker('docker run --read-only img'), profile: 'prod' })
      .findings.find((x) => x.ruleId === 'UID103');
    assert.deepEqual([f?.fixes[0].snippet, f?.fixes[0].description], ['--tmpfs /home/appuser', 'The root file system is read-only (--read-only): give /home/appuser a writable tmpfs or volume (it hides the files the image has there, such as dotfiles).']);
  });
});

describe('a new user in a fix never takes a uid or name the image has', () => {
  test('on a docker-stacks image (jovyan at 1000), UID103 proposes the next free uid', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM jupyter/base-notebook\n', run: docker('docker run --user 1234:1234 img'), profile: 'prod' });
    const snippets = a.findings.filter((f) => f.ruleId === 'UID103' || f.ruleId === 'UID102').flatMap((f) => f.fixes.map((x) => x.snippet ?? ''));
    assert.equal(snippets.some((x) => /useradd --create-home --uid 1000 /.test(x)), false, snippets.join(' | '));
  });
  test('on ubuntu:24.04 (ubuntu at 1000), UID504 proposes uid 1001 and a free name', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y python3-pip && pip install --break-system-packages jupyterlab\nCMD ["jupyter", "lab", "--ip=0.0.0.0"]\n', profile: 'prod' });
    const f = a.findings.find((x) => x.ruleId === 'UID504');
    assert.equal(f?.fixes[0].snippet, 'RUN useradd --create-home --uid 1001 app\nUSER 1001');
  });
});

describe('UID601: the step run as root keeps the user\'s ~', () => {
  test('~ and $HOME in the step are written as the USER\'s home in the root fix', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM python:3.11-slim\nRUN useradd -m trainer && mkdir -p /opt/models\nUSER trainer\nRUN mkdir -p ~/.cache/hf $HOME/x && touch /opt/models/x\n', profile: 'prod' });
    const f = a.findings.find((x) => x.ruleId === 'UID601');
    assert.equal(f?.fixes.at(-1)?.snippet, 'USER root\nRUN mkdir -p /home/trainer/.cache/hf /home/trainer/x && touch /opt/models/x\nUSER trainer');
  });
});

describe("docker-stacks' start.sh: CHOWN_HOME and CHOWN_EXTRA", () => {
  const host = [{ path: '/srv/out', exists: true, meta: { kind: 'dir' as const, uid: 1001, gid: 1001, mode: 0o755 }, from: 'facts-file' as const }];
  const run = (line: string) => analyze({ file: 'Dockerfile', text: 'FROM quay.io/jupyter/scipy-notebook:latest\n', run: docker(line), host, profile: 'prod' });
  test('without it, a host folder of another uid over the home stops Jupyter (UID507) and writes (UID201)', () => {
    assert.deepEqual(run('docker run -v /srv/out:/home/jovyan img').findings.map((f) => f.ruleId).filter((r) => r === 'UID201' || r === 'UID507'), ['UID201', 'UID507']);
  });
  test('as root with CHOWN_HOME=yes, the home (the mount) is given to jovyan before the switch: nothing to report', () => {
    const a = run('docker run --user root -e CHOWN_HOME=yes -v /srv/out:/home/jovyan img');
    assert.deepEqual(a.findings.map((f) => f.ruleId).filter((r) => /^UID(103|201|507)$/.test(r)), []);
    assert.match(a.runtime.notes.map((n) => n.text).join('\n'), /gives \/home\/jovyan to 1000:100/);
  });
  test('UID201 offers the image\'s own way first: --user root -e NB_UID -e NB_GID of the folder\'s owner', () => {
    const a = run('docker run -v /srv/out:/home/jovyan/work img');
    const f = a.findings.find((x) => x.ruleId === 'UID201');
    assert.equal(f?.fixes[0].snippet, '--user root -e NB_UID=1001 -e NB_GID=1001');
    assert.equal(run('docker run --user root -e NB_UID=1001 -e NB_GID=1001 -v /srv/out:/home/jovyan/work img').findings.some((x) => x.ruleId === 'UID201'), false);
  });
  test('CHOWN_EXTRA names other paths', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM quay.io/jupyter/scipy-notebook:latest\n', run: docker('docker run --user root -e CHOWN_EXTRA=/data -v /srv/out:/data img'), host, profile: 'prod' });
    assert.equal(a.check('/data', 'create').allowed, true);
  });
});

describe('a user name a tool refuses is no missing user', () => {
  test("useradd's \"invalid user name 'app\\r'\" (a CRLF file) names no account", async () => {
    const { missingAccountName } = await import('../../src/rules/util.js');
    assert.equal(missingAccountName("useradd: invalid user name 'app\r': use --badname to ignore"), undefined);
    assert.equal(missingAccountName("chown: invalid user: 'tor'"), 'tor');
    assert.equal(missingAccountName("groupadd: invalid group name 'a b'"), undefined);
  });
});
