// Inline ignore comments: which instruction each one silences, and the comments that look like
// one but are not (they ignore nothing, and the command line says so).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readSuppressions } from '../../src/rules/suppress.js';

describe('ignore comments', () => {
  test('ignore= applies to the next instruction, global ignore= to the file; names become ids', () => {
    const s = readSuppressions('# uidctl global ignore=UID403\nFROM debian:bookworm\n# uidctl ignore=UID201, root-user\n\n# a note\nUSER root\n');
    assert.deepEqual([...s.global], ['UID403']);
    assert.deepEqual([...s.byLine].map(([line, ids]) => [line, [...ids]]), [[6, ['UID201', 'UID101']]]);
    assert.deepEqual([s.unknown, s.malformed], [[], []]);
  });

  test('a key that names no rule is listed with its line', () => {
    assert.deepEqual(readSuppressions('# uidctl ignore=UID999\nFROM x\n').unknown, [{ key: 'UID999', line: 1 }]);
  });

  test('comments meant as ignores but written otherwise are listed, and ignore nothing', () => {
    const s = readSuppressions('# uidctl ignore UID102\n#uidctl global ignore: UID403\n# uidctl ignore=\nFROM x\n# uidctl is great\n');
    assert.deepEqual(s.malformed, [
      { text: '# uidctl ignore UID102', line: 1 },
      { text: '#uidctl global ignore: UID403', line: 2 },
      { text: '# uidctl ignore=', line: 3 },
    ]);
    assert.deepEqual([s.global.size, s.byLine.size], [0, 0]);
  });
});
