// A mount below another mount: when the folder above may not be entered, the lower mount's own
// owner and mode do not matter (measured with buildah: touch in the 1777 lower mount is denied
// while the 0750 upper one belongs to another uid), and the fix is the folder above.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseHostFactsFile } from '../../src/runtime/host.js';

const facts = parseHostFactsFile([
  'invoker: { uid: 1001, gid: 1001, home: /home/sam, cwd: /home/sam/proj, name: sam }',
  'paths:',
  '  /srv/h1001: { uid: 1001, gid: 1001, mode: "0750", kind: dir }',
  '  /srv/sticky: { uid: 0, gid: 0, mode: "1777", kind: dir }',
].join('\n'));

function check(line: string) {
  const run = parseDockerRun(line, { invoker: facts.invoker!, env: { HOME: '/home/sam', PWD: '/home/sam/proj' } });
  return analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m -u 1000 trainer\n', run, host: facts.paths });
}

describe('a mount below a mount the user may not enter', () => {
  test('the lower mount is reported as not reachable, with the fix on the folder above', () => {
    const a = check('docker run -u 1000 -v /srv/h1001:/workspace -v /srv/sticky:/workspace/data img');
    const f = a.findings.filter((x) => x.ruleId === 'UID201');
    assert.equal(f.length, 2);
    assert.match(f[0].message, /cannot write to \/workspace \(-v \/srv\/h1001:\/workspace\): it belongs to 1001:1001 on the host/);
    assert.equal(f[1].message, 'trainer (uid 1000) cannot reach /workspace/data (-v /srv/sticky:/workspace/data): /workspace (-v /srv/h1001:/workspace) above it may not be entered - Permission denied.');
    assert.deepEqual(f[1].fixes.map((x) => x.snippet), ['sudo chown 1000:1000 /srv/h1001', 'chmod o+x /srv/h1001']);
  });

  test('as the upper folder\'s owner both are writable: nothing to report', () => {
    const a = check('docker run -u 1001 -v /srv/h1001:/workspace -v /srv/sticky:/workspace/data img');
    assert.deepEqual(a.findings.filter((x) => x.ruleId === 'UID201'), []);
    assert.equal(a.check('/workspace/data', 'create').allowed, true);
  });
});

describe('a bind source nothing is known about', () => {
  test('UID201 is a warning that says the owner is assumed', () => {
    const run = parseDockerRun('docker run -u 1000 -v /srv/unknown-here:/data img', { invoker: facts.invoker!, env: {} });
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m -u 1000 trainer\n', run, host: [] });
    const f = a.findings.find((x) => x.ruleId === 'UID201');
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /may not be able to write to \/data .*, if the host folder is as assumed \(nothing is known of it\)/);
    assert.deepEqual(f?.dependsOn, ['host-unknown:/srv/unknown-here']);
  });
});
