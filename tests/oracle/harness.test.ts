// The oracle harness's pure parts: how a `docker run` line becomes `buildah run` flags, how a
// failed build's STEP maps to a Dockerfile line, and how a shell error becomes an errno.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface Harness {
  translateRun(line: string): string[];
  runPrefix(line: string): string[];
  runHasCommand(line: string): boolean;
  dockerfileSteps(text: string): { line: number; text: string }[][];
  classify(code: number, err: string): string;
  words(text: string): string[];
  RUNTIME_HICCUP: RegExp;
  differ(a: object, truth: object, other: object): string[];
  storageFlags(driver: string, env?: Record<string, string | undefined>): string[];
  importBaseStorage(env?: Record<string, string | undefined>): { flags: string[]; where: string };
}

// A string specifier keeps tsc from resolving the plain-JS script; the interface types it.
const harnessPath: string = '../../scripts/oracle.mjs';
const h = (await import(harnessPath)) as Harness;

describe('translateRun', () => {
  const cases: { name: string; line: string; flags: string[] }[] = [
    {
      name: 'user, volumes, env and workdir map one to one',
      line: 'docker run --rm -it -u 1000:1000 -v /h/d:/data -v /h/r:/ro:ro -e A=1 -w /data img',
      flags: ['--user', '1000:1000', '--volume', '/h/d:/data', '--volume', '/h/r:/ro:ro',
        '--env', 'A=1', '--workingdir', '/data'],
    },
    {
      name: 'long options with = are split',
      line: 'docker run --user=alice --volume=/h:/c image',
      flags: ['--user', 'alice', '--volume', '/h:/c'],
    },
    {
      name: 'capability names get the CAP_ prefix buildah wants',
      line: 'docker run --cap-drop dac_override --cap-add CAP_DAC_READ_SEARCH image',
      flags: ['--cap-drop', 'CAP_DAC_OVERRIDE', '--cap-add', 'CAP_DAC_READ_SEARCH'],
    },
    {
      name: "a podman line keeps podman's U volume option",
      line: 'podman run --rm --user 1001:1001 -v /h/d:/data:U image',
      flags: ['--user', '1001:1001', '--volume', '/h/d:/data:U'],
    },
    {
      name: "podman's --uidmap/--gidmap become buildah from's user-namespace maps, after the run flags",
      line: 'podman run --uidmap 0:100000:65536 --gidmap=0:200000:65536 -u 1000 image',
      flags: ['--user', '1000', '--userns-uid-map', '0:100000:65536', '--userns-gid-map', '0:200000:65536'],
    },
    {
      name: 'a --uidmap alone serves for the gids too, as podman does',
      line: 'podman run --uidmap 0:1:1 --uidmap 1:100000:65535 image',
      flags: ['--userns-uid-map', '0:1:1', '--userns-uid-map', '1:100000:65535',
        '--userns-gid-map', '0:1:1', '--userns-gid-map', '1:100000:65535'],
    },
    {
      name: 'a --tmpfs becomes a tmpfs --mount (empty, as Docker mounts it)',
      line: 'docker run --tmpfs /app -u 1000 image',
      flags: ['--mount', 'type=tmpfs,destination=/app', '--user', '1000'],
    },
    {
      name: 'cap-drop ALL alone is kept',
      line: 'docker run --cap-drop ALL image',
      flags: ['--cap-drop', 'ALL'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(h.translateRun(c.line), c.flags));
  }

  const refused: { name: string; line: string; message: RegExp }[] = [
    { name: 'named volumes', line: 'docker run -v data:/data image', message: /named volume/ },
    { name: '--group-add', line: 'docker run --group-add 27 image', message: /--group-add/ },
    { name: '--read-only', line: 'docker run --read-only image', message: /--read-only/ },
    {
      name: 'drop ALL then add (buildah drops last)',
      line: 'docker run --cap-drop ALL --cap-add CAP_FOWNER image',
      message: /differs/,
    },
    { name: '-e NAME copying the caller env', line: 'docker run -e HOME image', message: /copies/ },
    { name: 'a command after the image', line: 'docker run image id -u', message: /command/ },
    { name: 'a command that does not end with bash', line: 'docker run image gosu app id', message: /ends with bash/ },
    { name: 'a line that is not docker or podman run', line: 'nerdctl run image', message: /not a docker or podman run line/ },
    { name: 'tmpfs options', line: 'docker run --tmpfs /app:mode=0700 image', message: /unsupported tmpfs/ },
    { name: "podman's U option on a docker line", line: 'docker run -v /h:/c:U image', message: /unsupported volume/ },
    { name: '--uidmap on a docker line', line: 'docker run --uidmap 0:1:1 image', message: /--uidmap is podman's/ },
    { name: "podman 5's + and @ map forms", line: 'podman run --uidmap +1000:@1000 image', message: /not CONTAINER:HOST:AMOUNT/ },
  ];
  for (const c of refused) {
    test(`refuses ${c.name}`, () => assert.throws(() => h.translateRun(c.line), c.message));
  }
});

describe('runPrefix', () => {
  // The probe runs as `bash -c SCRIPT` where the command's bash is: what comes before it is
  // the program that changes the process (gosu app), run as Docker would run the command.
  test('a command ending with bash is measured: its words before bash are the prefix', () => {
    const line = 'docker run --rm -u 1000 image setpriv --reuid=app --regid=app --init-groups bash';
    assert.deepEqual(h.translateRun(line), ['--user', '1000']);
    assert.deepEqual(h.runPrefix(line), ['setpriv', '--reuid=app', '--regid=app', '--init-groups']);
  });
  test('no command, or bash alone, has no prefix', () => {
    assert.deepEqual(h.runPrefix('docker run --rm image'), []);
    assert.deepEqual(h.runPrefix('docker run --rm image bash'), []);
  });
  test('bash alone is still a command: the image\'s ENTRYPOINT runs before it, as in Docker', () => {
    assert.equal(h.runHasCommand('docker run --rm image bash'), true);
    assert.equal(h.runHasCommand('docker run --rm -u 1000 image gosu app bash'), true);
    assert.equal(h.runHasCommand('docker run --rm image'), false);
  });
});

describe('dockerfileSteps', () => {
  test('counts instructions from their first line, skipping comments and continuations', () => {
    const text = [
      '# syntax comment',
      'FROM debian:bookworm',
      '',
      'RUN useradd -m alice \\',
      '  # a comment inside the continuation',
      ' && mkdir /app',
      'USER alice',
      'RUN chown alice /opt',
    ].join('\n');
    const stages = h.dockerfileSteps(text);
    assert.deepEqual(stages.map((s) => s.map((i) => i.line)), [[2, 4, 7, 8]]);
    assert.match(stages[0][1].text, /^RUN useradd -m alice +&& mkdir \/app$/);
  });

  test('starts a new stage at each FROM, as buildah numbers its steps per stage', () => {
    const text = 'FROM a AS one\nRUN x\nFROM b\nCOPY --from=one /x /x\nRUN y\n';
    const stages = h.dockerfileSteps(text);
    assert.deepEqual(stages.map((s) => s.map((i) => i.line)), [[1, 2], [3, 4, 5]]);
  });
});

describe('classify', () => {
  const cases: [string, number, string, string][] = [
    ['exit 0 is ok', 0, '', 'ok'],
    ['touch refused', 1, "touch: cannot touch '/x/.oracle-new': Permission denied", 'EACCES'],
    ['read-only mount', 1, "touch: cannot touch '/ro/f': Read-only file system", 'EROFS'],
    ['sticky folder', 1, "rm: cannot remove '/tmp/f': Operation not permitted", 'EPERM'],
    ['bash cd', 1, 'bash: line 1: cd: /nope: No such file or directory', 'ENOENT'],
    ['bash exec', 126, 'bash: line 1: /srv/x.sh: Permission denied', 'EACCES'],
    ['open with O_CREAT of a path with a trailing slash', 1, 'bash: line 1: /t/f/: Is a directory', 'EISDIR'],
    ['a trailing slash on a file', 1, 'cat: /t/f/: Not a directory', 'ENOTDIR'],
    ["coreutils rmdir's words for ENOTDIR on a link to a folder", 1, "rmdir: failed to remove '/t/ld/': Symbolic link not followed", 'ENOTDIR'],
    ['rmdir of a folder that holds entries', 1, "rmdir: failed to remove '/d': Directory not empty", 'ENOTEMPTY'],
  ];
  for (const [name, code, err, want] of cases) {
    test(name, () => assert.equal(h.classify(code, err), want));
  }

  test('an unknown failure keeps its text', () => {
    assert.equal(h.classify(1, "rm: cannot remove '/d': Device or resource busy\n"), "other(1): rm: cannot remove '/d': Device or resource busy");
  });
});

describe('words', () => {
  test('keeps quoted spaces and joins adjacent pieces', () => {
    assert.deepEqual(h.words(`docker run -e 'A=b c' -v "/h o":/c x`),
      ['docker', 'run', '-e', 'A=b c', '-v', '/h o:/c', 'x']);
  });
});

describe('RUNTIME_HICCUP', () => {
  test('buildah failing to re-execute itself before a step is a reason to build again', () => {
    // As printed in a CI run: the step's own command never started.
    const ebusy = 'Close_Fd sealing memfd copy: Device or resource busy\n' +
      'Error: building at STEP "RUN groupadd -g 2000 datasets": exit status 1';
    assert.equal(h.RUNTIME_HICCUP.test(ebusy), true);
    assert.equal(h.RUNTIME_HICCUP.test('Error during reexec(...): Permission denied'), true);
  });
  test('a step that ran and failed is the outcome to compare, never repeated', () => {
    for (const said of [
      "groupadd: GID '2000' already exists",
      'mkdir: cannot create directory \'/opt/x\': Permission denied',
      'error: could not seal the archive copy', // the words alone, not buildah's message
      'Error: building at STEP "RUN false": exit status 1',
    ]) assert.equal(h.RUNTIME_HICCUP.test(said), false, said);
  });
});

describe('the scenario files', () => {
  const { loadDir } = h as unknown as { loadDir(dir: string): { id: string; actions: unknown[] }[] };
  const dir = new URL('./scenarios', import.meta.url).pathname;
  const documented = new URL('./documented', import.meta.url).pathname;

  test('every file parses, and every scenario has a unique id and at least one action', () => {
    const all = [...loadDir(dir), ...loadDir(documented)];
    assert.ok(all.length > 400, `only ${all.length} scenarios read`);
    const ids = all.map((s) => s.id);
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
    assert.deepEqual(all.filter((s) => s.actions.length === 0).map((s) => s.id), []);
  });

  test('the counts the two READMEs give are those of the scenario files', () => {
    const measured = loadDir(dir);
    const only = loadDir(documented);
    const actions = (list: { actions: unknown[] }[]) => list.reduce((n, s) => n + s.actions.length, 0);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const oracleReadme = readFileSync(new URL('./README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const said = /It has (\d+) measured scenarios \((\d+) actions\) and agrees on all of them, plus (\d+) documented-only scenarios \((\d+) expected outcomes\)/.exec(readme);
    assert.ok(said, 'README.md no longer states the counts in the expected words');
    assert.deepEqual(said.slice(1).map(Number), [measured.length, actions(measured), only.length, actions(only)]);
    const counts = /Counts: (\d+) measured scenarios, (\d+) measured actions/.exec(oracleReadme);
    const documentedCounts = /plus (\d+) documented-only scenarios with (\d+) expected outcomes/.exec(oracleReadme);
    assert.ok(counts && documentedCounts, 'tests/oracle/README.md no longer states the counts in the expected words');
    assert.deepEqual([...counts.slice(1), ...documentedCounts.slice(1)].map(Number), [measured.length, actions(measured), only.length, actions(only)]);
  });
});

describe('differ on a build action', () => {
  const fails = (message: string) => ({ ok: false, line: 2, message });
  const truth = fails("Error: building at STEP \"RUN env python3\": env: 'python3': No such file or directory");
  test('ok and line decide; the model\'s words only count with worded: true', () => {
    const because = { build: true, expect: { ok: false, line: 2, because: "env: 'python3'" } };
    const worded = { build: true, expect: { ...because.expect, worded: true } };
    assert.deepEqual(h.differ(because, truth, fails('/bin/sh: 1: python3: not found')), []);
    assert.deepEqual(h.differ(worded, truth, fails('/bin/sh: 1: python3: not found')), ['message']);
    assert.deepEqual(h.differ(worded, truth, fails("env: 'python3': No such file or directory")), []);
    assert.deepEqual(h.differ(worded, truth, { ok: false, line: 3, message: '' }), ['line']);
    assert.deepEqual(h.differ(worded, truth, { ok: true, line: null, message: '' }), ['ok']);
    // A scenario's own expectation carries no words: only ok and line are compared.
    assert.deepEqual(h.differ(worded, truth, { ok: false, line: 2 }), []);
  });
});

describe('differ on a path action the model is to leave not known', () => {
  test('model: not-known accepts "not known" and still compares a definite answer', () => {
    const a = { op: 'read', path: '/models/weights/w.bin', expect: 'ok', model: 'not-known' };
    assert.deepEqual(h.differ(a, 'ok' as unknown as object, 'not known' as unknown as object), []);
    assert.deepEqual(h.differ(a, 'ok' as unknown as object, 'ok' as unknown as object), []);
    assert.deepEqual(h.differ(a, 'ok' as unknown as object, 'ENOENT' as unknown as object), ['outcome']);
    // Without it, "not known" is no answer.
    assert.deepEqual(h.differ({ op: 'read', path: '/x', expect: 'ok' }, 'ok' as unknown as object, 'not known' as unknown as object), ['outcome']);
  });
});

describe('storage of --import-base', () => {
  test('with ORACLE_STORAGE: the vfs driver of that store, as a run with the same ORACLE_STORAGE uses', () => {
    assert.deepEqual(h.importBaseStorage({ ORACLE_STORAGE: '/X' }), {
      flags: ['--root', '/X/storage-vfs', '--runroot', '/X/run/storage-vfs', '--storage-driver', 'vfs'],
      where: 'the vfs storage of /X/storage-vfs',
    });
    assert.deepEqual(h.importBaseStorage({ ORACLE_STORAGE: '/X' }).flags, h.storageFlags('vfs', { ORACLE_STORAGE: '/X' }));
  });

  test("without it: buildah's default store with the vfs driver, where the probe and archive tests look", () => {
    assert.deepEqual(h.importBaseStorage({}), { flags: ['--storage-driver', 'vfs'], where: "buildah's vfs storage" });
  });
});

describe('--filter', () => {
  const { idMatches } = h as unknown as { idMatches(id: string, filter: string): boolean };
  test('a text the id contains; ^ anchors it at the start', () => {
    assert.deepEqual(['mounts/a', 'more-mounts/b', 'x/mounts/'].map((id) => idMatches(id, 'mounts/')), [true, true, true]);
    assert.deepEqual(['mounts/a', 'more-mounts/b', 'x/mounts/'].map((id) => idMatches(id, '^mounts/')), [true, false, false]);
    assert.equal(idMatches('caps/sudo-root-drop-all', ''), true);
  });
});

describe('a scenario file that is not valid YAML', () => {
  test('one line naming the file and line, exit 2, no stack trace', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { spawnSync } = await import('node:child_process');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'oracle-yaml-'));
    writeFileSync(join(dir, 'bad.yaml'), 'scenarios:\n  - id: x/y\n    title: a title: with a colon\n    dockerfile: FROM x\n');
    const r = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(new URL(harnessPath, import.meta.url).href)}).then((m) => m.loadDir(${JSON.stringify(dir)}))`], { encoding: 'utf8' });
    assert.deepEqual([r.status, r.stdout, r.stderr], [2, '', `oracle: ${join(dir, 'bad.yaml')}:3: Nested mappings are not allowed in compact mappings\n`]);
  });
});
