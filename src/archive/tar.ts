// A push-based tar reader: chunks go in, headers come out, bodies are skipped unless asked for.
// It never buffers an entry it was not asked to keep, so memory stays flat whatever the layer
// size. The rules follow Go's archive/tar (the reader Docker, containerd and BuildKit use):
// ustar prefix only under the POSIX magic, header-only types carry no data, PAX and GNU long
// name records are capped at 1 MiB (maxSpecialFileSize), a clean end between headers is fine.

export class ArchiveError extends Error {
  constructor(message: string, readonly layer?: string) {
    super(layer ? `${layer}: ${message}` : message);
    this.name = 'ArchiveError';
  }
}

export type TarType = 'file' | 'dir' | 'symlink' | 'link' | 'other';

export interface TarHeader {
  /** The name as stored (after PAX / GNU long-name records), not normalised. */
  name: string;
  type: TarType;
  /** Hard link target (a member name) or symlink target. */
  linkname: string;
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of data that follow the header. */
  size: number;
}

export interface TarHandler {
  /** Return true to receive the entry's data through data() and end(). */
  entry(h: TarHeader): boolean;
  data?(chunk: Buffer): void;
  end?(): void;
}

/** Go's archive/tar maxSpecialFileSize: the most a PAX or GNU long-name record may hold. */
export const MAX_SPECIAL_SIZE = 1 << 20;

const BLOCK = 512;

// Typeflags whose size field is ignored (Go's isHeaderOnlyType).
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);

function cString(buf: Buffer, start: number, len: number): string {
  const end = buf.indexOf(0, start);
  const stop = end === -1 || end > start + len ? start + len : end;

  return buf.toString('utf8', start, stop);
}

/** A numeric field: octal text, or base-256 when the high bit of the first byte is set. */
function numeric(buf: Buffer, start: number, len: number, what: string): number {
  if (buf[start] & 0x80) {
    let n = buf[start] & 0x7f;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + buf[i];
    if (!Number.isSafeInteger(n)) throw new ArchiveError(`tar ${what} field is too large`);

    return n;
  }

  const text = buf.toString('latin1', start, start + len).replace(/[\0 ]+$/, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new ArchiveError(`tar ${what} field is not octal: "${text}"`);

  return parseInt(text, 8);
}

/** PAX records: "<len> <key>=<value>\n", each length counting the whole record. */
export function parsePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;

  while (off < buf.length) {
    if (buf[off] === 0) break;
    const sp = buf.indexOf(0x20, off);
    if (sp === -1) throw new ArchiveError('malformed PAX record');
    const len = Number(buf.toString('latin1', off, sp));
    if (!Number.isInteger(len) || len <= 0 || off + len > buf.length) {
      throw new ArchiveError('malformed PAX record length');
    }
    const rec = buf.toString('utf8', sp + 1, off + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    off += len;
  }

  return out;
}

function paxNumber(value: string, key: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ArchiveError(`PAX ${key} is not a usable number: "${value.slice(0, 40)}"`);
  }

  return Number(value);
}

function checksumOk(h: Buffer): boolean {
  let stored: number;
  try {
    stored = numeric(h, 148, 8, 'checksum');
  } catch {
    return false;
  }
  let unsigned = 0;
  let signed = 0;

  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }

  return stored === unsigned || stored === signed;
}

function isZero(h: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) return false;

  return true;
}

export class TarReader {
  private readonly hdr = Buffer.alloc(BLOCK);
  private hdrFill = 0;
  private left = 0;
  private pad = 0;
  private sink: 'skip' | 'user' | 'special' = 'skip';
  private special: Buffer[] = [];
  private specialType = '';
  private pax: Record<string, string> | null = null;
  private longName: string | null = null;
  private longLink: string | null = null;
  private zeroBlocks = 0;
  private ended = false;

  constructor(private readonly handler: TarHandler, private readonly label?: string) {}

  /** True once the two zero blocks that end an archive were read. */
  get done(): boolean {
    return this.ended;
  }

  /**
   * Bytes the reader would throw away next (an unwanted body and its padding): a reader of a
   * file can seek past them and call skip() instead of reading them.
   */
  get skippable(): number {
    if (this.ended) return 0;
    if (this.left > 0) return this.sink === 'skip' ? this.left + this.pad : 0;

    return this.pad;
  }

  skip(n: number): void {
    if (n > this.skippable) throw new Error('skip() past what the reader may drop');
    const fromBody = Math.min(n, this.left);
    this.left -= fromBody;
    this.pad -= n - fromBody;
  }

  push(chunk: Buffer): void {
    let off = 0;

    while (off < chunk.length && !this.ended) {
      if (this.left > 0) {
        const n = Math.min(this.left, chunk.length - off);
        if (this.sink === 'user') this.handler.data?.(chunk.subarray(off, off + n));
        else if (this.sink === 'special') this.special.push(Buffer.from(chunk.subarray(off, off + n)));
        this.left -= n;
        off += n;
        if (this.left === 0) this.endBody();
        continue;
      }

      if (this.pad > 0) {
        const n = Math.min(this.pad, chunk.length - off);
        this.pad -= n;
        off += n;
        continue;
      }

      const n = Math.min(BLOCK - this.hdrFill, chunk.length - off);
      chunk.copy(this.hdr, this.hdrFill, off, off + n);
      this.hdrFill += n;
      off += n;

      if (this.hdrFill === BLOCK) {
        this.hdrFill = 0;
        try {
          this.header();
        } catch (e) {
          if (e instanceof ArchiveError && e.layer === undefined && this.label) {
            throw new ArchiveError(e.message, this.label);
          }
          throw e;
        }
      }
    }
  }

  /** Call at the end of input: a stream cut inside a header or a body is an error. */
  finish(): void {
    if (this.ended) return;
    if (this.left > 0 || this.pad > 0 || this.hdrFill > 0) {
      throw new ArchiveError('tar stream is truncated (ends inside an entry)', this.label);
    }
    if (this.pax || this.longName !== null || this.longLink !== null) {
      throw new ArchiveError('tar stream is truncated (ends after an extended header)', this.label);
    }
  }

  private fail(message: string): never {
    throw new ArchiveError(message, this.label);
  }

  private header(): void {
    const h = this.hdr;

    if (isZero(h)) {
      this.zeroBlocks += 1;
      if (this.zeroBlocks >= 2) this.ended = true;

      return;
    }
    if (this.zeroBlocks > 0) this.fail('tar header follows a single zero block');
    if (!checksumOk(h)) this.fail('tar header checksum mismatch (not a tar stream, or corrupt)');

    let size = numeric(h, 124, 12, 'size');

    const flag = h[156] === 0 ? '0' : String.fromCharCode(h[156]);

    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > MAX_SPECIAL_SIZE) {
        this.fail(`extended tar header of ${size} bytes exceeds the ${MAX_SPECIAL_SIZE}-byte limit`);
      }
      this.specialType = flag;
      this.special = [];
      this.startBody(size, 'special');

      return;
    }

    const magic = h.toString('latin1', 257, 263);
    let name = cString(h, 0, 100);
    if (magic === 'ustar\0') {
      const prefix = cString(h, 345, 155);
      if (prefix !== '') name = `${prefix}/${name}`;
    }

    let linkname = cString(h, 157, 100);
    let uid = numeric(h, 108, 8, 'uid');
    let gid = numeric(h, 116, 8, 'gid');
    const pax = this.pax ?? {};

    if (this.longName !== null) name = this.longName;
    if (this.longLink !== null) linkname = this.longLink;
    if (pax.path !== undefined) name = pax.path;
    if (pax.linkpath !== undefined) linkname = pax.linkpath;
    if (pax.uid !== undefined) uid = paxNumber(pax.uid, 'uid');
    if (pax.gid !== undefined) gid = paxNumber(pax.gid, 'gid');
    if (pax.size !== undefined) size = paxNumber(pax.size, 'size');
    this.pax = null;
    this.longName = null;
    this.longLink = null;

    if (HEADER_ONLY.has(flag)) size = 0;

    let type: TarType;
    if (flag === '0' || flag === '7' || flag === 'S') type = name.endsWith('/') ? 'dir' : 'file';
    else if (flag === '1') type = 'link';
    else if (flag === '2') type = 'symlink';
    else if (flag === '5' || flag === 'D') type = 'dir';
    else type = 'other';

    const mode = numeric(h, 100, 8, 'mode') & 0o7777;
    const wants = this.handler.entry({ name, type, linkname, mode, uid, gid, size });
    this.startBody(size, wants ? 'user' : 'skip');
  }

  private startBody(size: number, sink: 'skip' | 'user' | 'special'): void {
    this.sink = sink;
    this.left = size;
    this.pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) this.endBody();
  }

  private endBody(): void {
    if (this.sink === 'user') this.handler.end?.();
    if (this.sink !== 'special') return;

    const body = Buffer.concat(this.special);
    this.special = [];

    if (this.specialType === 'x') {
      try {
        this.pax = { ...(this.pax ?? {}), ...parsePax(body) };
      } catch (e) {
        this.fail((e as Error).message);
      }
    } else if (this.specialType === 'L') {
      this.longName = cString(body, 0, body.length);
    } else if (this.specialType === 'K') {
      this.longLink = cString(body, 0, body.length);
    }
    // 'g' (global PAX) is read and dropped, as Go's reader hands it out without applying it.
  }
}
