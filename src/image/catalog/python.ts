// Docker's official python images: CPython built from source into /usr/local on top of Debian
// (buildpack-deps for the full variant, debian-slim for slim) or Alpine.

import { DEFAULT_PATH } from '../state.js';
import { ALPINE } from './alpine.js';
import { DEBIAN_11, DEBIAN_12 } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { layer } from './spec.js';

const SLIM_SRC = 'https://github.com/docker-library/python/blob/master/3.12/slim-bookworm/Dockerfile';
const FULL_SRC = 'https://github.com/docker-library/python/blob/master/3.12/bookworm/Dockerfile';
const PEP668_SRC = 'https://github.com/docker-library/buildpack-deps/blob/master/debian/bookworm/Dockerfile';
const PEP668_SPEC = 'https://packaging.python.org/en/latest/specifications/externally-managed-environments/';

export const PYTHON_VERSIONS = ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];
/** What 'python:latest' and suite-only tags carry at the time of writing. */
export const PYTHON_LATEST = '3.14';

type Variant = 'bookworm' | 'slim-bookworm' | 'bullseye' | 'slim-bullseye' | 'alpine';

/** The interpreter installed under /usr/local, as the official Dockerfiles build it. */
export function pythonPatchRows(v: string) {
  const lib = `/usr/local/lib/python${v}`;

  return [
    ['/usr/local/bin', 'part', 'root:root', 0o755],
    ['/usr/local/bin/python3', 'link', 'root:root', 0o777, `python${v}`],
    ['/usr/local/bin/python', 'link', 'root:root', 0o777, 'python3'],
    [`/usr/local/bin/python${v}`, 'file', 'root:root', 0o755],
    ['/usr/local/bin/pip', 'file', 'root:root', 0o755],
    ['/usr/local/bin/pip3', 'file', 'root:root', 0o755],
    ['/usr/local/lib', 'part', 'root:root', 0o755],
    [lib, 'part', 'root:root', 0o755],
    [`${lib}/site-packages`, 'part', 'root:root', 0o755],
  ] as Spec['paths'];
}

export function pythonSpec(v: string, variant: Variant): Spec {
  const base = variant === 'alpine' ? ALPINE : /bullseye/.test(variant) ? DEBIAN_11 : DEBIAN_12;
  const full = variant === 'bookworm' || variant === 'bullseye';
  const assumptions: AssumptionRow[] = full
    ? [['python-debian-python', '/usr/lib/python3', 'the full image is built on buildpack-deps, ' +
        "which probably also carries Debian's own python3 (with a PEP 668 marker); only the " +
        '/usr/local interpreter that PATH finds first is modelled.', 'medium']]
    : [];

  return layer(base, {
    summary: `Python ${v} (${variant}): CPython in /usr/local, root, site-packages root-owned`,
    paths: pythonPatchRows(v),
    config: { env: { PATH: `/usr/local/bin:${DEFAULT_PATH}` }, cmd: ['python3'] },
    packages: ['python', 'pip'],
    pythons: [
      {
        python: '/usr/local/bin/python3',
        kind: 'source',
        sitePackages: `/usr/local/lib/python${v}/site-packages`,
        version: v,
        // The source build ships no EXTERNALLY-MANAGED file, so pip installs as root freely.
        externallyManaged: false,
        binDir: '/usr/local',
      },
    ],
    assumptions,
    cites: [variant.startsWith('slim') ? SLIM_SRC : FULL_SRC, FULL_SRC, PEP668_SRC, PEP668_SPEC],
  });
}

const VARIANTS: Variant[] = ['bookworm', 'slim-bookworm', 'bullseye', 'slim-bullseye', 'alpine'];

const entries: Entry[] = PYTHON_VERSIONS.flatMap((v) =>
  VARIANTS.map((variant) => ({ key: `python:${v}-${variant}`, spec: () => pythonSpec(v, variant) })),
);

/** Reads a python tag: '3.12', '3.12.4-slim', '3.11-slim-bookworm', 'slim', 'alpine3.20'... */
function readTag(tag: string): { v: string | null; rest: string } {
  const m = /^(\d+)(?:\.(\d+))?(?:\.\d+)?(?:(?:a|b|rc)\d+)?(?:-(.*))?$/.exec(tag);
  if (!m) return { v: null, rest: tag };

  return { v: m[2] !== undefined ? `${m[1]}.${m[2]}` : null, rest: m[3] ?? '' };
}

export const pythonFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'python') return null;
    const tag = ref.tag ?? 'latest';
    const inferred: AssumptionRow[] = [];
    const { v: written, rest } = readTag(tag === 'latest' ? '' : tag);

    let v = written;
    if (!v || !PYTHON_VERSIONS.includes(v)) {
      v = PYTHON_LATEST;
      inferred.push([
        'python-version',
        ref.written,
        `tag '${tag}' gives no Python version in the catalog; assuming Python ${PYTHON_LATEST}.`,
        written ? 'low' : 'medium',
      ]);
    }

    let variant: Variant;
    if (/^alpine/.test(rest)) variant = 'alpine';
    else if (/bullseye/.test(rest)) variant = /slim/.test(rest) ? 'slim-bullseye' : 'bullseye';
    else {
      variant = /slim/.test(rest) ? 'slim-bookworm' : 'bookworm';
      if (!/bookworm/.test(rest)) {
        // Tags without a suite follow Debian's newest stable release, which moves.
        inferred.push([
          'python-suite',
          ref.written,
          `tag '${tag}' names no Debian suite; assuming bookworm (Debian 12). Newer images ` +
            'may be built on trixie; users, groups and modes are taken as bookworm has them.',
          'medium',
        ]);
      }
      if (/windows|nanoserver|trixie/.test(rest)) inferred[inferred.length - 1][3] = 'low';
    }

    const key = `python:${v}-${variant}`;
    const spec = pythonSpec(v, variant);
    const full = /^\d+\.\d+\.\d+/.exec(tag);
    const withVersion = full
      ? layer(spec, { config: { env: { PYTHON_VERSION: full[0] } } })
      : spec;

    return { key, spec: withVersion, inferred };
  },
};
