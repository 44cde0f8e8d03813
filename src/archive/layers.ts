// From layer blobs to one image snapshot: each layer is streamed once into a "diff" (its
// entries, whiteouts and the few texts that matter), and the diffs are stacked the way the
// OCI image spec's layer.md says: a layer's whiteouts hide only what lower layers hold, so they
// are applied before the layer's own entries.

import type { FileKind, FileMeta, FsTree } from '../model/types.js';
import { newInode, newTree, parentOf, resolvePath, withMeta } from '../image/fs.js';
import { decompressed } from './compress.js';
import { ArchiveError, TarReader, type TarHeader } from './tar.js';

export { ArchiveError } from './tar.js';

export interface SnapshotConfig {
  user: string;
  workingDir: string;
  env: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  volumes: string[];
  labels: Record<string, string>;
  shell?: string[];
  exposedPorts?: string[];
}

export interface ImageSnapshot {
  config: SnapshotConfig;
  fs: FsTree;
  /** Contents of the files that matter; /etc/shadow is redacted to "name:state" lines. */
  texts: Record<string, string>;
  /** The image id: digest of the config blob ("sha256:..."), '' when unknown. */
  digest: string;
  platform?: string;
  warnings: string[];
  /** Layer digests, lowest first. */
  layers: string[];
}

export interface LayerInput {
  digest: string;
  mediaType: string;
  stream: NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
  /** false when the digest does not describe these bytes (a classic docker save layer.tar). */
  verify?: boolean;
}

export interface ScanProgress {
  layer: string;
  /** 0-based index of the layer being read. */
  index: number;
  /** Compressed bytes read so far, all layers together. */
  bytes: number;
}

export interface ScanOptions {
  config?: SnapshotConfig;
  digest?: string;
  platform?: string;
  /** Check each layer against its sha256 digest while streaming (default true). */
  verify?: boolean;
  onProgress?: (p: ScanProgress) => void;
  /** Largest text kept, in bytes (default 1 MiB); bigger ones are dropped with a warning. */
  textLimit?: number;
}

export function emptySnapshotConfig(): SnapshotConfig {
  return {
    user: '',
    workingDir: '',
    env: [],
    entrypoint: null,
    cmd: null,
    volumes: [],
    labels: {},
  };
}

// ---------------------------------------------------------------- which texts are kept

const WANTED = new Set([
  '/etc/passwd',
  '/etc/group',
  '/etc/shadow',
  '/etc/login.defs',
  '/etc/default/useradd',
  '/etc/adduser.conf',
  '/etc/sudoers',
  '/etc/ssh/sshd_config',
  '/etc/os-release',
  '/usr/lib/os-release',
]);

const WANTED_DIRS = new Set(['/etc/sudoers.d', '/etc/ssh/sshd_config.d']);

const JUPYTER_CONFIG = /^jupyter_[a-z_]+_config\.(py|json)$/;

/** Whether the contents of this path are worth keeping. */
export function isWantedText(path: string): boolean {
  if (WANTED.has(path)) return true;
  const dir = parentOf(path);
  if (WANTED_DIRS.has(dir)) return true;
  // Any file of /etc/ssh an sshd Include may name, but not the host keys (secrets).
  if (path.startsWith('/etc/ssh/') && !/^\/etc\/ssh\/(ssh_host_|moduli$)/.test(path)) return true;
  const base = path.slice(path.lastIndexOf('/') + 1);

  return base === 'pip.conf' || JUPYTER_CONFIG.test(base);
}

/**
 * /etc/shadow reduced to "name:state" lines, state being one of locked, none, set, empty as
 * shadow(5) reads the password field. Hashes never leave this function. A line whose aging
 * fields can stop PAM's account check (an expire day, a last change of 0, a max below 99999)
 * keeps them after the state: "name:state:lastchg:max:inactive:expire".
 */
export function redactShadow(text: string): string {
  const out: string[] = [];

  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [name, pw = '', lastchg = '', , max = '', , inactive = '', expire = ''] = line.split(':');
    let state: string;
    if (pw === '') state = 'empty';
    else if (pw.startsWith('!')) state = 'locked';
    else if (pw.startsWith('$') || pw.length >= 13) state = 'set';
    else state = 'none';
    const aging = expire !== '' || lastchg === '0' || (max !== '' && Number(max) < 99999);
    out.push(aging ? `${name}:${state}:${lastchg}:${max}:${inactive}:${expire}` : `${name}:${state}`);
  }

  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

// ---------------------------------------------------------------- one layer

export interface DiffEntry {
  path: string;
  meta: FileMeta;
  /** For hard links: the normalised path of the linked file. */
  link?: string;
  /** Contents, for the paths isWantedText() keeps. */
  text?: string;
}

export interface LayerDiff {
  label: string;
  entries: DiffEntry[];
  /** Paths a `.wh.NAME` file deletes. */
  whiteouts: string[];
  /** Directories a `.wh..wh..opq` file empties. */
  opaques: string[];
  warnings: string[];
}

/** Normalise a member name; undefined when it climbs out with '..'. */
export function memberPath(name: string): string | undefined {
  const parts: string[] = [];

  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') return undefined;
    parts.push(p);
  }

  return `/${parts.join('/')}`;
}

// FileMeta values are immutable, so equal ones are shared: most of an image's files fall into
// a handful of (kind, owner, mode) combinations, and the tree then costs little more than its keys.
const interned = new Map<string, FileMeta>();

function metaOf(kind: FileKind, uid: number, gid: number, mode: number): FileMeta {
  const key = `${kind}:${uid}:${gid}:${mode}`;
  let m = interned.get(key);
  if (!m) {
    m = Object.freeze({ kind, uid, gid, mode });
    if (interned.size < 10_000) interned.set(key, m);
  }

  return m;
}

function kindOf(h: TarHeader): FileKind {
  return h.type === 'link' ? 'file' : h.type;
}

export async function readLayer(input: LayerInput, opts: ScanOptions = {}, onBytes?: (n: number) => void): Promise<LayerDiff> {
  const label = input.digest || input.mediaType || 'layer';
  const diff: LayerDiff = { label, entries: [], whiteouts: [], opaques: [], warnings: [] };
  const limit = opts.textLimit ?? 1 << 20;
  let body: Buffer[] | null = null;
  let current: DiffEntry | null = null;

  const handler = {
    entry(h: TarHeader): boolean {
      const path = memberPath(h.name);

      if (path === undefined) {
        diff.warnings.push(`${label}: skipped "${h.name}": its name climbs out of the root with '..'`);

        return false;
      }
      if (h.name.startsWith('/')) {
        diff.warnings.push(`${label}: "${h.name}" has an absolute name; placed at ${path}`);
      }

      const base = path.slice(path.lastIndexOf('/') + 1);
      if (base.startsWith('.wh.')) {
        const dir = parentOf(path);
        if (base === '.wh..wh..opq') diff.opaques.push(dir);
        else if (!base.startsWith('.wh..wh.')) {
          diff.whiteouts.push(dir === '/' ? `/${base.slice(4)}` : `${dir}/${base.slice(4)}`);
        }

        return false;
      }

      const entry: DiffEntry = { path, meta: metaOf(kindOf(h), h.uid, h.gid, h.mode) };
      if (h.type === 'symlink') entry.meta = Object.freeze({ ...entry.meta, target: h.linkname });

      if (h.type === 'link') {
        const target = memberPath(h.linkname);
        if (target === undefined) {
          diff.warnings.push(`${label}: skipped hard link ${path} -> "${h.linkname}": target climbs out with '..'`);

          return false;
        }
        entry.link = target;
      }

      diff.entries.push(entry);
      current = null;
      body = null;

      if (h.type !== 'file' || !isWantedText(path)) return false;
      if (h.size > limit) {
        diff.warnings.push(`${label}: ${path} is ${h.size} bytes, over the ${limit}-byte limit; contents not read`);

        return false;
      }
      current = entry;
      body = [];

      return true;
    },
    data(chunk: Buffer) {
      body?.push(Buffer.from(chunk));
    },
    end() {
      if (!current || !body) return;
      const text = Buffer.concat(body).toString('utf8');
      current.text = current.path === '/etc/shadow' ? redactShadow(text) : text;
      current = null;
      body = null;
    },
  };

  const reader = new TarReader(handler, label);
  const expectDigest = opts.verify === false || input.verify === false ? undefined : input.digest;
  const src = input.stream as AsyncIterable<Uint8Array>;

  for await (const chunk of decompressed(src, label, { onBytes, expectDigest })) {
    if (!reader.done) reader.push(chunk);
  }
  reader.finish();

  return diff;
}

// ---------------------------------------------------------------- stacking layers

/** Every path of the tree (and texts) that a whiteout or an opaque directory hides. */
function applyWhiteouts(tree: FsTree, texts: Map<string, string>, diff: LayerDiff): void {
  if (diff.whiteouts.length === 0 && diff.opaques.length === 0) return;

  const gone = new Set(diff.whiteouts);
  const opaque = new Set(diff.opaques);
  const hidden = (p: string): boolean => {
    if (gone.has(p)) return true;
    for (let cur = p; cur !== '/'; ) {
      cur = parentOf(cur);
      if (gone.has(cur) || opaque.has(cur)) return true;
    }

    return false;
  };

  for (const p of tree.keys()) if (p !== '/' && hidden(p)) tree.delete(p);
  for (const p of texts.keys()) if (hidden(p)) texts.delete(p);
}

const IMPLICIT_DIR = metaOf('dir', 0, 0, 0o755);

/**
 * Where an entry lands: its own path, or, when a parent on the way is a symlink, the path the
 * symlink leads to inside the tree (containerd resolves parents within the root the same way).
 */
function placement(tree: FsTree, path: string, diff: LayerDiff): string | undefined {
  const parent = parentOf(path);
  const pm = tree.get(parent);
  if (pm?.kind === 'dir') return path;

  if (!pm) {
    // Missing parents are created root-owned 0755, as Docker and containerd do when applying.
    const missing: string[] = [];
    let cur = parent;
    while (!tree.has(cur)) {
      missing.push(cur);
      cur = parentOf(cur);
    }
    if (tree.get(cur)?.kind === 'dir') {
      for (const d of missing) tree.set(d, IMPLICIT_DIR);

      return path;
    }
  }

  const r = resolvePath(tree, parent);
  if (r.meta?.kind === 'dir' && !r.loop) return `${r.path === '/' ? '' : r.path}/${path.slice(parent.length + 1)}`;
  diff.warnings.push(`${diff.label}: skipped ${path}: its parent is not a directory`);

  return undefined;
}

function removeBelow(tree: FsTree, texts: Map<string, string>, dir: string): void {
  const prefix = `${dir}/`;
  for (const p of tree.keys()) if (p.startsWith(prefix)) tree.delete(p);
  for (const p of texts.keys()) if (p.startsWith(prefix)) texts.delete(p);
}

export function applyLayer(tree: FsTree, texts: Map<string, string>, diff: LayerDiff): void {
  applyWhiteouts(tree, texts, diff);

  for (const e of diff.entries) {
    if (e.path === '/') {
      if (e.meta.kind === 'dir') tree.set('/', e.meta);
      continue;
    }

    const path = placement(tree, e.path, diff);
    if (path === undefined) continue;
    let meta = e.meta;
    let text = e.text;

    if (e.link !== undefined) {
      const target = tree.get(e.link);
      if (target && target.kind !== 'dir') {
        // One file under both names: they share its inode number, so a later chown or chmod of
        // either reaches the other (setInodeMeta).
        meta = target.inode === undefined ? withMeta(target, { inode: newInode() }) : target;
        if (meta !== target) tree.set(e.link, meta);
        text = texts.get(e.link);
      } else {
        diff.warnings.push(`${diff.label}: hard link ${path} -> ${e.link}: target not found`);
      }
    }

    const old = tree.get(path);
    if (old?.kind === 'dir' && meta.kind !== 'dir') removeBelow(tree, texts, path);
    tree.set(path, meta);

    if (text !== undefined && meta.kind === 'file') texts.set(path, text);
    else texts.delete(path);
  }
}

/**
 * Stream every layer once, lowest first, and stack them. Nothing of a layer stays in memory
 * but its entries' metadata and the wanted texts.
 */
export async function scanLayers(
  layers: AsyncIterable<LayerInput> | Iterable<LayerInput>,
  opts: ScanOptions = {},
): Promise<ImageSnapshot> {
  const tree = newTree();
  const texts = new Map<string, string>();
  const warnings: string[] = [];
  const digests: string[] = [];
  let bytes = 0;
  let index = 0;

  for await (const layer of layers as AsyncIterable<LayerInput>) {
    const label = layer.digest || `layer ${index + 1}`;
    const onBytes = (n: number) => {
      bytes += n;
      opts.onProgress?.({ layer: label, index, bytes });
    };
    const diff = await readLayer({ ...layer, digest: layer.digest || label }, opts, onBytes);
    applyLayer(tree, texts, diff);
    warnings.push(...diff.warnings);
    digests.push(layer.digest);
    index += 1;
  }

  return {
    config: opts.config ?? emptySnapshotConfig(),
    fs: tree,
    texts: Object.fromEntries([...texts].sort(([a], [b]) => (a < b ? -1 : 1))),
    digest: opts.digest ?? '',
    platform: opts.platform,
    warnings,
    layers: digests,
  };
}

/** Convert any error of a layer to an ArchiveError naming it. */
export function asArchiveError(e: unknown, layer: string): ArchiveError {
  return e instanceof ArchiveError ? e : new ArchiveError((e as Error).message, layer);
}

export { snapshotToState } from './snapshot.js';
