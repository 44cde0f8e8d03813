// Typed errors carry their exit code; the one catch in main.ts prints them as one line.

import { MAX_PRINTED, printable } from '../report/printable.js';

/** Bad flags or arguments: exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** Bad input (missing file, syntax error): exit 2, message names the file and line. */
export class InputError extends Error {
  readonly exitCode = 2;

  /** The message without the file:line prefix (for per-file entries in JSON and SARIF). */
  readonly detail: string;

  constructor(message: string, readonly file?: string, readonly line?: number, readonly column?: number) {
    super(file ? `${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ${message}` : message);
    this.detail = message;
  }
}

/**
 * A parser's error (run line, Compose, Kubernetes, host facts) as an InputError: the file and
 * position it names itself, else the file it was read from. Its detail is used, so the file is
 * never named twice.
 */
export function inputErrorOf(e: { detail: string; file?: string; line?: number; column?: number }, file: string): InputError {
  return new InputError(e.detail, e.file ?? file, e.line, e.column);
}

/** Something outside uidctl failed (engine, registry, network): exit 2. */
export class EnvironmentError extends Error {
  readonly exitCode = 2;
}

export function exitCodeOf(e: unknown): number {
  return e instanceof UsageError || e instanceof InputError || e instanceof EnvironmentError ? 2 : 2;
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
};

/** An errno code in words, as strerror(3) says it, the code kept: "permission denied (EACCES)". */
export function errnoWords(code: string | undefined): string {
  const words = code === undefined ? undefined : ERRNO_WORDS[code];

  return words ? `${words} (${code})` : `(${code ?? 'unknown error'})`;
}

/**
 * A message made safe for one terminal line: control characters (a binary file's bytes, a
 * newline in a file name) escaped as Go's %q shows them, and a very long one cut.
 */
export function oneLine(message: string): string {
  return printable(message, 2 * MAX_PRINTED);
}
