import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatId,
  nextFreeId,
  pamAccountCheck,
  shadowDate,
  userGroupGid,
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
    assert.equal(nextFreeId([0, 42, 65534], 101, 999, true), 999);
  });

  // shadow 4.13 find_new_uid.c: one below the lowest system id in use, the gap above kept.
  test('system accounts go below the lowest id in use; normal ones above the highest', () => {
    assert.equal(nextFreeId([0, 990], 101, 999, true), 989);
    assert.equal(nextFreeId([0, 500, 990, 999], 101, 999, true), 499);
    // An id at the bottom of the range: the highest free id from the top.
    assert.equal(nextFreeId([101, 999, 998], 101, 999, true), 997);
    assert.equal(nextFreeId([0, 1000, 5000], 1000, 60000, false), 5001);
    // The highest at the top of the range: the lowest free id from the bottom.
    assert.equal(nextFreeId([1000, 1001, 60000], 1000, 60000, false), 1002);
    assert.equal(nextFreeId([101, 102], 101, 102, true), -1);
  });

  test('65535 is never picked (check_uid: it is -1 to 16-bit callers)', () => {
    assert.equal(nextFreeId([65534], 1000, 70000, false), 65536);
    assert.equal(nextFreeId([65536], 65535, 65536, true), -1);
  });

  test('the user group gid prefers the uid, from 1 for system accounts', () => {
    assert.equal(userGroupGid([0, 100], 50, 101, 999, true), 50);
    assert.equal(userGroupGid([0, 100], 500, 1000, 60000, false), 1000);
    assert.equal(userGroupGid([0, 100, 1000], 1000, 1000, 60000, false), 1001);
  });

  test('without SYS_UID_MAX the system range ends below UID_MIN (get_ranges)', () => {
    const d = parseLoginDefs('UID_MIN 500\nGID_MIN 600\n');
    assert.deepEqual([d.sysUidMax, d.sysGidMax], [499, 599]);
    const e = parseLoginDefs('UID_MIN 500\nSYS_UID_MAX 300\n');
    assert.deepEqual([e.sysUidMax, e.sysGidMax], [300, 999]);
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

// pam_unix check_shadow_expiry (Linux-PAM 1.5) on the fields shadow's tools write.
describe('shadow aging and the PAM account check', () => {
  const withAging = (aging: Accounts['aging']): Accounts => ({ ...acc, aging });
  const day = 20000;

  test('shadowDate reads strtoday()\'s forms', () => {
    assert.deepEqual(
      ['', '-1', '0', '1', '2000-01-01', '1970-01-02', '2020-13-45', 'tomorrow', '12/31/2030', '1.5'].map(shadowDate),
      [-1, -1, 0, 1, 10957, 1, 'invalid', 'unknown', 'unknown', 'invalid'],
    );
  });

  test('an expire day reached or past is an expired account; -1 or none is not', () => {
    const expired = 'Your account has expired; please contact your system administrator.';
    assert.deepEqual(pamAccountCheck(withAging({ svc: { expire: day } }), 'svc', day), { result: 'expired', message: expired });
    assert.deepEqual(pamAccountCheck(withAging({ svc: { expire: day + 1 } }), 'svc', day), { result: 'ok' });
    assert.deepEqual(pamAccountCheck(withAging({ svc: { expire: -1 } }), 'svc', day), { result: 'ok' });
    assert.deepEqual(pamAccountCheck(withAging(undefined), 'svc', day), { result: 'ok' });
  });

  test('a last change of 0 asks for a new password; the expiry is checked first', () => {
    assert.equal(pamAccountCheck(withAging({ svc: { lastChange: 0 } }), 'svc', day).result, 'new-authtok');
    assert.equal(pamAccountCheck(withAging({ svc: { lastChange: 0, expire: 1 } }), 'svc', day).result, 'expired');
  });

  test('max and inactive days count from the last change', () => {
    assert.equal(pamAccountCheck(withAging({ svc: { lastChange: day, max: 0 } }), 'svc', day).result, 'ok');
    assert.equal(pamAccountCheck(withAging({ svc: { lastChange: day - 1, max: 0 } }), 'svc', day).result, 'new-authtok');
    assert.equal(pamAccountCheck(withAging({ svc: { lastChange: day - 10, max: 2, inactive: 3 } }), 'svc', day).result, 'authtok-expired');
    assert.equal(pamAccountCheck(withAging({ svc: { lastChange: day + 5, max: 0 } }), 'svc', day).result, 'ok');
    // A max with no known last change (an account of the base image): not known.
    assert.equal(pamAccountCheck(withAging({ svc: { max: 5 } }), 'svc', day).result, 'unknown');
  });
});
