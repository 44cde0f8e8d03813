// Word processing for Dockerfile arguments: BuildKit's variable substitution, quote removal and
// word splitting. Mirrors moby/buildkit frontend/dockerfile/shell/lex.go (ProcessWord,
// ProcessWords, processStopOn, processDollar) and the word splitter of
// frontend/dockerfile/parser/line_parsers.go (parseWords, parseNameVal).

export type VarLookup = (name: string) => string | undefined;

export type ExpandErrorKind = 'unset' | 'empty' | 'syntax' | 'unsupported' | 'too-long';

/**
 * The longest value an expansion makes (1 MiB, as the shell model's MAX_VALUE_LENGTH): `ENV
 * A=${A}${A}` repeated doubles it at every line. Longer is a 'too-long' ExpandError.
 */
export const MAX_EXPANDED_LENGTH = 1 << 20;

function tooLong(): ExpandError {
  return new ExpandError('too-long', `the value would be longer than ${MAX_EXPANDED_LENGTH / (1 << 20)} MiB`);
}

/** A substitution BuildKit refuses: `${VAR?msg}` on an unset variable, a missing `}`, ... */
export class ExpandError extends Error {
  readonly kind: ExpandErrorKind;
  /** The variable named by `${VAR?}` / `${VAR:?}`, when the error is about one. */
  readonly variable?: string;

  constructor(kind: ExpandErrorKind, message: string, variable?: string) {
    super(message);
    this.name = 'ExpandError';
    this.kind = kind;
    if (variable !== undefined) this.variable = variable;
  }
}

export interface LexOptions {
  /** Keep the quote characters in the output (BuildKit's RawQuotes). */
  rawQuotes?: boolean;
  /** Keep the escape characters in the output (BuildKit's RawEscapes). */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written (BuildKit's SkipUnsetEnv). */
  skipUnsetEnv?: boolean;
  /** Treat `$` as an ordinary character: quote removal and splitting only. */
  noExpand?: boolean;
}

const noVars: VarLookup = () => undefined;

/** Go's unicode.IsSpace, which BuildKit uses for word splitting. */
export function isGoSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

function isNameStart(ch: string): boolean {
  return /^[\p{L}\p{Nd}_]$/u.test(ch);
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

const SPECIAL_PARAMS = '@*#?-$!0';

// Accumulates ProcessWords' output: unquoted spaces split words, quoted text never does.
class Words {
  word = '';
  words: string[] = [];
  inWord = false;

  addChar(ch: string): void {
    const space = isGoSpace(ch.charCodeAt(0));
    if (space && this.inWord) {
      // BuildKit only ends a word that has characters: `"" a` yields just ["a"].
      if (this.word.length !== 0) {
        this.words.push(this.word);
        this.word = '';
        this.inWord = false;
      }
    } else if (!space) {
      this.addRaw(ch);
    }
  }

  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }

  addRaw(s: string): void {
    this.word += s;
    this.inWord = true;
  }

  finish(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = '';
      this.inWord = false;
    }
    return this.words;
  }
}

class Lexer {
  private pos = 0;
  private rawEscapes: boolean;

  constructor(
    private readonly src: string,
    private readonly escape: string,
    private readonly vars: VarLookup,
    private readonly opts: LexOptions,
  ) {
    this.rawEscapes = opts.rawEscapes === true;
  }

  run(): { result: string; words: string[] } {
    const out = this.processStopOn(null, this.rawEscapes);
    if (out.result.length > MAX_EXPANDED_LENGTH) throw tooLong();
    return out;
  }

  private peek(): string | null {
    return this.pos < this.src.length ? this.src[this.pos] : null;
  }

  private next(): string | null {
    return this.pos < this.src.length ? this.src[this.pos++] : null;
  }

  // lex.go processStopOn: reads until `stop` (consumed) or the end of input.
  private processStopOn(stop: string | null, rawEscapes: boolean) {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      let result = '';
      const words = new Words();

      for (let ch = this.peek(); ch !== null; ch = this.peek()) {
        if (stop !== null && ch === stop) {
          this.pos++;
          return { result, words: words.finish() };
        }

        if (ch === '$' && !this.opts.noExpand) {
          const tmp = this.processDollar();
          if (result.length + tmp.length > MAX_EXPANDED_LENGTH) throw tooLong();
          result += tmp;
          words.addString(tmp);
          continue;
        }

        if (ch === "'" || ch === '"') {
          const tmp = ch === "'" ? this.processSingleQuote() : this.processDoubleQuote();
          result += tmp;
          words.addRaw(tmp);
          continue;
        }

        this.pos++;
        if (ch === this.escape) {
          if (this.rawEscapes) {
            words.addRaw(ch);
            result += ch;
          }
          const escaped = this.next();
          if (escaped === null) break;
          words.addRaw(escaped);
          result += escaped;
        } else {
          words.addChar(ch);
          result += ch;
        }
      }

      if (stop !== null) {
        throw new ExpandError(
          'syntax',
          `unexpected end of statement while looking for matching ${stop}`,
        );
      }
      return { result, words: words.finish() };
    } finally {
      this.rawEscapes = saved;
    }
  }

  // Single quotes keep everything literal; there is no way to escape a quote inside them.
  private processSingleQuote(): string {
    const raw = this.opts.rawQuotes === true;
    let result = raw ? "'" : '';
    this.pos++;

    for (;;) {
      const ch = this.next();
      if (ch === null) {
        throw new ExpandError(
          'syntax',
          'unexpected end of statement while looking for matching single-quote',
        );
      }
      if (ch === "'") return raw ? result + ch : result;
      result += ch;
    }
  }

  // Inside double quotes only `$` expands; the escape char escapes only " $ and itself.
  private processDoubleQuote(): string {
    const raw = this.opts.rawQuotes === true;
    let result = raw ? '"' : '';
    this.pos++;

    for (;;) {
      const ch = this.peek();
      if (ch === null) {
        throw new ExpandError(
          'syntax',
          'unexpected end of statement while looking for matching double-quote',
        );
      }
      if (ch === '"') {
        this.pos++;
        return raw ? result + ch : result;
      }
      if (ch === '$' && !this.opts.noExpand) {
        result += this.processDollar();
        if (result.length > MAX_EXPANDED_LENGTH) throw tooLong();
        continue;
      }

      this.pos++;
      let out = ch;
      if (ch === this.escape) {
        if (this.rawEscapes) result += ch;
        const after = this.peek();
        if (after === null) continue;
        if (after === '"' || after === '$' || after === this.escape) out = this.next() as string;
      }
      result += out;
    }
  }

  private lookup(name: string): string | undefined {
    return this.vars(name);
  }

  private processName(): string {
    let name = '';
    for (let ch = this.peek(); ch !== null; ch = this.peek()) {
      if (name.length === 0 && isDigit(ch)) {
        while (this.peek() !== null && isDigit(this.peek() as string)) name += this.next();
        return name;
      }
      if (name.length === 0 && SPECIAL_PARAMS.includes(ch)) {
        this.pos++;
        return ch;
      }
      if (!isNameStart(ch)) break;
      name += ch;
      this.pos++;
    }
    return name;
  }

  // lex.go processDollar: $NAME, ${NAME} and the ${NAME<modifier>word} forms.
  private processDollar(): string {
    this.pos++;

    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.lookup(name);
      if (value === undefined && this.opts.skipUnsetEnv) return '$' + name;
      return value ?? '';
    }

    this.pos++;
    const first = this.peek();
    if (first === null) throw new ExpandError('syntax', "syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') {
      throw new ExpandError('syntax', 'syntax error: bad substitution');
    }

    const name = this.processName();
    let ch = this.next();
    if (ch === null) throw new ExpandError('syntax', "syntax error: missing '}'");
    let chs = ch;

    if (ch === '}') {
      const value = this.lookup(name);
      if (value === undefined && this.opts.skipUnsetEnv) return '${' + name + '}';
      return value ?? '';
    }

    if (ch === '/') return this.processReplace(name);

    let nullIsUnset = false;
    if (ch === ':') {
      nullIsUnset = true;
      ch = this.next();
      if (ch === null) throw new ExpandError('syntax', "syntax error: missing '}'");
      chs += ch;
    }
    if (!nullIsUnset && !'+-?#%'.includes(ch)) {
      throw new ExpandError('unsupported', `unsupported modifier (${chs}) in substitution`);
    }

    const word = this.readUntilBrace(ch === '#' || ch === '%');
    const value = this.lookup(name);
    if (value === undefined && this.opts.skipUnsetEnv) return '${' + name + chs + word + '}';

    const unsetOrNull = value === undefined || (nullIsUnset && value === '');
    switch (ch) {
      case '-':
        return unsetOrNull ? word : (value as string);
      case '+':
        return unsetOrNull ? '' : word;
      case '?':
        if (value === undefined) {
          throw new ExpandError('unset', `${name}: ${word || 'is not allowed to be unset'}`, name);
        }
        if (nullIsUnset && value === '') {
          throw new ExpandError('empty', `${name}: ${word || 'is not allowed to be empty'}`, name);
        }
        return value;
      case '#':
      case '%': {
        // One # or % takes the shortest match, a doubled one the longest.
        const greedy = word.length > 0 && word[0] === ch;
        const pattern = greedy ? word.slice(1) : word;
        return trimByPattern(value ?? '', pattern, greedy, ch === '#');
      }
      default:
        throw new ExpandError('unsupported', `unsupported modifier (${chs}) in substitution`);
    }
  }

  private readUntilBrace(rawEscapes: boolean): string {
    try {
      return this.processStopOn('}', rawEscapes).result;
    } catch (e) {
      if (this.peek() === null) throw new ExpandError('syntax', "syntax error: missing '}'");
      throw e;
    }
  }

  // ${NAME/pattern/replacement} and ${NAME//pattern/replacement}.
  private processReplace(name: string): string {
    const all = this.peek() === '/';
    if (all) this.pos++;

    let pattern: string;
    try {
      pattern = this.processStopOn('/', true).result;
    } catch (e) {
      if (this.peek() === null) throw new ExpandError('syntax', "syntax error: missing '/' in ${}");
      throw e;
    }
    const replacement = this.readUntilBrace(true);

    const value = this.lookup(name);
    if (value === undefined && this.opts.skipUnsetEnv) {
      return '${' + name + '/' + pattern + '/' + replacement + '}';
    }
    const re = patternToRegex(pattern, true, all ? 'g' : '');
    return (value ?? '').replace(re, () => replacement);
  }
}

// Shell pattern (* ? and backslash escapes, no brackets) to a regular expression, as
// lex.go convertShellPatternToRegex does.
function patternToRegex(pattern: string, greedy: boolean, flags: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += greedy ? '[^]*' : '[^]*?';
    else if (c === '?') out += '[^]';
    else if (c === '\\') {
      const n = pattern[i + 1];
      if (n === '}' || n === '/') continue;
      if (n !== '*' && n !== '?' && n !== '\\') {
        throw new ExpandError('syntax', `invalid pattern (${pattern}) in substitution`);
      }
      out += '\\' + n;
      i++;
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(out, flags + 'u');
}

// ${VAR#pat} / ${VAR%pat}: remove the shortest (or, greedy, the longest) matching prefix/suffix.
function trimByPattern(value: string, pattern: string, greedy: boolean, prefix: boolean): string {
  const whole = new RegExp('^(?:' + patternToRegex(pattern, true, '').source + ')$', 'u');
  const n = value.length;

  if (prefix) {
    for (let k = 0; k <= n; k++) {
      const end = greedy ? n - k : k;
      if (whole.test(value.slice(0, end))) return value.slice(end);
    }
    return value;
  }
  for (let k = 0; k <= n; k++) {
    const start = greedy ? k : n - k;
    if (whole.test(value.slice(start))) return value.slice(0, start);
  }
  return value;
}

function hasQuoteOrEscape(text: string, escape: string): boolean {
  const esc = escape.charCodeAt(0);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 39 || c === 34 || c === esc) return true;
  }

  return false;
}

/** True when text holds no `$`, quote or escape character. */
function isPlain(text: string, escape: string): boolean {
  const esc = escape.charCodeAt(0);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 36 || c === 39 || c === 34 || c === esc) return false;
  }

  return true;
}

function isAsciiNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * The commonest words without the lexer: `$NAME` and `${NAME}` references (ASCII names that
 * start with a letter or `_`) and double-quoted runs, with no escape char and no single quote.
 * Gives what processStopOn gives (`$` then a non-name char stays a `$`), or undefined for any
 * other form, which the lexer then handles with its exact rules and errors. Without `split`
 * the result is one word with its quotes removed; with it, the unquoted words (ProcessWords:
 * unquoted and expanded text splits on spaces, quoted text never does).
 */
function expandSimple(
  text: string,
  vars: VarLookup,
  escape: string,
  split: boolean,
): string | string[] | undefined {
  const esc = escape.charCodeAt(0);
  const n = text.length;
  const words: string[] = [];
  let word = '';
  let quoted = false;
  // Where the literal run not yet copied starts.
  let from = 0;

  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === esc || c === 39) return undefined;

    if (c === 34) {
      quoted = !quoted;
      word += text.slice(from, i);
      from = i + 1;
      continue;
    }
    if (split && !quoted && isGoSpace(c)) {
      word += text.slice(from, i);
      from = i + 1;
      if (word.length > 0) words.push(word);
      word = '';
      continue;
    }
    if (c !== 36) continue;

    // A `$`: find the name and where the reference ends.
    const braced = text.charCodeAt(i + 1) === 123;
    const start = braced ? i + 2 : i + 1;
    let end = start;
    const first = text.charCodeAt(start);
    if (first >= 48 && first <= 57) return undefined;
    while (end < n && isAsciiNameChar(text.charCodeAt(end))) end++;
    if (end < n && text.charCodeAt(end) >= 0x80) return undefined;
    if (braced && (end === start || text.charCodeAt(end) !== 125)) return undefined;
    if (end === start) {
      // `$` with no name after it is a literal `$`; BuildKit's special parameters are not.
      if (end < n && SPECIAL_PARAMS.includes(text[end])) return undefined;
      continue;
    }

    word += text.slice(from, i);
    const value = vars(text.slice(start, end)) ?? '';
    if (split && !quoted && value.length > 0) {
      // An expanded value splits like unquoted text.
      const parts = splitPlain(value);
      if (parts.length === 0 || isGoSpace(value.charCodeAt(0))) {
        if (word.length > 0) words.push(word);
        word = '';
      }
      for (let k = 0; k < parts.length; k++) {
        word += parts[k];
        if (k < parts.length - 1) {
          words.push(word);
          word = '';
        }
      }
      if (parts.length > 0 && isGoSpace(value.charCodeAt(value.length - 1))) {
        if (word.length > 0) words.push(word);
        word = '';
      }
    } else word += value;
    if (word.length > MAX_EXPANDED_LENGTH) throw tooLong();
    from = braced ? end + 1 : end;
    i = from - 1;
  }

  if (quoted) return undefined;
  word += text.slice(from);
  if (word.length > MAX_EXPANDED_LENGTH) throw tooLong();
  if (!split) return word;
  if (word.length > 0) words.push(word);

  return words;
}

/** The runs between Go spaces (the words of text without quotes or escapes). */
function splitPlain(text: string): string[] {
  const out: string[] = [];
  let start = -1;

  for (let i = 0; i < text.length; i++) {
    if (isGoSpace(text.charCodeAt(i))) {
      if (start >= 0) out.push(text.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(text.slice(start));

  return out;
}

/** Options under which expandSimple gives what the lexer gives. */
function simpleOptions(opts: LexOptions): boolean {
  return opts.skipUnsetEnv !== true && opts.noExpand !== true && opts.rawQuotes !== true;
}

/**
 * Expands one Dockerfile word the way BuildKit's ProcessWord does: variables substituted,
 * quotes and escapes removed, no word splitting. An unset variable expands to ''.
 * Throws ExpandError for `${VAR?}`/`${VAR:?}` failures and malformed substitutions.
 */
export function expandWord(
  text: string,
  vars: VarLookup,
  escape = '\\',
  opts: LexOptions = {},
): string {
  // Nothing to substitute or remove: the lexer would copy the text character by character.
  if (isPlain(text, escape)) return text;
  if (simpleOptions(opts)) {
    const simple = expandSimple(text, vars, escape, false);
    if (simple !== undefined) return simple as string;
  }

  return new Lexer(text, escape, vars, opts).run().result;
}

/**
 * BuildKit's ProcessWords: expands, then splits on unquoted whitespace (expanded values
 * split too), removing quotes. Used for EXPOSE, the shell form of VOLUME, and the like.
 */
export function expandWords(
  text: string,
  vars: VarLookup,
  escape = '\\',
  opts: LexOptions = {},
): string[] {
  if (simpleOptions(opts)) {
    const simple = expandSimple(text, vars, escape, true);
    if (simple !== undefined) return simple as string[];
  }

  return new Lexer(text, escape, vars, opts).run().words;
}

/**
 * Splits on unquoted whitespace and removes quotes and escapes, leaving `$` references as
 * written. Throws ExpandError on an unterminated quote.
 */
export function splitWords(text: string, escape = '\\'): string[] {
  return new Lexer(text, escape, noVars, { noExpand: true }).run().words;
}

/**
 * BuildKit's parseWords (line_parsers.go): splits on whitespace outside quotes but keeps the
 * quotes and escapes in each word, so each word can later go through expandWord. Never throws.
 */
/** Go's unicode.IsSpace as a character class (see isGoSpace). */
const GO_SPACES = /[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

export function splitRawWords(text: string, escape = '\\'): string[] {
  // Without quotes or escapes the words are the runs between spaces.
  if (!hasQuoteOrEscape(text, escape)) return text.split(GO_SPACES).filter((w) => w !== '');

  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  let blankOk = false;

  for (let i = 0; i < text.length; i++) {
    const ch = text[i];

    if (quote !== '') {
      if (ch === quote) quote = '';
      else if (ch === escape && quote !== "'") {
        // The escape char is kept with what it escapes; a trailing one is dropped.
        if (i + 1 === text.length) continue;
        word += ch;
        i++;
        word += text[i];
        continue;
      }
      word += ch;
      continue;
    }

    if (isGoSpace(ch.charCodeAt(0))) {
      if (inWord && (blankOk || word.length > 0)) words.push(word);
      word = '';
      inWord = false;
      blankOk = false;
      continue;
    }

    inWord = true;
    if (ch === "'" || ch === '"') {
      quote = ch;
      blankOk = true;
    } else if (ch === escape) {
      if (i + 1 === text.length) continue;
      word += ch;
      i++;
    }
    word += text[i];
  }

  if (inWord && (blankOk || word.length > 0)) words.push(word);
  return words;
}

export interface KeyValue {
  key: string;
  /**
   * The raw value (quotes and escapes kept, not expanded): pass it through expandWord.
   * null for `ARG name` without a default.
   */
  value: string | null;
}

export class KeyValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyValueError';
  }
}

/**
 * The pairs of ENV, LABEL and ARG, as BuildKit's parseNameVal / parseNameOrNameVal split them.
 * `ENV key value with spaces` (no '=' in the first word) is the legacy one-pair form: the rest
 * of the line is the value. A word without '=' in ARG is a name without default (value null);
 * in ENV/LABEL (keyword given) it throws KeyValueError like BuildKit.
 */
export function parseKeyValues(
  args: string,
  escape = '\\',
  keyword: 'ARG' | 'ENV' | 'LABEL' = 'ARG',
): KeyValue[] {
  const plain = plainKeyValues(args, escape, keyword === 'ARG');
  if (plain !== undefined) return plain;

  const words = splitRawWords(args, escape);
  if (words.length === 0) return [];

  if (keyword !== 'ARG' && !words[0].includes('=')) {
    const m = /^([^\t\v\f\r ]+)[\t\v\f\r ]+([^]*)$/.exec(args.trim());
    if (m === null) throw new KeyValueError(`${keyword} must have two arguments`);
    return [{ key: m[1], value: m[2] }];
  }

  const pairs: KeyValue[] = [];
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq >= 0) pairs.push({ key: w.slice(0, eq), value: w.slice(eq + 1) });
    else if (keyword === 'ARG') pairs.push({ key: w, value: null });
    else {
      throw new KeyValueError(
        `Syntax error - can't find = in "${w}". Must be of the form: name=value`,
      );
    }
  }

  return pairs;
}

/**
 * parseKeyValues for the usual arguments, in one pass without the word list: no quote and no
 * escape char, and every word a pair (or, for ARG, a name). undefined for anything else, which
 * the general path then splits (the legacy `ENV key value` form, errors).
 */
function plainKeyValues(args: string, escape: string, namesOk: boolean): KeyValue[] | undefined {
  const esc = escape.charCodeAt(0);
  const n = args.length;
  const pairs: KeyValue[] = [];
  let i = 0;

  for (;;) {
    while (i < n && isGoSpace(args.charCodeAt(i))) i++;
    if (i >= n) return pairs;

    let eq = -1;
    let j = i;
    for (; j < n; j++) {
      const c = args.charCodeAt(j);
      if (c === 39 || c === 34 || c === esc) return undefined;
      if (isGoSpace(c)) break;
      if (c === 61 && eq < 0) eq = j;
    }

    if (eq >= 0) pairs.push({ key: args.slice(i, eq), value: args.slice(eq + 1, j) });
    else if (namesOk) pairs.push({ key: args.slice(i, j), value: null });
    else return undefined;
    i = j;
  }
}
