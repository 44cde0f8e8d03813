// Reads the build context's metadata (type and mode of each entry, never contents), so COPY and
// ADD copy what is really there. Honours .dockerignore in the common forms (globs, `**`, `!`).

import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { FsTree } from '../model/types.js';

export const CONTEXT_LIMIT = 20000;

export interface BuildContext {
  tree: FsTree;
  /** True when the walk stopped at CONTEXT_LIMIT entries. */
  truncated: boolean;
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

export function readBuildContext(dir: string): BuildContext {
  const ignoreFile = join(dir, '.dockerignore');
  const ignored = existsSync(ignoreFile) ? dockerignore(readFileSync(ignoreFile, 'utf8')) : () => false;
  const tree: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: lstatSync(dir).mode & 0o7777 }]]);
  let truncated = false;

  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      if (tree.size >= CONTEXT_LIMIT) {
        truncated = true;
        return;
      }
      const r = rel ? `${rel}/${name}` : name;
      if (ignored(r)) continue;
      const p = join(abs, name);
      const st = lstatSync(p);
      const mode = st.mode & 0o7777;
      if (st.isDirectory()) {
        tree.set(`/${r}`, { kind: 'dir', uid: 0, gid: 0, mode });
        walk(p, r);
      } else if (st.isSymbolicLink()) tree.set(`/${r}`, { kind: 'symlink', uid: 0, gid: 0, mode, target: readlinkSync(p) });
      else tree.set(`/${r}`, { kind: st.isFile() ? 'file' : 'other', uid: 0, gid: 0, mode, script: st.isFile() && isScript(p, st.size, mode) });
    }
  };
  walk(dir, '');

  if (truncated) {
    const root = tree.get('/')!;
    tree.set('/', { ...root, partial: true });
  }

  return { tree, truncated };
}
