// `uidctl verify`: builds the image with a real engine, starts it with the same run flags,
// pipes the probe into it and prints observed next to predicted. The only command that runs
// containers, and only when asked.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Io } from './io.js';
import { parseBuildArgs, parseFlags } from './args.js';
import { EnvironmentError, UsageError } from './errors.js';
import { NO_RUN, type Analysis, type Engine } from '../analyze.js';
import type { Builder } from '../shell/context.js';
import type { HostPathFacts, RunContext } from '../model/types.js';
import { analyzeFile, runContextFor } from './explain.js';
import { parseProbeReport, ProbeParseError } from '../probe/report.js';
import { compareProbe, disagreementsOf, renderComparison, type ComparisonRow } from '../probe/compare.js';
import { startErrors } from '../report/json.js';
import { buildCommand, buildFlags, probeScriptFor, runFlags, shQuote, type VerifyEngine } from '../probe/engine.js';
import { TargetError } from '../build/simulate.js';
import { loadConfig } from './config.js';

const HELP = `Usage: uidctl verify [DOCKERFILE] [--run 'docker run ...'] [options]

Builds the image for real, starts it with the same run flags, runs the probe inside
('uidctl probe --script'), and prints what was observed next to what 'uidctl check' predicts.
Every disagreement is marked with != . The probe replaces the image's start command, so the
'starts' row (check's prediction for that command) is observed 'not tested' and not compared.
Exit 0 when all agree, 1 on any disagreement, 2 when no
engine is usable or the inputs are wrong.

Options:
  --run TEXT        the docker/podman run command line (its image name is ignored)
  --engine ENGINE   docker, podman or buildah (default: the first found, in that order;
                    docker also needs a reachable daemon)
  --path PATH       also compare this container path: exists, readable, writable (repeatable)
  --build-arg K=V   as docker build --build-arg (repeatable; NAME alone takes its value from
                    the environment); given to the engine's build and to the prediction
  --target STAGE    build and predict up to this stage
  --format FORMAT   text (default) or json
  --config FILE     the config file whose buildArgs are used (default: .uidctl.yaml in the
                    current folder when present; --build-arg wins for the same name)
  --no-config       read no config file

buildah: runs with --isolation chroot (BUILDAH_ISOLATION overrides) and the default storage;
UIDCTL_BUILDAH_STORAGE=vfs (or another driver) picks the storage driver. Base images already
in the store are used as they are (--pull=false).
`;

const OPTIONS = {
  run: { type: 'string' },
  engine: { type: 'string' },
  path: { type: 'string', multiple: true },
  'build-arg': { type: 'string', multiple: true },
  target: { type: 'string' },
  format: { type: 'string' },
  config: { type: 'string' },
  'no-config': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ENGINES: readonly VerifyEngine[] = ['docker', 'podman', 'buildah'];
const MINUTES = 60_000;

function onPath(cmd: string, env: Io['env']): boolean {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!dir) continue;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      // Not in this folder.
    }
  }

  return false;
}

interface Runner {
  run(cmd: string, args: string[], opts?: { input?: string; timeout?: number }): SpawnSyncReturns<string>;
}

function runner(io: Io): Runner {
  return {
    run: (cmd, args, opts = {}) =>
      spawnSync(cmd, args, { input: opts.input, env: io.env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: opts.timeout ?? 2 * MINUTES, maxBuffer: 64 << 20 }),
  };
}

function tail(r: SpawnSyncReturns<string>, lines = 6): string {
  const text = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.trim() || (r.error ? r.error.message : `exit ${r.status}`);

  return text.split('\n').slice(-lines).join('\n');
}

/**
 * Why `docker info` (or `podman info`) failed, in one line. Docker prints the client half to
 * stdout even then (ending in "Server:") and the reason to stderr ("Cannot connect to the Docker
 * daemon at unix:///var/run/docker.sock. Is the docker daemon running?", "ERROR: ..." in older
 * releases, then "errors pretty printing info"): the error line of stderr is the reason.
 */
export function infoFailure(r: Pick<SpawnSyncReturns<string>, 'stdout' | 'stderr' | 'status' | 'error'>): string {
  const lines = (r.stderr ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^errors pretty printing info$/i.test(l));
  const error = lines.find((l) => /^(ERROR|Error|error)\b|cannot connect|permission denied|no such file|not found|refused/i.test(l)) ?? lines[0];
  if (error !== undefined) return error.replace(/^ERROR:\s*/, '');
  if (r.error) return r.error.message;
  const out = (r.stdout ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');

  return out.find((l) => /error/i.test(l)) ?? `exit ${r.status}`;
}

/** The engine to use: the one asked for, or the first usable of docker, podman, buildah. */
function pickEngine(asked: VerifyEngine | undefined, io: Io, sh: Runner): VerifyEngine {
  const candidates = asked ? [asked] : ENGINES;

  for (const e of candidates) {
    if (!onPath(e, io.env)) {
      if (asked) throw new EnvironmentError(`${e} is not on PATH`);
      continue;
    }
    // docker needs its daemon; podman may be a remote client without a service.
    if (e === 'docker' || e === 'podman') {
      const r = sh.run(e, ['info'], { timeout: 20_000 });
      if (r.status !== 0) {
        if (asked) throw new EnvironmentError(`${e} is installed but not usable (${e} info: ${infoFailure(r)})`);
        continue;
      }
    }

    return e;
  }

  throw new EnvironmentError('no container engine found (looked for docker, podman, buildah)');
}

/** buildah's global flags: the storage driver from UIDCTL_BUILDAH_STORAGE, else vfs when the default store fails. */
function buildahGlobals(io: Io, sh: Runner): string[] {
  const asked = io.env.UIDCTL_BUILDAH_STORAGE;
  if (asked) return ['--storage-driver', asked];
  const probe = sh.run('buildah', ['images', '-q'], { timeout: 30_000 });

  return probe.status === 0 ? [] : ['--storage-driver', 'vfs'];
}

interface Observed {
  built: boolean;
  buildLog?: string;
  started: boolean;
  startLog?: string;
  probeText?: string;
}

/** What is built: the build args and the target stage, the same for the engine and the prediction. */
interface Build {
  buildArgs: Record<string, string>;
  target?: string;
}

/** Build, start with the run's flags, pipe the probe in; always removes what it created. */
function observe(engine: VerifyEngine, io: Io, sh: Runner, dockerfile: string, build: Build, run: RunContext | undefined, paths: string[], notes: string[]): Observed {
  const tag = `localhost/uidctl-verify-${process.pid}-${Date.now().toString(36)}`;
  const file = resolve(io.cwd, dockerfile);
  const spec = { tag, file, context: dirname(file), ...build };
  const asked = buildFlags(build.buildArgs, build.target);
  if (asked.length > 0) notes.push(`built with ${asked.map(shQuote).join(' ')}`);
  const script = probeScriptFor(paths);
  const { flags, notReproduced } = runFlags(engine, run ?? { tool: 'none', groupAdd: [], mounts: [], env: {}, capAdd: [], capDrop: [], privileged: false, noNewPrivileges: false, readOnlyRootfs: false, publish: [], origin: { text: '' } });
  notes.push(...notReproduced.map((n) => `not reproduced: ${n}`));

  if (engine === 'buildah') {
    const g = buildahGlobals(io, sh);
    const isolation = io.env.BUILDAH_ISOLATION ?? 'chroot';
    notes.push(`buildah ${[...g, '--isolation', isolation].join(' ')}`);
    const b = sh.run('buildah', buildCommand('buildah', spec, { globals: g, isolation }), { timeout: 30 * MINUTES });
    if (b.status !== 0) return { built: false, buildLog: tail(b), started: false };

    try {
      const from = sh.run('buildah', [...g, 'from', '--pull=false', tag]);
      if (from.status !== 0) throw new EnvironmentError(`buildah from failed: ${tail(from, 2)}`);
      const container = from.stdout.trim().split('\n').pop()!;
      try {
        notes.push(`buildah run --isolation ${isolation} ${flags.map(shQuote).join(' ')} CONTAINER sh -s`);
        const r = sh.run('buildah', [...g, 'run', '--isolation', isolation, ...flags, container, 'sh', '-s'], { input: script });
        return r.status === 0 ? { built: true, started: true, probeText: r.stdout } : { built: true, started: false, startLog: tail(r) };
      } finally {
        sh.run('buildah', [...g, 'rm', container]);
      }
    } finally {
      sh.run('buildah', [...g, 'rmi', '-f', tag]);
    }
  }

  const b = sh.run(engine, buildCommand(engine, spec), { timeout: 30 * MINUTES });
  if (b.status !== 0) return { built: false, buildLog: tail(b), started: false };
  try {
    notes.push(`${engine} run --rm -i ${flags.map(shQuote).join(' ')} --entrypoint sh IMAGE -s`);
    const r = sh.run(engine, ['run', '--rm', '-i', ...flags, '--entrypoint', 'sh', tag, '-s'], { input: script });
    return r.status === 0 ? { built: true, started: true, probeText: r.stdout } : { built: true, started: false, startLog: tail(r) };
  } finally {
    sh.run(engine, ['rmi', '-f', tag]);
  }
}

/**
 * The run the prediction is made for: what the engine reproduces, with the start command the
 * probe puts in place of the image's (--entrypoint sh ... -s), so a switch of user that command
 * would make (gosu app ...) is not predicted, as it does not happen.
 */
export function probedRun(engine: VerifyEngine, run: RunContext | undefined): RunContext {
  return { ...(run ? reproducible(engine, run) : NO_RUN), entrypoint: ['sh'], command: ['-s'] };
}

/** The run as the engine can reproduce it (buildah run has no --group-add, volumes, ...). */
export function reproducible(engine: VerifyEngine, run: RunContext): RunContext {
  if (engine !== 'buildah') return run;

  // buildah run adds no /etc/passwd line for a run user without one (podman's --passwd=false).
  return {
    ...run,
    groupAdd: [],
    privileged: false,
    readOnlyRootfs: false,
    userns: undefined,
    mounts: run.mounts.filter((m) => m.kind === 'bind' || m.kind === 'tmpfs'),
    passwd: false,
  };
}

/**
 * Build and start rows, then the probe's rows when the container ran. `a` is the prediction for
 * the probe's run (sh -s in place of the start command); `own`, for the image's own start
 * command, which verify never runs: its row says so and counts neither way.
 */
function comparison(a: Analysis, own: Analysis, o: Observed, paths: string[]): ComparisonRow[] {
  const predictedBuild = a.sim.failures.length === 0;
  const rows: ComparisonRow[] = [{ field: 'build', predicted: predictedBuild ? 'ok' : 'fails', observed: o.built ? 'ok' : 'fails', agree: predictedBuild === o.built }];
  if (!o.built) return rows;

  const ownStarts = startErrors({ analysis: own, findings: own.findings }).length === 0;
  rows.push({ field: 'starts', predicted: ownStarts ? 'yes' : 'no', observed: 'not tested', agree: null });
  // The container the probe runs in: the engine's refusals (user, mounts) stop it too.
  const predictedStart = a.runtime.errors.length === 0;
  rows.push({ field: 'probe starts', predicted: predictedStart ? 'yes' : 'no', observed: o.started ? 'yes' : 'no', agree: predictedStart === o.started });
  if (!o.started || !predictedStart) return rows;

  let probe;
  try {
    probe = parseProbeReport(o.probeText ?? '');
  } catch (e) {
    if (e instanceof ProbeParseError) throw new EnvironmentError(`the probe's output inside the container was not readable: ${e.message}`);
    throw e;
  }

  return [...rows, ...compareProbe(a, probe, paths)];
}

export default async function verify(args: string[], io: Io): Promise<number> {
  const parsed = parseFlags(args, OPTIONS, { once: ['run'] });
  const v = parsed.values;
  if (v.help) {
    io.out(HELP);
    return 0;
  }
  if (parsed.positionals.length > 1) throw new UsageError('give one Dockerfile');
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be one of text, json (got '${format}')`);
  if (v.engine !== undefined && !(ENGINES as readonly string[]).includes(v.engine)) {
    throw new UsageError(`--engine must be one of ${ENGINES.join(', ')} (got '${v.engine}')`);
  }
  // Read as `uidctl check` reads them (the config file's buildArgs, then --build-arg), so both
  // predict the same build.
  const cfg = v['no-config'] ? {} : await loadConfig(io.cwd, v.config);
  const build: Build = { buildArgs: { ...(cfg.buildArgs ?? {}), ...parseBuildArgs(v['build-arg'], io.env) }, target: v.target };

  const sh = runner(io);
  const engine = pickEngine(v.engine as VerifyEngine | undefined, io, sh);
  const dockerfile = parsed.positionals[0] ?? 'Dockerfile';
  const paths = v.path ?? [];

  // The model's engine and builder that match the real one: podman builds with buildah, and
  // buildah run takes its default capabilities from containers.conf, as podman does.
  const model: { engine: Engine; builder: Builder } =
    engine === 'docker' ? { engine: 'docker', builder: 'buildkit' } : { engine: 'podman', builder: 'buildah' };
  let run: RunContext | undefined;
  let host: HostPathFacts[] = [];
  if (v.run !== undefined) ({ run, host } = await runContextFor(v.run, io));
  // Compare like with like: predict for the part of the run the engine really reproduces.
  let a: Analysis;
  let own: Analysis;
  try {
    a = analyzeFile(dockerfile, io, { run: probedRun(engine, run), host, paths, ...build, ...model });
    // What `uidctl check` predicts for the image's own start command, with the same run.
    own = analyzeFile(dockerfile, io, { run: run ? reproducible(engine, run) : undefined, host, paths, ...build, ...model });
  } catch (e) {
    // Refused before anything is built, as the engine would refuse it.
    if (e instanceof TargetError) throw new UsageError(e.message);
    throw e;
  }

  const notes: string[] = [];
  const observed = observe(engine, io, sh, dockerfile, build, run, paths, notes);
  const rows = comparison(a, own, observed, paths);
  const disagreements = disagreementsOf(rows);

  if (format === 'json') {
    io.out(`${JSON.stringify({ schemaVersion: 1, engine, notes, buildLog: observed.buildLog ?? null, startLog: observed.startLog ?? null, rows, disagreements }, null, 2)}\n`);
  } else {
    io.out(`engine    ${engine}\n`);
    for (const n of notes) io.out(`          ${n}\n`);
    if (observed.buildLog) io.out(`build log (last lines):\n${observed.buildLog.replace(/^/gm, '  ')}\n`);
    if (observed.startLog) io.out(`start log (last lines):\n${observed.startLog.replace(/^/gm, '  ')}\n`);
    io.out('\n');
    io.out(renderComparison(rows));
    io.out(`\n${disagreements === 0 ? 'all agree' : `${disagreements} disagreement(s)`}\n`);
  }

  return disagreements === 0 ? 0 : 1;
}
