// Typed errors carry their exit code; the one catch in main.ts prints them as one line.

/** Bad flags or arguments: exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** Bad input (missing file, syntax error): exit 2, message names the file and line. */
export class InputError extends Error {
  readonly exitCode = 2;

  constructor(message: string, readonly file?: string, readonly line?: number) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
  }
}

/** Something outside uidctl failed (engine, registry, network): exit 2. */
export class EnvironmentError extends Error {
  readonly exitCode = 2;
}

export function exitCodeOf(e: unknown): number {
  return e instanceof UsageError || e instanceof InputError || e instanceof EnvironmentError ? 2 : 2;
}
