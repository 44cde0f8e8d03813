// Small in-memory tars for the archive tests, built with tar-stream as a real writer would.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { LayerInput } from '../../src/archive/layers.js';

export interface Member {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  content?: string;
  pax?: Record<string, string>;
}

export async function makeTar(members: Member[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });

  for (const m of members) {
    const type = m.type ?? (m.name.endsWith('/') ? 'directory' : 'file');
    const header = {
      name: m.name,
      type,
      mode: m.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: m.uid ?? 0,
      gid: m.gid ?? 0,
      linkname: m.linkname,
      pax: m.pax,
    };
    pack.entry(header, type === 'file' ? (m.content ?? '') : undefined);
  }
  pack.finalize();
  await done;

  return Buffer.concat(chunks);
}

export function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

export function zstd(b: Buffer): Buffer {
  const r = spawnSync('zstd', ['-q', '-c', '-'], { input: b, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr}`);

  return r.stdout;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** A layer input streaming the bytes in small chunks, as a network would. */
export function layer(blob: Buffer, digest = sha256(blob), chunk = 777): LayerInput {
  async function* gen() {
    for (let i = 0; i < blob.length; i += chunk) yield blob.subarray(i, i + chunk);
  }

  return { digest, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', stream: gen() };
}

export const gz = (b: Buffer) => gzipSync(b);

/** A raw ustar header block with a valid checksum, for cases no writer would produce. */
export function rawHeader(f: { name: string; size: number; type: string; sizeField?: Buffer }): Buffer {
  const h = Buffer.alloc(512);
  h.write(f.name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  if (f.sizeField) f.sizeField.copy(h, 124);
  else h.write(`${f.size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(f.type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);

  return h;
}
