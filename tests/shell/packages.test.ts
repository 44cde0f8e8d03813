import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { analyze } from '../../src/analyze.js';
import { handlers } from '../../src/shell/commands/packages.js';
import { systemPythonFor } from '../../src/shell/commands/packages.js';
import type { ImageState, PythonEnv } from '../../src/model/types.js';
import { makeCtx, makeState, run, userIdent } from './handler-fixture.js';

const alice = userIdent(1000, 1000, '/home/alice', 'alice');

function withHome(state: ImageState): ImageState {
  state.fs.set('/home/alice', { kind: 'dir', uid: 1000, gid: 1000, mode: 0o755 });
  return state;
}

function withEnv(state: ImageState, env: PythonEnv, rootOwned: string[]): ImageState {
  for (const p of rootOwned) state.fs.set(p, { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
  state.pythons.push(env);
  return state;
}

const condaEnv: PythonEnv = {
  python: '/opt/conda/bin/python',
  kind: 'conda',
  sitePackages: '/opt/conda/lib/python3.11/site-packages',
  version: '3.11',
  externallyManaged: false,
  binDir: '/opt/conda',
};

const condaDirs = ['/opt/conda', '/opt/conda/bin', '/opt/conda/lib', '/opt/conda/lib/python3.11', '/opt/conda/lib/python3.11/site-packages'];

const venvEnv: PythonEnv = {
  python: '/opt/venv/bin/python',
  kind: 'venv',
  sitePackages: '/opt/venv/lib/python3.11/site-packages',
  version: '3.11',
  externallyManaged: false,
  binDir: '/opt/venv',
};

const venvDirs = ['/opt/venv', '/opt/venv/bin', '/opt/venv/lib', '/opt/venv/lib/python3.11', '/opt/venv/lib/python3.11/site-packages'];

describe('apt-get / apk / dnf', () => {
  test('apt-get install -y sudo as root: setuid sudo, sudoers 0440 with %sudo, sudoers.d', () => {
    const state = makeState();
    const r = run(handlers, makeCtx(state), 'apt-get install -y --no-install-recommends sudo');
    assert.equal(r.status, 0);
    assert.deepEqual(state.packages.sudo, { name: 'sudo', via: 'apt', line: 7 });
    const sudo = state.fs.get('/usr/bin/sudo')!;
    assert.deepEqual([sudo.mode, sudo.uid, sudo.gid], [0o4755, 0, 0]);
    assert.equal(state.fs.get('/etc/sudoers')!.mode, 0o440);
    assert.equal(state.fs.get('/etc/sudoers.d')!.mode, 0o755);
    assert.deepEqual(
      state.sudoers.map((s) => [s.who, s.commands, s.nopasswd]),
      [['root', 'ALL', false], ['%sudo', 'ALL', false]],
    );
  });

  const refusals: [string, string, number, string[]][] = [
    ['apt-get install as non-root', 'apt-get install -y sudo', 100, [
      'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)',
      'E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?',
    ]],
    ['apt-get update as non-root', 'apt-get update', 100, [
      'E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)',
      'E: Unable to lock directory /var/lib/apt/lists/',
    ]],
    ['apk add as non-root', 'apk add --no-cache sudo', 99, [
      'ERROR: Unable to lock database: Permission denied',
      'ERROR: Failed to open apk database: Permission denied',
    ]],
    ['dnf install as non-root', 'dnf install -y sudo', 1, [
      'Error: This command has to be run with superuser privileges (under the root user on most systems).',
    ]],
    ['dpkg -i as non-root', 'dpkg -i x.deb', 2, ['dpkg: error: requested operation requires superuser privilege']],
  ];
  for (const [name, line, status, stderr] of refusals) {
    test(name, () => {
      const state = makeState();
      const r = run(handlers, makeCtx(state, alice), line);
      assert.deepEqual([r.status, r.stderr], [status, stderr]);
      assert.equal(state.packages.sudo, undefined);
    });
  }

  test('apt-get install without -y: status unknown (the prompt may abort)', () => {
    const ctx = makeCtx(makeState());
    assert.equal(run(handlers, ctx, 'apt-get install curl').status, 'unknown');
    assert.equal(ctx.unknowns.length, 1);
  });

  test('openssh-server: sshd_config with the Debian defaults and a system user sshd, no /run/sshd', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'apt-get install -y openssh-server');
    assert.equal(state.sshd.permitRootLogin, undefined);
    assert.match(state.texts['/etc/ssh/sshd_config'].content, /^#PermitRootLogin prohibit-password$/m);
    // tmpfiles.d makes /run/sshd at boot; a build has none (the oracle's services/sshd-run-dir).
    assert.equal(state.fs.get('/run/sshd'), undefined);
    const sshd = state.accounts.passwd.find((e) => e.name === 'sshd')!;
    assert.deepEqual([sshd.uid, sshd.gid, sshd.home], [100, 65534, '/run/sshd']);
  });

  test('python3-pip on bookworm: externally managed system python 3.11', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'apt-get install -y python3-pip');
    assert.deepEqual(state.pythons, [{
      python: '/usr/bin/python3',
      kind: 'system',
      sitePackages: '/usr/local/lib/python3.11/dist-packages',
      version: '3.11',
      externallyManaged: true,
      binDir: '/usr',
    }]);
    assert.equal(state.fs.get('/usr/lib/python3.11/EXTERNALLY-MANAGED')!.kind, 'file');
  });

  const releases: [string, string, string, boolean][] = [
    ['debian:bullseye', 'debian', '3.9', false],
    ['ubuntu:22.04', 'ubuntu', '3.10', false],
    ['nvidia/cuda:12.6.3-devel-ubuntu24.04', 'ubuntu', '3.12', true],
    ['alpine:3.20', 'alpine', '3.12', true],
  ];
  for (const [base, distro, version, em] of releases) {
    test(`system python of ${base}: ${version}, PEP 668 ${em}`, () => {
      const s = makeState({ base, distro: distro as ImageState['distro'] });
      const sp = systemPythonFor(s);
      assert.deepEqual([sp.version, sp.externallyManaged], [version, em]);
    });
  }
});

describe('pip', () => {
  test('PEP 668: root pip install on bookworm is refused', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'apt-get install -y python3-pip');
    const r = run(handlers, makeCtx(state), 'pip install requests');
    assert.equal(r.status, 1);
    assert.equal(r.stderr![0], 'error: externally-managed-environment');
    assert.equal(state.packages.requests, undefined);
  });

  test('--break-system-packages or PIP_BREAK_SYSTEM_PACKAGES=1 lets root install into dist-packages', () => {
    const state = makeState();
    run(handlers, makeCtx(state), 'apt-get install -y python3-pip');
    assert.equal(run(handlers, makeCtx(state), 'pip3 install --break-system-packages requests').status, 0);
    const dir = state.fs.get('/usr/local/lib/python3.11/dist-packages/requests')!;
    assert.deepEqual([dir.uid, dir.gid], [0, 0]);

    const ctx = makeCtx(state);
    ctx.env.set('PIP_BREAK_SYSTEM_PACKAGES', '1');
    assert.equal(run(handlers, ctx, 'python3 -m pip install flask').status, 0);
    assert.equal(state.packages.flask.via, 'pip');
  });

  test('pip install -e of a project folder the user may not write: setuptools cannot make its egg-info (measured: venv/editable-*)', () => {
    const state = withHome(withEnv(makeState(), venvEnv, venvDirs));
    state.fs.set('/app', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
    state.fs.set('/app/setup.py', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    state.fs.set('/app/setup.cfg', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    state.texts['/app/setup.cfg'] = { content: '[metadata]\nname = my-pkg.core\nversion = 0.1\n' };
    // A pyproject.toml project builds its metadata elsewhere (PEP 660): no failure.
    state.fs.set('/modern', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
    state.fs.set('/modern/setup.py', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    state.fs.set('/modern/pyproject.toml', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    state.fs.set('/proj', { kind: 'dir', uid: 1000, gid: 1000, mode: 0o755 });
    for (const p of venvDirs) state.fs.set(p, { kind: 'dir', uid: 1000, gid: 1000, mode: 0o755 });
    const ctx = () => {
      const c = makeCtx(state, alice);
      c.env.set('PATH', `/opt/venv/bin:${c.env.get('PATH')}`);
      return c;
    };
    const denied = run(handlers, ctx(), 'pip install -e /app');
    assert.deepEqual([denied.status, denied.stderr], [1, ["error: could not create 'my_pkg_core.egg-info': Permission denied"]]);
    assert.deepEqual(run(handlers, ctx(), 'pip install --editable=/proj').stderr, undefined);
    assert.equal(run(handlers, ctx(), 'pip install -e /modern').status, 0);
    assert.equal(run(handlers, ctx(), 'pip install -e /proj').status, 0);
    assert.equal(run(handlers, ctx(), 'pip install -e git+https://example.invalid/x.git#egg=x').status, 0);
  });

  test('a venv reached by a path relative to the working folder is that venv (measured: venv/relative-venv-pip)', () => {
    const state = withHome(withEnv(makeState(), venvEnv, venvDirs));
    const ctx = makeCtx(state, alice);
    ctx.cwd = '/opt';
    const r = handlers.pip(ctx, ['venv/bin/pip', 'install', 'requests']) as { status: number; stderr?: string[] };
    assert.deepEqual([r.status, r.stderr?.[0]], [1, "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/opt/venv/lib/python3.11/site-packages/requests'"]);
  });

  test('non-root pip into a root-owned venv: the OSError and the --user hint', () => {
    const state = withHome(withEnv(makeState(), venvEnv, venvDirs));
    const ctx = makeCtx(state, alice);
    ctx.env.set('PATH', `/opt/venv/bin:${ctx.env.get('PATH')}`);
    const r = run(handlers, ctx, 'pip install --no-cache-dir requests');
    assert.equal(r.status, 1);
    assert.deepEqual(r.stderr, [
      "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/opt/venv/lib/python3.11/site-packages/requests'",
      'Consider using the `--user` option or check the permissions.',
    ]);
  });

  test('non-root pip on root-owned conda: falls back to the user site, owned by the user', () => {
    const state = withHome(withEnv(makeState(), condaEnv, condaDirs));
    const ctx = makeCtx(state, alice);
    ctx.env.set('PATH', `/opt/conda/bin:${ctx.env.get('PATH')}`);
    const r = run(handlers, ctx, 'pip install torch');
    assert.deepEqual([r.status, r.stdout], [0, 'Defaulting to user installation because normal site-packages is not writeable\n']);
    const site = state.fs.get('/home/alice/.local/lib/python3.11/site-packages')!;
    assert.deepEqual([site.kind, site.uid, site.gid, site.mode], ['dir', 1000, 1000, 0o755]);
    assert.equal(state.fs.get('/home/alice/.cache/pip')!.uid, 1000);
  });

  test('pip install --user with HOME=/ (uid without passwd entry): cannot create /.local', () => {
    const state = withEnv(makeState(), condaEnv, condaDirs);
    const ctx = makeCtx(state, userIdent(1234, 0, '/'));
    ctx.env.set('PATH', `/opt/conda/bin:${ctx.env.get('PATH')}`);
    const r = run(handlers, ctx, 'pip install --user --no-cache-dir numpy');
    assert.deepEqual([r.status, r.stderr], [1, [
      "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/.local'",
      'Check the permissions.',
    ]]);
  });

  test('pip with no Python environment known is an unknown effect', () => {
    const ctx = makeCtx(makeState());
    assert.equal(run(handlers, ctx, 'pip install x').status, 'unknown');
    assert.equal(ctx.unknowns.length, 1);
  });

  test('jupyter via pip marks packages.jupyter', () => {
    const state = withEnv(makeState(), condaEnv, condaDirs);
    run(handlers, makeCtx(state), 'pip install jupyterlab');
    assert.equal(state.packages.jupyter.via, 'pip');
    assert.equal(state.fs.get('/opt/conda/bin/jupyter')!.kind, 'file');
  });
});

describe('venv, conda, git', () => {
  test('python3 -m venv as alice in her home: a venv env owned by her, then pip works', () => {
    const state = withHome(makeState({ base: 'python:3.11' }));
    state.pythons.push({ ...venvEnv, python: '/usr/local/bin/python3', kind: 'source', sitePackages: '/usr/local/lib/python3.11/site-packages', binDir: '/usr/local' });
    const ctx = makeCtx(state, alice);
    assert.equal(run(handlers, ctx, 'python3 -m venv /home/alice/venv').status, 0);
    const v = state.pythons.find((p) => p.kind === 'venv')!;
    assert.equal(v.sitePackages, '/home/alice/venv/lib/python3.11/site-packages');
    assert.equal(state.fs.get('/home/alice/venv/bin')!.uid, 1000);

    ctx.env.set('PATH', `/home/alice/venv/bin:${ctx.env.get('PATH')}`);
    assert.equal(run(handlers, ctx, 'pip install requests').status, 0);
    assert.equal(state.fs.get('/home/alice/venv/lib/python3.11/site-packages/requests')!.uid, 1000);
  });

  test('python3 -m venv /opt/venv as alice: Permission denied', () => {
    const state = withHome(withEnv(makeState(), condaEnv, condaDirs));
    const r = run(handlers, makeCtx(state, alice), 'python3 -m venv /opt/venv');
    assert.deepEqual([r.status, r.stderr], [1, ["Error: [Errno 13] Permission denied: '/opt/venv'"]]);
  });

  test('conda install as non-root on a root-owned prefix', () => {
    const state = withEnv(makeState(), condaEnv, condaDirs);
    state.condaPrefix = '/opt/conda';
    const r = run(handlers, makeCtx(state, alice), 'conda install -y numpy');
    assert.deepEqual([r.status, r.stderr], [1, [
      'EnvironmentNotWritableError: The current user does not have write permissions to the target environment.',
      '  environment location: /opt/conda',
      '  uid: 1000',
      '  gid: 1000',
    ]]);
  });

  test('conda create -n as non-root lands in ~/.conda/envs and owns it', () => {
    const state = withHome(withEnv(makeState(), condaEnv, condaDirs));
    state.condaPrefix = '/opt/conda';
    const r = run(handlers, makeCtx(state, alice), 'conda create -y -n ml python=3.10');
    assert.equal(r.status, 0);
    const env = state.pythons.find((p) => p.binDir === '/home/alice/.conda/envs/ml')!;
    assert.equal(env.version, '3.10');
    assert.equal(state.fs.get('/home/alice/.conda/envs/ml')!.uid, 1000);
  });

  test('git clone as alice into / fails; into her home it is hers', () => {
    const state = withHome(makeState());
    const denied = run(handlers, makeCtx(state, alice), 'git clone https://example.com/x/repo.git');
    assert.deepEqual([denied.status, denied.stderr], [128, ["fatal: could not create work tree dir 'repo': Permission denied"]]);
    const ctx = makeCtx(state, alice, { cwd: '/home/alice' });
    assert.equal(run(handlers, ctx, 'git clone --depth 1 https://example.com/x/repo.git').status, 0);
    assert.equal(state.fs.get('/home/alice/repo')!.uid, 1000);
  });
});

describe('conda env create -f FILE', () => {
  test('the env is taken as a Python environment, and the step is noted: what it holds is not known', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM continuumio/miniconda3\nRUN conda env create -f /tmp/environment.yml -p /opt/env\nENV PATH=/opt/env/bin:$PATH\n' });
    assert.ok(a.image.pythons.some((e) => e.binDir === '/opt/env'));
    assert.equal(a.python?.python, '/opt/env/bin/python');
    assert.ok(a.unknowns.some((u) => u.reason === 'the packages /tmp/environment.yml lists are not known; /opt/env is taken as a Python environment'));
  });
});

describe('conda environments by name', () => {
  const setup = () => {
    const state = withHome(withEnv(makeState(), condaEnv, [...condaDirs, '/opt/conda/envs']));
    return state;
  };

  test('conda env create -f FILE as a user: made under ~/.conda/envs, as the shared envs folder is root\'s, and noted', () => {
    const state = setup();
    const ctx = makeCtx(state, alice);
    const r = run(handlers, ctx, 'conda env create -f environment.yml');
    assert.equal(r.status, 0);
    assert.equal(state.fs.get('/home/alice/.conda/envs')?.uid, 1000);
    assert.deepEqual(ctx.unknowns, ['the environment environment.yml describes is named in the file, which is not read: it is made in /home/alice/.conda/envs']);
  });

  test('conda install -n ENV into an environment root made: found where it is, and refused', () => {
    const state = setup();
    assert.equal(run(handlers, makeCtx(state), 'conda create -y -n ml python=3.11').status, 0);
    assert.equal(state.fs.get('/opt/conda/envs/ml')?.uid, 0);
    const r = run(handlers, makeCtx(state, alice), 'conda install -n ml -y scipy');
    assert.deepEqual([r.status, r.stderr?.[0], r.stderr?.[1]], [1, 'EnvironmentNotWritableError: The current user does not have write permissions to the target environment.', '  environment location: /opt/conda/envs/ml']);
  });

  test('conda create -n ENV as a user goes to ~/.conda/envs', () => {
    const state = setup();
    assert.equal(run(handlers, makeCtx(state, alice), 'conda create -y -n mine python=3.11').status, 0);
    assert.equal(state.fs.get('/home/alice/.conda/envs/mine')?.uid, 1000);
  });
});

describe('pip and python on a base without Python (measured: failures/no-python*)', () => {
  test('debian:bookworm has neither: the shell does not find them', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN pip install numpy\nRUN python3 -m pip install numpy\n' });
    assert.deepEqual(a.sim.target.failures.map((f) => [f.line, f.message]), [[2, '/bin/sh: 1: pip: not found'], [3, '/bin/sh: 1: python3: not found']]);
  });
  test('after apt-get install python3-pip they are there', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip\nRUN pip install --break-system-packages numpy\n' });
    assert.deepEqual(a.sim.target.failures, []);
  });
  test('Python 2 where it is packaged: python-pip gives pip and pip2, python gives python2 and python (tensorflow\'s old Dockerfiles)', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM nvidia/cuda:10.1-base-ubuntu18.04\nRUN apt-get update && apt-get install -y python python-pip\nRUN pip --no-cache-dir install --upgrade pip && pip2 --version && python2 -V && python -V\n' });
    assert.deepEqual(a.sim.target.failures, []);
    assert.deepEqual(['/usr/bin/pip', '/usr/bin/pip2', '/usr/bin/python', '/usr/bin/python2'].map((p) => a.image.fs.get(p)?.mode), [0o755, 0o755, 0o755, 0o755]);
  });
  test('a tool written in Python brings python3 (software-properties-common, for add-apt-repository)', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y software-properties-common\nRUN python3 -c "print(1)"\n' });
    assert.deepEqual(a.sim.target.failures, []);
  });
  test('python2.7 gives /usr/bin/python2.7 alone: a link of python to it is made freely', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM nvidia/cuda:10.1-base-ubuntu18.04\nRUN apt-get update && apt-get install -y python2.7 python2.7-dev\nRUN ln -s /usr/bin/python2.7 /usr/bin/python\n' });
    assert.deepEqual(a.sim.target.failures, []);
    assert.deepEqual(['/usr/bin/python2.7', '/usr/bin/python2'].map((p) => a.image.fs.get(p)?.kind), ['file', undefined]);
  });
});

describe('conda run, and a SHELL that runs through it', () => {
  const dockerfile = (...lines: string[]) => ['FROM continuumio/miniconda3:24.7.1-0', 'RUN useradd -m app', 'RUN conda create -y -n ml python=3.10', ...lines, ''].join('\n');
  const owners = (a: ReturnType<typeof analyze>, under: string) =>
    [...a.image.fs].filter(([p]) => p.startsWith(under)).map(([p, m]) => `${p} ${m.uid}`);

  test('conda run -n ENV pip install: pip is the environment\'s (its bin first on PATH)', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN conda run -n ml pip install torch') });
    assert.equal(a.image.fs.get('/opt/conda/envs/ml/lib/python3.10/site-packages/torch')?.uid, 0);
    assert.equal(a.image.fs.has('/opt/conda/lib/python3.12/site-packages/torch'), false);
    assert.deepEqual(a.sim.failures, []);
  });

  test('as a user, the root-made environment is not writable: pip falls back to the user site of its Python', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('USER app', 'RUN conda run --no-capture-output --name=ml pip install torch') });
    assert.deepEqual(owners(a, '/home/app/.local/lib/python3.10/site-packages/torch'), ['/home/app/.local/lib/python3.10/site-packages/torch 1000']);
  });

  test('SHELL ["conda", "run", "-n", "ENV", "/bin/bash", "-c"]: every RUN after it runs in the environment', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('SHELL ["conda", "run", "-n", "ml", "/bin/bash", "-c"]', 'RUN pip install numpy && [[ $CONDA_PREFIX == /opt/conda/envs/ml ]] && touch /ok') });
    assert.equal(a.image.fs.get('/opt/conda/envs/ml/lib/python3.10/site-packages/numpy')?.kind, 'dir');
    assert.equal(a.image.fs.get('/ok')?.kind, 'file');
    // The workload's own environment is the image's ENV: SHELL changes only the build's steps.
    assert.equal(a.python?.python, '/opt/conda/bin/python');
  });

  test('--cwd DIR runs the command there; -p PREFIX names the environment by its path', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN mkdir /work && conda run -p /opt/conda/envs/ml --cwd /work touch made') });
    assert.equal(a.image.fs.get('/work/made')?.kind, 'file');
  });

  test('the command\'s exit status is conda run\'s: a failing command fails the step', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN conda run -n ml sh -c "exit 3"') });
    assert.deepEqual(a.sim.failures.map((f) => [f.line, f.kind]), [[4, 'other']]);
  });

  test('an environment the image is not known to hold: noted, and what runs in it is not followed', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN conda run -n other pip install torch') });
    assert.ok(a.unknowns.some((u) => u.reason === 'the conda environment other is not known to exist (/opt/conda/envs/other); what runs in it is not followed'));
    assert.equal([...a.image.fs.keys()].some((p) => p.endsWith('/torch')), false);
    assert.ok(a.findings.some((f) => f.ruleId === 'UID603' && f.location.line === 4));
  });

  test('the same through SHELL: the steps are noted, not read in another environment', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('SHELL ["conda", "run", "-n", "other", "/bin/bash", "-c"]', 'RUN touch /x') });
    assert.ok(a.unknowns.some((u) => u.line === 5 && u.reason.startsWith('the conda environment other is not known to exist')));
    assert.equal(a.image.fs.has('/x'), false);
  });

  test('conda run as the start command: the workload\'s pip and python are the environment\'s', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('USER app', 'CMD ["conda", "run", "--no-capture-output", "-n", "ml", "python", "train.py"]') });
    assert.equal(a.python?.python, '/opt/conda/envs/ml/bin/python');
    assert.equal(a.runtime.process.env.CONDA_PREFIX, '/opt/conda/envs/ml');
    const target = a.verdicts.find((v) => v.path === '/opt/conda/envs/ml/lib/python3.10/site-packages' && v.op === 'write');
    assert.deepEqual([target?.allowed, target?.errno], [false, 'EACCES']);
  });

  test('micromamba run\'s -r ROOT and -a STREAMS take a value; a shell-form CMD runs it too', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN micromamba run -r /opt/conda -a "" -n ml touch /made', 'CMD conda run -n ml python serve.py') });
    assert.deepEqual([a.image.fs.get('/made')?.kind, a.unknowns, a.python?.python], ['file', [], '/opt/conda/envs/ml/bin/python']);
  });

  test('after an init and a user switch too; an environment not known to exist is an assumption', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN apt-get update && apt-get install -y gosu tini', 'ENTRYPOINT ["tini", "--", "gosu", "app"]', 'CMD ["mamba", "run", "-n", "ml", "python", "train.py"]') });
    assert.deepEqual([a.runtime.process.uid, a.python?.python], [1000, '/opt/conda/envs/ml/bin/python']);
    const b = analyze({ file: 'Dockerfile', text: dockerfile('CMD ["tini", "--", "conda", "run", "-n", "nope", "python", "x.py"]') });
    assert.equal(b.python?.python, '/opt/conda/bin/python');
    assert.ok(b.assumptions.some((x) => x.id === 'start:conda-run' && x.text === 'the conda environment nope is not known to exist (/opt/conda/envs/nope): the workload\'s pip and python are judged as if it were not activated'));
  });

  test('conda activate under /bin/sh (dash, nothing sourced): conda refuses it, and the step fails', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('RUN conda activate ml && pip install torch') });
    assert.deepEqual(a.sim.failures.map((f) => [f.line, f.message.includes("CondaError: Run 'conda init' before 'conda activate'")]), [[4, true]]);
    assert.equal(a.image.fs.has('/opt/conda/lib/python3.12/site-packages/torch'), false);
  });

  test('bash -c reads no startup file either: refused there too, unless BASH_ENV is set; an eval of the hook defines the function', () => {
    const bashC = analyze({ file: 'Dockerfile', text: dockerfile('SHELL ["/bin/bash", "-c"]', 'RUN conda activate ml && pip install torch') });
    assert.ok(bashC.sim.failures[0]?.message.includes("CondaError: Run 'conda init' before 'conda activate'"));
    const bashEnv = analyze({ file: 'Dockerfile', text: dockerfile('SHELL ["/bin/bash", "-c"]', 'ENV BASH_ENV=/etc/profile.d/conda.sh', 'RUN conda activate ml') });
    assert.deepEqual(bashEnv.sim.failures, []);
    const hook = analyze({ file: 'Dockerfile', text: dockerfile('RUN eval "$(/opt/conda/bin/conda shell.posix hook)" && conda activate ml') });
    assert.deepEqual(hook.sim.failures, []);
    const lc = analyze({ file: 'Dockerfile', text: dockerfile('RUN bash -lc "conda activate ml && python -V"') });
    assert.deepEqual(lc.sim.failures, []);
  });

  test('under bash, or after a script the model does not read was sourced, it is noted, not followed', () => {
    const bash = analyze({ file: 'Dockerfile', text: dockerfile('SHELL ["/bin/bash", "-lc"]', 'RUN conda activate ml && pip install torch') });
    assert.ok(bash.unknowns.some((u) => u.line === 5 && u.reason.startsWith('conda activate works only through conda\'s shell function')));
    assert.equal(bash.image.fs.get('/opt/conda/lib/python3.12/site-packages/torch')?.kind, 'dir');
    const sourced = analyze({ file: 'Dockerfile', text: dockerfile('RUN . /opt/conda/etc/profile.d/conda.sh && conda activate ml') });
    assert.deepEqual(sourced.sim.failures, []);
    assert.ok(sourced.unknowns.some((u) => u.reason.startsWith('conda activate works only through')));
  });

});

describe('a conda installer run in a step (constructor\'s installer header)', () => {
  const dockerfile = (...lines: string[]) => ['FROM debian:bookworm-slim', 'RUN useradd -m -u 1000 app', 'RUN apt-get update && apt-get install -y wget', ...lines, ''].join('\n');
  const get = (to: string) => `wget -q -O ${to} https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh`;

  test('bash Miniconda3-*.sh -b -p /opt/conda as root: a root-owned installation that pip and conda use', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile(`RUN ${get('/tmp/Miniconda3-latest-Linux-x86_64.sh')} && bash /tmp/Miniconda3-latest-Linux-x86_64.sh -b -p /opt/conda`, 'ENV PATH=/opt/conda/bin:$PATH', 'USER app') });
    assert.deepEqual([a.image.condaPrefix, a.python?.python, a.python?.sitePackages], ['/opt/conda', '/opt/conda/bin/python', '/opt/conda/lib/python3.12/site-packages']);
    assert.equal(a.image.fs.get('/opt/conda/bin/pip')?.uid, 0);
    // app may not write it: pip falls back to the user site, conda install fails (UID301, UID304).
    assert.deepEqual(a.findings.map((f) => f.ruleId).filter((id) => id === 'UID301' || id === 'UID304'), ['UID301', 'UID304']);
    assert.ok(a.assumptions.some((x) => x.id === 'conda-installer-python:/opt/conda' && x.confidence === 'low'));
  });

  test('the Python comes from the installer\'s name when it says it; run by its path as a user, it goes to ~/miniconda3', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile('USER app', 'WORKDIR /home/app', 'RUN wget -q https://repo.anaconda.com/miniconda/Miniconda3-py310_24.1.2-0-Linux-x86_64.sh && chmod +x Miniconda3-py310_24.1.2-0-Linux-x86_64.sh && ./Miniconda3-py310_24.1.2-0-Linux-x86_64.sh -b') });
    const env = a.image.pythons.find((e) => e.binDir === '/home/app/miniconda3');
    assert.equal(env?.sitePackages, '/home/app/miniconda3/lib/python3.10/site-packages');
    assert.deepEqual([a.image.fs.get('/home/app/miniconda3')?.uid, a.image.fs.get('/home/app/miniconda3/.nonadmin')?.kind, a.image.fs.get('/home/app/.conda')?.uid], [1000, 'file', 1000]);
  });

  test('a user may not create /opt/conda: mkdir -p fails, then the installer says so; a file there: File exists', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile(`RUN ${get('/tmp/miniforge.sh')} && chmod 644 /tmp/miniforge.sh`, 'USER app', 'RUN bash /tmp/miniforge.sh -b -p /opt/conda') });
    assert.deepEqual(a.sim.failures.map((f) => [f.line, f.kind, f.message]), [[6, 'permission', "mkdir: cannot create directory '/opt/conda': Permission denied\nERROR: Could not create directory: '/opt/conda'."]]);
    const f = analyze({ file: 'Dockerfile', text: dockerfile(`RUN ${get('/tmp/miniconda.sh')} && touch /opt/conda && bash /tmp/miniconda.sh -b -f -p /opt/conda`) });
    assert.equal(f.sim.failures[0]?.message, "mkdir: cannot create directory '/opt/conda': File exists\nERROR: Could not create directory: '/opt/conda'.");
  });

  test('a prefix that exists stops it unless -u or -f (a build failure of its own, not an account conflict); -u as a user on root\'s prefix is refused', () => {
    const exists = analyze({ file: 'Dockerfile', text: dockerfile(`RUN ${get('/tmp/miniconda.sh')} && mkdir -p /opt/conda && bash /tmp/miniconda.sh -b -p /opt/conda`) });
    assert.deepEqual(exists.sim.failures.map((f) => [f.kind, f.message.split('\n')[0]]), [['other', "ERROR: File or directory already exists: '/opt/conda'"]]);
    assert.ok(exists.findings.some((x) => x.ruleId === 'UID604'));
    const forced = analyze({ file: 'Dockerfile', text: dockerfile(`RUN ${get('/tmp/miniconda.sh')} && mkdir -p /opt/conda && bash /tmp/miniconda.sh -b -f -p /opt/conda`) });
    assert.deepEqual([forced.sim.failures, forced.image.condaPrefix], [[], '/opt/conda']);
    const update = analyze({ file: 'Dockerfile', text: dockerfile(`RUN ${get('/tmp/miniconda.sh')} && chmod 644 /tmp/miniconda.sh && mkdir -p /opt/conda`, 'USER app', 'RUN bash /tmp/miniconda.sh -b -u -p /opt/conda') });
    assert.deepEqual(update.sim.failures.map((x) => [x.kind, x.message]), [['permission', '/tmp/miniconda.sh: cannot create /opt/conda/_conda: Permission denied']]);
  });

  test('an installer that is not there: bash and dash say so in their words; -p without a value; without -b it is noted', () => {
    const bash = analyze({ file: 'Dockerfile', text: dockerfile('RUN bash /tmp/Miniconda3-latest-Linux-x86_64.sh -b -p /opt/conda') });
    assert.deepEqual(bash.sim.failures.map((f) => f.message), ['bash: /tmp/Miniconda3-latest-Linux-x86_64.sh: No such file or directory']);
    const dash = analyze({ file: 'Dockerfile', text: dockerfile('RUN sh /tmp/miniconda.sh -b') });
    assert.deepEqual(dash.sim.failures.map((f) => f.message), ['sh: 0: cannot open /tmp/miniconda.sh: No such file']);
    const noValue = analyze({ file: 'Dockerfile', text: dockerfile(`RUN ${get('/tmp/miniconda.sh')} && bash /tmp/miniconda.sh -b -p`) });
    assert.deepEqual(noValue.sim.failures.map((f) => f.message), ["ERROR: did not recognize option '?', please try -h"]);
    const asked = analyze({ file: 'Dockerfile', text: dockerfile('RUN wget -q https://repo.anaconda.com/archive/Anaconda3-2024.10-1-Linux-x86_64.sh && bash Anaconda3-2024.10-1-Linux-x86_64.sh') });
    assert.ok(asked.unknowns.some((u) => u.reason === 'Anaconda3-2024.10-1-Linux-x86_64.sh without -b asks for the license and the folder on its input: what it does is not followed'));
  });

  test('conda is the installation found on PATH: a user\'s own Miniforge over root\'s Miniconda', () => {
    const a = analyze({ file: 'Dockerfile', text: dockerfile(
      `RUN ${get('/tmp/Miniconda3.sh')} && chmod 644 /tmp/Miniconda3.sh && bash /tmp/Miniconda3.sh -b -p /opt/conda`,
      'USER app',
      'RUN wget -q -O /tmp/Miniforge3-x.sh https://github.com/conda-forge/miniforge/releases/latest/download/Miniforge3-Linux-x86_64.sh && bash /tmp/Miniforge3-x.sh -b',
      'ENV PATH=/home/app/miniforge3/bin:$PATH',
      'RUN conda install -y numpy && conda create -y -n mine python=3.11',
    ) });
    assert.deepEqual(a.sim.failures, []);
    assert.equal(a.image.fs.get('/home/app/miniforge3/envs/mine')?.uid, 1000);
    // Miniforge brings mamba; Miniconda does not.
    assert.deepEqual([a.image.fs.has('/home/app/miniforge3/bin/mamba'), a.image.fs.has('/opt/conda/bin/mamba')], [true, false]);
  });
});


describe('conda env create -f FILE, then conda run -n NAME', () => {
  test('the environment whose name is in the file is taken to exist: the steps under it are followed, with a note', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM continuumio/miniconda3:24.7.1-0\nRUN conda env create -f /tmp/environment.yml\nSHELL ["conda", "run", "-n", "ml", "/bin/bash", "-c"]\nRUN useradd -m -u 1000 dev\nUSER dev\n' });
    assert.equal(a.runtime.process.userName, 'dev');
    // Said once, as an assumption, not as a step the model did not follow.
    assert.deepEqual(a.assumptions.filter((x) => x.id === 'conda-env:/opt/conda/envs/ml').map((x) => [x.line, x.text, x.confidence]), [[4, 'the conda environment ml is taken to exist at /opt/conda/envs/ml, in a folder whose contents are not all known', 'medium']]);
    assert.ok(!a.unknowns.some((u) => u.reason.includes('taken to exist') || u.reason.includes('not known to exist')));
  });
});

describe('get-pip.py, piped or by an older python3.X', () => {
  const base = 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3 curl\n';
  test('`curl .../get-pip.py | python3` runs a script the model does not read: pip is then not taken as missing', () => {
    const a = analyze({ file: 'Dockerfile', text: `${base}RUN curl -sS https://bootstrap.pypa.io/get-pip.py | python3\nRUN python3 -m pip install requests\n` });
    assert.deepEqual(a.sim.failures, []);
    assert.ok(a.unknowns.some((u) => u.line === 3 && u.reason === 'python3 runs a script from its input, which the model does not read'));
    // Without it, Ubuntu's python3 has no pip (measured on Debian: failures/no-pip).
    const b = analyze({ file: 'Dockerfile', text: `${base}RUN python3 -m pip install requests\n` });
    assert.ok(b.sim.failures[0]?.message.includes('No module named pip'));
  });

  test('python3.6 and python3.7 are the same Python handler as the newer ones', () => {
    const a = analyze({ file: 'Dockerfile', text: `${base}RUN python3.6 /tmp/get-pip.py\nRUN pip install requests\n` });
    assert.deepEqual(a.sim.failures, []);
    assert.ok(a.unknowns.some((u) => u.reason === 'python3.6 runs /tmp/get-pip.py, which the model does not read'));
  });
});

describe('conda by name is found only on PATH', () => {
  test('after an installer run with -b and no ENV PATH, and on a base without conda, conda is not found', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y wget && wget -q -O /tmp/miniconda.sh https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh && bash /tmp/miniconda.sh -b -p /opt/conda\nRUN conda install -y numpy\n' });
    assert.deepEqual(a.sim.failures.map((f) => [f.line, f.message]), [[3, '/bin/sh: 1: conda: not found']]);
    // By its path it runs; with its bin on PATH too.
    const byPath = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y wget && wget -q -O /tmp/miniconda.sh https://x/Miniconda3.sh && bash /tmp/miniconda.sh -b -p /opt/conda\nRUN /opt/conda/bin/conda install -y numpy\nENV PATH=/opt/conda/bin:$PATH\nRUN conda install -y scipy\n' });
    assert.deepEqual(byPath.sim.failures, []);
    assert.deepEqual(analyze({ file: 'Dockerfile', text: 'FROM ubuntu:22.04\nRUN conda install -y numpy\n' }).sim.failures.map((f) => f.message), ['/bin/sh: 1: conda: not found']);
    assert.deepEqual(analyze({ file: 'Dockerfile', text: 'FROM continuumio/miniconda3:24.7.1-0\nRUN conda install -y numpy\n' }).sim.failures, []);
  });

  test('with only a conda environment\'s bin on PATH, conda is not certainly missing: conda before 4.4 linked itself there', () => {
    // Found in a public Dockerfile (Miniconda3-4.2.12, then ENV PATH=/opt/conda/envs/NAME/bin:$PATH).
    const install = 'RUN apt-get update && apt-get install -y wget && wget -q -O /tmp/miniconda.sh https://x/Miniconda3-4.2.12-Linux-x86_64.sh && bash /tmp/miniconda.sh -b -p /opt/conda && /opt/conda/bin/conda create -y --name py35 python=3.5.2 numpy';
    const a = analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${install}\nENV PATH=/opt/conda/envs/py35/bin:$PATH\nRUN conda install --name py35 -y scipy\n` });
    assert.deepEqual(a.sim.failures, []);
    const note = a.unknowns.find((u) => u.line === 4);
    assert.equal(note?.reason, 'conda is on PATH only if it is in /opt/conda/envs/py35/bin, the bin folder of a conda environment: conda before 4.4 linked itself there, later releases do not');
    assert.deepEqual(note?.paths, ['/opt/conda/envs/py35/bin']);
    // Without the environment on PATH it is still not found.
    const none = analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${install}\nRUN conda install --name py35 -y scipy\n` });
    assert.deepEqual(none.sim.failures.map((f) => [f.line, f.message]), [[3, '/bin/sh: 1: conda: not found']]);
  });

  test('micromamba and mamba likewise; a SHELL through conda run with no conda stops each RUN at runc', () => {
    const failures = (text: string) => analyze({ file: 'Dockerfile', text }).sim.failures.map((f) => [f.line, f.message]);
    assert.deepEqual(failures('FROM debian:bookworm\nRUN micromamba install -y -n base numpy\n'), [[2, '/bin/sh: 1: micromamba: not found']]);
    assert.deepEqual(failures('FROM debian:bookworm\nSHELL ["conda", "run", "-n", "ml", "/bin/bash", "-c"]\nRUN python -c 1\n'), [
      [3, 'runc run failed: unable to start container process: exec: "conda": executable file not found in $PATH'],
    ]);
    // buildah ignores SHELL in its default OCI format: /bin/sh runs the step.
    const buildah = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nSHELL ["conda", "run", "-n", "ml", "/bin/bash", "-c"]\nRUN python -c 1\n', builder: 'buildah' });
    assert.deepEqual(buildah.sim.failures.map((f) => f.message), ['/bin/sh: 1: python: not found']);
    assert.deepEqual(failures('FROM continuumio/miniconda3:24.7.1-0\nSHELL ["conda", "run", "-n", "base", "/bin/bash", "-c"]\nRUN python -c 1\n'), []);
  });
});

describe('a missing program in the words of what looks it up', () => {
  const failures = (text: string) => analyze({ file: 'Dockerfile', text }).sim.failures.map((f) => f.message);
  test('env says it itself (coreutils, measured: failures/env-no-python3; BusyBox); bash names the line (failures/bash-c-no-python3)', () => {
    assert.deepEqual(failures('FROM debian:bookworm\nRUN env PYTHONUNBUFFERED=1 python3 -c 1\n'), ["env: 'python3': No such file or directory"]);
    assert.deepEqual(failures('FROM debian:bookworm\nRUN /usr/bin/env python -c 1\n'), ["/usr/bin/env: 'python': No such file or directory"]);
    assert.deepEqual(failures('FROM debian:bookworm\nRUN bash -c "python3 -c 1"\n'), ['bash: line 1: python3: command not found']);
    assert.deepEqual(failures('FROM debian:bookworm\nSHELL ["/bin/bash", "-c"]\nRUN curl -fsSLO https://example.com/x\n'), ['/bin/bash: line 1: curl: command not found']);
    // dash names the line of a multi-line script it runs.
    assert.deepEqual(failures('FROM debian:bookworm\nRUN <<EOF\nset -e\ncurl -fsSLO https://example.com/x\nEOF\n'), ['/bin/sh: 2: curl: not found']);
    // BusyBox env (Alpine) by its applet name (libbb/executable.c).
    assert.deepEqual(failures('FROM alpine:3.19\nRUN env python3 -c 1\n'), ["env: can't execute 'python3': No such file or directory"]);
  });
});

describe('what the plain Debian and Ubuntu images lack, and what packages bring', () => {
  test('curl, wget and git are not found until installed (measured: failures/no-curl); a python3-* library brings python3', () => {
    const none = analyze({ file: 'Dockerfile', text: 'FROM ubuntu:22.04\nRUN wget -q https://example.com/x.tar.gz -O /tmp/x.tar.gz\n' });
    assert.deepEqual(none.sim.failures.map((f) => f.message), ['/bin/sh: 1: wget: not found']);
    const installed = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl git && curl -fsSLO https://example.com/y && git clone https://example.com/r.git /src\n' });
    assert.deepEqual(installed.sim.failures, []);
    // Other bases are not judged: python:3.11 has curl and git (buildpack-deps).
    assert.deepEqual(analyze({ file: 'Dockerfile', text: 'FROM python:3.11\nRUN curl -fsSLO https://example.com/y\n' }).sim.failures, []);
    const lib = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-numpy && python3 -c "print(1)"\n' });
    assert.deepEqual(lib.sim.failures, []);
  });

  test('a script a shell cannot open: not there, or not readable for the user (measured: bash 126, dash 2)', () => {
    const text = (run: string) => `FROM debian:bookworm\nRUN useradd -m u && echo 'echo hi' > /tmp/s.sh && chmod 600 /tmp/s.sh\nUSER u\nRUN ${run}\n`;
    assert.deepEqual(analyze({ file: 'Dockerfile', text: text('bash /tmp/s.sh') }).sim.failures.map((f) => [f.message, f.kind]), [['bash: /tmp/s.sh: Permission denied', 'permission']]);
    assert.deepEqual(analyze({ file: 'Dockerfile', text: text('sh /tmp/s.sh') }).sim.failures.map((f) => f.message), ['sh: 0: cannot open /tmp/s.sh: Permission denied']);
    assert.deepEqual(analyze({ file: 'Dockerfile', text: text('sh /tmp/none.sh') }).sim.failures.map((f) => f.message), ['sh: 0: cannot open /tmp/none.sh: No such file']);
    // `bash -` reads standard input; a script in a folder a guessed COPY filled may be there.
    const dash = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && curl -fsSL https://deb.nodesource.com/setup_20.x | bash -\n' });
    assert.deepEqual([dash.sim.failures, dash.unknowns.map((u) => u.reason)], [[], ['the script bash reads from its input is not known']]);
    const guessed = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nCOPY scripts/installers /tmp/b/scripts/installers/\nRUN /bin/bash /tmp/b/scripts/installers/install.sh\n' });
    assert.deepEqual(guessed.sim.failures, []);
    // An installer ADD gave mode 0600 (root's): the user's shell cannot read it either.
    const add = analyze({ file: 'Dockerfile', text: 'FROM ubuntu:22.04\nRUN useradd -m u\nADD https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh /tmp/\nUSER u\nRUN bash /tmp/Miniconda3-latest-Linux-x86_64.sh -b\n' });
    assert.deepEqual(add.sim.failures.map((f) => f.message), ['bash: /tmp/Miniconda3-latest-Linux-x86_64.sh: Permission denied']);
  });
});

describe('pip install locations and configuration (measured: tests/oracle/scenarios/pip-more.yaml)', () => {
  const APT = 'RUN apt-get update && apt-get install -y --no-install-recommends python3-pip python3-venv python3-setuptools python3-wheel sudo\nRUN useradd -m -u 1000 app && useradd -m -u 1001 bob\n';
  const SETUP = `printf 'from setuptools import setup\\nsetup(name="pkg", version="0.1", packages=["pkg"], entry_points={"console_scripts": ["pkgtool=pkg:main"]})\\n'`;
  const proj = (dir: string) => `RUN mkdir -p ${dir}/pkg && touch ${dir}/pkg/__init__.py && ${SETUP} > ${dir}/setup.py`;
  const build = (...lines: string[]) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${APT}${lines.join('\n')}\n` });
  const failures = (a: ReturnType<typeof analyze>) => a.sim.target.failures.map((f) => [f.line, f.message]);
  const meta = (a: ReturnType<typeof analyze>, p: string) => {
    const m = a.image.fs.get(p);
    return m && [m.kind, m.uid, m.gid, m.mode];
  };

  test('a local project leaves its package and console script, and no ~/.cache with --no-index (pip-more/user-site-*)', () => {
    const a = build('USER app', proj('/home/app/proj'), 'RUN pip install --user --break-system-packages --no-index --no-build-isolation /home/app/proj');
    assert.deepEqual(failures(a), []);
    assert.deepEqual(meta(a, '/home/app/.local/bin/pkgtool'), ['file', 1000, 1000, 0o755]);
    assert.deepEqual(meta(a, '/home/app/.local/lib/python3.11/site-packages/pkg'), ['dir', 1000, 1000, 0o755]);
    assert.equal(a.image.fs.get('/home/app/.cache'), undefined);
    // From an index, pip caches what it downloads.
    const b = build('USER app', 'RUN pip install --user --break-system-packages requests');
    assert.deepEqual(meta(b, '/home/app/.cache/pip'), ['dir', 1000, 1000, 0o755]);
  });

  test('a setup.py the model cannot read: the bin and site-packages folders list in part', () => {
    const a = build('USER app', 'RUN mkdir -p /home/app/proj && cat /etc/hostname > /home/app/proj/setup.py', 'RUN pip install --user --break-system-packages /home/app/proj');
    assert.equal(a.image.fs.get('/home/app/.local')?.partial, true);
    assert.equal(a.image.fs.get('/home/app/.local/lib/python3.11/site-packages')?.partial, true);
  });

  test('PYTHONUSERBASE moves the user install; one app cannot create stops it (pip-more/pythonuserbase-*)', () => {
    const denied = build('ENV PYTHONUSERBASE=/opt/pyuser', 'USER app', proj('/home/app/proj'), 'RUN pip install --user --break-system-packages --no-index /home/app/proj');
    assert.deepEqual(failures(denied), [[7, "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/opt/pyuser'\nCheck the permissions."]]);
    const own = build('RUN mkdir /opt/pyuser && chown app:app /opt/pyuser', 'ENV PYTHONUSERBASE=/opt/pyuser', 'USER app', proj('/home/app/proj'), 'RUN pip install --user --break-system-packages --no-index /home/app/proj');
    assert.deepEqual(failures(own), []);
    assert.deepEqual(meta(own, '/opt/pyuser/lib/python3.11/site-packages/pkg'), ['dir', 1000, 1000, 0o755]);
    assert.deepEqual(meta(own, '/opt/pyuser/bin/pkgtool'), ['file', 1000, 1000, 0o755]);
    assert.equal(own.image.fs.get('/home/app/.local'), undefined);
  });

  test('a plain install falls back into PYTHONUSERBASE, or fails there (pip-more/pythonuserbase-fallback*)', () => {
    const env = 'ENV PYTHONUSERBASE=/opt/pyuser PIP_BREAK_SYSTEM_PACKAGES=1';
    const own = build('RUN mkdir /opt/pyuser && chown app:app /opt/pyuser', env, 'USER app', proj('/home/app/proj'), 'RUN pip install --no-index /home/app/proj');
    assert.deepEqual(failures(own), []);
    assert.deepEqual(meta(own, '/opt/pyuser/lib/python3.11/site-packages/pkg'), ['dir', 1000, 1000, 0o755]);
    assert.deepEqual(meta(own, '/opt/pyuser/bin/pkgtool'), ['file', 1000, 1000, 0o755]);
    assert.equal(own.image.fs.get('/home/app/.local'), undefined);
    const denied = build(env, 'USER app', proj('/home/app/proj'), 'RUN pip install --no-index /home/app/proj');
    assert.deepEqual(failures(denied), [[7, "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/opt/pyuser'\nCheck the permissions."]]);
  });

  test('a relative PYTHONUSERBASE counts from the working folder of the step (pip-more/pythonuserbase-relative)', () => {
    const a = build(
      'USER app', proj('/home/app/proj'), 'RUN mkdir /home/app/work', 'WORKDIR /home/app/work', 'ENV PYTHONUSERBASE=pyuser PIP_BREAK_SYSTEM_PACKAGES=1',
      'RUN pip install --user --no-index /home/app/proj',
      'RUN cd /home/app && PYTHONUSERBASE=ub pip install --user --no-index /home/app/proj',
    );
    assert.deepEqual(failures(a), []);
    assert.deepEqual(meta(a, '/home/app/work/pyuser/lib/python3.11/site-packages/pkg'), ['dir', 1000, 1000, 0o755]);
    assert.deepEqual(meta(a, '/home/app/work/pyuser/bin/pkgtool'), ['file', 1000, 1000, 0o755]);
    assert.deepEqual(meta(a, '/home/app/ub/lib/python3.11/site-packages/pkg'), ['dir', 1000, 1000, 0o755]);
    assert.equal(a.image.fs.get('/home/app/.local'), undefined);
    assert.equal(a.image.fs.get('/pyuser'), undefined);
  });

  test('--prefix follows Debian\'s posix_local scheme, --root puts the usual place under R (pip-more/prefix-debian-local, root-as-user)', () => {
    const a = build('USER app', proj('/home/app/proj'), 'RUN pip install --prefix /home/app/pfx --no-index /home/app/proj && pip install --root /home/app/r --no-index /home/app/proj');
    assert.deepEqual(failures(a), []);
    assert.deepEqual(meta(a, '/home/app/pfx/local/lib/python3.11/dist-packages/pkg'), ['dir', 1000, 1000, 0o755]);
    assert.deepEqual(meta(a, '/home/app/pfx/local/bin/pkgtool'), ['file', 1000, 1000, 0o755]);
    assert.equal(a.image.fs.get('/home/app/pfx/lib'), undefined);
    assert.deepEqual(meta(a, '/home/app/r/usr/local/lib/python3.11/dist-packages/pkg'), ['dir', 1000, 1000, 0o755]);
    assert.deepEqual(meta(a, '/home/app/r/usr/local/bin/pkgtool'), ['file', 1000, 1000, 0o755]);
    assert.equal(a.image.fs.get('/home/app/.local'), undefined);
    const both = build('USER app', 'RUN pip install --user --prefix /tmp/p x');
    assert.deepEqual(failures(both), [[5, "ERROR: Can not combine '--user' and '--prefix' as they imply different installation locations"]]);
  });

  test('a venv with --system-site-packages keeps the user site (pip-more/system-site-*)', () => {
    for (const flag of ['--user ', '']) {
      const a = build('RUN python3 -m venv --system-site-packages /opt/venv', 'USER app', proj('/tmp/proj'), `RUN /opt/venv/bin/pip install ${flag}--no-index /tmp/proj`);
      assert.deepEqual(failures(a), [], flag);
      assert.deepEqual(meta(a, '/home/app/.local/lib/python3.11/site-packages/pkg'), ['dir', 1000, 1000, 0o755]);
    }
    const plain = build('RUN python3 -m venv /opt/venv', 'USER app', 'RUN /opt/venv/bin/pip install --user x');
    assert.deepEqual(failures(plain), [[6, "ERROR: Can not perform a '--user' install. User site-packages are not visible in this virtualenv."]]);
  });

  test('a local setup.py project in a folder the user may not write fails its build (pip-more/root-owned-project)', () => {
    const a = build(proj('/src/proj'), 'USER app', 'RUN pip install --user --break-system-packages --no-index /src/proj');
    assert.deepEqual(failures(a), [[6, [
      "error: could not create 'build': Permission denied", 'error: legacy-install-failure', '', '× Encountered error while trying to install package.',
      '╰─> pkg', '', 'note: This is an issue with the package mentioned above, not pip.', 'hint: See above for output from the failure.',
    ].join('\n')]]);
    // With a pyproject.toml the build is not judged (PEP 517).
    const b = build(proj('/src/proj'), 'RUN touch /src/proj/pyproject.toml', 'USER app', 'RUN pip install --user --break-system-packages --no-index /src/proj');
    assert.deepEqual(failures(b), []);
  });

  test('the venv\'s own pip has no wheel: a setup.py project it may not install is a legacy-install-failure (pip-more/venv-other-owner-legacy)', () => {
    const a = build('RUN python3 -m venv /opt/venv', 'USER app', proj('/tmp/proj'), 'RUN /opt/venv/bin/pip install --no-index /tmp/proj');
    assert.deepEqual(failures(a).map(([l, m]) => [l, String(m).split('\n').slice(0, 2)]), [[7, [
      "error: could not create '/opt/venv/lib/python3.11/site-packages': Permission denied", 'error: legacy-install-failure',
    ]]]);
  });

  test('pip.conf: names with _, only [global] and [install], PIP_CONFIG_FILE, XDG_CONFIG_HOME, strtobool (pip-more/conf-*)', () => {
    const install = 'RUN pip install --user --no-index x';
    const ok = (...lines: string[]) => assert.deepEqual(failures(build(...lines, 'USER app', install)), [], lines.join(' | '));
    const managed = (...lines: string[]) => assert.deepEqual(failures(build(...lines, 'USER app', install)).map(([, m]) => String(m).split('\n')[0]), ['error: externally-managed-environment'], lines.join(' | '));
    ok("RUN printf '[global]\\nbreak_system_packages = true\\n' > /etc/pip.conf");
    ok("RUN printf '[install]\\nBreak-System-Packages: on\\n' > /etc/pip.conf");
    managed("RUN printf '[freeze]\\nbreak-system-packages = true\\n' > /etc/pip.conf");
    managed("RUN printf '[global]\\nbreak-system-packages = true\\n[install]\\nbreak-system-packages = no\\n' > /etc/pip.conf");
    ok("RUN printf '[global]\\nbreak-system-packages = true\\n' > /opt/pip.conf", 'ENV PIP_CONFIG_FILE=/opt/pip.conf');
    managed("RUN printf '[global]\\nbreak-system-packages = true\\n' > /etc/pip.conf", 'ENV PIP_CONFIG_FILE=/dev/null');
    for (const v of ['t', 'y', 'on', '1', 'yes', 'TRUE']) ok(`ENV PIP_BREAK_SYSTEM_PACKAGES=${v}`);
    managed('ENV PIP_BREAK_SYSTEM_PACKAGES=f');
    ok('ENV XDG_CONFIG_HOME=/home/app/cfg', "RUN mkdir -p /home/app/cfg/pip && printf '[global]\\nbreak-system-packages = true\\n' > /home/app/cfg/pip/pip.conf");
    const bad = build('ENV PIP_BREAK_SYSTEM_PACKAGES=maybe', 'USER app', install);
    assert.deepEqual(failures(bad), [[6, 'ERROR: maybe is not a valid value for break-system-packages option, please specify a boolean value like yes/no, true/false or 1/0 instead.']]);
  });

  test('pip.conf [install] target and user (pip-more/conf-user-target, conf-user-venv)', () => {
    const target = build("RUN printf '[install]\\ntarget = /opt/site\\n' > /etc/pip.conf", 'USER app', 'RUN pip install --no-index x');
    assert.deepEqual(failures(target), [[6, "ERROR: Exception:\nTraceback (most recent call last):\nPermissionError: [Errno 13] Permission denied: '/opt/site'"]]);
    const user = build("RUN python3 -m venv /opt/venv && printf '[install]\\nuser = true\\n' > /etc/pip.conf", 'RUN /opt/venv/bin/pip install --no-index x');
    assert.deepEqual(failures(user), [[5, "ERROR: Can not perform a '--user' install. User site-packages are not visible in this virtualenv."]]);
    // PIP_USER=0 is an explicit no: no fall-back to the user site (pip's decide_user_install).
    const no = build('ENV PIP_USER=0 PIP_BREAK_SYSTEM_PACKAGES=1', 'USER app', 'RUN pip install --no-cache-dir x');
    assert.deepEqual(failures(no), [[6, "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/usr/local/lib/python3.11/dist-packages/x'\nConsider using the `--user` option or check the permissions."]]);
  });

  test('general options before the command: pip --no-cache-dir install', () => {
    const a = build('USER app', 'RUN pip --no-cache-dir install --user --break-system-packages requests && pip --cache-dir /tmp/c install --user --break-system-packages x');
    assert.deepEqual(failures(a), []);
    assert.equal(a.image.fs.get('/home/app/.cache'), undefined);
    assert.deepEqual(meta(a, '/tmp/c'), ['dir', 1000, 1000, 0o755]);
  });
});

describe('a local package file (apt-get install ./x.deb, dpkg -i) may add accounts', () => {
  // Found in a public Dockerfile: odoo's .deb adds the user odoo, then `chown odoo` and USER odoo.
  const text = (install: string) => `FROM debian:bookworm\nCOPY odoo.deb /tmp/odoo.deb\nRUN ${install}\nRUN chown odoo /etc/hostname\nUSER odoo\n`;
  for (const install of ['apt-get install -y /tmp/odoo.deb', 'dpkg -i /tmp/odoo.deb']) {
    test(`${install}: the chown and USER that need its user are warnings naming that step`, () => {
      const a = analyze({ file: 'Dockerfile', text: text(install) });
      const uid602 = a.findings.find((f) => f.ruleId === 'UID602');
      const uid104 = a.findings.find((f) => f.ruleId === 'UID104');
      assert.deepEqual([uid602?.severity, uid602?.dependsOn], ['warning', ['unmodelled:3']]);
      assert.deepEqual([uid104?.severity, uid104?.message], ['warning', 'The container will not start: unable to find user odoo: no matching entries in passwd file (unless the step at line 3, which the model does not follow, adds it).']);
    });
  }

  test('a package from the archive the model knows adds none it does not know: the chown fails for certain', () => {
    const a = analyze({ file: 'Dockerfile', text: text('apt-get install -y curl') });
    assert.equal(a.findings.find((f) => f.ruleId === 'UID602')?.severity, 'error');
  });
});

describe('packages from a repository the build adds may install into /opt', () => {
  // Found in a public Dockerfile: Apache's couchdb package makes /opt/couchdb.
  const text = (source: string) => `FROM debian:bookworm\nRUN ${source}apt-get update && apt-get install -y couchdb && rm /opt/couchdb/data\n`;
  for (const [name, source] of [
    ['a list written with tee', 'echo "deb https://example.invalid/couchdb bookworm main" | tee /etc/apt/sources.list.d/couchdb.list && '],
    ['a list written with a redirection', 'echo "deb https://example.invalid/couchdb bookworm main" > /etc/apt/sources.list.d/couchdb.list && '],
  ]) {
    test(`${name}: /opt lists in part, so a path there is no certain failure`, () => {
      const a = analyze({ file: 'Dockerfile', text: text(source) });
      assert.deepEqual(a.sim.failures, []);
      assert.equal(a.image.fs.get('/opt')?.partial, true);
    });
  }

  test('Debian\'s own packages do not: /opt stays known and the rm fails', () => {
    const a = analyze({ file: 'Dockerfile', text: text('') });
    assert.deepEqual(a.sim.failures.map((f) => f.message), ["rm: cannot remove '/opt/couchdb/data': No such file or directory"]);
  });
});

describe("adduser's `NAME' does not exist, after a package that bears the name", () => {
  test('the failure is a warning resting on that package (its install script is not modelled)', () => {
    // Found in a public Dockerfile: apt-get install clamav, then adduser clamav amavis.
    const a = analyze({ file: 'Dockerfile', text: 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y clamav\nRUN addgroup --system amavis && adduser clamav amavis\n' });
    const f = a.findings.find((x) => x.ruleId === 'UID602');
    assert.deepEqual([f?.severity, f?.dependsOn], ['warning', ['package:clamav']]);
    assert.match(f?.message ?? '', /^The build fails here: adduser: The user `clamav' does not exist\. \(unless the package clamav installed at line 2 adds it\)$/);
  });
});
