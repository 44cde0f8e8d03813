// Commands that start other commands (sh -c, su, sudo, gosu, runuser, env, xargs, ...) and the
// small utilities whose answer other commands depend on (id, whoami, getent, test, echo, cat).
// Each follows the real tool's option handling and wording: util-linux for su, runuser and
// setpriv; sudo 1.9; gosu and su-exec; coreutils for id, whoami, env, test, echo, printf, cat.

import type { BuildIdentity, ChildSetup, CmdResult, CommandHandler, ExecContext, StartupFiles } from '../context.js';
import { OK, fail } from '../context.js';
import type { ImageState, PasswdEntry } from '../../model/types.js';
import {
  formatGroup,
  formatId,
  formatPasswd,
  groupByGid,
  groupByName,
  memberGroups,
  pamAccountCheck,
  parseId,
  userByName,
  userByUid,
} from '../../image/accounts.js';
import { baseName, contentsUnknown, isUnder, normalizePath, parentOf as parentOfPath, resolvePath } from '../../image/fs.js';
import { DEFAULT_PATH } from '../../image/state.js';
import { testExpression, type Tri } from '../test-expr.js';
import { CONTAINER_HOST, parseSudoers, refreshDerived, ruleSetenv, sudoEnvPolicy, sudoRequiresTty, sudoRootDecision, sudoRun, type SudoCommand, type SudoHostName, type SudoRunas } from './config.js';

// ---------------------------------------------------------------- output whose text is unknown

const UNKNOWN_OUTPUT = { stdoutUnknown: true } as const;

/** Mark a result as printing something the model cannot predict (a download, an unknown file). */
export function unknownOutput(r: CmdResult): CmdResult {
  // Object.assign, not a spread: a spread copy with a key added gets a hidden class of its own
  // each time, and every handler's result is read at one place (Walker.dispatch).
  return Object.assign({}, r, UNKNOWN_OUTPUT);
}

/** A script the model cannot read ran: its possible writes are marked where the context can. */
function unfollowed(ctx: ExecContext, reason: string, paths: string[]): void {
  if (ctx.unfollowedScript !== undefined) ctx.unfollowedScript(reason, paths);
  else ctx.unknown(reason, paths);
}

export function hasUnknownOutput(r: CmdResult): boolean {
  return r.stdoutUnknown === true;
}

/**
 * Commands that print nothing on standard output when they succeed (unless asked to be
 * verbose): for them, a result without output means none.
 */
const SILENT = new Set([
  ':', 'true', 'false', '[', '[[', 'test', 'chattr', 'chgrp', 'chmod', 'chown', 'chpasswd', 'cp', 'ln', 'mkdir', 'mv', 'rm',
  'rmdir', 'install', 'touch', 'useradd', 'usermod', 'groupadd', 'groupmod', 'groupdel',
]);

/** The file tools' verbose switch (`mkdir -pv`, `cp -av`, `--verbose`), which prints a line per file. */
const VERBOSE_TOOLS = new Set(['chgrp', 'chmod', 'chown', 'cp', 'ln', 'mkdir', 'mv', 'rm', 'rmdir', 'install']);

/**
 * What a handled command printed, or undefined when that is unknown. A handler's result says
 * so when it knows (its stdout, or stdoutUnknown); one without output is empty only for the
 * commands that print nothing. Any other (apk --print-arch, dpkg --print-architecture, pip
 * show, git rev-parse, conda info) prints text the model does not compute, so
 * `arch="$(dpkg --print-architecture)"` is unknown, not empty.
 */
export function outputOf(name: string, argv: readonly string[], r: CmdResult): string | undefined {
  if (r.stdoutUnknown === true) return undefined;
  if (r.stdout !== undefined) return r.stdout;
  if (!SILENT.has(name)) return undefined;
  if (VERBOSE_TOOLS.has(name)) {
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--') break;
      if (a === '--verbose' || (a.length > 1 && a.charCodeAt(0) === 45 && a.charCodeAt(1) !== 45 && a.includes('v'))) return undefined;
    }
  }

  return '';
}

// ---------------------------------------------------------------- harmless commands

/** Commands that only read or print: they change no file, user or group the model tracks. */
const READ_ONLY = new Set([
  'ls', 'grep', 'egrep', 'fgrep', 'head', 'tail', 'wc', 'sort', 'uniq', 'cut', 'tr', 'awk',
  'gawk', 'mawk', 'date', 'sleep', 'uname', 'nproc', 'stat', 'file', 'du', 'df', 'ps',
  'printenv', 'basename', 'dirname', 'realpath', 'readlink', 'md5sum', 'sha1sum', 'sha256sum',
  'sha512sum', 'diff', 'cmp', 'tput', 'locale', 'lsb_release', 'free', 'uptime', 'yes', 'seq',
  'jq', 'base64', 'od', 'hexdump', 'strings', 'ldd', 'tree', 'less', 'more', 'column', 'fold',
  'paste', 'rev', 'tac', 'nl', 'expr', 'arch', 'getconf', 'dpkg-query', 'sync',
  'ldconfig', 'update-ca-certificates', 'hostname', 'lscpu', 'nvcc', 'env-update',
  'gpg', 'openssl', 'tee-null', 'logger', 'clear', 'mountpoint', 'namei', 'gpgconf', 'dpkg-architecture',
]);

/** Interpreters that are harmless only with an inline program (`python -c '...'`). */
const INLINE_OK = new Set(['python', 'python2', 'python3', 'node', 'perl', 'ruby']);

/**
 * What in an inline program writes files or runs other programs: opening for writing, making,
 * moving, linking or removing paths, changing modes and owners, downloads and model caches
 * (`from_pretrained`, `snapshot_download`), subprocesses. Most inline programs only print a
 * version or import a module; one that matches is not followed, rather than taken as a no-op.
 */
const INLINE_WRITES = new RegExp([
  // Python: open(..., 'w'|'a'|'x'|'+'), pathlib writes, os/shutil calls, model downloads.
  String.raw`\bopen\([^)]*,\s*(?:mode\s*=\s*)?[rbt]*['"][^'"]*[wax+]`,
  // Names that are also common harmless methods (str.replace, dict.copy, a run or call of
  // one's own) count only with their module (os.replace, shutil.copy; subprocess below).
  String.raw`\.write(?:_text|_bytes)?\(`, String.raw`\b(?:makedirs|mkdir|mkdtemp|chmod|chown|lchown|rename|renames|remove|removedirs|unlink|rmdir|rmtree|symlink|touch|copy2|copyfile|copytree|system|popen|Popen|check_call|check_output|execv|execvp|urlretrieve|snapshot_download|hf_hub_download|from_pretrained|save_pretrained|extractall)\s*\(`,
  String.raw`\b(?:os\.(?:replace|link)|shutil\.(?:copy|move)|torch\.save|np\.save|nltk\.download|spacy\.cli\.download)\s*\(`,
  String.raw`\bsubprocess\b`, String.raw`\bnltk\.download\b`,
  // Perl: open with >, >>, +< (of a bareword or a `my $fh` handle); backticks, qx, system.
  String.raw`\bopen\s*\(?\s*(?:my\s+)?\$?\w+\s*,\s*['"]?\s*(?:>|\+<|\|)`, String.raw`\bqx[({/]`, String.raw`\``,
  // Node: fs writes, child processes.
  String.raw`\b(?:writeFile|appendFile|mkdir|copyFile|cp|rm|rename|symlink|unlink|chmod|chown|exec|execSync|spawn|spawnSync|execFileSync)(?:Sync)?\s*\(`,
  // Ruby: File.write, FileUtils.
  String.raw`\bFile\.(?:write|open\([^)]*['"][wa])|\bFileUtils\b|\bDir\.mkdir\b`,
].join('|'));

/**
 * An interpreter's inline program (`python3 -c CODE`, `perl -e`, `node -e`, `ruby -e`, or the
 * program it reads from its input: `python3 <<EOF`, `python3 -`) that writes files or runs
 * programs (INLINE_WRITES): the absolute paths its code names, which it most likely writes.
 * undefined for any other command, or code that does not write.
 */
export function inlineWrites(name: string, argv: readonly string[], stdin?: string): string[] | undefined {
  if (!/^python[23]?(\.\d+)?$/.test(name) && !INLINE_OK.has(name)) return undefined;
  const at = argv.findIndex((a, i) => i > 0 && (a === '-c' || a === '-e'));
  // No script named (only options, or `-`): the program is its input.
  const fromInput = at < 0 && stdin !== undefined && argv.slice(1).every((a) => a === '-' || (a.startsWith('-') && a !== '-m'));
  const code = at > 0 ? argv[at + 1] : fromInput ? stdin : undefined;
  if (code === undefined || !INLINE_WRITES.test(code)) return undefined;

  return codePaths(code);
}

/** The absolute paths a program's code names, quoted, after perl's open modes (">/opt/x"). */
export function codePaths(code: string): string[] {
  return [...code.matchAll(/['"][<>+]*\s*(\/[^'"\s]*[^'"\s/])['"]/g)].map((m) => normalizePath(m[1]));
}

/**
 * Whether a command the model does not interpret can be taken as a no-op that succeeds.
 * find with -delete/-exec, or an interpreter running a script file, are not harmless.
 */
export function isHarmless(name: string, argv: string[]): boolean {
  const rest = argv.slice(1);
  if (rest.length === 1 && ['--version', '-V', '--help', '-version'].includes(rest[0])) return true;
  if (name === 'find') return !rest.some((a) => /^-(delete|exec|execdir|ok|okdir|fprint.*|fls)$/.test(a));
  if (/^python3?(\.\d+)?$/.test(name) || INLINE_OK.has(name)) {
    if (rest[0] === '-m' && rest[1] === 'site') return true;
    return (rest[0] === '-c' || rest[0] === '-e') && inlineWrites(name, argv) === undefined;
  }
  if (name === 'dpkg') {
    return rest.length > 0 && /^(-l|-s|-L|-S|--print-architecture|--list|--status)$/.test(rest[0]);
  }
  if (name === 'rpm') return rest.length > 0 && /^-q/.test(rest[0]);
  if (name === 'apk') return rest[0] === 'info';

  return READ_ONLY.has(name);
}

// ---------------------------------------------------------------- helpers

const ERRNO_TEXT = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
};

/** A word as sh reads it back unchanged: bare when it holds nothing special, else single-quoted. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function allGroups(ident: { gid: number; groups: number[] }): number[] {
  return [ident.gid, ...ident.groups].filter((g, i, all) => all.indexOf(g) === i);
}

/** Identity of a passwd entry with its /etc/group memberships (initgroups(3)). */
function loginIdentity(ctx: ExecContext, name: string): BuildIdentity | undefined {
  const u = userByName(ctx.state.accounts, name);
  if (!u) return undefined;

  return ctx.lookupIdentity(u.name);
}

function isRoot(ctx: ExecContext): boolean {
  return ctx.ident.uid === 0;
}

/** Packages whose presence a catalog entry always states: absent from its list means absent. */
const CATALOG_TRACKED = new Set(['sudo', 'openssh-server', 'sshd']);

function installed(state: ImageState, name: string): boolean | 'unknown' {
  if (Object.hasOwn(state.packages, name)) return true;
  // Unless a step the model did not follow may have installed packages (its effect names the
  // folders they go to): then the folders decide, as for any program.
  if (CATALOG_TRACKED.has(name) && state.provenance.some((p) => p.source === 'catalog') && !state.unknowns.some((u) => u.paths.includes('/usr/bin'))) return false;
  for (const dir of DEFAULT_PATH.split(':')) {
    const r = resolvePath(state.fs, `${dir}/${name}`);
    if (r.meta) return true;
  }
  const dirs = DEFAULT_PATH.split(':').map((d) => state.fs.get(resolvePath(state.fs, d).path));

  return dirs.some((m) => m?.kind === 'dir' && m.partial) ? 'unknown' : false;
}

/**
 * The shell's "not found" (exit 127) for a command the image does not have, in the words of the
 * shell running it: dash and BusyBox ash "not found", bash (RHEL's /bin/sh too) "command not
 * found" after `line N:` (measured in the oracle suite).
 */
export function notFound(ctx: ExecContext, name: string): CmdResult {
  // A login shell's PATH after /etc/profile.d scripts the model does not read (profile.ts).
  if (!name.includes('/') && ctx.pathUnknown?.() === true) {
    ctx.unknown(`whether ${name} is on PATH is not known: scripts the model does not read may have added folders to it`);
    return unknownOutput({ status: 'unknown' });
  }
  const flavor = (ctx.shell ?? flavorOf(ctx.state)) as Flavor;
  const error = notFoundWords(flavor);
  const text = ctx.shellError?.(name, error) ?? shellErrorLine(flavor, '/bin/sh', 1, name, error);

  return { status: 127, stderr: [text] };
}

/** A shell's words for a program not found: bash "command not found", dash and ash "not found". */
export function notFoundWords(flavor: Flavor): string {
  return flavor === 'bash' ? 'command not found' : 'not found';
}

/**
 * The line a shell prints about a program it could not start, measured in the oracle suite:
 * dash "/bin/sh: 1: /opt/a.sh: Permission denied", bash "/bin/bash: line 1: ...", BusyBox
 * ash "/bin/sh: /opt/a.sh: Permission denied" (no line). argv0 is the shell's $0.
 */
export function shellErrorLine(flavor: Flavor, argv0: string, line: number, program: string, error: string): string {
  const at = flavor === 'dash' ? `${line}: ` : flavor === 'bash' ? `line ${line}: ` : '';

  return `${argv0}: ${at}${program}: ${error}`;
}

export type Flavor = 'dash' | 'bash' | 'ash';

/** The shell a program name runs: bash, dash or ash by name, else the image's /bin/sh. */
export function flavorOf(state: ImageState, shell = '/bin/sh'): Flavor {
  const name = baseName(shell);
  if (name === 'bash' || name === 'dash' || name === 'ash') return name;
  // zsh is read with bash's grammar and builtins (source, [[ ]], arrays), which it shares; its
  // own error words are not modelled, so a failure in it is worded as bash words it.
  if (name === 'zsh') return 'bash';
  if (state.distro === 'alpine') return 'ash';
  if (state.distro === 'rhel') return 'bash';

  return 'dash';
}

/** debian:TAG and ubuntu:TAG themselves, whose package lists the catalog has. */
export const PLAIN_DISTRO = /^(?:docker\.io\/)?(?:library\/)?(?:debian|ubuntu)(?:[:@]|$)/;

/**
 * A download or version-control tool by name on the plain Debian and Ubuntu images, which ship
 * none of curl, wget and git until their package is installed (measured: failures/no-curl).
 */
export function missingOnPlainImage(ctx: ExecContext, argv0: string): CmdResult | undefined {
  if (argv0.includes('/') || !PLAIN_DISTRO.test(ctx.state.base)) return undefined;

  return notInstalled(ctx, argv0) ? notFound(ctx, argv0) : undefined;
}

/**
 * A shell given a script file it cannot open says so and stops (measured with dash 0.5.12 and
 * bash 5.2): one that is not there, or one the user may not read. BusyBox ash and zsh are not
 * worded; nor is a file whose existence the model does not know.
 */
export function scriptFileError(ctx: ExecContext, argv0: string, script: string): CmdResult | undefined {
  const name = baseName(argv0);
  if (name !== 'bash' && name !== 'dash' && name !== 'sh') return undefined;
  const flavor = flavorOf(ctx.state, name);
  if (flavor === 'ash') return undefined;
  if (script === '-') return undefined;
  const path = normalizePath(script, ctx.cwd);
  const found = resolvePath(ctx.state.fs, path);
  let why: string;
  if (found.meta === undefined) {
    // A folder a guess filled (a COPY source of unknown kind) may hold it after all.
    const guessed = ctx.state.assumptions.some((a) => a.paths?.some((p) => isUnder(path, p) || isUnder(p, parentOfPath(path))));
    if (found.unknown || guessed) return undefined;
    why = flavor === 'bash' ? 'No such file or directory' : 'No such file';
  } else {
    const v = ctx.access(path, 'read');
    if (v.allowed || v.errno !== 'EACCES') return undefined;
    why = 'Permission denied';
  }
  if (flavor === 'bash') return { status: why === 'Permission denied' ? 126 : 127, stderr: [`${argv0}: ${script}: ${why}`] };

  return { status: 2, stderr: [`${argv0}: 0: cannot open ${script}: ${why}`] };
}

/** The text of a script file the model keeps (copied in or written by a step), else undefined. */
export function knownScript(state: ImageState, cwd: string, file: string): string | undefined {
  const r = resolvePath(state.fs, normalizePath(file, cwd));
  if (r.meta?.kind !== 'file') return undefined;

  return state.texts[r.path]?.content;
}

/**
 * The shell a script's `#!` line names (`#!/bin/bash`, `#!/usr/bin/env bash`, `#!/bin/sh -e`),
 * with its options; undefined for another interpreter or none.
 */
export function scriptShell(text: string): string[] | undefined {
  const m = /^#!\s*(\S+)(?:[ \t]+([^\n]*?))?[ \t]*(?:\n|$)/.exec(text);
  if (!m) return undefined;
  const words = [m[1], ...(m[2] ? m[2].split(/[ \t]+/) : [])];
  const at = baseName(words[0]) === 'env' ? 1 : 0;
  const sh = words[at];
  if (sh === undefined || !/^(sh|bash|dash)$/.test(baseName(sh))) return undefined;

  return words.slice(at);
}

// ---------------------------------------------------------------- shells

/**
 * sh -c 'script' [$0 [args...]], sh -e -c, bash -lc, sh < stdin, `bash -`; a script file is
 * unknown, unless the shell cannot open it (scriptFileError).
 */
const shell: CommandHandler = (ctx, argv) => {
  const name = baseName(argv[0]);
  let errexit = false;
  let pipefail = false;
  let nounset = false;
  let i = 1;
  let command: string | undefined;
  // -s: the script comes from standard input and the words after it are its arguments
  // (`curl ... | sh -s -- -y`, the rustup installer).
  let fromInput = false;
  // -l, --login, -i: it reads startup files first (a login shell /etc/profile).
  let startupFiles: StartupFiles = false;

  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o' || a === '+o') {
      if (argv[i + 1] === 'pipefail') pipefail = a === '-o';
      if (argv[i + 1] === 'errexit') errexit = a === '-o';
      if (argv[i + 1] === 'nounset') nounset = a === '-o';
      i++;
      continue;
    }
    if (a === '--') {
      i++;
      break;
    }
    // `curl ... | bash -`: a lone - ends the options; the script comes from standard input.
    if (a === '-') {
      fromInput = true;
      i++;
      break;
    }
    if (a === '--login') {
      startupFiles = 'login';
      continue;
    }
    if (!/^[-+][a-zA-Z]+$/.test(a)) break;
    for (const ch of a.slice(1)) {
      if (ch === 'l') startupFiles = 'login';
      if (ch === 'i' && startupFiles === false) startupFiles = true;
      if (ch === 'e') errexit = a[0] === '-';
      if (ch === 'u') nounset = a[0] === '-';
      if (ch === 'c') command = '';
      if (ch === 's') fromInput = true;
    }
  }

  const prefix = `${errexit ? 'set -e; ' : ''}${pipefail ? 'set -o pipefail; ' : ''}${nounset ? 'set -u; ' : ''}`;
  if (command !== undefined) {
    const src = argv[i];
    if (src === undefined) return { status: 2, stderr: [`${name}: -c: option requires an argument`] };
    const args = argv.slice(i + 1);
    // $0 is the shell as it was started: `/bin/bash -c` words its errors "/bin/bash: line 1: ...".
    return ctx.runScript(prefix + src, undefined, args.length > 0 ? args : [argv[0]], startupFiles);
  }

  if (i < argv.length && !fromInput) {
    const refused = scriptFileError(ctx, argv[0], argv[i]);
    if (refused !== undefined) return refused;
    // A script whose text the build put there (COPY from the context, a heredoc): its lines
    // run in this shell, $0 its path as given.
    const known = knownScript(ctx.state, ctx.cwd, argv[i]);
    if (known !== undefined && (name === 'bash' || name === 'sh' || name === 'dash')) {
      return ctx.runScript(prefix + known, undefined, [argv[i], ...argv.slice(i + 1)], startupFiles, undefined, name);
    }
    unfollowed(ctx, `the script ${argv[i]} run by ${name} is not known`, argv.slice(i + 1).filter((a) => a.startsWith('/') && a.length > 1));
    return unknownOutput({ status: 'unknown' });
  }
  if (ctx.stdin === undefined) {
    unfollowed(ctx, `the script ${name} reads from its input is not known`, []);
    return unknownOutput({ status: 'unknown' });
  }

  return ctx.runScript(prefix + ctx.stdin, undefined, [argv[0], ...(fromInput ? argv.slice(i) : [])]);
};

// ---------------------------------------------------------------- switching users

/**
 * What the target's login shell does with `-c CMD` (nologin and false refuse). login: su -,
 * sudo -i: the shell starts in the target's home and reads /etc/profile (and files the model
 * does not know). setup: the environment, umask and folder the tool gives it.
 */
function viaShell(
  ctx: ExecContext,
  ident: BuildIdentity,
  shellPath: string,
  cmd: string | undefined,
  args: string[],
  login: boolean,
  setup?: ChildSetup,
  byPath = false,
): CmdResult {
  const sh = baseName(shellPath);
  // nologin prints this on its standard output and exits 1 (util-linux login-utils/nologin.c);
  // it is the failure's only words, which the build log shows (measured:
  // probe-misc2/su-nologin, probe-misc2/sudo-i-nologin).
  if (sh === 'nologin') return { status: 1, stderr: ['This account is currently not available.'] };
  if (sh === 'false') return { status: 1 };

  const prefix = login ? 'cd "$HOME" 2>/dev/null; ' : '';
  const files: StartupFiles = login ? 'login' : false;
  // The shell's $0, which its messages begin with. su starts it by its name, a login shell with
  // '-' before it (util-linux su-common.c run_shell); sudo -i the same ("Convert /bin/sh -> -sh
  // so shell knows it is a login shell", sudoers.c), sudo -s by the path it found (byPath).
  // Measured: "-sh: 1: conda: not found" (sudo-path/su-login-conda), "-bash: line 1: ..."
  // (sudo-path/sudo-i-conda), "/bin/sh: 1: ..." (sudo-path/sudo-s-conda).
  const argv0 = login ? `-${sh}` : byPath ? shellPath : sh;
  if (cmd !== undefined) return ctx.runScript(prefix + cmd, ident, [argv0, ...args], files, setup);
  if (ctx.stdin === undefined) {
    ctx.unknown('the commands given to the shell on its input are not known');
    return unknownOutput({ status: 'unknown' });
  }

  return ctx.runScript(prefix + ctx.stdin, ident, [argv0, ...args], files, setup);
}

/**
 * The PATH a login environment gets. util-linux su --login: login.defs ENV_SUPATH for root,
 * ENV_PATH for the others (su-common.c, set_path), here Debian 12's /etc/login.defs values; a
 * login.defs without them (RHEL's) gives util-linux's _PATH_DEFPATH_ROOT and _PATH_DEFPATH
 * (pathnames.h), an assumption for that family. BusyBox su (Alpine) sets its built-in paths
 * (libbb/messages.c, bb_PATH_root_path and bb_default_path).
 */
function loginPath(st: ImageState, uid: number): string {
  if (st.distro === 'alpine') return uid === 0 ? '/sbin:/usr/sbin:/bin:/usr/bin' : '/bin:/usr/bin';
  if (st.distro === 'rhel') return uid === 0 ? '/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin' : '/usr/local/bin:/bin:/usr/bin';

  return uid === 0 ? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' : '/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games';
}

/**
 * The environment su and runuser give the shell (util-linux su-common.c, modify_environment):
 * --login clears it but for TERM, then sets HOME, SHELL, USER, LOGNAME and PATH (measured:
 * probe-envpass/su-login-drops-env, probe-misc2/su-login-path); without it HOME and SHELL are
 * set, and USER and LOGNAME unless the target is root; -m/-p keeps it whole, and is ignored
 * with --login (su(1); measured: probe-sudo/su-m-keeps-home).
 */
function suSetup(ctx: ExecContext, entry: PasswdEntry, shellPath: string, login: boolean, preserve: boolean): ChildSetup {
  if (login) {
    return {
      keep: (k) => k === 'TERM',
      set: [['HOME', entry.home], ['SHELL', shellPath], ['USER', entry.name], ['LOGNAME', entry.name], ['PATH', loginPath(ctx.state, entry.uid)]],
    };
  }
  if (preserve) return {};
  const set: [string, string][] = [['HOME', entry.home], ['SHELL', shellPath]];
  if (entry.uid !== 0) set.push(['USER', entry.name], ['LOGNAME', entry.name]);

  return { set };
}

interface SuArgs {
  login: boolean;
  /** -m, -p, --preserve-environment. */
  preserve: boolean;
  command?: string;
  shell?: string;
  user: string;
  rest: string[];
}

function parseSu(argv: string[]): SuArgs | string {
  const out: SuArgs = { login: false, preserve: false, user: 'root', rest: [] };
  let user: string | undefined;

  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (user !== undefined && out.command === undefined && !a.startsWith('-')) {
      out.rest.push(...argv.slice(i));
      break;
    }
    if (a === '-' || a === '-l' || a === '--login') out.login = true;
    else if (a === '-c' || a === '--command') out.command = argv[++i];
    else if (a.startsWith('--command=')) out.command = a.slice(10);
    else if (a === '-s' || a === '--shell') out.shell = argv[++i];
    else if (a.startsWith('--shell=')) out.shell = a.slice(8);
    else if (/^(-m|-p|--preserve-environment)$/.test(a)) out.preserve = true;
    else if (/^(-P|--pty)$/.test(a)) continue;
    else if (a === '-g' || a === '-G' || a === '-w' || a === '--group' || a === '--supp-group') i++;
    else if (a === '--') continue;
    else if (/^-[lmpP]+c$/.test(a)) {
      out.login ||= a.includes('l');
      out.preserve ||= /[mp]/.test(a);
      out.command = argv[++i];
    } else if (a.startsWith('-')) return a;
    else if (user === undefined) user = a;
    else out.rest.push(a);
  }
  if (user !== undefined) out.user = user;

  return out;
}

function noUser(tool: string, name: string): string {
  return `${tool}: user ${name} does not exist or the user entry does not contain all the required fields`;
}

/** util-linux su: root switches without a password; anyone else fails without a terminal. */
const su: CommandHandler = (ctx, argv) => {
  const p = parseSu(argv);
  const busybox = ctx.state.distro === 'alpine';
  if (typeof p === 'string') return fail(`su: invalid option -- '${p.replace(/^-+/, '')}'`);

  const entry = userByName(ctx.state.accounts, p.user);
  if (!entry) {
    return fail(busybox ? `su: unknown user ${p.user}` : noUser('su', p.user));
  }
  // PAM asks for a password unless the caller is root (pam_rootok); a RUN step has no terminal.
  if (!isRoot(ctx)) return fail(busybox ? 'su: incorrect password' : 'su: Authentication failure');
  const account = busybox ? undefined : suAccountCheck(ctx, p.user);
  if (account) return account;

  const ident = loginIdentity(ctx, p.user)!;
  const refused = switchCaps(ctx, busybox ? 'busybox su' : 'su', ident);
  if (refused) return refused;
  const shellPath = p.shell ?? entry.shell;

  return viaShell(ctx, ident, shellPath, p.command, p.rest, p.login, suSetup(ctx, entry, shellPath, p.login, p.preserve));
};

/**
 * The PAM account stage su runs after pam_rootok lets root through (util-linux su-common.c
 * supam_authenticate: pam_acct_mgmt, then pam_chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK) when a new
 * password is required). Debian's and Ubuntu's /etc/pam.d/su include common-account, whose
 * pam_unix line is `[success=1 new_authtok_reqd=done default=ignore]` before pam_deny: an
 * expired account (usermod -e, chage -E) prints pam_unix's remark and su fails with
 * "Authentication failure"; a password change required (passwd -e, chage -d 0) asks for the
 * current password, which a step cannot give: "Authentication token manipulation error"
 * (measured: accounts/su-expired-account, su-chage-expired, su-password-expired; exit 1).
 * runuser has no account stage (/etc/pam.d/runuser), and a locked password does not count.
 */
function suAccountCheck(ctx: ExecContext, user: string): CmdResult | undefined {
  const check = pamAccountCheck(ctx.state.accounts, user);
  if (check.result === 'ok') return undefined;
  const debianPam = ctx.state.distro === 'debian' || ctx.state.distro === 'ubuntu';
  if (check.result === 'unknown' || !debianPam) {
    const why = check.result === 'unknown' ? check.why : `${ctx.state.distro}'s PAM stack for su is not modelled`;
    ctx.unknown(`su ${user}: whether PAM's account check lets it through is not known (${why})`);
    return unknownOutput({ status: 'unknown' });
  }
  if (check.result === 'new-authtok') {
    const prompt = ctx.state.accounts.passwords[user] === 'empty' ? '' : 'Current password: ';
    return fail(check.message, `${prompt}su: Authentication token manipulation error`);
  }

  return fail(check.message, 'su: Authentication failure');
}

/**
 * util-linux su and runuser, as root, change identity with initgroups, setgid and setuid in that
 * order (login-utils/su-common.c: init_groups, change_identity), each needing its capability:
 * without CAP_SETGID the group list is refused even for root itself, without CAP_SETUID the
 * switch to another uid (measured with util-linux 2.38 under --cap-drop SETGID, SETUID and ALL:
 * launchers-caps/su-drop-*, runuser-drop-*; exit 1). BusyBox su's words are not measured.
 */
function switchCaps(ctx: ExecContext, tool: 'su' | 'runuser' | 'busybox su', ident: BuildIdentity): CmdResult | undefined {
  if (!isRoot(ctx)) return undefined;
  const caps = ctx.ident.caps;
  const groups = caps.has('CAP_SETGID');
  const uid = ident.uid === ctx.ident.uid || caps.has('CAP_SETUID');
  if (groups && uid) return undefined;
  if (tool === 'busybox su') {
    ctx.unknown(`su runs as root without ${groups ? 'CAP_SETUID' : 'CAP_SETGID'}: BusyBox su's failure is not measured, so whether it switches is not known`);
    return unknownOutput({ status: 'unknown' });
  }

  return fail(`${tool}: ${groups ? 'cannot set user id' : 'cannot set groups'}: Operation not permitted`);
}

/**
 * sg GROUP [-c] COMMAND: COMMAND through /bin/sh -c with GROUP as the primary group and the
 * old groups kept beside it. Root may take any group; another user one it belongs to, else
 * sg asks for the group's password, which a build cannot give (measured with shadow 4.13:
 * "Password: Invalid password.", 1; "sg: group 'x' does not exist", 1).
 */
const sg: CommandHandler = (ctx, argv) => {
  let i = 1;
  if (argv[i] === '-') i++;
  const name = argv[i];
  if (name === undefined) return { status: 1, stderr: ['Usage: sg group [[-c] command]'] };
  let rest = argv.slice(i + 1);
  if (rest[0] === '-c') rest = rest.slice(1);
  const g = groupByName(ctx.state.accounts, name);
  if (!g) return { status: 1, stderr: [`sg: group '${name}' does not exist`] };
  const me = ctx.ident;
  const member = me.gid === g.gid || me.groups.includes(g.gid) || (me.name !== undefined && g.members.includes(me.name));
  if (!isRoot(ctx) && !member) return { status: 1, stderr: ['Password: Invalid password.'] };
  // With no command sg starts an interactive shell, which reads nothing in a build.
  if (rest.length === 0) return OK;
  const groups = [g.gid, ...me.groups.filter((x) => x !== g.gid)];
  if (!groups.includes(me.gid)) groups.push(me.gid);

  return ctx.runScript(rest.join(' '), { ...me, gid: g.gid, groups }, ['sh']);
};

/** runuser: su without PAM authentication, only for root; `-u USER cmd` runs cmd directly. */
const runuser: CommandHandler = (ctx, argv) => {
  if (!isRoot(ctx)) return fail('runuser: may not be used by non-root users');

  const u = argv.indexOf('-u');
  if (u > 0 || argv.some((a) => a.startsWith('--user='))) {
    const name = u > 0 ? argv[u + 1] : argv.find((a) => a.startsWith('--user='))!.slice(7);
    let rest = argv.slice(u > 0 ? u + 2 : argv.findIndex((a) => a.startsWith('--user=')) + 1);
    if (rest[0] === '--') rest = rest.slice(1);
    const ident = loginIdentity(ctx, name);
    if (!ident) return fail(noUser('runuser', name));
    const refused = switchCaps(ctx, 'runuser', ident);
    if (refused) return refused;
    if (rest.length === 0) {
      return viaShell(ctx, ident, userByName(ctx.state.accounts, name)!.shell, undefined, [], false);
    }
    return ctx.runArgv(rest, ident, ctx.stdin);
  }

  const p = parseSu(argv);
  if (typeof p === 'string') return fail(`runuser: invalid option -- '${p.replace(/^-+/, '')}'`);
  const entry = userByName(ctx.state.accounts, p.user);
  if (!entry) return fail(noUser('runuser', p.user));

  const shellPath = p.shell ?? entry.shell;
  const ident = loginIdentity(ctx, p.user)!;
  const refused = switchCaps(ctx, 'runuser', ident);
  if (refused) return refused;

  return viaShell(ctx, ident, shellPath, p.command, p.rest, p.login, suSetup(ctx, entry, shellPath, p.login, p.preserve));
};

/** sudo [-u USER] [-E] [-H] [-n] [-i|-s] [--] cmd args: sudo 1.9 option handling. */
const sudo: CommandHandler = (ctx, argv) => {
  const has = installed(ctx.state, 'sudo');
  if (has === false) return notFound(ctx, argv[0]);
  if (has === 'unknown') {
    ctx.unknown('whether sudo is installed is not known');
    return unknownOutput({ status: 'unknown' });
  }

  let target: string | undefined;
  let group: string | undefined;
  let preserveEnv = false;
  /** --preserve-env=LIST: these of the caller's variables are passed as if given as VAR=value. */
  const preserveList: string[] = [];
  let setHome = false;
  let nonInteractive = false;
  let shellMode = false;
  let loginShell = false;
  let readStdin = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '-u' || a === '--user') target = argv[++i];
    else if (a.startsWith('--user=')) target = a.slice(7);
    else if (a === '-g' || a === '--group') group = argv[++i];
    else if (a.startsWith('--group=')) group = a.slice(8);
    else if (a === '-C' || a === '-D' || a === '-h' || a === '-p') i++;
    else if (a.startsWith('--preserve-env=')) preserveList.push(...a.slice(15).split(',').filter(Boolean));
    else if (/^-[EHnisSkPA]+$/.test(a) || /^--(preserve-env|set-home|non-interactive|login|shell|stdin)$/.test(a)) {
      if ((a.includes('S') && !a.startsWith('--')) || a === '--stdin') readStdin = true;
      if ((/^-[A-Za-z]*E/.test(a) && !a.startsWith('--')) || a === '--preserve-env') preserveEnv = true;
      if ((/^-[A-Za-z]*H/.test(a) && !a.startsWith('--')) || a === '--set-home') setHome = true;
      if (a.includes('n') && a.startsWith('-') && !a.startsWith('--')) nonInteractive = true;
      if (a === '--non-interactive') nonInteractive = true;
      if (/^-[A-Za-z]*i/.test(a) || a === '--login') loginShell = true;
      else if (/^-[A-Za-z]*s/.test(a) || a === '--shell') shellMode = true;
    } else if (/^-u./.test(a)) target = a.slice(2);
    else if (/^-g./.test(a)) group = a.slice(2);
    else return fail(`sudo: invalid option -- '${a.slice(1, 2)}'`);
  }

  // -E with -i is a usage error, found before anything else (sudo's parse_args.c; measured with
  // sudo 1.9.13: the line, then the usage, exit 1). --preserve-env=LIST with -i is allowed.
  if (preserveEnv && loginShell) return fail('sudo: you may not specify both the -i and -E options', ...SUDO_USAGE);

  // Root reads sudoers with its effective uid set to 1 (set_perms.c PERM_SUDOERS: sudoers_mode
  // 0440 is group-readable, so "we use a non-zero uid in order to avoid NFS lossage"), which
  // needs CAP_SETUID whoever the command is for: without it the plugin stops before any rule is
  // read (measured with sudo 1.9.13 under --cap-drop SETUID and ALL: launchers-caps/sudo-drop-*).
  if (isRoot(ctx) && !ctx.ident.caps.has('CAP_SETUID')) return fail(...SUDO_NO_SETUID);

  // VAR=value words before the command are variables to set for it (sudo(8)).
  const vars: [string, string][] = [];
  for (; i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]); i++) {
    const eq = argv[i].indexOf('=');
    vars.push([argv[i].slice(0, eq), argv[i].slice(eq + 1)]);
  }
  for (const k of preserveList) {
    const v = ctx.env.get(k);
    if (v !== undefined) vars.push([k, v]);
  }
  // -i runs the target's login shell, and -s the caller's shell, with the command as a script.
  if (loginShell) shellMode = true;
  const cmd = argv.slice(i);
  const acc = ctx.state.accounts;
  const name = userByUid(acc, ctx.ident.uid)?.name ?? ctx.ident.name;
  // -g alone runs the command as the invoking user, with that group (sudo(8)).
  const userSpec = target ?? (group !== undefined ? name ?? String(ctx.ident.uid) : 'root');
  let ident = ctx.lookupIdentity(userSpec.startsWith('#') ? userSpec.slice(1) : userSpec);
  // Measured: an unknown name stops sudo as its policy plugin starts.
  if (!ident) return fail(`sudo: unknown user ${userSpec}`, 'sudo: error initializing audit plugin sudoers_audit');
  // `#UID` of no account is unknown too, unless runas_allow_unknown_id is set (sudoers(5);
  // measured: failures/sudo-u-unknown-uid).
  if (userSpec.startsWith('#') && !userByUid(acc, Number(userSpec.slice(1))) && !/runas_allow_unknown_id/.test(ctx.state.texts['/etc/sudoers']?.content ?? '')) {
    return fail(`sudo: unknown user ${userSpec}`);
  }
  const target0 = ident;
  let runGroup: { name?: string; gid: number } | undefined;
  if (group !== undefined) {
    const g = group.startsWith('#') ? groupByGid(acc, Number(group.slice(1))) : groupByName(acc, group);
    // Measured: a name stops the plugin from starting too; a #gid is refused later, alone.
    if (!g && group.startsWith('#')) return fail(`sudo: unknown group ${group}`);
    if (!g) return fail(`sudo: unknown group ${group}`, 'sudo: error initializing audit plugin sudoers_audit');
    runGroup = { name: g.name, gid: g.gid };
    // The group becomes the primary one, ahead of the target's own groups (measured: `sudo -g
    // staff id` as alice gives gid=50(staff) groups=50(staff),100(users),1000(alice)).
    ident = { ...ident, gid: g.gid, groups: [g.gid, ...ident.groups.filter((x) => x !== g.gid)] };
  }
  if (cmd.length === 0 && !shellMode) return fail('usage: sudo -h | -K | -k | -V');

  const user = { name, uid: ctx.ident.uid, groups: allGroups(ctx.ident) };
  const policy = sudoEnvPolicy(ctx.state, user);
  // sudo looks the command up on secure_path, or on the caller's PATH when sudoers sets none
  // (sudoers.c set_cmnd_path: `if (def_secure_path && !user_is_exempt()) path =
  // def_secure_path;`, else user_path; measured: sudo-path/custom-secure-path,
  // sudo-path/no-secure-path).
  const lookupDirs = searchDirs(policy.securePath ?? ctx.env.get('PATH') ?? DEFAULT_PATH);
  // Root's own rule in Debian's sudoers is ALL, which implies SETENV (sudoers(5)); a sudoers
  // with no rule for root is taken the same way (an assumption: root's policy is not checked).
  let setenv = !isRoot(ctx) || ruleSetenv(sudoRootDecision(ctx.state, parseSudoers(ctx.state), user).rule, true);
  if (isRoot(ctx)) {
    const noTty = requireTty(ctx, user);
    if (noTty) return noTty;
  }
  if (!isRoot(ctx)) {
    const bin = ctx.state.fs.get('/usr/bin/sudo');
    if (bin && (bin.uid !== 0 || (bin.mode & 0o4000) === 0)) {
      return fail('sudo: /usr/bin/sudo must be owned by uid 0 and have the setuid bit set');
    }
    // The rule that counts is the last one naming the user, the runas target AND this command
    // (sudoers(5)).
    const command = shellMode ? undefined : sudoCommand(ctx, cmd, lookupDirs);
    const runas: SudoRunas = { user: { name: target0.name, uid: target0.uid, gid: target0.gid }, userGiven: target !== undefined };
    if (runGroup) runas.group = runGroup;
    const o = sudoRun(ctx.state, user, command, runas, sudoHostName(ctx));
    const syntax = parseSudoers(ctx.state).syntaxErrors;
    const noTty = requireTty(ctx, user);
    if (noTty) return noTty;
    if (o.hostUnknown) {
      ctx.unknown(`sudo: the rule in ${o.hostUnknown.file} applies only on the hosts ${o.hostUnknown.hosts!.join(', ')}, and whether the container is one of them is not known`);
      return unknownOutput({ status: 'unknown' });
    }
    if (o.password && readStdin && !nonInteractive) {
      // -S reads the password from standard input (a RUN step has none: measured,
      // failures/sudo-S-no-input). A piped one is taken to be the account's: the model keeps
      // whether an account has a password, not what it is (failures/sudo-S-piped-password).
      const state = name !== undefined ? acc.passwords[name] : undefined;
      if (ctx.stdin === undefined || ctx.stdin === '') return fail(...syntax, 'sudo: a password is required');
      // An account with no usable password (locked, or none set) accepts none: sudo reads the
      // one line, refuses it, and finds no second try on its input (measured:
      // failures/sudo-S-locked-account).
      if (state === 'locked' || state === 'none') return fail(...syntax, 'Sorry, try again.', 'sudo: 1 incorrect password attempt');
      if (state !== 'set') {
        ctx.unknown(`sudo -S: ${name ?? `uid ${ctx.ident.uid}`} has no password the model knows of, so whether the one on its input is accepted is not known`, []);
        return { status: 'unknown' };
      }
      ctx.unknown(`sudo -S: the password on its input is taken to be ${name}'s`, []);
    } else if (o.password) {
      // sudo authenticates before it refuses; a RUN step has no terminal.
      return fail(
        ...syntax,
        ...(nonInteractive
          ? ['sudo: a password is required']
          : [
              'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper',
              'sudo: a password is required',
            ]),
      );
    }
    if (!o.runs) {
      // No password was asked, so sudo says why (measured, sudo 1.9.13).
      const who = name ?? `#${ctx.ident.uid}`;
      if (!o.listed) return fail(...syntax, `${who} is not in the sudoers file.`);
      const what = command ? [command.path ?? guessedPath(command.name), ...command.args].join(' ') : cmd.join(' ');
      const as = `${ident.name ?? `#${ident.uid}`}${runGroup ? `:${runGroup.name}` : ''}`;
      return fail(...syntax, `Sorry, user ${who} is not allowed to execute '${what}' as ${as} on ${sudoHost(ctx)}.`);
    }
    // "()" runs the command as the invoking user (measured: `sudo -n id` shows the user).
    if (o.asInvoker) ident = (name !== undefined ? ctx.lookupIdentity(name) : undefined) ?? ctx.ident;
    setenv = o.setenv;
  }

  // A command sudo does not find is its own error, after the password and the rules (sudoers.c
  // sudoers_policy_main: "Finally tell the user if the command did not exist", sudo_warnx
  // "%s: command not found" with the name as given, then `goto bad`: exit 1; measured:
  // sudo-path/not-on-secure-path-conda, sudo-path/not-found-by-path). Here for a path to
  // nothing, a folder or a file without an x bit; for a name, from what the command's own model
  // says once run (below).
  if (!shellMode && sudoCommand(ctx, cmd, lookupDirs).missing) return fail(`sudo: ${cmd[0]}: command not found`);

  // Without SETENV, -E is refused (sudoers.c: "sorry, you are not allowed to preserve the
  // environment"; measured: sudo-path/E-without-setenv), and only variables sudo would keep
  // anyway may be given (sudoers.c, which calls env.c validate_env_vars; measured:
  // probe-misc2/sudo-var-not-allowed).
  if (!setenv && preserveEnv) return fail('sudo: sorry, you are not allowed to preserve the environment');
  if (!setenv && vars.length > 0) {
    const bad = vars.filter(([k, v]) => (policy.securePath !== undefined && k === 'PATH') || (policy.envReset ? !sudoKeeps(policy.envKeep, k, v) : SUDO_BADENV.test(k)));
    if (bad.length > 0) {
      return fail(`sudo: sorry, you are not allowed to set the following environment variables: ${bad.map(([k]) => k).join(', ')}`);
    }
  }

  const setup = sudoSetup(ctx, ident, policy, { login: loginShell, preserveEnv, setHome, vars, invoker: name });
  // The command is found on secure_path, whatever PATH it is given (sudoers.c set_cmnd, which
  // looks it up on def_secure_path): a PATH passed with VAR=value or --preserve-env=PATH does
  // not change which program runs (measured: probe-misc4/sudo-preserve-path).
  let run = cmd;
  if (!shellMode && policy.securePath !== undefined && vars.some(([k]) => k === 'PATH') && !cmd[0].includes('/')) {
    const found = sudoCommand(ctx, cmd, lookupDirs).path;
    if (found !== undefined) run = [found, ...cmd.slice(1)];
  }

  // Root without CAP_SETGID passes the rules and stops as it switches: the runas gid first when
  // it changes, else the group list, then the command's own line (measured, sudo 1.9.13).
  if (isRoot(ctx) && !ctx.ident.caps.has('CAP_SETGID')) {
    const call = ident.gid !== ctx.ident.gid ? 'unable to change to runas gid' : 'unable to set runas group vector';
    return fail(`sudo: ${call}: Operation not permitted`, ...(shellMode ? [] : [`sudo: ${cmd[0]}: Operation not permitted`]));
  }

  if (shellMode) {
    // sudo gives the command to the shell as one -c string, each character but letters,
    // digits, '_', '-' and '$' escaped with a backslash (sudo's parse_args.c).
    const script = cmd.length > 0 ? cmd.map((a) => a.replace(/[^A-Za-z0-9_$-]/g, '\\$&')).join(' ') : undefined;
    if (loginShell) {
      // -i: the target's login shell, in the target's home (measured: probe-sudo/i-changes-dir,
      // probe-misc2/sudo-i-nologin).
      const entry = userByUid(acc, ident.uid);
      return viaShell(ctx, ident, entry?.shell || '/bin/sh', script, [], true, setup);
    }
    // -s: the shell of SHELL, else the caller's passwd entry (sudo(8)).
    const own = userByUid(acc, ctx.ident.uid)?.shell;
    return viaShell(ctx, ident, ctx.env.get('SHELL') || own || '/bin/sh', script, [], false, setup, true);
  }

  // The command runs with PATH set as sudo looked it up (secure_path, or the caller's kept): a
  // handler that finds no such program there answers in a shell's words, which are sudo's here.
  const r = ctx.runArgv(run, ident, ctx.stdin, false, setup);

  return programNotFound(r, run[0]) ? { ...r, status: 1, stderr: [...r.stderr!.slice(0, -1), `sudo: ${cmd[0]}: command not found`] } : r;
};

/** sudo run by root without CAP_SETUID (sudo 1.9.13 on Debian 12, measured). */
export const SUDO_NO_SETUID = [
  'sudo: PERM_SUDOERS: setresuid(-1, 1, -1): Operation not permitted',
  'sudo: no valid sudoers sources found, quitting',
  'sudo: error initializing audit plugin sudoers_audit',
];

/** sudo's usage, which a usage error prints after its line (sudo 1.9.13, measured). */
const SUDO_USAGE = [
  'usage: sudo -h | -K | -k | -V',
  'usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]',
  'usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user]',
  '            [command [arg ...]]',
  'usage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory] [-g',
  '            group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user]',
  '            [VAR=value] [-i | -s] [command [arg ...]]',
  'usage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory] [-g group]',
  '            [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] file ...',
];

/** The folders of a PATH value, in order (an empty entry is left out). */
function searchDirs(path: string): string[] {
  return path.split(':').filter(Boolean).map((d) => normalizePath(d));
}

/**
 * Whether a command's result is a shell's "not found" for the program it was asked to start
 * (exit 127, the last line "...: NAME: not found" or "...: NAME: command not found").
 */
function programNotFound(r: CmdResult, program: string): boolean {
  if (r.status !== 127 || !r.stderr || r.stderr.length === 0) return false;
  const last = r.stderr[r.stderr.length - 1];

  return last.endsWith(`: ${program}: not found`) || last.endsWith(`: ${program}: command not found`);
}

/**
 * Variables env_reset keeps from the caller (sudo 1.9 plugins/sudoers/env.c): those of
 * initial_keepenv_table, and of initial_checkenv_table when the value holds no '/' or '%'.
 */
const SUDO_KEEP = new Set(['COLORS', 'DISPLAY', 'HOSTNAME', 'KRB5CCNAME', 'LS_COLORS', 'PATH', 'PS1', 'PS2', 'XAUTHORITY', 'XAUTHORIZATION', 'XDG_CURRENT_DESKTOP']);
const SUDO_CHECK = new Set(['COLORTERM', 'LANG', 'LANGUAGE', 'LINGUAS', 'TERM', 'TZ']);
/** Part of env.c's initial_badenv_table, which sudo drops without env_reset. */
const SUDO_BADENV = /^(IFS|CDPATH|LOCALDOMAIN|RES_OPTIONS|HOSTALIASES|NLSPATH|PATH_LOCALE|LD_.*|_RLD.*|TERMINFO|TERMINFO_DIRS|TERMPATH|TERMCAP|ENV|BASH_ENV|PS4|GLOBIGNORE|BASHOPTS|SHELLOPTS|JAVA_TOOL_OPTIONS|PERLIO_DEBUG|PERLLIB|PERL5LIB|PERL5OPT|PERL5DB|FPATH|NULLCMD|READNULLCMD|ZDOTDIR|TMPPREFIX|PYTHONHOME|PYTHONPATH|PYTHONINSPECT|PYTHONUSERBASE|RUBYLIB|RUBYOPT|KRB5_CONFIG|KRB5_KTNAME|VAR_ACE|USR_ACE|DLC_ACE|SHLIB_PATH|LIBPATH|DYLD_.*)$/;

function sudoKeeps(envKeep: string[], k: string, v: string | undefined): boolean {
  if (SUDO_KEEP.has(k)) return true;
  if (envKeep.some((p) => (p.endsWith('*') ? k.startsWith(p.slice(0, -1)) : p === k))) return true;

  return (SUDO_CHECK.has(k) || k.startsWith('LC_')) && v !== undefined && !/[/%]/.test(v);
}

/**
 * The environment and umask sudo runs the command with (sudoers(5), "Command environment";
 * env.c rebuild_env). env_reset (Debian's sudoers sets it; also sudo's default) starts anew:
 * what sudoKeeps lets through, then HOME, SHELL, MAIL, USER and LOGNAME of the target (measured:
 * probe-envpass/sudo-drops-pip-env). -i does so whatever env_reset says. -E (with SETENV) keeps
 * the caller's, HOME included unless -H or always_set_home (measured: `sudo -E -u app` as root
 * leaves HOME=/root); USER and LOGNAME still name the target (set_logname). secure_path
 * replaces PATH either way (measured: probe-sudo/secure-path-venv, probe-sudo/path-env-venv);
 * VAR=value words come last and win (sudoers.c insert_env_vars; measured:
 * probe-sudo/var-assignment-home). The umask is the union of the caller's and sudoers' umask
 * (default 0022), unless umask_override, or 0777 which keeps the caller's (sudoers(5), umask;
 * measured: probe-misc3/sudo-umask-union).
 */
function sudoSetup(
  ctx: ExecContext,
  ident: BuildIdentity,
  policy: ReturnType<typeof sudoEnvPolicy>,
  o: { login: boolean; preserveEnv: boolean; setHome: boolean; vars: [string, string][]; invoker: string | undefined },
): ChildSetup {
  const reset = o.login || (policy.envReset && !o.preserveEnv);
  const entry = userByUid(ctx.state.accounts, ident.uid);
  const set: [string, string | undefined][] = [];
  if (reset || o.setHome || policy.alwaysSetHome) set.push(['HOME', ident.home]);
  if (reset) {
    set.push(['SHELL', entry?.shell || '/bin/sh']);
    if (ident.name !== undefined) set.push(['MAIL', `/var/mail/${ident.name}`]);
  }
  if (ident.name !== undefined) set.push(['USER', ident.name], ['LOGNAME', ident.name]);
  if (o.invoker !== undefined) set.push(['SUDO_USER', o.invoker]);
  set.push(['SUDO_UID', String(ctx.ident.uid)], ['SUDO_GID', String(ctx.ident.gid)]);
  if (policy.securePath !== undefined) set.push(['PATH', policy.securePath]);
  set.push(...o.vars);
  const setup: ChildSetup = { set };
  if (reset) setup.keep = (k, v) => sudoKeeps(policy.envKeep, k, v);
  setup.umask = policy.umask === 0o777 ? ctx.umask : policy.umaskOverride ? policy.umask : ctx.umask | policy.umask;

  return setup;
}

/**
 * The host name sudo's refusal ends with: BuildKit's build containers are named
 * buildkitsandbox; elsewhere (buildah, the classic builder, a container's start) it is the
 * container's id, which is not known before it runs, unless the run gives HOSTNAME.
 */
/**
 * `Defaults requiretty` stops sudo, root's too, after its rules are looked up and before any
 * password is asked (sudoers.c sudoers_policy_main: "sorry, you must have a tty to run sudo",
 * exit 1). A build step never has a terminal (measured: sudo/requiretty); a container has one
 * only under `docker run -t`, which the start scripts followed here are not told of (the
 * engine's HOSTNAME, set empty for them, tells a start from a step).
 */
function requireTty(ctx: ExecContext, user: { name?: string; uid: number; groups: number[] }): CmdResult | undefined {
  const parsed = parseSudoers(ctx.state);
  if (!sudoRequiresTty(ctx.state, parsed, user)) return undefined;
  if (ctx.env.get('HOSTNAME') === '') {
    ctx.unknown('sudo under Defaults requiretty at the start: whether the container has a terminal (docker run -t) is not known here');
    return unknownOutput({ status: 'unknown' });
  }

  return fail(...parsed.syntaxErrors, 'sudo: sorry, you must have a tty to run sudo');
}

/** The host name sudo matches host lists against in a step or a start script. */
function sudoHostName(ctx: ExecContext): SudoHostName {
  const h = ctx.env.get('HOSTNAME');
  if (h) return { name: h };

  return h === undefined && ctx.builder === 'buildkit' ? { name: 'buildkitsandbox' } : CONTAINER_HOST;
}

function sudoHost(ctx: ExecContext): string {
  const h = ctx.env.get('HOSTNAME');
  if (h) return h;

  return h === undefined && ctx.builder === 'buildkit' ? 'buildkitsandbox' : '<container id>';
}

/** Debian's administration tools, which live in /usr/sbin; most other commands are in /usr/bin. */
const SBIN_TOOLS = new Set([
  'useradd', 'usermod', 'userdel', 'groupadd', 'groupmod', 'groupdel', 'adduser', 'addgroup', 'deluser',
  'delgroup', 'chpasswd', 'chgpasswd', 'newusers', 'vipw', 'pwck', 'grpck', 'visudo', 'service', 'ldconfig',
  'update-ca-certificates', 'chroot', 'runuser', 'sshd', 'nologin',
]);

/**
 * The path sudo names a command by when the model's listing of the system folders does not
 * hold it (they are listed in part): where Debian, whose /bin and /sbin are links into /usr,
 * puts it. secure_path lists /usr/sbin before /usr/bin.
 */
function guessedPath(name: string): string {
  return `${SBIN_TOOLS.has(name) ? '/usr/sbin' : '/usr/bin'}/${name}`;
}

const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * The command as sudo matches it: a name without a slash is looked up in the folders sudo
 * searches (dirs: secure_path, Debian's sudoers setting the system folders of PATH_DIRS, else
 * the caller's PATH) among the files the model lists. missing: a path to nothing, surely (its
 * folders are listed in full), or to what sudo will not run. A name found nowhere is not taken
 * as missing here: the system folders are listed only in part, and which programs are where is
 * for the command's own model.
 */
function sudoCommand(ctx: ExecContext, cmd: string[], dirs: readonly string[]): SudoCommand & { missing: boolean } {
  const name = cmd[0];
  const args = cmd.slice(1);
  if (name.includes('/')) {
    const path = normalizePath(name, ctx.cwd);
    const r = resolvePath(ctx.state.fs, path);
    // Only a regular file with an x bit will do (sudo's sudo_goodpath, which find_path asks
    // for a path with a slash): a folder, or a file without any x bit, is not found either
    // (measured: sudo-path/not-executable, sudo-path/folder-as-command).
    const m = r.meta;
    const missing = m === undefined ? !r.unknown : m.kind === 'dir' || (m.kind === 'file' && (m.mode & 0o111) === 0);
    return { path, name: baseName(name), args, missing };
  }
  for (const d of dirs) {
    const r = resolvePath(ctx.state.fs, `${d}/${name}`);
    if (r.meta && r.meta.kind !== 'dir') return { path: `${d}/${name}`, name, args, missing: false };
  }

  return { path: undefined, name, args, missing: false };
}

/**
 * gosu and su-exec come in packages of their own, which no catalog base has: on such a base, a
 * build that never installed one (a package of that name, a file of that name on PATH) and ran
 * no step that may have put it there, does not have it (`/bin/sh: 1: gosu: not found`).
 */
export function notInstalled(ctx: ExecContext, name: string): boolean {
  return !Object.hasOwn(ctx.state.packages, name) && absentFromPath(ctx.state, name, PATH_DIRS);
}

/**
 * The base's listings of what it holds are trusted: a catalog base, or an image read for real
 * (an archive, the engine, a registry) of a known distribution, whose folders are listed in full
 * and whose packages are the ones the model knows (an apt-get install of tini still leaves gosu
 * absent, as on the catalog's debian).
 */
export function baseListingsKnown(st: Pick<ImageState, 'provenance' | 'distro'>): boolean {
  if (st.provenance.length === 0) return false;

  return st.provenance.every((p) => p.source === 'catalog' || ((p.source === 'archive' || p.source === 'engine' || p.source === 'registry') && st.distro !== 'unknown'));
}

/**
 * No folder of dirs holds name, on a base whose listings are trusted (baseListingsKnown), and
 * no step the model did not follow may have put it there.
 */
export function absentFromPath(st: ImageState, name: string, dirs: readonly string[]): boolean {
  if (!baseListingsKnown(st)) return false;
  if (dirs.some((d) => resolvePath(st.fs, `${d}/${name}`).meta)) return false;

  return !unknownOnPath(st.unknowns, dirs);
}

/** How far each build's list of unknown effects was read for a PATH, and whether one could touch it. */
const unknownsRead = new WeakMap<ImageState['unknowns'], Map<string, { read: number; touches: boolean }>>();

/**
 * Whether a step the model did not follow may have put a program in one of these folders: one
 * that may touch anything, or whose paths hold or lie in one. The list only grows, so each
 * entry is read once per PATH (a long build asks after every step: linear, not quadratic).
 */
export function unknownOnPath(unknowns: ImageState['unknowns'], dirs: readonly string[] = PATH_DIRS): boolean {
  let byPath = unknownsRead.get(unknowns);
  if (byPath === undefined) unknownsRead.set(unknowns, (byPath = new Map()));
  const key = dirs.join(':');
  let memo = byPath.get(key);
  if (memo === undefined) byPath.set(key, (memo = { read: 0, touches: false }));
  for (; !memo.touches && memo.read < unknowns.length; memo.read++) {
    const u = unknowns[memo.read];
    memo.touches = u.paths.length === 0 || u.paths.some((p) => dirs.some((d) => isUnder(d, p) || isUnder(p, d)));
  }

  return memo.touches;
}

/**
 * Whether the process may make the calls a switch to ident takes: setgroups (CAP_SETGID, always),
 * setgid (CAP_SETGID) and setuid (CAP_SETUID) when the id changes. A non-root process has none
 * of them; a root one started with --cap-drop SETUID lacks that one.
 */
function maySwitch(ctx: ExecContext, ident: BuildIdentity): boolean {
  const caps = ctx.ident.caps;
  if (!isRoot(ctx) || !caps.has('CAP_SETGID')) return false;

  return ident.uid === ctx.ident.uid || caps.has('CAP_SETUID');
}

/**
 * `find DIR [! -user U] -exec chown U {} +` (or `;`, chgrp with `! -group G`): the idiom of
 * official entrypoint scripts for handing a folder to a user. It gives every entry below DIR
 * (DIR included) the owner the predicate tests for, as `chown -R` does; the argv of that
 * chown, or undefined for any other find.
 */
export function findAsChown(argv: string[]): string[] | undefined {
  const dir = argv[1];
  if (dir === undefined || dir.startsWith('-') || dir === '!') return undefined;
  const rest = argv.slice(2);
  let user: string | undefined;
  let group: string | undefined;
  let i = 0;
  while (i < rest.length && rest[i] !== '-exec') {
    const a = rest[i];
    if (a === '-xdev' || a === '-mount') {
      i++;
    } else if ((a === '!' || a === '-not') && (rest[i + 1] === '-user' || rest[i + 1] === '-group') && rest[i + 2] !== undefined) {
      if (rest[i + 1] === '-user') user = rest[i + 2];
      else group = rest[i + 2];
      i += 3;
    } else return undefined;
  }
  const ex = rest.slice(i + 1);
  if (rest[i] !== '-exec' || ex.length < 4 || !['+', ';'].includes(ex[ex.length - 1]) || ex[ex.length - 2] !== '{}') return undefined;
  const tool = ex[0].slice(ex[0].lastIndexOf('/') + 1);
  const spec = ex[ex.length - 3];
  const opts = ex.slice(1, -3);
  if ((tool !== 'chown' && tool !== 'chgrp') || opts.some((o) => !/^-[fv]+$/.test(o))) return undefined;
  // The predicate may only skip entries that already have what the command gives.
  const [owner, ownGroup] = tool === 'chown' ? (spec.includes(':') ? [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)] : [spec, undefined]) : [undefined, spec];
  if (user !== undefined && user !== owner) return undefined;
  if (group !== undefined && group !== ownGroup) return undefined;

  return [tool, '-R', ...opts, spec, dir];
}

/** gosu USER[:GROUP] cmd: Docker-style user lookup, only as root. */
const gosu: CommandHandler = (ctx, argv) => {
  if (!argv[0].includes('/') && notInstalled(ctx, 'gosu')) return notFound(ctx, argv[0]);
  const [spec, ...cmd] = argv.slice(1);
  // gosu --version and --help print and succeed (tianon/gosu main.go), as the official images'
  // `gosu --version; gosu nobody true` check does after installing it.
  if (spec !== undefined && ['--help', '-h', '-?', '--version', '-v'].includes(spec)) return unknownOutput(OK);
  if (spec === undefined || cmd.length === 0) return fail('Usage: gosu user-spec command [args]');
  // gosu looks the user up first, then calls setgroups, setgid and setuid (privdrop.ts).
  const ident = ctx.lookupIdentity(spec);
  if (!ident) {
    const user = spec.split(':')[0];
    const why = `unable to find user ${user}: no matching entries in passwd file`;
    return fail(`error: failed switching to "${spec}": ${why}`);
  }
  if (!maySwitch(ctx, ident)) return fail(`error: failed switching to "${spec}": operation not permitted`);

  return ctx.runArgv(cmd, ident, ctx.stdin);
};

/** su-exec USER[:GROUP] cmd (Alpine's gosu). */
const suExec: CommandHandler = (ctx, argv) => {
  if (!argv[0].includes('/') && notInstalled(ctx, 'su-exec')) return notFound(ctx, argv[0]);
  const [spec, ...cmd] = argv.slice(1);
  if (spec === undefined || cmd.length === 0) return fail('Usage: su-exec user-spec command [args]');
  const ident = ctx.lookupIdentity(spec);
  if (!ident) return fail(`su-exec: getpwnam(${spec.split(':')[0]}): No such file or directory`);
  if (!maySwitch(ctx, ident)) return fail('su-exec: setgroups: Operation not permitted');

  return ctx.runArgv(cmd, ident, ctx.stdin);
};

const SETPRIV_VALUED =
  /^--(groups|inh-caps|ambient-caps|bounding-set|securebits|selinux-label|apparmor-profile)$/;

/** setpriv --reuid U --regid G [--init-groups|--clear-groups] cmd (util-linux). */
const setpriv: CommandHandler = (ctx, argv) => {
  let uid: string | undefined;
  let gid: string | undefined;
  let init = false;
  let clear = false;
  let resetEnv = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const [k, v] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    if (k === '--reuid' || k === '--ruid' || k === '--euid') uid = v ?? argv[++i];
    else if (k === '--regid' || k === '--rgid' || k === '--egid') gid = v ?? argv[++i];
    else if (k === '--init-groups') init = true;
    else if (k === '--clear-groups' || k === '--groups') clear = true;
    else if (k === '--reset-env') resetEnv = true;
    else if (k === '--') {
      i++;
      break;
    } else if (!a.startsWith('-')) break;
    else if (v === undefined && SETPRIV_VALUED.test(k)) i++;
  }
  const cmd = argv.slice(i);
  if (uid === undefined) return ctx.runArgv(cmd, undefined, ctx.stdin);

  const nobody: BuildIdentity = { uid: Number(uid), gid: 0, groups: [], caps: new Set(), home: '/' };
  const user = ctx.lookupIdentity(uid) ?? nobody;
  const g = gid !== undefined ? (parseId(gid) ?? groupByName(ctx.state.accounts, gid)?.gid ?? 0) : user.gid;
  // The calls in setpriv's order, uid first, each exiting 127 when refused (measured with
  // util-linux 2.38 as a non-root user, and as root without CAP_SETUID or CAP_SETGID:
  // launchers-caps/setpriv-drop-*; src/runtime/privdrop.ts has the same model).
  const caps = isRoot(ctx) ? ctx.ident.caps : new Set<string>();
  const setuid = caps.has('CAP_SETUID');
  const setgid = caps.has('CAP_SETGID');
  const call = user.uid !== ctx.ident.uid && !setuid ? 'setresuid' : g !== ctx.ident.gid && !setgid ? 'setresgid' : !setgid && init ? 'initgroups' : !setgid && clear ? 'setgroups' : undefined;
  if (call !== undefined) return { status: 127, stderr: [`setpriv: ${call} failed: Operation not permitted`] };
  const ident: BuildIdentity = { ...user, gid: g, groups: init ? user.groups : [g] };

  // HOME, USER and LOGNAME stay as they were unless --reset-env sets them from the entry.
  return ctx.runArgv(cmd, ident, ctx.stdin, !resetEnv);
};

// ---------------------------------------------------------------- running a command unchanged

/** env [-i] [-u NAME] [NAME=VALUE...] [cmd args]: the assignments are passed through a child shell. */
const env: CommandHandler = (ctx, argv) => {
  const assigns: string[] = [];
  const unset: string[] = [];
  let clear = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-i' || a === '-' || a === '--ignore-environment') clear = true;
    else if (a === '-u' || a === '--unset') unset.push(argv[++i]);
    else if (a === '--') {
      i++;
      break;
    } else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) assigns.push(a);
    else if (a.startsWith('-')) continue;
    else break;
  }
  const cmd = argv.slice(i);
  if (cmd.length === 0) {
    const vars = clear ? new Map<string, string>() : new Map(ctx.env);
    for (const u of unset) vars.delete(u);
    for (const a of assigns) vars.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
    return { status: 0, stdout: [...vars].map(([k, v]) => `${k}=${v}\n`).join('') };
  }

  const drop = clear ? [...ctx.env.keys()] : unset;
  const pre = drop.length > 0 ? `unset ${drop.join(' ')}; ` : '';
  const words = assigns.map((a) => `${a.slice(0, a.indexOf('=') + 1)}${shellQuote(a.slice(a.indexOf('=') + 1))}`);

  const r = ctx.runScript(pre + [...words, ...cmd.map(shellQuote)].join(' '), undefined, ['env']);

  return envNotFound(ctx, argv[0], cmd[0], r);
};

/**
 * What env prints when it cannot find the program it was given (exit 127): coreutils names
 * itself as it was called (`env: 'python': No such file or directory`, `/usr/bin/env: ...`;
 * measured, coreutils 9.1 on Debian 12); BusyBox (Alpine) by its applet name, through
 * BB_EXECVP_or_die (`env: can't execute 'python': No such file or directory`; busybox
 * libbb/executable.c).
 */
export function envNotFoundText(distro: ImageState['distro'], called: string, program: string): string {
  return distro === 'alpine' ? `env: can't execute '${program}': No such file or directory` : `${called}: '${program}': No such file or directory`;
}

/**
 * env starts the program itself (execvp), so a program it cannot find is env's error, not a
 * shell's. The child shell standing in for env words it as a shell would; its last line is
 * reworded.
 */
function envNotFound(ctx: ExecContext, called: string, program: string, r: CmdResult): CmdResult {
  if (!programNotFound(r, program)) return r;

  return { ...r, stderr: [...r.stderr!.slice(0, -1), envNotFoundText(ctx.state.distro, called, program)] };
}

/** Wrappers that only change scheduling or timing: run the rest of the line. */
function passThrough(skipWithValue: string[], firstIsValue = false): CommandHandler {
  return (ctx, argv) => {
    let i = 1;
    for (; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--') {
        i++;
        break;
      }
      if (!a.startsWith('-') || a === '-') break;
      if (skipWithValue.includes(a)) i++;
    }
    if (firstIsValue) i++;
    const cmd = argv.slice(i);
    if (cmd.length === 0) return OK;

    return ctx.runArgv(cmd, undefined, ctx.stdin);
  };
}

/** command [-p] cmd, command -v NAME. */
const command: CommandHandler = (ctx, argv) => {
  const rest = argv.slice(1).filter((a) => a !== '-p');
  if (rest[0] === '-v' || rest[0] === '-V') return lookupCommand(ctx, rest.slice(1), 'command');
  if (rest.length === 0) return OK;

  return ctx.runArgv(rest, undefined, ctx.stdin);
};

const SHELL_WORDS = new Set([
  'cd', 'echo', 'export', 'set', 'test', '[', 'true', 'false', ':', 'umask', 'exit', 'printf',
  'read', 'pwd', 'command', 'type', 'unset', 'eval', 'exec',
]);

/** which / command -v / type: a PATH search over the known tree and installed packages. */
function lookupCommand(ctx: ExecContext, names: string[], how: 'which' | 'command' | 'type'): CmdResult {
  let out = '';
  let status: number | 'unknown' = 0;
  const path = (ctx.env.get('PATH') ?? DEFAULT_PATH).split(':').filter(Boolean);

  for (const name of names.filter((n) => !n.startsWith('-'))) {
    if (how !== 'which' && SHELL_WORDS.has(name)) {
      out += how === 'type' ? `${name} is a shell builtin\n` : `${name}\n`;
      continue;
    }
    let found: string | undefined;
    let unknown = false;
    const candidates = name.includes('/') ? [normalizePath(name, ctx.cwd)] : path.map((d) => `${d}/${name}`);
    for (const c of candidates) {
      const r = resolvePath(ctx.state.fs, c);
      if (r.meta && r.meta.kind !== 'dir' && r.meta.mode & 0o111) {
        found = c;
        break;
      }
      if (!r.meta && (r.unknown || !ctx.state.fs.has(r.missingAt ?? '/'))) unknown = true;
    }
    if (!found && !name.includes('/') && Object.hasOwn(ctx.state.packages, name)) found = `/usr/bin/${name}`;
    // gosu and su-exec come in packages of their own: known absent when nothing put them there.
    if (!found && unknown && (name === 'gosu' || name === 'su-exec') && notInstalled(ctx, name)) unknown = false;
    if (found) out += how === 'type' ? `${name} is ${found}\n` : `${found}\n`;
    else if (unknown) {
      ctx.unknown(`whether ${name} is installed is not known`);
      status = 'unknown';
    } else if (status !== 'unknown') status = 1;
  }

  const r: CmdResult = { status, stdout: out };
  return status === 'unknown' ? unknownOutput(r) : r;
}

/** xargs with the simple options; anything else is not modelled. */
const xargs: CommandHandler = (ctx, argv) => {
  let perRun = Infinity;
  let replace: string | undefined;
  let nul = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-r' || a === '--no-run-if-empty' || a === '-t' || a === '--verbose') continue;
    if (a === '-0' || a === '--null') nul = true;
    else if (a === '-n') perRun = Number(argv[++i]);
    else if (/^-n\d+$/.test(a)) perRun = Number(a.slice(2));
    else if (a === '-I') replace = argv[++i];
    else if (a === '-P') i++;
    else if (/^-P\d+$/.test(a)) continue;
    else if (a.startsWith('-')) {
      ctx.unknown(`xargs option ${a} is not modelled`);
      return unknownOutput({ status: 'unknown' });
    } else break;
  }
  if (ctx.stdin === undefined) {
    ctx.unknown('the input of xargs is not known');
    return unknownOutput({ status: 'unknown' });
  }

  const cmd = argv.slice(i).length > 0 ? argv.slice(i) : ['echo'];
  const items = replace !== undefined
    ? ctx.stdin.split('\n').filter((l) => l !== '')
    : ctx.stdin.split(nul ? '\0' : /\s+/).filter((s) => s !== '');
  const runs: string[][] = [];
  if (replace !== undefined) {
    for (const it of items) runs.push(cmd.map((c) => c.split(replace!).join(it)));
  } else {
    const n = Number.isFinite(perRun) && perRun > 0 ? perRun : Math.max(items.length, 1);
    for (let k = 0; k < items.length; k += n) runs.push([...cmd, ...items.slice(k, k + n)]);
  }

  let status: number | 'unknown' = 0;
  let out = '';
  const stderr: string[] = [];
  let unknownOut = false;
  for (const r of runs) {
    const res = ctx.runArgv(r);
    stderr.push(...(res.stderr ?? []));
    if (hasUnknownOutput(res)) unknownOut = true;
    out += res.stdout ?? '';
    // xargs exits 123 when any invocation exited 1-125.
    if (res.status === 'unknown') status = status === 0 ? 'unknown' : status;
    else if (res.status !== 0) status = 123;
  }
  const r: CmdResult = { status, stdout: out, stderr };

  return unknownOut ? unknownOutput(r) : r;
};

// ---------------------------------------------------------------- test


function fileTest(ctx: ExecContext, op: string, path: string): Tri {
  const abs = normalizePath(path, ctx.cwd);
  const r = resolvePath(ctx.state.fs, abs, op !== '-L' && op !== '-h');
  if (!r.meta) return r.unknown ? 'unknown' : 1;
  const m = r.meta;
  switch (op) {
    case '-e':
      return 0;
    case '-f':
      return m.kind === 'file' ? 0 : m.kind === 'other' ? 'unknown' : 1;
    case '-d':
      return m.kind === 'dir' ? 0 : 1;
    case '-L':
    case '-h':
      return m.kind === 'symlink' ? 0 : 1;
    case '-u':
      return m.mode & 0o4000 ? 0 : 1;
    case '-g':
      return m.mode & 0o2000 ? 0 : 1;
    case '-k':
      return m.mode & 0o1000 ? 0 : 1;
    case '-O':
      return m.uid === ctx.ident.uid ? 0 : 1;
    case '-G':
      return m.gid === ctx.ident.gid ? 0 : 1;
    case '-r':
    case '-w':
    case '-x': {
      const v = ctx.access(abs, op === '-r' ? 'read' : op === '-w' ? 'write' : 'exec');
      return v.allowed ? 0 : 1;
    }
    default:
      return 'unknown';
  }
}

function testExpr(ctx: ExecContext, a: string[], pattern: boolean): Tri {
  return testExpression(a, pattern, (op, x) => fileTest(ctx, op, x));
}

function testHandler(kind: 'test' | '[' | '[['): CommandHandler {
  return (ctx, argv) => {
    let args = argv.slice(1);
    if (kind === '[') {
      if (args[args.length - 1] !== ']') return { status: 2, stderr: ['[: missing ]'] };
      args = args.slice(0, -1);
    }
    if (kind === '[[' && args.includes('=~')) {
      ctx.unknown('regular-expression tests ([[ =~ ]]) are not modelled');
      return { status: 'unknown' };
    }
    const t = testExpr(ctx, args, kind === '[[');
    if (t === 'unknown') ctx.unknown(`the test ${args.join(' ')} cannot be told`);

    return { status: t };
  };
}

// ---------------------------------------------------------------- ids and names

/** id [-u|-g|-G] [-n] [-r] [USER] (coreutils). */
const id: CommandHandler = (ctx, argv) => {
  const acc = ctx.state.accounts;
  let what: 'all' | 'u' | 'g' | 'G' = 'all';
  let names = false;
  const users: string[] = [];

  for (const a of argv.slice(1)) {
    if (a === '--user') what = 'u';
    else if (a === '--group') what = 'g';
    else if (a === '--groups') what = 'G';
    else if (a === '--name') names = true;
    else if (a === '--real' || a === '--zero') continue;
    else if (/^-[ugGnrz]+$/.test(a)) {
      for (const ch of a.slice(1)) {
        if (ch === 'u' || ch === 'g' || ch === 'G') what = ch;
        if (ch === 'n') names = true;
      }
    } else if (a.startsWith('-')) return fail(`id: invalid option -- '${a.slice(1, 2)}'`);
    else users.push(a);
  }

  let uid: number;
  let gid: number;
  let groups: number[];
  if (users.length > 0) {
    const key = users[0];
    const n = parseId(key);
    const u = userByName(acc, key) ?? (n !== undefined ? userByUid(acc, n) : undefined);
    if (!u) return fail(`id: '${key}': no such user`);
    uid = u.uid;
    gid = u.gid;
    groups = allGroups({ gid: u.gid, groups: memberGroups(acc, u.name).map((g) => g.gid) });
  } else {
    uid = ctx.ident.uid;
    gid = ctx.ident.gid;
    groups = allGroups(ctx.ident);
  }

  const userName = (n: number) => userByUid(acc, n)?.name;
  const groupName = (n: number) => groupByGid(acc, n)?.name;
  switch (what) {
    case 'all':
      return { status: 0, stdout: `${formatId(acc, uid, gid, groups)}\n` };
    case 'u': {
      if (!names) return { status: 0, stdout: `${uid}\n` };
      const n = userName(uid);
      if (n) return { status: 0, stdout: `${n}\n` };
      return { status: 1, stdout: `${uid}\n`, stderr: [`id: cannot find name for user ID ${uid}`] };
    }
    case 'g': {
      if (!names) return { status: 0, stdout: `${gid}\n` };
      const n = groupName(gid);
      if (n) return { status: 0, stdout: `${n}\n` };
      return { status: 1, stdout: `${gid}\n`, stderr: [`id: cannot find name for group ID ${gid}`] };
    }
    case 'G': {
      if (!names) return { status: 0, stdout: `${groups.join(' ')}\n` };
      const missing = groups.filter((g) => !groupName(g));
      const stdout = `${groups.map((g) => groupName(g) ?? String(g)).join(' ')}\n`;
      return missing.length > 0
        ? { status: 1, stdout, stderr: missing.map((g) => `id: cannot find name for group ID ${g}`) }
        : { status: 0, stdout };
    }
  }
};

const whoami: CommandHandler = (ctx) => {
  const u = userByUid(ctx.state.accounts, ctx.ident.uid);
  if (!u) return fail(`whoami: cannot find name for user ID ${ctx.ident.uid}`);

  return { status: 0, stdout: `${u.name}\n` };
};

/** getent passwd|group [KEY...]: exit 2 when a key is not found (glibc getent). */
const getent: CommandHandler = (ctx, argv) => {
  const [db, ...keys] = argv.slice(1).filter((a) => !a.startsWith('-'));
  const acc = ctx.state.accounts;
  if (db !== 'passwd' && db !== 'group') {
    ctx.unknown(`getent ${db ?? ''} is not modelled`);
    return unknownOutput({ status: 'unknown' });
  }
  if (keys.length === 0) {
    return { status: 0, stdout: db === 'passwd' ? formatPasswd(acc.passwd) : formatGroup(acc.group) };
  }

  let out = '';
  let status = 0;
  for (const k of keys) {
    const n = parseId(k);
    if (db === 'passwd') {
      const e = n !== undefined ? userByUid(acc, n) : userByName(acc, k);
      if (e) out += formatPasswd([e]);
      else status = 2;
    } else {
      const g = n !== undefined ? groupByGid(acc, n) : groupByName(acc, k);
      if (g) out += formatGroup([g]);
      else status = 2;
    }
  }

  return { status, stdout: out };
};

const groups: CommandHandler = (ctx, argv) => id(ctx, ['id', '-Gn', ...argv.slice(1)]);

// ---------------------------------------------------------------- printing

function unescape(s: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\' || i + 1 >= s.length) {
      out += s[i];
      continue;
    }
    const c = s[++i];
    const map: Record<string, string> = {
      n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b',
    };
    if (c === 'c') return { text: out, stop: true };
    if (map[c] !== undefined) out += map[c];
    else if (c === '0') {
      const m = /^[0-7]{0,3}/.exec(s.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(m || '0', 8));
      i += m.length;
    } else out += `\\${c}`;
  }

  return { text: out, stop: false };
}

/**
 * echo: dash's echo (Debian, Ubuntu /bin/sh) takes only -n and always interprets backslash
 * escapes, so `echo -e x` prints "-e x"; bash and busybox take -n, -e and -E.
 */
const echo: CommandHandler = (ctx, argv) => {
  const dash = shellOf(ctx) === 'dash';
  let args = argv.slice(1);
  let newline = true;
  let escapes = dash;

  while (args.length > 0 && /^-[neE]+$/.test(args[0]) && (!dash || args[0] === '-n')) {
    for (const ch of args[0].slice(1)) {
      if (ch === 'n') newline = false;
      if (ch === 'e') escapes = true;
      if (ch === 'E') escapes = false;
    }
    args = args.slice(1);
  }
  const text = args.join(' ');
  if (!escapes) return { status: 0, stdout: text + (newline ? '\n' : '') };
  const u = unescape(text);

  return { status: 0, stdout: u.text + (newline && !u.stop ? '\n' : '') };
};

/** Which shell runs the command (dash's echo differs from bash's): kept on the context itself. */
export function setShellOf(ctx: ExecContext, name: string): void {
  ctx.shell = name;
}

function shellOf(ctx: ExecContext): string | undefined {
  return ctx.shell;
}

/** printf FORMAT [ARGS]: %s %d %i %u %x %o %c %b %% and backslash escapes; the format repeats. */
const printf: CommandHandler = (_ctx, argv) => {
  const [format, ...args] = argv.slice(1);
  if (format === undefined) return { status: 1, stderr: ['printf: usage: printf format [arguments]'] };
  let out = '';
  let k = 0;

  do {
    let consumed = false;
    out += unescape(format.replace(/%([-+ #0]*\d*(?:\.\d+)?)([sdiuxXocb%])/g, (_m, flags: string, conv: string) => {
      if (conv === '%') return '%%';
      consumed = true;
      const a = args[k++] ?? '';
      let v: string;
      if (conv === 's') v = a;
      else if (conv === 'b') v = unescape(a).text;
      else if (conv === 'c') v = a.slice(0, 1);
      else {
        const n = Number(a || 0);
        if (conv === 'x') v = n.toString(16);
        else if (conv === 'X') v = n.toString(16).toUpperCase();
        else if (conv === 'o') v = n.toString(8);
        else v = String(Math.trunc(n));
      }
      const width = Number(/\d+/.exec(flags.replace(/^[-+ #0]*/, ''))?.[0] ?? 0);
      const pad = flags.includes('0') && conv !== 's' ? '0' : ' ';
      v = flags.includes('-') ? v.padEnd(width) : v.padStart(width, pad);
      return v.replace(/\\/g, '\\\\');
    })).text.replace(/%%/g, '%');
    if (!consumed) break;
  } while (k < args.length);

  return { status: 0, stdout: out };
};

/** cat [FILE...]: prints what the model knows of the files, else marks its output unknown. */
const cat: CommandHandler = (ctx, argv) => {
  const files = argv.slice(1).filter((a) => !/^-[A-Za-z]+$/.test(a));
  if (files.length === 0 || (files.length === 1 && files[0] === '-')) {
    return ctx.stdin === undefined ? unknownOutput({ status: 0 }) : { status: 0, stdout: ctx.stdin };
  }

  let out: string | undefined = '';
  const stderr: string[] = [];
  let status: number | 'unknown' = 0;
  for (const f of files) {
    if (f === '-') {
      out = out === undefined || ctx.stdin === undefined ? undefined : out + ctx.stdin;
      continue;
    }
    const abs = normalizePath(f, ctx.cwd);
    const r = resolvePath(ctx.state.fs, abs);
    if (!r.meta && r.unknown) {
      out = undefined;
      continue;
    }
    // `cat FILE/`: the trailing slash wants a folder (ENOTDIR; measured: files/cat-file-trailing-slash).
    const v = ctx.access(/[^/]\/+$/.test(f) ? `${abs}/` : abs, 'read');
    if (!v.allowed) {
      const why = v.errno === 'ENOENT' || v.errno === 'ENOTDIR' ? v.errno : 'EACCES';
      stderr.push(`cat: ${f}: ${ERRNO_TEXT[why]}`);
      status = 1;
      continue;
    }
    if (r.meta?.kind === 'dir') {
      stderr.push(`cat: ${f}: Is a directory`);
      status = 1;
      continue;
    }
    // The account files are kept parsed; the others only when their text is tracked.
    let text = ctx.state.texts[r.path]?.content;
    if (r.path === '/etc/passwd') text = formatPasswd(ctx.state.accounts.passwd);
    if (r.path === '/etc/group') text = formatGroup(ctx.state.accounts.group);
    out = out === undefined || text === undefined ? undefined : out + text;
  }
  const res: CmdResult = { status, stderr };
  if (out !== undefined) res.stdout = out;

  return out === undefined ? unknownOutput(res) : res;
};

const pwd: CommandHandler = (ctx) => ({ status: 0, stdout: `${ctx.env.get('PWD') ?? ctx.cwd}\n` });

// ---------------------------------------------------------------- downloads

/** Write a downloaded file: its bytes are unknown, its owner and mode are not. */
function download(ctx: ExecContext, tool: string, dest: string): CmdResult | undefined {
  const err = ctx.writeText(dest, '', false);
  if (err !== undefined) {
    return tool === 'curl'
      ? {
          status: 23,
          stderr: [`Warning: Failed to open the file ${dest}: ${err}`, 'curl: (23) Failure writing output to destination'],
        }
      : { status: 3, stderr: [`${dest}: ${err}`] };
  }
  const real = resolvePath(ctx.state.fs, normalizePath(dest, ctx.cwd)).path;
  // A text the model keeps (sudoers, a start script) is no longer known: not the empty one written.
  if (ctx.state.texts[real]) {
    delete ctx.state.texts[real];
    refreshDerived(ctx.state);
    ctx.unknown(`the downloaded content of ${real} is not known`, [real]);
  }

  return undefined;
}

function urlName(url: string): string {
  const path = url.replace(/[?#].*$/, '').replace(/^[a-z]+:\/\/[^/]*/, '');
  const name = baseName(path);

  return name === '' ? 'index.html' : name;
}

/** curl's options that take a value (a module constant: not rebuilt for every command). */
const CURL_VALUED = new Set([
  '-H', '--header', '-d', '--data', '-u', '--user', '-X', '--request', '-A', '--user-agent',
  '-e', '--retry', '--retry-delay', '--max-time', '-m', '--connect-timeout', '-w', '--write-out',
  '--cacert', '-x', '--proxy', '-T', '--upload-file', '-F', '--form', '--data-binary',
  '--data-raw', '-b', '--cookie', '-c', '--cookie-jar', '-r', '--range', '-C', '--tlsv1.2',
  '--proto', '-K', '--config',
]);

/** Packages that bring make: itself, and those that depend on it (apt-cache depends). */
const MAKE_PACKAGES = ['make', 'build-essential', 'dpkg-dev', 'make-guile'];

/**
 * make runs the recipes of a Makefile the model does not read: what is in the folder it runs
 * in (-C DIR) is no longer known and, for an install target, what it writes under the prefix
 * (PREFIX=, DESTDIR=, else /usr/local, the GNU default) is an unknown effect. The plain debian
 * and ubuntu images have no make until a package brings it (measured: failures/no-make).
 */
const make: CommandHandler = (ctx, argv) => {
  if (!argv[0].includes('/') && PLAIN_DISTRO.test(ctx.state.base) && !MAKE_PACKAGES.some((p) => Object.hasOwn(ctx.state.packages, p)) && notInstalled(ctx, 'make')) {
    return notFound(ctx, argv[0]);
  }
  let dir = ctx.cwd;
  const paths: string[] = [];
  let install = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-C' || a === '--directory') dir = normalizePath(argv[++i] ?? '.', dir);
    else if (a.startsWith('-C') && a.length > 2) dir = normalizePath(a.slice(2), dir);
    else if (a.startsWith('--directory=')) dir = normalizePath(a.slice(12), dir);
    else if (/^(PREFIX|prefix|DESTDIR|INSTALL_DIR|BINDIR|bindir)=/.test(a)) paths.push(normalizePath(a.slice(a.indexOf('=') + 1) || '/', dir));
    else if (!a.startsWith('-') && /install/.test(a)) install = true;
  }
  // What it builds lands in its folder, which then lists in part (no note: that is all a build
  // does); an install target writes below the prefix, which is an effect of its own.
  contentsUnknown(ctx.state.fs, [dir]);
  if (!install) return OK;
  if (paths.length === 0) paths.push('/usr/local');
  ctx.unknown('make runs the install recipes of a Makefile the model does not read', paths);

  return OK;
};

/**
 * nvidia-smi comes with the host's driver, which the NVIDIA container toolkit mounts into a
 * container started with GPUs, never into a build step; no image of the catalog has it, so
 * `RUN nvidia-smi` is not found, exit 127 (NVIDIA/nvidia-docker#225: "the driver files
 * (libraries and binaries) are mounted from the host ... when the container is started";
 * NVIDIA/nvidia-container-toolkit#218).
 */
const nvidiaSmi: CommandHandler = (ctx, argv) => {
  if (!argv[0].includes('/') && notInstalled(ctx, 'nvidia-smi')) return notFound(ctx, argv[0]);

  return { status: 'unknown', stdoutUnknown: true };
};

/** curl: -o FILE and -O write a file as the caller; otherwise the body goes to stdout. */
const curl: CommandHandler = (ctx, argv) => {
  const missing = missingOnPlainImage(ctx, argv[0]);
  if (missing !== undefined) return missing;
  const outs: string[] = [];
  const urls: string[] = [];
  let remoteName = false;
  let outDir = '';
  const valued = CURL_VALUED;

  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o' || a === '--output') outs.push(argv[++i]);
    else if (a.startsWith('--output=')) outs.push(a.slice(9));
    else if (a === '--output-dir') outDir = argv[++i];
    else if (a === '-O' || a === '--remote-name') remoteName = true;
    else if (/^-[a-zA-Z]*o$/.test(a) && !a.startsWith('--')) outs.push(argv[++i]);
    else if (/^-[a-zA-Z]*O[a-zA-Z]*$/.test(a) && !a.startsWith('--')) remoteName = true;
    else if (valued.has(a)) i++;
    else if (!a.startsWith('-')) urls.push(a);
  }

  const dests = [...outs];
  if (remoteName) for (const u of urls.slice(outs.length)) dests.push(urlName(u));
  for (const d of dests.filter((x) => x !== '-')) {
    const r = download(ctx, 'curl', outDir && !d.startsWith('/') ? `${outDir}/${d}` : d);
    if (r) return r;
  }

  return dests.length > 0 && !dests.includes('-') ? OK : unknownOutput({ status: 0 });
};

/** wget's options that take a value. */
const WGET_VALUED = new Set([
  '-t', '--tries', '-T', '--timeout', '--header', '-U', '--user-agent', '--user', '--password',
  '-e', '-a', '-o', '--output-file',
]);

/** wget: writes the URL's file name in the working directory unless -O says otherwise. */
const wget: CommandHandler = (ctx, argv) => {
  const missing = missingOnPlainImage(ctx, argv[0]);
  if (missing !== undefined) return missing;
  let out: string | undefined;
  let dir = '';
  const urls: string[] = [];
  const valued = WGET_VALUED;

  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-O' || a === '--output-document') out = argv[++i];
    else if (a.startsWith('--output-document=')) out = a.slice(18);
    else if (/^-[a-zA-Z]*O$/.test(a) && !a.startsWith('--')) out = argv[++i];
    else if (/^-[a-zA-Z]*O./.test(a) && !a.startsWith('--')) out = a.slice(a.indexOf('O') + 1);
    else if (a === '-P' || a === '--directory-prefix') dir = argv[++i];
    else if (a.startsWith('--directory-prefix=')) dir = a.slice(19);
    else if (valued.has(a)) i++;
    else if (!a.startsWith('-')) urls.push(a);
  }

  if (out === '-') return unknownOutput({ status: 0 });
  const dests = out !== undefined ? [out] : urls.map((u) => (dir ? `${dir}/${urlName(u)}` : urlName(u)));
  for (const d of dests) {
    const r = download(ctx, 'wget', d);
    if (r) return r;
  }

  return OK;
};

// ---------------------------------------------------------------- the table

export const handlers: Record<string, CommandHandler> = {
  sh: shell,
  bash: shell,
  dash: shell,
  ash: shell,
  zsh: shell,
  su,
  runuser,
  sudo,
  gosu,
  'su-exec': suExec,
  setpriv,
  sg,
  env,
  make,
  gmake: make,
  'nvidia-smi': nvidiaSmi,
  nice: passThrough(['-n', '--adjustment']),
  nohup: passThrough([]),
  time: passThrough(['-f', '--format', '-o', '--output']),
  stdbuf: passThrough(['-i', '-o', '-e']),
  ionice: passThrough(['-c', '-n', '-p', '-t']),
  timeout: passThrough(['-k', '-s', '--signal', '--kill-after'], true),
  chronic: passThrough([]),
  tini: passThrough(['-s', '-g', '-p', '-e']),
  'dumb-init': passThrough([]),
  command,
  which: (ctx, argv) => lookupCommand(ctx, argv.slice(1), 'which'),
  type: (ctx, argv) => lookupCommand(ctx, argv.slice(1), 'type'),
  xargs,
  true: () => OK,
  false: () => ({ status: 1 }),
  ':': () => OK,
  test: testHandler('test'),
  '[': testHandler('['),
  '[[': testHandler('[['),
  id,
  whoami,
  groups,
  getent,
  echo,
  printf,
  cat,
  pwd,
  curl,
  wget,
};
