// Layer decompression chosen by the first bytes of the blob, not by its media type: registries
// and `docker save` are known to label layers loosely (a "tar" that is gzip, or the reverse).
// containerd's compression.DetectCompression looks at the same magic numbers.

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { ArchiveError } from './tar.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export function detectCompression(head: Uint8Array): Compression | 'xz' | 'bzip2' {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58) return 'xz';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';

  return 'none';
}

export interface RawTap {
  /** Called with the size of every compressed chunk read. */
  onBytes?(n: number): void;
  /** "sha256:<hex>": the raw bytes must hash to it, or the stream fails. */
  expectDigest?: string;
}

function toBuffer(c: string | Uint8Array): Buffer {
  return typeof c === 'string' ? Buffer.from(c) : Buffer.isBuffer(c) ? c : Buffer.from(c);
}

/** Raw chunks of a stream, counted and hashed on the way. */
async function* tapped(
  src: AsyncIterable<string | Uint8Array>,
  label: string,
  tap: RawTap,
): AsyncGenerator<Buffer> {
  const m = tap.expectDigest?.match(/^sha256:([0-9a-f]{64})$/);
  const hash = m ? createHash('sha256') : null;

  for await (const c of src) {
    const b = toBuffer(c);
    hash?.update(b);
    tap.onBytes?.(b.length);
    yield b;
  }

  if (hash && m && hash.digest('hex') !== m[1]) {
    throw new ArchiveError(`content does not match its digest ${tap.expectDigest}`, label);
  }
}

/**
 * The decompressed bytes of a layer blob. Errors of the source, the decompressor and the digest
 * check all surface as ArchiveError naming the layer.
 */
export async function* decompressed(
  src: AsyncIterable<string | Uint8Array>,
  label: string,
  tap: RawTap = {},
): AsyncGenerator<Buffer> {
  const it = tapped(src, label, tap)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLen = 0;
  let finished = false;

  // Peek at least four bytes: enough for every magic number above.
  while (headLen < 4) {
    const r = await it.next();
    if (r.done) {
      finished = true;
      break;
    }
    head.push(r.value);
    headLen += r.value.length;
  }

  const first = Buffer.concat(head);
  const kind = detectCompression(first);

  if (kind === 'xz' || kind === 'bzip2') {
    throw new ArchiveError(`${kind}-compressed layers are not supported`, label);
  }

  async function* rest(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (finished) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }

  try {
    if (kind === 'none') yield* rest();
    else if (kind === 'gzip') yield* gunzip(rest());
    else yield* unzstd(rest(), label);
  } catch (e) {
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError(`${kind === 'none' ? 'read' : kind} failed: ${(e as Error).message}`, label);
  }
}

/** Input slices small enough that even a pathological compression ratio stays bounded. */
function* slices(b: Buffer, size = 16 * 1024): Generator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

function drainOrError(s: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('error', done);
      resolve();
    };
    s.on('drain', done);
    s.on('error', done);
  });
}

// The source is driven here, not by a pipeline, so it is always read to its end: the digest
// check in tapped() runs even when gzip stops early (Node drops bytes after the last member).
async function* gunzip(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gz = createGunzip({ chunkSize: 128 * 1024 });
  let out: Buffer[] = [];
  let failure: Error | undefined;
  gz.on('data', (c: Buffer) => out.push(c));
  gz.on('error', (e) => (failure = e));

  const flush = function* () {
    const ready = out;
    out = [];
    yield* ready;
  };

  for await (const c of src) {
    for (const piece of slices(c)) {
      if (!gz.write(piece)) await drainOrError(gz);
      if (failure) throw failure;
      yield* flush();
    }
  }

  const ended = once(gz, 'end');
  gz.end();
  await Promise.race([ended, once(gz, 'error')]).catch(() => {});
  if (failure) throw failure;
  yield* flush();
}

async function* unzstd(src: AsyncIterable<Buffer>, label: string): AsyncGenerator<Buffer> {
  let out: Buffer[] = [];
  const d = new Decompress((data) => {
    out.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  let sawInput = false;

  for await (const c of src) {
    sawInput = true;
    for (const piece of slices(c)) {
      d.push(piece);
      if (out.length > 0) {
        const ready = out;
        out = [];
        yield* ready;
      }
    }
  }

  if (!sawInput) return;

  // fzstd throws on a frame cut short only when told the input is final.
  try {
    d.push(new Uint8Array(0), true);
  } catch (e) {
    throw new ArchiveError(`zstd stream is truncated or corrupt: ${(e as Error).message}`, label);
  }
  yield* out;
}
