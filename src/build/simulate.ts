// The build simulator: walks every stage of a parsed Dockerfile and computes the ImageState
// after each instruction, the way the chosen builder would. Pure: the base image facts and the
// build context arrive as data.

import type { Assumption, Capability, FileMeta, FsTree, ImageState } from '../model/types.js';
import type { DfInstruction, DfStage, Dockerfile } from '../dockerfile/types.js';
import { ExpandError, KeyValueError, expandWord, expandWords, parseKeyValues, splitRawWords } from '../dockerfile/expand.js';
import { cloneState, copyRecord } from '../image/state.js';
import { formatGroup, formatPasswd, groupByName, parseGroup, parseId, parsePasswd, resolveExecUser, userByName } from '../image/accounts.js';
import { refreshDerived } from '../shell/commands/config.js';
import { applyMode, isProjectText, isTrackedText } from '../shell/commands/files.js';
import { CONDA_TOOLS, condaNotOnPath } from '../shell/commands/packages.js';
import { PLAIN_DISTRO, absentFromPath, codePaths, scriptShell } from '../shell/commands/builtins.js';
import { ancestry, baseName, descendants, isUnder, listingsUnknownBelow, mkdirp, ownInode, rebase, normalizePath, parentOf, resolvePath, unreadWrites, withMeta } from '../image/fs.js';
import { DOCKER_DEFAULT_CAPS, evaluate } from '../access/evaluate.js';
import type { Builder, BuildIdentity, ShellEnv } from '../shell/context.js';
import { runScript, workBudget, type ExecRefusal, type WorkBudget } from '../shell/interpret.js';
import { MAX_VALUE_LENGTH } from '../shell/words.js';
import { excerpt } from '../report/printable.js';
import { globMatch } from '../shell/words.js';
import { mountError, parseRunMount, type RunMountFlag } from '../dockerfile/run-mount.js';
import { layMounts, liftMounts, planRunMounts, refusedMount, viewMounts, type MountPlan, type StepMountType } from './run-mounts.js';

export interface BaseResolution {
  state: ImageState;
  key: string | null;
  matched: 'exact' | 'family' | 'generic' | 'scratch' | 'archive' | 'engine' | 'registry';
  assumptions: Assumption[];
}

export interface SimulateOptions {
  /** The work left to the analysis's scripts (WorkBudget); simulate() makes one when none is given. */
  budget?: WorkBudget;
  // resolveBase must return a fresh state on every call: the simulator changes it in place.
  file: string;
  builder: Builder;
  buildArgs: Record<string, string>;
  /** Stage name or index to stop at; the last stage by default. */
  target?: string;
  /** Resolves a FROM reference to the base image's state (catalog, archive, registry...). */
  resolveBase: (ref: string) => BaseResolution;
  /**
   * The build context as a metadata tree rooted at '/', when the outer layer read it. Without
   * it, COPY sources are assumed to be regular files with mode 0644.
   */
  context?: FsTree;
  /**
   * The text of a build-context file (path as in `context`), when the outer layer can read it;
   * asked only for files copied to a path whose text matters (sudoers, sshd_config, ...).
   */
  readContextText?: (path: string) => string | undefined;
  /** Sources that are in the context folder but .dockerignore leaves out (buildah's words). */
  contextIgnored?: ContextIgnored;
  /** Keep a summary of every step for --debug (off by default: the strings cost time). */
  trace?: boolean;
  /**
   * Base names of the programs the container may start with (ENTRYPOINT, CMD, the run's): a
   * file of such a name that COPY puts in the image keeps its text, so an entrypoint script can
   * be followed at start.
   */
  startScripts?: ReadonlySet<string>;
}

/** The context folder on the host, and the COPY sources (tree paths) .dockerignore leaves out. */
export interface ContextIgnored {
  dir: string;
  paths: string[];
}

export interface BuildFailure {
  file: string;
  line: number;
  instruction: string;
  message: string;
  kind: 'permission' | 'identity' | 'conflict' | 'other';
  /** The shell could not execute a program the step names (no x bit for the user). */
  notExecutable?: ExecRefusal;
  /** The folder the failing command ran in, when known: relative paths in the message are in it. */
  cwd?: string;
  /**
   * A refusal on a path of one of the step's RUN --mount mounts (a cache or secret owned by
   * root), with the ids the step ran as: the fix is in the mount's options.
   */
  mount?: { type: StepMountType; target: string; flag: string; uid: number; gid: number };
  /**
   * ARGs the step names (`$UID`, `${USER_NAME}`) that have no value at it: declared with no
   * default, given no --build-arg and set by no ENV, so each expands to nothing. With the line
   * of the ARG. `global`: an ARG declared before the first FROM and not again in this stage,
   * which a stage's steps do not see (Dockerfile reference, "Understand how ARG and FROM
   * interact"), with the line of that ARG.
   */
  unsetArgs?: { name: string; line: number; global?: boolean }[];
  /**
   * The values the stage's ARGs and ENV give the variables the step's text names (`$USERNAME`,
   * `${USER_UID:-1000}`) at this step, those that have one: a later step can then tell the
   * names this step was to make (`groupadd --gid 1000 $USERNAME`).
   */
  values?: Record<string, string>;
  /**
   * SHELL names a shell the base image lacks and a package of its distribution brings: the
   * package, the tool that installs it, the line of the stage's SHELL instruction, before which
   * it has to be installed, and the USER there.
   */
  shellPackage?: { shell: string; package: string; manager: 'apt' | 'apk'; shellLine: number; user: string };
}

/**
 * The line of a failure's message to show: for a refusal, the one that says what was refused
 * (npm prints "code EACCES", "syscall mkdir" and more before "Error: EACCES: permission denied,
 * mkdir '...'"); otherwise the first.
 */
export function failureLine(f: Pick<BuildFailure, 'message' | 'kind'>): string {
  const lines = f.message.split('\n');
  if (f.kind !== 'permission') return lines[0];

  return lines.find((l) => /permission denied|not permitted/i.test(l)) ?? lines[0];
}

/** Where the things that decide the run-time identity were set. */
export interface ConfigLines {
  user?: number;
  workdir?: number;
  entrypoint?: number;
  cmd?: number;
  from: number;
  volumes: Record<string, number>;
  env: Record<string, number>;
}

export interface StageResult {
  index: number;
  name?: string;
  baseRef: string;
  base: BaseResolution | { stage: number };
  state: ImageState;
  failures: BuildFailure[];
  lines: ConfigLines;
  /** Per instruction: the line and the state right after it (for --debug traces and rules). */
  steps: { line: number; keyword: string; summary: string }[];
  /**
   * The Dockerfile line that last made each user (`user:NAME`) and group (`group:NAME`) of the
   * stage's image, its own or of a stage it is built FROM; an account with none is the base's.
   */
  accountLines: Map<string, number>;
  /**
   * ARGs declared only before the first FROM that an instruction of the stage uses without
   * declaring them again: empty there (BuildKit's UndefinedVar check). The first use of each.
   */
  globalOnlyArgs?: { name: string; line: number; declaredAt: number }[];
}

export interface SimulationResult {
  stages: StageResult[];
  target: StageResult;
  failures: BuildFailure[];
  assumptions: Assumption[];
}

/** The ARGs BuildKit and buildah set from the build's platforms (Dockerfile reference, "Automatic platform ARGs"). */
const PLATFORM_ARGS = new Set([
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
]);

function instructionText(ins: DfInstruction): string {
  const flags = ins.flags.map((f) => (f.value === null ? `--${f.name}` : `--${f.name}=${f.value}`));

  return [ins.keyword, ...flags, ins.args].filter(Boolean).join(' ').slice(0, 200);
}

function flag(ins: DfInstruction, name: string): string | undefined {
  const f = ins.flags.find((x) => x.name === name);

  return f ? (f.value ?? '') : undefined;
}

// Nobody changes an identity's capability set: one empty set serves every non-root RUN.
const NO_CAPS: ReadonlySet<Capability> = new Set();

/** The identity a RUN executes as: the USER resolved against the image's files right now. */
export function buildIdentity(state: ImageState): { ident?: BuildIdentity; error?: string } {
  const r = resolveExecUser(state.accounts, state.config.user);
  if (!r.ok) return { error: r.error };
  const u = r.user;

  return {
    ident: {
      uid: u.uid,
      gid: u.gid,
      groups: u.supplementary.length === 0 ? [u.gid] : [u.gid, ...u.supplementary],
      caps: u.uid === 0 ? DOCKER_DEFAULT_CAPS : NO_CAPS,
      name: u.name,
      home: u.home,
      label: u.name ? `${u.name} (uid ${u.uid})` : `uid ${u.uid}`,
    },
  };
}

/**
 * --chown for COPY/ADD (BuildKit: names from the image's passwd/group at this step; a bare
 * numeric user takes the same number as gid; a bare name takes its primary group).
 */
export function resolveChown(state: ImageState, spec: string, builder: Builder = 'buildkit'): { uid: number; gid: number } | { error: string } {
  // The first two ':' fields, as spec.split(':') would give them, without the array.
  const colon = spec.indexOf(':');
  const second = colon < 0 ? -1 : spec.indexOf(':', colon + 1);
  const u = colon < 0 ? spec : spec.slice(0, colon);
  const g = colon < 0 ? undefined : spec.slice(colon + 1, second < 0 ? spec.length : second);
  // buildah takes an empty user before a group as root (measured: `--chown=:1000` is 0:1000,
  // `--chown=:staff` 0:50, whatever USER is; an unknown group stops the step; `--chown=:`
  // alone names no user): copy/chown-empty-user-buildah.
  if (builder === 'buildah' && u === '' && g !== undefined && g !== '') {
    const n = parseId(g);
    if (n !== undefined && n >= 0) return { uid: 0, gid: n };
    const ge = groupByName(state.accounts, g);
    if (!ge) return { error: `looking up UID/GID for "${spec}": determining run gid: group: unknown group error looking up group "${g}"` };
    return { uid: 0, gid: ge.gid };
  }
  let uid = parseId(u);
  let gid: number | undefined;

  if (uid === undefined) {
    const e = userByName(state.accounts, u);
    if (!e) return { error: `unable to convert uid/gid chown string to host mapping: can't find uid for user ${u}: no such user: ${u}` };
    uid = e.uid;
    gid = e.gid;
  } else gid = uid;

  if (g !== undefined && g !== '') {
    const n = parseId(g);
    if (n !== undefined) gid = n;
    else {
      const ge = groupByName(state.accounts, g);
      if (!ge) return { error: `unable to convert uid/gid chown string to host mapping: can't find gid for group ${g}: no such group: ${g}` };
      gid = ge.gid;
    }
  }
  // An empty group (`--chown=1234:`, what `--chown=$UID:$GID` becomes with GID unset) is no
  // group: a uid's gid is the uid, a name's is its primary group (measured with buildah:
  // copy/chown-empty-group).

  return { uid, gid: gid ?? uid };
}

/**
 * normalizePath(path, dir) for a normalised dir, skipping its split and join in the usual cases
 * (a relative path with nothing to collapse, one trailing slash): COPY resolves several paths.
 */
function resolveIn(dir: string, path: string): string {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (p.startsWith('/')) return normalizePath(p);

  // normalizePath only removes characters: the same length means nothing was collapsed.
  const abs = p === '' ? '' : normalizePath(`/${p}`);
  if (abs.length !== p.length + 1 || normalizePath(dir) !== dir) return normalizePath(path, dir);

  return dir === '/' ? abs : `${dir}${abs}`;
}

function isWildcard(src: string): boolean {
  return /[*?[]/.test(src);
}

function parseChmod(spec: string): number | undefined {
  return /^[0-7]{1,4}$/.test(spec) ? parseInt(spec, 8) : undefined;
}

class StageSimulator {
  state: ImageState;
  failures: BuildFailure[] = [];
  steps: StageResult['steps'] = [];
  args = new Map<string, string>();
  /** Automatic platform ARGs this stage declared without a value (undefined while none). */
  platformArgs: Set<string> | undefined = undefined;
  /** ARGs of the stage declared with no value and given none, with their lines (see BuildFailure.unsetArgs). */
  unsetArgs: Map<string, number> | undefined = undefined;
  /** Names the stage declares with ARG (with or without a value). */
  declaredArgs: Set<string> | undefined = undefined;
  lines: ConfigLines;
  /** buildah: a WORKDIR not created yet. */
  pendingWorkdir?: string;
  /** The RUN environment, made at the first RUN and kept in step by ENV and ARG. */
  runBase?: ShellEnv;
  /**
   * The image's ENV while the stage runs, from its first ENV on, with the lines that set each
   * name in the stage; written back to config.env and lines.env when the stage ends (flushEnv).
   * Each new key stored into a record goes through V8's megamorphic store here, and past 16
   * keys that store turns the record into a hash table (V8 --log-maps: a third fewer of those
   * per analysis with the Maps); a Map takes new keys without either.
   */
  envVars?: Map<string, string>;
  envLines?: Map<string, number>;
  /** Keep step summaries (SimulateOptions.trace). */
  readonly trace: boolean;
  /** StageResult.accountLines. */
  accountLines: Map<string, number>;
  /** The line of this stage's last SHELL, and the USER then (BuildFailure.shellPackage). */
  shellLine?: number;
  shellUser?: string;

  constructor(
    readonly df: Dockerfile,
    readonly stage: DfStage,
    readonly opts: SimulateOptions,
    readonly stages: StageResult[],
    base: ImageState,
    readonly globalArgs: Map<string, string>,
    accountLines: Map<string, number> = new Map(),
  ) {
    this.accountLines = accountLines;
    this.state = base;
    this.lines = { from: stage.from.line, volumes: {}, env: {} };
    this.trace = opts.trace === true;
  }

  /** The work left to the analysis's scripts (see WorkBudget). */
  budget: WorkBudget | undefined = undefined;
  /** ENV and ARG names whose value grew past MAX_VALUE_LENGTH: not known from then on. */
  unknownValues: Set<string> | undefined = undefined;

  // ENV wins over an ARG of the same name (Dockerfile reference, "Using ARG variables").
  vars = (name: string): string | undefined => {
    if (this.unknownValues !== undefined && this.unknownValues.has(name)) {
      throw new ExpandError('too-long', `the value of ${name} is not known (it would be longer than ${MAX_VALUE_LENGTH / (1 << 20)} MiB)`);
    }
    return this.envValue(name) ?? this.args.get(name);
  };

  /**
   * An instruction expanded a value past MAX_VALUE_LENGTH (`ENV A=${A}${A}` thirty times): it
   * is not followed, and the names an ENV or ARG sets are not known from then on (a RUN sees
   * them as values it cannot tell, a later instruction that uses one is not followed either).
   */
  valueTooLong(ins: DfInstruction, e: ExpandError): void {
    const keys = ins.keyword === 'ENV' || ins.keyword === 'ARG' ? parseKeyValues(ins.args, this.df.escape, ins.keyword).map((kv) => kv.key) : [];
    if (keys.length > 0 && this.envVars === undefined) {
      this.envVars = new Map(Object.entries(this.state.config.env));
      this.envLines = new Map();
    }
    for (const k of keys) {
      (this.unknownValues ??= new Set()).add(k);
      (this.platformArgs ??= new Set()).add(k);
      this.envVars?.delete(k);
      this.args.delete(k);
      this.runBase?.delete(k);
    }
    const what = keys.length > 0 ? `${keys.join(', ')} ${keys.length === 1 ? 'is' : 'are'} not known from here` : 'the instruction is not followed';
    this.state.unknowns.push({ file: this.opts.file, line: ins.line, command: instructionText(ins).slice(0, 80), reason: `${e.message}; the model does not hold such values, so ${what}`, paths: [] });
  }

  /** The value ENV (of the base or of this stage) gives name. */
  envValue(name: string): string | undefined {
    if (this.envVars !== undefined) return this.envVars.get(name);
    const { env } = this.state.config;

    return Object.hasOwn(env, name) ? env[name] : undefined;
  }

  /** Write the stage's ENV back to the image's config (see envVars). */
  flushEnv(): void {
    if (this.envVars === undefined || this.envLines === undefined) return;
    this.state.config.env = recordOf(this.envVars);
    this.lines.env = recordOf(this.envLines);
  }

  expand(text: string): string {
    return expandWord(text, this.vars, this.df.escape);
  }

  /**
   * Whether an instruction after ins in this stage uses path as a folder: names a path below it,
   * or gives it to `mkdir -p`, `cd` or WORKDIR. Read from the text (variables as they are at ins,
   * relative paths against the WORKDIR in force, no `cd` followed), so it only ever turns a
   * guess of "file" into "folder".
   */
  /** Later instructions' text with the variables usedAsFolderLater reads filled in. */
  private expandedArgs: Map<DfInstruction, string> | undefined;

  usedAsFolderLater(ins: DfInstruction, path: string): boolean {
    if (path === '/') return true;
    // Built only for an instruction that names the path at all: most name none.
    let asFolder: RegExp | undefined;
    let after = false;
    // The WORKDIR of each later instruction, as written; unknown once one uses a variable.
    let workdir: string | undefined = this.state.config.workdir;
    for (const next of this.stage.instructions) {
      if (next === ins) {
        after = true;
        continue;
      }
      if (!after) continue;
      // $NAME and ${NAME} as the stage's ENV and ARG give them (the shell of a RUN sees them in
      // its environment), taken at the first COPY that asks; a name they do not give stays.
      let text = next.args;
      if (text.includes('$')) {
        const done = (this.expandedArgs ??= new Map()).get(next);
        if (done !== undefined) text = done;
        else this.expandedArgs.set(next, (text = text.replace(VAR_REF, (m, braced?: string, bare?: string) => this.vars((braced ?? bare)!) ?? m)));
      }
      if (next.keyword === 'WORKDIR') {
        const arg = text.trim();
        const to: string | undefined = arg.includes('$') || (workdir === undefined && !arg.startsWith('/')) ? undefined : normalizePath(arg, workdir);
        if (to === path) return true;
        workdir = to;
        continue;
      }
      // The path as a relative name from the WORKDIR (`COPY docs docs` in /build, then `RUN cd
      // docs`): a word that starts with it, not a longer path that ends with it.
      const rel = workdir !== undefined && isUnder(path, workdir) && path !== workdir ? path.slice(workdir === '/' ? 1 : workdir.length + 1) : undefined;
      if (rel !== undefined && text.includes(rel) && folderUse(rel, true).test(text)) return true;
      if (!text.includes(path)) continue;
      asFolder ??= folderUse(path, false);
      if (asFolder.test(text)) return true;
    }

    return false;
  }

  fail(ins: DfInstruction, message: string, kind: BuildFailure['kind'], notExecutable?: ExecRefusal, cwd?: string): void {
    const f: BuildFailure = { file: this.opts.file, line: ins.line, instruction: instructionText(ins), message, kind };
    if (notExecutable) f.notExecutable = notExecutable;
    if (cwd !== undefined) f.cwd = cwd;
    if (this.unsetArgs !== undefined || this.df.globalArgs.length > 0) {
      const named: NonNullable<BuildFailure['unsetArgs']> = [];
      const text = ins.flags.length > 0 ? `${ins.flags.map((x) => x.value ?? '').join(' ')} ${ins.args}` : ins.args;
      for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        if (named.some((x) => x.name === m[1]) || this.envValue(m[1]) !== undefined) continue;
        const at = this.unsetArgs?.get(m[1]);
        if (at !== undefined) named.push({ name: m[1], line: at });
        else if (!this.declaredArgs?.has(m[1])) {
          // Declared before the first FROM only: this stage does not see it.
          const global = this.globalArgLine(m[1]);
          if (global !== undefined) named.push({ name: m[1], line: global, global: true });
        }
      }
      if (named.length > 0) f.unsetArgs = named;
    }
    const text = ins.flags.length > 0 ? `${ins.flags.map((x) => x.value ?? '').join(' ')} ${ins.args}` : ins.args;
    for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const value = this.vars(m[1]);
      if (value !== undefined) (f.values ??= {})[m[1]] = value;
    }
    this.failures.push(f);
  }

  /**
   * Record a step for --debug; the summary is built only then. Hot callers test `trace` first,
   * which saves making the closure.
   */
  step(ins: DfInstruction, summary: () => string): void {
    if (this.trace) this.steps.push({ line: ins.line, keyword: ins.keyword, summary: summary() });
  }

  /**
   * Records line as the one that made each name of entries that before did not have (most steps
   * make none: the names are compared in order first, and a Set is built only when they differ).
   */
  private noteNewNames(kind: 'user' | 'group', before: string[], entries: { name: string }[], line: number): void {
    if (entries.length === before.length && entries.every((e, i) => e.name === before[i])) return;
    const had = new Set(before);
    for (const e of entries) if (!had.has(e.name)) this.accountLines.set(`${kind}:${e.name}`, line);
  }

  /** See StageResult.globalOnlyArgs. */
  globalOnlyArgs: { name: string; line: number; declaredAt: number }[] | undefined = undefined;

  /** An ARG declared only before FROM that ins uses, not declared in the stage nor an ENV. */
  private noteGlobalOnly(ins: DfInstruction): void {
    const text = ins.flags.length > 0 ? `${ins.flags.map((x) => x.value ?? '').join(' ')} ${ins.args}` : ins.args;
    if (!text.includes('$')) return;
    for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const name = m[1];
      // Docker's predefined proxy ARGs reach every RUN without a declaration.
      if (PROXY_ARGS.has(name) || this.declaredArgs?.has(name) || this.envValue(name) !== undefined || this.globalOnlyArgs?.some((x) => x.name === name)) continue;
      const declaredAt = this.globalArgLine(name);
      // A RUN's shell may set the name itself (`VERSION=$(cat v)`, `for V in`, `read V`): then
      // it is the script's own variable.
      if (declaredAt === undefined || (ins.keyword === 'RUN' && setsShellVariable(text, name))) continue;
      (this.globalOnlyArgs ??= []).push({ name, line: ins.line, declaredAt });
    }
  }

  run(): void {
    for (const ins of this.stage.instructions) {
      if (this.df.globalArgs.length > 0) this.noteGlobalOnly(ins);
      // The accounts before a step that may make some (see StageResult.accountLines).
      const makes = ins.keyword === 'RUN' || ins.keyword === 'COPY' || ins.keyword === 'ADD';
      const users = makes ? this.state.accounts.passwd.map((e) => e.name) : undefined;
      const groups = makes ? this.state.accounts.group.map((g) => g.name) : undefined;
      try {
        this.apply(ins);
      } catch (e) {
        // A value that doubles at every ARG (`ARG B=$A$A`, forty deep) outgrows what a string
        // may hold: the instruction is not followed, and says so.
        if (e instanceof ExpandError && e.kind === 'too-long') {
          this.valueTooLong(ins, e);
          continue;
        }
        if (e instanceof RangeError && /Invalid string length/.test(e.message)) {
          this.state.unknowns.push({ file: this.opts.file, line: ins.line, command: instructionText(ins).slice(0, 80), reason: 'a value it expands grows too long to hold', paths: [] });
          continue;
        }
        // A word the builder itself would refuse (e.g. ${VAR:?}) fails the build at that line;
        // anything else is a fault of the model, never a prediction.
        if (!(e instanceof ExpandError || e instanceof KeyValueError)) throw e;
        this.fail(ins, e.message, 'other');
      }
      if (users !== undefined && groups !== undefined) {
        this.noteNewNames('user', users, this.state.accounts.passwd, ins.line);
        this.noteNewNames('group', groups, this.state.accounts.group, ins.line);
      }
    }
    this.flushEnv();
  }

  apply(ins: DfInstruction): void {
    // Heredocs are BuildKit syntax: the classic builder and buildah 1.28 read the body's lines
    // as instructions of their own (comment lines skipped) and stop at the first; buildah runs a
    // COPY or ADD first, whose `<<EOF` source it looks for in the context (measured with buildah
    // 1.28 in the oracle).
    if (ins.heredocs.length > 0 && this.opts.builder !== 'buildkit') {
      const body = ins.heredocs[0].content.split('\n');
      const at = body.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
      const word = (at >= 0 ? body[at].trim().split(/\s+/)[0] : '').toUpperCase();
      const copy = this.opts.builder === 'buildah' && (ins.keyword === 'COPY' || ins.keyword === 'ADD');
      const h = ins.heredocs[0];
      this.failures.push({
        file: this.opts.file,
        line: copy ? ins.line : ins.line + 1 + Math.max(at, 0),
        instruction: instructionText(ins),
        message: copy
          ? `checking on sources: copier: stat: "/<<${h.name}": no such file or directory`
          : this.opts.builder === 'buildah' ? `Build error: Unknown instruction: "${excerpt(word)}"` : `unknown instruction: ${excerpt(word)}`,
        kind: 'other',
      });
      this.step(ins, () => `${ins.keyword} with a heredoc is BuildKit syntax: the ${this.opts.builder} builder fails`);
      return;
    }
    // A `# syntax=docker/dockerfile:1` line (or 1.15 and later) brings a frontend that reads them.
    if (ins.heredocs.some((h) => h.spaced) && !recentFrontend(this.df.directives.syntax)) {
      this.assume(`heredoc-space:${ins.line}`, `${ins.keyword} at line ${ins.line}`, `blanks between << and the delimiter are read as a here-document by BuildKit v0.22 and later (moby/buildkit#5817, Dockerfile frontend 1.15); an older BuildKit reads the lines after it as instructions of their own and stops at the first ("unknown instruction"), so the build needs a recent Docker or a # syntax=docker/dockerfile:1 line`, 'medium', ins.line);
    }

    switch (ins.keyword) {
      case 'ARG': return this.arg(ins);
      case 'ENV': return this.env(ins);
      case 'USER': return this.user(ins);
      case 'WORKDIR': return this.workdir(ins);
      case 'COPY':
      case 'ADD': return this.copy(ins);
      case 'RUN': return this.runInstruction(ins);
      case 'VOLUME': return this.volume(ins);
      case 'SHELL':
        // buildah writes OCI images by default, which have no place for a shell: it warns "SHELL
        // is not supported for OCI image format, [...] will be ignored" (buildah SetShell) and
        // RUN keeps /bin/sh -c (measured in the oracle's shells scenarios).
        if (ins.json && this.opts.builder === 'buildah') {
          this.assume(`buildah-shell:${ins.line}`, `SHELL at line ${ins.line}`, `buildah builds the OCI format by default and ignores SHELL ${JSON.stringify(ins.json)}: RUN steps use /bin/sh -c (pass --format docker to buildah to keep it)`, 'medium', ins.line);
          return this.step(ins, () => 'shell ignored (OCI format)');
        }
        if (ins.json) {
          this.state.config.shell = ins.json;
          this.shellLine = ins.line;
          this.shellUser = this.state.config.user;
        }
        return this.step(ins, () => `shell ${this.state.config.shell.join(' ')}`);
      case 'ENTRYPOINT':
      case 'CMD': return this.command(ins);
      case 'EXPOSE':
        this.state.config.exposedPorts.push(...expandWords(ins.args, this.vars, this.df.escape));
        if (this.trace) this.step(ins, () => 'expose');
        return;
      case 'LABEL':
        for (const kv of parseKeyValues(ins.args, this.df.escape, 'LABEL')) {
          this.state.config.labels[this.expand(kv.key)] = this.expand(kv.value ?? '');
        }
        if (this.trace) this.step(ins, () => 'label');
        return;
      default:
        return this.step(ins, () => `${ins.keyword} has no effect on users or files`);
    }
  }

  /** The line of the ARG before the first FROM that declares name (the last such), if any. */
  globalArgLine(name: string): number | undefined {
    let line: number | undefined;
    for (const g of this.df.globalArgs) {
      for (const kv of parseKeyValues(g.args, this.df.escape, 'ARG')) if (kv.key === name) line = g.line;
    }

    return line;
  }

  arg(ins: DfInstruction): void {
    for (const kv of parseKeyValues(ins.args, this.df.escape, 'ARG')) {
      (this.declaredArgs ??= new Set()).add(kv.key);
      const given = this.opts.buildArgs[kv.key];
      const inherited = this.globalArgs.get(kv.key);
      const value = given ?? (kv.value !== null ? this.expand(kv.value) : inherited);
      if (value !== undefined) {
        this.args.set(kv.key, value);
        this.setRunVar(kv.key, value, false);
        this.unsetArgs?.delete(kv.key);
      } else if (!PLATFORM_ARGS.has(kv.key) || this.opts.builder === 'classic') {
        (this.unsetArgs ??= new Map()).set(kv.key, ins.line);
      }
      if (value === undefined && PLATFORM_ARGS.has(kv.key) && this.opts.builder !== 'classic') {
        // BuildKit and buildah fill `ARG TARGETARCH` (and the other platform ARGs) with the
        // platform of the build, which the model does not know: RUN steps see an unknown value,
        // not an empty one. The classic builder leaves them empty.
        (this.platformArgs ??= new Set()).add(kv.key);
      }
    }
    if (this.trace) this.step(ins, () => 'arg');
  }

  env(ins: DfInstruction): void {
    const pairs = parseKeyValues(ins.args, this.df.escape, 'ENV');
    // All values of one ENV see the environment as it was before the instruction.
    const values: string[] = [];
    for (const kv of pairs) values.push(this.expand(kv.value ?? ''));

    if (this.envVars === undefined) {
      this.envVars = new Map(Object.entries(this.state.config.env));
      this.envLines = new Map();
    }
    const envLines = this.envLines!;
    for (let i = 0; i < pairs.length; i++) {
      const k = pairs[i].key;
      // A record ignores a string stored at __proto__ (the setter of Object.prototype); the
      // Maps must too, or the flushed records would gain the key.
      if (k === '__proto__') continue;
      this.envVars.set(k, values[i]);
      this.setRunVar(k, values[i], true);
      envLines.set(k, ins.line);
    }
    if (this.trace) this.step(ins, () => `env ${pairs.map((kv) => kv.key).join(' ')}`);
  }

  user(ins: DfInstruction): void {
    const spec = this.expand(ins.args.trim());
    this.state.config.user = spec;
    this.lines.user = ins.line;
    if (this.trace) this.step(ins, () => `user ${spec}`);
  }

  /** The owner a builder gives to directories it creates for WORKDIR. */
  workdirOwner(): { uid: number; gid: number } {
    // BuildKit and buildah create a missing WORKDIR as the active USER; the classic builder as
    // root (ORACLE-NOTES.md; moby/buildkit dockerfile2llb convert.go dispatchWorkdir).
    if (this.opts.builder === 'classic') return { uid: 0, gid: 0 };
    const { ident } = buildIdentity(this.state);

    return ident ? { uid: ident.uid, gid: ident.gid } : { uid: 0, gid: 0 };
  }

  workdir(ins: DfInstruction): void {
    const path = normalizePath(this.expand(ins.args.trim()), this.state.config.workdir);
    this.state.config.workdir = path;
    this.lines.workdir = ins.line;
    const existing = resolvePath(this.state.fs, path);

    if (!existing.meta) {
      // buildah 1.28 creates the folder only when a later RUN runs in it (measured in the oracle
      // suite); an image whose WORKDIR no step uses lacks the folder until the container starts.
      if (this.opts.builder === 'buildah') {
        this.pendingWorkdir = path;
        this.step(ins, () => `workdir ${path} (created when a RUN uses it)`);
        return;
      }
      const owner = this.workdirOwner();
      const meta = { uid: owner.uid, gid: owner.gid, mode: 0o755, origin: `${this.opts.file}:${ins.line}` };
      const created = mkdirp(this.state.fs, path, meta);
      if (this.trace) this.step(ins, () => `workdir ${path} (created ${created.join(', ')} as ${owner.uid}:${owner.gid})`);
      return;
    }
    if (this.trace) this.step(ins, () => `workdir ${path}`);
  }

  volume(ins: DfInstruction): void {
    const paths = ins.json ?? expandWords(ins.args, this.vars, this.df.escape);

    const unsure: string[] = [];
    const guessed: string[] = [];
    for (const raw of paths) {
      const p = normalizePath(this.expand(raw), this.state.config.workdir);
      if (!this.state.config.volumes.includes(p)) this.state.config.volumes.push(p);
      this.lines.volumes[p] = ins.line;
      // Docker creates the volume path in the image when it is missing (root-owned, 0755).
      const r = resolvePath(this.state.fs, p);
      if (r.meta) continue;
      // Below a folder a step of this build filled with unknown entries (an archive unpacked
      // there), the path may exist already: declaring a VOLUME there suggests it does, and a
      // recursive chown after the fill gave it its owner.
      const filled = r.unknown && r.missingAt !== undefined ? this.state.fs.get(r.missingAt) : undefined;
      const owner = filled?.filled === true ? filled.subtreeOwner : undefined;
      // Or below the destination of a COPY whose source was not read (`COPY . /app`), which
      // may have brought the path.
      const copy = filled?.filled !== true && filled?.partial === true
        ? this.state.assumptions.find((a) => a.id.startsWith('copy-source:') && (a.paths ?? []).some((g) => isUnder(r.missingAt!, g)))
        : undefined;
      mkdirp(this.state.fs, p, { uid: owner?.uid ?? 0, gid: owner?.gid ?? 0, mode: 0o755, origin: owner?.origin ?? `${this.opts.file}:${ins.line}` });
      if (filled?.filled === true) unsure.push(owner ? `${p} is taken as there, owned by ${owner.uid}:${owner.gid} as the recursive chown at line ${owner.origin.slice(owner.origin.lastIndexOf(':') + 1)} left everything below ${r.missingAt}` : `${p} is taken as missing, so VOLUME creates it owned by root with mode 0755`);
      else if (copy !== undefined) unsure.push(`${p} is taken as missing, so VOLUME creates it owned by root with mode 0755, though the COPY at line ${copy.line}, whose source was not read, may have brought it`);
      if (filled?.filled === true || copy !== undefined) guessed.push(p);
    }
    if (unsure.length > 0) {
      this.assume(
        `volume-path:${ins.line}`,
        `VOLUME at line ${ins.line}`,
        `a step of this build put files the model does not know (an archive unpacked, a command it does not follow, a COPY whose source was not read) in the folders above these paths, which may already exist: ${unsure.join('; ')}`,
        'low',
        ins.line,
        guessed,
      );
    }
    this.step(ins, () => `volume ${paths.join(' ')}`);
  }

  command(ins: DfInstruction): void {
    const argv = ins.json ?? [...this.state.config.shell, ins.args];

    if (ins.keyword === 'ENTRYPOINT') {
      this.state.config.entrypoint = argv;
      // Setting ENTRYPOINT drops a CMD inherited from the base (Docker's documented behaviour).
      if (this.lines.cmd === undefined) this.state.config.cmd = null;
      this.lines.entrypoint = ins.line;
    } else {
      this.state.config.cmd = argv;
      this.lines.cmd = ins.line;
    }
    if (this.trace) this.step(ins, () => `${ins.keyword.toLowerCase()} ${argv.join(' ')}`);
  }

  copy(ins: DfInstruction): void {
    const origin = `${this.opts.file}:${ins.line}`;
    // buildah 1.28 (imagebuilder's dispatchers) takes only these flags and stops at any other
    // (--link, --parents, --exclude; measured: copy-flags/*).
    if (this.opts.builder === 'buildah' && ins.flags.some((f) => !(ins.keyword === 'COPY' ? BUILDAH_COPY_FLAGS : BUILDAH_ADD_FLAGS).has(f.name))) {
      this.fail(ins, ins.keyword === 'COPY'
        ? 'COPY only supports the --chmod=<permissions> --chown=<uid:gid> and the --from=<image|stage> flags'
        : 'ADD only supports the --chmod=<permissions> and the --chown=<uid:gid> flag', 'other');
      return;
    }
    const chownSpec = flag(ins, 'chown');
    const chmodSpec = flag(ins, 'chmod');
    let owner: { uid: number; gid: number } | undefined;

    if (chownSpec !== undefined) {
      const r = resolveChown(this.state, this.expand(chownSpec), this.opts.builder);
      if ('error' in r) {
        this.fail(ins, r.error, 'identity');
        return;
      }
      owner = r;
    }

    // The classic builder rejects --chmod outright (moby daemon/builder/dockerfile/dispatchers.go).
    if (chmodSpec !== undefined && this.opts.builder === 'classic') {
      this.fail(ins, 'the --chmod option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled', 'other');
      return;
    }
    const chmodText = chmodSpec !== undefined ? this.expand(chmodSpec) : undefined;
    const chmod = chmodText !== undefined ? parseChmod(chmodText) : undefined;
    // A mode that is not octal: buildah 1.28 stops (measured: copy-flags/chmod-symbolic-buildah);
    // BuildKit refuses one that looks numeric and applies a symbolic one to each copied item's
    // own mode (dockerfile2llb convert_copy.go: mode.Parse, ModeStr; Dockerfile 1.14).
    let symbolic: string | undefined;
    if (chmodText !== undefined && chmod === undefined) {
      const valid = this.opts.builder === 'buildkit' && !/^[0-9]+$/.test(chmodText) && applyMode(chmodText, 0o644, false, 0) !== undefined;
      if (!valid) {
        this.fail(ins, this.opts.builder === 'buildah' ? `Error parsing chmod ${chmodText}` : `invalid chmod parameter: '${chmodText}'. it should be octal string and between 0 and 07777`, 'other');
        return;
      }
      symbolic = chmodText;
      this.assume(`copy-chmod-symbolic:${ins.line}`, `${ins.keyword} --chmod=${chmodText} at line ${ins.line}`, `BuildKit applies a symbolic --chmod to the mode each copied file and folder has (Dockerfile syntax 1.14 and later; an older frontend refuses it with "invalid chmod parameter")`, 'medium', ins.line);
    }
    // The mode an item gets: --chmod's, or a symbolic --chmod applied to the mode it would have.
    const modeOf = (old: number, isDir: boolean): number => chmod ?? (symbolic !== undefined ? applyMode(symbolic, old, isDir, 0) ?? old : old);

    const words = ins.json ?? heredocWordsJoined(ins, expandWords(ins.args, this.vars, this.df.escape));
    const sources = words.slice(0, -1);
    const destRaw = words[words.length - 1] ?? '.';
    // The destination as the builder reaches it: through the symlinks on the way (/bin/ is
    // usr/bin on merged-/usr bases).
    const destWritten = resolveIn(this.state.config.workdir, destRaw);
    const destReached = resolvePath(this.state.fs, destWritten);
    const dest = destReached.loop || destReached.notDir ? destWritten : destReached.path;
    this.guessedFilesAreDirs(dest);
    const fromStage = flag(ins, 'from');
    const srcState = fromStage !== undefined ? this.stageState(fromStage) : undefined;
    const srcTree = srcState ? srcState.fs : this.opts.context;
    // The text of a copied file that matters (sudoers, sshd_config, ...): another stage's known
    // text, or the build context's file through the outer layer's reader.
    // A stage keeps its account files as entries, not as text: write them out again.
    const srcText = (p: string): string | undefined => {
      if (!srcState) return this.opts.readContextText?.(p);
      if (p === '/etc/passwd') return formatPasswd(srcState.accounts.passwd);
      if (p === '/etc/group') return formatGroup(srcState.accounts.group);

      return srcState.texts[p]?.content;
    };
    const wild = sources.some(isWildcard);
    const destExistingDir = resolvePath(this.state.fs, dest).meta?.kind === 'dir';
    const heredocOf = (src: string) => ins.heredocs.find((h) => src === `<<${h.name}` || src === `<<-${h.name}`);
    const isUrl = (src: string) => ins.keyword === 'ADD' && /^(https?|git):\/\/|^git@/.test(src);
    // What each wildcard matches, in the order the builders copy them (Go's filepath.Match
    // over a sorted listing: buildah's copier, BuildKit's fsutil and the classic builder all
    // walk names in lexical order). A wildcard in a folder known only in part (`COPY
    // --from=build /src/dist/*.whl`, the wheel a step the model does not follow built) may match
    // what the listing lacks: an unknown source, not an empty match. Only a folder the model
    // lists in full is judged to hold no match.
    const matchesOf = new Map<string, string[]>();
    for (const src of sources) {
      if (heredocOf(src) || isUrl(src)) continue;
      const srcPath = resolveIn('/', src);
      if (!srcTree || !isWildcard(src)) {
        matchesOf.set(src, [srcPath]);
        continue;
      }
      const found = [...srcTree.keys()]
        .filter((k) => k !== '/' && parentOf(k) === parentOf(srcPath) && globMatch(baseName(srcPath), baseName(k)))
        .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      const dir = resolvePath(srcTree, parentOf(srcPath));
      const unknownDir = dir.meta?.partial === true || (dir.meta === undefined && dir.unknown);
      matchesOf.set(src, found.length === 0 && unknownDir ? [srcPath] : found);
    }
    // How many things the step copies (a folder counts once, as the builders count sources).
    const items = sources.reduce((n, src) => n + (matchesOf.get(src)?.length ?? 1), 0);
    // A trailing slash or `.` makes dest a directory for every builder, and so does a dest that
    // already is one. buildah 1.28 also takes several sources as a directory, while one wildcard
    // matching several files into a dest without a slash leaves dest a file, the last match (by
    // name) written over the others (measured: copy-wildcards/from-stage-into-file,
    // copy-wildcards/context-into-file). BuildKit copies each source in turn to dest as written
    // (dockerfile2llb dispatchCopy makes one copy action per source, with no check on their
    // number), so each file overwrites the one before and the last wins (moby/buildkit#1853,
    // moby/buildkit#4550). The classic builder refuses more than one below.
    const destIsDir = destRaw.endsWith('/') || destRaw === '.' || destRaw === '' || destExistingDir ||
      (this.opts.builder === 'buildah' && sources.length > 1);
    const base = owner ?? { uid: 0, gid: 0 };
    const fromContext = fromStage === undefined;
    // The client zeroes the ids of context files; --from keeps the source's ids. Every copy is
    // a file of its own: two names of one file in a stage are two files after COPY --from
    // (buildah 1.28, measured: links/hardlink-copy-over).
    const mapMeta = (m: FileMeta): FileMeta => {
      const out = withMeta(ownInode(m), {
        uid: owner ? owner.uid : fromContext ? 0 : m.uid,
        gid: owner ? owner.gid : fromContext ? 0 : m.gid,
        mode: modeOf(m.mode, m.kind === 'dir'),
        partial: m.partial,
        origin,
      });
      if (out.unwalked) delete out.unwalked;
      return out;
    };
    // An existing directory keeps its owner and mode when it is the top of the copy; below the
    // top it takes the copied metadata, its listing staying as complete as it was (fsutil
    // copy.go: copyDirectoryOnly overwrites the metadata of every level below the top; measured
    // with buildah in the oracle's copy/into-existing-dirs).
    const put = (path: string, m: FileMeta, below = false) => {
      const cur = this.state.fs.get(path);
      if (cur?.kind === 'dir' && m.kind === 'dir') {
        if (below) this.state.fs.set(path, withMeta(m, { partial: cur.partial || m.partial || undefined }));
        return;
      }
      this.state.fs.set(path, m);
    };
    // The folders COPY makes on the way to its destination: buildah makes them 0755 (measured:
    // copy/chmod-parent-buildah); BuildKit since Docker 28.1 gives them the --chmod mode, less
    // the group and other write bits dockerd's umask takes off (moby/moby#49851,
    // moby/buildkit#6801), where 28.0 and earlier made them 0755.
    const parentMode = chmod === undefined || this.opts.builder === 'buildah' ? 0o755 : chmod & ~0o022;
    const dirMeta = { uid: base.uid, gid: base.gid, mode: parentMode, origin };
    // filled: the source folder holds entries a step the model did not follow put there (a
    // stage's `uv sync`), which come along.
    const ensureDir = (path: string, partial: boolean, filled = false) => {
      mkdirp(this.state.fs, parentOf(path), dirMeta);
      const cur = this.state.fs.get(path);
      if (cur?.kind === 'dir') {
        if ((partial && !cur.partial) || (filled && !cur.filled)) this.state.fs.set(path, withMeta(cur, filled ? { partial: true, filled: true } : { partial: true }));
        return;
      }
      this.state.fs.set(path, { kind: 'dir', uid: base.uid, gid: base.gid, mode: modeOf(0o755, true), partial: partial || undefined, ...(filled ? { filled: true } : {}), origin });
    };

    // A source absent from a context that was read fails the step before anything is copied.
    const missing = fromContext && srcTree ? this.missingSource(ins, sources, srcTree) : undefined;
    if (missing !== undefined) {
      this.fail(ins, missing, 'other');
      this.step(ins, () => `${ins.keyword.toLowerCase()} fails: a source is not in the build context`);
      return;
    }

    if (items === 0) {
      // Every source is a wildcard that matches nothing. buildah 1.28 stops, naming them all
      // (measured: copy-wildcards/from-stage-no-match, copy-wildcards/context-no-match,
      // copy-wildcards/from-stage-two-without-match; a wildcard with no match beside a source
      // that is there copies that source: copy-wildcards/from-stage-no-match-beside-a-match).
      // The classic builder stops too (moby daemon/builder/dockerfile/copy.go
      // getCopyInfosForSourcePaths, wrapped as "COPY failed"; moby/moby#42600). BuildKit lets a
      // wildcard match nothing (dockerfile2llb dispatchCopy: AllowEmptyWildcard; the file
      // backend returns before it makes anything), so the step copies nothing and makes no folder.
      if (this.opts.builder === 'buildah') {
        const named = sources.map((src) => JSON.stringify(resolveIn('/', src))).join(' ');
        this.fail(ins, `checking on sources: copier: stat: [${named}]: no such file or directory`, 'other');
        this.step(ins, () => `${ins.keyword.toLowerCase()} fails: no source matches`);
        return;
      }
      if (this.opts.builder === 'classic') {
        this.fail(ins, `${ins.keyword} failed: no source files were specified`, 'other');
        this.step(ins, () => `${ins.keyword.toLowerCase()} fails: no source matches`);
        return;
      }
      if (this.trace) this.step(ins, () => `${ins.keyword.toLowerCase()} copies nothing: no source matches`);
      return;
    }
    if (this.opts.builder === 'classic' && items > 1 && !destRaw.endsWith('/')) {
      // moby daemon/builder/dockerfile/copy.go createCopyInstruction, after the wildcards are
      // expanded (so `.` counts as a file name here, and one match is fine).
      this.fail(ins, `When using ${ins.keyword} with more than one source file, the destination must be a directory and end with a /`, 'other');
      this.step(ins, () => `${ins.keyword.toLowerCase()} fails: several sources into ${destRaw}`);
      return;
    }

    const made = destIsDir ? dest : parentOf(dest);
    if (chmod !== undefined && parentMode !== 0o755 && !this.state.fs.has(made)) {
      this.assume(
        `copy-chmod-parents:${ins.line}`,
        `the folders COPY --chmod makes at line ${ins.line}`,
        `the folders COPY makes for ${made} are given --chmod's mode less group and other write (${parentMode.toString(8).padStart(4, '0')}), as BuildKit does in Docker 28.1 and later; Docker 28.0 and earlier made them 0755, and a standalone BuildKit keeps the mode as given`,
        'medium',
        ins.line,
        [made],
      );
    }
    mkdirp(this.state.fs, made, dirMeta);

    // A file goes below dest when dest is a directory, or became one earlier in this step (a
    // folder source copied first); else it is written at dest, over what an earlier source put.
    const intoDest = () => destIsDir || this.state.fs.get(dest)?.kind === 'dir';
    let copied = 0;
    let unreadSources = 0;
    const archives: string[] = [];
    let unknownSources = 0;
    // Destinations made from unknown sources: their metadata rest on the copy-source assumption.
    const guessed: string[] = [];
    // What was copied from another stage, source path to destination path.
    const carried: [string, string][] = [];
    for (const src of sources) {
      const heredoc = ins.heredocs.find((h) => src === `<<${h.name}` || src === `<<-${h.name}`);
      if (heredoc) {
        const target = destIsDir ? normalizePath(heredoc.name, dest) : dest;
        // BuildKit expands an unquoted heredoc body but keeps its quotes and escapes, as a shell does.
        const text = heredoc.quoted ? heredoc.content : expandWord(heredoc.content, this.vars, this.df.escape, { rawQuotes: true, rawEscapes: true });
        put(target, { kind: 'file', uid: base.uid, gid: base.gid, mode: modeOf(0o644, false), origin, script: text.startsWith('#!') || undefined });
        this.copiedText(ins, target, text);
        copied += 1;
        continue;
      }

      if (ins.keyword === 'ADD' && /^(https?|git):\/\/|^git@/.test(src)) {
        // A URL download is 0600 (BuildKit source/http); a git source a directory.
        if (/\.git(#.*)?$|^git/.test(src)) ensureDir(dest, true);
        else put(destIsDir ? normalizePath(baseName(src.split('?')[0]), dest) : dest, { kind: 'file', uid: base.uid, gid: base.gid, mode: modeOf(0o600, false), origin });
        copied += 1;
        continue;
      }

      const matches = matchesOf.get(src) ?? [resolveIn('/', src)];

      for (const one of matches) {
        // A source that is a link is followed, for the context and --from alike (BuildKit
        // dockerfile2llb dispatchCopy: FollowSymlinks; the classic builder copies the target
        // too); links below a copied folder stay links.
        const found = srcTree ? resolvePath(srcTree, one) : undefined;
        const m = found?.meta;
        const at = m ? found!.path : one;
        if (!m) {
          // Unknown source: a directory when written as one ('.', 'dir/'), else a regular file.
          unknownSources += 1;
          if (found?.unknown && fromContext) unreadSources += 1;
          const looksDir = /(^|\/)\.\.?$/.test(src) || src.endsWith('/') || /[*?[]/.test(src) ||
            (ins.keyword === 'ADD' && /\.(tar|tgz|tar\.(gz|bz2|xz|zst))$/.test(src));
          const to = intoDest() ? resolveIn(dest, baseName(one)) : dest;
          if (looksDir) {
            ensureDir(dest, true);
            guessed.push(dest);
          } else if (to === dest && this.usedAsFolderLater(ins, to)) {
            // A later step of the stage treats it as a folder (a path below it, mkdir -p, cd,
            // WORKDIR): the copied thing is a folder of unknown contents, not a program. (Into a
            // destination written as a folder, a folder source lands as its contents.)
            ensureDir(to, true);
            guessed.push(to);
          } else {
            // A file another stage made with commands the model does not follow is most often a
            // program that stage built (go build, cargo, pyinstaller): compilers write 0755.
            put(to, { kind: 'file', uid: base.uid, gid: base.gid, mode: modeOf(fromStage !== undefined ? 0o755 : 0o644, false), origin });
            this.copiedText(ins, to, () => undefined);
            // With --chmod the mode is known; the kind (a file, not a folder) is still a guess,
            // and so is what lands below the destination when the source is a folder.
            guessed.push(to);
            if (to !== dest) {
              guessed.push(dest);
              // Into a folder: a source that is a folder itself puts its contents there, by names
              // the model does not know (`COPY superset superset` over an existing folder).
              const d = this.state.fs.get(dest);
              if (d?.kind === 'dir' && d.partial !== true) this.state.fs.set(dest, withMeta(d, { partial: true, filled: true }));
            }
          }
          copied += 1;
          continue;
        }

        if (m.kind === 'dir') {
          // Copying a directory copies its contents into dest (not the directory itself).
          const target = matches.length > 1 || wild ? resolveIn(dest, baseName(one)) : dest;
          carried.push([at, target]);
          ensureDir(target, m.partial === true, m.filled === true);
          for (const p of descendants(srcTree!, at)) {
            const sub = srcTree!.get(p)!;
            // Found only by naming it (.dockerignore keeps a folder above it closed to the walk).
            if (sub.unwalked && !m.unwalked) continue;
            const to = rebase(p, at, target);
            put(to, mapMeta(sub), true);
            if (sub.kind === 'file') this.copiedText(ins, to, () => srcText(p));
            copied += 1;
          }
          // A Python environment (venv, conda) under the copied directory is the same
          // environment at its new path: pyvenv.cfg and bin/python go along with it.
          for (const env of srcState?.pythons ?? []) {
            if (!isUnder(env.binDir, at)) continue;
            const moved = (p: string) => (isUnder(p, at) ? normalizePath(`${target}/${p.slice(at.length)}`) : p);
            const carried = {
              ...env,
              python: moved(env.python),
              sitePackages: moved(env.sitePackages),
              binDir: moved(env.binDir),
            };
            this.state.pythons = [...this.state.pythons.filter((e) => e.binDir !== carried.binDir), carried];
          }
          continue;
        }

        if (ins.keyword === 'ADD' && fromStage === undefined && m.kind === 'file' && ARCHIVE_NAME.test(one)) {
          // ADD unpacks a local tar archive (plain or compressed) into dest, keeping the owners
          // and modes stored in it (BuildKit and buildah; measured: the archive itself is not
          // there afterwards). What it holds is not read here: dest, and every folder below it
          // that it may add to, lists in part, filled by this step.
          ensureDir(dest, true);
          listingsUnknownBelow(this.state.fs, dest);
          archives.push(one.slice(1));
          guessed.push(dest);
          copied += 1;
          continue;
        }
        const to = intoDest() ? resolveIn(dest, baseName(one)) : dest;
        carried.push([at, to]);
        put(to, mapMeta(m));
        if (m.kind === 'file') this.copiedText(ins, to, () => srcText(at));
        copied += 1;
      }
    }
    if (srcState !== undefined && carried.length > 0) this.carryGuesses(srcState, carried);
    if (archives.length > 0) {
      this.assume(
        `add-archive:${ins.line}`,
        `ADD ${archives.join(' ')} at line ${ins.line}`,
        `ADD unpacks the tar archive${archives.length > 1 ? 's' : ''} ${archives.join(', ')} into ${dest}, with the owners and modes stored in ${archives.length > 1 ? 'them' : 'it'}, which uidctl does not read: what lands in ${dest} is not known`,
        'medium',
        ins.line,
        [dest],
      );
    }

    if (unknownSources > 0) {
      this.assume(
        `copy-source:${ins.line}`,
        `${ins.keyword} sources at line ${ins.line}`,
        fromStage !== undefined
          ? `the sources of ${ins.keyword} --from=${fromStage} are not all known; unknown ones are taken as files with mode 0755, as a build writes the programs it makes (directories with unknown contents)`
          : unreadSources > 0
            ? 'a source is in a build context folder that could not be read in full (see context-unreadable); it is taken as a regular file with mode 0644, or a directory holding unknown files'
            : this.opts.file === '-'
              ? 'the Dockerfile came on standard input without --context: `docker build -` sends no context, so this step fails there; for `docker build -f - DIR` the sources are taken as regular files with mode 0644, and directories (".", "dir/") as holding unknown files (give --context DIR to read them)'
              : 'the build context was not read; sources are taken as regular files with mode 0644, and directories (".", "dir/") as holding unknown files',
        // On standard input the build as written (`docker build -`) fails here: say it by default.
        fromStage === undefined && unreadSources === 0 && this.opts.file === '-' ? 'low' : 'medium',
        ins.line,
        guessed,
      );
    }
    // BuildKit links only without --chmod (dockerfile2llb convert_copy.go: `cfg.link && cfg.chmod == ""`).
    const link = flag(ins, 'link');
    if (this.opts.builder === 'buildkit' && link !== undefined && link !== 'false' && chmodSpec === undefined) this.linkParents(ins, intoDest() ? dest : parentOf(dest), dirMeta);
    if (this.trace) this.step(ins, () => `${ins.keyword.toLowerCase()} ${copied} entr${copied === 1 ? 'y' : 'ies'} to ${dest}`);
  }

  /**
   * BuildKit's `--link` copies into an empty layer put over the image: the folders on the way to
   * where the items land are made anew in that layer, as a COPY onto scratch makes them (root or
   * the --chown owner, 0755; with --chmod BuildKit does not link at all), and replace the
   * image's own (BuildKit's Dockerfile reference on `COPY --link`, moby/buildkit#6778;
   * moby/moby#44956: /tmp became 0755; docker/buildx#1855: --chown reaches them too). buildah
   * 1.28 has no --link, so this is not measured here: an assumption names each folder changed.
   */
  linkParents(ins: DfInstruction, into: string, meta: { uid: number; gid: number; mode: number; origin: string }): void {
    const octal = (m: number) => m.toString(8).padStart(4, '0');
    const changed: { path: string; was: string }[] = [];
    for (const p of ancestry(into).slice(1)) {
      const cur = this.state.fs.get(p);
      if (cur?.kind !== 'dir' || (cur.uid === meta.uid && cur.gid === meta.gid && cur.mode === meta.mode)) continue;
      changed.push({ path: p, was: `${cur.uid}:${cur.gid} ${octal(cur.mode)}` });
      this.state.fs.set(p, withMeta(cur, { uid: meta.uid, gid: meta.gid, mode: meta.mode, origin: meta.origin }));
    }
    if (changed.length === 0) return;
    this.assume(
      `copy-link:${ins.line}`,
      `${ins.keyword} --link at line ${ins.line}`,
      `BuildKit makes the folders on the way anew in the linked layer, which replace the image's: ${changed.map((c) => `${c.path} (was ${c.was})`).join(', ')} becomes ${meta.uid}:${meta.gid} ${octal(meta.mode)} (BuildKit's reference on --link; not measured here)`,
      'medium',
      ins.line,
      changed.map((c) => c.path),
    );
  }

  /**
   * The guesses of another stage that the paths COPY --from brings rest on (a file of that
   * stage copied from a build context not read, taken as 0644): they come along, at the paths
   * the copy puts them, so a verdict on the copy still says what it depends on.
   */
  carryGuesses(src: ImageState, pairs: [string, string][]): void {
    for (const x of src.assumptions) {
      if (x.paths === undefined) continue;
      const paths: string[] = [];
      for (const p of x.paths) {
        for (const [from, to] of pairs) {
          // Below a copied path, or above it (a folder of unknown contents the copy reaches into).
          if (isUnder(p, from)) paths.push(rebase(p, from, to));
          else if (isUnder(from, p)) paths.push(to);
        }
      }
      if (paths.length === 0) continue;
      const at = this.state.assumptions.findIndex((y) => y.id === x.id);
      const had = at >= 0 ? this.state.assumptions[at].paths ?? [] : [];
      const merged = Object.assign({}, at >= 0 ? this.state.assumptions[at] : x);
      merged.paths = [...new Set([...had, ...paths])];
      if (at >= 0) this.state.assumptions[at] = merged;
      else this.state.assumptions.push(merged);
    }
  }

  /**
   * The builder's error for the first source missing from a build context that was read: absent
   * from a folder whose listing is complete (a .dockerignored entry is absent too). Wildcards
   * may match nothing (BuildKit: AllowEmptyWildcard), and a folder that could not be read
   * leaves the source unknown.
   */
  missingSource(ins: DfInstruction, sources: string[], tree: FsTree): string | undefined {
    for (const src of sources) {
      if (ins.heredocs.some((h) => src === `<<${h.name}` || src === `<<-${h.name}`)) continue;
      if (ins.keyword === 'ADD' && /^(https?|git):\/\/|^git@/.test(src)) continue;
      if (/[*?[]/.test(src)) continue;
      const path = normalizePath(src, '/');
      const found = resolvePath(tree, path);
      if (found.meta || found.unknown || found.loop) continue;

      // BuildKit: failed to calculate checksum of ref ...: "/x": not found (contenthash);
      // the classic builder: daemon/builder/dockerfile copy.go; buildah's copier stat.
      if (this.opts.builder === 'classic') {
        return `COPY failed: file not found in build context or excluded by .dockerignore: stat ${path.slice(1)}: file does not exist`;
      }
      if (this.opts.builder === 'buildah') {
        // buildah 1.28 filters the glob's matches with .dockerignore: a source that is there
        // but left out is named with the context folder and the file that excluded it.
        const ig = this.opts.contextIgnored;
        if (ig && ig.paths.includes(path)) {
          return `no items matching glob "${ig.dir}${path}" copied (1 filtered out using ${ig.dir}/.dockerignore): no such file or directory`;
        }
        return `checking on sources: copier: stat: "${path}": no such file or directory`;
      }

      return `failed to compute cache key: failed to calculate checksum of ref: "${path}": not found`;
    }

    return undefined;
  }

  /**
   * A file COPY or ADD put at path: when its text is one the model reads (sudoers, sshd_config,
   * Jupyter config, the account files), keep the text, or say that it is not known. content is
   * a string, or a function asked only for such paths (reading a context file costs I/O).
   */
  copiedText(ins: DfInstruction, path: string, content: string | (() => string | undefined)): void {
    const line = ins.line;
    const accounts = path === '/etc/passwd' || path === '/etc/group';
    if (!accounts && !isTrackedText(path)) {
      // An entrypoint script, or a Python project's setup.py (pip reads its console scripts):
      // its text when it can be read, else nothing (no doubt to record: the script is then
      // taken as before, by its name, and pip's install lists in part).
      if (!isProjectText(path) && (this.opts.startScripts === undefined || !this.opts.startScripts.has(baseName(path)))) return;
      const text = typeof content === 'string' ? content : content();
      if (text === undefined) delete this.state.texts[path];
      else this.state.texts[path] = { content: text, line };
      return;
    }
    const text = typeof content === 'string' ? content : content();

    if (text === undefined) {
      delete this.state.texts[path];
      this.state.unknowns.push({ file: this.opts.file, line, command: instructionText(ins), reason: `the text copied to ${path} is not known`, paths: [path] });
    } else if (path === '/etc/passwd') this.state.accounts.passwd = parsePasswd(text);
    else if (path === '/etc/group') this.state.accounts.group = parseGroup(text);
    else this.state.texts[path] = { content: text, line };
    refreshDerived(this.state);
  }

  stageState(ref: string): ImageState {
    const byName = this.stages.find((s) => s.name === ref.toLowerCase());
    const idx = parseId(ref);
    const st = byName ?? (idx !== undefined ? this.stages.find((x) => x.index === idx) : undefined);
    if (st) return st.state;

    return this.opts.resolveBase(ref).state;
  }

  /**
   * A COPY into a path below a file the model only guessed (`COPY ih ./ih` without a context,
   * taken as a file, then `COPY dist ./ih/frontend`): the guess was a folder after all.
   */
  guessedFilesAreDirs(dest: string): void {
    const fs = this.state.fs;
    for (let p = parentOf(dest); p !== '/'; p = parentOf(p)) {
      const m = fs.get(p);
      if (m === undefined || m.kind === 'dir') continue;
      if (m.kind === 'file' && this.state.assumptions.some((a) => a.paths?.includes(p))) {
        fs.set(p, { kind: 'dir', uid: m.uid, gid: m.gid, mode: 0o755, origin: m.origin, partial: true });
      }
      return;
    }
  }

  assume(id: string, subject: string, text: string, confidence: Assumption['confidence'], line?: number, paths?: string[]): void {
    if (this.state.assumptions.some((a) => a.id === id)) return;
    const a: Assumption = { id, subject, text, confidence, file: this.opts.file, line };
    if (paths && paths.length > 0) a.paths = paths;
    this.state.assumptions.push(a);
  }

  runInstruction(ins: DfInstruction): void {
    const who = buildIdentity(this.state);
    if (this.pendingWorkdir && this.pendingWorkdir === this.state.config.workdir && !resolvePath(this.state.fs, this.pendingWorkdir).meta) {
      const owner = who.ident ? { uid: who.ident.uid, gid: who.ident.gid } : { uid: 0, gid: 0 };
      mkdirp(this.state.fs, this.pendingWorkdir, { uid: owner.uid, gid: owner.gid, mode: 0o755, origin: `${this.opts.file}:${ins.line}` });
    }
    this.pendingWorkdir = undefined;

    // The classic builder takes no RUN flag at all (moby daemon/builder/dockerfile/dispatchers.go,
    // dispatchRun): the first one written fails the step.
    if (this.opts.builder === 'classic' && ins.flags.length > 0) {
      this.fail(ins, `the --${ins.flags[0].name} option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled`, 'other');
      this.step(ins, () => `run refused: --${ins.flags[0].name} needs BuildKit`);
      return;
    }

    if (!who.ident) {
      // BuildKit resolves USER when a RUN executes; the build stops here.
      this.fail(ins, who.error!, 'identity');
      this.step(ins, () => `run skipped: ${who.error}`);
      return;
    }

    // The step's process starts in WORKDIR as the USER: a folder it may not enter stops the
    // step before any command runs (runc: chdir to cwd; buildah's chroot: the fork/exec).
    const workdir = this.state.config.workdir;
    if (workdir !== '/' && resolvePath(this.state.fs, workdir).meta?.kind === 'dir') {
      const enter = evaluate(who.ident, { fs: this.state.fs, mounts: [], readOnlyRoot: false }, workdir, 'chdir', false);
      if (!enter.allowed && enter.errno === 'EACCES' && enter.dependsOn.length === 0) {
        const sh = ins.json?.[0] ?? this.state.config.shell[0] ?? '/bin/sh';
        this.fail(ins, this.opts.builder === 'buildah'
          ? `fork/exec ${sh}: permission denied`
          : `runc run failed: unable to start container process: error during container init: chdir to cwd ("${workdir}") set in config.json failed: permission denied`, 'permission');
        const label = who.ident.label ?? `uid ${who.ident.uid}`;
        this.step(ins, () => `run skipped: ${label} may not enter ${workdir}`);
        return;
      }
    }

    const missingShell = ins.json ? undefined : this.missingShell();
    if (missingShell !== undefined) {
      // runc cannot start the step at all; the user's rights have nothing to do with it.
      // A path is stat'ed; a bare name is looked up on PATH (Go's exec.LookPath in runc).
      const why = missingShell.includes('/') ? `stat ${missingShell}: no such file or directory` : 'executable file not found in $PATH';
      this.fail(ins, `runc run failed: unable to start container process: exec: "${missingShell}": ${why}`, 'other');
      const pkg = this.shellPackageFor(missingShell);
      if (pkg !== undefined) this.failures[this.failures.length - 1].shellPackage = pkg;
      this.step(ins, () => `run skipped: no ${missingShell} in the image`);
      return;
    }

    // A SHELL that is not a POSIX shell (Windows images' powershell or cmd): the step's text is
    // in another language, so it is an unknown effect, never read as sh.
    const foreign = ins.json ? undefined : foreignShell(this.state.config.shell);
    if (foreign !== undefined) {
      this.state.unknowns.push({ file: this.opts.file, line: ins.line, command: instructionText(ins).slice(0, 80), reason: `RUN goes through SHELL ${foreign}, whose language the model does not read`, paths: [] });
      this.step(ins, () => `run not followed: SHELL ${foreign}`);
      return;
    }

    // RUN --mount: the mounts are in the tree while the step runs (run-mounts.ts); what the
    // step writes into them is not kept. A mount the builder refuses fails the step.
    const plan = ins.flags.length > 0 ? this.planMounts(ins) : undefined;
    if (plan?.error !== undefined) {
      this.fail(ins, plan.error, 'other');
      this.step(ins, () => `run skipped: ${plan.error}`);
      return;
    }
    // Declared volumes keep no change of a RUN with the classic builder and buildah before 1.37.
    const volumes = this.opts.builder === 'buildkit' ? [] : this.state.config.volumes;
    const saved = volumes.length > 0 ? volumes.map((v) => this.snapshotSubtree(v)) : [];
    const origin = `${this.opts.file}:${ins.line}`;
    const laid = plan && plan.mounts.length > 0 ? layMounts(this.state.fs, plan.mounts, origin) : undefined;
    const script = this.runScriptText(ins);
    // RUN <<EOF whose body starts with #!: BuildKit runs the body as a file, so its #! line
    // picks the interpreter, not SHELL (Dockerfile reference, "Here-Documents"). A shell is
    // followed; another interpreter (python, perl) is not.
    const shebang = ins.heredocs.length > 0 && script === ins.heredocs[0].content && script.startsWith('#!') ? script : undefined;
    const interp = shebang === undefined ? undefined : scriptShell(shebang);
    if (shebang !== undefined && interp === undefined) {
      if (laid) liftMounts(this.state.fs, laid, this.opts.builder);
      const program = /^#!\s*(\S+(?:\s+\S+)?)/.exec(shebang)?.[1] ?? '';
      // What it may have written: its folder, /tmp, and the paths its code names.
      const paths = codePaths(shebang);
      unreadWrites(this.state.fs, this.state.config.workdir, paths);
      this.state.unknowns.push({ file: this.opts.file, line: ins.line, command: `#!${program}`, reason: `the here-document is run by ${program}, which the model does not follow`, paths });
      this.step(ins, () => `run not followed: #!${program}`);
      return;
    }
    // Shared with the walker, which copies it only if the script changes a variable.
    const env = this.runEnv(who.ident.home);

    let outcome: ReturnType<typeof runScript>;
    try {
      outcome = runScript(script, {
        budget: this.budget,
        state: this.state,
        ident: who.ident,
        env,
        cwd: this.state.config.workdir,
        builder: this.opts.builder,
        file: this.opts.file,
        line: ins.line,
        // Shell form runs through SHELL (bash's grammar and messages differ from dash's), a
        // here-document with a #! line through the shell it names.
        shell: ins.json ? undefined : interp !== undefined ? [...interp, '-c'] : this.state.config.shell,
        inexact: this.platformArgs,
        execForm: ins.json !== null,
        mounts: laid ? viewMounts(laid) : undefined,
        startScripts: this.opts.startScripts,
      });
    } catch (e) {
      // Nesting deeper than the interpreter's stack: say so rather than predict a failure.
      if (!(e instanceof RangeError)) throw e;
      this.state.unknowns.push({ file: this.opts.file, line: ins.line, command: script.slice(0, 80), reason: 'the command nests too deeply to analyse', paths: [] });
      outcome = { status: 'unknown', stderr: [] };
    }

    if (laid) liftMounts(this.state.fs, laid, this.opts.builder);
    for (let i = 0; i < volumes.length; i++) this.restoreSubtree(volumes[i], saved[i]);

    if (outcome.status !== 0 && outcome.status !== 'unknown') {
      // A command that fails without a word (`[ "$FLAG" = yes ] && ...` with FLAG unset) is named.
      const quiet = outcome.failedAt?.command ? `\`${outcome.failedAt.command}\` exits ${outcome.status}, which ends the step` : `exit code ${outcome.status}`;
      const msg = (outcome.failedAt?.stderr ?? outcome.stderr).join('\n') || quiet;
      const kind = /permission denied|not permitted|unable to lock|could not open lock/i.test(msg)
        ? 'permission'
        : /(?:user|group|uid|gid)[^\n]*already (?:exists|in use)|not unique|' in use|is currently used by process/i.test(msg)
          ? 'conflict'
          : /no such user|does not exist|unknown user|unknown group|invalid user|invalid group|unable to find/i.test(msg)
            ? 'identity'
            : 'other';
      this.fail(ins, msg, kind, outcome.notExecutable, outcome.failedAt?.cwd);
      const mount = kind === 'permission' && laid ? refusedMount(laid, msg) : undefined;
      if (mount) this.failures[this.failures.length - 1].mount = { type: mount.type, target: mount.target, flag: mount.flag, uid: who.ident.uid, gid: who.ident.gid };
    }
    if (this.trace) {
      const label = who.ident.label;
      const on = laid ? ` with ${laid.map((l) => `${l.mount.type} ${l.path}`).join(', ')} mounted` : '';
      this.step(ins, () => `run as ${label}${on}: exit ${outcome.status}`);
    }
  }

  /**
   * The SHELL program when the image surely lacks it: distroless bases have no /bin/sh (their
   * debug tags keep BusyBox under /busybox only), Chainguard ones have one in -dev tags only.
   * Any other image lacks it when its folder is listed in full without it: `FROM scratch`, or
   * an image read from an archive or a registry. A shell copied in later counts.
   */
  missingShell(): string | undefined {
    const sh = this.state.config.shell[0];
    // SHELL ["conda", "run", "-n", ENV, ...] where no conda is on the image's PATH.
    if (sh !== undefined && !sh.includes('/') && CONDA_TOOLS.has(sh)) {
      return condaNotOnPath(this.state, this.state.config.env.PATH, sh) ? sh : undefined;
    }
    if (sh !== undefined && (this.state.distro === 'alpine' || this.state.distro === 'debian' || this.state.distro === 'ubuntu')) {
      return this.lacksShell(sh) ? sh : undefined;
    }
    if (sh === undefined) return undefined;
    if (this.state.distro !== 'distroless') {
      if (!sh.startsWith('/')) return undefined;
      const r = resolvePath(this.state.fs, sh);
      return r.meta === undefined && !r.unknown && !r.loop && !r.notDir ? sh : undefined;
    }
    if (this.state.assumptions.some((a) => a.id === 'base:chainguard-dev')) return undefined;

    return resolvePath(this.state.fs, sh).meta ? undefined : sh;
  }

  /**
   * The package that brings a shell lacksShell found missing (the first of its packages), for
   * the fix; none for a shell from outside the distribution (pwsh: Microsoft's repository), nor
   * for a SHELL set by an earlier stage.
   */
  shellPackageFor(sh: string): BuildFailure['shellPackage'] {
    // Taken for Alpine by its name alone (busybox:latest has no apk): no apk line for it.
    const alpine = this.state.distro === 'alpine';
    if (alpine && !/alpine/i.test(this.state.base)) return undefined;
    if (!alpine && !(PLAIN_DISTRO.test(this.state.base) && (this.state.distro === 'debian' || this.state.distro === 'ubuntu'))) return undefined;
    const name = baseName(sh);
    const pkg = name === 'pwsh' ? undefined : (alpine ? ALPINE_SHELLS : DEBIAN_SHELLS).get(name)?.[0];
    // A SHELL an earlier stage set: a RUN put before this stage's first would start through it too.
    if (pkg === undefined || this.shellLine === undefined) return undefined;

    return { shell: sh, package: pkg, manager: alpine ? 'apk' : 'apt', shellLine: this.shellLine, user: this.shellUser ?? '' };
  }

  /**
   * A shell the base image does not ship, named by SHELL: on the plain Debian and Ubuntu images
   * (dash as sh, and bash) any other shell (measured: shells/missing-ash-on-debian), on Alpine
   * anything but BusyBox's ash. Each comes in a package: installed, or a file (or link) put at
   * the path, or on PATH for a bare name, it is there. On Debian a step the model did not
   * follow that may have written to those folders leaves it open; on Alpine one that names apk
   * or the shell does (`apk add $PKGS`).
   */
  lacksShell(sh: string): boolean {
    const alpine = this.state.distro === 'alpine';
    if (!alpine && !PLAIN_DISTRO.test(this.state.base)) return false;
    const name = baseName(sh);
    const packages = (alpine ? ALPINE_SHELLS : DEBIAN_SHELLS).get(name);
    if (packages === undefined || packages.some((p) => Object.hasOwn(this.state.packages, p))) return false;
    const bare = !sh.includes('/');
    if (!bare && !/^\/(?:usr\/)?bin\/[^/]+$/.test(sh)) return false;
    // runc looks a bare name up on the image's PATH (Go's exec.LookPath).
    const dirs = bare ? (this.state.config.env.PATH ?? DEFAULT_PATH).split(':').filter((d) => d.startsWith('/')) : [parentOf(sh)];
    // A link put there (`ln -s /bin/bash /usr/bin/zsh`) counts, whatever it points to: the
    // catalog does not list every program its target may be.
    if (dirs.some((d) => resolvePath(this.state.fs, `${d}/${name}`, false).meta)) return false;
    if (alpine) return !this.state.unknowns.some((u) => new RegExp(`\\b(apk|${name})\\b`).test(u.command));

    return absentFromPath(this.state, name, dirs);
  }

  /**
   * The environment of a RUN: ENV, then ARG values ENV does not override, HOME (the user's
   * unless ENV sets it) and PATH. Kept up to date by ENV and ARG rather than rebuilt for every
   * RUN: adding keys one by one is what costs, a spread of the result is cheap.
   */
  runEnv(home: string): ShellEnv {
    if (!this.runBase) {
      const env: ShellEnv = new Map(this.envVars ?? Object.entries(this.state.config.env));
      for (const [k, v] of this.args) if (!env.has(k)) env.set(k, v);
      if (!env.has('HOME')) env.set('HOME', home);
      if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH);
      this.runBase = env;
    }
    if (this.envValue('HOME') === undefined) this.runBase.set('HOME', home);

    return this.runBase;
  }

  /** ENV or ARG set a variable: keep the RUN environment in step. */
  setRunVar(key: string, value: string, fromEnv: boolean): void {
    if (!this.runBase) return;
    if (fromEnv || this.envValue(key) === undefined) this.runBase.set(key, value);
  }

  /** The step's RUN --mount mounts (run-mounts.ts), with the assumptions they rest on. */
  planMounts(ins: DfInstruction): MountPlan | undefined {
    const flags: { raw: string; mount: RunMountFlag }[] = [];
    for (const f of ins.flags) if (f.name === 'mount' && f.value) flags.push({ raw: f.value, mount: parseRunMount(f.value) });
    if (flags.length === 0) return undefined;

    const plan = planRunMounts(flags, {
      builder: this.opts.builder,
      workdir: this.state.config.workdir,
      expand: (t) => this.expand(t),
      context: this.opts.context,
      fromTree: (ref) => this.fromTree(ref),
      origin: `${this.opts.file}:${ins.line}`,
      line: ins.line,
    });
    for (const a of plan.assumptions) this.assume(a.id, a.subject, a.text, a.confidence, a.line, a.paths);

    return plan;
  }

  /**
   * The files of `RUN --mount=...,from=REF`: an earlier stage, or an image the base resolver
   * knows beyond a generic guess; undefined otherwise (a named build context, say).
   */
  fromTree(ref: string): FsTree | undefined {
    const idx = parseId(ref);
    const st = this.stages.find((s) => s.name === ref.toLowerCase()) ?? (idx !== undefined ? this.stages.find((s) => s.index === idx) : undefined);
    if (st) return st.state.fs;
    const r = this.opts.resolveBase(ref);

    return r.matched === 'generic' ? undefined : r.state.fs;
  }

  runScriptText(ins: DfInstruction): string {
    if (ins.json) {
      // Exec form: no shell, argv as written. Quote each word for the shell parser.
      return ins.json.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
    }
    if (ins.heredocs.length === 0) return ins.args;

    // RUN <<EOF ... : the first heredoc is the script itself when the line is only the marker.
    const first = ins.heredocs[0];
    if (/^<<(?:-|\s*)["']?\w+["']?$/.test(ins.args.trim())) return first.content;

    // Each body keeps its own line endings (the last included), then its delimiter line.
    return `${ins.args}\n${ins.heredocs.map((h) => `${h.content}${h.name}`).join('\n')}\n`;
  }

  snapshotSubtree(path: string): [string, FileMeta][] {
    return [path, ...descendants(this.state.fs, path)].flatMap((p) => {
      const m = this.state.fs.get(p);

      return m ? [[p, m] as [string, FileMeta]] : [];
    });
  }

  restoreSubtree(path: string, entries: [string, FileMeta][]): void {
    for (const p of descendants(this.state.fs, path)) this.state.fs.delete(p);
    for (const [p, m] of entries) this.state.fs.set(p, m);
  }
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Names of the local archives ADD unpacks (it tells them by content; the name stands in). */
const ARCHIVE_NAME = /\.(tar|tgz|tbz2?|txz|tzst|tar\.(gz|bz2|xz|zst))$/;

function stageIndex(df: Dockerfile, target: string | undefined): number {
  if (target === undefined) return df.stages.length - 1;
  const byName = df.stages.findIndex((s) => s.name === target.toLowerCase());
  if (byName >= 0) return byName;
  const n = parseId(target);
  if (n !== undefined && n >= 0 && n < df.stages.length) return n;

  return -1;
}

export class TargetError extends Error {}

/** A Dockerfile BuildKit refuses before running any step (bad base, stage cycle), with its line. */
export class StageError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

/**
 * Stages that copy from each other in a loop: BuildKit's dockerfile2llb refuses the file
 * ("circular dependency detected on stage: NAME"; an unnamed stage is stage-N there). Only
 * COPY --from makes an edge: a FROM names an earlier stage or an image, never the stage itself
 * (`FROM debian AS debian` builds from the image), since a stage's name is registered after its
 * base is looked up. As hasCircularDependency (validations.go), stages are tried in file order
 * and the one a loop is first reached from is named, at the line of its COPY on the way.
 */
function checkStageCycles(df: Dockerfile): void {
  // Most files copy from no stage: then there is nothing to look for.
  if (!df.stages.some((st) => st.instructions.some(copiesFromStage))) return;

  const byRef = (ref: string): number | undefined => {
    const named = df.stages.findIndex((s) => s.name === ref.toLowerCase());
    if (named >= 0) return named;
    const n = /^\d+$/.test(ref) ? Number(ref) : undefined;

    return n !== undefined && n < df.stages.length ? n : undefined;
  };
  const deps = df.stages.map((st) => st.instructions.flatMap((ins) => {
    const from = ins.keyword === 'COPY' ? flag(ins, 'from') : undefined;
    const to = from !== undefined ? byRef(from) : undefined;

    return to !== undefined ? [{ to, line: ins.line }] : [];
  }));

  // Depth-first from each stage; reaching a stage already on the path closes a loop. A stage
  // once explored without finding one leads to none (clean), whichever stage it is reached from.
  const clean = new Set<number>();
  const loops = (at: number, path: Set<number>): boolean => {
    if (clean.has(at)) return false;
    path.add(at);
    for (const d of deps[at]) if (path.has(d.to) || loops(d.to, path)) return true;
    path.delete(at);
    clean.add(at);

    return false;
  };
  for (const [i, st] of df.stages.entries()) {
    for (const d of deps[i]) {
      if (d.to !== i && !loops(d.to, new Set([i]))) continue;
      throw new StageError(`circular dependency detected on stage: ${st.name ?? `stage-${st.index}`}`, d.line);
    }
  }
}

/** A RUN --mount value BuildKit's frontend refuses fails the whole file before any step. */
function checkRunMounts(df: Dockerfile): void {
  for (const st of df.stages) {
    for (const ins of st.instructions) {
      if (ins.keyword !== 'RUN' || ins.flags.length === 0) continue;
      for (const f of ins.flags) {
        const why = f.name === 'mount' && f.value ? mountError(f.value) : undefined;
        if (why !== undefined) throw new StageError(why, ins.line);
      }
    }
  }
}

function copiesFromStage(ins: DfInstruction): boolean {
  return ins.keyword === 'COPY' && ins.flags.length > 0 && flag(ins, 'from') !== undefined;
}

/**
 * The stages a build of the target runs: the target, the stage its FROM names, the stages its
 * COPY --from and RUN --mount from= name, and theirs in turn. BuildKit and buildah (whose
 * --skip-unused-stages is on by default) build only these; the classic builder builds every
 * stage up to the target. A reference whose value cannot be told (an ARG of the stage) keeps
 * every earlier stage.
 */
function neededStages(df: Dockerfile, last: number, vars: (name: string) => string | undefined): Set<number> {
  // A word the builder would refuse (${X:?}) is refused at its own step: here it names no stage.
  const expand = (word: string, globalOnly = false): string => {
    // A value from a variable may come from an ARG of the stage, which only its steps know;
    // FROM sees the global ARGs alone.
    if (!globalOnly && word.includes('$')) return '$';
    try {
      return expandWord(word, vars, df.escape);
    } catch (e) {
      if (e instanceof ExpandError) return '$';
      throw e;
    }
  };
  const byRef = (ref: string, before: number): number | 'all' | undefined => {
    if (ref.includes('$')) return 'all';
    const named = df.stages.findIndex((s) => s.name === ref.toLowerCase());
    if (named >= 0) return named;
    const n = /^\d+$/.test(ref) ? Number(ref) : undefined;

    return n !== undefined && n < before ? n : undefined;
  };
  const out = new Set<number>();
  const todo = [last];
  while (todo.length > 0) {
    const i = todo.pop()!;
    if (out.has(i)) continue;
    out.add(i);
    const st = df.stages[i];
    const refs: string[] = [];
    const base = expand(splitRawWords(st.from.args, df.escape)[0] ?? '', true);
    // FROM names an earlier stage only (a stage's name is registered after its base is read).
    const parent = df.stages.findIndex((s) => s.index < i && s.name === base.toLowerCase());
    if (parent >= 0) todo.push(parent);
    for (const ins of st.instructions) {
      if (ins.flags.length === 0) continue;
      if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        const from = flag(ins, 'from');
        if (from !== undefined) refs.push(expand(from));
      } else if (ins.keyword === 'RUN') {
        for (const f of ins.flags) {
          const m = f.name === 'mount' && f.value ? /(?:^|,)from=([^,]+)/.exec(f.value) : null;
          if (m) refs.push(expand(m[1]));
        }
      }
    }
    for (const ref of refs) {
      const to = byRef(ref, i);
      if (to === 'all') for (let k = 0; k < i; k++) todo.push(k);
      else if (to !== undefined && to !== i) todo.push(to);
    }
  }

  return out;
}

/** Simulate the build up to the target stage. */
export function simulate(df: Dockerfile, opts: SimulateOptions): SimulationResult {
  // One budget for the scripts of every stage (the options object keeps the shape it came in).
  const budget = opts.budget ?? workBudget();
  const globalArgs = new Map<string, string>();
  const globalVars = (n: string) => globalArgs.get(n);

  for (const ins of df.globalArgs) {
    for (const kv of parseKeyValues(ins.args, df.escape, 'ARG')) {
      const v = opts.buildArgs[kv.key] ?? (kv.value !== null ? expandWord(kv.value, globalVars, df.escape) : undefined);
      if (v !== undefined) globalArgs.set(kv.key, v);
    }
  }

  const last = stageIndex(df, opts.target);
  if (last < 0) {
    const names = df.stages.map((s) => s.name ?? String(s.index));
    throw new TargetError(`target stage '${opts.target}' not found (stages: ${names.join(', ')})`);
  }

  checkStageCycles(df);
  if (opts.builder === 'buildkit') checkRunMounts(df);
  const stages: StageResult[] = [];
  const assumptions: Assumption[] = [];

  const needed = opts.builder === 'classic' || last === 0 ? undefined : neededStages(df, last, globalVars);
  for (const stage of df.stages.slice(0, last + 1)) {
    if (needed !== undefined && !needed.has(stage.index)) continue;
    // The base is the first word, expanded alone: an empty value must not let `AS` move up.
    const written = splitRawWords(stage.from.args, df.escape)[0] ?? '';
    const ref = expandWords(written, globalVars, df.escape)[0] ?? '';
    // An unset or empty ARG in FROM: BuildKit stops ("base name (${BASE}) should not be blank").
    if (ref === '') throw new StageError(`base name (${written}) should not be blank`, stage.from.line);
    const parent = stages.find((s) => s.name === ref.toLowerCase());
    let base: ImageState;
    let baseInfo: StageResult['base'];

    if (parent) {
      base = cloneState(parent.state);
      baseInfo = { stage: parent.index };
    } else {
      // resolveBase hands out a state the caller owns (the catalog and bases.ts copy theirs).
      const r = opts.resolveBase(ref);
      base = r.state;
      baseInfo = r;
      for (const a of r.assumptions) {
        const inList = assumptions.some((x) => x.id === a.id);
        const inBase = base.assumptions.some((x) => x.id === a.id);
        // The catalog's states already hold their assumptions: most of the time neither is new.
        if (inList && inBase) continue;
        // Not a spread with new keys: that costs as much as copying the base (see copyRecord).
        const withLine: Assumption = Object.assign({}, a);
        withLine.file = opts.file;
        withLine.line = stage.from.line;
        if (!inList) assumptions.push(withLine);
        if (!inBase) base.assumptions.push(withLine);
      }
    }

    const sim = new StageSimulator(df, stage, opts, stages, base, globalArgs, parent ? new Map(parent.accountLines) : undefined);
    sim.budget = budget;
    sim.run();
    stages.push({
      index: stage.index,
      name: stage.name,
      baseRef: ref,
      base: baseInfo,
      state: sim.state,
      failures: sim.failures,
      lines: sim.lines,
      steps: sim.steps,
      accountLines: sim.accountLines,
      ...(sim.globalOnlyArgs !== undefined ? { globalOnlyArgs: sim.globalOnlyArgs } : {}),
    });
  }

  const target = stages[stages.length - 1];
  for (const a of target.state.assumptions) if (!assumptions.some((x) => x.id === a.id)) assumptions.push(a);

  const failures: BuildFailure[] = [];
  for (const s of stages) failures.push(...s.failures);

  return { stages, target, failures, assumptions };
}

/**
 * A use of name as a folder in an instruction's text: a path below it, or the operand of
 * `mkdir` or `cd` (the words between them stay in one command: `mkdir -p /home/user && chmod
 * a+x /e.sh` does not make /e.sh a folder). A relative name must start a word (`./` allowed),
 * so /srv/docs is no use of docs.
 */
/**
 * A `# syntax=` frontend that reads blanks after `<<` (Dockerfile frontend 1.15, BuildKit
 * v0.22): the moving tags `1` and `1-labs`, or a version 1.15 and later.
 */
function recentFrontend(syntax: string | undefined): boolean {
  const m = /^(?:docker\.io\/)?docker\/dockerfile(?:-upstream)?:(\d+)(?:\.(\d+))?(?:\.\d+)?(?:-labs)?$/.exec(syntax?.trim() ?? '');
  if (m === null) return false;

  return m[2] === undefined ? Number(m[1]) >= 1 : Number(m[1]) > 1 || Number(m[2]) >= 15;
}

/**
 * COPY's words with `<< EOF` as one (`<<EOF`), as BuildKit's lexer keeps the blanks after `<<`
 * in that word (see DfHeredoc.spaced).
 */
function heredocWordsJoined(ins: DfInstruction, words: string[]): string[] {
  if (!ins.heredocs.some((h) => h.spaced)) return words;
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (/^\d*<<$/.test(words[i]) && i + 1 < words.length) out.push(words[i] + words[++i]);
    else out.push(words[i]);
  }

  return out;
}

/** Whether a shell script's text assigns name (`NAME=`, `export NAME=`, `for NAME`, `read ... NAME`). */
function setsShellVariable(text: string, name: string): boolean {
  return new RegExp(`(?:^|[\\s;&|(])(?:(?:export|local|readonly|declare)\\s+(?:-\\S+\\s+)*)?${name}\\+?=|\\bfor\\s+${name}\\b|\\bread\\b[^;&|\\n]*\\s${name}\\b`).test(text);
}

/** Docker's predefined ARGs (Dockerfile reference, "Predefined ARGs"): usable with no ARG line. */
const PROXY_ARGS = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);

/** A variable reference in an instruction's text: ${NAME} or $NAME. */
const VAR_REF = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

function folderUse(name: string, relative: boolean): RegExp {
  const key = relative ? `./${name}` : name;
  let re = FOLDER_USES.get(key);
  if (re === undefined) {
    if (FOLDER_USES.size > 5_000) FOLDER_USES.clear();
    FOLDER_USES.set(key, (re = folderUseOf(name, relative)));
  }

  return re;
}

/** The patterns folderUse made, by name (`./name` for a relative one): names repeat across files. */
const FOLDER_USES = new Map<string, RegExp>();

function folderUseOf(name: string, relative: boolean): RegExp {
  const quoted = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const word = relative ? `(?<=^|[\\s"'=])(?:\\./)?${quoted}` : quoted;

  return new RegExp(`${word}/|(?:\\bmkdir\\s+(?:-\\S+\\s+)*|\\bcd\\s+)(?:[^\\s;&|]+\\s+)*?${word}(?=[\\s;&|)"']|$)`);
}

/** A Map as a plain record; a loop of stores is about five times as fast as Object.fromEntries. */
function recordOf<V>(map: Map<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [k, v] of map) out[k] = v;

  return out;
}

/** The flags buildah 1.28 takes on COPY and on ADD (imagebuilder dispatchers.go). */
const BUILDAH_COPY_FLAGS = new Set(['chmod', 'chown', 'from']);
const BUILDAH_ADD_FLAGS = new Set(['chmod', 'chown']);

/**
 * Shells the plain Debian and Ubuntu images lack, with the packages that bring each (Debian 12:
 * ksh93 comes with ksh, csh also with tcsh, pwsh with Microsoft's powershell).
 */
const DEBIAN_SHELLS = new Map<string, readonly string[]>([
  ['ash', ['ash']], ['zsh', ['zsh']], ['ksh', ['ksh', 'ksh93u+m', 'mksh']], ['ksh93', ['ksh', 'ksh93u+m']], ['mksh', ['mksh']],
  ['fish', ['fish']], ['tcsh', ['tcsh']], ['csh', ['csh', 'tcsh']], ['yash', ['yash']], ['posh', ['posh']],
  ['busybox', ['busybox', 'busybox-static']], ['pwsh', ['powershell']],
]);

/** Shells Alpine's base lacks (it has BusyBox's ash as sh), with the apk packages that bring each. */
const ALPINE_SHELLS = new Map<string, readonly string[]>([
  ['bash', ['bash']], ['zsh', ['zsh']], ['fish', ['fish']], ['dash', ['dash']], ['mksh', ['mksh']], ['ksh', ['loksh', 'oksh', 'mksh']],
  ['tcsh', ['tcsh']], ['yash', ['yash']],
]);

/** The SHELL program when it is not a POSIX shell the interpreter reads (powershell, pwsh, cmd). */
function foreignShell(shell: readonly string[]): string | undefined {
  const prog = shell[0] ?? '';
  // Nearly every image keeps the default: no name to take apart.
  if (prog === '/bin/sh' || prog === '/bin/bash') return undefined;
  const name = prog.slice(Math.max(prog.lastIndexOf('/'), prog.lastIndexOf('\\')) + 1).toLowerCase();

  return /^(powershell|pwsh|cmd)(\.exe)?$/.test(name) ? prog : undefined;
}
