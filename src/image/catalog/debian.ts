// Debian and Ubuntu official images. Their accounts come straight from base-passwd (plus the
// dynamically made _apt on older releases and Ubuntu's own 'ubuntu' user from 23.04 on); the
// other families here layer on top of these specs.

import type { LoginDefs } from '../../model/types.js';
import { SHADOW_DEFAULTS } from '../accounts.js';
import { DEFAULT_PATH } from '../state.js';
import type { AssumptionRow, Entry, Family, ImageRef, PathRow, Pick, Spec } from './spec.js';
import { latestRow, layer, pickOf } from './spec.js';

const BASE_PASSWD_361 = 'https://sources.debian.org/src/base-passwd/3.6.1/passwd.master/';
const BASE_GROUP_361 = 'https://sources.debian.org/src/base-passwd/3.6.1/group.master/';
const BASE_PASSWD_LOG = 'https://sources.debian.org/src/base-passwd/3.6.1/debian/changelog/';
const DEBIAN_LOGIN_DEFS = 'https://sources.debian.org/src/shadow/1:4.13+dfsg1-1/debian/login.defs/';
const DEBIAN_USERADD = 'https://sources.debian.org/src/shadow/1:4.13+dfsg1-1/debian/default/useradd/';
const ADDUSER_CONF = 'https://manpages.debian.org/bookworm/adduser/adduser.conf.5.en.html';
const ADDUSER_LOG = 'https://sources.debian.org/src/adduser/3.134/debian/changelog/';
const BASE_FILES = 'https://packages.debian.org/bookworm/base-files';
const DEBIAN_ARTIFACTS = 'https://github.com/debuerreotype/docker-debian-artifacts/issues/26';
const NO_SUDO = 'https://github.com/debuerreotype/docker-debian-artifacts';
const UBUNTU_HOMES = 'https://ubuntu.com/blog/private-home-directories-for-ubuntu-21-04';
export const UBUNTU_USER_BUG = 'https://bugs.launchpad.net/cloud-images/+bug/2005129';

const NOLOGIN = '/usr/sbin/nologin';

// base-passwd's passwd.master; every account but root and sync has nologin as its shell.
const SYSTEM_USERS: [string, number, number, string, string][] = [
  ['daemon', 1, 1, 'daemon', '/usr/sbin'],
  ['bin', 2, 2, 'bin', '/bin'],
  ['sys', 3, 3, 'sys', '/dev'],
  ['games', 5, 60, 'games', '/usr/games'],
  ['man', 6, 12, 'man', '/var/cache/man'],
  ['lp', 7, 7, 'lp', '/var/spool/lpd'],
  ['mail', 8, 8, 'mail', '/var/mail'],
  ['news', 9, 9, 'news', '/var/spool/news'],
  ['uucp', 10, 10, 'uucp', '/var/spool/uucp'],
  ['proxy', 13, 13, 'proxy', '/bin'],
  ['www-data', 33, 33, 'www-data', '/var/www'],
  ['backup', 34, 34, 'backup', '/var/backups'],
  ['list', 38, 38, 'Mailing List Manager', '/var/list'],
  ['irc', 39, 39, 'ircd', '/run/ircd'],
];

const line = ([n, u, g, gecos, home]: [string, number, number, string, string], shell = NOLOGIN) =>
  `${n}:x:${u}:${g}:${gecos}:${home}:${shell}`;

/** passwd of base-passwd >= 3.6.1 (Debian 12, Ubuntu 24.04): no gnats, _apt fixed at 42. */
export const PASSWD_36 = [
  'root:x:0:0:root:/root:/bin/bash',
  ...SYSTEM_USERS.slice(0, 3).map((u) => line(u)),
  'sync:x:4:65534:sync:/bin:/bin/sync',
  ...SYSTEM_USERS.slice(3).map((u) => line(u)),
  `_apt:x:42:65534::/nonexistent:${NOLOGIN}`,
  `nobody:x:65534:65534:nobody:/nonexistent:${NOLOGIN}`,
].join('\n');

/**
 * passwd of base-passwd 3.5.x (Debian 11, Ubuntu 20.04/22.04): gnats 41 still there, and _apt
 * made by apt's maintainer script as the first free system uid, 100 on a fresh image.
 */
export const PASSWD_35 = [
  'root:x:0:0:root:/root:/bin/bash',
  ...SYSTEM_USERS.slice(0, 3).map((u) => line(u)),
  'sync:x:4:65534:sync:/bin:/bin/sync',
  ...SYSTEM_USERS.slice(3).map((u) => line(u)),
  `gnats:x:41:41:Gnats Bug-Reporting System (admin):/var/lib/gnats:${NOLOGIN}`,
  `nobody:x:65534:65534:nobody:/nonexistent:${NOLOGIN}`,
  `_apt:x:100:65534::/nonexistent:${NOLOGIN}`,
].join('\n');

const GROUPS: [string, number][] = [
  ['root', 0], ['daemon', 1], ['bin', 2], ['sys', 3], ['adm', 4], ['tty', 5], ['disk', 6],
  ['lp', 7], ['mail', 8], ['news', 9], ['uucp', 10], ['man', 12], ['proxy', 13], ['kmem', 15],
  ['dialout', 20], ['fax', 21], ['voice', 22], ['cdrom', 24], ['floppy', 25], ['tape', 26],
  ['sudo', 27], ['audio', 29], ['dip', 30], ['www-data', 33], ['backup', 34], ['operator', 37],
  ['list', 38], ['irc', 39], ['src', 40], ['shadow', 42], ['utmp', 43], ['video', 44],
  ['sasl', 45], ['plugdev', 46], ['staff', 50], ['games', 60], ['users', 100],
  ['nogroup', 65534],
];

const groupText = (gs: [string, number][]) => gs.map(([n, g]) => `${n}:x:${g}:`).join('\n');

export const GROUP_36 = groupText(GROUPS);
export const GROUP_35 = groupText(
  [...GROUPS, ['gnats', 41] as [string, number]].sort((a, b) => a[1] - b[1]),
);

/** login.defs and useradd defaults of Debian 12 (HOME_MODE commented out, so 0755 homes). */
export const DEBIAN_12_DEFS: LoginDefs = {
  ...SHADOW_DEFAULTS,
  // SYS_UID_MIN/SYS_GID_MIN are commented out in Debian's file, so useradd uses its built-in
  // 101 (shadow's find_new_uid.c); adduser's own range starts at 100.
  umask: 0o022,
  adduserDirMode: 0o700,
  usergroupsEnab: true,
  defaultShell: '/bin/sh',
};

/** The paths every Debian-family image has, with the owners and modes the packages set. */
export const DEBIAN_PATHS: PathRow[] = [
  ['/', 'part', 'root:root', 0o755],
  // merged /usr: the top-level directories are links since Debian 12 and Ubuntu 20.04.
  ['/bin', 'link', 'root:root', 0o777, 'usr/bin'],
  ['/sbin', 'link', 'root:root', 0o777, 'usr/sbin'],
  ['/lib', 'link', 'root:root', 0o777, 'usr/lib'],
  ['/lib64', 'link', 'root:root', 0o777, 'usr/lib64'],
  // The other top-level directories of a Debian 12 root (read from a debootstrap minbase tree in
  // the oracle suite); the root stays partial because derived images add their own.
  ['/boot', 'part', 'root:root', 0o755],
  ['/dev', 'part', 'root:root', 0o755],
  ['/media', 'dir', 'root:root', 0o755],
  ['/mnt', 'dir', 'root:root', 0o755],
  ['/proc', 'part', 'root:root', 0o755],
  ['/run', 'part', 'root:root', 0o755],
  ['/srv', 'dir', 'root:root', 0o755],
  ['/sys', 'part', 'root:root', 0o755],
  ['/etc', 'part', 'root:root', 0o755],
  ['/etc/passwd', 'file', 'root:root', 0o644],
  ['/etc/group', 'file', 'root:root', 0o644],
  ['/etc/shadow', 'file', 'root:shadow', 0o640],
  ['/etc/gshadow', 'file', 'root:shadow', 0o640],
  ['/etc/login.defs', 'file', 'root:root', 0o644],
  // bash's skeleton files (package bash: /etc/skel/.bashrc, .profile, .bash_logout), which
  // useradd -m and adduser copy into new homes; measured in the oracle suite.
  ['/etc/skel', 'dir', 'root:root', 0o755],
  ['/etc/skel/.bashrc', 'file', 'root:root', 0o644],
  ['/etc/skel/.profile', 'file', 'root:root', 0o644],
  ['/etc/skel/.bash_logout', 'file', 'root:root', 0o644],
  ['/home', 'dir', 'root:root', 0o755],
  ['/root', 'part', 'root:root', 0o700],
  ['/tmp', 'dir', 'root:root', 0o1777],
  ['/opt', 'dir', 'root:root', 0o755],
  ['/usr', 'part', 'root:root', 0o755],
  ['/usr/bin', 'part', 'root:root', 0o755],
  ['/usr/sbin', 'part', 'root:root', 0o755],
  ['/usr/lib', 'part', 'root:root', 0o755],
  ['/usr/local', 'part', 'root:root', 0o755],
  ['/usr/local/bin', 'dir', 'root:root', 0o755],
  ['/usr/local/sbin', 'dir', 'root:root', 0o755],
  ['/usr/local/lib', 'part', 'root:root', 0o755],
  ['/usr/local/share', 'part', 'root:root', 0o755],
  // The rest of /usr/local as base-files makes it (read from a debootstrap tree).
  ['/usr/local/etc', 'dir', 'root:root', 0o755],
  ['/usr/local/games', 'dir', 'root:root', 0o755],
  ['/usr/local/include', 'dir', 'root:root', 0o755],
  ['/usr/local/src', 'dir', 'root:root', 0o755],
  ['/usr/local/man', 'link', 'root:root', 0o777, 'share/man'],
  ['/var', 'part', 'root:root', 0o755],
  ['/var/lib', 'part', 'root:root', 0o755],
  ['/var/tmp', 'dir', 'root:root', 0o1777],
  // /var/run and /var/lock are links into /run (base-files; read from the oracle's debootstrap
  // minbase tree), so `mkdir /var/run/sshd` makes /run/sshd.
  ['/var/run', 'link', 'root:root', 0o777, '/run'],
  ['/var/lock', 'link', 'root:root', 0o777, '/run/lock'],
  ['/run/lock', 'dir', 'root:root', 0o1777],
  ['/var/log', 'part', 'root:root', 0o755],
  ['/var/cache', 'part', 'root:root', 0o755],
  // ldconfig's aux cache folder (libc-bin), 0700: read from the oracle's debootstrap minbase
  // tree; a user's `find /var` or `du /var/cache` fails on it.
  ['/var/cache/ldconfig', 'part', 'root:root', 0o700],
  ['/var/spool', 'part', 'root:root', 0o755],
  ['/var/local', 'dir', 'root:staff', 0o2775],
  ['/var/opt', 'dir', 'root:root', 0o755],
  // base-files makes the mail spool group mail and setgid, so mail tools can create mailboxes.
  ['/var/mail', 'dir', 'root:mail', 0o2775],
];

const ROOT_CONFIG = {
  user: '',
  workdir: '/',
  env: { PATH: DEFAULT_PATH },
  entrypoint: null,
  cmd: ['bash'],
};

const NO_ROOT_MODE_SOURCE: AssumptionRow = [
  'root-home-mode',
  '/root',
  '/root is taken as 0700, the mode base-files gives it; no primary source states it.',
  'medium',
];

export const DEBIAN_12: Spec = {
  summary: 'Debian 12 (bookworm): root, base-passwd 3.6.1 accounts, no uid 1000, no sudo, no Python',
  distro: 'debian',
  passwd: PASSWD_36,
  group: GROUP_36,
  shadow: 'locked',
  loginDefs: DEBIAN_12_DEFS,
  paths: DEBIAN_PATHS,
  config: ROOT_CONFIG,
  packages: [],
  pythons: [],
  texts: {},
  assumptions: [NO_ROOT_MODE_SOURCE],
  cites: [
    DEBIAN_ARTIFACTS,
    BASE_PASSWD_361,
    BASE_GROUP_361,
    DEBIAN_LOGIN_DEFS,
    DEBIAN_USERADD,
    ADDUSER_CONF,
    BASE_FILES,
    NO_SUDO,
  ],
};

export const DEBIAN_11: Spec = layer(DEBIAN_12, {
  summary: 'Debian 11 (bullseye): root, base-passwd 3.5 accounts (gnats, _apt 100), no uid 1000',
  passwd: PASSWD_35,
  group: GROUP_35,
  loginDefs: { adduserDirMode: 0o755 },
  assumptions: [
    ['apt-uid', '_apt', '_apt is taken as uid 100, the first free system uid apt gets.', 'medium'],
  ],
  cites: [BASE_PASSWD_LOG, ADDUSER_LOG],
});

// Ubuntu 21.04+ makes new homes private: HOME_MODE 0750 for useradd, DIR_MODE 0750 for adduser.
const PRIVATE_HOMES: Partial<LoginDefs> = { homeMode: 0o750, adduserDirMode: 0o750 };

const UBUNTU_BASE = layer(DEBIAN_12, {
  distro: 'ubuntu',
  config: { cmd: ['/bin/bash'] },
  passwd: PASSWD_35,
  group: GROUP_35,
  // Ubuntu's adduser.conf, like Debian 11's, gives 0755 homes unless changed.
  loginDefs: { adduserDirMode: 0o755 },
  cites: [UBUNTU_HOMES],
});

export const UBUNTU: Record<string, Spec> = {
  '20.04': layer(UBUNTU_BASE, {
    summary: 'Ubuntu 20.04 (focal): root, base-passwd 3.5 accounts, no uid 1000, 0755 homes',
    assumptions: [
      ['ubuntu-2004-passwd', '/etc/passwd', 'Ubuntu 20.04 accounts are taken as those of 22.04 ' +
        '(base-passwd 3.5: gnats 41, _apt 100); older base-passwd gave irc the home ' +
        '/var/run/ircd.', 'medium'],
    ],
  }),
  '22.04': layer(UBUNTU_BASE, {
    summary: 'Ubuntu 22.04 (jammy): root, base-passwd 3.5.52 accounts, no uid 1000, 0750 homes',
    loginDefs: PRIVATE_HOMES,
    cites: ['https://packages.ubuntu.com/jammy/base-passwd'],
  }),
  '24.04': layer(UBUNTU_BASE, {
    summary: 'Ubuntu 24.04 (noble): root, but user ubuntu 1000:1000 exists; 0750 homes',
    passwd: `${PASSWD_36}\nubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash`,
    group: `${GROUP_36}\nubuntu:x:1000:`,
    loginDefs: PRIVATE_HOMES,
    paths: [
      ['/home', 'dir', 'root:root', 0o755],
      ['/home/ubuntu', 'part', 'ubuntu:ubuntu', 0o750],
    ],
    assumptions: [
      ['ubuntu-home-mode', '/home/ubuntu', '/home/ubuntu is taken as ubuntu:ubuntu 0750 ' +
        '(Ubuntu HOME_MODE); its mode is not confirmed by a primary source.', 'medium'],
      ['ubuntu-groups', 'ubuntu', 'user ubuntu is taken to have no supplementary groups; ' +
        'some reports list adm and video, which is not confirmed.', 'medium'],
    ],
    cites: [
      'https://github.com/jupyterhub/repo2docker/issues/1346',
      'https://packages.ubuntu.com/noble/base-passwd',
      UBUNTU_USER_BUG,
      'https://github.com/cernopendata/cernopendata-client/pull/180',
    ],
  }),
};

const UBUNTU_NAMES: Record<string, string> = {
  focal: '20.04',
  jammy: '22.04',
  noble: '24.04',
};

export const UBUNTU_LATEST = '24.04';

/** The releases of the codenames the catalog does not describe (wiki.ubuntu.com/Releases). */
const UBUNTU_RELEASES: Record<string, string> = {
  precise: '12.04', trusty: '14.04', xenial: '16.04', bionic: '18.04', cosmic: '18.10', disco: '19.04',
  eoan: '19.10', groovy: '20.10', hirsute: '21.04', impish: '21.10', kinetic: '22.10', lunar: '23.04',
  mantic: '23.10', oracular: '24.10', plucky: '25.04', questing: '25.10',
};

export const SLIM: Spec = layer(DEBIAN_12, {
  summary: 'Debian 12 slim (bookworm-slim): as bookworm, with documentation removed',
});

export const DEBIAN_11_SLIM: Spec = layer(DEBIAN_11, { summary: `${DEBIAN_11.summary} (slim)` });

const debianEntries: Entry[] = [
  { key: 'debian:bookworm', spec: () => DEBIAN_12 },
  { key: 'debian:bookworm-slim', spec: () => SLIM },
  { key: 'debian:bullseye', spec: () => DEBIAN_11 },
  { key: 'debian:bullseye-slim', spec: () => DEBIAN_11_SLIM },
];

const ubuntuEntries: Entry[] = Object.keys(UBUNTU).map((v) => ({
  key: `ubuntu:${v}`,
  spec: () => UBUNTU[v],
}));

/** Suites by every name a tag may use: codename, major version, point release. */
function debianSuite(tag: string): { suite: string; slim: boolean } | null {
  const slim = /(^|-)slim($|-)/.test(tag);
  const t = tag.replace(/-?slim/, '').replace(/-\d{8}$/, '');
  if (/^(bookworm|12(\.\d+)?)$/.test(t)) return { suite: 'bookworm', slim };
  if (/^(bullseye|11(\.\d+)?)$/.test(t)) return { suite: 'bullseye', slim };

  return null;
}

export const debianFamily: Family = {
  entries: debianEntries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'debian') return null;
    const tag = ref.tag ?? 'latest';
    const exact = debianSuite(tag);
    if (exact) {
      return pickOf(debianEntries, `debian:${exact.suite}${exact.slim ? '-slim' : ''}`);
    }

    const slim = /slim/.test(tag);
    const key = slim ? 'debian:bookworm-slim' : 'debian:bookworm';
    const row: AssumptionRow =
      tag === 'latest' || tag === 'stable-slim' || tag === 'stable'
        ? latestRow(ref, 'Debian 12 (bookworm); newer stable releases get its users, groups and modes')
        : [
            'unknown-tag',
            ref.written,
            `debian tag '${tag}' is not in the catalog; assuming Debian 12 (bookworm) users, ` +
              'groups and modes.',
            /trixie|13|testing|sid|unstable/.test(tag) ? 'medium' : 'low',
          ];

    return pickOf(debianEntries, key, [row]);
  },
};

export const ubuntuFamily: Family = {
  entries: ubuntuEntries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'ubuntu') return null;
    const tag = ref.tag ?? 'latest';
    const m = /^(\d{2}\.\d{2})(?:\.\d+)?(?:-\d+)?$/.exec(tag) ?? /^([a-z]+)(?:-\d+)?$/.exec(tag);
    const version = m ? (UBUNTU[m[1]] ? m[1] : UBUNTU_NAMES[m[1]]) : undefined;
    if (version) return pickOf(ubuntuEntries, `ubuntu:${version}`);

    if (tag === 'latest' || tag === 'rolling') {
      return pickOf(ubuntuEntries, `ubuntu:${UBUNTU_LATEST}`, [
        latestRow(ref, `Ubuntu ${UBUNTU_LATEST}, which has the user ubuntu at uid 1000`),
      ]);
    }

    // Releases after 23.04 carry the ubuntu user; older ones look like 22.04. A codename is
    // read as its release (trusty is 14.04, with no user at uid 1000).
    const written = m !== null ? (UBUNTU_RELEASES[m[1]] ?? m[1]) : tag;
    const year = /^(\d{2})\./.exec(written);
    const newer = year ? Number(year[1]) >= 23 : true;
    const key = `ubuntu:${newer ? '24.04' : '22.04'}`;

    return pickOf(ubuntuEntries, key, [
      [
        'unknown-tag',
        ref.written,
        `ubuntu tag '${tag}' is not in the catalog; assuming the layout of ${key}.`,
        'low',
      ],
    ]);
  },
};

/** buildpack-deps' scm layer: git, mercurial, openssh-client, subversion, procps. */
export const BUILDPACK_SCM_SRC = 'https://github.com/docker-library/buildpack-deps/blob/master/debian/bookworm/scm/Dockerfile';

/**
 * Where Debian's (and Ubuntu's) python3 package puts Python V: the interpreter, the python3
 * link, its library folders, and PEP 668's marker when the release has one.
 */
export function debianPythonPaths(v: string, marker: boolean): PathRow[] {
  return [
    [`/usr/bin/python${v}`, 'file', 'root:root', 0o755],
    ['/usr/bin/python3', 'link', 'root:root', 0o777, `python${v}`],
    [`/usr/lib/python${v}`, 'part', 'root:root', 0o755],
    ...(marker ? [[`/usr/lib/python${v}/EXTERNALLY-MANAGED`, 'file', 'root:root', 0o644] as PathRow] : []),
    ['/usr/lib/python3', 'part', 'root:root', 0o755],
    ['/usr/lib/python3/dist-packages', 'part', 'root:root', 0o755],
  ];
}

/**
 * Debian's python3 in an image built on buildpack-deps:SUITE-scm (node, golang and rust's full
 * images): its mercurial is a Python program and depends on python3, which comes without pip.
 * The paths, packages and Python environment for a spec's layer; PEP 668's marker on bookworm.
 */
export function buildpackPython(suite: 'bookworm' | 'bullseye'): { paths: PathRow[]; packages: string[]; pythons: Spec['pythons']; assumption: AssumptionRow } {
  const v = suite === 'bookworm' ? '3.11' : '3.9';
  const marker = suite === 'bookworm';

  return {
    paths: [
      ...debianPythonPaths(v, marker),
      ['/usr/bin/hg', 'file', 'root:root', 0o755],
      // Where a pip would install as root, as an apt-get install python3 leaves it.
      ['/usr/local/lib', 'part', 'root:root', 0o755],
      [`/usr/local/lib/python${v}`, 'dir', 'root:root', 0o755],
      [`/usr/local/lib/python${v}/dist-packages`, 'dir', 'root:root', 0o755],
    ],
    packages: ['mercurial', 'python3'],
    pythons: [{ python: '/usr/bin/python3', kind: 'system', sitePackages: `/usr/local/lib/python${v}/dist-packages`, version: v, externallyManaged: marker, binDir: '/usr' }],
    assumption: ['buildpack-deps-python', '/usr/bin/python3', `the image is built on buildpack-deps:${suite}-scm, whose mercurial depends on Debian's python3 (${v}, without pip): it is modelled as Debian installs it; the other tools buildpack-deps adds (compilers, git, subversion) are not listed`, 'medium'],
  };
}
