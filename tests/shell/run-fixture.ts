// A small Debian-like image for the shell tests: root, alice (1000, in group sudo), bob (1001),
// a nologin service account, and the directories RUN lines usually touch.

import type { FileMeta, ImageState } from '../../src/model/types.js';
import { scratchState } from '../../src/image/state.js';
import { DOCKER_DEFAULT_CAPS } from '../../src/access/evaluate.js';
import type { BuildIdentity, ExecContext } from '../../src/shell/context.js';
import { runScript, type RunOutcome } from '../../src/shell/interpret.js';

export function image(): ImageState {
  const s = scratchState();
  s.distro = 'debian';
  s.accounts.passwd = [
    { name: 'root', uid: 0, gid: 0, gecos: 'root', home: '/root', shell: '/bin/bash' },
    { name: 'www-data', uid: 33, gid: 33, gecos: '', home: '/var/www', shell: '/usr/sbin/nologin' },
    { name: 'alice', uid: 1000, gid: 1000, gecos: '', home: '/home/alice', shell: '/bin/bash' },
    { name: 'bob', uid: 1001, gid: 1001, gecos: '', home: '/home/bob', shell: '/bin/bash' },
  ];
  s.accounts.group = [
    { name: 'root', gid: 0, members: [] },
    { name: 'sudo', gid: 27, members: ['alice'] },
    { name: 'www-data', gid: 33, members: [] },
    { name: 'alice', gid: 1000, members: [] },
    { name: 'bob', gid: 1001, members: [] },
    { name: 'staff', gid: 50, members: ['bob'] },
  ];
  const d = (mode: number, uid = 0, gid = 0, extra: Partial<FileMeta> = {}): FileMeta => ({ kind: 'dir', uid, gid, mode, ...extra });
  const f = (mode: number, uid = 0, gid = 0): FileMeta => ({ kind: 'file', uid, gid, mode });
  const entries: [string, FileMeta][] = [
    ['/etc', d(0o755)],
    ['/etc/passwd', f(0o644)],
    ['/etc/group', f(0o644)],
    ['/etc/sudoers.d', d(0o750)],
    ['/etc/ssh', d(0o755)],
    ['/root', d(0o700)],
    ['/home', d(0o755)],
    ['/home/alice', d(0o755, 1000, 1000)],
    ['/home/bob', d(0o750, 1001, 1001)],
    ['/tmp', d(0o1777)],
    ['/tmp/root-file', f(0o644)],
    ['/tmp/alice-file', f(0o644, 1000, 1000)],
    ['/opt', d(0o755)],
    ['/opt/conda', d(0o755, 0, 0, { partial: true })],
    ['/opt/conda/bin', d(0o755)],
    ['/opt/conda/bin/python', f(0o755)],
    ['/usr', d(0o755)],
    ['/usr/bin', d(0o755)],
    ['/usr/bin/sudo', f(0o4755)],
    ['/usr/bin/passwd', f(0o4755)],
    ['/srv', d(0o2775, 0, 50)],
    ['/var', d(0o755)],
    ['/var/www', d(0o755, 33, 33)],
  ];
  for (const [p, m] of entries) s.fs.set(p, m);
  s.packages.sudo = { name: 'sudo', via: 'apt' };
  // Debian's /etc/sudoers: root and %sudo with a password, and the drop-in directory.
  s.fs.set('/etc/sudoers', f(0o440));
  s.texts['/etc/sudoers'] = {
    content: 'root\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n',
  };

  return s;
}

export function as(state: ImageState, name: string): BuildIdentity {
  const u = state.accounts.passwd.find((e) => e.name === name)!;
  const groups = [u.gid, ...state.accounts.group.filter((g) => g.members.includes(name)).map((g) => g.gid)];

  return { uid: u.uid, gid: u.gid, groups, caps: u.uid === 0 ? DOCKER_DEFAULT_CAPS : new Set(), label: name, name, home: u.home };
}

/** Run a RUN line as the named user (root by default) on the given state. */
export function run(state: ImageState, src: string, user = 'root', cwd = '/'): RunOutcome {
  return runScript(src, {
    state,
    ident: as(state, user),
    env: new Map([['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']]),
    cwd,
    builder: 'buildkit',
    file: 'Dockerfile',
    line: 10,
  });
}

export function meta(state: ImageState, path: string): string {
  const m = state.fs.get(path);
  if (!m) return 'missing';

  return `${m.kind} ${m.uid}:${m.gid} ${(m.mode & 0o7777).toString(8).padStart(4, '0')}`;
}

export type { ExecContext };
