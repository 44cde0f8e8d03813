// Shell variables in a --run line: the environment uidctl runs in gives them; bash's own UID
// comes from the invoking user; anything else unset expands empty, with a warning and an
// assumption, never a literal $NAME.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { tempDirs } from './temp.js';

const tempDir = tempDirs('uidctl-run-vars-');

async function uidctl(args: string[], cwd: string, env: Record<string, string> = {}) {
  const io = memoryIo({ HOME: '/home/ci', XDG_CACHE_HOME: join(cwd, '.cache'), ...env }, cwd);
  const code = await main(args, io);

  return { code, stdout: io.stdout, stderr: io.stderr };
}

const HOST = 'invoker: { uid: 1000, gid: 1000, home: /home/me, cwd: /home/me/proj }\npaths: {}\n';

describe('check --run with shell variables', () => {
  test('${GID} unset: warned on stderr, an assumption in the report, and the user is 1000: (no "group $GID")', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\nRUN useradd -u 1000 app\n', 'host.yaml': HOST });
    const r = await uidctl(['check', '--host-facts', 'host.yaml', '--run', 'docker run --user ${UID}:${GID} img', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'uidctl: warning: --run: $GID is not set in the environment uidctl runs in: it expands to an empty string, as in a shell where it is unset (export it, or write its value, if your shell has it)\n');
    const res = JSON.parse(r.stdout).results[0];
    assert.deepEqual([res.identity.uid, res.identity.gid], [1000, 1000]);
    assert.deepEqual(res.assumptions.filter((a: { id: string }) => a.id.startsWith('run-variable:')).map((a: { id: string; confidence: string }) => [a.id, a.confidence]), [
      ['run-variable:UID', 'high'],
      ['run-variable:GID', 'medium'],
    ]);
    assert.ok(!r.stdout.includes('unable to find group'));
  });

  test('a variable set in the environment uidctl runs in is used, with no warning', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\n', 'host.yaml': HOST });
    const r = await uidctl(['check', '--host-facts', 'host.yaml', '--run', 'docker run --user ${HOST_UID}:${HOST_GID} img', '--format', 'json', '--fail-on', 'never'], dir, { HOST_UID: '1234', HOST_GID: '1235' });
    assert.equal(r.stderr, '');
    const id = JSON.parse(r.stdout).results[0].identity;
    assert.deepEqual([id.uid, id.gid], [1234, 1235]);
  });

  test('--user $(stat -c %u data): kept as written with a warning, the user not known, never an internal error', async () => {
    // A step the model cannot follow makes the account check look for the name in commands.
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\nRUN ./setup.sh\n', 'host.yaml': HOST });
    for (const sub of ['$(stat -c %u data)', '$(cat uid.txt)', '$(git config user.name)']) {
      const r = await uidctl(['check', '--host-facts', 'host.yaml', '--run', `docker run --user ${sub} img`, '--format', 'json', '--fail-on', 'never'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, `uidctl: warning: --run: cannot evaluate ${sub}; kept as written\n`);
      const res = JSON.parse(r.stdout).results[0];
      assert.equal(res.identity.resolved, false);
      assert.deepEqual(res.assumptions.filter((a: { id: string }) => a.id === 'run-user:unknown').map((a: { text: string }) => a.text), [
        `--user ${sub}: the command substitution is not run, so the user is not known; the identity shown is a stand-in (nobody, 65534), not a prediction`,
      ]);
      assert.deepEqual(res.findings.filter((f: { ruleId: string }) => ['UID102', 'UID103', 'UID104'].includes(f.ruleId)), []);
    }
  });

  test('a #!/bin/sh run file: $UID is empty (dash sets none), so --user $UID:$(id -g) runs as root; a #!/bin/bash one as the invoker', async () => {
    const dir = tempDir({
      Dockerfile: 'FROM debian:bookworm\n',
      'host.yaml': HOST,
      'sh.sh': '#!/bin/sh\nHOST_UID=$UID\ndocker run --user $UID:$(id -g) -e HOST_UID=$HOST_UID -e U="$UID" img\n',
      'bash.sh': '#!/bin/bash\ndocker run --user $UID:$(id -g) img\n',
    });
    const sh = await uidctl(['check', '--host-facts', 'host.yaml', '--run-file', 'sh.sh', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(sh.stderr, 'uidctl: warning: sh.sh: $UID is empty under sh (the #! line): only bash sets UID, so it expands to an empty string\n');
    const shRes = JSON.parse(sh.stdout).results[0];
    assert.deepEqual([shRes.identity.uid, shRes.identity.gid], [0, 1000]);
    assert.deepEqual(shRes.assumptions.filter((a: { id: string }) => a.id === 'run-variable:UID').map((a: { confidence: string }) => a.confidence), ['medium']);
    const bash = await uidctl(['check', '--host-facts', 'host.yaml', '--run-file', 'bash.sh', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(bash.stderr, '');
    const bashRes = JSON.parse(bash.stdout).results[0];
    assert.deepEqual([bashRes.identity.uid, bashRes.identity.gid], [1000, 1000]);
  });
});

describe('check --run-file follows source, :=, and if over known variables', () => {
  const DF = 'FROM debian:bookworm\nRUN useradd -u 1000 app\nUSER app\n';
  const bind = (r: { stdout: string }) => JSON.parse(r.stdout).results[0];

  test('source ./vars.sh is read from the folder uidctl runs in', async () => {
    const dir = tempDir({ Dockerfile: DF, 'host.yaml': HOST, 'vars.sh': 'OUT=/srv/out\n', 'run.sh': '#!/bin/bash\nsource ./vars.sh\ndocker run -v "$OUT:/app/data" img\n' });
    const r = await uidctl(['check', '--host-facts', 'host.yaml', '--run-file', 'run.sh', '--path', '/app/data', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    // The bind's source is the sourced value (the daemon makes the missing /srv/out).
    assert.ok(JSON.stringify(bind(r)).includes('/srv/out'), r.stdout);
  });

  test('a missing sourced file: one line naming it, exit 2', async () => {
    const dir = tempDir({ Dockerfile: DF, 'host.yaml': HOST, 'run.sh': '#!/bin/bash\n. ./vars.sh\ndocker run -v "$OUT:/app/data" img\n' });
    const r = await uidctl(['check', '--host-facts', 'host.yaml', '--run-file', 'run.sh'], dir);
    assert.deepEqual([r.code, r.stderr], [2, 'uidctl check: run.sh:2: ./vars.sh: no such file, sourced on line 2 (looked for from the folder uidctl runs in, and next to the run file)\n']);
  });

  test('one next to the run file, not in the folder uidctl runs in, is read with an assumption', async () => {
    const dir = tempDir({ Dockerfile: DF, 'host.yaml': HOST, 'sub/vars.sh': 'OUT=/srv/out\n', 'sub/run.sh': '#!/bin/bash\n. ./vars.sh\ndocker run -v "$OUT:/app/data" img\n' });
    const r = await uidctl(['check', '--host-facts', 'host.yaml', '--run-file', 'sub/run.sh', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(r.code, 0, r.stderr);
    const a = bind(r).assumptions.find((x: { id: string }) => x.id === 'run-source:./vars.sh');
    assert.equal(a?.text, '`source ./vars.sh` on line 2: ./vars.sh is not in the folder uidctl runs in but is next to the run file, so the script is taken to run from its own folder (sub/vars.sh is read)');
  });

  test(': "${OUT:=...}" gives the run line its value, with no warning and no "as in a shell" error', async () => {
    const dir = tempDir({ Dockerfile: DF, 'host.yaml': HOST, 'run.sh': '#!/bin/bash\nset -euo pipefail\n: "${OUT:=/srv/out}"\ndocker run --rm -v "${OUT}:/app/data" img\n' });
    const r = await uidctl(['check', '--host-facts', 'host.yaml', '--run-file', 'run.sh', '--format', 'json', '--fail-on', 'never'], dir);
    assert.deepEqual([r.code, r.stderr], [0, '']);
  });
});


describe('check --run with $(stat -c %u PATH)', () => {
  test('with --host-facts the owner comes from the facts, through a link they describe; no stat here', async () => {
    const facts = 'invoker: { uid: 1001, gid: 1001, home: /home/sam, cwd: /home/sam/proj }\npaths:\n  /mnt/ds: { kind: symlink, target: /srv/nfs }\n  /srv/nfs: { uid: 1000, gid: 1000, mode: "0755" }\n';
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n', 'host.yaml': facts });
    const r = await uidctl(['check', '--host-facts', 'host.yaml', '--run', 'docker run -u "$(stat -L -c %u:%g /mnt/ds)" -v /mnt/ds:/data img', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(r.stderr, '');
    const res = JSON.parse(r.stdout).results[0];
    assert.deepEqual([res.identity.uid, res.identity.gid, res.findings.filter((f: { ruleId: string }) => f.ruleId === 'UID201').length], [1000, 1000, 0]);
    // Without -L stat reports the link itself, whose owner the facts do not give: not evaluated.
    const link = await uidctl(['check', '--host-facts', 'host.yaml', '--run', 'docker run -u "$(stat -c %u /mnt/ds)" img', '--format', 'json', '--fail-on', 'never'], dir);
    assert.match(link.stderr, /cannot evaluate \$\(stat -c %u \/mnt\/ds\)/);
    // The folder uidctl runs in exists here, but the facts do not list it: not evaluated.
    const here = await uidctl(['check', '--host-facts', 'host.yaml', '--run', `docker run -u "$(stat -c %u ${dir})" img`, '--format', 'json', '--fail-on', 'never'], dir);
    assert.match(here.stderr, /cannot evaluate \$\(stat -c %u /);
  });
  test('without --host-facts, stat on this machine', async () => {
    const dir = tempDir({ Dockerfile: 'FROM debian:bookworm\n' });
    const { statSync } = await import('node:fs');
    const st = statSync(dir);
    const r = await uidctl(['check', '--run', `docker run -u "$(stat -c %u:%g ${dir})" img`, '--format', 'json', '--fail-on', 'never'], dir);
    const id = JSON.parse(r.stdout).results[0].identity;
    assert.deepEqual([id.uid, id.gid], [st.uid, st.gid]);
  });
});
