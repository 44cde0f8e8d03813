// The users and groups that the install scripts of common packages create, so that `USER redis`
// after `apt-get install redis-server` is judged against the accounts the image really has. Each
// entry is the account part of the package's own maintainer script (Debian's postinst/preinst,
// Alpine's pre-install), run through the model's adduser/addgroup like any RUN line; the ids
// come out as those tools pick them (the first free system id). A package outside this table
// may create accounts too: rules that find a name missing say so when an installed package
// bears that name (see packageNamedLike).

import type { Distro, ImageState, InstalledPackage } from '../../model/types.js';

interface Entry {
  /** Package names as apt/apk take them. */
  names: RegExp;
  /** The users the script adds. */
  users: string[];
  /** The account lines of its install script (root, /bin/sh). */
  script: string;
  /** The script it is taken from. */
  source: string;
}

const DEBIAN: Entry[] = [
  {
    // Docker's own docker-ce adds the same group in its postinst.
    names: /^(docker\.io|docker-ce)$/,
    users: [],
    script: 'addgroup --system docker',
    source: 'https://github.com/Debian/docker.io/blob/master/debian/docker.io.postinst',
  },
  {
    names: /^tor$/,
    users: ['debian-tor'],
    // The Debian package runs Tor as debian-tor, never as tor.
    script: [
      'adduser --quiet --system --disabled-password --home /var/lib/tor --no-create-home --shell /bin/bash --group debian-tor',
      'mkdir -p /var/lib/tor && chown debian-tor:debian-tor /var/lib/tor && chmod 02700 /var/lib/tor',
    ].join('\n'),
    source: 'https://github.com/torproject/tor/blob/main/debian/tor.postinst',
  },
  {
    // redis-server and redis-sentinel depend on redis-tools, whose script this is.
    names: /^redis(-server|-tools|-sentinel)?$/,
    users: ['redis'],
    script: [
      'adduser --system --home /var/lib/redis --quiet --group redis',
      // Older and newer scripts agree on this directory (the log directory's group differs).
      'mkdir -p /var/lib/redis && chown redis:redis /var/lib/redis && chmod 750 /var/lib/redis',
    ].join('\n'),
    source: 'https://github.com/redis/redis-debian/blob/master/debian/redis-tools.postinst',
  },
  {
    // Every server package (postgresql, -16, -contrib, -16-pgvector, ...) pulls in
    // postgresql-common, whose script this is; the client packages do not.
    names: /^postgresql(-(?!client|doc)[\w.+-]+)?$/,
    users: ['postgres'],
    script: [
      // postgresql-common depends on ssl-cert, whose postinst makes the group first.
      'addgroup --system ssl-cert',
      'adduser --system --quiet --home /var/lib/postgresql --no-create-home --shell /bin/bash --group --gecos "PostgreSQL administrator" postgres',
      'mkdir -p /var/lib/postgresql && chown postgres:postgres /var/lib/postgresql',
      'mkdir -p /var/log/postgresql && chmod 1775 /var/log/postgresql && chown root:postgres /var/log/postgresql',
      'install -d -m 2775 -o postgres -g postgres /var/run/postgresql',
      // On a fresh install postgres joins ssl-cert, to read the server's private key.
      'adduser --quiet postgres ssl-cert',
    ].join('\n'),
    source: 'https://github.com/credativ/postgresql-common/blob/master/debian/postgresql-common.postinst',
  },
  {
    names: /^postfix$/,
    users: ['postfix'],
    script: [
      'addgroup --system postfix',
      'adduser --system --home /var/spool/postfix --no-create-home --disabled-password --ingroup postfix postfix',
      'addgroup --system postdrop',
      // Shipped by the package itself, root-owned.
      'mkdir -p /var/spool/postfix',
    ].join('\n'),
    source: 'https://github.com/balabit-deps/balabit-os-9-postfix/blob/master/debian/postfix.postinst',
  },
  {
    names: /^(mariadb-server|default-mysql-server|mysql-server)(-[\d.]+)?$/,
    users: ['mysql'],
    script: [
      'addgroup --system mysql',
      'adduser --system --disabled-login --ingroup mysql --no-create-home --home /nonexistent --gecos "MySQL Server" --shell /bin/false mysql',
      'mkdir -p /var/lib/mysql && chown mysql:mysql /var/lib/mysql',
    ].join('\n'),
    source: 'https://github.com/MariaDB/server/blob/main/debian/mariadb-server.preinst',
  },
  {
    // cups depends on cups-daemon, whose postinst makes the group of printer administrators;
    // it depends on ssl-cert, whose postinst makes its group first (measured in the oracle:
    // packages/cups-pulse-groups, ssl-cert 101 and lpadmin 102 on debian:bookworm).
    names: /^cups(-daemon)?$/,
    users: [],
    script: 'addgroup --system ssl-cert\naddgroup --system lpadmin',
    source: 'https://github.com/chri50/cups/blob/1b637db488f94260682bb24f720c8fcab9b067f2/debian/cups-daemon.postinst',
  },
  {
    // The system-wide daemon's user, and the group allowed to use it. Bookworm's home is
    // /run/pulse (measured: packages/cups-pulse-groups); older scripts wrote /var/run/pulse.
    names: /^pulseaudio$/,
    users: ['pulse'],
    script: [
      'adduser --disabled-password --quiet --system --home /run/pulse --no-create-home --gecos "PulseAudio daemon" --group pulse',
      'adduser --quiet pulse audio',
      'addgroup --quiet --system pulse-access',
    ].join('\n'),
    source: 'https://github.com/Tubbz-alt/pulseaudio/blob/31c6373cec2a1db338ffe408b8b1bb6b28e329e5/debian/pulseaudio.postinst',
  },
];

const ALPINE: Entry[] = [
  {
    names: /^(docker|docker-engine)$/,
    users: [],
    script: 'addgroup -S docker',
    source: 'https://github.com/alpinelinux/aports/blob/master/community/docker/docker.pre-install',
  },
  {
    names: /^tor$/,
    users: ['tor'],
    script: [
      'adduser -S -D -H -h /var/lib/tor -s /sbin/nologin -g tor tor',
      // The package ships its state folders, 0755 and owned by tor (APKBUILD package()).
      'install -d -m 0755 -o tor /var/lib/tor /var/log/tor',
    ].join('\n'),
    source: 'https://github.com/alpinelinux/aports/blob/master/community/tor/tor.pre-install',
  },
  {
    names: /^nginx$/,
    users: ['nginx'],
    script: [
      'addgroup -S -g 82 www-data',
      'addgroup -S nginx',
      'adduser -S -D -H -h /var/lib/nginx -s /sbin/nologin -G nginx -g nginx nginx',
      'addgroup nginx www-data',
      // Shipped by the package (APKBUILD package()).
      'install -d -m 0750 -o nginx -g nginx /var/lib/nginx',
    ].join('\n'),
    source: 'https://github.com/alpinelinux/aports/blob/master/main/nginx/nginx.pre-install',
  },
  {
    names: /^apache2$/,
    users: ['apache'],
    script: [
      'addgroup -S -g 82 www-data',
      'addgroup -S apache',
      'adduser -S -D -H -h /var/www -s /sbin/nologin -G apache -g apache apache',
      'addgroup apache www-data',
      'mkdir -p /run/apache2',
    ].join('\n'),
    source: 'https://github.com/alpinelinux/aports/blob/master/main/apache2/apache2.pre-install',
  },
  {
    names: /^redis$/,
    users: ['redis'],
    script: [
      'addgroup -S redis',
      'adduser -S -H -h /var/lib/redis -s /bin/false -D -G redis -g redis redis',
      // Shipped by the package (APKBUILD package(): install -d -o redis -g redis).
      'install -d -o redis -g redis /var/lib/redis /var/log/redis',
    ].join('\n'),
    source: 'https://github.com/alpinelinux/aports/blob/master/main/redis/redis.pre-install',
  },
  {
    names: /^mariadb$/,
    users: ['mysql'],
    script: 'addgroup -S mysql\nadduser -S -h /var/lib/mysql -s /sbin/nologin -G mysql -D -g mysql mysql',
    source: 'https://github.com/alpinelinux/aports/blob/master/main/mariadb/mariadb.pre-install',
  },
  {
    names: /^postfix$/,
    users: ['postfix', 'vmail'],
    script: [
      'addgroup -S postfix',
      'addgroup -S postdrop',
      'adduser -S -h /var/spool/postfix -G postfix postfix',
      'addgroup postfix mail',
      'adduser -S -H -s /sbin/nologin -h /var/mail/domains -G postdrop vmail',
    ].join('\n'),
    source: 'https://github.com/alpinelinux/aports/blob/master/main/postfix/postfix.pre-install',
  },
];

function table(distro: Distro): Entry[] {
  if (distro === 'debian' || distro === 'ubuntu') return DEBIAN;
  if (distro === 'alpine') return ALPINE;

  return [];
}

/**
 * The account lines a package's install script runs on this distribution, one command per line
 * (each line's failure, an account that already exists, is ignored as the scripts do), or
 * undefined when the table does not know the package.
 */
export function packageAccountScript(distro: Distro, name: string): string | undefined {
  // Asked for every package every install names: the answer per name is kept (a few hundred
  // names in all), rather than tried against each entry's pattern again.
  const entries = table(distro);
  let known = SCRIPTS.get(entries);
  if (known === undefined) SCRIPTS.set(entries, (known = new Map()));
  if (known.has(name)) return known.get(name);
  const e = entries.find((x) => x.names.test(name));
  const script = e?.script.split('\n').map((l) => `{ ${l}; } >/dev/null 2>&1 || true`).join('\n');
  if (known.size < 10_000) known.set(name, script);

  return script;
}

/** Per table, the script found for each package name asked for. */
const SCRIPTS = new Map<Entry[], Map<string, string | undefined>>();

/**
 * The users that the install script of an installed package in the table adds, when the
 * package bears the given name but adds other users: Debian's tor adds debian-tor, not tor.
 */
export function packageAddsInstead(state: ImageState, name: string): { package: InstalledPackage; users: string[] } | undefined {
  const entries = table(state.distro);
  for (const p of Object.values(state.packages)) {
    if (!PACKAGE_TOOLS.has(p.via)) continue;
    const e = entries.find((x) => x.names.test(p.name));
    if (e && !e.users.includes(name) && p.name.replace(SUFFIX, '') === name) return { package: p, users: e.users };
  }

  return undefined;
}

/** The installed package of the table whose install script added this user, if any. */
export function packageThatAdded(state: ImageState, user: string): InstalledPackage | undefined {
  const entries = table(state.distro);
  for (const p of Object.values(state.packages)) {
    if (PACKAGE_TOOLS.has(p.via) && entries.some((e) => e.names.test(p.name) && e.users.includes(user))) return p;
  }

  return undefined;
}

/** The sources of the table, for documentation and tests. */
export function packageAccountSources(): { distro: string; names: string; source: string }[] {
  return [
    ...DEBIAN.map((e) => ({ distro: 'debian', names: e.names.source, source: e.source })),
    ...ALPINE.map((e) => ({ distro: 'alpine', names: e.names.source, source: e.source })),
  ];
}

const PACKAGE_TOOLS = new Set(['apt', 'apk', 'dnf']);
const SUFFIX = /(-server|-common|-core|-daemon|-tools|-bin|-utils|-?\d[\d.]*)+$/;

/**
 * An installed system package outside the table whose name is that of the user or group, so
 * its install scripts (not modelled) may have created it: `tor`, `mosquitto`, `postgresql-15`
 * for postgres. Only packages installed up to `beforeLine` count, when given.
 */
export function packageNamedLike(state: ImageState, name: string, beforeLine?: number): InstalledPackage | undefined {
  for (const p of Object.values(state.packages)) {
    // A package installed earlier in the failing step's own RUN counts too: it ran first.
    if (!PACKAGE_TOOLS.has(p.via) || (beforeLine !== undefined && (p.line ?? 0) > beforeLine)) continue;
    if (packageAccountScript(state.distro, p.name) !== undefined) continue;
    // NAME-something (dovecot-imapd pulls in dovecot-core, which adds dovecot) counts too.
    const stem = p.name.replace(SUFFIX, '');
    if (stem === name || p.name.startsWith(`${name}-`) || (stem.startsWith(name) && stem.length - name.length <= 2)) return p;
  }

  return undefined;
}
