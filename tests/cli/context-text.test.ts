// The build context's configuration files reach the model: a sudoers or sshd_config file that
// COPY puts in place is read, so its rules are judged like ones written by RUN.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { contextTextReader, readBuildContext } from '../../src/cli/context.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-ctx-');

describe('build-context texts', () => {
  test('the reader gives small regular files of the tree, nothing else', () => {
    const dir = tempDir({ 'conf/sudoers': 'a ALL=(ALL) ALL\n', 'big.txt': 'x'.repeat(300 * 1024) });
    const read = contextTextReader(dir, readBuildContext(dir).tree);
    assert.equal(read('/conf/sudoers'), 'a ALL=(ALL) ALL\n');
    assert.equal(read('/conf'), undefined);
    assert.equal(read('/big.txt'), undefined);
    assert.equal(read('/missing'), undefined);
  });

  test('a sudoers file copied from the context gives UID403 at the COPY line', async () => {
    const dir = tempDir({
      Dockerfile: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo && useradd -m dev\nCOPY dev.sudoers /etc/sudoers.d/dev\nUSER dev\n',
      'dev.sudoers': 'dev ALL=(ALL) NOPASSWD: ALL\n',
    });
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
    const code = await main(['check', 'Dockerfile', '--format', 'json'], io);
    const r = JSON.parse(io.stdout);
    const f = r.results[0].findings.find((x: { ruleId: string }) => x.ruleId === 'UID403');
    assert.equal(code, 1);
    assert.equal(f?.location.line, 3);
    assert.deepEqual([r.results[0].identity.sudo.usable, r.results[0].identity.sudo.nopasswd], [true, true]);
  });

  test('with --no-context the copied text is unknown and said so', async () => {
    const dir = tempDir({
      Dockerfile: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo && useradd -m dev\nCOPY dev.sudoers /etc/sudoers.d/dev\nUSER dev\n',
      'dev.sudoers': 'dev ALL=(ALL) NOPASSWD: ALL\n',
    });
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
    await main(['check', 'Dockerfile', '--no-context', '--format', 'json'], io);
    const r = JSON.parse(io.stdout);
    assert.ok(!r.results[0].findings.some((x: { ruleId: string }) => x.ruleId === 'UID403'));
    assert.deepEqual(
      r.results[0].unknowns.filter((u: { line: number }) => u.line === 3).map((u: { reason: string }) => u.reason),
      ['the text copied to /etc/sudoers.d/dev is not known'],
    );
  });
});
