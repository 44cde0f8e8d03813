// The start command's user switch, tool by tool: ids, groups, HOME and working directory as
// measured with buildah on Debian 12 (tests/oracle/scenarios/privilege-drop.yaml), and each
// tool's own words when it cannot switch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseCompose } from '../../src/runtime/compose.js';
import { parseKubernetes } from '../../src/runtime/kubernetes.js';
import { locateDrop } from '../../src/runtime/privdrop.js';
import type { RunContext } from '../../src/model/types.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
// app (1000) is also in data (2000), as in the oracle's image.
const IMAGE = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y gosu s6 && groupadd -g 2000 data && useradd -m -u 1000 app && usermod -aG data app\n';
const run = (line: string) => parseDockerRun(line, { invoker });
const check = (extra: string, r?: RunContext) => analyze({ file: 'Dockerfile', text: IMAGE + extra, run: r });

describe('the identity after the switch', () => {
  const cases: { name: string; line: string; id: string; home: string; cwd?: string }[] = [
    { name: 'gosu app: the memberships and app\'s HOME', line: 'docker run img gosu app python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app),2000(data)', home: '/home/app' },
    { name: 'gosu sets HOME even over -e HOME', line: 'docker run -e HOME=/tmp img gosu app python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app),2000(data)', home: '/home/app' },
    { name: 'gosu app:app: no supplementary groups', line: 'docker run img gosu app:app python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app)', home: '/home/app' },
    { name: 'gosu 1000: the entry of the uid', line: 'docker run img gosu 1000 python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app),2000(data)', home: '/home/app' },
    { name: 'gosu to a uid with no entry keeps gid 0 and HOME /', line: 'docker run img gosu 1234 python x', id: 'uid=1234 gid=0(root) groups=0(root)', home: '/' },
    { name: 'su-exec app (from its source)', line: 'docker run img su-exec app python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app),2000(data)', home: '/home/app' },
    { name: 'su-exec app:data: that group alone', line: 'docker run img su-exec app:data python x', id: 'uid=1000(app) gid=2000(data) groups=2000(data)', home: '/home/app' },
    { name: 'setpriv --init-groups keeps root\'s HOME', line: 'docker run img setpriv --reuid=app --regid=app --init-groups python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app),2000(data)', home: '/root' },
    { name: 'setpriv without --regid keeps gid 0', line: 'docker run img setpriv --reuid=app --init-groups python x', id: 'uid=1000(app) gid=0(root) groups=0(root),1000(app),2000(data)', home: '/root' },
    { name: 'setpriv --reset-env takes HOME from the entry', line: 'docker run img setpriv --reuid app --regid app --clear-groups --reset-env python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app)', home: '/home/app' },
    { name: 'runuser -u app --', line: 'docker run img runuser -u app -- python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app),2000(data)', home: '/home/app' },
    { name: 'runuser -g data: that group alone', line: 'docker run img runuser -g data -u app -- python x', id: 'uid=1000(app) gid=2000(data) groups=2000(data)', home: '/home/app' },
    { name: 'chroot --userspec changes to /', line: 'docker run -w /tmp img chroot --userspec=app:app / python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app),2000(data)', home: '/root', cwd: '/' },
    { name: 'chroot --skip-chdir stays', line: 'docker run -w /tmp img chroot --userspec=app --skip-chdir / python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app),2000(data)', home: '/root', cwd: '/tmp' },
    { name: 's6-setuidgid app', line: 'docker run img s6-setuidgid app python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app),2000(data)', home: '/root' },
    { name: 's6-setuidgid uid:gid', line: 'docker run img s6-setuidgid 1000:1000 python x', id: 'uid=1000(app) gid=1000(app) groups=1000(app)', home: '/root' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const a = check('', run(c.line));
      assert.equal(a.identity.id, c.id);
      assert.equal(a.identity.home, c.home);
      assert.equal(a.identity.workdir, c.cwd ?? (c.line.includes('-w /tmp') ? '/tmp' : '/'));
      assert.deepEqual(a.identity.caps, []);
      assert.equal(a.identity.drop?.from.id, 'uid=0(root) gid=0(root) groups=0(root)');
      assert.equal(a.identity.drop?.error, null);
    });
  }

  test('setpriv --reset-env replaces the environment: PATH is the default path', () => {
    const a = check('ENV PIP_NO_CACHE_DIR=1\n', run('docker run img setpriv --reuid=app --regid=app --init-groups --reset-env python x'));
    assert.deepEqual(a.runtime.process.env, { SHELL: '/bin/sh', HOME: '/home/app', USER: 'app', LOGNAME: 'app', PATH: '/usr/local/bin:/bin:/usr/bin' });
  });

  test('runuser sets USER and LOGNAME; gosu leaves them', () => {
    assert.equal(check('', run('docker run img runuser -u app -- python x')).runtime.process.env.LOGNAME, 'app');
    assert.equal(check('', run('docker run img gosu app python x')).runtime.process.env.LOGNAME, undefined);
  });
});

describe('where the switch is written', () => {
  const cases: { name: string; df: string; r?: RunContext; command?: string; source?: string; assumed?: boolean }[] = [
    { name: 'exec-form CMD', df: 'CMD ["gosu", "app", "python", "train.py"]\n', command: 'gosu app', source: 'cmd' },
    { name: 'shell-form CMD with exec', df: 'CMD exec gosu app python train.py\n', command: 'gosu app', source: 'cmd' },
    { name: 'the last command of a shell-form CMD', df: 'CMD chown -R app /data && exec su-exec app python train.py\n', command: 'su-exec app', source: 'cmd' },
    { name: 'a user named by an ENV variable', df: 'ENV APP_USER=app\nCMD exec gosu "$APP_USER" python train.py\n', command: 'gosu app', source: 'cmd' },
    { name: 'SHELL bash -o pipefail -c', df: 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nCMD gosu app python train.py\n', command: 'gosu app', source: 'cmd' },
    { name: 'after tini --', df: 'ENTRYPOINT ["/usr/bin/tini", "--", "gosu", "app"]\nCMD ["python"]\n', command: 'gosu app', source: 'entrypoint' },
    { name: 'after dumb-init with a rewrite', df: 'ENTRYPOINT ["dumb-init", "-r", "15:2", "--"]\nCMD ["gosu", "app", "python"]\n', command: 'gosu app', source: 'cmd' },
    { name: 'in the arguments of an entrypoint script', df: 'ENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["gosu", "app", "python"]\n', command: 'gosu app', source: 'cmd', assumed: true },
    { name: 'in the docker run command', df: 'CMD ["python"]\n', r: run('docker run img gosu app python x'), command: 'gosu app', source: 'run' },
    { name: 'in --entrypoint', df: 'CMD ["python"]\n', r: run('docker run --entrypoint gosu img app python x'), command: 'gosu app', source: 'run' },
    {
      name: 'in a Compose command:',
      df: 'CMD ["python"]\n',
      r: parseCompose('services:\n  web:\n    image: x\n    command: ["gosu", "app", "python", "x"]\n', { env: {}, invoker }).services.web,
      command: 'gosu app',
      source: 'run',
    },
    {
      name: 'in Kubernetes command and args',
      df: 'CMD ["python"]\n',
      r: parseKubernetes('kind: Pod\nspec:\n  containers: [{name: c, command: [gosu], args: [app, python, x]}]\n')[0],
      command: 'gosu app',
      source: 'run',
    },
    { name: 'not when a later command runs as root', df: 'CMD gosu app python migrate.py; python serve.py\n' },
    { name: 'not behind a program that is not a script', df: 'ENTRYPOINT ["python"]\nCMD ["gosu", "app", "x"]\n' },
    { name: 'not for a user in a variable nobody sets', df: 'CMD exec gosu "$RUN_AS" python train.py\n' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const a = check(c.df, c.r);
      assert.equal(a.identity.drop?.command, c.command);
      assert.equal(a.identity.drop?.source, c.source);
      assert.equal(a.runtime.drop?.assumption?.id, c.assumed ? 'entrypoint:runs-arguments' : undefined);
      assert.equal(a.identity.uid, c.command ? 1000 : 0);
    });
  }

  test('locateDrop returns the tool\'s words and what precedes them', () => {
    assert.deepEqual(locateDrop(['entrypoint.sh', 'gosu', 'app', 'x'], {}), { words: ['gosu', 'app', 'x'], index: 1, via: 'entrypoint.sh' });
    assert.deepEqual(locateDrop(['sh', '-c', 'exec setpriv --reuid=app --clear-groups x'], {}), {
      words: ['setpriv', '--reuid=app', '--clear-groups', 'x'],
      index: 0,
      via: undefined,
    });
  });
});

describe('a switch the tool cannot make', () => {
  const cases: { name: string; line: string; df?: string; error: string }[] = [
    { name: 'gosu as uid 1000', line: 'docker run --user 1000 img gosu app python x', error: 'error: failed switching to "app": operation not permitted' },
    { name: 'gosu as root without CAP_SETUID', line: 'docker run --cap-drop SETUID img gosu app python x', error: 'error: failed switching to "app": operation not permitted' },
    { name: 'gosu with a user the image lacks', line: 'docker run img gosu nosuch python x', error: 'error: failed switching to "nosuch": unable to find user nosuch: no matching entries in passwd file' },
    { name: 'su-exec as uid 1000', line: 'docker run --user 1000 img su-exec app python x', error: 'su-exec: setgroups: Operation not permitted' },
    { name: 'setpriv --init-groups as uid 1000', line: 'docker run --user 1000 img setpriv --reuid=app --regid=app --init-groups python x', error: 'setpriv: initgroups failed: Operation not permitted' },
    { name: 'setpriv as root without CAP_SETUID', line: 'docker run --cap-drop SETUID img setpriv --reuid=app --regid=app --init-groups python x', error: 'setpriv: setresuid failed: Operation not permitted' },
    { name: 'setpriv --regid without a groups option', line: 'docker run img setpriv --reuid=app --regid=app python x', error: 'setpriv: --[re]gid requires --keep-groups, --clear-groups, --init-groups, or --groups' },
    { name: 'setpriv --init-groups for a uid with no entry', line: 'docker run img setpriv --reuid=1234 --regid=1234 --init-groups python x', error: 'setpriv: uid 1234 not found, --init-groups requires an user that can be found on the system' },
    { name: 'setpriv with an unknown user', line: 'docker run img setpriv --reuid=nosuch --regid=app --clear-groups python x', error: "setpriv: failed to parse reuid: 'nosuch'" },
    { name: 'runuser as uid 1000', line: 'docker run --user 1000 img runuser -u app -- python x', error: 'runuser: may not be used by non-root users' },
    { name: 'runuser reading -c as its own option', line: 'docker run img runuser -u app bash -c x', error: 'runuser: options --{shell,fast,command,session-command,login} and --user are mutually exclusive' },
    { name: 'runuser with an unknown user', line: 'docker run img runuser -u nosuch -- python x', error: 'runuser: user nosuch does not exist or the user entry does not contain all the required fields' },
    { name: 'chroot as uid 1000', line: 'docker run --user 1000 img chroot --userspec=app:app / python x', error: "chroot: cannot change root directory to '/': Operation not permitted" },
    { name: 'chroot as root without CAP_SETGID', line: 'docker run --cap-drop SETGID img chroot --userspec=app:app / python x', error: 'chroot: failed to set supplemental groups: Operation not permitted' },
    { name: 'chroot to a uid with no entry and no group', line: 'docker run img chroot --userspec=1234 / python x', error: 'chroot: no group specified for unknown uid: 1234' },
    { name: 's6-setuidgid as uid 1000', line: 'docker run --user 1000 img s6-setuidgid app python x', error: 's6-applyuidgid: fatal: unable to set supplementary group list: Operation not permitted' },
    { name: 's6-setuidgid with an unknown user', line: 'docker run img s6-setuidgid nosuch python x', error: 's6-envuidgid: fatal: unknown user: nosuch' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const a = check(c.df ?? '', run(c.line));
      assert.equal(a.identity.drop?.error, c.error);
      // The workload never runs: the identity stays the one the container starts as.
      assert.equal(a.identity.uid, c.line.includes('--user 1000') ? 1000 : 0);
    });
  }

  test('setpriv with the ids it already has and --keep-groups needs no privilege', () => {
    const a = check('', run('docker run --user 1000:1000 img setpriv --reuid=1000 --regid=1000 --keep-groups python x'));
    assert.equal(a.identity.drop?.error, null);
    assert.equal(a.identity.id, 'uid=1000(app) gid=1000(app) groups=1000(app)');
  });

  test('podman --cap-add SETUID,SETGID for a non-root user lets gosu switch (ambient capabilities)', () => {
    const a = check('', parseDockerRun('podman run --user 1001 --cap-add SETUID --cap-add SETGID img gosu app python x', { invoker }));
    assert.equal(a.identity.drop?.error, null);
    assert.equal(a.identity.uid, 1000);
  });
});

describe('where HOME came from after a switch', () => {
  const img = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y gosu && useradd -m app\n';
  const homeOf = (cmd: string, run = 'docker run img') => {
    const a = analyze({ file: 'Dockerfile', text: `${img}CMD ${cmd}\n`, run: parseDockerRun(run, { invoker: { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' } }) });
    return [a.identity.home, a.identity.homeFrom];
  };

  test('gosu sets it from the passwd entry', () => assert.deepEqual(homeOf('["gosu", "app", "x"]'), ['/home/app', 'passwd']));
  test('setpriv without --reset-env keeps the starting user\'s', () => assert.deepEqual(homeOf('["setpriv", "--reuid=app", "--regid=app", "--init-groups", "x"]'), ['/root', 'start']));
  test('a HOME given with -e stays one from the environment', () => assert.deepEqual(homeOf('["setpriv", "--reuid=app", "--regid=app", "--init-groups", "x"]', 'docker run -e HOME=/tmp img'), ['/tmp', 'env']));
});
