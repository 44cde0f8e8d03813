import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { image, meta, run } from './run-fixture.js';
import { runScript } from '../../src/shell/interpret.js';
import { applyMode, parseSedScript, posixToJs, relativeTo, runSed } from '../../src/shell/commands/files.js';
import type { FileMeta } from '../../src/model/types.js';

interface Case {
  name: string;
  src: string;
  user?: string;
  cwd?: string;
  setup?: [string, FileMeta][];
  status: number | 'unknown';
  stderr?: string[];
  expect?: Record<string, string>;
}

const file = (uid: number, gid: number, mode: number): FileMeta => ({ kind: 'file', uid, gid, mode });
const dir = (uid: number, gid: number, mode: number, partial = false): FileMeta => ({
  kind: 'dir',
  uid,
  gid,
  mode,
  partial,
});

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const c of cases) {
      test(c.name, () => {
        const s = image();
        for (const [p, m] of c.setup ?? []) s.fs.set(p, m);
        const out = run(s, c.src, c.user, c.cwd);
        assert.equal(out.status, c.status, `status: ${JSON.stringify(out.stderr)}`);
        if (c.stderr) assert.deepEqual(out.stderr, c.stderr);
        for (const [p, want] of Object.entries(c.expect ?? {})) assert.equal(meta(s, p), want, p);
      });
    }
  });
}

table('chown and chgrp', [
  {
    name: 'uid 1000 may not give a root-owned dir away',
    src: 'chown -R 1000:1000 /opt',
    user: 'alice',
    status: 1,
    stderr: ['/opt', '/opt/conda', '/opt/conda/bin', '/opt/conda/bin/python'].map(
      (p) => `chown: changing ownership of '${p}': Operation not permitted`,
    ),
    expect: { '/opt': 'dir 0:0 0755' },
  },
  {
    name: 'user: takes the login group',
    src: 'chown bob: /opt',
    status: 0,
    expect: { '/opt': 'dir 1001:1001 0755' },
  },
  {
    name: ':group changes only the group',
    src: 'chown :staff /opt',
    status: 0,
    expect: { '/opt': 'dir 0:50 0755' },
  },
  {
    name: 'the old user.group form',
    src: 'chown alice.staff /opt',
    status: 0,
    expect: { '/opt': 'dir 1000:50 0755' },
  },
  {
    name: 'numeric ids need no account',
    src: 'chown 4242:4343 /opt',
    status: 0,
    expect: { '/opt': 'dir 4242:4343 0755' },
  },
  {
    name: 'an unknown user name is refused',
    src: 'chown carol /opt',
    status: 1,
    stderr: ["chown: invalid user: 'carol'"],
  },
  // coreutils' limits, measured with GNU chown 9.1: 4294967295 is (uid_t) -1 and refused,
  // 4294967294 is the largest id; blanks and '+' may lead a number.
  {
    name: 'the largest uid chown takes is 4294967294',
    src: 'chown 4294967294:4294967294 /opt',
    status: 0,
    expect: { '/opt': 'dir 4294967294:4294967294 0755' },
  },
  {
    name: 'uid 4294967295 is refused',
    src: 'chown 4294967295 /opt',
    status: 1,
    stderr: ["chown: invalid user: '4294967295'"],
    expect: { '/opt': 'dir 0:0 0755' },
  },
  {
    name: 'a uid past 32 bits is refused',
    src: 'chown -R 99999999999:1 /opt',
    status: 1,
    stderr: ["chown: invalid user: '99999999999:1'"],
  },
  {
    name: 'gid 4294967295 is refused, the whole spec quoted',
    src: 'chown 1:4294967295 /opt',
    status: 1,
    stderr: ["chown: invalid group: '1:4294967295'"],
  },
  {
    name: "a '+' before the number",
    src: 'chown +4242 /opt',
    status: 0,
    expect: { '/opt': 'dir 4242:0 0755' },
  },
  {
    name: 'chgrp takes 4294967295 and changes nothing',
    src: 'chgrp 4294967295 /opt',
    status: 0,
    expect: { '/opt': 'dir 0:0 0755' },
  },
  {
    name: 'chgrp refuses a gid past 32 bits',
    src: 'chgrp 99999999999 /opt',
    status: 1,
    stderr: ["chgrp: invalid group: '99999999999'"],
  },
  {
    name: 'install -o 4294967295 changes nothing, 4294967296 is refused',
    src: 'install -o 4294967295 -g 4294967294 -d /opt/a; install -o 4294967296 -d /opt/b',
    status: 1,
    stderr: ["install: invalid user '4294967296'"],
    expect: { '/opt/a': 'dir 0:4294967294 0755', '/opt/b': 'missing' },
  },
  {
    name: 'an unknown group name is refused',
    src: 'chown alice:nogrp /opt',
    status: 1,
    stderr: ["chown: invalid group: 'alice:nogrp'"],
  },
  {
    name: 'a missing file cannot be accessed',
    src: 'chown alice /nope',
    status: 1,
    stderr: ["chown: cannot access '/nope': No such file or directory"],
  },
  {
    name: 'a path behind a closed directory cannot be accessed',
    src: 'chown alice /root/x',
    user: 'alice',
    status: 1,
    stderr: ["chown: cannot access '/root/x': Permission denied"],
  },
  {
    name: 'an owner may chgrp to a group they are in',
    src: 'chgrp staff /home/bob',
    user: 'bob',
    status: 0,
    expect: { '/home/bob': 'dir 1001:50 0750' },
  },
  {
    name: 'an owner may not chgrp to a group they are not in',
    src: 'chgrp sudo /home/bob',
    user: 'bob',
    status: 1,
    stderr: ["chgrp: changing group of '/home/bob': Operation not permitted"],
  },
  {
    name: 'chown clears setuid on a file, even as root',
    src: 'chown alice /usr/bin/passwd',
    status: 0,
    expect: { '/usr/bin/passwd': 'file 1000:0 0755' },
  },
  {
    name: 'chown keeps setgid on a directory',
    src: 'chown alice /srv',
    status: 0,
    expect: { '/srv': 'dir 1000:50 2775' },
  },
  {
    name: 'chown -R follows no symlink: the link itself changes',
    src: 'ln -s /etc /opt/etc-link && chown -R alice /opt',
    status: 0,
    expect: { '/opt/etc-link': 'symlink 1000:0 0777', '/etc': 'dir 0:0 0755' },
  },
  {
    name: 'chown without -R follows a symlink argument',
    src: 'ln -s /var/www /www && chown alice /www',
    status: 0,
    expect: { '/www': 'symlink 0:0 0777', '/var/www': 'dir 1000:33 0755' },
  },
]);

describe('chown -R on a partial directory', () => {
  test('records the owner of the unlisted entries on the directory', () => {
    const s = image();
    const out = run(s, 'chown -R alice:alice /opt/conda');
    assert.equal(out.status, 0);
    const m = s.fs.get('/opt/conda')!;
    assert.equal(m.partial, true);
    assert.deepEqual(m.subtreeOwner, { uid: 1000, gid: 1000, origin: 'Dockerfile:10' });
    assert.equal(meta(s, '/opt/conda/bin/python'), 'file 1000:1000 0755');
  });
});

table('chmod', [
  {
    name: 'octal mode as root',
    src: 'mkdir /x && chmod 775 /x',
    status: 0,
    expect: { '/x': 'dir 0:0 0775' },
  },
  {
    name: 'only the owner may chmod',
    src: 'chmod 777 /tmp/root-file',
    user: 'alice',
    status: 1,
    stderr: ["chmod: changing permissions of '/tmp/root-file': Operation not permitted"],
    expect: { '/tmp/root-file': 'file 0:0 0644' },
  },
  {
    name: 'g+s on a directory',
    src: 'mkdir /shared && chgrp staff /shared && chmod g+s,g+w /shared',
    status: 0,
    expect: { '/shared': 'dir 0:50 2775' },
  },
  {
    name: 'a non-member owner setting g+s loses the bit (setattr_copy)',
    src: 'chgrp staff /tmp/alice-file 2>/dev/null; chmod g+s /home/alice && chmod 2755 /tmp/alice-file',
    user: 'alice',
    setup: [['/tmp/alice-file', file(1000, 50, 0o644)]],
    status: 0,
    expect: { '/home/alice': 'dir 1000:1000 2755', '/tmp/alice-file': 'file 1000:50 0755' },
  },
  {
    name: 'octal with four digits keeps setgid on a directory',
    src: 'chmod 0755 /srv',
    status: 0,
    expect: { '/srv': 'dir 0:50 2755' },
  },
  {
    name: 'five digits clear it',
    src: 'chmod 00755 /srv',
    status: 0,
    expect: { '/srv': 'dir 0:50 0755' },
  },
  {
    name: 'octal on a file replaces the special bits',
    src: 'chmod 755 /usr/bin/sudo',
    status: 0,
    expect: { '/usr/bin/sudo': 'file 0:0 0755' },
  },
  {
    name: 'symbolic u+x,go-w and a=rX -R',
    src: 'mkdir -p /app/d && touch /app/f /app/d/g && chmod u+x,go-w /app/f && chmod -R a=rX /app/d',
    status: 0,
    expect: { '/app/f': 'file 0:0 0744', '/app/d': 'dir 0:0 0555', '/app/d/g': 'file 0:0 0444' },
  },
  {
    name: '+t sets the sticky bit',
    src: 'mkdir /shared && chmod 777 /shared && chmod +t /shared',
    status: 0,
    expect: { '/shared': 'dir 0:0 1777' },
  },
  {
    name: 'an invalid mode is refused',
    src: 'chmod q+z /opt',
    status: 1,
    stderr: ["chmod: invalid mode: 'q+z'", "Try 'chmod --help' for more information."],
  },
]);

describe('applyMode (gnulib mode_adjust)', () => {
  const cases: [string, number, boolean, number, number][] = [
    ['u=rwX,go=rX', 0o644, false, 0o022, 0o644],
    ['u=rwX,go=rX', 0o600, true, 0o022, 0o755],
    ['+x', 0o644, false, 0o022, 0o755],
    ['+w', 0o444, false, 0o022, 0o644],
    ['g=u', 0o740, false, 0o022, 0o770],
    ['o=', 0o777, false, 0o022, 0o770],
    ['g=rx', 0o2775, true, 0o022, 0o2755],
    ['g=rx', 0o2775, false, 0o022, 0o0755],
    ['u+s', 0o755, false, 0o022, 0o4755],
    ['-x', 0o755, false, 0o022, 0o644],
  ];
  for (const [spec, old, isDir, umask, want] of cases) {
    test(`${spec} on ${old.toString(8)}${isDir ? ' (dir)' : ''}`, () => {
      assert.equal(applyMode(spec, old, isDir, umask), want);
    });
  }
});

table('mkdir, rmdir, touch', [
  {
    name: 'mkdir as uid 1000 under a root-owned directory',
    src: 'mkdir /opt/x',
    user: 'alice',
    status: 1,
    stderr: ["mkdir: cannot create directory '/opt/x': Permission denied"],
  },
  {
    name: 'mkdir -p names the level that failed',
    src: 'mkdir -p /opt/a/b',
    user: 'alice',
    status: 1,
    stderr: ["mkdir: cannot create directory '/opt/a': Permission denied"],
  },
  {
    name: 'mkdir of an existing directory without -p',
    src: 'mkdir /opt',
    status: 1,
    stderr: ["mkdir: cannot create directory '/opt': File exists"],
  },
  {
    name: 'mkdir without -p needs the parent',
    src: 'mkdir /a/b',
    status: 1,
    stderr: ["mkdir: cannot create directory '/a/b': No such file or directory"],
  },
  {
    name: 'mkdir -m sets the exact mode',
    src: 'mkdir -m 1777 /scratch && mkdir -p -m 700 /a/b',
    status: 0,
    expect: { '/scratch': 'dir 0:0 1777', '/a': 'dir 0:0 0755', '/a/b': 'dir 0:0 0700' },
  },
  {
    name: 'a new directory in a setgid directory inherits the group and the bit',
    src: 'mkdir -p /srv/app/data && touch /srv/app/f',
    user: 'bob',
    setup: [['/srv', dir(0, 50, 0o2777)]],
    status: 0,
    expect: { '/srv/app': 'dir 1001:50 2755', '/srv/app/data': 'dir 1001:50 2755', '/srv/app/f': 'file 1001:50 0644' },
  },
  {
    name: 'mkdir -p down a fresh chain still meets an entry the tree already holds below it',
    src: 'mkdir -p /x/y/z',
    setup: [['/x/y/z', file(0, 0, 0o644)]],
    status: 1,
    stderr: ["mkdir: cannot create directory '/x/y/z': File exists"],
    expect: { '/x': 'dir 0:0 0755', '/x/y': 'dir 0:0 0755' },
  },
  {
    name: 'mkdir -p makes every level of a deep fresh chain, the last with the plain mode',
    src: 'umask 077 && mkdir -p /d1/d2/d3/d4',
    status: 0,
    expect: { '/d1': 'dir 0:0 0700', '/d1/d2': 'dir 0:0 0700', '/d1/d2/d3': 'dir 0:0 0700', '/d1/d2/d3/d4': 'dir 0:0 0700' },
  },
  {
    name: 'mkdir -p through a symlinked directory creates at the link target',
    src: 'mkdir -p /ln/a/b',
    setup: [['/real', dir(0, 0, 0o755)], ['/ln', { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: '/real' }]],
    status: 0,
    expect: { '/real/a': 'dir 0:0 0755', '/real/a/b': 'dir 0:0 0755' },
  },
  {
    name: 'rmdir of a non-empty directory',
    src: 'rmdir /home',
    status: 1,
    stderr: ["rmdir: failed to remove '/home': Directory not empty"],
  },
  {
    name: 'touch as uid 1000 in /',
    src: 'touch /x',
    user: 'alice',
    status: 1,
    stderr: ["touch: cannot touch '/x': Permission denied"],
  },
  {
    name: 'touch of an existing file the user may not write',
    src: 'touch /tmp/root-file',
    user: 'alice',
    status: 1,
    stderr: ["touch: cannot touch '/tmp/root-file': Permission denied"],
  },
  {
    name: 'a missing parent is reported before the missing write permission',
    src: 'touch /opt/x/y',
    user: 'alice',
    status: 1,
    stderr: ["touch: cannot touch '/opt/x/y': No such file or directory"],
  },
  {
    name: 'touch in a missing directory',
    src: 'touch /nope/x',
    status: 1,
    stderr: ["touch: cannot touch '/nope/x': No such file or directory"],
  },
]);

table('rm and mv (sticky bit, directory permissions)', [
  {
    name: "a user may not delete another user's file in sticky /tmp",
    src: 'rm -f /tmp/root-file',
    user: 'alice',
    status: 1,
    stderr: ["rm: cannot remove '/tmp/root-file': Operation not permitted"],
    expect: { '/tmp/root-file': 'file 0:0 0644' },
  },
  {
    name: 'a user may delete their own file in /tmp',
    src: 'rm /tmp/alice-file',
    user: 'alice',
    status: 0,
    expect: { '/tmp/alice-file': 'missing' },
  },
  {
    name: 'rm -rf removes a tree as root',
    src: 'rm -rf /opt/conda',
    status: 0,
    expect: { '/opt/conda': 'missing', '/opt/conda/bin/python': 'missing' },
  },
  {
    name: 'rm without -r refuses a directory',
    src: 'rm /opt',
    status: 1,
    stderr: ["rm: cannot remove '/opt': Is a directory"],
  },
  {
    name: 'rm of a missing file without -f',
    src: 'rm /nope',
    status: 1,
    stderr: ["rm: cannot remove '/nope': No such file or directory"],
  },
  {
    name: 'rm -f of a missing file is fine',
    src: 'rm -f /nope',
    status: 0,
  },
  {
    name: 'mv out of a directory the user may not write',
    src: 'mv /etc/passwd /tmp/p',
    user: 'alice',
    status: 1,
    stderr: ["mv: cannot move '/etc/passwd' to '/tmp/p': Permission denied"],
  },
  {
    name: 'mv into a directory keeps owner and mode',
    src: 'mv /tmp/alice-file /home/alice/',
    user: 'alice',
    status: 0,
    expect: { '/tmp/alice-file': 'missing', '/home/alice/alice-file': 'file 1000:1000 0644' },
  },
  {
    name: "mv of another user's file out of sticky /tmp",
    src: 'mv /tmp/root-file /home/alice/x',
    user: 'alice',
    status: 1,
    stderr: ["mv: cannot move '/tmp/root-file' to '/home/alice/x': Operation not permitted"],
  },
  {
    name: 'mv of a folder with entries renames it whole (only rmdir wants it empty; measured: folders/mv-full-folder)',
    src: 'mkdir -p /opt/a/b && touch /opt/a/b/x && mv /opt/a /srv/ && mkdir /opt/g && touch /opt/g/f && mv /opt/g /opt/h',
    status: 0,
    expect: { '/opt/a': 'missing', '/srv/a/b/x': 'file 0:0 0644', '/opt/g': 'missing', '/opt/h/f': 'file 0:0 0644' },
  },
]);

table('cp, install, ln', [
  {
    name: 'cp makes a copy owned by the caller, special bits dropped',
    src: 'cp /usr/bin/sudo /tmp/mysudo',
    user: 'alice',
    status: 0,
    expect: { '/tmp/mysudo': 'file 1000:1000 0755' },
  },
  {
    name: 'cp -a as root keeps owner and mode',
    src: 'cp -a /home/alice /backup',
    setup: [['/home/alice/.bashrc', file(1000, 1000, 0o600)]],
    status: 0,
    expect: { '/backup': 'dir 1000:1000 0755', '/backup/.bashrc': 'file 1000:1000 0600' },
  },
  {
    name: 'cp -r without -p: new tree owned by the caller, modes under the umask',
    src: 'cp -r /home/alice /tmp/copy',
    user: 'bob',
    setup: [['/home/alice/.bashrc', file(1000, 1000, 0o644)]],
    status: 0,
    expect: { '/tmp/copy': 'dir 1001:1001 0755', '/tmp/copy/.bashrc': 'file 1001:1001 0644' },
  },
  {
    name: 'cp without -r omits a directory',
    src: 'cp /home/alice /tmp/x',
    status: 1,
    stderr: ["cp: -r not specified; omitting directory '/home/alice'"],
  },
  {
    name: 'cp into a directory the user may not write',
    src: 'cp /tmp/alice-file /etc/',
    user: 'alice',
    status: 1,
    stderr: ["cp: cannot create regular file '/etc/alice-file': Permission denied"],
  },
  {
    name: 'install -d -o -g -m',
    src: 'install -d -o alice -g staff -m 2770 /data/shared',
    status: 0,
    expect: { '/data': 'dir 0:0 0755', '/data/shared': 'dir 1000:50 2770' },
  },
  {
    name: 'install -o as a user cannot change the owner',
    src: 'install -m 644 -o root /tmp/alice-file /home/alice/f',
    user: 'alice',
    status: 1,
    stderr: ["install: cannot change ownership of '/home/alice/f': Operation not permitted"],
    expect: { '/home/alice/f': 'file 1000:1000 0644' },
  },
  {
    name: 'ln -s creates a link owned by the caller',
    src: 'ln -s /opt/conda/bin/python /home/alice/python',
    user: 'alice',
    status: 0,
    expect: { '/home/alice/python': 'symlink 1000:1000 0777' },
  },
  {
    name: 'ln -s over an existing file needs -f',
    src: 'ln -s /etc/passwd /tmp/root-file',
    status: 1,
    stderr: ["ln: failed to create symbolic link '/tmp/root-file': File exists"],
  },
  {
    name: 'ln -sf replaces it',
    src: 'ln -sf /etc/passwd /tmp/root-file',
    status: 0,
    expect: { '/tmp/root-file': 'symlink 0:0 0777' },
  },
  {
    name: "protected_hardlinks: no hard link to someone else's unwritable file",
    src: 'ln /etc/passwd /tmp/pw',
    user: 'alice',
    status: 1,
    stderr: ["ln: failed to create hard link '/tmp/pw' => '/etc/passwd': Operation not permitted"],
  },
]);

describe('tee, sed -i, mktemp, globs', () => {
  test('tee as a user cannot write into /etc/sudoers.d', () => {
    const s = image();
    const out = run(s, "echo 'alice ALL=(ALL) NOPASSWD:ALL' | tee /etc/sudoers.d/alice", 'alice');
    assert.equal(out.status, 1);
    assert.deepEqual(out.stderr, ['tee: /etc/sudoers.d/alice: Permission denied']);
    assert.equal(s.texts['/etc/sudoers.d/alice'], undefined);
  });

  test('sed -i edits a tracked text and keeps owner and mode', () => {
    const s = image();
    s.fs.set('/etc/ssh/sshd_config', file(0, 0, 0o600));
    s.texts['/etc/ssh/sshd_config'] = { content: '#PermitRootLogin prohibit-password\nPasswordAuthentication yes\n' };
    const out = run(s, "sed -i -e 's/^#\\?PermitRootLogin .*/PermitRootLogin no/' -e '/^PasswordAuthentication/d' /etc/ssh/sshd_config");
    assert.equal(out.status, 0, out.stderr.join('\n'));
    assert.equal(s.texts['/etc/ssh/sshd_config'].content, 'PermitRootLogin no\n');
    assert.equal(meta(s, '/etc/ssh/sshd_config'), 'file 0:0 0600');
    assert.equal(s.sshd.permitRootLogin, 'no');
  });

  test('sed -i cannot read behind a closed directory', () => {
    const s = image();
    s.fs.set('/etc/sudoers.d/x', file(1000, 1000, 0o644));
    const out = run(s, "sed -i 's/a/b/' /etc/sudoers.d/x", 'alice');
    assert.equal(out.status, 2);
    assert.deepEqual(out.stderr, ["sed: can't read /etc/sudoers.d/x: Permission denied"]);
  });

  test('sed -i needs write access to the directory, not to the file', () => {
    const s = image();
    s.fs.set('/etc/app.conf', file(1000, 1000, 0o644));
    const out = run(s, "sed -i 's/a/b/' /etc/app.conf", 'alice');
    assert.equal(out.status, 4);
    assert.deepEqual(out.stderr, ["sed: couldn't open temporary file /etc/sedXXXXXX: Permission denied"]);
  });

  test('sed -i in a writable dir on a root file replaces it with a file owned by the caller', () => {
    const s = image();
    const out = run(s, "sed -i 's/a/b/' /tmp/root-file", 'alice');
    assert.equal(out.status, 0);
    assert.equal(meta(s, '/tmp/root-file'), 'file 1000:1000 0644');
  });

  test('mktemp -d creates a private directory and prints its name', () => {
    const s = image();
    const out = run(s, 'D=$(mktemp -d) && chown alice "$D" && touch "$D/f"');
    assert.equal(out.status, 0);
    const made = [...s.fs.keys()].find((p) => p.startsWith('/tmp/tmp.'))!;
    assert.equal(meta(s, made), 'dir 1000:0 0700');
    assert.equal(meta(s, `${made}/f`), 'file 0:0 0644');
  });

  test('a glob expands against known entries', () => {
    const s = image();
    const out = run(s, 'chown alice /tmp/*-file');
    assert.equal(out.status, 0);
    assert.equal(meta(s, '/tmp/root-file'), 'file 1000:0 0644');
    assert.equal(meta(s, '/tmp/alice-file'), 'file 1000:1000 0644');
  });

  test('a glob over a partial directory runs on the known entries and is noted', () => {
    const s = image();
    const out = run(s, 'chown alice /opt/conda/*');
    assert.equal(out.status, 0);
    assert.equal(meta(s, '/opt/conda/bin'), 'dir 1000:0 0755');
    assert.ok(s.unknowns.some((u) => u.paths.includes('/opt/conda/*')));
  });

  test('rm -rf of a glob over a partial directory needs no note', () => {
    const s = image();
    const out = run(s, 'rm -rf /opt/conda/*');
    assert.equal(out.status, 0);
    assert.equal(meta(s, '/opt/conda/bin'), 'missing');
    assert.deepEqual(s.unknowns, []);
  });

  test('curl -o writes the file as the current user', () => {
    const s = image();
    const out = run(s, 'curl -fsSL -o /home/alice/get.sh https://example.com/get.sh', 'alice');
    assert.equal(out.status, 0);
    assert.equal(meta(s, '/home/alice/get.sh'), 'file 1000:1000 0644');
    const denied = run(s, 'wget -q -O /opt/tool.tgz https://example.com/tool.tgz', 'alice');
    assert.equal(denied.status, 3);
    assert.deepEqual(denied.stderr, ['/opt/tool.tgz: Permission denied']);
  });
});

describe('sed script translation', () => {
  const cases: [string, string, boolean, string][] = [
    ['s/foo/bar/', 'foo foo\n', false, 'bar foo\n'],
    ['s/foo/bar/g', 'foo foo\n', false, 'bar bar\n'],
    ['s/\\(a\\)\\(b\\)/\\2\\1/', 'ab\n', false, 'ba\n'],
    ['s/(a)(b)/\\2\\1/', 'ab\n', true, 'ba\n'],
    ['s/a+/x/', 'aa+a\n', false, 'axa\n'],
    ['s|/usr/bin|/opt/bin|', 'PATH=/usr/bin\n', false, 'PATH=/opt/bin\n'],
    ['s/^#\\s*\\(PermitRootLogin\\).*/\\1 yes/', '# PermitRootLogin no\n', false, 'PermitRootLogin yes\n'],
    ['/^#/d', '#c\nkeep\n', false, 'keep\n'],
    ['s/[[:space:]]*$//', 'x  \n', false, 'x\n'],
    ['s/x/&&/', 'x\n', false, 'xx\n'],
    ['$a\\tail line', 'a\nb\n', false, 'a\nb\ntail line\n'],
  ];
  for (const [script, input, ere, want] of cases) {
    test(`${ere ? '-E ' : ''}${script}`, () => {
      const cmds = parseSedScript(script, ere);
      assert.ok(cmds, 'parsed');
      assert.equal(runSed(cmds, input), want);
    });
  }

  test('GNU case conversion in the replacement is not translated', () => {
    assert.equal(parseSedScript('s/a/\\U&/', false), undefined);
  });

  test('BRE interval braces become JavaScript quantifiers', () => {
    assert.equal(posixToJs('a\\{2\\}', false), 'a{2}');
    assert.equal(posixToJs('a{2}', false), 'a\\{2\\}');
  });
});

describe('BusyBox wording on Alpine', () => {
  const cases: [string, string, string[]][] = [
    ['chown', 'chown alice /etc/passwd', ['chown: /etc/passwd: Operation not permitted']],
    ['chmod', 'chmod 777 /etc/passwd', ['chmod: /etc/passwd: Operation not permitted']],
    ['mkdir', 'mkdir /opt/x', ["mkdir: can't create directory '/opt/x': Permission denied"]],
    ['touch', 'touch /x', ['touch: /x: Permission denied']],
    ['rm', 'rm -f /tmp/root-file', ["rm: can't remove '/tmp/root-file': Operation not permitted"]],
    // An owner BusyBox cannot find (measured with busybox 1.35).
    ['chown user:group', 'chown nginx:nginx /tmp', ['chown: unknown user/group nginx:nginx']],
    ['chown user', 'chown nginx /tmp', ['chown: unknown user nginx']],
    ['chown :group', 'chown :nogrp /tmp', ['chown: unknown group nogrp']],
    ['chgrp', 'chgrp nogrp /tmp', ['chgrp: unknown group nogrp']],
  ];
  for (const [name, src, stderr] of cases) {
    test(name, () => {
      const s = image();
      s.distro = 'alpine';
      const out = run(s, src, 'bob');
      assert.equal(out.status, 1);
      assert.deepEqual(out.stderr, stderr);
    });
  }
});

/** The clause-by-clause applyMode parsed its text on every call: the compiled one must agree. */
function referenceMode(spec: string, old: number, isDir: boolean, umask: number): number | undefined {
  const WHO: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007, a: 0o7777 };
  if (/^[0-7]{1,5}$/.test(spec)) {
    const value = parseInt(spec, 8);
    if (value > 0o7777) return undefined;
    const mentioned = spec.length < 5 ? (value & 0o6000) | 0o1777 : 0o7777;
    const omit = isDir ? 0o6000 & ~mentioned : 0;
    return (old & omit) | (value & ~omit);
  }
  let mode = old & 0o7777;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/.exec(clause);
    if (!m) return undefined;
    const affected = m[1] === '' ? 0o7777 & ~umask : [...m[1]].reduce((acc, c) => acc | WHO[c], 0);
    for (const action of m[2].match(/[-+=](?:[ugo]|[rwxXst]*)/g)!) {
      const perms = action.slice(1);
      let value = 0;
      if (/^[ugo]$/.test(perms)) {
        const bits = (mode >> (perms === 'u' ? 6 : perms === 'g' ? 3 : 0)) & 7;
        value = (bits << 6) | (bits << 3) | bits;
      } else {
        for (const c of perms) {
          if (c === 'r') value |= 0o444;
          if (c === 'w') value |= 0o222;
          if (c === 'x' || (c === 'X' && (isDir || mode & 0o111))) value |= 0o111;
          if (c === 's') value |= 0o6000;
          if (c === 't') value |= 0o1000;
        }
      }
      value &= affected;
      const omit = isDir ? 0o6000 & ~(m[1] === '' ? value : affected & value) : 0;
      if (action[0] === '+') mode |= value;
      else if (action[0] === '-') mode &= ~value;
      else mode = (mode & (~affected | omit)) | (value & ~omit);
    }
  }
  return mode & 0o7777;
}

describe('applyMode agrees with the per-call parser, whatever the umask', () => {
  const specs = ['755', '0644', '2775', '02775', '12775', '77777', '8', '', 'u+x', 'g-w,o=', '+X', 'a=rX',
    'ug+s', '=t', 'go=u', 'u=g+x', '-rwx', '+', 'g=', 'u+rw,g=u,o-rwx', 'z+x', 'u+x,', 'u=u', 'ao-s+t'];
  for (const spec of specs) {
    test(`"${spec}"`, () => {
      for (const umask of [0o022, 0o077, 0o002, 0]) {
        for (const old of [0o644, 0o755, 0o2750, 0o4711, 0o1777, 0o000]) {
          for (const isDir of [false, true]) {
            assert.equal(applyMode(spec, old, isDir, umask), referenceMode(spec, old, isDir, umask),
              `${old.toString(8)} ${isDir ? 'dir' : 'file'} umask ${umask.toString(8)}`);
          }
        }
      }
    });
  }
});

describe('mkdir names the argument as typed', () => {
  // coreutils 9.1 as uid 65534 here: the text of the argument up to the failing component.
  const cases: [string, string][] = [
    ['mkdir -p /opt//models/', "mkdir: cannot create directory '/opt//models/': Permission denied"],
    ['mkdir -p /opt//m/x/', "mkdir: cannot create directory '/opt//m': Permission denied"],
    ['mkdir /tmp/../opt/z', "mkdir: cannot create directory '/tmp/../opt/z': Permission denied"],
    ['cd /tmp && mkdir -p ./../opt/q/r', "mkdir: cannot create directory './../opt/q': Permission denied"],
  ];
  for (const [src, msg] of cases) {
    test(src, () => {
      const out = run(image(), src, "alice");
      assert.deepEqual([out.status, out.stderr], [1, [msg]]);
    });
  }
});

describe("docker-stacks' fix-permissions", () => {
  // The image has the script; NB_GID comes from the environment, as docker-stacks' ENV sets it.
  const state = () => {
    const s = image();
    s.fs.set('/usr/local/bin/fix-permissions', file(0, 0, 0o755));
    s.fs.set('/opt/conda', dir(1000, 100, 0o2775));
    s.fs.set('/opt/conda/pkg', dir(0, 100, 0o755));
    s.fs.set('/opt/conda/pkg/a.py', file(0, 100, 0o644));
    s.fs.set('/opt/conda/mine', dir(1000, 1000, 0o700));
    return s;
  };
  const go = (s: ReturnType<typeof state>, line: string, user = 'root') => run(s, `export NB_GID=100; ${line}`, user);

  test('as root: group NB_GID and g+rwX on every entry, and the 6000 bits on every folder', () => {
    const s = state();
    assert.equal(go(s, 'fix-permissions /opt/conda').status, 0);
    assert.deepEqual(['/opt/conda', '/opt/conda/pkg', '/opt/conda/pkg/a.py', '/opt/conda/mine'].map((p) => meta(s, p)),
      ['dir 1000:100 6775', 'dir 0:100 6775', 'file 0:100 0664', 'dir 1000:100 6770']);
  });

  test('as the owner of some entries: those change, root\'s fail in chgrp\'s and chmod\'s words, and the command fails', () => {
    const s = state();
    const out = go(s, 'fix-permissions /opt/conda', 'alice');
    assert.equal(out.status, 1);
    for (const line of ["chgrp: changing group of '/opt/conda/pkg': Operation not permitted", "chmod: changing permissions of '/opt/conda/pkg': Operation not permitted", "chgrp: changing group of '/opt/conda/pkg/a.py': Operation not permitted"]) {
      assert.ok(out.stderr.includes(line), line);
    }
    assert.equal(meta(s, '/opt/conda/pkg'), 'dir 0:100 0755');
    // alice owns mine but is not in group 100: chgrp needs the membership, chmod only ownership.
    assert.ok(out.stderr.includes("chgrp: changing group of '/opt/conda/mine': Operation not permitted"));
    assert.equal(meta(s, '/opt/conda/mine'), 'dir 1000:1000 6770');
  });

  test('without NB_GID (not a docker-stacks image) it is not followed', () => {
    const s = state();
    assert.equal(run(s, 'fix-permissions /opt/conda').status, 'unknown');
  });
});

// Measured with buildah on debian:bookworm (tests/oracle/scenarios/links.yaml, homes.yaml,
// misc.yaml, umask-modes.yaml).
table('chown through links, --from, and a walk that cannot read', [
  {
    name: 'a trailing slash on a link to a folder changes the folder and what it holds',
    src: 'mkdir -p /w/real/d && touch /w/real/f && ln -s /w/real /w/link && chown -R alice /w/link/',
    status: 0,
    expect: { '/w/real': 'dir 1000:0 0755', '/w/real/f': 'file 1000:0 0644', '/w/real/d': 'dir 1000:0 0755', '/w/link': 'symlink 0:0 0777' },
  },
  {
    name: 'without the slash -R changes only the link',
    src: 'mkdir -p /w/real && touch /w/real/f && ln -s /w/real /w/link && chown -R alice /w/link',
    status: 0,
    expect: { '/w/real': 'dir 0:0 0755', '/w/real/f': 'file 0:0 0644', '/w/link': 'symlink 1000:0 0777' },
  },
  {
    name: '-L follows the links the walk meets',
    src: 'mkdir -p /w/t/d && touch /w/out && ln -s /w/out /w/t/lnk && chown -R -L alice /w/t',
    status: 0,
    expect: { '/w/out': 'file 1000:0 0644', '/w/t/lnk': 'symlink 0:0 0777', '/w/t': 'dir 1000:0 0755' },
  },
  {
    name: '--from changes only entries with that owner now',
    src: 'mkdir /w && touch /w/a /w/b && chown bob /w/b && chown --from=root alice /w/a /w/b',
    status: 0,
    expect: { '/w/a': 'file 1000:0 0644', '/w/b': 'file 1001:0 0644' },
  },
  {
    name: '--from OWNER:GROUP, given as a separate word',
    src: 'mkdir /w && touch /w/a /w/b && chgrp staff /w/b && chown --from 0:50 bob /w/a /w/b',
    status: 0,
    expect: { '/w/a': 'file 0:0 0644', '/w/b': 'file 1001:50 0644' },
  },
]);

describe('chown -R by a root without the capabilities that read any folder', () => {
  test('a folder closed to it is "cannot read directory" and stays as it is (FTS_DNR); one it may read but not search is "cannot access" for each entry', () => {
    const s = image();
    s.fs.set('/data', dir(3000, 4000, 0o770));
    s.fs.set('/data/f', file(3000, 4000, 0o600));
    s.fs.set('/open', dir(3000, 4000, 0o774));
    s.fs.set('/open/f', file(3000, 4000, 0o600));
    const out = runScript('chown -R alice /data /open', {
      state: s,
      ident: { uid: 0, gid: 0, groups: [0], caps: new Set(['CAP_CHOWN', 'CAP_SETUID', 'CAP_SETGID']), home: '/root', name: 'root' },
      env: new Map(),
      cwd: '/',
      builder: 'buildkit',
      file: 'Dockerfile',
      line: 1,
    });
    assert.equal(out.status, 1);
    assert.deepEqual(out.stderr, ["chown: cannot read directory '/data': Permission denied", "chown: cannot access '/open/f': Permission denied"]);
    assert.deepEqual([meta(s, '/data'), meta(s, '/data/f'), meta(s, '/open'), meta(s, '/open/f')], ['dir 3000:4000 0770', 'file 3000:4000 0600', 'dir 1000:4000 0774', 'file 3000:4000 0600']);
  });
});

table('cp of SRC/. , install parents, chmod written as an option', [
  {
    name: 'cp -r SRC/. DEST copies the entries of SRC into DEST, dot files too',
    src: 'mkdir -p /src/d /dst && touch /src/d/f /src/d/.h && cp -r /src/d/. /dst',
    status: 0,
    expect: { '/dst/f': 'file 0:0 0644', '/dst/.h': 'file 0:0 0644', '/dst/d': 'missing' },
  },
  {
    name: 'cp -a SRC/. DEST/ likewise',
    src: 'mkdir -p /src/d /dst && touch /src/d/f && chown bob /src/d/f && cp -a /src/d/. /dst/',
    status: 0,
    expect: { '/dst/f': 'file 1001:0 0644' },
  },
  {
    name: 'install -d and -D make their parents 0755 whatever the umask',
    src: 'umask 077 && install -d /w/i/a/b && install -D /etc/hostname /w/k/a/p || true; umask 000; install -d /w/j/a/b',
    setup: [['/etc/hostname', file(0, 0, 0o644)]],
    status: 0,
    expect: { '/w/i': 'dir 0:0 0755', '/w/i/a': 'dir 0:0 0755', '/w/i/a/b': 'dir 0:0 0755', '/w/k/a': 'dir 0:0 0755', '/w/k/a/p': 'file 0:0 0755', '/w/j/a': 'dir 0:0 0755' },
  },
  {
    name: 'chmod -w under umask 022 removes only the owner\'s w, says so and exits 1',
    src: 'mkdir /w && touch /w/g && chmod 0664 /w/g && chmod -w /w/g',
    status: 1,
    stderr: ['chmod: /w/g: new permissions are r--rw-r--, not r--r--r--'],
    expect: { '/w/g': 'file 0:0 0464' },
  },
  {
    name: 'chmod a-w names the classes: no surprise',
    src: 'mkdir /w && touch /w/g && chmod 0664 /w/g && chmod a-w /w/g',
    status: 0,
    expect: { '/w/g': 'file 0:0 0444' },
  },
]);

// An octal value after the operator: coreutils takes it whole (no umask, every bit mentioned),
// BusyBox refuses it. Each row measured with buildah on debian:bookworm (coreutils 9.1 chmod on
// a 0600 file and a 2775 folder; busybox 1.35 chmod on a 0600 file).
describe('octal values after an operator (=0700)', () => {
  const gnu: [string, number, boolean, number | undefined][] = [
    ['=0700', 0o600, false, 0o700],
    ['=0700', 0o2775, true, 0o700],
    ['=755', 0o600, false, 0o755],
    ['+0644', 0o600, false, 0o644],
    ['+0644', 0o2775, true, 0o2775],
    ['-022', 0o600, false, 0o600],
    ['-022', 0o2775, true, 0o2755],
    ['=0700,g+r', 0o600, false, 0o740],
    ['+x=700', 0o600, false, 0o700],
    ['=700,u+s', 0o600, false, 0o4700],
    ['=7777', 0o600, false, 0o7777],
    ['=0', 0o600, false, 0o0],
    ['u=7', 0o600, false, undefined],
    ['=0700+x', 0o600, false, undefined],
    ['=17777', 0o600, false, undefined],
    [',=700', 0o600, false, undefined],
  ];
  for (const [spec, old, isDir, want] of gnu) {
    test(`coreutils ${spec} on ${old.toString(8)}${isDir ? ' (dir)' : ''}`, () => {
      assert.equal(applyMode(spec, old, isDir, 0o022), want);
    });
  }
  for (const spec of ['=0700', '=755', '+0644', '=7777', '=0700,g+r', '+x=700']) {
    test(`BusyBox refuses ${spec}`, () => assert.equal(applyMode(spec, 0o600, false, 0o022, true), undefined));
  }
  test('BusyBox still takes a plain octal mode and letters', () => {
    assert.equal(applyMode('0750', 0o600, false, 0o022, true), 0o750);
    assert.equal(applyMode('g+rx', 0o600, false, 0o022, true), 0o650);
  });
});

table('modes with an octal value after the operator, as the tools take them', [
  // umask 027 in the measurement: -m=0700 gives 0700 whatever the umask, +0077 adds to 0777.
  { name: 'mkdir -m=0700 (coreutils)', src: 'umask 027; mkdir -m=0700 /tmp/x1', status: 0, expect: { '/tmp/x1': 'dir 0:0 0700' } },
  { name: 'mkdir -m +0077 (coreutils)', src: 'umask 027; mkdir -m +0077 /tmp/x2', status: 0, expect: { '/tmp/x2': 'dir 0:0 0777' } },
  { name: 'chmod -022 is a mode to coreutils, not an option', src: 'touch /tmp/f && chmod 0666 /tmp/f && chmod -022 /tmp/f', status: 0, expect: { '/tmp/f': 'file 0:0 0644' } },
]);

describe('BusyBox refuses an octal value after the operator', () => {
  for (const [src, stderr] of [
    ['mkdir -m=0700 /tmp/y1', ["mkdir: invalid mode '=0700'"]],
    ['touch /tmp/f && chmod =0700 /tmp/f', ["chmod: invalid mode '=0700'"]],
  ] as const) {
    test(src, () => {
      const s = image();
      s.distro = 'alpine';
      const out = run(s, src);
      assert.equal(out.status, 1);
      assert.deepEqual(out.stderr, stderr);
    });
  }
});

// Found by the adversary suite (h3) and measured: tests/oracle/scenarios/trailing-slash.yaml
// (build-*), links.yaml and ownership.yaml (tools-*).
table('a trailing slash on a file in the commands of a RUN step', [
  { name: 'chown FILE/', src: 'touch /tmp/f && chown root /tmp/f/', status: 1, stderr: ["chown: cannot access '/tmp/f/': Not a directory"] },
  { name: 'chmod FILE/', src: 'touch /tmp/f && chmod 644 /tmp/f/', status: 1, stderr: ["chmod: cannot access '/tmp/f/': Not a directory"] },
  { name: 'cat FILE/', src: 'touch /tmp/f && cat /tmp/f/', status: 1, stderr: ['cat: /tmp/f/: Not a directory'] },
  { name: 'touch FILE/', src: 'touch /tmp/f && touch /tmp/f/', status: 1, stderr: ["touch: setting times of '/tmp/f/': Not a directory"] },
  { name: 'touch MISSING/', src: 'touch /tmp/new/', status: 1, stderr: ["touch: setting times of '/tmp/new/': No such file or directory"], expect: { '/tmp/new': 'missing' } },
  { name: 'rm FILE/', src: 'touch /tmp/f && rm /tmp/f/', status: 1, stderr: ["rm: cannot remove '/tmp/f/': Not a directory"], expect: { '/tmp/f': 'file 0:0 0644' } },
  {
    name: 'cp FILE MISSING/ makes no folder',
    src: 'touch /tmp/f && cp /tmp/f /tmp/newdir/',
    status: 1,
    stderr: ["cp: cannot create regular file '/tmp/newdir/': Not a directory"],
    expect: { '/tmp/newdir': 'missing' },
  },
  { name: 'cp FILE OTHERFILE/', src: 'touch /tmp/f /tmp/g && cp /tmp/f /tmp/g/', status: 1, stderr: ["cp: cannot stat '/tmp/g/': Not a directory"] },
  { name: 'cp -r DIR MISSING/ makes the folder', src: 'mkdir /tmp/d && cp -r /tmp/d /tmp/nd/', status: 0, expect: { '/tmp/nd': 'dir 0:0 0755' } },
  {
    name: 'mv FILE MISSING/',
    src: 'touch /tmp/f && mv /tmp/f /tmp/newdir/',
    status: 1,
    stderr: ["mv: cannot move '/tmp/f' to '/tmp/newdir/': Not a directory"],
    expect: { '/tmp/f': 'file 0:0 0644', '/tmp/newdir': 'missing' },
  },
  { name: 'mv DIR MISSING/ renames the folder', src: 'mkdir /tmp/d && mv /tmp/d /tmp/nd/', status: 0, expect: { '/tmp/nd': 'dir 0:0 0755', '/tmp/d': 'missing' } },
  {
    name: 'rm -r LINK/ empties the folder and keeps it (rmdir of the link: ENOTDIR)',
    src: 'mkdir /tmp/d && touch /tmp/d/x && ln -s /tmp/d /tmp/l && rm -r /tmp/l/',
    status: 1,
    stderr: ["rm: cannot remove '/tmp/l/': Not a directory"],
    expect: { '/tmp/d': 'dir 0:0 0755', '/tmp/d/x': 'missing', '/tmp/l': 'symlink 0:0 0777' },
  },
]);

table('dangling symbolic links in the commands of a RUN step', [
  { name: 'chown follows it: cannot dereference', src: 'ln -s /tmp/nowhere /tmp/dl && chown alice /tmp/dl', status: 1, stderr: ["chown: cannot dereference '/tmp/dl': No such file or directory"] },
  { name: 'chown -h changes the link', src: 'ln -s /tmp/nowhere /tmp/dl && chown -h alice /tmp/dl', status: 0, expect: { '/tmp/dl': 'symlink 1000:0 0777' } },
  { name: 'chown -R (-P) changes the link', src: 'ln -s /tmp/nowhere /tmp/dl && chown -R alice /tmp/dl', status: 0, expect: { '/tmp/dl': 'symlink 1000:0 0777' } },
  { name: 'chown of a missing name: cannot access', src: 'chown alice /tmp/nothing', status: 1, stderr: ["chown: cannot access '/tmp/nothing': No such file or directory"] },
  { name: 'chmod', src: 'ln -s /tmp/nowhere /tmp/dl && chmod 755 /tmp/dl', status: 1, stderr: ["chmod: cannot operate on dangling symlink '/tmp/dl'"] },
  { name: 'chmod -R', src: 'ln -s /tmp/nowhere /tmp/dl && chmod -R 755 /tmp/dl', status: 1, stderr: ["chmod: cannot operate on dangling symlink '/tmp/dl'"] },
  {
    name: 'cp will not write through it',
    src: 'ln -s /tmp/new /tmp/dl && touch /tmp/f && cp /tmp/f /tmp/dl',
    status: 1,
    stderr: ["cp: not writing through dangling symlink '/tmp/dl'"],
    expect: { '/tmp/new': 'missing' },
  },
  {
    name: 'cp --remove-destination replaces the link with a file',
    src: 'ln -s /tmp/new /tmp/dl && touch /tmp/f && cp --remove-destination /tmp/f /tmp/dl',
    status: 0,
    expect: { '/tmp/dl': 'file 0:0 0644', '/tmp/new': 'missing' },
  },
  { name: 'touch creates what it names', src: 'ln -s /tmp/new /tmp/dl && touch /tmp/dl', status: 0, expect: { '/tmp/new': 'file 0:0 0644' } },
  { name: 'mkdir: File exists', src: 'ln -s /tmp/nowhere /tmp/dl && mkdir /tmp/dl', status: 1, stderr: ["mkdir: cannot create directory '/tmp/dl': File exists"], expect: { '/tmp/nowhere': 'missing' } },
  { name: 'mkdir -p: File exists', src: 'ln -s /tmp/nowhere /tmp/dl && mkdir -p /tmp/dl', status: 1, stderr: ["mkdir: cannot create directory '/tmp/dl': File exists"], expect: { '/tmp/nowhere': 'missing' } },
  { name: 'mkdir -p on a link to a folder', src: 'mkdir /tmp/d && ln -s /tmp/d /tmp/l && mkdir -p /tmp/l', status: 0 },
  { name: 'mkdir on a link to a folder: File exists', src: 'mkdir /tmp/d && ln -s /tmp/d /tmp/l && mkdir /tmp/l', status: 1, stderr: ["mkdir: cannot create directory '/tmp/l': File exists"] },
  { name: 'mkdir -p on a link into a folder not listed in full: nothing invented', src: 'ln -s /opt/conda/x /tmp/l && mkdir -p /tmp/l', status: 0, expect: { '/opt/conda/x': 'missing' } },
]);

table('chown -R and its traversal options', [
  { name: '-R --dereference without -H or -L is refused', src: 'mkdir /tmp/x && ln -s /tmp/x /tmp/top && chown -R --dereference alice /tmp/top', status: 1, stderr: ['chown: -R --dereference requires either -H or -L'], expect: { '/tmp/x': 'dir 0:0 0755' } },
  { name: '-R -L --dereference is taken', src: 'mkdir /tmp/x && ln -s /tmp/x /tmp/top && chown -R -L --dereference alice /tmp/top', status: 0, expect: { '/tmp/x': 'dir 1000:0 0755' } },
  { name: '-R --dereference -h: the last wins', src: 'mkdir /tmp/x && ln -s /tmp/x /tmp/top && chown -R --dereference -h alice /tmp/top', status: 0, expect: { '/tmp/x': 'dir 0:0 0755', '/tmp/top': 'symlink 1000:0 0777' } },
  { name: '-R -L -P changes the link itself', src: 'mkdir /tmp/x && ln -s /tmp/x /tmp/top && chown -R -L -P alice /tmp/top', status: 0, expect: { '/tmp/x': 'dir 0:0 0755', '/tmp/top': 'symlink 1000:0 0777' } },
  { name: '-R -P -L follows it', src: 'mkdir /tmp/x && ln -s /tmp/x /tmp/top && chown -R -PL alice /tmp/top', status: 0, expect: { '/tmp/x': 'dir 1000:0 0755', '/tmp/top': 'symlink 0:0 0777' } },
]);

table('cp: -f, --remove-destination, --no-preserve=mode, --parents, a folder onto a file', [
  {
    name: 'cp -r DIR FILE',
    src: 'mkdir /tmp/d && touch /tmp/d/x /tmp/f && cp -r /tmp/d /tmp/f',
    status: 1,
    stderr: ["cp: cannot overwrite non-directory '/tmp/f' with directory '/tmp/d'"],
    expect: { '/tmp/f': 'file 0:0 0644', '/tmp/f/x': 'missing' },
  },
  {
    name: '-p --no-preserve=mode: 0666 and 0777 less the umask',
    src: 'touch /tmp/f && chmod 600 /tmp/f && cp -p --no-preserve=mode /tmp/f /tmp/c && mkdir /tmp/d && chmod 700 /tmp/d && cp -a --no-preserve=mode /tmp/d /tmp/dc',
    status: 0,
    expect: { '/tmp/c': 'file 0:0 0644', '/tmp/dc': 'dir 0:0 0755' },
  },
  { name: 'plain cp keeps the source mode less the umask', src: 'touch /tmp/f && chmod 600 /tmp/f && cp /tmp/f /tmp/c', status: 0, expect: { '/tmp/c': 'file 0:0 0600' } },
  {
    name: '--parents makes the source folders below the target',
    src: 'mkdir -p /opt/a/b && chmod 700 /opt/a && touch /opt/a/b/f && chmod 600 /opt/a/b/f && mkdir /tmp/d && cp --parents /opt/a/b/f /tmp/d',
    status: 0,
    expect: { '/tmp/d/opt': 'dir 0:0 0755', '/tmp/d/opt/a': 'dir 0:0 0700', '/tmp/d/opt/a/b': 'dir 0:0 0755', '/tmp/d/opt/a/b/f': 'file 0:0 0600' },
  },
  {
    name: '--parents with a relative source',
    src: 'mkdir -p /opt/a && touch /opt/a/f && mkdir /tmp/d && cd /opt && cp --parents a/f /tmp/d',
    status: 0,
    expect: { '/tmp/d/a': 'dir 0:0 0755', '/tmp/d/a/f': 'file 0:0 0644', '/tmp/d/opt': 'missing' },
  },
  { name: '--parents wants a folder', src: 'touch /tmp/f /tmp/g && cp --parents /tmp/f /tmp/g', status: 1, stderr: ['cp: with --parents, the destination must be a directory', "Try 'cp --help' for more information."] },
  {
    name: '-f as bob replaces a root file in his own folder',
    src: 'touch /tmp/bobdir/src && cp -f /tmp/bobdir/src /tmp/bobdir/x',
    user: 'bob',
    setup: [['/tmp/bobdir', dir(1001, 1001, 0o755)], ['/tmp/bobdir/x', file(0, 0, 0o644)]],
    status: 0,
    expect: { '/tmp/bobdir/x': 'file 1001:1001 0644' },
  },
  {
    name: '--remove-destination as bob replaces a root file in his own folder',
    src: 'touch /tmp/bobdir/src && cp --remove-destination /tmp/bobdir/src /tmp/bobdir/x',
    user: 'bob',
    setup: [['/tmp/bobdir', dir(1001, 1001, 0o755)], ['/tmp/bobdir/x', file(0, 0, 0o644)]],
    status: 0,
    expect: { '/tmp/bobdir/x': 'file 1001:1001 0644' },
  },
  {
    name: 'plain cp as bob onto that file is refused',
    src: 'touch /tmp/bobdir/src && cp /tmp/bobdir/src /tmp/bobdir/x',
    user: 'bob',
    setup: [['/tmp/bobdir', dir(1001, 1001, 0o755)], ['/tmp/bobdir/x', file(0, 0, 0o644)]],
    status: 1,
    stderr: ["cp: cannot create regular file '/tmp/bobdir/x': Permission denied"],
    expect: { '/tmp/bobdir/x': 'file 0:0 0644' },
  },
  {
    name: '-f where the folder refuses the unlink',
    src: 'cp -f /tmp/alice-file /tmp/rootdir/x',
    user: 'alice',
    setup: [['/tmp/rootdir', dir(0, 0, 0o755)], ['/tmp/rootdir/x', file(0, 0, 0o644)]],
    status: 1,
    stderr: ["cp: cannot remove '/tmp/rootdir/x': Permission denied"],
  },
]);

table('touch: the current time needs write access, given times ownership', [
  { name: '-d on a 0666 file of root', src: 'touch -d 2020-01-01 /tmp/shared', user: 'bob', setup: [['/tmp/shared', file(0, 0, 0o666)]], status: 1, stderr: ["touch: setting times of '/tmp/shared': Operation not permitted"] },
  { name: '-r on a 0666 file of root', src: 'touch -r /tmp/root-file /tmp/shared', user: 'bob', setup: [['/tmp/shared', file(0, 0, 0o666)]], status: 1, stderr: ["touch: setting times of '/tmp/shared': Operation not permitted"] },
  { name: '-t on a 0666 file of root', src: 'touch -t 202001010000 /tmp/shared', user: 'bob', setup: [['/tmp/shared', file(0, 0, 0o666)]], status: 1 },
  { name: '-d now is the current time', src: 'touch -d now /tmp/shared', user: 'bob', setup: [['/tmp/shared', file(0, 0, 0o666)]], status: 0 },
  { name: 'the current time on a 0666 file of root', src: 'touch /tmp/shared', user: 'bob', setup: [['/tmp/shared', file(0, 0, 0o666)]], status: 0 },
  { name: '-d on a 0644 file of root: the open is refused first', src: 'touch -d 2020-01-01 /tmp/root-file', user: 'bob', status: 1, stderr: ["touch: cannot touch '/tmp/root-file': Permission denied"] },
  { name: '-d on its own file', src: 'touch -d 2020-01-01 /tmp/alice-file', user: 'alice', status: 0 },
  { name: '-d on a new file', src: 'touch -d 2020-01-01 /tmp/new', user: 'bob', status: 0, expect: { '/tmp/new': 'file 1001:1001 0644' } },
]);

describe('ln -sr', () => {
  test('takes TARGET from the working folder and writes it relative to the link', () => {
    const s = image();
    const out = run(s, 'mkdir /opt/d && touch /opt/t && cd /opt && ln -sr t /opt/d/l && ln -sr /opt/d /opt/d/self && ln -s t /opt/d/plain');
    assert.equal(out.status, 0);
    assert.equal(s.fs.get('/opt/d/l')?.target, '../t');
    assert.equal(s.fs.get('/opt/d/self')?.target, '.');
    assert.equal(s.fs.get('/opt/d/plain')?.target, 't');
  });
  test('relativeTo (gnulib relpath)', () => {
    assert.equal(relativeTo('/srv/t', '/srv/d'), '../t');
    assert.equal(relativeTo('/a/b/c', '/a'), 'b/c');
    assert.equal(relativeTo('/a', '/x/y'), '../../a');
    assert.equal(relativeTo('/a', '/a'), '.');
    assert.equal(relativeTo('/a', '/'), 'a');
  });
});
