// Names that JavaScript objects carry on their prototype (constructor, toString, ...) are
// ordinary names to a shell, a Dockerfile and Compose: an unset variable, a command nobody
// installed. None of them may leak a function into the model.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { interpolate } from '../../src/runtime/compose.js';
import { parseDockerRun } from '../../src/runtime/docker.js';

const NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'];
const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };

describe('object-method names are plain names', () => {
  for (const name of NAMES) {
    test(`RUN ${name}: a command the model does not know, not a build failure`, () => {
      const a = analyze({ file: 'Dockerfile', text: `FROM ubuntu:22.04\nRUN ${name}\n` });
      assert.deepEqual(a.sim.target.failures, []);
      assert.deepEqual(a.unknowns.map((u) => u.reason), [`command ${name} is not modelled`]);
    });

    test(`$${name} is unset in a RUN script and in WORKDIR and USER`, () => {
      const a = analyze({
        file: 'Dockerfile',
        text: `FROM ubuntu:22.04\nRUN mkdir -p "/opt/x\${${name}}y"\nWORKDIR /w\${${name}}\nUSER \${${name}}\n`,
      });
      assert.deepEqual(a.sim.target.failures, []);
      assert.equal(a.image.fs.get('/opt/xy')?.kind, 'dir');
      assert.equal(a.identity.workdir, '/w');
      assert.equal(a.identity.uid, 0);
    });

    test(`command -v ${name} is not taken for an installed package`, () => {
      // The base's listing of /usr/bin is partial: the answer is "not known", as for any name.
      const a = analyze({ file: 'Dockerfile', text: `FROM ubuntu:22.04\nRUN command -v ${name}\n` });
      assert.deepEqual(a.unknowns.map((u) => u.reason), [`whether ${name} is installed is not known`]);
    });

    test(`Compose \${${name}} is blank with docker compose's warning`, () => {
      const warnings: string[] = [];
      assert.equal(interpolate(`a\${${name}}b`, {}, warnings, 'services.app.image'), 'ab');
      assert.deepEqual(warnings, [`The "${name}" variable is not set. Defaulting to a blank string.`]);
    });
  }

  test('docker run -e NAME passes only variables the invoking shell has', () => {
    const run = parseDockerRun('docker run -e constructor -e HOME img', { invoker, env: { HOME: '/home/me' } });
    assert.deepEqual(run.env, { HOME: '/home/me' });
    assert.deepEqual(run.warnings, ['-e constructor: not set in the invoking environment, so not passed']);
  });
});
