// The pure pipeline behind `uidctl check`: Dockerfile text + run context + host facts in,
// an Analysis out. No file system, clock or network in here.

import type {
  Assumption,
  Finding,
  FsTree,
  HostPathFacts,
  ImageState,
  Op,
  PrivilegeDrop,
  Process,
  PythonEnv,
  RunContext,
  UnknownEffect,
  Verdict,
} from './model/types.js';
import type { Dockerfile } from './dockerfile/types.js';
import { parseDockerfile } from './dockerfile/parse.js';
import { simulate, StageError, type BaseResolution, type ContextIgnored, type SimulationResult } from './build/simulate.js';
import type { Builder } from './shell/context.js';
import { resolveBase as catalogResolve } from './image/catalog/index.js';
import { assumeProjectedKeys, resolveRuntime, runAsIdentity, type RuntimeResolution as RuntimeResult } from './runtime/resolve.js';
import { evaluate, permission, refusedByItself, type Identity } from './access/evaluate.js';
import { formatId, groupByGid } from './image/accounts.js';
import { baseName, cloneTree, isUnder, normalizePath, resolvePath } from './image/fs.js';
import { applyEdits, type Edit } from './fix/edits.js';
import { WINDOWS_BASE } from './image/catalog/resolve.js';
import { CONTAINER_HOST, parseSshd, parseSudoers, refreshDerived, sshdCommandLine, sshdIncludeDoubts, sshdIncludeId, sudoAllows, sudoRequiresTty, type SudoHostName } from './shell/commands/config.js';
import { condaActivation, condaNotOnPath, condaRunArgs, findPythonEnv, isCondaRun, pythonUserBase } from './shell/commands/packages.js';
import { runRules } from './rules/registry.js';
import { unknownId } from './rules/util.js';

export { unknownId };
import { engineFor, mapHostFacts, usernsMapping } from './runtime/userns.js';
import { applyEntrypoint, startCommandOf } from './runtime/entrypoints.js';
import { launcherAssumptionText, launcherCall, launcherId, launcherName } from './rules/identity/launchers.js';
import { applyPrivilegeDrop } from './runtime/privdrop.js';
import { loadVolume, runInitContainers } from './runtime/init-containers.js';
import { capsNeeded, launchOf, parsesAs, runStartScript, startScriptOf, unreadableScript, workloadProcess, type ScriptRun } from './runtime/entry-script.js';

export type Profile = 'dev' | 'prod';
export type Engine = 'docker' | 'podman';

export interface AnalyzeInput {
  file: string;
  text: string;
  /** parseDockerfile(text), when the caller has it already (it is not parsed again). */
  parsed?: Dockerfile;
  builder?: Builder;
  engine?: Engine;
  profile?: Profile;
  buildArgs?: Record<string, string>;
  target?: string;
  run?: RunContext;
  host?: HostPathFacts[];
  /** Extra paths whose verdicts the user asked for (--path). */
  paths?: string[];
  resolveBase?: (ref: string) => BaseResolution;
  context?: FsTree;
  /** Sources .dockerignore leaves out of the context (see SimulateOptions.contextIgnored). */
  contextIgnored?: ContextIgnored;
  /** Reads a build-context file's text (see SimulateOptions.readContextText). */
  readContextText?: (path: string) => string | undefined;
  /** Keep the simulator's step-by-step trace (sim.stages[].steps) for --debug. */
  trace?: boolean;
  /** This analysis checks a fix for another (Analysis.retry): it has no retry of its own. */
  retried?: boolean;
}

/**
 * A change to the build that a fix proposes, for Analysis.retry: build args on top of the
 * analysis's own (as `docker build --build-arg` gives them), and Dockerfile lines replaced.
 */
export interface BuildChange {
  buildArgs?: Record<string, string>;
  /** Dockerfile lines replaced, as a fix's edit says (Fix.edit; applied as `uidctl fix` does). */
  edit?: Edit;
}

export interface SudoStatus {
  installed: boolean;
  usable: boolean;
  nopasswd: boolean;
  reason: string;
  /** Set when a sudoers file's text is not known: usable is then only what the known rules say. */
  unsure?: boolean;
  /** The rule sudo uses allows only these commands (its list as written), not every command. */
  only?: string;
}

export interface IdentitySummary {
  uid: number;
  gid: number;
  groups: number[];
  user: string | null;
  group: string | null;
  id: string;
  home: string;
  homeFrom: Process['homeFrom'];
  homeExists: boolean;
  homeWritable: boolean;
  workdir: string;
  workdirExists: boolean;
  caps: string[];
  sudo: SudoStatus;
  /**
   * false when the user or group of the run could not be resolved: the container does not
   * start, and the ids above are placeholders.
   */
  resolved: boolean;
  /**
   * The start command switches user (gosu, su-exec, setpriv, runuser, chroot --userspec,
   * s6-setuidgid): the ids above are the ones after the switch, and `from` the ones the container
   * starts with. `error` is what the tool prints when it cannot switch (the ids above are then
   * the starting ones). null when the command switches nothing.
   */
  drop: DropSummary | null;
  /**
   * The entrypoint script followed as it runs at start (its text is in the image): its path, as
   * the start command names it, the script's line that starts the command (null when it never
   * does), and its error when it stops first (UID106). null when no script was followed.
   */
  script: { path: string; written: string; line: number | null; error: string | null } | null;
}

export interface DropSummary {
  tool: PrivilegeDrop['tool'];
  /** The tool and its arguments, as written: "gosu app". */
  command: string;
  from: { uid: number; gid: number; groups: number[]; user: string | null; id: string };
  error: string | null;
  /** Where the words are: the image's ENTRYPOINT or CMD, or the run. */
  source: PrivilegeDrop['source'];
}

/** A path that matters, and why. */
export interface KeyPath {
  path: string;
  role: 'home' | 'workdir' | 'mount' | 'pip-target' | 'user-site' | 'conda-prefix' | 'cache' | 'requested';
  ops: Op[];
}

export interface Analysis {
  file: string;
  target: string;
  builder: Builder;
  engine: Engine;
  profile: Profile;
  df: Dockerfile;
  sim: SimulationResult;
  image: ImageState;
  run?: RunContext;
  /** Host facts used for bind mounts. */
  host: HostPathFacts[];
  runtime: RuntimeResult;
  identity: IdentitySummary;
  /** The Python environment a plain `pip` resolves to on the process's PATH. */
  python?: PythonEnv;
  keyPaths: KeyPath[];
  verdicts: Verdict[];
  findings: Finding[];
  assumptions: Assumption[];
  unknowns: UnknownEffect[];
  /** Evaluate any other path for the process (rules use it). */
  check(path: string, op: Op): Verdict;
  /**
   * The same for the identity the container starts as, which executes the start program before
   * the command switches user (gosu app ...); `check` itself when nothing switches.
   */
  checkStart(path: string, op: Op): Verdict;
  /**
   * The same input analysed again with a change a fix proposes (rules check such a fix before
   * they offer it: rules/util.ts checkedFix). Undefined in an analysis made by retry, so that
   * checking a fix never starts another check. One analysis per distinct change.
   */
  retry: ((change: BuildChange) => Analysis) | undefined;
}

/** A Dockerfile that does not parse: the first problem, with its line. */
export class DockerfileSyntaxError extends Error {
  constructor(message: string, readonly file: string, readonly line: number) {
    super(message);
  }
}

export const NO_RUN: RunContext = {
  tool: 'none',
  groupAdd: [],
  mounts: [],
  env: {},
  capAdd: [],
  capDrop: [],
  privileged: false,
  noNewPrivileges: false,
  readOnlyRootfs: false,
  publish: [],
  origin: { text: '' },
};

/** The first Python on the process's PATH (the one `pip` and `python` would run). */
export function activePython(image: ImageState, env: Record<string, string>): PythonEnv | undefined {
  return findPythonEnv(image, env.PATH, 'pip') ?? image.pythons[0];
}

/**
 * Variables that move a download cache out of ~/.cache: XDG_CACHE_HOME (the base of the others'
 * defaults: pip, Hugging Face, torch hub), then the tools' own. Each tool makes its folder with
 * its missing parents, like mkdir -p, the first time it stores something.
 */
const CACHE_VARS = ['HF_HOME', 'HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'TRANSFORMERS_CACHE', 'HF_DATASETS_CACHE', 'TORCH_HOME', 'PIP_CACHE_DIR', 'TRITON_CACHE_DIR'];

/**
 * The cache folders the process's tools write: ~/.cache or $XDG_CACHE_HOME, and each folder a
 * cache variable names (only absolute values: a relative one depends on the working folder).
 */
export function cacheDirs(process: Process): { path: string; from: string }[] {
  const env = process.env;
  const xdg = env.XDG_CACHE_HOME;
  const out = [xdg !== undefined && xdg.startsWith('/') ? { path: normalizePath(xdg), from: 'XDG_CACHE_HOME' } : { path: normalizePath(`${process.home}/.cache`), from: '~/.cache' }];
  for (let i = 0; i < CACHE_VARS.length; i++) {
    const v = env[CACHE_VARS[i]];
    if (v === undefined || !v.startsWith('/')) continue;
    const path = normalizePath(v);
    if (!out.some((c) => c.path === path)) out.push({ path, from: CACHE_VARS[i] });
  }

  return out;
}

function keyPathsFor(a: { image: ImageState; process: Process; run: RunContext; python?: PythonEnv; extra: string[] }): KeyPath[] {
  const out: KeyPath[] = [];
  // A dozen entries at most: a scan finds a repeat without building a key string per path.
  const add = (path: string, role: KeyPath['role'], ops: Op[]) => {
    const n = normalizePath(path);
    // A --path written with a trailing slash asks for a directory: the slash is kept, as the
    // kernel judges `/srv/f/` apart from `/srv/f` (the evaluator's verdict keeps it too).
    const p = role === 'requested' && n !== path && n !== '/' && path.endsWith('/') ? `${n}/` : n;
    for (let i = 0; i < out.length; i++) if (out[i].path === p && out[i].role === role) return;
    out.push({ path: p, role, ops });
  };
  const dirOps: Op[] = ['read', 'write', 'chdir'];

  add(a.process.home, 'home', dirOps);
  add(a.process.cwd, 'workdir', dirOps);
  for (const m of a.run.mounts) add(m.target, 'mount', dirOps);
  for (const v of a.image.config.volumes) add(v, 'mount', dirOps);
  if (a.python) {
    add(a.python.sitePackages, 'pip-target', ['write']);
    if (a.process.uid !== 0) {
      // The user site of the process's own user base: PYTHONUSERBASE, else ~/.local.
      const base = pythonUserBase(a.process.env.PYTHONUSERBASE, a.process.home, a.process.cwd);
      add(`${base}/lib/python${a.python.version}/site-packages`, 'user-site', ['create']);
    }
  }
  if (a.image.condaPrefix) add(a.image.condaPrefix, 'conda-prefix', ['write']);
  for (const c of cacheDirs(a.process)) add(c.path, 'cache', ['create']);
  for (const p of a.extra) add(p, 'requested', ['read', 'write', 'create', 'delete', 'exec', 'chdir']);

  return out;
}

/**
 * The host name a run gives its container (sudo matches host lists against it): `--hostname`
 * (`-h`), compose's `hostname:`; a pod's is its name, and under `--network host` or `--uts host`
 * the host's, neither known here; else the container id the engine makes up.
 */
function runHostName(run: RunContext): SudoHostName {
  const last = (k: string) => run.options?.[k]?.at(-1)?.replace(/^"(.*)"$/, '$1');
  const given = last('hostname');
  if (given) return { name: given };
  if (run.tool === 'kubernetes') return { unknown: "a pod's host name is its name" };
  if (last('network') === 'host' || last('net') === 'host' || last('network_mode') === 'host' || last('uts') === 'host') return { unknown: "the host's name" };

  return CONTAINER_HOST;
}

/** Whether the run gives the container a terminal: `docker run -t`, compose's `tty: true`. */
function runHasTty(run: RunContext): boolean {
  const v = run.options?.tty?.at(-1);

  return v !== undefined && ['', 'true', '1', 'TRUE', 'True'].includes(v);
}

function sudoStatus(image: ImageState, process: Process, run: RunContext): SudoStatus {
  const installed = image.packages.sudo !== undefined;
  if (!installed) return { installed, usable: false, nopasswd: false, reason: 'sudo is not installed in the image' };
  // setuid sudo gets its capabilities back from the bounding set: without CAP_SETGID it cannot
  // set root's groups and stops ("sudo: unable to change to root gid: Operation not permitted",
  // status 1, measured with buildah run --cap-drop CAP_SETGID and --cap-drop ALL; a dropped
  // CAP_SETUID alone still lets it run, as the setuid bit already makes it root). Root itself
  // needs both: without either its sudo stops with EPERM too (measured: caps/sudo-root-drop-*).
  if (process.bounding !== undefined && process.uid === 0) {
    const lacking = (['CAP_SETUID', 'CAP_SETGID'] as const).filter((c) => !process.bounding!.has(c));
    if (lacking.length > 0) {
      return { installed, usable: false, nopasswd: false, reason: `sudo stops with Operation not permitted: ${lacking.join(' and ')} ${lacking.length > 1 ? 'are' : 'is'} dropped from the bounding set, and sudo needs ${lacking.length > 1 ? 'them' : 'it'} even when root runs it` };
    }
  }
  if (process.bounding !== undefined && process.uid !== 0 && !process.bounding.has('CAP_SETGID')) {
    return { installed, usable: false, nopasswd: false, reason: 'sudo: unable to change to root gid: Operation not permitted (CAP_SETGID is dropped from the bounding set, which setuid sudo needs)' };
  }
  if (process.uid === 0) return { installed, usable: true, nopasswd: true, reason: 'the process is already root' };
  if (process.noNewPrivileges) {
    return { installed, usable: false, nopasswd: false, reason: 'no-new-privileges stops setuid sudo from gaining root' };
  }
  const user = { name: process.userName, uid: process.uid, groups: process.groups };
  // `Defaults requiretty`: without `docker run -t` the workload has no terminal, and sudo stops
  // before it asks anything (measured: sudo/requiretty, where the run has no -t).
  const tty = sudoRequiresTty(image, parseSudoers(image), user);
  if (tty && !runHasTty(run)) {
    return { installed, usable: false, nopasswd: false, reason: `Defaults requiretty in ${tty.file}${tty.line !== undefined ? ` (Dockerfile line ${tty.line})` : ''} and the run gives no terminal (docker run -t would): sudo: sorry, you must have a tty to run sudo` };
  }
  const r = sudoAllows(image, user, undefined, undefined, runHostName(run));
  // A sudoers file whose text the build lost may hold a rule for this user.
  const lost = image.unknowns.find((u) => u.paths.some((p) => p === '/etc/sudoers' || p.startsWith('/etc/sudoers.d')));
  if (!r.usable && lost) {
    const file = lost.paths.find((p) => p.startsWith('/etc/sudoers'));
    return { installed, usable: false, nopasswd: false, unsure: true, reason: `${file} is written at line ${lost.line} with a text the model does not know; among the rules it knows, ${r.reason}` };
  }

  const out: SudoStatus = { installed, usable: r.usable, nopasswd: r.nopasswd, reason: r.reason };
  if (r.unsure) out.unsure = true;
  if (r.only !== undefined) out.only = r.only;
  return out;
}


function dropSummary(image: ImageState, d: PrivilegeDrop): DropSummary {
  const f = d.from;

  return {
    tool: d.tool,
    command: d.written,
    from: { uid: f.uid, gid: f.gid, groups: f.groups, user: f.userName ?? null, id: formatId(image.accounts, f.uid, f.gid, f.groups) },
    error: d.error ?? null,
    source: d.source,
  };
}

/**
 * A verdict on a path that an unmodelled command named (or a path below or above it) may be
 * wrong: say so in its dependsOn.
 */
function markUnknownDependencies(v: Verdict, unknowns: UnknownEffect[]): void {
  // The path without a trailing slash it may have been asked with.
  const path = normalizePath(v.path);
  for (const u of unknowns) {
    const hit = u.paths.some((p) => isUnder(path, p) || isUnder(p, path));
    if (hit && !v.dependsOn.includes(unknownId(u))) v.dependsOn.push(unknownId(u));
  }
}

/**
 * A verdict on a path whose owner and mode an assumption decided (or on something below it, in a
 * folder of unknown contents): say so in its dependsOn.
 */
function markGuessDependencies(v: Verdict, guesses: Assumption[], fs: FsTree): void {
  const path = normalizePath(v.path);
  // The guesses name the paths the steps reached, through links (`COPY x /sbin/x` put it at
  // /usr/sbin/x on a merged-/usr base): the verdict's path is matched as reached too.
  const reached = resolvePath(fs, path).path;
  for (const g of guesses) {
    if (g.paths!.some((p) => isUnder(path, p) || isUnder(reached, p)) && !v.dependsOn.includes(g.id)) {
      v.dependsOn.push(g.id);
      // A path that may or may not be there: name the step that made that so (ADD of an archive).
      if (v.unknown && g.paths!.some((p) => p !== path && isUnder(path, p))) v.reasons.push(`${g.subject}: ${g.text}`);
    }
  }
}

/**
 * A refusal the path's own owner and mode make (a root 0600 file read by another uid) stands
 * whatever the folders above it are taken to be: the guesses that cannot change it are taken out
 * of its dependsOn, so it is not reported "if its mode is the one assumed". They are a guess
 * about a folder above the path (the mode COPY --chmod gives the folders it makes), and the
 * kind of a COPY source whose mode and owner the COPY sets (--chmod; root unless --chown):
 * refusedByItself holds for a file and a folder alike. A guess about the path's own mode (a
 * context file taken as 0644) stays, and so does every other kind of doubt (an unmodelled
 * command, an unknown base, an entrypoint script).
 */
function dropIdleGuesses(v: Verdict, who: Identity, view: Parameters<typeof evaluate>[1], guesses: Assumption[], df: Dockerfile, file: string): void {
  if (!refusedByItself(who, view, v.path, v.op)) return;
  const path = normalizePath(v.path);
  const origin = view.fs.get(path)?.origin;
  const idle = (g: Assumption): boolean => {
    const covering = g.paths!.filter((p) => isUnder(path, p));
    if (covering.every((p) => normalizePath(p) !== path)) return true;
    // The path itself: only a COPY source's kind, when that COPY gave it its mode.
    const line = /^copy-source:(\d+)$/.exec(g.id)?.[1];
    if (line === undefined || origin !== `${file}:${line}`) return false;
    const ins = df.stages.flatMap((st) => st.instructions).find((i) => i.line === Number(line));
    return ins?.flags.some((f) => f.name === 'chmod') === true;
  };
  const dropped = v.dependsOn.filter((id) => {
    const g = guesses.find((x) => x.id === id);
    return g !== undefined && idle(g);
  });
  if (dropped.length === 0) return;
  v.dependsOn = v.dependsOn.filter((id) => !dropped.includes(id));
  // Said where the reason is read (the last one): the folder's mode is not what decides.
  const meta = view.fs.get(path)!;
  const dir = meta.kind === 'dir';
  const mask = v.op === 'read' ? (dir ? 5 : 4) : v.op === 'exec' ? 1 : (dir ? 3 : 2);
  const own = permission(who, path, meta, mask).reason;
  const last = v.reasons.length - 1;
  if (last >= 0 && !v.reasons[last].includes(own)) v.reasons[last] = `${v.reasons[last]}; and ${own}, so it is refused whatever ${dropped.join(' and ')} assume${dropped.length === 1 ? 's' : ''}`;
}

/** A word ending in .sh, or the file a shell is given (`bash /tmp/install`), in a RUN's text. */
const RUN_SCRIPT = /(?:^|[\s;&|(])([\w./-]*[\w-]\.sh)(?=$|[\s;&|)])|\b(?:sh|bash|dash)[ \t]+(?:-[a-z]+[ \t]+)*([\w./-]+)/g;

/**
 * The base names of the programs the container may start with: the first word of each
 * ENTRYPOINT and CMD (or the file after `sh`/`bash`), and of the run's entrypoint and command.
 * Only these files keep their text when copied in (a few reads, not one per context file).
 */
function startScriptNames(df: Dockerfile, run: RunContext | undefined): Set<string> | undefined {
  let names: Set<string> | undefined;
  const take = (all: readonly string[]) => {
    const w = launchOf(all)?.argv[0];
    if (w !== undefined && w !== '' && !w.includes('$')) (names ??= new Set()).add(baseName(w));
  };
  for (const st of df.stages) {
    for (const ins of st.instructions) {
      if (ins.keyword === 'RUN') {
        // The scripts a RUN step runs (`./setup.sh`, `bash /tmp/install`): their text is kept
        // too, so the step follows them.
        // Both shapes hold 'sh' (`x.sh`, `sh`/`bash`/`dash FILE`): most steps have none, and
        // indexOf rejects them faster than the expression, which tries every position.
        if (ins.args.indexOf('sh') === -1) continue;
        for (const m of ins.args.matchAll(RUN_SCRIPT)) (names ??= new Set()).add(baseName(m[1] ?? m[2]));
        continue;
      }
      if (ins.keyword !== 'ENTRYPOINT' && ins.keyword !== 'CMD') continue;
      // Shell form runs through /bin/sh -c, as the engine starts it.
      take(ins.json ?? ['/bin/sh', '-c', ins.args]);
    }
  }
  if (run?.entrypoint) take(run.entrypoint);
  if (run?.command) take(run.command);

  return names;
}

/** simulate(), with the files BuildKit refuses before any step turned into syntax errors. */
function simulateOrRefuse(df: Dockerfile, file: string, opts: Parameters<typeof simulate>[1]): SimulationResult {
  try {
    return simulate(df, opts);
  } catch (e) {
    if (e instanceof StageError) throw new DockerfileSyntaxError(e.message, file, e.line);
    throw e;
  }
}

export function analyze(input: AnalyzeInput): Analysis {
  const df = input.parsed ?? parseDockerfile(input.text);
  if (df.errors.length > 0) {
    const e = df.errors[0];
    throw new DockerfileSyntaxError(e.message, input.file, e.line);
  }
  if (df.stages.length === 0) throw new DockerfileSyntaxError('no FROM instruction', input.file, 1);

  const builder = input.builder ?? 'buildkit';
  // A podman run line is podman's behaviour whatever the default engine says.
  const engine = engineFor(input.run ?? NO_RUN, input.engine ?? 'docker');
  const profile = input.profile ?? 'prod';
  const sim = simulateOrRefuse(df, input.file, {
    file: input.file,
    builder,
    buildArgs: input.buildArgs ?? {},
    target: input.target,
    resolveBase: input.resolveBase ?? catalogResolve,
    context: input.context,
    readContextText: input.readContextText,
    contextIgnored: input.contextIgnored,
    trace: input.trace,
    startScripts: startScriptNames(df, input.run),
  });
  const image = sim.target.state;
  const run = input.run ?? NO_RUN;
  // Rootless podman shows host ids through a user namespace; the verdicts use what it shows.
  const userns = usernsMapping(run, engine);
  const host = mapHostFacts(input.host ?? [], userns);
  let runtime = resolveRuntime(image, run, host, { engine });
  // Kubernetes init containers run first, to completion, on the pod's volumes: what they leave
  // there is what the container finds (runtime/init-containers.ts).
  if (run.initContainers !== undefined && run.initContainers.length > 0 && runtime.errors.length === 0) {
    const init = runInitContainers(image, run, host, { engine, builder, file: input.file });
    const dependsOn = [...(runtime.view.dependsOn ?? [])];
    for (const m of run.mounts) {
      if (m.volumeName === undefined) continue;
      // Where the mount is in the view, the image's symlinks followed (resolve.ts lays it there).
      const target = resolvePath(runtime.view.fs, normalizePath(m.target)).path;
      const held = init.volumes.get(m.volumeName);
      if (held) loadVolume(runtime.view.fs, m, target, held);
      for (const id of init.doubts.get(m.volumeName) ?? []) dependsOn.push({ prefix: target, id });
    }
    runtime = { ...runtime, view: { ...runtime.view, dependsOn }, notes: [...runtime.notes, ...init.notes] };
    if (init.failures.length > 0) runtime.initFailures = init.failures;
  }
  // A podman mapping taken from /etc/subuid (auto, nomap, --subuidname): what a bind mount
  // shows rests on the ranges there, which are not read.
  if (userns?.doubt === true) {
    const dependsOn = [...(runtime.view.dependsOn ?? [])];
    for (const m of run.mounts) if (m.kind === 'bind') dependsOn.push({ prefix: resolvePath(runtime.view.fs, normalizePath(m.target)).path, id: userns.assumption.id });
    runtime = { ...runtime, view: { ...runtime.view, dependsOn } };
  }
  // hostUsers: false: the pod has its own user namespace. The Kubernetes documentation requires
  // idmap-mount support on every filesystem of the pod's volumes
  // (https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/), so volumes are taken
  // as idmapped: node owners show through unchanged and what the container writes is stored
  // under its in-container ids. Not measured here: an assumption the volume verdicts rest on.
  if (run.hostUsers === false) {
    const a: Assumption = {
      id: 'k8s-userns',
      subject: 'hostUsers: false',
      text: 'hostUsers: false runs the pod in its own user namespace: uid 0 and every other container uid are mapped to unprivileged uids on the node (above 65535), so root here is not root on the node. Its volumes are taken as idmapped mounts, which the Kubernetes documentation requires for user namespaces: files keep their node owners inside, and what the container creates is stored under the same ids on the node. Without idmapped mounts, node-owned files would show as the overflow uid 65534 and container root would have no override on them',
      confidence: 'medium',
    };
    const dependsOn = [...(runtime.view.dependsOn ?? [])];
    for (const m of run.mounts) if (m.kind === 'bind') dependsOn.push({ prefix: resolvePath(runtime.view.fs, normalizePath(m.target)).path, id: a.id });
    runtime = { ...runtime, view: { ...runtime.view, dependsOn }, notes: [...runtime.notes, { text: a.text, assumption: a }] };
  }
  // A bind source with POSIX ACL entries: a named user or group may be allowed what the mode
  // bits refuse (or refused what they allow); the entries are not read, so every verdict below
  // the mount rests on that.
  const acls = host.filter((h) => h.acl === true && h.exists);
  if (acls.length > 0) {
    const dependsOn = [...(runtime.view.dependsOn ?? [])];
    const notes = [...runtime.notes];
    for (const m of run.mounts) {
      if (m.kind !== 'bind' || m.source === undefined) continue;
      const src = normalizePath(m.source);
      const h = acls.find((x) => x.path === src);
      if (!h) continue;
      const a: Assumption = {
        id: `host-acl:${src}`,
        subject: src,
        text: `${src} carries POSIX ACL entries, which uidctl does not read: a named user or group may be allowed what its mode bits refuse (or refused what they allow), so the verdicts below ${normalizePath(m.target)} follow the mode bits alone; check with \`getfacl ${src}\` before changing owners`,
        confidence: 'low',
      };
      notes.push({ text: a.text, assumption: a });
      dependsOn.push({ prefix: resolvePath(runtime.view.fs, normalizePath(m.target)).path, id: a.id });
    }
    runtime = { ...runtime, view: { ...runtime.view, dependsOn }, notes };
  }
  const start = startCommandOf(image, input.run);
  // A file named below a configMap or secret volume mounted without items: one of its keys.
  if (run.mounts.some((m) => m.volumeType !== undefined && (m.items === undefined || m.keysUnlisted === true))) {
    const cwd = runtime.process.cwd;
    const named = [...start.argv, ...(input.paths ?? [])].filter((w) => w.startsWith('/') || w.startsWith('./')).map((w) => normalizePath(w, cwd));
    const keys = assumeProjectedKeys(runtime.view, run, named);
    if (keys.length > 0) runtime = { ...runtime, notes: [...runtime.notes, ...keys] };
  }
  const handover = runtime.errors.length === 0 ? applyEntrypoint(image, run, runtime.process, runtime.identity, start.argv) : undefined;
  // An entrypoint script whose text is known runs first, as the container starts, in its view.
  let found = runtime.errors.length === 0 && !handover ? startScriptOf(image, start, runtime.process) : undefined;
  if (found && launchOf(start.argv)?.shell === undefined) {
    // Started as a program (`ENTRYPOINT ["/app/entrypoint.sh"]`), the kernel first needs its
    // execute bit: without it execve fails and no line of it runs (measured with buildah:
    // "fork/exec /app/entrypoint.sh: permission denied"). UID106 reports that; the body is
    // not followed, so no later line is blamed. execve checks that bit before it reads the
    // file's first line, so a script with no #! line that may not be executed is EACCES too.
    const x = evaluate(runtime.identity, runtime.view, found.path, 'exec', false);
    if (!x.allowed && x.errno === 'EACCES') found = undefined;
  }
  if (found && !found.refused && launchOf(start.argv)?.shell !== undefined) {
    // A shell named in front of the script (`bash /app/run.sh`) opens it for reading: one the
    // process may not read stops the start in that shell's words (bash 126, dash 2; measured).
    const v = evaluate(runtime.identity, runtime.view, found.path, 'read', false);
    if (!v.allowed && v.errno !== 'ENOENT') found = { ...found, refused: unreadableScript(found, v.errno ?? 'EACCES') };
  }
  if (found?.refused) {
    // The kernel does not start it: the container stops before any of it runs.
    const { message } = found.refused;
    runtime = { ...runtime, script: { path: found.path, written: found.written, from: runtime.process, error: { line: 1, message, status: found.refused.status ?? 1 }, refused: found.refused } };
  }
  const script = found && !found.refused && parsesAs(image, found) ? found : undefined;
  let scriptCaps: string[] | undefined;
  if (found && !found.refused && !script) {
    const a: Assumption = {
      id: `entrypoint-script:${found.path}`,
      subject: found.written,
      text: `${found.written} uses shell syntax uidctl does not read (its text is in the image), so it is not followed: the container is judged as its start command names it`,
      confidence: 'low',
    };
    runtime = { ...runtime, notes: [...runtime.notes, { text: a.text, assumption: a }] };
  }
  let scriptRun: ScriptRun | undefined;
  if (script) {
    const from = runtime.process;
    const scriptIdentity = { ...runtime.identity, home: from.home, name: from.userName };
    const scriptOpts = { builder, file: input.file, line: sim.target.lines.entrypoint ?? sim.target.lines.cmd ?? 1, cmd: script.args };
    // The capabilities a narrower start would need are tried first, on copies of the view: the
    // real run below changes it.
    const pristine = from.uid === 0 ? { ...runtime.view, fs: cloneTree(runtime.view.fs) } : undefined;
    scriptRun = runStartScript(image, runtime.view, from, scriptIdentity, script, scriptOpts);
    const reached = scriptRun.workload;
    if (pristine && reached && !reached.own && reached.ident.uid !== 0 && reached.launcher) {
      // Judged against the accounts as the script left them (it may have made the user).
      const needs = applyPrivilegeDrop({ ...image, accounts: scriptRun.state.accounts }, from, { argv: reached.launcher, entryLength: reached.launcher.length, entryFromRun: false, cmdFromRun: false })?.drop.needs ?? ['CAP_SETGID', 'CAP_SETUID'];
      scriptCaps = capsNeeded(image, pristine, from, scriptIdentity, script, scriptOpts, needs, { uid: reached.ident.uid, gid: reached.ident.gid, fs: runtime.view.fs });
    }
    // What it changed at start is what the workload finds: accounts (usermod -u), files it writes.
    const st = scriptRun.state;
    const renumbered = image.accounts.passwd.flatMap((e) => {
      const now = st.accounts.passwd.find((x) => x.name === e.name);
      return now && (now.uid !== e.uid || now.gid !== e.gid) ? [{ name: e.name, uid: e.uid, gid: e.gid }] : [];
    });
    image.accounts = st.accounts;
    image.texts = st.texts;
    image.sudoers = st.sudoers;
    image.sshd = st.sshd;
    image.jupyter = st.jupyter;
    image.unknowns = st.unknowns;
    const notes = [...runtime.notes, { text: scriptRun.assumption.text, assumption: scriptRun.assumption }];
    const w = scriptRun.workload;
    const summary: NonNullable<RuntimeResult['script']> = { path: script.path, written: script.written, from };
    if (scriptCaps) summary.capsNeeded = scriptCaps;
    if (renumbered.length > 0) summary.renumbered = renumbered;
    if (scriptRun.error) summary.error = scriptRun.error;
    if (w) {
      summary.workloadLine = w.line;
      summary.workload = w.argv;
    }
    if (w) {
      // A switch the start-command model knows (gosu, su-exec, setpriv, ...) is shown as one.
      const known = w.launcher ? applyPrivilegeDrop(image, { ...from, cwd: w.cwd, env: w.env }, { argv: w.launcher, entryLength: w.launcher.length, entryFromRun: start.entryFromRun, cmdFromRun: false }) : undefined;
      const switchedByScript = w.ident.uid !== from.uid || w.ident.gid !== from.gid;
      if (known && !switchedByScript) {
        // A tool the interpreter does not run (chroot --userspec, s6-setuidgid): its model
        // decides, a switch that cannot be made included (UID106).
        const drop = { ...known.drop, source: 'entrypoint' as const };
        runtime = known.process && known.identity
          ? { ...runtime, process: known.process, identity: known.identity, notes, drop, script: summary }
          : { ...runtime, notes, drop, script: summary };
      } else {
        const process = workloadProcess(st, from, w);
        const drop = known && known.drop.error === undefined && known.process?.uid === process.uid ? { ...known.drop, source: 'entrypoint' as const } : undefined;
        runtime = { ...runtime, process, identity: runAsIdentity(process), notes, drop, script: summary };
      }
    } else runtime = { ...runtime, notes, script: summary };
  }
  // A command that switches user (gosu app ...): the workload, and so every verdict, is judged
  // for the user it switches to; a switch the tool cannot make leaves the identity as it starts.
  const dropped = runtime.errors.length === 0 && !handover && !scriptRun ? applyPrivilegeDrop(image, runtime.process, start) : undefined;
  if (dropped) {
    const { drop } = dropped;
    runtime = {
      ...runtime,
      drop,
      process: dropped.process ?? runtime.process,
      identity: dropped.identity ?? runtime.identity,
      notes: drop.assumption ? [...runtime.notes, { text: drop.assumption.text, assumption: drop.assumption }] : runtime.notes,
    };
  }
  // A start program named like an entrypoint script whose text uidctl does not have: say so.
  if (!found && !handover && runtime.errors.length === 0 && runtime.drop?.assumption === undefined) {
    const w = launchOf(start.argv)?.argv[0];
    if (w !== undefined && /\.(sh|bash)$|entrypoint|^start|^run$/i.test(baseName(w))) {
      const a: Assumption = {
        id: `entrypoint-script:${w}`,
        subject: w,
        text: `${w} looks like an entrypoint script whose text uidctl does not have (no build context read, or the image gets it another way): what it does at start, as uid ${runtime.process.uid}, is not followed`,
        confidence: 'medium',
      };
      runtime = { ...runtime, notes: [...runtime.notes, { text: a.text, assumption: a }] };
    }
  }
  if (handover?.error) {
    // start.sh stops as root before it switches: the container exits, as with a followed
    // script that stops (UID106).
    const { step, message, status, target } = handover.error;
    const written = start.argv.find((w) => /(^|\/)start\.sh$/.test(w)) ?? 'start.sh';
    runtime = {
      ...runtime,
      notes: [...runtime.notes, { text: handover.assumption.text, assumption: handover.assumption }],
      script: { path: '/usr/local/bin/start.sh', written, from: runtime.process, error: { step, message, status, switchTo: target } },
    };
  } else if (handover) {
    runtime = { ...runtime, process: handover.process, identity: handover.identity, notes: [...runtime.notes, { text: handover.assumption.text, assumption: handover.assumption }] };
    if (handover.grantsSudo) {
      // The file start.sh writes when the container starts.
      const { who, file } = handover.grantsSudo;
      image.texts[file] = { content: `${who} ALL=(ALL) NOPASSWD:ALL\n` };
      image.fs.set(file, { kind: 'file', uid: 0, gid: 0, mode: 0o440, origin: 'start.sh' });
      refreshDerived(image);
    }
    // CHOWN_HOME / CHOWN_EXTRA: root gives these to the user before the switch, in the run's
    // view (a bind mount over the home included); a read-only one stays as it is.
    for (const c of handover.chowns ?? []) {
      for (const [p, meta] of [...runtime.view.fs]) {
        if (p !== c.path && !(c.recursive && isUnder(p, c.path))) continue;
        if (runtime.view.mounts.some((m) => m.readonly && isUnder(p, m.target))) continue;
        runtime.view.fs.set(p, { ...meta, uid: c.uid, gid: c.gid, origin: `${meta.origin ?? p} (chown by start.sh)` });
      }
    }
  }
  // `conda run -n ENV COMMAND` as what starts the workload (after an init, a user switch, in a
  // shell-form command or at the end of an entrypoint script): it runs with ENV activated, so
  // its pip and python are ENV's.
  const condaStart = launchOf(runtime.script?.workload ?? runtime.drop?.command ?? start.argv)?.argv ?? [];
  // A conda that is not on PATH never runs (UID106): nothing is activated.
  const condaMissing = (tool: string) => !tool.includes('/') && condaNotOnPath(image, runtime.process.env.PATH, baseName(tool));
  if (isCondaRun(condaStart) && !condaMissing(condaStart[0])) {
    const env = runtime.process.env;
    const act = condaActivation(image, (k) => env[k], { ...condaRunArgs(condaStart.slice(2)), tool: condaStart[0] }, runtime.process.cwd);
    const assume = (text: string, confidence: Assumption['confidence']) => {
      const a: Assumption = { id: 'start:conda-run', subject: condaStart.slice(0, 4).join(' '), text, confidence };
      return [...runtime.notes, { text, assumption: a }];
    };
    if ('unknown' in act) {
      runtime = { ...runtime, notes: assume(`${act.unknown}: the workload's pip and python are judged as if it were not activated`, 'low') };
    } else {
      const notes = act.assumed === undefined ? runtime.notes : assume(act.assumed, 'medium');
      runtime = { ...runtime, notes, process: { ...runtime.process, env: { ...env, ...Object.fromEntries(act.vars) } } };
    }
  }
  const { process, view } = runtime;
  const ident: Identity = runtime.identity;
  // Assumptions that decided the metadata of some paths (COPY sources of unknown mode).
  const guesses = image.assumptions.filter((x) => x.paths !== undefined);
  const unknownBase = image.assumptions.find((x) => x.id === 'base:unknown-image')?.id;
  // An entrypoint script whose text is not known runs first, as root: it may chown or make any
  // path (its own mounts included) before the switch, so every verdict for the workload rests on
  // what it is taken to do.
  const scriptFirst = runtime.drop?.assumption !== undefined && runtime.drop.from.uid === 0 ? runtime.drop.assumption.id : undefined;
  // Verdicts by operation, then by the path as asked: no key string to build and hash per call.
  const checker = (who: Identity) => {
    const cache = new Map<Op, Map<string, Verdict>>();
    return (path: string, op: Op): Verdict => {
      let byPath = cache.get(op);
      if (!byPath) {
        byPath = new Map();
        cache.set(op, byPath);
      }
      let v = byPath.get(path);
      if (!v) {
        v = evaluate(who, view, path, op);
        if (image.unknowns.length > 0) markUnknownDependencies(v, image.unknowns);
        if (guesses.length > 0) markGuessDependencies(v, guesses, view.fs);
        if (guesses.length > 0 && !v.allowed && v.errno === 'EACCES' && v.dependsOn.length > 0) dropIdleGuesses(v, who, view, guesses, df, input.file);
        // On a base outside the catalog, every owner and mode the image side has rests on the guess.
        if (unknownBase !== undefined && v.where === 'image' && !v.dependsOn.includes(unknownBase)) v.dependsOn.push(unknownBase);
        if (scriptFirst !== undefined && who === ident && !v.dependsOn.includes(scriptFirst)) v.dependsOn.push(scriptFirst);
        // --user $(...) not evaluated: every answer is for the stand-in, not the real user.
        if (run?.userUnknown !== undefined && who === ident && !v.dependsOn.includes('run-user:unknown')) v.dependsOn.push('run-user:unknown');
        byPath.set(path, v);
      }

      return v;
    };
  };
  const check = checker(ident);
  // What the engine and the start program do before a switch of user is done as who starts.
  const checkStart = runtime.drop ? checker(runAsIdentity(runtime.drop.from)) : check;

  const python = activePython(image, process.env);
  const keyPaths = keyPathsFor({ image, process, run, python, extra: input.paths ?? [] });
  const verdicts: Verdict[] = [];
  // One verdict per (path, op), however many roles the path has (a --path that is also a mount).
  const listed = new Map<Op, Set<string>>();
  for (const k of keyPaths) {
    for (const op of k.ops) {
      let paths = listed.get(op);
      if (!paths) listed.set(op, (paths = new Set()));
      if (paths.has(k.path)) continue;
      paths.add(k.path);
      verdicts.push(check(k.path, op));
    }
  }

  const homeRead = check(process.home, 'chdir');
  // An entrypoint may have renumbered the user (start.sh): the process's own name wins.
  const idText = formatId(image.accounts, process.uid, process.gid, process.groups);
  const bareUid = `uid=${process.uid}`;
  const named = Boolean(process.userName) && !idText.startsWith(`${bareUid}(`);
  const workdirRead = check(process.cwd, 'chdir');
  const identity: IdentitySummary = {
    uid: process.uid,
    gid: process.gid,
    groups: process.groups,
    user: process.userName ?? null,
    group: process.groupName ?? groupByGid(image.accounts, process.gid)?.name ?? null,
    id: named ? `${bareUid}(${process.userName})${idText.slice(bareUid.length)}` : idText,
    home: process.home,
    homeFrom: process.homeFrom,
    homeExists: homeRead.errno !== 'ENOENT' && homeRead.errno !== 'ENOTDIR',
    homeWritable: check(process.home, 'write').allowed,
    workdir: process.cwd,
    workdirExists: workdirRead.errno !== 'ENOENT',
    caps: [...process.caps].sort(),
    sudo: sudoStatus(image, process, run),
    resolved: runtime.userResolved,
    drop: runtime.drop ? dropSummary(image, runtime.drop) : null,
    script: runtime.script
      ? { path: runtime.script.path, written: runtime.script.written, line: runtime.script.workloadLine ?? null, error: runtime.script.error ? `${scriptErrorAt(runtime.script.error)}: ${runtime.script.error.message}` : null }
      : null,
  };

  const targetLabel = sim.target.name ?? String(sim.target.index);
  const assumptions = [...sim.assumptions];
  // sshd's own options in the start command: -f names the config file it reads, -p and -o Port
  // the ports it listens on (and so which Match LocalPort blocks can apply).
  const sshdCmd = image.packages['openssh-server'] ? sshdCommandLine(runtime.script?.workload ?? runtime.drop?.command ?? start.argv, runtime.process.cwd) : undefined;
  if (sshdCmd && (sshdCmd.config !== undefined || sshdCmd.ports.length > 0 || sshdCmd.listenPorts.length > 0)) {
    image.sshd = parseSshd(image, sshdCmd.config ?? '/etc/ssh/sshd_config', sshdCmd);
  }
  if (image.sshd.unread !== undefined) {
    assumptions.push({
      id: `sshd-config:${image.sshd.unread}`,
      subject: image.sshd.unread,
      text: `sshd is started with -f ${image.sshd.unread}, whose text uidctl does not have: its settings (PermitRootLogin, PasswordAuthentication, ...) are not known, so UID501 and UID502 say nothing`,
      confidence: 'low',
    });
  }
  for (const key of sshdCmd?.otherOptions ?? []) {
    assumptions.push({
      id: `sshd-option:${key}`,
      subject: `-o ${key}`,
      text: `sshd is started with -o ${key}=..., which uidctl does not read (only Port and ListenAddress): sshd takes it before its config file, so it may override what UID501 and UID502 judge`,
      confidence: 'low',
    });
  }
  // An sshd Include that may name a file whose text uidctl does not have: sshd reads settings
  // there that UID501 and UID502 cannot see, so it is said, never skipped; their findings then
  // depend on it.
  if (image.packages['openssh-server']) {
    for (const inc of sshdIncludeDoubts(image.sshd, image.texts, view.fs)) {
      const id = sshdIncludeId(inc);
      if (assumptions.some((x) => x.id === id)) continue;
      const a: Assumption = {
        id,
        subject: inc.pattern,
        text: `${inc.file} line ${inc.fileLine} includes ${inc.pattern}${inc.block ? ` inside "Match ${inc.block}"` : ''}, whose text uidctl does not have: the sshd settings it may hold (PermitRootLogin, PasswordAuthentication, ...) are not read`,
        confidence: 'low',
      };
      if (inc.line !== undefined) a.line = inc.line;
      assumptions.push(a);
    }
  }
  // An ML launcher (torchrun, accelerate launch, deepspeed) followed to its script: how it runs
  // its workers is read from its source, as none of them can be run where uidctl is measured.
  const launched = launcherCall(runtime.script?.workload ?? runtime.drop?.command ?? start.argv);
  if (launched?.script !== undefined) {
    assumptions.push({ id: launcherId(launched), subject: launcherName(launched), text: launcherAssumptionText(launched), confidence: 'high' });
  }
  if (userns && run.mounts.some((m) => m.kind === 'bind')) assumptions.push(userns.assumption);
  for (const n of runtime.notes) if (n.assumption && !assumptions.some((a) => a.id === n.assumption!.id)) assumptions.push(n.assumption);
  for (const x of run.assumptions ?? []) if (!assumptions.some((a) => a.id === x.id)) assumptions.push(x);

  const analysis: Analysis = {
    file: input.file,
    target: targetLabel,
    builder,
    engine,
    profile,
    df,
    sim,
    image,
    run: input.run,
    host,
    runtime,
    identity,
    python,
    keyPaths,
    verdicts,
    assumptions,
    unknowns: image.unknowns,
    check,
    checkStart,
    retry: input.retried === true ? undefined : retrier(input),
    // Declared here and filled below: a key added later, or a spread copy with it, costs V8 a
    // new hidden class per analysis (measured: ~4 us for the copy).
    findings: [],
  };
  // A Windows base: only the assumption that says so is reported (users and modes do not apply).
  const windows = image.assumptions.some((x) => x.id === WINDOWS_BASE);
  analysis.findings = windows ? runRules(analysis).filter((f) => f.ruleId === 'UID701') : runRules(analysis);

  return analysis;
}

/** Analysis.retry for an input: each distinct change analysed once, without a trace. */
function retrier(input: AnalyzeInput): (change: BuildChange) => Analysis {
  const done = new Map<string, Analysis>();

  return (change) => {
    const key = JSON.stringify([change.buildArgs ?? {}, change.edit ?? null]);
    let b = done.get(key);
    if (b === undefined) {
      b = analyze({
        ...input,
        text: change.edit ? applyEdits(input.text, [change.edit]).text : input.text,
        parsed: change.edit ? undefined : input.parsed,
        buildArgs: { ...input.buildArgs, ...change.buildArgs },
        trace: false,
        retried: true,
      });
      done.set(key, b);
    }

    return b;
  };
}

/** Where a start script stopped, as identity.script.error names it: "line 2", or its step. */
function scriptErrorAt(e: { line?: number; step?: string }): string {
  return e.line !== undefined ? `line ${e.line}` : `at ${e.step ?? 'a step'}`;
}
