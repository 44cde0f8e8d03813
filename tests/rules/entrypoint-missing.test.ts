// UID106 on a program that is not there: reported when the model knows the file is missing,
// quiet when its existence is only unknown (partial listings, unread contexts, unmodelled RUNs).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';

interface Case {
  name: string;
  dockerfile: string[];
  run?: string;
  engine?: 'docker' | 'podman';
  /** The exact message; absent: UID106 must stay quiet. */
  message?: string;
  fix?: string;
}

const ALPINE_APP = [
  'FROM alpine:3.19',
  'RUN adduser -S -D -u 2000 -h /app appuser',
  'USER 2000',
  'WORKDIR /app',
];

const cases: Case[] = [
  {
    name: 'a path in a directory the build created and listed in full',
    dockerfile: [...ALPINE_APP, 'ENTRYPOINT ["/app/run.sh"]'],
    message: 'The container will not start: /app/run.sh does not exist in the image (exec: "/app/run.sh": stat /app/run.sh: no such file or directory).',
    fix: 'COPY --chmod=0755 run.sh /app/run.sh',
  },
  {
    name: 'podman words the same miss as crun does',
    dockerfile: [...ALPINE_APP, 'ENTRYPOINT ["/app/run.sh"]'],
    engine: 'podman',
    message: 'The container will not start: /app/run.sh does not exist in the image (executable file `/app/run.sh` not found in $PATH: No such file or directory).',
  },
  {
    name: 'a relative path resolved against WORKDIR',
    dockerfile: [...ALPINE_APP, 'CMD ["./start"]'],
    message: 'The container will not start: /app/start does not exist in the image (exec: "./start": stat ./start: no such file or directory).',
  },
  {
    name: 'a venv python linking to an interpreter the image lacks (build-created dirs)',
    dockerfile: [
      'FROM debian:bookworm',
      'RUN mkdir -p /venv/bin && ln -s /opt/py/bin/python3 /venv/bin/python && mkdir -p /opt/py/bin',
      'ENTRYPOINT ["/venv/bin/python"]',
    ],
    message: 'The container will not start: /venv/bin/python does not exist in the image (exec: "/venv/bin/python": stat /venv/bin/python: no such file or directory).',
  },
  {
    name: 'quiet: the script is copied in',
    dockerfile: [...ALPINE_APP, 'COPY --chmod=0755 run.sh /app/run.sh', 'ENTRYPOINT ["/app/run.sh"]'],
  },
  {
    name: 'quiet: the build context was not read (COPY . /app)',
    dockerfile: [...ALPINE_APP, 'COPY . /app', 'ENTRYPOINT ["/app/run.sh"]'],
  },
  {
    name: "debian:bookworm's /usr/local/bin is listed (empty) in the catalog",
    dockerfile: ['FROM debian:bookworm', 'ENTRYPOINT ["/usr/local/bin/serve"]'],
    message: 'The container will not start: /usr/local/bin/serve does not exist in the image (exec: "/usr/local/bin/serve": stat /usr/local/bin/serve: no such file or directory).',
  },
  {
    name: 'quiet: a directory of the base whose listing is partial',
    dockerfile: ['FROM debian:bookworm', 'ENTRYPOINT ["/usr/bin/serve"]'],
  },
  {
    name: 'quiet: a base the catalog does not know',
    dockerfile: ['FROM registry.example.com/team/base:7', 'RUN mkdir /app', 'ENTRYPOINT ["/app/run.sh"]'],
  },
  {
    name: 'quiet: an unmodelled command names the directory',
    dockerfile: [...ALPINE_APP, 'RUN fetch-tool --out /app', 'ENTRYPOINT ["/app/run.sh"]'],
  },
  {
    name: 'quiet: an unmodelled command that may touch anything',
    dockerfile: [...ALPINE_APP, 'RUN xargs -P4 make < jobs', 'ENTRYPOINT ["/app/run.sh"]'],
  },
  {
    name: 'quiet: a bare name on a PATH of partial base directories',
    dockerfile: ['FROM debian:bookworm', 'CMD ["myserver"]'],
  },
  {
    name: 'quiet: a bind mount brings the program',
    dockerfile: [...ALPINE_APP, 'ENTRYPOINT ["/app/bin/run.sh"]'],
    run: 'docker run -v "$PWD/bin:/app/bin" img',
  },
];

function uid106(c: Case) {
  const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
  const run = c.run ? parseDockerRun(c.run, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } }) : undefined;
  const a = analyze({ file: 'Dockerfile', text: `${c.dockerfile.join('\n')}\n`, run, engine: c.engine, profile: 'prod' });

  return a.findings.filter((f) => f.ruleId === 'UID106');
}

describe('UID106 on a missing start program', () => {
  for (const c of cases) {
    test(c.name, () => {
      const got = uid106(c);
      if (c.message === undefined) {
        assert.deepEqual(got.map((f) => f.message), []);
        return;
      }
      assert.equal(got.length, 1);
      assert.equal(got[0].severity, 'error');
      assert.equal(got[0].message, c.message);
      if (c.fix) assert.equal(got[0].fixes[0].snippet, c.fix);
    });
  }
});

describe('UID106 on a program whose mode is a guess', () => {
  const uid106 = (text: string) => analyze({ file: 'Dockerfile', text }).findings.filter((f) => f.ruleId === 'UID106');

  test('a binary an unmodelled build made, copied from its stage, is taken as executable', () => {
    const text = 'FROM golang:1.22 AS build\nWORKDIR /src\nRUN go build -o app\nFROM debian:bookworm-slim\nCOPY --from=build /src/app /app\nENTRYPOINT ["/app"]\n';
    assert.deepEqual(uid106(text), []);
    assert.equal(analyze({ file: 'Dockerfile', text }).image.fs.get('/app')?.mode, 0o755);
  });

  test('a context file whose mode was not read: a warning resting on the copy', () => {
    const [f, ...rest] = uid106('FROM debian:bookworm-slim\nCOPY app /app\nENTRYPOINT ["/app"]\n');
    assert.equal(rest.length, 0);
    assert.equal(f?.message, 'The container will not start: root (uid 0) cannot execute /app (exec /app: permission denied), if its mode is the one assumed.');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['copy-source:2']);
    assert.match(f?.why ?? '', /That mode is not known for sure: it rests on copy-source:2\.$/);
  });

  test('the guess comes along when another stage copies the file: still a warning resting on it', () => {
    const text = 'FROM debian:bookworm-slim AS build\nWORKDIR /base/app\nCOPY run.sh .\nFROM debian:bookworm-slim AS fs\nCOPY --from=build /base /\nFROM scratch\nCOPY --from=fs / /\nUSER nobody\nCMD ["/app/run.sh"]\n';
    const [f, ...rest] = uid106(text);
    assert.equal(rest.length, 0);
    assert.equal(f?.message, 'The container will not start: nobody (uid 65534) cannot execute /app/run.sh (exec /app/run.sh: permission denied), if its mode is the one assumed.');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['copy-source:3']);
    const a = analyze({ file: 'Dockerfile', text });
    assert.deepEqual(a.image.assumptions.find((x) => x.id === 'copy-source:3')?.paths, ['/app/run.sh', '/app']);
    // The stage that made the guess keeps its own paths.
    assert.deepEqual(a.sim.stages[0].state.assumptions.find((x) => x.id === 'copy-source:3')?.paths, ['/base/app/run.sh', '/base/app']);
  });

  test('a mode the Dockerfile sets stays an error', () => {
    const [f] = uid106('FROM debian:bookworm-slim\nRUN printf "#!/bin/sh\\n" > /run.sh && chmod 0644 /run.sh\nENTRYPOINT ["/run.sh"]\n');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.dependsOn, []);
  });

  test('the JSON report keeps assumptions to their documented fields', async () => {
    const { renderJson } = await import('../../src/report/json.js');
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm-slim\nCOPY app /app\n' });
    assert.deepEqual(a.image.assumptions.find((x) => x.id === 'copy-source:2')?.paths, ['/app']);
    const json = JSON.parse(renderJson([{ analysis: a, findings: a.findings }], 'x'));
    const copied = json.results[0].assumptions.find((x: { id: string }) => x.id === 'copy-source:2');
    assert.deepEqual(Object.keys(copied).sort(), ['confidence', 'file', 'id', 'line', 'subject', 'text']);
  });
});

describe('python and python3 as the start command on the plain debian and ubuntu images', () => {
  const uid106 = (text: string) => analyze({ file: 'Dockerfile', text }).findings.find((f) => f.ruleId === 'UID106');

  test('python without python-is-python3, and python3 with no Python at all: the container does not start', () => {
    const python = uid106('FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3\nCMD ["python", "app.py"]\n');
    assert.deepEqual([python?.message, python?.fixes.map((f) => f.description)], [
      'The container will not start: python is not installed (exec: "python": executable file not found in $PATH).',
      ['Start it with python3, the name the python3 package gives.', 'Or install python-is-python3, which adds the python name.'],
    ]);
    assert.equal(uid106('FROM ubuntu:22.04\nCMD ["python3", "app.py"]\n')?.message, 'The container will not start: python3 is not installed (exec: "python3": executable file not found in $PATH).');
  });

  test('alpine:TAG has no Python either, until apk or another step brings one', () => {
    const f = uid106('FROM alpine:3.19\nCMD ["python3", "-c", "print(1)"]\n');
    assert.equal(f?.message, 'The container will not start: python3 is not installed (exec: "python3": executable file not found in $PATH).');
    assert.equal(f?.severity, 'warning');
    assert.equal(uid106('FROM alpine:3.19\nRUN apk add --no-cache python3\nCMD ["python3", "app.py"]\n'), undefined);
    assert.equal(uid106('FROM alpine:3.19\nRUN ./install-python.sh\nCMD ["python3", "app.py"]\n'), undefined);
    assert.equal(uid106('FROM python:3.12-alpine\nCMD ["python3", "app.py"]\n'), undefined);
  });

  test('quiet where the name is there or may be: python-is-python3, a venv, another base, python3 installed', () => {
    for (const text of [
      'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3 python-is-python3\nCMD ["python", "app.py"]\n',
      'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3 python3-venv && python3 -m venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nCMD ["python", "app.py"]\n',
      'FROM nvidia/cuda:12.1.0-devel-ubuntu22.04\nCMD ["python", "app.py"]\n',
      'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3-numpy\nCMD ["python3", "app.py"]\n',
    ]) assert.equal(uid106(text), undefined, text);
  });
});

describe('a program that a shell-form command or env starts, missing on the plain images', () => {
  const uid106 = (text: string, run?: string) =>
    analyze({ file: 'Dockerfile', text, run: run === undefined ? undefined : parseDockerRun(run, { invoker: { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' } }) }).findings.find((f) => f.ruleId === 'UID106');
  const PY3 = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3\n';

  test('the shell or env starts, cannot find it, and exits 127 in its own words (measured: launchers/*-missing)', () => {
    const said = (text: string, run?: string) => uid106(text, run)?.message;
    assert.equal(said(`${PY3}CMD python app.py\n`), 'The container will not start its workload: /bin/sh: 1: python: not found (exit 127).');
    assert.equal(said(`${PY3}CMD ["bash", "-c", "python app.py"]\n`), 'The container will not start its workload: bash: line 1: python: command not found (exit 127).');
    assert.equal(said(`${PY3}CMD ["/usr/bin/env", "python", "app.py"]\n`), "The container will not start its workload: /usr/bin/env: 'python': No such file or directory (exit 127).");
    assert.equal(said('FROM ubuntu:22.04\nCMD env PYTHONUNBUFFERED=1 python3 app.py\n'), "The container will not start its workload: env: 'python3': No such file or directory (exit 127).");
    assert.equal(said(PY3, `docker run --rm image sh -c 'python /app/train.py "$@"' sh bash`), 'The container will not start its workload: sh: 1: python: not found (exit 127).');
    const f = uid106(`${PY3}CMD python app.py\n`);
    assert.deepEqual([f?.severity, f?.location.line, f?.fixes[0]?.description], ['warning', 3, 'Start it with python3, the name the python3 package gives.']);
  });

  test('quiet where the program is there, may be, or something else fails first', () => {
    for (const text of [
      `${PY3}CMD python3 app.py\n`,
      `${PY3}CMD ["env", "python3", "app.py"]\n`,
      'FROM python:3.11-slim\nCMD python app.py\n',
      // tini itself is not on the plain image: the engine fails on it first (its own UID106).
      `${PY3}ENTRYPOINT ["tini", "--"]\nCMD python app.py\n`,
      // A script file given to the shell: not a program looked up by name.
      `${PY3}CMD ["bash", "run.sh"]\n`,
      // After a switch of user the command is judged by the switch's own model.
      `${PY3}RUN useradd -m app\nCMD su app -c "python app.py"\n`,
    ]) assert.doesNotMatch(uid106(text)?.message ?? '', /workload: .*(not found|No such file)/, text);
  });
});

describe('conda, mamba and micromamba as the start program', () => {
  const uid106 = (text: string) => analyze({ file: 'Dockerfile', text }).findings.find((f) => f.ruleId === 'UID106');
  const INSTALLED = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && curl -LO https://x/Miniconda3-latest-Linux-x86_64.sh && bash Miniconda3-latest-Linux-x86_64.sh -b -p /opt/conda\n';

  test('none on PATH: a plain image, or an installer run with -b and no ENV PATH', () => {
    assert.equal(uid106('FROM debian:bookworm\nCMD ["conda", "run", "-n", "ml", "python", "app.py"]\n')?.message, 'The container will not start: conda is not installed (exec: "conda": executable file not found in $PATH).');
    assert.equal(uid106('FROM ubuntu:22.04\nCMD micromamba run -n ml python app.py\n')?.message, 'The container will not start its workload: /bin/sh: 1: micromamba: not found (exit 127).');
    const f = uid106(`${INSTALLED}CMD ["conda", "run", "-n", "base", "python", "app.py"]\n`);
    assert.deepEqual([f?.message, f?.fixes.map((x) => x.snippet)], [
      'The container will not start: conda is not on PATH (exec: "conda": executable file not found in $PATH).',
      ['ENV PATH=/opt/conda/bin:$PATH'],
    ]);
    // Not on PATH, conda activates nothing: the workload's python is not the base env's.
    const a = analyze({ file: 'Dockerfile', text: `${INSTALLED}CMD ["conda", "run", "-n", "base", "python", "app.py"]\n` });
    assert.equal(a.runtime.process.env.CONDA_PREFIX, undefined);
  });

  test('quiet where conda is on PATH or the base may have it', () => {
    for (const text of [
      `${INSTALLED}ENV PATH=/opt/conda/bin:$PATH\nCMD ["conda", "run", "-n", "base", "python", "app.py"]\n`,
      `${INSTALLED}CMD ["/opt/conda/bin/conda", "run", "-n", "base", "python", "app.py"]\n`,
      'FROM continuumio/miniconda3:24.7.1-0\nCMD ["conda", "run", "-n", "base", "python", "app.py"]\n',
      'FROM mambaorg/micromamba:1.5.8\nCMD ["micromamba", "run", "-n", "base", "python", "app.py"]\n',
    ]) assert.equal(uid106(text), undefined, text);
  });
});

describe('gcr.io/distroless/python3 starts its interpreter (python3/python.bzl: ENTRYPOINT ["/usr/bin/python3.11"])', () => {
  test('a CMD naming a script is python3.11\'s argument, not a program to execute', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM gcr.io/distroless/python3-debian12:nonroot\nCOPY hello.py /app/hello.py\nCMD ["/app/hello.py"]\n' });
    assert.deepEqual([a.image.config.entrypoint, a.image.config.env.LANG], [['/usr/bin/python3.11'], 'C.UTF-8']);
    assert.equal(a.findings.find((f) => f.ruleId === 'UID106'), undefined);
    assert.equal(a.image.fs.get('/usr/bin/python')?.target, '/usr/bin/python3.11');
  });
});
