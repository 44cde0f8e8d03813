// cloneState hands the simulator a copy it may change in place: every record a later step adds
// keys to must be its own object, with the same keys in the same order as the original.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { cloneState, copyRecord, scratchState } from '../../src/image/state.js';

describe('copyRecord', () => {
  test('keeps keys, values and their order, and is a separate object', () => {
    const src = { PATH: '/usr/bin', LANG: 'C', HOME: '/root' };
    const copy = copyRecord(src);

    assert.deepEqual(Object.entries(copy), Object.entries(src));
    copy.EXTRA = '1';
    assert.equal(Object.hasOwn(src, 'EXTRA'), false);
    assert.equal(JSON.stringify(copy), '{"PATH":"/usr/bin","LANG":"C","HOME":"/root","EXTRA":"1"}');
  });

  test('a copy is an ordinary object (Object.prototype), as a spread gives', () => {
    assert.equal(Object.getPrototypeOf(copyRecord({ a: 1 })), Object.prototype);
  });
});

describe('cloneState', () => {
  const base = scratchState();
  base.config.env = { PATH: '/bin', LANG: 'C' };
  base.config.labels = { a: '1' };
  base.packages = { bash: { name: 'bash', via: 'apt' } };
  base.texts = { '/etc/sudoers': { content: 'root ALL=(ALL) ALL\n' } };

  const cases: [string, (s: typeof base) => object][] = [
    ['env', (s) => s.config.env],
    ['labels', (s) => s.config.labels],
    ['packages', (s) => s.packages],
    ['texts', (s) => s.texts],
    ['sshd lines', (s) => s.sshd.lines],
    ['jupyter lines', (s) => s.jupyter.lines],
  ];
  for (const [name, pick] of cases) {
    test(`${name}: equal content, a new object`, () => {
      const copy = cloneState(base);
      assert.deepEqual(pick(copy), pick(base));
      assert.notEqual(pick(copy), pick(base));
    });
  }

  test('keys added to the copy do not reach the original', () => {
    const copy = cloneState(base);
    copy.config.env.STEP = '1';
    copy.config.labels.b = '2';

    assert.deepEqual(Object.keys(base.config.env), ['PATH', 'LANG']);
    assert.deepEqual(Object.keys(base.config.labels), ['a']);
    assert.deepEqual(Object.keys(copy.config.env), ['PATH', 'LANG', 'STEP']);
  });
});
