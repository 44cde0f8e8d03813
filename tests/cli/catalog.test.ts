// `uidctl catalog` (the command UID701's page sends users to): every entry of the embedded
// catalog, as text and JSON, and a filter on the key.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { describeCatalog } from '../../src/image/catalog/index.js';

async function uidctl(args: string[]) {
  const io = memoryIo();
  const code = await main(args, io);

  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('uidctl catalog', () => {
  test('text: one line per entry, key then summary, in the catalog order', async () => {
    const r = await uidctl(['catalog']);
    const lines = r.stdout.trimEnd().split('\n');

    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(lines.length, describeCatalog().length);
    // Keys are padded to the longest (38 characters) and two spaces.
    assert.equal(lines[0], `${'debian:bookworm'.padEnd(40)}Debian 12 (bookworm): root, base-passwd 3.6.1 accounts, no uid 1000, no sudo, no Python`);
  });

  test('json: every entry with its key, summary and sources', async () => {
    const r = await uidctl(['catalog', '--format', 'json']);

    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), { schemaVersion: 1, entries: describeCatalog() });
  });

  test('TEXT keeps the entries whose key contains it, case-insensitively', async () => {
    const r = await uidctl(['catalog', 'UBUNTU:2', '--format', 'json']);
    const keys = (JSON.parse(r.stdout) as { entries: { key: string }[] }).entries.map((e) => e.key);

    assert.deepEqual(keys, ['ubuntu:20.04', 'ubuntu:22.04', 'ubuntu:24.04']);
  });

  test('a filter that keeps nothing: an empty list, said on stderr, exit 0', async () => {
    const r = await uidctl(['catalog', 'windows']);

    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "uidctl catalog: no entry's key contains 'windows'\n");
    assert.equal(r.code, 0);
  });

  test('--format yaml is a usage error', async () => {
    const r = await uidctl(['catalog', '--format', 'yaml']);

    assert.equal(r.stderr, "uidctl catalog: --format must be one of text, json (got 'yaml')\n");
    assert.equal(r.code, 2);
  });

  test("UID701's page names a command that exists", async () => {
    assert.match(readFileSync('docs/rules/UID701.md', 'utf8'), /`uidctl catalog` lists them/);
    assert.equal((await uidctl(['catalog', '--help'])).code, 0);
  });
});
