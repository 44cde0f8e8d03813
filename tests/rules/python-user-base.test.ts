// The run-time user site follows Python's user base: PYTHONUSERBASE from the process's
// environment when it is set and not empty, else ~/.local (site.getuserbase()). The key-path
// table, UID301, UID302 and their fixes all name BASE/lib/pythonX.Y/site-packages and BASE/bin,
// from the same helper the RUN-step pip model uses (measured there:
// tests/oracle/scenarios/pip-more.yaml, pip-more/pythonuserbase-*).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { pythonUserBase } from '../../src/shell/commands/packages.js';

const PY = 'FROM python:3.11-slim-bookworm';
const DEV = 'RUN useradd --create-home --uid 1000 dev';
const SITE = '/usr/local/lib/python3.11/site-packages';
const IMAGE_PATH = '/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };

function analysisOf(lines: string[], run?: string) {
  const r = run ? parseDockerRun(run, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } }) : undefined;

  return analyze({ file: 'Dockerfile', text: `${lines.join('\n')}\n`, run: r, profile: 'dev' });
}

/** The user-site row of the key-path table: its path and whether the process may create it. */
function userSiteRows(a: ReturnType<typeof analysisOf>): [string, boolean][] {
  return a.keyPaths.filter((k) => k.role === 'user-site').map((k) => [k.path, a.check(k.path, 'create').allowed]);
}

/** One rule's findings: message and the snippet of each fix. */
function findings(a: ReturnType<typeof analysisOf>, rule: string): { message: string; fixes: string[] }[] {
  return a.findings.filter((f) => f.ruleId === rule).map((f) => ({ message: f.message, fixes: f.fixes.map((x) => x.snippet ?? '') }));
}

const BUILD_TIME = 'USER root\nRUN pip install --no-cache-dir PACKAGE\nUSER dev';
const VENV = 'RUN python3 -m venv /home/dev/venv\nENV PATH=/home/dev/venv/bin:$PATH';

describe('pythonUserBase: site.getuserbase() for a process', () => {
  test('HOME/.local without the variable, or with it empty', () => {
    assert.equal(pythonUserBase(undefined, '/home/dev', '/srv'), '/home/dev/.local');
    assert.equal(pythonUserBase('', '/home/dev', '/srv'), '/home/dev/.local');
    assert.equal(pythonUserBase(undefined, '/', '/'), '/.local');
  });

  test('the variable as given, normalised; a relative one from the working folder, ~ not expanded', () => {
    assert.equal(pythonUserBase('/opt/pyuser/', '/home/dev', '/srv'), '/opt/pyuser');
    assert.equal(pythonUserBase('pyuser', '/home/dev', '/srv/work'), '/srv/work/pyuser');
    assert.equal(pythonUserBase('../pyuser', '/home/dev', '/srv/work'), '/srv/pyuser');
    assert.equal(pythonUserBase('~/pyuser', '/home/dev', '/srv'), '/srv/~/pyuser');
  });
});

describe('run-time user site without PYTHONUSERBASE: HOME/.local', () => {
  const a = analysisOf([PY, DEV, 'USER dev']);

  test('the key-path table names ~/.local/lib/python3.11/site-packages, which dev may create', () => {
    assert.deepEqual(userSiteRows(a), [['/home/dev/.local/lib/python3.11/site-packages', true]]);
  });

  test('UID301: pip falls back to ~/.local, and the fix puts ~/.local/bin on PATH', () => {
    assert.deepEqual(findings(a, 'UID301'), [{
      message: `\`pip install\` as dev (uid 1000) cannot write ${SITE}: pip falls back to a user installation in /home/dev/.local/lib/python3.11/site-packages ("Defaulting to user installation because normal site-packages is not writeable").`,
      fixes: ['pip install --user PACKAGE\nENV PATH=/home/dev/.local/bin:$PATH', BUILD_TIME, VENV],
    }]);
  });

  test('UID302 names ~/.local/bin', () => {
    const [f] = findings(a, 'UID302');
    assert.equal(f.message, '/home/dev/.local/bin is not on PATH: console scripts from `pip install --user` (jupyter, tensorboard, ...) will be "command not found".');
    assert.equal(f.fixes[0], 'ENV PATH=/home/dev/.local/bin:$PATH');
  });
});

describe('run-time user site with PYTHONUSERBASE=/opt/pyuser, which dev owns', () => {
  const a = analysisOf([PY, `${DEV} && mkdir /opt/pyuser && chown dev:dev /opt/pyuser`, 'ENV PYTHONUSERBASE=/opt/pyuser', 'USER dev']);

  test('the key-path table names /opt/pyuser/lib/python3.11/site-packages, and no ~/.local', () => {
    assert.deepEqual(userSiteRows(a), [['/opt/pyuser/lib/python3.11/site-packages', true]]);
  });

  test('UID301: pip falls back to the PYTHONUSERBASE site, and the fix puts /opt/pyuser/bin on PATH', () => {
    assert.deepEqual(findings(a, 'UID301'), [{
      message: `\`pip install\` as dev (uid 1000) cannot write ${SITE}: pip falls back to a user installation in /opt/pyuser/lib/python3.11/site-packages (PYTHONUSERBASE) ("Defaulting to user installation because normal site-packages is not writeable").`,
      fixes: ['pip install --user PACKAGE\nENV PATH=/opt/pyuser/bin:$PATH', BUILD_TIME, VENV],
    }]);
  });

  test('UID302 names /opt/pyuser/bin and says why', () => {
    const f = a.findings.find((x) => x.ruleId === 'UID302');
    assert.equal(f?.message, '/opt/pyuser/bin is not on PATH: console scripts from `pip install --user` (jupyter, tensorboard, ...) will be "command not found".');
    assert.equal(f?.why, 'pip puts the scripts of user installs into the bin folder of the user base, PYTHONUSERBASE (/opt/pyuser), which PATH does not list.');
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['ENV PATH=/opt/pyuser/bin:$PATH']);
  });

  test('~/.local/bin on PATH does not count; /opt/pyuser/bin does (written with a trailing slash too)', () => {
    const local = analysisOf([PY, `${DEV} && mkdir /opt/pyuser && chown dev:dev /opt/pyuser`, 'ENV PYTHONUSERBASE=/opt/pyuser PATH=/home/dev/.local/bin:$HOME/.local/bin:$PATH', 'USER dev']);
    assert.deepEqual(findings(local, 'UID302').map((f) => f.message), ['/opt/pyuser/bin is not on PATH: console scripts from `pip install --user` (jupyter, tensorboard, ...) will be "command not found".']);
    const listed = analysisOf([PY, `${DEV} && mkdir /opt/pyuser && chown dev:dev /opt/pyuser`, 'ENV PYTHONUSERBASE=/opt/pyuser PATH=/opt/pyuser/bin/:$PATH', 'USER dev']);
    assert.deepEqual(findings(listed, 'UID302'), []);
    assert.deepEqual(findings(listed, 'UID301')[0].fixes[0], 'pip install --user PACKAGE');
  });
});

describe('run-time user site with PYTHONUSERBASE=/opt/pyuser, which dev may not create', () => {
  const a = analysisOf([PY, DEV, 'ENV PYTHONUSERBASE=/opt/pyuser', 'USER dev']);

  test('the key-path table names /opt/pyuser/lib/python3.11/site-packages, refused', () => {
    assert.deepEqual(userSiteRows(a), [['/opt/pyuser/lib/python3.11/site-packages', false]]);
    assert.equal(a.check('/opt/pyuser/lib/python3.11/site-packages', 'create').errno, 'EACCES');
  });

  test('UID301: pip fails, although dev\'s ~/.local could be made; no --user fix', () => {
    assert.deepEqual(findings(a, 'UID301'), [{
      message: `\`pip install\` as dev (uid 1000) will fail: ${SITE} is not writable and its user site /opt/pyuser/lib/python3.11/site-packages (PYTHONUSERBASE) cannot be written either (ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied).`,
      fixes: [BUILD_TIME, VENV],
    }]);
  });

  test('UID302 stays quiet: a user install that fails leaves no scripts', () => {
    assert.deepEqual(findings(a, 'UID302'), []);
  });
});

describe('PYTHONUSERBASE from the run and relative values', () => {
  test('-e PYTHONUSERBASE: the key path and UID301 follow it, and the PATH fix goes into the run line', () => {
    const a = analysisOf([PY, DEV, 'USER dev'], 'docker run -e PYTHONUSERBASE=/tmp/pyuser img');
    assert.deepEqual(userSiteRows(a), [['/tmp/pyuser/lib/python3.11/site-packages', true]]);
    assert.deepEqual(findings(a, 'UID301')[0].fixes[0], `pip install --user PACKAGE\n-e PATH=/tmp/pyuser/bin:${IMAGE_PATH}`);
    assert.deepEqual(findings(a, 'UID302').map((f) => f.fixes[0]), [`-e PATH=/tmp/pyuser/bin:${IMAGE_PATH}`]);
  });

  test('-e HOME with PYTHONUSERBASE set in the image: the base is the image\'s, so the fix is an ENV line', () => {
    const a = analysisOf([PY, `${DEV} && mkdir /opt/pyuser && chown dev:dev /opt/pyuser`, 'ENV PYTHONUSERBASE=/opt/pyuser', 'USER dev'], 'docker run -e HOME=/tmp img');
    assert.deepEqual(userSiteRows(a), [['/opt/pyuser/lib/python3.11/site-packages', true]]);
    assert.deepEqual(findings(a, 'UID302').map((f) => f.fixes[0]), ['ENV PATH=/opt/pyuser/bin:$PATH']);
  });

  test('a relative PYTHONUSERBASE counts from the working folder: WORKDIR, or -w at run time', () => {
    const lines = [PY, `${DEV} && mkdir /srv/work && chown dev:dev /srv/work`, 'WORKDIR /srv/work', 'ENV PYTHONUSERBASE=pyuser', 'USER dev'];
    const a = analysisOf(lines);
    assert.deepEqual(userSiteRows(a), [['/srv/work/pyuser/lib/python3.11/site-packages', true]]);
    assert.deepEqual(findings(a, 'UID302').map((f) => [f.message, f.fixes[0]]), [[
      '/srv/work/pyuser/bin is not on PATH: console scripts from `pip install --user` (jupyter, tensorboard, ...) will be "command not found".',
      'ENV PATH=/srv/work/pyuser/bin:$PATH',
    ]]);
    const w = analysisOf(lines, 'docker run -w /tmp img');
    assert.deepEqual(userSiteRows(w), [['/tmp/pyuser/lib/python3.11/site-packages', true]]);
    assert.deepEqual(findings(w, 'UID302').map((f) => f.fixes[0]), [`-e PATH=/tmp/pyuser/bin:${IMAGE_PATH}`]);
  });

  test('UID306 says PYTHONUSERBASE, not HOME, when the variable moves the user site away from a filled ~/.local', () => {
    const a = analysisOf([PY, DEV, 'USER dev', 'RUN pip install --user --no-cache-dir requests', 'ENV PYTHONUSERBASE=/opt/pyuser']);
    assert.deepEqual(a.findings.filter((f) => f.ruleId === 'UID306').map((f) => f.message.split(':')[0]), [
      'dev (uid 1000) runs with PYTHONUSERBASE /opt/pyuser, so Python does not look in /home/dev/.local/lib/python3.11/site-packages (dev\'s)',
    ]);
  });
});

describe('UID306 for a uid without a passwd entry', () => {
  // HOME is / for it in a RUN too, where pip --user cannot write: the user is made first.
  const lines = [PY, 'RUN pip install --user wandb'];
  const run = 'docker run --user 1001:1001 img';

  test('the lead fix creates the user with a home before USER and the install', () => {
    const [f] = findings(analysisOf(lines, run), 'UID306');
    assert.deepEqual(f.fixes[0].split('\n'), [
      'ARG UID=1001',
      'ARG GID=1001',
      'RUN groupadd --gid $GID app && useradd --create-home --uid $UID --gid $GID app',
      'USER 1001',
      'RUN pip install --user --no-cache-dir PACKAGES',
    ]);
  });

  test('applied, the site is the user\'s own and UID306 is gone', () => {
    const fixed = [PY, 'ARG UID=1001', 'ARG GID=1001', 'RUN groupadd --gid $GID app && useradd --create-home --uid $UID --gid $GID app', 'USER 1001', 'RUN pip install --user --no-cache-dir wandb'];
    const a = analysisOf(fixed, run);
    assert.deepEqual(a.sim.failures, []);
    assert.deepEqual(findings(a, 'UID306'), []);
  });
});

describe('UID301 on a read-only root file system', () => {
  const lines = [PY, DEV, 'USER dev'];
  test('no virtual environment in the image is offered: it takes no install at run time either', () => {
    const [f] = findings(analysisOf(lines, 'docker run --read-only img'), 'UID301');
    assert.match(f.message, /\[Errno 30\] Read-only file system/);
    assert.deepEqual(f.fixes, ['USER root\nRUN pip install --no-cache-dir PACKAGE\nUSER dev']);
  });
  test('with a writable root the environment stays the last fix', () => {
    const [f] = findings(analysisOf(lines, 'docker run img'), 'UID301');
    assert.equal(f.fixes[f.fixes.length - 1], 'RUN python3 -m venv /home/dev/venv\nENV PATH=/home/dev/venv/bin:$PATH');
  });
});

describe('UID301 under a run-time --user: the build-time fix is written for the image', () => {
  test("it switches back to the image's own USER, not to the run's uid (which would make the image run nameless)", () => {
    const [f] = findings(analysisOf([PY, DEV, 'USER dev'], 'docker run --user 1234:1234 img'), 'UID301');
    assert.deepEqual(f.fixes, ['USER root\nRUN pip install --no-cache-dir PACKAGE\nUSER dev', 'RUN python3 -m venv /opt/venv && chown -R 1234:1234 /opt/venv\nENV PATH=/opt/venv/bin:$PATH']);
  });
  test('on an image that runs as root (no USER, or USER root) it is the RUN alone', () => {
    for (const lines of [[PY], [PY, 'USER root'], [PY, DEV, 'USER 0:0']]) {
      const [f] = findings(analysisOf(lines, 'docker run --user 1234:1234 img'), 'UID301');
      assert.deepEqual(f.fixes[0], 'RUN pip install --no-cache-dir PACKAGE', lines.join(' / '));
    }
  });
});

describe("UID301's virtual environment goes where the user can make it", () => {
  test("nobody's home /nonexistent is no folder: the environment is /opt/venv, given to nobody", () => {
    const [f] = findings(analysisOf([PY, 'USER nobody']), 'UID301');
    assert.equal(f.fixes.at(-1), 'RUN python3 -m venv /opt/venv && chown -R 65534:65534 /opt/venv\nENV PATH=/opt/venv/bin:$PATH');
  });
  test('a home the user owns keeps the environment in it', () => {
    const [f] = findings(analysisOf([PY, DEV, 'USER dev']), 'UID301');
    assert.equal(f.fixes.at(-1), VENV);
  });
});
