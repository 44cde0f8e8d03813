// The file-metadata tree: owner, group, mode and type of every path the model knows, never
// contents. Paths are absolute and normalised; FileMeta values are treated as immutable (a change
// replaces the entry), so cloning a tree is a shallow Map copy.

import type { FileMeta, FsTree } from '../model/types.js';

/**
 * Whether a child missing from a directory's listing may still be there: the listing is partial
 * and the child is not one the directory is known to lack.
 */
export function mayHold(dir: FileMeta | undefined, child: string): boolean {
  if (dir?.partial !== true) return false;
  const absent = dir.absent;

  return absent === undefined || !absent.includes(child.slice(child.lastIndexOf('/') + 1));
}

/** A doubled slash, or a '.' or '..' component. */
const ABNORMAL = /\/\/|\/\.\.?(?:\/|$)/;

/**
 * The last path found normal: the same path is often checked again at once, as it passes from
 * the interpreter to the evaluator to the tree (an identical string compares in one step).
 */
let lastNormal = '/';

/** True when an absolute path has no '.', '..', empty or trailing components. */
function isNormal(path: string): boolean {
  if (path === lastNormal) return true;
  const n = path.length;
  if (n === 0 || path.charCodeAt(0) !== 47) return false;
  if (n === 1) return true;

  // The compiled regular expression beats a scan of the slashes in JavaScript (measured).
  if (path.charCodeAt(n - 1) === 47 || ABNORMAL.test(path)) return false;
  lastNormal = path;

  return true;
}

/** Normalise a path against cwd: collapses '.', '..', duplicate and trailing slashes. */
export function normalizePath(path: string, cwd = '/'): string {
  // Most paths are already normal: skip the split and join (this runs on every lookup).
  if (isNormal(path)) return path;

  // Two common shapes need no split: a plain relative name joined to the cwd, and a normal
  // path with trailing slashes. Either is the answer when it comes out normal.
  if (path.length > 0 && path.charCodeAt(0) !== 47) {
    const joined = cwd === '/' ? `/${path}` : `${cwd}/${path}`;
    if (isNormal(joined)) return joined;
  } else {
    let end = path.length;
    while (end > 1 && path.charCodeAt(end - 1) === 47) end -= 1;
    if (end < path.length && isNormal(path.slice(0, end))) return path.slice(0, end);
  }

  const full = path.startsWith('/') ? path : `${cwd}/${path}`;
  const out: string[] = [];

  for (const part of full.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }

  return `/${out.join('/')}`;
}

export function parentOf(path: string): string {
  if (path === '/') return '/';
  const i = path.lastIndexOf('/');

  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** '/a/b/c' -> ['/', '/a', '/a/b', '/a/b/c'] */
export function ancestry(path: string): string[] {
  const out = ['/'];
  if (path === '/') return out;

  if (path.startsWith('/')) {
    // Prefixes cut at each slash: flat strings, cheaper as Map keys than concatenations.
    for (let i = path.indexOf('/', 1); i !== -1; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
    out.push(path);
    return out;
  }

  let acc = '';
  for (const part of path.slice(1).split('/')) {
    acc += `/${part}`;
    out.push(acc);
  }

  return out;
}

/** Code-unit order, as sort() with no comparator gives, without its string conversions. */
export function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A path below (or at) `from`, moved to the same place below `to`: /ctx/etc/x from /ctx to /
 * is /etc/x, never //etc/x (a COPY or cp into the root).
 */
export function rebase(path: string, from: string, to: string): string {
  const rest = from === '/' ? path : path.slice(from.length);
  if (rest === '' || rest === '/') return to;

  return to === '/' ? rest : to + rest;
}

export function isUnder(path: string, dir: string): boolean {
  if (dir === '/') return path.startsWith('/');

  // dir itself, or dir then a slash: compared in place rather than building `${dir}/`.
  return path.startsWith(dir) && (path.length === dir.length || path.charCodeAt(dir.length) === 47);
}

export function newTree(root?: Partial<FileMeta>): FsTree {
  return new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755, ...root }]]);
}

/**
 * A copy of meta with fields replaced or added, keys in the order a spread gives. Object.assign
 * rather than `{ ...meta, origin }`: in V8 (node 20) a spread copy that also adds a key its
 * source lacks costs several times more (measured: about 2.5 us against 0.4 us).
 */
export function withMeta(meta: FileMeta, changes: Partial<FileMeta>): FileMeta {
  return Object.assign({}, meta, changes);
}

/** Inode numbers of files with several names, unique in a run of the model. */
let inodeSerial = 0;

/** A new inode number, for a file that gets a second name. */
export function newInode(): number {
  inodeSerial += 1;

  return inodeSerial;
}

/**
 * Inode numbers up to this one were made in a lower layer: before the RUN step (or the
 * container) that runs now. Each step runs on an overlay mount, the image's layers below and
 * an empty upper layer on top, mounted with index=off by Docker's overlay2, containerd's
 * overlayfs snapshotter and containers/storage (buildah, podman). Overlayfs then copies a
 * lower file up on its first change (owner, mode, times, contents, a new name) as a new inode
 * for that name alone: "copy up breaks lower hardlinks" without the inodes index
 * (fs/overlayfs/Kconfig OVERLAY_FS_INDEX; measured: links/hardlink-later-step). So a number
 * of a lower layer never reaches another name: a change through one name is its own, and a
 * new name for it gets a new number. The vfs driver, which copies whole layers, and `buildah
 * bud` without --layers, which runs every step in one container, keep such links (measured
 * with --driver vfs); they are not modelled.
 */
let layerFloor = 0;

/** A new layer starts (a RUN step, a container): every file there is now is in a lower one. */
export function newLayer(): void {
  layerFloor = inodeSerial;
}

/** The inode number a name keeps when a step makes a second name for it (link(2)). */
export function linkedInode(meta: FileMeta): number {
  // A file of a lower layer is copied up first, a new inode for this name (ovl_link).
  return meta.inode !== undefined && meta.inode > layerFloor ? meta.inode : newInode();
}

/**
 * Put a changed entry at path. When it is one name of a file with several (hard links: the same
 * `inode`), the owner, group, mode and script flag change on every other name too, as they are
 * the inode's (inode(7); measured: links/hardlink-shares-mode, links/hardlink-owner). An entry
 * with no inode number is only set; a name of a lower layer's file is copied up first, a file
 * of its own (see layerFloor).
 */
export function setInodeMeta(tree: FsTree, path: string, next: FileMeta): void {
  const ino = next.inode;
  if (ino !== undefined && ino <= layerFloor) {
    tree.set(path, ownInode(next));
    return;
  }
  tree.set(path, next);
  if (ino === undefined) return;
  tree.forEach((m, p) => {
    if (m.inode !== ino || p === path) return;
    if (m.uid === next.uid && m.gid === next.gid && m.mode === next.mode && m.script === next.script) return;
    const changes: Partial<FileMeta> = { uid: next.uid, gid: next.gid, mode: next.mode };
    if (m.script !== next.script) changes.script = next.script;
    tree.set(p, withMeta(m, changes));
  });
}

/**
 * The metadata of a new file made from this one (a copy, a file written anew and renamed into
 * place): a file of its own, so without the inode number of the one it came from.
 */
export function ownInode(meta: FileMeta): FileMeta {
  if (meta.inode === undefined) return meta;
  const { inode: _other, ...rest } = meta;

  return rest as FileMeta;
}

export function cloneTree(tree: FsTree): FsTree {
  // forEach into an empty Map is about a fifth cheaper than new Map(tree) (V8 12, node 20).
  const out: FsTree = new Map();
  tree.forEach((meta, path) => out.set(path, meta));

  return out;
}

/** Every known path strictly below dir, in no particular order. */
export function descendants(tree: FsTree, dir: string): string[] {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  const out: string[] = [];

  for (const p of tree.keys()) if (p !== dir && p.startsWith(prefix)) out.push(p);

  return out;
}

/** True when the tree knows some path strictly below dir (stops at the first). */
export function hasDescendants(tree: FsTree, dir: string): boolean {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  for (const p of tree.keys()) if (p.length > prefix.length && p.startsWith(prefix)) return true;

  return false;
}

export function childrenOf(tree: FsTree, dir: string): string[] {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  const out: string[] = [];

  // One pass, no slicing: a child is a key with the prefix and no further slash.
  for (const p of tree.keys()) {
    if (p.length > prefix.length && p.startsWith(prefix) && p.indexOf('/', prefix.length) === -1) out.push(p);
  }

  return out;
}

export interface Resolved {
  /** The path with every symlink on the way replaced by its target. */
  path: string;
  meta?: FileMeta;
  /** The deepest existing directory on the way when the path does not exist. */
  missingAt?: string;
  /** True when a missing child sits in a directory whose listing is partial: existence unknown. */
  unknown: boolean;
  loop: boolean;
  /** A non-directory was met where a directory was needed. */
  notDir: boolean;
}

/**
 * Resolve symlinks the way path lookup in the kernel does (namei): every component but the
 * last is always followed; the last only when followLast is set. Gives up after 40 links
 * (ELOOP), as Linux does (MAXSYMLINKS).
 */
export function resolvePath(tree: FsTree, path: string, followLast = true): Resolved {
  // One pass over the components of a normal path; a followed symlink replaces the walked part
  // with its target (made absolute against the directory holding the link) and starts again
  // from the root. No component is '.' or '..', so the unwalked rest is appended as it is.
  let p = normalizePath(path);
  // Every entry of a tree sits in a folder the tree holds, never below a symlink or a file
  // (tests/build/tree-invariant): a path the tree has, or one whose parent it has as a folder,
  // resolves without walking the components (most lookups are one of the two).
  const direct = tree.get(p);
  if (direct !== undefined) {
    if (direct.kind !== 'symlink' || !followLast) return { path: p, meta: direct, unknown: false, loop: false, notDir: false };
  } else {
    const up = parentOf(p);
    const dir = tree.get(up);
    if (dir?.kind === 'dir') return { path: p, missingAt: up, unknown: mayHold(dir, p), loop: false, notDir: false };
  }
  let cur = '/';
  let curMeta: FileMeta | undefined = tree.get('/');
  let start = 1;
  let links = 0;

  while (start < p.length) {
    if (curMeta && curMeta.kind !== 'dir') return { path: p, unknown: false, loop: false, notDir: true };

    const end = p.indexOf('/', start);
    const next = end === -1 ? p : p.slice(0, end);
    const meta = tree.get(next);
    if (!meta) return { path: p, missingAt: cur, unknown: mayHold(curMeta, next), loop: false, notDir: false };

    if (meta.kind === 'symlink' && (end !== -1 || followLast)) {
      links += 1;
      if (links > 40) return { path: next, unknown: false, loop: true, notDir: false };
      const rest = end === -1 ? '' : p.slice(end);
      // An empty target names the directory holding the link.
      p = normalizePath(`${meta.target || '.'}${rest}`, cur);
      cur = '/';
      curMeta = tree.get('/');
      start = 1;
      continue;
    }

    cur = next;
    curMeta = meta;
    start = end === -1 ? p.length : end + 1;
  }

  return { path: p, meta: curMeta, unknown: false, loop: false, notDir: false };
}

/** Create every missing directory on the way to path with the given owner and mode. */
export function mkdirp(
  tree: FsTree,
  path: string,
  meta: Pick<FileMeta, 'uid' | 'gid' | 'mode'> & { origin?: string },
): string[] {
  const created: string[] = [];
  const norm = normalizePath(path);
  // A folder made inside one known only in part (below the root) may have been there already,
  // with contents the model does not list (`mkdir -p /etc/apt/keyrings` where /etc/apt is not
  // described): its own listing is partial too. The root's listing is taken as known, so a new
  // /app or /workspace is listed in full.

  // Fast path: plain directories all the way down (no symlink to follow on the way).
  let i = norm.indexOf('/', 1);
  let inPartial = false;
  for (;;) {
    const p = i === -1 ? norm : norm.slice(0, i);
    let m = tree.get(p);
    if (m?.kind === 'symlink') break;
    if (m === undefined) {
      m = { kind: 'dir', uid: meta.uid, gid: meta.gid, mode: meta.mode, origin: meta.origin };
      if (inPartial) m.partial = true;
      tree.set(p, m);
      created.push(p);
    }
    if (i === -1 || p === '/') return created;
    inPartial = m.partial === true;
    i = norm.indexOf('/', i + 1);
  }

  for (const p of ancestry(norm)) {
    const r = resolvePath(tree, p);
    if (r.meta || r.loop || r.notDir) continue;
    // A link followed on the way names a path whose own folders may be missing too (a WORKDIR
    // through `ln -s /data/work /work`): mkdir -p makes them as well.
    if (r.path !== p && parentOf(r.path) !== r.missingAt && !resolvePath(tree, parentOf(r.path)).meta) {
      created.push(...mkdirp(tree, parentOf(r.path), meta));
    }
    const up = parentOf(r.path);
    const m: FileMeta = { kind: 'dir', uid: meta.uid, gid: meta.gid, mode: meta.mode, origin: meta.origin };
    if (up !== '/' && tree.get(up)?.partial === true) m.partial = true;
    tree.set(r.path, m);
    created.push(r.path);
  }

  return created;
}

/**
 * The listings of these folders become partial, so a missing child is unknown rather than
 * missing: what a step the model does not follow (tar x, unzip -d, a clone, a build) left in
 * them is not known. A path that does not exist stands for its nearest existing folder.
 */
export function contentsUnknown(tree: FsTree, dirs: string[]): void {
  for (let d of dirs) {
    for (let i = 0; i < 64; i++) {
      const r = resolvePath(tree, d);
      if (r.meta) {
        if (r.meta.kind === 'dir' && r.meta.filled !== true) tree.set(r.path, unknownFill(r.meta));
        break;
      }
      if (r.unknown || d === '/') break;
      d = parentOf(d);
    }
  }
}

/**
 * Every folder at or below dir lists only in part: an archive unpacked there (tar x, unzip) may
 * add entries to any folder it reaches, not only to the one it was unpacked in (an image's
 * tarball fills /app/logs below the /app that an earlier mkdir made).
 */
/**
 * What a program the model does not read may have written: its working folder and /tmp have
 * entries it does not know, and so has every folder below the paths given (the paths its code
 * or arguments name, the folders of its tools).
 */
export function unreadWrites(tree: FsTree, cwd: string, below: readonly string[]): void {
  contentsUnknown(tree, [cwd, '/tmp']);
  for (const p of below) listingsUnknownBelow(tree, p);
}

export function listingsUnknownBelow(tree: FsTree, dir: string): void {
  const r = resolvePath(tree, dir);
  if (!r.meta || r.meta.kind !== 'dir') {
    contentsUnknown(tree, [dir]);
    return;
  }
  const top = r.path;
  // Only existing keys are replaced, so the iteration sees each entry once. forEach hands out
  // key and value without an entry array per path.
  tree.forEach((m, p) => {
    if (m.kind === 'dir' && m.filled !== true && isUnder(p, top)) tree.set(p, unknownFill(m));
  });
}

/**
 * A folder a step put unknown entries in: its listing is partial, and an owner that a recursive
 * chown gave its unlisted entries no longer holds for the new ones.
 */
function unknownFill(meta: FileMeta): FileMeta {
  if (meta.subtreeOwner === undefined && meta.absent === undefined) return withMeta(meta, { partial: true, filled: true });
  // Left out by a rest spread rather than `delete`, which would turn the copy into a slow
  // dictionary-mode object for every later read. What the step put there may be anything.
  const { subtreeOwner: _dropped, absent: _unknown, ...rest } = meta;

  return withMeta(rest as FileMeta, { partial: true, filled: true });
}

/** Remove a path and everything below it. */
export function removeTree(tree: FsTree, path: string): void {
  for (const p of descendants(tree, path)) tree.delete(p);
  if (path !== '/') tree.delete(path);
}

/** Move a path and everything below it to a new place (rename semantics). */
export function moveTree(tree: FsTree, from: string, to: string): void {
  const moves: [string, FileMeta][] = [];

  for (const p of [from].concat(descendants(tree, from))) {
    const m = tree.get(p);
    if (m) moves.push([to + p.slice(from.length), m]);
  }

  removeTree(tree, from);
  removeTree(tree, to);
  for (const [p, m] of moves) tree.set(p, m);
}

/** Copy a path and everything below it, with a function deciding each copy's metadata. */
export function copyTree(
  src: FsTree,
  from: string,
  dst: FsTree,
  to: string,
  remap: (meta: FileMeta, srcPath: string) => FileMeta = (m) => m,
): number {
  let n = 0;

  for (const p of [from].concat(descendants(src, from))) {
    const m = src.get(p);
    if (!m) continue;
    dst.set(to + p.slice(from.length), remap(m, p));
    n += 1;
  }

  return n;
}

export function formatMode(meta: Pick<FileMeta, 'kind' | 'mode'>): string {
  const t = meta.kind === 'dir' ? 'd' : meta.kind === 'symlink' ? 'l' : '-';
  const m = meta.mode;

  return (
    t +
    triad(m >> 6, m & 0o4000, 's', 'S') +
    triad(m >> 3, m & 0o2000, 's', 'S') +
    triad(m, m & 0o1000, 't', 'T')
  );
}

/** "rwx" of one class; with its special bit the x place shows lower (x set) or upper. */
function triad(bits: number, special: number, lower: string, upper: string): string {
  const rw = RW[(bits >> 1) & 3];
  if (special) return rw + (bits & 1 ? lower : upper);

  return rw + (bits & 1 ? 'x' : '-');
}

const RW = ['--', '-w', 'r-', 'rw'];

export function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
