// The worker pool of `uidctl check DIR --jobs N`: outcomes come back in any order and are handed
// on in the order of the files; a worker's internal error stops the run with its message.
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

describe('check worker pool', () => {
  test('outcomes are handed on in the order of the files, whatever order they finish in', async () => {
    const entry = join(tempDir({ 'worker.mjs': FAKE_WORKER }), 'worker.mjs');
    const files = ['a', 'b', 'bad-c', 'd', 'e', 'f', 'g'];
    const got: string[] = [];
    const started: string[] = [];
    await checkInWorkers(entry, files, 3, setup, (o: FileOutcome, err: string) => {
      assert.equal(o.error, undefined);
      if (o.error === undefined) got.push(`${o.piece.text!.trim()} ${o.failing} ${err.trim()}`);
    }, (f) => started.push(f));

    assert.deepEqual(got, files.map((f) => `${f} ${f.startsWith('bad')} checked ${f}`));
    assert.deepEqual(started, files);
  });

  test("a worker's internal error rejects with its message and stack", async () => {
    const entry = join(tempDir({ 'worker.mjs': FAKE_WORKER }), 'worker.mjs');
    await assert.rejects(
      checkInWorkers(entry, ['a', 'boom', 'c'], 2, setup, () => {}, () => {}),
      (e: Error) => e.message === 'model fault in boom' && e.stack === 'Error: model fault in boom\n    at fake',
    );
  });
});
