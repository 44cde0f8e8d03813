// Cases written from BuildKit's documented behaviour: the "Environment replacement" section of
// https://docs.docker.com/reference/dockerfile/ and moby/buildkit
// frontend/dockerfile/shell/lex.go (ProcessWord, ProcessWords, processDollar,
// processDoubleQuote) and frontend/dockerfile/parser/line_parsers.go (parseWords,
// parseNameVal).

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import {
  ExpandError,
  KeyValueError,
  expandWord,
  expandWords,
  parseKeyValues,
  splitRawWords,
  splitWords,
} from '../../src/dockerfile/index.js';

const env: Record<string, string> = {
  HOME: '/root',
  EMPTY: '',
  NAME: 'app',
  SPACED: 'a b  c',
  FILE: 'archive.tar.gz',
  PATHV: '/usr/local/bin:/usr/bin',
};
const vars = (n: string) => env[n];

describe('expandWord', () => {
  const cases: [string, string, string][] = [
    ['plain $VAR', '$HOME/x', '/root/x'],
    ['braced ${VAR}', '${NAME}-1', 'app-1'],
    ['unset variable is empty', 'a$NOPE-b', 'a-b'],
    ['name stops at a non-name char', '$NAME.txt', 'app.txt'],
    ['lone dollar stays', 'cost $ 5', 'cost $ 5'],
    ['${VAR:-word} when set', '${NAME:-x}', 'app'],
    ['${VAR:-word} when unset', '${NOPE:-x}', 'x'],
    ['${VAR:-word} when empty', '${EMPTY:-x}', 'x'],
    ['${VAR-word} when empty keeps empty', '${EMPTY-x}', ''],
    ['${VAR-word} when unset', '${NOPE-x}', 'x'],
    ['${VAR:+word} when set', '${NAME:+yes}', 'yes'],
    ['${VAR:+word} when empty', '${EMPTY:+yes}', ''],
    ['${VAR+word} when empty is set', '${EMPTY+yes}', 'yes'],
    ['${VAR+word} when unset', '${NOPE+yes}', ''],
    ['nested variable in the default', '${NOPE:-$HOME/app}', '/root/app'],
    ['nested braced default', '${NOPE:-${NAME:-z}}', 'app'],
    ['quotes in the default are removed', "${NOPE:-'a b'}", 'a b'],
    ['escaped dollar is literal', '\\$HOME', '$HOME'],
    ['escaped brace form is literal', '\\${HOME}', '${HOME}'],
    ['single quotes keep $ literal', "'$HOME'", '$HOME'],
    ['double quotes expand', '"$HOME x"', '/root x'],
    ['double quotes keep backslash before ordinary char', '"a\\nb"', 'a\\nb'],
    ['double quotes unescape \\" and \\$', '"\\"\\$x"', '"$x'],
    ['escape outside quotes drops the escape char', 'a\\ b', 'a b'],
    ['trailing escape is dropped', 'ab\\', 'ab'],
    ['${VAR#pat} shortest prefix', '${FILE#*.}', 'tar.gz'],
    ['${VAR##pat} longest prefix', '${FILE##*.}', 'gz'],
    ['${VAR%pat} shortest suffix', '${FILE%.*}', 'archive.tar'],
    ['${VAR%%pat} longest suffix', '${FILE%%.*}', 'archive'],
    ['${VAR/pat/rep} first match', '${PATHV/usr/opt}', '/opt/local/bin:/usr/bin'],
    ['${VAR//pat/rep} every match', '${PATHV//usr/opt}', '/opt/local/bin:/opt/bin'],
    ['ProcessWord keeps inner spaces', '$SPACED', 'a b  c'],
  ];
  for (const [name, input, want] of cases) {
    test(name, () => assert.equal(expandWord(input, vars), want));
  }

  test('backtick escape: `$ is literal and \\ is ordinary', () => {
    assert.equal(expandWord('`$HOME c:\\dir', vars, '`'), '$HOME c:\\dir');
  });

  test('skipUnsetEnv leaves unset references as written', () => {
    assert.equal(expandWord('$NOPE ${NOPE:-x} $NAME', vars, '\\', { skipUnsetEnv: true }),
      '$NOPE ${NOPE:-x} app');
  });
});

describe('expandWord errors', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['${VAR:?} on unset', '${NOPE:?}', 'unset', 'NOPE: is not allowed to be unset'],
    ['${VAR:?msg} on empty', '${EMPTY:?must be set}', 'empty', 'EMPTY: must be set'],
    ['${VAR?} on unset', '${NOPE?}', 'unset', 'NOPE: is not allowed to be unset'],
    ['missing closing brace', '${NAME', 'syntax', "syntax error: missing '}'"],
    ['empty name', '${}', 'syntax', 'syntax error: bad substitution'],
    ['unknown modifier', '${NAME:x}', 'unsupported', 'unsupported modifier (:x) in substitution'],
    ['unterminated single quote', "'abc", 'syntax', undefined],
  ];
  for (const [name, input, kind, message] of cases) {
    test(name, () => {
      assert.throws(
        () => expandWord(input, vars),
        (e: unknown) =>
          e instanceof ExpandError &&
          e.kind === kind &&
          (message === undefined || e.message === message),
      );
    });
  }

  test('${VAR?} on an empty variable is fine without the colon', () => {
    assert.equal(expandWord('${EMPTY?}', vars), '');
  });

  test('the error names the variable', () => {
    try {
      expandWord('${NOPE:?}', vars);
      assert.fail('expected an ExpandError');
    } catch (e) {
      assert.ok(e instanceof ExpandError);
      assert.equal(e.variable, 'NOPE');
    }
  });
});

describe('expandWords (ProcessWords)', () => {
  const cases: [string, string, string[]][] = [
    ['splits on unquoted spaces', 'a  b\tc', ['a', 'b', 'c']],
    ['quoted spaces stay in the word', '"a b" c', ['a b', 'c']],
    ['expanded values split too', '$SPACED x', ['a', 'b', 'c', 'x']],
    ['quoted expansion does not split', '"$SPACED"', ['a b  c']],
    ['empty quotes vanish', '"" a', ['a']],
    ['escaped space joins', 'a\\ b c', ['a b', 'c']],
  ];
  for (const [name, input, want] of cases) {
    test(name, () => assert.deepEqual(expandWords(input, vars), want));
  }
});

// The commonest words skip the lexer ($NAME, ${NAME} and double quotes without an escape char):
// these cases sit on the border of that shortcut and must give what lex.go gives.
describe('expandWord and expandWords: words without quotes or escapes', () => {
  const words: [string, string, string][] = [
    ['two braced references around a colon', '${NAME}:${NAME}', 'app:app'],
    ['double-quoted text loses its quotes', '"https://x.invalid/p"', 'https://x.invalid/p'],
    ['a reference inside double quotes', '"id=${NAME}"', 'id=app'],
    ['$ before a slash stays a $', 'a$/b', 'a$/b'],
    ['$ at the end stays a $', 'cost$', 'cost$'],
    ['$ before a quote stays a $ and the quote goes', '$"x"', '$x'],
    ['a digit after $ names a positional parameter, unset here', 'a$1b', 'ab'],
    ['$@ is a special parameter, unset here', 'a$@b', 'ab'],
    ['a name runs over letters, digits and _', '$NAME_1x', ''],
    ['an unset braced name is empty', 'a${NOPE}b', 'ab'],
  ];
  for (const [name, input, want] of words) {
    test(`expandWord: ${name}`, () => assert.equal(expandWord(input, vars), want));
  }

  const split: [string, string, string[]][] = [
    ['a value with spaces inside a word splits it', 'x${SPACED}y', ['xa', 'b', 'cy']],
    ['a value with a leading space ends the word before it', 'x$LEAD', ['x', 'v']],
    ['a value with a trailing space ends the word after it', '${TRAIL}y', ['v', 'y']],
    ['a value of spaces only separates', 'a${BLANK}b', ['a', 'b']],
    ['an empty value joins its neighbours', 'a${EMPTY}b', ['ab']],
    ['quoted text next to a split value', '"q r"$SPACED', ['q ra', 'b', 'c']],
    ['a no-break space in a value splits (Go unicode.IsSpace)', '$NBSP', ['a', 'b']],
  ];
  const splitVars = (n: string) =>
    ({ ...env, LEAD: ' v', TRAIL: 'v ', BLANK: '   ', NBSP: 'a\u00a0b' })[n];
  for (const [name, input, want] of split) {
    test(`expandWords: ${name}`, () => assert.deepEqual(expandWords(input, splitVars), want));
  }

  test('an unterminated double quote is still an error', () => {
    assert.throws(
      () => expandWord('"abc $NAME', vars),
      (e: unknown) => e instanceof ExpandError && e.kind === 'syntax',
    );
  });

  test('a name with a letter past ASCII reads on (lex.go takes any Unicode letter)', () => {
    assert.equal(expandWord('$NAMEé/x', (n) => (n === 'NAMEé' ? 'u' : undefined)), 'u/x');
  });

  test('skipUnsetEnv and rawQuotes still go through the lexer', () => {
    assert.equal(expandWord('"$NOPE"', vars, '\\', { skipUnsetEnv: true }), '$NOPE');
    assert.equal(expandWord('"$NAME"', vars, '\\', { rawQuotes: true }), '"app"');
  });
});

describe('splitWords and splitRawWords', () => {
  test('splitWords removes quotes but leaves $ references', () => {
    assert.deepEqual(splitWords(`80/tcp "$PORT" 'a b'`), ['80/tcp', '$PORT', 'a b']);
  });

  test('splitRawWords keeps quotes and escapes for later expansion', () => {
    assert.deepEqual(splitRawWords('k=v k2="v 2" k3=a\\ b'), ['k=v', 'k2="v 2"', 'k3=a\\ b']);
  });

  test('splitRawWords: single quotes do not honour the escape char', () => {
    assert.deepEqual(splitRawWords("a='x\\' b"), ["a='x\\'", 'b']);
  });

  test('splitRawWords with backtick escape', () => {
    assert.deepEqual(splitRawWords('a=b` c d', '`'), ['a=b` c', 'd']);
  });
});

describe('parseKeyValues', () => {
  type Pair = { key: string; value: string | null };
  const cases: [string, string, 'ARG' | 'ENV' | 'LABEL', Pair[]][] = [
      ['ENV pairs with quotes kept raw', 'A=1 B="two words"', 'ENV',
        [{ key: 'A', value: '1' }, { key: 'B', value: '"two words"' }]],
      ['legacy ENV key value form', 'PATH /usr/bin:$PATH extra', 'ENV',
        [{ key: 'PATH', value: '/usr/bin:$PATH extra' }]],
      ['ENV empty value', 'A=', 'ENV', [{ key: 'A', value: '' }]],
      ['ARG without default', 'VERSION', 'ARG', [{ key: 'VERSION', value: null }]],
      ['ARG several names', 'A B=2', 'ARG', [{ key: 'A', value: null }, { key: 'B', value: '2' }]],
      ['LABEL value with = inside', 'url="a=b"', 'LABEL', [{ key: 'url', value: '"a=b"' }]],
      ['legacy LABEL form', 'maintainer me@x', 'LABEL', [{ key: 'maintainer', value: 'me@x' }]],
      ['plain pairs split on tabs and repeated spaces', '\tA=1  \tB=x=y ', 'ENV',
        [{ key: 'A', value: '1' }, { key: 'B', value: 'x=y' }]],
      ['plain pairs split on a non-ASCII Go space', 'A=1\u00a0B=2', 'ENV',
        [{ key: 'A', value: '1' }, { key: 'B', value: '2' }]],
      ['a pair with an empty name stays a pair', '=v A=1', 'LABEL',
        [{ key: '', value: 'v' }, { key: 'A', value: '1' }]],
      ['an escape char in a later word keeps it raw', 'A=1 B=x\\ y', 'ENV',
        [{ key: 'A', value: '1' }, { key: 'B', value: 'x\\ y' }]],
      ['blank arguments give no pairs', ' \t ', 'ARG', []],
    ];
  for (const [name, input, kw, want] of cases) {
    test(name, () => assert.deepEqual(parseKeyValues(input, '\\', kw), want));
  }

  test('a raw value expands with expandWord', () => {
    const [b] = parseKeyValues('B="$HOME dir"', '\\', 'ENV');
    assert.equal(expandWord(b.value ?? '', vars), '/root dir');
  });

  test('ENV with one word and no = is an error', () => {
    assert.throws(() => parseKeyValues('ONLY', '\\', 'ENV'), KeyValueError);
  });

  test('ENV new form with a word lacking = is an error', () => {
    assert.throws(() => parseKeyValues('A=1 B', '\\', 'ENV'), /can't find = in "B"/);
  });
});
