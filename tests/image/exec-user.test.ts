// resolveExecUser at the edges of moby/sys user.GetExecUser: empty user part, ids out of
// 0..2147483647, extra ':' fields, and numbers Go's Atoi reads that a plain digit test misses.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execId, ID_RANGE_ERROR, parseGroup, parsePasswd, resolveExecUser } from '../../src/image/accounts.js';
import type { Accounts } from '../../src/model/types.js';
import { SHADOW_DEFAULTS } from '../../src/image/accounts.js';

const acc: Accounts = {
  passwd: parsePasswd(
    'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n',
  ),
  group: parseGroup('root:x:0:\nwheel:x:10:root\nstaff:x:50:\nvideo:x:44:alice\nalice:x:1000:\n'),
  passwords: {},
  loginDefs: SHADOW_DEFAULTS,
};

const noRoot: Accounts = { ...acc, passwd: acc.passwd.filter((e) => e.uid !== 0) };

describe('resolveExecUser: empty parts, ranges and Atoi numbers', () => {
  type Want = { uid: number; gid: number; supplementary: number[]; name?: string; home: string } | { error: string };
  const cases: { name: string; spec: string; acc?: Accounts; want: Want }[] = [
    { name: 'an empty user part keeps uid 0 and takes root\'s entry; the group is explicit', spec: ':1000', want: { uid: 0, gid: 1000, supplementary: [], name: 'root', home: '/root' } },
    { name: 'an empty user part with a group name', spec: ':staff', want: { uid: 0, gid: 50, supplementary: [], name: 'root', home: '/root' } },
    { name: 'an empty spec is root with its memberships', spec: '', want: { uid: 0, gid: 0, supplementary: [10], name: 'root', home: '/root' } },
    { name: 'an empty spec without a root entry is uid 0 gid 0, not an error', spec: '', acc: noRoot, want: { uid: 0, gid: 0, supplementary: [], home: '/' } },
    { name: 'an empty user part without a root entry', spec: ':1000', acc: noRoot, want: { uid: 0, gid: 1000, supplementary: [], home: '/' } },
    { name: 'a negative uid is a number out of range', spec: '-1', want: { error: ID_RANGE_ERROR } },
    { name: 'uid 2^32 is out of range', spec: '4294967296', want: { error: ID_RANGE_ERROR } },
    { name: 'uid 2^31 is out of range', spec: '2147483648', want: { error: ID_RANGE_ERROR } },
    { name: 'uid 2^31-1 is the largest accepted', spec: '2147483647', want: { uid: 2147483647, gid: 0, supplementary: [], home: '/' } },
    { name: 'a negative gid with no group entry is out of range', spec: 'alice:-1', want: { error: ID_RANGE_ERROR } },
    { name: 'a huge gid is out of range', spec: '1000:5000000000', want: { error: ID_RANGE_ERROR } },
    { name: 'Atoi reads a leading +: +1000 is alice', spec: '+1000', want: { uid: 1000, gid: 1000, supplementary: [44], name: 'alice', home: '/home/alice' } },
    { name: 'past int64 Atoi fails, so the text is a user name', spec: '99999999999999999999', want: { error: 'unable to find user 99999999999999999999: no matching entries in passwd file' } },
    { name: 'only the first two fields count', spec: 'alice:video:ignored', want: { uid: 1000, gid: 44, supplementary: [], name: 'alice', home: '/home/alice' } },
    { name: 'an empty group part is no group: memberships are added', spec: 'alice:', want: { uid: 1000, gid: 1000, supplementary: [44], name: 'alice', home: '/home/alice' } },
    { name: 'leading zeros are the same number: 0001000 is alice', spec: '0001000', want: { uid: 1000, gid: 1000, supplementary: [44], name: 'alice', home: '/home/alice' } },
    { name: '15 digits are a number out of range, not a name', spec: '999999999999999', want: { error: ID_RANGE_ERROR } },
    { name: '16 digits are a number out of range too', spec: '9999999999999999', want: { error: ID_RANGE_ERROR } },
    { name: '2^53+1 does not round onto an existing id', spec: '9007199254740993:1000', want: { error: ID_RANGE_ERROR } },
    { name: 'a gid of zeros is gid 0', spec: 'alice:000', want: { uid: 1000, gid: 0, supplementary: [], name: 'alice', home: '/home/alice' } },
    { name: 'an unknown name still fails as before', spec: 'nosuch', want: { error: 'unable to find user nosuch: no matching entries in passwd file' } },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const r = resolveExecUser(c.acc ?? acc, c.spec);
      if ('error' in c.want) {
        assert.deepEqual(r, { ok: false, error: c.want.error });
        return;
      }
      assert.equal(r.ok, true);
      if (!r.ok) return;
      const { uid, gid, supplementary, name, home } = r.user;
      assert.deepEqual({ uid, gid, supplementary, name, home }, { name: undefined, ...c.want });
    });
  }

  test('the range error carries moby/sys user.ErrRange\'s text', () => {
    assert.equal(ID_RANGE_ERROR, 'uids and gids must be in range 0-2147483647');
  });

  const ids: [string, number | 'range' | undefined][] = [
    ['27', 27], ['+27', 27], ['-1', 'range'], ['2147483648', 'range'], ['video', undefined], ['0x1', undefined],
  ];
  for (const [text, want] of ids) {
    test(`execId(${JSON.stringify(text)}) is ${String(want)}`, () => assert.equal(execId(text), want));
  }
});
