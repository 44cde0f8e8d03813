// Shell arithmetic: the text of $((...)) and of bash's (( )) command. Integers, variables
// (with or without $), the C operators of XCU 2.6.4 and bash's ARITHMETIC EVALUATION
// (** ++ -- , included), assignments. Evaluated on a syntax tree so that && || ?: skip the side
// effects of the branch they do not take, as shells do. Pure: variables go through callbacks.

/** A variable's value: a string, null when unset, undefined when the model does not know it. */
export interface ArithVars {
  get(name: string): string | null | undefined;
  set(name: string, value: string): void;
}

/** value: the result; unknown: a value the model cannot tell; error: the shell's complaint. */
export type ArithResult =
  | { value: number }
  | { unknown: true }
  | { error: string; token: string; divide?: true; dash?: true };

type Node =
  | { t: 'num'; v: number }
  | { t: 'var'; name: string }
  | { t: 'un'; op: string; a: Node }
  /** ++x --x x++ x-- */
  | { t: 'inc'; name: string; d: number; post: boolean }
  /** at: where the right operand starts (bash quotes the text from there on division by 0). */
  | { t: 'bin'; op: string; a: Node; b: Node; at?: number }
  | { t: 'set'; op: string; name: string; b: Node; at?: number }
  | { t: 'if'; c: Node; a: Node; b: Node };

interface Tok {
  s: string;
  at: number;
}

const OPS = [
  '<<=', '>>=', '**', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=',
  '*=', '/=', '%=', '&=', '^=', '|=', '+', '-', '*', '/', '%', '<', '>', '!', '~', '&', '^', '|',
  '=', '(', ')', '?', ':', ',',
];

/** Binary operators by binding strength, loosest first (bash expr.c). */
const LEVELS = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='],
  ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

const ASSIGN = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|=']);

class SyntaxFail {
  constructor(readonly at: number) {}
}

class Unknown {}

class DivideByZero {
  constructor(readonly at: number) {}
}

function tokenize(src: string): Tok[] | number {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
      continue;
    }
    const m = /^(?:0[xX][0-9a-fA-F]+|\d+|\$?\{?[A-Za-z_][A-Za-z0-9_]*\}?)/.exec(src.slice(i));
    if (m) {
      out.push({ s: m[0], at: i });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    // `$(`, quotes and the like: not plain arithmetic; the caller says where it stopped.
    if (op === undefined) return i;
    out.push({ s: op, at: i });
    i += op.length;
  }

  return out;
}

class ArithParser {
  i = 0;
  depth = 0;

  constructor(readonly toks: Tok[], readonly end: number) {}

  peek(): string | undefined {
    return this.toks[this.i]?.s;
  }

  fail(): never {
    throw new SyntaxFail(this.toks[this.i]?.at ?? this.end);
  }

  take(s: string): void {
    if (this.peek() !== s) this.fail();
    this.i++;
  }

  comma(): Node {
    let n = this.assign();
    while (this.peek() === ',') {
      this.i++;
      n = { t: 'bin', op: ',', a: n, b: this.assign() };
    }
    return n;
  }

  assign(): Node {
    const name = varName(this.peek());
    const op = this.toks[this.i + 1]?.s;
    if (name !== undefined && op !== undefined && ASSIGN.has(op)) {
      this.i += 2;
      return { t: 'set', op, name, at: this.toks[this.i]?.at, b: this.assign() };
    }
    return this.ternary();
  }

  ternary(): Node {
    const c = this.binary(0);
    if (this.peek() !== '?') return c;
    this.i++;
    const a = this.comma();
    this.take(':');
    return { t: 'if', c, a, b: this.assign() };
  }

  binary(level: number): Node {
    if (level === LEVELS.length) return this.power();
    let n = this.binary(level + 1);
    for (let op = this.peek(); op !== undefined && LEVELS[level].includes(op); op = this.peek()) {
      this.i++;
      n = { t: 'bin', op, a: n, at: this.toks[this.i]?.at, b: this.binary(level + 1) };
    }
    return n;
  }

  power(): Node {
    const a = this.unary();
    if (this.peek() !== '**') return a;
    this.i++;
    return { t: 'bin', op: '**', a, b: this.power() };
  }

  unary(): Node {
    // As for the shell parser's nesting: refused at a fixed depth, never by the stack's size.
    if (++this.depth > 400) throw new RangeError('the arithmetic expression nests too deeply');
    try {
      return this.unaryHere();
    } finally {
      this.depth--;
    }
  }

  unaryHere(): Node {
    const op = this.peek();
    if (op === '++' || op === '--') {
      this.i++;
      const name = varName(this.peek());
      if (name === undefined) this.fail();
      this.i++;
      return { t: 'inc', name, d: op === '++' ? 1 : -1, post: false };
    }
    if (op === '!' || op === '~' || op === '-' || op === '+') {
      this.i++;
      return { t: 'un', op, a: this.unary() };
    }
    return this.postfix();
  }

  postfix(): Node {
    const s = this.peek();
    if (s === '(') {
      this.i++;
      const n = this.comma();
      this.take(')');
      return n;
    }
    if (s === undefined) this.fail();
    const name = varName(s);
    if (name !== undefined) {
      this.i++;
      const op = this.peek();
      if (op === '++' || op === '--') {
        this.i++;
        return { t: 'inc', name, d: op === '++' ? 1 : -1, post: true };
      }
      return { t: 'var', name };
    }
    if (!/^\d|^0[xX]/.test(s)) this.fail();
    this.i++;
    return { t: 'num', v: numberOf(s) };
  }
}

function varName(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const m = /^\$?\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(s);
  return m ? m[1] : undefined;
}

/** A C-style constant: 0x.. hex, 0.. octal, decimal. */
function numberOf(s: string): number {
  if (/^0[xX]/.test(s)) return parseInt(s.slice(2), 16);
  if (s.length > 1 && s[0] === '0') return /^[0-7]+$/.test(s) ? parseInt(s, 8) : NaN;
  return Number(s);
}

function toInt(v: number): number {
  if (!Number.isSafeInteger(v)) throw new Unknown();
  return v;
}

function binop(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/':
    case '%':
      // run() has refused a zero divisor already.
      return op === '/' ? Math.trunc(a / b) : a % b;
    case '**': return b < 0 ? NaN : a ** b;
    case '<<': return Number(BigInt.asIntN(64, BigInt(a) << BigInt(b & 63)));
    case '>>': return Number(BigInt(a) >> BigInt(b & 63));
    case '<': return a < b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '&': return Number(BigInt(a) & BigInt(b));
    case '^': return Number(BigInt(a) ^ BigInt(b));
    case '|': return Number(BigInt(a) | BigInt(b));
    default: return b;
  }
}

function read(vars: ArithVars, name: string): number {
  const v = vars.get(name);
  if (v === undefined) throw new Unknown();
  if (v === null || v.trim() === '') return 0;
  // A value that is itself an expression is evaluated again by bash; dash rejects it.
  if (!/^\s*-?\d+\s*$/.test(v)) throw new Unknown();
  return toInt(Number(v));
}

function run(n: Node, vars: ArithVars): number {
  switch (n.t) {
    case 'num':
      return toInt(n.v);
    case 'var':
      return read(vars, n.name);
    case 'un': {
      const a = run(n.a, vars);
      return n.op === '!' ? (a === 0 ? 1 : 0) : n.op === '~' ? -a - 1 : n.op === '-' ? -a : a;
    }
    case 'inc': {
      const old = read(vars, n.name);
      vars.set(n.name, String(old + n.d));
      return n.post ? old : old + n.d;
    }
    case 'bin': {
      const a = run(n.a, vars);
      if (n.op === '&&') return a === 0 ? 0 : run(n.b, vars) !== 0 ? 1 : 0;
      if (n.op === '||') return a !== 0 ? 1 : run(n.b, vars) !== 0 ? 1 : 0;
      const b = run(n.b, vars);
      if (b === 0 && (n.op === '/' || n.op === '%')) throw new DivideByZero(n.at ?? 0);
      return n.op === ',' ? b : toInt(binop(n.op, a, b));
    }
    case 'set': {
      const b = run(n.b, vars);
      if (b === 0 && (n.op === '/=' || n.op === '%=')) throw new DivideByZero(n.at ?? 0);
      const v = n.op === '=' ? b : toInt(binop(n.op.slice(0, -1), read(vars, n.name), b));
      vars.set(n.name, String(v));
      return v;
    }
    case 'if':
      return run(n.c, vars) !== 0 ? run(n.a, vars) : run(n.b, vars);
  }
}

/**
 * Evaluate arithmetic text. An empty text is 0. A syntax error gives the rest of the text from
 * the token where parsing stopped, which bash prints as "(error token is ...)". dash: the
 * text is read with dash's grammar where it differs (no `**`).
 */
export function evalArith(src: string, vars: ArithVars, dash = false): ArithResult {
  const toks = tokenize(src);
  if (typeof toks === 'number') return { unknown: true };
  if (toks.length === 0) return { value: 0 };
  // dash 0.5.12's arithmetic (arith_yacc.c) has no `**`: its lexer reads two `*`, and after the
  // first a primary must follow, which `*` never starts: "expecting primary", quoting the whole
  // text (measured: "2**3", " 2**3 + 1 ", "a**=2", "0 && 2**3"). A division by zero reduced
  // before it (`1/0**2`) is reported first by dash; the model names the `**` (both end the
  // shell with 2).
  if (dash && toks.some((t) => t.s === '**')) return { error: 'expecting primary', token: src, dash: true };

  const p = new ArithParser(toks, src.length);
  try {
    const tree = p.comma();
    if (p.i < toks.length) p.fail();
    return { value: run(tree, vars) };
  } catch (e) {
    if (e instanceof Unknown) return { unknown: true };
    // bash (expr.c) quotes the text from the divisor on: "division by 0 (error token is "0")".
    if (e instanceof DivideByZero) {
      return { error: 'division by 0', token: src.slice(e.at), divide: true };
    }
    if (!(e instanceof SyntaxFail)) throw e;
    // bash (expr.c): an operand missing at the end names the last token read.
    if (e.at === src.length) {
      return { error: 'syntax error: operand expected', token: src.slice(toks[toks.length - 1].at) };
    }
    return { error: 'syntax error in expression', token: src.slice(e.at) };
  }
}
