// Jupyter Docker Stacks (quay.io/jupyter/*, frozen copies as jupyter/* on Docker Hub): user
// jovyan 1000 in group users 100, a conda prefix owned by jovyan and opened to the group by
// fix-permissions, USER given as the number 1000, tini + start.sh as entrypoint.

import { DEFAULT_PATH } from '../state.js';
import { UBUNTU } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';

const REPO = 'https://github.com/jupyter/docker-stacks/blob/main';
const FOUNDATION = `${REPO}/images/docker-stacks-foundation/Dockerfile`;
const FIX_PERMISSIONS = `${REPO}/images/docker-stacks-foundation/fix-permissions`;
const START_SH = `${REPO}/images/docker-stacks-foundation/start.sh`;
const USER_TESTS = `${REPO}/tests/by_image/docker-stacks-foundation/test_user_options.py`;
const BASE_NOTEBOOK = `${REPO}/images/base-notebook/Dockerfile`;
const CUDA_NOTEBOOK = `${REPO}/images/pytorch-notebook/cuda12/Dockerfile`;
const README = `${REPO}/README.md`;
const SELECTING = `${REPO}/docs/using/selecting.md`;
const COMMON = `${REPO}/docs/using/common.md`;
const NOBLE_PR = 'https://github.com/jupyter/docker-stacks/pull/2131';

/** The chain order; each image has everything of the ones before it that it is built FROM. */
const IMAGES: Record<string, { parent: string | null; packages: string[] }> = {
  'docker-stacks-foundation': { parent: null, packages: [] },
  'base-notebook': {
    parent: 'docker-stacks-foundation',
    packages: ['jupyter', 'jupyterlab', 'notebook', 'jupyterhub'],
  },
  'minimal-notebook': { parent: 'base-notebook', packages: ['git', 'openssh-client', 'vim-tiny'] },
  'scipy-notebook': { parent: 'minimal-notebook', packages: ['scipy', 'pandas', 'matplotlib'] },
  'r-notebook': { parent: 'minimal-notebook', packages: ['r-base'] },
  'julia-notebook': { parent: 'minimal-notebook', packages: ['julia'] },
  'tensorflow-notebook': { parent: 'scipy-notebook', packages: ['tensorflow'] },
  'pytorch-notebook': { parent: 'scipy-notebook', packages: ['torch'] },
  'datascience-notebook': { parent: 'scipy-notebook', packages: ['r-base', 'julia'] },
  'pyspark-notebook': { parent: 'scipy-notebook', packages: ['pyspark'] },
  'all-spark-notebook': { parent: 'pyspark-notebook', packages: ['r-base'] },
};

function packagesOf(image: string): string[] {
  const own = IMAGES[image];

  return own.parent ? [...packagesOf(own.parent), ...own.packages] : own.packages;
}

// Ubuntu's sudoers with the two group rules commented out by the foundation Dockerfile; only the
// lines that take effect are kept, comments of the original file left out.
const SUDOERS = [
  'Defaults\tenv_reset',
  'Defaults\tmail_badpass',
  'Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"',
  'Defaults\tuse_pty',
  'root\tALL=(ALL:ALL) ALL',
  '#%admin ALL=(ALL) ALL',
  '#%sudo\tALL=(ALL:ALL) ALL',
  '@includedir /etc/sudoers.d',
  '',
].join('\n');

// fix-permissions: group users and g+rwX on everything, and `chmod +6000` on every directory,
// so dirs carry setuid (ignored by Linux) and setgid (new entries inherit group users).
const G_DIR = 0o6775;
const G_EXE = 0o775;

export interface JupyterOptions {
  ubuntu: '22.04' | '24.04';
  py: string;
  cuda: boolean;
}

export function jupyterSpec(image: string, o: JupyterOptions): Spec {
  const notebook = image !== 'docker-stacks-foundation';
  const lib = `/opt/conda/lib/python${o.py}`;
  const owned = 'jovyan:users';
  const path = `/opt/conda/bin:${DEFAULT_PATH}${o.cuda ? ':/usr/local/nvidia/bin' : ''}`;
  const env: Record<string, string> = {
    DEBIAN_FRONTEND: 'noninteractive',
    CONDA_DIR: '/opt/conda',
    SHELL: '/bin/bash',
    NB_USER: 'jovyan',
    NB_UID: '1000',
    NB_GID: '100',
    LC_ALL: 'C.UTF-8',
    LANG: 'C.UTF-8',
    LANGUAGE: 'C.UTF-8',
    PATH: path,
    // Set by ENV, so it stays /home/jovyan even under `--user 1234`.
    HOME: '/home/jovyan',
  };
  if (notebook) env.JUPYTER_PORT = '8888';
  if (o.cuda) {
    env.NVIDIA_VISIBLE_DEVICES = 'all';
    env.NVIDIA_DRIVER_CAPABILITIES = 'compute,utility';
  }

  const notebookRows: Spec['paths'] = notebook
    ? [
        ['/etc/jupyter', 'part', 'root:users', G_DIR],
        ['/usr/local/bin/start-notebook.py', 'file', 'root:root', 0o755],
      ]
    : [];

  return layer(UBUNTU[o.ubuntu], {
    summary: `jupyter ${image} (Ubuntu ${o.ubuntu}, conda Python ${o.py}): USER 1000 = jovyan, ` +
      'group users 100, /opt/conda group-writable and setgid, sudo installed but no sudo rule',
    // The foundation Dockerfile deletes any user already holding NB_UID (ubuntu on 24.04), and
    // userdel drops its now-empty group; useradd --no-user-group puts jovyan in GROUP=100.
    dropUsers: ['ubuntu'],
    dropGroups: ['ubuntu'],
    dropPaths: ['/home/ubuntu'],
    dropAssumptions: ['ubuntu-home-mode', 'ubuntu-groups'],
    addPasswd: 'jovyan:x:1000:100::/home/jovyan:/bin/bash',
    paths: [
      // g+w so start.sh can add an entry for an arbitrary uid started with gid 0.
      ['/etc/passwd', 'file', 'root:root', 0o664],
      ['/etc/sudoers', 'file', 'root:root', 0o440],
      ['/etc/sudoers.d', 'part', 'root:root', 0o755],
      ['/usr/bin/sudo', 'file', 'root:root', 0o4755],
      ['/usr/bin/tini', 'file', 'root:root', 0o755],
      ['/usr/local/bin', 'part', 'root:root', 0o755],
      ['/usr/local/bin/start.sh', 'file', 'root:root', 0o755],
      ['/usr/local/bin/run-hooks.sh', 'file', 'root:root', 0o755],
      ['/usr/local/bin/fix-permissions', 'file', 'root:root', 0o755],
      ['/usr/local/bin/start-notebook.d', 'dir', 'root:root', 0o755],
      ['/usr/local/bin/before-notebook.d', 'part', 'root:root', 0o755],
      ...notebookRows,
      ['/home', 'dir', 'root:root', 0o755],
      // useradd made it 0750 (HOME_MODE), fix-permissions added g+rwX and the 6000 bits.
      ['/home/jovyan', 'part', owned, 0o6770],
      ['/home/jovyan/work', 'dir', owned, G_DIR],
      ['/opt/conda', 'part', owned, G_DIR],
      ['/opt/conda/.condarc', 'file', owned, 0o664],
      ['/opt/conda/conda-meta', 'part', owned, G_DIR],
      ['/opt/conda/bin', 'part', owned, G_DIR],
      ['/opt/conda/bin/python', 'link', owned, 0o777, `python${o.py}`],
      [`/opt/conda/bin/python${o.py}`, 'file', owned, G_EXE],
      ['/opt/conda/bin/pip', 'file', owned, G_EXE],
      ['/opt/conda/bin/conda', 'file', owned, G_EXE],
      ['/opt/conda/bin/mamba', 'file', owned, G_EXE],
      ['/opt/conda/lib', 'part', owned, G_DIR],
      [lib, 'part', owned, G_DIR],
      [`${lib}/site-packages`, 'part', owned, G_DIR],
    ],
    config: {
      user: '1000',
      workdir: '/home/jovyan',
      env,
      entrypoint: ['tini', '-g', '--', 'start.sh'],
      // ENTRYPOINT resets the inherited CMD; base-notebook sets its own.
      cmd: notebook ? ['start-notebook.py'] : null,
      shell: ['/bin/bash', '-o', 'pipefail', '-c'],
      exposedPorts: notebook ? ['8888/tcp'] : [],
    },
    packages: ['sudo', 'tini', 'conda', 'mamba', 'python', 'pip', ...packagesOf(image)],
    pythons: [
      {
        python: '/opt/conda/bin/python',
        kind: 'conda',
        sitePackages: `${lib}/site-packages`,
        version: o.py,
        externallyManaged: false,
        binDir: '/opt/conda',
      },
    ],
    condaPrefix: '/opt/conda',
    // base-notebook's jupyter_server_config.py (docker-stacks images/base-notebook/) listens on
    // every interface; the token stays at its random default.
    texts: {
      '/etc/sudoers': SUDOERS,
      '/etc/jupyter/jupyter_server_config.py':
        "c = get_config()\nc.ServerApp.ip = '0.0.0.0'\nc.ServerApp.open_browser = False\nc.FileContentsManager.delete_to_trash = False\n",
    },
    assumptions: [
      ['jupyter-modes', '/opt/conda', 'modes under /opt/conda and /home/jovyan are derived from ' +
        'fix-permissions (group users, g+rwX, dirs +6000), not observed in a running image.', 'medium'],
      ['jupyter-no-system-python', '/usr/bin/python3', 'no system python3 is assumed in the ' +
        'image (only the conda one).', 'medium'],
    ],
    cites: [
      FOUNDATION, FIX_PERMISSIONS, START_SH, USER_TESTS, README, SELECTING, COMMON, NOBLE_PR,
      ...(notebook ? [BASE_NOTEBOOK] : []),
      ...(o.cuda ? [CUDA_NOTEBOOK] : []),
    ],
  });
}

const CURRENT: JupyterOptions = { ubuntu: '24.04', py: '3.13', cuda: false };
/** What the Docker Hub copies carried when they stopped updating (2023-10-20). */
export const FROZEN: JupyterOptions = { ubuntu: '22.04', py: '3.11', cuda: false };

const entries: Entry[] = Object.keys(IMAGES).map((image) => ({
  key: `jupyter/${image}`,
  spec: () => jupyterSpec(image, CURRENT),
}));

/** Layout of an image built on a given day (date tags), from the changelog of the stacks. */
function byDate(date: string): { o: Omit<JupyterOptions, 'cuda'>; near: boolean } {
  const ubuntu = date >= '2024-08-30' ? '24.04' : '22.04';
  const py = date >= '2025-08-01' ? '3.13' : date >= '2024-10-01' ? '3.12' : '3.11';
  // Only the month of the Python switches is known; a tag in that month may still be older.
  const near = /^(2025-08|2024-10)/.test(date) || date < '2022-07-01';

  return { o: { ubuntu, py }, near };
}

export const jupyterFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    const m = /^jupyter\/([a-z-]+)$/.exec(ref.repo);
    if (!m || !IMAGES[m[1]]) return null;
    if (ref.registry !== '' && ref.registry !== 'quay.io') return null;

    const image = m[1];
    const tag = ref.tag ?? 'latest';
    const hub = ref.registry === '';
    const inferred: AssumptionRow[] = [];
    const cuda = /^cuda\d*-/.test(tag);
    let o: JupyterOptions = hub ? { ...FROZEN, cuda } : { ...CURRENT, cuda };

    const date = /(\d{4}-\d{2}-\d{2})/.exec(tag);
    const py = /python-(\d+\.\d+)/.exec(tag);
    const ubuntu = /ubuntu-(\d{2}\.\d{2})/.exec(tag);

    if (date) {
      const d = byDate(date[1]);
      o = { ...o, ...d.o };
      if (d.near) {
        inferred.push(['jupyter-date', ref.written, `tag date ${date[1]} is close to a change of ` +
          `base or Python; assuming Ubuntu ${o.ubuntu} and Python ${o.py}.`, 'medium']);
      }
    }
    if (py) o.py = py[1];
    if (ubuntu && (ubuntu[1] === '22.04' || ubuntu[1] === '24.04')) o.ubuntu = ubuntu[1];

    if (!date && !py && !ubuntu) {
      if (hub) {
        inferred.push(['jupyter-docker-hub', ref.written, 'Docker Hub jupyter/* images stopped ' +
          'updating on 2023-10-20; assuming that last build (Ubuntu 22.04, Python 3.11). The ' +
          'current images are on quay.io/jupyter.', 'medium']);
      } else if (/^(cuda\d*-)?latest$/.test(tag)) {
        inferred.push(latestRow(ref, `the current build (Ubuntu ${o.ubuntu}, Python ${o.py})`));
      } else {
        inferred.push(['unknown-tag', ref.written, `tag '${tag}' gives no date, Python or Ubuntu ` +
          `version; assuming Ubuntu ${o.ubuntu} and Python ${o.py}.`, 'low']);
      }
    }

    return { key: `jupyter/${image}`, spec: jupyterSpec(image, o), inferred };
  },
};
