// Privilege drops in the start command: the container starts as root and its command switches
// to another user before the workload runs (`gosu app python train.py`, `su-exec`, `setpriv`,
// `runuser -u`, `chroot --userspec`, `s6-setuidgid`). Each tool is modelled from its source or
// manual, cited at its function, and measured with buildah on Debian 12 where Debian ships it
// (tests/oracle/scenarios/privilege-drop.yaml); su-exec has no Debian package and is modelled
// from its source alone. Pure.

import type { Accounts, Capability, DropTool, ImageState, PasswdEntry, PrivilegeDrop, Process } from '../model/types.js';
import type { Identity } from '../access/evaluate.js';
import { groupByGid, groupByName, groupList, resolveExecUser, userByName, userByUid } from '../image/accounts.js';
import { normalizePath } from '../image/fs.js';
import { parseShell } from '../shell/parse.js';
import { expandWordStatic } from '../shell/words.js';
import { runAsIdentity } from './resolve.js';
import { afterInit } from './inits.js';
import type { StartCommand } from './entrypoints.js';

export interface DropEffect {
  drop: PrivilegeDrop;
  /** The process after the switch; absent when the tool fails (the workload never runs). */
  process?: Process;
  identity?: Identity;
}

/** One privileged call a tool makes, and what it prints when the process may not make it. */
interface Step {
  /** The capability the call needs, or 'root' for a tool that checks getuid() itself. */
  needs: Capability | 'root';
  error: string;
}

/** Who the tool switches to, and what else it changes. */
interface Target {
  uid: number;
  gid: number;
  /** As `id -G` prints them: the gid first, then the supplementary groups. */
  groups: number[];
  entry?: PasswdEntry;
  /** Environment the tool sets (HOME, USER, ...); null means the whole environment is replaced. */
  env: Record<string, string>;
  replaceEnv?: boolean;
  /** The working directory the tool changes to (chroot: /). */
  cwd?: string;
}

type Outcome =
  | { ok: true; target: Target; steps: Step[]; written: string[]; command: string[] }
  | { ok: false; error: string; written: string[]; command: string[] }
  /** Options the model does not follow: no switch is assumed. */
  | undefined;

const TOOLS: ReadonlySet<string> = new Set<DropTool>(['gosu', 'su-exec', 'setpriv', 'runuser', 'chroot', 's6-setuidgid']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash']);
/** Init programs that run their arguments as a child, with their own identity. */
/** A program whose text is not known but that, by its name, is an entrypoint script. */
const SCRIPT_NAME = /(\.(sh|bash)$|entrypoint)/;

const base = (w: string) => w.slice(w.lastIndexOf('/') + 1);

interface Found {
  words: string[];
  /** Index in the start command of the word the tool's words come from. */
  index: number;
  /** An entrypoint script the tool's words are passed to. */
  via?: string;
}

/**
 * Where a drop tool is in the start command: first in it, after an init (tini, dumb-init), in
 * the last command of a `sh -c` script (with or without `exec`), or in the arguments of an
 * entrypoint script (`entrypoint.sh gosu app ...`), which is then assumed to run them.
 */
export function locateDrop(argv: string[], env: Record<string, string>): Found | undefined {
  let via: string | undefined;
  for (let i = 0; i < argv.length; ) {
    const name = base(argv[i]);
    if (TOOLS.has(name)) return { words: argv.slice(i), index: i, via };
    const next = afterInit(argv, i);
    if (next !== undefined) {
      i = next;
      continue;
    }
    const script = SHELLS.has(name) ? shellScript(argv, i + 1) : undefined;
    if (script !== undefined) {
      const words = lastCommand(script, env);
      const inner = words ? locateDrop(words, env) : undefined;
      return inner && inner.index === 0 ? { words: inner.words, index: i, via: via ?? inner.via } : undefined;
    }
    if (via !== undefined || !SCRIPT_NAME.test(name)) return undefined;
    via = argv[i];
    i++;
  }

  return undefined;
}

/** The script of `sh [-o opt] -c SCRIPT` (SHELL ["/bin/bash", "-o", "pipefail", "-c"] too). */
function shellScript(argv: string[], from: number): string | undefined {
  for (let j = from; j < argv.length && /^[-+]/.test(argv[j]); j++) {
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(argv[j])) return argv[j + 1];
    if (argv[j] === '-o' || argv[j] === '+o') j++;
  }

  return undefined;
}

/**
 * The words of the command a `sh -c` script ends with (`exec` dropped), when they are literal or
 * use only variables the environment holds; the command that runs last is the workload.
 */
function lastCommand(text: string, env: Record<string, string>): string[] | undefined {
  let script;
  try {
    script = parseShell(text);
  } catch {
    return undefined;
  }
  const item = script.items.at(-1);
  if (!item || item.background) return undefined;
  const pipeline = item.andOr.rest.at(-1)?.pipeline ?? item.andOr.first;
  const cmd = pipeline.commands.length === 1 ? pipeline.commands[0] : undefined;
  if (cmd?.type !== 'cmd') return undefined;
  const words: string[] = [];
  for (const w of cmd.args) {
    const e = expandWordStatic(w, (n) => env[n]);
    if (!e.exact) return undefined;
    words.push(e.value);
  }

  return words[0] === 'exec' ? words.slice(1) : words;
}

/**
 * The switch the start command makes, judged for the process the container starts as. undefined
 * when the command holds no drop tool, or one with options the model does not follow.
 */
export function applyPrivilegeDrop(image: ImageState, from: Process, start: StartCommand): DropEffect | undefined {
  const found = locateDrop(start.argv, from.env);
  if (!found) return undefined;
  const tool = base(found.words[0]) as DropTool;
  const acc = image.accounts;
  const outcome = TOOL_MODELS[tool](acc, found.words, from);
  if (!outcome) return undefined;

  const drop: PrivilegeDrop = {
    tool,
    written: outcome.written.join(' '),
    command: outcome.command,
    from,
    needs: outcome.ok ? [...new Set(outcome.steps.flatMap((s) => (s.needs === 'root' ? [] : [s.needs])))] : [],
    source: found.index < start.entryLength ? (start.entryFromRun ? 'run' : 'entrypoint') : start.cmdFromRun ? 'run' : 'cmd',
  };
  if (found.via !== undefined) {
    drop.assumption = {
      id: 'entrypoint:runs-arguments',
      subject: found.via,
      text: `${found.via} is taken to run its arguments (${drop.written} ...) as its last step, as entrypoint scripts do with exec "$@"; its text is not known, so what it does before runs as uid ${from.uid} and is not judged`,
      confidence: 'medium',
    };
  }
  if (!outcome.ok) return { drop: { ...drop, error: outcome.error } };

  const refused = outcome.steps.find((s) => (s.needs === 'root' ? from.uid !== 0 : !from.caps.has(s.needs)));
  if (refused) return { drop: { ...drop, error: refused.error } };

  const process = switched(acc, from, outcome.target);

  return { drop, process, identity: runAsIdentity(process) };
}

/** The process after the switch: no capabilities unless it stays uid 0 (capabilities(7)). */
function switched(acc: Accounts, from: Process, t: Target): Process {
  const entry = t.entry ?? userByUid(acc, t.uid);
  const env = t.replaceEnv ? { ...t.env } : { ...from.env, ...t.env };
  const homeSet = t.env.HOME !== undefined;

  return {
    ...from,
    uid: t.uid,
    gid: t.gid,
    groups: t.groups,
    userName: entry?.name,
    groupName: groupByGid(acc, t.gid)?.name,
    hasPasswdEntry: entry !== undefined,
    home: homeSet ? t.env.HOME : from.home,
    homeFrom: homeSet ? (t.env.HOME === '/' && !entry ? 'default' : 'passwd') : from.homeFrom === 'env' ? 'env' : 'start',
    cwd: t.cwd ?? from.cwd,
    // A setuid from 0 clears the permitted and effective sets, and a non-root execve gets none.
    caps: t.uid === 0 ? from.caps : new Set(),
    env,
  };
}

/** The ids a group list holds, primary first, without repeats. */
function idList(gid: number, rest: number[]): number[] {
  return [gid, ...rest].filter((g, i, all) => all.indexOf(g) === i);
}

// ---------------------------------------------------------------- gosu

/**
 * tianon/gosu (main.go, setup-user.go), 1.14 on Debian 12, measured:
 * - USER[:GROUP] is resolved as the engines resolve --user (moby/sys user.GetExecUser), from the
 *   ids gosu runs with: a uid with no entry keeps the current gid; a GROUP means no
 *   supplementary groups; a name alone adds the /etc/group lines naming it.
 * - it unsets HOME and sets it to the entry's home ("/" without one): -e HOME is overridden.
 * - setgroups, setgid, setuid in that order; as a non-root user setgroups is refused
 *   (CAP_SETGID), and every failure prints `error: failed switching to "SPEC": <Go's errno text>`.
 */
function gosu(acc: Accounts, words: string[], from: Process): Outcome {
  const [tool, spec, ...command] = words;
  if (spec === undefined || ['--help', '-h', '-?', '--version', '-v'].includes(spec)) return undefined;
  const written = [tool, spec];
  if (command.length === 0) return { ok: false, error: `Usage: ${tool} user-spec command [args]`, written, command };
  const r = resolveExecUser(acc, spec, from);
  if (!r.ok) return { ok: false, error: `error: failed switching to "${spec}": ${r.error}`, written, command };
  const u = r.user;
  const refused = `error: failed switching to "${spec}": operation not permitted`;

  return {
    ok: true,
    target: {
      uid: u.uid,
      gid: u.gid,
      groups: idList(u.gid, u.supplementary),
      entry: u.name !== undefined ? userByName(acc, u.name) : undefined,
      env: { HOME: u.home },
    },
    steps: setIdSteps(from, u.uid, u.gid, { groups: refused, gid: refused, uid: refused }),
    written,
    command,
  };
}

/** setgroups (always), setgid and setuid (when the id changes), with each one's message. */
function setIdSteps(from: Process, uid: number, gid: number, say: { groups: string; gid: string; uid: string }): Step[] {
  return [
    { needs: 'CAP_SETGID', error: say.groups },
    ...(gid !== from.gid ? [{ needs: 'CAP_SETGID', error: say.gid } as Step] : []),
    ...(uid !== from.uid ? [{ needs: 'CAP_SETUID', error: say.uid } as Step] : []),
  ];
}

// ---------------------------------------------------------------- su-exec

/**
 * ncopa/su-exec (su-exec.c); not measured: no Debian package, and the oracle has no Alpine base.
 * - USER is a number (uid; its passwd entry, if any, gives gid and home) or a name (getpwnam);
 *   an empty USER means the current uid's entry. Without an entry the gid stays the current one.
 * - HOME is always set: the entry's home, else "/".
 * - with GROUP (number or getgrnam) the supplementary list is that group alone; without, it is
 *   getgrouplist(name, gid) for an entry, else the gid alone.
 * - setgroups, setgid, setuid; failures print `su-exec: setgroups: <strerror>` and the like
 *   (err(3): the program name, the call, the C library's text for errno).
 */
function suExec(acc: Accounts, words: string[], from: Process): Outcome {
  const [tool, spec, ...command] = words;
  if (spec === undefined) return undefined;
  const written = [tool, spec];
  if (command.length === 0) return { ok: false, error: `Usage: ${tool} user-spec command [args]`, written, command };
  const [user, group] = spec.includes(':') ? [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)] : [spec, undefined];
  let uid = from.uid;
  let entry: PasswdEntry | undefined;
  if (/^\d+$/.test(user)) uid = Number(user);
  else if (user !== '') {
    entry = userByName(acc, user);
    // The text err(3) adds after the colon is the C library's word for errno, not known here.
    if (!entry) return { ok: false, error: `${tool}: getpwnam(${user})`, written, command };
  }
  entry ??= userByUid(acc, uid);
  let gid = entry ? entry.gid : from.gid;
  if (entry) uid = entry.uid;
  const named = group !== undefined && group !== '';
  if (named) {
    const g = /^\d+$/.test(group) ? Number(group) : groupByName(acc, group)?.gid;
    if (g === undefined) return { ok: false, error: `${tool}: getgrnam(${group})`, written, command };
    gid = g;
  }
  const groups = !named && entry ? groupList(acc, entry.name, gid) : [gid];
  const eperm = 'Operation not permitted';

  return {
    ok: true,
    target: { uid, gid, groups, entry, env: { HOME: entry ? entry.home : '/' } },
    steps: setIdSteps(from, uid, gid, {
      groups: !named && entry ? `${tool}: setgroups: ${eperm}` : `${tool}: setgroups(${gid}): ${eperm}`,
      gid: `${tool}: setgid(${gid}): ${eperm}`,
      uid: `${tool}: setuid(${uid}): ${eperm}`,
    }),
    written,
    command,
  };
}

// ---------------------------------------------------------------- setpriv

const SETPRIV_VALUED = new Set([
  'ruid', 'euid', 'rgid', 'egid', 'reuid', 'regid', 'groups', 'inh-caps', 'ambient-caps', 'bounding-set',
  'securebits', 'pdeathsig', 'ptracer', 'selinux-label', 'apparmor-profile', 'landlock-access', 'landlock-rule',
  'seccomp-filter',
]);
const SETPRIV_FLAGS = new Set(['nnp', 'no-new-privs', 'clear-groups', 'keep-groups', 'init-groups', 'reset-env']);

/** _PATH_DEFPATH and _PATH_DEFPATH_ROOT of util-linux (include/pathnames.h), set by --reset-env. */
const DEFPATH = '/usr/local/bin:/bin:/usr/bin';
const DEFPATH_ROOT = '/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin';

/**
 * util-linux setpriv (sys-utils/setpriv.c; 2.38 on Debian 12, measured):
 * - options stop at the first word that is not one ("+" in its getopt string).
 * - --reuid/--ruid take a name (getpwnam) or a number (its entry, if any, is kept for
 *   --init-groups and --reset-env); --regid/--rgid/--egid a group name or number.
 * - --[re]gid needs one of --keep-groups, --clear-groups, --init-groups, --groups; without
 *   --regid the gid stays the current one (root's 0), and without a groups option the
 *   supplementary groups are kept.
 * - --init-groups is initgroups(name, the entry's gid), so it needs an entry.
 * - HOME and the rest of the environment are kept unless --reset-env, which clears it and sets
 *   HOME, USER, LOGNAME and SHELL from the entry and PATH to the default path.
 * - setresuid, then setresgid, then the groups call: each refused call exits with
 *   `setpriv: setresuid failed: Operation not permitted` and the like.
 */
function setpriv(acc: Accounts, words: string[], from: Process): Outcome {
  const o: Record<string, string | true> = {};
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i];
    if (w === '--') {
      i++;
      break;
    }
    if (!w.startsWith('--')) break;
    const eq = w.indexOf('=');
    const name = w.slice(2, eq === -1 ? undefined : eq);
    if (SETPRIV_VALUED.has(name)) {
      const value = eq === -1 ? words[++i] : w.slice(eq + 1);
      if (value === undefined) return undefined;
      o[name] = value;
    } else if (SETPRIV_FLAGS.has(name) && eq === -1) o[name] = true;
    else return undefined;
  }
  const written = words.slice(0, i);
  const command = words.slice(i);
  const fail = (error: string): Outcome => ({ ok: false, error: `setpriv: ${error}`, written, command });
  if (command.length === 0) return fail('No program specified');
  // Two of the same option, or the two spellings of one id, are refused before anything else.
  if ((o.reuid && (o.ruid || o.euid)) || (o.regid && (o.rgid || o.egid))) return undefined;
  const groupsOpts = ['clear-groups', 'keep-groups', 'init-groups', 'groups'].filter((k) => o[k] !== undefined);
  if (groupsOpts.length > 1) return undefined;

  let entry: PasswdEntry | undefined;
  let ruid: number | undefined;
  let euid: number | undefined;
  for (const k of ['reuid', 'ruid', 'euid'] as const) {
    const v = o[k];
    if (typeof v !== 'string') continue;
    const e = userByName(acc, v);
    const n = e ? e.uid : strtol(v);
    if (n === undefined) return fail(`failed to parse ${k}: '${v}'`);
    // Only --ruid and --reuid keep the entry (get_passwd); --euid takes the number (get_user).
    if (k !== 'euid') entry = e ?? userByUid(acc, n);
    if (k !== 'euid') ruid = n;
    if (k !== 'ruid') euid = n;
  }
  let gid: number | undefined;
  for (const k of ['regid', 'rgid', 'egid'] as const) {
    const v = o[k];
    if (typeof v !== 'string') continue;
    const n = groupByName(acc, v)?.gid ?? strtol(v);
    if (n === undefined) return fail(`failed to parse ${k}: '${v}'`);
    if (k !== 'rgid' || gid === undefined) gid = n;
  }
  if (gid !== undefined && groupsOpts.length === 0) {
    return fail('--[re]gid requires --keep-groups, --clear-groups, --init-groups, or --groups');
  }
  if (o['init-groups'] && ruid === undefined) return fail('--init-groups requires --ruid or --reuid');
  if (o['init-groups'] && !entry) {
    return fail(`uid ${ruid} not found, --init-groups requires an user that can be found on the system`);
  }

  const uid = euid ?? ruid ?? from.uid;
  const newGid = gid ?? from.gid;
  let supplementary: number[];
  let groupsCall: string | undefined;
  if (typeof o.groups === 'string') {
    supplementary = [];
    for (const g of o.groups.split(',')) {
      const n = groupByName(acc, g)?.gid ?? strtol(g);
      if (n === undefined) return undefined;
      supplementary.push(n);
    }
    groupsCall = 'setgroups failed';
  } else if (o['init-groups']) {
    supplementary = groupList(acc, entry!.name, entry!.gid);
    groupsCall = 'initgroups failed';
  } else if (o['clear-groups']) {
    supplementary = [];
    groupsCall = 'setgroups failed';
  } else {
    // Kept: the list the process started with, its gid among them (measured with buildah).
    supplementary = from.groups;
  }

  const env: Record<string, string> = {};
  if (o['reset-env']) {
    const pw = entry ?? userByUid(acc, from.uid);
    if (from.env.TERM !== undefined) env.TERM = from.env.TERM;
    env.SHELL = pw?.shell || '/bin/sh';
    if (pw) Object.assign(env, { HOME: pw.home, USER: pw.name, LOGNAME: pw.name });
    env.PATH = pw && pw.uid === 0 ? DEFPATH_ROOT : DEFPATH;
  }
  const eperm = ': Operation not permitted';
  const steps: Step[] = [
    ...(uid !== from.uid ? [{ needs: 'CAP_SETUID', error: `setpriv: setresuid failed${eperm}` } as Step] : []),
    ...(newGid !== from.gid ? [{ needs: 'CAP_SETGID', error: `setpriv: setresgid failed${eperm}` } as Step] : []),
    ...(groupsCall ? [{ needs: 'CAP_SETGID', error: `setpriv: ${groupsCall}${eperm}` } as Step] : []),
  ];

  return {
    ok: true,
    target: { uid, gid: newGid, groups: idList(newGid, supplementary), entry, env, replaceEnv: Boolean(o['reset-env']) },
    steps,
    written,
    command,
  };
}

/** A number as strtol_or_err takes it (decimal digits); undefined for anything else. */
function strtol(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

// ---------------------------------------------------------------- runuser

/**
 * util-linux runuser -u USER [--] COMMAND (login-utils/su-common.c and runuser(1); 2.38 on
 * Debian 12, measured):
 * - only root may use it (`runuser: may not be used by non-root users`).
 * - USER is a name in /etc/passwd; HOME and SHELL, and USER and LOGNAME for a non-root user,
 *   come from its entry unless -m/-p keep the environment; the working directory stays.
 * - groups: initgroups(name, gid), unless -g GROUP (the gid) or -G GROUP (added; the first is
 *   the gid when there is no -g) give the list.
 * - its getopt permutes: an option word anywhere before `--` is its own, so `runuser -u app
 *   bash -c x` refuses -c as an option that cannot go with -u.
 */
function runuser(acc: Accounts, words: string[], from: Process): Outcome {
  let user: string | undefined;
  let group: string | undefined;
  const supp: string[] = [];
  let preserve = false;
  const operands: string[] = [];
  let i = 1;
  let exclusive = false;
  for (; i < words.length; i++) {
    const w = words[i];
    if (w === '--') {
      operands.push(...words.slice(i + 1));
      break;
    }
    const takes = (short: string, long: string) => w === short || w === long || w.startsWith(`${long}=`) || (w.startsWith(short) && w.length > 2 && !w.startsWith('--'));
    const value = (short: string, long: string) => (w === short || w === long ? words[++i] : w.startsWith(`${long}=`) ? w.slice(long.length + 1) : w.slice(2));
    if (takes('-u', '--user')) user = value('-u', '--user');
    else if (takes('-g', '--group')) group = value('-g', '--group');
    else if (takes('-G', '--supp-group')) supp.push(value('-G', '--supp-group') ?? '');
    else if (w === '-m' || w === '-p' || w === '--preserve-environment') preserve = true;
    else if (['-c', '--command', '-s', '--shell', '-f', '--fast', '-l', '--login', '-', '--session-command'].some((x) => w === x || w.startsWith(`${x}=`) || (x.length === 2 && w.startsWith(x)))) {
      exclusive = true;
      if (/^(-c|--command|-s|--shell|--session-command)$/.test(w)) i++;
    } else if (w.startsWith('-') && w !== '-') return undefined;
    else operands.push(w);
  }
  if (user === undefined) return undefined;
  const written = words.slice(0, words.length - operands.length);
  const command = operands;
  const fail = (error: string): Outcome => ({ ok: false, error: `runuser: ${error}`, written, command });
  if (exclusive) return fail('options --{shell,fast,command,session-command,login} and --user are mutually exclusive');
  if (command.length === 0) return undefined;
  if (from.uid !== 0) return fail('may not be used by non-root users');
  const entry = userByName(acc, user);
  if (!entry) return fail(`user ${user} does not exist or the user entry does not contain all the required fields`);
  let gid = entry.gid;
  let groups = groupList(acc, entry.name, entry.gid);
  if (group !== undefined || supp.length > 0) {
    // A group name missing from /etc/group: runuser's words for it were not measured.
    const ids = supp.map((g) => groupByName(acc, g)?.gid);
    const primary = group !== undefined ? groupByName(acc, group)?.gid : ids[0];
    if (primary === undefined || ids.some((n) => n === undefined)) return undefined;
    gid = primary;
    groups = idList(gid, ids as number[]);
  }
  const env: Record<string, string> = preserve ? {} : { HOME: entry.home, SHELL: entry.shell || '/bin/sh' };
  if (!preserve && entry.uid !== 0) Object.assign(env, { USER: entry.name, LOGNAME: entry.name });

  return {
    ok: true,
    target: { uid: entry.uid, gid, groups, entry, env },
    steps: [
      { needs: 'root', error: 'runuser: may not be used by non-root users' },
      { needs: 'CAP_SETGID', error: 'runuser: cannot set groups: Operation not permitted' },
      ...(entry.uid !== from.uid ? [{ needs: 'CAP_SETUID', error: 'runuser: cannot set user id: Operation not permitted' } as Step] : []),
    ],
    written,
    command,
  };
}

// ---------------------------------------------------------------- chroot

/**
 * GNU coreutils chroot --userspec=USER[:GROUP] [--groups=LIST] [--skip-chdir] NEWROOT COMMAND
 * (src/chroot.c; 9.1 on Debian 12, measured). Only NEWROOT "/" is modelled: another root is
 * another file system, which the model does not follow.
 * - chroot(2) is called even for "/" (CAP_SYS_CHROOT), then the working directory becomes /
 *   unless --skip-chdir.
 * - USER is a name or uid, GROUP a name or gid; without GROUP the gid is the entry's, and a uid
 *   with no entry and no GROUP is refused. The supplementary groups are --groups, else
 *   getgrouplist(name, gid) when the uid has an entry (also with an explicit GROUP), else none.
 * - HOME is left as it is.
 */
function chroot(acc: Accounts, words: string[], from: Process): Outcome {
  const tool = words[0];
  let userspec: string | undefined;
  let groupsOpt: string | undefined;
  let skipChdir = false;
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i];
    if (w === '--') {
      i++;
      break;
    }
    if (!w.startsWith('--')) break;
    if (w.startsWith('--userspec=')) userspec = w.slice(11);
    else if (w === '--userspec') userspec = words[++i];
    else if (w.startsWith('--groups=')) groupsOpt = w.slice(9);
    else if (w === '--groups') groupsOpt = words[++i];
    else if (w === '--skip-chdir') skipChdir = true;
    else return undefined;
  }
  const root = words[i];
  if (userspec === undefined || root === undefined || normalizePath(root, from.cwd) !== '/') return undefined;
  const written = words.slice(0, i + 1);
  const command = words.slice(i + 1);
  if (command.length === 0) return undefined;
  const fail = (error: string): Outcome => ({ ok: false, error: `${tool}: ${error}`, written, command });

  const spec = userspec.endsWith(':') ? userspec.slice(0, -1) : userspec;
  const colon = spec.indexOf(':');
  const userPart = colon === -1 ? spec : spec.slice(0, colon);
  const groupPart = colon === -1 ? undefined : spec.slice(colon + 1);
  let uid: number | undefined;
  if (userPart !== '') {
    uid = userByName(acc, userPart)?.uid ?? strtol(userPart);
    if (uid === undefined) return fail('invalid user');
  }
  let gid: number | undefined;
  if (groupPart !== undefined && groupPart !== '') {
    gid = groupByName(acc, groupPart)?.gid ?? strtol(groupPart);
    if (gid === undefined) return fail('invalid group');
  }
  const entry = uid !== undefined ? userByUid(acc, uid) : undefined;
  if (uid !== undefined && gid === undefined) {
    if (!entry) return fail(`no group specified for unknown uid: ${uid}`);
    gid = entry.gid;
  }
  let supplementary: number[] | undefined;
  if (groupsOpt !== undefined && groupsOpt !== '') {
    supplementary = [];
    for (const g of groupsOpt.split(',')) {
      const n = groupByName(acc, g)?.gid ?? strtol(g);
      if (n === undefined) return fail(`invalid group '${g}'`);
      supplementary.push(n);
    }
  } else if (uid !== undefined) supplementary = entry && gid !== undefined ? groupList(acc, entry.name, gid) : [];
  const newUid = uid ?? from.uid;
  const newGid = gid ?? from.gid;
  const eperm = 'Operation not permitted';

  return {
    ok: true,
    target: {
      uid: newUid,
      gid: newGid,
      groups: idList(newGid, supplementary ?? from.groups),
      entry,
      env: {},
      cwd: skipChdir ? undefined : '/',
    },
    steps: [
      { needs: 'CAP_SYS_CHROOT', error: `${tool}: cannot change root directory to '${root}': ${eperm}` },
      ...(supplementary ? [{ needs: 'CAP_SETGID', error: `${tool}: failed to set supplemental groups: ${eperm}` } as Step] : []),
      ...(newGid !== from.gid ? [{ needs: 'CAP_SETGID', error: `${tool}: failed to set group-ID: ${eperm}` } as Step] : []),
      ...(newUid !== from.uid ? [{ needs: 'CAP_SETUID', error: `${tool}: failed to set user-ID: ${eperm}` } as Step] : []),
    ],
    written,
    command,
  };
}

// ---------------------------------------------------------------- s6-setuidgid

/**
 * skarnet s6-setuidgid ACCOUNT PROG (https://skarnet.org/software/s6/s6-setuidgid.html; s6 2.11
 * on Debian 12, measured): ACCOUNT is a name (uid, gid and the /etc/group memberships) or
 * uid:gid (no supplementary groups); empty, it changes nothing. HOME is left as it is. It runs
 * s6-envuidgid and s6-applyuidgid, whose words the failures carry.
 */
function s6(acc: Accounts, words: string[], from: Process): Outcome {
  const [tool, account, ...command] = words;
  if (account === undefined || account === '' || account.startsWith('-') || command.length === 0) return undefined;
  const written = [tool, account];
  let uid: number;
  let gid: number;
  let groups: number[];
  let entry: PasswdEntry | undefined;
  const ids = /^(\d+):(\d+)$/.exec(account);
  if (ids) {
    uid = Number(ids[1]);
    gid = Number(ids[2]);
    groups = [gid];
  } else if (account.includes(':')) {
    return undefined;
  } else {
    entry = userByName(acc, account);
    if (!entry) return { ok: false, error: `s6-envuidgid: fatal: unknown user: ${account}`, written, command };
    uid = entry.uid;
    gid = entry.gid;
    groups = groupList(acc, entry.name, gid);
  }
  const fatal = 's6-applyuidgid: fatal: unable to';
  const eperm = 'Operation not permitted';

  return {
    ok: true,
    target: { uid, gid, groups, entry, env: {} },
    steps: setIdSteps(from, uid, gid, {
      groups: `${fatal} set supplementary group list: ${eperm}`,
      gid: `${fatal} setgid: ${eperm}`,
      uid: `${fatal} setuid: ${eperm}`,
    }),
    written,
    command,
  };
}

const TOOL_MODELS: Record<DropTool, (acc: Accounts, words: string[], from: Process) => Outcome> = {
  gosu,
  'su-exec': suExec,
  setpriv,
  runuser,
  chroot,
  's6-setuidgid': s6,
};
