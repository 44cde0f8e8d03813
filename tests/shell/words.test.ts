import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { parseShell } from '../../src/shell/parse.js';
import {
  expandWordStatic,
  globMatch,
  literalValue,
  type StaticEnv,
} from '../../src/shell/words.js';
import type { SimpleCommand, Word } from '../../src/shell/ast.js';

/** The first argument word of `echo WORD`. */
function word(src: string): Word {
  const c = parseShell('echo ' + src).items[0].andOr.first.commands[0] as SimpleCommand;
  return c.args[1];
}

const ENV: Record<string, string | null> = {
  HOME: '/home/app',
  USER: 'app',
  EMPTY: '',
  UNSET: null,
  FILE: 'archive.tar.gz',
  PATHS: '/usr/local/bin:/usr/bin:/bin',
  REF: 'USER',
  MIXED: 'Hello World',
};
const env: StaticEnv = (name) => (name in ENV ? ENV[name] : undefined);

describe('literalValue', () => {
  const cases: [string, string | null][] = [
    ['plain', 'plain'],
    ["'single $x'", 'single $x'],
    ['"dq \\"esc\\" \\$x"', 'dq "esc" $x'],
    ['a\\ b', 'a b'],
    ["x''y\"\"z", 'xyz'],
    ["$'tab\\there'", 'tab\there'],
    ['$x', null],
    ['"a$x"', null],
    ['$(id -u)', null],
    ['$((1+1))', null],
  ];
  for (const [src, want] of cases) {
    test(`${src} -> ${want}`, () => assert.equal(literalValue(word(src)), want));
  }
});

describe('expandWordStatic', () => {
  const cases: { name: string; src: string; value: string; exact: boolean }[] = [
    { name: 'literal word', src: "'a b'c", value: 'a bc', exact: true },
    { name: 'known variable', src: '"$HOME/.cache"', value: '/home/app/.cache', exact: true },
    { name: 'braced variable joined to text', src: '${USER}_x', value: 'app_x', exact: true },
    { name: 'unknown variable is empty and inexact', src: '$NOPE/x', value: '/x', exact: false },
    {
      name: 'known-unset variable is empty and exact',
      src: 'a${UNSET}b',
      value: 'ab',
      exact: true,
    },
    { name: ':- uses the word when empty', src: '${EMPTY:-dflt}', value: 'dflt', exact: true },
    { name: '- keeps an empty value', src: '${EMPTY-dflt}', value: '', exact: true },
    { name: '- uses the word when unset', src: '${UNSET-dflt}', value: 'dflt', exact: true },
    { name: ':- keeps a set value', src: '${USER:-root}', value: 'app', exact: true },
    {
      name: ':- over an unknown variable guesses unset',
      src: '${NOPE:-1000}',
      value: '1000',
      exact: false,
    },
    { name: ':= behaves like :- for the value', src: '${UNSET:=x}', value: 'x', exact: true },
    { name: ':+ gives the word when set', src: '${USER:+yes}', value: 'yes', exact: true },
    { name: ':+ gives nothing when empty', src: '${EMPTY:+yes}', value: '', exact: true },
    {
      name: '+ gives the word when set even if empty',
      src: '${EMPTY+yes}',
      value: 'yes',
      exact: true,
    },
    { name: ':? on unset cannot be predicted', src: '${UNSET:?missing}', value: '', exact: false },
    { name: ':? on a set value', src: '${USER:?missing}', value: 'app', exact: true },
    { name: 'length', src: '${#FILE}', value: '14', exact: true },
    { name: '# shortest prefix', src: '${PATHS#*:}', value: '/usr/bin:/bin', exact: true },
    { name: '## longest prefix', src: '${PATHS##*:}', value: '/bin', exact: true },
    { name: '% shortest suffix', src: '${FILE%.*}', value: 'archive.tar', exact: true },
    { name: '%% longest suffix', src: '${FILE%%.*}', value: 'archive', exact: true },
    {
      name: 'quoted pattern is literal',
      src: '${FILE%".*"}',
      value: 'archive.tar.gz',
      exact: true,
    },
    { name: 'bracket pattern', src: '${FILE#[a-c]}', value: 'rchive.tar.gz', exact: true },
    {
      name: '/ replaces the first match',
      src: '${PATHS/bin/BIN}',
      value: '/usr/local/BIN:/usr/bin:/bin',
      exact: true,
    },
    {
      name: '// replaces every match',
      src: '${PATHS//:/ }',
      value: '/usr/local/bin /usr/bin /bin',
      exact: true,
    },
    {
      name: '/# anchors at the start',
      src: '${FILE/#arch/ARCH}',
      value: 'ARCHive.tar.gz',
      exact: true,
    },
    {
      name: '/% anchors at the end',
      src: '${FILE/%.gz/.zst}',
      value: 'archive.tar.zst',
      exact: true,
    },
    { name: '^^ upper-cases', src: '${USER^^}', value: 'APP', exact: true },
    { name: ', lower-cases the first char', src: '${MIXED,}', value: 'hello World', exact: true },
    { name: 'substring offset:length', src: '${FILE:0:7}', value: 'archive', exact: true },
    { name: 'substring negative offset', src: '${FILE: -2}', value: 'gz', exact: true },
    { name: 'indirect expansion', src: '${!REF}', value: 'app', exact: true },
    {
      name: 'default word holds an expansion',
      src: '${NOPE:-$HOME/x}',
      value: '/home/app/x',
      exact: false,
    },
    { name: 'tilde at the word start is HOME', src: '~/bin', value: '/home/app/bin', exact: true },
    { name: 'quoted tilde stays', src: '"~"/bin', value: '~/bin', exact: true },
    { name: 'command substitution without a hook', src: 'u$(id -u)', value: 'u', exact: false },
    { name: 'arithmetic over numbers is evaluated', src: '$((1+2*3))', value: '7', exact: true },
    { name: 'arithmetic over an unknown variable is not told', src: '$((NOT_KNOWN_HERE+1))', value: '', exact: false },
    { name: 'an assignment inside arithmetic is left to the walker', src: '$((n=2))', value: '', exact: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(expandWordStatic(word(c.src), env), { value: c.value, exact: c.exact });
    });
  }

  test('command substitution through the hook, trailing newlines removed', () => {
    const seen: string[] = [];
    const out = expandWordStatic(word('"uid=$(id -u)"'), env, (script, raw) => {
      seen.push(raw);
      const cmd = script.items[0].andOr.first.commands[0] as SimpleCommand;
      const argv = cmd.args.map(literalValue);
      return argv.join(' ') === 'id -u' ? '1000\n\n' : null;
    });
    assert.deepEqual(out, { value: 'uid=1000', exact: true });
    assert.deepEqual(seen, ['id -u']);
  });

  test('a hook that cannot answer makes the result inexact', () => {
    const out = expandWordStatic(word('$(whoami)'), env, () => null);
    assert.deepEqual(out, { value: '', exact: false });
  });
});

describe('globMatch', () => {
  const cases: [string, string, boolean][] = [
    ['*.gz', 'a.tar.gz', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['[!a]*', 'bcd', true],
    ['[!a]*', 'abc', false],
    ['\\*', '*', true],
    ['\\*', 'x', false],
    ['[]]', ']', true],
    ['*a*b', 'xxaxxb', true],
    ['*a*b', 'xxaxxc', false],
  ];
  for (const [pat, s, want] of cases) {
    test(`${pat} vs ${s}`, () => assert.equal(globMatch(pat, s), want));
  }
});
