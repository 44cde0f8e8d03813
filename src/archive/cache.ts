// Snapshots cached by image id (the config digest), so checking a second Dockerfile on the same
// base reads no layer again. One JSON file per image under $XDG_CACHE_HOME/uidctl/images/.

import { homedir } from 'node:os';
import { join } from 'node:path';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { FileKind, FileMeta, FsTree } from '../model/types.js';
import type { ImageSnapshot } from './layers.js';
import { newInode } from '../image/fs.js';

export interface SnapshotCache {
  get(digest: string): Promise<ImageSnapshot | undefined>;
  put(snapshot: ImageSnapshot): Promise<void>;
}

/** Bump when the snapshot format or what a scan keeps changes: old entries are then ignored. */
const FORMAT = 3;

/** Path, kind, uid, gid, mode, then the symlink target (or null) and the inode number of a file with several names. */
type Row = [string, FileKind, number, number, number, (string | null)?, number?];

export function serializeSnapshot(s: ImageSnapshot): string {
  const fs: Row[] = [];
  for (const [p, m] of s.fs) {
    if (m.inode !== undefined) fs.push([p, m.kind, m.uid, m.gid, m.mode, m.target ?? null, m.inode]);
    else fs.push(m.target === undefined ? [p, m.kind, m.uid, m.gid, m.mode] : [p, m.kind, m.uid, m.gid, m.mode, m.target]);
  }

  return JSON.stringify({ format: FORMAT, ...s, fs });
}

export function deserializeSnapshot(text: string): ImageSnapshot | undefined {
  const doc = JSON.parse(text) as Omit<ImageSnapshot, 'fs'> & { format?: number; fs?: Row[] };
  if (doc.format !== FORMAT || !Array.isArray(doc.fs)) return undefined;

  const tree: FsTree = new Map();
  // Inode numbers are unique within one run of the model: the stored ones get new numbers.
  const inodes = new Map<number, number>();
  for (const [p, kind, uid, gid, mode, target, inode] of doc.fs) {
    const m: FileMeta = target === undefined || target === null ? { kind, uid, gid, mode } : { kind, uid, gid, mode, target };
    if (inode !== undefined) {
      m.inode = inodes.get(inode) ?? newInode();
      inodes.set(inode, m.inode);
    }
    tree.set(p, m);
  }
  const { format: _format, fs: _fs, ...rest } = doc;

  return { ...rest, fs: tree };
}

export function cacheDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');

  return join(base, 'uidctl', 'images');
}

function fileFor(dir: string, digest: string): string | undefined {
  const m = digest.match(/^(sha256|sha512):([a-f0-9]{64,128})$/);

  return m ? join(dir, `${m[1]}-${m[2]}.json`) : undefined;
}

/** A cache in the user's cache folder; `disabled` gives one that never hits nor writes. */
export function openCache(env: Record<string, string | undefined>, opts: { disabled?: boolean; dir?: string } = {}): SnapshotCache {
  if (opts.disabled) return { get: async () => undefined, put: async () => {} };
  const dir = opts.dir ?? cacheDir(env);

  return {
    async get(digest) {
      const file = fileFor(dir, digest);
      if (!file) return undefined;
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) return undefined;
      try {
        const s = deserializeSnapshot(text);

        return s && s.digest === digest ? s : undefined;
      } catch {
        return undefined;
      }
    },
    async put(snapshot) {
      const file = fileFor(dir, snapshot.digest);
      if (!file) return;
      // A cache that cannot be written is not an error: the next run reads the layers again.
      try {
        await mkdir(dir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, serializeSnapshot(snapshot));
        await rename(tmp, file);
      } catch {
        // nothing to do: see above
      }
    },
  };
}
