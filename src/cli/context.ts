// Reads the build context's metadata (type and mode of each entry, never contents), so COPY and
// ADD copy what is really there. Honours .dockerignore as each builder does (./dockerignore.ts).

import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { FsTree } from '../model/types.js';
import type { DfInstruction, Dockerfile } from '../dockerfile/types.js';
import { splitWords } from '../dockerfile/expand.js';
import { parseRunMount } from '../dockerfile/run-mount.js';
import type { Builder } from '../shell/context.js';
import { DockerIgnore, type ParentMatches } from './dockerignore.js';

export const CONTEXT_LIMIT = 20000;

export interface BuildContext {
  tree: FsTree;
  /** True when the walk stopped at CONTEXT_LIMIT entries. */
  truncated: boolean;
  /** Folders (and entries) the user may not read: kept with unknown contents. */
  unreadable: UnreadableEntry[];
  /**
   * COPY/ADD sources (tree paths, '/models/w.bin') that are in the context folder but that
   * .dockerignore leaves out: absent from the tree, and named apart for buildah's words.
   */
  ignored: string[];
}

export interface UnreadableEntry {
  /** Relative to the context, slash-separated ('.' for the context itself). */
  path: string;
  /** EACCES or EPERM. */
  code: string;
}

/** A file that starts with #! (read only for files that may be run: executable or *.sh/*.py). */
function isScript(path: string, size: number, mode: number): boolean | undefined {
  if (size < 2 || ((mode & 0o111) === 0 && !/\.(sh|bash|py)$/.test(path))) return undefined;
  const buf = Buffer.alloc(2);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    readSync(fd, buf, 0, 2, 0);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }

  return buf.toString('latin1') === '#!' || undefined;
}

/** What the walk reads of an lstat. */
export interface ContextStat {
  mode: number;
  size: number;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFile(): boolean;
}

/** The few file-system calls the walk makes; tests inject failures (root reads mode-000 folders). */
export interface ContextFs {
  readdir(path: string): string[];
  /** undefined when nothing is there (ENOENT), as a COPY source often is not: no error is built. */
  lstat(path: string): ContextStat | undefined;
  readlink(path: string): string;
}

const realFs: ContextFs = {
  readdir: (p) => readdirSync(p),
  // Node builds an Error with a stack for each ENOENT, several times the cost of the stat.
  lstat: (p) => lstatSync(p, { throwIfNoEntry: false }),
  readlink: (p) => readlinkSync(p),
};

/** The entry, or an ENOENT error for one that was there a moment ago (the input changed). */
function present<T>(st: T | undefined, path: string): T {
  if (st === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, lstat '${path}'`), { code: 'ENOENT' });
  return st;
}

/** The context changed or failed under the walk: bad input, reported on one line. */
export class ContextReadError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
  }
}

const DENIED = new Set(['EACCES', 'EPERM']);

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'error';
}

/**
 * The parts of the build context the Dockerfile's COPY, ADD and RUN --mount=type=bind can read,
 * as context-relative paths ('' never appears): 'all' when a source is the whole context ('.',
 * or a bind mount without source=), a wildcard at the top, or holds a variable whose value is
 * only known during the build. Reading only these keeps a project with a large data folder
 * quick to check; the classic builder sends (and fails on) the whole context, so the caller
 * reads all of it then.
 */
export function contextSources(df: Dockerfile): string[] | 'all' {
  const roots = new Set<string>();

  for (const st of df.stages) {
    for (const ins of st.instructions) {
      let sources: string[];
      if (ins.keyword === 'RUN') sources = bindSources(ins);
      else if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || ins.flags.some((f) => f.name === 'from')) continue;
      else {
        try {
          sources = (ins.json ?? splitWords(ins.args, df.escape)).slice(0, -1);
        } catch {
          return 'all';
        }
      }
      for (const src of sources) {
        if (src.includes('$')) return 'all';
        if (/^<<-?/.test(src) && ins.heredocs.length > 0) continue;
        if (ins.keyword === 'ADD' && /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(src)) continue;
        // Context-relative, as BuildKit reads sources: leading '/' and './' mean the context.
        const parts: string[] = [];
        for (const part of src.split('/')) {
          if (part === '' || part === '.') continue;
          if (part === '..') parts.pop();
          else parts.push(part);
        }
        // A wildcard reads its whole folder (the model matches the last component only).
        const glob = parts.findIndex((x) => /[*?[\\]/.test(x));
        const kept = glob === -1 ? parts : parts.slice(0, glob);
        if (kept.length === 0) return 'all';
        roots.add(kept.join('/'));
      }
    }
  }

  return [...roots].sort();
}

/**
 * The sources COPY and ADD name one by one (no wildcard, no variable, not the whole context):
 * buildah looks each up on its own, even when a walk over the context would not reach it.
 */
export function namedContextSources(df: Dockerfile): string[] {
  const named = new Set<string>();
  for (const st of df.stages) {
    for (const ins of st.instructions) {
      if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || ins.flags.some((f) => f.name === 'from')) continue;
      let sources: string[];
      try {
        sources = (ins.json ?? splitWords(ins.args, df.escape)).slice(0, -1);
      } catch {
        continue;
      }
      for (const src of sources) {
        if (src.includes('$') || /[*?[\\]/.test(src) || /^<<-?/.test(src) || /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(src)) continue;
        const parts: string[] = [];
        for (const part of src.split('/')) {
          if (part === '' || part === '.') continue;
          if (part === '..') parts.pop();
          else parts.push(part);
        }
        if (parts.length > 0) named.add(parts.join('/'));
      }
    }
  }

  return [...named].sort();
}

/** The context paths a RUN's bind mounts show: source= ('.' when absent), unless from= names another. */
function bindSources(ins: DfInstruction): string[] {
  const out: string[] = [];
  for (const f of ins.flags) {
    if (f.name !== 'mount' || !f.value) continue;
    const m = parseRunMount(f.value);
    // A bind without a source shows the whole context; a pattern in a value is expanded later.
    if (m.type === 'bind' && m.from === undefined) out.push(m.source ?? '.');
  }

  return out;
}

/**
 * The context's entries (metadata only) as the builder gets them: .dockerignore applied as the
 * builder applies it (./dockerignore.ts). An excluded folder that a `!` line may reach into is
 * still opened; it is kept when something inside is brought back (BuildKit sends it with its own
 * mode, buildah 1.28 and the classic builder make it 0755: measured with buildah).
 */
export function readBuildContext(dir: string, fs: ContextFs = realFs, roots: string[] | 'all' = 'all', builder: Builder = 'buildkit', named: string[] = []): BuildContext {
  const ignoreFile = join(dir, '.dockerignore');
  const ignore = existsSync(ignoreFile) ? DockerIgnore.parse(readFileSync(ignoreFile, 'utf8'), builder) : undefined;
  const rootMode = attempt(() => present(fs.lstat(dir), dir), dir).mode & 0o7777;
  const tree: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: rootMode }]]);
  const unreadable: UnreadableEntry[] = [];
  const ignored: string[] = [];
  let truncated = false;

  // A folder the user may not list is kept with unknown contents (partial), as COPY treats
  // sources it cannot see; a path that vanishes mid-walk stops the run (the input changed).
  const denied = (rel: string, code: string): void => {
    unreadable.push({ path: rel === '' ? '.' : rel, code });
    const key = rel === '' ? '/' : `/${rel}`;
    const m = tree.get(key);
    if (m && m.kind === 'dir') tree.set(key, { ...m, partial: true });
  };

  // excluded: the folder is itself left out and opened only for what a `!` line brings back;
  // the builders pass over what they cannot read there (fsutil: a permission error on a
  // skipped entry).
  const walk = (abs: string, rel: string, parent: ParentMatches | undefined, excluded = false) => {
    let names: string[];
    try {
      names = fs.readdir(abs).sort();
    } catch (e) {
      if (!DENIED.has(errCode(e))) throw failure(e, abs);
      if (!excluded) denied(rel, errCode(e));
      return;
    }

    for (const name of names) {
      if (tree.size >= CONTEXT_LIMIT) {
        // This folder's listing stops here: a source missing from it is unknown, not absent.
        truncated = true;
        const key = rel === '' ? '/' : `/${rel}`;
        tree.set(key, { ...tree.get(key)!, partial: true });
        return;
      }
      const r = rel ? `${rel}/${name}` : name;
      const m = ignore?.match(r, parent);
      const p = join(abs, name);
      if (m?.excluded) {
        if (!ignore!.opens(r)) continue;
        let st: ContextStat | undefined;
        try {
          st = fs.lstat(p);
        } catch {
          continue;
        }
        if (st?.isDirectory()) holder(p, r, st, m.matches);
        continue;
      }
      let st: ContextStat;
      try {
        st = present(fs.lstat(p), p);
      } catch (e) {
        if (!DENIED.has(errCode(e))) throw failure(e, p);
        denied(r, errCode(e));
        continue;
      }
      add(p, r, st, m?.matches);
    }
  };
  // One entry, and everything below it when it is a folder.
  const add = (p: string, r: string, st: ContextStat, matches: ParentMatches | undefined) => {
    const mode = st.mode & 0o7777;
    if (st.isDirectory()) {
      tree.set(`/${r}`, { kind: 'dir', uid: 0, gid: 0, mode });
      walk(p, r, matches);
    } else if (st.isSymbolicLink()) {
      tree.set(`/${r}`, { kind: 'symlink', uid: 0, gid: 0, mode, target: attempt(() => fs.readlink(p), p) });
    } else {
      const script = st.isFile() && isScript(p, st.size, mode);
      tree.set(`/${r}`, { kind: st.isFile() ? 'file' : 'other', uid: 0, gid: 0, mode, script });
    }
  };
  // An excluded folder a `!` line may reach into: kept only when something inside is sent.
  const holder = (p: string, r: string, st: ContextStat, matches: ParentMatches) => {
    const key = `/${r}`;
    const before = tree.size;
    tree.set(key, { kind: 'dir', uid: 0, gid: 0, mode: builder === 'buildkit' ? st.mode & 0o7777 : 0o755 });
    walk(p, r, matches, true);
    if (tree.size === before + 1 && !tree.get(key)!.partial) tree.delete(key);
  };
  // One source of COPY/ADD: the folders on the way, then the source itself in full. The folders
  // on the way are not marked partial: the simulator looks up only the named sources there, so
  // an absent one is truly absent. false when a symlink on the way or at the end (COPY follows
  // it) means reading everything. A source .dockerignore leaves out is absent (buildah: "no
  // items matching glob ... filtered out"), unless BuildKit's walk brings back something in it.
  const addRoot = (rel: string): boolean => {
    if (ignore?.closedOnTheWay(rel) !== undefined) return true;
    const m = ignore?.matchPath(rel);
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const r = parts.slice(0, i).join('/');
      const p = join(dir, r);
      let st: ContextStat | undefined;
      try {
        st = fs.lstat(p);
      } catch (e) {
        const code = errCode(e);
        if (code === 'ENOENT' || code === 'ENOTDIR') return true;
        if (!DENIED.has(code)) throw failure(e, p);
        denied(parts.slice(0, i - 1).join('/'), code);
        return true;
      }
      if (st === undefined) return true;
      if (st.isSymbolicLink()) return false;
      if (i === parts.length) {
        if (!m?.excluded) add(p, r, st, m?.matches);
        else if (builder === 'buildkit' && st.isDirectory() && ignore!.opens(r)) holder(p, r, st, m.matches);
        else ignored.push(`/${r}`);
        return true;
      }
      if (!st.isDirectory()) return true;
      if (!tree.has(`/${r}`)) tree.set(`/${r}`, { kind: 'dir', uid: 0, gid: 0, mode: st.mode & 0o7777 });
    }
    return true;
  };

  if (roots === 'all') {
    walk(dir, '', undefined);
    // buildah looks a named source up on its own: one in a folder the walk kept closed is
    // still found, by that COPY alone (the folders on the way are known only in part).
    if (builder === 'buildah' && ignore?.hasExceptions) {
      for (const r of named) {
        if (tree.has(`/${r}`)) continue;
        const before = new Set(tree.keys());
        if (!addRoot(r)) continue;
        for (const [k, m] of tree) {
          if (before.has(k)) continue;
          const onTheWay = m.kind === 'dir' && k !== `/${r}` && !k.startsWith(`/${r}/`);
          tree.set(k, { ...m, unwalked: true, ...(onTheWay ? { partial: true } : {}) });
        }
      }
    }
  } else for (const r of roots) if (!addRoot(r)) return readBuildContext(dir, fs, 'all', builder);

  if (truncated) {
    const root = tree.get('/')!;
    tree.set('/', { ...root, partial: true });
  }

  return { tree, truncated, unreadable, ignored };
}

/** Larger files are not configuration the model reads (sudoers, sshd_config, ...). */
const TEXT_LIMIT = 256 * 1024;

/**
 * The text of a regular file of the context (path as in the tree: '/conf/sudoers'), for the
 * few files whose text the model reads; undefined when it is not a small readable file.
 */
export function contextTextReader(dir: string, tree: FsTree): (path: string) => string | undefined {
  return (path) => {
    if (tree.get(path)?.kind !== 'file') return undefined;
    try {
      const st = lstatSync(join(dir, path));
      if (!st.isFile() || st.size > TEXT_LIMIT) return undefined;
      return readFileSync(join(dir, path), 'utf8');
    } catch {
      return undefined;
    }
  };
}

function failure(e: unknown, path: string): ContextReadError {
  const code = errCode(e);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new ContextReadError('vanished while the build context was read (ENOENT)', path);
  }

  return new ContextReadError(`cannot read this build context entry (${code})`, path);
}

function attempt<T>(fn: () => T, path: string): T {
  try {
    return fn();
  } catch (e) {
    throw failure(e, path);
  }
}
