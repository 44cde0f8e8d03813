// The runtime resolver: image + how it is run + what the host holds -> the process identity and
// the file system view it sees. Pure. Mirrors what Docker's daemon and runc do at container
// create/start (moby daemon/oci_linux.go getUser, daemon/container copyExistingContents, runc
// libcontainer/init and env.go), with podman's differences where they matter for files.

import type { Identity, View, ViewMount } from '../access/evaluate.js';
import { DOCKER_DEFAULT_CAPS } from '../access/evaluate.js';
import type {
  Assumption,
  Capability,
  FileKind,
  FileMeta,
  FsTree,
  HostPathFacts,
  ImageState,
  MountSpec,
  PasswdEntry,
  PrivilegeDrop,
  Process,
  RunContext,
  WrittenFile,
} from '../model/types.js';
import {
  execId,
  groupByGid,
  groupByName,
  ID_RANGE_ERROR,
  memberGroups,
  parseId,
  resolveExecUser,
  userByName,
  userByUid,
} from '../image/accounts.js';
import { cloneTree, copyTree, isUnder, mkdirp, normalizePath, octal, parentOf as parentOfPath, removeTree, resolvePath } from '../image/fs.js';
import { DEFAULT_PATH } from '../image/state.js';
import { sortMounts } from './mounts.js';
import { engineFor, parseAuto, parseKeepId, podmanIdMaps, unmappedAutoGroups, unmappedAutoProcess, unmappedGroups, unmappedProcess } from './userns.js';

export type Engine = 'docker' | 'podman';

export { engineFor };

export interface RuntimeNote {
  text: string;
  assumption?: Assumption;
}

/** An init container that fails: its name, what it printed, and what the outcome rests on. */
export interface InitFailure {
  name: string;
  message: string;
  dependsOn: string[];
  /**
   * The kubelet refuses to create the init container (runAsNonRoot with runAsUser: 0, a user
   * the image lacks): CreateContainerConfigError, before its command runs.
   */
  refused?: boolean;
}

/**
 * A reason the engine refuses to start the container. `workdir` marks the working directory's
 * (UID107's), `mount` a mount the runtime refuses (UID206's): two mounts on one container path,
 * or a file mounted onto a folder of the image (or a folder onto a file).
 */
export interface StartError {
  message: string;
  workdir?: true;
  /** From --userns=auto: an option podman cannot read, or a run id outside its size=. */
  usernsAuto?: true;
  mount?: { spec: MountSpec; clash: 'duplicate' | 'kind' | 'volume-name'; other?: MountSpec; imageKind?: FileKind; sourceKind?: FileKind };
  /** A file the starting tool copies in (a Compose environment: or content: secret) that a read-only root refuses. */
  writtenFile?: WrittenFile;
}

export interface RuntimeResolution {
  process: Process;
  view: View;
  identity: Identity;
  notes: RuntimeNote[];
  /** Reasons the container would not start at all. */
  errors: StartError[];
  /**
   * Kubernetes init containers whose command fails: the pod stays in Init (the kubelet restarts
   * them), so the container never starts. Filled by the analysis (runtime/init-containers.ts).
   */
  initFailures?: InitFailure[];
  /**
   * The start command switches user (gosu, setpriv, ...): process and identity above are the
   * ones after the switch, and this holds the one the container starts as.
   */
  drop?: PrivilegeDrop;
  /**
   * An entrypoint script whose text is in the image, followed as it runs at start
   * (runtime/entry-script.ts): what it did is in view, process and the image's accounts.
   */
  script?: {
    path: string;
    /** As the start command names it. */
    written: string;
    /**
     * It stops with an error before it starts the command: the container exits. line is the
     * script's line when its text is followed; step names the command where it is not (a
     * catalog image's start.sh, whose text is described, not read).
     */
    error?: { line?: number; step?: string; message: string; status: number; switchTo?: { name: string; uid: number; gid: number } };
    /** The kernel does not start it at all (no #! line, Windows line endings, no interpreter). */
    refused?: { message: string; why: string; fix: string; snippet?: string };
    /** The script's line that starts the command. */
    workloadLine?: number;
    /** What it starts there, after any switch (`bash /app/run.sh`, `python3 train.py`). */
    workload?: string[];
    /** The user it starts as, when the script starts the command as another. */
    from: Process;
    /**
     * Users whose ids the script changed (`usermod -u "$HOST_UID" app`), with the ids they had
     * in the image: what a chown by name at build time gives a folder to.
     */
    renumbered?: { name: string; uid: number; gid: number }[];
    /**
     * The fewest capabilities (CAP_ names) a root start needs for the script to reach the same
     * workload, found by running it again with them; absent when none of the sets tried works.
     */
    capsNeeded?: string[];
  };
  /**
   * False when the run user could not be resolved (unknown name, id out of range): the
   * process and identity are then a stand-in (nobody), not a prediction.
   */
  userResolved: boolean;
}

/** Every capability of Linux 6.x (capability.h), for --privileged and --cap-add ALL. */
export const ALL_LINUX_CAPS: readonly Capability[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

const KNOWN_CAPS: ReadonlySet<string> = new Set(ALL_LINUX_CAPS);

/** containers.conf's default set (podman 4.x+): Docker's minus MKNOD, NET_RAW, AUDIT_WRITE. */
const PODMAN_DEFAULT_CAPS: readonly Capability[] = [...DOCKER_DEFAULT_CAPS].filter(
  (c) => c !== 'CAP_MKNOD' && c !== 'CAP_NET_RAW' && c !== 'CAP_AUDIT_WRITE',
);

/** The capabilities a root process of the engine has by default. */
export function defaultCaps(engine: Engine): readonly Capability[] {
  return engine === 'podman' ? PODMAN_DEFAULT_CAPS : [...DOCKER_DEFAULT_CAPS];
}

function assumption(id: string, subject: string, text: string, confidence: Assumption['confidence']): Assumption {
  return { id, subject, text, confidence };
}

/**
 * Docker's capability arithmetic (moby daemon/pkg/oci/caps TweakCapabilities): privileged gets
 * everything; ALL in add means everything not dropped; ALL in drop means only what is added;
 * otherwise drop from the defaults, then add.
 */
export function tweakCapabilities(
  defaults: readonly Capability[],
  add: string[],
  drop: string[],
  privileged: boolean,
): Set<Capability> {
  if (privileged) return new Set(ALL_LINUX_CAPS);
  if (add.includes('ALL')) return new Set(ALL_LINUX_CAPS.filter((c) => !drop.includes(c)));
  if (drop.includes('ALL')) return new Set(add.filter((c) => c !== 'ALL'));

  const caps = new Set(defaults.filter((c) => !drop.includes(c)));
  for (const c of add) caps.add(c);

  return caps;
}

/**
 * podman refuses a capability both added and dropped, and ALL in both (containers/common
 * pkg/capabilities MergeCapabilities); --privileged skips that merge (security_linux.go).
 */
export function podmanCapConflict(run: RunContext): string | undefined {
  if (run.privileged) return undefined;
  const addAll = run.capAdd.includes('ALL');
  if (run.capDrop.includes('ALL')) return addAll ? 'adding all caps and removing all caps not allowed' : undefined;
  if (addAll) return undefined;
  const both = run.capAdd.find((c) => run.capDrop.includes(c));

  return both === undefined ? undefined : `capability "${both}" cannot be dropped and added`;
}

/**
 * The capabilities the container's command holds after execve.
 * - uid 0 gets the whole bounding set (capabilities(7): root's execve fills permitted from it).
 * - Docker/runc give a non-root process nothing: no ambient set is raised.
 * - podman puts a non-root user's --cap-add list (ALL = every capability), and only that, in
 *   the effective, permitted, inheritable and ambient sets (pkg/specgen/generate/
 *   security_linux.go, securityConfigureGenerator), so they survive execve as ambient
 *   capabilities. One outside the bounding set (dropped) cannot be inheritable, hence not
 *   ambient (capabilities(7)), so it is left out.
 */
export function effectiveCaps(
  engine: Engine,
  uid: number,
  capAdd: string[],
  bounding: Set<Capability>,
): Set<Capability> {
  if (uid === 0) return bounding;
  if (engine !== 'podman') return new Set();
  const added = capAdd.includes('ALL') ? [...ALL_LINUX_CAPS] : (capAdd as Capability[]);

  return new Set(added.filter((c) => bounding.has(c)));
}

export function runAsIdentity(p: Process): Identity {
  const label = p.userName ? `uid ${p.uid} (${p.userName})` : `uid ${p.uid} (no passwd entry)`;

  return { uid: p.uid, gid: p.gid, groups: [...p.groups], caps: p.caps, label };
}

interface UserResult {
  uid: number;
  gid: number;
  groups: number[];
  name?: string;
  home: string;
  hasPasswdEntry: boolean;
  /** False when the spec did not resolve and the ids are a stand-in. */
  resolved: boolean;
}

/** podman's user-namespace choice for this run: keep-id's ids, or nothing to change. */
function keepIdUser(
  image: ImageState,
  run: RunContext,
  notes: RuntimeNote[],
  errors: { message: string }[],
): { uid: number; gid: number; addCaller: boolean } | undefined {
  const keep = parseKeepId(run.userns);
  if (!keep) return undefined;
  if (!keep.ok) {
    errors.push({ message: keep.error });
    return undefined;
  }

  const inv = run.invoker;
  const rootful = !inv || inv.uid === 0;
  if (rootful) {
    // podman 4.1-4.4 refused keep-id as root; PR #17350 (podman 4.5) copies the host's mapping
    // and runs as uid=/gid= or 0:0 (pkg/util GetKeepIDMapping, rootful branch).
    const a = assumption(
      'podman-keep-id-rootful',
      '--userns=keep-id',
      'podman runs as root here: keep-id keeps the host ids (podman >= 4.5; podman 4.1-4.4 ' +
        'refuse it with "keep-id is only supported in rootless mode")',
      'medium',
    );
    notes.push({ text: a.text, assumption: a });
  }
  const uid = keep.opts.uid ?? (rootful ? 0 : inv.uid);
  const gid = keep.opts.gid ?? (rootful ? 0 : inv.gid);
  // The caller's passwd entry is added only for plain keep-id (specgen/generate/namespaces.go).
  const addCaller = !rootful && keep.opts.uid === undefined && keep.opts.gid === undefined;

  if (run.user !== undefined) return { uid, gid, addCaller };
  // podman copies the image USER into the spec before namespaces.go asks `s.User == ""`
  // (specgen/generate/container.go CompleteSpec), so an image USER still wins: issues #12992
  // (podman 3.3) and #29600 (5.8.4); PR #29634 (Aug 2026) makes keep-id override it.
  if (image.config.user !== '') {
    const a = assumption(
      'podman-keep-id-image-user',
      '--userns=keep-id',
      `the image USER ${image.config.user} is kept with --userns=${run.userns} ` +
        `(podman up to 5.8; builds with PR #29634 run as ${uid}:${gid} instead)`,
      'medium',
    );
    notes.push({ text: a.text, assumption: a });
    return { uid, gid, addCaller };
  }
  notes.push({ text: `--userns=${run.userns}: the image sets no USER, so the process runs as ${uid}:${gid}` });

  return { uid, gid, addCaller };
}

/**
 * The passwd lines podman appends before it looks the user up (libpod
 * container_internal_common.go generatePasswdEntry): keep-id's caller, unless the image has the
 * name or uid (home = the host home when it or a parent is mounted, else the working
 * directory); and any numeric run uid with no entry (home = the working directory).
 */
function podmanPasswd(
  image: ImageState,
  run: RunContext,
  spec: string,
  cwd: string,
  addCaller: boolean,
): { entries: PasswdEntry[]; callerAdded?: number } {
  const acc = image.accounts;
  const entries: PasswdEntry[] = [];
  const inv = run.invoker;
  let callerAdded: number | undefined;

  if (addCaller && inv) {
    callerAdded = inv.uid;
    const known = (inv.name !== undefined && userByName(acc, inv.name)) || userByUid(acc, inv.uid);
    if (!known) {
      const targets = new Set(run.mounts.map((m) => normalizePath(m.target)));
      let home = cwd;
      for (let h = normalizePath(inv.home); h !== '/'; h = h.slice(0, h.lastIndexOf('/')) || '/') {
        if (targets.has(h)) {
          home = normalizePath(inv.home);
          break;
        }
      }
      const name = inv.name ?? String(inv.uid);
      entries.push({ name, uid: inv.uid, gid: inv.gid, gecos: '', home, shell: '/bin/sh' });
    }
  }

  // generateUserPasswdEntry: a uid that ParseUint(…, 32) reads, not added above, not in passwd.
  const [userPart, groupPart = ''] = spec.split(':');
  const uid = /^\d+$/.test(userPart) ? Number(userPart) : undefined;
  if (uid !== undefined && uid <= 0xffffffff && uid !== callerAdded && !userByUid(acc, uid)) {
    const g = groupPart === ''
      ? 0
      : /^\d+$/.test(groupPart) ? Number(groupPart) : groupByName(acc, groupPart)?.gid;
    if (g !== undefined) {
      const name = uid === inv?.uid && inv.name !== undefined ? inv.name : String(uid);
      entries.push({ name, uid, gid: g, gecos: 'container user', home: cwd, shell: '/bin/sh' });
    }
  }

  return { entries, callerAdded };
}

/** How the tool that starts the container spells a read-only root file system. */
export function readOnlyRootSetting(tool: RunContext['tool']): string {
  if (tool === 'kubernetes') return 'securityContext.readOnlyRootFilesystem: true';
  if (tool === 'compose') return 'read_only: true';

  return '--read-only';
}

/**
 * A user-namespace mode under Docker. The docker CLI accepts only "" and host (moby
 * api/types/container UsernsMode.Valid, the part before any ':') and refuses the rest before it
 * creates anything: `docker: --userns: invalid USER mode.` (cli/command/container/opts.go).
 * Compose sends userns_mode to the Engine API, whose container checks look at the IPC, PID, UTS
 * and cgroup namespace modes but not this one (moby daemon verifyPlatformContainerSettings);
 * any mode but host is then the daemon's default namespace, so podman's keep-id does nothing.
 */
function dockerUserns(run: RunContext, notes: RuntimeNote[], errors: { message: string }[]): void {
  const mode = run.userns;
  if (mode === undefined || mode === '' || mode.split(':')[0] === 'host') return;
  if (run.tool === 'docker') {
    errors.push({ message: '--userns: invalid USER mode' });
    notes.push({ text: `docker run refuses --userns=${mode}: the docker CLI knows only --userns=host (keep-id, auto and nomap are podman's)` });
    return;
  }
  if (run.tool !== 'compose') return;
  const a = assumption(
    'docker-userns-ignored',
    `userns_mode: ${mode}`,
    `userns_mode: ${mode} is podman's: the Docker Engine does not check userns_mode and runs the container in its ` +
      'default user namespace (no mapping unless the daemon has userns-remap), so the ids are not kept',
    'medium',
  );
  notes.push({ text: a.text, assumption: a });
}

/**
 * podman's own maps: the process's uid and gid must be inside --uidmap/--gidmap, or the
 * container does not start; supplementary groups outside the gid map are left out (libpod
 * container_internal_common.go: "Additional gid=N is not present in the user namespace, skip
 * setting it"). nomap needs a rootless podman. Returns the groups the process keeps.
 */
function mappedIds(
  run: RunContext,
  uid: number,
  gid: number,
  groups: number[],
  notes: RuntimeNote[],
  errors: StartError[],
): number[] {
  const auto = parseAuto(run);
  if (auto?.ok === false) {
    errors.push({ message: auto.error, usernsAuto: true });
    notes.push({ text: `podman refuses --userns=${run.userns} (${auto.error})` });
    return groups;
  }
  if (auto?.ok === true) {
    const size = auto.opts.size;
    const why = unmappedAutoProcess(auto.opts, uid, gid);
    if (why !== undefined) {
      errors.push({ message: why, usernsAuto: true });
      notes.push({ text: `the container would not start: --userns=${run.userns} maps only container ids 0 to ${size! - 1}${auto.opts.uid.length + auto.opts.gid.length > 0 ? ' and the forced uidmapping=/gidmapping= ids' : ''}, and ${uid}:${gid} is not among them; no process may run as an id its user namespace does not map` });
      return groups;
    }
    const left = unmappedAutoGroups(auto.opts, groups.slice(1));
    if (left.length === 0) return groups;
    notes.push({ text: `podman leaves out supplementary group${left.length > 1 ? 's' : ''} ${left.join(', ')}, outside --userns=${run.userns}` });

    return groups.filter((g, i) => i === 0 || !left.includes(g));
  }
  if (run.userns?.split(':')[0] === 'nomap' && (!run.invoker || run.invoker.uid === 0)) {
    errors.push({ message: 'nomap is only supported in rootless mode' });
    notes.push({ text: `podman refuses --userns=${run.userns} as root: nomap leaves the caller out of a rootless namespace` });
    return groups;
  }
  const ids = podmanIdMaps(run);
  if (ids === undefined) return groups;
  if (!ids.ok) {
    errors.push({ message: ids.error });
    notes.push({ text: `podman refuses the id mapping (${ids.error})` });
    return groups;
  }

  const why = unmappedProcess(ids.maps, uid, gid);
  if (why !== undefined) {
    errors.push({ message: why });
    notes.push({ text: `the container would not start: ${uid}:${gid} is not inside --uidmap/--gidmap, and no process may run as an id its user namespace does not map` });
    return groups;
  }
  const left = unmappedGroups(ids.maps, groups.slice(1));
  if (left.length === 0) return groups;
  notes.push({ text: `podman leaves out supplementary group${left.length > 1 ? 's' : ''} ${left.join(', ')}, outside --gidmap` });

  return groups.filter((g, i) => i === 0 || !left.includes(g));
}

/** The run user: --user, podman keep-id, Kubernetes runAsUser/runAsGroup, else the image USER. */
function resolveUser(
  image: ImageState,
  run: RunContext,
  engine: Engine,
  cwd: string,
  notes: RuntimeNote[],
  errors: { message: string }[],
): UserResult {
  let acc = image.accounts;
  // --user $(cmd) that could not be evaluated: no user to look up, and no reason to think the
  // container fails to start either.
  if (run.userUnknown !== undefined) {
    notes.push({ text: `--user ${run.userUnknown} cannot be evaluated: the user is not known; the identity below is a stand-in (nobody)` });
    // The run's --group-add still applies, whoever the user is (a socket's group, say).
    const added = run.groupAdd.flatMap((g) => {
      const n = execId(g);
      return typeof n === 'number' ? [n] : groupByName(acc, g) ? [groupByName(acc, g)!.gid] : [];
    });

    return { uid: 65534, gid: 65534, groups: [65534, ...added.filter((g) => g !== 65534)], home: '/', hasPasswdEntry: false, resolved: false };
  }
  let spec = run.user ?? image.config.user;

  if (engine === 'docker') dockerUserns(run, notes, errors);
  // podman --userns=keep-id runs as the caller when neither --user nor the image names a user.
  const keep = engine === 'podman' ? keepIdUser(image, run, notes, errors) : undefined;
  if (keep && run.user === undefined && image.config.user === '') spec = `${keep.uid}:${keep.gid}`;

  // podman --passwd=false (and buildah run, which has no such step) adds no lines.
  if (engine === 'podman' && run.passwd !== false) {
    const added = podmanPasswd(image, run, spec, cwd, keep?.addCaller ?? false);
    if (added.entries.length > 0) {
      acc = { ...acc, passwd: [...acc.passwd, ...added.entries] };
      for (const e of added.entries) {
        notes.push({ text: `podman adds ${e.name}:x:${e.uid}:${e.gid} (home ${e.home}) to the container's /etc/passwd` });
      }
    }
  }

  const r = resolveExecUser(acc, spec);
  if (!r.ok) {
    errors.push({ message: r.error });
    notes.push({ text: `the container would not start (${r.error}); the identity below is a stand-in (nobody)` });

    return { uid: 65534, gid: 65534, groups: [65534], home: '/', hasPasswdEntry: false, resolved: false };
  }

  let { gid } = r.user;
  let supplementary = r.user.supplementary;

  // Kubernetes: runAsGroup replaces the primary group; with the default Merge policy the image's
  // /etc/group memberships of the uid are still added.
  // https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#configure-fine-grained-supplementalgroups-control-for-a-pod
  if (run.tool === 'kubernetes') {
    if (run.runAsGroup !== undefined) gid = run.runAsGroup;
    const entry = userByUid(acc, r.user.uid);
    supplementary =
      run.supplementalGroupsPolicy === 'Strict' || !entry ? [] : memberGroups(acc, entry.name).map((g) => g.gid);
  }

  const groups = [gid, ...supplementary];
  for (const g of run.groupAdd) {
    if (g === 'keep-groups') {
      notes.push({ text: '--group-add keep-groups: the caller\'s host groups are kept; they are not known here' });
      continue;
    }
    // moby/sys user.GetAdditionalGroups: a number with no group entry must be in range.
    const n = execId(g);
    if (n === 'range' && !acc.group.some((e) => String(e.gid) === g)) {
      errors.push({ message: ID_RANGE_ERROR });
      continue;
    }
    if (typeof n === 'number') {
      groups.push(n);
      continue;
    }
    const entry = groupByName(acc, g);
    if (!entry) errors.push({ message: `unable to find group ${g}: no matching entries in group file` });
    else groups.push(entry.gid);
  }
  if (run.fsGroup !== undefined) groups.push(run.fsGroup);
  const kept = engine === 'podman' ? mappedIds(run, r.user.uid, gid, groups, notes, errors) : groups;

  return {
    uid: r.user.uid,
    gid,
    groups: kept.filter((g, i) => kept.indexOf(g) === i),
    name: r.user.name,
    home: r.user.home,
    hasPasswdEntry: r.user.hasPasswdEntry,
    resolved: true,
  };
}

/** Kubernetes' kubelet check for runAsNonRoot (kuberuntime security_context verifyRunAsNonRoot). */
function checkNonRoot(image: ImageState, run: RunContext, uid: number, errors: { message: string }[]): void {
  if (!run.runAsNonRoot) return;

  // An explicit runAsUser is judged alone: 0 is refused, any other id passes, the image's
  // USER is not looked at.
  if (run.user !== undefined) {
    if (uid === 0) errors.push({ message: "container's runAsUser breaks non-root policy" });
    return;
  }

  const userPart = image.config.user.split(':')[0];
  if (userPart !== '' && parseId(userPart) === undefined) {
    errors.push({
      message: `container has runAsNonRoot and image has non-numeric user (${userPart}), cannot verify user is non-root`,
    });
  } else if (uid === 0) {
    errors.push({ message: 'container has runAsNonRoot and image will run as root' });
  }
}

function hostFact(host: HostPathFacts[], path: string): HostPathFacts | undefined {
  return host.find((h) => normalizePath(h.path) === path);
}

function dirMeta(uid: number, gid: number, mode: number, origin: string, partial = false): FileMeta {
  return partial ? { kind: 'dir', uid, gid, mode, origin, partial } : { kind: 'dir', uid, gid, mode, origin };
}

interface ViewBuild {
  fs: FsTree;
  mounts: ViewMount[];
  dependsOn: { prefix: string; id: string }[];
  notes: RuntimeNote[];
  errors: StartError[];
}

/** Lay a bind mount over the tree: the host's metadata shows through unchanged. */
function applyBind(vb: ViewBuild, m: MountSpec, target: string, host: HostPathFacts[], engine: Engine): void {
  const src = m.source ?? '';
  const facts = hostFact(host, src);
  // The host facts show the source goes through links: the kernel mounts where they lead.
  if (m.linkedFrom !== undefined) vb.notes.push({ text: `${m.linkedFrom} is ${src} on the host: the mount follows the links the host facts give (${(m.links ?? []).join(', ')})` });

  // A hostPath subPath: the type check is the volume's own path's, and a missing subPath is made
  // by the kubelet, not the container runtime.
  if (m.volumeRoot !== undefined && m.volumeRoot !== src && facts && !facts.exists) {
    if (subPathMadeByKubelet(vb, m, target, host)) return;
  }

  // Kubernetes hostPath types: the kubelet checks (and for the *OrCreate types makes) the node's
  // path before the mount (pkg/volume/hostpath/host_path.go checkTypeInternal).
  if (m.hostPathType !== undefined && facts) {
    const type = m.hostPathType;
    const kind = facts.exists ? facts.meta?.kind : undefined;
    const wants: Record<string, [string, string]> = {
      Directory: ['dir', 'a directory'], DirectoryOrCreate: ['dir', 'a directory'],
      File: ['file', 'a file'], FileOrCreate: ['file', 'a file'],
      Socket: ['socket', 'a socket file'], CharDevice: ['char', 'a character device'], BlockDevice: ['block', 'a block device'],
    };
    const want = wants[type];
    if (!facts.exists && type === 'FileOrCreate') {
      vb.notes.push({ text: `${src} does not exist on the node: hostPath FileOrCreate makes it an empty file, 0644, owned by the kubelet's user (root)` });
      vb.fs.set(target, { kind: 'file', uid: 0, gid: 0, mode: 0o644, origin: `host:${src} (created by the kubelet)` });
      return;
    }
    if (!facts.exists && type === 'DirectoryOrCreate') {
      vb.notes.push({ text: `${src} does not exist on the node: hostPath DirectoryOrCreate makes it a directory, 0755, owned by the kubelet's user (root)` });
      vb.fs.set(target, dirMeta(0, 0, 0o755, `host:${src} (created by the kubelet)`));
      return;
    }
    // A kind the facts can tell (dir, file) that is not the one asked for, or nothing there.
    const known = kind === 'dir' || kind === 'file' || !facts.exists;
    if (want && known && kind !== want[0]) {
      vb.errors.push({ message: `MountVolume.SetUp failed for volume "${m.volumeName ?? ''}" : hostPath type check failed: ${src} is not ${want[1]}` });
      return;
    }
    if (!facts.exists) {
      // Type "": no check; the container runtime (containerd, CRI-O) makes the missing source.
      const a = assumption(`k8s-hostpath-created:${src}`, src, `${src} does not exist on the node: hostPath with no type is not checked by the kubelet, and the container runtime (containerd, CRI-O) is taken to make the missing source a directory, 0755, owned by root`, 'medium');
      vb.notes.push({ text: a.text, assumption: a });
      vb.dependsOn.push({ prefix: target, id: a.id });
      vb.fs.set(target, dirMeta(0, 0, 0o755, `host:${src} (created by the container runtime)`));
      return;
    }
  }

  if (facts && !facts.exists) {
    if (!m.createMissingSource) {
      vb.errors.push({
        message: engine === 'podman' && !m.written.startsWith('--mount')
          ? `statfs ${src}: no such file or directory`
          : `invalid mount config for type "bind": bind source path does not exist: ${src}`,
      });
      return;
    }
    // moby daemon/volume/mounts: -v creates the missing source directory as the daemon's root.
    vb.notes.push({ text: `${src} does not exist on the host: ${m.written} creates it as root:root 0755` });
    vb.fs.set(target, dirMeta(0, 0, 0o755, `host:${src} (created by the daemon)`));
    return;
  }

  if (m.volumeType === 'hostPath' && (!facts || !facts.meta)) {
    nodePathUnknown(vb, m, target, host, facts?.exists === true);
    return;
  }

  if (!facts || !facts.meta) {
    const a = assumption(
      `host-unknown:${src}`,
      src,
      facts?.exists
        ? `the host path ${src} exists, but its owner and mode are not known (the host facts give none); assumed a directory owned by root, mode 0755`
        : `nothing is known about the host path ${src}; assumed a directory owned by root, mode 0755`,
      'low',
    );
    vb.notes.push({ text: a.text, assumption: a });
    vb.dependsOn.push({ prefix: target, id: a.id });
    vb.fs.set(target, dirMeta(0, 0, 0o755, `host:${src}`, true));
    hostChildren(vb, src, target, host);
    return;
  }

  const meta = facts.meta;
  vb.fs.set(target, {
    ...meta,
    origin: `host:${src}`,
    // The host's listing is unknown unless the facts say it is complete.
    partial: meta.kind === 'dir' ? meta.partial ?? true : undefined,
  });

  hostChildren(vb, src, target, host);
}

/**
 * A hostPath the host facts do not describe: it is a path on the node the pod runs on, which
 * this machine's stat says nothing of (check.ts does not read it), as a remote Docker daemon's
 * bind sources are (docker-daemon:remote). Whether it exists, its owner and its mode are an
 * assumption of low confidence that the verdicts below it name: the kubelet's type check is
 * taken to pass (Directory, DirectoryOrCreate and no type: a directory; File and FileOrCreate:
 * a file), owned by root with the mode the *OrCreate types give a path they make (0755, 0644).
 * A failed type check is then never reported as certain; --host-facts gives the node's facts.
 */
function nodePathUnknown(vb: ViewBuild, m: MountSpec, target: string, host: HostPathFacts[], exists: boolean): void {
  const src = m.source ?? '';
  const type = m.hostPathType ?? '';
  const file = type === 'File' || type === 'FileOrCreate';
  const other = type === 'Socket' || type === 'CharDevice' || type === 'BlockDevice';
  const shape = file ? 'a file owned by root, mode 0644' : other ? `a ${type === 'Socket' ? 'socket' : 'device node'} owned by root, mode 0660` : 'a directory owned by root, mode 0755';
  const check = type === '' ? 'hostPath with no type is not checked' : `the kubelet's type check (${type}) is taken to pass`;
  const a = assumption(
    `host-unknown:${src}`,
    src,
    `${src} is a path on the cluster node, not on this machine, and --host-facts does not describe ${exists ? 'its owner and mode' : 'it'}: ${check}; assumed ${shape}`,
    'low',
  );
  vb.notes.push({ text: a.text, assumption: a });
  vb.dependsOn.push({ prefix: target, id: a.id });
  if (file || other) {
    vb.fs.set(target, { kind: file ? 'file' : 'other', uid: 0, gid: 0, mode: file ? 0o644 : 0o660, origin: `host:${src}` });
    return;
  }
  vb.fs.set(target, dirMeta(0, 0, 0o755, `host:${src}`, true));
  hostChildren(vb, src, target, host);
}

/** Children the host facts describe show up under the target. */
function hostChildren(vb: ViewBuild, src: string, target: string, host: HostPathFacts[]): void {
  for (const h of host) {
    const p = normalizePath(h.path);
    if (p === src || !isUnder(p, src) || !h.exists || !h.meta) continue;
    vb.fs.set(target + p.slice(src.length), { ...h.meta, origin: `host:${p}` });
  }
}

/**
 * A hostPath mounted with a subPath that does not exist on the node. The kubelet makes it before
 * the container starts (kubelet_pods.go makeMounts: "Create the sub path now because if it's
 * auto-created later when referenced, it may have an incorrect ownership and mode"): each missing
 * folder gets the mode of the volume's own path, setgid and sticky bits included (hostutil
 * GetMode, then subpath_linux.go doSafeMakeDir: mkdirat and fchmod), and the kubelet's owner,
 * root; the group is root's too unless the folder above has the setgid bit, whose group a new
 * folder takes (mkdir(2)). False when the volume's own path is not known or is missing (then
 * the hostPath type decides, as for a mount without subPath).
 */
function subPathMadeByKubelet(vb: ViewBuild, m: MountSpec, target: string, host: HostPathFacts[]): boolean {
  const root = hostFact(host, m.volumeRoot!);
  if (!root?.exists || root.meta?.kind !== 'dir') return false;
  const type = m.hostPathType ?? '';
  // The type check is on the volume's path, which is a directory here: only File-like types fail.
  if (type !== '' && type !== 'Directory' && type !== 'DirectoryOrCreate') return false;
  const mode = root.meta.mode & 0o7777;
  const gid = mode & 0o2000 ? root.meta.gid : 0;
  const src = m.source ?? '';
  vb.notes.push({
    text: `${src} does not exist on the node: the kubelet makes the subPath ${m.subPath} before the container starts, with the mode of ${m.volumeRoot} (${formatOctal(mode)}), owned by root (0:${gid})`,
  });
  vb.fs.set(target, dirMeta(0, gid, mode, `host:${src} (subPath made by the kubelet)`));

  return true;
}

function formatOctal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/**
 * podman's `U` volume option: before the container starts, podman changes the owner of the
 * source and of everything below it to the container process's uid and gid (podman-run(1),
 * --volume "Chowning Volume Mounts"; measured with buildah run -v SRC:DST:U, which shares the
 * code). Modes are left as they are.
 */
function chownMount(vb: ViewBuild, m: MountSpec, target: string, user: UserResult): void {
  for (const [p, meta] of [...vb.fs]) {
    if (!isUnder(p, target)) continue;
    vb.fs.set(p, { ...meta, uid: user.uid, gid: user.gid, origin: `${meta.origin ?? target} (owner changed by :U)` });
  }
  vb.notes.push({ text: `${m.written}: podman gives ${m.source ?? target} and everything in it to ${user.uid}:${user.gid} (the U option) before the container starts` });
}

/**
 * A new volume (named, anonymous, or an image VOLUME): Docker copies the image's content at
 * the path into it and gives its root the image directory's owner and mode
 * (moby daemon/container copyExistingContents); an empty image path or `nocopy` leaves a fresh
 * root:root 0755 directory. podman chowns a volume with no image content to the process user.
 */
function applyVolume(
  vb: ViewBuild,
  m: MountSpec,
  target: string,
  imageFs: FsTree,
  engine: Engine,
  user: UserResult,
  fsGroup: number | undefined,
): void {
  const image = imageFs.get(target);
  const label = m.source ? `volume ${m.source}` : `anonymous volume at ${target}`;

  if (m.volumeType !== undefined) {
    applyKubernetesVolume(vb, m, target, fsGroup);
    return;
  }

  if (m.kind === 'volume') {
    const a = assumption(
      `volume-new:${m.source}`,
      `volume ${m.source}`,
      `named volume ${m.source} is assumed new and empty; an existing volume keeps whatever owner and content it has`,
      'medium',
    );
    vb.notes.push({ text: a.text, assumption: a });
    vb.dependsOn.push({ prefix: target, id: a.id });
  }

  if (image && image.kind === 'dir' && !m.nocopy) {
    copyTree(imageFs, target, vb.fs, target, (meta) => ({ ...meta }));
    vb.notes.push({
      text: `${label}: the image's ${target} (${octal(image.mode)} ${image.uid}:${image.gid}) is copied in`,
    });
    return;
  }

  // The image's listing above the path is partial: the directory may be there, with an owner
  // the volume would copy. The verdict then rests on taking it as missing.
  if (!image && !m.nocopy && resolvePath(imageFs, target).unknown) {
    const owner = engine === 'podman' ? `${user.uid}:${user.gid} (podman)` : 'root:root 0755';
    const a = assumption(
      `volume-path-unknown:${target}`,
      target,
      `whether the image has ${target} is not known (its parent's listing is partial); taken as missing, ` +
        `so ${label} starts empty, ${owner}; if the image has it, the volume copies its owner and mode`,
      'low',
    );
    vb.notes.push({ text: a.text, assumption: a });
    vb.dependsOn.push({ prefix: target, id: a.id });
  }

  if (engine === 'podman') {
    vb.fs.set(target, dirMeta(user.uid, user.gid, 0o755, `${label} (podman, owned by the process user)`));
    vb.notes.push({ text: `${label}: no image content at ${target}; podman gives the new volume to ${user.uid}:${user.gid}` });
    return;
  }

  vb.fs.set(target, dirMeta(0, 0, 0o755, `${label} (new, empty)`));
  vb.notes.push({ text: `${label}: ${m.nocopy ? 'nocopy' : `no image directory at ${target}`}, so the volume root is root:root 0755` });
}

/**
 * Kubernetes volume types. Sources:
 * - emptyDir is created world-writable (0777) by the kubelet:
 *   https://kubernetes.io/docs/concepts/storage/volumes/#emptydir and pkg/volume/emptydir.
 * - fsGroup: "the owning GID will be the FSGroup, the setgid bit is set, and the permission bits
 *   are OR'd with rw-rw----":
 *   https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context
 * - configMap/secret volumes are mounted read-only, files with defaultMode (0644 by default):
 *   https://kubernetes.io/docs/concepts/storage/volumes/#configmap
 */
function applyKubernetesVolume(vb: ViewBuild, m: MountSpec, target: string, fsGroup: number | undefined): void {
  const type = m.volumeType ?? '';
  const origin = `kubernetes ${type}${m.source ? ` ${m.source}` : ''}`;
  const withFsGroup = (mode: number): { gid: number; mode: number } =>
    fsGroup === undefined ? { gid: 0, mode } : { gid: fsGroup, mode: mode | 0o2000 | 0o070 };

  if (type === 'emptyDir') {
    const { gid, mode } = withFsGroup(0o777);
    vb.fs.set(target, dirMeta(0, gid, mode, origin));
    vb.notes.push({ text: `emptyDir ${m.source ?? ''} at ${target}: a new directory ${octal(mode)} 0:${gid}` });
    return;
  }

  if (type === 'configMap' || type === 'secret' || type === 'projected' || type === 'downwardAPI') {
    const gid = fsGroup ?? 0;
    // With fsGroup the kubelet's SetVolumeOwnership also ORs 0440 into each file of these
    // read-only volumes, whatever defaultMode says (pkg/volume/volume_linux.go; kubernetes
    // issue #57923): a 0400 secret becomes 0440, readable by the group.
    const itemMode = (mode: number) => (fsGroup === undefined ? mode : mode | 0o440);
    const fileMode = itemMode(m.defaultMode ?? 0o644);

    // With subPath the kubelet bind-mounts that one item, a file, over the target
    // (https://kubernetes.io/docs/concepts/storage/volumes/#using-subpath).
    if (m.subPath !== undefined) {
      const item = m.items?.find((it) => normalizePath(it.path, '/') === normalizePath(m.subPath ?? '', '/'));
      const mode = item?.mode !== undefined ? itemMode(item.mode) : fileMode;
      const uid = item?.uid ?? 0;
      vb.fs.set(target, { kind: 'file', uid, gid, mode, origin: `${origin} item ${m.subPath}` });
      vb.notes.push({ text: `${type} ${m.source ?? ''} item ${m.subPath} at ${target}: a file ${octal(mode)} ${uid}:${gid}` });
      return;
    }

    // A projected volume lists its files when every source does (kubernetes.ts projectedFiles).
    vb.fs.set(target, dirMeta(0, gid, 0o755, origin, m.items === undefined || m.keysUnlisted === true));
    for (const it of m.items ?? []) {
      const p = normalizePath(it.path, target);
      mkdirp(vb.fs, p.slice(0, p.lastIndexOf('/')) || '/', { uid: 0, gid, mode: 0o755, origin });
      vb.fs.set(p, { kind: 'file', uid: it.uid ?? 0, gid, mode: it.mode !== undefined ? itemMode(it.mode) : fileMode, origin });
      // A serviceAccountToken's file (and the like): the pod's FsUser owns it, 0600 (projected.go).
      if (it.uid !== undefined) {
        vb.notes.push({ text: `${type} ${m.source ?? ''} at ${target}: ${p} is written for the pod's user, ${it.uid}:${gid} ${octal(it.mode !== undefined ? itemMode(it.mode) : fileMode)} (every container of the pod runs as uid ${it.uid}, so the kubelet gives it the file)` });
      }
    }
    const owned = (m.items ?? []).filter((it) => it.uid !== undefined)
      .map((it) => `${it.path}: ${it.uid}:${gid} ${octal(it.mode !== undefined ? itemMode(it.mode) : fileMode)}`);
    const a = assumption(
      `k8s-${type}-root:${target}`,
      target,
      `${type} volume directory assumed 0755 0:${gid}; its files are ${octal(fileMode)}${owned.length > 0 ? ` (${owned.join(', ')} the kubelet writes for the pod's user)` : ''} and it is read-only`,
      'medium',
    );
    vb.notes.push({ text: a.text, assumption: a });
    vb.dependsOn.push({ prefix: target, id: a.id });
    return;
  }

  // nfs: the server's export shows through with the owner and mode it has there, and the
  // in-tree NFS plugin does not apply fsGroup (it never calls SetVolumeOwnership; kubernetes
  // issue #95945, PR #96900 closed in favour of csi-driver-nfs). Nothing of it is known here.
  if (type === 'nfs') {
    vb.fs.set(target, dirMeta(0, 0, 0o755, origin, true));
    const a = assumption(
      `k8s-nfs-owner:${target}`,
      target,
      `nfs volume ${m.source ?? ''}: its owner and mode are the NFS server's export, not known here; assumed 0755 0:0` +
        `${fsGroup !== undefined ? ' (fsGroup does not change it: the NFS volume plugin does not apply fsGroup ownership)' : ''}`,
      'low',
    );
    vb.notes.push({ text: a.text, assumption: a });
    vb.dependsOn.push({ prefix: target, id: a.id });
    return;
  }

  // persistentVolumeClaim and every other provisioned volume: ownership depends on the driver.
  const { gid, mode } = withFsGroup(0o755);
  vb.fs.set(target, dirMeta(0, gid, mode, origin, true));
  const a = assumption(
    `k8s-volume-owner:${target}`,
    target,
    `${type} volume ${m.source ?? ''}: owner unknown (depends on the storage driver); assumed ` +
      `${octal(mode)} 0:${gid}${fsGroup !== undefined ? ' after the fsGroup change' : ''}`,
    'low',
  );
  vb.notes.push({ text: a.text, assumption: a });
  vb.dependsOn.push({ prefix: target, id: a.id });
}

const PROJECTED = new Set(['configMap', 'secret', 'projected', 'downwardAPI']);

/**
 * A configMap, secret, projected or downwardAPI volume mounted without `items` holds one file
 * per key of its source, and the keys are not in the manifest: "If unspecified, each key-value
 * pair in the Data field of the referenced ConfigMap will be projected into the volume as a file
 * whose name is the key" (API reference, ConfigMapVolumeSource). A path the container names
 * directly below such a mount (keys have no '/') is taken to be one of them, a file with the
 * volume's defaultMode (0644 unless set, with fsGroup's 0440 ORed in), with an assumption the
 * verdicts on it depend on, rather than reported missing.
 */
export function assumeProjectedKeys(view: View, run: RunContext, paths: string[]): RuntimeNote[] {
  const notes: RuntimeNote[] = [];
  for (const m of run.mounts) {
    if (!PROJECTED.has(m.volumeType ?? '') || (m.items !== undefined && m.keysUnlisted !== true) || m.subPath !== undefined) continue;
    // Where the volume is in the view: its mountPath with the image's symlinks followed, as
    // runc follows them (a mount at /var/run/secrets/x is at /run/secrets/x when /var/run is
    // a link to /run); a path named through the link is the same file.
    const target = resolvePath(view.fs, normalizePath(m.target)).path;
    for (const raw of paths) {
      const named = normalizePath(raw);
      if (named === '/') continue;
      const path = `${resolvePath(view.fs, parentOfPath(named)).path.replace(/\/$/, '')}/${named.slice(named.lastIndexOf('/') + 1)}`;
      if (path === target || parentOfPath(path) !== target || view.fs.has(path)) continue;
      const fsGroup = run.fsGroup;
      const mode = (m.defaultMode ?? 0o644) | (fsGroup === undefined ? 0 : 0o440);
      const gid = fsGroup ?? 0;
      const key = path.slice(target.length + 1);
      view.fs.set(path, { kind: 'file', uid: 0, gid, mode, origin: `kubernetes ${m.volumeType} ${m.source ?? ''} key ${key} (assumed)` });
      const a = assumption(
        `k8s-${m.volumeType}-keys:${path}`,
        path,
        `${m.volumeType} ${m.source ?? ''} is mounted at ${target} without items, so its keys are not in the manifest: ${key} is taken to be one of them, a file ${octal(mode)} 0:${gid}${m.defaultMode === undefined ? ' (the default mode, 0644)' : ' (defaultMode)'}; if it is not, ${path} does not exist`,
        'medium',
      );
      notes.push({ text: a.text, assumption: a });
      (view.dependsOn ??= []).push({ prefix: path, id: a.id });
    }
  }

  return notes;
}

/** tmpfs: a fresh root-owned 1777 directory unless mode/uid/gid say otherwise (docs: tmpfs). */
function applyTmpfs(vb: ViewBuild, m: MountSpec, target: string, imageFs: FsTree, engine: Engine): void {
  const meta = dirMeta(m.tmpfsUid ?? 0, m.tmpfsGid ?? 0, m.tmpfsMode ?? 0o1777, 'tmpfs');

  // podman copies the image content into the tmpfs (tmpcopyup, its default; notmpcopyup turns
  // it off), Docker hides it. buildah run's tmpfs hides it too (measured with buildah 1.28,
  // which refuses tmpcopyup): the oracle asks for its runs with notmpcopyup.
  if (engine === 'podman' && m.tmpcopyup !== false && imageFs.get(target)?.kind === 'dir') {
    copyTree(imageFs, target, vb.fs, target);
  }
  vb.fs.set(target, meta);
}

function describeMount(m: MountSpec): string {
  switch (m.kind) {
    case 'bind': return `a bind mount of ${m.source}`;
    case 'volume': return m.volumeType ? `a ${m.volumeType} volume ${m.source ?? ''}`.trim() : `the named volume ${m.source}`;
    case 'anonymous': return 'an anonymous volume';
    case 'image-volume': return 'an anonymous volume (image VOLUME)';
    case 'tmpfs': return 'a tmpfs';
  }
}

/**
 * The image VOLUME paths the run does not mount over: Docker and podman make a new anonymous
 * volume for each when the container is created (Dockerfile reference, VOLUME).
 */
export function imageVolumeMounts(image: ImageState, runMounts: MountSpec[]): MountSpec[] {
  const targets = new Set(runMounts.map((m) => normalizePath(m.target)));
  const out: MountSpec[] = [];

  for (const v of image.config.volumes) {
    const target = normalizePath(v);
    if (targets.has(target)) continue;
    out.push({ target, kind: 'image-volume', readonly: false, createMissingSource: false, written: `VOLUME ${v}` });
  }

  return out;
}

/**
 * The /dev/shm every container gets: its own tmpfs, root-owned 1777, 64M by default (moby's
 * default spec mount and daemon setupIPCDirs "mode=1777,size=..."; containerd's default spec,
 * used under Kubernetes, and podman mount the same). --ipc=host shows the host's /dev/shm
 * instead; --ipc=none mounts none; a user mount on /dev or /dev/shm replaces it (moby
 * daemon/oci_linux.go drops the default mount then).
 */
function applyShm(vb: ViewBuild, run: RunContext): void {
  if (run.mounts.some((m) => ['/dev', '/dev/shm'].includes(normalizePath(m.target)))) return;
  const raw = run.options?.ipc?.at(-1) ?? '';
  // Compose keeps keys it does not model as JSON text.
  const ipc = raw.startsWith('"') ? String(JSON.parse(raw)) : raw;
  if (ipc === 'none') return;

  const origin = ipc === 'host' ? 'host /dev/shm (--ipc=host)' : 'tmpfs /dev/shm (engine default)';
  mkdirp(vb.fs, '/dev', { uid: 0, gid: 0, mode: 0o755, origin: 'mount point for /dev/shm' });
  removeTree(vb.fs, '/dev/shm');
  vb.fs.set('/dev/shm', dirMeta(0, 0, 0o1777, origin));
  const describe = ipc === 'host' ? 'the host\'s /dev/shm (--ipc=host)' : 'the engine\'s /dev/shm tmpfs';
  vb.mounts.push({ target: '/dev/shm', readonly: false, describe });
  if (ipc === 'host') {
    const a = assumption(
      'ipc-host-shm',
      '/dev/shm',
      'with --ipc=host the host\'s /dev/shm is shared; assumed root-owned 1777 as Linux distributions mount it',
      'medium',
    );
    vb.notes.push({ text: a.text, assumption: a });
    vb.dependsOn.push({ prefix: '/dev/shm', id: a.id });
  }
}

function buildView(
  image: ImageState,
  run: RunContext,
  host: HostPathFacts[],
  engine: Engine,
  user: UserResult,
  cwd: string,
): ViewBuild {
  const vb: ViewBuild = { fs: cloneTree(image.fs), mounts: [], dependsOn: [], notes: [], errors: [] };
  // podman (and buildah run) make the working directory before the mounts, so a mount below it
  // does not leave it root-owned (measured with buildah run); Docker makes it afterwards.
  if (engine === 'podman') ensureWorkdir(vb, cwd, run, engine, user);

  applyShm(vb, run);
  vb.errors.push(...duplicateMounts(run, engine));
  const mounts: MountSpec[] = [...run.mounts, ...imageVolumeMounts(image, run.mounts)];

  for (const m of sortMounts(mounts)) {
    // runc resolves the destination inside the rootfs, following symlinks (securejoin).
    const target = resolvePath(vb.fs, normalizePath(m.target)).path;
    const parent = target.slice(0, target.lastIndexOf('/')) || '/';
    const clash = m.kind === 'bind' ? kindClash(m, target, vb.fs.get(target), host, run, engine) : undefined;
    if (clash) vb.errors.push(clash);
    const badName = m.kind === 'volume' ? volumeNameError(m, run, engine) : undefined;
    if (badName) {
      vb.errors.push(badName);
      continue;
    }

    // A missing mount point (and its parents) is created by runc as root 0755.
    mkdirp(vb.fs, parent, { uid: 0, gid: 0, mode: 0o755, origin: `mount point for ${m.target}` });
    removeTree(vb.fs, target);

    if (m.kind === 'bind') applyBind(vb, m, target, host, engine);
    else if (m.kind === 'tmpfs') applyTmpfs(vb, m, target, image.fs, engine);
    else applyVolume(vb, m, target, image.fs, engine, user, run.fsGroup);
    if (m.chownToUser && (m.kind === 'bind' || m.kind === 'volume')) chownMount(vb, m, target, user);

    // configMap/secret volumes are always read-only in Kubernetes.
    const ro = m.readonly || ['configMap', 'secret', 'projected', 'downwardAPI'].includes(m.volumeType ?? '');
    vb.mounts.push({ target, readonly: ro, describe: describeMount(m) });
  }
  applyWrittenFiles(vb, run);

  return vb;
}

/**
 * Files the starting tool copies into the container before it starts (docker compose's
 * environment: and content: secrets and configs). The daemon refuses a copy into a read-only
 * root filesystem, wherever the file goes, mounts included (moby daemon/archive.go
 * containerExtractToDir checks the extraction point, "/": "container rootfs is marked
 * read-only"). Missing folders above the file are made root 0755 (moby pkg/archive Unpack).
 */
function applyWrittenFiles(vb: ViewBuild, run: RunContext): void {
  for (const f of run.files ?? []) {
    if (run.readOnlyRootfs) {
      vb.errors.push({ message: `container rootfs is marked read-only (docker compose copies ${f.written} into the container)`, writtenFile: f });
      continue;
    }
    const path = resolvePath(vb.fs, normalizePath(f.path)).path;
    mkdirp(vb.fs, path.slice(0, path.lastIndexOf('/')) || '/', { uid: 0, gid: 0, mode: 0o755, origin: `folder made for ${f.written}` });
    removeTree(vb.fs, path);
    vb.fs.set(path, { kind: 'file', uid: f.uid, gid: f.gid, mode: f.mode, origin: f.written });
    const a = assumption(`compose-written:${path}`, f.written, f.basis, f.confidence);
    vb.notes.push({ text: a.text, assumption: a });
    vb.dependsOn.push({ prefix: path, id: a.id });
  }
}

/**
 * Two mounts of the run on one container path: the engine refuses the container before it
 * starts. Docker: `Duplicate mount point: /data` (moby daemon/volumes.go registerMountPoints,
 * for -v, --mount and compose volumes alike); podman and buildah run: `/data: duplicate mount
 * destination` (measured with buildah run, which shares podman's mount parsing); Kubernetes:
 * the API server rejects the pod (validation ValidateVolumeMounts: "must be unique"), which
 * parseKubernetes does as it reads the manifest. An image
 * VOLUME under a run mount is replaced, not doubled (imageVolumeMounts), and Docker's --tmpfs,
 * kept apart from the mount list, is left out for Docker.
 */
function duplicateMounts(run: RunContext, engine: Engine): StartError[] {
  // Kubernetes: the manifest reader refuses two mountPaths written alike, as the API server does;
  // two that differ only as written (/data and /data/) pass it, and what the kubelet and the
  // runtime then do is not modelled.
  if (run.tool === 'kubernetes') return [];
  const seen = new Map<string, MountSpec>();
  const out: StartError[] = [];
  for (const m of run.mounts) {
    if (engine === 'docker' && m.kind === 'tmpfs' && !m.written.startsWith('--mount')) continue;
    const target = normalizePath(m.target);
    const first = seen.get(target);
    if (!first) {
      seen.set(target, m);
      continue;
    }
    const message = engine === 'podman' ? `${target}: duplicate mount destination` : `Duplicate mount point: ${target}`;
    out.push({ message, mount: { spec: m, clash: 'duplicate', other: first } });
  }

  return out;
}

/** Docker's local volume driver: the characters a volume name may hold (moby volume/local validName). */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * A named volume Docker's local driver refuses to create, so the container is not created:
 * `--mount src=/srv/data,dst=/d` without `type=` is a volume (docker/cli opts/mount.go: the type
 * defaults to volume), and `/srv/data` is no volume name. The daemon's words, as users meet them
 * (`docker: Error response from daemon: create /srv/data: "/srv/data" includes invalid characters
 * for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass
 * a host directory, use absolute path.`). Only for docker run lines under Docker: Compose
 * refuses an undeclared volume itself, and podman's names are not checked here.
 */
function volumeNameError(m: MountSpec, run: RunContext, engine: Engine): StartError | undefined {
  const name = m.source;
  if (engine !== 'docker' || run.tool !== 'docker' || name === undefined || name.includes('$') || VOLUME_NAME.test(name)) return undefined;

  return {
    message: `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    mount: { spec: m, clash: 'volume-name' },
  };
}

/**
 * A bind whose source is a file mounted where the image has a folder, or a folder where it has
 * a file: mount(2) fails with ENOTDIR and the runtime stops the start. runc words it `error
 * mounting "SRC" to rootfs at "DST": ...: not a directory` (the part between names the mount's
 * flags and file descriptor, which vary by release), and Docker's daemon adds "Are you trying
 * to mount a directory onto a file (or vice-versa)? ..." (moby daemon/start.go); buildah run
 * says `bind mounting "..." from host to "DST" in mount namespace (...): not a directory`
 * (measured). Only kinds both sides know: a host path without facts, or an image path the
 * model does not know, is no clash.
 */
function kindClash(m: MountSpec, target: string, image: FileMeta | undefined, host: HostPathFacts[], run: RunContext, engine: Engine): StartError | undefined {
  const src = m.source ?? '';
  const facts = hostFact(host, src);
  // A -v source that does not exist: Docker's daemon makes it a folder first (the usual way a
  // `-v ./config.yml:/app/config.yml` ends here).
  const made = facts !== undefined && !facts.exists && m.createMissingSource && engine === 'docker' && run.tool !== 'kubernetes';
  const sourceKind = facts?.exists ? facts.meta?.kind : made ? 'dir' : undefined;
  if (sourceKind === undefined || sourceKind === 'symlink' || image === undefined || image.kind === 'symlink') return undefined;
  if ((sourceKind === 'dir') === (image.kind === 'dir')) return undefined;
  const runc = `error mounting "${src}" to rootfs at "${target}": not a directory`;
  const message = run.tool === 'kubernetes'
    ? runc
    : engine === 'podman'
      ? `mounting "${src}" onto "${target}": not a directory`
      : `${runc}: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type`;

  return { message, mount: { spec: m, clash: 'kind', imageKind: image.kind, sourceKind } };
}

/**
 * Docker creates a missing working directory (and parents) 0755 owned by root at each start
 * (moby daemon/container SetupWorkingDirectory); podman creates a missing image WORKDIR with the
 * last level owned by the run user and refuses a missing `-w` (libpod resolveWorkDir).
 */
function ensureWorkdir(
  vb: ViewBuild,
  cwd: string,
  run: RunContext,
  engine: Engine,
  user: UserResult,
): void {
  const r = resolvePath(vb.fs, cwd);
  if (r.meta) return;
  if (r.unknown) {
    // The base image's listing is partial: a WORKDIR the build never created is most likely
    // missing, so the engine creates it at start. Say so.
    const a = assumption(`workdir-missing:${cwd}`, cwd, `the working directory ${cwd} is taken as missing from the base image, so the engine creates it at start`, 'medium');
    vb.notes.push({ text: a.text, assumption: a });
    vb.dependsOn.push({ prefix: cwd, id: a.id });
  }

  if (engine === 'podman') {
    if (run.workdir !== undefined && run.tool === 'podman') {
      // A relative one is refused in its own words already (relativeWorkdirError).
      if (run.workdir.startsWith('/')) vb.errors.push({ message: `workdir "${cwd}" does not exist on container`, workdir: true });
      return;
    }
    mkdirp(vb.fs, cwd, { uid: 0, gid: 0, mode: 0o755, origin: 'working directory (podman)' });
    vb.fs.set(r.path, dirMeta(user.uid, user.gid, 0o755, 'working directory (podman)'));
    vb.notes.push({ text: `working directory ${cwd} is missing: podman creates it 0755 owned by ${user.uid}:${user.gid}` });
    return;
  }

  mkdirp(vb.fs, cwd, { uid: 0, gid: 0, mode: 0o755, origin: 'working directory (docker)' });
  vb.notes.push({ text: `working directory ${cwd} is missing: Docker creates it 0755 owned by root, not by the run user` });
}

/**
 * A relative working directory (`-w app`, compose `working_dir: app`, a pod's `workingDir: app`)
 * in the words of whoever refuses it. Docker's daemon checks it when it creates the container
 * (moby daemon/container.go verifyContainerSettings); podman 4.3 refuses it at start as a
 * workdir that does not exist, even when the folder exists below / (measured with podman create
 * and start, `-w tmp`); under Kubernetes the OCI runtime gets a relative cwd, which the runtime
 * spec does not allow (the words are not measured). buildah run takes it below / instead.
 */
function relativeWorkdirError(cwd: string, run: RunContext, engine: Engine): string {
  if (run.tool === 'kubernetes') return `the working directory '${cwd}' (workingDir) is not an absolute path, which the OCI runtime refuses`;
  if (engine === 'podman' && run.tool === 'podman') return `workdir "${cwd}" does not exist on container`;

  return `the working directory '${cwd}' is invalid, it needs to be an absolute path`;
}

/** Resolve the process and its file system view for one container start. */
export function resolveRuntime(
  image: ImageState,
  run: RunContext,
  host: HostPathFacts[],
  opts: { engine: Engine },
): RuntimeResolution {
  const notes: RuntimeNote[] = [];
  const errors: StartError[] = [];
  const engine = engineFor(run, opts.engine);
  if (engine !== opts.engine) {
    notes.push({ text: `a ${run.tool} run line: podman's behaviour is modelled, not ${opts.engine}'s` });
  }

  const cwdRaw = run.workdir ?? (image.config.workdir || '/');
  if (!cwdRaw.startsWith('/')) errors.push({ message: relativeWorkdirError(cwdRaw, run, engine), workdir: true });
  const cwd = normalizePath(cwdRaw);

  const user = resolveUser(image, run, engine, cwd, notes, errors);
  checkNonRoot(image, run, user.uid, errors);

  // HOME: the run's -e HOME, then the image's ENV HOME, then passwd, then '/' (runc env.go).
  // An empty HOME counts as unset (runc >= 1.4).
  const env: Record<string, string> = {};
  if (image.config.env.PATH === undefined) env.PATH = DEFAULT_PATH;
  Object.assign(env, image.config.env, run.env);
  let homeFrom: Process['homeFrom'];
  let home: string;
  if (env.HOME !== undefined && env.HOME !== '') {
    home = env.HOME;
    homeFrom = 'env';
  } else if (user.hasPasswdEntry) {
    home = user.home;
    homeFrom = 'passwd';
  } else {
    home = '/';
    homeFrom = 'default';
    if (user.resolved) {
      notes.push({ text: `uid ${user.uid} has no entry in the image's /etc/passwd: HOME is /, and whoami fails` });
    }
  }
  env.HOME = home;

  // An unknown capability name stops the start (moby oci/caps NormalizeLegacyCapabilities;
  // podman checks its list the same way).
  for (const c of [...run.capAdd, ...run.capDrop]) {
    if (c !== 'ALL' && !KNOWN_CAPS.has(c)) errors.push({ message: `unknown capability: "${c}"` });
  }
  const defaults = defaultCaps(engine);
  if (engine === 'podman') {
    notes.push({
      text: 'podman default capabilities assumed without MKNOD, NET_RAW and AUDIT_WRITE',
      assumption: assumption('podman-default-caps', 'capabilities', 'podman uses containers.conf\'s 11 default capabilities (older releases used 14)', 'medium'),
    });
    const conflict = podmanCapConflict(run);
    if (conflict) errors.push({ message: conflict });
  }
  const bounding = tweakCapabilities(defaults, run.capAdd, run.capDrop, run.privileged);
  const caps = effectiveCaps(engine, user.uid, run.capAdd, bounding);
  if (user.uid !== 0 && (run.capAdd.length > 0 || run.privileged)) {
    notes.push({
      text: engine === 'podman'
        ? `uid ${user.uid} is not root: podman raises only the --cap-add capabilities (ambient), not the defaults or --privileged's`
        : `uid ${user.uid} is not root: added capabilities stay in the bounding set and are not effective`,
    });
  }

  const vb = buildView(image, run, host, engine, user, cwd);
  if (engine === 'docker') ensureWorkdir(vb, cwd, run, engine, user);

  // podman --read-only keeps /tmp, /run and /var/tmp writable (read-only-tmpfs defaults to true).
  const readOnlyTmpfs = run.options?.['read-only-tmpfs']?.at(-1) !== 'false';
  if (run.readOnlyRootfs && engine === 'podman' && readOnlyTmpfs) {
    for (const t of ['/tmp', '/run', '/var/tmp']) {
      if (vb.mounts.some((m) => m.target === t)) continue;
      removeTree(vb.fs, t);
      mkdirp(vb.fs, t, { uid: 0, gid: 0, mode: 0o1777, origin: 'tmpfs (podman --read-only-tmpfs)' });
      vb.fs.set(t, dirMeta(0, 0, 0o1777, 'tmpfs (podman --read-only-tmpfs)'));
      vb.mounts.push({ target: t, readonly: false, describe: 'a tmpfs (podman --read-only-tmpfs)' });
    }
  }

  notes.push(...vb.notes);
  errors.push(...vb.errors);

  const process: Process = {
    uid: user.uid,
    gid: user.gid,
    groups: user.groups,
    userName: user.name,
    groupName: groupByGid(image.accounts, user.gid)?.name,
    hasPasswdEntry: user.hasPasswdEntry,
    home,
    homeFrom,
    cwd,
    caps,
    bounding,
    noNewPrivileges: run.noNewPrivileges,
    env,
  };

  const view: View = {
    fs: vb.fs,
    mounts: vb.mounts,
    readOnlyRoot: run.readOnlyRootfs,
    readOnlyRootSetting: readOnlyRootSetting(run.tool),
    dependsOn: vb.dependsOn,
  };

  return { process, view, identity: runAsIdentity(process), notes, errors, userResolved: user.resolved };
}
