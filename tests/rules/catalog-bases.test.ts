// Verdicts that changed when nginx and tensorflow/tensorflow joined the catalog: what was a
// guessed failure on an unknown base is judged on the image's real users, and the Jupyter tags'
// root start is reported as for any other Jupyter started as root with --allow-root.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const check = (text: string, run?: string, profile?: 'dev' | 'prod') =>
  analyze({ file: 'Dockerfile', text, run: run ? parseDockerRun(run, { invoker }) : undefined, profile });
const ids = (a: ReturnType<typeof check>) => a.findings.map((f) => f.ruleId);

describe('nginx: the nginx user of the image is known', () => {
  test('FROM nginx:alpine then chown -R nginx:nginx /usr/share/nginx/html builds', () => {
    const a = check('FROM nginx:alpine\nRUN chown -R nginx:nginx /usr/share/nginx/html\n');
    assert.deepEqual(a.sim.failures, []);
    assert.deepEqual(ids(a).filter((id) => /^UID60[124]$/.test(id)), []);
    assert.equal(a.assumptions.some((x) => x.id === 'base:unknown-image'), false);
    for (const p of ['/usr/share/nginx/html', '/usr/share/nginx/html/index.html']) {
      const m = a.image.fs.get(p);
      assert.deepEqual([m?.uid, m?.gid], [101, 101], p);
    }
  });

  test('the Debian image too, with COPY --chown and USER nginx', () => {
    const a = check('FROM nginx:1.27\nCOPY --chown=nginx:nginx site.conf /etc/nginx/conf.d/site.conf\nUSER nginx\n');
    assert.deepEqual(a.sim.failures, []);
    assert.deepEqual(ids(a).filter((id) => /^UID(104|60[124])$/.test(id)), []);
    assert.deepEqual([a.identity.uid, a.identity.gid, a.identity.user], [101, 101, 'nginx']);
  });

  test('a user the image does not have is now a plain error, not a guess', () => {
    const f = check('FROM nginx:alpine\nRUN chown -R www:www /usr/share/nginx/html\n').findings.find((x) => x.ruleId === 'UID602');
    assert.equal(f?.message, 'The build fails here: chown: unknown user/group www:www');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.dependsOn, []);
  });

  test('the root-owned content folder cannot be written by nginx without that chown', () => {
    const a = check('FROM nginx:alpine\nUSER nginx\nRUN touch /usr/share/nginx/html/x\n');
    const f = a.findings.find((x) => x.ruleId === 'UID601');
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /Permission denied/);
  });
});

describe('tensorflow/tensorflow Jupyter tags start Jupyter as root with --allow-root (UID503)', () => {
  const MESSAGE = 'Jupyter runs as root with --allow-root: every notebook cell and terminal is a root shell.';

  for (const ref of ['tensorflow/tensorflow:latest-jupyter', 'tensorflow/tensorflow:2.15.0-gpu-jupyter']) {
    test(`FROM ${ref}`, () => {
      const a = check(`FROM ${ref}\n`);
      const f = a.findings.find((x) => x.ruleId === 'UID503');
      assert.equal(f?.message, MESSAGE);
      assert.equal(f?.severity, 'warning');
      assert.equal(f?.location.line, 1);
      assert.deepEqual([a.identity.uid, a.runtime.process.cwd], [0, '/tf']);
      // The token keeps its random default and root is allowed: no other Jupyter finding.
      assert.deepEqual(ids(a).filter((id) => /^UID50[457]$/.test(id)), []);
    });
  }

  test('an info in the dev profile, as for other Jupyter starts', () => {
    assert.equal(check('FROM tensorflow/tensorflow:latest-jupyter\n', undefined, 'dev').findings.find((x) => x.ruleId === 'UID503')?.severity, 'info');
  });

  test('started as another user it is not root: no UID503', () => {
    const a = check('FROM tensorflow/tensorflow:latest-jupyter\n', 'docker run -u 1000:1000 -p 8888:8888 img');
    assert.equal(a.identity.uid, 1000);
    assert.equal(ids(a).includes('UID503'), false);
  });

  test('the images without Jupyter start bash: no UID503', () => {
    assert.equal(ids(check('FROM tensorflow/tensorflow:latest-gpu\n')).includes('UID503'), false);
  });
});
