// Inline ignore comments: which instruction each one silences, and the comments that look like
// one but are not (they ignore nothing, and the command line says so).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ignoreCommentWarnings, readSuppressions } from '../../src/rules/suppress.js';

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

  test('a reason after " -- " is taken as one: the keys before it apply', () => {
    const s = readSuppressions('FROM x\n# uidctl ignore=UID101 -- trusted base\nUSER root\n# uidctl global ignore = UID403, UID102 -- see #12, ok\n# uidctl ignore=UID201 --\nRUN x\n');
    assert.deepEqual([...s.global], ['UID403', 'UID102']);
    assert.deepEqual([...s.byLine].map(([line, ids]) => [line, [...ids]]), [[3, ['UID101']], [6, ['UID201']]]);
    assert.deepEqual([s.unknown, s.malformed, s.misplaced], [[], [], []]);
  });

  test('"# uidctl: ignore=" and "# uidctl ignore=*" are comments meant as ignores: listed, ignoring nothing', () => {
    const s = readSuppressions('FROM x\n# uidctl: ignore=UID101\n# uidctl ignore=*\n#uidctl-ignore=UID101\nUSER root\n');
    assert.deepEqual(s.malformed.map((m) => m.line), [2, 3, 4]);
    assert.deepEqual([s.global.size, s.byLine.size], [0, 0]);
  });

  test('a here-document body is text, never a directive: a global ignore there ignores nothing and is listed', () => {
    for (const body of ['RUN <<EOF\n# uidctl global ignore=UID101\necho hi\nEOF\n', 'COPY <<EOF /etc/motd\n# uidctl global ignore=UID101\nEOF\n', 'RUN <<-EOF\n\t# uidctl ignore=UID101\n\tEOF\n']) {
      const s = readSuppressions(`FROM python:3.11-slim\n${body}USER root\n`);
      assert.deepEqual([s.global.size, s.byLine.size], [0, 0], body);
      assert.deepEqual(s.misplaced.map((m) => [m.line, m.where, m.keyword, m.instruction]), [[3, 'heredoc', body.slice(0, body.indexOf(' ')), 2]], body);
    }
  });

  test('an ignore comment after a here-document applies to the next instruction', () => {
    const s = readSuppressions('FROM x\nRUN <<EOF\necho hi\nEOF\n# uidctl ignore=UID101\nUSER root\n');
    assert.deepEqual([...s.byLine].map(([line, ids]) => [line, [...ids]]), [[6, ['UID101']]]);
    assert.deepEqual(s.misplaced, []);
  });

  test('an ignore between continuation lines (which the builder drops) applies to neither instruction, and says so', () => {
    const s = readSuppressions('FROM x\nRUN useradd -m app && \\\n# uidctl ignore=UID101\n    echo hi\nRUN echo \\\n  # uidctl global ignore=UID101\n  x\nUSER root\n');
    assert.deepEqual([s.global.size, s.byLine.size], [0, 0]);
    assert.deepEqual(s.misplaced.map((m) => [m.line, m.where, m.instruction]), [[3, 'continuation', 2], [6, 'continuation', 5]]);
    assert.deepEqual(ignoreCommentWarnings(s).map((w) => w.text), [
      "'# uidctl ignore=UID101' is between the continuation lines of the RUN at line 2, where the builder drops comments, so it ignores nothing (put it on a line of its own before line 2)",
      "'# uidctl global ignore=UID101' is between the continuation lines of the RUN at line 5, where the builder drops comments, so it ignores nothing (put it on a line of its own before line 5)",
    ]);
  });

  test('the escape directive decides what continues a line', () => {
    const s = readSuppressions('# escape=`\nFROM x\nRUN echo `\n# uidctl ignore=UID101\n  x\nRUN echo \\\n# uidctl ignore=UID101\nUSER root\n');
    assert.deepEqual(s.misplaced.map((m) => m.line), [4]);
    assert.deepEqual([...s.byLine].map(([line, ids]) => [line, [...ids]]), [[8, ['UID101']]]);
  });
});
