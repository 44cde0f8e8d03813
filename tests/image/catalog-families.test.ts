// The nginx, golang, rust and tensorflow/tensorflow entries of the catalog: which entry each real
// tag spelling resolves to, and the exact users, owners, modes and config each entry carries,
// as read from the images' own Dockerfiles.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ImageState } from '../../src/model/types.js';
import { analyze } from '../../src/analyze.js';
import { resolveExecUser } from '../../src/image/accounts.js';
import { resolvePath } from '../../src/image/fs.js';
import { catalogKeys, catalogState, resolveBase } from '../../src/image/catalog/index.js';

const user = (s: ImageState, name: string) => s.accounts.passwd.find((e) => e.name === name);
const group = (s: ImageState, name: string) => s.accounts.group.find((g) => g.name === name);
const meta = (s: ImageState, path: string) => s.fs.get(path);
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

describe('tags of the new families resolve to their entries', () => {
  // [ref, key, matched, assumption ids the tag itself made]
  const cases: [string, string, 'exact' | 'family', string[]][] = [
    ['nginx:alpine', 'nginx:alpine', 'exact', []],
    ['nginx:1.27-alpine', 'nginx:alpine', 'exact', []],
    ['nginx:1.27.3-alpine3.21', 'nginx:alpine', 'exact', []],
    ['nginx:stable-alpine-slim', 'nginx:alpine', 'exact', []],
    ['nginx:mainline-alpine-perl', 'nginx:alpine', 'exact', []],
    ['nginx:1.25.3-bookworm', 'nginx:bookworm', 'exact', []],
    ['nginx:bullseye', 'nginx:bullseye', 'exact', []],
    ['docker.io/library/nginx:1.27', 'nginx:bookworm', 'family', ['base:nginx-suite']],
    ['nginx:stable', 'nginx:bookworm', 'family', ['base:nginx-suite']],
    ['nginx', 'nginx:bookworm', 'family', ['base:latest-tag']],
    ['nginx:1.29-trixie', 'nginx:bookworm', 'family', ['base:nginx-suite']],
    ['nginx:1.27-unprivileged', 'nginx:bookworm', 'family', ['base:nginx-tag']],
    ['golang:1.22-alpine', 'golang:alpine', 'exact', []],
    ['golang:1.21.5-alpine3.19', 'golang:alpine', 'exact', []],
    ['golang:1.24-bookworm', 'golang:bookworm', 'exact', []],
    ['golang:1.23-bullseye', 'golang:bullseye', 'exact', []],
    ['golang:1.22', 'golang:bookworm', 'family', ['base:golang-suite']],
    ['golang', 'golang:bookworm', 'family', ['base:latest-tag']],
    ['golang:1.12-buster', 'golang:bookworm', 'family', ['base:golang-version', 'base:golang-suite']],
    ['golang:1.22-windowsservercore-ltsc2022', 'golang:bookworm', 'family', ['base:golang-tag']],
    ['rust:1.82-slim-bookworm', 'rust:slim-bookworm', 'exact', []],
    ['rust:1-alpine3.20', 'rust:alpine', 'exact', []],
    ['rust:alpine', 'rust:alpine', 'exact', []],
    ['rust:bookworm', 'rust:bookworm', 'exact', []],
    ['rust:1.70-slim-bullseye', 'rust:slim-bullseye', 'exact', []],
    ['rust:slim', 'rust:slim-bookworm', 'family', ['base:rust-suite']],
    ['rust:1.77', 'rust:bookworm', 'family', ['base:rust-suite']],
    ['rust', 'rust:bookworm', 'family', ['base:latest-tag']],
    ['tensorflow/tensorflow:2.15.0', 'tensorflow/tensorflow:cpu', 'exact', []],
    ['tensorflow/tensorflow:2.15.0-gpu', 'tensorflow/tensorflow:gpu', 'exact', []],
    ['tensorflow/tensorflow:2.15.0-jupyter', 'tensorflow/tensorflow:jupyter', 'exact', []],
    ['tensorflow/tensorflow:2.15.0-gpu-jupyter', 'tensorflow/tensorflow:gpu-jupyter', 'exact', []],
    ['tensorflow/tensorflow:2.16.1-gpu', 'tensorflow/tensorflow:gpu', 'exact', []],
    ['tensorflow/tensorflow', 'tensorflow/tensorflow:cpu', 'family', ['base:latest-tag', 'base:tensorflow-user']],
    ['tensorflow/tensorflow:latest', 'tensorflow/tensorflow:cpu', 'family', ['base:latest-tag', 'base:tensorflow-user']],
    ['tensorflow/tensorflow:latest-gpu', 'tensorflow/tensorflow:gpu', 'family', ['base:latest-tag', 'base:tensorflow-user']],
    ['tensorflow/tensorflow:latest-jupyter', 'tensorflow/tensorflow:jupyter', 'family', ['base:latest-tag', 'base:tensorflow-user']],
    ['tensorflow/tensorflow:latest-gpu-jupyter', 'tensorflow/tensorflow:gpu-jupyter', 'family', ['base:latest-tag', 'base:tensorflow-user']],
    ['tensorflow/tensorflow:nightly-jupyter', 'tensorflow/tensorflow:jupyter', 'family', ['base:tensorflow-nightly', 'base:tensorflow-user']],
    ['tensorflow/tensorflow:2.18.0', 'tensorflow/tensorflow:cpu', 'family', ['base:tensorflow-user']],
    ['tensorflow/tensorflow:2.11.0-gpu', 'tensorflow/tensorflow:gpu', 'family', ['base:tensorflow-release']],
    ['tensorflow/tensorflow:1.15.5-gpu-py3-jupyter', 'tensorflow/tensorflow:gpu-jupyter', 'family', ['base:tensorflow-release']],
    ['tensorflow/tensorflow:latest-devel-gpu', 'tensorflow/tensorflow:gpu', 'family', ['base:unknown-tag']],
  ];
  const tagRows = /^base:(latest-tag|unknown-tag|(nginx|golang|rust)-(suite|tag|digest|version)|tensorflow-(user|nightly|release))$/;

  for (const [ref, key, matched, rows] of cases) {
    test(`${ref} -> ${key} (${matched})`, () => {
      const r = resolveBase(ref);
      assert.deepEqual([r.key, r.matched], [key, matched]);
      assert.deepEqual(r.assumptions.map((a) => a.id).filter((id) => tagRows.test(id)), rows);
    });
  }

  test('confidence of what a tag made the catalog guess', () => {
    const conf = (ref: string, id: string) => resolveBase(ref).assumptions.find((a) => a.id === id)?.confidence;
    assert.equal(conf('nginx:1.27', 'base:nginx-suite'), 'medium');
    assert.equal(conf('nginx:1.27-unprivileged', 'base:nginx-tag'), 'low');
    assert.equal(conf('golang:1.12-buster', 'base:golang-suite'), 'low');
    assert.equal(conf('tensorflow/tensorflow:2.11.0-gpu', 'base:tensorflow-release'), 'medium');
    assert.equal(conf('tensorflow/tensorflow:1.15.5-gpu-py3-jupyter', 'base:tensorflow-release'), 'low');
    assert.equal(conf('tensorflow/tensorflow:latest-devel-gpu', 'base:unknown-tag'), 'low');
  });

  test('a full version tag sets the version variable the Dockerfile sets', () => {
    const env = (ref: string) => resolveBase(ref).state.config.env;
    assert.equal(env('nginx:1.27.3-alpine').NGINX_VERSION, '1.27.3');
    assert.equal(env('nginx:1.27-alpine').NGINX_VERSION, undefined);
    assert.equal(env('golang:1.22.5-bookworm').GOLANG_VERSION, '1.22.5');
    assert.equal(env('rust:1.82.0-slim-bookworm').RUST_VERSION, '1.82.0');
  });

  test('the catalog lists every new entry', () => {
    const keys = catalogKeys();
    for (const k of ['nginx:bookworm', 'nginx:bullseye', 'nginx:alpine', 'golang:bookworm', 'golang:bullseye',
      'golang:alpine', 'rust:bookworm', 'rust:slim-bookworm', 'rust:bullseye', 'rust:slim-bullseye', 'rust:alpine',
      'tensorflow/tensorflow:cpu', 'tensorflow/tensorflow:gpu', 'tensorflow/tensorflow:jupyter',
      'tensorflow/tensorflow:gpu-jupyter']) {
      assert.ok(keys.includes(k), k);
    }
  });
});

describe('nginx: user and group nginx 101, root-owned content, logs on stdout/stderr', () => {
  test('Debian: nginx 101:101, no home, /bin/false, group without members', () => {
    const s = resolveBase('nginx:1.25.3-bookworm').state;
    assert.deepEqual(user(s, 'nginx'), { name: 'nginx', uid: 101, gid: 101, gecos: 'nginx user', home: '/nonexistent', shell: '/bin/false' });
    assert.deepEqual(group(s, 'nginx'), { name: 'nginx', gid: 101, members: [] });
    assert.equal(s.distro, 'debian');
    assert.equal(user(s, '_apt')?.uid, 42);
  });

  test('Alpine: nginx 101:101 with home /var/cache/nginx and nologin, a member of its group', () => {
    const s = resolveBase('nginx:alpine').state;
    assert.deepEqual(user(s, 'nginx'), { name: 'nginx', uid: 101, gid: 101, gecos: 'nginx', home: '/var/cache/nginx', shell: '/sbin/nologin' });
    assert.deepEqual(group(s, 'nginx'), { name: 'nginx', gid: 101, members: ['nginx'] });
    assert.equal(s.distro, 'alpine');
    assert.equal(group(s, 'www-data')?.gid, 82);
  });

  test('no user at uid 1000, and root by default', () => {
    for (const ref of ['nginx', 'nginx:alpine', 'nginx:bullseye']) {
      const s = resolveBase(ref).state;
      assert.equal(s.accounts.passwd.find((e) => e.uid === 1000), undefined, ref);
      assert.equal(s.config.user, '', ref);
    }
  });

  // [path, kind, uid, gid, mode, target]
  const rows: [string, string, number, number, number, string?][] = [
    ['/etc/nginx', 'dir', 0, 0, 0o755],
    ['/etc/nginx/nginx.conf', 'file', 0, 0, 0o644],
    ['/etc/nginx/conf.d/default.conf', 'file', 0, 0, 0o644],
    ['/etc/nginx/modules', 'symlink', 0, 0, 0o777, '/usr/lib/nginx/modules'],
    ['/usr/share/nginx/html', 'dir', 0, 0, 0o755],
    ['/usr/share/nginx/html/index.html', 'file', 0, 0, 0o644],
    ['/usr/share/nginx/html/50x.html', 'file', 0, 0, 0o644],
    ['/var/cache/nginx', 'dir', 0, 0, 0o755],
    ['/var/log/nginx', 'dir', 0, 0, 0o755],
    ['/var/log/nginx/access.log', 'symlink', 0, 0, 0o777, '/dev/stdout'],
    ['/var/log/nginx/error.log', 'symlink', 0, 0, 0o777, '/dev/stderr'],
    ['/docker-entrypoint.sh', 'file', 0, 0, 0o755],
    ['/docker-entrypoint.d', 'dir', 0, 0, 0o755],
    ['/docker-entrypoint.d/20-envsubst-on-templates.sh', 'file', 0, 0, 0o755],
    ['/usr/sbin/nginx', 'file', 0, 0, 0o755],
  ];
  for (const ref of ['nginx:1.27-bookworm', 'nginx:1.27-alpine']) {
    for (const [path, kind, uid, gid, mode, target] of rows) {
      test(`${ref}: ${path} ${kind} ${uid}:${gid} ${mode.toString(8)}`, () => {
        const m = meta(resolveBase(ref).state, path);
        assert.deepEqual([m?.kind, m?.uid, m?.gid, m?.mode, m?.target], [kind, uid, gid, mode, target]);
      });
    }
  }

  test('the html folder holds the two pages and nothing else; the cache folder is known in part', () => {
    const s = resolveBase('nginx:alpine').state;
    assert.equal(meta(s, '/usr/share/nginx/html')?.partial, undefined);
    assert.equal(resolvePath(s.fs, '/usr/share/nginx/html/app.js').unknown, false);
    assert.equal(meta(s, '/var/cache/nginx')?.partial, true);
    assert.equal(meta(resolveBase('nginx:alpine').state, '/usr/local/bin/envsubst')?.mode, 0o755);
  });

  test('config: the entrypoint script, nginx in the foreground, port 80', () => {
    for (const ref of ['nginx:1.27', 'nginx:alpine-slim']) {
      const c = resolveBase(ref).state.config;
      assert.deepEqual([c.user, c.workdir, c.entrypoint, c.cmd, c.exposedPorts],
        ['', '/', ['/docker-entrypoint.sh'], ['nginx', '-g', 'daemon off;'], ['80/tcp']], ref);
      assert.equal(c.env.PATH, DEFAULT_PATH, ref);
    }
  });

  test('the unsure owners and modes are stated as assumptions', () => {
    const ids = resolveBase('nginx:alpine').assumptions.map((a) => `${a.id} ${a.confidence}`);
    assert.ok(ids.includes('base:nginx-modes medium'));
    assert.ok(ids.includes('base:nginx-entrypoint medium'));
  });

  // The lines of the nginx Dockerfiles that make the account, run by the model on the image each
  // variant is built FROM, must end where the catalog starts.
  const made: [string, string, string][] = [
    ['nginx:bookworm', 'debian:bookworm-slim', 'groupadd --system --gid 101 nginx && useradd --system --gid nginx --no-create-home --home /nonexistent --comment "nginx user" --shell /bin/false --uid 101 nginx'],
    ['nginx:bullseye', 'debian:bullseye-slim', 'addgroup --system --gid 101 nginx && adduser --system --disabled-login --ingroup nginx --no-create-home --home /nonexistent --gecos "nginx user" --shell /bin/false --uid 101 nginx'],
    ['nginx:alpine', 'alpine:3.22', 'addgroup -g 101 -S nginx && adduser -S -D -H -u 101 -h /var/cache/nginx -s /sbin/nologin -G nginx -g nginx nginx'],
  ];
  for (const [key, from, run] of made) {
    test(`${key}: the catalog account is the one the Dockerfile's own step makes`, () => {
      const built = analyze({ file: 'Dockerfile', text: `FROM ${from}\nRUN ${run}\n` });
      assert.deepEqual(built.sim.failures, []);
      const cat = catalogState(key)!;
      assert.deepEqual(user(cat, 'nginx'), user(built.image, 'nginx'));
      assert.deepEqual(group(cat, 'nginx'), group(built.image, 'nginx'));
    });
  }
});

describe('golang: Go in /usr/local/go, GOPATH /go open to every user with the sticky bit', () => {
  const rows: [string, string, number, number, number][] = [
    ['/usr/local/go', 'dir', 0, 0, 0o755],
    ['/usr/local/go/bin/go', 'file', 0, 0, 0o755],
    ['/go', 'dir', 0, 0, 0o1777],
    ['/go/src', 'dir', 0, 0, 0o1777],
    ['/go/bin', 'dir', 0, 0, 0o1777],
  ];
  for (const ref of ['golang:1.24-bookworm', 'golang:1.22-alpine']) {
    for (const [path, kind, uid, gid, mode] of rows) {
      test(`${ref}: ${path} ${uid}:${gid} ${mode.toString(8)}`, () => {
        const m = meta(resolveBase(ref).state, path);
        assert.deepEqual([m?.kind, m?.uid, m?.gid, m?.mode], [kind, uid, gid, mode]);
      });
    }
  }

  test('config: root, WORKDIR /go, GOPATH and PATH as the Dockerfile sets them', () => {
    for (const [ref, cmd] of [['golang:1.24-bookworm', ['bash']], ['golang:1.22-alpine', ['/bin/sh']]] as const) {
      const c = resolveBase(ref).state.config;
      assert.deepEqual([c.user, c.workdir, c.entrypoint, c.cmd], ['', '/go', null, cmd], ref);
      assert.equal(c.env.GOPATH, '/go');
      assert.equal(c.env.GOTOOLCHAIN, 'local');
      assert.equal(c.env.PATH, `/go/bin:/usr/local/go/bin:${DEFAULT_PATH}`);
    }
  });

  test('images of Go before 1.20 had GOPATH 0777, and Go 1.20 had no GOTOOLCHAIN', () => {
    const old = resolveBase('golang:1.12-buster').state;
    assert.equal(meta(old, '/go')?.mode, 0o777);
    assert.equal(old.config.env.GOTOOLCHAIN, undefined);
    assert.equal(resolveBase('golang:1.20-bookworm').state.config.env.GOTOOLCHAIN, undefined);
    assert.equal(meta(resolveBase('golang:1.20-bookworm').state, '/go')?.mode, 0o1777);
  });

  test('no user is added: the distribution accounts only', () => {
    assert.equal(resolveBase('golang:1.22').state.accounts.passwd.length, resolveBase('debian:bookworm').state.accounts.passwd.length);
    assert.equal(resolveBase('golang:1.22-alpine').state.accounts.passwd.length, resolveBase('alpine:3.22').state.accounts.passwd.length);
  });

  test('a non-root user can go install into /go/bin', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM golang:1.22-alpine\nRUN adduser -D -u 1000 app\nUSER app\n', paths: ['/go/bin'] });
    assert.equal(a.verdicts.find((v) => v.path === '/go/bin' && v.op === 'write')?.allowed, true);
  });
});

describe('rust: CARGO_HOME and RUSTUP_HOME in /usr/local, opened with chmod -R a+w', () => {
  const rows: [string, number][] = [
    ['/usr/local/cargo', 0o777],
    ['/usr/local/cargo/bin', 0o777],
    ['/usr/local/cargo/bin/cargo', 0o777],
    ['/usr/local/rustup', 0o777],
    ['/usr/local/rustup/toolchains', 0o777],
  ];
  for (const ref of ['rust:1.82-bookworm', 'rust:1.82-slim-bookworm', 'rust:1-alpine']) {
    for (const [path, mode] of rows) {
      test(`${ref}: ${path} root:root ${mode.toString(8)}`, () => {
        const m = meta(resolveBase(ref).state, path);
        assert.deepEqual([m?.uid, m?.gid, m?.mode], [0, 0, mode]);
      });
    }
  }

  test('config: root, cwd /, the homes and PATH as the Dockerfile sets them', () => {
    for (const [ref, cmd] of [['rust:1.82', ['bash']], ['rust:1.82-alpine', ['/bin/sh']]] as const) {
      const c = resolveBase(ref).state.config;
      assert.deepEqual([c.user, c.workdir, c.entrypoint, c.cmd], ['', '/', null, cmd], ref);
      assert.deepEqual([c.env.CARGO_HOME, c.env.RUSTUP_HOME, c.env.PATH],
        ['/usr/local/cargo', '/usr/local/rustup', `/usr/local/cargo/bin:${DEFAULT_PATH}`], ref);
    }
  });

  test('the modes rustup made before a+w are an assumption', () => {
    assert.equal(resolveBase('rust:slim').assumptions.find((a) => a.id === 'base:rust-modes')?.confidence, 'medium');
  });

  test('cargo home is writable by a user the Dockerfile adds', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM rust:1.82-slim-bookworm\nRUN useradd -m -u 1000 dev\nUSER dev\n', paths: ['/usr/local/cargo/registry'] });
    assert.equal(a.verdicts.find((v) => v.path === '/usr/local/cargo/registry' && v.op === 'create')?.allowed, true);
  });
});

describe('tensorflow/tensorflow: root, TensorFlow in the system Python, Jupyter as root with --allow-root', () => {
  test('CPU images are Ubuntu 22.04, GPU ones the nvidia/cuda base image on it', () => {
    const cpu = resolveBase('tensorflow/tensorflow:2.15.0').state;
    const gpu = resolveBase('tensorflow/tensorflow:2.15.0-gpu').state;
    assert.deepEqual([cpu.distro, gpu.distro], ['ubuntu', 'ubuntu']);
    assert.equal(user(cpu, 'ubuntu'), undefined);
    assert.equal(cpu.accounts.passwd.find((e) => e.uid === 1000), undefined);
    assert.equal(user(cpu, '_apt')?.uid, 100);
    assert.equal(gpu.config.env.NVIDIA_VISIBLE_DEVICES, 'all');
    assert.equal(gpu.config.env.PATH, `/usr/local/nvidia/bin:/usr/local/cuda/bin:${DEFAULT_PATH}`);
    assert.equal(cpu.config.env.PATH, DEFAULT_PATH);
    assert.equal(meta(gpu, '/usr/local/cuda')?.mode, 0o755);
    assert.equal(meta(gpu, '/opt/nvidia'), undefined);
  });

  test('the Python pip writes to: system 3.11, dist-packages in /usr/local, no PEP 668 marker', () => {
    for (const ref of ['tensorflow/tensorflow:2.15.0', 'tensorflow/tensorflow:latest-gpu-jupyter']) {
      const p = resolveBase(ref).state.pythons;
      assert.deepEqual(p, [{
        python: '/usr/bin/python3',
        kind: 'system',
        sitePackages: '/usr/local/lib/python3.11/dist-packages',
        version: '3.11',
        externallyManaged: false,
        binDir: '/usr/local',
      }], ref);
    }
    assert.equal(resolveBase('tensorflow/tensorflow:2.11.0').state.pythons[0].sitePackages, '/usr/local/lib/python3.8/dist-packages');
  });

  // [path, kind, uid, gid, mode, target]
  const rows: [string, string, number, number, number, string?][] = [
    ['/usr/bin/python3', 'symlink', 0, 0, 0o777, '/usr/bin/python3.11'],
    ['/usr/bin/python3.11', 'file', 0, 0, 0o755],
    ['/usr/local/bin/pip', 'file', 0, 0, 0o755],
    ['/usr/local/lib/python3.11/dist-packages', 'dir', 0, 0, 0o755],
    ['/usr/local/lib/python3.11/dist-packages/tensorflow', 'dir', 0, 0, 0o755],
    ['/etc/bash.bashrc', 'file', 0, 0, 0o777],
  ];
  for (const ref of ['tensorflow/tensorflow:2.15.0', 'tensorflow/tensorflow:2.15.0-gpu-jupyter']) {
    for (const [path, kind, uid, gid, mode, target] of rows) {
      test(`${ref}: ${path} ${uid}:${gid} ${mode.toString(8)}`, () => {
        const m = meta(resolveBase(ref).state, path);
        assert.deepEqual([m?.kind, m?.uid, m?.gid, m?.mode, m?.target], [kind, uid, gid, mode, target]);
      });
    }
  }

  test('-jupyter: /tf and /.local world-writable, the tutorials root-owned inside', () => {
    const s = resolveBase('tensorflow/tensorflow:2.15.0-jupyter').state;
    const at = (p: string) => { const m = meta(s, p); return [m?.kind, m?.uid, m?.gid, m?.mode, m?.partial === true]; };
    assert.deepEqual(at('/tf'), ['dir', 0, 0, 0o777, false]);
    assert.deepEqual(at('/tf/tensorflow-tutorials'), ['dir', 0, 0, 0o777, true]);
    assert.deepEqual(at('/tf/tensorflow-tutorials/README.md'), ['file', 0, 0, 0o644, false]);
    assert.deepEqual(at('/.local'), ['dir', 0, 0, 0o777, false]);
    assert.equal(meta(resolveBase('tensorflow/tensorflow:2.15.0').state, '/tf'), undefined);
  });

  // [ref, workdir, cmd, ports]
  const configs: [string, string, string[] | null, string[]][] = [
    ['tensorflow/tensorflow:2.15.0', '/', ['/bin/bash'], []],
    ['tensorflow/tensorflow:2.15.0-gpu', '/', ['/bin/bash'], []],
    ['tensorflow/tensorflow:2.15.0-jupyter', '/tf', ['bash', '-c', 'source /etc/bash.bashrc && jupyter notebook --notebook-dir=/tf --ip 0.0.0.0 --no-browser --allow-root'], ['8888/tcp']],
    ['tensorflow/tensorflow:latest-gpu-jupyter', '/tf', ['bash', '-c', 'source /etc/bash.bashrc && jupyter notebook --notebook-dir=/tf --ip 0.0.0.0 --no-browser --allow-root'], ['8888/tcp']],
  ];
  for (const [ref, workdir, cmd, ports] of configs) {
    test(`${ref}: root, WORKDIR ${workdir}`, () => {
      const c = resolveBase(ref).state.config;
      assert.deepEqual([c.user, c.workdir, c.entrypoint, c.cmd, c.exposedPorts], ['', workdir, null, cmd, ports]);
      assert.deepEqual([c.env.LANG, c.env.DEBIAN_FRONTEND], ['C.UTF-8', 'noninteractive']);
    });
  }

  test('no sudo, and root is the only user that runs', () => {
    const s = resolveBase('tensorflow/tensorflow:latest-jupyter').state;
    assert.equal(s.packages.sudo, undefined);
    const r = resolveExecUser(s.accounts, s.config.user);
    assert.ok(r.ok);
    assert.deepEqual(r.ok && [r.user.uid, r.user.home], [0, '/root']);
  });

  test('what the sources do not state is an assumption', () => {
    const ids = resolveBase('tensorflow/tensorflow:2.15.0-jupyter').assumptions.map((a) => `${a.id} ${a.confidence}`);
    for (const id of ['base:tensorflow-python medium', 'base:tensorflow-release-layout medium', 'base:tensorflow-jupyter-files medium']) {
      assert.ok(ids.includes(id), id);
    }
  });
});

describe("the images built on buildpack-deps have Debian's python3 (mercurial needs it), without pip", () => {
  for (const [ref, version] of [['node:20', '3.11'], ['node:20-bullseye', '3.9'], ['golang:1.22', '3.11'], ['rust:1', '3.11']] as const) {
    test(ref, () => {
      const s = resolveBase(ref).state;
      assert.deepEqual(s.pythons.map((p) => `${p.kind} ${p.python} ${p.version} ${p.externallyManaged}`), [`system /usr/bin/python3 ${version} ${version === '3.11'}`]);
      assert.equal(resolvePath(s.fs, '/usr/bin/python3').meta?.kind, 'file');
      assert.equal(s.fs.has('/usr/bin/pip3'), false);
      const a = analyze({ file: 'Dockerfile', text: `FROM ${ref}\nRUN python3 -c 'print(1)' && hg --version\n` });
      assert.deepEqual(a.sim.failures, []);
      assert.deepEqual(analyze({ file: 'Dockerfile', text: `FROM ${ref}\nRUN pip install numpy\n` }).sim.failures.map((f) => f.message), ['/bin/sh: 1: pip: not found']);
    });
  }
  test('the slim and Alpine variants have none', () => {
    for (const ref of ['node:20-slim', 'golang:1.22-alpine', 'rust:1-slim']) assert.deepEqual(resolveBase(ref).state.pythons, [], ref);
  });
});
