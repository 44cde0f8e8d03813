// Users and groups as /etc/passwd and /etc/group define them, and the id lookups that container
// engines and shadow's tools perform on them.

import type { Accounts, GroupEntry, LoginDefs, PasswdEntry, ShadowAging } from '../model/types.js';

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];

  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0], uid, gid, gecos: f[4], home: f[5], shell: f.slice(6).join(':') });
  }

  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];

  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ name: f[0], gid, members: f[3] ? f[3].split(',').filter(Boolean) : [] });
  }

  return out;
}

export function formatPasswd(entries: PasswdEntry[]): string {
  return entries.map((e) => `${e.name}:x:${e.uid}:${e.gid}:${e.gecos}:${e.home}:${e.shell}\n`).join('');
}

export function formatGroup(entries: GroupEntry[]): string {
  return entries.map((g) => `${g.name}:x:${g.gid}:${g.members.join(',')}\n`).join('');
}

/** Defaults of shadow's useradd when login.defs says nothing (shadow's getdef.c). */
export const SHADOW_DEFAULTS: LoginDefs = {
  uidMin: 1000,
  uidMax: 60000,
  gidMin: 1000,
  gidMax: 60000,
  sysUidMin: 101,
  sysUidMax: 999,
  sysGidMin: 101,
  sysGidMax: 999,
  umask: 0o022,
  usergroupsEnab: true,
  defaultShell: '/bin/sh',
};

/**
 * /etc/adduser.conf as Debian's adduser reads it: shell assignments, the last one of a name
 * winning (quotes taken off), and, apart, the defaults adduser 3.124 on writes into its own file
 * as comments (`# Default: DIR_MODE=0700`, `# Default: USERS_GID=undefined, USERS_GROUP=users`),
 * which hold whenever the assignment itself is commented out, as Debian 12 ships it.
 */
export function readAdduserConf(text: string): { assigned: Record<string, string>; documented: Record<string, string> } {
  const assigned: Record<string, string> = {};
  const documented: Record<string, string> = {};

  for (const raw of text.split('\n')) {
    const doc = /^\s*#\s*Default:\s*(.*)$/.exec(raw);
    if (doc) {
      for (const m of doc[1].matchAll(/([A-Z_]+)=("[^"]*"|'[^']*'|[^,\s]*)/g)) documented[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
      continue;
    }
    const set = /^\s*([A-Z_]+)\s*=\s*("[^"]*"|'[^']*'|\S*)\s*$/.exec(raw);
    if (set) assigned[set[1]] = set[2].replace(/^(["'])(.*)\1$/, '$2');
  }

  return { assigned, documented };
}

/**
 * The defaults of Debian 12's adduser (3.134): homes 0700 (DIR_MODE, since 3.123) and new normal
 * users added to `users` (USERS_GROUP, since 3.124; adduser's NEWS.Debian). For a Debian 12
 * image whose adduser.conf does not document its defaults (or that has none yet).
 */
export const ADDUSER_BOOKWORM_DEFAULTS: Readonly<Record<string, string>> = { DIR_MODE: '0700', USERS_GROUP: 'users' };

/**
 * What adduser.conf decides for new users: the home mode (DIR_MODE) and the group adduser adds
 * each new normal user to. The defaults are the ones the file documents, else `builtIn` (the
 * release's, when known). An adduser whose defaults name no USERS_GROUP (before 3.124) adds none
 * with USERGROUPS=yes; neither does USERGROUPS=no (users is then the primary group) or
 * USERS_GID=-1 (adduser.conf(5)). A numeric USERS_GID names its group.
 */
export function adduserDefs(text: string | undefined, builtIn: Readonly<Record<string, string>> | undefined, groups: GroupEntry[]): Pick<LoginDefs, 'adduserDirMode' | 'adduserUsersGroup' | 'adduserNameRegex' | 'adduserSysNameRegex'> {
  const conf = readAdduserConf(text ?? '');
  const defaults = Object.keys(conf.documented).length > 0 ? conf.documented : builtIn ?? {};
  const value = (key: string): string | undefined => conf.assigned[key] ?? (defaults[key] === 'undefined' ? undefined : defaults[key]);
  const out: Pick<LoginDefs, 'adduserDirMode' | 'adduserUsersGroup' | 'adduserNameRegex' | 'adduserSysNameRegex'> = {};
  // The name patterns of checkname(), when the file sets them; adduser's own otherwise.
  if (conf.assigned.NAME_REGEX !== undefined) out.adduserNameRegex = conf.assigned.NAME_REGEX;
  if (conf.assigned.SYS_NAME_REGEX !== undefined) out.adduserSysNameRegex = conf.assigned.SYS_NAME_REGEX;

  const mode = value('DIR_MODE');
  if (mode !== undefined && /^0?[0-7]{3,4}$/.test(mode)) out.adduserDirMode = parseInt(mode, 8);

  const gid = value('USERS_GID');
  if (!('USERS_GROUP' in defaults) || value('USERGROUPS')?.toLowerCase() === 'no' || gid === '-1') out.adduserUsersGroup = '';
  else if (gid !== undefined && /^\d+$/.test(gid)) out.adduserUsersGroup = groups.find((g) => g.gid === Number(gid))?.name ?? '';
  else out.adduserUsersGroup = value('USERS_GROUP') ?? '';

  return out;
}

/** Read the keys of /etc/login.defs that matter here, on top of the given defaults. */
export function parseLoginDefs(text: string, base: LoginDefs = SHADOW_DEFAULTS): LoginDefs {
  const out: LoginDefs = { ...base };
  const num = (v: string) => (v.startsWith('0') && v.length > 1 ? parseInt(v, 8) : parseInt(v, 10));
  const seen = new Set<string>();

  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [key, value] = line.split(/\s+/, 2);
    if (value === undefined) continue;
    const n = num(value);

    switch (key) {
      case 'UID_MIN': out.uidMin = n; break;
      case 'UID_MAX': out.uidMax = n; break;
      case 'GID_MIN': out.gidMin = n; break;
      case 'GID_MAX': out.gidMax = n; break;
      case 'SYS_UID_MIN': out.sysUidMin = n; break;
      case 'SYS_UID_MAX': out.sysUidMax = n; break;
      case 'SYS_GID_MIN': out.sysGidMin = n; break;
      case 'SYS_GID_MAX': out.sysGidMax = n; break;
      case 'UMASK': out.umask = n; break;
      case 'HOME_MODE': out.homeMode = n; break;
      case 'USERGROUPS_ENAB': out.usergroupsEnab = value.toLowerCase() === 'yes'; break;
      default: break;
    }
    seen.add(key);
  }
  // get_ranges() of find_new_uid.c/find_new_gid.c: without SYS_UID_MAX (commented out in
  // Debian's file) the system range ends one below UID_MIN; the same for groups. Text appended
  // to a file read before keeps an earlier SYS_UID_MAX that differs from that.
  if (seen.has('UID_MIN') && !seen.has('SYS_UID_MAX') && base.sysUidMax === base.uidMin - 1) out.sysUidMax = out.uidMin - 1;
  if (seen.has('GID_MIN') && !seen.has('SYS_GID_MAX') && base.sysGidMax === base.gidMin - 1) out.sysGidMax = out.gidMin - 1;

  return out;
}

export function userByName(acc: Accounts, name: string): PasswdEntry | undefined {
  return acc.passwd.find((e) => e.name === name);
}

/** The first passwd entry with this uid, as getpwuid(3) returns it. */
export function userByUid(acc: Accounts, uid: number): PasswdEntry | undefined {
  return acc.passwd.find((e) => e.uid === uid);
}

export function groupByName(acc: Accounts, name: string): GroupEntry | undefined {
  return acc.group.find((g) => g.name === name);
}

export function groupByGid(acc: Accounts, gid: number): GroupEntry | undefined {
  return acc.group.find((g) => g.gid === gid);
}

/** Groups that list the user as a member (the supplementary groups initgroups(3) would add). */
export function memberGroups(acc: Accounts, userName: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  // A loop rather than filter: this runs for every RUN step's user.
  for (const g of acc.group) if (g.members.length > 0 && g.members.includes(userName)) out.push(g);

  return out;
}

/**
 * What getgrouplist(3) gives for a user: the gid it is given, then every /etc/group line that
 * names the user (initgroups(3) sets the same list).
 */
export function groupList(acc: Accounts, userName: string, gid: number): number[] {
  const out = [gid];
  for (const g of memberGroups(acc, userName)) if (!out.includes(g.gid)) out.push(g.gid);

  return out;
}

/** A decimal id as Go's strconv.Atoi reads it ("00" is 0, "+5" and "0x1" are not numbers). */
export function parseId(text: string): number | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const n = Number(text);

  return Number.isSafeInteger(n) ? n : undefined;
}

export interface ExecUser {
  uid: number;
  gid: number;
  /** Supplementary gids from /etc/group (primary gid not included). */
  supplementary: number[];
  name?: string;
  home: string;
  hasPasswdEntry: boolean;
}

export type ExecUserResult = { ok: true; user: ExecUser } | { ok: false; error: string };

const ROOT_IDS = { uid: 0, gid: 0 };

/** The largest id moby/sys user accepts (maxID = 1<<31 - 1, "for 32-bit systems compatibility"). */
export const MAX_EXEC_ID = 2 ** 31 - 1;

/** moby/sys user.ErrRange, returned for a numeric uid or gid outside 0..MAX_EXEC_ID. */
export const ID_RANGE_ERROR = `uids and gids must be in range 0-${MAX_EXEC_ID}`;

const INT64_MAX = 2n ** 63n - 1n;

/**
 * A user or group field as Go's strconv.Atoi reads it on a 64-bit build: an optional sign and
 * decimal digits. Text that Atoi rejects (letters, or past int64) is a name, not a number.
 */
function goAtoi(text: string): number | bigint | undefined {
  // Plain digits short enough to be exact as a number (every real id): no BigInt to make.
  const len = text.length;
  if (len > 0 && len <= 15) {
    let digits = true;
    for (let i = 0; i < len && digits; i++) digits = text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57;
    if (digits) return Number(text);
  }
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = BigInt(text);

  return n > INT64_MAX || n < -INT64_MAX - 1n ? undefined : n;
}

const MAX_EXEC_BIG = BigInt(MAX_EXEC_ID);
const SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
// A number is compared with a number: comparing it with a BigInt takes V8's slow runtime path.
const inIdRange = (n: number | bigint) =>
  typeof n === 'number' ? n >= 0 && n <= MAX_EXEC_ID : n >= 0n && n <= MAX_EXEC_BIG;

/** The value as a number when it is one exactly; NaN (equal to nothing) otherwise. */
const sameNumber = (n: number | bigint) =>
  typeof n === 'number' ? n : n >= -SAFE_BIG && n <= SAFE_BIG ? Number(n) : NaN;

/**
 * A numeric uid/gid as the engines take it: the id, 'range' for a number outside
 * 0..2147483647 (refused with ID_RANGE_ERROR), or undefined for a name.
 */
export function execId(text: string): number | 'range' | undefined {
  const n = goAtoi(text);
  if (n === undefined) return undefined;

  return inIdRange(n) ? Number(n) : 'range';
}

/**
 * Resolve a USER / `--user` spec the way the engines do (moby/sys user.GetExecUser, used by
 * Docker, BuildKit and runc; buildah's chrootuser follows the same rules):
 * - only the first two ':' fields count (user, group); an empty user part keeps the default,
 *   uid 0, and takes root's passwd entry when there is one (":1000" runs as 0:1000).
 * - "name" or "uid": the passwd entry gives uid, primary gid and home; supplementary groups are
 *   the /etc/group lines naming the user. A uid with no entry runs with gid 0 and HOME=/.
 * - "x:group": the group is looked up by name or gid (a number with no entry is used as is),
 *   and NO supplementary groups are added.
 * - a numeric id with no entry must lie in 0..2147483647, else ErrRange; "-1" and
 *   "4294967296" are numbers to Atoi, so they fail with that error rather than as names.
 * `current` is the defaults GetExecUser starts from: the engines pass root (0:0); gosu passes
 * the ids it runs with (tianon/gosu setup-user.go), so a uid with no entry keeps that gid.
 */
export function resolveExecUser(acc: Accounts, spec: string, current: { uid: number; gid: number } = ROOT_IDS): ExecUserResult {
  // Only the first two fields count; indexOf rather than split, as this runs for every RUN.
  const colon = spec.indexOf(':');
  const userArg = colon === -1 ? spec : spec.slice(0, colon);
  const second = colon === -1 ? -1 : spec.indexOf(':', colon + 1);
  const groupArg = colon === -1 ? '' : second === -1 ? spec.slice(colon + 1) : spec.slice(colon + 1, second);
  const uidArg = goAtoi(userArg);
  let entry: PasswdEntry | undefined;

  if (userArg === '') entry = userByUid(acc, current.uid);
  else if (uidArg !== undefined) entry = userByUid(acc, sameNumber(uidArg));
  else entry = userByName(acc, userArg);

  let uid = current.uid;
  if (entry) uid = entry.uid;
  else if (userArg !== '') {
    if (uidArg === undefined) {
      return { ok: false, error: `unable to find user ${userArg}: no matching entries in passwd file` };
    }
    if (!inIdRange(uidArg)) return { ok: false, error: ID_RANGE_ERROR };
    uid = Number(uidArg);
  }

  let gid = entry ? entry.gid : current.gid;
  let supplementary: number[] = [];

  if (groupArg !== '') {
    const gidArg = goAtoi(groupArg);
    const g = gidArg !== undefined
      ? groupByGid(acc, sameNumber(gidArg))
      : groupByName(acc, groupArg);
    if (g) gid = g.gid;
    else if (gidArg === undefined) {
      return { ok: false, error: `unable to find group ${groupArg}: no matching entries in group file` };
    } else if (!inIdRange(gidArg)) return { ok: false, error: ID_RANGE_ERROR };
    else gid = Number(gidArg);
  } else if (entry) {
    for (const g of memberGroups(acc, entry.name)) {
      if (g.gid !== gid && !supplementary.includes(g.gid)) supplementary.push(g.gid);
    }
  }

  return {
    ok: true,
    user: {
      uid,
      gid,
      supplementary,
      name: entry?.name,
      home: entry?.home ?? '/',
      hasPasswdEntry: entry !== undefined,
    },
  };
}

/**
 * The id shadow's useradd/groupadd pick when none is given (find_new_uid.c / find_new_gid.c,
 * shadow 4.13 as Debian 12 ships it; the same search for uids and gids):
 * - normal accounts: one above the highest id in use within [min, max] (min when none is);
 *   past max, the lowest free id from min upwards;
 * - system accounts: one below the LOWEST id in use within [min, max] (max when none is), so a
 *   gap above a taken id is not reused (`useradd -r -u 990 a && useradd -r b` gives b 989, not
 *   999); below min, the highest free id from max downwards;
 * - ids that also mean -1 to 16- or 32-bit callers (65535, 4294967295) are never picked
 *   (check_uid's EINVAL).
 * -1 when the range has no free id ("Can't get unique UID").
 */
export function nextFreeId(used: number[], min: number, max: number, system: boolean): number {
  const taken = new Set(used);
  const free = (id: number) => !taken.has(id) && id !== 65535 && id !== 4294967295;

  if (system) {
    let lowest = max;
    for (const u of used) if (u <= lowest && u >= min) lowest = u - 1;
    if (lowest < min) lowest = max;
    for (let id = lowest; id >= min; id--) if (free(id)) return id;
    if (lowest !== max) for (let id = max; id > lowest; id--) if (free(id)) return id;
    return -1;
  }

  let highest = min;
  for (const u of used) if (u >= highest && u <= max) highest = u + 1;
  if (highest > max) highest = min;
  for (let id = highest; id <= max; id++) if (free(id)) return id;
  if (highest !== min) for (let id = min; id < highest; id++) if (free(id)) return id;

  return -1;
}

/**
 * The gid useradd gives a new user's own group (find_new_gid with the uid as the preferred id):
 * the uid itself when no group has it and it lies within [preferred minimum, max], where the
 * minimum is 1 for a system account (get_ranges: "A requested ID is allowed to be below the
 * autoselect range") and GID_MIN otherwise; else the search of nextFreeId.
 */
export function userGroupGid(usedGids: number[], uid: number, min: number, max: number, system: boolean): number {
  const preferredMin = system ? 1 : min;
  if (uid >= preferredMin && uid <= max && uid !== 65535 && !usedGids.includes(uid)) return uid;

  return nextFreeId(usedGids, min, max, system);
}

/** The lowest free id counting up from min: Debian's adduser and BusyBox adduser allocate so. */
export function lowestFreeId(used: number[], min: number, max: number): number {
  const taken = new Set(used);
  for (let id = min; id <= max; id++) if (!taken.has(id)) return id;

  return -1;
}

export function cloneAccounts(acc: Accounts): Accounts {
  // Field-by-field literals: about twice as fast as spreads here, and every entry gets the one
  // shared shape (V8 12, measured). Keys in the order the parsers and commands create them.
  const passwd: PasswdEntry[] = [];
  for (const e of acc.passwd) {
    passwd.push({ name: e.name, uid: e.uid, gid: e.gid, gecos: e.gecos, home: e.home, shell: e.shell });
  }
  // slice() copies an array about twice as fast as a spread (V8 12).
  const group: GroupEntry[] = [];
  for (const g of acc.group) group.push({ name: g.name, gid: g.gid, members: g.members.slice() });

  return {
    passwd,
    group,
    // useradd and passwd add names: a spread copy makes each addition cost ~1 us (see copyRecord).
    passwords: Object.assign({}, acc.passwords),
    ...(acc.aging ? { aging: cloneAging(acc.aging) } : {}),
    loginDefs: { ...acc.loginDefs },
  };
}

function cloneAging(aging: Record<string, ShadowAging>): Record<string, ShadowAging> {
  const out: Record<string, ShadowAging> = {};
  for (const name in aging) out[name] = { ...aging[name] };

  return out;
}

/** What `id` prints for a process: uid=1000(alice) gid=1000(alice) groups=1000(alice),27(sudo) */
export function formatId(acc: Accounts, uid: number, gid: number, groups: number[]): string {
  const u = userByUid(acc, uid);
  const g = groupByGid(acc, gid);
  const name = (id: number) => {
    const e = groupByGid(acc, id);

    return e ? `${id}(${e.name})` : `${id}`;
  };

  return (
    `uid=${uid}${u ? `(${u.name})` : ''} gid=${gid}${g ? `(${g.name})` : ''} ` +
    `groups=${groups.map(name).join(',')}`
  );
}

// ---------------------------------------------------------------- shadow aging and PAM

/** Today in days since 1970-01-01, as shadow (gettime()/DAY) and pam_unix (time()/86400) count. */
export function today(now: number = Date.now()): number {
  return Math.floor(now / 86400000);
}

/**
 * A date as shadow's strtoday() reads it for `-e`/`-E`/`-d`: empty is -1 (the field emptied),
 * a number (optionally negative) is days since the epoch, `YYYY-MM-DD` that day (UTC, the
 * containers' zone); 'unknown' for the other forms get_date() takes; 'invalid' for text that is
 * no date at all, which the tools refuse.
 */
export function shadowDate(text: string): number | 'unknown' | 'invalid' {
  if (text === '') return -1;
  if (/^-? *\d+$/.test(text)) return Number(text.replace(/ /g, ''));
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) {
    const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const d = new Date(t);
    if (d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return 'invalid';
    return Math.floor(t / 86400000);
  }
  // get_date() also reads month names, relative days ("tomorrow", "+1 week"), times of day.
  return /[a-z]/i.test(text) || /[/:]/.test(text) ? 'unknown' : 'invalid';
}

/** Set aging fields of an account, making its record when it has none. */
export function setAging(acc: Accounts, name: string, fields: ShadowAging): void {
  acc.aging ??= {};
  acc.aging[name] = { ...acc.aging[name], ...fields };
}

export type AccountCheck =
  | { result: 'ok' }
  | { result: 'unknown'; why: string }
  | { result: 'expired' | 'authtok-expired' | 'new-authtok'; message: string };

/**
 * pam_unix's account check (pam_unix_acct.c and passverify.c check_shadow_expiry, Linux-PAM
 * 1.5): the account has expired when today >= its expire day (PAM_ACCT_EXPIRED); a last
 * change of 0 asks for a new password at once ("administrator enforced",
 * PAM_NEW_AUTHTOK_REQD); a change dated in the future passes; past max + inactive days the
 * password has expired for good (PAM_AUTHTOK_EXPIRED); past max days it must be changed
 * ("password expired"). Each prints its remark before su fails.
 */
export function pamAccountCheck(acc: Accounts, name: string, day: number = today()): AccountCheck {
  const a = acc.aging?.[name];
  if (!a) return { result: 'ok' };
  if (a.unknown) return { result: 'unknown', why: `the aging fields of ${name} in /etc/shadow are not known` };
  const expired = 'Your account has expired; please contact your system administrator.';
  if (a.expire !== undefined && a.expire !== -1 && day >= a.expire) return { result: 'expired', message: expired };
  if (a.lastChange === 0) {
    return { result: 'new-authtok', message: 'You are required to change your password immediately (administrator enforced).' };
  }
  const max = a.max ?? -1;
  if (max === -1) return { result: 'ok' };
  if (a.lastChange === undefined) return { result: 'unknown', why: `the last password change of ${name} is not known` };
  if (day < a.lastChange) return { result: 'ok' };
  const inactive = a.inactive ?? -1;
  const since = day - a.lastChange;
  if (inactive !== -1 && since > max && since > inactive && since > max + inactive) return { result: 'authtok-expired', message: expired };
  if (since > max) return { result: 'new-authtok', message: 'You are required to change your password immediately (password expired).' };

  return { result: 'ok' };
}
