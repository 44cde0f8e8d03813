// What the Python rules share: whether pip is there at all, and whether PEP 668 stops it first.

import type { AnalysisView } from '../rule.js';
import type { PythonEnv } from '../../model/types.js';
import { normalizePath, resolvePath } from '../../image/fs.js';
import { pythonUserBase } from '../../shell/commands/packages.js';
import { homeFromRun } from '../util.js';

/**
 * pip is installed for this Python: a venv gets it from ensurepip (unless --without-pip, which
 * the model does not track), otherwise a pip script in the environment's bin directory or a
 * package that provides it must be known. Distroless and chainguard Pythons ship none.
 */
export function pipInstalled(a: Pick<AnalysisView, 'image'>, py: PythonEnv): boolean {
  if (py.kind === 'venv') return true;

  const bin = normalizePath(`${py.binDir}/bin`);
  const names = ['pip', 'pip3', `pip${py.version}`];
  if (names.some((n) => resolvePath(a.image.fs, `${bin}/${n}`).meta)) return true;

  const pkgs = a.image.packages;
  if (py.kind === 'system') return ['python3-pip', 'py3-pip', `py${py.version}-pip`].some((n) => pkgs[n] !== undefined);

  return pkgs.pip !== undefined;
}

/** PEP 668: the marker is there and nothing in the environment sets it aside. */
export function refusedByMarker(py: { externallyManaged: boolean }, env: Record<string, string | undefined>): boolean {
  // pip reads the variable as its --break-system-packages switch (a boolean option).
  const override = /^(1|true|yes|on)$/i.test(env.PIP_BREAK_SYSTEM_PACKAGES ?? '');

  return py.externallyManaged && !override && !env.VIRTUAL_ENV;
}

/** Where `pip install --user` goes for the process, and whether the run decides it. */
export interface UserBase {
  /** PYTHONUSERBASE (made absolute against the working folder), else HOME/.local. */
  base: string;
  /** BASE/lib/pythonX.Y/site-packages. */
  site: string;
  /** BASE/bin, where the console scripts of user installs go. */
  bin: string;
  /** PYTHONUSERBASE chose the base. */
  variable: boolean;
  /**
   * The base comes from the run (-e PYTHONUSERBASE, or -e HOME when the variable is not set, or
   * -w for a relative value), so a PATH change for it belongs there, not in the image.
   */
  fromRun: boolean;
}

/** The process's user base, from the same helper the RUN-step pip model uses. */
export function userBaseOf(a: Pick<AnalysisView, 'runtime' | 'run'>, py: Pick<PythonEnv, 'version'>): UserBase {
  const p = a.runtime.process;
  const value = p.env.PYTHONUSERBASE;
  const base = pythonUserBase(value, p.home, p.cwd);
  const runEnv = a.run?.env ?? {};
  const fromRun = value
    ? Boolean(runEnv.PYTHONUSERBASE) || (!value.startsWith('/') && Boolean(a.run?.workdir))
    : homeFromRun(a) || runEnv.PYTHONUSERBASE !== undefined;

  return { base, site: `${base}/lib/python${py.version}/site-packages`, bin: normalizePath(`${base}/bin`), variable: Boolean(value), fromRun };
}

/**
 * PATH lists the user base's bin folder: the folder itself (an absolute entry compared
 * normalised), or the literal `$HOME/.local/bin` some images write when the base is ~/.local.
 */
export function userBinListed(env: Record<string, string | undefined>, u: UserBase): boolean {
  return (env.PATH ?? '').split(':').some((d) => (d.startsWith('/') ? normalizePath(d) === u.bin : !u.variable && d === '$HOME/.local/bin'));
}

/**
 * `pip install --user` can make or write the user site. The verdict on the site itself decides:
 * an existing site must be writable, and a missing one is made like `mkdir -p`, which needs the
 * deepest folder that exists (the base, or the folder above it). A base that exists but refuses
 * the user (a root-owned ~/.local copied in without --chown) is not worked round by the folder
 * above it being writable.
 */
export function userSiteWritable(a: Pick<AnalysisView, 'check'>, u: UserBase): boolean {
  return a.check(u.site, 'create').allowed;
}
