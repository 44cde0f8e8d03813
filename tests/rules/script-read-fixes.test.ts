// UID106's fixes for a script below a folder the workload may not enter: the COPY --chmod fix is
// offered only where a COPY --chmod made that folder with the file's mode (newcomer finding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';

const fixes = (text: string) => analyze({ file: 'Dockerfile', text }).findings.find((f) => f.ruleId === 'UID106')?.fixes.map((f) => f.snippet);

test('a folder closed by RUN chmod: one fix, opening it', () => {
  assert.deepEqual(
    fixes('FROM python:3.11-slim\nRUN mkdir -p /opt/app && echo "print(1)" > /opt/app/run.py && chmod 0700 /opt/app\nRUN useradd -m app\nUSER app\nCMD ["python", "/opt/app/run.py"]\n'),
    ['RUN chmod 0755 /opt/app && chmod a+r /opt/app/run.py'],
  );
});

test('a folder COPY --chmod made with the file\'s mode: making it first is offered too', () => {
  const text = 'FROM python:3.11-slim\nRUN useradd -m app\nCOPY --chmod=0600 run.py /opt/app/\nUSER app\nCMD ["python", "/opt/app/run.py"]\n';
  const context = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/run.py', { kind: 'file', uid: 0, gid: 0, mode: 0o644 }]]);
  const f = analyze({ file: 'Dockerfile', text, context: context as never }).findings.find((x) => x.ruleId === 'UID106')?.fixes.map((x) => x.snippet);
  assert.deepEqual(f, ['RUN chmod 0755 /opt/app && chmod a+r /opt/app/run.py', 'RUN mkdir -p /opt/app\nCOPY --chmod=0644 run.py /opt/app/run.py']);
});
