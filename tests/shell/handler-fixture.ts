// Small image states and an ExecContext for calling command handlers directly in tests.

import { DOCKER_DEFAULT_CAPS, evaluate } from '../../src/access/evaluate.js';
import { parseGroup, parsePasswd, SHADOW_DEFAULTS } from '../../src/image/accounts.js';
import { scratchState } from '../../src/image/state.js';
import type { Distro, FileMeta, ImageState } from '../../src/model/types.js';
import type { BuildIdentity, CmdResult, CommandHandler, ExecContext } from '../../src/shell/context.js';

export const DEBIAN_PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'bin:x:2:2:bin:/bin:/usr/sbin/nologin',
  'sys:x:3:3:sys:/dev:/usr/sbin/nologin',
  'sync:x:4:65534:sync:/bin:/bin/sync',
  'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin',
  '_apt:x:42:65534::/nonexistent:/usr/sbin/nologin',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
].join('\n');

export const DEBIAN_GROUP = [
  'root:x:0:',
  'daemon:x:1:',
  'bin:x:2:',
  'sys:x:3:',
  'adm:x:4:',
  'sudo:x:27:',
  'staff:x:50:',
  'users:x:100:',
  'nogroup:x:65534:',
].join('\n');

export const UBUNTU_NOBLE_EXTRA = {
  passwd: 'ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash',
  group: 'ubuntu:x:1000:',
};

export const ALPINE_PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'bin:x:1:1:bin:/bin:/sbin/nologin',
  'guest:x:405:100:guest:/dev/null:/sbin/nologin',
  'nobody:x:65534:65534:nobody:/:/sbin/nologin',
].join('\n');

export const ALPINE_GROUP = ['root:x:0:', 'bin:x:1:', 'wheel:x:10:', 'users:x:100:', 'nogroup:x:65533:', 'nobody:x:65534:'].join('\n');

const dir = (mode: number, uid = 0, gid = 0): FileMeta => ({ kind: 'dir', uid, gid, mode });
const file = (mode: number, uid = 0, gid = 0): FileMeta => ({ kind: 'file', uid, gid, mode });

export interface StateOptions {
  distro?: Distro;
  base?: string;
  passwd?: string;
  group?: string;
  homeMode?: number;
  adduserDirMode?: number;
}

/** A Debian-like image: base-passwd accounts, /etc/skel with the three dot files, /home, /tmp. */
export function makeState(o: StateOptions = {}): ImageState {
  const s = scratchState();
  s.distro = o.distro ?? 'debian';
  s.base = o.base ?? 'debian:bookworm';
  s.accounts.passwd = parsePasswd(o.passwd ?? DEBIAN_PASSWD);
  s.accounts.group = parseGroup(o.group ?? DEBIAN_GROUP);
  // Debian 12: SYS_UID_MIN/SYS_GID_MIN commented out in login.defs, shadow's built-in 101.
  s.accounts.loginDefs = {
    ...SHADOW_DEFAULTS,
    sysUidMin: 101,
    sysGidMin: 101,
    defaultShell: '/bin/sh',
    homeMode: o.homeMode,
    adduserDirMode: o.adduserDirMode,
  };
  for (const e of s.accounts.passwd) s.accounts.passwords[e.name] = e.name === 'root' ? 'set' : 'none';

  const entries: [string, FileMeta][] = [
    ['/etc', dir(0o755)],
    ['/etc/passwd', file(0o644)],
    ['/etc/group', file(0o644)],
    ['/etc/shadow', file(0o640, 0, 42)],
    ['/etc/skel', dir(0o755)],
    ['/etc/skel/.bashrc', file(0o644)],
    ['/etc/skel/.profile', file(0o644)],
    ['/etc/skel/.bash_logout', file(0o644)],
    ['/home', dir(0o755)],
    ['/root', dir(0o700)],
    ['/tmp', dir(0o1777)],
    ['/usr', dir(0o755)],
    ['/usr/bin', dir(0o755)],
    ['/usr/local', dir(0o755)],
    ['/opt', dir(0o755)],
    ['/var', dir(0o755)],
    ['/var/mail', dir(0o2775, 0, 8)],
  ];
  for (const [p, m] of entries) s.fs.set(p, m);

  return s;
}

export const ROOT: BuildIdentity = { uid: 0, gid: 0, groups: [0], caps: DOCKER_DEFAULT_CAPS, home: '/root', name: 'root' };

export function userIdent(uid: number, gid: number, home: string, name?: string): BuildIdentity {
  return { uid, gid, groups: [gid], caps: new Set(), home, name, label: name };
}

export interface TestCtx extends ExecContext {
  unknowns: string[];
}

export function makeCtx(state: ImageState, ident: BuildIdentity = ROOT, extra: Partial<ExecContext> = {}): TestCtx {
  const unknowns: string[] = [];
  const ctx: TestCtx = {
    state,
    ident,
    env: new Map([['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ['HOME', ident.home]]),
    cwd: '/',
    umask: 0o022,
    builder: 'buildkit',
    file: 'Dockerfile',
    line: 7,
    origin: 'Dockerfile:7',
    access: (path, op) => evaluate(ident, { fs: state.fs, mounts: [], readOnlyRoot: false }, path, op),
    unknown: (reason) => {
      unknowns.push(reason);
    },
    trace: () => {},
    runArgv: () => ({ status: 'unknown' }),
    runScript: () => ({ status: 'unknown' }),
    writeText: () => undefined,
    lookupIdentity: () => undefined,
    unknowns,
    ...extra,
  };

  return ctx;
}

/** Run a handler from a command line split on spaces. */
export function run(handlers: Record<string, CommandHandler>, ctx: ExecContext, line: string): CmdResult {
  const argv = line.split(' ').filter(Boolean);

  return handlers[argv[0]](ctx, argv);
}
