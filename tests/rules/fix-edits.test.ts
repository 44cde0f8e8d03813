// The Dockerfile edits fixes carry, and the pure part of `uidctl fix`: applying edits, keeping
// only those a second analysis confirms, and the diff of the result.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import type { Finding } from '../../src/model/types.js';
import { applyEdits, candidatesOf, overlaps, unifiedDiff, verifyEdits, type Edit } from '../../src/fix/edits.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const check = (text: string, run?: string) => analyze({ file: 'Dockerfile', text, run: run ? parseDockerRun(run, { invoker }) : undefined });
const edit = (startLine: number, endLine: number, text: string): Edit => ({ file: 'Dockerfile', startLine, endLine, text });
const edits = (a: ReturnType<typeof check>, id: string) => a.findings.filter((f) => f.ruleId === id).flatMap((f) => f.fixes.map((x) => x.edit).filter((e) => e !== undefined));

/** Analyse the text, apply every edit the rule's findings carry, and analyse the result again. */
function appliedAndChecked(text: string, id: string, run?: string) {
  const a = check(text, run);
  const fixed = applyEdits(text, [edits(a, id)[0]]).text;

  return { fixed, left: check(fixed, run).findings.filter((f) => f.severity === 'error' || f.ruleId === id).map((f) => f.ruleId) };
}

describe('applyEdits', () => {
  const TEXT = 'a\nb\nc\n';

  test('an insertion (endLine = startLine - 1) goes before its line; a replacement replaces its range', () => {
    assert.deepEqual(applyEdits(TEXT, [edit(2, 1, 'x')]), { text: 'a\nx\nb\nc\n', origin: [1, 2, 2, 3] });
    assert.deepEqual(applyEdits(TEXT, [edit(2, 3, 'y\nz\nw')]), { text: 'a\ny\nz\nw\n', origin: [1, 2, 2, 2] });
  });

  test('edits given in any order are applied from the last, so each keeps its lines', () => {
    assert.equal(applyEdits(TEXT, [edit(1, 0, 'first'), edit(3, 3, 'C'), edit(4, 3, 'end')]).text, 'first\na\nb\nC\nend\n');
  });

  test('insertions at the same line keep their order, and go before a replacement starting there', () => {
    assert.equal(applyEdits(TEXT, [edit(2, 1, 'x1'), edit(2, 2, 'B'), edit(2, 1, 'x2')]).text, 'a\nx1\nx2\nB\nc\n');
  });

  test('CRLF lines stay CRLF, and a file without a last newline gets none', () => {
    assert.equal(applyEdits('a\r\nb\r\n', [edit(2, 1, 'x')]).text, 'a\r\nx\r\nb\r\n');
    assert.equal(applyEdits('a\nb', [edit(3, 2, 'x')]).text, 'a\nb\nx');
  });

  test('overlaps: shared lines, or an insertion strictly inside a replaced range', () => {
    assert.equal(overlaps(edit(2, 3, 'x'), edit(3, 4, 'y')), true);
    assert.equal(overlaps(edit(2, 3, 'x'), edit(3, 2, 'y')), true);
    assert.equal(overlaps(edit(2, 3, 'x'), edit(2, 1, 'y')), false);
    assert.equal(overlaps(edit(2, 3, 'x'), edit(4, 3, 'y')), false);
    assert.equal(overlaps(edit(2, 1, 'x'), edit(2, 1, 'y')), false);
  });
});

describe('unifiedDiff', () => {
  const TEXT = Array.from({ length: 12 }, (_x, i) => `L${i + 1}`).join('\n') + '\n';

  test('three lines of context, the ranges as diff -u gives them', () => {
    assert.equal(unifiedDiff('Dockerfile', TEXT, [edit(5, 4, 'NEW')]), [
      '--- Dockerfile', '+++ Dockerfile', '@@ -2,6 +2,7 @@', ' L2', ' L3', ' L4', '+NEW', ' L5', ' L6', ' L7', '',
    ].join('\n'));
  });

  test('changes whose contexts touch share a hunk; far ones get their own, shifted', () => {
    assert.equal(unifiedDiff('D', TEXT, [edit(11, 11, 'X\nY'), edit(1, 1, 'A'), edit(4, 3, 'B')]), [
      '--- D', '+++ D',
      '@@ -1,6 +1,7 @@', '-L1', '+A', ' L2', ' L3', '+B', ' L4', ' L5', ' L6',
      '@@ -8,5 +9,6 @@', ' L8', ' L9', ' L10', '-L11', '+X', '+Y', ' L12', '',
    ].join('\n'));
  });

  test('a text without a newline at its end: marked as diff -u marks it, and lines put after it', () => {
    assert.equal(unifiedDiff('D', 'a\nb', [edit(3, 2, 'x')]), [
      '--- D', '+++ D', '@@ -1,2 +1,3 @@', ' a', '-b', '\\ No newline at end of file', '+b', '+x', '\\ No newline at end of file', '',
    ].join('\n'));
    assert.equal(unifiedDiff('D', 'a\nb', [edit(2, 1, 'x')]), ['--- D', '+++ D', '@@ -1,2 +1,3 @@', ' a', '+x', ' b', '\\ No newline at end of file', ''].join('\n'));
  });

  test('nothing to show for no edits', () => {
    assert.equal(unifiedDiff('D', TEXT, []), '');
  });

  test('CRLF lines end in CRLF in the diff too (as diff -u keeps the CR), so patch applies it; not the one without a newline', () => {
    assert.equal(unifiedDiff('D', 'a\r\nb\r\n', [edit(2, 1, 'x')]), ['--- D', '+++ D', '@@ -1,2 +1,3 @@', ' a\r', '+x\r', ' b\r', ''].join('\n'));
    assert.equal(unifiedDiff('D', 'a\r\nb', [edit(2, 1, 'x')]), ['--- D', '+++ D', '@@ -1,2 +1,3 @@', ' a\r', '+x\r', ' b', '\\ No newline at end of file', ''].join('\n'));
  });
});

describe('verifyEdits', () => {
  const finding = (ruleId: string, line: number, message: string, fixes: Edit[] = [], severity: Finding['severity'] = 'error'): Finding => ({
    ruleId, severity, message, why: '', location: { file: 'Dockerfile', line }, dependsOn: [],
    fixes: fixes.map((e) => ({ description: `fix ${e.text}`, safe: false, edit: e })),
  });
  const TEXT = 'FROM x\nUSER app\nCMD run\n';

  test('an edit whose finding is gone is kept; the finding is no longer left', () => {
    const f = finding('UID105', 2, 'cannot write /app', [edit(2, 1, 'RUN fix')]);
    const v = verifyEdits(TEXT, 'Dockerfile', [f], candidatesOf([f], 'Dockerfile'), (t) => (t.includes('RUN fix') ? [] : [f]));
    assert.equal(v.text, 'FROM x\nRUN fix\nUSER app\nCMD run\n');
    assert.deepEqual([v.applied.length, v.rejected, v.left], [1, [], []]);
  });

  test('an edit after which the finding is still reported (its line moved by the edit) is not kept', () => {
    const f = finding('UID105', 2, 'cannot write /app', [edit(2, 1, 'RUN nothing')]);
    // Analysed again, the same finding is at line 3, which is line 2 of the original.
    const v = verifyEdits(TEXT, 'Dockerfile', [f], candidatesOf([f], 'Dockerfile'), () => [finding('UID105', 3, 'other words')]);
    assert.equal(v.text, TEXT);
    assert.deepEqual(v.rejected.map((r) => r.reason), ['analysed again, UID105 is still reported']);
    assert.deepEqual(v.left, [f]);
  });

  test('an edit that brings a new error is not kept; the next fix of the same finding is tried', () => {
    const f = finding('UID106', 3, 'cannot execute', [edit(2, 1, 'RUN bad'), edit(3, 2, 'RUN good')]);
    const v = verifyEdits(TEXT, 'Dockerfile', [f], candidatesOf([f], 'Dockerfile'), (t) =>
      (t.includes('RUN bad') ? [finding('UID604', 2, 'The build fails here')] : []));
    assert.deepEqual(v.rejected.map((r) => r.reason), ['analysed again, it brings a new error: UID604 The build fails here']);
    assert.deepEqual(v.applied.map((c) => c.edit.text), ['RUN good']);
    assert.equal(v.text, 'FROM x\nUSER app\nRUN good\nCMD run\n');
  });

  test('a new warning does not stop an edit, and errors already there are not new', () => {
    const old = finding('UID101', 1, 'runs as root');
    const f = finding('UID105', 2, 'cannot write /app', [edit(2, 1, 'RUN fix')]);
    const v = verifyEdits(TEXT, 'Dockerfile', [old, f], candidatesOf([f], 'Dockerfile'), () => [old, finding('UID603', 2, 'not modelled', [], 'warning')]);
    assert.equal(v.applied.length, 1);
    assert.deepEqual(v.left, [old]);
  });

  test('an edit the analysis cannot read is not kept; one overlapping a kept edit is not tried', () => {
    const f = finding('UID604', 3, 'fails', [edit(3, 3, 'RUN (')]);
    const g = finding('UID105', 3, 'cannot write', [edit(3, 3, 'CMD ok')]);
    const h = finding('UID106', 3, 'cannot execute', [edit(3, 3, 'CMD other')]);
    let calls = 0;
    const v = verifyEdits(TEXT, 'Dockerfile', [f, g, h], candidatesOf([f, g, h], 'Dockerfile'), (t) => {
      calls++;
      if (t.includes('RUN (')) return undefined;
      return [h];
    });
    assert.deepEqual(v.rejected.map((r) => r.reason), ['the edited Dockerfile could not be analysed', 'it overlaps the edit for UID105 at line 3']);
    assert.equal(calls, 2);
  });

  test('a finding an earlier edit removed has its own edits skipped, not applied twice', () => {
    const f = finding('UID105', 2, 'cannot write /app', [edit(2, 1, 'RUN fix')]);
    const g = finding('UID201', 3, 'cannot write /data', [edit(2, 1, 'RUN other')]);
    const v = verifyEdits(TEXT, 'Dockerfile', [f, g], candidatesOf([f, g], 'Dockerfile'), () => []);
    assert.deepEqual(v.applied.map((c) => c.edit.text), ['RUN fix']);
    assert.deepEqual(v.left, []);
  });
});

describe('the edits rules give', () => {
  test('rootStep: before the stage\'s USER line, where the chown builds', () => {
    const T = 'FROM python:3.11-slim\nRUN useradd -m -u 1000 app\nWORKDIR /app\nUSER app\nCMD ["python", "train.py"]\n';
    assert.deepEqual(edits(check(T), 'UID105'), [edit(4, 3, 'RUN mkdir -p /app && chown app:app /app')]);
    assert.deepEqual(appliedAndChecked(T, 'UID105'), {
      fixed: 'FROM python:3.11-slim\nRUN useradd -m -u 1000 app\nWORKDIR /app\nRUN mkdir -p /app && chown app:app /app\nUSER app\nCMD ["python", "train.py"]\n',
      left: [],
    });
  });

  test('rootStep: at the end of the stage when it builds as root', () => {
    const T = 'FROM debian:bookworm\nWORKDIR /work\nCMD ["sleep", "1"]\n';
    assert.deepEqual(edits(check(T, 'docker run -u 1000:1000 img'), 'UID105'), [edit(4, 3, 'RUN mkdir -p /work && chown 1000:1000 /work')]);
    assert.deepEqual(appliedAndChecked(T, 'UID105', 'docker run -u 1000:1000 img').left, []);
  });

  test('rootStep: wrapped in USER root ... USER NAME at the end when the user is the base\'s', () => {
    const T = 'FROM jupyter/base-notebook\nRUN true\n';
    assert.deepEqual(edits(check(T, 'docker run -w /opt img'), 'UID105'), [edit(3, 2, 'USER root\nRUN mkdir -p /opt && chown jovyan:users /opt\nUSER 1000')]);
    assert.deepEqual(appliedAndChecked(T, 'UID105', 'docker run -w /opt img').left, []);
  });

  test('UID604: source becomes . over the whole RUN, continuation lines joined', () => {
    const T = 'FROM debian:bookworm\nRUN true && \\\n  source /etc/profile && echo ok\n';
    assert.deepEqual(edits(check(T), 'UID604'), [edit(2, 3, 'RUN true &&   . /etc/profile && echo ok')]);
    assert.deepEqual(appliedAndChecked(T, 'UID604').left, []);
  });

  test('UID604: the bash SHELL replaces the SHELL naming dash with pipefail', () => {
    const T = 'FROM debian:bookworm\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN echo a | cat\n';
    assert.deepEqual(edits(check(T), 'UID604'), [edit(2, 2, 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]')]);
    assert.deepEqual(appliedAndChecked(T, 'UID604').left, []);
  });

  test('UID604: with no SHELL in the stage, the bash SHELL goes before the failing step', () => {
    const T = 'FROM debian:bookworm\nRUN [[ -d /etc ]] && echo ok\n';
    assert.deepEqual(edits(check(T), 'UID604'), [edit(2, 1, 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]')]);
    assert.deepEqual(appliedAndChecked(T, 'UID604').left, []);
  });

  test('UID604: braces dash passes on as they are: the bash SHELL before the step', () => {
    const T = 'FROM debian:bookworm\nRUN apt-get install -y sudo{,-ldap}\n';
    assert.deepEqual(edits(check(T), 'UID604'), [edit(2, 1, 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]')]);
  });

  test('UID604: sudo with a program off secure_path: the failing RUN names it by path, or runs as root without sudo', () => {
    const T = [
      'FROM debian:bookworm',
      'RUN apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*',
      "RUN useradd -m -u 1000 app && printf 'app ALL=(ALL) NOPASSWD: ALL\\n' > /etc/sudoers.d/app && chmod 0440 /etc/sudoers.d/app",
      "RUN mkdir -p /opt/conda/bin && printf '#!/bin/sh\\necho conda\\n' > /opt/conda/bin/conda && chmod 755 /opt/conda/bin/conda",
      'ENV PATH=/opt/conda/bin:$PATH',
      'USER app',
      'RUN sudo conda --version',
      '',
    ].join('\n');
    assert.deepEqual(edits(check(T), 'UID604'), [edit(7, 7, 'RUN sudo /opt/conda/bin/conda --version'), edit(7, 7, 'USER root\nRUN conda --version\nUSER app')]);
    // UID403 is the NOPASSWD ALL grant of line 3, there before the edit too.
    assert.deepEqual(appliedAndChecked(T, 'UID604').left, ['UID403']);
  });

  test('UID604: the shell\'s package is installed before the SHELL line, as root', () => {
    const T = 'FROM alpine:3.19\nRUN adduser -D app\nUSER app\nSHELL ["/bin/bash", "-c"]\nRUN echo hi\n';
    assert.deepEqual(edits(check(T), 'UID604'), [edit(4, 3, 'USER root\nRUN apk add --no-cache bash\nUSER app')]);
    assert.deepEqual(appliedAndChecked(T, 'UID604').left, []);
  });

  test('UID106: --chmod=0755 on the heredoc COPY\'s own line, the body kept', () => {
    const T = "FROM debian:bookworm\nRUN useradd -m app\nCOPY <<'EOT' /ep.sh\n#!/bin/sh\nexec \"$@\"\nEOT\nUSER app\nENTRYPOINT [\"/ep.sh\"]\nCMD [\"sleep\", \"1\"]\n";
    assert.deepEqual(edits(check(T), 'UID106'), [edit(3, 3, "COPY --chmod=0755 <<'EOT' /ep.sh"), edit(7, 6, 'RUN chmod 0755 /ep.sh')]);
    assert.deepEqual(appliedAndChecked(T, 'UID106').left, []);
  });
});
