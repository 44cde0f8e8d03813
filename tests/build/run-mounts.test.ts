// RUN --mount: the mounts in the tree while the step runs, the failures they cause, and what
// each builder leaves of them (BuildKit by default, buildah 1.28 as measured in the oracle's
// run-mounts scenarios).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { mountError, parseRunMount } from '../../src/dockerfile/run-mount.js';
import { simulate } from '../../src/build/simulate.js';
import { layMounts, liftMounts, planRunMounts, viewMounts, type MountPlanEnv } from '../../src/build/run-mounts.js';
import { resolveBase } from '../../src/image/catalog/index.js';
import { evaluate } from '../../src/access/evaluate.js';
import { analyze, DockerfileSyntaxError } from '../../src/analyze.js';
import { newTree } from '../../src/image/fs.js';
import type { Builder } from '../../src/shell/context.js';
import type { FileMeta, FsTree } from '../../src/model/types.js';

const CONTEXT: FsTree = new Map<string, FileMeta>([
  ['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }],
  ['/requirements.txt', { kind: 'file', uid: 501, gid: 20, mode: 0o644 }],
  ['/private.txt', { kind: 'file', uid: 501, gid: 20, mode: 0o600 }],
  ['/src', { kind: 'dir', uid: 501, gid: 20, mode: 0o750 }],
  ['/src/main.py', { kind: 'file', uid: 501, gid: 20, mode: 0o644 }],
]);

/** context null: the build context was not read (--no-context). */
function build(text: string, builder: Builder = 'buildkit', context: FsTree | null = CONTEXT) {
  return simulate(parseDockerfile(text), { file: 'Dockerfile', builder, buildArgs: {}, resolveBase, context: context ?? undefined });
}

function owner(r: ReturnType<typeof build>, path: string): string {
  const m = r.target.state.fs.get(path);
  return m ? `${m.kind} ${m.uid}:${m.gid} ${(m.mode & 0o7777).toString(8)}${m.partial ? ' partial' : ''}` : 'missing';
}

const failures = (r: ReturnType<typeof build>) => r.failures.map((f) => [f.line, f.message, f.kind]);

const APP = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n';

describe('RUN --mount while the step runs', () => {
  test('a context file bound read-only is readable by a user (the tester\'s first case)', () => {
    const r = build(`${APP}RUN --mount=type=bind,source=requirements.txt,target=/tmp/req.txt cat /tmp/req.txt\n`);
    assert.deepEqual(failures(r), []);
  });

  test('a bound context file keeps its mode and belongs to root: 0600 is unreadable by a user', () => {
    const r = build(`${APP}RUN --mount=type=bind,source=private.txt,target=/tmp/p cat /tmp/p\n`);
    assert.deepEqual(failures(r), [[4, 'cat: /tmp/p: Permission denied', 'permission']]);
  });

  test('a cache given uid=1000 is writable by that user (the second case)', () => {
    const r = build(`${APP}RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 touch /home/app/.cache/pip/x\n`);
    assert.deepEqual(failures(r), []);
  });

  test('a cache without uid= is root 0755: Permission denied, a UID601 with the mount\'s fix (the third case)', () => {
    const df = `${APP}RUN --mount=type=cache,target=/app/cache touch /app/cache/x\n`;
    const r = build(df);
    assert.deepEqual(failures(r), [[4, "touch: cannot touch '/app/cache/x': Permission denied", 'permission']]);
    assert.deepEqual(r.failures[0].mount, { type: 'cache', target: '/app/cache', flag: 'type=cache,target=/app/cache', uid: 1000, gid: 1000 });

    const f = analyze({ file: 'Dockerfile', text: df, profile: 'prod' }).findings.filter((x) => x.ruleId === 'UID601');
    assert.equal(f.length, 1);
    assert.equal(f[0].message, "The build fails here: touch: cannot touch '/app/cache/x': Permission denied");
    assert.equal(f[0].fixes[0].snippet, 'RUN --mount=type=cache,target=/app/cache,uid=1000,gid=1000 touch /app/cache/x');
    assert.equal(f[0].fixes[1].snippet, 'USER root\nRUN --mount=type=cache,target=/app/cache touch /app/cache/x\nUSER app');
  });

  test('a secret is root 0400: a user\'s read is a UID601 (the fourth case); uid= or mode=0444 lets it read', () => {
    const df = `${APP}RUN --mount=type=secret,id=tok cat /run/secrets/tok\n`;
    const r = build(df);
    assert.deepEqual(failures(r), [[4, 'cat: /run/secrets/tok: Permission denied', 'permission']]);
    const f = analyze({ file: 'Dockerfile', text: df, profile: 'prod' }).findings.filter((x) => x.ruleId === 'UID601');
    assert.equal(f[0].fixes[0].snippet, 'RUN --mount=type=secret,id=tok,uid=1000,gid=1000 cat /run/secrets/tok');
    assert.match(f[0].why, /^\/run\/secrets\/tok is this step's RUN --mount=type=secret\. A secret is mounted read-only, owned by root with mode 0400/);

    assert.deepEqual(failures(build(`${APP}RUN --mount=type=secret,id=tok,uid=1000 cat /run/secrets/tok\n`)), []);
    assert.deepEqual(failures(build(`${APP}RUN --mount=type=secret,id=tok,target=/etc/app/token,mode=0444 cat /etc/app/token\n`)), []);
    // The secret is taken as given to the build, and the model says so.
    assert.equal(r.assumptions.find((a) => a.id === 'run-secret:4:tok')?.confidence, 'medium');
  });

  test('writes to a read-only mount: Read-only file system for root; the mode answers first for a user', () => {
    assert.deepEqual(failures(build('FROM debian:bookworm\nRUN --mount=type=bind,target=/ctx touch /ctx/new\n')),
      [[2, "touch: cannot touch '/ctx/new': Read-only file system", 'other']]);
    // Creating an entry: the read-only mount is checked before the folder's mode (may_create).
    assert.deepEqual(failures(build(`${APP}RUN --mount=type=bind,target=/ctx mkdir /ctx/d\n`)),
      [[4, "mkdir: cannot create directory '/ctx/d': Read-only file system", 'other']]);
    // Opening an existing file: its mode first (may_open), then the mount.
    assert.deepEqual(failures(build(`${APP}RUN --mount=type=bind,source=requirements.txt,target=/srv/r sh -c 'echo x >> /srv/r'\n`)),
      [[4, 'sh: 1: cannot create /srv/r: Permission denied', 'permission']]);
    assert.deepEqual(failures(build('FROM debian:bookworm\nRUN --mount=type=secret,id=tok sh -c \'echo x >> /run/secrets/tok\'\n')),
      [[2, 'sh: 1: cannot create /run/secrets/tok: Read-only file system', 'other']]);
  });

  test('rw lets root write in a bind; owners stay, so a user still cannot', () => {
    assert.deepEqual(failures(build('FROM debian:bookworm\nRUN --mount=type=bind,target=/ctx,rw touch /ctx/new && mkdir /ctx/d\n')), []);
    assert.deepEqual(failures(build(`${APP}RUN --mount=type=bind,target=/ctx,readwrite touch /ctx/new\n`)),
      [[4, "touch: cannot touch '/ctx/new': Permission denied", 'permission']]);
  });

  test('cache mode= loses group and other write to the umask; uid, gid and mode 0700 make it private', () => {
    assert.deepEqual(failures(build(`${APP}RUN --mount=type=cache,target=/app/shared,mode=0777 touch /app/shared/x\n`)),
      [[4, "touch: cannot touch '/app/shared/x': Permission denied", 'permission']]);
    assert.deepEqual(failures(build(`${APP}RUN --mount=type=cache,target=/srv/c,uid=1000,gid=1000,mode=0700 touch /srv/c/x\n`)), []);
  });

  test('a tmpfs is root 1777; a relative target is taken from WORKDIR (BuildKit)', () => {
    assert.deepEqual(failures(build(`${APP}WORKDIR /work\nRUN --mount=type=tmpfs,target=scratch touch scratch/x && rm /work/scratch/x\n`)), []);
  });

  test('the ssh socket: 0600 root (BuildKit), 0620 (buildah 1.28); a read-only mount does not stop writing a socket', () => {
    const df = (opts: string) => `${APP}RUN --mount=type=ssh${opts} test -w /run/buildkit/ssh_agent.0\n`;
    assert.deepEqual(failures(build(df(''))), [[4, '`test -w /run/buildkit/ssh_agent.0` exits 1, which ends the step', 'other']]);
    assert.deepEqual(failures(build(df(',uid=1000'))), []);
    assert.deepEqual(failures(build(df(',gid=1000'))), [[4, '`test -w /run/buildkit/ssh_agent.0` exits 1, which ends the step', 'other']]);
    assert.deepEqual(failures(build(df(',gid=1000'), 'buildah')), []);
  });

  test('a mount the builder refuses fails the step with its message', () => {
    assert.deepEqual(failures(build('FROM debian:bookworm\nRUN --mount=type=bind,source=nope.txt,target=/x cat /x\n')),
      [[2, 'failed to compute cache key: failed to calculate checksum of ref: "/nope.txt": not found', 'other']]);
    // buildah 1.28 mounts nothing for a missing source and ignores .dockerignore: not known.
    assert.deepEqual(failures(build('FROM debian:bookworm\nRUN --mount=type=bind,source=nope.txt,target=/x cat /x\n', 'buildah')), []);
    assert.deepEqual(failures(build('FROM debian:bookworm\nWORKDIR /work\nRUN --mount=type=tmpfs,target=scratch true\n', 'buildah')),
      [[3, 'invalid container path "scratch", must be an absolute path', 'other']]);
    assert.deepEqual(failures(build('FROM debian:bookworm\nRUN --mount=type=cache,target=/root/.cache true\n', 'classic')),
      [[2, 'the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled', 'other']]);
  });

  test('without the build context, a bind source is neither a file nor a folder: nothing fails on it', () => {
    const r = build(`${APP}RUN --mount=type=bind,source=requirements.txt,target=/tmp/req.txt cat /tmp/req.txt && cd /tmp/req.txt\n`, 'buildkit', null);
    assert.deepEqual(failures(r), []);
    // /tmp listed in part only while the step ran.
    assert.equal(owner(r, '/tmp'), 'dir 0:0 1777');
    assert.equal(owner(r, '/tmp/req.txt'), 'missing');
  });

  test('a bind from another stage shows its files with their owners', () => {
    const df = 'FROM debian:bookworm AS b\nRUN useradd -u 1500 b && mkdir /out && touch /out/a && chown b /out/a && chmod 0600 /out/a\n' +
      `${APP}RUN --mount=type=bind,from=b,source=/out,target=/in cat /in/a\n`;
    assert.deepEqual(failures(build(df)), [[6, 'cat: /in/a: Permission denied', 'permission']]);
  });
});

describe('what is left of a mount after its step', () => {
  test('BuildKit removes the mount point and the empty parents it made; buildah keeps the parents', () => {
    const df = `${APP}RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 touch /home/app/.cache/pip/x\n`;
    const kit = build(df);
    assert.equal(owner(kit, '/home/app/.cache'), 'missing');
    assert.equal(owner(kit, '/home/app/.cache/pip'), 'missing');
    const bah = build(df, 'buildah');
    assert.equal(owner(bah, '/home/app/.cache'), 'dir 0:0 755');
    assert.equal(owner(bah, '/home/app/.cache/pip'), 'missing');
  });

  test('BuildKit keeps a parent the step wrote into, and a target the image had', () => {
    const r = build('FROM debian:bookworm\nRUN mkdir -p /opt/keep && touch /opt/keep/f\n' +
      'RUN --mount=type=cache,target=/app/cache --mount=type=tmpfs,target=/opt/keep touch /app/log /opt/keep/g\n');
    assert.equal(owner(r, '/app'), 'dir 0:0 755');
    assert.equal(owner(r, '/app/log'), 'file 0:0 644');
    assert.equal(owner(r, '/app/cache'), 'missing');
    assert.equal(owner(r, '/opt/keep/f'), 'file 0:0 644');
    assert.equal(owner(r, '/opt/keep/g'), 'missing');
  });

  test('buildah removes every target, even one the image had, under /tmp as well (oracle: run-mounts/existing-targets)', () => {
    const r = build('FROM debian:bookworm\nRUN mkdir -p /opt/keep /tmp/pre && touch /opt/keep/f /tmp/pre/f\n' +
      'RUN --mount=type=cache,target=/opt/keep --mount=type=tmpfs,target=/tmp/pre --mount=type=tmpfs,target=/tmp/t ' +
      '--mount=type=bind,source=requirements.txt,target=/tmp/req.txt true\n', 'buildah');
    assert.equal(owner(r, '/opt/keep'), 'missing');
    assert.equal(owner(r, '/opt/keep/f'), 'missing');
    assert.equal(owner(r, '/tmp/pre/f'), 'missing');
    assert.equal(owner(r, '/tmp/t'), 'missing');
    assert.equal(owner(r, '/tmp/req.txt'), 'missing');
  });

  test('what the step wrote in a mount is gone; what the mount hid is back', () => {
    const r = build('FROM debian:bookworm\nRUN mkdir -p /data && touch /data/old\nRUN --mount=type=tmpfs,target=/data touch /data/new && rm /data/old 2>/dev/null; true\n');
    assert.equal(owner(r, '/data/old'), 'file 0:0 644');
    assert.equal(owner(r, '/data/new'), 'missing');
  });
});

describe('the mounts one by one', () => {
  const env = (over: Partial<MountPlanEnv> = {}): MountPlanEnv => ({
    builder: 'buildkit',
    workdir: '/work',
    expand: (t) => t.replace('$UID', '1000'),
    context: CONTEXT,
    fromTree: () => undefined,
    origin: 'Dockerfile:7',
    line: 7,
    ...over,
  });
  const plan = (flags: string[], over?: Partial<MountPlanEnv>) =>
    planRunMounts(flags.map((raw) => ({ raw, mount: parseRunMount(raw) })), env(over));
  const roots = (flags: string[], over?: Partial<MountPlanEnv>) =>
    plan(flags, over).mounts.map((m) => [m.type, m.target, m.readonly, m.root && `${m.root.kind} ${m.root.uid}:${m.root.gid} ${m.root.mode.toString(8)}${m.root.partial ? ' partial' : ''}`]);

  test('each type\'s root entry, defaults and options, shallow targets first', () => {
    assert.deepEqual(roots([
      'type=cache,target=/c1',
      'type=cache,target=/c2,uid=$UID,gid=2000,mode=0775,ro',
      'type=tmpfs,target=/t',
      'type=secret,id=tok',
      'type=secret,target=/etc/key,mode=0440,gid=50',
      'type=secret,id=env-only,env=TOKEN',
      'type=ssh',
      'type=ssh,id=other,target=/home/app/agent,mode=0666',
      'target=/src,source=src',
      'type=bind,source=requirements.txt,target=req.txt,rw',
    ]), [
      ['cache', '/c1', false, 'dir 0:0 755 partial'],
      ['cache', '/c2', true, 'dir 1000:2000 755 partial'],
      ['tmpfs', '/t', false, 'dir 0:0 1777'],
      ['bind', '/src', true, 'dir 0:0 750'],
      ['secret', '/etc/key', true, 'file 0:50 440'],
      ['bind', '/work/req.txt', false, 'file 0:0 644'],
      ['secret', '/run/secrets/tok', true, 'file 0:0 400'],
      ['ssh', '/run/buildkit/ssh_agent.0', true, 'other 0:0 600'],
      ['ssh', '/home/app/agent', true, 'other 0:0 666'],
    ]);
  });

  test('a bound folder brings what is below it, ids zeroed; a stage keeps them', () => {
    const [m] = plan(['type=bind,source=/src,target=/app']).mounts;
    assert.deepEqual(m.below, [['/main.py', { kind: 'file', uid: 0, gid: 0, mode: 0o644, origin: 'Dockerfile:7' }]]);
    const stage: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/out', { kind: 'dir', uid: 1500, gid: 1500, mode: 0o700 }]]);
    const [s] = plan(['type=bind,from=b,source=/out,target=/in'], { fromTree: () => stage }).mounts;
    assert.deepEqual(s.root, { kind: 'dir', uid: 1500, gid: 1500, mode: 0o700, origin: 'Dockerfile:7' });
  });

  test('laid: parents made root 0755 for the step, the view read-only where the mount is; lifted: gone (BuildKit)', () => {
    const fs = newTree();
    fs.set('/home', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
    const laid = layMounts(fs, plan(['type=secret,id=tok,target=/home/app/sec/tok', 'type=cache,target=/var/cache/x']).mounts, 'Dockerfile:7');
    assert.deepEqual([...fs.entries()].filter(([p]) => p !== '/').map(([p, m]) => `${p} ${m.kind} ${m.uid}:${m.gid} ${m.mode.toString(8)}`).sort(), [
      '/home dir 0:0 755',
      '/home/app dir 0:0 755',
      '/home/app/sec dir 0:0 755',
      '/home/app/sec/tok file 0:0 400',
      '/var dir 0:0 755',
      '/var/cache dir 0:0 755',
      '/var/cache/x dir 0:0 755',
    ]);
    const view = { fs, mounts: viewMounts(laid), readOnlyRoot: false };
    const root = { uid: 0, gid: 0, groups: [0], caps: new Set(['CAP_DAC_OVERRIDE' as const]) };
    assert.equal(evaluate(root, view, '/home/app/sec/tok', 'write').errno, 'EROFS');
    assert.equal(evaluate(root, view, '/var/cache/x', 'create').allowed, true);
    liftMounts(fs, laid, 'buildkit');
    assert.deepEqual([...fs.keys()], ['/', '/home']);
  });
});

describe('parseRunMount', () => {
  const cases: [string, ReturnType<typeof parseRunMount>][] = [
    ['target=/x', { type: 'bind', target: '/x' }],
    ['type=Cache,dst=/c,sharing=locked,id=pip', { type: 'cache', target: '/c', id: 'pip' }],
    ['type=bind,src=a,destination=/b,ro=false', { type: 'bind', source: 'a', target: '/b', readonly: false }],
    ['type=bind,source=a,target=/b,readwrite', { type: 'bind', source: 'a', target: '/b', readonly: false }],
    ['type=cache,target=/c,readonly', { type: 'cache', target: '/c', readonly: true }],
    ['type=secret,id=tok,required=true,uid=1000,gid=1000,mode=0440', { type: 'secret', id: 'tok', required: true, uid: '1000', gid: '1000', mode: '0440' }],
    ['"type=bind","source=a,b",target=/c', { type: 'bind', source: 'a,b', target: '/c' }],
  ];
  for (const [value, want] of cases) test(value, () => assert.deepEqual(parseRunMount(value), want));
});

describe('--mount values BuildKit refuses before any step', () => {
  const cases: [string, string | undefined][] = [
    ['type=bogus,target=/x', 'unsupported mount type "bogus"'],
    ['type=cache,target=/x,uid=abc', 'invalid value abc for uid'],
    ['type=cache,target=/x,mode=999', 'invalid value 999 for mode'],
    ['type=bind,target=/x,uid=1000', 'uid not allowed for "bind" type mounts'],
    ['type=tmpfs,target=/x,mode=0700', 'mode not allowed for "tmpfs" type mounts'],
    ['type=cache,target=/x,foo=1', "unexpected key 'foo' in 'foo=1'"],
    ['type=cache,target=/x,required', "unexpected key 'required' for mount type 'cache'"],
    ['type=cache,target=/x,nope', "invalid field 'nope' must be a key=value pair"],
    ['type=secret,id=t,from=x', 'secret mount should not have a from'],
    ['type=bind,target=/x,sharing=locked', 'invalid cache sharing set for bind mount'],
    ['type=cache,target=/x,sharing=weird', 'unsupported sharing value "weird"'],
    ['type=cache,target=/x,uid=1000,gid=1000,mode=0755,sharing=locked', undefined],
    ['type=secret,id=tok,required', undefined],
    ['target=/x,ro', undefined],
    ['type=cache,target=/x,uid=$UID', undefined],
  ];
  for (const [value, want] of cases) test(value, () => assert.equal(mountError(value), want));

  test('the file is refused at the RUN line, as a Dockerfile error (exit 2)', () => {
    assert.throws(() => analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN --mount=type=bogus,target=/x true\n' }),
      (e: unknown) => e instanceof DockerfileSyntaxError && e.line === 2 && /unsupported mount type "bogus"/.test(e.message));
  });
});
