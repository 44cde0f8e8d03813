// What the command line does with files that are not Dockerfiles, or that would make it work
// without end: FIFOs, devices, links out of the folder, files too large, binary files, names
// and text with control characters, files given twice, a fork bomb in a folder.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { MAX_INPUT_BYTES, notUtf8Text } from '../../src/cli/read-text.js';
import { printable } from '../../src/report/printable.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-robust-');
const GOOD = 'FROM debian:bookworm\nRUN useradd -m app\nUSER app\n';
const CHECK = ['check', '--base-from', 'catalog', '--no-config'];

async function uidctl(args: string[], cwd: string) {
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(cwd, '.cache') }, cwd);
  const code = await main(args, io);

  return { code, stdout: io.stdout, stderr: io.stderr };
}

const files = (stdout: string) => JSON.parse(stdout).results.map((x: { file: string }) => x.file);

describe('files that are not regular files', () => {
  test('a FIFO and links to /dev/zero and to a file outside the folder are skipped with a warning each; the others are checked', async () => {
    const dir = tempDir({ 'repo/a/Containerfile': GOOD, 'repo/b/Dockerfile.dev': GOOD, 'secret/passwd': 'root:x:0:0:root:/root:/bin/bash\n' });
    execFileSync('mkfifo', [join(dir, 'repo/a/Dockerfile')]);
    symlinkSync('/dev/zero', join(dir, 'repo/b/Dockerfile'));
    symlinkSync('../../secret/passwd', join(dir, 'repo/b/prod.Dockerfile'));
    symlinkSync('Dockerfile.dev', join(dir, 'repo/b/Containerfile'));
    const r = await uidctl([...CHECK, 'repo', '--format', 'json', '--fail-on', 'never'], dir);

    assert.equal(r.code, 0, r.stderr);
    // The link inside the folder is followed: the file it leads to is checked once, under its first name.
    assert.deepEqual(files(r.stdout), ['repo/a/Containerfile', 'repo/b/Containerfile']);
    assert.equal(r.stderr, [
      'uidctl: warning: skipped repo/a/Dockerfile: a FIFO (named pipe), not a regular file; not checked',
      'uidctl: warning: skipped repo/b/Dockerfile: a symlink to a character device, not a regular file; not checked',
      'uidctl: warning: skipped repo/b/prod.Dockerfile: a symlink to a file outside the folder given; not followed',
      '',
    ].join('\n'));
    assert.doesNotMatch(r.stdout + r.stderr, /ROOT:X/i);
  });

  test('named explicitly, a FIFO is refused at once (not waited on), and so is a device behind a link', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'Dockerfile')]);
    symlinkSync('/dev/urandom', join(dir, 'Containerfile'));
    const fifo = await uidctl([...CHECK, 'Dockerfile'], dir);
    assert.equal(fifo.stderr, "uidctl check: Dockerfile: not a Dockerfile uidctl can read: it is a FIFO (named pipe), not a regular file (give a pipe's text on standard input with -)\n");
    assert.equal(fifo.code, 2);
    const dev = await uidctl([...CHECK, 'Containerfile'], dir);
    assert.equal(dev.stderr, "uidctl check: Containerfile: not a Dockerfile uidctl can read: it is a character device, not a regular file (give a pipe's text on standard input with -)\n");
    assert.equal(dev.code, 2);
  });

  test(`a file larger than ${MAX_INPUT_BYTES} bytes is refused with the limit; in a folder it is that file's line and the others are checked`, async () => {
    const big = `${GOOD}${'# padding\n'.repeat(MAX_INPUT_BYTES / 10)}`;
    const dir = tempDir({ 'big.Dockerfile': big, 'ok.Dockerfile': GOOD });
    const r = await uidctl([...CHECK, 'big.Dockerfile'], dir);
    assert.equal(r.stderr, `uidctl check: big.Dockerfile: too large to be a Dockerfile (${big.length} bytes; uidctl reads at most 4 MiB)\n`);
    assert.equal(r.code, 2);
    const folder = await uidctl([...CHECK, '.', '--format', 'json'], dir);
    assert.equal(folder.code, 2);
    assert.deepEqual(files(folder.stdout), ['ok.Dockerfile']);
    assert.deepEqual(JSON.parse(folder.stdout).errors, [{ file: 'big.Dockerfile', line: null, message: `too large to be a Dockerfile (${big.length} bytes; uidctl reads at most 4 MiB)` }]);
  });
});

describe('binary files', () => {
  const cases: [string, Buffer, string | undefined][] = [
    ['random bytes with few NULs (control bytes)', Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 256)), 'it holds control bytes (a binary file), and builders read UTF-8 text'],
    ['one byte in twenty not UTF-8, without controls (an editor\'s Latin-1)', Buffer.from(Array.from({ length: 2000 }, (_, i) => (i % 20 === 0 ? 0xe9 : 0x41))), undefined],
    ['mostly bytes that are not UTF-8', Buffer.from(Array.from({ length: 2000 }, (_, i) => 0xe0 + (i % 16))), 'most of its bytes are not UTF-8 (a binary or compressed file), and builders read UTF-8 text'],
    ['Latin-1 text with a few such bytes', Buffer.from('FROM debian\nRUN echo caf\xe9\nUSER r\xe9\n', 'latin1'), undefined],
    ['text with tabs, CRLF and an escape sequence', Buffer.from('FROM debian\r\n\tRUN echo \x1b[1mhi\r\n'), undefined],
  ];
  for (const [name, bytes, want] of cases) test(name, () => assert.equal(notUtf8Text(bytes), want));
});

describe('text output: control characters escaped, long excerpts cut', () => {
  test('a file name holding a newline cannot forge a report line', async () => {
    const dir = tempDir({ 'x\n::error::forged.Dockerfile': GOOD });
    const r = await uidctl([...CHECK, '.', '--fail-on', 'never'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('x\\n::error::forged.Dockerfile  (stage 0'), r.stdout.slice(0, 80));
    assert.equal(r.stdout.split('\n').some((l) => l.startsWith('::')), false);
  });

  test('a CRLF here-document: the \\r is shown escaped, and the finding says why and how to fix it', async () => {
    const dir = tempDir({ Dockerfile: 'FROM python:3.11-slim\r\nRUN <<EOF\r\nuseradd -m app\r\nEOF\r\nUSER app\r\n' });
    const r = await uidctl([...CHECK, 'Dockerfile', '--fail-on', 'never'], dir);
    assert.equal(r.stdout.includes('\r'), false);
    assert.match(r.stdout, /UID602 Dockerfile:2 {2}The build fails here: useradd: invalid user name 'app\\r': use --badname to ignore/);
    assert.match(r.stdout, /CRLF \(Windows\) line endings, which BuildKit removes from instructions but keeps inside here-documents \(moby\/buildkit#3511\)/);
    assert.match(r.stdout, /fix: Save the Dockerfile with LF line endings[^\n]*\n {15}dos2unix Dockerfile\n/);
  });

  test('a 2 MB word in an error is quoted as a short excerpt; a NUL in a user name is shown escaped', async () => {
    const dir = tempDir({ 'long.Dockerfile': `${'X'.repeat(2_000_000)}\n`, 'nul.Dockerfile': 'FROM debian\nUSER ro\0ot\n' });
    const long = await uidctl([...CHECK, 'long.Dockerfile'], dir);
    assert.equal(long.stderr, `uidctl check: long.Dockerfile:1: unknown instruction: ${'X'.repeat(40)}... (1999960 more characters)\n`);
    const nul = await uidctl([...CHECK, 'nul.Dockerfile', '--fail-on', 'never'], dir);
    assert.equal(nul.stdout.includes('\0'), false);
    assert.match(nul.stdout, /unable to find user ro\\x00ot/);
  });

  test('a malformed ignore comment is warned of on one line, its text escaped', async () => {
    const r = await uidctl([...CHECK, 'Dockerfile', '--fail-on', 'never'], tempDir({ Dockerfile: `${GOOD}# uidctl ignore=BAD\x1b]0;title\x07\n` }));
    assert.equal(r.stderr, "uidctl: warning: Dockerfile:4: '# uidctl ignore=BAD\\x1b]0;title\\x07' is not an ignore comment, so it ignores nothing (write '# uidctl ignore=UID201,UID101' or '# uidctl global ignore=UID403', optionally followed by ' -- reason')\n");
  });

  test('printable: \\n, \\r, \\t, other C0 and C1 controls and DEL escaped; cut past its limit', () => {
    assert.equal(printable('a\nb\rc\td\x00e\x1b[31mf\x7fg\x9bh'), 'a\\nb\\rc\\td\\x00e\\x1b[31mf\\x7fg\\u009bh');
    assert.equal(printable('abcdef', 3), 'abc... (3 more characters)');
    assert.equal(printable('a\nb', 10, true), 'a\nb');
  });
});

describe('which files', () => {
  test('a file given and also found in a folder given is checked and counted once', async () => {
    const dir = tempDir({ 'j.Dockerfile': GOOD, 'k.Dockerfile': GOOD });
    const r = await uidctl([...CHECK, './j.Dockerfile', '.', 'j.Dockerfile', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(files(r.stdout), ['./j.Dockerfile', 'k.Dockerfile']);
    assert.equal(JSON.parse(r.stdout).summary.files, 2);
  });

  test('with no argument: ./Dockerfile, else ./Containerfile, else the error names Dockerfile', async () => {
    const both = await uidctl([...CHECK, '--format', 'json', '--fail-on', 'never'], tempDir({ Dockerfile: GOOD, Containerfile: GOOD }));
    assert.deepEqual(files(both.stdout), ['Dockerfile']);
    const onlyContainerfile = await uidctl([...CHECK, '--format', 'json', '--fail-on', 'never'], tempDir({ Containerfile: GOOD }));
    assert.deepEqual(files(onlyContainerfile.stdout), ['Containerfile']);
    const none = await uidctl(CHECK, tempDir());
    assert.equal(none.stderr, 'uidctl check: Dockerfile: no such file or folder\n');
    assert.equal(none.code, 2);
  });

  test('a fork bomb in a folder is that file\'s UID603; the files beside it are reported', async () => {
    const dir = tempDir({ 'a.Dockerfile': GOOD, 'b.Dockerfile': 'FROM debian:bookworm\nRUN f(){ f|f& };f\n', 'c.Dockerfile': GOOD });
    const r = await uidctl([...CHECK, '.', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(r.stdout).results as { file: string; findings: { ruleId: string; message: string }[] }[];
    assert.deepEqual(results.map((x) => x.file), ['a.Dockerfile', 'b.Dockerfile', 'c.Dockerfile']);
    assert.ok(results[1].findings.some((f) => f.ruleId === 'UID603' && f.message.includes('the script runs more than 100,000 commands')));
  });

  test('a run file that doubles a variable past 1 MiB is refused with one line naming it', async () => {
    const run = ['A=xxxxxxxx', ...Array.from({ length: 20 }, () => 'A=$A$A'), 'docker run -e X=$A img', ''].join('\n');
    const r = await uidctl([...CHECK, 'Dockerfile', '--run-file', 'run.sh'], tempDir({ Dockerfile: GOOD, 'run.sh': run }));
    assert.equal(r.stderr, 'uidctl check: run.sh: a word would be longer than 1 MiB, longer than uidctl follows in a run command\n');
    assert.equal(r.code, 2);
  });
});
