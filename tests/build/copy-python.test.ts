// COPY takes the Python environments under the copied directory along: a venv built in one
// stage and copied into the final one is the interpreter PATH finds there, and pip writes
// into it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';

const BUILDER = 'FROM python:3.11-slim AS b\nRUN python3 -m venv /opt/venv\n';
const FINAL = 'FROM python:3.11-slim\nRUN useradd --uid 10001 --create-home app\n';

interface Case {
  name: string;
  dockerfile: string;
  want: { python?: string; kind?: string; sitePackages?: string; pipWritable: boolean; uid301: boolean };
}

const cases: Case[] = [
  {
    name: 'COPY --from --chown of a venv: PATH finds it, it belongs to the user, pip installs there',
    dockerfile: `${BUILDER}${FINAL}COPY --from=b --chown=10001:10001 /opt/venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nUSER app\n`,
    want: { python: '/opt/venv/bin/python', kind: 'venv', sitePackages: '/opt/venv/lib/python3.11/site-packages', pipWritable: true, uid301: false },
  },
  {
    name: 'the same venv made in the final stage (the reference case)',
    dockerfile: `${FINAL}RUN python3 -m venv /opt/venv && chown -R 10001:10001 /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nUSER app\n`,
    want: { python: '/opt/venv/bin/python', kind: 'venv', sitePackages: '/opt/venv/lib/python3.11/site-packages', pipWritable: true, uid301: false },
  },
  {
    name: 'copied to another path without --chown: the venv is there, root\'s, so pip fails in it',
    dockerfile: `${BUILDER}${FINAL}COPY --from=b /opt/venv /srv/env\nENV PATH=/srv/env/bin:$PATH\nUSER app\n`,
    want: { python: '/srv/env/bin/python', kind: 'venv', sitePackages: '/srv/env/lib/python3.11/site-packages', pipWritable: false, uid301: true },
  },
  {
    name: 'copying the folder above the venv carries it below the new folder',
    dockerfile: `${BUILDER}${FINAL}COPY --from=b --chown=app /opt /app/opt\nENV PATH=/app/opt/venv/bin:$PATH\nUSER app\n`,
    want: { python: '/app/opt/venv/bin/python', kind: 'venv', sitePackages: '/app/opt/venv/lib/python3.11/site-packages', pipWritable: true, uid301: false },
  },
  {
    name: 'copying a folder beside the venv carries nothing: the system Python stays',
    dockerfile: `${BUILDER}${FINAL}COPY --from=b /etc/skel /etc/skel2\nENV PATH=/opt/venv/bin:$PATH\nUSER app\n`,
    want: { python: '/usr/local/bin/python3', kind: 'source', sitePackages: '/usr/local/lib/python3.11/site-packages', pipWritable: false, uid301: true },
  },
];

describe('COPY carries Python environments', () => {
  for (const c of cases) {
    test(c.name, () => {
      const a = analyze({ file: 'Dockerfile', text: c.dockerfile });
      const sp = a.python?.sitePackages;
      assert.deepEqual(
        {
          python: a.python?.python,
          kind: a.python?.kind,
          sitePackages: sp,
          pipWritable: sp !== undefined && a.check(sp, 'create').allowed,
          uid301: a.findings.some((f) => f.ruleId === 'UID301'),
        },
        c.want,
      );
    });
  }
});
