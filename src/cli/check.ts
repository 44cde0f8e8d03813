// `uidctl check`: read the inputs (Dockerfiles, the run command, host folders, config), call the
// pure analysis, print a report and choose the exit code.

import { existsSync, readFileSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import type { Io } from './io.js';
import { parseBuildArgs, parseFlags, type ParsedFlags } from './args.js';
import { InputError, UsageError, errnoWords, inputErrorOf, oneLine } from './errors.js';
import { fileKind, readText } from './read-text.js';
import { checkedPlatform } from './platform.js';
import { hostFactsFor, hostOwnerReader, readHostFacts } from './host-facts.js';
import { VERSION } from '../version.js';
import { analyze, DockerfileSyntaxError, type Analysis, type Engine, type Profile } from '../analyze.js';
import type { Builder } from '../shell/context.js';
import type { Assumption, HostPathFacts, RunContext, Severity } from '../model/types.js';
import { parseDockerRun, runFileShell, type Invoker } from '../runtime/docker.js';
import type { ComposeBuild } from '../runtime/compose.js';
import { RunParseError } from '../runtime/errors.js';
import { runRules, findRule } from '../rules/registry.js';
import { applySuppressions, ignoreCommentWarnings, readSuppressions } from '../rules/suppress.js';
import type { Reported } from '../report/json.js';
import { reportPiece, reportSink, type ReportFormat, type ReportPiece } from '../report/sink.js';
import type { TextOptions } from '../report/text.js';
import { checkInWorkers, type WorkerSetup } from './pool.js';
import { loadConfig, type Config } from './config.js';
import { ExpandError } from '../dockerfile/expand.js';
import { ValueTooLong } from '../shell/words.js';
import { readContextFor } from './build-context.js';
import { realInvoker } from './invoker.js';
import { envFileReader, sourceFileReader } from './env-file.js';
import { composeVariables } from './compose-env.js';
import { checkBaseArchives, fromRefs, parseBaseArchives, resolveBases, unmatchedArchiveRefs, type BaseOptions, type BaseSource } from './bases.js';
import { referenceError, stageNameError } from './reference.js';
import { withFileErrors, type FileError } from './file-errors.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import type { Dockerfile } from '../dockerfile/types.js';
import { TargetError, type BaseResolution } from '../build/simulate.js';
import { resolveBase as catalogResolve } from '../image/catalog/index.js';

const HELP = `Usage: uidctl check [FILE|DIR ...] [options]

Predicts who the container runs as and what it can read, write and create, for each Dockerfile
(default ./Dockerfile, else ./Containerfile; a folder means every Dockerfile/Containerfile in it).

How it runs:
  --run TEXT            a docker/podman run command line, verbatim ('docker run -u $(id -u) -v ...')
  --run-file FILE       the same, read from a file (a script holding the run command)
  --compose FILE        a Compose file; --service NAME picks the service (default: the only one).
                        With no Dockerfile given, the service's build section names it (context,
                        dockerfile, args, target). Its variables come from the environment, then
                        the .env file next to it. Repeatable: the files are merged in order, as
                        docker compose -f A -f B does. One compose.yaml (or compose.yml,
                        docker-compose.yml, docker-compose.yaml) is read with the
                        compose.override.yml/.yaml (docker-compose.override.*) next to it, as
                        docker compose reads them when it finds them itself (a note says so)
  --no-compose-override do not read that override file (as docker compose -f compose.yaml)
  --compose-env-file FILE
                        with --compose: read these variables instead of that .env, as
                        docker compose --env-file does (repeatable; the environment still wins).
                        Not named --env-file: Node 20 takes that option for itself
  --k8s FILE            a Kubernetes manifest (Pod, Deployment, Job, ...); --container NAME (or
                        WORKLOAD/NAME) picks one; default as kubectl: the default-container
                        annotation, else the first container (with a note on stderr)
  --host-facts FILE     describe host folders (owner, mode) instead of reading them with stat
  --engine ENGINE       docker (default) or podman
  --path PATH           also report verdicts for this container path (repeatable)

Build:
  --builder BUILDER     buildkit (default), classic or buildah
  --build-arg K=V       as docker build --build-arg (repeatable)
  --target STAGE        stop at this stage
  --context DIR         the build context (default: the Dockerfile's folder); read for modes only
  --no-context          do not read the build context (COPY sources are then assumed)
  --stdin-filename PATH the name the Dockerfile read from - is reported under (text, JSON,
                        SARIF), as eslint's option: the repository path it has, so code
                        scanning places its findings (default: - in text and JSON, stdin in SARIF)

Base images:
  --base-from SOURCE    auto (default), archive, engine, registry or catalog: where FROM images
                        are read from; auto = a given archive, else the Docker engine when its
                        socket is there, else the catalog. registry pulls over the network.
  --base-archive [REF=]FILE  the image for FROM REF (docker save or OCI archive/folder)
  --platform OS/ARCH    which image of a multi-platform index (default: this machine's)
  --no-cache            do not use or fill the image cache (~/.cache/uidctl/images)

Report:
  --format FORMAT       text (default), json or sarif
  --profile PROFILE     prod (default) or dev: decides what is an error and what a warning
  --fail-on LEVEL       error (default), warning, info or never: exit 1 when a finding is at or above it
  --config FILE         config file (default: .uidctl.yaml in the current folder, when present)
  --no-config           ignore config files
  --verbose             list assumptions and unmodelled commands; show docs links
  --no-color            plain text even on a terminal (NO_COLOR is respected too)
  --debug               trace the simulation step by step; stack traces on errors
  --jobs N              check a folder in N worker threads (default: one per 100 files and
                        two CPUs, at most 4; 1 = in the main thread). Bases other than the
                        catalog's (archives, engine, registry) are read in the main thread only
`;

const OPTIONS = {
  run: { type: 'string' },
  'run-file': { type: 'string' },
  compose: { type: 'string', multiple: true },
  'no-compose-override': { type: 'boolean' },
  service: { type: 'string' },
  'compose-env-file': { type: 'string', multiple: true },
  // Node 20 reads --env-file even after the script name (nodejs/node#54232): refused with a
  // pointer to the option that reaches uidctl.
  'env-file': { type: 'string', multiple: true },
  k8s: { type: 'string' },
  container: { type: 'string' },
  'host-facts': { type: 'string' },
  engine: { type: 'string' },
  path: { type: 'string', multiple: true },
  builder: { type: 'string' },
  'build-arg': { type: 'string', multiple: true },
  target: { type: 'string' },
  context: { type: 'string' },
  'base-from': { type: 'string' },
  'base-archive': { type: 'string', multiple: true },
  platform: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'no-context': { type: 'boolean' },
  'stdin-filename': { type: 'string' },
  format: { type: 'string' },
  profile: { type: 'string' },
  'fail-on': { type: 'string' },
  config: { type: 'string' },
  'no-config': { type: 'boolean' },
  verbose: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  jobs: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got '${value}')`);
  }

  return value as T;
}

/** A setting from its flag, else from the config file (whose errors name the file and line). */
function setting<T extends string>(
  flag: string, key: keyof Config, flagValue: string | undefined, cfg: Config, allowed: readonly T[], fallback: T,
): T {
  const value = cfg[key];
  if (flagValue !== undefined || typeof value !== 'string') return oneOf(flag, flagValue, allowed, fallback);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(`${key} must be one of ${allowed.join(', ')} (got '${value}')`, cfg.file, cfg.lines?.get(key));
  }

  return value as T;
}

const DOCKERFILE_NAME = /^(Dockerfile|Containerfile)(\..+)?$|\.(Dockerfile|Containerfile)$/i;
// Files named after a Dockerfile that are not one: BuildKit's per-Dockerfile ignore file
// (Dockerfile.dockerignore), notes, templates and editor or patch leftovers.
const NOT_A_DOCKERFILE = /\.(dockerignore|md|txt|rst|json|ya?ml|sh|j2|jinja2?|tmpl|tpl|template|erb|in|orig|bak|rej|swp|patch|diff)$/i;

function isDockerfileName(name: string): boolean {
  return DOCKERFILE_NAME.test(name) && !NOT_A_DOCKERFILE.test(name);
}
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.cache', '.venv', 'venv']);

/**
 * A folder that could not be listed, or a file named like a Dockerfile that could not be read
 * or is not checked (why: not a regular file, a link out of the folder given).
 */
interface Skipped {
  path: string;
  code?: string;
  file?: boolean;
  why?: string;
}

/**
 * Dockerfiles below dir; folders that cannot be listed are skipped and named in skipped.
 * Symlinked folders are followed once: `seen` holds the real path of every folder walked, so a
 * link back up the tree (or a second link to the same folder) is not walked again.
 */
function findDockerfiles(dir: string, out: string[], skipped: Skipped[], real: string, seen: Set<string>, root: string): string[] {
  if (seen.has(real)) return out;
  seen.add(real);
  let entries: Dirent[];
  try {
    // The listing's types spare a stat per entry; only symlinks are followed with one.
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    skipped.push({ path: dir, code: (e as NodeJS.ErrnoException).code });
    return out;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  for (const entry of entries) {
    const name = entry.name;
    const p = join(dir, name);
    let isDir = entry.isDirectory();
    let realDir = isDir ? join(real, name) : '';
    if (entry.isSymbolicLink()) {
      let st: Stats;
      try {
        st = statSync(p);
        isDir = st.isDirectory();
        if (isDir) realDir = realpathSync(p);
      } catch (e) {
        // A dangling symlink named like a Dockerfile is one docker build would fail on: say so.
        if (isDockerfileName(name)) skipped.push({ path: p, code: (e as NodeJS.ErrnoException).code, file: true });
        continue;
      }
      if (!isDir && isDockerfileName(name)) {
        // A link to a file out of the folder given (or out of the linked folder it is in) is
        // not followed: a folder's Dockerfiles are its own, and /etc/passwd's lines are not
        // to be quoted in errors.
        let target: string;
        try {
          target = realpathSync(p);
        } catch (e) {
          skipped.push({ path: p, code: (e as NodeJS.ErrnoException).code, file: true });
          continue;
        }
        if (!st.isFile()) {
          skipped.push({ path: p, file: true, why: `a symlink to ${fileKind(st)}, not a regular file; not checked` });
          continue;
        }
        if (!isUnderDir(target, root) && !isUnderDir(target, real)) {
          skipped.push({ path: p, file: true, why: 'a symlink to a file outside the folder given; not followed' });
          continue;
        }
      }
    } else if (!isDir && !entry.isFile() && isDockerfileName(name)) {
      // A FIFO, a device or a socket of that name would block or never end: not read.
      skipped.push({ path: p, file: true, why: `${fileKind(entry)}, not a regular file; not checked` });
      continue;
    }
    if (isDir) {
      if (!SKIP_DIRS.has(name)) findDockerfiles(p, out, skipped, realDir, seen, root);
    } else if (isDockerfileName(name)) out.push(p);
  }

  return out;
}

/** Whether path is dir or below it (both real paths). */
function isUnderDir(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/**
 * The Dockerfile `uidctl check` reads with no argument: ./Dockerfile, else ./Containerfile (the
 * default name of podman build and buildah, which take a Dockerfile too; docker build reads
 * Dockerfile only); with neither, Dockerfile, whose absence the error names.
 */
function defaultDockerfile(cwd: string): string {
  for (const name of ['Dockerfile', 'Containerfile']) {
    if (statSync(resolve(cwd, name), { throwIfNoEntry: false }) !== undefined) return name;
  }

  return 'Dockerfile';
}

/** The real path of a file, or undefined when it has none (missing, not readable). */
function realPathOf(abs: string): string | undefined {
  try {
    return realpathSync(abs);
  } catch {
    return undefined;
  }
}

/** The files to check, and whether a folder was given (then each file stands alone). */
function expandInputs(inputs: string[], cwd: string, io: Io): { files: string[]; folder: boolean } {
  if (inputs.length === 0) inputs = [defaultDockerfile(cwd)];
  const files: string[] = [];
  let folder = false;

  if (inputs.filter((i) => i === '-').length > 1) throw new UsageError('standard input (-) can be read only once');
  for (const input of inputs) {
    // `-` is the Dockerfile on standard input, as for `docker build -`.
    if (input === '-') {
      files.push(input);
      continue;
    }
    // resolve() would turn an empty name into the working folder.
    if (input === '') throw new InputError('no such file or folder', "''");
    const abs = resolve(cwd, input);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // One of several: reading it fails later with a line of its own, and the others are
      // checked, as for an unreadable file inside a folder.
      if (inputs.length > 1) {
        files.push(input);
        continue;
      }
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError('no such file or folder', input);
      // A folder on the way that this user may not search (mode 0700 of another owner).
      throw new InputError(`cannot read ${input}: ${errnoWords(code)}`);
    }
    if (st.isDirectory()) {
      folder = true;
      const skipped: Skipped[] = [];
      const rootReal = realpathSync(abs);
      const found = findDockerfiles(abs, [], skipped, rootReal, new Set(), rootReal);
      // The folder given cannot be listed at all: an error, not a warning and an empty folder.
      if (skipped.length === 1 && skipped[0].path === abs) {
        throw new InputError(`cannot list ${input}: ${errnoWords(skipped[0].code)}`);
      }
      for (const d of skipped) {
        const where = relative(cwd, d.path) || d.path;
        io.err(oneLine(d.why !== undefined
          ? `uidctl: warning: skipped ${where}: ${d.why}`
          : d.file
            ? `uidctl: warning: cannot read ${where} (${d.code}): ${d.code === 'ENOENT' ? 'a symlink whose target is missing' : 'a symlink that cannot be followed'}; not checked`
            : `uidctl: warning: cannot list ${where} (${d.code}): its Dockerfiles are not checked`) + '\n');
      }
      if (found.length === 0) {
        const where = skipped.some((d) => !d.file) ? 'in the parts of this folder that could be listed' : 'in this folder';
        throw new InputError(`no Dockerfile or Containerfile ${where}`, input);
      }
      // Named as the folder was: relative to here, or absolute.
      files.push(...found.map((f) => (isAbsolute(input) ? f : relative(cwd, f) || f)));
    } else files.push(input);
  }

  // A file given twice, or also found in a folder given (`check ./a.Dockerfile .`), or reached
  // through two links, is checked and counted once, where it first comes.
  if (files.length > 1) {
    const seen = new Set<string>();
    const once: string[] = [];
    for (const f of files) {
      const real = f === '-' ? '-' : realPathOf(resolve(cwd, f)) ?? `missing:${resolve(cwd, f)}`;
      if (seen.has(real)) continue;
      seen.add(real);
      once.push(f);
    }
    return { files: once, folder };
  }

  return { files, folder };
}

function severityAtLeast(s: Severity, level: Severity): boolean {
  const rank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

  return rank[s] >= rank[level];
}

function configSeverities(cfg: Config): Record<string, Severity | 'off'> {
  const out: Record<string, Severity | 'off'> = {};

  for (const [key, value] of Object.entries(cfg.rules ?? {})) {
    const rule = findRule(key);
    if (!rule) throw new InputError(`unknown rule '${key}' in rules`, cfg.file, cfg.lines?.get(`rules.${key}`));
    out[rule.id] = value;
  }
  for (const key of cfg.ignore ?? []) {
    const rule = findRule(key);
    if (!rule) throw new InputError(`unknown rule '${key}' in ignore`, cfg.file, cfg.lines?.get('ignore'));
    out[rule.id] = 'off';
  }

  return out;
}

function trace(a: Analysis, io: Io): void {
  // A folder's traces follow one another: each starts by naming its file.
  io.err(`debug: file ${a.file}\n`);
  for (const st of a.sim.stages) {
    io.err(`debug: stage ${st.name ?? st.index} FROM ${st.baseRef}\n`);
    for (const s of st.steps) io.err(`debug:   line ${s.line} ${s.keyword}: ${s.summary}\n`);
  }
  for (const n of a.runtime.notes) io.err(`debug: runtime: ${n.text}\n`);
}

/** The names docker compose looks for (compose-go cli/options.go DefaultFileNames). */
const COMPOSE_DEFAULT_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
/** Its override files next to them, in its order of preference (DefaultOverrideFileNames). */
const COMPOSE_OVERRIDE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/**
 * The Compose files to read: those given, and, for one file with a default name, the override
 * file next to it, as `docker compose` reads both when it finds compose.yaml itself
 * (docs.docker.com "Merge Compose files": "By default, Compose reads two files, a compose.yaml
 * and an optional compose.override.yaml file"). Several override names there: the first in
 * compose-go's order, with its warning.
 */
function composeFiles(given: string[], noOverride: boolean, cwd: string, io: Io): { files: string[]; override?: string } {
  if (given.length !== 1 || noOverride || given[0] === '-' || !COMPOSE_DEFAULT_NAMES.includes(basename(given[0]))) return { files: given };
  const dir = dirname(given[0]);
  const found = COMPOSE_OVERRIDE_NAMES.map((n) => (dir === '.' ? n : join(dir, n))).filter((f) => statSync(resolve(cwd, f), { throwIfNoEntry: false })?.isFile());
  if (found.length === 0) return { files: given };
  if (found.length > 1) io.err(`uidctl: warning: found multiple override files with supported names: ${found.join(', ')}; using ${found[0]}\n`);

  return { files: [given[0], found[0]], override: found[0] };
}

/** The RunContext of one Compose service (with its build section) or one Kubernetes container. */
async function orchestratedRun(v: { compose?: string[]; k8s?: string; service?: string; container?: string; 'compose-env-file'?: string[]; 'no-compose-override'?: boolean }, invoker: Invoker, io: Io): Promise<{ run: RunContext; build?: ComposeBuild; where: string }> {
  if (v.compose !== undefined && v.container !== undefined) throw new UsageError('--container goes with --k8s; a Compose service is picked with --service');
  if (v.k8s !== undefined && v.service !== undefined) throw new UsageError('--service goes with --compose; a Kubernetes container is picked with --container');
  if (v.compose !== undefined) {
    const { files, override } = composeFiles(v.compose, v['no-compose-override'] === true, io.cwd, io);
    const texts = files.map((f) => ({ file: f, text: readText(f, io.cwd, 'Compose file', io) }));
    const file = files[0];
    try {
      const { parseComposeFiles } = await import('../runtime/compose.js');
      // Paths come back absolute from the (maybe described) invoker's folder: read them from
      // the same place relative to where uidctl runs.
      const local = (p: string) => {
        const rel = relative(invoker.cwd, p);
        return rel.startsWith('..') || isAbsolute(rel) ? p : rel || '.';
      };
      const read = envFileReader(io.cwd, file);
      const readEnvFile = (p: string) => read(local(p));
      // extends.file: the other Compose file's text, undefined when it does not exist.
      const readComposeFile = (p: string) => {
        try {
          return readFileSync(resolve(io.cwd, local(p)), 'utf8');
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
          throw new InputError(`cannot read Compose file ${p}: ${errnoWords(code)}`, file);
        }
      };
      // The shell environment over the project's .env (or --compose-env-file), as Compose interpolates.
      const vars = composeVariables(file, v['compose-env-file'], { ...io.env } as Record<string, string>, io.cwd);
      for (const w of vars.warnings) io.err(`uidctl: warning: ${w.file}: ${w.text}\n`);
      const { services, fileWarnings } = parseComposeFiles(texts, { invoker, env: vars.env, file, readEnvFile, readComposeFile });
      // What Compose itself warns of when it reads the file (an unset variable becomes blank).
      for (const w of new Set(fileWarnings.map((x) => `${x.file ?? file}: ${x.text}`))) io.err(`uidctl: warning: ${w}\n`);
      const names = Object.keys(services);
      const shown = files.join(' + ');
      if (names.length === 0) throw new InputError('the Compose file defines no services', file);
      const name = v.service ?? (names.length === 1 ? names[0] : undefined);
      if (!name) throw new UsageError(`${shown} has ${names.length} services (${names.join(', ')}): pick one with --service`);
      if (!Object.hasOwn(services, name)) throw new UsageError(`no service '${name}' in ${shown} (it has ${names.join(', ')})`);
      const { build, ...run } = services[name];
      if (override !== undefined) {
        const text = `${override} is read after ${file} and merged over it, as docker compose does when it finds ${basename(file)} itself; docker compose -f ${file} would not read it (--no-compose-override)`;
        io.err(`uidctl: note: ${text}\n`);
        run.assumptions = [...(run.assumptions ?? []), { id: 'compose-override', subject: override, text, confidence: 'high', file: override }];
      }
      return { run, build, where: `services.${name}` };
    } catch (e) {
      if (e instanceof RunParseError) throw inputErrorOf(e, file);
      throw e;
    }
  }
  const file = v.k8s!;
  const text = readText(file, io.cwd, 'Kubernetes manifest', io);
  try {
    const { readKubernetes, selectContainer } = await import('../runtime/kubernetes.js');
    const manifest = readKubernetes(text, { file, invoker });
    const others = manifest.workloads.length === 0 ? manifest.otherKinds : [];
    const choice = selectContainer(manifest.containers, file, v.container, others);
    if ('error' in choice) throw new UsageError(choice.error);
    if (choice.note) io.err(`uidctl: note: ${choice.note}\n`);
    return { run: choice.run, where: choice.run.origin.text };
  } catch (e) {
    if (e instanceof RunParseError) throw inputErrorOf(e, file);
    throw e;
  }
}

/** Whether two paths name the same file (symlinks followed); their text when one is missing. */
function sameFile(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };

  return real(a) === real(b);
}

/** The Dockerfile, context, build args and target a Compose service's build section names. */
function composeBuildInputs(build: ComposeBuild | undefined, where: string, composeFile: string, cwd: string, invokerCwd: string) {
  if (!build) return undefined;
  if (build.inline !== undefined) {
    throw new UsageError(`${composeFile}: ${where}.build.dockerfile_inline: save the Dockerfile as a file and give its path`);
  }
  if (build.remote) {
    throw new UsageError(`${composeFile}: ${where}.build.context is a remote URL (${build.context}): give the Dockerfile and --context`);
  }

  // The run side resolved the context against the invoker's folder (which --host-facts may
  // describe for another machine); the build is read here, next to the Compose file.
  const described = dirname(resolve(invokerCwd, composeFile));
  const real = dirname(resolve(cwd, composeFile));
  const rel = relative(described, build.context);
  const context = rel.startsWith('..') || isAbsolute(rel) ? build.context : resolve(real, rel);
  // build.dockerfile is relative to the context (Compose Build Specification).
  const abs = resolve(context, build.dockerfile);
  return { file: relative(cwd, abs) || abs, context, args: build.args, target: build.target, targetAt: build.targetAt };
}

/** Read the real base images the Dockerfile names, when asked or available. */
async function basesFor(df: Dockerfile, file: string, buildArgs: Record<string, string>, opts: BaseOptions, io: Io): Promise<(ref: string) => BaseResolution> {
  if (opts.from === 'catalog' || (opts.from === 'auto' && opts.archives.size === 0 && !opts.engineReachable)) {
    return catalogResolve;
  }
  if (df.errors.length > 0) return catalogResolve;
  try {
    return await resolveBases(fromRefs(df, buildArgs).filter((r) => referenceError(r) === undefined), opts, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError) throw e;
    throw new InputError((e as Error).message, file);
  }
}

function dockerSocketExists(): boolean {
  return statSync('/var/run/docker.sock', { throwIfNoEntry: false })?.isSocket() === true;
}

/** The flags check takes, and the values they parse to (`uidctl fix` reads the same inputs). */
export const CHECK_OPTIONS = OPTIONS;
export type CheckValues = ParsedFlags<typeof OPTIONS>['values'];

/** The inputs of a check, read and resolved from its flags and config, before any file is analysed. */
export interface PreparedCheck {
  one: CheckOne;
  files: string[];
  folder: boolean;
  format: ReportFormat;
  failOn: Severity | 'never';
  textOptions: TextOptions;
  baseOpts: BaseOptions;
  imageOnly?: string;
}

/**
 * Read the config, the run (--run, --compose, --k8s), the host facts and the build inputs the
 * flags name, and list the Dockerfiles to check. Bad input throws a UsageError or InputError.
 */
export async function prepareCheck(v: CheckValues, positionals: string[], io: Io): Promise<PreparedCheck> {
  const parsed = { positionals };
  const cfg: Config = v['no-config'] ? {} : await loadConfig(io.cwd, v.config);
  const format = setting('format', 'format', v.format, cfg, ['text', 'json', 'sarif'] as const, 'text');
  const profile = setting<Profile>('profile', 'profile', v.profile, cfg, ['dev', 'prod'], 'prod');
  const failOn = setting('fail-on', 'failOn', v['fail-on'], cfg, ['error', 'warning', 'info', 'never'] as const, 'error');
  const builder = setting<Builder>('builder', 'builder', v.builder, cfg, ['buildkit', 'classic', 'buildah'], 'buildkit');
  const engine = setting<Engine>('engine', 'engine', v.engine, cfg, ['docker', 'podman'], 'docker');
  // A container path is absolute: `--path data` would silently become /data.
  for (const p of v.path ?? []) {
    if (!p.startsWith('/')) throw new UsageError(`--path must be an absolute path in the container (got '${p}')`);
  }
  const runSources = [v.run, v['run-file'], v.compose, v.k8s].filter((x) => x !== undefined).length;
  if (runSources > 1) throw new UsageError('give one of --run, --run-file, --compose and --k8s');
  // A run line names its own env files (`docker run --env-file`); this one is Compose's.
  if (v['env-file'] !== undefined) {
    throw new UsageError('--env-file is not an option of uidctl: Node 20 reads --env-file itself (nodejs/node#54232), loading the file into the environment; use --compose-env-file FILE');
  }
  if (v['compose-env-file'] !== undefined && v.compose === undefined) throw new UsageError('--compose-env-file goes with --compose (a docker run line gives its own --env-file)');
  // A picker with nothing to pick from would be ignored without a word.
  if (v.service !== undefined && v.compose === undefined && v.k8s === undefined) throw new UsageError('--service goes with --compose: it picks a service of the Compose file');
  if (v.container !== undefined && v.k8s === undefined && v.compose === undefined) throw new UsageError('--container goes with --k8s: it picks a container of the Kubernetes manifest');
  if (v['no-compose-override'] !== undefined && v.compose === undefined) throw new UsageError('--no-compose-override goes with --compose');

  const cliBuildArgs = parseBuildArgs(v['build-arg'], io.env);
  const severity = configSeverities(cfg);

  let host: HostPathFacts[] = [];
  let invoker = realInvoker(io);
  const factsFile = v['host-facts'] !== undefined;
  if (v['host-facts'] !== undefined) {
    const facts = await readHostFacts(v['host-facts'], io);
    host = facts.paths;
    if (facts.invoker) invoker = facts.invoker;
  }

  let run: RunContext | undefined;
  let composeBuild: ReturnType<typeof composeBuildInputs>;
  // The build section of the service, for a Dockerfile named on the command line that it builds.
  let serviceBuild: ReturnType<typeof composeBuildInputs>;
  let imageOnly: string | undefined;
  const runText = v.run ?? (v['run-file'] !== undefined ? readText(v['run-file'], io.cwd, 'run file', io) : undefined);
  if (runText !== undefined) {
    // A shell would stop reading the line at a NUL byte; the run line is refused instead.
    const nul = runText.indexOf('\0');
    if (nul >= 0) throw new InputError('a NUL byte in the run command', v['run-file'] ?? '--run', runText.slice(0, nul).split('\n').length);
    try {
      const readEnvFile = envFileReader(io.cwd, v['run-file'] ?? '--run');
      const readSourceFile = sourceFileReader(io.cwd, v['run-file']);
      const statHost = await hostOwnerReader(host, factsFile);
      const parsedRun = parseDockerRun(runText, { invoker, env: { ...io.env, HOME: invoker.home, PWD: invoker.cwd } as Record<string, string>, file: v['run-file'], readEnvFile, readSourceFile, statHost,
        // A run file runs under the shell its #! line names (dash has no $UID); --run text is
        // typed in the invoker's interactive shell, taken as bash.
        shell: v['run-file'] !== undefined ? runFileShell(runText) : undefined });
      if (parsedRun.note) io.err(`uidctl: note: ${parsedRun.note}\n`);
      // What the shell would have done differently, or could not be told ($NAME unset, $(cmd)).
      for (const w of parsedRun.warnings) io.err(`uidctl: warning: ${v['run-file'] ?? '--run'}: ${w}\n`);
      run = parsedRun;
    } catch (e) {
      // An inline --run is one command: a line number in it says nothing.
      if (e instanceof RunParseError) throw inputErrorOf(v['run-file'] ? e : { detail: e.detail, file: e.file }, v['run-file'] ?? '--run');
      // A variable doubled line after line: the run line is refused rather than half read.
      if (e instanceof ValueTooLong) throw new InputError(`${e.message}, longer than uidctl follows in a run command`, v['run-file'] ?? '--run');
      throw e;
    }
    // The docker CLI refuses a bad image reference before it starts anything.
    const bad = run.image !== undefined && !run.image.includes('$') ? referenceError(run.image) : undefined;
    if (bad) throw new InputError(`docker: ${bad}`, v['run-file'] ?? '--run');
    ({ run, host } = await hostFactsFor(run, host, factsFile));
  } else if (v.compose !== undefined || v.k8s !== undefined) {
    const picked = await orchestratedRun(v, invoker, io);
    run = picked.run;
    // No Dockerfile given: the service's own build section says which one, as compose build does.
    if (v.compose !== undefined && parsed.positionals.length === 0) composeBuild = composeBuildInputs(picked.build, picked.where, v.compose[0], io.cwd, invoker.cwd);
    // A Dockerfile named as well: the one the service builds gets its build section's args and
    // target, as docker compose build gives them; another one is checked without them, and
    // the report says so.
    if (v.compose !== undefined && parsed.positionals.length > 0 && picked.build) {
      const b = picked.build;
      const named = b.inline === undefined && !b.remote ? composeBuildInputs(b, picked.where, v.compose[0], io.cwd, invoker.cwd) : undefined;
      if (named && parsed.positionals.length === 1 && sameFile(resolve(io.cwd, parsed.positionals[0]), resolve(io.cwd, named.file))) {
        serviceBuild = named;
      } else {
        const builds = named ? named.file : b.inline !== undefined ? 'its dockerfile_inline' : b.context;
        const args = Object.keys(b.args);
        const what = [args.length > 0 ? `build args ${args.join(', ')}` : '', b.target !== undefined ? `target ${b.target}` : ''].filter(Boolean).join(' and ');
        const text = `${picked.where} builds ${builds}, not ${parsed.positionals.join(', ')}: the Dockerfile given is checked without the service's build section${what ? ` (${what} not applied)` : ''}`;
        io.err(`uidctl: note: ${text}\n`);
        run.assumptions = [...(run.assumptions ?? []), { id: 'compose-build-not-applied', subject: picked.where, text, confidence: 'medium', file: v.compose[0] }];
      }
    }
    // No build section either: the service runs its image as it is, so that image is analysed
    // (a one-line Dockerfile naming it), not a ./Dockerfile the service never uses.
    // Neither: Compose itself refuses the service (compose-go's loader).
    if (v.compose !== undefined && !picked.build && run.image === undefined) {
      throw new InputError(`service ${picked.where.replace(/^services\./, '')} has neither an image nor a build context specified: invalid compose project`, v.compose[0], run.origin.line);
    }
    if (v.compose !== undefined && parsed.positionals.length === 0 && !picked.build && run.image !== undefined) {
      imageOnly = imageOnlyDockerfile(run.image, run.origin.line);
      io.err(`uidctl: note: ${picked.where} has no build section: the image it runs (${run.image}) is analysed, as if built from \`FROM ${run.image}\`\n`);
    }
    // A Kubernetes manifest names no build: with no Dockerfile given and none in this folder
    // (where `uidctl check` would look for one), the container's image is analysed as it is,
    // as for a Compose service with only image:. A ./Dockerfile is still the one checked.
    if (v.k8s !== undefined && parsed.positionals.length === 0 && run.image === undefined && !existsSync(resolve(io.cwd, 'Dockerfile'))) {
      throw new InputError(`${run.origin.text} has no image (the API server refuses it: image: Required value), and no Dockerfile is given: name the Dockerfile its image is built from`, v.k8s, run.origin.line);
    }
    if (v.k8s !== undefined && parsed.positionals.length === 0 && run.image !== undefined && !existsSync(resolve(io.cwd, 'Dockerfile'))) {
      imageOnly = imageOnlyDockerfile(run.image, run.origin.line);
      io.err(`uidctl: note: no Dockerfile given and none in this folder: the image ${run.origin.text} runs (${run.image}) is analysed, as if built from \`FROM ${run.image}\`\n`);
    }
    ({ run, host } = await hostFactsFor(run, host, factsFile));
  }

  const { files, folder } = composeBuild
    ? { files: [composeBuild.file], folder: false }
    : imageOnly !== undefined ? { files: [v.compose?.[0] ?? v.k8s!], folder: false } : expandInputs(parsed.positionals, io.cwd, io);
  // Precedence as docker compose build: the compose file's args, then --build-arg.
  const applied = composeBuild ?? serviceBuild;
  const buildArgs = { ...(cfg.buildArgs ?? {}), ...(applied?.args ?? {}), ...cliBuildArgs };
  const target = v.target ?? applied?.target;
  if (v.context !== undefined && v['no-context']) throw new UsageError(`--context ${v.context} and --no-context contradict each other: give one (--no-context reads no build context)`);
  const contextFlag = v.context ?? (applied ? relative(io.cwd, applied.context) || '.' : undefined);
  const stdinName = v['stdin-filename'];
  if (stdinName !== undefined && !files.includes('-')) throw new UsageError('--stdin-filename names the Dockerfile read from standard input: give - as well');
  if (stdinName === '' || stdinName === '-') throw new UsageError(`--stdin-filename needs a file name (got '${stdinName}')`);

  const baseOpts: BaseOptions = {
    from: oneOf<BaseSource>('base-from', v['base-from'], ['auto', 'archive', 'engine', 'registry', 'catalog'], 'auto'),
    archives: parseBaseArchives(v['base-archive']),
    platform: checkedPlatform(v.platform),
    noCache: v['no-cache'] === true,
    // Looked at once per run, not once per file of a folder.
    engineReachable: Boolean(io.env.DOCKER_HOST) || dockerSocketExists(),
  };
  checkBaseArchives(baseOpts.archives, io.cwd);

  const textOptions = { color: io.isTTY && !v['no-color'] && !io.env.NO_COLOR, verbose: v.verbose === true };
  // A folder or several files: a bad file is reported and the others still checked (as linters do).
  const perFile = folder || files.length > 1;
  if (run?.tool === 'podman' && (v.engine ?? cfg.engine) === 'docker') {
    io.err('uidctl: note: the run line starts podman: it is judged with podman\'s behaviour, not --engine docker\n');
  }
  // A target the Compose file names is reported at its line there, not as a flag's.
  const targetAt = v.target === undefined ? applied?.targetAt : undefined;
  const one: CheckOne = { builder, engine, profile, buildArgs, target, targetAt, run, host, baseOpts, severity, perFile, contextFlag, stdinName, v, text: imageOnly };

  return { one, files, folder, format, failOn, textOptions, baseOpts, imageOnly };
}

export default async function check(args: string[], io: Io): Promise<number> {
  const parsed = parseFlags(args, OPTIONS, { once: ['run', 'run-file'] });
  const v = parsed.values;
  if (v.help) {
    io.out(HELP);
    return 0;
  }

  const { one, files, format, failOn, textOptions, baseOpts, imageOnly } = await prepareCheck(v, parsed.positionals, io);
  const report = reportSink(format, { text: textOptions, version: VERSION, root: io.cwd, sarif: { profile: one.profile, severity: one.severity } });
  let failing = false;
  const errors: FileError[] = [];
  const fromRefsSeen = new Set<string>();
  const perFile = one.perFile;
  const paintProgress = io.errIsTTY && files.length > 3;
  const shape: OutcomeShape = { format, text: textOptions, failOn };

  let done = 0;
  const take = (o: FileOutcome, err: string) => {
    done++;
    if (paintProgress && (err !== '' || o.error)) io.err('\r'.padEnd(61) + '\r');
    if (err !== '') io.err(err);
    if (o.error) {
      io.err(`uidctl check: ${o.message}\n`);
      errors.push(o.error);
    } else {
      for (const ref of o.fromRefs) fromRefsSeen.add(ref);
      report.addPiece(o.piece);
      failing ||= o.failing;
    }
  };
  const jobs = jobsFor(v.jobs, files.length, perFile && imageOnly === undefined && catalogOnly(baseOpts) && io.workerEntry !== undefined);
  if (jobs > 1) {
    const setup: WorkerSetup = { one, shape, cwd: io.cwd, env: { ...io.env } };
    await checkInWorkers(io.workerEntry!, files, jobs, setup, take, (file) => {
      if (paintProgress) io.err(`\rchecking ${done + 1}/${files.length} ${oneLine(basename(file))}`.padEnd(60));
    }, (file, why) => notChecked(file, `uidctl could not check it: ${why}`));
  } else {
    for (const [i, file] of files.entries()) {
      if (paintProgress) io.err(`\rchecking ${i + 1}/${files.length} ${oneLine(basename(file))}`.padEnd(60));
      take(await checkReduced(file, one, io, shape), '');
    }
  }
  if (paintProgress) io.err('\r'.padEnd(61) + '\r');

  for (const ref of unmatchedArchiveRefs(baseOpts.archives, fromRefsSeen)) {
    io.err(`uidctl: warning: --base-archive ${ref}=${baseOpts.archives.get(ref)}: no FROM names ${ref}; it was not used\n`);
  }

  const rendered = report.finish();
  if (format !== 'text') io.out(withFileErrors(rendered, errors, format, io.cwd));
  else if (rendered !== '') io.out(rendered);

  // A file that could not be checked wins over findings: exit 2, as for a single bad file.
  if (errors.length > 0) return 2;

  return failing ? 1 : 0;
}

/** How each file is reduced: the report's format and text options, and the --fail-on level. */
export interface OutcomeShape {
  format: ReportFormat;
  text: TextOptions;
  failOn: Severity | 'never';
}

/** One file of a run, reduced to what the report, the warnings and the exit code need. */
export type FileOutcome =
  | { error?: undefined; piece: ReportPiece; failing: boolean; fromRefs: string[] }
  | { error: FileError; message: string };

/**
 * Check one file and keep only what the run needs of it. A bad file of a folder is an outcome;
 * alone, its InputError is thrown (exit 2 with its one line).
 */
export async function checkReduced(file: string, one: CheckOne, io: Io, shape: OutcomeShape): Promise<FileOutcome> {
  try {
    const r = await checkFile(file, one, io);
    const fromRefs: string[] = [];
    for (const st of r.analysis.sim.stages) if (!('stage' in st.base)) fromRefs.push(st.baseRef);
    const failOn = shape.failOn;

    return {
      piece: reportPiece(r, shape.format, shape.text),
      failing: failOn !== 'never' && r.findings.some((f) => severityAtLeast(f.severity, failOn)),
      fromRefs,
    };
  } catch (e) {
    if (!one.perFile || e instanceof UsageError) throw e;
    if (e instanceof InputError) return { error: { file: e.file ?? file, line: e.line ?? null, message: e.detail }, message: oneLine(e.message) };
    // A fault of the model on one file of many is that file's error: the others are still
    // checked and reported (the stack goes to stderr with --debug).
    const x = e instanceof Error ? e : new Error(String(e));
    if (one.v.debug && x.stack) io.err(`${x.stack}\n`);
    const why = x instanceof RangeError && /call stack/.test(x.message) ? 'it nests deeper than uidctl can follow' : `internal error: ${x.message}`;
    return notChecked(file, `uidctl could not check it: ${why} (a bug in uidctl: please report it with this file's check run alone with --debug)`);
  }
}

/** The outcome of a file of a folder run that could not be checked at all. */
export function notChecked(file: string, message: string): FileOutcome {
  return { error: { file, line: null, message }, message: oneLine(`${file}: ${message}`) };
}

/** Every base comes from the catalog: nothing to pull, cache or ask an engine, in any thread. */
function catalogOnly(opts: BaseOptions): boolean {
  return opts.from === 'catalog' || (opts.from === 'auto' && opts.archives.size === 0 && !opts.engineReachable);
}

/**
 * How many worker threads check a folder. Each worker warms up its own compiled code: V8's
 * optimizing compiler works on a thread of its own beside it, and a folder of 1,000 files took
 * about 1 s more CPU time in two workers than in one thread. On two CPUs two workers were
 * slower than one thread (1.5 s against 1.15 s), so by default a worker needs two CPUs and 100
 * files, and there are at most four.
 */
function jobsFor(flag: string | undefined, files: number, possible: boolean): number {
  let jobs: number;
  if (flag !== undefined) {
    if (!/^[1-9][0-9]*$/.test(flag)) throw new UsageError(`--jobs must be a whole number of at least 1 (got '${flag}')`);
    // More threads than CPUs only add warm-ups and memory (each worker has its own heap).
    jobs = Math.min(Number(flag), 2 * availableParallelism());
  } else jobs = Math.min(Math.floor(availableParallelism() / 2), 4, Math.floor(files / 100));

  return possible ? Math.max(1, Math.min(jobs, files)) : 1;
}

export interface CheckOne {
  builder: Builder;
  engine: Engine;
  profile: Profile;
  buildArgs: Record<string, string>;
  target?: string;
  /** Where the Compose file names the target, when it does (not --target). */
  targetAt?: { file?: string; line?: number };
  run?: RunContext;
  host: HostPathFacts[];
  baseOpts: BaseOptions;
  severity: Record<string, Severity | 'off'>;
  perFile: boolean;
  contextFlag?: string;
  /** --stdin-filename: the name the Dockerfile read from `-` is reported under. */
  stdinName?: string;
  v: { 'no-context'?: boolean; path?: string[]; debug?: boolean };
  /** The Dockerfile's text when there is no file to read (a Compose service with only image:). */
  text?: string;
}

/**
 * `FROM image` with its line where the service is in the Compose file, so findings point there.
 * Nothing is copied, so no build context is read.
 */
function imageOnlyDockerfile(image: string, line: number | undefined): string {
  return `${'\n'.repeat(Math.max(0, (line ?? 1) - 1))}FROM ${image}\n`;
}

/** One Dockerfile read, with its bases and build context, ready to be analysed. */
export interface FileAnalyser {
  /** The name it is reported under. */
  file: string;
  text: string;
  /**
   * Analyse and filter this text as the Dockerfile's (the text read, or an edited one), with
   * the same bases, context and run; bad input throws an InputError naming the file.
   */
  analyse(text: string): Reported;
}

/** Read one Dockerfile and what its analysis needs (bases, build context), once. */
export async function fileAnalyser(input: string, o: CheckOne, io: Io): Promise<FileAnalyser> {
  const text = o.text ?? readText(input, io.cwd, 'Dockerfile', io);
  // Read from `-`, named as --stdin-filename says in every report and message; the build
  // context is still that of standard input (none unless --context).
  const file = input === '-' && o.stdinName !== undefined ? o.stdinName : input;
  // Parsed once: the bases, the context roots and the analysis all start from it.
  const first = parseDockerfile(text);
  const resolveBase = await basesFor(first, file, o.buildArgs, o.baseOpts, io);
  // A Compose service with only image: has no build context.
  const ctx = readContextFor(input, first, { builder: o.builder, noContext: o.v['no-context'] || o.text !== undefined, contextFlag: o.contextFlag, cwd: io.cwd });

  const analyse = (given: string): Reported => {
    const parsed = given === text ? first : parseDockerfile(given);
    let analysis: Analysis;
    try {
      analysis = analyze({
        file, text: given, parsed, builder: o.builder, engine: o.engine, profile: o.profile, buildArgs: o.buildArgs, target: o.target,
        run: o.run, host: o.host, paths: o.v.path, context: ctx.context, resolveBase, trace: o.v.debug === true,
        readContextText: ctx.readContextText, contextIgnored: ctx.contextIgnored,
      });
    } catch (e) {
      if (e instanceof DockerfileSyntaxError) throw new InputError(e.message, e.file, e.line);
      if (e instanceof ExpandError) throw new InputError(e.message, file);
      // One file of many lacking the stage is that file's problem; alone, a usage error as before.
      if (e instanceof TargetError && o.targetAt?.file !== undefined) {
        throw new InputError(`${e.message}, which build.target names for ${file}`, o.targetAt.file, o.targetAt.line);
      }
      if (e instanceof TargetError) throw o.perFile ? new InputError(e.message, file) : new UsageError(e.message);
      throw e;
    }
    refuseBadReferences(analysis, file);

    const extra = ctx.assumption;
    if (extra) analysis.assumptions.push(extra);
    const rerun = Object.keys(o.severity).length > 0 || extra !== undefined;
    const findings = rerun ? runRules(analysis, { severity: o.severity }) : analysis.findings;
    const { kept } = applySuppressions(findings, readSuppressions(given, parsed));

    return { analysis, findings: kept };
  };

  return { file, text, analyse };
}

/** Read, analyse and filter one Dockerfile; bad input throws an InputError naming it. */
async function checkFile(input: string, o: CheckOne, io: Io): Promise<Reported> {
  const { file, text, analyse } = await fileAnalyser(input, o, io);
  const reported = analyse(text);

  if (o.v.debug) trace(reported.analysis, io);
  warnIgnoreComments(file, text, io);

  return reported;
}

/** Ignore comments that ignore nothing (no rule, not one, or where no comment is), on stderr. */
export function warnIgnoreComments(file: string, text: string, io: Io): void {
  for (const w of ignoreCommentWarnings(readSuppressions(text))) io.err(`${oneLine(`uidctl: warning: ${file}:${w.line}: ${w.text}`)}\n`);
}

/**
 * A FROM reference BuildKit cannot parse stops the build (dockerfile2llb: "failed to parse stage
 * name"). References built from variables are left alone: uidctl may not know every value
 * (automatic platform ARGs, build args given in CI).
 */
function refuseBadReferences(a: Analysis, file: string): void {
  for (const st of a.sim.stages) {
    if ('stage' in st.base || st.baseRef === 'scratch') continue;
    const from = a.df.stages[st.index]?.from;
    if (!from || from.args.includes('$')) continue;
    const message = stageNameError(st.baseRef);
    if (message) throw new InputError(message, file, from.line);
  }
}

export { contextAssumption, firstContextCopy } from './build-context.js';
