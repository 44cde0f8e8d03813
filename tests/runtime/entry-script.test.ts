// Entrypoint scripts whose text is known, followed as they run at start: as the user the
// container starts as, with the run's mounts in place and the command as "$@". The outcomes
// are the ones measured in tests/oracle/scenarios/entrypoint-scripts.yaml.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { runScript } from '../../src/shell/interpret.js';
import { resolveBase } from '../../src/image/catalog/index.js';
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
    assert.equal(a.findings.find((x) => x.ruleId === 'UID106')?.message, 'The container will not start its workload: /entrypoint.sh stops at its line 3 (/bin/sh: 1: gosu: not found), exit 127.');
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
