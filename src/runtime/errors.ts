// Typed errors of the run-context parsers. They carry exit code 2 (bad input) like the CLI's
// InputError, and say which flag or key was at fault.

export class RunParseError extends Error {
  readonly exitCode = 2;

  /** The message without the file:line prefix (the CLI puts its own in front). */
  readonly detail: string;

  /** Index of the run line's word at fault, for the caller to name that word's line. */
  argIndex?: number;

  constructor(
    message: string,
    /** The flag or key as written ("--frobnicate", "services.web.volumes[0]"). */
    readonly flag?: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(file ? `${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ${message}` : message);
    this.name = 'RunParseError';
    this.detail = message;
  }
}

/** What the yaml library's errors carry: a multi-line message and the 1-based position. */
export interface YamlProblem {
  message: string;
  linePos?: [{ line: number; col: number }, ...{ line: number; col: number }[]];
}

/**
 * A YAML syntax error on one line: the library's first line without its "at line L, column C:"
 * tail (the position goes in front, file:line:column) and without the excerpt below it.
 */
export function yamlError(e: YamlProblem, file?: string): RunParseError {
  const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const pos = e.linePos?.[0];

  return new RunParseError(`YAML: ${first}`, undefined, file, pos?.line, pos?.col);
}

/**
 * doc.toJS(), where the yaml library's ReferenceErrors are bad input, not an internal error:
 * aliases that expand past its limit (its guard against "billion laughs" documents, 100 uses
 * by default) or an alias with no anchor.
 */
export function yamlToJS(doc: { toJS(): unknown }, file?: string): unknown {
  try {
    return doc.toJS();
  } catch (e) {
    if (e instanceof ReferenceError) throw new RunParseError(`YAML: ${e.message}`, undefined, file);
    throw e;
  }
}
