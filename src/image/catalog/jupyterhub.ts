// jupyterhub/singleuser, the image DockerSpawner starts for each user: the docker-stacks
// base-notebook (jovyan 1000, group users 100, conda in /opt/conda) with JupyterHub's
// single-user server pip-installed into its conda Python; no USER, WORKDIR or CMD of its own, so
// those of base-notebook apply (JupyterHub's spawner gives the command).

import type { AssumptionRow, Entry, Family, ImageRef, Pick } from './spec.js';
import { latestRow, layer } from './spec.js';
import type { JupyterOptions } from './jupyter.js';
import { FROZEN, jupyterSpec } from './jupyter.js';

// ARG BASE_IMAGE=jupyter/base-notebook (jupyter/base-notebook:2023-02-28 in later revisions),
// FROM $BASE_IMAGE, then `python3 /tmp/install_jupyterhub`, which pip-installs jupyterhub at
// JUPYTERHUB_VERSION (commits 4b5fa404fc48e85069b52e5dbd08d40fd11ad66f, 16945caa0082).
const SRC = 'https://github.com/jupyterhub/jupyterhub/blob/main/singleuser/Dockerfile';
const INSTALL_SRC = 'https://github.com/jupyterhub/jupyterhub/blob/main/singleuser/install_jupyterhub';

function singleuserSpec(o: JupyterOptions) {
  return layer(jupyterSpec('base-notebook', o), {
    summary: `JupyterHub single-user server on the docker-stacks base-notebook (Ubuntu ${o.ubuntu}): ` +
      'jovyan 1000, group users 100, conda in /opt/conda',
    packages: ['jupyterhub'],
    assumptions: [
      ['singleuser-base', '/opt/conda', 'jupyterhub/singleuser is taken as the Docker Hub ' +
        'jupyter/base-notebook its Dockerfile names, with jupyterhub pip-installed into its conda ' +
        'Python; the base-notebook build of each tag is not stated, and newer releases may be ' +
        'built on quay.io/jupyter/base-notebook (Ubuntu 24.04) instead.', 'medium'],
    ],
    cites: [SRC, INSTALL_SRC],
  });
}

// The Dockerfile names the Docker Hub jupyter/base-notebook, whose builds stopped on 2023-10-20:
// a release built after that day still gets that last build.
const entries: Entry[] = [{ key: 'jupyterhub/singleuser', spec: () => singleuserSpec(FROZEN) }];

export const jupyterhubFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'jupyterhub/singleuser' || ref.registry !== '') return null;
    const tag = ref.tag ?? 'latest';
    const major = /^(\d+)(\.\d+)*$/.exec(tag);
    const inferred: AssumptionRow[] = [];
    if (tag === 'latest') inferred.push(latestRow(ref, `built on the last Docker Hub base-notebook (Ubuntu ${FROZEN.ubuntu})`));
    else if (!major) {
      inferred.push(['unknown-tag', ref.written, `tag '${tag}' is not a JupyterHub version; assuming ` +
        `the last Docker Hub base-notebook (Ubuntu ${FROZEN.ubuntu}).`, 'low']);
    } else if (Number(major[1]) < 4) {
      inferred.push(['singleuser-version', ref.written, `JupyterHub ${tag} images were built on ` +
        'older base-notebook builds (older Ubuntu and Python); users and paths are taken as those ' +
        `of the last one (Ubuntu ${FROZEN.ubuntu}, Python ${FROZEN.py}).`, 'low']);
    }

    return { key: 'jupyterhub/singleuser', spec: singleuserSpec(FROZEN), inferred };
  },
};
