// A bind source with POSIX ACL entries: the mode bits are not the whole answer, so UID201 on it
// is a warning resting on a stated assumption, and its fix adds an ACL entry instead of taking
// a shared folder from its owner.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseHostFactsFile } from '../../src/runtime/host.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const DOCKERFILE = 'FROM python:3.11-slim\nRUN useradd -m -u 1000 app\nUSER app\n';

function uid201(acl: boolean) {
  const facts = parseHostFactsFile(`paths:\n  /srv/shared: { uid: 3000, gid: 3000, mode: "0770"${acl ? ', acl: true' : ''} }\n`);
  const a = analyze({ file: 'Dockerfile', text: DOCKERFILE, run: parseDockerRun('docker run -v /srv/shared:/data img', { invoker }), host: facts.paths });
  return { a, f: a.findings.find((x) => x.ruleId === 'UID201') };
}

describe('a bind source with ACL entries', () => {
  test('UID201 is a warning that names the assumption, and the fix is an ACL entry', () => {
    const { a, f } = uid201(true);
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['host-acl:/srv/shared']);
    assert.match(f?.message ?? '', /unless its ACL entries \(not read\) allow it/);
    assert.ok(f?.fixes.some((x) => x.snippet === 'sudo setfacl -R -m u:1000:rwX -m d:u:1000:rwX /srv/shared'));
    assert.ok(!f?.fixes.some((x) => x.snippet?.startsWith('sudo chown')));
    assert.equal(a.assumptions.find((x) => x.id === 'host-acl:/srv/shared')?.confidence, 'low');
  });

  test('without them the mode bits decide: an error, and the chown fix', () => {
    const { f } = uid201(false);
    assert.equal(f?.severity, 'error');
    assert.ok(f?.fixes.some((x) => x.snippet === 'sudo chown -R 1000:1000 /srv/shared'));
  });
});
