// Mount specifications as the Docker CLI reads them: `-v src:dst:opts`, `--mount k=v,...` and
// `--tmpfs dst:opts`. Mirrors docker/cli opts/mount.go and moby's daemon/volume/mounts
// linux_parser.go (which sources are binds, which options exist).

import type { MountSpec } from '../model/types.js';
import { normalizePath } from '../image/fs.js';
import { RunParseError } from './errors.js';
import { splitCsv } from '../dockerfile/run-mount.js';

export interface PathContext {
  /** Directory relative bind sources are resolved against. */
  cwd: string;
  home: string;
}

/** `-v` options that mean something here; the rest (propagation, SELinux, ...) are accepted. */
const VOLUME_OPTIONS = new Set([
  'ro', 'rw', 'z', 'Z', 'nocopy', 'copy', 'shared', 'rshared', 'slave', 'rslave', 'private',
  'rprivate', 'delegated', 'cached', 'consistent', 'U', 'O', 'exec', 'noexec', 'suid', 'nosuid',
  'dev', 'nodev', 'bind', 'rbind', 'idmap', 'nosymfollow', 'symfollow',
]);

/** moby's linux parser: a source that is a path makes a bind; anything else names a volume. */
export function isBindSource(src: string): boolean {
  return /^[/.~$]/.test(src);
}

/** Resolve a bind source the way the CLI does: `~` to the home, relative to the cwd. */
export function hostPath(src: string, ctx: PathContext): string {
  // An unresolved variable stays as written: the resolver treats its facts as unknown.
  if (src.startsWith('$')) return src;
  if (src === '~') return normalizePath(ctx.home);
  if (src.startsWith('~/')) return normalizePath(src.slice(2), ctx.home);

  return normalizePath(src, ctx.cwd);
}

function requireAbsolute(target: string, written: string, flag: string): string {
  if (!target.startsWith('/')) {
    throw new RunParseError(`invalid mount target "${target}" in ${written}: must be an absolute path`, flag);
  }

  return normalizePath(target);
}

/** Parse the mode of a tmpfs: octal digits ("1777", "0755", "755"). */
export function parseOctal(text: string, written: string, flag: string): number {
  if (!/^[0-7]{1,5}$/.test(text)) throw new RunParseError(`invalid mode "${text}" in ${written}`, flag);

  return parseInt(text, 8);
}

function parseIdOption(text: string, written: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new RunParseError(`invalid id "${text}" in ${written}`, flag);

  return Number(text);
}

/**
 * One option of a kind given twice (`rw,ro`, `ro,ro`, `z,Z`): refused before anything starts.
 * Docker's volume parser allows one of each kind, read-write, label, propagation, copy and
 * consistency, and refuses the whole mode otherwise (moby volume/mounts linux_parser.go
 * linuxValidMountMode: "invalid mode: rw,ro"); podman allows one each of ro/rw, dev/nodev,
 * suid/nosuid and root propagation (pkg/util mountOpts.go ProcessOptions, with
 * ErrDupeMntOption's "duplicate mount option passed").
 */
function duplicateMode(options: string[], tool: 'docker' | 'podman'): string | undefined {
  const count = (set: string[]) => options.filter((o) => set.includes(o)).length;
  const propagation = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'];
  if (tool === 'docker') {
    const kinds = [['rw', 'ro'], ['z', 'Z'], propagation, ['nocopy', 'copy'], ['consistent', 'cached', 'delegated']];
    return kinds.some((k) => count(k) > 1) ? `invalid mode: ${options.join(',')}` : undefined;
  }
  const podman: [string[], string][] = [
    [['rw', 'ro'], "only one of 'rw' and 'ro' can be used"],
    [['dev', 'nodev'], "only one of 'nodev' and 'dev' can be used"],
    [['suid', 'nosuid'], "only one of 'nosuid' and 'suid' can be used"],
    [propagation, 'only one root propagation mode can be used'],
  ];
  const hit = podman.find(([k]) => count(k) > 1);

  return hit ? `${hit[1]}: duplicate mount option passed` : undefined;
}

/**
 * `-v` / `--volume`: `dst` (anonymous), `src:dst` or `src:dst:opts`. A source starting with
 * / . ~ or $ is a bind; docker creates a missing bind source, podman refuses it.
 */
export function parseVolumeFlag(
  value: string,
  ctx: PathContext,
  opts: { tool: 'docker' | 'podman'; written?: string; flag?: string; compose?: boolean },
): MountSpec {
  const flag = opts.flag ?? '-v';
  const written = opts.written ?? `${flag} ${value}`;
  const parts = value.split(':');

  if (parts.length === 1) {
    const target = requireAbsolute(parts[0], written, flag);
    return { target, kind: 'anonymous', readonly: false, createMissingSource: false, written };
  }
  if (parts.length > 3 || parts[0] === '' || parts[1] === '') {
    throw new RunParseError(`invalid volume specification: '${value}'`, flag);
  }

  const [src, dst, optText = ''] = parts;
  const options = optText === '' ? [] : optText.split(',');
  for (const o of options) {
    if (!VOLUME_OPTIONS.has(o)) throw new RunParseError(`invalid mode: ${o} in volume '${value}'`, flag);
  }

  // Compose reads the options into fields and writes the mode again (one ro at most), so a
  // repeated one does not reach the daemon from there.
  const twice = opts.compose ? undefined : duplicateMode(options, opts.tool);
  if (twice) throw new RunParseError(`${twice} in volume '${value}'`, flag);
  // U is podman's alone: the Docker daemon refuses it as it refuses any mode it does not know
  // (moby volume/mounts/linux_parser.go validMountMode).
  if (opts.tool === 'docker' && options.includes('U')) throw new RunParseError(`invalid mode: U in volume '${value}'`, flag);
  const target = requireAbsolute(dst, written, flag);
  const readonly = options.includes('ro');
  const nocopy = options.includes('nocopy') || undefined;
  const chownToUser = options.includes('U') || undefined;

  if (isBindSource(src)) {
    return {
      target,
      kind: 'bind',
      source: hostPath(src, ctx),
      readonly,
      createMissingSource: opts.tool === 'docker',
      written,
      ...(chownToUser ? { chownToUser } : {}),
    };
  }

  return { target, kind: 'volume', source: src, readonly, createMissingSource: false, written, nocopy, ...(chownToUser ? { chownToUser } : {}) };
}

function truthy(v: string | undefined): boolean {
  return v === undefined || v === '' || v === 'true' || v === '1';
}

/**
 * `--mount type=bind|volume|tmpfs,src=..,dst=..,readonly,...` (docker/cli opts/mount.go). The
 * type defaults to volume; a bind whose source is missing is refused unless bind-create-src.
 */
export function parseMountFlag(value: string, ctx: PathContext, written = `--mount ${value}`, tool: 'docker' | 'podman' = 'docker'): MountSpec {
  const flag = '--mount';
  let type = 'volume';
  let source: string | undefined;
  let target: string | undefined;
  let readonly = false;
  let nocopy = false;
  let createSrc = false;
  let chownToUser = false;
  let tmpfsMode: number | undefined;
  let tmpcopyup: boolean | undefined;

  for (const field of splitCsv(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);

    switch (key) {
      case 'type': type = val ?? ''; break;
      case 'source': case 'src': source = val; break;
      case 'target': case 'dst': case 'destination': target = val; break;
      case 'readonly': case 'ro': readonly = truthy(val); break;
      case 'volume-nocopy': nocopy = truthy(val); break;
      case 'bind-create-src': createSrc = truthy(val); break;
      // podman's U (or chown): change the source's owner to the container user at start.
      case 'u': case 'chown':
        // docker/cli opts/mount.go knows neither key.
        if (tool === 'docker') throw new RunParseError(`unexpected key '${key}' in '${value}'`, flag);
        chownToUser = truthy(val);
        break;
      case 'tmpfs-mode': tmpfsMode = parseOctal(val ?? '', written, flag); break;
      case 'bind-propagation': case 'bind-nonrecursive': case 'bind-recursive':
      case 'consistency': case 'volume-driver': case 'volume-opt': case 'volume-subpath':
      case 'volume-label': case 'tmpfs-size': case 'tmpfs-options': case 'image-subpath':
      case 'notmpcopyup': tmpcopyup = !truthy(val); break;
      case 'tmpcopyup': tmpcopyup = truthy(val); break;
      case 'relabel': case 'idmap':
      case 'bind-rslave': case 'rw':
        if (key === 'rw') readonly = !truthy(val);
        break;
      default:
        throw new RunParseError(`unexpected key '${key}' in '${value}'`, flag);
    }
  }

  if (!target) throw new RunParseError(`target is required in --mount ${value}`, flag);
  const dst = requireAbsolute(target, written, flag);

  if (type === 'bind') {
    if (!source) throw new RunParseError(`source is required when specifying bind mounts: ${value}`, flag);
    return {
      target: dst,
      kind: 'bind',
      source: hostPath(source, ctx),
      readonly,
      createMissingSource: createSrc,
      written,
      ...(chownToUser ? { chownToUser } : {}),
    };
  }
  if (type === 'volume') {
    const kind = source ? 'volume' : 'anonymous';
    return { target: dst, kind, source, readonly, createMissingSource: false, written, nocopy: nocopy || undefined, ...(chownToUser ? { chownToUser } : {}) };
  }
  if (type === 'tmpfs') {
    if (source) throw new RunParseError(`source must not be specified for tmpfs mounts: ${value}`, flag);
    return { target: dst, kind: 'tmpfs', readonly, createMissingSource: false, written, tmpfsMode, ...(tmpcopyup !== undefined ? { tmpcopyup } : {}) };
  }

  throw new RunParseError(`mount type "${type}" is not supported here (bind, volume, tmpfs)`, flag);
}

/** `--tmpfs /run:mode=1770,uid=1000,gid=1000,size=64m` (and compose's `tmpfs:` entries). */
export function parseTmpfsFlag(value: string, written = `--tmpfs ${value}`, flag = '--tmpfs'): MountSpec {
  const colon = value.indexOf(':');
  const dst = colon < 0 ? value : value.slice(0, colon);
  const spec: MountSpec = {
    target: requireAbsolute(dst, written, flag),
    kind: 'tmpfs',
    readonly: false,
    createMissingSource: false,
    written,
  };

  for (const opt of colon < 0 ? [] : value.slice(colon + 1).split(',')) {
    const [k, v] = opt.split('=', 2);
    if (k === 'mode') spec.tmpfsMode = parseOctal(v ?? '', written, flag);
    else if (k === 'uid') spec.tmpfsUid = parseIdOption(v ?? '', written, flag);
    else if (k === 'gid') spec.tmpfsGid = parseIdOption(v ?? '', written, flag);
    else if (k === 'ro') spec.readonly = true;
    // podman's --tmpfs options (podman-run(1)): copy-up is its default.
    else if (k === 'notmpcopyup') spec.tmpcopyup = false;
    else if (k === 'tmpcopyup') spec.tmpcopyup = true;
  }

  return spec;
}

/** Mounts in the order the resolver applies them: shallow targets first (Docker sorts so). */
export function sortMounts(mounts: MountSpec[]): MountSpec[] {
  const depth = (p: string) => (p === '/' ? 0 : p.split('/').length - 1);

  return [...mounts].sort((a, b) => depth(a.target) - depth(b.target));
}
