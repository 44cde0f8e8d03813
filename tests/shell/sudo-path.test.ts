// Which PATH a command gets, and which program it finds, through login shells and sudo. Values
// as Debian 12 gave them (base-files 12.4, bash 5.2, dash 0.5.12, util-linux su 2.38, sudo
// 1.9.13p3), measured in tests/oracle/scenarios/sudo-path.yaml.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refreshDerived } from '../../src/shell/commands/config.js';
import { SUDOERS } from '../../src/shell/commands/packages.js';
import { DEBIAN_PROFILE } from '../../src/shell/profile.js';
import { runScript } from '../../src/shell/interpret.js';
import { as, image, meta, run } from './run-fixture.js';

const ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const USER_PATH = '/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games';
const CONDA_PATH = `/opt/conda/bin:${ROOT_PATH}`;

/**
 * The fixture as debian:bookworm from the catalog: Debian's /etc/profile, an empty
 * /etc/profile.d, Debian's sudoers with alice's rule, and a stand-in conda in /opt/conda/bin
 * (on no folder of the login PATH, nor of secure_path).
 */
function debian(rule = 'alice ALL=(ALL) NOPASSWD: ALL\n') {
  const s = image();
  s.base = 'debian:bookworm';
  s.provenance = [{ source: 'catalog', ref: 'debian:bookworm' }];
  s.fs.set('/etc/profile', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
  s.fs.set('/etc/profile.d', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
  s.fs.set('/opt/conda/bin/conda', { kind: 'file', uid: 0, gid: 0, mode: 0o755 });
  s.fs.set('/usr/bin/mkdir', { kind: 'file', uid: 0, gid: 0, mode: 0o755 });
  s.texts['/etc/sudoers'] = { content: SUDOERS.debian };
  s.fs.set('/etc/sudoers.d/alice', { kind: 'file', uid: 0, gid: 0, mode: 0o440 });
  s.texts['/etc/sudoers.d/alice'] = { content: rule };
  refreshDerived(s);
  return s;
}

/** A sudoers.d file of more settings. */
function withDefaults(s: ReturnType<typeof image>, text: string) {
  s.fs.set('/etc/sudoers.d/zz', { kind: 'file', uid: 0, gid: 0, mode: 0o440 });
  s.texts['/etc/sudoers.d/zz'] = { content: text };
  refreshDerived(s);
  return s;
}

/** The PATH the command of a RUN line sees, as `test` compares it. */
const pathIs = (p: string) => `'test "$PATH" = ${p}'`;

describe("Debian's /etc/profile resets PATH for login shells", () => {
  test('the text is the base image\'s, with its root test', () => {
    assert.match(DEBIAN_PROFILE, /^if \[ "\$\(id -u\)" -eq 0 \]; then\n {2}PATH="\/usr\/local\/sbin:\/usr\/local\/bin:\/usr\/sbin:\/usr\/bin:\/sbin:\/bin"\nelse\n {2}PATH="\/usr\/local\/bin:\/usr\/bin:\/bin:\/usr\/local\/games:\/usr\/games"\nfi\nexport PATH$/m);
  });

  test('bash -lc as root and as alice: the profile\'s PATH, not ENV PATH; bash -c keeps it (measured: sudo-path/login-path-values)', () => {
    const s = debian();
    assert.equal(run(s, `PATH=/opt/conda/bin:$PATH; bash -lc ${pathIs(ROOT_PATH)}`).status, 0);
    assert.equal(run(s, `PATH=/opt/conda/bin:$PATH; bash -c ${pathIs(CONDA_PATH)}`).status, 0);
    assert.equal(run(s, `PATH=/opt/conda/bin:$PATH; bash -lc ${pathIs(USER_PATH)}`, 'alice').status, 0);
  });

  test('conda on ENV PATH only: bash -lc does not find it (measured: sudo-path/bash-login-root-conda)', () => {
    const s = debian();
    const out = run(s, "PATH=/opt/conda/bin:$PATH; bash -c 'conda --version' && bash -lc 'conda --version'");
    assert.deepEqual([out.status, out.stderr], [127, ['bash: line 1: conda: command not found']]);
  });

  test('su - and su - USER: the login shell is "-bash" in its words (measured: sudo-path/su-login-conda, su-login-root-conda)', () => {
    const s = debian();
    assert.equal(run(s, "PATH=/opt/conda/bin:$PATH; su alice -c 'conda --version'").status, 0);
    const user = run(s, "PATH=/opt/conda/bin:$PATH; su - alice -c 'conda --version'");
    assert.deepEqual([user.status, user.stderr], [127, ['-bash: line 1: conda: command not found']]);
    const root = run(s, "PATH=/opt/conda/bin:$PATH; su - -c 'conda --version'");
    assert.deepEqual([root.status, root.stderr], [127, ['-bash: line 1: conda: command not found']]);
    // A dash login shell: "-sh: 1: ...".
    s.accounts.passwd.find((e) => e.name === 'bob')!.shell = '/bin/sh';
    const dash = run(s, "PATH=/opt/conda/bin:$PATH; su - bob -c 'conda --version'");
    assert.deepEqual([dash.status, dash.stderr], [127, ['-sh: 1: conda: not found']]);
  });

  test('a line appended to the profile runs after the reset (measured: sudo-path/profile-appended-after-reset)', () => {
    const s = debian();
    assert.equal(run(s, "echo 'export PATH=/opt/conda/bin:$PATH' >> /etc/profile").status, 0);
    assert.equal(s.texts['/etc/profile']?.content, `${DEBIAN_PROFILE}export PATH=/opt/conda/bin:$PATH\n`);
    assert.equal(run(s, `bash -lc ${pathIs(CONDA_PATH)}`).status, 0);
    assert.equal(run(s, `su - alice -c ${pathIs(`/opt/conda/bin:${USER_PATH}`)}`).status, 0);
  });

  test('a profile written anew, without the PATH lines, leaves PATH alone (measured: sudo-path/profile-replaced)', () => {
    const s = debian();
    assert.equal(run(s, "printf 'umask 022\\n' > /etc/profile").status, 0);
    assert.equal(run(s, `PATH=/opt/conda/bin:$PATH; bash -lc ${pathIs(CONDA_PATH)}`).status, 0);
  });

  test('a script in /etc/profile.d may add to PATH: a program not found there is not known to be missing (measured: sudo-path/profile-d-script)', () => {
    const s = debian();
    assert.equal(run(s, "printf 'export PATH=/opt/conda/bin:$PATH\\n' > /etc/profile.d/conda-path.sh").status, 0);
    const out = run(s, "su - alice -c 'conda --version'");
    assert.equal(out.status, 'unknown');
    assert.deepEqual(out.stderr, []);
  });

  test('an image built on Debian (its /etc/profile.d not known) keeps the PATH it had, as before', () => {
    const s = debian();
    s.base = 'python:3.12-slim';
    assert.equal(run(s, `PATH=/opt/conda/bin:$PATH; bash -lc 'conda --version'`).status, 0);
  });

  test('SHELL ["/bin/bash", "--login", "-c"]: every RUN gets the profile\'s PATH (measured: sudo-path/login-shell-instruction)', () => {
    const s = debian();
    const out = runScript('conda --version', {
      state: s,
      ident: as(s, 'root'),
      env: new Map([['PATH', CONDA_PATH]]),
      cwd: '/',
      builder: 'buildah',
      file: 'Dockerfile',
      line: 10,
      shell: ['/bin/bash', '--login', '-c'],
    });
    assert.deepEqual([out.status, out.stderr], [127, ['/bin/bash: line 1: conda: command not found']]);
  });
});

describe('sudo -i and sudo -s', () => {
  test("sudo -i: the target's login shell reads /etc/profile: root's PATH, bob's, whatever secure_path says (measured: sudo-path/login-path-values, sudo-i-custom-secure-path)", () => {
    const s = withDefaults(debian(), 'Defaults secure_path="/opt/conda/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n');
    s.fs.set('/home/bob', { kind: 'dir', uid: 1001, gid: 1001, mode: 0o755 });
    assert.equal(run(s, "sudo sh -c 'test \"$PATH\" = /opt/conda/bin:/usr/sbin:/usr/bin:/sbin:/bin'", 'alice').status, 0);
    assert.equal(run(s, "sudo -i sh -c 'test \"$PATH\" = /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'", 'alice').status, 0);
    assert.equal(run(s, `sudo -i -u bob sh -c 'test "$PATH" = ${USER_PATH}'`, 'alice').status, 0);
  });

  test('sudo -i conda: the login shell\'s "not found", exit 127 (measured: sudo-path/sudo-i-conda, sudo-i-user-conda)', () => {
    const s = debian();
    const out = run(s, 'PATH=/opt/conda/bin:$PATH; sudo -i conda --version', 'alice');
    assert.deepEqual([out.status, out.stderr], [127, ['-bash: line 1: conda: command not found']]);
  });

  test('sudo -s: the shell by its path, "/bin/bash: line 1: ..." (measured: sudo-path/sudo-s-conda, there with /bin/sh)', () => {
    const s = debian();
    const out = run(s, 'PATH=/opt/conda/bin:$PATH; sudo -s conda --version', 'alice');
    assert.deepEqual([out.status, out.stderr], [127, ['/bin/bash: line 1: conda: command not found']]);
  });

  test('sudo -E -i is a usage error, exit 1 (measured: sudo-path/sudo-E-with-i)', () => {
    const s = debian();
    const out = run(s, 'sudo -E -i true', 'alice');
    assert.equal(out.status, 1);
    assert.equal(out.stderr[0], 'sudo: you may not specify both the -i and -E options');
    assert.equal(out.stderr[1], 'usage: sudo -h | -K | -k | -V');
    assert.equal(out.stderr.length, 10);
    // --preserve-env=LIST with -i is allowed.
    assert.equal(run(s, 'export FOO=1; sudo --preserve-env=FOO -i true', 'alice').status, 0);
  });
});

describe('sudo -E without SETENV', () => {
  test('refused before it runs, exit 1, with -n and --preserve-env too (measured: sudo-path/E-without-setenv, preserve-env-without-setenv)', () => {
    const s = debian('alice ALL=(ALL) NOPASSWD: /usr/bin/mkdir\n');
    assert.equal(run(s, 'sudo mkdir /opt/plain', 'alice').status, 0);
    for (const line of ['sudo -E mkdir /opt/x', 'sudo -n --preserve-env mkdir /opt/x', 'sudo -E -u bob mkdir /opt/x']) {
      const out = run(s, line, 'alice');
      assert.deepEqual([out.status, out.stderr, s.fs.has('/opt/x')], [1, ['sudo: sorry, you are not allowed to preserve the environment'], false], line);
    }
  });

  test('the SETENV tag, Defaults setenv and a rule of ALL allow it (measured: sudo-path/E-with-setenv-tag)', () => {
    const tag = debian('alice ALL=(ALL) NOPASSWD:SETENV: /usr/bin/mkdir\n');
    assert.equal(run(tag, 'sudo -E mkdir /opt/by-tag', 'alice').status, 0);
    assert.equal(meta(tag, '/opt/by-tag'), 'dir 0:0 0755');
    const defaults = withDefaults(debian('alice ALL=(ALL) NOPASSWD: /usr/bin/mkdir\n'), 'Defaults:alice setenv\n');
    assert.equal(run(defaults, 'sudo -E mkdir /opt/by-defaults', 'alice').status, 0);
    assert.equal(run(debian(), 'sudo -E mkdir /opt/by-all', 'alice').status, 0);
  });

  test('a command the rule does not name asks for a password first', () => {
    const s = debian('alice ALL=(ALL) NOPASSWD: /usr/bin/mkdir\n');
    const out = run(s, 'sudo -E touch /opt/y', 'alice');
    assert.deepEqual([out.status, out.stderr.at(-1)], [1, 'sudo: a password is required']);
  });
});

describe('sudo: a command not found where sudo looks', () => {
  test('a program only on the caller\'s PATH: sudo\'s own words, exit 1 (measured: sudo-path/not-on-secure-path-conda, not-found-E-and-u, not-found-as-root)', () => {
    const s = debian();
    for (const [line, user] of [['sudo conda --version', 'alice'], ['sudo -E -u bob conda --version', 'alice'], ['sudo -n conda', 'alice'], ['sudo conda --version', 'root']]) {
      const out = run(s, `PATH=/opt/conda/bin:$PATH; ${line}`, user);
      assert.deepEqual([out.status, out.stderr], [1, ['sudo: conda: command not found']], line);
    }
    // By its path it runs.
    assert.equal(run(s, 'sudo /opt/conda/bin/conda --version', 'alice').status, 0);
  });

  test('a path to nothing (measured: sudo-path/not-found-by-path)', () => {
    const s = debian();
    const out = run(s, 'sudo /opt/venv/bin/pip --version', 'alice');
    assert.deepEqual([out.status, out.stderr], [1, ['sudo: /opt/venv/bin/pip: command not found']]);
  });

  test('a folder, or a file without an x bit, is not found either; the shell would say Permission denied (measured: sudo-path/not-executable, sudo-path/folder-as-command)', () => {
    const s = debian();
    s.fs.set('/opt/x.sh', { kind: 'file', uid: 0, gid: 0, mode: 0o644, script: true });
    s.fs.set('/opt/y.sh', { kind: 'file', uid: 0, gid: 0, mode: 0o700, script: true });
    const file = run(s, 'sudo ./x.sh', 'alice', '/opt');
    assert.deepEqual([file.status, file.stderr], [1, ['sudo: ./x.sh: command not found']]);
    const dir = run(s, 'sudo /opt', 'alice');
    assert.deepEqual([dir.status, dir.stderr], [1, ['sudo: /opt: command not found']]);
    // One x bit is enough: root's 0700 script runs.
    assert.notEqual(run(s, 'sudo /opt/y.sh', 'alice').status, 1);
  });

  test('looked up on the secure_path sudoers gives, which becomes PATH (measured: sudo-path/custom-secure-path)', () => {
    const s = withDefaults(debian(), 'Defaults secure_path="/opt/conda/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n');
    assert.equal(run(s, 'sudo conda --version', 'alice').status, 0);
    assert.equal(run(s, "sudo sh -c 'test \"$PATH\" = /opt/conda/bin:/usr/sbin:/usr/bin:/sbin:/bin'", 'alice').status, 0);
  });

  test('without secure_path, on the caller\'s PATH, which is kept (measured: sudo-path/no-secure-path)', () => {
    const s = withDefaults(debian(), 'Defaults:alice !secure_path\n');
    assert.equal(run(s, 'PATH=/opt/conda/bin:$PATH; sudo conda --version', 'alice').status, 0);
    assert.equal(run(s, `PATH=/opt/conda/bin:$PATH; sudo sh -c ${pathIs(CONDA_PATH)}`, 'alice').status, 0);
    // root still has Debian's secure_path.
    const out = run(s, 'PATH=/opt/conda/bin:$PATH; sudo conda --version', 'root');
    assert.deepEqual([out.status, out.stderr], [1, ['sudo: conda: command not found']]);
  });
});

describe("UID604 on sudo's \"command not found\": secure_path, with the program's path", () => {
  test('conda on the step PATH but not on secure_path: the fix names /opt/conda/bin/conda, and that fix builds', async () => {
    const { analyze } = await import('../../src/analyze.js');
    const text = "FROM continuumio/miniconda3\nRUN apt-get update && apt-get install -y sudo && useradd -m dev && echo 'dev ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/dev\nUSER dev\nRUN sudo conda install -y numpy\n";
    const f = analyze({ file: 'Dockerfile', text }).findings.find((x) => x.ruleId === 'UID604');
    assert.equal(f?.message, 'The build fails here: sudo: conda: command not found');
    assert.match(f?.why ?? '', /sudo looks conda up in its secure_path \(the system folders\), not in the PATH of the step, where it is \/opt\/conda\/bin\/conda\./);
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['RUN sudo /opt/conda/bin/conda install -y numpy', 'USER root\nRUN conda install -y numpy\nUSER dev']);
    const fixed = analyze({ file: 'Dockerfile', text: text.replace('RUN sudo conda', 'RUN sudo /opt/conda/bin/conda') });
    assert.deepEqual(fixed.sim.failures, []);
  });
});
