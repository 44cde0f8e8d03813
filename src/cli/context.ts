// Reads the build context's metadata (type and mode of each entry, never contents), so COPY and
// ADD copy what is really there. Honours .dockerignore in the common forms (globs, `**`, `!`).

import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { FsTree } from '../model/types.js';
import type { DfInstruction, Dockerfile } from '../dockerfile/types.js';
import { splitWords } from '../dockerfile/expand.js';
import { parseRunMount } from '../dockerfile/run-mount.js';

export const CONTEXT_LIMIT = 20000;

export interface BuildContext {
  tree: FsTree;
  /** True when the walk stopped at CONTEXT_LIMIT entries. */
  truncated: boolean;
  /** Folders (and entries) the user may not read: kept with unknown contents. */
  unreadable: UnreadableEntry[];
}

export interface UnreadableEntry {
  /** Relative to the context, slash-separated ('.' for the context itself). */
  path: string;
  /** EACCES or EPERM. */
  code: string;
}

/** Turn a .dockerignore pattern into a RegExp over slash-separated relative paths. */
function patternRe(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i += 1;
      if (pattern[i + 1] === '/') i += 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }

  // A pattern also excludes everything below what it matches.
  return new RegExp(`^${re}(/.*)?$`);
}

export function dockerignore(text: string): (rel: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const body = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, re: patternRe(body.replace(/^\.\//, '')) };
    });

  // The last matching line decides, as in Docker's fileutils.PatternMatcher.
  return (rel) => {
    let ignored = false;
    for (const r of rules) if (r.re.test(rel)) ignored = !r.negate;
    return ignored;
  };
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

export function readBuildContext(dir: string, fs: ContextFs = realFs, roots: string[] | 'all' = 'all'): BuildContext {
  const ignoreFile = join(dir, '.dockerignore');
  const ignored = existsSync(ignoreFile) ? dockerignore(readFileSync(ignoreFile, 'utf8')) : () => false;
  const rootMode = attempt(() => present(fs.lstat(dir), dir), dir).mode & 0o7777;
  const tree: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: rootMode }]]);
  const unreadable: UnreadableEntry[] = [];
  let truncated = false;

  // A folder the user may not list is kept with unknown contents (partial), as COPY treats
  // sources it cannot see; a path that vanishes mid-walk stops the run (the input changed).
  const denied = (rel: string, code: string): void => {
    unreadable.push({ path: rel === '' ? '.' : rel, code });
    const key = rel === '' ? '/' : `/${rel}`;
    const m = tree.get(key);
    if (m && m.kind === 'dir') tree.set(key, { ...m, partial: true });
  };

  const walk = (abs: string, rel: string) => {
    let names: string[];
    try {
      names = fs.readdir(abs).sort();
    } catch (e) {
      if (!DENIED.has(errCode(e))) throw failure(e, abs);
      denied(rel, errCode(e));
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
      if (ignored(r)) continue;
      const p = join(abs, name);
      let st: ContextStat;
      try {
        st = present(fs.lstat(p), p);
      } catch (e) {
        if (!DENIED.has(errCode(e))) throw failure(e, p);
        denied(r, errCode(e));
        continue;
      }
      add(p, r, st);
    }
  };
  // One entry, and everything below it when it is a folder.
  const add = (p: string, r: string, st: ContextStat) => {
    const mode = st.mode & 0o7777;
    if (st.isDirectory()) {
      tree.set(`/${r}`, { kind: 'dir', uid: 0, gid: 0, mode });
      walk(p, r);
    } else if (st.isSymbolicLink()) {
      tree.set(`/${r}`, { kind: 'symlink', uid: 0, gid: 0, mode, target: attempt(() => fs.readlink(p), p) });
    } else {
      const script = st.isFile() && isScript(p, st.size, mode);
      tree.set(`/${r}`, { kind: st.isFile() ? 'file' : 'other', uid: 0, gid: 0, mode, script });
    }
  };
  // One source of COPY/ADD: the folders on the way, then the source itself in full. The folders
  // on the way are not marked partial: the simulator looks up only the named sources there, so
  // an absent one is truly absent. false when a symlink on the way or at the end (COPY follows
  // it) means reading everything.
  const addRoot = (rel: string): boolean => {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const r = parts.slice(0, i).join('/');
      if (ignored(r)) return true;
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
        add(p, r, st);
        return true;
      }
      if (!st.isDirectory()) return true;
      if (!tree.has(`/${r}`)) tree.set(`/${r}`, { kind: 'dir', uid: 0, gid: 0, mode: st.mode & 0o7777 });
    }
    return true;
  };

  if (roots === 'all') walk(dir, '');
  else for (const r of roots) if (!addRoot(r)) return readBuildContext(dir, fs, 'all');

  if (truncated) {
    const root = tree.get('/')!;
    tree.set('/', { ...root, partial: true });
  }

  return { tree, truncated, unreadable };
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
