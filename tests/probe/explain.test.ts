// explainError on each message as the tools print it, and tailor() with a real analysis.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { explainError, PATTERN_IDS, tailor, type ExplainFacts } from '../../src/probe/explain.js';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import explainMain, { analyzeFile, renderExplanations } from '../../src/cli/explain.js';
import { memoryIo } from '../../src/cli/io.js';
import { tempDirs } from '../cli/temp.js';

const cases: { name: string; text: string; id: string; facts: ExplainFacts; cause: RegExp }[] = [
  {
    name: "python can't open its script: a read of the script, not a create",
    text: "python3: can't open file '/app/train.py': [Errno 13] Permission denied",
    id: 'read-permission-denied',
    facts: { program: 'python3', path: '/app/train.py', op: 'read' },
    cause: /^python3 could not read \/app\/train\.py \(EACCES\)/,
  },
  {
    name: "python can't find its script",
    text: "python3: can't open file '/app/train.py': [Errno 2] No such file or directory",
    id: 'python-script-missing',
    facts: { program: 'python3', path: '/app/train.py', op: 'read' },
    cause: /^python3 could not open \/app\/train\.py for reading: there is no such file \(ENOENT\)/,
  },
  {
    name: "ls on a folder it may not list: a read of the folder (coreutils' words)",
    text: "ls: cannot open directory '/datasets': Permission denied",
    id: 'read-permission-denied',
    facts: { program: 'ls', path: '/datasets', op: 'read' },
    cause: /^ls could not read \/datasets \(EACCES\)/,
  },
  {
    name: "find on a folder it may not list (find's own quotes)",
    text: "find: ‘/datasets’: Permission denied",
    id: 'read-permission-denied',
    facts: { program: 'find', path: '/datasets', op: 'read' },
    cause: /^find could not read \/datasets \(EACCES\)/,
  },
  {
    name: 'sudo -n with a rule that asks a password',
    text: 'sudo: a password is required',
    id: 'sudo-password',
    facts: { program: 'sudo' },
    cause: /asks for the user's password, and a build step or a container has no terminal/,
  },
  {
    name: 'sudo refusing a command in its own words',
    text: "Sorry, user alice is not allowed to execute '/usr/bin/id -u' as root on buildkitsandbox.",
    id: 'sudo-refused-command',
    facts: { program: 'sudo', user: 'alice' },
    cause: /^A sudoers rule names alice, but not for this command/,
  },
  {
    name: 'sudo without CAP_SETGID',
    text: 'sudo: unable to change to root gid: Operation not permitted',
    id: 'sudo-no-setgid',
    facts: { program: 'sudo' },
    cause: /without CAP_SETGID in its bounding set/,
  },
  {
    name: "env given 'bash\\r' by a #!/usr/bin/env bash line with CRLF ends (coreutils quotes the carriage return)",
    text: "/usr/bin/env: 'bash\\r': No such file or directory",
    id: 'env-crlf',
    facts: { program: '/usr/bin/env bash' },
    cause: /^A script starts with #!\/usr\/bin\/env bash and has Windows line endings \(CRLF\): the kernel runs \/usr\/bin\/env fine, but the carriage return stays on its argument, so env looks for a program named "bash\\r"/,
  },
  {
    name: 'a start program that is missing or has CRLF line ends',
    text: 'exec /app/entrypoint.sh: no such file or directory',
    id: 'exec-not-found-crlf',
    facts: { program: 'exec', path: '/app/entrypoint.sh', op: 'exec' },
    cause: /^The engine could not start \/app\/entrypoint\.sh: it is not in the image/,
  },
  {
    name: 'CMD [\'python\',\'app.py\'] run as shell form (dash, measured with buildah)',
    text: '/bin/sh: 1: [python,app.py]: not found',
    id: 'exec-form-not-json',
    facts: { program: '/bin/sh' },
    cause: /^\/bin\/sh was asked to run a program whose name starts with \[: an ENTRYPOINT or CMD written as an array that is not valid JSON/,
  },
  {
    name: 'the same under SHELL ["/bin/bash", "-c"]',
    text: '/bin/bash: line 1: [python3,: command not found',
    id: 'exec-form-not-json',
    facts: { program: '/bin/bash' },
    cause: /kept as shell form/,
  },
  {
    name: 'runc: the start program is a folder',
    text: 'docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "/app": is a directory: unknown.',
    id: 'start-program-folder',
    facts: { program: 'exec', path: '/app', op: 'exec' },
    cause: /names \/app that is a folder in the image, not a program/,
  },
  {
    name: 'crun: the start program is a folder',
    text: 'Error: crun: open executable: Operation not permitted: OCI permission denied',
    id: 'start-program-folder',
    facts: { program: 'exec', op: 'exec' },
    cause: /names a path that is a folder/,
  },
  {
    name: 'runc and Docker: a file onto a folder (or the other way round)',
    text: 'docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error mounting "/root/app.conf" to rootfs at "/src/app.conf": mount src=/root/app.conf, dst=/src/app.conf, dstFd=/proc/thread-self/fd/11, flags=MS_BIND|MS_REC: not a directory: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type',
    id: 'mount-kind-clash',
    facts: { path: '/src/app.conf' },
    cause: /^A bind mount lands only on a mount point of its own kind: \/src\/app\.conf is a folder in the image/,
  },
  {
    name: 'buildah run: a file onto a folder (measured)',
    text: 'error running subprocess: bind mounting "/var/tmp/buildah1/mnt/buildah-bind-target-0" from host to "/app" in mount namespace ("/var/tmp/buildah1/mnt/rootfs/app"): not a directory',
    id: 'mount-kind-clash',
    facts: { path: '/app' },
    cause: /Docker creates a missing -v source as a folder/,
  },
  {
    name: 'Docker: two mounts on one path',
    text: 'docker: Error response from daemon: Duplicate mount point: /var/lib/postgresql/data.',
    id: 'duplicate-mount',
    facts: { path: '/var/lib/postgresql/data' },
    cause: /^Two mounts of the run name the same container path \(\/var\/lib\/postgresql\/data\)/,
  },
  {
    name: 'buildah and podman: two mounts on one path (measured with buildah run)',
    text: 'Error: /mnt/x: duplicate mount destination',
    id: 'duplicate-mount',
    facts: { path: '/mnt/x' },
    cause: /refuses to create the container/,
  },
  {
    name: 'Docker: a relative -w',
    text: "docker: Error response from daemon: the working directory 'app' is invalid, it needs to be an absolute path.",
    id: 'relative-workdir',
    facts: {},
    cause: /a relative one \(-w app, compose working_dir, a pod's workingDir\)/,
  },
  {
    name: 'podman 4.3: a relative -w (measured with podman create and start)',
    text: 'Error: unable to start container "6dee452b70ed": workdir "rel/dir" does not exist on container 6dee452b70ed',
    id: 'relative-workdir',
    facts: {},
    cause: /podman looks for as given/,
  },
  {
    name: 'python under --user $(id -u) with no passwd line: HOME is /, so ~/.local is /.local',
    text: "PermissionError: [Errno 13] Permission denied: '/.local'",
    id: 'home-is-root',
    facts: { path: '/.local', op: 'create' },
    cause: /^\/\.local is a dot folder right under \/: the program looked for it in HOME, and HOME is \//,
  },
  {
    name: 'coreutils mkdir of a dot folder under /',
    text: "mkdir: cannot create directory '/.cache': Permission denied",
    id: 'home-is-root',
    facts: { path: '/.cache', op: 'create' },
    cause: /^\/\.cache is a dot folder right under \//,
  },
  {
    name: "coreutils touch on a bind mount",
    text: "touch: cannot touch '/workspace/data/x': Permission denied",
    id: 'permission-denied',
    facts: { program: 'touch', path: '/workspace/data/x', op: 'create' },
    cause: /refused \/workspace\/data\/x \(EACCES\)/,
  },
  {
    name: 'busybox mkdir',
    text: "mkdir: can't create directory '/data/out': Permission denied",
    id: 'permission-denied',
    facts: { program: 'mkdir', path: '/data/out', op: 'create' },
    cause: /EACCES/,
  },
  {
    name: 'cp into a folder of root',
    text: "cp: cannot create regular file '/opt/app/config.yaml': Permission denied",
    id: 'permission-denied',
    facts: { program: 'cp', path: '/opt/app/config.yaml', op: 'create' },
    cause: /EACCES/,
  },
  {
    name: "Python's PermissionError in a traceback",
    text: "Traceback (most recent call last):\n  File \"train.py\", line 3\nPermissionError: [Errno 13] Permission denied: '/workspace/ckpt/model.pt'",
    id: 'permission-denied',
    facts: { program: 'python', path: '/workspace/ckpt/model.pt', op: 'create' },
    cause: /\/workspace\/ckpt\/model\.pt/,
  },
  {
    name: 'a dash redirection',
    text: 'sh: 1: cannot create /var/log/app.log: Permission denied',
    id: 'permission-denied',
    facts: { path: '/var/log/app.log', op: 'create', program: undefined },
    cause: /EACCES/,
  },
  {
    name: 'cat on a file it may not read',
    text: 'cat: /app/secret.txt: Permission denied',
    id: 'read-permission-denied',
    facts: { program: 'cat', path: '/app/secret.txt', op: 'read' },
    cause: /^cat could not read \/app\/secret\.txt \(EACCES\)/,
  },
  {
    name: "cp's source it may not read",
    text: "cp: cannot open '/etc/shadow' for reading: Permission denied",
    id: 'read-permission-denied',
    facts: { program: 'cp', path: '/etc/shadow', op: 'read' },
    cause: /could not read \/etc\/shadow/,
  },
  {
    name: 'dash given a script it may not read (sh FILE)',
    text: 'sh: 0: cannot open /app/run.sh: Permission denied',
    id: 'read-permission-denied',
    facts: { program: 'sh', path: '/app/run.sh', op: 'read' },
    cause: /could not read \/app\/run\.sh/,
  },
  {
    name: "bash's words for a file it may not run, read or write",
    text: 'bash: /app/run.sh: Permission denied',
    id: 'exec-permission-denied',
    facts: { program: 'bash', path: '/app/run.sh', op: 'exec', alsoOps: ['read', 'write'] },
    cause: /^\/app\/run\.sh could not be started \(EACCES\).* bash prints the same words when it cannot read the file/,
  },
  {
    name: 'dash running a script without its x bit',
    text: '/bin/sh: 1: ./setup.sh: Permission denied',
    id: 'exec-permission-denied',
    facts: { program: 'sh', path: './setup.sh', op: 'exec' },
    cause: /^\.\/setup\.sh could not be started/,
  },
  {
    name: "runc's exec of the entrypoint",
    text: 'exec /app/run.sh: permission denied',
    id: 'exec-permission-denied',
    facts: { path: '/app/run.sh', op: 'exec' },
    cause: /^\/app\/run\.sh could not be started/,
  },
  {
    name: 'a relative program, bare',
    text: './x: Permission denied',
    id: 'exec-permission-denied',
    facts: { path: './x', op: 'exec' },
    cause: /^\.\/x could not be started/,
  },
  {
    name: "pip's OSError with Errno 13 (not also plain Permission denied)",
    text: "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/usr/local/lib/python3.11/site-packages/numpy'\nConsider using the `--user` option or check the permissions.",
    id: 'pip-oserror',
    facts: { program: 'pip', op: 'create', path: '/usr/local/lib/python3.11/site-packages/numpy' },
    cause: /site-packages/,
  },
  {
    name: 'PEP 668 refusal',
    text: 'error: externally-managed-environment\n\n× This environment is externally managed',
    id: 'externally-managed',
    facts: { program: 'pip' },
    cause: /EXTERNALLY-MANAGED/,
  },
  { name: 'bash without sudo', text: 'bash: sudo: command not found', id: 'sudo-not-found', facts: { program: 'sudo' }, cause: /no sudo/ },
  { name: 'dash without sudo', text: 'sh: 1: sudo: not found', id: 'sudo-not-found', facts: { program: 'sudo' }, cause: /no sudo/ },
  {
    name: 'sudoers refusal names the user',
    text: 'alice is not in the sudoers file.  This incident will be reported.',
    id: 'not-in-sudoers',
    facts: { program: 'sudo', user: 'alice' },
    cause: /names alice/,
  },
  {
    name: 'Jupyter as root',
    text: '[C 10:00:00.000 ServerApp] Running as root is not recommended. Use --allow-root to bypass.',
    id: 'jupyter-root',
    facts: { program: 'jupyter', uid: 0 },
    cause: /allow_root/,
  },
  {
    name: 'git dubious ownership names the repository',
    text: "fatal: detected dubious ownership in repository at '/workspace/repo'\nTo add an exception for this directory, call:",
    id: 'git-dubious-ownership',
    facts: { program: 'git', path: '/workspace/repo' },
    cause: /CVE-2022-24765/,
  },
  { name: 'the nameless prompt', text: 'I have no name!@0f3c2a:/$', id: 'no-name', facts: {}, cause: /not in \/etc\/passwd/ },
  {
    name: "Docker's unknown user",
    text: 'docker: Error response from daemon: unable to find user bob: no matching entries in passwd file.',
    id: 'unknown-user',
    facts: { user: 'bob' },
    cause: /names bob/,
  },
  {
    name: 'the unknown user of buildah and podman',
    text: 'error: unknown user error looking up user "carol"',
    id: 'unknown-user',
    facts: { user: 'carol' },
    cause: /names carol/,
  },
  {
    name: 'GNU chown refused',
    text: "chown: changing ownership of '/data/file': Operation not permitted",
    id: 'chown-not-permitted',
    facts: { program: 'chown', path: '/data/file' },
    cause: /root_squash/,
  },
  {
    name: 'busybox chown refused',
    text: 'chown: /srv/x: Operation not permitted',
    id: 'chown-not-permitted',
    facts: { program: 'chown', path: '/srv/x' },
    cause: /CAP_CHOWN/,
  },
  {
    name: 'a read-only mount (not also Permission denied)',
    text: "touch: cannot touch '/config/new': Read-only file system",
    id: 'read-only-file-system',
    facts: { path: '/config/new', op: 'create' },
    cause: /\/config\/new is on a read-only mount/,
  },
  {
    name: 'rm in a sticky folder',
    text: "rm: cannot remove '/tmp/x': Operation not permitted",
    id: 'sticky-delete',
    facts: { program: 'rm', path: '/tmp/x', op: 'delete' },
    cause: /^rm may not delete \/tmp\/x: its folder \/tmp most likely has the sticky bit .* only by the owner of the entry, the owner of the folder, or a process with CAP_FOWNER/,
  },
  {
    name: 'mv in a sticky folder',
    text: "mv: cannot move '/tmp/a' to '/tmp/b': Operation not permitted",
    id: 'sticky-delete',
    facts: { program: 'mv', path: '/tmp/a', op: 'delete' },
    cause: /^mv may not move \(rename\) \/tmp\/a: /,
  },
  {
    name: 'Python [Errno 1] on a path in /tmp: the sticky rule, not chown',
    text: "PermissionError: [Errno 1] Operation not permitted: '/tmp/x'",
    id: 'sticky-delete',
    facts: { program: 'python', path: '/tmp/x', op: 'delete' },
    cause: /^python may not delete \/tmp\/x/,
  },
  {
    name: 'Python [Errno 1] after os.remove in a traceback',
    text: 'Traceback (most recent call last):\n  File "a.py", line 2, in <module>\n    os.remove(p)\nPermissionError: [Errno 1] Operation not permitted: \'/data/x\'',
    id: 'sticky-delete',
    facts: { program: 'python', path: '/data/x', op: 'delete' },
    cause: /^python may not delete \/data\/x: its folder \/data most likely has the sticky bit/,
  },
  {
    name: 'NVML',
    text: 'Failed to initialize NVML: Insufficient Permissions',
    id: 'nvml-insufficient-permissions',
    facts: { program: 'nvidia-smi', path: '/dev/nvidia*' },
    cause: /\/dev\/nvidiactl/,
  },
  {
    name: 'useradd with a taken uid',
    text: 'useradd: UID 1000 is not unique',
    id: 'uid-not-unique',
    facts: { program: 'useradd', uid: 1000 },
    cause: /id 1000/,
  },
  {
    name: 'apt as a non-root user (not also Permission denied)',
    text: 'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?',
    id: 'dpkg-lock',
    facts: { program: 'apt-get', path: '/var/lib/dpkg/lock-frontend' },
    cause: /only root may/,
  },
];

describe('explainError', () => {
  for (const c of cases) {
    test(`${c.name}: ${c.id}`, () => {
      const list = explainError(c.text);
      assert.deepEqual(list.map((e) => e.id), [c.id]);
      assert.deepEqual(list[0].facts, c.facts);
      assert.match(list[0].cause, c.cause);
      assert.ok(list[0].fixes.length > 0);
    });
  }

  test('every pattern has a case above', () => {
    assert.deepEqual([...new Set(cases.map((c) => c.id))].sort(), [...PATTERN_IDS].sort());
  });

  test('a command sudo refuses: the fix is a sudoers.d file of mode 0440, as for the other sudo refusals', () => {
    const [e] = explainError("Sorry, user alice is not allowed to execute '/usr/bin/id -u' as root on buildkitsandbox.");
    assert.equal(e.fixes[0].snippet, "RUN echo 'alice ALL=(root) NOPASSWD: /usr/bin/COMMAND' > /etc/sudoers.d/alice && chmod 0440 /etc/sudoers.d/alice");
  });

  test('text that matches nothing gives no explanation', () => {
    assert.deepEqual(explainError('Segmentation fault (core dumped)'), []);
  });

  test('the matched line is the one with the message', () => {
    const [e] = explainError('$ make\nbuilding...\nsh: 1: sudo: not found\nmake: *** Error 127');
    assert.equal(e.matched, 'sh: 1: sudo: not found');
  });
});

const DOCKERFILE = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\nWORKDIR /workspace\n';
const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };

function analysis(runText: string) {
  const run = parseDockerRun(runText, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } });
  const host = [{ path: '/home/me/proj/data', exists: true, from: 'facts-file' as const, meta: { kind: 'dir' as const, uid: 1001, gid: 1001, mode: 0o755 } }];

  return analyze({ file: 'Dockerfile', text: DOCKERFILE, run, host, profile: 'dev' });
}

describe('tailor', () => {
  test('Permission denied on a bind mount: the verdict, the owner, the mount and the UID201 fixes', () => {
    const a = analysis('docker run -v $PWD/data:/workspace/data img');
    const [e] = explainError("touch: cannot touch '/workspace/data/x': Permission denied").map((x) => tailor(x, a));

    assert.equal(e.details[0], 'the container runs as uid=1000(app) gid=1000(app) groups=1000(app)');
    assert.match(e.details[1], /^the model: create \/workspace\/data\/x is refused \(EACCES\) - .*drwxr-xr-x 1001:1001/);
    assert.ok(e.details.includes('/workspace/data belongs to 1001:1001 mode 0755 in the model'));
    assert.ok(e.details.includes('/workspace/data/x is on the bind mount /workspace/data from /home/me/proj/data (-v $PWD/data:/workspace/data)'));
    assert.ok(e.details.some((d) => d.startsWith('UID201 (Dockerfile:3): app (uid 1000) cannot write to /workspace/data')));
    assert.ok(e.fixes.some((f) => f.snippet === 'sudo chown -R 1000:1000 /home/me/proj/data'));
  });

  test('ls on a read-only data set the user may not list: UID205 quoted, its fixes first', () => {
    const run = parseDockerRun('docker run -v /srv/ds:/datasets:ro img', { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } });
    const host = [{ path: '/srv/ds', exists: true, from: 'facts-file' as const, meta: { kind: 'dir' as const, uid: 0, gid: 0, mode: 0o700 } }];
    const a = analyze({ file: 'Dockerfile', text: DOCKERFILE, run, host, profile: 'dev' });
    const [e] = explainError("ls: cannot open directory '/datasets': Permission denied").map((x) => tailor(x, a));

    assert.equal(e.id, 'read-permission-denied');
    assert.equal(e.contradiction, undefined);
    assert.ok(e.details.includes('UID205 (Dockerfile:3): app (uid 1000) cannot read /datasets (-v /srv/ds:/datasets:ro): it belongs to 0:0 with mode 0700 on the host - Permission denied.'));
    assert.deepEqual(e.fixes.map((f) => f.snippet), ['sudo chmod -R a+rX /srv/ds', 'sudo setfacl -R -m u:1000:rX -m d:u:1000:rX /srv/ds']);
  });

  test('a path the model allows says so and points to verify', () => {
    const a = analysis('docker run --user 1001:1001 -v $PWD/data:/workspace/data img');
    const [e] = explainError("PermissionError: [Errno 13] Permission denied: '/workspace/data/x'").map((x) => tailor(x, a));

    assert.match(e.details[1], /^the model: create \/workspace\/data\/x is allowed/);
    // Said apart from the details (text: a "differs" line), as every contradiction is.
    assert.equal(e.contradiction, 'the model predicts this works with the given flags: the container may run with other flags, or the model misses something (try uidctl verify)');
  });

  // The pattern's cause is general ("started with --user UID that the image never created"); a
  // model that has the opposite must say so, not leave the cause standing.
  describe('a symptom the analysed image and run contradict', () => {
    const explained = (text: string, run: string) => explainError(text).map((x) => tailor(x, analysis(run)))[0];

    test('"I have no name!" while the user has a passwd entry', () => {
      assert.equal(explained('I have no name!', 'docker run img').contradiction,
        'in the model uid 1000 has an /etc/passwd entry (app), so the prompt would show that name, not "I have no name!": the container that printed this runs as another uid (a --user, user: or runAsUser this run does not give), or its /etc/passwd is not the image\'s (a file mounted over it, another image)');
    });

    test('"I have no name!" for a uid with no entry: consistent, nothing said', () => {
      assert.equal(explained('I have no name!', 'docker run --user 4000 img').contradiction, undefined);
    });

    test('Read-only file system on a read-write mount', () => {
      assert.equal(explained("OSError: [Errno 30] Read-only file system: '/workspace/data/x'", 'docker run --user 1001 -v $PWD/data:/workspace/data img').contradiction,
        'the model has no read-only file system here: /workspace/data/x is on the read-write bind mount /workspace/data (-v $PWD/data:/workspace/data), and it predicts the write works. The container that printed this was started otherwise (a :ro mount, --read-only, readOnlyRootFilesystem: true), or the host file system under the mount is itself read-only (a read-only NFS export, a remount)');
    });

    test('Read-only file system in the image with no --read-only', () => {
      assert.match(explained("OSError: [Errno 30] Read-only file system: '/etc/x'", 'docker run img').contradiction ?? '',
        /^the model has no read-only file system here: \/etc\/x is in the image and the root file system is writable \(no --read-only\), and it predicts EACCES, not EROFS\./);
    });

    test('Read-only file system on a :ro mount: consistent, nothing said', () => {
      assert.equal(explained("OSError: [Errno 30] Read-only file system: '/workspace/data/x'", 'docker run --user 1001 -v $PWD/data:/workspace/data:ro img').contradiction, undefined);
    });

    test('a :ro mount the process cannot even enter: the kernel says EACCES first', () => {
      const a = analyze({ file: 'Dockerfile', text: DOCKERFILE, run: parseDockerRun('docker run -v /srv/private:/workspace/data:ro img', { invoker }), host: [{ path: '/srv/private', exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 3000, gid: 3000, mode: 0o700 } }], profile: 'dev' });
      const [e] = explainError("OSError: [Errno 30] Read-only file system: '/workspace/data/x'").map((x) => tailor(x, a));
      assert.match(e.contradiction ?? '', /^\/workspace\/data\/x is on a read-only file system in the model too \(-v \/srv\/private:\/workspace\/data:ro\), but this process is refused before that \(EACCES\)/);
    });
  });

  test('a path under an image VOLUME is on that anonymous volume, with the UID201 fix', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM python:3.12-slim\nRUN useradd -m -u 1000 app\nVOLUME /data\nUSER app\n' });
    const [e] = explainError("PermissionError: [Errno 13] Permission denied: '/data/model.pt'").map((x) => tailor(x, a));

    assert.ok(e.details.includes('/data/model.pt is on the anonymous volume at /data (VOLUME /data)'), e.details.join('\n'));
    assert.ok(e.details.some((d) => d.startsWith('UID201 (Dockerfile:3): app (uid 1000) cannot write to /data (VOLUME /data)')));
  });

  test('sudo not found: the model confirms sudo is not installed, fixes name the user', () => {
    const a = analysis('docker run img');
    const [e] = explainError('bash: sudo: command not found').map((x) => tailor(x, a));

    assert.ok(e.details.includes('sudo: not installed in the image'));
    assert.ok(e.fixes.some((f) => /USER app$/.test(f.snippet ?? '')));
  });
});

describe('uidctl explain', () => {
  test('prints the explanation and exits 0', async () => {
    const io = memoryIo();
    assert.equal(await explainMain(["touch: cannot touch '/data/x': Permission denied"], io), 0);
    assert.match(io.stdout, /^Permission denied \(EACCES\) \[permission-denied\]\n  matched  touch: cannot touch '\/data\/x': Permission denied\n  path     \/data\/x\n/);
  });

  test('where the model says the action works, a chown to the owner the path already has is not offered', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m -u 1000 app && mkdir -p /srv/cache/sub && chown -R app:app /srv/cache\nUSER app\n' });
    const [e] = explainError("touch: cannot touch '/srv/cache/sub/x': Permission denied").map((x) => tailor(x, a));
    assert.match(e.contradiction ?? '', /^the model predicts this works/);
    assert.deepEqual(e.fixes.map((f) => f.snippet), ['--user "$(id -u):$(id -g)"']);
  });

  test('an empty error text is a usage error (exit 2), not "no known pattern"', async () => {
    const { main } = await import('../../src/cli/main.js');
    for (const text of ['', '   ']) {
      const io = memoryIo();
      assert.equal(await main(['explain', text], io), 2);
      assert.equal(io.stderr, 'uidctl explain: the error text is empty: give the line the program printed (quoted)\n');
    }
  });

  test('a contradiction is its own line of the text, after the model', () => {
    const [e] = explainError('I have no name!').map((x) => tailor(x, analysis('docker run img')));
    const lines = renderExplanations([e]).split('\n');
    const at = lines.findIndex((l) => l.startsWith('  differs  in the model uid 1000 has an /etc/passwd entry (app)'));

    assert.ok(at > 0, lines.join('\n'));
    assert.match(lines[at - 1], /^  model    the container runs as uid=1000\(app\)/);
  });

  test('unknown text: exit 0 with a hint', async () => {
    const io = memoryIo();
    assert.equal(await explainMain(['it broke'], io), 0);
    assert.match(io.stdout, /^uidctl explain: no known pattern in this text\./);
  });

  test('--format json lists the explanations', async () => {
    const io = memoryIo();
    assert.equal(await explainMain(['useradd: UID 1000 is not unique', '--format', 'json'], io), 0);
    const doc = JSON.parse(io.stdout);
    assert.deepEqual([doc.recognised, doc.explanations[0].id, doc.explanations[0].facts.uid], [true, 'uid-not-unique', 1000]);
  });
});

describe('explain and verify read the build context as check does', () => {
  const tempDir = tempDirs('uidctl-explain-');
  const files = {
    Dockerfile: 'FROM debian:bookworm\nRUN useradd -m -u 1000 app && mkdir /out\nCOPY run.sh /app/run.sh\nCOPY secret.txt /app/secret.txt\nUSER app\nCMD ["/app/run.sh"]\n',
    'run.sh': '#!/bin/sh\necho hi\n',
    'secret.txt': 's\n',
  };
  const project = () => {
    const dir = tempDir(files);
    chmodSync(join(dir, 'run.sh'), 0o700);
    chmodSync(join(dir, 'secret.txt'), 0o600);
    return dir;
  };
  const explainJson = async (dir: string, args: string[]) => {
    const io = memoryIo({ HOME: '/home/ci' }, dir);
    assert.equal(await explainMain([...args, '--format', 'json'], io), 0, io.stderr);
    return JSON.parse(io.stdout).explanations[0];
  };

  test('analyzeFile (explain, verify) gives a COPY source its mode in the context', () => {
    const dir = project();
    const a = analyzeFile('Dockerfile', memoryIo({ HOME: '/home/ci' }, dir), { host: [], engine: 'docker' });
    assert.deepEqual([a.image.fs.get('/app/run.sh')?.mode, a.image.fs.get('/app/secret.txt')?.mode], [0o700, 0o600]);
    assert.deepEqual([a.check('/app/run.sh', 'exec').errno, a.check('/app/secret.txt', 'read').errno], ['EACCES', 'EACCES']);
  });

  test('--no-context takes COPY sources as 0644 files again', () => {
    const dir = project();
    const a = analyzeFile('Dockerfile', memoryIo({ HOME: '/home/ci' }, dir), { host: [], engine: 'docker', noContext: true });
    assert.deepEqual([a.image.fs.get('/app/secret.txt')?.mode, a.check('/app/secret.txt', 'read').allowed], [0o644, true]);
  });

  test("bash's Permission denied on a script of mode 0700: an exec failure of that file, with UID106", async () => {
    const e = await explainJson(project(), ['bash: /app/run.sh: Permission denied', '--dockerfile', 'Dockerfile']);
    assert.equal(e.id, 'exec-permission-denied');
    assert.deepEqual(e.facts, { program: 'bash', path: '/app/run.sh', op: 'exec' });
    assert.deepEqual(e.details.slice(0, 5), [
      'the container runs as uid=1000(app) gid=1000(app) groups=1000(app)',
      'the model: exec /app/run.sh is refused (EACCES) - /app/run.sh is -rwx------ 0:0; uid 1000 (app) falls in the other class (---), which does not allow search/execute',
      'the model: read /app/run.sh is refused (EACCES) - /app/run.sh is -rwx------ 0:0; uid 1000 (app) falls in the other class (---), which does not allow read',
      'the model: write /app/run.sh is refused (EACCES) - /app/run.sh is -rwx------ 0:0; uid 1000 (app) falls in the other class (---), which does not allow write',
      '/app/run.sh belongs to 0:0 mode 0700 in the model',
    ]);
    assert.ok(e.details.includes('UID106 (Dockerfile:6): The container will not start: app (uid 1000) cannot execute /app/run.sh (exec /app/run.sh: permission denied).'));
    assert.ok(!e.fixes.some((f: { description: string }) => /owner of the folder/.test(f.description)));
  });

  test('cat on a file of mode 0600: a read of that file, not a create in its folder', async () => {
    const e = await explainJson(project(), ['cat: /app/secret.txt: Permission denied', '--dockerfile', 'Dockerfile']);
    assert.equal(e.id, 'read-permission-denied');
    assert.deepEqual(e.details.slice(1, 3), [
      'the model: read /app/secret.txt is refused (EACCES) - /app/secret.txt is -rw------- 0:0; uid 1000 (app) falls in the other class (---), which does not allow read',
      '/app/secret.txt belongs to 0:0 mode 0600 in the model',
    ]);
    // UID106 is about /app/run.sh, not this file.
    assert.ok(!e.details.some((d: string) => d.startsWith('UID106')));
    assert.deepEqual(e.fixes.map((f: { snippet: string }) => f.snippet), ['COPY --chown=1000:1000 secret.txt /app/secret.txt', 'RUN chmod a+r /app/secret.txt']);
  });

  test('exec ... no such file or directory for a CRLF script: UID106 is quoted, and the model does not claim it works', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["bash"]\n', 'entrypoint.sh': '#!/bin/sh\r\nset -e\r\nexec "$@"\r\n' });
    chmodSync(join(dir, 'entrypoint.sh'), 0o755);
    const e = await explainJson(dir, ['exec /entrypoint.sh: no such file or directory', '--dockerfile', 'Dockerfile']);
    assert.equal(e.id, 'exec-not-found-crlf');
    assert.equal(e.contradiction, undefined);
    assert.deepEqual(e.details.slice(-2), [
      'the permissions allow exec /entrypoint.sh; the failure is the one predicted below, not a permission refusal',
      'UID106 (Dockerfile:3): The container will not start: exec /entrypoint.sh: no such file or directory.',
    ]);
    assert.deepEqual(e.fixes.map((f: { snippet?: string }) => f.snippet), ["RUN sed -i 's/\\r$//' /entrypoint.sh"]);
  });

  test('exec ... no such file or directory for a script the model starts: the contradiction stays', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n', 'entrypoint.sh': '#!/bin/sh\nexec "$@"\n' });
    chmodSync(join(dir, 'entrypoint.sh'), 0o755);
    const e = await explainJson(dir, ['exec /entrypoint.sh: no such file or directory', '--dockerfile', 'Dockerfile']);
    assert.equal(e.contradiction, 'the model predicts this works with the given flags: the container may run with other flags, or the model misses something (try uidctl verify)');
    assert.ok(!e.details.some((d: string) => d.startsWith('UID106') || d.startsWith('the permissions allow')));
  });

  test("bash's words on a redirection the model refuses: judged as the create it is", async () => {
    const e = await explainJson(project(), ['bash: /out/log.txt: Permission denied', '--dockerfile', 'Dockerfile']);
    assert.deepEqual([e.id, e.facts], ['permission-denied', { program: 'bash', path: '/out/log.txt', op: 'create' }]);
    assert.match(e.details[1], /^the model: create \/out\/log\.txt is refused \(EACCES\)/);
  });
});

describe('explain fixes aimed at what the model blames', () => {
  const analyzeText = (text: string, runText?: string) => {
    const run = runText === undefined ? undefined : parseDockerRun(runText, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } });
    const host = [{ path: '/home/me/proj/data', exists: true, from: 'facts-file' as const, meta: { kind: 'dir' as const, uid: 1000, gid: 1000, mode: 0o755 } }];
    return analyze({ file: 'Dockerfile', text, run, host, profile: 'dev' });
  };
  const PRIV = 'FROM debian:bookworm\nRUN useradd -u 1000 app && mkdir -p /app/priv && echo x > /app/priv/ok.sh && chmod 755 /app/priv/ok.sh && chmod 700 /app/priv\nWORKDIR /app\nUSER app\n';

  test("python3 can't open file [Errno 13]: the fixes make the script readable", () => {
    const [e] = explainError("python3: can't open file '/app/train.py': [Errno 13] Permission denied");
    assert.deepEqual(e.fixes.map((f) => f.snippet), ['COPY --chmod=0644 train.py /app/train.py', 'COPY --chown=1000:1000 train.py /app/train.py', 'RUN chmod a+r /app/train.py']);
    assert.deepEqual(explainError("python3: can't open file '/app/train.py': [Errno 2] No such file or directory")[0].fixes.map((f) => f.snippet), ['COPY --chmod=0644 train.py /app/train.py', 'WORKDIR /app']);
  });

  test('a folder above the file without search permission: the fixes target the folder, not the file', () => {
    const a = analyzeText(PRIV);
    for (const text of ['/usr/bin/bash: line 1: /app/priv/ok.sh: Permission denied', "python3: can't open file '/app/priv/ok.sh': [Errno 13] Permission denied"]) {
      const e = tailor(explainError(text)[0], a);
      assert.ok(e.details.includes('the blocking path is the folder /app/priv above /app/priv/ok.sh: the process may not search it, so no mode of /app/priv/ok.sh itself helps'), e.details.join('\n'));
      assert.deepEqual(e.fixes.map((f) => f.snippet), ['RUN chmod o+x /app/priv', 'RUN chmod 755 /app/priv', 'RUN chown 1000:1000 /app/priv']);
    }
  });

  test('Read-only file system under -v HOST:/data:ro: the fix names the mount as written, not the file', () => {
    const a = analyzeText(DOCKERFILE, 'docker run -v $PWD/data:/data:ro img');
    const e = tailor(explainError("touch: cannot touch '/data/z': Read-only file system")[0], a);
    assert.deepEqual(e.fixes.map((f) => [f.description, f.snippet]), [
      ['Mount /data read-write if writing is intended (now -v $PWD/data:/data:ro).', '-v /home/me/proj/data:/data'],
    ]);
  });

  test('a relative path is taken from the working folder (WORKDIR, then -w) and judged', () => {
    const e = tailor(explainError("touch: cannot touch 'log.txt': Permission denied")[0], analyzeText(DOCKERFILE));
    assert.equal(e.facts.path, '/workspace/log.txt');
    assert.deepEqual(e.details.slice(1, 3), [
      'log.txt is relative: taken from the working folder /workspace as /workspace/log.txt',
      'the model: create /workspace/log.txt is allowed - creating /workspace/log.txt needs write and search on /workspace: /workspace is drwxr-xr-x 1000:1000; uid 1000 (app) falls in the owner class (rwx), which allows write+search/execute',
    ]);
    const w = tailor(explainError("touch: cannot touch 'log.txt': Permission denied")[0], analyzeText(DOCKERFILE, 'docker run -w /tmp img'));
    assert.deepEqual(w.details.slice(1, 3), [
      'log.txt is relative: taken from the working folder /tmp as /tmp/log.txt',
      'the model: create /tmp/log.txt is allowed - creating /tmp/log.txt needs write and search on /tmp: /tmp is drwxrwxrwt 0:0; uid 1000 (app) falls in the other class (rwx), which allows write+search/execute',
    ]);
  });
});

describe('the fixes never give a system folder away', () => {
  test('a refused file in /etc: no chown of /etc is offered', () => {
    const [e] = explainError("touch: cannot touch '/etc/x': Permission denied");
    assert.deepEqual(e.fixes.map((f) => f.snippet), ['--user "$(id -u):$(id -g)"']);
  });
  test('HOME is /: the fix is a HOME, not a chown of /', () => {
    const [e] = explainError("PermissionError: [Errno 13] Permission denied: '/.local'");
    assert.deepEqual(e.fixes.map((f) => f.snippet), ['-e HOME=/tmp', 'RUN useradd -m -u 1000 app\nUSER 1000']);
  });
});

describe('tailor: HOME is not / in the model', () => {
  test('a dot folder under / is then not blamed on HOME=/', async () => {
    const { analyze } = await import('../../src/analyze.js');
    const { parseDockerRun } = await import('../../src/runtime/docker.js');
    const run = parseDockerRun('docker run --user 1001:1001 -e HOME=/workspace img', { invoker: { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' } });
    const a = analyze({ file: 'Dockerfile', text: 'FROM python:3.11-slim\nWORKDIR /workspace\n', run });
    const [e] = explainError("PermissionError: [Errno 13] Permission denied: '/.cache/huggingface'").map((x) => tailor(x, a));
    assert.match(e.cause, /^\/\.cache is a dot folder right under \/, but HOME is \/workspace here: the program did not use HOME\./);
  });
});

describe('a read-only file system, explained without a Dockerfile', () => {
  test('the mount and tmpfs fixes name the folder the file is made in, not the file', () => {
    const [e] = explainError("OSError: [Errno 30] Read-only file system: '/data/out.csv'");
    assert.equal(e.id, 'read-only-file-system');
    assert.deepEqual(e.fixes.map((f) => f.snippet), ['-v HOST:/data (without :ro)', '--tmpfs /data']);
  });

  test('a folder named in the error is mounted itself, not the folder above it that holds the application', () => {
    const [e] = explainError("OSError: [Errno 30] Read-only file system: '/app/logs'");
    assert.deepEqual(e.fixes.map((f) => f.snippet), ['-v HOST:/app/logs (without :ro)', '--tmpfs /app/logs']);
    assert.equal(e.fixes[1].description, "With --read-only, give /app/logs a tmpfs or volume. (/app/logs itself, not /app: a mount over a folder hides the files the image has there, such as the application's code).");
  });
});

describe('a read-only file system, explained with the Dockerfile', () => {
  const PY = 'FROM python:3.11-slim\nWORKDIR /app\nRUN echo 1 > /app/app.py\nCMD ["python","app.py"]\n';
  const ro = (text: string) => tailor(explainError(text)[0], analyze({ file: 'Dockerfile', text: PY, run: parseDockerRun('docker run --read-only img', { invoker, env: {} }) }));

  test('/app/logs, missing from an /app that holds the code: the mount goes on /app/logs', () => {
    const e = ro("OSError: [Errno 30] Read-only file system: '/app/logs'");
    assert.deepEqual(e.fixes.map((f) => [f.description, f.snippet]), [
      ['Mount /app/logs read-write if writing is intended. (/app/logs itself, not /app, which holds files of the image that a mount would hide.)', '-v HOST:/app/logs (without :ro)'],
      ['With --read-only, give /app/logs a tmpfs or volume. (/app/logs itself, not /app, which holds files of the image that a mount would hide.)', '--tmpfs /app/logs'],
    ]);
  });

  test('a file in /app: a new subfolder, never /app itself', () => {
    const e = ro("OSError: [Errno 30] Read-only file system: '/app/out.txt'");
    assert.deepEqual(e.fixes.map((f) => f.snippet), ['-v HOST:/app/out (without :ro)', '--tmpfs /app/out']);
    assert.match(e.fixes[0].description, /\(\/app holds files of the image, which a mount there would hide: mount a new subfolder, \/app\/out, and write out\.txt there\.\)$/);
  });

  test('a file in /tmp, which holds nothing of the image: /tmp', () => {
    assert.deepEqual(ro("OSError: [Errno 30] Read-only file system: '/tmp/x.log'").fixes.map((f) => f.snippet), ['-v HOST:/tmp (without :ro)', '--tmpfs /tmp']);
  });
});

describe('sticky-delete, explained with the Dockerfile', () => {
  const DF = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app && touch /tmp/x && mkdir -m 0777 /scratch && touch /scratch/y\nUSER app\n';
  const told = (text: string) => tailor(explainError(text)[0], analyze({ file: 'Dockerfile', text: DF }));

  test('a root file in the sticky /tmp: the model refuses it, says the folder is sticky, fixes for app', () => {
    const e = told("rm: cannot remove '/tmp/x': Operation not permitted");
    assert.ok(e.details.includes('the model: delete /tmp/x is refused (EPERM) - /tmp has the sticky bit and uid 1000 (app) owns neither /tmp/x nor /tmp'), e.details.join('\n'));
    assert.ok(e.details.includes('/tmp is sticky in the image (0:0 mode 01777); /tmp/x belongs to 0:0: only the owner of the entry, the owner of /tmp (uid 0) or CAP_FOWNER may delete or rename in it'), e.details.join('\n'));
    assert.equal(e.contradiction, undefined);
    assert.deepEqual(e.fixes.map((f) => f.snippet), ['RUN chown 1000:1000 /tmp/x', 'RUN install -d -o 1000 -g 1000 /tmp/app\nENV TMPDIR=/tmp/app', 'RUN ... && rm -f /tmp/x']);
  });

  test('a folder without the sticky bit: said, and the model predicts the delete works', () => {
    const e = told("rm: cannot remove '/scratch/y': Operation not permitted");
    assert.ok(e.details.includes('/scratch has no sticky bit in the image (0:0 mode 0777): the sticky rule does not apply there, so the refusal comes from elsewhere (an immutable or append-only file, another folder than the model\'s)'), e.details.join('\n'));
    assert.match(e.contradiction ?? '', /^the model predicts this works/);
  });
});

describe('python-script-missing under a mount that hides the script', () => {
  test('the UID106 finding names the tmpfs, and its fix (a subfolder) replaces "copy the script"', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM python:3.11-slim\nWORKDIR /app\nRUN echo 1 > /app/app.py\nCMD ["python","app.py"]\n', run: parseDockerRun('docker run --tmpfs /app img', { invoker, env: {} }) });
    const e = tailor(explainError("python: can't open file '/app/app.py': [Errno 2] No such file or directory")[0], a);
    assert.ok(e.details.includes("UID106 (Dockerfile:4): The container will not start: the tmpfs --tmpfs /app hides /app/app.py, the script python is given (python: can't open file '/app/app.py': [Errno 2] No such file or directory (exit 2))."), e.details.join('\n'));
    assert.deepEqual(e.fixes.map((f) => f.snippet), ['--tmpfs /app/out']);
  });
});

// A shared temp folder is never given to one user: a chown of /tmp leaves a root file's write
// refused and lets that user delete everyone's files there (measured with buildah).
describe('a path in a shared temp folder', () => {
  const tailored = (text: string, dockerfile: string) => tailor(explainError(text)[0], analyze({ file: 'Dockerfile', text: dockerfile }));

  test('a root file in /tmp: the file is given to the user, /tmp never', () => {
    const e = tailored("touch: cannot touch '/tmp/x': Permission denied", 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nRUN touch /tmp/x\nUSER app\n');

    assert.ok(e.details.includes('/tmp/x exists and belongs to 0:0 mode 0644: its own owner and mode refuse the write, whoever owns /tmp'));
    assert.deepEqual(e.fixes.map((f) => f.snippet), ['RUN chown 1000:1000 /tmp/x', 'RUN install -d -o 1000 -g 1000 /tmp/app\nENV TMPDIR=/tmp/app', 'f="$(mktemp)"']);
  });

  test('/tmp that lost its mode: chmod 1777, no chown, no mktemp', () => {
    const e = tailored("mkdir: cannot create directory '/tmp/foo': Permission denied", 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nRUN chmod 0755 /tmp\nUSER app\n');

    assert.deepEqual(e.fixes.map((f) => f.snippet), ['RUN chmod 1777 /tmp', 'RUN install -d -o 1000 -g 1000 /tmp/app\nENV TMPDIR=/tmp/app']);
    assert.match(e.fixes[0].description, /^Give \/tmp back the mode every user shares \(0755 now\): 1777/);
  });

  test('a root file in another folder: the file, not its folder', () => {
    const e = tailored("touch: cannot touch '/srv/conf.txt': Permission denied", 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nRUN mkdir /srv/x && touch /srv/conf.txt\nUSER app\n');

    assert.deepEqual(e.fixes.map((f) => f.snippet), ['RUN chown 1000:1000 /srv/conf.txt', 'RUN chmod g+w /srv/conf.txt']);
  });

  test('no Dockerfile: /tmp, /var/tmp and /dev/shm get the file and own-path advice, no folder chown', () => {
    for (const dir of ['/tmp', '/var/tmp', '/dev/shm']) {
      const [e] = explainError(`touch: cannot touch '${dir}/x': Permission denied`);
      assert.deepEqual(e.fixes.map((f) => f.snippet), [`RUN chown 1000:1000 ${dir}/x`, `RUN install -d -o 1000 -g 1000 ${dir}/app\nENV TMPDIR=${dir}/app`, 'f="$(mktemp)"']);
    }
    // A subfolder of /tmp is an ordinary folder.
    assert.ok(explainError("touch: cannot touch '/tmp/build/x': Permission denied")[0].fixes.some((f) => f.snippet === 'RUN mkdir -p /tmp/build && chown 1000:1000 /tmp/build'));
  });
});
