// `--user $(...)` that uidctl does not evaluate: the process runs as a stand-in (nobody, 65534),
// which is no prediction. What the run-time rules find then rests on run-user:unknown: at most a
// warning, the first fix says how to give the real ids, and no fix is written for the stand-in.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { renderText } from '../../src/report/text.js';
import { runRules } from '../../src/rules/registry.js';
import type { HostPathFacts } from '../../src/model/types.js';

const invoker = { uid: 1001, gid: 1001, home: '/home/sam', cwd: '/home/sam/proj' };
const DOCKERFILE = 'FROM python:3.11-slim-bookworm\nRUN useradd -m -u 1000 app\nUSER app\n';
const host = [{ path: '/home/sam/proj/data', exists: true, meta: { kind: 'dir' as const, uid: 1001, gid: 1001, mode: 0o755 }, from: 'facts-file' as const }];

function analysisOf(run: string) {
  return analyze({ file: 'Dockerfile', text: DOCKERFILE, run: parseDockerRun(run, { invoker }), host });
}

describe('findings for a stand-in user', () => {
  const run = 'docker run -u "$(stat -c %u data)" -v /home/sam/proj/data:/d img';

  test('UID201 on the bind mount is a warning resting on run-user:unknown, not a certain error', () => {
    const f = analysisOf(run).findings.find((x) => x.ruleId === 'UID201');
    assert.ok(f);
    assert.deepEqual([f.severity, f.dependsOn], ['warning', ['run-user:unknown']]);
  });

  test('the first fix says how to give the real ids, and no fix names the stand-in uid', () => {
    const a = analysisOf(run);
    for (const f of a.findings.filter((x) => x.ruleId !== 'UID701')) {
      assert.match(f.fixes[0].description, /^The user is not known: --user \$\(stat -c %u data\) is not evaluated/, f.ruleId);
      assert.deepEqual(f.fixes.filter((x) => /\b65534\b/.test(`${x.snippet ?? ''} ${x.description}`)), [], f.ruleId);
    }
    // UID301's build-time install still ends with the image's own USER.
    const pip = a.findings.find((x) => x.ruleId === 'UID301');
    assert.deepEqual(pip?.fixes.map((x) => x.snippet), [undefined, 'USER root\nRUN pip install --no-cache-dir PACKAGE\nUSER app']);
  });

  test('a severity the config sets for the rule stays as set', () => {
    const f = runRules(analysisOf(run), { severity: { UID201: 'error' } }).find((x) => x.ruleId === 'UID201');
    assert.deepEqual([f?.severity, f?.dependsOn], ['error', ['run-user:unknown']]);
  });

  test('the same run with the ids given is judged for them: no finding on the mount', () => {
    assert.deepEqual(analysisOf('docker run -u 1001:1001 -v /home/sam/proj/data:/d img').findings.filter((x) => x.ruleId === 'UID201'), []);
  });

  test('the text report calls the identity a stand-in, not a user without a passwd entry', () => {
    const a = analysisOf(run);
    const line = renderText([{ analysis: a, findings: a.findings }], { color: false, verbose: false }).split('\n').find((l) => l.startsWith('  runs as'));
    assert.equal(line, '  runs as  uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)  (a stand-in: --user $(stat -c %u data) is not evaluated, so the user is not known)');
  });
});

describe('a stand-in user keeps what the run says apart from the user', () => {
  const SOCKET: HostPathFacts[] = [{ path: '/var/run/docker.sock', exists: true, from: 'facts-file', meta: { kind: 'other', uid: 0, gid: 999, mode: 0o660 } }];
  const run = 'docker run --user "$(cat uid.txt)" --group-add 999 -v /var/run/docker.sock:/var/run/docker.sock img';
  const a = () => analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\n', run: parseDockerRun(run, { invoker }), host: SOCKET });
  test('--group-add still applies; every verdict rests on run-user:unknown', () => {
    const x = a();
    assert.deepEqual(x.identity.groups, [65534, 999]);
    assert.ok(x.verdicts.every((v) => v.dependsOn.includes('run-user:unknown')));
  });
  test('UID207 warns (the unknown user may be root), UID201 says nothing of the socket', () => {
    const x = a();
    const f = x.findings.find((y) => y.ruleId === 'UID207');
    assert.deepEqual([f?.severity, f?.dependsOn.includes('run-user:unknown')], ['warning', true]);
    assert.equal(x.findings.some((y) => y.ruleId === 'UID201'), false);
  });
});
