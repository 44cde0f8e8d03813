// `docker run` / `podman run` / `nerdctl run` command lines, pasted as the user wrote them,
// turned into a RunContext. The shell words are expanded as the invoking shell would expand
// them before docker sees them ($(id -u), $PWD, ~), then the options are read the way the
// CLI's flag library (spf13/pflag, with interspersed flags off) reads them.

import type { DockerDaemon, RunContext } from '../model/types.js';
import { normalizePath } from '../image/fs.js';
import { parseShell } from '../shell/parse.js';
import { expandWordIn, literalValue, type ExpandCtx } from '../shell/words.js';
import type { Assumption } from '../model/types.js';
import type { Script, SimpleCommand, Word } from '../shell/ast.js';
import { ShellSyntaxError } from '../shell/ast.js';
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

/** The argv of a simple one-command script, when every word is a plain literal. */
function literalArgv(script: Script): string[] | null {
  if (script.items.length !== 1) return null;
  const { andOr } = script.items[0];
  if (andOr.rest.length > 0 || andOr.first.commands.length !== 1) return null;
  const cmd = andOr.first.commands[0];
  if (cmd.type !== 'cmd' || cmd.assigns.length > 0) return null;
  const words = cmd.args.map(literalValue);

  return words.every((w): w is string => w !== null) ? words : null;
}

/** Outputs of the few commands run lines substitute: id -u, id -g, id -un, whoami, pwd. */
function substitute(argv: string[] | null, inv: Invoker): string | null {
  if (!argv || argv.length === 0) return null;
  const [cmd, ...args] = argv;
  if (cmd === 'pwd') return inv.cwd;
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
function expandWord(w: Word, vars: Record<string, string>, inv: Invoker, notes: ExpandNotes): string {
  const hook = (script: Script, raw: string): string | null => {
    const out = substitute(literalArgv(script), inv);
    if (out === null) notes.warnings.push(`cannot evaluate $(${raw}); kept as written`);

    return out;
  };
  const missing = new Set<string>();
  const special = new Set<string>();
  const ctx: ExpandCtx = {
    env: (name) => {
      if (Object.hasOwn(vars, name)) {
        if (notes.own.has(name) && !Object.hasOwn(notes.assigned, name)) notes.shellOwn.add(name);
        return vars[name];
      }
      if (PARAMETER.test(name)) {
        missing.add(name);
        return null;
      }
      // $$, $!, $?, $-: the shell's own state, not known here.
      special.add(name);
      return undefined;
    },
    onCmdSubst: hook,
    homeOf: (user) => homeOf(user, inv, notes),
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

/** Every simple command of a script, in order (the run line may follow `set -e`, exports...). */
function simpleCommands(script: Script): SimpleCommand[] {
  const out: SimpleCommand[] = [];

  for (const item of script.items) {
    for (const pipeline of [item.andOr.first, ...item.andOr.rest.map((r) => r.pipeline)]) {
      for (const c of pipeline.commands) if (c.type === 'cmd') out.push(c);
    }
  }

  return out;
}

/**
 * Parse a `docker run` line (or a small script holding one) as pasted: `sudo`, line
 * continuations, quotes, $(id -u), $PWD, ~ and variables assigned or exported earlier in the
 * text are evaluated as the invoking shell would.
 */
export function parseDockerRun(text: string, opts: RunParseOptions): ParsedRun {
  // A caller from JavaScript may leave out what the types require: say what is missing.
  if (opts?.invoker === undefined || opts.invoker === null) throw new TypeError('parseDockerRun: options.invoker is required (the uid, gid, home and cwd of who runs the command)');
  let script: Script;
  try {
    script = parseShell(text);
  } catch (e) {
    if (e instanceof ShellSyntaxError) {
      const line = (opts.line ?? 1) + e.lineOffset;
      throw new RunParseError(`shell syntax: ${e.message}`, undefined, opts.file, line);
    }
    throw e;
  }

  const assigned: Record<string, string> = {};
  const warnings: string[] = [];
  const own: ReadonlySet<string> = new Set(ownVariables(opts.shell));
  const notes: ExpandNotes = { warnings, unset: new Set(), shellOwn: new Set(), own, assigned, homes: new Map() };
  let engineCommand: { argv: string[]; line: number } | undefined;
  let first: ParsedRun | undefined;
  const runLines: number[] = [];

  for (const cmd of simpleCommands(script)) {
    const vars = shellEnv(opts, assigned);
    const line = opts.line !== undefined ? opts.line + cmd.lineOffset : cmd.lineOffset + 1;
    // What this command's words met counts only for an assignment and the first run command.
    const local: ExpandNotes = { warnings: [], unset: new Set(), shellOwn: new Set(), own, assigned, homes: new Map() };
    const merge = () => {
      warnings.push(...local.warnings);
      for (const n of local.unset) notes.unset.add(n);
      for (const n of local.shellOwn) notes.shellOwn.add(n);
      for (const [n, h] of local.homes) notes.homes.set(n, h);
    };
    let argv: string[];
    try {
      argv = cmd.args.map((w) => expandWord(w, vars, opts.invoker, local));

      // `X=1` alone and `export X=1` set variables the run line may use.
      if (argv.length === 0 || argv[0] === 'export') {
        for (const a of cmd.assigns) assigned[a.name] = expandWord(a.value, vars, opts.invoker, local);
        for (const a of argv.slice(1)) {
          const eq = a.indexOf('=');
          if (eq > 0) assigned[a.slice(0, eq)] = a.slice(eq + 1);
        }
        merge();
        continue;
      }
    } catch (e) {
      // ${X?} of an unset X: the shell stops before docker starts.
      if (e instanceof RunParseError && e.file === undefined) throw new RunParseError(e.detail, e.flag, opts.file, line);
      throw e;
    }
    if (!isRunCommand(argv)) {
      if (ENGINES[baseName(argv[skipWrappers(argv)] ?? '')]) engineCommand ??= { argv, line };
      continue;
    }
    runLines.push(line);
    if (first) continue;
    merge();
    const words = cmd.args.map((w) => w.raw).join(' ');
    // An unquoted expansion that comes out empty is no word at all (field splitting), and
    // "$@" with no arguments is none either.
    const kept = cmd.args.map((w, k) => ({ w, value: argv[k] })).filter(({ w, value }) => value !== '' || (/["']/.test(w.raw) && w.raw !== '"$@"'));
    const raw = kept.map((x) => x.w.raw);
    // What the docker process's environment holds: the shell's, what the text exported, a
    // `NAME=value docker run` prefix, and `env NAME=value docker run`.
    const daemonEnv: Record<string, string> = {};
    for (const k of ['DOCKER_HOST', 'DOCKER_CONTEXT']) {
      const v = assigned[k] ?? opts.env?.[k];
      if (v !== undefined && v !== '') daemonEnv[k] = v;
    }
    for (const a of cmd.assigns) daemonEnv[a.name] = expandWord(a.value, vars, opts.invoker, local);
    for (const w of argv.slice(0, skipWrappers(argv))) {
      const m = /^(DOCKER_HOST|DOCKER_CONTEXT)=(.*)$/.exec(w);
      if (m) daemonEnv[m[1]] = m[2];
    }
    try {
      // The line of each kept word: a flag on a continuation line is named at its own line.
      const base = opts.line ?? 1;
      const lines = cmd.argLines ? kept.map((x) => base + (cmd.argLines![cmd.args.indexOf(x.w)] ?? cmd.lineOffset)) : undefined;
      first = parseRunArgv(kept.map((x) => x.value), { ...opts, line, text: words, warnings, raw, daemonEnv, lines });
    } catch (e) {
      // A line made wrong by a variable the shell would have had: say which.
      if (e instanceof RunParseError && notes.unset.size > 0) {
        // bash's own UID, EUID, GROUPS in a file sh runs are empty for that reason, not for
        // uidctl's environment: said as the warning says it.
        const lacking = [...notes.unset].filter((n) => plainShellLacks(n, opts.shell));
        const unset = [...notes.unset].filter((n) => !lacking.includes(n));
        const names = (list: string[]) => `${list.map((n) => `$${n}`).join(', ')} ${list.length > 1 ? 'are' : 'is'}`;
        const why = [
          ...(unset.length > 0 ? [`${names(unset)} not set in the environment uidctl runs in`] : []),
          ...(lacking.length > 0 ? [`${names(lacking)} empty under ${opts.shell === 'dash' ? 'dash' : 'sh'} (the #! line; only bash sets ${lacking.length > 1 ? 'them' : 'it'})`] : []),
        ].join(', and ');
        throw new RunParseError(`${e.detail} (${why}, so ${notes.unset.size > 1 ? 'they expand' : 'it expands'} to nothing, as in a shell)`, e.flag, e.file, e.line);
      }
      throw e;
    }
    const assumptions = runAssumptions(notes, opts, line);
    if (first.userUnknown !== undefined) {
      assumptions.push({
        id: 'run-user:unknown',
        subject: '--user',
        text: `--user ${first.userUnknown}: the command substitution is not run, so the user is not known; the identity shown is a stand-in (nobody, 65534), not a prediction`,
        confidence: 'low',
        ...definedOnly({ file: opts.file, line: opts.file !== undefined ? line : undefined }),
      });
    }
    if (assumptions.length > 0) first.assumptions = [...(first.assumptions ?? []), ...assumptions];
    // As Compose warns of a variable it makes blank, and before what the line then does.
    for (const name of notes.unset) {
      first.warnings.push(plainShellLacks(name, opts.shell)
        ? `$${name} is empty under ${opts.shell === 'dash' ? 'dash' : 'sh'} (the #! line): only bash sets ${name}, so it expands to an empty string`
        : isArgument(name)
        ? `$${name} is a script argument, and none is given here: it expands to nothing`
        : `$${name} is not set in the environment uidctl runs in: it expands to an empty string, as in a shell where it is unset (export it, or write its value, if your shell has it)`);
    }
  }

  // A script that starts a helper container first (a database, say) is common: check the first
  // run command, as documented, and say so rather than refuse the file.
  if (first && runLines.length > 1) {
    const where = opts.file ?? 'the run text';
    // Two run commands may share a line (`docker run a || docker run b`): each line named once.
    const lines = [...new Set(runLines)];
    const at = lines.length > 1 ? `lines ${lines.join(', ')}` : `both on line ${lines[0]}`;
    first.note = `${where} holds ${runLines.length} run commands (${runLines.length > 2 && lines.length === 1 ? `all on line ${lines[0]}` : at}); checking the first, line ${runLines[0]}`;
  }
  if (first) {
    // Each warning once, however many words of the text met the same thing ($UID in --user and
    // in -e, the same $(cmd) twice).
    const unique = [...new Set(first.warnings)];
    first.warnings.splice(0, first.warnings.length, ...unique);
    return first;
  }

  // A docker command that is not `run` gets the precise complaint.
  if (engineCommand) parseRunArgv(engineCommand.argv, { ...opts, line: engineCommand.line });
  throw new RunParseError('no "docker run", "podman run" or "nerdctl run" command found', undefined, opts.file, opts.line);
}

