// Per-rule cases: each one a Dockerfile (plus, when it matters, the run line and host facts)
// and what one rule must say about it. A firing case names the subject the message must carry
// (uid, path, owner) and the first fix's snippet where the rule prints a concrete one.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Finding } from '../../src/model/types.js';
import { analyze, type Profile } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseHostFactsFile } from '../../src/runtime/host.js';
import { RULES } from '../../src/rules/registry.js';

interface Case {
  name: string;
  rule: string;
  dockerfile: string;
  /** A `docker run` line. */
  run?: string;
  /** Host facts in the --host-facts format. */
  host?: string;
  profile?: Profile;
  /** Fragments the message must contain; absent: the rule must stay quiet. */
  message?: string[];
  /** Fragment of the first fix's snippet. */
  fix?: string;
  /** identity.sudo's [usable, nopasswd], which must agree with the rule. */
  sudo?: [boolean, boolean];
}

const PYTORCH = 'FROM pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime';
const PYTORCH_DEVEL = 'FROM pytorch/pytorch:2.4.0-cuda12.1-cudnn9-devel';
const CUDA = 'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04';
const CUDA_NOBLE = 'FROM nvidia/cuda:12.6.3-runtime-ubuntu24.04';
const JUPYTER = 'FROM jupyter/base-notebook:2023-10-20';
const ADD_TRAINER = 'useradd --create-home --uid 1000 trainer';
const TRAINER = `RUN ${ADD_TRAINER}`;

const df = (...lines: string[]) => `${lines.join('\n')}\n`;

/** The host of most mount cases: sam (1001) in /home/sam/proj. */
const SAM = 'invoker: { uid: 1001, gid: 1001, home: /home/sam, cwd: /home/sam/proj, name: sam }';
const samHost = (...paths: string[]) => [SAM, 'paths:', ...paths.map((p) => `  ${p}`)].join('\n');

function analysisOf(c: Case) {
  const facts = c.host ? parseHostFactsFile(c.host) : { paths: [] };
  const invoker = facts.invoker ?? { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
  const env = { HOME: invoker.home, PWD: invoker.cwd };
  const run = c.run ? parseDockerRun(c.run, { invoker, env }) : undefined;
  const profile = c.profile ?? 'prod';

  return analyze({ file: 'Dockerfile', text: c.dockerfile, run, host: facts.paths, profile, engine: run?.tool === 'podman' ? 'podman' : 'docker' });
}

function findingsOf(c: Case): Finding[] {
  return analysisOf(c).findings.filter((f) => f.ruleId === c.rule);
}

const identity: Case[] = [
  {
    name: 'UID101 fires on the PyTorch image, which sets no USER',
    rule: 'UID101',
    dockerfile: df(PYTORCH, 'CMD ["python", "train.py"]'),
    message: ['runs as root', 'sets no non-root USER'],
    fix: 'useradd --create-home --uid 1000 app',
  },
  {
    name: 'UID101 on Alpine offers BusyBox adduser: the base has no useradd',
    rule: 'UID101',
    dockerfile: df('FROM alpine:3.20', 'CMD ["sh"]'),
    message: ['runs as root'],
    fix: 'RUN adduser -D -u 1000 app\nUSER 1000:1000',
  },
  {
    name: 'UID101 on Alpine with the shadow package installed offers useradd',
    rule: 'UID101',
    dockerfile: df('FROM alpine:3.20', 'RUN apk add --no-cache shadow'),
    message: ['runs as root'],
    fix: 'RUN useradd --create-home --uid 1000 app',
  },
  {
    name: 'UID101 fires when --user root overrides a non-root USER, and offers the image USER in the run',
    rule: 'UID101',
    dockerfile: df(CUDA, TRAINER, 'USER trainer'),
    run: 'docker run --rm --user root img',
    message: ['because the run command asks for it (root)'],
    fix: '--user trainer',
  },
  {
    name: 'UID101 is quiet when the image switches to uid 1000',
    rule: 'UID101',
    dockerfile: df(PYTORCH, TRAINER, 'USER 1000:1000'),
  },
  {
    name: 'UID101 is quiet when --user gives the caller ids to a root image',
    rule: 'UID101',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm --user "$(id -u):$(id -g)" img',
  },
  {
    name: 'UID101 leaves an unknown user to UID104',
    rule: 'UID101',
    dockerfile: df(PYTORCH, 'USER trainer'),
  },
  {
    name: 'UID101 names a USER that expands to nothing: an ARG declared only before FROM',
    rule: 'UID101',
    dockerfile: df('ARG USERNAME=dev', 'FROM debian:bookworm', 'RUN useradd -m dev', 'USER $USERNAME'),
    message: ['`USER $USERNAME` at line 4 expands to nothing, as USERNAME has no value in this stage (an ARG before FROM is seen only by FROM lines: repeat it after FROM).'],
    fix: 'ARG USERNAME',
  },
  {
    name: 'UID104 names the step whose useradd failed behind || true, and why (uid 1000 is ubuntu on ubuntu:24.04)',
    rule: 'UID104',
    dockerfile: df('FROM ubuntu:24.04', 'ARG UID=1000', 'RUN useradd -m -u ${UID} user6 || true', 'USER user6'),
    message: ['the step at line 3 that creates user6 failed (useradd: UID 1000 is not unique: ubuntu has it), and the failure was hidden.'],
  },
  {
    name: 'UID102 after gosu to a uid without an entry names the switch, and offers no HOME fix gosu would override',
    rule: 'UID102',
    dockerfile: df('FROM debian:bookworm', 'RUN apt-get update && apt-get install -y gosu'),
    run: 'docker run img gosu 1234 bash',
    message: ['after `gosu 1234` the workload has no user name', 'HOME is /', 'the group is 0 (root)'],
    fix: 'ARG UID=1234\nARG GID=1234\nRUN groupadd --gid $GID app && useradd --create-home --uid $UID --gid $GID app',
  },
  {
    name: 'UID102 fires for USER 1001 with no passwd entry: HOME / and group 0',
    rule: 'UID102',
    dockerfile: df('FROM python:3.11-slim-bookworm', 'USER 1001'),
    message: ['uid 1001 has no entry', 'HOME falls back to /', 'group is 0 (root)'],
    fix: 'ARG UID=1001\nARG GID=1001',
  },
  {
    name: 'UID102 keeps gid 0 when the run asks for it (OpenShift: --user 1000650000:0)',
    rule: 'UID102',
    dockerfile: df('FROM python:3.11-slim-bookworm', 'RUN mkdir /app && chgrp 0 /app && chmod g=u /app'),
    run: 'docker run --user 1000650000:0 img',
    message: ['uid 1000650000 has no entry', 'group is 0 (root)'],
    fix: 'ARG UID=1000650000\nARG GID=0\nRUN useradd --create-home --uid $UID --gid $GID app',
  },
  {
    name: 'UID102 on Alpine makes the group and user with BusyBox addgroup/adduser',
    rule: 'UID102',
    dockerfile: df('FROM alpine:3.20', 'USER 1234'),
    message: ['uid 1234 has no entry'],
    fix: 'ARG UID=1234\nARG GID=1234\nRUN addgroup -g $GID app && adduser -D -u $UID -G app app',
  },
  {
    name: 'UID102 on Alpine names an existing group to BusyBox adduser -G',
    rule: 'UID102',
    dockerfile: df('FROM alpine:3.20', 'USER 1234:100'),
    message: ['uid 1234 has no entry'],
    fix: 'RUN adduser -D -u $UID -G users app',
  },
  {
    name: 'UID102 fires for --user 1001:1001 on the PyTorch image and keeps gid 1001',
    rule: 'UID102',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm --user "$(id -u):$(id -g)" img',
    host: SAM,
    message: ['uid 1001', 'the group is 1001'],
    fix: 'useradd --create-home --uid $UID --gid $GID app',
  },
  {
    name: 'UID102 names the HOME given with -e HOME',
    rule: 'UID102',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm --user 1001:1001 -e HOME=/tmp img',
    message: ['uid 1001', 'HOME is /tmp'],
  },
  {
    name: 'UID102 is quiet when the image has a user with the run uid',
    rule: 'UID102',
    dockerfile: df(
      'FROM python:3.11-slim-bookworm',
      'RUN useradd --create-home --uid 1001 analyst',
      'USER 1001',
    ),
  },
  {
    name: 'UID102 is quiet for root',
    rule: 'UID102',
    dockerfile: df(PYTORCH),
  },
  {
    name: 'UID103 for a user whose home is /root: a home of its own, never a chown of /root',
    rule: 'UID103',
    dockerfile: df(CUDA, 'RUN useradd --uid 1000 -d /root trainer', 'USER trainer'),
    message: ['HOME (/root) is not writable', 'trainer (uid 1000)'],
    fix: '-e HOME=/tmp',
  },
  {
    name: 'UID103 fires when useradd has no --create-home: HOME does not exist',
    rule: 'UID103',
    dockerfile: df(CUDA, 'RUN useradd --uid 1000 trainer', 'USER trainer'),
    message: ['HOME (/home/trainer) does not exist', 'trainer (uid 1000)'],
    fix: 'RUN mkdir -p /home/trainer && chown 1000:1000 /home/trainer',
  },
  {
    name: 'UID103 fires for uid 1234 in the Jupyter image without the users group',
    rule: 'UID103',
    dockerfile: df(JUPYTER),
    run: 'docker run --rm --user 1234 img',
    message: ['HOME (/home/jovyan) is not writable', 'uid 1234'],
  },
  {
    name: 'UID103 fires when the home belongs to root after a root-run mkdir',
    rule: 'UID103',
    dockerfile: df(
      CUDA,
      'RUN useradd --uid 1000 --home-dir /opt/trainer trainer && mkdir -p /opt/trainer',
      'USER trainer',
    ),
    message: ['HOME (/opt/trainer) is not writable', 'trainer (uid 1000)'],
    fix: 'RUN chown 1000:1000 /opt/trainer',
  },
  {
    name: 'UID103 is quiet for uid 1234 in the Jupyter image with --group-add users',
    rule: 'UID103',
    dockerfile: df(JUPYTER),
    run: 'docker run --rm --user 1234 --group-add users img',
  },
  {
    name: 'UID103 leaves HOME=/ of a nameless uid to UID102',
    rule: 'UID103',
    dockerfile: df(PYTORCH, 'USER 1001'),
  },
  {
    name: 'UID104 fires when USER names a user made only in the build stage',
    rule: 'UID104',
    dockerfile: df(
      `${PYTORCH_DEVEL} AS build`,
      'RUN useradd --create-home trainer',
      '',
      PYTORCH,
      'USER trainer',
    ),
    message: ['will not start', 'unable to find user trainer'],
    fix: 'USER app',
  },
  {
    name: 'UID104 fires for --user jovyan on a PyTorch image',
    rule: 'UID104',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm --user jovyan img',
    message: ['unable to find user jovyan'],
  },
  {
    name: 'UID104 fires for a group name missing from /etc/group',
    rule: 'UID104',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer:ml'),
    message: ['unable to find group ml'],
  },
  {
    name: 'UID104 is quiet for numeric ids without passwd entries',
    rule: 'UID104',
    dockerfile: df(PYTORCH, 'USER 1000:1000'),
  },
  {
    name: 'UID105 fires for a user in the PyTorch image root-owned /workspace',
    rule: 'UID105',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    message: ['trainer (uid 1000)', 'working directory /workspace'],
    fix: 'RUN mkdir -p /workspace && chown trainer:trainer /workspace',
  },
  {
    name: 'UID105 fires for a WORKDIR that COPY created as root',
    rule: 'UID105',
    dockerfile: df(
      CUDA,
      TRAINER,
      'USER trainer',
      'COPY . /opt/experiments',
      'WORKDIR /opt/experiments',
    ),
    message: ['working directory /opt/experiments'],
    fix: 'chown trainer:trainer /opt/experiments',
  },
  {
    name: 'UID105 is quiet for a WORKDIR created after USER (BuildKit gives it to the user)',
    rule: 'UID105',
    dockerfile: df(CUDA, TRAINER, 'USER trainer', 'WORKDIR /opt/experiments'),
  },
  {
    name: 'UID105 is quiet when /workspace is chowned to the user',
    rule: 'UID105',
    dockerfile: df(PYTORCH, `${TRAINER} && chown trainer:trainer /workspace`, 'USER trainer'),
  },
  {
    name: 'UID105 leaves a working directory on a mount to the mount rules',
    rule: 'UID105',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v "$PWD:/workspace" img',
    host: samHost('/home/sam/proj: { uid: 1001, gid: 1001, mode: "0755", kind: dir }'),
  },
];

const BOOKWORM_BASE = 'FROM debian:bookworm';
const SOCKET_FACTS = 'paths:\n  /var/run/docker.sock: { kind: other, uid: 0, gid: 999, mode: "0660" }';
const mounts: Case[] = [
  {
    name: 'UID207 fires for the Docker socket given to a root container',
    rule: 'UID207',
    dockerfile: df(BOOKWORM_BASE),
    run: 'docker run -v /var/run/docker.sock:/var/run/docker.sock img',
    host: SOCKET_FACTS,
    message: ['gets the Docker socket', 'root in it may use it', 'root on the host'],
  },
  {
    name: "UID207 fires for a user given the socket's group with --group-add",
    rule: 'UID207',
    dockerfile: df(BOOKWORM_BASE, 'RUN useradd -m -u 1000 ci', 'USER ci'),
    run: 'docker run --group-add 999 -v /var/run/docker.sock:/var/run/docker.sock img',
    host: SOCKET_FACTS,
    message: ['uid 1000 in it may use it'],
  },
  {
    name: "UID207 is quiet for a user outside the socket's group",
    rule: 'UID207',
    dockerfile: df(BOOKWORM_BASE, 'RUN useradd -m -u 1000 ci', 'USER ci'),
    run: 'docker run -v /var/run/docker.sock:/var/run/docker.sock img',
    host: SOCKET_FACTS,
  },
  {
    name: 'UID207 fires for a host folder that holds the Docker socket (-v /var/run:/hostrun), by what the host shows in it',
    rule: 'UID207',
    dockerfile: df(BOOKWORM_BASE),
    run: 'docker run -v /var/run:/hostrun img',
    host: 'paths:\n  /var/run: { kind: dir, uid: 0, gid: 0, mode: "0755" }\n  /var/run/docker.sock: { kind: other, uid: 0, gid: 999, mode: "0660" }',
    message: ['-v /var/run:/hostrun, which holds /hostrun/docker.sock', 'root in it may use it'],
  },
  {
    name: 'UID207 fires for the host / mounted writable into a root container, and is quiet read-only',
    rule: 'UID207',
    dockerfile: df(BOOKWORM_BASE),
    run: 'docker run -v /:/host img',
    message: ["mounts the host's whole file system writable at /host", 'runs as root'],
  },
  {
    name: 'UID207 is quiet for the host / mounted read-only',
    rule: 'UID207',
    dockerfile: df(BOOKWORM_BASE),
    run: 'docker run -v /:/host:ro img',
  },
  {
    name: 'UID201 fires when uid 1000 mounts a 0755 folder of uid 1001',
    rule: 'UID201',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v "$PWD/checkpoints:/workspace/checkpoints" img',
    host: samHost('/home/sam/proj/checkpoints: { uid: 1001, gid: 1001, mode: "0755", kind: dir }'),
    message: ['trainer (uid 1000)', '/workspace/checkpoints', 'belongs to 1001:1001 on the host'],
    fix: '--user 1001:1001',
  },
  {
    name: 'UID201 offers the build argument for the uid when the image USER runs',
    rule: 'UID201',
    dockerfile: df(PYTORCH, 'ARG USER_UID=1000', 'RUN useradd -m -u $USER_UID trainer', 'USER trainer'),
    run: 'docker run --rm -v "$PWD/checkpoints:/workspace/checkpoints" img',
    host: samHost('/home/sam/proj/checkpoints: { uid: 1001, gid: 1001, mode: "0755", kind: dir }'),
    message: ['trainer (uid 1000)', 'belongs to 1001:1001 on the host'],
    fix: 'docker build --build-arg USER_UID=1001 .',
  },
  {
    name: 'UID201 leaves the build argument out when the run names its user, which wins over the image USER',
    rule: 'UID201',
    dockerfile: df(PYTORCH, 'ARG USER_UID=1000', 'RUN useradd -m -u $USER_UID trainer', 'USER trainer'),
    run: 'docker run --rm --user 1000:1000 -v "$PWD/checkpoints:/workspace/checkpoints" img',
    host: samHost('/home/sam/proj/checkpoints: { uid: 1001, gid: 1001, mode: "0755", kind: dir }'),
    message: ['trainer (uid 1000)', 'belongs to 1001:1001 on the host'],
    fix: '--user 1001:1001',
  },
  {
    name: 'UID201 fires for a new named volume on a path the image lacks (root 0755)',
    rule: 'UID201',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v ckpt:/workspace/checkpoints img',
    message: ['/workspace/checkpoints', 'belongs to 0:0'],
    fix: 'RUN mkdir -p /workspace/checkpoints && chown 1000:1000 /workspace/checkpoints',
  },
  {
    name: 'UID201 fires for a 0775 folder whose group the user lacks',
    rule: 'UID201',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v /srv/lab/runs:/workspace/runs img',
    host: 'paths:\n  /srv/lab/runs: { uid: 1001, gid: 2000, mode: "0775", kind: dir }',
    message: ['/workspace/runs', 'belongs to 1001:2000'],
    fix: '--group-add 2000',
  },
  {
    name: 'UID201 is quiet with a 0775 folder whose group the user has via --group-add',
    rule: 'UID201',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm --group-add 2000 -v /srv/lab/runs:/workspace/runs img',
    host: 'paths:\n  /srv/lab/runs: { uid: 1001, gid: 2000, mode: "0775", kind: dir }',
  },
  {
    name: 'UID201 is quiet when --user gives the folder owner ids',
    rule: 'UID201',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/checkpoints:/workspace/ckpt" img',
    host: samHost('/home/sam/proj/checkpoints: { uid: 1001, gid: 1001, mode: "0755", kind: dir }'),
  },
  {
    name: 'UID201 is quiet for a read-only mount',
    rule: 'UID201',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v "$PWD/checkpoints:/workspace/checkpoints:ro" img',
    host: samHost('/home/sam/proj/checkpoints: { uid: 1001, gid: 1001, mode: "0755", kind: dir }'),
  },
  {
    name: 'UID201 is quiet for a volume whose path the image gives to the user',
    rule: 'UID201',
    dockerfile: df(
      PYTORCH,
      TRAINER,
      'RUN mkdir -p /workspace/ckpt && chown 1000:1000 /workspace/ckpt',
      'USER trainer',
    ),
    run: 'docker run --rm -v ckpt:/workspace/ckpt img',
  },
  {
    name: 'UID205 fires for a read-only data set of root with mode 0700',
    rule: 'UID205',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v /srv/datasets:/datasets:ro img',
    host: 'paths:\n  /srv/datasets: { uid: 0, gid: 0, mode: "0700", kind: dir }',
    message: ['trainer (uid 1000) cannot read /datasets (-v /srv/datasets:/datasets:ro)', 'belongs to 0:0 with mode 0700 on the host'],
    fix: 'sudo chmod -R a+rX /srv/datasets',
  },
  {
    name: 'UID205 fires for a 0750 folder of a group the user lacks, the group added first',
    rule: 'UID205',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v /srv/lab/data:/data:ro img',
    host: 'paths:\n  /srv/lab/data: { uid: 1001, gid: 2000, mode: "0750", kind: dir }',
    message: ['/data', 'belongs to 1001:2000 with mode 0750 on the host'],
    fix: '--group-add 2000',
  },
  {
    name: 'UID205 fires for a read-only file mount of mode 0600',
    rule: 'UID205',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v /srv/keys/token:/run/token:ro img',
    host: 'paths:\n  /srv/keys/token: { uid: 0, gid: 0, mode: "0600", kind: file }',
    message: ['cannot read /run/token', 'belongs to 0:0 with mode 0600 on the host'],
    fix: 'sudo setfacl -m u:1000:r /srv/keys/token',
  },
  {
    name: 'UID205 is quiet for a read-only data set of mode 0755',
    rule: 'UID205',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v /srv/datasets:/datasets:ro img',
    host: 'paths:\n  /srv/datasets: { uid: 0, gid: 0, mode: "0755", kind: dir }',
  },
  {
    name: 'UID205 is quiet for root, who reads past the mode with CAP_DAC_OVERRIDE',
    rule: 'UID205',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm -v /srv/datasets:/datasets:ro img',
    host: 'paths:\n  /srv/datasets: { uid: 1001, gid: 1001, mode: "0700", kind: dir }',
  },
  {
    name: 'UID205 leaves a read-write mount of a 0700 root folder to UID201',
    rule: 'UID205',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v /srv/datasets:/datasets img',
    host: 'paths:\n  /srv/datasets: { uid: 0, gid: 0, mode: "0700", kind: dir }',
  },
  {
    name: 'UID206 fires for a config file mounted onto a folder of the image',
    rule: 'UID206',
    dockerfile: df(PYTORCH, TRAINER, 'RUN mkdir -p /workspace/conf', 'USER trainer'),
    run: 'docker run --rm -v /srv/cfg/train.yaml:/workspace/conf img',
    host: 'paths:\n  /srv/cfg/train.yaml: { uid: 1000, gid: 1000, mode: "0644", kind: file }',
    message: ['The container will not start: error mounting "/srv/cfg/train.yaml" to rootfs at "/workspace/conf": not a directory', 'Are you trying to mount a directory onto a file (or vice-versa)?'],
    fix: '-v /srv/cfg/train.yaml:/workspace/conf/train.yaml',
  },
  {
    name: 'UID206 fires for two data sets mounted on one path',
    rule: 'UID206',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v /srv/a:/datasets:ro -v /srv/b:/datasets:ro img',
    host: 'paths:\n  /srv/a: { uid: 0, gid: 0, mode: "0755", kind: dir }\n  /srv/b: { uid: 0, gid: 0, mode: "0755", kind: dir }',
    message: ['The container will not start: Duplicate mount point: /datasets.'],
    fix: '-v /srv/b:/datasets-2:ro',
  },
  {
    name: 'UID206 is quiet for the file mounted inside the folder',
    rule: 'UID206',
    dockerfile: df(PYTORCH, TRAINER, 'RUN mkdir -p /workspace/conf', 'USER trainer'),
    run: 'docker run --rm -v /srv/cfg/train.yaml:/workspace/conf/train.yaml img',
    host: 'paths:\n  /srv/cfg/train.yaml: { uid: 1000, gid: 1000, mode: "0644", kind: file }',
  },
  {
    name: 'UID202 fires for root writing into a bind mount of uid 1000',
    rule: 'UID202',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm -v "$PWD/out:/workspace/out" img',
    host: 'paths:\n  /home/me/proj/out: { uid: 1000, gid: 1000, mode: "0755", kind: dir }',
    message: ['/workspace/out', 'belong to root on the host (/home/me/proj/out)', 'uid 1000'],
    fix: '--user "$(id -u):$(id -g)"',
  },
  {
    name: 'UID202 fires for --user 0 on a non-root image',
    rule: 'UID202',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm --user 0 -v "$PWD:/workspace" img',
    host: samHost('/home/sam/proj: { uid: 1001, gid: 1001, mode: "0755", kind: dir }'),
    message: ['/workspace', '(/home/sam/proj)', 'uid 1001'],
  },
  {
    name: 'UID202 is quiet for root under rootless podman: container root is the caller on the host',
    rule: 'UID202',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'podman run --rm --user 0 -v "$PWD:/workspace" img',
    host: samHost('/home/sam/proj: { uid: 1001, gid: 1001, mode: "0755", kind: dir }'),
  },
  {
    name: 'UID202 under rootless podman keep-id with --user 0: container root is a subordinate uid, repaired with podman unshare',
    rule: 'UID202',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'podman run --rm --userns=keep-id --user 0 -v "$PWD:/workspace" img',
    host: samHost('/home/sam/proj: { uid: 1001, gid: 1001, mode: "0755", kind: dir }'),
    message: ['/workspace will belong to one of your subordinate uids on the host (/home/sam/proj), not to uid 1001'],
    fix: '--user "$(id -u):$(id -g)"',
  },
  {
    name: 'UID202 is quiet for root with a read-only mount',
    rule: 'UID202',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm -v /data/imagenet:/data:ro img',
  },
  {
    name: 'UID202 is quiet for root with a named volume',
    rule: 'UID202',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm -v ckpt:/workspace/ckpt img',
  },
  {
    name: 'UID203 fires for a missing -v source: Docker creates it as root',
    rule: 'UID203',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm -v "$PWD/results:/workspace/results" img',
    host: samHost('/home/sam/proj/results: { exists: false }'),
    message: ['/home/sam/proj/results does not exist', 'owned by root (0755)'],
    fix: 'mkdir -p /home/sam/proj/results',
  },
  {
    name: 'UID203 fires for a missing --mount source: the container does not start',
    rule: 'UID203',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm --mount type=bind,source=/mnt/datasets/coco,target=/data img',
    host: 'paths:\n  /mnt/datasets/coco: { exists: false }',
    message: ['/mnt/datasets/coco does not exist', 'will not start'],
    fix: 'mkdir -p /mnt/datasets/coco',
  },
  {
    name: 'UID203 is quiet when the source exists',
    rule: 'UID203',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm -v "$PWD/results:/workspace/results" img',
    host: samHost('/home/sam/proj/results: { uid: 1001, gid: 1001, mode: "0755", kind: dir }'),
  },
  {
    name: 'UID203 is quiet when nothing is known about the source',
    rule: 'UID203',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm -v /mnt/nfs/datasets:/data:ro img',
  },
  {
    name: 'UID204 on a docker-stacks image (WORKDIR is HOME): the fix mounts a folder below it, not over it',
    rule: 'UID204',
    dockerfile: df('FROM quay.io/jupyter/scipy-notebook:latest'),
    run: 'docker run --rm -v /srv/data:/data:ro img',
    host: 'paths:\n  /srv/data: { uid: 1000, gid: 100, mode: "0755", kind: dir }',
    message: ['The working directory /home/jovyan is not on any mount'],
    fix: '-v "$PWD/out:/home/jovyan/work" -w /home/jovyan/work',
  },
  {
    name: 'UID204 fires when the mounts miss the working directory /workspace',
    rule: 'UID204',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm -v "$PWD/runs:/runs" img',
    host: 'paths:\n  /home/me/proj/runs: { uid: 1000, gid: 1000, mode: "0755", kind: dir }',
    message: ['working directory /workspace is not on any mount', '(mounts: /runs)'],
    fix: '-w /runs',
  },
  {
    name: 'UID204 is quiet when -w starts in the mounted folder',
    rule: 'UID204',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm -w /runs -v "$PWD/runs:/runs" img',
    host: 'paths:\n  /home/me/proj/runs: { uid: 1000, gid: 1000, mode: "0755", kind: dir }',
  },
  {
    name: 'UID204 in / with no writable mount mounts a folder of its own, never over /',
    rule: 'UID204',
    dockerfile: 'FROM debian:bookworm\n',
    run: 'docker run --rm -v /srv/ro:/data:ro img',
    host: 'paths:\n  /srv/ro: { uid: 0, gid: 0, mode: "0755", kind: dir }',
    message: ['working directory / is not on any mount'],
    fix: '-v "$PWD/out:/out" -w /out',
  },
  {
    name: 'UID204 is quiet without any mount',
    rule: 'UID204',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm img',
  },
];

const python: Case[] = [
  {
    name: 'UID301 fires for a user on the PyTorch image: pip falls back to ~/.local',
    rule: 'UID301',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    message: [
      'trainer (uid 1000)',
      '/opt/conda/lib/python3.11/site-packages',
      'falls back to a user installation',
    ],
    fix: 'pip install --user PACKAGE',
  },
  {
    name: 'UID301 fires for a nameless uid on the python image: pip fails outright',
    rule: 'UID301',
    dockerfile: df('FROM python:3.11-slim-bookworm', 'USER 1001'),
    message: ['will fail', '/usr/local/lib/python3.11/site-packages', 'Errno 13'],
    fix: 'USER root\nRUN pip install --no-cache-dir PACKAGE\nUSER 1001',
  },
  {
    name: 'UID301 under a run-time --user: the build-time fix gives the image back its own USER, not the run\'s uid',
    rule: 'UID301',
    dockerfile: df('FROM python:3.11-slim-bookworm', 'RUN useradd -m -u 1000 app', 'USER app'),
    run: 'docker run --user 1234:1234 img',
    message: ['uid 1234 (no passwd entry)', 'will fail'],
    fix: 'USER root\nRUN pip install --no-cache-dir PACKAGE\nUSER app',
  },
  {
    name: 'UID301 under a run-time --user on an image that runs as root: the fix is the RUN alone',
    rule: 'UID301',
    dockerfile: df('FROM python:3.11-slim-bookworm'),
    run: 'docker run --user 1234:1234 img',
    message: ['uid 1234 (no passwd entry)', 'will fail'],
    fix: 'RUN pip install --no-cache-dir PACKAGE',
  },
  {
    name: 'UID301 is quiet for jovyan in the Jupyter image (group-writable conda)',
    rule: 'UID301',
    dockerfile: df(JUPYTER),
  },
  {
    name: 'UID301 is quiet when /opt/conda is chowned to the user',
    rule: 'UID301',
    dockerfile: df(PYTORCH, `${TRAINER} && chown -R trainer:trainer /opt/conda`, 'USER trainer'),
  },
  {
    name: 'UID301 is quiet for root',
    rule: 'UID301',
    dockerfile: df(PYTORCH),
  },
  {
    name: 'UID302 fires when ~/.local/bin is missing from the PyTorch PATH',
    rule: 'UID302',
    profile: 'dev',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    message: ['/home/trainer/.local/bin is not on PATH'],
    fix: 'ENV PATH=/home/trainer/.local/bin:$PATH',
  },
  {
    name: 'UID302 fires for a user on the python image',
    rule: 'UID302',
    profile: 'dev',
    dockerfile: df(
      'FROM python:3.11-slim-bookworm',
      'RUN useradd --create-home --uid 1000 analyst',
      'USER analyst',
    ),
    message: ['/home/analyst/.local/bin'],
    fix: 'ENV PATH=/home/analyst/.local/bin:$PATH',
  },
  {
    name: 'UID302 is quiet once ENV PATH lists ~/.local/bin',
    rule: 'UID302',
    profile: 'dev',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer', 'ENV PATH=/home/trainer/.local/bin:$PATH'),
  },
  {
    name: 'UID302 is quiet when site-packages is writable (Jupyter)',
    rule: 'UID302',
    profile: 'dev',
    dockerfile: df(JUPYTER),
  },
  {
    name: 'UID302 is off in the prod profile',
    rule: 'UID302',
    profile: 'prod',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
  },
  {
    name: 'UID303 fires for apt python3-pip on Ubuntu 24.04 CUDA',
    rule: 'UID303',
    dockerfile: df(CUDA_NOBLE, 'RUN apt-get update && apt-get install -y python3-pip'),
    message: ['/usr/bin/python3 is externally managed', 'externally-managed-environment'],
    fix: 'RUN python3 -m venv /opt/venv',
  },
  {
    name: 'UID303 fires for Debian 12 python3',
    rule: 'UID303',
    dockerfile: df(
      'FROM debian:bookworm',
      'RUN apt-get update && apt-get install -y python3 python3-pip',
    ),
    message: ['/usr/bin/python3 is externally managed'],
  },
  {
    name: 'UID303 is quiet on Ubuntu 22.04, which has no marker',
    rule: 'UID303',
    dockerfile: df(CUDA, 'RUN apt-get update && apt-get install -y python3-pip'),
  },
  {
    name: 'UID303 is quiet with PIP_BREAK_SYSTEM_PACKAGES=1',
    rule: 'UID303',
    dockerfile: df(
      'FROM debian:bookworm',
      'RUN apt-get update && apt-get install -y python3-pip',
      'ENV PIP_BREAK_SYSTEM_PACKAGES=1',
    ),
  },
  {
    name: 'UID303 is quiet for the source-built Python of python:3.11',
    rule: 'UID303',
    dockerfile: df('FROM python:3.11-slim-bookworm'),
  },
  {
    name: 'UID304 fires for a user on the root-owned /opt/conda of PyTorch',
    rule: 'UID304',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    message: ['trainer (uid 1000)', 'conda prefix /opt/conda is not writable'],
    fix: 'RUN chown -R 1000:1000 /opt/conda',
  },
  {
    name: 'UID304 fires for uid 1234 outside the users group in the Jupyter image',
    rule: 'UID304',
    dockerfile: df(JUPYTER),
    run: 'docker run --rm --user 1234:1234 img',
    message: ['uid 1234', '/opt/conda'],
    // The stacks' route for an arbitrary uid comes first.
    fix: '--group-add 100',
  },
  {
    name: 'UID304 is quiet for uid 1234 with gid 100 (users) in the Jupyter image',
    rule: 'UID304',
    dockerfile: df(JUPYTER),
    run: 'docker run --rm --user 1234:100 img',
  },
  {
    name: 'UID304 is quiet for an image without conda',
    rule: 'UID304',
    dockerfile: df(
      'FROM python:3.11-slim-bookworm',
      'RUN useradd --create-home --uid 1000 analyst',
      'USER analyst',
    ),
  },
  {
    name: 'UID305 fires when weights are copied into ~/.cache as root',
    rule: 'UID305',
    dockerfile: df(
      PYTORCH,
      TRAINER,
      'COPY bert/ /home/trainer/.cache/huggingface/hub/bert/',
      'USER trainer',
    ),
    message: ['trainer (uid 1000)', '/home/trainer/.cache'],
    fix: 'RUN mkdir -p /home/trainer/.cache && chown -R 1000:1000 /home/trainer/.cache',
  },
  {
    name: 'UID305 fires when root makes ~/.cache/torch in a RUN step',
    rule: 'UID305',
    dockerfile: df(CUDA, `${TRAINER} && mkdir -p /home/trainer/.cache/torch`, 'USER trainer'),
    message: ['/home/trainer/.cache'],
  },
  {
    name: 'UID305 is quiet when the copy uses --chown',
    rule: 'UID305',
    dockerfile: df(
      PYTORCH,
      TRAINER,
      'USER trainer',
      'COPY --chown=trainer:trainer bert/ /home/trainer/.cache/huggingface/hub/bert/',
    ),
  },
  {
    name: 'UID305 is quiet for a fresh home without ~/.cache',
    rule: 'UID305',
    dockerfile: df(CUDA, TRAINER, 'USER trainer'),
  },
  {
    name: 'UID305 leaves a missing HOME to UID103',
    rule: 'UID305',
    dockerfile: df(CUDA, 'RUN useradd --uid 1000 trainer', 'USER trainer'),
  },
  {
    name: 'UID305 fires for HF_HOME in a root-owned project folder, naming the variable',
    rule: 'UID305',
    dockerfile: df(PYTORCH, `${TRAINER} && mkdir -p /workspace`, 'ENV HF_HOME=/workspace/.hf', 'USER trainer'),
    message: ['cannot write /workspace/.hf (HF_HOME): downloads cached there (Hugging Face models and datasets) fail with Permission denied'],
    fix: 'RUN mkdir -p /workspace/.hf && chown -R 1000:1000 /workspace/.hf',
  },
  {
    name: 'UID305 fires for TORCH_HOME given with -e at run time, below a missing folder of a root-owned one',
    rule: 'UID305',
    dockerfile: df(CUDA, TRAINER, 'USER trainer'),
    run: 'docker run -e TORCH_HOME=/opt/models/torch img',
    message: ['cannot write /opt/models/torch (TORCH_HOME)', 'torch hub models and weights'],
    // The run's value wins over any ENV: the fix goes on the run line.
    fix: '-e TORCH_HOME=/tmp/cache/torch',
  },
  {
    name: 'UID305 on a read-only root says so, and offers no place that is read-only too',
    rule: 'UID305',
    dockerfile: df(CUDA, TRAINER, 'ENV XDG_CACHE_HOME=/tmp/cache', 'USER trainer'),
    run: 'docker run --read-only img',
    message: ['cannot write /tmp/cache (XDG_CACHE_HOME)', 'fail with Read-only file system'],
    fix: '--tmpfs /tmp/cache',
  },
  {
    name: 'UID305 follows XDG_CACHE_HOME away from a root-owned ~/.cache',
    rule: 'UID305',
    dockerfile: df(CUDA, `${TRAINER} && mkdir -p /home/trainer/.cache/torch`, 'ENV XDG_CACHE_HOME=/tmp/cache', 'USER trainer'),
  },
  {
    name: 'UID305 judges XDG_CACHE_HOME itself when it points at a root-owned place',
    rule: 'UID305',
    dockerfile: df(CUDA, TRAINER, 'ENV XDG_CACHE_HOME=/var/cache/app', 'USER trainer'),
    message: ['cannot write /var/cache/app (XDG_CACHE_HOME): downloads cached there (pip, Hugging Face, torch hub)'],
    fix: 'RUN mkdir -p /var/cache/app && chown -R 1000:1000 /var/cache/app',
  },
  {
    name: 'UID305 is quiet for a cache variable on a writable bind mount',
    rule: 'UID305',
    dockerfile: df(PYTORCH, `${TRAINER} && mkdir -p /workspace`, 'ENV HF_HOME=/workspace/.hf', 'USER trainer'),
    run: 'docker run --mount type=tmpfs,target=/workspace img',
  },
];

const NOPASSWD_ALL = "echo 'trainer ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/trainer";
const NOPASSWD_APT =
  "echo 'trainer ALL=(root) NOPASSWD: /usr/bin/apt-get' > /etc/sudoers.d/trainer";
const SUDO = 'RUN apt-get update && apt-get install -y sudo';

const sudo: Case[] = [
  {
    name: 'UID401 fires for a user on the PyTorch image, which has no sudo',
    rule: 'UID401',
    profile: 'dev',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    message: ['sudo is not installed', 'trainer (uid 1000)'],
    fix: 'USER root\nRUN apt-get update',
  },
  {
    name: 'UID401 fires for --user 1000 on a CUDA image',
    rule: 'UID401',
    profile: 'dev',
    dockerfile: df(CUDA),
    run: 'docker run --rm --user 1000:1000 img',
    message: ['uid 1000'],
    fix: 'USER 1000',
  },
  {
    name: 'UID401 is quiet for root',
    rule: 'UID401',
    profile: 'dev',
    dockerfile: df(PYTORCH),
  },
  {
    name: 'UID401 is quiet when sudo is installed (Jupyter)',
    rule: 'UID401',
    profile: 'dev',
    dockerfile: df(JUPYTER),
  },
  {
    name: 'UID401 is off in the prod profile',
    rule: 'UID401',
    profile: 'prod',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
  },
  {
    name: 'UID402 fires for jovyan, whom no sudoers rule names',
    rule: 'UID402',
    profile: 'dev',
    dockerfile: df(JUPYTER),
    message: ['jovyan (uid 1000) cannot use sudo', 'no sudoers rule'],
    fix: 'USER root\nRUN COMMAND\nUSER jovyan',
  },
  {
    name: 'UID402 fires for a sudo-group member without a password',
    rule: 'UID402',
    profile: 'dev',
    dockerfile: df(
      CUDA,
      `${SUDO} && useradd --create-home --uid 1000 --groups sudo trainer`,
      'USER trainer',
    ),
    message: ['trainer (uid 1000) cannot use sudo', 'password'],
    fix: 'USER trainer',
  },
  {
    name: 'UID402 fires under --security-opt no-new-privileges even with NOPASSWD',
    rule: 'UID402',
    profile: 'dev',
    dockerfile: df(
      CUDA,
      `${SUDO} && ${ADD_TRAINER} && ${NOPASSWD_APT} && chmod 0440 /etc/sudoers.d/trainer`,
      'USER trainer',
    ),
    run: 'docker run --rm --security-opt no-new-privileges img',
    message: ['no-new-privileges'],
  },
  {
    name: 'UID402 is quiet with a NOPASSWD rule for apt-get',
    rule: 'UID402',
    profile: 'dev',
    dockerfile: df(
      CUDA,
      `${SUDO} && ${ADD_TRAINER} && ${NOPASSWD_APT} && chmod 0440 /etc/sudoers.d/trainer`,
      'USER trainer',
    ),
  },
  {
    name: 'UID402 is quiet when sudo is not installed (UID401 says so)',
    rule: 'UID402',
    profile: 'dev',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
  },
  {
    name: 'UID403 fires for trainer ALL=(ALL) NOPASSWD:ALL in sudoers.d',
    rule: 'UID403',
    dockerfile: df(
      CUDA,
      `${SUDO} && ${ADD_TRAINER} && ${NOPASSWD_ALL} && chmod 0440 /etc/sudoers.d/trainer`,
      'USER trainer',
    ),
    message: ['trainer may run any command as root without a password', '/etc/sudoers.d/trainer'],
    fix: 'RUN rm -f /etc/sudoers.d/trainer',
  },
  {
    name: 'UID403 fires for %sudo NOPASSWD: ALL appended to /etc/sudoers',
    rule: 'UID403',
    dockerfile: df(
      'FROM ubuntu:24.04',
      `${SUDO} && echo '%sudo ALL=(ALL:ALL) NOPASSWD: ALL' >> /etc/sudoers`,
      'USER ubuntu',
    ),
    message: ['%sudo may run any command', '/etc/sudoers'],
    fix: "RUN sed -i '/^%sudo[[:space:]].*NOPASSWD/d' /etc/sudoers",
  },
  {
    name: 'UID403 fires for a NOPASSWD rule limited to apt-get, which can start a root shell',
    rule: 'UID403',
    dockerfile: df(
      CUDA,
      `${SUDO} && ${ADD_TRAINER} && ${NOPASSWD_APT} && chmod 0440 /etc/sudoers.d/trainer`,
      'USER trainer',
    ),
    message: ['trainer may run /usr/bin/apt-get as root without a password'],
  },
  {
    name: 'UID403 is quiet for a NOPASSWD rule limited to one root-owned script',
    rule: 'UID403',
    dockerfile: df(
      CUDA,
      `${SUDO} && ${ADD_TRAINER} && echo 'trainer ALL=(root) NOPASSWD: /usr/local/sbin/fix-permissions' > /etc/sudoers.d/trainer && chmod 0440 /etc/sudoers.d/trainer`,
      'USER trainer',
    ),
  },
  {
    name: 'UID403 is quiet for a NOPASSWD rule whose runas list (nobody) leaves root out',
    rule: 'UID403',
    dockerfile: df(
      CUDA,
      `${SUDO} && ${ADD_TRAINER} && echo 'trainer ALL=(nobody) NOPASSWD: ALL' > /etc/sudoers.d/trainer && chmod 0440 /etc/sudoers.d/trainer`,
      'USER trainer',
    ),
    sudo: [false, false],
  },
  {
    name: 'UID403 fires for (ALL:ALL) NOPASSWD, with identity.sudo passwordless too',
    rule: 'UID403',
    dockerfile: df(
      CUDA,
      `${SUDO} && ${ADD_TRAINER} && echo 'trainer ALL=(ALL:ALL) NOPASSWD: ALL' > /etc/sudoers.d/trainer && chmod 0440 /etc/sudoers.d/trainer`,
      'USER trainer',
    ),
    message: ['trainer may run any command as root without a password'],
    sudo: [true, true],
  },
  {
    name: 'UID403 is quiet when a later sudoers.d file takes the password back (last match wins)',
    rule: 'UID403',
    dockerfile: df(
      CUDA,
      `${SUDO} && ${ADD_TRAINER} && echo 'trainer ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/10-trainer`,
      "RUN echo 'trainer ALL=(ALL) PASSWD: ALL' > /etc/sudoers.d/20-trainer && chmod 0440 /etc/sudoers.d/*",
      'USER trainer',
    ),
    sudo: [false, false],
  },
  {
    name: 'UID403 fires for Defaults !authenticate with the distribution %sudo rule',
    rule: 'UID403',
    dockerfile: df(
      CUDA,
      `${SUDO} && ${ADD_TRAINER} && usermod -aG sudo trainer`,
      "RUN echo 'Defaults !authenticate' > /etc/sudoers.d/nopw && chmod 0440 /etc/sudoers.d/nopw",
      'USER trainer',
    ),
    message: ['%sudo may run any command as root without a password', '"Defaults !authenticate" in /etc/sudoers.d/nopw'],
    fix: 'RUN rm -f /etc/sudoers.d/nopw',
    sudo: [true, true],
  },
  {
    name: 'UID403 fires for Defaults:trainer !authenticate, naming trainer',
    rule: 'UID403',
    dockerfile: df(
      CUDA,
      `${SUDO} && ${ADD_TRAINER} && usermod -aG sudo trainer`,
      "RUN echo 'Defaults:trainer !authenticate' >> /etc/sudoers",
      'USER trainer',
    ),
    message: ['trainer may run any command as root without a password', 'Defaults:trainer !authenticate'],
    fix: "sed -i '/^Defaults.*!authenticate/d' /etc/sudoers",
    sudo: [true, true],
  },
  {
    name: 'UID403 is quiet for the distribution sudoers (password required)',
    rule: 'UID403',
    dockerfile: df(CUDA, SUDO),
  },
  {
    name: 'identity.sudo: root with --cap-drop ALL cannot run sudo either (measured: caps/sudo-root-drop-all)',
    rule: 'UID403',
    dockerfile: df(CUDA, SUDO),
    run: 'docker run --user root --cap-drop ALL img',
    sudo: [false, false],
  },
  {
    name: 'identity.sudo: root loses sudo when only CAP_SETUID is dropped (measured: caps/sudo-root-drop-setuid; a user keeps it)',
    rule: 'UID403',
    dockerfile: df(CUDA, SUDO),
    run: 'docker run --user root --cap-drop SETUID img',
    sudo: [false, false],
  },
  {
    name: 'identity.sudo: root keeps sudo when another capability is dropped',
    rule: 'UID403',
    dockerfile: df(CUDA, SUDO),
    run: 'docker run --user root --cap-drop NET_RAW img',
    sudo: [true, true],
  },
];

const SSHD = 'RUN apt-get update && apt-get install -y openssh-server';
const BOOKWORM = 'FROM debian:bookworm';
const ADD_DEV = 'useradd --create-home --uid 1000 dev';
const SSHD_CONFIG = '/etc/ssh/sshd_config';
const JUPYTERLAB = 'RUN pip install --no-cache-dir jupyterlab';
const JUPYTER_CONFIG = '/etc/jupyter/jupyter_server_config.py';

const services: Case[] = [
  {
    name: 'UID501 fires for PermitRootLogin yes appended to sshd_config',
    rule: 'UID501',
    dockerfile: df(
      CUDA,
      `${SSHD} && echo 'PermitRootLogin yes' >> /etc/ssh/sshd_config`,
      'CMD ["/usr/sbin/sshd", "-D"]',
    ),
    message: ['PermitRootLogin yes'],
    fix: 'PermitRootLogin no',
  },
  {
    name: 'UID501 keeps the first PermitRootLogin, as sshd does',
    rule: 'UID501',
    dockerfile: df(
      CUDA,
      `${SSHD} && sed -i 's/#PermitRootLogin prohibit-password/PermitRootLogin yes/' ${SSHD_CONFIG}`,
      "RUN echo 'PermitRootLogin no' >> /etc/ssh/sshd_config",
    ),
    message: ['PermitRootLogin yes'],
  },
  {
    name: 'UID501 fires for PermitRootLogin yes inside Match User root, naming the block',
    rule: 'UID501',
    dockerfile: df(
      CUDA,
      SSHD,
      `RUN printf 'Match User root\\n  PermitRootLogin yes\\n' >> ${SSHD_CONFIG}`,
    ),
    message: ['PermitRootLogin yes inside "Match User root"', `${SSHD_CONFIG} line`],
    fix: `PermitRootLogin no/' ${SSHD_CONFIG}`,
  },
  {
    name: 'UID501 fires for PermitRootLogin yes inside Match Address * in sshd_config.d',
    rule: 'UID501',
    dockerfile: df(
      CUDA,
      SSHD,
      "RUN printf 'Match Address *\\n  PermitRootLogin yes\\n' > /etc/ssh/sshd_config.d/root.conf",
    ),
    message: ['inside "Match Address *"', '/etc/ssh/sshd_config.d/root.conf line 1'],
  },
  {
    name: 'UID501 is quiet for PermitRootLogin yes inside Match User bob',
    rule: 'UID501',
    dockerfile: df(CUDA, SSHD, `RUN printf 'Match User bob\\n  PermitRootLogin yes\\n' >> ${SSHD_CONFIG}`),
  },
  {
    name: 'UID501 is quiet when Match User root takes back a global PermitRootLogin yes',
    rule: 'UID501',
    dockerfile: df(
      CUDA,
      `${SSHD} && sed -i 's/#PermitRootLogin prohibit-password/PermitRootLogin yes/' ${SSHD_CONFIG}`,
      `RUN printf 'Match User root\\n  PermitRootLogin no\\n' >> ${SSHD_CONFIG}`,
    ),
  },
  {
    name: 'UID501 is quiet for the default prohibit-password',
    rule: 'UID501',
    dockerfile: df(CUDA, SSHD, 'CMD ["/usr/sbin/sshd", "-D"]'),
  },
  {
    name: 'UID501 follows an Include of /etc/ssh/extra.conf written in a drop-in (sshd -T: permitrootlogin yes)',
    rule: 'UID501',
    dockerfile: df(
      BOOKWORM,
      SSHD,
      "RUN echo 'Include /etc/ssh/extra.conf' > /etc/ssh/sshd_config.d/10-extra.conf && echo 'PermitRootLogin yes' > /etc/ssh/extra.conf",
    ),
    message: ['PermitRootLogin yes (in /etc/ssh/extra.conf)'],
    fix: "sed -i 's/^#\\?PermitRootLogin.*/PermitRootLogin no/' /etc/ssh/extra.conf",
  },
  {
    name: 'UID501 follows an Include appended to sshd_config, the file written later by COPY <<EOF',
    rule: 'UID501',
    dockerfile: df(
      BOOKWORM,
      SSHD,
      `RUN echo 'Include /etc/ssh/my.conf' >> ${SSHD_CONFIG}`,
      'COPY <<EOF /etc/ssh/my.conf',
      'PermitRootLogin yes',
      'EOF',
    ),
    message: ['PermitRootLogin yes (in /etc/ssh/my.conf)'],
    fix: '/etc/ssh/my.conf',
  },
  {
    name: 'UID501 follows a relative Include from /etc/ssh, as sshd does',
    rule: 'UID501',
    dockerfile: df(BOOKWORM, SSHD, `RUN echo 'Include my.conf' >> ${SSHD_CONFIG} && printf 'PermitRootLogin yes\\n' > /etc/ssh/my.conf`),
    message: ['PermitRootLogin yes (in /etc/ssh/my.conf)'],
  },
  {
    name: 'UID501 is quiet for an Include placed after PermitRootLogin no: the first value wins',
    rule: 'UID501',
    dockerfile: df(
      BOOKWORM,
      SSHD,
      `RUN printf 'PermitRootLogin no\\nInclude /etc/ssh/my.conf\\n' >> ${SSHD_CONFIG} && echo 'PermitRootLogin yes' > /etc/ssh/my.conf`,
    ),
  },
  {
    name: 'UID502 fires for PasswordAuthentication yes and a chpasswd password',
    rule: 'UID502',
    dockerfile: df(
      CUDA,
      `${SSHD} && ${ADD_TRAINER} && echo 'trainer:changeme' | chpasswd`,
      `RUN echo 'PasswordAuthentication yes' >> ${SSHD_CONFIG}`,
    ),
    message: ['password logins', 'sets a password for trainer'],
    fix: 'PasswordAuthentication no',
  },
  {
    name: 'UID502 fires for PermitEmptyPasswords yes',
    rule: 'UID502',
    dockerfile: df(CUDA, `${SSHD} && echo 'PermitEmptyPasswords yes' >> /etc/ssh/sshd_config`),
    message: ['empty passwords'],
  },
  {
    name: 'UID502 fires for PasswordAuthentication yes inside Match User trainer',
    rule: 'UID502',
    dockerfile: df(
      CUDA,
      `${SSHD} && ${ADD_TRAINER}`,
      `RUN printf 'PasswordAuthentication no\\nMatch User trainer\\n  PasswordAuthentication yes\\n' >> ${SSHD_CONFIG}`,
    ),
    message: ['password logins for trainer inside "Match User trainer"'],
    fix: `PasswordAuthentication no/' ${SSHD_CONFIG}`,
  },
  {
    name: 'UID502 is quiet when Match all turns off a global PasswordAuthentication yes',
    rule: 'UID502',
    dockerfile: df(
      CUDA,
      `${SSHD} && ${ADD_TRAINER}`,
      `RUN printf 'PasswordAuthentication yes\\nMatch all\\n  PasswordAuthentication no\\n' >> ${SSHD_CONFIG}`,
    ),
  },
  {
    name: 'UID502 is quiet with PasswordAuthentication no',
    rule: 'UID502',
    dockerfile: df(CUDA, `${SSHD} && echo 'PasswordAuthentication no' >> /etc/ssh/sshd_config`),
  },
  {
    name: 'UID502 fires for KbdInteractiveAuthentication yes with UsePAM yes, though PasswordAuthentication is no',
    rule: 'UID502',
    dockerfile: df(
      BOOKWORM,
      `${SSHD} && ${ADD_DEV} && echo 'dev:secret' | chpasswd`,
      `RUN sed -i 's/^KbdInteractiveAuthentication no/KbdInteractiveAuthentication yes/' ${SSHD_CONFIG} && echo 'PasswordAuthentication no' >> ${SSHD_CONFIG}`,
      'CMD ["/usr/sbin/sshd", "-D"]',
    ),
    message: [
      'sshd accepts password logins through keyboard-interactive authentication (KbdInteractiveAuthentication yes with UsePAM yes',
      'and the build sets a password for dev',
    ],
    fix: "-e 's/^[[:space:]]*\\(KbdInteractive\\|ChallengeResponse\\)Authentication.*/KbdInteractiveAuthentication no/I' /etc/ssh/sshd_config",
  },
  {
    name: 'UID502 fires for ChallengeResponseAuthentication yes in a drop-in, read before Debian\'s KbdInteractiveAuthentication no',
    rule: 'UID502',
    dockerfile: df(
      BOOKWORM,
      `${SSHD} && ${ADD_DEV} && echo 'dev:secret' | chpasswd`,
      "RUN printf 'PasswordAuthentication no\\nChallengeResponseAuthentication yes\\n' > /etc/ssh/sshd_config.d/10-kbd.conf",
    ),
    message: ['through keyboard-interactive', 'sets a password for dev'],
    fix: 'KbdInteractiveAuthentication no/I\' /etc/ssh/sshd_config.d/10-kbd.conf',
  },
  {
    name: 'UID502 fires for both ways in when a hand-written sshd_config leaves keyboard-interactive at its default',
    rule: 'UID502',
    dockerfile: df(
      BOOKWORM,
      `${SSHD} && ${ADD_DEV} && echo 'dev:secret' | chpasswd`,
      `RUN printf 'UsePAM yes\\n' > ${SSHD_CONFIG}`,
    ),
    message: ['password logins (PasswordAuthentication, and keyboard-interactive through PAM)', 'sets a password for dev'],
    fix: "RUN sed -i -e '1i PasswordAuthentication no' -e '1i KbdInteractiveAuthentication no' /etc/ssh/sshd_config",
  },
  {
    name: 'UID502 fires for KbdInteractiveAuthentication yes inside Match User dev',
    rule: 'UID502',
    dockerfile: df(
      BOOKWORM,
      `${SSHD} && ${ADD_DEV} && echo 'dev:secret' | chpasswd`,
      `RUN printf 'PasswordAuthentication no\\nMatch User dev\\n  KbdInteractiveAuthentication yes\\n' >> ${SSHD_CONFIG}`,
    ),
    message: ['password logins through keyboard-interactive', 'for dev inside "Match User dev"'],
    fix: `\\1KbdInteractiveAuthentication no/' ${SSHD_CONFIG}`,
  },
  {
    name: "UID502 is quiet with PasswordAuthentication no and Debian's KbdInteractiveAuthentication no",
    rule: 'UID502',
    dockerfile: df(BOOKWORM, `${SSHD} && ${ADD_DEV} && echo 'dev:secret' | chpasswd`, `RUN echo 'PasswordAuthentication no' >> ${SSHD_CONFIG}`),
  },
  {
    name: 'UID502 is quiet for KbdInteractiveAuthentication yes without PAM (UsePAM no)',
    rule: 'UID502',
    dockerfile: df(
      BOOKWORM,
      `${SSHD} && ${ADD_DEV} && echo 'dev:secret' | chpasswd`,
      `RUN sed -i -e 's/^KbdInteractiveAuthentication no/KbdInteractiveAuthentication yes/' -e 's/^UsePAM yes/UsePAM no/' ${SSHD_CONFIG} && echo 'PasswordAuthentication no' >> ${SSHD_CONFIG}`,
    ),
  },
  {
    name: 'UID502 is quiet for ChallengeResponseAuthentication yes appended after KbdInteractiveAuthentication no: the first value wins',
    rule: 'UID502',
    dockerfile: df(
      BOOKWORM,
      `${SSHD} && ${ADD_DEV} && echo 'dev:secret' | chpasswd`,
      `RUN printf 'PasswordAuthentication no\\nChallengeResponseAuthentication yes\\n' >> ${SSHD_CONFIG}`,
    ),
  },
  {
    name: 'UID502 is quiet for AuthenticationMethods publickey with PasswordAuthentication yes (sshd -T: no password login)',
    rule: 'UID502',
    dockerfile: df(
      BOOKWORM,
      `${SSHD} && ${ADD_DEV} && echo 'dev:secret' | chpasswd`,
      "RUN printf 'AuthenticationMethods publickey\\nPasswordAuthentication yes\\nKbdInteractiveAuthentication yes\\n' > /etc/ssh/sshd_config.d/10-keys.conf",
    ),
  },
  {
    name: 'UID502 is quiet for AuthenticationMethods publickey inside Match User dev',
    rule: 'UID502',
    dockerfile: df(
      BOOKWORM,
      `${SSHD} && ${ADD_DEV} && echo 'dev:secret' | chpasswd`,
      `RUN printf 'PasswordAuthentication no\\nMatch User dev\\n  AuthenticationMethods publickey\\n  PasswordAuthentication yes\\n' >> ${SSHD_CONFIG}`,
    ),
  },
  {
    name: 'UID502 fires when one AuthenticationMethods sequence names password',
    rule: 'UID502',
    dockerfile: df(
      BOOKWORM,
      `${SSHD} && ${ADD_DEV} && echo 'dev:secret' | chpasswd`,
      "RUN printf 'AuthenticationMethods publickey publickey,password\\nPasswordAuthentication yes\\n' > /etc/ssh/sshd_config.d/10-keys.conf",
    ),
    message: ['sshd accepts password logins and the build sets a password for dev:'],
  },
  {
    name: 'UID502 fires for AuthenticationMethods any (the default)',
    rule: 'UID502',
    dockerfile: df(
      BOOKWORM,
      `${SSHD} && ${ADD_DEV} && echo 'dev:secret' | chpasswd`,
      "RUN printf 'AuthenticationMethods any\\nPasswordAuthentication yes\\n' > /etc/ssh/sshd_config.d/10-keys.conf",
    ),
    message: ['sshd accepts password logins and the build sets a password for dev:'],
  },
  {
    name: 'UID502 is quiet for a Match LocalPort block on a port sshd does not listen on',
    rule: 'UID502',
    dockerfile: df(
      CUDA,
      `${SSHD} && ${ADD_TRAINER} && echo 'trainer:changeme' | chpasswd`,
      `RUN printf 'PasswordAuthentication no\\nMatch LocalPort 2222\\n  PasswordAuthentication yes\\n' >> ${SSHD_CONFIG}`,
    ),
  },
  {
    name: 'UID502 names the accounts with a password and summarises the rest for Match User *,!root',
    rule: 'UID502',
    dockerfile: df(
      CUDA,
      `${SSHD} && ${ADD_TRAINER} && echo 'trainer:changeme' | chpasswd`,
      `RUN printf 'PasswordAuthentication no\\nMatch User *,!root\\n  PasswordAuthentication yes\\n' >> ${SSHD_CONFIG}`,
    ),
    message: ['sshd accepts password logins for trainer and 19 other accounts inside "Match User *,!root" (/etc/ssh/sshd_config line 13) and the build sets a password for trainer:'],
  },
  {
    name: 'UID502 counts the accounts a Match Address block covers when none has a password',
    rule: 'UID502',
    dockerfile: df(CUDA, `${SSHD} && ${ADD_TRAINER}`, `RUN printf 'PasswordAuthentication no\\nMatch Address 10.*\\n  PasswordAuthentication yes\\n' >> ${SSHD_CONFIG}`),
    message: ['sshd accepts password logins for 21 accounts inside "Match Address 10.*" (/etc/ssh/sshd_config line 13); no account has a password in the image, but one set later (chpasswd in an entrypoint, passwd in a shell) opens a password login.'],
  },
  {
    name: 'UID501 is quiet for Match LocalPort 2222 while sshd listens on 22 only',
    rule: 'UID501',
    dockerfile: df(CUDA, SSHD, `RUN printf 'Match LocalPort 2222\\n  PermitRootLogin yes\\n' >> ${SSHD_CONFIG}`),
  },
  {
    name: 'UID501 fires for Match LocalPort 2222 when Port 2222 is set',
    rule: 'UID501',
    dockerfile: df(CUDA, SSHD, `RUN printf 'Port 2222\\nMatch LocalPort 2222\\n  PermitRootLogin yes\\n' >> ${SSHD_CONFIG}`),
    message: ['sshd sets PermitRootLogin yes inside "Match LocalPort 2222" (/etc/ssh/sshd_config line 13), which applies to root:'],
  },
  {
    name: 'UID501 fires for Match LocalPort 2222 when ListenAddress 0.0.0.0:2222 adds the port',
    rule: 'UID501',
    dockerfile: df(CUDA, SSHD, `RUN printf 'ListenAddress 0.0.0.0:2222\\nMatch LocalPort 2222\\n  PermitRootLogin yes\\n' >> ${SSHD_CONFIG}`),
    message: ['inside "Match LocalPort 2222"'],
  },
  {
    name: 'UID503 fires for jupyter lab --allow-root as root',
    rule: 'UID503',
    dockerfile: df(PYTORCH, JUPYTERLAB, 'CMD ["jupyter", "lab", "--ip=0.0.0.0", "--allow-root"]'),
    message: ['--allow-root', 'root shell'],
    fix: 'USER 1000',
  },
  {
    name: 'UID503 fires for --ServerApp.allow_root=True given in docker run',
    rule: 'UID503',
    dockerfile: df(PYTORCH, JUPYTERLAB),
    run: 'docker run --rm img jupyter lab --ServerApp.allow_root=True',
    message: ['Jupyter runs as root'],
  },
  {
    name: 'UID503 fires for c.ServerApp.allow_root = True in a config file the build writes',
    rule: 'UID503',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      `RUN mkdir -p /etc/jupyter && echo 'c.ServerApp.allow_root = True' > ${JUPYTER_CONFIG}`,
      'CMD ["jupyter", "lab"]',
    ),
    message: ['Jupyter runs as root'],
  },
  {
    name: 'UID503 names the JUPYTER_CONFIG_PATH file that sets allow_root',
    rule: 'UID503',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      'ENV JUPYTER_CONFIG_PATH=/srv/jc',
      "RUN mkdir -p /srv/jc && echo 'c.ServerApp.allow_root = True' > /srv/jc/jupyter_server_config.py",
      'CMD ["python3", "-m", "jupyter_server", "--ip=0.0.0.0"]',
    ),
    message: ['Jupyter runs as root with allow_root set in /srv/jc/jupyter_server_config.py: every notebook cell'],
  },
  {
    name: 'UID503 is quiet for jupyter notebook --ServerApp.allow_root=True: notebook 6 reads NotebookApp (UID504 instead)',
    rule: 'UID503',
    dockerfile: df(PYTORCH, 'RUN pip install --no-cache-dir notebook==6.4.12', 'CMD ["jupyter", "notebook", "--ServerApp.allow_root=True"]'),
  },
  {
    name: 'UID503 is quiet when --allow-root is given but the user is not root',
    rule: 'UID503',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      TRAINER,
      'USER 1000',
      'CMD ["jupyter", "lab", "--allow-root"]',
    ),
  },
  {
    name: 'UID504 fires for jupyter lab as root without --allow-root',
    rule: 'UID504',
    dockerfile: df(PYTORCH, JUPYTERLAB, 'CMD ["jupyter", "lab", "--ip=0.0.0.0"]'),
    message: ['refuse to start', 'Use --allow-root to bypass'],
    fix: 'USER 1000',
  },
  {
    name: 'UID504 fires for --user root with a plain jupyter entrypoint on the Jupyter image',
    rule: 'UID504',
    dockerfile: df(JUPYTER),
    run: 'docker run --rm --user root --entrypoint jupyter img lab',
    message: ['refuse to start'],
  },
  {
    name: 'UID504 is quiet for the docker-stacks start script started as root',
    rule: 'UID504',
    dockerfile: df(JUPYTER),
    run: 'docker run --rm --user root -e NB_UID=1001 img',
  },
  {
    name: 'UID504 fires for python -m jupyterlab as root',
    rule: 'UID504',
    dockerfile: df(PYTORCH, JUPYTERLAB, 'CMD ["python", "-m", "jupyterlab", "--ip", "0.0.0.0"]'),
    message: ['refuse to start'],
  },
  {
    name: 'UID504 is quiet for --ServerApp.allow_root True given as separate words',
    rule: 'UID504',
    dockerfile: df(PYTORCH, JUPYTERLAB, 'CMD ["jupyter", "lab", "--ServerApp.allow_root", "True"]'),
  },
  {
    name: 'UID504 is quiet for c.ServerApp.allow_root = True in /etc/jupyter (measured: the server runs as root)',
    rule: 'UID504',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      `RUN mkdir -p /etc/jupyter && printf "c.ServerApp.allow_root = True\\nc.ServerApp.token = ''\\n" > ${JUPYTER_CONFIG}`,
      'CMD ["python3", "-m", "jupyter_server", "--ip=0.0.0.0"]',
    ),
  },
  {
    name: 'UID504 is quiet for allow_root in a JUPYTER_CONFIG_PATH folder',
    rule: 'UID504',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      'ENV JUPYTER_CONFIG_PATH=/srv/jc',
      "RUN mkdir -p /srv/jc && echo 'c.ServerApp.allow_root = True' > /srv/jc/jupyter_server_config.py",
      'CMD ["jupyter", "lab", "--ip=0.0.0.0"]',
    ),
  },
  {
    name: 'UID504 is quiet for a config file copied from the context, whose text is unknown',
    rule: 'UID504',
    dockerfile: df(PYTORCH, JUPYTERLAB, 'COPY jupyter_server_config.py /etc/jupyter/', 'CMD ["jupyter", "lab", "--ip=0.0.0.0"]'),
  },
  {
    name: 'UID504 fires for jupyter server with c.NotebookApp.allow_root in jupyter_notebook_config.py (not read)',
    rule: 'UID504',
    dockerfile: df(
      PYTORCH,
      'RUN pip install --no-cache-dir jupyter_server==1.23.3',
      "RUN mkdir -p /etc/jupyter && echo 'c.NotebookApp.allow_root = True' > /etc/jupyter/jupyter_notebook_config.py",
      'CMD ["jupyter", "server"]',
    ),
    message: ['Jupyter will refuse to start: it runs as root and neither --allow-root nor allow_root in a config file it reads is given'],
  },
  {
    name: 'UID504 is quiet for a non-root user',
    rule: 'UID504',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      TRAINER,
      'USER 1000',
      'CMD ["jupyter", "lab", "--ip=0.0.0.0"]',
    ),
  },
  {
    name: 'UID505 fires for an empty token on 0.0.0.0',
    rule: 'UID505',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      'CMD ["jupyter", "lab", "--ip=0.0.0.0", "--ServerApp.token=", "--allow-root"]',
    ),
    message: ['listens on 0.0.0.0', 'empty token'],
    fix: '-p 127.0.0.1:8888:8888',
  },
  {
    name: "UID505 fires for a quoted empty token in shell form (--NotebookApp.token='')",
    rule: 'UID505',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      "CMD jupyter notebook --ip=0.0.0.0 --NotebookApp.token='' --allow-root",
    ),
    message: ['empty token'],
  },
  {
    name: 'UID506 fires when sshd -D starts without /run/sshd',
    rule: 'UID506',
    dockerfile: df('FROM ubuntu:22.04', 'RUN apt-get update && apt-get install -y openssh-server', 'CMD ["/usr/sbin/sshd", "-D"]'),
    message: ['Missing privilege separation directory: /run/sshd'],
    fix: 'RUN mkdir -p /run/sshd',
  },
  {
    name: 'UID506 is quiet when the build makes /var/run/sshd',
    rule: 'UID506',
    dockerfile: df('FROM ubuntu:22.04', 'RUN apt-get update && apt-get install -y openssh-server && mkdir -p /var/run/sshd', 'CMD ["/usr/sbin/sshd", "-D"]'),
  },
  {
    name: 'UID506 fires for sshd as a command of a sh -c start script',
    rule: 'UID506',
    dockerfile: df('FROM ubuntu:22.04', 'RUN apt-get update && apt-get install -y openssh-server', 'CMD echo starting && exec /usr/sbin/sshd -D'),
    message: ['Missing privilege separation directory: /run/sshd'],
  },
  {
    name: 'UID506 is quiet when the start command only names /run/sshd (mkdir, then another program)',
    rule: 'UID506',
    dockerfile: df('FROM ubuntu:22.04', 'RUN apt-get update && apt-get install -y openssh-server', 'CMD ["/bin/sh", "-c", "mkdir -p /run/sshd && exec sleep infinity"]'),
  },
  {
    name: 'UID506 fires on nvidia/cuda too: its entrypoint only runs the command, so sshd is what starts',
    rule: 'UID506',
    dockerfile: df('FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04', 'RUN apt-get update && apt-get install -y openssh-server', 'CMD ["/usr/sbin/sshd", "-D"]'),
    message: ['Missing privilege separation directory: /run/sshd'],
  },
  {
    name: 'UID506 is quiet for service ssh start, which makes the folder',
    rule: 'UID506',
    dockerfile: df('FROM ubuntu:22.04', 'RUN apt-get update && apt-get install -y openssh-server', 'CMD ["/bin/sh", "-c", "service ssh start && sleep infinity"]'),
  },
  {
    name: 'UID506 is quiet when the container does not start sshd',
    rule: 'UID506',
    dockerfile: df('FROM ubuntu:22.04', 'RUN apt-get update && apt-get install -y openssh-server', 'CMD ["bash"]'),
  },
  {
    name: "UID505 fires for --ip 0.0.0.0 --ServerApp.token '' given as separate words (shell form)",
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, TRAINER, 'USER 1000', "CMD jupyter lab --ip 0.0.0.0 --ServerApp.token ''"),
    message: ['Jupyter listens on 0.0.0.0 with an empty token'],
    fix: '-p 127.0.0.1:8888:8888',
  },
  {
    name: 'UID505 fires for --ServerApp.token "" as a separate word',
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, TRAINER, 'USER 1000', 'CMD jupyter lab --ip=0.0.0.0 --ServerApp.token ""'),
    message: ['Jupyter listens on 0.0.0.0 with an empty token'],
  },
  {
    name: 'UID505 fires for an empty exec-form word after --ServerApp.token',
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, TRAINER, 'USER 1000', 'CMD ["jupyter", "lab", "--ip", "0.0.0.0", "--ServerApp.token", ""]'),
    message: ['Jupyter listens on 0.0.0.0 with an empty token'],
  },
  {
    name: "UID505 fires for jupyter notebook --NotebookApp.token '' with --ip=0.0.0.0",
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, TRAINER, 'USER 1000', "CMD jupyter notebook --ip=0.0.0.0 --NotebookApp.token ''"),
    message: ['Jupyter listens on 0.0.0.0 with an empty token'],
  },
  {
    name: 'UID505 fires for python3 -m jupyter_server',
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, TRAINER, 'USER 1000', 'CMD ["python3", "-m", "jupyter_server", "--ip=0.0.0.0", "--ServerApp.token="]'),
    message: ['Jupyter listens on 0.0.0.0 with an empty token'],
  },
  {
    name: 'UID505 fires for python -m jupyterlab',
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, TRAINER, 'USER 1000', "CMD python -m jupyterlab --ip 0.0.0.0 --ServerApp.token ''"),
    message: ['Jupyter listens on 0.0.0.0 with an empty token'],
  },
  {
    name: 'UID505 fires for python -m notebook',
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, TRAINER, 'USER 1000', "CMD python -m notebook --ip 0.0.0.0 --NotebookApp.token ''"),
    message: ['Jupyter listens on 0.0.0.0 with an empty token'],
  },
  {
    name: 'UID505 fires for a config file in JUPYTER_CONFIG_DIR',
    rule: 'UID505',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      TRAINER,
      'ENV JUPYTER_CONFIG_DIR=/opt/jc',
      `RUN mkdir -p /opt/jc && echo "c.ServerApp.token = ''" > /opt/jc/jupyter_server_config.py`,
      'USER 1000',
      'CMD ["jupyter", "lab", "--ip=0.0.0.0"]',
    ),
    message: ['Jupyter listens on 0.0.0.0 with an empty token'],
  },
  {
    name: 'UID505 fires for a config file in ~/.jupyter when JUPYTER_CONFIG_DIR is not set',
    rule: 'UID505',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      TRAINER,
      `RUN mkdir -p /home/trainer/.jupyter && echo "c.ServerApp.token = ''" > /home/trainer/.jupyter/jupyter_server_config.py`,
      'USER 1000',
      'CMD ["jupyter", "lab", "--ip=0.0.0.0"]',
    ),
    message: ['Jupyter listens on 0.0.0.0 with an empty token'],
  },
  {
    name: 'UID505 is quiet for a config file in ~/.jupyter while JUPYTER_CONFIG_DIR points elsewhere (not read)',
    rule: 'UID505',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      TRAINER,
      'ENV JUPYTER_CONFIG_DIR=/opt/jc',
      `RUN mkdir -p /home/trainer/.jupyter && echo "c.ServerApp.token = ''" > /home/trainer/.jupyter/jupyter_server_config.py`,
      'USER 1000',
      'CMD ["jupyter", "lab", "--ip=0.0.0.0"]',
    ),
  },
  {
    name: 'UID505 is quiet for a config file in another user\'s ~/.jupyter',
    rule: 'UID505',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      TRAINER,
      `RUN mkdir -p /root/.jupyter && echo "c.ServerApp.token = ''" > /root/.jupyter/jupyter_server_config.py`,
      'USER 1000',
      'CMD ["jupyter", "lab", "--ip=0.0.0.0"]',
    ),
  },
  {
    name: "UID505 is quiet for --ip 127.0.0.1 (space form) with --ServerApp.token ''",
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, TRAINER, 'USER 1000', "CMD jupyter lab --ip 127.0.0.1 --ServerApp.token ''"),
  },
  {
    name: 'UID505 is quiet when a later --ServerApp.token word sets a token again',
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, TRAINER, 'USER 1000', "CMD jupyter lab --ip 0.0.0.0 --ServerApp.token '' --ServerApp.token s3cret"),
  },
  {
    name: 'UID505 is quiet with the default token',
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, 'CMD ["jupyter", "lab", "--ip=0.0.0.0", "--allow-root"]'),
  },
  {
    name: 'UID505 is quiet for python3 -m notebook --ServerApp.token= (notebook 6 reads NotebookApp, measured: random token)',
    rule: 'UID505',
    dockerfile: df(PYTORCH, 'RUN pip install --no-cache-dir notebook==6.4.12', TRAINER, 'USER 1000', 'CMD ["python3", "-m", "notebook", "--ip=0.0.0.0", "--ServerApp.token="]'),
  },
  {
    name: 'UID505 is quiet for python3 -m jupyter_server --NotebookApp.token= (measured: random token)',
    rule: 'UID505',
    dockerfile: df(PYTORCH, 'RUN pip install --no-cache-dir jupyter_server==1.23.3', TRAINER, 'USER 1000', 'CMD ["python3", "-m", "jupyter_server", "--ip=0.0.0.0", "--NotebookApp.token="]'),
  },
  {
    name: 'UID505 is quiet for jupyter server with c.NotebookApp.token in jupyter_notebook_config.py (not read)',
    rule: 'UID505',
    dockerfile: df(
      PYTORCH,
      'RUN pip install --no-cache-dir jupyter_server==1.23.3',
      `RUN mkdir -p /etc/jupyter && echo "c.NotebookApp.token = ''" > /etc/jupyter/jupyter_notebook_config.py`,
      TRAINER,
      'USER 1000',
      'CMD ["jupyter", "server", "--ip=0.0.0.0"]',
    ),
  },
  {
    name: 'UID505 fires for jupyter notebook with c.NotebookApp.token in /etc/jupyter/jupyter_notebook_config.py',
    rule: 'UID505',
    dockerfile: df(
      PYTORCH,
      'RUN pip install --no-cache-dir notebook==6.4.12',
      `RUN mkdir -p /etc/jupyter && echo "c.NotebookApp.token = ''" > /etc/jupyter/jupyter_notebook_config.py`,
      TRAINER,
      'USER 1000',
      'CMD ["jupyter", "notebook", "--ip=0.0.0.0"]',
    ),
    message: ['Jupyter listens on 0.0.0.0 with an empty token (set in /etc/jupyter/jupyter_notebook_config.py):'],
  },
  {
    name: 'UID505 fires for c.ServerApp.token in /etc/jupyter as root with allow_root in the same file (measured: HTTP 200)',
    rule: 'UID505',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      `RUN mkdir -p /etc/jupyter && printf "c.ServerApp.allow_root = True\\nc.ServerApp.token = ''\\n" > ${JUPYTER_CONFIG}`,
      'CMD ["python3", "-m", "jupyter_server", "--ip=0.0.0.0"]',
    ),
    message: [`Jupyter listens on 0.0.0.0 with an empty token (set in ${JUPYTER_CONFIG}): anyone who reaches the port`],
  },
  {
    name: 'UID505 fires for c.ServerApp.token in a JUPYTER_CONFIG_PATH folder',
    rule: 'UID505',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      'ENV JUPYTER_CONFIG_PATH=/srv/jc',
      `RUN mkdir -p /srv/jc && printf "c.ServerApp.allow_root = True\\nc.ServerApp.token = ''\\n" > /srv/jc/jupyter_server_config.py`,
      'CMD ["jupyter", "lab", "--ip=0.0.0.0"]',
    ),
    message: ['Jupyter listens on 0.0.0.0 with an empty token (set in /srv/jc/jupyter_server_config.py):'],
  },
  {
    name: "UID505 fires for a config file written by COPY <<EOF: the heredoc keeps its quotes (token = '')",
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, `COPY <<EOF ${JUPYTER_CONFIG}`, 'c.ServerApp.allow_root = True', "c.ServerApp.token = ''", 'EOF', 'CMD ["jupyter", "lab", "--ip=0.0.0.0"]'),
    message: [`Jupyter listens on 0.0.0.0 with an empty token (set in ${JUPYTER_CONFIG}):`],
  },
  {
    name: 'UID505 says all interfaces for an empty --ip=',
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, TRAINER, 'USER 1000', 'CMD ["jupyter", "lab", "--ip=", "--ServerApp.token="]'),
    message: ['Jupyter listens on all interfaces (an empty --ip) with an empty token: anyone'],
  },
  {
    name: 'UID505 is quiet for a repeated --ip: traitlets refuses it and the server exits 1',
    rule: 'UID505',
    dockerfile: df(PYTORCH, JUPYTERLAB, TRAINER, 'USER 1000', 'CMD ["jupyter", "lab", "--ip=0.0.0.0", "--ip=0.0.0.0", "--ServerApp.token="]'),
  },
  {
    name: 'UID505 is quiet for an empty token on 127.0.0.1',
    rule: 'UID505',
    dockerfile: df(
      PYTORCH,
      JUPYTERLAB,
      'CMD ["jupyter", "lab", "--ip=127.0.0.1", "--ServerApp.token=", "--allow-root"]',
    ),
  },
];

const build: Case[] = [
  {
    name: 'UID601 fires for apt-get after USER',
    rule: 'UID601',
    dockerfile: df(CUDA, TRAINER, 'USER trainer', 'RUN apt-get update && apt-get install -y git'),
    message: ['The build fails here', 'Permission denied'],
    fix: 'USER root\nRUN apt-get update && apt-get install -y git\nUSER trainer',
  },
  {
    name: 'UID601 fires for mkdir under root-owned /workspace after USER',
    rule: 'UID601',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer', 'RUN mkdir /workspace/data'),
    message: ["cannot create directory '/workspace/data'"],
    fix: 'USER root\nRUN mkdir /workspace/data\nUSER trainer',
  },
  {
    name: 'UID601 is quiet when the root work comes before USER',
    rule: 'UID601',
    dockerfile: df(CUDA, 'RUN apt-get update && apt-get install -y git', TRAINER, 'USER trainer'),
  },
  {
    name: 'UID602 fires for useradd --uid 1000 on Ubuntu 24.04 (user ubuntu)',
    rule: 'UID602',
    dockerfile: df(CUDA_NOBLE, TRAINER, 'USER 1000'),
    message: ['UID 1000 is not unique'],
    fix: 'RUN userdel -r ubuntu && useradd --create-home --uid 1000 trainer',
  },
  {
    name: 'UID602 fires for useradd --gid naming a missing group',
    rule: 'UID602',
    dockerfile: df(PYTORCH, 'RUN useradd --create-home --uid 1000 --gid ml trainer'),
    message: ["group 'ml' does not exist"],
    fix: 'RUN groupadd ml',
  },
  {
    name: 'UID602 is quiet once the ubuntu user is removed',
    rule: 'UID602',
    dockerfile: df(CUDA_NOBLE, `RUN userdel -r ubuntu && ${ADD_TRAINER}`, 'USER 1000'),
  },
  {
    name: 'UID603 fires for a script piped into bash',
    rule: 'UID603',
    dockerfile: df(PYTORCH_DEVEL, 'RUN curl -fsSL https://example.com/install.sh | bash'),
    message: ['Not modelled', 'bash'],
  },
  {
    name: 'UID603 is quiet for apt-get, useradd and chown',
    rule: 'UID603',
    dockerfile: df(
      PYTORCH_DEVEL,
      'RUN apt-get update && apt-get install -y git',
      `${TRAINER} && chown trainer /workspace`,
    ),
  },
  {
    name: 'UID605 fires for an ARG before FROM that the stage uses without declaring it',
    rule: 'UID605',
    dockerfile: 'ARG USER_UID=1000\nFROM pytorch/pytorch:2.4.0-cuda12.1-cudnn9-devel\nRUN useradd --create-home --uid ${USER_UID:-1500} trainer\n',
    message: ['$USER_UID is empty here', 'line 1'],
    fix: 'ARG USER_UID',
  },
  {
    name: 'UID605 is quiet once the stage declares it again',
    rule: 'UID605',
    dockerfile: 'ARG USER_UID=1000\nFROM pytorch/pytorch:2.4.0-cuda12.1-cudnn9-devel\nARG USER_UID\nRUN useradd --create-home --uid ${USER_UID:-1500} trainer\n',
  },
  {
    name: 'UID604 fires for python3 -m venv on Debian without python3-venv',
    rule: 'UID604',
    dockerfile: df(
      'FROM debian:bookworm',
      'RUN apt-get update && apt-get install -y python3',
      'RUN python3 -m venv /opt/venv',
    ),
    message: ['The build fails here'],
  },
  {
    name: 'UID604 fires for chmod on a file that was never copied',
    rule: 'UID604',
    dockerfile: df(CUDA, 'RUN chmod +x /usr/local/bin/entrypoint.sh'),
    message: ["cannot access '/usr/local/bin/entrypoint.sh'", 'No such file or directory'],
  },
  {
    name: 'UID604 fires for useradd on Alpine, whose BusyBox has only adduser',
    rule: 'UID604',
    dockerfile: df('FROM alpine:3.20', 'RUN useradd --create-home --uid 1000 app'),
    message: ['/bin/sh: useradd: not found'],
  },
  {
    name: 'UID604 is quiet for useradd on Alpine after apk add shadow',
    rule: 'UID604',
    dockerfile: df('FROM alpine:3.20', 'RUN apk add --no-cache shadow && useradd --create-home --uid 1000 app'),
  },
  {
    name: 'UID604 fires for SHELL /bin/sh -o pipefail on Debian, whose dash has no pipefail, and offers bash',
    rule: 'UID604',
    dockerfile: df('FROM debian:bookworm', 'SHELL ["/bin/sh", "-o", "pipefail", "-c"]', 'RUN useradd -m app'),
    message: ['The build fails here: /bin/sh: 0: Illegal option -o pipefail'],
    fix: 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
  },
  {
    name: 'UID604 is quiet for SHELL /bin/sh -o pipefail on Alpine, whose ash has pipefail',
    rule: 'UID604',
    dockerfile: df('FROM alpine:3.20', 'SHELL ["/bin/sh", "-o", "pipefail", "-c"]', 'RUN adduser -D app'),
  },
  {
    name: 'UID604 fires for [[ ]] under dash: not found, so && skips the rest',
    rule: 'UID604',
    dockerfile: df('FROM ubuntu:24.04', 'RUN [[ -d /opt ]] && useradd -m app'),
    message: ['The build fails here: /bin/sh: 1: [[: not found'],
    fix: 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
  },
  {
    name: 'UID604 fires for source under dash, and the fix spells it .',
    rule: 'UID604',
    dockerfile: df('FROM python:3.11-slim', 'RUN python -m venv /opt/venv', 'RUN source /opt/venv/bin/activate && pip install numpy'),
    message: ['The build fails here: /bin/sh: 1: source: not found'],
    fix: 'RUN . /opt/venv/bin/activate && pip install numpy',
  },
  {
    name: 'UID604 is quiet for . VENV/bin/activate on Debian: pip is the venv\'s, not the externally managed system one',
    rule: 'UID604',
    dockerfile: df('FROM debian:bookworm', 'RUN apt-get update && apt-get install -y python3-venv python3-pip', 'RUN python3 -m venv /opt/venv', 'RUN . /opt/venv/bin/activate && pip install numpy'),
  },
  {
    name: 'UID604 fires for pip on Debian\'s python3 without python3-pip: not found',
    rule: 'UID604',
    dockerfile: df('FROM debian:bookworm', 'RUN apt-get update && apt-get install -y python3', 'RUN pip install numpy'),
    message: ['The build fails here: /bin/sh: 1: pip: not found'],
  },
  {
    name: 'UID604 fires for python3 -m pip there: no module named pip',
    rule: 'UID604',
    dockerfile: df('FROM debian:bookworm', 'RUN apt-get update && apt-get install -y python3', 'RUN python3 -m pip install numpy'),
    message: ['The build fails here: /usr/bin/python3: No module named pip'],
  },
  {
    name: 'UID604 is quiet when get-pip.py (a step the model does not follow) may have installed pip',
    rule: 'UID604',
    dockerfile: df('FROM debian:bookworm', 'RUN apt-get update && apt-get install -y python3 curl', 'RUN curl -sS https://bootstrap.pypa.io/get-pip.py | python3 - --break-system-packages', 'RUN pip --version'),
  },
  {
    name: 'UID604 fires for the same pip without the activation: externally managed',
    rule: 'UID604',
    dockerfile: df('FROM debian:bookworm', 'RUN apt-get update && apt-get install -y python3-venv python3-pip', 'RUN python3 -m venv /opt/venv', 'RUN pip install numpy'),
    message: ['externally-managed-environment'],
  },
  {
    name: 'UID604 fires for a shell-form RUN on distroless: runc finds no /bin/sh',
    rule: 'UID604',
    dockerfile: df('FROM gcr.io/distroless/static:nonroot', 'RUN mkdir /opt/app'),
    message: ['exec: "/bin/sh": stat /bin/sh: no such file or directory'],
  },
  {
    name: 'UID601 does not blame the user for a RUN distroless cannot start',
    rule: 'UID601',
    dockerfile: df('FROM gcr.io/distroless/static:nonroot', 'RUN mkdir /opt/app'),
  },
  {
    name: 'UID604 is quiet for a shell-form RUN on a Chainguard -dev tag, which has a shell',
    rule: 'UID604',
    dockerfile: df('FROM cgr.dev/chainguard/python:latest-dev', 'RUN true'),
  },
  {
    name: 'UID604 is quiet for ((...) > log) under dash: nested subshells, not arithmetic',
    rule: 'UID604',
    dockerfile: df('FROM debian:bookworm', 'RUN ((echo a && echo b) > /tmp/log)'),
  },
  {
    name: 'UID604 is quiet once python3-venv is installed',
    rule: 'UID604',
    dockerfile: df(
      'FROM debian:bookworm',
      'RUN apt-get update && apt-get install -y python3 python3-venv',
      'RUN python3 -m venv /opt/venv',
    ),
  },
];

const model: Case[] = [
  {
    name: 'UID701 fires for a base image the catalog does not know',
    rule: 'UID701',
    dockerfile: df('FROM registry.example.com/ml/base:cuda12'),
    message: ['low confidence', 'registry.example.com/ml/base:cuda12 is not in the catalog'],
  },
  {
    name: 'UID701 fires for a bind source without host facts',
    rule: 'UID701',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm -v /mnt/nfs/datasets:/data:ro img',
    message: ['/mnt/nfs/datasets'],
  },
  {
    name: 'UID701 is quiet for a catalog base and described host folders',
    rule: 'UID701',
    dockerfile: df(PYTORCH),
    run: 'docker run --rm -v /mnt/nfs/datasets:/data:ro img',
    host: 'paths:\n  /mnt/nfs/datasets: { uid: 0, gid: 0, mode: "0755", kind: dir }',
  },
];

const NVIDIA_0660 = 'paths:\n  /dev/nvidiactl: { uid: 0, gid: 44, mode: "0660", kind: other }\n  /dev/nvidia0: { uid: 0, gid: 44, mode: "0660", kind: other }';

const ENTRY = (mode: string) => df('FROM debian:bookworm', 'RUN useradd -m app', `COPY --chown=app:app --chmod=${mode} entry.sh /app/entry.sh`, 'USER app', 'ENTRYPOINT ["/app/entry.sh"]');

const entrypoint: Case[] = [
  {
    name: 'UID106 fires when uid 1234 runs a 0700 entrypoint owned by app',
    rule: 'UID106',
    dockerfile: ENTRY('0700'),
    run: 'docker run --rm --user 1234 img',
    message: ['uid 1234 (no passwd entry) cannot execute /app/entry.sh'],
    // The COPY that brought it, its --chmod replaced and its --chown kept.
    fix: 'COPY --chmod=0755 --chown=app:app entry.sh /app/entry.sh',
  },
  {
    name: 'UID106 fires for a 0711 script that can be executed but not read',
    rule: 'UID106',
    dockerfile: ENTRY('0711'),
    run: 'docker run --rm --user 1234 img',
    message: ['cannot read /app/entry.sh'],
  },
  {
    name: 'UID106 is quiet for a 0755 entrypoint',
    rule: 'UID106',
    dockerfile: ENTRY('0755'),
    run: 'docker run --rm --user 1234 img',
  },
  {
    name: 'UID106 is quiet when the owner runs it',
    rule: 'UID106',
    dockerfile: ENTRY('0700'),
  },
];

const PRIVATE_WORKDIR = (mode: string) => df('FROM debian:bookworm', `RUN useradd -m -u 1000 alice && mkdir -m ${mode} /srv/app`, 'WORKDIR /srv/app', 'USER alice');

const workdir: Case[] = [
  {
    name: 'UID107 fires when podman starts alice in a 0700 root-owned WORKDIR',
    rule: 'UID107',
    dockerfile: PRIVATE_WORKDIR('0700'),
    run: 'podman run --rm img',
    message: ['alice (uid 1000) cannot enter its working directory /srv/app'],
    fix: 'RUN chmod 0755 /srv/app',
  },
  {
    name: 'UID107 fires for a 0711-free ancestor too (search on every directory above)',
    rule: 'UID107',
    dockerfile: df('FROM debian:bookworm', 'RUN useradd -m -u 1000 alice && mkdir -p -m 0700 /srv/private && mkdir -m 0755 /srv/private/app', 'WORKDIR /srv/private/app', 'USER alice'),
    run: 'podman run --rm img',
    message: ['cannot enter its working directory /srv/private/app'],
  },
  {
    name: 'UID107 is quiet for Docker, whose runc enters the directory as root first',
    rule: 'UID107',
    dockerfile: PRIVATE_WORKDIR('0700'),
    run: 'docker run --rm img',
  },
  {
    name: 'UID107 is quiet for a 0755 WORKDIR',
    rule: 'UID107',
    dockerfile: PRIVATE_WORKDIR('0755'),
    run: 'podman run --rm img',
  },
  {
    name: 'UID106 for an entrypoint script without an execute bit: execve fails, no later line of it is blamed',
    rule: 'UID106',
    dockerfile: df('FROM debian:bookworm', 'RUN useradd -m app && mkdir /app', "COPY <<'EOF' /app/entrypoint.sh", '#!/bin/sh', 'set -e', 'mkdir /app/data', 'exec "$@"', 'EOF', 'USER app', 'ENTRYPOINT ["/app/entrypoint.sh"]', 'CMD ["sleep", "1"]'),
    message: ['The container will not start: app (uid 1000) cannot execute /app/entrypoint.sh (exec /app/entrypoint.sh: permission denied).'],
  },
  {
    name: 'UID106 follows conda run -n ENV python FILE to the script',
    rule: 'UID106',
    dockerfile: df('FROM continuumio/miniconda3', 'RUN useradd -m app', 'COPY --chmod=600 train.py /opt/train.py', 'USER app', 'CMD ["conda", "run", "-n", "base", "--no-capture-output", "python", "/opt/train.py"]'),
    message: ["python: can't open file '/opt/train.py': [Errno 13] Permission denied (exit 2)"],
    fix: 'COPY --chmod=0644 train.py /opt/train.py',
  },
  {
    name: 'UID106 for a script in a folder COPY --chmod=600 made: the fix opens the folder too',
    rule: 'UID106',
    dockerfile: df('FROM python:3.11-slim', 'RUN useradd -m app', 'COPY --chmod=600 train.py /app/train.py', 'USER app', 'CMD ["python", "/app/train.py"]'),
    // The file itself is root 0600: refused whatever mode the folder is given, so not "if its
    // mode is the one assumed" (tests/analyze.test.ts, refusals the file itself makes).
    message: ["can't open file '/app/train.py': [Errno 13] Permission denied (exit 2)."],
    fix: 'RUN chmod 0755 /app && chmod a+r /app/train.py',
  },
  {
    name: 'UID306 fires for pip install --user as root before USER (the import fails as app)',
    rule: 'UID306',
    dockerfile: df('FROM python:3.11-slim', 'RUN pip install --user --no-cache-dir requests numpy', 'RUN useradd -m app', 'USER app'),
    message: ["app (uid 1000) runs with HOME /home/app, so Python does not look in /root/.local/lib/python3.11/site-packages (root's): `import` of what is there (requests, numpy) fails with ModuleNotFoundError."],
    fix: 'USER app\nRUN pip install --user --no-cache-dir PACKAGES',
  },
  {
    name: 'UID306 fires for a build stage\'s /root/.local copied into the final image of a non-root user',
    rule: 'UID306',
    dockerfile: df('FROM python:3.11-slim AS builder', 'RUN pip install --user --no-cache-dir flask', 'FROM python:3.11-slim', 'COPY --from=builder /root/.local /root/.local', 'RUN useradd -m app', 'USER app'),
    message: ['does not look in /root/.local/lib/python3.11/site-packages'],
  },
  {
    name: 'UID306 fires for pip install --user -r requirements.txt as root, whose packages are not named',
    rule: 'UID306',
    dockerfile: df('FROM python:3.11-slim', 'RUN pip install --user --no-cache-dir -r requirements.txt', 'RUN useradd -m app', 'USER app'),
    message: ['`import` of the packages pip installed there fails with ModuleNotFoundError'],
  },
  {
    name: 'UID306 fires for a build stage\'s --user -r install copied to /root/.local',
    rule: 'UID306',
    dockerfile: df('FROM python:3.11-slim AS build', 'RUN pip install --user --no-cache-dir -r requirements.txt', 'FROM python:3.11-slim', 'COPY --from=build /root/.local /root/.local', 'RUN useradd -m app', 'USER app'),
    message: ['does not look in /root/.local/lib/python3.11/site-packages'],
  },
  {
    name: 'UID306 fires when PYTHONPATH names root\'s site but /root is closed to the user',
    rule: 'UID306',
    dockerfile: df('FROM python:3.11-slim', 'RUN pip install --user --no-cache-dir requests', 'RUN useradd -m app', 'ENV PYTHONPATH=/root/.local/lib/python3.11/site-packages', 'USER app'),
    message: ['has /root/.local/lib/python3.11/site-packages on its path but may not read it'],
  },
  {
    name: 'UID306 is quiet when the container runs as root, whose site it is',
    rule: 'UID306',
    dockerfile: df('FROM python:3.11-slim', 'RUN pip install --user --no-cache-dir requests'),
  },
  {
    name: 'UID306 is quiet when PYTHONUSERBASE points the workload at that site',
    rule: 'UID306',
    dockerfile: df('FROM python:3.11-slim', 'RUN pip install --user --no-cache-dir requests', 'RUN useradd -m app && chmod 0755 /root', 'ENV PYTHONUSERBASE=/root/.local', 'USER app'),
  },
  {
    name: 'UID507 fires for jupyter lab as a uid with no passwd line: HOME is /, and /.local cannot be made',
    rule: 'UID507',
    dockerfile: df('FROM python:3.11-slim', 'RUN pip install --no-cache-dir jupyterlab', 'CMD ["jupyter", "lab", "--ip=0.0.0.0"]'),
    run: 'docker run --rm --user 1001:1001 img',
    message: ["Jupyter will not start: uid 1001 (no passwd entry) cannot make its runtime folder /.local/share/jupyter/runtime (PermissionError: [Errno 13] Permission denied: '/.local')."],
    fix: '-e HOME=/tmp',
  },
  {
    name: 'UID507 fires for a host folder of another uid mounted over HOME',
    rule: 'UID507',
    dockerfile: df('FROM python:3.11-slim', 'RUN pip install --no-cache-dir jupyterlab && useradd -m -u 1000 app', 'USER app', 'CMD ["jupyter", "lab", "--ip=0.0.0.0"]'),
    run: 'docker run --rm -v /srv/other:/home/app img',
    host: 'paths:\n  /srv/other: { uid: 1001, gid: 1001, mode: "0755", kind: dir }',
    message: ["Permission denied: '/home/app/.local'"],
  },
  {
    name: 'UID507 fires for a docker-stacks image with a host folder of another uid over /home/jovyan',
    rule: 'UID507',
    dockerfile: df('FROM quay.io/jupyter/datascience-notebook:latest'),
    run: 'docker run --rm -v /srv/out:/home/jovyan img',
    host: 'paths:\n  /srv/out: { uid: 1001, gid: 1001, mode: "0755", kind: dir }',
    message: ["Permission denied: '/home/jovyan/.local'"],
  },
  {
    name: 'UID507 is quiet when JUPYTER_RUNTIME_DIR names a writable folder',
    rule: 'UID507',
    dockerfile: df('FROM python:3.11-slim', 'RUN pip install --no-cache-dir jupyterlab', 'ENV JUPYTER_RUNTIME_DIR=/tmp/jr', 'CMD ["jupyter", "lab", "--ip=0.0.0.0"]'),
    run: 'docker run --rm --user 1001:1001 img',
  },
  {
    name: 'UID507 is quiet for a user with its own home',
    rule: 'UID507',
    dockerfile: df('FROM python:3.11-slim', 'RUN pip install --no-cache-dir jupyterlab && useradd -m app', 'USER app', 'CMD ["jupyter", "lab", "--ip=0.0.0.0"]'),
  },
  {
    name: 'UID108 fires for a root container run with --privileged, and offers --gpus for the GPUs',
    rule: 'UID108',
    dockerfile: df(CUDA),
    run: 'docker run --rm --privileged img',
    message: ['The container runs privileged (--privileged) as root: it has every capability and every host device, with no seccomp or AppArmor profile, so a process in it can take over the host.'],
  },
  {
    name: 'UID108 fires for a non-root user too: the capabilities are one setuid program away',
    rule: 'UID108',
    dockerfile: df('FROM debian:bookworm', 'RUN useradd -m -u 1000 app', 'USER app'),
    run: 'podman run --rm --privileged img',
    message: ['The container runs privileged (--privileged): its user (uid 1000) has no capabilities itself'],
  },
  {
    name: 'UID108 is quiet for --gpus all',
    rule: 'UID108',
    dockerfile: df(CUDA),
    run: 'docker run --rm --gpus all img',
  },
  {
    name: 'UID108 is quiet for --privileged=false',
    rule: 'UID108',
    dockerfile: df(CUDA),
    run: 'docker run --rm --privileged=false img',
  },
];

const gpu: Case[] = [
  {
    name: 'UID801 fires when the NVIDIA nodes are 0660 root:44 and uid 1000 lacks group 44',
    rule: 'UID801',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm --gpus all img',
    host: NVIDIA_0660,
    message: ['trainer (uid 1000) cannot open /dev/nvidiactl', 'owner 0:44, mode 660'],
    fix: '--group-add 44',
  },
  {
    name: 'UID801 is quiet with --group-add 44',
    rule: 'UID801',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm --gpus all --group-add 44 img',
    host: NVIDIA_0660,
  },
  {
    name: 'UID801 for --gpus device=1: only that GPU node, and it is 0600',
    rule: 'UID801',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm --gpus device=1 --group-add 44 img',
    host: `${NVIDIA_0660}\n  /dev/nvidia1: { uid: 0, gid: 44, mode: "0600", kind: other }`,
    message: ['cannot open /dev/nvidia1 (owner 0:44, mode 600)'],
  },
  {
    name: 'UID801 for the NVIDIA runtime with NVIDIA_VISIBLE_DEVICES=all',
    rule: 'UID801',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm --runtime nvidia -e NVIDIA_VISIBLE_DEVICES=all img',
    host: NVIDIA_0660,
    message: ['trainer (uid 1000) cannot open /dev/nvidiactl'],
    fix: '--group-add 44',
  },
  {
    name: 'UID801 for a GPU node given read-only by --device: the device cgroup refuses read-write',
    rule: 'UID801',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm --device /dev/nvidia0:/dev/nvidia0:r --group-add 44 img',
    host: NVIDIA_0660,
    message: ['cannot open /dev/nvidia0 for reading and writing', 'without "w"'],
    fix: '--device /dev/nvidia0',
  },
  {
    name: 'UID801 is quiet without --gpus',
    rule: 'UID801',
    dockerfile: df(PYTORCH, TRAINER, 'USER trainer'),
    run: 'docker run --rm img',
    host: NVIDIA_0660,
  },
];

const ALL: Record<string, Case[]> = { identity, mounts, python, sudo, services, build, model, gpu, entrypoint, workdir };

for (const [family, cases] of Object.entries(ALL)) {
  describe(`${family} rules`, () => {
    for (const c of cases) {
      test(c.name, () => {
        const found = findingsOf(c);
        if (c.sudo) {
          const { usable, nopasswd } = analysisOf(c).identity.sudo;
          assert.deepEqual([usable, nopasswd], c.sudo);
        }

        if (!c.message) {
          assert.deepEqual(found.map((f) => f.message), []);
          return;
        }

        assert.equal(found.length, 1, `expected one ${c.rule} finding, got ${found.length}`);
        for (const part of c.message) {
          assert.ok(found[0].message.includes(part), `"${part}" not in: ${found[0].message}`);
        }
        if (c.fix) {
          const snippet = found[0].fixes[0]?.snippet ?? '';
          assert.ok(snippet.includes(c.fix), `first fix "${snippet}" lacks "${c.fix}"`);
        }
      });
    }
  });
}

describe('rule case coverage and docs metadata', () => {
  const all = Object.values(ALL).flat();
  const deep = new Set(['identity', 'mounts', 'python', 'sudo']);

  for (const rule of RULES) {
    const mine = all.filter((c) => c.rule === rule.id);
    const need = deep.has(rule.category) ? 3 : 2;

    test(`${rule.id} has at least ${need} cases, one firing and one quiet`, () => {
      assert.ok(mine.length >= need, `${mine.length} cases`);
      assert.ok(mine.some((c) => c.message), 'no firing case');
      assert.ok(mine.some((c) => !c.message), 'no quiet case');
    });

    test(`${rule.id} page states the default severities of both profiles`, () => {
      const page = readFileSync(`docs/rules/${rule.id}.md`, 'utf8');
      const row = `| Severity | ${rule.severity.dev} | ${rule.severity.prod} |`;
      assert.ok(page.split('\n').includes(row), `no line "${row}"`);
    });
  }

  test('the index lists every rule with its name, category and severities', () => {
    const index = readFileSync('docs/rules/README.md', 'utf8');
    for (const r of RULES) {
      const sev = `${r.severity.dev} | ${r.severity.prod}`;
      const row = `| [${r.id}](${r.id}.md) | ${r.name} | ${r.category} | ${sev} |`;
      assert.ok(index.includes(row), `missing row for ${r.id}`);
    }
  });
});
