// The umask builtin's operand as dash 0.5.12 and bash 5.2.15 read it: values measured here with
// both shells (`umask OLD; umask SPEC; echo $? $(umask)`), and in the oracle (shells/symbolic-umask).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { symbolicUmask, umaskOperand } from '../../src/shell/umask.js';
import { image, meta, run } from './run-fixture.js';
import { refreshDerived } from '../../src/shell/commands/config.js';

describe('umask operands, dash and bash', () => {
  // [spec, old mask, dash's result, bash's result]: a mask, or [status, error words].
  const cases: [string, number, number | [number, string], number | [number, string]][] = [
    ['u=rwx,g=rx,o=', 0o022, 0o027, 0o027],
    ['g-w,o-rwx', 0o022, 0o027, 0o027],
    ['a=rx', 0o022, 0o222, 0o222],
    ['+w', 0o022, 0o000, 0o000],
    ['=r', 0o022, 0o333, 0o333],
    ['go=', 0o022, 0o077, 0o077],
    ['=rx,g+w', 0o022, 0o202, 0o202],
    ['ugo-r', 0o022, 0o466, 0o466],
    ['u=rw,g=', 0o022, 0o172, 0o172],
    ['a=', 0o022, 0o777, 0o777],
    ['u=g', 0o022, 0o222, [1, "`g': invalid symbolic mode character"]],
    ['o=u', 0o022, 0o020, [1, "`u': invalid symbolic mode character"]],
    ['u-w+x', 0o022, 0o222, [1, "`+': invalid symbolic mode character"]],
    ['ug=rwX', 0o022, 0o002, [1, "`X': invalid symbolic mode character"]],
    ['o=X', 0o177, 0o177, [1, "`X': invalid symbolic mode character"]],
    ['a+s', 0o022, 0o022, [1, "`s': invalid symbolic mode character"]],
    ['u==r', 0o022, 0o322, [1, "`=': invalid symbolic mode character"]],
    ['u=rwx,', 0o022, 0o022, [1, "`': invalid symbolic mode operator"]],
    ['u+t', 0o022, [2, 'Illegal mode: u+t'], [1, "`t': invalid symbolic mode character"]],
    [',u=rwx', 0o022, [2, 'Illegal mode: ,u=rwx'], [1, "`,': invalid symbolic mode operator"]],
    ['x', 0o022, [2, 'Illegal mode: x'], [1, "`x': invalid symbolic mode operator"]],
    ['0077', 0o022, 0o077, 0o077],
    ['7777', 0o022, 0o777, 0o777],
    ['17777', 0o022, 0o777, [1, '17777: octal number out of range']],
    ['8', 0o022, [2, 'Illegal number: 8'], [1, '8: octal number out of range']],
  ];
  for (const [spec, old, dash, bash] of cases) {
    test(`${spec} from ${old.toString(8).padStart(4, '0')}`, () => {
      for (const [flavor, want] of [['dash', dash], ['bash', bash]] as const) {
        const got = umaskOperand(spec, old, flavor);
        assert.deepEqual(got, typeof want === 'number' ? { mask: want } : { status: want[0], error: want[1] }, flavor);
      }
    });
  }
  test('BusyBox ash: octal only, a symbolic operand is not known', () => {
    assert.deepEqual(umaskOperand('027', 0o022, 'ash'), { mask: 0o027 });
    assert.equal(umaskOperand('u=rwx,g=rx,o=', 0o022, 'ash'), undefined);
  });
  test('umask -S names the kept permissions', () => {
    assert.equal(symbolicUmask(0o022), 'u=rwx,g=rx,o=rx');
    assert.equal(symbolicUmask(0o077), 'u=rwx,g=,o=');
  });
});

describe('a symbolic umask in a RUN', () => {
  const cases: [string, string, string[] | undefined, Record<string, string>, number][] = [
    ['dash: u=rwx,g=rx,o= makes files 0640 and folders 0750', 'umask u=rwx,g=rx,o= && mkdir /d && touch /f', undefined,
      { '/d': 'dir 0:0 0750', '/f': 'file 0:0 0640' }, 0],
    ['dash: g-w,o-rwx from 022', 'umask g-w,o-rwx && mkdir /d', undefined, { '/d': 'dir 0:0 0750' }, 0],
    ['bash: the same', "bash -c 'umask u=rwx,g=rx,o= && mkdir /d'", undefined, { '/d': 'dir 0:0 0750' }, 0],
    ['dash: an illegal mode is status 2 and keeps the mask', 'umask u+t; mkdir /d$?', ['/bin/sh: 1: umask: Illegal mode: u+t'],
      { '/d2': 'dir 0:0 0755' }, 0],
    ['bash: a copy is refused with status 1', "bash -c 'umask u=g; mkdir /d$?'",
      ["bash: line 1: umask: `g': invalid symbolic mode character"], { '/d1': 'dir 0:0 0755' }, 0],
    ['umask -S prints the kept permissions', 'umask 027; umask -S > /tmp/s', undefined, { '/tmp/s': 'file 0:0 0640' }, 0],
  ];
  for (const [name, src, stderr, expect, status] of cases) {
    test(name, () => {
      const s = image();
      refreshDerived(s);
      const out = run(s, src);
      assert.equal(out.status, status, JSON.stringify(out.stderr));
      if (stderr) assert.deepEqual(out.stderr, stderr);
      for (const [p, want] of Object.entries(expect)) assert.equal(meta(s, p), want, p);
    });
  }
  test('umask -S output, and bash prints it after setting too', () => {
    const s = image();
    refreshDerived(s);
    const out = run(s, `umask 027; [ "$(umask -S)" = u=rwx,g=rx,o= ] && touch /ok; [ "$(bash -c 'umask -S 077')" = u=rwx,g=,o= ] && touch /ok2`);
    assert.equal(out.status, 0);
    assert.equal(meta(s, '/ok'), 'file 0:0 0640');
    assert.equal(meta(s, '/ok2'), 'file 0:0 0640');
  });
});
