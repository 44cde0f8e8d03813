// The permission evaluator: answers "can this identity do this to this path" the way the Linux
// kernel's path walk and DAC checks do (fs/namei.c: link_path_walk, may_lookup,
// generic_permission, may_delete, may_create; capabilities as in capable_wrt_inode_uidgid).

import type { Capability, Errno, FileMeta, FsTree, Op, Verdict } from '../model/types.js';
import { baseName, formatMode, hasDescendants, isUnder, mayHold, normalizePath, parentOf, resolvePath } from '../image/fs.js';

export interface Identity {
  uid: number;
  gid: number;
  /** Supplementary gids (the primary gid may or may not be repeated here). */
  groups: number[];
  caps: ReadonlySet<Capability>;
  /** For messages: "alice", "uid 1000". */
  label?: string;
}

export interface ViewMount {
  target: string;
  readonly: boolean;
  /** "bind mount of /home/me/data", "named volume cache", ... */
  describe: string;
}

/** A file system as the process sees it: one tree with the mounts already laid over it. */
export interface View {
  fs: FsTree;
  mounts: ViewMount[];
  readOnlyRoot: boolean;
  /** How the run made the root read-only, for the reasons ("--read-only" when not given). */
  readOnlyRootSetting?: string;
  /** Ids of assumptions the tree depends on, keyed by path prefix ('/' for all). */
  dependsOn?: { prefix: string; id: string }[];
}

const MAY_READ = 4;
const MAY_WRITE = 2;
const MAY_EXEC = 1;

// Docker's default set (moby oci/caps/defaults.go): 14 capabilities, CapEff 0xa80425fb. It has
// no CAP_DAC_READ_SEARCH. podman and buildah default to 11 of them (0x800405fb).
const ALL_CAPS: Capability[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_RAW',
  'CAP_SYS_CHROOT',
  'CAP_MKNOD',
  'CAP_AUDIT_WRITE',
  'CAP_SETFCAP',
];

/** Docker's default capability set for a root container process. */
export const DOCKER_DEFAULT_CAPS: ReadonlySet<Capability> = new Set(ALL_CAPS);

export function identityLabel(id: Identity): string {
  return id.label ?? `uid ${id.uid}`;
}

export function inGroup(id: Identity, gid: number): boolean {
  return id.gid === gid || id.groups.includes(gid);
}

function describeMeta(path: string, m: FileMeta): string {
  return `${path} is ${formatMode(m)} ${m.uid}:${m.gid}`;
}

/** "r-x" for each 3-bit value. */
const BITS_TEXT = ['---', '--x', '-w-', '-wx', 'r--', 'r-x', 'rw-', 'rwx'];

function bitsText(bits: number): string {
  return BITS_TEXT[bits & 7];
}

/** What a mask asks for, "read+search/execute", for each 3-bit mask. */
const WANT_TEXT = ['', 'search/execute', 'write', 'write+search/execute', 'read', 'read+search/execute',
  'read+write', 'read+write+search/execute'];

function wantText(mask: number): string {
  return WANT_TEXT[mask & 7];
}

interface PermResult {
  ok: boolean;
  reason: string;
}

/**
 * generic_permission(): the owner class if the uid owns the file, else the group class if any
 * of the process's groups matches, else other; then the capability overrides.
 */
export function permission(id: Identity, path: string, m: FileMeta, mask: number): PermResult {
  return explainedPermission(id, path, m, mask);
}

function explainedPermission(id: Identity, path: string, m: FileMeta, mask: number): PermResult {
  let cls: string;
  let bits: number;

  if (id.uid === m.uid) {
    cls = 'owner';
    bits = (m.mode >> 6) & 7;
  } else if (inGroup(id, m.gid)) {
    cls = 'group';
    bits = (m.mode >> 3) & 7;
  } else {
    cls = 'other';
    bits = m.mode & 7;
  }

  const who = identityLabel(id);
  const base = `${describeMeta(path, m)}; ${who} falls in the ${cls} class (${bitsText(bits)})`;
  if ((bits & mask) === mask) return { ok: true, reason: `${base}, which allows ${wantText(mask)}` };

  const isDir = m.kind === 'dir';
  if (m.unmapped) {
    return { ok: false, reason: `${base}, which does not allow ${wantText(mask)} (its owner is not mapped into the container's user namespace, so capabilities do not apply)` };
  }

  // CAP_DAC_OVERRIDE: everything, except executing a file with no x bit at all.
  if (id.caps.has('CAP_DAC_OVERRIDE')) {
    const execBlocked = !isDir && mask & MAY_EXEC && (m.mode & 0o111) === 0;
    if (!execBlocked) return { ok: true, reason: `${base}, but CAP_DAC_OVERRIDE bypasses the mode bits` };
  }

  // CAP_DAC_READ_SEARCH: reading files, reading and searching directories.
  if (id.caps.has('CAP_DAC_READ_SEARCH')) {
    const readOnly = isDir ? (mask & MAY_WRITE) === 0 : mask === MAY_READ;
    if (readOnly) return { ok: true, reason: `${base}, but CAP_DAC_READ_SEARCH allows reading and searching` };
  }

  const capNote = id.uid === 0 && !id.caps.has('CAP_DAC_OVERRIDE') ? ' (root without CAP_DAC_OVERRIDE)' : '';

  return { ok: false, reason: `${base}, which does not allow ${wantText(mask)}${capNote}` };
}

const PASSED: PermResult = { ok: true, reason: '' };

/** The decision of permission() without its explanation. */
export function allows(id: Identity, m: FileMeta, mask: number): boolean {
  const bits = id.uid === m.uid ? (m.mode >> 6) & 7 : inGroup(id, m.gid) ? (m.mode >> 3) & 7 : m.mode & 7;
  if ((bits & mask) === mask) return true;
  if (m.unmapped) return false;
  if (id.caps.has('CAP_DAC_OVERRIDE') && (m.kind === 'dir' || !(mask & MAY_EXEC) || (m.mode & 0o111) !== 0)) return true;
  if (id.caps.has('CAP_DAC_READ_SEARCH')) return m.kind === 'dir' ? (mask & MAY_WRITE) === 0 : mask === MAY_READ;

  return false;
}

/**
 * The path's own owner and mode refuse `op` for `id`, whatever the folders above it allow, and
 * whether it is a file or a folder (a folder needs the bits a file does and search too; a
 * folder is never executed). A guess about a folder above such a path, or about its kind,
 * cannot change the outcome (analyze.ts: certainRefusal).
 */
export function refusedByItself(id: Identity, view: View, path: string, op: Op): boolean {
  const meta = view.fs.get(normalizePath(path));
  if (!meta || meta.kind === 'symlink' || meta.kind === 'other') return false;
  const asFile = { ...meta, kind: 'file' as const };
  const asDir = { ...meta, kind: 'dir' as const };
  switch (op) {
    case 'read':
      return !allows(id, asFile, MAY_READ) && !allows(id, asDir, MAY_READ | MAY_EXEC);
    case 'write':
    case 'create':
      return !allows(id, asFile, MAY_WRITE) && !allows(id, asDir, MAY_WRITE | MAY_EXEC);
    case 'exec':
      return !allows(id, asFile, MAY_EXEC);
    default:
      return false;
  }
}

function mountOf(view: View, path: string): ViewMount | undefined {
  let best: ViewMount | undefined;

  for (const m of view.mounts) {
    if (isUnder(path, m.target) && (!best || m.target.length > best.target.length)) best = m;
  }

  return best;
}

function dependsOn(view: View, path: string): string[] {
  // A fresh array each time: callers add to a verdict's list.
  if (!view.dependsOn || view.dependsOn.length === 0) return [];
  // A mount sits where its path leads once the image's symlinks are followed (runc follows
  // them), and its assumptions are kept under that path; a path named through a link
  // (/var/run/secrets/x, /var/run a link to /run) depends on them as the real one does.
  const real = resolvePath(view.fs, path, false).path;

  return view.dependsOn.filter((d) => isUnder(path, d.prefix) || (real !== path && isUnder(real, d.prefix))).map((d) => d.id);
}

interface Walk {
  ok: boolean;
  errno?: Errno;
  reasons: string[];
  /** The final path after symlinks. */
  path: string;
  meta?: FileMeta;
  parent?: string;
  parentMeta?: FileMeta;
  unknown?: boolean;
}

/**
 * Walk the path component by component, checking search permission on each directory passed
 * through and following symlinks (the last one only when followLast).
 */
function walk(id: Identity, view: View, path: string, followLast: boolean, explain: boolean): Walk {
  // Fast path for the common case: every component exists and each directory allows search.
  // Symlinks are followed here too when no explanation is wanted; anything else (a refusal, a
  // missing directory, a loop) takes the explaining walk below, which gives the same answer.
  let norm = path; // evaluate() passes it normalised
  let links = 0;
  let cur = '/';
  let curMeta = view.fs.get('/');
  let start = 1;
  while (norm !== '/' && curMeta && curMeta.kind === 'dir' && allows(id, curMeta, MAY_EXEC)) {
    const end = norm.indexOf('/', start);
    const next = end === -1 ? norm : norm.slice(0, end);
    const meta = view.fs.get(next);
    // A missing last component (creating a new entry) is the other common case.
    if (!meta && end === -1) return { ok: true, reasons: [], path: next, parent: cur, parentMeta: curMeta, unknown: mayHold(curMeta, next) };
    if (!meta) {
      // A missing directory on the way: the explaining walk would stop at the same place; when
      // no reason is wanted, answer here rather than walk again from the root.
      if (explain) break;
      return { ok: false, errno: 'ENOENT', reasons: [], path: norm, unknown: mayHold(curMeta, next), parent: cur, parentMeta: curMeta };
    }
    if (meta.kind === 'symlink' && (end !== -1 || followLast)) {
      if (explain || !meta.target || ++links > 40) break;
      // Start again from the root with the link's target in place of the walked part.
      norm = normalizePath(end === -1 ? meta.target : `${meta.target}${norm.slice(end)}`, cur);
      cur = '/';
      curMeta = view.fs.get('/');
      start = 1;
      continue;
    }
    if (end === -1) return { ok: true, reasons: [], path: next, meta, parent: cur, parentMeta: curMeta };
    cur = next;
    curMeta = meta;
    start = end + 1;
  }

  return explainedWalk(id, view, path, followLast, explain);
}

/**
 * The walk one component at a time, saying why it stops. Without explain the decision is the
 * same but no reason is written (the build simulator asks thousands of such questions).
 */
function explainedWalk(id: Identity, view: View, path: string, followLast: boolean, explain = true): Walk {
  const reasons: string[] = [];
  const because = (why: string): string[] => {
    if (explain) reasons.push(why);
    return reasons;
  };
  // A normal path, walked over its components; a followed link replaces the walked part.
  let p = normalizePath(path);
  let start = 1;
  let cur = '/';
  let links = 0;

  while (start < p.length) {
    const curMeta = view.fs.get(cur);

    if (!curMeta) return { ok: false, errno: 'ENOENT', reasons: because(`${cur} does not exist`), path: cur };
    if (curMeta.kind !== 'dir') {
      return { ok: false, errno: 'ENOTDIR', reasons: because(`${cur} is not a directory`), path: cur };
    }

    // Most directories on the way allow search: decide that without building a reason.
    if (!allows(id, curMeta, MAY_EXEC)) {
      if (explain) reasons.push(`cannot pass through ${cur}: ${explainedPermission(id, cur, curMeta, MAY_EXEC).reason}`);
      return { ok: false, errno: 'EACCES', reasons, path: cur };
    }

    const end = p.indexOf('/', start);
    const last = end === -1;
    const next = last ? p : p.slice(0, end);
    const meta = view.fs.get(next);

    if (!meta) {
      const unknown = mayHold(curMeta, next);
      if (!last) {
        const why = unknown ? `${next} is not known to exist` : `${next} does not exist`;
        return { ok: false, errno: 'ENOENT', reasons: explain ? because(why) : reasons, path: p, unknown, parent: cur, parentMeta: curMeta };
      }

      return { ok: true, reasons, path: p, parent: cur, parentMeta: curMeta, unknown };
    }

    if (meta.kind === 'symlink' && (!last || followLast)) {
      links += 1;
      if (links > 40) return { ok: false, errno: 'ELOOP', reasons: because(`too many symlinks at ${next}`), path: next };
      const target = meta.target ?? '';
      if (explain) reasons.push(`${next} is a symlink to ${target}`);
      // The target made absolute against the link's directory, then the unwalked rest (which
      // has no '.' or '..' left); an empty target names that directory.
      p = normalizePath(`${target || '.'}${last ? '' : p.slice(end)}`, cur);
      start = 1;
      cur = '/';
      continue;
    }

    if (last) return { ok: true, reasons, path: next, meta, parent: cur, parentMeta: curMeta };
    cur = next;
    start = end + 1;
  }

  // The path was '/' itself.
  return { ok: true, reasons, path: '/', meta: view.fs.get('/'), parent: '/', parentMeta: view.fs.get('/') };
}

function readOnlyAt(view: View, path: string): string | undefined {
  const m = mountOf(view, path);
  if (m) return m.readonly ? `${m.target} is ${m.describe}, mounted read-only` : undefined;

  return view.readOnlyRoot ? `the root file system is read-only (${view.readOnlyRootSetting ?? '--read-only'})` : undefined;
}

function where(view: View, path: string): string {
  const m = mountOf(view, path);

  return m ? m.target : 'image';
}

/** may_delete(): the sticky bit restricts deleting to the owner of the file or the directory. */
function stickyBlocks(id: Identity, dir: FileMeta, victim: FileMeta): boolean {
  if ((dir.mode & 0o1000) === 0) return false;
  if (id.uid === victim.uid || id.uid === dir.uid) return false;

  return !id.caps.has('CAP_FOWNER');
}

/** Evaluate one operation. Pure: the same inputs always give the same verdict. */
export function evaluate(id: Identity, view: View, rawPath: string, op: Op, explain = true): Verdict {
  const path = normalizePath(rawPath);
  // A trailing slash asks for a directory, which normalising forgets: such a path is judged
  // apart. A path without one is returned by normalizePath as it came and passes on here.
  if (path !== rawPath && path !== '/' && rawPath.charCodeAt(rawPath.length - 1) === 47) return slashed(id, view, path, op, explain);
  // Without explanations (the build simulator only needs the answer) skip the reason strings.
  if (!explain) return decide(id, view, path, op);
  const permission = explainedPermission;
  // No closures below (done and createIn are plain functions): this runs for every verdict.
  const v: VerdictBase = { path, op, deps: dependsOn(view, path), view };

  const w = walk(id, view, path, op !== 'delete', explain);
  // The walk made this list for this verdict alone: add to it in place.
  const reasons = w.reasons;

  if (!w.ok) {
    // A folder on the way that a step of this build may have made (an archive ADD unpacked, a
    // command the model does not follow): whether the path is there is not known.
    const filled = w.errno === 'ENOENT' && w.unknown === true && w.parentMeta?.filled === true;
    if (filled) reasons.push(filledReason(w.parent!));
    // Creating a path whose parents are missing too works like mkdir -p: what counts is the
    // deepest directory that exists.
    if (op === 'create' && w.errno === 'ENOENT' && w.parent && w.parentMeta) {
      return notKnown(createIn(id, v, reasons, w.parent, w.parentMeta, `creating ${path} and its missing parents needs write and search on ${w.parent}`), filled);
    }

    return notKnown(done(v, false, w.reasons, w.errno), filled);
  }

  const target = w.path;
  const meta = w.meta;

  if (!meta) {
    const filled = w.unknown === true && w.parentMeta?.filled === true;
    if (filled) reasons.push(`${target} is not known to exist`, filledReason(w.parent!));
    else if (w.unknown) reasons.push(`${target} is not known to exist in the base image (its listing is partial)`);
    if (op === 'create') return notKnown(createIn(id, v, reasons, w.parent!, w.parentMeta!, `creating ${target} needs write and search on ${w.parent}`), filled);

    return notKnown(done(v, false, [...reasons, filled ? `if it is not there, ${target} does not exist` : `${target} does not exist`], 'ENOENT', target), filled);
  }

  switch (op) {
    case 'read':
    case 'list': {
      const mask = meta.kind === 'dir' ? MAY_READ | MAY_EXEC : MAY_READ;
      const p = permission(id, target, meta, op === 'list' ? MAY_READ : mask);
      reasons.push(p.reason);
      return done(v, p.ok, reasons, 'EACCES', target);
    }

    case 'write':
    case 'create': {
      // On a directory both mean "make a new entry here"; on a file, open it for writing.
      if (meta.kind === 'dir') return createIn(id, v, reasons, target, meta, `creating a file in ${target}`);
      if (op === 'create') {
        reasons.push(`${target} already exists; creating it again means opening it for writing`);
      }
      // Opening an existing file checks the mode first (may_open) and the read-only mount after
      // (mnt_want_write in do_open): a file you may not write gives EACCES even there. A device,
      // socket or fifo is written without writing the file system: a read-only mount does not
      // refuse it (do_dentry_open and do_faccessat skip special files).
      const p = permission(id, target, meta, MAY_WRITE);
      reasons.push(p.reason);
      if (!p.ok) return done(v, false, reasons, 'EACCES', target);
      const ro = meta.kind === 'other' ? undefined : readOnlyAt(view, target);
      if (ro) return done(v, false, [...reasons, ro], 'EROFS', target);
      return done(v, true, reasons, undefined, target);
    }

    case 'delete': {
      const dir = w.parent!;
      const dirMeta = w.parentMeta!;
      const ro = readOnlyAt(view, dir);
      if (ro) return done(v, false, [...reasons, ro], 'EROFS', dir);
      const p = permission(id, dir, dirMeta, MAY_WRITE | MAY_EXEC);
      reasons.push(`deleting ${baseName(target)} needs write and search on ${dir}: ${p.reason}`);
      if (!p.ok) return done(v, false, reasons, 'EACCES', dir);
      if (stickyBlocks(id, dirMeta, meta)) {
        reasons.push(`${dir} has the sticky bit and ${identityLabel(id)} owns neither ${target} nor ${dir}`);
        return done(v, false, reasons, 'EPERM', dir);
      }
      // vfs_rmdir/vfs_unlink refuse a mount point after the permission checks (EBUSY).
      if (mountOf(view, target)?.target === target) {
        return done(v, false, [...reasons, `${target} is a mount point`], 'EBUSY', target);
      }
      // rmdir(2) removes an empty directory only; the file system says so after the checks
      // above (measured: delete/non-empty-folder).
      if (meta.kind === 'dir' && hasDescendants(view.fs, target)) {
        return done(v, false, [...reasons, `${target} is not empty, and rmdir removes only an empty directory (rm -r deletes its entries first)`], 'ENOTEMPTY', target);
      }
      return done(v, true, reasons, undefined, dir);
    }

    case 'exec':
    case 'chdir': {
      if (op === 'chdir' && meta.kind !== 'dir') return done(v, false, [...reasons, `${target} is not a directory`], 'ENOTDIR');
      // execve opens only a regular file (do_open_execat): a directory is EACCES whatever its
      // mode, for root too.
      if (op === 'exec' && meta.kind === 'dir') return done(v, false, [...reasons, `${target} is a directory, which execve does not run (EACCES whatever its mode)`], 'EACCES', target);
      const p = permission(id, target, meta, MAY_EXEC);
      reasons.push(p.reason);
      if (!p.ok || op === 'chdir' || !meta.script) return done(v, p.ok, reasons, 'EACCES', target);
      // binfmt_script starts the interpreter, which then opens the script for reading.
      const r = permission(id, target, meta, MAY_READ);
      reasons.push(`it is a script, read by its interpreter: ${r.reason}`);
      return done(v, r.ok, reasons, 'EACCES', target);
    }

    default:
      return done(v, false, [...reasons, `unknown operation ${op as string}`], 'EPERM');
  }
}


/** What a path is, for the reasons: "a regular file". */
function kindText(m: FileMeta): string {
  return m.kind === 'file' ? 'a regular file' : m.kind === 'dir' ? 'a directory' : m.kind === 'symlink' ? 'a symbolic link' : 'a special file';
}

/**
 * A path written with a trailing slash (`/srv/data/`, given here without it): the kernel's walk
 * then wants a directory at the end (LOOKUP_DIRECTORY, fs/namei.c), and each operation meets
 * that demand its own way (measured: tests/oracle/scenarios/trailing-slash.yaml):
 * - read, list, chdir and exec follow a final symlink; anything but a directory is ENOTDIR,
 *   before its own mode counts; a directory is never executed (may_open: EACCES, whatever the
 *   mode and the capabilities).
 * - write is an open with O_CREAT, as a shell's `>>`: open_last_lookups refuses a trailing
 *   slash with EISDIR before it looks the last name up, so a file, a missing name, or a link to
 *   either, on a read-only mount or not; a directory (or a link to one) gets an entry inside,
 *   as without the slash.
 * - create on a directory (or a link to one) makes an entry inside; otherwise it is mkdir,
 *   which takes the slash: a taken name is EEXIST before the folder's permissions or a
 *   read-only mount (a dangling link too), and a missing one is made as without the slash.
 * - delete: a directory is removed as without the slash; a link to one is what `[ -d P/ ]`
 *   sees, so rmdir(2) is asked, which removes the link itself: its folder's checks, then
 *   ENOTDIR. Anything else goes to rm, whose unlink(2) of `P/` meets a read-only mount first
 *   (EROFS), then the slash (ENOTDIR), before the folder's permissions.
 * An answer the slash does not change is evaluate()'s for the path without it, given back with
 * the slash in its path.
 */
function slashed(id: Identity, view: View, path: string, op: Op, explain: boolean): Verdict {
  const shown = `${path}/`;
  const asWithout = (): Verdict => {
    const v = evaluate(id, view, path, op, explain);
    v.path = shown;
    return v;
  };
  const follows = op === 'read' || op === 'list' || op === 'chdir' || op === 'exec';
  const w = walk(id, view, path, follows, explain);
  // A folder on the way that refuses or is missing: the slash changes nothing.
  if (!w.ok) return asWithout();
  const meta = w.meta;
  const base: VerdictBase = { path: shown, op, deps: dependsOn(view, path), view };
  const reasons = w.reasons;
  const because = (...why: string[]): string[] => {
    if (explain) reasons.push(...why);
    return reasons;
  };
  const ask = 'a trailing slash asks for a directory';

  if (follows) {
    if (!meta || (meta.kind === 'dir' && op !== 'exec')) return asWithout();
    if (meta.kind === 'dir') {
      return done(base, false, because(`${w.path} is a directory, which execve never runs (EACCES), whatever its mode and the capabilities`), 'EACCES', w.path);
    }
    return done(base, false, because(`${ask}, and ${w.path} is ${kindText(meta)}`), 'ENOTDIR', w.path);
  }

  // write, create, delete: the last name itself, and where a link leads.
  if (meta?.kind === 'dir') return asWithout();
  let what = meta ? `${path} is ${kindText(meta)}` : `${path} does not exist`;
  if (meta?.kind === 'symlink') {
    const t = walk(id, view, path, true, false);
    if (t.ok && t.meta?.kind === 'dir') {
      if (op !== 'delete') return asWithout();
      // rmdir(2) of the link: removing it from its folder is judged first.
      const v = evaluate(id, view, path, 'delete', explain);
      v.path = shown;
      if (!v.allowed) return v;
      if (explain) v.reasons.push(`${path} is a symbolic link to the directory ${t.path}, and rmdir(2) removes the link itself, which is no directory (ENOTDIR)`);
      v.allowed = false;
      v.errno = 'ENOTDIR';
      return v;
    }
    what = `${path} is a symbolic link to ${meta.target ?? ''}, which is no directory`;
  }

  switch (op) {
    case 'write': {
      const v = done(base, false, because(`${ask}, and ${what}: an open with O_CREAT (a shell's > or >>) refuses such a path before it looks the name up (EISDIR)`), 'EISDIR', w.path);
      // The name may be a directory after all, in a listing not known in full.
      return notKnown(v, !meta && w.unknown === true);
    }
    case 'create':
      if (!meta) return asWithout();
      return done(base, false, because(`${ask}, so creating it means mkdir, and ${what}: the name is taken (EEXIST, before the folder's permissions)`), 'EEXIST', w.path);
    case 'delete': {
      if (!meta) return asWithout();
      const ro = readOnlyAt(view, w.parent!);
      if (ro) return done(base, false, because(`rm's unlink(2) of ${shown} asks for write access to the mount first: ${ro}`), 'EROFS', w.parent);
      return done(base, false, because(`${ask}, and ${what}: unlink(2) refuses it (ENOTDIR) before the folder's permissions`), 'ENOTDIR', w.path);
    }
    default:
      return asWithout();
  }
}

/**
 * Why a path below a folder a step of this build filled is not known (the analysis adds the
 * assumption that names the step, such as the ADD of an archive).
 */
function filledReason(dir: string): string {
  return `${dir} holds entries a step of this build put there that uidctl does not know (an archive unpacked, a command it does not follow)`;
}

/** A verdict whose path may or may not be there: the answer is given for "not there", marked unknown. */
function notKnown(v: Verdict, unknown: boolean): Verdict {
  if (unknown) v.unknown = true;
  return v;
}

/** What every verdict of one evaluate() call shares. */
interface VerdictBase {
  path: string;
  op: Op;
  deps: string[];
  view: View;
}

function done(v: VerdictBase, allowed: boolean, reasons: string[], errno?: Errno, at = v.path): Verdict {
  return {
    path: v.path,
    op: v.op,
    allowed,
    errno: allowed ? undefined : errno,
    reasons,
    dependsOn: v.deps,
    where: where(v.view, at),
  };
}

/** may_create in dir, explained: a read-only mount first, then write and search on it. */
function createIn(
  id: Identity,
  v: VerdictBase,
  reasons: string[],
  dir: string,
  dirMeta: FileMeta,
  what: string,
): Verdict {
  const ro = readOnlyAt(v.view, dir);
  if (ro) return done(v, false, [...reasons, `${what}: ${ro}`], 'EROFS', dir);
  const p = explainedPermission(id, dir, dirMeta, MAY_WRITE | MAY_EXEC);
  reasons.push(`${what}: ${p.reason}`);

  return done(v, p.ok, reasons, 'EACCES', dir);
}

/**
 * evaluate() without explanations: the same checks in the same order, giving the same allowed,
 * errno, path and where, with an empty list of reasons.
 */
function decide(id: Identity, view: View, path: string, op: Op): Verdict {
  const w = walk(id, view, path, op !== 'delete', false);
  // No closure here: the variables stay in registers (this runs for every command's check).
  let errno: Errno | undefined;
  let at = path;
  const meta = w.meta;

  if (!w.ok) {
    if (op === 'create' && w.errno === 'ENOENT' && w.parent && w.parentMeta) {
      at = w.parent;
      errno = createErrno(id, view, w.parent, w.parentMeta);
    } else errno = w.errno;
  } else if (!meta) {
    if (op === 'create') {
      at = w.parent!;
      errno = createErrno(id, view, w.parent!, w.parentMeta!);
    } else {
      // Where it would be: the path with its links resolved (a link into a mount is the mount).
      at = w.path;
      errno = 'ENOENT';
    }
  } else {
    const target = w.path;
    switch (op) {
      case 'read':
      case 'list':
        at = target;
        if (!allows(id, meta, op === 'list' || meta.kind !== 'dir' ? MAY_READ : MAY_READ | MAY_EXEC)) errno = 'EACCES';
        break;

      case 'write':
      case 'create':
        at = target;
        if (meta.kind === 'dir') errno = createErrno(id, view, target, meta);
        else if (!allows(id, meta, MAY_WRITE)) errno = 'EACCES';
        else if (meta.kind !== 'other' && readOnly(view, target)) errno = 'EROFS';
        break;

      case 'delete': {
        const dir = w.parent!;
        const dirMeta = w.parentMeta!;
        at = dir;
        if (readOnly(view, dir)) errno = 'EROFS';
        else if (!allows(id, dirMeta, MAY_WRITE | MAY_EXEC)) errno = 'EACCES';
        else if (stickyBlocks(id, dirMeta, meta)) errno = 'EPERM';
        else if (mountOf(view, target)?.target === target) {
          errno = 'EBUSY';
          at = target;
        } else if (meta.kind === 'dir' && hasDescendants(view.fs, target)) {
          errno = 'ENOTEMPTY';
          at = target;
        }
        break;
      }

      case 'exec':
      case 'chdir':
        if (op === 'chdir' && meta.kind !== 'dir') errno = 'ENOTDIR';
        else if (op === 'exec' && meta.kind === 'dir') {
          at = target;
          errno = 'EACCES';
        } else {
          at = target;
          // binfmt_script: the interpreter then reads the script.
          const ok = allows(id, meta, MAY_EXEC) && (op === 'chdir' || !meta.script || allows(id, meta, MAY_READ));
          if (!ok) errno = 'EACCES';
        }
        break;

      default:
        errno = 'EPERM';
    }
  }

  const allowed = errno === undefined;

  return { path, op, allowed, errno, reasons: [], dependsOn: dependsOn(view, path), where: where(view, at) };
}

/** Making an entry in dir (may_create): a read-only mount first, then write and search on it. */
function createErrno(id: Identity, view: View, dir: string, dirMeta: FileMeta): Errno | undefined {
  if (readOnly(view, dir)) return 'EROFS';

  return allows(id, dirMeta, MAY_WRITE | MAY_EXEC) ? undefined : 'EACCES';
}

/** True when path lies on a read-only mount or on the read-only root (readOnlyAt's decision). */
/** The target of the mount a path is on; undefined for the image's own file system. */
export function mountTarget(view: View, path: string): string | undefined {
  return view.mounts.length === 0 ? undefined : mountOf(view, path)?.target;
}

export function readOnly(view: View, path: string): boolean {
  const m = view.mounts.length === 0 ? undefined : mountOf(view, path);

  return m ? m.readonly : view.readOnlyRoot;
}

/** Directory that would hold a new entry at path: the path's parent. */
export function containingDir(path: string): string {
  return parentOf(normalizePath(path));
}

export const ACCESS_MASKS = { MAY_READ, MAY_WRITE, MAY_EXEC };
