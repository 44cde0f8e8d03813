// The text report's identity block: how the capability set is summed up.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { renderText } from '../../src/report/text.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
function capsLine(run: string): string {
  const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\n', run: parseDockerRun(run, { invoker }) });
  const text = renderText([{ analysis: a, findings: a.findings }], { color: false, verbose: false });

  return text.split('\n').find((l) => l.startsWith('  caps')) ?? '';
}

describe('text report: capabilities', () => {
  const cases: [string, string][] = [
    ['docker run img', "  caps     14 (the engine's default set for root, incl. DAC_OVERRIDE)"],
    ['docker run --cap-add all img', '  caps     all 41'],
    ['docker run --privileged img', '  caps     all 41'],
    ['docker run --user 1000 img', '  caps     none'],
    ['docker run --cap-drop all --cap-add chown img', '  caps     CHOWN'],
  ];
  for (const [run, want] of cases) test(run, () => assert.equal(capsLine(run), want));
});
