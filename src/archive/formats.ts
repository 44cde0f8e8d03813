// Image archives on disk: `docker save` tars (the classic layout and the OCI layout Docker 25+
// writes inside it), OCI image layouts as a folder or a tar (`buildah push oci-archive:`), and
// the same tars gzip-compressed. A plain tar is indexed by seeking from header to header, so
// only the JSON and the chosen layers are ever read, each once; a compressed tar cannot seek
// and is read in one pass instead (see readImageArchiveStream).

import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FsTree } from '../model/types.js';
import { newTree } from '../image/fs.js';
import { detectCompression, decompressed } from './compress.js';
import {
  applyLayer,
  emptySnapshotConfig,
  readLayer,
  scanLayers,
  type ImageSnapshot,
  type LayerDiff,
  type LayerInput,
  type ScanOptions,
} from './layers.js';
import {
  blobPath,
  configFromJson,
  isIndex,
  isManifest,
  parseJson,
  parsePlatform,
  pickManifest,
  sha256Of,
  type Descriptor,
} from './oci.js';
import { ArchiveError, TarReader, type TarHeader } from './tar.js';
import type { SnapshotCache } from './cache.js';

export interface ArchiveOptions {
  platform?: string;
  /** Which image of a multi-image `docker save` archive (a RepoTag); the first otherwise. */
  tag?: string;
  cache?: SnapshotCache;
  onProgress?: ScanOptions['onProgress'];
}

/** Largest JSON document (index, manifest, config) read into memory. */
const MAX_JSON = 16 << 20;

/** Where the members of an archive live and how to read them. */
interface Store {
  label: string;
  has(name: string): Promise<boolean>;
  bytes(name: string): Promise<Buffer>;
  stream(name: string): NodeJS.ReadableStream;
}

// ---------------------------------------------------------------- one tar, indexed

interface Member {
  offset: number;
  size: number;
  type: TarHeader['type'];
  linkname: string;
}

function memberName(name: string): string {
  return name.replace(/^(\.?\/)+/, '').replace(/\/+$/, '');
}

/** Read the headers of a plain tar file, seeking past every body. */
async function indexTar(path: string): Promise<Map<string, Member>> {
  const members = new Map<string, Member>();
  const fh = await open(path, 'r');
  const block = Buffer.alloc(512);
  const { size } = await fh.stat();
  let pos = 0;

  try {
    const reader = new TarReader(
      {
        entry(h) {
          members.set(memberName(h.name), { offset: pos, size: h.size, type: h.type, linkname: h.linkname });

          return false;
        },
      },
      path,
    );

    while (!reader.done) {
      const skip = reader.skippable;
      if (skip > 0) {
        reader.skip(skip);
        pos += skip;
        continue;
      }
      const { bytesRead } = await fh.read(block, 0, 512, pos);
      if (bytesRead === 0) {
        if (pos > size) throw new ArchiveError('tar file is truncated (ends inside an entry)', path);
        break;
      }
      pos += bytesRead;
      reader.push(block.subarray(0, bytesRead));
    }
    reader.finish();
  } finally {
    await fh.close();
  }

  return members;
}

function tarStore(path: string, members: Map<string, Member>): Store {
  const find = (name: string, depth = 0): Member | undefined => {
    const m = members.get(memberName(name));
    if (!m || depth > 8) return undefined;
    if (m.type === 'link') return find(m.linkname, depth + 1);
    if (m.type !== 'symlink') return m;
    // A symlink member (docker save links a repeated layer.tar to the first copy).
    const dir = memberName(name).split('/').slice(0, -1);
    const parts = m.linkname.startsWith('/') ? [] : dir;
    for (const p of m.linkname.split('/')) {
      if (p === '..') parts.pop();
      else if (p !== '.' && p !== '') parts.push(p);
    }

    return find(parts.join('/'), depth + 1);
  };
  const need = (name: string) => {
    const m = find(name);
    if (!m || m.type !== 'file') throw new ArchiveError(`archive has no member "${name}"`, path);

    return m;
  };

  return {
    label: path,
    has: async (name) => find(name)?.type === 'file',
    async bytes(name) {
      const m = need(name);
      if (m.size > MAX_JSON) throw new ArchiveError(`"${name}" is too large to be JSON`, path);
      const fh = await open(path, 'r');
      try {
        const buf = Buffer.alloc(m.size);
        await fh.read(buf, 0, m.size, m.offset);

        return buf;
      } finally {
        await fh.close();
      }
    },
    stream(name) {
      const m = need(name);
      if (m.size === 0) return PassThrough.from([]) as unknown as NodeJS.ReadableStream;

      return createReadStream(path, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 1 << 20 });
    },
  };
}

function dirStore(dir: string): Store {
  const full = (name: string) => {
    if (name.split('/').includes('..')) throw new ArchiveError(`refusing member name "${name}"`, dir);

    return join(dir, name);
  };

  return {
    label: dir,
    async has(name) {
      return stat(full(name)).then((s) => s.isFile(), () => false);
    },
    async bytes(name) {
      const s = await stat(full(name)).catch(() => undefined);
      if (!s?.isFile()) throw new ArchiveError(`layout has no file "${name}"`, dir);
      if (s.size > MAX_JSON) throw new ArchiveError(`"${name}" is too large to be JSON`, dir);

      return readFile(full(name));
    },
    stream: (name) => createReadStream(full(name), { highWaterMark: 1 << 20 }),
  };
}

// ---------------------------------------------------------------- manifests of a store

interface Plan {
  configBytes: Buffer;
  layers: { digest: string; mediaType: string; member: string; verify: boolean }[];
}

async function planOci(store: Store, opts: ArchiveOptions): Promise<Plan> {
  const want = parsePlatform(opts.platform);
  let doc = parseJson(await store.bytes('index.json'), `${store.label}: index.json`);

  for (let depth = 0; isIndex(doc); depth++) {
    if (depth > 4) throw new ArchiveError('image indexes nest too deep', store.label);
    const d: Descriptor = pickManifest(doc, want, store.label);
    const bytes = await store.bytes(blobPath(d.digest));
    if (sha256Of(bytes) !== d.digest) throw new ArchiveError(`blob ${d.digest} does not match its digest`, store.label);
    doc = parseJson(bytes, `${store.label}: ${d.digest}`);
  }

  if (!isManifest(doc)) throw new ArchiveError('index.json leads to no image manifest', store.label);
  const configBytes = await store.bytes(blobPath(doc.config.digest));
  if (sha256Of(configBytes) !== doc.config.digest) {
    throw new ArchiveError(`config ${doc.config.digest} does not match its digest`, store.label);
  }

  return {
    configBytes,
    layers: doc.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType ?? '', member: blobPath(l.digest), verify: true })),
  };
}

async function planDocker(store: Store, opts: ArchiveOptions): Promise<Plan> {
  const doc = parseJson(await store.bytes('manifest.json'), `${store.label}: manifest.json`);
  if (!Array.isArray(doc) || doc.length === 0) throw new ArchiveError('manifest.json lists no image', store.label);

  type Entry = { Config: string; RepoTags?: string[] | null; Layers: string[] };
  const entries = doc as Entry[];
  const entry = (opts.tag && entries.find((e) => e.RepoTags?.includes(opts.tag!))) || entries[0];
  const configBytes = await store.bytes(entry.Config);
  const diffIds = ((parseJson(configBytes, 'image config') as { rootfs?: { diff_ids?: string[] } }).rootfs?.diff_ids) ?? [];

  return {
    configBytes,
    layers: entry.Layers.map((member, i) => {
      const blob = member.match(/^blobs\/(sha256)\/([a-f0-9]{64})$/);
      // Classic layer.tar members are stored uncompressed, so their sha256 is the diff id.
      if (blob) return { digest: `${blob[1]}:${blob[2]}`, mediaType: '', member, verify: true };

      return { digest: diffIds[i] ?? member, mediaType: 'application/x-tar', member, verify: false };
    }),
  };
}

async function snapshotFromStore(store: Store, opts: ArchiveOptions): Promise<ImageSnapshot> {
  const oci = (await store.has('oci-layout')) && (await store.has('index.json'));
  if (!oci && !(await store.has('manifest.json'))) {
    throw new ArchiveError('neither a docker save archive (manifest.json) nor an OCI layout (oci-layout, index.json)', store.label);
  }

  const plan = oci ? await planOci(store, opts) : await planDocker(store, opts);
  const digest = sha256Of(plan.configBytes);
  const cached = await opts.cache?.get(digest);
  if (cached) return cached;

  const { config, platform } = configFromJson(parseJson(plan.configBytes, 'image config'));
  async function* layers(): AsyncGenerator<LayerInput> {
    for (const l of plan.layers) {
      yield { digest: l.digest, mediaType: l.mediaType, stream: store.stream(l.member), verify: l.verify };
    }
  }

  const snap = await scanLayers(layers(), { config, digest, platform, onProgress: opts.onProgress });
  await opts.cache?.put(snap);

  return snap;
}

// ---------------------------------------------------------------- entry point

/** Read an image from a docker save tar, an OCI archive tar or an OCI layout folder. */
export async function readImageArchive(path: string, opts: ArchiveOptions = {}): Promise<ImageSnapshot> {
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new ArchiveError('no such file or folder', path);
  if (s.isDirectory()) return snapshotFromStore(dirStore(path), opts);

  const fh = await open(path, 'r');
  const head = Buffer.alloc(4);
  await fh.read(head, 0, 4, 0).finally(() => fh.close());

  if (detectCompression(head) !== 'none') {
    return readImageArchiveStream(createReadStream(path, { highWaterMark: 1 << 20 }), { ...opts, label: path });
  }

  return snapshotFromStore(tarStore(path, await indexTar(path)), opts);
}

// ---------------------------------------------------------------- one pass over a stream

/**
 * Read an archive that can only be streamed (an engine's `GET /images/NAME/get`, a compressed
 * tar). Its manifest may come last, so each layer is read into a diff as it passes and the diffs
 * are stacked once the manifest says their order. Memory holds the diffs' metadata, never data.
 */
export async function readImageArchiveStream(
  src: NodeJS.ReadableStream | AsyncIterable<Uint8Array>,
  opts: ArchiveOptions & { label?: string } = {},
): Promise<ImageSnapshot> {
  const label = opts.label ?? 'image archive';
  const json = new Map<string, Buffer>();
  const diffs = new Map<string, LayerDiff>();
  const links = new Map<string, string>();
  const pending: Promise<void>[] = [];
  let body: { name: string; mode: 'undecided' | 'json' | 'layer' | 'skip'; chunks: Buffer[]; size: number; pt?: PassThrough; done?: Promise<void> } | null = null;

  const startLayer = (b: NonNullable<typeof body>) => {
    const pt = new PassThrough({ highWaterMark: 1 << 20 });
    b.pt = pt;
    const blob = b.name.match(/^blobs\/(sha256)\/([a-f0-9]{64})$/);
    const input: LayerInput = {
      digest: blob ? `${blob[1]}:${blob[2]}` : b.name,
      mediaType: '',
      stream: pt,
      verify: blob !== null,
    };
    // A failed reader stops consuming; swallow the write errors that follow, keep the first.
    pt.on('error', () => {});
    const p = readLayer(input, {}).then((d) => void diffs.set(b.name, d));
    p.catch(() => {});
    pending.push(p);
    b.done = p;
  };

  const reader = new TarReader(
    {
      entry(h) {
        const name = memberName(h.name);
        if (h.type === 'symlink' || h.type === 'link') {
          const dir = h.type === 'symlink' ? name.split('/').slice(0, -1) : [];
          const parts = [...dir];
          for (const p of h.linkname.split('/')) {
            if (p === '..') parts.pop();
            else if (p !== '.' && p !== '') parts.push(p);
          }
          links.set(name, parts.join('/'));
        }
        if (h.type !== 'file' || /(^|\/)(VERSION|json)$/.test(name)) return false;
        body = { name, mode: 'undecided', chunks: [], size: 0 };

        return true;
      },
      data(chunk) {
        const b = body!;
        if (b.mode === 'undecided') {
          // JSON documents start with '{' or '['; anything else is taken for a layer blob.
          b.mode = chunk[0] === 0x7b || chunk[0] === 0x5b ? 'json' : 'layer';
          if (b.mode === 'layer') startLayer(b);
        }
        if (b.mode === 'json') {
          b.size += chunk.length;
          if (b.size > MAX_JSON) {
            b.mode = 'skip';
            b.chunks = [];
          } else b.chunks.push(Buffer.from(chunk));
        } else if (b.mode === 'layer') b.pt!.write(Buffer.from(chunk));
      },
      end() {
        const b = body!;
        if (b.mode === 'json') json.set(b.name, Buffer.concat(b.chunks));
        else if (b.mode === 'layer') b.pt!.end();
        body = null;
      },
    },
    label,
  );

  for await (const chunk of decompressed(src as AsyncIterable<Uint8Array>, label)) {
    if (reader.done) continue;
    reader.push(chunk);
    const b = body as { pt?: PassThrough; done?: Promise<void> } | null;
    if (b?.pt && b.done && b.pt.writableNeedDrain) await Promise.race([once(b.pt, 'drain'), b.done]);
  }
  reader.finish();
  await Promise.all(pending);

  const resolve = (name: string): string => {
    for (let i = 0; i < 8 && links.has(name); i++) name = links.get(name)!;

    return name;
  };
  const store: Store = {
    label,
    has: async (name) => json.has(resolve(name)) || diffs.has(resolve(name)),
    bytes: async (name) => {
      const b = json.get(resolve(name));
      if (!b) throw new ArchiveError(`archive has no JSON member "${name}"`, label);

      return b;
    },
    stream: () => {
      throw new ArchiveError('layers of a streamed archive are read as they pass', label);
    },
  };

  const oci = (await store.has('oci-layout')) && (await store.has('index.json'));
  if (!oci && !(await store.has('manifest.json'))) {
    throw new ArchiveError('neither a docker save archive (manifest.json) nor an OCI layout (oci-layout, index.json)', label);
  }
  const plan = oci ? await planOci(store, opts) : await planDocker(store, opts);
  const digest = sha256Of(plan.configBytes);
  const { config, platform } = configFromJson(parseJson(plan.configBytes, 'image config'));

  const tree: FsTree = newTree();
  const texts = new Map<string, string>();
  const warnings: string[] = [];

  for (const l of plan.layers) {
    const diff = diffs.get(resolve(l.member));
    if (!diff) throw new ArchiveError(`layer "${l.member}" is missing from the archive`, label);
    applyLayer(tree, texts, diff);
    warnings.push(...diff.warnings);
  }

  const snap: ImageSnapshot = {
    config: config ?? emptySnapshotConfig(),
    fs: tree,
    texts: Object.fromEntries([...texts].sort(([a], [b]) => (a < b ? -1 : 1))),
    digest,
    platform,
    warnings,
    layers: plan.layers.map((l) => l.digest),
  };
  await opts.cache?.put(snap);

  return snap;
}
