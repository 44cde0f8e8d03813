// Text from the input (file names, Dockerfile words, a tool's message) made safe for a terminal:
// control characters shown escaped, as Go's %q shows them, and very long text cut. A raw
// carriage return would overwrite the line it is on, a newline in a file name would forge a
// report line (in GitHub Actions a line starting with `::` is a workflow command), and an
// escape sequence could restyle or retitle the terminal.

/** The longest piece of input text the text report and error lines print whole. */
export const MAX_PRINTED = 1000;

const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

function escapeControl(c: string): string {
  const n = c.charCodeAt(0);
  if (n === 0x0a) return '\\n';
  if (n === 0x0d) return '\\r';
  if (n === 0x09) return '\\t';

  return n < 0x80 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/**
 * s with its control characters escaped (\n, \r, \t, \xNN; C1 controls \u00NN) and cut to max
 * characters, saying how many more there were. Newlines are escaped too unless keepNewlines.
 */
export function printable(s: string, max = MAX_PRINTED, keepNewlines = false): string {
  let t = s.length > max ? `${s.slice(0, max)}... (${s.length - max} more characters)` : s;
  CONTROL.lastIndex = 0;
  if (CONTROL.test(t)) t = t.replace(CONTROL, (c) => (keepNewlines && c === '\n' ? c : escapeControl(c)));

  return t;
}

/** A short excerpt of input quoted in a message: printable, at most max characters. */
export function excerpt(s: string, max = 40): string {
  return printable(s, max);
}
