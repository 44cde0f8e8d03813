// SARIF locations for code scanning: relative to the folder uidctl ran in (uriBaseId
// %SRCROOT%), so a finding has one location and one fingerprint however the path was typed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { tempDirs } from '../cli/temp.js';

const tempDir = tempDirs('uidctl-sarif-');

async function sarifOf(args: string[], cwd: string) {
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(cwd, '.cache') }, cwd);
  await main(['check', ...args, '--format', 'sarif', '--fail-on', 'never', '--no-context', '--base-from', 'catalog'], io);
  const run = JSON.parse(io.stdout).runs[0];
  const r = run.results.find((x: { ruleId: string }) => x.ruleId === 'UID101');

  return { location: r.locations[0].physicalLocation.artifactLocation, fingerprint: r.partialFingerprints['uidctl/v1'], bases: run.originalUriBaseIds };
}

describe('SARIF locations', () => {
  test('the same file typed three ways has one location and one fingerprint', async () => {
    const repo = tempDir({ 'svc/Dockerfile': 'FROM debian:bookworm\n' });
    mkdirSync(join(repo, 'other'));
    const plain = await sarifOf(['svc/Dockerfile'], repo);
    const dotted = await sarifOf(['./svc/../svc/Dockerfile'], repo);
    const absolute = await sarifOf([join(repo, 'svc/Dockerfile')], repo);

    assert.deepEqual(plain.location, { uri: 'svc/Dockerfile', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(dotted, plain);
    assert.deepEqual(absolute, plain);
    assert.deepEqual(plain.bases, { '%SRCROOT%': { uri: `file://${repo}/` } });
  });

  test('a file outside the folder uidctl runs in is an absolute file URI', async () => {
    const repo = tempDir({ 'Dockerfile': 'FROM debian:bookworm\n' });
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'x'), '');
    const r = await sarifOf([join(repo, 'Dockerfile')], elsewhere);
    assert.deepEqual(r.location, { uri: `file://${repo}/Dockerfile` });
  });
});
