// podman's run-time differences that decide identity and capabilities: --userns=keep-id (who
// the process is, the passwd line podman adds, the id mapping) and --cap-add for a non-root
// user. Sources are cited in src/runtime/resolve.ts and userns.ts; podman run cannot run on the
// oracle machines, so these follow the source, not a measurement.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DOCKER_DEFAULT_CAPS, evaluate } from '../../src/access/evaluate.js';
import { parseGroup, parsePasswd } from '../../src/image/accounts.js';
import { scratchState } from '../../src/image/state.js';
import type { FileMeta, ImageState } from '../../src/model/types.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { ALL_LINUX_CAPS, resolveRuntime, type Engine } from '../../src/runtime/resolve.js';
import { engineFor, mapHostFacts, parseKeepId, usernsMapping } from '../../src/runtime/userns.js';

const lab = { uid: 1001, gid: 1001, home: '/home/lab', cwd: '/home/lab/proj', name: 'lab' };
const root = { uid: 0, gid: 0, home: '/root', cwd: '/root', name: 'root' };
const dir = (uid: number, gid: number, mode: number): FileMeta => ({ kind: 'dir', uid, gid, mode });

/** root and alice (1000, in video); /workspace root-owned; /t/zero a mode-000 directory. */
function image(config: Partial<ImageState['config']> = {}, extraPasswd = ''): ImageState {
  const s = scratchState();
  s.accounts.passwd = parsePasswd(
    'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n' + extraPasswd,
  );
  s.accounts.group = parseGroup('root:x:0:\nvideo:x:44:alice\nalice:x:1000:\n');
  for (const [p, m] of [
    ['/root', dir(0, 0, 0o700)],
    ['/home', dir(0, 0, 0o755)],
    ['/home/alice', dir(1000, 1000, 0o750)],
    ['/workspace', dir(0, 0, 0o755)],
    ['/t', dir(0, 0, 0o755)],
    ['/t/zero', dir(0, 0, 0o000)],
  ] as [string, FileMeta][]) {
    s.fs.set(p, m);
  }
  Object.assign(s.config, { workdir: '/workspace' }, config);
  return s;
}

describe('podman --userns=keep-id: who the process is', () => {
  const cases: {
    name: string;
    text: string;
    invoker?: typeof lab;
    config?: Partial<ImageState['config']>;
    passwd?: string;
    engine?: Engine;
    want: { uid: number; gid: number; groups: number[]; userName?: string; home: string; homeFrom: string };
  }[] = [
    {
      name: 'no USER in the image: the caller\'s ids, a passwd line with its name, HOME = the working dir',
      text: 'podman run --userns keep-id img',
      want: { uid: 1001, gid: 1001, groups: [1001], userName: 'lab', home: '/workspace', homeFrom: 'passwd' },
    },
    {
      name: 'the caller\'s home mounted at the same path becomes its HOME',
      text: 'podman run --userns=keep-id -v /home/lab:/home/lab img',
      want: { uid: 1001, gid: 1001, groups: [1001], userName: 'lab', home: '/home/lab', homeFrom: 'passwd' },
    },
    {
      name: 'a mount of a parent of the caller\'s home counts too',
      text: 'podman run --userns=keep-id -v /home:/home img',
      want: { uid: 1001, gid: 1001, groups: [1001], userName: 'lab', home: '/home/lab', homeFrom: 'passwd' },
    },
    {
      name: 'the image already has the caller\'s uid: its entry is used, no line is added',
      text: 'podman run --userns=keep-id img',
      passwd: 'bob:x:1001:1001::/home/bob:/bin/sh\n',
      want: { uid: 1001, gid: 1001, groups: [1001], userName: 'bob', home: '/home/bob', homeFrom: 'passwd' },
    },
    {
      name: 'the image USER still wins in released podman (issues #12992, #29600)',
      text: 'podman run --userns=keep-id img',
      config: { user: 'alice' },
      want: { uid: 1000, gid: 1000, groups: [1000, 44], userName: 'alice', home: '/home/alice', homeFrom: 'passwd' },
    },
    {
      name: '--user overrides keep-id',
      text: 'podman run --userns=keep-id --user 0 img',
      want: { uid: 0, gid: 0, groups: [0], userName: 'root', home: '/root', homeFrom: 'passwd' },
    },
    {
      name: 'keep-id:uid=,gid= picks an image user; no caller line is added',
      text: 'podman run --userns=keep-id:uid=1000,gid=1000 img',
      want: { uid: 1000, gid: 1000, groups: [1000], userName: 'alice', home: '/home/alice', homeFrom: 'passwd' },
    },
    {
      name: 'keep-id:uid= with an unknown uid gets podman\'s numeric passwd line (home = working dir)',
      text: 'podman run --userns=keep-id:uid=2000,gid=2000 img',
      want: { uid: 2000, gid: 2000, groups: [2000], userName: '2000', home: '/workspace', homeFrom: 'passwd' },
    },
    {
      name: 'a numeric --user with no entry gets the same line under podman',
      text: 'podman run -u 4242 img',
      want: { uid: 4242, gid: 0, groups: [0], userName: '4242', home: '/workspace', homeFrom: 'passwd' },
    },
    {
      name: '--passwd=false adds no line (as buildah run): no name, HOME=/',
      text: 'podman run --passwd=false -u 4242 img',
      want: { uid: 4242, gid: 0, groups: [0], userName: undefined, home: '/', homeFrom: 'default' },
    },
    {
      name: 'rootful podman (>= 4.5): keep-id runs as 0:0',
      text: 'podman run --userns=keep-id img',
      invoker: root,
      want: { uid: 0, gid: 0, groups: [0], userName: 'root', home: '/root', homeFrom: 'passwd' },
    },
    {
      name: 'rootful podman: keep-id:uid=1000,gid=1000 runs as alice',
      text: 'podman run --userns=keep-id:uid=1000,gid=1000 img',
      invoker: root,
      want: { uid: 1000, gid: 1000, groups: [1000], userName: 'alice', home: '/home/alice', homeFrom: 'passwd' },
    },
    {
      name: 'a podman run line is podman even when the engine option says docker',
      text: 'podman run --userns keep-id img',
      engine: 'docker',
      want: { uid: 1001, gid: 1001, groups: [1001], userName: 'lab', home: '/workspace', homeFrom: 'passwd' },
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const run = parseDockerRun(c.text, { invoker: c.invoker ?? lab });
      const r = resolveRuntime(image(c.config, c.passwd), run, [], { engine: c.engine ?? 'podman' });
      const p = r.process;
      assert.deepEqual(r.errors, []);
      assert.deepEqual(
        { uid: p.uid, gid: p.gid, groups: p.groups, userName: p.userName, home: p.home, homeFrom: p.homeFrom },
        { userName: undefined, ...c.want },
      );
    });
  }

  test('the keep-id note about an image USER is an assumption', () => {
    const run = parseDockerRun('podman run --userns=keep-id img', { invoker: lab });
    const r = resolveRuntime(image({ user: 'alice' }), run, [], { engine: 'podman' });
    assert.ok(r.notes.some((n) => n.assumption?.id === 'podman-keep-id-image-user'));
  });

  const bad: [string, string][] = [
    ['keep-id:foo', 'invalid option specified: "foo"'],
    ['keep-id:user=1', 'unknown option specified: "user"'],
    ['keep-id:uid=x', 'strconv.ParseUint: parsing "x": invalid syntax'],
    ['keep-id:uid=4294967296', 'strconv.ParseUint: parsing "4294967296": value out of range'],
  ];
  for (const [mode, error] of bad) {
    test(`--userns=${mode} does not start: ${error}`, () => {
      const run = parseDockerRun(`podman run --userns=${mode} img`, { invoker: lab });
      const r = resolveRuntime(image(), run, [], { engine: 'podman' });
      assert.deepEqual(r.errors, [{ message: error }]);
    });
  }

  test('parseKeepId reads uid, gid and size', () => {
    assert.deepEqual(parseKeepId('keep-id:uid=200,gid=210,size=1000'), { ok: true, opts: { uid: 200, gid: 210 } });
    assert.equal(parseKeepId('host'), undefined);
    assert.equal(parseKeepId(undefined), undefined);
  });
});

describe('podman --userns=keep-id: the id mapping', () => {
  const facts = [{ path: '/home/lab/out', exists: true, from: 'facts-file' as const, meta: dir(1001, 1001, 0o755) }];
  const cases: { name: string; userns?: string; invoker: typeof lab; want: [number, number] | undefined }[] = [
    { name: 'plain keep-id keeps the caller\'s ids', userns: 'keep-id', invoker: lab, want: [1001, 1001] },
    { name: 'keep-id:uid=1000,gid=1000 shows the caller\'s files as 1000:1000', userns: 'keep-id:uid=1000,gid=1000', invoker: lab, want: [1000, 1000] },
    { name: 'without keep-id the caller is root inside', invoker: lab, want: [0, 0] },
    { name: 'rootful keep-id copies the host mapping: nothing changes', userns: 'keep-id', invoker: root, want: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const run = parseDockerRun(`podman run ${c.userns ? `--userns=${c.userns} ` : ''}img`, { invoker: c.invoker });
      const m = usernsMapping(run, 'docker');
      if (c.want === undefined) {
        assert.equal(m, undefined);
        return;
      }
      const meta = mapHostFacts(facts, m)[0].meta!;
      assert.deepEqual([meta.uid, meta.gid], c.want);
    });
  }

  test('engineFor: only a podman line forces podman', () => {
    assert.equal(engineFor(parseDockerRun('podman run img', { invoker: lab }), 'docker'), 'podman');
    assert.equal(engineFor(parseDockerRun('docker run img', { invoker: lab }), 'podman'), 'podman');
    assert.equal(engineFor(parseDockerRun('docker run img', { invoker: lab }), 'docker'), 'docker');
  });
});

describe('--cap-add for a non-root user: podman raises it, Docker does not', () => {
  const podmanDefaults = [...DOCKER_DEFAULT_CAPS].filter((c) => !['CAP_MKNOD', 'CAP_NET_RAW', 'CAP_AUDIT_WRITE'].includes(c));
  const cases: { name: string; text: string; engine: Engine; caps: string[]; zero: [boolean, string | undefined] }[] = [
    { name: 'podman: -u 1001 --cap-add DAC_OVERRIDE reads a mode-000 dir', text: 'podman run -u 1001 --cap-add DAC_OVERRIDE img', engine: 'podman', caps: ['CAP_DAC_OVERRIDE'], zero: [true, undefined] },
    { name: 'docker: the same line gives nothing', text: 'docker run -u 1001 --cap-add DAC_OVERRIDE img', engine: 'docker', caps: [], zero: [false, 'EACCES'] },
    { name: 'podman: the defaults are not raised for a non-root user', text: 'podman run -u 1001 img', engine: 'podman', caps: [], zero: [false, 'EACCES'] },
    { name: 'podman: --privileged alone raises nothing for a non-root user', text: 'podman run -u 1001 --privileged img', engine: 'podman', caps: [], zero: [false, 'EACCES'] },
    { name: 'podman: --privileged with --cap-add raises the added one', text: 'podman run -u 1001 --privileged --cap-add CHOWN img', engine: 'podman', caps: ['CAP_CHOWN'], zero: [false, 'EACCES'] },
    { name: 'podman: --cap-add ALL raises every capability', text: 'podman run -u 1001 --cap-add ALL img', engine: 'podman', caps: [...ALL_LINUX_CAPS], zero: [true, undefined] },
    { name: 'podman: --cap-add ALL minus a dropped one (not in the bounding set)', text: 'podman run -u 1001 --cap-add ALL --cap-drop DAC_OVERRIDE img', engine: 'podman', caps: ALL_LINUX_CAPS.filter((c) => c !== 'CAP_DAC_OVERRIDE'), zero: [true, undefined] },
    { name: 'podman: --cap-drop ALL --cap-add one', text: 'podman run -u 1001 --cap-drop ALL --cap-add FOWNER img', engine: 'podman', caps: ['CAP_FOWNER'], zero: [false, 'EACCES'] },
    { name: 'podman: keep-id\'s caller gets the added capability too', text: 'podman run --userns keep-id --cap-add DAC_OVERRIDE img', engine: 'podman', caps: ['CAP_DAC_OVERRIDE'], zero: [true, undefined] },
    { name: 'podman: root keeps the whole bounding set', text: 'podman run --cap-add SYS_ADMIN img', engine: 'podman', caps: [...podmanDefaults, 'CAP_SYS_ADMIN'], zero: [true, undefined] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const run = parseDockerRun(c.text, { invoker: lab });
      const r = resolveRuntime(image(), run, [], { engine: c.engine });
      assert.deepEqual(r.errors, []);
      assert.deepEqual([...r.process.caps].sort(), [...c.caps].sort());
      const v = evaluate(r.identity, r.view, '/t/zero', 'read');
      assert.deepEqual([v.allowed, v.errno], c.zero);
    });
  }

  const conflicts: [string, string][] = [
    ['podman run -u 1001 --cap-add CHOWN --cap-drop CHOWN img', 'capability "CAP_CHOWN" cannot be dropped and added'],
    ['podman run --cap-add ALL --cap-drop ALL img', 'adding all caps and removing all caps not allowed'],
  ];
  for (const [text, error] of conflicts) {
    test(`podman refuses: ${error}`, () => {
      const r = resolveRuntime(image(), parseDockerRun(text, { invoker: lab }), [], { engine: 'podman' });
      assert.deepEqual(r.errors, [{ message: error }]);
    });
  }

  test('docker keeps accepting a capability both added and dropped', () => {
    const r = resolveRuntime(image(), parseDockerRun('docker run --cap-add CHOWN --cap-drop CHOWN img', { invoker: lab }), [], { engine: 'docker' });
    assert.deepEqual(r.errors, []);
  });
});

describe('run users that cannot start', () => {
  const cases: { name: string; text: string; config?: Partial<ImageState['config']>; error: string }[] = [
    { name: '--user -1', text: 'docker run --user -1 img', error: 'uids and gids must be in range 0-2147483647' },
    { name: '--user 4294967296', text: 'docker run --user 4294967296 img', error: 'uids and gids must be in range 0-2147483647' },
    { name: 'image USER -1', text: 'docker run img', config: { user: '-1' }, error: 'uids and gids must be in range 0-2147483647' },
    { name: '--user 1000:-1', text: 'docker run --user 1000:-1 img', error: 'uids and gids must be in range 0-2147483647' },
    { name: '--group-add -5', text: 'docker run --group-add -5 img', error: 'uids and gids must be in range 0-2147483647' },
    { name: 'an unknown name', text: 'docker run --user nosuch img', error: 'unable to find user nosuch: no matching entries in passwd file' },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.error}`, () => {
      const r = resolveRuntime(image(c.config), parseDockerRun(c.text, { invoker: lab }), [], { engine: 'docker' });
      assert.deepEqual(r.errors, [{ message: c.error }]);
    });
  }

  test('an unresolved user is flagged as a stand-in, a resolved one is not', () => {
    const bad = resolveRuntime(image(), parseDockerRun('docker run --user nosuch img', { invoker: lab }), [], { engine: 'docker' });
    assert.deepEqual([bad.userResolved, bad.process.uid, bad.process.homeFrom], [false, 65534, 'default']);
    const good = resolveRuntime(image(), parseDockerRun('docker run --user :1000 img', { invoker: lab }), [], { engine: 'docker' });
    assert.deepEqual([good.userResolved, good.process.uid, good.process.gid, good.process.groups], [true, 0, 1000, [1000]]);
  });
});

describe("podman's U volume option (measured: mounts/podman-chown-U)", () => {
  // The host folder belongs to 1000 with mode 0700 and holds a 0600 file of 1000's.
  const host = [
    { path: '/srv/mine', exists: true, meta: dir(1000, 1000, 0o700), from: 'facts-file' as const },
    { path: '/srv/mine/f', exists: true, meta: { kind: 'file' as const, uid: 1000, gid: 1000, mode: 0o600 }, from: 'facts-file' as const },
  ];
  const view = (text: string) => resolveRuntime(image(), parseDockerRun(text, { invoker: root }), host, { engine: 'podman' });

  test('-v SRC:DST:U gives the mount and what the host facts list in it to the process user, modes kept', () => {
    const r = view('podman run --user 1002:1003 -v /srv/mine:/data:U img');
    assert.deepEqual([r.view.fs.get('/data')?.uid, r.view.fs.get('/data')?.gid, r.view.fs.get('/data')?.mode], [1002, 1003, 0o700]);
    assert.deepEqual([r.view.fs.get('/data/f')?.uid, r.view.fs.get('/data/f')?.gid, r.view.fs.get('/data/f')?.mode], [1002, 1003, 0o600]);
    assert.equal(evaluate(r.identity, r.view, '/data/new', 'create').allowed, true);
    assert.equal(evaluate(r.identity, r.view, '/data/f', 'write').allowed, true);
    assert.ok(r.notes.some((n) => n.text.includes('podman gives /srv/mine and everything in it to 1002:1003')));
  });

  test('without U the host owner stays and the write is refused', () => {
    const r = view('podman run --user 1002:1003 -v /srv/mine:/data img');
    assert.equal(r.view.fs.get('/data')?.uid, 1000);
    assert.equal(evaluate(r.identity, r.view, '/data/new', 'create').errno, 'EACCES');
  });

  test('--mount with U=true does the same; docker knows neither spelling', () => {
    const r = view('podman run --user 1002:1003 --mount type=bind,src=/srv/mine,dst=/data,U=true img');
    assert.equal(r.view.fs.get('/data')?.uid, 1002);
    assert.throws(() => parseDockerRun('docker run -v /srv/mine:/data:U img', { invoker: root }), /invalid mode: U in volume '\/srv\/mine:\/data:U'/);
    assert.throws(() => parseDockerRun('docker run --mount type=bind,src=/srv/mine,dst=/data,U=true img', { invoker: root }), /unexpected key 'u' in 'type=bind,src=\/srv\/mine,dst=\/data,U=true'/);
  });
});
