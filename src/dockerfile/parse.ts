// Single-pass Dockerfile parser with BuildKit's semantics. The line handling mirrors
// moby/buildkit frontend/dockerfile/parser/parser.go (Parse, processLine,
// trimContinuationCharacter, heredocsFromLine, extractBuilderFlags in line_parsers.go); the
// checks mirror frontend/dockerfile/instructions/parse.go. Pure: never throws, problems go to
// `errors` with the 1-based line where the instruction starts.

import { excerpt } from '../report/printable.js';
import { expandWords, isGoSpace, KeyValueError, parseKeyValues } from './expand.js';
import type {
  DfFlag,
  DfHeredoc,
  DfInstruction,
  DfParseError,
  DfStage,
  Dockerfile,
} from './types.js';

/** What the checks need to know about one instruction keyword. */
interface KeywordInfo {
  /** The arguments may be a JSON array (parseMaybeJSON / parseMaybeJSONToList). */
  json: boolean;
  /** The flags it accepts (instructions/parse.go, BFlags declarations). */
  flags: ReadonlySet<string>;
  /** How many arguments it needs: parseString in line_parsers.go takes exactly one. */
  arity: 'exactly one' | 'at least one' | null;
}

const NO_FLAGS: ReadonlySet<string> = new Set();

function info(json: boolean, arity: KeywordInfo['arity'], flags = NO_FLAGS): KeywordInfo {
  return { json, flags, arity };
}

// One lookup per instruction for every check below (a Map: keys come from the file's text).
const KEYWORDS = new Map<string, KeywordInfo>([
  [
    'ADD',
    info(
      true,
      null,
      new Set(['chown', 'chmod', 'link', 'keep-git-dir', 'checksum', 'exclude', 'unpack']),
    ),
  ],
  ['ARG', info(false, 'at least one')],
  ['CMD', info(true, null)],
  ['COPY', info(true, null, new Set(['from', 'chown', 'chmod', 'link', 'parents', 'exclude']))],
  ['ENTRYPOINT', info(true, null)],
  ['ENV', info(false, 'at least one')],
  ['EXPOSE', info(false, 'at least one')],
  ['FROM', info(false, null, new Set(['platform']))],
  [
    'HEALTHCHECK',
    info(
      false,
      'at least one',
      new Set(['interval', 'timeout', 'start-period', 'start-interval', 'retries']),
    ),
  ],
  ['LABEL', info(false, 'at least one')],
  ['MAINTAINER', info(false, 'exactly one')],
  ['ONBUILD', info(false, 'at least one')],
  ['RUN', info(true, null, new Set(['mount', 'network', 'security', 'device']))],
  ['SHELL', info(true, null)],
  ['STOPSIGNAL', info(false, 'exactly one')],
  ['USER', info(false, 'exactly one')],
  ['VOLUME', info(true, 'at least one')],
  ['WORKDIR', info(false, 'exactly one')],
]);

// Keywords by length, first and last letter (no two share all three), to find the keyword of a
// line written in capitals without slicing and upper-casing it.
const shapeOf = (length: number, first: number, last: number) => (length << 16) | (first << 8) | last;
const KEYWORD_SHAPES = new Map<number, string>();
for (const k of KEYWORDS.keys()) {
  KEYWORD_SHAPES.set(shapeOf(k.length, k.charCodeAt(0), k.charCodeAt(k.length - 1)), k);
}

/** The keyword when text starts with one written in capitals (the usual case), length long. */
function capitalKeyword(text: string, length: number): string | undefined {
  if (length < 3) return undefined;
  const k = KEYWORD_SHAPES.get(shapeOf(length, text.charCodeAt(0), text.charCodeAt(length - 1)));
  if (k === undefined) return undefined;
  // Every letter, first and last too: a character past 0xff may make up a known shape.
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) !== k.charCodeAt(i)) return undefined;

  return k;
}

// parser.go heredocDirectives.
function takesHeredocs(keyword: string): boolean {
  return keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD';
}

const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const VALID_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC_WORD = /^(\d*)<<(-?)([^<]*)$/;

function isSpaceAt(s: string, i: number): boolean {
  return isGoSpace(s.charCodeAt(i));
}

function trimLeft(s: string): string {
  let i = 0;
  while (i < s.length && isSpaceAt(s, i)) i++;
  return i === 0 ? s : s.slice(i);
}

function trimBoth(s: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && isSpaceAt(s, i)) i++;
  while (j > i && isSpaceAt(s, j - 1)) j--;
  return i === 0 && j === s.length ? s : s.slice(i, j);
}

// Whitespace that separates the keyword from its arguments: parser.go reWhitespace.
function isKeywordSep(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || c === 0x0d;
}

/** Reads the text one line at a time; `line` is the 1-based number of the last line read. */
class Lines {
  pos = 0;
  line = 0;
  /** Where the last line read starts; it ends at `pos` with its line ending. */
  start = 0;

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  /** The next line without its line ending (all trailing CR/LF removed), or null at EOF. */
  next(): string | null {
    const { text } = this;
    if (this.pos >= text.length) return null;

    const nl = text.indexOf('\n', this.pos);
    const after = nl < 0 ? text.length : nl + 1;
    let end = nl < 0 ? text.length : nl;
    while (end > this.pos && text.charCodeAt(end - 1) === 13) end--;

    const start = this.pos;
    this.start = start;
    this.pos = after;
    this.line++;
    return text.slice(start, end);
  }

  /**
   * Steps over blank and comment lines without copying them: they make no instruction. The last
   * line, with no line ending, is left to next().
   */
  skipIgnorable(): void {
    const { text } = this;
    for (;;) {
      let i = this.pos;
      while (i < text.length && text.charCodeAt(i) !== 10 && isSpaceAt(text, i)) i++;
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 0x23) return;
      const nl = c === 10 ? i : text.indexOf('\n', i);
      if (nl < 0) return;

      this.start = this.pos;
      this.pos = nl + 1;
      this.line++;
    }
  }

  /** The last line read including its line ending, for heredoc bodies. */
  raw(): string {
    return this.text.slice(this.start, this.pos);
  }
}

/**
 * The escape char followed only by spaces/tabs at the end of a line continues the line, unless
 * it is itself escaped (parser.go lineContinuationRegex). Returns the line without it, or null.
 */
function stripContinuation(s: string, escape: string): string | null {
  let k = s.length - 1;
  while (k >= 0 && (s[k] === ' ' || s[k] === '\t')) k--;
  if (k < 0 || s[k] !== escape) return null;
  if (k > 0 && s[k - 1] === escape) return null;
  return s.slice(0, k);
}

function isCommentOrEmpty(s: string): 'comment' | 'empty' | null {
  let i = 0;
  while (i < s.length && isSpaceAt(s, i)) i++;
  if (i === s.length) return 'empty';
  return s[i] === '#' ? 'comment' : null;
}

/**
 * Leading `--flag` words, with quotes and backslash escapes removed as BuildKit's
 * extractBuilderFlags does (always `\`, whatever the escape directive). A lone `--` ends the
 * flags. Returns the flags and the offset where the arguments start.
 */
function extractFlags(rest: string): { flags: string[]; argsAt: number } {
  const flags: string[] = [];
  let pos = 0;
  const n = rest.length;

  for (;;) {
    while (pos < n && isSpaceAt(rest, pos)) pos++;
    if (pos >= n) return { flags, argsAt: n };
    if (rest[pos] !== '-' || pos + 1 >= n || rest[pos + 1] !== '-') return { flags, argsAt: pos };

    let word = '';
    let quote = '';
    let blankOk = false;
    for (; pos < n; pos++) {
      const ch = rest[pos];
      if (quote === '' && isSpaceAt(rest, pos)) break;
      if (quote === '' && (ch === "'" || ch === '"')) {
        quote = ch;
        blankOk = true;
        continue;
      }
      if (quote !== '' && ch === quote) {
        quote = '';
        continue;
      }
      if (ch === '\\') {
        if (pos + 1 === n) {
          quote = '';
          continue;
        }
        pos++;
      }
      word += rest[pos];
    }

    if (word === '--') return { flags, argsAt: pos };
    if (blankOk || word.length > 0) flags.push(word);
  }
}

function toFlag(word: string): DfFlag {
  const body = word.startsWith('--') ? word.slice(2) : word;
  const eq = body.indexOf('=');
  if (eq < 0) return { name: body, value: null };
  return { name: body.slice(0, eq), value: body.slice(eq + 1) };
}

const NOT_STRINGS = 'when using JSON array syntax, arrays must be comprised of strings only';

// parser.go parseJSON: a JSON array of strings, else null (then the shell form applies).
function parseJsonArgs(args: string): { json: string[] | null; error?: string } {
  if (args.charCodeAt(0) !== 0x5b) return { json: null };

  let value: unknown;
  try {
    value = JSON.parse(args);
  } catch {
    return { json: null };
  }
  if (!Array.isArray(value)) return { json: null };
  if (!value.every((v) => typeof v === 'string')) return { json: null, error: NOT_STRINGS };
  return { json: value as string[] };
}

interface PendingHeredoc {
  name: string;
  stripTabs: boolean;
  quoted: boolean;
  spaced: boolean;
}

/**
 * The line with the blanks after each unquoted `<<` taken out: BuildKit's lexer (shell/lex.go
 * processPossibleHeredoc, since moby/buildkit#5817, BuildKit v0.22) keeps them in the `<<`
 * word, so `<< EOF` and `<< 'EOF'` are heredocs as `<<EOF` is. Not after `<<-`: the `-` ends
 * that run, and `<<- EOF` stays two words.
 */
function joinHeredocBlanks(line: string): string {
  if (!/<<[ \t]/.test(line)) return line;
  let out = '';
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    out += c;
    if (c === '\\' && quote !== "'" && i + 1 < line.length) {
      out += line[++i];
      continue;
    }
    if (quote !== '') {
      if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '<' && line[i + 1] === '<') {
      out += '<';
      i += 1;
      while (line[i + 1] === ' ' || line[i + 1] === '\t') i += 1;
    }
  }

  return out;
}

const noVars = () => undefined;

// parser.go heredocsFromLine + heredocFromMatch. The lexer always uses `\` here, as BuildKit
// does. A word is a heredoc when it is [fd]<<[-]WORD; WORD is quoted when lexing it with and
// without raw quotes gives different quote counts.
function heredocsFromLine(written: string): { docs: PendingHeredoc[]; error?: string } {
  const line = joinHeredocBlanks(written);
  const spaced = line !== written;
  let words: string[];
  try {
    const opts = { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true };
    words = expandWords(line, noVars, '\\', opts);
  } catch {
    return { docs: [] };
  }

  const docs: PendingHeredoc[] = [];
  for (const word of words) {
    const m = HEREDOC_WORD.exec(word);
    if (m === null || m[3] === '') continue;

    let plain: string[];
    let raw: string[];
    try {
      plain = expandWords(m[3], noVars, '\\', { skipUnsetEnv: true });
      if (plain.length !== 1) continue;
      raw = expandWords(m[3], noVars, '\\', { skipUnsetEnv: true, rawQuotes: true });
    } catch (e) {
      return { docs, error: (e as Error).message };
    }

    const quotes = (s: string) => s.split("'").length + s.split('"').length - 2;
    const quoted = quotes(plain[0]) !== quotes(raw[0]);
    docs.push({ name: plain[0], stripTabs: m[2] === '-', quoted, spaced });
  }
  return { docs };
}

// parser.go ChompHeredocContent: tabs at the start of every line go.
function stripLeadingTabs(s: string): string {
  if (!s.includes('\t')) return s;
  return s
    .split('\n')
    .map((l) => l.replace(/^\t+/, ''))
    .join('\n');
}

function newInstruction(line: string, start: number, end: number): DfInstruction {
  const text = trimBoth(line);

  let cut = 0;
  while (cut < text.length && !isKeywordSep(text.charCodeAt(cut))) cut++;
  const keyword = capitalKeyword(text, cut) ?? text.slice(0, cut).toUpperCase();
  let restAt = cut;
  while (restAt < text.length && isKeywordSep(text.charCodeAt(restAt))) restAt++;
  const rest = text.slice(restAt);

  // Arguments that do not start with a space or `-` have no flags and nothing to trim.
  const c = rest.charCodeAt(0);
  const plain = rest === '' || (c !== 0x2d && !isGoSpace(c));
  const { flags, argsAt } = plain ? { flags: [], argsAt: 0 } : extractFlags(rest);
  const args = plain ? rest : trimBoth(rest.slice(argsAt));
  const parsedFlags: DfFlag[] = [];
  for (const f of flags) parsedFlags.push(toFlag(f));

  return {
    keyword,
    line: start,
    endLine: end,
    flags: parsedFlags,
    args,
    json: null,
    heredocs: [],
  };
}

// newNodeFromLine + the per-instruction checks of instructions/parse.go; problems are added to
// the list given, in the order BuildKit finds them.
function buildInstruction(
  line: string,
  start: number,
  end: number,
  nested: boolean,
  escape: string,
  problems: string[],
): DfInstruction {
  const inst = newInstruction(line, start, end);
  const { keyword } = inst;
  const kw = KEYWORDS.get(keyword);

  if (kw === undefined) {
    problems.push(`unknown instruction: ${excerpt(keyword)}`);
    return inst;
  }

  if (kw.json && inst.args !== '') {
    const { json, error } = parseJsonArgs(inst.args);
    inst.json = json;
    if (error !== undefined) problems.push(error);
  }

  for (const f of inst.flags) {
    if (!kw.flags.has(f.name)) problems.push(`unknown flag: ${f.name}`);
  }

  if (kw.arity !== null && inst.args === '') {
    problems.push(`${keyword} requires ${kw.arity} argument`);
  }
  if ((keyword === 'ENV' || keyword === 'LABEL') && inst.args !== '') {
    // BuildKit splits ENV/LABEL pairs while parsing (parseNameVal in line_parsers.go, blank
    // names in instructions/parse.go): `ENV HOME` stops the build before any step runs.
    const problem = nameValProblem(inst.args, escape, keyword);
    if (problem !== undefined) problems.push(problem);
  }
  if (keyword === 'SHELL' && inst.json === null) {
    problems.push('SHELL requires the arguments to be in JSON form');
  } else if (keyword === 'SHELL' && inst.json?.length === 0) {
    // instructions/parse.go parseShell: an empty list has no program to run.
    problems.push('SHELL requires at least one argument');
  }

  if (keyword === 'ONBUILD' && inst.args !== '') {
    const inner = buildInstruction(inst.args, start, end, true, escape, problems);
    inst.inner = inner;
    const trigger = inner.keyword;
    if (trigger === 'ONBUILD') {
      problems.push("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    }
    if (trigger === 'FROM' || trigger === 'MAINTAINER') {
      problems.push(`${trigger} isn't allowed as an ONBUILD trigger`);
    }
  }

  if (keyword === 'FROM' && !nested) {
    const words = inst.args.split(/[\t\v\f\r ]+/).filter((w) => w !== '');
    if (words.length === 3 && words[1].toLowerCase() === 'as') {
      if (!VALID_STAGE_NAME.test(words[2].toLowerCase())) {
        problems.push(
          `invalid name for build stage: "${words[2]}", ` +
            "name can't start with a number or contain symbols",
        );
      }
    } else if (words.length !== 1) {
      problems.push('FROM requires either one or three arguments');
    }
  }

  return inst;
}

/** `K=V K2="V 2"` with no escape, no single quote and no blank name: nothing to report. */
const PAIR = '[^\\s="\'\\\\`][^\\s="\'\\\\`]*=(?:"[^"\\\\`]*"|[^\\s"\'\\\\`]*)';
const PLAIN_PAIRS = new RegExp(`^${PAIR}(?:[\\t ]+${PAIR})*$`);

function nameValProblem(
  args: string,
  escape: string,
  keyword: 'ENV' | 'LABEL',
): string | undefined {
  // Splitting the pairs costs more than the rest of the parse of the line: skip it when a
  // pattern shows there is nothing wrong.
  if (PLAIN_PAIRS.test(args)) return undefined;
  try {
    const pairs = parseKeyValues(args, escape, keyword);
    return pairs.some((kv) => kv.key === '') ? `${keyword} names can not be blank` : undefined;
  } catch (e) {
    if (e instanceof KeyValueError) return e.message;
    throw e;
  }
}

function stageName(from: DfInstruction): string | undefined {
  const words = from.args.split(/[\t\v\f\r ]+/);
  if (words.length === 3 && words[1].toLowerCase() === 'as') {
    const name = words[2].toLowerCase();
    return VALID_STAGE_NAME.test(name) ? name : undefined;
  }
  return undefined;
}

// COPY/ADD need a source and a destination; a heredoc counts as a source.
function checkCopyArity(inst: DfInstruction, problems: string[]): void {
  const count =
    inst.json !== null
      ? inst.json.length
      : inst.args.split(/[\t\v\f\r ]+/).filter((w) => w !== '').length;
  if (count < 2) {
    problems.push(
      `${inst.keyword} requires at least two arguments, but only one was provided. ` +
        'Destination could not be determined.',
    );
  }
}

/** Parses a Dockerfile. Pure and total: syntax problems are reported in `errors`. */
export function parseDockerfile(text: string): Dockerfile {
  const lines = new Lines(text);
  const errors: DfParseError[] = [];
  const directives: Record<string, string> = {};
  const instructions: DfInstruction[] = [];
  let escape = '\\';
  let directivesDone = false;
  // The problems of the instruction at hand, reused from one instruction to the next.
  const problems: string[] = [];

  for (;;) {
    // Once the directives are read, blank and comment lines only count.
    if (directivesDone) lines.skipIgnorable();
    const first = lines.next();
    if (first === null) break;
    const token = trimLeft(first);
    const startLine = lines.line;

    // Parser directives: only at the very top; the first line that is not one ends them.
    if (!directivesDone) {
      const m = DIRECTIVE.exec(token);
      const name = m === null ? '' : m[1].toLowerCase();
      if (m === null || !VALID_DIRECTIVES.has(name)) {
        directivesDone = true;
      } else if (name in directives) {
        errors.push({ line: startLine, message: `only one ${name} parser directive can be used` });
      } else if (name === 'escape' && m[2] !== '\\' && m[2] !== '`') {
        errors.push({
          line: startLine,
          message: `invalid escape token '${m[2]}' does not match \` or \\`,
        });
      } else {
        directives[name] = m[2];
        if (name === 'escape') escape = m[2];
      }
    }

    if (token === '' || token.charCodeAt(0) === 0x23) continue;

    // Join continuation lines; comment and blank lines inside a continuation are skipped.
    let joined = stripContinuation(token, escape);
    let line = joined ?? token;
    while (joined !== null) {
      const next = lines.next();
      if (next === null) break;
      if (isCommentOrEmpty(next) !== null) continue;
      joined = stripContinuation(next, escape);
      line += joined ?? next;
    }

    if (problems.length !== 0) problems.length = 0;
    const inst = buildInstruction(line, startLine, lines.line, false, escape, problems);
    if (inst.keyword === '') continue;

    const target = inst.inner ?? inst;
    if (takesHeredocs(target.keyword) && target.json === null && line.includes('<<')) {
      const { docs, error } = heredocsFromLine(line);
      if (error !== undefined) problems.push(error);
      for (const doc of docs) {
        const heredoc = readHeredoc(lines, doc);
        if (heredoc === null) {
          problems.push('unterminated heredoc');
          break;
        }
        target.heredocs.push(heredoc);
      }
      inst.endLine = lines.line;
      if (inst.inner) {
        inst.inner.endLine = lines.line;
        inst.heredocs = inst.inner.heredocs;
      }
    }

    if ((target.keyword === 'COPY' || target.keyword === 'ADD') && target.heredocs.length === 0) {
      checkCopyArity(target, problems);
    }

    for (const message of problems) errors.push({ line: startLine, message });
    instructions.push(inst);
  }

  return assemble(lines.line, escape, directives, instructions, errors);
}

function readHeredoc(lines: Lines, doc: PendingHeredoc): DfHeredoc | null {
  let content = '';
  for (let l = lines.next(); l !== null; l = lines.next()) {
    let candidate = l;
    if (doc.stripTabs) candidate = candidate.replace(/^\t+/, '');
    if (candidate === doc.name) {
      return {
        name: doc.name,
        content: doc.stripTabs ? stripLeadingTabs(content) : content,
        stripTabs: doc.stripTabs,
        quoted: doc.quoted,
        ...(doc.spaced ? { spaced: true } : {}),
      };
    }
    // BuildKit keeps each body line with its own line ending.
    content += lines.raw();
  }
  return null;
}

// Groups the instructions into global ARGs and stages, as instructions.Parse does.
function assemble(
  lineCount: number,
  escape: string,
  directives: Record<string, string>,
  instructions: DfInstruction[],
  errors: DfParseError[],
): Dockerfile {
  const globalArgs: DfInstruction[] = [];
  const stages: DfStage[] = [];
  const names = new Set<string>();
  let current: DfStage | undefined;

  for (const inst of instructions) {
    if (inst.keyword === 'FROM') {
      current = { index: stages.length, from: inst, instructions: [] };
      const name = stageName(inst);
      if (name !== undefined) {
        if (names.has(name)) {
          errors.push({ line: inst.line, message: `duplicate stage name ${name}` });
        }
        names.add(name);
        current.name = name;
      }
      stages.push(current);
    } else if (current !== undefined) {
      current.instructions.push(inst);
    } else if (inst.keyword === 'ARG') {
      globalArgs.push(inst);
    } else if (KEYWORDS.has(inst.keyword)) {
      errors.push({ line: inst.line, message: 'no build stage in current context' });
    }
  }

  if (instructions.length === 0) {
    errors.push({ line: Math.max(1, lineCount), message: 'file with no instructions' });
  } else if (stages.length === 0) {
    errors.push({ line: instructions[0].line, message: 'no FROM instruction: nothing to build' });
  }

  if (errors.length > 1) errors.sort((a, b) => a.line - b.line);
  const out: Dockerfile = { escape, directives, globalArgs, stages, instructions, errors };
  if (directives.syntax !== undefined) out.syntax = directives.syntax;
  return out;
}
