// Compose files combined: YAML merge keys (`<<: *anchor`), `extends:`, and several files merged
// in order as `docker compose -f a -f b` does (Compose Specification, 13-merge.md).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose, parseComposeFiles } from '../../src/runtime/compose.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
const file = '/home/me/proj/compose.yaml';

describe('Compose: YAML merge keys', () => {
  test('a fragment merged with << gives the service its user and privileged', () => {
    const p = parseCompose('x-priv: &priv {user: root, privileged: true, cap_add: [SYS_ADMIN]}\nservices:\n  app:\n    <<: *priv\n    image: img\n', { invoker, file });
    const app = p.services.app;
    assert.deepEqual([app.user, app.privileged, app.capAdd, app.image], ['root', true, ['CAP_SYS_ADMIN'], 'img']);
    // `<<` itself is no Compose key: nothing is left over as an unknown option.
    assert.equal(app.options, undefined);
  });

  test('keys written in the service win over the merged ones; a list of fragments merges in order', () => {
    const text = [
      'x-a: &a {user: root, read_only: true}',
      'x-b: &b {user: "1000:1000", working_dir: /b}',
      'services:',
      '  app:',
      '    <<: [*a, *b]',
      '    image: img',
      '    working_dir: /mine',
      '',
    ].join('\n');
    const app = parseCompose(text, { invoker, file }).services.app;
    // YAML merge: an earlier mapping in the list wins over a later one; the service's own keys over both.
    assert.deepEqual([app.user, app.readOnlyRootfs, app.workdir], ['root', true, '/mine']);
  });

  test('a merged volume list is read with its bind sources from the Compose file\'s folder', () => {
    const text = 'x-vols: &vols\n  volumes:\n    - ./data:/data:ro\nservices:\n  app:\n    <<: *vols\n    image: img\n';
    const m = parseCompose(text, { invoker, file }).services.app.mounts;
    assert.deepEqual(m.map((x) => [x.kind, x.source, x.target, x.readonly]), [['bind', '/home/me/proj/data', '/data', true]]);
  });
});

/** Files of a described folder, for readComposeFile (absolute paths). */
function reader(files: Record<string, string>) {
  const asked: string[] = [];
  const read = (path: string) => {
    asked.push(path);
    return Object.hasOwn(files, path) ? files[path] : undefined;
  };

  return { read, asked };
}

describe('Compose: extends', () => {
  const BASE = [
    'services:',
    '  base:',
    '    image: img',
    '    user: root',
    '    cap_add: [NET_ADMIN, CHOWN]',
    '    cap_drop: [MKNOD]',
    '    group_add: [video]',
    '    environment: {TZ: utc, PORT: "80"}',
    '    volumes:',
    '      - common:/var/lib/backup/data:rw',
    '      - ./logs:/logs',
    '    tmpfs: /run',
    '    command: serve --base',
    '',
  ].join('\n');

  test('extends: NAME (string form) takes the other service\'s settings, the local ones winning', () => {
    const text = BASE + '  cli:\n    extends: base\n    user: "1000:1000"\n';
    const p = parseCompose(text, { invoker, file });
    assert.deepEqual([p.services.cli.user, p.services.cli.image, p.services.cli.capAdd], ['1000:1000', 'img', ['CAP_NET_ADMIN', 'CAP_CHOWN']]);
    // Both stay services of the project.
    assert.deepEqual(Object.keys(p.services), ['base', 'cli']);
  });

  test('extends: {service: NAME} merges by the spec\'s rules', () => {
    const text = BASE + [
      '  cli:',
      '    extends:',
      '      service: base',
      '    cap_add: [SYS_PTRACE, CHOWN]',
      '    cap_drop: [MKNOD, NET_RAW]',
      '    group_add: ["44"]',
      '    environment:',
      '      - PORT=8080',
      '    volumes:',
      '      - cli:/var/lib/backup/data:ro',
      '      - /scratch',
      '    tmpfs: [/tmp]',
      '    command: ["serve", "--cli"]',
      '',
    ].join('\n');
    const cli = parseCompose(text, { invoker, file }).services.cli;
    // Sequences: the extended service's first; cap_add and cap_drop without duplicates.
    assert.deepEqual(cli.capAdd, ['CAP_NET_ADMIN', 'CAP_CHOWN', 'CAP_SYS_PTRACE']);
    assert.deepEqual(cli.capDrop, ['CAP_MKNOD', 'CAP_NET_RAW']);
    assert.deepEqual(cli.groupAdd, ['video', '44']);
    // environment merged by name, the local value winning.
    assert.deepEqual(cli.env, { TZ: 'utc', PORT: '8080' });
    // volumes merged by the path in the container: the local one replaces it in place.
    assert.deepEqual(
      cli.mounts.map((m) => [m.kind, m.source ?? null, m.target, m.readonly]),
      [
        ['volume', 'cli', '/var/lib/backup/data', true],
        ['bind', '/home/me/proj/logs', '/logs', false],
        ['anonymous', null, '/scratch', false],
        ['tmpfs', null, '/run', false],
        ['tmpfs', null, '/tmp', false],
      ],
    );
    // command is replaced, not appended.
    assert.deepEqual(cli.command, ['serve', '--cli']);
    assert.equal(cli.user, 'root');
  });

  test('a chain of extends: the user comes from two services up', () => {
    const text = 'services:\n  base:\n    image: busybox\n    user: root\n    privileged: true\n  common:\n    extends: base\n    image: busybox:1\n  cli:\n    extends:\n      service: common\n';
    const cli = parseCompose(text, { invoker, file }).services.cli;
    assert.deepEqual([cli.user, cli.privileged, cli.image], ['root', true, 'busybox:1']);
    assert.equal(cli.options, undefined);
  });

  test('extends.file is read relative to the Compose file\'s folder; its relative paths keep naming its own folder', () => {
    const common = 'services:\n  app:\n    image: img\n    user: root\n    env_file: ./container.env\n    volumes: ["./data:/data", "named:/named"]\n    build: ./app\n';
    const r = reader({ '/home/me/commons/compose.yaml': common, '/home/me/commons/container.env': 'A=1\n' });
    const text = 'services:\n  web:\n    extends:\n      file: ../commons/compose.yaml\n      service: app\n    volumes: ["./local:/local"]\n';
    const p = parseCompose(text, { invoker, file, readComposeFile: r.read, readEnvFile: r.read });
    const web = p.services.web;
    assert.equal(web.user, 'root');
    assert.deepEqual(web.envFiles, ['/home/me/commons/container.env']);
    assert.deepEqual(web.env, { A: '1' });
    assert.deepEqual(web.mounts.map((m) => [m.kind, m.source, m.target]), [
      ['bind', '/home/me/commons/data', '/data'],
      ['volume', 'named', '/named'],
      ['bind', '/home/me/proj/local', '/local'],
    ]);
    assert.equal(web.build?.context, '/home/me/commons/app');
    // The other file's services are not part of the project.
    assert.deepEqual(Object.keys(p.services), ['web']);
  });

  test('an unknown service to extend is docker compose\'s error, at the extends line', () => {
    const text = 'services:\n  web:\n    image: img\n    extends: base\n';
    assert.throws(() => parseCompose(text, { invoker, file: 'compose.yaml' }), {
      name: 'RunParseError',
      message: 'compose.yaml:4: cannot extend service "web" in compose.yaml: service "base" not found',
    });
  });

  test('an unknown service in extends.file names that file', () => {
    const r = reader({ '/home/me/proj/common.yaml': 'services:\n  other:\n    image: img\n' });
    const text = 'services:\n  web:\n    extends: {file: common.yaml, service: base}\n';
    assert.throws(() => parseCompose(text, { invoker, file: 'compose.yaml', readComposeFile: r.read }), {
      message: 'compose.yaml:3: cannot extend service "web" in /home/me/proj/common.yaml: service "base" not found',
    });
  });

  test('a missing extends.file is an error naming it', () => {
    const r = reader({});
    const text = 'services:\n  web:\n    extends: {file: nope.yaml, service: base}\n';
    assert.throws(() => parseCompose(text, { invoker, file: 'compose.yaml', readComposeFile: r.read }), {
      message: 'compose.yaml:3: open /home/me/proj/nope.yaml: no such file or directory',
    });
  });

  test('a cycle is refused on one line, as compose-go words it', () => {
    const text = 'services:\n  a:\n    extends: b\n  b:\n    extends:\n      service: a\n';
    assert.throws(() => parseCompose(text, { invoker, file: 'compose.yaml' }), {
      message: 'compose.yaml:3: Circular reference: a in compose.yaml extends b in compose.yaml extends a in compose.yaml',
    });
  });

  test('a service extending itself is a cycle too', () => {
    assert.throws(() => parseCompose('services:\n  a:\n    image: img\n    extends: a\n', { invoker, file: 'compose.yaml' }), {
      message: 'compose.yaml:4: Circular reference: a in compose.yaml extends a in compose.yaml',
    });
  });

  test('a cycle through another file', () => {
    const r = reader({ '/home/me/proj/other.yaml': 'services:\n  b:\n    extends: {file: compose.yaml, service: a}\n', '/home/me/proj/compose.yaml': 'services:\n  a:\n    extends: {file: other.yaml, service: b}\n' });
    assert.throws(() => parseCompose(r.read('/home/me/proj/compose.yaml')!, { invoker, file: 'compose.yaml', readComposeFile: r.read }), {
      message: 'compose.yaml:3: Circular reference: a in compose.yaml extends b in /home/me/proj/other.yaml extends a in compose.yaml',
    });
  });
});

describe('Compose: several files merged in order (docker compose -f a -f b)', () => {
  const BASE = [
    'services:',
    '  app:',
    '    image: img',
    '    user: "1000:1000"',
    '    cap_drop: [ALL]',
    '    cap_add: [CHOWN]',
    '    ports: ["8080:80"]',
    '    volumes:',
    '      - ./data:/data:ro',
    '      - cache:/cache',
    '    environment: [MODE=prod, TOKEN=x]',
    '',
  ].join('\n');
  const OVERRIDE = [
    'services:',
    '  app:',
    '    user: root',
    '    privileged: true',
    '    cap_add: [CHOWN, SYS_ADMIN]',
    '    ports: ["8080:80", "9000:9000"]',
    '    volumes:',
    '      - ./rw:/data',
    '    environment:',
    '      MODE: dev',
    '  debug:',
    '    image: busybox',
    '    volumes: ["./src:/src"]',
    '',
  ].join('\n');

  test('a later file\'s settings win; lists are merged by the spec\'s rules', () => {
    const p = parseComposeFiles([{ text: BASE, file: 'compose.yaml' }, { text: OVERRIDE, file: 'dev/override.yaml' }], { invoker, env: {} });
    const app = p.services.app;
    assert.deepEqual([app.user, app.privileged, app.capDrop, app.capAdd], ['root', true, ['ALL'], ['CAP_CHOWN', 'CAP_SYS_ADMIN']]);
    assert.deepEqual(app.publish, ['8080:80', '9000:9000']);
    assert.deepEqual(app.env, { MODE: 'dev', TOKEN: 'x' });
    // ./rw replaces ./data at /data, in place; and it is read from the first file's folder,
    // not the override's (dev/).
    assert.deepEqual(app.mounts.map((m) => [m.kind, m.source, m.target, m.readonly]), [
      ['bind', '/home/me/proj/rw', '/data', false],
      ['volume', 'cache', '/cache', false],
    ]);
    // The service is located where it is first defined.
    assert.deepEqual(app.origin, { file: 'compose.yaml', line: 2, text: 'services.app' });
    // A service only the later file defines is a service of the project, located there.
    assert.deepEqual(p.services.debug.mounts.map((m) => m.source), ['/home/me/proj/src']);
    assert.deepEqual(p.services.debug.origin, { file: 'dev/override.yaml', line: 11, text: 'services.debug' });
  });

  test('the order matters: the base file last wins back', () => {
    const p = parseComposeFiles([{ text: OVERRIDE, file: 'o.yaml' }, { text: BASE, file: 'compose.yaml' }], { invoker, env: {} });
    assert.deepEqual([p.services.app.user, p.services.app.privileged], ['1000:1000', true]);
  });

  test('each file\'s warnings name it', () => {
    const p = parseComposeFiles(
      [{ text: 'services:\n  app:\n    image: img\n', file: 'a.yaml' }, { text: 'services:\n  app:\n    user: "${U}"\n', file: 'b.yaml' }],
      { invoker, env: {} },
    );
    assert.deepEqual(p.fileWarnings, [{ file: 'b.yaml', text: 'The "U" variable is not set. Defaulting to a blank string.' }]);
    assert.equal(p.services.app.user, undefined);
  });

  test('extends inside an override file is applied before the merge', () => {
    const p = parseComposeFiles(
      [{ text: BASE, file: 'compose.yaml' }, { text: 'x-root: &root {user: root}\nservices:\n  priv:\n    <<: *root\n    cap_add: [ALL]\n  app:\n    extends: priv\n', file: 'b.yaml' }],
      { invoker, env: {} },
    );
    assert.deepEqual([p.services.app.user, p.services.app.capAdd], ['root', ['CAP_CHOWN', 'ALL']]);
  });
});

describe('Compose: !reset and !override in a later file (13-merge.md "Reset value", "Replace value")', () => {
  const BASE = [
    'services:',
    '  train:',
    '    image: img',
    '    user: "1000:1000"',
    '    cap_add: [SYS_PTRACE]',
    '    environment: {TZ: utc, HF_HOME: /cache}',
    '    volumes:',
    '      - ./data:/data',
    '      - ./ckpt:/ckpt',
    '',
  ].join('\n');
  const merged = (override: string) => parseComposeFiles([{ text: BASE, file: 'compose.yaml' }, { text: override, file: 'compose.override.yaml' }], { invoker, env: {} }).services.train;

  test('!reset [] leaves no volumes, where a plain list would have added to them', () => {
    assert.deepEqual(merged('services:\n  train:\n    volumes: !reset []\n').mounts, []);
    assert.deepEqual(merged('services:\n  train:\n    volumes: [./x:/x]\n').mounts.map((m) => m.target), ['/data', '/ckpt', '/x']);
  });

  test('!override replaces the whole list: only its volumes are mounted', () => {
    const m = merged('services:\n  train:\n    volumes: !override\n      - ./other:/data:ro\n').mounts;
    assert.deepEqual(m.map((x) => [x.source, x.target, x.readonly]), [['/home/me/proj/other', '/data', true]]);
  });

  test('!reset of a scalar or one variable: user unset, FOO gone, the rest kept', () => {
    const t = merged('services:\n  train:\n    user: !reset null\n    environment:\n      HF_HOME: !reset null\n    cap_add: !reset []\n');
    assert.deepEqual([t.user, t.env, t.capAdd], [undefined, { TZ: 'utc' }, []]);
  });

  test('in a list of KEY=VALUE the named variable goes too', () => {
    const p = parseComposeFiles([{ text: 'services:\n  train:\n    image: img\n    environment: [TZ=utc, HF_HOME=/cache]\n', file: 'a.yaml' }, { text: 'services:\n  train:\n    environment:\n      HF_HOME: !reset ""\n', file: 'b.yaml' }], { invoker, env: {} });
    assert.deepEqual(p.services.train.env, { TZ: 'utc' });
  });

  test('!reset on a whole service drops it; !override puts the later one in place of the earlier', () => {
    const base = 'services:\n  train: {image: img, user: root}\n  web: {image: nginx}\n';
    const two = (over: string) => parseComposeFiles([{ text: base, file: 'a.yaml' }, { text: over, file: 'b.yaml' }], { invoker, env: {} }).services;
    assert.deepEqual(Object.keys(two('services:\n  train: !reset\n')), ['web']);
    const o = two('services:\n  train: !override {image: other}\n').train;
    assert.deepEqual([o.image, o.user], ['other', undefined]);
  });

  test('through extends the same: the service that extends resets what it inherits', () => {
    const p = parseCompose('services:\n  base:\n    image: img\n    volumes: [./data:/data]\n  train:\n    extends: base\n    volumes: !reset []\n', { invoker, file });
    assert.deepEqual([p.services.base.mounts.length, p.services.train.mounts.length], [1, 0]);
  });
});

describe('Compose: include (14-include.md)', () => {
  const files: Record<string, string> = {
    '/home/me/proj/ml/compose.yaml': 'services:\n  train:\n    build: .\n    user: "${TRAIN_UID}:${TRAIN_UID}"\n    volumes: [./data:/data]\n',
    '/home/me/proj/ml/.env': 'TRAIN_UID=1500\n',
    '/home/me/proj/ml/gpu.yaml': 'services:\n  train:\n    group_add: [video]\n',
    '/home/me/proj/other/vars.env': 'TRAIN_UID=1700\n',
    '/home/me/proj/loop/a.yaml': 'include: [b.yaml]\nservices: {a: {image: x}}\n',
    '/home/me/proj/loop/b.yaml': 'include: [a.yaml]\nservices: {b: {image: x}}\n',
  };
  const read = (p: string) => files[p];
  const parse = (text: string, env: Record<string, string> = {}) => parseCompose(text, { invoker, file, env, readComposeFile: read, readEnvFile: read });

  test('an included file\'s services join, with paths from its own folder and variables from its own .env', () => {
    const p = parse('include:\n  - ml/compose.yaml\nservices:\n  web:\n    image: nginx\n');
    assert.deepEqual(Object.keys(p.services).sort(), ['train', 'web']);
    const t = p.services.train;
    assert.deepEqual([t.user, t.build?.context, t.mounts.map((m) => [m.source, m.target])], ['1500:1500', '/home/me/proj/ml', [['/home/me/proj/ml/data', '/data']]]);
  });

  test('this project\'s environment wins over the included .env; the long syntax merges its paths and names its env_file', () => {
    assert.equal(parse('include: [ml/compose.yaml]\nservices: {}\n', { TRAIN_UID: '42' }).services.train.user, '42:42');
    const p = parse('include:\n  - path: [ml/compose.yaml, ml/gpu.yaml]\n    env_file: other/vars.env\n');
    assert.deepEqual([p.services.train.user, p.services.train.groupAdd], ['1700:1700', ['video']]);
  });

  test('project_directory moves where relative paths resolve from', () => {
    const p = parse('include:\n  - path: ml/compose.yaml\n    project_directory: other\n');
    assert.deepEqual([p.services.train.build?.context, p.services.train.mounts[0].source], ['/home/me/proj/other', '/home/me/proj/other/data']);
  });

  test('a service this file also defines is merged over the included one, as compose-go merges it', () => {
    const p = parse('include: [ml/compose.yaml]\nservices:\n  train:\n    user: "0:0"\n');
    const t = p.services.train;
    assert.deepEqual([t.user, t.build?.context, t.mounts.map((m) => m.source)], ['0:0', '/home/me/proj/ml', ['/home/me/proj/ml/data']]);
    assert.deepEqual(p.warnings, []);
  });

  test('a later file (the override file) changes an included service: include is applied to its own file first', () => {
    const p = parseComposeFiles([
      { text: 'include: [ml/compose.yaml]\nservices:\n  web: {image: nginx}\n', file },
      { text: 'services:\n  train:\n    user: "0:0"\n    volumes: !reset []\n', file: '/home/me/proj/compose.override.yaml' },
    ], { invoker, env: {}, readComposeFile: read, readEnvFile: read });
    assert.deepEqual([p.services.train.user, p.services.train.mounts, p.services.train.build?.context], ['0:0', [], '/home/me/proj/ml']);
  });

  test('the same file included twice (through two projects) is no conflict; include paths take variables', () => {
    const diamond: Record<string, string> = {
      '/home/me/proj/p1/compose.yaml': 'include: [../common/compose.yaml]\nservices: {a: {image: a}}\n',
      '/home/me/proj/p2/compose.yaml': 'include: [../common/compose.yaml]\nservices: {b: {image: b}}\n',
      '/home/me/proj/common/compose.yaml': 'services: {redis: {image: redis, user: "999"}}\n',
    };
    const r = (path: string) => diamond[path] ?? files[path];
    const p = parseCompose('include: [p1/compose.yaml, p2/compose.yaml]\nservices: {}\n', { invoker, file, env: {}, readComposeFile: r, readEnvFile: r });
    assert.deepEqual([Object.keys(p.services).sort(), p.services.redis.user, p.warnings], [['a', 'b', 'redis'], '999', []]);
    assert.equal(parse('include: ["${ML_DIR:-ml}/compose.yaml"]\n').services.train.user, '1500:1500');
  });

  test('a missing file, a wrong shape and a cycle are errors at the include line', () => {
    assert.throws(() => parse('services: {}\ninclude: [nope.yaml]\n'), { message: '/home/me/proj/compose.yaml:2: open /home/me/proj/nope.yaml: no such file or directory' });
    assert.throws(() => parse('include: ml/compose.yaml\n'), { message: '/home/me/proj/compose.yaml:1: include must be a list' });
    assert.throws(() => parse('include:\n  - env_file: x.env\n'), { message: '/home/me/proj/compose.yaml:1: include[0].path is required' });
    assert.throws(
      () => parseCompose(files['/home/me/proj/loop/a.yaml'], { invoker, file: '/home/me/proj/loop/a.yaml', readComposeFile: read }),
      { message: '/home/me/proj/loop/b.yaml:1: include cycle: /home/me/proj/loop/a.yaml -> /home/me/proj/loop/b.yaml -> /home/me/proj/loop/a.yaml' },
    );
  });
});
