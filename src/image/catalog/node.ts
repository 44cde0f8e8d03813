// Docker's official node images (nodejs/docker-node): Node.js unpacked into /usr/local as root,
// a user node with uid and gid 1000 and a home, root at run time, docker-entrypoint.sh in front
// of CMD node. Global npm installs go to the root-owned /usr/local/lib/node_modules.

import { ALPINE } from './alpine.js';
import { BUILDPACK_SCM_SRC, DEBIAN_11, DEBIAN_11_SLIM, DEBIAN_12, SLIM, buildpackPython } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';

const REPO = 'https://github.com/nodejs/docker-node/blob/main';
const DEBIAN_SRC = `${REPO}/24/bookworm/Dockerfile`;
const SLIM_SRC = `${REPO}/24/bookworm-slim/Dockerfile`;
const ALPINE_SRC = `${REPO}/24/alpine3.22/Dockerfile`;
const ENTRYPOINT_SRC = `${REPO}/docker-entrypoint.sh`;
const NON_ROOT_DOC = `${REPO}/docs/BestPractices.md#non-root-user`;
const NPM_EACCES = 'https://docs.npmjs.com/resolving-eacces-permissions-errors-when-installing-packages-globally';

/** Node.js majors with images at the time of writing; others get the same users and paths. */
export const NODE_MAJORS = ['18', '20', '22', '24', '25', '26'];

/** Tags that name a release line rather than a version: lts, current, the LTS code names. */
const LINES = /^(lts|current|latest|argon|boron|carbon|dubnium|erbium|fermium|gallium|hydrogen|iron|jod|krypton)$/;

type Variant = 'bookworm' | 'bookworm-slim' | 'bullseye' | 'bullseye-slim' | 'alpine';
const VARIANTS: Variant[] = ['bookworm', 'bookworm-slim', 'bullseye', 'bullseye-slim', 'alpine'];

const BASES: Record<Variant, Spec> = {
  bookworm: DEBIAN_12,
  'bookworm-slim': SLIM,
  bullseye: DEBIAN_11,
  'bullseye-slim': DEBIAN_11_SLIM,
  alpine: ALPINE,
};

export function nodeSpec(variant: Variant): Spec {
  const alpine = variant === 'alpine';
  const full = variant === 'bookworm' || variant === 'bullseye';
  const py = full ? buildpackPython(variant === 'bookworm' ? 'bookworm' : 'bullseye') : undefined;
  const assumptions: AssumptionRow[] = py ? [py.assumption] : [];

  return layer(BASES[variant], {
    summary: `Node.js (${variant}): root, user node 1000:1000 with a home, Node.js and npm in ` +
      '/usr/local owned by root',
    // Debian: groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash
    // --create-home node. Alpine: addgroup -g 1000 node && adduser -u 1000 -G node -s /bin/sh -D
    // node, which also lists node as a member of its group.
    addPasswd: alpine
      ? 'node:x:1000:1000:Linux User,,,:/home/node:/bin/sh'
      : 'node:x:1000:1000::/home/node:/bin/bash',
    addGroup: alpine ? 'node:x:1000:node' : 'node:x:1000:',
    paths: [
      // useradd's 0755 home on Debian; BusyBox adduser's 2755 on Alpine.
      ['/home/node', 'part', 'node:node', alpine ? 0o2755 : 0o755],
      ['/usr/local/bin', 'part', 'root:root', 0o755],
      ['/usr/local/bin/node', 'file', 'root:root', 0o755],
      ['/usr/local/bin/nodejs', 'link', 'root:root', 0o777, '/usr/local/bin/node'],
      ['/usr/local/bin/npm', 'link', 'root:root', 0o777, '../lib/node_modules/npm/bin/npm-cli.js'],
      ['/usr/local/bin/npx', 'link', 'root:root', 0o777, '../lib/node_modules/npm/bin/npx-cli.js'],
      ['/usr/local/bin/docker-entrypoint.sh', 'file', 'root:root', 0o755],
      ['/usr/local/lib', 'part', 'root:root', 0o755],
      // Unpacked with tar --no-same-owner, so root owns it: `npm install -g` needs root.
      ['/usr/local/lib/node_modules', 'part', 'root:root', 0o755],
      ['/usr/local/lib/node_modules/npm', 'part', 'root:root', 0o755],
      ['/usr/local/lib/node_modules/npm/bin', 'part', 'root:root', 0o755],
      ['/usr/local/lib/node_modules/npm/bin/npm-cli.js', 'file', 'root:root', 0o755],
      ['/usr/local/lib/node_modules/npm/bin/npx-cli.js', 'file', 'root:root', 0o755],
      ['/opt', 'part', 'root:root', 0o755],
      ...(py?.paths ?? []),
    ],
    ...(py ? { pythons: py.pythons } : {}),
    config: {
      env: { YARN_VERSION: '1.22.22' },
      entrypoint: ['docker-entrypoint.sh'],
      cmd: ['node'],
    },
    packages: ['nodejs', 'npm', 'yarn', ...(py?.packages ?? [])],
    assumptions: [
      ...assumptions,
      ['node-yarn', '/opt', 'Yarn 1.22 is unpacked under /opt with links in /usr/local/bin; ' +
        'its files are not modelled.', 'medium'],
    ],
    cites: [alpine ? ALPINE_SRC : full ? DEBIAN_SRC : SLIM_SRC, ENTRYPOINT_SRC, NON_ROOT_DOC, NPM_EACCES, ...(py ? [BUILDPACK_SCM_SRC] : [])],
  });
}

const entries: Entry[] = VARIANTS.map((variant) => ({ key: `node:${variant}`, spec: () => nodeSpec(variant) }));

/** Reads a node tag: '20', '20.11.1-slim', '22-bookworm-slim', 'lts-alpine3.20', 'current'... */
function readTag(tag: string): { major: string | null; rest: string } {
  const m = /^(\d+)(?:\.\d+){0,2}(?:-(.*))?$/.exec(tag);
  if (m) return { major: m[1], rest: m[2] ?? '' };
  const named = /^(?:lts|current|latest|[a-z]+)(?:-(.*))?$/.exec(tag);

  return { major: null, rest: named ? (named[1] ?? '') : tag };
}

export const nodeFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'node') return null;
    const tag = ref.tag ?? 'latest';
    const inferred: AssumptionRow[] = [];
    // A bare suite or variant ('alpine', 'slim', 'bookworm') is a tag of its own, as is 'lts'.
    const { major, rest } = /^(alpine|slim|bookworm|bullseye|buster|stretch|trixie)/.test(tag)
      ? { major: null, rest: tag }
      : readTag(tag);
    // What the words of the tag say, apart from the version: a release line's name, a variant.
    const named = major === null && !/^(alpine|slim|bookworm|bullseye|buster|stretch|trixie)/.test(tag)
      ? tag.split('-')[0] : undefined;

    if (major !== null && !NODE_MAJORS.includes(major)) {
      inferred.push(['node-version', ref.written, `node ${major} is not in the catalog; its ` +
        'users and paths are taken as those of the current images.', 'medium']);
    } else if (ref.tag === null && ref.digest !== null) {
      inferred.push(['node-digest', ref.written, 'the reference names a digest and no tag; ' +
        'assuming a current Node.js image on Debian 12 (bookworm).', 'medium']);
    } else if (tag === 'latest') {
      inferred.push(latestRow(ref, 'a current Node.js image on Debian'));
    } else if (named !== undefined && !LINES.test(named)) {
      inferred.push(['node-tag', ref.written, `tag '${tag}' is not one the catalog understands; ` +
        'assuming a current Node.js image on Debian 12 (bookworm).', 'low']);
    }

    let variant: Variant;
    const windows = /windows|nanoserver|servercore/.test(rest);
    if (/^alpine/.test(rest)) variant = 'alpine';
    else if (/bullseye/.test(rest)) variant = /slim/.test(rest) ? 'bullseye-slim' : 'bullseye';
    else {
      variant = /slim/.test(rest) ? 'bookworm-slim' : 'bookworm';
      const suite = /(trixie|buster|stretch)/.exec(rest)?.[1];
      if (windows) {
        inferred.push(['node-suite', ref.written, `tag '${tag}' is a Windows image; uidctl models ` +
          'Linux images only and takes it as the Debian 12 one.', 'low']);
      } else if (suite) {
        const release = suite === 'trixie' ? 'Debian 13 (trixie)' : suite === 'buster' ? 'Debian 10 (buster)' : 'Debian 9 (stretch)';
        inferred.push(['node-suite', ref.written, `tag '${tag}' names ${release}, which the ` +
          'catalog does not describe; users, groups and modes are taken as bookworm (Debian 12) ' +
          'has them.', suite === 'trixie' ? 'medium' : 'low']);
      } else if (!/bookworm/.test(rest) && !inferred.some((r) => r[0] === 'node-tag' || r[0] === 'node-digest')) {
        // Tags without a suite follow Debian's newest stable release, which moves.
        inferred.push(['node-suite', ref.written, `tag '${tag}' names no Debian suite; assuming ` +
          'bookworm (Debian 12). Newer images may be built on trixie; users, groups and modes ' +
          'are taken as bookworm has them.', 'medium']);
      }
    }

    const spec = nodeSpec(variant);
    const full = /^\d+\.\d+\.\d+/.exec(tag);
    return {
      key: `node:${variant}`,
      spec: full ? layer(spec, { config: { env: { NODE_VERSION: full[0] } } }) : spec,
      inferred,
    };
  },
};
