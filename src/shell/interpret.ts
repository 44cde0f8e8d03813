// The shell walker: runs the syntax tree of a RUN command against the working ImageState, the
// way `/bin/sh -c` would, and hands each simple command to a handler from the registry.
// Control flow follows POSIX XCU 2.9 (lists, pipelines, compound commands) and 2.8.1 (what
// stops a non-interactive shell); the error texts follow dash, busybox ash or bash depending on
// what /bin/sh is in the image.

import type {
  AndOr,
  Command,
  FuncDef,
  Pipeline,
  Redirect,
  Script,
  SimpleCommand,
  SyntaxDetail,
  Word,
  WordPart,
} from './ast.js';
import { ShellSyntaxError } from './ast.js';
import type {
  Builder,
  BuildIdentity,
  CmdResult,
  ChildSetup,
  CommandHandler,
  ExecContext,
  ShellEnv,
  StartupFiles,
} from './context.js';
import type { Errno, ImageState, Op, Verdict } from '../model/types.js';
import { ACCESS_MASKS, DOCKER_DEFAULT_CAPS, allows, evaluate, mountTarget, readOnly } from '../access/evaluate.js';
import type { View, ViewMount } from '../access/evaluate.js';
import { baseName, childrenOf, contentsUnknown, isUnder, listingsUnknownBelow, normalizePath, parentOf as parentOfPath, newLayer, resolvePath, setInodeMeta, unreadWrites, withMeta } from '../image/fs.js';
import { SHADOW_DEFAULTS, parseGroup, parseLoginDefs, parsePasswd, readAdduserConf, resolveExecUser } from '../image/accounts.js';
import { literalText, parseShell } from './parse.js';
import { onlyCommand, profileCommandRuns, profileLines, profileScriptsKnown, profileText, stockProfile } from './profile.js';
import { evalArith } from './arith.js';
import { symbolicUmask, umaskOperand } from './umask.js';
import { MAX_VALUE_LENGTH, ValueTooLong, bounded, expandPart, expandWordIn, globMatch } from './words.js';
import type { ExpandCtx, StaticExpansion } from './words.js';
import { defaultRegistry } from './commands/index.js';
import { refreshDerived } from './commands/config.js';
import { errnoText, isProjectText, isTrackedText, newEntryOwner } from './commands/files.js';
import { TOO_MANY, expandBraces } from './braces.js';
import { findAsChown, flavorOf, hasUnknownOutput, inlineWrites, outputOf, isHarmless, knownScript, scriptShell, setShellOf, shellErrorLine, unknownOutput, type Flavor } from './commands/builtins.js';
import { findReader } from './commands/readers.js';
import { LOCAL_DIRS, PACKAGE_DIRS, assumeEnvironment, condaActivation, condaInstaller, condaRunArgs, isCondaInstaller, isCondaRun, type CondaRunArgs } from './commands/packages.js';

export type Status = number | 'unknown';

export interface RunInit {
  /** Mutated in place. */
  state: ImageState;
  ident: BuildIdentity;
  /** Not changed: the walker copies it before its first change. */
  env: ShellEnv;
  cwd: string;
  /** Default 0o022, the umask BuildKit and runc give a RUN process. */
  umask?: number;
  builder: Builder;
  file: string;
  /** Dockerfile line of the RUN instruction. */
  line: number;
  registry?: Record<string, CommandHandler>;
  depth?: number;
  /**
   * The work left to the whole analysis (see WorkBudget), shared by every script it runs; a
   * script without one still has its own MAX_COMMANDS.
   */
  budget?: WorkBudget;
  /**
   * The Dockerfile SHELL (`["/bin/bash", "-o", "pipefail", "-c"]`): which shell runs the
   * script, with its options. Default /bin/sh -c.
   */
  shell?: string[];
  /** Variables whose value the model does not know (BuildKit's automatic platform ARGs). */
  inexact?: Set<string>;
  /** An exec-form RUN: no shell starts its program, the runtime does. */
  execForm?: boolean;
  /** The step's RUN --mount mounts, already laid in the tree: read-only ones refuse writes. */
  mounts?: ViewMount[];
  /**
   * The whole view the script runs in, when it is not a build step (a container's entrypoint
   * script at start: the run's mounts laid in the tree, a read-only root).
   */
  view?: View;
  /** $0 and the positional parameters ("$@"): a script file started with arguments. */
  argv0?: string;
  args?: string[];
  /** Watch for the start of the container's workload (see WorkloadWatch). */
  workload?: WorkloadWatch;
  /**
   * Names of the scripts the container starts with (ENTRYPOINT, CMD): a file of such a name
   * the step writes (`cat > /start.sh <<EOF`) keeps its text, so it can be followed.
   */
  startScripts?: ReadonlySet<string>;
}

/**
 * An entrypoint script run at container start: the script ends by starting the workload, the
 * command it was given ("$@"), often through a tool that switches user (`exec gosu app "$@"`).
 * The walker stops there and says who starts it, with which environment, in which folder.
 */
export interface WorkloadWatch {
  /** The command the script is given (the image's CMD or the run's), or [] for none. */
  cmd: string[];
  /** The script's own path and text: `exec gosu app "$0" "$@"` runs it again as app. */
  self: string;
  text: string;
}

/** Where the workload starts, as the walker met it. */
export interface WorkloadStart {
  ident: BuildIdentity;
  env: Record<string, string>;
  cwd: string;
  argv: string[];
  /** The outermost command that switches or wraps on the way (`gosu app python train.py`). */
  launcher?: string[];
  /** The script's line (1-based) of the command that started it. */
  line: number;
  /**
   * The script never started the command it was given: this is the last program it ran as
   * another user (`gosu app python train.py`), taken as its workload.
   */
  own?: boolean;
}

export interface RunOutcome {
  status: Status;
  stderr: string[];
  failedAt?: { line: number; command: string; stderr: string[]; cwd?: string };
  /** The step fails because the shell could not execute this program (what the fixes need). */
  notExecutable?: ExecRefusal;
  /** With RunInit.workload: the workload's start, when the script reached it. */
  workload?: WorkloadStart;
}

/** A program the shell could not start: execve refused it with EACCES. */
export interface ExecRefusal {
  /** The program as the script names it (./a.sh) and the file that is (/opt/a.sh). */
  program: string;
  path: string;
  /** The shell's own line: "/bin/sh: 1: /opt/a.sh: Permission denied". */
  message: string;
  /** Who ran it, as the reasons name it: "alice (uid 1000)". */
  who: string;
  uid: number;
  /** Why the kernel refuses, in the access evaluator's words. */
  reasons: string[];
  /** A folder on the way the user may not search, when that is what refuses. */
  blockedAt?: string;
  /** The user may read the file, so its interpreter can run it (`sh /opt/a.sh`). */
  readable: boolean;
  /** The user may chmod the file (its owner, or CAP_FOWNER). */
  mayChmod: boolean;
  /** What made the file ("Dockerfile:12"), so a fix can name that line. */
  origin?: string;
}

/** Which shell /bin/sh is: decides the wording of the shell's own errors. */

/** Everything one shell process owns; a subshell or a child shell gets a copy. */
interface Frame {
  ident: BuildIdentity;
  env: ShellEnv;
  /**
   * env is also seen elsewhere (the step's environment, a parent shell): copy it before the
   * first change. Most commands change no variable, so most shells never copy it.
   */
  envShared: boolean;
  /** Variables whose value the model does not know (set from unknown output). */
  inexact: Set<string>;
  /** inexact is also seen by another shell: copy it before the first change. */
  inexactShared: boolean;
  cwd: string;
  umask: number;
  errexit: boolean;
  xtrace: boolean;
  pipefail: boolean;
  /** set -u: expanding a variable known to be unset ends the shell. */
  nounset: boolean;
  /**
   * What started this shell's process: `-c` text or a script file. Subshells and function
   * bodies have none. bash ends a `-c` shell on an unset variable with 127, a file with 1.
   */
  started: 'c' | 'file' | undefined;
  funcs: Map<string, Command>;
  /** funcs is also seen by another shell: copy it before the first change. */
  funcsShared: boolean;
  /** Never changed in place (shift and set replace it), so shells may share it. */
  positional: string[];
  argv0: string;
  flavor: Flavor;
  last: Status;
  /** Where stderr lines of this shell go. */
  err: string[];
  /** Line offset of the command being run, for messages. */
  lineOffset: number;
  depth: number;
  /** Function calls this shell is inside (a subshell inherits them, a child process has none). */
  inFunction: number;
  /** File descriptors above 2 the script opened (exec 3>FILE, 3>FILE on a command): inherited. */
  fds: ReadonlySet<number>;
  /** The RUN's own shell process: not a subshell, a pipeline part or a child shell. */
  main: boolean;
}

interface Shared {
  state: ImageState;
  builder: Builder;
  file: string;
  line: number;
  /** The handlers by command name. */
  registry: Map<string, CommandHandler>;
  /** Nested function calls, to stop a function that calls itself forever. */
  calls: number;
  /** Passes through for-loop bodies so far in this step (see MAX_ITERATIONS). */
  iterations: number;
  /** Commands and function calls run so far in this script (see MAX_COMMANDS). */
  work: number;
  budget: WorkBudget | undefined;
  /** The HOME an unmodelled command of this step already left listed in part (unknownWrites). */
  homeFilled: string | undefined;
  /** The View of the build step, made at the first access check. */
  view?: View;
  mounts: ViewMount[];
  failedAt?: { line: number; command: string; stderr: string[]; cwd?: string };
  /** The last program the shell could not execute. */
  refusal?: ExecRefusal;
  startScripts: ReadonlySet<string> | undefined;
  /** An exec-form RUN: its program is started by the runtime, not by a shell. */
  execForm: boolean;
  /** A build step (not a container's start script, which the engine starts with fds 0-2 only). */
  buildStep: boolean;
  watch: WorkloadWatch | undefined;
  /** Commands that start others (gosu, su, env, ...) on the way, outermost first. */
  launchers: string[][];
  /** Inside `exec`: the program it starts (through any launchers) is the workload. */
  execing: number;
  /** Times the script was started again by itself (`exec gosu app "$0" "$@"`). */
  reentered: number;
  /** The launcher that started the script again, for the workload's record. */
  firstLauncher: string[] | undefined;
  /** The script's line of the outermost launcher running now. */
  launcherLine: number | undefined;
  /** The uid the script starts as, and the last program it ran as another user. */
  startUid: number;
  lastSwitched: WorkloadStart | undefined;
}

/** What running a piece of script gives: its status and its stdout (undefined: not known). */
interface Res {
  status: Status;
  out: string | undefined;
}

class ExitSignal {
  constructor(readonly status: Status) {}
}

class ReturnSignal {
  constructor(readonly status: Status) {}
}

/** `$@` with no operator: inside double quotes, each positional parameter is a field of its own. */
function isQuotedAll(p: WordPart): boolean {
  return p.type === 'param' && p.name === '@' && p.op === undefined && p.length !== true && p.index === undefined;
}

/** The workload starts: nothing after it belongs to the entrypoint script. */
class WorkloadSignal {
  constructor(readonly start: WorkloadStart) {}
}

/**
 * Programs that start another one with its words after theirs: in an entrypoint script, the
 * workload is the program they end up starting, not them.
 */
const SHELL_NAMES = new Set(['sh', 'bash', 'dash', 'ash']);

/** `sh -c TEXT ...` (options before it, `-ec` grouped too): the shell runs text, not a file. */
function shellRunsText(argv: string[]): boolean {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o' || a === '+o') {
      i++;
      continue;
    }
    if (!/^[-+][a-zA-Z]+$/.test(a)) return false;
    if (a[0] === '-' && a.includes('c')) return true;
  }

  return false;
}

const LAUNCHERS = new Set([
  'gosu', 'su-exec', 'setpriv', 'runuser', 'su', 'sudo', 'chroot', 's6-setuidgid', 'chpst', 'env',
  'nice', 'ionice', 'nohup', 'stdbuf', 'taskset', 'numactl', 'timeout', 'tini', 'tini-static',
  'dumb-init', 'sh', 'bash', 'dash', 'ash', 'xargs', 'exec',
]);

/** bash drops the rest of the line it was running (an expansion error); 0-based line. */
class AbandonSignal {
  constructor(readonly line: number) {}
}

const MAX_DEPTH = 16;

/**
 * For-loop passes one step is followed through, in all: nested loops multiply (ten items eight
 * deep are 10^8 passes), and a check must not stall on one line. Past it the step is unknown.
 */
const MAX_ITERATIONS = 10_000;

/**
 * Simple commands and function calls one script is followed through, in all. Depth limits stop
 * plain recursion, but a function that calls itself twice (`f(){ f; f; }; f`, the fork bomb
 * `f(){ f|f& };f`) doubles its work at each level: 2^64 calls under the depth limit. Real RUN
 * steps run a few hundred commands; a loop of MAX_ITERATIONS passes may run ten each.
 */
export const MAX_COMMANDS = 100_000;

/**
 * The work left to one analysis, across its scripts (RUN steps, scripts they run, the
 * entrypoint): a file of a thousand RUN steps, each just under MAX_COMMANDS, must not take
 * minutes either. Once spent, each further script stops at its first command.
 */
export interface WorkBudget {
  left: number;
}

/** The commands one analysis follows in all its scripts (see WorkBudget). */
export const MAX_ANALYSIS_COMMANDS = 1_000_000;

/** The budget of one analysis. */
export function workBudget(): WorkBudget {
  return { left: MAX_ANALYSIS_COMMANDS };
}

/** A script ran out of its work budget, or a value grew too long: the rest is not followed. */
class BudgetSignal {
  constructor(readonly reason: string) {}
}

/** A literal starting with ~ or holding a pattern character needs the full expansion. */
const LITERAL_SPECIAL = /^~|[*?]|\[.*\]/;
/**
 * A pattern: * or ?, or a [ closed by a later ]. A lone [ matches itself (XCU 2.13.1), so the
 * `[` and `[[` commands are words, not globs over the listing.
 */
const PATTERN = /[*?]|\[.*\]/;
/** Shared empty list: never changed in place. */
const NO_ARGS: string[] = [];
/**
 * A new shell's inexact variables and functions: shared empties, marked shared in the frame so
 * the first change copies them (most RUN lines set no inexact variable and define no function).
 */
const NO_INEXACT: ReadonlySet<string> = new Set();

/**
 * The variables a non-interactive shell sets itself (measured with `set -u; : "$V"` in dash
 * 0.5.12 and bash 5.2.15 on debian:bookworm): a script may use them under set -u. The value,
 * where it is always the same; undefined where it depends on the machine or the moment.
 */
const SHELL_SETS: [string, string | undefined][] = [['IFS', ' \t\n'], ['PS4', '+ '], ['OPTIND', '1'], ['PPID', undefined]];
// dash's PS1 is '# ' for root, '$ ' otherwise: left unknown.
const DASH_SETS = new Map<string, string | undefined>([...SHELL_SETS, ['PS1', undefined], ['PS2', '> ']]);
const BASH_SETS = new Map<string, string | undefined>([
  ...SHELL_SETS,
  ['OSTYPE', 'linux-gnu'],
  // bash sets TERM to dumb when the environment has none (variables.c, set_if_not).
  ['TERM', 'dumb'],
  ['BASH_SUBSHELL', undefined],
  ...['HOSTTYPE', 'MACHTYPE', 'BASH', 'BASH_VERSION', 'BASH_VERSINFO', 'BASHPID', 'SHLVL', 'SECONDS', 'LINENO', 'SRANDOM', 'EPOCHSECONDS', 'EPOCHREALTIME', 'GROUPS', 'BASHOPTS', 'SHELLOPTS', 'PIPESTATUS'].map((n): [string, undefined] => [n, undefined]),
]);
const NO_FUNCS: ReadonlyMap<string, Command> = new Map();
const NO_FDS: ReadonlySet<number> = new Set();
/** Most steps mount nothing: one empty list serves them all. */
const NO_MOUNTS: ViewMount[] = [];

/** The shells whose words for a program they cannot execute were measured (execErrorText). */
const EXEC_WORDED = new Set(['sh', 'bash', 'dash', 'ash']);

/** Where the system's own programs live: a program elsewhere with a system tool's name is not it. */
const SYSTEM_BIN = new Set(['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']);

/** Shell builtins the walker runs itself because they change the shell's own state. */
const SHELL_BUILTINS = new Set([
  'cd', 'export', 'unset', 'set', 'umask', 'exit', 'return', 'shift', 'local', 'readonly',
  'eval', '.', 'source', 'exec', 'read', 'trap', 'wait', 'shopt', 'alias', 'unalias', 'hash',
  'ulimit', 'declare', 'typeset',
]);

/**
 * bash builtins dash 0.5.12 does not have (its builtins.def.in): `source` (bash's name for `.`),
 * `let`, `declare`/`typeset`, `shopt`, the directory stack, `mapfile`, ... Each is "not found",
 * status 127 under dash (measured here with dash 0.5.12 on Debian 12, which has no program of
 * these names either).
 */
const BASH_ONLY_BUILTINS = new Set([
  'source', 'let', 'declare', 'typeset', 'shopt', 'pushd', 'popd', 'dirs', 'mapfile', 'readarray',
  'builtin', 'caller', 'compgen', 'complete', 'compopt', 'disown', 'enable', 'help', 'history',
  'logout', 'suspend', 'bind',
]);

/** dash 0.5.12's signal names (`kill -l` here: Linux's, 16 and 32-33 by number only). */
const DASH_SIGNALS = new Set([
  'EXIT', 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2',
  'PIPE', 'ALRM', 'TERM', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ',
  'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS', 'RTMIN', 'RTMAX',
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`), ...Array.from({ length: 14 }, (_, i) => `RTMAX-${i + 1}`),
]);

/** Whether dash's trap takes the word as a condition (trap.c decode_signal: a number below NSIG, or a name). */
function dashSignal(word: string): boolean {
  if (/^[0-9]+$/.test(word)) return Number(word) < 65;
  return DASH_SIGNALS.has(word.toUpperCase());
}

export function ok(s: Status): boolean {
  return s === 0 || s === 'unknown';
}


/** The set options a SHELL argv gives before -c: -e, -x, -o pipefail (grouped or not). */
function shellOptions(argv: string[]): { errexit: boolean; xtrace: boolean; pipefail: boolean; nounset: boolean } {
  const out = { errexit: false, xtrace: false, pipefail: false, nounset: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (!/^[-+][a-zA-Z]+$/.test(a)) break;
    const on = a[0] === '-';
    if (a.includes('e')) out.errexit = on;
    if (a.includes('x')) out.xtrace = on;
    if (a.includes('u')) out.nounset = on;
    if (!a.slice(1).includes('o')) continue;
    // -o NAME: the name is the next word, and options may follow it (-o pipefail -e).
    const name = argv[++i];
    if (name === 'pipefail' || name === 'errexit' || name === 'xtrace' || name === 'nounset') out[name] = on;
  }

  return out;
}

const NO_OPTIONS = { errexit: false, xtrace: false, pipefail: false, nounset: false } as const;

/** dash 0.5.12's `-o` names (options.c optnames); it refuses any other before reading -c. */
const DASH_OPTIONS = new Set([
  'errexit', 'noglob', 'ignoreeof', 'interactive', 'monitor', 'noexec', 'stdin', 'xtrace',
  'verbose', 'vi', 'emacs', 'noclobber', 'allexport', 'notify', 'nounset', 'privileged', 'nolog',
  'debug',
]);

/** The first `-o NAME` (or `+o NAME`) of a SHELL argv that dash does not know, e.g. pipefail. */
function dashIllegalOption(argv: string[]): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (!/^[-+][a-zA-Z]+$/.test(a)) break;
    if (!a.slice(1).includes('o')) continue;
    const name = argv[++i];
    if (name !== undefined && !DASH_OPTIONS.has(name)) return name;
  }

  return undefined;
}

/**
 * The shell a SHELL argv really runs when a wrapper starts it: `/usr/bin/env [NAME=V] bash -c`,
 * `conda run -n ENV /bin/bash -c` (also mamba and micromamba), and micromamba-docker's
 * `_dockerfile_shell.sh`, whose last line is `exec bash -o pipefail -c "$@"`
 * (mamba-org/micromamba-docker). Anything else is returned as it is.
 */
export function unwrapShell(shellArgv: string[]): string[] {
  return unwrapShellWrapper(shellArgv).shell;
}

/** unwrapShell, with the environment a `conda run` wrapper activates for the shell. */
export function unwrapShellWrapper(shellArgv: string[]): { shell: string[]; condaRun?: CondaRunArgs } {
  let shell = shellArgv;
  let condaRun: CondaRunArgs | undefined;
  for (let guard = 0; guard < 4 && shell.length > 0; guard++) {
    const name = baseName(shell[0]);
    if (name === 'env') {
      // coreutils env: -i, -0, -v alone; -u NAME and -C DIR take a value; -S STRING is split
      // into words (`env -S 'bash -e' -c`); NAME=VALUE words set variables.
      const rest = shell.slice(1);
      const out: string[] = [];
      let j = 0;
      for (; j < rest.length; j++) {
        const w = rest[j];
        if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || /^-[i0v]+$/.test(w) || w === '-' || w === '--ignore-environment' || w === '--null' || w === '--debug') continue;
        if (w === '-u' || w === '-C' || w === '--unset' || w === '--chdir') {
          j++;
          continue;
        }
        if (/^(-u|-C).|^--(unset|chdir)=/.test(w)) continue;
        if (w === '-S' || w === '--split-string') {
          out.push(...(rest[++j] ?? '').split(/\s+/).filter(Boolean));
          continue;
        }
        if (/^-S.|^--split-string=/.test(w)) {
          out.push(...w.replace(/^-S|^--split-string=/, '').split(/\s+/).filter(Boolean));
          continue;
        }
        break;
      }
      shell = [...out, ...rest.slice(j)];
      if (shell.length === 0) return { shell: ['/usr/bin/env'], condaRun };
      continue;
    }
    if (isCondaRun(shell)) {
      condaRun = { ...condaRunArgs(shell.slice(2)), tool: shell[0] };
      shell = condaRun.command;
      if (shell.length === 0) return { shell: shellArgv };
      continue;
    }
    if (name === '_dockerfile_shell.sh') return { shell: ['bash', '-o', 'pipefail', '-c', ...shell.slice(1)], condaRun };
    break;
  }

  return { shell, condaRun };
}

/** Shells that run a script file named as their first word (`bash installer.sh -b`). */
const INSTALLER_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh']);

/** Set at start by the engine for some runs only: never known to be unset. */
const ENGINE_MAY_SET = /^(?:TERM|HOSTNAME|[A-Z0-9_]+_(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT(?:_\d+_(?:TCP|UDP|SCTP)(?:_ADDR|_PORT|_PROTO)?)?))$/;

/** The default table, built once: handlers are pure functions, so one table serves every run. */
let sharedRegistry: Map<string, CommandHandler> | undefined;

/**
 * A handler table as a Map: looking a fresh string up in a Map hashes it once, where an
 * object with a hundred keys first has to find it in the engine's string table.
 */
function handlerMap(registry: Record<string, CommandHandler>): Map<string, CommandHandler> {
  const m = new Map<string, CommandHandler>();
  // Own keys, enumerable or not: the names Object.hasOwn finds.
  for (const name of Object.getOwnPropertyNames(registry)) m.set(name, registry[name]);

  return m;
}

/**
 * Run a RUN command (or any shell script) against init.state. The state is changed in place;
 * the outcome says whether the step fails and with which messages.
 */
export function runScript(script: Script | string, init: RunInit): RunOutcome {
  // A RUN step, an entrypoint script or an init container: each runs in a container of its own,
  // on a new upper layer (what is there now is below it: see newLayer).
  newLayer();
  const shared: Shared = {
    state: init.state,
    builder: init.builder,
    file: init.file,
    line: init.line,
    registry: init.registry
      ? handlerMap(init.registry)
      : (sharedRegistry ??= handlerMap(defaultRegistry())),
    calls: 0,
    iterations: 0,
    work: 0,
    budget: init.budget,
    homeFilled: undefined,
    // Present from the start, so every Shared has one shape.
    view: undefined,
    mounts: init.mounts ?? NO_MOUNTS,
    failedAt: undefined,
    refusal: undefined,
    execForm: init.execForm === true,
    buildStep: init.view === undefined,
    startScripts: init.startScripts,
    watch: init.workload,
    launchers: [],
    execing: 0,
    reentered: 0,
    firstLauncher: undefined,
    launcherLine: undefined,
    startUid: init.ident.uid,
    lastSwitched: undefined,
  };
  if (init.view) {
    shared.view = init.view;
    shared.mounts = init.view.mounts;
  }
  // A SHELL that starts the shell through a wrapper (env, conda run) runs that shell; `conda
  // run` first activates its environment for it.
  const wrapped = init.shell !== undefined && init.shell.length !== 2 ? unwrapShellWrapper(init.shell) : undefined;
  const shell = wrapped !== undefined ? wrapped.shell : init.shell;
  const activation = wrapped?.condaRun !== undefined ? condaActivation(init.state, (k) => init.env.get(k), wrapped.condaRun, init.cwd) : undefined;
  let env = init.env;
  let cwd = init.cwd;
  if (activation !== undefined && !('unknown' in activation)) {
    env = new Map(init.env);
    for (const [k, v] of activation.vars) env.set(k, v);
    if (wrapped?.condaRun?.cwd !== undefined) cwd = normalizePath(wrapped.condaRun.cwd, init.cwd);
  }
  const argv0 = shell?.[0] ?? '/bin/sh';
  // The usual SHELL, ["/bin/sh", "-c"], sets no option: skip reading it.
  const plain = shell === undefined || (shell.length === 2 && shell[1] === '-c');
  const opts = plain ? NO_OPTIONS : shellOptions(shell ?? NO_ARGS);
  // A login or interactive shell (SHELL ["/bin/bash", "--login", "-c"]) reads startup files first.
  const startupFiles = shell !== undefined && shell.some((a, i) => i > 0 && (a === '--login' || /^-[a-zA-Z]*[li][a-zA-Z]*$/.test(a)));
  const inexact = init.inexact ?? (NO_INEXACT as Set<string>);
  const frame: Frame = {
    ident: init.ident,
    env,
    envShared: true,
    inexact: startupFiles ? new Set([...inexact, ANY_UNSET]) : inexact,
    inexactShared: !startupFiles,
    cwd: normalizePath(cwd),
    umask: init.umask ?? 0o022,
    errexit: opts.errexit,
    xtrace: opts.xtrace,
    pipefail: opts.pipefail,
    nounset: opts.nounset,
    // An entrypoint script is started from its file; a RUN's text is given to `sh -c`.
    started: init.argv0 !== undefined ? 'file' : 'c',
    funcs: NO_FUNCS as Map<string, Command>,
    funcsShared: true,
    positional: init.args ?? NO_ARGS,
    argv0: init.argv0 ?? argv0,
    flavor: flavorOf(init.state, argv0),
    last: 0,
    err: [],
    lineOffset: 0,
    depth: init.depth ?? 0,
    inFunction: 0,
    fds: NO_FDS,
    main: true,
  };
  const w = new Walker(shared, frame);
  let status: Status;

  // SHELL ["/bin/sh", "-o", "pipefail", "-c"] on Debian and Ubuntu: dash stops before the
  // script, whatever it is (measured with dash 0.5.12: "/bin/sh: 0: Illegal option -o
  // pipefail", exit 2; +o words it as -o too).
  const illegal = frame.flavor === 'dash' && !plain
    ? dashIllegalOption(shell ?? [])
    : undefined;
  if (illegal !== undefined) {
    const err = [`${argv0}: 0: Illegal option -o ${illegal}`];
    return { status: 2, stderr: err, failedAt: failure(init.line, '', err) };
  }

  if (activation !== undefined && 'unknown' in activation) {
    w.note(`${activation.unknown}; what runs in it is not followed`, typeof script === 'string' ? script.slice(0, 80) : '');
    return { status: 'unknown', stderr: [] };
  }
  if (activation?.assumed !== undefined) assumeEnvironment(init.state, activation.prefix, activation.assumed, init.file, init.line);
  // SHELL ["/bin/bash", "--login", "-c"]: a login shell reads /etc/profile first.
  if (startupFiles && shell!.some((a, i) => i > 0 && (a === '--login' || /^-[a-zA-Z]*l[a-zA-Z]*$/.test(a)))) w.readProfile();

  const source = typeof script === 'string' ? script : '';
  if (typeof script === 'string') {
    const parsed = w.parse(script);
    if ('error' in parsed && parsed.unsupported !== undefined) {
      w.unsupported(parsed.unsupported, script);
      return { status: 'unknown', stderr: [] };
    }
    if ('error' in parsed) {
      return { status: 2, stderr: parsed.error, failedAt: failure(init.line, script, parsed.error) };
    }
    script = parsed.script;
  }

  let workload: WorkloadStart | undefined;
  try {
    status = frame.flavor === 'bash' ? w.lines(script) : w.list(script, false).status;
  } catch (e) {
    if (e instanceof WorkloadSignal) {
      workload = e.start;
      status = 0;
    } else if (e instanceof BudgetSignal || e instanceof ValueTooLong) {
      // What ran so far stays done; the rest of the script is an unknown effect.
      const reason = e instanceof BudgetSignal ? e.reason : `${e.message}; the model stops following the script there`;
      w.note(reason, source.slice(0, 80));
      status = 'unknown';
    } else {
      if (!(e instanceof ExitSignal || e instanceof ReturnSignal)) throw e;
      status = e.status;
    }
  }

  const out: RunOutcome = { status, stderr: frame.err };
  if (!workload && init.workload !== undefined && ok(status)) workload = shared.lastSwitched;
  if (workload) out.workload = workload;
  if (typeof status === 'number' && status !== 0) {
    out.failedAt = shared.failedAt ?? failure(init.line, '', frame.err);
    // The refusal is what failed the step when its line is what the failure printed (also
    // through `bash -c`, whose handler passes the child's lines on).
    const refusal = shared.refusal;
    if (refusal && out.failedAt.stderr.includes(refusal.message)) out.notExecutable = refusal;
  }

  return out;
}

/**
 * A syntax error in the shell's own words, checked against dash 0.5.12, bash 5.2 and BusyBox
 * 1.35 ash (`sh -c` on this machine). dash names the line where it met the end of the text;
 * bash the line a quote opened, or for a missing keyword the line after the text; ash with -c
 * names no line. Errors without a detail keep the parser's wording in the shell's frame.
 */
function syntaxErrorText(e: ShellSyntaxError, src: string, flavor: Flavor, argv0: string): string[] {
  const d = e.detail;
  const at = e.lineOffset + 1;
  let newlines = 0;
  for (let i = src.indexOf('\n'); i !== -1; i = src.indexOf('\n', i + 1)) newlines++;

  if (flavor === 'dash') {
    const line = d === undefined ? at : d.kind === 'token' ? d.line + 1 : newlines + 1;
    return [`${argv0}: ${line}: Syntax error: ${d ? ashText(d, true) : e.message}`];
  }
  if (flavor === 'ash') return [`${argv0}: syntax error: ${d ? ashText(d, false) : e.message}`];

  const head = `${argv0}: -c: line`;
  const eofLine = newlines + (src.endsWith('\n') ? 1 : 2);
  const matching = (c: string, line = at) => [`${head} ${line}: unexpected EOF while looking for matching \`${c}'`];
  switch (d?.kind) {
    case 'quote':
      return matching(d.quote);
    case 'arith':
      return matching(')');
    case 'brace':
      return matching('}');
    case 'eof':
      if (d.match !== undefined) return matching(d.match, eofLine);
      return [`${head} ${eofLine}: syntax error: unexpected end of file`];
    case 'token': {
      // bash quotes the line it was reading under the message.
      const text = src.split('\n')[d.line] ?? '';
      const n = d.line + 1;
      return [`${head} ${n}: syntax error near unexpected token \`${d.token}'`, `${head} ${n}: \`${text}'`];
    }
    default:
      return [`${head} ${at}: syntax error: ${e.message}`];
  }
}

/** dash's (parser.c synerror/synexpect) and BusyBox ash's texts: the same cases, other case. */
function ashText(d: SyntaxDetail, dash: boolean): string {
  const expecting = (d.kind === 'eof' || d.kind === 'token') && d.expecting !== undefined
    ? ` (expecting "${d.expecting}")`
    : '';
  switch (d.kind) {
    case 'quote':
      if (d.quote === '`') return 'EOF in backquote substitution';
      return dash ? 'Unterminated quoted string' : 'unterminated quoted string';
    case 'arith':
      return dash ? "Missing '))'" : "missing '))'";
    case 'brace':
      return dash ? "Missing '}'" : "missing '}'";
    case 'eof':
      return (dash ? 'end of file unexpected' : 'unexpected end of file') + expecting;
    case 'token': {
      const tok = d.token === 'newline' || d.token === 'word' || d.token === 'redirection' ? d.token : `"${d.token}"`;
      return (dash ? `${tok} unexpected` : `unexpected ${tok}`) + expecting;
    }
  }
}

/** The line this shell prints about a program it could not start (shellErrorLine). */
function execErrorText(f: Frame, program: string, error: string): string {
  return shellErrorLine(f.flavor, f.argv0, f.lineOffset + 1, program, error);
}

/**
 * Where bash 5.2 says an error of a running command was: `line N: `. (Measured: with standard
 * input on /dev/null, as in a build step or a start without -i, even `bash -c` started by its
 * bare name names the line; on a terminal or a pipe that one does not.)
 */
function bashLine(f: Frame): string {
  return `line ${f.lineOffset + 1}: `;
}

function failure(line: number, command: string, stderr: string[], cwd?: string): { line: number; command: string; stderr: string[]; cwd?: string } {
  return cwd === undefined ? { line, command, stderr: [...stderr] } : { line, command, stderr: [...stderr], cwd };
}

/** Commands whose status is an answer to a question (a test), not a success or a failure. */
const PREDICATES = new Set(['test', '[', 'grep', 'egrep', 'fgrep', 'getent', 'id', 'command', 'which', 'type', 'cmp', 'diff', 'dpkg', 'pgrep']);

/**
 * A pipeline that ends in a test: `[[ ... ]]`, `test -f X`, `grep -q ...`, `prog | grep X`,
 * possibly negated. Its status is its last command's (and with pipefail an earlier failure's).
 */
function isPredicate(p: Pipeline): boolean {
  return isTest(p.commands[p.commands.length - 1]);
}

/** `[[ ... ]]`, `test -f X`, `grep -q ...`: a command whose status answers a question. */
function isTest(c: Command): boolean {
  if (c.type === 'test') return true;
  if (c.type !== 'cmd' || c.args.length === 0) return false;
  const name = literalText(c.args[0]);

  return name !== null && PREDICATES.has(name.slice(name.lastIndexOf('/') + 1));
}

/** Builtins whose literal operands name variables they set. */
const SETS_NAMED = new Set(['export', 'readonly', 'local', 'declare', 'typeset', 'read']);

/**
 * The variables a script may set in the shell that runs it: plain assignments, `export X=`,
 * `read X`, for-loop names, in its own bodies (not a subshell's, not a function's).
 */
function assignedIn(script: Script, out: Set<string>): void {
  for (const { andOr } of script.items) {
    for (const p of [andOr.first, ...andOr.rest.map((r) => r.pipeline)]) {
      // Only a pipeline of one command runs in this shell (dash and bash without lastpipe).
      if (p.commands.length !== 1) continue;
      const c = p.commands[0];
      if (c.type === 'cmd') {
        if (c.args.length === 0) for (const a of c.assigns) out.add(a.name);
        const name = c.args.length > 0 ? (literalText(c.args[0]) ?? undefined) : undefined;
        if (name !== undefined && SETS_NAMED.has(name)) {
          for (const w of c.args.slice(1)) {
            const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\+?=|$)/.exec(literalText(w) ?? w.raw);
            if (m) out.add(m[1]);
          }
        }
      } else if (c.type === 'group') assignedIn(c.body, out);
      else if (c.type === 'if') {
        for (const cl of c.clauses) {
          assignedIn(cl.cond, out);
          assignedIn(cl.body, out);
        }
        if (c.elseBody) assignedIn(c.elseBody, out);
      } else if (c.type === 'for') {
        out.add(c.name);
        assignedIn(c.body, out);
      } else if (c.type === 'while' || c.type === 'until') {
        assignedIn(c.cond, out);
        assignedIn(c.body, out);
      } else if (c.type === 'case') for (const i of c.items) assignedIn(i.body, out);
    }
  }
}

/**
 * In a frame's inexact set: a script the model could not read was sourced, so a variable it
 * knows as unset may have been set there. Not a valid variable name, so no real one meets it.
 */
const ANY_UNSET = '*unset*';

/**
 * A subshell's frame: the same values, with the variables, their exactness and the functions
 * shared until one side changes them (copy on write, see writableEnv). Written field by field
 * so every frame has one shape.
 */
function fork(f: Frame): Frame {
  return {
    ident: f.ident,
    env: f.env,
    envShared: true,
    inexact: f.inexact,
    inexactShared: true,
    cwd: f.cwd,
    umask: f.umask,
    errexit: f.errexit,
    xtrace: f.xtrace,
    pipefail: f.pipefail,
    nounset: f.nounset,
    started: undefined,
    funcs: f.funcs,
    funcsShared: true,
    positional: f.positional,
    argv0: f.argv0,
    flavor: f.flavor,
    last: f.last,
    err: f.err,
    lineOffset: f.lineOffset,
    depth: f.depth,
    inFunction: f.inFunction,
    fds: f.fds,
    main: false,
  };
}

/** Identity of a user spec in the current accounts, the way su, gosu and sudo -u find it. */
export function identityFor(state: ImageState, spec: string): BuildIdentity | undefined {
  const r = resolveExecUser(state.accounts, spec);
  if (!r.ok) return undefined;
  const u = r.user;

  return {
    uid: u.uid,
    gid: u.gid,
    groups: [u.gid, ...u.supplementary],
    // A process that switches to a non-root uid loses its capabilities (capabilities(7)).
    caps: u.uid === 0 ? DOCKER_DEFAULT_CAPS : new Set(),
    label: u.name ?? `uid ${u.uid}`,
    name: u.name,
    home: u.home,
  };
}

/** 0-based line where a command starts, as far as the tree tells (Infinity: not known). */
function firstLine(c: Command): number {
  if (c.type === 'cmd' || c.type === 'arith') return c.lineOffset;
  const body = c.type === 'if' ? c.clauses[0].cond
    : c.type === 'while' || c.type === 'until' ? c.cond
      : c.type === 'subshell' || c.type === 'group' ? c.body
        : undefined;
  const first = body?.items[0]?.andOr.first.commands[0];

  return first ? firstLine(first) : Infinity;
}

/**
 * A variable that names a tool's folder: NVM_DIR, CARGO_HOME, PYENV_ROOT,
 * PLAYWRIGHT_BROWSERS_PATH, CONDA_PREFIX, and Go's and a virtual environment's own names.
 */
const TOOL_DIR_VAR = /^(?:[A-Z][A-Z0-9_]*_(?:DIR|HOME|ROOT|PATH|PREFIX)|GOPATH|GOBIN|GOROOT|GOMODCACHE|VIRTUAL_ENV)$/;

/** The paths among a command's arguments (absolute, or below cwd): what it most likely touches. */
function namedPaths(argv: string[], cwd: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const x = argv[i];
    if (x.startsWith('/') && x.length > 1) out.push(normalizePath(x));
    // An option's value (`--prefix=/opt/openssl`, `--output=./share/db.mmdb`) names a path too.
    else if (x.startsWith('-')) {
      const eq = x.indexOf('=');
      const value = eq > 0 ? x.slice(eq + 1) : '';
      if (value.length > 1 && value.startsWith('/')) out.push(normalizePath(value));
      else if (isRelativePath(value)) out.push(normalizePath(value, cwd));
    } else if (isRelativePath(x)) out.push(normalizePath(x, cwd));
  }

  return out;
}

/**
 * A word that reads as a path below the working folder: `./x`, `../x`, or a name with a slash
 * that is no URL, option or pattern (`share/db.mmdb`, `build/out`).
 */
function isRelativePath(x: string): boolean {
  return x.length > 2 && x.includes('/') && RELATIVE_PATH.test(x);
}

/** Names of plain characters joined by slashes, `./` or `../` first: no URL, code or pattern. */
const RELATIVE_PATH = /^(?:\.\.?\/)?[\w.@+~-]+(?:\/[\w.@+~-]*)*$/;

/** An absolute path in a script's text: a slash after a word boundary, plain characters on. */
const ABSOLUTE_IN_TEXT = /(?:^|[\s"'=:(])(\/[\w.@+~-][\w.@+~\/-]*)/g;

/** A package manager a script's text runs. */
const PACKAGE_MANAGER_IN_TEXT = /\b(?:apt-get|apt|aptitude|apk|dnf|yum|microdnf|zypper|dpkg|pip3?|conda|mamba|micromamba|npm)\s+(?:-\S+\s+)*(?:install|add|-i)\b/;

/** GNU tar's and bsdtar's short options that take an argument. */
const TAR_ARG_LETTERS = 'bCfFgHIKLNTVX';

/**
 * The folder an archive command unpacks into (tar x, unzip), or null when it does not unpack:
 * `tar -xzf a.tgz -C /opt`, `tar xvf a.tar` (old-style letters, arguments in their order),
 * `tar --extract --directory=/opt`, `unzip a.zip -d /opt`. The working folder by default.
 */
export function unpacksInto(base: string, argv: string[], cwd: string): string | null {
  let extract = false;
  let dir: string | null = null;
  if (base === 'tar' || base === 'bsdtar' || base === 'gtar') {
    let i = 1;
    const first = argv[1];
    if (first !== undefined && /^[A-Za-z]+$/.test(first)) {
      // Old style: a bundle of letters without a dash; each letter's argument follows in turn.
      i = 2;
      for (const letter of first) {
        if (letter === 'x') extract = true;
        if (!TAR_ARG_LETTERS.includes(letter)) continue;
        if (letter === 'C' && argv[i] !== undefined) dir = argv[i];
        i += 1;
      }
    }
    for (; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--extract' || a === '--get') extract = true;
      else if (a === '--directory' && argv[i + 1] !== undefined) dir = argv[++i];
      else if (a.startsWith('--directory=')) dir = a.slice('--directory='.length);
      else if (/^-[A-Za-z]/.test(a)) {
        for (let k = 1; k < a.length; k++) {
          const letter = a[k];
          if (letter === 'x') extract = true;
          if (!TAR_ARG_LETTERS.includes(letter)) continue;
          // The rest of the bundle is the argument, or else the next word is.
          const value = k + 1 < a.length ? a.slice(k + 1) : argv[++i];
          if (letter === 'C' && value !== undefined) dir = value;
          break;
        }
      }
    }
  } else if (base === 'unzip') {
    extract = true;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      // -l, -v, -t and -Z list or test the archive; -z prints its comment.
      if (/^-[^d]*[lvtZz]/.test(a) && !a.startsWith('-d')) extract = false;
      if (a === '-d' && argv[i + 1] !== undefined) dir = argv[++i];
      else if (a.startsWith('-d') && a.length > 2) dir = a.slice(2);
    }
  }
  if (!extract) return null;

  return dir === null || dir === '' ? cwd : normalizePath(dir, cwd);
}

class Walker {
  /** Whether the simple command being run is tested (its status does not trigger set -e). */
  condCall = false;
  /** The next program dispatched is the `exec` builtin's: the shell words its failure so. */
  execNext = false;
  /** Set by `exec` without a command: the fds its redirections opened stay open. */
  private keepFds = false;

  constructor(
    readonly sh: Shared,
    readonly f: Frame,
  ) {}

  get state(): ImageState {
    return this.sh.state;
  }

  parse(src: string): { script: Script } | { error: string[]; unsupported?: string } {
    try {
      const flavor = this.f.flavor;
      return { script: parseShell(src, { bash: flavor === 'bash', dash: flavor === 'dash' }) };
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      const error = syntaxErrorText(e, src, this.f.flavor, this.f.argv0);
      // bash (and BusyBox ash) have arrays, process substitution, C-style for, select: the
      // parser does not read them, which is no error of the shell's. dash has none of them.
      return this.f.flavor !== 'dash' && /not supported/.test(e.message) ? { error, unsupported: e.message } : { error };
    }
  }

  /**
   * A script in syntax the parser does not read: not followed, its outcome not known. What it
   * may have written is as for a command the model does not follow (the absolute paths its text
   * names, its folder, /tmp, the tool folders), and, when it runs a package manager, wherever
   * packages put files (so a program it may have installed is not "not found" later).
   */
  unsupported(reason: string, src: string): Res {
    const named = [...new Set([...src.matchAll(ABSOLUTE_IN_TEXT)].map((m) => normalizePath(m[1])))];
    const installs = PACKAGE_MANAGER_IN_TEXT.test(src);
    const paths = installs ? [...new Set([...named, ...PACKAGE_DIRS, ...LOCAL_DIRS])] : named;
    this.note(`${baseName(this.f.argv0)} runs shell syntax the model does not follow (${reason}): what it does is not known`, src.split('\n')[0], paths);
    this.mayHaveWritten(named);
    if (installs) contentsUnknown(this.state.fs, [...PACKAGE_DIRS, ...LOCAL_DIRS]);
    return { status: 'unknown', out: undefined };
  }

  line(): number {
    return this.sh.line + this.f.lineOffset;
  }

  note(reason: string, command: string, paths: string[] = []): void {
    this.state.unknowns.push({ file: this.sh.file, line: this.line(), command, reason, paths });
  }

  // ------------------------------------------------------------------ lists and pipelines

  list(script: Script, cond: boolean): Res {
    // One item (most bodies): its result as it is.
    if (script.items.length === 1) return this.andOr(script.items[0].andOr, cond);
    let out: string | undefined = '';
    let status: Status = 0;

    for (const item of script.items) {
      const r = this.andOr(item.andOr, cond);
      status = r.status;
      out = out === undefined || r.out === undefined ? undefined : bounded(out + r.out, 'the output of a command list');
    }

    return { status, out };
  }

  /**
   * bash's main loop: it reads a line, runs it, reads the next. An expansion error such as a
   * division by zero in $((...)) drops the rest of that line with status 1, even under -e
   * (measured with bash 5.2: `x=$((1/0)); echo a` newline `echo b $?` prints only "b 1").
   */
  lines(script: Script): Status {
    let status: Status = 0;
    const items = script.items;

    for (let i = 0; i < items.length; i++) {
      try {
        status = this.andOr(items[i].andOr, false).status;
      } catch (e) {
        if (!(e instanceof AbandonSignal)) throw e;
        status = 1;
        this.f.last = 1;
        const next = (k: number) => firstLine(items[k].andOr.first.commands[0]);
        while (i + 1 < items.length && next(i + 1) <= e.line) i++;
      }
    }

    return status;
  }

  private andOr(ao: AndOr, cond: boolean): Res {
    const rest = ao.rest;
    const n = rest.length;
    // Only the last pipeline of an AND-OR list can trigger errexit (XCU 2.8.1, set -e).
    let res = this.pipeline(ao.first, cond || n > 0);
    if (n === 0) {
      if (!cond && this.f.errexit && !ao.first.negated) this.errexit(res.status);
      return res;
    }
    let out = res.out;
    let lastRan = -1;

    // The last pipeline that ran: a test whose answer is not known (`test -f X`, `[ -d X ]`)
    // leads on as if it held, but what follows it then only may run.
    let ranLast = ao.first;
    for (let i = 0; i < n; i++) {
      const { op, pipeline } = rest[i];
      if ((op === '&&') !== ok(res.status)) continue;
      const maybe = res.status === 'unknown' && isPredicate(ranLast);
      res = maybe ? this.mayRun(pipeline, cond || i < n - 1) : this.pipeline(pipeline, cond || i < n - 1);
      ranLast = pipeline;
      lastRan = i;
      out = out === undefined || res.out === undefined ? undefined : out + res.out;
    }

    if (!cond && this.f.errexit && lastRan === n - 1 && !rest[n - 1].pipeline.negated) {
      this.errexit(res.status);
    }

    return { status: res.status, out };
  }

  /**
   * A pipeline that runs only if a test the model cannot answer held: its effects are kept (as
   * for an if whose condition cannot be told), but a failure or `exit N` in it is not certain.
   */
  private mayRun(p: Pipeline, cond: boolean): Res {
    try {
      const r = this.pipeline(p, cond);
      return typeof r.status === 'number' && r.status !== 0 ? { status: 'unknown', out: r.out } : r;
    } catch (e) {
      if (e instanceof ExitSignal && e.status !== 0) throw new ExitSignal('unknown');
      throw e;
    }
  }

  /** mayRun for the body of an if whose test cannot be answered. */
  private mayRunList(body: Script, cond: boolean): Res {
    try {
      const r = this.list(body, cond);
      return typeof r.status === 'number' && r.status !== 0 ? { status: 'unknown', out: r.out } : r;
    } catch (e) {
      if (e instanceof ExitSignal && e.status !== 0) throw new ExitSignal('unknown');
      throw e;
    }
  }

  /** set -e: a failed command ends the shell. */
  private errexit(status: Status): void {
    if (typeof status === 'number' && status !== 0) throw new ExitSignal(status);
  }

  private pipeline(p: Pipeline, cond: boolean): Res {
    let res: Res;

    if (p.commands.length === 1) {
      res = this.command(p.commands[0], undefined, cond || p.negated);
    } else {
      // Every part of a pipeline runs in a subshell: variable changes do not leak, file
      // changes do.
      let input: string | undefined = '';
      let failed: Status = 0;
      res = { status: 0, out: '' };
      for (const c of p.commands) {
        const sub = new Walker(this.sh, fork(this.f));
        try {
          res = sub.command(c, input, cond || p.negated);
        } catch (e) {
          if (!(e instanceof ExitSignal)) throw e;
          res = { status: e.status, out: '' };
        }
        if (res.status !== 0) failed = res.status;
        input = res.out;
      }
      if (this.f.pipefail && failed !== 0) res = { status: failed, out: res.out };
    }

    if (p.negated) {
      const s = res.status;
      // A command the model does not follow is taken to succeed (as `cmd || exit 1` is), so its
      // negation fails: `if ! ./configure; then ...; exit 1; fi` skips the body, and
      // `! make && exit 4` the exit. A test's unknown answer stays unknown.
      const unknown = s === 'unknown' && isTest(p.commands[p.commands.length - 1]);
      res = { status: unknown ? s : s === 0 || s === 'unknown' ? 1 : 0, out: res.out };
    }
    this.f.last = res.status;

    return res;
  }

  // ------------------------------------------------------------------ commands

  command(c: Command, stdin: string | undefined, cond: boolean): Res {
    if (c.type === 'cmd') {
      // A function it calls runs with set -e ignored when the call is tested (f || true).
      this.condCall = cond;
      return this.simple(c, stdin);
    }
    if (c.type === 'func') {
      this.writableFuncs().set(c.name, c.body);
      return { status: 0, out: '' };
    }
    if (c.type === 'arith') this.f.lineOffset = c.lineOffset;
    // Without redirections the body runs as it is (no closure, no redirect pass).
    if (c.redirs.length === 0) return this.compound(c, cond);

    return this.redirected(c.redirs, stdin, compoundText(c), () => this.compound(c, cond));
  }

  /** A compound command's body; its stdin is not passed on (the model reads none here). */
  private compound(c: Exclude<Command, SimpleCommand | FuncDef>, cond: boolean): Res {
    switch (c.type) {
      case 'subshell': {
        const sub = new Walker(this.sh, fork(this.f));
        try {
          return sub.list(c.body, cond);
        } catch (e) {
          if (!(e instanceof ExitSignal)) throw e;
          return { status: e.status, out: '' };
        }
      }
      case 'group':
        return this.list(c.body, cond);
      case 'if':
        return this.ifClause(c, cond);
      case 'for':
        return this.forClause(c, cond);
      case 'while':
      case 'until':
        return this.whileClause(c, cond);
      case 'case':
        return this.caseClause(c, cond);
      case 'test':
        return this.testClause(c.words);
      case 'arith':
        return this.arithCommand(c.expr);
    }
  }

  /** bash (( expr )): status 0 when the value is not zero, 1 when it is (bash execute_cmd.c). */
  private arithCommand(expr: string): Res {
    const text = `((${expr}))`;
    const r = evalArith(expr, this.arithVars());
    if ('unknown' in r) {
      this.note(`the value of ${text} cannot be told`, text);
      return { status: 'unknown', out: '' };
    }
    if ('error' in r) {
      const msg = `${this.f.argv0}: ${bashLine(this.f)}((: ${expr.trimStart()}: ` +
        `${r.error} (error token is "${r.token}")`;
      this.f.err.push(msg);
      this.sh.failedAt = failure(this.line(), text, [msg]);
      return { status: 1, out: '' };
    }
    if (r.value === 0) this.sh.failedAt = failure(this.line(), text, []);

    return { status: r.value === 0 ? 1 : 0, out: '' };
  }

  /** Variables for arithmetic: assignments inside it change the shell's own variables. */
  private arithVars() {
    return { get: this.envLookup(), set: (n: string, v: string) => this.setVar(n, v, true) };
  }

  private ifClause(c: Extract<Command, { type: 'if' }>, cond: boolean): Res {
    for (const cl of c.clauses) {
      const r = this.list(cl.cond, true);
      if (r.status === 'unknown') {
        this.note('the condition of an if cannot be told; the model assumes it holds', 'if');
        // A test it cannot answer: the body only may run, so a failure in it is not certain.
        const last = cl.cond.items.at(-1)?.andOr;
        const test = last !== undefined && last.rest.length === 0 && isPredicate(last.first);
        return test ? this.mayRunList(cl.body, cond) : this.list(cl.body, cond);
      }
      if (r.status === 0) return this.list(cl.body, cond);
    }
    if (c.elseBody) return this.list(c.elseBody, cond);

    return { status: 0, out: '' };
  }

  private forClause(c: Extract<Command, { type: 'for' }>, cond: boolean): Res {
    let items: string[];

    if (c.items === null) items = [...this.f.positional];
    else {
      items = [];
      const partial: string[] = [];
      for (const w of c.items) {
        if (!this.expandInto(w, items, partial) || partial.length > 0) {
          this.note(`the items of the for loop over ${c.name} cannot be told`, `for ${c.name}`);
          this.forgetAssigned([c.body]);
          this.writableInexact().add(c.name);
          return { status: 'unknown', out: undefined };
        }
      }
    }

    let res: Res = { status: 0, out: '' };
    let out: string | undefined = '';
    for (const item of items) {
      if (++this.sh.iterations > MAX_ITERATIONS) {
        if (this.sh.iterations === MAX_ITERATIONS + 1) this.note(`the for loops of this step run more than ${MAX_ITERATIONS} times in all; the model stops following them`, `for ${c.name}`);
        return { status: 'unknown', out: undefined };
      }
      this.setVar(c.name, item, true);
      res = this.list(c.body, cond);
      out = out === undefined || res.out === undefined ? undefined : bounded(out + res.out, 'the output of a for loop');
    }

    return { status: res.status, out };
  }

  private whileClause(c: Extract<Command, { type: 'while' | 'until' }>, cond: boolean): Res {
    const r = this.list(c.cond, true);
    const enters = c.type === 'while' ? r.status === 0 : typeof r.status === 'number' && r.status !== 0;
    if (!enters && r.status !== 'unknown') return { status: 0, out: '' };

    // A loop's iterations cannot be counted without running real programs: one pass is
    // simulated so its effects are seen, and the step is marked as not fully known.
    this.note(`the ${c.type} loop may run any number of times; the model runs its body once`, c.type);
    const body = this.list(c.body, cond);

    return { status: body.status, out: undefined };
  }

  private caseClause(c: Extract<Command, { type: 'case' }>, cond: boolean): Res {
    const word = this.staticWord(c.word);
    if (!word.exact) {
      this.note(`the word of a case statement (${c.word.raw}) cannot be told`, 'case');
      // Whichever branch runs may set its variables: their values are not known after it.
      this.forgetAssigned(c.items.map((i) => i.body));
      return { status: 'unknown', out: undefined };
    }

    let res: Res = { status: 0, out: '' };
    // fell: the previous body ended with ;& so this body runs without a test.
    let fell = false;
    for (const item of c.items) {
      let hit = fell;
      for (let i = 0; !hit && i < item.patterns.length; i++) {
        const p = item.patterns[i];
        const pat = this.pattern(p);
        if (pat === undefined) {
          this.note(`a case pattern (${p.raw}) cannot be told`, 'case');
          return { status: 'unknown', out: undefined };
        }
        hit = globMatch(pat, word.value);
      }
      if (!hit) continue;
      res = this.list(item.body, cond);
      if (item.end === undefined) return res;
      fell = item.end === ';&';
    }

    return res;
  }

  private testClause(words: Word[]): Res {
    const argv: string[] = [];
    for (const w of words) {
      const e = this.staticWord(w);
      if (!e.exact) {
        this.note('a [[ ]] test uses a value that cannot be told', '[[');
        return { status: 'unknown', out: '' };
      }
      argv.push(e.value);
    }
    const r = this.dispatch(['[[', ...argv], undefined, '[[ ... ]]');

    return r;
  }

  // ------------------------------------------------------------------ simple commands

  private simple(c: SimpleCommand, stdin: string | undefined): Res {
    this.f.lineOffset = c.lineOffset;
    this.spend();

    // Expand the words first: a command whose words cannot be told is not run.
    const argv: string[] = [];
    let exact = true;
    const partialGlobs: string[] = [];
    // Set by field() when a pattern over a partial listing matched nothing known; saved and
    // restored around this command, as its words may run commands of their own ($(...)).
    const outerLost = this.lostGlob;
    this.lostGlob = false;
    const substsBefore = this.substs;
    for (const w of c.args) {
      if (!this.expandInto(w, argv, partialGlobs)) exact = false;
    }
    const lostGlob = this.lostGlob;
    this.lostGlob = outerLost;
    // A glob over a directory whose listing is partial runs on the entries the model knows;
    // removing is complete anyway, anything else may have touched more.
    if (partialGlobs.length > 0 && argv.length > 0 && baseName(argv[0]) !== 'rm') {
      const text = commandText(c);
      this.note(`${partialGlobs.join(', ')} may match entries the model does not list`, text, partialGlobs);
    }
    // A pattern that matched nothing the model knows, over a folder it knows only in part: the
    // real words cannot be told (chmod +x /opt/*.sh after COPY . /opt), so neither can the outcome.
    // (The note above covers it; rm removes nothing the model knows either way.)
    if (lostGlob) return { status: 'unknown', out: undefined };

    let assigns: [string, string, boolean][] | undefined;
    if (c.assigns.length > 0) {
      assigns = [];
      for (const a of c.assigns) {
        const e = this.staticWord(a.value);
        const prev = a.append ? (this.f.env.get(a.name) ?? '') : '';
        assigns.push([a.name, prev + e.value, e.exact]);
      }
    }

    if (argv.length === 0) {
      if (assigns) for (const [name, value, ex] of assigns) this.setVar(name, value, ex);
      // With no command word, the status is that of the last command substitution, if any ran
      // (XCU 2.9.1): `x=$(false)` is status 1, and set -e ends the shell on it.
      const status: Status = this.substs !== substsBefore ? this.f.last : 0;
      if (c.redirs.length === 0) return { status, out: '' };
      return this.redirected(c.redirs, stdin, c, () => ({ status, out: '' }));
    }

    if (this.f.xtrace) this.f.err.push(`+ ${argv.join(' ')}`);
    if (c.redirs.length === 0) return this.runSimple(c, argv, exact, assigns, stdin);

    const run = (input: string | undefined) => this.runSimple(c, argv, exact, assigns, input);
    return this.redirected(c.redirs, stdin, c, run, argv[0]);
  }

  /** A simple command's expanded argv, with its assignments in force for it alone. */
  private runSimple(
    c: SimpleCommand,
    argv: string[],
    exact: boolean,
    assigns: [string, string, boolean][] | undefined,
    stdin: string | undefined,
  ): Res {
    // A program by its path, which the shell itself execs: the kernel may refuse it. Checked
    // here, for the script's own commands in a shell whose words were measured; a program that
    // env, sudo or xargs start, or the runtime (an exec-form RUN), is refused in other words.
    if (exact && argv[0].includes('/')) {
      // An exec-form RUN's program is started by the runtime, which words the refusal itself.
      const byRuntime = this.sh.execForm && this.f.main;
      const refused = byRuntime || this.shellExecs(argv[0]) ? this.execRefusal(argv[0], c, byRuntime) : undefined;
      if (refused) return refused;
    }
    if (assigns === undefined) return this.run(argv, exact, stdin, c);

    // Assignments before a command only reach that command (XCU 2.9.1): the variables are
    // marked shared, so the first change copies them and the saved ones stay as they were.
    const f = this.f;
    const saved = f.env;
    const savedShared = f.envShared;
    const savedInexact = f.inexact;
    const savedInexactShared = f.inexactShared;
    f.envShared = true;
    f.inexactShared = true;
    for (const [name, value, ex] of assigns) this.setVar(name, value, ex);
    try {
      return this.run(argv, exact, stdin, c);
    } finally {
      if (!SHELL_BUILTINS.has(argv[0])) {
        f.env = saved;
        f.envShared = savedShared;
        f.inexact = savedInexact;
        f.inexactShared = savedInexactShared;
      }
    }
  }

  /** Run an expanded argv: functions, shell builtins, then the handler registry. */
  private run(argv: string[], exact: boolean, stdin: string | undefined, text: Text): Res {
    const name = argv[0];
    // Most scripts define no function: no lookup then.
    const fn = this.f.funcs.size === 0 ? undefined : this.f.funcs.get(name);

    if (name === '[[' && this.f.flavor === 'dash') {
      // dash has no [[ (no keyword, no builtin, no /usr/bin/[[ on Debian): measured with
      // dash 0.5.12, `[[ 1 == 1 ]]` prints "dash: 1: [[: not found" and exits 127.
      const msg = `${this.f.argv0}: ${this.f.lineOffset + 1}: [[: not found`;
      this.f.err.push(msg);
      this.sh.failedAt = failure(this.line(), textOf(text), [msg]);
      return { status: 127, out: '' };
    }
    if (name === 'deactivate' && fn === undefined && this.f.env.has('_OLD_VIRTUAL_PATH') && this.f.env.has('VIRTUAL_ENV')) {
      // The function a followed `. VENV/bin/activate` defined: the PATH it found comes back.
      const env = this.writableEnv();
      env.set('PATH', env.get('_OLD_VIRTUAL_PATH')!);
      env.delete('_OLD_VIRTUAL_PATH');
      env.delete('VIRTUAL_ENV');
      return { status: 0, out: '' };
    }
    if (fn === undefined && (argv[1] === 'activate' || argv[1] === 'deactivate') && baseName(name) === 'conda' && this.refusesActivation()) {
      // No conda shell function in this sh: the program itself refuses (exit 1), and what the
      // activation was for does not happen.
      const msg = `CondaError: Run 'conda init' before 'conda ${argv[1]}'`;
      this.f.err.push(msg);
      this.sh.failedAt = failure(this.line(), textOf(text), [msg]);
      return { status: 1, out: '' };
    }
    if (this.f.flavor === 'dash' && fn === undefined && BASH_ONLY_BUILTINS.has(name)) {
      // A bash builtin dash 0.5.12 lacks, and Debian has no program of the name (measured in the
      // oracle, venv/dash-source: "/bin/sh: 1: source: not found", shells/dash-pushd).
      const msg = `${this.f.argv0}: ${this.f.lineOffset + 1}: ${name}: not found`;
      this.f.err.push(msg);
      this.sh.failedAt = failure(this.line(), textOf(text), [msg]);
      return { status: 127, out: '' };
    }
    if ((name === '[' || name === 'test') && this.f.flavor === 'dash' && fn === undefined) {
      // dash's test has no `==`: "[: X: unexpected operator", status 2 (X: the word before it).
      const args = name === '[' && argv[argv.length - 1] === ']' ? argv.slice(1, -1) : argv.slice(1);
      const at = args.length > 1 ? args.findIndex((a, i) => i > 0 && a === '==' && !['!', '-a', '-o', '('].includes(args[i - 1])) : -1;
      if (at > 0) {
        const word = args[at - 1];
        const msg = `${this.f.argv0}: ${this.f.lineOffset + 1}: ${name}: ${word === '' ? '' : `${word}: `}unexpected operator`;
        this.f.err.push(msg);
        this.sh.failedAt = failure(this.line(), textOf(text), [msg]);
        return { status: 2, out: '' };
      }
    }
    if (!exact) {
      const base = baseName(name);
      if (name !== '' && (isHarmless(base, argv) || base === 'echo' || base === 'printf')) {
        return { status: 0, out: undefined };
      }
      const t = textOf(text);
      this.note(`the words of "${t}" cannot be told (they use values the model does not know)`, t);
      // `eval "$(conda shell.posix hook)"`: what it runs may define any variable or function.
      if (name === 'eval' || name === '.' || name === 'source') this.writableInexact().add(ANY_UNSET);
      // What it did cannot be told either: its folder, and the folders of the absolute paths it
      // names (mv bin/$ARCH/tool /usr/local/bin/tool), may hold new entries.
      this.contentsUnknown([this.f.cwd, ...namedPaths(argv, this.f.cwd)]);
      this.unknownWrites(base, argv, false);
      return { status: 'unknown', out: undefined };
    }

    if (fn) return this.callFunction(fn, argv, stdin);
    if (SHELL_BUILTINS.has(name)) return this.shellBuiltin(argv, stdin, text);
    if (this.sh.watch !== undefined) return this.watched(argv, stdin, text);

    return this.dispatch(argv, stdin, text);
  }

  /**
   * `conda activate` is conda's shell function's work; the program alone refuses it. A shell
   * that is neither a login nor an interactive one reads no startup file (bash only BASH_ENV),
   * so the function exists only if this shell defined it: nothing unknown was sourced or
   * eval'd here (`eval "$(conda shell.posix hook)"`), and the image has conda.
   */
  private refusesActivation(): boolean {
    const f = this.f;
    if (f.inexact.has(ANY_UNSET) || (f.flavor === 'bash' && f.env.has('BASH_ENV'))) return false;

    return this.state.condaPrefix !== undefined || this.state.packages.conda !== undefined;
  }

  /** Where the workload starts: who, with which environment, in which folder, through what. */
  private workloadStart(argv: string[], through?: string[]): WorkloadStart {
    const env: Record<string, string> = {};
    for (const [k, v] of this.f.env) env[k] = v;
    const launcher = this.sh.launchers[0] ?? this.sh.firstLauncher ?? through;

    return { ident: this.f.ident, env, cwd: this.f.cwd, argv, launcher, line: this.sh.launcherLine ?? this.f.lineOffset + 1 };
  }

  /**
   * An empty word as the program (`exec gosu app "$BASH_SOURCE" "$@"` under dash, which has no
   * BASH_SOURCE): the launcher's or the shell's own words, measured with gosu 1.14, dash 0.5.12
   * and bash 5.2.
   */
  private emptyProgram(): Res {
    const via = this.sh.launchers.at(-1);
    const n = this.f.lineOffset + 1;
    const execing = this.sh.execing > 0 && via === undefined;
    let msg: string;
    let status: number;
    if (via !== undefined && baseName(via[0]) === 'gosu') {
      msg = 'error: exec: "": executable file not found in $PATH';
      status = 1;
    } else if (this.f.flavor === 'bash') {
      msg = execing ? `${this.f.argv0}: ${bashLine(this.f)}exec: : not found` : `${this.f.argv0}: ${bashLine(this.f)}: command not found`;
      status = 127;
    } else {
      msg = execing ? `${this.f.argv0}: ${n}: exec: : Permission denied` : `${this.f.argv0}: ${n}: : Permission denied`;
      status = execing ? 126 : 127;
    }
    this.f.err.push(msg);
    this.sh.failedAt = failure(this.line(), '', [msg]);

    return { status, out: '' };
  }

  /**
   * A program an entrypoint script runs: the workload when it is the command the script was
   * given (or its tail, after a launcher such as gosu took its own words), or what `exec` starts;
   * the script itself again; or any other program, run as usual.
   */
  private watched(argv: string[], stdin: string | undefined, text: Text): Res {
    const watch = this.sh.watch!;
    const name = baseName(argv[0]);
    if (argv[0] === '') return this.emptyProgram();
    // By its path, or by its bare name (found on PATH, as ENTRYPOINT ["docker-entrypoint.sh"]
    // names it and so "$BASH_SOURCE" and "$0" give it).
    const self = argv[0].includes('/') ? normalizePath(argv[0], this.f.cwd) === watch.self : name === baseName(watch.self);
    if (self && this.sh.reentered < 2) {
      this.sh.reentered++;
      // A new run of the script: only its own exec and launchers count from here; the switch
      // that started it (gosu app "$0" ...) is still the one the workload went through.
      const { launchers, execing, launcherLine } = this.sh;
      this.sh.firstLauncher ??= launchers[0];
      this.sh.launchers = [];
      this.sh.execing = 0;
      this.sh.launcherLine = undefined;
      let r: CmdResult;
      try {
        r = this.child(undefined, (w) => {
          w.f.argv0 = argv[0];
          w.f.positional = argv.slice(1);
          const parsed = w.parse(watch.text);
          if ('error' in parsed) {
            w.f.err.push(...parsed.error);
            return { status: 2, out: '' };
          }
          w.f.funcs = NO_FUNCS as Map<string, Command>;
          w.f.funcsShared = true;
          w.f.errexit = false;
          w.f.nounset = false;
          w.f.started = 'file';
          return w.list(parsed.script, false);
        });
      } finally {
        this.sh.launchers = launchers;
        this.sh.execing = execing;
        this.sh.launcherLine = launcherLine;
      }
      if (r.stderr && r.stderr.length > 0) this.f.err.push(...r.stderr);

      return { status: r.status, out: hasUnknownOutput(r) ? undefined : (r.stdout ?? '') };
    }
    const cmd = watch.cmd;
    // The command given, or its tail once a launcher took its own words (gosu app | python x).
    const given = cmd.length > 0 && argv.length <= cmd.length && argv.every((a, i) => a === cmd[cmd.length - argv.length + i]) &&
      (argv.length === cmd.length || this.sh.launchers.length > 0);
    // A bare shell (`bash`, the usual interactive CMD) starts nothing else: it is the workload;
    // so is a shell given a script file (`bash /app/run.sh`): only `sh -c '...'` launches.
    if (LAUNCHERS.has(name) && argv.length > 1 && !(SHELL_NAMES.has(name) && !shellRunsText(argv))) {
      if ((given || this.sh.execing > 0) && !this.sh.registry.has(name)) {
        // A switch the interpreter does not run (chroot --userspec, s6-setuidgid): the workload
        // starts through it, and the start-command model (runtime/privdrop.ts) judges it.
        throw new WorkloadSignal(this.workloadStart(argv, argv));
      }
      this.sh.launchers.push(argv);
      // The script's line: the launcher's own script (su -c '...') counts its lines anew.
      const outermost = this.sh.launchers.length === 1 && this.sh.launcherLine === undefined;
      if (outermost) this.sh.launcherLine = this.f.lineOffset + 1;
      // What the given command starts (`"$@"` = gosu app python x) is the workload too.
      if (given) this.sh.execing++;
      try {
        return this.dispatch(argv, stdin, text);
      } finally {
        this.sh.launchers.pop();
        if (outermost) this.sh.launcherLine = undefined;
        if (given) this.sh.execing--;
      }
    }
    if (given || this.sh.execing > 0) throw new WorkloadSignal(this.workloadStart(argv));
    // A program run as another user on the way (`gosu app python train.py` without exec): if
    // the script never starts the command it is given, the last of these is its workload.
    if (this.sh.launchers.length > 0 && this.f.ident.uid !== this.sh.startUid) {
      this.sh.lastSwitched = { ...this.workloadStart(argv), own: true };
    }

    return this.dispatch(argv, stdin, text);
  }

  /** One command's worth of work: past the script's or the analysis's budget, the rest is not followed. */
  private spend(): void {
    const sh = this.sh;
    if (++sh.work > MAX_COMMANDS) {
      throw new BudgetSignal(`the script runs more than ${MAX_COMMANDS.toLocaleString('en-US')} commands (a function that calls itself more than once, or loops); the model stops following it there`);
    }
    const budget = sh.budget;
    if (budget !== undefined && --budget.left < 0) {
      throw new BudgetSignal(`the file's scripts run more than ${MAX_ANALYSIS_COMMANDS.toLocaleString('en-US')} commands in all; the model stops following them there`);
    }
  }

  private callFunction(body: Command, argv: string[], stdin: string | undefined): Res {
    if (this.sh.calls > 64) {
      this.note(`function ${argv[0]} recurses deeper than the model follows`, argv.join(' '));
      return { status: 'unknown', out: undefined };
    }
    this.sh.calls += 1;
    const saved = this.f.positional;
    const cond = this.condCall;
    this.f.positional = argv.slice(1);
    this.f.inFunction++;
    try {
      return this.command(body, stdin, cond);
    } catch (e) {
      if (!(e instanceof ReturnSignal)) throw e;
      return { status: e.status, out: '' };
    } finally {
      this.f.inFunction--;
      this.f.positional = saved;
      this.sh.calls -= 1;
    }
  }

  /** Look the command up in the registry by the base name of its path and run the handler. */
  dispatch(argv: string[], stdin: string | undefined, text: Text): Res {
    const base = baseName(argv[0]);
    // `find DIR ! -user app -exec chown app {} +` is chown -R app DIR.
    if (base === 'find') {
      const chown = findAsChown(argv);
      if (chown) return this.dispatch(chown, stdin, text);
    }
    // A program by a relative path is the project's own (./aws/install, bin/setup), not the
    // system tool of that name; a Python environment's tools (venv/bin/pip) are still followed.
    // So is one by an absolute path outside the system's program folders (/tmp/aws/install is
    // the AWS CLI's installer, not coreutils install).
    const local = argv[0].includes('/') && !/^(pip|python|conda|mamba|micromamba)/.test(base) &&
      (!argv[0].startsWith('/') || !SYSTEM_BIN.has(parentOfPath(normalizePath(argv[0]))));
    // A conda installer, run by a shell (`bash Miniconda3-latest-Linux-x86_64.sh -b`) or by its path.
    const installer = isCondaInstaller(argv[0]) ? 0 : INSTALLER_SHELLS.has(base) && argv.length > 1 && isCondaInstaller(argv[1]) ? 1 : -1;
    // find that only reads (no -exec, -delete, ...) fails where it cannot list a folder.
    const handler: CommandHandler | undefined = installer >= 0
      ? (c, a) => condaInstaller(c, a[installer], a.slice(installer + 1), installer === 1 ? a[0] : undefined)
      : local ? undefined : base === 'find' && isHarmless(base, argv) ? findReader : this.sh.registry.get(base);
    // An inline program that writes files or runs programs (`python3 -c "os.makedirs(...)"`)
    // is not followed, once the interpreter is found: like a command the model does not read.
    const inline = local ? undefined : inlineWrites(base, argv, stdin);

    if (!handler) {
      if (isHarmless(base, argv)) return { status: 0, out: undefined };
      // A script of the build's own by its path, whose text the model keeps and whose #! line
      // names a shell: that shell runs it (the execute bit was checked before this).
      const script = local ? knownScript(this.state, this.f.cwd, argv[0]) : undefined;
      const sh = script === undefined ? undefined : scriptShell(script);
      if (sh !== undefined) return this.dispatch([...sh, ...argv], stdin, text);

      return this.notFollowed(base, argv, text, local, inline);
    }

    if (this.f.depth > MAX_DEPTH) {
      this.note('commands nest too deeply to follow', textOf(text));
      return { status: 'unknown', out: undefined };
    }

    const ctx = this.context(stdin, text, this.execNext);
    this.execNext = false;
    setShellOf(ctx, this.f.flavor);
    const r = handler(ctx, argv);
    if (inline !== undefined && r.status === 0) return this.notFollowed(base, argv, text, local, inline);
    const out = outputOf(base, argv, r);
    if (r.stderr && r.stderr.length > 0) this.f.err.push(...r.stderr);
    if (typeof r.status === 'number' && r.status !== 0) {
      // The folder it ran in: a relative path its error names is read against it.
      this.sh.failedAt = failure(this.line(), textOf(text), r.stderr ?? [], this.f.cwd);
    }

    return { status: r.status, out };
  }

  /**
   * A command the model does not follow: noted, with the paths it names (absolute, or below its
   * working folder; and those an inline program's code names), which with its working folder it
   * most likely touched.
   */
  private notFollowed(base: string, argv: string[], text: Text, local: boolean, inline: string[] | undefined): Res {
    const paths = [...namedPaths(argv, this.f.cwd), ...(inline ?? [])];
    this.note(inline !== undefined ? `${base}'s inline program writes files or runs programs, which the model does not follow` : `command ${base} is not modelled`, textOf(text), paths);
    // It may have made files in its working directory (tar x, unzip, ./configure, a build)
    // and in the folders it names, anywhere below a folder (`python -m zipfile -e x.zip
    // /usr/local` fills /usr/local/bin): what is in them is no longer known.
    // So may it have in the temporary folder, as build tools do (`mktemp -d`, a release
    // tarball left in /tmp/tmp.XXXX), and in the folders the environment names for tools
    // (NVM_DIR, CARGO_HOME, PLAYWRIGHT_BROWSERS_PATH: an installer piped into bash writes there).
    this.mayHaveWritten(paths);
    this.unknownWrites(base, argv, local);

    return { status: 'unknown', out: undefined };
  }

  /** What a program or script the model does not follow may have written: see notFollowed. */
  mayHaveWritten(paths: string[]): void {
    // A tool writes below its folder too (GOPATH/bin, CARGO_HOME/bin, NVM_DIR/versions).
    unreadWrites(this.state.fs, this.f.cwd, [...this.toolDirs(), ...paths]);
  }

  /** Absolute folders the environment names in a tool variable (TOOL_DIR_VAR; PATH itself aside). */
  private toolDirs(): string[] {
    const out: string[] = [];
    for (const [k, v] of this.f.env) {
      if (v.length > 1 && v.charCodeAt(0) === 47 && !v.includes(':') && TOOL_DIR_VAR.test(k)) out.push(normalizePath(v));
    }

    return out;
  }

  // ------------------------------------------------------------------ shell builtins

  private shellBuiltin(argv: string[], stdin: string | undefined, text: Text): Res {
    const [name, ...args] = argv;
    const fail = (status: number, msg: string): Res => {
      this.f.err.push(msg);
      this.sh.failedAt = failure(this.line(), textOf(text), [msg]);
      return { status, out: '' };
    };

    switch (name) {
      case 'cd':
        return this.cd(args, fail);
      case 'export':
      case 'local':
      case 'readonly':
      case 'declare':
      case 'typeset':
        if (name === 'local' && this.f.inFunction === 0 && this.f.flavor !== 'ash') return this.localOutside(fail);
        for (const a of args) {
          if (a.startsWith('-')) continue;
          const eq = a.indexOf('=');
          if (eq > 0) this.setVar(a.slice(0, eq), a.slice(eq + 1), true);
        }
        return { status: 0, out: '' };
      case 'unset':
        for (const a of args) {
          if (a.startsWith('-')) continue;
          this.writableEnv().delete(a);
          if (this.f.inexact.has(a)) this.writableInexact().delete(a);
          if (this.f.funcs.has(a)) this.writableFuncs().delete(a);
        }
        return { status: 0, out: '' };
      case 'set': {
        // dash: an option it does not know is an error of a special builtin, which ends the
        // shell (measured: `dash -c 'set -o pipefail; echo x'` prints only the error, exit 2).
        const illegal = this.f.flavor === 'dash' ? dashIllegalOption(argv) : undefined;
        if (illegal === undefined) return this.set(args);
        fail(2, `${this.f.argv0}: ${this.f.lineOffset + 1}: set: Illegal option -o ${illegal}`);
        throw new ExitSignal(2);
      }
      case 'umask':
        return this.umask(args, fail, text);
      case 'exit': {
        const status = args.length > 0 ? Number(args[0]) & 255 : this.f.last;
        if (status !== 0 && args.length > 0) {
          // `cd /data || exit 3`: the failure that led here printed the line worth quoting.
          const prev = this.sh.failedAt;
          const led = this.f.last !== 0 && prev !== undefined && prev.stderr.length > 0;
          this.sh.failedAt = failure(this.line(), textOf(text), led ? prev.stderr : []);
        }
        throw new ExitSignal(status);
      }
      case 'return':
        throw new ReturnSignal(args.length > 0 ? Number(args[0]) & 255 : this.f.last);
      case 'shift': {
        const n = args.length > 0 ? Number(args[0]) : 1;
        this.f.positional = this.f.positional.slice(n);
        return { status: 0, out: '' };
      }
      case 'eval':
        return this.evalText(args.join(' '));
      case '.':
      case 'source':
        return this.source(name, args, fail, text);
      case 'exec':
        if (args.length === 0) {
          this.keepFds = true;
          return { status: 0, out: '' };
        }
        if (this.sh.watch !== undefined) {
          // What an entrypoint script execs (through any launchers) is the workload.
          this.sh.execing++;
          this.execNext = true;
          try {
            throw new ExitSignal(this.watched(args, stdin, text).status);
          } finally {
            this.sh.execing--;
          }
        }
        // exec replaces the shell: nothing after it runs.
        this.execNext = true;
        throw new ExitSignal(this.dispatch(args, stdin, text).status);
      case 'read':
        return this.read(args, stdin);
      case 'trap':
        return this.f.flavor === 'dash' ? this.dashTrap(args, text) : { status: 0, out: '' };
      default:
        // trap, wait, shopt, alias, hash, ulimit: no effect on files or users.
        return { status: 0, out: '' };
    }
  }

  /**
   * `. FILE` / `source FILE`. A virtual environment's bin/activate, made by `python -m venv`
   * in an earlier step, is followed for what it does to the shell (venv's activate script:
   * VIRTUAL_ENV, PATH with its bin first, PYTHONHOME unset), so a later pip installs into it.
   * A file the shell cannot open stops it as each shell does: dash 0.5.12 ends with status 2
   * (`.` is a special builtin, even after ||), bash 5.2 gives status 1 and goes on. Any other
   * file's text is not known.
   */
  private source(name: string, args: string[], fail: (s: number, m: string) => Res, text: Text): Res {
    const file = args[0];
    const unknown = (): Res => {
      this.note(`the script ${file ?? ''} read by ${name} is not known`, textOf(text));
      // It may set any variable: from here on one the model knows as unset is not known
      // (`. "$APACHE_ENVVARS"; mkdir "$APACHE_LOCK_DIR"` under set -u is not an error).
      this.writableInexact().add(ANY_UNSET);
      return { status: 'unknown', out: undefined };
    };
    // Without a slash the shell looks the name up on PATH (and bash in the current folder).
    if (file === undefined || !file.includes('/') || this.f.flavor === 'ash') return unknown();
    const abs = normalizePath(file, this.f.cwd);
    const v = this.access(abs, 'read');
    if (!v.allowed) {
      if (v.errno === 'ENOENT' && this.unknownExistence(abs)) return unknown();
      const why = errnoText(v.errno ?? 'ENOENT');
      if (this.f.flavor === 'dash') {
        fail(2, `${this.f.argv0}: ${this.f.lineOffset + 1}: .: cannot open ${file}: ${why === 'No such file or directory' ? 'No such file' : why}`);
        throw new ExitSignal(2);
      }
      return fail(1, `${this.f.argv0}: ${bashLine(this.f)}${file}: ${why}`);
    }
    const venv = this.state.pythons.find((p) => p.kind === 'venv' && `${p.binDir}/bin/activate` === abs);
    if (venv === undefined || args.length > 1) return unknown();
    const env = this.writableEnv();
    this.setVar('VIRTUAL_ENV', venv.binDir, true);
    const path = this.varValue('PATH');
    if (path === undefined) return unknown();
    // activate keeps the PATH it found for its `deactivate` function.
    this.setVar('_OLD_VIRTUAL_PATH', path ?? '', true);
    this.setVar('PATH', `${venv.binDir}/bin:${path ?? ''}`, true);
    env.delete('PYTHONHOME');
    return { status: 0, out: '' };
  }

  private cd(args: string[], fail: (s: number, m: string) => Res): Res {
    const rest = args.filter((a) => a !== '-P' && a !== '-L' && a !== '--');
    const target = rest[0] ?? this.f.env.get('HOME') ?? this.f.ident.home;
    const dest = target === '-' ? (this.f.env.get('OLDPWD') ?? this.f.cwd) : target;
    const abs = normalizePath(dest, this.f.cwd);
    const v = this.access(abs, 'chdir');

    if (!v.allowed && !(v.errno === 'ENOENT' && this.unknownExistence(abs))) {
      const why = errnoText(v.errno ?? 'ENOENT');
      const n = this.f.lineOffset + 1;
      if (this.f.flavor === 'dash') return fail(2, `${this.f.argv0}: ${n}: cd: can't cd to ${dest}`);
      if (this.f.flavor === 'ash') {
        return fail(2, `${this.f.argv0}: cd: line ${n}: can't cd to ${dest}: ${why}`);
      }
      return fail(1, `${this.f.argv0}: ${bashLine(this.f)}cd: ${dest}: ${why}`);
    }

    this.writableEnv().set('OLDPWD', this.f.cwd);
    this.f.cwd = resolvePath(this.state.fs, abs).path;
    this.writableEnv().set('PWD', abs);

    return { status: 0, out: '' };
  }

  /**
   * umask [-S] [MODE] (bash also -p): an octal or a symbolic MODE, read as each shell reads it
   * (umask.ts); an error leaves the mask and the shell goes on. Without MODE it prints the mask,
   * -S as the permissions it keeps; bash's -S prints them after setting one too.
   */
  private umask(args: string[], fail: (s: number, m: string) => Res, text: Text): Res {
    let symbolic = false;
    let i = 0;
    for (; i < args.length && args[i].startsWith('-') && args[i] !== '-'; i++) {
      if (args[i] === '--') {
        i++;
        break;
      }
      if (args[i] === '-S' || (args[i] === '-p' && this.f.flavor === 'bash')) symbolic ||= args[i] === '-S';
      else return this.umaskUnknown(args, text);
    }
    const spec = args[i];
    if (spec === undefined) {
      return { status: 0, out: `${symbolic ? symbolicUmask(this.f.umask) : this.f.umask.toString(8).padStart(4, '0')}\n` };
    }
    const r = umaskOperand(spec, this.f.umask, this.f.flavor);
    if (r === undefined) return this.umaskUnknown(args, text);
    if ('error' in r) {
      const where = this.f.flavor === 'dash' ? `${this.f.lineOffset + 1}: ` : bashLine(this.f);
      return fail(r.status, `${this.f.argv0}: ${where}umask: ${r.error}`);
    }
    this.f.umask = r.mask;

    return { status: 0, out: symbolic && this.f.flavor === 'bash' ? `${symbolicUmask(r.mask)}\n` : '' };
  }

  /**
   * dash's trap (trap.c trapcmd): with one operand, or a first operand that is a condition, the
   * conditions are reset; else the first is the action. A condition is EXIT, a signal number
   * below 65 or a signal name without SIG, in any case; ERR, DEBUG, RETURN (bash's), SIGINT
   * are "trap: ERR: bad trap" (no line), status 1, the other conditions still set, and the
   * shell goes on (measured with dash 0.5.12). Traps change no file: only the status is told.
   */
  private dashTrap(args: string[], text: Text): Res {
    const ops = args[0] === '--' ? args.slice(1) : args;
    if (ops.length === 0) return { status: 0, out: '' };
    const conds = ops.length === 1 || dashSignal(ops[0]) ? ops : ops.slice(1);
    const bad = conds.filter((c) => !dashSignal(c)).map((c) => `trap: ${c}: bad trap`);
    if (bad.length === 0) return { status: 0, out: '' };
    this.f.err.push(...bad);
    this.sh.failedAt = failure(this.line(), textOf(text), bad);

    return { status: 1, out: '' };
  }

  /**
   * `local` outside a function. dash: "local: not in a function", an error of a special builtin,
   * which ends the shell (a subshell only itself) with 2, whatever follows (`|| true` too);
   * bash: "local: can only be used in a function", status 1, and it goes on (measured with
   * dash 0.5.12 and bash 5.2.15). BusyBox ash's is not modelled: it assigns as before.
   */
  private localOutside(fail: (s: number, m: string) => Res): Res {
    const f = this.f;
    if (f.flavor === 'bash') return fail(1, `${f.argv0}: ${bashLine(f)}local: can only be used in a function`);
    fail(2, `${f.argv0}: ${f.lineOffset + 1}: local: not in a function`);
    throw new ExitSignal(2);
  }

  private umaskUnknown(args: string[], text: Text): Res {
    this.note(`umask ${args.join(' ')} is not modelled`, textOf(text));
    return { status: 'unknown', out: '' };
  }

  private set(args: string[]): Res {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--') {
        this.f.positional = args.slice(i + 1);
        break;
      }
      if (a === '-o' || a === '+o') {
        if (args[i + 1] === 'pipefail') this.f.pipefail = a === '-o';
        if (args[i + 1] === 'errexit') this.f.errexit = a === '-o';
        if (args[i + 1] === 'xtrace') this.f.xtrace = a === '-o';
        if (args[i + 1] === 'nounset') this.f.nounset = a === '-o';
        i++;
        continue;
      }
      if (/^[-+][a-zA-Z]+$/.test(a)) {
        const on = a[0] === '-';
        for (const ch of a.slice(1)) {
          if (ch === 'e') this.f.errexit = on;
          if (ch === 'x') this.f.xtrace = on;
          if (ch === 'u') this.f.nounset = on;
          if (ch === 'o' && args[i + 1] === 'pipefail') {
            this.f.pipefail = on;
            i++;
          }
        }
        continue;
      }
      this.f.positional = args.slice(i);
      break;
    }

    return { status: 0, out: '' };
  }

  private read(args: string[], stdin: string | undefined): Res {
    const names = args.filter((a) => !a.startsWith('-'));
    if (stdin === undefined) {
      for (const n of names) this.setVar(n, '', false);
      return { status: 'unknown', out: '' };
    }
    if (stdin === '') return { status: 1, out: '' };
    const line = stdin.split('\n')[0];
    const words = line.trim().split(/[ \t]+/);
    // The last name takes the rest of the line (XCU read).
    names.forEach((n, i) => {
      const value = i === names.length - 1 ? words.slice(i).join(' ') : (words[i] ?? '');
      this.setVar(n, value, true);
    });

    return { status: 0, out: '' };
  }

  private evalText(src: string): Res {
    const parsed = this.parse(src);
    if ('error' in parsed && parsed.unsupported !== undefined) return this.unsupported(parsed.unsupported, src);
    if ('error' in parsed) {
      this.f.err.push(...parsed.error);
      return { status: 2, out: '' };
    }
    const offset = this.f.lineOffset;
    const r = this.list(parsed.script, false);
    this.f.lineOffset = offset;

    return r;
  }

  // ------------------------------------------------------------------ redirections

  /**
   * Open the redirections of a command, run it, and send its stdout where they say. An output
   * file is opened (created or truncated) before the command runs, as the shell does; if that
   * fails the command does not run.
   */
  private redirected(
    redirs: Redirect[],
    stdin: string | undefined,
    text: Text,
    run: (stdin: string | undefined) => Res,
    name?: string,
  ): Res {
    let input = stdin;
    let outFile: { path: string; append: boolean } | undefined;
    let toNull = false;
    let errNull = false;
    let toFd3 = false;
    const opened: number[] = [];

    for (const r of redirs) {
      const fd = r.fd ?? (r.op.startsWith('<') ? 0 : 1);
      const dup = r.op === '>&' || r.op === '<&';
      if (fd > 2 && !dup) opened.push(fd);

      if (r.op === '<<' || r.op === '<<-') {
        input = this.heredoc(r);
        continue;
      }
      if (r.op === '<<<') {
        const e = this.staticWord(r.target);
        input = e.exact ? `${e.value}\n` : undefined;
        continue;
      }

      const target = this.staticWord(r.target);
      if (dup) {
        // fd duplication (2>&1, >&2): where the bytes go does not change any file.
        if (fd === 1 && target.value === '2') toNull = true;
        if (fd > 2) opened.push(fd);
        const from = target.exact && /^[0-9]+$/.test(target.value) ? Number(target.value) : -1;
        if (from > 2 && !this.f.fds.has(from) && !opened.includes(from)) {
          // buildah (chroot isolation) starts a RUN with fd 3 open for reading (a pipe; measured
          // with buildah 1.28: ls -l /proc/self/fd); runc (BuildKit, the classic builder) closes
          // every fd above 2.
          if (this.sh.builder === 'buildah' && this.sh.buildStep && from === 3) {
            if (r.op === '>&' && fd === 1) toFd3 = true;
            continue;
          }
          return this.badFd(from, text);
        }
        continue;
      }
      if (!target.exact) {
        this.note(`the redirection target ${r.target.raw} cannot be told`, textOf(text));
        return { status: 'unknown', out: undefined };
      }

      const path = target.value;
      if (r.op === '<') {
        // The shell opens it before the command runs: one it may not read fails the command.
        if (!path.startsWith('/dev/') && this.f.flavor !== 'ash') {
          const v = this.access(path, 'read');
          const abs = normalizePath(path, this.f.cwd);
          if (!v.allowed && v.errno !== undefined && !(v.errno === 'ENOENT' && this.unknownExistence(abs))) return this.cannotOpen(path, v.errno, text);
        }
        input = this.readInput(path);
        continue;
      }

      // Output redirections: >, >>, >|, <>, &>, &>>.
      const append = r.op === '>>' || r.op === '&>>';
      if (path === '/dev/null' || path.startsWith('/dev/std') || path.startsWith('/proc/self/fd/')) {
        if (fd === 2) errNull = true;
        else toNull = true;
        if (r.op.startsWith('&')) errNull = true;
        continue;
      }

      const failed = this.writeFile(path, '', append || r.op === '<>');
      if (failed !== undefined) return this.cannotCreate(path, failed, text);
      // What the command prints on stderr goes into the file, not into the step's output.
      if (fd === 2 || r.op.startsWith('&')) errNull = true;
      if (fd === 1 || r.op.startsWith('&')) {
        outFile = { path, append: true };
        toNull = false;
      }
    }

    const errBefore = this.f.err.length;
    const fdsBefore = this.f.fds;
    if (opened.length > 0) this.f.fds = new Set([...fdsBefore, ...opened]);
    this.keepFds = false;
    let res = run(input);
    // `exec 3>FILE` keeps what it opened for the rest of the shell.
    if (!this.keepFds) this.f.fds = fdsBefore;
    this.keepFds = false;
    if (toFd3) res = this.wroteToReadOnlyFd(res, name, text);
    if (errNull) this.f.err.splice(errBefore);

    if (outFile) {
      if (res.out === undefined) this.unknownContent(outFile.path, textOf(text));
      else if (res.out !== '') this.writeFile(outFile.path, res.out, true);
      return { status: res.status, out: '' };
    }

    return toNull ? { status: res.status, out: '' } : res;
  }

  /**
   * `>&N`, `<&N` with N a descriptor that is not open: the shell says "N: Bad file descriptor"
   * and the command does not run; dash's status is 2, bash's 1; either goes on (measured with
   * dash 0.5.12 and bash 5.2.15).
   */
  private badFd(n: number, text: Text): Res {
    const msg = this.f.flavor === 'bash'
      ? `${this.f.argv0}: ${bashLine(this.f)}${n}: Bad file descriptor`
      : `${this.f.argv0}: ${this.f.lineOffset + 1}: ${n}: Bad file descriptor`;
    this.f.err.push(msg);
    this.sh.failedAt = failure(this.line(), textOf(text), [msg]);

    return { status: this.f.flavor === 'bash' ? 1 : 2, out: '' };
  }

  /**
   * A command whose stdout went to buildah's fd 3, open for reading only: each write fails with
   * EBADF. dash's echo and printf say "printf: printf: I/O error", bash's "printf: write error:
   * Bad file descriptor", coreutils "cat: write error: Bad file descriptor", all status 1
   * (measured: buildah 1.28 RUN printf x >&3, and with 3</dev/null here). Known empty output
   * writes nothing; output the model does not know may or may not have been written.
   */
  private wroteToReadOnlyFd(res: Res, name: string | undefined, text: Text): Res {
    if (res.out === '') return res;
    const t = textOf(text);
    const base = name === undefined ? undefined : baseName(name);
    if (res.out === undefined || base === undefined) {
      this.note(`"${t}" writes to fd 3, which buildah leaves open for reading only: whether it fails is not known`, t);
      return { status: 'unknown', out: '' };
    }
    const builtin = (name === 'echo' || name === 'printf') && this.f.flavor !== 'ash';
    const msg = !builtin
      ? `${base}: write error: Bad file descriptor`
      : this.f.flavor === 'dash'
        ? `${this.f.argv0}: ${this.f.lineOffset + 1}: ${name}: ${name}: I/O error`
        : `${this.f.argv0}: ${bashLine(this.f)}${name}: write error: Bad file descriptor`;
    this.f.err.push(msg);
    this.sh.failedAt = failure(this.line(), t, [msg]);

    return { status: 1, out: '' };
  }

  /**
   * An input redirection the shell cannot open: the command does not run. dash 0.5.12 "cannot
   * open /etc/shadow: Permission denied" (ENOENT worded "No such file"), status 2; bash 5.2
   * "/etc/shadow: Permission denied", status 1; either shell goes on (measured here).
   */
  private cannotOpen(path: string, errno: Errno, text: Text): Res {
    const why = errnoText(errno);
    const msg = this.f.flavor === 'dash'
      ? `${this.f.argv0}: ${this.f.lineOffset + 1}: cannot open ${path}: ${errno === 'ENOENT' ? 'No such file' : why}`
      : `${this.f.argv0}: ${bashLine(this.f)}${path}: ${why}`;
    this.f.err.push(msg);
    this.sh.failedAt = failure(this.line(), textOf(text), [msg]);

    return { status: this.f.flavor === 'dash' ? 2 : 1, out: '' };
  }

  private cannotCreate(path: string, why: string, text: Text): Res {
    const n = this.f.lineOffset + 1;
    let msg: string;
    let status: number;

    // dash and BusyBox ash word a missing folder on the way themselves (errmsg with E_CREAT:
    // ENOENT and ENOTDIR), and strerror for the rest; bash always uses strerror.
    const noDir = why === 'No such file or directory' || why === 'Not a directory';
    if (this.f.flavor === 'dash') {
      msg = `${this.f.argv0}: ${n}: cannot create ${path}: ${noDir ? 'Directory nonexistent' : why}`;
      status = 2;
    } else if (this.f.flavor === 'ash') {
      msg = `${this.f.argv0}: line ${n}: can't create ${path}: ${noDir ? 'nonexistent directory' : why}`;
      status = 1;
    } else {
      msg = `${this.f.argv0}: ${bashLine(this.f)}${path}: ${why}`;
      status = 1;
    }
    this.f.err.push(msg);
    this.sh.failedAt = failure(this.line(), textOf(text), [msg]);

    return { status, out: '' };
  }

  private heredoc(r: Redirect): string | undefined {
    let body = r.heredoc ?? '';
    if (r.op === '<<-') body = body.replace(/^\t+/gm, '');
    if (r.heredocQuoted || !/[$`\\]/.test(body)) return body;

    // An unquoted here-document expands like a double-quoted word (XCU 2.7.4).
    try {
      const script = parseShell(`: "${body.replace(/"/g, '\\"')}"`);
      const cmd = script.items[0]?.andOr.first.commands[0];
      if (!cmd || cmd.type !== 'cmd' || cmd.args.length !== 2) return undefined;
      const e = this.staticWord(cmd.args[1]);
      return e.exact ? e.value : undefined;
    } catch (e) {
      if (e instanceof ShellSyntaxError) return undefined;
      throw e;
    }
  }

  private readInput(path: string): string | undefined {
    const abs = resolvePath(this.state.fs, normalizePath(path, this.f.cwd)).path;

    return this.state.texts[abs]?.content;
  }

  // ------------------------------------------------------------------ files

  access(path: string, op: Op): Verdict {
    const n = normalizePath(path, this.f.cwd);
    // A trailing slash asks for a directory (the evaluator judges `P/` apart): kept.
    const slash = n !== '/' && path.length > 1 && path.charCodeAt(path.length - 1) === 47;

    return evaluate(this.f.ident, this.view(), slash ? `${n}/` : n, op, false);
  }

  /** The path is on a read-only mount, or on a read-only root (an entrypoint script at start). */
  readOnlyAt(path: string): boolean {
    const view = this.view();
    if (view.mounts.length === 0 && !view.readOnlyRoot) return false;

    return readOnly(view, normalizePath(path, this.f.cwd));
  }

  /** The target of the mount the path is on; undefined for the image's own file system. */
  mountAt(path: string): string | undefined {
    return mountTarget(this.view(), normalizePath(path, this.f.cwd));
  }

  /**
   * The build's view: the image tree and the step's RUN --mount mounts. Made again only if the
   * tree is swapped.
   */
  private view(): View {
    const view = this.sh.view;
    if (view && view.fs === this.state.fs) return view;

    return (this.sh.view = { fs: this.state.fs, mounts: this.sh.mounts, readOnlyRoot: false });
  }

  /**
   * A program named by a path (/opt/a.sh, ./a.sh) that is a file the model knows and the user
   * may not execute: execve fails with EACCES, and the shell prints its own line and gives 126
   * (measured with dash 0.5.12, bash 5.2 and BusyBox 1.35 ash in the oracle suite). Root needs
   * an x bit too: CAP_DAC_OVERRIDE does not make a file with none executable. Undefined when it
   * may run, or when its mode or a folder above it rests on a guess: then it is not modelled,
   * as before.
   */
  private execRefusal(program: string, text: Text, byRuntime = false): Res | undefined {
    const abs = normalizePath(program, this.f.cwd);
    const r = resolvePath(this.state.fs, abs);
    const meta = r.meta;
    // A folder is refused too, but bash words it otherwise ("Is a directory"): not modelled.
    if (meta?.kind !== 'file') return undefined;
    const v = this.access(abs, 'exec');
    if (v.allowed || v.errno !== 'EACCES' || this.guessed(abs, r.path)) return undefined;
    const ident = this.f.ident;
    const blockedAt = this.unsearchable(abs);
    // x allowed and every folder searchable: a script its interpreter may not read. The kernel
    // starts the interpreter, which fails to open it in its own words: not this refusal.
    if (blockedAt === undefined && allows(ident, meta, ACCESS_MASKS.MAY_EXEC)) return undefined;

    // runc (BuildKit, the classic builder): "exec: PROG: permission denied" during container
    // init, as Docker reports a non-executable ENTRYPOINT; buildah's chroot runtime: its fork/exec
    // (measured).
    const message = !byRuntime
      ? execErrorText(this.f, program, 'Permission denied')
      : this.sh.builder === 'buildah'
        ? `fork/exec ${program}: permission denied`
        : `runc run failed: unable to start container process: error during container init: exec: "${program}": permission denied`;
    this.sh.refusal = {
      program,
      path: r.path,
      message,
      who: ident.label ?? `uid ${ident.uid}`,
      uid: ident.uid,
      reasons: evaluate(ident, this.view(), abs, 'exec').reasons,
      blockedAt,
      readable: blockedAt === undefined && allows(ident, meta, ACCESS_MASKS.MAY_READ),
      mayChmod: ident.uid === meta.uid || ident.caps.has('CAP_FOWNER'),
      origin: meta.origin,
    };
    this.f.err.push(message);
    this.sh.failedAt = failure(this.line(), textOf(text), [message]);

    return { status: byRuntime ? 1 : 126, out: '' };
  }

  /** This shell itself starts the program (not the runtime, not a function of that name). */
  private shellExecs(program: string): boolean {
    const f = this.f;

    return !(this.sh.execForm && f.main) && EXEC_WORDED.has(baseName(f.argv0)) && !f.funcs.has(program);
  }

  /** The first folder on the way to path that the user may not search, if any. */
  private unsearchable(path: string): string | undefined {
    const dirs = ['/'];
    for (let d = parentOfPath(path); d !== '/'; d = parentOfPath(d)) dirs.splice(1, 0, d);

    // From the root down: below the first folder refused, every one is refused for its sake.
    return dirs.find((d) => !this.access(d, 'chdir').allowed);
  }

  /**
   * The metadata of these paths rest on a guess: an assumption decided them or a folder above
   * them (a COPY source that was not read), or a step the model did not follow named them or a
   * folder above them (as failureGuesses in rules/util reads a failure's paths).
   */
  private guessed(...paths: string[]): boolean {
    const under = (q: string) => paths.some((p) => isUnder(p, q));

    if (this.state.assumptions.some((a) => a.paths?.some(under)) || this.state.unknowns.some((u) => u.paths.some(under))) return true;

    // A step that filled the file's folder with unknown entries (an archive unpacked over it, a
    // build run there) may have replaced the file too. An archive marks every folder below it.
    return paths.some((p) => this.state.fs.get(parentOfPath(p))?.filled === true);
  }

  /**
   * Where a command the model does not follow may have written besides its folder: an archive
   * unpacked into a folder may have added to every folder below it, and tools keep their state
   * under HOME (~/.local, ~/.config, ~/.cache: pipx, chezmoi, installers).
   */
  private unknownWrites(base: string, argv: string[], local: boolean): void {
    const into = local ? null : unpacksInto(base, argv, this.f.cwd);
    if (into !== null) listingsUnknownBelow(this.state.fs, into);
    const home = this.f.env.get('HOME') ?? this.f.ident.home;
    // Once a step: what later commands of the same step make there, the model follows.
    if (home === undefined || home === this.sh.homeFilled || !home.startsWith('/') || normalizePath(home) === '/') return;
    listingsUnknownBelow(this.state.fs, normalizePath(home));
    this.sh.homeFilled = home;
  }

  /** What is in these folders is no longer known (see contentsUnknown in image/fs). */
  private contentsUnknown(dirs: string[]): void {
    contentsUnknown(this.state.fs, dirs);
  }

  private unknownExistence(abs: string): boolean {
    return resolvePath(this.state.fs, abs).unknown;
  }

  /**
   * Write text to a file as the current identity: the kernel's open(O_WRONLY|O_CREAT) checks,
   * then the metadata entry, then the text when the file is one whose content matters.
   * Returns the error text (strerror) when refused. content undefined: not known.
   */
  writeFile(path: string, content: string | undefined, append: boolean): string | undefined {
    const fs = this.state.fs;
    const abs = normalizePath(path, this.f.cwd);
    const r = resolvePath(fs, abs, true);

    if (r.loop) return errnoText('ELOOP');
    if (r.notDir) return errnoText('ENOTDIR');
    if (r.meta?.kind === 'dir') return 'Is a directory';

    if (!r.meta) {
      const parent = resolvePath(fs, r.missingAt ?? '/');
      // open(O_CREAT) makes one entry: a missing parent is ENOENT, unless its existence is
      // only unknown (a partial listing).
      if (r.missingAt !== undefined && r.missingAt !== parentOfPath(r.path) && !r.unknown) {
        const walk = this.access(r.missingAt, 'chdir');
        return errnoText(!walk.allowed && walk.errno === 'EACCES' ? 'EACCES' : 'ENOENT');
      }
      if (parent.meta && parent.meta.kind !== 'dir') return errnoText('ENOTDIR');
      if (r.unknown && r.missingAt !== parentOfPath(r.path)) {
        // Its directory is not listed: the file is written there, but no entry is invented
        // for directories whose owner the model does not know.
        this.note(`${r.path} is written inside directories the model does not list`, 'write', [r.path]);
        return undefined;
      }
    }
    const v = this.access(r.path, r.meta ? 'write' : 'create');
    if (!v.allowed) return errnoText(v.errno ?? 'EACCES');

    const real = r.path;
    if (!r.meta) {
      const owner = newEntryOwner(fs, real, this.f.ident, false);
      fs.set(real, {
        kind: 'file',
        uid: owner.uid,
        gid: owner.gid,
        mode: 0o666 & ~this.f.umask,
        origin: this.origin(),
      });
    } else if (r.meta.mode & 0o6000 && !this.f.ident.caps.has('CAP_FSETID')) {
      // Writing to a setuid/setgid file drops those bits for an unprivileged writer
      // (fs/inode.c: file_remove_privs / should_remove_suid).
      let mode = r.meta.mode & ~0o4000;
      if ((mode & 0o2010) === 0o2010) mode &= ~0o2000;
      setInodeMeta(fs, real, withMeta(r.meta, { mode }));
    }

    if (content === undefined) {
      this.unknownContent(real, 'write');
      return undefined;
    }
    // A file that starts with #! is a script: remember it for exec verdicts. (A redirect first
    // truncates, then appends the output, so appended text can be the start too.)
    if (content.startsWith('#!')) {
      const m = fs.get(real);
      if (m && !m.script) setInodeMeta(fs, real, withMeta(m, { script: true }));
    }
    // Appended to a file that may have been there (its folder is listed in part): to its text.
    this.storeText(real, content, append, r.meta === undefined && !r.unknown);

    return undefined;
  }

  private storeText(real: string, content: string, append: boolean, created = false): void {
    const state = this.state;
    bounded(append ? content + (state.texts[real]?.content ?? '') : content, `the text of ${real}`);

    if (real === '/etc/passwd' || real === '/etc/group') {
      // The account files are kept as parsed entries, not as text.
      if (real === '/etc/passwd') {
        const entries = parsePasswd(content);
        state.accounts.passwd = append ? [...state.accounts.passwd, ...entries] : entries;
      } else {
        const entries = parseGroup(content);
        state.accounts.group = append ? [...state.accounts.group, ...entries] : entries;
      }
      return;
    }

    if (real === '/etc/adduser.conf') {
      // Debian's adduser reads it as shell assignments, the last one of a name winning. Which
      // group new users join is settled first from the release's adduser, so a new DIR_MODE
      // does not change it.
      const { assigned } = readAdduserConf(content);
      const defs = state.accounts.loginDefs;
      const next = { ...defs, adduserUsersGroup: defs.adduserUsersGroup ?? (defs.adduserDirMode === 0o700 ? 'users' : '') };
      const mode = assigned.DIR_MODE;
      if (mode !== undefined && /^0?[0-7]{3,4}$/.test(mode)) next.adduserDirMode = parseInt(mode, 8);
      // The name patterns adduser's checkname() holds new names to.
      if (assigned.NAME_REGEX !== undefined) next.adduserNameRegex = assigned.NAME_REGEX;
      if (assigned.SYS_NAME_REGEX !== undefined) next.adduserSysNameRegex = assigned.SYS_NAME_REGEX;
      // Only an adduser that adds users to a group at all (3.124 on) is changed by these.
      if (next.adduserUsersGroup !== '') {
        if (assigned.USERS_GID === '-1' || assigned.USERGROUPS?.toLowerCase() === 'no') next.adduserUsersGroup = '';
        else if (assigned.USERS_GROUP !== undefined) next.adduserUsersGroup = assigned.USERS_GROUP;
      }
      state.accounts.loginDefs = next;
      return;
    }
    if (!isTrackedText(real)) {
      if (isProjectText(real) || this.startScript(real)) state.texts[real] = { content: append ? (state.texts[real]?.content ?? '') + content : content, line: this.line() };
      return;
    }
    // Lines appended to the image's own /etc/profile come after its text (Debian's PATH lines).
    const prev = state.texts[real]?.content ?? (append && !created && real === '/etc/profile' ? stockProfile(state) : undefined) ?? '';
    state.texts[real] = { content: append ? prev + content : content, line: this.line() };
    if (real === '/etc/login.defs') {
      // useradd reads the file at each run, a later line of a key winning (shadow getdef.c):
      // appended lines change the settings the image had; a new file starts from shadow's own.
      state.accounts.loginDefs = parseLoginDefs(content, append ? state.accounts.loginDefs : SHADOW_DEFAULTS);
    }
    refreshDerived(state);
  }

  private unknownContent(path: string, text: string): void {
    const real = resolvePath(this.state.fs, normalizePath(path, this.f.cwd)).path;
    if (isProjectText(real) || this.startScript(real)) delete this.state.texts[real];
    if (!isTrackedText(real) && real !== '/etc/passwd' && real !== '/etc/group') return;
    this.note(`the text written to ${real} is not known`, text, [real]);
    if (this.state.texts[real]) {
      delete this.state.texts[real];
      refreshDerived(this.state);
    }
  }

  origin(): string {
    return `${this.sh.file}:${this.line()}`;
  }

  /** A file named as a script the container starts with (RunInit.startScripts). */
  private startScript(path: string): boolean {
    return this.sh.startScripts?.has(baseName(path)) === true;
  }

  // ------------------------------------------------------------------ words

  /** The shell's own environment, copied first if it is shared. */
  private writableEnv(): ShellEnv {
    if (this.f.envShared) {
      this.f.env = new Map(this.f.env);
      this.f.envShared = false;
    }

    return this.f.env;
  }

  /**
   * What a login shell runs of /etc/profile: the text a build wrote there (appended to the
   * image's own, Debian's where known: profile.ts), else the image's own. Its `umask N` lines,
   * plain assignments and exports (no command substitution) and its `if [ "$(id -u)" -eq 0 ]`
   * block of such lines run here, in order; Debian's text resets PATH that way, by the uid, over
   * ENV PATH, su's and sudo's (measured: sudo-path/login-path-values, sudo-path/su-login-conda,
   * sudo-path/sudo-i-conda), where the /etc/profile.d scripts it then sources are known to be
   * none (profileScriptsKnown). Any other command is passed over, as before: what it does is
   * covered by the unknown startup files (measured: probe-sudo/login-umask-profile,
   * probe-misc3/bash-login-profile-umask). A text the parser does not read is taken line by line.
   */
  readProfile(): void {
    const text = profileText(this.state);
    if (text === undefined) return;
    const parsed = this.parse(text);
    // A text that sources /etc/profile.d runs its scripts too (after the PATH lines).
    const scriptsKnown = !text.includes('/etc/profile.d') || profileScriptsKnown(this.state);
    const items = 'error' in parsed ? profileLines(text, (l) => this.parse(l)) : parsed.script.items.filter((it) => {
      const c = onlyCommand(it.andOr);
      return !it.background && c !== undefined && profileCommandRuns(c, scriptsKnown);
    });
    // Scripts of /etc/profile.d the model does not read may put more folders on PATH.
    if (!scriptsKnown) this.writableInexact().add('PATH');
    if (items.length === 0) return;
    const { err, last } = this.f;
    const failedAt = this.sh.failedAt;
    this.f.err = [];
    try {
      this.list({ items }, false);
    } finally {
      this.f.err = err;
      this.f.last = last;
      this.sh.failedAt = failedAt;
    }
  }

  /** The set of inexact variables, copied first if it is shared. */
  writableInexact(): Set<string> {
    if (this.f.inexactShared) {
      this.f.inexact = new Set(this.f.inexact);
      this.f.inexactShared = false;
    }

    return this.f.inexact;
  }

  /** The shell's functions, copied first if they are shared. */
  private writableFuncs(): Map<string, Command> {
    if (this.f.funcsShared) {
      this.f.funcs = new Map(this.f.funcs);
      this.f.funcsShared = false;
    }

    return this.f.funcs;
  }

  /** Bodies that may or may not have run: the variables they assign lose their known values. */
  private forgetAssigned(bodies: Script[]): void {
    const names = new Set<string>();
    for (const b of bodies) assignedIn(b, names);
    for (const n of names) if (!this.f.inexact.has(n)) this.writableInexact().add(n);
  }

  private setVar(name: string, value: string, exact: boolean): void {
    this.writableEnv().set(name, bounded(value, `the value of ${name}`));
    const inexact = this.f.inexact;
    if (exact) {
      if (inexact.has(name)) this.writableInexact().delete(name);
    } else if (!inexact.has(name)) {
      this.writableInexact().add(name);
    }
  }

  /** Built once per walker: a lookup runs for every expanded word. */
  private lookup?: (name: string) => string | null | undefined;
  private hook?: (script: Script, raw: string) => string | null;
  private arithFn?: (raw: string) => string | null;
  /** A pattern of the command being expanded matched nothing known in a partial folder. */
  private lostGlob = false;
  /** Command substitutions run so far by this walker (an assignment's status is the last one's). */
  private substs = 0;
  private xctx?: ExpandCtx;

  envLookup(): (name: string) => string | null | undefined {
    return (this.lookup ??= (name) => this.varValue(name));
  }

  /** A variable's value: string, null when unset, undefined when the model does not know it. */
  private varValue(name: string): string | null | undefined {
    const f = this.f;
    if (f.inexact.size > 0 && f.inexact.has(name)) return undefined;

    // Special parameters are one character below 'A'; of the named ones only four are special.
    const c = name.charCodeAt(0);
    if (c < 65 && name.length === 1) {
      if (c === 63) return f.last === 'unknown' ? undefined : String(f.last);
      if (c === 35) return String(f.positional.length);
      if (c === 64 || c === 42) return f.positional.join(' ');
      if (c === 48) return f.argv0;
      if (c >= 49 && c <= 57) return f.positional[c - 49] ?? null;
      if (c === 36 || c === 33 || c === 45) return undefined;
    } else if (c >= 48 && c <= 57) {
      // ${10} and on: positional parameters too.
      return /^\d+$/.test(name) ? (f.positional[Number(name) - 1] ?? null) : null;
    } else if (c >= 65 && c <= 90) {
      if (name === 'RANDOM') return undefined;
      if (name === 'PWD') return f.env.get('PWD') ?? f.cwd;
      if (name === 'HOME') return f.env.get('HOME') ?? f.ident.home;
      // bash sets UID and EUID to the real ids only when the environment has none (variables.c,
      // initialize_shell_variables): an ARG UID=1000 reaches a bash RUN as 1000.
      if ((name === 'UID' || name === 'EUID') && f.flavor === 'bash') return f.env.get(name) ?? String(f.ident.uid);
    }

    const v = f.env.get(name);
    if (v !== undefined) return v;
    // Variables the shell itself sets when the environment has none (undefined: a value the
    // model does not know, such as the machine's HOSTTYPE).
    const own = f.flavor === 'bash' ? BASH_SETS : f.flavor === 'dash' ? DASH_SETS : undefined;
    if (own !== undefined && own.has(name)) return own.get(name);

    return f.inexact.size > 0 && f.inexact.has(ANY_UNSET) ? undefined : null;
  }

  /** Command substitution: run the inner script in a subshell and take its stdout. */
  substHook(): (script: Script, raw: string) => string | null {
    return (this.hook ??= (script) => {
      const sub = new Walker(this.sh, fork(this.f));
      let r: Res;
      try {
        r = sub.list(script, false);
      } catch (e) {
        if (!(e instanceof ExitSignal)) throw e;
        r = { status: e.status, out: '' };
      }
      this.f.last = r.status;
      this.substs++;

      return r.out === undefined || r.status === 'unknown' ? null : r.out;
    });
  }

  /** One expansion context per walker, reused for every word. */
  private expandCtx(): ExpandCtx {
    return (this.xctx ??= {
      env: this.envLookup(),
      onCmdSubst: this.substHook(),
      onArith: this.arithHook(),
      onUnset: (name, op, word) => this.unsetParam(name, op, word),
      onBashOnly: this.f.flavor === 'dash' ? () => this.badSubstitution() : undefined,
      exact: true,
    });
  }

  /** dash 0.5.12 on a bash-only expansion, at run time: "Bad substitution", and the shell ends. */
  private badSubstitution(): never {
    const f = this.f;
    const msg = `${f.argv0}: ${f.lineOffset + 1}: Bad substitution`;
    f.err.push(msg);
    this.sh.failedAt = failure(this.line(), '', [msg]);
    throw new ExitSignal(2);
  }

  /**
   * A variable known to be unset was expanded with no default: under set -u, or through
   * `${X?word}`. The shell prints its error and ends (a subshell ends only itself), as dash
   * 0.5.12 and bash 5.2 did here: dash with status 2; bash with 1, or 127 for a `-c` shell
   * without set -e. BusyBox ash is not measured: the value is only taken as not known.
   * Variables the engine may set at start (TERM with -t, Kubernetes' service links) are not
   * known to be unset.
   */
  private unsetParam(name: string, op: string | undefined, word: string | undefined): boolean {
    const f = this.f;
    const asked = op === '?' || op === ':?';
    if (!asked && !f.nounset) return false;
    // At start the engine may set TERM (-t) and Kubernetes' service variables; in a build step
    // TERM is unset (measured: `set -u; echo $TERM` fails a buildah RUN).
    if (f.flavor === 'ash' || name === 'HOSTNAME' || (this.sh.watch !== undefined && ENGINE_MAY_SET.test(name))) return true;
    const positional = name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57;
    let text: string;
    if (asked && word) text = word;
    else if (op === ':?') text = f.flavor === 'dash' ? 'parameter not set or null' : 'parameter null or not set';
    else if (asked || f.flavor === 'dash') text = 'parameter not set';
    else text = 'unbound variable';
    const shown = !asked && f.flavor === 'bash' && positional ? `$${name}` : name;
    const where = f.flavor === 'dash' ? `${f.lineOffset + 1}: ` : bashLine(f);
    const msg = `${f.argv0}: ${where}${shown}: ${text}`;
    f.err.push(msg);
    this.sh.failedAt = failure(this.line(), asked ? `\${${name}${op}${word ?? ''}}` : `$${name}`, [msg]);
    throw new ExitSignal(f.flavor === 'dash' ? 2 : f.started === 'c' && !f.errexit ? 127 : 1);
  }

  /**
   * expandWordStatic over this shell's variables. The context's flag is saved and restored:
   * a word may be expanded while another one is (a here-document inside $(...)).
   */
  private staticWord(w: Word): StaticExpansion {
    const ctx = this.expandCtx();
    const saved = ctx.exact;
    ctx.exact = true;
    const value = expandWordIn(w, ctx);
    const exact = ctx.exact;
    ctx.exact = saved;

    return { value, exact };
  }

  /** One part of a word, with whether every value it used is known. */
  private staticPart(p: Word['parts'][number], ctx: ExpandCtx): { value: string; exact: boolean } {
    const saved = ctx.exact;
    ctx.exact = true;
    const value = expandPart(p, ctx);
    const exact = ctx.exact;
    ctx.exact = saved;

    return { value, exact };
  }

  /**
   * Expand one word into fields appended to `out`: parameter expansion and command
   * substitution through expandWordStatic, then field splitting of unquoted expansions on
   * blanks (XCU 2.6.5), tilde and pathname expansion against the known tree (2.6.6). Patterns
   * over a partial listing go to partialGlobs (and set lostGlob when they matched nothing
   * known). Returns false when a value was not known.
   */
  expandInto(w: Word, out: string[], partialGlobs: string[], braced = false): boolean {
    const parts = w.parts;
    // bash expands braces first, in one pass (dash has none: the word stays literal).
    if (!braced && this.f.flavor === 'bash') {
      const words = expandBraces(parts, w.raw);
      if (words === TOO_MANY) {
        this.note(`the brace expression in ${w.raw} makes more words than the model follows`, w.raw);
        return false;
      }
      if (words !== null) {
        let exact = true;
        for (const one of words) if (!this.expandInto({ parts: one, raw: '' }, out, partialGlobs, true)) exact = false;
        return exact;
      }
    }

    // Most words are one plain literal: no tilde, no pattern, nothing to split.
    if (parts.length === 1) {
      const only = parts[0];
      if (only.type === 'sq' || (only.type === 'lit' && !literalSpecial(only.value))) {
        out.push(only.value);
        return true;
      }
    }
    // ctx.exact gathers the exactness of the expansions; `exact` that of tilde and arithmetic.
    const ctx = this.expandCtx();
    const savedExact = ctx.exact;
    ctx.exact = true;
    let exact = true;

    // The field being built: its text, its pattern (expanded text escaped), whether it holds
    // an unquoted pattern character. Fields closed by a split wait in `closed`: pathname
    // expansion runs once the whole word is expanded.
    let open = false;
    let s = '';
    let pat = '';
    let glob = false;
    let closed: { s: string; pat: string; glob: boolean }[] | null = null;

    for (let i = 0; i < parts.length; i++) {
      if (s.length > MAX_VALUE_LENGTH) throw new ValueTooLong('a word');
      const p = parts[i];
      if (p.type === 'lit') {
        let v = p.value;
        if (i === 0 && v.charCodeAt(0) === 126) {
          const t = this.tilde(v);
          if (t === undefined) exact = false;
          else v = t;
        }
        open = true;
        s += v;
        pat += v;
        if (!glob && hasGlobChar(v)) glob = true;
        continue;
      }

      if (p.type === 'param' || p.type === 'cmdsubst' || p.type === 'arith') {
        let value: string | undefined;
        if (p.type === 'arith') value = this.arith(p.raw);
        else value = expandPart(p, ctx);
        if (value === undefined) {
          exact = false;
          continue;
        }
        if (!hasBlank(value)) {
          if (value === '') continue;
          open = true;
          s += value;
          pat += escapeGlob(value);
          continue;
        }
        const segs = value.split(/[ \t\n]+/);
        for (let k = 0; k < segs.length; k++) {
          if (k > 0 && open) {
            (closed ??= []).push({ s, pat, glob });
            open = false;
            s = '';
            pat = '';
            glob = false;
          }
          if (segs[k] === '') continue;
          open = true;
          s += segs[k];
          pat += escapeGlob(segs[k]);
        }
        continue;
      }

      if (p.type === 'dq' && p.parts.length === 1 && isQuotedAll(p.parts[0])) {
        // "$@": one field per positional parameter, none at all when there is none.
        const pos = this.f.positional;
        for (let k = 0; k < pos.length; k++) {
          if (k > 0) {
            (closed ??= []).push({ s, pat, glob });
            s = '';
            pat = '';
            glob = false;
          }
          open = true;
          s += pos[k];
          pat += escapeGlob(pos[k]);
        }
        continue;
      }

      const value = expandPart(p, ctx);
      open = true;
      s += value;
      pat += escapeGlob(value);
    }
    if (!ctx.exact) exact = false;
    ctx.exact = savedExact;

    if (closed !== null) for (const f of closed) this.field(f.s, f.pat, f.glob, out, partialGlobs);
    if (open) this.field(s, pat, glob, out, partialGlobs);

    return exact;
  }

  /** One expanded field: itself, or the names its pattern matches. */
  private field(
    s: string,
    pat: string,
    glob: boolean,
    out: string[],
    partialGlobs: string[],
  ): void {
    if (!glob || !PATTERN.test(pat)) {
      out.push(s);
      return;
    }
    const g = this.glob(pat);
    if (!g.exact) partialGlobs.push(s);
    if (!g.exact && g.matches.length === 0) this.lostGlob = true;
    // A pattern over a partial listing that matched nothing known is dropped rather than
    // passed on literally: the real shell would have found something or nothing.
    if (g.matches.length > 0) for (const m of g.matches) out.push(m);
    else if (g.exact) out.push(s);
  }

  /** A pattern word for case: quoted parts match themselves. undefined when not known. */
  private pattern(w: Word): string | undefined {
    let pat = '';
    for (const p of w.parts) {
      if (p.type === 'lit') {
        pat += p.value;
        continue;
      }
      const e = this.staticPart(p, this.expandCtx());
      if (!e.exact) return undefined;
      pat += p.type === 'param' || p.type === 'cmdsubst' ? e.value : escapeGlob(e.value);
    }

    return pat;
  }

  private tilde(v: string): string | undefined {
    const slash = v.indexOf('/');
    const prefix = slash === -1 ? v : v.slice(0, slash);
    const rest = slash === -1 ? '' : v.slice(slash);
    if (prefix === '~') return (this.f.env.get('HOME') ?? this.f.ident.home) + rest;
    const u = this.state.accounts.passwd.find((e) => e.name === prefix.slice(1));

    return u ? u.home + rest : v;
  }

  /** $((...)): undefined when the value cannot be told (or the text is not plain arithmetic). */
  private arith(raw: string): string | undefined {
    const r = evalArith(raw, this.arithVars(), this.f.flavor === 'dash');
    if ('error' in r && r.divide) this.divideByZero(raw, r.token);
    if ('error' in r && r.dash) this.dashArithError(raw, r.error);

    return 'value' in r ? String(r.value) : undefined;
  }

  /** The same, for expandWordStatic (assignments, double quotes). */
  arithHook(): (raw: string) => string | null {
    return (this.arithFn ??= (raw) => this.arith(raw) ?? null);
  }

  /**
   * A $((...)) dash's grammar refuses (`**`): "arithmetic expression: expecting primary:
   * "TEXT"", and like a division by zero it ends the shell (a subshell only itself) with 2,
   * `|| true` or not (measured with dash 0.5.12).
   */
  private dashArithError(raw: string, error: string): never {
    const f = this.f;
    const msg = `${f.argv0}: ${f.lineOffset + 1}: arithmetic expression: ${error}: "${raw}"`;
    f.err.push(msg);
    this.sh.failedAt = failure(this.line(), `$((${raw}))`, [msg]);
    throw new ExitSignal(2);
  }

  /**
   * $((... / 0)): each shell's words and reaction, measured here (dash 0.5.12, BusyBox 1.35
   * ash, bash 5.2). dash and ash end the shell (a subshell only ends itself) with status 2;
   * bash gives status 1 and drops the rest of the line, or ends a subshell.
   */
  private divideByZero(raw: string, token: string): never {
    const f = this.f;
    const n = f.lineOffset + 1;
    const msg = f.flavor === 'dash'
      ? `${f.argv0}: ${n}: arithmetic expression: division by zero: "${raw}"`
      : f.flavor === 'ash'
        ? `${f.argv0}: divide by zero`
        : `${f.argv0}: ${bashLine(f)}${raw.trimStart()}: division by 0 (error token is "${token}")`;
    f.err.push(msg);
    this.sh.failedAt = failure(this.line(), `$((${raw}))`, [msg]);
    if (f.flavor === 'bash' && f.main) throw new AbandonSignal(f.lineOffset);
    throw new ExitSignal(f.flavor === 'bash' ? 1 : 2);
  }

  /** Pathname expansion against the known tree; inexact when a partial directory is listed. */
  private glob(pat: string): { matches: string[]; exact: boolean } {
    const abs = pat.startsWith('/');
    const comps = pat.split('/').filter((c) => c !== '');
    let paths: string[] = [abs ? '/' : this.f.cwd];
    let exact = true;

    for (const comp of comps) {
      const next: string[] = [];
      const literal = !hasActiveGlob(comp);
      // The name a literal component stands for: its escapes removed.
      const name = literal && comp.includes('\\') ? comp.replace(/\\(.)/g, '$1') : comp;
      for (const dir of paths) {
        const real = resolvePath(this.state.fs, dir).path;
        const meta = this.state.fs.get(real);
        if (!meta || meta.kind !== 'dir') continue;
        if (literal) {
          next.push(join(dir, name));
          continue;
        }
        if (meta.partial) exact = false;
        for (const child of childrenOf(this.state.fs, real).sort()) {
          const name = baseName(child);
          if (name.startsWith('.') && !comp.startsWith('.')) continue;
          if (globMatch(comp, name)) next.push(join(dir, name));
        }
      }
      paths = next;
    }

    const matches = paths.filter((p) => {
      const r = resolvePath(this.state.fs, p, false);
      if (!r.meta && r.unknown) exact = false;
      return r.meta !== undefined;
    });
    const rel = (p: string) => (abs ? p : p.slice(this.f.cwd === '/' ? 1 : this.f.cwd.length + 1));

    return { matches: matches.map(rel), exact };
  }

  // ------------------------------------------------------------------ the handler context

  context(stdin: string | undefined, text: Text, viaExec = false): ExecContext {
    return new HandlerContext(this, stdin, text, viaExec);
  }

  runArgvAs(argv: string[], ident: BuildIdentity | undefined, input: string | undefined, keepEnv = false, setup?: ChildSetup): CmdResult {
    return this.child(ident, (w) => w.run(argv, true, input, argv.join(' ')), keepEnv, setup);
  }

  runScriptAs(src: string, ident: BuildIdentity | undefined, args: string[] | undefined, startupFiles: StartupFiles = false, setup?: ChildSetup, shellOfFile?: string): CmdResult {
    return this.child(ident, (w) => {
      if (args && args.length > 0) {
        // $0 names the shell: `bash -c` runs bash, whose grammar and messages differ from dash's.
        // A login shell's starts with '-' ("-bash", "-sh": su -, sudo -i).
        w.f.argv0 = args[0];
        w.f.positional = args.slice(1);
        // sh is the image's /bin/sh, whichever shell runs this one (bash -c 'sh -c ...').
        const name = baseName(shellOfFile ?? args[0]).replace(/^-/, '');
        if (name === 'bash' || name === 'dash' || name === 'ash' || name === 'sh' || name === 'zsh') w.f.flavor = flavorOf(this.state, name);
      }
      // A login shell reads /etc/profile: the commands of it the model knows are run.
      if (startupFiles === 'login') w.readProfile();
      // What a login or interactive shell reads beyond those (/etc/profile.d, ~/.profile,
      // ~/.bashrc) is not known.
      if (startupFiles) w.writableInexact().add(ANY_UNSET);
      const parsed = w.parse(src);
      if ('error' in parsed && parsed.unsupported !== undefined) return w.unsupported(parsed.unsupported, src);
      if ('error' in parsed) {
        w.f.err.push(...parsed.error);
        return { status: 2, out: '' };
      }
      w.f.funcs = NO_FUNCS as Map<string, Command>;
      w.f.funcsShared = true;
      w.f.errexit = false;
      w.f.pipefail = false;
      w.f.xtrace = false;
      w.f.nounset = false;
      w.f.started = shellOfFile !== undefined ? 'file' : 'c';
      return w.list(parsed.script, false);
    }, false, setup);
  }

  /**
   * Run something in a child process, optionally as another identity. Its stderr is returned
   * (not printed) so the handler that started it passes it on.
   */
  child(ident: BuildIdentity | undefined, run: (w: Walker) => Res, keepEnv = false, setup?: ChildSetup): CmdResult {
    const err: string[] = [];
    const frame = fork(this.f);
    frame.err = err;
    frame.depth = this.f.depth + 1;
    frame.inFunction = 0;
    if (ident) frame.ident = ident;
    if (setup?.umask !== undefined) frame.umask = setup.umask;
    if (setup?.cwd !== undefined) frame.cwd = setup.cwd;
    if (setup !== undefined) {
      // The tool builds the environment itself (sudo's env_reset, su -).
      const keep = setup.keep;
      const env: ShellEnv = new Map();
      const inexact = new Set<string>();
      for (const [k, v] of this.f.env) if (keep === undefined || keep(k, v)) env.set(k, v);
      // Kept whole, the caller's HOME stays, also where it was the account's by default.
      if (keep === undefined && !env.has('HOME') && !this.f.inexact.has('HOME')) env.set('HOME', this.f.ident.home);
      for (const k of this.f.inexact) {
        if (keep === undefined || (k !== ANY_UNSET && keep(k, this.f.env.get(k)))) inexact.add(k);
      }
      for (const [k, v] of setup.set ?? []) {
        if (v === undefined) env.delete(k);
        else env.set(k, v);
        inexact.delete(k);
      }
      frame.env = env;
      frame.envShared = false;
      frame.inexact = inexact;
      frame.inexactShared = false;
    } else if (ident && !keepEnv) {
      // su, sudo, gosu and runuser set HOME (and USER/LOGNAME) for the target user.
      const env: ShellEnv = new Map(this.f.env);
      env.set('HOME', ident.home);
      if (ident.name) {
        env.set('USER', ident.name);
        env.set('LOGNAME', ident.name);
      }
      frame.env = env;
      frame.envShared = false;
    }
    const w = new Walker(this.sh, frame);
    let r: Res;

    if (w.f.depth > MAX_DEPTH) {
      this.note('commands nest too deeply to follow', '');
      return { status: 'unknown' };
    }
    try {
      r = run(w);
    } catch (e) {
      if (!(e instanceof ExitSignal || e instanceof ReturnSignal)) throw e;
      r = { status: e.status, out: '' };
    }
    const out: CmdResult = { status: r.status, stderr: err };
    if (r.out !== undefined) out.stdout = r.out;

    return r.out === undefined ? markUnknown(out) : out;
  }
}

/**
 * What a handler sees of the walker: a snapshot of the frame's data and methods that call back
 * into the walker. A class rather than an object of closures: one is made for every command.
 */
class HandlerContext implements ExecContext {
  readonly state: ImageState;
  readonly ident: BuildIdentity;
  readonly env: ShellEnv;
  readonly cwd: string;
  readonly umask: number;
  readonly builder: Builder;
  readonly file: string;
  readonly line: number;
  shell?: string;
  /** Made at the first read: most handlers create nothing and never ask. */
  private originText: string | undefined = undefined;

  constructor(
    private readonly w: Walker,
    readonly stdin: string | undefined,
    private readonly text: Text,
    private readonly viaExec: boolean,
  ) {
    const f = w.f;
    this.state = w.state;
    this.ident = f.ident;
    this.env = f.env;
    this.cwd = f.cwd;
    this.umask = f.umask;
    this.builder = w.sh.builder;
    this.file = w.sh.file;
    this.line = w.line();
  }

  get origin(): string {
    return (this.originText ??= `${this.file}:${this.line}`);
  }
  pathUnknown(): boolean {
    return this.w.f.inexact.has('PATH');
  }
  shellError(program: string, error: string): string {
    // The exec builtin words it as its own failure, "not found" in bash too (measured: dash
    // "/e.sh: 3: exec: gosu: not found", bash "/h.sh: line 3: exec: gosu: not found").
    if (this.viaExec) return execErrorText(this.w.f, `exec: ${program}`, error === 'command not found' ? 'not found' : error);

    return execErrorText(this.w.f, program, error);
  }


  access(path: string, op: Op): Verdict {
    return this.w.access(path, op);
  }

  readOnly(path: string): boolean {
    return this.w.readOnlyAt(path);
  }

  mountOf(path: string): string | undefined {
    return this.w.mountAt(path);
  }

  unknown(reason: string, paths?: string[]): void {
    this.w.note(reason, textOf(this.text), paths ?? []);
  }

  unfollowedScript(reason: string, paths: string[] = []): void {
    this.w.note(reason, textOf(this.text), paths);
    this.w.mayHaveWritten(paths);
  }

  trace(): void {}

  runArgv(argv: string[], ident?: BuildIdentity, stdin?: string, keepEnv?: boolean, setup?: ChildSetup): CmdResult {
    return this.w.runArgvAs(argv, ident, stdin, keepEnv, setup);
  }

  runScript(src: string, ident?: BuildIdentity, args?: string[], startupFiles?: StartupFiles, setup?: ChildSetup, shellOfFile?: string): CmdResult {
    return this.w.runScriptAs(src, ident, args, startupFiles, setup, shellOfFile);
  }

  writeText(path: string, content: string, append: boolean): string | undefined {
    return this.w.writeFile(path, content, append);
  }

  lookupIdentity(spec: string): BuildIdentity | undefined {
    return identityFor(this.w.state, spec);
  }
}

/**
 * What a message names a command by: its text, or the simple command whose text is made only
 * when a message needs it (most commands never print one).
 */
type Text = string | SimpleCommand;

function textOf(t: Text): string {
  return typeof t === 'string' ? t : commandText(t);
}

/** How messages name a compound command. */
function compoundText(c: Exclude<Command, SimpleCommand | FuncDef>): string {
  switch (c.type) {
    case 'subshell':
      return '( ... )';
    case 'group':
      return '{ ... }';
    case 'test':
      return '[[';
    case 'arith':
      return `((${c.expr}))`;
    default:
      return c.type;
  }
}

/** The command as written, for messages: assignments then words. */
function commandText(c: SimpleCommand): string {
  let text = '';
  for (const a of c.assigns) text += `${text === '' ? '' : ' '}${a.name}=${a.value.raw}`;
  for (const w of c.args) text += text === '' ? w.raw : ` ${w.raw}`;

  return text;
}

function markUnknown(r: CmdResult): CmdResult {
  return unknownOutput(r);
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function escapeGlob(s: string): string {
  // Most expanded values hold no pattern character: a loop, then no replace and its callback.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 42 || c === 63 || c === 91 || c === 92) return s.replace(/[*?[\\]/g, '\\$&');
  }

  return s;
}

/**
 * A * ? or [ that no backslash quotes: the component is a pattern. Like removing every
 * backslash pair (/\\./g, where . stops at a line terminator) and then looking for one.
 */
function hasActiveGlob(comp: string): boolean {
  for (let i = 0; i < comp.length; i++) {
    const c = comp.charCodeAt(i);
    if (c === 92 && i + 1 < comp.length && !isLineTerminator(comp.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    if (c === 42 || c === 63 || c === 91) return true;
  }

  return false;
}

/** What a regex `.` does not match. */
function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/** A literal starting with ~ or holding a pattern character (LITERAL_SPECIAL), loop first. */
function literalSpecial(v: string): boolean {
  if (v.charCodeAt(0) === 126) return true;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 42 || c === 63) return true;
    // A [ is a pattern only when a ] closes it on the same line: the regex says.
    if (c === 91) return LITERAL_SPECIAL.test(v);
  }

  return false;
}

/** Holds * ? or [ (a field that may need pathname expansion). */
function hasGlobChar(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 42 || c === 63 || c === 91) return true;
  }

  return false;
}

/** Holds a blank that field splitting cuts at (space, tab, newline). */
function hasBlank(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10) return true;
  }

  return false;
}
