// A Compose service's build section names the Dockerfile and context; they are read next to the
// Compose file even when --host-facts describes another machine's folders.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-cli-');

describe('compose build section with --host-facts', () => {
  test('the Dockerfile is found next to the Compose file, not in the described cwd', async () => {
    const dir = tempDir({
      'app/app.Dockerfile': 'FROM debian:bookworm\nARG UID=1000\nRUN useradd -m -u $UID dev\nUSER dev\n',
      'compose.yaml': 'services:\n  web:\n    build: { context: ./app, dockerfile: app.Dockerfile, args: { UID: "1234" } }\n',
      'hf.yaml': 'invoker: { uid: 1001, gid: 1001, home: /home/me, cwd: /home/me, name: me }\npaths: {}\n',
    });
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);

    const code = await main(['check', '--compose', 'compose.yaml', '--service', 'web', '--host-facts', 'hf.yaml', '--format', 'json', '--fail-on', 'never'], io);
    assert.equal(io.stderr, '');
    assert.equal(code, 0);
    const r = JSON.parse(io.stdout).results[0];
    assert.equal(r.file, join('app', 'app.Dockerfile'));
    assert.equal(r.identity.uid, 1234);
  });
});

describe('--context that is not a folder', () => {
  test('missing or a file: docker build\'s own message, exit 2', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\n' });
    const run = async (ctx: string) => {
      const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
      return { code: await main(['check', 'Dockerfile', '--context', ctx], io), stderr: io.stderr };
    };
    assert.deepEqual(await run('nope'), { code: 2, stderr: 'uidctl check: --context: unable to prepare context: path "nope" not found\n' });
    assert.deepEqual(await run('Dockerfile'), { code: 2, stderr: `uidctl check: --context: unable to prepare context: context must be a directory: ${join(dir, 'Dockerfile')}\n` });
  });
});

describe('--base-archive values', () => {
  test('REF=FILE, FILE, and an empty file part is a usage error', async () => {
    const { parseBaseArchives } = await import('../../src/cli/bases.js');
    assert.deepEqual([...parseBaseArchives(['debian:bookworm=img.tar', 'other.tar'])], [['debian:bookworm', 'img.tar'], ['*', 'other.tar']]);
    assert.throws(() => parseBaseArchives(['debian:bookworm=']), /^Error: --base-archive debian:bookworm=: no archive file given \(REF=FILE or FILE\)$/);
  });
});

describe('the image of a run line', () => {
  test('a reference the docker CLI refuses is an input error naming --run', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\n' });
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
    assert.equal(await main(['check', 'Dockerfile', '--run', 'docker run img:tag:tag'], io), 2);
    assert.equal(io.stderr, 'uidctl check: --run: docker: invalid reference format\n');
  });
});

describe('a run file with a NUL byte', () => {
  test('is refused with its line', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\n', 'run.sh': '# start it\ndocker run img\0ge\n' });
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
    assert.equal(await main(['check', 'Dockerfile', '--run-file', 'run.sh'], io), 2);
    assert.equal(io.stderr, 'uidctl check: run.sh:2: a NUL byte in the run command\n');
  });
});

describe('a Compose service with only image:', () => {
  test('the image it runs is analysed, not ./Dockerfile, with a note', async () => {
    const dir = tempDir({
      Dockerfile: 'FROM debian:bookworm\nRUN useradd -m -u 1234 dev\nUSER dev\n',
      'compose.yaml': 'services:\n  db:\n    image: debian:bookworm\n',
    });
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);

    const code = await main(['check', '--compose', 'compose.yaml', '--base-from', 'catalog', '--format', 'json', '--fail-on', 'never'], io);
    assert.equal(io.stderr, 'uidctl: note: services.db has no build section: the image it runs (debian:bookworm) is analysed, as if built from `FROM debian:bookworm`\n');
    assert.equal(code, 0);
    const r = JSON.parse(io.stdout).results[0];
    assert.equal(r.file, 'compose.yaml');
    assert.equal(r.identity.uid, 0);
  });

  test('a service with a build section still uses its Dockerfile', async () => {
    const dir = tempDir({
      Dockerfile: 'FROM debian:bookworm\nRUN useradd -m -u 1234 dev\nUSER dev\n',
      'compose.yaml': 'services:\n  app:\n    image: example/app:1\n    build: .\n',
    });
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);

    await main(['check', '--compose', 'compose.yaml', '--base-from', 'catalog', '--format', 'json', '--fail-on', 'never'], io);
    assert.equal(io.stderr, '');
    assert.equal(JSON.parse(io.stdout).results[0].identity.uid, 1234);
  });
});

describe('a Dockerfile named with --compose', () => {
  const files = {
    'docker/Dockerfile.gpu': 'FROM debian:bookworm\nARG UID=1000\nRUN useradd -m -u ${UID} app\nUSER app\n',
    'Other.Dockerfile': 'FROM debian:bookworm\nARG UID=1000\nRUN useradd -m -u ${UID} app\nUSER app\n',
    'compose.yaml': 'services:\n  t:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.gpu\n      args: { UID: "2000" }\n      target: nope\n',
  };
  const check = async (file: string, extra: string[] = []) => {
    const dir = tempDir(files);
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
    const code = await main(['check', file, '--compose', 'compose.yaml', '--no-config', '--format', 'json', '--fail-on', 'never', ...extra], io);
    return { code, io };
  };

  test('the one the service builds gets its build args and target (the target\'s line in the Compose file)', async () => {
    const { code, io } = await check('docker/Dockerfile.gpu');
    assert.deepEqual([code, io.stderr], [2, 'uidctl check: compose.yaml:7: target stage \'nope\' not found (stages: 0), which build.target names for docker/Dockerfile.gpu\n']);
    const ok = await check('docker/Dockerfile.gpu', ['--target', '0']);
    assert.equal(JSON.parse(ok.io.stdout).results[0].identity.uid, 2000);
  });

  test('another one is checked without them, with a note and an assumption', async () => {
    const { code, io } = await check('Other.Dockerfile');
    const text = 'services.t builds docker/Dockerfile.gpu, not Other.Dockerfile: the Dockerfile given is checked without the service\'s build section (build args UID and target nope not applied)';
    assert.deepEqual([code, io.stderr], [0, `uidctl: note: ${text}\n`]);
    const r = JSON.parse(io.stdout).results[0];
    assert.equal(r.identity.uid, 1000);
    assert.equal(r.assumptions.find((a: { id: string }) => a.id === 'compose-build-not-applied').text, text);
  });
});

describe('a run line for another machine\'s daemon', () => {
  test('-H ssh://: the bind source is not read with stat here, its facts are an assumption', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n', 'data/x': '' });
    const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(dir, '.cache') }, dir);
    const code = await main(['check', 'Dockerfile', '--run', `docker -H ssh://gpu run -v ${join(dir, 'data')}:/d img`, '--no-config', '--format', 'json', '--fail-on', 'never'], io);
    assert.equal(code, 0);
    const ids = JSON.parse(io.stdout).results[0].assumptions.map((a: { id: string }) => a.id);
    assert.deepEqual(ids.filter((id: string) => id.startsWith('host-') || id.startsWith('docker-daemon')), [`host-unknown:${join(dir, 'data')}`, 'docker-daemon:remote']);
  });
});
