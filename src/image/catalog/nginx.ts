// Docker's official nginx images (nginx/docker-nginx, formerly nginxinc/docker-nginx): nginx.org's
// own package on debian:bookworm-slim or Alpine, a system user and group nginx fixed at 101 made
// before the package so every variant agrees, root at run time (the workers drop to nginx),
// docker-entrypoint.sh in front of `nginx -g 'daemon off;'`, logs linked to the container's
// stdout and stderr.

import { ALPINE } from './alpine.js';
import { DEBIAN_11_SLIM, SLIM } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';

// The repository moved from nginxinc/ to nginx/ on GitHub; the old name redirects.
const REPO = 'https://github.com/nginxinc/docker-nginx/blob/master';
const DEBIAN_SRC = `${REPO}/mainline/debian/Dockerfile`;
const ALPINE_SLIM_SRC = `${REPO}/mainline/alpine-slim/Dockerfile`;
const ALPINE_SRC = `${REPO}/mainline/alpine/Dockerfile`;
const ENTRYPOINT_SRC = `${REPO}/entrypoint/docker-entrypoint.sh`;
// nginx.org's packaging: configure paths (prefix /etc/nginx, logs, /var/cache/nginx temp paths,
// --user=nginx), and what the Debian and Alpine packages install.
const PKG_MAKEFILE = 'https://github.com/nginx/pkg-oss/blob/master/debian/Makefile';
const PKG_DEB_RULES = 'https://github.com/nginx/pkg-oss/blob/master/debian/debian/nginx.rules.in';
const PKG_DEB_INSTALL = 'https://github.com/nginx/pkg-oss/blob/master/debian/debian/nginx.install';
const PKG_APK = 'https://github.com/nginx/pkg-oss/blob/master/alpine/alpine/APKBUILD-base.in';
const PKG_APK_POST = 'https://github.com/nginx/pkg-oss/blob/master/alpine/alpine/nginx.post-install';
const HUB_DOCS = 'https://github.com/docker-library/docs/blob/master/nginx/content.md';
const CACHE_NOT_WRITABLE = 'https://github.com/nginx/docker-nginx-unprivileged/issues/23';

type Variant = 'bookworm' | 'bullseye' | 'alpine';
const VARIANTS: Variant[] = ['bookworm', 'bullseye', 'alpine'];

const BASES: Record<Variant, Spec> = {
  bookworm: SLIM,
  bullseye: DEBIAN_11_SLIM,
  alpine: ALPINE,
};

/** The scripts docker-entrypoint.sh runs before nginx (it runs only executable ones). */
const ENTRYPOINT_SCRIPTS = [
  '10-listen-on-ipv6-by-default.sh',
  '15-local-resolvers.envsh',
  '20-envsubst-on-templates.sh',
  '30-tune-worker-processes.sh',
];

export function nginxSpec(variant: Variant): Spec {
  const alpine = variant === 'alpine';

  return layer(BASES[variant], {
    summary: `nginx (${alpine ? 'Alpine' : `Debian ${variant === 'bookworm' ? '12' : '11'} slim`}): ` +
      'root, user and group nginx 101, html and config root-owned, logs linked to stdout/stderr',
    // Debian: groupadd --system --gid 101 nginx && useradd --system --gid nginx --no-create-home
    // --home /nonexistent --comment "nginx user" --shell /bin/false --uid 101 nginx (older
    // images said the same with addgroup/adduser). Alpine: addgroup -g 101 -S nginx && adduser
    // -S -D -H -u 101 -h /var/cache/nginx -s /sbin/nologin -G nginx -g nginx nginx, which also
    // lists nginx as a member of its group.
    addPasswd: alpine
      ? 'nginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin'
      : 'nginx:x:101:101:nginx user:/nonexistent:/bin/false',
    addGroup: alpine ? 'nginx:x:101:nginx' : 'nginx:x:101:',
    paths: [
      ['/etc/nginx', 'part', 'root:root', 0o755],
      ['/etc/nginx/nginx.conf', 'file', 'root:root', 0o644],
      ['/etc/nginx/conf.d', 'part', 'root:root', 0o755],
      // install -m 644 in the package's rules; 10-listen-on-ipv6-by-default.sh edits it at start.
      ['/etc/nginx/conf.d/default.conf', 'file', 'root:root', 0o644],
      ['/etc/nginx/modules', 'link', 'root:root', 0o777, '/usr/lib/nginx/modules'],
      ['/usr/lib/nginx', 'part', 'root:root', 0o755],
      ['/usr/lib/nginx/modules', 'part', 'root:root', 0o755],
      ['/usr/sbin/nginx', 'file', 'root:root', 0o755],
      ['/usr/sbin/nginx-debug', 'file', 'root:root', 0o755],
      ['/usr/share', 'part', 'root:root', 0o755],
      ['/usr/share/nginx', 'part', 'root:root', 0o755],
      // The package's html/index.html and html/50x.html, nothing else.
      ['/usr/share/nginx/html', 'dir', 'root:root', 0o755],
      ['/usr/share/nginx/html/index.html', 'file', 'root:root', 0o644],
      ['/usr/share/nginx/html/50x.html', 'file', 'root:root', 0o644],
      ['/var/cache', 'part', 'root:root', 0o755],
      // The temp paths (client_temp, proxy_temp, ...) are made here by the master at start.
      ['/var/cache/nginx', 'part', 'root:root', 0o755],
      ['/var/log', 'part', 'root:root', 0o755],
      ['/var/log/nginx', 'part', 'root:root', 0o755],
      ['/var/log/nginx/access.log', 'link', 'root:root', 0o777, '/dev/stdout'],
      ['/var/log/nginx/error.log', 'link', 'root:root', 0o777, '/dev/stderr'],
      ['/docker-entrypoint.sh', 'file', 'root:root', 0o755],
      ['/docker-entrypoint.d', 'part', 'root:root', 0o755],
      ...ENTRYPOINT_SCRIPTS.map((s) => [`/docker-entrypoint.d/${s}`, 'file', 'root:root', 0o755] as Spec['paths'][number]),
      // envsubst, kept by the Alpine images when gettext is removed; Debian's gettext-base has it
      // in /usr/bin.
      ...(alpine ? [['/usr/local/bin/envsubst', 'file', 'root:root', 0o755] as Spec['paths'][number]] : []),
    ],
    config: {
      // STOPSIGNAL SIGQUIT is not part of the model.
      entrypoint: ['/docker-entrypoint.sh'],
      cmd: ['nginx', '-g', 'daemon off;'],
      exposedPorts: ['80/tcp'],
    },
    packages: ['nginx', alpine ? 'gettext' : 'gettext-base', 'curl', ...(alpine ? ['tzdata'] : [])],
    assumptions: [
      ['nginx-modes', '/etc/nginx', 'owners and modes of /etc/nginx, /usr/share/nginx/html, ' +
        '/var/cache/nginx and /var/log/nginx are taken as root:root 0755 (files 0644), as ' +
        "nginx.org's packages install them; the packaging sources do not state them, and reports " +
        'of nginx failing to make /var/cache/nginx/client_temp as a non-root user agree.', 'medium'],
      ['nginx-entrypoint', '/docker-entrypoint.sh', '/docker-entrypoint.sh and the scripts of ' +
        '/docker-entrypoint.d are taken as root:root 0755 (they are run as programs); which ' +
        'scripts a release ships varies, so the folder is known only in part.', 'medium'],
    ],
    cites: [
      alpine ? ALPINE_SLIM_SRC : DEBIAN_SRC,
      ...(alpine ? [ALPINE_SRC] : []),
      ENTRYPOINT_SRC,
      PKG_MAKEFILE,
      alpine ? PKG_APK : PKG_DEB_RULES,
      alpine ? PKG_APK_POST : PKG_DEB_INSTALL,
      HUB_DOCS,
      CACHE_NOT_WRITABLE,
    ],
  });
}

const entries: Entry[] = VARIANTS.map((variant) => ({ key: `nginx:${variant}`, spec: () => nginxSpec(variant) }));

const SUITES = /(bookworm|bullseye|trixie|buster|stretch)/;

/** The words a tag may carry besides its version: variants and Debian suites. */
const WORDS = /^(alpine(\d+\.\d+)?|slim|perl|otel|bookworm|bullseye|trixie|buster|stretch)$/;

/** Reads an nginx tag: '1.27', '1.27.3-alpine', 'stable-alpine-slim', 'mainline-bookworm'... */
function readTag(tag: string): { version: string | null; rest: string } {
  const m = /^(\d+(?:\.\d+){0,2})(?:-(.*))?$/.exec(tag);
  if (m) return { version: m[1], rest: m[2] ?? '' };
  const named = /^(?:latest|stable|mainline)(?:-(.*))?$/.exec(tag);

  return { version: null, rest: named ? (named[1] ?? '') : tag };
}

export const nginxFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'nginx') return null;
    const tag = ref.tag ?? 'latest';
    const inferred: AssumptionRow[] = [];
    const { version, rest } = readTag(tag);
    const words = rest === '' ? [] : rest.split('-');

    if (ref.tag === null && ref.digest !== null) {
      inferred.push(['nginx-digest', ref.written, 'the reference names a digest and no tag; ' +
        'assuming a current nginx image on Debian 12 (bookworm).', 'medium']);
    } else if (tag === 'latest') {
      inferred.push(latestRow(ref, 'a current nginx image on Debian'));
    } else if (words.some((w) => !WORDS.test(w))) {
      inferred.push(['nginx-tag', ref.written, `tag '${tag}' is not one the catalog understands; ` +
        'assuming a current nginx image on Debian 12 (bookworm).', 'low']);
    }

    let variant: Variant;
    if (words.some((w) => w.startsWith('alpine'))) variant = 'alpine';
    else if (words.includes('bullseye')) variant = 'bullseye';
    else {
      variant = 'bookworm';
      const suite = SUITES.exec(rest)?.[1];
      if (suite && suite !== 'bookworm') {
        const release = suite === 'trixie' ? 'Debian 13 (trixie)' : suite === 'buster' ? 'Debian 10 (buster)' : 'Debian 9 (stretch)';
        inferred.push(['nginx-suite', ref.written, `tag '${tag}' names ${release}, which the ` +
          'catalog does not describe; users, groups and modes are taken as bookworm (Debian 12) ' +
          'has them.', suite === 'trixie' ? 'medium' : 'low']);
      } else if (!suite && inferred.length === 0) {
        // Tags without a suite follow the Debian release the current Dockerfiles are built on.
        inferred.push(['nginx-suite', ref.written, `tag '${tag}' names no Debian suite; assuming ` +
          'bookworm (Debian 12). Older releases were built on bullseye and newer ones may be on ' +
          'trixie; the nginx user and its paths are the same on each.', 'medium']);
      }
    }

    const spec = nginxSpec(variant);

    return {
      key: `nginx:${variant}`,
      spec: version !== null && /^\d+\.\d+\.\d+$/.test(version)
        ? layer(spec, { config: { env: { NGINX_VERSION: version } } })
        : spec,
      inferred,
    };
  },
};
