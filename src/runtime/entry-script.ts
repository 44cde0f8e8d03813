// An entrypoint script whose text the model knows (copied from the build context, or written by
// a COPY heredoc) is run at start through the same shell interpreter as RUN steps: as the user
// the container starts as, in the container's view (the run's mounts laid over the image, a
// read-only root refusing writes), with the command it is given as "$@". What it does before it
// starts that command (chown of a mount, usermod -u $HOST_UID app, mkdir) changes the tree and the
// accounts the verdicts are judged on, and the user it starts the command as (`exec gosu app
// "$@"`) is the workload's. Pure.

import type { Assumption, ImageState, Process, UnknownEffect } from '../model/types.js';
import type { View } from '../access/evaluate.js';
import type { BuildIdentity, Builder } from '../shell/context.js';
import type { StartCommand } from './entrypoints.js';
import { runScript, type WorkloadStart } from '../shell/interpret.js';
import { parseShell } from '../shell/parse.js';
import { cloneAccounts, groupByGid, userByUid } from '../image/accounts.js';
import { baseName, normalizePath, resolvePath } from '../image/fs.js';
import { refreshDerived } from '../shell/commands/config.js';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash']);

/** The script the start command runs, with the words it is given. */
export interface StartScript {
  /** The script's path in the image, symlinks resolved. */
  path: string;
  /** As the start command names it ($0). */
  written: string;
  text: string;
  /** The shell that runs it: from its #! line, or the one named in `sh /x.sh`. */
  shell: string;
  args: string[];
}

/**
 * The script that starts the container when its text is known: the first word of the start
 * command, or the file after `sh`/`bash` (`sh /entrypoint.sh`). A file that is not a shell
 * script (another #! line, none at all) is not one.
 */
export function startScriptOf(image: ImageState, start: StartCommand, process: Process): StartScript | undefined {
  const argv = start.argv;
  if (argv.length === 0) return undefined;
  let at = 0;
  let shell: string | undefined;
  if (SHELLS.has(baseName(argv[0]))) {
    // `sh /x.sh args`, not `sh -c '...'` (the start command's own script, followed elsewhere).
    if (argv.length < 2 || argv[1].startsWith('-')) return undefined;
    shell = argv[0];
    at = 1;
  }
  const written = argv[at];
  const path = locate(image, written, process, shell !== undefined);
  if (path === undefined) return undefined;
  const text = image.texts[path]?.content;
  if (text === undefined) return undefined;
  if (shell === undefined) {
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
    if (!m) return undefined;
    // #!/usr/bin/env bash names the shell in its argument.
    const prog = baseName(m[1]) === 'env' ? m[2] : m[1];
    if (prog === undefined || !SHELLS.has(baseName(prog))) return undefined;
    shell = prog.startsWith('/') ? prog : `/bin/${prog}`;
  }

  return { path, written, text, shell, args: argv.slice(at + 1) };
}

/**
 * Whether the model's shell parser reads the script. One it cannot read (bash's process
 * substitution, say) is not followed: a syntax error of the parser is no ground to predict that
 * the container will not start.
 */
export function parsesAs(image: ImageState, script: StartScript): boolean {
  // The grammar the interpreter reads it with: its shell's, /bin/sh being the distribution's.
  const name = baseName(script.shell);
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
  if (baseName(script.shell) === 'bash') env.set('BASH_SOURCE', script.written);
  const outcome = runScript(script.text, {
    state,
    ident: identity,
    env,
    cwd: process.cwd,
    builder: opts.builder,
    file: script.path,
    line: 1,
    shell: [script.shell],
    view,
    argv0: script.written,
    args: script.args,
    // The engine gives the container umask 0022.
    umask: 0o022,
    workload: { cmd: opts.cmd, self: script.path, text: script.text },
  });
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
      text: outcome.workload
        ? `${script.written} (its text is in the image) is followed as it runs at start; it starts the command at its line ${outcome.workload.line}`
        : `${script.written} (its text is in the image) is followed as it runs at start`,
      confidence: unknowns.length > 0 || outcome.status === 'unknown' ? 'medium' : 'high',
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
    homeFrom: home === from.home ? from.homeFrom : 'passwd',
    cwd: w.cwd,
    caps: new Set(id.caps),
    env: w.env,
  };
}
