// Bash's brace expansion (bash manual, "Brace Expansion"): `mkdir -p /srv/{data,logs}` is two
// words, `{1..3}` three. It runs first, on the word's text, and only unquoted braces and commas
// count: `"{a,b}"` stays as it is. dash (Debian's /bin/sh) has no brace expansion, so there the
// word stays literal and `mkdir -p /srv/{data,logs}` makes one folder named `{data,logs}`.
// Pure: a word's parts in, the parts of each resulting word out.

import type { WordPart } from './ast.js';

/** One character of unquoted literal text, or a part that brace expansion does not look into. */
type Tok = string | WordPart;

/** More words than this from one word are not followed (the word's value is then unknown). */
const MAX_WORDS = 4096;

/** What expandBraces gives for a word that would make more than MAX_WORDS words. */
export const TOO_MANY = 'too-many';

class TooMany extends Error {}

/**
 * The words brace expansion makes of one word, or null when it makes none (no well-formed
 * brace expression), or TOO_MANY when it would make more than MAX_WORDS words. `raw` is the word's
 * source: a brace or comma escaped with a backslash there is literal, which the parts no longer
 * show, so such a word is left alone.
 */
export function expandBraces(parts: WordPart[], raw: string): WordPart[][] | typeof TOO_MANY | null {
  if (!parts.some((p) => p.type === 'lit' && p.value.includes('{'))) return null;
  if (/\\[{},]/.test(raw)) return null;

  const toks: Tok[] = [];
  for (const p of parts) {
    if (p.type === 'lit') for (const ch of p.value) toks.push(ch);
    else toks.push(p);
  }
  let words: Tok[][];
  try {
    words = expand(toks);
  } catch (e) {
    if (e instanceof TooMany) return TOO_MANY;
    throw e;
  }
  // One word can still differ from the source: {1..1} is 1.
  if (words.length === 1 && words[0].length === toks.length) return null;

  return words.map(toParts);
}

/** Every word toks makes, in bash's order; throws TooMany past MAX_WORDS. */
function expand(toks: Tok[]): Tok[][] {
  for (let i = 0; i < toks.length; i++) {
    if (toks[i] !== '{') continue;
    // `${` opens a parameter expansion, which the parser already made a part of its own; a `$`
    // left before a brace is literal, and bash does not expand that brace either.
    if (i > 0 && toks[i - 1] === '$') continue;

    let depth = 0;
    let close = -1;
    const commas: number[] = [];
    for (let j = i + 1; j < toks.length; j++) {
      const t = toks[j];
      if (t === '{') depth++;
      else if (t === '}') {
        if (depth === 0) {
          close = j;
          break;
        }
        depth--;
      } else if (t === ',' && depth === 0) commas.push(j);
    }
    if (close === -1) continue;

    let alternatives: Tok[][];
    if (commas.length > 0) {
      alternatives = [];
      let from = i + 1;
      for (const c of [...commas, close]) {
        alternatives.push(toks.slice(from, c));
        from = c + 1;
      }
    } else {
      const seq = sequence(toks.slice(i + 1, close));
      // Not an expression ({}, {a}, {x..}): this brace is literal; an inner one may still be.
      if (seq === null) continue;
      alternatives = seq.map((s) => [...s]);
    }

    const pre = toks.slice(0, i);
    const post = expand(toks.slice(close + 1));
    const out: Tok[][] = [];
    for (const alt of alternatives) {
      const inner = expand(alt);
      for (const a of inner) {
        for (const p of post) {
          out.push([...pre, ...a, ...p]);
          if (out.length > MAX_WORDS) throw new TooMany();
        }
      }
    }
    return out;
  }

  return [toks];
}

/**
 * {1..5}, {05..10}, {10..1..3}, {a..e}: the texts of a sequence expression, or null when toks
 * is not one. Numbers with a leading zero pad every item to the wider width, as bash does.
 */
function sequence(toks: Tok[]): string[] | null {
  if (!toks.every((t) => typeof t === 'string')) return null;
  const text = (toks as string[]).join('');
  const num = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(text);
  const chr = num ? null : /^([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?$/.exec(text);
  const m = num ?? chr;
  if (!m) return null;

  const from = num ? Number(m[1]) : m[1].charCodeAt(0);
  const to = num ? Number(m[2]) : m[2].charCodeAt(0);
  const step = Math.abs(Number(m[3] ?? 1)) || 1;
  if (Math.abs(to - from) / step >= MAX_WORDS) throw new TooMany();
  const width = num && (/^-?0\d/.test(m[1]) || /^-?0\d/.test(m[2])) ? Math.max(m[1].length, m[2].length) : 0;

  const out: string[] = [];
  for (let v = from; from <= to ? v <= to : v >= to; v += from <= to ? step : -step) {
    if (!num) out.push(String.fromCharCode(v));
    else if (width === 0) out.push(String(v));
    else out.push(v < 0 ? `-${String(-v).padStart(width - 1, '0')}` : String(v).padStart(width, '0'));
  }

  return out;
}

/** Runs of characters become literal parts again; other parts stay as they were. */
function toParts(toks: Tok[]): WordPart[] {
  const parts: WordPart[] = [];
  let lit = '';
  for (const t of toks) {
    if (typeof t === 'string') {
      lit += t;
      continue;
    }
    if (lit !== '') parts.push({ type: 'lit', value: lit });
    lit = '';
    parts.push(t);
  }
  if (lit !== '') parts.push({ type: 'lit', value: lit });

  return parts;
}
