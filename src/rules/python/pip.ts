// What the Python rules share: whether pip is there at all, and whether PEP 668 stops it first.

import type { AnalysisView } from '../rule.js';
import type { PythonEnv } from '../../model/types.js';
import { normalizePath, resolvePath } from '../../image/fs.js';

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
