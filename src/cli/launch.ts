// What `uidctl` starts: it loads the command line (dist/cli.cjs, one CommonJS bundle) through
// V8's code cache, so a cold `uidctl check` spends its time checking instead of compiling.
// The cache (dist/cli.cjs.cache) is written by `npm run build`, which runs the bundled example
// with UIDCTL_CODE_CACHE=write. It starts with a SHA-1 of the bundle's source and of the cache
// itself: V8 checks only the source's length and trusts the cache's bytes (a flipped byte can
// crash it), so a cache that is not exactly the one made for this bundle is not handed to V8.
// V8 itself refuses a cache made by another V8 version or under other V8 flags (NODE_OPTIONS
// with --max-old-space-size, say); the bundle is then compiled from source, with the same
// output.
//
// UIDCTL_CODE_CACHE=off ignores the cache; =report says on stderr whether it was used.
//
// Started as a program (`uidctl`, npm's bin link, or `./dist/cli.js`), the file is first a
// shell script: its first two lines, which scripts/build.mjs writes, run
// `node --v8-pool-size=0` on this same file. Node's default is four V8 helper threads, which
// compile hot functions and help the garbage collector; on a machine with two CPUs they take
// turns with the thread that checks (measured: 90 preemptions of it in a 1,000-file folder
// against 6, and the run 15-20% slower). `--v8-pool-size=0` lets node pick one thread fewer
// than the CPUs (at least one). The option exists only on node's command line, so only a new
// process can set it; the shell's `exec` replaces itself with node, at about 1 ms. A pool size
// in NODE_OPTIONS is left to win. For JavaScript the second line is a string and a comment;
// `node dist/cli.js` skips the shell and keeps node's default.

import { setFlagsFromString } from 'node:v8';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

// V8 moves the objects of an allocation site straight to the old generation once most of them
// outlive a scavenge; here one site is pretenured after a few hundred files, the short-lived
// objects its objects point to then survive until a full collection, and the scavenger copies
// them over and over (measured with --trace-gc: two to three times the scavenge time, 15-20%
// of a folder's run). The flag only steers that heuristic. It is set before the cache is read:
// V8 accepts a cache only under the flags it was made with.
setFlagsFromString('--no-allocation-site-pretenuring');

// The real file: started through a symlink (npm's bin links) under --preserve-symlinks-main,
// import.meta.url names the link.
const here = dirname(realpathSync(fileURLToPath(import.meta.url)));
const bundle = join(here, 'cli.cjs');
const cacheFile = `${bundle}.cache`;
const mode = process.env.UIDCTL_CODE_CACHE;
const DIGEST = 20;

// The launcher alone (copied out of dist/ rather than linked) has nothing to start.
let bundleText: string;
try {
  bundleText = readFileSync(bundle, 'utf8');
} catch (e) {
  process.stderr.write(`uidctl: cannot read ${bundle} (${(e as NodeJS.ErrnoException).code}): the launcher needs the files of dist/ beside it; link to dist/cli.js rather than copy it\n`);
  process.exit(2);
}
// The shebang line is not JavaScript.
const source = bundleText.replace(/^#!.*/, '');
const digest = (payload: Uint8Array) => createHash('sha1').update(source).update(payload).digest();

let state: 'absent' | 'damaged' | 'used' | 'rejected' = 'absent';
let cachedData: Buffer | undefined;
if (mode !== 'off' && mode !== 'write') {
  try {
    const file = readFileSync(cacheFile);
    const payload = file.subarray(DIGEST);
    if (file.length > DIGEST && digest(payload).equals(file.subarray(0, DIGEST))) cachedData = payload;
    else state = 'damaged';
  } catch {
    // no cache (not built yet, or removed): compile from source
  }
}

// The same wrapper node puts around a CommonJS module.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
if (cachedData !== undefined) state = script.cachedDataRejected ? 'rejected' : 'used';
// Worker threads of `uidctl check DIR --jobs N` start here too: one report is enough.
if (mode === 'report' && isMainThread) process.stderr.write(`uidctl: code cache ${state}\n`);
if (mode === 'write' && isMainThread) {
  // After the run: the cache then holds every function the run compiled, not only the top level.
  process.once('exit', () => {
    const payload = script.createCachedData();
    try {
      writeFileSync(cacheFile, Buffer.concat([digest(payload), payload]));
    } catch (e) {
      process.stderr.write(`uidctl: cannot write the code cache ${cacheFile} (${(e as NodeJS.ErrnoException).code})\n`);
      process.exitCode = 2;
    }
  });
}

// Tells the bundle it was started as the command line, whatever name the link has.
(globalThis as Record<symbol, unknown>)[Symbol.for('uidctl.launched')] = true;
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, here);
