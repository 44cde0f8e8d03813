// The JSON the probe script prints (see ./script.ts), and a strict reader for it: a file that
// is not a probe's output gets one clear sentence naming the first field that is wrong.

import { jsonSyntaxError } from './json-position.js';

export interface ProbeMount {
  target: string;
  /** The part of the source file system mounted here (mountinfo field 4): a host folder for binds. */
  root: string;
  fstype: string;
  source: string;
  ro: boolean;
  /** Owner and mode of the mount point as the container sees it; null when stat failed. */
  uid: number | null;
  gid: number | null;
  /** Four octal digits, e.g. "0755", "1777". */
  mode: string | null;
  kind: 'dir' | 'file' | 'char' | 'symlink' | 'other' | null;
  /** Directories only: an entry could be created in it. null for files. */
  writable: boolean | null;
  /**
   * A folder could be listed (read and search), a file opened for reading; null for other kinds.
   * Absent in probes written before the field existed.
   */
  readable?: boolean | null;
}

export interface ProbePython {
  path: string;
  version: string | null;
  /** Where a plain `pip install` writes (sysconfig purelib). */
  purelib: string | null;
  purelibExists: boolean;
  purelibWritable: boolean;
  /** Where `pip install --user` writes; writable means it exists and is, or can be created. */
  userSite: string | null;
  userSiteWritable: boolean;
  userBase: string | null;
  externallyManaged: boolean;
  /** Absent in probes written before the field existed: then only `pip` on PATH tells. */
  pipModule?: boolean;
}

export interface ProbeSudo {
  path: string | null;
  tested: boolean;
  /** `sudo -n true` succeeded; null when not tested. */
  nopasswd: boolean | null;
  message: string | null;
}

export interface ProbeGpu {
  path: string;
  uid: number | null;
  gid: number | null;
  mode: string | null;
  kind: string | null;
  readable: boolean;
  writable: boolean;
  /** The node could be opened read-write: what CUDA needs. */
  openRw: boolean;
}

/** A path asked for with UIDCTL_PROBE_PATHS (uidctl verify --path). */
export interface ProbePath {
  path: string;
  exists: boolean;
  uid: number | null;
  gid: number | null;
  mode: string | null;
  kind: ProbeMount['kind'];
  readable: boolean;
  /** A folder: an entry can be created in it; a file: it opens for appending; missing: it can be created. */
  writable: boolean;
}

/**
 * Environment variables that change what pip does, when the probe recorded them (null: unset).
 * Probes that predate them leave the field out; diagnose then takes them as unset.
 */
export interface ProbePipEnv {
  PIP_BREAK_SYSTEM_PACKAGES: string | null;
  VIRTUAL_ENV: string | null;
  PYTHONNOUSERSITE: string | null;
}

export interface ProbeReport {
  probe: 'uidctl';
  probeVersion: number;
  /** How writability was measured: a real create+remove, or `test -w`. */
  writeTest: 'create' | 'test';
  uid: number;
  gid: number;
  groups: number[];
  user: string | null;
  group: string | null;
  hasPasswdEntry: boolean;
  home: { path: string | null; set: boolean; exists: boolean; writable: boolean };
  cwd: { path: string; writable: boolean };
  umask: string;
  /** The PATH variable of the probing shell. */
  path: string | null;
  capEff: string | null;
  caps: string[] | null;
  userns: { uidMap: [number, number, number][] | null; gidMap: [number, number, number][] | null };
  mounts: ProbeMount[];
  python: ProbePython | null;
  pip: string | null;
  sudo: ProbeSudo;
  gpu: ProbeGpu[];
  paths: ProbePath[];
  /** Optional: absent in reports of probes that do not record it. */
  pipEnv?: ProbePipEnv;
}

/**
 * The input is not a probe report; the message names the first bad field, or for a text that is
 * not JSON at all, the line and column where it stops being JSON.
 */
export class ProbeParseError extends Error {
  constructor(message: string, readonly line?: number, readonly column?: number) {
    super(message);
  }
}

type Obj = Record<string, unknown>;

function fail(where: string, want: string, got: unknown): never {
  const shown = got === undefined ? 'missing' : `got ${JSON.stringify(got)?.slice(0, 40)}`;

  throw new ProbeParseError(`field ${where} must be ${want} (${shown})`);
}

function obj(v: unknown, where: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(where, 'an object', v);

  return v as Obj;
}

function int(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(where, 'a non-negative integer', v);

  return v;
}

function intOrNull(v: unknown, where: string): number | null {
  return v === null ? null : int(v, where);
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string') fail(where, 'a string', v);

  return v;
}

function strOrNull(v: unknown, where: string): string | null {
  return v === null ? null : str(v, where);
}

function bool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') fail(where, 'true or false', v);

  return v;
}

function boolOrNull(v: unknown, where: string): boolean | null {
  return v === null ? null : bool(v, where);
}

function arr(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) fail(where, 'an array', v);

  return v;
}

function modeStr(v: unknown, where: string): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || !/^[0-7]{3,4}$/.test(v)) fail(where, 'an octal mode like "0755"', v);

  return v.padStart(4, '0');
}

function idMap(v: unknown, where: string): [number, number, number][] | null {
  if (v === null) return null;

  return arr(v, where).map((row, i) => {
    const r = arr(row, `${where}[${i}]`);
    if (r.length !== 3) fail(`${where}[${i}]`, 'three numbers', row);

    return [int(r[0], `${where}[${i}]`), int(r[1], `${where}[${i}]`), int(r[2], `${where}[${i}]`)];
  });
}

const KINDS = new Set(['dir', 'file', 'char', 'symlink', 'other']);

function mount(v: unknown, where: string): ProbeMount {
  const m = obj(v, where);
  const kind = m.kind === null ? null : str(m.kind, `${where}.kind`);
  if (kind !== null && !KINDS.has(kind)) fail(`${where}.kind`, 'dir, file, char, symlink or other', kind);

  return {
    target: str(m.target, `${where}.target`),
    root: str(m.root, `${where}.root`),
    fstype: str(m.fstype, `${where}.fstype`),
    source: str(m.source, `${where}.source`),
    ro: bool(m.ro, `${where}.ro`),
    uid: intOrNull(m.uid, `${where}.uid`),
    gid: intOrNull(m.gid, `${where}.gid`),
    mode: modeStr(m.mode, `${where}.mode`),
    kind: kind as ProbeMount['kind'],
    writable: boolOrNull(m.writable, `${where}.writable`),
    ...(m.readable === undefined ? {} : { readable: boolOrNull(m.readable, `${where}.readable`) }),
  };
}

function probePath(v: unknown, where: string): ProbePath {
  const x = obj(v, where);
  const kind = x.kind === null ? null : str(x.kind, `${where}.kind`);
  if (kind !== null && !KINDS.has(kind)) fail(`${where}.kind`, 'dir, file, char, symlink or other', kind);

  return {
    path: str(x.path, `${where}.path`),
    exists: bool(x.exists, `${where}.exists`),
    uid: intOrNull(x.uid, `${where}.uid`),
    gid: intOrNull(x.gid, `${where}.gid`),
    mode: modeStr(x.mode, `${where}.mode`),
    kind: kind as ProbePath['kind'],
    readable: bool(x.readable, `${where}.readable`),
    writable: bool(x.writable, `${where}.writable`),
  };
}

function python(v: unknown): ProbePython | null {
  if (v === null) return null;
  const p = obj(v, 'python');

  return {
    path: str(p.path, 'python.path'),
    version: strOrNull(p.version, 'python.version'),
    purelib: strOrNull(p.purelib, 'python.purelib'),
    purelibExists: bool(p.purelibExists, 'python.purelibExists'),
    purelibWritable: bool(p.purelibWritable, 'python.purelibWritable'),
    userSite: strOrNull(p.userSite, 'python.userSite'),
    userSiteWritable: bool(p.userSiteWritable, 'python.userSiteWritable'),
    userBase: strOrNull(p.userBase, 'python.userBase'),
    externallyManaged: bool(p.externallyManaged, 'python.externallyManaged'),
    ...(p.pipModule === undefined ? {} : { pipModule: bool(p.pipModule, 'python.pipModule') }),
  };
}

function pipEnv(v: unknown): ProbePipEnv {
  const e = obj(v, 'pipEnv');

  return {
    PIP_BREAK_SYSTEM_PACKAGES: strOrNull(e.PIP_BREAK_SYSTEM_PACKAGES ?? null, 'pipEnv.PIP_BREAK_SYSTEM_PACKAGES'),
    VIRTUAL_ENV: strOrNull(e.VIRTUAL_ENV ?? null, 'pipEnv.VIRTUAL_ENV'),
    PYTHONNOUSERSITE: strOrNull(e.PYTHONNOUSERSITE ?? null, 'pipEnv.PYTHONNOUSERSITE'),
  };
}

function gpu(v: unknown, where: string): ProbeGpu {
  const g = obj(v, where);

  return {
    path: str(g.path, `${where}.path`),
    uid: intOrNull(g.uid, `${where}.uid`),
    gid: intOrNull(g.gid, `${where}.gid`),
    mode: modeStr(g.mode, `${where}.mode`),
    kind: strOrNull(g.kind, `${where}.kind`),
    readable: bool(g.readable, `${where}.readable`),
    writable: bool(g.writable, `${where}.writable`),
    openRw: bool(g.openRw, `${where}.openRw`),
  };
}

/** Read and check a probe's output. Throws ProbeParseError with one sentence. */
export function parseProbeReport(text: string): ProbeReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const tail = "it should be the output of 'uidctl probe --script | ... sh'";
    if (text.trim() === '') throw new ProbeParseError(`not JSON (the file is empty); ${tail}`);
    const bad = jsonSyntaxError(text);

    throw new ProbeParseError(`not JSON (${bad?.message ?? 'not valid JSON'}); ${tail}`, bad?.line, bad?.column);
  }
  const d = obj(doc, 'the document');
  if (d.probe !== 'uidctl') fail('probe', '"uidctl" (is this the output of uidctl probe?)', d.probe);
  const version = int(d.probeVersion, 'probeVersion');
  if (version !== 1) throw new ProbeParseError(`probeVersion ${version} is not supported (this uidctl reads version 1)`);

  const home = obj(d.home, 'home');
  const cwd = obj(d.cwd, 'cwd');
  const userns = obj(d.userns, 'userns');
  const sudo = obj(d.sudo, 'sudo');
  const writeTest = str(d.writeTest, 'writeTest');
  if (writeTest !== 'create' && writeTest !== 'test') fail('writeTest', '"create" or "test"', writeTest);
  const umask = str(d.umask, 'umask');
  if (!/^[0-7]{3,4}$/.test(umask)) fail('umask', 'an octal mask like "0022"', umask);

  return {
    probe: 'uidctl',
    probeVersion: version,
    writeTest,
    uid: int(d.uid, 'uid'),
    gid: int(d.gid, 'gid'),
    groups: arr(d.groups, 'groups').map((g, i) => int(g, `groups[${i}]`)),
    user: strOrNull(d.user, 'user'),
    group: strOrNull(d.group, 'group'),
    hasPasswdEntry: bool(d.hasPasswdEntry, 'hasPasswdEntry'),
    home: {
      path: strOrNull(home.path, 'home.path'),
      set: bool(home.set, 'home.set'),
      exists: bool(home.exists, 'home.exists'),
      writable: bool(home.writable, 'home.writable'),
    },
    cwd: { path: str(cwd.path, 'cwd.path'), writable: bool(cwd.writable, 'cwd.writable') },
    umask: umask.padStart(4, '0'),
    path: strOrNull(d.path, 'path'),
    capEff: strOrNull(d.capEff, 'capEff'),
    caps: d.caps === null ? null : arr(d.caps, 'caps').map((c, i) => str(c, `caps[${i}]`)),
    userns: { uidMap: idMap(userns.uidMap, 'userns.uidMap'), gidMap: idMap(userns.gidMap, 'userns.gidMap') },
    mounts: arr(d.mounts, 'mounts').map((m, i) => mount(m, `mounts[${i}]`)),
    python: python(d.python),
    pip: strOrNull(d.pip, 'pip'),
    sudo: {
      path: strOrNull(sudo.path, 'sudo.path'),
      tested: bool(sudo.tested, 'sudo.tested'),
      nopasswd: boolOrNull(sudo.nopasswd, 'sudo.nopasswd'),
      message: strOrNull(sudo.message, 'sudo.message'),
    },
    gpu: arr(d.gpu, 'gpu').map((g, i) => gpu(g, `gpu[${i}]`)),
    paths: d.paths === undefined ? [] : arr(d.paths, 'paths').map((x, i) => probePath(x, `paths[${i}]`)),
    ...(d.pipEnv === undefined ? {} : { pipEnv: pipEnv(d.pipEnv) }),
  };
}

/** Paths the engine itself bind-mounts into every container: not the user's mounts. */
const ENGINE_FILES = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/run/.containerenv', '/.dockerenv']);

/**
 * The mounts the user asked for (-v, --mount, volumes, tmpfs): directories other than the root
 * file system, the kernel's trees and the files the engine adds. Deduplicated by target, the
 * last mount on a target being the one that shows (mountinfo lists them in mount order).
 */
export function userMounts(p: ProbeReport): ProbeMount[] {
  const byTarget = new Map<string, ProbeMount>();

  for (const m of p.mounts) {
    if (m.target === '/' || ENGINE_FILES.has(m.target)) continue;
    if (m.target === '/dev' || m.target === '/dev/shm' || m.target.startsWith('/dev/')) continue;
    if (m.target === '/proc' || m.target.startsWith('/proc/') || m.target.startsWith('/sys')) continue;
    byTarget.set(m.target, m);
  }

  return [...byTarget.values()];
}

/**
 * How a mount came to be, from what mountinfo shows: a Docker named volume lives under
 * .../volumes/NAME/_data on the host; a tmpfs is its own file system; any other mount whose
 * root is a sub-folder of a disk file system is a bind of a host folder.
 */
export function mountKind(m: ProbeMount): 'bind' | 'volume' | 'tmpfs' | 'other' {
  if (m.fstype === 'tmpfs') return 'tmpfs';
  if (/\/volumes\/[^/]+\/_data$/.test(m.root)) return 'volume';
  if (m.root !== '/' || m.kind === 'file') return 'bind';

  return 'other';
}

/** Capability names from CapEff hex, in the kernel's bit order (include/uapi/linux/capability.h). */
export const CAP_BITS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

export function decodeCaps(hex: string): string[] {
  const v = BigInt(`0x${hex}`);

  return CAP_BITS.filter((_, bit) => ((v >> BigInt(bit)) & 1n) === 1n);
}
