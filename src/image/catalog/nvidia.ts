// NVIDIA's images: nvidia/cuda (base -> runtime -> devel, with cuDNN variants, on Ubuntu) and the
// NGC PyTorch container (nvcr.io/nvidia/pytorch), which is built on the CUDA images.

import { DEFAULT_PATH } from '../state.js';
import { UBUNTU, UBUNTU_USER_BUG } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { layer, pickOf } from './spec.js';

const CUDA_BASE_SRC =
  'https://gitlab.com/nvidia/container-images/cuda/-/blob/master/dist/12.6.3/ubuntu2404/base/Dockerfile';
const CUDA_RUNTIME_SRC =
  'https://gitlab.com/nvidia/container-images/cuda/-/blob/master/dist/12.6.3/ubuntu2404/runtime/Dockerfile';
const CUDA_DEVEL_SRC =
  'https://gitlab.com/nvidia/container-images/cuda/-/blob/master/dist/12.6.3/ubuntu2404/devel/Dockerfile';
const CUDNN_SRC =
  'https://gitlab.com/nvidia/container-images/cuda/-/blob/master/dist/12.6.3/ubuntu2404/runtime/cudnn/Dockerfile';
const TAGS_SRC = 'https://gitlab.com/nvidia/container-images/cuda/-/blob/master/doc/supported-tags.md';
const ENTRYPOINT_SRC = 'https://gitlab.com/nvidia/container-images/cuda/-/blob/master/nvidia_entrypoint.sh';
const UID_CLASH_SRC = 'https://github.com/pytorch/pytorch/issues/138812';

export const NVIDIA_ENTRYPOINT = '/opt/nvidia/nvidia_entrypoint.sh';


export type CudaFlavor = 'base' | 'runtime' | 'devel';
export const CUDA_UBUNTUS = ['20.04', '22.04', '24.04'];

export const CUDA_PATH = `/usr/local/nvidia/bin:/usr/local/cuda/bin:${DEFAULT_PATH}`;

/** nvidia/cuda on the given Ubuntu; cuDNN images add libraries only (no users, no modes). */
export function cudaSpec(flavor: CudaFlavor, ubuntu: string, cudnn: boolean, version?: string): Spec {
  const withRuntime = flavor !== 'base';
  const name = `${cudnn ? 'cudnn-' : ''}${flavor}`;
  const env: Record<string, string> = {
    PATH: CUDA_PATH,
    LD_LIBRARY_PATH: '/usr/local/nvidia/lib:/usr/local/nvidia/lib64',
    NVIDIA_VISIBLE_DEVICES: 'all',
    NVIDIA_DRIVER_CAPABILITIES: 'compute,utility',
  };
  if (version) env.CUDA_VERSION = version;
  if (withRuntime) env.NVIDIA_PRODUCT_NAME = 'CUDA';
  if (flavor === 'devel') env.LIBRARY_PATH = '/usr/local/cuda/lib64/stubs';

  const runtimeRows: Spec['paths'] = withRuntime
    ? [
        ['/opt', 'dir', 'root:root', 0o755],
        ['/opt/nvidia', 'part', 'root:root', 0o755],
        [NVIDIA_ENTRYPOINT, 'file', 'root:root', 0o755],
        ['/opt/nvidia/entrypoint.d', 'part', 'root:root', 0o755],
      ]
    : [];

  const ubuntuNote: AssumptionRow[] =
    ubuntu === '24.04'
      ? [['cuda-ubuntu-user', 'ubuntu', 'the Ubuntu 24.04 variants keep user ubuntu at uid 1000; ' +
          '`useradd -u 1000` fails there until it is removed.', 'high']]
      : [];

  return layer(UBUNTU[ubuntu], {
    summary: `nvidia/cuda ${name} on Ubuntu ${ubuntu}: root, cwd /, no Python, no sudo` +
      (withRuntime ? `, ENTRYPOINT ${NVIDIA_ENTRYPOINT}` : ''),
    paths: [
      ['/usr/local/cuda', 'part', 'root:root', 0o755],
      ['/etc/ld.so.conf.d', 'part', 'root:root', 0o755],
      ['/etc/ld.so.conf.d/nvidia.conf', 'file', 'root:root', 0o644],
      ['/NGC-DL-CONTAINER-LICENSE', 'file', 'root:root', 0o644],
      ...runtimeRows,
    ],
    // Setting ENTRYPOINT drops the CMD inherited from ubuntu, so runtime and devel have none.
    config: withRuntime ? { env, entrypoint: [NVIDIA_ENTRYPOINT], cmd: null } : { env },
    packages: [
      'cuda',
      ...(flavor === 'devel' ? ['cuda-toolkit'] : []),
      ...(withRuntime ? ['nccl'] : []),
      ...(cudnn ? ['cudnn'] : []),
    ],
    assumptions: withRuntime
      ? [...ubuntuNote, ['nvidia-entrypoint', NVIDIA_ENTRYPOINT, `${NVIDIA_ENTRYPOINT} is taken to print its banner parts and then exec the command (or bash), as its source does; the parts of /opt/nvidia/entrypoint.d it sources are taken to change no file or user.`, 'medium']]
      : ubuntuNote,
    cites: [
      TAGS_SRC,
      CUDA_BASE_SRC,
      ...(withRuntime ? [CUDA_RUNTIME_SRC, ENTRYPOINT_SRC] : []),
      ...(flavor === 'devel' ? [CUDA_DEVEL_SRC] : []),
      ...(cudnn ? [CUDNN_SRC] : []),
      ...(ubuntu === '24.04' ? [UBUNTU_USER_BUG, UID_CLASH_SRC] : []),
    ],
  });
}

const cudaKey = (flavor: CudaFlavor, ubuntu: string, cudnn: boolean) =>
  `nvidia/cuda:${cudnn ? 'cudnn-' : ''}${flavor}-ubuntu${ubuntu}`;

const cudaEntries: Entry[] = CUDA_UBUNTUS.flatMap((u) => [
  ...(['base', 'runtime', 'devel'] as CudaFlavor[]).map((f) => ({
    key: cudaKey(f, u, false),
    spec: () => cudaSpec(f, u, false),
  })),
  ...(['runtime', 'devel'] as CudaFlavor[]).map((f) => ({
    key: cudaKey(f, u, true),
    spec: () => cudaSpec(f, u, true),
  })),
]);

/** '12.4.1-cudnn-devel-ubuntu22.04' -> its parts; null when the tag has another shape. */
export function readCudaTag(tag: string) {
  const m = /^(\d+\.\d+(?:\.\d+)?)-(?:(cudnn\d*)-)?(base|runtime|devel)-([a-z]+)(\d+(?:\.\d+)?)$/.exec(tag);
  if (!m) return null;

  return { version: m[1], cudnn: m[2] !== undefined, flavor: m[3] as CudaFlavor, os: m[4], osVersion: m[5] };
}

export const cudaFamily: Family = {
  entries: cudaEntries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'nvidia/cuda') return null;
    const tag = ref.tag ?? 'latest';
    const t = readCudaTag(tag);

    if (t && t.os === 'ubuntu' && CUDA_UBUNTUS.includes(t.osVersion)) {
      const key = cudaKey(t.flavor, t.osVersion, t.cudnn);
      const flavor = t.flavor === 'base' && t.cudnn ? 'runtime' : t.flavor;

      return { key, spec: cudaSpec(flavor, t.osVersion, t.cudnn, t.version), inferred: [] };
    }

    // Other shapes: an Ubuntu the catalog lacks, a RHEL-family variant, or no tag at all.
    const flavor = t?.flavor ?? 'runtime';
    const ubuntu = t?.os === 'ubuntu' && Number(t.osVersion) >= 23 ? '24.04' : '22.04';
    const key = cudaKey(flavor, ubuntu, t?.cudnn ?? false);
    const notUbuntu = t !== null && t.os !== 'ubuntu';
    const text = notUbuntu
      ? `nvidia/cuda tag '${tag}' is built on ${t.os} ${t.osVersion}, which the catalog does not ` +
        `describe; assuming the users and modes of ${key}, which will be wrong for a RHEL-family ` +
        'base (different system accounts, no ubuntu user).'
      : `nvidia/cuda tag '${tag}' is not in the catalog; assuming ${key}.`;

    return pickOf(cudaEntries, key, [['unknown-tag', ref.written, text, 'low']]);
  },
};

// ---------------------------------------------------------------- NGC PyTorch

const NGC_NOTES = 'https://docs.nvidia.com/deeplearning/frameworks/pytorch-release-notes/rel-25-12.html';
const NGC_ROOT = 'https://github.com/NVIDIA/Isaac-GR00T/issues/653';
const NGC_WORKSPACE = 'https://developer.nvidia.com/pyg-container-early-access';
const NGC_PEP668 = 'https://github.com/NVIDIA/JAX-Toolbox/pull/1122';
const NGC_BANNER = 'https://github.com/wasserth/TotalSegmentator/issues/21';
const NGC_OLD = 'https://docs.nvidia.com/deeplearning/frameworks/pytorch-release-notes/rel_20-06.html';

/** The NGC PyTorch layout for a release: Ubuntu and system Python version. */
export function ngcSpec(ubuntu: '22.04' | '24.04', py: string, constraints: boolean): Spec {
  const dist = `/usr/local/lib/python${py}/dist-packages`;
  const marker = ubuntu === '24.04';
  const env: Record<string, string> = {
    PATH: CUDA_PATH,
    LD_LIBRARY_PATH: '/usr/local/nvidia/lib:/usr/local/nvidia/lib64',
    NVIDIA_VISIBLE_DEVICES: 'all',
    NVIDIA_DRIVER_CAPABILITIES: 'compute,utility',
    NVIDIA_PRODUCT_NAME: 'PyTorch',
  };
  if (marker) env.PIP_BREAK_SYSTEM_PACKAGES = '1';

  return layer(cudaSpec('devel', ubuntu, true), {
    summary: `NGC PyTorch (Ubuntu ${ubuntu}, system Python ${py}): root, /workspace, ` +
      'torch in /usr/local dist-packages, root-owned',
    paths: [
      ['/workspace', 'part', 'root:root', 0o755],
      ['/opt', 'part', 'root:root', 0o755],
      ['/opt/pytorch', 'part', 'root:root', 0o755],
      ['/usr/bin/python3', 'link', 'root:root', 0o777, `python${py}`],
      [`/usr/bin/python${py}`, 'file', 'root:root', 0o755],
      ['/usr/local/lib', 'part', 'root:root', 0o755],
      [`/usr/local/lib/python${py}`, 'part', 'root:root', 0o755],
      [dist, 'part', 'root:root', 0o755],
      [`${dist}/torch`, 'part', 'root:root', 0o755],
      ['/usr/lib/python3', 'part', 'root:root', 0o755],
      ['/usr/lib/python3/dist-packages', 'part', 'root:root', 0o755],
      ...(constraints
        ? ([
            ['/etc/pip', 'part', 'root:root', 0o755],
            ['/etc/pip/constraint.txt', 'file', 'root:root', 0o644],
          ] as Spec['paths'])
        : []),
      ...(marker
        ? ([[`/usr/lib/python${py}`, 'part', 'root:root', 0o755],
            [`/usr/lib/python${py}/EXTERNALLY-MANAGED`, 'file', 'root:root', 0o644]] as Spec['paths'])
        : []),
    ],
    config: { env, workdir: '/workspace' },
    packages: ['python3', 'python3-pip', 'torch', 'jupyter'],
    pythons: [
      {
        python: '/usr/bin/python3',
        kind: 'system',
        sitePackages: dist,
        version: py,
        externallyManaged: marker,
        binDir: '/usr/local',
      },
    ],
    assumptions: [
      ['ngc-workdir', '/workspace', 'WORKDIR /workspace is assumed: NGC-derived images document ' +
        'content there, the PyTorch release notes do not state it.', 'medium'],
      ['ngc-entrypoint', 'ENTRYPOINT', `the NGC banner entrypoint is assumed at ${NVIDIA_ENTRYPOINT}.`,
        'medium'],
      ['ngc-accounts', '/etc/passwd', 'users added, sudo and ENV of NGC images are not documented; ' +
        'assuming the CUDA base accounts and no sudo.', 'medium'],
      ...(marker
        ? ([['ngc-pep668', 'PIP_BREAK_SYSTEM_PACKAGES', 'PIP_BREAK_SYSTEM_PACKAGES=1 is assumed set ' +
            'on the Ubuntu 24.04 releases (stated by an NVIDIA engineer, not in release notes).',
            'medium']] as AssumptionRow[])
        : []),
    ],
    cites: [NGC_NOTES, NGC_ROOT, NGC_WORKSPACE, NGC_BANNER, ...(marker ? [NGC_PEP668] : [])],
  });
}

const ngcEntries: Entry[] = [
  { key: 'nvcr.io/nvidia/pytorch:py3-ubuntu24.04', spec: () => ngcSpec('24.04', '3.12', true) },
  { key: 'nvcr.io/nvidia/pytorch:py3-ubuntu22.04', spec: () => ngcSpec('22.04', '3.10', false) },
];

export const ngcFamily: Family = {
  entries: ngcEntries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'nvidia/pytorch' || ref.registry !== 'nvcr.io') return null;
    const tag = ref.tag ?? 'latest';
    const m = /^(\d{2})\.(\d{2})/.exec(tag);
    if (!m) {
      return pickOf(ngcEntries, 'nvcr.io/nvidia/pytorch:py3-ubuntu24.04', [
        ['unknown-tag', ref.written, `NGC tag '${tag}' has no YY.MM release; assuming a ` +
          'current release (Ubuntu 24.04, Python 3.12).', 'low'],
      ]);
    }

    const release = Number(m[1]) * 100 + Number(m[2]);
    const row = (text: string, c: AssumptionRow[3]): AssumptionRow => ['ngc-release', ref.written, text, c];
    // The Python 3.12 / Ubuntu 24.04 switch is dated by the release notes to late 2024.
    if (release >= 2410) {
      const spec = ngcSpec('24.04', '3.12', release >= 2503);
      const inferred = release < 2503
        ? [row(`release ${m[1]}.${m[2]} is taken as Ubuntu 24.04 / Python 3.12 without the ` +
            'pip constraint file (added in 25.03).', 'medium')]
        : [];

      return { key: 'nvcr.io/nvidia/pytorch:py3-ubuntu24.04', spec, inferred };
    }

    const old = release < 2100;
    const text = old
      ? `release ${m[1]}.${m[2]} predates the catalog: early releases put torch in conda under ` +
        '/opt/conda; assuming the Ubuntu 22.04 / Python 3.10 layout, which is likely wrong.'
      : `release ${m[1]}.${m[2]} is taken as Ubuntu 22.04 with Python 3.10; the exact release ` +
        'of the switch to 24.04 is not confirmed.';

    return pickOf(ngcEntries, 'nvcr.io/nvidia/pytorch:py3-ubuntu22.04', [
      row(old ? `${text} (${NGC_OLD})` : text, old ? 'low' : 'medium'),
    ]);
  },
};
