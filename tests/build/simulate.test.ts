import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { simulate } from '../../src/build/simulate.js';
import type { Builder } from '../../src/shell/context.js';
import { resolveBase } from '../../src/image/catalog/index.js';
import type { FsTree } from '../../src/model/types.js';

function build(text: string, builder: Builder = 'buildkit', opts: { buildArgs?: Record<string, string>; context?: FsTree; target?: string } = {}) {
  return simulate(parseDockerfile(text), { file: 'Dockerfile', builder, buildArgs: opts.buildArgs ?? {}, resolveBase, context: opts.context, target: opts.target });
}

function owner(r: ReturnType<typeof build>, path: string): string {
  const m = r.target.state.fs.get(path);
  return m ? `${m.kind} ${m.uid}:${m.gid} ${(m.mode & 0o7777).toString(8)}` : 'missing';
}

const USER = 'FROM debian:bookworm\nRUN useradd -m -u 1000 alice\n';

describe('the build simulator', () => {
  test('WORKDIR: BuildKit creates it as the active USER, the classic builder as root', () => {
    const df = `${USER}USER alice\nWORKDIR /work/a\n`;
    assert.equal(owner(build(df, 'buildkit'), '/work/a'), 'dir 1000:1000 755');
    assert.equal(owner(build(df, 'classic'), '/work/a'), 'dir 0:0 755');
  });

  test('WORKDIR with buildah: created by the next RUN, as that RUN\'s user', () => {
    assert.equal(owner(build(`${USER}USER alice\nWORKDIR /work\n`, 'buildah'), '/work'), 'missing');
    assert.equal(owner(build(`${USER}USER alice\nWORKDIR /work\nRUN true\n`, 'buildah'), '/work'), 'dir 1000:1000 755');
  });

  test('VOLUME: BuildKit keeps later RUN changes under it, classic and buildah discard them', () => {
    const df = `${USER}VOLUME /data\nRUN mkdir /data/cache\n`;
    assert.equal(owner(build(df, 'buildkit'), '/data/cache'), 'dir 0:0 755');
    assert.equal(owner(build(df, 'classic'), '/data/cache'), 'missing');
    assert.equal(owner(build(df, 'buildah'), '/data/cache'), 'missing');
  });

  test('RUN --mount targets keep none of the changes made under them', () => {
    const r = build(`${USER}RUN --mount=type=cache,target=/root/.cache mkdir -p /root/.cache/pip /opt/kept\n`);
    assert.equal(owner(r, '/root/.cache/pip'), 'missing');
    assert.equal(owner(r, '/opt/kept'), 'dir 0:0 755');
  });

  test('COPY into an existing directory keeps that directory\'s owner and mode (BuildKit)', () => {
    const context: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/app.py', { kind: 'file', uid: 501, gid: 20, mode: 0o755 }]]);
    const r = build(`${USER}RUN mkdir -m 0750 /srv/app\nCOPY --chown=alice app.py /srv/app\n`, 'buildkit', { context });
    assert.equal(owner(r, '/srv/app'), 'dir 0:0 750');
    assert.equal(owner(r, '/srv/app/app.py'), 'file 1000:1000 755');
  });

  test('COPY from the context zeroes the ids; --from keeps them', () => {
    const context: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/x', { kind: 'file', uid: 501, gid: 20, mode: 0o640 }]]);
    const r = build(`FROM debian:bookworm AS a\nRUN useradd -u 1500 bob && touch /f && chown bob /f\nFROM debian:bookworm\nCOPY x /x\nCOPY --from=a /f /f\n`, 'buildkit', { context });
    assert.equal(owner(r, '/x'), 'file 0:0 640');
    assert.equal(owner(r, '/f'), 'file 1500:0 644');
  });

  test('--chown=1000 takes gid 1000; --chown=name takes the primary group; --chmod applies', () => {
    const r = build(`${USER}COPY --chown=1000 a /a\nCOPY --chown=alice --chmod=600 b /b\n`);
    assert.equal(owner(r, '/a'), 'file 1000:1000 644');
    assert.equal(owner(r, '/b'), 'file 1000:1000 600');
  });

  test('the classic builder refuses --chmod', () => {
    const r = build(`${USER}COPY --chmod=600 b /b\n`, 'classic');
    assert.match(r.failures[0].message, /--chmod option requires BuildKit/);
  });

  test('ENV wins over an ARG of the same name; --build-arg overrides the default', () => {
    const r = build('FROM debian:bookworm\nARG NAME=a\nENV NAME=b\nARG UID=1000\nRUN useradd -u $UID x\n', 'buildkit', { buildArgs: { UID: '1234' } });
    assert.equal(r.target.state.config.env.NAME, 'b');
    assert.equal(r.target.state.accounts.passwd.find((e) => e.name === 'x')?.uid, 1234);
  });

  test('a failing step is reported at its line, and the analysis carries on', () => {
    const r = build(`${USER}USER alice\nRUN chown alice /opt\nRUN mkdir /home/alice/ok\n`);
    assert.equal(r.failures[0].line, 4);
    assert.equal(r.failures[0].kind, 'permission');
    assert.equal(owner(r, '/home/alice/ok'), 'dir 1000:1000 755');
  });

  test('USER naming a user that never exists fails the next RUN', () => {
    const r = build('FROM debian:bookworm\nUSER ghost\nRUN true\n');
    assert.equal(r.failures[0].line, 3);
    assert.match(r.failures[0].message, /unable to find user ghost/);
  });

  test('--target stops at that stage; a missing one lists the stages', () => {
    assert.equal(build('FROM debian:bookworm AS a\nFROM a AS b\n', 'buildkit', { target: 'a' }).target.name, 'a');
    assert.throws(() => build('FROM debian:bookworm AS a\n', 'buildkit', { target: 'zz' }), /stages: a/);
  });
});
