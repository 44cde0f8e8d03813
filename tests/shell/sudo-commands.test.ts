// A sudoers rule that names commands lets the user run those only (sudoers(5): the last rule
// matching the user, the runas user AND the command decides). Outcomes as sudo 1.9.13 gave
// them in the oracle (failures/sudo-one-command*).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { commandMatches, refreshDerived, sudoAllows } from '../../src/shell/commands/config.js';
import { image, run } from './run-fixture.js';

const cmd = (path: string | undefined, name: string, ...args: string[]) => ({ path, name, args });

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
  const state = () => {
    const s = image();
    s.fs.set('/etc/sudoers.d/alice', { kind: 'file', uid: 0, gid: 0, mode: 0o440 });
    s.texts['/etc/sudoers.d/alice'] = { content: 'alice ALL=(root) NOPASSWD: /usr/bin/apt-get\n' };
    s.fs.set('/usr/bin/apt-get', { kind: 'file', uid: 0, gid: 0, mode: 0o755 });
    s.fs.set('/usr/bin/touch', { kind: 'file', uid: 0, gid: 0, mode: 0o755 });
    refreshDerived(s);
    return s;
  };

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
  const state = (rule: string) => {
    const s = image();
    s.fs.set('/etc/sudoers.d/alice', { kind: 'file', uid: 0, gid: 0, mode: 0o440 });
    s.texts['/etc/sudoers.d/alice'] = { content: rule };
    s.fs.set('/usr/bin/id', { kind: 'file', uid: 0, gid: 0, mode: 0o755 });
    refreshDerived(s);
    return s;
  };
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
