// Differential test: our parser against mvdan/sh (its JS build) on several hundred generated
// RUN scripts and hand-picked tricky cases. Both trees are reduced to the same event list:
// every simple command in walk order with its assignments, argument words and redirections
// (a word is its text after quote removal, with a marker in place of each expansion), the
// &&, ||, | operators in source order, `!` and `&`, and here-document bodies.
//
// Intentional differences, filtered out below:
// - `{ }` and `( )` with an empty body: bash rejects them, mvdan/sh accepts; we follow bash.
// - `((...))`: mvdan/sh reads an arithmetic command, we read nested subshells unless asked for
//   bash's grammar; arrays `a=(...)`, process substitution `<(...)`: mvdan/sh parses them, we
//   reject them as unsupported; the corpus holds none of these.
// - `a |& b`: we add the implied 2>&1 to `a`, mvdan/sh keeps it in the operator; the corpus
//   holds none.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sh from 'mvdan-sh';

import { parseShell } from '../../src/shell/parse.js';
import type { Command, Pipeline, Redirect, Script, Word, WordPart } from '../../src/shell/ast.js';
import { generateScript, rng } from './corpus.js';

type Node = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const S = sh.syntax;
const mvdan = S.NewParser();

// Operator codes of mvdan/sh's token enum, read off its parser output.
const BIN_OPS: Record<number, string> = { 10: '&&', 11: '||', 12: '|', 13: '|' };
const PARAM_OPS: Record<number, string> = {
  68: '+', 69: ':+', 70: '-', 71: ':-', 72: '?', 73: ':?', 74: '=', 75: ':=',
  76: '%', 77: '%%', 78: '#', 79: '##', 80: '^', 81: '^^', 82: ',', 83: ',,',
};
const REDIR_OPS: Record<number, string> = {
  54: '>', 55: '>>', 56: '<', 57: '<>', 58: '<&', 59: '>&', 60: '>|', 61: '<<', 62: '<<-',
  63: '<<<', 64: '&>', 65: '&>>',
};

/** Source of the script being summarised (mvdan/sh positions point into it). */
let mvSrc = '';

const EXP = '\u0001';
const END = '\u0002';

function assignSig(name: string, append: boolean | undefined, value: string): string {
  return `${name}${append ? '+=' : '='}${value}`;
}

// ---- our tree -> events ----

function oursSig(parts: WordPart[]): string {
  let out = '';
  for (const p of parts) {
    switch (p.type) {
      case 'lit':
      case 'sq':
      case 'ansic':
        out += p.value;
        break;
      case 'dq':
        out += oursSig(p.parts);
        break;
      case 'param': {
        let op = p.op ?? '';
        let arg = p.arg ? oursSig(p.arg.parts) : '';
        if (op === '/#' || op === '/%') {
          // mvdan/sh keeps the anchor as the first character of the pattern.
          arg = op[1] + arg;
          op = '/';
        }
        if (op === ':') arg = '';
        const repl = p.repl ? '/' + oursSig(p.repl.parts) : '';
        const flags = (p.length ? '#' : '') + (p.indirect ? '!' : '');
        out += `${EXP}$${flags}${p.name}${op}${arg}${repl}${END}`;
        break;
      }
      case 'cmdsubst':
        out += `${EXP}(${END}`;
        break;
      case 'arith':
        out += `${EXP}((${END}`;
        break;
    }
  }
  return out;
}

function oursRedir(r: Redirect): string {
  const body = r.heredoc !== undefined ? `[${r.heredoc}]` : '';
  return `${r.fd ?? ''}${r.op}${oursSig(r.target.parts)}${body}`;
}

function oursWords(words: Word[], ev: string[]): void {
  for (const w of words) oursNested(w.parts, ev);
}

/** Command substitutions inside a word, in order. */
function oursNested(parts: WordPart[], ev: string[]): void {
  for (const p of parts) {
    if (p.type === 'dq') oursNested(p.parts, ev);
    else if (p.type === 'cmdsubst') oursScript(p.script, ev);
    else if (p.type === 'param') {
      if (p.arg) oursNested(p.arg.parts, ev);
      if (p.repl) oursNested(p.repl.parts, ev);
    }
  }
}

function oursRedirs(rs: Redirect[], ev: string[]): void {
  if (rs.length > 0) ev.push('redir ' + rs.map(oursRedir).join(' '));
  oursWords(rs.map((r) => r.target), ev);
}

function oursCommand(c: Command, ev: string[]): void {
  switch (c.type) {
    case 'cmd': {
      const assigns = c.assigns.map((a) => assignSig(a.name, a.append, oursSig(a.value.parts)));
      ev.push('cmd ' + JSON.stringify([assigns, c.args.map((w) => oursSig(w.parts))]));
      oursWords(c.assigns.map((a) => a.value), ev);
      oursWords(c.args, ev);
      break;
    }
    case 'subshell':
    case 'group':
      ev.push(c.type);
      oursScript(c.body, ev);
      break;
    case 'if':
      ev.push('if');
      for (const cl of c.clauses) {
        oursScript(cl.cond, ev);
        oursScript(cl.body, ev);
      }
      if (c.elseBody) oursScript(c.elseBody, ev);
      break;
    case 'for':
      const items = c.items === null ? '-' : JSON.stringify(c.items.map((w) => oursSig(w.parts)));
      ev.push(`for ${c.name} ${items}`);
      if (c.items) oursWords(c.items, ev);
      oursScript(c.body, ev);
      break;
    case 'while':
    case 'until':
      ev.push(c.type);
      oursScript(c.cond, ev);
      oursScript(c.body, ev);
      break;
    case 'case':
      ev.push('case ' + oursSig(c.word.parts));
      oursWords([c.word], ev);
      for (const it of c.items) {
        ev.push('pat ' + JSON.stringify(it.patterns.map((w) => oursSig(w.parts))));
        oursWords(it.patterns, ev);
        oursScript(it.body, ev);
      }
      break;
    case 'func':
      ev.push('func ' + c.name);
      oursCommand(c.body, ev);
      return;
    case 'test':
      ev.push('test');
      oursWords(c.words, ev);
      break;
  }
  oursRedirs(c.redirs, ev);
}

function oursPipeline(p: Pipeline, ev: string[]): void {
  if (p.negated) ev.push('!');
  p.commands.forEach((c, i) => {
    if (i > 0) ev.push('|');
    oursCommand(c, ev);
  });
}

function oursScript(s: Script, ev: string[]): void {
  for (const it of s.items) {
    oursPipeline(it.andOr.first, ev);
    for (const r of it.andOr.rest) {
      ev.push(r.op);
      oursPipeline(r.pipeline, ev);
    }
    if (it.background) ev.push('&');
  }
}

// ---- mvdan/sh tree -> events ----

/** Quote removal on a mvdan Lit value (mvdan keeps backslashes; it drops \<newline>). */
function unescape(v: string, inDq: boolean): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\' && i + 1 < v.length && (!inDq || '$`"\\'.includes(v[i + 1]))) {
      out += v[++i];
    } else out += c;
  }
  return out;
}

/** Independent decoder for the few $'...' escapes the corpus uses. */
function ansi(v: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
  return v.replace(/\\(.)/g, (_m, c: string) => map[c] ?? '\\' + c);
}

function mvSig(w: Node, inDq = false): string {
  if (!w) return '';
  let out = '';
  for (const p of w.Parts) out += mvPart(p, inDq);
  return out;
}

function mvPart(p: Node, inDq: boolean): string {
  switch (S.NodeType(p)) {
    case 'Lit':
      return unescape(p.Value, inDq);
    case 'SglQuoted':
      return p.Dollar ? ansi(p.Value) : p.Value;
    case 'DblQuoted':
      return p.Parts.map((x: Node) => mvPart(x, true)).join('');
    case 'ParamExp': {
      const flags = (p.Length ? '#' : '') + (p.Excl ? '!' : '');
      let tail = '';
      if (p.Exp) tail = PARAM_OPS[p.Exp.Op] + mvSig(p.Exp.Word, inDq);
      else if (p.Repl) {
        const orig = mvSig(p.Repl.Orig, inDq);
        tail = (p.Repl.All ? '//' : '/') + orig + '/' + mvSig(p.Repl.With, inDq);
      }
      else if (p.Slice) tail = ':';
      return `${EXP}$${flags}${p.Param.Value}${tail}${END}`;
    }
    case 'CmdSubst':
      return `${EXP}(${END}`;
    case 'ArithmExp':
      return `${EXP}((${END}`;
    default:
      return `${EXP}?${S.NodeType(p)}${END}`;
  }
}

function mvNested(w: Node, ev: string[]): void {
  if (!w) return;
  for (const p of w.Parts) mvNestedPart(p, ev);
}

function mvNestedPart(p: Node, ev: string[]): void {
  const t = S.NodeType(p);
  if (t === 'DblQuoted') for (const x of p.Parts) mvNestedPart(x, ev);
  else if (t === 'CmdSubst') mvStmts(p.Stmts, ev);
  else if (t === 'ParamExp') {
    if (p.Exp) mvNested(p.Exp.Word, ev);
    if (p.Repl) {
      mvNested(p.Repl.Orig, ev);
      mvNested(p.Repl.With, ev);
    }
  }
}

/** Body text: literal runs as mvdan/sh stores them, expansions as their source text. */
function mvHeredoc(r: Node): string {
  if (!r.Hdoc) return '';
  let body = '';
  for (const p of r.Hdoc.Parts) {
    body += S.NodeType(p) === 'Lit' ? p.Value : mvSrc.slice(p.Pos().Offset(), p.End().Offset());
  }
  // For <<- mvdan/sh keeps the tabs (and the delimiter line's tabs) in the literal text.
  return REDIR_OPS[r.Op] === '<<-' ? body.replace(/^\t+/gm, '') : body;
}

function mvRedirs(rs: Node[], ev: string[], src: string): void {
  if (rs.length > 0) {
    const parts = rs.map((r: Node) => {
      const op = REDIR_OPS[r.Op];
      const hd = op === '<<' || op === '<<-' ? `[${mvHeredoc(r)}]` : '';
      return `${r.N ? r.N.Value : ''}${op}${mvSig(r.Word)}${hd}`;
    });
    ev.push('redir ' + parts.join(' '));
  }
  for (const r of rs) mvNested(r.Word, ev);
}

/** mvdan/sh turns export/local/declare/readonly into DeclClause; we keep them as commands. */
function mvDeclArgs(c: Node): string[] {
  const args = [c.Variant.Value];
  for (const a of c.Args) {
    if (a.Naked) args.push(a.Name ? a.Name.Value : mvSig(a.Value));
    else args.push(`${a.Name.Value}${a.Append ? '+=' : '='}${mvSig(a.Value)}`);
  }
  return args;
}

function mvCmd(c: Node, ev: string[], src: string): void {
  switch (S.NodeType(c)) {
    case 'CallExpr': {
      const assigns = c.Assigns.map((a: Node) => assignSig(a.Name.Value, a.Append, mvSig(a.Value)));
      ev.push('cmd ' + JSON.stringify([assigns, c.Args.map((w: Node) => mvSig(w))]));
      for (const a of c.Assigns) mvNested(a.Value, ev);
      for (const w of c.Args) mvNested(w, ev);
      return;
    }
    case 'DeclClause':
      ev.push('cmd ' + JSON.stringify([[], mvDeclArgs(c)]));
      for (const a of c.Args) mvNested(a.Value, ev);
      return;
    case 'BinaryCmd':
      mvStmt(c.X, ev, src);
      ev.push(BIN_OPS[c.Op]);
      mvStmt(c.Y, ev, src);
      return;
    case 'Subshell':
      ev.push('subshell');
      mvStmts(c.Stmts, ev, src);
      return;
    case 'Block':
      ev.push('group');
      mvStmts(c.Stmts, ev, src);
      return;
    case 'IfClause': {
      ev.push('if');
      let cl = c;
      while (cl) {
        mvStmts(cl.Cond, ev, src);
        mvStmts(cl.Then, ev, src);
        cl = cl.Else;
      }
      return;
    }
    case 'ForClause': {
      const it = c.Loop;
      const hasIn = it.InPos && it.InPos.IsValid();
      const items = hasIn ? JSON.stringify(it.Items.map((w: Node) => mvSig(w))) : '-';
      ev.push(`for ${it.Name.Value} ${items}`);
      for (const w of it.Items) mvNested(w, ev);
      mvStmts(c.Do, ev, src);
      return;
    }
    case 'WhileClause':
      ev.push(c.Until ? 'until' : 'while');
      mvStmts(c.Cond, ev, src);
      mvStmts(c.Do, ev, src);
      return;
    case 'CaseClause':
      ev.push('case ' + mvSig(c.Word));
      mvNested(c.Word, ev);
      for (const it of c.Items) {
        ev.push('pat ' + JSON.stringify(it.Patterns.map((w: Node) => mvSig(w))));
        for (const w of it.Patterns) mvNested(w, ev);
        mvStmts(it.Stmts, ev, src);
      }
      return;
    case 'FuncDecl':
      ev.push('func ' + c.Name.Value);
      mvStmt(c.Body, ev, src);
      return;
    case 'TestClause':
      ev.push('test');
      S.Walk(c.X, (n: Node) => {
        if (n && S.NodeType(n) === 'Word') {
          mvNested(n, ev);
          return false;
        }
        return true;
      });
      return;
    default:
      ev.push('unknown ' + S.NodeType(c));
  }
}

function mvStmt(st: Node, ev: string[], src: string): void {
  if (st.Negated) ev.push('!');
  if (st.Cmd) mvCmd(st.Cmd, ev, src);
  else ev.push('cmd ' + JSON.stringify([[], []]));
  mvRedirs(st.Redirs, ev, src);
  if (st.Background) ev.push('&');
}

function mvStmts(sts: Node[], ev: string[], src = ''): void {
  for (const st of sts) mvStmt(st, ev, src);
}

// ---- comparison ----

function ours(src: string): string[] {
  const ev: string[] = [];
  oursScript(parseShell(src), ev);
  return ev;
}

function theirs(src: string): string[] {
  const ev: string[] = [];
  mvSrc = src;
  mvStmts(mvdan.Parse(src, 'src').Stmts, ev, src);
  return ev;
}

function accepts(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}

const TRICKY: string[] = [
  'echo "a \\"quoted\\" word" \'single "inner"\' "it\'s"',
  'echo "$(echo "$(id -u)")"',
  'a=$(x) b',
  'a=$(x)',
  'A=1 B=2 cmd arg',
  'X+=more cmd',
  'apt-get update && # refresh\n  apt-get install -y curl',
  'echo one \\\n  two \\\n  three',
  'if [ -f a ]; then echo a; fi',
  'if a; then b; elif c; then d; elif e; then f; else g; fi',
  'for x in a "b c" $d; do echo "$x"; done',
  'for x; do echo $x; done',
  'for x\ndo echo $x\ndone',
  'case $1 in start|run) exec app ;; stop) kill 1 ;; *) exit 2 ;; esac',
  'case x in (a) echo a;; esac',
  'case x in a) ;; esac',
  'case x in a) b; esac',
  'cat <<A <<B\nfirst\nA\nsecond\nB\necho after',
  'cat <<"E" && echo next\nbody $x\nE',
  'cat <<-E\n\t\tindented\n\tE\n',
  "cat <<'E'\nE\n",
  'f() { echo hi; }; f',
  'function g { echo g; }',
  'function h() { echo h; }',
  'f()\n{\n  echo multi\n}',
  'echo hi > out 2>&1 < in >> app 2>/dev/null',
  'cmd >| clob <> rw 3<&0 >&2 &> all &>> both',
  'cat <<< "here string $x"',
  'echo ${a:-"default value"} ${b:=x} ${c:?err} ${d:+alt} ${e-x} ${f=y} ${g?z} ${h+w}',
  'echo ${#a} ${a#*/} ${a##*/} ${a%/*} ${a%%/*} ${a/x/y} ${a//x/y}',
  'echo ${a^} ${a^^} ${a,} ${a,,} ${!a}',
  'echo $1 $@ $* $# $? $$ $! $- $0 ${10}',
  'echo `echo \\`date\\``',
  'echo $((1 + (2 * 3))) "$((x+1))"',
  "echo $'a\\nb' $'it\\'s'",
  'echo a#b #comment',
  'echo \\# not a comment',
  'echo "# not" \'# either\'',
  '! grep -q x f && echo missing',
  'a | b | c && d || e',
  'sleep 1 & wait',
  '(cd /tmp && make) &',
  '{ a; b; } > log',
  '{ { a; } }',
  'if (true) then echo yes; fi',
  '[[ -f a && -d b ]] || echo no',
  '[[ $(id -u) -eq 0 ]]',
  'echo }{ { }',
  'echo if then fi done',
  'x=if',
  'echo a\\ b c\\"d',
  'echo "a\\\nb"',
  'echo ""',
  "echo '' \"\" x''y",
  'echo $ "$" a$',
  'echo "${HOME}"/"$USER"',
  'echo ~ ~/x a~b',
  'while :; do break; done',
  'until false; do :; done',
  'cd / && ls -la | grep -v total > /tmp/x; echo $?',
  'echo "$(cat <<EOF\ninside\nEOF\n)"',
  'x=$(case y in y) echo y;; esac)',
  'echo $(echo a) $(echo b)$(echo c)',
  'export A=1 B "C=2" D+=3',
  'local x; readonly y=2',
  'env -i PATH=/bin sh -c \'echo "$PATH"\'',
  'echo\t"tab"\tsep',
  '\n\n# only comment\n\necho a\n\n',
  '',
  '# just a comment',
];

const INVALID: string[] = [
  'echo "unterminated',
  "echo 'unterminated",
  'echo `unterminated',
  'if true; then echo x',
  'if true; echo x; fi',
  'if true; then fi',
  'for x in a; do echo x',
  'for x in a; echo x; done',
  'while true; do echo x',
  'case x in a) echo a;;',
  'case x a) echo a;; esac',
  'echo )',
  ')',
  '&& echo x',
  'echo x &&',
  'echo x ||',
  'echo x |',
  '| echo x',
  ';',
  'echo x;;',
  'a ;& b',
  'fi',
  'done',
  'then',
  'esac',
  '{ echo x',
  '( echo x',
  'echo $(echo x',
  'echo ${x',
  'echo ${x:-y',
  'echo "$(echo x"',
  'echo $((1+2',
  'cat <<EOF',
  'cat <<EOF\nbody',
  'echo >',
  'echo 2>',
  'echo x > ;',
  'f() ',
  'a && fi',
  'a | ! b',
  '[[ -f a',
  'echo a (b)',
  'if a; then b; else fi',
  'for x in a; do done',
  'while a; do done',
];

describe('differential against mvdan/sh', () => {
  test('generated RUN scripts give the same commands and operators', () => {
    const r = rng(20240611);
    let compared = 0;
    for (let i = 0; i < 400; i++) {
      const src = generateScript(r);
      let want: string[] = [];
      assert.ok(accepts(() => (want = theirs(src))), `corpus must be valid sh:\n${src}`);
      assert.deepEqual(ours(src), want, src);
      compared++;
    }
    assert.equal(compared, 400);
  });

  test('tricky hand-picked scripts give the same commands and operators', () => {
    for (const src of TRICKY) {
      assert.deepEqual(ours(src), theirs(src), src);
    }
  });

  test('both reject malformed scripts', () => {
    for (const src of INVALID) {
      assert.equal(accepts(() => theirs(src)), false, `mvdan/sh accepts: ${src}`);
      assert.equal(accepts(() => parseShell(src)), false, `we accept: ${src}`);
    }
  });

  test('truncated scripts are accepted or rejected alike', () => {
    const r = rng(99);
    const gen = rng(5);
    let rejected = 0;
    for (let i = 0; i < 300; i++) {
      const full = generateScript(gen);
      const src = full.slice(0, Math.floor(r() * full.length));
      // Intentional: an empty { } or ( ) is rejected by bash and by us, accepted by mvdan/sh.
      if (/[({]\s*$/.test(src)) continue;
      let want: string[] = [];
      let got: string[] = [];
      const a = accepts(() => (want = theirs(src)));
      const b = accepts(() => (got = ours(src)));
      assert.equal(b, a, `accept/reject differs on:\n${JSON.stringify(src)}`);
      if (a) assert.deepEqual(got, want, src);
      else rejected++;
    }
    assert.ok(rejected > 50, `only ${rejected} truncated inputs were invalid`);
  });
});
