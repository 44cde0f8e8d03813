#!/usr/bin/env node
// What `uidctl` starts: it loads the command line (dist/cli.cjs, one CommonJS bundle) through
// V8's code cache, so a cold `uidctl check` spends its time checking instead of compiling.
// The cache (dist/cli.cjs.cache) is written by `npm run build`, which runs the bundled example
// with UIDCTL_CODE_CACHE=write. V8 refuses a cache made by another V8 build, other V8 flags or
// another source, and then compiles the source as it would without one: the cache can make a
// start slower by nothing but the time to read it.
//
// UIDCTL_CODE_CACHE=off ignores the cache; =report says on stderr whether it was used.

import { setFlagsFromString } from 'node:v8';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

// V8 moves the objects of an allocation site straight to the old generation once most of them
// outlive a scavenge; here one site is pretenured after a few hundred files, the short-lived
// objects its objects point to then survive until a full collection, and the scavenger copies
// them over and over (measured with --trace-gc: two to three times the scavenge time, 15-20%
// of a folder's run). The flag only steers that heuristic. It is set before the cache is read:
// V8 accepts a cache only under the flags it was made with.
setFlagsFromString('--no-allocation-site-pretenuring');

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, 'cli.cjs');
const cacheFile = `${bundle}.cache`;
const mode = process.env.UIDCTL_CODE_CACHE;

let cachedData: Buffer | undefined;
if (mode !== 'off' && mode !== 'write') {
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no cache (not built yet, or removed): compile from source
  }
}

// The same wrapper node puts around a CommonJS module; the shebang line is not JavaScript.
const source = readFileSync(bundle, 'utf8').replace(/^#!.*/, '');
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
if (mode === 'report') {
  process.stderr.write(`uidctl: code cache ${cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used'}\n`);
}
if (mode === 'write') {
  // After the run: the cache then holds every function the run compiled, not only the top level.
  process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}

const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, here);
