// A sudoers rule that names commands lets the user run those only (sudoers(5): the last rule
// matching the user, the runas user AND the command decides). Outcomes as sudo 1.9.13 gave
// them in the oracle (failures/sudo-one-command*).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { commandMatches, CONTAINER_HOST, refreshDerived, RUNAS_ROOT, runasMatches, sudoAllows, sudoHostMatches, type SudoRunas } from '../../src/shell/commands/config.js';
import { runScript } from '../../src/shell/interpret.js';
import { as, image, run } from './run-fixture.js';

const cmd = (path: string | undefined, name: string, ...args: string[]) => ({ path, name, args });

/** Debian's /etc/sudoers without its %sudo line, so that only the rule under test names alice. */
const ROOT_ONLY = 'root\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n';

/** The fixture image with alice's rule in /etc/sudoers.d/alice and these programs in /usr/bin. */
function withRule(rule: string, programs: string[], sudoers?: string) {
  const s = image();
  if (sudoers !== undefined) s.texts['/etc/sudoers'] = { content: sudoers };
  s.fs.set('/etc/sudoers.d/alice', { kind: 'file', uid: 0, gid: 0, mode: 0o440 });
  s.texts['/etc/sudoers.d/alice'] = { content: rule };
  for (const p of programs) s.fs.set(`/usr/bin/${p}`, { kind: 'file', uid: 0, gid: 0, mode: 0o755 });
  refreshDerived(s);
  return s;
}

describe('commandMatches', () => {
  const cases: [string, ReturnType<typeof cmd>, boolean][] = [
    ['ALL', cmd('/usr/bin/touch', 'touch', '/x'), true],
    ['/usr/bin/apt-get', cmd('/usr/bin/apt-get', 'apt-get', 'install', 'vim'), true],
    ['/usr/bin/apt-get', cmd('/usr/bin/touch', 'touch'), false],
    ['/usr/bin/apt-get, /usr/bin/touch', cmd('/usr/bin/touch', 'touch', '/x'), true],
    ['/usr/bin/mkdir /opt/a', cmd('/usr/bin/mkdir', 'mkdir', '/opt/a'), true],
    ['/usr/bin/mkdir /opt/a', cmd('/usr/bin/mkdir', 'mkdir', '/opt/b'), false],
    ['/usr/bin/id ""', cmd('/usr/bin/id', 'id'), true],
    ['/usr/bin/id ""', cmd('/usr/bin/id', 'id', '-u'), false],
    ['/usr/bin/systemctl restart *', cmd('/usr/bin/systemctl', 'systemctl', 'restart', 'ssh'), true],
    ['/usr/sbin/', cmd('/usr/sbin/useradd', 'useradd', 'x'), true],
    ['/usr/sbin/', cmd('/usr/bin/touch', 'touch'), false],
    ['/usr/bin/apt*', cmd('/usr/bin/apt-get', 'apt-get'), true],
    // A name the tree does not list is matched by the rule's base name.
    ['/usr/bin/apt-get', cmd(undefined, 'apt-get', 'update'), true],
    // The last entry that matches decides (measured: "Sorry, user u7 is not allowed to execute
    // '/usr/bin/su -c id'").
    ['ALL, !/usr/bin/su', cmd('/usr/bin/su', 'su', '-c', 'id'), false],
    ['ALL, !/usr/bin/su', cmd('/usr/bin/id', 'id'), true],
    ['/usr/bin/mkdir, !/usr/bin/mkdir /etc/*', cmd('/usr/bin/mkdir', 'mkdir', '/etc/u16'), false],
    ['/usr/bin/mkdir, !/usr/bin/mkdir /etc/*', cmd('/usr/bin/mkdir', 'mkdir', '/opt/u16'), true],
  ];
  for (const [list, c, want] of cases) {
    test(`${list} vs ${[c.path ?? c.name, ...c.args].join(' ')}`, () => assert.equal(commandMatches(list, c), want));
  }

  test('paths are compared as files: /bin/mkdir is /usr/bin/mkdir on a merged-/usr image', () => {
    const merged = (p: string) => p.replace(/^\/(bin|sbin)\//, '/usr/$1/');
    assert.equal(commandMatches('/bin/mkdir', cmd('/usr/bin/mkdir', 'mkdir', '/opt/x'), merged), true);
    assert.equal(commandMatches('/usr/bin/apt-get', cmd('/bin/apt-get', 'apt-get'), merged), true);
    assert.equal(commandMatches('/usr/sbin/', cmd('/sbin/useradd', 'useradd', 'z'), merged), true);
  });
});

describe('sudo with a rule for some commands', () => {
  const state = () => withRule('alice ALL=(root) NOPASSWD: /usr/bin/apt-get\n', ['apt-get', 'touch']);

  test('the identity says which commands', () => {
    const v = sudoAllows(state(), { name: 'alice', uid: 1000, groups: [1000, 27] });
    assert.deepEqual([v.usable, v.nopasswd, v.only], [true, true, '/usr/bin/apt-get']);
  });

  test('the named command runs as root; another asks for a password', () => {
    const s = state();
    assert.equal(run(s, 'sudo -n apt-get --version', 'alice').status, 0);
    const out = run(s, 'sudo -n touch /opt/root-file', 'alice');
    assert.deepEqual([out.status, out.stderr, s.fs.has('/opt/root-file')], [1, ['sudo: a password is required'], false]);
  });

  test('a rule for every command has no "only"', () => {
    const s = state();
    s.texts['/etc/sudoers.d/alice'] = { content: 'alice ALL=(ALL) NOPASSWD: ALL\n' };
    refreshDerived(s);
    assert.equal(sudoAllows(s, { name: 'alice', uid: 1000, groups: [1000] }).only, undefined);
    assert.equal(run(s, 'sudo -n touch /opt/root-file', 'alice').status, 0);
  });
});

describe('sudo -u another user', () => {
  const state = (rule: string) => withRule(rule, ['id']);
  // Measured: `sudo -n -u nobody id` with a (nobody) rule succeeds; without a rule naming nobody
  // sudo asks for a password.
  test('a (bob) rule lets alice run commands as bob, not as root', () => {
    const s = state('alice ALL=(bob) NOPASSWD: ALL\n');
    assert.equal(run(s, 'sudo -n -u bob id', 'alice').status, 0);
    assert.equal(run(s, 'sudo -n id', 'alice').status, 1);
  });
  test('a rule without a runas list is for root only; (ALL, !bob) leaves bob out', () => {
    assert.equal(run(state('alice ALL= NOPASSWD: ALL\n'), 'sudo -n -u bob id', 'alice').status, 1);
    assert.equal(run(state('alice ALL=(ALL, !bob) NOPASSWD: ALL\n'), 'sudo -n -u bob id', 'alice').status, 1);
    assert.equal(run(state('alice ALL=(ALL) NOPASSWD: ALL\n'), 'sudo -n -u bob id', 'alice').status, 0);
  });
});

// Runas groups and sudo's refusals, as sudo 1.9.13 gave them in the oracle (sudo/*).
describe('runas lists with groups', () => {
  const state = (rule: string) => {
    const s = withRule(rule, ['id', 'touch'], ROOT_ONLY);
    s.accounts.passwd.push({ name: 'carol', uid: 1003, gid: 1003, gecos: '', home: '/home/carol', shell: '/bin/bash' });
    s.accounts.passwd.push({ name: 'dave', uid: 1002, gid: 50, gecos: '', home: '/home/dave', shell: '/bin/bash' });
    s.accounts.group.push({ name: 'carol', gid: 1003, members: [] });
    refreshDerived(s);
    return s;
  };
  const alice = { name: 'alice', uid: 1000, groups: [1000, 27] };
  const target = (name: string, uid: number, gid: number) => ({ name, uid, gid });

  test('the runas lists as parsed: users, groups, "(:staff)" has no user list, "()" names the invoking user', () => {
    const rule = (spec: string) => {
      const r = state(`alice ALL=${spec} NOPASSWD: ALL\n`).sudoers.at(-1)!;
      return [r.runasUsers, r.runasGroups, r.runasNotRoot];
    };
    assert.deepEqual(rule('(%staff)'), [['%staff'], undefined, '%staff']);
    assert.deepEqual(rule('(ALL:ALL)'), [['ALL'], ['ALL'], undefined]);
    assert.deepEqual(rule('(bob:staff, !root)'), [['bob'], ['staff', '!root'], 'bob:staff, !root']);
    assert.deepEqual(rule('(:staff)'), [undefined, ['staff'], ':staff']);
    assert.deepEqual(rule('()'), [[], undefined, '']);
    assert.deepEqual(rule(''), [undefined, undefined, undefined]);
  });

  test('runasMatches follows runaslist_matches', () => {
    const s = state('');
    const m = (users: string[] | undefined, groups: string[] | undefined, req: SudoRunas) => runasMatches(s, { runasUsers: users, runasGroups: groups }, req, alice);
    const asUser = (name: string, uid: number, gid: number): SudoRunas => ({ user: target(name, uid, gid), userGiven: true });
    const withGroup = (req: SudoRunas, gid: number, name: string): SudoRunas => ({ ...req, group: { name, gid } });
    const self = { user: target('alice', 1000, 1000), userGiven: false };
    // %staff: bob is a member by /etc/group, dave by his passwd gid; carol and root are not.
    assert.equal(m(['%staff'], undefined, asUser('bob', 1001, 1001)), true);
    assert.equal(m(['%staff'], undefined, asUser('dave', 1002, 50)), true);
    assert.equal(m(['%staff'], undefined, asUser('carol', 1003, 1003)), undefined);
    assert.equal(m(['%staff'], undefined, RUNAS_ROOT), undefined);
    assert.equal(m(['%#50'], undefined, asUser('bob', 1001, 1001)), true);
    assert.equal(m(['ALL', '!%staff'], undefined, asUser('bob', 1001, 1001)), false);
    assert.equal(m(['ALL', '!%staff'], undefined, asUser('carol', 1003, 1003)), true);
    // -g: the group list, else one of the target's own groups.
    assert.equal(m(['ALL'], ['ALL'], withGroup(self, 50, 'staff')), true);
    assert.equal(m(['ALL'], undefined, withGroup(self, 50, 'staff')), undefined);
    assert.equal(m(['ALL'], undefined, withGroup(self, 27, 'sudo')), true);
    assert.equal(m(['ALL'], ['staff'], withGroup(asUser('bob', 1001, 1001), 50, 'staff')), true);
    assert.equal(m(['ALL'], ['staff'], withGroup(self, 0, 'root')), undefined);
    assert.equal(m(['ALL'], ['ALL', '!staff'], withGroup(self, 50, 'staff')), false);
    // (:staff): -g staff as herself only; neither root nor alice without -g.
    assert.equal(m(undefined, ['staff'], withGroup(self, 50, 'staff')), true);
    assert.equal(m(undefined, ['staff'], RUNAS_ROOT), undefined);
    assert.equal(m(undefined, ['staff'], asUser('alice', 1000, 1000)), undefined);
    assert.equal(m(undefined, ['staff'], withGroup(asUser('bob', 1001, 1001), 50, 'staff')), undefined);
    // No runas spec: root only. "()": the invoking user.
    assert.equal(m(undefined, undefined, RUNAS_ROOT), true);
    assert.equal(m(undefined, undefined, asUser('bob', 1001, 1001)), false);
    assert.equal(m([], undefined, RUNAS_ROOT), true);
    assert.equal(m([], undefined, asUser('alice', 1000, 1000)), true);
    assert.equal(m([], undefined, asUser('bob', 1001, 1001)), undefined);
  });

  test('(%staff): sudo -u a member runs, a non-member or root asks for a password', () => {
    const s = state('alice ALL=(%staff) NOPASSWD: ALL\n');
    assert.equal(run(s, 'sudo -n -u bob id', 'alice').status, 0);
    assert.equal(run(s, 'sudo -n -u dave id', 'alice').status, 0);
    for (const line of ['sudo -n -u carol id', 'sudo -n id']) {
      const out = run(s, line, 'alice');
      assert.deepEqual([out.status, out.stderr], [1, ['sudo: a password is required']], line);
    }
    assert.equal(sudoAllows(s, alice).usable, false);
  });

  test('(ALL:ALL): sudo -g staff runs as alice with the group staff first; (ALL) refuses -g staff', () => {
    const s = state('alice ALL=(ALL:ALL) NOPASSWD: ALL\n');
    assert.equal(run(s, 'mkdir /srv/without', 'alice').status, 1);
    assert.equal(run(s, 'sudo -n -g staff mkdir /srv/by-alice', 'alice').status, 0);
    const made = s.fs.get('/srv/by-alice')!;
    assert.deepEqual([made.uid, made.gid], [1000, 50]);
    assert.equal(run(s, 'sudo -n -u bob -g staff touch /tmp/by-bob', 'alice').status, 0);
    assert.deepEqual([s.fs.get('/tmp/by-bob')!.uid, s.fs.get('/tmp/by-bob')!.gid], [1001, 50]);

    const only = state('alice ALL=(ALL) NOPASSWD: ALL\n');
    const out = run(only, 'sudo -n -g staff id', 'alice');
    assert.deepEqual([out.status, out.stderr], [1, ['sudo: a password is required']]);
    assert.equal(run(only, 'sudo -n -g sudo id', 'alice').status, 0);
  });

  test('(:staff): -g staff runs; plain sudo asks a password; sudo -u alice is refused without one', () => {
    const s = state('alice ALL=(:staff) NOPASSWD: ALL\n');
    assert.equal(run(s, 'sudo -n -g staff mkdir /srv/a', 'alice').status, 0);
    assert.deepEqual(run(s, 'sudo -n id', 'alice').stderr, ['sudo: a password is required']);
    assert.deepEqual(run(s, 'sudo -n -u alice id', 'alice').stderr, [
      "Sorry, user alice is not allowed to execute '/usr/bin/id' as alice on buildkitsandbox.",
    ]);
  });

  test('"()" runs the command as the invoking user', () => {
    const s = state('alice ALL=() NOPASSWD: ALL\n');
    const out = run(s, 'sudo -n touch /opt/x', 'alice');
    assert.deepEqual([out.status, out.stderr], [1, ["touch: cannot touch '/opt/x': Permission denied"]]);
    assert.equal(run(s, 'sudo -n touch /home/alice/x', 'alice').status, 0);
    assert.equal(s.fs.get('/home/alice/x')!.uid, 1000);
    assert.equal(sudoAllows(s, alice).usable, false);
  });

  test('an unknown group or user stops sudo before any rule', () => {
    const s = state('alice ALL=(ALL:ALL) NOPASSWD: ALL\n');
    assert.deepEqual(run(s, 'sudo -n -g nosuch id', 'alice').stderr, ['sudo: unknown group nosuch', 'sudo: error initializing audit plugin sudoers_audit']);
    assert.deepEqual(run(s, 'sudo -n -u nosuch id', 'alice').stderr, ['sudo: unknown user nosuch', 'sudo: error initializing audit plugin sudoers_audit']);
    assert.deepEqual(run(s, "sudo -n -g '#4242' id", 'alice').stderr, ['sudo: unknown group #4242']);
    assert.equal(run(s, "sudo -n -g '#50' mkdir /srv/b", 'alice').status, 0);
  });

  test('a %group in the runas group list is a syntax error: sudo skips the entry and says where', () => {
    const s = state('alice ALL=(root:%staff) NOPASSWD: ALL\n');
    const out = run(s, 'sudo -n -u bob id', 'bob');
    assert.deepEqual(out.stderr, [
      '/etc/sudoers.d/alice:1:17: syntax error',
      'alice ALL=(root:%staff) NOPASSWD: ALL',
      '                ^~~~~~',
      'bob is not in the sudoers file.',
    ]);
    assert.deepEqual(run(s, 'sudo -n id', 'alice').stderr?.at(-1), 'sudo: a password is required');
    assert.match(sudoAllows(s, alice).reason, /syntax error/);
  });
});

describe('the words sudo refuses a command with', () => {
  const state = (text: string) => withRule(text, ['id', 'touch'], ROOT_ONLY);
  const refuse = (s: ReturnType<typeof state>, line: string, user = 'alice') => {
    const out = run(s, line, user);
    return [out.status, out.stderr];
  };
  const sorry = (what: string, as: string, user = 'alice') => [1, [`Sorry, user ${user} is not allowed to execute '${what}' as ${as} on buildkitsandbox.`]];

  test('a NOPASSWD entry that negates the command: no password is asked, sudo says it is not allowed', () => {
    const s = state('alice ALL=(ALL:ALL) NOPASSWD: ALL, !/usr/bin/id\n');
    assert.deepEqual(refuse(s, 'sudo -n id -u'), sorry('/usr/bin/id -u', 'root'));
    assert.deepEqual(refuse(s, 'sudo id'), sorry('/usr/bin/id', 'root'));
    assert.deepEqual(refuse(s, 'sudo -n -u bob id'), sorry('/usr/bin/id', 'bob'));
    assert.deepEqual(refuse(s, 'sudo -n -g staff id'), sorry('/usr/bin/id', 'alice:staff'));
    assert.deepEqual(refuse(s, 'sudo -n -u bob -g staff id'), sorry('/usr/bin/id', 'bob:staff'));
    assert.equal(run(s, 'sudo -n touch /opt/x', 'alice').status, 0);
  });

  test('a negation in an entry that asks a password asks it first', () => {
    const s = state('alice ALL=(ALL:ALL) ALL, !/usr/bin/id\n');
    assert.deepEqual(refuse(s, 'sudo -n id'), [1, ['sudo: a password is required']]);
    assert.deepEqual(refuse(s, 'sudo id'), [1, [
      'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper',
      'sudo: a password is required',
    ]]);
  });

  test('a later entry that negates the command wins over an earlier one that allows it', () => {
    const s = state('alice ALL=(ALL) NOPASSWD: ALL\nalice ALL=(ALL) NOPASSWD: !/usr/bin/touch\n');
    assert.deepEqual(refuse(s, 'sudo -n touch /opt/x'), sorry('/usr/bin/touch /opt/x', 'root'));
    assert.equal(run(s, 'sudo -n id', 'alice').status, 0);
  });

  test('a command no entry names: a password is asked, unless authentication is off', () => {
    const listed = state('alice ALL=(ALL) NOPASSWD: /usr/bin/apt-get\n');
    assert.deepEqual(refuse(listed, 'sudo -n touch /opt/x'), [1, ['sudo: a password is required']]);
    const off = state('Defaults:alice !authenticate\nalice ALL=(ALL) /usr/bin/apt-get\n');
    assert.deepEqual(refuse(off, 'sudo -n touch /opt/x'), sorry('/usr/bin/touch /opt/x', 'root'));
  });

  test('sudo -u oneself asks no password: a user no rule names is "not in the sudoers file"', () => {
    const s = state('alice ALL=(ALL) NOPASSWD: ALL\n');
    assert.deepEqual(refuse(s, 'sudo -n -u bob id', 'bob'), [1, ['bob is not in the sudoers file.']]);
    assert.deepEqual(refuse(s, 'sudo -n id', 'bob'), [1, ['sudo: a password is required']]);
  });

  test('the host is the container id where the builder is not BuildKit', () => {
    const s = state('alice ALL=(ALL) NOPASSWD: ALL, !/usr/bin/id\n');
    const out = runScript('sudo -n id', {
      state: s,
      ident: as(s, 'alice'),
      env: new Map([['PATH', '/usr/bin:/bin']]),
      cwd: '/',
      builder: 'buildah',
      file: 'Dockerfile',
      line: 1,
    });
    assert.deepEqual(out.stderr, ["Sorry, user alice is not allowed to execute '/usr/bin/id' as root on <container id>."]);
  });
});

describe('sudo -S: the password from standard input (measured: failures/sudo-S-*)', () => {
  const state = (password: 'set' | 'locked') => {
    const s = image();
    s.texts['/etc/sudoers'] = { content: 'root\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\nalice ALL=(ALL:ALL) ALL\n' };
    s.fs.set('/usr/bin/mkdir', { kind: 'file', uid: 0, gid: 0, mode: 0o755 });
    s.accounts.passwords.alice = password;
    refreshDerived(s);
    return s;
  };

  test('a piped password for an account that has one: the command runs as root, noted as taken to be right', () => {
    const s = state('set');
    const out = run(s, 'echo secret | sudo -S mkdir /opt/made', 'alice');
    assert.deepEqual([out.status, out.stderr], [0, []]);
    assert.equal(s.fs.get('/opt/made')?.uid, 0);
    assert.deepEqual(s.unknowns.map((u) => u.reason), ["sudo -S: the password on its input is taken to be alice's"]);
  });

  test('nothing on its input: a password is required', () => {
    const out = run(state('set'), 'sudo -S mkdir /opt/made < /dev/null', 'alice');
    assert.deepEqual([out.status, out.stderr], [1, ['sudo: a password is required']]);
  });

  test('an account with no password (useradd leaves it locked): no password is right', () => {
    const out = run(state('locked'), 'echo x | sudo -S mkdir /opt/made', 'alice');
    assert.deepEqual([out.status, out.stderr], [1, ['Sorry, try again.', 'sudo: 1 incorrect password attempt']]);
  });

  test("sudo -u '#UID' of no account is an unknown user", () => {
    const s = state('set');
    s.texts['/etc/sudoers'] = { content: 'alice ALL=(ALL) NOPASSWD: ALL\n' };
    refreshDerived(s);
    const out = run(s, "sudo -n -u '#1005' true", 'alice');
    assert.deepEqual([out.status, out.stderr], [1, ['sudo: unknown user #1005']]);
  });
});

// sudo 1.9.13 match.c: the last item of a host list that matches decides (measured:
// sudo/host-localhost, sudo/host-all, sudo/host-localhost-build).
describe('host lists', () => {
  const named = { name: 'web1.example.com' };
  const cases: [string[], Parameters<typeof sudoHostMatches>[1], boolean | undefined][] = [
    [['ALL'], CONTAINER_HOST, true],
    [['localhost'], CONTAINER_HOST, false],
    [['localhost'], { name: 'localhost' }, true],
    [['WEB1'], named, true],
    [['web1.example.com'], named, true],
    [['web*'], named, true],
    [['db*'], named, false],
    [['ALL', '!web1'], named, false],
    [['!web1', 'ALL'], named, true],
    // sudo's interface list leaves loopback out; the container's own addresses are not known.
    [['127.0.0.1'], CONTAINER_HOST, false],
    [['10.0.0.0/8'], CONTAINER_HOST, undefined],
    // A container id: only a pattern or a name of that shape could be it.
    [['*'], CONTAINER_HOST, true],
    [['0fc2edd647e7'], CONTAINER_HOST, undefined],
    [['web*'], CONTAINER_HOST, undefined],
    [['localhost'], { unknown: "the host's name" }, undefined],
    [['+admins'], named, false],
  ];
  for (const [items, host, want] of cases) {
    test(`${items.join(', ')} on ${JSON.stringify(host)}`, () => assert.equal(sudoHostMatches(items, host), want));
  }

  test('a rule for another host does not let sudo through; a Host_Alias is expanded', () => {
    const user = { name: 'alice', uid: 1000, groups: [1000] };
    assert.equal(sudoAllows(withRule('alice localhost=(ALL) NOPASSWD: ALL\n', []), user).usable, false);
    assert.equal(sudoAllows(withRule('Host_Alias HERE = ALL\nalice HERE=(ALL) NOPASSWD: ALL\n', []), user).usable, true);
    assert.equal(sudoAllows(withRule('alice localhost=(ALL) NOPASSWD: ALL\n', []), user, undefined, undefined, { name: 'localhost' }).usable, true);
  });

  test('in a BuildKit step the host is buildkitsandbox; a rule for localhost asks a password', () => {
    const s = withRule('alice buildkitsandbox=(ALL) NOPASSWD: ALL\n', [], ROOT_ONLY);
    assert.equal(run(s, 'sudo -n true', 'alice').status, 0);
    const t = withRule('alice localhost=(ALL) NOPASSWD: ALL\n', [], ROOT_ONLY);
    const out = run(t, 'sudo -n true', 'alice');
    assert.deepEqual([out.status, out.stderr], [1, ['sudo: a password is required']]);
  });
});

// sudoers.c sudoers_policy_main: `Defaults requiretty` stops sudo with no terminal, root's
// too, before a password is asked (measured: sudo/requiretty-build).
describe('Defaults requiretty in a build step', () => {
  const tty = ['sudo: sorry, you must have a tty to run sudo'];
  test('a NOPASSWD user and root both stop', () => {
    const s = withRule('Defaults requiretty\nalice ALL=(ALL) NOPASSWD: ALL\n', [], ROOT_ONLY);
    const a = run(s, 'sudo -n true', 'alice');
    assert.deepEqual([a.status, a.stderr], [1, tty]);
    const r = run(s, 'sudo true');
    assert.deepEqual([r.status, r.stderr], [1, tty]);
  });

  test('Defaults:bob requiretty leaves alice alone; a later !requiretty turns it off', () => {
    assert.equal(run(withRule('Defaults:bob requiretty\nalice ALL=(ALL) NOPASSWD: ALL\n', [], ROOT_ONLY), 'sudo -n true', 'alice').status, 0);
    assert.equal(run(withRule('Defaults requiretty\nDefaults !requiretty\nalice ALL=(ALL) NOPASSWD: ALL\n', [], ROOT_ONLY), 'sudo -n true', 'alice').status, 0);
  });
});
