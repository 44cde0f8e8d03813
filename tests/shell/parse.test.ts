import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { parseShell } from '../../src/shell/parse.js';
import { literalValue } from '../../src/shell/words.js';
import {
  ShellSyntaxError,
  type Command,
  type Script,
  type SimpleCommand,
  type Word,
  type WordPart,
} from '../../src/shell/ast.js';

/** Simple commands in source order, descending into compound commands (not into words). */
function simple(s: Script): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  const visit = (c: Command): void => {
    switch (c.type) {
      case 'cmd':
        out.push(c);
        break;
      case 'subshell':
      case 'group':
        out.push(...simple(c.body));
        break;
      case 'if':
        for (const cl of c.clauses) out.push(...simple(cl.cond), ...simple(cl.body));
        if (c.elseBody) out.push(...simple(c.elseBody));
        break;
      case 'for':
        out.push(...simple(c.body));
        break;
      case 'while':
      case 'until':
        out.push(...simple(c.cond), ...simple(c.body));
        break;
      case 'case':
        for (const it of c.items) out.push(...simple(it.body));
        break;
      case 'func':
        visit(c.body);
        break;
      case 'test':
        break;
    }
  };
  for (const it of s.items) {
    for (const c of it.andOr.first.commands) visit(c);
    for (const r of it.andOr.rest) for (const c of r.pipeline.commands) visit(c);
  }
  return out;
}

/** argv of every simple command, each word's literal value or `?` when it expands. */
function argvs(src: string): string[][] {
  return simple(parseShell(src)).map((c) => c.args.map((w) => literalValue(w) ?? '?'));
}

function first(src: string): Command {
  return parseShell(src).items[0].andOr.first.commands[0];
}

/** The parts of the second word of `echo WORD`. */
function parts(word: string): WordPart[] {
  const c = first('echo ' + word);
  assert.equal(c.type, 'cmd');
  return (c as SimpleCommand).args[1].parts;
}

const lit = (value: string): Word => ({ parts: [{ type: 'lit', value }], raw: value });
const L = (value: string): WordPart => ({ type: 'lit', value });
const P = (name: string): WordPart => ({ type: 'param', name });

describe('words', () => {
  const cases: { name: string; word: string; parts: WordPart[] }[] = [
    { name: 'plain literal', word: 'abc', parts: [{ type: 'lit', value: 'abc' }] },
    {
      name: 'single quotes keep everything',
      word: "'a $b \\c'",
      parts: [{ type: 'sq', value: 'a $b \\c' }],
    },
    {
      name: 'double quotes hold expansions and escapes',
      word: '"a \\"$b\\" \\x"',
      parts: [{ type: 'dq', parts: [L('a "'), P('b'), L('" \\x')] }],
    },
    {
      name: 'backslash outside quotes escapes one char',
      word: 'a\\ b\\$c',
      parts: [{ type: 'lit', value: 'a b$c' }],
    },
    {
      name: 'backslash-newline joins the word',
      word: 'ab\\\ncd',
      parts: [{ type: 'lit', value: 'abcd' }],
    },
    {
      name: '$NAME stops at non-name chars',
      word: '$HOME/x',
      parts: [{ type: 'param', name: 'HOME' }, { type: 'lit', value: '/x' }],
    },
    {
      name: '${NAME}',
      word: 'a${B}c',
      parts: [L('a'), P('B'), L('c')],
    },
    {
      name: 'special parameters',
      word: '$1$@$?',
      parts: [P('1'), P('@'), P('?')],
    },
    { name: 'lone dollar is literal', word: 'a$ $', parts: [{ type: 'lit', value: 'a$' }] },
    {
      name: '${#NAME} is a length',
      word: '${#PATH}',
      parts: [{ type: 'param', name: 'PATH', length: true }],
    },
    {
      name: '${!NAME} is indirect',
      word: '${!ref}',
      parts: [{ type: 'param', name: 'ref', indirect: true }],
    },
    {
      name: 'default with quoted word',
      word: '${A:-"x y"}',
      parts: [
        {
          type: 'param',
          name: 'A',
          op: ':-',
          arg: { parts: [{ type: 'dq', parts: [L('x y')] }], raw: '"x y"' },
        },
      ],
    },
    {
      name: 'replacement has pattern and replacement words',
      word: '${A//a/b}',
      parts: [{ type: 'param', name: 'A', op: '//', arg: lit('a'), repl: lit('b') }],
    },
    {
      name: 'arithmetic kept raw',
      word: '$(( (1+2) * 3 ))',
      parts: [{ type: 'arith', raw: ' (1+2) * 3 ' }],
    },
    {
      name: 'ANSI-C quoting is decoded',
      word: "$'a\\tb\\x41\\'\\n'",
      parts: [{ type: 'ansic', value: "a\tbA'\n" }],
    },
    {
      name: '$"..." is a double-quoted string',
      word: '$"hi $x"',
      parts: [{ type: 'dq', parts: [{ type: 'lit', value: 'hi ' }, { type: 'param', name: 'x' }] }],
    },
    { name: '# inside a word is literal', word: 'a#b', parts: [{ type: 'lit', value: 'a#b' }] },
    {
      name: 'braces are literal (no brace expansion)',
      word: '{a,b}',
      parts: [{ type: 'lit', value: '{a,b}' }],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(parts(c.word), c.parts));
  }

  const ops: [string, string, string][] = [
    ['${A:-w}', ':-', 'w'], ['${A-w}', '-', 'w'], ['${A:=w}', ':=', 'w'], ['${A=w}', '=', 'w'],
    ['${A:?w}', ':?', 'w'], ['${A?w}', '?', 'w'], ['${A:+w}', ':+', 'w'], ['${A+w}', '+', 'w'],
    ['${A#w}', '#', 'w'], ['${A##w}', '##', 'w'], ['${A%w}', '%', 'w'], ['${A%%w}', '%%', 'w'],
    ['${A^^w}', '^^', 'w'], ['${A,w}', ',', 'w'], ['${A:1:2}', ':', '1:2'], ['${A:-}', ':-', ''],
  ];
  for (const [word, op, arg] of ops) {
    test(`parameter operator ${op} in ${word}`, () => {
      const p = parts(word)[0];
      assert.equal(p.type, 'param');
      if (p.type !== 'param') return;
      assert.equal(p.name, 'A');
      assert.equal(p.op, op);
      assert.equal(p.arg?.raw, arg);
    });
  }

  test('command substitution nests and parses the inner script', () => {
    const [p] = parts('$(echo "$(id -u)")');
    assert.equal(p.type, 'cmdsubst');
    if (p.type !== 'cmdsubst') return;
    assert.equal(p.raw, 'echo "$(id -u)"');
    const inner = simple(p.script)[0];
    assert.equal(literalValue(inner.args[0]), 'echo');
    const dq = inner.args[1].parts[0];
    assert.equal(dq.type, 'dq');
    if (dq.type !== 'dq' || dq.parts[0].type !== 'cmdsubst') {
      return assert.fail('expected "$(...)"');
    }
    assert.deepEqual(argvs(dq.parts[0].raw), [['id', '-u']]);
    const innerArgv = simple(dq.parts[0].script).map((c) => c.args.map(literalValue));
    assert.deepEqual(innerArgv, [['id', '-u']]);
  });

  test('a case clause inside $(...) keeps its ) for the patterns', () => {
    const [p] = parts('$(case $x in a) echo A;; esac)');
    assert.equal(p.type, 'cmdsubst');
    if (p.type !== 'cmdsubst') return;
    assert.equal(first(p.raw).type, 'case');
  });

  test('backquotes unescape \\` and parse the inner script', () => {
    const [p] = parts('`echo \\`date\\``');
    assert.equal(p.type, 'cmdsubst');
    if (p.type !== 'cmdsubst') return;
    assert.equal(p.raw, 'echo `date`');
    const inner = simple(p.script)[0];
    assert.equal(inner.args[1].parts[0].type, 'cmdsubst');
  });
});

describe('commands and lists', () => {
  const argvCases: { name: string; src: string; argv: string[][] }[] = [
    { name: 'words split on blanks and tabs', src: 'echo  a\tb', argv: [['echo', 'a', 'b']] },
    {
      name: 'line continuation inside a command',
      src: 'apt-get install -y \\\n  curl \\\n  git',
      argv: [['apt-get', 'install', '-y', 'curl', 'git']],
    },
    {
      name: 'comment at a word start ends the line',
      src: 'echo a#b # c d\necho e',
      argv: [['echo', 'a#b'], ['echo', 'e']],
    },
    {
      name: 'comment after && continues on the next line',
      src: 'a && # why\n  b',
      argv: [['a'], ['b']],
    },
    {
      name: 'reserved words are plain words as arguments',
      src: 'echo if then fi done',
      argv: [['echo', 'if', 'then', 'fi', 'done']],
    },
    { name: 'closing brace is a word as argument', src: 'echo }', argv: [['echo', '}']] },
    { name: 'quoted word in command position', src: '"echo" hi', argv: [['echo', 'hi']] },
    {
      name: 'sh -c script stays one word',
      src: "sh -c 'echo \"a b\" > /x'",
      argv: [['sh', '-c', 'echo "a b" > /x']],
    },
    {
      name: 'expansion makes an argument non-literal',
      src: 'chown $U:$G /app',
      argv: [['chown', '?', '/app']],
    },
    { name: 'newlines separate commands', src: 'a\n\n b \n', argv: [['a'], ['b']] },
    { name: 'empty script', src: '  \n # only a comment\n', argv: [] },
  ];
  for (const c of argvCases) test(c.name, () => assert.deepEqual(argvs(c.src), c.argv));

  test('assignments before the command name', () => {
    const c = first('A=1 B+="x y" cmd C=3') as SimpleCommand;
    assert.deepEqual(
      c.assigns.map((a) => [a.name, literalValue(a.value), a.append ?? false]),
      [['A', '1', false], ['B', 'x y', true]],
    );
    assert.deepEqual(c.args.map(literalValue), ['cmd', 'C=3']);
  });

  test('assignment with command substitution and no command', () => {
    const c = first('a=$(x) b') as SimpleCommand;
    assert.equal(c.assigns[0].name, 'a');
    assert.equal(c.assigns[0].value.parts[0].type, 'cmdsubst');
    assert.deepEqual(c.args.map(literalValue), ['b']);
    const only = first('EMPTY=') as SimpleCommand;
    assert.deepEqual(only.assigns[0], { name: 'EMPTY', value: { parts: [], raw: '' } });
  });

  test('and-or operators, pipelines, negation and background', () => {
    const s = parseShell('! a | b && c || d & e');
    assert.equal(s.items.length, 2);
    const ao = s.items[0].andOr;
    assert.equal(ao.first.negated, true);
    assert.equal(ao.first.commands.length, 2);
    assert.deepEqual(ao.rest.map((r) => r.op), ['&&', '||']);
    assert.deepEqual(s.items.map((i) => i.background), [true, false]);
  });

  test('|& adds 2>&1 to the left command', () => {
    const c = first('make |& tee log') as SimpleCommand;
    assert.deepEqual(c.redirs, [{ op: '>&', fd: 2, target: lit('1') }]);
  });

  test('lineOffset of each simple command', () => {
    const src = 'a \\\n  b\nif c; then\n  d\nfi\necho "x\ny"; e';
    assert.deepEqual(simple(parseShell(src)).map((c) => c.lineOffset), [0, 2, 3, 5, 6]);
  });

  test('lineOffset inside backquotes counts from the script start', () => {
    const c = first('echo\\\n `\n  id -u`') as SimpleCommand;
    const p = c.args[1].parts[0];
    assert.equal(p.type, 'cmdsubst');
    if (p.type === 'cmdsubst') assert.equal(simple(p.script)[0].lineOffset, 2);
  });

  test('lineOffset inside command substitution counts from the script start', () => {
    const c = first('echo\\\n $(\n  id -u)') as SimpleCommand;
    const p = c.args[1].parts[0];
    assert.equal(p.type, 'cmdsubst');
    if (p.type === 'cmdsubst') assert.equal(simple(p.script)[0].lineOffset, 2);
  });
});

describe('compound commands', () => {
  test('subshell and brace group with redirections', () => {
    const s = parseShell('(cd /x && make) > log; { a; b; } 2>&1');
    const sub = s.items[0].andOr.first.commands[0];
    const grp = s.items[1].andOr.first.commands[0];
    assert.equal(sub.type, 'subshell');
    assert.equal(grp.type, 'group');
    if (sub.type !== 'subshell' || grp.type !== 'group') return;
    assert.deepEqual(sub.redirs, [{ op: '>', target: lit('log') }]);
    assert.equal(grp.body.items.length, 2);
    assert.deepEqual(grp.redirs, [{ op: '>&', fd: 2, target: lit('1') }]);
  });

  test('if / elif / else', () => {
    const c = first('if a; then b; elif c\nthen d; else e; fi');
    assert.equal(c.type, 'if');
    if (c.type !== 'if') return;
    assert.equal(c.clauses.length, 2);
    assert.deepEqual(simple(c.clauses[1].cond).map((x) => literalValue(x.args[0])), ['c']);
    assert.deepEqual(simple(c.elseBody!).map((x) => literalValue(x.args[0])), ['e']);
  });

  test('for with items, without in, and over a command substitution', () => {
    const a = first('for i in 1 "2 3"; do echo $i; done');
    assert.equal(a.type, 'for');
    if (a.type === 'for') {
      assert.equal(a.name, 'i');
      assert.deepEqual(a.items!.map(literalValue), ['1', '2 3']);
    }
    const b = first('for x\ndo :; done');
    assert.equal(b.type === 'for' && b.items, null);
    const c = first('for f in $(ls); do :; done');
    assert.equal(c.type === 'for' && c.items![0].parts[0].type, 'cmdsubst');
  });

  test('while and until with a redirect on done', () => {
    const w = first('while read -r l; do echo "$l"; done < list');
    assert.equal(w.type, 'while');
    if (w.type === 'while' || w.type === 'until') {
      assert.deepEqual(w.redirs, [{ op: '<', target: lit('list') }]);
    }
    assert.equal(first('until false; do :; done').type, 'until');
  });

  test('case with alternatives, (pattern) form and empty item', () => {
    const c = first('case "$1" in\n  start|run) go ;;\n  (stop) ;;\n  *) echo "?"\nesac');
    assert.equal(c.type, 'case');
    if (c.type !== 'case') return;
    const patterns = c.items.map((i) => i.patterns.map(literalValue));
    assert.deepEqual(patterns, [['start', 'run'], ['stop'], ['*']]);
    assert.deepEqual(c.items.map((i) => i.body.items.length), [1, 0, 1]);
  });

  test('function definitions in both forms', () => {
    const s = parseShell('f() { echo f; }\nfunction g { echo g; }\nfunction h() (echo h)');
    const fns = s.items.map((i) => i.andOr.first.commands[0]);
    assert.deepEqual(fns.map((f) => (f.type === 'func' ? [f.name, f.body.type] : null)), [
      ['f', 'group'], ['g', 'group'], ['h', 'subshell'],
    ]);
  });

  test('[[ ]] keeps its words and operators', () => {
    const t = first('[[ -f "$x" && $y == a* ]]');
    assert.equal(t.type, 'test');
    if (t.type !== 'test') return;
    const words = t.words.map((w) => literalValue(w) ?? '?');
    assert.deepEqual(words, ['-f', '?', '&&', '?', '==', 'a*']);
  });

  test('reserved words are recognised only in command position', () => {
    assert.deepEqual(argvs('x=if; echo done; fi=1 true'), [[], ['echo', 'done'], ['true']]);
    assert.equal(first('{ { a; } }').type, 'group');
  });
});

describe('redirections', () => {
  const cases: [string, { op: string; fd?: number; target: string }][] = [
    ['> out', { op: '>', target: 'out' }],
    ['>> out', { op: '>>', target: 'out' }],
    ['< in', { op: '<', target: 'in' }],
    ['2> err', { op: '>', fd: 2, target: 'err' }],
    ['2>&1', { op: '>&', fd: 2, target: '1' }],
    ['>&2', { op: '>&', target: '2' }],
    ['&> all', { op: '&>', target: 'all' }],
    ['&>> all', { op: '&>>', target: 'all' }],
    ['>| clob', { op: '>|', target: 'clob' }],
    ['3<> rw', { op: '<>', fd: 3, target: 'rw' }],
    ['0<&3', { op: '<&', fd: 0, target: '3' }],
    ['<<< "text"', { op: '<<<', target: 'text' }],
  ];
  for (const [src, want] of cases) {
    test(`redirect ${src}`, () => {
      const c = first('cmd ' + src) as SimpleCommand;
      const r = c.redirs[0];
      const got = { op: r.op, fd: r.fd, target: literalValue(r.target) };
      assert.deepEqual(got, { ...want, fd: want.fd });
      assert.deepEqual(c.args.map(literalValue), ['cmd']);
    });
  }

  test('a digit inside a word is not an fd', () => {
    const c = first('echo a2>f') as SimpleCommand;
    assert.deepEqual(c.args.map(literalValue), ['echo', 'a2']);
    assert.equal(c.redirs[0].fd, undefined);
  });

  test('two here-documents on one line, bodies in order', () => {
    const s = parseShell('cat <<A - <<"B" && echo next\none $x\nA\ntwo $y\nB\necho after');
    const c = s.items[0].andOr.first.commands[0] as SimpleCommand;
    assert.deepEqual(c.redirs.map((r) => [r.op, r.heredoc, r.heredocQuoted]), [
      ['<<', 'one $x\n', false],
      ['<<', 'two $y\n', true],
    ]);
    assert.deepEqual(argvs('cat <<A - <<"B" && echo next\none $x\nA\ntwo $y\nB\necho after'), [
      ['cat', '-'], ['echo', 'next'], ['echo', 'after'],
    ]);
  });

  test('<<- strips leading tabs from body and delimiter', () => {
    const c = first("cat <<-'END' > /f\n\t\tline\n\tEND\n") as SimpleCommand;
    const got = c.redirs.map((r) => [r.op, r.heredoc, r.heredocQuoted, literalValue(r.target)]);
    assert.deepEqual(got, [
      ['<<-', 'line\n', true, 'END'],
      ['>', undefined, undefined, '/f'],
    ]);
  });

  test('here-document inside a command substitution', () => {
    const c = first('x="$(cat <<EOF\nin\nEOF\n)"') as SimpleCommand;
    const dq = c.assigns[0].value.parts[0];
    assert.ok(dq.type === 'dq' && dq.parts[0].type === 'cmdsubst');
    if (dq.type === 'dq' && dq.parts[0].type === 'cmdsubst') {
      const inner = simple(dq.parts[0].script)[0];
      assert.equal(inner.redirs[0].heredoc, 'in\n');
    }
  });
});

describe('syntax errors', () => {
  const cases: { name: string; src: string; message: RegExp; offset: number; line: number }[] = [
    {
      name: 'unterminated double quote',
      src: 'echo ok\necho "abc',
      message: /closing quote "/, offset: 13, line: 1,
    },
    {
      name: 'unterminated single quote',
      src: "echo 'abc",
      message: /closing quote '/, offset: 5, line: 0,
    },
    {
      name: 'missing fi',
      src: 'true\nif a; then b',
      message: /must end with "fi"/,
      offset: 5,
      line: 1,
    },
    {
      name: 'missing done',
      src: 'for x in a; do b',
      message: /must end with "done"/,
      offset: 0,
      line: 0,
    },
    {
      name: 'missing esac',
      src: 'case x in a) b;;',
      message: /must end with "esac"/,
      offset: 0,
      line: 0,
    },
    { name: 'unexpected )', src: 'echo a )', message: /unexpected "\)"/, offset: 7, line: 0 },
    {
      name: 'missing then',
      src: 'if a; b; fi',
      message: /must be followed by "then"/,
      offset: 0,
      line: 0,
    },
    { name: 'dangling &&', src: 'a &&', message: /unexpected end of input/, offset: 4, line: 0 },
    { name: ';; outside case', src: 'a;;', message: /only be used in a case/, offset: 1, line: 0 },
    { name: 'unclosed $(', src: 'echo $(id', message: /matching \( with \)/, offset: 5, line: 0 },
    {
      name: 'unclosed ${',
      src: 'echo ${x:-y',
      message: /matching \$\{ with \}/,
      offset: 11,
      line: 0,
    },
    {
      name: 'heredoc without delimiter line',
      src: 'cat <<EOF\nbody',
      message: /unclosed here-document 'EOF'/,
      offset: 4,
      line: 0,
    },
    {
      name: 'redirect without target',
      src: 'echo >',
      message: /> must be followed by a word/,
      offset: 5,
      line: 0,
    },
    {
      name: 'empty then body',
      src: 'if a; then fi',
      message: /"then" must be followed by a statement list/,
      offset: 6,
      line: 0,
    },
    { name: 'arrays are not supported', src: 'a=(1 2)', message: /arrays/, offset: 2, line: 0 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => parseShell(c.src),
        (e: unknown) => {
          assert.ok(e instanceof ShellSyntaxError);
          assert.match(e.message, c.message);
          assert.equal(e.offset, c.offset);
          assert.equal(e.lineOffset, c.line);
          return true;
        },
      );
    });
  }
});

describe('(( at the start of a command', () => {
  // [behaviour, script, bash grammar, the first command's type, inner command type or expr]
  const cases: [string, string, boolean, string, string][] = [
    ['dash: two nested subshells', '((echo a && echo b) > /tmp/log)', false, 'subshell', 'subshell'],
    ['dash: even when the text ends in ))', '((i+=1))', false, 'subshell', 'subshell'],
    ['bash: an arithmetic command when )) closes the text', '((i+=1))', true, 'arith', 'i+=1'],
    ['bash: the expression keeps its blanks', '(( n > 2 ))', true, 'arith', ' n > 2 '],
    ['bash: nested parentheses stay in the expression', '(((1 + 2) * 3))', true, 'arith', '(1 + 2) * 3'],
    ['bash: subshells when a ) alone closes the second (', '((echo a && echo b) > /tmp/log)', true, 'subshell', 'subshell'],
  ];
  for (const [name, src, bash, type, inner] of cases) {
    test(name, () => {
      const cmd = parseShell(src, { bash }).items[0].andOr.first.commands[0];
      assert.equal(cmd.type, type);
      if (cmd.type === 'arith') assert.equal(cmd.expr, inner);
      if (cmd.type === 'subshell') assert.equal(cmd.body.items[0].andOr.first.commands[0].type, inner);
    });
  }

  test('syntax errors carry what the shells name: the quote, the keyword expected', () => {
    const detail = (src: string) => {
      try {
        parseShell(src);
      } catch (e) {
        return (e as { detail?: unknown }).detail;
      }
      return undefined;
    };
    assert.deepEqual(
      ['echo "x', 'if true; then echo', 'echo $((1', 'echo ${x', 'echo )'].map(detail),
      [
        { kind: 'quote', quote: '"' },
        { kind: 'eof', expecting: 'fi' },
        { kind: 'arith' },
        { kind: 'brace' },
        { kind: 'token', token: ')', line: 0 },
      ],
    );
  });
});

describe('[[ for dash, which has no such keyword', () => {
  const dashArgvs = (src: string) =>
    simple(parseShell(src, { dash: true })).map((c) => c.args.map((w) => literalValue(w) ?? '?'));
  const cases: [string, string, string[][]][] = [
    ['a test is an ordinary command', '[[ -f /x ]]', [['[[', '-f', '/x', ']]']]],
    ['&& inside splits it in two', '[[ a == b && c == d ]]', [['[[', 'a', '==', 'b'], ['c', '==', 'd', ']]']]],
    ['inside $( ) too', 'echo $([[ a ]])', [['echo', '?']]],
  ];
  for (const [name, src, want] of cases) test(name, () => assert.deepEqual(dashArgvs(src), want));

  test('bash and the default keep [[ ]] as one test', () => {
    assert.deepEqual(
      [parseShell('[[ a && b ]]', { bash: true }), parseShell('[[ a && b ]]')].map((s) => s.items[0].andOr.first.commands[0].type),
      ['test', 'test'],
    );
  });
  test('a $( ) body parsed for dash keeps [[ a word', () => {
    const s = parseShell('echo $([[ a ]])', { dash: true });
    const part = (s.items[0].andOr.first.commands[0] as SimpleCommand).args[1].parts[0];
    assert.equal(part.type === 'cmdsubst' ? part.script.items[0].andOr.first.commands[0].type : part.type, 'cmd');
  });
});

describe('$(( that does not close with ))', () => {
  // bash 5.2 here: `echo $((echo hi) ) && echo ok` prints hi and ok; dash: Missing '))'.
  const partOf = (src: string, bash: boolean) =>
    (parseShell(src, { bash }).items[0].andOr.first.commands[0] as SimpleCommand).args[1].parts[0];
  const cases: [string, string, string][] = [
    ['a subshell and a space before )', 'echo $((echo hi) )', 'cmdsubst'],
    ['a subshell and more commands', 'echo $((echo hi); echo b)', 'cmdsubst'],
    ['a closing )) is arithmetic', 'echo $(( (1+2) + 3 ))', 'arith'],
  ];
  for (const [name, src, type] of cases) test(`bash: ${name}`, () => assert.equal(partOf(src, true).type, type));

  test('dash and ash call it a missing ))', () => {
    assert.throws(() => parseShell('echo $((echo hi) )'), (e: unknown) => {
      return e instanceof ShellSyntaxError && (e.detail as { kind: string }).kind === 'arith';
    });
  });
});
