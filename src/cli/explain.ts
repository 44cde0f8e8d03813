// `uidctl explain "<error text>"`: what a pasted error means and how to fix it; with the
// Dockerfile and run command, the answer names the uid, the owner, the mount and the flags.

import type { Io } from './io.js';
import { parseBuildArgs, parseFlags } from './args.js';
import { hostFactsFor, hostOwnerReader, readHostFacts } from './host-facts.js';
import { InputError, UsageError, inputErrorOf } from './errors.js';
import { readText } from './read-text.js';
import type { HostPathFacts, RunContext } from '../model/types.js';
import type { Builder } from '../shell/context.js';
import { analyze, DockerfileSyntaxError, type Analysis, type Engine } from '../analyze.js';
import { parseDockerRun } from '../runtime/docker.js';
import { RunParseError } from '../runtime/errors.js';
import { explainError, tailor, type Explanation } from '../probe/explain.js';
import { realInvoker } from './invoker.js';
import { envFileReader, sourceFileReader } from './env-file.js';
import { readContextFor } from './build-context.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import { ExpandError } from '../dockerfile/expand.js';
import { TargetError } from '../build/simulate.js';
import { runRules } from '../rules/registry.js';

const HELP = `Usage: uidctl explain "ERROR TEXT" [options]
       some-command 2>&1 | uidctl explain -

Recognises the messages permission problems in containers print (Permission denied on a path,
judged as the read, exec or create its words tell; pip's OSError and externally-managed-environment, sudo not found or not in sudoers, Jupyter's
--allow-root, git's dubious ownership, "I have no name!", unknown users, chown's Operation not
permitted, Read-only file system, NVML Insufficient Permissions, useradd's UID is not unique,
dpkg's lock file), and the start failures of a run: a mount of a file onto a folder, two mounts
on one path, a relative working directory, an exec form that is not JSON, a folder as the start
program; and says why it happens and what to change.

Options:
  --dockerfile FILE   also analyse this Dockerfile, to name the exact uid, owner and mount
  --context DIR       its build context, read for the modes COPY gives (default: its folder)
  --no-context        do not read the build context (COPY sources are then assumed 0644 files)
  --run TEXT          the docker/podman run command the container was started with
  --host-facts FILE   the host paths the run mounts (owner, group, mode), as for check; else
                      this machine's are read with stat
  --build-arg K=V     as docker build --build-arg (repeatable)
  --target STAGE      the stage the image is built to
  --engine ENGINE     docker (default) or podman
  --format FORMAT     text (default) or json

Exit code 0 when the text was read (recognised or not: an unknown message prints a hint),
2 on bad usage or input.
`;

const OPTIONS = {
  dockerfile: { type: 'string' },
  context: { type: 'string' },
  'no-context': { type: 'boolean' },
  run: { type: 'string' },
  'host-facts': { type: 'string' },
  'build-arg': { type: 'string', multiple: true },
  target: { type: 'string' },
  engine: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Parse a run command as `check --run` does; the host paths it mounts are those the facts file
 * describes, else what this machine shows (hostFactsFor), as for check.
 */
export async function runContextFor(text: string, io: Io, factsFile?: string): Promise<{ run: RunContext; host: HostPathFacts[] }> {
  const facts = factsFile !== undefined ? await readHostFacts(factsFile, io) : undefined;
  const invoker = facts?.invoker ?? realInvoker(io);
  let run: RunContext;
  try {
    const readEnvFile = envFileReader(io.cwd, '--run');
    const statHost = await hostOwnerReader(facts?.paths ?? [], facts !== undefined);
    run = parseDockerRun(text, { invoker, env: { ...io.env, HOME: invoker.home, PWD: invoker.cwd } as Record<string, string>, readEnvFile, readSourceFile: sourceFileReader(io.cwd, undefined), statHost });
    for (const w of (run as ReturnType<typeof parseDockerRun>).warnings) io.err(`uidctl: warning: --run: ${w}\n`);
  } catch (e) {
    if (e instanceof RunParseError) throw inputErrorOf(e, '--run');
    throw e;
  }

  return hostFactsFor(run, facts?.paths ?? [], facts !== undefined);
}

/**
 * analyze() with the CLI's error mapping (a bad Dockerfile is an InputError naming its line), and
 * the build context read as `uidctl check` reads it (the Dockerfile's folder unless --context
 * says otherwise; none for standard input), so COPY gives each file its real mode.
 */
export function analyzeFile(
  file: string,
  io: Io,
  opts: { run?: RunContext; host: HostPathFacts[]; engine: Engine; builder?: Builder; paths?: string[]; buildArgs?: Record<string, string>; target?: string; contextFlag?: string; noContext?: boolean },
): Analysis {
  const text = readText(file, io.cwd, 'Dockerfile', io);
  const { contextFlag, noContext, ...rest } = opts;
  const builder = opts.builder ?? 'buildkit';
  try {
    const parsed = parseDockerfile(text);
    const ctx = readContextFor(file, parsed, { builder, noContext, contextFlag, cwd: io.cwd });
    const a = analyze({ file, text, parsed, ...rest, builder, context: ctx.context, readContextText: ctx.readContextText, contextIgnored: ctx.contextIgnored, profile: 'dev' });
    if (ctx.assumption) {
      a.assumptions.push(ctx.assumption);
      a.findings = runRules(a);
    }
    return a;
  } catch (e) {
    if (e instanceof DockerfileSyntaxError) throw new InputError(e.message, e.file, e.line);
    if (e instanceof ExpandError) throw new InputError(e.message, file);
    if (e instanceof TargetError) throw new UsageError(e.message);
    throw e;
  }
}

export function renderExplanations(list: Explanation[]): string {
  const out: string[] = [];

  for (const e of list) {
    out.push(`${e.title} [${e.id}]`);
    out.push(`  matched  ${e.matched}`);
    const f = e.facts;
    if (f.path) out.push(`  path     ${f.path}`);
    if (f.user) out.push(`  user     ${f.user}`);
    if (f.uid !== undefined) out.push(`  id       ${f.uid}`);
    out.push(`  cause    ${e.cause}`);
    for (const [i, d] of e.details.entries()) out.push(`  ${i === 0 ? 'model   ' : '        '} ${d}`);
    // Said apart from the details: the cause above is then not this run's.
    if (e.contradiction) out.push(`  differs  ${e.contradiction}`);
    for (const x of e.fixes) {
      out.push(`  fix      ${x.description}`);
      if (x.snippet) for (const l of x.snippet.split('\n')) out.push(`             ${l}`);
    }
    if (e.ruleIds.length > 0) out.push(`  rules    ${e.ruleIds.join(', ')} ('uidctl rules ID' explains each)`);
    out.push('');
  }

  return `${out.join('\n').trimEnd()}\n`;
}

const NO_MATCH =
  'uidctl explain: no known pattern in this text.\n' +
  'It knows Permission denied, Read-only file system, Operation not permitted (chown), pip and PEP 668\n' +
  'errors, sudo, Jupyter --allow-root, git dubious ownership, "I have no name!", unknown users,\n' +
  'NVML Insufficient Permissions, useradd UID is not unique, the dpkg lock, mounts the engine refuses,\n' +
  'a relative working directory, an exec form that is not JSON and a folder as the start program. Paste the whole error\n' +
  "line, or look inside the container with 'uidctl probe --script | docker exec -i CONTAINER sh'.\n";

export default async function explain(args: string[], io: Io): Promise<number> {
  const parsed = parseFlags(args, OPTIONS, { once: ['run'] });
  const v = parsed.values;
  if (v.help) {
    io.out(HELP);
    return 0;
  }
  if (parsed.positionals.length === 0) throw new UsageError('give the error text (quoted), or - to read it from standard input');
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be one of text, json (got '${format}')`);
  const engine = v.engine ?? 'docker';
  if (engine !== 'docker' && engine !== 'podman') throw new UsageError(`--engine must be one of docker, podman (got '${engine}')`);
  if (v.run !== undefined && v.dockerfile === undefined) throw new UsageError('--run needs --dockerfile (the image it runs)');
  if ((v.context !== undefined || v['no-context']) && v.dockerfile === undefined) throw new UsageError('--context and --no-context go with --dockerfile');
  if (v['host-facts'] !== undefined && v.run === undefined) throw new UsageError('--host-facts goes with --run (the paths the run mounts)');
  if ((v['build-arg'] !== undefined || v.target !== undefined) && v.dockerfile === undefined) throw new UsageError('--build-arg and --target go with --dockerfile');

  const text = parsed.positionals.length === 1 && parsed.positionals[0] === '-' ? readText('-', io.cwd, 'input') : parsed.positionals.join(' ');
  if (text.trim() === '') throw new UsageError(parsed.positionals[0] === '-' ? 'standard input held no error text' : 'the error text is empty: give the line the program printed (quoted)');
  let list = explainError(text);

  // The files given are read even when no pattern matches: a wrong path is said, not ignored.
  if (v.dockerfile !== undefined) {
    const ctx = v.run !== undefined ? await runContextFor(v.run, io, v['host-facts']) : undefined;
    const buildArgs = parseBuildArgs(v['build-arg'], io.env);
    const a = analyzeFile(v.dockerfile, io, { run: ctx?.run, host: ctx?.host ?? [], engine, contextFlag: v.context, noContext: v['no-context'], buildArgs, target: v.target });
    list = list.map((e) => tailor(e, a));
  }

  if (format === 'json') {
    io.out(`${JSON.stringify({ schemaVersion: 1, recognised: list.length > 0, explanations: list }, null, 2)}\n`);
  } else if (list.length === 0) io.out(NO_MATCH);
  else io.out(renderExplanations(list));

  return 0;
}
