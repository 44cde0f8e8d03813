// The data that flows through uidctl's pure core. Every module speaks these words; see the
// README's design section for the flow from inputs to reports.

/** Where a fact came from, so a report can say how much to trust it. */
export interface Provenance {
  /** 'catalog' (embedded facts), 'archive', 'engine', 'registry', 'dockerfile', 'assumption'. */
  source: 'catalog' | 'archive' | 'engine' | 'registry' | 'dockerfile' | 'assumption' | 'host';
  /** A catalog key, an archive digest, a Dockerfile line ("Dockerfile:12"), ... */
  ref: string;
  /** Public source of the fact (URL), when there is one. */
  cite?: string;
}

export type Confidence = 'high' | 'medium' | 'low';

/** Something the model took for granted; every verdict that depends on it says so. */
export interface Assumption {
  id: string;
  subject: string;
  text: string;
  confidence: Confidence;
  file?: string;
  line?: number;
  /**
   * Image paths whose metadata the assumption decided (a COPY source of unknown mode, say):
   * a verdict on one of them, or below one, depends on it. Not part of the JSON report.
   */
  paths?: string[];
}

/** A RUN step (or part of one) the model could not interpret. */
export interface UnknownEffect {
  file?: string;
  line: number;
  command: string;
  reason: string;
  /** Paths it may have touched, when they can be told; empty means "anything". */
  paths: string[];
}

// ---------------------------------------------------------------- files

export type FileKind = 'file' | 'dir' | 'symlink' | 'other';

/** Metadata of one path: never its contents. */
export interface FileMeta {
  kind: FileKind;
  uid: number;
  gid: number;
  /** Permission bits including setuid/setgid/sticky (07777), no type bits. */
  mode: number;
  /** Symlink target, as stored in the link. */
  target?: string;
  /**
   * For directories: true when the children listed are not all there is (catalog entries
   * describe only the paths that matter). A missing child of a partial directory is unknown
   * rather than absent.
   */
  partial?: boolean;
  /**
   * For partial directories: the owner a recursive chown (or a recursive copy) gave every
   * descendant the listing does not show, so an unlisted child's owner is still known.
   */
  subtreeOwner?: { uid: number; gid: number; origin: string };
  /**
   * For partial directories: a step of this build (an archive unpacked there, a command the
   * model does not follow) may have put entries in it that the model does not know.
   */
  filled?: boolean;
  /**
   * For partial directories: names of children known not to be there (a base without sudo has no
   * /etc/sudoers.d), so a missing one of them is missing, not unknown.
   */
  absent?: string[];
  /** What made this entry, e.g. "catalog:debian:bookworm" or "Dockerfile:14". */
  origin?: string;
  /**
   * The owner or group is not mapped into the process's user namespace (rootless engines):
   * capabilities then give no override on it (kernel: capable_wrt_inode_uidgid).
   */
  unmapped?: boolean;
  /** A script (starts with #!): executing it also needs read permission, for its interpreter. */
  script?: boolean;
  /**
   * Files with more than one name (hard links: `ln a b`, a tar hard-link entry): the names of one
   * file carry the same number. Owner, group and mode belong to the inode, not to a name
   * (inode(7)), so a change made through one name is made on every name with this number
   * (setInodeMeta). Absent on a file with one name, the common case, which then costs nothing.
   */
  inode?: number;
  /**
   * Build context only: an entry a COPY finds by naming it (or a path below it) but that the
   * walk over a folder above it does not reach, as .dockerignore keeps that folder closed
   * (buildah: `*` with `!**\/*.sh` sends scripts/entry.sh to `COPY scripts/entry.sh`, not to
   * `COPY . /c`).
   */
  unwalked?: boolean;
}

/** Absolute, normalised path -> metadata. '/' is always present. */
export type FsTree = Map<string, FileMeta>;

// ---------------------------------------------------------------- accounts

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** The parts of /etc/login.defs (and the useradd defaults) that decide new ids and homes. */
export interface LoginDefs {
  uidMin: number;
  uidMax: number;
  gidMin: number;
  gidMax: number;
  sysUidMin: number;
  sysUidMax: number;
  sysGidMin: number;
  sysGidMax: number;
  /** umask useradd applies to new homes when homeMode is unset. */
  umask: number;
  /** HOME_MODE of login.defs (useradd). */
  homeMode?: number;
  /** DIR_MODE of adduser.conf (Debian's adduser). */
  adduserDirMode?: number;
  /** NAME_REGEX and SYS_NAME_REGEX of adduser.conf when it sets them (else adduser's defaults). */
  adduserNameRegex?: string;
  adduserSysNameRegex?: string;
  /**
   * The group Debian's adduser (3.124 on, Debian 12) adds each new normal user to as a
   * supplementary group (USERS_GROUP, `users`); '' when it adds none (older adduser, or
   * USERS_GID=-1). Unset: taken from adduserDirMode (0700 is Debian 12's adduser).
   */
  adduserUsersGroup?: string;
  usergroupsEnab: boolean;
  /** useradd's default shell (/etc/default/useradd SHELL). */
  defaultShell: string;
}

export type PasswordState = 'locked' | 'none' | 'set' | 'empty';

/**
 * The aging fields of an /etc/shadow line that PAM's pam_unix account check reads, in days
 * since 1970-01-01, -1 for an empty field. A field left out was not set by anything the model
 * followed (an account of the base image): it restricts nothing. `unknown`: a tool set one to
 * a value the model could not read (a date in a form it does not parse).
 */
export interface ShadowAging {
  /** Field 3, the last password change; 0 asks for a change at once (`passwd -e`). */
  lastChange?: number;
  /** Field 5, the most days a password is good for. */
  max?: number;
  /** Field 7, the days of inactivity after it has run out. */
  inactive?: number;
  /** Field 8, the day the account expires (`usermod -e`, `chage -E`, `useradd -e`). */
  expire?: number;
  unknown?: boolean;
}

export interface Accounts {
  passwd: PasswdEntry[];
  group: GroupEntry[];
  /** From /etc/shadow when known: whether each account has a usable password. */
  passwords: Record<string, PasswordState>;
  /** From /etc/shadow when known: the aging fields of the accounts that have any set. */
  aging?: Record<string, ShadowAging>;
  loginDefs: LoginDefs;
}

// ---------------------------------------------------------------- security-relevant config

export interface SudoRule {
  /** A user name, '%group', or 'ALL'. */
  who: string;
  nopasswd: boolean;
  /** The command list as written, e.g. "ALL". */
  commands: string;
  file: string;
  /** Dockerfile line that wrote it, when it came from the build. */
  line?: number;
  /**
   * Set only when the runas list leaves root out, e.g. "nobody" for "(nobody)", "" for "()":
   * the list as written. Plain `sudo cmd` runs as root, so such a rule does not let it run.
   */
  runasNotRoot?: string;
  /**
   * The users of its runas list, aliases expanded, in written order ('!' kept). Absent when the
   * list is left out ("(:staff)", or no runas spec at all: root only); empty for "()" and
   * "(:)", which name the invoking user.
   */
  runasUsers?: string[];
  /** The groups of its runas list ("(ALL:staff)"), as runasUsers; absent when left out. */
  runasGroups?: string[];
  /** An explicit PASSWD: tag, which asks for a password even under `Defaults !authenticate`. */
  passwd?: boolean;
  /** The rule's host list, aliases expanded ('!' kept); absent when it is ALL. */
  hosts?: string[];
  /**
   * An explicit SETENV: (true) or NOSETENV: (false) tag: whether the user may set variables on
   * sudo's command line (`sudo VAR=value cmd`) and keep the environment with -E (sudoers(5)).
   */
  setenv?: boolean;
}

export interface SshdSettings {
  permitRootLogin?: string;
  passwordAuthentication?: string;
  permitEmptyPasswords?: string;
  /** KbdInteractiveAuthentication, or its deprecated alias ChallengeResponseAuthentication. */
  kbdInteractiveAuthentication?: string;
  /** UsePAM: global only (sshd refuses it inside Match). */
  usePam?: string;
  /** AuthenticationMethods (first value wins): space-separated sequences of comma-separated methods. */
  authenticationMethods?: string;
  /**
   * The ports sshd listens on: every Port value (22 when none), and the port of each
   * `ListenAddress host:port`. Absent when the config sets neither.
   */
  ports?: string[];
  /** The file sshd reads instead of /etc/ssh/sshd_config (`sshd -f FILE` in the start command). */
  config?: string;
  /** The config file sshd reads, when uidctl does not have its text: nothing of it is known. */
  unread?: string;
  /** Dockerfile line that set each value. */
  lines: Record<string, number>;
  /** The file each global value was read from (absent when none was set). */
  files?: Record<string, string>;
  /** Match blocks that set one of the keywords above, in file order (absent when none). */
  matches?: SshdMatchBlock[];
  /** Every Include line read, in the order sshd reads them (absent when none). */
  includes?: SshdInclude[];
}

/** One pattern of an sshd `Include` line, as sshd expands it. */
export interface SshdInclude {
  /** Absolute: a relative pattern is taken from /etc/ssh, as sshd does. */
  pattern: string;
  file: string;
  /** Line of the Include keyword inside the file. */
  fileLine: number;
  /** Dockerfile line that wrote the file, when it came from the build. */
  line?: number;
  /** The Match block the Include sits in: what it includes belongs to that block. */
  block?: string;
  /**
   * The global keywords that had no value yet when sshd reached the Include: a file it includes
   * could still set them (the first value wins).
   */
  open: string[];
}

/** The settings of one sshd_config `Match` block: first value per keyword, as sshd keeps. */
export interface SshdMatchBlock {
  /** The criteria as written after Match, e.g. "User root" or "Address 10.0.0.0/8". */
  criteria: string;
  permitRootLogin?: string;
  passwordAuthentication?: string;
  permitEmptyPasswords?: string;
  kbdInteractiveAuthentication?: string;
  authenticationMethods?: string;
  file: string;
  /** Line of the Match keyword inside the file. */
  fileLine: number;
  /** Dockerfile line that wrote the file, when it came from the build. */
  line?: number;
}

export interface JupyterSettings {
  allowRoot?: boolean;
  /** '' means token disabled. undefined means the default (a random token). */
  token?: string;
  password?: string;
  ip?: string;
  lines: Record<string, number>;
  /** The config file each value was read from (jupyterSettingsIn only). */
  files?: Record<string, string>;
}

// ---------------------------------------------------------------- software that matters

export interface InstalledPackage {
  name: string;
  /** apt, apk, dnf, pip, conda, mamba, base (came with the base image). */
  via: string;
  line?: number;
  /**
   * pip: the folder the install put its console scripts in (BASE/bin for `pip install --user`,
   * the environment's bin otherwise). Which scripts a named package has is not known.
   */
  bin?: string;
  /** pip: installed with --user (or pip's fallback to a user install). */
  user?: boolean;
  /** pip: the console scripts, when known (a local project that lists them as literals). */
  scripts?: string[];
}

export interface PythonEnv {
  /** Interpreter path, e.g. /usr/bin/python3 or /opt/conda/bin/python. */
  python: string;
  kind: 'system' | 'source' | 'conda' | 'venv';
  /** Where a plain `pip install` writes. */
  sitePackages: string;
  /** Python version "3.11", used for the user site (~/.local/lib/python3.11/site-packages). */
  version: string;
  /** True when the EXTERNALLY-MANAGED marker (PEP 668) is present. */
  externallyManaged: boolean;
  /**
   * The environment's prefix: its bin/ holds python, pip and the console scripts
   * (/usr, /usr/local, /opt/conda, /opt/venv).
   */
  binDir: string;
  /**
   * A venv made with --system-site-packages (pyvenv.cfg include-system-site-packages = true):
   * site.py then keeps the user site enabled, so `pip install --user` works in it and pip
   * falls back to a user install when the venv is not writable (measured:
   * probe-venv2/system-site-user, probe-venv2/system-site-default-user).
   */
  systemSite?: boolean;
}

export interface ImageConfig {
  /** USER as written (name, uid, name:group...), '' meaning root. */
  user: string;
  workdir: string;
  env: Record<string, string>;
  volumes: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  /** The SHELL used for shell-form RUN/CMD/ENTRYPOINT. */
  shell: string[];
  exposedPorts: string[];
  labels: Record<string, string>;
}

export type Distro = 'debian' | 'ubuntu' | 'alpine' | 'rhel' | 'distroless' | 'unknown';

/** What the image is at one point of the build. */
export interface ImageState {
  /** Name of the base as written in FROM, resolved ('scratch' for none). */
  base: string;
  distro: Distro;
  accounts: Accounts;
  fs: FsTree;
  config: ImageConfig;
  packages: Record<string, InstalledPackage>;
  pythons: PythonEnv[];
  condaPrefix?: string;
  /**
   * Contents of the few files whose text matters (sudoers and sudoers.d, sshd_config, Jupyter
   * config, pip.conf, login.defs), with the Dockerfile line that last wrote each, and for a
   * text an entrypoint script wrote at start, that script (`start`, its line the ENTRYPOINT's).
   */
  texts: Record<string, { content: string; line?: number; start?: string }>;
  /** Derived from texts by refreshDerived(): sudo rules, sshd and Jupyter settings. */
  sudoers: SudoRule[];
  sshd: SshdSettings;
  jupyter: JupyterSettings;
  unknowns: UnknownEffect[];
  assumptions: Assumption[];
  provenance: Provenance[];
}

// ---------------------------------------------------------------- running

export type Capability =
  | 'CAP_CHOWN'
  | 'CAP_DAC_OVERRIDE'
  | 'CAP_DAC_READ_SEARCH'
  | 'CAP_FOWNER'
  | 'CAP_FSETID'
  | 'CAP_KILL'
  | 'CAP_SETGID'
  | 'CAP_SETUID'
  | 'CAP_SETPCAP'
  | 'CAP_NET_BIND_SERVICE'
  | 'CAP_NET_RAW'
  | 'CAP_SYS_CHROOT'
  | 'CAP_MKNOD'
  | 'CAP_AUDIT_WRITE'
  | 'CAP_SETFCAP'
  | 'CAP_SYS_ADMIN'
  | 'CAP_NET_ADMIN'
  | 'CAP_SYS_PTRACE'
  | string;

export type MountKind = 'bind' | 'volume' | 'anonymous' | 'tmpfs' | 'image-volume';

/** What the host says about a path (stat), or null when it does not exist. */
export interface HostPathFacts {
  path: string;
  exists: boolean;
  meta?: FileMeta;
  /** Where the facts came from: 'stat' or a host-facts file. */
  from: 'stat' | 'facts-file' | 'assumed';
  /** The path carries POSIX ACL entries (`ls -l` shows a +), which the mode bits do not tell. */
  acl?: boolean;
  /**
   * Under a user namespace (rootless engines, --uidmap), `meta` holds the ids as the container
   * sees them, and this the owner on the host (runtime/userns.ts mapHostFacts).
   */
  hostOwner?: { uid: number; gid: number };
}

export interface MountSpec {
  target: string;
  kind: MountKind;
  /** Host path for bind, volume name for volume. */
  source?: string;
  readonly: boolean;
  /** -v creates a missing bind source (owned by root); --mount refuses it. */
  createMissingSource: boolean;
  /** The flag or key as written, for messages ("-v $PWD/data:/workspace"). */
  written: string;
  /**
   * The bind source as the run names it, when host facts show that it goes through symbolic
   * links: `source` is then where they lead (runtime/host.ts followBindLinks), and `links` the
   * links followed (`/mnt/ds -> /srv/nfs`).
   */
  linkedFrom?: string;
  links?: string[];
  /** tmpfs options (mode=, uid=, gid=). */
  tmpfsMode?: number;
  tmpfsUid?: number;
  tmpfsGid?: number;
  /**
   * podman's tmpfs copy-up: `notmpcopyup` gives false (the tmpfs starts empty and hides the
   * image's folder, as Docker's does); unset, podman copies the image's content in.
   */
  tmpcopyup?: boolean;
  /** Volume copy-up disabled (`nocopy`, `volume-nocopy`, compose `volume.nocopy`). */
  nocopy?: boolean;
  /**
   * podman's `U` option (`-v SRC:DST:U`, `--mount ...,U=true`): at start podman changes the
   * owner of the source, recursively, to the container process's uid and gid.
   */
  chownToUser?: boolean;
  /** A Compose secret or config given as a file (a read-only bind of one file, not a data folder). */
  composeFile?: 'secret' | 'config';
  /** Kubernetes volume type behind the mount: emptyDir, persistentVolumeClaim, configMap... */
  volumeType?: string;
  /** Kubernetes volumeMounts[].subPath. */
  subPath?: string;
  /** Kubernetes hostPath with a subPath: the volume's own path on the node (source is below it). */
  volumeRoot?: string;
  /** Kubernetes hostPath type ('' when not set): DirectoryOrCreate, Directory, FileOrCreate... */
  hostPathType?: string;
  /** Kubernetes: the pod volume the mount names (shared by the pod's containers). */
  volumeName?: string;
  /** Kubernetes configMap/secret/projected: mode of the files, and the keys listed. */
  defaultMode?: number;
  /**
   * The files the manifest names: a configMap's or secret's items, a projected volume's items
   * and the files of its serviceAccountToken (and clusterTrustBundle, podCertificate) sources.
   * key: the key an item names; uid: the owner the kubelet gives the file when it is not root
   * (the pod's FsUser).
   */
  items?: { path: string; key?: string; mode?: number; uid?: number }[];
  /**
   * A projected volume with a secret or configMap source that lists no items: besides `items`,
   * it holds that source's keys, which the manifest does not name.
   */
  keysUnlisted?: boolean;
}

export interface DockerDaemon {
  kind: 'remote' | 'rootless' | 'unknown';
  /** As written: "-H ssh://gpu-box", "DOCKER_HOST=unix:///run/user/1000/docker.sock". */
  via: string;
  /** rootless: the uid the daemon runs as (container root on the host). */
  uid?: number;
}

/** How a container is started, whatever tool starts it. */
export interface RunContext {
  tool: 'docker' | 'podman' | 'compose' | 'kubernetes' | 'none';
  /** --user as written, after evaluating $(id -u) etc.; undefined = the image's USER. */
  user?: string;
  /**
   * --user as written when the invoking shell's $(...) in it could not be evaluated
   * (`--user $(stat -c %u data)`): the user is not known, and `user` is then unset.
   */
  userUnknown?: string;
  groupAdd: string[];
  mounts: MountSpec[];
  workdir?: string;
  env: Record<string, string>;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  noNewPrivileges: boolean;
  readOnlyRootfs: boolean;
  userns?: string;
  /** podman --uidmap / --gidmap values, in order (CONTAINER:FROM:AMOUNT and podman 5's forms). */
  uidmap?: string[];
  gidmap?: string[];
  /** podman --subuidname / --subgidname: the mapping comes from /etc/subuid, /etc/subgid. */
  subuidname?: string;
  subgidname?: string;
  /**
   * podman --passwd: false stops podman from adding /etc/passwd lines for the run user (as
   * buildah run never does). Unset means podman's default, true.
   */
  passwd?: boolean;
  /** Kubernetes fsGroup: volumes get this group and setgid. */
  fsGroup?: number;
  /** Command/args overriding CMD/ENTRYPOINT, when given. */
  entrypoint?: string[];
  command?: string[];
  image?: string;
  /** Published ports, as written. */
  publish: string[];
  /** What the run line was written in, for locations. */
  origin: { file?: string; line?: number; text: string };
  /** Facts about the invoking user used to evaluate $(id -u), $PWD and ~. */
  invoker?: { uid: number; gid: number; home: string; cwd: string; name?: string };
  /**
   * A Docker daemon other than this machine's rootful one, named by -H/--host, --context,
   * DOCKER_HOST or DOCKER_CONTEXT: remote (bind sources are another machine's paths), rootless
   * (its user's uid is root in the container), or not known.
   */
  daemon?: DockerDaemon;
  /** --env-file / env_file paths, recorded but not read. */
  envFiles?: string[];
  /** Kubernetes runAsGroup: replaces the primary group of whichever user runs. */
  runAsGroup?: number;
  /**
   * Kubernetes initContainers of the pod (for a regular container): each runs to completion, in
   * order, before the containers start, on the same pod volumes.
   * https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
   */
  initContainers?: { name: string; run: RunContext }[];
  /** Kubernetes pod spec hostUsers: false runs the pod in a user namespace. */
  hostUsers?: boolean;
  /** Kubernetes runAsNonRoot: the kubelet refuses to start a uid-0 (or unverifiable) user. */
  runAsNonRoot?: boolean;
  /** Kubernetes supplementalGroupsPolicy; Merge (default) adds the image's /etc/group ones. */
  supplementalGroupsPolicy?: 'Merge' | 'Strict';
  /** Every option as written, by canonical long name (docker/podman): { gpus: ['all'] }. */
  options?: Record<string, string[]>;
  /**
   * Files the starting tool writes into the container before it starts (not mounts): docker
   * compose's secrets and configs taken from `environment:` or `content:`, which it copies in
   * as a tar (docker/compose pkg/compose/secrets.go). Missing parent folders are made root
   * 0755 by the daemon's tar extraction.
   */
  files?: WrittenFile[];
  /**
   * What reading the run line took for granted: a shell variable not set in the environment
   * given (expanded empty, as the shell would), bash's own UID/EUID/GROUPS taken from the invoker.
   */
  assumptions?: Assumption[];
}

/** A file written into the container before it starts (RunContext.files). */
export interface WrittenFile {
  path: string;
  uid: number;
  gid: number;
  mode: number;
  /** The key as written, for messages (services.a.secrets[0]: token). */
  written: string;
  /** What its owner and mode rest on: said as an assumption with every verdict on it. */
  basis: string;
  confidence: 'high' | 'medium' | 'low';
}

/** The identity the container's main process has. */
export interface Process {
  uid: number;
  gid: number;
  /** Supplementary groups, as `id` prints them (primary first). */
  groups: number[];
  userName?: string;
  groupName?: string;
  hasPasswdEntry: boolean;
  home: string;
  /**
   * Where HOME came from: passwd, '-e HOME', the fallback '/', or kept from the user the container
   * starts as by a command that switches user without setting it (setpriv, chroot, s6-setuidgid).
   */
  homeFrom: 'passwd' | 'env' | 'default' | 'start';
  cwd: string;
  caps: Set<Capability>;
  /**
   * The capability bounding set the container starts with (the engine's defaults after
   * --cap-add/--cap-drop): what a setuid-root program such as sudo can get back.
   */
  bounding?: Set<Capability>;
  noNewPrivileges: boolean;
  env: Record<string, string>;
}

/** A program in the start command that switches user before the workload runs (gosu, ...). */
export type DropTool = 'gosu' | 'su-exec' | 'setpriv' | 'runuser' | 'chroot' | 's6-setuidgid';

/**
 * The container starts as one identity and its command steps down to another: `gosu app cmd`,
 * `setpriv --reuid=app ... cmd`. The Process the analysis judges is the one after the switch;
 * this records the one before it.
 */
export interface PrivilegeDrop {
  tool: DropTool;
  /** The tool with its arguments, as written: "gosu app", "setpriv --reuid=app --init-groups". */
  written: string;
  /** What the tool runs (the workload): ["python", "train.py"]. */
  command: string[];
  /** The identity the container starts with, which runs the tool (and anything before it). */
  from: Process;
  /** The tool's own message when it cannot switch: it exits and the workload never runs. */
  error?: string;
  /** The capabilities the switch uses from the starting process (CAP_SETUID, ...). */
  needs: Capability[];
  /** Where the words are: the image's ENTRYPOINT or CMD, or the way the container is started. */
  source: 'entrypoint' | 'cmd' | 'run';
  /**
   * Set when the tool is in the arguments of a program whose text the model does not know (an
   * entrypoint script): the assumption that the program runs them.
   */
  assumption?: Assumption;
}

// ---------------------------------------------------------------- access

export type Op = 'read' | 'write' | 'exec' | 'create' | 'delete' | 'chdir' | 'list';

export type Errno = 'EACCES' | 'EPERM' | 'EROFS' | 'ENOENT' | 'ENOTDIR' | 'ELOOP' | 'EEXIST' | 'EBUSY' | 'EISDIR' | 'ENOTEMPTY';

/** One answer to "can this process do this to this path", with its reasons. */
export interface Verdict {
  path: string;
  op: Op;
  allowed: boolean;
  errno?: Errno;
  /** The chain of reasons, outermost first, each a sentence. */
  reasons: string[];
  /** Ids of the assumptions and unknown effects the answer depends on. */
  dependsOn: string[];
  /** Where the path lives: the image, or a mount (its target). */
  where: string;
  /**
   * Whether the path is there is not known: it would be below a folder a step of this build
   * filled with entries uidctl does not read (an archive ADD unpacked, a command it does not
   * follow). allowed and errno are then the answer if it is not there.
   */
  unknown?: true;
}

// ---------------------------------------------------------------- findings

export type Severity = 'error' | 'warning' | 'info';

export interface Location {
  file: string;
  line: number;
  column?: number;
  endLine?: number;
}

export interface Fix {
  /** One sentence: what to do. */
  description: string;
  /** Concrete text: a command, run flags, or Dockerfile lines. */
  snippet?: string;
  /** True when applying it can change nothing beyond what the finding is about. */
  safe: boolean;
  /**
   * The fix as a Dockerfile edit with a known place, which `uidctl fix` applies once a second
   * analysis confirms it: replace lines startLine..endLine (1-based, inclusive) with the text's
   * lines; endLine = startLine - 1 replaces nothing and puts the text before startLine.
   */
  edit?: { file: string; startLine: number; endLine: number; text: string };
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** The longer explanation: why it happens. */
  why: string;
  location: Location;
  fixes: Fix[];
  /** Ids of assumptions the finding depends on. */
  dependsOn: string[];
  /**
   * Where the container is started, when a file says so (a compose service, a Kubernetes
   * container): the place to change for a run-time fix. Absent for build findings.
   */
  related?: { file: string; line?: number; message: string }[];
}
