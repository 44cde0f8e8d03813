// A rule that leaves a case to another reports it itself when that other rule is off: turning
// UID102 off in the config must not hide that HOME=/ is not writable (UID103).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../../src/analyze.js';
import { runRules } from '../../src/rules/registry.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { tempDirs } from '../cli/temp.js';

const tempDir = tempDirs('uidctl-deferred-');
const NAMELESS = 'FROM debian:bookworm\nUSER 5000\n';
const home = (settings: Record<string, 'off' | 'info'>) =>
  runRules(analyze({ file: 'Dockerfile', text: NAMELESS }), { severity: settings })
    .filter((f) => f.ruleId === 'UID102' || f.ruleId === 'UID103')
    .map((f) => [f.ruleId, f.message]);

describe('UID103 and UID102 for a uid with no passwd entry (HOME /)', () => {
  test('both on: UID102 alone explains HOME=/', () => {
    assert.deepEqual(home({}).map(([id]) => id), ['UID102']);
  });

  test('UID102 at another severity still runs: still UID102 alone', () => {
    assert.deepEqual(home({ UID102: 'info' }).map(([id]) => id), ['UID102']);
  });

  test('UID102 off: UID103 says HOME is not writable', () => {
    assert.deepEqual(home({ UID102: 'off' }), [
      ['UID103', 'HOME (/) is not writable for uid 5000 (no passwd entry): tools that write under ~ (pip --user, ~/.cache, Jupyter, git config) fail.'],
    ]);
  });

  test('through the config file (rules: UID102: off), as the CLI reads it', async () => {
    const dir = tempDir({ Dockerfile: NAMELESS, '.uidctl.yaml': 'rules:\n  UID102: off\n' });
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
    const code = await main(['check', '--format', 'json', '--base-from', 'catalog', '--fail-on', 'never'], io);
    const ids = (JSON.parse(io.stdout).results[0].findings as { ruleId: string }[]).map((f) => f.ruleId);

    assert.equal(code, 0);
    assert.ok(ids.includes('UID103'), ids.join(' '));
    assert.ok(!ids.includes('UID102'), ids.join(' '));
  });
});
