// End-to-end checks of `uidctl check`: every case of the fixture corpus through analyze(), then
// the real command (in-process, through main() and a recording Io) for exit codes, report
// formats, error handling, config files and inline ignores.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { FIXTURES, loadFixtures, mismatches, runCase } from './fixture-cases.js';

const fixtures = loadFixtures();

describe('fixture corpus', () => {
  test('holds at least 24 Dockerfiles, each with 2 to 4 named cases', () => {
    assert.ok(fixtures.length >= 24, `only ${fixtures.length} fixtures`);
    for (const fx of fixtures) {
      assert.ok(fx.cases.length >= 2 && fx.cases.length <= 4, `${fx.name}: ${fx.cases.length} cases`);
      for (const c of fx.cases) {
        assert.ok(c.name && c.run && c.expect, `${fx.name}: a case lacks name, run or expect`);
        if (c.knownWrong) assert.ok(c.why, `${fx.name} / ${c.name}: knownWrong needs a why`);
      }
    }
  });
});

for (const fx of fixtures) {
  describe(`fixture ${fx.name}`, () => {
    for (const c of fx.cases) {
      test(c.name, (t) => {
        const bad = mismatches(runCase(fx, c), c.expect);

        if (c.knownWrong) {
          // A case marked knownWrong holds the real behaviour; the model still answers otherwise.
          // Once it is fixed the case passes, and the mark must go.
          assert.ok(bad.length > 0, `${fx.name} / ${c.name} now matches: remove knownWrong`);
          t.skip(`known model bug: ${c.why} [${bad.join('; ')}]`);
          return;
        }
        assert.deepEqual(bad, [], `${fx.name} / ${c.name}:\n  ${bad.join('\n  ')}`);
      });
    }
  });
}

// ---------------------------------------------------------------- the command itself

async function cli(args: string[], cwd = process.cwd()) {
  const io = memoryIo({}, cwd);
  const code = await main(['check', ...args], io);

  return { code, out: io.stdout, err: io.stderr };
}

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'uidctl-e2e-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }

  return dir;
}

const fixtureFile = (name: string) => join(FIXTURES, name, 'Dockerfile');

/** A host-facts file from a fixture case's inline host block. */
function hostFile(name: string, index: number): { path: string; run: string } {
  const fx = fixtures.find((f) => f.name === name)!;
  const c = fx.cases[index];
  const dir = tempDir({ 'host.yaml': stringify(c.host ?? {}) });

  return { path: join(dir, 'host.yaml'), run: c.run };
}

const NO_CONFIG = '--no-config';

describe('uidctl check exit codes', () => {
  test('0 when nothing reaches the error level (a root image only warns in prod)', async () => {
    const h = hostFile('ends-as-root', 0);
    const r = await cli([fixtureFile('ends-as-root'), '--run', h.run, '--host-facts', h.path, NO_CONFIG]);

    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /UID101/);
  });

  test('1 when an error-level finding fires (a build that fails on useradd -u 1000)', async () => {
    const h = hostFile('cuda-ubuntu2404-uid-clash', 0);
    const r = await cli([fixtureFile('cuda-ubuntu2404-uid-clash'), '--run', h.run, '--host-facts', h.path, NO_CONFIG]);

    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /UID602/);
  });

  test('--fail-on never turns the same run into 0', async () => {
    const h = hostFile('cuda-ubuntu2404-uid-clash', 0);
    const r = await cli([fixtureFile('cuda-ubuntu2404-uid-clash'), '--run', h.run, '--host-facts', h.path, '--fail-on', 'never', NO_CONFIG]);

    assert.equal(r.code, 0);
  });

  test('--fail-on warning makes a warning-level finding fail the run', async () => {
    const h = hostFile('ends-as-root', 0);
    const base = [fixtureFile('ends-as-root'), '--run', h.run, '--host-facts', h.path, NO_CONFIG];

    assert.equal((await cli(base)).code, 0);
    assert.equal((await cli([...base, '--fail-on', 'warning'])).code, 1);
  });

  test('--profile dev lowers UID101 to info, so --fail-on warning passes', async () => {
    const h = hostFile('ends-as-root', 0);
    const r = await cli([fixtureFile('ends-as-root'), '--run', h.run, '--host-facts', h.path, '--profile', 'dev', '--fail-on', 'warning', NO_CONFIG]);

    assert.equal(r.code, 0, r.out);
  });
});

describe('uidctl check errors: exit 2, one line, no stack trace', () => {
  const oneLine = (text: string) => {
    assert.equal(text.trim().split('\n').length, 1, `more than one line:\n${text}`);
    assert.doesNotMatch(text, /\n\s+at |internal error/);
  };

  test('a missing Dockerfile names the file', async () => {
    const r = await cli(['does/not/exist/Dockerfile', NO_CONFIG]);

    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    oneLine(r.err);
    assert.match(r.err, /does\/not\/exist\/Dockerfile/);
  });

  test('a Dockerfile syntax error names file:line', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\nRUN true\nCOPY\nUSER 1000\n' });
    const r = await cli(['Dockerfile', NO_CONFIG], dir);

    assert.equal(r.code, 2);
    oneLine(r.err);
    assert.match(r.err, /Dockerfile:3\b/);
  });

  test('an unknown flag in --run is refused', async () => {
    const r = await cli([fixtureFile('ends-as-root'), '--run', 'docker run --no-such-flag img', NO_CONFIG]);

    assert.equal(r.code, 2);
    oneLine(r.err);
    assert.match(r.err, /no-such-flag/);
  });

  test('an unknown option of check itself is a usage error', async () => {
    const r = await cli([fixtureFile('ends-as-root'), '--colour', NO_CONFIG]);

    assert.equal(r.code, 2);
    oneLine(r.err);
    assert.equal(r.err, "uidctl check: unknown option --colour (a file whose name starts with '-' goes after '--')\n");
  });
});

describe('uidctl check --format json', () => {
  test('schema version 1 with the documented fields, values as analyze() gives them', async () => {
    const h = hostFile('pytorch-train-useradd', 0);
    const r = await cli([fixtureFile('pytorch-train-useradd'), '--run', h.run, '--host-facts', h.path, '--format', 'json', NO_CONFIG]);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);

    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.tool.name, 'uidctl');
    assert.equal(typeof doc.tool.version, 'string');
    assert.equal(doc.results.length, 1);
    const res = doc.results[0];
    for (const k of ['file', 'target', 'builder', 'engine', 'profile', 'run', 'build', 'start', 'identity',
      'verdicts', 'findings', 'assumptions', 'unknowns']) {
      assert.ok(k in res, `result lacks ${k}`);
    }
    assert.equal(res.builder, 'buildkit');
    assert.equal(res.engine, 'docker');
    assert.equal(res.profile, 'prod');
    assert.deepEqual(res.run, { tool: 'docker', text: h.run });
    assert.deepEqual(res.build, { ok: true, failures: [] });
    assert.deepEqual(res.start, { ok: true, errors: [] });

    const id = res.identity;
    assert.equal(id.uid, 1000);
    assert.equal(id.gid, 1000);
    assert.deepEqual(id.groups, [1000]);
    assert.equal(id.user, 'trainer');
    assert.equal(id.group, 'trainer');
    assert.equal(id.id, 'uid=1000(trainer) gid=1000(trainer) groups=1000(trainer)');
    assert.equal(id.home, '/home/trainer');
    assert.equal(id.homeFrom, 'passwd');
    assert.equal(id.homeExists, true);
    assert.equal(id.homeWritable, true);
    assert.equal(id.workdir, '/workspace');
    assert.equal(id.workdirExists, true);
    assert.deepEqual(id.caps, []);
    assert.deepEqual({ ...id.sudo, reason: undefined }, { installed: false, usable: false, nopasswd: false, reason: undefined });

    for (const v of res.verdicts) {
      assert.deepEqual(Object.keys(v).sort(), ['allowed', 'dependsOn', 'errno', 'op', 'path', 'reasons', 'where']);
      assert.equal(v.allowed, v.errno === null, `${v.op} ${v.path}: allowed and errno disagree`);
    }
    const ws = res.verdicts.find((v: { path: string; op: string }) => v.path === '/workspace' && v.op === 'write');
    assert.equal(ws.allowed, false);
    assert.equal(ws.errno, 'EACCES');
    assert.equal(ws.where, 'image');
    const mount = res.verdicts.find((v: { path: string; op: string }) => v.path === '/workspace/outputs' && v.op === 'write');
    assert.equal(mount.where, '/workspace/outputs');
    assert.equal(mount.allowed, true);

    assert.deepEqual(res.findings.map((f: { ruleId: string }) => f.ruleId).sort(), ['UID105', 'UID301', 'UID304']);
    for (const f of res.findings) {
      assert.ok(['error', 'warning', 'info'].includes(f.severity));
      assert.equal(typeof f.message, 'string');
      assert.equal(typeof f.why, 'string');
      assert.equal(f.location.file, fixtureFile('pytorch-train-useradd'));
      assert.ok(Number.isInteger(f.location.line) && f.location.line >= 1);
      assert.ok(Array.isArray(f.fixes) && Array.isArray(f.dependsOn));
    }
    for (const a of res.assumptions) assert.ok(['high', 'medium', 'low'].includes(a.confidence));
    assert.deepEqual(doc.summary, { files: 1, errors: 0, warnings: 0, infos: 3 });
  });

  test('a failing build lists the failure with its line and instruction', async () => {
    const h = hostFile('chown-as-nonroot', 0);
    const r = await cli([fixtureFile('chown-as-nonroot'), '--run', h.run, '--host-facts', h.path, '--format', 'json', NO_CONFIG]);
    const res = JSON.parse(r.out).results[0];

    assert.equal(r.code, 1);
    assert.equal(res.build.ok, false);
    assert.equal(res.build.failures.length, 1);
    assert.equal(res.build.failures[0].line, 10);
    assert.match(res.build.failures[0].instruction, /chown -R app:app \/app/);
    assert.match(res.build.failures[0].message, /Operation not permitted/);
  });

  test('without --run the run is null', async () => {
    const r = await cli([fixtureFile('ends-as-root'), '--format', 'json', NO_CONFIG]);

    assert.equal(JSON.parse(r.out).results[0].run, null);
  });
});

describe('uidctl check --format sarif', () => {
  test('SARIF 2.1.0 with rules and located results', async () => {
    const h = hostFile('ssh-lab-root-login', 1);
    const r = await cli([fixtureFile('ssh-lab-root-login'), '--run', h.run, '--host-facts', h.path, '--format', 'sarif', NO_CONFIG]);
    const doc = JSON.parse(r.out);

    assert.equal(r.code, 1, 'UID501/UID502 are errors in prod');
    assert.equal(doc.version, '2.1.0');
    const run = doc.runs[0];
    assert.ok(run.tool.driver.rules.length > 0);
    for (const rule of run.tool.driver.rules) assert.match(rule.id, /^UID\d{3}$/);

    const ids = run.results.map((x: { ruleId: string }) => x.ruleId).sort();
    // UID204: the working directory / is not on the /datasets mount.
    assert.deepEqual(ids, ['UID101', 'UID202', 'UID204', 'UID501', 'UID502']);
    for (const res of run.results) {
      assert.ok(['error', 'warning', 'note'].includes(res.level), res.level);
      const loc = res.locations[0].physicalLocation;
      assert.ok(loc.artifactLocation.uri.endsWith('Dockerfile'));
      assert.ok(Number.isInteger(loc.region.startLine) && loc.region.startLine >= 1);
    }
    const rootLogin = run.results.find((x: { ruleId: string }) => x.ruleId === 'UID501');
    assert.equal(rootLogin.level, 'error');
    assert.equal(rootLogin.locations[0].physicalLocation.region.startLine, 4);
  });
});

describe('uidctl check on a folder', () => {
  test('checks every Dockerfile under it and sums them up', async () => {
    const names = ['ends-as-root', 'chown-as-nonroot', 'ssh-lab-root-login'];
    const files: Record<string, string> = {};
    for (const n of names) files[`${n}/Dockerfile`] = readFileSync(fixtureFile(n), 'utf8');
    // The files their COPY steps name: a source missing from the context fails the build.
    Object.assign(files, { 'ends-as-root/main.py': '', 'chown-as-nonroot/requirements.txt': '', 'chown-as-nonroot/pyproject.toml': '' });
    const dir = tempDir(files);
    const r = await cli(['.', '--run', 'docker run --rm img', '--format', 'json', NO_CONFIG], dir);
    const doc = JSON.parse(r.out);

    assert.equal(r.code, 1);
    assert.equal(doc.summary.files, 3);
    assert.deepEqual(doc.results.map((x: { file: string }) => x.file).sort(), names.map((n) => `${n}/Dockerfile`).sort());
    const byFile = Object.fromEntries(doc.results.map((x: { file: string; build: { ok: boolean } }) => [x.file, x.build.ok]));
    assert.deepEqual(byFile, { 'chown-as-nonroot/Dockerfile': false, 'ends-as-root/Dockerfile': true, 'ssh-lab-root-login/Dockerfile': true });
  });

  test('a folder with no Dockerfile is an input error', async () => {
    const dir = tempDir({ 'README.md': 'nothing here\n' });
    const r = await cli(['.', NO_CONFIG], dir);

    assert.equal(r.code, 2);
    assert.match(r.err, /no Dockerfile/);
  });
});

describe('config file and inline ignores', () => {
  const sshText = readFileSync(fixtureFile('ssh-lab-root-login'), 'utf8');
  const ruleIds = (out: string) => JSON.parse(out).results[0].findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId}:${f.severity}`).sort();

  test('.uidctl.yaml in the current folder turns rules off and changes severities', async () => {
    const dir = tempDir({
      Dockerfile: sshText,
      '.uidctl.yaml': 'rules:\n  UID501: off\n  ssh-password-auth: warning\nignore: [UID101]\n',
    });
    const r = await cli(['--run', 'docker run -d -p 2222:22 lab', '--format', 'json'], dir);

    assert.deepEqual(ruleIds(r.out), ['UID502:warning']);
    assert.equal(r.code, 0, 'nothing at error level is left');
  });

  test('--no-config ignores the file', async () => {
    const dir = tempDir({ Dockerfile: sshText, '.uidctl.yaml': 'rules:\n  UID501: off\n' });
    const r = await cli(['--run', 'docker run -d -p 2222:22 lab', '--format', 'json', NO_CONFIG], dir);

    assert.deepEqual(ruleIds(r.out), ['UID101:warning', 'UID501:error', 'UID502:error']);
    assert.equal(r.code, 1);
  });

  test('a config naming an unknown rule is an input error', async () => {
    const dir = tempDir({ Dockerfile: sshText, '.uidctl.yaml': 'rules:\n  UID999: off\n' });
    const r = await cli([], dir);

    assert.equal(r.code, 2);
    assert.match(r.err, /\.uidctl\.yaml.*UID999/);
  });

  test('# uidctl ignore= silences a rule on the next instruction only', async () => {
    const text = sshText.replace('RUN echo', '# uidctl ignore=UID501\nRUN echo');
    const dir = tempDir({ Dockerfile: text });
    const r = await cli(['--run', 'docker run -d -p 2222:22 lab', '--format', 'json', NO_CONFIG], dir);

    assert.deepEqual(ruleIds(r.out), ['UID101:warning', 'UID502:error']);
  });

  test('# uidctl global ignore= silences a rule for the whole file, by name too', async () => {
    const text = `# uidctl global ignore=ssh-root-login,UID502\n${sshText}`;
    const dir = tempDir({ Dockerfile: text });
    const r = await cli(['--run', 'docker run -d -p 2222:22 lab', '--format', 'json', NO_CONFIG], dir);

    assert.deepEqual(ruleIds(r.out), ['UID101:warning']);
    assert.equal(r.code, 0);
  });
});
