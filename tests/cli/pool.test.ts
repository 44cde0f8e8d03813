// The worker pool of `uidctl check DIR --jobs N`: outcomes come back in any order and are handed
// on in the order of the files; a worker's internal error stops the run with its message; a
// worker that dies on a file (exit, out of memory) makes that file's error, and the rest go on.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkInWorkers, type WorkerSetup } from '../../src/cli/pool.js';
import type { FileOutcome } from '../../src/cli/check.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-pool-');

// A stand-in worker: answers each file after a delay that makes later files finish first, with
// the file's name as its report text; a file named "boom" is an internal error.
const FAKE_WORKER = `
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (m) => {
  if (m.done) { parentPort.close(); return; }
  if (m.file === 'exit') process.exit(7);
  if (m.file === 'oom') { const keep = []; for (;;) keep.push(new Array(1e6).fill(m.index)); }
  if (m.file === 'boom') {
    parentPort.postMessage({ index: m.index, crash: { message: 'model fault in boom', stack: 'Error: model fault in boom\\n    at fake' } });
    return;
  }
  setTimeout(() => parentPort.postMessage({
    index: m.index,
    outcome: { piece: { text: m.file + '\\n', counts: { error: 0, warning: 0, info: 0 } }, failing: m.file.startsWith('bad'), fromRefs: [] },
    err: 'checked ' + m.file + '\\n',
  }), (10 - m.index) * 15);
});
`;
const setup = {} as WorkerSetup;
const lostFile = (file: string, why: string): FileOutcome => ({ error: { file, line: null, message: why }, message: `${file}: ${why}` });

describe('check worker pool', () => {
  test('outcomes are handed on in the order of the files, whatever order they finish in', async () => {
    const entry = join(tempDir({ 'worker.mjs': FAKE_WORKER }), 'worker.mjs');
    const files = ['a', 'b', 'bad-c', 'd', 'e', 'f', 'g'];
    const got: string[] = [];
    const started: string[] = [];
    await checkInWorkers(entry, files, 3, setup, (o: FileOutcome, err: string) => {
      assert.equal(o.error, undefined);
      if (o.error === undefined) got.push(`${o.piece.text!.trim()} ${o.failing} ${err.trim()}`);
    }, (f) => started.push(f), lostFile);

    assert.deepEqual(got, files.map((f) => `${f} ${f.startsWith('bad')} checked ${f}`));
    assert.deepEqual(started, files);
  });

  test("a worker's internal error rejects with its message and stack", async () => {
    const entry = join(tempDir({ 'worker.mjs': FAKE_WORKER }), 'worker.mjs');
    await assert.rejects(
      checkInWorkers(entry, ['a', 'boom', 'c'], 2, setup, () => {}, () => {}, lostFile),
      (e: Error) => e.message === 'model fault in boom' && e.stack === 'Error: model fault in boom\n    at fake',
    );
  });

  test('a worker that exits or runs out of memory on a file makes that file an error; the others are reported in order', async () => {
    const entry = join(tempDir({ 'worker.mjs': FAKE_WORKER }), 'worker.mjs');
    const got: string[] = [];
    for (const jobs of [1, 2]) {
      got.length = 0;
      await checkInWorkers(entry, ['a', 'exit', 'b', 'oom', 'c'], jobs, setup, (o: FileOutcome) => {
        got.push(o.error === undefined ? o.piece.text!.trim() : `error ${o.error.file}: ${o.error.message}`);
      }, () => {}, lostFile, 32);
      assert.deepEqual(got, [
        'a',
        'error exit: the check worker stopped (exit code 7) while checking it',
        'b',
        'error oom: it needs more than 32 MB of memory to check',
        'c',
      ], `--jobs ${jobs}`);
    }
  });
});
