// Entrypoint scripts whose text is known, followed as they run at start: as the user the
// container starts as, with the run's mounts in place and the command as "$@". The outcomes
// are the ones measured in tests/oracle/scenarios/entrypoint-scripts.yaml.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { runScript } from '../../src/shell/interpret.js';
import { resolveBase } from '../../src/image/catalog/index.js';
import { findAsChown } from '../../src/shell/commands/builtins.js';
import { launchOf } from '../../src/runtime/entry-script.js';
import type { FileMeta, FsTree, HostPathFacts } from '../../src/model/types.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const dir = (uid: number, gid: number, mode: number): FileMeta => ({ kind: 'dir', uid, gid, mode });
const data = (uid: number): HostPathFacts[] => [{ path: '/srv/data', exists: true, meta: dir(uid, uid, 0o755), from: 'facts-file' }];

const FIXER = `#!/bin/sh
set -e
if [ -n "$HOST_UID" ]; then
  usermod -u "$HOST_UID" app
fi
mkdir -p /data/out
chown -R app /data
exec gosu app "$@"
`;
const REEXEC = `#!/bin/bash
set -e
if [ "$(id -u)" = '0' ]; then
  chown -R app /data
  exec gosu app "$BASH_SOURCE" "$@"
fi
exec "$@"
`;
const GOSU = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends gosu && rm -rf /var/lib/apt/lists/*\nRUN useradd -m -u 1000 app\n';

/** A build context holding the files given, read through the outer layer's reader. */
function check(dockerfile: string, files: Record<string, string>, line: string, host: HostPathFacts[] = []) {
  const context: FsTree = new Map([['/', dir(0, 0, 0o755)]]);
  for (const name of Object.keys(files)) context.set(`/${name}`, { kind: 'file', uid: 0, gid: 0, mode: 0o755 });

  return analyze({
    file: 'Dockerfile',
    text: dockerfile,
    run: parseDockerRun(line, { invoker }),
    host,
    context,
    readContextText: (p) => files[p.slice(1)],
  });
}

const fixer = (line: string, host = data(1001)) =>
  check(`${GOSU}COPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["python3", "train.py"]\n`, { 'entrypoint.sh': FIXER }, line, host);

const verdict = (a: ReturnType<typeof analyze>, path: string) => a.check(path, 'create');

describe('a script that fixes a mount and steps down', () => {
  test('its chown of a bind mount of another uid, as root, lets app write there', () => {
    const a = fixer('docker run -v /srv/data:/data img');
    assert.equal(a.identity.id, 'uid=1000(app) gid=1000(app) groups=1000(app)');
    assert.equal(a.identity.home, '/home/app');
    assert.equal(verdict(a, '/data').allowed, true);
    assert.equal(verdict(a, '/data/out').allowed, true);
    assert.equal(a.findings.filter((f) => f.ruleId === 'UID201').length, 0);
    // The switch is shown as gosu's, made at the script's line 8.
    assert.equal(a.identity.drop?.command, 'gosu app');
    assert.equal(a.runtime.script?.workloadLine, 8);
    assert.deepEqual(a.identity.script, { path: '/usr/local/bin/entrypoint.sh', written: 'entrypoint.sh', line: 8, error: null });
    const root = a.findings.find((f) => f.ruleId === 'UID101');
    assert.match(root?.message ?? '', /entrypoint\.sh runs as root, then at its line 8 `gosu app` switches to app \(uid 1000\)/);
  });

  test('usermod -u with the run\'s -e HOST_UID renumbers app first', () => {
    const a = fixer('docker run -e HOST_UID=1001 -v /srv/data:/data img');
    assert.equal(a.identity.id, 'uid=1001(app) gid=1000(app) groups=1000(app)');
    assert.equal(verdict(a, '/data').allowed, true);
    // usermod -u moves the home to the new uid too (measured).
    assert.equal(verdict(a, '/home/app').allowed, true);
  });

  test('chown of a read-only mount stops the script (set -e): UID106 quotes its line', () => {
    const a = fixer('docker run -v /srv/data:/data:ro img');
    assert.deepEqual(a.identity.script, {
      path: '/usr/local/bin/entrypoint.sh',
      written: 'entrypoint.sh',
      line: null,
      error: 'line 6: mkdir: cannot create directory \'/data/out\': Read-only file system',
    });
    const f = a.findings.find((x) => x.ruleId === 'UID106');
    assert.equal(f?.message, 'The container will not start its workload: entrypoint.sh stops at its line 6 (mkdir: cannot create directory \'/data/out\': Read-only file system), exit 1.');
    assert.equal(f?.severity, 'error');
  });

  test('started as uid 1000, its mkdir in a folder of uid 1001 fails', () => {
    const a = fixer('docker run -u 1000 -v /srv/data:/data img');
    assert.match(a.findings.find((x) => x.ruleId === 'UID106')?.message ?? '', /stops at its line 6 \(mkdir: cannot create directory '\/data\/out': Permission denied\)/);
  });

  test('started as uid 1000 in its own folder, it reaches gosu, which cannot switch', () => {
    const a = fixer('docker run -u 1000 -v /srv/data:/data img', data(1000));
    assert.match(a.findings.find((x) => x.ruleId === 'UID106')?.message ?? '', /stops at its line 8 \(error: failed switching to "app": operation not permitted\)/);
  });
});

describe('the postgres shape: as root it runs itself again as the user', () => {
  const reexec = (line: string) =>
    check(`${GOSU}COPY --chmod=0755 docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["bash"]\n`, { 'docker-entrypoint.sh': REEXEC }, line, data(1001));

  test('as root: the mount is chowned, and the command runs as app', () => {
    const a = reexec('docker run -v /srv/data:/data img');
    assert.equal(a.identity.id, 'uid=1000(app) gid=1000(app) groups=1000(app)');
    assert.equal(verdict(a, '/data').allowed, true);
    // The second pass, as app, starts the command with its `exec "$@"`.
    assert.equal(a.runtime.script?.workloadLine, 7);
    assert.equal(a.identity.drop?.command, 'gosu app');
  });

  test('as uid 1000: the root branch is skipped, and the mount stays uid 1001\'s', () => {
    const a = reexec('docker run -u 1000 -v /srv/data:/data img');
    assert.equal(a.identity.uid, 1000);
    assert.equal(verdict(a, '/data').errno, 'EACCES');
    assert.ok(a.findings.some((f) => f.ruleId === 'UID201'));
  });
});

describe('which scripts are followed', () => {
  test('gosu the image does not have ends the script with the shell\'s words', () => {
    const a = check('FROM debian:bookworm\nRUN useradd -m -u 1000 app\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["bash"]\n',
      { 'entrypoint.sh': '#!/bin/sh\nchown app /home/app\nexec gosu app "$@"\n' }, 'docker run img');
    assert.equal(a.findings.find((x) => x.ruleId === 'UID106')?.message, 'The container will not start its workload: /entrypoint.sh stops at its line 3 (/entrypoint.sh: 3: exec: gosu: not found), exit 127.');
  });

  test('a script written by a COPY heredoc, started as `sh /start.sh` from CMD', () => {
    const df = `${GOSU}COPY <<'EOF' /start.sh\nchown -R app /data\nexec gosu app "$@"\nEOF\nCMD ["sh", "/start.sh", "python3", "serve.py"]\n`;
    const a = check(df, {}, 'docker run -v /srv/data:/data img', data(1001));
    assert.equal(a.identity.uid, 1000);
    assert.equal(verdict(a, '/data').allowed, true);
  });

  test('without its text (no build context read) the script is taken by its name, as before', () => {
    const a = analyze({
      file: 'Dockerfile',
      text: `${GOSU}COPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["gosu", "app", "python3", "x.py"]\n`,
      run: parseDockerRun('docker run img', { invoker }),
    });
    assert.equal(a.runtime.script, undefined);
    assert.equal(a.runtime.drop?.assumption?.id, 'entrypoint:runs-arguments');
    assert.equal(a.identity.uid, 1000);
  });

  test('a script that execs "$@" with gosu in the command: gosu\'s switch is the workload\'s', () => {
    const a = check(`${GOSU}COPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["gosu", "app", "sleep", "infinity"]\n`,
      { 'entrypoint.sh': '#!/bin/sh\nexec "$@"\n' }, 'docker run img gosu app bash');
    assert.equal(a.identity.id, 'uid=1000(app) gid=1000(app) groups=1000(app)');
    assert.equal(a.runtime.drop?.assumption, undefined);
  });

  test('a script moved or copied into place by a RUN step keeps its text', () => {
    for (const step of ['mv /tmp/entrypoint.sh /usr/local/bin/', 'cp /tmp/entrypoint.sh /usr/local/bin/entrypoint.sh']) {
      const df = `${GOSU}COPY entrypoint.sh /tmp/\nRUN ${step} && chmod +x /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["python3", "x.py"]\n`;
      const a = check(df, { 'entrypoint.sh': FIXER }, 'docker run -v /srv/data:/data img', data(1001));
      assert.equal(a.runtime.script?.path, '/usr/local/bin/entrypoint.sh', step);
      assert.equal(a.identity.uid, 1000, step);
      assert.equal(verdict(a, '/data').allowed, true, step);
    }
  });

  test('a script in syntax the parser does not read is not followed, and no start failure is invented', () => {
    const text = '#!/bin/bash\nexec > >(tee -a /var/log/start.log) 2>&1\nchown -R app /data\nexec gosu app "$@"\n';
    const a = check(`${GOSU}COPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\nCMD ["python3", "x.py"]\n`, { 'start.sh': text }, 'docker run img');
    assert.equal(a.runtime.script, undefined);
    assert.equal(a.findings.some((f) => f.ruleId === 'UID106'), false);
    assert.equal(a.assumptions.find((x) => x.id === 'entrypoint-script:/start.sh')?.confidence, 'low');
  });

  test('a Python program as ENTRYPOINT is not a shell script: not followed', () => {
    const a = check(`${GOSU}COPY main /usr/local/bin/main\nENTRYPOINT ["main"]\n`, { main: '#!/usr/bin/env python3\nprint(1)\n' }, 'docker run img');
    assert.equal(a.runtime.script, undefined);
  });

  test('a command the model does not follow in the script is an unknown effect at the ENTRYPOINT line', () => {
    const a = check(`${GOSU}COPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["python3", "x.py"]\n`,
      { 'entrypoint.sh': '#!/bin/sh\nset -e\n/opt/tool/fix-perms --all /data\nexec gosu app "$@"\n' }, 'docker run -v /srv/data:/data img', data(1001));
    const u = a.unknowns.find((x) => x.command.startsWith('entrypoint.sh line 3:'));
    assert.equal(u?.line, 5);
    assert.equal(a.assumptions.find((x) => x.id === 'entrypoint-script:/usr/local/bin/entrypoint.sh')?.confidence, 'medium');
    assert.equal(a.identity.uid, 1000);
  });

  test('a script that never starts its command leaves the identity it starts with', () => {
    const a = check(`${GOSU}COPY run.sh /run.sh\nCMD ["/run.sh"]\n`, { 'run.sh': '#!/bin/sh\nmkdir -p /srv/x\n' }, 'docker run img');
    assert.equal(a.identity.uid, 0);
    assert.equal(a.runtime.script?.workloadLine, undefined);
  });
});

describe('"$@" in the interpreter', () => {
  const state = () => resolveBase('debian:bookworm').state;
  const root = { uid: 0, gid: 0, groups: [0], caps: new Set<string>(), home: '/root', name: 'root' };
  const run = (src: string, args: string[], cmd: string[]) =>
    runScript(src, { state: state(), ident: root, env: new Map([['PATH', '/usr/bin:/bin']]), cwd: '/', builder: 'buildkit', file: 'x', line: 1, args, workload: { cmd, self: '/x', text: src } });

  test('each positional parameter is a word of its own', () => {
    assert.deepEqual(run('exec "$@"\n', ['python3', '-c', 'print(1)'], ['python3', '-c', 'print(1)']).workload?.argv, ['python3', '-c', 'print(1)']);
  });

  test('with none, "$@" is no word at all', () => {
    assert.deepEqual(run('exec serve "$@"\n', [], []).workload?.argv, ['serve']);
  });

  test('a word around it joins the first and the last', () => {
    assert.deepEqual(run('exec a"$@"z\n', ['1', '2'], []).workload?.argv, ['a1', '2z']);
  });
});

describe('what the newcomers found, measured in the oracle', () => {
  const one = (script: string, line = 'docker run -v /srv/data:/data img', entry = '["entrypoint.sh"]') =>
    check(`${GOSU}COPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ${entry}\nCMD ["bash"]\n`, { 'entrypoint.sh': script }, line, data(1001));
  const fails = (a: ReturnType<typeof analyze>) => a.findings.find((f) => f.ruleId === 'UID106')?.message;

  test('setpriv keeps root\'s HOME, which app cannot write', () => {
    const a = one('#!/bin/sh\nset -e\nchown -R app /data\nexec setpriv --reuid=app --regid=app --init-groups "$@"\n');
    assert.equal(a.identity.id, 'uid=1000(app) gid=1000(app) groups=1000(app)');
    assert.equal(a.identity.home, '/root');
    assert.equal(a.identity.homeFrom, 'start');
    assert.equal(a.identity.homeWritable, false);
  });

  test('chroot --userspec, which the interpreter does not run, is judged by the start-command model', () => {
    const a = one('#!/bin/sh\nset -e\nchown -R app:app /data\nexec chroot --userspec=app:app / "$@"\n', 'docker run -w /tmp -v /srv/data:/data img');
    assert.equal(a.identity.uid, 1000);
    assert.equal(a.identity.home, '/root');
    assert.equal(a.identity.workdir, '/');
    assert.equal(a.identity.drop?.tool, 'chroot');
  });

  test('set -e does not apply inside a function called with || true', () => {
    const a = one('#!/bin/sh\nset -e\nf() { chown app /home/app/missing; chown app /data; }\nf || true\nexec gosu app "$@"\n');
    assert.equal(fails(a), undefined);
    assert.equal(a.identity.uid, 1000);
  });

  test('#!/bin/sh -e sets -e', () => {
    assert.match(fails(one('#!/bin/sh -e\nchown app /home/app/missing\nexec gosu app "$@"\n')) ?? '', /stops at its line 2 \(chown: cannot access '\/home\/app\/missing': No such file or directory\)/);
  });

  test('Windows line endings: runc cannot find the script\'s interpreter', () => {
    const a = one('#!/bin/sh\r\nexec gosu app "$@"\r\n');
    assert.equal(fails(a), 'The container will not start: exec entrypoint.sh: no such file or directory.');
    const f = a.findings.find((x) => x.ruleId === 'UID106')!;
    assert.match(f.why, /carriage return/);
    assert.equal(f.fixes[0].snippet, "RUN sed -i 's/\\r$//' /usr/local/bin/entrypoint.sh");
  });

  // Measured with buildah 1.28 (entry/crlf-env, entry/crlf-sh-option): the kernel cuts the
  // interpreter at the first blank; the carriage return stays on the argument.
  test('Windows line endings after #!/usr/bin/env bash: env runs and looks for "bash\\r"', () => {
    const a = one('#!/usr/bin/env bash\r\nset -e\r\nexec gosu app "$@"\r\n');
    assert.equal(fails(a), "The container will not start: /usr/bin/env: 'bash\\r': No such file or directory.");
    const f = a.findings.find((x) => x.ruleId === 'UID106')!;
    assert.equal(f.why, 'entrypoint.sh has Windows line endings: the kernel runs /usr/bin/env from its #! line, and the carriage return stays on its argument, so env looks for a program named "bash\\r", which no image has (exit 127). The file itself is there.');
    assert.equal(f.fixes[0].snippet, "RUN sed -i 's/\\r$//' /usr/local/bin/entrypoint.sh");
  });

  test('Windows line endings after #!/bin/sh -e: dash refuses the carriage return as an option', () => {
    assert.equal(fails(one('#!/bin/sh -e\r\nexec gosu app "$@"\r\n')), 'The container will not start: /bin/sh: 0: Illegal option -\\r.');
    assert.equal(fails(one('#!/bin/bash -e\r\nexec gosu app "$@"\r\n')), 'The container will not start: /bin/bash: -\\r: invalid option.');
  });

  test('no #! line: exec format error', () => {
    assert.equal(fails(one('chown -R app /data\nexec gosu app "$@"\n')), 'The container will not start: exec entrypoint.sh: exec format error.');
  });

  test('no #! line and no execute bit for the user: execve refuses it for the bit first', () => {
    const a = check('FROM debian:bookworm\nRUN useradd -m app\nCOPY --chmod=0644 x.sh /app/x.sh\nUSER app\nCMD ["/app/x.sh"]\n', { 'x.sh': 'echo hi\n' }, 'docker run img');
    assert.equal(fails(a), 'The container will not start: app (uid 1000) cannot execute /app/x.sh (exec /app/x.sh: permission denied).');
  });

  test('an interpreter the image lacks', () => {
    // /opt is listed in full on this base: /opt/venv is known to be missing. (/bin/zsh is not
    // known either way: the catalog lists /usr/bin only in part.)
    assert.equal(fails(one('#!/opt/venv/bin/sh\nexec gosu app "$@"\n')), 'The container will not start: exec entrypoint.sh: no such file or directory.');
    assert.equal(fails(one('#!/bin/zsh\nexec gosu app "$@"\n')), undefined);
  });

  test('an ELF program under a script\'s name is not taken for a script', () => {
    assert.equal(one('\x7fELF\x02\x01\x01\0\0\0').runtime.script, undefined);
  });

  test('"$BASH_SOURCE" under #!/bin/sh is empty: gosu has no program to run', () => {
    assert.match(fails(one('#!/bin/sh\nif [ "$(id -u)" = 0 ]; then\n  chown -R app /data\n  exec gosu app "$BASH_SOURCE" "$@"\nfi\nexec "$@"\n')) ?? '',
      /stops at its line 4 \(error: exec: "": executable file not found in \$PATH\), exit 1/);
  });

  test('a shell-form ENTRYPOINT gives the script no arguments', () => {
    assert.match(fails(one('#!/bin/sh\nset -e\nchown -R app /data\nexec gosu app "$@"\n', undefined, 'entrypoint.sh')) ?? '', /Usage: gosu user-spec command/);
  });

  test('find DIR ! -user U -exec chown U {} + is chown -R U DIR', () => {
    const a = one('#!/bin/sh\nset -e\nfind /data \\! -user app -exec chown app \'{}\' +\nexec gosu app "$@"\n');
    assert.equal(a.identity.uid, 1000);
    assert.equal(a.check('/data', 'create').allowed, true);
    assert.equal(a.findings.some((f) => f.ruleId === 'UID201'), false);
  });

  test('a command the model does not follow on the mount makes UID201 a warning', () => {
    const a = one('#!/bin/sh\n/opt/tools/fix-perms --all /data\nexec gosu app "$@"\n');
    const f = a.findings.find((x) => x.ruleId === 'UID201');
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /may not be able to write/);
  });

  test('a script that runs its own work as another user, never "$@": that is the workload (low confidence)', () => {
    const a = one('#!/bin/sh\nchown -R app /data\ngosu app sleep infinity\n');
    assert.equal(a.identity.uid, 1000);
    assert.equal(a.assumptions.find((x) => x.id.startsWith('entrypoint-script:'))?.confidence, 'low');
  });

  test('command -v gosu fails on a catalog base where nothing installed it: the other branch runs', () => {
    const a = check('FROM debian:bookworm\nRUN useradd -m -u 1000 app\nCOPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["bash"]\n',
      { 'entrypoint.sh': '#!/bin/sh\nset -e\nif command -v gosu >/dev/null; then\n  exec gosu app "$@"\nfi\nexec runuser -u app -- "$@"\n' }, 'docker run img');
    assert.equal(a.identity.uid, 1000);
    assert.equal(a.identity.drop?.tool, 'runuser');
    assert.equal(a.runtime.script?.workloadLine, 6);
  });

  test('behind tini or dumb-init the script is still followed', () => {
    for (const entry of ['["tini", "--", "entrypoint.sh"]', '["/usr/bin/dumb-init", "--rewrite", "15:2", "--", "entrypoint.sh"]']) {
      const a = one('#!/bin/sh\nset -e\nchown -R app /data\nexec gosu app "$@"\n', undefined, entry);
      assert.equal(a.runtime.script?.written, 'entrypoint.sh', entry);
      assert.equal(a.identity.uid, 1000, entry);
    }
  });

  test('HOSTNAME is set by the engine to a value not known here: a path built from it is unknown', () => {
    const a = one('#!/bin/sh\nset -e\nmkdir -p /srv/$HOSTNAME\nexec gosu app "$@"\n');
    assert.equal(a.identity.uid, 1000);
    assert.match(a.unknowns.find((u) => u.command.startsWith('entrypoint.sh line 3:'))?.reason ?? '', /cannot be told/);
  });

  test('su -c: the script\'s line is the su line, not the inner script\'s', () => {
    const a = one('#!/bin/sh\nset -e\nchown -R app /data\nexec su app -c "$*"\n');
    assert.equal(a.identity.uid, 1000);
    assert.equal(a.runtime.script?.workloadLine, 4);
  });

  test('the capability fix is the set the script was run again with and still reached the switch', () => {
    const a = one('#!/bin/sh\nset -e\nchown -R app /data\nexec gosu app "$@"\n');
    assert.deepEqual(a.runtime.script?.capsNeeded, ['CAP_CHOWN', 'CAP_SETGID', 'CAP_SETUID']);
    const fix = a.findings.find((x) => x.ruleId === 'UID101')?.fixes[0];
    assert.equal(fix?.snippet, '--cap-drop ALL --cap-add CHOWN --cap-add SETGID --cap-add SETUID');
    // That run line, analysed, still starts and switches.
    const b = one('#!/bin/sh\nset -e\nchown -R app /data\nexec gosu app "$@"\n', 'docker run --cap-drop ALL --cap-add CHOWN --cap-add SETGID --cap-add SETUID -v /srv/data:/data img');
    assert.equal(fails(b), undefined);
    assert.equal(b.identity.uid, 1000);
  });

  test('a chown whose failure is hidden (|| true) still needs CHOWN: the set must leave the same owners, not just reach the switch', () => {
    const a = one('#!/bin/sh\nchown -R app /data 2>/dev/null || true\nexec gosu app "$@"\n');
    assert.deepEqual(a.runtime.script?.capsNeeded, ['CAP_CHOWN', 'CAP_SETGID', 'CAP_SETUID']);
    const quiet = one('#!/bin/sh\necho starting\nexec gosu app "$@"\n');
    assert.deepEqual(quiet.runtime.script?.capsNeeded, ['CAP_SETGID', 'CAP_SETUID']);
  });
});

describe('the find idiom', () => {
  test('only the predicates that skip what already has the new owner', () => {
    assert.deepEqual(findAsChown(['find', '/x', '-exec', 'chown', 'app:app', '{}', ';']), ['chown', '-R', 'app:app', '/x']);
    assert.deepEqual(findAsChown(['find', '/x', '-xdev', '-not', '-user', 'app', '-exec', 'chown', 'app', '{}', '+']), ['chown', '-R', 'app', '/x']);
    assert.deepEqual(findAsChown(['find', '/x', '!', '-group', 'g', '-exec', 'chgrp', 'g', '{}', '+']), ['chgrp', '-R', 'g', '/x']);
    assert.equal(findAsChown(['find', '/x', '-name', '*.py', '-exec', 'chown', 'app', '{}', '+']), undefined);
    assert.equal(findAsChown(['find', '/x', '!', '-user', 'app', '-exec', 'chown', 'bob', '{}', '+']), undefined);
    assert.equal(findAsChown(['find', '/x', '-exec', 'rm', '-f', '{}', '+']), undefined);
  });
});

describe('capabilities the switch needs, in a script', () => {
  const script = '#!/bin/sh\nset -e\nchown -R 1000 /data\nexec gosu 1000:1000 "$@"\n';
  const run = (line: string) => check(`${GOSU}COPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["bash"]\n`, { 'entrypoint.sh': script }, line, data(1500));

  test('without SETUID gosu cannot switch: the script stops there', () => {
    assert.match(run('docker run --cap-drop SETUID -v /srv/data:/data img').findings.find((f) => f.ruleId === 'UID106')?.message ?? '',
      /stops at its line 4 \(error: failed switching to "1000:1000": operation not permitted\)/);
  });

  test('with the defaults it switches', () => {
    assert.equal(run('docker run -v /srv/data:/data img').identity.uid, 1000);
  });
});

describe('how a start command reaches its script', () => {
  test('launchOf: shells with options, sh -c with "$@", env and inits in front', () => {
    assert.deepEqual(launchOf(['/bin/sh', '-c', 'exec entrypoint.sh "$@"', '--', 'bash']), { argv: ['entrypoint.sh', 'bash'] });
    assert.deepEqual(launchOf(['sh', '-c', 'entrypoint.sh bash']), { argv: ['entrypoint.sh', 'bash'] });
    assert.deepEqual(launchOf(['/usr/bin/env', 'entrypoint.sh', 'x']), { argv: ['entrypoint.sh', 'x'] });
    assert.deepEqual(launchOf(['bash', '-x', '/e.sh', 'x']), { argv: ['/e.sh', 'x'], shell: ['bash', '-x'] });
    assert.deepEqual(launchOf(['sh', '-e', '-o', 'nounset', '/e.sh']), { argv: ['/e.sh'], shell: ['sh', '-e', '-o', 'nounset'] });
    assert.deepEqual(launchOf(['tini', '-g', '--', 'env', 'e.sh']), { argv: ['e.sh'] });
    assert.equal(launchOf(['sh', '-c', 'a && b']), undefined);
    assert.equal(launchOf(['bash']), undefined);
  });

  const SCRIPT = '#!/bin/sh\nset -e\nchown -R app /data\nexec gosu app "$@"\n';
  for (const entry of ['["/bin/sh", "-c", "exec entrypoint.sh \\"$@\\"", "--"]', '["/usr/bin/env", "entrypoint.sh"]', '["bash", "-x", "/usr/local/bin/entrypoint.sh"]', '["sh", "-e", "/usr/local/bin/entrypoint.sh"]']) {
    test(`followed when started as ${entry}`, () => {
      const a = check(`${GOSU}COPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ${entry}\nCMD ["bash"]\n`, { 'entrypoint.sh': SCRIPT }, 'docker run -v /srv/data:/data img', data(1001));
      assert.equal(a.identity.uid, 1000, entry);
      assert.equal(a.check('/data', 'create').allowed, true, entry);
    });
  }

  test('a script whose text is not known is named in an assumption', () => {
    const a = analyze({ file: 'Dockerfile', text: `${GOSU}COPY entrypoint.sh /usr/local/bin/\nENTRYPOINT ["entrypoint.sh"]\nCMD ["python3", "x.py"]\n`, run: parseDockerRun('docker run img', { invoker }) });
    assert.equal(a.assumptions.find((x) => x.id === 'entrypoint-script:entrypoint.sh')?.confidence, 'medium');
  });
});

describe('a group-writable mount behind a switch', () => {
  const SCRIPT = '#!/bin/sh\nexec gosu app "$@"\n';
  const shared: HostPathFacts[] = [{ path: '/srv/data', exists: true, meta: dir(0, 2500, 0o770), from: 'facts-file' }];
  const build = (extra: string, line = 'docker run -v /srv/data:/data img') =>
    check(`${GOSU}${extra}COPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["bash"]\n`, { 'entrypoint.sh': SCRIPT }, line, shared);

  test('the fix is a membership in the image, not --group-add, which gosu would drop', () => {
    const f = build('').findings.find((x) => x.ruleId === 'UID201');
    const snippets = (f?.fixes ?? []).map((x) => x.snippet ?? '');
    assert.ok(snippets.includes('RUN groupadd -g 2500 hostdata && usermod -aG hostdata app'), snippets.join(' | '));
    assert.ok(!snippets.some((x) => x.includes('--group-add')), snippets.join(' | '));
    // --group-add indeed does not help: gosu sets the groups from /etc/group.
    assert.equal(build('', 'docker run --group-add 2500 -v /srv/data:/data img').check('/data', 'create').allowed, false);
  });

  test('applied, the workload is in the group and can write', () => {
    const a = build('RUN groupadd -g 2500 hostdata && usermod -aG hostdata app\n');
    assert.deepEqual(a.identity.groups, [1000, 2500]);
    assert.equal(a.check('/data', 'create').allowed, true);
  });
});

describe('what a script writes at start', () => {
  test('a sudoers rule written at start is reported at the ENTRYPOINT line, and the fix is in the script', () => {
    const df = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo gosu && useradd -m -u 1000 app\nCOPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["bash"]\n';
    const a = check(df, { 'entrypoint.sh': '#!/bin/sh\nset -e\necho "app ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/app\nchmod 0440 /etc/sudoers.d/app\nexec gosu app "$@"\n' }, 'docker run img');
    const f = a.findings.find((x) => x.ruleId === 'UID403');
    assert.equal(f?.location.line, 4);
    assert.match(f?.fixes[0].description ?? '', /Drop what entrypoint.sh writes to \/etc\/sudoers.d\/app when the container starts/);
    assert.equal(a.identity.sudo.nopasswd, true);
  });
});

describe('a folder the script changes to', () => {
  test('UID105 names the script, and the fix is the script\'s cd, not a chown of /root', () => {
    const a = check(`${GOSU}COPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["bash"]\n`, { 'entrypoint.sh': '#!/bin/sh\ncd /root\nexec gosu app "$@"\n' }, 'docker run img');
    assert.equal(a.identity.workdir, '/root');
    const f = a.findings.find((x) => x.ruleId === 'UID105');
    assert.match(f?.message ?? '', /where entrypoint.sh changes to before it starts the command/);
    assert.equal(f?.fixes[0].snippet, undefined);
  });
});

describe('stat -c in a script', () => {
  test('the mounted folder\'s group, read with stat, joins the user to it', () => {
    const shared: HostPathFacts[] = [{ path: '/srv/data', exists: true, meta: dir(0, 2500, 0o1770), from: 'facts-file' }];
    const script = '#!/bin/sh\nset -e\nGID=$(stat -c %g /data)\ngroupadd -g "$GID" hostdata\nusermod -aG hostdata app\necho "$(stat -c \'%A %a %U:%G\' /data)" > /tmp/seen\nexec gosu app "$@"\n';
    const a = check(`${GOSU}COPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["bash"]\n`, { 'entrypoint.sh': script }, 'docker run -v /srv/data:/data img', shared);
    assert.deepEqual(a.identity.groups, [1000, 2500]);
    assert.equal(a.check('/data', 'create').allowed, true);
    assert.equal(a.unknowns.filter((u) => u.command.startsWith('entrypoint.sh')).length, 0);
  });
});


describe('set -u in a script, and a variable the run does not set', () => {
  const df = `${GOSU}COPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["bash"]\n`;
  const files = { 'entrypoint.sh': '#!/bin/sh\nset -eu\nexec gosu "$APP_USER" "$@"\n' };

  test('unset: the script stops in dash\'s words, and the fix sets it in the run\'s own form', () => {
    const a = check(df, files, 'docker run img bash');
    const f = a.findings.find((x) => x.ruleId === 'UID106');
    assert.match(f?.message ?? '', /stops at its line 3 \(\/entrypoint\.sh: 3: APP_USER: parameter not set\), exit 2/);
    assert.deepEqual([f?.fixes[0].description, f?.fixes[0].snippet], ['Set APP_USER at run time (or give it a default in the script, ${APP_USER:-...}).', '-e APP_USER=...']);
  });

  test('given with -e: the switch is made', () => {
    const a = check(df, files, 'docker run -e APP_USER=app img bash');
    assert.equal(a.findings.find((x) => x.ruleId === 'UID106'), undefined);
    assert.deepEqual([a.identity.uid, a.identity.user], [1000, 'app']);
  });
});

describe('a shell named in front of a script it may not read', () => {
  const df = 'FROM debian:bookworm\nRUN useradd -m -u 1000 ml\nCOPY run.sh /app/\nRUN chmod 700 /app/run.sh\nUSER ml\n';
  const files = { 'run.sh': '#!/bin/bash\necho hi\n' };

  test('bash: the start fails in bash\'s words with 126, and the fix makes it readable', () => {
    const a = check(`${df}CMD ["bash", "/app/run.sh"]\n`, files, 'docker run img');
    const f = a.findings.find((x) => x.ruleId === 'UID106');
    assert.equal(f?.message, 'The container will not start: bash: /app/run.sh: Permission denied.');
    assert.equal(f?.fixes[0].snippet, 'RUN chmod a+r /app/run.sh');
    assert.deepEqual(a.runtime.script?.error, { line: 1, message: 'bash: /app/run.sh: Permission denied', status: 126 });
  });

  test('sh: dash\'s words, status 2', () => {
    const a = check(`${df}CMD ["sh", "/app/run.sh"]\n`, files, 'docker run img');
    assert.deepEqual(a.runtime.script?.error, { line: 1, message: 'sh: 0: cannot open /app/run.sh: Permission denied', status: 2 });
  });

  test('root reads it: the script is followed', () => {
    const a = check(`${df}CMD ["bash", "/app/run.sh"]\n`, files, 'docker run -u 0 img');
    assert.equal(a.runtime.script?.error, undefined);
    assert.equal(a.findings.find((x) => x.ruleId === 'UID106'), undefined);
  });
});

// Entrypoint scripts that switch with each tool, run by root without CAP_SETUID or CAP_SETGID:
// the tool's words and exit status as measured with buildah (launchers-caps/*-drop-*).
describe('a switch in a script, refused for a dropped capability', () => {
  const TOOLS = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends sudo gosu s6 && rm -rf /var/lib/apt/lists/*\nRUN groupadd -g 2000 data && useradd -m -u 1000 app && usermod -aG data app\nCOPY entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["sleep", "infinity"]\n';
  const LINES: Record<string, string> = {
    sudo: 'exec sudo -u app "$@"',
    su: "exec su app -s /bin/sh -c 'exec \"$0\" \"$@\"' -- \"$@\"",
    runuser: 'exec runuser -u app -- "$@"',
    gosu: 'exec gosu app "$@"',
    setpriv: 'exec setpriv --reuid=app --regid=app --init-groups "$@"',
    chroot: 'exec chroot --userspec=app:app / "$@"',
    s6: 'exec s6-setuidgid app "$@"',
  };
  const SUDO_SETUID = 'sudo: PERM_SUDOERS: setresuid(-1, 1, -1): Operation not permitted; sudo: no valid sudoers sources found, quitting; sudo: error initializing audit plugin sudoers_audit';
  const MEASURED: Record<string, Record<'ALL' | 'SETUID' | 'SETGID', [string, number]>> = {
    sudo: { ALL: [SUDO_SETUID, 1], SETUID: [SUDO_SETUID, 1], SETGID: ['sudo: unable to change to runas gid: Operation not permitted; sudo: sleep: Operation not permitted', 1] },
    su: { ALL: ['su: cannot set groups: Operation not permitted', 1], SETUID: ['su: cannot set user id: Operation not permitted', 1], SETGID: ['su: cannot set groups: Operation not permitted', 1] },
    runuser: { ALL: ['runuser: cannot set groups: Operation not permitted', 1], SETUID: ['runuser: cannot set user id: Operation not permitted', 1], SETGID: ['runuser: cannot set groups: Operation not permitted', 1] },
    gosu: { ALL: ['error: failed switching to "app": operation not permitted', 1], SETUID: ['error: failed switching to "app": operation not permitted', 1], SETGID: ['error: failed switching to "app": operation not permitted', 1] },
    setpriv: { ALL: ['setpriv: setresuid failed: Operation not permitted', 127], SETUID: ['setpriv: setresuid failed: Operation not permitted', 127], SETGID: ['setpriv: setresgid failed: Operation not permitted', 127] },
  };
  const run = (tool: string, line: string) => check(TOOLS, { 'entrypoint.sh': `#!/bin/sh\n${LINES[tool]}\n` }, line);

  for (const [tool, byCap] of Object.entries(MEASURED)) {
    for (const [cap, [words, status]] of Object.entries(byCap)) {
      test(`${tool} under --cap-drop ${cap}: "${words}", exit ${status}`, () => {
        const a = run(tool, `docker run --rm --cap-drop ${cap} img bash`);
        assert.equal(a.identity.uid, 0);
        assert.equal(a.identity.script?.error, `line 2: ${words.replace('sleep', 'bash')}`);
        const f = a.findings.find((x) => x.ruleId === 'UID106');
        assert.equal(f?.message, `The container will not start its workload: entrypoint.sh stops at its line 2 (${words.replace('sleep', 'bash')}), exit ${status}.`);
        const keep = cap === 'ALL' ? '--cap-add SETUID --cap-add SETGID' : `--cap-add ${cap}`;
        assert.deepEqual(f?.fixes.map((x) => x.snippet), [keep]);
      });
    }
    test(`${tool} with the default capabilities switches to app`, () => {
      const a = run(tool, 'docker run --rm img bash');
      assert.deepEqual([a.identity.uid, a.identity.gid, a.identity.groups], [1000, 1000, [1000, 2000]]);
      assert.ok(!a.findings.some((f) => f.ruleId === 'UID106'));
    });
  }

  test('chroot and s6-setuidgid, which the interpreter leaves to their start-command model', () => {
    const c = run('chroot', 'docker run --rm --cap-drop ALL img bash').findings.find((x) => x.ruleId === 'UID106');
    assert.equal(c?.message, "The container will not start its workload: `chroot --userspec=app:app /` runs as root (uid 0) and cannot switch user (chroot: cannot change root directory to '/': Operation not permitted).");
    const s = run('s6', 'docker run --rm --cap-drop SETUID img bash').findings.find((x) => x.ruleId === 'UID106');
    assert.equal(s?.message, 'The container will not start its workload: `s6-setuidgid app` runs as root (uid 0) and cannot switch user (s6-applyuidgid: fatal: unable to setuid: Operation not permitted).');
  });

  test('root switching to root: su and runuser still set groups (SETGID), sudo still reads sudoers as uid 1 (SETUID)', () => {
    const one = (text: string, line: string) => check(TOOLS, { 'entrypoint.sh': `#!/bin/sh\n${text}\n` }, line).identity.script?.error;
    assert.equal(one('exec su root -c "exec $*"', 'docker run --cap-drop SETUID img bash'), null);
    assert.equal(one('exec su root -c "exec $*"', 'docker run --cap-drop SETGID img bash'), 'line 2: su: cannot set groups: Operation not permitted');
    assert.equal(one('exec runuser -u root -- "$@"', 'docker run --cap-drop SETUID img bash'), null);
    assert.equal(one('exec sudo "$@"', 'docker run --cap-drop SETUID img bash'), `line 2: ${SUDO_SETUID}`);
    assert.equal(one('exec sudo "$@"', 'docker run --cap-drop SETGID img bash'), 'line 2: sudo: unable to set runas group vector: Operation not permitted; sudo: bash: Operation not permitted');
    assert.equal(one('exec setpriv --reuid=app --regid=0 --keep-groups "$@"', 'docker run --cap-drop SETGID img bash'), null);
    assert.equal(one('exec setpriv --reuid=0 --regid=0 --init-groups "$@"', 'docker run --cap-drop SETGID img bash'), 'line 2: setpriv: initgroups failed: Operation not permitted');
  });
});

describe('a start script a RUN step writes (cat > FILE <<EOF)', () => {
  const text = (write: string) => `FROM ubuntu:22.04\nRUN useradd -m -u 1000 ml\nRUN ${write}\nRUN chmod 0755 /usr/local/bin/start.sh\nUSER ml\nENTRYPOINT ["/usr/local/bin/start.sh"]\nCMD ["sleep", "1"]\n`;

  test('its text is kept and followed at start, as for a COPY of it', () => {
    const a = analyze({ file: 'Dockerfile', text: text("cat > /usr/local/bin/start.sh <<'EOS'\n#!/bin/sh\nmkdir -p /opt/x\nexec \"$@\"\nEOS") });
    assert.equal(a.image.texts['/usr/local/bin/start.sh']?.content, '#!/bin/sh\nmkdir -p /opt/x\nexec "$@"\n');
    assert.equal(a.assumptions.find((x) => x.id === 'entrypoint-script:/usr/local/bin/start.sh')?.confidence, 'high');
  });

  test('a text that cannot be told (curl) is not kept', () => {
    const a = analyze({ file: 'Dockerfile', text: text('curl -fsSL https://example.invalid/start.sh > /usr/local/bin/start.sh') });
    assert.equal(a.image.texts['/usr/local/bin/start.sh'], undefined);
  });
});

describe('a start script cp puts in place from a file whose text is not known', () => {
  test('its text stays unknown (not an empty file that would be an exec format error)', () => {
    // Found in a public Dockerfile: COPY docker/ ./docker/ (not read), then cp docker-entrypoint.sh /sbin/.
    const text = 'FROM debian:bookworm\nWORKDIR /src\nCOPY docker/ ./docker/\nRUN cd docker && cp docker-entrypoint.sh /sbin/docker-entrypoint.sh && chmod 755 /sbin/docker-entrypoint.sh\nENTRYPOINT ["/sbin/docker-entrypoint.sh"]\n';
    const a = analyze({ file: 'Dockerfile', text });
    assert.equal(a.image.texts['/sbin/docker-entrypoint.sh'], undefined);
    assert.deepEqual(a.findings.filter((f) => f.ruleId === 'UID106' && f.severity === 'error'), []);
  });
});

describe('a start script written by tee from a download', () => {
  test('its text is not known', () => {
    const text = 'FROM debian:bookworm\nRUN curl -fsSL https://example.invalid/start.sh | tee /start.sh >/dev/null && chmod 755 /start.sh\nENTRYPOINT ["/start.sh"]\n';
    const a = analyze({ file: 'Dockerfile', text });
    assert.equal(a.image.texts['/start.sh'], undefined);
    assert.deepEqual(a.findings.filter((f) => f.ruleId === 'UID106'), []);
  });
});
