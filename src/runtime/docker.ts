// `docker run` / `podman run` / `nerdctl run` command lines, pasted as the user wrote them,
// turned into a RunContext. The shell words are expanded as the invoking shell would expand
// them before docker sees them ($(id -u), $PWD, ~), then the options are read the way the
// CLI's flag library (spf13/pflag, with interspersed flags off) reads them.

import type { DockerDaemon, RunContext } from '../model/types.js';
import { normalizePath } from '../image/fs.js';
import { parseShell } from '../shell/parse.js';
import { expandWordIn, literalValue, type ExpandCtx } from '../shell/words.js';
import type { Assumption } from '../model/types.js';
import type { AndOr, Command, Pipeline, Script, SimpleCommand, Word } from '../shell/ast.js';
import { ShellSyntaxError } from '../shell/ast.js';
import { testExpression } from '../shell/test-expr.js';
import { RunParseError } from './errors.js';
import { podmanUsernsError } from './userns.js';
import { GLOBAL_BOOL_FLAGS, GLOBAL_VALUE_FLAGS, longFlag, shortFlag, type FlagInfo } from './flags.js';
import { parseMountFlag, parseTmpfsFlag, parseVolumeFlag, type PathContext } from './mounts.js';

export interface Invoker {
  uid: number;
  gid: number;
  home: string;
  cwd: string;
  name?: string;
}

export interface RunParseOptions {
  invoker: Invoker;
  /**
   * The owner of a host path, for `$(stat -c %u PATH)` in a run line: the caller reads the host
   * (--host-facts, or stat here). Without it such a substitution is not evaluated.
   */
  statHost?: (path: string, follow: boolean) => { uid: number; gid: number } | undefined;
  /** The invoking shell's environment (for $VAR and `-e NAME` without a value). */
  env?: Record<string, string>;
  file?: string;
  /** Line of the text in file (1-based), for locations. */
  line?: number;
  /**
   * The text of an --env-file as written (the caller reads it; undefined when it does not
   * exist). Without it the files are only recorded in envFiles.
   */
  readEnvFile?: (path: string) => string | undefined;
  /**
   * The shell that runs the text: a run file's #! line names it (runFileShell); undefined for
   * text typed in the invoker's interactive shell (--run), taken as bash. Only bash sets UID,
   * EUID and GROUPS itself; zsh sets UID, EUID, GID and EGID; sh (dash on Debian and Ubuntu)
   * none of them. 'none' is a file without a #! line, which bash runs itself from `./run.sh`.
   */
  shell?: RunShell;
  /**
   * The text of a file the run text sources (`source ./vars.sh`, `. ./vars.sh`), as written
   * there; the caller reads it (from the folder the script runs in, or next to the run file:
   * besideRunFile) and gives the path it read. undefined when there is none. Without a reader a
   * sourced file is not followed, and the variables it may set are not known.
   */
  readSourceFile?: (path: string) => { text: string; path: string; besideRunFile?: boolean } | undefined;
  /** DOCKER_HOST and DOCKER_CONTEXT as the docker process gets them (parseDockerRun fills it). */
  daemonEnv?: Record<string, string>;
  /**
   * The line (in file) of each word of the argv, for a command continued over several lines:
   * an error names the line of the flag at fault (parseDockerRun fills it).
   */
  lines?: number[];
}

export type RunShell = 'bash' | 'sh' | 'dash' | 'zsh' | 'none';

/**
 * The shell a run file's first line names: `#!/bin/bash`, `#!/usr/bin/env bash`,
 * `#!/bin/sh -e`, ... A #! line naming another program (ash, ksh, busybox sh) counts as sh: it
 * sets none of bash's own variables either.
 */
export function runFileShell(text: string): RunShell {
  const first = text.replace(/^\uFEFF/, '').split('\n', 1)[0].replace(/\r$/, '');
  const m = /^#!\s*(\S+)(?:\s+(.*))?$/.exec(first);
  if (!m) return 'none';
  let prog = baseName(m[1]);
  // #!/usr/bin/env bash, #!/usr/bin/env -S bash -e
  if (prog === 'env') prog = baseName((m[2] ?? '').split(/\s+/).find((w) => w !== '' && !w.startsWith('-')) ?? '');
  if (prog === 'bash') return 'bash';
  if (prog === 'zsh') return 'zsh';
  if (prog === 'dash') return 'dash';

  return 'sh';
}

/** A RunContext plus what the parser had to guess. */
export interface ParsedRun extends RunContext {
  /** Variables or substitutions that could not be evaluated, and similar remarks. */
  warnings: string[];
  /** Said to the user when the text holds more than one run command: which one is checked. */
  note?: string;
}

const ENGINES: Record<string, 'docker' | 'podman'> = {
  docker: 'docker',
  // nvidia-docker (v1/v2) wraps `docker run` with the NVIDIA runtime; its flags are docker's.
  'nvidia-docker': 'docker',
  nerdctl: 'docker',
  podman: 'podman',
};

/** Programs that run the next word as the command: `sudo docker run ...`. */
const WRAPPERS = new Set(['sudo', 'doas', 'env', 'exec', 'command', 'time', 'nohup', 'nice']);

/** sudo's options that take a value (sudo(8)). */
const SUDO_VALUE = new Set([
  '-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-T', '-U', '--user', '--group',
  '--close-from', '--chdir', '--prompt', '--role', '--type', '--command-timeout',
  '--other-user', '--host',
]);

/** Skip wrapper programs and their options; returns the index of the real program. */
function skipWrappers(argv: string[]): number {
  let i = 0;

  while (i < argv.length && WRAPPERS.has(baseName(argv[i]))) {
    const wrapper = baseName(argv[i]);
    i += 1;

    while (i < argv.length) {
      const a = argv[i];
      if (a === '--') {
        i += 1;
        break;
      }
      if (wrapper === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) i += 1;
      else if (!a.startsWith('-')) break;
      else if ((wrapper === 'sudo' || wrapper === 'doas') && SUDO_VALUE.has(a)) i += 2;
      else if ((wrapper === 'env' && a === '-u') || (wrapper === 'nice' && a === '-n')) i += 2;
      else i += 1;
    }
  }

  return i;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function parseBool(value: string, flag: string): boolean {
  if (value === '' || value === 'true' || value === '1' || value === 'TRUE' || value === 'True') return true;
  if (value === 'false' || value === '0' || value === 'FALSE' || value === 'False') return false;

  throw new RunParseError(`invalid argument "${value}" for "${flag}" flag: expected true or false`, flag);
}

interface RawOption {
  flag: FlagInfo;
  /** Index of the flag's word in the options' words. */
  at: number;
  value: string;
  /** As written, for messages: "-v $PWD/data:/data". */
  written: string;
}

/** Read the run options up to the image (pflag: no interspersed flags after the image). */
function readRunOptions(args: string[], raws: string[]): { options: RawOption[]; rest: string[] } {
  const options: RawOption[] = [];
  let i = 0;
  const rawAt = (k: number) => raws[k] ?? args[k];

  const takeValue = (written: string, flagName: string): string => {
    if (i + 1 >= args.length) throw new RunParseError(`flag needs an argument: ${flagName}`, flagName);
    i += 1;

    return args[i];
  };

  try {
    return readOptionWords();
  } catch (e) {
    // The word at fault (the flag, or the flag whose value is missing).
    if (e instanceof RunParseError) e.argIndex = i;
    throw e;
  }

  function readOptionWords(): { options: RawOption[]; rest: string[] } {
    for (; i < args.length; i++) {
      const a = args[i];
      if (a === '--') return { options, rest: args.slice(i + 1) };
      if (!a.startsWith('-') || a === '-') return { options, rest: args.slice(i) };

      if (a.startsWith('--')) {
        const eq = a.indexOf('=');
        const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
        const flag = longFlag(name);
        if (!flag) throw new RunParseError(`unknown flag: --${name}`, `--${name}`);
        let value: string;
        const at = i;
        if (eq >= 0) value = a.slice(eq + 1);
        else value = flag.kind === 'value' ? takeValue(a, `--${name}`) : 'true';
        const two = eq < 0 && flag.kind === 'value';
        options.push({ flag, at, value, written: two ? `${rawAt(i - 1)} ${rawAt(i)}` : rawAt(i) });
        continue;
      }

      // Short options, possibly combined: -it, -itd, -p8080:80, -e=X=1 (pflag keeps text after '=').
      for (let k = 1; k < a.length; k++) {
        const letter = a[k];
        const flag = shortFlag(letter);
        if (!flag) throw new RunParseError(`unknown shorthand flag: '${letter}' in ${a}`, `-${letter}`);
        if (flag.kind === 'bool') {
          if (a[k + 1] === '=') {
            options.push({ flag, at: i, value: a.slice(k + 2), written: a });
            break;
          }
          options.push({ flag, at: i, value: 'true', written: `-${letter}` });
          continue;
        }
        const attached = a.slice(k + 1);
        if (attached !== '') {
          options.push({ flag, at: i, value: attached.replace(/^=/, ''), written: rawAt(i) });
          break;
        }
        const at = i;
        const value = takeValue(a, `-${letter}`);
        options.push({ flag, at, value, written: `-${letter} ${rawAt(i)}` });
        break;
      }
    }

    return { options, rest: [] };
  }
}

function capName(c: string): string {
  const up = c.trim().toUpperCase();

  return up === 'ALL' || up.startsWith('CAP_') ? up : `CAP_${up}`;
}

/** no-new-privileges, no-new-privileges:true, no-new-privileges=true (docker and podman). */
function noNewPrivs(value: string): boolean | undefined {
  const m = /^no-new-privileges(?:[:=](.*))?$/.exec(value);
  if (!m) return undefined;

  return m[1] === undefined ? true : parseBool(m[1], '--security-opt');
}

/**
 * The variables of a docker --env-file (docker/cli pkg/kvfile): NAME=VALUE lines, leading
 * white space dropped, blank lines and lines starting with # skipped, a bare NAME taking the
 * invoking environment's value (left out when unset). Values are kept as written, quotes
 * included (docker/cli issue #3630 is still open).
 */
export function parseEnvFile(text: string, path: string, env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const bad = (why: string) => new RunParseError(`invalid env file (${path}): ${why}`, '--env-file');

  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;

    const eq = line.indexOf('=');
    const name = eq < 0 ? line : line.slice(0, eq);
    if (name === '') throw bad(`no variable name on line '${line}'`);
    if (/[ \t]/.test(name)) throw bad(`variable '${name}' contains whitespaces`);
    if (eq >= 0) out[name] = line.slice(eq + 1);
    else if (Object.hasOwn(env, name) && env[name] !== undefined) out[name] = env[name];
  }

  return out;
}

/**
 * Interpret an argv that starts with the program (`docker`, `sudo podman`, ...). Exported for
 * callers that already hold the words.
 */
export function parseRunArgv(
  argv: string[],
  opts: RunParseOptions & { text?: string; warnings?: string[]; raw?: string[] },
): ParsedRun {
  const start = skipWrappers(argv);
  // The line of argv's word k (a continued command's flag is on a later line than its start).
  const lineOf = (k: number) => opts.lines?.[k] ?? opts.line;
  const program = argv[start] === undefined ? '' : baseName(argv[start]);
  const tool = ENGINES[program];
  if (!tool) {
    throw new RunParseError(`not a docker, podman or nerdctl command: ${argv.join(' ')}`, program, opts.file, opts.line);
  }

  // Options of the program itself, then `run`, `create`, `container run` or `container create`.
  let i = start + 1;
  const daemonFlags: { host?: string; context?: string } = {};
  while (i < argv.length && argv[i].startsWith('-')) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const name = (eq < 0 ? a : a.slice(0, eq)).replace(/^--?/, '');
    const value = eq >= 0 ? a.slice(eq + 1) : argv[i + 1];
    if (a.includes('=') || GLOBAL_BOOL_FLAGS.has(name)) i += 1;
    else if (GLOBAL_VALUE_FLAGS.has(name)) i += 2;
    else throw new RunParseError(`unknown ${program} option before the command: ${a}`, a, opts.file, lineOf(i));
    if ((name === 'H' || name === 'host') && value !== undefined) daemonFlags.host = `${a.startsWith('--') ? '--host' : '-H'} ${value}`;
    if ((name === 'c' || name === 'context') && value !== undefined) daemonFlags.context = `--context ${value}`;
  }
  if (argv[i] === 'container') i += 1;
  if (argv[i] !== 'run' && argv[i] !== 'create') {
    const sub = argv[i] ?? '(none)';
    throw new RunParseError(`expected "${program} run", found "${program} ${sub}"`, sub, opts.file, lineOf(i));
  }

  const pathCtx: PathContext = { cwd: opts.invoker.cwd, home: opts.invoker.home };
  let parsed: { options: RawOption[]; rest: string[] };
  try {
    parsed = readRunOptions(argv.slice(i + 1), (opts.raw ?? argv).slice(i + 1));
  } catch (e) {
    if (e instanceof RunParseError) throw new RunParseError(e.detail, e.flag, opts.file, lineOf(i + 1 + (e.argIndex ?? 0)));
    throw e;
  }

  const run: ParsedRun = {
    tool,
    groupAdd: [],
    mounts: [],
    env: {},
    capAdd: [],
    capDrop: [],
    privileged: false,
    noNewPrivileges: false,
    readOnlyRootfs: false,
    publish: [],
    origin: { file: opts.file, line: opts.line, text: opts.text ?? argv.join(' ') },
    invoker: { ...opts.invoker },
    options: {},
    warnings: opts.warnings ?? [],
  };
  // The daemon the docker CLI talks to: -H before --context before DOCKER_HOST before
  // DOCKER_CONTEXT (docker/cli cli/command/cli.go resolveContextName and getServerHost).
  if (tool === 'docker') {
    const env = opts.daemonEnv ?? {};
    const via = daemonFlags.host ?? daemonFlags.context
      ?? (env.DOCKER_HOST ? `DOCKER_HOST=${env.DOCKER_HOST}` : env.DOCKER_CONTEXT ? `DOCKER_CONTEXT=${env.DOCKER_CONTEXT}` : undefined);
    const daemon = via !== undefined ? daemonOf(via, opts.invoker) : undefined;
    if (daemon) {
      run.daemon = daemon;
      (run.assumptions ??= []).push(daemonAssumption(daemon, opts));
    }
  }
  const envFiles: string[] = [];
  const fileEnv: Record<string, string> = {};
  const list = (s: string) => (tool === 'podman' ? s.split(',') : [s]).filter((x) => x !== '');

  const optionsStart = i + 1;
  for (const { flag, at, value, written } of parsed.options) {
    const dash = `--${flag.name}`;
    (run.options![flag.name] ??= []).push(value);

    try {
      switch (flag.name) {
        case 'env': {
          const eq = value.indexOf('=');
          if (eq >= 0) run.env[value.slice(0, eq)] = value.slice(eq + 1);
          else if (opts.env && Object.hasOwn(opts.env, value) && opts.env[value] !== undefined) run.env[value] = opts.env[value];
          else run.warnings.push(`-e ${value}: not set in the invoking environment, so not passed`);
          break;
        }
        case 'env-file': {
          envFiles.push(normalizePath(value, opts.invoker.cwd));
          if (!opts.readEnvFile) break;
          const text = opts.readEnvFile(value);
          // docker run stops before it starts anything: "open ./env.list: no such file or directory".
          if (text === undefined) throw new RunParseError(`open ${value}: no such file or directory`, dash);
          Object.assign(fileEnv, parseEnvFile(text, value, opts.env ?? {}));
          break;
        }
        case 'user':
          // A $(...) or `...` the invoking shell would run but uidctl cannot: kept as written
          // (the warning says so), and the user is not known rather than a name to look up.
          if (/\$\(|`/.test(value)) {
            run.user = undefined;
            run.userUnknown = value;
          } else {
            run.user = value === '' ? undefined : value;
            delete run.userUnknown;
          }
          break;
        case 'workdir': run.workdir = value === '' ? undefined : value; break;
        case 'group-add': run.groupAdd.push(...list(value)); break;
        case 'cap-add': run.capAdd.push(...value.split(',').filter(Boolean).map(capName)); break;
        case 'cap-drop': run.capDrop.push(...value.split(',').filter(Boolean).map(capName)); break;
        case 'privileged': run.privileged = parseBool(value, dash); break;
        case 'read-only': run.readOnlyRootfs = parseBool(value, dash); break;
        case 'userns': run.userns = value; break;
        case 'uidmap': if (tool === 'podman') (run.uidmap ??= []).push(value); break;
        case 'gidmap': if (tool === 'podman') (run.gidmap ??= []).push(value); break;
        case 'subuidname': if (tool === 'podman') run.subuidname = value; break;
        case 'subgidname': if (tool === 'podman') run.subgidname = value; break;
        case 'passwd': run.passwd = parseBool(value, dash); break;
        case 'publish': run.publish.push(value); break;
        case 'entrypoint': run.entrypoint = value === '' ? [] : [value]; break;
        case 'security-opt': {
          const nnp = noNewPrivs(value);
          if (nnp !== undefined) run.noNewPrivileges = nnp;
          break;
        }
        case 'volume': run.mounts.push(parseVolumeFlag(value, pathCtx, { tool, written })); break;
        case 'mount': run.mounts.push(parseMountFlag(value, pathCtx, written, tool)); break;
        case 'tmpfs': run.mounts.push(parseTmpfsFlag(value, written)); break;
        case 'volumes-from': (run.assumptions ??= []).push(volumesFromAssumption(value, written, { file: opts.file, line: lineOf(optionsStart + at) })); break;
        default:
          // Switches must still hold a boolean; other options are kept in run.options only.
          if (flag.kind === 'bool') parseBool(value, dash);
      }
    } catch (e) {
      if (e instanceof RunParseError) throw new RunParseError(e.detail, e.flag ?? dash, opts.file, lineOf(optionsStart + at));
      throw e;
    }
  }

  // podman refuses a mode together with a mapping before it creates anything (measured with
  // podman 4.3.1 `podman create`, for every mode including host).
  const mapped = run.uidmap ?? run.gidmap ?? run.subuidname ?? run.subgidname;
  if (tool === 'podman' && run.userns !== undefined && mapped !== undefined) {
    throw new RunParseError('--userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive', '--userns', opts.file, opts.line);
  }
  // podman parses the mode before anything else and refuses a name it does not know
  // (ParseUserNamespace, pkg/specgen/namespaces.go).
  const usernsError = tool === 'podman' && run.userns !== undefined ? podmanUsernsError(run.userns) : undefined;
  if (usernsError !== undefined) throw new RunParseError(usernsError, '--userns', opts.file, opts.line);
  if (envFiles.length > 0) run.envFiles = envFiles;
  // The CLI puts the env files first and -e after them, whatever the order on the line.
  run.env = { ...fileEnv, ...run.env };
  if (parsed.rest.length === 0) {
    throw new RunParseError(`"${program} run" requires an image name`, 'image', opts.file, opts.line);
  }
  run.image = parsed.rest[0];
  if (parsed.rest.length > 1) run.command = parsed.rest.slice(1);
  // The docker CLI checks the last --ipc before it sends anything (cli/command/container/opts.go,
  // IpcMode.Valid in moby's api/types/container): "", none, private, shareable, host,
  // container:NAME. podman and nerdctl word their own checks; they are left to them.
  const ipc = run.options!.ipc?.at(-1);
  if (tool === 'docker' && ipc !== undefined && !validDockerIpc(ipc)) {
    throw new RunParseError('--ipc: invalid IPC mode', '--ipc', opts.file, opts.line);
  }

  return run;
}

/**
 * Which daemon an endpoint or context names. The rootful daemon's own socket is this machine's
 * usual one (undefined); dockerd-rootless listens on $XDG_RUNTIME_DIR/docker.sock, which is
 * /run/user/UID/docker.sock, and its setup tool names its context "rootless"
 * (https://docs.docker.com/engine/security/rootless/); ssh://, tcp:// and the like are another
 * machine (a tcp:// to this machine is a daemon not known here). Any other context's endpoint
 * is in ~/.docker/contexts, which is not read.
 */
export function daemonOf(via: string, inv: Invoker): DockerDaemon | undefined {
  const value = via.replace(/^(?:-H |--host |--context |DOCKER_HOST=|DOCKER_CONTEXT=)/, '');
  if (via.startsWith('--context') || via.startsWith('DOCKER_CONTEXT=')) {
    if (value === 'default') return undefined;
    return value === 'rootless' ? { kind: 'rootless', via, uid: inv.uid } : { kind: 'unknown', via };
  }
  const unix = /^unix:\/\/(.*)$/.exec(value);
  if (unix) {
    const path = normalizePath(unix[1]);
    if (path === '/var/run/docker.sock' || path === '/run/docker.sock') return undefined;
    const user = /^\/run\/user\/(\d+)\/docker\.sock$/.exec(path);
    return user ? { kind: 'rootless', via, uid: Number(user[1]) } : { kind: 'unknown', via };
  }
  if (/^(?:tcp|https?):\/\/(?:localhost|127\.[\d.]+|\[::1\])(?::\d+)?\/?$/.test(value)) return { kind: 'unknown', via };

  return { kind: 'remote', via };
}

function daemonAssumption(d: DockerDaemon, at: { file?: string; line?: number }): Assumption {
  const text = d.kind === 'remote'
    ? `${d.via}: the Docker daemon is on another machine, so bind sources are paths there: they are not read with stat here (--host-facts can describe them), and verdicts on them rest on what is assumed`
    : d.kind === 'rootless'
    ? `${d.via}: rootless Docker, the daemon of uid ${d.uid}: container root is uid ${d.uid} on the host, files of uid ${d.uid} show as root inside, and other host ids show as 65534 (nobody)`
    : `${d.via}: the daemon it names is not known here (it may be another machine, or rootless): bind sources are not read with stat here (--host-facts can describe them), and verdicts on them rest on what is assumed`;

  return {
    id: `docker-daemon:${d.kind}`,
    subject: d.via,
    text,
    confidence: d.kind === 'rootless' ? 'medium' : 'low',
    ...definedOnly({ file: at.file, line: at.file !== undefined ? at.line : undefined }),
  };
}

/**
 * `--volumes-from NAME[:ro|:rw]` mounts every volume and bind of another container, at the same
 * paths (https://docs.docker.com/reference/cli/docker/container/run/#volumes-from). Which they
 * are is that container's, not in the run line: the paths they cover are judged without them.
 */
export function volumesFromAssumption(value: string, written: string, at: { file?: string; line?: number }): Assumption {
  const name = value.replace(/:(?:ro|rw|z|Z)$/, '');
  return {
    id: `volumes-from:${name}`,
    subject: written,
    text: `${written}: the container also gets the mounts of container ${name}, at their paths there; they are not known here, so the paths they cover are judged as the image has them`,
    confidence: 'low',
    ...definedOnly({ file: at.file, line: at.file !== undefined ? at.line : undefined }),
  };
}

function validDockerIpc(mode: string): boolean {
  return ['', 'none', 'private', 'shareable', 'host'].includes(mode) || (mode.startsWith('container:') && mode.length > 'container:'.length);
}

// ---------------------------------------------------------------- shell text

/**
 * Variables bash (and zsh) set themselves and do not export, so they are not in the
 * environment uidctl is given: taken from the invoker (the user running uidctl, or
 * --host-facts' invoker). bash ignores a UID or EUID in its environment (they are read-only), so
 * the invoker's ids win. GROUPS expands to its first element, which bash makes the primary gid.
 */
const SHELL_OWN = new Set(['UID', 'EUID', 'GROUPS']);

/** The variables each shell sets itself from the invoking user (GID and EGID: zsh's). */
function ownVariables(shell: RunShell | undefined): string[] {
  if (shell === 'sh' || shell === 'dash') return [];
  if (shell === 'zsh') return ['UID', 'EUID', 'GID', 'EGID'];

  return ['UID', 'EUID', 'GROUPS'];
}

/** What the invoking shell knows: its environment plus its own UID, EUID, GROUPS (bash). */
function shellEnv(opts: RunParseOptions, assigned: Record<string, string>): Record<string, string> {
  const inv = opts.invoker;
  const vars: Record<string, string> = { ...opts.env };

  vars.HOME = inv.home;
  vars.PWD = inv.cwd;
  // A run file's $0 is its path as it was started (`./run.sh`, `scripts/run.sh`): `cd
  // "$(dirname "$0")"` goes to its folder.
  if (opts.file !== undefined) vars['0'] = opts.file;
  for (const name of ownVariables(opts.shell)) vars[name] = String(name === 'GROUPS' || name.endsWith('GID') ? inv.gid : inv.uid);
  if (inv.name !== undefined) {
    vars.USER ??= inv.name;
    vars.LOGNAME ??= inv.name;
  }

  return { ...vars, ...assigned };
}

/** What expanding the words of the run text met: for the warnings and the assumptions. */
interface ExpandNotes {
  warnings: string[];
  /** Variables used with no value and no default: the shell expands them empty. */
  unset: Set<string>;
  /** The shell's own variables (bash: UID, EUID, GROUPS) used, not set by the text itself. */
  shellOwn: Set<string>;
  /** Which variables the shell sets itself (ownVariables). */
  own: ReadonlySet<string>;
  assigned: Record<string, string>;
  /** `~user` prefixes expanded from what uidctl takes the user's home to be. */
  homes: Map<string, string>;
  /** What the walk knows of the variables: those a construct not followed left unknown. */
  known: ShellState;
  /** Variables used whose value rests on a construct not followed (ShellState.uncertain). */
  unknown: Map<string, { why: Unfollowed; value?: string }>;
}

/**
 * A construct of the run text uidctl does not follow or decide: an `if` whose condition it cannot
 * tell, a loop, a case, a function body, a `source` it cannot read, `eval`. branch: the variables
 * it sets are set only on some paths; opaque: it may set any variable.
 */
interface Unfollowed {
  kind: 'branch' | 'opaque';
  /** How it is written, for messages: "`if [ -f .env ]` on line 2". */
  text: string;
}

/** What walking the run text knows of the shell's variables. */
interface ShellState {
  /** Variables the text set (assignments, export, ${X:=default}, a sourced file). */
  assigned: Record<string, string>;
  /** The folder a `cd` of the text moved to (relative paths, $PWD and `pwd` follow it). */
  cwd?: string;
  /** A `cd` whose folder is not known: what the later relative paths rest on. */
  cwdUnknown?: { text: string; line: number; file?: string };
  /** Variables set on a path the walk cannot decide, and why. */
  uncertain: Map<string, Unfollowed>;
  /** A construct not followed that may set any variable. */
  opaque?: Unfollowed;
}

/** What a variable's value rests on, said in the messages. */
function unknownWhy(name: string, why: Unfollowed): string {
  return why.kind === 'branch'
    ? `$${name} is set in ${why.text}, which uidctl cannot decide`
    : `${why.text} may set $${name}, and uidctl does not follow it`;
}

/**
 * The home folder the invoking shell gives `~user` (getpwnam on the host): the invoker's own
 * from the invoker, root's /root, where Linux puts it (FHS 3.0, "/root: Home directory for the
 * root user"), and any other user's is not known here (the host's /etc/passwd is not read).
 */
function homeOf(user: string, inv: Invoker, notes: ExpandNotes): string | undefined {
  if (user === '+') return inv.cwd;
  if (inv.name !== undefined && user === inv.name) return inv.home;
  if (user !== 'root') return undefined;
  notes.homes.set(user, '/root');

  return '/root';
}

/** The words of a script that is one simple command without assignments, each read by word. */
function simpleArgv<T>(script: Script, word: (w: Word) => T): T[] | null {
  if (script.items.length !== 1) return null;
  const { andOr } = script.items[0];
  if (andOr.rest.length > 0 || andOr.first.commands.length !== 1) return null;
  const cmd = andOr.first.commands[0];
  if (cmd.type !== 'cmd' || cmd.assigns.length > 0) return null;

  return cmd.args.map(word);
}

/** The argv of a simple one-command script, when every word is a plain literal. */
function literalArgv(script: Script): string[] | null {
  const words = simpleArgv(script, literalValue);

  return words !== null && words.every((w): w is string => w !== null) ? words : null;
}

/**
 * Outputs of the few commands run lines substitute: id -u, id -g, id -un, whoami, pwd, and
 * `stat -c FORMAT PATH` with %u and %g (the host path's owner, from the caller: --host-facts, or
 * stat on this machine).
 */
function substitute(argv: string[] | null, inv: Invoker, statHost?: RunParseOptions['statHost']): string | null {
  if (!argv || argv.length === 0) return null;
  const [cmd, ...args] = argv;
  if (cmd === 'pwd') return inv.cwd;
  // `dirname PATH` (one path): its folder, as coreutils prints it.
  if (cmd === 'dirname' && args.length === 1 && !args[0].startsWith('-')) return dirnameOf(args[0]);
  if (cmd === 'stat') return statOwner(args, inv, statHost);
  if (cmd === 'whoami' || cmd === 'logname') return inv.name ?? null;
  if (cmd !== 'id') return null;

  // id's letters may come split (-u -n) or joined (-un, -nu); -r changes nothing here.
  const letters = args.every((a) => /^-[ugnr]+$/.test(a)) ? args.join('').replace(/-/g, '') : null;
  if (letters === null) return null;
  const named = letters.includes('n');
  if (letters.includes('u') && !letters.includes('g')) return named ? inv.name ?? null : String(inv.uid);
  if (letters.includes('g') && !letters.includes('u')) return named ? null : String(inv.gid);

  return null;
}

/**
 * `stat -c FORMAT PATH` (also `--format=FORMAT`, `--format FORMAT`, `-cFORMAT`; `-L` follows a
 * link, as stat does, which otherwise reports the link itself)
 * where FORMAT holds only %u, %g, %% and plain characters: `$(stat -c %u data)`, `$(stat -c
 * '%u:%g' .)`. A relative PATH is the invoker's working folder's; null for anything else, or a
 * path the host does not show.
 */
function statOwner(args: string[], inv: Invoker, statHost: RunParseOptions['statHost']): string | null {
  if (!statHost) return null;
  let format: string | undefined;
  // Without -L, stat reports a link itself, not what it points to.
  let follow = false;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-L' || a === '--dereference') {
      follow = true;
      continue;
    }
    if (a === '-c' || a === '--format') format = args[++i];
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a.startsWith('-c') && a.length > 2) format = a.slice(2);
    else if (a.startsWith('-') && a !== '-') return null;
    else paths.push(a);
  }
  if (format === undefined || paths.length !== 1 || !/^(?:[^%]|%[ug%])*$/.test(format)) return null;
  const owner = statHost(normalizePath(paths[0], inv.cwd), follow);
  if (!owner) return null;

  return format.replace(/%([ug%])/g, (_m, c: string) => (c === 'u' ? String(owner.uid) : c === 'g' ? String(owner.gid) : '%'));
}

/** coreutils dirname: the path without its last component and trailing slashes; `.` when none. */
function dirnameOf(path: string): string {
  const p = path.replace(/\/+$/, '');
  if (p === '') return path.startsWith('/') ? '/' : '.';
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  const head = p.slice(0, i).replace(/\/+$/, '');

  return head === '' ? '/' : head;
}

/** What reading the run line took for granted, for the report (and --verbose). */
function runAssumptions(notes: ExpandNotes, opts: RunParseOptions, line: number): Assumption[] {
  const out: Assumption[] = [];
  const at = { file: opts.file, line: opts.file !== undefined ? line : undefined };
  for (const name of notes.shellOwn) {
    const value = name === 'GROUPS' || name.endsWith('GID') ? `${opts.invoker.gid}, the invoking user's primary gid` : `${opts.invoker.uid}, the invoking user's uid`;
    out.push({
      id: `run-variable:${name}`,
      subject: `$${name}`,
      text: opts.shell === 'zsh'
        ? `$${name} in the run line is taken as ${value}: zsh sets ${name} itself without exporting it`
        : `$${name} in the run line is taken as ${value}: bash sets ${name} itself without exporting it (plain sh, such as dash, leaves it empty)`,
      confidence: 'high',
      ...definedOnly(at),
    });
  }
  for (const [user, home] of notes.homes) {
    out.push({
      id: `run-tilde:${user}`,
      subject: `~${user}`,
      text: `~${user} in the run line is taken as ${home}, ${user}'s home folder on Linux; the shell reads it from the host's /etc/passwd, which uidctl does not read`,
      confidence: 'high',
      ...definedOnly(at),
    });
  }
  for (const [name, { why, value }] of notes.unknown) {
    out.push({
      id: `run-variable:${name}`,
      subject: `$${name}`,
      text: `${unknownWhy(name, why)}: the run line is read with ${value === undefined ? 'it empty' : `the value it has otherwise (${value})`}; if the script sets it there, the prediction may differ`,
      confidence: 'low',
      ...definedOnly(at),
    });
  }
  for (const name of notes.unset) {
    out.push({
      id: `run-variable:${name}`,
      subject: `$${name}`,
      text: plainShellLacks(name, opts.shell)
        ? `$${name} is empty: the run file's #! line names ${opts.shell === 'dash' ? 'dash' : 'sh'}, which does not set ${name} (only bash does), and the environment uidctl runs in does not have it`
        : isArgument(name)
        ? `$${name} is a script argument, and none is given: the run line is read without it`
        : `$${name} is not set in the environment uidctl runs in, so the run line is read with it empty, as the shell expands an unset variable; if your shell sets it, export it before running uidctl`,
      confidence: 'medium',
      ...definedOnly(at),
    });
  }

  return out;
}

/** bash's own UID, EUID or GROUPS (zsh's GID, EGID) in a file a plain sh runs, where it is unset. */
function plainShellLacks(name: string, shell: RunShell | undefined): boolean {
  return (shell === 'sh' || shell === 'dash') && SHELL_OWN.has(name);
}

/** $1, $@, $*: the arguments of the script the run line is in. */
function isArgument(name: string): boolean {
  return /^(?:[0-9]+|[@*])$/.test(name);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Parameters the shell keeps itself: a name, a positional parameter, $@ or $*. */
const PARAMETER = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*])$/;

/**
 * A word as the invoking shell expands it. A variable neither the environment nor the text sets
 * is empty, as in the shell (`${X:-d}` takes its default); `${X?}` stops the line as the shell
 * does. A command substitution other than id, whoami and pwd, or arithmetic it needs, cannot be
 * told: the word is kept as written, with a warning.
 */
function expandWord(w: Word, vars: Record<string, string>, host: Pick<RunParseOptions, 'invoker' | 'statHost'>, notes: ExpandNotes): string {
  const inv = host.invoker;
  const hook = (script: Script, raw: string): string | null => {
    // The words of the command inside are expanded as the shell expands them first
    // (`dirname "$0"`, `stat -c %u "$DATA"`); one that needs what cannot be told stops it.
    const out = substitute(literalArgv(script) ?? simpleArgv(script, (w) => expandWordIn(w, ctx)), inv, host.statHost);
    if (out === null) notes.warnings.push(`cannot evaluate $(${raw}); kept as written`);

    return out;
  };
  const missing = new Set<string>();
  const special = new Set<string>();
  const ctx: ExpandCtx = {
    env: (name) => {
      const why = notes.known.uncertain.get(name) ?? (notes.known.opaque !== undefined && !isArgument(name) && !Object.hasOwn(notes.assigned, name) ? notes.known.opaque : undefined);
      if (Object.hasOwn(vars, name)) {
        if (notes.own.has(name) && !Object.hasOwn(notes.assigned, name)) notes.shellOwn.add(name);
        if (notes.known.uncertain.has(name)) notes.unknown.set(name, { why: why!, value: vars[name] });
        return vars[name];
      }
      if (PARAMETER.test(name)) {
        // Set or not on a path the walk does not follow: not known, rather than unset.
        if (why !== undefined) notes.unknown.set(name, { why });
        else missing.add(name);
        return null;
      }
      // $$, $!, $?, $-: the shell's own state, not known here.
      special.add(name);
      return undefined;
    },
    onCmdSubst: hook,
    homeOf: (user) => homeOf(user, inv, notes),
    // ${X:=default}: the shell keeps the value for the later words and commands.
    onAssign: (name, value) => {
      vars[name] = value;
      notes.assigned[name] = value;
      notes.known.uncertain.delete(name);
    },
    exact: true,
    onUnset: (name, op, word) => {
      // bash: "X: parameter null or not set" (or the word given); the command never runs.
      if (op !== undefined) throw new RunParseError(`${name}: ${word || (op === ':?' ? 'parameter null or not set' : 'parameter not set')}`, `$${name}`);
      return false;
    },
  };
  let value = expandWordIn(w, ctx);
  if (!ctx.exact) {
    // Arithmetic that cannot be told is kept as written, and so are $$, $! and the like, and a
    // command substitution (the hook said so), rather than made silently empty.
    if (w.parts.some((p) => p.type === 'arith')) {
      notes.warnings.push(`cannot evaluate ${w.raw}; kept as written`);
      return w.raw;
    }
    for (const name of special) notes.warnings.push(`cannot evaluate $${name}; kept as written`);
    const tilde = /^~([A-Za-z0-9_.][A-Za-z0-9_.-]*)(?:\/|$)/.exec(w.raw);
    if (tilde && homeOf(tilde[1], inv, notes) === undefined) {
      notes.warnings.push(`cannot tell the home folder of user ${tilde[1]} (~${tilde[1]}): the host's /etc/passwd is not read; kept as written`);
    }
    const keepRaw = (script: Script, raw: string) => substitute(literalArgv(script), inv) ?? `$(${raw})`;
    const again: ExpandCtx = { env: (name) => { const v = ctx.env(name); return v === undefined ? `$${name}` : v; }, onCmdSubst: keepRaw, homeOf: ctx.homeOf, exact: true };
    value = expandWordIn(w, again);
  }
  // Used with a default (${X:-d}, ${X-d}, ${X:=d}, ${X:+alt}): the shell says nothing of them.
  const defaulted = new Set([...w.raw.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?[-=+]/g)].map((m) => m[1]));
  for (const name of missing) if (!defaulted.has(name)) notes.unset.add(name);

  return value;
}

function isRunCommand(argv: string[]): boolean {
  const i = skipWrappers(argv);
  if (ENGINES[baseName(argv[i] ?? '')] === undefined) return false;

  return argv.slice(i + 1).some((a) => a === 'run' || a === 'create');
}

/**
 * Parse a `docker run` line (or a small script holding one) as pasted: `sudo`, line
 * continuations, quotes, $(id -u), $PWD, ~ and variables assigned or exported earlier in the
 * text are evaluated as the invoking shell would.
 */
export function parseDockerRun(text: string, opts: RunParseOptions): ParsedRun {
  // A caller from JavaScript may leave out what the types require: say what is missing.
  if (opts?.invoker === undefined || opts.invoker === null) throw new TypeError('parseDockerRun: options.invoker is required (the uid, gid, home and cwd of who runs the command)');
  const script = parseRunText(text, opts.file, opts.line ?? 1);

  const state: ShellState = { assigned: {}, uncertain: new Map() };
  const warnings: string[] = [];
  const own: ReadonlySet<string> = new Set(ownVariables(opts.shell));
  const newNotes = (st: ShellState, list: string[]): ExpandNotes => ({ warnings: list, unset: new Set(), shellOwn: new Set(), own, assigned: st.assigned, homes: new Map(), known: st, unknown: new Map() });
  const notes = newNotes(state, warnings);
  let engineCommand: { argv: string[]; line: number } | undefined;
  let first: ParsedRun | undefined;
  const runLines: number[] = [];
  // The constructs not decided that the walk is inside (the run command found there rests on them).
  const branches: Unfollowed[] = [];
  // What the walk took for granted before the run command: conditions decided on unset
  // variables, a run command inside a branch, a sourced file read from beside the run file.
  const walkAssumptions: Assumption[] = [];
  const at = (file: string | undefined, line: number) => definedOnly({ file, line: file !== undefined ? line : undefined });

  /** One simple command: an assignment, a test, `source`, the run command, or another command. */
  const simple = (cmd: SimpleCommand, st: ShellState, src: RunSource): Status => {
    // After a `cd`, the invoking shell's folder is that one: for relative paths, $PWD and pwd.
    const o: RunParseOptions = st.cwd === undefined ? opts : { ...opts, invoker: { ...opts.invoker, cwd: st.cwd } };
    const vars = shellEnv(o, st.assigned);
    const line = src.base + cmd.lineOffset;
    // What this command's words met counts only for an assignment and the first run command.
    const local = newNotes(st, []);
    const merge = () => {
      warnings.push(...local.warnings);
      for (const n of local.unset) notes.unset.add(n);
      for (const n of local.shellOwn) notes.shellOwn.add(n);
      for (const [n, h] of local.homes) notes.homes.set(n, h);
    };
    let argv: string[];
    try {
      argv = cmd.args.map((w) => expandWord(w, vars, o, local));

      // `X=1` alone, `export X=1` (readonly, declare...) set variables the run line may use.
      if (argv.length === 0 || DECLARING.has(argv[0])) {
        for (const a of cmd.assigns) setVariable(st, a.name, expandWord(a.value, vars, o, local));
        for (const a of argv.slice(1)) {
          const eq = a.indexOf('=');
          if (eq > 0 && !a.startsWith('-')) setVariable(st, a.slice(0, eq), a.slice(eq + 1));
        }
        merge();
        return 'true';
      }
    } catch (e) {
      // ${X?} of an unset X: the shell stops before docker starts.
      if (e instanceof RunParseError && e.file === undefined) throw new RunParseError(e.detail, e.flag, src.file, line);
      throw e;
    }
    const name = argv[0];
    const written = cmd.args.map((w) => w.raw).join(' ');
    // `: "${OUT:=/data}"` and `true` only expand their words (the assignments are made above).
    if (name === ':' || name === 'true') return 'true';
    if (name === 'false') return 'false';
    if (name === '[' || name === 'test') {
      // An unquoted word that expands to nothing is no word at all, as in the shell's field
      // splitting (`[ -n $X ]` with X empty is `[ -n ]`); a quoted empty one ("$X") stays.
      const fields = argv.filter((word, k) => word !== '' || quotedWord(cmd.args[k]));
      const words = name === '[' ? (fields.at(-1) === ']' ? fields.slice(1, -1) : undefined) : fields.slice(1);
      return condition(words, written, local, src, line);
    }
    if (name === 'source' || name === '.') {
      sourceFile(argv[1], cmd.args[1]?.raw ?? '', local, st, src, line);
      return 'ran';
    }
    if (name === 'cd') {
      changeFolder(argv, local, st, src, line, o);
      return 'ran';
    }
    if (name === 'eval') {
      st.opaque ??= { kind: 'opaque', text: `\`eval\` on line ${line}${src.file !== opts.file ? ` of ${src.file}` : ''}` };
      return 'ran';
    }
    if (name === 'exit' || (name === 'return' && src.sourced)) throw new ScriptExit(name, line, src.file);
    if (!isRunCommand(argv)) {
      if (ENGINES[baseName(argv[skipWrappers(argv)] ?? '')]) engineCommand ??= { argv, line };
      return 'ran';
    }
    runLines.push(line);
    if (first) return 'ran';
    merge();
    // Variables not known that the run line itself uses (one an assignment used is itself not known).
    for (const [n, u] of local.unknown) notes.unknown.set(n, u);
    // An unquoted expansion that comes out empty is no word at all (field splitting), and
    // "$@" with no arguments is none either.
    const kept = cmd.args.map((w, k) => ({ w, k, value: argv[k] })).filter(({ w, value }) => value !== '' || (/["']/.test(w.raw) && w.raw !== '"$@"'));
    const raw = kept.map((x) => x.w.raw);
    // What the docker process's environment holds: the shell's, what the text exported, a
    // `NAME=value docker run` prefix, and `env NAME=value docker run`.
    const daemonEnv: Record<string, string> = {};
    for (const k of ['DOCKER_HOST', 'DOCKER_CONTEXT']) {
      const v = st.assigned[k] ?? opts.env?.[k];
      if (v !== undefined && v !== '') daemonEnv[k] = v;
    }
    for (const a of cmd.assigns) daemonEnv[a.name] = expandWord(a.value, vars, o, local);
    for (const w of argv.slice(0, skipWrappers(argv))) {
      const m = /^(DOCKER_HOST|DOCKER_CONTEXT)=(.*)$/.exec(w);
      if (m) daemonEnv[m[1]] = m[2];
    }
    const runOpts = { ...o, file: src.file };
    try {
      // The line of each kept word: a flag on a continuation line is named at its own line.
      const lines = cmd.argLines ? kept.map((x) => src.base + (cmd.argLines![x.k] ?? cmd.lineOffset)) : undefined;
      first = parseRunArgv(kept.map((x) => x.value), { ...runOpts, line, text: written, warnings, raw, daemonEnv, lines });
    } catch (e) {
      if (e instanceof RunParseError && (notes.unset.size > 0 || notes.unknown.size > 0)) throw explained(e, notes, opts.shell);
      throw e;
    }
    const assumptions = [...walkAssumptions, ...runAssumptions(notes, runOpts, line)];
    if (st.cwdUnknown !== undefined) {
      assumptions.push({
        id: `run-cwd:${st.cwdUnknown.line}`,
        subject: st.cwdUnknown.text,
        text: `${st.cwdUnknown.text} changes to a folder uidctl cannot tell: relative paths, $PWD and $(pwd) in the run command are read from ${runOpts.invoker.cwd}, the folder before it`,
        confidence: 'low',
        ...at(st.cwdUnknown.file, st.cwdUnknown.line),
      });
      warnings.push(`${st.cwdUnknown.text} changes to a folder uidctl cannot tell: relative paths are read from ${runOpts.invoker.cwd}`);
    }
    if (branches.length > 0) {
      assumptions.push({
        id: `run-branch:${line}`,
        subject: written,
        text: `the run command on line ${line} is inside ${branches.map((b) => b.text).join(', inside ')}, which uidctl cannot decide: it is checked as if that part of the script runs`,
        confidence: 'medium',
        ...at(src.file, line),
      });
    }
    if (first.userUnknown !== undefined) {
      assumptions.push({
        id: 'run-user:unknown',
        subject: '--user',
        text: `--user ${first.userUnknown}: the command substitution is not run, so the user is not known; the identity shown is a stand-in (nobody, 65534), not a prediction`,
        confidence: 'low',
        ...at(src.file, line),
      });
    }
    if (assumptions.length > 0) first.assumptions = [...(first.assumptions ?? []), ...assumptions];
    // As Compose warns of a variable it makes blank, and before what the line then does.
    for (const n of notes.unset) {
      first.warnings.push(plainShellLacks(n, opts.shell)
        ? `$${n} is empty under ${opts.shell === 'dash' ? 'dash' : 'sh'} (the #! line): only bash sets ${n}, so it expands to an empty string`
        : isArgument(n)
        ? `$${n} is a script argument, and none is given here: it expands to nothing`
        : `$${n} is not set in the environment uidctl runs in: it expands to an empty string, as in a shell where it is unset (export it, or write its value, if your shell has it)`);
    }
    for (const [n, { why, value }] of notes.unknown) {
      first.warnings.push(`${unknownWhy(n, why)}: the run line is read with ${value === undefined ? 'it empty' : `the value it has otherwise (${value})`}`);
    }
    return 'ran';
  };

  /** `[ ... ]`, `test ...` and `[[ ... ]]` over words already expanded: decided when it can be. */
  const condition = (words: string[] | undefined, written: string, local: ExpandNotes, src: RunSource, line: number): Status => {
    // A word that could not be evaluated, or a variable a branch not decided sets.
    if (words === undefined || local.warnings.length > 0 || local.unknown.size > 0) return 'unknown';
    const result = testOf(words);
    if (result === 'unknown' || first || local.unset.size + local.shellOwn.size === 0) return result;
    const names = [...local.unset, ...local.shellOwn];
    walkAssumptions.push({
      id: `run-condition:${line}`,
      subject: written,
      text: `\`${written}\` on line ${line} is taken as ${result}: ${names.map((n) => local.shellOwn.has(n) ? `$${n} is taken from the invoking user` : `$${n} is not set in the environment uidctl runs in`).join(', ')}`,
      confidence: 'medium',
      ...at(src.file, line),
    });
    return result;
  };

  /**
   * `cd DIR` (`cd` alone: HOME; `cd -`: the folder before): the folder the later relative paths,
   * $PWD and `pwd` are read from. A folder the walk cannot tell (a substitution not run) leaves
   * them resting on an assumption, said at the run command.
   */
  const changeFolder = (argv: string[], local: ExpandNotes, st: ShellState, src: RunSource, line: number, o: RunParseOptions): void => {
    const args = argv.slice(1).filter((a) => a !== '-P' && a !== '-L' && a !== '--');
    const from = o.invoker.cwd;
    const target = args.length === 0 ? o.invoker.home : args[0] === '-' ? st.assigned.OLDPWD : args[0];
    if (target === undefined || args.length > 1 || local.warnings.length > 0 || local.unknown.size > 0) {
      st.cwdUnknown = { text: `\`cd ${argv.slice(1).join(' ')}\` on line ${line}${src.file !== opts.file ? ` of ${src.file}` : ''}`, line, file: src.file };
      return;
    }
    st.cwd = normalizePath(target.startsWith('~/') ? `${o.invoker.home}${target.slice(1)}` : target, from);
    st.cwdUnknown = undefined;
    st.assigned.OLDPWD = from;
    st.assigned.PWD = st.cwd;
  };

  /** `source FILE` and `. FILE`: the file's commands run in this shell, read through the caller. */
  const sourceFile = (path: string | undefined, written: string, local: ExpandNotes, st: ShellState, src: RunSource, line: number): void => {
    const where = `\`source ${written}\` on line ${line}${src.file !== opts.file ? ` of ${src.file}` : ''}`;
    if (path === undefined || path === '') return;
    if (local.warnings.length > 0 || local.unknown.size > 0 || opts.readSourceFile === undefined) {
      st.opaque ??= { kind: 'opaque', text: opts.readSourceFile === undefined ? `${where} (no reader for sourced files was given)` : where };
      return;
    }
    if (src.depth >= 8) throw new RunParseError(`${path}: sourced files nest deeper than 8 (does a file source itself?)`, 'source', src.file, line);
    const found = opts.readSourceFile(path);
    if (found === undefined) {
      throw new RunParseError(`${path}: no such file, sourced on line ${line} (looked for from the folder uidctl runs in, and next to the run file)`, 'source', src.file, line);
    }
    if (found.besideRunFile && !first) {
      walkAssumptions.push({
        id: `run-source:${path}`,
        subject: `source ${written}`,
        text: `${where}: ${path} is not in the folder uidctl runs in but is next to the run file, so the script is taken to run from its own folder (${found.path} is read)`,
        confidence: 'medium',
        ...at(src.file, line),
      });
    }
    const sourced = parseRunText(found.text, found.path, 1);
    try {
      walkScript(sourced, st, { file: found.path, base: 1, depth: src.depth + 1, sourced: true });
    } catch (e) {
      // `return` ends the sourced file only.
      if (e instanceof ScriptExit && e.command === 'return' && e.file === found.path) return;
      throw e;
    }
  };

  /** Alternatives the walk cannot choose between: each walked on its own, their variables merged. */
  const undecided = (alternatives: Script[], st: ShellState, src: RunSource, why: Unfollowed, unknownInside: string[] = []): void => {
    branches.push(why);
    const outcomes: ShellState[] = [];
    let ended: ScriptExit | undefined;
    try {
      for (const alt of alternatives) {
        const copy: ShellState = { assigned: { ...st.assigned }, uncertain: new Map(st.uncertain), opaque: st.opaque };
        // A loop's variable, a function's arguments: not known inside.
        for (const n of unknownInside) copy.uncertain.set(n, why);
        try {
          walkScript(alt, copy, src);
          outcomes.push(copy);
        } catch (e) {
          // A path that ends the script does not reach what follows.
          if (!(e instanceof ScriptExit)) throw e;
          ended = e;
        }
      }
    } finally {
      branches.pop();
    }
    if (outcomes.length === 0 && ended) throw ended;
    const names = new Set([...Object.keys(st.assigned), ...outcomes.flatMap((o) => Object.keys(o.assigned))]);
    for (const n of names) {
      const values = outcomes.map((o) => (Object.hasOwn(o.assigned, n) ? o.assigned[n] : undefined));
      if (values.every((v) => v === values[0])) {
        if (values[0] === undefined) delete st.assigned[n];
        else st.assigned[n] = values[0];
      } else if (!st.uncertain.has(n)) {
        // Set differently on the paths: not known (the value before, if any, is kept for reading).
        st.uncertain.set(n, why);
      }
    }
    for (const o of outcomes) {
      for (const [n, w] of o.uncertain) if (!st.uncertain.has(n)) st.uncertain.set(n, w);
      st.opaque ??= o.opaque;
    }
  };

  const walkScript = (sc: Script, st: ShellState, src: RunSource): Status => {
    let status: Status = 'true';
    for (const item of sc.items) status = walkAndOr(item.andOr, st, src);
    return status;
  };

  const walkAndOr = (andOr: AndOr, st: ShellState, src: RunSource): Status => {
    let status = walkPipeline(andOr.first, st, src);
    let before = andOr.first;
    for (const { op, pipeline } of andOr.rest) {
      // A command other than a test is taken to succeed: `a && docker run` runs docker; what
      // `a || X=1` sets is not known.
      const go = op === '&&' ? (status === 'true' || status === 'ran' ? 'yes' : status === 'false' ? 'no' : 'maybe') : status === 'false' ? 'yes' : status === 'true' ? 'no' : 'maybe';
      if (go === 'yes') status = walkPipeline(pipeline, st, src);
      else if (go === 'maybe') {
        const text = `\`${pipelineText(before)} ${op} ...\` on line ${src.base + (lineOfPipeline(before) ?? 0)}`;
        undecided([scriptOf(pipeline), EMPTY], st, src, { kind: 'branch', text });
        status = 'unknown';
      }
      before = pipeline;
    }
    return status;
  };

  const walkPipeline = (p: Pipeline, st: ShellState, src: RunSource): Status => {
    let status: Status;
    if (p.commands.length === 1) status = walkCommand(p.commands[0], st, src);
    else {
      // Each part of a pipeline runs in a subshell: what it assigns is lost (bash without lastpipe).
      status = 'ran';
      for (const c of p.commands) status = inSubshell(() => walkCommand(c, { assigned: { ...st.assigned }, uncertain: new Map(st.uncertain), opaque: st.opaque }, src));
    }
    if (!p.negated) return status;
    return status === 'true' ? 'false' : status === 'false' ? 'true' : 'unknown';
  };

  const inSubshell = (walk: () => Status): Status => {
    try {
      return walk();
    } catch (e) {
      if (e instanceof ScriptExit) return 'ran';
      throw e;
    }
  };

  const walkCommand = (c: Command, st: ShellState, src: RunSource): Status => {
    const lineOf = (sc: Script | undefined) => src.base + (lineOfScript(sc) ?? 0);
    const file = src.file !== opts.file ? ` of ${src.file}` : '';
    switch (c.type) {
      case 'cmd': return simple(c, st, src);
      case 'group': return walkScript(c.body, st, src);
      case 'subshell': return inSubshell(() => walkScript(c.body, { assigned: { ...st.assigned }, uncertain: new Map(st.uncertain), opaque: st.opaque }, src));
      case 'if': {
        for (let k = 0; k < c.clauses.length; k++) {
          const { cond, body } = c.clauses[k];
          const status = walkScript(cond, st, src);
          if (status === 'true') return walkScript(body, st, src);
          if (status === 'false') continue;
          const text = `\`${k === 0 ? 'if' : 'elif'} ${scriptText(cond)}\` on line ${lineOf(cond)}${file}`;
          undecided([body, ...c.clauses.slice(k + 1).map((x) => x.body), c.elseBody ?? EMPTY], st, src, { kind: 'branch', text });
          return 'ran';
        }
        return c.elseBody ? walkScript(c.elseBody, st, src) : 'true';
      }
      case 'test': {
        const vars = shellEnv(opts, st.assigned);
        const local = newNotes(st, []);
        let words: string[] | undefined = c.words.map((w) => expandWord(w, vars, opts, local));
        // Only the forms [ ] has; && || ( ) and patterns inside [[ ]] are not decided.
        if (words.some((w, k) => ['&&', '||', '(', ')', '=~'].includes(c.words[k].raw)) || (words.length === 3 && ['=', '==', '!='].includes(words[1]) && /[*?[]/.test(words[2]))) words = undefined;
        return condition(words, `[[ ${c.words.map((w) => w.raw).join(' ')} ]]`, local, src, lineOf(undefined));
      }
      case 'for':
      case 'while':
      case 'until': {
        const body = c.type === 'for' ? [c.body] : [c.cond, c.body];
        const line = lineOf(c.type === 'for' ? c.body : c.cond);
        undecided([{ items: body.flatMap((b) => b.items) }, EMPTY], st, src, { kind: 'branch', text: `the ${c.type} loop on line ${line}${file}` }, c.type === 'for' ? [c.name] : []);
        return 'ran';
      }
      case 'case':
        undecided([...c.items.map((x) => x.body), EMPTY], st, src, { kind: 'branch', text: `the case on line ${lineOf(c.items[0]?.body)}${file}` });
        return 'ran';
      case 'func':
        undecided([scriptOf({ negated: false, commands: [c.body] }), EMPTY], st, src, { kind: 'branch', text: `function ${c.name} (line ${lineOf(scriptOf({ negated: false, commands: [c.body] }))}${file}), whose calls uidctl does not follow` }, ['@', '*', '#', ...'123456789']);
        return 'true';
      default:
        return 'unknown';
    }
  };

  let exited: ScriptExit | undefined;
  try {
    walkScript(script, state, { file: opts.file, base: opts.line ?? 1, depth: 0 });
  } catch (e) {
    if (!(e instanceof ScriptExit)) throw e;
    exited = e;
  }

  // A script that starts a helper container first (a database, say) is common: check the first
  // run command, as documented, and say so rather than refuse the file.
  if (first && runLines.length > 1) {
    const where = opts.file ?? 'the run text';
    // Two run commands may share a line (`docker run a || docker run b`): each line named once.
    const lines = [...new Set(runLines)];
    const shown = lines.length > 1 ? `lines ${lines.join(', ')}` : `both on line ${lines[0]}`;
    first.note = `${where} holds ${runLines.length} run commands (${runLines.length > 2 && lines.length === 1 ? `all on line ${lines[0]}` : shown}); checking the first, line ${runLines[0]}`;
  }
  if (first) {
    // Each warning once, however many words of the text met the same thing ($UID in --user and
    // in -e, the same $(cmd) twice).
    const unique = [...new Set(first.warnings)];
    first.warnings.splice(0, first.warnings.length, ...unique);
    return first;
  }

  if (exited) {
    // Reached on conditions the walk decided: say on what.
    const because = walkAssumptions.filter((a) => a.id.startsWith('run-condition:')).map((a) => a.text);
    throw new RunParseError(`the script stops at \`${exited.command}\` on line ${exited.line}, before any "docker run", "podman run" or "nerdctl run" command${because.length > 0 ? ` (${because.join('; ')})` : ''}`, exited.command, exited.file, exited.line);
  }
  // A docker command that is not `run` gets the precise complaint.
  if (engineCommand) parseRunArgv(engineCommand.argv, { ...opts, line: engineCommand.line });
  throw new RunParseError('no "docker run", "podman run" or "nerdctl run" command found', undefined, opts.file, opts.line);
}

/** Where walked commands come from: the run text, or a file it sources. */
interface RunSource {
  file?: string;
  /** Line (1-based) of the text's first line. */
  base: number;
  /** How many `source`s deep. */
  depth: number;
  /** A sourced file: `return` ends it. */
  sourced?: boolean;
}

/** A command's exit status as far as the walk can tell; 'ran': a command taken to succeed. */
type Status = 'true' | 'false' | 'unknown' | 'ran';

/** `exit` (or `return` in a sourced file): the walk stops there. */
class ScriptExit {
  constructor(readonly command: string, readonly line: number, readonly file: string | undefined) {}
}

/** Builtins whose NAME=value words set variables. */
const DECLARING = new Set(['export', 'readonly', 'declare', 'typeset', 'local']);

const EMPTY: Script = { items: [] };

function setVariable(st: ShellState, name: string, value: string): void {
  st.assigned[name] = value;
  st.uncertain.delete(name);
}

function parseRunText(text: string, file: string | undefined, base: number): Script {
  try {
    return parseShell(text);
  } catch (e) {
    if (e instanceof ShellSyntaxError) throw new RunParseError(`shell syntax: ${e.message}`, undefined, file, base + e.lineOffset);
    throw e;
  }
}

/** A run line made wrong by a variable the shell would have had, or one the walk does not know: say which. */
function explained(e: RunParseError, notes: ExpandNotes, shell: RunShell | undefined): RunParseError {
  // bash's own UID, EUID, GROUPS in a file sh runs are empty for that reason, not for
  // uidctl's environment: said as the warning says it.
  const lacking = [...notes.unset].filter((n) => plainShellLacks(n, shell));
  const unset = [...notes.unset].filter((n) => !lacking.includes(n));
  const names = (list: string[]) => `${list.map((n) => `$${n}`).join(', ')} ${list.length > 1 ? 'are' : 'is'}`;
  const why = [
    ...(unset.length > 0 ? [`${names(unset)} not set in the environment uidctl runs in`] : []),
    ...(lacking.length > 0 ? [`${names(lacking)} empty under ${shell === 'dash' ? 'dash' : 'sh'} (the #! line; only bash sets ${lacking.length > 1 ? 'them' : 'it'})`] : []),
  ].join(', and ');
  const parts = why !== '' ? [`${why}, so ${notes.unset.size > 1 ? 'they expand' : 'it expands'} to nothing, as in a shell`] : [];
  // Not known: no claim about what a shell does.
  for (const [n, { why: w, value }] of notes.unknown) parts.push(`${unknownWhy(n, w)}; it was read ${value === undefined ? 'as empty' : `as ${value}`}`);

  return new RunParseError(`${e.detail} (${parts.join('; ')})`, e.flag, e.file, e.line);
}

/**
 * test(1) and `[` over known words (POSIX test, by the number of arguments): a string, -z, -n,
 * = == !=, the integer comparisons, and ! before them. File tests and -a/-o are not decided.
 */
/** A word with a quoted part ('', "", $''): it stays a word even when it expands to nothing. */
function quotedWord(w: Word): boolean {
  return w.parts.some((p) => p.type === 'sq' || p.type === 'dq' || p.type === 'ansic');
}

/**
 * A test over words already expanded, as the shell's test builtin decides it; a file test
 * (`[ -f .env ]`) is not known: uidctl does not read the host's files for it.
 */
function testOf(a: string[], pattern = false): 'true' | 'false' | 'unknown' {
  const t = testExpression(a, pattern, () => 'unknown');

  return t === 'unknown' ? t : t === 0 ? 'true' : 'false';
}

function scriptOf(p: Pipeline): Script {
  return { items: [{ andOr: { first: p, rest: [] }, background: false }] };
}

/** A condition as written, for messages (its words when it is one simple command). */
function scriptText(sc: Script): string {
  const item = sc.items.length === 1 ? sc.items[0].andOr : undefined;
  return item && item.rest.length === 0 ? pipelineText(item.first) : 'a condition';
}

function pipelineText(p: Pipeline): string {
  const c = p.commands.length === 1 ? p.commands[0] : undefined;
  const text = c?.type === 'cmd' ? c.args.map((w) => w.raw).join(' ') : c?.type === 'test' ? `[[ ${c.words.map((w) => w.raw).join(' ')} ]]` : 'a command';
  return `${p.negated ? '! ' : ''}${text}`;
}

function lineOfPipeline(p: Pipeline): number | undefined {
  for (const c of p.commands) {
    const l = lineOfCommand(c);
    if (l !== undefined) return l;
  }
  return undefined;
}

/** 0-based line of the first command of a script, when one holds a line. */
function lineOfScript(sc: Script | undefined): number | undefined {
  for (const item of sc?.items ?? []) {
    for (const p of [item.andOr.first, ...item.andOr.rest.map((r) => r.pipeline)]) {
      const l = lineOfPipeline(p);
      if (l !== undefined) return l;
    }
  }
  return undefined;
}

function lineOfCommand(c: Command): number | undefined {
  switch (c.type) {
    case 'cmd':
    case 'arith': return c.lineOffset;
    case 'if': return lineOfScript(c.clauses[0]?.cond);
    case 'for': return lineOfScript(c.body);
    case 'while':
    case 'until': return lineOfScript(c.cond);
    case 'case': return lineOfScript(c.items[0]?.body);
    case 'group':
    case 'subshell': return lineOfScript(c.body);
    case 'func': return lineOfCommand(c.body);
    default: return undefined;
  }
}
