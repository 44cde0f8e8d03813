// Typed errors carry their exit code; the one catch in main.ts prints them as one line.

/** Bad flags or arguments: exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** Bad input (missing file, syntax error): exit 2, message names the file and line. */
export class InputError extends Error {
  readonly exitCode = 2;

  /** The message without the file:line prefix (for per-file entries in JSON and SARIF). */
  readonly detail: string;

  constructor(message: string, readonly file?: string, readonly line?: number) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
    this.detail = message;
  }
}

/** Something outside uidctl failed (engine, registry, network): exit 2. */
export class EnvironmentError extends Error {
  readonly exitCode = 2;
}

export function exitCodeOf(e: unknown): number {
  return e instanceof UsageError || e instanceof InputError || e instanceof EnvironmentError ? 2 : 2;
}

/** A message made safe for one terminal line: control characters (a binary file's bytes) escaped. */
export function oneLine(message: string): string {
  // \xNN escapes, as Go's %q shows them; a raw newline would break the one line.
  return message.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
