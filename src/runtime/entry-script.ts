// An entrypoint script whose text the model knows (copied from the build context, or written by
// a COPY heredoc) is run at start through the same shell interpreter as RUN steps: as the user
// the container starts as, in the container's view (the run's mounts laid over the image, a
// read-only root refusing writes), with the command it is given as "$@". What it does before it
// starts that command (chown of a mount, usermod -u $HOST_UID app, mkdir) changes the tree and the
// accounts the verdicts are judged on, and the user it starts the command as (`exec gosu app
// "$@"`) is the workload's. Pure.

import { afterInit } from './inits.js';
import type { Assumption, Errno, FsTree, ImageState, Process, UnknownEffect } from '../model/types.js';
import type { View } from '../access/evaluate.js';
import type { BuildIdentity, Builder } from '../shell/context.js';
import type { StartCommand } from './entrypoints.js';
import { runScript, type WorkloadStart } from '../shell/interpret.js';
import { parseShell } from '../shell/parse.js';
import { literalValue } from '../shell/words.js';
import { cloneAccounts, groupByGid, userByUid } from '../image/accounts.js';
import { baseName, cloneTree, normalizePath, resolvePath } from '../image/fs.js';
import { refreshDerived } from '../shell/commands/config.js';
import { errnoText } from '../shell/commands/files.js';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash']);

/** The script the start command runs, with the words it is given. */
export interface StartScript {
  /** The script's path in the image, symlinks resolved. */
  path: string;
  /** As the start command names it ($0). */
  written: string;
  text: string;
  /** The shell that runs it, with the options of its #! line (`/bin/sh -e`). */
  shell: string[];
  args: string[];
  /**
   * The kernel will not run it (no #! line, a #! line ending in a carriage return, an
   * interpreter the image does not have): the container stops at start with runc's words.
   */
  /** status: the start's exit status when it is not 1 (the shell's own, for a script it cannot open). */
  refused?: { message: string; why: string; fix: string; snippet?: string; status?: number };
}

/**
 * A #! line ending in a carriage return (Windows line endings). The kernel (binfmt_script)
 * takes the interpreter up to the first blank and passes the rest, trailing spaces and tabs
 * cut but not the '\r', as one argument: with no argument the '\r' ends the interpreter's
 * path, which no image has (ENOENT, the script reported missing); with one, the interpreter
 * runs and gets "ARG\r" (measured: env looks for 'bash\r', exit 127; dash "Illegal option -",
 * exit 2; bash "-\r: invalid option"). undefined for another interpreter given an argument:
 * what it makes of it is not known.
 */
function crlfRefusal(line: string, written: string): { message: string; why: string } | undefined {
  const body = line.slice(2).replace(/^[ \t]+/, '');
  const blank = body.search(/[ \t]/);
  const interp = blank < 0 ? body : body.slice(0, blank);
  const arg = blank < 0 ? '' : body.slice(blank).replace(/^[ \t]+/, '');
  const shown = (x: string) => x.replace(/\r$/, '\\r');
  if (arg === '' || arg === '\r') {
    return {
      message: `exec ${written}: no such file or directory`,
      why: `${written} has Windows line endings: its #! line ends in a carriage return, so the kernel looks for the program "${shown(interp)}", which no image has. The file itself is there.`,
    };
  }
  const name = baseName(interp);
  if (name === 'env') {
    return {
      message: `${interp}: '${shown(arg)}': No such file or directory`,
      why: `${written} has Windows line endings: the kernel runs ${interp} from its #! line, and the carriage return stays on its argument, so env looks for a program named "${shown(arg)}", which no image has (exit 127). The file itself is there.`,
    };
  }
  if (!arg.startsWith('-')) return undefined;
  if (name === 'sh' || name === 'dash') {
    return {
      message: `${interp}: 0: Illegal option -\\r`,
      why: `${written} has Windows line endings: the kernel runs ${interp} with "${shown(arg)}" from its #! line, and the shell refuses the carriage return as an option (exit 2). The file itself is there.`,
    };
  }
  if (name === 'bash') {
    return {
      message: `${interp}: -\\r: invalid option`,
      why: `${written} has Windows line endings: the kernel runs ${interp} with "${shown(arg)}" from its #! line, and bash refuses the carriage return as an option. The file itself is there.`,
    };
  }

  return undefined;
}

/**
 * The script that starts the container when its text is known: the first word of the start
 * command, the file after `sh`/`bash` (`sh /entrypoint.sh`), or the one a shell-form ENTRYPOINT
 * names (`/bin/sh -c entrypoint.sh`, which passes it no arguments). A file with a #! line naming
 * another program is not one; a file the kernel cannot start is returned with `refused`.
 */
export function startScriptOf(image: ImageState, start: StartCommand, process: Process): StartScript | undefined {
  const launch = launchOf(start.argv);
  if (!launch) return undefined;
  const argv = launch.argv;
  const byShell = launch.shell?.[0];
  const written = argv[0];
  const path = locate(image, written, process, byShell !== undefined);
  if (path === undefined) return undefined;
  const text = image.texts[path]?.content;
  // A program, not a script (an ELF binary copied under a script's name).
  if (text === undefined || text.startsWith('\x7fELF') || text.slice(0, 512).includes('\0')) return undefined;
  const args = argv.slice(1);
  if (launch.shell !== undefined) return { path, written, text, shell: launch.shell, args };

  const line = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  if (!line.startsWith('#!')) {
    return {
      path, written, text, shell: ['/bin/sh'], args,
      refused: {
        message: `exec ${written}: exec format error`,
        why: `${written} has no #! line, so the kernel does not know which program runs it; the runtime starts the command with execve, and no shell is there to fall back on.`,
        fix: 'Start it with the shell that runs it, as its first line.',
        snippet: `#!/bin/sh`,
      },
    };
  }
  if (line.endsWith('\r')) {
    const crlf = crlfRefusal(line, written);
    if (crlf === undefined) return undefined;
    return {
      path, written, text, shell: ['/bin/sh'], args,
      refused: {
        ...crlf,
        fix: 'Convert the line endings when the image is built (or in the repository: `*.sh text eol=lf` in .gitattributes).',
        snippet: `RUN sed -i 's/\\r$//' ${path}`,
      },
    };
  }
  const parts = line.slice(2).trim().split(/\s+/);
  const prog = parts[0];
  // The interpreter by its path: one the image is known not to have stops the start.
  const r = prog.startsWith('/') ? resolvePath(image.fs, prog) : undefined;
  if (r && !r.meta && !r.unknown) {
    return {
      path, written, text, shell: ['/bin/sh'], args,
      refused: {
        message: `exec ${written}: no such file or directory`,
        why: `The #! line of ${written} names ${prog}, which the image does not have; the kernel then reports the script itself as missing.`,
        fix: `Install ${baseName(prog)} in the image, or name an interpreter it has in the #! line.`,
      },
    };
  }
  // #!/usr/bin/env bash names the shell in its argument.
  const viaEnv = baseName(prog) === 'env';
  const name = viaEnv ? parts[1] : prog;
  if (name === undefined || !SHELLS.has(baseName(name))) return undefined;
  const shell = name.startsWith('/') ? name : `/bin/${name}`;
  // Linux passes the rest of the #! line as one argument: `#!/bin/sh -e` sets -e.
  const opt = viaEnv ? undefined : parts.slice(1).join(' ');

  return { path, written, text, shell: opt ? [shell, opt] : [shell], args };
}

/**
 * The refusal of a shell named in front of a script (`bash /app/run.sh`) that the process may
 * not read: bash "bash: /app/run.sh: Permission denied", status 126; dash "sh: 0: cannot open
 * /app/run.sh: Permission denied", status 2 (measured here as uid 65534).
 */
export function unreadableScript(script: StartScript, errno: Errno): NonNullable<StartScript['refused']> {
  const shell = script.shell[0];
  const why = errnoText(errno);
  const bash = baseName(shell) === 'bash';
  return {
    message: bash ? `${shell}: ${script.written}: ${why}` : `${shell}: 0: cannot open ${script.written}: ${why}`,
    why: `${shell} opens ${script.written} to read its commands, and the process may not read it (${why}).`,
    fix: `Make ${script.path} readable by the user the container starts as (it needs no x bit when a shell runs it).`,
    snippet: `RUN chmod a+r ${script.path}`,
    status: bash ? 126 : 2,
  };
}

/**
 * How the start command reaches a script: its words (the script first, then its arguments) and,
 * when a shell is named in front of it (`sh -e /x.sh`), that shell with its options. Inits
 * (tini, dumb-init) and a bare `env` in front are passed over; `sh -c 'entrypoint.sh "$@"' --
 * ARGS` (a shell-form ENTRYPOINT, or the exec form that passes CMD on) gives the text's one
 * command, with "$@" as the arguments after $0. undefined when no script can be told.
 */
export function launchOf(start: readonly string[]): { argv: string[]; shell?: string[] } | undefined {
  let argv = withoutInit([...start]);
  if (argv.length > 1 && baseName(argv[0]) === 'env' && !argv[1].startsWith('-') && !argv[1].includes('=')) argv = argv.slice(1);
  if (argv.length === 0 || !SHELLS.has(baseName(argv[0]))) return argv.length > 0 ? { argv } : undefined;
  const opts: string[] = [];
  let i = 1;
  for (; i < argv.length && /^[-+]/.test(argv[i]); i++) {
    const a = argv[i];
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(a)) {
      // The shell runs the text; the words after it are its own $0, $1...
      const words = simpleWords(argv[i + 1] ?? '', argv.slice(i + 3));
      return words ? { argv: words } : undefined;
    }
    if (a === '-o' || a === '+o') {
      if (argv[i + 1] === undefined) return undefined;
      opts.push(a, argv[++i]);
    } else if (/^[-+][a-zA-Z]+$/.test(a)) opts.push(a);
    else return undefined;
  }
  if (i >= argv.length) return undefined;

  return { argv: argv.slice(i), shell: [argv[0], ...opts] };
}

/** Init programs that run their arguments as a child (their options that take a value). */
/** The start command after an init in front of it (`tini -- /entrypoint.sh`, `dumb-init`). */
export function withoutInit(argv: string[]): string[] {
  const next = afterInit(argv, 0);

  return next === undefined ? argv : argv.slice(next);
}

/**
 * The literal words of a one-command shell text (`entrypoint.sh --serve`), with "$@" standing
 * for the shell's arguments; else undefined.
 */
function simpleWords(text: string, positional: string[] = []): string[] | undefined {
  let script;
  try {
    script = parseShell(text);
  } catch {
    return undefined;
  }
  if (script.items.length !== 1 || script.items[0].andOr.rest.length > 0 || script.items[0].background) return undefined;
  const cmd = script.items[0].andOr.first.commands.length === 1 ? script.items[0].andOr.first.commands[0] : undefined;
  if (cmd?.type !== 'cmd' || cmd.assigns.length > 0 || cmd.redirs.length > 0) return undefined;
  const words: string[] = [];
  for (const w of cmd.args) {
    const p = w.parts;
    if (p.length === 1 && p[0].type === 'dq' && p[0].parts.length === 1 && p[0].parts[0].type === 'param' && p[0].parts[0].name === '@' && p[0].parts[0].op === undefined) {
      words.push(...positional);
      continue;
    }
    const v = literalValue(w);
    if (v === null) return undefined;
    words.push(v);
  }
  const first = words[0] === 'exec' ? words.slice(1) : words;

  return first.length > 0 ? first : undefined;
}

/**
 * Whether the model's shell parser reads the script. One it cannot read (bash's process
 * substitution, arrays) is not followed: a syntax error of the parser is no ground to predict
 * that the container will not start.
 */
export function parsesAs(image: ImageState, script: StartScript): boolean {
  // The grammar the interpreter reads it with: its shell's, /bin/sh being the distribution's.
  const name = baseName(script.shell[0]);
  const flavor = name === 'bash' || name === 'dash' || name === 'ash' ? name : image.distro === 'alpine' ? 'ash' : image.distro === 'rhel' ? 'bash' : 'dash';
  try {
    parseShell(script.text, { bash: flavor === 'bash', dash: flavor === 'dash' });
    return true;
  } catch {
    return false;
  }
}

/** The file a start word names: by its path, or (without a slash, run directly) found on PATH. */
function locate(image: ImageState, word: string, process: Process, byShell: boolean): string | undefined {
  const candidates = word.includes('/') || byShell
    ? [normalizePath(word, process.cwd)]
    : (process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/')).map((d) => normalizePath(`${d}/${word}`));
  for (const c of candidates) {
    const r = resolvePath(image.fs, c);
    if (r.meta?.kind === 'file') return r.path;
  }

  return undefined;
}

/** What running the script at start gives. */
export interface ScriptRun {
  script: StartScript;
  /** The accounts, texts and unknowns after the script (the tree is the view's, changed in place). */
  state: ImageState;
  /** Where the workload starts, when the script reached it. */
  workload?: WorkloadStart;
  /** The script stopped with an error before the workload: the container exits. */
  error?: { line: number; message: string; status: number };
  /** What the script did that the model does not follow, as unknown effects of the ENTRYPOINT line. */
  unknowns: UnknownEffect[];
  assumption: Assumption;
}

/**
 * Run the start script as the process the container starts as, in its view. The view's tree is
 * changed in place; the image's accounts, texts and unknowns are copied first.
 */
export function runStartScript(
  image: ImageState,
  view: View,
  process: Process,
  identity: BuildIdentity,
  script: StartScript,
  opts: { builder: Builder; file: string; line: number; cmd: string[] },
): ScriptRun {
  const state: ImageState = {
    ...image,
    fs: view.fs,
    accounts: cloneAccounts(image.accounts),
    texts: { ...image.texts },
    unknowns: [],
  };
  const env = new Map(Object.entries(process.env));
  if (baseName(script.shell[0]) === 'bash') env.set('BASH_SOURCE', script.written);
  // The engine sets HOSTNAME (a container id) for every start; its value is not known here.
  const inexact = new Set<string>();
  if (!env.has('HOSTNAME')) {
    env.set('HOSTNAME', '');
    inexact.add('HOSTNAME');
  }
  const outcome = runScript(script.text, {
    state,
    ident: identity,
    env,
    cwd: process.cwd,
    builder: opts.builder,
    file: script.path,
    line: 1,
    shell: script.shell,
    inexact,
    view,
    argv0: script.written,
    args: script.args,
    // The engine gives the container umask 0022.
    umask: 0o022,
    workload: { cmd: opts.cmd, self: script.path, text: script.text },
  });
  // A text the script wrote (a sudoers rule at start) is reported at the ENTRYPOINT's line.
  for (const [path, entry] of Object.entries(state.texts)) {
    if (image.texts[path] !== entry) state.texts[path] = { content: entry.content, line: opts.line, start: script.written };
  }
  refreshDerived(state);
  // Reported at the ENTRYPOINT's line, naming the script's own line.
  const unknowns = state.unknowns.map((u) => ({ ...u, file: opts.file, line: opts.line, command: `${script.written} line ${u.line}: ${u.command}` }));
  state.unknowns = [...image.unknowns, ...unknowns];

  const run: ScriptRun = {
    script,
    state,
    unknowns,
    assumption: {
      id: `entrypoint-script:${script.path}`,
      subject: script.written,
      text: outcome.workload?.own
        ? `${script.written} (its text is in the image) is followed as it runs at start; it never starts the command it is given, and what it runs at its line ${outcome.workload.line} as another user is taken as the workload`
        : outcome.workload
          ? `${script.written} (its text is in the image) is followed as it runs at start; it starts the command at its line ${outcome.workload.line}`
          : `${script.written} (its text is in the image) is followed as it runs at start`,
      confidence: outcome.workload?.own ? 'low' : unknowns.length > 0 || outcome.status === 'unknown' ? 'medium' : 'high',
    },
  };
  if (outcome.workload) run.workload = outcome.workload;
  else if (typeof outcome.status === 'number' && outcome.status !== 0) {
    const f = outcome.failedAt;
    run.error = { line: f?.line ?? 1, message: (f?.stderr ?? outcome.stderr).join('; ') || `${script.written} exits ${outcome.status}`, status: outcome.status };
  }

  return run;
}

/** The process the workload runs as, from where the script started it. */
export function workloadProcess(state: ImageState, from: Process, w: WorkloadStart): Process {
  const id = w.ident;
  const entry = userByUid(state.accounts, id.uid);
  const switched = id.uid !== from.uid || id.gid !== from.gid;
  const home = w.env.HOME ?? from.home;

  return {
    ...from,
    uid: id.uid,
    gid: id.gid,
    groups: [...id.groups],
    userName: switched ? (id.name ?? entry?.name) : (from.userName ?? entry?.name),
    groupName: groupByGid(state.accounts, id.gid)?.name,
    hasPasswdEntry: entry !== undefined,
    home,
    // A switch that keeps HOME (setpriv, sudo -E) leaves the starting user's.
    homeFrom: !switched ? (home === from.home ? from.homeFrom : 'env') : home === from.home ? 'start' : home === entry?.home ? 'passwd' : 'env',
    cwd: w.cwd,
    caps: new Set(id.caps),
    env: w.env,
  };
}

/** Capabilities a script's root steps commonly need, tried in this order beside the switch's. */
const EXTRA_CAPS: string[][] = [[], ['CAP_CHOWN'], ['CAP_CHOWN', 'CAP_FOWNER'], ['CAP_CHOWN', 'CAP_DAC_OVERRIDE'], ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER']];

/**
 * The fewest capabilities the container may start with and still reach the same workload with
 * the same effects: the script is run again on a copy of the view with the switch's
 * capabilities plus each candidate set, and the first that ends the same way wins - the same
 * user, and every path left with the owner and mode the run with all of root's capabilities
 * left it (a `chown -R app /data || true` that fails quietly without CAP_CHOWN is not the same
 * end). undefined when none does.
 */
export function capsNeeded(
  image: ImageState,
  view: View,
  from: Process,
  identity: BuildIdentity,
  script: StartScript,
  opts: { builder: Builder; file: string; line: number; cmd: string[] },
  switchNeeds: string[],
  reached: { uid: number; gid: number; fs: FsTree },
): string[] | undefined {
  for (const extra of EXTRA_CAPS) {
    const caps = new Set([...switchNeeds, ...extra]);
    const copy = { ...view, fs: cloneTree(view.fs) };
    const trial = runStartScript(image, copy, { ...from, caps }, { ...identity, caps }, script, opts);
    const w = trial.workload;
    if (!trial.error && w && !w.own && w.ident.uid === reached.uid && w.ident.gid === reached.gid && sameOwners(copy.fs, reached.fs)) return [...caps].sort();
  }

  return undefined;
}

/** Whether two trees hold the same paths with the same kind, owner and mode. */
function sameOwners(a: FsTree, b: FsTree): boolean {
  if (a.size !== b.size) return false;
  for (const [p, m] of a) {
    const n = b.get(p);
    if (n === undefined || n.kind !== m.kind || n.uid !== m.uid || n.gid !== m.gid || n.mode !== m.mode) return false;
  }

  return true;
}
