// Bundles the library (ES modules) and the command line (one CommonJS script and its V8 code
// cache). Type declarations come from tsc (emitDeclarationOnly).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // yaml is bundled into the chunks that read YAML (loaded lazily by the commands that need
  // them): one file compiles in a few milliseconds, where yaml's own 70 CommonJS modules took
  // about 60 ms to resolve and load. Its CommonJS code calls require(), which an ES module
  // lacks: the banner gives each output file one. fzstd stays external (archives only).
  external: ['fzstd'],
  banner: { js: "import { createRequire as __uidctlRequire } from 'node:module';\nconst require = __uidctlRequire(import.meta.url);" },
};

// The library: ES modules, with the modules it loads on demand in chunks of their own.
await build({
  ...common,
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  splitting: process.env.UIDCTL_SPLIT !== '0',
  chunkNames: 'chunks/[name]-[hash]',
});

// The command line: one CommonJS script, which dist/cli.js compiles with V8's code cache (ES
// modules cannot take one in Node 20). A cold `uidctl check` spent a third of its time parsing
// and compiling the ES chunks; with the cache it reads compiled code. Modules loaded on demand
// stay lazy: esbuild turns their import() into a wrapper run at first use, and V8 compiles a
// function only when it is first called.
await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  outfile: 'dist/cli.cjs',
  format: 'cjs',
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__uidctlUrl' },
  banner: { js: "const __uidctlUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// The launcher is a shell script and a module at once (see src/cli/launch.ts): sh reads the
// first lines and execs node with --v8-pool-size=0 on the same file, unless NODE_OPTIONS sets
// a pool size of its own (a command-line option would override it); node skips the #! line,
// and the second is a string and a comment to it.
const trampoline = `#!/bin/sh\n':' //; case "$NODE_OPTIONS" in *--v8-pool-size*) exec node "$0" "$@";; esac; exec node --v8-pool-size=0 "$0" "$@"`;
await build({ ...common, entryPoints: { cli: 'src/cli/launch.ts' }, outdir: 'dist', banner: { js: trampoline } });
chmodSync('dist/cli.js', 0o755);

// The code cache, from a run of the bundled example: it holds what a typical check compiles.
if (!process.argv.includes('--no-code-cache')) {
  const ex = 'examples/pytorch-uid-mismatch';
  execFileSync(process.execPath, ['dist/cli.js', 'check', `${ex}/Dockerfile`, '--run-file', `${ex}/run.sh`, '--host-facts', `${ex}/host.yaml`, '--no-config', '--fail-on', 'never'], {
    env: { ...process.env, UIDCTL_CODE_CACHE: 'write', NO_COLOR: '1' },
    stdio: 'ignore',
  });
}

if (!process.argv.includes('--no-types')) {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
