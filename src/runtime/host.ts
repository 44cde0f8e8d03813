// Facts about host folders that bind mounts expose: read with stat(2) on this machine (the one
// I/O edge of the runtime layer), or from a YAML file describing another machine, so examples
// and CI give the same answer everywhere.

import { execFile } from 'node:child_process';
import { readdir, lstat, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Stats } from 'node:fs';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { FileKind, FileMeta, HostPathFacts, MountSpec } from '../model/types.js';
import { normalizePath } from '../image/fs.js';
import { RunParseError, yamlError, yamlToJS, type YamlProblem } from './errors.js';
import type { Invoker } from './docker.js';

/** More children than this and a directory's listing is left partial. */
const MAX_CHILDREN = 2000;

function kindOf(st: Stats): FileKind {
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'symlink';

  return 'other';
}

function metaOf(st: Stats): FileMeta {
  return { kind: kindOf(st), uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 };
}

const run = promisify(execFile);

/**
 * Whether a path carries POSIX ACL entries: node has no call for extended attributes, and
 * coreutils' `ls -l` marks such a file with a '+' after its mode (following a link, as the
 * mount does). Where ls cannot tell, false: the mode bits are then all there is to go on.
 */
async function hasAcl(path: string): Promise<boolean> {
  try {
    const { stdout } = await run('ls', ['-ldL', '--', path], { timeout: 5000 });
    return stdout.charAt(10) === '+';
  } catch {
    return false;
  }
}

/**
 * stat(2) each path, following symlinks as the mount(2) of a bind source does. With
 * `children`, a directory's entries are listed too (one level, lstat), and the directory is
 * then complete (partial: false). A path that cannot be stat'ed for another reason than ENOENT
 * is reported as existing with unknown metadata.
 */
export async function statHostPaths(
  paths: string[],
  opts: { children?: boolean } = {},
): Promise<HostPathFacts[]> {
  const out: HostPathFacts[] = [];

  for (const raw of paths) {
    const path = normalizePath(raw);
    let st: Stats;
    try {
      st = await stat(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      out.push(code === 'ENOENT' || code === 'ENOTDIR' ? { path, exists: false, from: 'stat' } : { path, exists: true, from: 'stat' });
      continue;
    }

    const meta = metaOf(st);
    const facts: HostPathFacts = { path, exists: true, meta, from: 'stat' };
    if (await hasAcl(path)) facts.acl = true;
    out.push(facts);
    if (!opts.children || meta.kind !== 'dir') continue;

    let names: string[];
    try {
      names = await readdir(path);
    } catch {
      continue;
    }
    meta.partial = names.length > MAX_CHILDREN;
    for (const name of names.slice(0, MAX_CHILDREN)) {
      const child = `${path === '/' ? '' : path}/${name}`;
      try {
        out.push({ path: child, exists: true, meta: metaOf(await lstat(child)), from: 'stat' });
      } catch {
        // Vanished between readdir and lstat: leave it out.
      }
    }
  }

  return out;
}

export interface HostFactsFile {
  invoker?: Invoker;
  paths: HostPathFacts[];
}

// Device nodes (/dev/nvidia0), sockets (/var/run/docker.sock) and FIFOs are judged like any
// other file that is not a folder: char, block, socket and fifo are accepted as the names
// `stat` and the probe's report give them.
const KINDS = new Set(['dir', 'file', 'symlink', 'other', 'char', 'block', 'socket', 'fifo']);
const SPECIAL = new Set(['char', 'block', 'socket', 'fifo']);

function num(v: unknown, what: string): number {
  const s = String(v);
  if (!/^\d+$/.test(s)) throw new RunParseError(`host facts: ${what} must be a number, got "${s}"`, what);
  // A Linux uid or gid is 32 bits, and (uid_t)-1 means "no id".
  if (Number(s) > 4294967294) throw new RunParseError(`host facts: ${what} must be between 0 and 4294967294, got ${s}`, what);

  return Number(s);
}

/** "0755", "755", "0o755", "2775": always octal, as ls and chmod show modes. */
function mode(v: unknown, what: string): number {
  const s = String(v).replace(/^0o/, '');
  if (!/^[0-7]{1,5}$/.test(s)) throw new RunParseError(`host facts: ${what} must be an octal mode, got "${String(v)}"`, what);

  return parseInt(s, 8);
}

/** Edit distance, for "did you mean" on a mistyped key (keys are short). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }

  return row[b.length];
}

/** A key the format does not know is an error: a typo would otherwise drop facts silently. */
function onlyKeys(o: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const k of Object.keys(o)) {
    if (known.includes(k)) continue;
    const near = known.find((n) => distance(k.toLowerCase(), n.toLowerCase()) <= 2);
    const at = where === '' ? '' : ` in ${where}`;
    const hint = near ? ` (did you mean ${near}?)` : '';
    throw new RunParseError(`host facts: unknown key '${k}'${at}${hint}`, where === '' ? k : `${where}.${k}`);
  }
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new RunParseError(`host facts: ${what} must be a mapping`, what);
  }

  return v as Record<string, unknown>;
}

/**
 * Read a host-facts file:
 *
 *   invoker: { uid: 1000, gid: 1000, home: /home/me, cwd: /home/me/proj, name: me }
 *   paths:
 *     /home/me/proj/data: { uid: 1001, gid: 1001, mode: "0755", kind: dir }
 *     /home/me/proj/missing: { exists: false }
 *     /home/me/proj/full: { uid: 1000, gid: 1000, mode: "0755", kind: dir, complete: true }
 *     /srv/shared: { uid: 3000, gid: 3000, mode: "0770", acl: true }   # POSIX ACL entries
 *
 * Every scalar is read as text (YAML's failsafe schema) so `mode: 0755` stays octal whatever
 * YAML version the writer had in mind. Relative paths and `~` use the invoker's cwd and home,
 * which the file must then give: the machine it describes is not this one.
 */
export function parseHostFactsFile(yamlText: string): HostFactsFile {
  const lines = new LineCounter();
  const parsed = parseDocument(yamlText, { schema: 'failsafe', lineCounter: lines, logLevel: 'error' });
  const problem = parsed.errors[0];
  if (problem) {
    if ((problem as YamlProblem).linePos) throw yamlError(problem as YamlProblem);
    throw new RunParseError(`host facts: ${problem.message.split('\n')[0]}`);
  }
  try {
    return readHostFacts(yamlToJS(parsed) ?? {});
  } catch (e) {
    // The key at fault (its flag: invoker.uid, paths["/x"].mode) gives the line.
    if (e instanceof RunParseError && e.line === undefined && e.flag) {
      const line = keyLine(parsed, lines, e.flag);
      if (line !== undefined) throw new RunParseError(e.detail, e.flag, undefined, line);
    }
    throw e;
  }
}

/** The 1-based line of the key a flag like `paths["/x"].mode` names, when the file has it. */
function keyLine(doc: Document, lines: LineCounter, flag: string): number | undefined {
  const keys = [...flag.matchAll(/\["((?:[^"\\]|\\.)*)"\]|([^.[\]]+)/g)].map((m) => m[1] ?? m[2]);
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const k of keys) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === k);
    if (!pair) break;
    const start = (pair.key as { range?: [number, number, number] } | null)?.range?.[0];
    if (start !== undefined) line = lines.linePos(start).line;
    node = pair.value;
  }

  return line;
}

function readHostFacts(doc: unknown): HostFactsFile {
  const top = obj(doc, 'the file');
  onlyKeys(top, ['invoker', 'paths'], '');
  const out: HostFactsFile = { paths: [] };

  if (top.invoker !== undefined) {
    const inv = obj(top.invoker, 'invoker');
    onlyKeys(inv, ['uid', 'gid', 'home', 'cwd', 'name'], 'invoker');
    out.invoker = {
      uid: num(inv.uid, 'invoker.uid'),
      gid: num(inv.gid, 'invoker.gid'),
      home: normalizePath(String(inv.home ?? '/')),
      cwd: normalizePath(String(inv.cwd ?? inv.home ?? '/')),
    };
    if (inv.name !== undefined) out.invoker.name = String(inv.name);
  }

  const inv = top.invoker as Record<string, unknown> | undefined;
  const cwd = out.invoker?.cwd ?? '/';
  const home = out.invoker?.home ?? '/';
  const paths = top.paths === undefined ? {} : obj(top.paths, 'paths');
  // Each link's key as written, to name it when its chain loops.
  const keys = new Map<string, string>();

  for (const [raw, value] of Object.entries(paths)) {
    const where = `paths["${raw}"]`;
    const tilde = raw === '~' || raw.startsWith('~/');
    // Without the invoker's folders a relative path would be read from / and match no mount.
    if (tilde && inv?.home === undefined) {
      throw new RunParseError(`host facts: ${where}: a path under ~ needs invoker.home`, where);
    }
    if (!tilde && !raw.startsWith('/') && inv?.cwd === undefined && inv?.home === undefined) {
      throw new RunParseError(`host facts: ${where}: a relative path needs invoker.cwd (or write it absolute)`, where);
    }
    const path = tilde ? normalizePath(raw.slice(1).replace(/^\//, ''), home) : normalizePath(raw, cwd);
    const f = value === null || value === '' ? {} : obj(value, where);
    onlyKeys(f, ['exists', 'kind', 'uid', 'gid', 'mode', 'target', 'complete', 'acl'], where);

    if (String(f.exists ?? 'true') === 'false') {
      out.paths.push({ path, exists: false, from: 'facts-file' });
      continue;
    }

    const kind = String(f.kind ?? 'dir');
    if (!KINDS.has(kind)) throw new RunParseError(`host facts: ${where}.kind must be dir, file, symlink, char, block, socket, fifo or other`, where);
    // A link is where it leads: its own owner and mode do not matter to a mount (the kernel
    // follows it), so only its target is needed, and it is needed.
    if (kind === 'symlink') {
      if (f.target === undefined || String(f.target) === '') throw new RunParseError(`host facts: ${where}: a symlink needs target (where it leads)`, where);
      out.paths.push({ path, exists: true, meta: { kind: 'symlink', uid: num(f.uid ?? '0', `${where}.uid`), gid: num(f.gid ?? f.uid ?? '0', `${where}.gid`), mode: 0o777, target: String(f.target) }, from: 'facts-file' });
      keys.set(path, where);
      continue;
    }
    if (f.target !== undefined) throw new RunParseError(`host facts: ${where}: target goes with kind: symlink`, where);
    // Listed with no owner and no mode (`/srv/x: {}`): it exists, and the rest is not known. The
    // resolver then states its guess as an assumption (host-unknown) rather than a fact.
    if (f.uid === undefined && f.gid === undefined && f.mode === undefined) {
      out.paths.push({ path, exists: true, from: 'facts-file' });
      continue;
    }
    const meta: FileMeta = {
      kind: SPECIAL.has(kind) ? 'other' : (kind as FileKind),
      uid: num(f.uid ?? '0', `${where}.uid`),
      gid: num(f.gid ?? f.uid ?? '0', `${where}.gid`),
      mode: mode(f.mode ?? (kind === 'dir' ? '0755' : '0644'), `${where}.mode`),
    };
    if (kind === 'dir') meta.partial = String(f.complete ?? 'false') !== 'true';
    const facts: HostPathFacts = { path, exists: true, meta, from: 'facts-file' };
    if (String(f.acl ?? 'false') === 'true') facts.acl = true;
    out.paths.push(facts);
  }

  return { ...out, paths: canonicalFacts(out.paths, keys) };
}

/** Linux's limit of symbolic links followed in one path lookup (MAXSYMLINKS, path_resolution(7)). */
const MAX_LINKS = 40;

export type LinkWalk = { path: string; links: string[] } | { loop: string[] };

/**
 * Where a path leads on the host the facts describe, as the kernel resolves it
 * (path_resolution(7)): each component in turn, the last one too (mount(2) follows a bind
 * source that is a link, and Docker's daemon resolves the source on the host), a relative target
 * read from the link's folder, `..` taken from where the links led. `links` are the links
 * followed (`/mnt/ds -> /srv/nfs`); more than 40 is a loop, as the kernel's ELOOP.
 */
export function followHostLinks(path: string, facts: HostPathFacts[]): LinkWalk {
  const targets = new Map<string, string>();
  for (const f of facts) if (f.exists && f.meta?.kind === 'symlink' && f.meta.target !== undefined) targets.set(normalizePath(f.path), f.meta.target);
  if (targets.size === 0) return { path: normalizePath(path), links: [] };

  // Not cleaned first: `..` is taken from where the links led, as the kernel takes it.
  let rest = path.split('/').filter((c) => c !== '');
  let cur = '/';
  const links: string[] = [];
  while (rest.length > 0) {
    const c = rest.shift()!;
    if (c === '.') continue;
    if (c === '..') {
      cur = cur.slice(0, cur.lastIndexOf('/')) || '/';
      continue;
    }
    const next = cur === '/' ? `/${c}` : `${cur}/${c}`;
    const target = targets.get(next);
    if (target === undefined) {
      cur = next;
      continue;
    }
    links.push(`${next} -> ${target}`);
    if (links.length > MAX_LINKS) return { loop: links };
    if (target.startsWith('/')) cur = '/';
    rest = [...target.split('/').filter((x) => x !== ''), ...rest];
  }

  return { path: cur, links };
}

/**
 * The facts with each path written through a link of the facts (`/mnt/ds/imagenet` where
 * `/mnt/ds` links to `/srv/nfs`) moved to where it is (`/srv/nfs/imagenet`); the links stay at
 * their own paths. A link whose chain loops is refused, naming it: no path through it could be
 * looked up (ELOOP).
 */
function canonicalFacts(paths: HostPathFacts[], keys: Map<string, string>): HostPathFacts[] {
  for (const [path, where] of keys) {
    const walk = followHostLinks(path, paths);
    if ('loop' in walk) throw new RunParseError(`host facts: ${where}: too many levels of symbolic links (${walk.loop.slice(0, 4).join(', ')}${walk.loop.length > 4 ? ', ...' : ''}): the links loop`, where);
  }
  // A link written through another link moves first, and may then be followed itself: moved
  // until nothing moves (each round settles at least one more level).
  let out = paths;
  for (let round = 0; round <= MAX_LINKS; round++) {
    let moved = false;
    out = out.map((f) => {
      if (f.path === '/') return f;
      const parent = f.path.slice(0, f.path.lastIndexOf('/')) || '/';
      const walk = followHostLinks(parent, out);
      if ('loop' in walk || walk.links.length === 0) return f;
      moved = true;
      const name = f.path.slice(f.path.lastIndexOf('/') + 1);

      return { ...f, path: walk.path === '/' ? `/${name}` : `${walk.path}/${name}` };
    });
    if (!moved) break;
  }

  return out;
}

/**
 * The run with each bind source (and a hostPath subPath's volume path) that goes through a
 * link the facts describe replaced by where it leads, as the kernel finds it when the engine
 * mounts it: the facts, the folder Docker creates when it is missing, and the fixes (a
 * `chown -R` of a link changes the link alone) are those of the real folder. The mount keeps
 * the path as written in `linkedFrom` and the links followed in `links`.
 */
export function followBindLinks<R extends { mounts: MountSpec[] }>(run: R, facts: HostPathFacts[]): R {
  let changed = false;
  const mounts = run.mounts.map((m) => {
    if (m.kind !== 'bind' || m.source === undefined || !m.source.startsWith('/')) return m;
    const walk = followHostLinks(m.source, facts);
    if ('loop' in walk || walk.links.length === 0) return m;
    changed = true;
    const root = m.volumeRoot !== undefined ? followHostLinks(m.volumeRoot, facts) : undefined;

    return {
      ...m,
      source: walk.path,
      linkedFrom: m.source,
      links: walk.links,
      ...(root && 'path' in root ? { volumeRoot: root.path } : {}),
    };
  });

  return changed ? { ...run, mounts } : run;
}

/**
 * Bind sources the host-facts file does not list, but proves to exist: it lists a path below
 * them (`/home/me/proj/data` for a mount of `/home/me/proj`). Their owner and mode are not known.
 */
export function impliedByListed(sources: string[], given: HostPathFacts[]): HostPathFacts[] {
  const out: HostPathFacts[] = [];
  for (const raw of sources) {
    const path = normalizePath(raw);
    const below = path === '/' ? '/' : `${path}/`;
    if (given.some((g) => g.from === 'facts-file' && g.exists && normalizePath(g.path).startsWith(below))) {
      out.push({ path, exists: true, from: 'facts-file' });
    }
  }

  return out;
}

/**
 * stat a bind source and what lies below it (lstat, not following links inside), breadth first,
 * up to maxEntries entries in all: verdicts on files inside a mounted folder then use their
 * real owners and modes. Directories listed in full are complete; the rest stay partial.
 */
export async function statHostTree(
  roots: string[],
  opts: { maxEntries?: number; maxDepth?: number } = {},
): Promise<HostPathFacts[]> {
  const maxEntries = opts.maxEntries ?? 5000;
  const maxDepth = opts.maxDepth ?? 8;
  const out = await statHostPaths(roots);
  let queue = out.filter((f) => f.meta?.kind === 'dir').map((f) => ({ facts: f, depth: 0 }));

  while (queue.length > 0) {
    const next: typeof queue = [];
    for (const { facts, depth } of queue) {
      const meta = facts.meta!;
      if (depth >= maxDepth || out.length >= maxEntries) {
        meta.partial = true;
        continue;
      }
      let names: string[];
      try {
        names = await readdir(facts.path);
      } catch {
        meta.partial = true;
        continue;
      }
      meta.partial = false;
      for (const name of names) {
        if (out.length >= maxEntries) {
          meta.partial = true;
          break;
        }
        const path = `${facts.path === '/' ? '' : facts.path}/${name}`;
        try {
          const child: HostPathFacts = { path, exists: true, meta: metaOf(await lstat(path)), from: 'stat' };
          out.push(child);
          if (child.meta!.kind === 'dir') next.push({ facts: child, depth: depth + 1 });
        } catch {
          // Vanished between readdir and lstat: leave it out.
        }
      }
    }
    queue = next;
  }

  return out;
}
