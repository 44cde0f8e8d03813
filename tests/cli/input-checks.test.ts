// Inputs uidctl used to take silently or answer in another tool's words: check's report options
// given to fix, a config file of several YAML documents or with lists in its ignore list, both
// --context and --no-context, a --platform docker refuses, a file that is not UTF-8.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { checkedPlatform } from '../../src/cli/platform.js';
import { firstNonUtf8 } from '../../src/cli/read-text.js';
import { hostPlatform } from '../../src/archive/oci.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-inputs-');
const DOCKERFILE = 'FROM debian:bookworm\nUSER root\n';

async function uidctl(args: string[], files: Record<string, string | Buffer> = { Dockerfile: DOCKERFILE }) {
  const dir = tempDir(files);
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
  const code = await main(args, io);

  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe("check's report options given to fix", () => {
  const cases: [string[], string][] = [
    [['--format', 'json'], "uidctl fix: --format is an option of uidctl check's report, not of uidctl fix: fix always prints its edits as a unified diff (for the findings as JSON or SARIF: uidctl check --format json|sarif)\n"],
    [['--format=sarif'], "uidctl fix: --format is an option of uidctl check's report, not of uidctl fix: fix always prints its edits as a unified diff (for the findings as JSON or SARIF: uidctl check --format json|sarif)\n"],
    [['--fail-on', 'error'], "uidctl fix: --fail-on is an option of uidctl check's report, not of uidctl fix: fix exits 1 when there are edits to make and 0 when not, whatever their severity\n"],
    [['--jobs', '2'], "uidctl fix: --jobs is an option of uidctl check's report, not of uidctl fix: fix takes one Dockerfile\n"],
  ];
  for (const [flags, said] of cases) {
    test(`fix ${flags.join(' ')}: says it is check's, exit 2`, async () => {
      const r = await uidctl(['fix', 'Dockerfile', ...flags, '--base-from', 'catalog']);
      assert.deepEqual([r.code, r.stderr, r.stdout], [2, said, '']);
    });
  }

  test('an option neither command has is still unknown', async () => {
    const r = await uidctl(['fix', 'Dockerfile', '--bogus']);
    assert.deepEqual([r.code, r.stderr], [2, "uidctl fix: unknown option --bogus (a file whose name starts with '-' goes after '--')\n"]);
  });
});

describe('the config file', () => {
  test('a second YAML document is an error at its first line, in uidctl\'s words', async () => {
    const r = await uidctl(['check', 'Dockerfile', '--config', 'c.yaml', '--base-from', 'catalog'], { Dockerfile: DOCKERFILE, 'c.yaml': 'profile: dev\n\n---\nfailOn: warning\n' });
    assert.deepEqual([r.code, r.stderr], [2, 'uidctl check: c.yaml:3: a config file is one YAML document, and a second one starts here: remove this line and what follows, or merge them\n']);
  });

  test('a list or a map in the ignore list is refused at its line; one id alone is still a list of one', async () => {
    for (const [yaml, kind, line] of [['ignore: [[UID101]]', 'list (["UID101"])', 2], ['ignore:\n  - { UID101: x }', 'map ({"UID101":"x"})', 3]]) {
      const r = await uidctl(['check', 'Dockerfile', '--config', 'c.yaml', '--base-from', 'catalog'], { Dockerfile: DOCKERFILE, 'c.yaml': `profile: dev\n${yaml}\n` });
      assert.deepEqual([r.code, r.stderr], [2, `uidctl check: c.yaml:${line}: ignore must be a list of rule ids, and an entry is a ${kind}: write ignore: [UID603, UID101]\n`]);
    }
    const one = await uidctl(['check', 'Dockerfile', '--config', 'c.yaml', '--base-from', 'catalog', '--format', 'json'], { Dockerfile: DOCKERFILE, 'c.yaml': 'ignore: UID101\n' });
    assert.equal(one.code, 0, one.stderr);
    assert.ok(!JSON.parse(one.stdout).results[0].findings.some((f: { ruleId: string }) => f.ruleId === 'UID101'));
  });
});

describe('--context with --no-context', () => {
  test('is a usage error in either order', async () => {
    for (const flags of [['--no-context', '--context', '.'], ['--context', '.', '--no-context']]) {
      const r = await uidctl(['check', 'Dockerfile', ...flags, '--base-from', 'catalog']);
      assert.deepEqual([r.code, r.stderr], [2, 'uidctl check: --context . and --no-context contradict each other: give one (--no-context reads no build context)\n']);
    }
  });
});

describe('--platform', () => {
  test('values docker refuses are usage errors in the docker CLI\'s words (docker 28.2.2, measured)', async () => {
    const r = await uidctl(['check', 'Dockerfile', '--platform', 'bogus', '--base-from', 'catalog']);
    assert.deepEqual([r.code, r.stderr], [2, 'uidctl check: --platform: error parsing specified platform: "bogus": unknown operating system or architecture: invalid argument\n']);
    const image = await uidctl(['image', 'debian:bookworm', '--platform', 'linux/a/b/c']);
    assert.deepEqual([image.code, image.stderr], [2, 'uidctl image: --platform: error parsing specified platform: "linux/a/b/c": cannot parse platform specifier: invalid argument\n']);
    const words = (spec: string) => { try { checkedPlatform(spec); return ''; } catch (e) { return (e as Error).message.replace('--platform: error parsing specified platform: ', ''); } };
    assert.equal(words('linux/a*'), '"linux/a*": wildcards not yet supported: invalid argument');
    assert.equal(words('linux/a b'), '"a b" is an invalid component of "linux/a b": platform specifier component must match "^[A-Za-z0-9_.-]+$": invalid argument');
    assert.equal(words('a b/amd64'), '"a b" is an invalid OS component of "a b/amd64": OSAndVersion specifier component must match "^([A-Za-z0-9_-]+)(?:\\\\(([A-Za-z0-9_.-]*)\\\\))?$": invalid argument');
    assert.equal(words('linux/'), '"" is an invalid component of "linux/": platform specifier component must match "^[A-Za-z0-9_.-]+$": invalid argument');
    assert.equal(words('linux/a/b/c/d'), '"c/d" is an invalid component of "linux/a/b/c/d": platform specifier component must match "^[A-Za-z0-9_.-]+$": invalid argument');
  });

  test('what docker takes is kept; one word is an OS (this machine\'s architecture) or an architecture (on linux)', () => {
    assert.equal(checkedPlatform('linux/arm64'), 'linux/arm64');
    assert.equal(checkedPlatform('linux/arm/v7'), 'linux/arm/v7');
    assert.equal(checkedPlatform('arm64'), 'linux/arm64');
    assert.equal(checkedPlatform('x86_64'), 'linux/amd64');
    assert.equal(checkedPlatform('linux'), `linux/${hostPlatform().architecture}`);
    assert.equal(checkedPlatform(''), undefined);
    assert.equal(checkedPlatform(undefined), undefined);
  });
});

describe('a file that is not UTF-8', () => {
  test('a Latin-1 Dockerfile is checked, with one warning naming the line of its first bad byte', async () => {
    const latin1 = Buffer.from('FROM debian:bookworm\n# caf\xe9\nRUN useradd -m caf\xe9\n', 'latin1');
    const r = await uidctl(['check', 'Dockerfile', '--base-from', 'catalog', '--fail-on', 'never', '--format', 'json'], { Dockerfile: latin1 });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "uidctl: warning: Dockerfile:2: the Dockerfile is not UTF-8 (byte 0xe9 on this line is not part of a UTF-8 character: Latin-1, say): uidctl reads such bytes as U+FFFD, so names and paths holding them may not match; save it as UTF-8\n");
  });

  test('firstNonUtf8: the first byte the decoder replaced, and its line; none for UTF-8', () => {
    const at = (b: Buffer) => firstNonUtf8(b, b.toString('utf8'));
    assert.equal(at(Buffer.from('caf\u00e9\n\u00e9\n', 'utf8')), undefined);
    assert.deepEqual(at(Buffer.from([0x61, 0x0a, 0xc3, 0xa9, 0x0a, 0x62, 0xff])), { byte: 0xff, line: 3 });
    assert.deepEqual(at(Buffer.from([0x0a, 0x0a, 0x0a, 0xe2, 0x82])), { byte: 0xe2, line: 4 });
  });
});
