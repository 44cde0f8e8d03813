// The Dev Containers base images (mcr.microsoft.com/devcontainers/base, the older
// mcr.microsoft.com/vscode/devcontainers/base): buildpack-deps' curl layer on Debian, with the
// common-utils feature's user vscode (uid and gid 1000, a home, bash), sudo with a password-less
// rule for vscode, git and zsh. The image sets no USER: the editor connects as vscode
// (remoteUser), a plain `docker run` starts as root.

import { DEBIAN_11, DEBIAN_12 } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';
import { SUDOERS } from '../../shell/commands/packages.js';

const REPO = 'https://github.com/devcontainers/images/blob/main/src/base-debian';
const FEATURE = 'https://github.com/devcontainers/features/blob/main/src/common-utils';


type Suite = 'bookworm' | 'bullseye';

export function devcontainerSpec(suite: Suite): Spec {
  return layer(suite === 'bookworm' ? DEBIAN_12 : DEBIAN_11, {
    summary: `Dev Containers base (${suite}): root, user vscode 1000:1000 with a home and ` +
      'password-less sudo, git, zsh, curl',
    addPasswd: 'vscode:x:1000:1000::/home/vscode:/bin/bash',
    addGroup: 'vscode:x:1000:',
    paths: [
      ['/home/vscode', 'part', 'vscode:vscode', 0o755],
      ['/etc/sudoers', 'file', 'root:root', 0o440],
      ['/etc/sudoers.d', 'part', 'root:root', 0o755],
      ['/etc/sudoers.d/vscode', 'file', 'root:root', 0o440],
      ['/usr/bin/sudo', 'file', 'root:root', 0o4755],
    ],
    texts: {
      '/etc/sudoers': SUDOERS.debian,
      '/etc/sudoers.d/vscode': 'vscode ALL=(root) NOPASSWD:ALL\n',
    },
    packages: ['sudo', 'git', 'zsh', 'curl', 'wget', 'ca-certificates'],
    cites: [`${REPO}/.devcontainer/Dockerfile`, `${REPO}/.devcontainer/devcontainer.json`, `${FEATURE}/main.sh`],
  });
}

const entries: Entry[] = (['bookworm', 'bullseye'] as Suite[]).map((suite) => ({ key: `devcontainers/base:${suite}`, spec: () => devcontainerSpec(suite) }));

export const devcontainersFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    const named = ref.registry === 'mcr.microsoft.com' && (ref.repo === 'devcontainers/base' || ref.repo === 'vscode/devcontainers/base');
    if (!named) return null;
    const tag = ref.tag ?? 'latest';
    const inferred: AssumptionRow[] = [];
    let suite: Suite = 'bookworm';
    if (/bullseye|debian-?11/.test(tag)) suite = 'bullseye';
    else if (tag === 'latest') inferred.push(latestRow(ref, 'the Debian variant; taken as bookworm (Debian 12)'));
    else if (!/bookworm|debian-?12/.test(tag)) {
      inferred.push(['devcontainers-tag', ref.written, `tag '${tag}' is a variant the catalog does not describe (Ubuntu, Alpine, a newer Debian); ` +
        'users, groups and modes are taken as the bookworm variant has them: vscode 1000:1000 with password-less sudo.', 'low']);
    }

    return { key: `devcontainers/base:${suite}`, spec: devcontainerSpec(suite), inferred };
  },
};
