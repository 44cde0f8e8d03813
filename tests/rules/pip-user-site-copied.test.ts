// UID301 when the user site pip falls back to exists but refuses the user: a COPY of ~/.local
// without --chown leaves it 0:0. pip still "defaults to user installation" (it looks only at
// site-packages) and then fails writing the user site, so the finding is the failure, not the
// fallback, and the first fix copies the folder owned by the user.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';

const SITE = '/usr/local/lib/python3.11/site-packages';
const USER_SITE = '/home/app/.local/lib/python3.11/site-packages';

function lines(copy: string): string[] {
  return [
    'ARG BASE=python:3.11-slim',
    'FROM ${BASE} AS deps',
    'RUN pip install --user --no-cache-dir requests',
    'FROM ${BASE} AS final',
    'RUN useradd -m -u 1000 app',
    copy,
    'ENV PATH=/home/app/.local/bin:$PATH',
    'USER app',
    'CMD ["python","-m","http.server"]',
  ];
}

function uid301(text: string[], profile: 'dev' | 'prod' = 'prod') {
  const a = analyze({ file: 'Dockerfile', text: `${text.join('\n')}\n`, profile });

  return { a, found: a.findings.filter((f) => f.ruleId === 'UID301') };
}

describe('UID301: a user site copied in as root', () => {
  test('pip fails: a warning that says the user site cannot be written either, the first fix copies it with --chown', () => {
    const { a, found } = uid301(lines('COPY --from=deps /root/.local /home/app/.local'));
    assert.equal(found.length, 1);
    const f = found[0];
    assert.equal(f.severity, 'warning');
    assert.equal(
      f.message,
      `\`pip install\` as app (uid 1000) will fail: ${SITE} is not writable and its user site ${USER_SITE} cannot be written either (ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied).`,
    );
    assert.match(f.why, /Its fallback, the user site, is refused too: creating a file in \/home\/app\/\.local\/lib\/python3\.11\/site-packages: .* is drwxr-xr-x 0:0/);
    assert.equal(f.fixes[0].description, 'Copy the user site in owned by the user (line 6 leaves it to root), so pip can write /home/app/.local.');
    assert.equal(f.fixes[0].snippet, 'COPY --chown=app:app --from=deps /root/.local /home/app/.local');
    assert.ok(f.fixes.every((x) => !(x.snippet ?? '').includes('pip install --user')), 'no fix installs with --user');
    // The key-path table agrees with the finding.
    assert.equal(a.check(USER_SITE, 'create').allowed, false);
  });

  test('the same in dev is a warning too', () => {
    const { found } = uid301(lines('COPY --from=deps /root/.local /home/app/.local'), 'dev');
    assert.equal(found[0].severity, 'warning');
  });

  test('copied with --chown: the fallback works, an info in prod with pip install --user first', () => {
    const { found } = uid301(lines('COPY --chown=app:app --from=deps /root/.local /home/app/.local'));
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'info');
    assert.match(found[0].message, /pip falls back to a user installation in \/home\/app\/\.local\/lib\/python3\.11\/site-packages/);
    assert.equal(found[0].fixes[0].snippet, 'pip install --user PACKAGE');
  });

  test('a user site made root-owned by a RUN: no COPY to change, the build-time install leads and a venv follows', () => {
    const text = lines('RUN mkdir -p /home/app/.local/lib/python3.11/site-packages');
    const { found } = uid301(text);
    assert.equal(found[0].severity, 'warning');
    assert.match(found[0].message, /will fail: .* cannot be written either/);
    assert.deepEqual(
      found[0].fixes.map((x) => x.snippet),
      ['USER root\nRUN pip install --no-cache-dir PACKAGE\nUSER app', 'RUN python3 -m venv /home/app/venv\nENV PATH=/home/app/venv/bin:$PATH'],
    );
  });
});
