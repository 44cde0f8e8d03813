// RUN --mount: what each mount puts in the tree while its step runs, and what is left of it in
// the image afterwards. Pure: the build context and the other stages arrive as trees.
//
// Sources: the Dockerfile reference, "RUN --mount" (https://docs.docker.com/reference/dockerfile/
// #run---mount), BuildKit's code where the reference is silent, and buildah 1.28 measured in the
// oracle (tests/oracle/scenarios/run-mounts.yaml), which differs from BuildKit in places:
//
//                      BuildKit (default)                      buildah 1.28 (--builder buildah)
//  missing parents     made root 0755 by the runtime for the step, both builders
//  after the step      the target and those parents are        every target is removed, with all
//                      removed when empty (executor/stubs.go,  below it, even one the image had
//                      moby/buildkit#3307 and #3314, v0.11)    (cleanupRunMounts: copier.Remove
//                                                              with All), under /tmp too; the
//                                                              parents stay (measured)
//  cache mode=         masked by the daemon's umask 022 (moby/moby#47415, moby/buildkit#3155), both
//  ssh socket          0600                                    0620 (getSSHMount's default is the
//                                                              decimal 400)
//  relative target     from WORKDIR (moby/buildkit#628)        refused: "invalid container path"

import type { Assumption, FileMeta, FsTree } from '../model/types.js';
import type { ViewMount } from '../access/evaluate.js';
import type { Builder } from '../shell/context.js';
import type { RunMountFlag } from '../dockerfile/run-mount.js';
import { baseName, descendants, hasDescendants, mkdirp, normalizePath, parentOf, removeTree, resolvePath, withMeta } from '../image/fs.js';

export type StepMountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';

/** One mount of a RUN step, resolved: where it goes and what it shows. */
export interface StepMount {
  type: StepMountType;
  /** Absolute and normalised (a relative target is taken from WORKDIR). */
  target: string;
  readonly: boolean;
  /**
   * The mount's root entry; undefined when the model cannot tell what the source is (a bind
   * source in a build context it did not read: a file or a folder).
   */
  root?: FileMeta;
  /** What lies below the root, as paths relative to it ('/sub/x'). */
  below: [string, FileMeta][];
  /** The --mount value as written, for messages and fixes. */
  flag: string;
}

/** What planning a RUN's mounts needs to know of the build. */
export interface MountPlanEnv {
  builder: Builder;
  workdir: string;
  /** Variables expanded as in the rest of the instruction. */
  expand: (text: string) => string;
  /** The build context as read (undefined when it was not). */
  context?: FsTree;
  /** The tree of `from=`: an earlier stage or an image; undefined when not known. */
  fromTree: (ref: string) => FsTree | undefined;
  origin: string;
  line: number;
}

export interface MountPlan {
  mounts: StepMount[];
  /** A mount the builder refuses before the step runs: the step fails with this message. */
  error?: string;
  assumptions: Omit<Assumption, 'file'>[];
}

const ROOT_DIR = { uid: 0, gid: 0, mode: 0o755 };

/** uid=/gid= are numbers in both builders (strconv.ParseUint); anything else keeps the default. */
function id(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

function octalMode(v: string | undefined): number | undefined {
  return v !== undefined && /^[0-7]{1,4}$/.test(v) ? parseInt(v, 8) : undefined;
}

/** The mounts of one RUN, in the order the runtime makes them (parents before children). */
export function planRunMounts(flags: { raw: string; mount: RunMountFlag }[], env: MountPlanEnv): MountPlan {
  const mounts: StepMount[] = [];
  const assumptions: MountPlan['assumptions'] = [];
  let ssh = 0;

  for (const { raw, mount: f } of flags) {
    const x = (v: string | undefined) => (v === undefined ? undefined : env.expand(v));
    const type = x(f.type) as StepMountType;
    const uid = id(x(f.uid));
    const gid = id(x(f.gid));
    const mode = octalMode(x(f.mode));
    let written = x(f.target);
    const origin = env.origin;

    if (type === 'secret') {
      // A secret given as a variable (env=) is a file only when a target is also written.
      if (f.env !== undefined && written === undefined) continue;
      const sid = x(f.id) ?? (written !== undefined ? baseName(written) : undefined);
      if (sid === undefined || sid === '') continue;
      written ??= `/run/secrets/${sid}`;
      assumptions.push({
        id: `run-secret:${env.line}:${sid}`,
        subject: `RUN --mount=type=secret,id=${sid} at line ${env.line}`,
        text: `the secret ${sid} is taken as given to the build (--secret id=${sid},...): without it the step has no ${written}${f.required ? ' and fails' : ''}`,
        confidence: 'medium',
        line: env.line,
      });
    } else if (type === 'ssh') {
      written ??= `/run/buildkit/ssh_agent.${ssh}`;
      ssh += 1;
    }
    if (written === undefined || written === '') continue;
    if (!written.startsWith('/') && env.builder === 'buildah') {
      // buildah 1.28 hands the target to the runtime as written (measured; containers/buildah
      // #4309, taken from WORKDIR in later releases).
      return { mounts, assumptions, error: `invalid container path "${written}", must be an absolute path` };
    }
    const target = normalizePath(written, env.workdir);
    if (target === '/') continue;
    // Each mount written out whole: a spread of a shared base with keys added would give every
    // mount a hidden class of its own.
    const mount = (readonly: boolean, root?: FileMeta, below: [string, FileMeta][] = []): StepMount =>
      root === undefined ? { target, flag: raw, below, type, readonly } : { target, flag: raw, below, type, readonly, root };

    switch (type) {
      case 'cache':
        // Contents left by earlier builds are unknown: the listing is partial. The folder is made
        // with mkdir(mode), so the builder's umask 022 applies (see the table above).
        mounts.push(mount(f.readonly === true, { kind: 'dir', uid: uid ?? 0, gid: gid ?? 0, mode: (mode ?? 0o755) & ~0o022, partial: true, origin }));
        break;
      case 'tmpfs':
        // A tmpfs mounted without a mode option (BuildKit passes only nosuid and size) has the
        // kernel's default root, 1777 root:root (mm/shmem.c); buildah gives the same (measured).
        mounts.push(mount(false, { kind: 'dir', uid: 0, gid: 0, mode: 0o1777, origin }));
        break;
      case 'secret':
        // A read-only file, root 0400 unless uid/gid/mode say otherwise; mode is set by chmod,
        // no umask (BuildKit secretMount, buildah getSecretMount).
        mounts.push(mount(true, { kind: 'file', uid: uid ?? 0, gid: gid ?? 0, mode: mode ?? 0o400, origin }));
        break;
      case 'ssh':
        mounts.push(mount(true, { kind: 'other', uid: uid ?? 0, gid: gid ?? 0, mode: mode ?? (env.builder === 'buildah' ? 0o620 : 0o600), origin }));
        break;
      case 'bind': {
        const source = normalizePath(x(f.source) ?? '/', '/');
        const from = x(f.from);
        const readonly = f.readonly !== false;
        const tree = from !== undefined ? env.fromTree(from) : env.context;
        const found = tree ? resolvePath(tree, source) : undefined;
        if (found?.meta) {
          // Context files reach the builder with their ids zeroed (as for COPY); a stage or an
          // image is mounted as it is.
          const map = (m: FileMeta): FileMeta => withMeta(m, from === undefined ? { uid: 0, gid: 0, origin } : { origin });
          const at = found.path;
          const below = descendants(tree!, at).map((p): [string, FileMeta] => [at === '/' ? p : p.slice(at.length), map(tree!.get(p)!)]);
          mounts.push(mount(readonly, map(found.meta), below));
          break;
        }
        if (from === undefined && tree !== undefined && !found?.unknown && !found?.loop && env.builder === 'buildkit') {
          // The context was read and the source is not in it (or .dockerignore leaves it out):
          // BuildKit fails on its checksum as for COPY (moby/buildkit#4208 shows the message).
          // buildah 1.28 mounts nothing for a missing source and ignores .dockerignore here.
          return { mounts, assumptions, error: `failed to compute cache key: failed to calculate checksum of ref: "${source}": not found` };
        }
        if (source === '/' && from === undefined) {
          // The whole context, not read: a folder whose contents are unknown.
          mounts.push(mount(readonly, { kind: 'dir', uid: 0, gid: 0, mode: 0o755, partial: true, origin }));
          assumptions.push({
            id: `run-mount-context:${env.line}`,
            subject: `RUN --mount=${raw} at line ${env.line}`,
            text: 'the build context was not read: it is mounted as a folder owned by root with mode 0755 holding unknown files',
            confidence: 'medium',
            line: env.line,
            paths: [target],
          });
          break;
        }
        mounts.push(mount(readonly));
        break;
      }
      default:
        break;
    }
  }

  // The runtime mounts parents before children (buildah util.SortMounts; runc in spec order,
  // which BuildKit sorts the same way).
  mounts.sort((a, b) => a.target.split('/').length - b.target.split('/').length);

  return { mounts, assumptions };
}

/** A mount in place: what it hid and what it made, to take it away again. */
export interface LaidMount {
  mount: StepMount;
  /** The target with symlinks on the way followed, as the runtime resolves it. */
  path: string;
  /** The target's entry and everything below it before the step. */
  saved: [string, FileMeta][];
  existed: boolean;
  /** Folders made for the target, top first. */
  made: string[];
  /** The parent listing marked partial while a source of unknown kind is mounted. */
  mark?: { path: string; before: FileMeta; marked: FileMeta };
}

/** Put the mounts in the tree for the step; returns what lift needs. */
export function layMounts(fs: FsTree, mounts: StepMount[], origin: string): LaidMount[] {
  const laid: LaidMount[] = [];

  for (const mount of mounts) {
    const r = resolvePath(fs, mount.target);
    const path = r.path;
    const saved: [string, FileMeta][] = [];
    for (const p of [path].concat(descendants(fs, path))) {
      const m = fs.get(p);
      if (m) saved.push([p, m]);
    }
    // The runtime makes a missing mount point, and the folders above it, as root with 0755.
    const made = mkdirp(fs, parentOf(path), { ...ROOT_DIR, origin });
    removeTree(fs, path);
    const one: LaidMount = { mount, path, saved, existed: r.meta !== undefined, made };

    if (mount.root) {
      fs.set(path, mount.root);
      for (const [rel, m] of mount.below) fs.set(path + rel, m);
    } else {
      // Something is there, file or folder: its parent lists in part while the step runs, so a
      // command on the path is not failed for a missing file.
      const parent = parentOf(path);
      const before = fs.get(parent);
      if (before?.kind === 'dir' && !before.partial) {
        const marked = withMeta(before, { partial: true });
        fs.set(parent, marked);
        one.mark = { path: parent, before, marked };
      }
    }
    laid.push(one);
  }

  return laid;
}

/** The mounts as the access checks see them (read-only ones refuse writes: EROFS). */
export function viewMounts(laid: LaidMount[]): ViewMount[] {
  return laid.map((l) => ({ target: l.path, readonly: l.mount.readonly, describe: `RUN --mount=${l.mount.flag}` }));
}

/** Take the mounts away after the step, leaving what the builder leaves (see the table above). */
export function liftMounts(fs: FsTree, laid: LaidMount[], builder: Builder): void {
  for (let i = laid.length - 1; i >= 0; i--) {
    const l = laid[i];
    // What the step wrote into the mount is gone; what the mount hid comes back.
    removeTree(fs, l.path);
    for (const [p, m] of l.saved) fs.set(p, m);
    if (l.mark && fs.get(l.mark.path) === l.mark.marked) fs.set(l.mark.path, l.mark.before);

    if (builder === 'buildah') {
      removeTree(fs, l.path);
      continue;
    }

    // BuildKit removes the mount point and each folder made for it, deepest first, when empty;
    // one the step wrote into stays. A folder made inside one listed in part may have been there.
    for (let j = l.made.length - 1; j >= 0; j--) {
      const p = l.made[j];
      const m = fs.get(p);
      if (m?.kind !== 'dir' || m.partial || hasDescendants(fs, p)) break;
      fs.delete(p);
    }
  }
}

/** The mount a refusal names a path of (the deepest one), e.g. "cat: /run/secrets/tok: Permission denied". */
export function refusedMount(laid: LaidMount[], message: string): StepMount | undefined {
  let best: LaidMount | undefined;
  for (const l of laid) {
    const at = message.indexOf(l.path);
    if (at < 0 || (best && best.path.length >= l.path.length)) continue;
    // The path itself or a path below it, not a longer name that starts the same (/app/cache2).
    const next = message.charAt(at + l.path.length);
    if (next === '' || /[/'"`’:\s]/.test(next)) best = l;
  }

  return best?.mount;
}
