// `python FILE` as the workload: the interpreter starts, then opens FILE as the process; one it
// may not read stops the container (CPython 3.11: "can't open file ...: [Errno 13] Permission
// denied", status 2; measured in the oracle, entry/python-cannot-read).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { pythonScript } from '../../src/rules/identity/UID106-entrypoint-not-executable.js';
import type { FsTree } from '../../src/model/types.js';

describe('pythonScript', () => {
  const cases: [string[], string | undefined][] = [
    [['python', 'train.py'], 'train.py'],
    [['python3', '-u', '-X', 'dev', '/app/train.py', '--lr', '3'], '/app/train.py'],
    [['/usr/local/bin/python3.11', '-W', 'error', 'a.py'], 'a.py'],
    [['python', '-m', 'torch.distributed.run', 'train.py'], undefined],
    [['python', '-c', 'print(1)'], undefined],
    [['python3', '-uc', 'print(1)'], undefined],
    [['node', 'a.js'], undefined],
  ];
  for (const [argv, want] of cases) test(argv.join(' '), () => assert.equal(pythonScript(argv), want));
});

describe('a python script the workload may not read', () => {
  const df = 'FROM python:3.11-slim\nRUN useradd -m -u 1000 ml\nWORKDIR /app\nCOPY train.py .\nUSER ml\nCMD ["python", "train.py"]\n';
  const check = (mode: number, line?: string) => {
    const context: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/train.py', { kind: 'file', uid: 0, gid: 0, mode }]]);
    return analyze({ file: 'Dockerfile', text: df, context, run: line ? parseDockerRun(line, { invoker: { uid: 1000, gid: 1000, home: '/h', cwd: '/h' } }) : undefined });
  };

  test('0600 root: python cannot open it, with the path it prints and a chmod fix', () => {
    const f = check(0o600).findings.find((x) => x.ruleId === 'UID106');
    assert.equal(f?.message, "The container will not start its workload: python: can't open file '/app/train.py': [Errno 13] Permission denied (exit 2).");
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['COPY --chmod=0644 train.py /app/train.py', 'RUN chmod a+r /app/train.py']);
    assert.equal(f?.location.line, 6);
  });

  test('0644: nothing to report', () => {
    assert.equal(check(0o644).findings.find((x) => x.ruleId === 'UID106'), undefined);
  });

  test('run as root, it reads the 0600 file', () => {
    assert.equal(check(0o600, 'docker run -u 0 img').findings.find((x) => x.ruleId === 'UID106'), undefined);
  });
});

describe('UID201 fixes that would cost the workload its own script', () => {
  test('running as the folder owner is said to lose /workspace/train.py, and comes after the host chown', async () => {
    const { parseHostFactsFile } = await import('../../src/runtime/host.js');
    const df = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3\nRUN useradd -m -u 1000 ml && mkdir /workspace && chown ml:ml /workspace\nCOPY --chown=ml:ml train.py /workspace/train.py\nWORKDIR /workspace\nUSER ml\nCMD ["python3", "train.py"]\n';
    const context: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/train.py', { kind: 'file', uid: 0, gid: 0, mode: 0o600 }]]);
    const facts = parseHostFactsFile('invoker: { uid: 1001, gid: 1001, home: /home/sam, cwd: /home/sam }\npaths:\n  /srv/h1001: { uid: 1001, gid: 1001, mode: "0755", kind: dir }\n');
    const run = parseDockerRun('docker run -v /srv/h1001:/workspace/out img', { invoker: facts.invoker! });
    const f = analyze({ file: 'Dockerfile', text: df, context, run, host: facts.paths }).findings.find((x) => x.ruleId === 'UID201');
    assert.equal(f?.fixes[0].snippet, 'sudo chown -R 1000:1000 /srv/h1001');
    assert.match(f?.fixes[1].description ?? '', /But uid 1001 could then not read \/workspace\/train\.py \(RUN chmod a\+r \/workspace\/train\.py\)/);
  });
});

describe('a script the workload may not read, after a switch', () => {
  const base = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y gosu python3\nRUN groupadd -g 2000 grp && useradd -m -u 1000 -G grp app && mkdir /app\nCOPY run.sh train.py /app/\nRUN chmod 600 /app/run.sh && chown root:grp /app/train.py && chmod 640 /app/train.py\n';
  const files: Record<string, string> = { '/run.sh': 'echo ok\n', '/ep-gosu.sh': '#!/bin/sh\nset -e\nexec gosu app "$@"\n', '/ep-clear.sh': '#!/bin/sh\nexec setpriv --reuid=app --regid=app --clear-groups "$@"\n' };
  const check = (tail: string) => {
    const context: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }]]);
    for (const f of ['/run.sh', '/train.py', '/ep-gosu.sh', '/ep-clear.sh']) context.set(f, { kind: 'file', uid: 0, gid: 0, mode: f.startsWith('/ep') ? 0o755 : 0o644 });
    return analyze({ file: 'Dockerfile', text: base + tail, context, readContextText: (p) => files[p] ?? 'print(1)\n' });
  };
  const uid106 = (a: ReturnType<typeof check>) => a.findings.find((x) => x.ruleId === 'UID106')?.message;

  test('ENTRYPOINT exec gosu app "$@" with CMD bash FILE: the workload is app running bash on the file, which it cannot read', () => {
    const a = check('COPY ep-gosu.sh /\nENTRYPOINT ["/ep-gosu.sh"]\nCMD ["bash", "/app/run.sh"]\n');
    assert.equal(a.identity.user, 'app');
    assert.equal(uid106(a), 'The container will not start its workload: bash: /app/run.sh: Permission denied (exit 126).');
  });

  test('CMD gosu app bash FILE, with gosu from apt', () => {
    assert.equal(uid106(check('CMD ["gosu", "app", "bash", "/app/run.sh"]\n')), 'The container will not start its workload: bash: /app/run.sh: Permission denied (exit 126).');
  });

  test('setpriv --clear-groups in a script drops grp, so the 0640 root:grp script cannot be read; gosu keeps it', () => {
    assert.equal(uid106(check('COPY ep-clear.sh /\nENTRYPOINT ["/ep-clear.sh"]\nCMD ["python3", "/app/train.py"]\n')), "The container will not start its workload: python3: can't open file '/app/train.py': [Errno 13] Permission denied (exit 2).");
    assert.equal(uid106(check('COPY ep-gosu.sh /\nENTRYPOINT ["/ep-gosu.sh"]\nCMD ["python3", "/app/train.py"]\n')), undefined);
  });
});
