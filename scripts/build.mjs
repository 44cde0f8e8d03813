// Bundles the CLI and the library into single ESM files: one file to load keeps the cold start of
// `uidctl check` near bare node's. Type declarations come from tsc (emitDeclarationOnly).
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

await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts' },
  outdir: 'dist',
  // Commands and YAML-reading modules are loaded on demand: separate chunks keep start-up small.
  splitting: process.env.UIDCTL_SPLIT !== '0',
  chunkNames: 'chunks/[name]-[hash]',
});
chmodSync('dist/cli.js', 0o755);

if (!process.argv.includes('--no-types')) {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
