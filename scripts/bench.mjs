// Speed of `uidctl check`, next to baselines measured in the same run:
//   - throughput of the whole analysis (parse + simulate + run-time + verdicts + rules) per file,
//     against dockerfilelint (a JavaScript linter that only pattern-matches) linting the same
//     files, and dockerfile-ast (the TypeScript parser VS Code uses) only parsing them;
//   - growth with file size (time per KB on 1x, 4x, 16x files);
//   - cold start of one `uidctl check`, against bare `node -e 0`.
// A benchmark, not a test: it prints numbers and asserts nothing. Needs `npm run build` first.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

if (!existsSync('dist/index.js')) {
  console.error('bench: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

const { analyze, parseDockerfile } = await import('../dist/index.js');
const { DockerfileParser } = await import('dockerfile-ast');
// dockerfilelint is CommonJS; its run() reads .dockerfilelintrc from the folder it is given
// each time, as it does for every file it lints.
const dockerfilelint = createRequire(import.meta.url)('dockerfilelint');
const noConfig = join(tmpdir(), 'uidctl-bench-no-config');

// ---------------------------------------------------------------- corpus

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/^(Dockerfile|Containerfile)/.test(name)) out.push(readFileSync(p, 'utf8'));
  }
  return out;
}

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const BASES = [
  'pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime',
  'nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04',
  'python:3.11-slim',
  'jupyter/base-notebook',
  'ubuntu:22.04',
  'debian:bookworm',
  'continuumio/miniconda3',
];
const RUNS = [
  'apt-get update && apt-get install -y --no-install-recommends \\\n    git curl ca-certificates build-essential \\\n    && rm -rf /var/lib/apt/lists/*',
  'pip install --no-cache-dir numpy pandas scikit-learn matplotlib tqdm',
  'mkdir -p /workspace/data /workspace/checkpoints && chown -R ${USER_UID}:${USER_UID} /workspace',
  'chmod -R g+rwX /workspace && chmod 1777 /tmp',
  'if [ ! -d /opt/models ]; then mkdir -p /opt/models; fi',
  'for d in logs cache out; do mkdir -p /srv/$d; done',
  'echo "export PATH=/opt/conda/bin:$PATH" >> /etc/profile.d/conda.sh',
  'git clone https://example.invalid/repo.git /opt/repo && cd /opt/repo && make install',
  'conda install -y -c conda-forge jupyterlab && conda clean -afy',
  'ln -sf /usr/bin/python3 /usr/local/bin/python',
];

// The language build stages of the application images (multi-stage builds).
const APP_BUILDS = [
  { base: 'golang:1.22', files: 'go.mod go.sum ./', deps: 'go mod download', build: 'CGO_ENABLED=0 go build -o /out/app ./cmd/app', out: '/out/app', run: '["/app/app"]' },
  { base: 'node:20-alpine', files: 'package.json package-lock.json ./', deps: 'npm ci', build: 'npm run build && npm prune --omit=dev', out: '/src/dist', run: '["node", "/app/dist/server.js"]' },
  { base: 'rust:1.77', files: 'Cargo.toml Cargo.lock ./', deps: 'cargo fetch', build: 'cargo build --release', out: '/src/target/release/app', run: '["/app/app"]' },
  { base: 'maven:3.9-eclipse-temurin-21', files: 'pom.xml ./', deps: 'mvn -q dependency:go-offline', build: 'mvn -q package -DskipTests', out: '/src/target/app.jar', run: '["java", "-jar", "/app/app.jar"]' },
];
// The images they run in, with the package manager and user tools each has.
const RUNTIMES = [
  { base: 'alpine:3.19', pkg: 'apk add --no-cache ca-certificates tzdata curl', user: 'addgroup -S app && adduser -S -G app -h /app app' },
  { base: 'debian:bookworm-slim', pkg: 'apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \\\n    && rm -rf /var/lib/apt/lists/*', user: 'groupadd -r app && useradd -r -g app -d /app -s /usr/sbin/nologin app' },
  { base: 'ubuntu:22.04', pkg: 'apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \\\n    && rm -rf /var/lib/apt/lists/*', user: 'useradd --create-home --uid 10001 app' },
  { base: 'python:3.11-slim', pkg: 'pip install --no-cache-dir gunicorn', user: 'useradd -m -u 1000 app' },
  { base: 'eclipse-temurin:21-jre', pkg: 'apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*', user: 'groupadd --system app && useradd --system --gid app app' },
  { base: 'gcr.io/distroless/static', pkg: '', user: '' },
];
const APP_RUNS = [
  'mkdir -p /app/data /var/log/app && chown -R app:app /app /var/log/app',
  'chmod +x /app/entrypoint.sh',
  'curl -fsSL https://example.invalid/install.sh | sh',
  'wget -q https://example.invalid/tool.tar.gz && tar -xzf tool.tar.gz -C /usr/local/bin && rm tool.tar.gz',
  'echo "Europe/Berlin" > /etc/timezone',
  'ln -sf /dev/stdout /var/log/app/access.log',
  'set -eux; mkdir -p /app/tmp; chmod 1777 /app/tmp',
];

// A training or notebook image on a CUDA/PyTorch/Jupyter/conda base: one stage, its user made
// from build arguments, and the RUN steps this field writes.
function mlImage(i) {
  const lines = [
    '# syntax=docker/dockerfile:1',
    `FROM ${pick(BASES)} AS base`,
    'ARG USER_NAME=dev',
    'ARG USER_UID=1000',
    'ENV DEBIAN_FRONTEND=noninteractive PYTHONUNBUFFERED=1',
    'LABEL org.opencontainers.image.source="https://example.invalid/project"',
  ];
  for (let k = 0; k < 3 + (i % 5); k++) {
    lines.push(`# step ${k}: ${pick(['install the system dependencies the project needs', 'tooling for the notebooks and training scripts', 'data and checkpoint folders', 'clean up the package caches to keep the image small'])}`);
    lines.push(`RUN ${pick(RUNS)}`);
    if (k % 2 === 1) lines.push(`ENV STEP_${k}_DONE=1 LANG=C.UTF-8 LC_ALL=C.UTF-8 PIP_NO_CACHE_DIR=1`);
  }
  lines.push('RUN groupadd --gid ${USER_UID} ${USER_NAME} \\\n    && useradd --uid ${USER_UID} --gid ${USER_UID} --create-home --shell /bin/bash ${USER_NAME}');
  lines.push('WORKDIR /workspace', 'COPY --chown=${USER_UID}:${USER_UID} requirements.txt /workspace/', 'COPY src/ /workspace/src/');
  lines.push(`RUN ${pick(RUNS)}`, 'USER ${USER_NAME}', 'EXPOSE 8888', 'CMD ["python", "train.py"]');
  return lines;
}

// An application image: a language build stage, then a runtime stage that copies its output,
// as most public Dockerfiles are (about 1.5 FROM, 3 COPY and 5 RUN per file).
function appImage(i) {
  const b = pick(APP_BUILDS);
  const rt = pick(RUNTIMES);
  const lines = [
    '# syntax=docker/dockerfile:1',
    '# Builds the service in a full toolchain image, then copies only the result into a small',
    '# runtime image. Build: docker build -t example/service:dev .',
    'ARG APP_VERSION=1.0.0',
    '',
    '# ---- build stage: dependencies first, so the layer cache survives source changes ----',
    `FROM ${b.base} AS build`,
    'WORKDIR /src',
    `COPY ${b.files}`,
    `RUN ${b.deps}`,
    'COPY . .',
    `RUN ${b.build}`,
    '',
    `# ---- runtime stage, version \${APP_VERSION}: no compilers, runs as an unprivileged user ----`,
    `FROM ${rt.base}`,
    'ARG APP_VERSION',
    `LABEL org.opencontainers.image.version="\${APP_VERSION}"`,
  ];
  if (rt.pkg) lines.push(`RUN ${rt.pkg}`);
  if (rt.user && i % 3 !== 0) lines.push(`RUN ${rt.user}`);
  lines.push('WORKDIR /app', `COPY --from=build ${b.out} /app/`, 'COPY config/ /app/config/');
  if (rt.pkg) for (let k = 0; k < 1 + (i % 3); k++) lines.push(`RUN ${pick(APP_RUNS)}`);
  lines.push('ENV APP_ENV=production PORT=8080', 'EXPOSE 8080');
  if (rt.user && i % 3 !== 0) lines.push('USER app');
  lines.push(`ENTRYPOINT ${b.run}`);
  return lines;
}

// Shaped like public Dockerfiles: three in five are application images with a build stage,
// two in five training or notebook images (measured on 301 public Dockerfiles: 1.45 FROM,
// 5.2 RUN, 2.9 COPY and 1.7 ENV per file; a third of them ML images).
function generated(i) {
  return `${(i % 5 < 3 ? appImage(i) : mlImage(i)).join('\n')}\n`;
}

// `npm run bench -- DIR` measures a folder of your own Dockerfiles instead of the built-in corpus.
// --throughput-only: the child run below, which prints two numbers and stops.
const throughputOnly = process.argv.includes('--throughput-only');
const folder = process.argv.slice(2).find((a) => a !== '--throughput-only');
const fixtures = folder ? walk(folder, []) : walk('tests/fixtures', walk('examples', []));
if (folder && fixtures.length === 0) {
  console.error(`bench: no Dockerfile or Containerfile under ${folder}`);
  process.exit(2);
}
// A file uidctl refuses as bad input (a syntax error such as a misspelt instruction) gets a
// one-line error, not an analysis; dockerfilelint throws on some files it cannot read. Either
// is left out of every measurement, so all candidates time the same files.
const accepted = (fn) => {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
};
const corpus = fixtures.filter((text) => accepted(() => analyze({ file: 'Dockerfile', text })) && accepted(() => dockerfilelint.run(noConfig, text)));
const refused = fixtures.length - corpus.length;
for (let i = 0; !folder && corpus.length < 1000; i++) corpus.push(generated(i));
const bytes = corpus.reduce((n, t) => n + t.length, 0);
const sizes = corpus.map((t) => t.length).sort((a, b) => a - b);

// ---------------------------------------------------------------- measurements

function timeIt(label, fn, rounds = 5) {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const runFull = () => {
  for (const text of corpus) analyze({ file: 'Dockerfile', text });
};
const runOurParse = () => {
  for (const text of corpus) parseDockerfile(text);
};
const runAst = () => {
  for (const text of corpus) DockerfileParser.parse(text);
};
const runLint = () => {
  for (const text of corpus) dockerfilelint.run(noConfig, text);
};

runFull(); // warm up the JIT the same way for each
runOurParse();
runAst();
runLint();
// Interleaved rounds, best of each: a busy machine slows every candidate alike.
const best = { full: Infinity, ours: Infinity, ast: Infinity, lint: Infinity };
for (let r = 0; r < 7; r++) {
  best.full = Math.min(best.full, timeIt('full', runFull, 1));
  best.lint = Math.min(best.lint, timeIt('dockerfilelint', runLint, 1));
  best.ast = Math.min(best.ast, timeIt('dockerfile-ast', runAst, 1));
  best.ours = Math.min(best.ours, timeIt('parse', runOurParse, 1));
}
const { full, ours, ast, lint } = best;

const fmt = (ms) => `${(ms / corpus.length).toFixed(3)} ms/file`;
const rate = (ms) => `${Math.round(corpus.length / (ms / 1000))} files/s`;

// By file size: the same files in bands, after the warm-up above, each band best of 5, so a
// typical file of another corpus (the issue's median is 2.7 KB) can be read off.
const BANDS = [[0, 1024, '< 1 KB'], [1024, 2048, '1-2 KB'], [2048, 4096, '2-4 KB'], [4096, Infinity, '>= 4 KB']];
function bands() {
  const out = [];
  for (const [lo, hi, name] of BANDS) {
    const band = corpus.filter((t) => t.length >= lo && t.length < hi);
    if (band.length === 0) continue;
    const per = (fn) => timeIt(name, () => {
      for (const text of band) fn(text);
    }) / band.length;
    // The same files each analysed on its own, five times in a row (best of the five): what is
    // left of the difference is the cost of going from one kind of file to another.
    let alone = 0;
    for (const text of band) alone += timeIt(name, () => analyze({ file: 'Dockerfile', text }));
    out.push({ name, files: band.length, uidctl: per((text) => analyze({ file: 'Dockerfile', text })), lint: per((text) => dockerfilelint.run(noConfig, text)), alone: alone / band.length });
  }
  return out;
}
const showBands = (list) => {
  for (const b of list) {
    console.log(`  ${b.name.padEnd(8)} ${String(b.files).padStart(5)} files   uidctl ${b.uidctl.toFixed(3)} ms/file   dockerfilelint ${b.lint.toFixed(3)} ms/file (baseline)   uidctl, each file alone ${b.alone.toFixed(3)}`);
  }
};

if (throughputOnly) {
  console.log(JSON.stringify({ full: full / corpus.length, lint: lint / corpus.length, bands: bands() }));
  process.exit(0);
}

if (refused > 0) console.log(`${refused} file(s) left out: uidctl refuses them as bad input, or dockerfilelint throws on them`);
console.log(`corpus: ${corpus.length} Dockerfiles (${folder ? `from ${folder}` : `${fixtures.length} fixtures + generated`}), ${(bytes / 1024).toFixed(0)} KB, median ${(sizes[sizes.length >> 1] / 1024).toFixed(1)} KB, largest ${(sizes[sizes.length - 1] / 1024).toFixed(1)} KB`);
console.log('');
console.log('throughput (one process, best of 7 interleaved rounds)');
console.log(`  uidctl full analysis        ${fmt(full).padEnd(16)} ${rate(full)}`);
console.log(`  uidctl Dockerfile parse     ${fmt(ours).padEnd(16)} ${rate(ours)}`);
console.log(`  dockerfilelint (patterns)   ${fmt(lint).padEnd(16)} ${rate(lint)}   (baseline)`);
console.log(`  dockerfile-ast parse only   ${fmt(ast).padEnd(16)} ${rate(ast)}   (baseline)`);

// The uidctl command line turns off V8's allocation-site pretenuring and runs with one V8 helper
// thread fewer than the CPUs (see src/cli/launch.ts); a program that imports the library keeps
// its own V8 settings. The same measurement, in a child process with the CLI's settings, again
// next to dockerfilelint in that process.
const child = spawnSync(process.execPath, ['--v8-pool-size=0', '--no-allocation-site-pretenuring', 'scripts/bench.mjs', '--throughput-only', ...(folder ? [folder] : [])], { encoding: 'utf8' });
if (child.status === 0) {
  const c = JSON.parse(child.stdout.trim().split('\n').at(-1));
  console.log('as the uidctl command line runs it (V8 pretenuring off, helper threads one fewer than CPUs), in a second process');
  console.log(`  uidctl full analysis        ${fmt(c.full * corpus.length).padEnd(16)} ${rate(c.full * corpus.length)}`);
  console.log(`  dockerfilelint (patterns)   ${fmt(c.lint * corpus.length).padEnd(16)} ${rate(c.lint * corpus.length)}   (baseline, same process)`);
  console.log('  by file size, in that process (best of 5 per band)');
  showBands(c.bands);
} else {
  console.log(`  (the run with the CLI's V8 setting failed: ${child.stderr.trim().split('\n')[0]})`);
}

// ---------------------------------------------------------------- growth with size

console.log('');
console.log('growth with file size (full analysis)');
const unit = `${mlImage(1).join('\n')}\n`;
for (const times of [1, 16, 64, 256]) {
  const body = unit.split('\n').filter((l) => l.startsWith('RUN ') && !l.includes('useradd')).join('\n');
  const text = unit + `${body}\n`.repeat(times);
  const ms = timeIt('size', () => analyze({ file: 'Dockerfile', text }), 3);
  const astMs = times <= 64 ? timeIt('size', () => DockerfileParser.parse(text), 3) : NaN;
  console.log(
    `  ${(text.length / 1024).toFixed(0).padStart(6)} KB   uidctl ${ms.toFixed(1).padStart(8)} ms (${(ms / (text.length / 1024)).toFixed(3)} ms/KB)` +
      (Number.isNaN(astMs) ? '' : `   dockerfile-ast ${astMs.toFixed(1).padStart(8)} ms (${(astMs / (text.length / 1024)).toFixed(3)} ms/KB)`),
  );
}

// ---------------------------------------------------------------- cold start

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

// Each command line is started as a program, as a shell or CI job starts it (`uidctl ...`,
// `dockerfilelint ...`): the first line of the file decides how. For uidctl that is sh, which
// execs node with --v8-pool-size=0 (src/cli/launch.ts); for dockerfilelint, env and node.
// The node they find first in PATH is the one running this script.
const programEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
const UIDCTL = 'dist/cli.js';

function coldStart(command, n = 15, env = programEnv) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    spawnSync(command[0], command.slice(1), { stdio: 'ignore', env });
    times.push(performance.now() - t0);
  }
  return median(times);
}

const ex = 'examples/pytorch-uid-mismatch';
// A project whose context holds a data folder of 5,000 files that no COPY names: BuildKit
// sends only what COPY reads, and uidctl reads only that too.
const project = mkdtempSync(join(tmpdir(), 'uidctl-bench-project-'));
writeFileSync(join(project, 'Dockerfile'), readFileSync(`${ex}/Dockerfile`));
writeFileSync(join(project, 'requirements.txt'), 'torch\n');
for (let d = 0; d < 50; d++) {
  mkdirSync(join(project, 'data', `shard-${d}`), { recursive: true });
  for (let f = 0; f < 100; f++) writeFileSync(join(project, 'data', `shard-${d}`, `${f}.pt`), '');
}
const bare = coldStart([process.execPath, '-e', '0']);
const check = coldStart([UIDCTL, 'check', `${ex}/Dockerfile`, '--format', 'json']);
const checkNoCache = coldStart([UIDCTL, 'check', `${ex}/Dockerfile`, '--format', 'json'], 15, { ...programEnv, UIDCTL_CODE_CACHE: 'off' });
const checkRun = coldStart([UIDCTL, 'check', `${ex}/Dockerfile`, '--run-file', `${ex}/run.sh`, '--host-facts', `${ex}/host.yaml`, '--format', 'json']);
const checkProject = coldStart([UIDCTL, 'check', join(project, 'Dockerfile'), '--format', 'json']);
const checkProjectClassic = coldStart([UIDCTL, 'check', join(project, 'Dockerfile'), '--builder', 'classic', '--format', 'json']);
rmSync(project, { recursive: true, force: true });
console.log('');
console.log('cold start (median of 15 processes)');
console.log(`  node -e 0                                  ${bare.toFixed(0).padStart(4)} ms   (baseline)`);
console.log(`  uidctl check Dockerfile                    ${check.toFixed(0).padStart(4)} ms`);
console.log(`    the same without the code cache          ${checkNoCache.toFixed(0).padStart(4)} ms   (UIDCTL_CODE_CACHE=off: compiled from source)`);
console.log(`  uidctl check Dockerfile --run --host-facts ${checkRun.toFixed(0).padStart(4)} ms`);
console.log(`  uidctl check, 5,000 unused context files  ${checkProject.toFixed(0).padStart(4)} ms   (only what COPY names is read)`);
console.log(`    the same with --builder classic          ${checkProjectClassic.toFixed(0).padStart(4)} ms   (the classic builder sends the whole context)`);

// ---------------------------------------------------------------- a folder in one process

// The whole corpus through each command line, one process each, as a CI job would run it.
const folderDir = mkdtempSync(join(tmpdir(), 'uidctl-bench-folder-'));
const files = corpus.map((text, i) => {
  const f = join(folderDir, `p${i}`, 'Dockerfile');
  mkdirSync(join(folderDir, `p${i}`));
  writeFileSync(f, text);
  return f;
});
const lintBin = createRequire(import.meta.url).resolve('dockerfilelint/bin/dockerfilelint');
const wall = (command) => {
  const t0 = performance.now();
  spawnSync(command[0], command.slice(1), { stdio: 'ignore', env: programEnv, maxBuffer: 1 << 30 });
  return performance.now() - t0;
};
// What `uidctl check DIR` picks by default (src/cli/check.ts: one worker per 100 files and two
// CPUs, at most 4).
const defaultJobs = Math.min(Math.floor(availableParallelism() / 2), 4, Math.floor(corpus.length / 100));
const folderTimes = { uidctl: [], one: [], plainNode: [], lint: [] };
for (let r = 0; r < 5; r++) {
  folderTimes.uidctl.push(wall([UIDCTL, 'check', folderDir, '--fail-on', 'never']));
  folderTimes.one.push(wall([UIDCTL, 'check', folderDir, '--fail-on', 'never', '--jobs', defaultJobs > 1 ? '1' : '2']));
  folderTimes.plainNode.push(wall([process.execPath, UIDCTL, 'check', folderDir, '--fail-on', 'never']));
  folderTimes.lint.push(wall([lintBin, ...files]));
}
rmSync(folderDir, { recursive: true, force: true });
console.log('');
console.log(`a folder of ${corpus.length} Dockerfiles, one process, text output (median of 5)`);
console.log(`  uidctl check DIR                          ${(median(folderTimes.uidctl) / 1000).toFixed(2).padStart(5)} s   (${defaultJobs > 1 ? `${defaultJobs} worker threads` : 'one thread'} on ${availableParallelism()} CPUs)`);
console.log(`  uidctl check DIR --jobs ${defaultJobs > 1 ? '1' : '2'}                 ${(median(folderTimes.one) / 1000).toFixed(2).padStart(5)} s   (${defaultJobs > 1 ? 'one thread' : '2 worker threads'})`);
console.log(`  node dist/cli.js check DIR                ${(median(folderTimes.plainNode) / 1000).toFixed(2).padStart(5)} s   (node's default of 4 V8 helper threads)`);
console.log(`  dockerfilelint FILE...                    ${(median(folderTimes.lint) / 1000).toFixed(2).padStart(5)} s   (baseline, one thread)`);
