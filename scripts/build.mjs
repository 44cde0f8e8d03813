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
  // yaml and fzstd are loaded lazily by the few commands that need them.
  external: ['yaml', 'fzstd'],
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
