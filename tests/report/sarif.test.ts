// SARIF for code scanning: locations relative to the repository's root (uriBaseId %SRCROOT%),
// else to the folder uidctl ran in, so a finding has one location and one fingerprint however
// the path was typed; fingerprints one per result and stable across unrelated edits; the rules'
// levels those of the run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { tempDirs } from '../cli/temp.js';
import { instructionKeys, repositoryRoot } from '../../src/report/sarif.js';
import { analyze } from '../../src/analyze.js';

const tempDir = tempDirs('uidctl-sarif-');

async function sarifOf(args: string[], cwd: string) {
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(cwd, '.cache') }, cwd);
  await main(['check', ...args, '--format', 'sarif', '--fail-on', 'never', '--no-context', '--base-from', 'catalog'], io);
  const run = JSON.parse(io.stdout).runs[0];
  const r = run.results.find((x: { ruleId: string }) => x.ruleId === 'UID101');

  return { location: r.locations[0].physicalLocation.artifactLocation, fingerprint: r.partialFingerprints['uidctl/v2'], bases: run.originalUriBaseIds };
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

async function runOf(args: string[], cwd: string) {
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(cwd, '.cache') }, cwd);
  await main(['check', ...args, '--format', 'sarif', '--fail-on', 'never', '--no-context', '--base-from', 'catalog'], io);

  return JSON.parse(io.stdout).runs[0];
}

type Result = { ruleId: string; locations: { physicalLocation: { artifactLocation: object; region: { startLine: number } } }[]; partialFingerprints: Record<string, string> };
const prints = (run: { results: Result[] }, rule: string) =>
  run.results.filter((r) => r.ruleId === rule).map((r) => [r.locations[0].physicalLocation.region.startLine, r.partialFingerprints['uidctl/v2']]);

describe('SARIF fingerprints', () => {
  test('two equal instructions in one file get two fingerprints, hash:1 and hash:2', async () => {
    const dir = tempDir({ Dockerfile: 'FROM python:3.11-slim\nRUN useradd -m app\nUSER app\nRUN touch /etc/a\nRUN touch /etc/a\n' });
    const got = prints(await runOf(['Dockerfile'], dir), 'UID601');
    assert.equal(got.length, 2);
    assert.deepEqual(got.map(([line]) => line), [4, 5]);
    const [a, b] = got.map(([, fp]) => String(fp));
    assert.match(a, /^[0-9a-f]{8}:1$/);
    assert.equal(b, `${a.slice(0, 8)}:2`);
  });

  test('lines added above, and another instruction changed, leave the fingerprints as they were', async () => {
    const before = tempDir({ Dockerfile: 'FROM python:3.11-slim\nRUN useradd -m app\nUSER app\nRUN touch /etc/a\nRUN touch /etc/b\n' });
    const after = tempDir({ Dockerfile: 'FROM python:3.11-slim\n# a note\n\nENV A=1\nRUN useradd  -m   app\nUSER app\nRUN touch /etc/a\nRUN touch /etc/c\n' });
    const was = prints(await runOf(['Dockerfile'], before), 'UID601');
    const now = prints(await runOf(['Dockerfile'], after), 'UID601');
    assert.deepEqual(was.map(([l]) => l), [4, 5]);
    assert.deepEqual(now.map(([l]) => l), [7, 8]);
    assert.equal(now[0][1], was[0][1]);
    assert.notEqual(now[1][1], was[1][1]);
  });
});

describe('instructionKeys', () => {
  test("a finding's key is its instruction's text, flags, continuations and here-documents included, blanks collapsed", () => {
    const text = 'FROM python:3.11-slim\nRUN useradd -m app\nUSER app\nRUN --network=none  touch \\\n   /etc/a\nRUN <<EOF\ntouch  /etc/b\nEOF\n';
    const analysis = analyze({ file: 'Dockerfile', text });
    const findings = analysis.findings.filter((f) => f.ruleId === 'UID601');
    assert.deepEqual(instructionKeys({ analysis, findings }), ['RUN --network=none touch /etc/a', 'RUN <<EOF touch /etc/b']);
  });
});

describe('SARIF locations in a git repository', () => {
  test('run in a subfolder, the URI is relative to the repository root, which %SRCROOT% names', async () => {
    for (const git of ['folder', 'file']) {
      const repo = tempDir({ 'docker/svc/Dockerfile': 'FROM debian:bookworm\n', ...(git === 'file' ? { '.git': 'gitdir: /elsewhere/.git/worktrees/x\n' } : { '.git/HEAD': 'ref: refs/heads/main\n' }) });
      const r = await sarifOf(['svc'], join(repo, 'docker'));
      assert.deepEqual(r.location, { uri: 'docker/svc/Dockerfile', uriBaseId: '%SRCROOT%' }, git);
      assert.deepEqual(r.bases, { '%SRCROOT%': { uri: `file://${repo}/` } }, git);
      const fromRoot = await sarifOf(['docker/svc/Dockerfile'], repo);
      assert.deepEqual(fromRoot, r, git);
    }
  });

  test('a file outside the repository is an absolute file URI with no base', async () => {
    const repo = tempDir({ '.git/HEAD': 'ref: refs/heads/main\n', 'a/x': '' });
    const other = tempDir({ 'my dir/Dockerfile': 'FROM debian:bookworm\n' });
    const r = await sarifOf([join(other, 'my dir/Dockerfile')], join(repo, 'a'));
    assert.deepEqual(r.location, { uri: `file://${other}/my%20dir/Dockerfile` });
    assert.deepEqual(r.bases, { '%SRCROOT%': { uri: `file://${repo}/` } });
  });

  test('repositoryRoot finds the nearest folder holding .git, none outside a repository', () => {
    const repo = tempDir({ '.git/HEAD': '', 'a/b/c': '' });
    assert.equal(repositoryRoot(join(repo, 'a/b')), repo);
    assert.equal(repositoryRoot(tempDir()), undefined);
  });
});

describe('SARIF rule levels', () => {
  const levels = (run: { tool: { driver: { rules: { id: string; defaultConfiguration: { level: string } }[] } } }) =>
    Object.fromEntries(run.tool.driver.rules.filter((r) => ['UID101', 'UID601', 'UID305'].includes(r.id)).map((r) => [r.id, r.defaultConfiguration.level]));

  test('defaultConfiguration is the level the run gives each rule: profile, then the config', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\n', 'cfg.yaml': 'rules: { UID101: error, UID305: off }\n' });
    assert.deepEqual(levels(await runOf(['Dockerfile'], dir)), { UID101: 'warning', UID305: 'note', UID601: 'error' });
    assert.deepEqual(levels(await runOf(['Dockerfile', '--profile', 'dev'], dir)), { UID101: 'note', UID305: 'warning', UID601: 'error' });
    assert.deepEqual(levels(await runOf(['Dockerfile', '--profile', 'dev', '--config', 'cfg.yaml'], dir)), { UID101: 'error', UID305: 'none', UID601: 'error' });
  });
});


describe('SARIF location of a file reached through a link into the repository', () => {
  test('relative to the repository root, as by its own path', async () => {
    const { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, realpathSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { artifact } = await import('../../src/report/sarif.js');
    const top = realpathSync(mkdtempSync(join(tmpdir(), 'sarif-link-')));
    const repo = join(top, 'proj');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'docker'), { recursive: true });
    writeFileSync(join(repo, 'docker', 'Dockerfile'), 'FROM debian\n');
    symlinkSync(repo, join(top, 'plink'));
    assert.deepEqual(artifact('../plink/docker/Dockerfile', repo, repo), { uri: 'docker/Dockerfile', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifact('docker/Dockerfile', repo, repo), { uri: 'docker/Dockerfile', uriBaseId: '%SRCROOT%' });
  });
});
