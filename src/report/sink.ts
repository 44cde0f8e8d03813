// A report built file by file. Each file's analysis is reduced to a piece - what its format
// prints of it - as soon as the file is checked, so a folder of thousands of Dockerfiles does
// not keep every image model (trees, accounts, simulator steps) alive until the last file is
// done: holding them made the garbage collector copy them again and again, a fifth of the time
// of a large folder. A piece is plain data, so a worker thread can make it and send it.

import type { Finding, Severity } from '../model/types.js';
import { addToTally, emptyTally, renderJsonDoc, resultJson, severityCounts, type Reported, type ResultJson } from './json.js';
import { instructionKeys, renderSarifFindings, type SarifOptions } from './sarif.js';
import { renderTextResult, renderTextSummary, type TextOptions } from './text.js';

export type ReportFormat = 'text' | 'json' | 'sarif';

/** One checked file as its report prints it, with its findings counted by severity. */
export interface ReportPiece {
  text?: string;
  json?: ResultJson;
  findings?: Finding[];
  /** SARIF: per finding, the normalised text of its instruction, for its fingerprint. */
  keys?: (string | undefined)[];
  counts: Record<Severity, number>;
}

export function reportPiece(r: Reported, format: ReportFormat, text: TextOptions): ReportPiece {
  const counts = severityCounts(r.findings);
  if (format === 'json') return { json: resultJson(r), counts };
  if (format === 'sarif') return { findings: r.findings, keys: instructionKeys(r), counts };

  return { text: renderTextResult(r, text), counts };
}

export interface ReportSink {
  /** Takes one checked file; nothing of `r` is kept but what the report prints. */
  add(r: Reported): void;
  /** Takes one file already reduced by reportPiece (with this sink's format and options). */
  addPiece(p: ReportPiece): void;
  /** The whole report; empty text when no file could be checked. */
  finish(): string;
}

/** sarif: the run's profile and config severities, for the rules' levels (SarifOptions). */
export function reportSink(format: ReportFormat, opts: { text: TextOptions; version: string; root: string; sarif?: Omit<SarifOptions, 'keys'> }): ReportSink {
  const tally = emptyTally();
  const blocks: string[] = [];
  const results: ResultJson[] = [];
  const findings: Finding[] = [];
  const keys: (string | undefined)[] = [];

  const sink: ReportSink = {
    add: (r) => sink.addPiece(reportPiece(r, format, opts.text)),
    addPiece(p) {
      addToTally(tally, p.counts);
      if (p.json) results.push(p.json);
      if (p.findings) {
        findings.push(...p.findings);
        keys.push(...(p.keys ?? p.findings.map(() => undefined)));
      }
      if (p.text !== undefined) blocks.push(p.text);
    },
    finish() {
      if (format === 'json') return renderJsonDoc(results, tally, opts.version);
      if (format === 'sarif') return renderSarifFindings(findings, opts.version, opts.root, { ...opts.sarif, keys });

      return tally.files === 0 ? '' : blocks.join('') + renderTextSummary(tally);
    },
  };

  return sink;
}
