import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose, parseComposeFiles } from '../../src/runtime/compose.js';
import { RunParseError } from '../../src/runtime/errors.js';
import { resolveRuntime } from '../../src/runtime/resolve.js';
import { scratchState } from '../../src/image/state.js';
import { parseGroup, parsePasswd } from '../../src/image/accounts.js';
import type { HostPathFacts, ImageState } from '../../src/model/types.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };

function image(): ImageState {
  const s = scratchState();
  s.accounts.passwd = parsePasswd('root:x:0:0:root:/root:/bin/bash\nml:x:1000:1000::/home/ml:/bin/bash\n');
  s.accounts.group = parseGroup('root:x:0:\nml:x:1000:\n');
  s.fs.set('/run', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
  return s;
}

const SEC = `services:
  train:
    image: x
    user: "1000"
    secrets:
      - source: hf_token
        uid: "1000"
        mode: 0400
secrets:
  hf_token:
    file: ./token.txt
`;

describe('Compose secrets: and configs: given as files', () => {
  test('a file secret is a read-only bind of the host file at /run/secrets/NAME, uid/gid/mode ignored with compose\'s warning', () => {
    const p = parseCompose(SEC, { invoker, file: 'sec.yaml' });
    const m = p.services.train.mounts;
    assert.deepEqual(m, [{
      target: '/run/secrets/hf_token', kind: 'bind', source: '/home/me/proj/token.txt', readonly: true, createMissingSource: false,
      written: 'services.train.secrets[0]: secret hf_token -> /run/secrets/hf_token', composeFile: 'secret',
    }]);
    assert.deepEqual(p.warnings, ['secrets `uid`, `gid` and `mode` are not supported, they will be ignored']);
    assert.equal(p.services.train.options?.secrets, undefined);
  });

  test('the host owner and mode show through: a root 0600 token is unreadable by uid 1000', () => {
    const p = parseCompose(SEC, { invoker, file: 'sec.yaml' });
    const host: HostPathFacts[] = [{ path: '/home/me/proj/token.txt', exists: true, meta: { kind: 'file', uid: 0, gid: 0, mode: 0o600 }, from: 'facts-file' }];
    const r = resolveRuntime(image(), p.services.train, host, { engine: 'docker' });
    const f = r.view.fs.get('/run/secrets/hf_token');
    assert.equal(f?.kind, 'file');
    assert.equal(f?.uid, 0);
    assert.equal(f?.mode, 0o600);
    assert.deepEqual(r.view.mounts.find((x) => x.target === '/run/secrets/hf_token'), { target: '/run/secrets/hf_token', readonly: true, describe: 'a bind mount of /home/me/proj/token.txt' });
  });

  test('a missing secret file is not created: the start fails as a bind of a missing source', () => {
    const p = parseCompose(SEC, { invoker, file: 'sec.yaml' });
    const r = resolveRuntime(image(), p.services.train, [{ path: '/home/me/proj/token.txt', exists: false, from: 'facts-file' }], { engine: 'docker' });
    assert.deepEqual(r.errors.map((e) => e.message), ['invalid mount config for type "bind": bind source path does not exist: /home/me/proj/token.txt']);
  });

  test('short syntax, a relative target under /run/secrets, an absolute one as is; configs at /NAME', () => {
    const p = parseCompose(`services:
  a:
    image: x
    secrets: [one, {source: two, target: sub/t2}, {source: three, target: /etc/three}]
    configs: [cfg, {source: cfg, target: app.conf}]
secrets:
  one: {file: /srv/one}
  two: {file: two.txt}
  three: {file: ~/three}
configs:
  cfg: {file: ./cfg.ini}
`, { invoker, file: 'c.yaml' });
    assert.deepEqual(p.services.a.mounts.map((m) => [m.target, m.source, m.composeFile]), [
      ['/run/secrets/one', '/srv/one', 'secret'],
      ['/run/secrets/sub/t2', '/home/me/proj/two.txt', 'secret'],
      ['/etc/three', '/home/me/three', 'secret'],
      ['/cfg', '/home/me/proj/cfg.ini', 'config'],
      ['/app.conf', '/home/me/proj/cfg.ini', 'config'],
    ]);
    assert.deepEqual(p.warnings, []);
  });

  test('a later Compose file\'s definition of a secret wins; paths resolve from the first file\'s folder', () => {
    const p = parseComposeFiles([
      { file: 'a.yaml', text: 'services:\n  s:\n    image: x\n    secrets: [t]\nsecrets:\n  t: {file: ./a.txt}\n' },
      { file: 'sub/b.yaml', text: 'secrets:\n  t: {file: ./b.txt}\n' },
    ], { invoker });
    assert.deepEqual(p.services.s.mounts.map((m) => m.source), ['/home/me/proj/b.txt']);
  });

  test('an undefined secret is refused as compose refuses it, at its line', () => {
    assert.throws(() => parseCompose('services:\n  s:\n    image: x\n    secrets:\n      - nope\n', { invoker, file: 'c.yaml' }), (e: unknown) => {
      assert.ok(e instanceof RunParseError);
      assert.equal(e.detail, 'service "s" refers to undefined secret nope: invalid compose project');
      assert.equal(e.line, 5);
      return true;
    });
  });

  test('driver and template_driver are refused as docker compose refuses them', () => {
    assert.throws(() => parseCompose('services:\n  s:\n    image: x\n    secrets: [t]\nsecrets:\n  t: {file: a, driver: vault}\n', { invoker }), /Docker Compose does not support secrets\.\*\.driver/);
  });
});

describe('Compose secrets and configs written from environment: or content:', () => {
  const ENV = `services:
  s:
    image: x
    secrets:
      - api
      - {source: api, target: api2, uid: "1000", gid: "1000", mode: 0o440}
    configs:
      - {source: motd, target: /etc/motd}
secrets:
  api: {environment: API_KEY}
configs:
  motd: {content: hello}
`;

  test('they become files written into the container: 0444 0:0 by default, uid/gid/mode as given', () => {
    const p = parseCompose(ENV, { invoker, env: { API_KEY: 'k' } });
    const files = p.services.s.files ?? [];
    assert.deepEqual(files.map((f) => [f.path, f.uid, f.gid, f.mode.toString(8), f.confidence]), [
      ['/run/secrets/api', 0, 0, '444', 'medium'],
      ['/run/secrets/api2', 1000, 1000, '440', 'medium'],
      ['/etc/motd', 0, 0, '444', 'medium'],
    ]);
    assert.deepEqual(p.services.s.mounts, []);
    const r = resolveRuntime(image(), p.services.s, [], { engine: 'docker' });
    assert.deepEqual(r.view.fs.get('/run/secrets')?.mode, 0o755);
    assert.equal(r.view.fs.get('/run/secrets/api2')?.uid, 1000);
    assert.equal(r.view.fs.get('/etc/motd')?.mode, 0o444);
    const ids = r.notes.map((n) => n.assumption?.id).filter((x) => x !== undefined);
    assert.deepEqual(ids, ['compose-written:/run/secrets/api', 'compose-written:/run/secrets/api2', 'compose-written:/etc/motd']);
  });

  test('with uid given and a user: set, the owner is a low-confidence guess, said so', () => {
    const p = parseCompose('services:\n  s:\n    image: x\n    user: ml\n    secrets: [{source: api, uid: "5"}]\nsecrets:\n  api: {environment: K}\n', { invoker, env: { K: 'v' } });
    const f = p.services.s.files?.[0];
    assert.equal(f?.confidence, 'low');
    assert.match(f?.basis ?? '', /host's \/etc\/passwd/);
  });

  test('a read-only root filesystem refuses the copy: the container does not start', () => {
    const p = parseCompose('services:\n  s:\n    image: x\n    read_only: true\n    secrets: [api]\nsecrets:\n  api: {environment: K}\n', { invoker, env: { K: 'v' } });
    const r = resolveRuntime(image(), p.services.s, [], { engine: 'docker' });
    assert.deepEqual(r.errors.map((e) => e.message), ['container rootfs is marked read-only (docker compose copies services.s.secrets[0]: secret api -> /run/secrets/api into the container)']);
  });

  test('an environment variable compose does not have stops it', () => {
    assert.throws(() => parseCompose('services:\n  s:\n    image: x\n    secrets: [api]\nsecrets:\n  api: {environment: NOPE}\n', { invoker, env: {} }),
      /environment variable "NOPE" required by file "api" is not set/);
  });
});

describe('Compose external secrets', () => {
  test('are an assumption (swarm objects), with no file added', () => {
    const p = parseCompose('services:\n  s:\n    image: x\n    secrets: [db]\nsecrets:\n  db: {external: true}\n', { invoker, file: 'c.yaml' });
    assert.deepEqual(p.services.s.mounts, []);
    assert.equal(p.services.s.files, undefined);
    const a = p.services.s.assumptions ?? [];
    assert.deepEqual(a.map((x) => [x.id, x.confidence, x.line]), [['compose-external-secret:db', 'low', 4]]);
    assert.match(a[0].text, /unsupported external secret db/);
  });
});
