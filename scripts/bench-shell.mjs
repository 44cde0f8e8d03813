// Parser speed: ours against mvdan/sh (JS build) on generated Dockerfile RUN scripts.
// Run with `node --import tsx scripts/bench-shell.mjs [count]`. Not a test: timings depend on
// the machine; the budget is 0.4 ms for a whole Dockerfile of about 7 RUN instructions.
import sh from 'mvdan-sh';
import { parseShell } from '../src/shell/parse.ts';
import { generateRunLines } from '../tests/shell/corpus.ts';

const count = Number(process.argv[2] ?? 2000);
const lines = generateRunLines(count);
const chars = lines.reduce((n, l) => n + l.length, 0);

/**
 * Best of several rounds, in CPU microseconds per RUN line (CPU time, not wall time, so other
 * processes on a busy machine do not inflate it).
 */
function measure(fn) {
  for (const l of lines) fn(l);
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    const t0 = process.cpuUsage();
    for (const l of lines) fn(l);
    const d = process.cpuUsage(t0);
    const us = (d.user + d.system) / lines.length;
    if (us < best) best = us;
  }
  return best;
}

const t0 = process.hrtime.bigint();
const mvParser = sh.syntax.NewParser();
mvParser.Parse('true', 'warmup');
const mvStartMs = Number(process.hrtime.bigint() - t0) / 1e6;

const ours = measure((l) => parseShell(l));
const theirs = measure((l) => mvParser.Parse(l, 'run'));

console.log(`${lines.length} RUN scripts, ${(chars / lines.length).toFixed(0)} chars on average`);
const perFile = (ours * 7).toFixed(1);
console.log(`ours      ${ours.toFixed(2)} us/RUN   (${perFile} us per 7-RUN Dockerfile)`);
const start = mvStartMs.toFixed(1);
console.log(`mvdan-sh  ${theirs.toFixed(2)} us/RUN   (first parse after import: ${start} ms)`);
console.log(`speed-up  ${(theirs / ours).toFixed(1)}x`);
