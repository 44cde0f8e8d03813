// Commands that only read fail where the process cannot read or reach what they name, in the
// words and statuses of GNU coreutils 9.1, grep 3.8 and findutils 4.9 (C locale), measured as
// uid 65534 on Debian bookworm. What they print is never known.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { image, run } from './run-fixture.js';
import type { ImageState } from '../../src/model/types.js';

/** The fixture plus a secret file, a closed folder with a file, and a readable tree. */
function state(): ImageState {
  const s = image();
  s.fs.set('/srv/secret', { kind: 'file', uid: 0, gid: 0, mode: 0o600 });
  s.fs.set('/srv/closed', { kind: 'dir', uid: 0, gid: 0, mode: 0o700 });
  s.fs.set('/srv/closed/x', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
  s.fs.set('/srv/open', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
  s.fs.set('/srv/open/f', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
  // Readable but not searchable for others (0744): names can be listed, entries not reached.
  s.fs.set('/srv/d744', { kind: 'dir', uid: 0, gid: 0, mode: 0o744 });
  s.fs.set('/srv/d744/f', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });

  return s;
}

describe('readers as a user who may not read', () => {
  // [command (cwd /srv, as alice), status, stderr]
  const cases: [string, number | 'unknown', string[]][] = [
    ['head -n1 secret', 1, ["head: cannot open 'secret' for reading: Permission denied"]],
    ['head open', 1, ["head: error reading 'open': Is a directory"]],
    ['tail -n 1 secret', 1, ["tail: cannot open 'secret' for reading: Permission denied"]],
    ['head nope', 1, ["head: cannot open 'nope' for reading: No such file or directory"]],
    ['wc -l secret', 1, ['wc: secret: Permission denied']],
    ['wc open', 1, ['wc: open: Is a directory']],
    ['wc nope', 1, ['wc: nope: No such file or directory']],
    ['grep -q x secret', 2, ['grep: secret: Permission denied']],
    ['grep x open', 2, ['grep: open: Is a directory']],
    ['grep -s x secret', 2, []],
    ['grep -r x .', 2, ['grep: ./closed: Permission denied', 'grep: ./secret: Permission denied']],
    ['grep -q x open/f secret', 'unknown', ['grep: secret: Permission denied']],
    ['grep -e x -- nope', 2, ['grep: nope: No such file or directory']],
    ['grep -q alice /etc/passwd', 0, []],
    ['ls closed', 2, ["ls: cannot open directory 'closed': Permission denied"]],
    ['ls nope', 2, ["ls: cannot access 'nope': No such file or directory"]],
    ['ls closed/x', 2, ["ls: cannot access 'closed/x': Permission denied"]],
    ['ls -d closed', 0, []],
    ['ls -la open', 0, []],
    ['ls -R .', 1, ["ls: cannot open directory './closed': Permission denied"]],
    ['find closed', 1, ["find: 'closed': Permission denied"]],
    ['find . -name q', 1, ["find: './closed': Permission denied"]],
    ['find . -maxdepth 0', 0, []],
    ['find nope', 1, ["find: 'nope': No such file or directory"]],
    ['du -sh closed', 1, ["du: cannot read directory 'closed': Permission denied"]],
    ['du -s .', 1, ["du: cannot read directory './closed': Permission denied"]],
    ['du nope', 1, ["du: cannot access 'nope': No such file or directory"]],
    ['stat nope', 1, ["stat: cannot statx 'nope': No such file or directory"]],
    ['stat closed/x', 1, ["stat: cannot statx 'closed/x': Permission denied"]],
    ['stat secret', 0, []],
    ['md5sum secret open/f', 1, ['md5sum: secret: Permission denied']],
    ['sha256sum open', 1, ['sha256sum: open: Is a directory']],
    ['sort -t: -k2 secret', 2, ['sort: cannot read: secret: Permission denied']],
    ['sort open', 2, ['sort: read failed: open: Is a directory']],
    ['diff secret open/f', 2, ['diff: secret: Permission denied']],
    ['cmp nope open/f', 2, ['cmp: nope: No such file or directory']],
    ['diff open/f open/f', 'unknown', []],
    // Measured as uid 1000 in a real build: ls and find of a 0744 folder succeed.
    ['ls d744', 0, []],
    ['ls -l d744', 'unknown', []],
    ['find d744', 'unknown', []],
    ['du -s d744', 'unknown', []],
    ['stat -c %s closed/x', 1, ["stat: cannot statx 'closed/x': Permission denied"]],
    ['stat -t nope', 1, ["stat: cannot statx 'nope': No such file or directory"]],
    ['stat --printf=%s nope', 1, ["stat: cannot statx 'nope': No such file or directory"]],
  ];
  for (const [cmd, status, stderr] of cases) {
    test(cmd, () => {
      const out = run(state(), cmd, 'alice', '/srv');
      assert.equal(out.status, status, JSON.stringify(out.stderr));
      assert.deepEqual(out.stderr, stderr);
    });
  }

  test('root reads them all', () => {
    const out = run(state(), 'head -n1 secret && ls closed && find . && du -s .', 'root', '/srv');
    assert.deepEqual([out.status, out.stderr], [0, []]);
    // What the files under . hold is not known: whether grep selects a line is not either.
    assert.deepEqual([run(state(), 'grep -r x .', 'root', '/srv').status], ['unknown']);
  });

  test('set -e stops at the failing reader, as a build step or a start script would', () => {
    const s = state();
    const out = run(s, 'set -e; ls closed > /dev/null; touch /tmp/after', 'alice', '/srv');
    assert.deepEqual([out.status, s.fs.has('/tmp/after')], [2, false]);
  });

  test('a folder whose listing is partial: what find and ls meet there is not known', () => {
    const out = run(state(), 'ls /opt/conda/lib; find /opt/conda -name x', 'alice');
    assert.deepEqual([out.status, out.stderr], [0, []]);
    assert.equal(run(state(), 'ls /opt/conda/lib', 'alice').status, 'unknown');
  });

  test('find with -exec is not a reader: it is followed elsewhere or noted', () => {
    const out = run(state(), 'find /srv/closed -exec true {} +', 'alice');
    assert.equal(out.status, 'unknown');
  });
});

describe('grep on texts the model keeps', () => {
  // [command (as root), status, files made]: the account files and written texts are matched.
  const cases: [string, number | 'unknown', string[]][] = [
    ["grep -q '^app:' /etc/passwd || useradd -m app", 0, ['/home/app']],
    ["grep -q '^alice:' /etc/passwd || useradd -m alice2", 0, []],
    ['grep -qE "^(bob|carol):" /etc/passwd && touch /tmp/hit', 0, ['/tmp/hit']],
    ['grep -qx staff:x:50:bob /etc/group && touch /tmp/hit', 0, ['/tmp/hit']],
    ['grep -qiF ALICE /etc/passwd && touch /tmp/hit', 0, ['/tmp/hit']],
    ['grep -qw ali /etc/passwd || touch /tmp/miss', 0, ['/tmp/miss']],
    ['grep -qv . /etc/passwd || touch /tmp/miss', 0, ['/tmp/miss']],
    ['echo "%sudo ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/g && grep -q NOPASSWD /etc/sudoers.d/g && touch /tmp/hit', 0, ['/tmp/hit']],
    ['n=$(grep -c "^[a-z]" /etc/group); [ "$n" = 6 ] && touch /tmp/hit', 0, ['/tmp/hit']],
    ['u=$(grep bob /etc/passwd); [ "$u" = "bob:x:1001:1001::/home/bob:/bin/bash" ] && touch /tmp/hit', 0, ['/tmp/hit']],
    ['grep -q nomatch /etc/passwd', 1, []],
    ['grep -q x /tmp/root-file', 'unknown', []],
  ];
  for (const [cmd, status, made] of cases) {
    test(cmd, () => {
      const s = state();
      const out = run(s, cmd, 'root', '/');
      assert.equal(out.status, status, JSON.stringify(out.stderr));
      for (const p of ['/home/app', '/home/alice2', '/tmp/hit', '/tmp/miss']) assert.equal(s.fs.has(p), made.includes(p), p);
    });
  }
});

describe('an input redirection the shell cannot open', () => {
  // dash 0.5.12 and bash 5.2 as uid 65534 here: the command does not run, the shell goes on.
  test('dash: cannot open, status 2, and the next command runs', () => {
    const s = state();
    const out = run(s, 'wc -l < /srv/secret; touch /tmp/after', 'alice');
    assert.deepEqual([out.stderr, s.fs.has('/tmp/after')], [['/bin/sh: 1: cannot open /srv/secret: Permission denied'], true]);
    assert.equal(run(state(), 'wc -l < /srv/secret', 'alice').status, 2);
    assert.deepEqual(run(state(), 'cat < /srv/nope', 'alice').stderr, ['/bin/sh: 1: cannot open /srv/nope: No such file']);
  });

  test('set -e stops there; a readable file is fine', () => {
    const s = state();
    assert.deepEqual([run(s, 'set -e; read l < /srv/secret; touch /tmp/after', 'alice').status, s.fs.has('/tmp/after')], [2, false]);
    assert.equal(run(state(), 'wc -l < /srv/open/f', 'alice').status, 0);
  });
});

describe('a venv activated, then deactivated', () => {
  test('activate puts the venv first on PATH; deactivate gives the old PATH back', () => {
    const s = state();
    s.pythons.push({ python: '/opt/venv/bin/python', kind: 'venv', sitePackages: '/opt/venv/lib/python3.11/site-packages', version: '3.11', externallyManaged: false, binDir: '/opt/venv' });
    s.fs.set('/opt/venv', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
    s.fs.set('/opt/venv/bin', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
    s.fs.set('/opt/venv/bin/activate', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    const out = run(s, '. /opt/venv/bin/activate && case "$PATH" in /opt/venv/bin:*) touch /tmp/a;; esac; deactivate && case "$PATH" in /opt/venv/bin:*) ;; *) [ -z "$VIRTUAL_ENV" ] && touch /tmp/b;; esac');
    assert.deepEqual([out.status, s.fs.has('/tmp/a'), s.fs.has('/tmp/b')], [0, true, true]);
  });
});

describe('cut -d -f over standard input the model knows', () => {
  // What cut printed, compared in the script itself: status 0 when it is the expected text.
  const is = (pipe: string, want: string) => run(image(), `x=$(${pipe}); test "$x" = '${want}'`).status;
  test('the devcontainer recipe: getent passwd 0 | cut -d: -f1 is root', () => {
    assert.equal(is('getent passwd 0 | cut -d: -f1', 'root'), 0);
    assert.equal(is('getent passwd 0 | cut -d : -f 1,3', 'root:0'), 0);
    assert.equal(is('getent passwd 0 | cut -d: -f1', 'nobody'), 1);
  });
  test('lists, -s, and a line without the delimiter', () => {
    assert.equal(is("printf 'a:b:c\\nplain\\n' | cut -d: -f-2 | tr '\\n' ' '", 'a:b plain '), 'unknown');
    assert.equal(is("printf 'a:b:c\\n' | cut -d: -f1,3", 'a:c'), 0);
    assert.equal(is("printf 'a:b:c\\n' | cut -d: -f2-", 'b:c'), 0);
    assert.equal(is("printf 'plain\\n' | cut -d: -f2", 'plain'), 0);
    assert.equal(is("printf 'plain\\n' | cut -s -d: -f2", ''), 0);
  });
  test('what it does not follow prints what the model does not know', () => {
    assert.equal(is('getent passwd 0 | cut -c1-3', 'roo'), 'unknown');
    assert.equal(is('cut -d: -f1 /etc/passwd', 'root'), 'unknown');
  });
});
