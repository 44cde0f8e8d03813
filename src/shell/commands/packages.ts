// RUN commands that install software: the distribution package managers (apt, apk, dnf),
// pip, python -m venv, conda/mamba and git clone. Only the effects that change who can do what
// are modelled: sudo and its sudoers, sshd and its config, Python environments and where pip
// writes, Jupyter, and the owners of what a non-root user creates.

import type { FsTree, ImageState, PythonEnv } from '../../model/types.js';
import { groupByGid, groupByName, lowestFreeId, userByName, userByUid } from '../../image/accounts.js';
import { baseName, childrenOf, contentsUnknown, isUnder, mkdirp, unreadWrites, normalizePath, parentOf, resolvePath, withMeta } from '../../image/fs.js';
import { DEFAULT_PATH } from '../../image/state.js';
import type { CmdResult, CommandHandler, ExecContext } from '../context.js';
import { refreshDerived } from './config.js';
import { packageAccountScript } from './package-accounts.js';
import { PLAIN_DISTRO, absentFromPath, codePaths, missingOnPlainImage, notFound, notInstalled, scriptFileError, shellQuote, unknownOutput } from './builtins.js';

const res = (status: number, ...stderr: string[]): CmdResult =>
  stderr.length > 0 ? { status, stderr } : { status };

const JUPYTER = new Set([
  'jupyter', 'jupyterlab', 'notebook', 'jupyter-notebook', 'python3-notebook', 'jupyter-server',
  'jupyter_server', 'jupyter-core', 'nbclassic', 'jupyterhub', 'voila',
]);

/**
 * A package or requirement name with nothing to strip (no version, extra, arch or channel) and
 * already lower-case: the name cleaners below return it unchanged, so they are skipped.
 */
const PLAIN_NAME = /^[a-z0-9._+-]*$/;

// ---------------------------------------------------------------- system Python per release

export interface SystemPython {
  version: string;
  externallyManaged: boolean;
  /** Where root's `pip install` writes. */
  sitePackages: string;
  /** Release the facts were chosen for, e.g. "debian 12". */
  release: string;
  assumed: boolean;
  /**
   * With the release assumed, whether PEP 668's marker is there all the same: every release
   * the reference may name has it (plain alpine or debian, latest). Else the marker, and the
   * refusal of `pip install` it brings, rest on the assumption.
   */
  markerSure?: boolean;
}

/** A reference that names the newest release of plain alpine or debian, whichever that is now. */
const NEWEST = /^(?:docker\.io\/)?(?:library\/)?(?:alpine(?::(?:latest|edge))?|debian(?::(?:latest|stable|stable-slim|testing|testing-slim|sid|sid-slim|unstable))?)$/;

/** The standard library folder of a distribution's python3 (Debian, Ubuntu). */
function stdlibDir(version: string): string {
  return `/usr/lib/python${version}`;
}

/** PEP 668's marker: while this file exists, pip refuses to install outside a venv. */
export function externallyManagedMarker(version: string): string {
  return `${stdlibDir(version)}/EXTERNALLY-MANAGED`;
}

/**
 * The python3 a distribution's package manager installs (base-images.md section 7): Debian 12
 * 3.11 and Ubuntu 23.04+ carry the PEP 668 marker; Debian's pip writes to
 * /usr/local/lib/python3.X/dist-packages.
 */
export function systemPythonFor(state: ImageState): SystemPython {
  const os = state.texts['/etc/os-release']?.content ?? '';
  const id = `${state.base} ${os}`.toLowerCase();
  const deb = (version: string, em: boolean, release: string, assumed = false): SystemPython => ({
    version,
    externallyManaged: em,
    sitePackages: `/usr/local/lib/python${version}/dist-packages`,
    release,
    assumed,
  });

  if (state.distro === 'ubuntu' || /ubuntu/.test(id)) {
    const table: [RegExp, string, boolean, string][] = [
      [/(20\.04|focal)/, '3.8', false, 'ubuntu 20.04'],
      [/(22\.04|jammy)/, '3.10', false, 'ubuntu 22.04'],
      [/(23\.04|lunar|23\.10|mantic)/, '3.11', true, 'ubuntu 23.x'],
      [/(24\.04|noble|24\.10|oracular)/, '3.12', true, 'ubuntu 24.x'],
      [/(25\.04|plucky|25\.10|questing)/, '3.13', true, 'ubuntu 25.x'],
    ];
    for (const [re, v, em, rel] of table) if (re.test(id)) return deb(v, em, rel);
    return deb('3.10', false, 'ubuntu 22.04', true);
  }

  if (state.distro === 'alpine') {
    const m = id.match(/alpine:?(\d+)\.(\d+)/) ?? os.match(/VERSION_ID=(\d+)\.(\d+)/);
    const minor = m ? Number(m[2]) : 20;
    const version = minor >= 20 ? '3.12' : minor >= 17 ? '3.11' : '3.10';
    return {
      version,
      externallyManaged: minor >= 19,
      sitePackages: `/usr/lib/python${version}/site-packages`,
      release: `alpine 3.${minor}`,
      assumed: !m,
      // Every Alpine since 3.19 (2023) has the marker, so the newest does.
      markerSure: !m && NEWEST.test(state.base),
    };
  }

  if (state.distro === 'rhel') {
    const v = /(ubi|rhel|rocky|alma|centos)[^0-9]*8/.test(id) ? '3.6' : '3.9';
    return { version: v, externallyManaged: false, sitePackages: `/usr/local/lib/python${v}/site-packages`, release: 'rhel', assumed: true };
  }

  const table: [RegExp, string, boolean, string][] = [
    [/(buster|debian:10|version_id="10")/, '3.7', false, 'debian 10'],
    [/(bullseye|debian:11|version_id="11")/, '3.9', false, 'debian 11'],
    [/(bookworm|debian:12|version_id="12")/, '3.11', true, 'debian 12'],
    [/(trixie|debian:13|version_id="13"|sid)/, '3.13', true, 'debian 13'],
  ];
  for (const [re, v, em, rel] of table) if (re.test(id)) return deb(v, em, rel);

  // Debian 12 and every release after it have the marker.
  return { ...deb('3.11', true, 'debian 12', true), markerSure: NEWEST.test(state.base) };
}

// ---------------------------------------------------------------- file helpers

function put(ctx: ExecContext, path: string, kind: 'file' | 'dir', mode: number, uid = 0, gid = 0): void {
  mkdirp(ctx.state.fs, parentOf(path), { uid: 0, gid: 0, mode: 0o755, origin: ctx.origin });
  ctx.state.fs.set(path, { kind, uid, gid, mode, origin: ctx.origin });
}

function putText(ctx: ExecContext, path: string, content: string, mode: number): void {
  put(ctx, path, 'file', mode);
  ctx.state.texts[path] = { content, line: ctx.line };
}

/** Create path and its missing parents as the caller, mode 0777 & ~umask (os.makedirs, mkdir -p). */
function makeDirsAs(ctx: ExecContext, path: string): void {
  mkdirp(ctx.state.fs, path, {
    uid: ctx.ident.uid,
    gid: ctx.ident.gid,
    mode: 0o777 & ~ctx.umask,
    origin: ctx.origin,
  });
}

/**
 * The first path on the way to `path` that the caller cannot create, as the OSError names it
 * (os.makedirs fails on the first missing component), or undefined when all can be made.
 */
function blockedAt(ctx: ExecContext, path: string): string | undefined {
  const r = resolvePath(ctx.state.fs, path);
  if (r.meta) return ctx.access(path, 'create').allowed ? undefined : path;

  const missingAt = r.missingAt ?? '/';
  const rest = r.path.slice(missingAt === '/' ? 1 : missingAt.length + 1).split('/');
  const first = missingAt === '/' ? `/${rest[0]}` : `${missingAt}/${rest[0]}`;

  return ctx.access(first, 'create').allowed ? undefined : first;
}

function homeOf(ctx: ExecContext): string {
  return ctx.env.get('HOME') || ctx.ident.home || '/';
}

// ---------------------------------------------------------------- package effects

/** The /etc/sudoers each distribution's sudo package installs. */
export const SUDOERS: Record<string, string> = {
  debian: [
    '# sudoers: edit with visudo.',
    'Defaults\tenv_reset',
    'Defaults\tmail_badpass',
    'Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
    'Defaults\tuse_pty',
    '',
    'root\tALL=(ALL:ALL) ALL',
    '',
    '%sudo\tALL=(ALL:ALL) ALL',
    '',
    '@includedir /etc/sudoers.d',
    '',
  ].join('\n'),
  alpine: [
    '# sudoers: edit with visudo.',
    'root ALL=(ALL:ALL) ALL',
    '# %wheel ALL=(ALL:ALL) ALL',
    '',
    '@includedir /etc/sudoers.d',
    '',
  ].join('\n'),
  rhel: [
    '# sudoers: edit with visudo.',
    'Defaults   !visiblepw',
    'root\tALL=(ALL) \tALL',
    '%wheel\tALL=(ALL)\tALL',
    '',
    '#includedir /etc/sudoers.d',
    '',
  ].join('\n'),
};

const SSHD_CONFIG = [
  'Include /etc/ssh/sshd_config.d/*.conf',
  '',
  '#PermitRootLogin prohibit-password',
  '#PasswordAuthentication yes',
  '#PermitEmptyPasswords no',
  'KbdInteractiveAuthentication no',
  'UsePAM yes',
  'X11Forwarding yes',
  'PrintMotd no',
  'AcceptEnv LANG LC_*',
  'Subsystem\tsftp\t/usr/lib/openssh/sftp-server',
  '',
].join('\n');

function ensureSystemPython(ctx: ExecContext, via: string): PythonEnv {
  const state = ctx.state;
  const existing = state.pythons.find((p) => p.kind === 'system');
  if (existing) return existing;

  const sp = systemPythonFor(state);
  if (sp.assumed) {
    state.assumptions.push({
      id: `system-python:${ctx.line}`,
      subject: 'python3',
      text: `the release could not be told from "${state.base}"; python3 assumed to be ${sp.version} as on ${sp.release}`,
      confidence: 'low',
      // PEP 668's marker, when it is there only on that guess: pip's refusal rests on it.
      paths: sp.externallyManaged && sp.markerSure !== true ? [externallyManagedMarker(sp.version)] : undefined,
      file: ctx.file,
      line: ctx.line,
    });
  }

  const stdlib = stdlibDir(sp.version);
  // Debian, Ubuntu and Alpine ship /usr/bin/python3 as a link to python3.X (which
  // update-alternatives may replace).
  put(ctx, `/usr/bin/python${sp.version}`, 'file', 0o755);
  if (state.distro === 'rhel') put(ctx, '/usr/bin/python3', 'file', 0o755);
  else state.fs.set('/usr/bin/python3', { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: `python${sp.version}`, origin: ctx.origin });
  put(ctx, stdlib, 'dir', 0o755);
  if (state.distro !== 'alpine') put(ctx, '/usr/lib/python3/dist-packages', 'dir', 0o755);
  if (sp.externallyManaged) put(ctx, externallyManagedMarker(sp.version), 'file', 0o644);
  mkdirp(state.fs, sp.sitePackages, { uid: 0, gid: 0, mode: 0o755, origin: ctx.origin });

  const env: PythonEnv = {
    python: '/usr/bin/python3',
    kind: 'system',
    sitePackages: sp.sitePackages,
    version: sp.version,
    externallyManaged: sp.externallyManaged,
    binDir: '/usr',
  };
  state.pythons.push(env);
  ctx.trace(`${via}: system python ${sp.version} (${sp.release}), pip writes ${sp.sitePackages}`);

  return env;
}

/**
 * installPackage for each name of one install command. The package folders list in part once
 * any package is in (packageFilesUnknown), before the first and again after the last, for a
 * folder a package's files made: once per command rather than once per package, an apt-get
 * install of thirty names needing no more than one of one.
 */
function installAll(ctx: ExecContext, names: readonly string[], via: string): boolean {
  if (names.length === 0) return false;
  packageFilesUnknown(ctx.state.fs);
  let texts = false;
  for (const n of names) texts = installPackage(ctx, n, via) || texts;
  packageFilesUnknown(ctx.state.fs);
  optFilesUnknown(ctx.state, names);

  return texts;
}

/**
 * The effects of one package that matter for permissions; everything else is root-owned files.
 * True when it wrote what the sudo, sshd or Jupyter settings derive from (sudo and openssh
 * bring their configuration): only then must the caller refresh them (refreshDerived), which
 * an install of thirty other packages does not need.
 */
export function installPackage(ctx: ExecContext, rawName: string, via: string): boolean {
  const state = ctx.state;
  const name = PLAIN_NAME.test(rawName)
    ? rawName
    : rawName.replace(/[=<>~!].*$/, '').replace(/:[a-z0-9]+$/, '').replace(/\/.*$/, '').toLowerCase();
  if (name === '') return false;
  state.packages[name] = { name, via, line: ctx.line };
  let texts = false;

  if (name === 'sudo') {
    put(ctx, '/usr/bin/sudo', 'file', 0o4755);
    put(ctx, '/etc/sudoers.d', 'dir', 0o755);
    // dpkg/apk keep a sudoers the image already has (a conffile).
    if (!state.texts['/etc/sudoers']) {
      const text = SUDOERS[state.distro === 'alpine' || state.distro === 'rhel' ? state.distro : 'debian'];
      putText(ctx, '/etc/sudoers', text, 0o440);
    }
    texts = true;
    if ((state.distro === 'debian' || state.distro === 'ubuntu') && !groupByName(state.accounts, 'sudo')) {
      const gid = groupByGid(state.accounts, 27) ? lowestFreeId(state.accounts.group.map((g) => g.gid), 100, 999) : 27;
      state.accounts.group.push({ name: 'sudo', gid, members: [] });
    }
  }

  if (name === 'openssh-server' || (name === 'openssh' && state.distro === 'alpine')) {
    put(ctx, '/usr/sbin/sshd', 'file', 0o755);
    put(ctx, '/etc/ssh/sshd_config.d', 'dir', 0o755);
    // No /run/sshd: the package leaves it to tmpfiles.d at boot, which a build never runs
    // (measured in the oracle: after apt-get install openssh-server the image lacks it).
    if (!state.texts['/etc/ssh/sshd_config']) putText(ctx, '/etc/ssh/sshd_config', SSHD_CONFIG, 0o644);
    addSshdUser(ctx);
    texts = true;
  }

  // Debian's python3-* libraries, virtualenv and pipx depend on python3 (apt-cache depends), and
  // so do tools written in Python: add-apt-repository's software-properties-common, supervisor,
  // certbot, meson, ansible, awscli, unattended-upgrades.
  const needsPython = /^python3(\.\d+)?(-(pip|venv|dev|full|minimal))?$|^py3-pip$|^python-is-python3$/.test(name) ||
    ((state.distro === 'debian' || state.distro === 'ubuntu') && (/^python3-[a-z0-9]|^(virtualenv|pipx)$/.test(name) || PYTHON_TOOLS.has(name)));
  if (needsPython) {
    ensureSystemPython(ctx, via);
    if (/pip$/.test(name)) {
      put(ctx, '/usr/bin/pip3', 'file', 0o755);
      put(ctx, '/usr/bin/pip', 'file', 0o755);
    }
  }

  // Python 2 on the releases that still have it (Ubuntu 16.04 to 20.04, Debian 10 and 11):
  // python2.7 gives /usr/bin/python2.7 alone; python2 also /usr/bin/python2; python (and
  // python-minimal) also /usr/bin/python, as python-is-python2 does, and every python-MODULE
  // package (python-dev, python-tk, python-pip) depends on python; python-pip gives pip and pip2
  // (packages.ubuntu.com file lists).
  if ((state.distro === 'debian' || state.distro === 'ubuntu') && name !== 'python-is-python3') {
    const py2 = /^python(2|2\.7)?(-minimal)?$|^python-[a-z0-9]/.exec(name);
    if (py2 !== null) {
      put(ctx, '/usr/bin/python2.7', 'file', 0o755);
      if (py2[1] !== '2.7') put(ctx, '/usr/bin/python2', 'file', 0o755);
      if (py2[1] === undefined) put(ctx, '/usr/bin/python', 'file', 0o755);
      if (name === 'python-pip') {
        put(ctx, '/usr/bin/pip2', 'file', 0o755);
        put(ctx, '/usr/bin/pip', 'file', 0o755);
      }
    }
  }

  if (JUPYTER.has(name)) state.packages.jupyter = { name: 'jupyter', via, line: ctx.line };
  if (name === 'git') put(ctx, '/usr/bin/git', 'file', 0o755);
  // Debian's npm (9.x): /usr/bin/npm, global prefix /usr/local (measured in the oracle suite).
  if (name === 'npm' && (state.distro === 'debian' || state.distro === 'ubuntu')) put(ctx, '/usr/bin/npm', 'file', 0o755);

  // The users and groups its install script creates (redis, postgres, debian-tor, ...).
  const accounts = packageAccountScript(state.distro, name);
  if (accounts !== undefined) {
    ctx.trace(`${via}: the install script of ${name} adds its accounts`);
    ctx.runScript(accounts);
  }

  return texts;
}

/** The folders a distribution package puts its programs and libraries in. */
export const PACKAGE_DIRS = ['/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/lib', '/lib', '/usr/libexec', '/usr/share'];

/** Where a package file installed by hand (`dpkg -i x.deb`) may also put files. */
export const LOCAL_DIRS = ['/usr/local/bin', '/usr/local/sbin', '/usr/local/lib', '/usr/local/share', '/usr/local', '/opt', '/etc'];

/**
 * What a package puts in these folders is not listed (tini brings /usr/bin/tini, procps ps and
 * top): a folder listed in full, as an image read from an archive, the engine or a registry has
 * it, lists only in part from now on, so the program the package brings is not "known missing"
 * (exec: "tini": executable file not found). The catalog's folders list in part already; they
 * are left as they are, with what they know to be absent.
 */
function packageFilesUnknown(fs: FsTree): void {
  for (const dir of PACKAGE_DIRS) {
    const r = resolvePath(fs, dir);
    if (r.meta?.kind === 'dir' && r.meta.partial !== true) fs.set(r.path, withMeta(r.meta, { partial: true, filled: true }));
  }
}

/** Debian and Ubuntu packages of programs written in Python: installing one brings python3. */
const PYTHON_TOOLS = new Set(['software-properties-common', 'supervisor', 'certbot', 'meson', 'ansible', 'awscli', 'unattended-upgrades']);

/**
 * Packages of other vendors' repositories that install into /opt: ROS (ros-humble-* make
 * /opt/ros/humble), Google's Chrome (/opt/google), Microsoft's Edge and SQL tools, Intel's
 * oneAPI (/opt/intel), AMD's ROCm (/opt/rocm), NVIDIA's Nsight, TeamViewer.
 */
const OPT_PACKAGES = /^(ros-|google-chrome|microsoft-edge|mssql-tools|msodbcsql|intel-|rocm|hip-|nsight-|teamviewer)/;

/**
 * What such a package adds to /opt is not known: /opt lists in part from then on. What is
 * listed there stays as it was (no package replaces a file a step put there).
 */
function optFilesUnknown(state: ImageState, names: readonly string[]): void {
  const fs = state.fs;
  if (!names.some((n) => OPT_PACKAGES.test(n)) && !addedRepository(state)) return;
  const opt = fs.get('/opt');
  if (opt?.kind === 'dir' && opt.partial !== true) fs.set('/opt', withMeta(opt, { partial: true }));
}

/**
 * A package repository a step of this build added (a file in /etc/apt/sources.list.d or
 * /etc/yum.repos.d that is not the base's): its packages are another vendor's, which may put
 * files in /opt too (Apache's couchdb makes /opt/couchdb).
 */
function addedRepository(state: ImageState): boolean {
  for (const dir of REPOSITORY_DIRS) {
    if (state.fs.has(dir)) {
      for (const p of childrenOf(state.fs, dir)) if (!state.fs.get(p)!.origin?.startsWith('catalog:')) return true;
    }
    // Written where the model lists nothing (/etc/apt is not described): noted with its path.
    if (state.unknowns.some((u) => u.paths.some((p) => isUnder(p, dir) && p !== dir))) return true;
  }

  return false;
}

const REPOSITORY_DIRS = ['/etc/apt/sources.list.d', '/etc/yum.repos.d'];

/** Debian's openssh-server postinst adds a system user sshd (home /run/sshd, group nogroup). */
function addSshdUser(ctx: ExecContext): void {
  const acc = ctx.state.accounts;
  if (userByName(acc, 'sshd')) return;

  if (ctx.state.distro === 'rhel') {
    if (!groupByName(acc, 'sshd')) acc.group.push({ name: 'sshd', gid: 74, members: [] });
    acc.passwd.push({ name: 'sshd', uid: 74, gid: 74, gecos: 'Privilege-separated SSH', home: '/usr/share/empty.sshd', shell: '/sbin/nologin' });
    return;
  }

  const uid = lowestFreeId(acc.passwd.map((e) => e.uid), 100, 999);
  const gid = groupByName(acc, 'nogroup')?.gid ?? 65534;
  acc.passwd.push({ name: 'sshd', uid, gid, gecos: '', home: '/run/sshd', shell: '/usr/sbin/nologin' });
  acc.passwords.sshd = 'none';
}

function removePackage(ctx: ExecContext, rawName: string): void {
  const name = rawName.replace(/[=<>].*$/, '').toLowerCase();
  delete ctx.state.packages[name];
  if (name === 'sudo') ctx.state.fs.delete('/usr/bin/sudo');
}

// ---------------------------------------------------------------- apt / apk / dnf / dpkg

/** Options of apt-get that take a value (the rest are flags). */
const APT_VALUE_OPTS = new Set(['-o', '-t', '-c', '--option', '--target-release', '--config-file', '--default-release']);

function aptArgs(argv: string[]): { sub?: string; names: string[]; yes: boolean } {
  const names: string[] = [];
  let sub: string | undefined;
  let yes = false;

  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (APT_VALUE_OPTS.has(a)) {
      if (argv[i + 1]?.startsWith('APT::Get::Assume-Yes=true')) yes = true;
      i += 1;
      continue;
    }
    if (/^(-y|--yes|--assume-yes|-qq|-q=2|--force-yes)$/.test(a) || /^-[a-z]*y[a-z]*$/.test(a)) yes = true;
    if (a.startsWith('-')) continue;
    if (sub === undefined) sub = a;
    else names.push(a);
  }

  return { sub, names, yes };
}

/** apt and apt-get: dpkg's frontend lock decides non-root failures (exit 100). */
const apt: CommandHandler = (ctx, argv) => {
  const { sub, names, yes } = aptArgs(argv);
  const root = ctx.ident.uid === 0;
  const lockFail = (lock: string, what: string) =>
    res(100, `E: Could not open lock file ${lock} - open (13: Permission denied)`, `E: ${what}`);

  switch (sub) {
    case 'update':
      if (!root) return lockFail('/var/lib/apt/lists/lock', 'Unable to lock directory /var/lib/apt/lists/');
      return { status: 0 };

    case 'clean':
    case 'autoclean':
      if (!root) return lockFail('/var/cache/apt/archives/lock', 'Unable to lock directory /var/cache/apt/archives/');
      return { status: 0 };

    case 'install':
    case 'reinstall':
    case 'upgrade':
    case 'dist-upgrade':
    case 'full-upgrade':
    case 'remove':
    case 'purge':
    case 'autoremove':
      break;

    default:
      return { status: 0 };
  }

  if (!root) {
    return lockFail(
      '/var/lib/dpkg/lock-frontend',
      'Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?',
    );
  }

  if (sub === 'remove' || sub === 'purge' || sub === 'autoremove') {
    for (const n of names) removePackage(ctx, n);
    return { status: 0 };
  }

  // A name with a brace or comma (dash left `sudo{,-ldap}` unexpanded) is no package: apt looks
  // it up literally, finds nothing and installs nothing. One with apt's regex characters is a
  // pattern, which the model does not match.
  const impossible = names.find((n) => /[{},]/.test(n) && !/[.?+*|[^$]/.test(n));
  if (impossible !== undefined && sub !== 'upgrade' && sub !== 'dist-upgrade' && sub !== 'full-upgrade') {
    return res(100, `E: Unable to locate package ${impossible}`);
  }

  const local = names.filter((n) => n.startsWith('/') || n.startsWith('./') || n.endsWith('.deb'));
  // A package file's maintainer scripts may add accounts too (odoo's .deb adds odoo).
  if (local.length > 0) ctx.unknown(`${argv[0]} installs local packages the model cannot read (their files, and the accounts their install scripts add)`, ['/etc/passwd', '/etc/group', ...PACKAGE_DIRS, ...LOCAL_DIRS]);
  const texts = installAll(ctx, names.filter((x) => !local.includes(x)), 'apt');
  if (texts) refreshDerived(ctx.state);

  // Without -y apt asks before adding dependencies; a build has no terminal to answer.
  if (!yes && sub === 'install') {
    ctx.unknown(`${argv[0]} install without -y aborts at the confirmation prompt when it must add dependencies`, []);
    return { status: 'unknown' };
  }

  return { status: 0 };
};

const APK_VALUE_OPTS = new Set(['-t', '--virtual', '-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '--keys-dir']);

/** apk (apk-tools): a non-root caller cannot lock /lib/apk/db, exit 99. */
const apk: CommandHandler = (ctx, argv) => {
  const names: string[] = [];
  let sub: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (APK_VALUE_OPTS.has(a)) {
      i += 1;
      continue;
    }
    if (a.startsWith('-')) continue;
    if (sub === undefined) sub = a;
    else names.push(a);
  }

  if (!['add', 'del', 'update', 'upgrade', 'fix'].includes(sub ?? '')) return { status: 0 };
  if (ctx.ident.uid !== 0) {
    return res(99, 'ERROR: Unable to lock database: Permission denied', 'ERROR: Failed to open apk database: Permission denied');
  }

  if (sub === 'del') names.forEach((n) => removePackage(ctx, n));
  const texts = sub === 'add' && installAll(ctx, names, 'apk');
  if (texts) refreshDerived(ctx.state);

  return { status: 0 };
};

/** dnf, yum and microdnf: dnf refuses non-root callers before touching anything. */
const dnf: CommandHandler = (ctx, argv) => {
  const words = argv.slice(1).filter((a) => !a.startsWith('-'));
  const [sub, ...names] = words;
  if (!['install', 'remove', 'erase', 'update', 'upgrade', 'reinstall', 'groupinstall', 'makecache', 'clean'].includes(sub ?? '')) {
    return { status: 0 };
  }

  if (ctx.ident.uid !== 0) {
    if (baseName(argv[0]) === 'microdnf') return { status: 1 };
    return res(1, 'Error: This command has to be run with superuser privileges (under the root user on most systems).');
  }

  const texts = (sub === 'install' || sub === 'reinstall') && installAll(ctx, names, 'dnf');
  if (sub === 'remove' || sub === 'erase') names.forEach((n) => removePackage(ctx, n));
  if (texts) refreshDerived(ctx.state);

  return { status: 0 };
};

const dpkg: CommandHandler = (ctx, argv) => {
  const modifying = argv.slice(1).some((a) => /^(-i|--install|-r|--remove|-P|--purge|--configure|-a)$/.test(a));
  if (!modifying) return { status: 0 };
  if (ctx.ident.uid !== 0) return res(2, 'dpkg: error: requested operation requires superuser privilege');
  ctx.unknown('dpkg installs or removes packages the model cannot read (their files, and the accounts their install scripts add)', ['/etc/passwd', '/etc/group', ...PACKAGE_DIRS, ...LOCAL_DIRS]);
  // A .deb may hold files anywhere a package puts them (kong's brings /usr/local/bin/kong).
  contentsUnknown(ctx.state.fs, [...PACKAGE_DIRS, ...LOCAL_DIRS]);

  return { status: 0 };
};

// ---------------------------------------------------------------- Python environments

/** The Python environment a command name runs: a path names its env, else the first on PATH. */
export function findPythonEnv(state: ImageState, path: string | undefined, command: string, cwd = '/'): PythonEnv | undefined {
  const pythons = state.pythons;
  if (pythons.length === 0) return undefined;
  // The directories each environment's commands live in, worked out once for all PATH entries.
  const bins = pythons.map((p) => [normalizePath(`${p.binDir}/bin`), normalizePath(p.binDir), parentOf(p.python)]);
  const holding = (dir: string) => pythons.find((_, i) => bins[i].includes(dir));

  // A path is found from the working folder (`.venv/bin/pip` in WORKDIR /app).
  if (command.includes('/')) return holding(parentOf(normalizePath(command, cwd)));

  for (const dir of pathDirs(path ?? DEFAULT_PATH)) {
    const hit = holding(dir);
    if (hit) return hit;
  }

  return pythons.length === 1 ? pythons[0] : undefined;
}

/**
 * Python's user base, site.getuserbase(): PYTHONUSERBASE when it is set and not empty, else
 * HOME/.local (Lib/site.py _getuserbase; measured: pip-more/pythonuserbase-*). The user site is
 * BASE/lib/pythonX.Y/site-packages and `pip install --user` puts console scripts in BASE/bin
 * (https://docs.python.org/3/library/site.html). A relative value is kept as given by site.py,
 * which makes it absolute against the working folder when it adds the user site to sys.path
 * (makepath in addsitedir), and pip opens the relative paths it gets from the working folder
 * too: so both resolve it against the cwd, and so does this (measured:
 * pip-more/pythonuserbase-relative). `~` in the value is not expanded. The RUN-step pip model,
 * the run-time key paths, UID301/UID302/UID306 and Jupyter's config path all take it from here.
 */
export function pythonUserBase(value: string | undefined, home: string, cwd: string): string {
  return value ? normalizePath(value, cwd) : normalizePath(`${home}/.local`);
}

/** PATH values seen, split and normalised: every pip or python command reads the same one. */
const PATH_DIRS = new Map<string, string[]>();

/** The non-empty entries of a PATH value, normalised (a relative entry against /). */
function pathDirs(path: string): string[] {
  let dirs = PATH_DIRS.get(path);
  if (dirs === undefined) {
    dirs = [];
    for (const dir of path.split(':')) if (dir !== '') dirs.push(normalizePath(dir));
    if (PATH_DIRS.size >= 64) PATH_DIRS.clear();
    PATH_DIRS.set(path, dirs);
  }

  return dirs;
}

/** npm's true words for a config value (npm's own parsing; unchanged from before). */
const truthy = (v: string | undefined): boolean => v !== undefined && /^(1|true|yes|on)$/i.test(v);

/**
 * strtobool (pip/_internal/utils/misc.py), which pip applies to the switches it reads from the
 * environment and pip.conf: these words are true or false, any other is an error.
 */
function strtobool(v: string): boolean | undefined {
  const w = v.toLowerCase();
  if (w === 'y' || w === 'yes' || w === 't' || w === 'true' || w === 'on' || w === '1') return true;
  if (w === 'n' || w === 'no' || w === 'f' || w === 'false' || w === 'off' || w === '0') return false;

  return undefined;
}

/** A setting's name as pip compares it (pip/_internal/configuration.py _normalize_name). */
function pipKey(name: string): string {
  const key = name.toLowerCase().replace(/_/g, '-');

  return key.startsWith('--') ? key.slice(2) : key;
}

/**
 * The [section] key = value pairs of an INI file as configparser reads it: keys lower-cased,
 * values kept whole (no inline comments), indented continuation lines not read (the settings
 * modelled here take one value), section names case-sensitive.
 */
function iniSections(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (/^\s*([#;]|$)/.test(line) || /^\s/.test(line)) continue;
    const sec = line.match(/^\[([^\]]+)\]/);
    if (sec) {
      cur = out.get(sec[1]) ?? new Map<string, string>();
      out.set(sec[1], cur);
      continue;
    }
    const kv = line.match(/^([^=:]+?)\s*[=:]\s*(.*?)\s*$/);
    if (kv && cur) cur.set(kv[1].trim().toLowerCase(), kv[2]);
  }

  return out;
}

/** The pip settings names read here, and the environment variables that set them (PIP_NAME). */
const PIP_SETTINGS = ['break-system-packages', 'user', 'target', 'prefix', 'root', 'no-cache-dir', 'cache-dir', 'no-index'];
const PIP_SETTING_VARS = PIP_SETTINGS.map((k) => [k, `PIP_${k.toUpperCase().replace(/-/g, '_')}`] as const);

/** Whether any text the image keeps is a pip.conf (most images have none: nothing to read then). */
function hasPipConf(texts: ImageState['texts']): boolean {
  for (const k in texts) if (k.endsWith('pip.conf')) return true;

  return false;
}

/**
 * The settings `pip install` takes from its configuration (pip/_internal/configuration.py and
 * cli/parser.py ConfigOptionParser, pip 23): the files are read in the order global
 * ($XDG_CONFIG_DIRS or /etc/xdg, each /pip/pip.conf, then /etc/pip.conf), user (~/.pip/pip.conf,
 * then $XDG_CONFIG_HOME or ~/.config, /pip/pip.conf; skipped when PIP_CONFIG_FILE names a file
 * that exists), site (sys.prefix/pip.conf), then the file PIP_CONFIG_FILE names, a later file
 * winning; PIP_CONFIG_FILE=/dev/null reads none. Only the sections [global] and [install] count,
 * [install] over [global]; then the PIP_* environment variables over both. Names are compared
 * with _ as - (measured: probe-pipenv/conf-underscore, conf-other-section, pip-config-file,
 * xdg-config-home). A file the user may not read is passed over (configparser skips it).
 */
function pipSettings(ctx: ExecContext, pyEnv: PythonEnv): Map<string, string> {
  const env = ctx.env;
  const home = homeOf(ctx);
  const configFile = env.get('PIP_CONFIG_FILE') || undefined;
  const files: string[] = [];
  // A PIP_CONFIG_FILE may name a file of another name: only then is every text a candidate.
  if (configFile !== '/dev/null' && (configFile !== undefined || hasPipConf(ctx.state.texts))) {
    for (const d of (env.get('XDG_CONFIG_DIRS') || '/etc/xdg').split(':')) if (d.trim() !== '') files.push(`${d}/pip/pip.conf`);
    files.push('/etc/pip.conf');
    if (configFile === undefined || !ctx.state.fs.has(normalizePath(configFile, ctx.cwd))) {
      files.push(`${home}/.pip/pip.conf`, `${env.get('XDG_CONFIG_HOME')?.trim() ? env.get('XDG_CONFIG_HOME') : `${home}/.config`}/pip/pip.conf`);
    }
    files.push(`${pyEnv.binDir}/pip.conf`);
    if (configFile !== undefined) files.push(configFile);
  }

  const global = new Map<string, string>();
  const install = new Map<string, string>();
  for (const f of files) {
    const path = normalizePath(f, ctx.cwd);
    const text = ctx.state.texts[path]?.content;
    if (text === undefined || !ctx.access(path, 'read').allowed) continue;
    const sections = iniSections(text);
    for (const [section, into] of [['global', global], ['install', install]] as const) {
      for (const [k, v] of sections.get(section) ?? []) into.set(pipKey(k), v);
    }
  }

  const out = new Map<string, string>(global);
  for (const [k, v] of install) out.set(k, v);
  for (const [k, name] of PIP_SETTING_VARS) {
    const v = env.get(name);
    if (v !== undefined) out.set(k, v);
  }

  return out;
}

const PIP_VALUE_OPTS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-t', '--target', '--prefix',
  '--root', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--trusted-host',
  '--src', '--upgrade-strategy', '--cache-dir', '--progress-bar', '--root-user-action',
  '--no-binary', '--only-binary', '--platform', '--python-version', '--implementation', '--abi',
  '--config-settings', '-C', '--timeout', '--retries', '--proxy', '--log', '--cert',
  '--client-cert', '--exists-action', '--global-option', '--install-option', '--report',
  '--python',
]);

const externallyManagedLines = [
  'error: externally-managed-environment',
  '',
  '× This environment is externally managed',
  'note: If you believe this is a mistake, please contact your Python installation or OS distribution provider. You can override this, at the risk of breaking your Python installation or OS, by passing --break-system-packages.',
  'hint: See PEP 668 for the detailed specification.',
];

/** The directory name a requirement lands in under site-packages ("Jupyter-Lab>=4" -> jupyter_lab). */
function importDir(req: string): string {
  const name = PLAIN_NAME.test(req) ? req : req.replace(/\[.*$/, '').replace(/[<>=!~;@ ].*$/, '').toLowerCase();

  return name.includes('-') ? name.replace(/-/g, '_') : name;
}

/** A requirement that names a local path (pip's _looks_like_path: ./x, ../x, /x). */
const isLocalPath = (req: string): boolean => req.startsWith('.') || req.startsWith('/');

/**
 * A project folder only setuptools' legacy setup.py path builds: a setup.py and no
 * pyproject.toml (one with a pyproject.toml goes through PEP 517/660; measured for -e:
 * venv/editable-*). A folder listed in part may hold a pyproject.toml the model does not see.
 */
function legacyProject(ctx: ExecContext, project: string): boolean {
  const m = resolvePath(ctx.state.fs, project).meta;

  return m?.kind === 'dir' && !m.partial && ctx.state.fs.has(`${project}/setup.py`) && !ctx.state.fs.has(`${project}/pyproject.toml`);
}

/** What pip leaves of a local project: its top-level packages and console scripts, when known. */
interface ProjectFiles {
  name?: string;
  /** Top-level package folders; undefined when not known (setuptools' discovery, unknown text). */
  packages?: string[];
  /** Console and GUI script names; undefined when not known. */
  scripts?: string[];
}

/** The string literals of a Python or TOML list body ("a", 'b'). */
const literals = (body: string): string[] => [...body.matchAll(/["']([^"']*)["']/g)].map((m) => m[1]);

/**
 * A local project's packages and scripts from the texts of its setup.py, setup.cfg and
 * pyproject.toml, read as literals only: `packages=[...]` in setup.py (without it setuptools
 * 61+ discovers them: not known), `entry_points={"console_scripts": [...]}` (and gui_scripts),
 * and pyproject's [project.scripts] / [project.gui-scripts]. A file that is there with a text
 * not known, a setup.cfg with packages or entry points, or anything not a literal: not known.
 */
function readProject(ctx: ExecContext, dir: string): ProjectFiles {
  const m = resolvePath(ctx.state.fs, dir).meta;
  if (m?.kind !== 'dir') return {};
  const text = (f: string): string | null | undefined => {
    const p = `${dir}/${f}`;
    if (!ctx.state.fs.has(p)) return m.partial ? undefined : null;

    return ctx.state.texts[p]?.content;
  };
  const setupPy = text('setup.py');
  const setupCfg = text('setup.cfg');
  const pyproject = text('pyproject.toml');
  if (setupPy === undefined || setupCfg === undefined || pyproject === undefined) return {};

  const out: ProjectFiles = {};
  const nameM = setupPy?.match(/\bname\s*=\s*["']([^"']+)["']/);
  out.name = nameM ? nameM[1] : projectName(ctx, dir);

  let packages: string[] | undefined;
  const pk = setupPy?.match(/\bpackages\s*=\s*(\[[^\]]*\])?/);
  if (pk?.[1] !== undefined) packages = [...new Set(literals(pk[1]).map((p) => p.split('.')[0]))];
  const cfg = setupCfg ? iniSections(setupCfg) : undefined;
  if (cfg?.get('options')?.has('packages') || (pyproject && /^\s*\[tool\.setuptools/m.test(pyproject))) packages = undefined;
  out.packages = packages;

  let scripts: string[] | undefined = [];
  if (setupPy && /\b(entry_points|scripts)\s*=/.test(setupPy)) {
    if (/\bscripts\s*=/.test(setupPy.replace(/["'](console|gui)_scripts["']/g, ''))) scripts = undefined;
    else {
      const eps = [...setupPy.matchAll(/["'](?:console|gui)_scripts["']\s*:\s*\[([^\]]*)\]/g)];
      scripts = eps.length > 0 ? eps.flatMap((e) => literals(e[1]).map((s) => s.split('=')[0].trim())) : undefined;
    }
  }
  if (cfg && (cfg.has('options.entry_points') || cfg.get('options')?.has('scripts'))) scripts = undefined;
  if (scripts && pyproject) {
    for (const sec of pyproject.matchAll(/^\s*\[project\.(?:scripts|gui-scripts)\]\s*$([\s\S]*?)(?=^\s*\[|(?![\s\S]))/gm)) {
      for (const kv of sec[1].matchAll(/^\s*["']?([A-Za-z0-9._-]+)["']?\s*=/gm)) scripts.push(kv[1]);
    }
    if (/^\s*dynamic\s*=.*["'](scripts|gui-scripts)["']/m.test(pyproject)) scripts = undefined;
  }
  out.scripts = scripts;

  return out;
}

/** The last lines pip 23.0 prints when `setup.py install` failed (legacy-install-failure). */
const legacyFailure = (name: string): string[] => [
  'error: legacy-install-failure',
  '',
  '× Encountered error while trying to install package.',
  `╰─> ${name}`,
  '',
  'note: This is an issue with the package mentioned above, not pip.',
  'hint: See above for output from the failure.',
];

/** PATH joined under pip's --root (pip/_internal/locations/base.py change_root). */
const underRoot = (root: string | undefined, path: string): string => (root ? normalizePath(`${root}/${path}`) : path);

/**
 * pip install (pip/_internal/commands/install.py, pip 23.0): --user with --target is refused;
 * the PEP 668 check (skipped for --target, --prefix, --root and virtual environments); then
 * decide_user_install() (--user with --prefix is refused, and in a venv that does not see the
 * system site; with neither, a site-packages the user may not write means a user install when
 * the user site is enabled); a local setup.py project is built in its folder; then the files are
 * written as the caller, and an OSError carries the first path that could not be made.
 */
function pipInstall(ctx: ExecContext, pyEnv: PythonEnv, args: string[]): CmdResult {
  const reqs: string[] = [];
  const opt: Record<string, string> = {};
  const flags = new Set<string>();

  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (PIP_VALUE_OPTS.has(name)) {
      opt[name] = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : (args[++i] ?? '');
      if (name === '-r' || name === '--requirement') reqs.push(`-r ${opt[name]}`);
      continue;
    }
    if (/^-[a-zA-Z]{2,}$/.test(a) && !a.startsWith('--')) {
      for (const c of a.slice(1)) flags.add(`-${c}`);
      continue;
    }
    if (a.startsWith('-')) {
      flags.add(a);
      continue;
    }
    reqs.push(a);
  }

  const env = ctx.env;
  const venv = pyEnv.kind === 'venv';
  const conf = pipSettings(ctx, pyEnv);
  // A valued setting: the command line's, else the environment's or pip.conf's.
  const setting = (key: string, ...cli: string[]): string | undefined => {
    for (const c of cli) if (opt[c] !== undefined) return opt[c];
    return conf.get(key) || undefined;
  };
  // A switch: true when given on the command line, else its strtobool value from the
  // environment or pip.conf (PIP_USER=0 is an explicit no), undefined when not set.
  const invalid: string[] = [];
  const switched = (key: string, ...cli: string[]): boolean | undefined => {
    if (cli.some((c) => flags.has(c))) return true;
    const v = conf.get(key);
    if (v === undefined) return undefined;
    const b = strtobool(v);
    if (b === undefined) invalid.push(`ERROR: ${v} is not a valid value for ${key} option, please specify a boolean value like yes/no, true/false or 1/0 instead.`);
    return b;
  };

  const target = setting('target', '-t', '--target');
  const prefix = setting('prefix', '--prefix');
  const rootDir = setting('root', '--root');
  const breakSystem = switched('break-system-packages', '--break-system-packages') === true;
  const userOpt = switched('user', '--user');
  const noIndex = switched('no-index', '--no-index') === true;
  // --no-cache-dir takes any boolean word to disable the cache, "false" too
  // (pip/_internal/cli/cmdoptions.py _handle_no_cache_dir).
  const noCache = flags.has('--no-cache-dir') || switched('no-cache-dir') !== undefined;
  // ConfigOptionParser stops on a value strtobool refuses, exit status 2 (cli/parser.py; not measured).
  if (invalid.length > 0) return res(2, invalid[0]);

  if (userOpt === true && target) return res(1, "ERROR: Can not combine '--user' and '--target'");
  if (pyEnv.externallyManaged && !venv && !target && !prefix && !rootDir && !breakSystem) {
    return res(1, ...externallyManagedLines);
  }

  // An editable install of a project folder builds its metadata there first: setuptools writes
  // NAME.egg-info next to the source, so a folder the user may not write stops it (measured with
  // Debian 12's pip 23 and setuptools 66: "error: could not create 'pkg.egg-info': Permission
  // denied"). A VCS URL is cloned instead, and is not followed here.
  const editable = opt['-e'] ?? opt['--editable'];
  if (editable !== undefined && editable !== '' && !editable.includes('://') && !/^[a-z]+\+/.test(editable)) {
    const project = normalizePath(editable, ctx.cwd);
    if (legacyProject(ctx, project) && !ctx.access(project, 'create').allowed) {
      return res(1, `error: could not create '${projectName(ctx, project) ?? '<project>'}.egg-info': Permission denied`);
    }
  }

  const home = homeOf(ctx);
  // site.ENABLE_USER_SITE: off in a venv that does not see the system site (Lib/site.py venv()),
  // and when PYTHONNOUSERSITE is set to anything not empty (Python/initconfig.c).
  const userSiteEnabled = (!venv || pyEnv.systemSite === true) && (env.get('PYTHONNOUSERSITE') ?? '') === '';
  const userBase = pythonUserBase(env.get('PYTHONUSERBASE'), home, ctx.cwd);
  const stdout: string[] = [];
  const stderr: string[] = [];

  let user = userOpt === true;
  if (user && prefix) return res(1, "ERROR: Can not combine '--user' and '--prefix' as they imply different installation locations");
  if (user && venv && pyEnv.systemSite !== true) {
    return res(1, "ERROR: Can not perform a '--user' install. User site-packages are not visible in this virtualenv.");
  }

  // Debian's python3 (3.10 on, where pip 22+ uses sysconfig) patches sysconfig with the
  // 'posix_local' scheme: a --prefix install goes to PREFIX/local/lib/pythonX.Y/dist-packages and
  // PREFIX/local/bin (Debian's python3.11 sysconfig-debian-schemes.diff; measured:
  // probe-pip/prefix-debian-local). Older Debian Pythons (distutils) and other systems: the
  // plain posix_prefix scheme (assumed, not measured).
  const debianLocal = pyEnv.kind === 'system' && pyEnv.sitePackages.endsWith('/dist-packages') && Number(pyEnv.version.split('.')[1]) >= 10;
  const prefixSite = (p: string) => normalizePath(debianLocal ? `${p}/local/lib/python${pyEnv.version}/dist-packages` : `${p}/lib/python${pyEnv.version}/site-packages`, ctx.cwd);
  const prefixBin = (p: string) => normalizePath(debianLocal ? `${p}/local/bin` : `${p}/bin`, ctx.cwd);
  const systemBin = pyEnv.kind === 'system' ? '/usr/local/bin' : `${pyEnv.binDir}/bin`;

  let dest: string;
  let bin: string;
  // The site-packages check, when made: the same check of the same tree is not made twice.
  let siteBlocked: string | undefined | null = null;
  if (target) {
    dest = normalizePath(target, ctx.cwd);
    bin = `${dest}/bin`;
  } else if (prefix) {
    dest = underRoot(rootDir, prefixSite(prefix));
    bin = underRoot(rootDir, prefixBin(prefix));
  } else {
    // site_packages_writable(root=...): with --root the folder checked is the one under it,
    // so a writable root is no reason for a user install (measured: probe-misc5/pip-root-as-user).
    const site = underRoot(rootDir, pyEnv.sitePackages);
    if (userOpt === undefined && userSiteEnabled && (siteBlocked = blockedAt(ctx, site)) !== undefined) {
      user = true;
      stdout.push('Defaulting to user installation because normal site-packages is not writeable');
    }
    dest = user ? underRoot(rootDir, `${userBase}/lib/python${pyEnv.version}/site-packages`) : site;
    bin = underRoot(rootDir, user ? `${userBase}/bin` : systemBin);
  }

  // A local setup.py project (no pyproject.toml) is built in its own folder: bdist_wheel, then
  // pip 23.0's fallback to `setup.py install`, both make build/ there, so a folder the user may
  // not write fails the install (measured: probe-pip/root-owned-project, "could not create
  // 'build': Permission denied" and legacy-install-failure).
  const locals = reqs.filter(isLocalPath).map((r) => normalizePath(r, ctx.cwd));
  for (const project of locals) {
    if (legacyProject(ctx, project) && !ctx.access(project, 'create').allowed) {
      const name = readProject(ctx, project).name ?? baseName(project);
      return res(1, "error: could not create 'build': Permission denied", ...legacyFailure(name));
    }
  }

  // The cache folder (~/.cache/pip unless moved or disabled): one pip may not use is a warning
  // at start (base_command.py check_path_owner). pip makes it only when it writes there: HTTP
  // responses from an index, wheels it built from a named sdist, its self version check (not
  // with --no-index). A local project folder's wheel is built in a temporary folder
  // (wheel_builder.py _should_cache), so --no-index with only local folders leaves no cache
  // (measured: probe-pip/user-site-owner). A local folder named like NAME-VERSION would be
  // cached: not modelled.
  if (!noCache) {
    const cache = normalizePath(setting('cache-dir', '--cache-dir') ?? `${env.get('XDG_CACHE_HOME') || `${home}/.cache`}/pip`, ctx.cwd);
    const blockedCache = blockedAt(ctx, cache);
    if (blockedCache !== undefined) {
      stderr.push(
        `WARNING: The directory '${cache}' or its parent directory is not owned or is not writable by the current user. The cache has been disabled. Check the permissions and owner of that directory. If executing pip with sudo, you should use sudo's -H flag.`,
      );
    } else if (!(noIndex && reqs.length > 0 && reqs.every(isLocalPath))) makeDirsAs(ctx, cache);
  }

  const named = reqs.filter((r) => !r.startsWith('-r ') && !isLocalPath(r) && !r.includes('://'));
  const firstDir = named.length > 0 ? `${dest}/${importDir(named[0])}` : dest;
  // Without the cache directory made in between, the tree is the one site-packages was checked in.
  const destBlocked = siteBlocked !== null && noCache && dest === pyEnv.sitePackages
    ? siteBlocked
    : blockedAt(ctx, dest);
  const blocked = destBlocked ?? (ctx.state.fs.has(dest) ? blockedAt(ctx, firstDir) : undefined);
  if (blocked !== undefined) {
    const shown = blocked === dest && named.length > 0 ? firstDir : blocked;
    const out = (...lines: string[]): CmdResult => ({
      status: lines[0].startsWith('ERROR: Exception') ? 2 : 1,
      stdout: stdout.length > 0 ? `${stdout.join('\n')}\n` : undefined,
      stderr: [...stderr, ...lines],
    });
    // --target: pip installs into a temporary folder, then makes the target outside its OSError
    // handler (install.py _handle_target_dir), so the error is a traceback, exit status 2
    // (measured: probe-pipenv/conf-user-target shows the PermissionError).
    // os.makedirs names the first folder it could not make; into a target that is there,
    // shutil.move names the item it could not put.
    if (target) return out('ERROR: Exception:', 'Traceback (most recent call last):', `PermissionError: [Errno 13] Permission denied: '${ctx.state.fs.has(dest) ? shown : blocked}'`);
    // A venv's own pip has no wheel package: a local setup.py project goes through
    // `setup.py install`, which fails as legacy-install-failure (measured: probe-fs/venv-other-owner;
    // the path distutils names is assumed to be the first it could not make).
    const legacyLocal = locals.find((p) => legacyProject(ctx, p));
    if (legacyLocal !== undefined && venv && pyEnv.systemSite !== true && !ctx.state.packages.wheel) {
      return out(`error: could not create '${shown}': Permission denied`, ...legacyFailure(readProject(ctx, legacyLocal).name ?? baseName(legacyLocal)));
    }
    const hint = user ? 'Check the permissions.' : 'Consider using the `--user` option or check the permissions.';
    return out(`ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '${shown}'`, hint);
  }

  makeDirsAs(ctx, dest);
  const dirMode = 0o777 & ~ctx.umask;
  const putDir = (dir: string) => {
    if (!ctx.state.fs.has(dir)) ctx.state.fs.set(dir, { kind: 'dir', uid: ctx.ident.uid, gid: ctx.ident.gid, mode: dirMode, origin: ctx.origin });
  };
  // A console script as distlib's ScriptMaker writes it: the umask's mode, then r-x for all
  // added (distlib scripts.py set_mode, bits 0o555).
  const putScript = (name: string) => {
    if (blockedAt(ctx, `${bin}/${name}`) !== undefined) return;
    makeDirsAs(ctx, bin);
    ctx.state.fs.set(`${bin}/${name}`, { kind: 'file', uid: ctx.ident.uid, gid: ctx.ident.gid, mode: (0o666 & ~ctx.umask) | 0o555, origin: ctx.origin });
  };
  for (const r of named) {
    putDir(`${dest}/${importDir(r)}`);
    const name = PLAIN_NAME.test(r) ? r : r.replace(/\[.*$/, '').replace(/[<>=!~;@ ].*$/, '').toLowerCase();
    ctx.state.packages[name] = user ? { name, via: 'pip', line: ctx.line, bin, user } : { name, via: 'pip', line: ctx.line };
    if (JUPYTER.has(name)) {
      ctx.state.packages.jupyter = { name: 'jupyter', via: 'pip', line: ctx.line };
      const jbin = user ? `${userBase}/bin` : target || prefix ? undefined : systemBin;
      if (jbin && blockedAt(ctx, `${jbin}/jupyter`) === undefined) {
        makeDirsAs(ctx, jbin);
        ctx.state.fs.set(`${jbin}/jupyter`, { kind: 'file', uid: ctx.ident.uid, gid: ctx.ident.gid, mode: 0o755 & ~ctx.umask | 0o111, origin: ctx.origin });
      }
    }
  }
  // A local project leaves its top-level packages and its console scripts (measured:
  // probe-pip/user-site-owner, user-site-other-user); what the model cannot read lists in part.
  for (const project of locals) {
    const p = readProject(ctx, project);
    if (p.packages) for (const pkg of p.packages) putDir(`${dest}/${pkg}`);
    else contentsUnknown(ctx.state.fs, [dest]);
    if (p.scripts) for (const s of p.scripts) putScript(s);
    else contentsUnknown(ctx.state.fs, [bin]);
    if (p.name) {
      const name = p.name.toLowerCase();
      // A user install records where its scripts went, and which they are when the project lists them.
      ctx.state.packages[name] = user
        ? { name, via: 'pip', line: ctx.line, bin, user, ...(p.scripts ? { scripts: p.scripts } : {}) }
        : { name, via: 'pip', line: ctx.line };
    }
  }
  if (reqs.some((r) => r.startsWith('-r '))) ctx.trace('pip -r: the requirement names are not read; only the destination is modelled');

  // Keys added one by one (status, stdout?, stderr?): no spreads of small objects.
  const out: CmdResult = { status: 0 };
  if (stdout.length > 0) out.stdout = `${stdout.join('\n')}\n`;
  if (stderr.length > 0) out.stderr = stderr;

  return out;
}

/**
 * The project name an editable install writes its egg-info under, from a pyproject.toml or
 * setup.cfg whose text is known (dashes and dots become underscores, as setuptools makes it).
 */
function projectName(ctx: ExecContext, dir: string): string | undefined {
  for (const f of ['pyproject.toml', 'setup.cfg']) {
    const text = ctx.state.texts[`${dir}/${f}`]?.content;
    const m = text?.match(/^\s*name\s*=\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)/m);
    if (m) return m[1].replace(/[-.]+/g, '_');
  }

  return undefined;
}

/**
 * Debian's and Ubuntu's python3 package has no pip: it comes with python3-pip (or python3-full).
 * A system Python installed with apt, on a catalog base, with no pip package and no step the
 * model does not follow that may have put one on PATH (get-pip.py), has none (measured:
 * `pip: not found`, and `python3 -m pip` "No module named pip").
 */
function pipMissing(ctx: ExecContext, pyEnv: PythonEnv): boolean {
  const st = ctx.state;
  if (pyEnv.kind !== 'system' || pyEnv.python !== '/usr/bin/python3') return false;
  if (st.distro !== 'debian' && st.distro !== 'ubuntu') return false;
  // python3 from apt (python3-venv and python3-dev pull it in too), or Debian's python3 a
  // catalog base brings as a dependency (buildpack-deps' mercurial), not a base's own Python.
  // One pass over the names (a base lists a hundred or more): python3 first, pip last.
  let python3 = false;
  for (const k in st.packages) {
    if (k.endsWith('pip') || k === 'python3-full') return false;
    if (!python3 && k.startsWith('python3') && /^python3(\.\d+)?(-(venv|dev|minimal))?$/.test(k)) {
      const via = st.packages[k].via;
      python3 = via === 'apt' || via === 'base';
    }
  }
  if (!python3) return false;

  return notInstalled(ctx, 'pip') && notInstalled(ctx, 'pip3');
}

/**
 * Debian's and Ubuntu's python3 package gives `python3`, not `python`: that name comes with
 * python-is-python3 (or Python 2). On the plain images, with only that system Python on PATH and
 * no step the model does not follow that may have made one, `python` is not found (measured:
 * venv/no-python-name).
 */
function noPythonCommand(ctx: ExecContext): boolean {
  const st = ctx.state;
  // On the plain images every python3 came from apt; other bases (NGC's) may link python.
  if (!PLAIN_DISTRO.test(st.base)) return false;
  const env = findPythonEnv(st, ctx.env.get('PATH'), 'python', ctx.cwd);
  if (env === undefined || env.kind !== 'system' || env.python !== '/usr/bin/python3') return false;
  if (givesPythonName(st.packages)) return false;

  return notInstalled(ctx, 'python');
}

/** A package installed that gives the `python` name: python-is-python3, or a Python 2. */
export function givesPythonName(packages: ImageState['packages']): boolean {
  return Object.keys(packages).some((k) => /^python(2(\.\d+)?)?(-is-python3|-minimal)?$/.test(k) && k !== 'python3');
}

function runPip(ctx: ExecContext, pyEnv: PythonEnv | undefined, command: string, args: string[]): CmdResult {
  if (!pyEnv) {
    // A catalog base without Python (debian, ubuntu, the CUDA images) where no step installed
    // one and none the model does not follow could have: the shell does not find pip.
    const name = baseName(command.split(' ')[0]);
    if (!command.includes('/') && /^pip\d*(\.\d+)?$/.test(name) && notInstalled(ctx, name)) return notFound(ctx, name);
    ctx.unknown(`${command}: no Python environment is known for it`, []);
    return { status: 'unknown' };
  }
  if (pipMissing(ctx, pyEnv)) {
    if (command.endsWith(' -m pip') || command.endsWith(' -m ensurepip')) return res(1, `${pyEnv.python}: No module named ${command.endsWith('ensurepip') ? 'ensurepip' : 'pip'}`);
    return notFound(ctx, command);
  }

  // General options may come before the command (`pip --no-cache-dir install X`); the value of
  // one that takes a value (`pip --cache-dir /c install X`) is not the command.
  let at = -1;
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('-')) {
      at = i;
      break;
    }
    if (PIP_VALUE_OPTS.has(args[i])) i++;
  }
  const sub = at >= 0 ? args[at] : undefined;
  const rest = sub ? args.slice(at + 1) : [];
  if (sub === 'install') return pipInstall(ctx, pyEnv, [...args.slice(0, at), ...rest]);
  if (sub === 'uninstall') {
    const blocked = blockedAt(ctx, pyEnv.sitePackages);
    if (blocked && pyEnv.kind !== 'venv' && ctx.ident.uid !== 0) {
      return res(1, `ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '${blocked}'`);
    }
    for (const r of rest.filter((a) => !a.startsWith('-'))) delete ctx.state.packages[r.toLowerCase()];
    return { status: 0 };
  }

  return { status: 0 };
}

const pip: CommandHandler = (ctx, argv) => runPip(ctx, findPythonEnv(ctx.state, ctx.env.get('PATH'), argv[0], ctx.cwd), argv[0], argv.slice(1));

/** python -m venv DIR (Lib/venv): the caller owns everything it creates. */
function makeVenv(ctx: ExecContext, base: PythonEnv, args: string[]): CmdResult {
  const dirs = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '--prompt');
  if (dirs.length === 0) return res(2, 'usage: venv [-h] ENV_DIR [ENV_DIR ...]', 'venv: error: the following arguments are required: ENV_DIR');

  for (const d of dirs) {
    const dir = normalizePath(d, ctx.cwd);
    const blocked = blockedAt(ctx, ctx.state.fs.has(dir) ? `${dir}/bin` : dir);
    if (blocked) return res(1, `Error: [Errno 13] Permission denied: '${blocked}'`);

    const version = base.version;
    const site = `${dir}/lib/python${version}/site-packages`;
    for (const p of [dir, `${dir}/bin`, `${dir}/include`, site]) makeDirsAs(ctx, p);
    const own = { uid: ctx.ident.uid, gid: ctx.ident.gid, origin: ctx.origin };
    ctx.state.fs.set(`${dir}/pyvenv.cfg`, { kind: 'file', mode: 0o666 & ~ctx.umask, ...own });
    ctx.state.fs.set(`${dir}/bin/python`, { kind: 'symlink', target: base.python, mode: 0o777, ...own });
    // The activate scripts are written with the process's umask (venv's install_scripts).
    ctx.state.fs.set(`${dir}/bin/activate`, { kind: 'file', mode: 0o666 & ~ctx.umask, ...own });

    // Debian's python3 lacks ensurepip until python3-venv is installed.
    const noPip = args.includes('--without-pip');
    const pkgs = ctx.state.packages;
    const debianApt = base.kind === 'system' && pkgs.python3?.via === 'apt' && (ctx.state.distro === 'debian' || ctx.state.distro === 'ubuntu');
    if (debianApt && !noPip && !pkgs['python3-venv'] && !pkgs[`python${version}-venv`] && !pkgs['python3-full']) {
      return {
        status: 1,
        stdout:
          'The virtual environment was not created successfully because ensurepip is not\n' +
          'available.  On Debian/Ubuntu systems, you need to install the python3-venv\n' +
          `package using the following command.\n\n    apt install python${version}-venv\n\n`,
      };
    }

    ctx.state.pythons = ctx.state.pythons.filter((p) => p.binDir !== dir);
    ctx.state.pythons.push({
      python: `${dir}/bin/python`,
      kind: 'venv',
      sitePackages: site,
      version,
      externallyManaged: false,
      binDir: dir,
      // pyvenv.cfg include-system-site-packages (Lib/venv, virtualenv): the user site stays on.
      systemSite: args.includes('--system-site-packages'),
    });
  }

  return { status: 0 };
}

/** python / python3 / pythonX.Y: only `-m pip` and `-m venv` change anything we model. */
const python: CommandHandler = (ctx, argv) => {
  // No Python in the image at all (a catalog base without one, no step that installed it).
  const name = baseName(argv[0]);
  if (!argv[0].includes('/') && ctx.state.pythons.length === 0 && notInstalled(ctx, name)) return notFound(ctx, name);
  if (argv[0] === 'python' && noPythonCommand(ctx)) return notFound(ctx, name);
  const m = argv.indexOf('-m');
  if (m < 0) {
    // A script from a file or standard input (get-pip.py, `curl ... | python3 -`) may install
    // or write anything: not followed, and said so. `-c` code and `--version` stay harmless.
    const script = argv.slice(1).find((a, i, rest) => !a.startsWith('-') || a === '-' ? rest[i - 1] !== '-W' && rest[i - 1] !== '-X' : false);
    // What such a script may have written: its folder, /tmp, and the absolute paths the code
    // names when the code is here (a here-document: `python3 <<EOF`).
    const unread = (what: string): CmdResult => {
      const paths = (script === undefined || script === '-') && ctx.stdin !== undefined ? codePaths(ctx.stdin) : [];
      ctx.unknown(`${baseName(argv[0])} runs ${what}, which the model does not read`, paths);
      unreadWrites(ctx.state.fs, ctx.cwd, paths);
      return { status: 'unknown' };
    };
    if (script !== undefined && !argv.includes('-c')) return unread(script === '-' ? 'a script from its input' : script);
    // No script word: Python reads the program from its input (`curl .../get-pip.py | python3`).
    if (script === undefined && !argv.includes('-c') && !argv.some((a) => /^(-V|--version|-VV|-h|--help)$/.test(a))) {
      return unread('a script from its input');
    }
    return { status: 0 };
  }
  const mod = argv[m + 1];
  const pyEnv = findPythonEnv(ctx.state, ctx.env.get('PATH'), argv[0], ctx.cwd);
  if (mod === 'pip') return runPip(ctx, pyEnv, `${argv[0]} -m pip`, argv.slice(m + 2));
  if (mod === 'venv' || mod === 'virtualenv') {
    if (!pyEnv) {
      ctx.unknown(`${argv[0]} -m venv: no Python environment is known`, []);
      return { status: 'unknown' };
    }
    return makeVenv(ctx, pyEnv, argv.slice(m + 2));
  }
  if (mod === 'ensurepip') return runPip(ctx, pyEnv, `${argv[0]} -m ensurepip`, ['install', 'pip']);

  return { status: 0 };
};

const virtualenv: CommandHandler = (ctx, argv) => {
  const pyEnv = findPythonEnv(ctx.state, ctx.env.get('PATH'), 'python3');
  if (!pyEnv) {
    ctx.unknown('virtualenv: no Python environment is known', []);
    return { status: 'unknown' };
  }

  return makeVenv(ctx, pyEnv, argv.slice(1).filter((a) => a !== '--without-pip'));
};

// ---------------------------------------------------------------- conda / mamba / micromamba

const CONDA_VALUE_OPTS = new Set(['-n', '--name', '-p', '--prefix', '-c', '--channel', '-f', '--file', '--override-channels']);

function condaRoot(ctx: ExecContext, tool: string): string {
  return condaRootIn(ctx.state, (k) => ctx.env.get(k), tool, ctx.cwd);
}

/**
 * The installation a conda (or mamba) command belongs to: the one whose bin/ holds the program
 * the command names by its path, or the first found on PATH; else the image's first
 * installation, MAMBA_ROOT_PREFIX or CONDA_DIR, /opt/conda. micromamba is one program apart
 * from its root prefix, which only those variables give.
 */
function condaRootIn(state: ImageState, env: (name: string) => string | undefined, tool = 'conda', cwd = '/'): string {
  const name = baseName(tool);
  const installedAt = (program: string): string | undefined => {
    const real = resolvePath(state.fs, program);
    return real.meta?.kind === 'file' && /\/(?:bin|condabin)\/(?:conda|mamba)$/.test(real.path) ? parentOf(parentOf(real.path)) : undefined;
  };
  if (name === 'conda' || name === 'mamba') {
    if (tool.includes('/')) {
      const at = installedAt(normalizePath(tool, cwd));
      if (at !== undefined) return at;
    } else {
      for (const dir of pathDirs(env('PATH') ?? DEFAULT_PATH)) {
        const at = installedAt(`${dir}/${name}`);
        if (at !== undefined) return at;
      }
    }
  }

  return normalizePath(state.condaPrefix ?? env('MAMBA_ROOT_PREFIX') ?? env('CONDA_DIR') ?? '/opt/conda');
}

/**
 * conda install/create/remove: the target prefix comes from -p, -n (root/envs/NAME, or
 * ~/.conda/envs/NAME when the root's envs dir is not writable, as conda's envs_dirs fallback
 * does), else the active env. Writing needs write access to that prefix.
 */
const conda: CommandHandler = (ctx, argv) => {
  const tool = baseName(argv[0]);
  if (!argv[0].includes('/') && condaNotOnPath(ctx.state, ctx.env.get('PATH') ?? DEFAULT_PATH, tool)) return notFound(ctx, tool);
  if (tool === 'conda' && !argv[0].includes('/')) {
    const dirs = pathDirs(ctx.env.get('PATH') ?? DEFAULT_PATH);
    const env = condaEnvBinOnPath(ctx.state, dirs);
    if (env !== undefined && absentFromPath(ctx.state, tool, dirs)) {
      ctx.unknown(`conda is on PATH only if it is in ${env}, the bin folder of a conda environment: conda before 4.4 linked itself there, later releases do not`, [env]);
    }
  }
  let args = argv.slice(1);
  if (args[0] === 'env' && args[1] === 'create') args = ['create', ...args.slice(2)];
  const sub = args.find((a) => !a.startsWith('-'));
  if (sub === 'run') return condaRun(ctx, tool, { ...condaRunArgs(args.slice(args.indexOf(sub) + 1)), tool: argv[0] });
  if (sub === 'activate' || sub === 'deactivate') {
    // Activation changes the calling shell, so it is conda's shell function's work (`conda
    // init`, or `. ROOT/etc/profile.d/conda.sh`); the program alone refuses ("Run 'conda init'
    // before 'conda activate'"). Neither is followed: later commands keep the environment that
    // was active before.
    ctx.unknown(`${tool} ${sub} works only through conda's shell function, which the model does not follow: later commands are taken to run in the environment active before (\`${tool} run -n ENV COMMAND\` is followed)`, []);
    return { status: 'unknown' };
  }
  // Any other subcommand (info, list, clean, `shell.posix hook`) changes nothing modelled; what it
  // prints (a path, a script to eval) is not known.
  if (!sub || !['install', 'create', 'remove', 'uninstall', 'update', 'upgrade'].includes(sub)) return unknownOutput({ status: 0 });

  const rest = args.slice(args.indexOf(sub) + 1);
  const value = (...names: string[]) => {
    const i = rest.findIndex((a) => names.includes(a));
    if (i >= 0) return rest[i + 1];
    // "--name=x": the option, then '=' (61) right after it.
    const eq = rest.find((a) => names.some((n) => n.startsWith('--') && a.startsWith(n) && a.charCodeAt(n.length) === 61));
    return eq?.slice(eq.indexOf('=') + 1);
  };
  const specs = rest.filter((a, i) => !a.startsWith('-') && !(i > 0 && CONDA_VALUE_OPTS.has(rest[i - 1]) && rest[i - 1] !== '--override-channels'));

  const root = condaRoot(ctx, argv[0]);
  const name = value('-n', '--name');
  const file = value('-f', '--file');
  let prefix: string;
  const p = value('-p', '--prefix');
  // A new environment goes to the first envs folder the user may write: the installation's,
  // else ~/.conda/envs (conda's envs_dirs). An existing one is found where it is, and conda
  // changes it there or refuses (EnvironmentNotWritableError).
  const shared = (n: string) => `${root}/envs/${n}`;
  const own = (n: string) => normalizePath(`${homeOf(ctx)}/.conda/envs/${n}`);
  const newEnv = (n: string) => (blockedAt(ctx, shared(n)) === undefined ? shared(n) : own(n));
  if (p) prefix = normalizePath(p, ctx.cwd);
  else if (name && name !== 'base') {
    if (sub === 'create') prefix = newEnv(name);
    else if (ctx.state.fs.has(shared(name))) prefix = shared(name);
    else if (ctx.state.fs.has(own(name))) prefix = own(name);
    else prefix = newEnv(name);
  } else if (name === 'base') prefix = root;
  else if (sub === 'create' && file !== undefined) {
    // `conda env create -f FILE` takes the name from the file, whose text is not read: the
    // environment is somewhere in the envs folder it would pick, which may not be the shared one.
    const envs = parentOf(newEnv('_'));
    makeDirsAs(ctx, envs);
    // The folder now holds an environment whose name the model does not know.
    contentsUnknown(ctx.state.fs, [envs]);
    ctx.unknown(`the environment ${file} describes is named in the file, which is not read: it is made in ${envs}`, [envs]);
    return { status: 0 };
  } else prefix = sub === 'create' ? root : normalizePath(ctx.env.get('CONDA_PREFIX') ?? root);

  const blocked = blockedAt(ctx, sub === 'create' ? prefix : `${prefix}/conda-meta`);
  if (blocked !== undefined) {
    if (tool === 'micromamba') return { status: 1 };
    const err = sub === 'create'
      ? ['NotWritableError: The current user does not have write permissions to a required path.', `  path: ${blocked}`]
      : ['EnvironmentNotWritableError: The current user does not have write permissions to the target environment.', `  environment location: ${prefix}`];
    return res(1, ...err, `  uid: ${ctx.ident.uid}`, `  gid: ${ctx.ident.gid}`);
  }

  for (const d of [prefix, `${prefix}/conda-meta`]) makeDirsAs(ctx, d);

  const via = tool === 'micromamba' || tool === 'mamba' ? 'mamba' : 'conda';
  for (const s of specs) {
    const pkg = PLAIN_NAME.test(s) ? s : s.replace(/[=<>].*$/, '').replace(/^.*::/, '').toLowerCase();
    if (sub === 'remove' || sub === 'uninstall') delete ctx.state.packages[pkg];
    else {
      ctx.state.packages[pkg] = { name: pkg, via, line: ctx.line };
      if (JUPYTER.has(pkg)) ctx.state.packages.jupyter = { name: 'jupyter', via, line: ctx.line };
    }
  }

  // A new env with python in it is a Python environment of its own. One made from a file
  // (`conda env create -f environment.yml`) most likely lists python too, but what it holds is
  // not known: taken as one, with the step noted, so what rests on it says so.
  let py = specs.find((s) => /^python([=<>]|$)/.test(s));
  if (sub === 'create' && !py && file !== undefined) {
    ctx.unknown(`the packages ${file} lists are not known; ${prefix} is taken as a Python environment`, [prefix]);
    py = 'python';
  }
  if (sub === 'create' && py && !ctx.state.pythons.some((e) => e.binDir === prefix)) {
    const base = ctx.state.pythons.find((e) => e.kind === 'conda');
    const version = py.match(/=+(\d+\.\d+)/)?.[1] ?? base?.version ?? '3.12';
    const site = `${prefix}/lib/python${version}/site-packages`;
    makeDirsAs(ctx, site);
    makeDirsAs(ctx, `${prefix}/bin`);
    ctx.state.pythons.push({ python: `${prefix}/bin/python`, kind: 'conda', sitePackages: site, version, externallyManaged: false, binDir: prefix });
  }

  return { status: 0 };
};

/** conda's programs by name, which a SHELL or a start command may name. */
export const CONDA_TOOLS: ReadonlySet<string> = new Set(['conda', 'mamba', 'micromamba']);

/**
 * `conda` by name where no folder on PATH holds it: an installer run with -b changes no PATH,
 * and a base without conda has none. As notInstalled does, the catalog's listings are trusted
 * and a step the model did not follow may have put one there.
 */
export function condaNotOnPath(st: ImageState, path: string = DEFAULT_PATH, tool = 'conda'): boolean {
  // Only where the model knows where conda is (an installation it made or the catalog lists) or
  // that there is none (the plain distribution images): an older tag of another base may have it.
  if (st.condaPrefix === undefined && !PLAIN_DISTRO.test(st.base)) return false;
  // mamba and micromamba: only where there is no conda at all (Miniforge's mamba is beside it).
  if (tool !== 'conda' && st.condaPrefix !== undefined) return false;

  const dirs = pathDirs(path);
  if (!absentFromPath(st, tool, dirs)) return false;

  return tool !== 'conda' || condaEnvBinOnPath(st, dirs) === undefined;
}

/**
 * The bin folder of a conda environment (not the installation's own) among dirs. conda before
 * 4.4 linked itself into each environment it made (its `symlink_conda`, also run on
 * `activate`); later releases do not. Which release made the environment is not known, so
 * conda's absence from such a PATH is not certain.
 */
function condaEnvBinOnPath(st: ImageState, dirs: readonly string[]): string | undefined {
  const own = st.condaPrefix === undefined ? undefined : `${st.condaPrefix}/bin`;

  return dirs.find((d) => d !== own && st.pythons.some((e) => e.kind === 'conda' && e.binDir !== st.condaPrefix && e.python === `${d}/python`));
}

/** The options of `conda run` (also mamba and micromamba) that take a value. */
const CONDA_RUN_VALUED = new Set(['-n', '--name', '-p', '--prefix', '--cwd', '-e', '--env', '-r', '--root-prefix', '-a', '--attach']);

/** What `conda run OPTIONS COMMAND...` names: the environment, the folder, the command. */
export interface CondaRunArgs {
  name?: string;
  prefix?: string;
  cwd?: string;
  /** micromamba's -r/--root-prefix: where `-n NAME` environments are looked up. */
  root?: string;
  /** The program as written (conda, /opt/conda/bin/conda, mamba): which installation it is. */
  tool?: string;
  command: string[];
}

/** `conda run ...`, `mamba run ...` or `micromamba run ...` (by name or by path). */
export function isCondaRun(argv: readonly string[]): boolean {
  if (argv.length < 2 || argv[1] !== 'run') return false;
  const tool = baseName(argv[0]);

  return tool === 'conda' || tool === 'mamba' || tool === 'micromamba';
}

/** `conda run` arguments after `run`: options (`-n ENV`, `--name=ENV`, flags) up to the command. */
export function condaRunArgs(args: readonly string[]): CondaRunArgs {
  const out: CondaRunArgs = { command: [] };
  let i = 0;
  for (; i < args.length && args[i].startsWith('-'); i++) {
    const a = args[i];
    if (a === '--') {
      i++;
      break;
    }
    const eq = a.indexOf('=');
    const opt = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (!CONDA_RUN_VALUED.has(opt)) continue;
    const value = opt === a ? args[++i] : a.slice(eq + 1);
    if (opt === '-n' || opt === '--name') out.name = value;
    else if (opt === '-p' || opt === '--prefix') out.prefix = value;
    else if (opt === '--cwd') out.cwd = value;
    else if (opt === '-r' || opt === '--root-prefix') out.root = value;
  }
  out.command = args.slice(i);

  return out;
}

/**
 * The variables activating an environment sets, as conda's activator does: PATH with its
 * `bin` first, CONDA_PREFIX, CONDA_DEFAULT_ENV and CONDA_SHLVL; the environment is the one
 * named (`-n NAME`: ROOT/envs/NAME, else ~/.conda/envs/NAME; `-n base`: the installation
 * itself), the one at `-p PREFIX`, or else the active one. An environment the image is not
 * known to hold gives the reason instead: conda refuses one that is not there.
 */
export function condaActivation(
  state: ImageState,
  env: (name: string) => string | undefined,
  which: { name?: string; prefix?: string; root?: string; tool?: string },
  cwd: string,
): { prefix: string; vars: [string, string][]; assumed?: string } | { unknown: string } {
  const root = which.root !== undefined ? normalizePath(which.root, cwd) : condaRootIn(state, env, which.tool, cwd);
  const home = env('HOME') || '/';
  let prefix: string;
  if (which.prefix !== undefined) prefix = normalizePath(which.prefix, cwd);
  else if (which.name === undefined) prefix = normalizePath(env('CONDA_PREFIX') ?? root);
  else if (which.name === 'base') prefix = root;
  else {
    const shared = `${root}/envs/${which.name}`;
    const own = normalizePath(`${home}/.conda/envs/${which.name}`);
    prefix = resolvePath(state.fs, own).meta !== undefined && resolvePath(state.fs, shared).meta === undefined ? own : shared;
  }
  const found = resolvePath(state.fs, prefix);
  // In an envs folder a step filled with entries the model does not know (`conda env create -f
  // FILE` put one there, named in the file), it may well be there.
  const assumed = found.meta === undefined && found.unknown && state.fs.get(parentOf(prefix))?.filled === true
    ? `the conda environment ${which.name ?? prefix} is taken to exist at ${prefix}, in a folder whose contents are not all known`
    : undefined;
  if (found.meta?.kind !== 'dir' && assumed === undefined) {
    return { unknown: `the conda environment ${which.name ?? prefix} is not known to exist (${prefix})` };
  }
  const path = env('PATH') ?? DEFAULT_PATH;
  const bin = `${prefix}/bin`;

  return {
    prefix,
    ...(assumed !== undefined ? { assumed } : {}),
    vars: [
      ['PATH', path === bin || path.startsWith(`${bin}:`) ? path : `${bin}:${path}`],
      ['CONDA_PREFIX', prefix],
      ['CONDA_DEFAULT_ENV', which.name ?? prefix],
      ['CONDA_SHLVL', '1'],
    ],
  };
}

/**
 * An environment taken to exist (see condaActivation), said once per build as an assumption,
 * however many steps run in it.
 */
export function assumeEnvironment(state: ImageState, prefix: string, text: string, file: string, line: number): void {
  const id = `conda-env:${prefix}`;
  if (!state.assumptions.some((a) => a.id === id)) state.assumptions.push({ id, subject: prefix, text, confidence: 'medium', file, line, paths: [prefix] });
}

/**
 * `conda run -n ENV COMMAND...`: the command runs with the environment activated (its `bin`
 * first on PATH, so `pip` and `python` are the environment's), in `--cwd DIR` if given, and
 * conda exits with its status.
 */
function condaRun(ctx: ExecContext, tool: string, run: CondaRunArgs): CmdResult {
  if (run.command.length === 0) {
    ctx.unknown(`${tool} run names no command to run`, []);
    return { status: 'unknown' };
  }
  const act = condaActivation(ctx.state, (k) => ctx.env.get(k), run, ctx.cwd);
  if ('unknown' in act) {
    ctx.unknown(`${act.unknown}; what runs in it is not followed`, []);
    return { status: 'unknown' };
  }
  if (act.assumed !== undefined) assumeEnvironment(ctx.state, act.prefix, act.assumed, ctx.file, ctx.line);
  ctx.trace(`${tool} run: ${act.prefix} activated`);
  const into = run.cwd === undefined ? '' : `cd ${shellQuote(run.cwd)} || exit 1; `;
  const vars = act.vars.map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');

  return ctx.runScript(`${into}${vars} ${run.command.map(shellQuote).join(' ')}`, undefined, [tool]);
}

// ---------------------------------------------------------------- conda installers

/**
 * A conda distribution's installer script (made by conda's constructor): Miniconda3-*.sh,
 * Anaconda3-*.sh, Miniforge3-*.sh, Mambaforge-*.sh, or the same saved as miniconda.sh.
 */
export function isCondaInstaller(path: string): boolean {
  const name = baseName(path);

  return name.endsWith('.sh') && /^(?:(?:mini|ana)conda|(?:mini|mamba)forge)/i.test(name);
}

/** The folder an installer picks without -p: ${HOME:-/opt}/NAME, NAME after the distribution. */
function installerFolder(script: string): string {
  const name = baseName(script).toLowerCase();
  if (name.startsWith('anaconda')) return 'anaconda3';
  if (name.startsWith('miniforge')) return 'miniforge3';
  if (name.startsWith('mambaforge')) return 'mambaforge';

  return 'miniconda3';
}

/**
 * `bash Miniconda3-latest-Linux-x86_64.sh -b -p /opt/conda`, as the constructor's installer
 * header does it (options by getopts "bifhkp:smut"): with -b it installs without asking; a
 * prefix that exists stops it unless -f or -u is given ("ERROR: File or directory already
 * exists"); `mkdir -p PREFIX` must succeed for the caller; then the whole installation belongs
 * to the caller, a user's marked with .nonadmin, and ~/.conda is made when it can be. The
 * Python comes from the installer's name (Miniconda3-py310_...: 3.10); otherwise it is assumed.
 */
export function condaInstaller(ctx: ExecContext, script: string, args: string[], shell?: string): CmdResult {
  // The shell running it must be able to open it.
  const refused = shell === undefined ? undefined : scriptFileError(ctx, shell, script);
  if (refused !== undefined) return refused;
  let batch = false;
  let force = false;
  let prefix: string | undefined;
  for (let i = 0; i < args.length && args[i].startsWith('-') && args[i] !== '-'; i++) {
    const a = args[i];
    if (a === '--') break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if (c === 'p') {
        prefix = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        // getopts: "option requires an argument -- p", then the script's own error.
        if (prefix === undefined) return res(1, "ERROR: did not recognize option '?', please try -h");
        break;
      }
      if (c === 'b') batch = true;
      else if (c === 'i') batch = false;
      else if (c === 'f' || c === 'u') force = true;
      else if (c === 'h') return { status: 2 };
      else if (c === 't') {
        ctx.unknown(`${script} -t runs package tests after installing, which the model does not follow`, []);
        return { status: 'unknown' };
      } else if (!'kms'.includes(c)) return res(1, "ERROR: did not recognize option '?', please try -h");
    }
  }
  if (!batch) {
    ctx.unknown(`${script} without -b asks for the license and the folder on its input: what it does is not followed`, []);
    return { status: 'unknown' };
  }

  // ${HOME:-/opt}: runc sets HOME from the passwd entry when the image does not.
  const home = ctx.env.get('HOME') || ctx.ident.home || '/opt';
  const given = prefix ?? `${home}/${installerFolder(script)}`;
  if (given.includes(' ')) return res(1, 'ERROR: Cannot install into directories with spaces');
  const dir = normalizePath(given, ctx.cwd);
  const existing = resolvePath(ctx.state.fs, dir).meta;
  if (existing !== undefined && !force) {
    return res(1, `ERROR: File or directory already exists: '${given}'`, 'If you want to update an existing installation, use the -u option.');
  }
  // `mkdir -p "$PREFIX"` fails on a file, and where the user may not create the folder.
  const cannotCreate = (why: string, at = given) => res(1, `mkdir: cannot create directory '${at}': ${why}`, `ERROR: Could not create directory: '${given}'.`);
  if (existing !== undefined && existing.kind !== 'dir') return cannotCreate('File exists');
  if (existing === undefined) {
    const blocked = blockedAt(ctx, dir);
    if (blocked !== undefined) return cannotCreate('Permission denied', blocked);
  } else if (!ctx.access(dir, 'write').allowed) {
    // An existing prefix (-u, -f): the first file it writes there is refused.
    return res(1, `${script}: cannot create ${dir}/_conda: Permission denied`);
  }

  const named = /[-_]py(\d)(\d+)_/i.exec(baseName(script));
  const version = named ? `${named[1]}.${named[2]}` : '3.12';
  if (!named) {
    ctx.state.assumptions.push({
      id: `conda-installer-python:${dir}`,
      subject: dir,
      text: `the Python ${script} installs in ${dir} is taken as 3.12; the real one follows the installer's release (site-packages is named after it)`,
      confidence: 'low',
      file: ctx.file,
      line: ctx.line,
    });
  }
  const own = { uid: ctx.ident.uid, gid: ctx.ident.gid };
  const file = (path: string, mode: number, target?: string) => {
    ctx.state.fs.set(path, target === undefined
      ? { kind: 'file', ...own, mode: mode & ~ctx.umask, origin: ctx.origin }
      : { kind: 'symlink', ...own, mode: 0o777, target, origin: ctx.origin });
  };
  makeDirsAs(ctx, dir);
  const site = `${dir}/lib/python${version}/site-packages`;
  for (const d of [`${dir}/bin`, site, `${dir}/pkgs`, `${dir}/envs`, `${dir}/conda-meta`, `${dir}/condabin`, `${dir}/etc/profile.d`]) makeDirsAs(ctx, d);
  // What the packages hold is not listed: a child of these folders may be there.
  for (const d of [dir, `${dir}/bin`, `${dir}/lib`, `${dir}/lib/python${version}`, site, `${dir}/pkgs`]) {
    const m = ctx.state.fs.get(d);
    if (m !== undefined && m.kind === 'dir' && !m.partial) ctx.state.fs.set(d, withMeta(m, { partial: true }));
  }
  file(`${dir}/bin/python${version}`, 0o755);
  file(`${dir}/bin/python3`, 0o777, `python${version}`);
  file(`${dir}/bin/python`, 0o777, `python${version}`);
  // Miniforge and Mambaforge bring mamba as well.
  const tools = /^(?:mini|mamba)forge/i.test(baseName(script)) ? ['bin/pip', 'bin/conda', 'bin/mamba', 'condabin/conda'] : ['bin/pip', 'bin/conda', 'condabin/conda'];
  for (const tool of tools) file(`${dir}/${tool}`, 0o755);
  file(`${dir}/etc/profile.d/conda.sh`, 0o644);
  if (ctx.ident.uid !== 0) file(`${dir}/.nonadmin`, 0o644);
  // `test -d ~/.conda || mkdir -p ~/.conda`, its failure ignored.
  const dotConda = normalizePath(`${home}/.conda`);
  if (blockedAt(ctx, dotConda) === undefined) makeDirsAs(ctx, dotConda);

  const state = ctx.state;
  state.condaPrefix ??= dir;
  if (!state.pythons.some((e) => e.binDir === dir)) {
    state.pythons.push({ python: `${dir}/bin/python`, kind: 'conda', sitePackages: site, version, externallyManaged: false, binDir: dir });
  }
  for (const name of ['conda', 'python', 'pip']) state.packages[name] = { name, via: 'conda', line: ctx.line };
  ctx.trace(`${script}: conda installed in ${dir} for uid ${ctx.ident.uid}, python ${version}`);

  return { status: 0 };
}

// ---------------------------------------------------------------- git

const GIT_VALUE_OPTS = new Set(['-b', '--branch', '--depth', '-o', '--origin', '-c', '--config', '--reference', '-j', '--jobs', '--filter', '--separate-git-dir']);

/** True when the tree holds an entry whose parent is dir (one pass, no copy of the keys). */
function hasChild(fs: FsTree, dir: string): boolean {
  for (const k of fs.keys()) {
    const i = k.lastIndexOf('/');
    if (dir === '/' ? i <= 0 && k !== '/' : i === dir.length && k.startsWith(dir)) return true;
  }

  return false;
}

/** git clone URL [DIR]: the work tree is made by and owned by the caller. */
const git: CommandHandler = (ctx, argv) => {
  const missing = missingOnPlainImage(ctx, argv[0]);
  if (missing !== undefined) return missing;
  const args = argv.slice(1);
  const ci = args.indexOf('clone');
  if (ci < 0) return { status: 0 };

  const words = args.slice(ci + 1).filter((a, i, all) => !a.startsWith('-') && !GIT_VALUE_OPTS.has(all[i - 1] ?? ''));
  const url = words[0];
  if (!url) return res(129, 'fatal: You must specify a repository to clone.');

  const name = (words[1] ?? baseName(url.replace(/\/+$/, '')).replace(/\.git$/, '').replace(/^.*:/, '')) || 'repo';
  const dir = normalizePath(name, ctx.cwd);
  const existing = ctx.state.fs.get(dir);
  if (existing && (existing.kind !== 'dir' || hasChild(ctx.state.fs, dir))) {
    return res(128, `fatal: destination path '${words[1] ?? name}' already exists and is not an empty directory.`);
  }

  const blocked = blockedAt(ctx, dir);
  if (blocked !== undefined) return res(128, `fatal: could not create work tree dir '${words[1] ?? name}': Permission denied`);

  makeDirsAs(ctx, dir);
  makeDirsAs(ctx, `${dir}/.git`);
  // What the repository holds is not known: its listing is partial.
  contentsUnknown(ctx.state.fs, [dir]);
  const owner = userByUid(ctx.state.accounts, ctx.ident.uid)?.name ?? `uid ${ctx.ident.uid}`;
  ctx.trace(`git clone: ${dir} owned by ${owner}; git refuses it to other users (safe.directory)`);

  return { status: 0 };
};

// ---------------------------------------------------------------- npm

const NPM_INSTALL = new Set(['install', 'i', 'add', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'ci', 'clean-install', 'install-clean', 'isntall-clean']);
const NPM_VALUE_OPTS = new Set(['--prefix', '--location', '--cache', '--registry', '--tag', '--omit', '--include', '--loglevel', '-w', '--workspace']);

/** The npm the image has: the node images' own (npm 10, "npm error"), or Debian's (npm 9, "npm ERR!"). */
function npmPresent(ctx: ExecContext): 'node-image' | 'debian' | undefined {
  if (resolvePath(ctx.state.fs, '/usr/local/bin/npm').meta) return 'node-image';
  if (resolvePath(ctx.state.fs, '/usr/bin/npm').meta) return 'debian';

  return undefined;
}

/**
 * npm install / ci: where npm writes decides who may run it. A global install writes
 * PREFIX/lib/node_modules (prefix /usr/local in the node images and in Debian's npm, both
 * root-owned); a local one writes node_modules and package-lock.json in the working folder.
 * Other subcommands (run, test, ...) are not modelled.
 */
const npm: CommandHandler = (ctx, argv) => {
  const flavor = npmPresent(ctx);
  const args = argv.slice(1);
  const sub = args.find((a, i) => !a.startsWith('-') && !NPM_VALUE_OPTS.has(args[i - 1] ?? ''));
  if (!flavor || sub === undefined || !NPM_INSTALL.has(sub)) {
    // Not followed (npm run, npm exec: any script): like any unmodelled command, it may have
    // written its folder, /tmp and the tools' folders (PLAYWRIGHT_BROWSERS_PATH).
    const reason = `npm ${sub ?? ''}`.trim() + (flavor ? ' is not modelled' : ': whether npm is installed is not known');
    if (ctx.unfollowedScript !== undefined) ctx.unfollowedScript(reason, []);
    else {
      contentsUnknown(ctx.state.fs, [ctx.cwd]);
      ctx.unknown(reason, []);
    }
    return { status: 'unknown' };
  }

  const opt = (name: string): string | undefined => {
    const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return undefined;
    return args[i].includes('=') ? args[i].slice(args[i].indexOf('=') + 1) : args[i + 1];
  };
  const env = ctx.env;
  const global = args.includes('-g') || args.includes('--global') || opt('--location') === 'global' ||
    truthy(env.get('npm_config_global') ?? env.get('NPM_CONFIG_GLOBAL'));
  const names = args.filter((a, i) => a !== sub && !a.startsWith('-') && !NPM_VALUE_OPTS.has(args[i - 1] ?? ''));

  let target: string;
  if (global) {
    const prefix = opt('--prefix') ?? env.get('npm_config_prefix') ?? env.get('NPM_CONFIG_PREFIX') ?? '/usr/local';
    const dir = normalizePath(`${prefix}/lib/node_modules`, ctx.cwd);
    // A registry name (typescript, @scope/pkg@1) lands in its own folder; a path's name is not known.
    const name = names.find((n) => !/^[./~]|:/.test(n))?.replace(/(.)@[^/]*$/, '$1');
    target = name ? `${dir}/${name}` : dir;
  } else {
    target = `${normalizePath(opt('--prefix') ?? '.', ctx.cwd)}/node_modules`;
  }

  const blocked = blockedAt(ctx, target);
  if (blocked !== undefined) {
    const p = flavor === 'node-image' ? 'npm error' : 'npm ERR!';
    return {
      status: 243,
      stderr: [`${p} code EACCES`, `${p} syscall mkdir`, `${p} path ${blocked}`, `${p} errno -13`, `${p} Error: EACCES: permission denied, mkdir '${blocked}'`],
    };
  }
  makeDirsAs(ctx, target);

  return { status: 0 };
};

export const handlers: Record<string, CommandHandler> = {
  'apt-get': apt,
  apt,
  apk,
  dnf,
  yum: dnf,
  microdnf: dnf,
  dpkg,
  pip,
  pip3: pip,
  python,
  python3: python,
  virtualenv,
  conda,
  mamba: conda,
  micromamba: conda,
  git,
  npm,
};

// pythonX.Y and pipX.Y resolve to the same handlers.
for (const v of ['3.5', '3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14']) {
  handlers[`python${v}`] = python;
  handlers[`pip${v}`] = pip;
}
