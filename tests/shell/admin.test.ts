// update-alternatives and the root-only administration tools (src/shell/commands/admin.ts),
// through whole Dockerfiles. The measured cases are in tests/oracle/scenarios/admin.yaml.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { analyze } from '../../src/analyze.js';

const dockerfile = (...lines: string[]) => ['FROM debian:bookworm', 'RUN useradd -m -u 1000 alice', ...lines, ''].join('\n');
const link = (a: ReturnType<typeof analyze>, p: string) => {
  const m = a.image.fs.get(p);
  return m === undefined ? undefined : `${m.kind} ${m.uid}:${m.gid}${m.target !== undefined ? ` -> ${m.target}` : ''}`;
};

describe('update-alternatives', () => {
  test('--install links LINK -> /etc/alternatives/NAME -> PATH, root\'s, and keeps the registry', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN touch /opt/tool && chmod 755 /opt/tool && update-alternatives --install /usr/local/bin/tool tool /opt/tool 10') });
    assert.deepEqual([link(a, '/usr/local/bin/tool'), link(a, '/etc/alternatives/tool')], ['symlink 0:0 -> /etc/alternatives/tool', 'symlink 0:0 -> /opt/tool']);
    assert.equal(a.image.texts['/var/lib/dpkg/alternatives/tool']?.content, 'auto\n/usr/local/bin/tool\n\n/opt/tool\n10\n\n');
    assert.deepEqual(a.sim.failures, []);
    assert.equal(a.unknowns.length, 0);
  });

  test('the higher priority wins in auto mode, --set picks a registered one in manual mode, slaves follow', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile(
      'RUN touch /opt/a /opt/b /opt/a.1 /opt/b.1 \\',
      ' && update-alternatives --install /usr/local/bin/t t /opt/a 10 --slave /usr/local/share/t.1 t.1 /opt/a.1 \\',
      ' && update-alternatives --install /usr/local/bin/t t /opt/b 20 --slave /usr/local/share/t.1 t.1 /opt/b.1',
    ) });
    assert.deepEqual([link(a, '/etc/alternatives/t'), link(a, '/etc/alternatives/t.1'), link(a, '/usr/local/share/t.1')], ['symlink 0:0 -> /opt/b', 'symlink 0:0 -> /opt/b.1', 'symlink 0:0 -> /etc/alternatives/t.1']);
    const set = analyze({ file: 'Dockerfile', text: dockerfile('RUN touch /opt/a /opt/b && update-alternatives --install /usr/local/bin/t t /opt/a 10 && update-alternatives --install /usr/local/bin/t t /opt/b 20 && update-alternatives --set t /opt/a') });
    assert.equal(link(set, '/etc/alternatives/t'), 'symlink 0:0 -> /opt/a');
    assert.ok(set.image.texts['/var/lib/dpkg/alternatives/t']?.content.startsWith('manual\n'));
    const wrong = analyze({ file: 'Dockerfile', text: dockerfile('RUN touch /opt/a && update-alternatives --install /usr/local/bin/t t /opt/a 10 && update-alternatives --set t /opt/zz') });
    assert.ok(wrong.sim.failures[0]?.message.includes('update-alternatives: error: alternative /opt/zz for t not registered; not setting'));
  });

  test('as a user the first link is refused (measured: admin/alternatives-as-user)', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN touch /opt/tool', 'USER alice', 'RUN update-alternatives --install /usr/local/bin/tool tool /opt/tool 10') });
    assert.deepEqual(a.sim.failures.map((f) => [f.line, f.kind]), [[5, 'permission']]);
    assert.ok(a.sim.failures[0].message.includes("update-alternatives: error: error creating symbolic link '/etc/alternatives/tool.dpkg-tmp': Permission denied"));
  });

  test('a path that does not exist, a link in a missing folder, a file where the link goes', () => {
    const missing = analyze({ file: 'Dockerfile', text: dockerfile('RUN mkdir /opt/tools && update-alternatives --install /usr/local/bin/x x /opt/tools/x 1') });
    assert.ok(missing.sim.failures[0]?.message.includes("update-alternatives: error: alternative path /opt/tools/x doesn't exist"));
    const nodir = analyze({ file: 'Dockerfile', text: dockerfile('RUN mkdir /opt/d && touch /opt/x && update-alternatives --install /opt/d/nodir/x x /opt/x 1') });
    assert.ok(nodir.sim.failures[0]?.message.includes("error creating symbolic link '/opt/d/nodir/x.dpkg-tmp': No such file or directory"));
    assert.equal(link(nodir, '/etc/alternatives/x'), 'symlink 0:0 -> /opt/x');
    const file = analyze({ file: 'Dockerfile', text: dockerfile('RUN touch /opt/tool /usr/local/bin/tool && update-alternatives --install /usr/local/bin/tool tool /opt/tool 10') });
    assert.deepEqual([file.sim.failures, link(file, '/usr/local/bin/tool'), link(file, '/etc/alternatives/tool')], [[], 'file 0:0', 'symlink 0:0 -> /opt/tool']);
  });

  test('an alternative the image already had, and actions not modelled, are noted', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN update-alternatives --set editor /usr/bin/vim.basic && update-alternatives --remove-all pager') });
    assert.deepEqual(a.unknowns.map((u) => u.reason), [
      'update-alternatives --set editor: the alternatives the image already has are not known to the model',
      'update-alternatives --remove-all is not followed',
    ]);
    assert.equal(analyze({ file: 'Dockerfile', text: dockerfile('RUN update-alternatives --display python') }).unknowns.length, 0);
  });
});

describe('root-only administration tools', () => {
  test('as root they succeed and leave nothing unknown; apt-mark show* only reads', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN apt-get update && apt-get install -y locales software-properties-common', 'RUN apt-mark hold dpkg && apt-key add /tmp/k.gpg && locale-gen && update-locale LANG=C.UTF-8 && add-apt-repository -y ppa:deadsnakes/ppa && gpgconf --kill all && apt-mark showmanual') });
    assert.deepEqual([a.sim.failures, a.unknowns], [[], []]);
  });

  test('on the plain images, locale-gen (Debian) and add-apt-repository (Debian, Ubuntu) come only with their packages', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN locale-gen en_US.UTF-8\n' });
    assert.deepEqual(a.sim.failures.map((f) => f.message), ['/bin/sh: 1: locale-gen: not found']);
    // Ubuntu 16.04's image had locales: not judged on Ubuntu.
    assert.deepEqual(analyze({ file: 'Dockerfile', text: 'FROM ubuntu:16.04\nRUN locale-gen en_US.UTF-8\n' }).sim.failures, []);
    const b = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN add-apt-repository -y ppa:x/y\n' });
    assert.deepEqual(b.sim.failures.map((f) => f.message), ['/bin/sh: 1: add-apt-repository: not found']);
  });

  test('as a user: noted as most likely failing, not worded', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('USER alice', 'RUN apt-mark manual curl; apt-mark showhold') });
    assert.deepEqual(a.unknowns.map((u) => u.reason), ["apt-mark changes root's system files: as uid 1000 it most likely fails, in words the model does not have"]);
  });
});

describe('update-alternatives after a step the model does not follow', () => {
  test('a PATH such a step may have made is not taken as missing', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN apt-get update && apt-get install -y python3 && python3 /tmp/get-pip.py', 'RUN update-alternatives --install /usr/local/bin/pip pip /usr/local/bin/pip3 1') });
    assert.deepEqual(a.sim.failures, []);
    assert.equal(link(a, '/usr/local/bin/pip'), 'symlink 0:0 -> /etc/alternatives/pip');
  });
});

describe('update-alternatives: usage errors and what the model cannot see', () => {
  test('too few words and a priority that is not a number fail as dpkg does (measured)', () => {
    const few = analyze({ file: 'Dockerfile', text: dockerfile('RUN update-alternatives --install /a b') });
    assert.equal(few.sim.failures[0]?.message, "update-alternatives: --install needs <link> <name> <path> <priority>\n\nUse 'update-alternatives --help' for program usage information.");
    const prio = analyze({ file: 'Dockerfile', text: dockerfile('RUN touch /opt/x && update-alternatives --install /usr/local/bin/x x /opt/x abc') });
    assert.ok(prio.sim.failures[0]?.message.startsWith("update-alternatives: priority 'abc' must be an integer"));
  });

  test('a PATH or a link folder in a folder the model lists only in part is taken to be there, with a note', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM ubuntu:22.04\nRUN update-alternatives --install /usr/bin/python3 python3 /usr/bin/python3.11 2\n' });
    assert.deepEqual(a.sim.failures, []);
    assert.ok(a.unknowns.some((u) => u.reason === '/usr/bin/python3.11 is not known to exist: update-alternatives is taken to have linked it (dpkg refuses a path that is not there)'));
  });
});

describe('unknownOnPath', () => {
  test('reads each unknown effect once, and sees one added later', async () => {
    const { unknownOnPath } = await import('../../src/shell/commands/builtins.js');
    const unknowns: { line: number; command: string; reason: string; paths: string[] }[] = [{ line: 1, command: 'tar', reason: 'r', paths: ['/opt/x'] }];
    assert.equal(unknownOnPath(unknowns), false);
    unknowns.push({ line: 2, command: 'make install', reason: 'r', paths: ['/usr/local'] });
    assert.equal(unknownOnPath(unknowns), true);
    // Another PATH is another question: /opt/x/bin lies in /opt/x.
    assert.equal(unknownOnPath([{ line: 1, command: 'tar', reason: 'r', paths: ['/opt/x'] }], ['/opt/x/bin']), true);
  });
});
