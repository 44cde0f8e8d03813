import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate, parseCompose, parseComposeFiles } from '../../src/runtime/compose.js';
import { RunParseError } from '../../src/runtime/errors.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };

const FILE = `
services:
  trainer:
    build:
      context: ./docker
      dockerfile: Dockerfile.gpu
      target: runtime
      args:
        BASE: cuda
    image: "registry/trainer:\${TAG:-latest}"
    user: "\${UID}:\${GID:-1000}"
    group_add: [video, 44]
    working_dir: /workspace
    environment:
      - MODE=train
      - TOKEN
    env_file: .env.local
    volumes:
      - ./data:/workspace/data:ro
      - ~/.cache/torch:/root/.cache/torch
      - models:/models
      - /scratch
      - type: bind
        source: /srv/shared
        target: /shared
        read_only: true
        bind:
          create_host_path: false
      - type: volume
        source: pip
        target: /pip
        volume:
          nocopy: true
      - type: tmpfs
        target: /fast
        tmpfs:
          mode: 0o1770
    tmpfs:
      - /run:mode=755,uid=1009,gid=1009
    cap_drop: [ALL]
    cap_add: [chown]
    security_opt: ["no-new-privileges:true"]
    read_only: true
    userns_mode: host
    entrypoint: ["python"]
    command: train.py --epochs "10 20"
  web:
    image: nginx
    environment:
      PORT: 8080
      HOME:
    privileged: true
    build: ./web
    ports: ["8080:80"]
`;

describe('parseCompose', () => {
  const project = parseCompose(FILE, { invoker, env: { UID: '1000', TOKEN: 'abc', HOME: '/home/me' }, file: '/home/me/proj/compose.yaml' });
  const t = project.services.trainer;

  test('identity keys with interpolation', () => {
    assert.deepEqual(
      [t.tool, t.user, t.groupAdd, t.workdir, t.image, t.userns],
      ['compose', '1000:1000', ['video', '44'], '/workspace', 'registry/trainer:latest', 'host'],
    );
  });

  test('environment list and map, env_file recorded', () => {
    assert.deepEqual(t.env, { MODE: 'train', TOKEN: 'abc' });
    assert.deepEqual(t.envFiles, ['/home/me/proj/.env.local']);
    assert.deepEqual(project.services.web.env, { PORT: '8080', HOME: '/home/me' });
  });

  test('volumes: short and long syntax, binds vs named, tmpfs', () => {
    assert.deepEqual(
      t.mounts.map((m) => [m.kind, m.source, m.target, m.readonly, m.createMissingSource, m.nocopy, m.tmpfsMode, m.tmpfsUid]),
      [
        ['bind', '/home/me/proj/data', '/workspace/data', true, true, undefined, undefined, undefined],
        ['bind', '/home/me/.cache/torch', '/root/.cache/torch', false, true, undefined, undefined, undefined],
        ['volume', 'models', '/models', false, false, undefined, undefined, undefined],
        ['anonymous', undefined, '/scratch', false, false, undefined, undefined, undefined],
        ['bind', '/srv/shared', '/shared', true, false, undefined, undefined, undefined],
        ['volume', 'pip', '/pip', false, false, true, undefined, undefined],
        ['tmpfs', undefined, '/fast', false, false, undefined, 0o1770, undefined],
        ['tmpfs', undefined, '/run', false, false, undefined, 0o755, 1009],
      ],
    );
  });

  test('security keys', () => {
    assert.deepEqual(
      [t.capDrop, t.capAdd, t.noNewPrivileges, t.readOnlyRootfs, t.privileged, project.services.web.privileged],
      [['ALL'], ['CAP_CHOWN'], true, true, false, true],
    );
  });

  test('entrypoint list and string command split like a shell', () => {
    assert.deepEqual([t.entrypoint, t.command], [['python'], ['train.py', '--epochs', '10 20']]);
  });

  test('build: long and short forms resolved from the compose file directory', () => {
    assert.deepEqual(t.build, { context: '/home/me/proj/docker', dockerfile: 'Dockerfile.gpu', target: 'runtime', args: { BASE: 'cuda' }, targetAt: { file: '/home/me/proj/compose.yaml', line: 7 } });
    assert.deepEqual(project.services.web.build, { context: '/home/me/proj/web', dockerfile: 'Dockerfile', args: {} });
  });

  test('the line of each service', () => {
    assert.deepEqual([t.origin.line, project.services.web.origin.line], [3, 47]);
  });

  test('no warnings when every variable is set or defaulted', () => {
    assert.deepEqual(project.warnings, []);
  });
});

describe('interpolate', () => {
  const env = { A: 'a', EMPTY: '' };
  const cases: [string, string][] = [
    ['$A', 'a'],
    ['${A}', 'a'],
    ['${B:-dflt}', 'dflt'],
    ['${EMPTY:-dflt}', 'dflt'],
    ['${EMPTY-dflt}', ''],
    ['${A:+alt}', 'alt'],
    ['${B:+alt}', ''],
    ['${B:-${A}-x}', 'a-x'],
    ['$$A', '$A'],
    ['cost: 5$', 'cost: 5$'],
  ];
  for (const [input, want] of cases) {
    test(`${input} -> ${want}`, () => assert.equal(interpolate(input, env, [], 'x'), want));
  }

  test('an unset variable becomes empty with compose\'s warning', () => {
    const w: string[] = [];
    assert.equal(interpolate('u${NOPE}', env, w, 'x'), 'u');
    assert.deepEqual(w, ['The "NOPE" variable is not set. Defaulting to a blank string.']);
  });

  test('${VAR:?msg} fails when unset', () => {
    assert.throws(() => interpolate('${NOPE:?set it}', env, [], 'services.a.user'), RunParseError);
  });
});

describe('parseCompose: errors carry the file and the line of the key at fault', () => {
  test('a named volume in long syntax must not be a path', () => {
    const text = 'services:\n  a:\n    volumes:\n      - type: volume\n        source: ./x\n        target: /x\n';
    assert.throws(() => parseCompose(text, { invoker, file: 'c.yaml' }), /c\.yaml:4: services\.a\.volumes\[0\]: a volume source must be a name/);
  });
});

describe('parseCompose: a relative container path is refused', () => {
  const cases: { name: string; volume: string; message: RegExp }[] = [
    { name: 'long syntax volume', volume: '{ type: volume, source: v, target: data }', message: /c\.yaml:4: services\.a\.volumes\[0\]: invalid mount path: 'data' mount path must be absolute/ },
    { name: 'long syntax bind', volume: '{ type: bind, source: ./x, target: out/x }', message: /invalid mount path: 'out\/x' mount path must be absolute/ },
    { name: 'short syntax, as -v does', volume: '"v:data"', message: /must be an absolute path/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const text = `services:\n  a:\n    volumes:\n      - ${c.volume}\n`;
      assert.throws(() => parseCompose(text, { invoker, file: 'c.yaml' }), c.message);
    });
  }
});

describe('parseCompose: env_file read through readEnvFile', () => {
  const files: Record<string, string> = {
    '/home/me/proj/.env': '# comment\nexport HOME=/root\nQ="quoted value"\nS=\'single\'\nI=plain # note\nTOKEN\n',
    '/home/me/proj/more.env': 'HOME=/more\nMODE=file\n',
    '/home/me/proj/comments.env': 'HOME="/dq"  # the home\nS=\'a b\' # note\n',
  };
  const readEnvFile = (p: string) => files[p];
  const svc = (envFile: string, environment = '') =>
    `services:\n  a:\n    image: x\n    env_file: ${envFile}\n${environment ? `    environment: ${environment}\n` : ''}`;
  const parse = (text: string) =>
    parseCompose(text, { invoker, env: { TOKEN: 'abc' }, file: '/home/me/proj/compose.yaml', readEnvFile }).services.a.env;

  const cases: { name: string; text: string; env: Record<string, string> }[] = [
    {
      name: 'dotenv lines: export, quotes removed, inline comment, a bare NAME from the environment',
      text: svc('.env'),
      env: { HOME: '/root', Q: 'quoted value', S: 'single', I: 'plain', TOKEN: 'abc' },
    },
    {
      name: 'later files win, environment: wins over all',
      text: svc('[.env, more.env]', '{ MODE: service }'),
      env: { HOME: '/more', Q: 'quoted value', S: 'single', I: 'plain', TOKEN: 'abc', MODE: 'service' },
    },
    {
      name: 'a quoted value followed by a comment loses both its quotes and the comment',
      text: svc('comments.env'),
      env: { HOME: '/dq', S: 'a b' },
    },
    {
      name: 'a missing file with required: false is skipped',
      text: svc('[{ path: gone.env, required: false }, more.env]'),
      env: { HOME: '/more', MODE: 'file' },
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(parse(c.text), c.env));

  test('a missing required env file is an error naming it', () => {
    assert.throws(() => parse(svc('gone.env')), /services\.a\.env_file: env file \/home\/me\/proj\/gone\.env not found/);
  });
});

describe('long-syntax bind: a missing source is created unless create_host_path is false', () => {
  // docker compose (compose-go) defaults create_host_path to true for the long syntax as well.
  const cases: [string, string, boolean][] = [
    ['no bind options: created, as docker compose does', '', true],
    ['create_host_path: true', '\n        bind: { create_host_path: true }', true],
    ['create_host_path: false: the container does not start', '\n        bind: { create_host_path: false }', false],
  ];
  for (const [name, extra, want] of cases) {
    test(name, () => {
      const text = `services:\n  s:\n    image: debian\n    volumes:\n      - type: bind\n        source: /nope\n        target: /data${extra}\n`;
      const m = parseCompose(text, { invoker, env: {}, file: '/home/me/proj/compose.yaml' }).services.s.mounts[0];
      assert.deepEqual([m.source, m.createMissingSource], ['/nope', want]);
    });
  }
});

describe('GPU requests in a Compose service', () => {
  const gpusOf = (service: string) =>
    parseCompose(`services:\n  t:\n    image: img\n${service}`, { invoker: { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' } }).services.t.options;
  const cases: [string, string, Record<string, string[]>][] = [
    ['gpus: all', '    gpus: all\n', { gpus: ['all'] }],
    ['a reservation of all NVIDIA GPUs', '    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: all\n              capabilities: [gpu]\n', { gpus: ['all'] }],
    ['a reservation of two GPUs', '    deploy:\n      resources:\n        reservations:\n          devices: [{capabilities: [gpu], count: 2}]\n', { gpus: ['2'] }],
    ['a reservation by device id', '    deploy:\n      resources:\n        reservations:\n          devices: [{capabilities: [gpu], device_ids: ["1", "3"]}]\n', { gpus: ['device=1,3'] }],
    ['devices as docker run --device', '    devices: ["/dev/nvidia0:/dev/nvidia0:r", "/dev/nvidiactl"]\n', { device: ['/dev/nvidia0:/dev/nvidia0:r', '/dev/nvidiactl'] }],
  ];
  for (const [name, yaml, want] of cases) {
    test(name, () => {
      const got = gpusOf(yaml) ?? {};
      assert.deepEqual(Object.fromEntries(Object.keys(want).map((k) => [k, got[k]])), want);
    });
  }
});

describe('Compose user', () => {
  test('a list is refused, as docker compose does', () => {
    assert.throws(
      () => parseCompose('services:\n  t:\n    image: img\n    user: [1]\n', { invoker: { uid: 1000, gid: 1000, home: '/h', cwd: '/h' } }),
      { name: 'RunParseError', message: 'services.t.user must be a string' },
    );
  });

  test('a plain number is read as the user', () => {
    const p = parseCompose('services:\n  t:\n    image: img\n    user: 1000\n', { invoker: { uid: 1000, gid: 1000, home: '/h', cwd: '/h' } });
    assert.equal(p.services.t.user, '1000');
  });
});

describe('Compose tmpfs mode: a YAML number is the bits, read as go-yaml reads integers', () => {
  const mode = (written: string) =>
    parseCompose(`services:\n  t:\n    image: img\n    volumes:\n      - type: tmpfs\n        target: /t\n        tmpfs:\n          mode: ${written}\n`, { invoker: { uid: 1000, gid: 1000, home: '/h', cwd: '/h' } }).services.t.mounts[0].tmpfsMode;

  test('0o1777 and 01777 are rwxrwxrwt; 1777 is the decimal number (03361); 448 is 0700', () => {
    assert.deepEqual([mode('0o1777'), mode('01777'), mode('0755'), mode('1777'), mode('448'), mode('0x1ed')], [0o1777, 0o1777, 0o755, 0o3361, 0o700, 0o755]);
  });

  test('a decimal number written with octal digits gets a warning saying how to write the octal mode', () => {
    const p = parseCompose('services:\n  t:\n    image: img\n    volumes:\n      - type: tmpfs\n        target: /t\n        tmpfs:\n          mode: 1777\n', { invoker: { uid: 1000, gid: 1000, home: '/h', cwd: '/h' } });
    assert.deepEqual(p.warnings, ['line 8: tmpfs mode 1777 is the decimal number 1777, mode 03361; for mode 1777 in octal write 0o1777']);
    assert.deepEqual(parseCompose('services:\n  t:\n    image: img\n    volumes:\n      - type: tmpfs\n        target: /t\n        tmpfs:\n          mode: 0o1777\n', { invoker: { uid: 1000, gid: 1000, home: '/h', cwd: '/h' } }).warnings, []);
  });

  test('a string is octal digits; a number above 07777 is refused', () => {
    assert.equal(mode('"0750"'), 0o750);
    assert.throws(() => mode('70000'), { name: 'RunParseError', message: 'services.t.volumes[0].tmpfs.mode: invalid mode 70000' });
  });

  test('other numbers in the file keep their value', () => {
    const p = parseCompose('services:\n  t:\n    image: img\n    user: 1000\n', { invoker: { uid: 1000, gid: 1000, home: '/h', cwd: '/h' } });
    assert.equal(p.services.t.user, '1000');
  });
});

describe('Compose service names', () => {
  // The spec's service-name pattern is [a-zA-Z0-9._-]+: names that are also Object.prototype
  // keys are services like any other.
  test('a service called __proto__ is read as a service', () => {
    const p = parseCompose('services:\n  __proto__:\n    image: img\n    user: "0"\n', { invoker });
    assert.deepEqual(Object.keys(p.services), ['__proto__']);
    assert.equal(Object.hasOwn(p.services, '__proto__'), true);
    assert.equal(p.services['__proto__'].user, '0');
  });

  test('a service called constructor keeps its own settings', () => {
    const p = parseCompose('services:\n  constructor:\n    image: img\n    user: "1234"\n', { invoker });
    const name: string = 'constructor';
    assert.equal(Object.hasOwn(p.services, name), true);
    assert.equal(p.services[name].user, '1234');
  });
});

describe('Compose booleans written as strings are cast, as docker compose does', () => {
  // compose-go loader/interpolate.go toBoolean, applied after interpolation.
  const parse = (yaml: string, env: Record<string, string> = {}) =>
    parseCompose(`services:\n  s:\n    image: debian\n${yaml}`, { invoker, env, file: 'c.yaml' });
  const cases: [string, string, Record<string, string>, boolean, string[]][] = [
    ['${PRIV:-true} unset', '    privileged: ${PRIV:-true}\n', {}, true, []],
    ['${PRIV:-true} set to false', '    privileged: ${PRIV:-true}\n', { PRIV: 'false' }, false, []],
    ['"true" quoted', '    privileged: "true"\n', {}, true, []],
    ['TRUE in capitals', '    privileged: "TRUE"\n', {}, true, []],
    ['yes, with compose\'s YAML 1.2 warning', '    privileged: yes\n', {}, true, ['services.s.privileged: "yes" for boolean is not supported by YAML 1.2, please use `true`']],
    ['off', '    privileged: off\n', {}, false, ['services.s.privileged: "off" for boolean is not supported by YAML 1.2, please use `false`']],
  ];
  for (const [name, yaml, env, want, warnings] of cases) {
    test(`privileged: ${name}`, () => {
      const p = parse(yaml, env);
      assert.deepEqual([p.services.s.privileged, p.warnings], [want, warnings]);
    });
  }

  test('read_only: ${RO:-true} and a volume\'s read_only: "true"', () => {
    const p = parse('    read_only: ${RO:-true}\n    volumes:\n      - {type: bind, source: /d, target: /d, read_only: "true"}\n');
    assert.deepEqual([p.services.s.readOnlyRootfs, p.services.s.mounts[0].readonly], [true, true]);
  });

  test('anything else is compose\'s "invalid boolean", at its line', () => {
    assert.throws(() => parse('    privileged: maybe\n'), {
      name: 'RunParseError',
      message: 'c.yaml:4: error while interpolating services.s.privileged: failed to cast to expected type: invalid boolean: maybe',
    });
  });
});

describe('Compose settings of the wrong type are refused at their own line', () => {
  const bad = (yaml: string) => () => parseCompose(`services:\n  a:\n    image: debian\n${yaml}`, { invoker, file: 'c.yaml' });
  const cases: [string, string, string][] = [
    ['cap_drop: ALL (a string, not a list)', '    cap_drop: ALL\n', 'c.yaml:4: services.a.cap_drop must be a list, not a string ("ALL")'],
    ['volumes: "x"', '    volumes: "x"\n', 'c.yaml:4: services.a.volumes must be a list, not a string ("x")'],
    ['a volume entry that is a number', '    volumes:\n      - /ok:/ok\n      - 42\n', 'c.yaml:6: services.a.volumes[1] must be a string or a mapping, not a number (42)'],
    ['user: [1], at the user: line', '    user: [1]\n', 'c.yaml:4: services.a.user must be a string'],
    ['a long-syntax volume without target, at its entry', '    volumes:\n      - type: bind\n        source: /x\n', 'c.yaml:5: services.a.volumes[0]: target is required'],
  ];
  for (const [name, yaml, message] of cases) {
    test(name, () => assert.throws(bad(yaml), { name: 'RunParseError', message }));
  }

  test('image, working_dir and userns_mode given as a list or a map, at their line', () => {
    const svc = (yaml: string) => () => parseCompose(`services:\n  a:\n${yaml}`, { invoker, file: 'c.yaml' });
    assert.throws(svc('    image: {a: 1}\n'), { name: 'RunParseError', message: 'c.yaml:3: services.a.image must be a string' });
    assert.throws(svc('    image: [debian]\n'), { name: 'RunParseError', message: 'c.yaml:3: services.a.image must be a string' });
    assert.throws(svc('    image: debian\n    working_dir: [/w]\n'), { name: 'RunParseError', message: 'c.yaml:4: services.a.working_dir must be a string' });
    assert.throws(svc('    image: debian\n    userns_mode: {host: 1}\n'), { name: 'RunParseError', message: 'c.yaml:4: services.a.userns_mode must be a string' });
  });

  test('a Compose file that is an unrendered Go template says so at the template, not "FROM [object Object]"', () => {
    const template = (line: number, text: string) => `c.yaml:${line}: this looks like an unrendered template (${text} is template syntax, not YAML Compose reads): render it first with the tool it is written for and check the Compose file that prints`;
    assert.throws(() => parseCompose('services:\n  app:\n    image: {{ .Values.image }}\n', { invoker, file: 'c.yaml' }), { name: 'RunParseError', message: template(3, '{{ .Values.image }}') });
    assert.throws(() => parseCompose('services:\n  app:\n{{- if .Values.x }}\n    image: debian\n{{- end }}\n', { invoker, file: 'c.yaml' }), { name: 'RunParseError', message: template(3, '{{- if .Values.x }}') });
    // A quoted "{{.Name}}" is a string (a logging tag), and the file is read.
    const p = parseCompose('services:\n  app:\n    image: debian\n    logging:\n      options:\n        tag: "{{.Name}}"\n', { invoker, file: 'c.yaml' });
    assert.equal(p.services.app.image, 'debian');
  });

  test('in a second file merged over the first, the line is the second file\'s', () => {
    const files = [
      { file: 'a.yaml', text: 'services:\n  a:\n    image: debian\n' },
      { file: 'b.yaml', text: 'services:\n  a:\n    cap_add: SYS_ADMIN\n' },
    ];
    assert.throws(() => parseComposeFiles(files, { invoker }), { message: 'b.yaml:3: services.a.cap_add must be a list, not a string ("SYS_ADMIN")' });
  });

  test('build.target\'s line is kept for a target the Dockerfile lacks', () => {
    const p = parseCompose('services:\n  a:\n    build:\n      context: .\n      target: nope\n', { invoker, file: 'c.yaml' });
    assert.deepEqual(p.services.a.build?.targetAt, { file: 'c.yaml', line: 5 });
  });
});

describe('Compose volumes_from', () => {
  test('each entry is an assumption at the volumes_from line', () => {
    const p = parseCompose('services:\n  a:\n    image: debian\n    volumes_from: [db, "container:cache:ro"]\n', { invoker, file: 'c.yaml' });
    assert.deepEqual(p.services.a.assumptions?.map((x) => [x.id, x.line, x.confidence]), [
      ['volumes-from:db', 4, 'low'],
      ['volumes-from:cache', 4, 'low'],
    ]);
  });
});
