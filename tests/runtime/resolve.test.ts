import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../src/access/evaluate.js';
import { parseGroup, parsePasswd } from '../../src/image/accounts.js';
import { scratchState } from '../../src/image/state.js';
import type { FileMeta, HostPathFacts, ImageState, RunContext } from '../../src/model/types.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { resolveRuntime, runAsIdentity, tweakCapabilities, ALL_LINUX_CAPS } from '../../src/runtime/resolve.js';
import { DOCKER_DEFAULT_CAPS } from '../../src/access/evaluate.js';
import { OVERFLOW_ID, mapHostFacts, usernsMapping } from '../../src/runtime/userns.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj', name: 'me' };

const dir = (uid: number, gid: number, mode: number): FileMeta => ({ kind: 'dir', uid, gid, mode });

/** A small Debian-like image: root, alice (1000, in video and sudo), bob (1001), /app owned by alice. */
function image(config: Partial<ImageState['config']> = {}): ImageState {
  const s = scratchState();
  s.accounts.passwd = parsePasswd(
    'root:x:0:0:root:/root:/bin/bash\n' +
      'alice:x:1000:1000::/home/alice:/bin/bash\n' +
      'bob:x:1001:1001::/home/bob:/bin/sh\n',
  );
  s.accounts.group = parseGroup(
    'root:x:0:\nsudo:x:27:alice\nvideo:x:44:alice,bob\nalice:x:1000:\nbob:x:1001:\nstaff:x:50:\n',
  );
  for (const [p, m] of [
    ['/root', dir(0, 0, 0o700)],
    ['/home', dir(0, 0, 0o755)],
    ['/home/alice', dir(1000, 1000, 0o750)],
    ['/app', dir(1000, 1000, 0o755)],
    ['/app/cache', dir(1000, 1000, 0o700)],
    ['/app/cache/x', { kind: 'file', uid: 1000, gid: 1000, mode: 0o600 }],
    ['/tmp', dir(0, 0, 0o1777)],
    ['/workspace', dir(0, 0, 0o755)],
    ['/workspace/old', dir(0, 0, 0o755)],
  ] as [string, FileMeta][]) {
    s.fs.set(p, m);
  }
  Object.assign(s.config, config);
  return s;
}

function run(text: string, env?: Record<string, string>): RunContext {
  return parseDockerRun(text, { invoker, env });
}

const dataFacts = (uid: number, mode = 0o755): HostPathFacts[] => [
  { path: '/home/me/proj/data', exists: true, meta: dir(uid, uid, mode), from: 'facts-file' },
];

describe('resolveRuntime: who the process is', () => {
  const cases: {
    name: string;
    text: string;
    config?: Partial<ImageState['config']>;
    want: { uid: number; gid: number; groups: number[]; home: string; homeFrom: string; hasPasswdEntry: boolean; userName?: string };
  }[] = [
    {
      name: 'uid with no passwd entry runs with gid 0, HOME / and no name',
      text: 'docker run -u 4242 img',
      want: { uid: 4242, gid: 0, groups: [0], home: '/', homeFrom: 'default', hasPasswdEntry: false, userName: undefined },
    },
    {
      name: '--user name gets the supplementary groups from /etc/group',
      text: 'docker run --user alice img',
      want: { uid: 1000, gid: 1000, groups: [1000, 27, 44], home: '/home/alice', homeFrom: 'passwd', hasPasswdEntry: true, userName: 'alice' },
    },
    {
      name: '--user uid (numeric) also gets them',
      text: 'docker run --user 1000 img',
      want: { uid: 1000, gid: 1000, groups: [1000, 27, 44], home: '/home/alice', homeFrom: 'passwd', hasPasswdEntry: true, userName: 'alice' },
    },
    {
      name: '--user name:group drops the supplementary groups',
      text: 'docker run --user alice:staff img',
      want: { uid: 1000, gid: 50, groups: [50], home: '/home/alice', homeFrom: 'passwd', hasPasswdEntry: true, userName: 'alice' },
    },
    {
      name: '$(id -u):$(id -g) of the invoker matches alice by uid, explicit gid',
      text: 'docker run -u $(id -u):$(id -g) img',
      want: { uid: 1000, gid: 1000, groups: [1000], home: '/home/alice', homeFrom: 'passwd', hasPasswdEntry: true, userName: 'alice' },
    },
    {
      name: '--group-add by name and by number after the passwd groups',
      text: 'docker run -u bob --group-add staff --group-add 999 --group-add video img',
      want: { uid: 1001, gid: 1001, groups: [1001, 44, 50, 999], home: '/home/bob', homeFrom: 'passwd', hasPasswdEntry: true, userName: 'bob' },
    },
    {
      name: 'the image USER applies without -u',
      text: 'docker run img',
      config: { user: 'bob' },
      want: { uid: 1001, gid: 1001, groups: [1001, 44], home: '/home/bob', homeFrom: 'passwd', hasPasswdEntry: true, userName: 'bob' },
    },
    {
      name: '-e HOME wins over passwd',
      text: 'docker run -u alice -e HOME=/tmp img',
      want: { uid: 1000, gid: 1000, groups: [1000, 27, 44], home: '/tmp', homeFrom: 'env', hasPasswdEntry: true, userName: 'alice' },
    },
    {
      name: 'an empty -e HOME= is replaced by the passwd home',
      text: 'docker run -u alice -e HOME= img',
      want: { uid: 1000, gid: 1000, groups: [1000, 27, 44], home: '/home/alice', homeFrom: 'passwd', hasPasswdEntry: true, userName: 'alice' },
    },
    {
      name: 'image ENV HOME wins over passwd',
      text: 'docker run -u 1001 img',
      config: { env: { HOME: '/opt/home' } },
      want: { uid: 1001, gid: 1001, groups: [1001, 44], home: '/opt/home', homeFrom: 'env', hasPasswdEntry: true, userName: 'bob' },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = resolveRuntime(image(c.config), run(c.text), [], { engine: 'docker' });
      const p = r.process;
      assert.deepEqual(r.errors, []);
      assert.deepEqual(
        { uid: p.uid, gid: p.gid, groups: p.groups, home: p.home, homeFrom: p.homeFrom, hasPasswdEntry: p.hasPasswdEntry, userName: p.userName },
        c.want,
      );
      assert.equal(p.env.HOME, c.want.home);
    });
  }

  test('an unknown user name is a start failure with Docker\'s words', () => {
    const r = resolveRuntime(image(), run('docker run -u carol img'), [], { engine: 'docker' });
    assert.deepEqual(r.errors, [{ message: 'unable to find user carol: no matching entries in passwd file' }]);
  });

  test('an unknown --group-add name is a start failure', () => {
    const r = resolveRuntime(image(), run('docker run --group-add docker img'), [], { engine: 'docker' });
    assert.deepEqual(r.errors, [{ message: 'unable to find group docker: no matching entries in group file' }]);
  });

  test('env: default PATH added when the image has none, run env over image env', () => {
    const r = resolveRuntime(image({ env: { A: 'image', B: 'image' } }), run('docker run -e B=run img'), [], { engine: 'docker' });
    assert.deepEqual(r.process.env, {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      A: 'image',
      B: 'run',
      HOME: '/root',
    });
  });

  test('runAsIdentity labels the process', () => {
    const r = resolveRuntime(image(), run('docker run -u alice img'), [], { engine: 'docker' });
    assert.equal(runAsIdentity(r.process).label, 'uid 1000 (alice)');
    const n = resolveRuntime(image(), run('docker run -u 4242 img'), [], { engine: 'docker' });
    assert.equal(n.identity.label, 'uid 4242 (no passwd entry)');
  });

  test('podman --userns=keep-id runs as the caller when the image sets no USER', () => {
    const r = resolveRuntime(image(), run('podman run --userns=keep-id img'), [], { engine: 'podman' });
    assert.deepEqual([r.process.uid, r.process.gid, r.process.userName], [1000, 1000, 'alice']);
  });

  test('podman --userns=keep-id keeps an image USER (released podman, issue #29600)', () => {
    const r = resolveRuntime(image({ user: 'bob' }), run('podman run --userns=keep-id img'), [], { engine: 'podman' });
    assert.deepEqual([r.process.uid, r.process.gid, r.process.userName], [1001, 1001, 'bob']);
  });
});

describe('resolveRuntime: capabilities', () => {
  const defaults = [...DOCKER_DEFAULT_CAPS];
  const cases: { name: string; text: string; want: string[] }[] = [
    { name: 'root gets Docker\'s default set', text: 'docker run img', want: defaults },
    { name: 'cap-drop ALL for root leaves nothing', text: 'docker run --cap-drop ALL img', want: [] },
    { name: 'cap-drop ALL then add one', text: 'docker run --cap-drop all --cap-add chown img', want: ['CAP_CHOWN'] },
    { name: 'cap-drop one', text: 'docker run --cap-drop DAC_OVERRIDE img', want: defaults.filter((c) => c !== 'CAP_DAC_OVERRIDE') },
    { name: 'cap-add SYS_ADMIN', text: 'docker run --cap-add SYS_ADMIN img', want: [...defaults, 'CAP_SYS_ADMIN'] },
    { name: 'cap-add ALL minus a drop', text: 'docker run --cap-add ALL --cap-drop MKNOD img', want: ALL_LINUX_CAPS.filter((c) => c !== 'CAP_MKNOD') },
    { name: 'privileged has every capability', text: 'docker run --privileged --cap-drop CHOWN img', want: [...ALL_LINUX_CAPS] },
    { name: 'a non-root uid has no effective capability', text: 'docker run -u 1000 --cap-add DAC_OVERRIDE img', want: [] },
    { name: 'even when privileged', text: 'docker run -u alice --privileged img', want: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = resolveRuntime(image(), run(c.text), [], { engine: 'docker' });
      assert.deepEqual([...r.process.caps].sort(), [...c.want].sort());
    });
  }

  test('tweakCapabilities keeps the order drop-then-add', () => {
    assert.deepEqual([...tweakCapabilities(['CAP_CHOWN', 'CAP_KILL'], ['CAP_KILL'], ['CAP_KILL'], false)], ['CAP_CHOWN', 'CAP_KILL']);
  });

  test('no-new-privileges reaches the process', () => {
    const r = resolveRuntime(image(), run('docker run --security-opt no-new-privileges img'), [], { engine: 'docker' });
    assert.equal(r.process.noNewPrivileges, true);
  });
});

describe('resolveRuntime: the file system view and verdicts', () => {
  test('bind mount owned 1001: uid 1000 cannot create (EACCES), uid 1001 can', () => {
    const as1000 = resolveRuntime(image(), run('docker run -u 1000:1000 -v $PWD/data:/workspace/data img'), dataFacts(1001), { engine: 'docker' });
    const v1 = evaluate(as1000.identity, as1000.view, '/workspace/data/out.pt', 'create');
    assert.deepEqual([v1.allowed, v1.errno, v1.where], [false, 'EACCES', '/workspace/data']);

    const as1001 = resolveRuntime(image(), run('docker run -u 1001:1001 -v $PWD/data:/workspace/data img'), dataFacts(1001), { engine: 'docker' });
    const v2 = evaluate(as1001.identity, as1001.view, '/workspace/data/out.pt', 'create');
    assert.deepEqual([v2.allowed, v2.errno], [true, undefined]);
  });

  test('bind mount hides the image content and marks the host listing partial', () => {
    const r = resolveRuntime(image(), run('docker run -v $PWD/data:/workspace img'), dataFacts(1001), { engine: 'docker' });
    assert.equal(r.view.fs.has('/workspace/old'), false);
    assert.deepEqual(r.view.fs.get('/workspace'), { ...dir(1001, 1001, 0o755), origin: 'host:/home/me/proj/data', partial: true });
    assert.deepEqual(r.view.mounts.at(-1), { target: '/workspace', readonly: false, describe: 'a bind mount of /home/me/proj/data' });
  });

  test('host facts of children appear under the target', () => {
    const facts: HostPathFacts[] = [
      ...dataFacts(1000),
      { path: '/home/me/proj/data/model.pt', exists: true, meta: { kind: 'file', uid: 0, gid: 0, mode: 0o600 }, from: 'stat' },
    ];
    const r = resolveRuntime(image(), run('docker run -u 1000 -v ./data:/d img'), facts, { engine: 'docker' });
    const v = evaluate(r.identity, r.view, '/d/model.pt', 'read');
    assert.deepEqual([v.allowed, v.errno], [false, 'EACCES']);
  });

  test(':ro gives EROFS even to root', () => {
    const r = resolveRuntime(image(), run('docker run -v $PWD/data:/workspace/data:ro img'), dataFacts(0, 0o777), { engine: 'docker' });
    const v = evaluate(r.identity, r.view, '/workspace/data/x', 'create');
    assert.deepEqual([v.allowed, v.errno], [false, 'EROFS']);
  });

  test('cap-drop ALL makes root obey the mode bits of a bind mount', () => {
    const r = resolveRuntime(image(), run('docker run --cap-drop ALL -v $PWD/data:/d img'), dataFacts(1001), { engine: 'docker' });
    assert.equal(evaluate(r.identity, r.view, '/d/f', 'create').errno, 'EACCES');
  });

  test('-v with a missing source: created root:root 0755 with a note', () => {
    const facts: HostPathFacts[] = [{ path: '/home/me/proj/data', exists: false, from: 'stat' }];
    const r = resolveRuntime(image(), run('docker run -u 1000 -v $PWD/data:/d img'), facts, { engine: 'docker' });
    assert.deepEqual(r.errors, []);
    assert.equal(r.view.fs.get('/d')?.uid, 0);
    assert.equal(r.view.fs.get('/d')?.mode, 0o755);
    assert.ok(r.notes.some((n) => n.text === '/home/me/proj/data does not exist on the host: -v $PWD/data:/d creates it as root:root 0755'));
    assert.equal(evaluate(r.identity, r.view, '/d/x', 'create').errno, 'EACCES');
  });

  test('--mount with a missing source refuses to start', () => {
    const facts: HostPathFacts[] = [{ path: '/h', exists: false, from: 'stat' }];
    const r = resolveRuntime(image(), run('docker run --mount type=bind,src=/h,dst=/c img'), facts, { engine: 'docker' });
    assert.deepEqual(r.errors, [{ message: 'invalid mount config for type "bind": bind source path does not exist: /h' }]);
  });

  test('podman -v with a missing source refuses to start', () => {
    const facts: HostPathFacts[] = [{ path: '/h', exists: false, from: 'stat' }];
    const r = resolveRuntime(image(), run('podman run -v /h:/c img'), facts, { engine: 'podman' });
    assert.deepEqual(r.errors, [{ message: 'statfs /h: no such file or directory' }]);
  });

  test('a bind source with no facts is an assumption the verdict depends on', () => {
    const r = resolveRuntime(image(), run('docker run -v /srv/x:/x img'), [], { engine: 'docker' });
    const v = evaluate(r.identity, r.view, '/x/f', 'create');
    assert.deepEqual(v.dependsOn, ['host-unknown:/srv/x']);
  });

  test('a new named volume copies the image directory: owner, mode and content', () => {
    const r = resolveRuntime(image(), run('docker run -u 1001 -v cache:/app/cache img'), [], { engine: 'docker' });
    assert.deepEqual(r.view.fs.get('/app/cache'), dir(1000, 1000, 0o700));
    assert.equal(r.view.fs.get('/app/cache/x')?.mode, 0o600);
    assert.equal(evaluate(r.identity, r.view, '/app/cache/y', 'create').errno, 'EACCES');
    assert.ok(r.notes.some((n) => n.assumption?.id === 'volume-new:cache'));
  });

  test('a named volume on a path the image lacks is root:root 0755 (docker)', () => {
    const r = resolveRuntime(image(), run('docker run -u 1000 -v models:/models img'), [], { engine: 'docker' });
    assert.deepEqual(r.view.fs.get('/models'), { ...dir(0, 0, 0o755), origin: 'volume models (new, empty)' });
    assert.equal(evaluate(r.identity, r.view, '/models/m.bin', 'create').errno, 'EACCES');
  });

  test('podman gives such a volume to the process user', () => {
    const r = resolveRuntime(image(), run('podman run -u 1000 -v models:/models img'), [], { engine: 'podman' });
    assert.deepEqual([r.view.fs.get('/models')?.uid, r.view.fs.get('/models')?.gid], [1000, 1000]);
  });

  describe('a new volume where the image may or may not have the directory', () => {
    const partial = () => {
      const img = image();
      img.fs.set('/opt', { ...dir(1000, 100, 0o2775), partial: true });
      return img;
    };
    const cases: { name: string; img: () => ImageState; run: string; engine: 'docker' | 'podman'; want: { owner: string; dependsOn: string[] } }[] = [
      {
        name: 'docker, parent listing partial: root 0755, resting on a low-confidence assumption',
        img: partial,
        run: 'docker run -v cache:/opt/pkgs img',
        engine: 'docker',
        want: { owner: '0:0 755', dependsOn: ['volume-new:cache', 'volume-path-unknown:/opt/pkgs'] },
      },
      {
        name: 'podman, parent listing partial: the process user\'s, same assumption',
        img: partial,
        run: 'podman run -u 1000 -v cache:/opt/pkgs img',
        engine: 'podman',
        want: { owner: '1000:1000 755', dependsOn: ['volume-new:cache', 'volume-path-unknown:/opt/pkgs'] },
      },
      {
        name: 'parent listing complete: the directory is known to be missing, no assumption about it',
        img: image,
        run: 'docker run -v cache:/workspace/pkgs img',
        engine: 'docker',
        want: { owner: '0:0 755', dependsOn: ['volume-new:cache'] },
      },
    ];
    for (const c of cases) {
      test(c.name, () => {
        const r = resolveRuntime(c.img(), run(c.run), [], { engine: c.engine });
        const target = r.view.mounts.at(-1)!.target;
        const m = r.view.fs.get(target)!;
        const v = evaluate(r.identity, r.view, `${target}/f`, 'create');
        assert.deepEqual({ owner: `${m.uid}:${m.gid} ${m.mode.toString(8)}`, dependsOn: v.dependsOn }, c.want);
        const a = r.notes.find((n) => n.assumption?.id.startsWith('volume-path-unknown'))?.assumption;
        if (c.want.dependsOn.length > 1) assert.equal(a?.confidence, 'low');
      });
    }
  });

  test('nocopy leaves an empty root-owned volume even where the image has content', () => {
    const r = resolveRuntime(image(), run('docker run -v cache:/app/cache:nocopy img'), [], { engine: 'docker' });
    assert.deepEqual(r.view.fs.get('/app/cache'), { ...dir(0, 0, 0o755), origin: 'volume cache (new, empty)' });
    assert.equal(r.view.fs.has('/app/cache/x'), false);
  });

  test('an image VOLUME becomes an anonymous volume with the image owner', () => {
    const r = resolveRuntime(image({ volumes: ['/app/cache'] }), run('docker run img'), [], { engine: 'docker' });
    assert.deepEqual(r.view.mounts.at(-1), { target: '/app/cache', readonly: false, describe: 'an anonymous volume (image VOLUME)' });
    assert.equal(r.view.fs.get('/app/cache')?.uid, 1000);
  });

  test('tmpfs is root 1777 and hides the image content; options change it', () => {
    const r = resolveRuntime(image(), run('docker run -u 4242 --tmpfs /app/cache --tmpfs /scratch:mode=0700,uid=1000 img'), [], { engine: 'docker' });
    assert.deepEqual(r.view.fs.get('/app/cache'), { ...dir(0, 0, 0o1777), origin: 'tmpfs' });
    assert.equal(r.view.fs.has('/app/cache/x'), false);
    assert.deepEqual(r.view.fs.get('/scratch'), { ...dir(1000, 0, 0o700), origin: 'tmpfs' });
    assert.equal(evaluate(r.identity, r.view, '/app/cache/f', 'create').allowed, true);
  });

  test('--read-only: the image is EROFS, mounts stay writable', () => {
    const r = resolveRuntime(image(), run('docker run --read-only --tmpfs /tmp img'), [], { engine: 'docker' });
    assert.equal(r.view.readOnlyRoot, true);
    assert.equal(evaluate(r.identity, r.view, '/app/f', 'create').errno, 'EROFS');
    assert.equal(evaluate(r.identity, r.view, '/tmp/f', 'create').allowed, true);
  });

  test('podman --read-only adds writable tmpfs on /tmp, /run, /var/tmp', () => {
    const r = resolveRuntime(image(), run('podman run --read-only img'), [], { engine: 'podman' });
    assert.deepEqual(r.view.mounts.map((m) => m.target), ['/dev/shm', '/tmp', '/run', '/var/tmp']);
  });

  describe('/dev/shm: the tmpfs every container gets', () => {
    const cases: { name: string; run: string; engine: 'docker' | 'podman'; want: { meta?: FileMeta; mount?: string; create: boolean; dependsOn: string[] } }[] = [
      {
        name: 'docker: a root-owned 1777 tmpfs, writable by any uid, even with --read-only',
        run: 'docker run --read-only -u 4242 img',
        engine: 'docker',
        want: { meta: { ...dir(0, 0, 0o1777), origin: 'tmpfs /dev/shm (engine default)' }, mount: 'the engine\'s /dev/shm tmpfs', create: true, dependsOn: [] },
      },
      {
        name: 'podman: the same tmpfs',
        run: 'podman run -u 4242 img',
        engine: 'podman',
        want: { meta: { ...dir(0, 0, 0o1777), origin: 'tmpfs /dev/shm (engine default)' }, mount: 'the engine\'s /dev/shm tmpfs', create: true, dependsOn: [] },
      },
      {
        name: '--ipc=host: the host\'s /dev/shm, assumed 1777',
        run: 'docker run --ipc=host -u 4242 img',
        engine: 'docker',
        want: { meta: { ...dir(0, 0, 0o1777), origin: 'host /dev/shm (--ipc=host)' }, mount: 'the host\'s /dev/shm (--ipc=host)', create: true, dependsOn: ['ipc-host-shm'] },
      },
      {
        name: '--ipc=none: no /dev/shm at all',
        run: 'docker run --ipc none -u 4242 img',
        engine: 'docker',
        want: { meta: undefined, mount: undefined, create: false, dependsOn: [] },
      },
      {
        name: 'a user tmpfs on /dev/shm replaces the default one',
        run: 'docker run --tmpfs /dev/shm:mode=0700 -u 4242 img',
        engine: 'docker',
        want: { meta: { ...dir(0, 0, 0o700), origin: 'tmpfs' }, mount: 'a tmpfs', create: false, dependsOn: [] },
      },
    ];
    for (const c of cases) {
      test(c.name, () => {
        const r = resolveRuntime(image(), run(c.run), [], { engine: c.engine });
        const v = evaluate(r.identity, r.view, '/dev/shm/seg', 'create');
        assert.deepEqual(
          { meta: r.view.fs.get('/dev/shm'), mount: r.view.mounts.find((m) => m.target === '/dev/shm')?.describe, create: v.allowed, dependsOn: v.dependsOn },
          c.want,
        );
      });
    }
  });

  test('mounts apply shallow first, so a nested mount survives its parent', () => {
    const facts: HostPathFacts[] = [
      { path: '/a', exists: true, meta: dir(1, 1, 0o755), from: 'stat' },
      { path: '/b', exists: true, meta: dir(2, 2, 0o755), from: 'stat' },
    ];
    const r = resolveRuntime(image(), run('docker run -v /b:/w/in -v /a:/w img'), facts, { engine: 'docker' });
    assert.deepEqual([r.view.fs.get('/w')?.uid, r.view.fs.get('/w/in')?.uid], [1, 2]);
  });
});

describe('resolveRuntime: working directory', () => {
  test('docker creates a missing -w owned by root 0755', () => {
    const r = resolveRuntime(image(), run('docker run -u 1000 -w /work/sub img'), [], { engine: 'docker' });
    assert.equal(r.process.cwd, '/work/sub');
    assert.deepEqual([r.view.fs.get('/work')?.uid, r.view.fs.get('/work/sub')?.uid, r.view.fs.get('/work/sub')?.mode], [0, 0, 0o755]);
    assert.equal(evaluate(r.identity, r.view, '/work/sub/out', 'create').errno, 'EACCES');
  });

  test('podman creates a missing image WORKDIR owned by the run user', () => {
    const r = resolveRuntime(image({ workdir: '/srv/app' }), run('podman run -u 1000 img'), [], { engine: 'podman' });
    assert.deepEqual([r.view.fs.get('/srv')?.uid, r.view.fs.get('/srv/app')?.uid, r.view.fs.get('/srv/app')?.gid], [0, 1000, 1000]);
    assert.equal(evaluate(r.identity, r.view, '/srv/app/out', 'create').allowed, true);
  });

  test('podman refuses a missing -w', () => {
    const r = resolveRuntime(image(), run('podman run -w /nope img'), [], { engine: 'podman' });
    assert.deepEqual(r.errors, [{ message: 'workdir "/nope" does not exist on container', workdir: true }]);
  });

  test('an existing workdir is left alone', () => {
    const r = resolveRuntime(image({ workdir: '/app' }), run('docker run img'), [], { engine: 'docker' });
    assert.equal(r.process.cwd, '/app');
    assert.deepEqual(r.view.fs.get('/app'), dir(1000, 1000, 0o755));
  });

  test('a relative -w is refused', () => {
    const r = resolveRuntime(image(), run('docker run -w rel img'), [], { engine: 'docker' });
    assert.deepEqual(r.errors, [{ message: "the working directory 'rel' is invalid, it needs to be an absolute path", workdir: true }]);
  });

  test('podman refuses a relative -w in its own words, once (measured: podman 4.3 create and start)', () => {
    const r = resolveRuntime(image(), run('podman run -w tmp img'), [], { engine: 'podman' });
    assert.deepEqual(r.errors, [{ message: 'workdir "tmp" does not exist on container', workdir: true }]);
  });
});

describe('mounts the engine refuses', () => {
  const file = (path: string) => ({ path, exists: true, from: 'facts-file' as const, meta: { kind: 'file' as const, uid: 0, gid: 0, mode: 0o644 } });
  const folder = (path: string) => ({ path, exists: true, from: 'facts-file' as const, meta: { kind: 'dir' as const, uid: 0, gid: 0, mode: 0o755 } });

  test('two -v on one path: Docker\'s words, and the two mounts named', () => {
    const r = resolveRuntime(image(), run('docker run -v /h/a:/data -v /h/b:/data/ img'), [folder('/h/a'), folder('/h/b')], { engine: 'docker' });
    assert.deepEqual(r.errors.map((e) => [e.message, e.mount?.clash, e.mount?.other?.written, e.mount?.spec.written]), [
      ['Duplicate mount point: /data', 'duplicate', '-v /h/a:/data', '-v /h/b:/data/'],
    ]);
  });

  test('podman: duplicate mount destination, --tmpfs counted too', () => {
    const r = resolveRuntime(image(), run('podman run --tmpfs /data -v /h/a:/data img'), [folder('/h/a')], { engine: 'podman' });
    assert.deepEqual(r.errors.map((e) => e.message), ['/data: duplicate mount destination']);
  });

  test('a host file onto a folder of the image, a host folder onto a file: ENOTDIR', () => {
    const img = image();
    img.fs.set('/srv', dir(0, 0, 0o755));
    img.fs.set('/srv/conf', dir(0, 0, 0o755));
    img.fs.set('/srv/app.yml', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
    const r = resolveRuntime(img, run('docker run -v /h/f:/srv/conf -v /h/d:/srv/app.yml img'), [file('/h/f'), folder('/h/d')], { engine: 'docker' });
    assert.deepEqual(r.errors.map((e) => [e.mount?.clash, e.mount?.sourceKind, e.mount?.imageKind, e.message.split(': Are you')[0]]), [
      ['kind', 'file', 'dir', 'error mounting "/h/f" to rootfs at "/srv/conf": not a directory'],
      ['kind', 'dir', 'file', 'error mounting "/h/d" to rootfs at "/srv/app.yml": not a directory'],
    ]);
  });
});

describe('rootless podman user namespaces', () => {
  const base = { tool: 'podman' as const, groupAdd: [], mounts: [], env: {}, capAdd: [], capDrop: [], privileged: false, noNewPrivileges: false, readOnlyRootfs: false, publish: [], origin: { text: '' } };
  const invoker = { uid: 1001, gid: 1001, home: '/home/me', cwd: '/home/me' };
  const facts = [
    { path: '/home/me/out', exists: true, from: 'facts-file' as const, meta: { kind: 'dir' as const, uid: 1001, gid: 1001, mode: 0o755 } },
    { path: '/srv/other', exists: true, from: 'facts-file' as const, meta: { kind: 'dir' as const, uid: 1002, gid: 1002, mode: 0o755 } },
  ];

  test('maps the invoker to root and other ids to the overflow id', () => {
    const m = usernsMapping({ ...base, invoker }, 'podman');
    const mapped = mapHostFacts(facts, m);
    assert.deepEqual([mapped[0].meta?.uid, mapped[0].meta?.gid, mapped[0].meta?.unmapped], [0, 0, undefined]);
    assert.deepEqual([mapped[1].meta?.uid, mapped[1].meta?.unmapped], [OVERFLOW_ID, true]);
  });

  test('keeps the invoker uid with --userns=keep-id', () => {
    const mapped = mapHostFacts(facts, usernsMapping({ ...base, invoker, userns: 'keep-id' }, 'podman'));
    assert.equal(mapped[0].meta?.uid, 1001);
  });

  test('changes nothing for docker, for a root invoker, or with --userns=host', () => {
    assert.equal(usernsMapping({ ...base, tool: 'docker', invoker }, 'docker'), undefined);
    assert.equal(usernsMapping({ ...base, invoker: { ...invoker, uid: 0 } }, 'podman'), undefined);
    assert.equal(usernsMapping({ ...base, invoker, userns: 'host' }, 'podman'), undefined);
  });

  test('root inside gets no capability override on an unmapped owner', () => {
    const rootCaps = { uid: 0, gid: 0, groups: [], caps: new Set(['CAP_DAC_OVERRIDE']) };
    const v = evaluate(rootCaps, { fs: new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/x', { kind: 'dir', uid: OVERFLOW_ID, gid: OVERFLOW_ID, mode: 0o755, unmapped: true }]]), mounts: [], readOnlyRoot: false }, '/x', 'create');
    assert.equal(v.allowed, false);
    assert.equal(v.errno, 'EACCES');
  });
});
