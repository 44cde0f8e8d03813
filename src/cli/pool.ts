// Checking a folder in worker threads. Each worker runs the same command line (the launcher
// and its code cache), takes one file at a time from this thread, checks it as `uidctl check`
// does in one thread, and sends back the file's outcome (its report piece, its warnings). This
// thread hands the outcomes on in the order of the files, so the report, the warnings and the
// exit code are those of a check in one thread.

import { Worker } from 'node:worker_threads';
import type { CheckOne, FileOutcome, OutcomeShape } from './check.js';

/** What a worker needs to check files as the command line would. */
export interface WorkerSetup {
  one: CheckOne;
  shape: OutcomeShape;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** The mark in workerData that makes the command line serve as a check worker. */
export const CHECK_WORKER = 'uidctl-check-worker';

/** From this thread to a worker: a file to check, or the end. */
export type ToWorker = { index: number; file: string } | { done: true };

/** From a worker: a file's outcome and what checking it wrote to stderr, or a crash. */
export type FromWorker =
  | { index: number; outcome: FileOutcome; err: string }
  | { index: number; crash: { message: string; stack?: string } };

export async function checkInWorkers(
  entry: string,
  files: string[],
  jobs: number,
  setup: WorkerSetup,
  take: (outcome: FileOutcome, err: string) => void,
  starting: (file: string) => void,
): Promise<void> {
  const workers: Worker[] = [];
  const held = new Map<number, { outcome: FileOutcome; err: string }>();
  let next = 0;
  let flushed = 0;

  try {
    await new Promise<void>((resolveAll, rejectAll) => {
      // After a failure nothing more is handed on: the run stops as it would in one thread.
      let stopped = false;
      const reject = (e: Error) => {
        stopped = true;
        rejectAll(e);
      };
      // Workers holding a file: one that stops while holding one has failed.
      const busy = new Set<Worker>();
      const feed = (w: Worker) => {
        if (next < files.length) {
          busy.add(w);
          w.postMessage({ index: next, file: files[next] } satisfies ToWorker);
          next++;
        } else w.postMessage({ done: true } satisfies ToWorker);
      };
      for (let i = 0; i < jobs; i++) {
        const w = new Worker(entry, { workerData: { [CHECK_WORKER]: setup }, argv: [], stdout: false, stderr: false });
        workers.push(w);
        w.on('message', (m: FromWorker) => {
          if (stopped) return;
          if ('crash' in m) {
            // An internal error, as in one thread: the run stops and main() reports it.
            const e = new Error(m.crash.message);
            e.stack = m.crash.stack;
            reject(e);
            return;
          }
          busy.delete(w);
          held.set(m.index, m);
          // Hand on every outcome whose files before it are done: the order of the files.
          for (let h = held.get(flushed); h !== undefined; h = held.get(flushed)) {
            held.delete(flushed);
            flushed++;
            take(h.outcome, h.err);
            if (flushed < files.length) starting(files[flushed]);
          }
          if (flushed === files.length) resolveAll();
          else feed(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (busy.has(w)) reject(new Error(`a check worker stopped (exit code ${code}) before it had checked its file`));
        });
        feed(w);
      }
      starting(files[0]);
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
