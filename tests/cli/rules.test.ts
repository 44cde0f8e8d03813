// `uidctl rules`: the list and one rule's page, as text and as JSON, and the severity a finding
// gets when its rule raises it above the table (UID203's start failures).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { RULES, runRules } from '../../src/rules/registry.js';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseHostFactsFile } from '../../src/runtime/host.js';

async function uidctl(args: string[]) {
  const io = memoryIo();
  const code = await main(args, io);

  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('uidctl rules', () => {
  test('--format json lists every rule with its metadata, UID203 with the case it is raised for', async () => {
    const r = await uidctl(['rules', '--format', 'json']);
    const doc = JSON.parse(r.stdout) as { schemaVersion: number; rules: Record<string, unknown>[] };

    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(doc.schemaVersion, 1);
    assert.deepEqual(doc.rules.map((x) => x.id), RULES.map((x) => x.id));
    assert.deepEqual(doc.rules.find((x) => x.id === 'UID203'), {
      id: 'UID203',
      name: 'missing-bind-source',
      description: 'A bind mount source does not exist on the host: -v creates it owned by root, --mount refuses to start.',
      category: 'mounts',
      severity: { dev: 'warning', prod: 'warning' },
      raised: { severity: 'error', when: 'the container cannot start: a --mount source that does not exist, or a Kubernetes hostPath whose type check fails' },
      fix: 'suggestion',
      helpUri: 'https://github.com/uidctl/uidctl/blob/main/docs/rules/UID203.md',
    });
    // A rule that is never raised has no `raised` key at all.
    assert.equal('raised' in doc.rules.find((x) => x.id === 'UID201')!, false);
  });

  test('--format text (the default) gives one line per rule; UID203 says when it is an error', async () => {
    const r = await uidctl(['rules', '--format', 'text']);
    const lines = r.stdout.trimEnd().split('\n');

    assert.equal(r.code, 0);
    assert.equal(lines.length, RULES.length);
    assert.equal(
      lines.find((l) => l.startsWith('UID203')),
      'UID203  missing-bind-source          warning warning A bind mount source does not exist on the host: -v creates it owned by root, --mount refuses to start. (error when the container cannot start: a --mount source that does not exist, or a Kubernetes hostPath whose type check fails)',
    );
    assert.equal((await uidctl(['rules'])).stdout, r.stdout);
  });

  test('one rule with --format json: its metadata and its page, by id or by name', async () => {
    const r = await uidctl(['rules', 'mount-not-writable', '--format', 'json']);
    const doc = JSON.parse(r.stdout) as { rule: Record<string, unknown> };

    assert.equal(r.code, 0);
    assert.equal(doc.rule.id, 'UID201');
    assert.equal(doc.rule.documentation, readFileSync('docs/rules/UID201.md', 'utf8'));
  });

  const usage = [
    { args: ['rules', '--format', 'sarif'], stderr: "uidctl rules: --format must be one of text, json (got 'sarif')\n" },
    // Before, '--format' was taken for a rule's name.
    { args: ['rules', '--format'], stderr: 'uidctl rules: --format needs a value\n' },
    { args: ['rules', '--bogus'], stderr: "uidctl rules: unknown option --bogus (a file whose name starts with '-' goes after '--')\n" },
    { args: ['rules', 'UID201', 'UID202'], stderr: 'uidctl rules: give at most one rule (got 2: UID201 UID202)\n' },
    { args: ['rules', 'UID999'], stderr: "uidctl rules: unknown rule 'UID999' (run 'uidctl rules' for the list)\n" },
  ];
  for (const c of usage) {
    test(`usage error: ${c.args.slice(1).join(' ')}`, async () => {
      const r = await uidctl(c.args);

      assert.equal(r.stderr, c.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.code, 2);
    });
  }
});

describe('UID203 severity: the table, and the start failure it is raised for', () => {
  const DOCKERFILE = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n';
  const HOST = 'paths:\n  /srv/missing: { exists: false }';
  function severities(run: string, profile: 'dev' | 'prod', configured?: 'info') {
    const facts = parseHostFactsFile(HOST);
    const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
    const a = analyze({ file: 'Dockerfile', text: DOCKERFILE, run: parseDockerRun(run, { invoker, env: {} }), host: facts.paths, profile });
    const findings = configured ? runRules(a, { severity: { UID203: configured } }) : a.findings;

    return findings.filter((f) => f.ruleId === 'UID203').map((f) => f.severity);
  }

  test('-v: the container starts, so the table applies (warning; info when configured)', () => {
    assert.deepEqual(severities('docker run -v /srv/missing:/data img', 'dev'), ['warning']);
    assert.deepEqual(severities('docker run -v /srv/missing:/data img', 'prod', 'info'), ['info']);
  });

  test('--mount: the container does not start, an error in every profile and whatever is configured', () => {
    const run = 'docker run --mount type=bind,source=/srv/missing,target=/data img';
    assert.deepEqual(severities(run, 'dev'), ['error']);
    assert.deepEqual(severities(run, 'prod'), ['error']);
    assert.deepEqual(severities(run, 'prod', 'info'), ['error']);
  });
});
