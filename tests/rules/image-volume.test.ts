// UID201 on the image's own VOLUMEs: every start makes an anonymous volume there, copied from
// the image directory, so a root-owned 0755 directory is not writable for a non-root user.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import type { Builder } from '../../src/shell/context.js';
import { parseDockerRun } from '../../src/runtime/docker.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const df = (...lines: string[]) => `${lines.join('\n')}\n`;
const CHOWN_AFTER = df('FROM python:3.12-slim', 'RUN useradd -m -u 1000 app', 'VOLUME /data', 'RUN chown app:app /data', 'USER app');
const NO_CHOWN = df('FROM python:3.12-slim', 'VOLUME /srv/data', 'USER 2000');
const CHOWN_BEFORE = df('FROM python:3.12-slim', 'RUN useradd -m -u 1000 app', 'RUN mkdir /data && chown app:app /data', 'VOLUME /data', 'USER app');

interface Case {
  name: string;
  dockerfile: string;
  builder: Builder;
  run?: string;
  /** Expected UID201 findings: message start, line and first fix snippet. */
  want: { message: string; line: number; snippet: string }[];
}

const cases: Case[] = [
  {
    name: 'classic builder: the chown after VOLUME is discarded, the anonymous volume is root 0755',
    dockerfile: CHOWN_AFTER,
    builder: 'classic',
    run: 'docker run img',
    want: [{
      message: 'app (uid 1000) cannot write to /data (VOLUME /data): it belongs to 0:0 - Permission denied.',
      line: 3,
      snippet: 'RUN mkdir -p /data && chown 1000:1000 /data\nVOLUME /data',
    }],
  },
  {
    name: 'buildkit, a VOLUME never chowned, uid 2000 without a passwd entry',
    dockerfile: NO_CHOWN,
    builder: 'buildkit',
    run: 'docker run img',
    want: [{
      message: 'uid 2000 (no passwd entry) cannot write to /srv/data (VOLUME /srv/data): it belongs to 0:0 - Permission denied.',
      line: 2,
      snippet: 'RUN mkdir -p /srv/data && chown 2000:0 /srv/data\nVOLUME /srv/data',
    }],
  },
  {
    name: 'no run line: the image volume is still made at every start',
    dockerfile: NO_CHOWN,
    builder: 'buildkit',
    want: [{
      message: 'uid 2000 (no passwd entry) cannot write to /srv/data (VOLUME /srv/data): it belongs to 0:0 - Permission denied.',
      line: 2,
      snippet: 'RUN mkdir -p /srv/data && chown 2000:0 /srv/data\nVOLUME /srv/data',
    }],
  },
  {
    name: 'buildkit keeps the chown after VOLUME: the volume copies app\'s directory',
    dockerfile: CHOWN_AFTER,
    builder: 'buildkit',
    run: 'docker run img',
    want: [],
  },
  {
    name: 'classic builder with the chown before VOLUME: quiet',
    dockerfile: CHOWN_BEFORE,
    builder: 'classic',
    run: 'docker run img',
    want: [],
  },
  {
    name: 'a named volume on the VOLUME path is one finding, about the named volume',
    dockerfile: CHOWN_AFTER,
    builder: 'classic',
    run: 'docker run -v vol:/data img',
    want: [{
      message: 'app (uid 1000) cannot write to /data (-v vol:/data): it belongs to 0:0 - Permission denied.',
      line: 5,
      // Before the VOLUME line: the classic builder discards the chown after it.
      snippet: 'RUN mkdir -p /data && chown 1000:1000 /data\nVOLUME /data',
    }],
  },
];

describe('UID201 on image VOLUMEs', () => {
  for (const c of cases) {
    test(c.name, () => {
      const run = c.run ? parseDockerRun(c.run, { invoker }) : undefined;
      const a = analyze({ file: 'Dockerfile', text: c.dockerfile, builder: c.builder, run });
      const got = a.findings
        .filter((f) => f.ruleId === 'UID201')
        .map((f) => ({ message: f.message, line: f.location.line, snippet: f.fixes[0]?.snippet ?? '' }));
      assert.deepEqual(got, c.want);
    });
  }
});

// A VOLUME below a folder an archive filled (the Mattermost image unpacks its tarball in / and
// declares VOLUMEs on folders only the tarball has): measured in the oracle's
// volumes/unpacked-* scenarios.
describe('image VOLUMEs below a folder an archive filled', () => {
  const UNPACKED = (chown: string) => df(
    'FROM debian:bookworm',
    `RUN mkdir -p /app/data && useradd -d /app -u 2000 app && cd / && tar -xzf /tmp/app.tgz${chown}`,
    'USER app',
    'VOLUME ["/app/data", "/app/logs"]',
  );

  test('after chown -R the folder is taken as there, owned by the user: no finding, one stated guess', () => {
    const a = analyze({ file: 'Dockerfile', text: UNPACKED(' && chown -R app:app /app') });
    assert.deepEqual(a.findings.filter((f) => f.ruleId === 'UID201'), []);
    const guess = a.assumptions.find((x) => x.id === 'volume-path:4');
    assert.equal(guess?.confidence, 'low');
    assert.match(guess?.text ?? '', /\/app\/logs is taken as there, owned by 2000:2000 as the recursive chown at line 2 left everything below \/app/);
    const m = a.image.fs.get('/app/logs');
    assert.deepEqual([m?.uid, m?.gid, m?.mode], [2000, 2000, 0o755]);
    assert.deepEqual(a.verdicts.find((v) => v.path === '/app/logs' && v.op === 'write')?.dependsOn, ['volume-path:4']);
  });

  test('without the chown it is taken as root\'s: a hedged warning that depends on the guess', () => {
    const a = analyze({ file: 'Dockerfile', text: UNPACKED(' && chown app /app/data') });
    const f = a.findings.filter((x) => x.ruleId === 'UID201');
    assert.deepEqual(f.map((x) => [x.severity, x.message, x.dependsOn]), [[
      'warning',
      'app (uid 2000) may not be able to write to /app/logs (VOLUME /app/logs): it belongs to 0:0 - Permission denied.',
      ['volume-path:4'],
    ]]);
  });

  test('a VOLUME in a folder the catalog lists in part, with nothing unpacked, is as before: a plain error', () => {
    const a = analyze({ file: 'Dockerfile', text: df('FROM debian:bookworm', 'RUN useradd -m app', 'VOLUME /data', 'USER app') });
    assert.deepEqual(a.findings.filter((x) => x.ruleId === 'UID201').map((x) => [x.severity, x.dependsOn]), [['error', []]]);
    assert.equal(a.assumptions.some((x) => x.id.startsWith('volume-path')), false);
  });
});

describe('image VOLUMEs below the destination of a COPY whose source was not read', () => {
  // Found in a public Dockerfile (NodeBB): COPY . /usr/src/app, then VOLUME on folders below it.
  const text = df(
    'FROM node:20-alpine',
    'RUN mkdir -p /usr/src/app && chown -R node:node /usr/src/app',
    'USER node',
    'WORKDIR /usr/src/app',
    'COPY --chown=node:node . /usr/src/app',
    'VOLUME ["/usr/src/app/node_modules", "/opt/config"]',
  );

  test('the path may have come with the COPY: a warning on the guess; a path elsewhere stays a plain error', () => {
    const a = analyze({ file: 'Dockerfile', text });
    const f = a.findings.filter((x) => x.ruleId === 'UID201');
    assert.deepEqual(f.map((x) => [x.severity, x.dependsOn, x.message.split(':')[0]]), [
      ['warning', ['volume-path:6'], 'node (uid 1000) may not be able to write to /usr/src/app/node_modules (VOLUME /usr/src/app/node_modules)'],
      ['error', [], 'node (uid 1000) cannot write to /opt/config (VOLUME /opt/config)'],
    ]);
    assert.match(a.assumptions.find((x) => x.id === 'volume-path:6')?.text ?? '', /\/usr\/src\/app\/node_modules is taken as missing, so VOLUME creates it owned by root with mode 0755, though the COPY at line 5, whose source was not read, may have brought it$/);
  });

  test('with the context read and no such folder in it, the error is certain', () => {
    const context = new Map([['/', { kind: 'dir' as const, uid: 0, gid: 0, mode: 0o755 }], ['/server.js', { kind: 'file' as const, uid: 0, gid: 0, mode: 0o644 }]]);
    const a = analyze({ file: 'Dockerfile', text, context });
    assert.deepEqual(a.findings.filter((x) => x.ruleId === 'UID201').map((x) => [x.severity, x.dependsOn]), [['error', []], ['error', []]]);
  });
});
