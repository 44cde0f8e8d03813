// The report built file by file (what `uidctl check` of a folder uses) prints exactly what the
// whole-list renderers print, and counts findings by severity.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { renderJson, summary, type Reported } from '../../src/report/json.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { reportSink } from '../../src/report/sink.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const files: [string, string, string][] = [
  ['a/Dockerfile', 'FROM debian:bookworm\n', 'docker run img'],
  ['b/Dockerfile', 'FROM python:3.11-slim\nRUN useradd -m -u 1001 app\nUSER app\nRUN pip install numpy\n', 'docker run -v /data:/data img'],
  ['c/Dockerfile', 'FROM ubuntu:22.04\nRUN useradd -u 1000 dev\nUSER dev\nWORKDIR /work\n', 'docker run --user 2000 img'],
];
const results: Reported[] = files.map(([file, text, run]) => {
  const a = analyze({ file, text, run: parseDockerRun(run, { invoker }) });

  return { analysis: a, findings: a.findings };
});
const opts = (color: boolean) => ({ text: { color, verbose: false }, version: '9.9.9', root: '/home/me' });
function sunk(format: 'text' | 'json' | 'sarif', rs: Reported[], color = false): string {
  const sink = reportSink(format, opts(color));
  for (const r of rs) sink.add(r);

  return sink.finish();
}

describe('report sink', () => {
  test('the findings of the three files are counted by severity', () => {
    const all = results.flatMap((r) => r.findings);
    const want = {
      files: 3,
      errors: all.filter((f) => f.severity === 'error').length,
      warnings: all.filter((f) => f.severity === 'warning').length,
      infos: all.filter((f) => f.severity === 'info').length,
    };
    assert.ok(all.length > 0, 'the fixtures have findings');
    assert.deepEqual(summary(results), want);
    assert.ok(sunk('text', results).endsWith(`${want.errors} error(s), ${want.warnings} warning(s), ${want.infos} info(s) in 3 file(s)\n`));
  });
  test('text, plain and in colour, is what renderText prints', () => {
    assert.equal(sunk('text', results), renderText(results, { color: false, verbose: false }));
    assert.equal(sunk('text', results, true), renderText(results, { color: true, verbose: false }));
  });
  test('JSON is what renderJson prints', () => assert.equal(sunk('json', results), renderJson(results, '9.9.9')));
  test('SARIF is what renderSarif prints', () => assert.equal(sunk('sarif', results), renderSarif(results, '9.9.9', '/home/me')));
  test('no file checked: no text, and JSON that says so', () => {
    assert.equal(sunk('text', []), '');
    const doc = JSON.parse(sunk('json', []));
    assert.deepEqual(doc.results, []);
    assert.deepEqual(doc.summary, { files: 0, errors: 0, warnings: 0, infos: 0 });
  });
});
