import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerRun, parseEnvFile, parseRunArgv, runFileShell, type ParsedRun } from '../../src/runtime/docker.js';
import { parseCompose } from '../../src/runtime/compose.js';
import { RunParseError } from '../../src/runtime/errors.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj', name: 'me' };
const env = { HOME: '/home/me', USER: 'me', DATA: '/srv/data', TOKEN: 's3cret' };

function parse(text: string): ParsedRun {
  return parseDockerRun(text, { invoker, env });
}

/** The fields a case checks, leaving origin/invoker/options out unless named. */
function pick(r: ParsedRun, keys: (keyof ParsedRun)[]): Partial<ParsedRun> {
  const out: Partial<ParsedRun> = {};
  for (const k of keys) (out as Record<string, unknown>)[k] = r[k];
  return out;
}

describe('parseDockerRun: the pytorch line from the brief', () => {
  test('every RunContext field', () => {
    const text =
      'docker run --rm -it --gpus all -u $(id -u):$(id -g) -v $PWD/data:/workspace/data:ro ' +
      'pytorch/pytorch:latest python train.py';
    const r = parseDockerRun(text, { invoker, file: 'run.sh', line: 3 });

    assert.deepEqual(r, {
      tool: 'docker',
      user: '1000:1000',
      groupAdd: [],
      mounts: [
        {
          target: '/workspace/data',
          kind: 'bind',
          source: '/home/me/proj/data',
          readonly: true,
          createMissingSource: true,
          written: '-v $PWD/data:/workspace/data:ro',
        },
      ],
      env: {},
      capAdd: [],
      capDrop: [],
      privileged: false,
      noNewPrivileges: false,
      readOnlyRootfs: false,
      publish: [],
      image: 'pytorch/pytorch:latest',
      command: ['python', 'train.py'],
      origin: { file: 'run.sh', line: 3, text },
      invoker,
      options: {
        rm: ['true'],
        interactive: ['true'],
        tty: ['true'],
        gpus: ['all'],
        user: ['1000:1000'],
        volume: ['/home/me/proj/data:/workspace/data:ro'],
      },
      warnings: [],
    });
  });
});

describe('parseDockerRun: users and shell expansion', () => {
  const cases: { name: string; text: string; user: string | undefined }[] = [
    { name: 'backquoted id -u', text: 'docker run -u `id -u` img', user: '1000' },
    { name: "$UID is bash's own: the invoker uid", text: 'docker run -u $UID img', user: '1000' },
    { name: 'id -un gives the invoker name', text: 'docker run --user "$(id -un)" img', user: 'me' },
    { name: 'id -u -n split letters', text: 'docker run --user=$(id -u -n) img', user: 'me' },
    { name: '$USER from the environment', text: 'docker run -u $USER img', user: 'me' },
    { name: 'attached short value', text: 'docker run -u1001:1001 img', user: '1001:1001' },
    { name: 'pflag -u=value form', text: 'docker run -u=0 img', user: '0' },
    { name: 'no -u keeps the image USER', text: 'docker run img', user: undefined },
    { name: 'empty -u means the image USER', text: "docker run -u '' img", user: undefined },
    { name: 'sudo with options', text: 'sudo -E -u root docker run -u $(id -u):$(id -g) img', user: '1000:1000' },
    { name: 'variable assigned earlier in the script', text: 'U=4242\ndocker run -u "$U" img', user: '4242' },
    { name: 'exported variable', text: 'set -e\nexport U=77\ndocker run -u ${U}:${U} img', user: '77:77' },
    { name: 'default value of an unset variable', text: 'docker run -u ${RUN_UID:-1234} img', user: '1234' },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(parse(c.text).user, c.user));
  }

  test('a variable the environment does not set expands empty, as in the shell, with a warning and an assumption', () => {
    const r = parseDockerRun('docker run -v $NOPE/x:/x img', { invoker, env, file: 'run.sh', line: 4 });
    assert.equal(r.mounts[0].source, '/x');
    assert.deepEqual(r.warnings, ['$NOPE is not set in the environment uidctl runs in: it expands to an empty string, as in a shell where it is unset (export it, or write its value, if your shell has it)']);
    assert.deepEqual(r.assumptions, [{
      id: 'run-variable:NOPE',
      subject: '$NOPE',
      text: '$NOPE is not set in the environment uidctl runs in, so the run line is read with it empty, as the shell expands an unset variable; if your shell sets it, export it before running uidctl',
      confidence: 'medium',
      file: 'run.sh',
      line: 4,
    }]);
  });

  test('--user ${UID}:${GID}: UID is bash\'s own (the invoker\'s uid, stated), GID unset is empty, never a literal $GID', () => {
    const r = parse('docker run --user ${UID}:${GID} img');
    assert.equal(r.user, '1000:');
    assert.deepEqual(r.assumptions?.map((a) => [a.id, a.confidence, a.text]), [
      ['run-variable:UID', 'high', "$UID in the run line is taken as 1000, the invoking user's uid: bash sets UID itself without exporting it (plain sh, such as dash, leaves it empty)"],
      ['run-variable:GID', 'medium', '$GID is not set in the environment uidctl runs in, so the run line is read with it empty, as the shell expands an unset variable; if your shell sets it, export it before running uidctl'],
    ]);
  });

  test('a variable in the environment is used, with no warning; GROUPS is the primary gid', () => {
    const r = parseDockerRun('docker run -u $UID:$GROUPS -v $DATA_DIR:/data img', { invoker: { ...invoker, gid: 1001 }, env: { ...env, DATA_DIR: '/srv/d' } });
    assert.deepEqual([r.user, r.mounts[0].source, r.warnings], ['1000:1001', '/srv/d', []]);
    assert.deepEqual(r.assumptions?.map((a) => a.id), ['run-variable:UID', 'run-variable:GROUPS']);
  });

  test('a default or an assignment in the text is no warning', () => {
    const r = parse('GID=1002\ndocker run -u ${RUN_UID:-1000}:$GID -v ${DATA:-/x}:/d img');
    assert.deepEqual([r.user, r.warnings, r.assumptions], ['1000:1002', [], undefined]);
  });

  test('an empty unquoted expansion is no word; "$@" with no arguments is none', () => {
    const r = parse('docker run img $1 "$@" ""');
    assert.deepEqual(r.command, ['']);
    assert.deepEqual(r.warnings, ['$1 is a script argument, and none is given here: it expands to nothing', '$@ is a script argument, and none is given here: it expands to nothing']);
  });

  test('${X?} of an unset variable stops the line as the shell does', () => {
    assert.throws(() => parseDockerRun('docker run -u ${GID:?set GID first} img', { invoker, env, file: 'run.sh', line: 2 }), (e: unknown) => {
      assert.ok(e instanceof RunParseError);
      assert.deepEqual([e.detail, e.file, e.line], ['GID: set GID first', 'run.sh', 2]);
      return true;
    });
  });

  test('an option an unset variable made wrong names the variable', () => {
    assert.throws(() => parse('docker run -v $DATA_DIR:/data img'), (e: unknown) => {
      assert.ok(e instanceof RunParseError);
      assert.equal(e.detail, "invalid volume specification: ':/data' ($DATA_DIR is not set in the environment uidctl runs in, so it expands to nothing, as in a shell)");
      return true;
    });
  });

  test('an unknown command substitution stays visible and is warned about', () => {
    const r = parse('docker run -u $(stat -c %u data) img');
    assert.equal(r.user, undefined);
    assert.equal(r.userUnknown, '$(stat -c %u data)');
    assert.deepEqual(r.warnings, ['cannot evaluate $(stat -c %u data); kept as written']);
    assert.deepEqual(r.assumptions, [{
      id: 'run-user:unknown',
      subject: '--user',
      text: '--user $(stat -c %u data): the command substitution is not run, so the user is not known; the identity shown is a stand-in (nobody, 65534), not a prediction',
      confidence: 'low',
    }]);
  });

  test('--user $(cat uid.txt) and $(git config user.name) are not known either; a later --user wins', () => {
    assert.equal(parse('docker run --user $(cat uid.txt) img').userUnknown, '$(cat uid.txt)');
    assert.equal(parse('docker run --user "$(git config user.name)":1000 img').userUnknown, '$(git config user.name):1000');
    const later = parse('docker run --user $(cat uid.txt) --user 1000 img');
    assert.deepEqual([later.user, later.userUnknown, later.assumptions], ['1000', undefined, undefined]);
  });
});

describe('parseDockerRun: programs, subcommands and line continuations', () => {
  const cases: { name: string; text: string; tool: string; image: string; command?: string[] }[] = [
    { name: 'docker container run', text: 'docker container run alpine id', tool: 'docker', image: 'alpine', command: ['id'] },
    { name: 'podman run', text: 'podman run --rm -it fedora bash', tool: 'podman', image: 'fedora', command: ['bash'] },
    { name: 'nerdctl counts as docker', text: 'nerdctl run -d nginx', tool: 'docker', image: 'nginx' },
    { name: 'full path to docker', text: '/usr/bin/docker run busybox', tool: 'docker', image: 'busybox' },
    { name: 'global option before run', text: 'docker --context prod -D run busybox', tool: 'docker', image: 'busybox' },
    { name: 'docker create reads the same flags', text: 'docker create -v /x busybox', tool: 'docker', image: 'busybox' },
    {
      name: 'backslash-newline continuations',
      text: 'docker run \\\n  --rm \\\n  -v "$PWD":/src \\\n  node:20 \\\n  npm test',
      tool: 'docker',
      image: 'node:20',
      command: ['npm', 'test'],
    },
    { name: '-- ends the options', text: 'docker run --rm -- img -v', tool: 'docker', image: 'img', command: ['-v'] },
    { name: 'flags after the image belong to the command', text: 'docker run img -u 5', tool: 'docker', image: 'img', command: ['-u', '5'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = parse(c.text);
      assert.deepEqual([r.tool, r.image, r.command], [c.tool, c.image, c.command]);
    });
  }

  test('the line of the run command inside a script', () => {
    const r = parseDockerRun('#!/bin/sh\nset -e\n\ndocker run img', { invoker, file: 'run.sh', line: 1 });
    assert.deepEqual(r.origin, { file: 'run.sh', line: 4, text: 'docker run img' });
  });
});

describe('parseDockerRun: mounts', () => {
  const cases: { name: string; text: string; mounts: ParsedRun['mounts'] }[] = [
    {
      name: 'relative ./ bind against the cwd',
      text: 'docker run -v ./out:/out img',
      mounts: [{ target: '/out', kind: 'bind', source: '/home/me/proj/out', readonly: false, createMissingSource: true, written: '-v ./out:/out' }],
    },
    {
      name: '~ bind against the home',
      text: 'docker run -v ~/.cache:/root/.cache img',
      mounts: [{ target: '/root/.cache', kind: 'bind', source: '/home/me/.cache', readonly: false, createMissingSource: true, written: '-v ~/.cache:/root/.cache' }],
    },
    {
      name: 'named volume with nocopy',
      text: 'docker run --volume=pgdata:/var/lib/postgresql/data:nocopy img',
      mounts: [{ target: '/var/lib/postgresql/data', kind: 'volume', source: 'pgdata', readonly: false, createMissingSource: false, written: '--volume=pgdata:/var/lib/postgresql/data:nocopy', nocopy: true }],
    },
    {
      name: 'anonymous volume',
      text: 'docker run -v /data img',
      mounts: [{ target: '/data', kind: 'anonymous', readonly: false, createMissingSource: false, written: '-v /data' }],
    },
    {
      name: 'SELinux z and ro together',
      text: 'docker run -v /etc/app:/etc/app:ro,Z img',
      mounts: [{ target: '/etc/app', kind: 'bind', source: '/etc/app', readonly: true, createMissingSource: true, written: '-v /etc/app:/etc/app:ro,Z' }],
    },
    {
      name: 'podman -v refuses a missing source',
      text: 'podman run -v $DATA:/data img',
      mounts: [{ target: '/data', kind: 'bind', source: '/srv/data', readonly: false, createMissingSource: false, written: '-v $DATA:/data' }],
    },
    {
      name: '--mount bind readonly',
      text: 'docker run --mount type=bind,source="$(pwd)"/target,target=/app,readonly img',
      mounts: [{ target: '/app', kind: 'bind', source: '/home/me/proj/target', readonly: true, createMissingSource: false, written: '--mount type=bind,source="$(pwd)"/target,target=/app,readonly' }],
    },
    {
      name: '--mount bind with bind-create-src',
      text: 'docker run --mount type=bind,src=/h,dst=/c,bind-create-src img',
      mounts: [{ target: '/c', kind: 'bind', source: '/h', readonly: false, createMissingSource: true, written: '--mount type=bind,src=/h,dst=/c,bind-create-src' }],
    },
    {
      name: '--mount volume is the default type, ro=true',
      text: 'docker run --mount source=cache,destination=/cache,ro=true,volume-nocopy img',
      mounts: [{ target: '/cache', kind: 'volume', source: 'cache', readonly: true, createMissingSource: false, written: '--mount source=cache,destination=/cache,ro=true,volume-nocopy', nocopy: true }],
    },
    {
      name: '--mount tmpfs with tmpfs-mode',
      text: 'docker run --mount type=tmpfs,dst=/scratch,tmpfs-mode=1770 img',
      mounts: [{ target: '/scratch', kind: 'tmpfs', readonly: false, createMissingSource: false, written: '--mount type=tmpfs,dst=/scratch,tmpfs-mode=1770', tmpfsMode: 0o1770 }],
    },
    {
      name: '--tmpfs with mode, uid and gid',
      text: 'docker run --tmpfs /run:rw,noexec,mode=0700,uid=1000,gid=1000 img',
      mounts: [{ target: '/run', kind: 'tmpfs', readonly: false, createMissingSource: false, written: '--tmpfs /run:rw,noexec,mode=0700,uid=1000,gid=1000', tmpfsMode: 0o700, tmpfsUid: 1000, tmpfsGid: 1000 }],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(parse(c.text).mounts, c.mounts));
  }
});

describe('parseDockerRun: other options', () => {
  const cases: { name: string; text: string; keys: (keyof ParsedRun)[]; want: Partial<ParsedRun> }[] = [
    {
      name: 'combined -itd and -e forms',
      text: 'docker run -itd -e A=1 --env B=two -e TOKEN -e MISSING --env-file .env img',
      keys: ['env', 'envFiles', 'warnings'],
      want: {
        env: { A: '1', B: 'two', TOKEN: 's3cret' },
        envFiles: ['/home/me/proj/.env'],
        warnings: ['-e MISSING: not set in the invoking environment, so not passed'],
      },
    },
    {
      name: 'caps normalised: prefix, case, ALL',
      text: 'docker run --cap-drop=all --cap-add net_bind_service --cap-add CAP_chown img',
      keys: ['capAdd', 'capDrop'],
      want: { capAdd: ['CAP_NET_BIND_SERVICE', 'CAP_CHOWN'], capDrop: ['ALL'] },
    },
    {
      name: 'security options and switches',
      text: 'docker run --privileged --read-only --security-opt no-new-privileges:true --security-opt seccomp=unconfined img',
      keys: ['privileged', 'readOnlyRootfs', 'noNewPrivileges'],
      want: { privileged: true, readOnlyRootfs: true, noNewPrivileges: true },
    },
    {
      name: 'no-new-privileges=false and --privileged=false',
      text: 'docker run --privileged=false --security-opt=no-new-privileges=false img',
      keys: ['privileged', 'noNewPrivileges'],
      want: { privileged: false, noNewPrivileges: false },
    },
    {
      name: 'group-add, workdir, userns, publish',
      text: 'docker run --group-add video --group-add 44 -w /work --userns=host -p 8080:80 -p127.0.0.1:9000:9000 img',
      keys: ['groupAdd', 'workdir', 'userns', 'publish'],
      want: { groupAdd: ['video', '44'], workdir: '/work', userns: 'host', publish: ['8080:80', '127.0.0.1:9000:9000'] },
    },
    {
      name: 'podman splits comma lists in --group-add, keep-id',
      text: 'podman run --userns keep-id --group-add keep-groups,wheel img',
      keys: ['groupAdd', 'userns'],
      want: { groupAdd: ['keep-groups', 'wheel'], userns: 'keep-id' },
    },
    {
      name: 'entrypoint override and reset',
      text: 'docker run --entrypoint /bin/sh img -c id',
      keys: ['entrypoint', 'command'],
      want: { entrypoint: ['/bin/sh'], command: ['-c', 'id'] },
    },
    {
      name: 'empty entrypoint resets it',
      text: "docker run --entrypoint='' img",
      keys: ['entrypoint', 'command'],
      want: { entrypoint: [], command: undefined },
    },
    {
      name: 'options kept by canonical name (--net, -h, --name, --runtime)',
      text: 'docker run --net=host -h box --name web --runtime nvidia img',
      keys: ['options'],
      want: { options: { network: ['host'], hostname: ['box'], name: ['web'], runtime: ['nvidia'] } },
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(pick(parse(c.text), c.keys), c.want));
  }
});

describe('parseDockerRun: errors', () => {
  const cases: { name: string; text: string; message: RegExp; flag?: string }[] = [
    { name: 'unknown long flag', text: 'docker run --frobnicate img', message: /unknown flag: --frobnicate/, flag: '--frobnicate' },
    { name: 'unknown short flag in a group', text: 'docker run -itZ img', message: /unknown shorthand flag: 'Z'/, flag: '-Z' },
    { name: 'value flag at the end', text: 'docker run -v', message: /flag needs an argument: -v/, flag: '-v' },
    { name: 'no image', text: 'docker run --rm', message: /requires an image name/ },
    { name: 'not a run command', text: 'docker ps -a', message: /expected "docker run", found "docker ps"/ },
    { name: 'no docker at all', text: 'echo hello', message: /no "docker run"/ },
    { name: 'bad volume option', text: 'docker run -v /a:/b:rx img', message: /invalid mode: rx/, flag: '-v' },
    { name: 'relative volume target', text: 'docker run -v /a:b img', message: /must be an absolute path/ },
    { name: 'bad boolean value', text: 'docker run --rm=maybe img', message: /invalid argument "maybe" for "--rm"/ },
    { name: 'unknown --mount key', text: 'docker run --mount type=bind,src=/a,dst=/b,colour=red img', message: /unexpected key 'colour'/ },
    { name: 'shell syntax error', text: 'docker run "img', message: /shell syntax/ },
    { name: 'an IPC mode docker does not know', text: 'docker run --ipc=bogus img', message: /--ipc: invalid IPC mode$/, flag: '--ipc' },
    { name: 'container: with no name', text: 'docker run --ipc container: img', message: /--ipc: invalid IPC mode$/, flag: '--ipc' },
    { name: 'the last --ipc is the one checked', text: 'docker run --ipc host --ipc=shared img', message: /--ipc: invalid IPC mode$/, flag: '--ipc' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => parseDockerRun(c.text, { invoker, env, file: 'run.sh', line: 1 }),
        (e: unknown) => {
          assert.ok(e instanceof RunParseError, String(e));
          assert.match(e.message, c.message);
          assert.match(e.message, /^run\.sh:\d+: /);
          if (c.flag) assert.equal(e.flag, c.flag);
          return true;
        },
      );
    });
  }
});

describe('--env-file: docker\'s format, read through readEnvFile', () => {
  const files: Record<string, string> = {
    './env.list': '# a comment\n\n  HOME=/root\nQUOTED="kept as written"\nTOKEN\nUNSET\nEMPTY=\r\nA=1=2\n',
    'second.env': 'HOME=/second\nB=2\n',
  };
  const readEnvFile = (p: string) => files[p];
  const cases: { name: string; text: string; env: Record<string, string> }[] = [
    {
      name: 'NAME=VALUE lines, comments and blanks skipped, a bare NAME from the invoking environment',
      text: 'docker run --env-file ./env.list img',
      env: { HOME: '/root', QUOTED: '"kept as written"', TOKEN: 's3cret', EMPTY: '', A: '1=2' },
    },
    {
      name: 'a later file wins over an earlier one, -e wins over both whatever its place',
      text: 'docker run -e B=flag --env-file ./env.list --env-file second.env img',
      env: { HOME: '/second', QUOTED: '"kept as written"', TOKEN: 's3cret', EMPTY: '', A: '1=2', B: 'flag' },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(parseDockerRun(c.text, { invoker, env, readEnvFile }).env, c.env);
    });
  }

  test('a missing env file is docker\'s error', () => {
    assert.throws(
      () => parseDockerRun('docker run --env-file ./nope.list img', { invoker, env, readEnvFile, file: 'run.sh', line: 1 }),
      { name: 'RunParseError', message: 'run.sh:1: open ./nope.list: no such file or directory' },
    );
  });

  const bad: { name: string; text: string; message: string }[] = [
    { name: 'white space inside a name', text: 'MY VAR=1\n', message: "invalid env file (x.env): variable 'MY VAR' contains whitespaces" },
    { name: 'no name before =', text: '=1\n', message: "invalid env file (x.env): no variable name on line '=1'" },
  ];
  for (const c of bad) {
    test(`refused: ${c.name}`, () => {
      assert.throws(() => parseEnvFile(c.text, 'x.env', {}), { message: c.message });
    });
  }
});

describe('parseRunArgv', () => {
  test('takes words already split', () => {
    const r = parseRunArgv(['docker', 'run', '-u', 'app', 'img'], { invoker });
    assert.deepEqual([r.user, r.image, r.origin.text], ['app', 'img', 'docker run -u app img']);
  });
});

describe('arithmetic in a run line', () => {
  test('$((...)) over numbers and known variables is evaluated, as the shell does', () => {
    assert.equal(parse('docker run -u $((1000+1)) img').user, '1001');
    assert.equal(parse('docker run -u "$(id -u):$((1000*2))" img').user, '1000:2000');
  });

  test('arithmetic on a variable the environment does not give takes it as 0, as the shell does, with a warning', () => {
    const r = parse('docker run -u $((NOPE+1)) img');
    assert.equal(r.user, '1');
    assert.deepEqual(r.assumptions?.map((a) => a.id), ['run-variable:NOPE']);
  });
});

describe('--ipc values docker accepts', () => {
  for (const mode of ['', 'none', 'private', 'shareable', 'host', 'container:db']) {
    test(`--ipc=${mode} is kept as given`, () => {
      assert.deepEqual(parse(`docker run --ipc=${mode} img`).options?.ipc, [mode]);
    });
  }

  test('podman words its own check: its values are left to it', () => {
    assert.deepEqual(parse('podman run --ipc=ns:/proc/1/ns/ipc img').options?.ipc, ['ns:/proc/1/ns/ipc']);
  });
});

describe('parseDockerRun: the shell a run file names', () => {
  test('runFileShell reads the #! line', () => {
    const cases: [string, string][] = [
      ['#!/bin/bash\n', 'bash'], ['#!/usr/bin/env bash\n', 'bash'], ['#! /bin/bash -e\r\n', 'bash'],
      ['#!/bin/sh\n', 'sh'], ['#!/bin/sh -eu\n', 'sh'], ['#!/bin/dash\n', 'dash'], ['#!/bin/ash\n', 'sh'],
      ['#!/usr/bin/env -S zsh -f\n', 'zsh'], ['#!/bin/zsh\n', 'zsh'], ['docker run img\n', 'none'], ['', 'none'],
    ];
    assert.deepEqual(cases.map(([text]) => [text, runFileShell(text)]), cases);
  });

  test('#!/bin/sh (dash): $UID is empty, so --user $UID:$(id -g) is --user :1000, with a warning and an assumption', () => {
    const text = '#!/bin/sh\ndocker run --user $UID:$(id -g) img\n';
    const r = parseDockerRun(text, { invoker, env, file: 'run.sh', shell: runFileShell(text) });
    assert.equal(r.user, ':1000');
    assert.deepEqual(r.warnings, ['$UID is empty under sh (the #! line): only bash sets UID, so it expands to an empty string']);
    assert.deepEqual(r.assumptions, [{
      id: 'run-variable:UID',
      subject: '$UID',
      text: "$UID is empty: the run file's #! line names sh, which does not set UID (only bash does), and the environment uidctl runs in does not have it",
      confidence: 'medium',
      file: 'run.sh',
      line: 2,
    }]);
  });

  test('#!/bin/sh: $UID met in several words and lines is warned of once, and a $(cmd) used twice once', () => {
    const text = '#!/bin/sh\nHOST_UID=$UID\ndocker run --user $UID:$(id -g) -e HOST_UID=$HOST_UID -e U=$UID -e A=$(foo) -e B=$(foo) img\n';
    const r = parseDockerRun(text, { invoker, env, file: 'run.sh', shell: runFileShell(text) });
    assert.deepEqual(r.warnings, [
      'cannot evaluate $(foo); kept as written',
      '$UID is empty under sh (the #! line): only bash sets UID, so it expands to an empty string',
    ]);
    assert.deepEqual(r.assumptions?.filter((a) => a.id === 'run-variable:UID').length, 1);
  });

  test('#!/bin/sh: a line an empty $UID breaks says why in the warning\'s words', () => {
    const text = '#!/bin/sh\ndocker run -u $UID img\n';
    assert.throws(() => parseDockerRun(text, { invoker, env, file: 'run.sh', shell: runFileShell(text) }), {
      name: 'RunParseError',
      message: 'run.sh:2: "docker run" requires an image name ($UID is empty under sh (the #! line; only bash sets it), so it expands to nothing, as in a shell)',
    });
    const both = '#!/bin/sh\ndocker run -u $UID $NOPE img\n';
    assert.throws(() => parseDockerRun(both, { invoker, env, file: 'run.sh', shell: runFileShell(both) }), {
      message: 'run.sh:2: "docker run" requires an image name ($NOPE is not set in the environment uidctl runs in, and $UID is empty under sh (the #! line; only bash sets it), so they expand to nothing, as in a shell)',
    });
  });

  test('two run commands on one line: the line is named once', () => {
    const r = parseDockerRun('docker run a || docker run b\n', { invoker, env, file: 'run.sh' });
    assert.equal(r.note, 'run.sh holds 2 run commands (both on line 1); checking the first, line 1');
  });

  test('#!/bin/dash: $EUID and $GROUPS are empty too', () => {
    const r = parseDockerRun('#!/bin/dash\ndocker run --user $EUID:$GROUPS img\n', { invoker, env, shell: 'dash' });
    assert.equal(r.user, ':');
    assert.deepEqual(r.warnings, [
      '$EUID is empty under dash (the #! line): only bash sets EUID, so it expands to an empty string',
      '$GROUPS is empty under dash (the #! line): only bash sets GROUPS, so it expands to an empty string',
    ]);
  });

  test('#!/bin/bash, no #! line and --run text: $UID is the invoker\'s, as before', () => {
    for (const shell of ['bash', 'none', undefined] as const) {
      const r = parseDockerRun('docker run --user $UID:$(id -g) img', { invoker, env, shell });
      assert.equal(r.user, '1000:1000');
      assert.deepEqual(r.warnings, []);
      assert.deepEqual(r.assumptions?.map((a) => [a.id, a.text]), [
        ['run-variable:UID', "$UID in the run line is taken as 1000, the invoking user's uid: bash sets UID itself without exporting it (plain sh, such as dash, leaves it empty)"],
      ]);
    }
  });

  test('#!/bin/zsh: UID and GID are zsh\'s own; GROUPS is not', () => {
    const r = parseDockerRun('docker run --user $UID:$GID img', { invoker, env: { ...env, GID: '5' }, shell: 'zsh' });
    assert.equal(r.user, '1000:1000');
    assert.deepEqual(r.assumptions?.map((a) => a.id), ['run-variable:UID', 'run-variable:GID']);
    const g = parseDockerRun('docker run --user 1:$GROUPS img', { invoker, env, shell: 'zsh' });
    assert.equal(g.user, '1:');
  });

  test('an exported UID reaches a sh run file through the environment', () => {
    const r = parseDockerRun('docker run --user $UID img', { invoker, env: { ...env, UID: '1234' }, shell: 'sh' });
    assert.deepEqual([r.user, r.warnings, r.assumptions], ['1234', [], undefined]);
  });
});

describe('~user in a run line, as the shell expands it', () => {
  const inv = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj', name: 'me' };

  test('~root/x is root\'s home, /root/x, with an assumption saying where that comes from', () => {
    const r = parseDockerRun('docker run -v ~root/x:/x img', { invoker: inv });
    assert.equal(r.mounts[0].source, '/root/x');
    assert.deepEqual(r.assumptions, [{
      id: 'run-tilde:root',
      subject: '~root',
      text: '~root in the run line is taken as /root, root\'s home folder on Linux; the shell reads it from the host\'s /etc/passwd, which uidctl does not read',
      confidence: 'high',
    }]);
  });

  test('~me is the invoker\'s home; ~bob is kept as written, with a warning', () => {
    const r = parseDockerRun('docker run -v ~me/d:/d -v ~bob/y:/y img', { invoker: inv });
    assert.equal(r.mounts[0].source, '/home/me/d');
    assert.deepEqual(r.warnings, ['cannot tell the home folder of user bob (~bob): the host\'s /etc/passwd is not read; kept as written']);
  });
});

describe('--volumes-from', () => {
  test('the other container\'s mounts are not known: a low-confidence assumption naming it', () => {
    const r = parseDockerRun('docker run --volumes-from data:ro img', { invoker, file: 'run.sh' });
    assert.deepEqual(r.assumptions, [{
      id: 'volumes-from:data',
      subject: '--volumes-from data:ro',
      text: '--volumes-from data:ro: the container also gets the mounts of container data, at their paths there; they are not known here, so the paths they cover are judged as the image has them',
      confidence: 'low',
      file: 'run.sh',
      line: 1,
    }]);
  });
});

describe('the Docker daemon a run line names', () => {
  const daemonOfLine = (text: string, env: Record<string, string> = {}) => {
    const r = parseDockerRun(text, { invoker, env });
    return [r.daemon, r.assumptions?.map((a) => [a.id, a.confidence])];
  };
  const cases: [string, string, Record<string, string>, unknown][] = [
    ['-H ssh://: another machine', 'docker -H ssh://gpu-box run img', {}, [{ kind: 'remote', via: '-H ssh://gpu-box' }, [['docker-daemon:remote', 'low']]]],
    ['--host=tcp://', 'docker --host=tcp://10.0.0.5:2376 run img', {}, [{ kind: 'remote', via: '--host tcp://10.0.0.5:2376' }, [['docker-daemon:remote', 'low']]]],
    ['--context X: not known here', 'docker --context lab run img', {}, [{ kind: 'unknown', via: '--context lab' }, [['docker-daemon:unknown', 'low']]]],
    ['--context default: this machine\'s', 'docker --context default run img', {}, [undefined, undefined]],
    ['a DOCKER_HOST prefix of the rootless socket', 'DOCKER_HOST=unix:///run/user/1000/docker.sock docker run img', {}, [{ kind: 'rootless', via: 'DOCKER_HOST=unix:///run/user/1000/docker.sock', uid: 1000 }, [['docker-daemon:rootless', 'medium']]]],
    ['DOCKER_HOST exported earlier', 'export DOCKER_HOST=ssh://lab\ndocker run img', {}, [{ kind: 'remote', via: 'DOCKER_HOST=ssh://lab' }, [['docker-daemon:remote', 'low']]]],
    ['DOCKER_HOST in the environment', 'docker run img', { DOCKER_HOST: 'ssh://lab' }, [{ kind: 'remote', via: 'DOCKER_HOST=ssh://lab' }, [['docker-daemon:remote', 'low']]]],
    ['-H wins over DOCKER_HOST', 'docker -H unix:///var/run/docker.sock run img', { DOCKER_HOST: 'ssh://lab' }, [undefined, undefined]],
    ['env DOCKER_CONTEXT=rootless', 'env DOCKER_CONTEXT=rootless docker run img', {}, [{ kind: 'rootless', via: 'DOCKER_CONTEXT=rootless', uid: 1000 }, [['docker-daemon:rootless', 'medium']]]],
  ];
  for (const [name, text, env, want] of cases) test(name, () => assert.deepEqual(daemonOfLine(text, env), want));
});

describe('the library refuses a missing invoker in words, not with a TypeError from inside', () => {
  test('parseDockerRun and parseCompose name the option', () => {
    const untyped = {} as unknown as Parameters<typeof parseDockerRun>[1];
    assert.throws(() => parseDockerRun('docker run img', untyped), { name: 'TypeError', message: 'parseDockerRun: options.invoker is required (the uid, gid, home and cwd of who runs the command)' });
    assert.throws(() => parseCompose('services:\n  a:\n    image: img\n', untyped), { name: 'TypeError', message: 'parseComposeFiles: options.invoker is required (the uid, gid, home and cwd of who runs docker compose)' });
  });
});

describe('errors in a run command continued over several lines name the line of the word at fault', () => {
  const at = (text: string) => {
    try {
      parseDockerRun(text, { invoker, file: 'l.sh' });
    } catch (e) {
      assert.ok(e instanceof RunParseError, String(e));
      return `${e.line}: ${e.detail}`;
    }
    return 'no error';
  };

  test('an unknown flag on line 3', () => {
    assert.equal(at('docker run \\\n  -v /a:/b \\\n  --bogus \\\n  img\n'), '3: unknown flag: --bogus');
  });

  test('a bad value, a flag with no value, a bad shorthand, after a script\'s first lines', () => {
    assert.equal(at('#!/bin/sh\nset -e\ndocker run \\\n  -v /a:/b \\\n  -v :/x \\\n  img\n'), "5: invalid volume specification: ':/x'");
    assert.equal(at('docker run \\\n  -v /a:/b \\\n  -u\n'), '3: flag needs an argument: -u');
    assert.equal(at('docker run -it \\\n  -Z img\n'), "2: unknown shorthand flag: 'Z' in -Z");
    assert.equal(at('docker \\\n  --bogus run img\n'), '2: unknown docker option before the command: --bogus');
  });

  test('a one-line command keeps its line', () => {
    assert.equal(at('echo hi\ndocker run --bogus img\n'), '2: unknown flag: --bogus');
  });
});


describe('$(stat -c FORMAT PATH) in a run line: the host path\'s owner, from the caller', () => {
  const invoker = { uid: 1001, gid: 1001, home: '/home/sam', cwd: '/home/sam/proj' };
  const owners: Record<string, { uid: number; gid: number }> = { '/home/sam/proj/data': { uid: 1002, gid: 2000 }, '/srv/x': { uid: 7, gid: 8 } };
  const statHost = (p: string, _follow: boolean) => owners[p];
  const parse = (line: string, withStat = true) => parseDockerRun(line, { invoker, statHost: withStat ? statHost : undefined });
  test('%u, %g and %u:%g of a relative or absolute path', () => {
    assert.equal(parse('docker run -u "$(stat -c %u data)" img').user, '1002');
    assert.equal(parse("docker run --user $(stat -c '%u:%g' /srv/x) img").user, '7:8');
    assert.equal(parse('docker run -u $(stat --format=%u:%g ./data) img').user, '1002:2000');
    assert.equal(parse('docker run -u $(stat -L -c%g data) img').user, '2000');
  });
  test('not evaluated without a reader, for a path the host does not show, or another format', () => {
    for (const [line, withStat] of [['docker run -u "$(stat -c %u data)" img', false], ['docker run -u "$(stat -c %u nope)" img', true], ['docker run -u "$(stat -c %U data)" img', true], ['docker run -u "$(stat data)" img', true]] as const) {
      const r = parse(line, withStat);
      assert.equal(r.user, undefined, line);
      assert.match(r.userUnknown ?? '', /^\$\(stat /, line);
    }
  });
});
