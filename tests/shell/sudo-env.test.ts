// The environment, umask and folder sudo, su and runuser give a command, and what a login
// shell reads from /etc/profile. Values as sudo 1.9.13 and util-linux su 2.38 gave them on
// Debian 12 (tests/oracle/scenarios/sudo-env.yaml), or as sudoers(5) states them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSudoers, refreshDerived, sudoEnvPolicy } from '../../src/shell/commands/config.js';
import { SUDOERS } from '../../src/shell/commands/packages.js';
import { image, meta, run } from './run-fixture.js';

const SECURE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The fixture with Debian's stock /etc/sudoers and alice's rule in /etc/sudoers.d/alice. */
function debian(rule = 'alice ALL=(ALL) NOPASSWD: ALL\n') {
  const s = image();
  s.texts['/etc/sudoers'] = { content: SUDOERS.debian };
  s.fs.set('/etc/sudoers.d/alice', { kind: 'file', uid: 0, gid: 0, mode: 0o440 });
  s.texts['/etc/sudoers.d/alice'] = { content: rule };
  s.fs.set('/usr/bin/mkdir', { kind: 'file', uid: 0, gid: 0, mode: 0o755 });
  refreshDerived(s);
  return s;
}

describe('sudoers environment settings', () => {
  test("Debian's Defaults: env_reset, secure_path, sudo's umask 0022", () => {
    const p = sudoEnvPolicy(debian(), { name: 'alice', uid: 1000, groups: [1000] });
    assert.deepEqual(p, { known: true, envReset: true, setenv: false, umask: 0o022, umaskOverride: false, envKeep: [], alwaysSetHome: false, securePath: SECURE_PATH });
  });

  test('env_keep +=, umask, !env_reset and a user Defaults', () => {
    const s = debian();
    s.texts['/etc/sudoers.d/zz'] = { content: 'Defaults env_keep += "PIP_* http_proxy"\nDefaults umask=0077, umask_override\nDefaults:alice !env_reset, !secure_path\n' };
    s.fs.set('/etc/sudoers.d/zz', { kind: 'file', uid: 0, gid: 0, mode: 0o440 });
    refreshDerived(s);
    const alice = sudoEnvPolicy(s, { name: 'alice', uid: 1000, groups: [1000] });
    assert.deepEqual([alice.envReset, alice.securePath, alice.envKeep, alice.umask, alice.umaskOverride], [false, undefined, ['PIP_*', 'http_proxy'], 0o077, true]);
    const bob = sudoEnvPolicy(s, { name: 'bob', uid: 1001, groups: [1001] });
    assert.deepEqual([bob.envReset, bob.securePath], [true, SECURE_PATH]);
  });

  test('SETENV and NOSETENV tags are kept on the rule', () => {
    const s = debian('alice ALL=(ALL) NOPASSWD:SETENV: /usr/bin/mkdir, NOSETENV: ALL\n');
    const rules = parseSudoers(s).rules.filter((r) => r.who === 'alice');
    assert.deepEqual(rules.map((r) => [r.commands, r.setenv]), [['/usr/bin/mkdir', true], ['ALL', false]]);
  });
});

describe('sudo: env_reset and secure_path', () => {
  test('a variable of the caller is dropped (measured: sudo-env/drops-pip-env)', () => {
    const s = debian();
    const out = run(s, 'export FOO=1; sudo sh -c \'mkdir "/opt/x$FOO"\'', 'alice');
    assert.deepEqual([out.status, s.fs.has('/opt/x'), s.fs.has('/opt/x1')], [0, true, false]);
  });

  test('-E keeps it (measured: sudo-env/E-keeps-pip-env)', () => {
    const s = debian();
    assert.equal(run(s, 'export FOO=1; sudo -E sh -c \'mkdir "/opt/x$FOO"\'', 'alice').status, 0);
    assert.equal(s.fs.has('/opt/x1'), true);
  });

  test('PATH is secure_path, with -E too (measured: sudo-env/secure-path-venv, sudo-env/path-env-venv)', () => {
    const s = debian();
    const test = `sh -c 'test "$PATH" = ${SECURE_PATH}'`;
    assert.equal(run(s, `PATH=/opt/venv/bin:$PATH; sudo ${test}`, 'alice').status, 0);
    assert.equal(run(s, `PATH=/opt/venv/bin:$PATH; sudo -E ${test}`, 'alice').status, 0);
  });

  test('USER, LOGNAME, SHELL and SUDO_USER name the target and the caller', () => {
    const s = debian();
    const out = run(s, 'sudo -u bob sh -c \'test "$USER:$LOGNAME:$SHELL:$SUDO_USER:$SUDO_UID:$HOME" = bob:bob:/bin/bash:alice:1000:/home/bob\'', 'alice');
    assert.equal(out.status, 0);
  });

  test('sudo VAR=value sets it under a rule of ALL, which implies SETENV (measured: sudo-env/var-assignment-home)', () => {
    const s = debian();
    s.fs.set('/home/alice', { kind: 'dir', uid: 1000, gid: 1000, mode: 0o755 });
    assert.equal(run(s, 'sudo HOME=/home/alice sh -c \'mkdir "$HOME/by-sudo-var"\'', 'alice').status, 0);
    assert.equal(meta(s, '/home/alice/by-sudo-var'), 'dir 0:0 0755');
  });

  test('sudo VAR=value under a rule for one command is refused (measured: sudo-env/var-not-allowed)', () => {
    const s = debian('alice ALL=(ALL) NOPASSWD: /usr/bin/mkdir\n');
    const out = run(s, 'sudo HOME=/tmp mkdir /opt/x', 'alice');
    assert.deepEqual([out.status, out.stderr, s.fs.has('/opt/x')], [1, ['sudo: sorry, you are not allowed to set the following environment variables: HOME'], false]);
    // A variable env_reset keeps anyway (TZ without '/' or '%') may be given.
    assert.equal(run(s, 'sudo TZ=UTC mkdir /opt/y', 'alice').status, 0);
    // A SETENV tag allows any.
    const t = debian('alice ALL=(ALL) NOPASSWD:SETENV: /usr/bin/mkdir\n');
    assert.equal(run(t, 'sudo HOME=/tmp mkdir /opt/x', 'alice').status, 0);
  });

  test('the umask is the union of the caller\'s and 0022 (measured: sudo-env/umask-union)', () => {
    const s = debian();
    assert.equal(run(s, 'umask 0 && sudo mkdir /opt/shared && mkdir /tmp/plain', 'alice').status, 0);
    assert.deepEqual([meta(s, '/opt/shared'), meta(s, '/tmp/plain')], ['dir 0:0 0755', 'dir 1000:1000 0777']);
    const t = debian();
    assert.equal(run(t, 'umask 077 && sudo mkdir /opt/private', 'alice').status, 0);
    assert.equal(meta(t, '/opt/private'), 'dir 0:0 0700');
  });
});

describe('sudo -i', () => {
  test("runs in the target's home (measured: sudo-env/i-changes-dir)", () => {
    const s = debian();
    s.fs.set('/home/bob', { kind: 'dir', uid: 1001, gid: 1001, mode: 0o755 });
    assert.equal(run(s, 'sudo -i -u bob touch by-i', 'alice', '/home/alice').status, 0);
    assert.deepEqual([meta(s, '/home/bob/by-i'), s.fs.has('/home/alice/by-i')], ['file 1001:1001 0644', false]);
  });

  test("runs the target's login shell: nologin refuses (measured: sudo-env/i-nologin)", () => {
    const s = debian();
    const out = run(s, 'sudo -i -u www-data touch /tmp/by-sudo-i', 'alice');
    assert.deepEqual([out.status, out.stderr, s.fs.has('/tmp/by-sudo-i')], [1, ['This account is currently not available.'], false]);
    assert.equal(run(s, 'sudo -u www-data touch /tmp/by-sudo', 'alice').status, 0);
  });
});

describe('su and runuser', () => {
  test('su - sets PATH from login.defs and starts in the home (measured: sudo-env/su-login-path)', () => {
    const s = image();
    const out = run(s, 'PATH=/opt/venv/bin:$PATH; su - alice -c \'test "$PATH" = /usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games && touch here\'');
    assert.deepEqual([out.status, meta(s, '/home/alice/here')], [0, 'file 1000:1000 0644']);
    assert.equal(run(s, 'su - -c \'test "$PATH" = /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\'').status, 0);
  });

  test('su - drops the caller\'s variables; su keeps them (measured: sudo-env/su-login-drops-env)', () => {
    const s = image();
    assert.equal(run(s, 'export FOO=1; su alice -c \'test "$FOO" = 1\'').status, 0);
    // The login shell's startup files are not all known: FOO may be anything there, not 1 for sure.
    assert.notEqual(run(s, 'export FOO=1; su - alice -c \'test "$FOO" = 1\'').status, 0);
  });

  test("su -m keeps root's HOME (measured: sudo-env/su-m-keeps-home)", () => {
    const s = image();
    const out = run(s, 'su -m alice -c \'mkdir "$HOME/x"\'');
    assert.deepEqual([out.status, out.stderr], [1, ["mkdir: cannot create directory '/root/x': Permission denied"]]);
    // -m is ignored with --login (su(1)).
    assert.equal(run(s, 'su - -m alice -c \'mkdir "$HOME/y"\'').status, 0);
    assert.equal(meta(s, '/home/alice/y'), 'dir 1000:1000 0755');
  });

  test('su to a nologin account says so (measured: sudo-env/su-nologin)', () => {
    const s = image();
    const out = run(s, "su www-data -c 'touch /tmp/by-su'");
    assert.deepEqual([out.status, out.stderr, s.fs.has('/tmp/by-su')], [1, ['This account is currently not available.'], false]);
  });
});

describe('login shells read /etc/profile', () => {
  test('umask 002 appended to /etc/profile: su -, bash -l and a login SHELL, not su or bash -c (measured: sudo-env/login-umask-profile, sudo-env/bash-login-profile-umask)', () => {
    const s = image();
    s.fs.set('/etc/profile', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    assert.equal(run(s, "echo 'umask 002' >> /etc/profile").status, 0);
    assert.equal(
      run(s, "su - alice -c 'touch /tmp/login' && su alice -c 'touch /tmp/plain' && runuser -u alice -- touch /tmp/ru && bash -lc 'touch /tmp/bl' && bash -c 'touch /tmp/bc'").status,
      0,
    );
    assert.deepEqual(
      ['/tmp/login', '/tmp/plain', '/tmp/ru', '/tmp/bl', '/tmp/bc'].map((p) => meta(s, p)),
      ['file 1000:1000 0664', 'file 1000:1000 0644', 'file 1000:1000 0644', 'file 0:0 0664', 'file 0:0 0644'],
    );
  });

  test('a symbolic umask in /etc/profile counts as well (u=rwx,g=rx,o= is 027)', () => {
    const s = image();
    s.fs.set('/etc/profile', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    assert.equal(run(s, "echo 'umask u=rwx,g=rx,o=' >> /etc/profile").status, 0);
    assert.equal(run(s, "su - alice -c 'mkdir /tmp/login' && bash -lc 'touch /tmp/bl'").status, 0);
    assert.deepEqual(['/tmp/login', '/tmp/bl'].map((p) => meta(s, p)), ['dir 1000:1000 0750', 'file 0:0 0640']);
  });

  test('an exported variable of /etc/profile reaches a login shell only', () => {
    const s = image();
    s.fs.set('/etc/profile', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    run(s, "echo 'export TAG=p' >> /etc/profile");
    assert.equal(run(s, "bash -lc 'mkdir /opt/x$TAG'").status, 0);
    assert.equal(s.fs.has('/opt/xp'), true);
  });
});
