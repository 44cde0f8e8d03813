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

/**
 * The old-generation heap of one check worker: a file that outgrows it ends that worker (V8's
 * "heap limit" stop), which is then that file's error, not the end of the run.
 */
export const WORKER_HEAP_MB = 1536;

export async function checkInWorkers(
  entry: string,
  files: string[],
  jobs: number,
  setup: WorkerSetup,
  take: (outcome: FileOutcome, err: string) => void,
  starting: (file: string) => void,
  lost: (file: string, why: string) => FileOutcome,
  heapMb = WORKER_HEAP_MB,
): Promise<void> {
  const workers = new Set<Worker>();
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
      // The file each worker holds: one that stops while holding one has failed on it.
      const holding = new Map<Worker, number>();
      const feed = (w: Worker) => {
        if (next < files.length) {
          holding.set(w, next);
          w.postMessage({ index: next, file: files[next] } satisfies ToWorker);
          next++;
        } else w.postMessage({ done: true } satisfies ToWorker);
      };
      const settle = (index: number, outcome: FileOutcome, err: string) => {
        held.set(index, { outcome, err });
        // Hand on every outcome whose files before it are done: the order of the files.
        for (let h = held.get(flushed); h !== undefined; h = held.get(flushed)) {
          held.delete(flushed);
          flushed++;
          take(h.outcome, h.err);
          if (flushed < files.length) starting(files[flushed]);
        }
        if (flushed === files.length) resolveAll();
      };
      const start = () => {
        const w = new Worker(entry, {
          workerData: { [CHECK_WORKER]: setup }, argv: [], stdout: false, stderr: false,
          resourceLimits: { maxOldGenerationSizeMb: heapMb },
        });
        workers.add(w);
        // Why the worker stopped, when it says (an error event comes before its exit).
        let why: string | undefined;
        w.on('message', (m: FromWorker) => {
          if (stopped) return;
          if ('crash' in m) {
            // An internal error, as in one thread: the run stops and main() reports it.
            const e = new Error(m.crash.message);
            e.stack = m.crash.stack;
            reject(e);
            return;
          }
          holding.delete(w);
          settle(m.index, m.outcome, m.err);
          if (flushed < files.length) feed(w);
        });
        w.on('error', (e) => {
          why = (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? `it needs more than ${heapMb} MB of memory to check` : e.message;
        });
        w.on('exit', (code) => {
          workers.delete(w);
          const index = holding.get(w);
          if (stopped || index === undefined) return;
          // The file it held is that file's error; a new worker takes the next one.
          holding.delete(w);
          settle(index, lost(files[index], why ?? `the check worker stopped (exit code ${code}) while checking it`), '');
          if (flushed < files.length && next < files.length) feed(start());
        });
        return w;
      };
      for (let i = 0; i < jobs; i++) feed(start());
      starting(files[0]);
    });
  } finally {
    await Promise.all([...workers].map((w) => w.terminate()));
  }
}
