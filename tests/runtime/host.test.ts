import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followHostLinks, impliedByListed, parseHostFactsFile, statHostPaths } from '../../src/runtime/host.js';
import { hostFactsFor } from '../../src/cli/host-facts.js';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { RunParseError } from '../../src/runtime/errors.js';

describe('parseHostFactsFile', () => {
  test('the example from the docs, invoker included', () => {
    const facts = parseHostFactsFile(`
invoker: { uid: 1000, gid: 1000, home: /home/me, cwd: /home/me/proj, name: me }
paths:
  /home/me/proj/data: { uid: 1001, gid: 1001, mode: "0755", kind: dir }
  /home/me/proj/missing: { exists: false }
  data/model.pt: { uid: 1001, gid: 1001, mode: 0600, kind: file }
  ~/.cache: { uid: 1000, mode: 700, complete: true }
`);
    assert.deepEqual(facts, {
      invoker: { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj', name: 'me' },
      paths: [
        { path: '/home/me/proj/data', exists: true, meta: { kind: 'dir', uid: 1001, gid: 1001, mode: 0o755, partial: true }, from: 'facts-file' },
        { path: '/home/me/proj/missing', exists: false, from: 'facts-file' },
        { path: '/home/me/proj/data/model.pt', exists: true, meta: { kind: 'file', uid: 1001, gid: 1001, mode: 0o600 }, from: 'facts-file' },
        { path: '/home/me/.cache', exists: true, meta: { kind: 'dir', uid: 1000, gid: 1000, mode: 0o700, partial: false }, from: 'facts-file' },
      ],
    });
  });

  const bad: [string, string, RegExp][] = [
    ['non-octal mode', 'paths:\n  /x: { mode: "0999" }\n', /must be an octal mode/],
    ['non-numeric uid', 'paths:\n  /x: { uid: alice }\n', /uid must be a number/],
    ['unknown kind', 'paths:\n  /x: { kind: pipe }\n', /kind must be dir, file, symlink, char, block, socket, fifo or other/],
    ['paths not a mapping', 'paths: [a, b]\n', /paths must be a mapping/],
  ];
  for (const [name, text, re] of bad) {
    test(`rejects ${name}`, () => assert.throws(() => parseHostFactsFile(text), (e: unknown) => e instanceof RunParseError && re.test(e.message)));
  }

  // Typos and paths with nothing to resolve them against would otherwise drop facts silently.
  const refused: [string, string, string][] = [
    ['a misspelt top-level key, with the near miss', 'path:\n  /x: {}\n', "host facts: unknown key 'path' (did you mean paths?)"],
    ['an unknown top-level key', 'bogus: 1\n', "host facts: unknown key 'bogus'"],
    ['a misspelt invoker key', 'invoker: { uid: 1, gid: 1, hoem: /h }\n', "host facts: unknown key 'hoem' in invoker (did you mean home?)"],
    ['a misspelt path key', 'paths:\n  /x: { mdoe: 0700 }\n', 'host facts: unknown key \'mdoe\' in paths["/x"] (did you mean mode?)'],
    ['a relative path with no invoker', 'paths:\n  data: {}\n', 'host facts: paths["data"]: a relative path needs invoker.cwd (or write it absolute)'],
    ['a ~ path with no invoker home', 'invoker: { uid: 1, gid: 1, cwd: /w }\npaths:\n  ~/.cache: {}\n', 'host facts: paths["~/.cache"]: a path under ~ needs invoker.home'],
  ];
  for (const [name, text, message] of refused) {
    test(`refuses ${name}`, () => assert.throws(() => parseHostFactsFile(text), (e: unknown) => e instanceof RunParseError && e.message === message));
  }

  test('a YAML syntax error: the first line of the message, with line and column', () => {
    assert.throws(() => parseHostFactsFile('invoker: { uid: 1000\n'), (e: unknown) =>
      e instanceof RunParseError && e.detail === 'YAML: Flow map in block collection must be sufficiently indented and end with a }' &&
      e.line === 2 && e.column === 1);
  });

  test('a GPU device node described as kind char is judged as a file of kind other', () => {
    const facts = parseHostFactsFile('paths:\n  /dev/nvidia0: { kind: char, uid: 0, gid: 44, mode: "0660" }\n');
    assert.deepEqual(facts.paths.map((p) => [p.path, p.meta]), [['/dev/nvidia0', { kind: 'other', uid: 0, gid: 44, mode: 0o660 }]]);
  });

  test('a relative path is read from the invoker cwd', () => {
    const facts = parseHostFactsFile('invoker: { uid: 1, gid: 1, cwd: /w }\npaths:\n  data: { kind: file }\n');
    assert.deepEqual(facts.paths.map((p) => p.path), ['/w/data']);
  });
});

describe('statHostPaths', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uidctl-host-'));
    await mkdir(join(dir, 'data'));
    await chmod(join(dir, 'data'), 0o2750);
    await writeFile(join(dir, 'data', 'f'), 'x');
    await chmod(join(dir, 'data', 'f'), 0o640);
    await symlink(join(dir, 'data'), join(dir, 'link'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('stat follows symlinks; missing paths exist: false', async () => {
    const uid = process.getuid!();
    const gid = process.getgid!();
    const facts = await statHostPaths([join(dir, 'link'), join(dir, 'nope'), join(dir, 'data', 'f', 'under')]);
    assert.deepEqual(facts, [
      { path: join(dir, 'link'), exists: true, meta: { kind: 'dir', uid, gid, mode: 0o2750 }, from: 'stat' },
      { path: join(dir, 'nope'), exists: false, from: 'stat' },
      { path: join(dir, 'data', 'f', 'under'), exists: false, from: 'stat' },
    ]);
  });

  test('children: one level listed and the directory complete', async () => {
    const facts = await statHostPaths([join(dir, 'data')], { children: true });
    assert.deepEqual(facts.map((f) => [f.path, f.meta?.kind, f.meta?.mode, f.meta?.partial]), [
      [join(dir, 'data'), 'dir', 0o2750, false],
      [join(dir, 'data', 'f'), 'file', 0o640, undefined],
    ]);
  });
});

describe('host-facts id range', () => {
  test('a uid past 32 bits is refused', () => {
    assert.throws(() => parseHostFactsFile('paths:\n  /srv/d: { uid: 4294967296 }\n'), /host facts: paths\["\/srv\/d"\]\.uid must be between 0 and 4294967294, got 4294967296/);
  });
});

describe('host facts that prove a folder exists without saying its owner', () => {
  const FILE = `invoker: { uid: 1000, gid: 1000, home: /home/me, cwd: /home/me/proj }
paths:
  /home/me/proj/data: { uid: 1000, gid: 1000, mode: "0755" }
  /srv/x: {}
`;

  test('an entry with no uid, gid or mode exists, with no metadata', () => {
    assert.deepEqual(parseHostFactsFile(FILE).paths[1], { path: '/srv/x', exists: true, from: 'facts-file' });
  });

  test('an unlisted folder with a listed path below it exists; one without does not follow', () => {
    const given = parseHostFactsFile(FILE).paths;
    assert.deepEqual(impliedByListed(['/home/me/proj', '/home/me/other', '/home/me/proj/data'], given), [
      { path: '/home/me/proj', exists: true, from: 'facts-file' },
    ]);
  });

  test('-v .:/work and -v /srv/x:/x: no UID203, and UID201 a warning resting on the stated guess', () => {
    const facts = parseHostFactsFile(FILE);
    const run = parseDockerRun('docker run -v .:/work -v /srv/x:/x img', { invoker: facts.invoker! });
    const host = [...facts.paths, ...impliedByListed(['/home/me/proj'], facts.paths)];
    const df = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n';
    const a = analyze({ file: 'Dockerfile', text: df, run, host, profile: 'prod' });
    assert.deepEqual(a.findings.filter((f) => f.ruleId === 'UID203'), []);
    const w = a.findings.filter((f) => f.ruleId === 'UID201').map((f) => [f.severity, f.dependsOn]);
    assert.deepEqual(w, [['warning', ['host-unknown:/home/me/proj']], ['warning', ['host-unknown:/srv/x']]]);
    const x = a.assumptions.find((y) => y.id === 'host-unknown:/home/me/proj')!;
    assert.deepEqual([x.confidence, x.text], ['low', 'the host path /home/me/proj exists, but its owner and mode are not known (the host facts give none); assumed a directory owned by root, mode 0755']);
    // The listed child shows through with its own owner.
    assert.equal(a.runtime.view.fs.get('/work/data')?.uid, 1000);
  });
});

describe('rootless Docker maps host ids as rootless podman does', () => {
  test('the daemon user\'s folder is root\'s inside; another user\'s is nobody\'s', () => {
    const run = parseDockerRun('DOCKER_HOST=unix:///run/user/1000/docker.sock docker run -v /srv/mine:/m -v /srv/other:/o img', { invoker: { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' } });
    const host = [
      { path: '/srv/mine', exists: true, meta: { kind: 'dir' as const, uid: 1000, gid: 1000, mode: 0o755 }, from: 'facts-file' as const },
      { path: '/srv/other', exists: true, meta: { kind: 'dir' as const, uid: 3000, gid: 3000, mode: 0o770 }, from: 'facts-file' as const },
    ];
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\n', run, host, profile: 'prod' });
    assert.deepEqual([a.runtime.view.fs.get('/m')?.uid, a.runtime.view.fs.get('/o')?.uid], [0, 65534]);
    assert.equal(a.assumptions.some((x) => x.id === 'userns:rootless-docker'), true);
    // Container root is the caller on the host: nothing it writes is root's there.
    assert.equal(a.findings.some((f) => f.ruleId === 'UID202'), false);
  });
});

describe('host-facts symlinks are followed as the kernel follows a bind source', () => {
  const facts = parseHostFactsFile(`
invoker: { uid: 1001, gid: 1001, home: /home/sam, cwd: /home/sam/proj, name: sam }
paths:
  /mnt/ds: { kind: symlink, target: /srv/nfs }
  /srv/nfs: { uid: 1000, gid: 1000, mode: "0755" }
  /srv/nfs/imagenet: { uid: 1000, gid: 1000, mode: "0755" }
  link: { kind: symlink, target: ../data2 }
  /home/sam/data2: { uid: 1001, gid: 1001, mode: "0700" }
  /a: { kind: symlink, target: b }
  /b: { kind: symlink, target: /srv/nfs/imagenet }
  /mnt/ds/written-through: { uid: 7, gid: 7, mode: "0750" }
`);

  test('absolute and relative targets, a chain, .. after a link, and the last component too', () => {
    assert.deepEqual(followHostLinks('/mnt/ds/imagenet', facts.paths), { path: '/srv/nfs/imagenet', links: ['/mnt/ds -> /srv/nfs'] });
    assert.deepEqual(followHostLinks('/home/sam/proj/link', facts.paths), { path: '/home/sam/data2', links: ['/home/sam/proj/link -> ../data2'] });
    assert.deepEqual(followHostLinks('/a/x', facts.paths), { path: '/srv/nfs/imagenet/x', links: ['/a -> b', '/b -> /srv/nfs/imagenet'] });
    assert.deepEqual(followHostLinks('/mnt/ds/../x', facts.paths), { path: '/srv/x', links: ['/mnt/ds -> /srv/nfs'] });
    assert.deepEqual(followHostLinks('/srv/other', facts.paths), { path: '/srv/other', links: [] });
  });

  test('a path the file writes through a link is filed where it is; the links keep their own paths', () => {
    assert.deepEqual(facts.paths.find((f) => f.meta?.uid === 7)?.path, '/srv/nfs/written-through');
    assert.deepEqual(facts.paths.find((f) => f.path === '/mnt/ds')?.meta, { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: '/srv/nfs' });
  });

  test('a symlink needs a target, and a target needs kind: symlink', () => {
    assert.throws(() => parseHostFactsFile('paths:\n  /x: { kind: symlink }\n'), (e: unknown) => e instanceof RunParseError && e.detail === 'host facts: paths["/x"]: a symlink needs target (where it leads)' && e.line === 2);
    assert.throws(() => parseHostFactsFile('paths:\n  /x: { uid: 1, target: /y }\n'), (e: unknown) => e instanceof RunParseError && e.detail === 'host facts: paths["/x"]: target goes with kind: symlink' && e.line === 2);
  });

  test('-v /mnt/ds/imagenet:/e is /srv/nfs/imagenet: uid 1000 writes it, no UID203, and the fix paths are the real folder', async () => {
    const parsed = parseDockerRun('docker run -v /mnt/ds/imagenet:/e -v ./link:/l img', { invoker: facts.invoker! });
    const { run, host } = await hostFactsFor(parsed, facts.paths, true);
    assert.deepEqual(run.mounts.map((m) => [m.source, m.linkedFrom, m.links]), [
      ['/srv/nfs/imagenet', '/mnt/ds/imagenet', ['/mnt/ds -> /srv/nfs']],
      ['/home/sam/data2', '/home/sam/proj/link', ['/home/sam/proj/link -> ../data2']],
    ]);
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n', run, host, profile: 'prod' });
    assert.deepEqual(a.findings.filter((f) => f.ruleId === 'UID203'), []);
    assert.deepEqual([a.check('/e', 'create').allowed, a.runtime.view.fs.get('/e')?.uid], [true, 1000]);
    // The link's folder is 1001's, 0700: uid 1000 may not write it, and the chown names the real folder.
    const f = a.findings.filter((x) => x.ruleId === 'UID201');
    assert.deepEqual(f.map((x) => [x.severity, x.message]), [['error', 'app (uid 1000) cannot write to /l (-v ./link:/l): it belongs to 1001:1001 on the host - Permission denied.']]);
    assert.equal(f[0].fixes.some((x) => x.snippet === 'sudo chown -R 1000:1000 /home/sam/data2'), true);
    assert.equal(a.runtime.notes.some((n) => n.text === '/mnt/ds/imagenet is /srv/nfs/imagenet on the host: the mount follows the links the host facts give (/mnt/ds -> /srv/nfs)'), true);
  });
});

describe('with --host-facts, a bind source the file does not cover is not read with stat here', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uidctl-hf-'));
    await mkdir(join(dir, 'here'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  test('a folder this machine has is host-unknown under the facts, and stat-read without them', async () => {
    const invoker = { uid: 1001, gid: 1001, home: '/home/sam', cwd: '/home/sam/proj' };
    const parsed = parseDockerRun(`docker run -v ${dir}/here:/h -v ${dir}/absent:/x img`, { invoker });
    const withFacts = await hostFactsFor(parsed, [], true);
    assert.deepEqual(withFacts.host, []);
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n', run: withFacts.run, host: withFacts.host, profile: 'prod' });
    assert.deepEqual(a.findings.filter((f) => f.ruleId === 'UID203'), []);
    assert.deepEqual(a.findings.filter((f) => f.ruleId === 'UID201').map((f) => [f.severity, f.dependsOn]), [
      ['warning', [`host-unknown:${dir}/here`]],
      ['warning', [`host-unknown:${dir}/absent`]],
    ]);
    // Without a facts file this machine is the host: stat tells.
    const here = await hostFactsFor(parsed, [], false);
    assert.deepEqual(here.host.filter((h) => h.path.endsWith('/here') || h.path.endsWith('/absent')).map((h) => [h.path, h.exists, h.from]), [
      [`${dir}/here`, true, 'stat'],
      [`${dir}/absent`, false, 'stat'],
    ]);
  });
});

describe('host facts: sockets and FIFOs', () => {
  test('kind: socket and kind: fifo are files that are not folders, with their owner and mode', () => {
    const f = parseHostFactsFile('paths:\n  /var/run/docker.sock: { kind: socket, uid: 0, gid: 999, mode: "0660" }\n  /tmp/p: { kind: fifo, uid: 1000, gid: 1000, mode: "0600" }\n');
    assert.deepEqual(f.paths.map((p) => [p.path, p.meta?.kind, p.meta?.gid, p.meta?.mode]), [['/var/run/docker.sock', 'other', 999, 0o660], ['/tmp/p', 'other', 1000, 0o600]]);
  });
});
