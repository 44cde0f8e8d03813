// An ImageSnapshot (what the layers and the config say) turned into the ImageState the build
// simulator starts from. Pure: everything comes from the snapshot.

import type {
  Distro,
  GroupEntry,
  FsTree,
  ImageConfig,
  ImageState,
  LoginDefs,
  PasswordState,
  ShadowAging,
  PythonEnv,
} from '../model/types.js';
import { ADDUSER_BOOKWORM_DEFAULTS, SHADOW_DEFAULTS, adduserDefs, parseGroup, parseLoginDefs, parsePasswd } from '../image/accounts.js';
import { resolvePath } from '../image/fs.js';
import { DEFAULT_PATH, emptyConfig, scratchState } from '../image/state.js';
import type { ImageSnapshot } from './layers.js';
import { refreshDerived } from '../shell/commands/config.js';

/** The text of a file, following symlinks inside the image (/etc/os-release is one on Debian). */
export function textAt(s: ImageSnapshot, path: string): string | undefined {
  if (s.texts[path] !== undefined) return s.texts[path];
  const r = resolvePath(s.fs, path);

  return r.meta?.kind === 'file' ? s.texts[r.path] : undefined;
}

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};

  for (const line of text.split('\n')) {
    const m = line.match(/^([A-Z0-9_]+)=(.*)$/);
    if (!m) continue;
    out[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  }

  return out;
}

export function distroOf(osRelease: Record<string, string>): Distro {
  if (/distroless/i.test(osRelease.PRETTY_NAME ?? '')) return 'distroless';
  const ids = [osRelease.ID ?? '', ...(osRelease.ID_LIKE ?? '').split(/\s+/)];

  for (const id of ids) {
    if (id === 'debian' || id === 'ubuntu' || id === 'alpine') return id;
    if (['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'ol', 'amzn'].includes(id)) return 'rhel';
  }

  return 'unknown';
}

/** The aging fields redactShadow keeps, as pam_unix reads them (an empty field is -1). */
export function agingOf(redacted: string | undefined): Record<string, ShadowAging> | undefined {
  let out: Record<string, ShadowAging> | undefined;
  const day = (v: string) => (v === '' ? -1 : /^-?\d+$/.test(v) ? Number(v) : undefined);

  for (const line of (redacted ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 6) continue;
    const [lastChange, max, inactive, expire] = f.slice(2, 6).map(day);
    const a: ShadowAging = {};
    if (lastChange !== undefined && lastChange !== -1) a.lastChange = lastChange;
    if (max !== undefined) a.max = max;
    if (inactive !== undefined) a.inactive = inactive;
    if (expire !== undefined) a.expire = expire;
    (out ??= {})[f[0]] = a;
  }

  return out;
}

function passwordsOf(redacted: string | undefined): Record<string, PasswordState> {
  const out: Record<string, PasswordState> = {};

  for (const line of (redacted ?? '').split('\n')) {
    const [name, state] = line.split(':');
    if (name && (state === 'locked' || state === 'none' || state === 'set' || state === 'empty')) {
      out[name] = state;
    }
  }

  return out;
}

/**
 * login.defs, then the useradd and adduser defaults that the model also needs. adduser.conf is
 * read with the defaults adduser documents in it (Debian 12 ships every setting commented out:
 * `#DIR_MODE=0700` under `# Default: DIR_MODE=0700`); on Debian 12 without such a file, its
 * adduser's own defaults apply, as the catalog's debian:bookworm has them.
 */
export function loginDefsOf(s: ImageSnapshot, groups: GroupEntry[] = parseGroup(textAt(s, '/etc/group') ?? '')): LoginDefs {
  const defs = parseLoginDefs(textAt(s, '/etc/login.defs') ?? '', SHADOW_DEFAULTS);

  for (const line of (textAt(s, '/etc/default/useradd') ?? '').split('\n')) {
    const m = line.match(/^\s*SHELL=(\S+)/);
    if (m) defs.defaultShell = m[1];
  }

  const os = parseOsRelease(textAt(s, '/etc/os-release') ?? '');
  const bookworm = distroOf(os) === 'debian' && os.ID === 'debian' && os.VERSION_ID === '12';

  return { ...defs, ...adduserDefs(textAt(s, '/etc/adduser.conf'), bookworm ? ADDUSER_BOOKWORM_DEFAULTS : undefined, groups) };
}

function exists(tree: FsTree, path: string): boolean {
  const r = resolvePath(tree, path);

  return r.meta !== undefined && !r.loop;
}

function isDir(tree: FsTree, path: string): boolean {
  return resolvePath(tree, path).meta?.kind === 'dir';
}

/**
 * Pythons found by their directories: Debian's system one (/usr/lib/python3.X, where pip writes
 * to /usr/local/lib/python3.X/dist-packages), source builds under /usr/local, conda prefixes
 * (a conda-meta folder beside lib/) and venvs (pyvenv.cfg). Ordered as PATH would find them.
 */
export function detectPythons(tree: FsTree, pathVar: string): PythonEnv[] {
  const found: PythonEnv[] = [];
  const seen = new Set<string>();
  const add = (p: PythonEnv) => {
    if (seen.has(p.sitePackages)) return;
    seen.add(p.sitePackages);
    found.push(p);
  };

  for (const [path, meta] of tree) {
    if (meta.kind !== 'dir') continue;

    const sys = path.match(/^\/usr\/lib\/python(3\.\d+)$/);
    if (sys && exists(tree, `/usr/bin/python${sys[1]}`)) {
      add({
        python: exists(tree, '/usr/bin/python3') ? '/usr/bin/python3' : `/usr/bin/python${sys[1]}`,
        kind: 'system',
        sitePackages: `/usr/local/lib/python${sys[1]}/dist-packages`,
        version: sys[1],
        externallyManaged: exists(tree, `${path}/EXTERNALLY-MANAGED`),
        binDir: '/usr',
      });
      continue;
    }

    const site = path.match(/^(\/.*)\/lib\/python(3\.\d+)\/site-packages$/);
    if (!site || site[1] === '/usr') continue;
    const [, prefix, version] = site;
    const kind: PythonEnv['kind'] = isDir(tree, `${prefix}/conda-meta`)
      ? 'conda'
      : exists(tree, `${prefix}/pyvenv.cfg`)
        ? 'venv'
        : 'source';
    const bin = `${prefix}/bin`;
    const python = [`${bin}/python3`, `${bin}/python`, `${bin}/python${version}`].find((p) => exists(tree, p));
    if (!python) continue;
    add({
      python,
      kind,
      sitePackages: path,
      version,
      externallyManaged: exists(tree, `${prefix}/lib/python${version}/EXTERNALLY-MANAGED`),
      binDir: prefix,
    });
  }

  const dirs = pathVar.split(':');
  const rank = (p: PythonEnv) => {
    const i = dirs.indexOf(`${p.binDir}/bin`);

    return i === -1 ? dirs.length : i;
  };

  return found.sort((a, b) => rank(a) - rank(b) || (a.sitePackages < b.sitePackages ? -1 : 1));
}

function envRecord(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};

  for (const kv of env) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }

  return out;
}

export function imageConfigOf(s: ImageSnapshot): ImageConfig {
  const base = emptyConfig();
  const c = s.config;

  return {
    ...base,
    user: c.user,
    workdir: c.workingDir || '/',
    env: envRecord(c.env),
    volumes: [...c.volumes].sort(),
    entrypoint: c.entrypoint,
    cmd: c.cmd,
    shell: c.shell && c.shell.length > 0 ? c.shell : base.shell,
    exposedPorts: c.exposedPorts ?? [],
    labels: c.labels,
  };
}

export function snapshotToState(
  s: ImageSnapshot,
  ref: string,
  source: 'archive' | 'engine' | 'registry',
): ImageState {
  const state = scratchState();
  const config = imageConfigOf(s);
  const osRelease = parseOsRelease(textAt(s, '/etc/os-release') ?? '');

  state.base = ref;
  state.distro = distroOf(osRelease);
  state.fs = s.fs;
  state.config = config;
  const group = parseGroup(textAt(s, '/etc/group') ?? '');
  state.accounts = {
    passwd: parsePasswd(textAt(s, '/etc/passwd') ?? ''),
    group,
    passwords: passwordsOf(s.texts['/etc/shadow']),
    loginDefs: loginDefsOf(s, group),
  };
  const aging = agingOf(s.texts['/etc/shadow']);
  if (aging) state.accounts.aging = aging;

  state.pythons = detectPythons(s.fs, config.env.PATH ?? DEFAULT_PATH);
  const conda = state.pythons.find((p) => p.kind === 'conda');
  if (conda) state.condaPrefix = conda.binDir;
  else if (isDir(s.fs, '/opt/conda')) state.condaPrefix = '/opt/conda';

  if (exists(s.fs, '/usr/bin/sudo')) state.packages.sudo = { name: 'sudo', via: 'base' };
  for (const p of state.pythons) {
    if (p.kind === 'conda') state.packages.conda = { name: 'conda', via: 'base' };
  }

  for (const [path, content] of Object.entries(s.texts)) state.texts[path] = { content };
  // sudo rules, sshd and Jupyter settings come from those texts, as after a RUN.
  refreshDerived(state);

  const at = `${source}:${ref}${s.digest ? `@${s.digest}` : ''}`;
  state.provenance = [{ source, ref: s.digest ? `${ref}@${s.digest}` : ref }];
  state.assumptions = s.warnings.map((w, i) => ({
    id: `archive-warning-${i + 1}`,
    subject: at,
    text: w,
    confidence: 'medium' as const,
  }));
  if (!s.texts['/etc/passwd'] && !textAt(s, '/etc/passwd')) {
    state.assumptions.push({
      id: 'archive-no-passwd',
      subject: at,
      text: 'The image has no /etc/passwd: only numeric users can run in it.',
      confidence: 'high',
    });
  }

  return state;
}
