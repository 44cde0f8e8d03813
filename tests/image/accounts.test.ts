import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatId,
  nextFreeId,
  parseGroup,
  parseLoginDefs,
  parsePasswd,
  resolveExecUser,
} from '../../src/image/accounts.js';
import type { Accounts } from '../../src/model/types.js';
import { SHADOW_DEFAULTS } from '../../src/image/accounts.js';

const acc: Accounts = {
  passwd: parsePasswd(
    [
      'root:x:0:0:root:/root:/bin/bash',
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
      'alice:x:1000:1000::/home/alice:/bin/bash',
      'bob:x:1001:100::/home/bob:/bin/sh',
    ].join('\n'),
  ),
  group: parseGroup(['root:x:0:', 'sudo:x:27:alice', 'users:x:100:', 'alice:x:1000:', 'video:x:44:alice,bob'].join('\n')),
  passwords: {},
  loginDefs: SHADOW_DEFAULTS,
};

describe('resolveExecUser follows Docker (moby/sys user.GetExecUser)', () => {
  const cases: [string, string, { uid: number; gid: number; supplementary: number[]; home: string; has: boolean } | string][] = [
    ['empty spec is root', '', { uid: 0, gid: 0, supplementary: [], home: '/root', has: true }],
    ['"0" is root', '0', { uid: 0, gid: 0, supplementary: [], home: '/root', has: true }],
    ['"00" is root', '00', { uid: 0, gid: 0, supplementary: [], home: '/root', has: true }],
    ['"0:0" is root', '0:0', { uid: 0, gid: 0, supplementary: [], home: '/root', has: true }],
    ['"root:root" is root', 'root:root', { uid: 0, gid: 0, supplementary: [], home: '/root', has: true }],
    ['name gets primary and supplementary groups', 'alice', { uid: 1000, gid: 1000, supplementary: [27, 44], home: '/home/alice', has: true }],
    ['uid gets the same groups as the name', '1000', { uid: 1000, gid: 1000, supplementary: [27, 44], home: '/home/alice', has: true }],
    ['name:group drops supplementary groups', 'alice:users', { uid: 1000, gid: 100, supplementary: [], home: '/home/alice', has: true }],
    ['uid:gid numeric is used as is', '1000:4242', { uid: 1000, gid: 4242, supplementary: [], home: '/home/alice', has: true }],
    ['unknown uid: gid 0, HOME /', '1234', { uid: 1234, gid: 0, supplementary: [], home: '/', has: false }],
    ['unknown uid with gid', '1234:1234', { uid: 1234, gid: 1234, supplementary: [], home: '/', has: false }],
    ['unknown name fails', 'carol', 'unable to find user carol: no matching entries in passwd file'],
    ['unknown group name fails', 'alice:nogroup', 'unable to find group nogroup: no matching entries in group file'],
  ];

  for (const [name, spec, want] of cases) {
    test(name, () => {
      const r = resolveExecUser(acc, spec);
      if (typeof want === 'string') {
        assert.equal(r.ok, false);
        if (!r.ok) assert.equal(r.error, want);
        return;
      }
      assert.ok(r.ok);
      if (!r.ok) return;
      assert.deepEqual(
        { uid: r.user.uid, gid: r.user.gid, supplementary: r.user.supplementary, home: r.user.home, has: r.user.hasPasswdEntry },
        want,
      );
    });
  }
});

describe('ids and formatting', () => {
  test('useradd picks one above the highest normal uid', () => {
    assert.equal(nextFreeId([0, 1000, 1001, 65534], 1000, 60000, false), 1002);
    assert.equal(nextFreeId([0, 65534], 1000, 60000, false), 1000);
  });

  test('system accounts count down from SYS_UID_MAX', () => {
    assert.equal(nextFreeId([0, 999], 101, 999, true), 998);
  });

  test('id output', () => {
    assert.equal(formatId(acc, 1000, 1000, [1000, 27, 44]), 'uid=1000(alice) gid=1000(alice) groups=1000(alice),27(sudo),44(video)');
    assert.equal(formatId(acc, 1234, 0, [0]), 'uid=1234 gid=0(root) groups=0(root)');
  });

  test('login.defs values override the defaults, octal umask', () => {
    const d = parseLoginDefs('UID_MIN 2000\n# UID_MAX 1\nUMASK 027\nHOME_MODE 0750\nUSERGROUPS_ENAB no\n');
    assert.equal(d.uidMin, 2000);
    assert.equal(d.uidMax, 60000);
    assert.equal(d.umask, 0o027);
    assert.equal(d.homeMode, 0o750);
    assert.equal(d.usergroupsEnab, false);
  });
});
