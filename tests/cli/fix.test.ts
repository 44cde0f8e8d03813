// `uidctl fix`: the diff of the edits a second analysis confirms (exit 1 when there are some),
// --write replacing the file with its original kept as .orig, and its refusals (exit 2).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-fix-');

async function uidctl(args: string[], cwd: string) {
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(cwd, '.cache') }, cwd);
  const code = await main([...args, '--no-config', '--base-from', 'catalog'], io);

  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** The working folder is made as root and given to no one: UID105, fixed before USER. */
const WORKDIR = 'FROM python:3.11-slim\nRUN useradd -m -u 1000 app\nWORKDIR /app\nUSER app\nCMD ["python", "train.py"]\n';
const WORKDIR_FIXED = 'FROM python:3.11-slim\nRUN useradd -m -u 1000 app\nWORKDIR /app\nRUN mkdir -p /app && chown app:app /app\nUSER app\nCMD ["python", "train.py"]\n';
const WORKDIR_DIFF = [
  '--- Dockerfile',
  '+++ Dockerfile',
  '@@ -1,5 +1,6 @@',
  ' FROM python:3.11-slim',
  ' RUN useradd -m -u 1000 app',
  ' WORKDIR /app',
  '+RUN mkdir -p /app && chown app:app /app',
  ' USER app',
  ' CMD ["python", "train.py"]',
  '',
].join('\n');
const WORKDIR_SUMMARY = 'Dockerfile:3: UID105 Make the working directory belong to the user: put this before `USER app` at line 4 (a RUN after it runs as app, not as root). (review)\n';
const PIP_LEFT = [
  '',
  'Left for you (not a Dockerfile edit uidctl can make and confirm):',
  '  Dockerfile:4: UID301 `pip install` as app (uid 1000) cannot write /usr/local/lib/python3.11/site-packages: pip falls back to a user installation in /home/app/.local/lib/python3.11/site-packages ("Defaulting to user installation because normal site-packages is not writeable").',
  '    fix: Install explicitly per user, and put its scripts on PATH.',
  '',
].join('\n');

describe('uidctl fix without --write', () => {
  test('prints each edit, the diff and what is left, exits 1, and leaves the file alone', async () => {
    const dir = tempDir({ Dockerfile: WORKDIR });
    const r = await uidctl(['fix'], dir);
    assert.equal(r.stdout, `${WORKDIR_SUMMARY}\n${WORKDIR_DIFF}${PIP_LEFT}`);
    assert.deepEqual([r.code, r.stderr], [1, '']);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), WORKDIR);
  });

  test('nothing to fix: exit 0, the findings left listed', async () => {
    const dir = tempDir({ Dockerfile: WORKDIR_FIXED });
    const r = await uidctl(['fix', 'Dockerfile'], dir);
    assert.equal(r.stdout, `Nothing uidctl can fix in Dockerfile.\n${PIP_LEFT.replace('Dockerfile:4:', 'Dockerfile:5:')}`);
    assert.equal(r.code, 0);
  });

  test('--rule keeps to the findings of that rule', async () => {
    const dir = tempDir({ Dockerfile: WORKDIR });
    const r = await uidctl(['fix', '--rule', 'UID301'], dir);
    assert.equal(r.stdout, `Nothing uidctl can fix in Dockerfile.\n${PIP_LEFT}`);
    assert.equal(r.code, 0);
    assert.equal((await uidctl(['fix', '--rule', 'workdir-not-writable'], dir)).code, 1);
  });

  test('an edit whose finding is still there after it is listed as not made, and not applied', async () => {
    // The chmod before USER runs before the COPY that brings the file; a COPY of two sources
    // gets no --chmod edit (the other file would become executable too).
    const DOCKERFILE = 'FROM debian:bookworm\nRUN useradd -m app\nUSER app\nCOPY ep.sh notes.txt /\nENTRYPOINT ["/ep.sh"]\n';
    const dir = tempDir({ Dockerfile: DOCKERFILE, 'ep.sh': '#!/bin/sh\nexec "$@"\n', 'notes.txt': 'x\n' });
    chmodSync(join(dir, 'ep.sh'), 0o644);
    const r = await uidctl(['fix', '--write'], dir);
    assert.equal(r.stdout, [
      'Nothing uidctl can fix in Dockerfile.',
      '',
      'Left for you (not a Dockerfile edit uidctl can make and confirm):',
      '  Dockerfile:5: UID106 The container will not start: app (uid 1000) cannot execute /ep.sh (exec /ep.sh: permission denied).',
      '    edit not made: analysed again, UID106 is still reported',
      '',
    ].join('\n'));
    assert.equal(r.code, 0);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), DOCKERFILE);
    assert.equal(existsSync(join(dir, 'Dockerfile.orig')), false);
  });
});

describe('uidctl fix: a program copied without an execute bit', () => {
  test('its one-source COPY gets --chmod=0755, confirmed and written', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\nRUN useradd -m app\nUSER app\nCOPY ep.sh /ep.sh\nENTRYPOINT ["/ep.sh"]\n', 'ep.sh': '#!/bin/sh\nexec "$@"\n' });
    chmodSync(join(dir, 'ep.sh'), 0o644);
    const r = await uidctl(['fix', '--write'], dir);
    assert.match(r.stdout, /^Dockerfile:5: UID106 Make it executable and readable for everyone when copying it: add --chmod=0755 to the COPY at line 4\. \(review\)\n/);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM debian:bookworm\nRUN useradd -m app\nUSER app\nCOPY --chmod=0755 ep.sh /ep.sh\nENTRYPOINT ["/ep.sh"]\n');
  });
});

describe('uidctl fix --write', () => {
  test('writes the fixed file with its mode, keeps the original as .orig, says so, exits 0', async () => {
    const dir = tempDir({ Dockerfile: WORKDIR });
    chmodSync(join(dir, 'Dockerfile'), 0o640);
    const r = await uidctl(['fix', '--write'], dir);
    assert.equal(r.stdout, `${WORKDIR_SUMMARY}\n${WORKDIR_DIFF}${PIP_LEFT}\nWrote Dockerfile (1 edit); the original is Dockerfile.orig.\n`);
    assert.equal(r.code, 0);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), WORKDIR_FIXED);
    assert.equal(readFileSync(join(dir, 'Dockerfile.orig'), 'utf8'), WORKDIR);
    assert.equal(statSync(join(dir, 'Dockerfile')).mode & 0o7777, 0o640);
    // Fixed, it has nothing more to fix.
    assert.equal((await uidctl(['fix'], dir)).code, 0);
  });

  test('an existing .orig is never overwritten: exit 2, the file left as it was', async () => {
    const dir = tempDir({ Dockerfile: WORKDIR, 'Dockerfile.orig': 'an older original\n' });
    const r = await uidctl(['fix', '--write'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^uidctl fix: Dockerfile: Dockerfile\.orig already exists, and uidctl keeps the original there: move it away and run again\n$/);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), WORKDIR);
    assert.equal(readFileSync(join(dir, 'Dockerfile.orig'), 'utf8'), 'an older original\n');
    // Refused before any output: no diff that reads as if it had been written.
    assert.equal(r.stdout, '');
  });

  test('a read-only Dockerfile is not replaced: exit 2, nothing printed, nothing written', async () => {
    const dir = tempDir({ Dockerfile: WORKDIR });
    chmodSync(join(dir, 'Dockerfile'), 0o444);
    const r = await uidctl(['fix', '--write'], dir);
    assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'uidctl fix: Dockerfile: it is read-only (mode 0444): give its owner write permission to let uidctl change it\n']);
    assert.equal(existsSync(join(dir, 'Dockerfile.orig')), false);
  });

  test('the owner is kept (run through sudo, the file is not handed to root), for the .orig too', { skip: process.getuid?.() !== 0 }, async () => {
    const dir = tempDir({ Dockerfile: WORKDIR });
    chownSync(join(dir, 'Dockerfile'), 1000, 1000);
    assert.equal((await uidctl(['fix', '--write'], dir)).code, 0);
    for (const f of ['Dockerfile', 'Dockerfile.orig']) assert.deepEqual([statSync(join(dir, f)).uid, statSync(join(dir, f)).gid], [1000, 1000]);
  });

  test('through a symlink, the .orig is named where it is: beside the file the link leads to', async () => {
    const dir = tempDir({ 'real/Dockerfile': WORKDIR });
    symlinkSync('real/Dockerfile', join(dir, 'Dockerfile'));
    const r = await uidctl(['fix', '--write'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`the original is ${join(dir, 'real', 'Dockerfile.orig').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\n$`));
    assert.equal(readFileSync(join(dir, 'real', 'Dockerfile.orig'), 'utf8'), WORKDIR);
  });

  test('two edits of two rules, in a Dockerfile named on the command line', async () => {
    const DOCKERFILE = 'FROM python:3.11-slim\nRUN useradd -m -u 1000 app\nRUN source /etc/profile\nWORKDIR /app\nUSER app\n';
    const dir = tempDir({ 'app.Dockerfile': DOCKERFILE });
    const r = await uidctl(['fix', 'app.Dockerfile', '--write', '--rule', 'UID604', '--rule', 'UID105'], dir);
    assert.equal(r.stdout, [
      'app.Dockerfile:3: UID604 /bin/sh here is dash, which has no `source`: use `.`, the POSIX name of the same builtin (or run RUN steps with bash).',
      'app.Dockerfile:4: UID105 Make the working directory belong to the user: put this before `USER app` at line 5 (a RUN after it runs as app, not as root). (review)',
      '',
      '--- app.Dockerfile',
      '+++ app.Dockerfile',
      '@@ -1,5 +1,6 @@',
      ' FROM python:3.11-slim',
      ' RUN useradd -m -u 1000 app',
      '-RUN source /etc/profile',
      '+RUN . /etc/profile',
      ' WORKDIR /app',
      '+RUN mkdir -p /app && chown app:app /app',
      ' USER app',
      '',
      'Wrote app.Dockerfile (2 edits); the original is app.Dockerfile.orig.',
      '',
    ].join('\n'));
    assert.equal(r.code, 0);
    assert.equal(readFileSync(join(dir, 'app.Dockerfile'), 'utf8'), 'FROM python:3.11-slim\nRUN useradd -m -u 1000 app\nRUN . /etc/profile\nWORKDIR /app\nRUN mkdir -p /app && chown app:app /app\nUSER app\n');
    assert.equal(readFileSync(join(dir, 'app.Dockerfile.orig'), 'utf8'), DOCKERFILE);
  });
});

describe('uidctl fix with a Compose service', () => {
  test('the Dockerfile its build section names is the one fixed and written', async () => {
    const dir = tempDir({ 'compose.yaml': 'services:\n  train:\n    build: { context: ./app, dockerfile: train.Dockerfile }\n', 'app/train.Dockerfile': WORKDIR });
    const r = await uidctl(['fix', '--compose', 'compose.yaml', '--write', '--rule', 'UID105'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\nWrote app\/train\.Dockerfile \(1 edit\); the original is app\/train\.Dockerfile\.orig\.\n$/);
    assert.equal(readFileSync(join(dir, 'app/train.Dockerfile'), 'utf8'), WORKDIR_FIXED);
    assert.equal(readFileSync(join(dir, 'app/train.Dockerfile.orig'), 'utf8'), WORKDIR);
  });

  test('a service with only an image has no Dockerfile to fix', async () => {
    const dir = tempDir({ 'compose.yaml': 'services:\n  web:\n    image: debian:bookworm\n' });
    const r = await uidctl(['fix', '--compose', 'compose.yaml'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /uidctl fix: the Compose service has no build section: there is no Dockerfile to fix\n$/);
  });
});

describe('uidctl fix refuses bad input with one line and exit 2', () => {
  const cases: { name: string; args: string[]; err: string }[] = [
    { name: 'an unknown rule', args: ['fix', '--rule', 'UID999'], err: "uidctl fix: unknown rule 'UID999' in --rule (see 'uidctl rules')\n" },
    { name: 'two files', args: ['fix', 'Dockerfile', 'Other'], err: 'uidctl fix: fix takes one Dockerfile (got 2): run it once per file\n' },
    { name: 'a folder', args: ['fix', '.'], err: 'uidctl fix: fix takes one Dockerfile, not a folder: name the file (.)\n' },
    { name: 'standard input with --write', args: ['fix', '-', '--write'], err: 'uidctl fix: --write needs a file: standard input cannot be written back\n' },
    { name: 'a missing file', args: ['fix', 'Nope'], err: 'uidctl fix: Nope: no such file or folder\n' },
    { name: 'a report option of check', args: ['fix', '--format', 'json'], err: "uidctl fix: --format is an option of uidctl check's report, not of uidctl fix: fix always prints its edits as a unified diff (for the findings as JSON or SARIF: uidctl check --format json|sarif)\n" },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = tempDir({ Dockerfile: WORKDIR });
      const r = await uidctl(c.args, dir);
      assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', c.err]);
    });
  }

  test('a Dockerfile that does not parse', async () => {
    const dir = tempDir({});
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:bookworm\nRUN <<EOT\n');
    const r = await uidctl(['fix'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^uidctl fix: Dockerfile:2: /);
  });
});
