import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { startCommandOf } from '../../src/runtime/entrypoints.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const check = (dockerfile: string, run: string) =>
  analyze({ file: 'Dockerfile', text: dockerfile, run: parseDockerRun(run, { invoker }) });

describe("docker-stacks' start.sh hands over from root to NB_USER", () => {
  test('--user root with NB_UID runs the server as that uid, named jovyan', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --user root -e NB_UID=1001 img');
    assert.deepEqual([a.identity.uid, a.identity.gid, a.identity.user], [1001, 100, 'jovyan']);
    assert.equal(a.identity.id, 'uid=1001(jovyan) gid=100(users) groups=100(users)');
    assert.ok(a.assumptions.some((x) => x.id === 'entrypoint:docker-stacks'));
    assert.ok(!a.findings.some((f) => f.ruleId === 'UID101'), 'not reported as root');
  });

  test('GRANT_SUDO=yes adds a password-less sudo rule (UID403)', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --user root -e GRANT_SUDO=yes img');
    assert.deepEqual([a.identity.sudo.usable, a.identity.sudo.nopasswd], [true, true]);
    assert.ok(a.findings.some((f) => f.ruleId === 'UID403' && f.message.includes('added-by-start-script')));
  });

  test('started as jovyan, nothing changes', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run img');
    assert.equal(a.identity.uid, 1000);
    assert.ok(!a.assumptions.some((x) => x.id === 'entrypoint:docker-stacks'));
  });

  test('--user 1001 (gid 0): start.sh may write /etc/passwd and names the uid jovyan', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --user 1001 img');
    assert.equal(a.identity.id, 'uid=1001(jovyan) gid=0(root) groups=0(root)');
    assert.ok(a.assumptions.some((x) => x.id === 'entrypoint:docker-stacks-passwd'));
    assert.ok(!a.findings.some((f) => f.ruleId === 'UID102'), 'no "I have no name!"');
  });

  test('--user 1001:100: /etc/passwd is not writable for gid 100, so the uid stays nameless', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --user 1001:100 img');
    assert.equal(a.identity.user, null);
    assert.ok(a.findings.some((f) => f.ruleId === 'UID102'));
  });

  test('a root CMD that is not a start script stays root', () => {
    const a = check('FROM jupyter/base-notebook\nUSER root\nENTRYPOINT []\nCMD ["python", "app.py"]\n', 'docker run img');
    assert.equal(a.identity.uid, 0);
  });
});

describe('the command the container starts with', () => {
  const image = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nENTRYPOINT ["/usr/local/bin/entry.sh"]\nCMD ["python", "train.py"]\n' }).image;
  const start = (line?: string) => startCommandOf(image, line === undefined ? undefined : parseDockerRun(line, { invoker }));

  test('ENTRYPOINT then CMD from the image', () => assert.deepEqual(start().argv, ['/usr/local/bin/entry.sh', 'python', 'train.py']));
  test('a command on the run line replaces CMD only', () => assert.deepEqual(start('docker run img bash').argv, ['/usr/local/bin/entry.sh', 'bash']));
  test('--entrypoint alone clears the image CMD too', () => assert.deepEqual(start('docker run --entrypoint sh img').argv, ['sh']));
  test('--entrypoint with a command keeps that command', () => assert.deepEqual(start('docker run --entrypoint sh img -c true').argv, ['sh', '-c', 'true']));
});

describe("docker-stacks' start.sh with NB_GID", () => {
  test('makes the group named after NB_USER (or NB_GROUP), so id names it', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --user root -e NB_UID=1001 -e NB_GID=1001 img');
    assert.equal(a.identity.id, 'uid=1001(jovyan) gid=1001(jovyan) groups=1001(jovyan),100(users)');
    const b = check('FROM jupyter/base-notebook\n', 'docker run --user root -e NB_UID=1001 -e NB_GID=1001 -e NB_GROUP=lab img');
    assert.equal(b.identity.id, 'uid=1001(jovyan) gid=1001(lab) groups=1001(lab),100(users)');
  });
});

// start.sh ends with `exec sudo --preserve-env --set-home --user "${NB_USER}" ...` (set -e):
// sudo run by root reads sudoers as uid 1 (CAP_SETUID) and sets the runas gid (CAP_SETGID), in
// the words measured with Debian's sudo 1.9.13 (tests/oracle/scenarios/launchers-caps.yaml).
describe("docker-stacks' start.sh under a run that drops capabilities", () => {
  const SETUID_WORDS = 'sudo: PERM_SUDOERS: setresuid(-1, 1, -1): Operation not permitted; sudo: no valid sudoers sources found, quitting; sudo: error initializing audit plugin sudoers_audit';
  const STEP = '`exec sudo --preserve-env --set-home --user "${NB_USER}" ...`';

  test('--user root --cap-drop ALL: sudo stops, the container stays root and exits', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --user root --cap-drop ALL jupyter/base-notebook');
    assert.deepEqual([a.identity.uid, a.identity.gid, a.identity.user], [0, 0, 'root']);
    assert.deepEqual(a.identity.script, { path: '/usr/local/bin/start.sh', written: 'start.sh', line: null, error: `at ${STEP}: ${SETUID_WORDS}` });
    const f = a.findings.find((x) => x.ruleId === 'UID106');
    assert.equal(f?.message, `The container will not start its workload: start.sh stops at ${STEP} (${SETUID_WORDS}), exit 1.`);
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['--cap-add SETUID --cap-add SETGID', '--user 1000:100']);
    assert.deepEqual(f?.dependsOn, ['entrypoint:docker-stacks-caps']);
    assert.equal(a.assumptions.find((x) => x.id === 'entrypoint:docker-stacks-caps')?.confidence, 'medium');
    assert.ok(!a.assumptions.some((x) => x.id === 'entrypoint:docker-stacks'), 'no switch to jovyan');
  });

  test('--cap-drop SETUID alone: the same words', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --user root --cap-drop SETUID img');
    assert.equal(a.identity.script?.error, `at ${STEP}: ${SETUID_WORDS}`);
    assert.deepEqual(a.findings.find((x) => x.ruleId === 'UID106')?.fixes.map((x) => x.snippet), ['--cap-add SETUID', '--user 1000:100']);
  });

  test('--cap-drop SETGID: sudo reads its rules and cannot take the runas gid 100', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --user root --cap-drop SETGID img bash');
    assert.equal(a.identity.script?.error, `at ${STEP}: sudo: unable to change to runas gid: Operation not permitted; sudo: bash: Operation not permitted`);
    assert.equal(a.identity.uid, 0);
  });

  test('the image CMD is what sudo names when it cannot execute it', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --user root --cap-drop SETGID img');
    assert.equal(a.identity.script?.error, `at ${STEP}: sudo: unable to change to runas gid: Operation not permitted; sudo: start-notebook.py: Operation not permitted`);
  });

  test('CHOWN_HOME without CAP_CHOWN stops at the chown, before sudo', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --user root --cap-drop CHOWN -e CHOWN_HOME=yes img');
    const f = a.findings.find((x) => x.ruleId === 'UID106');
    assert.equal(f?.message, "The container will not start its workload: start.sh stops at its chown of /home/jovyan (CHOWN_HOME/CHOWN_EXTRA) (chown: changing ownership of '/home/jovyan': Operation not permitted), exit 1.");
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['--cap-add CHOWN', '--user 1000:100']);
  });

  test('capabilities kept: it switches to jovyan as before', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --user root --cap-drop ALL --cap-add SETUID --cap-add SETGID img');
    assert.deepEqual([a.identity.uid, a.identity.gid], [1000, 100]);
    assert.ok(!a.findings.some((f) => f.ruleId === 'UID106'));
  });

  test('started as jovyan under --cap-drop ALL, start.sh does not switch and the server starts', () => {
    const a = check('FROM jupyter/base-notebook\n', 'docker run --cap-drop ALL img');
    assert.equal(a.identity.uid, 1000);
    assert.ok(!a.findings.some((f) => f.ruleId === 'UID106'));
  });
});
