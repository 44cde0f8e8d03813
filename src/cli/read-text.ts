// Reading a file the user names (a Dockerfile, a run file, a manifest): a one-line input error
// when it cannot be read, is not a regular file, is larger than uidctl reads, or is no UTF-8
// text; a warning when it holds a few bytes that are no UTF-8 (a Latin-1 file), read as U+FFFD.

import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync, constants, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, errnoWords } from './errors.js';

/**
 * The largest file uidctl reads: 4 MiB. The largest real Dockerfiles are well under 1 MB; a
 * file named like one that is larger (a log, a dump, a link to a device) is refused rather than
 * read whole into memory.
 */
export const MAX_INPUT_BYTES = 4 << 20;

/** What a file that is not a regular file is, in words ("a FIFO (named pipe)"). */
export function fileKind(st: Pick<Stats, 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket' | 'isDirectory'>): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';

  return 'not a regular file';
}

/**
 * The text of path ('-': standard input), read from cwd; what names it in the error. With io, a
 * file that is not valid UTF-8 gets one warning on its stderr naming the line of the first byte
 * that is not.
 */
export function readText(path: string, cwd: string, what: string, io?: { err(text: string): void }): string {
  const bytes = path === '-' ? readStdin(what) : readRegular(path, cwd, what);
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

function tooLarge(what: string, size: string): string {
  return `too large to be a ${what} (${size}; uidctl reads at most ${MAX_INPUT_BYTES >> 20} MiB)`;
}

/**
 * A regular file's bytes. It is opened without waiting (O_NONBLOCK: a FIFO with no writer
 * would block the open), then looked at: anything but a regular file (a FIFO, a device such as
 * /dev/zero behind a link) is refused, as is a file larger than MAX_INPUT_BYTES; standard
 * input (`-`) is the way to give a Dockerfile through a pipe.
 */
function readRegular(path: string, cwd: string, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(resolve(cwd, path), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `no such ${what}` : `cannot read ${what}: ${errnoWords(code)}`, path);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(`not a ${what} uidctl can read: it is ${fileKind(st)}, not a regular file (give a pipe's text on standard input with -)`, path);
    if (st.size > MAX_INPUT_BYTES) throw new InputError(tooLarge(what, `${st.size} bytes`), path);
    // Read to the end, never past the limit (a file may grow while it is read).
    const buf = Buffer.allocUnsafe(Math.max(st.size, 1) + 1);
    let got = 0;
    for (;;) {
      if (got === buf.length) throw new InputError(tooLarge(what, 'it grew while it was read'), path);
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
      if (got > MAX_INPUT_BYTES) throw new InputError(tooLarge(what, `more than ${MAX_INPUT_BYTES} bytes`), path);
    }
    return buf.subarray(0, got);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${what}: ${errnoWords(code)}`, path);
  } finally {
    closeSync(fd);
  }
}

/** Standard input, to its end or to MAX_INPUT_BYTES and one byte (then refused). */
function readStdin(what: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A non-blocking pipe with nothing in it yet: wait a little and read again.
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (code === 'EOF') break;
      throw new InputError(`cannot read ${what}: ${errnoWords(code)}`, '-');
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_INPUT_BYTES) throw new InputError(tooLarge(what, `more than ${MAX_INPUT_BYTES} bytes on standard input`), '-');
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }

  return Buffer.concat(chunks, total);
}

/** Bytes of text other than its whitespace: C0 controls but tab, LF, VT, FF, CR and ESC; DEL. */
function isControl(c: number): boolean {
  return (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0b && c !== 0x0c && c !== 0x0d && c !== 0x1b) || c === 0x7f;
}

/**
 * Why bytes are no text a builder reads (Docker, BuildKit and buildah read UTF-8): a UTF-16 or
 * UTF-32 byte-order mark; NUL bytes (a binary file, or UTF-16 without a mark); or, in a file
 * without many NULs, control bytes other than whitespace making one byte in a hundred, or bytes
 * that are not UTF-8 one in ten (a compressed or random file: an editor's Latin-1 text has a
 * few). Only the first 8 KB are looked at, as git's binary test does.
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
  let control = 0;
  let high = false;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === 0) nul += 1;
    else if (isControl(c)) control += 1;
    else if (c >= 0x80) high = true;
  }
  if (nul >= 2 && nul * 100 >= head.length) return 'it holds NUL bytes (a binary file, or text in UTF-16 without a byte-order mark), and builders read UTF-8 text';
  if (nul + control >= 2 && (nul + control) * 100 >= head.length) return 'it holds control bytes (a binary file), and builders read UTF-8 text';
  if (high) {
    // A sequence cut at the end of the 8 KB counts once at most.
    const text = Buffer.from(head.buffer, head.byteOffset, head.length).toString('utf8');
    let bad = 0;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad += 1;
    if (bad >= 2 && bad * 10 >= head.length) return 'most of its bytes are not UTF-8 (a binary or compressed file), and builders read UTF-8 text';
  }

  return undefined;
}
