// Reading a file the user names (a Dockerfile, a run file, a manifest): a one-line input error
// when it cannot be read, or is no UTF-8 text; a warning when it holds bytes that are no UTF-8
// (a Latin-1 file), read as U+FFFD.

import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, errnoWords } from './errors.js';

/**
 * The text of path ('-': standard input), read from cwd; what names it in the error. With io, a
 * file that is not valid UTF-8 gets one warning on its stderr naming the line of the first byte
 * that is not.
 */
export function readText(path: string, cwd: string, what: string, io?: { err(text: string): void }): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path === '-' ? 0 : resolve(cwd, path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `no such ${what}` : `cannot read ${what}: ${errnoWords(code)}`, path);
  }
  const notText = notUtf8Text(bytes);
  if (notText !== undefined) throw new InputError(`not a ${what} uidctl can read: ${notText}`, path);
  const text = bytes.toString('utf8');
  const bad = io === undefined ? undefined : firstNonUtf8(bytes, text);
  if (bad !== undefined) {
    io!.err(`uidctl: warning: ${path}:${bad.line}: the ${what} is not UTF-8 (byte 0x${bad.byte.toString(16).padStart(2, '0')} on this line is not part of a UTF-8 character: Latin-1, say): uidctl reads such bytes as U+FFFD, so names and paths holding them may not match; save it as UTF-8\n`);
  }

  return text;
}

/**
 * Where bytes stop being UTF-8: the first byte the decoder replaced, its value and its 1-based
 * line; undefined for valid UTF-8. `text` is bytes decoded: up to that byte, encoding it again
 * gives the same bytes back.
 */
export function firstNonUtf8(bytes: Uint8Array, text: string): { byte: number; line: number } | undefined {
  if (isUtf8(bytes)) return undefined;
  const again = Buffer.from(text, 'utf8');
  let at = 0;
  while (at < bytes.length && at < again.length && bytes[at] === again[at]) at++;
  let line = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;

  return { byte: bytes[at] ?? 0, line };
}

/**
 * Why bytes are no text a builder reads (Docker, BuildKit and buildah read UTF-8): a UTF-16 or
 * UTF-32 byte-order mark, or NUL bytes (a binary file, or UTF-16 without a mark). Only the
 * first 8 KB are looked at, as git's binary test does.
 */
export function notUtf8Text(bytes: Uint8Array): string | undefined {
  const b = bytes;
  if (b.length >= 4 && ((b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) || (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff))) {
    return 'it is UTF-32 encoded, and builders read UTF-8: save it as UTF-8';
  }
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) return 'it is UTF-16 encoded, and builders read UTF-8: save it as UTF-8';
  // A stray NUL in text is left to the parser, which names its line as BuildKit does; many
  // (one byte in a hundred, or more) make a binary file, or UTF-16 without a mark.
  const head = b.subarray(0, 8192);
  let nul = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === 0) nul += 1;
  if (nul >= 2 && nul * 100 >= head.length) return 'it holds NUL bytes (a binary file, or text in UTF-16 without a byte-order mark), and builders read UTF-8 text';

  return undefined;
}
