// Every entry of a modelled tree sits in a folder the tree holds: a path is never spelled through
// a symlink, below a file, or below folders the model does not list. Checked on the fixtures and
// examples, and on the shapes from public Dockerfiles that once broke it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analyze.js';

function dockerfiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) dockerfiles(p, out);
    else if (/^(Dockerfile|Containerfile)/.test(name)) out.push(p);
  }
  return out;
}

/** Entries whose parent is missing from the tree or is not a folder, in every stage. */
function orphans(text: string): string[] {
  const out: string[] = [];
  for (const st of analyze({ file: 'Dockerfile', text }).sim.stages) {
    for (const p of st.state.fs.keys()) {
      if (p === '/') continue;
      const up = p.slice(0, p.lastIndexOf('/')) || '/';
      if (st.state.fs.get(up)?.kind !== 'dir') out.push(`stage ${st.index}: ${p}`);
    }
  }
  return out;
}

describe('no entry without its folder', () => {
  const shapes: [string, string][] = [
    ['COPY into /bin/ where /bin is a link to usr/bin', 'FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:latest /uv /uvx /bin/\n'],
    ['COPY .. . with no context read: .. is a folder', 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nCOPY .. .\nRUN npm install\n'],
    ['a COPY below a source guessed to be a file', 'FROM python:3.12-slim\nWORKDIR /app\nCOPY ih ./ih\nCOPY --from=node:20 /frontend/dist ./ih/frontend\n'],
    ['mkdir without -p inside a cloned tree', 'FROM ubuntu:22.04\nRUN git clone https://x.invalid/d.git ~/torch && cd ~/torch/exe/rocks && mkdir build && cd build && cmake .. && rm -rf ~/*\n'],
    ['ln -s into folders a base lists in part', 'FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04\nRUN ln -s /usr/local/cuda/lib64/stubs/libcuda.so /usr/local/cuda/lib64/stubs/libcuda.so.1\n'],
    ['cp -r of unknown sources into a folder that is there, and into one below a missing folder', 'FROM ubuntu:22.04\nRUN cd /tmp && cmake . && cp -r bin lib /usr/local/ && cp -r python/caffe /usr/local/lib/python3.6/dist-packages/\n'],
  ];
  for (const [name, text] of shapes) test(name, () => assert.deepEqual(orphans(text), []));

  const files = [...dockerfiles('tests/fixtures'), ...dockerfiles('examples')];
  test(`the ${files.length} fixture and example Dockerfiles`, () => {
    const bad = files.flatMap((f) => {
      try {
        return orphans(readFileSync(f, 'utf8')).map((o) => `${f}: ${o}`);
      } catch {
        return []; // files that are bad input on purpose
      }
    });
    assert.deepEqual(bad, []);
  });
});

describe('what the fixed shapes now give', () => {
  test('COPY to /bin/ lands in /usr/bin through the link', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nCOPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/\n' });
    assert.equal(a.image.fs.get('/usr/bin/uv')?.kind, 'file');
    assert.equal(a.image.fs.has('/bin/uv'), false);
  });

  test('a file guessed from an unread source becomes a folder when a COPY goes below it', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY ih ./ih\nCOPY --from=node:20 /frontend/dist ./ih/frontend\n' });
    assert.deepEqual([a.image.fs.get('/app/ih')?.kind, a.image.fs.get('/app/ih')?.partial], ['dir', true]);
  });
});

describe('a folder of the context copied to /', () => {
  const context = new Map([
    ['/', { kind: 'dir' as const, uid: 0, gid: 0, mode: 0o755 }],
    ['/rootfs', { kind: 'dir' as const, uid: 0, gid: 0, mode: 0o755 }],
    ['/rootfs/etc', { kind: 'dir' as const, uid: 0, gid: 0, mode: 0o755 }],
    ['/rootfs/etc/sudoers.d', { kind: 'dir' as const, uid: 0, gid: 0, mode: 0o755 }],
    ['/rootfs/etc/sudoers.d/dev', { kind: 'file' as const, uid: 0, gid: 0, mode: 0o440 }],
  ]);
  const texts: Record<string, string> = { '/rootfs/etc/sudoers.d/dev': 'dev ALL=(ALL) NOPASSWD:ALL\n' };

  for (const [name, copy] of [['COPY rootfs/ /', 'COPY rootfs/ /'], ['COPY . / (the whole context)', 'COPY . /']]) {
    test(`${name} lands at /etc/..., never //etc/..., and its texts are read`, () => {
      const text = `FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo && useradd -m dev\n${copy}\n`;
      const a = analyze({ file: 'Dockerfile', text, context, readContextText: (p) => texts[p] });
      const at = copy.startsWith('COPY .') ? '/rootfs/etc/sudoers.d/dev' : '/etc/sudoers.d/dev';
      assert.equal(a.image.fs.get(at)?.mode, 0o440);
      assert.deepEqual([...a.image.fs.keys()].filter((p) => p.startsWith('//')), []);
      if (at === '/etc/sudoers.d/dev') assert.ok(a.findings.some((f) => f.ruleId === 'UID403'));
    });
  }
});
