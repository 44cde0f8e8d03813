// pytorch/pytorch on Docker Hub: conda (Miniforge, earlier Miniconda) at /opt/conda, installed by
// root in a build stage and copied in, on plain Ubuntu (runtime) or nvidia/cuda devel (devel).

import { DEFAULT_PATH } from '../state.js';
import { UBUNTU } from './debian.js';
import { cudaSpec } from './nvidia.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { latestRow, layer, pickOf } from './spec.js';

const DOCKERFILE = 'https://github.com/pytorch/pytorch/blob/main/Dockerfile';
const MAKEFILE = 'https://github.com/pytorch/pytorch/blob/main/docker.Makefile';
const UBUNTU_2204_PR = 'https://github.com/pytorch/pytorch/pull/113032';
const UBUNTU_2004_PR = 'https://github.com/pytorch/pytorch/pull/101310';
const DEVEL_PR = 'https://github.com/pytorch/pytorch/pull/125770';
const CONDA_OWNER = 'https://github.com/pytorch/pytorch/issues/48447';
const GETUSER_BUG = 'https://github.com/pytorch/pytorch/issues/140765';

/** A conda install made by root (pytorch, miniconda3, miniforge3): everything root:root 0755. */
export function rootCondaRows(prefix: string, py: string | null): Spec['paths'] {
  const rows: Spec['paths'] = [
    [prefix, 'part', 'root:root', 0o755],
    [`${prefix}/bin`, 'part', 'root:root', 0o755],
    [`${prefix}/bin/conda`, 'file', 'root:root', 0o755],
    [`${prefix}/lib`, 'part', 'root:root', 0o755],
    [`${prefix}/pkgs`, 'part', 'root:root', 0o755],
  ];
  if (!py) return rows;

  return [
    ...rows,
    [`${prefix}/bin/python`, 'link', 'root:root', 0o777, `python${py}`],
    [`${prefix}/bin/python3`, 'link', 'root:root', 0o777, `python${py}`],
    [`${prefix}/bin/python${py}`, 'file', 'root:root', 0o755],
    [`${prefix}/bin/pip`, 'file', 'root:root', 0o755],
    [`${prefix}/lib/python${py}`, 'part', 'root:root', 0o755],
    [`${prefix}/lib/python${py}/site-packages`, 'part', 'root:root', 0o755],
  ];
}

export const condaPython = (prefix: string, py: string) => ({
  python: `${prefix}/bin/python`,
  kind: 'conda' as const,
  sitePackages: `${prefix}/lib/python${py}/site-packages`,
  version: py,
  externallyManaged: false,
  binDir: prefix,
});

type Flavor = 'runtime' | 'devel';

/** Version as a comparable number: '2.3.1' -> 203. */
const minor = (v: string) => {
  const [a, b] = v.split('.').map(Number);

  return a * 100 + (b ?? 0);
};

export function pytorchSpec(flavor: Flavor, ubuntu: string, py: string, version?: string): Spec {
  // Devel tags were built on cuDNN devel images until May 2024 (2.3), on plain CUDA devel after.
  const cudnnBase = version !== undefined && minor(version) < 204;
  const base = flavor === 'runtime' ? UBUNTU[ubuntu] : cudaSpec('devel', ubuntu, cudnnBase);
  const env: Record<string, string> = {
    PATH: `/usr/local/nvidia/bin:/usr/local/cuda/bin:/opt/conda/bin:${DEFAULT_PATH}`,
    LD_LIBRARY_PATH: '/usr/local/nvidia/lib:/usr/local/nvidia/lib64',
    NVIDIA_VISIBLE_DEVICES: 'all',
    NVIDIA_DRIVER_CAPABILITIES: 'compute,utility',
  };
  if (version) env.PYTORCH_VERSION = version;

  return layer(base, {
    summary: `pytorch/pytorch ${flavor} (Ubuntu ${ubuntu}): root, conda Python ${py} in ` +
      '/opt/conda owned by root, WORKDIR /workspace, no sudo',
    paths: [
      ...rootCondaRows('/opt/conda', py),
      [`/opt/conda/lib/python${py}/site-packages/torch`, 'part', 'root:root', 0o755],
      // Made by the WORKDIR instruction while root, nothing copied into it.
      ['/workspace', 'dir', 'root:root', 0o755],
    ],
    config: { env, workdir: '/workspace' },
    packages: ['conda', 'python', 'pip', 'torch'],
    pythons: [condaPython('/opt/conda', py)],
    condaPrefix: '/opt/conda',
    assumptions: [
      ['pytorch-python', '/opt/conda', `the conda Python is taken as ${py}; the Dockerfile's ` +
        'PYTHON_VERSION default moved from 3.10 to 3.11 and the value per tag is not confirmed.',
        'medium'],
    ],
    cites: [DOCKERFILE, MAKEFILE, UBUNTU_2204_PR, UBUNTU_2004_PR, DEVEL_PR, CONDA_OWNER, GETUSER_BUG],
  });
}

const entries: Entry[] = [
  { key: 'pytorch/pytorch:runtime', spec: () => pytorchSpec('runtime', '22.04', '3.11') },
  { key: 'pytorch/pytorch:devel', spec: () => pytorchSpec('devel', '22.04', '3.11') },
];

export const pytorchFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'pytorch/pytorch') return null;
    const tag = ref.tag ?? 'latest';
    const m = /^(\d+\.\d+(?:\.\d+)?)-cuda(\d+\.\d+)-cudnn(\d+)-(runtime|devel)$/.exec(tag);

    if (!m) {
      const flavor: Flavor = /devel/.test(tag) ? 'devel' : 'runtime';
      const row: AssumptionRow = tag === 'latest'
        ? latestRow(ref, 'a current runtime tag (Ubuntu 22.04, conda Python 3.11)')
        : ['unknown-tag', ref.written, `pytorch/pytorch tag '${tag}' is not in the catalog; ` +
            `assuming a current ${flavor} tag (Ubuntu 22.04, conda Python 3.11).`, 'low'];

      return pickOf(entries, `pytorch/pytorch:${flavor}`, [row]);
    }

    const [, version, , , flavor] = m;
    const v = minor(version);
    const inferred: AssumptionRow[] = [];
    // Release builds moved to Ubuntu 22.04 in Nov 2023 (2.2), from 20.04 in May 2023.
    const ubuntu = v >= 202 ? '22.04' : '20.04';
    if (v < 202) {
      inferred.push(['pytorch-ubuntu', ref.written, `torch ${version} predates the move to ` +
        'Ubuntu 22.04; assuming Ubuntu 20.04 (18.04 for releases before mid-2023).', 'medium']);
    }
    const py = v >= 204 ? '3.11' : '3.10';

    return {
      key: `pytorch/pytorch:${flavor}`,
      spec: pytorchSpec(flavor as Flavor, ubuntu, py, version),
      inferred,
    };
  },
};
