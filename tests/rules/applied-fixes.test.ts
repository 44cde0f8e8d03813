// Fixes that did nothing, or made things worse, when a newcomer applied them: each case takes
// the input as they had it, reads the fix uidctl gives, applies it where the fix says (the
// Dockerfile, the entrypoint script, the run line, the manifest) and checks again: the finding
// must be gone, and nothing the fix causes may take its place.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { readKubernetes, selectContainer } from '../../src/runtime/kubernetes.js';
import { parseCompose } from '../../src/runtime/compose.js';
import type { Finding, FsTree, HostPathFacts } from '../../src/model/types.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { tempDirs } from '../cli/temp.js';
import { before, lines, replace } from './edit-lines.js';
import { textContext } from './text-context.js';

type Result = ReturnType<typeof analyze>;
const parseComposeFor = (yaml: string, invoker: { uid: number; gid: number; home: string; cwd: string }) => parseCompose(yaml, { env: {}, invoker }).services.a;
/** The text without line `at`. */
const drop = (text: string, at: number) => `${lines(text).filter((_x, i) => i !== at - 1).join('\n')}\n`;
const ids = (a: Result) => a.findings.map((f) => f.ruleId);
const one = (a: Result, id: string): Finding => {
  const f = a.findings.filter((x) => x.ruleId === id);
  assert.equal(f.length, 1, `one ${id} in ${ids(a).join(' ')}`);
  return f[0];
};
const fixes = (f: Finding) => f.fixes.map((x) => [x.description, x.snippet]);

/** A build context of text files (mode 0755 for *.sh), and the reader of their text. */
function context(files: Record<string, string>): { context: FsTree; readContextText: (p: string) => string | undefined } {
  const tree: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }]]);
  for (const name of Object.keys(files)) tree.set(`/${name}`, { kind: 'file', uid: 0, gid: 0, mode: name.endsWith('.sh') ? 0o755 : 0o644 });
  return { context: tree, readContextText: (p) => files[p.replace(/^\//, '')] };
}

describe('UID105 where the entrypoint renumbers the user (/tmp/hE/t4b)', () => {
  // The newcomer's image: the by-name chown the old fix gave is there already (line 7), and the
  // entrypoint makes app uid HOST_UID before gosu.
  const DOCKERFILE = [
    'FROM debian:bookworm',
    'RUN apt-get update && apt-get install -y --no-install-recommends gosu \\',
    ' && rm -rf /var/lib/apt/lists/*',
    'RUN useradd -m -u 1000 -s /bin/bash app && mkdir -p /data /workspace && chown app:app /workspace',
    'COPY entrypoint.sh /usr/local/bin/entrypoint.sh',
    'RUN chmod +x /usr/local/bin/entrypoint.sh',
    'RUN mkdir -p /workspace && chown app:app /workspace',
    'WORKDIR /workspace',
    'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]',
    'CMD ["python3", "train.py"]',
  ].join('\n');
  const SCRIPT = [
    '#!/bin/bash',
    'set -e',
    'if [ "$(id -u)" = "0" ]; then',
    '  if [ -n "$HOST_UID" ]; then',
    '    usermod -o -u "$HOST_UID" app',
    '  fi',
    '  chown -R app:app /data',
    '  exec gosu app "$@"',
    'fi',
    'exec "$@"',
  ].join('\n');
  const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
  const check = (dockerfile: string, script = SCRIPT, hostUid = '1001') =>
    analyze({ file: 'Dockerfile', text: dockerfile, run: parseDockerRun(`docker run -e HOST_UID=${hostUid} img`, { invoker }), profile: 'prod', ...context({ 'entrypoint.sh': script }) });

  test('the fixes: a chown in the script after the renumbering, or the numeric ids; never the by-name chown already there', () => {
    const a = check(DOCKERFILE);
    assert.equal(a.identity.id, 'uid=1001(app) gid=1000(app) groups=1000(app)');
    const f = one(a, 'UID105');
    assert.deepEqual(fixes(f), [
      ['Give the working directory to app in /usr/local/bin/entrypoint.sh, after it renumbers app and while it is still root: put this before its line 8, which starts the command (`gosu app`). A chown in the Dockerfile runs at build time, when app is uid 1000; it becomes uid 1001 only as the container starts.', 'chown app:app /workspace'],
      ['Or give it at build time to the ids the workload runs with, uid 1001 gid 1000, by number: app is uid 1000 gid 1000 while the image is built, so `chown app` there would give it to 1000. Right only while the container gives app these ids. Put this anywhere after FROM: the steps of this stage run as root.', 'RUN mkdir -p /workspace && chown 1001:1000 /workspace'],
    ]);
  });

  test('the chown put in the script before line 8: gone, for this HOST_UID and another', () => {
    const f = one(check(DOCKERFILE), 'UID105');
    const script = before(SCRIPT, 8, `  ${f.fixes[0].snippet}`);
    for (const uid of ['1001', '1234']) {
      const a = check(DOCKERFILE, script, uid);
      assert.equal(a.identity.uid, Number(uid));
      assert.deepEqual(ids(a).filter((x) => x !== 'UID101'), [], uid);
    }
  });

  test('the numeric chown appended to the Dockerfile: gone', () => {
    const f = one(check(DOCKERFILE), 'UID105');
    const a = check(`${DOCKERFILE}\n${f.fixes[1].snippet}\n`);
    assert.deepEqual(ids(a).filter((x) => x !== 'UID101'), []);
  });

  test('the old by-name fix is the no-op it was: line 7 already has it and UID105 stays', () => {
    assert.match(DOCKERFILE, /RUN mkdir -p \/workspace && chown app:app \/workspace/);
    assert.equal(ids(check(DOCKERFILE)).includes('UID105'), true);
  });

  test('after the numeric fix for HOST_UID=1001, a run with another HOST_UID gets its own ids, not the same line again', () => {
    const f = one(check(`${DOCKERFILE}\nRUN mkdir -p /workspace && chown 1001:1000 /workspace\n`, SCRIPT, '1234'), 'UID105');
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['chown app:app /workspace', 'RUN mkdir -p /workspace && chown 1234:1000 /workspace']);
  });

  test('a numeric chown the Dockerfile already has (undone by a later step) is not offered again', () => {
    // Before line 4, whose chown app:app gives /workspace back to uid 1000.
    const f = one(check(before(DOCKERFILE, 4, 'RUN mkdir -p /workspace && chown 1001:1000 /workspace')), 'UID105');
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['chown app:app /workspace']);
  });
});

describe('UID402: a sudoers.d file with a dot in its name (/tmp/hE/t10)', () => {
  const T10 = [
    'FROM debian:bookworm',
    'RUN apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*',
    'RUN useradd -m -s /bin/bash jane.doe \\',
    " && echo 'jane.doe ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/jane.doe \\",
    ' && chmod 0440 /etc/sudoers.d/jane.doe',
    'USER jane.doe',
  ].join('\n');
  const check = (text: string) => analyze({ file: 'Dockerfile', text, profile: 'dev' });

  test('the message says the file is skipped for its name, as for a file of the wrong owner', () => {
    const a = check(T10);
    const f = one(a, 'UID402');
    assert.equal(f.message, "jane.doe (uid 1000) cannot use sudo: no sudoers rule names jane.doe or one of its groups (/etc/sudoers.d/jane.doe has a '.' in its name, and @includedir /etc/sudoers.d reads no such file; sudo skips it).");
    assert.match(f.why, / The rule for jane\.doe in \/etc\/sudoers\.d\/jane\.doe is never read: sudo reads only the files of an @includedir whose names have no '\.' and do not end in '~' \(sudoers\(5\)\)\.$/);
    assert.deepEqual(f.fixes.map((x) => x.snippet), [
      'RUN mv /etc/sudoers.d/jane.doe /etc/sudoers.d/jane_doe',
      'USER root\nRUN COMMAND\nUSER jane.doe',
      "RUN echo 'jane.doe ALL=(root) NOPASSWD: /usr/local/sbin/fix-permissions' > /etc/sudoers.d/jane_doe && chmod 0440 /etc/sudoers.d/jane_doe",
    ]);
    assert.match(f.fixes[0].description, /^Give \/etc\/sudoers\.d\/jane\.doe a name sudo reads: an @includedir skips names with a '\.' or ending in '~'\. Put this before `USER jane\.doe` at line 6/);
  });

  test('the rename before USER: sudo reads the rule (UID402 gone; its NOPASSWD ALL is now UID403)', () => {
    const f = one(check(T10), 'UID402');
    const a = check(before(T10, 6, f.fixes[0].snippet!));
    assert.deepEqual([a.identity.sudo.usable, a.identity.sudo.nopasswd], [true, true]);
    assert.deepEqual(ids(a).filter((x) => x.startsWith('UID4')), ['UID403']);
  });

  test('the one-script rule written where the fix says: read, only for that script', () => {
    const f = one(check(T10), 'UID402');
    const a = check(before(T10, 6, `${f.fixes[2].snippet}\nRUN printf '#!/bin/sh\\necho fixed\\n' > /usr/local/sbin/fix-permissions && chmod 755 /usr/local/sbin/fix-permissions`));
    assert.deepEqual([a.identity.sudo.usable, a.identity.sudo.only], [true, '/usr/local/sbin/fix-permissions']);
    assert.deepEqual(ids(a).filter((x) => x.startsWith('UID4')), []);
  });

  test('a name ending in ~ is explained too; a file that names another user gets no rename', () => {
    const a = check('FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo && useradd -m dev && useradd -m ops && echo "ops ALL=(ALL) ALL" > /etc/sudoers.d/ops~\nUSER dev\n');
    const f = one(a, 'UID402');
    assert.equal(f.message, "dev (uid 1000) cannot use sudo: no sudoers rule names dev or one of its groups (/etc/sudoers.d/ops~ has a name that ends in '~', and @includedir /etc/sudoers.d reads no such file; sudo skips it).");
    assert.equal(f.fixes.some((x) => /^RUN mv /.test(x.snippet ?? '')), false);
  });
});

describe('docker-stacks: UID201 and UID204 for a host folder of uid 1001 over ~/work (/tmp/hE/j1)', () => {
  const J1 = [
    'FROM quay.io/jupyter/pytorch-notebook:cuda12-2024-07-29',
    'USER root',
    'RUN apt-get update && apt-get install -y --no-install-recommends htop && rm -rf /var/lib/apt/lists/*',
    'USER ${NB_UID}',
    'RUN pip install --no-cache-dir lightning && fix-permissions "${CONDA_DIR}" && fix-permissions "/home/${NB_USER}"',
  ].join('\n');
  const invoker = { uid: 1001, gid: 1001, home: '/home/sam', cwd: '/home/sam/proj', name: 'sam' };
  const host: HostPathFacts[] = [{ path: '/home/sam/proj', exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 1001, gid: 1001, mode: 0o755 } }];
  const RUN = 'docker run -p 8888:8888 -v "$PWD":/home/jovyan/work img';
  const check = (run: string) => analyze({ file: 'Dockerfile', text: J1, run: parseDockerRun(run, { invoker, env: { PWD: invoker.cwd, HOME: invoker.home } }), host, profile: 'prod' });
  /** The run line with the fix's flags before the image. */
  const withFlags = (run: string, flags: string) => run.replace(/ img$/, ` ${flags} img`);

  test("UID201: start.sh's NB_UID first; no build-time renumbering (USER ${NB_UID} would name no user), no false 'could not enter'", () => {
    const f = one(check(RUN), 'UID201');
    assert.deepEqual(f.fixes.map((x) => x.snippet), [
      '--user root -e NB_UID=1001 -e NB_GID=1001',
      'sudo chown -R 1000:100 /home/sam/proj',
      '--user 1001:1001 -e HOME=/tmp',
    ]);
    // The image sets ENV HOME, which stays, though uid 1001 may not write it.
    assert.equal(f.fixes[2].description, "Or run as the folder's owner; uid 1001 has no passwd entry in the image, so it has no name, and HOME stays /home/jovyan (ENV HOME sets it), which it may not write: give it one it may. But uid 1001 could then not enter /home/jovyan (RUN chmod a+rx /home/jovyan), which the image gives only to its current user: change that too.");
    assert.equal(f.fixes.some((x) => /usermod/.test(x.snippet ?? '')), false);
  });

  test('UID204: the target is mounted already, so -w into it, not a second -v there', () => {
    const f = one(check(RUN), 'UID204');
    assert.deepEqual(fixes(f), [[
      'Start in /home/jovyan/work, which the run already mounts (-v "$PWD":/home/jovyan/work): the process cannot write it yet, so fix that too (UID201); a second mount there would be refused as a duplicate mount point.',
      '-w /home/jovyan/work',
    ]]);
  });

  test('both applied to the run line: jovyan is uid 1001, starts in the mount and writes it; nothing left', () => {
    const a = check(RUN);
    const run = withFlags(RUN, `${one(a, 'UID201').fixes[0].snippet} ${one(a, 'UID204').fixes[0].snippet}`);
    assert.equal(run, 'docker run -p 8888:8888 -v "$PWD":/home/jovyan/work --user root -e NB_UID=1001 -e NB_GID=1001 -w /home/jovyan/work img');
    const fixed = check(run);
    assert.equal(fixed.identity.id, 'uid=1001(jovyan) gid=1001(jovyan) groups=1001(jovyan),100(users)');
    assert.equal(fixed.identity.workdir, '/home/jovyan/work');
    assert.deepEqual(ids(fixed), []);
  });

  test('UID105 after start.sh renumbers jovyan: CHOWN_EXTRA or the numeric ids, never `chown jovyan` at build time; applied, gone', () => {
    const run = 'docker run --user root -e NB_UID=1001 -w /opt img';
    const f = one(check(run), 'UID105');
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['-e CHOWN_EXTRA=/opt', 'RUN mkdir -p /opt && chown 1001:100 /opt']);
    assert.equal(ids(check(withFlags(run, f.fixes[0].snippet!))).includes('UID105'), false);
    const numeric = analyze({ file: 'Dockerfile', text: before(J1, 4, f.fixes[1].snippet!), run: parseDockerRun(run, { invoker, env: { PWD: invoker.cwd, HOME: invoker.home } }), host, profile: 'prod' });
    assert.equal(ids(numeric).includes('UID105'), false);
  });

  test('a read-only mount there: the new folder takes a free name', () => {
    const f = one(check(RUN.replace('/home/jovyan/work', '/home/jovyan/work:ro')), 'UID204');
    assert.equal(f.fixes[0].snippet, '-v "$PWD/out:/home/jovyan/work-2" -w /home/jovyan/work-2');
  });
});

describe('UID201: renumbering a base image user whose USER line names its uid', () => {
  const NODE = 'FROM node:20\nWORKDIR /home/node/app\nRUN chown node:node /home/node/app\nUSER 1000\nCMD ["node", "x.js"]\n';
  const invoker = { uid: 1001, gid: 1001, home: '/home/sam', cwd: '/home/sam/proj' };
  const host: HostPathFacts[] = [{ path: '/home/sam/proj', exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 1001, gid: 1001, mode: 0o755 } }];
  const check = (text: string) => analyze({ file: 'Dockerfile', text, run: parseDockerRun('docker run -v /home/sam/proj:/data img', { invoker }), host, profile: 'prod' });

  test('the USER line is replaced by one naming the user, and the home moving along is not a loss', () => {
    const f = one(check(NODE), 'UID201').fixes.find((x) => /usermod/.test(x.snippet ?? ''))!;
    assert.deepEqual([f.description, f.snippet], [
      'Or renumber node, whom the base image makes, to the host uid: replace line 4 (`USER 1000`, uid 1000, which names no user once node is renumbered) with these. usermod -u also gives node the files in its home; files elsewhere keep uid 1000.',
      'ARG UID=1001\nRUN usermod -u $UID node\nUSER node\n# docker build --build-arg UID=$(id -u) .',
    ]);
    const fixed = check(replace(NODE, 4, f.snippet!));
    assert.equal(fixed.identity.id, 'uid=1001(node) gid=1000(node) groups=1000(node)');
    assert.deepEqual(ids(fixed).filter((x) => x !== 'UID204'), []);
  });

  test('put before the USER line instead, as the old fix said, the image runs as a nameless uid 1000', () => {
    const a = check(before(NODE, 4, 'ARG UID=1001\nRUN usermod -u $UID node'));
    assert.equal(a.identity.user, null);
    assert.equal(ids(a).includes('UID201'), true);
  });
});

describe('UID306 with a virtual environment first on PATH (/tmp/hE/t13)', () => {
  const T13 = [
    'FROM debian:bookworm AS builder',
    'RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv python3-pip && rm -rf /var/lib/apt/lists/*',
    'RUN python3 -m venv /opt/venv',
    'COPY proj /src/proj',
    'RUN /opt/venv/bin/pip install --no-index --no-build-isolation /src/proj || true',
    'RUN pip install --user --break-system-packages --no-index --no-build-isolation /src/proj || true',
    '',
    'FROM debian:bookworm',
    'RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*',
    'RUN useradd -m -u 1000 ml',
    'COPY --from=builder --chown=ml:ml /opt/venv /opt/venv',
    'COPY --from=builder /root/.local /root/.local',
    'ENV PATH=/opt/venv/bin:$PATH',
    'USER ml',
    'WORKDIR /home/ml',
    'CMD ["python", "-c", "import sys; print(sys.prefix)"]',
  ].join('\n');
  const check = (text: string) => analyze({ file: 'Dockerfile', text, profile: 'prod' });
  const PKG = (snippet: string) => snippet.replace('PACKAGES', 'mypkg');

  test('the message says the venv has no user site; the fixes install into the venv, without --user', () => {
    const f = one(check(T13), 'UID306');
    assert.equal(f.message, 'ml (uid 1000) runs /opt/venv/bin/python, a virtual environment that adds no user site to sys.path, so Python does not look in /root/.local/lib/python3.11/site-packages (root\'s): `import` of the packages pip installed there fails with ModuleNotFoundError.');
    assert.deepEqual(fixes(f), [
      ['Install them into the virtual environment /opt/venv, first on PATH, as ml, who may write it: after USER, without --user (pip refuses --user in a virtual environment); and drop line 12, which fills root\'s site.', 'USER ml\nRUN pip install --no-cache-dir PACKAGES'],
      ['Or install them into the virtual environment /opt/venv as root, without --user (pip refuses --user in a virtual environment): put this before `USER ml` at line 14 (a RUN after it runs as ml, not as root), after the ENV that puts /opt/venv/bin first on PATH; and drop line 12, which fills root\'s site.', 'RUN pip install --no-cache-dir PACKAGES'],
      ['Or copy it from the stage builder to the user\'s own home, owned by the user, in place of line 12, which fills root\'s site, and name its site-packages in PYTHONPATH: the virtual environment reads no ~/.local by itself.', 'COPY --from=builder --chown=1000:1000 /root/.local /home/ml/.local\nENV PYTHONPATH=/home/ml/.local/lib/python3.11/site-packages'],
    ]);
  });

  test('the old fix (pip install --user after USER) is what pip refuses in a venv: UID604', () => {
    const a = check(`${T13}\nUSER ml\nRUN pip install --user --no-cache-dir mypkg\n`);
    assert.deepEqual(a.findings.filter((x) => x.ruleId === 'UID604').map((x) => x.message), ["The build fails here: ERROR: Can not perform a '--user' install. User site-packages are not visible in this virtualenv."]);
  });

  test('each fix applied as it says: the build passes and UID306 is gone', () => {
    const f = one(check(T13), 'UID306');
    const applied = [
      `${drop(T13, 12)}${PKG(f.fixes[0].snippet!)}\n`,
      before(drop(T13, 12), 13, PKG(f.fixes[1].snippet!)),
      replace(T13, 12, f.fixes[2].snippet!),
    ];
    for (const [i, text] of applied.entries()) {
      const a = check(text);
      assert.deepEqual(ids(a), [], `fix ${i + 1}`);
    }
  });
});

describe('Kubernetes: an init container that chowns the volume undoes fsGroup (/tmp/hE/k3)', () => {
  const DOCKERFILE = 'FROM debian:bookworm\nARG USER_UID=1000\nARG USER_GID=$USER_UID\nARG USERNAME=ml\nRUN groupadd --gid $USER_GID $USERNAME \\\n    && useradd --uid $USER_UID --gid $USER_GID -m -s /bin/bash $USERNAME\nUSER $USERNAME\nWORKDIR /work/out\nRUN touch /work/out/x\nCMD ["bash"]\n';
  const JOB = `apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
        - name: fix-perms
          image: busybox
          command: ["sh", "-c", "chown -R 1000:1000 /ckpt && chmod 0750 /ckpt"]
          securityContext: {runAsUser: 0}
          volumeMounts: [{name: ckpt, mountPath: /ckpt}]
      containers:
        - name: train
          image: me/train
          securityContext:
            runAsUser: 1001
            allowPrivilegeEscalation: false
          volumeMounts: [{name: ckpt, mountPath: /work/out/ckpt}]
      volumes:
        - name: ckpt
          persistentVolumeClaim: {claimName: ckpt}
`;
  const FSGROUP = '      securityContext:\n        fsGroup: 1001\n        fsGroupChangePolicy: OnRootMismatch\n';
  /** job2.yaml: the old fsGroup fix added to the pod spec. */
  const JOB2 = JOB.replace('      initContainers:\n', `${FSGROUP}      initContainers:\n`);
  const check = (manifest: string) => {
    const m = readKubernetes(manifest, { file: 'job.yaml' });
    const c = selectContainer(m.containers, 'job.yaml', 'train');
    if ('error' in c) throw new Error(c.error);
    return analyze({ file: 'Dockerfile', text: DOCKERFILE, run: c.run, profile: 'prod' });
  };
  const uid201 = (manifest: string) => check(manifest).findings.filter((f) => f.ruleId === 'UID201');

  test('with the old fsGroup fix applied, UID201 stays: fix-perms runs after the kubelet', () => {
    assert.equal(uid201(JOB2).length, 1);
  });

  test('the fixes change fix-perms, or keep fsGroup and take its chown and chmod out; no new init container', () => {
    for (const manifest of [JOB, JOB2]) {
      const f = uid201(manifest)[0];
      assert.deepEqual(f.fixes.map((x) => x.snippet), [
        '# in the pod spec:\ninitContainers:\n  - name: fix-perms\n    command: ["sh", "-c", "chown -R 1001:0 /ckpt && chmod 0750 /ckpt"]',
        '# in the pod spec:\nsecurityContext:\n  fsGroup: 1001\n  fsGroupChangePolicy: OnRootMismatch\n# and in initContainers: drop fix-perms, or its chown and chmod of the volume',
      ]);
      assert.equal(f.fixes[0].description, 'Change the init container fix-perms, which runs before the container and gives the volume to 1000:1000: let it give the volume to uid 1001 instead.');
    }
    assert.match(uid201(JOB2)[0].fixes[1].description, /^Or let the pod's fsGroup \(1001, already set\) give the volume to group 1001, and take the chown and chmod of it out of the init container fix-perms: the kubelet applies fsGroup before the init containers run, so their chown and chmod undo it\.$/);
  });

  test("fix-perms's command as the fix writes it: the volume is writable", () => {
    const command = uid201(JOB)[0].fixes[0].snippet!.split('\n').at(-1)!.trim();
    const fixed = JOB.replace(/ {10}command: .*\n/, `          ${command}\n`);
    assert.notEqual(fixed, JOB);
    assert.deepEqual(uid201(fixed), []);
    assert.equal(check(fixed).check('/work/out/ckpt', 'create').allowed, true);
  });

  test('fsGroup kept and fix-perms dropped: the volume is writable', () => {
    const fixed = JOB2.replace(/ {6}initContainers:\n(?: {8}.*\n)+/, '');
    assert.equal(fixed.includes('fix-perms'), false);
    assert.deepEqual(uid201(fixed), []);
  });

  test('an exec-form chown in the init container is changed in place', () => {
    const exec = JOB.replace('command: ["sh", "-c", "chown -R 1000:1000 /ckpt && chmod 0750 /ckpt"]', 'command: ["chown", "-R", "1000:1000", "/ckpt"]');
    const f = uid201(exec)[0];
    assert.equal(f?.fixes[0].snippet, '# in the pod spec:\ninitContainers:\n  - name: fix-perms\n    command: ["chown", "-R", "1001:0", "/ckpt"]');
    assert.deepEqual(uid201(exec.replace('"1000:1000"', '"1001:0"')), []);
  });

  test('an emptyDir that the init container closes: the same change to it, not a Dockerfile chown', () => {
    const f = uid201(JOB.replace('persistentVolumeClaim: {claimName: ckpt}', 'emptyDir: {}'))[0];
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['# in the pod spec:\ninitContainers:\n  - name: fix-perms\n    command: ["sh", "-c", "chown -R 1001:0 /ckpt && chmod 0750 /ckpt"]']);
  });
});

describe('the bundled example examples/entrypoint-fix, through the command line', () => {
  const EX = join(import.meta.dirname, '../../examples/entrypoint-fix');
  const tempDir = tempDirs('uidctl-applied-');
  const files = () => Object.fromEntries(['Dockerfile', 'entrypoint.sh', 'host.yaml', 'run.sh'].map((n) => [n, readFileSync(join(EX, n), 'utf8')]));
  async function findings(dir: string): Promise<Finding[]> {
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
    await main(['check', 'Dockerfile', '--run-file', 'run.sh', '--host-facts', 'host.yaml', '--base-from', 'catalog', '--format', 'json', '--fail-on', 'never'], io);
    return JSON.parse(io.stdout).results[0].findings;
  }

  test("UID105's first fix goes into entrypoint.sh before its gosu line; put there, /workspace is the workload's", async () => {
    const ex = files();
    const f = (await findings(tempDir(ex))).find((x) => x.ruleId === 'UID105')!;
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['chown trainer:trainer /workspace', 'RUN mkdir -p /workspace && chown 1001:1000 /workspace']);
    assert.match(f.fixes[0].description, /^Give the working directory to trainer in entrypoint\.sh, after it renumbers trainer and while it is still root: put this before its line 9/);
    const fixed = await findings(tempDir({ ...ex, 'entrypoint.sh': before(ex['entrypoint.sh'], 9, f.fixes[0].snippet!) }));
    assert.equal(fixed.some((x) => x.ruleId === 'UID105'), false);
    const numeric = await findings(tempDir({ ...ex, Dockerfile: `${ex.Dockerfile}${f.fixes[1].snippet}\n` }));
    assert.equal(numeric.some((x) => x.ruleId === 'UID105'), false);
  });
});

describe('UID103 where the entrypoint script re-executes itself through setpriv, keeping root\'s HOME', () => {
  const SCRIPT = '#!/bin/sh\nset -e\nif [ "$(id -u)" = 0 ]; then\n  mkdir -p /work/out\n  chown -R app:app /work/out\n  exec setpriv --reuid=app --regid=app --init-groups "$0" "$@"\nfi\nexec "$@"\n';
  const DOCKERFILE = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nCOPY --chmod=0755 entrypoint.sh /usr/local/bin/entrypoint.sh\nWORKDIR /work\nENTRYPOINT ["/usr/local/bin/entrypoint.sh"]\nCMD ["sh", "-c", "touch ~/x"]\n';
  const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
  const check = (runLine: string) => analyze({ file: 'Dockerfile', text: DOCKERFILE, ...context({ 'entrypoint.sh': SCRIPT }), run: parseDockerRun(runLine, { invoker }) });

  test('the finding names the kept HOME at the ENTRYPOINT line; its fix is HOME, never usermod --home of a home app already has', () => {
    const f = one(check('docker run --rm img'), 'UID103');
    assert.equal(f.location.line, 5);
    assert.match(f.message, /^HOME \(\/root\) is not writable for app \(uid 1000\): the switch in the start command keeps the HOME/);
    assert.deepEqual(f.fixes.map((x) => x.snippet), ['-e HOME=/home/app', 'export HOME=/home/app']);
  });

  test('applied at run time: gone, and HOME is the user\'s own', () => {
    const a = check('docker run --rm -e HOME=/home/app img');
    assert.equal(a.findings.some((x) => x.ruleId === 'UID103'), false);
    assert.deepEqual([a.identity.home, a.identity.homeWritable], ['/home/app', true]);
  });

  test('applied in the script before the switch: gone', () => {
    const a = analyze({ file: 'Dockerfile', text: DOCKERFILE, ...context({ 'entrypoint.sh': before(SCRIPT, 6, 'export HOME=/home/app') }), run: parseDockerRun('docker run --rm img', { invoker }) });
    assert.equal(a.findings.some((x) => x.ruleId === 'UID103'), false);
  });
});

describe('UID304 for a uid whose HOME is / (no passwd entry)', () => {
  const check = (runLine: string) => analyze({ file: 'Dockerfile', text: 'FROM continuumio/miniconda3:24.7.1-0\n', run: parseDockerRun(runLine, { invoker: { uid: 1234, gid: 1234, home: '/home/me', cwd: '/home/me' } }) });

  test('the environment of its own goes under a folder it may write, not ~ (which is /)', () => {
    const a = check('docker run --rm --user 1234:1234 img');
    assert.equal(a.identity.home, '/');
    assert.deepEqual(one(a, 'UID304').fixes.map((x) => x.snippet), ['RUN chown -R 1234:1234 /opt/conda', 'conda create -p /tmp/envs/work python']);
    assert.equal(a.check('/tmp/envs', 'create').allowed, true);
  });

  test('with a writable HOME it is ~/envs/work, as before', () => {
    const a = check('docker run --rm --user 1234:1234 -e HOME=/tmp img');
    assert.equal(one(a, 'UID304').fixes[1].snippet, 'conda create -p ~/envs/work python');
  });
});

describe('UID604 for a SHELL the base image lacks: install its package before SHELL', () => {
  const cases: [string, string, number, string, string | undefined][] = [
    [
      'zsh on Ubuntu, as root',
      'FROM ubuntu:24.04\nSHELL ["/usr/bin/zsh", "-c"]\nRUN useradd -m app\n',
      2,
      'Install zsh in a step before the SHELL instruction (line 2): a RUN after SHELL starts through /usr/bin/zsh itself.',
      'RUN apt-get update && apt-get install -y --no-install-recommends zsh && rm -rf /var/lib/apt/lists/*',
    ],
    [
      'ksh93 on Debian after USER app: installed as root, then back to app',
      'FROM debian:bookworm\nRUN useradd -m app\nUSER app\nSHELL ["/usr/bin/ksh93", "-c"]\nRUN touch /home/app/x\n',
      4,
      'Install ksh (it brings /usr/bin/ksh93) in a step before the SHELL instruction (line 4): a RUN after SHELL starts through /usr/bin/ksh93 itself.',
      'USER root\nRUN apt-get update && apt-get install -y --no-install-recommends ksh && rm -rf /var/lib/apt/lists/*\nUSER app',
    ],
    [
      'bash by name on Alpine',
      'FROM alpine:3.20\nSHELL ["bash", "-c"]\nRUN adduser -D app\n',
      2,
      'Install bash in a step before the SHELL instruction (line 2): a RUN after SHELL starts through bash itself.',
      'RUN apk add --no-cache bash',
    ],
  ];
  for (const [name, text, shellLine, description, snippet] of cases) {
    test(`${name}: the fix installs it, and the build then passes`, () => {
      const f = one(analyze({ file: 'Dockerfile', text }), 'UID604');
      assert.match(f.why, /^The step cannot start, as the program it runs through \(its SHELL\) is not in the image, which stops the build\./);
      assert.deepEqual(fixes(f), [[description, snippet]]);
      const fixed = analyze({ file: 'Dockerfile', text: before(text, shellLine, snippet!) });
      assert.deepEqual(fixed.sim.failures, []);
    });
  }

  test('pwsh comes from outside the distribution, busybox has no apk, and a SHELL from an earlier stage cannot be put after: no install fix', () => {
    assert.deepEqual(fixes(one(analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nSHELL ["pwsh", "-c"]\nRUN true\n' }), 'UID604')), []);
    // busybox is taken for Alpine by its name alone, and has no apk.
    assert.deepEqual(fixes(one(analyze({ file: 'Dockerfile', text: 'FROM busybox:latest\nSHELL ["/bin/bash", "-c"]\nRUN true\n' }), 'UID604')), []);
    const staged = 'FROM debian:bookworm AS base\nSHELL ["/bin/zsh", "-c"]\nFROM base\nRUN true\n';
    const found = analyze({ file: 'Dockerfile', text: staged }).findings.filter((x) => x.ruleId === 'UID604');
    assert.deepEqual(found.map((x) => [x.location.line, fixes(x)]), [[4, []]]);
  });
});

describe('UID201 on a Compose volume with nocopy: the fixes are Compose entries and a run through the service', () => {
  const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/p' };
  const text = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app && mkdir /vol && chown app:app /vol\nUSER app\n';
  const compose = [
    'services:',
    '  a:',
    '    image: x',
    '    volumes:',
    '      - type: volume',
    '        source: v1',
    '        target: /vol',
    '        volume: {nocopy: true}',
    '      - v2:/vol2:nocopy',
    'volumes: {v1: {}, v2: {}}',
    '',
  ].join('\n');
  const run = parseComposeFor(compose, invoker);
  const found = analyze({ file: 'Dockerfile', text, run }).findings.filter((f) => f.ruleId === 'UID201');

  test('the long syntax entry without nocopy, and chown through `docker compose run` (Compose prefixes volume names with the project)', () => {
    assert.deepEqual(found.map((f) => f.fixes.map((x) => x.snippet)), [
      ['# services.a.volumes[0], with no volume.nocopy\n- type: volume\n  source: v1\n  target: /vol', 'docker compose run --rm --no-deps --user root --entrypoint chown a 1000:1000 /vol'],
      ['RUN mkdir -p /vol2 && chown 1000:1000 /vol2', 'docker compose run --rm --no-deps --user root --entrypoint chown a 1000:1000 /vol2'],
    ]);
  });

  test('a service that drops its capabilities gets CHOWN back for the chown (compose run keeps cap_drop)', () => {
    const dropped = compose.replace('    image: x\n', '    image: x\n    cap_drop: [ALL]\n');
    const f = analyze({ file: 'Dockerfile', text, run: parseComposeFor(dropped, invoker) }).findings.filter((x) => x.ruleId === 'UID201');
    assert.equal(f[0].fixes[1].snippet, 'docker compose run --rm --no-deps --user root --cap-add CHOWN --entrypoint chown a 1000:1000 /vol');
  });

  test('applied: the entry without nocopy takes the image\'s /vol, which the user owns', () => {
    const fixed = compose.replace('        volume: {nocopy: true}\n', '');
    const again = analyze({ file: 'Dockerfile', text, run: parseComposeFor(fixed, invoker) });
    assert.equal(again.check('/vol', 'create').allowed, true);
  });
});

describe('UID201: a fix that changes the build is checked against the model before it is offered (/tmp/hX)', () => {
  // The tester's Dockerfile: the uid ARG's fix, --build-arg UID=1001, would give app the uid
  // svc holds, and useradd stops the build.
  const SVC = 'FROM debian:bookworm\nARG UID=1000\nRUN useradd -m -u 1001 svc && useradd -m -u ${UID} app\nUSER app\n';
  const FREE = 'FROM debian:bookworm\nARG UID=1000\nRUN useradd -m -u ${UID} app\nUSER app\n';
  const invoker = { uid: 1001, gid: 1001, home: '/home/sam', cwd: '/home/sam/proj', name: 'sam' };
  const host: HostPathFacts[] = [{ path: '/home/sam/proj', exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 1001, gid: 1001, mode: 0o755 } }];
  const RUN = 'docker run -v /home/sam/proj:/data img';
  const check = (text: string, run = RUN, buildArgs: Record<string, string> = {}) =>
    analyze({ file: 'Dockerfile', text, run: parseDockerRun(run, { invoker }), host, profile: 'prod', buildArgs });

  test('uid 1001 is svc\'s: no --build-arg UID=1001; running as svc leads, and works', () => {
    const f = one(check(SVC), 'UID201');
    assert.deepEqual(fixes(f), [
      ["Run as svc, the image's user with uid 1001.", '--user svc'],
      ['Or give the folder to uid 1000 on the host.', 'sudo chown -R 1000:1000 /home/sam/proj'],
      ['Or, if the container only reads this folder (a dataset, models), mount it read-only: the host folder keeps its owner.', '-v /home/sam/proj:/data:ro'],
    ]);
    const fixed = check(SVC, RUN.replace(' img', ` ${f.fixes[0].snippet} img`));
    assert.equal(fixed.identity.id, 'uid=1001(svc) gid=1001(svc) groups=1001(svc)');
    assert.deepEqual(ids(fixed), []);
  });

  test('the dropped fix applied stops the build, as the tester saw', () => {
    const broken = check(SVC, RUN, { UID: '1001' });
    assert.deepEqual(broken.sim.failures.map((x) => [x.line, x.message]), [[3, 'useradd: UID 1001 is not unique']]);
    assert.deepEqual(ids(broken), ['UID602']);
  });

  test('uid 1001 free: the --build-arg fix leads; applied, the build passes and app writes /data', () => {
    const a = check(FREE);
    const f = one(a, 'UID201');
    assert.deepEqual(f.fixes[0].snippet, 'docker build --build-arg UID=1001 .');
    const fixed = check(FREE, RUN, { UID: '1001' });
    assert.equal(fixed.identity.id, 'uid=1001(app) gid=1001(app) groups=1001(app)');
    assert.deepEqual(ids(fixed), []);
  });

  test('a gid another group holds: neither the build arg nor the rewritten useradd line is offered (both stop the build)', () => {
    const T = 'FROM debian:bookworm\nRUN groupadd -g 1001 data\nARG UID=1000\nRUN groupadd -g ${UID} app && useradd -m -u ${UID} -g app app\nUSER app\n';
    assert.deepEqual(one(check(T), 'UID201').fixes.map((x) => x.snippet), ['--user 1001:1001 -e HOME=/tmp', 'sudo chown -R 1000:1000 /home/sam/proj', '-v /home/sam/proj:/data:ro']);
    assert.deepEqual(check(T, RUN, { UID: '1001' }).sim.failures.map((x) => [x.line, x.message]), [[4, "groupadd: GID '1001' already exists"]]);
  });

  test('one second analysis per change, and none inside it (no recursion)', () => {
    const a = check(FREE);
    const b = a.retry!({ buildArgs: { UID: '1001' } });
    assert.equal(a.retry!({ buildArgs: { UID: '1001' } }), b);
    assert.equal(b.retry, undefined);
    assert.equal(b.identity.uid, 1001);
    const edited = a.retry!({ edit: { file: 'Dockerfile', startLine: 3, endLine: 3, text: 'RUN useradd -m -u 1001 app' } });
    assert.equal(edited.identity.id, 'uid=1001(app) gid=1001(app) groups=1001(app)');
  });
});

describe('UID201 for root without CAP_DAC_OVERRIDE: never "renumber root" (/tmp/hX c4)', () => {
  const TEXT = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nRUN mkdir /data\nUSER app\n';
  const invoker = { uid: 1001, gid: 1001, home: '/home/sam', cwd: '/home/sam/proj', name: 'sam' };
  const host: HostPathFacts[] = [{ path: '/home/sam/proj', exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 1001, gid: 1001, mode: 0o755 } }];
  const RUN = 'docker run --user root --cap-drop ALL --cap-add CHOWN -v /home/sam/proj:/data img';
  const check = (text: string, run = RUN) => analyze({ file: 'Dockerfile', text, run: parseDockerRun(run, { invoker }), host, profile: 'prod' });

  test('the fixes: run as the folder\'s owner, or give the folder to uid 0; no usermod', () => {
    const f = one(check(TEXT), 'UID201');
    assert.deepEqual(fixes(f), [
      ["Run as the folder's owner; uid 1001 has no passwd entry in the image, so HOME becomes / unless you set it.", '--user 1001:1001 -e HOME=/tmp'],
      ['Or give the folder to uid 0 on the host.', 'sudo chown -R 0:0 /home/sam/proj'],
      ['Or, if the container only reads this folder (a dataset, models), mount it read-only: the host folder keeps its owner.', '-v /home/sam/proj:/data:ro'],
    ]);
  });

  test('the first applied: uid 1001 writes /data; UID201 is gone', () => {
    const f = one(check(TEXT), 'UID201');
    const fixed = check(TEXT, RUN.replace('--user root', f.fixes[0].snippet!));
    assert.equal(fixed.identity.id, 'uid=1001 gid=1001 groups=1001');
    assert.equal(fixed.check('/data', 'create').allowed, true);
    assert.equal(ids(fixed).includes('UID201'), false);
  });

  test('the old fix applied: usermod -u of root stops the build (usermod runs as root: busy-accounts/usermod-u-root)', () => {
    const a = check(before(TEXT, 4, 'ARG UID=1001\nRUN usermod -u $UID root'));
    assert.deepEqual(a.sim.failures.map((x) => [x.line, x.message]), [[5, 'usermod: user root is currently used by process N (usermod itself, which runs as uid 0)']]);
    const f = one(a, 'UID602');
    assert.deepEqual(fixes(f), [[
      "Leave root as it is: make a user of its own with uid 1001 in place of this command, and run as it (USER appuser, or the run's --user appuser).",
      'RUN useradd --create-home --uid 1001 appuser',
    ]]);
    const fixed = check(replace(before(TEXT, 4, 'ARG UID=1001\nRUN usermod -u $UID root'), 5, f.fixes[0].snippet!));
    assert.deepEqual(fixed.sim.failures, []);
    // The edit the second analysis checked is the fix's, for `uidctl fix`.
    assert.deepEqual(f.fixes[0].edit, { file: 'Dockerfile', startLine: 5, endLine: 5, text: 'RUN useradd --create-home --uid 1001 appuser' });
  });

  test('userdel of root: the same refusal, and only a description (no step to put in its place)', () => {
    const f = one(analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN userdel root\n', profile: 'prod' }), 'UID602');
    assert.equal(f.message, 'The build fails here: userdel: user root is currently used by process N (userdel itself, which runs as uid 0)');
    assert.deepEqual(fixes(f), [["Leave root as it is: take this userdel out of the step; a process that needs another identity runs as a user of its own (useradd, then USER or the run's --user).", undefined]]);
  });
});

describe('UID604 for `source` under dash: `.` is an edit only where what it reads is sh (newcomer: ROS-style bash scripts)', () => {
  const text = 'FROM debian:bookworm\nCOPY env.sh /etc/env.sh\nRUN source /etc/env.sh && useradd -m app\n';
  const uid604 = (script: string) => one(analyze({ file: 'Dockerfile', text, ...textContext({ 'env.sh': script }) }), 'UID604');

  test('a bash script: `.` stays a suggestion without an edit, and bash as the SHELL is the edit', () => {
    const f = uid604('#!/bin/bash\nPATHS=(/opt/a /opt/b)\n[[ -d /opt ]] && export X=1\n');
    assert.deepEqual(f.fixes.map((x) => [x.safe, x.edit?.text]), [[false, undefined], [false, 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]']]);
    // The bash SHELL applied: the step runs.
    assert.deepEqual(analyze({ file: 'Dockerfile', text: before(text, 3, f.fixes[1].edit!.text), ...textContext({ 'env.sh': '#!/bin/bash\nPATHS=(/opt/a /opt/b)\n' }) }).sim.failures, []);
  });

  test('an sh script: `.` is the edit', () => {
    const f = uid604('export X=1\n');
    assert.deepEqual(f.fixes.map((x) => [x.safe, x.edit?.text]), [[true, 'RUN . /etc/env.sh && useradd -m app']]);
  });
});

describe('UID201: a uid ARG that usermod takes is a --build-arg hook too (newcomer)', () => {
  const text = 'FROM ubuntu:24.04\nARG UID=1000\nRUN usermod -u ${UID} ubuntu\nUSER ubuntu\n';
  const invoker = { uid: 2000, gid: 2000, home: '/home/sam', cwd: '/srv', name: 'sam' };
  const host: HostPathFacts[] = [{ path: '/srv/data', exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 2000, gid: 2000, mode: 0o755 } }];
  const check = (buildArgs: Record<string, string> = {}) => analyze({ file: 'Dockerfile', text, run: parseDockerRun('docker run -v /srv/data:/data img', { invoker }), host, buildArgs });

  test('the lead fix is --build-arg UID=2000, and with it the user may write', () => {
    assert.deepEqual(one(check(), 'UID201').fixes[0].snippet, 'docker build --build-arg UID=2000 .');
    const fixed = check({ UID: '2000' });
    assert.equal(fixed.identity.id, 'uid=2000(ubuntu) gid=1000(ubuntu) groups=1000(ubuntu)');
    assert.equal(fixed.findings.some((f) => f.ruleId === 'UID201'), false);
  });
});

// The tester's t18: a named volume over the image's VOLUME /data. The classic builder and
// buildah (before 1.37) discard what a RUN after `VOLUME /data` changes under /data (measured:
// oracle volumes/fix-after-volume-lost and volumes/fix-before-volume-kept), so the chown goes
// before the VOLUME line there; BuildKit keeps it, and the RUN stays before USER.
describe('UID201: a named volume over an image VOLUME path (/tmp/hB/t18)', () => {
  const T18 = 'FROM debian:bookworm\nRUN useradd -m app\nVOLUME /data\nUSER app\n';
  const check = (text: string, builder: 'classic' | 'buildah' | 'buildkit') => analyze({ file: 'Dockerfile', text, builder, run: parseDockerRun('docker run -v vol:/data img', { invoker: { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' } }) });

  for (const builder of ['classic', 'buildah'] as const) {
    test(`${builder}: the RUN before the VOLUME line, with its edit; applied, gone`, () => {
      const f = one(check(T18, builder), 'UID201');
      const fix = f.fixes.find((x) => x.edit !== undefined)!;
      assert.equal(fix.snippet, 'RUN mkdir -p /data && chown 1000:1000 /data\nVOLUME /data');
      assert.match(fix.description, /^Create \/data owned by the user before `VOLUME \/data` at line 3, so the new volume copies that owner: with the (classic|buildah) builder a RUN after the VOLUME line changes nothing at or below \/data/);
      assert.deepEqual(fix.edit, { file: 'Dockerfile', startLine: 3, endLine: 2, text: 'RUN mkdir -p /data && chown 1000:1000 /data' });
      // No fix puts it after the VOLUME line.
      assert.ok(!f.fixes.some((x) => x.edit?.startLine === 4));
      assert.ok(!ids(check(before(T18, 3, fix.edit!.text), builder)).includes('UID201'));
      // The old placement stays refused under this builder.
      assert.ok(ids(check(before(T18, 4, fix.edit!.text), builder)).includes('UID201'));
    });
  }

  test('BuildKit keeps the change: the RUN stays before USER', () => {
    const fix = one(check(T18, 'buildkit'), 'UID201').fixes.find((x) => x.edit !== undefined)!;
    assert.deepEqual(fix.edit, { file: 'Dockerfile', startLine: 4, endLine: 3, text: 'RUN mkdir -p /data && chown 1000:1000 /data' });
    assert.ok(!ids(check(before(T18, 4, fix.edit!.text), 'buildkit')).includes('UID201'));
  });

  const tempDir = tempDirs('uidctl-t18-');
  test('uidctl fix --builder classic writes it before the VOLUME line', async () => {
    const dir = tempDir({ Dockerfile: T18 });
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
    const rc = await main(['fix', 'Dockerfile', '--run', 'docker run -v vol:/data img', '--builder', 'classic', '--rule', 'UID201', '--base-from', 'catalog', '--write'], io);
    assert.equal(rc, 0, io.stderr);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM debian:bookworm\nRUN useradd -m app\nRUN mkdir -p /data && chown 1000:1000 /data\nVOLUME /data\nUSER app\n');
  });
});

// UID205's fix for a named volume read-only over the image's VOLUME /data, which the user may
// not read: as UID201's, the chmod goes before the VOLUME line under the classic builder and
// buildah (measured: oracle volumes/read-fix-after-volume-lost, volumes/read-fix-before-volume-kept,
// whose Dockerfile is what `uidctl fix` writes below); BuildKit keeps it before USER.
describe('UID205: a named volume over an image VOLUME path the user may not read', () => {
  const T = 'FROM debian:bookworm\nRUN useradd -m app && mkdir -m 0700 /data\nVOLUME /data\nUSER app\n';
  const RUN = 'RUN mkdir -p /data && chmod a+rX /data';
  const check = (text: string, builder: 'classic' | 'buildah' | 'buildkit') => analyze({ file: 'Dockerfile', text, builder, run: parseDockerRun('docker run -v vol:/data:ro img', { invoker: { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' } }) });

  for (const builder of ['classic', 'buildah'] as const) {
    test(`${builder}: the RUN before the VOLUME line, with its edit; applied, gone`, () => {
      const f = one(check(T, builder), 'UID205');
      assert.equal(f.message, 'app (uid 1000) cannot read /data (-v vol:/data:ro): it belongs to 0:0 with mode 0700 - Permission denied.');
      const fix = f.fixes.find((x) => x.edit !== undefined)!;
      assert.equal(fix.snippet, `${RUN}\nVOLUME /data`);
      assert.match(fix.description, /^Make \/data readable before `VOLUME \/data` at line 3, so the new volume copies that mode: with the (classic|buildah) builder a RUN after the VOLUME line changes nothing at or below \/data/);
      assert.deepEqual(fix.edit, { file: 'Dockerfile', startLine: 3, endLine: 2, text: RUN });
      assert.deepEqual(f.fixes.map((x) => x.snippet), [`${RUN}\nVOLUME /data`, 'docker run --rm -v vol:/v busybox chmod -R a+rX /v']);
      assert.ok(!ids(check(before(T, 3, RUN), builder)).includes('UID205'));
      // The old placement, before USER and after the VOLUME line, is lost under this builder.
      assert.ok(ids(check(before(T, 4, RUN), builder)).includes('UID205'));
    });
  }

  test('BuildKit keeps the change: the RUN stays before USER', () => {
    const fix = one(check(T, 'buildkit'), 'UID205').fixes.find((x) => x.edit !== undefined)!;
    assert.deepEqual([fix.snippet, fix.edit], [RUN, { file: 'Dockerfile', startLine: 4, endLine: 3, text: RUN }]);
    assert.ok(!ids(check(before(T, 4, RUN), 'buildkit')).includes('UID205'));
  });

  const tempDir = tempDirs('uidctl-uid205-volume-');
  test('uidctl fix --builder buildah writes it before the VOLUME line', async () => {
    const dir = tempDir({ Dockerfile: T });
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
    const rc = await main(['fix', 'Dockerfile', '--run', 'docker run -v vol:/data:ro img', '--builder', 'buildah', '--rule', 'UID205', '--base-from', 'catalog', '--write'], io);
    assert.equal(rc, 0, io.stderr);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM debian:bookworm\nRUN useradd -m app && mkdir -m 0700 /data\nRUN mkdir -p /data && chmod a+rX /data\nVOLUME /data\nUSER app\n');
  });
});

describe('UID201: running as the folder\'s owner where a folder above the working folder stops it', () => {
  test('the chmod names the folder on the way, and HOME set by ENV stays', () => {
    const text = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app && chmod 0750 /home/app\nENV HOME=/home/app\nUSER app\nWORKDIR /home/app/work\n';
    const invoker = { uid: 1005, gid: 1005, home: '/home/lee', cwd: '/home/lee/nb' };
    const host: HostPathFacts[] = [{ path: '/home/lee/nb', exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 1005, gid: 1005, mode: 0o755 } }];
    const a = analyze({ file: 'Dockerfile', text, run: parseDockerRun('docker run -v $PWD:/home/app/work img', { invoker, env: { PWD: invoker.cwd, HOME: invoker.home } }), host });
    const f = one(a, 'UID201').fixes.find((x) => x.description.startsWith("Or run as the folder's owner"));
    assert.equal(f?.description, "Or run as the folder's owner; uid 1005 has no passwd entry in the image, so it has no name, and HOME stays /home/app (ENV HOME sets it), which it may not write: give it one it may. But uid 1005 could then not enter /home/app/work, as it may not pass through /home/app (RUN chmod o+x /home/app), which the image gives only to its current user: change that too.");
    assert.equal(f?.snippet, '--user 1005:1005 -e HOME=/tmp');
  });
});

describe('UID103 where the image sets HOME with ENV (ENV HOME=/root, then USER dev)', () => {
  const lastFix = (text: string) => {
    const f = one(analyze({ file: 'Dockerfile', text }), 'UID103');
    return f.fixes[f.fixes.length - 1];
  };
  test('the fix is HOME itself, not usermod --home, which ENV HOME overrides; applied, it clears the finding', () => {
    const text = 'FROM ubuntu:22.04\nENV HOME=/root\nRUN useradd -m -u 1000 dev\nUSER dev\nWORKDIR /home/dev\n';
    const fix = lastFix(text);
    assert.equal(fix.snippet, 'ENV HOME=/home/dev');
    assert.match(fix.description, /the image's `ENV HOME=\/root` \(line 2\) sets HOME for every user/);
    assert.deepEqual(ids(analyze({ file: 'Dockerfile', text: `${text}${fix.snippet}\n` })), []);
  });
  test('a user made without a home gets it made first, as root, then HOME', () => {
    const text = 'FROM ubuntu:22.04\nENV HOME=/root\nRUN useradd -u 1000 dev\nUSER dev\n';
    const fix = lastFix(text);
    assert.equal(fix.snippet, 'USER root\nRUN mkdir -p /home/dev && chown 1000:1000 /home/dev\nUSER dev\nENV HOME=/home/dev');
    assert.deepEqual(ids(analyze({ file: 'Dockerfile', text: `${text}${fix.snippet}\n` })), []);
  });
});

describe('root steps go before the USER from which the stage runs as the user (two USER app lines)', () => {
  const TEXT = 'FROM python:3.11-slim-bookworm\nRUN useradd -m app\nWORKDIR /app\nUSER app\nCMD ["python","-V"]\nUSER app\n';
  test('UID105 puts its chown before the first of them, and applied there it builds and clears the finding', () => {
    const f = one(analyze({ file: 'Dockerfile', text: TEXT, profile: 'dev' }), 'UID105');
    assert.match(f.fixes[0].description, /put this before `USER app` at line 4 /);
    assert.deepEqual(f.fixes[0].edit, { file: 'Dockerfile', startLine: 4, endLine: 3, text: 'RUN mkdir -p /app && chown app:app /app' });
    const fixed = analyze({ file: 'Dockerfile', text: before(TEXT, 4, 'RUN mkdir -p /app && chown app:app /app'), profile: 'dev' });
    assert.deepEqual(ids(fixed).filter((x) => x === 'UID105' || x === 'UID601'), []);
  });
});

describe('UID101 never offers to create a user whose name the image has', () => {
  const fix = (text: string) => one(analyze({ file: 'Dockerfile', text }), 'UID101').fixes[0];
  test('a system user the build made (useradd -r app) is switched to, not created again', () => {
    const f = fix('FROM python:3.11-slim-bookworm\nRUN useradd -r app\n');
    assert.deepEqual([f.description, f.snippet], ['Switch to the existing user app at the end of the Dockerfile.', 'USER 999:999']);
  });
  test('a group named app: the new user gets another name', () => {
    assert.equal(fix('FROM debian:bookworm\nRUN groupadd app\n').snippet, 'RUN useradd --create-home --uid 1000 appuser\nUSER 1000:1000');
  });
});
