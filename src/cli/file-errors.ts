// Files a folder run could not check (bad syntax, unreadable): added to the JSON and SARIF
// reports so CI sees them next to the findings of the files that were checked.

import { artifact, sourceRoot } from '../report/sarif.js';

/** One file that could not be checked; line is null when the problem has none. */
export interface FileError {
  file: string;
  line: number | null;
  message: string;
}

/**
 * Add the per-file errors to a rendered report. JSON gets a top-level `errors` array (always
 * there, empty when every file was checked; docs/json-output.md). SARIF 2.1.0 gets an
 * invocation that did not succeed, with one toolExecutionNotification per file (section 3.20).
 */
export function withFileErrors(rendered: string, errors: FileError[], format: 'json' | 'sarif', root?: string): string {
  if (format === 'sarif' && errors.length === 0) return rendered;
  const doc = JSON.parse(rendered) as Record<string, unknown>;

  if (format === 'json') {
    // Keep summary last, where readers of the v1 report find it.
    const { summary, ...head } = doc;
    return `${JSON.stringify({ ...head, errors, summary }, null, 2)}\n`;
  }

  const runs = doc.runs as Record<string, unknown>[];
  const base = root === undefined ? undefined : sourceRoot(root);
  runs[0].invocations = [
    {
      executionSuccessful: false,
      toolExecutionNotifications: errors.map((e) => ({
        level: 'error',
        message: { text: e.message },
        locations: [
          {
            physicalLocation: {
              // Located as the results are: relative to %SRCROOT% where the file is below it.
              artifactLocation: artifact(e.file, root, base),
              ...(e.line !== null ? { region: { startLine: e.line } } : {}),
            },
          },
        ],
      })),
    },
  ];

  return `${JSON.stringify(doc, null, 2)}\n`;
}
