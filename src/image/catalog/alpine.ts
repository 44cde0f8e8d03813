// Alpine Linux: accounts from alpine-baselayout, users made by BusyBox's adduser.

import { DEFAULT_PATH } from '../state.js';
import type { Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { latestRow, pickOf } from './spec.js';

const PASSWD_SRC = 'https://git.alpinelinux.org/aports/tree/main/alpine-baselayout/passwd';
const GROUP_SRC = 'https://git.alpinelinux.org/aports/tree/main/alpine-baselayout/group';
const MODES_SRC = 'https://git.alpinelinux.org/aports/tree/main/alpine-baselayout/APKBUILD';
const ADDUSER_SRC = 'https://git.busybox.net/busybox/tree/loginutils/adduser.c';

const NOLOGIN = '/sbin/nologin';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  `bin:x:1:1:bin:/bin:${NOLOGIN}`,
  `daemon:x:2:2:daemon:/sbin:${NOLOGIN}`,
  `lp:x:4:7:lp:/var/spool/lpd:${NOLOGIN}`,
  'sync:x:5:0:sync:/sbin:/bin/sync',
  'shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown',
  'halt:x:7:0:halt:/sbin:/sbin/halt',
  `mail:x:8:12:mail:/var/mail:${NOLOGIN}`,
  `news:x:9:13:news:/usr/lib/news:${NOLOGIN}`,
  `uucp:x:10:14:uucp:/var/spool/uucppublic:${NOLOGIN}`,
  `cron:x:16:16:cron:/var/spool/cron:${NOLOGIN}`,
  `ftp:x:21:21::/var/lib/ftp:${NOLOGIN}`,
  `sshd:x:22:22:sshd:/dev/null:${NOLOGIN}`,
  `games:x:35:35:games:/usr/games:${NOLOGIN}`,
  `ntp:x:123:123:NTP:/var/empty:${NOLOGIN}`,
  `guest:x:405:100:guest:/dev/null:${NOLOGIN}`,
  `nobody:x:65534:65534:nobody:/:${NOLOGIN}`,
].join('\n');

const GROUPS: [string, number][] = [
  ['root', 0], ['bin', 1], ['daemon', 2], ['sys', 3], ['adm', 4], ['tty', 5], ['disk', 6],
  ['lp', 7], ['kmem', 9], ['wheel', 10], ['floppy', 11], ['mail', 12], ['news', 13],
  ['uucp', 14], ['cron', 16], ['audio', 18], ['cdrom', 19], ['dialout', 20], ['ftp', 21],
  ['sshd', 22], ['input', 23], ['tape', 26], ['video', 27], ['netdev', 28], ['kvm', 34],
  ['games', 35], ['shadow', 42], ['www-data', 82], ['users', 100], ['ntp', 123],
  ['abuild', 300], ['utmp', 406], ['ping', 999], ['nogroup', 65533], ['nobody', 65534],
];

export const ALPINE: Spec = {
  summary: 'Alpine 3.x: root (shell /bin/sh), BusyBox tools, no uid 1000, no sudo, no Python',
  distro: 'alpine',
  passwd: PASSWD,
  group: GROUPS.map(([n, g]) => `${n}:x:${g}:`).join('\n'),
  shadow: 'locked',
  loginDefs: {
    // BusyBox adduser: first free uid from 1000 (system 100-999), max 60000, homes 2755.
    uidMin: 1000,
    uidMax: 60000,
    gidMin: 1000,
    gidMax: 60000,
    sysUidMin: 100,
    sysUidMax: 999,
    sysGidMin: 100,
    sysGidMax: 999,
    umask: 0o022,
    adduserDirMode: 0o2755,
    usergroupsEnab: true,
    defaultShell: '/bin/sh',
  },
  paths: [
    ['/', 'part', 'root:root', 0o755],
    ['/bin', 'part', 'root:root', 0o755],
    ['/sbin', 'part', 'root:root', 0o755],
    ['/lib', 'part', 'root:root', 0o755],
    ['/etc', 'part', 'root:root', 0o755],
    ['/etc/passwd', 'file', 'root:root', 0o644],
    ['/etc/group', 'file', 'root:root', 0o644],
    ['/etc/shadow', 'file', 'root:shadow', 0o640],
    ['/home', 'dir', 'root:root', 0o755],
    ['/root', 'part', 'root:root', 0o700],
    ['/tmp', 'dir', 'root:root', 0o1777],
    ['/opt', 'dir', 'root:root', 0o755],
    ['/usr', 'part', 'root:root', 0o755],
    ['/usr/bin', 'part', 'root:root', 0o755],
    ['/usr/sbin', 'part', 'root:root', 0o755],
    ['/usr/lib', 'part', 'root:root', 0o755],
    ['/usr/local', 'part', 'root:root', 0o755],
    ['/usr/local/bin', 'part', 'root:root', 0o755],
    ['/usr/local/lib', 'part', 'root:root', 0o755],
    ['/var', 'part', 'root:root', 0o755],
    ['/var/tmp', 'dir', 'root:root', 0o1777],
    ['/var/empty', 'dir', 'root:root', 0o555],
  ],
  config: { user: '', workdir: '/', env: { PATH: DEFAULT_PATH }, entrypoint: null, cmd: ['/bin/sh'] },
  packages: ['busybox'],
  pythons: [],
  texts: {},
  assumptions: [
    ['alpine-accounts', '/etc/passwd', 'Alpine accounts are those of recent alpine-baselayout ' +
      '(root shell /bin/sh); older releases use /bin/ash for root and carry more system ' +
      'accounts; group memberships are not modelled.', 'medium'],
  ],
  cites: [PASSWD_SRC, GROUP_SRC, MODES_SRC, ADDUSER_SRC],
};

const entries: Entry[] = [{ key: 'alpine:3', spec: () => ALPINE }];

export const alpineFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'alpine') return null;
    const tag = ref.tag ?? 'latest';
    if (/^3(\.\d+){0,2}(-\d+)?$/.test(tag)) return pickOf(entries, 'alpine:3');
    if (tag === 'latest') return pickOf(entries, 'alpine:3', [latestRow(ref, 'an Alpine 3.x release')]);

    return pickOf(entries, 'alpine:3', [
      ['unknown-tag', ref.written, `alpine tag '${tag}' is not in the catalog; assuming Alpine 3.x.`, 'low'],
    ]);
  },
};
