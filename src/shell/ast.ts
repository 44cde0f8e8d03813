// Syntax tree of the POSIX shell subset (with the bash additions Dockerfiles use) that RUN
// commands are written in. Produced by parse.ts; walked by interpret.ts.

export type WordPart =
  | { type: 'lit'; value: string }
  /** '...' */
  | { type: 'sq'; value: string }
  /** "..." */
  | { type: 'dq'; parts: WordPart[] }
  /**
   * $NAME, ${NAME}, ${NAME:-word}, ${#NAME}, ...
   * op is the operator text (':-', '-', ':=', '#', '%%', '/', ':', ...).
   */
  | {
      type: 'param';
      name: string;
      op?: string;
      /** Operator word; for the `/` operators, the pattern. */
      arg?: Word;
      length?: boolean;
      /** ${!NAME} (bash indirection). */
      indirect?: boolean;
      /** ${NAME[index]} (bash arrays): the raw index text. */
      index?: string;
      /** Replacement of ${NAME/pattern/repl} (op '/', '//', '/#', '/%'). */
      repl?: Word;
    }
  /** $(...) or `...`: the inner script is parsed too. */
  | { type: 'cmdsubst'; script: Script; raw: string }
  /** $((...)) */
  | { type: 'arith'; raw: string }
  /** $'...' (bash ANSI-C quoting), value already unescaped. */
  | { type: 'ansic'; value: string };

export interface Word {
  parts: WordPart[];
  /** Source text of the word. */
  raw: string;
}

export interface Redirect {
  /** '>', '>>', '<', '>&', '<&', '<<', '<<-', '<>', '>|', '&>', '&>>', '<<<' */
  op: string;
  /** Explicit fd number before the operator (2>), when given. */
  fd?: number;
  target: Word;
  /** Here-document body, for << and <<-. */
  heredoc?: string;
  /** Here-document delimiter was quoted (no expansion). */
  heredocQuoted?: boolean;
}

export interface Assignment {
  name: string;
  value: Word;
  /** true for +=. */
  append?: boolean;
}

export interface SimpleCommand {
  type: 'cmd';
  assigns: Assignment[];
  args: Word[];
  redirs: Redirect[];
  /** 0-based line offset inside the script where the command starts. */
  lineOffset: number;
  /**
   * 0-based line offset of each word of args, when one starts on a later line than the
   * command (line continuations); absent when all are on its first line.
   */
  argLines?: number[];
}

export interface Subshell { type: 'subshell'; body: Script; redirs: Redirect[] }
export interface Group { type: 'group'; body: Script; redirs: Redirect[] }
export interface IfClause {
  type: 'if';
  clauses: { cond: Script; body: Script }[];
  elseBody?: Script;
  redirs: Redirect[];
}
export interface ForClause {
  type: 'for';
  name: string;
  /** null: `for x; do` (iterates "$@"). */
  items: Word[] | null;
  body: Script;
  redirs: Redirect[];
}
export interface WhileClause {
  type: 'while' | 'until';
  cond: Script;
  body: Script;
  redirs: Redirect[];
}
export interface CaseClause {
  type: 'case';
  word: Word;
  /**
   * end: how the item ends. `;;` (or none, the last item) leaves the statement; bash's `;&`
   * runs the next item's body as well, and `;;&` goes on testing the next items' patterns.
   */
  items: { patterns: Word[]; body: Script; end?: ';&' | ';;&' }[];
  redirs: Redirect[];
}
export interface FuncDef { type: 'func'; name: string; body: Command }
/** [[ ... ]] (bash): kept as raw words. */
export interface TestClause { type: 'test'; words: Word[]; redirs: Redirect[] }
/** (( expr )) (bash arithmetic command): the expression text as written. */
export interface ArithCommand { type: 'arith'; expr: string; redirs: Redirect[]; lineOffset: number }

export type Command =
  | SimpleCommand
  | Subshell
  | Group
  | IfClause
  | ForClause
  | WhileClause
  | CaseClause
  | FuncDef
  | TestClause
  | ArithCommand;

export interface Pipeline {
  negated: boolean;
  commands: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

export interface Script {
  items: { andOr: AndOr; background: boolean }[];
}

/**
 * What went wrong, for the shells' own wording (dash, bash and busybox ash each word these
 * common cases differently; see interpret.ts).
 */
export type SyntaxDetail =
  /** End of text inside '...', "..." or `...`. */
  | { kind: 'quote'; quote: string }
  /** $(( without its )). */
  | { kind: 'arith' }
  /** ${ without its }. */
  | { kind: 'brace' }
  /** End of text where a word was needed; `expecting` is the word dash names. */
  | { kind: 'eof'; expecting?: string; match?: string }
  /**
   * A token that cannot stand where it is, on 0-based `line` (`expecting`: the keyword that
   * should have stood there).
   */
  | { kind: 'token'; token: string; line: number; expecting?: string };

export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly lineOffset: number,
    readonly detail?: SyntaxDetail,
  ) {
    super(message);
  }
}
