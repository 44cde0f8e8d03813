// Where a probe file stops being JSON: the scanner's offset is V8's wherever V8 gives one, and
// the line and column are counted from it (a bad probe file is named by file, line and column).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonErrorOffset, jsonSyntaxError } from '../../src/probe/json-position.js';

/** V8's own offset, where its message has one. */
function v8Offset(text: string): number | undefined {
  try {
    JSON.parse(text);
    return -1;
  } catch (e) {
    const m = / at position (\d+)/.exec((e as Error).message);
    return m ? Number(m[1]) : undefined;
  }
}

describe('jsonErrorOffset agrees with JSON.parse', () => {
  // Every one of V8's positioned messages, and texts that are JSON.
  const texts = ['{"a":1,}', '{"a" 1}', '{"a":1', '{"a":"x\ny"}', '[1 2]', '{"a":1} x', '"\\q"', '01', '-', '1e', '1.', '"\\u12G4"',
    '{"a":[true,false,null,-0.5e+3,"\\u00e9\\n"]}', ' [] ', '"x"'];
  for (const t of texts) {
    test(JSON.stringify(t), () => {
      assert.equal(jsonErrorOffset(t), v8Offset(t));
    });
  }

  // V8 names the token but not where it is: the scanner finds it.
  const unplaced = [
    { text: 'garbage', at: 0 },
    { text: '{"a":tru}', at: 8 },
    { text: '{"probe":"uidctl",\n "uid": }', at: 27 },
    { text: '\ufeff{}', at: 0 },
  ];
  for (const c of unplaced) {
    test(`${JSON.stringify(c.text)}: at ${c.at}`, () => {
      assert.equal(v8Offset(c.text), undefined);
      assert.equal(jsonErrorOffset(c.text), c.at);
    });
  }
});

describe('jsonSyntaxError', () => {
  test("V8's words without its snippet, at the line and column of the bad token", () => {
    assert.deepEqual(jsonSyntaxError('{"probe":"uidctl",\n "uid": }\n'), { message: "Unexpected token '}'", line: 2, column: 9 });
  });

  test("V8's words without its position", () => {
    assert.deepEqual(jsonSyntaxError('{\n  "a": 1,\n  "b" 2\n}'), { message: 'Unexpected number', line: 3, column: 7 });
  });

  test('a text that ends early: just after its last character, not on the line its newline opens', () => {
    assert.deepEqual(jsonSyntaxError('{"a": [1,\n2\n\n'), { message: "Expected ',' or ']' after array element", line: 2, column: 2 });
  });

  test('JSON: nothing', () => {
    assert.equal(jsonSyntaxError('{"a": 1}\n'), undefined);
  });
});
