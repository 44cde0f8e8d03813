import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../src/analyze.js';
import { evaluate } from '../src/access/evaluate.js';
import { parseDockerRun } from '../src/runtime/docker.js';
import type { Op } from '../src/model/types.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const run = (line: string) => parseDockerRun(line, { invoker });

// A home the user owns, a root-owned workdir, a read-only root and a bind mount: verdicts that
// allow, refuse with EACCES, EROFS and ENOENT, through a symlink and across a mount.
const DF = [
  'FROM debian:bookworm',
  'RUN useradd -m -u 1000 alice && mkdir -p /srv/app && ln -s /srv/app /app',
  'WORKDIR /app',
  'USER alice',
  '',
].join('\n');

const CASES: { name: string; run: string; paths: [string, Op][] }[] = [
  { name: 'a plain run', run: 'docker run img', paths: [['/srv/app/x', 'create'], ['/etc/shadow', 'read'], ['/nope/a/b', 'create']] },
  { name: 'a read-only root', run: 'docker run --read-only img', paths: [['/tmp/x', 'create'], ['/home/alice/f', 'create']] },
  { name: 'a bind mount', run: 'docker run -v /host/data:/data img', paths: [['/data/x', 'create'], ['/app', 'delete']] },
];

describe('the verdicts of an analysis are evaluate()\'s, reasons included', () => {
  for (const c of CASES) {
    test(`${c.name}: each verdict equals evaluate() with its explanations`, () => {
      const a = analyze({ file: 'Dockerfile', text: DF, run: run(c.run) });
      const asked = c.paths.map(([p, op]) => a.check(p, op));

      for (const v of [...a.verdicts, ...asked]) {
        const want = evaluate(a.runtime.identity, a.runtime.view, v.path, v.op);
        assert.deepEqual(v, want);
        assert.deepEqual(Object.keys(v), Object.keys(want));
        assert.equal(JSON.stringify(v), JSON.stringify(want));
      }
    });
  }

  test('a refused verdict says why, and the reasons can be added to like any list', () => {
    const a = analyze({ file: 'Dockerfile', text: DF, run: run('docker run img') });
    const v = a.check('/etc/shadow', 'read');
    assert.equal(v.errno, 'EACCES');
    assert.match(v.reasons.at(-1) ?? '', /^\/etc\/shadow is -rw-r----- 0:42; uid 1000 \(alice\) falls in the other class/);

    v.reasons.push('extra');
    assert.equal(a.check('/etc/shadow', 'read').reasons.at(-1), 'extra');
    assert.equal({ ...v }.reasons.at(-1), 'extra');
  });
});

describe('sudoers are read once per analysis', () => {
  test('identity.sudo and rule UID403 agree on a NOPASSWD grant', () => {
    const text = [
      'FROM debian:bookworm',
      'RUN apt-get update && apt-get install -y sudo && useradd -m -u 1000 alice',
      'RUN echo "alice ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/alice && chmod 0440 /etc/sudoers.d/alice',
      'USER alice',
      '',
    ].join('\n');
    const a = analyze({ file: 'Dockerfile', text });

    assert.deepEqual([a.identity.sudo.usable, a.identity.sudo.nopasswd], [true, true]);
    assert.deepEqual(a.findings.filter((f) => f.ruleId === 'UID403').map((f) => f.message), [
      'alice may run any command as root without a password (/etc/sudoers.d/alice): the non-root USER is root in all but name.',
    ]);
  });
});

// Measured: sudo/requiretty, sudo/host-localhost, sudo/host-all (no -t, no --hostname).
describe('identity.sudo and the run: a terminal and the host name', () => {
  const df = (sudoers: string) => [
    'FROM debian:bookworm',
    'RUN apt-get update && apt-get install -y sudo && useradd -m -u 1000 alice',
    `RUN printf '${sudoers}' > /etc/sudoers.d/alice && chmod 0440 /etc/sudoers.d/alice`,
    'USER alice',
    '',
  ].join('\n');
  const sudoOf = (sudoers: string, line: string) => analyze({ file: 'Dockerfile', text: df(sudoers), run: run(line) }).identity.sudo;

  test('Defaults requiretty refuses sudo without docker run -t, and takes it with -t', () => {
    const rule = 'Defaults requiretty\\nalice ALL=(ALL) NOPASSWD: ALL\\n';
    const none = sudoOf(rule, 'docker run img');
    assert.equal(none.usable, false);
    assert.match(none.reason, /Defaults requiretty in \/etc\/sudoers.d\/alice .*sorry, you must have a tty to run sudo/);
    assert.deepEqual([sudoOf(rule, 'docker run -t img').usable, sudoOf(rule, 'docker run -it img').nopasswd], [true, true]);
    // Defaults for another user leave alice alone.
    assert.equal(sudoOf('Defaults:bob requiretty\\nalice ALL=(ALL) NOPASSWD: ALL\\n', 'docker run img').usable, true);
  });

  test('a host list is matched against the container id, or the --hostname given', () => {
    const rule = 'alice localhost=(ALL) NOPASSWD: ALL\\n';
    assert.equal(sudoOf(rule, 'docker run img').usable, false);
    assert.deepEqual([sudoOf(rule, 'docker run --hostname localhost img').usable, sudoOf(rule, 'docker run -h LOCALHOST img').usable], [true, true]);
    assert.equal(sudoOf('alice ALL=(ALL) NOPASSWD: ALL\\n', 'docker run img').usable, true);
    // Under --network host the host name is the host's: not known.
    const host = sudoOf(rule, 'docker run --network host img');
    assert.deepEqual([host.usable, host.unsure], [false, true]);
  });
});

describe('a Windows base image', () => {
  test('only the assumption that says so is reported; Linux images that mention windows are not taken for one', () => {
    for (const base of ['mcr.microsoft.com/windows/servercore:ltsc2022', 'mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022', 'mcr.microsoft.com/powershell:lts-windowsservercore-ltsc2022']) {
      const a = analyze({ file: 'Dockerfile', text: `FROM ${base}\nSHELL ["powershell", "-Command"]\nRUN Write-Host hi\nUSER ContainerUser\n` });
      assert.deepEqual(a.findings.map((f) => f.ruleId), ['UID701'], base);
      assert.ok(a.assumptions.some((x) => x.id === 'base:windows'), base);
    }
    const linux = analyze({ file: 'Dockerfile', text: 'FROM example.invalid/windows-build-tools:1\n' });
    assert.equal(linux.assumptions.some((x) => x.id === 'base:windows'), false);
  });
});

// Only a guess that could change a verdict is attached to it. A file whose own owner and mode
// refuse the process (root 0600, read by app) is refused whatever mode the folder above it is
// taken to have (COPY --chmod gives the folders it makes the file's mode from Docker 28.1 on,
// 0755 before: an assumption) and whether the unread source is a file or a folder.
describe('refusals the file itself makes do not rest on guesses about its folders', () => {
  const copied = (chmod: string, cmd = '["python", "/app/train.py"]') => analyze({
    file: 'Dockerfile',
    text: `FROM python:3.11-slim\nRUN useradd -m app\nCOPY ${chmod} train.py /app/train.py\nUSER app\nCMD ${cmd}\n`,
  });

  test('COPY --chmod=600 then USER app: the read is refused with no dependsOn, and UID106 is an error', () => {
    const a = copied('--chmod=600');
    const v = a.check('/app/train.py', 'read');
    assert.equal(v.allowed, false);
    assert.deepEqual(v.dependsOn, []);
    assert.match(v.reasons.at(-1)!, /; and \/app\/train\.py is -rw------- 0:0; uid 1000 \(app\) falls in the other class \(---\), which does not allow read, so it is refused whatever copy-chmod-parents:3 and copy-source:3 assume$/);
    const f = a.findings.find((x) => x.ruleId === 'UID106')!;
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.dependsOn, []);
  });

  test('COPY --chmod=640: the same (no read for other)', () => {
    assert.deepEqual(copied('--chmod=640').check('/app/train.py', 'read').dependsOn, []);
  });

  test('COPY --chmod=604: the file allows read, so the folder decides, and its guess stays', () => {
    const v = copied('--chmod=604').check('/app/train.py', 'read');
    assert.equal(v.allowed, false);
    assert.deepEqual(v.dependsOn, ['copy-chmod-parents:3', 'copy-source:3']);
  });

  test('no --chmod: the file is taken as 0644 (a guess of its own mode), which stays on a refused write', () => {
    const v = copied('').check('/app/train.py', 'write');
    assert.equal(v.allowed, false);
    assert.deepEqual(v.dependsOn, ['copy-source:3']);
  });

  test('a refusal of the folder alone (chdir) keeps the folder guess', () => {
    assert.deepEqual(copied('--chmod=600').check('/app', 'chdir').dependsOn, ['copy-chmod-parents:3']);
  });
});

describe('a guess about a file COPY put through a link (/sbin is usr/sbin on merged-/usr bases)', () => {
  test('the verdict on the path as written rests on the guess, so UID106 is a warning (found in a public Dockerfile)', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM ubuntu:24.04\nCOPY entrypoint.sh /sbin/entrypoint.sh\nENTRYPOINT ["/sbin/entrypoint.sh"]\n' });
    assert.deepEqual(a.check('/sbin/entrypoint.sh', 'exec').dependsOn, ['copy-source:2']);
    assert.deepEqual(a.findings.filter((f) => f.ruleId === 'UID106').map((f) => [f.severity, f.dependsOn]), [['warning', ['copy-source:2']]]);
  });
});
