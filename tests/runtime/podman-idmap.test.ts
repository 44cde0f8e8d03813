// podman --uidmap/--gidmap and the modes whose ranges come from /etc/subuid (auto, nomap,
// --subuidname): how the maps are read, which host owners a bind mount shows, which run users
// cannot start. Measured: tests/oracle/scenarios/podman-uidmap.yaml (buildah from
// --userns-uid-map, rootful) and by hand with podman 4.3.1 `podman create`/`podman start`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../src/access/evaluate.js';
import { parseGroup, parsePasswd } from '../../src/image/accounts.js';
import { scratchState } from '../../src/image/state.js';
import type { FileMeta, HostPathFacts, ImageState } from '../../src/model/types.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { resolveRuntime } from '../../src/runtime/resolve.js';
import { hostIdsOf, mapHostFacts, parseAuto, parseIdMap, podmanIdMaps, podmanUsernsError, unmappedProcess, usernsMapping } from '../../src/runtime/userns.js';

const root = { uid: 0, gid: 0, home: '/root', cwd: '/root', name: 'root' };
const lab = { uid: 1001, gid: 1001, home: '/home/lab', cwd: '/home/lab', name: 'lab' };
const dir = (uid: number, gid: number, mode: number): FileMeta => ({ kind: 'dir', uid, gid, mode });
const same = (id: number) => id;

/** app (1000, also in team 2000), USER app. */
function image(): ImageState {
  const s = scratchState();
  s.accounts.passwd = parsePasswd('root:x:0:0:root:/root:/bin/bash\napp:x:1000:1000::/home/app:/bin/bash\n');
  s.accounts.group = parseGroup('root:x:0:\napp:x:1000:\nteam:x:2000:app\n');
  s.fs.set('/home', dir(0, 0, 0o755));
  s.fs.set('/home/app', dir(1000, 1000, 0o750));
  Object.assign(s.config, { user: 'app', workdir: '/home/app' });
  return s;
}

const facts = (path: string, uid: number, gid: number, mode: number): HostPathFacts =>
  ({ path, exists: true, from: 'facts-file', meta: dir(uid, gid, mode) });

describe('parseIdMap: podman 5 ParseIDMap', () => {
  const cases: { name: string; specs: string[]; want: [number, number, number][]; extended: boolean }[] = [
    { name: 'one range', specs: ['0:100000:65536'], want: [[0, 100000, 65536]], extended: false },
    { name: 'several, sorted by container id and joined where they continue', specs: ['1000:1000:1', '0:100000:1000', '1001:1001:10'], want: [[0, 100000, 1000], [1000, 1000, 11]], extended: false },
    { name: 'two fields: an amount of 1', specs: ['1000:5000'], want: [[1000, 5000, 1]], extended: true },
    { name: '+ cuts what it covers out of the earlier ranges', specs: ['0:100000:65536', '+1000:1000:1'], want: [[0, 100000, 1000], [1000, 1000, 1], [1001, 101001, 64535]], extended: true },
    { name: 'a zero amount maps nothing', specs: ['0:1:0'], want: [], extended: false },
    { name: 'a g-only line is not a uid line', specs: ['0:100000:65536', 'g+5:6:1'], want: [[0, 100000, 65536]], extended: true },
    { name: '@ takes a host id (rootful: itself)', specs: ['+1000:@1000:1'], want: [[1000, 1000, 1]], extended: true },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = parseIdMap(c.specs, 'UID', same);
      assert.ok(r.ok);
      assert.deepEqual([r.map.map((x) => [x.container, x.from, x.size]), r.extended], [c.want, c.extended]);
    });
  }

  const bad: { specs: string[]; error: string }[] = [
    { specs: ['0:1:2:3'], error: 'initializing ID mappings: UID setting is malformed expected ["[+ug]uint32:[@]uint32[:uint32]"] : ["0:1:2:3"]' },
    { specs: ['a:1:1'], error: 'invalid mapping: [a 1 1]. Unknown flag 97' },
    { specs: ['+:1:1'], error: 'invalid mapping: [+ 1 1], parsing flags' },
    { specs: ['0:x:1'], error: 'parsing id map value "x": strconv.ParseUint: parsing "x": invalid syntax' },
    { specs: ['0::1'], error: 'invalid empty host id at UID map: [0  1]' },
  ];
  for (const c of bad) {
    test(`refuses ${c.specs.join(' ')}`, () => assert.deepEqual(parseIdMap(c.specs, 'UID', same), { ok: false, error: c.error }));
  }
});

describe('podmanIdMaps: one map serves for both, overlaps refused', () => {
  test('--uidmap alone is the gid map too', () => {
    const r = podmanIdMaps(parseDockerRun('podman run --uidmap 0:100000:65536 img', { invoker: root }));
    assert.ok(r?.ok);
    assert.deepEqual([r.maps.uid, r.maps.gid], [[{ container: 0, from: 100000, size: 65536 }], [{ container: 0, from: 100000, size: 65536 }]]);
  });

  test('two ranges for one container id: the storage error measured with podman 4.3', () => {
    assert.deepEqual(podmanIdMaps(parseDockerRun('podman run --uidmap 0:1:1 --uidmap 0:5:1 img', { invoker: root })), {
      ok: false,
      error: 'creating container storage: the specified UID and/or GID mapping 0:5:1 conflicts with other mappings: invalid mappings specified',
    });
  });

  test('no map, or a docker line: undefined', () => {
    assert.equal(podmanIdMaps(parseDockerRun('podman run img', { invoker: root })), undefined);
    assert.equal(podmanIdMaps(parseDockerRun('docker run --uidmap 0:1:1 img', { invoker: root })), undefined);
  });

  test('rootless: @ of your own uid is intermediate 0; another host id is not known', () => {
    const r = podmanIdMaps(parseDockerRun('podman run --uidmap +1000:@1001 --uidmap +2000:@5000 img', { invoker: lab }));
    assert.ok(r?.ok);
    assert.deepEqual([r.maps.uid, r.maps.unresolved], [[{ container: 1000, from: 0, size: 1 }], [5000, 5000]]);
  });
});

describe('who may start under the maps (buildah/podman GetHostIDs)', () => {
  const maps = { uid: [{ container: 0, from: 1, size: 1 }], gid: [{ container: 0, from: 100000, size: 65536 }], extended: false, unresolved: [] };
  test('uid outside: podman\'s words, with the map as Go prints it', () => {
    assert.equal(unmappedProcess(maps, 1000, 0), "container uses ID mappings ([]specs.LinuxIDMapping{specs.LinuxIDMapping{ContainerID:0x0, HostID:0x1, Size:0x1}}), but doesn't map UID 1000");
  });
  test('gid outside, after the uid passes', () => {
    assert.equal(unmappedProcess({ ...maps, gid: [{ container: 0, from: 100000, size: 1000 }] }, 0, 1000), "container uses ID mappings ([]specs.LinuxIDMapping{specs.LinuxIDMapping{ContainerID:0x0, HostID:0x186a0, Size:0x3e8}}), but doesn't map GID 1000");
  });
  test('both inside: undefined', () => assert.equal(unmappedProcess(maps, 0, 5), undefined));
});

describe('resolveRuntime with --uidmap (measured: podman-uidmap/*)', () => {
  const host = [facts('/srv/d1000', 1000, 1000, 0o755), facts('/srv/d101000', 101000, 101000, 0o755), facts('/srv/droot', 0, 0, 0o755)];
  const view = (line: string, inv = root) => {
    const run = parseDockerRun(line, { invoker: inv });
    return resolveRuntime(image(), run, mapHostFacts(host, usernsMapping(run, 'podman')), { engine: 'podman' });
  };

  test('shifted-user: the host\'s 1000 folder is 65534 and refused, host 101000 is app\'s', () => {
    const r = view('podman run --uidmap 0:100000:65536 --gidmap 0:100000:65536 -v /srv/d1000:/data -v /srv/d101000:/mine img');
    const d = r.view.fs.get('/data')!;
    assert.deepEqual([d.uid, d.gid, d.unmapped], [65534, 65534, true]);
    assert.deepEqual([r.process.uid, r.process.groups], [1000, [1000, 2000]]);
    assert.equal(evaluate(r.identity, r.view, '/data/x', 'create').errno, 'EACCES');
    assert.deepEqual([r.view.fs.get('/mine')!.uid, evaluate(r.identity, r.view, '/mine/x', 'create').allowed], [1000, true]);
  });

  test('shifted-root: root has no override on unmapped owners', () => {
    const r = view('podman run --user root --uidmap 0:100000:65536 -v /srv/droot:/hostroot -v /srv/d101000:/mine img');
    assert.equal(evaluate(r.identity, r.view, '/hostroot/x', 'create').errno, 'EACCES');
    assert.equal(evaluate(r.identity, r.view, '/mine/x', 'create').allowed, true);
  });

  test('user-not-mapped and group-not-mapped do not start', () => {
    assert.deepEqual(view('podman run --uidmap 0:1:1 img').errors, [{ message: "container uses ID mappings ([]specs.LinuxIDMapping{specs.LinuxIDMapping{ContainerID:0x0, HostID:0x1, Size:0x1}}), but doesn't map UID 1000" }]);
    assert.deepEqual(view('podman run --uidmap 0:100000:65536 --gidmap 0:100000:1000 img').errors, [{ message: "container uses ID mappings ([]specs.LinuxIDMapping{specs.LinuxIDMapping{ContainerID:0x0, HostID:0x186a0, Size:0x3e8}}), but doesn't map GID 1000" }]);
  });

  test('a supplementary group outside --gidmap is left out, as libpod does', () => {
    const r = view('podman run --uidmap 0:100000:65536 --gidmap 0:100000:1001 img');
    assert.deepEqual([r.errors, r.process.groups], [[], [1000]]);
    assert.ok(r.notes.some((n) => n.text === 'podman leaves out supplementary group 2000, outside --gidmap'));
  });

  test('identity-range 0:0:65536 keeps host owners', () => {
    const r = view('podman run --uidmap 0:0:65536 -v /srv/d1000:/data -v /srv/d101000:/mine img');
    assert.deepEqual([r.view.fs.get('/data')!.uid, r.view.fs.get('/mine')!.uid, r.view.fs.get('/mine')!.unmapped], [1000, 65534, true]);
  });

  test('rootless: only your own uid is mapped, to the container id that holds intermediate 0', () => {
    const r = view('podman run --uidmap 1000:0:1 --uidmap 0:1:1000 -v /srv/d1000:/data img', { ...lab, uid: 1000, gid: 1000 });
    assert.deepEqual([r.view.fs.get('/data')!.uid, r.view.fs.get('/data')!.gid, r.view.fs.get('/data')!.unmapped], [1000, 1000, undefined]);
  });

  test('hostIdsOf: the host owner a container user maps to, rootful only', () => {
    assert.deepEqual(hostIdsOf(parseDockerRun('podman run --uidmap 0:100000:65536 img', { invoker: root }), 1000, 1000), [101000, 101000]);
    assert.equal(hostIdsOf(parseDockerRun('podman run --uidmap 0:100000:65536 img', { invoker: lab }), 1000, 1000), undefined);
  });
});

describe('--userns=auto, nomap, --subuidname: ranges from /etc/subuid', () => {
  test('host owners show as 65534, under a medium-confidence assumption the bind verdicts depend on', () => {
    for (const line of ['podman run --userns=auto img', 'podman run --subuidname=ctr img', 'podman run --userns=nomap img']) {
      const m = usernsMapping(parseDockerRun(line, { invoker: lab }), 'podman')!;
      const meta = mapHostFacts([facts('/srv/d', 1001, 1001, 0o755)], m)[0].meta!;
      assert.deepEqual([meta.uid, meta.gid, meta.unmapped, m.doubt, m.assumption.id, m.assumption.confidence], [65534, 65534, true, true, 'userns:podman-subid', 'medium'], line);
    }
  });

  test('nomap as root: podman 4.3\'s refusal', () => {
    const r = resolveRuntime(image(), parseDockerRun('podman run --userns=nomap img', { invoker: root }), [], { engine: 'podman' });
    assert.deepEqual(r.errors, [{ message: 'nomap is only supported in rootless mode' }]);
  });
});

describe('contradictory options podman refuses before it creates anything', () => {
  for (const line of ['podman run --userns=keep-id --uidmap 0:1:1 img', 'podman run --userns=host --gidmap 0:1:1 img', 'podman run --userns=auto --subuidname x img', 'podman run --subgidname x --userns=private img']) {
    test(line, () => assert.throws(() => parseDockerRun(line, { invoker: lab }), { name: 'RunParseError', message: '--userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive' }));
  }
});

describe('--userns=auto options: podman GetAutoOptions, storage getAutoUserNSIDMappings', () => {
  const auto = (line: string, inv = root) => parseAuto(parseDockerRun(line, { invoker: inv }));

  test('size, uidmapping and gidmapping, comma-separated and repeatable', () => {
    assert.deepEqual(auto('podman run --userns=auto:size=8192,uidmapping=1000:1000:1,uidmapping=0:5000:2,gidmapping=1000:1000:1 img'), {
      ok: true,
      opts: { size: 8192, uid: [{ container: 1000, from: 1000, size: 1 }, { container: 0, from: 5000, size: 2 }], gid: [{ container: 1000, from: 1000, size: 1 }], extended: false, unresolved: [] },
    });
  });

  test('a mapping without its size maps one id; @ID is the host id, the caller\'s when rootless', () => {
    assert.deepEqual(auto('podman run --userns=auto:uidmapping=1000:1000 img'), { ok: true, opts: { size: undefined, uid: [{ container: 1000, from: 1000, size: 1 }], gid: [], extended: true, unresolved: [] } });
    assert.deepEqual(auto('podman run --userns=auto:uidmapping=1000:@1001:2 img', lab), { ok: true, opts: { size: undefined, uid: [{ container: 1000, from: 0, size: 1 }], gid: [], extended: true, unresolved: [1002] } });
  });

  test('not auto, or plain auto', () => {
    assert.equal(auto('podman run --userns=keep-id img'), undefined);
    assert.deepEqual(auto('podman run --userns=auto img'), { ok: true, opts: { size: undefined, uid: [], gid: [], extended: false, unresolved: [] } });
  });

  const refused: [string, string][] = [
    ['auto:size', 'invalid option specified: "size"'],
    ['auto:bogus=1', 'unknown option specified: "bogus"'],
    ['auto:size=x', 'strconv.ParseUint: parsing "x": invalid syntax'],
    ['auto:uidmapping=1:2:3:4', 'initializing ID mappings: UID setting is malformed expected ["uint32:[@]uint32[:uint32]"] : "1:2:3:4"'],
    ['auto:gidmapping=:1:1', 'invalid empty container id at GID map: [ 1 1]'],
    ['auto:uidmapping=1::1', 'invalid empty host id at UID map: [1  1]'],
    ['auto:uidmapping=+1:1:1', 'parsing id map value "+1": strconv.ParseUint: parsing "+1": invalid syntax'],
  ];
  for (const [mode, error] of refused) test(`--userns=${mode}: ${error}`, () => assert.deepEqual(auto(`podman run --userns=${mode} img`), { ok: false, error }));

  test('a refused option stops the start in podman\'s words', () => {
    const r = resolveRuntime(image(), parseDockerRun('podman run --userns=auto:bogus=1 img', { invoker: root }), [], { engine: 'podman' });
    assert.deepEqual(r.errors, [{ message: 'unknown option specified: "bogus"', usernsAuto: true }]);
  });

  test('rootful: a host owner in a forced range shows as its container id, the others as 65534', () => {
    const m = usernsMapping(parseDockerRun('podman run --userns=auto:uidmapping=1000:1000:1,gidmapping=1000:2000:1 img', { invoker: root }), 'podman')!;
    const shown = mapHostFacts([facts('/srv/a', 1000, 2000, 0o755), facts('/srv/b', 1000, 1000, 0o755), facts('/srv/c', 1001, 2000, 0o755)], m).map((h) => [h.meta!.uid, h.meta!.gid, h.meta!.unmapped]);
    assert.deepEqual(shown, [[1000, 1000, undefined], [1000, 65534, true], [65534, 1000, true]]);
    assert.deepEqual([m.doubt, m.assumption.id, m.assumption.subject, m.assumption.confidence], [true, 'userns:podman-subid', '--userns=auto:uidmapping=1000:1000:1,gidmapping=1000:2000:1', 'medium']);
    assert.match(m.assumption.text, /; except uids 1000:1000:1 and gids 1000:2000:1, forced as given \(CONTAINER:FROM:SIZE\), so host owners there show as those container ids/);
  });

  test('rootless: FROM 0 is the caller', () => {
    const m = usernsMapping(parseDockerRun('podman run --userns=auto:uidmapping=1000:0:1,gidmapping=1000:0:1 img', { invoker: lab }), 'podman')!;
    const shown = mapHostFacts([facts('/srv/a', 1001, 1001, 0o755), facts('/srv/b', 1000, 1000, 0o755)], m).map((h) => [h.meta!.uid, h.meta!.gid]);
    assert.deepEqual(shown, [[1000, 1000], [65534, 65534]]);
  });

  // size=N maps container ids 0 to N-1 (and the forced ranges' container ids); measured with
  // buildah under --userns-uid-map 0:100000:N (podman-uidmap/auto-size-*).
  test('a run uid or gid of size= or more does not start; the forced ids are mapped too', () => {
    const start = (line: string) => resolveRuntime(image(), parseDockerRun(line, { invoker: root }), [], { engine: 'podman' });
    assert.deepEqual(start('podman run --userns=auto:size=1000 img').errors, [{ message: "container uses ID mappings (...), but doesn't map UID 1000", usernsAuto: true }]);
    assert.deepEqual(start('podman run --userns=auto:size=1001 --user 1000:2000 img').errors, [{ message: "container uses ID mappings (...), but doesn't map GID 2000", usernsAuto: true }]);
    assert.deepEqual(start('podman run --userns=auto:size=1000,uidmapping=1000:5000:1,gidmapping=1000:5000:1 img').errors, []);
    assert.deepEqual(start('podman run --userns=auto:size=1000 --user 999:999 img').errors, []);
    // Without size= (or size=0, "not given") podman sizes the range from the image: not judged.
    assert.deepEqual(start('podman run --userns=auto img').errors, []);
    assert.deepEqual(start('podman run --userns=auto:size=0 img').errors, []);
  });

  test('a supplementary group outside size= is left out, as under --gidmap', () => {
    const r = resolveRuntime(image(), parseDockerRun('podman run --userns=auto:size=1001 img', { invoker: root }), [], { engine: 'podman' });
    assert.deepEqual([r.errors, r.process.groups], [[], [1000]]);
    assert.ok(r.notes.some((n) => n.text === 'podman leaves out supplementary group 2000, outside --userns=auto:size=1001'));
  });

  test('size= is named in the assumption', () => {
    const m = usernsMapping(parseDockerRun('podman run --userns=auto:size=8192 img', { invoker: root }), 'podman')!;
    assert.match(m.assumption.text, /a free range of 8192 ids of the "containers" entries/);
  });
});

describe('--userns modes podman does not know: ParseUserNamespace', () => {
  for (const mode of ['', 'auto', 'keep-id', 'nomap', 'host', 'private', 'pod', 'auto:size=10', 'keep-id:uid=1', 'ns:/proc/1/ns/user', 'container:db']) {
    test(`--userns=${mode} parses`, () => assert.equal(podmanUsernsError(mode), undefined));
  }
  for (const mode of ['bogus', 'nomap:x', 'host:x', 'keepid', '501']) {
    test(`--userns=${mode} is refused`, () =>
      assert.throws(() => parseDockerRun(`podman run --userns=${mode} img`, { invoker: lab }), { name: 'RunParseError', message: `unrecognized namespace mode ${mode} passed` }));
  }
  test('docker lines keep the docker CLI\'s own refusal', () => {
    const r = resolveRuntime(image(), parseDockerRun('docker run --userns=bogus img', { invoker: lab }), [], { engine: 'docker' });
    assert.deepEqual(r.errors, [{ message: '--userns: invalid USER mode' }]);
  });
});
