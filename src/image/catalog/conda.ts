// Conda distribution images: continuumio/miniconda3 and condaforge/miniforge3 (root-owned
// /opt/conda, run as root) and mambaorg/micromamba (user mambauser 57439, world-writable prefix).

import { DEFAULT_PATH } from '../state.js';
import { ALPINE } from './alpine.js';
import { DEBIAN_12, UBUNTU } from './debian.js';
import { condaPython, rootCondaRows } from './pytorch.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { latestRow, layer, pickOf } from './spec.js';

const MINICONDA = 'https://github.com/ContinuumIO/docker-images/blob/main/miniconda3/debian/Dockerfile';
const MINIFORGE = 'https://github.com/conda-forge/miniforge-images/blob/main/ubuntu/Dockerfile';
const MAMBAFORGE_SUNSET = 'https://conda-forge.org/news/2024/07/29/sunsetting-mambaforge/';
const MM = 'https://github.com/mamba-org/micromamba-docker/blob/main';

const CONDA_PATH = `/opt/conda/bin:${DEFAULT_PATH}`;

export const MINICONDA_SPEC: Spec = layer(DEBIAN_12, {
  summary: 'continuumio/miniconda3 (Debian 12 slim): root, conda Python 3.12 in /opt/conda ' +
    'owned by root, no sudo',
  paths: [...rootCondaRows('/opt/conda', '3.12'), ['/etc/profile.d', 'part', 'root:root', 0o755],
    ['/etc/profile.d/conda.sh', 'link', 'root:root', 0o777, '/opt/conda/etc/profile.d/conda.sh']],
  config: { env: { PATH: CONDA_PATH }, cmd: ['/bin/bash'] },
  packages: ['conda', 'python', 'pip'],
  pythons: [condaPython('/opt/conda', '3.12')],
  condaPrefix: '/opt/conda',
  assumptions: [
    ['miniconda-python', '/opt/conda', 'the base Python is taken as 3.12 (the installer the ' +
      'Dockerfile uses); older tags carry older Pythons.', 'medium'],
  ],
  cites: [MINICONDA],
});

function miniforgeSpec(ubuntu: '20.04' | '24.04', py: string, what: string): Spec {
  return layer(UBUNTU[ubuntu], {
    summary: `${what} (Ubuntu ${ubuntu}): root, conda in /opt/conda owned by root, ` +
      `${ubuntu === '24.04' ? 'user ubuntu 1000 present' : 'no user at uid 1000'}, ENTRYPOINT tini`,
    paths: rootCondaRows('/opt/conda', py),
    config: {
      env: { CONDA_DIR: '/opt/conda', PATH: CONDA_PATH },
      entrypoint: ['tini', '--'],
      cmd: ['/bin/bash'],
    },
    packages: ['conda', 'mamba', 'python', 'pip', 'tini'],
    pythons: [condaPython('/opt/conda', py)],
    condaPrefix: '/opt/conda',
    assumptions: [
      ['miniforge-python', '/opt/conda', `the base Python is taken as ${py} for every tag; the ` +
        'real one follows the Miniforge release of the tag (site-packages is named after it).', 'medium'],
    ],
    cites: ubuntu === '24.04' ? [MINIFORGE] : [MINIFORGE, MAMBAFORGE_SUNSET],
  });
}

export const MINIFORGE_SPEC: Spec = miniforgeSpec('24.04', '3.12', 'condaforge/miniforge3');
/**
 * condaforge/mambaforge: the installer was retired in January 2025, before the images moved
 * to Ubuntu 24.04 (2025-03-18), so every tag is built on 20.04 and has no ubuntu user.
 */
export const MAMBAFORGE_SPEC: Spec = miniforgeSpec('20.04', '3.10', 'condaforge/mambaforge');

type MambaOs = 'debian' | 'ubuntu22.04' | 'ubuntu24.04' | 'alpine';

export function micromambaSpec(os: MambaOs): Spec {
  const base = os === 'debian' ? DEBIAN_12
    : os === 'alpine' ? ALPINE
    : UBUNTU[os === 'ubuntu24.04' ? '24.04' : '22.04'];
  const home: Spec['paths'] = [
    // `chmod -R a+rwx /home` in the account script opens every home, ubuntu's too.
    ['/home', 'dir', 'root:root', 0o777],
    ['/home/mambauser', 'part', 'mambauser:mambauser', 0o777],
    ...(os === 'ubuntu24.04' ? ([['/home/ubuntu', 'part', 'ubuntu:ubuntu', 0o777]] as Spec['paths']) : []),
  ];

  return layer(base, {
    summary: `mambaorg/micromamba (${os}): USER mambauser 57439, /opt/conda world-writable, ` +
      'empty base env (no Python), no sudo',
    addPasswd: 'mambauser:x:57439:57439::/home/mambauser:/bin/bash',
    addGroup: 'mambauser:x:57439:',
    paths: [
      ...home,
      // Made by root, then `chmod -R a+rwx` on the root prefix.
      ['/opt/conda', 'part', 'root:root', 0o777],
      ['/opt/conda/conda-meta', 'part', 'root:root', 0o777],
      // MAMBA_EXE is /bin/micromamba; with merged /usr that lands in /usr/bin.
      [os === 'alpine' ? '/bin/micromamba' : '/usr/bin/micromamba', 'file', 'root:root', 0o755],
      ['/usr/local/bin', 'part', 'root:root', 0o755],
      ['/usr/local/bin/_entrypoint.sh', 'file', 'root:root', 0o755],
      ['/usr/local/bin/_dockerfile_shell.sh', 'file', 'root:root', 0o755],
      ['/etc/arg_mamba_user', 'file', 'root:root', 0o644],
    ],
    config: {
      user: 'mambauser',
      workdir: '/tmp',
      env: {
        MAMBA_USER: 'mambauser',
        MAMBA_USER_ID: '57439',
        MAMBA_USER_GID: '57439',
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
        ENV_NAME: 'base',
        MAMBA_ROOT_PREFIX: '/opt/conda',
        MAMBA_EXE: '/bin/micromamba',
      },
      entrypoint: ['/usr/local/bin/_entrypoint.sh'],
      cmd: ['/bin/bash'],
      // RUN lines of derived images go through this script (bash -o pipefail -c).
      shell: ['/usr/local/bin/_dockerfile_shell.sh'],
    },
    packages: ['micromamba'],
    pythons: [],
    condaPrefix: '/opt/conda',
    assumptions: os === 'alpine'
      ? [['micromamba-alpine-shell', 'mambauser', 'on Alpine, bash and /bin/micromamba are ' +
          'assumed at the same paths as on Debian.', 'medium']]
      : [],
    cites: [
      `${MM}/debian.Dockerfile`,
      `${MM}/_dockerfile_initialize_user_accounts.sh`,
      `${MM}/_dockerfile_setup_root_prefix.sh`,
      `${MM}/_dockerfile_shell.sh`,
      `${MM}/_entrypoint.sh`,
      `${MM}/CHANGELOG.md`,
    ],
  });
}

const entries: Entry[] = [
  { key: 'continuumio/miniconda3', spec: () => MINICONDA_SPEC },
  { key: 'condaforge/miniforge3', spec: () => MINIFORGE_SPEC },
  { key: 'condaforge/mambaforge', spec: () => MAMBAFORGE_SPEC },
  { key: 'mambaorg/micromamba', spec: () => micromambaSpec('debian') },
  { key: 'mambaorg/micromamba:ubuntu22.04', spec: () => micromambaSpec('ubuntu22.04') },
  { key: 'mambaorg/micromamba:ubuntu24.04', spec: () => micromambaSpec('ubuntu24.04') },
  { key: 'mambaorg/micromamba:alpine', spec: () => micromambaSpec('alpine') },
];

const unknownTag = (ref: ImageRef, tag: string, meaning: string): AssumptionRow =>
  ['unknown-tag', ref.written, `tag '${tag}' is not in the catalog; assuming ${meaning}.`, 'low'];

export const condaFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    const tag = ref.tag ?? 'latest';

    if (ref.repo === 'continuumio/miniconda3') {
      const known = /^(\d+\.\d+\.\d+-\d+|py\d+_.+)$/.test(tag);
      const rows = tag === 'latest' ? [latestRow(ref, 'the current Debian 12 slim build')]
        : known ? [] : [unknownTag(ref, tag, 'the current Debian 12 slim build')];

      return pickOf(entries, 'continuumio/miniconda3', rows);
    }

    if (ref.repo === 'condaforge/mambaforge') {
      // Retired in January 2025: every tag there is, latest included, is a 20.04 build.
      return pickOf(entries, 'condaforge/mambaforge');
    }

    if (ref.repo === 'condaforge/miniforge3') {
      const rows: AssumptionRow[] = tag === 'latest'
        ? [latestRow(ref, 'a build on Ubuntu 24.04 (since 2025-03-18)')]
        : [['miniforge-base', ref.written, `tag '${tag}' is taken as built on Ubuntu 24.04, ` +
            'the base since 2025-03-18; earlier builds used 20.04 (no ubuntu user).', 'medium']];

      return pickOf(entries, 'condaforge/miniforge3', rows);
    }

    if (ref.repo !== 'mambaorg/micromamba') return null;
    const os = /alpine/.test(tag) ? 'alpine' : /ubuntu24\.04|noble/.test(tag) ? 'ubuntu24.04'
      : /ubuntu|jammy|focal|cuda/.test(tag) ? 'ubuntu22.04' : 'debian';
    const key = os === 'debian' ? 'mambaorg/micromamba' : `mambaorg/micromamba:${os}`;
    const rows: AssumptionRow[] = [];
    if (os === 'debian' && !/bookworm/.test(tag)) {
      rows.push(['micromamba-debian', ref.written, `tag '${tag}' is taken as Debian 12 ` +
        '(bookworm-slim); the default moved to Debian 13 slim in Oct 2025, whose users and ' +
        'modes are taken as the same.', 'medium']);
    }
    const release = /^(\d+)\.(\d+)/.exec(tag);
    if (release && Number(release[1]) * 100 + Number(release[2]) < 105) {
      rows.push(['micromamba-uid', ref.written, `micromamba ${release[0]} may predate the move of ` +
        'mambauser from uid/gid 1000 to 57439 (2023-08-24); assuming 57439.', 'medium']);
    }
    if (/cuda/.test(tag) || /focal|ubuntu20/.test(tag)) {
      rows.push(unknownTag(ref, tag, `the accounts and modes of ${key}`));
    }

    return pickOf(entries, key, rows);
  },
};
