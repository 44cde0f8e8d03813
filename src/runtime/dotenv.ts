// Compose's `.env` file (and the files `docker compose --env-file` names): the variables Compose
// interpolates into the Compose file. Pure: the caller reads the text and gives the shell
// environment; this returns the variables the file defines.
//
// The syntax, as Docker documents it ("Syntax for environment files in Docker Compose",
// https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax,
// and https://docs.docker.com/compose/env-file/), and as compose-go's dotenv parser reads it:
// - lines starting with `#` are comments, blank lines are ignored; `export ` before a name is
//   dropped;
// - `VAR=VAL` (compose-go also takes `VAR: VAL`); spaces around the name and the value are
//   dropped; a name alone on its line takes the shell environment's value, if any;
// - an unquoted value ends at the line's end or at ` #` (an inline comment needs the space
//   before it); it is interpolated;
// - a double-quoted value may span lines, has the shell escapes `\n`, `\r`, `\t`, `\\`, `\"`,
//   `\$` (and `\a`, `\b`, `\f`, `\v`, `\0NNN`), and is interpolated; a comment may follow the
//   closing quote;
// - a single-quoted value is taken literally (`'$OTHER'` is `$OTHER`); `\'` is a quote;
// - interpolation is Compose's (`${VAR}`, `$VAR`, `${VAR:-default}`, ...), looking a name up in
//   the shell environment first and then in the variables the file (and the env files before it)
//   defined above it: the shell wins, as it does for the Compose file itself.

import { interpolate } from './compose.js';
import { RunParseError } from './errors.js';

export interface Dotenv {
  vars: Record<string, string>;
  /** Compose's warnings: a variable a value uses that is not set. */
  warnings: string[];
}

/** Space that is not a line break (compose-go's isSpace). */
const SPACE = /[\t\v\f\r \u0085\u00a0]/;
const KEY_CHAR = /[\p{L}\p{N}_.\-[\]]/u;

/**
 * The variables of one env file. `shell` is the environment uidctl runs in; `before` holds the
 * variables of the env files read before this one. A syntax error throws a RunParseError in
 * compose-go's words, with `file` and the line.
 */
export function parseDotenv(text: string, file: string, shell: Record<string, string>, before: Record<string, string> = {}): Dotenv {
  const src = text.replace(/^\uFEFF/, '');
  const vars: Record<string, string> = {};
  const warnings: string[] = [];
  const lookup = (): Record<string, string> => ({ ...before, ...vars, ...shell });
  let i = 0;
  let line = 1;
  const fail = (why: string): never => {
    throw new RunParseError(why, undefined, file, line);
  };

  for (;;) {
    // The start of the next statement: skip white space (counting lines) and comment lines.
    while (i < src.length && /\s/.test(src[i])) {
      if (src[i] === '\n') line++;
      i++;
    }
    if (i >= src.length) break;
    if (src[i] === '#') {
      const nl = src.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
      continue;
    }
    const exp = /^export\s+/.exec(src.slice(i, i + 20));
    if (exp) {
      for (const ch of exp[0]) if (ch === '\n') line++;
      i += exp[0].length;
    }

    // The name, up to `=`, `:` or the end of the line (a name alone: inherited).
    const start = i;
    let end = -1;
    let inherited = false;
    for (; i < src.length; i++) {
      const ch = src[i];
      if (SPACE.test(ch)) continue;
      if (ch === '=' || ch === ':' || ch === '\n') {
        end = i;
        inherited = ch === '\n';
        break;
      }
      if (!KEY_CHAR.test(ch)) fail(`unexpected character "${ch}" in variable name`);
    }
    if (end < 0) {
      // The last line, a name with no `=` and no line break after it.
      end = i;
      inherited = true;
    }
    const key = src.slice(start, end).replace(/\s+$/, '');
    if (/\s/.test(key)) fail('key cannot contain a space');
    i = end + 1;
    if (inherited) {
      const env = lookup();
      if (Object.hasOwn(env, key)) vars[key] = env[key];
      line++;
      continue;
    }
    while (i < src.length && SPACE.test(src[i])) i++;

    const quote = src[i];
    if (quote !== '"' && quote !== "'") {
      let nl = src.indexOf('\n', i);
      if (nl < 0) nl = src.length;
      let value = src.slice(i, nl);
      const comment = value.indexOf(' #');
      if (comment >= 0) value = value.slice(0, comment);
      value = value.replace(/\s+$/, '');
      vars[key] = interpolate(value, lookup(), warnings, `${file} line ${line}`);
      i = nl;
      continue;
    }

    // A quoted value runs to the first closing quote not preceded by a backslash.
    const valueLine = line;
    let close = -1;
    for (let k = i + 1; k < src.length; k++) {
      if (src[k] === '\n') line++;
      if (src[k] === quote && src[k - 1] !== '\\') {
        close = k;
        break;
      }
    }
    if (close < 0) {
      line = valueLine;
      const nl = src.indexOf('\n', i);
      fail(`unterminated quoted value ${src.slice(i, nl < 0 ? undefined : nl)}`);
    }
    const raw = src.slice(i + 1, close);
    vars[key] = quote === "'" ? raw.replace(/\\'/g, "'") : interpolate(expandEscapes(raw), lookup(), warnings, `${file} line ${valueLine}`);
    i = close + 1;
  }

  return { vars, warnings };
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' };

/** The shell escapes of a double-quoted value; `\$` becomes `$$`, Compose's literal dollar. */
function expandEscapes(s: string): string {
  return s.replace(/\\(?:([abfnrtv"\\$])|0([0-7]{3}))/g, (all, c: string | undefined, oct: string | undefined) => {
    if (c === '$') return '$$';
    if (c !== undefined) return ESCAPES[c];
    const n = parseInt(oct!, 8);
    return n <= 0xff ? String.fromCharCode(n) : all;
  });
}
