// Typed errors of the run-context parsers. They carry exit code 2 (bad input) like the CLI's
// InputError, and say which flag or key was at fault.

export class RunParseError extends Error {
  readonly exitCode = 2;

  constructor(
    message: string,
    /** The flag or key as written ("--frobnicate", "services.web.volumes[0]"). */
    readonly flag?: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
    this.name = 'RunParseError';
  }
}
