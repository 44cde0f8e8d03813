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
