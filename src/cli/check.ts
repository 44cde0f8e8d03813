// `uidctl check`: read the inputs (Dockerfiles, the run command, host folders, config), call the
// pure analysis, print a report and choose the exit code.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { homedir, userInfo } from 'node:os';
import type { Io } from './io.js';
import { parseFlags } from './args.js';
import { InputError, UsageError } from './errors.js';
import { VERSION } from '../version.js';
import { analyze, DockerfileSyntaxError, type Analysis, type Engine, type Profile } from '../analyze.js';
import type { Builder } from '../shell/context.js';
import type { HostPathFacts, RunContext, Severity } from '../model/types.js';
import { parseDockerRun, type Invoker } from '../runtime/docker.js';
import { RunParseError } from '../runtime/errors.js';
import { runRules, findRule } from '../rules/registry.js';
import { applySuppressions, readSuppressions } from '../rules/suppress.js';
import { renderJson, type Reported } from '../report/json.js';
import { renderText } from '../report/text.js';
import { renderSarif } from '../report/sarif.js';
import { loadConfig, type Config } from './config.js';
import { ExpandError } from '../dockerfile/expand.js';
import { readBuildContext } from './context.js';
import { fromRefs, parseBaseArchives, resolveBases, type BaseOptions, type BaseSource } from './bases.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import { TargetError, type BaseResolution } from '../build/simulate.js';
import { resolveBase as catalogResolve } from '../image/catalog/index.js';
import { gpuDevices } from '../rules/gpu/UID801-gpu-device-denied.js';

const HELP = `Usage: uidctl check [FILE|DIR ...] [options]

Predicts who the container runs as and what it can read, write and create, for each Dockerfile
(default ./Dockerfile; a folder means every Dockerfile/Containerfile in it).

How it runs:
  --run TEXT            a docker/podman run command line, verbatim ('docker run -u $(id -u) -v ...')
  --run-file FILE       the same, read from a file (a script holding the run command)
  --compose FILE        a Compose file; --service NAME picks the service (default: the only one)
  --k8s FILE            a Kubernetes manifest (Pod, Deployment, Job, ...); --container NAME picks one
  --host-facts FILE     describe host folders (owner, mode) instead of reading them with stat
  --engine ENGINE       docker (default) or podman
  --path PATH           also report verdicts for this container path (repeatable)

Build:
  --builder BUILDER     buildkit (default), classic or buildah
  --build-arg K=V       as docker build --build-arg (repeatable)
  --target STAGE        stop at this stage
  --context DIR         the build context (default: the Dockerfile's folder); read for modes only
  --no-context          do not read the build context (COPY sources are then assumed)

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
`;

const OPTIONS = {
  run: { type: 'string' },
  'run-file': { type: 'string' },
  compose: { type: 'string' },
  service: { type: 'string' },
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
  format: { type: 'string' },
  profile: { type: 'string' },
  'fail-on': { type: 'string' },
  config: { type: 'string' },
  'no-config': { type: 'boolean' },
  verbose: { type: 'boolean' },
  'no-color': { type: 'boolean' },
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

const DOCKERFILE_NAME = /^(Dockerfile|Containerfile)(\..+)?$|\.(Dockerfile|Containerfile)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.cache', '.venv', 'venv']);

function findDockerfiles(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      if (!SKIP_DIRS.has(name)) findDockerfiles(p, out);
    } else if (DOCKERFILE_NAME.test(name)) out.push(p);
  }

  return out;
}

function expandInputs(inputs: string[], cwd: string): string[] {
  if (inputs.length === 0) inputs = ['Dockerfile'];
  const files: string[] = [];

  for (const input of inputs) {
    const abs = resolve(cwd, input);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new InputError('no such file or folder', input);
    }
    if (st.isDirectory()) {
      const found = findDockerfiles(abs, []);
      if (found.length === 0) throw new InputError('no Dockerfile or Containerfile in this folder', input);
      files.push(...found.map((f) => relative(cwd, f) || f));
    } else files.push(input);
  }

  return files;
}

function readText(path: string, cwd: string, what: string): string {
  try {
    return readFileSync(resolve(cwd, path), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `no such ${what}` : `cannot read ${what} (${code})`, path);
  }
}

function realInvoker(io: Io): Invoker {
  const info = userInfo();

  return {
    uid: process.getuid?.() ?? info.uid,
    gid: process.getgid?.() ?? info.gid,
    home: io.env.HOME ?? homedir(),
    cwd: io.cwd,
    name: info.username,
  };
}

function parseBuildArgs(list: string[] | undefined, env: Io['env']): Record<string, string> {
  const out: Record<string, string> = {};

  for (const item of list ?? []) {
    const i = item.indexOf('=');
    // `--build-arg NAME` takes the value from the environment, as docker build does.
    if (i < 0) {
      const v = env[item];
      if (v !== undefined) out[item] = v;
    } else out[item.slice(0, i)] = item.slice(i + 1);
  }

  return out;
}

async function hostFactsFor(run: RunContext | undefined, given: HostPathFacts[]): Promise<HostPathFacts[]> {
  if (!run) return given;
  const binds = run.mounts.filter((m) => m.kind === 'bind' && m.source).map((m) => m.source!);
  const missingBinds = binds.filter((p) => !given.some((g) => g.path === p));
  const missingDevices = gpuDevices(run).filter((p) => !given.some((g) => g.path === p));
  if (missingBinds.length + missingDevices.length === 0) return given;
  const { statHostPaths, statHostTree } = await import('../runtime/host.js');

  // The folders a container mounts, with what is inside them (bounded), and the GPU devices.
  return [...given, ...(await statHostTree(missingBinds)), ...(await statHostPaths(missingDevices))];
}

function severityAtLeast(s: Severity, level: Severity): boolean {
  const rank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

  return rank[s] >= rank[level];
}

function configSeverities(cfg: Config): Record<string, Severity | 'off'> {
  const out: Record<string, Severity | 'off'> = {};

  for (const [key, value] of Object.entries(cfg.rules ?? {})) {
    const rule = findRule(key);
    if (!rule) throw new InputError(`unknown rule '${key}' in rules`, cfg.file);
    out[rule.id] = value;
  }
  for (const key of cfg.ignore ?? []) {
    const rule = findRule(key);
    if (!rule) throw new InputError(`unknown rule '${key}' in ignore`, cfg.file);
    out[rule.id] = 'off';
  }

  return out;
}

function trace(a: Analysis, io: Io): void {
  for (const st of a.sim.stages) {
    io.err(`debug: stage ${st.name ?? st.index} FROM ${st.baseRef}\n`);
    for (const s of st.steps) io.err(`debug:   line ${s.line} ${s.keyword}: ${s.summary}\n`);
  }
  for (const n of a.runtime.notes) io.err(`debug: runtime: ${n.text}\n`);
}

/** The RunContext of one Compose service or one Kubernetes container. */
async function orchestratedRun(compose: string | undefined, k8s: string | undefined, pick: string | undefined, invoker: Invoker, io: Io): Promise<RunContext> {
  const file = (compose ?? k8s)!;
  const text = readText(file, io.cwd, compose ? 'Compose file' : 'Kubernetes manifest');
  try {
    if (compose) {
      const { parseCompose } = await import('../runtime/compose.js');
      const { services } = parseCompose(text, { invoker, env: { ...io.env } as Record<string, string>, file });
      const names = Object.keys(services);
      const name = pick ?? (names.length === 1 ? names[0] : undefined);
      if (!name) throw new UsageError(`${file} has ${names.length} services (${names.join(', ')}): pick one with --service`);
      if (!services[name]) throw new UsageError(`no service '${name}' in ${file} (it has ${names.join(', ')})`);
      return services[name];
    }
    const { parseKubernetes } = await import('../runtime/kubernetes.js');
    const runs = parseKubernetes(text, { file, invoker });
    const hit = pick === undefined ? runs[0] : runs.find((r) => r.origin.text.includes(pick) || r.image === pick);
    if (!hit) throw new UsageError(pick ? `no container '${pick}' in ${file}` : `no container in ${file}`);
    return hit;
  } catch (e) {
    if (e instanceof RunParseError) throw new InputError(e.message, file);
    throw e;
  }
}

/** Read the real base images the Dockerfile names, when asked or available. */
async function basesFor(text: string, file: string, buildArgs: Record<string, string>, opts: BaseOptions, io: Io): Promise<(ref: string) => BaseResolution> {
  if (opts.from === 'catalog' || (opts.from === 'auto' && opts.archives.size === 0 && !io.env.DOCKER_HOST && !dockerSocketExists())) {
    return catalogResolve;
  }
  const df = parseDockerfile(text);
  if (df.errors.length > 0) return catalogResolve;
  try {
    return await resolveBases(fromRefs(df, buildArgs), opts, io);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new InputError((e as Error).message, file);
  }
}

function dockerSocketExists(): boolean {
  try {
    return statSync('/var/run/docker.sock').isSocket();
  } catch {
    return false;
  }
}

export default async function check(args: string[], io: Io): Promise<number> {
  const parsed = parseFlags(args, OPTIONS);
  const v = parsed.values;
  if (v.help) {
    io.out(HELP);
    return 0;
  }

  const cfg: Config = v['no-config'] ? {} : await loadConfig(io.cwd, v.config);
  const format = oneOf('format', v.format ?? cfg.format, ['text', 'json', 'sarif'] as const, 'text');
  const profile = oneOf<Profile>('profile', v.profile ?? cfg.profile, ['dev', 'prod'], 'prod');
  const failOn = oneOf('fail-on', v['fail-on'] ?? cfg.failOn, ['error', 'warning', 'info', 'never'] as const, 'error');
  const builder = oneOf<Builder>('builder', v.builder ?? cfg.builder, ['buildkit', 'classic', 'buildah'], 'buildkit');
  const engine = oneOf<Engine>('engine', v.engine ?? cfg.engine, ['docker', 'podman'], 'docker');
  const runSources = [v.run, v['run-file'], v.compose, v.k8s].filter((x) => x !== undefined).length;
  if (runSources > 1) throw new UsageError('give one of --run, --run-file, --compose and --k8s');

  const files = expandInputs(parsed.positionals, io.cwd);
  const buildArgs = { ...(cfg.buildArgs ?? {}), ...parseBuildArgs(v['build-arg'], io.env) };
  const severity = configSeverities(cfg);

  let host: HostPathFacts[] = [];
  let invoker = realInvoker(io);
  if (v['host-facts'] !== undefined) {
    const { parseHostFactsFile } = await import('../runtime/host.js');
    try {
      const facts = parseHostFactsFile(readText(v['host-facts'], io.cwd, 'host facts file'));
      host = facts.paths;
      if (facts.invoker) invoker = facts.invoker;
    } catch (e) {
      if (e instanceof RunParseError) throw new InputError(e.message, v['host-facts']);
      throw e;
    }
  }

  let run: RunContext | undefined;
  const runText = v.run ?? (v['run-file'] !== undefined ? readText(v['run-file'], io.cwd, 'run file') : undefined);
  if (runText !== undefined) {
    try {
      run = parseDockerRun(runText, { invoker, env: { ...io.env, HOME: invoker.home, PWD: invoker.cwd } as Record<string, string>, file: v['run-file'] });
    } catch (e) {
      if (e instanceof RunParseError) throw new InputError(e.message, v['run-file'] ?? '--run');
      throw e;
    }
    host = await hostFactsFor(run, host);
  } else if (v.compose !== undefined || v.k8s !== undefined) {
    run = await orchestratedRun(v.compose, v.k8s, v.service ?? v.container, invoker, io);
    host = await hostFactsFor(run, host);
  }

  const baseOpts: BaseOptions = {
    from: oneOf<BaseSource>('base-from', v['base-from'], ['auto', 'archive', 'engine', 'registry', 'catalog'], 'auto'),
    archives: parseBaseArchives(v['base-archive']),
    platform: v.platform,
    noCache: v['no-cache'] === true,
  };

  const results: Reported[] = [];
  const paintProgress = io.errIsTTY && files.length > 3;

  for (const [i, file] of files.entries()) {
    if (paintProgress) io.err(`\rchecking ${i + 1}/${files.length} ${basename(file)}`.padEnd(60));
    const text = readText(file, io.cwd, 'Dockerfile');
    const resolveBase = await basesFor(text, file, buildArgs, baseOpts, io);
    const contextDir = v['no-context'] ? undefined : resolve(io.cwd, v.context ?? dirname(file));
    const context = contextDir && existsSync(contextDir) ? readBuildContext(contextDir).tree : undefined;
    let analysis: Analysis;
    try {
      analysis = analyze({ file, text, builder, engine, profile, buildArgs, target: v.target, run, host, paths: v.path, context, resolveBase, trace: v.debug === true });
    } catch (e) {
      if (e instanceof DockerfileSyntaxError) throw new InputError(e.message, e.file, e.line);
      if (e instanceof ExpandError) throw new InputError(e.message, file);
      if (e instanceof TargetError) throw new UsageError(e.message);
      throw e;
    }

    if (v.debug) trace(analysis, io);
    const findings = Object.keys(severity).length > 0 ? runRules(analysis, { severity }) : analysis.findings;
    const suppressions = readSuppressions(text);
    for (const u of suppressions.unknown) io.err(`uidctl: warning: ${file}:${u.line}: '${u.key}' in an ignore comment names no rule\n`);
    const { kept } = applySuppressions(findings, suppressions);
    results.push({ analysis, findings: kept });
  }
  if (paintProgress) io.err('\r'.padEnd(61) + '\r');

  if (format === 'json') io.out(renderJson(results, VERSION));
  else if (format === 'sarif') io.out(renderSarif(results, VERSION));
  else io.out(renderText(results, { color: io.isTTY && !v['no-color'] && !io.env.NO_COLOR, verbose: v.verbose === true }));

  if (failOn === 'never') return 0;
  const failing = results.some((r) => r.findings.some((f) => severityAtLeast(f.severity, failOn)));

  return failing ? 1 : 0;
}
