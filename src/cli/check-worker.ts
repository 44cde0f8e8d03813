// The worker side of src/cli/pool.ts: check each file this thread is sent, with an Io that
// keeps what the check writes to stderr so the main thread prints it in the order of the files.

import { parentPort, workerData } from 'node:worker_threads';
import type { Io } from './io.js';
import { checkReduced } from './check.js';
import { CHECK_WORKER, type FromWorker, type ToWorker, type WorkerSetup } from './pool.js';

export function serveChecks(): void {
  const setup = (workerData as Record<string, WorkerSetup>)[CHECK_WORKER];
  const port = parentPort!;
  let err = '';
  const io: Io = {
    out: (t) => {
      err += t;
    },
    err: (t) => {
      err += t;
    },
    isTTY: false,
    errIsTTY: false,
    env: setup.env,
    cwd: setup.cwd,
  };

  port.on('message', (m: ToWorker) => {
    if ('done' in m) {
      port.close();
      return;
    }
    err = '';
    checkReduced(m.file, setup.one, io, setup.shape).then(
      (outcome) => port.postMessage({ index: m.index, outcome, err } satisfies FromWorker),
      (e: unknown) => {
        const x = e instanceof Error ? e : new Error(String(e));
        port.postMessage({ index: m.index, crash: { message: x.message, stack: x.stack } } satisfies FromWorker);
      },
    );
  });
}
