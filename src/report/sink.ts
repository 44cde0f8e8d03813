// A report built file by file. Each file's analysis is reduced to what its format prints as soon
// as the file is checked, so a folder of thousands of Dockerfiles does not keep every image model
// (trees, accounts, simulator steps) alive until the last file is done: holding them made the
// garbage collector copy them again and again, a fifth of the time of a large folder.

import type { Finding } from '../model/types.js';
import { addToTally, emptyTally, renderJsonDoc, resultJson, type Reported, type ResultJson } from './json.js';
import { renderSarifFindings } from './sarif.js';
import { renderTextResult, renderTextSummary, type TextOptions } from './text.js';

export type ReportFormat = 'text' | 'json' | 'sarif';

export interface ReportSink {
  /** Takes one checked file; nothing of `r` is kept but what the report prints. */
  add(r: Reported): void;
  /** The whole report; empty text when no file could be checked. */
  finish(): string;
}

export function reportSink(format: ReportFormat, opts: { text: TextOptions; version: string; root: string }): ReportSink {
  const tally = emptyTally();
  const blocks: string[] = [];
  const results: ResultJson[] = [];
  const findings: Finding[] = [];

  return {
    add(r) {
      addToTally(tally, r.findings);
      if (format === 'json') results.push(resultJson(r));
      else if (format === 'sarif') findings.push(...r.findings);
      else blocks.push(renderTextResult(r, opts.text));
    },
    finish() {
      if (format === 'json') return renderJsonDoc(results, tally, opts.version);
      if (format === 'sarif') return renderSarifFindings(findings, opts.version, opts.root);

      return tally.files === 0 ? '' : blocks.join('') + renderTextSummary(tally);
    },
  };
}
