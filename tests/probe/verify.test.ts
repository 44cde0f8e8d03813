// uidctl verify: the run flags each engine gets, the comparison table, and one real build and
// run with buildah.

import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFlags, probeScriptFor, shQuote } from '../../src/probe/engine.js';
import { PROBE_SCRIPT } from '../../src/probe/script.js';
import { compareProbe, renderComparison } from '../../src/probe/compare.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { analyze } from '../../src/analyze.js';
import verifyMain, { probedRun } from '../../src/cli/verify.js';
import { memoryIo } from '../../src/cli/io.js';
import { EnvironmentError } from '../../src/cli/errors.js';
import { healthy } from './fixtures.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
const parse = (text: string) => parseDockerRun(text, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } });

describe('probedRun', () => {
  test('the probe replaces the start command, so a gosu in CMD is not predicted', () => {
    const text = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y gosu && useradd -m app\nCMD ["gosu", "app", "python"]\n';
    assert.equal(analyze({ file: 'Dockerfile', text }).identity.uid, 1000);
    const a = analyze({ file: 'Dockerfile', text, run: probedRun('docker', parse('docker run --rm img')) });
    assert.equal(a.identity.uid, 0);
    assert.equal(a.identity.drop, null);
  });
});

describe('probedRun for buildah run', () => {
  test('a uid with no passwd line keeps none: buildah run adds no line (podman would)', () => {
    const text = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nWORKDIR /app\nUSER app\n';
    const a = analyze({ file: 'Dockerfile', text, builder: 'buildah', engine: 'podman', run: probedRun('buildah', parse('docker run --rm --user 1001:1001 img')) });
    assert.deepEqual([a.identity.user, a.identity.home], [null, '/']);
  });
});

describe('runFlags', () => {
  const cases: { name: string; run: string; engine: 'docker' | 'buildah'; flags: string[]; notReproduced?: RegExp }[] = [
    {
      name: 'docker: user, bind mount read-only, workdir, env and caps written back',
      run: 'docker run -u 1001:1001 -v $PWD/data:/data:ro -w /data -e A=1 --cap-drop ALL --cap-add CHOWN img',
      engine: 'docker',
      flags: ['--user', '1001:1001', '-v', '/home/me/proj/data:/data:ro', '-w', '/data', '-e', 'A=1', '--cap-add', 'CAP_CHOWN', '--cap-drop', 'ALL'],
    },
    {
      name: 'buildah: --workingdir, and a named volume it cannot reproduce',
      run: 'docker run -w /w -v cache:/cache img',
      engine: 'buildah',
      flags: ['--workingdir', '/w'],
      notReproduced: /^-v cache:\/cache: buildah run has no named or anonymous volumes$/,
    },
    {
      name: 'buildah: --group-add has no equivalent',
      run: 'docker run --group-add 44 img',
      engine: 'buildah',
      flags: [],
      notReproduced: /^--group-add 44: buildah run has no equivalent$/,
    },
    {
      name: 'docker: --group-add and --read-only kept',
      run: 'docker run --group-add 44 --read-only img',
      engine: 'docker',
      flags: ['--group-add', '44', '--read-only'],
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const r = runFlags(c.engine, parse(c.run));
      assert.deepEqual(r.flags, c.flags);
      if (c.notReproduced) assert.ok(r.notReproduced.some((n) => c.notReproduced!.test(n)), r.notReproduced.join('; '));
      else assert.deepEqual(r.notReproduced, []);
    });
  }

  test('probeScriptFor puts the paths, one a line and quoted, before the script', () => {
    assert.equal(probeScriptFor([]), PROBE_SCRIPT);
    assert.equal(probeScriptFor(["/a b", "/it's"]), `UIDCTL_PROBE_PATHS='/a b\n/it'\\''s'\n${PROBE_SCRIPT}`);
    assert.equal(shQuote('/plain/path'), '/plain/path');
  });
});

describe('compareProbe', () => {
  const DOCKERFILE = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\nWORKDIR /workspace\n';

  test('agreeing facts agree; a mount observed writable but predicted not is marked !=', () => {
    const run = parse('docker run -v $PWD/data:/workspace img');
    const host = [{ path: '/home/me/proj/data', exists: true, from: 'facts-file' as const, meta: { kind: 'dir' as const, uid: 1001, gid: 1001, mode: 0o755 } }];
    const a = analyze({ file: 'Dockerfile', text: DOCKERFILE, run, host, engine: 'podman', builder: 'buildah' });
    const p = healthy();
    p.sudo = { path: null, tested: false, nopasswd: null, message: null };
    p.python = null;

    const rows = compareProbe(a, p);
    const byField = Object.fromEntries(rows.map((r) => [r.field, r]));
    assert.deepEqual([byField.uid.agree, byField.user.agree, byField.HOME.agree, byField['sudo installed'].agree], [true, true, true, true]);
    assert.deepEqual(byField['/workspace writable'], { field: '/workspace writable', predicted: 'no', observed: 'yes', agree: false });
    assert.match(renderComparison(rows), /^\/workspace writable +no +!= {2}yes$/m);
    assert.match(renderComparison(rows), /^uid +1000 {4,}1000$/m);
  });
});

describe('uidctl verify', () => {
  test('without any engine: exit 2 with the one-line message', async () => {
    const io = memoryIo({ PATH: '/nonexistent' });
    await assert.rejects(verifyMain([], io), (e: Error) => e instanceof EnvironmentError && e.message === 'no container engine found (looked for docker, podman, buildah)');
  });

  const buildah = spawnSync('sh', ['-c', 'command -v buildah']).status === 0;
  const image = buildah && spawnSync('buildah', ['--storage-driver', 'vfs', 'images', '--format', '{{.Name}}:{{.Tag}}'], { encoding: 'utf8' }).stdout.split('\n').includes('docker.io/library/debian:bookworm');
  const skip = !buildah ? 'buildah is not installed' : !image ? 'docker.io/library/debian:bookworm is not in buildah vfs storage' : undefined;

  test('buildah end to end: builds, runs with the bind mount, and all agree', { skip, timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uidctl-verify-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM docker.io/library/debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\nWORKDIR /workspace\n');
    mkdirSync(join(dir, 'data'));
    chownSync(join(dir, 'data'), 1001, 1001);
    const io = memoryIo({ ...(process.env as Record<string, string>), UIDCTL_BUILDAH_STORAGE: 'vfs' }, dir);

    const code = await verifyMain(['--engine', 'buildah', '--run', 'docker run -v $PWD/data:/workspace/data img', '--path', '/etc/passwd'], io);

    assert.equal(code, 0, io.stdout);
    assert.match(io.stdout, /^engine {4}buildah$/m);
    assert.match(io.stdout, /^uid +1000 +1000$/m);
    assert.match(io.stdout, /^\/workspace\/data writable +no +no$/m);
    assert.match(io.stdout, /^\/etc\/passwd writable +no +no$/m);
    assert.match(io.stdout, /^all agree$/m);
    assert.deepEqual(readdirSync(join(dir, 'data')), []);
    const left = spawnSync('buildah', ['--storage-driver', 'vfs', 'images', '--format', '{{.Name}}'], { encoding: 'utf8' }).stdout;
    assert.ok(!/uidctl-verify-/.test(left), 'the verify image was removed');
  });
});
