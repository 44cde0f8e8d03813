// UID101's fixes fit the case: a run that overrides a non-root USER is fixed in the run, and an
// image that starts sshd is not told to switch USER (sshd must start as root).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseKubernetes } from '../../src/runtime/kubernetes.js';
import { parseCompose } from '../../src/runtime/compose.js';
import type { RunContext } from '../../src/model/types.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const uid101 = (text: string, run?: string) => {
  const a = analyze({ file: 'Dockerfile', text, run: run ? parseDockerRun(run, { invoker }) : undefined });
  return { a, f: a.findings.find((x) => x.ruleId === 'UID101') };
};

describe('UID101 fixes', () => {
  test('--user 0:1001 over USER app: one fix, the image user in the run', () => {
    const { f } = uid101('FROM debian:bookworm\nRUN useradd -m -u 1001 app\nUSER app\n', 'docker run --user 0:1001 img');
    assert.equal(f?.message, 'The container runs as root because the run command asks for it (0:1001).');
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['--user app']);
  });

  test('an sshd image: the advice is about who logs in, with no USER snippet', () => {
    const text = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y openssh-server && mkdir /var/run/sshd\nCMD ["/usr/sbin/sshd", "-D"]\n';
    const { a, f } = uid101(text);
    assert.deepEqual(a.sim.target.failures, []);
    assert.equal(f?.fixes.length, 1);
    assert.equal(f?.fixes[0].snippet, undefined);
    assert.match(f!.fixes[0].description, /^sshd has to start as root/);
  });

  test('mkdir /var/run/sshd makes /run/sshd (a link into /run on Debian)', () => {
    const { a } = uid101('FROM debian:bookworm\nRUN apt-get update && apt-get install -y openssh-server && mkdir /var/run/sshd\n');
    assert.equal(a.image.fs.get('/run/sshd')?.kind, 'dir');
    assert.equal(a.image.fs.get('/var/run')?.kind, 'symlink');
  });
});

describe('UID101 names where the run asks for root', () => {
  const df = 'FROM debian:bookworm\nRUN useradd -m -u 1001 app\nUSER app\n';
  const cases: { name: string; run: () => RunContext; message: string }[] = [
    {
      name: 'docker run --user 0',
      run: () => parseDockerRun('docker run --user 0 img', { invoker }),
      message: 'The container runs as root because the run command asks for it (0).',
    },
    {
      name: 'a Kubernetes manifest with runAsUser: 0',
      run: () => parseKubernetes('kind: Pod\nspec:\n  securityContext: {runAsUser: 0}\n  containers: [{name: c}]\n')[0],
      message: 'The container runs as root because the manifest sets runAsUser: 0.',
    },
    {
      name: 'a Compose service with user: "0"',
      run: () => parseCompose('services:\n  web:\n    image: x\n    user: "0"\n', { env: {}, invoker }).services.web,
      message: 'The container runs as root because the Compose service sets user: 0.',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const a = analyze({ file: 'Dockerfile', text: df, run: c.run() });
      assert.equal(a.findings.find((x) => x.ruleId === 'UID101')?.message, c.message);
    });
  }
});

// "sets no non-root USER" read as if USER were missing; a USER that names root is quoted.
describe('UID101 names the USER that makes the image root', () => {
  const cases = [
    { name: 'USER root after a user was created: that line', text: 'FROM debian:bookworm\nRUN useradd -m app\nUSER root\nCMD ["sleep", "1"]\n', line: 3,
      message: 'The container runs as root: `USER root` at line 3 makes root the user it starts as.' },
    { name: 'USER 0:0, by number', text: 'FROM debian:bookworm\nUSER 0:0\nRUN true\n', line: 2,
      message: 'The container runs as root: `USER 0:0` at line 2 makes root the user it starts as.' },
    { name: "a stage's USER root inherited by the next stage: the base image's", text: 'FROM debian:bookworm AS b\nUSER root\nFROM b\nRUN true\n', line: 3,
      message: "The container runs as root: the base image's USER is root, and no USER in this stage changes it." },
    { name: 'no USER at all: the wording as before', text: 'FROM debian:bookworm\nRUN true\n', line: 1,
      message: 'The container runs as root: the image sets no non-root USER.' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { f } = uid101(c.text);
      assert.equal(f?.message, c.message);
      assert.equal(f?.location.line, c.line);
    });
  }
});
