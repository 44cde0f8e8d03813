// A start command that switches user (gosu app ...): UID101 says the container starts as root
// and steps down, without the USER fix that would stop gosu; UID106 reports a switch the tool
// cannot make; the mounts, HOME and the start program are judged for the right user.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseCompose } from '../../src/runtime/compose.js';
import { resultJson } from '../../src/report/json.js';
import { renderTextResult } from '../../src/report/text.js';
import type { HostPathFacts } from '../../src/model/types.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const IMAGE = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y gosu && useradd -m app\n';
const TESTER = IMAGE + 'COPY --chmod=0755 entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["gosu", "app", "python", "train.py"]\n';
const check = (text: string, run?: string, host: HostPathFacts[] = []) =>
  analyze({ file: 'Dockerfile', text, run: run ? parseDockerRun(run, { invoker }) : undefined, host, profile: 'prod' });
const finding = (a: ReturnType<typeof check>, id: string) => a.findings.find((f) => f.ruleId === id);

describe('UID101 when the command steps down from root', () => {
  test("the tester's image: info, no USER lead fix, the script's assumption named", () => {
    const a = check(TESTER);
    const f = finding(a, 'UID101');
    assert.equal(f?.severity, 'info');
    assert.equal(f?.location.line, 5);
    assert.equal(f?.message, 'The container starts as root: entrypoint.sh runs as root, then `gosu app` switches to app (uid 1000) before the workload runs.');
    assert.equal(
      f?.why,
      "Until the switch the process is root with the engine's capabilities: entrypoint.sh, whose text is not known, and gosu itself. " +
        'The workload after it runs as app (uid 1000) with no capabilities, and the verdicts here are judged for it. ' +
        'gosu needs root to switch, so USER app in the Dockerfile (or --user) alone would stop the container with `error: failed switching to "app": operation not permitted`.',
    );
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['--cap-drop ALL --cap-add SETGID --cap-add SETUID', 'USER 1000:1000\nCMD ["python", "train.py"]']);
    assert.match(f!.fixes[0].description, /^Keep root's capabilities to what the switch needs \(SETGID, SETUID\), plus what entrypoint\.sh itself needs/);
    assert.match(f!.fixes[1].description, /^Or, if nothing before the switch needs root .* start as app and leave `gosu app` out of the command\.$/);
    assert.deepEqual(f?.dependsOn, ['entrypoint:runs-arguments']);
    assert.equal(a.identity.id, 'uid=1000(app) gid=1000(app) groups=1000(app)');
  });

  test('a severity set for UID101 in the config wins over the lower one', () => {
    const a = analyze({ file: 'Dockerfile', text: TESTER, profile: 'prod' });
    assert.equal(finding(a, 'UID101')?.severity, 'info');
    // runRules with settings is what the CLI calls with a config.
    return import('../../src/rules/registry.js').then(({ runRules }) => {
      const fs = runRules(a, { severity: { UID101: 'error' } });
      assert.equal(fs.find((f) => f.ruleId === 'UID101')?.severity, 'error');
    });
  });

  test('gosu first in CMD: no script, the capability fix alone needs no caveat', () => {
    const f = finding(check(IMAGE + 'CMD ["gosu", "app", "python", "train.py"]\n'), 'UID101');
    assert.equal(f?.message, 'The container starts as root and its command switches to app (uid 1000) with `gosu app` before the workload runs.');
    assert.equal(f?.fixes[0].description, "Keep root's capabilities to what the switch needs (SETGID, SETUID): after gosu the workload has none anyway.");
    assert.deepEqual(f?.dependsOn, []);
  });

  test('the capability fix in Compose terms', () => {
    const run = parseCompose('services:\n  web:\n    image: x\n    command: ["gosu", "app", "python", "x"]\n', { env: {}, invoker }).services.web;
    const a = analyze({ file: 'Dockerfile', text: IMAGE, run, profile: 'prod' });
    assert.equal(finding(a, 'UID101')?.fixes[0].snippet, 'cap_drop:\n  - ALL\ncap_add:\n  - SETGID\n  - SETUID');
  });

  test('runuser (PAM may want more): no capability fix, the USER way leads', () => {
    const f = finding(check(IMAGE + 'CMD ["runuser", "-u", "app", "--", "python", "x"]\n'), 'UID101');
    assert.equal(f?.fixes.length, 1);
    assert.equal(f?.fixes[0].snippet, 'USER 1000:1000\nCMD ["python", "x"]');
    assert.match(f!.fixes[0].description, /^If nothing before the switch needs root/);
  });

  test('without a switch, UID101 is as before', () => {
    const f = finding(check(IMAGE + 'CMD ["python", "train.py"]\n'), 'UID101');
    assert.equal(f?.severity, 'warning');
    assert.equal(f?.message, 'The container runs as root: the image sets no non-root USER.');
    assert.equal(f?.fixes[0].snippet, 'USER 1000:1000');
  });
});

describe('UID106 when the switch cannot be made', () => {
  test("the tester's image started with --user 1000: a start failure, unsure behind the script", () => {
    const a = check(TESTER, 'docker run --rm --user 1000 img');
    const f = finding(a, 'UID106');
    assert.equal(f?.severity, 'warning');
    assert.equal(f?.message, 'The container will not start its workload: `gosu app` runs as app (uid 1000) and cannot switch user (error: failed switching to "app": operation not permitted).');
    assert.equal(
      f?.why,
      'gosu changes its groups and ids with setgroups, setgid and setuid, which need root (CAP_SETGID, CAP_SETUID); the container starts as app (uid 1000), which has none of them, so gosu exits at once.',
    );
    assert.deepEqual(f?.fixes.map((x) => [x.description, x.snippet]), [
      ['Start it as root, as the command expects: leave --user 1000 out at run time, and gosu switches to the user itself.', undefined],
      ['Or keep starting as app (uid 1000) and leave `gosu app` out of the command: gosu only works for root.', 'CMD ["python", "train.py"]'],
    ]);
    assert.deepEqual(resultJson({ analysis: a, findings: a.findings }).start, { ok: false, errors: [f!.message] });
    assert.ok(!finding(a, 'UID101'));
  });

  test('USER app with gosu in CMD: an error, the fix names the USER line', () => {
    const f = finding(check(IMAGE + 'USER app\nCMD ["gosu", "app", "python", "train.py"]\n'), 'UID106');
    assert.equal(f?.severity, 'error');
    assert.equal(f?.location.line, 4);
    assert.equal(f?.fixes[0].description, 'Start it as root, as the command expects: remove USER app (line 3), and gosu switches to the user itself.');
  });

  test('root without CAP_SETUID: the fix keeps the capability', () => {
    const f = finding(check(IMAGE + 'CMD ["gosu", "app", "python"]\n', 'docker run --cap-drop SETUID img'), 'UID106');
    assert.equal(f?.message, 'The container will not start its workload: `gosu app` runs as root (uid 0) and cannot switch user (error: failed switching to "app": operation not permitted).');
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['--cap-add SETUID']);
  });

  test('a user the image does not have', () => {
    const f = finding(check(IMAGE + 'CMD ["gosu", "nosuch", "python"]\n'), 'UID106');
    assert.equal(f?.message, 'The container will not start its workload: `gosu nosuch` fails (error: failed switching to "nosuch": unable to find user nosuch: no matching entries in passwd file).');
  });

  test('the entrypoint script is executed by root, not by the user gosu switches to', () => {
    // 0700 root: root may run it, app may not; the script runs before the switch.
    const a = check(IMAGE + 'COPY --chmod=0700 entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["gosu", "app", "python"]\n');
    assert.ok(!finding(a, 'UID106'));
    assert.equal(a.checkStart('/usr/local/bin/entrypoint.sh', 'exec').allowed, true);
    assert.equal(a.check('/usr/local/bin/entrypoint.sh', 'exec').allowed, false);
  });
});

describe('what is judged for the user the command switches to', () => {
  test("a root-owned bind mount: UID201 for app, as the tester's run would fail (unless entrypoint.sh, run first as root, chowns it)", () => {
    const host: HostPathFacts[] = [{ path: '/srv/out', exists: true, from: 'facts-file', meta: { kind: 'dir', uid: 0, gid: 0, mode: 0o755 } }];
    const a = check(TESTER, 'docker run -v /srv/out:/out img', host);
    assert.equal(finding(a, 'UID201')?.message, 'app (uid 1000) may not be able to write to /out (-v /srv/out:/out): it belongs to 0:0 on the host - Permission denied.');
    const plain = check(IMAGE + 'CMD ["gosu", "app", "python", "train.py"]\n', 'docker run -v /srv/out:/out img', host);
    assert.equal(finding(plain, 'UID201')?.message, 'app (uid 1000) cannot write to /out (-v /srv/out:/out): it belongs to 0:0 on the host - Permission denied.');
    assert.ok(!finding(a, 'UID202'), 'no root-owned output: the workload is not root');
  });

  test('setpriv keeps HOME=/root: UID103 with --reset-env as the fix', () => {
    const f = finding(check(IMAGE + 'CMD ["setpriv", "--reuid=app", "--regid=app", "--init-groups", "python", "x"]\n'), 'UID103');
    assert.equal(f?.message, 'HOME (/root) is not writable for app (uid 1000): `setpriv --reuid=app --regid=app --init-groups` keeps the HOME of the user the container starts as, and tools that write under ~ (pip --user, ~/.cache, Jupyter, git config) fail.');
    assert.equal(f?.location.line, 3);
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['setpriv --reuid=app --regid=app --init-groups --reset-env']);
  });

  test('s6-setuidgid keeps HOME: the fix sets it for the command', () => {
    const f = finding(check(IMAGE + 'CMD ["s6-setuidgid", "app", "python", "x"]\n'), 'UID103');
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['s6-setuidgid app env HOME=/home/app python x']);
  });
});

describe('the report says who starts and who runs', () => {
  test('JSON: identity.drop', () => {
    const a = check(TESTER);
    assert.deepEqual(resultJson({ analysis: a, findings: a.findings }).identity.drop, {
      tool: 'gosu',
      command: 'gosu app',
      from: { uid: 0, gid: 0, groups: [0], user: 'root', id: 'uid=0(root) gid=0(root) groups=0(root)' },
      error: null,
      source: 'cmd',
    });
    assert.equal(check(IMAGE).identity.drop, null);
  });

  test('text: a starts line above runs as', () => {
    const a = check(TESTER);
    const lines = renderTextResult({ analysis: a, findings: a.findings }, { color: false, verbose: false }).split('\n');
    const at = lines.findIndex((l) => l.startsWith('  starts '));
    assert.equal(lines[at], '  starts   uid=0(root) gid=0(root) groups=0(root), then `gosu app` switches');
    assert.equal(lines[at + 1], '  runs as  uid=1000(app) gid=1000(app) groups=1000(app)');
  });
});

describe('an entrypoint script of unknown text runs first, as root', () => {
  const SCRIPT_DATA = `${IMAGE}RUN mkdir /data\nCOPY --chmod=0755 entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["gosu", "app", "touch", "/data/x"]\n`;

  test('every verdict for the workload rests on what the script is taken to do', () => {
    const a = check(SCRIPT_DATA, 'docker run -v data:/data img');
    const v = a.verdicts.find((x) => x.path === '/data' && x.op === 'write');
    assert.deepEqual([v?.allowed, v?.dependsOn], [false, ['volume-new:data', 'entrypoint:runs-arguments']]);
    // It may chown /data before the switch (a common entrypoint line): a warning, not a fact.
    const f = finding(a, 'UID201');
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /^app \(uid 1000\) may not be able to write to \/data/);
  });

  test('without a script before the switch, the verdict is the plain one', () => {
    const a = check(`${IMAGE}RUN mkdir /data\nCMD ["gosu", "app", "touch", "/data/x"]\n`, 'docker run -v data:/data img');
    assert.deepEqual(a.verdicts.find((x) => x.path === '/data' && x.op === 'write')?.dependsOn, ['volume-new:data']);
    assert.equal(finding(a, 'UID201')?.severity, 'error');
  });
});

describe('su in the start command', () => {
  test('UID101 says who runs the workload is not known, as info, and offers a tool that is followed', () => {
    const f = finding(check('FROM debian:bookworm\nRUN useradd -m app\nCMD ["su", "app", "-c", "python train.py"]\n'), 'UID101');
    assert.equal(f?.severity, 'info');
    assert.equal(f?.message, 'The container starts as root, and its command runs `su app -c`, which may switch to another user: uidctl does not follow su and runuser\'s su mode, so who runs the workload is not known.');
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['CMD ["runuser", "-u", "app", "--", ...]']);
  });

  test('runuser -u is followed, not hedged', () => {
    const a = check('FROM debian:bookworm\nRUN useradd -m app\nCMD ["runuser", "-u", "app", "--", "python", "x"]\n');
    assert.equal(a.identity.user, 'app');
    assert.doesNotMatch(finding(a, 'UID101')?.message ?? '', /not known/);
  });
});

describe('a switch tool that is not installed', () => {
  test('gosu on a catalog base that no step installs it on: the start fails, as a warning', () => {
    const f = finding(check('FROM debian:bookworm\nRUN useradd -m app\nCMD ["gosu", "app", "id"]\n'), 'UID106');
    assert.deepEqual([f?.severity, f?.message], ['warning', 'The container will not start: gosu is not installed (exec: "gosu": executable file not found in $PATH).']);
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['RUN apt-get update && apt-get install -y --no-install-recommends gosu && rm -rf /var/lib/apt/lists/*']);
  });

  test('installed by apt, copied in, or possibly put there by a step the model does not follow: nothing', () => {
    for (const step of ['RUN apt-get update && apt-get install -y gosu', 'COPY --from=tianon/gosu /gosu /usr/local/bin/gosu', 'RUN apt-get update && apt-get install -y curl && curl -fsSL https://example.invalid/gosu -o /usr/local/bin/gosu && chmod +x /usr/local/bin/gosu', 'RUN ./install-gosu.sh']) {
      const a = check(`FROM debian:bookworm\n${step}\nRUN useradd -m app\nCMD ["gosu", "app", "id"]\n`);
      assert.equal(finding(a, 'UID106'), undefined, step);
    }
  });
});
