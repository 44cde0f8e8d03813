// Throughput of scanLayers on a real image of more than 1 GB, next to `gzip -dc | tar -t` on the
// same layer blobs in the same run, and the peak RSS of the scan. Prints numbers, asserts none.
// Needs buildah (vfs storage) and docker.io/library/debian:bookworm in its storage; the image
// and its OCI layout are built once and cached under ~/.cache/uidctl/bench/.
//
//   node scripts/bench-archive.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The scanner is TypeScript: run again under tsx when it is not loaded yet.
if (!process.execArgv.some((a) => a.includes('tsx'))) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

const { scanLayers } = await import('../src/archive/layers.ts');

const IMAGE = 'localhost/uidctl-bench:1gb';
const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'uidctl', 'bench');
const layout = join(cacheRoot, 'oci');
const buildah = (...args) => execFileSync('buildah', ['--storage-driver', 'vfs', ...args], { encoding: 'utf8' });

const CONTAINERFILE = `FROM docker.io/library/debian:bookworm
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      build-essential clang llvm python3-dev python3-pip openjdk-17-jdk-headless git sudo \\
    && rm -rf /var/lib/apt/lists/*
RUN useradd -m -u 1000 -s /bin/bash dev && mkdir -p /workspace && chown dev:dev /workspace
USER dev
WORKDIR /workspace
`;

if (buildah('images', '-q', IMAGE).trim() === '') {
  const ctx = join(cacheRoot, 'ctx');
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, 'Containerfile'), CONTAINERFILE);
  console.log(`building ${IMAGE} (a few minutes, once)`);
  execFileSync('buildah', ['--storage-driver', 'vfs', 'bud', '--isolation', 'chroot', '-t', IMAGE, ctx], { stdio: 'inherit' });
}
if (!existsSync(join(layout, 'index.json'))) {
  mkdirSync(cacheRoot, { recursive: true });
  buildah('push', IMAGE, `oci:${layout}`);
}

const blob = (d) => join(layout, 'blobs', ...d.split(':'));
const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
const files = manifest.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, path: blob(l.digest) }));
const compressed = files.reduce((n, f) => n + statSync(f.path).size, 0);
const MB = 1e6;

// Warm the page cache so neither side pays for the first read from disk.
for (const f of files) execFileSync('cat', [f.path], { stdio: ['ignore', 'ignore', 'inherit'] });

let uncompressed = 0;
for (const f of files) uncompressed += Number(execFileSync('sh', ['-c', `gzip -dc '${f.path}' | wc -c`], { encoding: 'utf8' }));

let t = process.hrtime.bigint();
for (const f of files) execFileSync('sh', ['-c', `gzip -dc '${f.path}' | tar -t > /dev/null`]);
const baseSec = Number(process.hrtime.bigint() - t) / 1e9;

t = process.hrtime.bigint();
const snap = await scanLayers(files.map((f) => ({ ...f, stream: createReadStream(f.path, { highWaterMark: 1 << 20 }) })));
const scanSec = Number(process.hrtime.bigint() - t) / 1e9;
const rssMB = (process.resourceUsage().maxRSS * 1024) / MB;

const fmt = (x) => x.toFixed(1);
console.log(`image            ${IMAGE}: ${files.length} layers, ${fmt(compressed / MB)} MB compressed, ${fmt(uncompressed / MB)} MB uncompressed, ${snap.fs.size} paths`);
console.log(`gzip -dc | tar -t ${fmt(baseSec)} s  ${fmt(uncompressed / MB / baseSec)} MB/s (uncompressed)  ${fmt(compressed / MB / baseSec)} MB/s (compressed)`);
console.log(`scanLayers       ${fmt(scanSec)} s  ${fmt(uncompressed / MB / scanSec)} MB/s (uncompressed)  ${fmt(compressed / MB / scanSec)} MB/s (compressed)`);
console.log(`ratio            ${((baseSec / scanSec) * 100).toFixed(0)}% of the gzip|tar rate (target >= 80%)`);
console.log(`peak RSS         ${fmt(rssMB)} MB (target < 300 MB)`);
console.log(`sha256 checked   yes (scanLayers verifies every layer digest while streaming)`);
