// Benchmark (not a test): our Dockerfile parser against dockerfile-ast, in ms per file, on a
// generated corpus of typical ~2.7 KB Dockerfiles and on one ~5 MB file.
// Run: node --import tsx scripts/bench-dockerfile.mjs
import { DockerfileParser } from 'dockerfile-ast';

import { parseDockerfile } from '../src/dockerfile/index.ts';

function typical(seed) {
  const s = String(seed);
  return [
    '# syntax=docker/dockerfile:1',
    'ARG PYTHON_VERSION=3.12',
    `FROM python:\${PYTHON_VERSION}-slim AS build${s}`,
    'ENV PIP_NO_CACHE_DIR=1 \\',
    '    PYTHONDONTWRITEBYTECODE=1',
    'RUN --mount=type=cache,target=/var/cache/apt \\',
    '    apt-get update \\',
    '    # build tools for native wheels',
    '    && apt-get install -y --no-install-recommends build-essential git curl \\',
    '    && rm -rf /var/lib/apt/lists/*',
    'WORKDIR /src',
    'COPY requirements.txt .',
    'RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt',
    'COPY . .',
    'RUN <<EOF',
    'set -e',
    'python -m compileall -q /src',
    `echo build ${s} > /src/BUILD`,
    'EOF',
    '',
    'FROM python:${PYTHON_VERSION}-slim',
    'LABEL org.opencontainers.image.source="https://example.invalid/app" \\',
    '      org.opencontainers.image.description="example service"',
    'RUN groupadd --system --gid 10001 app \\',
    '    && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home app',
    `COPY --from=build${s} --chown=app:app /src /app`,
    'COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/entrypoint.sh',
    'ENV PATH="/app/.venv/bin:$PATH" \\',
    '    APP_HOME=/app',
    'WORKDIR /app',
    'VOLUME ["/app/data"]',
    'EXPOSE 8080/tcp',
    'HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/health || exit 1',
    'USER app:app',
    'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]',
    'CMD ["gunicorn", "--bind", "0.0.0.0:8080", "--workers", "4", "app.wsgi:application"]',
    '# padding comment to reach a typical size ' + 'x'.repeat(60),
    '# padding comment to reach a typical size ' + 'y'.repeat(60),
    'RUN set -eux; \\',
    '    mkdir -p /app/data /app/logs; \\',
    '    chown -R app:app /app/data /app/logs; \\',
    '    chmod 0750 /app/data /app/logs',
    'ONBUILD COPY . /app/src',
    'ARG TARGETARCH',
    'RUN case "$TARGETARCH" in \\',
    '      amd64) arch=x86_64 ;; \\',
    '      arm64) arch=aarch64 ;; \\',
    '      *) echo "unsupported $TARGETARCH" >&2; exit 1 ;; \\',
    '    esac; \\',
    '    curl -fsSLo /usr/local/bin/tini "https://example.invalid/tini-$arch"; \\',
    '    chmod +x /usr/local/bin/tini',
    'COPY --chown=app:app <<EOF /app/config/settings.toml',
    '[server]',
    'bind = "0.0.0.0:8080"',
    'workers = 4',
    '[logging]',
    'level = "info"',
    'path = "/app/logs/app.log"',
    'EOF',
    'RUN python - <<\'PY\'',
    'import compileall, sys',
    'ok = compileall.compile_dir("/app", quiet=1)',
    'sys.exit(0 if ok else 1)',
    'PY',
    '# the service reads its settings from /app/config and writes to /app/data only',
    'ENV APP_CONFIG=/app/config/settings.toml APP_DATA=/app/data APP_LOGS=/app/logs',
    'STOPSIGNAL SIGTERM',
    '',
  ].join('\n');
}

function time(fn, minMs) {
  let runs = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    fn();
    runs++;
    t = performance.now();
  }
  return (t - t0) / runs;
}

const corpus = Array.from({ length: 200 }, (_, i) => typical(i));
const avgKb = corpus.reduce((n, f) => n + f.length, 0) / corpus.length / 1024;

const bigParts = [];
let size = 0;
for (let i = 0; size < 5 * 1024 * 1024; i++) {
  const part = typical(i);
  bigParts.push(part);
  size += part.length + 1;
}
const big = bigParts.join('\n');

// Warm up both parsers so the JIT has seen the code.
for (let i = 0; i < 300; i++) {
  parseDockerfile(corpus[i % corpus.length]);
  DockerfileParser.parse(corpus[i % corpus.length]);
}

let k = 0;
const oursTypical = time(() => parseDockerfile(corpus[k++ % corpus.length]), 1500);
k = 0;
const astTypical = time(() => DockerfileParser.parse(corpus[k++ % corpus.length]), 1500);
const oursBig = time(() => parseDockerfile(big), 3000);
const astBig = time(() => DockerfileParser.parse(big), 3000);

const fmt = (ms) => ms.toFixed(4).padStart(12);
console.log(`typical files: ${corpus.length} generated, ${avgKb.toFixed(2)} KB on average`);
console.log(`  ours          ${fmt(oursTypical)} ms/file`);
console.log(`  dockerfile-ast${fmt(astTypical)} ms/file`);
console.log(`one big file: ${(big.length / 1024 / 1024).toFixed(2)} MB`);
console.log(`  ours          ${fmt(oursBig)} ms/file`);
console.log(`  dockerfile-ast${fmt(astBig)} ms/file`);
