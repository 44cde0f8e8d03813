// Security-relevant settings read back from the config texts the build wrote: sudo rules
// (sudoers and sudoers.d), sshd's login settings and Jupyter's server settings. Pure: everything
// comes from ImageState.texts and the file-metadata tree.

import { afterInit } from '../../runtime/inits.js';
import type {
  FileMeta,
  FsTree,
  ImageState,
  JupyterSettings,
  SshdInclude,
  SshdMatchBlock,
  SshdSettings,
  SudoRule,
} from '../../model/types.js';
import { baseName, isUnder, normalizePath, parentOf, resolvePath } from '../../image/fs.js';
import { groupByGid, groupByName, userByName } from '../../image/accounts.js';
import { expandWordStatic, globMatch } from '../words.js';
import { parseShell } from '../parse.js';
import { pythonUserBase } from './packages.js';

// ---------------------------------------------------------------- sudoers

/** A `Defaults` or `Defaults:users` line that sets the authenticate flag. */
export interface SudoDefault {
  /** The user list of `Defaults:list` (aliases expanded); undefined for a global Defaults. */
  users?: string[];
  authenticate: boolean;
  file: string;
  line?: number;
}

/**
 * A `Defaults` setting of the command's environment (env_reset, secure_path, setenv, umask,
 * umask_override, env_keep, always_set_home): `name` (on), `!name` (off), `name=value`,
 * `name+=value`, `name-=value`.
 */
export interface SudoEnvSetting {
  users?: string[];
  name: string;
  op: 'on' | 'off' | '=' | '+=' | '-=';
  value?: string;
}

/** The Defaults names SudoEnvSetting keeps. */
const ENV_SETTINGS = new Set(['env_reset', 'secure_path', 'setenv', 'umask', 'umask_override', 'env_keep', 'always_set_home']);

export interface SudoersParse {
  rules: SudoRule[];
  /** The authenticate settings, in file order. */
  defaults: SudoDefault[];
  /** The settings of the command's environment, in file order. */
  envSettings: SudoEnvSetting[];
  /** Files sudo would refuse or skip, with the reason, e.g. "/etc/sudoers.d/x is world writable". */
  problems: string[];
  /**
   * What sudo prints on every run for an entry it cannot parse: "/etc/sudoers.d/alice:1:17:
   * syntax error", the line, and a mark under the token (it skips that entry and reads on).
   */
  syntaxErrors: string[];
  /** Files of an @includedir that sudo passes over for their names (a '.', a trailing '~'). */
  skippedByName: string[];
  /** `Defaults[:users] requiretty` / `!requiretty`, in file order. */
  requiretty?: { users?: string[]; on: boolean; file: string; line?: number }[];
}

/** Logical lines: comments stripped, backslash continuations joined. */
function logicalLines(text: string): { text: string; n: number }[] {
  const out: { text: string; n: number }[] = [];
  let acc = '';
  let start = 0;

  text.split('\n').forEach((raw, i) => {
    if (acc === '') start = i + 1;
    if (raw.endsWith('\\')) {
      acc += `${raw.slice(0, -1)} `;
      return;
    }
    out.push({ text: acc + raw, n: start });
    acc = '';
  });
  if (acc !== '') out.push({ text: acc, n: start });

  return out;
}

/** sudo's sudo_secure_file(): owned by root, not world-writable, group-writable only by gid 0. */
function insecure(state: ImageState, path: string): string | undefined {
  const m = state.fs.get(path);
  if (!m) return undefined;
  if (m.uid !== 0) return `${path} is owned by uid ${m.uid}, should be 0`;
  if (m.mode & 0o002) return `${path} is world writable`;
  if (m.mode & 0o020 && m.gid !== 0) return `${path} is owned by gid ${m.gid}, should be 0`;

  return undefined;
}

/**
 * Files of an @includedir, as sudoers(5) reads them: names containing '.' or ending in '~' are
 * skipped (so editor backups and package leftovers are not), the rest in lexical order.
 */
function includedirFiles(state: ImageState, dir: string): string[] {
  return Object.keys(state.texts)
    .filter((p) => parentOf(p) === dir)
    .filter((p) => skippedName(baseName(p)) === undefined)
    .sort();
}

/** Why an @includedir passes over a file of this name, if it does. */
function skippedName(name: string): string | undefined {
  if (name.includes('.')) return "has a '.' in its name";
  if (name.endsWith('~')) return "has a name that ends in '~'";

  return undefined;
}

/**
 * The files of an @includedir that sudo passes over for their names, each with the reason in
 * the words the explanations use ("...; sudo skips it"), as for a file of the wrong owner or mode.
 */
function skippedPaths(state: ImageState, dir: string): string[] {
  return Object.keys(state.texts)
    .filter((p) => parentOf(p) === dir && skippedName(baseName(p)) !== undefined)
    .sort();
}

function skippedFiles(state: ImageState, dir: string): string[] {
  return skippedPaths(state, dir).map((p) => `${p} ${skippedName(baseName(p))}, and @includedir ${dir} reads no such file; sudo skips it`);
}

/**
 * "HOSTS = body": one host group per spec is what images carry; a second ": HOSTS =" group is
 * split off where a ':' is followed by a host list and '='.
 */
function splitSpec(rest: string): { hosts: string; body: string }[] {
  const eq = rest.indexOf('=');
  if (eq < 0) return [];
  const hosts = rest.slice(0, eq).trim();
  const body = rest.slice(eq + 1).trim();
  const next = body.match(/:\s*([A-Za-z0-9_.,!*-]+)\s*=/);
  if (!next || /^(NO)?(PASSWD|EXEC|SETENV)$/.test(next[1])) return [{ hosts, body }];

  return [{ hosts, body: body.slice(0, next.index).trim() }, ...splitSpec(body.slice(next.index! + 1))];
}

/** Split at commas that are outside parentheses and double quotes. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';

  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (ch === ',' && depth === 0 && !quoted) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);

  return out.map((x) => x.trim()).filter(Boolean);
}

/** A Runas_List's items, aliases expanded, in written order ('!' kept). */
function runasList(text: string, aliases: Map<string, string[]>): string[] {
  const expand = (item: string): string[] => {
    const neg = item.startsWith('!');
    const name = neg ? item.replace(/^!+/, '') : item;
    const alias = aliases.get(name);
    if (!alias) return [item];

    return alias.flatMap(expand).map((x) => (neg ? (x.startsWith('!') ? x.slice(1) : `!${x}`) : x));
  };

  return splitTop(text).flatMap(expand);
}

/**
 * The two lists of a Runas_Spec "(users:groups)", as sudo's grammar reads them: a list left
 * out is absent, so "(:staff)" has no user list; "()" and "(:)" name the invoking user (sudo's
 * MYSELF), kept as an empty user list.
 */
function runasLists(spec: string, aliases: Map<string, string[]>): { users?: string[]; groups?: string[] } {
  const colon = spec.indexOf(':');
  const userText = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const groupText = colon < 0 ? '' : spec.slice(colon + 1).trim();
  const out: { users?: string[]; groups?: string[] } = {};
  if (userText !== '' || groupText === '') out.users = userText === '' ? [] : runasList(userText, aliases);
  if (groupText !== '') out.groups = runasList(groupText, aliases);

  return out;
}

/** Whom a sudo command asks to run as (sudo -u, sudo -g). */
export interface SudoRunas {
  /** The target user: -u's, the invoking user for -g alone, root when neither is given. */
  user: { name?: string; uid: number; gid: number };
  /** -u was given (sudo's RUNAS_USER_SPECIFIED). */
  userGiven: boolean;
  /** -g's group. */
  group?: { name?: string; gid: number };
}

/** Plain `sudo cmd`: root, neither -u nor -g. */
export const RUNAS_ROOT: SudoRunas = { user: { name: 'root', uid: 0, gid: 0 }, userGiven: false };

/**
 * Does a rule's Runas_Spec let the command run as the target (sudo's runaslist_matches, sudo
 * 1.9.13)? true allows, false denies ('!'), undefined: the rule does not apply. No spec at all:
 * root only (runas_default). The user list is walked from its end and the last item that names
 * the target decides: ALL, the name, #uid, %group or %#gid (the target is in the group by its
 * passwd entry's gid or by /etc/group; for the invoking user, by the groups its process has),
 * an empty list the invoking user. With -g the group list decides the same way (ALL, the name,
 * #gid); a group it does not name still counts when it is one of the target's own, and with -g
 * alone the target is the invoking user, which the user list need not name.
 */
export function runasMatches(state: ImageState, rule: Pick<SudoRule, 'runasUsers' | 'runasGroups'>, req: SudoRunas, user: SudoUser): boolean | undefined {
  const users = rule.runasUsers;
  const groups = rule.runasGroups;
  const target = req.user;
  const self = target.uid === user.uid && (target.name === undefined || user.name === undefined || target.name === user.name);
  // %group asks user_in_group(), which for the invoking user reads the groups its process has;
  // the -g fallback asks the group database (runas_getgroups), for the invoking user too.
  const targetGroups = (processGroups: boolean): number[] => {
    if (self && processGroups) {
      const primary = user.name !== undefined ? userByName(state.accounts, user.name)?.gid : undefined;
      return primary === undefined ? user.groups : [primary, ...user.groups];
    }
    const db = target.name !== undefined ? userGroupsFor(state, target.name) : [];
    return [target.gid, ...db];
  };
  const gidOf = (name: string): number | undefined => (name.startsWith('#') ? Number(name.slice(1)) : groupByName(state.accounts, name)?.gid);

  let userMatch: boolean | undefined;
  if (req.userGiven || req.group === undefined) {
    if (users === undefined && groups === undefined) return target.uid === 0;
    if (users !== undefined && users.length === 0) {
      if (!req.userGiven || self) userMatch = true;
    }
    for (const item of [...(users ?? [])].reverse()) {
      const name = item.replace(/^!+/, '');
      let hit: boolean;
      if (name === 'ALL') hit = true;
      else if (name.startsWith('%')) {
        const gid = gidOf(name.slice(1));
        hit = gid !== undefined && targetGroups(true).includes(gid);
      } else if (name.startsWith('#')) hit = Number(name.slice(1)) === target.uid;
      else hit = target.name !== undefined && name === target.name;
      if (hit) {
        userMatch = !item.startsWith('!');
        break;
      }
    }
  }

  let groupMatch: boolean | undefined;
  if (req.group !== undefined) {
    if (userMatch === undefined && self) userMatch = true;
    for (const item of [...(groups ?? [])].reverse()) {
      const name = item.replace(/^!+/, '');
      if (name === 'ALL' || (name.startsWith('#') ? Number(name.slice(1)) === req.group.gid : name === req.group.name)) {
        groupMatch = !item.startsWith('!');
        break;
      }
    }
    if (groupMatch === undefined && targetGroups(false).includes(req.group.gid)) groupMatch = true;
  }

  if (userMatch === false || groupMatch === false) return false;
  if (userMatch === groupMatch || req.group === undefined) return userMatch;

  return undefined;
}

/**
 * Does a Runas_Spec plainly let the command run as root, as written? Omitted: yes
 * (runas_default is root). A group-only "(:staff)" or an empty "()" does not. Otherwise the
 * last item of the user list that names root decides, '!' denying. A %group other than root's
 * is taken as leaving root out here; runasMatches decides with the image's groups.
 */
function runasHasRoot(spec: string | undefined, aliases: Map<string, string[]>): boolean {
  if (spec === undefined) return true;

  for (const item of [...(runasLists(spec, aliases).users ?? [])].reverse()) {
    const name = item.startsWith('!') ? item.replace(/^!+/, '') : item;
    if (['ALL', 'root', '#0', '%root', '%#0'].includes(name)) return !item.startsWith('!');
  }

  return false;
}

/**
 * The first thing sudo's grammar cannot read in a Runas_Spec, as an offset into it: a group
 * list holds group names, #gids, aliases and ALL, so a %group there is a syntax error.
 */
function runasSyntaxError(spec: string): number | undefined {
  const colon = spec.indexOf(':');
  if (colon < 0) return undefined;
  const m = /(^|,)\s*!*\s*%/.exec(spec.slice(colon + 1));

  return m ? colon + 1 + m.index + m[0].length - 1 : undefined;
}

function parseUserSpec(line: string, file: string, lineNo: number | undefined, aliases: Map<string, string[]>): SudoRule[] {
  const firstSpace = line.search(/\s/);
  if (firstSpace < 0) return [];
  const whoText = line.slice(0, firstSpace);
  const rest = line.slice(firstSpace).trim();
  const whoList = whoText.split(',').flatMap((w) => aliases.get(w) ?? [w]);
  const rules: SudoRule[] = [];

  for (const group of splitSpec(rest)) {
    // A runas list and tags carry over to the commands after them in the same spec until one
    // sets them again (sudoers(5), Runas_Spec and Tag_Spec): one rule per run of commands.
    type Run = { runas?: string; nopasswd: boolean; passwd: boolean; setenv?: boolean; commands: string[] };
    const runs: Run[] = [];
    let runas: string | undefined;
    let nopasswd = false;
    let passwd = false;
    let setenv: boolean | undefined;

    for (const item of splitTop(group.body)) {
      let body = item;
      const spec = body.match(/^\(([^)]*)\)\s*/);
      if (spec) {
        runas = spec[1].trim();
        body = body.slice(spec[0].length);
      }
      let tag: RegExpMatchArray | null;
      while ((tag = body.match(/^([A-Z_]+):\s*/)) !== null && /^(NO)?[A-Z_]+$/.test(tag[1])) {
        if (tag[1] === 'NOPASSWD') [nopasswd, passwd] = [true, false];
        if (tag[1] === 'PASSWD') [nopasswd, passwd] = [false, true];
        if (tag[1] === 'SETENV') setenv = true;
        if (tag[1] === 'NOSETENV') setenv = false;
        body = body.slice(tag[0].length);
      }
      const commands = aliases.get(body.trim()) ?? [body.trim()];
      const last = runs.at(-1);
      if (last && last.runas === runas && last.nopasswd === nopasswd && last.passwd === passwd && last.setenv === setenv) {
        last.commands.push(...commands);
      } else {
        const r: Run = { runas, nopasswd, passwd, commands };
        if (setenv !== undefined) r.setenv = setenv;
        runs.push(r);
      }
    }

    const hostItems = runasList(group.hosts, aliases);
    const hosts = hostItems.length === 1 && hostItems[0] === 'ALL' ? undefined : hostItems;
    for (const run of runs) {
      const runasNotRoot = runasHasRoot(run.runas, aliases) ? undefined : (run.runas ?? '');
      for (const who of whoList) {
        if (who.startsWith('!')) continue;
        // Optional keys added one by one, in this order (no spreads of small objects).
        const rule: SudoRule = { who, nopasswd: run.nopasswd, commands: run.commands.join(', '), file };
        if (lineNo !== undefined) rule.line = lineNo;
        if (runasNotRoot !== undefined) rule.runasNotRoot = runasNotRoot;
        if (run.runas !== undefined) {
          const lists = runasLists(run.runas, aliases);
          if (lists.users !== undefined) rule.runasUsers = lists.users;
          if (lists.groups !== undefined) rule.runasGroups = lists.groups;
        }
        if (run.passwd) rule.passwd = true;
        if (run.setenv !== undefined) rule.setenv = run.setenv;
        if (hosts !== undefined) rule.hosts = hosts;
        rules.push(rule);
      }
    }
  }

  return rules;
}

/**
 * `Defaults[:users] param, ...`: only the authenticate flag matters here. Host, runas and
 * command Defaults (`@`, `>`, `!`) are left out: in a container they rarely narrow anything.
 */
function parseDefaults(line: string, file: string, lineNo: number | undefined, aliases: Map<string, string[]>): SudoDefault[] {
  const m = line.match(/^Defaults(?::(\S+))?\s+(.*)$/);
  if (!m) return [];
  const users = m[1]?.split(',').flatMap((w) => aliases.get(w) ?? [w]);
  const out: SudoDefault[] = [];

  for (const param of splitTop(m[2])) {
    if (param !== 'authenticate' && param !== '!authenticate') continue;
    const authenticate = param === 'authenticate';
    // Keys in the order users?, authenticate, file, line? (no spreads of small objects).
    const d: SudoDefault = users ? { users, authenticate, file } : { authenticate, file };
    if (lineNo !== undefined) d.line = lineNo;
    out.push(d);
  }

  return out;
}

/** `Defaults[:users] requiretty` and `!requiretty` (host, runas and command Defaults left out). */
function parseRequiretty(line: string, file: string, lineNo: number | undefined, aliases: Map<string, string[]>): NonNullable<SudoersParse['requiretty']> {
  const m = line.match(/^Defaults(?::(\S+))?\s+(.*)$/);
  if (!m) return [];
  const users = m[1]?.split(',').flatMap((w) => aliases.get(w) ?? [w]);
  const out: NonNullable<SudoersParse['requiretty']> = [];
  for (const param of splitTop(m[2])) {
    const p = /^(!*)\s*requiretty$/.exec(param);
    if (!p) continue;
    const d: NonNullable<SudoersParse['requiretty']>[number] = users ? { users, on: p[1].length % 2 === 0, file } : { on: p[1].length % 2 === 0, file };
    if (lineNo !== undefined) d.line = lineNo;
    out.push(d);
  }

  return out;
}

/**
 * Whether sudo wants a terminal for this user (`Defaults requiretty`, off by default): global
 * Defaults, then Defaults:user, a later line winning within each kind, as for authenticate.
 */
export function sudoRequiresTty(state: ImageState, parsed: SudoersParse, user: SudoUser): { on: boolean; file: string; line?: number } | undefined {
  const all = parsed.requiretty ?? [];
  const last = [...all.filter((d) => d.users === undefined), ...all.filter((d) => d.users?.some((w) => whoMatches(state, w, user)))].at(-1);

  return last?.on ? last : undefined;
}

/**
 * The host name sudo matches a rule's host list against: one given to the run (`--hostname`,
 * compose's `hostname:`, BuildKit's build containers' `buildkitsandbox`), a container id the
 * engine makes up (buildah, podman and Docker without --hostname; not known before the run),
 * or one not known at all (a pod's name, the host's under --network host or --uts host).
 */
export type SudoHostName = { name: string } | { containerId: true } | { unknown: string };

/** A container's host name when nothing gives one: its id, made up by the engine at the start. */
export const CONTAINER_HOST: SudoHostName = { containerId: true };

/**
 * Does a host list match (sudo 1.9.13, match.c hostlist_matches and host_matches)? The list
 * is read from its end and the last item that matches decides ('!' refuses): ALL; a name,
 * compared without case with the host name (a dotted one with the full name, else the short
 * one; shell wildcards allowed); an address or network, compared with the addresses of the
 * interfaces, loopback left out (sudo's interface list skips it), so 127.0.0.1 never matches;
 * +netgroup, which a container's NSS has none of. undefined: whether it matches is not known
 * (a container's own addresses, a name against a host name not known).
 */
export function sudoHostMatches(items: string[], host: SudoHostName): boolean | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const raw = items[i];
    const negated = /^!/.test(raw);
    const item = raw.replace(/^!+\s*/, '');
    const m = hostItemMatches(item, host);
    if (m === undefined) return undefined;
    if (m) return !negated;
  }

  return false;
}

function hostItemMatches(item: string, host: SudoHostName): boolean | undefined {
  if (item === 'ALL') return true;
  if (item.startsWith('+')) return false;
  if (/^[0-9.]+(\/[0-9.]+)?$/.test(item) || (item.includes(':') && /^[0-9a-f:]+(\/\d+)?$/i.test(item))) {
    return /^127\.|^::1(\/|$)/.test(item) ? false : undefined;
  }
  const wild = /[*?[]/.test(item);
  if ('name' in host) {
    const target = item.includes('.') ? host.name : host.name.split('.')[0];
    return wild ? globMatch(item.toLowerCase(), target.toLowerCase()) : item.toLowerCase() === target.toLowerCase();
  }
  if (item === '*') return true;
  if ('containerId' in host) {
    // A container id is 12 (or 64) hexadecimal digits made up at the start: only a name of
    // that shape, or a pattern, could be it.
    return wild || /^[0-9a-f]{12}([0-9a-f]{52})?$/i.test(item) ? undefined : false;
  }

  return undefined;
}

/** The environment settings of a `Defaults[:users]` line (sudoers(5), "Defaults"). */
function parseEnvDefaults(line: string, aliases: Map<string, string[]>): SudoEnvSetting[] {
  const m = line.match(/^Defaults(?::(\S+))?\s+(.*)$/);
  if (!m) return [];
  const users = m[1]?.split(',').flatMap((w) => aliases.get(w) ?? [w]);
  const out: SudoEnvSetting[] = [];

  for (const param of splitTop(m[2])) {
    const p = param.match(/^(!*)\s*([a-z_]+)\s*(?:([+-]?=)\s*(.*))?$/);
    if (!p || !ENV_SETTINGS.has(p[2])) continue;
    const s: SudoEnvSetting = users ? { users, name: p[2], op: 'on' } : { name: p[2], op: 'on' };
    if (p[3] !== undefined) {
      s.op = p[3] as SudoEnvSetting['op'];
      s.value = p[4].replace(/^"(.*)"$/, '$1');
    } else if (p[1].length % 2 === 1) s.op = 'off';
    out.push(s);
  }

  return out;
}

/**
 * What a parse of the sudoers files depended on: each file it looked for (its text entry and
 * its file entry, both replaced rather than changed in place) and each @includedir listing.
 */
interface SudoersInputs {
  root: string;
  reads: { path: string; entry: ImageState['texts'][string] | undefined; meta: FileMeta | undefined }[];
  dirs: { dir: string; files: string[]; skipped: string[] }[];
  parse: SudoersParse;
}

/**
 * The last parse. The final image and the build steps before it usually hold the same text
 * entries, and the image is read by several checks (sudoAllows, passwordlessRoot): when none of
 * the inputs changed, the parse is the same and is not done again. Its result is never changed
 * in place by its readers.
 */
let lastSudoers: SudoersInputs | undefined;

function sameInputs(m: SudoersInputs, state: ImageState, root: string): boolean {
  if (m.root !== root) return false;
  for (const r of m.reads) {
    if (state.texts[r.path] !== r.entry || state.fs.get(r.path) !== r.meta) return false;
  }
  for (const d of m.dirs) {
    const files = includedirFiles(state, d.dir);
    if (files.length !== d.files.length) return false;
    for (let i = 0; i < files.length; i++) if (files[i] !== d.files[i]) return false;
    const skipped = skippedFiles(state, d.dir);
    if (skipped.length !== d.skipped.length || skipped.some((x, i) => x !== d.skipped[i])) return false;
  }

  return true;
}

/** Parse /etc/sudoers and what it includes, the way sudo reads them (sudoers(5)). */
export function parseSudoers(state: ImageState, root = '/etc/sudoers'): SudoersParse {
  const memo = lastSudoers;
  if (memo !== undefined && sameInputs(memo, state, root)) return memo.parse;

  const parse: SudoersParse = { rules: [], defaults: [], envSettings: [], problems: [], syntaxErrors: [], skippedByName: [] };
  const inputs: SudoersInputs = { root, reads: [], dirs: [], parse };
  readSudoers(state, root, inputs);
  lastSudoers = inputs;

  return inputs.parse;
}

function readSudoers(state: ImageState, root: string, inputs: SudoersInputs): void {
  const { rules, defaults, problems, syntaxErrors } = inputs.parse;
  const aliases = new Map<string, string[]>();
  const seen = new Set<string>();

  const read = (path: string, top: boolean): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const entry = state.texts[path];
    inputs.reads.push({ path, entry, meta: state.fs.get(path) });
    if (!entry) return;

    const bad = insecure(state, path);
    if (bad) {
      problems.push(top ? `${bad}; sudo refuses to run with it` : `${bad}; sudo ignores it`);
      return;
    }

    for (const { text, n } of logicalLines(entry.content)) {
      const line = text.trim();
      if (line === '') continue;

      // The regular expressions run only on lines that can match them: most lines of a stock
      // sudoers file are comments (this parse runs again after every text change).
      const first = line.charCodeAt(0);
      const second = line.charCodeAt(1);
      const inc = first === 64 || (first === 35 && second === 105)
        ? line.match(/^[@#](includedir|include)\s+(\S+)/)
        : null;
      if (inc) {
        const target = normalizePath(inc[2], parentOf(path));
        if (inc[1] === 'includedir') {
          const files = includedirFiles(state, target);
          inputs.dirs.push({ dir: target, files, skipped: skippedFiles(state, target) });
          // The folder itself must be as safe as a file (sudo_secure_dir): one that is not is
          // passed over with all it holds (measured: sudo-files/dir-0777, sudo-files/dir-owned-by-alice).
          inputs.reads.push({ path: target, entry: state.texts[target], meta: state.fs.get(target) });
          const badDir = insecure(state, target);
          if (badDir) {
            problems.push(`${badDir}; sudo ignores it`);
            continue;
          }
          problems.push(...skippedFiles(state, target));
          inputs.parse.skippedByName.push(...skippedPaths(state, target));
          for (const f of files) read(f, false);
        } else read(target, false);
        continue;
      }

      // '#' then a digit is a uid (#1000 ALL=...), any other '#' line a comment.
      if (first === 35 && !(second >= 48 && second <= 57)) continue;
      const content = line.includes('#') ? line.replace(/\s#(?!\d).*$/, '') : line;
      if (content.startsWith('Defaults') && /^Defaults\b/.test(content)) {
        defaults.push(...parseDefaults(content, path, entry.line, aliases));
        inputs.parse.envSettings.push(...parseEnvDefaults(content, aliases));
        const tty = parseRequiretty(content, path, entry.line, aliases);
        if (tty.length > 0) (inputs.parse.requiretty ??= []).push(...tty);
        continue;
      }

      const alias = content.includes('_Alias') ? content.match(/^(User|Runas|Host|Cmnd|Cmd)_Alias\s+(.*)$/) : null;
      if (alias) {
        for (const def of alias[2].split(':')) {
          const [k, v = ''] = def.split('=', 2);
          aliases.set(k.trim(), v.split(',').map((x) => x.trim()).filter(Boolean));
        }
        continue;
      }

      // An entry sudo's grammar cannot read is skipped, with its place named on every run
      // (measured: "/etc/sudoers.d/alice:1:17: syntax error" for "(root:%staff)").
      let bad: { at: number; token: string } | undefined;
      for (const spec of content.matchAll(/\(([^)]*)\)/g)) {
        const at = runasSyntaxError(spec[1]);
        if (at !== undefined) {
          bad = { at: spec.index! + 1 + at, token: spec[1].slice(at).match(/^[^,)\s]*/)![0] };
          break;
        }
      }
      if (bad !== undefined) {
        // sudo names the place, prints the line and marks the token under it.
        const col = text.length - text.trimStart().length + bad.at;
        const where = `${path}:${n}:${col + 1}`;
        syntaxErrors.push(`${where}: syntax error`, text, `${' '.repeat(col)}^${'~'.repeat(Math.max(0, bad.token.length - 1))}`);
        problems.push(`${where}: syntax error in "${content}"; sudo skips it`);
        continue;
      }

      rules.push(...parseUserSpec(content, path, entry.line, aliases));
    }
  };

  read(root, true);
}

export interface SudoUser {
  name?: string;
  uid: number;
  groups: number[];
}

export interface SudoVerdict {
  usable: boolean;
  nopasswd: boolean;
  /** Whether sudo lets the user through is not known (a host list the model cannot match). */
  unsure?: boolean;
  rule?: SudoRule;
  reason: string;
  /** The rule allows only these commands (its list as written), not every command. */
  only?: string;
}

/** A command as sudo matches it against a rule: its full path (when known) and its arguments. */
export interface SudoCommand {
  /** The program's path after sudo's own PATH lookup; undefined when it cannot be found. */
  path: string | undefined;
  /** The name as typed (`apt-get`), for a rule that names a path the tree does not list. */
  name: string;
  args: string[];
}

/** Whether a rule's command list names every command (ALL, possibly among others). */
export function allowsAll(commands: string): boolean {
  return splitTop(commands).some((c) => c.trim() === 'ALL');
}

/**
 * Whether a rule's command list (sudoers(5), Cmnd_List: ALL, a path with optional arguments,
 * `""` for none, a folder ending in /, shell wildcards, `!` to negate) allows the command. The
 * last entry that matches decides, so `ALL, !/usr/bin/su` refuses su. Paths are compared as
 * files (sudo compares device and inode): `/bin/chown` in a rule is `/usr/bin/chown` on a
 * merged-/usr image; `resolve` gives a path with its links followed.
 */
export function commandMatches(commands: string, cmd: SudoCommand, resolve: (p: string) => string = (p) => p): boolean {
  return commandMatch(commands, cmd, resolve) === true;
}

/**
 * commandMatches, telling an entry that denies the command ('!', false) from no entry that
 * names it (undefined): sudo takes the first for a match, whose tags then decide whether a
 * password is asked, and goes on to earlier rules after the second.
 */
export function commandMatch(commands: string, cmd: SudoCommand, resolve: (p: string) => string = (p) => p): boolean | undefined {
  let allowed: boolean | undefined;
  const path = cmd.path === undefined ? undefined : resolve(cmd.path);
  for (const raw of splitTop(commands)) {
    let item = raw.trim();
    const negated = item.startsWith('!');
    if (negated) item = item.slice(1).trim();
    if (item === 'ALL') {
      allowed = !negated;
      continue;
    }
    const [prog, ...spec] = item.split(/\s+/);
    const wild = /[*?[]/.test(prog);
    let progOk: boolean;
    if (path === undefined) progOk = baseName(prog) === cmd.name || (wild && globMatch(baseName(prog), cmd.name));
    else if (prog.endsWith('/')) progOk = path.slice(0, path.lastIndexOf('/') + 1) === `${resolve(prog.slice(0, -1))}/`;
    else progOk = wild ? globMatch(prog, cmd.path!) || globMatch(prog, path) : resolve(prog) === path;
    if (!progOk) continue;
    let argsOk = true;
    if (spec.length > 0) {
      const want = spec.join(' ');
      argsOk = want === '""' ? cmd.args.length === 0 : /[*?[]/.test(want) ? globMatch(want, cmd.args.join(' ')) : want === cmd.args.join(' ');
    }
    if (argsOk) allowed = !negated;
  }

  return allowed;
}


function whoMatches(state: ImageState, who: string, user: SudoUser): boolean {
  if (who === 'ALL') return true;
  // sudo's user_in_group(): the passwd entry's primary gid, then the group list the process
  // has (group_source=adaptive uses getgroups(2)), not /etc/group as such. So `--user x:x`,
  // which drops the supplementary groups, also drops %sudo.
  const primary = user.name !== undefined ? state.accounts.passwd.find((e) => e.name === user.name)?.gid : undefined;
  const inGroup = (gid: number) => gid === primary || user.groups.includes(gid);
  if (who.startsWith('%#')) return inGroup(Number(who.slice(2)));
  if (who.startsWith('%')) {
    const g = groupByName(state.accounts, who.slice(1));
    return g !== undefined && inGroup(g.gid);
  }
  if (who.startsWith('#')) return Number(who.slice(1)) === user.uid;

  return user.name !== undefined && who === user.name;
}

export interface SudoRootDecision {
  /**
   * The rule sudo decides by: the last one that names the user, lets it run as the runas
   * target (plain `sudo cmd`: root) and has an entry that names the command.
   */
  rule?: SudoRule;
  /** That entry is a '!' one: sudo refuses the command. */
  denied?: boolean;
  /** The rule's runas list is "()" or "(:)" and no -u was given: the command runs as the invoking user. */
  asInvoker?: boolean;
  /** Some rule names the user (else sudo says it "is not in the sudoers file"). */
  listed: boolean;
  /** Rules that name the user but only for other runas users. */
  otherRunas: SudoRule[];
  nopasswd: boolean;
  /** The Defaults line that turned authentication off, when that is why no password is asked. */
  noAuth?: SudoDefault;
  /** Rules for the user whose host list may or may not match the host name (left out). */
  hostUnknown?: SudoRule[];
}

/**
 * The decision sudo makes for `sudo cmd` (as root, or as `runas` says). sudoers(5): when
 * several entries match, the last one is used, a '!' entry refusing the command; a NOPASSWD or
 * PASSWD tag on it decides whether a password is asked, else the authenticate flag does, from
 * global Defaults then Defaults:user (later lines win within each kind), which also decides
 * when no entry matches.
 */
export function sudoRootDecision(state: ImageState, parsed: SudoersParse, user: SudoUser, command?: SudoCommand, runas?: SudoRunas, host: SudoHostName = CONTAINER_HOST): SudoRootDecision {
  const resolve = (p: string) => resolvePath(state.fs, p).path;
  const req = runas ?? RUNAS_ROOT;
  // A rule applies only on the hosts its host list names (sudoers(5), Host_List): `alice
  // localhost=(ALL) ALL` does not match a container, whose host name is its id (measured:
  // sudo/host-localhost). Whether it names the user still counts for the words of a refusal.
  const forUser = parsed.rules.filter((r) => whoMatches(state, r.who, user));
  const hostUnknown: SudoRule[] = [];
  const named = forUser.filter((r) => {
    if (r.hosts === undefined) return true;
    const m = sudoHostMatches(r.hosts, host);
    if (m === undefined) hostUnknown.push(r);
    return m === true;
  });
  // Without a command, every rule counts (the identity says which commands it allows).
  const cmdMatch = (r: SudoRule) => (command === undefined ? true : commandMatch(r.commands, command, resolve));
  let rule: SudoRule | undefined;
  let denied = false;
  for (let i = named.length - 1; i >= 0 && rule === undefined; i--) {
    const r = named[i];
    if (runasMatches(state, r, req, user) !== true) continue;
    const m = cmdMatch(r);
    if (m === undefined) continue;
    rule = r;
    denied = !m;
  }
  const plain = runas === undefined || (!req.userGiven && req.group === undefined);
  const otherRunas = plain && !rule ? named.filter((r) => runasMatches(state, r, req, user) !== true && cmdMatch(r) !== undefined) : [];
  const out: SudoRootDecision = { listed: forUser.length > 0, otherRunas, nopasswd: false };
  if (hostUnknown.length > 0) out.hostUnknown = hostUnknown;
  if (rule) {
    out.rule = rule;
    if (denied) out.denied = true;
    if (plain && rule.runasUsers?.length === 0) out.asInvoker = true;
    if (rule.nopasswd || rule.passwd) {
      out.nopasswd = rule.nopasswd;
      return out;
    }
  }

  const global = parsed.defaults.filter((d) => d.users === undefined);
  const own = parsed.defaults.filter((d) => d.users?.some((w) => whoMatches(state, w, user)));
  const last = [...global, ...own].at(-1);
  if (last && !last.authenticate) {
    out.nopasswd = true;
    out.noAuth = last;
  }

  return out;
}

function where(file: string, line: number | undefined): string {
  return `${file}${line !== undefined ? ` (Dockerfile line ${line})` : ''}`;
}

/**
 * Would sudo give this user root? sudo must be installed setuid root, a rule must name the
 * user (sudo uses the LAST matching rule) and allow root as runas user, and it must either ask
 * no password or the user must have a password to type.
 */
export function sudoAllows(state: ImageState, user: SudoUser, command?: SudoCommand, runas?: SudoRunas, host: SudoHostName = CONTAINER_HOST): SudoVerdict {
  const bin = state.fs.get('/usr/bin/sudo');
  if (!bin && !state.packages.sudo) return { usable: false, nopasswd: false, reason: 'sudo is not installed' };
  if (bin && (bin.uid !== 0 || (bin.mode & 0o4000) === 0)) {
    return { usable: false, nopasswd: false, reason: '/usr/bin/sudo is not setuid root' };
  }

  const parsed = parseSudoers(state);
  const fatal = parsed.problems.find((p) => p.includes('refuses'));
  if (fatal) return { usable: false, nopasswd: false, reason: fatal };

  if (user.uid === 0) return { usable: true, nopasswd: true, reason: 'the user is already root' };

  const d = sudoRootDecision(state, parsed, user, command, runas, host);
  const label = user.name ?? `uid ${user.uid}`;
  if (d.hostUnknown && (!d.rule || !d.nopasswd)) {
    const r = d.hostUnknown.at(-1)!;
    return {
      usable: false,
      nopasswd: false,
      unsure: true,
      reason: `rule "${r.who} ${r.hosts!.join(', ')}=... ${r.commands}" in ${where(r.file, r.line)} applies only on the hosts it names, and whether the container's host name or address is one of them is not known`,
    };
  }
  if (d.asInvoker && d.rule) {
    const r = d.rule;
    return { usable: false, nopasswd: false, reason: `rule "${r.who} ... (${r.runasNotRoot}) ${r.commands}" in ${where(r.file, r.line)} lets ${label} run commands only as the invoking user, not as root` };
  }
  const rule = d.rule;
  if (!rule && command !== undefined && sudoRootDecision(state, parsed, user, undefined, undefined, host).rule !== undefined) {
    // A rule names the user, but not for this command: sudo asks for a password before it
    // says so (measured: "sudo: a password is required" with -n).
    return { usable: false, nopasswd: false, reason: `no sudoers rule lets ${label} run ${command.path ?? command.name}` };
  }
  if (!rule) {
    const other = d.otherRunas.at(-1);
    if (other) {
      const as = other.runasNotRoot === '' ? 'the invoking user' : other.runasNotRoot;
      return {
        usable: false,
        nopasswd: false,
        reason: `rule "${other.who} ... (${other.runasNotRoot}) ${other.commands}" in ${where(other.file, other.line)} lets ${label} run commands only as ${as}, not as root`,
      };
    }
    // An included file sudo skips as unsafe is the usual reason a rule written for the user is
    // not there: say which.
    const ignored = parsed.problems.filter((p) => p.endsWith('sudo ignores it') || p.endsWith('sudo skips it'));
    const why = ignored.length > 0 ? ` (${ignored.join('; ')})` : '';
    return { usable: false, nopasswd: false, reason: `no sudoers rule names ${label} or one of its groups${why}` };
  }

  const at = where(rule.file, rule.line);
  if (d.denied && command !== undefined) {
    return { usable: false, nopasswd: d.nopasswd, rule, reason: `rule "${rule.who} ... ${rule.commands}" in ${at} refuses ${command.path ?? command.name}` };
  }
  if (d.noAuth) {
    const def = `Defaults${d.noAuth.users ? `:${d.noAuth.users.join(',')}` : ''} !authenticate`;
    return { usable: true, nopasswd: true, rule, reason: `rule "${rule.who} ... ${rule.commands}" in ${at}, with "${def}" in ${where(d.noAuth.file, d.noAuth.line)}` };
  }
  if (d.nopasswd) {
    const v: SudoVerdict = { usable: true, nopasswd: true, rule, reason: `rule "${rule.who} ... NOPASSWD: ${rule.commands}" in ${at}` };
    if (!allowsAll(rule.commands)) v.only = rule.commands;
    return v;
  }

  const pw = user.name !== undefined ? state.accounts.passwords[user.name] : undefined;
  const hasPw = pw === 'set' || pw === 'empty';
  const reason = hasPw
    ? `rule "${rule.who} ... ${rule.commands}" in ${at} asks for ${label}'s password`
    : `rule "${rule.who} ... ${rule.commands}" in ${at} asks for a password ${label} does not have`;

  const v: SudoVerdict = { usable: hasPw, nopasswd: false, rule, reason };
  if (!allowsAll(rule.commands)) v.only = rule.commands;
  return v;
}

/** What sudo does with a command in a build step or a start script (no terminal). */
export interface SudoRunOutcome {
  /** sudo runs the command. */
  runs: boolean;
  /** sudo asks for a password first, which a step without a terminal cannot type. */
  password: boolean;
  /** Some rule names the user; else sudo says it "is not in the sudoers file". */
  listed: boolean;
  /** The rule's runas list is "()": the command runs as the invoking user. */
  asInvoker?: boolean;
  /** A rule whose host list may or may not match the host name: the outcome is not known. */
  hostUnknown?: SudoRule;
  /**
   * The user may set variables on the command line and keep the environment (-E): the deciding
   * rule's SETENV/NOSETENV tag, else implied when its command is ALL, else Defaults setenv
   * (sudoers(5), "SETENV and NOSETENV").
   */
  setenv: boolean;
}

/**
 * sudo's sudoers_policy_main for a user other than root: the rule it decides by
 * (sudoRootDecision), then check_user(): no password is asked when the target is the invoking
 * user (with no -g, or a group the user's process has) or the deciding entry (else the
 * Defaults) turns authentication off. Only then does it refuse in its own words, for a '!'
 * entry or a command no entry names. A sudoers file sudo refuses to read is taken as asking a
 * password, as before.
 */
export function sudoRun(state: ImageState, user: SudoUser, command: SudoCommand | undefined, runas: SudoRunas, host: SudoHostName = CONTAINER_HOST): SudoRunOutcome {
  const parsed = parseSudoers(state);
  if (parsed.problems.some((p) => p.includes('refuses'))) return { runs: false, password: true, listed: false, setenv: false };

  const d = sudoRootDecision(state, parsed, user, command, runas, host);
  const primary = user.name !== undefined ? userByName(state.accounts, user.name)?.gid : undefined;
  const ownGroup = runas.group === undefined || runas.group.gid === primary || user.groups.includes(runas.group.gid);
  const self = (d.asInvoker === true || runas.user.uid === user.uid) && ownGroup;
  const out: SudoRunOutcome = {
    runs: d.rule !== undefined && d.denied !== true,
    password: !self && !d.nopasswd,
    listed: d.listed,
    setenv: ruleSetenv(d.rule, sudoEnvPolicy(state, user).setenv),
  };
  if (d.asInvoker) out.asInvoker = true;
  if (d.hostUnknown && (!d.rule || !d.nopasswd)) out.hostUnknown = d.hostUnknown.at(-1);

  return out;
}

/**
 * Whether a deciding rule lets the user set the command's environment: its SETENV or NOSETENV
 * tag; else "If the command matched is ALL, the SETENV tag is implied for that command"
 * (sudoers(5)), taken here as a command list holding ALL (the entry that matched is not kept);
 * else the setenv flag of Defaults.
 */
export function ruleSetenv(rule: SudoRule | undefined, defaultSetenv: boolean): boolean {
  if (rule?.setenv !== undefined) return rule.setenv;
  if (rule !== undefined && allowsAll(rule.commands)) return true;

  return defaultSetenv;
}

/**
 * The environment settings sudo runs a command with (sudoers(5), "Command environment" and
 * "SUDOERS OPTIONS"), from the global Defaults then the user's own (later lines win). Without
 * a sudoers file the model knows, sudo's compiled-in values (env_reset on, umask 0022, no
 * secure_path) are assumed: `known` is false then.
 */
export interface SudoEnvPolicy {
  known: boolean;
  envReset: boolean;
  securePath?: string;
  setenv: boolean;
  /** 0o777 means the user's own umask is used (sudoers(5), umask). */
  umask: number;
  umaskOverride: boolean;
  /** Names env_keep adds to sudo's own list (a trailing * matches any tail). */
  envKeep: string[];
  alwaysSetHome: boolean;
}

export function sudoEnvPolicy(state: ImageState, user: SudoUser): SudoEnvPolicy {
  const known = state.texts['/etc/sudoers'] !== undefined;
  const out: SudoEnvPolicy = { known, envReset: true, setenv: false, umask: 0o022, umaskOverride: false, envKeep: [], alwaysSetHome: false };
  if (!known) return out;
  const parsed = parseSudoers(state);
  const global = parsed.envSettings.filter((d) => d.users === undefined);
  const own = parsed.envSettings.filter((d) => d.users?.some((w) => whoMatches(state, w, user)));
  for (const d of [...global, ...own]) {
    const on = d.op !== 'off';
    const words = (d.value ?? '').split(/\s+/).filter(Boolean);
    switch (d.name) {
      case 'env_reset':
        out.envReset = on;
        break;
      case 'setenv':
        out.setenv = on;
        break;
      case 'umask_override':
        out.umaskOverride = on;
        break;
      case 'always_set_home':
        out.alwaysSetHome = on;
        break;
      case 'secure_path':
        if (d.op === 'off') delete out.securePath;
        else if (d.value !== undefined) out.securePath = d.value;
        break;
      case 'umask':
        // `!umask` leaves the user's umask alone, as 0777 does.
        out.umask = d.op === 'off' ? 0o777 : /^[0-7]+$/.test(d.value ?? '') ? parseInt(d.value!, 8) : out.umask;
        break;
      case 'env_keep':
        if (d.op === '=') out.envKeep = words;
        else if (d.op === '+=') out.envKeep.push(...words);
        else if (d.op === '-=') out.envKeep = out.envKeep.filter((w) => !words.includes(w));
        else if (d.op === 'off') out.envKeep = [];
        break;
    }
  }

  return out;
}

export interface PasswordlessRoot {
  /** Who the grant is for, as sudoers names it: a user, '%group' or 'ALL'. */
  who: string;
  rule: SudoRule;
  noAuth?: SudoDefault;
}

/**
 * Every user or group to whom sudo gives root without a password, by the same decision as
 * sudoAllows: each principal a rule or a `Defaults:user` line names is asked as a member of
 * only that principal (a real user with its real groups), and a grant is kept when the rule
 * sudo would use for it asks no password.
 */
export function passwordlessRoot(state: ImageState): PasswordlessRoot[] {
  const parsed = parseSudoers(state);
  if (parsed.problems.some((p) => p.includes('refuses'))) return [];

  const subject = (who: string): SudoUser => {
    if (who.startsWith('%#')) return { uid: -1, groups: [Number(who.slice(2))] };
    if (who.startsWith('%')) {
      const g = groupByName(state.accounts, who.slice(1));
      return { uid: -1, groups: g ? [g.gid] : [] };
    }
    const u = who.startsWith('#')
      ? state.accounts.passwd.find((e) => e.uid === Number(who.slice(1)))
      : userByName(state.accounts, who);
    if (u) return { name: u.name, uid: u.uid, groups: userGroupsFor(state, u.name) };

    return who === 'ALL' ? { uid: -1, groups: [] } : { name: who, uid: -1, groups: [] };
  };
  const names = [
    // A %group in the runas list lets the rule run as root when root is in that group.
    ...parsed.rules.filter((r) => r.runasNotRoot === undefined || r.runasUsers?.some((u) => u.startsWith('%'))).map((r) => r.who),
    ...parsed.defaults.filter((d) => !d.authenticate).flatMap((d) => d.users ?? []),
  ];
  const out: PasswordlessRoot[] = [];

  for (const who of names.filter((w, i) => names.indexOf(w) === i && w !== 'root' && !w.startsWith('!'))) {
    const d = sudoRootDecision(state, parsed, subject(who));
    if (!d.rule || !d.nopasswd || d.asInvoker) continue;
    // Two principals that end on the same decision are one finding, named as the rule names it.
    const same = out.find((o) => o.rule === d.rule && o.noAuth === d.noAuth);
    if (same) {
      if (who === d.rule.who) same.who = who;
      continue;
    }
    const grant: PasswordlessRoot = { who, rule: d.rule };
    if (d.noAuth) grant.noAuth = d.noAuth;
    out.push(grant);
  }

  return out;
}

// ---------------------------------------------------------------- sshd

/**
 * A pattern as glob(3) reads it with no flags, which is how sshd expands Include: '*', '?' and
 * '[...]' stay inside one path component, and a name starting with '.' is matched only by a
 * pattern component that starts with '.'.
 */
function globToRegExp(glob: string): RegExp {
  let re = globRegExps.get(glob);
  if (re === undefined) {
    re = compileGlob(glob);
    // The patterns come from the image's texts: a handful per build, the same in most images.
    if (globRegExps.size >= 256) globRegExps.clear();
    globRegExps.set(glob, re);
  }

  return re;
}

/** Compiled Include patterns: sshd_config is parsed again after every text change. */
const globRegExps = new Map<string, RegExp>();

function compileGlob(glob: string): RegExp {
  const part = (c: string) => {
    let body = '';
    for (let i = 0; i < c.length; i++) {
      const ch = c[i];
      const close = ch === '[' ? c.indexOf(']', i + 2) : -1;
      if (ch === '*') body += '[^/]*';
      else if (ch === '?') body += '[^/]';
      else if (close > 0) {
        const set = c.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        body += `[${set}]`;
        i = close;
      } else body += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }

    return c.startsWith('.') ? body : `(?!\\.)${body}`;
  };

  return new RegExp(`^${glob.split('/').map(part).join('/')}$`);
}

/** True when a pattern has a character glob(3) expands. */
function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

type SshdField = 'permitRootLogin' | 'passwordAuthentication' | 'permitEmptyPasswords' | 'kbdInteractiveAuthentication' | 'authenticationMethods';

const SSHD_KEYS: Record<string, SshdField | 'usePam'> = {
  permitrootlogin: 'permitRootLogin',
  passwordauthentication: 'passwordAuthentication',
  permitemptypasswords: 'permitEmptyPasswords',
  // One keyword with two names in OpenSSH's servconf.c (both map to sKbdInteractiveAuthentication
  // since 8.7), so the first of either wins.
  kbdinteractiveauthentication: 'kbdInteractiveAuthentication',
  challengeresponseauthentication: 'kbdInteractiveAuthentication',
  usepam: 'usePam',
  authenticationmethods: 'authenticationMethods',
};

const SSHD_FIELDS: readonly (SshdField | 'usePam')[] = [
  'permitRootLogin',
  'passwordAuthentication',
  'permitEmptyPasswords',
  'kbdInteractiveAuthentication',
  'usePam',
  'authenticationMethods',
];

/** sshd's Include nests at most this deep (READCONF_MAX_DEPTH in OpenSSH's readconf.h). */
const SSHD_INCLUDE_DEPTH = 16;

/**
 * sshd_config: keywords are case-insensitive and the FIRST value given wins (sshd(8) /
 * sshd_config(5)); Include expands globs in order, relative paths from /etc/ssh, and the lines
 * of the files it names count where the Include line stands. Lines after a Match belong to that
 * block until the next Match or the end of the file; an included file starts under the block
 * of its Include line and does not carry its own Match back out (the activep save and restore
 * around Include in OpenSSH's servconf.c). A pattern that matches nothing is skipped, as sshd
 * does; whether a pattern may name a file whose text is not kept is sshdIncludeDoubts' question.
 */
export function parseSshd(state: ImageState, root = '/etc/ssh/sshd_config', cmd?: SshdCommandLine): SshdSettings {
  const out: SshdSettings = { lines: {} };
  const blocks: SshdMatchBlock[] = [];
  const includes: SshdInclude[] = [];
  const files: Record<string, string> = {};
  const reading = new Set<string>();
  // Port and ListenAddress add up (they are not first-value-wins) and are global only. The
  // command line's come first (-o is read before the config file); after -p, sshd ignores
  // every Port of the config (servconf.c: ports_from_cmdline).
  const ports: string[] = [...(cmd?.ports ?? [])];
  const listenPorts: string[] = [...(cmd?.listenPorts ?? [])];
  const configPorts = !cmd?.portsFromCommandLine;

  const read = (path: string, inherited: SshdMatchBlock | undefined, depth: number): void => {
    const entry = state.texts[path];
    if (!entry || reading.has(path) || depth > SSHD_INCLUDE_DEPTH) return;
    reading.add(path);
    let block = inherited;

    entry.content.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const m = line.match(/^(\S+?)\s*(?:=\s*|\s+)(.*)$/) ?? line.match(/^(\S+)()$/);
      if (!m) return;
      const key = m[1].toLowerCase();
      const value = m[2].trim().replace(/^"(.*)"$/, '$1');

      if (key === 'match') {
        block = { criteria: value, file: path, fileLine: i + 1, ...(entry.line !== undefined ? { line: entry.line } : {}) };
        blocks.push(block);
        return;
      }

      if (key === 'include') {
        for (const pat of value.split(/\s+/).filter(Boolean)) {
          const pattern = normalizePath(pat, '/etc/ssh');
          const inc: SshdInclude = { pattern, file: path, fileLine: i + 1, open: SSHD_FIELDS.filter((f) => out[f] === undefined) };
          if (entry.line !== undefined) inc.line = entry.line;
          if (block) inc.block = block.criteria;
          includes.push(inc);
          const re = isGlob(pattern) ? globToRegExp(pattern) : undefined;
          const found = re ? Object.keys(state.texts).filter((p) => re.test(p)).sort() : state.texts[pattern] ? [pattern] : [];
          for (const p of found) read(p, block, depth + 1);
        }
        return;
      }

      if (!block && key === 'port' && configPorts) ports.push(...value.split(/\s+/).filter(Boolean));
      if (!block && key === 'listenaddress') {
        // host:port or [host]:port; a bare IPv6 address has more than one colon and no port.
        const lp = value.split(/\s+/)[0].match(/^(?:\[[^\]]*\]|[^:]*):(\d+)$/);
        if (lp) listenPorts.push(lp[1]);
      }
      const field = SSHD_KEYS[key];
      if (!field) return;
      if (block) {
        // UsePAM is not allowed inside Match (sshd exits on it): it never narrows a block.
        if (field !== 'usePam' && block[field] === undefined) block[field] = value;
      } else if (out[field] === undefined) {
        out[field] = value;
        files[field] = path;
        if (entry.line !== undefined) out.lines[field] = entry.line;
      }
    });
    reading.delete(path);
  };

  read(root, undefined, 0);
  if (root !== '/etc/ssh/sshd_config') out.config = root;
  if (cmd?.config !== undefined && !state.texts[root]) out.unread = root;
  if (ports.length > 0 || listenPorts.length > 0) {
    const all = [...(ports.length > 0 ? ports : ['22']), ...listenPorts];
    out.ports = all.filter((p, i) => all.indexOf(p) === i);
  }
  const used = blocks.filter((b) => SSHD_FIELDS.some((f) => f !== 'usePam' && b[f] !== undefined));
  if (Object.keys(files).length > 0) out.files = files;
  if (used.length > 0) out.matches = used;
  if (includes.length > 0) out.includes = includes;

  return out;
}

/** What sshd's own options in the start command change: -f, -p, and -o Port/ListenAddress. */
export interface SshdCommandLine {
  /** -f FILE, absolute. */
  config?: string;
  /** Ports from -p and -o Port, in order. */
  ports: string[];
  /** A -p was given: the config file's Port lines are ignored. */
  portsFromCommandLine: boolean;
  /** The ports of -o ListenAddress=host:port. */
  listenPorts: string[];
  /** -o keywords other than Port and ListenAddress, which are not followed. */
  otherOptions: string[];
}

/** sshd's getopt string (OpenSSH 9.x sshd.c): these options take a value. */
const SSHD_VALUED = new Set('CEbcfghkopu'.split(''));

/**
 * The sshd a start command runs and what its options change: first in the command (after tini
 * or dumb-init, or `exec`), or a command of a `sh -c` script. undefined when none runs sshd.
 */
export function sshdCommandLine(argv: string[], cwd = '/'): SshdCommandLine | undefined {
  const words = sshdWords(argv);
  if (!words) return undefined;
  const out: SshdCommandLine = { ports: [], portsFromCommandLine: false, listenPorts: [], otherOptions: [] };
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === '--') break;
    if (!/^-./.test(w)) break;
    // getopt: flags joined (-De), a value attached (-p2222) or in the next word.
    for (let j = 1; j < w.length; j++) {
      const c = w[j];
      if (!SSHD_VALUED.has(c)) continue;
      const value = j + 1 < w.length ? w.slice(j + 1) : words[++i];
      if (value === undefined) return out;
      if (c === 'f') out.config = normalizePath(value, cwd);
      if (c === 'p') {
        out.portsFromCommandLine = true;
        out.ports.push(value);
      }
      if (c === 'o') {
        const m = value.trim().match(/^(\S+?)\s*(?:=\s*|\s+)(.*)$/);
        const key = m?.[1].toLowerCase();
        const v = m?.[2].trim() ?? '';
        if (key === 'port') {
          // Taken only until a -p (process_server_config_line with ports_from_cmdline set).
          if (!out.portsFromCommandLine) out.ports.push(...v.split(/\s+/).filter(Boolean));
        } else if (key === 'listenaddress') {
          const lp = v.split(/\s+/)[0].match(/^(?:\[[^\]]*\]|[^:]*):(\d+)$/);
          if (lp) out.listenPorts.push(lp[1]);
        } else if (m) out.otherOptions.push(m[1]);
      }
      break;
    }
  }

  return out;
}

/** The words of the sshd command in a start command, sshd first. */
function sshdWords(argv: string[]): string[] | undefined {
  let i = 0;
  while (i < argv.length) {
    const name = argv[i].slice(argv[i].lastIndexOf('/') + 1);
    const next = afterInit(argv, i);
    if (next !== undefined) {
      i = next;
      continue;
    }
    if (name === 'exec') {
      i++;
      continue;
    }
    if (name === 'sshd') return argv.slice(i);
    if (/^(ba|da|a)?sh$/.test(name)) {
      const c = argv.slice(i + 1).findIndex((w) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w));
      const text = c >= 0 ? argv[i + 1 + c + 1] : undefined;
      return text === undefined ? undefined : sshdInScript(text);
    }
    return undefined;
  }

  return undefined;
}

/** The last command of a `sh -c` script that runs sshd, its words as written (literal only). */
function sshdInScript(text: string): string[] | undefined {
  let script;
  try {
    script = parseShell(text);
  } catch {
    return undefined;
  }
  let found: string[] | undefined;
  for (const item of script.items) {
    for (const pipeline of [item.andOr.first, ...item.andOr.rest.map((r) => r.pipeline)]) {
      for (const cmd of pipeline.commands) {
        if (cmd.type !== 'cmd') continue;
        const words: string[] = [];
        for (const w of cmd.args) {
          const e = expandWordStatic(w, () => undefined);
          if (!e.exact) break;
          words.push(e.value);
        }
        const at = words[0] === 'exec' ? 1 : 0;
        if (words[at] !== undefined && words[at].slice(words[at].lastIndexOf('/') + 1) === 'sshd') found = words.slice(at);
      }
    }
  }

  return found;
}

/**
 * The Include patterns that may name a file whose text the model does not have, so sshd may
 * read settings the parse could not: a file there with no text kept, or a folder the pattern
 * looks in whose listing is known only in part. Asked of the final image (the tree may change
 * without a text changing), not kept with the settings.
 */
export function sshdIncludeDoubts(settings: SshdSettings, texts: ImageState['texts'], fs: FsTree): SshdInclude[] {
  return (settings.includes ?? []).filter((inc) => includeMayHideText(inc.pattern, texts, fs));
}

/** The id of the assumption an Include of unknown text stands for (the findings' dependsOn). */
export function sshdIncludeId(inc: SshdInclude): string {
  return `sshd-include:${inc.pattern}`;
}

function includeMayHideText(pattern: string, texts: ImageState['texts'], fs: FsTree): boolean {
  const unread = (p: string, m: FileMeta): boolean => {
    if (m.kind === 'dir' || texts[p]) return false;
    const r = m.kind === 'symlink' ? resolvePath(fs, p) : undefined;

    return r ? r.unknown || (r.meta !== undefined && r.meta.kind !== 'dir' && !texts[r.path]) : true;
  };

  if (!isGlob(pattern)) {
    const m = fs.get(pattern);
    if (m) return unread(pattern, m);
    const r = resolvePath(fs, pattern);

    return r.unknown || (r.meta !== undefined && r.meta.kind !== 'dir' && !texts[r.path]);
  }

  const re = globToRegExp(pattern);
  for (const [p, m] of fs) if (re.test(p) && unread(p, m)) return true;

  // The folder the pattern's first glob component looks in, and those below it when a later
  // component globs too: a listing known only in part may hold a match.
  const fixed = pattern.slice(0, pattern.search(/[*?[]/));
  const dir = fixed.slice(0, fixed.lastIndexOf('/')) || '/';
  const r = resolvePath(fs, dir);
  if (!r.meta) return r.unknown;
  if (r.meta.partial === true) return true;
  if (pattern.indexOf('/', fixed.length) === -1) return false;
  for (const [p, m] of fs) if (m.kind === 'dir' && m.partial === true && isUnder(p, r.path)) return true;

  return false;
}

/** OpenSSH's match_pattern_list(): any negated pattern that matches refuses, else any positive. */
function sshPatternList(value: string, list: string): boolean {
  let hit = false;
  for (const pat of list.split(',').map((p) => p.trim()).filter(Boolean)) {
    const neg = pat.startsWith('!');
    const re = new RegExp(`^${pat.replace(/^!/, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    if (re.test(value)) {
      if (neg) return false;
      hit = true;
    }
  }

  return hit;
}

/** A user as sshd's Match sees it: the name and the names of its groups. */
export interface SshdUser {
  name: string;
  groups: string[];
}

/**
 * Does a Match line apply to a user's connections? 'maybe' when it depends on where the
 * connection comes from (Address, Host, LocalAddress, LocalPort, RDomain), except a lone '*'.
 * `LocalPort` is checked against the ports sshd listens on (SshdSettings.ports, default 22): a
 * block for a port it does not listen on never applies.
 * All criteria on the line must hold (match_cfg_line in OpenSSH's servconf.c).
 */
export function sshdMatchApplies(criteria: string, user: SshdUser, ports: readonly string[] = ['22']): 'yes' | 'no' | 'maybe' {
  const words = criteria.split(/\s+/).filter(Boolean);
  if (words.length === 1 && words[0].toLowerCase() === 'all') return 'yes';
  let result: 'yes' | 'maybe' = 'yes';

  for (let i = 0; i < words.length; i += 2) {
    const kind = words[i].toLowerCase();
    const list = words[i + 1] ?? '';
    if (kind === 'user') {
      if (!sshPatternList(user.name, list)) return 'no';
    } else if (kind === 'group') {
      if (!user.groups.some((g) => sshPatternList(g, list))) return 'no';
    } else if (kind === 'localport') {
      // Only connections to a port sshd listens on exist: none of them, never; all of them, always.
      const hits = ports.filter((p) => sshPatternList(p, list)).length;
      if (hits === 0) return 'no';
      if (hits < ports.length) result = 'maybe';
    } else if (list !== '*') {
      result = 'maybe';
    }
  }

  return result;
}

/**
 * Where a user's connections can get `value` for a keyword: the first Match block that applies
 * and sets the keyword wins over the global value (sshd_config(5): the first instance among the
 * satisfied blocks is applied). A block that only may apply lets the search go on.
 */
export function sshdReach(
  settings: SshdSettings,
  field: SshdField,
  user: SshdUser,
  value: string,
  globalValue: string | undefined,
): { block?: SshdMatchBlock } | undefined {
  for (const b of settings.matches ?? []) {
    const v = b[field];
    if (v === undefined) continue;
    const applies = sshdMatchApplies(b.criteria, user, settings.ports);
    if (applies === 'no') continue;
    if (v.toLowerCase() === value) return { block: b };
    if (applies === 'yes') return undefined;
  }

  return globalValue?.toLowerCase() === value ? {} : undefined;
}

/** Does one AuthenticationMethods value let a login use `method` (any sequence naming it)? */
function methodsAllow(value: string, method: string): boolean {
  if (value.trim().toLowerCase() === 'any') return true;

  return value.split(/\s+/).some((seq) => seq.split(',').some((m) => m.toLowerCase().split(':')[0] === method));
}

/**
 * Can a user's logins use `method` ('password', 'keyboard-interactive') at all, as
 * AuthenticationMethods allows? Each space-separated list is one allowed sequence; `any`, the
 * default, allows everything. The first Match block that applies and sets it wins over the
 * global value; a block that only may apply and allows the method is enough to say yes.
 */
export function sshdAllowsMethod(settings: SshdSettings, user: SshdUser, method: string): boolean {
  for (const b of settings.matches ?? []) {
    const v = b.authenticationMethods;
    if (v === undefined) continue;
    const applies = sshdMatchApplies(b.criteria, user, settings.ports);
    if (applies === 'no') continue;
    if (methodsAllow(v, method)) return true;
    if (applies === 'yes') return false;
  }

  return settings.authenticationMethods === undefined || methodsAllow(settings.authenticationMethods, method);
}

/** A user's name and group names, for sshd's Match User and Match Group. */
export function sshdUser(state: ImageState, name: string): SshdUser {
  const groups = userGroupsFor(state, name).map((gid) => groupByGid(state.accounts, gid)?.name ?? String(gid));

  return { name, groups: groups.length > 0 || name !== 'root' ? groups : ['root'] };
}

// ---------------------------------------------------------------- Jupyter

const JUPYTER_FILE = /^jupyter_(server|notebook|lab)_config\.(py|json)$/;
const JUPYTER_CLASSES = new Set(['ServerApp', 'NotebookApp', 'IdentityProvider', 'PasswordIdentityProvider', 'LabApp']);

function pyValue(text: string): string | boolean | undefined {
  const t = text.trim().replace(/\s+#.*$/, '');
  if (t === 'True') return true;
  if (t === 'False') return false;
  const q = t.match(/^[ubrf]*(['"])(.*)\1$/i);
  if (q) return q[2];
  if (/^[ubrf]*(['"]{3})([\s\S]*)\1$/i.test(t)) return t.replace(/^[ubrf]*['"]{3}|['"]{3}$/gi, '');

  return undefined;
}

function applyJupyter(out: JupyterSettings, key: string, value: unknown, line: number | undefined, file?: string): void {
  const set = (field: 'allowRoot' | 'token' | 'password' | 'ip', v: string | boolean) => {
    (out as unknown as Record<string, unknown>)[field] = v;
    if (line !== undefined) out.lines[field] = line;
    if (file !== undefined) (out.files ??= {})[field] = file;
  };

  if (key === 'allow_root' && typeof value === 'boolean') set('allowRoot', value);
  if (key === 'token' && typeof value === 'string') set('token', value);
  if ((key === 'password' || key === 'hashed_password') && typeof value === 'string') set('password', value);
  if (key === 'ip' && typeof value === 'string') set('ip', value);
}

/** One config file's settings applied over `out` (later files win, as traitlets merges them). */
function readJupyterFile(
  out: JupyterSettings,
  entry: ImageState['texts'][string],
  json: boolean,
  classes: ReadonlySet<string> = JUPYTER_CLASSES,
  file?: string,
): void {
  if (json) {
    let data: unknown;
    try {
      data = JSON.parse(entry.content);
    } catch {
      return;
    }
    for (const [cls, body] of Object.entries((data ?? {}) as Record<string, unknown>)) {
      if (!classes.has(cls) || typeof body !== 'object' || body === null) continue;
      for (const [k, v] of Object.entries(body)) applyJupyter(out, k, v, entry.line, file);
    }
    return;
  }

  for (const raw of entry.content.split('\n')) {
    const m = raw.trim().match(/^c\.(\w+)\.(\w+)\s*=\s*(.+)$/);
    if (!m || !classes.has(m[1])) continue;
    applyJupyter(out, m[2], pyValue(m[3]), entry.line, file);
  }
}

/**
 * Every Jupyter traitlets config file the build wrote (jupyter_server_config.py / .json and the
 * notebook/lab ones), wherever it is: later assignments win, files read in path order. What a
 * server started in the container reads is jupyterSettingsIn(), over its config path.
 */
export function parseJupyter(state: ImageState): JupyterSettings {
  const out: JupyterSettings = { lines: {} };
  const files = Object.keys(state.texts).filter((p) => JUPYTER_FILE.test(baseName(p))).sort();
  for (const path of files) readJupyterFile(out, state.texts[path], path.endsWith('.json'));

  return out;
}

/** What the config path depends on, from the process that starts Jupyter. */
export interface JupyterPathInputs {
  env: Record<string, string>;
  home: string;
  cwd: string;
  /** sys.prefix of the Python that runs Jupyter (/opt/conda, /usr, a venv), when known. */
  prefix?: string;
  /** True when that Python is a venv, which turns the user site off (site.py). */
  venv?: boolean;
}

/** jupyter_core's envset(): set, and not one of no, n, false, off, 0, 0.0. */
function envSet(env: Record<string, string>, name: string): boolean {
  const v = env[name];

  return v !== undefined && !['no', 'n', 'false', 'off', '0', '0.0'].includes(v.toLowerCase());
}

/**
 * The folders Jupyter reads config files from, highest priority first, as jupyter_core's
 * paths.py builds them (jupyter_config_path(), with JupyterApp.config_file_paths putting
 * jupyter_config_dir() first when it is not on the path):
 * - JUPYTER_NO_CONFIG set: only a new empty temporary folder, so no file at all;
 * - the JUPYTER_CONFIG_PATH entries (':'-separated);
 * - the user's: jupyter_config_dir(), which is JUPYTER_CONFIG_DIR when set and not empty, and
 *   only otherwise ~/.jupyter; then {site.getuserbase()}/etc/jupyter (PYTHONUSERBASE or
 *   ~/.local) while the user site is on (not under PYTHONNOUSERSITE or in a venv);
 * - the environment's: {sys.prefix}/etc/jupyter unless it is a system folder, before the
 *   user's when JUPYTER_PREFER_ENV_PATH is set (jupyter_core also prefers it in a venv or conda
 *   env the user owns, which is not followed here);
 * - the system's: /usr/local/etc/jupyter, /etc/jupyter.
 * The working folder is not searched (it was before jupyter_core 4.11.2, CVE-2022-39286).
 */
export function jupyterConfigPath(p: JupyterPathInputs): string[] {
  const env = p.env;
  if (env.JUPYTER_NO_CONFIG) return [];
  const abs = (dir: string) => normalizePath(dir, p.cwd);
  const paths: string[] = [];
  if (env.JUPYTER_CONFIG_PATH) paths.push(...env.JUPYTER_CONFIG_PATH.split(':').filter(Boolean).map(abs));

  const user = [env.JUPYTER_CONFIG_DIR ? abs(env.JUPYTER_CONFIG_DIR) : normalizePath(`${p.home}/.jupyter`)];
  if (!env.PYTHONNOUSERSITE && !p.venv) {
    const userDir = normalizePath(`${pythonUserBase(env.PYTHONUSERBASE, p.home, p.cwd)}/etc/jupyter`);
    if (!user.includes(userDir)) user.push(userDir);
  }
  const system = ['/usr/local/etc/jupyter', '/etc/jupyter'];
  const ownEnv = p.prefix !== undefined ? [normalizePath(`${p.prefix}/etc/jupyter`)].filter((d) => !system.includes(d)) : [];
  if (envSet(env, 'JUPYTER_PREFER_ENV_PATH')) paths.push(...ownEnv, ...user);
  else paths.push(...user, ...ownEnv);
  paths.push(...system);

  return paths.filter((d, i) => paths.indexOf(d) === i);
}

const JUPYTER_NAMES = ['jupyter_notebook_config', 'jupyter_server_config', 'jupyter_lab_config'];

/**
 * Which config classes and config files a Jupyter application reads. The class must match the
 * app that runs (measured with notebook 6.4.12 and jupyter_server 1.23.3: `python3 -m notebook
 * --ServerApp.token=` and `python3 -m jupyter_server --NotebookApp.token=` both keep a random
 * token):
 * - notebook: classic Notebook (`jupyter notebook`, `python -m notebook`, nbclassic), whose
 *   version the model does not know. Notebook 6 reads only NotebookApp.* and
 *   jupyter_notebook_config; notebook 7 reads those too (its NotebookConfigShimMixin moves
 *   NotebookApp.* to ServerApp.*), so they are the values both read. ServerApp.* is left out: it
 *   counts only for notebook 7 and would be a false finding for notebook 6.
 * - server: jupyter_server itself (`jupyter server`, `python -m jupyter_server`): ServerApp.*
 *   (and IdentityProvider.*) from jupyter_server_config only; it has no NotebookApp shim.
 * - lab: JupyterLab 3+/4 and the docker-stacks start scripts: ServerApp.*, and NotebookApp.*
 *   through the notebook_shim / nbclassic shim LabApp mixes in, from all three files.
 */
export type JupyterAppKind = 'notebook' | 'server' | 'lab';

export const JUPYTER_APPS: Record<JupyterAppKind, { names: string[]; classes: ReadonlySet<string> }> = {
  notebook: { names: ['jupyter_notebook_config'], classes: new Set(['NotebookApp']) },
  server: { names: ['jupyter_server_config'], classes: new Set(['ServerApp', 'IdentityProvider', 'PasswordIdentityProvider']) },
  lab: { names: JUPYTER_NAMES, classes: JUPYTER_CLASSES },
};

/** The config files of an app's names in the folders given, whether or not their text is kept. */
export function jupyterConfigFiles(dirs: string[], kind: JupyterAppKind = 'lab'): string[] {
  const out: string[] = [];
  for (const name of JUPYTER_APPS[kind].names) {
    for (const dir of dirs) for (const ext of ['py', 'json']) out.push(`${dir === '/' ? '' : dir}/${name}.${ext}`);
  }

  return out;
}

/**
 * The settings a server reads from the config folders given (highest priority first): for each
 * file name, traitlets' _load_config_files reads the folders from the lowest priority up, .py
 * then .json in each, and a later file overrides an earlier one. A file outside the folders
 * (~/.jupyter while JUPYTER_CONFIG_DIR points elsewhere) is not read. Only the files and
 * classes the app reads count (JUPYTER_APPS).
 */
export function jupyterSettingsIn(state: ImageState, dirs: string[], kind: JupyterAppKind = 'lab'): JupyterSettings {
  const out: JupyterSettings = { lines: {} };
  const app = JUPYTER_APPS[kind];
  for (const name of app.names) {
    for (let i = dirs.length - 1; i >= 0; i--) {
      for (const ext of ['py', 'json']) {
        const path = `${dirs[i] === '/' ? '' : dirs[i]}/${name}.${ext}`;
        const entry = state.texts[path];
        if (entry) readJupyterFile(out, entry, ext === 'json', app.classes, path);
      }
    }
  }

  return out;
}

/** Recompute the settings derived from texts (call after any handler changed a text). */
export function refreshDerived(state: ImageState): void {
  state.sudoers = parseSudoers(state).rules;
  state.sshd = parseSshd(state);
  state.jupyter = parseJupyter(state);
}

/** A user's group ids as sudo sees them: the primary gid plus /etc/group memberships. */
export function userGroupsFor(state: ImageState, name: string): number[] {
  const u = userByName(state.accounts, name);
  if (!u) return [];
  const gids = [u.gid, ...state.accounts.group.filter((g) => g.members.includes(name)).map((g) => g.gid)];

  return gids.filter((g, i) => gids.indexOf(g) === i && groupByGid(state.accounts, g) !== undefined);
}
