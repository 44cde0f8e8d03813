// Security-relevant settings read back from the config texts the build wrote: sudo rules
// (sudoers and sudoers.d), sshd's login settings and Jupyter's server settings. Pure: everything
// comes from ImageState.texts and the file-metadata tree.

import type { ImageState, JupyterSettings, SshdSettings, SudoRule } from '../../model/types.js';
import { baseName, normalizePath, parentOf } from '../../image/fs.js';
import { groupByGid, groupByName, userByName } from '../../image/accounts.js';

// ---------------------------------------------------------------- sudoers

export interface SudoersParse {
  rules: SudoRule[];
  /** Files sudo would refuse or skip, with the reason, e.g. "/etc/sudoers.d/x is world writable". */
  problems: string[];
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
    .filter((p) => !baseName(p).includes('.') && !baseName(p).endsWith('~'))
    .sort();
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

function parseUserSpec(line: string, file: string, lineNo: number | undefined, aliases: Map<string, string[]>): SudoRule[] {
  const firstSpace = line.search(/\s/);
  if (firstSpace < 0) return [];
  const whoText = line.slice(0, firstSpace);
  const rest = line.slice(firstSpace).trim();
  const whoList = whoText.split(',').flatMap((w) => aliases.get(w) ?? [w]);
  const rules: SudoRule[] = [];

  for (const group of splitSpec(rest)) {
    let body = group.body.replace(/^\([^)]*\)\s*/, '');
    let nopasswd = false;
    let tag: RegExpMatchArray | null;

    // Tags such as NOPASSWD: SETENV: precede the commands; the last PASSWD/NOPASSWD wins.
    while ((tag = body.match(/^([A-Z_]+):\s*/)) !== null && /^(NO)?[A-Z_]+$/.test(tag[1])) {
      if (tag[1] === 'NOPASSWD') nopasswd = true;
      if (tag[1] === 'PASSWD') nopasswd = false;
      body = body.slice(tag[0].length);
    }
    const commands = body.split(',').flatMap((c) => aliases.get(c.trim()) ?? [c.trim()]).join(', ');

    for (const who of whoList) {
      if (who.startsWith('!')) continue;
      rules.push({ who, nopasswd, commands, file, ...(lineNo !== undefined ? { line: lineNo } : {}) });
    }
  }

  return rules;
}

/** Parse /etc/sudoers and what it includes, the way sudo reads them (sudoers(5)). */
export function parseSudoers(state: ImageState, root = '/etc/sudoers'): SudoersParse {
  const rules: SudoRule[] = [];
  const problems: string[] = [];
  const aliases = new Map<string, string[]>();
  const seen = new Set<string>();

  const read = (path: string, top: boolean): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const entry = state.texts[path];
    if (!entry) return;

    const bad = insecure(state, path);
    if (bad) {
      problems.push(top ? `${bad}; sudo refuses to run with it` : `${bad}; sudo ignores it`);
      return;
    }

    for (const { text } of logicalLines(entry.content)) {
      const line = text.trim();
      const inc = line.match(/^[@#](includedir|include)\s+(\S+)/);
      if (inc) {
        const target = normalizePath(inc[2], parentOf(path));
        if (inc[1] === 'includedir') for (const f of includedirFiles(state, target)) read(f, false);
        else read(target, false);
        continue;
      }

      if (line === '' || line.startsWith('#') && !/^#\d/.test(line)) continue;
      const content = line.replace(/\s#(?!\d).*$/, '');
      if (/^Defaults\b/.test(content)) continue;

      const alias = content.match(/^(User|Runas|Host|Cmnd|Cmd)_Alias\s+(.*)$/);
      if (alias) {
        for (const def of alias[2].split(':')) {
          const [k, v = ''] = def.split('=', 2);
          aliases.set(k.trim(), v.split(',').map((x) => x.trim()).filter(Boolean));
        }
        continue;
      }

      rules.push(...parseUserSpec(content, path, entry.line, aliases));
    }
  };

  read(root, true);

  return { rules, problems };
}

export interface SudoUser {
  name?: string;
  uid: number;
  groups: number[];
}

export interface SudoVerdict {
  usable: boolean;
  nopasswd: boolean;
  rule?: SudoRule;
  reason: string;
}

function ruleMatches(state: ImageState, rule: SudoRule, user: SudoUser): boolean {
  const who = rule.who;
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

/**
 * Would sudo give this user root? sudo must be installed setuid root, a rule must name the
 * user (sudo uses the LAST matching rule), and it must either be NOPASSWD or the user must have
 * a password to type.
 */
export function sudoAllows(state: ImageState, user: SudoUser): SudoVerdict {
  const bin = state.fs.get('/usr/bin/sudo');
  if (!bin && !state.packages.sudo) return { usable: false, nopasswd: false, reason: 'sudo is not installed' };
  if (bin && (bin.uid !== 0 || (bin.mode & 0o4000) === 0)) {
    return { usable: false, nopasswd: false, reason: '/usr/bin/sudo is not setuid root' };
  }

  const parsed = parseSudoers(state);
  const fatal = parsed.problems.find((p) => p.includes('refuses'));
  if (fatal) return { usable: false, nopasswd: false, reason: fatal };

  if (user.uid === 0) return { usable: true, nopasswd: true, reason: 'the user is already root' };

  const matching = parsed.rules.filter((r) => ruleMatches(state, r, user));
  const rule = matching.at(-1);
  const label = user.name ?? `uid ${user.uid}`;
  if (!rule) {
    // An included file sudo skips as unsafe is the usual reason a rule written for the user is
    // not there: say which.
    const ignored = parsed.problems.filter((p) => p.endsWith('sudo ignores it'));
    const why = ignored.length > 0 ? ` (${ignored.join('; ')})` : '';
    return { usable: false, nopasswd: false, reason: `no sudoers rule names ${label} or one of its groups${why}` };
  }

  const where = `${rule.file}${rule.line !== undefined ? ` (Dockerfile line ${rule.line})` : ''}`;
  if (rule.nopasswd) {
    return { usable: true, nopasswd: true, rule, reason: `rule "${rule.who} ... NOPASSWD: ${rule.commands}" in ${where}` };
  }

  const pw = user.name !== undefined ? state.accounts.passwords[user.name] : undefined;
  const hasPw = pw === 'set' || pw === 'empty';
  const reason = hasPw
    ? `rule "${rule.who} ... ${rule.commands}" in ${where} asks for ${label}'s password`
    : `rule "${rule.who} ... ${rule.commands}" in ${where} asks for a password ${label} does not have`;

  return { usable: hasPw, nopasswd: false, rule, reason };
}

// ---------------------------------------------------------------- sshd

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');

  return new RegExp(`^${body}$`);
}

/**
 * sshd_config: keywords are case-insensitive and the FIRST value given wins (sshd(8) / 
 * sshd_config(5)); Include expands globs in order, relative paths from /etc/ssh; settings after
 * a Match line belong to that block and are not global.
 */
export function parseSshd(state: ImageState, root = '/etc/ssh/sshd_config'): SshdSettings {
  const out: SshdSettings = { lines: {} };
  const keys: Record<string, 'permitRootLogin' | 'passwordAuthentication' | 'permitEmptyPasswords'> = {
    permitrootlogin: 'permitRootLogin',
    passwordauthentication: 'passwordAuthentication',
    permitemptypasswords: 'permitEmptyPasswords',
  };
  const seen = new Set<string>();
  let inMatch = false;

  const read = (path: string): void => {
    if (seen.has(path) || !state.texts[path]) return;
    seen.add(path);
    const entry = state.texts[path];

    for (const raw of entry.content.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const m = line.match(/^(\S+)\s*(?:=\s*|\s+)(.*)$/);
      if (!m) continue;
      const key = m[1].toLowerCase();
      const value = m[2].trim().replace(/^"(.*)"$/, '$1');

      if (key === 'match') inMatch = true;
      if (inMatch) continue;

      if (key === 'include') {
        for (const pat of value.split(/\s+/)) {
          const full = normalizePath(pat, '/etc/ssh');
          const re = globToRegExp(full);
          Object.keys(state.texts).filter((p) => re.test(p)).sort().forEach(read);
        }
        continue;
      }

      const field = keys[key];
      if (field && out[field] === undefined) {
        out[field] = value;
        if (entry.line !== undefined) out.lines[field] = entry.line;
      }
    }
  };

  read(root);

  return out;
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

function applyJupyter(out: JupyterSettings, key: string, value: unknown, line: number | undefined): void {
  const set = (field: 'allowRoot' | 'token' | 'password' | 'ip', v: string | boolean) => {
    (out as unknown as Record<string, unknown>)[field] = v;
    if (line !== undefined) out.lines[field] = line;
  };

  if (key === 'allow_root' && typeof value === 'boolean') set('allowRoot', value);
  if (key === 'token' && typeof value === 'string') set('token', value);
  if ((key === 'password' || key === 'hashed_password') && typeof value === 'string') set('password', value);
  if (key === 'ip' && typeof value === 'string') set('ip', value);
}

/**
 * Jupyter's traitlets config files (jupyter_server_config.py / .json and the notebook/lab
 * ones): later assignments win, files read in path order.
 */
export function parseJupyter(state: ImageState): JupyterSettings {
  const out: JupyterSettings = { lines: {} };
  const files = Object.keys(state.texts).filter((p) => JUPYTER_FILE.test(baseName(p))).sort();

  for (const path of files) {
    const entry = state.texts[path];
    if (path.endsWith('.json')) {
      let data: unknown;
      try {
        data = JSON.parse(entry.content);
      } catch {
        continue;
      }
      for (const [cls, body] of Object.entries((data ?? {}) as Record<string, unknown>)) {
        if (!JUPYTER_CLASSES.has(cls) || typeof body !== 'object' || body === null) continue;
        for (const [k, v] of Object.entries(body)) applyJupyter(out, k, v, entry.line);
      }
      continue;
    }

    for (const raw of entry.content.split('\n')) {
      const m = raw.trim().match(/^c\.(\w+)\.(\w+)\s*=\s*(.+)$/);
      if (!m || !JUPYTER_CLASSES.has(m[1])) continue;
      applyJupyter(out, m[2], pyValue(m[3]), entry.line);
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
