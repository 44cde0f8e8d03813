import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ImageState } from '../../src/model/types.js';
import { resolveExecUser } from '../../src/image/accounts.js';
import { analyze } from '../../src/analyze.js';
import { resolvePath } from '../../src/image/fs.js';
import {
  catalogKeys,
  catalogState,
  describeCatalog,
  parseRef,
  resolveBase,
  sudoRules,
} from '../../src/image/catalog/index.js';

const user = (s: ImageState, name: string) => s.accounts.passwd.find((e) => e.name === name);
const meta = (s: ImageState, path: string) => s.fs.get(path);

describe('parseRef normalises registries, tags and digests', () => {
  const cases: [string, string, string, string | null, string | null][] = [
    ['docker.io/library/python:3.11-slim', '', 'python', '3.11-slim', null],
    ['index.docker.io/library/ubuntu:22.04', '', 'ubuntu', '22.04', null],
    ['library/debian', '', 'debian', null, null],
    ['localhost/debian:bookworm', '', 'debian', 'bookworm', null],
    ['localhost:5000/jupyter/base-notebook:latest', '', 'jupyter/base-notebook', 'latest', null],
    ['quay.io/jupyter/pytorch-notebook:cuda12-latest', 'quay.io', 'jupyter/pytorch-notebook', 'cuda12-latest', null],
    ['nvcr.io/nvidia/pytorch:24.05-py3', 'nvcr.io', 'nvidia/pytorch', '24.05-py3', null],
    ['nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04@sha256:abcd', '', 'nvidia/cuda', '12.4.1-cudnn-devel-ubuntu22.04', 'sha256:abcd'],
    ['ubuntu@sha256:0123', '', 'ubuntu', null, 'sha256:0123'],
    ['public.ecr.aws/docker/library/alpine:3.20', '', 'alpine', '3.20', null],
  ];

  for (const [ref, registry, repo, tag, digest] of cases) {
    test(ref, () => {
      const r = parseRef(ref);
      assert.deepEqual([r.registry, r.repo, r.tag, r.digest], [registry, repo, tag, digest]);
    });
  }
});

describe('resolveBase picks the catalog entry and says how it matched', () => {
  const cases: [string, string | null, string][] = [
    ['debian:bookworm', 'debian:bookworm', 'exact'],
    ['debian:12-slim', 'debian:bookworm-slim', 'exact'],
    ['localhost/debian:bookworm', 'debian:bookworm', 'exact'],
    ['docker.io/library/debian:bookworm@sha256:1234', 'debian:bookworm', 'exact'],
    ['debian:trixie', 'debian:bookworm', 'family'],
    ['ubuntu:24.04', 'ubuntu:24.04', 'exact'],
    ['ubuntu:jammy', 'ubuntu:22.04', 'exact'],
    ['ubuntu', 'ubuntu:24.04', 'family'],
    ['python:3.11-slim-bookworm', 'python:3.11-slim-bookworm', 'exact'],
    ['docker.io/library/python:3.11-slim', 'python:3.11-slim-bookworm', 'family'],
    ['python:3.12-alpine', 'python:3.12-alpine', 'exact'],
    ['nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04@sha256:ab', 'nvidia/cuda:cudnn-devel-ubuntu22.04', 'exact'],
    ['nvidia/cuda:12.6.3-base-ubuntu24.04', 'nvidia/cuda:base-ubuntu24.04', 'exact'],
    ['nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu20.04', 'nvidia/cuda:cudnn-runtime-ubuntu20.04', 'exact'],
    ['nvidia/cuda:12.4.1-runtime-ubi9', 'nvidia/cuda:runtime-ubuntu22.04', 'family'],
    ['pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime', 'pytorch/pytorch:runtime', 'exact'],
    ['pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel', 'pytorch/pytorch:devel', 'exact'],
    ['pytorch/pytorch', 'pytorch/pytorch:runtime', 'family'],
    ['nvcr.io/nvidia/pytorch:25.03-py3', 'nvcr.io/nvidia/pytorch:py3-ubuntu24.04', 'exact'],
    ['nvcr.io/nvidia/pytorch:24.05-py3', 'nvcr.io/nvidia/pytorch:py3-ubuntu22.04', 'family'],
    ['quay.io/jupyter/pytorch-notebook:cuda12-latest', 'jupyter/pytorch-notebook', 'family'],
    ['quay.io/jupyter/scipy-notebook:2024-12-02', 'jupyter/scipy-notebook', 'exact'],
    ['jupyter/base-notebook', 'jupyter/base-notebook', 'family'],
    ['continuumio/miniconda3:24.7.1-0', 'continuumio/miniconda3', 'exact'],
    ['mambaorg/micromamba:2.0.5-ubuntu24.04', 'mambaorg/micromamba:ubuntu24.04', 'exact'],
    ['condaforge/miniforge3', 'condaforge/miniforge3', 'family'],
    ['condaforge/mambaforge:latest', 'condaforge/mambaforge', 'exact'],
    ['condaforge/mambaforge:23.3.1-1', 'condaforge/mambaforge', 'exact'],
    ['alpine:3.20', 'alpine:3', 'exact'],
    ['node:22-bookworm-slim', 'node:bookworm-slim', 'exact'],
    ['node:20.11.1-alpine3.19', 'node:alpine', 'exact'],
    ['node:lts-alpine', 'node:alpine', 'exact'],
    ['node:18-bullseye', 'node:bullseye', 'exact'],
    ['node:20', 'node:bookworm', 'family'],
    ['node:current-slim', 'node:bookworm-slim', 'family'],
    ['node', 'node:bookworm', 'family'],
    ['node:12-alpine', 'node:alpine', 'family'],
    ['gcr.io/distroless/static-debian12:nonroot', 'gcr.io/distroless/static:nonroot', 'exact'],
    ['gcr.io/distroless/java17-debian12', 'gcr.io/distroless/base', 'family'],
    ['cgr.dev/chainguard/python:latest-dev', 'cgr.dev/chainguard/python', 'family'],
    ['registry.example.com/team/trainer:7', null, 'generic'],
    ['scratch', null, 'scratch'],
  ];

  for (const [ref, key, matched] of cases) {
    test(`${ref} -> ${key ?? '(none)'} (${matched})`, () => {
      const r = resolveBase(ref);
      assert.equal(r.key, key);
      assert.equal(r.matched, matched);
    });
  }

  test('a family match carries the guess it made as an assumption', () => {
    const r = resolveBase('debian:trixie');
    const guess = r.assumptions.find((a) => a.id === 'base:unknown-tag');
    assert.equal(guess?.confidence, 'medium');
    assert.match(guess!.text, /bookworm/);
    assert.deepEqual(r.state.assumptions, r.assumptions);
  });

  test('the state records the reference as written', () => {
    assert.equal(resolveBase('localhost/debian:bookworm').state.base, 'localhost/debian:bookworm');
  });

  test('references that come down to one spec get their own reference, assumptions and copy', () => {
    // Unknown images share one built state, as python:3.11 and python:3.11.9 share a spec.
    const a = resolveBase('example.invalid/one:1');
    const b = resolveBase('example.invalid/two:2');
    assert.deepEqual([a.state.base, b.state.base], ['example.invalid/one:1', 'example.invalid/two:2']);
    assert.deepEqual([a.assumptions[0].subject, b.assumptions[0].subject], ['example.invalid/one:1', 'example.invalid/two:2']);
    assert.deepEqual(b.state.provenance, [{ source: 'assumption', ref: 'example.invalid/two:2' }]);
    a.state.fs.delete('/tmp');
    a.state.accounts.group.push({ name: 'x', gid: 5, members: [] });
    assert.equal(meta(b.state, '/tmp')?.mode, 0o1777);
    assert.equal(b.state.accounts.group.some((g) => g.name === 'x'), false);
    assert.deepEqual({ ...b.state, base: '', assumptions: [], provenance: [] }, { ...resolveBase('example.invalid/three:3').state, base: '', assumptions: [], provenance: [] });

    const slim = resolveBase('python:3.11-slim');
    const patch = resolveBase('python:3.11.9-slim');
    assert.deepEqual([slim.state.base, patch.state.base], ['python:3.11-slim', 'python:3.11.9-slim']);
    assert.equal(patch.state.config.env.PYTHON_VERSION, '3.11.9');
    assert.notEqual(slim.state.config.env.PYTHON_VERSION, '3.11.9');
  });

  test('each call returns a fresh state', () => {
    const a = resolveBase('debian:bookworm');
    a.state.accounts.passwd.push({ name: 'x', uid: 5, gid: 5, gecos: '', home: '/', shell: '' });
    a.state.fs.delete('/tmp');
    const b = resolveBase('debian:bookworm');
    assert.equal(user(b.state, 'x'), undefined);
    assert.equal(meta(b.state, '/tmp')?.mode, 0o1777);
  });
});

describe('an unknown base is a plainly stated low-confidence guess', () => {
  const r = resolveBase('registry.example.com/team/trainer:7');

  test('one low assumption naming the image', () => {
    assert.equal(r.assumptions.length, 1);
    assert.equal(r.assumptions[0].confidence, 'low');
    assert.match(
      r.assumptions[0].text,
      /^base image registry\.example\.com\/team\/trainer:7 is not in the catalog; assuming a Debian-like image running as root/,
    );
  });

  test('runs as root with Debian accounts and no listing is complete', () => {
    assert.equal(r.state.config.user, '');
    assert.equal(user(r.state, 'root')?.uid, 0);
    assert.equal(r.state.distro, 'unknown');
    assert.equal(meta(r.state, '/home')?.partial, true);
    assert.equal(resolvePath(r.state.fs, '/home/anyone').unknown, true);
    assert.deepEqual(r.state.provenance, [{ source: 'assumption', ref: 'registry.example.com/team/trainer:7' }]);
  });
});

describe('scratch is the empty state', () => {
  test('no accounts, only /', () => {
    const r = resolveBase('scratch');
    assert.deepEqual([...r.state.fs.keys()], ['/']);
    assert.equal(r.state.accounts.passwd.length, 0);
  });
});

describe('accounts per base', () => {
  const cases: [string, string, number | null, number | null, string | null][] = [
    // [ref, user, uid, gid, home]; null uid = the user must be absent.
    ['ubuntu:24.04', 'ubuntu', 1000, 1000, '/home/ubuntu'],
    ['ubuntu:22.04', 'ubuntu', null, null, null],
    ['ubuntu:22.04', '_apt', 100, 65534, '/nonexistent'],
    ['ubuntu:22.04', 'gnats', 41, 41, '/var/lib/gnats'],
    ['debian:bookworm', '_apt', 42, 65534, '/nonexistent'],
    ['debian:bookworm', 'gnats', null, null, null],
    ['debian:bookworm', 'sync', 4, 65534, '/bin'],
    ['debian:bookworm', 'irc', 39, 39, '/run/ircd'],
    ['debian:bookworm', 'nobody', 65534, 65534, '/nonexistent'],
    ['jupyter/base-notebook', 'jovyan', 1000, 100, '/home/jovyan'],
    ['quay.io/jupyter/base-notebook', 'ubuntu', null, null, null],
    ['mambaorg/micromamba', 'mambauser', 57439, 57439, '/home/mambauser'],
    ['nvidia/cuda:12.6.3-runtime-ubuntu24.04', 'ubuntu', 1000, 1000, '/home/ubuntu'],
    ['condaforge/miniforge3', 'ubuntu', 1000, 1000, '/home/ubuntu'],
    ['alpine:3.20', 'guest', 405, 100, '/dev/null'],
    ['alpine:3.20', 'root', 0, 0, '/root'],
    ['gcr.io/distroless/base', 'nonroot', 65532, 65532, '/home/nonroot'],
    ['cgr.dev/chainguard/static', 'nonroot', 65532, 65532, '/home/nonroot'],
  ];

  for (const [ref, name, uid, gid, home] of cases) {
    test(`${ref}: ${name} ${uid === null ? 'absent' : `${uid}:${gid} ${home}`}`, () => {
      const e = user(resolveBase(ref).state, name);
      if (uid === null) assert.equal(e, undefined);
      else assert.deepEqual([e?.uid, e?.gid, e?.home], [uid, gid, home]);
    });
  }

  test('debian:bookworm has nobody at uid 1000 and the full base-passwd lists', () => {
    const s = resolveBase('debian:bookworm').state;
    assert.equal(s.accounts.passwd.find((e) => e.uid === 1000), undefined);
    assert.equal(s.accounts.passwd.length, 18);
    assert.equal(s.accounts.group.length, 38);
    assert.equal(s.accounts.group.find((g) => g.name === 'sudo')?.gid, 27);
    assert.equal(s.accounts.group.find((g) => g.name === 'users')?.gid, 100);
    assert.equal(user(s, 'root')?.shell, '/bin/bash');
    assert.equal(user(s, 'daemon')?.shell, '/usr/sbin/nologin');
    assert.equal(s.accounts.passwords.root, 'locked');
  });

  test('ubuntu:24.04 has group ubuntu 1000', () => {
    const s = resolveBase('ubuntu:24.04').state;
    assert.equal(s.accounts.group.find((g) => g.name === 'ubuntu')?.gid, 1000);
    assert.equal(user(s, 'ubuntu')?.shell, '/bin/bash');
  });

  test('jovyan resolves like the stacks test expects: uid=1000 gid=100 groups=100', () => {
    const s = resolveBase('quay.io/jupyter/base-notebook').state;
    const r = resolveExecUser(s.accounts, s.config.user);
    assert.ok(r.ok);
    assert.deepEqual([r.user.uid, r.user.gid, r.user.supplementary, r.user.home], [1000, 100, [], '/home/jovyan']);
    assert.equal(s.accounts.group.find((g) => g.gid === 1000), undefined);
  });
});

describe('login.defs per distribution', () => {
  const cases: [string, number | undefined, number | undefined, string][] = [
    ['debian:bookworm', undefined, 0o700, '/bin/sh'],
    ['debian:bullseye', undefined, 0o755, '/bin/sh'],
    ['ubuntu:20.04', undefined, 0o755, '/bin/sh'],
    ['ubuntu:22.04', 0o750, 0o750, '/bin/sh'],
    ['ubuntu:24.04', 0o750, 0o750, '/bin/sh'],
    ['alpine:3', undefined, 0o2755, '/bin/sh'],
  ];

  for (const [ref, homeMode, dirMode, shell] of cases) {
    test(`${ref}: HOME_MODE ${homeMode?.toString(8)} adduser ${dirMode?.toString(8)}`, () => {
      const d = resolveBase(ref).state.accounts.loginDefs;
      assert.deepEqual([d.homeMode, d.adduserDirMode, d.defaultShell, d.uidMin], [homeMode, dirMode, shell, 1000]);
    });
  }
});

describe('file owners and modes', () => {
  // [ref, path, uid, gid, mode, partial]
  const cases: [string, string, number, number, number, boolean][] = [
    ['debian:bookworm', '/', 0, 0, 0o755, true],
    ['debian:bookworm', '/tmp', 0, 0, 0o1777, false],
    ['debian:bookworm', '/var/tmp', 0, 0, 0o1777, false],
    ['debian:bookworm', '/root', 0, 0, 0o700, true],
    ['debian:bookworm', '/home', 0, 0, 0o755, false],
    ['debian:bookworm', '/etc', 0, 0, 0o755, true],
    ['debian:bookworm', '/etc/shadow', 0, 42, 0o640, false],
    ['debian:bookworm', '/usr/local/bin', 0, 0, 0o755, false],
    ['debian:bookworm', '/var/mail', 0, 8, 0o2775, false],
    ['ubuntu:24.04', '/home/ubuntu', 1000, 1000, 0o750, true],
    ['python:3.11', '/usr/local/lib/python3.11/site-packages', 0, 0, 0o755, true],
    ['pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime', '/opt/conda', 0, 0, 0o755, true],
    ['pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime', '/opt/conda/lib/python3.11/site-packages', 0, 0, 0o755, true],
    ['pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime', '/workspace', 0, 0, 0o755, false],
    ['quay.io/jupyter/base-notebook', '/opt/conda', 1000, 100, 0o6775, true],
    ['quay.io/jupyter/base-notebook', '/opt/conda/lib/python3.13/site-packages', 1000, 100, 0o6775, true],
    ['quay.io/jupyter/base-notebook', '/home/jovyan', 1000, 100, 0o6770, true],
    ['quay.io/jupyter/base-notebook', '/etc/passwd', 0, 0, 0o664, false],
    ['quay.io/jupyter/base-notebook', '/usr/bin/sudo', 0, 0, 0o4755, false],
    ['quay.io/jupyter/base-notebook', '/etc/sudoers', 0, 0, 0o440, false],
    ['quay.io/jupyter/base-notebook', '/home', 0, 0, 0o755, false],
    ['mambaorg/micromamba', '/opt/conda', 0, 0, 0o777, true],
    ['mambaorg/micromamba', '/home/mambauser', 57439, 57439, 0o777, true],
    ['nvidia/cuda:12.4.1-runtime-ubuntu22.04', '/opt/nvidia/nvidia_entrypoint.sh', 0, 0, 0o755, false],
    ['nvcr.io/nvidia/pytorch:25.03-py3', '/usr/local/lib/python3.12/dist-packages', 0, 0, 0o755, true],
    ['nvcr.io/nvidia/pytorch:25.03-py3', '/etc/pip/constraint.txt', 0, 0, 0o644, false],
    ['alpine:3', '/var/empty', 0, 0, 0o555, false],
    ['gcr.io/distroless/static:nonroot', '/home/nonroot', 65532, 65532, 0o700, false],
  ];

  for (const [ref, path, uid, gid, mode, partial] of cases) {
    test(`${ref}: ${path} ${uid}:${gid} ${mode.toString(8)}${partial ? ' (partial)' : ''}`, () => {
      const m = meta(resolveBase(ref).state, path);
      assert.deepEqual(
        [m?.uid, m?.gid, m?.mode, m?.partial === true],
        [uid, gid, mode, partial],
      );
    });
  }

  test('paths that must be absent', () => {
    const absent: [string, string][] = [
      ['debian:bookworm', '/home/ubuntu'],
      ['debian:bookworm', '/usr/bin/sudo'],
      ['debian:bookworm', '/workspace'],
      ['quay.io/jupyter/base-notebook', '/home/ubuntu'],
      ['nvidia/cuda:12.4.1-base-ubuntu22.04', '/opt/nvidia'],
    ];
    for (const [ref, path] of absent) assert.equal(meta(resolveBase(ref).state, path), undefined, `${ref} ${path}`);
  });

  test('merged /usr: /bin/sh resolves through the /bin link on Debian', () => {
    const s = resolveBase('debian:bookworm').state;
    const r = resolvePath(s.fs, '/bin/sh');
    assert.equal(r.path, '/usr/bin/sh');
    assert.equal(r.unknown, true);
  });

  test('a missing child of a complete directory is known absent, of a partial one unknown', () => {
    const s = resolveBase('debian:bookworm').state;
    assert.equal(resolvePath(s.fs, '/home/alice').unknown, false);
    assert.equal(resolvePath(s.fs, '/etc/hostname').unknown, true);
  });

  test('every catalog path has its parent and an origin naming the entry', () => {
    for (const key of catalogKeys()) {
      const s = catalogState(key)!;
      for (const [path, m] of s.fs) {
        assert.equal(m.origin, `catalog:${key}`, `${key} ${path}`);
        if (m.kind === 'symlink') assert.ok(m.target, `${key} ${path} target`);
      }
    }
  });
});

describe('config per base', () => {
  // [ref, user, workdir, entrypoint, cmd]
  const cases: [string, string, string, string[] | null, string[] | null][] = [
    ['debian:bookworm', '', '/', null, ['bash']],
    ['ubuntu:22.04', '', '/', null, ['/bin/bash']],
    ['python:3.12-slim-bookworm', '', '/', null, ['python3']],
    ['node:22-alpine', '', '/', ['docker-entrypoint.sh'], ['node']],
    ['nvidia/cuda:12.4.1-base-ubuntu22.04', '', '/', null, ['/bin/bash']],
    ['nvidia/cuda:12.4.1-devel-ubuntu22.04', '', '/', ['/opt/nvidia/nvidia_entrypoint.sh'], null],
    ['pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime', '', '/workspace', null, ['/bin/bash']],
    ['pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel', '', '/workspace', ['/opt/nvidia/nvidia_entrypoint.sh'], null],
    ['quay.io/jupyter/docker-stacks-foundation', '1000', '/home/jovyan', ['tini', '-g', '--', 'start.sh'], null],
    ['quay.io/jupyter/base-notebook', '1000', '/home/jovyan', ['tini', '-g', '--', 'start.sh'], ['start-notebook.py']],
    ['mambaorg/micromamba', 'mambauser', '/tmp', ['/usr/local/bin/_entrypoint.sh'], ['/bin/bash']],
    ['condaforge/miniforge3', '', '/', ['tini', '--'], ['/bin/bash']],
    ['gcr.io/distroless/base', '0', '/', null, null],
    ['gcr.io/distroless/base:nonroot', '65532', '/home/nonroot', null, null],
    ['cgr.dev/chainguard/static', '65532', '/', null, null],
  ];

  for (const [ref, u, workdir, entrypoint, cmd] of cases) {
    test(`${ref}: USER '${u}' WORKDIR ${workdir}`, () => {
      const c = resolveBase(ref).state.config;
      assert.deepEqual([c.user, c.workdir, c.entrypoint, c.cmd], [u, workdir, entrypoint, cmd]);
    });
  }

  test('environment values that decide paths', () => {
    const env = (ref: string) => resolveBase(ref).state.config.env;
    assert.equal(env('debian:bookworm').PATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    assert.equal(env('quay.io/jupyter/base-notebook').CONDA_DIR, '/opt/conda');
    assert.equal(env('quay.io/jupyter/base-notebook').HOME, '/home/jovyan');
    assert.equal(env('quay.io/jupyter/base-notebook').NB_GID, '100');
    assert.match(env('quay.io/jupyter/pytorch-notebook:cuda12-latest').PATH, /:\/usr\/local\/nvidia\/bin$/);
    assert.equal(env('nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04').CUDA_VERSION, '12.4.1');
    assert.equal(env('nvidia/cuda:12.4.1-devel-ubuntu22.04').LIBRARY_PATH, '/usr/local/cuda/lib64/stubs');
    assert.match(env('pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime').PATH, /\/opt\/conda\/bin/);
    assert.equal(env('mambaorg/micromamba').MAMBA_ROOT_PREFIX, '/opt/conda');
    assert.equal(env('python:3.12.4-slim').PYTHON_VERSION, '3.12.4');
  });

  test('shells set with SHELL carry over to derived builds', () => {
    assert.deepEqual(resolveBase('quay.io/jupyter/base-notebook').state.config.shell, ['/bin/bash', '-o', 'pipefail', '-c']);
    assert.deepEqual(resolveBase('debian:bookworm').state.config.shell, ['/bin/sh', '-c']);
  });
});

describe('nvidia/cuda reads the Ubuntu version from the tag', () => {
  const cases: [string, string, boolean][] = [
    ['nvidia/cuda:11.8.0-runtime-ubuntu20.04', 'ubuntu:20.04', false],
    ['nvidia/cuda:12.1.1-devel-ubuntu22.04', 'ubuntu:22.04', false],
    ['nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04', 'ubuntu:24.04', true],
  ];

  for (const [ref, ubuntu, hasUbuntuUser] of cases) {
    test(`${ref} is ${ubuntu}`, () => {
      const s = resolveBase(ref).state;
      assert.equal(s.distro, 'ubuntu');
      assert.equal(user(s, 'ubuntu') !== undefined, hasUbuntuUser);
      assert.equal(user(s, '_apt')?.uid, ubuntu === 'ubuntu:24.04' ? 42 : 100);
    });
  }
});

describe('Python environments', () => {
  // [ref, python, kind, sitePackages, version, externallyManaged]
  const cases: [string, string, string, string, string, boolean][] = [
    ['python:3.11', '/usr/local/bin/python3', 'source', '/usr/local/lib/python3.11/site-packages', '3.11', false],
    ['python:3.12-slim', '/usr/local/bin/python3', 'source', '/usr/local/lib/python3.12/site-packages', '3.12', false],
    ['pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime', '/opt/conda/bin/python', 'conda', '/opt/conda/lib/python3.11/site-packages', '3.11', false],
    ['pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime', '/opt/conda/bin/python', 'conda', '/opt/conda/lib/python3.10/site-packages', '3.10', false],
    ['quay.io/jupyter/base-notebook:python-3.11', '/opt/conda/bin/python', 'conda', '/opt/conda/lib/python3.11/site-packages', '3.11', false],
    ['nvcr.io/nvidia/pytorch:25.03-py3', '/usr/bin/python3', 'system', '/usr/local/lib/python3.12/dist-packages', '3.12', true],
    ['continuumio/miniconda3', '/opt/conda/bin/python', 'conda', '/opt/conda/lib/python3.12/site-packages', '3.12', false],
  ];

  for (const [ref, py, kind, site, version, managed] of cases) {
    test(`${ref}: ${kind} ${version} at ${site}`, () => {
      const p = resolveBase(ref).state.pythons;
      assert.equal(p.length, 1);
      assert.deepEqual([p[0].python, p[0].kind, p[0].sitePackages, p[0].version, p[0].externallyManaged], [py, kind, site, version, managed]);
    });
  }

  test('bases without any Python', () => {
    for (const ref of ['debian:bookworm', 'ubuntu:24.04', 'nvidia/cuda:12.4.1-devel-ubuntu22.04', 'mambaorg/micromamba', 'alpine']) {
      assert.deepEqual(resolveBase(ref).state.pythons, [], ref);
      assert.equal(resolveBase(ref).state.packages.python3, undefined, ref);
    }
  });

  test('conda prefixes', () => {
    assert.equal(resolveBase('pytorch/pytorch').state.condaPrefix, '/opt/conda');
    assert.equal(resolveBase('jupyter/scipy-notebook').state.condaPrefix, '/opt/conda');
    assert.equal(resolveBase('debian:bookworm').state.condaPrefix, undefined);
  });
});

describe('sudo', () => {
  test('jupyter has sudo installed but no group rule in effect', () => {
    const s = resolveBase('quay.io/jupyter/minimal-notebook').state;
    assert.deepEqual(s.packages.sudo, { name: 'sudo', via: 'base' });
    assert.match(s.texts['/etc/sudoers'].content, /^#%sudo/m);
    assert.deepEqual(s.sudoers, [{ who: 'root', nopasswd: false, commands: 'ALL', file: '/etc/sudoers', runasUsers: ['ALL'], runasGroups: ['ALL'] }]);
  });

  test('Debian, Ubuntu, CUDA and PyTorch images have no sudo', () => {
    for (const ref of ['debian:bookworm', 'ubuntu:24.04', 'nvidia/cuda:12.4.1-devel-ubuntu22.04', 'pytorch/pytorch']) {
      const s = resolveBase(ref).state;
      assert.equal(s.packages.sudo, undefined, ref);
      assert.deepEqual(s.sudoers, [], ref);
      assert.equal(s.texts['/etc/sudoers'], undefined, ref);
    }
  });

  test('sudoRules reads user specifications and NOPASSWD', () => {
    const text = 'Defaults env_reset\n%sudo ALL=(ALL:ALL) ALL\n#%admin ALL=(ALL) ALL\n' +
      'jovyan ALL=(ALL) NOPASSWD: ALL\n@includedir /etc/sudoers.d\n';
    assert.deepEqual(sudoRules(text, '/etc/sudoers'), [
      { who: '%sudo', nopasswd: false, commands: 'ALL', file: '/etc/sudoers' },
      { who: 'jovyan', nopasswd: true, commands: 'ALL', file: '/etc/sudoers' },
    ]);
  });
});

describe('catalog listing', () => {
  test('keys are unique and include the main families', () => {
    const keys = catalogKeys();
    assert.equal(new Set(keys).size, keys.length);
    for (const k of ['debian:bookworm', 'ubuntu:24.04', 'python:3.11-slim-bookworm', 'nvidia/cuda:cudnn-devel-ubuntu22.04',
      'pytorch/pytorch:runtime', 'nvcr.io/nvidia/pytorch:py3-ubuntu24.04', 'jupyter/base-notebook',
      'continuumio/miniconda3', 'mambaorg/micromamba', 'condaforge/miniforge3', 'alpine:3',
      'gcr.io/distroless/static:nonroot', 'cgr.dev/chainguard/python']) {
      assert.ok(keys.includes(k), k);
    }
  });

  test('every entry has a summary and https sources, also as provenance', () => {
    for (const d of describeCatalog()) {
      assert.ok(d.summary.length > 10, d.key);
      assert.ok(d.sources.length > 0 && d.sources.every((u) => u.startsWith('https://')), d.key);
      const s = catalogState(d.key)!;
      assert.deepEqual(s.provenance.map((p) => p.cite), d.sources, d.key);
      assert.ok(s.provenance.every((p) => p.source === 'catalog' && p.ref === d.key), d.key);
    }
  });

  test('every entry can run its default user', () => {
    for (const key of catalogKeys()) {
      const s = catalogState(key)!;
      const r = resolveExecUser(s.accounts, s.config.user);
      assert.ok(r.ok, `${key}: ${s.config.user}`);
    }
  });
});

describe('node: the catalog entries agree with the model run over the images\' own account steps', () => {
  // The lines of nodejs/docker-node's Dockerfiles that make the user, on the catalog entry each
  // variant is built FROM: the model (whose useradd and adduser the oracle suite measures)
  // must end where the catalog starts.
  const cases: [string, string, string][] = [
    ['node:bookworm-slim', 'debian:bookworm-slim', 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'],
    ['node:bullseye', 'debian:bullseye', 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'],
    ['node:alpine', 'alpine:3.22', 'addgroup -g 1000 node && adduser -u 1000 -G node -s /bin/sh -D node'],
  ];
  for (const [key, from, run] of cases) {
    test(key, () => {
      const built = analyze({ file: 'Dockerfile', text: `FROM ${from}\nRUN ${run}\n` }).image;
      const cat = catalogState(key)!;
      assert.deepEqual(user(cat, 'node'), user(built, 'node'));
      assert.deepEqual(cat.accounts.group.find((g) => g.name === 'node'), built.accounts.group.find((g) => g.name === 'node'));
      const [c, b] = [meta(cat, '/home/node'), meta(built, '/home/node')];
      assert.deepEqual([c?.kind, c?.uid, c?.gid, c?.mode], [b?.kind, b?.uid, b?.gid, b?.mode]);
    });
  }

  test('Node.js belongs to root: the global module folder is not writable by node', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM node:22-slim\nUSER node\n', paths: ['/usr/local/lib/node_modules'] });
    assert.deepEqual([a.identity.uid, a.identity.user, a.identity.home, a.identity.homeWritable], [1000, 'node', '/home/node', true]);
    const v = a.verdicts.find((x) => x.path === '/usr/local/lib/node_modules' && x.op === 'write');
    assert.equal(v?.allowed, false);
    assert.equal(v?.errno, 'EACCES');
  });

  test('USER node on a node image is no start failure', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM node:20-alpine\nWORKDIR /app\nCOPY --chown=node:node . .\nUSER node\n' });
    assert.deepEqual(a.findings.filter((f) => f.severity !== 'info').map((f) => f.ruleId), []);
    assert.deepEqual(a.runtime.errors, []);
  });
});

describe('condaforge/mambaforge: retired before the move to Ubuntu 24.04', () => {
  test('no ubuntu user, so uid and gid 1000 are free', () => {
    const s = resolveBase('condaforge/mambaforge:latest').state;
    assert.equal(user(s, 'ubuntu'), undefined);
    assert.equal(s.accounts.group.find((g) => g.gid === 1000), undefined);
    assert.equal(user(resolveBase('condaforge/miniforge3:latest').state, 'ubuntu')?.uid, 1000);
  });
  test('groupadd -g 1000 then useradd -u 1000 build', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM condaforge/mambaforge:latest\nRUN groupadd -g 1000 --system conda && useradd -u 1000 -g 1000 --system -m conda\nUSER conda\n' });
    assert.deepEqual(a.sim.failures, []);
    assert.deepEqual([a.identity.uid, a.identity.user], [1000, 'conda']);
  });
});

describe('node tags the catalog reads with care', () => {
  const rows = (ref: string) => resolveBase(ref).assumptions.map((x) => `${x.id} ${x.confidence}`).filter((x) => /node-(suite|tag|digest|version)|latest/.test(x));
  const cases: [string, string[]][] = [
    ['node:22-bookworm-slim', []],
    ['node:iron', ['base:node-suite medium']],
    ['node:24-trixie-slim', ['base:node-suite medium']],
    ['node:18-buster', ['base:node-suite low']],
    ['node:NODE', ['base:node-tag low']],
    ['node@sha256:0123456789012345678901234567890123456789012345678901234567890123', ['base:node-digest medium']],
    ['node:20-windowsservercore-ltsc2022', ['base:node-suite low']],
    ['node:12', ['base:node-version medium', 'base:node-suite medium']],
  ];
  for (const [ref, want] of cases) test(ref, () => assert.deepEqual(rows(ref), want));

  test('a suite tag says which Debian release it names', () => {
    const t = resolveBase('node:18-buster').assumptions.find((x) => x.id === 'base:node-suite')?.text ?? '';
    assert.match(t, /names Debian 10 \(buster\), which the catalog does not describe/);
  });
});

describe('the Dev Containers base images', () => {
  test('vscode 1000:1000 with a home, password-less sudo, root by default', () => {
    const r = resolveBase('mcr.microsoft.com/devcontainers/base:bookworm');
    assert.equal(r.key, 'devcontainers/base:bookworm');
    const u = resolveExecUser(r.state.accounts, 'vscode');
    assert.ok(u.ok);
    assert.deepEqual(u.ok && [u.user.uid, u.user.gid, u.user.home], [1000, 1000, '/home/vscode']);
    assert.equal(r.state.config.user ?? '', '');
    assert.equal(r.state.texts['/etc/sudoers.d/vscode']?.content, 'vscode ALL=(root) NOPASSWD:ALL\n');
    assert.deepEqual(r.assumptions.map((x) => x.id), ['base:root-home-mode']);
  });

  test('USER vscode starts, with sudo usable without a password (UID403)', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM mcr.microsoft.com/devcontainers/base:bullseye\nUSER vscode\n' });
    assert.deepEqual([a.identity.id, a.identity.sudo.nopasswd], ['uid=1000(vscode) gid=1000(vscode) groups=1000(vscode)', true]);
    assert.ok(a.findings.some((f) => f.ruleId === 'UID403'));
    assert.ok(!a.findings.some((f) => f.ruleId === 'UID104'));
  });

  test('other tags say what is assumed', () => {
    assert.equal(resolveBase('mcr.microsoft.com/devcontainers/base:ubuntu-24.04').assumptions[0]?.id, 'base:devcontainers-tag');
    assert.equal(resolveBase('mcr.microsoft.com/vscode/devcontainers/base').assumptions[0]?.id, 'base:latest-tag');
  });
});

describe('ubuntu tags by codename the catalog does not describe', () => {
  // Found in a public Dockerfile: ubuntu:trusty with useradd --uid 1000, which 14.04 allows.
  for (const [tag, uid1000] of [['trusty', []], ['xenial', []], ['bionic', []], ['kinetic', []], ['lunar', ['ubuntu']], ['oracular', ['ubuntu']]] as [string, string[]][]) {
    test(`${tag}: ${uid1000.length > 0 ? 'the ubuntu user at uid 1000, as 23.04 and later' : 'no user at uid 1000, as before 23.04'}`, () => {
      const r = resolveBase(`ubuntu:${tag}`);
      assert.deepEqual(r.state.accounts.passwd.filter((p) => p.uid === 1000).map((p) => p.name), uid1000);
    });
  }
});
