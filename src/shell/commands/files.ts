// Commands that change file metadata: chown, chgrp, chmod, mkdir, rmdir, install, touch, cp,
// mv, ln, rm, tee, sed -i, mktemp. Option handling and messages follow GNU coreutils (and GNU
// sed) in the C locale; the permission rules are the kernel's: chown_ok/chgrp_ok and
// setattr_should_drop_sgid in fs/attr.c, inode_owner_or_capable for chmod, inode_init_owner in
// fs/inode.c for who owns a new entry, may_delete/may_create in fs/namei.c.

import type { BuildIdentity, CmdResult, CommandHandler, ExecContext } from '../context.js';
import { OK, fail } from '../context.js';
import type { Errno, FileMeta, FsTree } from '../../model/types.js';
import {
  ancestry,
  baseName,
  byPath,
  contentsUnknown,
  descendants,
  formatMode,
  hasDescendants,
  isUnder,
  normalizePath,
  parentOf,
  rebase,
  resolvePath,
  withMeta,
} from '../../image/fs.js';
import type { Resolved } from '../../image/fs.js';
import { linkedInode, newInode, ownInode, setInodeMeta } from '../../image/fs.js';
import { groupByGid, groupByName, parseId, userByName, userByUid } from '../../image/accounts.js';
import { refreshDerived } from './config.js';
import { unknownOutput } from './builtins.js';
import { ACCESS_MASKS, allows } from '../../access/evaluate.js';
import { externallyManagedMarker } from './packages.js';

// ---------------------------------------------------------------- shared helpers

const ERRNO_TEXT: Record<Errno, string> = {
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  EEXIST: 'File exists',
  EBUSY: 'Device or resource busy',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
};

/** strerror(3) text of an errno, as the tools print it. */
export function errnoText(e: Errno): string {
  return ERRNO_TEXT[e];
}

/** Files whose text the model keeps (ImageState.texts), because their content decides access. */
export function isTrackedText(path: string): boolean {
  return (
    path === '/etc/sudoers' ||
    path.startsWith('/etc/sudoers.d/') ||
    // sshd_config, its drop-ins and any file of /etc/ssh an Include may name; not the host keys
    // (secrets no setting depends on) or the moduli.
    (path.startsWith('/etc/ssh/') && !/^\/etc\/ssh\/(ssh_host_|moduli$)/.test(path)) ||
    // A config file elsewhere that `sshd -f` may name, by its usual name (/srv/ssh/sshd_config).
    (path.includes('sshd_config') && /\/[^/]*sshd_config[^/]*$/.test(path)) ||
    // The patterns run only on paths that can match them (most written paths cannot).
    (path.includes('jupyter_') && /(^|\/)jupyter_[a-z_]*config\.(py|json)$/.test(path)) ||
    // Any pip.conf: PIP_CONFIG_FILE, XDG_CONFIG_HOME and a venv's own may name one anywhere.
    path.endsWith('/pip.conf') ||
    path === '/etc/login.defs' ||
    // What a login shell reads first (its umask and variables; see Walker.readProfile).
    path === '/etc/profile' ||
    path === '/etc/default/useradd'
  );
}

/**
 * A Python project's description (setup.py, setup.cfg, pyproject.toml): pip reads its packages
 * and console scripts from it. Its text is kept when known, with no doubt recorded when it is
 * not (pip's install then lists in part what it leaves).
 */
export function isProjectText(path: string): boolean {
  return path.endsWith('/setup.py') || path.endsWith('/setup.cfg') || path.endsWith('/pyproject.toml');
}

/**
 * Owner of a new entry (fs/inode.c inode_init_owner): the caller's uid; the caller's gid, or
 * the parent's gid when the parent directory has the setgid bit, in which case a new
 * directory inherits the setgid bit too.
 */
export function newEntryOwner(
  fs: FsTree,
  path: string,
  ident: BuildIdentity,
  isDir: boolean,
): { uid: number; gid: number; setgid: boolean } {
  return ownerIn(resolvePath(fs, parentOf(path)).meta, ident, isDir);
}

/** newEntryOwner() once the parent directory's metadata is known. */
function ownerIn(
  parent: FileMeta | undefined,
  ident: BuildIdentity,
  isDir: boolean,
): { uid: number; gid: number; setgid: boolean } {
  if (parent && parent.kind === 'dir' && parent.mode & 0o2000) {
    return { uid: ident.uid, gid: parent.gid, setgid: isDir };
  }

  return { uid: ident.uid, gid: ident.gid, setgid: false };
}

function abs(ctx: ExecContext, p: string): string {
  return normalizePath(p, ctx.cwd);
}

function inGroup(ident: BuildIdentity, gid: number): boolean {
  return ident.gid === gid || ident.groups.includes(gid);
}

/**
 * open(O_CREAT)/mkdir(2)/symlink(2) of one new entry: the parent must exist (ENOENT, or
 * ENOTDIR when it is not a directory), then write and search on it. The evaluator's 'create'
 * also accepts missing parents (mkdir -p), which a single system call does not.
 */
export function createAccess(ctx: ExecContext, path: string): { allowed: boolean; errno?: Errno } {
  const a = abs(ctx, path);
  const parent = resolvePath(ctx.state.fs, parentOf(a));
  if (parent.loop) return { allowed: false, errno: 'ELOOP' };
  if (parent.notDir || (parent.meta && parent.meta.kind !== 'dir')) {
    return { allowed: false, errno: 'ENOTDIR' };
  }
  if (!parent.meta && !parent.unknown) {
    // A search-permission failure on the way is reported before the missing entry.
    const v = ctx.access(parent.missingAt ?? '/', 'chdir');
    return { allowed: false, errno: !v.allowed && v.errno === 'EACCES' ? 'EACCES' : 'ENOENT' };
  }
  const v = ctx.access(a, 'create');

  return { allowed: v.allowed, errno: v.errno };
}

export type Lookup =
  | { ok: true; path: string; meta: FileMeta }
  | { ok: false; errno: Errno; unknown: boolean };

/**
 * A path written with a trailing slash (`f/`, `link/`): the kernel's lookup then follows a last
 * symlink and wants a directory at the end (LOOKUP_FOLLOW | LOOKUP_DIRECTORY in fs/namei.c), so
 * anything else is ENOTDIR, a missing name or a dangling link ENOENT. '/' alone is no such path.
 */
export function slashed(p: string): boolean {
  return p.length > 1 && p.charCodeAt(p.length - 1) === 47 && /[^/]/.test(p);
}

/**
 * stat/lstat: search permission on the way, then the entry (symlinks followed when asked). A
 * trailing slash follows the last link and is ENOTDIR on anything but a directory (measured:
 * files/chown-file-trailing-slash and the other files/*-trailing-slash).
 */
export function lookup(ctx: ExecContext, p: string, follow = true): Lookup {
  const slash = slashed(p);
  if (slash) follow = true;
  const a = abs(ctx, p);
  if (a !== '/') {
    const v = ctx.access(parentOf(a), 'chdir');
    if (!v.allowed) {
      const r = resolvePath(ctx.state.fs, parentOf(a));
      return { ok: false, errno: v.errno ?? 'ENOENT', unknown: v.errno === 'ENOENT' && r.unknown };
    }
  }
  const r = resolvePath(ctx.state.fs, a, follow);
  if (r.loop) return { ok: false, errno: 'ELOOP', unknown: false };
  if (r.notDir) return { ok: false, errno: 'ENOTDIR', unknown: false };
  if (!r.meta) return { ok: false, errno: 'ENOENT', unknown: r.unknown };
  if (slash && r.meta.kind !== 'dir') return { ok: false, errno: 'ENOTDIR', unknown: false };

  return { ok: true, path: r.path, meta: r.meta };
}

/**
 * A name that is a symbolic link whose target is known not to be there (or loops): lstat finds
 * it, stat does not. The tools that follow a command-line link say so in their own words.
 */
function dangling(ctx: ExecContext, p: string): boolean {
  if (slashed(p)) return false;
  const l = lookup(ctx, p, false);
  if (!l.ok || l.meta.kind !== 'symlink') return false;
  const r = resolvePath(ctx.state.fs, l.path, true);

  return r.loop || (!r.meta && !r.unknown && !r.notDir);
}

/** A descendant's name as the tool prints it: the argument as typed plus the relative part. */
export function shown(arg: string, root: string, path: string): string {
  if (path === root) return arg;

  return `${arg.replace(/\/+$/, '')}${path.slice(root === '/' ? 0 : root.length)}`;
}

/**
 * The entries `chown -R` / `chgrp -R` reach below root, as coreutils' fts walk reaches them: a
 * folder the process may not read is "cannot read directory" and is left as it is, with
 * everything below it (FTS_DNR); the entries of one it may read but not search are each
 * "cannot access" (FTS_NS). Root needs CAP_DAC_READ_SEARCH or CAP_DAC_OVERRIDE for folders
 * not open to it (measured: a root entrypoint with only CHOWN, SETUID and SETGID). With
 * followAll (-L), a symlink met on the way stands for what it names, walked in turn.
 */
function walkTree(ctx: ExecContext, root: string, followAll: boolean, errors: string[], arg: string, tool: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (top: string, shownTop: string): void => {
    if (seen.has(top)) return;
    seen.add(top);
    // Folders whose entries the walk does not reach (the order puts /a/b-c between /a/b and /a/b/x).
    const blocked: string[] = [];
    for (const p of walkOrder(ctx.state.fs, top)) {
      if (blocked.length > 0 && blocked.some((b) => isUnder(p, b) && p !== b)) continue;
      const meta = ctx.state.fs.get(p)!;
      if (followAll && meta.kind === 'symlink') {
        const r = resolvePath(ctx.state.fs, p);
        if (r.meta?.kind === 'dir') visit(r.path, shown(shownTop, top, p));
        else if (r.meta !== undefined && !seen.has(r.path)) {
          seen.add(r.path);
          out.push(r.path);
        }
        continue;
      }
      if (meta.kind !== 'dir') {
        out.push(p);
        continue;
      }
      // The walk is already inside: only the folder's own r (opendir) and x (each entry).
      if (!allows(ctx.ident, meta, ACCESS_MASKS.MAY_READ)) {
        errors.push(failure(ctx, tool, 'cannot read directory', shown(shownTop, top, p), 'Permission denied'));
        blocked.push(p);
        continue;
      }
      if (!allows(ctx.ident, meta, ACCESS_MASKS.MAY_EXEC)) {
        // Its names are read, but none of them can be looked at.
        for (const c of descendants(ctx.state.fs, p)) {
          if (parentOf(c) === p) errors.push(failure(ctx, tool, 'cannot access', shown(shownTop, top, c), 'Permission denied'));
        }
        out.push(p);
        blocked.push(p);
        continue;
      }
      out.push(p);
    }
  };
  visit(root, arg);

  return out;
}

/** Known entries of a tree in walk order (parents first), the root included. */
function walkOrder(fs: FsTree, root: string): string[] {
  // concat rather than a spread: the cheaper copy in V8.
  return [root].concat(descendants(fs, root).sort(byPath));
}

function result(errors: string[], status = 1): CmdResult {
  return errors.length > 0 ? { status, stderr: errors } : OK;
}

function unknownResult(ctx: ExecContext, reason: string, paths: string[] = []): CmdResult {
  ctx.unknown(reason, paths);

  return { status: 'unknown' };
}

/**
 * A long option written as a prefix of one name, as getopt_long takes it (`mkdir --par`,
 * `chown --ref=`): undefined when no name or names of different meanings start with it.
 */
function abbreviatedLong(long: Record<string, string>, name: string): string | undefined {
  let hit: string | undefined;
  for (const full in long) {
    if (!full.startsWith(name)) continue;
    if (hit !== undefined && hit !== long[full]) return undefined;
    hit = long[full];
  }

  return hit;
}

/**
 * The last of some short option letters in argv, walked as parseOpts walks it (clusters, values
 * of the valued letters skipped, nothing after `--`): for options where the last one wins.
 */
function lastLetter(argv: string[], letters: string, flags: string, valued: string, long: Record<string, string>): string | undefined {
  let last: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a.startsWith('--')) {
      const key = long[a.split('=')[0]];
      if (key !== undefined && valued.includes(key) && !a.includes('=')) i += 1;
      continue;
    }
    if (a.length < 2 || !a.startsWith('-')) continue;
    for (let k = 1; k < a.length; k++) {
      const ch = a[k];
      if (valued.includes(ch)) {
        if (k + 1 === a.length) i += 1;
        break;
      }
      if (!flags.includes(ch)) break;
      if (letters.includes(ch)) last = ch;
    }
  }

  return last;
}

/** Which of some options (long names, or `-x` letters) argv gives last, before `--`. */
function lastOf(argv: string[], names: string[], long: Record<string, string>): string | undefined {
  let last: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a.startsWith('--')) {
      const name = a.split('=')[0];
      const full = names.find((n) => n.startsWith('--') && (n === name || (n.startsWith(name) && long[n] !== undefined && abbreviatedLong(long, name) === long[n])));
      if (full !== undefined) last = full;
      continue;
    }
    if (a.length > 1 && a.startsWith('-')) {
      for (const n of names) if (n.length === 2 && !n.startsWith('--') && a.slice(1).includes(n[1])) last = n;
    }
  }

  return last;
}

/** Parse coreutils-style options: a set of flags, values for the options that take one. */
function parseOpts(
  argv: string[],
  flags: string,
  valued: string,
  long: Record<string, string> = {},
): { opts: Map<string, string>; args: string[]; bad?: string } {
  const opts = new Map<string, string>();
  const args: string[] = [];

  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      const key = long[name] ?? abbreviatedLong(long, name);
      if (key === undefined) return { opts, args, bad: a };
      if (valued.includes(key)) opts.set(key, eq > 0 ? a.slice(eq + 1) : (argv[++i] ?? ''));
      else opts.set(key, eq > 0 ? a.slice(eq + 1) : '');
      continue;
    }
    if (a.length > 1 && a.startsWith('-')) {
      for (let k = 1; k < a.length; k++) {
        const ch = a[k];
        if (valued.includes(ch)) {
          opts.set(ch, k + 1 < a.length ? a.slice(k + 1) : (argv[++i] ?? ''));
          break;
        }
        if (!flags.includes(ch)) return { opts, args, bad: a };
        opts.set(ch, '');
      }
      continue;
    }
    args.push(a);
  }

  return { opts, args };
}

/**
 * On Alpine the tools are BusyBox applets, which word failures differently: "chown: /x:
 * Operation not permitted", "mkdir: can't create directory '/x': ...", "rm: can't remove '/x'".
 */
function busybox(ctx: ExecContext): boolean {
  return ctx.state.distro === 'alpine';
}

/** "TOOL: PATH: why" (BusyBox) or "TOOL: what 'PATH': why" (coreutils). */
function failure(ctx: ExecContext, tool: string, what: string, path: string, why: string): string {
  return busybox(ctx) ? `${tool}: ${path}: ${why}` : `${tool}: ${what} '${path}': ${why}`;
}

/** A usage error: the message and coreutils' pointer to --help. */
function usage(msg: string): CmdResult {
  const tool = msg.slice(0, msg.indexOf(':'));

  return { status: 1, stderr: [msg, `Try '${tool} --help' for more information.`] };
}

function badOption(tool: string, a: string): CmdResult {
  const letter = a.replace(/^-+/, '').slice(0, 1);
  const msg = a.startsWith('--')
    ? `${tool}: unrecognized option '${a}'`
    : `${tool}: invalid option -- '${letter}'`;

  return usage(msg);
}

function missingOperand(tool: string): CmdResult {
  return usage(`${tool}: missing operand`);
}

/** Drop the text of a tracked file whose new content is not known. */
function forgetText(ctx: ExecContext, path: string): void {
  // A folder has no text (/etc/ssh/sshd_config.d moved into place with its files).
  if (ctx.state.fs.get(path)?.kind === 'dir') return;
  // Another text kept (a start script, setup.py) goes without a word: nothing else reads it.
  if (!isTrackedText(path)) {
    delete ctx.state.texts[path];
    return;
  }
  ctx.unknown(`the text of ${path} after this command is not known`, [path]);
  if (ctx.state.texts[path]) {
    delete ctx.state.texts[path];
    refreshDerived(ctx.state);
  }
}

function setText(ctx: ExecContext, path: string, content: string | undefined): void {
  if (!isTrackedText(path)) {
    // A known text copied elsewhere (an entrypoint script moved into place) goes with the file;
    // an unknown one leaves no doubt to record at a path whose text matters to nothing else.
    if (content !== undefined) ctx.state.texts[path] = { content, line: ctx.line };
    else delete ctx.state.texts[path];
    return;
  }
  if (content === undefined) return forgetText(ctx, path);
  ctx.state.texts[path] = { content, line: ctx.line };
  refreshDerived(ctx.state);
}

// ---------------------------------------------------------------- chown / chgrp

interface OwnerSpec {
  uid?: number;
  gid?: number;
}

/**
 * OWNER[:GROUP] as coreutils parses it (parse_user_spec): names first, then numbers; "user:"
 * takes the user's login group; the old "user.group" form is accepted when no colon is given.
 */
/**
 * An owner or group number as coreutils reads it (xstrtoul): blanks and one '+' may lead, and
 * the value may not pass max. chown refuses 4294967295, which is (uid_t) -1, "no change" to the
 * kernel (measured: `chown 4294967295 f` is "invalid user", 4294967294 is taken); chgrp and
 * install take it and change nothing.
 */
const ID_MAX = 4294967295;
function coreutilsId(text: string, max: number): number | undefined {
  const m = /^[ \t\n\v\f\r]*\+?(\d+)$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);

  return n <= max ? n : undefined;
}

/**
 * chown's USER[:GROUP] (coreutils parse_user_spec): a name first, then a number below
 * 4294967295. For chgrp (group), the group alone with chgrp's own limit.
 */
function parseOwnerSpec(ctx: ExecContext, spec: string, chgrp = false): OwnerSpec | string {
  const acc = ctx.state.accounts;
  let sep = spec.indexOf(':');
  if (sep < 0 && spec.includes('.') && !userByName(acc, spec)) sep = spec.indexOf('.');
  const userPart = sep < 0 ? spec : spec.slice(0, sep);
  const groupPart = sep < 0 ? undefined : spec.slice(sep + 1);
  const out: OwnerSpec = {};

  if (userPart !== '') {
    const u = userByName(acc, userPart);
    const n = coreutilsId(userPart, ID_MAX - 1);
    if (u) out.uid = u.uid;
    else if (n !== undefined) out.uid = n;
    else return `invalid user: '${spec}'`;
    if (groupPart === '') {
      const login = u ?? userByUid(acc, out.uid);
      if (!login) return `invalid spec: '${spec}'`;
      out.gid = login.gid;
    }
  }
  if (groupPart !== undefined && groupPart !== '') {
    const g = groupByName(acc, groupPart);
    const n = coreutilsId(groupPart, chgrp ? ID_MAX : ID_MAX - 1);
    if (g) out.gid = g.gid;
    else if (n === ID_MAX) return out;
    else if (n !== undefined) out.gid = n;
    else return `invalid group: '${spec}'`;
  }

  return out;
}

/**
 * BusyBox's words for an owner it cannot find (measured with busybox 1.35: `chown nginx:nginx`
 * is "unknown user/group nginx:nginx", `chown nginx` "unknown user nginx", `chown :grp` and
 * `chgrp grp` "unknown group grp").
 */
function busyboxOwnerError(tool: 'chown' | 'chgrp', spec: string): string {
  if (tool === 'chgrp') return `unknown group ${spec}`;
  const sep = spec.indexOf(':');
  if (sep < 0) return `unknown user ${spec}`;
  if (sep === 0) return `unknown group ${spec.slice(1)}`;

  return `unknown user/group ${spec}`;
}

/**
 * The kernel's decision for chown(2) (fs/attr.c chown_ok / chgrp_ok): changing the owner
 * needs CAP_CHOWN unless it stays the caller's own uid; changing the group needs ownership and
 * membership in the new group, or CAP_CHOWN.
 */
function mayChown(ident: BuildIdentity, meta: FileMeta, spec: OwnerSpec): boolean {
  const cap = ident.caps.has('CAP_CHOWN');
  if (spec.uid !== undefined && !(ident.uid === meta.uid && spec.uid === meta.uid) && !cap) return false;
  if (spec.gid !== undefined) {
    const own = ident.uid === meta.uid && (inGroup(ident, spec.gid) || spec.gid === meta.gid);
    if (!own && !cap) return false;
  }

  return true;
}

/** New metadata after chown(2): setuid always dropped on non-directories, setgid if g+x. */
function chownedMeta(meta: FileMeta, spec: OwnerSpec): FileMeta {
  let mode = meta.mode;
  if (meta.kind !== 'dir' && meta.kind !== 'symlink') {
    mode &= ~0o4000;
    if ((mode & 0o2010) === 0o2010) mode &= ~0o2000;
  }

  return withMeta(meta, { uid: spec.uid ?? meta.uid, gid: spec.gid ?? meta.gid, mode });
}

// Long options of chown and chgrp (a module constant: not rebuilt for every command).
const CHOWN_LONG: Record<string, string> = {
  '--recursive': 'R', '--no-dereference': 'h', '--dereference': 'D', '--silent': 'f',
  '--quiet': 'f', '--verbose': 'v', '--changes': 'c', '--reference': 'r',
  '--preserve-root': 'p', '--no-preserve-root': 'n', '--from': 'F',
};


/**
 * `chown -R USER:GROUP DIR` where DIR is an entry a step the model did not follow put in a
 * folder (an archive unpacked in /vol, then `chown -R app /vol/pkg`): the chown says it is
 * there. It is taken as a folder of unknown contents, all of them now that owner's, so a later
 * VOLUME or write there is judged with it; the step's note keeps the verdicts hedged.
 */
function ownUnlisted(ctx: ExecContext, path: string, spec: { uid?: number; gid?: number }): void {
  const fs = ctx.state.fs;
  const r = resolvePath(fs, path);
  const up = r.missingAt === undefined ? undefined : fs.get(r.missingAt);
  if (r.meta || !r.unknown || r.missingAt !== parentOf(r.path) || up?.filled !== true) return;
  if (spec.uid === undefined) return;
  // Without a group the archive's is kept, which is not known: root's, as tar as root restores
  // an archive made by root (the note keeps this a guess).
  const owner = { uid: spec.uid, gid: spec.gid ?? 0 };
  fs.set(r.path, { kind: 'dir', ...owner, mode: 0o755, origin: ctx.origin, partial: true, filled: true, subtreeOwner: { ...owner, origin: ctx.origin } });
}

function chownLike(tool: 'chown' | 'chgrp'): CommandHandler {
  return (ctx, argv) => {
    const { opts, args, bad } = parseOpts(argv, 'RhHLPfvc', 'F', CHOWN_LONG);
    if (bad) return badOption(tool, bad);

    let spec: OwnerSpec | string;
    let files: string[];
    const ref = opts.get('r');
    if (ref !== undefined && ref !== '') {
      const r = lookup(ctx, ref);
      if (!r.ok) return fail(`${tool}: failed to get attributes of '${ref}': ${errnoText(r.errno)}`);
      spec = tool === 'chown' ? { uid: r.meta.uid, gid: r.meta.gid } : { gid: r.meta.gid };
      files = args;
    } else {
      if (args.length === 0) return missingOperand(tool);
      if (args.length < 2) return usage(`${tool}: missing operand after '${args[0]}'`);
      spec = tool === 'chown' ? parseOwnerSpec(ctx, args[0]) : parseOwnerSpec(ctx, `:${args[0]}`, true);
      if (typeof spec === 'string' && tool === 'chgrp') spec = `invalid group: '${args[0]}'`;
      if (typeof spec === 'string' && busybox(ctx)) spec = busyboxOwnerError(tool, args[0]);
      files = args.slice(1);
    }
    if (typeof spec === 'string') return fail(`${tool}: ${spec}`);
    // --from=OWNER:GROUP: only entries that have that owner (and group) now are changed.
    const fromText = opts.get('F');
    const from = fromText === undefined ? undefined : parseOwnerSpec(ctx, fromText);
    if (typeof from === 'string') return fail(`${tool}: ${from}`);

    const recursive = opts.has('R');
    // -H, -L and -P set one traversal mode: the last given wins (coreutils chown.c sets
    // bit_flags anew for each), -P (FTS_PHYSICAL) when none is given.
    const traversal = lastLetter(argv, 'HLP', 'RhHLPfvc', 'F', CHOWN_LONG) ?? 'P';
    // chown.c: `-R --dereference` under FTS_PHYSICAL is refused before anything is changed.
    if (recursive && traversal === 'P' && opts.has('D') && lastOf(argv, ['--dereference', '--no-dereference', '-h'], CHOWN_LONG) === '--dereference') {
      return fail(`${tool}: -R --dereference requires either -H or -L`);
    }
    // -L follows every symlink met during -R, -H those on the command line.
    const followAll = recursive && traversal === 'L' && !opts.has('h');
    // With -R and -P, coreutils works on symlinks themselves (lchown), like -h.
    const noDeref = opts.has('h') || (recursive && traversal === 'P');
    const quiet = opts.has('f');
    const errors: string[] = [];
    let unknown = false;
    const verb = tool === 'chown' ? 'changing ownership of' : 'changing group of';

    for (const f of files) {
      // A trailing slash makes the kernel's lookup follow a last symlink (`chown -R app
      // /usr/local/cuda/` changes the folder the link names; measured: links/alice).
      const l = lookup(ctx, f, !noDeref);
      if (!l.ok) {
        // A link found by lstat whose target is not there: chown_files stats it to follow it
        // (chown-core.c: "cannot dereference"), where a missing name is "cannot access".
        if (!noDeref && dangling(ctx, f)) errors.push(failure(ctx, tool, 'cannot dereference', f, errnoText(l.errno)));
        else if (l.unknown) {
          ctx.unknown(`${f} is not known to exist; ${tool} may have changed it`, [abs(ctx, f)]);
          unknown = true;
          if (recursive) ownUnlisted(ctx, abs(ctx, f), spec);
        } else errors.push(failure(ctx, tool, 'cannot access', f, errnoText(l.errno)));
        continue;
      }

      const paths = recursive && l.meta.kind === 'dir' ? walkTree(ctx, l.path, followAll, errors, f, tool) : [l.path];
      for (const p of paths) {
        const meta = ctx.state.fs.get(p)!;
        if (from !== undefined && ((from.uid !== undefined && from.uid !== meta.uid) || (from.gid !== undefined && from.gid !== meta.gid))) continue;
        if (ctx.readOnly?.(p)) {
          errors.push(failure(ctx, tool, verb, shown(f, l.path, p), 'Read-only file system'));
          continue;
        }
        if (!mayChown(ctx.ident, meta, spec)) {
          errors.push(failure(ctx, tool, verb, shown(f, l.path, p), 'Operation not permitted'));
          continue;
        }
        const next = chownedMeta(meta, spec);
        if (recursive && meta.kind === 'dir' && meta.partial) {
          // Entries the listing does not show get the same owner: remember it on the directory.
          const base = meta.subtreeOwner ?? { uid: meta.uid, gid: meta.gid };
          next.subtreeOwner = { uid: spec.uid ?? base.uid, gid: spec.gid ?? base.gid, origin: ctx.origin };
        }
        setInodeMeta(ctx.state.fs, p, next);
      }
    }

    if (errors.length > 0) return { status: 1, stderr: quiet ? [] : errors };

    return unknown ? { status: 'unknown' } : OK;
  };
}

// ---------------------------------------------------------------- chmod

const WHO: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007, a: 0o7777 };

/**
 * Apply a chmod mode (octal or symbolic) to a mode, as gnulib's mode_compile/mode_adjust do:
 * with no "who", bits set in the umask are left alone; for a directory, setuid and setgid are
 * kept unless the mode mentions them (a numeric mode needs 5 digits to clear them).
 * Returns undefined for an invalid mode. BusyBox (bb_parse_mode) knows no octal value after an
 * operator: `=0700`, which coreutils takes, is invalid there (measured: both, chmod and mkdir -m).
 */
export function applyMode(spec: string, old: number, isDir: boolean, umask: number, busybox = false): number | undefined {
  const c = compiledMode(spec, busybox);
  if (c === undefined) return undefined;

  if (c.numeric !== undefined) {
    const omit = isDir ? 0o6000 & ~c.mentioned : 0;

    return (old & omit) | (c.numeric & ~omit);
  }

  let mode = old & 0o7777;
  for (const clause of c.clauses) {
    const given = clause.who === 0 ? 0o7777 & ~umask : clause.who;

    for (const action of clause.actions) {
      // An octal value after the operator (`=0700`) is absolute: every bit, no umask.
      const affected = action.octal ? 0o7777 : given;
      let value = 0;
      if (action.copy >= 0) {
        const bits = (mode >> action.copy) & 7;
        value = (bits << 6) | (bits << 3) | bits;
      } else {
        value = action.bits;
        if (action.bigX && (isDir || mode & 0o111)) value |= 0o111;
      }
      value &= affected;
      const mentioned = action.octal ? 0o7777 : clause.who === 0 ? value : affected & value;
      const omit = isDir ? 0o6000 & ~mentioned : 0;

      if (action.op === '+') mode |= value;
      else if (action.op === '-') mode &= ~value;
      else {
        const preserved = ~affected | omit;
        mode = (mode & preserved) | (value & ~omit);
      }
    }
  }

  return mode & 0o7777;
}

/** One [-+=] action of a symbolic mode: copy another class's bits, or set r/w/x/X/s/t. */
interface ModeAction {
  op: string;
  /** Shift of the class copied by "=u", "+g", "-o"; -1 when letters are given. */
  copy: number;
  /** The bits of r, w, x, s and t for every class. */
  bits: number;
  /** X: execute only for directories and for files some class may already execute. */
  bigX: boolean;
  /** An octal value after the operator (coreutils only): bits given whole, all mentioned. */
  octal?: boolean;
}

interface CompiledMode {
  numeric?: number;
  /** For a numeric mode: the special bits it mentions (a 5-digit mode mentions them all). */
  mentioned: number;
  /** who as bits, 0 when no who is given (the umask then decides, at apply time). */
  clauses: { who: number; actions: ModeAction[] }[];
}

/** Parsed modes by their text: chmod -R applies the same text to every entry. Kept small. */
const MODE_CACHE = new Map<string, CompiledMode | null>();
const BUSYBOX_MODE_CACHE = new Map<string, CompiledMode | null>();

function compiledMode(spec: string, busybox: boolean): CompiledMode | undefined {
  const cache = busybox ? BUSYBOX_MODE_CACHE : MODE_CACHE;
  let c = cache.get(spec);
  if (c === undefined) {
    c = compileMode(spec, busybox) ?? null;
    if (cache.size >= 256) cache.clear();
    cache.set(spec, c);
  }

  return c ?? undefined;
}

/**
 * The actions of one clause after its who letters. gnulib's mode_compile also takes an octal
 * value after an operator when the clause names no who, and only as its last action (`=0700`,
 * `+x=700`, `=700,u+s`; `u=7`, `=0700+x` and values above 07777 are invalid; measured with
 * coreutils 9.1).
 */
const ACTIONS = /^((?:[-+=](?:[ugo]|[rwxXst]*))*)(?:([-+=])([0-7]+))?$/;

function compileMode(spec: string, busybox: boolean): CompiledMode | undefined {
  if (/^[0-7]{1,5}$/.test(spec)) {
    const value = parseInt(spec, 8);
    if (value > 0o7777) return undefined;

    return { numeric: value, mentioned: spec.length < 5 ? (value & 0o6000) | 0o1777 : 0o7777, clauses: [] };
  }

  const clauses: CompiledMode['clauses'] = [];
  for (const clause of spec.split(',')) {
    const whoEnd = /^[ugoa]*/.exec(clause)![0].length;
    const m = ACTIONS.exec(clause.slice(whoEnd));
    if (!m || (m[1] === '' && m[2] === undefined)) return undefined;
    const octal = m[2] === undefined ? undefined : parseInt(m[3], 8);
    if (octal !== undefined && (busybox || whoEnd > 0 || octal > 0o7777)) return undefined;
    const who = [...clause.slice(0, whoEnd)].reduce((acc, ch) => acc | WHO[ch], 0);
    const actions: ModeAction[] = [];

    for (const action of m[1].match(/[-+=](?:[ugo]|[rwxXst]*)/g) ?? []) {
      const perms = action.slice(1);
      const copy = perms === 'u' ? 6 : perms === 'g' ? 3 : perms === 'o' ? 0 : -1;
      let bits = 0;
      for (const ch of perms) {
        if (ch === 'r') bits |= 0o444;
        if (ch === 'w') bits |= 0o222;
        if (ch === 'x') bits |= 0o111;
        if (ch === 's') bits |= 0o6000;
        if (ch === 't') bits |= 0o1000;
      }
      actions.push({ op: action[0], copy, bits, bigX: perms.includes('X') });
    }
    if (octal !== undefined) actions.push({ op: m[2], copy: -1, bits: octal, bigX: false, octal: true });
    clauses.push({ who, actions });
  }

  return { mentioned: 0, clauses };
}

/** chmod(2) on one entry: only the owner or CAP_FOWNER; setgid dropped for non-members. */
function chmodEntry(ctx: ExecContext, meta: FileMeta, mode: number): FileMeta | undefined {
  if (ctx.ident.uid !== meta.uid && !ctx.ident.caps.has('CAP_FOWNER')) return undefined;
  // fs/attr.c setattr_copy: the setgid bit is cleared when the caller is neither in the file's
  // group nor has CAP_FSETID.
  if (mode & 0o2000 && !inGroup(ctx.ident, meta.gid) && !ctx.ident.caps.has('CAP_FSETID')) mode &= ~0o2000;

  return withMeta(meta, { mode });
}

const chmod: CommandHandler = (ctx, argv) => {
  const args: string[] = [];
  let recursive = false;
  let quiet = false;
  let ref: string | undefined;
  let modeSpec: string | undefined;

  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    // Not an option (none of the tests below can match without the dash): the mode, then files.
    if (a.charCodeAt(0) !== 45) {
      if (modeSpec === undefined && ref === undefined) modeSpec = a;
      else args.push(a);
      continue;
    }
    if (a === '-R' || a === '--recursive') recursive = true;
    else if (a === '-f' || a === '--silent' || a === '--quiet') quiet = true;
    else if (/^(-v|-c|--verbose|--changes|--preserve-root|--no-preserve-root)$/.test(a)) continue;
    else if (a.startsWith('--reference=')) ref = a.slice(12);
    else if (/^-[Rfvc]+$/.test(a)) {
      recursive ||= a.includes('R');
      quiet ||= a.includes('f');
    } else if (a.startsWith('-') && modeSpec === undefined && /^-[rwxXst0-7]/.test(a)) modeSpec = a;
    else if (a.startsWith('-') && a.length > 1 && !/^-[rwxXst0-7]/.test(a)) return badOption('chmod', a);
    else if (modeSpec === undefined && ref === undefined) modeSpec = a;
    else args.push(a);
  }

  let refMode: number | undefined;
  if (ref !== undefined) {
    const r = lookup(ctx, ref);
    if (!r.ok) return fail(`chmod: failed to get attributes of '${ref}': ${errnoText(r.errno)}`);
    refMode = r.meta.mode;
    if (modeSpec !== undefined) args.unshift(modeSpec);
  }
  if (modeSpec === undefined && refMode === undefined) return missingOperand('chmod');
  if (args.length === 0) return usage(`chmod: missing operand after '${modeSpec}'`);
  if (refMode === undefined && applyMode(modeSpec!, 0, false, ctx.umask, busybox(ctx)) === undefined) {
    // BusyBox's words carry no colon and no hint (measured: `chmod: invalid mode '=0700'`, 1).
    if (busybox(ctx)) return fail(`chmod: invalid mode '${modeSpec}'`);
    return usage(`chmod: invalid mode: '${modeSpec}'`);
  }

  const errors: string[] = [];
  let unknown = false;
  const surprises = refMode === undefined && modeSpec!.startsWith('-');
  for (const f of args) {
    const l = lookup(ctx, f, true);
    if (!l.ok) {
      // chmod's fts follows command-line links (FTS_COMFOLLOW); one whose target is not there
      // is FTS_SLNONE, refused without an errno (coreutils chmod.c process_file), -R or not.
      if (dangling(ctx, f)) errors.push(busybox(ctx) ? `chmod: ${f}: ${errnoText(l.errno)}` : `chmod: cannot operate on dangling symlink '${f}'`);
      else if (l.unknown) {
        ctx.unknown(`${f} is not known to exist; chmod may have changed it`, [abs(ctx, f)]);
        unknown = true;
      } else errors.push(failure(ctx, 'chmod', 'cannot access', f, errnoText(l.errno)));
      continue;
    }
    const paths = recursive && l.meta.kind === 'dir' ? walkOrder(ctx.state.fs, l.path) : [l.path];
    for (const p of paths) {
      const meta = ctx.state.fs.get(p)!;
      // chmod never changes a symlink; one met during -R is skipped.
      if (meta.kind === 'symlink') continue;
      if (ctx.readOnly?.(p)) {
        errors.push(failure(ctx, 'chmod', 'changing permissions of', shown(f, l.path, p), 'Read-only file system'));
        continue;
      }
      const mode = refMode ?? applyMode(modeSpec!, meta.mode, meta.kind === 'dir', ctx.umask, busybox(ctx))!;
      const next = chmodEntry(ctx, meta, mode);
      if (!next) {
        const shownPath = shown(f, l.path, p);
        errors.push(failure(ctx, 'chmod', 'changing permissions of', shownPath, 'Operation not permitted'));
        continue;
      }
      setInodeMeta(ctx.state.fs, p, next);
      // A mode written like an option (`chmod -w`) names no class, so the umask keeps some bits
      // from changing; GNU chmod then says so and exits 1, the change made (coreutils chmod.c
      // diagnose_surprises; measured: umask/chmod-minus-w-surprise).
      if (surprises && !busybox(ctx)) {
        const naive = applyMode(modeSpec!, meta.mode, meta.kind === 'dir', 0)!;
        if (next.mode & ~naive & 0o7777) {
          const text = (m: number) => formatMode({ kind: 'file', mode: m }).slice(1);
          errors.push(`chmod: ${shown(f, l.path, p)}: new permissions are ${text(next.mode)}, not ${text(naive)}`);
        }
      }
    }
  }

  if (errors.length > 0) return { status: 1, stderr: quiet ? [] : errors };

  return unknown ? { status: 'unknown' } : OK;
};

// ---------------------------------------------------------------- mkdir / rmdir

interface MkdirOpts {
  parents: boolean;
  /** Final mode; undefined means 0777 & ~umask. A function of the inherited bits. */
  mode?: (inherited: number) => number;
  tool: string;
  /** Message for a refused creation: "cannot create directory 'X'". */
  owner?: OwnerSpec;
  /**
   * Mode of the folders made on the way, whatever the umask: install makes them 0755, as it
   * runs with umask 0 (measured: misc/install-parents-umask-000 and -077).
   */
  parentMode?: number;
}

/**
 * Create a directory (and with parents its missing ancestors), checking each creation against
 * the current tree. Returns the error lines; empty means success.
 */
function makeDir(ctx: ExecContext, arg: string, o: MkdirOpts): string[] {
  const fs = ctx.state.fs;
  const target = abs(ctx, arg);
  // With -p every ancestor but '/' (element 0 of the ancestry), else the target alone.
  const chain = o.parents ? ancestry(target) : [target];
  const cut = ctx.cwd === '/' ? 1 : ctx.cwd.length + 1;
  const rel = (p: string) => (arg.startsWith('/') ? p : p.slice(cut) || '.');
  const verb = busybox(ctx) ? "can't" : 'cannot';
  // GNU mkdir names the argument as typed, up to the component that failed ('/opt//m' of
  // '/opt//m/x/'; the whole argument for the last one): measured with coreutils 9.1.
  const typed = (p: string): string => {
    if (p === target) return arg;
    for (let i = 1; i < arg.length; i++) {
      if (arg[i] === '/' && arg[i - 1] !== '/' && abs(ctx, arg.slice(0, i)) === p) return arg.slice(0, i);
    }
    return rel(p);
  };
  const refuse = (p: string, why: string) => [`${o.tool}: ${verb} create directory '${typed(p)}': ${why}`];
  // The directory the previous step made at its own path (no symlink on the way): the next
  // element, its child, is then missing right there unless the tree already holds that path.
  let made: string | undefined;

  for (let k = o.parents ? 1 : 0; k < chain.length; k++) {
    const p = chain[k];
    const r: Resolved = made !== undefined && !fs.has(p)
      ? { path: p, missingAt: made, unknown: false, loop: false, notDir: false }
      : resolvePath(fs, p);
    made = undefined;
    const last = p === target;
    // mkdir(2) never follows a last symlink: a link there is a taken name (EEXIST), dangling or
    // not. mkdir -p then stats the name, following it, and takes only a folder (coreutils
    // mkdir.c make_ancestor / savewd; measured: files/mkdir-on-dangling-link, -p too).
    const own = last ? resolvePath(fs, p, false).meta : undefined;
    if (own?.kind === 'symlink' && (!o.parents || !r.meta)) {
      if (o.parents && !r.meta && r.unknown && !r.loop && !r.notDir) {
        ctx.unknown(`${p} is a symbolic link to ${own.target ?? ''}, which is not known to exist: mkdir -p fails unless it names a folder`, [p]);
        return [];
      }
      return refuse(p, 'File exists');
    }
    if (r.meta) {
      if (r.meta.kind !== 'dir') return refuse(p, last ? 'File exists' : 'Not a directory');
      if (last && !o.parents) return refuse(p, 'File exists');
      continue;
    }
    if (r.notDir) return refuse(p, 'Not a directory');
    // mkdir without -p below folders the model does not list (a cloned tree's exe/luajit):
    // they must be there for it to work, but no entry is invented for folders whose owner is
    // not known, nor one for the new folder without them.
    if (r.unknown && r.missingAt !== undefined && r.missingAt !== parentOf(r.path)) {
      ctx.unknown(`${r.path} is made inside folders the model does not list`, [r.path]);
      return [];
    }

    // When the walk stopped in the new entry's own parent, that directory is what both
    // createAccess and newEntryOwner would resolve again: use it as it is.
    const parent = r.missingAt === parentOf(r.path) ? fs.get(r.missingAt) : undefined;
    const known = parent !== undefined && parent.kind === 'dir';
    const v = known ? ctx.access(r.path, 'create') : createAccess(ctx, r.path);
    if (!v.allowed) return refuse(p, errnoText(v.errno ?? 'EACCES'));

    const owner = known ? ownerIn(parent, ctx.ident, true) : newEntryOwner(fs, r.path, ctx.ident, true);
    const inherited = owner.setgid ? 0o2000 : 0;
    // Intermediate directories get u+wx on top of the umask-reduced default (mkdir -p, POSIX).
    const plain = (0o777 & ~ctx.umask) | inherited;
    let mode = o.parentMode !== undefined ? o.parentMode | inherited : plain | 0o300;
    if (last) mode = o.mode ? o.mode(0o777 | inherited) : plain;
    const made1: FileMeta = { kind: 'dir', uid: owner.uid, gid: owner.gid, mode, origin: ctx.origin };
    // Made in a folder known only in part (below the root): it may have been there already,
    // with contents the model does not list (mkdirp in image/fs.ts does the same).
    const up = parentOf(r.path);
    if (up !== '/' && (parent ?? fs.get(up))?.partial === true) made1.partial = true;
    fs.set(r.path, made1);
    if (known && r.path === p) made = p;
  }

  return [];
}

// Long option tables, made once rather than for every command.
const MKDIR_LONG: Record<string, string> = { '--parents': 'p', '--mode': 'm', '--verbose': 'v' };

const mkdir: CommandHandler = (ctx, argv) => {
  const { opts, args, bad } = parseOpts(argv, 'pv', 'mZ', MKDIR_LONG);
  if (bad) return badOption('mkdir', bad);
  if (args.length === 0) return missingOperand('mkdir');

  const spec = opts.get('m');
  if (spec !== undefined && applyMode(spec, 0o777, true, ctx.umask, busybox(ctx)) === undefined) {
    return fail(`mkdir: invalid mode '${spec}'`);
  }
  const mode = spec === undefined ? undefined : (inh: number) => applyMode(spec, inh, true, ctx.umask, busybox(ctx))!;
  const errors: string[] = [];
  for (const d of args) errors.push(...makeDir(ctx, d, { parents: opts.has('p'), mode, tool: 'mkdir' }));

  return result(errors);
};

const RMDIR_LONG: Record<string, string> = { '--parents': 'p', '--ignore-fail-on-non-empty': 'i', '--verbose': 'v' };

const rmdir: CommandHandler = (ctx, argv) => {
  const { opts, args, bad } = parseOpts(argv, 'pv', '', RMDIR_LONG);
  if (bad) return badOption('rmdir', bad);
  if (args.length === 0) return missingOperand('rmdir');
  const errors: string[] = [];
  let unknown = false;

  for (const d of args) {
    const targets = opts.has('p') ? ancestry(abs(ctx, d)).slice(1).reverse() : [abs(ctx, d)];
    for (const t of targets) {
      const r = resolvePath(ctx.state.fs, t, false);
      const name = t === abs(ctx, d) ? d : t;
      if (!r.meta) {
        if (r.unknown) unknown = true;
        else errors.push(`rmdir: failed to remove '${name}': No such file or directory`);
        break;
      }
      if (r.meta.kind !== 'dir') {
        errors.push(`rmdir: failed to remove '${name}': Not a directory`);
        break;
      }
      if (hasDescendants(ctx.state.fs, r.path)) {
        if (!opts.has('i')) errors.push(`rmdir: failed to remove '${name}': Directory not empty`);
        break;
      }
      if (r.meta.partial) {
        ctx.unknown(`${r.path} may hold entries the model does not list; rmdir may fail`, [r.path]);
        unknown = true;
      }
      const v = ctx.access(r.path, 'delete');
      if (!v.allowed) {
        errors.push(`rmdir: failed to remove '${name}': ${errnoText(v.errno ?? 'EACCES')}`);
        break;
      }
      ctx.state.fs.delete(r.path);
    }
  }

  if (errors.length > 0) return result(errors);

  return unknown ? { status: 'unknown' } : OK;
};

// ---------------------------------------------------------------- touch

const touch: CommandHandler = (ctx, argv) => {
  const { opts, args, bad } = parseOpts(argv, 'acmfh', 'drt', {
    '--no-create': 'c', '--date': 'd', '--reference': 'r', '--time': 'T', '--no-dereference': 'h',
  });
  if (bad) return badOption('touch', bad);
  if (args.length === 0) return usage('touch: missing file operand');
  const errors: string[] = [];
  // Times given (-d, -r, -t) are set as such (ATTR_TIMES_SET): fs/attr.c setattr_prepare wants
  // the owner or CAP_FOWNER (EPERM), where the current time needs only write access. touch.c
  // takes a -d date equal to the current time ("now") as no date at all.
  const d = opts.get('d');
  const explicit = opts.has('r') || opts.has('t') || (d !== undefined && !/^\s*now\s*$/i.test(d));

  for (const f of args) {
    const a = abs(ctx, f);
    if (slashed(f)) {
      // open(O_CREAT) of `P/` is EISDIR, which touch.c passes over; utimensat(P/) then follows
      // a last link and wants a folder (measured: files/touch-file-trailing-slash).
      const l = lookup(ctx, f);
      if (!l.ok) {
        if (l.unknown) ctx.unknown(`${f} is not known to exist; touch may have failed`, [a]);
        else if (!(opts.has('c') && l.errno === 'ENOENT')) errors.push(failure(ctx, 'touch', 'setting times of', f, errnoText(l.errno)));
        continue;
      }
    }
    const r = resolvePath(ctx.state.fs, a);
    if (r.meta) {
      const owner = ctx.ident.uid === r.meta.uid || ctx.ident.caps.has('CAP_FOWNER');
      if (owner) continue;
      // touch opens the file for writing first (a folder: EISDIR, passed over); a refused open
      // is what it reports ("cannot touch"), else the refused utimensat(2) ("setting times of").
      const writable = ctx.access(a, 'write').allowed;
      if (r.meta.kind !== 'dir' && !writable) errors.push(failure(ctx, 'touch', 'cannot touch', f, 'Permission denied'));
      else if (explicit) errors.push(failure(ctx, 'touch', 'setting times of', f, 'Operation not permitted'));
      else if (!writable) errors.push(failure(ctx, 'touch', 'setting times of', f, 'Permission denied'));
      continue;
    }
    if (opts.has('c')) continue;
    const err = ctx.writeText(a, '', true);
    if (err !== undefined) errors.push(failure(ctx, 'touch', 'cannot touch', f, err));
  }

  return result(errors);
};

// ---------------------------------------------------------------- cp / install

interface CopyOpts {
  recursive: boolean;
  /** -p / -a / --preserve=mode,ownership */
  preserveMode: boolean;
  preserveOwner: boolean;
  /** -P / -d / -a, and -R without -L: copy symlinks as symlinks. */
  noDeref: boolean;
  tool: string;
  /**
   * --preserve=links (in -a): names of one source file copied in one cp stay one file among the
   * copies (coreutils copy.c remember_copied): source inode number -> the copies' number.
   */
  links?: Map<number, number>;
  /** -f: a destination that cannot be opened is removed and made anew (copy.c). */
  force?: boolean;
  /** --remove-destination (and install): the destination name is removed before the copy. */
  removeDest?: boolean;
  /** --no-preserve=mode: a new copy gets 0666 (a folder 0777) less the umask (copy.c). */
  defaultMode?: boolean;
}

/** Metadata of a copy made by the caller: coreutils cp's rules for a new destination. */
function copiedMeta(ctx: ExecContext, src: FileMeta, dest: string, o: CopyOpts): FileMeta {
  const owner = newEntryOwner(ctx.state.fs, dest, ctx.ident, src.kind === 'dir');
  let uid = owner.uid;
  let gid = owner.gid;
  let keepSpecial = false;

  if (o.preserveOwner) {
    // Only a process with CAP_CHOWN can give the copy its original owner; an ordinary user
    // keeps the group when it is one of theirs (coreutils copy.c set_owner).
    if (ctx.ident.caps.has('CAP_CHOWN')) {
      uid = src.uid;
      gid = src.gid;
      keepSpecial = true;
    } else if (inGroup(ctx.ident, src.gid)) gid = src.gid;
  }

  // --no-preserve=mode (explicit_no_preserve_mode in copy.c) gives a new copy the default
  // permissions, MODE_RW_UGO or S_IRWXUGO less the umask, not the source's (measured:
  // files/cp-no-preserve-mode).
  const base = o.defaultMode ? (src.kind === 'dir' ? 0o777 : 0o666) : src.mode & 0o777;
  let mode = src.kind === 'symlink' ? 0o777 : o.preserveMode ? src.mode : base & ~ctx.umask;
  if (!keepSpecial && src.kind !== 'dir') mode &= ~0o6000;
  if (src.kind === 'dir' && owner.setgid) mode |= 0o2000;

  const out: FileMeta = { kind: src.kind, uid, gid, mode, target: src.target, origin: ctx.origin, script: src.script };
  if (o.links !== undefined && src.inode !== undefined) {
    out.inode = o.links.get(src.inode) ?? newInode();
    o.links.set(src.inode, out.inode);
  }

  return out;
}

/** Copy one source (file or tree) to dest; returns error lines. */
function copyOne(ctx: ExecContext, arg: string, destArg: string, dest: string, o: CopyOpts): string[] {
  const fs = ctx.state.fs;
  const l = lookup(ctx, arg, !o.noDeref);
  if (!l.ok) {
    if (l.unknown) {
      // The source came from something the model could not follow: the copy exists, its
      // owner is the caller, its mode is a guess.
      ctx.unknown(`the source ${arg} of ${o.tool} is not known to exist`, [dest]);
      // With -r it is most likely a folder (cp -r /src/examples /opt/examples): a folder of
      // unknown contents, so later steps in it are not failed on a guess.
      if (o.recursive && !fs.has(dest) && resolvePath(fs, parentOf(dest)).meta?.kind === 'dir' && ctx.access(dest, 'create').allowed) {
        ctx.state.fs.set(dest, { kind: 'dir', uid: ctx.ident.uid, gid: ctx.ident.gid, mode: 0o755, origin: ctx.origin, partial: true, filled: true });
        return [];
      }
      // Onto a folder that is there (cp -r bin lib /usr/local/): a folder merged into it, as far
      // as anyone can tell.
      const there = resolvePath(fs, dest);
      if (there.meta?.kind === 'dir') {
        contentsUnknown(fs, [there.path]);
        return [];
      }
      const err = ctx.writeText(dest, '', false);
      if (err !== undefined) return [`${o.tool}: cannot create regular file '${destArg}': ${err}`];
      // Its bytes are the unknown source's, not the empty text written.
      setText(ctx, resolvePath(fs, dest).path, undefined);
      return [];
    }
    return [`${o.tool}: cannot stat '${arg}': ${errnoText(l.errno)}`];
  }

  if (l.meta.kind === 'dir' && !o.recursive) {
    return [`${o.tool}: -r not specified; omitting directory '${arg}'`];
  }
  if (l.meta.kind !== 'dir') {
    if (!ctx.access(l.path, 'read').allowed && l.meta.kind !== 'symlink') {
      return [`${o.tool}: cannot open '${arg}' for reading: Permission denied`];
    }
    return copyFile(ctx, l.path, l.meta, destArg, dest, o);
  }

  if (dest === l.path || dest.startsWith(`${l.path}/`)) {
    return [`${o.tool}: cannot copy a directory, '${arg}', into itself, '${destArg}'`];
  }
  const errors: string[] = [];
  const created = new Set<string>();
  // Folders not copied because a non-folder holds their place: their entries are passed over.
  const skipped: string[] = [];
  for (const p of walkOrder(fs, l.path)) {
    if (skipped.length > 0 && skipped.some((q) => isUnder(p, q))) continue;
    const meta = fs.get(p)!;
    const to = rebase(p, l.path, dest);
    const inNew = created.has(parentOf(to));
    if (meta.kind === 'dir') {
      if (!ctx.access(p, 'read').allowed) {
        errors.push(`${o.tool}: cannot access '${shown(arg, l.path, p)}': Permission denied`);
        continue;
      }
      const existing = resolvePath(fs, to).meta;
      if (existing?.kind === 'dir') continue;
      // copy.c copy_internal: a folder never replaces a file (measured: files/cp-r-dir-onto-file).
      if (existing !== undefined && !inNew) {
        errors.push(`${o.tool}: cannot overwrite non-directory '${shown(destArg, dest, to)}' with directory '${shown(arg, l.path, p)}'`);
        skipped.push(p);
        continue;
      }
      if (!inNew) {
        const v = createAccess(ctx, to);
        if (!v.allowed) {
          const why = errnoText(v.errno ?? 'EACCES');
          errors.push(`${o.tool}: cannot create directory '${shown(destArg, dest, to)}': ${why}`);
          continue;
        }
      }
      const next = copiedMeta(ctx, meta, to, o);
      if (meta.partial) {
        next.partial = true;
        // Unlisted children are copied too; without -p they belong to the caller.
        const keeps = o.preserveOwner && ctx.ident.caps.has('CAP_CHOWN');
        if (!keeps) next.subtreeOwner = { uid: next.uid, gid: next.gid, origin: ctx.origin };
        else if (meta.subtreeOwner) next.subtreeOwner = meta.subtreeOwner;
      }
      fs.set(to, next);
      created.add(to);
      continue;
    }
    if (!created.has(parentOf(to)) && !resolvePath(fs, parentOf(to)).meta) continue;
    if (inNew) {
      fs.set(to, copiedMeta(ctx, meta, to, o));
      setText(ctx, to, ctx.state.texts[p]?.content);
    } else errors.push(...copyFile(ctx, p, meta, shown(destArg, dest, to), to, o));
  }

  return errors;
}

function copyFile(
  ctx: ExecContext,
  src: string,
  meta: FileMeta,
  destArg: string,
  dest: string,
  o: CopyOpts,
): string[] {
  const fs = ctx.state.fs;
  const what = meta.kind === 'symlink' ? 'symbolic link' : 'regular file';
  if (slashed(destArg)) {
    // `cp FILE /etc/app/` where /etc/app is not a folder: the trailing slash wants one. A
    // missing name fails the open (EISDIR, which copy.c words as ENOTDIR), a file the stat
    // (measured: files/cp-into-missing-folder-slash).
    const there = resolvePath(fs, dest);
    if (!there.meta && there.unknown) {
      ctx.unknown(`${destArg} is not known to exist; ${o.tool} fails unless it is a folder`, [dest]);
      return [];
    }
    if (!there.meta) return [`${o.tool}: cannot create ${what} '${destArg}': Not a directory`];
    if (there.meta.kind !== 'dir') return [`${o.tool}: cannot stat '${destArg}': Not a directory`];
  }
  let existing = resolvePath(fs, dest, meta.kind !== 'symlink');
  if (existing.meta?.kind === 'dir') {
    return [`${o.tool}: cannot overwrite directory '${destArg}' with non-directory`];
  }
  if (existing.path === src) return [`${o.tool}: '${destArg}' and '${destArg}' are the same file`];
  // The destination's own name: a symbolic link there is the link, not what it names.
  const own = resolvePath(fs, dest, false);
  /** unlink(2) of the destination's name, as -f after a refused open and --remove-destination do. */
  const unlinkDest = (): string[] => {
    const v = ctx.access(own.path, 'delete');
    if (!v.allowed) return [`${o.tool}: cannot remove '${destArg}': ${errnoText(v.errno ?? 'EACCES')}`];
    fs.delete(own.path);
    delete ctx.state.texts[own.path];
    existing = resolvePath(fs, dest, false);
    return [];
  };
  if (o.removeDest && own.meta && own.meta.kind !== 'dir') {
    const errs = unlinkDest();
    if (errs.length > 0) return errs;
  } else if (meta.kind !== 'symlink' && own.meta?.kind === 'symlink' && !existing.meta && !existing.unknown) {
    // copy.c copy_reg: the O_EXCL open meets the link, which names nothing; GNU cp will not
    // create what it names (unless POSIXLY_CORRECT), -f or not (measured:
    // files/cp-through-dangling-link).
    return [`${o.tool}: not writing through dangling symlink '${destArg}'`];
  }

  const text = ctx.state.texts[src]?.content;
  let reopen = false;
  if (existing.meta && meta.kind !== 'symlink') {
    // Overwriting opens the existing file: its owner and mode stay (without -p).
    const err = ctx.writeText(existing.path, text ?? '', false);
    // -f: a destination that cannot be opened is unlinked and made anew, the caller's
    // (copy.c unlink_dest_after_failed_open; measured: files/cp-f-replaces-unwritable).
    if (err !== undefined && o.force) {
      const errs = unlinkDest();
      if (errs.length > 0) return errs;
      reopen = true;
    } else if (err !== undefined) return [`${o.tool}: cannot create regular file '${destArg}': ${err}`];
  }
  if (existing.meta && meta.kind !== 'symlink' && !reopen) {
    if (text === undefined) setText(ctx, existing.path, undefined);
    if (o.preserveMode || o.preserveOwner) {
      const cur = fs.get(existing.path)!;
      const m = copiedMeta(ctx, meta, existing.path, o);
      const owner = o.preserveOwner ? m : cur;
      const mode = o.preserveMode ? m.mode : cur.mode;
      setInodeMeta(fs, existing.path, withMeta(cur, { mode, uid: owner.uid, gid: owner.gid }));
    }
    if (text === undefined) forgetText(ctx, existing.path);
    return [];
  }

  const v = createAccess(ctx, existing.path);
  if (!v.allowed) {
    return [`${o.tool}: cannot create ${what} '${destArg}': ${errnoText(v.errno ?? 'EACCES')}`];
  }
  fs.set(existing.path, copiedMeta(ctx, meta, existing.path, o));
  setText(ctx, existing.path, text);

  return [];
}

const cp: CommandHandler = (ctx, argv) => {
  const { opts, args, bad } = parseOpts(argv, 'rRapPdLfinuvxslT', 't', {
    '--recursive': 'R', '--archive': 'a', '--force': 'f', '--no-dereference': 'P', '--dereference': 'L',
    '--preserve': 'E', '--no-preserve': 'N', '--target-directory': 't', '--verbose': 'v',
    '--no-clobber': 'n', '--update': 'u', '--no-target-directory': 'T', '--parents': 'X',
    '--one-file-system': 'x', '--remove-destination': 'remove-destination', '--interactive': 'i',
  });
  if (bad) return badOption('cp', bad);
  if (opts.has('s')) return unknownResult(ctx, 'cp -s is not modelled');
  if (opts.has('l')) return unknownResult(ctx, 'cp -l (hard links for copies) is not modelled');

  const preserve = opts.get('E');
  // --preserve alone means mode,ownership,timestamps.
  const preserveList = preserve === undefined ? [] : (preserve || 'mode,ownership,timestamps').split(',');
  const keep = (what: string) => preserveList.includes(what) || preserveList.includes('all');
  const archive = opts.has('a');
  const recursive = archive || opts.has('r') || opts.has('R');
  const o: CopyOpts = {
    recursive,
    preserveMode: archive || opts.has('p') || keep('mode'),
    preserveOwner: archive || opts.has('p') || keep('ownership'),
    noDeref: archive || opts.has('P') || opts.has('d') || (recursive && !opts.has('L')),
    tool: 'cp',
    links: archive || keep('links') ? new Map() : undefined,
    force: opts.has('f'),
    removeDest: opts.has('remove-destination'),
  };
  if (opts.get('N')?.split(',').some((x) => x === 'mode' || x === 'all')) {
    o.preserveMode = false;
    o.defaultMode = true;
  }
  if (opts.get('N')?.split(',').some((x) => x === 'ownership' || x === 'all')) o.preserveOwner = false;
  if (opts.get('N')?.split(',').some((x) => x === 'links' || x === 'all')) o.links = undefined;
  if (opts.has('X')) return copyParents(ctx, args, opts.get('t'), o);

  return copyOrMove(ctx, 'cp', args, opts.get('t'), opts.has('T'), (src, destArg, dest) =>
    copyOne(ctx, src, destArg, dest, o),
  );
};

/**
 * cp --parents: each source's path as written goes below the target folder (`cp --parents
 * /srv/f /srv/d` makes /srv/d/srv/f), the folders on the way made as copies of the source's
 * folders (copy.c make_dir_parents_private: mkdir with the source folder's mode, less the
 * umask; measured: files/cp-parents).
 */
function copyParents(ctx: ExecContext, args: string[], targetDir: string | undefined, o: CopyOpts): CmdResult {
  const fs = ctx.state.fs;
  const sources = targetDir !== undefined ? args : args.slice(0, -1);
  const destArg = targetDir ?? args[args.length - 1];
  if (args.length === 0) return usage('cp: missing file operand');
  if (sources.length === 0) return usage(`cp: missing destination file operand after '${destArg}'`);
  const top = resolvePath(fs, abs(ctx, destArg));
  if (!top.meta && top.unknown) return unknownResult(ctx, `${destArg} is not known to exist`, [top.path]);
  if (top.meta?.kind !== 'dir') return usage('cp: with --parents, the destination must be a directory');

  const errors: string[] = [];
  for (const s of sources) {
    const parts = s.split('/').filter((c) => c !== '' && c !== '.');
    if (parts.includes('..')) {
      ctx.unknown(`cp --parents of ${s}, whose path climbs with '..', is not followed`, [top.path]);
      continue;
    }
    const lead = s.startsWith('/') ? '/' : '';
    const shownTop = destArg.replace(/\/+$/, '');
    let failed = false;
    for (let i = 1; i < parts.length && !failed; i++) {
      const rel = parts.slice(0, i).join('/');
      const to = top.path === '/' ? `/${rel}` : `${top.path}/${rel}`;
      const there = resolvePath(fs, to);
      if (there.meta?.kind === 'dir') continue;
      if (there.meta) {
        errors.push(`cp: '${shownTop}/${rel}' exists but is not a directory`);
        failed = true;
        break;
      }
      const from = lookup(ctx, lead + rel);
      if (!from.ok) {
        if (from.unknown) ctx.unknown(`the source ${lead + rel} of cp --parents is not known to exist`, [to]);
        else errors.push(`cp: failed to get attributes of '${lead + rel}': ${errnoText(from.errno)}`);
        failed = true;
        break;
      }
      const v = createAccess(ctx, there.path);
      if (!v.allowed) {
        errors.push(`cp: cannot make directory '${shownTop}/${rel}': ${errnoText(v.errno ?? 'EACCES')}`);
        failed = true;
        break;
      }
      fs.set(there.path, copiedMeta(ctx, from.meta, there.path, o));
    }
    if (failed) continue;
    const rel = parts.join('/');
    errors.push(...copyOne(ctx, s, `${shownTop}/${rel}`, top.path === '/' ? `/${rel}` : `${top.path}/${rel}`, o));
  }

  return result(errors);
}

/** Shared target logic of cp, mv and install: DEST a directory or a single new name. */
function copyOrMove(
  ctx: ExecContext,
  tool: string,
  args: string[],
  targetDir: string | undefined,
  noTargetDir: boolean,
  one: (src: string, destArg: string, dest: string) => string[],
): CmdResult {
  const sources = targetDir !== undefined ? args : args.slice(0, -1);
  const destArg = targetDir ?? args[args.length - 1];
  if (args.length === 0) return usage(`${tool}: missing file operand`);
  if (sources.length === 0) {
    return usage(`${tool}: missing destination file operand after '${destArg}'`);
  }

  const destAbs = abs(ctx, destArg);
  const destMeta = resolvePath(ctx.state.fs, destAbs).meta;
  const intoDir = !noTargetDir && (targetDir !== undefined || destMeta?.kind === 'dir' || sources.length > 1);
  if (intoDir && destMeta?.kind !== 'dir') {
    if (resolvePath(ctx.state.fs, destAbs).unknown) {
      return unknownResult(ctx, `${destArg} is not known to exist`, [destAbs]);
    }
    return fail(`${tool}: target '${destArg}' is not a directory`);
  }

  const errors: string[] = [];
  for (const s of sources) {
    const name = baseName(normalizePath(s, '/'));
    // `cp -r SRC/. DEST`: the last name is ".", so DEST/. is DEST itself and SRC's entries go
    // straight into it, dot files too (measured: misc/cp-r-dot, misc/cp-r-dot-hidden).
    const dot = tool === 'cp' && intoDir && /(^|\/)\.\/*$/.test(s);
    const dest = dot ? destAbs : intoDir ? `${destAbs === '/' ? '' : destAbs}/${name}` : destAbs;
    const shownDest = dot ? `${destArg.replace(/\/+$/, '')}/.` : intoDir ? `${destArg.replace(/\/+$/, '')}/${name}` : destArg;
    errors.push(...one(s, shownDest, dest));
  }

  return result(errors);
}

const install: CommandHandler = (ctx, argv) => {
  const { opts, args, bad } = parseOpts(argv, 'dDcCpsvTb', 'omgtSZ', {
    '--directory': 'd', '--owner': 'o', '--group': 'g', '--mode': 'm', '--target-directory': 't',
    '--preserve-timestamps': 'p', '--strip': 's', '--verbose': 'v', '--no-target-directory': 'T',
    '--compare': 'C',
  });
  if (bad) return badOption('install', bad);

  const owner: OwnerSpec = {};
  const u = opts.get('o');
  const g = opts.get('g');
  // A name, else a number up to 4294967295, which changes nothing (measured: `install -o
  // 4294967295 -d D` leaves D root's).
  if (u !== undefined) {
    const n = userByName(ctx.state.accounts, u)?.uid ?? coreutilsId(u, ID_MAX);
    if (n === undefined) return fail(`install: invalid user '${u}'`);
    if (n !== ID_MAX) owner.uid = n;
  }
  if (g !== undefined) {
    const n = groupByName(ctx.state.accounts, g)?.gid ?? coreutilsId(g, ID_MAX);
    if (n === undefined) return fail(`install: invalid group '${g}'`);
    if (n !== ID_MAX) owner.gid = n;
  }
  const spec = opts.get('m');
  if (spec !== undefined && applyMode(spec, 0o755, false, 0, busybox(ctx)) === undefined) {
    return fail(`install: invalid mode '${spec}'`);
  }

  // install sets the mode and owner with chmod/chown after creating the entry.
  const finish = (path: string, shownPath: string, isDir: boolean): string[] => {
    const fs = ctx.state.fs;
    const meta = fs.get(path)!;
    const mode = spec === undefined ? 0o755 : applyMode(spec, isDir ? 0o755 : 0o755, isDir, 0, busybox(ctx))!;
    let next = chmodEntry(ctx, meta, mode) ?? meta;
    if (owner.uid !== undefined || owner.gid !== undefined) {
      if (!mayChown(ctx.ident, next, owner)) {
        fs.set(path, next);
        return [`install: cannot change ownership of '${shownPath}': Operation not permitted`];
      }
      next = { ...chownedMeta(next, owner), mode: next.mode };
    }
    fs.set(path, next);
    return [];
  };

  if (opts.has('d')) {
    if (args.length === 0) return missingOperand('install');
    const errors: string[] = [];
    for (const d of args) {
      const errs = makeDir(ctx, d, { parents: true, tool: 'install', parentMode: 0o755 });
      if (errs.length > 0) {
        errors.push(...errs);
        continue;
      }
      errors.push(...finish(resolvePath(ctx.state.fs, abs(ctx, d)).path, d, true));
    }
    return result(errors);
  }

  const o: CopyOpts = {
    recursive: false,
    preserveMode: false,
    preserveOwner: false,
    noDeref: false,
    tool: 'install',
    // install removes the destination's name first (x.unlink_dest_before_opening in install.c).
    removeDest: true,
  };
  return copyOrMove(ctx, 'install', args, opts.get('t'), opts.has('T'), (src, destArg, dest) => {
    if (opts.has('D')) {
      const errs = makeDir(ctx, parentOf(dest), { parents: true, tool: 'install', parentMode: 0o755, mode: (inherited) => 0o755 | (inherited & 0o2000) });
      if (errs.length > 0) return errs;
    }
    // install removes an existing destination first, so the new file is the caller's.
    const existing = resolvePath(ctx.state.fs, dest).meta;
    if (existing && existing.kind !== 'dir') {
      const v = ctx.access(dest, 'delete');
      if (!v.allowed) return [`install: cannot remove '${destArg}': ${errnoText(v.errno ?? 'EACCES')}`];
      ctx.state.fs.delete(resolvePath(ctx.state.fs, dest).path);
    }
    const errs = copyOne(ctx, src, destArg, dest, o);
    if (errs.length > 0) return errs;
    return finish(resolvePath(ctx.state.fs, dest).path, destArg, false);
  });
};

// ---------------------------------------------------------------- mv

/** rename(2): delete permission on the source, create permission at the destination. */
function moveOne(ctx: ExecContext, arg: string, destArg: string, dest: string): string[] {
  const fs = ctx.state.fs;
  const l = lookup(ctx, arg, false);
  if (!l.ok) {
    if (l.unknown) {
      ctx.unknown(`the source ${arg} of mv is not known to exist`, [dest]);
      // What a step the model did not follow made (tar x, a download) may well be there and
      // land at dest: the folder it lands in lists in part, so a later step on dest is not
      // failed on a guess (`mv linux-amd64/helm /usr/local/bin/helm && chmod +x ...`).
      const there = resolvePath(fs, dest);
      const into = there.meta?.kind === 'dir' ? there.path : there.meta === undefined && resolvePath(fs, parentOf(dest)).meta?.kind === 'dir' ? parentOf(dest) : undefined;
      if (into !== undefined) contentsUnknown(fs, [into]);
      return [];
    }
    return [`mv: cannot stat '${arg}': ${errnoText(l.errno)}`];
  }
  const src = l.path;
  // renameat2(2) of a non-folder to a name written with a trailing slash: ENOTDIR, before the
  // permission checks (fs/namei.c do_renameat2; measured: files/mv-into-missing-folder-slash).
  if (slashed(destArg) && l.meta.kind !== 'dir') {
    if (!resolvePath(fs, dest).meta && resolvePath(fs, dest).unknown) {
      ctx.unknown(`${destArg} is not known to exist; mv fails unless it is a folder`, [dest]);
      return [];
    }
    return [`mv: cannot move '${arg}' to '${destArg}': Not a directory`];
  }
  const to = resolvePath(fs, dest, false);
  if (to.path === src) return [`mv: '${arg}' and '${destArg}' are the same file`];
  if (to.path.startsWith(`${src}/`)) {
    return [`mv: cannot move '${arg}' to a subdirectory of itself, '${destArg}'`];
  }
  const deny = (e: Errno) => [`mv: cannot move '${arg}' to '${destArg}': ${errnoText(e)}`];

  // rename(2) takes the source's entry from its folder as unlink does (may_delete), but moves a
  // folder whole: its entries are no reason to refuse (the evaluator's ENOTEMPTY is rmdir's).
  const del = ctx.access(src, 'delete');
  if (!del.allowed && del.errno !== 'ENOTEMPTY') return deny(del.errno ?? 'EACCES');
  if (to.meta) {
    const toDir = to.meta.kind === 'dir';
    if (toDir && l.meta.kind !== 'dir') {
      return [`mv: cannot overwrite directory '${destArg}' with non-directory`];
    }
    if (!toDir && l.meta.kind === 'dir') {
      return [`mv: cannot overwrite non-directory '${destArg}' with directory '${arg}'`];
    }
    if (toDir && hasDescendants(fs, to.path)) {
      return [`mv: cannot move '${arg}' to '${destArg}': Directory not empty`];
    }
    const over = ctx.access(to.path, 'delete');
    if (!over.allowed) return deny(over.errno ?? 'EACCES');
  } else {
    const v = createAccess(ctx, to.path);
    if (!v.allowed) return deny(v.errno ?? 'EACCES');
  }
  // A directory moved to another parent needs write permission on itself to rewrite "..".
  if (l.meta.kind === 'dir' && parentOf(src) !== parentOf(to.path)) {
    const v = ctx.access(src, 'write');
    if (!v.allowed) return deny(v.errno ?? 'EACCES');
  }

  const texts = Object.keys(ctx.state.texts).filter((p) => p === src || p.startsWith(`${src}/`));
  const moved: [string, string][] = texts.map((p) => [
    to.path + p.slice(src.length),
    ctx.state.texts[p].content,
  ]);
  for (const p of texts) delete ctx.state.texts[p];
  for (const p of [src].concat(descendants(fs, src)).sort(byPath)) {
    const m = fs.get(p);
    if (m) fs.set(to.path + p.slice(src.length), m);
  }
  for (const p of descendants(fs, src)) fs.delete(p);
  fs.delete(src);
  markerGone(ctx, src);
  // Texts go with their files (an entrypoint script moved into place keeps its text too).
  for (const [p, content] of moved) ctx.state.texts[p] = { content, line: ctx.line };
  for (const p of [to.path, ...descendants(fs, to.path)]) {
    if (isTrackedText(p) && !moved.some(([q]) => q === p)) forgetText(ctx, p);
  }
  if (texts.length > 0 || isTrackedText(to.path)) refreshDerived(ctx.state);

  return [];
}

/**
 * Removing or moving away a system Python's EXTERNALLY-MANAGED file lifts PEP 668: pip looks
 * for the file in the standard library folder each time it runs (pip/_internal/utils/misc.py).
 */
function markerGone(ctx: ExecContext, path: string): void {
  for (const py of ctx.state.pythons) {
    if (py.externallyManaged && path === externallyManagedMarker(py.version)) py.externallyManaged = false;
  }
}

const mv: CommandHandler = (ctx, argv) => {
  const { opts, args, bad } = parseOpts(argv, 'finuvTb', 'tS', {
    '--force': 'f', '--interactive': 'i', '--no-clobber': 'n', '--update': 'u', '--verbose': 'v',
    '--target-directory': 't', '--no-target-directory': 'T',
  });
  if (bad) return badOption('mv', bad);

  return copyOrMove(ctx, 'mv', args, opts.get('t'), opts.has('T'), (src, destArg, dest) =>
    moveOne(ctx, src, destArg, dest),
  );
};

// ---------------------------------------------------------------- ln

/** gnulib relpath: `path` from the folder `dir` (both absolute and normal), '.' for the folder. */
export function relativeTo(path: string, dir: string): string {
  const f = path === '/' ? [] : path.slice(1).split('/');
  const d = dir === '/' ? [] : dir.slice(1).split('/');
  let i = 0;
  while (i < f.length && i < d.length && f[i] === d[i]) i++;
  const parts = d.slice(i).map(() => '..').concat(f.slice(i));

  return parts.length > 0 ? parts.join('/') : '.';
}

const LN_LONG: Record<string, string> = {
  '--symbolic': 's', '--force': 'f', '--no-dereference': 'n', '--verbose': 'v',
  '--no-target-directory': 'T', '--relative': 'r', '--target-directory': 't', '--interactive': 'i',
};

const ln: CommandHandler = (ctx, argv) => {
  const { opts, args, bad } = parseOpts(argv, 'sfnvTrLPib', 'tS', LN_LONG);
  if (bad) return badOption('ln', bad);
  if (args.length === 0) return usage('ln: missing file operand');
  const fs = ctx.state.fs;
  const symbolic = opts.has('s');
  const what = symbolic ? 'symbolic link' : 'hard link';

  const targets = opts.has('t') || args.length === 1 ? args : args.slice(0, -1);
  const destArg = opts.get('t') ?? (args.length === 1 ? '.' : args[args.length - 1]);
  const destAbs = abs(ctx, destArg);
  const destR = resolvePath(fs, destAbs, !opts.has('n'));
  const intoDir =
    !opts.has('T') &&
    (opts.has('t') || args.length === 1 || destR.meta?.kind === 'dir' || targets.length > 1);
  const errors: string[] = [];

  for (const t of targets) {
    const name = baseName(normalizePath(t, '/'));
    const link = intoDir ? `${destR.path === '/' ? '' : destR.path}/${name}` : destAbs;
    const shownLink = intoDir ? `${destArg.replace(/\/+$/, '')}/${name}` : destArg;
    let meta: FileMeta;
    let hardSource: string | undefined;

    if (symbolic) {
      const owner = newEntryOwner(fs, link, ctx.ident, false);
      // -r: TARGET is taken from the working folder and written relative to the link's folder,
      // both with their links resolved (ln.c convert_abs_rel: canonicalize_filename_mode with
      // CAN_MISSING, then relpath; measured: files/ln-sr-relative-target).
      const target = opts.has('r') ? relativeTo(resolvePath(fs, abs(ctx, t)).path, resolvePath(fs, parentOf(link)).path) : t;
      meta = { kind: 'symlink', uid: owner.uid, gid: owner.gid, mode: 0o777, target, origin: ctx.origin };
    } else {
      const src = lookup(ctx, t, false);
      if (!src.ok) {
        if (src.unknown) {
          ctx.unknown(`the target ${t} of ln is not known to exist`, [link]);
          continue;
        }
        errors.push(`ln: failed to access '${t}': ${errnoText(src.errno)}`);
        continue;
      }
      if (src.meta.kind === 'dir') {
        errors.push(`ln: ${t}: hard link not allowed for directory`);
        continue;
      }
      // Both names must be on one mount (fs/namei.c do_linkat: EXDEV), so not from a RUN
      // --mount into the image or back.
      if (ctx.mountOf && ctx.mountOf(src.path) !== ctx.mountOf(resolvePath(fs, link, false).path)) {
        errors.push(`ln: failed to create hard link '${shownLink}' => '${t}': Invalid cross-device link`);
        continue;
      }
      // fs.protected_hardlinks=1 (the default): linking someone else's file needs read and
      // write access to it, or CAP_FOWNER (fs/namei.c may_linkat).
      const ownsIt = ctx.ident.uid === src.meta.uid || ctx.ident.caps.has('CAP_FOWNER');
      if (!ownsIt && !(ctx.access(src.path, 'read').allowed && ctx.access(src.path, 'write').allowed)) {
        errors.push(`ln: failed to create hard link '${shownLink}' => '${t}': Operation not permitted`);
        continue;
      }
      meta = src.meta;
      hardSource = src.path;
    }

    const existing = resolvePath(fs, link, false);
    if (existing.meta) {
      if (!opts.has('f')) {
        errors.push(`ln: failed to create ${what} '${shownLink}': File exists`);
        continue;
      }
      if (existing.meta.kind === 'dir') {
        errors.push(`ln: ${shownLink}: cannot overwrite directory`);
        continue;
      }
      const v = ctx.access(existing.path, 'delete');
      if (!v.allowed) {
        errors.push(`ln: cannot remove '${shownLink}': ${errnoText(v.errno ?? 'EACCES')}`);
        continue;
      }
    } else {
      // In folders the model does not list (/usr/local/cuda/lib64/stubs on a base described in
      // part): the link is made there, but no entry is invented without its folders.
      if (existing.unknown && existing.missingAt !== undefined && existing.missingAt !== parentOf(existing.path)) {
        ctx.unknown(`${existing.path} is made inside folders the model does not list`, [existing.path]);
        continue;
      }
      const v = createAccess(ctx, existing.path);
      if (!v.allowed) {
        errors.push(`ln: failed to create ${what} '${shownLink}': ${errnoText(v.errno ?? 'EACCES')}`);
        continue;
      }
    }
    if (hardSource !== undefined) {
      // One inode under two names: both carry its number, so a later chown or chmod of either
      // changes both (linkat(2); measured: links/hardlink-shares-mode, links/hardlink-owner).
      const inode = linkedInode(meta);
      if (inode !== meta.inode) {
        meta = withMeta(meta, { inode });
        fs.set(hardSource, meta);
      }
    }
    fs.set(existing.path, meta);
    if (isTrackedText(existing.path)) {
      const real = resolvePath(fs, existing.path).path;
      setText(ctx, existing.path, ctx.state.texts[real]?.content);
    }
  }

  return result(errors);
};

// ---------------------------------------------------------------- rm

const RM_LONG: Record<string, string> = {
  '--recursive': 'r', '--force': 'f', '--dir': 'd', '--interactive': 'i', '--verbose': 'v',
  '--no-preserve-root': 'N', '--preserve-root': 'P', '--one-file-system': 'x',
};

const rm: CommandHandler = (ctx, argv) => {
  const { opts, args, bad } = parseOpts(argv, 'rRfdivI', '', RM_LONG);
  if (bad) return badOption('rm', bad);
  const force = opts.has('f');
  const recursive = opts.has('r') || opts.has('R');
  const cannot = busybox(ctx) ? "can't" : 'cannot';
  if (args.length === 0) return force ? OK : missingOperand('rm');
  const fs = ctx.state.fs;
  const errors: string[] = [];
  let textsChanged = false;

  for (const f of args) {
    const a = abs(ctx, f);
    if (recursive && a === '/' && !opts.has('N')) {
      errors.push(
        "rm: it is dangerous to operate recursively on '/'",
        'rm: use --no-preserve-root to override this failsafe',
      );
      continue;
    }
    const l = lookup(ctx, f, false);
    if (!l.ok) {
      if (!force && !l.unknown) errors.push(`rm: ${cannot} remove '${f}': ${errnoText(l.errno)}`);
      continue;
    }
    // `rm -r link/`: the walk goes into the folder the link names, and the last rmdir(2) of
    // `link/` meets the link itself (ENOTDIR): the folder stays, emptied.
    const throughLink = slashed(f) && resolvePath(fs, a, false).meta?.kind === 'symlink';
    if (l.meta.kind === 'dir' && !recursive) {
      const empty = !hasDescendants(fs, l.path) && !l.meta.partial;
      if (!opts.has('d') || !empty) {
        errors.push(`rm: ${cannot} remove '${f}': ${opts.has('d') ? 'Directory not empty' : 'Is a directory'}`);
        continue;
      }
    }

    // Deepest entries first; a directory whose child could not be removed stays, silently.
    const order = walkOrder(fs, l.path).reverse();
    const kept = new Set<string>();
    for (const p of order) {
      if (kept.has(p)) {
        kept.add(parentOf(p));
        continue;
      }
      const meta = fs.get(p)!;
      if (throughLink && p === l.path) {
        errors.push(`rm: ${cannot} remove '${f}': Not a directory`);
        continue;
      }
      // Emptying a directory needs reading it first.
      const unreadable = meta.kind === 'dir' && p !== l.path && !ctx.access(p, 'list').allowed;
      if (unreadable && hasDescendants(fs, p)) {
        errors.push(`rm: ${cannot} remove '${shown(f, l.path, p)}': Permission denied`);
        kept.add(parentOf(p));
        continue;
      }
      const v = ctx.access(p, 'delete');
      if (!v.allowed) {
        errors.push(`rm: ${cannot} remove '${shown(f, l.path, p)}': ${errnoText(v.errno ?? 'EACCES')}`);
        kept.add(parentOf(p));
        continue;
      }
      fs.delete(p);
      markerGone(ctx, p);
      if (ctx.state.texts[p]) {
        delete ctx.state.texts[p];
        textsChanged = true;
      }
    }
  }
  if (textsChanged) refreshDerived(ctx.state);

  return result(errors);
};

// ---------------------------------------------------------------- tee

const tee: CommandHandler = (ctx, argv) => {
  const long = { '--append': 'a', '--ignore-interrupts': 'i', '--output-error': 'o' };
  const { opts, args, bad } = parseOpts(argv, 'aip', '', long);
  if (bad) return badOption('tee', bad);
  const errors: string[] = [];

  for (const f of args) {
    if (f === '/dev/null' || f === '-') continue;
    const err = ctx.writeText(f, ctx.stdin ?? '', opts.has('a'));
    if (err !== undefined) errors.push(`tee: ${f}: ${err}`);
    else if (ctx.stdin === undefined) forgetText(ctx, resolvePath(ctx.state.fs, abs(ctx, f)).path);
  }

  const r: CmdResult = { status: errors.length > 0 ? 1 : 0, stderr: errors };
  if (ctx.stdin === undefined) return unknownOutput(r);
  r.stdout = ctx.stdin;

  return r;
};

// ---------------------------------------------------------------- sed

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f',
  print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f',
};

/**
 * Translate a POSIX regular expression (basic, or extended with -E) to a JavaScript one.
 * In a BRE, \( \) \{ \} \+ \? \| are operators (GNU) and the bare characters are literal.
 * undefined when the expression uses something without a JavaScript equivalent.
 */
export function posixToJs(re: string, extended: boolean): string | undefined {
  let out = '';
  let atStart = true;

  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '[') {
      let j = i + 1;
      let cls = '[';
      if (re[j] === '^') {
        cls += '^';
        j++;
      }
      if (re[j] === ']') {
        cls += '\\]';
        j++;
      }
      while (j < re.length && re[j] !== ']') {
        const m = /^\[:([a-z]+):\]/.exec(re.slice(j));
        if (m) {
          if (!POSIX_CLASSES[m[1]]) return undefined;
          cls += POSIX_CLASSES[m[1]];
          j += m[0].length;
          continue;
        }
        cls += re[j] === '\\' ? '\\\\' : re[j] === '[' ? '\\[' : re[j];
        j++;
      }
      if (j >= re.length) return undefined;
      out += `${cls}]`;
      i = j;
      atStart = false;
      continue;
    }
    if (c === '\\') {
      const n = re[++i];
      if (n === undefined) return undefined;
      if (!extended && '(){}+?|'.includes(n)) out += n;
      else if (/[1-9]/.test(n)) out += `\\${n}`;
      else if (n === 'n') out += '\\n';
      else if (n === 't') out += '\\t';
      else if (n === '<' || n === '>' || n === 'b') out += '\\b';
      else if ('wWsS'.includes(n)) out += `\\${n}`;
      else if (n === '`') out += '^';
      else if (n === "'") out += '$';
      else if (/[a-zA-Z]/.test(n)) return undefined;
      else out += /[.*+?^${}()|[\]\\/]/.test(n) ? `\\${n}` : n;
      atStart = n === '(' && !extended;
      continue;
    }
    if (!extended && '(){}+?|'.includes(c)) out += `\\${c}`;
    else if (c === '*' && atStart) out += '\\*';
    else if (c === '/') out += '\\/';
    else out += c;
    atStart = c === '^' || (extended && c === '(');
  }

  try {
    new RegExp(out);
  } catch {
    return undefined;
  }

  return out;
}

/** The replacement text of s///: & is the match, \1..\9 the groups, \n a newline. */
function sedReplacement(r: string): string | undefined {
  let out = '';
  for (let i = 0; i < r.length; i++) {
    const c = r[i];
    if (c === '&') out += '$&';
    else if (c === '$') out += '$$';
    else if (c === '\\') {
      const n = r[++i];
      if (n === undefined) out += '\\';
      else if (/[0-9]/.test(n)) out += n === '0' ? '$&' : `$${n}`;
      else if (n === 'n') out += '\n';
      else if (n === 't') out += '\t';
      else if ('LUElu'.includes(n)) return undefined;
      else out += n === '$' ? '$$' : n;
    } else out += c;
  }

  return out;
}

type SedAddr = { re: RegExp } | { line: number } | { last: true } | undefined;
type SedCmd =
  | { addr: SedAddr; op: 's'; re: RegExp; repl: string }
  | { addr: SedAddr; op: 'd' }
  | { addr: SedAddr; op: 'a' | 'i' | 'c'; text: string };

/** Read a delimited section starting after position i; returns the text and the end index. */
function delimited(s: string, i: number, d: string): [string, number] | undefined {
  let out = '';
  for (let j = i; j < s.length; j++) {
    if (s[j] === '\\' && j + 1 < s.length) {
      // An escaped delimiter stands for the character itself.
      out += s[j + 1] === d ? d : `\\${s[j + 1]}`;
      j++;
      continue;
    }
    if (s[j] === d) return [out, j];
    if (s[j] === '\n') return undefined;
    out += s[j];
  }

  return undefined;
}

/** Parse a sed script of s, d, a, i and c commands with optional one-address. */
export function parseSedScript(script: string, extended: boolean): SedCmd[] | undefined {
  const cmds: SedCmd[] = [];
  let i = 0;
  const s = script;
  const regex = (src: string, flags: string): RegExp | undefined => {
    const js = posixToJs(src, extended);
    return js === undefined ? undefined : new RegExp(js, flags);
  };

  while (i < s.length) {
    while (i < s.length && /[\s;]/.test(s[i])) i++;
    if (i >= s.length) break;
    if (s[i] === '#') {
      while (i < s.length && s[i] !== '\n') i++;
      continue;
    }

    let addr: SedAddr;
    if (s[i] === '/' || s[i] === '\\') {
      const d = s[i] === '\\' ? s[++i] : '/';
      const part = delimited(s, i + 1, d);
      if (!part) return undefined;
      let flags = '';
      i = part[1] + 1;
      if (s[i] === 'I') {
        flags = 'i';
        i++;
      }
      const re = regex(part[0], flags);
      if (!re) return undefined;
      addr = { re };
    } else if (/\d/.test(s[i])) {
      const m = /^\d+/.exec(s.slice(i))![0];
      addr = { line: Number(m) };
      i += m.length;
    } else if (s[i] === '$') {
      addr = { last: true };
      i++;
    }
    while (s[i] === ' ') i++;
    if (s[i] === ',' || s[i] === '!' || s[i] === '{') return undefined;

    const op = s[i++];
    if (op === 'd') cmds.push({ addr, op });
    else if (op === 's') {
      const d = s[i];
      const pat = delimited(s, i + 1, d);
      if (!pat) return undefined;
      const rep = delimited(s, pat[1] + 1, d);
      if (!rep) return undefined;
      i = rep[1] + 1;
      const flagText = /^[gIip0-9]*/.exec(s.slice(i))![0];
      i += flagText.length;
      if (/[0-9]/.test(flagText) && flagText.replace(/[^0-9]/g, '') !== '1') return undefined;
      const re = regex(pat[0], (flagText.includes('g') ? 'g' : '') + (/[Ii]/.test(flagText) ? 'i' : ''));
      const repl = sedReplacement(rep[0]);
      if (!re || repl === undefined) return undefined;
      cmds.push({ addr, op: 's', re, repl });
    } else if (op === 'a' || op === 'i' || op === 'c') {
      // GNU one-liner forms: "a text", "a\text", "a\" newline "text".
      let rest = s.slice(i);
      const end = rest.search(/\n(?![^\n]*\\$)/);
      let text = end < 0 ? rest : rest.slice(0, end);
      i += text.length;
      text = text.replace(/^\s*\\\n?/, '').replace(/^\s+/, '').replace(/\\\n/g, '\n');
      rest = '';
      cmds.push({ addr, op, text: text + rest });
    } else return undefined;
  }

  return cmds;
}

/** Run parsed sed commands over a text, line by line (no -n, no hold space). */
export function runSed(cmds: SedCmd[], text: string): string {
  const trailing = text.endsWith('\n');
  const lines = text === '' ? [] : (trailing ? text.slice(0, -1) : text).split('\n');
  const out: string[] = [];

  lines.forEach((line, idx) => {
    const isLast = idx === lines.length - 1;
    let cur = line;
    const after: string[] = [];
    let deleted = false;
    for (const c of cmds) {
      const a = c.addr;
      let hit = true;
      if (a && 're' in a) hit = new RegExp(a.re.source, a.re.flags.replace('g', '')).test(cur);
      else if (a && 'line' in a) hit = a.line === idx + 1;
      else if (a) hit = isLast;
      if (!hit) continue;
      if (c.op === 'd') {
        deleted = true;
        break;
      }
      if (c.op === 's') cur = cur.replace(c.re, c.repl);
      else if (c.op === 'a') after.push(c.text);
      else if (c.op === 'i') out.push(c.text);
      else {
        out.push(c.text);
        deleted = true;
        break;
      }
    }
    if (!deleted) out.push(cur);
    out.push(...after);
  });

  return out.length === 0 ? '' : `${out.join('\n')}${trailing || lines.length > 0 ? '\n' : ''}`;
}

const sed: CommandHandler = (ctx, argv) => {
  const scripts: string[] = [];
  const files: string[] = [];
  let inPlace: string | undefined;
  let extended = false;
  let quietMode = false;
  // GNU getopt moves options before operands: with -e (or -f) anywhere, even after the first
  // operand (`sed -i FILE -e SCRIPT`), every operand is a file.
  const scriptOption = argv.some((a) => a === '-e' || a === '--expression' || a.startsWith('--expression=') || a === '-f' || a === '--file');

  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-e' || a === '--expression') scripts.push(argv[++i] ?? '');
    else if (a.startsWith('--expression=')) scripts.push(a.slice(13));
    else if (a === '-f' || a === '--file') {
      return unknownResult(ctx, 'sed -f reads a script file the model does not know');
    }
    else if (a === '-i' || a === '--in-place') inPlace = '';
    else if (a.startsWith('--in-place=')) inPlace = a.slice(11);
    else if (/^-[nErsuz]*i/.test(a) && !a.startsWith('--')) {
      const k = a.indexOf('i');
      extended ||= /[Er]/.test(a.slice(0, k));
      quietMode ||= a.slice(0, k).includes('n');
      inPlace = a.slice(k + 1);
    } else if (a === '-E' || a === '-r' || a === '--regexp-extended') extended = true;
    else if (a === '-n' || a === '--quiet' || a === '--silent') quietMode = true;
    else if (/^-[nErsuz]+$/.test(a)) {
      extended ||= /[Er]/.test(a);
      quietMode ||= a.includes('n');
    } else if (/^(--follow-symlinks|--posix|-s|--separate|-u)$/.test(a)) continue;
    else if (a.startsWith('-') && a !== '-') return unknownResult(ctx, `sed option ${a} is not modelled`);
    else if (scripts.length === 0 && files.length === 0 && !scriptOption) {
      scripts.push(a);
    }
    else files.push(a);
  }

  const cmds = quietMode ? undefined : parseSedScript(scripts.join('\n'), extended);
  if (inPlace === undefined) {
    // Plain sed prints; its output is known when its input and script are.
    let input: string | undefined = files.length === 0 ? ctx.stdin : '';
    for (const f of files) {
      const t = ctx.state.texts[resolvePath(ctx.state.fs, abs(ctx, f)).path]?.content;
      input = input === undefined || t === undefined ? undefined : input + t;
    }
    if (!cmds || input === undefined) return unknownOutput({ status: 0 });
    return { status: 0, stdout: runSed(cmds, input) };
  }

  if (files.length === 0) return fail('sed: no input files');
  const errors: string[] = [];
  let status = 0;
  for (const f of files) {
    const l = lookup(ctx, f, true);
    if (!l.ok) {
      if (l.unknown) {
        ctx.unknown(`${f} is not known to exist; sed -i may have changed it`, [abs(ctx, f)]);
        continue;
      }
      errors.push(`sed: can't read ${f}: ${errnoText(l.errno)}`);
      status = 2;
      continue;
    }
    if (l.meta.kind === 'dir') {
      errors.push(`sed: couldn't edit ${f}: not a regular file`);
      status = 4;
      continue;
    }
    if (!ctx.access(l.path, 'read').allowed) {
      errors.push(`sed: can't read ${f}: Permission denied`);
      status = 2;
      continue;
    }
    // GNU sed -i writes a temporary file next to the original and renames it over it: it needs
    // write access to the directory, not to the file.
    const dir = parentOf(l.path);
    if (!ctx.access(dir, 'write').allowed) {
      errors.push(`sed: couldn't open temporary file ${dir === '/' ? '' : dir}/sedXXXXXX: Permission denied`);
      status = 4;
      continue;
    }

    const fs = ctx.state.fs;
    const owner = newEntryOwner(fs, l.path, ctx.ident, false);
    const meta = l.meta;
    // The copy gets the old owner back through fchown when the caller may; else it keeps the
    // caller's ids (and a group the caller belongs to).
    const keepUid = ctx.ident.caps.has('CAP_CHOWN') || ctx.ident.uid === meta.uid;
    const keepGid = ctx.ident.caps.has('CAP_CHOWN') || (keepUid && inGroup(ctx.ident, meta.gid));
    let mode = meta.mode;
    if (!keepGid && mode & 0o2000) mode &= ~0o2000;
    if (inPlace !== '') {
      const name = baseName(l.path);
      const backup = inPlace.includes('*') ? inPlace.replace(/\*/g, name) : name + inPlace;
      fs.set(`${dir === '/' ? '' : dir}/${backup}`, withMeta(meta, { origin: ctx.origin }));
    }
    const uid = keepUid ? meta.uid : owner.uid;
    const gid = keepGid ? meta.gid : owner.gid;
    // A new file renamed over the name: other hard links keep the old one (GNU sed execute.c).
    fs.set(l.path, withMeta(ownInode(meta), { uid, gid, mode, origin: ctx.origin }));

    if (l.path === '/etc/passwd' || l.path === '/etc/group' || isTrackedText(l.path)) {
      const old = ctx.state.texts[l.path]?.content;
      if (cmds && old !== undefined) setText(ctx, l.path, runSed(cmds, old));
      else ctx.unknown(`the text sed -i leaves in ${l.path} is not known`, [l.path]);
    }
  }

  return { status: errors.length > 0 ? status : 0, stderr: errors };
};

// ---------------------------------------------------------------- mktemp

let tempSerial = 0;

const mktemp: CommandHandler = (ctx, argv) => {
  const long = { '--directory': 'd', '--quiet': 'q', '--dry-run': 'u', '--tmpdir': 'p', '--suffix': 'S' };
  const { opts, args, bad } = parseOpts(argv, 'dqut', 'p', long);
  if (bad) return badOption('mktemp', bad);
  const template = args[0] ?? 'tmp.XXXXXXXXXX';
  const dir = opts.get('p') ?? ctx.env.get('TMPDIR') ?? '/tmp';
  const inTmp = opts.has('p') || opts.has('t') || args.length === 0;
  const fs = ctx.state.fs;

  // The real name is random; a fixed, unused name keeps the model deterministic.
  let path: string;
  do {
    tempSerial += 1;
    const xs = /X+$/.exec(template)?.[0].length ?? 0;
    const name = template.slice(0, template.length - xs) + String(tempSerial).padStart(xs, '0').slice(-xs);
    path = inTmp && !template.includes('/') ? normalizePath(name, abs(ctx, dir)) : abs(ctx, name);
  } while (fs.has(path));

  if (opts.has('u')) return { status: 0, stdout: `${path}\n` };
  const v = createAccess(ctx, path);
  if (!v.allowed) {
    const kind = opts.has('d') ? 'directory' : 'file';
    const shownTemplate = inTmp ? `${dir}/${template}` : template;
    const why = errnoText(v.errno ?? 'EACCES');
    return fail(`mktemp: failed to create ${kind} via template '${shownTemplate}': ${why}`);
  }
  const owner = newEntryOwner(fs, path, ctx.ident, opts.has('d'));
  fs.set(path, {
    kind: opts.has('d') ? 'dir' : 'file',
    uid: owner.uid,
    gid: owner.gid,
    mode: opts.has('d') ? 0o700 | (owner.setgid ? 0o2000 : 0) : 0o600,
    origin: ctx.origin,
  });

  return { status: 0, stdout: `${path}\n` };
};

const chattr: CommandHandler = (ctx, argv) => {
  const paths = argv.slice(1).filter((a) => a.startsWith('/'));

  return unknownResult(ctx, 'chattr changes attributes the model does not track', paths);
};

// ---------------------------------------------------------------- stat

/**
 * `stat -c FORMAT FILE...` with the owner, group, mode, type and name specifiers (coreutils
 * 9.1), which entrypoint scripts use to read a mounted folder's owner (`stat -c %g /data`). Any
 * other use prints what the model does not know.
 */
const stat: CommandHandler = (ctx, argv) => {
  const unknown = unknownOutput({ status: 0 });
  let fmt: string | undefined;
  let follow = false;
  const files: string[] = [];
  // Other options (-t, --printf, -f) change only what is printed: it is then not known.
  let other = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-c' || a === '--format') fmt = argv[++i];
    else if (a.startsWith('--format=')) fmt = a.slice(9);
    else if (/^-c./.test(a)) fmt = a.slice(2);
    else if (a === '-L' || a === '--dereference') follow = true;
    else if (a === '--printf') {
      other = true;
      i++;
    } else if (a.startsWith('-') && a !== '-') other = true;
    else files.push(a);
  }
  if (files.length > 0 && (other || fmt === undefined || !/^(?:%[ugUGaAnF%]|[^%])*$/.test(fmt))) {
    // Without a format only whether each file can be reached is known: "cannot statx", status 1.
    const errors: string[] = [];
    let unsure = false;
    for (const f of files) {
      const l = lookup(ctx, f, follow);
      if (!l.ok && l.unknown) unsure = true;
      else if (!l.ok) errors.push(`stat: cannot statx '${f}': ${errnoText(l.errno)}`);
    }
    if (errors.length > 0) return unknownOutput({ status: 1, stderr: errors });
    return unknownOutput({ status: unsure ? 'unknown' : 0 });
  }
  if (fmt === undefined || files.length === 0 || !/^(?:%[ugUGaAnF%]|[^%])*$/.test(fmt)) return unknown;
  let out = '';
  const errors: string[] = [];
  for (const f of files) {
    const l = lookup(ctx, f, follow);
    if (!l.ok) {
      if (l.unknown) return unknown;
      errors.push(`stat: cannot statx '${f}': ${errnoText(l.errno)}`);
      continue;
    }
    const m = l.meta;
    // A regular file's type word depends on its size ("regular empty file"), not known here.
    if (fmt.includes('%F') && m.kind !== 'dir' && m.kind !== 'symlink') return unknown;
    const acc = ctx.state.accounts;
    out += fmt.replace(/%([ugUGaAnF%])/g, (_, c: string) => {
      switch (c) {
        case 'u': return String(m.uid);
        case 'g': return String(m.gid);
        case 'U': return userByUid(acc, m.uid)?.name ?? 'UNKNOWN';
        case 'G': return groupByGid(acc, m.gid)?.name ?? 'UNKNOWN';
        case 'a': return (m.mode & 0o7777).toString(8);
        case 'A': return formatMode(m);
        case 'n': return f;
        case 'F': return m.kind === 'dir' ? 'directory' : 'symbolic link';
        default: return '%';
      }
    }) + '\n';
  }

  return errors.length > 0 ? { status: 1, stdout: out, stderr: errors } : { status: 0, stdout: out };
};

/**
 * docker-stacks' fix-permissions DIR... (images/docker-stacks-foundation/fix-permissions): for
 * every entry below each DIR not already in group NB_GID with g+rwX, chgrp NB_GID and chmod
 * g+rwX; then chmod +6000 on every directory without both bits. Each goes through find -exec,
 * so an entry the caller may not change prints chgrp's or chmod's error, the rest still change,
 * and the command fails. Followed only where the image has the script and NB_GID (the
 * docker-stacks bases); entries of a folder listed only in part are taken as the base image left
 * them, already fixed.
 */
const fixPermissions: CommandHandler = (ctx, argv) => {
  const nb = ctx.env.get('NB_GID');
  const gid = nb !== undefined && /^\d+$/.test(nb) ? Number(nb) : undefined;
  const script = argv[0].includes('/') ? abs(ctx, argv[0]) : '/usr/local/bin/fix-permissions';
  if (gid === undefined || ctx.state.fs.get(script)?.kind !== 'file') return unknownResult(ctx, 'fix-permissions is not known here');
  const errors: string[] = [];
  const spec: OwnerSpec = { gid };
  for (const d of argv.slice(1)) {
    const l = lookup(ctx, d, true);
    if (!l.ok) {
      // find: 'DIR': No such file or directory, and the script goes on.
      if (!l.unknown) errors.push(`find: '${d}': ${errnoText(l.errno)}`);
      continue;
    }
    const paths = l.meta.kind === 'dir' ? walkOrder(ctx.state.fs, l.path) : [l.path];
    for (const p of paths) {
      let meta = ctx.state.fs.get(p)!;
      if (meta.kind === 'symlink') continue;
      const gx = meta.kind === 'dir' || (meta.mode & 0o111) !== 0 ? 0o070 : 0o060;
      if (meta.gid !== gid || (meta.mode & gx) !== gx) {
        if (ctx.readOnly?.(p) || !mayChown(ctx.ident, meta, spec)) {
          errors.push(failure(ctx, 'chgrp', 'changing group of', shown(d, l.path, p), ctx.readOnly?.(p) ? 'Read-only file system' : 'Operation not permitted'));
        } else meta = chownedMeta(meta, spec);
        const next = chmodEntry(ctx, meta, meta.mode | gx);
        if (!next) errors.push(failure(ctx, 'chmod', 'changing permissions of', shown(d, l.path, p), 'Operation not permitted'));
        else meta = next;
      }
      if (meta.kind === 'dir' && (meta.mode & 0o6000) !== 0o6000) {
        const next = chmodEntry(ctx, meta, meta.mode | 0o6000);
        if (!next) errors.push(failure(ctx, 'chmod', 'changing permissions of', shown(d, l.path, p), 'Operation not permitted'));
        else meta = next;
      }
      if (meta !== ctx.state.fs.get(p)) setInodeMeta(ctx.state.fs, p, { ...meta, origin: ctx.origin });
    }
  }

  return errors.length > 0 ? { status: 1, stderr: errors } : OK;
};

export const handlers: Record<string, CommandHandler> = {
  'fix-permissions': fixPermissions,
  stat,
  chown: chownLike('chown'),
  chgrp: chownLike('chgrp'),
  chmod,
  mkdir,
  rmdir,
  install,
  touch,
  cp,
  mv,
  ln,
  rm,
  tee,
  sed,
  mktemp,
  chattr,
};
