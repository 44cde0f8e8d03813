// Docker's official php images (docker-library/php): PHP built from source into /usr/local by root
// on debian:SUITE-slim or Alpine, PHP_INI_DIR=/usr/local/etc/php, and /var/www/html made before
// anything else, owned by www-data and opened with mode 1777 "to allow running as an arbitrary
// user". www-data is Debian's (33:33, from base-passwd) or, on Alpine, made at 82 by the
// Dockerfile. Every variant runs as root: Apache's and php-fpm's workers drop to www-data.
// Variants: cli (`php -a`), apache (Debian only; apache2-foreground, port 80) and fpm (php-fpm,
// port 9000); zts is cli built thread-safe.

import { ALPINE } from './alpine.js';
import { DEBIAN_11_SLIM, SLIM } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, PathRow, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';

const REPO = 'https://github.com/docker-library/php/blob/master';
// mkdir -p "$PHP_INI_DIR/conf.d"; [ ! -d /var/www/html ]; mkdir -p /var/www/html; chown
// www-data:www-data /var/www/html; chmod 1777 /var/www/html; the Apache run, lock and log
// folders (and run/socks) each `chown www-data:www-data` and `chmod 1777`; logs linked to
// /dev/stdout and /dev/stderr with `chown -R --no-dereference`; ENTRYPOINT
// ["docker-php-entrypoint"], WORKDIR /var/www/html, EXPOSE 80, CMD ["apache2-foreground"]
// (commit 09f6b1a0f5d8ad771ba86dfffdcb8d8c8285fd98).
const APACHE_SRC = `${REPO}/8.2/bookworm/apache/Dockerfile`;
// No WORKDIR, CMD ["php", "-a"] (commit 0aff58cf6321).
const CLI_SRC = `${REPO}/8.2/bookworm/cli/Dockerfile`;
// adduser -u 82 -D -S -G www-data www-data ("82 is the standard uid/gid for www-data in
// Alpine"); --with-fpm-user=www-data; php-fpm.d/docker.conf and zz-docker.conf (daemonize = no,
// listen = 9000); WORKDIR /var/www/html, STOPSIGNAL SIGQUIT, EXPOSE 9000, CMD ["php-fpm"]
// (commit 0fb5a73911edf96d423230204ab09c3028a81766).
const FPM_ALPINE_SRC = `${REPO}/8.2/alpine3.22/fpm/Dockerfile`;
const ARBITRARY_USER = 'https://github.com/docker-library/php/issues/743';
// Debian's apache2 envvars: APACHE_RUN_USER/GROUP www-data, APACHE_RUN_DIR=/var/run/apache2,
// APACHE_LOCK_DIR=/var/lock/apache2, APACHE_LOG_DIR=/var/log/apache2 (no SUFFIX in the image).
const ENVVARS_SRC = 'https://salsa.debian.org/apache-team/apache2/-/blob/master/debian/config-dir/envvars';

type Suite = 'bookworm' | 'bullseye' | 'alpine';
type Flavour = 'cli' | 'apache' | 'fpm';

const BASES: Record<Suite, Spec> = { bookworm: SLIM, bullseye: DEBIAN_11_SLIM, alpine: ALPINE };

const WWW = 'www-data:www-data';

/** docker-php-* helpers the image copies into /usr/local/bin, and PHP's own programs. */
const PROGRAMS = [
  'php', 'pecl', 'pear', 'phpize', 'php-config', 'docker-php-entrypoint', 'docker-php-source',
  'docker-php-ext-configure', 'docker-php-ext-enable', 'docker-php-ext-install',
];

export function phpSpec(suite: Suite, flavour: Flavour): Spec {
  const alpine = suite === 'alpine';
  const ini = '/usr/local/etc/php';
  const paths: PathRow[] = [
    ['/usr/local/etc', alpine ? 'part' : 'dir', 'root:root', 0o755],
    [ini, 'part', 'root:root', 0o755],
    [`${ini}/conf.d`, 'part', 'root:root', 0o755],
    [`${ini}/php.ini-development`, 'file', 'root:root', 0o644],
    [`${ini}/php.ini-production`, 'file', 'root:root', 0o644],
    ['/usr/local/bin', 'part', 'root:root', 0o755],
    ...PROGRAMS.map((p) => [`/usr/local/bin/${p}`, 'file', 'root:root', 0o755] as PathRow),
    ['/usr/local/lib/php', 'part', 'root:root', 0o755],
    ['/var/www', 'part', 'root:root', 0o755],
    // Empty: the Apache variant deletes the index.html its package puts there.
    ['/var/www/html', 'dir', WWW, 0o1777],
  ];
  if (flavour === 'fpm') {
    paths.push(
      ['/usr/local/sbin', alpine ? 'part' : 'dir', 'root:root', 0o755],
      ['/usr/local/sbin/php-fpm', 'file', 'root:root', 0o755],
      ['/usr/local/etc/php-fpm.conf', 'file', 'root:root', 0o644],
      ['/usr/local/etc/php-fpm.d', 'part', 'root:root', 0o755],
      ['/usr/local/etc/php-fpm.d/www.conf', 'file', 'root:root', 0o644],
      ['/usr/local/etc/php-fpm.d/docker.conf', 'file', 'root:root', 0o644],
      ['/usr/local/etc/php-fpm.d/zz-docker.conf', 'file', 'root:root', 0o644],
    );
  }
  if (flavour === 'apache') {
    // /var/run and /var/lock are links into /run on Debian, so the folders are made there.
    paths.push(
      ['/etc/apache2', 'part', 'root:root', 0o755],
      ['/etc/apache2/envvars', 'file', 'root:root', 0o644],
      ['/etc/apache2/conf-available', 'part', 'root:root', 0o755],
      ['/etc/apache2/conf-available/docker-php.conf', 'file', 'root:root', 0o644],
      ['/usr/sbin/apache2', 'file', 'root:root', 0o755],
      ['/usr/local/bin/apache2-foreground', 'file', 'root:root', 0o755],
      ['/run/apache2', 'dir', WWW, 0o1777],
      ['/run/apache2/socks', 'dir', WWW, 0o1777],
      ['/run/lock/apache2', 'dir', WWW, 0o1777],
      ['/var/log/apache2', 'dir', WWW, 0o1777],
      ['/var/log/apache2/error.log', 'link', WWW, 0o777, '/dev/stderr'],
      ['/var/log/apache2/access.log', 'link', WWW, 0o777, '/dev/stdout'],
      ['/var/log/apache2/other_vhosts_access.log', 'link', WWW, 0o777, '/dev/stdout'],
    );
  }

  const config: Spec['config'] = {
    env: {
      PHP_INI_DIR: ini,
      PHPIZE_DEPS: alpine
        ? 'autoconf dpkg-dev dpkg file g++ gcc libc-dev make pkgconf re2c'
        : 'autoconf dpkg-dev file g++ gcc libc-dev make pkg-config re2c',
      ...(flavour === 'apache' ? { APACHE_CONFDIR: '/etc/apache2', APACHE_ENVVARS: '/etc/apache2/envvars' } : {}),
    },
    entrypoint: ['docker-php-entrypoint'],
    cmd: flavour === 'apache' ? ['apache2-foreground'] : flavour === 'fpm' ? ['php-fpm'] : ['php', '-a'],
    ...(flavour === 'cli' ? {} : { workdir: '/var/www/html' }),
    exposedPorts: flavour === 'apache' ? ['80/tcp'] : flavour === 'fpm' ? ['9000/tcp'] : [],
  };

  const name = alpine ? 'Alpine' : `Debian ${suite === 'bookworm' ? '12' : '11'} slim`;

  return layer(BASES[suite], {
    summary: `PHP ${flavour} (${name}): root, www-data ${alpine ? '82' : '33'}, /var/www/html ` +
      `www-data 1777${flavour === 'cli' ? '' : ', WORKDIR /var/www/html'}` +
      (flavour === 'apache' ? ', Apache run/lock/log folders www-data 1777' : ''),
    // BusyBox adduser as the model runs it on Alpine (asserted in the tests): system user, the
    // existing group www-data (82) as its group, a home /home/www-data, shell /bin/false.
    ...(alpine ? {
      addPasswd: 'www-data:x:82:82:Linux User,,,:/home/www-data:/bin/false',
      group: ALPINE.group.replace(/^www-data:x:82:$/m, 'www-data:x:82:www-data'),
    } : {}),
    paths: [
      ...(alpine ? [
        ['/home/www-data', 'dir', WWW, 0o2755],
        ['/usr/local/lib', 'part', 'root:root', 0o755],
      ] as PathRow[] : []),
      ...paths,
    ],
    config,
    packages: [
      'php', 'ca-certificates', 'curl',
      ...(alpine ? ['openssl', 'tar', 'xz'] : ['xz-utils']),
      ...(flavour === 'apache' ? ['apache2'] : []),
    ],
    assumptions: [
      ['php-modes', '/usr/local/etc/php', 'PHP\'s files under /usr/local (PHP_INI_DIR, the ' +
        'programs, the docker-php-* helpers) are taken as root:root, 0755 folders and programs, ' +
        '0644 files, as root builds and installs them; the Dockerfile states only /var/www/html' +
        (flavour === 'apache' ? ' and the Apache folders.' : '.'), 'medium'],
      ...(flavour === 'apache' ? [['php-apache-dirs', '/run/apache2', 'the Apache folders are ' +
        "the paths of Debian's apache2 envvars (run /var/run/apache2, lock /var/lock/apache2, " +
        'logs /var/log/apache2), which the image reads to make them.', 'medium'] as AssumptionRow] : []),
    ],
    cites: [
      flavour === 'cli' ? CLI_SRC : flavour === 'apache' ? APACHE_SRC : FPM_ALPINE_SRC,
      ...(alpine && flavour !== 'fpm' ? [FPM_ALPINE_SRC] : []),
      ...(flavour === 'apache' ? [ENVVARS_SRC] : []),
      ARBITRARY_USER,
    ],
  });
}

const KEYS: [Suite, Flavour][] = [
  ['bookworm', 'cli'], ['bookworm', 'apache'], ['bookworm', 'fpm'],
  ['bullseye', 'cli'], ['bullseye', 'apache'], ['bullseye', 'fpm'],
  ['alpine', 'cli'], ['alpine', 'fpm'],
];

const entries: Entry[] = KEYS.map(([suite, flavour]) => ({
  key: `php:${flavour}-${suite}`,
  spec: () => phpSpec(suite, flavour),
}));

const WORDS = /^(cli|apache|fpm|zts|alpine(\d+\.\d+)?|bookworm|bullseye|trixie|buster|stretch|jessie)$/;

/** Reads a php tag: '8.2', '8.2.12-apache-bookworm', '8.3-fpm-alpine3.19', 'fpm', 'zts'... */
function readTag(tag: string): { version: string | null; words: string[] } {
  const m = /^(\d+(?:\.\d+){0,2}(?:(?:RC|rc|alpha|beta)\d+)?)(?:-(.*))?$/.exec(tag);
  if (m) return { version: m[1], words: m[2] ? m[2].split('-') : [] };

  return { version: null, words: tag === 'latest' ? [] : tag.split('-') };
}

export const phpFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'php') return null;
    const tag = ref.tag ?? 'latest';
    const inferred: AssumptionRow[] = [];
    const { version, words } = readTag(tag);
    const minor = version === null ? null : /^(\d+)\.(\d+)/.exec(version);
    const old = minor !== null && (Number(minor[1]) < 8 || (minor[1] === '8' && Number(minor[2]) < 1));

    if (ref.tag === null && ref.digest !== null) {
      inferred.push(['php-digest', ref.written, 'the reference names a digest and no tag; ' +
        'assuming a current PHP cli image on Debian 12 (bookworm).', 'medium']);
    } else if (tag === 'latest') {
      inferred.push(latestRow(ref, 'a current PHP cli image on Debian'));
    } else if (words.some((w) => !WORDS.test(w))) {
      inferred.push(['php-tag', ref.written, `tag '${tag}' is not one the catalog understands; ` +
        'assuming a PHP cli image on Debian 12 (bookworm).', 'low']);
    }

    const alpine = words.some((w) => w.startsWith('alpine'));
    const flavour: Flavour = words.includes('apache') ? 'apache' : words.includes('fpm') ? 'fpm' : 'cli';
    if (words.includes('zts')) {
      inferred.push(['php-zts', ref.written, `tag '${tag}' is a thread-safe (ZTS) build; its ` +
        `users, paths and config are taken as those of the ${flavour} image it is built like.`, 'medium']);
    }
    if (alpine && flavour === 'apache') {
      inferred.push(['php-tag', ref.written, 'the Apache variant is built on Debian only; ' +
        'assuming the Debian 12 one.', 'low']);
    }

    let suite: Suite;
    if (alpine && flavour !== 'apache') suite = 'alpine';
    else if (words.includes('bullseye')) suite = 'bullseye';
    else if (words.includes('bookworm')) suite = 'bookworm';
    else {
      const named = words.find((w) => /^(trixie|buster|stretch|jessie)$/.test(w));
      suite = old ? 'bullseye' : 'bookworm';
      if (named) {
        inferred.push(['php-suite', ref.written, `tag '${tag}' names Debian ${named}, which the ` +
          `catalog does not describe; users, groups and modes are taken as ${suite} has them ` +
          '(www-data is 33 on every Debian release).', named === 'trixie' ? 'medium' : 'low']);
      } else if (!inferred.some((r) => /^(php-(tag|digest)|latest-tag)$/.test(r[0]))) {
        inferred.push(['php-suite', ref.written, old
          ? `tag '${tag}' names no Debian suite; PHP ${version} images were last built on ` +
            'bullseye (Debian 11), which is assumed.'
          : `tag '${tag}' names no Debian suite; assuming bookworm (Debian 12). Newer images are ` +
            'built on trixie (Debian 13); www-data and the paths here are the same on each.', 'medium']);
      }
    }

    const spec = phpSpec(suite, flavour);
    const full = version !== null && /^\d+\.\d+\.\d+$/.test(version);

    return {
      key: `php:${flavour}-${suite}`,
      spec: full ? layer(spec, { config: { env: { PHP_VERSION: version } } }) : spec,
      inferred,
    };
  },
};
