import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { as, image, meta, run } from './run-fixture.js';
import { runScript, unwrapShell, unwrapShellWrapper } from '../../src/shell/interpret.js';
import { refreshDerived } from '../../src/shell/commands/config.js';

interface Case {
  name: string;
  src: string;
  user?: string;
  cwd?: string;
  status: number | 'unknown';
  stderr?: string[];
  /** path -> "kind uid:gid mode" or "missing" after the run */
  expect?: Record<string, string>;
}

function check(c: Case, setup?: (s: ReturnType<typeof image>) => void): void {
  const s = image();
  refreshDerived(s);
  setup?.(s);
  const out = run(s, c.src, c.user, c.cwd);
  assert.equal(out.status, c.status, `status of ${c.src}: ${JSON.stringify(out.stderr)}`);
  if (c.stderr) assert.deepEqual(out.stderr, c.stderr);
  for (const [p, want] of Object.entries(c.expect ?? {})) assert.equal(meta(s, p), want, p);
}

describe('lists, status and errexit', () => {
  const cases: Case[] = [
    {
      name: 'root creates and chowns a workspace',
      src: 'mkdir -p /workspace && chown -R 1000:1000 /workspace',
      status: 0,
      expect: { '/workspace': 'dir 1000:1000 0755' },
    },
    {
      name: 'a failing first command of && skips the second',
      src: 'mkdir /opt/x && touch /opt/x/y',
      user: 'alice',
      status: 1,
      stderr: ["mkdir: cannot create directory '/opt/x': Permission denied"],
      expect: { '/opt/x': 'missing', '/opt/x/y': 'missing' },
    },
    {
      name: '|| true masks a failure',
      src: 'chown alice /etc/passwd || true',
      user: 'bob',
      status: 0,
      stderr: ["chown: changing ownership of '/etc/passwd': Operation not permitted"],
      expect: { '/etc/passwd': 'file 0:0 0644' },
    },
    {
      name: 'without set -e a failure in a ; list does not stop the script',
      src: 'false; touch /x',
      status: 0,
      expect: { '/x': 'file 0:0 0644' },
    },
    {
      name: 'set -e stops at the first failing command',
      src: 'set -e; false; touch /x',
      status: 1,
      expect: { '/x': 'missing' },
    },
    {
      name: 'set -e does not stop on a failure left of &&',
      src: 'set -e; false && true; touch /x',
      status: 0,
      expect: { '/x': 'file 0:0 0644' },
    },
    {
      name: 'the last command decides the status of the RUN',
      src: 'touch /x; false',
      status: 1,
      expect: { '/x': 'file 0:0 0644' },
    },
    {
      name: '! inverts the status',
      src: '! false',
      status: 0,
    },
    {
      name: 'exit N ends the script with N',
      src: 'touch /a; exit 3; touch /b',
      status: 3,
      expect: { '/a': 'file 0:0 0644', '/b': 'missing' },
    },
    {
      name: 'a pipeline takes the status of its last command',
      src: 'false | true',
      status: 0,
    },
    {
      name: 'set -o pipefail is an error that ends dash',
      src: 'set -o pipefail; false | true; touch /x',
      status: 2,
      stderr: ['/bin/sh: 1: set: Illegal option -o pipefail'],
      expect: { '/x': 'missing' },
    },
    {
      name: 'a lone [ is a word, not a pattern over a partial listing',
      src: '[ -d bin ] && touch /x',
      cwd: '/opt/conda',
      status: 0,
      expect: { '/x': 'file 0:0 0644' },
    },
    {
      name: 'an unknown command makes the status unknown and && goes on',
      src: 'frobnicate --all && touch /x',
      status: 0,
      expect: { '/x': 'file 0:0 0644' },
    },
    {
      name: 'a harmless command that is not modelled succeeds',
      src: 'ls -la /etc && touch /x',
      status: 0,
      expect: { '/x': 'file 0:0 0644' },
    },
  ];
  for (const c of cases) test(c.name, () => check(c));
});

describe('cd, subshells, variables and umask', () => {
  const cases: Case[] = [
    {
      name: 'cd into /root fails for uid 1000 (dash wording)',
      src: 'cd /root',
      user: 'alice',
      status: 2,
      stderr: ["/bin/sh: 1: cd: can't cd to /root"],
    },
    {
      name: 'cd to a missing directory fails',
      src: 'cd /nope && touch x',
      status: 2,
      stderr: ["/bin/sh: 1: cd: can't cd to /nope"],
      expect: { '/x': 'missing' },
    },
    {
      name: 'relative paths follow cd',
      src: 'cd /home/alice && touch notes',
      user: 'alice',
      status: 0,
      expect: { '/home/alice/notes': 'file 1000:1000 0644' },
    },
    {
      name: 'cd inside a subshell does not leak',
      src: '(cd /tmp && touch a); touch b',
      status: 0,
      expect: { '/tmp/a': 'file 0:0 0644', '/b': 'file 0:0 0644' },
    },
    {
      name: 'umask changes the mode of new files',
      src: 'umask 077 && touch /secret && mkdir /private',
      status: 0,
      expect: { '/secret': 'file 0:0 0600', '/private': 'dir 0:0 0700' },
    },
    {
      name: 'variables expand in later commands',
      src: 'D=/opt/app; mkdir -p "$D/data" && chown -R alice: $D',
      status: 0,
      expect: { '/opt/app': 'dir 1000:1000 0755', '/opt/app/data': 'dir 1000:1000 0755' },
    },
    {
      name: 'export and ${VAR:-default}',
      src: 'export APP_HOME=/srv/app; mkdir -p ${APP_HOME:-/nope}/logs',
      status: 0,
      expect: { '/srv/app/logs': 'dir 0:50 2755', '/nope': 'missing' },
    },
    {
      name: '$(id -u) is evaluated through the id builtin',
      src: 'mkdir /tmp/cache-$(id -u) && chmod 700 /tmp/cache-$(id -u)',
      user: 'alice',
      status: 0,
      expect: { '/tmp/cache-1000': 'dir 1000:1000 0700' },
    },
    {
      name: '$(whoami) and $(id -gn) name the user and group',
      src: 'mkdir -p /opt/$(whoami) && chown root:$(id -gn bob) /opt/$(whoami)',
      status: 0,
      expect: { '/opt/root': 'dir 0:1001 0755' },
    },
    {
      name: '~ expands to HOME of the current user',
      src: 'mkdir -p ~/.cache/pip',
      user: 'alice',
      status: 0,
      expect: { '/home/alice/.cache': 'dir 1000:1000 0755', '/home/alice/.cache/pip': 'dir 1000:1000 0755' },
    },
    {
      name: 'a word from an unknown command substitution makes the command unknown',
      src: 'chown $(owner-of /srv) /opt',
      status: 'unknown',
      expect: { '/opt': 'dir 0:0 0755' },
    },
    {
      name: 'stat -c prints owner, group and mode from the tree, so a chown to them is followed',
      src: 'mkdir -m 2775 /srv/d && chown 7:100 /srv/d && chown -R $(stat -c %u:%g /srv/d) /opt && chmod $(stat -c %a /srv/d) /opt',
      status: 0,
      expect: { '/opt': 'dir 7:100 2775' },
    },
    {
      name: 'stat -c on an unknown format prints what the model does not know',
      src: 'chown $(stat -c %s /srv) /opt',
      status: 'unknown',
      expect: { '/opt': 'dir 0:0 0755' },
    },
  ];
  for (const c of cases) test(c.name, () => check(c));
});

describe('what a subshell or a prefix assignment changes stays there', () => {
  // Shells share their variables and functions until one changes them (copy on write): each
  // case changes something on one side and checks the other side still sees its own value.
  const cases: Case[] = [
    {
      name: 'a variable set in a subshell does not reach the parent',
      src: 'D=/one; (D=/two; mkdir $D); mkdir $D',
      status: 0,
      expect: { '/one': 'dir 0:0 0755', '/two': 'dir 0:0 0755' },
    },
    {
      name: 'a variable set in a pipeline part does not reach the shell',
      src: 'D=/p1; D=/p2 | true; mkdir $D',
      status: 0,
      expect: { '/p1': 'dir 0:0 0755', '/p2': 'missing' },
    },
    {
      name: 'a function redefined in a subshell keeps its body in the parent',
      src: 'mk() { mkdir /outer; }; (mk() { mkdir /inner; }); mk',
      status: 0,
      expect: { '/outer': 'dir 0:0 0755', '/inner': 'missing' },
    },
    {
      name: 'a function unset in a subshell still runs in the parent',
      src: 'mk() { mkdir /kept; }; (unset mk); mk',
      status: 0,
      expect: { '/kept': 'dir 0:0 0755' },
    },
    {
      name: 'a value made unknown in a subshell stays known in the parent',
      src: 'D=/known; (D=$(stat -c %u /srv)); mkdir $D',
      status: 0,
      expect: { '/known': 'dir 0:0 0755' },
    },
    {
      name: 'a prefix assignment reaches its command only',
      src: "D=/tmp/x sh -c 'mkdir $D'; mkdir -p /p$D",
      status: 0,
      expect: { '/tmp/x': 'dir 0:0 0755', '/p': 'dir 0:0 0755', '/p/tmp': 'missing' },
    },
    {
      name: 'an unknown prefix value does not make the variable unknown afterwards',
      src: 'D=/ok; D=$(stat -c %u /srv) true; mkdir $D',
      status: 0,
      expect: { '/ok': 'dir 0:0 0755' },
    },
  ];
  for (const c of cases) test(c.name, () => check(c));
});

describe('compound commands', () => {
  const cases: Case[] = [
    {
      name: 'for runs the body per item',
      src: 'for d in /data /models /cache; do mkdir -p $d && chown alice $d; done',
      status: 0,
      expect: { '/data': 'dir 1000:0 0755', '/models': 'dir 1000:0 0755', '/cache': 'dir 1000:0 0755' },
    },
    {
      name: 'if takes the branch of a known condition',
      src: 'if id bob >/dev/null 2>&1; then touch /yes; else touch /no; fi',
      status: 0,
      expect: { '/yes': 'file 0:0 0644', '/no': 'missing' },
    },
    {
      name: 'if with a missing user takes the else branch',
      src: 'if id carol; then touch /yes; else touch /no; fi',
      status: 0,
      expect: { '/yes': 'missing', '/no': 'file 0:0 0644' },
    },
    {
      name: 'test -d decides against the tree',
      src: '[ -d /opt/conda ] && chown -R alice /opt/conda; [ -d /nope ] || mkdir /made',
      status: 0,
      expect: { '/opt/conda': 'dir 1000:0 0755', '/made': 'dir 0:0 0755' },
    },
    {
      name: 'test -w answers with the access check',
      src: 'test -w /etc || touch /tmp/not-writable',
      user: 'alice',
      status: 0,
      expect: { '/tmp/not-writable': 'file 1000:1000 0644' },
    },
    {
      name: 'case matches glob patterns',
      src: 'case "$(id -u)" in 0) touch /tmp/root ;; 10*) touch /tmp/user ;; esac',
      user: 'alice',
      status: 0,
      expect: { '/tmp/root': 'missing', '/tmp/user': 'file 1000:1000 0644' },
    },
    {
      name: 'functions run with their arguments',
      src: 'mk() { mkdir -p "$1" && chown "$2" "$1"; }; mk /app alice',
      status: 0,
      expect: { '/app': 'dir 1000:0 0755' },
    },
    {
      name: 'a group runs in the current shell',
      src: '{ cd /tmp; touch g; }; touch h',
      status: 0,
      expect: { '/tmp/g': 'file 0:0 0644', '/tmp/h': 'file 0:0 0644' },
    },
  ];
  for (const c of cases) test(c.name, () => check(c));

  test('a while loop runs its body once and is recorded as unknown', () => {
    const s = image();
    s.fs.set('/etc/dirs.txt', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    const out = run(s, 'while read -r d; do mkdir -p "$d"; done < /etc/dirs.txt');
    assert.equal(out.status, 'unknown');
    assert.ok(s.unknowns.some((u) => /while loop/.test(u.reason)));
  });
});

describe('redirections and texts', () => {
  test('echo into /etc/sudoers.d stores the text and the sudo rule', () => {
    const s = image();
    refreshDerived(s);
    const out = run(s, "echo 'alice ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/alice && chmod 0440 /etc/sudoers.d/alice");
    assert.equal(out.status, 0);
    assert.equal(s.texts['/etc/sudoers.d/alice'].content, 'alice ALL=(ALL) NOPASSWD:ALL\n');
    assert.equal(s.texts['/etc/sudoers.d/alice'].line, 10);
    assert.equal(meta(s, '/etc/sudoers.d/alice'), 'file 0:0 0440');
    assert.ok(s.sudoers.some((r) => r.who === 'alice' && r.nopasswd));
  });

  test('a redirection the user may not write fails before the command runs', () => {
    const s = image();
    const out = run(s, 'echo hi > /etc/motd', 'alice');
    assert.equal(out.status, 2);
    assert.deepEqual(out.stderr, ['/bin/sh: 1: cannot create /etc/motd: Permission denied']);
    assert.equal(meta(s, '/etc/motd'), 'missing');
  });

  test('a here-document through tee -a appends to sshd_config', () => {
    const s = image();
    s.fs.set('/etc/ssh/sshd_config', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    s.texts['/etc/ssh/sshd_config'] = { content: 'Port 22\n' };
    const out = run(s, 'tee -a /etc/ssh/sshd_config <<EOF\nPermitRootLogin yes\nEOF');
    assert.equal(out.status, 0);
    assert.equal(s.texts['/etc/ssh/sshd_config'].content, 'Port 22\nPermitRootLogin yes\n');
    assert.equal(s.sshd.permitRootLogin, 'yes');
  });

  test('appending a passwd line adds the account', () => {
    const s = image();
    const out = run(s, 'echo "svc:x:2000:2000::/srv/svc:/bin/sh" >> /etc/passwd && chown svc /srv');
    assert.equal(out.status, 0);
    assert.ok(s.accounts.passwd.some((e) => e.name === 'svc' && e.uid === 2000));
    assert.equal(meta(s, '/srv'), 'dir 2000:50 2775');
  });

  test('dash echo does not take -e (it prints it)', () => {
    const s = image();
    run(s, 'echo -e "bob ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/bob');
    assert.equal(s.texts['/etc/sudoers.d/bob'].content, '-e bob ALL=(ALL) NOPASSWD: ALL\n');
  });

  test('bash -c echo -e interprets the option', () => {
    const s = image();
    run(s, `bash -c 'echo -e "a\\tb" > /etc/sudoers.d/t'`);
    assert.equal(s.texts['/etc/sudoers.d/t'].content, 'a\tb\n');
  });

  test('zsh -c is read with bash\'s grammar and builtins: [[ ]] and source work, where dash knows neither', () => {
    const s = image();
    const out = run(s, `useradd -m zed && zsh -c '[[ -d /home/zed ]] && n=zed && touch /home/\${n}/ok'`);
    assert.equal(out.status, 0);
    assert.equal(meta(s, '/home/zed/ok'), 'file 0:0 0644');
    const dash = run(image(), `sh -c '[[ -d /tmp ]]'`);
    assert.deepEqual([dash.status, dash.stderr], [127, ['sh: 1: [[: not found']]);
    assert.equal(run(image(), `zsh -c 'source /etc/nonexistent'`).stderr.some((l) => / source: not found/.test(l)), false);
  });

  test('output of an unknown command written to a tracked file is recorded as unknown', () => {
    const s = image();
    run(s, 'curl -fsSL https://example.com/sudoers > /etc/sudoers.d/remote');
    assert.equal(meta(s, '/etc/sudoers.d/remote'), 'file 0:0 0644');
    assert.equal(s.texts['/etc/sudoers.d/remote'], undefined);
    assert.ok(s.unknowns.some((u) => u.paths.includes('/etc/sudoers.d/remote')));
  });
});

describe('switching users', () => {
  const cases: Case[] = [
    {
      name: "su alice -c 'touch' creates the file owned by alice",
      src: "su alice -c 'touch /home/alice/x'",
      status: 0,
      expect: { '/home/alice/x': 'file 1000:1000 0644' },
    },
    {
      name: 'su - user runs in the home directory',
      src: "su - bob -c 'touch notes'",
      status: 0,
      expect: { '/home/bob/notes': 'file 1001:1001 0644' },
    },
    {
      name: 'su as a non-root user fails without a terminal',
      src: "su bob -c 'touch /tmp/b'",
      user: 'alice',
      status: 1,
      stderr: ['su: Authentication failure'],
      expect: { '/tmp/b': 'missing' },
    },
    // PAM's account stage after pam_rootok (measured: accounts/su-expired-account,
    // su-chage-expired, su-password-expired, runuser-expired-account, su-locked-account).
    {
      name: 'su from root to an account usermod -e 1 expired: pam_unix refuses it',
      src: "useradd -m svc && usermod -e 1 svc && su svc -c 'touch /tmp/x'",
      status: 1,
      stderr: ['Your account has expired; please contact your system administrator.', 'su: Authentication failure'],
      expect: { '/tmp/x': 'missing' },
    },
    {
      name: 'su from root to an account chage -E 0 expired',
      src: "useradd -m svc && chage -E 0 svc && su svc -c 'touch /tmp/x'",
      status: 1,
      stderr: ['Your account has expired; please contact your system administrator.', 'su: Authentication failure'],
      expect: { '/tmp/x': 'missing' },
    },
    {
      name: 'su from root to an account whose password passwd -e expired: a change is asked for',
      src: "useradd -m svc && passwd -e svc && su svc -c 'touch /tmp/x'",
      status: 1,
      stderr: [
        'You are required to change your password immediately (administrator enforced).',
        'Current password: su: Authentication token manipulation error',
      ],
      expect: { '/tmp/x': 'missing' },
    },
    {
      name: 'chage -d 0 asks for a change as passwd -e does',
      src: "useradd -m svc && chage -d 0 svc && su svc -c 'touch /tmp/x'",
      status: 1,
      expect: { '/tmp/x': 'missing' },
    },
    {
      name: 'an expire day in the future lets su through; chage -E -1 takes an expiry away',
      src: "useradd -m -e 2999-01-01 svc && su svc -c 'touch /tmp/x' && usermod -e 1 svc && chage -E -1 svc && su svc -c 'touch /tmp/y'",
      status: 0,
      expect: { '/tmp/x': 'file 1002:1002 0644', '/tmp/y': 'file 1002:1002 0644' },
    },
    {
      name: 'runuser has no account stage: an account useradd -e made expired still runs',
      src: 'useradd -m -e 2000-01-01 svc && runuser -u svc -- touch /tmp/x',
      status: 0,
      expect: { '/tmp/x': 'file 1002:1002 0644' },
    },
    {
      name: 'a locked password does not stop su from root',
      src: "useradd -m svc && passwd -l svc && su svc -c 'touch /tmp/x'",
      status: 0,
      expect: { '/tmp/x': 'file 1002:1002 0644' },
    },
    {
      name: 'max days run out a day after the change: passwd -x -1 keeps the account usable',
      src: "useradd -m svc && passwd -x 0 svc && passwd -x -1 svc && su svc -c 'touch /tmp/x'",
      status: 0,
      expect: { '/tmp/x': 'file 1002:1002 0644' },
    },
    {
      name: 'chage as a user is refused before the user is looked up',
      src: 'chage -E 0 nosuch',
      user: 'alice',
      status: 1,
      stderr: ['chage: Permission denied.'],
    },
    {
      name: 'chage refuses a date it cannot read, and a missing user',
      src: 'chage -E 2020-13-45 root || chage -E 0 nosuch',
      status: 1,
      stderr: ["chage: invalid date '2020-13-45'", 'Usage: chage [options] LOGIN', "chage: user 'nosuch' does not exist in /etc/passwd"],
    },
    {
      name: 'su to a nologin account refuses the command',
      src: "su www-data -c 'touch /var/www/x'",
      status: 1,
      expect: { '/var/www/x': 'missing' },
    },
    {
      name: 'su -s /bin/sh overrides the nologin shell',
      src: "su -s /bin/sh www-data -c 'touch /var/www/x'",
      status: 0,
      expect: { '/var/www/x': 'file 33:33 0644' },
    },
    {
      name: 'the child identity is checked: alice cannot write into /root',
      src: "su alice -c 'touch /root/x'",
      status: 1,
      stderr: ["touch: cannot touch '/root/x': Permission denied"],
    },
    {
      name: 'gosu runs the command as the user',
      src: 'gosu bob mkdir /tmp/b',
      status: 0,
      expect: { '/tmp/b': 'dir 1001:1001 0755' },
    },
    {
      name: 'runuser -u USER -- cmd',
      src: 'runuser -u alice -- touch /tmp/r',
      status: 0,
      expect: { '/tmp/r': 'file 1000:1000 0644' },
    },
    {
      name: 'sudo without a NOPASSWD rule fails',
      src: 'sudo mkdir /opt/x',
      user: 'alice',
      status: 1,
      stderr: [
        'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper',
        'sudo: a password is required',
      ],
      expect: { '/opt/x': 'missing' },
    },
    {
      name: 'sh -c runs its script with positional arguments',
      src: `sh -c 'mkdir -p "$1"' sh /opt/pos`,
      status: 0,
      expect: { '/opt/pos': 'dir 0:0 0755' },
    },
    {
      name: 'env VAR=x cmd passes the variable',
      src: `env TARGET=/opt/envdir sh -c 'mkdir "$TARGET"'`,
      status: 0,
      expect: { '/opt/envdir': 'dir 0:0 0755' },
    },
    {
      // Names of Object's own members are shell variables like any other (dash and bash).
      name: 'variables named __proto__ and constructor keep their values',
      src: `__proto__=/opt/proto; constructor=/opt/ctor; mkdir "$__proto__" "$constructor"`,
      status: 0,
      expect: { '/opt/proto': 'dir 0:0 0755', '/opt/ctor': 'dir 0:0 0755' },
    },
  ];
  for (const c of cases) test(c.name, () => check(c));

  test('sudo with a NOPASSWD rule runs as root', () => {
    const s = image();
    refreshDerived(s);
    run(s, "echo 'alice ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/alice");
    const out = run(s, 'sudo mkdir /opt/x && sudo chown alice /opt/x', 'alice');
    assert.equal(out.status, 0, out.stderr.join('\n'));
    assert.equal(meta(s, '/opt/x'), 'dir 1000:0 0755');
  });

  test('sudo that is not installed is not found', () => {
    const s = image();
    delete s.packages.sudo;
    s.fs.delete('/usr/bin/sudo');
    const out = run(s, 'sudo true');
    assert.equal(out.status, 127);
    assert.deepEqual(out.stderr, ['/bin/sh: 1: sudo: not found']);
  });
});

describe('id and friends', () => {
  test('id prints the identity like coreutils', () => {
    const s = image();
    const out = run(
      s,
      '[ "$(id)" = "uid=1000(alice) gid=1000(alice) groups=1000(alice),27(sudo)" ] && touch /tmp/id-ok; ' +
        '[ "$(id -G)" = "1000 27" ] && touch /tmp/groups-ok; [ "$(id -un)" = alice ] && touch /tmp/name-ok',
      'alice',
    );
    assert.equal(out.status, 0);
    for (const p of ['/tmp/id-ok', '/tmp/groups-ok', '/tmp/name-ok']) {
      assert.equal(meta(s, p), 'file 1000:1000 0644', p);
    }

    const missing = run(image(), 'id nobody');
    assert.equal(missing.status, 1);
    assert.deepEqual(missing.stderr, ["id: 'nobody': no such user"]);
  });

  test('getent decides a branch', () => {
    const s = image();
    run(s, 'getent group staff >/dev/null || groupadd staff; getent passwd carol || touch /no-carol');
    assert.equal(meta(s, '/no-carol'), 'file 0:0 0644');
  });

  test('a script string that does not parse fails with status 2', () => {
    const s = image();
    const init = { state: s, ident: as(s, 'root'), env: new Map(), cwd: '/', file: 'Dockerfile', line: 3 };
    const out = runScript('if then', { ...init, builder: 'buildkit' });
    assert.equal(out.status, 2);
    assert.match(out.stderr[0], /^\/bin\/sh: 1: Syntax error/);
  });
});

describe('more wrappers and builtins', () => {
  const cases: Case[] = [
    {
      name: 'sudo -u as root switches to the user',
      src: 'sudo -u bob touch /tmp/sb',
      status: 0,
      expect: { '/tmp/sb': 'file 1001:1001 0644' },
    },
    {
      name: 'su-exec as root',
      src: 'su-exec alice:staff mkdir /tmp/se',
      status: 0,
      expect: { '/tmp/se': 'dir 1000:50 0755' },
    },
    {
      name: 'setpriv --reuid --regid --clear-groups',
      src: 'setpriv --reuid=1001 --regid=1001 --clear-groups touch /tmp/sp',
      status: 0,
      expect: { '/tmp/sp': 'file 1001:1001 0644' },
    },
    {
      name: 'gosu --version and -h succeed, then gosu USER true (measured: failures/gosu-version-check)',
      src: 'set -e; gosu --version; gosu -h; gosu bob true; touch /checked',
      status: 0,
      expect: { '/checked': 'file 0:0 0644' },
    },
    {
      name: 'gosu with a user and no command fails with its usage (measured: failures/gosu-no-command)',
      src: 'gosu nobody',
      status: 1,
      stderr: ['Usage: gosu user-spec command [args]'],
    },
    {
      name: 'gosu as a non-root user is refused',
      src: 'gosu root touch /x',
      user: 'alice',
      status: 1,
      stderr: ['error: failed switching to "root": operation not permitted'],
    },
    {
      name: 'command -v finds a binary in the tree',
      src: 'command -v sudo >/dev/null && touch /has-sudo',
      status: 0,
      expect: { '/has-sudo': 'file 0:0 0644' },
    },
    {
      name: 'xargs runs the command with the items of its input',
      src: 'printf "/a\\n/b\\n" | xargs mkdir -p',
      status: 0,
      expect: { '/a': 'dir 0:0 0755', '/b': 'dir 0:0 0755' },
    },
    {
      name: 'xargs -I runs once per line',
      src: 'echo alice bob | tr " " "\\n" | xargs -I{} mkdir /tmp/{}',
      status: 'unknown',
    },
    {
      name: 'nohup and nice pass the command through',
      src: 'nohup nice -n 5 touch /tmp/n',
      user: 'alice',
      status: 0,
      expect: { '/tmp/n': 'file 1000:1000 0644' },
    },
    {
      name: 'dash has no [[ ]], whatever it holds',
      src: '[[ "$(id -un)" == al* ]] && touch /tmp/al',
      user: 'alice',
      status: 127,
      stderr: ['/bin/sh: 1: [[: not found'],
      expect: { '/tmp/al': 'missing' },
    },
    {
      name: 'cat of a tracked file feeds a pipe',
      src: 'cat /etc/sudoers | grep -q sudo && touch /x',
      status: 0,
      expect: { '/x': 'file 0:0 0644' },
    },
    {
      name: 'whoami as root succeeds',
      src: 'whoami',
      status: 0,
    },
  ];
  for (const c of cases) test(c.name, () => check(c));

  test('whoami for a uid with no passwd entry', () => {
    const s = image();
    const out = runScript('whoami', {
      state: s,
      ident: { uid: 4242, gid: 0, groups: [0], caps: new Set(), home: '/' },
      env: new Map(),
      cwd: '/',
      builder: 'buildkit',
      file: 'Dockerfile',
      line: 1,
    });
    assert.equal(out.status, 1);
    assert.deepEqual(out.stderr, ['whoami: cannot find name for user ID 4242']);
  });
});

describe('texts written by here-documents and printf', () => {
  test('cat <<EOF > jupyter config stores the text', () => {
    const s = image();
    s.fs.set('/home/alice/.jupyter', { kind: 'dir', uid: 1000, gid: 1000, mode: 0o755 });
    const src = "cat > /home/alice/.jupyter/jupyter_server_config.py <<'EOF'\nc.ServerApp.token = ''\nc.ServerApp.ip = '0.0.0.0'\nEOF";
    const out = run(s, src, 'alice');
    assert.equal(out.status, 0, out.stderr.join('\n'));
    const p = '/home/alice/.jupyter/jupyter_server_config.py';
    assert.equal(s.texts[p].content, "c.ServerApp.token = ''\nc.ServerApp.ip = '0.0.0.0'\n");
    assert.equal(meta(s, p), 'file 1000:1000 0644');
  });

  test('an unquoted here-document expands variables', () => {
    const s = image();
    const out = run(s, 'U=bob; cat <<EOF > /etc/sudoers.d/$U\n$U ALL=(ALL) NOPASSWD: ALL\nEOF');
    assert.equal(out.status, 0);
    assert.equal(s.texts['/etc/sudoers.d/bob'].content, 'bob ALL=(ALL) NOPASSWD: ALL\n');
  });

  test('printf >> /etc/pip.conf appends', () => {
    const s = image();
    run(s, "printf '[global]\\nbreak-system-packages = true\\n' >> /etc/pip.conf");
    assert.equal(s.texts['/etc/pip.conf'].content, '[global]\nbreak-system-packages = true\n');
  });

  test('arithmetic expansion with variables', () => {
    const s = image();
    run(s, 'BASE=1000; mkdir /tmp/u$((BASE + 1))');
    assert.equal(meta(s, '/tmp/u1001'), 'dir 0:0 0755');
  });

  test('a file written under an unlisted directory of a partial tree invents no entry', () => {
    const s = image();
    const out = run(s, 'echo x > /opt/conda/pkgs/urls.txt');
    assert.equal(out.status, 0);
    assert.equal(meta(s, '/opt/conda/pkgs/urls.txt'), 'missing');
    assert.ok(s.unknowns.some((u) => u.paths.includes('/opt/conda/pkgs/urls.txt')));
  });
});

describe('guards', () => {
  test('a function that calls itself forever is cut off as unknown', () => {
    const s = image();
    const out = run(s, 'f() { f; }; f');
    assert.equal(out.status, 'unknown');
  });

  test('exit N names itself as the failing command', () => {
    const out = run(image(), 'false || true; exit 4');
    assert.equal(out.status, 4);
    assert.deepEqual(out.failedAt, { line: 10, command: 'exit 4', stderr: [] });
  });
});

describe('syntax errors in the words of the shell that runs the script', () => {
  // [shell, script, stderr]: stderr as `sh -c` (dash 0.5.12), `/bin/bash -c` (bash 5.2) and
  // BusyBox 1.35 ash as /bin/sh printed them on the development machine; all exit 2.
  const cases: [string, string, string[]][] = [
    ["dash", "echo \"x", ["/bin/sh: 1: Syntax error: Unterminated quoted string"]],
    ["bash", "echo \"x", ["/bin/bash: -c: line 1: unexpected EOF while looking for matching `\"'"]],
    ["ash", "echo \"x", ["/bin/sh: syntax error: unterminated quoted string"]],
    ["dash", "echo 'x", ["/bin/sh: 1: Syntax error: Unterminated quoted string"]],
    ["bash", "echo 'x", ["/bin/bash: -c: line 1: unexpected EOF while looking for matching `''"]],
    ["ash", "echo 'x", ["/bin/sh: syntax error: unterminated quoted string"]],
    ["dash", "echo `x", ["/bin/sh: 1: Syntax error: EOF in backquote substitution"]],
    ["bash", "echo `x", ["/bin/bash: -c: line 1: unexpected EOF while looking for matching ``'"]],
    ["ash", "echo `x", ["/bin/sh: syntax error: EOF in backquote substitution"]],
    ["dash", "if true; then echo", ["/bin/sh: 1: Syntax error: end of file unexpected (expecting \"fi\")"]],
    ["bash", "if true; then echo", ["/bin/bash: -c: line 2: syntax error: unexpected end of file"]],
    ["ash", "if true; then echo", ["/bin/sh: syntax error: unexpected end of file (expecting \"fi\")"]],
    ["dash", "if true\nthen echo", ["/bin/sh: 2: Syntax error: end of file unexpected (expecting \"fi\")"]],
    ["bash", "if true\nthen echo", ["/bin/bash: -c: line 3: syntax error: unexpected end of file"]],
    ["ash", "if true\nthen echo", ["/bin/sh: syntax error: unexpected end of file (expecting \"fi\")"]],
    ["dash", "echo a; if true; then echo", ["/bin/sh: 1: Syntax error: end of file unexpected (expecting \"fi\")"]],
    ["bash", "echo a; if true; then echo", ["/bin/bash: -c: line 2: syntax error: unexpected end of file"]],
    ["ash", "echo a; if true; then echo", ["/bin/sh: syntax error: unexpected end of file (expecting \"fi\")"]],
    ["dash", "echo $((1 + 2", ["/bin/sh: 1: Syntax error: Missing '))'"]],
    ["bash", "echo $((1 + 2", ["/bin/bash: -c: line 1: unexpected EOF while looking for matching `)'"]],
    ["ash", "echo $((1 + 2", ["/bin/sh: syntax error: missing '))'"]],
    ["dash", "echo ${x", ["/bin/sh: 1: Syntax error: Missing '}'"]],
    ["bash", "echo ${x", ["/bin/bash: -c: line 1: unexpected EOF while looking for matching `}'"]],
    ["ash", "echo ${x", ["/bin/sh: syntax error: missing '}'"]],
    ["dash", "(echo a", ["/bin/sh: 1: Syntax error: end of file unexpected (expecting \")\")"]],
    ["bash", "(echo a", ["/bin/bash: -c: line 2: syntax error: unexpected end of file"]],
    ["ash", "(echo a", ["/bin/sh: syntax error: unexpected end of file (expecting \")\")"]],
    ["dash", "{ echo a", ["/bin/sh: 1: Syntax error: end of file unexpected (expecting \"}\")"]],
    ["bash", "{ echo a", ["/bin/bash: -c: line 2: syntax error: unexpected end of file"]],
    ["ash", "{ echo a", ["/bin/sh: syntax error: unexpected end of file (expecting \"}\")"]],
    ["dash", "for i in a; do echo", ["/bin/sh: 1: Syntax error: end of file unexpected (expecting \"done\")"]],
    ["bash", "for i in a; do echo", ["/bin/bash: -c: line 2: syntax error: unexpected end of file"]],
    ["ash", "for i in a; do echo", ["/bin/sh: syntax error: unexpected end of file (expecting \"done\")"]],
    ["dash", "while true; do echo", ["/bin/sh: 1: Syntax error: end of file unexpected (expecting \"done\")"]],
    ["bash", "while true; do echo", ["/bin/bash: -c: line 2: syntax error: unexpected end of file"]],
    ["ash", "while true; do echo", ["/bin/sh: syntax error: unexpected end of file (expecting \"done\")"]],
    ["dash", "if", ["/bin/sh: 1: Syntax error: end of file unexpected (expecting \"then\")"]],
    ["bash", "if", ["/bin/bash: -c: line 2: syntax error: unexpected end of file"]],
    ["ash", "if", ["/bin/sh: syntax error: unexpected end of file (expecting \"then\")"]],
    ["dash", "case a in a) echo 1 ;& b) echo 2;; esac", ["/bin/sh: 1: Syntax error: \"&\" unexpected"]],
    ["dash", "case a in a) echo 1 ;;& b) echo 2;; esac", ["/bin/sh: 1: Syntax error: word unexpected (expecting \")\")"]],
    ["dash", "case a in\na) echo 1 ;;&\nb) echo 2;; esac", ["/bin/sh: 3: Syntax error: newline unexpected (expecting \")\")"]],
    ["dash", "case a in a) echo 1 ;;&", ["/bin/sh: 1: Syntax error: end of file unexpected (expecting \")\")"]],
    ["dash", "echo a |", ["/bin/sh: 1: Syntax error: end of file unexpected"]],
    ["bash", "echo a |", ["/bin/bash: -c: line 2: syntax error: unexpected end of file"]],
    ["ash", "echo a |", ["/bin/sh: syntax error: unexpected end of file"]],
    ["dash", "echo )", ["/bin/sh: 1: Syntax error: \")\" unexpected"]],
    ["bash", "echo )", ["/bin/bash: -c: line 1: syntax error near unexpected token `)'", "/bin/bash: -c: line 1: `echo )'"]],
    ["ash", "echo )", ["/bin/sh: syntax error: unexpected \")\""]],
    ["dash", "echo a; fi", ["/bin/sh: 1: Syntax error: \"fi\" unexpected"]],
    ["bash", "echo a; fi", ["/bin/bash: -c: line 1: syntax error near unexpected token `fi'", "/bin/bash: -c: line 1: `echo a; fi'"]],
    ["ash", "echo a; fi", ["/bin/sh: syntax error: unexpected \"fi\""]],
    ["dash", "if true; then echo; fi fi", ["/bin/sh: 1: Syntax error: \"fi\" unexpected"]],
    ["bash", "if true; then echo; fi fi", ["/bin/bash: -c: line 1: syntax error near unexpected token `fi'", "/bin/bash: -c: line 1: `if true; then echo; fi fi'"]],
    ["ash", "if true; then echo; fi fi", ["/bin/sh: syntax error: unexpected \"fi\""]],
    ["dash", "echo $(id", ["/bin/sh: 1: Syntax error: end of file unexpected (expecting \")\")"]],
    ["bash", "echo $(id", ["/bin/bash: -c: line 2: unexpected EOF while looking for matching `)'"]],
    ["ash", "echo $(id", ["/bin/sh: syntax error: unexpected end of file (expecting \")\")"]],
  ];
  for (const [shell, src, stderr] of cases) {
    test(`${shell}: ${JSON.stringify(src)}`, () => {
      const s = image();
      if (shell === 'ash') s.distro = 'alpine';
      const out = runScript(src, {
        state: s, ident: as(s, 'root'), env: new Map(), cwd: '/', builder: 'buildkit', file: 'Dockerfile', line: 1,
        shell: shell === 'bash' ? ['/bin/bash', '-c'] : undefined,
      });
      assert.equal(out.status, 2);
      assert.deepEqual(out.stderr, stderr);
    });
  }
});

describe('(( at the start of a command', () => {
  interface ArithCase { name: string; shell: 'dash' | 'bash'; src: string; status: number | 'unknown'; stderr?: string[]; expect?: Record<string, string> }
  // Statuses and texts as dash and bash 5.2 gave them here.
  const cases: ArithCase[] = [
    { name: 'dash: two nested subshells with a redirection', shell: 'dash', src: '((echo a && echo b) > /tmp/log)', status: 0, expect: { '/tmp/log': 'file 0:0 0644' } },
    { name: 'dash: (( )) text is never arithmetic', shell: 'dash', src: '((true) && (touch /tmp/t))', status: 0, expect: { '/tmp/t': 'file 0:0 0644' } },
    { name: 'bash: nested subshells when no )) closes the text', shell: 'bash', src: '((echo a && echo b) > /tmp/log)', status: 0, expect: { '/tmp/log': 'file 0:0 0644' } },
    { name: 'bash: an assignment changes the variable', shell: 'bash', src: 'i=0; ((i+=1)); touch /tmp/i$i', status: 0, expect: { '/tmp/i1': 'file 0:0 0644' } },
    { name: 'bash: a post-increment gives the old value', shell: 'bash', src: 'i=0; ((i++)) || touch /tmp/was$i', status: 0, expect: { '/tmp/was1': 'file 0:0 0644' } },
    { name: 'bash: a zero value is status 1', shell: 'bash', src: '((0))', status: 1 },
    { name: 'bash: a comparison that holds is status 0', shell: 'bash', src: 'n=3; (( n > 2 && n != 5 ))', status: 0 },
    { name: 'bash: the comma operator gives the last value', shell: 'bash', src: '((x = 3, x * 2 - 6))', status: 1 },
    { name: 'bash: && skips the other side, its assignment too', shell: 'bash', src: 'a=0; ((a && (b = 1))); ((b)) || touch /tmp/nob', status: 0, expect: { '/tmp/nob': 'file 0:0 0644' } },
    { name: 'bash: set -e stops at a zero value', shell: 'bash', src: 'set -e; ((0)); touch /tmp/after', status: 1, expect: { '/tmp/after': 'missing' } },
    { name: 'bash: words are a syntax error in expression', shell: 'bash', src: '((echo a))', status: 1,
      stderr: ['/bin/bash: line 1: ((: echo a: syntax error in expression (error token is "a")'] },
    { name: 'bash: a missing operand names the last token', shell: 'bash', src: '((1 +))', status: 1,
      stderr: ['/bin/bash: line 1: ((: 1 +: syntax error: operand expected (error token is "+")'] },
    { name: 'bash: a value the model does not know is unknown', shell: 'bash', src: 'n=$(mytool --count); ((n > 0))', status: 'unknown' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = image();
      refreshDerived(s);
      const env: Map<string, string> = new Map();
      const init = { state: s, ident: as(s, 'root'), env, cwd: '/', builder: 'buildkit' as const, file: 'Dockerfile', line: 1 };
      const out = runScript(c.src, { ...init, shell: c.shell === 'bash' ? ['/bin/bash', '-c'] : undefined });
      assert.equal(out.status, c.status, JSON.stringify(out.stderr));
      if (c.stderr) assert.deepEqual(out.stderr, c.stderr);
      for (const [p, want] of Object.entries(c.expect ?? {})) assert.equal(meta(s, p), want, p);
    });
  }

  test('the SHELL options -o pipefail and -e reach the script', () => {
    const s = image();
    const init = { state: s, ident: as(s, 'root'), env: new Map(), cwd: '/', builder: 'buildkit' as const, file: 'Dockerfile', line: 1 };
    const piped = runScript('false | true', { ...init, shell: ['/bin/bash', '-o', 'pipefail', '-c'] });
    const plain = runScript('false | true', { ...init, shell: ['/bin/bash', '-c'] });
    const errexit = runScript('false; touch /tmp/e', { ...init, shell: ['/bin/sh', '-ec'] });
    assert.deepEqual([piped.status, plain.status, errexit.status, meta(s, '/tmp/e')], [1, 0, 1, 'missing']);
  });
});

describe('set -u and ${X?}: a variable known to be unset ends the shell', () => {
  // [name, shell, script, stderr, status, files that exist after]: as dash 0.5.12 and bash 5.2
  // printed and exited here (`sh -c` / `/bin/bash -c`, or the script file named in argv0).
  type U = { name: string; shell: 'dash' | 'bash'; src: string; stderr: string[]; status: number | 'unknown'; argv0?: string; made?: string[] };
  const cases: U[] = [
    { name: 'dash: set -u stops at the unset variable', shell: 'dash', src: 'set -u; touch /tmp/a; echo "$X"; touch /tmp/b', stderr: ['/bin/sh: 1: X: parameter not set'], status: 2, made: ['/tmp/a'] },
    { name: 'bash -c: unbound variable, status 127', shell: 'bash', src: 'set -u; echo $X; touch /tmp/b', stderr: ['/bin/bash: line 1: X: unbound variable'], status: 127 },
    { name: 'bash -c with set -e: status 1', shell: 'bash', src: 'set -eu; echo $X', stderr: ['/bin/bash: line 1: X: unbound variable'], status: 1 },
    { name: 'defaults, $@, $* and $# are no error', shell: 'bash', src: 'set -u; echo ${X:-d} ${X-e} "$@" "$#" $* > /tmp/a', stderr: [], status: 0, made: ['/tmp/a'] },
    { name: 'dash: ${#X} is an error too', shell: 'dash', src: 'set -u; echo ${#X}', stderr: ['/bin/sh: 1: X: parameter not set'], status: 2 },
    { name: 'dash: an unset positional parameter', shell: 'dash', src: 'set -u; echo $1', stderr: ['/bin/sh: 1: 1: parameter not set'], status: 2 },
    { name: 'bash: an unset positional parameter is named with its $', shell: 'bash', src: 'set -u; echo $1', stderr: ['/bin/bash: line 1: $1: unbound variable'], status: 127 },
    { name: 'dash: a subshell ends itself only', shell: 'dash', src: 'set -u; ( echo $Z ); touch /tmp/a', stderr: ['/bin/sh: 1: Z: parameter not set'], status: 0, made: ['/tmp/a'] },
    { name: 'bash: a command substitution ends with status 1', shell: 'bash', src: 'set -u; x=$(echo $Y); touch /tmp/a$?', stderr: ['/bin/bash: line 1: Y: unbound variable'], status: 0, made: ['/tmp/a1'] },
    { name: 'bash: an if condition does not protect it', shell: 'bash', src: 'set -u; if [ -n "$Z" ]; then touch /tmp/a; fi; touch /tmp/b', stderr: ['/bin/bash: line 1: Z: unbound variable'], status: 127 },
    { name: 'set +u turns it off again', shell: 'dash', src: 'set -u; set +u; echo "$X" > /tmp/a', stderr: [], status: 0, made: ['/tmp/a'] },
    { name: 'a set variable, even empty, is no error', shell: 'dash', src: 'set -u; X=; echo "$X" "$HOME" > /tmp/a', stderr: [], status: 0, made: ['/tmp/a'] },
    { name: 'dash: ${X?} without set -u', shell: 'dash', src: 'echo ${X?}; touch /tmp/a', stderr: ['/bin/sh: 1: X: parameter not set'], status: 2 },
    { name: 'dash: ${X:?} on an empty value', shell: 'dash', src: 'X=; echo ${X:?}', stderr: ['/bin/sh: 1: X: parameter not set or null'], status: 2 },
    { name: 'bash: ${X:?} names null first', shell: 'bash', src: 'echo ${X:?}', stderr: ['/bin/bash: line 1: X: parameter null or not set'], status: 127 },
    { name: 'the ? word is the message, expanded', shell: 'dash', src: 'echo ${X:?"need $HOME"}', stderr: ['/bin/sh: 1: X: need /root'], status: 2 },
    { name: 'bash: a script file ends with status 1, named by its path', shell: 'bash', argv0: '/tmp/u3.sh', src: '#!/bin/bash\nset -u\necho "$X"\n', stderr: ['/tmp/u3.sh: line 3: X: unbound variable'], status: 1 },
    { name: 'dash: a script file, with its line', shell: 'dash', argv0: '/tmp/u2.sh', src: '#!/bin/sh\nset -eu\n\necho "$X"\n', stderr: ['/tmp/u2.sh: 4: X: parameter not set'], status: 2 },
    { name: 'bash -c started by name: $0 is bash', shell: 'dash', src: "bash -c 'set -u; echo $X'", stderr: ['bash: line 1: X: unbound variable'], status: 127 },
    { name: 'sh -u -c sets it for the child shell', shell: 'dash', src: "sh -u -c 'echo $X'", stderr: ['sh: 1: X: parameter not set'], status: 2 },
    { name: 'in a build step TERM is unset (the engine sets it only at start, with -t)', shell: 'dash', src: 'set -u; [ "$TERM" = dumb ]', stderr: ['/bin/sh: 1: TERM: parameter not set'], status: 2 },
    { name: 'an assignment alone has the status of its command substitution', shell: 'dash', src: 'x=$(false) || touch /tmp/a; x=$(true) && touch /tmp/b', stderr: [], status: 0, made: ['/tmp/a', '/tmp/b'] },
    { name: 'set -e ends the shell on a failing assignment', shell: 'dash', src: 'set -e; x=$(false); touch /tmp/a', stderr: [], status: 1 },
    // A sourced script whose text is not known may set any variable (measured with /etc/os-release:
    // shells/set-u-after-sourcing-unknown); one set after it is known again.
    { name: 'after sourcing an unknown script an unset variable is not known, so no error', shell: 'dash', src: 'wget -q -O /tmp/env.sh http://example.invalid/env.sh; set -u; . /tmp/env.sh; echo "$X"; touch /tmp/a', stderr: [], status: 0, made: ['/tmp/a'] },
    { name: 'before the unknown script an unset variable is still an error', shell: 'dash', src: 'wget -q -O /tmp/env.sh http://example.invalid/env.sh; set -u; echo "$X"; . /tmp/env.sh; touch /tmp/a', stderr: ['/bin/sh: 1: X: parameter not set'], status: 2 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = image();
      refreshDerived(s);
      const out = runScript(c.src, {
        state: s, ident: as(s, 'root'), env: new Map([['HOME', '/root']]), cwd: '/', builder: 'buildkit', file: 'Dockerfile', line: 1,
        shell: c.shell === 'bash' ? ['/bin/bash', '-c'] : undefined, ...(c.argv0 ? { argv0: c.argv0, shell: [c.shell === 'bash' ? '/bin/bash' : '/bin/sh'] } : {}),
      });
      assert.equal(out.status, c.status, JSON.stringify(out.stderr));
      assert.deepEqual(out.stderr, c.stderr);
      for (const p of ['/tmp/a', '/tmp/b', '/tmp/a1']) assert.equal(meta(s, p) !== 'missing', (c.made ?? []).includes(p), p);
    });
  }
});

describe("bash's case fall-through", () => {
  // Files and statuses as bash 5.2 gave them here.
  const cases: [string, string, string[], number][] = [
    [';& runs the next body without testing its pattern', 'case gpu in gpu) touch /tmp/a ;& cpu) touch /tmp/b ;; *) touch /tmp/c ;; esac', ['/tmp/a', '/tmp/b'], 0],
    [';;& goes on testing the next patterns', 'case gpu in g*) touch /tmp/a ;;& cpu) touch /tmp/b ;; gp*) touch /tmp/c ;;& *) touch /tmp/d ;; esac', ['/tmp/a', '/tmp/c', '/tmp/d'], 0],
    ['an empty body fallen into is status 0', 'case x in x) false ;& y) ;; esac', [], 0],
    ['after ;;& with no other match the status is the last body\'s', 'case x in x) false ;;& y) true ;; esac', [], 1],
  ];
  for (const [name, src, made, status] of cases) {
    test(name, () => {
      const s = image();
      refreshDerived(s);
      const out = runScript(src, { state: s, ident: as(s, 'root'), env: new Map(), cwd: '/', builder: 'buildkit', file: 'Dockerfile', line: 1, shell: ['/bin/bash', '-c'] });
      assert.equal(out.status, status, JSON.stringify(out.stderr));
      assert.deepEqual(['/tmp/a', '/tmp/b', '/tmp/c', '/tmp/d'].filter((p) => meta(s, p) !== 'missing'), made);
    });
  }
});

describe('what dash, bash and BusyBox ash each accept', () => {
  interface FlavorCase {
    name: string;
    /** The SHELL argv; the distro picks what /bin/sh is (Debian: dash, Alpine: BusyBox ash). */
    shell: string[];
    distro?: 'alpine';
    /** Default buildkit. */
    builder?: 'buildah';
    src: string;
    status: number | 'unknown';
    stderr: string[];
    expect?: Record<string, string>;
  }
  const sh = ['/bin/sh', '-c'];
  const shPipefail = ['/bin/sh', '-o', 'pipefail', '-c'];
  const bashPipefail = ['/bin/bash', '-o', 'pipefail', '-c'];
  // Texts and statuses of dash 0.5.12, bash 5.2.15 and BusyBox 1.35 ash (`busybox sh`) here.
  const cases: FlavorCase[] = [
    { name: 'dash refuses -o pipefail before the script', shell: shPipefail, src: 'touch /x', status: 2,
      stderr: ['/bin/sh: 0: Illegal option -o pipefail'], expect: { '/x': 'missing' } },
    { name: 'dash refuses +o pipefail with the same words', shell: ['/bin/sh', '+o', 'pipefail', '-c'], src: 'true',
      status: 2, stderr: ['/bin/sh: 0: Illegal option -o pipefail'] },
    { name: 'dash refuses -o pipefail grouped with -e', shell: ['/bin/sh', '-eo', 'pipefail', '-c'], src: 'true',
      status: 2, stderr: ['/bin/sh: 0: Illegal option -o pipefail'] },
    { name: 'dash accepts the -o options it knows', shell: ['/bin/sh', '-o', 'errexit', '-c'], src: 'false; touch /x',
      status: 1, stderr: [], expect: { '/x': 'missing' } },
    { name: 'bash accepts -o pipefail', shell: bashPipefail, src: 'false | true', status: 1, stderr: [] },
    { name: 'BusyBox ash accepts -o pipefail', shell: shPipefail, distro: 'alpine', src: 'false | touch /x',
      status: 1, stderr: [], expect: { '/x': 'file 0:0 0644' } },
    { name: 'bash accepts set -o pipefail', shell: ['/bin/bash', '-c'], src: 'set -o pipefail; false | true', status: 1,
      stderr: [] },
    { name: 'set -o pipefail ends only the dash subshell', shell: sh, src: '(set -o pipefail; touch /x); touch /y',
      status: 0, stderr: ['/bin/sh: 1: set: Illegal option -o pipefail'], expect: { '/x': 'missing', '/y': 'file 0:0 0644' } },
    { name: 'dash: == in [ ] is an unexpected operator (status 2), so && skips the user', shell: sh,
      src: '[ "$(id -u)" == "0" ] && useradd -m eqeq', status: 2, stderr: ['/bin/sh: 1: [: 0: unexpected operator'], expect: { '/home/eqeq': 'missing' } },
    { name: 'dash: test with == names the word before it, or none when empty', shell: sh,
      src: 'test a == a; [ "" == "" ] || touch /x', status: 0, stderr: ['/bin/sh: 1: test: a: unexpected operator', '/bin/sh: 1: [: unexpected operator'], expect: { '/x': 'file 0:0 0644' } },
    { name: 'bash: == in [ ] compares', shell: ['/bin/bash', '-c'], src: '[ "$(id -u)" == "0" ] && touch /x', status: 0, stderr: [], expect: { '/x': 'file 0:0 0644' } },
    { name: 'dash: &> is & and then a redirection alone, so || never runs', shell: sh,
      src: 'id ghost &>/tmp/out || useradd -m ghost', status: 0, stderr: ["id: 'ghost': no such user"], expect: { '/tmp/out': 'file 0:0 0644', '/home/ghost': 'missing' } },
    { name: 'bash: &> sends both streams to the file', shell: ['/bin/bash', '-c'],
      src: 'id ghost &>/tmp/out || useradd -m ghost', status: 0, stderr: [], expect: { '/tmp/out': 'file 0:0 0644', '/home/ghost': 'dir 1002:1002 0755' } },
    { name: 'dash: ${x,,} is a bad substitution at run time, after what ran before it', shell: sh,
      src: 'touch /x; x=Ab; useradd -m "${x,,}"; touch /y', status: 2, stderr: ['/bin/sh: 1: Bad substitution'], expect: { '/x': 'file 0:0 0644', '/y': 'missing' } },
    { name: 'dash: ${x//a/b}, ${x:0:2} and ${!x} too', shell: sh,
      src: 'x=abc; (echo ${x//a/b}); (echo ${x:0:2}); (echo ${!x}); touch /y', status: 0,
      stderr: ['/bin/sh: 1: Bad substitution', '/bin/sh: 1: Bad substitution', '/bin/sh: 1: Bad substitution'], expect: { '/y': 'file 0:0 0644' } },
    { name: 'dash: let is not found', shell: sh, src: 'let n=1+1', status: 127, stderr: ['/bin/sh: 1: let: not found'] },
    { name: 'dash: a here-string is a syntax error', shell: sh, src: 'touch /x; read -r x <<< "data"', status: 2,
      stderr: ['/bin/sh: 1: Syntax error: redirection unexpected'], expect: { '/x': 'missing' } },
    { name: 'dash: the function keyword is a word, so the } is unexpected', shell: sh, src: 'function mk { useradd -m fnuser; }; mk', status: 2,
      stderr: ['/bin/sh: 1: Syntax error: "}" unexpected'] },
    { name: 'dash: function NAME() meets ( where it wants a word', shell: sh, src: 'function mk() { echo hi; }', status: 2,
      stderr: ['/bin/sh: 1: Syntax error: "(" unexpected'] },
    { name: 'dash: an array assignment meets ( too', shell: sh, src: 'a=(1 2)', status: 2,
      stderr: ['/bin/sh: 1: Syntax error: "(" unexpected'] },
    { name: 'bash: arrays are bash\'s own syntax, which the model does not follow: not known, no error', shell: ['/bin/bash', '-c'],
      src: 'a=(p q); mkdir /opt/arr_${a[1]}', status: 'unknown', stderr: [] },
    { name: 'bash -c with arrays inside a dash RUN: the same', shell: sh,
      src: "bash -c 'if false; then a=(1 2); fi; mkdir /opt/bau'", status: 'unknown', stderr: [] },
    { name: 'dash: [[ is not found, so && skips the rest', shell: sh, src: '[[ 1 == 1 ]] && touch /x', status: 127,
      stderr: ['/bin/sh: 1: [[: not found'], expect: { '/x': 'missing' } },
    { name: 'dash: [[ is not found and || runs the other side', shell: sh, src: '[[ -d / ]] || touch /x', status: 0,
      stderr: ['/bin/sh: 1: [[: not found'], expect: { '/x': 'file 0:0 0644' } },
    { name: 'dash: && inside [[ ]] splits the words into two commands', shell: sh,
      src: '[[ 1 == 2 && 2 == 2 ]]', status: 127, stderr: ['/bin/sh: 1: [[: not found'] },
    { name: 'dash: [[ with a value the model does not know is still not found', shell: sh,
      src: '[[ $(mytool) == y ]]', status: 127, stderr: ['/bin/sh: 1: [[: not found'] },
    { name: 'dash: the line of [[ is the line of the script', shell: sh, src: 'true\n[[ 1 == 1 ]]', status: 127,
      stderr: ['/bin/sh: 2: [[: not found'] },
    { name: 'dash: an if over [[ takes the else branch', shell: sh,
      src: 'if [[ 1 == 1 ]]; then touch /x; else touch /y; fi', status: 0,
      stderr: ['/bin/sh: 1: [[: not found'], expect: { '/x': 'missing', '/y': 'file 0:0 0644' } },
    { name: 'bash: [[ tests', shell: ['/bin/bash', '-c'], src: '[[ 1 == 1 ]] && touch /x', status: 0, stderr: [],
      expect: { '/x': 'file 0:0 0644' } },
    { name: 'bash: [[ ]] matches a glob pattern', shell: ['/bin/bash', '-c'],
      src: '[[ "$(id -un)" == ro* ]] && touch /x', status: 0, stderr: [], expect: { '/x': 'file 0:0 0644' } },
    { name: 'bash: -e after -o pipefail counts too', shell: ['/bin/bash', '-o', 'pipefail', '-e', '-c'],
      src: 'false | true; touch /x', status: 1, stderr: [], expect: { '/x': 'missing' } },
    { name: 'BusyBox ash: [[ tests', shell: sh, distro: 'alpine', src: '[[ 1 == 2 || 2 == 2 ]] && touch /x', status: 0,
      stderr: [], expect: { '/x': 'file 0:0 0644' } },
    { name: 'dash: a division by zero ends the shell with 2', shell: sh, src: 'x=$((1/0)); touch /x\ntouch /y',
      status: 2, stderr: ['/bin/sh: 1: arithmetic expression: division by zero: "1/0"'],
      expect: { '/x': 'missing', '/y': 'missing' } },
    { name: 'dash: it quotes the text as written and ends only a subshell', shell: sh,
      src: '(echo $(( (2+3)/0 )) > /x); touch /y', status: 0,
      stderr: ['/bin/sh: 1: arithmetic expression: division by zero: " (2+3)/0 "'],
      expect: { '/x': 'missing', '/y': 'file 0:0 0644' } },
    { name: 'dash: the line is the line of the script', shell: sh, src: 'true\ntouch /x$((5%0))', status: 2,
      stderr: ['/bin/sh: 2: arithmetic expression: division by zero: "5%0"'], expect: { '/x0': 'missing' } },
    { name: 'BusyBox ash: a division by zero ends the shell with 2', shell: sh, distro: 'alpine',
      src: 'x=$((1/0)); touch /x', status: 2, stderr: ['/bin/sh: divide by zero'], expect: { '/x': 'missing' } },
    { name: 'bash: a division by zero drops the rest of its line, status 1', shell: ['/bin/bash', '-c'],
      src: 'x=$((1/0)); touch /x', status: 1, stderr: ['/bin/bash: line 1: 1/0: division by 0 (error token is "0")'],
      expect: { '/x': 'missing' } },
    { name: 'bash: the next line runs, even under -e, and $? is 1', shell: ['/bin/bash', '-e', '-c'],
      src: 'x=$((1/0)) || touch /x\ntouch /y$?', status: 0,
      stderr: ['/bin/bash: line 1: 1/0: division by 0 (error token is "0")'],
      expect: { '/x': 'missing', '/y1': 'file 0:0 0644' } },
    { name: 'bash: an if on the same line is dropped too', shell: ['/bin/bash', '-c'],
      src: 'x=$((1/0)); if true; then touch /x; fi', status: 1,
      stderr: ['/bin/bash: line 1: 1/0: division by 0 (error token is "0")'], expect: { '/x': 'missing' } },
    { name: 'bash: the error token is the text from the divisor on', shell: ['/bin/bash', '-c'],
      src: 'echo $((1/ 0 * 3))', status: 1,
      stderr: ['/bin/bash: line 1: 1/ 0 * 3: division by 0 (error token is "0 * 3")'] },
    { name: 'bash: a subshell ends with 1', shell: ['/bin/bash', '-c'], src: '(x=$((y=4%0)); touch /x); touch /y$?',
      status: 0, stderr: ['/bin/bash: line 1: y=4%0: division by 0 (error token is "0")'],
      expect: { '/x': 'missing', '/y1': 'file 0:0 0644' } },
    { name: 'bash: (( )) is a command that fails with 1', shell: ['/bin/bash', '-c'], src: '((1/0)); touch /y$?',
      status: 0, stderr: ['/bin/bash: line 1: ((: 1/0: division by 0 (error token is "0")'],
      expect: { '/y1': 'file 0:0 0644' } },
    { name: 'bash: $(( with a space between the ) ) is a command substitution', shell: ['/bin/bash', '-c'],
      src: 'echo $((echo hi) ) > /x && touch /y', status: 0, stderr: [],
      expect: { '/x': 'file 0:0 0644', '/y': 'file 0:0 0644' } },
    { name: 'dash: the same text is a missing ))', shell: sh, src: 'echo $((echo hi) ) > /x', status: 2,
      stderr: ["/bin/sh: 1: Syntax error: Missing '))'"], expect: { '/x': 'missing' } },
    { name: 'an assignment from $(( )) is now told exactly', shell: sh, src: 'n=$((2*3)); touch /x$n', status: 0,
      stderr: [], expect: { '/x6': 'file 0:0 0644' } },    // Bash builtins dash 0.5.12 lacks (measured here, and in the oracle: shells/dash-pushd,
    // shells/dash-shopt, shells/dash-declare): not found, 127; set -e stops, else it goes on.
    { name: 'dash: pushd is not found, so && skips popd', shell: sh, src: 'pushd /tmp && popd', status: 127,
      stderr: ['/bin/sh: 1: pushd: not found'] },
    { name: 'dash: shopt and declare are not found, and the script goes on', shell: sh,
      src: 'shopt -s globstar; declare -x A=1; touch /x$?', status: 0,
      stderr: ['/bin/sh: 1: shopt: not found', '/bin/sh: 1: declare: not found'], expect: { '/x127': 'file 0:0 0644' } },
    { name: 'dash: under set -e typeset stops the script', shell: ['/bin/sh', '-e', '-c'], src: 'typeset -i n=1; touch /x',
      status: 127, stderr: ['/bin/sh: 1: typeset: not found'], expect: { '/x': 'missing' } },
    { name: 'dash: a function of the name is called', shell: sh, src: 'pushd() { touch /x; }; pushd /tmp', status: 0,
      stderr: [], expect: { '/x': 'file 0:0 0644' } },
    { name: 'bash: shopt and declare are builtins', shell: ['/bin/bash', '-e', '-c'], src: 'shopt -s globstar; declare -x A=1; touch /x',
      status: 0, stderr: [], expect: { '/x': 'file 0:0 0644' } },
    // trap (shells/dash-trap-err): ERR, DEBUG, RETURN, SIGINT are bad traps in dash, status 1.
    { name: 'dash: trap ... ERR is a bad trap, status 1, so && skips the rest', shell: sh, src: "trap 'echo e' ERR && touch /x",
      status: 1, stderr: ['trap: ERR: bad trap'], expect: { '/x': 'missing' } },
    { name: 'dash: the shell goes on after a bad trap, and sets the good ones', shell: sh,
      src: "trap 'rm -f /tmp/t' EXIT DEBUG SIGINT; touch /x$?", status: 0,
      stderr: ['trap: DEBUG: bad trap', 'trap: SIGINT: bad trap'], expect: { '/x1': 'file 0:0 0644' } },
    { name: 'dash: signal names in any case, numbers below 65, and a reset', shell: ['/bin/sh', '-e', '-c'],
      src: "trap '' int TERM 0 64 RTMIN+3; trap - EXIT; trap INT; touch /x", status: 0, stderr: [], expect: { '/x': 'file 0:0 0644' } },
    { name: 'dash: trap with one operand resets it, ERR still bad', shell: sh, src: 'trap ERR || touch /x', status: 0,
      stderr: ['trap: ERR: bad trap'], expect: { '/x': 'file 0:0 0644' } },
    { name: 'bash: trap ... ERR is taken', shell: ['/bin/bash', '-e', '-c'], src: "trap 'echo e' ERR && touch /x", status: 0,
      stderr: [], expect: { '/x': 'file 0:0 0644' } },
    // ** (shells/dash-arith-power): dash's arithmetic has no power operator; the shell ends with 2.
    { name: 'dash: $((2**3)) expects a primary and ends the shell, || true or not', shell: sh,
      src: 'echo $((2**3)) || true; touch /x', status: 2,
      stderr: ['/bin/sh: 1: arithmetic expression: expecting primary: "2**3"'], expect: { '/x': 'missing' } },
    { name: 'dash: it quotes the text with its spaces, in an assignment too', shell: sh, src: 'n=$(( 2 ** 3 + 1 ))',
      status: 2, stderr: ['/bin/sh: 1: arithmetic expression: expecting primary: " 2 ** 3 + 1 "'] },
    { name: 'dash: a branch && would skip is still read', shell: sh, src: '(echo $((0 && 2**3))); touch /y$?', status: 0,
      stderr: ['/bin/sh: 1: arithmetic expression: expecting primary: "0 && 2**3"'], expect: { '/y2': 'file 0:0 0644' } },
    { name: 'bash: $((2**3)) is 8', shell: ['/bin/bash', '-c'], src: 'touch /x$((2**3))', status: 0, stderr: [],
      expect: { '/x8': 'file 0:0 0644' } },
    // local outside a function (shells/dash-local-outside-function).
    { name: 'dash: local outside a function ends the shell with 2, || true or not', shell: sh,
      src: 'local a=1 || true; touch /x', status: 2, stderr: ['/bin/sh: 1: local: not in a function'], expect: { '/x': 'missing' } },
    { name: 'dash: in a subshell it ends the subshell only', shell: sh, src: '(local a=1); touch /x$?', status: 0,
      stderr: ['/bin/sh: 1: local: not in a function'], expect: { '/x2': 'file 0:0 0644' } },
    { name: 'dash: inside a function, and a subshell in one, local is fine', shell: ['/bin/sh', '-e', '-c'],
      src: 'f() { local d=/x; (local e=1); touch $d; }; f', status: 0, stderr: [], expect: { '/x': 'file 0:0 0644' } },
    { name: 'dash: a child shell started in a function is not in it', shell: sh, src: "f() { sh -c 'local a'; touch /x$?; }; f",
      status: 0, stderr: ['sh: 1: local: not in a function'], expect: { '/x2': 'file 0:0 0644' } },
    { name: 'bash: local outside a function is status 1 and the shell goes on', shell: ['/bin/bash', '-c'],
      src: 'local a=1; touch /x$?', status: 0, stderr: ['/bin/bash: line 1: local: can only be used in a function'],
      expect: { '/x1': 'file 0:0 0644' } },
    // A descriptor the shell did not open (shells/dash-bad-fd).
    { name: 'BuildKit: >&3 is a bad descriptor, dash status 2, the command does not run', shell: sh,
      src: 'touch /x >&3 || touch /y', status: 0, stderr: ['/bin/sh: 1: 3: Bad file descriptor'],
      expect: { '/x': 'missing', '/y': 'file 0:0 0644' } },
    { name: 'bash: status 1', shell: ['/bin/bash', '-c'], src: 'echo x 2>&4', status: 1,
      stderr: ['/bin/bash: line 1: 4: Bad file descriptor'] },
    { name: 'an fd the script opened is fine: exec 3>FILE, or on the command itself', shell: ['/bin/sh', '-e', '-c'],
      src: 'exec 3>/tmp/log; echo a >&3; echo b 4>/tmp/l2 >&4; touch /x', status: 0, stderr: [], expect: { '/x': 'file 0:0 0644' } },
    { name: 'buildah: fd 3 is open for reading: dash printf fails with I/O error, status 1', shell: sh, builder: 'buildah',
      src: 'printf x >&3 && touch /x', status: 1, stderr: ['/bin/sh: 1: printf: printf: I/O error'], expect: { '/x': 'missing' } },
    { name: 'buildah: bash echo says write error; nothing written is fine; fd 4 is bad', shell: ['/bin/bash', '-c'], builder: 'buildah',
      src: 'printf "" >&3 && touch /x; echo y >&3 || echo z >&4', status: 1,
      stderr: ['/bin/bash: line 1: echo: write error: Bad file descriptor', '/bin/bash: line 1: 4: Bad file descriptor'],
      expect: { '/x': 'file 0:0 0644' } },
    { name: 'buildah: reading fd 3 is fine', shell: ['/bin/sh', '-e', '-c'], builder: 'buildah', src: 'read -r v <&3 || true; touch /x',
      status: 0, stderr: [], expect: { '/x': 'file 0:0 0644' } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = image();
      if (c.distro) s.distro = c.distro;
      refreshDerived(s);
      const out = runScript(c.src, {
        state: s, ident: as(s, 'root'), env: new Map(), cwd: '/', builder: c.builder ?? 'buildkit', file: 'Dockerfile', line: 1,
        shell: c.shell,
      });
      assert.equal(out.status, c.status, JSON.stringify(out.stderr));
      assert.deepEqual(out.stderr, c.stderr);
      for (const [p, want] of Object.entries(c.expect ?? {})) assert.equal(meta(s, p), want, p);
    });
  }
});

describe('a SHELL that starts the shell through a wrapper', () => {
  const cases: [string[], string[]][] = [
    [['/usr/bin/env', 'bash', '-c'], ['bash', '-c']],
    [['/usr/bin/env', 'LANG=C', 'bash', '-eu', '-c'], ['bash', '-eu', '-c']],
    [['conda', 'run', '-n', 'ml', '--no-capture-output', '/bin/bash', '-c'], ['/bin/bash', '-c']],
    [['/opt/conda/bin/mamba', 'run', '-p', '/opt/env', 'bash', '-o', 'pipefail', '-c'], ['bash', '-o', 'pipefail', '-c']],
    [['/usr/local/bin/_dockerfile_shell.sh'], ['bash', '-o', 'pipefail', '-c']],
    [['/bin/sh', '-c'], ['/bin/sh', '-c']],
    [['/usr/bin/env'], ['/usr/bin/env']],
    [['/usr/bin/env', '-u', 'FOO', 'bash', '-c'], ['bash', '-c']],
    [['/usr/bin/env', '-S', 'bash', '-euo', 'pipefail', '-c'], ['bash', '-euo', 'pipefail', '-c']],
    [['/usr/bin/env', '-S', 'bash -e', '-c'], ['bash', '-e', '-c']],
    [['/usr/bin/env', '-i', 'PATH=/bin', '--chdir=/tmp', 'bash', '-c'], ['bash', '-c']],
  ];
  for (const [shell, want] of cases) {
    test(`${shell.join(' ')} runs ${want.join(' ')}`, () => assert.deepEqual(unwrapShell(shell), want));
  }

  test('a conda run wrapper names the environment it activates for the shell', () => {
    assert.deepEqual(unwrapShellWrapper(['conda', 'run', '-n', 'ml', '--no-capture-output', '/bin/bash', '-c']), { shell: ['/bin/bash', '-c'], condaRun: { name: 'ml', command: ['/bin/bash', '-c'], tool: 'conda' } });
    assert.deepEqual(unwrapShellWrapper(['/usr/bin/env', 'micromamba', 'run', '--prefix=/opt/env', '--cwd', '/src', 'bash', '-c']).condaRun, { prefix: '/opt/env', cwd: '/src', command: ['bash', '-c'], tool: 'micromamba' });
    assert.equal(unwrapShellWrapper(['/usr/bin/env', 'bash', '-c']).condaRun, undefined);
  });

  test('bash syntax runs under env bash, in bash\'s words (measured: shells/env-bash-wrapper*)', () => {
    const s = image();
    refreshDerived(s);
    const run = (src: string) => runScript(src, { state: s, ident: as(s, 'root'), env: new Map([['HOME', '/root']]), cwd: '/', builder: 'buildkit', file: 'Dockerfile', line: 1, shell: ['/usr/bin/env', 'bash', '-eu', '-c'] });
    assert.deepEqual([run('[[ -d /tmp ]] && touch /tmp/w').status, meta(s, '/tmp/w')], [0, 'file 0:0 0644']);
    assert.deepEqual(run('mkdir -p "/opt/$NOPE"').stderr, ['bash: line 1: NOPE: unbound variable']);
  });
});
