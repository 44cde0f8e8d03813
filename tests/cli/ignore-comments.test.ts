// Inline ignore comments as `uidctl check` applies them: only Dockerfile comments are
// directives, and one that ignores nothing is a warning naming its file and line.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-ignores-');

async function check(text: string) {
  const dir = tempDir({ Dockerfile: text });
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
  const code = await main(['check', 'Dockerfile', '--format', 'json', '--fail-on', 'never', '--no-context', '--base-from', 'catalog'], io);
  const rules = JSON.parse(io.stdout).results[0].findings.map((f: { ruleId: string; location: { line: number } }) => `${f.ruleId}@${f.location.line}`);

  return { code, rules: rules as string[], stderr: io.stderr };
}

describe('uidctl check and ignore comments', () => {
  test('a global ignore in a RUN or COPY here-document, or between continuation lines, silences nothing and is a warning', async () => {
    const cases = [
      ['RUN <<EOF\n# uidctl global ignore=UID101\necho hi\nEOF\n', "Dockerfile:3: '# uidctl global ignore=UID101' is text of the here-document of the RUN at line 2, not a Dockerfile comment, so it ignores nothing (put it on a line of its own before line 2)"],
      ['COPY <<EOF /etc/motd\n# uidctl global ignore=UID101\nEOF\n', "Dockerfile:3: '# uidctl global ignore=UID101' is text of the here-document of the COPY at line 2, not a Dockerfile comment, so it ignores nothing (put it on a line of its own before line 2)"],
      ['RUN echo hi \\\n# uidctl global ignore=UID101\n  && echo x\n', "Dockerfile:3: '# uidctl global ignore=UID101' is between the continuation lines of the RUN at line 2, where the builder drops comments, so it ignores nothing (put it on a line of its own before line 2)"],
    ];
    for (const [middle, warning] of cases) {
      const r = await check(`FROM python:3.11-slim\n${middle}USER root\n`);
      assert.ok(r.rules.includes(`UID101@${middle.split('\n').length + 1}`), `${middle}: ${r.rules.join(' ')}`);
      assert.equal(r.stderr, `uidctl: warning: ${warning}\n`);
    }
  });

  test('an ignore between the continuation lines of a failing RUN silences neither it nor the next, with a warning', async () => {
    const r = await check('FROM python:3.11-slim\nRUN useradd -m app\nUSER app\nRUN mkdir /opt/x && \\\n# uidctl ignore=UID601\n    echo hi\n');
    assert.ok(r.rules.includes('UID601@4'), r.rules.join(' '));
    assert.match(r.stderr, /^uidctl: warning: Dockerfile:5: '# uidctl ignore=UID601' is between the continuation lines of the RUN at line 4/);
  });

  test('"# uidctl: ignore=UID101" is a warning and ignores nothing; a reason after " -- " keeps the ignore', async () => {
    const colon = await check('FROM python:3.11-slim\n# uidctl: ignore=UID101\nUSER root\n');
    assert.ok(colon.rules.includes('UID101@3'));
    assert.match(colon.stderr, /^uidctl: warning: Dockerfile:2: '# uidctl: ignore=UID101' is not an ignore comment, so it ignores nothing/);
    const reason = await check('FROM python:3.11-slim\n# uidctl ignore=UID101 -- trusted base\nUSER root\n');
    assert.ok(!reason.rules.some((r) => r.startsWith('UID101')), reason.rules.join(' '));
    assert.equal(reason.stderr, '');
  });
});
