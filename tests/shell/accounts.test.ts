import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { groupByName, userByName } from '../../src/image/accounts.js';
import { getopt, handlers } from '../../src/shell/commands/accounts.js';
import {
  ALPINE_GROUP,
  ALPINE_PASSWD,
  DEBIAN_GROUP,
  DEBIAN_PASSWD,
  UBUNTU_NOBLE_EXTRA,
  makeCtx,
  makeState,
  run,
  userIdent,
} from './handler-fixture.js';

const noble = () =>
  makeState({
    distro: 'ubuntu',
    base: 'ubuntu:24.04',
    passwd: `${DEBIAN_PASSWD}\n${UBUNTU_NOBLE_EXTRA.passwd}`,
    group: `${DEBIAN_GROUP}\n${UBUNTU_NOBLE_EXTRA.group}`,
    homeMode: 0o750,
  });

describe('getopt', () => {
  test('combined short flags, attached values, long=value and permuted operands', () => {
    const p = getopt(['-aG', 'sudo,adm', 'alice', '--shell=/bin/bash', '-u1001'], {
      a: 'append', 'G:': 'groups', 'shell:': 'shell', 'u:': 'uid',
    });
    assert.deepEqual([...p.opts], [['append', ['']], ['groups', ['sudo,adm']], ['shell', ['/bin/bash']], ['uid', ['1001']]]);
    assert.deepEqual(p.operands, ['alice']);
    assert.equal(p.bad, undefined);
  });

  test('an option that takes a value but ends the line is a missing argument, in the order met', () => {
    const spec = { m: 'home', 'u:': 'uid', 'uid:': 'uid', 'g:': 'gid' };
    const p = getopt(['-m', '-u'], spec);
    assert.deepEqual([p.bad, p.missingArgument, p.seq], ['-u', true, [{ key: 'home', value: '' }, { key: '', value: '-u' }]]);
    assert.deepEqual([getopt(['-mu'], spec).bad, getopt(['-m', '--ui'], spec).bad], ['-u', '--uid']);
    // `--uid=` gives an empty value; a value is taken even when it looks like an option.
    assert.deepEqual([...getopt(['--uid=', 'x'], spec).opts], [['uid', ['']]]);
    assert.deepEqual([...getopt(['-u', '-g'], spec).opts], [['uid', ['-g']]]);
  });
});

// Measured with shadow 4.13 on debian:bookworm: glibc getopt's words, then the usage, exit 2;
// shadow's own check of -R/-P first (exit 3); Getopt::Long's words for Debian's adduser.
describe('a value missing at the end of the line', () => {
  const cases: [string, number, string[]][] = [
    ['useradd -m -u', 2, ["useradd: option requires an argument -- 'u'", 'Usage: useradd [options] LOGIN', '       useradd -D', '       useradd -D [options]']],
    ['useradd -m --uid', 2, ["useradd: option '--uid' requires an argument", 'Usage: useradd [options] LOGIN', '       useradd -D', '       useradd -D [options]']],
    ['useradd -m --ui', 2, ["useradd: option '--uid' requires an argument", 'Usage: useradd [options] LOGIN', '       useradd -D', '       useradd -D [options]']],
    ['useradd -m -u 1000 x -s', 2, ["useradd: option requires an argument -- 's'", 'Usage: useradd [options] LOGIN', '       useradd -D', '       useradd -D [options]']],
    ['useradd -u abc -m -g', 3, ["useradd: invalid user ID 'abc'"]],
    ['useradd -g nosuch -m -u', 6, ["useradd: group 'nosuch' does not exist"]],
    ['useradd -m -u --bogus', 3, ["useradd: invalid user ID '--bogus'"]],
    ['useradd -u abc -R', 3, ["useradd: option '-R' requires an argument"]],
    ['groupadd x -g', 2, ["groupadd: option requires an argument -- 'g'", 'Usage: groupadd [options] GROUP']],
    ['groupadd --gid', 2, ["groupadd: option '--gid' requires an argument", 'Usage: groupadd [options] GROUP']],
    ['usermod root -g', 2, ["usermod: option requires an argument -- 'g'", 'Usage: usermod [options] LOGIN']],
    ['groupmod root -n', 2, ["groupmod: option requires an argument -- 'n'", 'Usage: groupmod [options] GROUP']],
    ['groupmod -g', 2, ["groupmod: option requires an argument -- 'g'", 'Usage: groupmod [options] GROUP']],
    ['gpasswd -a', 2, ["gpasswd: option requires an argument -- 'a'", 'Usage: gpasswd [option] GROUP']],
    ['passwd -x', 6, ["passwd: option requires an argument -- 'x'", 'Usage: passwd [options] [LOGIN]']],
    ['userdel -P', 3, ["userdel: option '-P' requires an argument"]],
    ['groupdel -f -R', 3, ["groupdel: option '-R' requires an argument"]],
    ['adduser x --uid', 1, ['Option uid requires an argument']],
  ];
  for (const [line, status, stderr] of cases) {
    test(line, () => {
      const r = run(handlers, makeCtx(makeState()), line);
      assert.deepEqual([r.status, r.stderr], [status, stderr]);
    });
  }
});

describe('useradd (shadow)', () => {
  const cases: {
    name: string;
    state: () => ReturnType<typeof makeState>;
    line: string;
    status: number;
    stderr?: string[];
    user?: { name: string; uid: number; gid: number; home: string; shell: string };
    group?: { name: string; gid: number };
    home?: { path: string; mode: number; uid: number; gid: number } | { path: string; absent: true };
  }[] = [
    {
      name: 'useradd -m -u 1000 on bookworm: group alice 1000, home 0755 from UMASK 022',
      state: () => makeState(),
      line: 'useradd -m -u 1000 alice',
      status: 0,
      user: { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/sh' },
      group: { name: 'alice', gid: 1000 },
      home: { path: '/home/alice', mode: 0o755, uid: 1000, gid: 1000 },
    },
    {
      name: 'plain useradd on Debian creates no home (CREATE_HOME unset)',
      state: () => makeState(),
      line: 'useradd bob',
      status: 0,
      user: { name: 'bob', uid: 1000, gid: 1000, home: '/home/bob', shell: '/bin/sh' },
      home: { path: '/home/bob', absent: true },
    },
    {
      name: 'uid 1000 taken by ubuntu on 24.04 without -o',
      state: noble,
      line: 'useradd -m -u 1000 alice',
      status: 4,
      stderr: ['useradd: UID 1000 is not unique'],
    },
    {
      name: 'next uid after ubuntu is 1001, home 0750 from HOME_MODE',
      state: noble,
      line: 'useradd -m -s /bin/bash alice',
      status: 0,
      user: { name: 'alice', uid: 1001, gid: 1001, home: '/home/alice', shell: '/bin/bash' },
      home: { path: '/home/alice', mode: 0o750, uid: 1001, gid: 1001 },
    },
    {
      name: '-o -u 1000 shares the uid; the user group takes the next free gid',
      state: noble,
      line: 'useradd -o -u 1000 alice',
      status: 0,
      user: { name: 'alice', uid: 1000, gid: 1001, home: '/home/alice', shell: '/bin/sh' },
    },
    {
      name: 'system account counts down from SYS_UID_MAX, no home',
      state: () => makeState(),
      line: 'useradd -r svc',
      status: 0,
      user: { name: 'svc', uid: 999, gid: 999, home: '/home/svc', shell: '/bin/sh' },
      home: { path: '/home/svc', absent: true },
    },
    {
      name: 'existing user name',
      state: noble,
      line: 'useradd ubuntu',
      status: 9,
      stderr: ["useradd: user 'ubuntu' already exists"],
    },
    {
      name: 'group of the same name exists and no -g',
      state: () => makeState(),
      line: 'useradd staff',
      status: 9,
      stderr: ['useradd: group staff exists - if you want to add this user to that group, use -g.'],
    },
    {
      name: 'unknown -g group',
      state: () => makeState(),
      line: 'useradd -g devs alice',
      status: 6,
      stderr: ["useradd: group 'devs' does not exist"],
    },
    {
      name: '-g users -G sudo: primary 100, member of sudo, no user group',
      state: () => makeState(),
      line: 'useradd -g users -G sudo alice',
      status: 0,
      user: { name: 'alice', uid: 1000, gid: 100, home: '/home/alice', shell: '/bin/sh' },
    },
    {
      name: '-K UID_MIN=2000 -d /data/alice -m: the user group prefers gid = uid',
      state: () => makeState(),
      line: 'useradd -K UID_MIN=2000 -d /data/alice -m alice',
      status: 0,
      user: { name: 'alice', uid: 2000, gid: 2000, home: '/data/alice', shell: '/bin/sh' },
      home: { path: '/data/alice', mode: 0o755, uid: 2000, gid: 2000 },
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const state = c.state();
      const r = run(handlers, makeCtx(state), c.line);
      assert.equal(r.status, c.status);
      if (c.stderr) assert.deepEqual(r.stderr, c.stderr);
      if (c.user) assert.deepEqual(userByName(state.accounts, c.user.name), { gecos: '', ...c.user });
      if (c.group) assert.deepEqual(groupByName(state.accounts, c.group.name), { ...c.group, members: [] });
      if (c.home && 'absent' in c.home) assert.equal(state.fs.has(c.home.path), false);
      else if (c.home) {
        const m = state.fs.get(c.home.path)!;
        assert.deepEqual([m.kind, m.mode, m.uid, m.gid], ['dir', c.home.mode, c.home.uid, c.home.gid]);
      }
    });
  }

  test('skeleton files are copied and owned by the new user', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'useradd -m alice');
    const bashrc = state.fs.get('/home/alice/.bashrc')!;
    assert.deepEqual([bashrc.uid, bashrc.gid, bashrc.mode], [1000, 1000, 0o644]);
    assert.equal(state.fs.has('/home/alice/.profile'), true);
  });

  test('-G adds the user to the group members', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'useradd -G sudo,adm alice');
    assert.deepEqual(groupByName(state.accounts, 'sudo')!.members, ['alice']);
    assert.deepEqual(groupByName(state.accounts, 'adm')!.members, ['alice']);
  });

  test('non-root caller cannot lock the files', () => {
    const state = makeState();
    const r = run(handlers, makeCtx(state, userIdent(1000, 1000, '/home/me')), 'useradd alice');
    assert.equal(r.status, 1);
    assert.deepEqual(r.stderr, ['useradd: Permission denied.', 'useradd: cannot lock /etc/passwd; try again later.']);
    assert.equal(userByName(state.accounts, 'alice'), undefined);
  });
});

describe('Debian adduser and addgroup', () => {
  test('adduser --disabled-password on Debian 12: home 0700 from DIR_MODE, shell bash', () => {
    const state = makeState({ adduserDirMode: 0o700 });
    const r = run(handlers, makeCtx(state), 'adduser --disabled-password --gecos x alice');
    assert.equal(r.status, 0);
    assert.deepEqual(userByName(state.accounts, 'alice'), {
      name: 'alice', uid: 1000, gid: 1000, gecos: 'x', home: '/home/alice', shell: '/bin/bash',
    });
    const home = state.fs.get('/home/alice')!;
    assert.deepEqual([home.mode, home.uid, home.gid], [0o700, 1000, 1000]);
    assert.equal(state.accounts.passwords.alice, 'none');
  });

  test('adduser takes the LOWEST free uid (a gap below others is reused)', () => {
    const state = makeState({
      passwd: `${DEBIAN_PASSWD}\nold:x:1005:1005::/home/old:/bin/bash`,
      group: `${DEBIAN_GROUP}\nold:x:1005:`,
    });
    run(handlers, makeCtx(state), 'adduser --disabled-password alice');
    assert.equal(userByName(state.accounts, 'alice')!.uid, 1000);
  });

  test('adduser USER GROUP adds a membership', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'adduser --disabled-password alice');
    const r = run(handlers, makeCtx(state), 'adduser alice sudo');
    assert.equal(r.status, 0);
    assert.deepEqual(groupByName(state.accounts, 'sudo')!.members, ['alice']);
  });

  test('adduser --system: uid from 100, nogroup, /nonexistent, no home', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'adduser --system svc');
    assert.deepEqual(userByName(state.accounts, 'svc'), {
      name: 'svc', uid: 100, gid: 65534, gecos: '', home: '/nonexistent', shell: '/usr/sbin/nologin',
    });
    assert.equal(state.fs.has('/nonexistent'), false);
  });

  test('addgroup --gid 2000 data', () => {
    const state = makeState();
    assert.equal(run(handlers, makeCtx(state), 'addgroup --gid 2000 data').status, 0);
    assert.deepEqual(groupByName(state.accounts, 'data'), { name: 'data', gid: 2000, members: [] });
  });

  test('adduser as non-root', () => {
    const r = run(handlers, makeCtx(makeState(), userIdent(1000, 1000, '/home/me')), 'adduser alice');
    assert.deepEqual([r.status, r.stderr], [1, ['adduser: Only root may add a user or group to the system.']]);
  });

  // adduser 3.134's checkname() (measured: accounts/adduser-uppercase-name, -dotted-name,
  // -system-uppercase, addgroup-uppercase).
  const regexWords = (prog: string, v: string) => [
    `${prog}: Please enter a username matching the regular expression`,
    `            configured via the ${v} configuration variable.  Use the`,
    "            `--allow-bad-names' option to relax this check or reconfigure",
    `            ${v} in configuration.`,
  ];
  const nameCases: [string, number, string[] | undefined][] = [
    ["adduser --disabled-password --gecos '' John", 1, regexWords('adduser', 'NAME_REGEX')],
    ["adduser --disabled-password --gecos '' jane.doe", 1, regexWords('adduser', 'NAME_REGEX')],
    ['adduser --system Svc', 1, regexWords('adduser', 'SYS_NAME_REGEX')],
    ['addgroup Team', 1, regexWords('addgroup', 'NAME_REGEX')],
    ['addgroup --system Team', 1, regexWords('addgroup', 'SYS_NAME_REGEX')],
    ['adduser --disabled-password --allow-bad-names John', 0, undefined],
    ['adduser --disabled-password --force-badname jane.doe', 0, undefined],
    // SYS_NAME_REGEX takes a leading underscore; NAME_REGEX does not.
    ['adduser --system _svc', 0, undefined],
    ['adduser --disabled-password _svc', 1, regexWords('adduser', 'NAME_REGEX')],
    // A trailing $ (Samba machine accounts) is in both patterns.
    ['adduser --disabled-password host$', 0, undefined],
    // Outside IEEE Std 1003.1: --allow-bad-names is not enough, --allow-all-names is.
    ['adduser --disabled-password --allow-bad-names caf\u00e9', 1, undefined],
    ['adduser --disabled-password --allow-all-names caf\u00e9', 0, undefined],
    // Checks no option turns off.
    ['adduser --disabled-password --allow-all-names 1234', 1, ['adduser: To avoid ambiguity with numerical UIDs, usernames which', '            consist of only digits are not allowed.']],
    [`adduser --disabled-password --allow-all-names ${'a'.repeat(33)}`, 1, undefined],
    ['adduser --disabled-password --allow-all-names -- -x', 1, undefined],
    // Two names add a user to a group: no name is checked.
    ['adduser root Staff', 1, ["adduser: The group `Staff' does not exist."]],
  ];
  for (const [line, status, stderr] of nameCases) {
    test(`adduser name check: ${line}`, () => {
      const r = run(handlers, makeCtx(makeState()), line);
      assert.equal(r.status, status);
      if (stderr) assert.deepEqual(r.stderr, stderr);
    });
  }

  test("adduser.conf's own NAME_REGEX is the one held to", () => {
    const state = makeState();
    state.accounts.loginDefs.adduserNameRegex = '^[A-Za-z][-A-Za-z0-9_.]*$';
    assert.equal(run(handlers, makeCtx(state), 'adduser --disabled-password John.Doe').status, 0);
  });
});

describe('BusyBox adduser and addgroup (Alpine)', () => {
  const alpine = () => makeState({ distro: 'alpine', base: 'alpine:3.20', passwd: ALPINE_PASSWD, group: ALPINE_GROUP });

  test('adduser -D: uid 1000, own group 1000, home 02755, shell from root', () => {
    const state = alpine();
    const r = run(handlers, makeCtx(state), 'adduser -D alice');
    assert.equal(r.status, 0);
    assert.deepEqual(userByName(state.accounts, 'alice'), {
      name: 'alice', uid: 1000, gid: 1000, gecos: 'Linux User,,,', home: '/home/alice', shell: '/bin/sh',
    });
    const home = state.fs.get('/home/alice')!;
    assert.deepEqual([home.mode, home.uid, home.gid], [0o2755, 1000, 1000]);
  });

  test('addgroup -g 2000 grp then adduser -D -G grp -u 1500: no own group', () => {
    const state = alpine();
    run(handlers, makeCtx(state), 'addgroup -g 2000 grp');
    run(handlers, makeCtx(state), 'adduser -D -G grp -u 1500 -h /app -s /bin/ash app');
    assert.deepEqual(userByName(state.accounts, 'app'), {
      name: 'app', uid: 1500, gid: 2000, gecos: 'Linux User,,,', home: '/app', shell: '/bin/ash',
    });
    assert.equal(groupByName(state.accounts, 'app'), undefined);
    // adduser ends with `addgroup -- app grp`, so app is also listed in its primary group.
    assert.deepEqual(groupByName(state.accounts, 'grp')?.members, ['app']);
  });

  test('adduser -S: system uid from 100, group nogroup, shell /bin/false', () => {
    const state = alpine();
    run(handlers, makeCtx(state), 'adduser -S -H svc');
    assert.deepEqual(userByName(state.accounts, 'svc'), {
      name: 'svc', uid: 100, gid: 65533, gecos: 'Linux User,,,', home: '/home/svc', shell: '/bin/false',
    });
    assert.deepEqual(groupByName(state.accounts, 'nogroup')?.members, ['svc']);
  });

  test('uid in use and non-root', () => {
    const state = alpine();
    assert.deepEqual(run(handlers, makeCtx(state), 'adduser -D -u 405 x').stderr, ["adduser: uid '405' in use"]);
    const r = run(handlers, makeCtx(state, userIdent(1000, 1000, '/')), 'addgroup g');
    assert.deepEqual([r.status, r.stderr], [1, ['addgroup: permission denied (are you root?)']]);
  });
});

describe('usermod, userdel, groupadd, gpasswd, passwords', () => {
  test('usermod -aG sudo alice keeps other groups', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'useradd -G adm alice');
    assert.equal(run(handlers, makeCtx(state), 'usermod -aG sudo alice').status, 0);
    assert.deepEqual(groupByName(state.accounts, 'sudo')!.members, ['alice']);
    assert.deepEqual(groupByName(state.accounts, 'adm')!.members, ['alice']);
  });

  test('usermod -G sudo alice replaces the supplementary groups', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'useradd -G adm alice');
    run(handlers, makeCtx(state), 'usermod -G sudo alice');
    assert.deepEqual(groupByName(state.accounts, 'adm')!.members, []);
  });

  test('usermod -u re-owns the home files the old uid owned', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'useradd -m alice');
    state.fs.set('/home/alice/root-file', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    assert.equal(run(handlers, makeCtx(state), 'usermod -u 2000 alice').status, 0);
    assert.equal(state.fs.get('/home/alice')!.uid, 2000);
    assert.equal(state.fs.get('/home/alice/.bashrc')!.uid, 2000);
    assert.equal(state.fs.get('/home/alice/root-file')!.uid, 0);
  });

  const errors: [string, string, number, string[]][] = [
    ['usermod of a missing user', 'usermod -aG sudo ghost', 6, ["usermod: user 'ghost' does not exist"]],
    ['usermod -u to a taken uid', 'usermod -u 0 nobody', 4, ["usermod: UID '0' already exists"]],
    ['usermod -a without -G', 'usermod -a nobody', 2, ['usermod: -a flag is only allowed with the -G flag']],
    ['userdel of a missing user', 'userdel ghost', 6, ["userdel: user 'ghost' does not exist"]],
    ['groupadd of an existing group', 'groupadd staff', 9, ["groupadd: group 'staff' already exists"]],
    ['groupadd -g with a taken gid', 'groupadd -g 27 admins', 4, ["groupadd: GID '27' already exists"]],
    ['gpasswd -d of a non-member', 'gpasswd -d nobody sudo', 3, ["gpasswd: user 'nobody' is not a member of 'sudo'"]],
    ['groupdel of a primary group', 'groupdel nogroup', 8, ["groupdel: cannot remove the primary group of user 'sync'"]],
  ];
  for (const [name, line, status, stderr] of errors) {
    test(name, () => {
      const r = run(handlers, makeCtx(makeState()), line);
      assert.deepEqual([r.status, r.stderr], [status, stderr]);
    });
  }

  // shadow's user_busy: usermod -u/-l/-d and userdel (without -f) refuse an account a process
  // runs as, and the tool itself runs as root (busy-accounts/* in the oracle, exit 8).
  const busy = 'is currently used by process N (usermod itself, which runs as uid 0)';
  const inUse: [string, number, string[]][] = [
    ['usermod -u 1001 root', 8, [`usermod: user root ${busy}`]],
    ['usermod -l admin root', 8, [`usermod: user root ${busy}`]],
    ['usermod -d /srv/root root', 8, [`usermod: user root ${busy}`]],
    ['userdel root', 8, ['userdel: user root is currently used by process N (userdel itself, which runs as uid 0)']],
    ['userdel -r root', 8, ['userdel: user root is currently used by process N (userdel itself, which runs as uid 0)']],
    // Nothing changes, so nothing is checked; -s and -aG are never checked.
    ['usermod -u 0 root', 0, []],
    ['usermod -d /root root', 0, []],
    ['usermod -s /bin/sh root', 0, []],
    ['usermod -aG staff root', 0, []],
    // The uid is checked before the busy account (process_flags first).
    ['usermod -u 65534 root', 4, ["usermod: UID '65534' already exists"]],
    // -d is compared as written: /root/ is not root's /root (measured: exit 8).
    ['usermod -d /root/ root', 8, [`usermod: user root ${busy}`]],
    ['usermod -m -d /root/ root', 8, [`usermod: user root ${busy}`]],
  ];
  for (const [line, status, stderr] of inUse) {
    test(`a running account: ${line}`, () => {
      const r = run(handlers, makeCtx(makeState()), line);
      assert.deepEqual([r.status, r.stderr ?? []], [status, stderr]);
    });
  }

  // process_flags() drops every option that keeps the account's value; with none left usermod
  // prints "no changes" on stdout and exits 0 before the busy check and the lock (measured:
  // busy-accounts/usermod-no-changes-*). -G is always kept.
  const same: [string, number, string | undefined, string[]][] = [
    ['usermod -u 0 root', 0, 'usermod: no changes\n', []],
    ['usermod -g root root', 0, 'usermod: no changes\n', []],
    ['usermod -s /bin/bash root', 0, 'usermod: no changes\n', []],
    ['usermod -l root -u 0 -o -g 0 -c root -d /root -m -s /bin/bash root', 0, 'usermod: no changes\n', []],
    ['usermod -aG root root', 0, undefined, []],
  ];
  for (const [line, status, stdout, stderr] of same) {
    test(`nothing to change, as root: ${line}`, () => {
      const r = run(handlers, makeCtx(makeState()), line);
      assert.deepEqual([r.status, r.stdout, r.stderr ?? []], [status, stdout, stderr]);
    });
  }

  const asApp: [string, number, string | undefined, string[]][] = [
    ['usermod -s /bin/bash app', 0, 'usermod: no changes\n', []],
    ['usermod -u 1000 -g app -d /home/app app', 0, 'usermod: no changes\n', []],
    ['usermod -s /bin/sh app', 1, undefined, ['usermod: Permission denied.', 'usermod: cannot lock /etc/passwd; try again later.']],
    ['usermod -aG app app', 1, undefined, ['usermod: Permission denied.', 'usermod: cannot lock /etc/passwd; try again later.']],
    ['usermod -u 2000 app', 8, undefined, ['usermod: user app is currently used by process N (usermod itself, which runs as uid 1000)']],
  ];
  for (const [line, status, stdout, stderr] of asApp) {
    test(`nothing to change, as the user itself: ${line}`, () => {
      const state = makeState();
      assert.equal(run(handlers, makeCtx(state), 'useradd -m -u 1000 -s /bin/bash app').status, 0);
      const r = run(handlers, makeCtx(state, userIdent(1000, 1000, '/home/app', 'app')), line);
      assert.deepEqual([r.status, r.stdout, r.stderr ?? []], [status, stdout, stderr]);
    });
  }

  test('userdel -f root skips the check and removes root; another user with no process is renumbered', () => {
    const state = makeState();
    assert.equal(run(handlers, makeCtx(state), 'useradd -m -u 1000 app').status, 0);
    assert.equal(run(handlers, makeCtx(state), 'usermod -u 1001 app').status, 0);
    assert.equal(userByName(state.accounts, 'app')!.uid, 1001);
    assert.equal(run(handlers, makeCtx(state), 'userdel -f root').status, 0);
    assert.equal(userByName(state.accounts, 'root'), undefined);
  });

  test('groupadd -f on an existing group succeeds silently; groupadd picks the next gid', () => {
    const state = makeState();
    assert.equal(run(handlers, makeCtx(state), 'groupadd -f staff').status, 0);
    run(handlers, makeCtx(state), 'groupadd data');
    assert.equal(groupByName(state.accounts, 'data')!.gid, 1000);
    run(handlers, makeCtx(state), 'groupadd -r sys2');
    assert.equal(groupByName(state.accounts, 'sys2')!.gid, 999);
  });

  // shadow 4.13's find_new_uid/find_new_gid (measured: accounts/system-uid-below-lowest,
  // accounts/groupadd-system-below-lowest): system ids go one below the lowest system id in use.
  test('useradd -r after a system uid 990 takes 989 (below the lowest), not 999', () => {
    const state = makeState();
    assert.equal(run(handlers, makeCtx(state), 'useradd -r -u 990 sysa').status, 0);
    assert.equal(run(handlers, makeCtx(state), 'useradd -r sysb').status, 0);
    const b = userByName(state.accounts, 'sysb')!;
    assert.deepEqual([b.uid, b.gid], [989, 989]);
    assert.equal(groupByName(state.accounts, 'sysa')!.gid, 990);
  });

  test('groupadd -r after a system gid 990 takes 989; a system user group prefers the uid even below SYS_GID_MIN', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'groupadd -r -g 990 g1');
    run(handlers, makeCtx(state), 'groupadd -r g2');
    assert.equal(groupByName(state.accounts, 'g2')!.gid, 989);
    // get_ranges(): a preferred id of a system account may lie below the autoselect range.
    run(handlers, makeCtx(state), 'useradd -r -u 70 low');
    assert.equal(userByName(state.accounts, 'low')!.gid, 70);
    // A normal user group does not take a uid below GID_MIN: the next normal gid instead.
    run(handlers, makeCtx(state), 'useradd -u 500 five');
    assert.equal(userByName(state.accounts, 'five')!.gid, 1000);
  });

  test('userdel -r removes the home; the missing mail spool is only a warning', () => {
    const state = noble();
    state.fs.set('/home/ubuntu', { kind: 'dir', uid: 1000, gid: 1000, mode: 0o750 });
    const r = run(handlers, makeCtx(state), 'userdel -r ubuntu');
    assert.deepEqual([r.status, r.stderr], [0, ['userdel: ubuntu mail spool (/var/mail/ubuntu) not found']]);
    assert.equal(state.fs.has('/home/ubuntu'), false);
    assert.equal(groupByName(state.accounts, 'ubuntu'), undefined);
    assert.equal(run(handlers, makeCtx(state), 'useradd -m -u 1000 alice').status, 0);
  });

  test('gpasswd -a prints what it does', () => {
    const state = makeState();
    const r = run(handlers, makeCtx(state), 'gpasswd -a nobody sudo');
    assert.deepEqual([r.status, r.stdout], [0, 'Adding user nobody to group sudo\n']);
  });

  test('chpasswd from stdin, passwd -d and -l', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'useradd alice');
    run(handlers, makeCtx(state), 'useradd bob');
    const r = run(handlers, makeCtx(state, undefined, { stdin: 'alice:secret\nghost:x\n' }), 'chpasswd');
    assert.deepEqual([r.status, r.stderr], [1, ["chpasswd: line 2: user 'ghost' does not exist"]]);
    assert.equal(state.accounts.passwords.alice, 'set');
    run(handlers, makeCtx(state), 'passwd -d bob');
    assert.equal(state.accounts.passwords.bob, 'empty');
    run(handlers, makeCtx(state), 'passwd -l alice');
    assert.equal(state.accounts.passwords.alice, 'locked');
  });
});

// shadow groupmod (src/groupmod.c), measured in the oracle's more-accounts/groupmod-* scenarios.
describe('groupmod (shadow)', () => {
  test('-g renumbers the group and the users whose primary group it was; files keep their gid', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'useradd -m -u 1000 dev');
    run(handlers, makeCtx(state), 'useradd -M -g dev -u 1100 guest');
    assert.equal(run(handlers, makeCtx(state), 'groupmod --gid 1001 dev').status, 0);
    assert.equal(groupByName(state.accounts, 'dev')!.gid, 1001);
    assert.deepEqual([userByName(state.accounts, 'dev')!.gid, userByName(state.accounts, 'guest')!.gid], [1001, 1001]);
    assert.equal(state.fs.get('/home/dev')!.gid, 1000);
    // The devcontainer sequence then goes on with usermod --gid, which now finds the group.
    assert.equal(run(handlers, makeCtx(state), 'usermod --uid 1001 --gid 1001 dev').status, 0);
    // usermod re-groups only files of the user's primary gid before it ran (1001 already), so
    // the home keeps gid 1000: hence the chown -R that devcontainer Dockerfiles add.
    assert.deepEqual([userByName(state.accounts, 'dev')!.uid, state.fs.get('/home/dev')!.uid, state.fs.get('/home/dev')!.gid], [1001, 1001, 1000]);
  });

  test('-n renames, -o allows a taken gid, -U sets the members and -a adds to them', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'useradd -M alice');
    run(handlers, makeCtx(state), 'groupadd -g 2000 lab');
    assert.equal(run(handlers, makeCtx(state), 'groupmod -n research -g 3000 lab').status, 0);
    assert.deepEqual([groupByName(state.accounts, 'lab'), groupByName(state.accounts, 'research')!.gid], [undefined, 3000]);
    assert.equal(run(handlers, makeCtx(state), 'groupmod -o -g 27 research').status, 0);
    assert.equal(groupByName(state.accounts, 'research')!.gid, 27);
    run(handlers, makeCtx(state), 'groupmod -U alice research');
    run(handlers, makeCtx(state), 'groupmod -a -U nobody research');
    assert.deepEqual(groupByName(state.accounts, 'research')!.members, ['alice', 'nobody']);
  });

  const errors: [string, string, number, string[]][] = [
    ['a missing group', 'groupmod -g 5 nosuch', 6, ["groupmod: group 'nosuch' does not exist"]],
    ['a taken gid', 'groupmod -g 0 staff', 4, ["groupmod: GID '0' already exists"]],
    ['a taken name', 'groupmod -n sudo staff', 9, ["groupmod: group 'sudo' already exists"]],
    ['an invalid name', 'groupmod -n Bad:Name staff', 3, ["groupmod: invalid group name 'Bad:Name'"]],
    ['gid (gid_t)-1', 'groupmod -g 4294967295 staff', 3, ["groupmod: invalid group ID '4294967295'"]],
    ['a gid past 32 bits', 'groupmod -g 99999999999 staff', 3, ["groupmod: invalid group ID '99999999999'"]],
    ['-o without -g', 'groupmod -o staff', 2, ['Usage: groupmod [options] GROUP']],
    ['an unknown member', 'groupmod -U ghost staff', 10, ['Invalid member username ghost']],
    ['useradd -u past 32 bits', 'useradd -u 99999999999 x', 3, ["useradd: invalid user ID '99999999999'"]],
    ['useradd -u (uid_t)-1', 'useradd -u 4294967295 x', 3, ["useradd: invalid user ID '4294967295'"]],
    ['usermod -u (uid_t)-1', 'usermod -u 4294967295 nobody', 3, ["usermod: invalid user ID '4294967295'"]],
    ['groupadd -g (gid_t)-1', 'groupadd -g 4294967295 g', 3, ["groupadd: invalid group ID '4294967295'"]],
  ];
  for (const [name, line, status, stderr] of errors) {
    test(name, () => {
      const r = run(handlers, makeCtx(makeState()), line);
      assert.deepEqual([r.status, r.stderr], [status, stderr]);
    });
  }

  test('the largest uid shadow takes is 4294967294', () => {
    const state = makeState();
    assert.equal(run(handlers, makeCtx(state), 'useradd -u 4294967294 big').status, 0);
    assert.equal(userByName(state.accounts, 'big')!.uid, 4294967294);
  });

  test('as a non-root user it cannot lock /etc/group', () => {
    const r = run(handlers, makeCtx(makeState(), userIdent(1000, 1000, '/home/u')), 'groupmod -g 5000 staff');
    assert.deepEqual([r.status, r.stderr], [10, ['groupmod: Permission denied.', 'groupmod: cannot lock /etc/group; try again later.']]);
  });
});
