// What the model no longer knows after a step it cannot follow: the folders an unmodelled
// command worked in, a cloned repository, a build's folder, a folder made where the listing is
// partial, a pattern over such a folder. Later steps there are not failed on a guess.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { unpacksInto } from '../../src/shell/interpret.js';

const run = (text: string) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${text}\n` });
const failures = (text: string) => run(text).sim.failures.map((f) => `${f.line}: ${f.message.split('\n')[0]}`);

describe('folders an unmodelled command may have filled', () => {
  const cases: [string, string, string[]][] = [
    ['tar x in the working folder, then cd into what it unpacked',
      'RUN mkdir /tmp/b && cd /tmp/b && tar xzf /tmp/x.tar.gz && cd x-1.0 && ls', []],
    ['unzip -d a folder that did not exist, then chmod inside it',
      'RUN unzip /tmp/a.zip -d /opt/tool && chmod -R u+x /opt/tool/bin', []],
    ['./configure and make in a cloned repository, then mv its product',
      'RUN apt-get update && apt-get install -y git && git clone https://example.invalid/r.git /src/r && cd /src/r && ./configure && make && mv tool /usr/local/bin/', []],
    ['make leaves its folder unknown',
      'RUN apt-get update && apt-get install -y make && mkdir /b && cd /b && make && cp out/app /usr/local/bin/app', []],
    ['make -C DIR leaves DIR unknown',
      'RUN apt-get update && apt-get install -y build-essential && mkdir -p /b/sub && make -C /b/sub && cp /b/sub/app /usr/local/bin/app', []],
    ['a command whose words cannot be told, then chmod of the path it named',
      'ARG TARGETARCH\nRUN mv /tmp/bin/$TARGETARCH/tool /usr/local/bin/tool && chmod +x /usr/local/bin/tool', []],
    // Found in a public Dockerfile (golang:1.10-stretch, whose /usr/local/bin lists in full):
    // the unpacked program moved into a folder known in full may be there afterwards.
    ['mv of what tar unpacked into a folder listed in full, then chmod of it',
      'RUN mkdir /opt/d && cd /tmp && tar -xf /tmp/helm.tar && mv linux-amd64/helm /opt/d/helm && chmod u+x /opt/d/helm', []],
    ['mv of what tar unpacked into a folder given as the destination, then chmod of it',
      'RUN mkdir /opt/d && cd /tmp && tar -xf /tmp/helm.tar && mv linux-amd64/helm /opt/d && chmod u+x /opt/d/helm', []],
    // Known folders the command did not touch stay known: the failure is real.
    ['mv of an unknown source leaves other folders listed in full as they were',
      'RUN mkdir /opt/d /opt/e && cd /tmp && tar -xf /tmp/helm.tar && mv linux-amd64/helm /opt/d/helm && chmod u+x /opt/e/helm', ["2: chmod: cannot access '/opt/e/helm': No such file or directory"]],
    // Known folders the command did not touch stay known: the failure is real.
    ['a folder the unmodelled command did not work in',
      'RUN mkdir /b /c && cd /b && tar xzf /tmp/x.tgz && cd /c && cp y /', ["2: cp: cannot stat 'y': No such file or directory"]],
  ];
  for (const [name, text, want] of cases) test(name, () => assert.deepEqual(failures(text), want));
});

describe('folders made inside folders known only in part', () => {
  test('mkdir -p /etc/apt/keyrings leaves /etc/apt/sources.list.d possible', () => {
    assert.deepEqual(failures('RUN mkdir -p /etc/apt/keyrings\nRUN echo deb x > /etc/apt/sources.list.d/x.list'), []);
    const a = run('RUN mkdir -p /etc/apt/keyrings');
    assert.equal(a.image.fs.get('/etc/apt')?.partial, true);
    assert.equal(a.image.fs.get('/etc/apt/keyrings')?.partial, true);
  });

  test('install -d as well', () => {
    assert.deepEqual(failures('RUN install -m 0755 -d /etc/apt/keyrings && echo x > /etc/apt/sources.list.d/x.list'), []);
  });

  test('a new top-level folder is listed in full: a missing file in it is a real failure', () => {
    const a = run('RUN mkdir -p /app/data\nRUN cp /app/data/missing /tmp/');
    assert.equal(a.image.fs.get('/app')?.partial, undefined);
    assert.deepEqual(a.sim.failures.map((f) => f.line), [3]);
  });
});

describe('a pattern over a folder known only in part', () => {
  test('matching nothing known: the command is not judged', () => {
    const a = run('COPY scripts/ /opt/scripts/\nRUN chmod +x /opt/scripts/*.sh');
    assert.deepEqual(a.sim.failures, []);
    assert.ok(a.unknowns.some((u) => u.reason === '/opt/scripts/*.sh may match entries the model does not list'));
  });

  test('over a folder listed in full, matching nothing is what the shell passes on', () => {
    assert.deepEqual(failures('RUN mkdir /opt/s && chmod +x /opt/s/*.sh'), ["2: chmod: cannot access '/opt/s/*.sh': No such file or directory"]);
  });
});

describe('automatic platform ARGs', () => {
  const text = 'FROM debian:bookworm\nARG TARGETARCH\nRUN mkdir -p /opt/x/amd64 && cp -r /opt/x/$TARGETARCH /opt/y\n';
  test('BuildKit and buildah fill ARG TARGETARCH with the platform: its value is not known', () => {
    for (const builder of ['buildkit', 'buildah'] as const) {
      const a = analyze({ file: 'Dockerfile', text, builder });
      assert.deepEqual(a.sim.failures, [], builder);
      assert.ok(a.unknowns.some((u) => /cannot be told/.test(u.reason)), builder);
    }
  });
  test('the classic builder leaves it empty', () => {
    const a = analyze({ file: 'Dockerfile', text, builder: 'classic' });
    assert.deepEqual(a.sim.failures.map((f) => f.line), []);
    assert.deepEqual(a.unknowns, []);
  });
});

describe('commands as the real shell and tools take them', () => {
  const fails = (text: string) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${text}\n` }).sim.failures.map((f) => f.message.split('\n')[0]);

  test('a program by a relative path is the project\'s own, not the system tool of that name', () => {
    // ./aws/install is the AWS CLI's installer script, not coreutils install.
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN mkdir /aws && cd / && ./aws/install\n' });
    assert.deepEqual(a.sim.failures, []);
    assert.deepEqual(a.unknowns.map((u) => u.reason), ['command install is not modelled']);
  });

  test('sed -i FILE -e SCRIPT: every operand is a file once -e is given anywhere', () => {
    assert.deepEqual(fails('RUN echo a > /etc/x.conf && sed -i /etc/x.conf -e "s/a/b/"'), []);
    // GNU sed on a missing file in a folder listed in full.
    assert.deepEqual(fails('RUN mkdir /d && sed -i /d/missing -e "s/a/b/"'), ["sed: can't read /d/missing: No such file or directory"]);
  });

  test('Debian addgroup and adduser take long options after one dash (Getopt::Long)', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN addgroup -gid 2000 mm && adduser -q --disabled-password --uid 2000 --gid 2000 --gecos "" --home /mm mm\nUSER mm\n' });
    assert.deepEqual(a.sim.failures, []);
    assert.deepEqual([a.identity.uid, a.identity.gid, a.identity.user], [2000, 2000, 'mm']);
  });
});

describe('git clone into a path through a symlink', () => {
  test('the real folder becomes partial, and no entry is written at the path as spelled', () => {
    // /var/run is a link to /run on Debian.
    const a = analyze({ file: 'Dockerfile', text: 'FROM python:3.11-slim\nRUN git clone https://x.invalid/r.git /var/run/sshd\n' });
    assert.equal(a.image.fs.get('/var/run/sshd'), undefined);
    assert.deepEqual([a.image.fs.get('/run/sshd')?.kind, a.image.fs.get('/run/sshd')?.partial], ['dir', true]);
  });
});

describe('archives unpacked into a folder', () => {
  const into = (cmd: string, cwd = '/w') => {
    const argv = cmd.split(' ');
    return unpacksInto(argv[0], argv, cwd);
  };
  const cases: [string, string | null][] = [
    ['tar -xzf a.tgz', '/w'],
    ['tar -xzf a.tgz -C /opt', '/opt'],
    ['tar -C /opt -Jxpf /tmp/s6.tar.xz', '/opt'],
    ['tar -zxvf a.tgz -C sub', '/w/sub'],
    ['tar xzf a.tgz', '/w'],
    // Old-style letters take their arguments in order: f the archive, C the folder.
    ['tar xfC a.tar /srv', '/srv'],
    ['tar --extract --file=a.tar --directory=/usr/local', '/usr/local'],
    ['tar --get -f a.tar --directory /x', '/x'],
    ['tar -xf a.tar -C/opt/t', '/opt/t'],
    ['bsdtar -xf a.zip -C /a', '/a'],
    // -f's argument is a name, not options: the x in it is not extract.
    ['tar -czf x.tgz -C /src app', null],
    ['tar -tf a.tar', null],
    ['tar cf - /etc', null],
    ['unzip a.zip', '/w'],
    ['unzip -q a.zip -d /opt/tool', '/opt/tool'],
    ['unzip -o a.zip -d/opt', '/opt'],
    ['unzip -l a.zip', null],
    ['unzip -qt a.zip', null],
    ['gzip -d a.gz', null],
  ];
  for (const [cmd, want] of cases) test(`${cmd} -> ${want}`, () => assert.equal(into(cmd), want));

  test('every folder below the target lists in part afterwards, and a recursive chown before it no longer covers new entries', () => {
    const a = run('RUN mkdir -p /app/data/sub /other && chown -R 1000:1000 /app\nRUN cd / && tar -xzf /tmp/app.tgz');
    for (const p of ['/', '/app', '/app/data', '/app/data/sub', '/other']) {
      assert.equal(a.image.fs.get(p)?.partial, true, p);
      assert.equal(a.image.fs.get(p)?.filled, true, p);
    }
    assert.equal(a.image.fs.get('/app')?.subtreeOwner, undefined);
  });

  test('tar -C DIR leaves folders outside DIR as they were', () => {
    const a = run('RUN mkdir -p /app/data /other\nRUN tar -xzf /tmp/app.tgz -C /app');
    assert.equal(a.image.fs.get('/app/data')?.partial, true);
    assert.equal(a.image.fs.get('/other')?.partial, undefined);
  });

  test('a file the archive may have added below a mkdir-made folder is not a certain failure', () => {
    assert.deepEqual(failures('RUN mkdir -p /app/lib && cd / && tar -xzf /tmp/app.tgz && chmod +x /app/lib/run.sh'), []);
  });
});

describe('chown -R of an entry an unpacked archive made', () => {
  test('the entry is taken as a folder of that owner, and the step stays noted', () => {
    const a = run('RUN useradd -m -u 2000 app && mkdir /vol && tar -xf /t.tar -C /vol && chown -R app /vol/pkg');
    const m = a.image.fs.get('/vol/pkg');
    assert.deepEqual([m?.kind, m?.uid, m?.gid, m?.partial, m?.filled], ['dir', 2000, 0, true, true]);
    assert.ok(a.unknowns.some((u) => u.paths.includes('/vol/pkg')));
  });

  test('in a folder nothing unknown filled, a missing path stays a chown failure', () => {
    assert.deepEqual(failures('RUN useradd -m -u 2000 app && mkdir /vol && chown -R app /vol/pkg'), ["2: chown: cannot access '/vol/pkg': No such file or directory"]);
  });
});

describe('a program by an absolute path outside the system program folders', () => {
  test('/tmp/aws/install is the AWS CLI installer, not coreutils install', () => {
    const a = run('RUN mkdir -p /tmp/aws && /tmp/aws/install');
    assert.deepEqual(a.sim.failures, []);
    assert.ok(a.unknowns.some((u) => u.reason === 'command install is not modelled'));
  });

  test('/usr/bin/install is coreutils install', () => {
    assert.deepEqual(failures('RUN /usr/bin/install'), ['2: install: missing file operand']);
  });
});

describe('inline programs (python3 -c, perl -e, node -e) that write files or run programs', () => {
  const on = (base: string, text: string) => analyze({ file: 'Dockerfile', text: `FROM ${base}\n${text}\n` });

  test('one that only prints is a no-op, as before', () => {
    const a = on('python:3.11-slim', `RUN python3 -c "import sys; print(sys.version)" && python3 -c "print(open('/etc/os-release').read())" && python3 -c "import sys; print(sys.version.replace(' ', '_'), {}.copy())"`);
    assert.deepEqual([a.unknowns, a.sim.failures], [[], []]);
  });

  test('os.makedirs is not followed: the folder it makes is not known missing, so the chown after it is no failure', () => {
    const a = on('python:3.11-slim', `RUN python3 -c "import os; os.makedirs('/data/models')" && chown nobody /data/models`);
    assert.deepEqual(a.sim.failures, []);
    assert.deepEqual([a.unknowns[0].reason, a.unknowns[0].paths], ["python3's inline program writes files or runs programs, which the model does not follow", ['/data/models']]);
    assert.equal(a.unknowns[1].reason, '/data/models is not known to exist; chown may have changed it');
  });

  test('a model download (from_pretrained) and a perl open for writing are not followed either', () => {
    assert.equal(on('python:3.11-slim', `RUN python3 -c "from transformers import AutoModel; AutoModel.from_pretrained('bert-base-uncased')"`).unknowns.length, 1);
    assert.deepEqual(on('debian:bookworm', `RUN perl -e 'open(F, ">/opt/x"); close F'`).unknowns.map((u) => u.paths), [['/opt/x']]);
    assert.deepEqual(on('debian:bookworm', `RUN perl -e 'print 1'`).unknowns, []);
  });

  test('an interpreter the image lacks is still not found, whatever its program does', () => {
    assert.deepEqual(on('debian:bookworm', `RUN python3 -c "import os; os.makedirs('/data')"`).sim.failures.map((f) => f.message), ['/bin/sh: 1: python3: not found']);
  });
});

describe('paths below the working folder that a command the model does not follow names', () => {
  test('an option value (--output=./share/x) may be a file it wrote: no certain failure on it', () => {
    // Found in a public Dockerfile: brotli writing the GeoIP database, then chmod on it.
    assert.deepEqual(failures('WORKDIR /code\nRUN mkdir share && (curl -s -L https://example.invalid/ | brotli --decompress --output=./share/db.mmdb) && chmod -R 755 ./share/db.mmdb'), []);
  });

  test('a relative word with a slash (share/out.bin) counts too, and is noted', () => {
    const a = run('WORKDIR /code\nRUN mkdir share && sometool -o share/out.bin && chmod 644 share/out.bin');
    assert.deepEqual(a.sim.failures, []);
    assert.ok(a.unknowns.some((u) => u.paths.includes('/code/share/out.bin')));
  });

  test('URLs, options and patterns are not paths; a folder nothing names stays known', () => {
    assert.deepEqual(failures('WORKDIR /code\nRUN mkdir share other && sometool https://example.invalid/a/b -x share/*.bin && chmod 644 other/x'), ["3: chmod: cannot access 'other/x': No such file or directory"]);
  });
});

describe('a script in shell syntax the model does not read (bash arrays)', () => {
  const arrays = (body: string) => `SHELL ["/bin/bash", "-c"]\nRUN <<EOF\n#!/bin/bash\n${body}\nEOF`;

  test('one that runs a package manager may have installed sudo: a later sudo is not known missing', () => {
    // Found in a public Dockerfile (Ray): the packages listed in an array, sudo among them.
    const a = run(`${arrays('PKGS=(\n  sudo\n  git\n)\napt-get install -y "${PKGS[@]}"')}\nRUN useradd -m r && echo 'r ALL=NOPASSWD: ALL' >> /etc/sudoers\nUSER r\nRUN sudo true`);
    assert.deepEqual(a.sim.failures, []);
    assert.ok(a.unknowns.some((u) => u.line === 13 && /whether sudo is installed is not known/.test(u.reason)));
    const step = a.unknowns.find((u) => u.line === 3)!;
    assert.match(step.reason, /runs shell syntax the model does not follow \(arrays are not supported\)/);
    assert.ok(step.paths.includes('/usr/bin'));
  });

  test('one that runs none leaves sudo known missing', () => {
    assert.deepEqual(failures(`${arrays('D=(a b)\nmkdir -p "/srv/${D[@]}"')}\nRUN sudo true`), ['8: /bin/bash: line 1: sudo: command not found']);
  });

  test('the absolute paths its text names may hold what it wrote', () => {
    const a = run(`RUN mkdir -p /srv/app\n${arrays('F=(a b)\nfor f in "${F[@]}"; do touch /srv/app/$f; done')}\nRUN chmod 600 /srv/app/a`);
    assert.deepEqual(a.sim.failures, []);
    assert.equal(a.image.fs.get('/srv/app')?.partial, true);
  });
});

describe('the folders the environment names for tools, and below them', () => {
  test('go install may fill $GOPATH/bin: a cp from there is not a certain failure', () => {
    // Found in a public Dockerfile (litestream): go install, then cp $GOPATH/bin/litestream.
    const a = analyze({ file: 'Dockerfile', text: 'FROM golang:alpine3.18\nWORKDIR /usr/src\nRUN go install ./cmd/litestream\nRUN cp $GOPATH/bin/litestream /usr/src/lt\n' });
    assert.deepEqual(a.sim.failures, []);
    assert.equal(a.image.fs.get('/go/bin')?.partial, true);
  });
});

describe('a program in a here-document run by an interpreter the model does not follow', () => {
  const body = 'import os\nos.makedirs("/opt/out")';
  for (const [name, run] of [
    ['fed to python3 on its input', `RUN <<EOT python3\n${body}\nEOT`],
    ['run by its #! line', `RUN <<EOT\n#!/usr/bin/env python3\n${body}\nEOT`],
    ['fed to python3 - through cat', `RUN cat <<EOT | python3 -\n${body}\nEOT`],
  ]) {
    test(`${name}: the paths its code names may hold what it made, so a later step there is no certain failure`, () => {
      const a = analyze({ file: 'Dockerfile', text: `FROM python:3.11-slim\n${run}\nRUN touch /opt/out/x\n` });
      assert.deepEqual(a.sim.failures, []);
      assert.ok(a.unknowns.some((u) => u.line === 2 && u.paths.includes('/opt/out')));
    });
  }

  test('with no path in its code, /opt stays known and the touch fails', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM python:3.11-slim\nRUN <<EOT python3\nprint(1)\nEOT\nRUN touch /opt/out/x\n' });
    assert.deepEqual(a.sim.failures.map((f) => f.message), ["touch: cannot touch '/opt/out/x': No such file or directory"]);
  });
});
