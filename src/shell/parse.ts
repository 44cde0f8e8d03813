// Recursive-descent parser for the POSIX sh grammar plus the bash additions that Dockerfile RUN
// lines use ([[ ]], $'...', function keyword, &>, <<<, ${x/a/b}, ...). One pass over the string
// with char codes; the grammar follows POSIX XCU 2.10 "Shell Grammar", token recognition follows
// XCU 2.3, and error wording is close to mvdan/sh so both parsers can be compared in tests.
//
// `((` starting a command is two subshells in POSIX sh (dash); bash reads an arithmetic command
// when the text up to the matching `))` is one (bash parse.y parse_dparen), else subshells too.
// Not supported (rejected with ShellSyntaxError): C-style `for ((;;))`, arrays `a=(1 2)`,
// process substitution `<(cmd)`, `select`, `coproc`.
// Brace expansion `{a,b}` and extglob are kept as literal text, like mvdan/sh does by default.

import {
  ShellSyntaxError,
  type AndOr,
  type ArithCommand,
  type Assignment,
  type CaseClause,
  type Command,
  type ForClause,
  type FuncDef,
  type Group,
  type IfClause,
  type Pipeline,
  type Redirect,
  type Script,
  type SimpleCommand,
  type Subshell,
  type SyntaxDetail,
  type TestClause,
  type WhileClause,
  type Word,
  type WordPart,
} from './ast.js';

const TAB = 9;
const NL = 10;
const SP = 32;
const BANG = 33;
const DQ = 34;
const HASH = 35;
const DOLLAR = 36;
const AMP = 38;
const SQ = 39;
const LP = 40;
const RP = 41;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const SLASH = 47;
const COLON = 58;
const SEMI = 59;
const LT = 60;
const EQ = 61;
const GT = 62;
const QUEST = 63;
const LBRACKET = 91;
const BSL = 92;
const RBRACKET = 93;
const CARET = 94;
const BQ = 96;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;
const PERCENT = 37;

/** XCU 2.2 metacharacters: they end an unquoted word. */
const META = new Uint8Array(128);
for (const c of ' \t\n;&|()<>') META[c.charCodeAt(0)] = 1;

/** Index of the first newline at or after `from`, `len` when there is none. */
function nextNewline(s: string, from: number, len: number): number {
  const i = s.indexOf('\n', from);
  return i === -1 ? len : i;
}

/** What stops the plain run of an unquoted word: a metacharacter, a quote, `\\` or `$`. */
const WORD_STOP = new Uint8Array(128);
for (const c of ' \t\n;&|()<>\\\'"$`') WORD_STOP[c.charCodeAt(0)] = 1;

function isMeta(c: number): boolean {
  return c < 128 && META[c] === 1;
}

/** Parser.cc gives -1 past the end. */
function isEnd(c: number): boolean {
  return c < 0;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Single-character special parameters ($@, $?, ...), XCU 2.5.2. */
function isSpecialParam(c: number): boolean {
  return c === 64 || c === 42 || c === HASH || c === QUEST || c === MINUS || c === DOLLAR ||
    c === BANG || c === 48;
}

/** Words that close a list; they stop parseScript when met in command position. */
const FUNC_PARENS = '"(" in a function definition must be followed by ")"';

/** What dash expects once a keyword's list has run to the end of the text. */
const EXPECTED_AFTER: Record<string, string> = {
  if: 'then', elif: 'then', then: 'fi', else: 'fi', while: 'do', until: 'do', do: 'done',
};

const CLOSERS = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);
/**
 * The reserved word spelled by the `len` lowercase letters at p, without a slice: if then else
 * elif fi do done case esac while until for in function select coproc.
 */
function reservedAt(s: string, p: number, len: number): string | null {
  let w: string;
  switch (s.charCodeAt(p)) {
    case 99: // c
      w = len === 4 ? 'case' : 'coproc';
      break;
    case 100: // d
      w = len === 2 ? 'do' : 'done';
      break;
    case 101: // e
      if (len !== 4) return null;
      w = s.charCodeAt(p + 1) === 115 ? 'esac' : s.charCodeAt(p + 2) === 105 ? 'elif' : 'else';
      break;
    case 102: // f
      w = len === 2 ? 'fi' : len === 3 ? 'for' : 'function';
      break;
    case 105: // i
      w = len === 2 && s.charCodeAt(p + 1) === 110 ? 'in' : 'if';
      break;
    case 115: // s
      w = 'select';
      break;
    case 116: // t
      w = 'then';
      break;
    case 117: // u
      w = 'until';
      break;
    case 119: // w
      w = 'while';
      break;
    default:
      return null;
  }
  return w.length === len && s.startsWith(w, p) ? w : null;
}

interface PendingHeredoc {
  redir: Redirect;
  delim: string;
  strip: boolean;
  at: number;
}

const enum Mode {
  /** Unquoted word: ends at a metacharacter. */
  Word,
  /** Argument of ${name op arg}: ends at `}`. */
  Brace,
  /** Pattern of ${name/pat/rep}: ends at `/` or `}`. */
  Pattern,
}

/** Compound commands and substitutions nested in one another, deepest allowed (dash has no limit). */
export const MAX_NESTING = 400;
/** How deep the parse in progress is; module-wide because command substitutions parse anew. */
let nesting = 0;

class Parser {
  pos = 0;
  pending: PendingHeredoc[] = [];
  private peekAt = -1;
  private peekWord: string | null = null;
  private lcPos = 0;
  private lcLine = 0;
  /** First newline at or after lcPos (len when none): a line after the last is not rescanned. */
  private lcNext = -1;
  private readonly len: number;
  /** Set by readParts: the parts it read are literal text as written (no quote, escape or $). */
  private plainWord = false;

  /**
   * baseLine: line of the text's start in the enclosing script (for `...` bodies).
   * bash: read `((` as bash does (an arithmetic command when it can be one).
   * dash: `[[` is no keyword, only a word (dash has no [[ ]]).
   */
  constructor(
    readonly src: string,
    private readonly baseLine = 0,
    readonly bash = false,
    readonly dash = false,
  ) {
    this.len = src.length;
  }

  /** Char code at i, -1 past the end (an out-of-range charCodeAt would deoptimise V8). */
  cc(i: number): number {
    return i < this.len ? this.src.charCodeAt(i) : -1;
  }

  // ---- positions and errors ----

  /** 0-based line of an offset; a forward-moving cursor keeps the whole parse linear. */
  lineAt(off: number): number {
    const s = this.src;
    if (off < this.lcPos || this.lcNext === -1) {
      this.lcPos = 0;
      this.lcLine = 0;
      this.lcNext = nextNewline(s, 0, this.len);
    }
    let line = this.lcLine;
    let i = this.lcNext;
    while (i < off) {
      line++;
      i = nextNewline(s, i + 1, this.len);
    }
    this.lcPos = off;
    this.lcNext = i;
    this.lcLine = line;
    return line + this.baseLine;
  }

  fail(message: string, at: number = this.pos, detail?: SyntaxDetail): never {
    throw new ShellSyntaxError(message, at, this.lineAt(at), detail);
  }

  /** The token at pos as the shells name it in "unexpected" errors; undefined for a word. */
  token(): string | undefined {
    const c = this.cc(this.pos);
    if (isEnd(c)) return undefined;
    const two = this.src.slice(this.pos, this.pos + 2);
    if (two === ';;' || two === '&&' || two === '||' || two === ';&') return two;
    if (c === NL) return 'newline';
    if (isMeta(c)) return this.src[this.pos];
    return this.peekReserved() ?? undefined;
  }

  /** A construct not closed: at the end of the text dash names what it expected. */
  failClose(message: string, at: number, expecting: string): never {
    if (isEnd(this.cc(this.pos))) this.fail(message, at, { kind: 'eof', expecting });
    const token = this.token();
    if (token === undefined) this.fail(message, at);
    this.fail(message, at, { kind: 'token', token, expecting, line: this.lineAt(this.pos) });
  }

  /** Name of the token at pos, for "unexpected ..." messages. */
  describe(): string {
    const s = this.src;
    const c = this.cc(this.pos);
    if (isEnd(c)) return 'end of input';
    const two = s.slice(this.pos, this.pos + 2);
    if (two === ';;' || two === '&&' || two === '||' || two === ';&') return `"${two}"`;
    if (c === NL) return 'newline';
    if (isMeta(c)) return `"${s[this.pos]}"`;
    const r = this.peekReserved();
    if (r !== null) return `"${r}"`;
    return 'word';
  }

  unexpected(): never {
    const c = this.cc(this.pos);
    if (c === SEMI && this.cc(this.pos + 1) === SEMI) {
      this.fail('";;" can only be used in a case clause');
    }
    const token = this.token();
    const detail: SyntaxDetail | undefined = isEnd(c)
      ? { kind: 'eof' }
      : token !== undefined ? { kind: 'token', token, line: this.lineAt(this.pos) } : undefined;
    this.fail(`unexpected ${this.describe()}`, this.pos, detail);
  }

  // ---- blanks, comments, newlines ----

  /** Skips blanks, backslash-newline continuations and a comment (# at a word start). */
  skipBlanks(): void {
    const s = this.src;
    for (;;) {
      const c = this.cc(this.pos);
      if (c === SP || c === TAB) {
        this.pos++;
      } else if (c === BSL && this.cc(this.pos + 1) === NL) {
        this.pos += 2;
      } else if (c === HASH) {
        const nl = s.indexOf('\n', this.pos);
        this.pos = nl === -1 ? this.len : nl;
        return;
      } else {
        return;
      }
    }
  }

  /** Skips blanks, comments and newlines (the grammar's `linebreak`). */
  skipLinebreaks(): void {
    for (;;) {
      this.skipBlanks();
      if (this.cc(this.pos) !== NL) return;
      this.newline();
    }
  }

  /** Consumes a newline token; here-document bodies start right after it (XCU 2.7.4). */
  newline(): void {
    this.pos++;
    if (this.pending.length > 0) this.readHeredocs();
  }

  readHeredocs(): void {
    const s = this.src;
    for (const h of this.pending) {
      let body = '';
      let closed = false;
      while (this.pos < this.len) {
        let eol = s.indexOf('\n', this.pos);
        if (eol === -1) eol = this.len;
        let ls = this.pos;
        if (h.strip) while (this.cc(ls) === TAB) ls++;
        const line = s.slice(ls, eol);
        this.pos = eol < this.len ? eol + 1 : this.len;
        if (line === h.delim) {
          closed = true;
          break;
        }
        body += eol < this.len ? line + '\n' : line;
      }
      // bash accepts an end-of-file delimiter with a warning; mvdan/sh rejects it. We reject:
      // a Dockerfile heredoc that runs to the end of the RUN line is nearly always a mistake.
      if (!closed) this.fail(`unclosed here-document '${h.delim}'`, h.at);
      h.redir.heredoc = body;
    }
    this.pending = [];
  }

  /** The reserved word (or `{`, `}`, `!`, `[[`) at pos when it stands alone as a word. */
  peekReserved(): string | null {
    // A command start is looked at by the list, the pipeline and the command parser in turn.
    if (this.peekAt === this.pos) return this.peekWord;
    this.peekAt = this.pos;
    this.peekWord = this.scanReserved();
    return this.peekWord;
  }

  scanReserved(): string | null {
    const s = this.src;
    const p = this.pos;
    const c = this.cc(p);
    if (c === LBRACE || c === BANG) {
      const n = this.cc(p + 1);
      if (n === SP || n === TAB || n === NL || isEnd(n)) return c === LBRACE ? '{' : '!';
      return null;
    }
    if (c === RBRACE) {
      const n = this.cc(p + 1);
      return isMeta(n) || isEnd(n) ? '}' : null;
    }
    if (c === LBRACKET) {
      if (this.dash || this.cc(p + 1) !== LBRACKET) return null;
      const n = this.cc(p + 2);
      return n === SP || n === TAB || n === NL ? '[[' : null;
    }
    if (c < 97 || c > 122) return null;
    let e = p + 1;
    while (e - p < 9) {
      const d = this.cc(e);
      if (d < 97 || d > 122) break;
      e++;
    }
    const n = this.cc(e);
    if (!(isMeta(n) || isEnd(n))) return null;
    const r = reservedAt(s, p, e - p);
    // dash has no `function` keyword: the word is a command name like any other.
    return r === 'function' && this.dash ? null : r;
  }

  expectReserved(word: string, message: string, at: number): void {
    if (this.peekReserved() !== word) this.failClose(message, at, word);
    this.pos += word.length;
  }

  // ---- lists ----

  atListEnd(): boolean {
    const c = this.cc(this.pos);
    if (isEnd(c) || c === RP) return true;
    if (c === SEMI) {
      const n = this.cc(this.pos + 1);
      return n === SEMI || n === AMP;
    }
    const r = this.peekReserved();
    return r !== null && CLOSERS.has(r);
  }

  parseScript(): Script {
    const items: Script['items'] = [];
    for (;;) {
      this.skipLinebreaks();
      if (this.atListEnd()) break;
      const andOr = this.parseAndOr();
      this.skipBlanks();

      const c = this.cc(this.pos);
      const n = this.cc(this.pos + 1);
      if (c === SEMI && n !== SEMI && n !== AMP) {
        this.pos++;
        items.push({ andOr, background: false });
      } else if (c === AMP && n !== AMP && (n !== GT || this.dash)) {
        // dash has no &>: `cmd &>/dev/null` is `cmd &` and then a command of a redirection alone.
        this.pos++;
        items.push({ andOr, background: true });
      } else if (c === NL) {
        items.push({ andOr, background: false });
        this.newline();
      } else {
        // No separator: the caller decides whether what follows may end the list.
        items.push({ andOr, background: false });
        break;
      }
    }
    return { items };
  }

  parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      this.skipBlanks();
      const c = this.cc(this.pos);
      if (c !== this.cc(this.pos + 1) || (c !== AMP && c !== PIPE)) break;
      this.pos += 2;
      this.skipLinebreaks();
      rest.push({ op: c === AMP ? '&&' : '||', pipeline: this.parsePipeline() });
    }
    return { first, rest };
  }

  parsePipeline(): Pipeline {
    this.skipBlanks();
    let negated = false;
    if (this.peekReserved() === '!') {
      negated = true;
      this.pos++;
      this.skipBlanks();
    }
    const commands = [this.parseCommand()];
    for (;;) {
      this.skipBlanks();
      if (this.cc(this.pos) !== PIPE || this.cc(this.pos + 1) === PIPE) break;
      this.pos++;
      if (this.cc(this.pos) === AMP) {
        // bash `a |& b` is `a 2>&1 | b`.
        this.pos++;
        const prev = commands[commands.length - 1];
        if (prev.type !== 'func') prev.redirs.push(dupStderr());
      }
      this.skipLinebreaks();
      if (this.peekReserved() === '!') this.fail('"!" can only be used in full statements');
      commands.push(this.parseCommand());
    }
    return { negated, commands };
  }

  // ---- commands ----

  parseCommand(): Command {
    // Nesting deeper than MAX_NESTING is refused the same way in every thread: a stack overflow
    // would come at a depth that depends on the thread's stack size and on how much of the
    // parser V8 has compiled, so the same file could be analysed in one run and not another.
    if (++nesting > MAX_NESTING) {
      nesting--;
      throw new RangeError(`the command nests more than ${MAX_NESTING} levels deep`);
    }
    try {
      return this.parseCommandHere();
    } finally {
      nesting--;
    }
  }

  parseCommandHere(): Command {
    this.skipBlanks();
    const start = this.pos;
    const r = this.peekReserved();
    if (r !== null) {
      switch (r) {
        case 'if':
          return this.withRedirs(this.parseIf(start));
        case 'for':
          return this.withRedirs(this.parseFor(start));
        case 'while':
        case 'until':
          return this.withRedirs(this.parseWhile(start, r));
        case 'case':
          return this.withRedirs(this.parseCase(start));
        case '{':
          return this.withRedirs(this.parseGroup(start));
        case '[[':
          return this.withRedirs(this.parseTest(start));
        case 'function':
          return this.parseFunctionKeyword(start);
        case 'in':
          break;
        case 'select':
        case 'coproc':
          this.fail(`"${r}" is not supported`);
        default:
          this.fail(`unexpected "${r}"`);
      }
    }
    if (this.cc(start) === LP) return this.withRedirs(this.parseSubshell(start));
    return this.parseSimple();
  }

  /** Redirections after a compound command (`done > log`). */
  withRedirs<T extends { redirs: Redirect[] }>(cmd: T): T {
    for (;;) {
      this.skipBlanks();
      if (!this.atRedirect()) return cmd;
      cmd.redirs.push(this.parseRedirect());
    }
  }

  parseSimple(): SimpleCommand | FuncDef {
    const start = this.pos;
    const lineOffset = this.lineAt(start);
    let argLines: number[] | undefined;
    const assigns: Assignment[] = [];
    const args: Word[] = [];
    const redirs: Redirect[] = [];
    for (;;) {
      this.skipBlanks();
      const c = this.cc(this.pos);
      if (isEnd(c)) break;
      if (this.atRedirect()) {
        redirs.push(this.parseRedirect());
        continue;
      }
      if (isMeta(c)) break;
      if (args.length === 0) {
        const a = this.tryAssignment();
        if (a !== null) {
          assigns.push(a);
          continue;
        }
      }
      // The line of a word on a later line than the command's (a `\`-continued docker run).
      const at = this.lineAt(this.pos);
      if (at !== lineOffset) (argLines ??= args.map(() => lineOffset))[args.length] = at;
      else if (argLines) argLines[args.length] = at;
      args.push(this.readWord());
    }

    const cmd: SimpleCommand = { type: 'cmd', assigns, args, redirs, lineOffset };
    if (argLines) cmd.argLines = argLines;
    if (this.cc(this.pos) === LP) {
      if (args.length === 1 && assigns.length === 0 && redirs.length === 0) {
        return this.parseFuncParens(args[0], start);
      }
      this.fail('a command can only contain words and redirects; "(" is not allowed here', this.pos, { kind: 'token', token: '(', line: this.lineAt(this.pos) });
    }
    if (args.length === 0 && assigns.length === 0 && redirs.length === 0) this.unexpected();
    return cmd;
  }

  /** NAME=value or NAME+=value at pos (bash +=); null leaves pos untouched. */
  tryAssignment(): Assignment | null {
    const s = this.src;
    const start = this.pos;
    if (!isNameStart(this.cc(start))) return null;
    let e = start + 1;
    while (isNameChar(this.cc(e))) e++;
    let append = false;
    let c = this.cc(e);
    if (c === PLUS) {
      append = true;
      c = this.cc(++e);
    }
    if (c !== EQ) return null;

    const name = s.slice(start, append ? e - 1 : e);
    this.pos = e + 1;
    if (this.cc(this.pos) === LP) {
      // dash (no arrays) meets ( where a word or an operator should be.
      if (this.dash) this.fail('arrays are not supported', this.pos, { kind: 'token', token: '(', line: this.lineAt(this.pos) });
      this.fail('arrays are not supported');
    }
    const value = this.readWord();
    return append ? { name, value, append } : { name, value };
  }

  parseFuncParens(nameWord: Word, start: number): FuncDef {
    const name = nameWord.raw;
    if (nameWord.parts.length !== 1 || nameWord.parts[0].type !== 'lit') {
      this.fail(`invalid function name "${name}"`, start);
    }
    this.pos++;
    this.skipBlanks();
    if (this.cc(this.pos) !== RP) this.fail(FUNC_PARENS);
    this.pos++;
    return this.parseFuncBody(name, start);
  }

  parseFunctionKeyword(start: number): FuncDef {
    const s = this.src;
    this.pos += 8;
    this.skipBlanks();
    const ns = this.pos;
    while (this.pos < this.len && !isMeta(this.cc(this.pos))) this.pos++;
    if (ns === this.pos) this.fail('"function" must be followed by a name', start);
    const name = s.slice(ns, this.pos);
    this.skipBlanks();
    if (this.cc(this.pos) === LP) {
      this.pos++;
      this.skipBlanks();
      if (this.cc(this.pos) !== RP) this.fail(FUNC_PARENS);
      this.pos++;
    }
    return this.parseFuncBody(name, start);
  }

  parseFuncBody(name: string, start: number): FuncDef {
    this.skipLinebreaks();
    if (isEnd(this.cc(this.pos))) this.fail(`"${name}()" must be followed by a statement`, start);
    return { type: 'func', name, body: this.parseCommand() };
  }

  parseSubshell(start: number): Subshell | ArithCommand {
    if (this.bash && this.cc(start + 1) === LP) {
      const end = this.arithEnd(start + 2);
      if (end !== -1) {
        this.pos = end + 2;
        const expr = this.src.slice(start + 2, end);
        return { type: 'arith', expr, redirs: [], lineOffset: this.lineAt(start) };
      }
    }
    this.pos++;
    const body = this.parseScript();
    if (this.cc(this.pos) !== RP) this.failClose('reached end without matching ( with )', start, ')');
    // bash rejects an empty subshell; mvdan/sh accepts it.
    if (body.items.length === 0) this.fail('"(" must be followed by a statement list', start);
    this.pos++;
    return { type: 'subshell', body, redirs: [] };
  }

  /**
   * bash's parse_arith_cmd: the text from `from` to the `)` that closes the second `(` (quotes
   * skipped) is an arithmetic command when another `)` follows at once; -1 when it is not.
   */
  arithEnd(from: number): number {
    let depth = 0;
    for (let i = from; i < this.len; i++) {
      const c = this.cc(i);
      if (c === SQ || c === DQ) {
        const close = this.src.indexOf(this.src[i], i + 1);
        if (close === -1) return -1;
        i = close;
      } else if (c === LP) {
        depth++;
      } else if (c === RP) {
        if (depth === 0) return this.cc(i + 1) === RP ? i : -1;
        depth--;
      }
    }
    return -1;
  }

  parseGroup(start: number): Group {
    this.pos++;
    const body = this.parseScript();
    this.expectReserved('}', 'reached end without matching { with }', start);
    // bash rejects an empty group; mvdan/sh accepts it.
    if (body.items.length === 0) this.fail('"{" must be followed by a statement list', start);
    return { type: 'group', body, redirs: [] };
  }

  /** A list that the grammar requires to hold at least one command. */
  nonEmptyList(after: string, at: number): Script {
    const body = this.parseScript();
    if (body.items.length === 0) {
      this.failClose(`"${after}" must be followed by a statement list`, at, EXPECTED_AFTER[after]);
    }
    return body;
  }

  parseIf(start: number): IfClause {
    this.pos += 2;
    const clauses: IfClause['clauses'] = [];
    let elseBody: Script | undefined;
    let kw = 'if';
    let kwAt = start;
    for (;;) {
      const cond = this.nonEmptyList(kw, kwAt);
      const thenAt = this.pos;
      this.expectReserved('then', `"${kw}" must be followed by "then"`, kwAt);
      clauses.push({ cond, body: this.nonEmptyList('then', thenAt) });

      const r = this.peekReserved();
      kwAt = this.pos;
      if (r === 'elif') {
        this.pos += 4;
        kw = 'elif';
        continue;
      }
      if (r === 'else') {
        this.pos += 4;
        elseBody = this.nonEmptyList('else', kwAt);
      }
      this.expectReserved('fi', 'if statement must end with "fi"', start);
      break;
    }
    const out: IfClause = { type: 'if', clauses, redirs: [] };
    if (elseBody !== undefined) out.elseBody = elseBody;
    return out;
  }

  /** do LIST done */
  parseDoGroup(start: number, what: string): Script {
    this.skipLinebreaks();
    const doAt = this.pos;
    this.expectReserved('do', `"${what}" must be followed by "do"`, start);
    const body = this.nonEmptyList('do', doAt);
    this.expectReserved('done', `${what} statement must end with "done"`, start);
    return body;
  }

  parseWhile(start: number, kind: 'while' | 'until'): WhileClause {
    this.pos += kind.length;
    const cond = this.nonEmptyList(kind, start);
    const body = this.parseDoGroup(start, kind);
    return { type: kind, cond, body, redirs: [] };
  }

  parseFor(start: number): ForClause {
    const s = this.src;
    this.pos += 3;
    this.skipBlanks();
    const ns = this.pos;
    while (isNameChar(this.cc(this.pos))) this.pos++;
    if (ns === this.pos || !isNameStart(this.cc(ns))) {
      this.fail('"for" must be followed by a variable name (C-style for is not supported)', start);
    }
    const name = s.slice(ns, this.pos);
    this.skipBlanks();

    let items: Word[] | null = null;
    if (this.cc(this.pos) === SEMI) {
      this.pos++;
    } else {
      this.skipLinebreaks();
      if (this.peekReserved() === 'in') {
        this.pos += 2;
        items = [];
        for (;;) {
          this.skipBlanks();
          const c = this.cc(this.pos);
          if (c === SEMI) {
            this.pos++;
            break;
          }
          if (c === NL) {
            this.newline();
            break;
          }
          if (isEnd(c) || isMeta(c)) {
            const detail: SyntaxDetail | undefined = isEnd(c) ? { kind: 'eof' } : undefined;
            this.fail('"for x in words" must be followed by "do"', start, detail);
          }
          items.push(this.readWord());
        }
      }
    }
    const body = this.parseDoGroup(start, 'for');
    return { type: 'for', name, items, body, redirs: [] };
  }

  parseCase(start: number): CaseClause {
    this.pos += 4;
    this.skipBlanks();
    if (isMeta(this.cc(this.pos)) || isEnd(this.cc(this.pos))) {
      this.fail('"case" must be followed by a word', start);
    }
    const word = this.readWord();
    this.skipLinebreaks();
    this.expectReserved('in', '"case x" must be followed by "in"', start);

    const items: CaseClause['items'] = [];
    for (;;) {
      this.skipLinebreaks();
      if (this.peekReserved() === 'esac') {
        this.pos += 4;
        break;
      }
      if (isEnd(this.cc(this.pos))) this.fail('case statement must end with "esac"', start);
      if (this.cc(this.pos) === LP) this.pos++;

      const patterns: Word[] = [];
      for (;;) {
        this.skipBlanks();
        const c = this.cc(this.pos);
        if (isEnd(c) || isMeta(c)) this.fail('case patterns must be words separated by "|"');
        patterns.push(this.readWord());
        this.skipBlanks();
        const d = this.cc(this.pos);
        this.pos++;
        if (d === RP) break;
        if (d !== PIPE) this.fail('case patterns must be followed by ")"', this.pos - 1);
      }

      const body = this.parseScript();
      const item: CaseClause['items'][number] = { patterns, body };
      items.push(item);
      if (this.cc(this.pos) === SEMI) {
        // ;; ends the item; bash's ;& falls through to the next body and ;;& tests the next
        // patterns. dash 0.5.12 has neither: it stops at the & ("&" unexpected).
        const fall = this.cc(this.pos + 1) === AMP;
        const amp = this.pos + (fall ? 1 : 2);
        if (this.cc(amp) === AMP) {
          if (this.dash) this.failDashCaseEnd(fall, amp);
          item.end = fall ? ';&' : ';;&';
          this.pos = amp + 1;
        } else {
          this.pos += 2;
        }
        continue;
      }
      this.skipLinebreaks();
      this.expectReserved('esac', 'case statement must end with "esac"', start);
      break;
    }
    return { type: 'case', word, items, redirs: [] };
  }

  /**
   * dash 0.5.12 on bash's case ends, as it words them: `;&` is `;` then a stray `&`; after
   * `;;&` it wants the next pattern's `)` and names what it met instead.
   */
  private failDashCaseEnd(fall: boolean, amp: number): never {
    if (fall) this.fail('unexpected "&"', amp, { kind: 'token', token: '&', line: this.lineAt(amp) });
    this.pos = amp + 1;
    this.skipBlanks();
    const c = this.cc(this.pos);
    if (isEnd(c)) this.fail('case patterns must be followed by ")"', this.pos, { kind: 'eof', expecting: ')' });
    const token = c === NL ? 'newline' : 'word';
    const line = this.lineAt(this.pos) + (c === NL ? 1 : 0);
    this.fail('case patterns must be followed by ")"', this.pos, { kind: 'token', token, expecting: ')', line });
  }

  /** bash [[ ... ]]: words and operators are kept as words, not parsed into an expression. */
  parseTest(start: number): TestClause {
    const s = this.src;
    this.pos += 2;
    const words: Word[] = [];
    for (;;) {
      this.skipLinebreaks();
      const c = this.cc(this.pos);
      if (isEnd(c)) this.fail('reached end without matching [[ with ]]', start);
      if (c === RBRACKET && this.cc(this.pos + 1) === RBRACKET) {
        const n = this.cc(this.pos + 2);
        if (isMeta(n) || isEnd(n)) {
          this.pos += 2;
          break;
        }
      }
      if (isMeta(c)) {
        const two = c === this.cc(this.pos + 1) && (c === AMP || c === PIPE);
        const op = s.slice(this.pos, this.pos + (two ? 2 : 1));
        if (op === ';' || op === '&' || op === '|') this.fail(`unexpected "${op}" inside [[ ]]`);
        this.pos += op.length;
        words.push({ parts: [{ type: 'lit', value: op }], raw: op });
        continue;
      }
      // The right side of =~ is a regular expression: bash reads (, ) and | in it as part of
      // the word, and blanks too inside parentheses (`[[ $HOSTTYPE =~ ^(x86_64|aarch64) ]]`).
      words.push(words.length > 0 && words[words.length - 1].raw === '=~' ? this.readRegexWord() : this.readWord());
    }
    if (words.length === 0) this.fail('"[[" must be followed by an expression', start);
    return { type: 'test', words, redirs: [] };
  }

  /** The operand of =~ (see parseTest): a word that may hold (, ) and |, balanced parentheses. */
  private readRegexWord(): Word {
    const start = this.pos;
    const parts: WordPart[] = [];
    let depth = 0;
    for (;;) {
      const c = this.cc(this.pos);
      if (isEnd(c)) break;
      const blank = c === 32 || c === 9 || c === NL;
      if (depth === 0 && (blank || c === RP || (c === PIPE && this.cc(this.pos + 1) === PIPE))) break;
      if (c === LP || c === RP || c === PIPE || blank) {
        depth += c === LP ? 1 : c === RP ? -1 : 0;
        parts.push({ type: 'lit', value: String.fromCharCode(c) });
        this.pos++;
        continue;
      }
      if (isMeta(c)) break;
      const at = this.pos;
      parts.push(...this.readParts(Mode.Word));
      if (this.pos === at) break;
    }

    return { parts, raw: this.src.slice(start, this.pos) };
  }

  // ---- redirections ----

  atRedirect(): boolean {
    let p = this.pos;
    let c = this.cc(p);
    if (c === LT || c === GT) return true;
    if (c === AMP) return !this.dash && this.cc(p + 1) === GT;
    if (!isDigit(c)) return false;
    do c = this.cc(++p);
    while (isDigit(c));
    return c === LT || c === GT;
  }

  parseRedirect(): Redirect {
    const s = this.src;
    const at = this.pos;
    let fd: number | undefined;
    if (isDigit(this.cc(this.pos))) {
      const fs = this.pos;
      while (isDigit(this.cc(this.pos))) this.pos++;
      fd = Number(s.slice(fs, this.pos));
    }

    const c = this.cc(this.pos);
    const n = this.cc(this.pos + 1);
    let op: string;
    if (c === LT) {
      if (n === LT) {
        const t = this.cc(this.pos + 2);
        op = t === LT ? '<<<' : t === MINUS ? '<<-' : '<<';
        // dash has no here-string: it reads <<, then meets < where the delimiter word should be.
        if (op === '<<<' && this.dash) this.fail('here-strings are not supported by dash', this.pos, { kind: 'token', token: 'redirection', line: this.lineAt(this.pos) });
      } else if (n === GT) op = '<>';
      else if (n === AMP) op = '<&';
      else if (n === LP) this.fail('process substitution "<(...)" is not supported');
      else op = '<';
    } else if (c === GT) {
      if (n === GT) op = '>>';
      else if (n === AMP) op = '>&';
      else if (n === PIPE) op = '>|';
      else if (n === LP) this.fail('process substitution ">(...)" is not supported');
      else op = '>';
    } else {
      op = this.cc(this.pos + 2) === GT ? '&>>' : '&>';
    }
    this.pos += op.length;

    this.skipBlanks();
    const t = this.cc(this.pos);
    if (isEnd(t) || isMeta(t)) this.fail(`${op} must be followed by a word`, at);
    const target = this.readWord();
    const redir: Redirect = fd === undefined ? { op, target } : { op, fd, target };
    if (op === '<<' || op === '<<-') {
      const lit = literalText(target);
      const raw = target.raw;
      redir.heredocQuoted = raw.includes("'") || raw.includes('"') || raw.includes('\\');
      this.pending.push({ redir, delim: lit ?? target.raw, strip: op === '<<-', at });
    }
    return redir;
  }

  // ---- words ----

  readWord(): Word {
    const start = this.pos;
    const parts = this.readParts(Mode.Word);
    // A plain word (one literal, no escape removed) is its own raw text. Told by readParts rather
    // than by the part's type: parts come in many shapes, and that read was megamorphic.
    if (this.plainWord && parts.length === 1) return { parts, raw: (parts[0] as { value: string }).value };
    return { parts, raw: this.src.slice(start, this.pos) };
  }

  /** Reads word parts until the end that `mode` defines; literal runs are sliced, not copied. */
  readParts(mode: Mode): WordPart[] {
    const s = this.src;
    const len = this.len;
    const parts: WordPart[] = [];
    let lit = '';
    let run = this.pos;
    let plain = true;
    for (;;) {
      if (mode === Mode.Word) {
        // Most of a word is plain characters: skip them with one table lookup each.
        let p = this.pos;
        while (p < len) {
          const d = s.charCodeAt(p);
          if (d < 128 && WORD_STOP[d] === 1) break;
          p++;
        }
        this.pos = p;
      }
      const c = this.cc(this.pos);
      if (isEnd(c)) {
        if (mode !== Mode.Word) this.fail('reached end without matching ${ with }', this.pos, BRACE);
        break;
      }
      if (mode === Mode.Word) {
        if (isMeta(c)) break;
      } else if (c === RBRACE || (mode === Mode.Pattern && c === SLASH)) {
        break;
      }

      if (c === BSL) {
        plain = false;
        lit += s.slice(run, this.pos);
        const n = this.cc(this.pos + 1);
        if (n === NL) this.pos += 2;
        else if (isEnd(n)) {
          lit += '\\';
          this.pos++;
        } else {
          lit += s[this.pos + 1];
          this.pos += 2;
        }
        run = this.pos;
        continue;
      }
      if (c !== SQ && c !== DQ && c !== DOLLAR && c !== BQ) {
        this.pos++;
        continue;
      }

      let part: WordPart | null;
      const at = this.pos;
      if (c === SQ) part = this.readSingle();
      else if (c === DQ) part = this.readDouble();
      else if (c === BQ) part = this.readBackquote(false);
      else part = this.readDollar(false);
      if (part === null) {
        // A lone `$` is literal.
        this.pos++;
        continue;
      }
      lit += s.slice(run, at);
      if (lit !== '') parts.push({ type: 'lit', value: lit });
      lit = '';
      parts.push(part);
      plain = false;
      run = this.pos;
    }
    lit += s.slice(run, this.pos);
    if (lit !== '') parts.push({ type: 'lit', value: lit });
    this.plainWord = plain;
    return parts;
  }

  readSingle(): WordPart {
    const start = this.pos;
    const end = this.src.indexOf("'", start + 1);
    if (end === -1) this.fail("reached end without closing quote '", start, quoteDetail("'"));
    this.pos = end + 1;
    return { type: 'sq', value: this.src.slice(start + 1, end) };
  }

  /** "..." : backslash escapes only $ ` " \ and newline inside (XCU 2.2.3). */
  readDouble(): WordPart {
    const s = this.src;
    const start = this.pos;
    this.pos++;
    const parts: WordPart[] = [];
    let lit = '';
    let run = this.pos;
    for (;;) {
      const c = this.cc(this.pos);
      if (isEnd(c)) this.fail('reached end without closing quote "', start, quoteDetail('"'));
      if (c === DQ) break;
      if (c === BSL) {
        const n = this.cc(this.pos + 1);
        if (n === DOLLAR || n === BQ || n === DQ || n === BSL || n === NL) {
          lit += s.slice(run, this.pos);
          if (n !== NL) lit += s[this.pos + 1];
          this.pos += 2;
          run = this.pos;
        } else {
          this.pos += isEnd(n) ? 1 : 2;
        }
        continue;
      }
      if (c !== DOLLAR && c !== BQ) {
        this.pos++;
        continue;
      }
      const at = this.pos;
      const part = c === BQ ? this.readBackquote(true) : this.readDollar(true);
      if (part === null) {
        this.pos++;
        continue;
      }
      lit += s.slice(run, at);
      if (lit !== '') parts.push({ type: 'lit', value: lit });
      lit = '';
      parts.push(part);
      run = this.pos;
    }
    lit += s.slice(run, this.pos);
    if (lit !== '') parts.push({ type: 'lit', value: lit });
    this.pos++;
    return { type: 'dq', parts };
  }

  /** An expansion starting with `$`, or null when the `$` is literal. */
  readDollar(inDq: boolean): WordPart | null {
    const s = this.src;
    const p = this.pos;
    const c = this.cc(p + 1);
    if (c === LBRACE) return this.readBraceParam();
    if (c === LP) return this.cc(p + 2) === LP ? this.readArith() : this.readCmdSubst();
    if (!inDq && c === SQ) return this.readAnsiC();
    if (!inDq && c === DQ) {
      // bash $"..." (locale translation) behaves as "..." when no catalogue exists.
      this.pos++;
      return this.readDouble();
    }
    if (isNameStart(c)) {
      let e = p + 2;
      while (isNameChar(this.cc(e))) e++;
      this.pos = e;
      return { type: 'param', name: s.slice(p + 1, e) };
    }
    if (isDigit(c) || isSpecialParam(c)) {
      this.pos = p + 2;
      return { type: 'param', name: s[p + 1] };
    }
    return null;
  }

  readCmdSubst(): WordPart {
    const start = this.pos;
    this.pos += 2;
    const outer = this.pending;
    this.pending = [];
    const script = this.parseScript();
    if (this.cc(this.pos) !== RP) {
      if (this.pos < this.len) this.unexpected();
      this.fail('reached end without matching ( with )', start, { kind: 'eof', expecting: ')', match: ')' });
    }
    if (this.pending.length > 0) this.fail(`unclosed here-document '${this.pending[0].delim}'`);
    this.pending = outer;
    const raw = this.src.slice(start + 2, this.pos);
    this.pos++;
    return { type: 'cmdsubst', script, raw };
  }

  /**
   * $((...)): kept raw; parentheses are balanced to find the closing `))`. bash reads a `$((`
   * whose first `)` at depth 0 is not followed by another as a command substitution that
   * starts with a subshell (measured with bash 5.2: `echo $((echo hi) )` prints hi); dash and
   * ash call it a missing '))'.
   */
  readArith(): WordPart {
    const s = this.src;
    const start = this.pos;
    let depth = 0;
    for (let i = start + 3; i < this.len; i++) {
      const c = this.cc(i);
      if (c === LP) depth++;
      else if (c === RP) {
        if (depth === 0) {
          if (this.cc(i + 1) !== RP) {
            if (this.bash) return this.readCmdSubst();
            break;
          }
          this.pos = i + 2;
          return { type: 'arith', raw: s.slice(start + 3, i) };
        }
        depth--;
      }
    }
    return this.fail('reached end without matching $(( with ))', start, { kind: 'arith' });
  }

  /** `...`: backslash quotes only $ ` \ (and " inside double quotes); the inner text is parsed. */
  readBackquote(inDq: boolean): WordPart {
    const s = this.src;
    const start = this.pos;
    let inner = '';
    let run = start + 1;
    let i = start + 1;
    for (;;) {
      const c = this.cc(i);
      if (isEnd(c)) this.fail('reached end without closing quote `', start, quoteDetail('`'));
      if (c === BQ) break;
      if (c === BSL) {
        const n = this.cc(i + 1);
        if (n === DOLLAR || n === BQ || n === BSL || (inDq && n === DQ)) {
          inner += s.slice(run, i);
          run = i + 1;
        }
        i += 2;
        continue;
      }
      i++;
    }
    inner += s.slice(run, i);
    this.pos = i + 1;

    let script: Script;
    try {
      script = parseWhole(new Parser(inner, this.lineAt(start), this.bash, this.dash));
    } catch (e) {
      if (e instanceof ShellSyntaxError) this.fail(`inside backquotes: ${e.message}`, start, e.detail);
      throw e;
    }
    return { type: 'cmdsubst', script, raw: inner };
  }

  /** bash $'...': C escapes are decoded here. */
  readAnsiC(): WordPart {
    const s = this.src;
    const start = this.pos;
    let i = start + 2;
    let out = '';
    let run = i;
    for (;;) {
      const c = this.cc(i);
      if (isEnd(c)) this.fail("reached end without closing quote '", start, quoteDetail("'"));
      if (c === SQ) break;
      if (c !== BSL) {
        i++;
        continue;
      }
      out += s.slice(run, i);
      const [text, used] = ansiEscape(s, i + 1);
      out += text;
      i += 1 + used;
      run = i;
    }
    out += s.slice(run, i);
    this.pos = i + 1;
    return { type: 'ansic', value: out };
  }

  /** ${...}: name, optional length/indirect/index, then one operator and its word. */
  readBraceParam(): WordPart {
    const s = this.src;
    const start = this.pos;
    this.pos += 2;
    let c = this.cc(this.pos);
    let length = false;
    let indirect = false;
    if (c === HASH) {
      const n = this.cc(this.pos + 1);
      if (n !== RBRACE && (isNameChar(n) || n === 64 || n === 42)) {
        length = true;
        c = this.cc(++this.pos);
      }
    } else if (c === BANG && isNameStart(this.cc(this.pos + 1))) {
      indirect = true;
      c = this.cc(++this.pos);
    }

    const ns = this.pos;
    if (isNameStart(c)) {
      while (isNameChar(this.cc(this.pos))) this.pos++;
    } else if (isDigit(c)) {
      while (isDigit(this.cc(this.pos))) this.pos++;
    } else if (isSpecialParam(c)) {
      this.pos++;
    } else {
      this.fail('bad substitution', start);
    }
    const part: WordPart & { type: 'param' } = { type: 'param', name: s.slice(ns, this.pos) };
    if (length) part.length = true;
    if (indirect) part.indirect = true;
    if (this.cc(this.pos) === LBRACKET) {
      const close = s.indexOf(']', this.pos);
      if (close === -1) this.fail('reached end without matching [ with ]', this.pos);
      part.index = s.slice(this.pos + 1, close);
      this.pos = close + 1;
    }

    c = this.cc(this.pos);
    if (c === RBRACE) {
      this.pos++;
      return part;
    }
    if (isEnd(c)) this.fail('reached end without matching ${ with }', this.pos, BRACE);
    if (length) this.fail('bad substitution', start);

    const op = this.readParamOp();
    if (op === null) this.fail('bad substitution', start);
    part.op = op;
    if (op[0] === '/') {
      part.arg = this.readBraceWord(Mode.Pattern);
      if (this.cc(this.pos) === SLASH) {
        this.pos++;
        part.repl = this.readBraceWord(Mode.Brace);
      }
    } else {
      part.arg = this.readBraceWord(Mode.Brace);
    }
    this.pos++;
    return part;
  }

  readParamOp(): string | null {
    const s = this.src;
    const c = this.cc(this.pos);
    const n = this.cc(this.pos + 1);
    let len = 1;
    if (c === COLON) {
      if (n === MINUS || n === EQ || n === QUEST || n === PLUS) len = 2;
    } else if (c === MINUS || c === EQ || c === QUEST || c === PLUS) {
      len = 1;
    } else if (c === HASH || c === PERCENT || c === CARET || c === COMMA) {
      if (n === c) len = 2;
    } else if (c === SLASH) {
      if (n === SLASH || n === HASH || n === PERCENT) len = 2;
    } else {
      return null;
    }
    const op = s.slice(this.pos, this.pos + len);
    this.pos += len;
    return op;
  }

  readBraceWord(mode: Mode): Word {
    const start = this.pos;
    const parts = this.readParts(mode);
    return { parts, raw: this.src.slice(start, this.pos) };
  }
}

const BRACE: SyntaxDetail = { kind: 'brace' };

function quoteDetail(quote: string): SyntaxDetail {
  return { kind: 'quote', quote };
}

/** 2>&1, for bash's `|&`. */
function dupStderr(): Redirect {
  return { op: '>&', fd: 2, target: { parts: [{ type: 'lit', value: '1' }], raw: '1' } };
}

/** Value of a word with no expansions after quote removal (a here-doc delimiter). */
export function literalText(w: Word): string | null {
  let out = '';
  for (const p of w.parts) {
    if (p.type === 'lit' || p.type === 'sq' || p.type === 'ansic') out += p.value;
    else if (p.type === 'dq') {
      const inner = literalText({ parts: p.parts, raw: '' });
      if (inner === null) return null;
      out += inner;
    } else return null;
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** One escape of bash $'...' (bash manual, "ANSI-C Quoting"); i is just after the backslash. */
function ansiEscape(s: string, i: number): [string, number] {
  const ch = s[i];
  if (ch === undefined) return ['\\', 0];
  const simple = SIMPLE_ESCAPES[ch];
  if (simple !== undefined) return [simple, 1];

  if (ch >= '0' && ch <= '7') {
    let e = i;
    while (e < i + 3 && s.charCodeAt(e) >= 48 && s.charCodeAt(e) <= 55) e++;
    return [String.fromCharCode(parseInt(s.slice(i, e), 8) & 0xff), e - i];
  }
  const max = ch === 'x' ? 2 : ch === 'u' ? 4 : ch === 'U' ? 8 : 0;
  if (max > 0) {
    let e = i + 1;
    while (e < i + 1 + max && isHex(s.charCodeAt(e))) e++;
    if (e === i + 1) return ['\\' + ch, 1];
    const code = parseInt(s.slice(i + 1, e), 16);
    return [code > 0x10ffff ? '\ufffd' : String.fromCodePoint(code), e - i];
  }
  if (ch === 'c' && i + 1 < s.length) {
    return [String.fromCharCode(s.charCodeAt(i + 1) & 0x1f), 2];
  }
  return ['\\' + ch, 1];
}

/**
 * Parses a shell script (a RUN command line, an entrypoint script, `sh -c` text).
 * Pure; throws ShellSyntaxError with offset and 0-based line on malformed input.
 * opts.bash: the script is run by bash (`((` may start an arithmetic command).
 * opts.dash: the script is run by dash (`[[` is an ordinary word).
 */
export function parseShell(src: string, opts: { bash?: boolean; dash?: boolean } = {}): Script {
  return parseWhole(new Parser(src, 0, opts.bash === true, opts.dash === true));
}

function parseWhole(p: Parser): Script {
  const src = p.src;
  const script = p.parseScript();
  if (p.pos < src.length) p.unexpected();
  const h = p.pending[0];
  if (h !== undefined) p.fail(`unclosed here-document '${h.delim}'`, h.at);
  return script;
}
