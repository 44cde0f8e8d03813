// RUN commands that change users and groups: shadow's useradd/usermod/userdel/groupadd/
// groupdel/gpasswd/chpasswd/passwd, Debian's perl adduser/addgroup and BusyBox's
// adduser/addgroup. Each handler mirrors the tool's own order of checks, so that the first
// error a real build would print is the one reported here, with the same exit status.

import type { Accounts, FileMeta, GroupEntry, ImageState, LoginDefs, PasswdEntry, ShadowAging } from '../../model/types.js';
import {
  groupByGid,
  groupByName,
  lowestFreeId,
  nextFreeId,
  userGroupGid,
  parseId,
  setAging,
  shadowDate,
  today,
  userByName,
  userByUid,
} from '../../image/accounts.js';
import {
  descendants,
  mkdirp,
  moveTree,
  normalizePath,
  ownInode,
  parentOf,
  removeTree,
  resolvePath,
  setInodeMeta,
  withMeta,
} from '../../image/fs.js';
import type { CmdResult, CommandHandler, ExecContext } from '../context.js';
import { notFound } from './builtins.js';

// ---------------------------------------------------------------- option parsing

export interface ParsedArgs {
  /** Option key -> the values given, '' for a flag without argument. */
  opts: Map<string, string[]>;
  operands: string[];
  /** The first option the spec does not know, as written. */
  bad?: string;
  /** The long names an ambiguous prefix (the first bad option) could stand for. */
  ambiguous?: string[];
  /**
   * The first bad option is one that takes a value but ends the line (`useradd -m -u` when
   * $UID and the name are empty): `bad` is then `-u`, or the long option's full name.
   */
  missingArgument?: boolean;
  /**
   * The options in the order getopt meets them (key '' for a bad one, its value as written):
   * shadow's tools check each value as it comes, so the first bad one on the line is reported.
   */
  seq: { key: string; value: string }[];
}

/**
 * A small getopt_long: spec keys are option names without dashes ('u' short, 'uid' long), with
 * a trailing ':' when the option takes an argument; values are the key the result uses.
 * Operands and options may be mixed (GNU getopt permutes), '--' ends the options.
 */
/** Each spec table is read once: the tables are module constants used for every command. */
const compiled = new WeakMap<Record<string, string>, Map<string, { key: string; arg: boolean }>>();

function compile(spec: Record<string, string>): Map<string, { key: string; arg: boolean }> {
  let takes = compiled.get(spec);
  if (!takes) {
    takes = new Map();
    for (const [k, key] of Object.entries(spec)) {
      const arg = k.endsWith(':');
      takes.set(arg ? k.slice(0, -1) : k, { key, arg });
    }
    compiled.set(spec, takes);
  }

  return takes;
}

/**
 * A long option written as a prefix of its name (`--home` for --home-dir): getopt_long in glibc
 * and musl, and Perl's Getopt::Long, take a prefix that only one option (or options with the
 * same meaning) starts with (measured: `useradd --home /app app` and `--ho` make /app the home).
 * An ambiguous or unknown prefix is undefined.
 */
function abbreviated<T extends { key: string; arg: boolean }>(takes: Map<string, T>, name: string): (T & { name: string }) | string[] | undefined {
  let hit: T | undefined;
  let first = '';
  let clash = false;
  const names: string[] = [];
  for (const [long, t] of takes) {
    if (long.length < 2 || !long.startsWith(name)) continue;
    names.push(`--${long}`);
    if (hit !== undefined && (hit.key !== t.key || hit.arg !== t.arg)) clash = true;
    if (hit === undefined) first = long;
    hit = t;
  }

  return clash ? names : hit === undefined ? undefined : { ...hit, name: first };
}

/**
 * glibc getopt's line for the first bad option (the tool's usage text follows it): an unknown
 * long option, an ambiguous prefix with its possibilities, or an unknown letter (measured:
 * `useradd --h` names '--home-dir' '--help').
 */
function badOptionLine(tool: string, p: ParsedArgs): string {
  const bad = p.bad ?? '';
  // glibc's words for a value missing at the end of the line (measured: `useradd -m -u` is
  // "option requires an argument -- 'u'", `useradd -m --ui` "option '--uid' requires an
  // argument"), exit 2 with the usage, as for an unknown option.
  if (p.missingArgument) return bad.startsWith('--') ? `${tool}: option '${bad}' requires an argument` : `${tool}: option requires an argument -- '${bad.slice(1)}'`;
  if (p.ambiguous) return `${tool}: option '${bad.split('=')[0]}' is ambiguous; possibilities: ${p.ambiguous.map((n) => `'${n}'`).join(' ')}`;
  if (bad.startsWith('--')) return `${tool}: unrecognized option '${bad}'`;

  return `${tool}: invalid option -- '${bad.slice(1)}'`;
}

export function getopt(args: string[], spec: Record<string, string>): ParsedArgs {
  const takes = compile(spec);

  const opts = new Map<string, string[]>();
  const operands: string[] = [];
  const seq: ParsedArgs['seq'] = [];
  const put = (key: string, v: string): void => {
    const values = opts.get(key);
    if (values) values.push(v);
    else opts.set(key, [v]);
    seq.push({ key, value: v });
  };
  let bad: string | undefined;
  let ambiguous: string[] | undefined;
  let missingArgument: boolean | undefined;
  const refuse = (written: string, names?: string[], missing?: boolean): void => {
    if (bad === undefined) {
      bad = written;
      ambiguous = names;
      missingArgument = missing;
    }
    seq.push({ key: '', value: written });
  };

  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }

    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const exact = name.length > 1 ? takes.get(name) : undefined;
      const t = name === '' ? undefined : exact ? { ...exact, name } : abbreviated(takes, name);
      if (t === undefined || Array.isArray(t)) {
        refuse(a, t);
        continue;
      }
      if (!t.arg) put(t.key, '');
      else if (eq >= 0) put(t.key, a.slice(eq + 1));
      else if (i + 1 < args.length) put(t.key, args[++i]);
      else refuse(`--${t.name}`, undefined, true);
      continue;
    }

    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const t = takes.get(a[j]);
        if (!t) {
          refuse(`-${a[j]}`);
          continue;
        }
        if (!t.arg) {
          put(t.key, '');
          continue;
        }
        if (j + 1 < a.length) put(t.key, a.slice(j + 1));
        else if (i + 1 < args.length) put(t.key, args[++i]);
        else refuse(`-${a[j]}`, undefined, true);
        break;
      }
      continue;
    }

    operands.push(a);
  }

  return { opts, operands, bad, ambiguous, missingArgument, seq };
}

const last = (p: ParsedArgs, key: string): string | undefined => p.opts.get(key)?.at(-1);
const has = (p: ParsedArgs, key: string): boolean => p.opts.has(key);

/** The comma-separated names an option was given (-G a,b -G c), empty ones dropped. */
function names(p: ParsedArgs, key: string): string[] {
  const values = p.opts.get(key);
  if (!values) return [];
  const out: string[] = [];
  for (const v of values) for (const n of v.split(',')) if (n !== '') out.push(n);

  return out;
}

// Option tables of the commands below (getopt compiles each table once).
const USERDEL_SPEC: Record<string, string> = { r: 'remove', remove: 'remove', f: 'force', force: 'force' };
const GROUPADD_SPEC: Record<string, string> = {
    'g:': 'gid', 'gid:': 'gid',
    r: 'system', system: 'system',
    o: 'nonUnique', 'non-unique': 'nonUnique',
    f: 'force', force: 'force',
    'K:': 'key', 'key:': 'key',
    'p:': 'password', 'password:': 'password',
    'U:': 'users', 'users:': 'users',
  };
const GROUPDEL_SPEC: Record<string, string> = { f: 'force', force: 'force' };
const GPASSWD_SPEC: Record<string, string> = {
    'a:': 'add', 'add:': 'add',
    'd:': 'del', 'delete:': 'del',
    'M:': 'members', 'members:': 'members',
    r: 'removePw', 'remove-password': 'removePw',
    R: 'restrict', restrict: 'restrict',
  };
const PASSWD_SPEC: Record<string, string> = {
    a: 'all', all: 'all',
    'i:': 'inactive', 'inactive:': 'inactive',
    k: 'keepTokens', 'keep-tokens': 'keepTokens',
    'n:': 'minDays', 'mindays:': 'minDays',
    q: 'quiet', quiet: 'quiet',
    'r:': 'repository', 'repository:': 'repository',
    'R:': 'root', 'root:': 'root',
    'P:': 'prefix', 'prefix:': 'prefix',
    'w:': 'warnDays', 'warndays:': 'warnDays',
    'x:': 'maxDays', 'maxdays:': 'maxDays',
    h: 'help', help: 'help',
    d: 'delete', delete: 'delete',
    l: 'lock', lock: 'lock',
    u: 'unlock', unlock: 'unlock',
    e: 'expire', expire: 'expire',
    S: 'status', status: 'status',
    stdin: 'stdin',
  };
const BUSYBOX_ADDGROUP_SPEC: Record<string, string> = { 'g:': 'gid', 'gid:': 'gid', S: 'system', system: 'system' };
const BUSYBOX_ADDUSER_SPEC: Record<string, string> = {
    'h:': 'home', 'home:': 'home',
    'g:': 'gecos', 'gecos:': 'gecos',
    's:': 'shell', 'shell:': 'shell',
    'G:': 'group', 'ingroup:': 'group',
    D: 'noPass', 'disabled-password': 'noPass', 'empty-password': 'noPass',
    S: 'system', system: 'system',
    H: 'noHome', 'no-create-home': 'noHome',
    'u:': 'uid', 'uid:': 'uid',
    'k:': 'skel', 'skel:': 'skel',
  };
const DELUSER_SPEC: Record<string, string> = { 'remove-home': 'removeHome', system: 'system', quiet: 'quiet' };

// ---------------------------------------------------------------- shared effects

const res = (status: number, ...stderr: string[]): CmdResult =>
  stderr.length > 0 ? { status, stderr } : { status };

/**
 * shadow's process_root_flag and process_prefix_flag look for `-R`/`--root` (and `-P`/
 * `--prefix`) before getopt: one that ends the line stops the tool with its own words, exit 3
 * (measured: `useradd -u abc -R` is "option '-R' requires an argument").
 */
function rootFlagMissing(tool: string, args: string[], prefix: boolean): CmdResult | undefined {
  const flags = prefix ? ['-R', '--root', '-P', '--prefix'] : ['-R', '--root'];
  for (let i = 0; i < args.length; i++) {
    if (!flags.includes(args[i])) continue;
    if (i + 1 === args.length) return res(3, `${tool}: option '${args[i]}' requires an argument`);
    i++;
  }

  return undefined;
}

/**
 * Whether the account files can be locked. shadow's commonio_lock() calls lckpwdf(), which
 * creates /etc/.pwd.lock; when that fails and the effective uid is not 0 it prints
 * "Permission denied." (shadow lib/commonio.c).
 */
function lockFailure(ctx: ExecContext, prog: string, db: string): string[] | undefined {
  if (ctx.access('/etc/.pwd.lock', 'create').allowed) return undefined;
  const lines = ctx.ident.uid !== 0 ? [`${prog}: Permission denied.`] : [];

  return [...lines, `${prog}: cannot lock ${db}; try again later.`];
}

/**
 * shadow's user_busy() (lib/user_busy.c): a process under the same root whose real, effective
 * or saved uid is the account's stops usermod -u/-l/-d and userdel (exit 8, E_USER_BUSY). The
 * tool's own process is one: it runs as ctx.ident, root, so root (and any account sharing its
 * uid) is always in use. Measured with buildah: `RUN usermod -u 1001 root` stops with "usermod:
 * user root is currently used by process 5751", exit status 8; the number is the process's.
 * Only that process counts: `sudo usermod -u 1001 app` in a step whose USER is app works,
 * alone and with `&& true` after it, where the step's shell waits as app (measured).
 */
function busyLine(ctx: ExecContext, prog: string, user: PasswdEntry): string | undefined {
  if (user.uid !== ctx.ident.uid) return undefined;

  return `${prog}: user ${user.name} is currently used by process N (${prog} itself, which runs as uid ${ctx.ident.uid})`;
}

/** The tool works on another root (-R CHROOT, -P PREFIX), where no process of this one runs. */
function rooted(argv: string[]): boolean {
  return argv.slice(1).some((w) => /^(-R|-P|--root|--prefix)/.test(w));
}

function groupRef(acc: Accounts, ref: string): GroupEntry | undefined {
  const n = parseId(ref);

  return n !== undefined ? groupByGid(acc, n) : groupByName(acc, ref);
}

/**
 * An id shadow's tools accept: what get_uid()/get_gid() read as a uid_t (0 to 2^32-1), except
 * (uid_t)-1, which every one of them refuses ("invalid user ID").
 */
/**
 * A login shell shadow takes for -s (useradd.c, usermod.c process_flags): empty, absolute, or
 * starting with '*'; never holding ':' or a newline (measured: `useradd -s bash` exits 3).
 */
function validShell(v: string): boolean {
  return !/[:\n]/.test(v) && (v === '' || v.startsWith('/') || v.startsWith('*'));
}

function validId(n: number | undefined): n is number {
  return n !== undefined && n >= 0 && n < 4294967295;
}

function allUids(acc: Accounts): number[] {
  return acc.passwd.map((e) => e.uid);
}

function allGids(acc: Accounts): number[] {
  return acc.group.map((g) => g.gid);
}

function addMember(g: GroupEntry, name: string): void {
  if (!g.members.includes(name)) g.members.push(name);
}

function setMeta(ctx: ExecContext, path: string, meta: Omit<FileMeta, 'origin'>): void {
  ctx.state.fs.set(path, withMeta(meta as FileMeta, { origin: ctx.origin }));
}

/** Copy the skeleton directory into a new home, every copy owned by the new user. */
function copySkel(ctx: ExecContext, skel: string, home: string, uid: number, gid: number): void {
  const fs = ctx.state.fs;
  for (const p of descendants(fs, skel)) {
    const m = fs.get(p)!;
    fs.set(home + p.slice(skel.length), withMeta(ownInode(m), { uid, gid, origin: ctx.origin }));
  }
}

/** Re-own what the old ids owned under dir (usermod's chown_tree on the home). */
function reown(ctx: ExecContext, dir: string, from: [number, number], to: [number, number]): void {
  const fs = ctx.state.fs;
  for (const p of [dir].concat(descendants(fs, dir))) {
    const m = fs.get(p);
    if (!m || m.kind === 'symlink') continue;
    const uid = m.uid === from[0] ? to[0] : m.uid;
    const gid = m.gid === from[1] ? to[1] : m.gid;
    if (uid !== m.uid || gid !== m.gid) setInodeMeta(fs, p, withMeta(m, { uid, gid, origin: ctx.origin }));
  }
}

/** Name rules close to Debian's shadow (lenient: no ':', ',', spaces, '/', leading '-'). */
function validName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 32 &&
    !name.startsWith('-') &&
    !/^\d+$/.test(name) &&
    !/[:,\s/]/.test(name) &&
    name !== '.' &&
    name !== '..'
  );
}

/** CREATE_HOME of login.defs: Debian and Ubuntu leave it unset (no), Fedora/RHEL set yes. */
function createHomeDefault(ctx: ExecContext): boolean {
  const text = ctx.state.texts['/etc/login.defs']?.content;
  const m = text?.match(/^\s*CREATE_HOME\s+(\S+)/m);
  if (m) return m[1].toLowerCase() === 'yes';

  return ctx.state.distro === 'rhel';
}

/** login.defs as -K KEY=VALUE options override it; the same object when none is given. */
function withKeys(base: LoginDefs, keys: string[] | undefined): LoginDefs {
  if (!keys) return base;
  const defs: LoginDefs = { ...base };
  for (const kv of keys) applyLoginDefsKey(defs, kv);

  return defs;
}

function applyLoginDefsKey(defs: LoginDefs, kv: string): void {
  const [key, value = ''] = kv.split('=', 2);
  const n = value.startsWith('0') && value.length > 1 ? parseInt(value, 8) : parseInt(value, 10);
  const map: Record<string, keyof LoginDefs> = {
    UID_MIN: 'uidMin',
    UID_MAX: 'uidMax',
    GID_MIN: 'gidMin',
    GID_MAX: 'gidMax',
    SYS_UID_MIN: 'sysUidMin',
    SYS_UID_MAX: 'sysUidMax',
    SYS_GID_MIN: 'sysGidMin',
    SYS_GID_MAX: 'sysGidMax',
    UMASK: 'umask',
    HOME_MODE: 'homeMode',
  };
  const field = map[key];
  if (field && Number.isFinite(n)) (defs as unknown as Record<string, number>)[field] = n;
  if (key === 'USERGROUPS_ENAB') defs.usergroupsEnab = value.toLowerCase() === 'yes';
}

/**
 * Create a home directory the way shadow's create_home() does: missing parents root 0755, the
 * home itself owned by the user with the given mode, then the skeleton copied in.
 */
function makeHome(
  ctx: ExecContext,
  home: string,
  uid: number,
  gid: number,
  mode: number,
  skel: string | undefined,
): void {
  mkdirp(ctx.state.fs, parentOf(home), { uid: 0, gid: 0, mode: 0o755, origin: ctx.origin });
  setMeta(ctx, home, { kind: 'dir', uid, gid, mode });
  if (skel && ctx.state.fs.get(skel)?.kind === 'dir') copySkel(ctx, skel, home, uid, gid);
}

// ---------------------------------------------------------------- useradd (shadow)

const USERADD_SPEC: Record<string, string> = {
  'u:': 'uid', 'uid:': 'uid',
  o: 'nonUnique', 'non-unique': 'nonUnique',
  'g:': 'gid', 'gid:': 'gid',
  'G:': 'groups', 'groups:': 'groups',
  m: 'createHome', 'create-home': 'createHome',
  M: 'noCreateHome', 'no-create-home': 'noCreateHome',
  'd:': 'home', 'home-dir:': 'home',
  's:': 'shell', 'shell:': 'shell',
  r: 'system', system: 'system',
  N: 'noUserGroup', 'no-user-group': 'noUserGroup',
  U: 'userGroup', 'user-group': 'userGroup',
  l: 'noLogInit', 'no-log-init': 'noLogInit',
  'c:': 'comment', 'comment:': 'comment',
  'p:': 'password', 'password:': 'password',
  'K:': 'key', 'key:': 'key',
  'b:': 'base', 'base-dir:': 'base',
  'k:': 'skel', 'skel:': 'skel',
  'e:': 'expire', 'expiredate:': 'expire',
  'f:': 'inactive', 'inactive:': 'inactive',
  'badname': 'badname', 'badnames': 'badname',
  'D': 'defaults', 'defaults': 'defaults',
  // Known so that `--h` is as ambiguous as useradd finds it (--home-dir, --help).
  h: 'help', help: 'help',
};

/** The first lines of useradd's usage text, which follows a usage error. */
const USERADD_USAGE = ['Usage: useradd [options] LOGIN', '       useradd -D', '       useradd -D [options]'];

/**
 * shadow useradd, in the order of src/useradd.c main(): options (unknown groups exit 6), then
 * "user exists" (9), the user-group clash (9), locking the files (1), the uid check (4), then
 * the group, the entry and the home.
 */
const useradd: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  const rootFlag = rootFlagMissing('useradd', argv.slice(1), true);
  if (rootFlag) return rootFlag;
  const p = getopt(argv.slice(1), USERADD_SPEC);
  // process_flags(): each value is checked as getopt meets it, so the first bad one on the line
  // is the one reported, before the count of names (measured with shadow 4.13: `-g nosuch -u
  // abc` is "group 'nosuch' does not exist", `-u abc -g nosuch` "invalid user ID 'abc'", and an
  // empty $UID in `-u $UID -s /bin/bash` makes "-s" the uid).
  for (const o of p.seq) {
    const v = o.value;
    if (o.key === '') return res(2, badOptionLine('useradd', p), ...USERADD_USAGE);
    // -h prints the usage to stdout and exits 0, whatever follows.
    if (o.key === 'help') return { status: 0 };
    if (o.key === 'uid' && !validId(parseId(v))) return res(3, `useradd: invalid user ID '${v}'`);
    if (o.key === 'gid' && !groupRef(acc, v)) return res(6, `useradd: group '${v}' does not exist`);
    // strtoday() and getlong() as process_flags() meets -e and -f (E_BAD_ARG).
    if (o.key === 'expire' && shadowDate(v) === 'invalid') return res(3, `useradd: invalid date '${v}'`);
    if (o.key === 'inactive' && !/^-?\d+$/.test(v)) return res(3, `useradd: invalid numeric argument '${v}'`);
    if (o.key === 'home' && !v.startsWith('/')) return res(3, `useradd: invalid home directory '${v}'`);
    if (o.key === 'shell' && !validShell(v)) return res(3, `useradd: invalid shell '${v}'`);
    if (o.key === 'groups') {
      for (const g of v.split(',')) if (g !== '' && !groupRef(acc, g)) return res(6, `useradd: group '${g}' does not exist`);
    }
  }
  if (p.operands.length !== 1 && !has(p, 'defaults')) return res(2, ...USERADD_USAGE);
  if (has(p, 'defaults')) {
    ctx.unknown('useradd -D changes /etc/default/useradd', ['/etc/default/useradd']);
    return { status: 0 };
  }

  const name = p.operands[0];
  const defs = withKeys(acc.loginDefs, p.opts.get('key'));
  const system = has(p, 'system');

  if (!validName(name) && !has(p, 'badname')) {
    return res(3, `useradd: invalid user name '${name}': use --badname to ignore`);
  }

  // The values were checked above; -g names the primary group, no user group is made.
  const uidText = last(p, 'uid');
  const uidWanted = uidText === undefined ? undefined : parseId(uidText);
  const gText = last(p, 'gid');
  const primary = gText === undefined ? undefined : groupRef(acc, gText);
  const extra: GroupEntry[] = [];
  for (const g of names(p, 'groups')) extra.push(groupRef(acc, g)!);

  // After the options, with usage text (E_USAGE).
  if (has(p, 'userGroup') && primary) return res(2, 'useradd: options -U and -g conflict', ...USERADD_USAGE);
  if (has(p, 'userGroup') && has(p, 'noUserGroup')) return res(2, 'useradd: options -U and -N conflict', ...USERADD_USAGE);
  const userGroup = has(p, 'userGroup') || (!primary && !has(p, 'noUserGroup') && defs.usergroupsEnab);

  if (userByName(acc, name)) return res(9, `useradd: user '${name}' already exists`);
  if (userGroup && groupByName(acc, name)) {
    return res(9, `useradd: group ${name} exists - if you want to add this user to that group, use -g.`);
  }

  const lock = lockFailure(ctx, 'useradd', '/etc/passwd');
  if (lock) return res(1, ...lock);

  // find_new_uid(): normal accounts one above the highest in range, system ones one below the
  // lowest (see nextFreeId).
  let uid: number;
  if (uidWanted !== undefined) {
    if (!has(p, 'nonUnique') && userByUid(acc, uidWanted)) {
      return res(4, `useradd: UID ${uidWanted} is not unique`);
    }
    uid = uidWanted;
  } else {
    uid = system
      ? nextFreeId(allUids(acc), defs.sysUidMin, defs.sysUidMax, true)
      : nextFreeId(allUids(acc), defs.uidMin, defs.uidMax, false);
    if (uid < 0) return res(4, "useradd: can't create user");
  }

  // find_new_gid() takes the uid as the preferred gid when it is free and inside the range.
  let gid: number;
  if (userGroup) {
    const [min, max] = system ? [defs.sysGidMin, defs.sysGidMax] : [defs.gidMin, defs.gidMax];
    gid = userGroupGid(allGids(acc), uid, min, max, system);
    if (gid < 0) return res(4, "useradd: can't create group");
    acc.group.push({ name, gid, members: [] });
  } else {
    // -N without -g: GROUP of /etc/default/useradd (100 on Debian).
    gid = primary ? primary.gid : 100;
  }

  const base = last(p, 'base') ?? '/home';
  const home = normalizePath(last(p, 'home') ?? `${base}/${name}`);
  const shell = last(p, 'shell') ?? defs.defaultShell;
  acc.passwd.push({ name, uid, gid, gecos: last(p, 'comment') ?? '', home, shell });
  for (const g of extra) addMember(g, name);

  const pw = last(p, 'password');
  acc.passwords[name] = pw === undefined || pw.startsWith('!') || pw === '*' ? 'none' : pw === '' ? 'empty' : 'set';
  // The shadow line: last change today, -e and -f as given (an account made already expired
  // is written so: `useradd -e 2000-01-01`).
  setAging(acc, name, { lastChange: today(), ...agingOptions(p) });

  const create = has(p, 'createHome') || (!has(p, 'noCreateHome') && !system && createHomeDefault(ctx));
  if (!create) return { status: 0 };

  if (ctx.state.fs.has(home)) {
    return res(
      0,
      `useradd: warning: the home directory ${home} already exists.`,
      'useradd: Not copying any file from skel directory into it.',
    );
  }

  const mode = defs.homeMode ?? 0o777 & ~defs.umask;
  makeHome(ctx, home, uid, gid, mode, last(p, 'skel') ?? '/etc/skel');

  return { status: 0 };
};

// ---------------------------------------------------------------- usermod (shadow)

const USERMOD_SPEC: Record<string, string> = {
  a: 'append', append: 'append',
  'G:': 'groups', 'groups:': 'groups',
  'g:': 'gid', 'gid:': 'gid',
  'u:': 'uid', 'uid:': 'uid',
  o: 'nonUnique', 'non-unique': 'nonUnique',
  'd:': 'home', 'home:': 'home',
  m: 'move', 'move-home': 'move',
  's:': 'shell', 'shell:': 'shell',
  'l:': 'login', 'login:': 'login',
  L: 'lock', lock: 'lock',
  U: 'unlock', unlock: 'unlock',
  'c:': 'comment', 'comment:': 'comment',
  'p:': 'password', 'password:': 'password',
  r: 'remove', remove: 'remove',
  'e:': 'expire', 'expiredate:': 'expire',
  'f:': 'inactive', 'inactive:': 'inactive',
};

/** shadow usermod (src/usermod.c): process_flags() checks everything before open_files(). */
const usermod: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  const rootFlag = rootFlagMissing('usermod', argv.slice(1), true);
  if (rootFlag) return rootFlag;
  const p = getopt(argv.slice(1), USERMOD_SPEC);
  // As useradd: the values of -g, -G, -u and -s are checked as getopt meets them, before the
  // user is looked up (measured: `usermod -u abc nosuchuser` is "invalid user ID 'abc'").
  for (const o of p.seq) {
    const v = o.value;
    if (o.key === '') return res(2, badOptionLine('usermod', p), 'Usage: usermod [options] LOGIN');
    if (o.key === 'uid' && !validId(parseId(v))) return res(3, `usermod: invalid user ID '${v}'`);
    if (o.key === 'gid' && !groupRef(acc, v)) return res(6, `usermod: group '${v}' does not exist`);
    if (o.key === 'expire' && shadowDate(v) === 'invalid') return res(3, `usermod: invalid date '${v}'`);
    if (o.key === 'inactive' && !/^-?\d+$/.test(v)) return res(3, `usermod: invalid numeric argument '${v}'`);
    if (o.key === 'shell' && !validShell(v)) return res(3, `usermod: invalid shell '${v}'`);
    if (o.key === 'groups') {
      for (const g of v.split(',')) if (g !== '' && !groupRef(acc, g)) return res(6, `usermod: group '${g}' does not exist`);
    }
  }
  if (p.operands.length !== 1) return res(2, 'Usage: usermod [options] LOGIN');

  const name = p.operands[0];
  const user = userByName(acc, name);
  if (!user) return res(6, `usermod: user '${name}' does not exist`);

  if (p.opts.size === 0) return res(2, 'usermod: no options');
  if (has(p, 'append') && !has(p, 'groups')) {
    return res(2, 'usermod: -a flag is only allowed with the -G flag');
  }
  if (has(p, 'move') && !has(p, 'home')) return res(2, 'usermod: -m flag is only allowed with the -d flag');

  let newGroup: GroupEntry | undefined;
  const gText = last(p, 'gid');
  if (gText !== undefined) {
    newGroup = groupRef(acc, gText);
    if (!newGroup) return res(6, `usermod: group '${gText}' does not exist`);
  }

  const groups: GroupEntry[] = [];
  for (const g of names(p, 'groups')) {
    const e = groupRef(acc, g);
    if (!e) return res(6, `usermod: group '${g}' does not exist`);
    groups.push(e);
  }

  let newUid: number | undefined;
  const uText = last(p, 'uid');
  if (uText !== undefined) {
    newUid = parseId(uText);
    if (!validId(newUid)) return res(3, `usermod: invalid user ID '${uText}'`);
    if (newUid !== user.uid && !has(p, 'nonUnique') && userByUid(acc, newUid)) {
      return res(4, `usermod: UID '${newUid}' already exists`);
    }
  }

  const newName = last(p, 'login');
  if (newName !== undefined && newName !== name && userByName(acc, newName)) {
    return res(9, `usermod: user '${newName}' already exists`);
  }

  const homeText = last(p, 'home');
  const newHome = homeText !== undefined ? normalizePath(homeText) : undefined;
  if (has(p, 'move') && newHome && newHome !== user.home && ctx.state.fs.has(newHome)) {
    return res(12, `usermod: directory ${newHome} exists`);
  }

  // The end of process_flags() drops each option whose value is the account's own (-u, -g, -s,
  // -l, -c, -d by string: `-d /root/` differs from /root) and, with none left, prints "no
  // changes" and exits 0 before the busy check and the lock (measured: `usermod -u 0 root`,
  // `-s /bin/bash app` as app). -G, -a, -r, -L, -U, -p, -e and -f are always kept (-e and -f
  // are compared with /etc/shadow, which only root reads; as root they only reach the lock).
  const uidChange = newUid !== undefined && newUid !== user.uid;
  const nameChange = newName !== undefined && newName !== name;
  const homeChange = homeText !== undefined && homeText !== user.home;
  const kept = uidChange || nameChange || homeChange
    || (newGroup !== undefined && newGroup.gid !== user.gid)
    || (last(p, 'shell') !== undefined && last(p, 'shell') !== user.shell)
    || (last(p, 'comment') !== undefined && last(p, 'comment') !== user.gecos)
    || ['groups', 'lock', 'unlock', 'password', 'expire', 'inactive'].some((k) => has(p, k));
  if (!kept) return { status: 0, stdout: 'usermod: no changes\n' };

  // main() after process_flags(): only a change of the uid, the name or the home is checked.
  const busy = (uidChange || nameChange || homeChange) && !rooted(argv) ? busyLine(ctx, 'usermod', user) : undefined;
  if (busy) return res(8, busy);

  const lock = lockFailure(ctx, 'usermod', '/etc/passwd');
  if (lock) return res(1, ...lock);

  const oldIds: [number, number] = [user.uid, user.gid];
  const oldHome = user.home;

  // Supplementary groups: -G replaces the list, -aG appends to it.
  if (has(p, 'groups')) {
    if (!has(p, 'append') && !has(p, 'remove')) {
      for (const g of acc.group) g.members = g.members.filter((m) => m !== name);
    }
    for (const g of groups) {
      if (has(p, 'remove')) g.members = g.members.filter((m) => m !== name);
      else addMember(g, name);
    }
  }

  if (newGroup) user.gid = newGroup.gid;
  if (newUid !== undefined) user.uid = newUid;
  if (last(p, 'shell') !== undefined) user.shell = last(p, 'shell')!;
  if (last(p, 'comment') !== undefined) user.gecos = last(p, 'comment')!;
  if (has(p, 'lock')) acc.passwords[name] = 'locked';
  if (has(p, 'unlock') && acc.passwords[name] === 'locked') acc.passwords[name] = 'set';
  if (last(p, 'password') !== undefined) acc.passwords[name] = 'set';
  // -e and -f write the shadow line's expire and inactive fields; -p a new last change.
  const aging = { ...agingOptions(p), ...(last(p, 'password') !== undefined ? { lastChange: today() } : {}) };
  if (Object.keys(aging).length > 0) setAging(acc, name, aging);

  if (newHome) {
    if (has(p, 'move') && ctx.state.fs.has(oldHome) && newHome !== oldHome) {
      mkdirp(ctx.state.fs, parentOf(newHome), { uid: 0, gid: 0, mode: 0o755, origin: ctx.origin });
      moveTree(ctx.state.fs, oldHome, newHome);
    }
    user.home = newHome;
  }

  // usermod re-owns the files in the home that the old uid (and old primary gid) owned.
  if (newUid !== undefined || newGroup) {
    reown(ctx, user.home, oldIds, [user.uid, user.gid]);
  }

  if (newName !== undefined && newName !== name) {
    user.name = newName;
    for (const g of acc.group) g.members = g.members.map((m) => (m === name ? newName : m));
    acc.passwords[newName] = Object.hasOwn(acc.passwords, name) ? acc.passwords[name] : 'none';
    delete acc.passwords[name];
    if (acc.aging?.[name]) {
      acc.aging[newName] = acc.aging[name];
      delete acc.aging[name];
    }
  }

  return { status: 0 };
};

// ---------------------------------------------------------------- userdel (shadow)

/**
 * shadow userdel (src/userdel.c): a missing mail spool is only a warning; a home not owned by
 * the user is kept and makes the exit status 12. With USERGROUPS_ENAB the user's own group
 * goes too when nobody else uses it.
 */
const userdel: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  const rootFlag = rootFlagMissing('userdel', argv.slice(1), true);
  if (rootFlag) return rootFlag;
  const p = getopt(argv.slice(1), USERDEL_SPEC);
  if (p.bad) return res(2, badOptionLine('userdel', p), 'Usage: userdel [options] LOGIN');
  if (p.operands.length !== 1) return res(2, 'Usage: userdel [options] LOGIN');

  const name = p.operands[0];
  const user = userByName(acc, name);
  if (!user) return res(6, `userdel: user '${name}' does not exist`);
  // -f skips the check (userdel.c: `if (!fflg)`), and so does another root (-R, -P).
  const busy = has(p, 'force') || rooted(argv) ? undefined : busyLine(ctx, 'userdel', user);
  if (busy) return res(8, busy);

  const lock = lockFailure(ctx, 'userdel', '/etc/passwd');
  if (lock) return res(1, ...lock);

  acc.passwd = acc.passwd.filter((e) => e !== user);
  delete acc.passwords[name];
  if (acc.aging) delete acc.aging[name];
  for (const g of acc.group) g.members = g.members.filter((m) => m !== name);

  const own = groupByName(acc, name);
  const stillPrimary = own && acc.passwd.some((e) => e.gid === own.gid);
  if (own && own.gid === user.gid && acc.loginDefs.usergroupsEnab && !stillPrimary && own.members.length === 0) {
    acc.group = acc.group.filter((g) => g !== own);
  }

  if (!has(p, 'remove')) return { status: 0 };

  const stderr: string[] = [];
  let errors = 0;
  const mail = `/var/mail/${name}`;
  if (ctx.state.fs.has(mail)) removeTree(ctx.state.fs, mail);
  else stderr.push(`userdel: ${name} mail spool (${mail}) not found`);

  const homeMeta = ctx.state.fs.get(user.home);
  if (!homeMeta) stderr.push(`userdel: ${name} home directory (${user.home}) not found`);
  else if (homeMeta.uid !== user.uid && !has(p, 'force')) {
    stderr.push(`userdel: ${user.home} not owned by ${name}, not removing`);
    errors += 1;
  } else removeTree(ctx.state.fs, user.home);

  return res(errors > 0 ? 12 : 0, ...stderr);
};

// ---------------------------------------------------------------- groupadd / groupdel (shadow)

const groupadd: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  const rootFlag = rootFlagMissing('groupadd', argv.slice(1), true);
  if (rootFlag) return rootFlag;
  const p = getopt(argv.slice(1), GROUPADD_SPEC);
  // -g is checked as getopt meets it, before the count of names (measured: `groupadd -g
  // dockergrp`, an empty $GID before the name, is "invalid group ID 'dockergrp'", exit 3).
  for (const o of p.seq) {
    if (o.key === '') return res(2, badOptionLine('groupadd', p), 'Usage: groupadd [options] GROUP');
    if (o.key === 'gid' && !validId(parseId(o.value))) return res(3, `groupadd: invalid group ID '${o.value}'`);
  }
  if (p.operands.length !== 1) return res(2, 'Usage: groupadd [options] GROUP');

  const name = p.operands[0];
  const defs = withKeys(acc.loginDefs, p.opts.get('key'));

  // shadow groupadd check_flags(): -f turns "exists" into success and a taken -g into "pick one".
  if (groupByName(acc, name)) {
    return has(p, 'force') ? { status: 0 } : res(9, `groupadd: group '${name}' already exists`);
  }
  if (!validName(name)) return res(3, `groupadd: '${name}' is not a valid group name`);

  let gid: number | undefined;
  const gText = last(p, 'gid');
  if (gText !== undefined) {
    gid = parseId(gText);
    if (!validId(gid)) return res(3, `groupadd: invalid group ID '${gText}'`);
    if (!has(p, 'nonUnique') && groupByGid(acc, gid)) {
      if (!has(p, 'force')) return res(4, `groupadd: GID '${gid}' already exists`);
      gid = undefined;
    }
  }

  const lock = lockFailure(ctx, 'groupadd', '/etc/group');
  if (lock) return res(10, ...lock);

  if (gid === undefined) {
    const system = has(p, 'system');
    gid = system
      ? nextFreeId(allGids(acc), defs.sysGidMin, defs.sysGidMax, true)
      : nextFreeId(allGids(acc), defs.gidMin, defs.gidMax, false);
    if (gid < 0) return res(4, "groupadd: can't create group");
  }

  const members = names(p, 'users');
  acc.group.push({ name, gid, members });

  return { status: 0 };
};

const GROUPMOD_SPEC: Record<string, string> = {
  'g:': 'gid', 'gid:': 'gid',
  'n:': 'newName', 'new-name:': 'newName',
  o: 'nonUnique', 'non-unique': 'nonUnique',
  'p:': 'password', 'password:': 'password',
  a: 'append', append: 'append',
  'U:': 'users', 'users:': 'users',
};

/**
 * shadow groupmod (src/groupmod.c): the flags (a bad -g exits at once), then the group, the new
 * gid, the new name, the locks. A new gid also becomes the primary gid of every user whose
 * primary group it was (update_primary_groups); files keep the old gid number.
 */
const groupmod: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  const rootFlag = rootFlagMissing('groupmod', argv.slice(1), true);
  if (rootFlag) return rootFlag;
  const p = getopt(argv.slice(1), GROUPMOD_SPEC);
  const usage = 'Usage: groupmod [options] GROUP';
  // -g is checked as getopt meets it, a bad option stops where it stands (as groupadd).
  for (const o of p.seq) {
    if (o.key === '') return res(2, badOptionLine('groupmod', p), usage);
    if (o.key === 'gid' && !validId(parseId(o.value))) return res(3, `groupmod: invalid group ID '${o.value}'`);
  }
  const gText = last(p, 'gid');
  let newGid = gText === undefined ? undefined : parseId(gText);
  if (p.operands.length !== 1 || (has(p, 'nonUnique') && gText === undefined)) return res(2, usage);

  const name = p.operands[0];
  const g = groupByName(acc, name);
  if (!g) return res(6, `groupmod: group '${name}' does not exist`);

  if (newGid === g.gid) newGid = undefined;
  if (newGid !== undefined && !has(p, 'nonUnique') && groupByGid(acc, newGid)) {
    return res(4, `groupmod: GID '${newGid}' already exists`);
  }
  let newName = last(p, 'newName');
  if (newName === name) newName = undefined;
  if (newName !== undefined) {
    if (!validName(newName)) return res(3, `groupmod: invalid group name '${newName}'`);
    if (groupByName(acc, newName)) return res(9, `groupmod: group '${newName}' already exists`);
  }

  const lock = lockFailure(ctx, 'groupmod', '/etc/group') ?? (newGid !== undefined ? lockFailure(ctx, 'groupmod', '/etc/passwd') : undefined);
  if (lock) return res(10, ...lock);

  const users = names(p, 'users');
  const unknown = users.find((u) => !userByName(acc, u));
  if (unknown !== undefined) return res(10, `Invalid member username ${unknown}`);

  if (newGid !== undefined) {
    for (const e of acc.passwd) if (e.gid === g.gid) e.gid = newGid;
    g.gid = newGid;
  }
  if (newName !== undefined) g.name = newName;
  if (has(p, 'users')) {
    if (!has(p, 'append')) g.members = [];
    for (const u of users) addMember(g, u);
  }

  return { status: 0 };
};

const groupdel: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  const rootFlag = rootFlagMissing('groupdel', argv.slice(1), true);
  if (rootFlag) return rootFlag;
  const p = getopt(argv.slice(1), GROUPDEL_SPEC);
  if (p.bad) return res(2, badOptionLine('groupdel', p), 'Usage: groupdel [options] GROUP');
  if (p.operands.length !== 1) return res(2, 'Usage: groupdel [options] GROUP');

  const name = p.operands[0];
  const g = groupByName(acc, name);
  if (!g) return res(6, `groupdel: group '${name}' does not exist`);

  const owner = acc.passwd.find((e) => e.gid === g.gid);
  if (owner && !has(p, 'force')) {
    return res(8, `groupdel: cannot remove the primary group of user '${owner.name}'`);
  }

  const lock = lockFailure(ctx, 'groupdel', '/etc/group');
  if (lock) return res(10, ...lock);
  acc.group = acc.group.filter((e) => e !== g);

  return { status: 0 };
};

// ---------------------------------------------------------------- gpasswd (shadow)

/** shadow gpasswd (src/gpasswd.c): user check in the options, then the group, then perms. */
const gpasswd: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  const p = getopt(argv.slice(1), GPASSWD_SPEC);
  if (p.bad) return res(2, badOptionLine('gpasswd', p), 'Usage: gpasswd [option] GROUP');
  if (p.operands.length !== 1) return res(2, 'Usage: gpasswd [option] GROUP');

  const add = last(p, 'add');
  if (add !== undefined && !userByName(acc, add)) return res(3, `gpasswd: user '${add}' does not exist`);
  const members = last(p, 'members')?.split(',').filter(Boolean);
  for (const m of members ?? []) {
    if (!userByName(acc, m)) return res(3, `gpasswd: user '${m}' does not exist`);
  }

  const name = p.operands[0];
  const g = groupByName(acc, name);
  if (!g) return res(3, `gpasswd: group '${name}' does not exist in /etc/group`);

  // Only root (or a group administrator from /etc/gshadow, not modelled) may change a group.
  if (ctx.ident.uid !== 0) return res(1, 'gpasswd: Permission denied.');

  const lock = lockFailure(ctx, 'gpasswd', '/etc/group');
  if (lock) return res(1, ...lock);

  if (add !== undefined) {
    addMember(g, add);
    return { status: 0, stdout: `Adding user ${add} to group ${name}\n` };
  }

  const del = last(p, 'del');
  if (del !== undefined) {
    const stdout = `Removing user ${del} from group ${name}\n`;
    if (!g.members.includes(del)) {
      return { status: 3, stdout, stderr: [`gpasswd: user '${del}' is not a member of '${name}'`] };
    }
    g.members = g.members.filter((m) => m !== del);
    return { status: 0, stdout };
  }

  if (members) g.members = members;

  return { status: 0 };
};

// ---------------------------------------------------------------- passwords

/**
 * chpasswd reads "user:password" lines from stdin. Debian builds it with PAM; BusyBox's applet
 * refuses non-root callers outright.
 */
const chpasswd: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  const busybox = ctx.state.distro === 'alpine';
  if (ctx.ident.uid !== 0) {
    return busybox
      ? res(1, 'chpasswd: permission denied (are you root?)')
      : res(1, 'chpasswd: Permission denied.', 'chpasswd: cannot lock /etc/passwd; try again later.');
  }
  if (ctx.stdin === undefined) {
    ctx.unknown('chpasswd without a known standard input', ['/etc/shadow']);
    return { status: 'unknown' };
  }

  const stderr: string[] = [];
  const lines = ctx.stdin.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    if (colon < 0) {
      stderr.push(`chpasswd: line ${i + 1}: missing new password`);
      return;
    }
    const user = line.slice(0, colon);
    if (!userByName(acc, user)) {
      stderr.push(`chpasswd: line ${i + 1}: user '${user}' does not exist`);
      return;
    }
    acc.passwords[user] = line.slice(colon + 1) === '' ? 'empty' : 'set';
    setAging(acc, user, { lastChange: today() });
  });

  void argv;
  return res(stderr.length > 0 ? 1 : 0, ...stderr);
};

const passwd: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  const rootFlag = rootFlagMissing('passwd', argv.slice(1), false);
  if (rootFlag) return rootFlag;
  const p = getopt(argv.slice(1), PASSWD_SPEC);
  // passwd's usage() exits 6 (measured: `passwd -x` with no value).
  if (p.bad) return res(6, badOptionLine('passwd', p), 'Usage: passwd [options] [LOGIN]');
  if (has(p, 'help')) return { status: 0 };
  const self = userByUid(acc, ctx.ident.uid);
  const name = p.operands[0] ?? self?.name;
  if (!name) return res(1, `passwd: Cannot determine your user name.`);
  if (!userByName(acc, name)) return res(1, `passwd: user '${name}' does not exist`);

  if (ctx.ident.uid !== 0 && name !== self?.name) {
    return res(1, `passwd: You may not view or modify password information for ${name}.`);
  }
  if (has(p, 'status')) return { status: 0 };
  if (ctx.ident.uid !== 0 && (has(p, 'delete') || has(p, 'lock') || has(p, 'unlock') || has(p, 'expire'))) {
    return res(1, 'passwd: Permission denied.');
  }

  // -x and -i set the shadow line's max and inactive days (passwd.c update_shadow()).
  const aging: ShadowAging = {};
  for (const [key, field] of [['maxDays', 'max'], ['inactive', 'inactive']] as const) {
    const v = last(p, key);
    if (v !== undefined && /^-?\d+$/.test(v)) aging[field] = Number(v);
  }
  if (has(p, 'delete')) {
    acc.passwords[name] = 'empty';
    aging.lastChange = today();
  } else if (has(p, 'lock')) acc.passwords[name] = 'locked';
  else if (has(p, 'unlock')) {
    if (acc.passwords[name] === 'locked') acc.passwords[name] = 'set';
  } else if (has(p, 'expire')) {
    // The last change becomes 0: PAM asks for a new password at the next login or su.
    aging.lastChange = 0;
  } else if (['maxDays', 'minDays', 'warnDays', 'inactive'].some((k) => has(p, k))) {
    // Only the aging fields change.
  } else if (ctx.stdin !== undefined && ctx.stdin.trim() !== '') {
    acc.passwords[name] = 'set';
    aging.lastChange = today();
  } else {
    // Interactive: no terminal in a build, so PAM's conversation fails.
    return res(
      10,
      'passwd: Authentication token manipulation error',
      'passwd: password unchanged',
    );
  }
  if (Object.keys(aging).length > 0) setAging(acc, name, aging);

  return { status: 0, stdout: 'passwd: password changed.\n' };
};

/** The shadow fields -e (expire date) and -f (inactive days) of useradd and usermod set. */
function agingOptions(p: ReturnType<typeof getopt>): ShadowAging {
  const out: ShadowAging = {};
  const e = last(p, 'expire');
  if (e !== undefined) {
    const day = shadowDate(e);
    if (typeof day === 'number') out.expire = day;
    else out.unknown = true;
  }
  const f = last(p, 'inactive');
  if (f !== undefined) out.inactive = Number(f);

  return out;
}

const CHAGE_SPEC: Record<string, string> = {
  'd:': 'lastDay', 'lastday:': 'lastDay',
  'E:': 'expire', 'expiredate:': 'expire',
  'I:': 'inactive', 'inactive:': 'inactive',
  'm:': 'minDays', 'mindays:': 'minDays',
  'M:': 'maxDays', 'maxdays:': 'maxDays',
  'W:': 'warnDays', 'warndays:': 'warnDays',
  l: 'list', list: 'list',
  i: 'iso', iso8601: 'iso',
  h: 'help', help: 'help',
};

/**
 * shadow chage (src/chage.c, 4.13): process_flags() reads each value as it meets it (a date by
 * strtoday(), invalid: "invalid date", the days by getlong(), usage exit 2), check_flags()
 * wants one name and -l alone, then only root may change anything (`Permission denied.`, 1),
 * then the user must exist. -d sets the last change (0: change at the next login), -E the
 * expire day (-1 or '' never), -M the max days, -I the inactive days; with no option chage asks
 * for each value, which a build's empty input leaves as they were.
 */
const chage: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  const rootFlag = rootFlagMissing('chage', argv.slice(1), true);
  if (rootFlag) return rootFlag;
  const p = getopt(argv.slice(1), CHAGE_SPEC);
  const usage = 'Usage: chage [options] LOGIN';
  for (const o of p.seq) {
    if (o.key === '') return res(2, badOptionLine('chage', p), usage);
    if (o.key === 'help') return { status: 0 };
    if ((o.key === 'lastDay' || o.key === 'expire') && shadowDate(o.value) === 'invalid') return res(2, `chage: invalid date '${o.value}'`, usage);
    if (['inactive', 'minDays', 'maxDays', 'warnDays'].includes(o.key) && !/^-?\d+$/.test(o.value)) {
      return res(2, `chage: invalid numeric argument '${o.value}'`, usage);
    }
  }
  if (p.operands.length !== 1) return res(2, usage);
  const changes = ['lastDay', 'expire', 'inactive', 'minDays', 'maxDays', 'warnDays'].filter((k) => has(p, k));
  if (has(p, 'list') && changes.length > 0) return res(2, 'chage: do not include "l" with other flags', usage);
  if (ctx.ident.uid !== 0 && !has(p, 'list')) return res(1, 'chage: Permission denied.');
  const name = p.operands[0];
  const user = userByName(acc, name);
  if (!user) return res(1, `chage: user '${name}' does not exist in /etc/passwd`);
  if (has(p, 'list')) {
    if (ctx.ident.uid !== 0 && ctx.ident.uid !== user.uid) return res(1, 'chage: Permission denied.');
    return { status: 0 };
  }
  if (changes.length === 0) {
    ctx.unknown(`chage ${name} asks for each aging value; what it reads without a terminal is not followed`, ['/etc/shadow']);
    setAging(acc, name, { unknown: true });
    return { status: 'unknown' };
  }
  const lock = lockFailure(ctx, 'chage', '/etc/passwd');
  if (lock) return res(1, ...lock);

  const aging: ShadowAging = {};
  for (const [key, field] of [['lastDay', 'lastChange'], ['expire', 'expire']] as const) {
    const v = last(p, key);
    if (v === undefined) continue;
    const day = shadowDate(v);
    if (typeof day === 'number') aging[field] = day;
    else aging.unknown = true;
  }
  if (has(p, 'maxDays')) aging.max = Number(last(p, 'maxDays'));
  if (has(p, 'inactive')) aging.inactive = Number(last(p, 'inactive'));
  setAging(acc, name, aging);

  return { status: 0 };
};

// ---------------------------------------------------------------- Debian adduser / addgroup

const DEBIAN_ADDUSER_SPEC: Record<string, string> = {
  system: 'system', group: 'group',
  'uid:': 'uid', 'gid:': 'gid', 'ingroup:': 'ingroup',
  'home:': 'home', 'no-create-home': 'noCreateHome', 'shell:': 'shell',
  'disabled-password': 'disabledPassword', 'disabled-login': 'disabledLogin',
  'gecos:': 'gecos', 'comment:': 'gecos',
  quiet: 'quiet', q: 'quiet', debug: 'debug', force: 'force',
  'force-badname': 'badname', 'allow-badname': 'badname', 'allow-bad-names': 'badname',
  'allow-all-names': 'allowAllNames',
  'firstuid:': 'firstUid', 'lastuid:': 'lastUid', 'firstgid:': 'firstGid', 'lastgid:': 'lastGid',
  'add-extra-groups': 'extra', 'add_extra_groups': 'extra',
  'conf:': 'conf', 'encrypt-home': 'encrypt', 'no-preserve-home': 'x',
};

function debianAddToGroup(ctx: ExecContext, prog: string, user: string, group: string): CmdResult {
  const acc = ctx.state.accounts;
  if (!userByName(acc, user)) return res(1, `${prog}: The user \`${user}' does not exist.`);
  const g = groupByName(acc, group);
  if (!g) return res(1, `${prog}: The group \`${group}' does not exist.`);
  if (g.members.includes(user)) {
    return { status: 0, stdout: `The user \`${user}' is already a member of \`${group}'.\n` };
  }
  addMember(g, user);

  return { status: 0, stdout: `Adding user \`${user}' to group \`${group}' ...\nDone.\n` };
}

/** NAME_REGEX and SYS_NAME_REGEX when adduser.conf sets none (AdduserCommon.pm, adduser 3.134). */
export const ADDUSER_NAME_REGEX = '^[a-z][a-z0-9_-]*\\$?$';
export const ADDUSER_SYS_NAME_REGEX = '^[a-z_][a-z0-9_-]*\\$?$';

/**
 * checkname() of Debian's adduser 3.134, for a new user's or group's name: all digits, more
 * than 32 bytes, or a first character `-+~` or any `:,/` or space are refused whatever the
 * options; a name NAME_REGEX (SYS_NAME_REGEX with --system) matches is taken; otherwise
 * --allow-all-names takes it, --allow-bad-names (--force-badname, --allow-badname) takes it
 * when it is an IEEE Std 1003.1 name (letters, digits, `_.@-`, a final `$`), and without
 * either adduser stops, exit 1, naming the variable (measured: `adduser John`, `jane.doe`,
 * `adduser --system Svc`, `addgroup Team`).
 */
function adduserNameCheck(prog: string, name: string, system: boolean, level: 0 | 1 | 2, defs: LoginDefs): CmdResult | undefined {
  const refuse = (...text: string[]) => res(1, `${prog}: ${text[0]}`, ...text.slice(1).map((l) => `            ${l}`));
  if (/^\d+$/.test(name)) {
    return refuse('To avoid ambiguity with numerical UIDs, usernames which', 'consist of only digits are not allowed.');
  }
  if (Buffer.byteLength(name) > 32) {
    return refuse(
      'Usernames must be no more than 32 bytes in length;',
      'note that if you are using Unicode characters, the character',
      'limit will be less than 32.',
    );
  }
  if (!/^[^-+~:,\s/][^:,\s/]*$/.test(name)) {
    return refuse(
      'To avoid problems, the username must not start with a',
      'dash, plus sign, or tilde, and it must not contain any of the',
      'following: colon, comma, slash, or any whitespace characters',
      'including spaces, tabs, and newlines.',
    );
  }
  const variable = system ? 'SYS_NAME_REGEX' : 'NAME_REGEX';
  const source = (system ? defs.adduserSysNameRegex : defs.adduserNameRegex) ?? (system ? ADDUSER_SYS_NAME_REGEX : ADDUSER_NAME_REGEX);
  let regex: RegExp | undefined;
  try {
    regex = new RegExp(source);
  } catch {
    // A Perl pattern JavaScript does not read: its verdict is not known, the name is let through.
    regex = undefined;
  }
  if (!regex || regex.test(name)) return undefined;
  if (level < 2 && !/^[_.A-Za-z0-9][-@_.A-Za-z0-9]*\$?$/.test(name)) {
    return refuse(
      'To avoid problems, the username should consist only of',
      'letters, digits, underscores, periods, at signs and dashes, and',
      'not start with a dash (as defined by IEEE Std 1003.1-2001). For',
      'compatibility with Samba machine accounts, $ is also supported',
      "at the end of the username.  (Use the `--allow-all-names' option",
      'to bypass this restriction.)',
    );
  }
  if (level > 0) return undefined;

  return refuse(
    'Please enter a username matching the regular expression',
    `configured via the ${variable} configuration variable.  Use the`,
    "`--allow-bad-names' option to relax this check or reconfigure",
    `${variable} in configuration.`,
  );
}

/**
 * Debian's adduser (perl, adduser 3.1xx): ids are the lowest free from FIRST_UID (1000) or
 * FIRST_SYSTEM_UID (100); the user group takes gid = uid when that gid is free; homes get
 * DIR_MODE from adduser.conf (Debian 12: 0700, Ubuntu 21.04+: 0750, older: 0755).
 */
function debianAdduser(ctx: ExecContext, argv: string[], groupOnly: boolean): CmdResult {
  const acc = ctx.state.accounts;
  const prog = groupOnly ? 'addgroup' : 'adduser';
  // Perl's Getopt::Long (without bundling) takes a long option after one dash too: the
  // official Mattermost Dockerfile runs `addgroup -gid ${PGID} mattermost`.
  const args = argv.slice(1).map((x) => {
    const m = /^-([a-z][a-z_-]+)(=.*)?$/.exec(x);
    return m && (Object.hasOwn(DEBIAN_ADDUSER_SPEC, m[1]) || Object.hasOwn(DEBIAN_ADDUSER_SPEC, `${m[1]}:`)) ? `-${x}` : x;
  });
  const p = getopt(args, DEBIAN_ADDUSER_SPEC);
  // Getopt::Long's words for a value missing at the end (measured: `adduser x --uid` prints
  // "Option uid requires an argument" and the usage, exit 1).
  if (p.bad && p.missingArgument) return res(1, `Option ${p.bad.replace(/^-+/, '')} requires an argument`);
  if (p.bad) return res(1, `${prog}: Unknown option: ${p.bad.replace(/^-+/, '')}`);
  // Getopt::Long's "=i" options take only a whole number: `--uid ${UID}` with UID empty takes
  // the next option as its value and refuses it, before anything is checked.
  for (const [key, option] of [['uid', 'uid'], ['gid', 'gid'], ['firstUid', 'firstuid'], ['lastUid', 'lastuid'], ['firstGid', 'firstgid'], ['lastGid', 'lastgid']]) {
    const bad = p.opts.get(key)?.find((v) => !/^[-+]?\d+$/.test(v));
    if (bad !== undefined) return res(1, `Value "${bad}" invalid for option ${option} (number expected)`);
  }

  if (ctx.ident.uid !== 0) return res(1, `${prog}: Only root may add a user or group to the system.`);

  if (p.operands.length === 2 && !groupOnly) return debianAddToGroup(ctx, prog, p.operands[0], p.operands[1]);
  if (p.operands.length === 2 && groupOnly) return debianAddToGroup(ctx, prog, p.operands[0], p.operands[1]);
  if (p.operands.length !== 1) return res(1, `${prog}: Only one or two names allowed.`);

  const name = p.operands[0];
  const system = has(p, 'system');
  const nameLevel = has(p, 'allowAllNames') ? 2 : has(p, 'badname') ? 1 : 0;
  const badName = adduserNameCheck(prog, name, system, nameLevel, acc.loginDefs);
  if (badName) return badName;
  const firstUid = Number(last(p, 'firstUid') ?? (system ? 100 : 1000));
  const lastUid = Number(last(p, 'lastUid') ?? (system ? 999 : 59999));
  const firstGid = Number(last(p, 'firstGid') ?? (system ? 100 : 1000));
  const lastGid = Number(last(p, 'lastGid') ?? (system ? 999 : 59999));

  if (groupOnly || (has(p, 'group') && !system)) {
    if (groupByName(acc, name)) {
      return system ? { status: 0 } : res(1, `${prog}: The group \`${name}' already exists.`);
    }
    let gid = last(p, 'gid') !== undefined ? parseId(last(p, 'gid')!) : undefined;
    if (gid !== undefined && groupByGid(acc, gid)) return res(1, `${prog}: The GID ${gid} is already in use.`);
    gid ??= lowestFreeId(allGids(acc), firstGid, lastGid);
    acc.group.push({ name, gid, members: [] });
    return { status: 0, stdout: `Adding group \`${name}' (GID ${gid}) ...\nDone.\n` };
  }

  const existing = userByName(acc, name);
  if (existing) {
    // A system user that already exists as a system user is not an error (adduser's policy).
    if (system && existing.uid >= 100 && existing.uid <= 999) return { status: 0 };
    return res(1, `${prog}: The user \`${name}' already exists.`);
  }

  let uid = last(p, 'uid') !== undefined ? parseId(last(p, 'uid')!) : undefined;
  if (uid !== undefined && userByUid(acc, uid)) return res(1, `${prog}: The UID ${uid} is already in use.`);

  // The primary group: --ingroup/--gid name an existing one; otherwise a user group (normal
  // users and `--system --group`), or nogroup for a plain system user.
  let gid: number;
  let newGroup = false;
  const ingroup = last(p, 'ingroup');
  const gidText = last(p, 'gid');
  if (ingroup !== undefined) {
    const g = groupByName(acc, ingroup);
    if (!g) return res(1, `${prog}: The group \`${ingroup}' does not exist.`);
    gid = g.gid;
  } else if (gidText !== undefined) {
    const g = groupRef(acc, gidText);
    if (!g) return res(1, `${prog}: The GID ${gidText} does not exist.`);
    gid = g.gid;
  } else if (system && !has(p, 'group')) {
    gid = groupByName(acc, 'nogroup')?.gid ?? 65534;
  } else if (system && groupByName(acc, name)) {
    // --system --group takes a group of that name that is already there (existing_group_ok
    // in adduser; measured with Debian 12's: addgroup --system django, then adduser --system
    // --group django, builds).
    gid = groupByName(acc, name)!.gid;
  } else {
    if (groupByName(acc, name)) {
      return res(1, `${prog}: The group \`${name}' already exists.`);
    }
    newGroup = true;
    gid = -1;
  }

  uid ??= lowestFreeId(allUids(acc), firstUid, lastUid);
  if (uid < 0) return res(1, `${prog}: No UID is available in the range ${firstUid}-${lastUid}.`);
  if (newGroup) {
    gid = !groupByGid(acc, uid) ? uid : lowestFreeId(allGids(acc), firstGid, lastGid);
    acc.group.push({ name, gid, members: [] });
  }

  // Debian 12's adduser gives system users /nonexistent and nologin unless told otherwise.
  const home = normalizePath(last(p, 'home') ?? (system ? '/nonexistent' : `/home/${name}`));
  const shell = last(p, 'shell') ?? (system ? '/usr/sbin/nologin' : '/bin/bash');
  acc.passwd.push({ name, uid, gid, gecos: last(p, 'gecos') ?? '', home, shell });

  // Debian 12's adduser (3.134, DIR_MODE 0700) also puts new normal users in the group `users`
  // (USERS_GROUP); measured in the oracle suite. Older adduser releases do not. An image read
  // for real says which from its adduser.conf (adduserUsersGroup); the catalog's Debian 12 is
  // told by its DIR_MODE.
  const usersName = acc.loginDefs.adduserUsersGroup ?? (acc.loginDefs.adduserDirMode === 0o700 ? 'users' : '');
  const users = usersName === '' ? undefined : groupByName(acc, usersName);
  if (!system && users && !users.members.includes(name)) users.members.push(name);

  if (has(p, 'disabledPassword') || has(p, 'disabledLogin') || system) {
    acc.passwords[name] = has(p, 'disabledLogin') ? 'locked' : 'none';
  } else if (ctx.stdin !== undefined && ctx.stdin.trim() !== '') {
    acc.passwords[name] = 'set';
  } else {
    // adduser runs passwd, which finds no terminal; adduser then carries on with no password.
    acc.passwords[name] = 'none';
    ctx.state.assumptions.push({
      id: `adduser-no-password:${name}:${ctx.line}`,
      subject: name,
      text: `adduser asked for a password with no terminal; ${name} is left without one`,
      confidence: 'medium',
      file: ctx.file,
      line: ctx.line,
    });
  }

  const stdout = [`Adding user \`${name}' ...`];
  const noHome = has(p, 'noCreateHome') || home === '/nonexistent';
  if (!noHome) {
    if (ctx.state.fs.has(home)) {
      stdout.push(`The home directory \`${home}' already exists.  Not copying from \`/etc/skel'.`);
    } else {
      const mode = system ? 0o755 : (acc.loginDefs.adduserDirMode ?? 0o755);
      makeHome(ctx, home, uid, gid, mode, system ? undefined : '/etc/skel');
    }
  }

  return { status: 0, stdout: `${stdout.join('\n')}\n` };
}

// ---------------------------------------------------------------- BusyBox adduser / addgroup

/** BusyBox addgroup (loginutils/addgroup.c): lowest free gid from 1000, or 100-999 with -S. */
function busyboxAddgroup(ctx: ExecContext, argv: string[]): CmdResult {
  const acc = ctx.state.accounts;
  const p = getopt(argv.slice(1), BUSYBOX_ADDGROUP_SPEC);
  if (p.bad || p.operands.length < 1 || p.operands.length > 2) {
    return res(1, 'Usage: addgroup [-g GID] [-S] [USER] GROUP');
  }
  if (ctx.ident.uid !== 0) return res(1, 'addgroup: permission denied (are you root?)');

  if (p.operands.length === 2) {
    const [user, group] = p.operands;
    if (!userByName(acc, user)) return res(1, `addgroup: unknown user ${user}`);
    const g = groupByName(acc, group);
    if (!g) return res(1, `addgroup: unknown group ${group}`);
    if (g.members.includes(user)) return res(1, `addgroup: user '${user}' is already in group '${group}'`);
    addMember(g, user);
    return { status: 0 };
  }

  const name = p.operands[0];
  if (groupByName(acc, name)) return res(1, `addgroup: group '${name}' in use`);
  const gText = last(p, 'gid');
  let gid: number;
  if (gText !== undefined) {
    const n = parseId(gText);
    if (n === undefined || n < 0) return res(1, `addgroup: invalid number '${gText}'`);
    if (groupByGid(acc, n)) return res(1, `addgroup: gid '${n}' in use`);
    gid = n;
  } else {
    const system = has(p, 'system');
    gid = lowestFreeId(allGids(acc), system ? 100 : 1000, system ? 999 : 60000);
    if (gid < 0) return res(1, 'addgroup: no gids left');
  }
  acc.group.push({ name, gid, members: [] });

  return { status: 0 };
}

/**
 * BusyBox adduser (loginutils/adduser.c): uid = first free from 1000 (system: 100-999) whose
 * gid is free too when a group is made; group = new one with gid = uid, or -G's, or nogroup for
 * -S, of which the user is then also listed as a member; home chowned and set to 02755 even when
 * it already existed; -S implies -D.
 */
function busyboxAdduser(ctx: ExecContext, argv: string[]): CmdResult {
  const acc = ctx.state.accounts;
  const p = getopt(argv.slice(1), BUSYBOX_ADDUSER_SPEC);
  if (p.bad || p.operands.length < 1 || p.operands.length > 2) {
    return res(1, 'Usage: adduser [OPTIONS] USER [GROUP]');
  }
  if (ctx.ident.uid !== 0) return res(1, 'adduser: permission denied (are you root?)');

  if (p.opts.size === 0 && p.operands.length === 2) {
    return busyboxAddgroup(ctx, ['addgroup', p.operands[0], p.operands[1]]);
  }

  const name = p.operands[0];
  const system = has(p, 'system');
  let usegroup = last(p, 'group');
  if (system && usegroup === undefined) usegroup = 'nogroup';

  let gid: number | undefined;
  if (usegroup !== undefined) {
    const g = groupRef(acc, usegroup);
    if (!g) return res(1, `adduser: unknown group ${usegroup}`);
    gid = g.gid;
  }

  if (userByName(acc, name)) return res(1, `adduser: user '${name}' in use`);

  const uidText = last(p, 'uid');
  let uid = uidText !== undefined ? parseId(uidText) ?? -1 : system ? 100 : 1000;
  const max = system ? 999 : 60000;
  const taken = (id: number) => userByUid(acc, id) !== undefined || (gid === undefined && groupByGid(acc, id) !== undefined);
  while (taken(uid)) {
    if (uidText !== undefined) return res(1, `adduser: uid '${uid}' in use`);
    if (uid === max) return res(1, 'adduser: no uids left');
    uid += 1;
  }

  if (gid === undefined) {
    if (groupByName(acc, name)) return res(1, `adduser: group '${name}' in use`);
    gid = uid;
    acc.group.push({ name, gid, members: [] });
  }

  // New users inherit the caller's login shell unless -s (get_shell_name(): $SHELL, else passwd).
  const callerShell = ctx.env.get('SHELL') || userByUid(acc, ctx.ident.uid)?.shell || '/bin/sh';
  const shell = last(p, 'shell') ?? (system ? '/bin/false' : callerShell);
  const home = normalizePath(last(p, 'home') ?? `/home/${name}`);
  acc.passwd.push({ name, uid, gid, gecos: last(p, 'gecos') ?? 'Linux User,,,', home, shell });
  acc.passwords[name] = 'none';
  // addgroup_wrapper then runs `addgroup -- USER GROUP` for -G's group (nogroup for -S), which
  // lists the user as a member even though it is the primary group.
  if (usegroup !== undefined) {
    const g = groupRef(acc, usegroup);
    if (g && !g.members.includes(name)) g.members.push(name);
  }

  if (!has(p, 'noHome')) {
    const fresh = !ctx.state.fs.has(home);
    mkdirp(ctx.state.fs, parentOf(home), { uid: 0, gid: 0, mode: 0o755, origin: ctx.origin });
    if (fresh) {
      setMeta(ctx, home, { kind: 'dir', uid, gid, mode: 0o755 });
      const skel = last(p, 'skel') ?? '/etc/skel';
      if (ctx.state.fs.get(skel)?.kind === 'dir') copySkel(ctx, skel, home, uid, gid);
    }
    const m = ctx.state.fs.get(home)!;
    setMeta(ctx, home, { ...m, uid, gid, mode: 0o2755 });
  }

  if (!has(p, 'noPass') && !system) {
    // adduser execs passwd, which needs a terminal the build does not have.
    ctx.unknown(`BusyBox adduser without -D runs passwd interactively for ${name}`, ['/etc/shadow']);
    return { status: 'unknown' };
  }

  return { status: 0 };
}

const isBusybox = (ctx: ExecContext): boolean => ctx.state.distro === 'alpine' || ctx.state.distro === 'distroless';

const adduser: CommandHandler = (ctx, argv) =>
  isBusybox(ctx) ? busyboxAdduser(ctx, argv) : debianAdduser(ctx, argv, false);

const addgroup: CommandHandler = (ctx, argv) =>
  isBusybox(ctx) ? busyboxAddgroup(ctx, argv) : debianAdduser(ctx, argv, true);

/** deluser/delgroup: BusyBox's and Debian's both remove the entry; Debian's can drop the home. */
const deluser: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  const p = getopt(argv.slice(1), DELUSER_SPEC);
  const prog = argv[0].replace(/^.*\//, '');
  if (ctx.ident.uid !== 0) {
    return isBusybox(ctx)
      ? res(1, `${prog}: permission denied (are you root?)`)
      : res(1, `${prog}: Only root may remove a user or group from the system.`);
  }

  if (p.operands.length === 2) {
    const [user, group] = p.operands;
    const g = groupByName(acc, group);
    if (!g || !g.members.includes(user)) {
      return res(1, `${prog}: The user \`${user}' is not a member of group \`${group}'.`);
    }
    g.members = g.members.filter((m) => m !== user);
    return { status: 0 };
  }

  const name = p.operands[0] ?? '';
  if (prog === 'delgroup') {
    const g = groupByName(acc, name);
    if (!g) return res(1, `${prog}: The group \`${name}' does not exist.`);
    acc.group = acc.group.filter((e) => e !== g);
    return { status: 0 };
  }

  const user = userByName(acc, name);
  if (!user) return res(isBusybox(ctx) ? 1 : 2, `${prog}: The user \`${name}' does not exist.`);
  acc.passwd = acc.passwd.filter((e) => e !== user);
  delete acc.passwords[name];
  for (const g of acc.group) g.members = g.members.filter((m) => m !== name);
  const own = groupByName(acc, name);
  if (own && own.gid === user.gid && !acc.passwd.some((e) => e.gid === own.gid)) {
    acc.group = acc.group.filter((e) => e !== own);
  }
  if (has(p, 'removeHome') && user.home !== '/' && ctx.state.fs.has(user.home)) {
    removeTree(ctx.state.fs, user.home);
  }

  return { status: 0 };
};

/**
 * Whether shadow's `name` (useradd, groupadd, ...) is missing: Alpine's BusyBox has only the
 * adduser/addgroup/deluser/delgroup applets (plus passwd and chpasswd) until `apk add shadow`.
 * Only said of catalog bases, whose contents are known; a command file copied in counts.
 */
export function lacksShadowTool(state: ImageState, name: string): boolean {
  if (state.distro !== 'alpine' || Object.hasOwn(state.packages, 'shadow')) return false;
  // A catalog Alpine, or the Alpine guess for an unknown image: what an archive or an engine
  // gave is read for real instead.
  if (!state.provenance.some((p) => p.source === 'catalog' || p.source === 'assumption')) return false;

  return !['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => resolvePath(state.fs, `${d}/${name}`).meta);
}

/** A shadow tool that a BusyBox base runs only once the shadow package is installed. */
function shadowTool(handler: CommandHandler): CommandHandler {
  return (ctx, argv) => {
    const name = argv[0].slice(argv[0].lastIndexOf('/') + 1);
    return lacksShadowTool(ctx.state, name) ? notFound(ctx, argv[0]) : handler(ctx, argv);
  };
}

export const handlers: Record<string, CommandHandler> = {
  useradd: shadowTool(useradd),
  usermod: shadowTool(usermod),
  userdel: shadowTool(userdel),
  groupadd: shadowTool(groupadd),
  groupdel: shadowTool(groupdel),
  groupmod: shadowTool(groupmod),
  gpasswd: shadowTool(gpasswd),
  chpasswd,
  passwd,
  chage: shadowTool(chage),
  adduser,
  addgroup,
  deluser,
  delgroup: deluser,
};
