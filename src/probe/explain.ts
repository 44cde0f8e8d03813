// `uidctl explain`: a table of the error messages that permission problems in containers
// produce, each with what it means and how to fix it. The text is matched as printed by the
// tool that wrote it (coreutils, busybox, dash, bash, Python, pip, sudo, git, Docker, apt).
// With an analysis of the Dockerfile and run command, the answer names the exact uid, owner,
// mount and flags.

import type { Fix, Finding, Op, Verdict } from '../model/types.js';
import type { AnalysisView } from '../rules/rule.js';
import { hasDescendants, isUnder, normalizePath, octal } from '../image/fs.js';
import { imageVolumeMounts } from '../runtime/resolve.js';
import { sudoersStep } from '../rules/util.js';

/** What the message said, pulled out of it. */
export interface ExplainFacts {
  path?: string;
  user?: string;
  uid?: number;
  /** The program that printed the message (touch, mkdir, pip, git...). */
  program?: string;
  /** What the program was doing to the path, as far as the message tells. */
  op?: Op;
  /**
   * Other operations the words fit: bash and zsh print `bash: FILE: Permission denied` alike
   * for running FILE, reading it (`bash FILE`, `< FILE`) and writing it (`> FILE`). With an
   * analysis, tailor() judges the first of op and these that the model refuses.
   */
  alsoOps?: Op[];
  /**
   * Read-only file system: the folder a writable mount should go on, from the model of the
   * image (tailor), with why it is that one.
   */
  writeDir?: { dir: string; why?: string };
}

export interface Explanation {
  /** Stable kebab id of the pattern: 'permission-denied', 'pip-oserror', ... */
  id: string;
  title: string;
  /** The line of the input that matched. */
  matched: string;
  facts: ExplainFacts;
  cause: string;
  fixes: Fix[];
  /** The rules of `uidctl check` that predict this failure. */
  ruleIds: string[];
  /** Filled by tailor(): what the model of the Dockerfile and run says about it. */
  details: string[];
  /**
   * Filled by tailor() when the analysed image and run do not produce this error: the message
   * then came from a container started otherwise (other flags, another image) or from what the
   * model misses, and the pattern's general cause is not this run's.
   */
  contradiction?: string;
}

interface Pattern {
  id: string;
  title: string;
  /** The first matching regex wins; its groups feed facts(). */
  match: RegExp[];
  facts(m: RegExpExecArray, text: string): ExplainFacts;
  cause(f: ExplainFacts): string;
  /** Fixes; `who` is the container's identity when an analysis knows it. */
  fixes(f: ExplainFacts, who: Who): Fix[];
  ruleIds: string[];
  /** Ids of more general patterns this one makes redundant when both match. */
  hides?: string[];
}

/** The run-time identity fixes are written for: a typical first user until an analysis says. */
interface Who {
  uid: number;
  gid: number;
  user: string;
}

const TYPICAL: Who = { uid: 1000, gid: 1000, user: 'app' };

const fix = (description: string, snippet?: string): Fix => ({ description, snippet, safe: false });

/** The first quoted path in a message ('…', "…", ‘…’), or a bare absolute path. */
function quotedPath(text: string): string | undefined {
  const q = /['"‘`]((?:\/|\.{1,2}\/|~\/)[^'"’`\n]*)['"’`]/.exec(text);
  if (q) return q[1];
  const bare = /(?:^|\s)(\/[^\s:'"]+)/.exec(text);

  return bare?.[1];
}

const PATTERNS: Pattern[] = [
  {
    id: 'pip-oserror',
    title: 'pip cannot write where it installs',
    match: [/Could not install packages due to an (?:OSError|EnvironmentError)[^\n]*/],
    facts: (_m, text) => {
      const errno = /\[Errno (\d+)\][^'\n]*'([^'\n]+)'/.exec(text);

      return { program: 'pip', op: 'create', path: errno?.[2] };
    },
    cause: (f) =>
      `pip installs into the Python's site-packages${f.path ? ` (here ${f.path})` : ''}, which belongs to root when ` +
      'the image installed Python as root; the container user may not write there.',
    fixes: (_f, w) => [
      fix('Install into your user site instead (needs a writable HOME).', 'pip install --user PACKAGE'),
      fix('Or install at build time, as root, before USER.', `USER root\nRUN pip install --no-cache-dir PACKAGE\nUSER ${w.user}`),
      fix('Or use a virtual environment the user owns.', 'python3 -m venv ~/venv && ~/venv/bin/pip install PACKAGE'),
    ],
    ruleIds: ['UID301'],
    hides: ['permission-denied'],
  },
  {
    id: 'externally-managed',
    title: 'the system Python refuses pip (PEP 668)',
    match: [/error: externally-managed-environment/],
    facts: () => ({ program: 'pip' }),
    cause: () =>
      "The distribution marks its Python as managed by apt (an EXTERNALLY-MANAGED file next to the standard library, " +
      'Debian 12 and Ubuntu 23.04 on); pip refuses to install into it, even as root and even with --user.',
    fixes: () => [
      fix('Use a virtual environment.', 'RUN python3 -m venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH'),
      fix("Or install the distribution's package.", 'RUN apt-get update && apt-get install -y python3-PACKAGE'),
      fix('Or, in a throwaway image, override the marker.', 'RUN pip install --break-system-packages PACKAGE'),
    ],
    ruleIds: ['UID303'],
  },
  {
    id: 'sudo-not-found',
    title: 'sudo is not installed',
    match: [/\bsudo: command not found/, /(?:^|\s)(?:\S+: )?\d+: sudo: not found/, /\bsudo: not found/],
    facts: () => ({ program: 'sudo' }),
    cause: () => 'The image has no sudo: official base images leave it out, and a non-root user then has no way to become root.',
    fixes: (_f, w) => [
      fix('Do the root work at build time, before USER.', `USER root\nRUN apt-get update && apt-get install -y --no-install-recommends PACKAGE\nUSER ${w.user}`),
      fix('Or open a root shell in the running container.', 'docker exec -u 0 -it CONTAINER bash'),
      fix(
        'Or install sudo and allow the user (gives root to anyone who gets the user).',
        `RUN apt-get update && apt-get install -y sudo && echo '${w.user} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/${w.user}`,
      ),
    ],
    ruleIds: ['UID401'],
  },
  {
    id: 'not-in-sudoers',
    title: 'the user may not use sudo',
    match: [/(\S+) is not in the sudoers file/],
    facts: (m) => ({ program: 'sudo', user: m[1] }),
    cause: (f) => `sudo is installed, but no sudoers rule names ${f.user ?? 'the user'} or one of its groups.`,
    fixes: (f, w) => {
      const u = f.user ?? w.user;

      return [
        fix('Allow the commands the user needs, at build time.', sudoersStep(u, '/usr/bin/apt-get')),
        fix('Or open a root shell instead.', 'docker exec -u 0 -it CONTAINER bash'),
      ];
    },
    ruleIds: ['UID402'],
  },
  {
    id: 'sudo-password',
    title: 'sudo asks for a password no one can type',
    match: [/sudo: a terminal is required to read the password/, /sudo: a password is required/, /sudo: no password was provided/],
    facts: () => ({ program: 'sudo' }),
    cause: () =>
      'The sudoers rule that applies asks for the user\'s password, and a build step or a container has no terminal ' +
      'to type it into (and the account often has no password at all). With -n sudo says "a password is required"; ' +
      'without it, "a terminal is required".',
    fixes: (_f, w) => [
      fix('Do the root work at build time, before USER.', `USER root\nRUN COMMAND\nUSER ${w.user}`),
      fix('Or allow that one command without a password.', sudoersStep(w.user, '/usr/bin/COMMAND')),
    ],
    ruleIds: ['UID402', 'UID601'],
  },
  {
    id: 'sudo-refused-command',
    title: 'sudo refuses this command to the user',
    match: [/Sorry, user (\S+) is not allowed to execute '([^']*)'/],
    facts: (m) => ({ program: 'sudo', user: m[1] }),
    cause: (f) =>
      `A sudoers rule names ${f.user ?? 'the user'}, but not for this command (or a later "!" entry takes it back): sudo ` +
      'matches the command\'s full path and arguments against the rule that applies last.',
    fixes: (f, w) => [
      fix('Allow exactly that command, or do the work at build time before USER.', sudoersStep(f.user ?? w.user, '/usr/bin/COMMAND')),
    ],
    ruleIds: ['UID402'],
  },
  {
    id: 'sudo-no-setgid',
    title: 'sudo cannot take root\'s groups (CAP_SETGID dropped)',
    match: [/sudo: unable to change to root gid: Operation not permitted/],
    facts: () => ({ program: 'sudo' }),
    cause: () =>
      'The container was started without CAP_SETGID in its bounding set (--cap-drop ALL or --cap-drop SETGID, Compose ' +
      'cap_drop, Kubernetes capabilities.drop), so setuid sudo cannot set root\'s groups and stops. That is the ' +
      'hardening working as meant.',
    fixes: (_f, w) => [
      fix('Do the root work at build time, before USER, and keep the capabilities dropped.', `USER root\nRUN COMMAND\nUSER ${w.user}`),
      fix('Or, if sudo is really needed at run time, keep CAP_SETGID (and CAP_SETUID) in the run.', '--cap-drop ALL --cap-add SETGID --cap-add SETUID'),
    ],
    ruleIds: ['UID402'],
  },
  {
    id: 'env-crlf',
    title: "env is given the interpreter's name with a carriage return: the #! line ends in CRLF",
    // coreutils env quotes the name: 'bash\r' (a backslash and an r), or the carriage return itself.
    match: [/(\S*\benv): '([^'\r\\]+)(?:\\r|\r)': No such file or directory/],
    // program: env, as the message names it; user-facing text names the interpreter it sought.
    facts: (m) => ({ program: `${m[1]} ${m[2]}` }),
    cause: (f) => {
      const [env, name] = (f.program ?? '/usr/bin/env bash').split(' ');
      return `A script starts with #!${env} ${name} and has Windows line endings (CRLF): the kernel runs ${env} ` +
        `fine, but the carriage return stays on its argument, so env looks for a program named "${name}\\r", ` +
        'which no image has (exit 127). The script itself is there.';
    },
    fixes: () => [
      fix('Strip Windows line endings when the image is built.', "RUN sed -i 's/\\r$//' /path/to/script.sh"),
      fix('And keep them out of the repository.', '*.sh text eol=lf   # in .gitattributes'),
    ],
    ruleIds: ['UID106'],
  },
  {
    id: 'exec-not-found-crlf',
    title: 'the start program is missing, or its #! line ends in a carriage return',
    match: [/exec ([^\s:]+): no such file or directory/],
    facts: (m) => ({ program: 'exec', path: m[1], op: 'exec' }),
    cause: (f) =>
      `The engine could not start ${f.path ?? 'the program'}: it is not in the image, or it is a script whose #! names ` +
      'an interpreter the image lacks, or whose lines end in CRLF (written on Windows), so the kernel looks for an ' +
      'interpreter named with a trailing carriage return.',
    fixes: (f) => [
      fix('Strip Windows line endings when the image is built.', `RUN sed -i 's/\\r$//' ${f.path ?? '/path/to/script.sh'}`),
      fix('Or make sure the file and its interpreter are in the image (COPY it; install bash for a #!/bin/bash script on Alpine).'),
    ],
    ruleIds: ['UID106'],
  },
  {
    id: 'exec-form-not-json',
    title: 'an ENTRYPOINT or CMD meant as exec form is not JSON, so a shell runs it',
    // dash `/bin/sh: 1: [python,: not found`, bash `/bin/bash: line 1: [python,: command not found`.
    match: [/^(\S+): (?:\d+: |line \d+: )(\[[^\s:]+): (?:command )?not found/m],
    facts: (m) => ({ program: m[1] }),
    cause: (f) =>
      `${f.program ?? 'The shell'} was asked to run a program whose name starts with [: an ENTRYPOINT or CMD written as ` +
      'an array that is not valid JSON (single quotes, no closing ], a comma after the last element) is kept as shell ' +
      'form, /bin/sh -c with the whole text, and the shell takes the bracket, the words and the commas as the name.',
    fixes: () => [fix('Write it as a JSON array: double quotes around every element, commas between them, closed with ].', 'CMD ["python", "app.py"]')],
    ruleIds: ['UID106'],
  },
  {
    id: 'start-program-folder',
    title: 'the start program is a folder',
    // runc `exec: "/app": is a directory`; crun `open executable: Operation not permitted`.
    match: [/exec: "(?<path>[^"]+)": is a directory/, /open executable: Operation not permitted/],
    facts: (m) => (m.groups?.path ? { program: 'exec', path: m.groups.path, op: 'exec' } : { program: 'exec', op: 'exec' }),
    cause: (f) =>
      `The first word of the start command (ENTRYPOINT, else CMD, or the command of the run) names ${f.path ?? 'a path'} that is ` +
      'a folder in the image, not a program: the runtime refuses to execute it.',
    fixes: (f) => [fix('Name the program inside the folder.', `ENTRYPOINT ["${f.path ?? '/app'}/PROGRAM"]`)],
    ruleIds: ['UID106'],
    // crun's "OCI permission denied" is no refused path.
    hides: ['permission-denied'],
  },
  {
    id: 'mount-kind-clash',
    title: 'a file mounted onto a folder, or a folder onto a file',
    match: [
      // runc (Docker adds the hint), and buildah run's own wording.
      /error mounting "[^"]*" to rootfs at "(?<path>[^"]+)"[^\n]*not a directory/,
      /bind mounting "[^"]*" from host to "(?<path>[^"]+)"[^\n]*: not a directory/,
      /Are you trying to mount a directory onto a file \(or vice-versa\)\?/,
    ],
    facts: (m) => (m.groups?.path ? { path: m.groups.path } : {}),
    cause: (f) =>
      `A bind mount lands only on a mount point of its own kind: ${f.path ?? 'the container path'} is a folder in the image and the ` +
      'host path a file, or the other way round, so mount(2) fails with ENOTDIR and the container does not start. Often the ' +
      'host file did not exist: Docker creates a missing -v source as a folder.',
    fixes: () => [
      fix('Create the host file before the first start (remove the folder Docker made of the missing source first).', 'rm -r ./config.yml && touch ./config.yml'),
      fix('Or mount a file inside the image\'s folder, under its own name.', '-v ./app.yml:/srv/conf/app.yml'),
    ],
    ruleIds: ['UID206'],
  },
  {
    id: 'duplicate-mount',
    title: 'two mounts on one container path',
    match: [
      /Duplicate mount points?: (?<path>\/[^\s,\]]*)?/,
      /(?<path>\/\S*): duplicate mount destination/,
      /mountPath: Invalid value: "(?<path>[^"]+)": must be unique/,
    ],
    facts: (m) => (m.groups?.path ? { path: m.groups.path.replace(/\.$/, '') } : {}),
    cause: (f) =>
      `Two mounts of the run name the same container path${f.path ? ` (${f.path})` : ''}: the engine takes one mount per path and ` +
      'refuses to create the container (under Kubernetes the API server rejects the pod).',
    fixes: () => [fix('Keep one of them, or give the second a container path of its own.', '-v ./b:/data-2')],
    ruleIds: ['UID206'],
  },
  {
    id: 'relative-workdir',
    title: 'the working directory is not an absolute path',
    match: [/the working directory '[^']*' is invalid, it needs to be an absolute path/, /workdir "[^"]+" does not exist on container/],
    facts: () => ({}),
    cause: () =>
      'The run gives a working directory the engine refuses before anything starts: a relative one (-w app, compose ' +
      'working_dir, a pod\'s workingDir), which Docker rejects and podman looks for as given and does not find, or under ' +
      'podman a -w folder the image does not have.',
    fixes: () => [
      fix('Give it as an absolute path (below the image\'s WORKDIR if that was meant).', '-w /srv/app'),
      fix('Or leave -w out, and the image\'s WORKDIR applies.'),
    ],
    ruleIds: ['UID107'],
  },
  {
    id: 'jupyter-root',
    title: 'Jupyter refuses to run as root',
    match: [/Running as root is not recommended\. Use --allow-root to bypass\./],
    facts: () => ({ program: 'jupyter', uid: 0 }),
    cause: () => 'Jupyter (notebook and jupyter_server) exits when started as uid 0 unless allow_root is set.',
    fixes: () => [
      fix('Run the container as a non-root user.', '--user "$(id -u):$(id -g)"'),
      fix('Or allow it explicitly.', 'CMD ["jupyter", "lab", "--allow-root", "--ip=0.0.0.0"]'),
    ],
    ruleIds: ['UID504'],
  },
  {
    id: 'git-dubious-ownership',
    title: 'git refuses a repository owned by another user',
    match: [/detected dubious ownership in repository at '([^'\n]+)'/],
    facts: (m) => ({ program: 'git', path: m[1] }),
    cause: (f) =>
      `Since 2.35.2 (CVE-2022-24765) git refuses a repository whose owner is not the current user${f.path ? `: ${f.path} ` : ' '}` +
      'typically comes from a bind mount owned by the host user while the container runs as another uid.',
    fixes: (f) => [
      fix('Run as the owner of the folder.', '--user "$(id -u):$(id -g)"'),
      fix('Or trust this one path.', `git config --global --add safe.directory ${f.path ?? '/path/to/repo'}`),
    ],
    ruleIds: ['UID201'],
  },
  {
    id: 'no-name',
    title: 'the uid has no /etc/passwd entry',
    match: [/I have no name!/],
    facts: () => ({}),
    cause: () =>
      'The shell prompt asks for the user name and the uid is not in /etc/passwd: the container was started with ' +
      '--user UID that the image never created. HOME is then /, and the group 0 unless one was given.',
    fixes: (_f, w) => [
      fix('Create the user in the image with the uid you run as.', `ARG UID=${w.uid}\nRUN useradd --create-home --uid $UID ${w.user}`),
      fix('Or give the process a writable HOME.', '-e HOME=/tmp'),
    ],
    ruleIds: ['UID102'],
  },
  {
    id: 'unknown-user',
    title: 'the engine cannot find the user',
    match: [
      /unable to find user ([^\s:]+): no matching entries in passwd file/,
      /unknown user(?: error looking up user)? ['"]?([^\s:'"]+)/,
    ],
    facts: (m) => (/^\d+$/.test(m[1]) ? { uid: Number(m[1]) } : { user: m[1] }),
    cause: (f) =>
      `USER or --user names ${f.user ?? f.uid ?? 'a user'}, which /etc/passwd of the final image does not list; a name must exist ` +
      '(a numeric uid need not), so the container does not start.',
    fixes: (f) => [
      fix('Create the user in the final stage (users of earlier stages are not copied).', `RUN useradd --create-home ${f.user ?? 'app'}`),
      fix('Or use numeric ids, which need no entry.', '--user 1000:1000'),
    ],
    ruleIds: ['UID104'],
  },
  {
    id: 'chown-not-permitted',
    title: 'chown is not permitted',
    match: [/chown: (?:changing ownership of |cannot change ownership of |)['"‘]?([^'"’\n:]+)['"’]?: Operation not permitted/, /\[Errno 1\] Operation not permitted: '([^'\n]+)'/, /lchown ([^\s:]+): operation not permitted/i],
    facts: (m) => ({ program: 'chown', path: m[1] }),
    cause: () =>
      'Changing an owner needs CAP_CHOWN over the file: a non-root user never has it; root loses it with --cap-drop; ' +
      'in a rootless engine or user namespace root may only give files to uids mapped into it; and on NFS with ' +
      'root_squash the server treats root as nobody.',
    fixes: (f, w) => [
      fix('Set owners at build time, as root.', `COPY --chown=${w.uid}:${w.gid} SRC ${f.path ?? '/app'}`),
      fix('Rootless podman: change the owner from the host inside the user namespace.', `podman unshare chown -R ${w.uid}:${w.gid} HOSTDIR`),
      fix('NFS with root_squash: change it on the server, or run as the uid that owns the export.', '--user "$(id -u):$(id -g)"'),
    ],
    ruleIds: ['UID601'],
  },
  {
    // The sticky bit (/tmp, /var/tmp, /dev/shm): coreutils `rm: cannot remove '/tmp/x':
    // Operation not permitted`, `mv: cannot move 'a' to 'b': ...`, rmdir's `failed to remove`,
    // BusyBox `can't remove` / `can't rename`, and Python's `[Errno 1]` after a deleting call
    // (os.remove, os.unlink, os.rename, shutil.rmtree...) or on a path in a sticky folder.
    id: 'sticky-delete',
    title: 'deleting or renaming in a sticky folder is not permitted (EPERM)',
    match: [
      /(rm|rmdir|unlink): (?:cannot remove|can't remove|failed to remove|cannot unlink) ['"‘]([^'"’\n]+)['"’]: Operation not permitted/,
      /(mv): (?:cannot move|can't rename|cannot remove) ['"‘]([^'"’\n]+)['"’](?: to ['"‘][^'"’\n]+['"’])?: Operation not permitted/,
      /(?<=(?:os\.(?:remove|unlink|rename|replace|rmdir|removedirs)|shutil\.(?:rmtree|move)|\.(?:unlink|rename|replace|rmdir)\()[\s\S]*)(PermissionError): \[Errno 1\] Operation not permitted: '([^'\n]+)'/,
      /(?<!chown[\s\S]*)(PermissionError): \[Errno 1\] Operation not permitted: '((?:\/tmp|\/var\/tmp|\/dev\/shm)\/[^'\n]+)'/,
    ],
    facts: (m) => ({ program: m[1] === 'PermissionError' ? 'python' : m[1], path: m[2], op: 'delete' }),
    cause: (f) =>
      `${f.program ?? 'The program'} may not ${f.program === 'mv' ? 'move (rename)' : 'delete'} ${f.path ?? 'the file'}: its folder${f.path ? ` ${parentDir(f.path)}` : ''} ` +
      'most likely has the sticky bit (mode 1777, as /tmp, /var/tmp and /dev/shm have), and in such a folder an entry may be deleted or renamed ' +
      'only by the owner of the entry, the owner of the folder, or a process with CAP_FOWNER; write permission on the folder is not enough ' +
      '(EPERM, not EACCES). In containers the file was usually made by root (a RUN step, or a process started as root) or by another uid, ' +
      'and the container user now removes it. Other causes of EPERM on delete: an immutable or append-only file (chattr +i, +a).',
    fixes: (f, w) => {
      const path = f.path && f.path.startsWith('/') ? normalizePath(f.path) : '/tmp/FILE';
      const dir = parentDir(path);
      const own = `${dir === '/' ? '' : dir}/${w.user}`;

      return [
        fix(`Give the file to the user that removes it (${w.user}, uid ${w.uid}), where it is made: as root at build time, or write it as ${w.user}.`, `RUN chown ${w.uid}:${w.gid} ${path}`),
        fix(`Or keep the program's files in a folder of its own, which has no sticky bit (and point TMPDIR or the program's setting at it).`, `RUN install -d -o ${w.uid} -g ${w.gid} ${own}\nENV TMPDIR=${own}`),
        fix('Or remove it in the build step that made it, so the image does not keep it.', `RUN ... && rm -f ${path}`),
      ];
    },
    ruleIds: [],
    hides: ['chown-not-permitted', 'permission-denied'],
  },
  {
    id: 'read-only-file-system',
    title: 'the file system is mounted read-only',
    match: [/['"‘]([^'"’\n]+)['"’]: Read-only file system/, /\[Errno 30\] Read-only file system: '([^'\n]+)'/, /(\/\S*): read-only file system/i, /Read-only file system/i],
    facts: (m) => ({ path: m[1], op: 'create' }),
    cause: (f) =>
      `${f.path ? `${f.path} is` : 'The path is'} on a read-only mount (-v ...:ro, readOnly: true) or the container ` +
      'runs with --read-only; permissions do not matter, no uid may write (EROFS).',
    fixes: (f) => {
      const at = f.writeDir ?? readOnlyDir(f.path);
      const why = at.why ? ` ${at.why}` : '';

      return [
        // A mount over a folder hides what the image has there (the application's code): the
        // folder named in the error, or a new subfolder, never a parent that holds files.
        fix(`Mount ${at.dir} read-write if writing is intended.${why}`, `-v HOST:${at.dir} (without :ro)`),
        fix(`With --read-only, give ${at.dir} a tmpfs or volume.${why}`, `--tmpfs ${at.dir}`),
      ];
    },
    ruleIds: ['UID201'],
    hides: ['permission-denied'],
  },
  {
    id: 'nvml-insufficient-permissions',
    title: 'NVML cannot open the GPU devices',
    match: [/NVML: Insufficient Permissions/i, /Failed to initialize NVML: Insufficient Permissions/i],
    facts: () => ({ program: 'nvidia-smi', path: '/dev/nvidia*' }),
    cause: () =>
      'The process may not open /dev/nvidiactl or /dev/nvidia0: the nodes were passed with --device and keep the host ' +
      'owner and mode (often root:video 0660), or the device cgroup does not allow them.',
    fixes: () => [
      fix('Let the NVIDIA Container Toolkit provide the devices.', '--gpus all'),
      fix("Or add the devices' group (see ls -ln /dev/nvidia0 on the host).", '--group-add $(stat -c %g /dev/nvidia0)'),
    ],
    ruleIds: ['UID801'],
  },
  {
    id: 'uid-not-unique',
    title: 'the base image already has that uid or gid',
    match: [/useradd: UID (\d+) is not unique/, /groupadd: GID '?(\d+)'? already exists/],
    facts: (m) => ({ program: m[0].startsWith('group') ? 'groupadd' : 'useradd', uid: Number(m[1]) }),
    cause: (f) =>
      `The base image already has an account with id ${f.uid} (ubuntu:24.04 has ubuntu, node images have node, ` +
      'both uid 1000), and useradd refuses duplicates.',
    fixes: (f) => [
      fix('Rename the existing account instead of adding one.', `RUN usermod -l app -d /home/app -m $(getent passwd ${f.uid} | cut -d: -f1)`),
      fix('Or remove it first.', `RUN userdel -r $(getent passwd ${f.uid} | cut -d: -f1)`),
      fix('Or keep it and run as that uid.', `USER ${f.uid}`),
    ],
    ruleIds: ['UID604'],
  },
  {
    id: 'dpkg-lock',
    title: 'apt needs root',
    match: [/E: Could not open lock file (\S+) - open \(13: Permission denied\)/, /E: Could not open lock file (\S+)/],
    facts: (m) => ({ program: 'apt-get', path: m[1] }),
    cause: (f) => `apt-get and dpkg write ${f.path ?? '/var/lib/dpkg'}, which only root may; the command ran as a non-root user.`,
    fixes: (_f, w) => [
      fix('Install packages at build time, before USER.', `USER root\nRUN apt-get update && apt-get install -y --no-install-recommends PACKAGE\nUSER ${w.user}`),
      fix('Or run it as root in the running container.', 'docker exec -u 0 CONTAINER apt-get install -y PACKAGE'),
    ],
    ruleIds: ['UID401', 'UID402'],
    hides: ['permission-denied'],
  },
  {
    // Starting a program: the runtime (runc `exec: "/app/run.sh": permission denied`, buildah
    // `fork/exec ...`), or a shell running a command by its path (dash `/bin/sh: 1: ./x.sh:
    // Permission denied`, bash `bash: /app/run.sh: Permission denied`, zsh `permission denied:
    // ./x`). bash prints the same words for `bash FILE` when it cannot read FILE, so the read
    // verdict is given beside the exec one.
    id: 'exec-permission-denied',
    title: 'Permission denied starting a program (EACCES on exec)',
    match: [
      /(?:fork\/)?exec(?::)? "?([^\s":]+)"?: permission denied/i,
      /(zsh): permission denied: (\S+)/,
      /(?:^|\s)((?:[\w./-]*\/)?(?:ba|da|k|z)?sh)(?:: line \d+)?: (?:\d+: )?((?:\.{1,2}|~)?\/[^\s:]*): Permission denied/m,
      /(?:^|\n)(\.{1,2}\/[^\s:]*): Permission denied/,
    ],
    facts: (m) => {
      if (m.length <= 2 || m[2] === undefined) return { path: m[1], op: 'exec' };
      const program = baseName(m[1]);
      // dash and BusyBox ash word a redirection "cannot create" and a read "cannot open"; bash,
      // ksh and zsh use these same words for all three.
      return /^(?:ba|k|z)sh$/.test(program) ? { program, path: m[2], op: 'exec', alsoOps: ['read', 'write'] } : { program, path: m[2], op: 'exec' };
    },
    cause: (f) =>
      `${f.path ?? 'The program'} could not be started (EACCES): the kernel needs search permission on every folder above it ` +
      'and execute permission on the file for the process\'s uid and groups, and a script must be readable too, as its ' +
      'interpreter opens it. In containers: a file copied without its x bit, or with a mode only its owner may use ' +
      '(0700) and an owner the container does not run as.' +
      (f.alsoOps ? ` ${f.program} prints the same words when it cannot read the file (\`${f.program} FILE\`, \`< FILE\`) or write it (\`> FILE\`); give --dockerfile to have the model tell which.` : ''),
    fixes: (f, w) => {
      const path = f.path && f.path.startsWith('/') ? f.path : '/app/run.sh';

      return [
        fix('Copy it with read and execute permission for every user (or owned by the user that runs it).', `COPY --chmod=755 ${baseName(path)} ${path}`),
        fix('Or change its mode at build time, as root.', `RUN chmod 755 ${path}`),
        fix('Or give it to the container user.', `COPY --chown=${w.uid}:${w.gid} ${baseName(path)} ${path}`),
      ];
    },
    ruleIds: ['UID106', 'UID601'],
    hides: ['permission-denied'],
  },
  {
    // python3 SCRIPT with no such file: `python3: can't open file '/app/train.py': [Errno 2] No
    // such file or directory`. Not a permission problem: the script is not where it is named.
    id: 'python-script-missing',
    title: 'python cannot find the script (ENOENT)',
    match: [/(python[\d.]*): can't open file ['"‘]([^'"’\n]+)['"’]: \[Errno 2\]/],
    facts: (m) => ({ program: m[1], path: m[2], op: 'read' }),
    cause: (f) =>
      `${f.program ?? 'python'} could not open ${f.path ?? 'the script'} for reading: there is no such file (ENOENT). The script ` +
      'was not copied to that path, a relative name was taken from another working folder (WORKDIR, -w), or a mount ' +
      'over its folder hides what the image has there.',
    fixes: (f) => {
      const path = f.path && f.path.startsWith('/') ? f.path : '/app/script.py';

      return [
        fix('Copy the script to the path the command names.', `COPY --chmod=0644 ${baseName(path)} ${path}`),
        fix('Or name it by its absolute path, or set the working folder it is relative to.', `WORKDIR ${parentDir(path)}`),
      ];
    },
    // UID106 names a mount that hides the script the image has (then its fixes are the mount's).
    ruleIds: ['UID106'],
    hides: ['permission-denied'],
  },
  {
    // Reading a file: cat, head, grep, ... (`cat: /app/secret.txt: Permission denied`), cp's
    // source (`cannot open '...' for reading`), dash's `sh: 0: cannot open FILE` (`sh FILE`).
    id: 'read-permission-denied',
    title: 'Permission denied reading a file (EACCES on read)',
    match: [
      /(?:^|\s)(cat|head|tail|less|more|grep|egrep|fgrep|zcat|sed|awk|sort|uniq|wc|cut|diff|cmp|md5sum|sha1sum|sha256sum|sha512sum|base64|xxd|od|strings|jq|yq|tar|source|\.): (?:line \d+: )?['"‘]?((?:\.{0,2}|~)\/[^\s:'"’]*)['"’]?: Permission denied/,
      /(cp|install|rsync|tar|gzip|unzip): (?:cannot|can't) open ['"‘]([^'"’\n]+)['"’] for reading: Permission denied/,
      // Listing a folder: coreutils `ls: cannot open directory '/datasets'`, BusyBox `ls: can't
      // open '/datasets'`, `du: cannot read directory`, `find: '/datasets'`.
      /(ls|du|find|tree): (?:cannot open directory |cannot read directory |can't open )?['"‘]([^'"’\n]+)['"’]: Permission denied/,
      // python3 SCRIPT: `python3: can't open file '/app/train.py': [Errno 13] Permission denied`.
      /(python[\d.]*): can't open file ['"‘]([^'"’\n]+)['"’]: \[Errno 13\]/,
      /(?:^|\s)(?:\S+: )?\d+: (?:cannot|Can't) open ['"‘]?([^\s'"’:]+)['"’]?: Permission denied/,
    ],
    facts: (m) => (m.length > 2 && m[2] !== undefined ? { program: m[1], path: m[2], op: 'read' } : { program: 'sh', path: m[1], op: 'read' }),
    cause: (f) =>
      `${f.program ?? 'The program'} could not read ${f.path ?? 'the file'} (EACCES): reading needs search permission on every ` +
      'folder above it and read permission on the file for the process\'s uid and groups. In containers: a file copied ' +
      'with a mode only its owner may read (0600, 0700) and an owner the container does not run as, or a bind-mounted ' +
      'host file of another uid.',
    fixes: (f, w) => {
      const path = f.path && f.path.startsWith('/') ? f.path : '/path/to/file';
      // A script python is given to run is code, not a secret: readable by all is the usual mode.
      const script = f.program !== undefined && /^python/.test(f.program)
        ? [fix('Copy the script readable by every user.', `COPY --chmod=0644 ${baseName(path)} ${path}`)]
        : [];

      return [
        ...script,
        fix(script.length > 0 ? 'Or give it to the container user when copying it.' : 'Give it to the container user when copying it.', `COPY --chown=${w.uid}:${w.gid} ${baseName(path)} ${path}`),
        fix('Or let every user read it (not for secrets).', `RUN chmod a+r ${path}`),
      ];
    },
    ruleIds: ['UID106', 'UID205'],
    hides: ['permission-denied'],
  },
  {
    // `docker run --user $(id -u)` with a uid the image has no passwd line for: HOME is /, so
    // every tool that keeps state in a dot folder of HOME asks for /.local, /.cache, /.config...
    id: 'home-is-root',
    title: 'HOME is / (a dot folder right under / was refused)',
    match: [
      // Python and node: `Permission denied: '/.local'`, `permission denied, mkdir '/.npm'`.
      /Permission denied[^'"‘\n]*['"‘](\/\.[A-Za-z0-9_][^\s/'"’]*)/i,
      // coreutils and the shells: `cannot create directory '/.cache': Permission denied`.
      /['"‘](\/\.[A-Za-z0-9_][^\s/'"’]*)[^'"’\n]*['"’]: Permission denied/,
    ],
    facts: (m) => ({ path: m[1], op: 'create' }),
    cause: (f) =>
      `${f.path ?? 'The path'} is a dot folder right under /: the program looked for it in HOME, and HOME is /. That is ` +
      'what a container started with --user UID (often `--user $(id -u):$(id -g)`) gets when the image has no ' +
      "/etc/passwd line for that uid: there is no home to read, so HOME falls back to /, which only root may write. The " +
      "shell prompt says \"I have no name!\" for the same reason.",
    fixes: (_f, w) => [
      fix('Give the process a HOME it may write.', '-e HOME=/tmp'),
      fix('Or create a user with that uid in the image, with a home, and run as it.', `RUN useradd -m -u ${w.uid} ${w.user}\nUSER ${w.uid}`),
    ],
    ruleIds: ['UID102', 'UID103'],
    hides: ['permission-denied'],
  },
  {
    id: 'permission-denied',
    title: 'Permission denied (EACCES)',
    match: [
      /(touch|mkdir|cp|mv|ln|tee|rm|install): (?:cannot|can't) [a-z ]+?['"‘]([^'"’\n]+)['"’]: Permission denied/,
      /PermissionError: \[Errno 13\] Permission denied: '([^'\n]+)'/,
      /EACCES: permission denied, \w+ '([^'\n]+)'/,
      /(?:^|\s)(?:\S+: )?(?:\d+: )?cannot create ([^:\n]+): Permission denied/,
      /(?:open|mkdir|create|stat) ([^\s:]+): permission denied/,
      /(?:^|\s)(\/[^\s:]*): Permission denied/,
      /Permission denied/i,
    ],
    facts: (m, text) => {
      if (m.length > 2 && m[2] !== undefined) return { program: m[1], path: m[2], op: 'create' };
      const path = m[1] ?? quotedPath(text);

      return { path, op: 'create', program: /PermissionError/.test(m[0]) ? 'python' : undefined };
    },
    cause: (f) =>
      `The kernel refused ${f.path ?? 'the path'} (EACCES): the process's uid and groups are not allowed to write ` +
      'there by its owner and mode. In containers this is usually a bind mount owned by a host uid the container ' +
      'does not run as, or an image folder created by root before USER.',
    fixes: (f, w) => {
      const dir = f.path ? parentDir(f.path) : '/path';
      // Never the root folder or a system one: giving / or /etc to a user hands it the image.
      const system = /^\/(?:(?:etc|usr|bin|sbin|lib\d*|var|opt|proc|sys|dev|run|boot|root)(?:\/|$)|$)/.test(dir) && !/^\/(?:var|opt)\/./.test(dir);

      // A shared temp folder (/tmp, /var/tmp, /dev/shm) is never given to one user: the file, or
      // a path of the program's own, or the folder's shared mode back.
      if (f.path && SHARED_TEMP.has(normalizePath(dir))) return sharedTempFixes(normalizePath(f.path), w, true);

      return [
        fix('Run as the owner of the folder (your own ids for a bind mount you own).', '--user "$(id -u):$(id -g)"'),
        ...(system ? [] : [fix('Or give the folder to the container user at build time.', `RUN mkdir -p ${dir} && chown ${w.uid}:${w.gid} ${dir}`)]),
      ];
    },
    ruleIds: ['UID201', 'UID103', 'UID105'],
  },
];

/**
 * Where a writable mount goes for a path refused with EROFS, from the words alone: the path
 * itself when its name reads as a folder (`/app/logs`: mkdir, or a mount point made for it),
 * else the folder it is made in, with the warning that a mount there hides what the image has.
 */
function readOnlyDir(path: string | undefined): { dir: string; why?: string } {
  if (!path || !path.startsWith('/')) return { dir: '/path' };
  const p = normalizePath(path);
  if (p !== '/' && !/\.[A-Za-z0-9]{1,8}$/.test(baseName(p))) {
    return { dir: p, why: `(${p} itself, not ${parentDir(p)}: a mount over a folder hides the files the image has there, such as the application's code).` };
  }
  const dir = parentDir(p);

  return { dir, why: `(If ${dir} holds the image's files, such as the application's code, a mount there hides them: mount a new subfolder such as ${dir === '/' ? '' : dir}/out instead and write the file there.)` };
}

/**
 * The same from the model: the path itself when it is a folder, or missing and named like one;
 * else its folder, unless the image has other files there, then a new subfolder.
 */
function readOnlyDirIn(a: AnalysisView, path: string): { dir: string; why?: string } {
  const meta = a.runtime.view.fs.get(path);
  const holds = (dir: string) => hasDescendants(a.image.fs, dir);
  if (meta?.kind === 'dir') {
    return { dir: path, why: holds(path) ? `(${path} is a folder of the image; the mount hides what it holds there.)` : undefined };
  }
  const dir = parentDir(path);
  const others = [...a.image.fs.keys()].some((k) => k !== path && isUnder(k, dir) && k !== dir);
  if (meta === undefined && !/\.[A-Za-z0-9]{1,8}$/.test(baseName(path))) {
    return { dir: path, why: others ? `(${path} itself, not ${dir}, which holds files of the image that a mount would hide.)` : undefined };
  }
  if (dir !== '/' && others) {
    const sub = `${dir}/out`;
    return { dir: sub, why: `(${dir} holds files of the image, which a mount there would hide: mount a new subfolder, ${sub}, and write ${baseName(path)} there.)` };
  }

  return { dir };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function parentDir(path: string): string {
  const p = path.replace(/\/+$/, '');
  const i = p.lastIndexOf('/');

  return i <= 0 ? '/' : p.slice(0, i);
}

function lineOf(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  const end = text.indexOf('\n', index);

  return text.slice(start, end < 0 ? undefined : end).trim();
}

/** Every pattern the text matches, most specific first; [] when none does. */
export function explainError(text: string): Explanation[] {
  const found: Explanation[] = [];

  for (const p of PATTERNS) {
    for (const re of p.match) {
      const m = re.exec(text);
      if (!m) continue;
      const facts = p.facts(m, text);
      found.push({
        id: p.id,
        title: p.title,
        matched: lineOf(text, m.index + (m[0].startsWith('\n') ? 1 : 0)),
        facts,
        cause: p.cause(facts),
        fixes: p.fixes(facts, TYPICAL),
        ruleIds: p.ruleIds,
        details: [],
      });
      break;
    }
  }

  const hidden = new Set(found.flatMap((e) => PATTERNS.find((p) => p.id === e.id)?.hides ?? []));

  return found.filter((e) => !hidden.has(e.id));
}

/** The ids of every pattern, for docs and tests. */
export const PATTERN_IDS: readonly string[] = PATTERNS.map((p) => p.id);

// ------------------------------------------------------------------ tailoring

function ownerText(a: AnalysisView, path: string): string | undefined {
  const meta = a.runtime.view.fs.get(normalizePath(path));

  return meta ? `${meta.uid}:${meta.gid} mode ${octal(meta.mode)}` : undefined;
}

/** The mount a path lives on: the run's mounts, and the anonymous volumes of the image's VOLUMEs. */
function mountOf(a: AnalysisView, path: string) {
  const run = a.run?.mounts ?? [];
  const all = [...run, ...imageVolumeMounts(a.image, run)];

  return all.filter((m) => isUnder(path, m.target)).sort((x, y) => y.target.length - x.target.length)[0];
}

/**
 * "Read-only file system" for a path the model has on a writable file system: what the model
 * predicts there instead, and what would have to differ. EROFS comes from the mount the path is
 * on (a :ro mount, --read-only for the image's own files), never from owners and modes.
 */
function notReadOnly(a: AnalysisView, path: string, v: Verdict): string {
  const m = mountOf(a, path);
  const ro = m ? m.readonly : a.run?.readOnlyRootfs === true;
  if (ro && !v.allowed) {
    // Read-only here too, but the path is refused on the way: the kernel looks the path up
    // (search permission on every folder) before it asks whether the mount may be written.
    return `${path} is on a read-only file system in the model too (${m ? m.written : '--read-only'}), but this process is refused before that (${v.errno ?? 'an error'}): ` +
      'a lookup checks search permission on each folder on the way first, so it would see Permission denied, not this error; the process that printed it may pass (another uid or group)';
  }
  const where = m
    ? `${path} is on the read-write ${m.kind === 'image-volume' ? 'anonymous volume at' : `${m.kind} mount`} ${m.target} (${m.written})`
    : `${path} is in the image and the root file system is writable (no --read-only)`;
  const predicted = v.allowed ? 'the write works' : `${v.errno ?? 'an error'}, not EROFS`;

  return `the model has no read-only file system here: ${where}, and it predicts ${predicted}. ` +
    'The container that printed this was started otherwise (a :ro mount, --read-only, readOnlyRootFilesystem: true), ' +
    'or the host file system under the mount is itself read-only (a read-only NFS export, a remount)';
}

/** The temp folders every user shares (mode 1777): never to be given to one user. */
const SHARED_TEMP = new Set(['/tmp', '/var/tmp', '/dev/shm']);

/**
 * Fixes for a path refused in a shared temp folder. `file`: the path may be (or is) a file
 * someone else made there, whose own owner and mode decide a write, whatever the folder's
 * owner: it is given to the user (or made by it), or the program uses a path of its own.
 * `lostMode`: the folder itself lost its shared mode (0755), which `chmod 1777` restores.
 */
function sharedTempFixes(path: string, w: Who, file: boolean, lostMode?: string): Fix[] {
  const dir = parentDir(path);
  const own = `${dir}/${w.user}`;
  const out: Fix[] = [];
  if (lostMode !== undefined) {
    out.push(fix(`Give ${dir} back the mode every user shares (${lostMode} now): 1777, writable by all, with the sticky bit that lets each user delete only its own files. Never chown it to one user.`, `RUN chmod 1777 ${dir}`));
  }
  if (file) {
    out.push(fix(`Give the file itself to the user that writes it (${w.user}, uid ${w.uid}), at build time as root after the step that makes it, or make it after USER; the owner of ${dir} does not matter for writing a file that exists, and ${dir} is shared: never give it to one user.`, `RUN chown ${w.uid}:${w.gid} ${path}`));
  }
  out.push(fix(`Or have the program use a path of its own: a name mktemp makes, or a folder the user owns that TMPDIR points at.`, `RUN install -d -o ${w.uid} -g ${w.gid} ${own}\nENV TMPDIR=${own}`));
  // mktemp makes its file in the folder itself, which a folder that lost its mode refuses.
  if (lostMode === undefined) out.push(fix('Or, in a script, a fresh file of its own rather than a fixed name.', `f="$(mktemp)"`));

  return out;
}

/** A chown (or mkdir && chown) of a folder every user shares: a sticky one in the model, or /tmp, /var/tmp, /dev/shm. */
function chownsSharedFolder(f: Fix, a: AnalysisView): boolean {
  const m = /\bchown (?:-R )?\S+ (\/\S*)$/.exec(f.snippet ?? '');
  if (!m) return false;
  return sharedFolder(a, normalizePath(m[1]));
}

/** A folder every user shares: /tmp, /var/tmp, /dev/shm, or one with the sticky bit in the model. */
function sharedFolder(a: AnalysisView, p: string): boolean {
  const meta = a.runtime.view.fs.get(p);

  return SHARED_TEMP.has(p) || (meta !== undefined && meta.kind === 'dir' && (meta.mode & 0o1000) !== 0);
}

/** Whether the folder of a path refused deletion has the sticky bit in the model, and who owns what. */
function stickyDetail(a: AnalysisView, path: string): string {
  const dir = parentDir(path);
  const d = a.runtime.view.fs.get(dir);
  if (!d) return `${dir} is not known in the model`;
  const where = mountOf(a, path) ? 'in the container' : 'in the image';
  if (!(d.mode & 0o1000)) {
    return `${dir} has no sticky bit ${where} (${d.uid}:${d.gid} mode ${octal(d.mode)}): the sticky rule does not apply there, so the refusal comes from elsewhere (an immutable or append-only file, another folder than the model's)`;
  }
  const f = a.runtime.view.fs.get(path);
  const owner = f ? `; ${path} belongs to ${f.uid}:${f.gid}` : '';

  return `${dir} is sticky ${where} (${d.uid}:${d.gid} mode ${octal(d.mode)})${owner}: only the owner of the entry, the owner of ${dir} (uid ${d.uid}) or CAP_FOWNER may delete or rename in it`;
}

/** Findings of the analysis that predict this error: same rule, and the same path when it has one. */
function relatedFindings(e: Explanation, a: AnalysisView & { findings?: Finding[] }, path?: string): Finding[] {
  const all = a.findings ?? [];

  return all.filter((f) => {
    if (!e.ruleIds.includes(f.ruleId)) return false;
    if (!path) return true;
    // A start or build failure is about this file only when it names it.
    if (f.ruleId === 'UID106' || f.ruleId === 'UID601') return f.message.includes(path);
    if (!['UID201', 'UID205', 'UID103', 'UID105'].includes(f.ruleId)) return true;
    const m = mountOf(a, path);

    return (m && f.message.includes(m.target)) || f.message.includes(parentDir(path)) || f.message.includes(path);
  });
}

function verdictLine(v: Verdict): string {
  const state = v.allowed ? 'allowed' : `refused (${v.errno})`;

  return `the model: ${v.op} ${v.path} is ${state}${v.reasons.length > 0 ? ` - ${v.reasons[v.reasons.length - 1]}` : ''}`;
}

/**
 * The explanation with what the analysis of the Dockerfile and run command knows: who runs,
 * the verdict for the path the message names, the owner of that path in the model, the mount
 * it lives on, and the fixes of the findings that predict the error (put first).
 */
/** The explanation of another operation on the same path (bash's words fit several). */
function rejudged(e: Explanation, op: Op): Explanation {
  const id = op === 'read' ? 'read-permission-denied' : op === 'exec' ? 'exec-permission-denied' : 'permission-denied';
  const p = PATTERNS.find((x) => x.id === id)!;
  const facts: ExplainFacts = { program: e.facts.program, path: e.facts.path, op };

  return { ...e, id, title: p.title, facts, cause: p.cause(facts), fixes: p.fixes(facts, TYPICAL), ruleIds: p.ruleIds };
}

/** The folder above path a refused verdict cannot pass through (`cannot pass through /app/priv: ...`). */
function passThroughDir(v: Verdict, path: string): string | undefined {
  for (const r of v.reasons) {
    const m = /^cannot pass through (\/\S*?):/.exec(r);
    if (m && m[1] !== path) return m[1];
  }

  return undefined;
}

/** Fixes that give the process search permission on a folder above the file. */
function folderFixes(dir: string, id: { uid: number; gid: number }): Fix[] {
  return [
    fix(`Let every user pass through ${dir} (search permission), at build time as root.`, `RUN chmod o+x ${dir}`),
    fix('Or give the folder the usual mode.', `RUN chmod 755 ${dir}`),
    fix('Or give the folder to the container user.', `RUN chown ${id.uid}:${id.gid} ${dir}`),
  ];
}

/** The read-only mount as written, without its read-only flag. */
function readWriteFix(m: { kind: string; target: string; source?: string; written: string }): Fix {
  let snippet: string;
  if (m.written.startsWith('--mount') || m.written.startsWith('type=')) {
    snippet = m.written.replace(/,(?:readonly|ro)(?:=(?:true|1))?(?=,|$)/, '');
  } else if (m.source !== undefined && m.kind !== 'tmpfs') {
    snippet = `-v ${m.source}:${m.target}`;
  } else {
    snippet = m.written.replace(/:ro\b/, '');
  }

  return fix(`Mount ${m.target} read-write if writing is intended (now ${m.written}).`, snippet);
}

export function tailor(e: Explanation, a: AnalysisView & { findings?: Finding[] }): Explanation {
  const details: string[] = [`the container runs as ${a.identity.id}`];
  // A relative name (`touch: cannot touch 'log.txt'`) is the process's: taken from its working
  // folder (WORKDIR, -w) before it is judged.
  const written = e.facts.path;
  if (written !== undefined && written !== '' && !written.startsWith('/') && !written.startsWith('~') && !written.includes('*')) {
    const abs = normalizePath(written, a.identity.workdir);
    details.push(`${written} is relative: taken from the working folder ${a.identity.workdir} as ${abs}`);
    const facts = { ...e.facts, path: abs };
    const p = PATTERNS.find((x) => x.id === e.id);
    e = { ...e, facts, cause: p ? p.cause(facts) : e.cause };
  }
  // A dot folder under / while the model's HOME is another folder: not HOME=/, but a program
  // that did not take HOME (a cache variable set relative or empty, or HOME reset for it).
  if (e.id === 'home-is-root' && a.runtime.process.home !== '/') {
    e = {
      ...e,
      cause: `${e.facts.path ?? 'The path'} is a dot folder right under /, but HOME is ${a.runtime.process.home} here: the program did not use HOME. A variable it reads first (XDG_CACHE_HOME, XDG_CONFIG_HOME, HF_HOME, TORCH_HOME, ...) may be empty or relative, or the program ran with HOME=/ (a sudo, su or gosu step, or an env of its own).`,
    };
  }
  const path = e.facts.path && e.facts.path.startsWith('/') && !e.facts.path.includes('*') ? normalizePath(e.facts.path) : undefined;
  // Where a writable mount goes: what the image has there decides it.
  if (e.id === 'read-only-file-system' && path) e = { ...e, facts: { ...e.facts, writeDir: readOnlyDirIn(a, path) } };
  // The folder above the path that the model says the process cannot pass through, if any.
  let blockingDir: string | undefined;
  let contradiction: string | undefined;

  for (const err of a.runtime.errors) details.push(`the container would not start: ${err.message}`);

  // Words that fit several operations (bash's): judged as the first one the model refuses.
  let others: Op[] = [];
  if (path && e.facts.op && e.facts.alsoOps) {
    const exists = a.runtime.view.fs.get(path) !== undefined;
    const ops = [e.facts.op, ...e.facts.alsoOps].map((op): Op => (op === 'write' && !exists ? 'create' : op));
    // The message is a permission error: a path that is not there (ENOENT) is not the answer.
    const judged = ops.find((op) => a.check(path, op).errno === 'EACCES') ?? ops[0];
    e = rejudged(e, judged);
    others = ops.filter((op) => op !== judged);
  }
  if (path) {
    const v = e.facts.op ? a.check(path, e.facts.op) : undefined;
    if (v) details.push(verdictLine(v));
    if (v && !v.allowed) blockingDir = passThroughDir(v, path);
    if (blockingDir) details.push(`the blocking path is the folder ${blockingDir} above ${path}: the process may not search it, so no mode of ${path} itself helps`);
    for (const op of others) details.push(verdictLine(a.check(path, op)));
    const file = e.facts.op === 'read' || e.facts.op === 'exec' ? a.runtime.view.fs.get(path) : undefined;
    if (file && file.kind !== 'dir') details.push(`${path} belongs to ${ownerText(a, path)} in the model`);
    const dir = a.runtime.view.fs.get(path)?.kind === 'dir' ? path : parentDir(path);
    const owner = ownerText(a, dir);
    if (owner) details.push(`${dir} belongs to ${owner} in the model`);
    const m = mountOf(a, path);
    if (m) details.push(`${path} is on the ${m.kind === 'image-volume' ? 'anonymous volume at' : `${m.kind} mount`} ${m.target}${m.source ? ` from ${m.source}` : ''} (${m.written})`);
    else details.push(`${path} is in the image, not on a mount`);
    // The permissions may allow what failed for another reason the model does predict (a
    // script whose #! line ends in a carriage return: exec is allowed, the start still fails).
    // A finding or a start failure that names the path is that prediction: no contradiction.
    const predicted = relatedFindings(e, a, path).length > 0 || a.runtime.errors.some((err) => err.message.includes(path));
    if (v?.allowed && e.id !== 'read-only-file-system' && predicted) {
      details.push(`the permissions allow ${v.op} ${path}; the failure is the one predicted below, not a permission refusal`);
    }
    if (v?.allowed && e.id !== 'read-only-file-system' && !predicted) {
      contradiction = 'the model predicts this works with the given flags: the container may run with other flags, or the model misses something (try uidctl verify)';
    }
    if (e.id === 'read-only-file-system' && v && v.errno !== 'EROFS') contradiction = notReadOnly(a, path, v);
  }
  if (e.id === 'no-name' && a.runtime.errors.length === 0 && a.runtime.process.hasPasswdEntry) {
    const p = a.runtime.process;
    contradiction =
      `in the model uid ${p.uid} has an /etc/passwd entry (${p.userName ?? '?'}), so the prompt would show that name, not "I have no name!": ` +
      'the container that printed this runs as another uid (a --user, user: or runAsUser this run does not give), or its /etc/passwd is not the image\'s (a file mounted over it, another image)';
  }
  if (e.id === 'sticky-delete' && path) details.push(stickyDetail(a, path));
  if (e.id === 'sudo-not-found' || e.id === 'not-in-sudoers' || e.id === 'dpkg-lock') {
    const s = a.identity.sudo;
    details.push(`sudo: ${s.installed ? (s.usable ? 'usable' : `not usable (${s.reason})`) : 'not installed in the image'}`);
  }

  const related = relatedFindings(e, a, path);
  for (const f of related) details.push(`${f.ruleId} (${f.location.file}:${f.location.line}): ${f.message}`);

  // The findings' fixes are already written for this uid, path and run; else the pattern's own.
  const id = a.identity;
  const pattern = PATTERNS.find((p) => p.id === e.id);
  const own = pattern ? pattern.fixes(e.facts, { uid: id.uid, gid: id.gid, user: id.user ?? 'app' }) : e.fixes;
  let fixes = related.length > 0 ? related.flatMap((f) => f.fixes) : own;
  // A folder above the file blocks the way: the file's own mode or owner does not matter.
  if (blockingDir) fixes = folderFixes(blockingDir, id);
  // A read-only mount: the mount as written, read-write, rather than the file inside it.
  if (e.id === 'read-only-file-system' && path) {
    const m = mountOf(a, path);
    // The pattern's guesses (the path without :ro, a tmpfs for --read-only) do not fit here.
    const guesses = new Set((pattern?.fixes(e.facts, TYPICAL) ?? []).map((f) => f.snippet));
    if (m && m.readonly) fixes = [readWriteFix(m), ...fixes.filter((f) => !guesses.has(f.snippet))];
  }
  // A write to a file that exists in the image, refused by the file's own owner and mode: the
  // folder's owner does not matter (a chown of the folder leaves the write refused), the file's
  // does. In a shared or sticky folder the program may also use a path of its own.
  if (path && !blockingDir && (e.id === 'permission-denied') && related.length === 0) {
    const meta = a.runtime.view.fs.get(path);
    const dir = parentDir(path);
    const dmeta = a.runtime.view.fs.get(dir);
    const shared = sharedFolder(a, dir);
    const who: Who = { uid: id.uid, gid: id.gid, user: id.user ?? 'app' };
    const v = e.facts.op ? a.check(path, e.facts.op) : undefined;
    if (v && !v.allowed && v.errno === 'EACCES' && meta && meta.kind === 'file' && !mountOf(a, path)) {
      details.push(`${path} exists and belongs to ${meta.uid}:${meta.gid} mode ${octal(meta.mode)}: its own owner and mode refuse the write, whoever owns ${dir}`);
      fixes = shared
        ? sharedTempFixes(path, who, true)
        : [
          fix(`Give the file itself to the user that writes it (${who.user}, uid ${who.uid}), at build time as root after the step that makes it, or make it after USER; a chown of ${dir} leaves the file's write refused.`, `RUN chown ${who.uid}:${who.gid} ${path}`),
          fix('Or let its group write it, with the user in that group.', `RUN chmod g+w ${path}`),
        ];
    } else if (v && !v.allowed && v.errno === 'EACCES' && !meta && SHARED_TEMP.has(dir) && dmeta?.kind === 'dir' && (dmeta.mode & 0o1777) !== 0o1777) {
      // A shared temp folder that lost its mode (a COPY or a base image that made it 0755).
      fixes = sharedTempFixes(path, who, false, octal(dmeta.mode));
    } else if (v && !v.allowed && !meta && shared) {
      fixes = sharedTempFixes(path, who, false);
    }
  }
  // A folder every user shares is never given to one user (it could then delete anyone's files there).
  fixes = fixes.filter((f) => !chownsSharedFolder(f, a));
  // The model says the action works: a chown that gives a path to the owner it already has in
  // the model changes nothing, and is not offered (the container that failed may differ).
  if (contradiction !== undefined && related.length === 0) {
    fixes = fixes.filter((f) => {
      const m = /\bchown (?:-R )?(\d+):(\d+) (\/\S*)$/.exec(f.snippet ?? '');
      const meta = m ? a.runtime.view.fs.get(normalizePath(m[3])) : undefined;
      return !(m && meta && meta.uid === Number(m[1]) && meta.gid === Number(m[2]));
    });
  }
  const seen = new Set<string>();

  return {
    ...e,
    details,
    ...(contradiction !== undefined ? { contradiction } : {}),
    fixes: fixes.filter((f) => {
      const k = `${f.description}|${f.snippet ?? ''}`;
      if (seen.has(k)) return false;
      seen.add(k);

      return true;
    }),
  };
}
