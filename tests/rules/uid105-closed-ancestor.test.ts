// UID105 when a folder above the working directory refuses search: no owner of the working
// directory helps, so the fix opens that folder first (the x bit of the class the process
// falls in), and gives the working directory to the user only when it still needs it. Applied,
// the fix leaves nothing to report.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };

function uid105(lines: string[], run?: string) {
  const r = run ? parseDockerRun(run, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } }) : undefined;
  const a = analyze({ file: 'Dockerfile', text: `${lines.join('\n')}\n`, run: r, profile: 'dev' });

  return a.findings.filter((f) => f.ruleId === 'UID105');
}

const OPENSHIFT = [
  'FROM debian:bookworm',
  'RUN mkdir -p /opt/app/logs && chgrp -R 0 /opt/app && chmod -R g=u /opt/app && chmod 0644 /opt/app',
  'WORKDIR /opt/app/logs',
];
const RUN = 'docker run --user 12345:0 img';

describe('UID105: a parent folder that blocks entry', () => {
  test('group 0 may not search /opt/app: the fix is chmod g+x on it, not a chown of the working directory', () => {
    const f = uid105(OPENSHIFT, RUN);
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.equal(f[0].message, 'uid 12345 (no passwd entry) cannot create files in the working directory /opt/app/logs.');
    assert.match(f[0].why, /^cannot pass through \/opt\/app: /);
    assert.equal(f[0].fixes.length, 1);
    assert.equal(
      f[0].fixes[0].description,
      'Let the user pass through /opt/app first: it has no search (x) permission for the group class the process falls in, so no owner or mode of /opt/app/logs helps until it is opened; /opt/app/logs itself already lets it write. Put this anywhere after FROM: the steps of this stage run as root.',
    );
    assert.equal(f[0].fixes[0].snippet, 'RUN chmod g+x /opt/app');
  });

  test('applied, the fix leaves nothing to report', () => {
    assert.deepEqual(uid105([...OPENSHIFT, 'RUN chmod g+x /opt/app'], RUN), []);
  });

  test('the working directory refuses too: open the parent, then give the folder to the user', () => {
    const lines = ['FROM debian:bookworm', 'RUN mkdir -p /opt/app/logs && chmod 0700 /opt/app', 'WORKDIR /opt/app/logs'];
    const f = uid105(lines, 'docker run --user 2000:2000 img');
    assert.equal(f.length, 1);
    assert.equal(f[0].fixes[0].snippet, 'RUN chmod o+x /opt/app && mkdir -p /opt/app/logs && chown 2000:2000 /opt/app/logs');
    assert.match(f[0].fixes[0].description, /no search \(x\) permission for the other class the process falls in.*, and then give \/opt\/app\/logs to the user\./);
    assert.deepEqual(uid105([...lines, f[0].fixes[0].snippet!], 'docker run --user 2000:2000 img'), []);
  });

  test('a named user of the image: the fix goes before its USER line and chowns by name', () => {
    const lines = ['FROM debian:bookworm', 'RUN useradd -m app && mkdir -p /srv/data/out && chmod 0750 /srv/data', 'USER app', 'WORKDIR /srv/data/out'];
    const f = uid105(lines);
    assert.equal(f.length, 1);
    assert.match(f[0].fixes[0].snippet!, /chmod o\+x \/srv\/data && mkdir -p \/srv\/data\/out && chown app:app \/srv\/data\/out/);
  });
});
