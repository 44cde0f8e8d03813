// tensorflow/tensorflow on Docker Hub, built from TensorFlow's runtime Dockerfiles (tensorflow/build,
// tensorflow_runtime_dockerfiles/; before them tensorflow/tensorflow's tensorflow/tools/dockerfiles,
// with the same layout): Ubuntu (nvidia/cuda base for -gpu), python3.X from apt with
// /usr/bin/python3 linked to it, pip from get-pip.py, TensorFlow installed by root, root at run
// time. The -jupyter tags add Jupyter, a world-writable /tf with the tutorials, WORKDIR /tf, port
// 8888, and start `jupyter notebook ... --allow-root` as root.

import { UBUNTU } from './debian.js';
import { cudaSpec } from './nvidia.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';

const BUILD = 'https://github.com/tensorflow/build/blob/master';
const BUILD_README = `${BUILD}/README.md`;
const CPU_SRC = `${BUILD}/tensorflow_runtime_dockerfiles/cpu.Dockerfile`;
const GPU_SRC = `${BUILD}/tensorflow_runtime_dockerfiles/gpu.Dockerfile`;
const PYTHON_SRC = `${BUILD}/tensorflow_runtime_dockerfiles/setup.python.sh`;
const JUPYTER_SRC = `${BUILD}/tensorflow_runtime_dockerfiles/setup.jupyter.sh`;
const USER_SRC = `${BUILD}/tensorflow_runtime_dockerfiles/setup.tensorflow.user.sh`;
const ROOT_ISSUE = 'https://github.com/tensorflow/build/issues/176';
const OLD_SRC = 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/tools/dockerfiles/dockerfiles/gpu-jupyter.Dockerfile';

export interface TensorflowOptions {
  gpu: boolean;
  jupyter: boolean;
  ubuntu: '20.04' | '22.04';
  py: string;
}

/** The command the -jupyter images start with (CMD, shell form run by bash -c). */
export const TF_JUPYTER_CMD = [
  'bash',
  '-c',
  'source /etc/bash.bashrc && jupyter notebook --notebook-dir=/tf --ip 0.0.0.0 --no-browser --allow-root',
];

export function tensorflowSpec(o: TensorflowOptions): Spec {
  const base = o.gpu ? cudaSpec('base', o.ubuntu, false) : UBUNTU[o.ubuntu];
  const py = `python${o.py}`;
  const dist = `/usr/local/lib/${py}/dist-packages`;
  const name = `${o.gpu ? 'gpu' : 'cpu'}${o.jupyter ? '-jupyter' : ''}`;

  const jupyterRows: Spec['paths'] = o.jupyter
    ? [
        // mkdir -p /tf/tensorflow-tutorials && chmod -R a+rwx /tf/, then the notebooks are
        // downloaded (root, 0644) and README.md copied in.
        ['/tf', 'dir', 'root:root', 0o777],
        ['/tf/tensorflow-tutorials', 'part', 'root:root', 0o777],
        ['/tf/tensorflow-tutorials/README.md', 'file', 'root:root', 0o644],
        // mkdir /.local && chmod a+rwx /.local: a user site for uids without a home.
        ['/.local', 'dir', 'root:root', 0o777],
        [`${dist}/notebook`, 'part', 'root:root', 0o755],
      ]
    : [];

  return layer(base, {
    summary: `tensorflow/tensorflow ${name} (Ubuntu ${o.ubuntu}, Python ${o.py}): root, ` +
      `TensorFlow in ${dist} owned by root` +
      (o.jupyter ? ', /tf world-writable, Jupyter started as root with --allow-root' : ''),
    paths: [
      // setup.python.sh: ln -sf /usr/bin/$VERSION /usr/bin/python3 (and python).
      [`/usr/bin/${py}`, 'file', 'root:root', 0o755],
      ['/usr/bin/python3', 'link', 'root:root', 0o777, `/usr/bin/${py}`],
      ['/usr/bin/python', 'link', 'root:root', 0o777, `/usr/bin/${py}`],
      ['/usr/local/bin', 'part', 'root:root', 0o755],
      ['/usr/local/bin/pip', 'file', 'root:root', 0o755],
      ['/usr/local/bin/pip3', 'file', 'root:root', 0o755],
      ['/usr/local/lib', 'part', 'root:root', 0o755],
      [`/usr/local/lib/${py}`, 'part', 'root:root', 0o755],
      [dist, 'part', 'root:root', 0o755],
      [`${dist}/tensorflow`, 'part', 'root:root', 0o755],
      // COPY bashrc /etc/bash.bashrc && chmod a+rwx /etc/bash.bashrc.
      ['/etc/bash.bashrc', 'file', 'root:root', 0o777],
      ...jupyterRows,
    ],
    config: {
      env: { DEBIAN_FRONTEND: 'noninteractive', LANG: 'C.UTF-8' },
      ...(o.jupyter ? { workdir: '/tf', cmd: TF_JUPYTER_CMD, exposedPorts: ['8888/tcp'] } : {}),
    },
    packages: [
      'python3', 'python3-pip', 'tensorflow', 'curl',
      ...(o.jupyter ? ['jupyter', 'notebook', 'matplotlib', 'jupyter_http_over_ws', 'git'] : []),
    ],
    pythons: [
      {
        python: '/usr/bin/python3',
        kind: 'system',
        sitePackages: dist,
        version: o.py,
        // The Dockerfiles run pip as root without --break-system-packages, which a PEP 668
        // marker would refuse.
        externallyManaged: false,
        binDir: '/usr/local',
      },
    ],
    assumptions: [
      ['tensorflow-python', dist, `pip (from get-pip.py, run as root) is taken to install into ` +
        `${dist} with its programs in /usr/local/bin, as Debian-family Pythons do; the Dockerfiles ` +
        'do not state it. Ubuntu\'s own python3 packages may be there too; only this one is modelled.',
        'medium'],
      ['tensorflow-release-layout', '/usr/bin/python3', `the Ubuntu and Python of each release are ` +
        'not recorded in the Dockerfiles (their defaults moved from Ubuntu 20.04 and Python 3.8 ' +
        `to 22.04 and 3.11); this image is taken as Ubuntu ${o.ubuntu} with Python ${o.py}.`, 'medium'],
      ...(o.jupyter
        ? ([['tensorflow-jupyter-files', '/tf/tensorflow-tutorials', 'the tutorial notebooks ' +
            'downloaded into /tf/tensorflow-tutorials are taken as root:root 0644 (fetched as ' +
            'root after the chmod); only README.md is listed.', 'medium']] as AssumptionRow[])
        : []),
    ],
    cites: [
      BUILD_README,
      o.gpu ? GPU_SRC : CPU_SRC,
      PYTHON_SRC,
      ...(o.jupyter ? [JUPYTER_SRC, ROOT_ISSUE] : []),
      USER_SRC,
      OLD_SRC,
    ],
  });
}

type Flavor = 'cpu' | 'gpu' | 'jupyter' | 'gpu-jupyter';
const FLAVORS: Flavor[] = ['cpu', 'gpu', 'jupyter', 'gpu-jupyter'];

/** What current releases (and latest) are built as. */
const CURRENT = { ubuntu: '22.04', py: '3.11' } as const;
/** Releases before 2.14, taken as the Ubuntu 20.04 / Python 3.8 layout. */
const OLDER = { ubuntu: '20.04', py: '3.8' } as const;

const flavorOf = (gpu: boolean, jupyter: boolean): Flavor =>
  gpu ? (jupyter ? 'gpu-jupyter' : 'gpu') : jupyter ? 'jupyter' : 'cpu';

const entries: Entry[] = FLAVORS.map((f) => ({
  key: `tensorflow/tensorflow:${f}`,
  spec: () => tensorflowSpec({ gpu: f.startsWith('gpu'), jupyter: f.endsWith('jupyter'), ...CURRENT }),
}));

const USER_NOTE =
  'later revisions of the runtime Dockerfiles make a system user tfuser (uid 2234) in a group ' +
  'tensorflow (gid 5567) and put the notebooks in /home/tfuser/notebooks; whether this image ' +
  'has them is not confirmed, so they are not modelled (Jupyter is still started as root with ' +
  '--allow-root there).';

export const tensorflowFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'tensorflow/tensorflow') return null;
    const tag = ref.tag ?? 'latest';
    const inferred: AssumptionRow[] = [];
    // '2.15.0-gpu-jupyter', 'latest-gpu', 'nightly-jupyter', '1.15.5-gpu-py3-jupyter', '2.16.0rc0'.
    const m = /^(latest|nightly|devel|\d+\.\d+(?:\.\d+)?(?:-?rc\d+)?)(?:-(.+))?$/.exec(tag);
    const head = m?.[1] ?? null;
    const words = m?.[2]?.split('-') ?? (m ? [] : tag.split('-'));
    const gpu = words.includes('gpu');
    const jupyter = words.includes('jupyter');
    const flavor = flavorOf(gpu, jupyter);

    let layout: { ubuntu: '20.04' | '22.04'; py: string } = CURRENT;
    const version = head !== null && /^\d/.test(head) ? head : null;
    const [major, minor] = version ? version.split('.').map((x) => Number.parseInt(x, 10)) : [null, null];

    if (m === null || head === 'devel' || words.some((w) => !/^(gpu|jupyter|py3)$/.test(w))) {
      inferred.push(['unknown-tag', ref.written, `tensorflow/tensorflow tag '${tag}' is not one ` +
        'the catalog describes (development and custom-op images are built otherwise); assuming ' +
        `the ${flavor} runtime image of a current release (Ubuntu 22.04, Python 3.11).`, 'low']);
    } else if (head === 'latest' || head === 'nightly') {
      inferred.push(head === 'latest'
        ? latestRow(ref, 'a current release (Ubuntu 22.04, Python 3.11)')
        : ['tensorflow-nightly', ref.written, 'nightly tags follow the newest runtime Dockerfiles; ' +
            'assuming Ubuntu 22.04 and Python 3.11.', 'medium']);
      inferred.push(['tensorflow-user', ref.written, USER_NOTE, 'medium']);
    } else if (major !== null && minor !== null) {
      const release = major * 100 + minor;
      if (release < 214) {
        layout = OLDER;
        inferred.push(['tensorflow-release', ref.written, `TensorFlow ${major}.${minor} predates ` +
          'the catalog\'s layout; its image is taken as Ubuntu 20.04 with Python 3.8, as the ' +
          'Dockerfiles of that time had them (the earliest releases were on Ubuntu 16.04 or ' +
          '18.04). Users and the /tf layout are the same.', release < 200 ? 'low' : 'medium']);
      } else if (release >= 217) {
        inferred.push(['tensorflow-user', ref.written, USER_NOTE, 'medium']);
      }
    }

    return {
      key: `tensorflow/tensorflow:${flavor}`,
      spec: tensorflowSpec({ gpu, jupyter, ...layout }),
      inferred,
    };
  },
};
