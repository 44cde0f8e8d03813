// Static evaluation of shell words: quote removal and parameter expansion over a known
// environment, without running anything. Semantics follow XCU 2.6.2 "Parameter Expansion" and
// the bash manual's "Shell Parameter Expansion" for the bash-only operators.
//
// Simplified on purpose: no field splitting and no pathname expansion (a RUN word with an
// unquoted $VAR holding spaces stays one word), tilde expansion only for `~` and `~/...` at the
// word start (and `~user/...` when the caller knows that home), `$((...))` through the caller's
// hook or else read-only, `${x=w}` does not store w, arrays are unknown.

import type { Script, Word, WordPart } from './ast.js';
import { evalArith } from './arith.js';

/**
 * The longest value (a word, a variable, a file's text, a command's output) the model keeps,
 * in UTF-16 code units: 1 MiB. Doubling (`A=$A$A` in a recursion or a loop) would otherwise
 * grow a string exponentially, and no real RUN step needs more.
 */
export const MAX_VALUE_LENGTH = 1 << 20;

/** A value grew past MAX_VALUE_LENGTH: what it would be is not followed. */
export class ValueTooLong extends Error {
  constructor(readonly what: string) {
    super(`${what} would be longer than ${MAX_VALUE_LENGTH / (1 << 20)} MiB`);
  }
}

/** s itself, or ValueTooLong thrown when it is longer than the model keeps. */
export function bounded(s: string, what: string): string {
  if (s.length > MAX_VALUE_LENGTH) throw new ValueTooLong(what);
  return s;
}

/** string: set to that value; null: known to be unset; undefined: not known. */
export type StaticEnv = (name: string) => string | null | undefined;

/** Output of a command substitution when the caller can predict it, else null. */
export type CmdSubstHook = (script: Script, raw: string) => string | null;

/** Value of $((raw)) when the caller can tell it, else null. */
export type ArithHook = (raw: string) => string | null;

export interface StaticExpansion {
  value: string;
  /** false when an unknown variable, command substitution or arithmetic was involved. */
  exact: boolean;
}

/** The word's value after quote removal when it holds no expansion; null otherwise. */
export function literalValue(w: Word): string | null {
  return literalParts(w.parts);
}

function literalParts(parts: WordPart[]): string | null {
  let out = '';
  for (const p of parts) {
    if (p.type === 'lit' || p.type === 'sq' || p.type === 'ansic') {
      out += p.value;
    } else if (p.type === 'dq') {
      const inner = literalParts(p.parts);
      if (inner === null) return null;
      out += inner;
    } else {
      return null;
    }
  }
  return out;
}

/**
 * The state of one expansion: the caller's variables and hooks, and whether every value used
 * was known. The walker keeps one and reuses it for every word (resetting `exact`).
 */
export interface ExpandCtx {
  env: StaticEnv;
  onCmdSubst: CmdSubstHook | undefined;
  onArith?: ArithHook;
  /**
   * A variable known to be unset was expanded with no default (op undefined, or a pattern
   * operator), or through `${x?word}` (op `?`/`:?`, with the word expanded). The hook may end
   * the shell (set -u, or the `?` error); it returns true when the value is to be taken as not
   * known, false when the expansion goes on as for an empty value.
   */
  onUnset?: (name: string, op: string | undefined, word: string | undefined) => boolean;
  /**
   * A bash-only expansion (`${x,,}`, `${x//a/b}`, `${x:0:2}`, `${!x}`, `${a[0]}`) met at run
   * time: dash stops with "Bad substitution". Set only for shells without them.
   */
  onBashOnly?: () => void;
  /**
   * The home folder of a user named in a tilde prefix (`~root/x`), as the shell's getpwnam gives
   * it; undefined when not known (the word is then not exact).
   */
  homeOf?: (user: string) => string | undefined;
  /**
   * `${x=word}` or `${x:=word}` assigned word to x (x was unset, or empty for `:=`): the shell
   * keeps the value for the words and commands after it. Without the hook nothing is stored.
   */
  onAssign?: (name: string, value: string) => void;
  exact: boolean;
}

type Ctx = ExpandCtx;

/** Expands a word with the variables env knows; see the file header for what is simplified. */
export function expandWordStatic(
  w: Word,
  env: StaticEnv,
  onCmdSubst?: CmdSubstHook,
  onArith?: ArithHook,
): StaticExpansion {
  const ctx: Ctx = { env, onCmdSubst, onArith, exact: true };
  const value = expandWordIn(w, ctx);
  return { value, exact: ctx.exact };
}

/** expandWordStatic with the caller's context: clears nothing, only sets ctx.exact to false. */
export function expandWordIn(w: Word, ctx: ExpandCtx): string {
  let value = expandParts(w.parts, ctx);

  // Tilde prefix (XCU 2.6.1): only an unquoted leading `~`, which the raw text shows.
  const first = w.parts[0];
  if (w.raw.charCodeAt(0) === 126 && first !== undefined && first.type === 'lit') {
    const slash = first.value.indexOf('/');
    const prefix = slash === -1 ? first.value : first.value.slice(0, slash);
    const home = prefix === '~' ? ctx.env('HOME') : ctx.homeOf?.(prefix.slice(1));
    if (typeof home === 'string') value = home + value.slice(prefix.length);
    else ctx.exact = false;
  }
  return value;
}

function expandParts(parts: WordPart[], ctx: Ctx): string {
  let out = '';
  for (const p of parts) {
    out += expandPart(p, ctx);
    if (out.length > MAX_VALUE_LENGTH) throw new ValueTooLong('a word');
  }
  return out;
}

/** One part of a word (no tilde step: that belongs to the word's start). */
export function expandPart(p: WordPart, ctx: Ctx): string {
  switch (p.type) {
    case 'lit':
    case 'sq':
    case 'ansic':
      return p.value;
    case 'dq':
      return expandParts(p.parts, ctx);
    case 'param':
      return expandParam(p, ctx);
    case 'cmdsubst': {
      const out = ctx.onCmdSubst ? ctx.onCmdSubst(p.script, p.raw) : null;
      if (out === null) {
        ctx.exact = false;
        return '';
      }
      // XCU 2.6.3: trailing newlines of the output are removed.
      let end = out.length;
      while (end > 0 && out.charCodeAt(end - 1) === 10) end--;
      return out.slice(0, end);
    }
    case 'arith': {
      // The caller's hook (the walker: assignments, the shells' errors); else a read-only view
      // from the known variables, where an assignment or anything not known is inexact.
      if (ctx.onArith) {
        const v = ctx.onArith(p.raw);
        if (v === null) ctx.exact = false;
        return v ?? '';
      }
      let assigned = false;
      const r = evalArith(p.raw.replace(/^\$\(\(/, '').replace(/\)\)$/, ''), {
        get: (name) => ctx.env(name),
        set: () => {
          assigned = true;
        },
      });
      if (!('value' in r) || assigned) {
        ctx.exact = false;
        return '';
      }
      return String(r.value);
    }
  }
}

/** The variable's value; null when unset. An unknown variable counts as unset, inexactly. */
function lookup(name: string, ctx: Ctx): string | null {
  const v = ctx.env(name);
  if (v === undefined) {
    ctx.exact = false;
    return null;
  }
  return v;
}

function expandParam(p: WordPart & { type: 'param' }, ctx: Ctx): string {
  if (ctx.onBashOnly !== undefined && (p.indirect || p.index !== undefined || (p.op !== undefined && BASH_ONLY.has(p.op)))) ctx.onBashOnly();
  let v: string | null;
  if (p.index !== undefined) {
    ctx.exact = false;
    v = null;
  } else {
    v = lookup(p.name, ctx);
    if (p.indirect) v = v === null ? null : lookup(v, ctx);
  }
  const op = p.op;
  // set -u: a variable known to be unset, used without a default ($@ and $* never count).
  if (v === null && ctx.onUnset !== undefined && !p.indirect && (op === undefined || !DEFAULTING.has(op)) && p.name !== '@' && p.name !== '*' && ctx.env(p.name) === null) {
    if (ctx.onUnset(p.name, undefined, undefined)) ctx.exact = false;
  }
  if (p.length) return String(v === null ? 0 : [...v].length);

  if (op === undefined) return v ?? '';

  // With a colon, an empty value counts as unset too.
  const missing = op.charCodeAt(0) === 58 ? v === null || v === '' : v === null;
  switch (op) {
    case '-':
    case ':-':
      return missing ? argValue(p, ctx) : (v as string);
    case '=':
    case ':=': {
      if (!missing) return v as string;
      const value = argValue(p, ctx);
      // Only a variable name can be assigned this way (bash: "$1: cannot assign in this way").
      if (ctx.onAssign !== undefined && !p.indirect && /^[A-Za-z_]/.test(p.name)) ctx.onAssign(p.name, value);
      return value;
    }
    case '+':
    case ':+':
      return missing ? '' : argValue(p, ctx);
    case '?':
    case ':?':
      // The shell stops with an error here (the hook ends it); else the result is not a value.
      if (missing) {
        const known = !p.indirect && ctx.env(p.name) !== undefined;
        if (!known || ctx.onUnset === undefined || ctx.onUnset(p.name, op, p.arg ? argValue(p, ctx) : undefined)) ctx.exact = false;
      }
      return missing ? '' : (v as string);
    case ':':
      return substring(v ?? '', p.arg?.raw ?? '', ctx);
  }

  const value = v ?? '';
  const pat = p.arg ? patternOf(p.arg.parts, ctx) : '';
  switch (op) {
    case '#':
    case '##':
      return removePrefix(value, pat, op === '##');
    case '%':
    case '%%':
      return removeSuffix(value, pat, op === '%%');
    case '/':
    case '//':
    case '/#':
    case '/%':
      return replace(value, pat, p.repl ? expandParts(p.repl.parts, ctx) : '', op);
    case '^':
    case '^^':
    case ',':
    case ',,':
      return changeCase(value, pat === '' ? '?' : pat, op);
  }
  ctx.exact = false;
  return value;
}

/** bash's parameter operators that POSIX sh (dash) does not have. */
const BASH_ONLY = new Set(['^', '^^', ',', ',,', '/', '//', '/#', '/%', ':']);

/** Operators that give a value of their own when the variable is unset. */
const DEFAULTING = new Set(['-', ':-', '=', ':=', '+', ':+', '?', ':?']);

/** The operator word of ${x-word}, expanded only when the operator takes it. */
function argValue(p: WordPart & { type: 'param' }, ctx: Ctx): string {
  return p.arg ? expandParts(p.arg.parts, ctx) : '';
}

/** ${x:offset} and ${x:offset:length} with integer literals (bash "Substring Expansion"). */
function substring(v: string, raw: string, ctx: Ctx): string {
  const colon = raw.indexOf(':');
  const offText = (colon === -1 ? raw : raw.slice(0, colon)).trim();
  const lenText = colon === -1 ? null : raw.slice(colon + 1).trim();
  const num = /^-?\d+$/;
  if (!num.test(offText) || (lenText !== null && !num.test(lenText))) {
    ctx.exact = false;
    return '';
  }
  let off = Number(offText);
  if (off < 0) off = Math.max(0, v.length + off);
  if (lenText === null) return v.slice(off);
  const len = Number(lenText);
  return len < 0 ? v.slice(off, Math.max(off, v.length + len)) : v.slice(off, off + len);
}

/**
 * Builds a glob pattern from a word: quoted text and escaped characters match themselves
 * (they are backslash-escaped here), unquoted text keeps * ? [ active.
 */
function patternOf(parts: WordPart[], ctx: Ctx): string {
  let out = '';
  for (const p of parts) {
    if (p.type === 'lit') out += p.value;
    else if (p.type === 'param' || p.type === 'cmdsubst' || p.type === 'arith') {
      out += expandPart(p, ctx);
    } else {
      out += escapeGlob(p.type === 'dq' ? expandParts(p.parts, ctx) : p.value);
    }
  }
  return out;
}

function escapeGlob(s: string): string {
  let out = '';
  for (const ch of s) out += ch === '*' || ch === '?' || ch === '[' || ch === '\\' ? '\\' + ch : ch;
  return out;
}

function removePrefix(v: string, pat: string, longest: boolean): string {
  if (longest) {
    for (let i = v.length; i >= 0; i--) if (globMatch(pat, v.slice(0, i))) return v.slice(i);
  } else {
    for (let i = 0; i <= v.length; i++) if (globMatch(pat, v.slice(0, i))) return v.slice(i);
  }
  return v;
}

function removeSuffix(v: string, pat: string, longest: boolean): string {
  if (longest) {
    for (let i = 0; i <= v.length; i++) if (globMatch(pat, v.slice(i))) return v.slice(0, i);
  } else {
    for (let i = v.length; i >= 0; i--) if (globMatch(pat, v.slice(i))) return v.slice(0, i);
  }
  return v;
}

/** bash ${x/pat/rep}: the longest match at the first position that matches. */
function replace(v: string, pat: string, rep: string, op: string): string {
  if (pat === '') return v;
  if (op === '/#') {
    for (let j = v.length; j >= 0; j--) if (globMatch(pat, v.slice(0, j))) return rep + v.slice(j);
    return v;
  }
  if (op === '/%') {
    for (let i = 0; i <= v.length; i++) if (globMatch(pat, v.slice(i))) return v.slice(0, i) + rep;
    return v;
  }

  let out = '';
  let i = 0;
  while (i <= v.length) {
    let end = -1;
    for (let j = v.length; j > i; j--) {
      if (globMatch(pat, v.slice(i, j))) {
        end = j;
        break;
      }
    }
    if (end === -1) {
      if (i < v.length) out += v[i];
      i++;
      continue;
    }
    out += rep;
    i = end;
    if (op === '/') return out + v.slice(i);
  }
  return out;
}

function changeCase(v: string, pat: string, op: string): string {
  const upper = op[0] === '^';
  const all = op.length === 2;
  let out = '';
  let first = true;
  for (const ch of v) {
    if ((all || first) && globMatch(pat, ch)) out += upper ? ch.toUpperCase() : ch.toLowerCase();
    else out += ch;
    first = false;
  }
  return out;
}

/**
 * Matches a whole string against a shell pattern (XCU 2.13): * ? [...] [!...] and backslash
 * escapes. Iterative, backtracking only to the last `*`.
 */
export function globMatch(pat: string, s: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    if (p < pat.length) {
      const c = pat[p];
      if (c === '*') {
        starP = ++p;
        starI = i;
        continue;
      }
      if (c === '?') {
        p++;
        i++;
        continue;
      }
      if (c === '[') {
        const m = matchBracket(pat, p, s[i]);
        if (m > 0) {
          p = m;
          i++;
          continue;
        }
        if (m === -1 && s[i] === '[') {
          p++;
          i++;
          continue;
        }
      } else if (c === '\\' && p + 1 < pat.length) {
        if (pat[p + 1] === s[i]) {
          p += 2;
          i++;
          continue;
        }
      } else if (c === s[i]) {
        p++;
        i++;
        continue;
      }
    }
    if (starP === -1) return false;
    p = starP;
    i = ++starI;
  }
  while (p < pat.length && pat[p] === '*') p++;
  return p === pat.length;
}

/** Index after a matching bracket expression at p, 0 when it does not match, -1 if not one. */
function matchBracket(pat: string, p: number, ch: string): number {
  let i = p + 1;
  const negate = pat[i] === '!' || pat[i] === '^';
  if (negate) i++;
  let matched = false;
  let firstItem = true;
  while (i < pat.length && (pat[i] !== ']' || firstItem)) {
    firstItem = false;
    let lo = pat[i];
    if (lo === '\\' && i + 1 < pat.length) lo = pat[++i];
    if (pat[i + 1] === '-' && i + 2 < pat.length && pat[i + 2] !== ']') {
      let hi = pat[i + 2];
      i += 2;
      if (hi === '\\' && i + 1 < pat.length) hi = pat[++i];
      if (ch >= lo && ch <= hi) matched = true;
    } else if (ch === lo) {
      matched = true;
    }
    i++;
  }
  if (i >= pat.length) return -1;
  return matched !== negate ? i + 1 : 0;
}
