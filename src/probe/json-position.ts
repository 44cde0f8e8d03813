// Where a text stops being JSON. Node 20's JSON.parse gives an offset for some errors ("in JSON
// at position 7") and only a snippet for others ("Unexpected token '}', ..."), never a line:
// a bad probe file is an input error like any other, named by file, line and column.

export interface JsonSyntaxError {
  /** JSON.parse's own words, without its position or snippet. */
  message: string;
  /** 1-based, as editors count; the column in UTF-16 units (what a JS string indexes). */
  line: number;
  column: number;
}

/**
 * The offset of the first character of `text` that RFC 8259 does not allow there (text.length
 * when the text ends too early), or -1 when the whole text is JSON. The grammar is JSON.parse's:
 * no comments, no trailing commas, no BOM.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const digits = () => {
    const from = i;
    while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
    if (i === from) throw i;
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) throw i;
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw i;
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) throw i + k;
          i += 4;
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) throw i;
      }
      i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') throw i;
          string();
          ws();
          if (text[i] !== ':') throw i;
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else throw i;
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) {
      if (c === '-') i++;
      if (text[i] === '0') i++;
      else digits();
      if (text[i] === '.') {
        i++;
        digits();
      }
      if (text[i] === 'e' || text[i] === 'E') {
        i++;
        if (text[i] === '+' || text[i] === '-') i++;
        digits();
      }
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (c !== word[0]) continue;
      // `tru}` is wrong at the `}`, where the word stops matching.
      let k = 0;
      while (k < word.length && text[i + k] === word[k]) k++;
      if (k < word.length) throw i + k;
      i += k;
      return;
    }
    throw i;
  };

  try {
    value();
    ws();
    if (i < text.length) throw i;
  } catch (at) {
    if (typeof at === 'number') return at;
    throw at;
  }

  return -1;
}

/** JSON.parse's error on `text`, placed at a line and column; undefined when `text` is JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let message: string;
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    message = (e as Error).message;
  }
  // V8's tails: ` in JSON at position 7 (line 1 column 8)` and `, "snippet" is not valid JSON`
  // or `, ..."snippet" is not valid JSON` (the snippet may hold the text's own newlines).
  message = message.replace(/ in JSON at position \d+[\s\S]*$/, '').replace(/, (?:\.\.\.)?"[\s\S]*$/, '').split('\n')[0];
  let at = jsonErrorOffset(text);
  // The scanner and V8 agree (tests/probe/json-position.test.ts); should they not, V8 decides
  // whether this is JSON at all, and the start of the text is the place to look.
  if (at < 0) at = 0;
  // A text that ends too early is pointed at just after its last character, not at a line the
  // trailing newline opens.
  if (at >= text.trimEnd().length) at = text.trimEnd().length;
  const before = text.slice(0, at);
  const line = before.split('\n').length;

  return { message, line, column: at - (before.lastIndexOf('\n') + 1) + 1 };
}
