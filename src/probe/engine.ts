// How `uidctl verify` reproduces a build and a run command with a real engine: the build
// command with its build args and target, the parsed RunContext written back as flags of
// `docker run`, `podman run` or `buildah run`, and the probe script with the extra paths to
// report. Pure: the CLI spawns the commands.

import type { MountSpec, RunContext } from '../model/types.js';
import { PROBE_SCRIPT } from './script.js';

export type VerifyEngine = 'docker' | 'podman' | 'buildah';

export interface RunFlags {
  flags: string[];
  /** Parts of the run the engine cannot reproduce, as sentences: the comparison may differ there. */
  notReproduced: string[];
}

/** Quote a word for a POSIX shell. */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The probe script, preceded by the paths it should also report. */
export function probeScriptFor(paths: string[]): string {
  if (paths.length === 0) return PROBE_SCRIPT;

  return `UIDCTL_PROBE_PATHS=${shQuote(paths.join('\n'))}\n${PROBE_SCRIPT}`;
}

/** What the image is built from, and as what. */
export interface BuildSpec {
  tag: string;
  /** The Dockerfile and the build context, as absolute paths. */
  file: string;
  context: string;
  buildArgs: Record<string, string>;
  target?: string;
}

/** buildah's global flags (storage driver) and the isolation its steps run with. */
export interface BuildahSetup {
  globals: string[];
  isolation: string;
}

/** `--build-arg K=V` for each build arg, then `--target STAGE`: the same for all three engines. */
export function buildFlags(buildArgs: Record<string, string>, target: string | undefined): string[] {
  const flags = Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);

  return target === undefined ? flags : [...flags, '--target', target];
}

/**
 * The build command's words after the program's name: `docker build` / `podman build`, or
 * `buildah bud` after buildah's global flags. buildah builds with --layers, as the oracle
 * does: without it buildah 1.28 makes a WORKDIR at its line (for the USER then), with it only
 * when a later step runs there (measured), which is what --builder buildah models.
 */
export function buildCommand(engine: VerifyEngine, b: BuildSpec, buildah: BuildahSetup = { globals: [], isolation: 'chroot' }): string[] {
  const flags = buildFlags(b.buildArgs, b.target);
  if (engine === 'buildah') {
    return [...buildah.globals, 'bud', '--isolation', buildah.isolation, '--pull=false', '--layers', ...flags, '-t', b.tag, '-f', b.file, b.context];
  }

  return ['build', '-q', ...flags, '-t', b.tag, '-f', b.file, b.context];
}

function tmpfsOptions(m: MountSpec): string[] {
  const o: string[] = [];
  if (m.tmpfsMode !== undefined) o.push(`mode=${m.tmpfsMode.toString(8).padStart(4, '0')}`);
  if (m.tmpfsUid !== undefined) o.push(`uid=${m.tmpfsUid}`);
  if (m.tmpfsGid !== undefined) o.push(`gid=${m.tmpfsGid}`);

  return o;
}

function mountFlags(engine: VerifyEngine, m: MountSpec, notReproduced: string[]): string[] {
  const ro = m.readonly ? ':ro' : '';

  switch (m.kind) {
    case 'bind':
      return ['-v', `${m.source}:${m.target}${ro}`];
    case 'tmpfs': {
      const o = tmpfsOptions(m);
      if (engine === 'buildah') return ['--mount', ['type=tmpfs', `destination=${m.target}`, ...(m.readonly ? ['ro'] : []), ...o.map((x) => `tmpfs-${x}`)].join(',')];

      return ['--tmpfs', o.length > 0 ? `${m.target}:${o.join(',')}` : m.target];
    }
    case 'volume':
    case 'anonymous':
      if (engine === 'buildah') {
        notReproduced.push(`${m.written}: buildah run has no named or anonymous volumes`);
        return [];
      }
      return ['-v', m.kind === 'volume' ? `${m.source}:${m.target}${ro}` : m.target];
    default:
      notReproduced.push(`${m.written}: a ${m.kind} mount is not reproduced`);
      return [];
  }
}

/**
 * Flags for `docker run` / `podman run` (put before the image) or `buildah run` (before the
 * container), from what the run command set. The image's USER and WORKDIR apply when the run
 * did not override them, with every engine.
 */
export function runFlags(engine: VerifyEngine, run: RunContext): RunFlags {
  const flags: string[] = [];
  const notReproduced: string[] = [];
  const buildah = engine === 'buildah';

  if (run.user !== undefined) flags.push('--user', run.user);
  for (const m of run.mounts) flags.push(...mountFlags(engine, m, notReproduced));
  if (run.workdir !== undefined) flags.push(buildah ? '--workingdir' : '-w', run.workdir);
  for (const [k, v] of Object.entries(run.env)) flags.push('-e', `${k}=${v}`);
  for (const c of run.capAdd) flags.push('--cap-add', c);
  for (const c of run.capDrop) flags.push('--cap-drop', c);

  const unsupported = (what: string, written: string[]) => {
    if (buildah) notReproduced.push(`${what}: buildah run has no equivalent`);
    else flags.push(...written);
  };
  for (const g of run.groupAdd) unsupported(`--group-add ${g}`, ['--group-add', g]);
  if (run.privileged) unsupported('--privileged', ['--privileged']);
  if (run.noNewPrivileges) unsupported('no-new-privileges', ['--security-opt', 'no-new-privileges']);
  if (run.readOnlyRootfs) unsupported('--read-only', ['--read-only']);
  if (run.userns !== undefined) unsupported(`--userns=${run.userns}`, [`--userns=${run.userns}`]);
  // buildah takes id maps at `buildah from`, not at `buildah run`.
  for (const v of run.uidmap ?? []) unsupported(`--uidmap ${v}`, ['--uidmap', v]);
  for (const v of run.gidmap ?? []) unsupported(`--gidmap ${v}`, ['--gidmap', v]);
  if (run.subuidname !== undefined) unsupported(`--subuidname ${run.subuidname}`, ['--subuidname', run.subuidname]);
  if (run.subgidname !== undefined) unsupported(`--subgidname ${run.subgidname}`, ['--subgidname', run.subgidname]);
  for (const d of run.options?.device ?? []) unsupported(`--device ${d}`, ['--device', d]);
  for (const g of run.options?.gpus ?? []) unsupported(`--gpus ${g}`, ['--gpus', g]);
  if (run.tool === 'kubernetes' || run.tool === 'compose') {
    notReproduced.push(`the run came from ${run.tool}; only its docker-like settings are reproduced`);
  }

  return { flags, notReproduced };
}
