// Start failures by form, not by permission: an exec form whose JSON does not parse (run as
// shell form, UID106), a folder as the start program (UID106), a relative or (podman) missing
// working directory (UID107), and mounts the engine refuses (UID206). The words are measured
// with buildah and podman where this machine can (tests/oracle/scenarios/start-forms.yaml),
// else taken from the engines' sources.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseCompose } from '../../src/runtime/compose.js';
import { parseKubernetes } from '../../src/runtime/kubernetes.js';
import { resultJson } from '../../src/report/json.js';
import { intendedWords } from '../../src/rules/identity/start-form.js';
import type { HostPathFacts, RunContext } from '../../src/model/types.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
const docker = (line: string) => parseDockerRun(line, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } });
const podman = (line: string) => parseDockerRun(line, { invoker, env: {} });
const facts = (path: string, kind: 'dir' | 'file'): HostPathFacts =>
  ({ path, exists: true, from: 'facts-file', meta: { kind, uid: 1000, gid: 1000, mode: kind === 'dir' ? 0o755 : 0o644 } });
const pod = (container: string, volumes = '') =>
  parseKubernetes(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: x\n${container}${volumes}`)[0];

function findings(text: string, opts: { run?: RunContext; engine?: 'docker' | 'podman'; host?: HostPathFacts[] } = {}) {
  return analyze({ file: 'Dockerfile', text, run: opts.run, engine: opts.engine, host: opts.host ?? [] }).findings;
}
const only = (id: string, fs: ReturnType<typeof findings>) => fs.filter((f) => f.ruleId === id);
const fixes = (f: { fixes: { description: string; snippet?: string }[] } | undefined) => f?.fixes.map((x) => [x.description, x.snippet]);

describe('UID106: ENTRYPOINT or CMD meant as exec form, not valid JSON', () => {
  test('CMD ["python", "app.py" (no closing bracket): shell form, /bin/sh looks for [python,', () => {
    const [f, ...rest] = only('UID106', findings('FROM debian:bookworm\nCMD ["python", "app.py"\n'));
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'error');
    assert.equal(f.location.line, 2);
    assert.equal(f.message, 'The container will not start: CMD at line 2 is not valid JSON, so /bin/sh -c runs it as shell text, and the shell stops: /bin/sh: 1: [python,: not found (exit 127).');
    assert.equal(f.why, 'CMD is taken as exec form only when its text is a JSON array of strings; the array is not closed with ]. Docker, BuildKit and buildah then keep the whole text as shell form, /bin/sh -c followed by it, and the shell reads the brackets, quotes and commas as part of the command\'s name.');
    assert.deepEqual(fixes(f), [['Write it as a JSON array: double quotes around every element, commas between them, closed with ].', 'CMD ["python", "app.py"]']]);
  });

  test("CMD ['python','app.py'] (single quotes): the shell removes them and looks for [python,app.py]", () => {
    const [f] = only('UID106', findings("FROM debian:bookworm\nCMD ['python','app.py']\n"));
    assert.equal(f.message, 'The container will not start: CMD at line 2 is not valid JSON, so /bin/sh -c runs it as shell text, and the shell stops: /bin/sh: 1: [python,app.py]: not found (exit 127).');
    assert.match(f.why, /; JSON strings take double quotes, and this array uses single quotes\./);
    assert.equal(f.fixes[0].snippet, 'CMD ["python", "app.py"]');
  });

  test('ENTRYPOINT ["python3", "app.py] (a string left open): dash stops on the syntax, exit 2', () => {
    const [f] = only('UID106', findings('FROM debian:bookworm\nENTRYPOINT ["python3", "app.py]\n'));
    assert.equal(f.message, 'The container will not start: ENTRYPOINT at line 2 is not valid JSON, so /bin/sh -c runs it as shell text, and the shell stops: /bin/sh: 1: Syntax error: Unterminated quoted string (exit 2).');
    assert.match(f.why, /; a string is not closed with its double quote\. .* the shell cannot read it: a quote is left open\.$/);
    assert.equal(f.fixes[0].snippet, 'ENTRYPOINT ["python3", "app.py"]');
  });

  test('a trailing comma, and words without quotes', () => {
    assert.match(only('UID106', findings('FROM debian:bookworm\nCMD ["python3", "app.py",]\n'))[0].why, /JSON allows no comma after the last element/);
    const [bare] = only('UID106', findings('FROM debian:bookworm\nCMD [python3, app.py]\n'));
    assert.match(bare.message, /\/bin\/sh: 1: \[python3,: not found \(exit 127\)/);
    assert.match(bare.why, /the elements are not quoted strings/);
    assert.equal(bare.fixes[0].snippet, 'CMD ["python3", "app.py"]');
  });

  test('under SHELL ["/bin/bash", "-c"] bash words it (bash 5.2)', () => {
    const [f] = only('UID106', findings('FROM debian:bookworm\nSHELL ["/bin/bash", "-c"]\nCMD ["python3", "app.py"\n'));
    assert.equal(f.message, 'The container will not start: CMD at line 3 is not valid JSON, so /bin/bash -c runs it as shell text, and the shell stops: /bin/bash: line 1: [python3,: command not found (exit 127).');
    const [open] = only('UID106', findings('FROM debian:bookworm\nSHELL ["/bin/bash", "-c"]\nCMD ["python3", "app.py]\n'));
    assert.match(open.message, /\/bin\/bash: -c: line 1: unexpected EOF while looking for matching `"' \(exit 2\)/);
  });

  test('shell form that starts with the test command [ is real shell: no finding', () => {
    assert.deepEqual(only('UID106', findings('FROM debian:bookworm\nCMD [ -f /etc/hostname ] && exec sleep 1\n')), []);
  });

  test('a broken CMD replaced at run time, or under an ENTRYPOINT, is not judged', () => {
    assert.deepEqual(only('UID106', findings('FROM debian:bookworm\nCMD ["python3", "app.py"\n', { run: docker('docker run img bash') })), []);
    assert.deepEqual(only('UID106', findings('FROM debian:bookworm\nENTRYPOINT ["/bin/echo"]\nCMD [python3, app.py]\n')), []);
  });

  test('a broken ENTRYPOINT still fails when the run gives a command', () => {
    const [f] = only('UID106', findings('FROM debian:bookworm\nENTRYPOINT ["python3", "app.py"\n', { run: docker('docker run img bash') }));
    assert.match(f.message, /^The container will not start: ENTRYPOINT at line 2 is not valid JSON/);
  });

  test('the image holds it as shell form, as buildah\'s config showed: ["/bin/sh", "-c", TEXT]', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nENTRYPOINT ["python", "app.py"\nCMD [\'python\',\'app.py\']\n' });
    assert.deepEqual(a.image.config.entrypoint, ['/bin/sh', '-c', '["python", "app.py"']);
    assert.deepEqual(a.image.config.cmd, ['/bin/sh', '-c', "['python','app.py']"]);
  });

  test('the start report says it does not start', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nCMD ["python", "app.py"\n' });
    const j = resultJson({ analysis: a, findings: a.findings });
    assert.equal(j.start.ok, false);
  });

  test('intendedWords: the elements between the brackets, quotes removed', () => {
    assert.deepEqual(intendedWords('["python", "app.py"'), ['python', 'app.py']);
    assert.deepEqual(intendedWords("['sh','-c','echo a, b']"), ['sh', '-c', 'echo a, b']);
    assert.deepEqual(intendedWords('[python3, app.py,]'), ['python3', 'app.py']);
    assert.equal(intendedWords('[ ]'), undefined);
  });
});

describe('UID106: a folder as the start program', () => {
  const APP = 'FROM debian:bookworm\nRUN mkdir /app\nENTRYPOINT ["/app"]\n';

  test('Docker: runc\'s words, and a fix naming a program inside', () => {
    const [f, ...rest] = only('UID106', findings(APP));
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'error');
    assert.equal(f.location.line, 3);
    assert.equal(f.message, 'The container will not start: /app is a folder, not a program (exec: "/app": is a directory).');
    assert.equal(f.why, 'The engine executes the first word of the start command, and /app is a directory in the image: runc looks the program up before it executes it (Go\'s exec.LookPath) and refuses a directory. The kernel would refuse it too (execve gives EACCES).');
    assert.deepEqual(fixes(f), [[
      'Name the program inside /app, not the folder itself (an interpreter and a script work too: ["python3", "/app/main.py"]).',
      'ENTRYPOINT ["/app/PROGRAM"]',
    ]]);
  });

  test('podman: crun\'s words; the one executable inside is offered, with the entrypoint\'s arguments', () => {
    const text = 'FROM debian:bookworm\nRUN mkdir /app && printf x > /app/srv && chmod 0755 /app/srv\nENTRYPOINT ["/app", "--port", "80"]\n';
    const [f] = only('UID106', findings(text, { engine: 'podman' }));
    assert.equal(f.message, 'The container will not start: /app is a folder, not a program (open executable: Operation not permitted).');
    assert.match(f.why, /crun opens the program before it executes it and refuses a directory\./);
    assert.deepEqual(fixes(f), [['Start the program inside the folder, /app/srv.', 'ENTRYPOINT ["/app/srv", "--port", "80"]']]);
  });

  test('a program inside the folder starts: no finding', () => {
    // A script with a #! line (a file holding just "x" would be an exec format error).
    const text = 'FROM debian:bookworm\nRUN mkdir /app && printf \'#!/bin/sh\\n\' > /app/run && chmod 0755 /app/run\nENTRYPOINT ["/app/run"]\n';
    assert.deepEqual(only('UID106', findings(text)), []);
  });

  test('one a RUN wrote without a #! line is no program the kernel can start', () => {
    const text = 'FROM debian:bookworm\nRUN mkdir /app && printf x > /app/run && chmod 0755 /app/run\nENTRYPOINT ["/app/run"]\n';
    assert.deepEqual(only('UID106', findings(text)).map((f) => f.message), ['The container will not start: exec /app/run: exec format error.']);
  });
});

describe('UID107: a working directory the engine refuses', () => {
  const DF = 'FROM debian:bookworm\nRUN mkdir -p /srv/conf\nWORKDIR /srv\n';

  test('docker run -w conf: Docker\'s words, and the absolute path below the WORKDIR as the fix', () => {
    const [f, ...rest] = only('UID107', findings(DF, { run: docker('docker run -w conf img') }));
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'error');
    assert.equal(f.location.line, 3);
    assert.equal(f.message, "The container will not start: the working directory 'conf' is invalid, it needs to be an absolute path.");
    assert.equal(f.why, "-w conf is relative; Docker's daemon accepts only an absolute working directory and refuses to create the container.");
    assert.deepEqual(fixes(f), [
      ["Give -w as an absolute path, such as /srv/conf (conf below the image's WORKDIR /srv): no engine takes a relative one from the WORKDIR or from the folder you run the command in.", '-w /srv/conf'],
      ["Or leave -w out at run time, and the image's WORKDIR (/srv) applies.", undefined],
    ]);
  });

  test('podman run -w conf: podman 4.3\'s words (measured with podman create and start)', () => {
    const [f] = only('UID107', findings(DF, { run: podman('podman run -w conf img'), engine: 'podman' }));
    assert.equal(f.message, 'The container will not start: workdir "conf" does not exist on container.');
    assert.match(f.why, /measured with podman 4\.3, even for a folder that exists below \//);
  });

  test('podman run -w /nope, a folder the image lacks: refused, and reported', () => {
    const [f] = only('UID107', findings(DF, { run: podman('podman run -w /nope img'), engine: 'podman' }));
    assert.equal(f.message, 'The container will not start: workdir "/nope" does not exist on container.');
    assert.deepEqual(fixes(f), [["Create the folder in the image, or leave -w out so the image's WORKDIR applies.", 'RUN mkdir -p /nope']]);
  });

  test('compose working_dir and a pod\'s workingDir, in their own keys', () => {
    const compose = parseCompose('services:\n  a:\n    image: x\n    working_dir: conf\n', { invoker, env: {} }).services.a;
    const [c] = only('UID107', findings(DF, { run: compose }));
    assert.equal(c.message, "The container will not start: the working directory 'conf' is invalid, it needs to be an absolute path.");
    assert.equal(c.fixes[0].snippet, 'working_dir: /srv/conf');
    const [k] = only('UID107', findings(DF, { run: pod('      workingDir: conf\n') }));
    assert.equal(k.message, "The container will not start: the working directory 'conf' (workingDir) is not an absolute path, which the OCI runtime refuses.");
    assert.equal(k.fixes[0].snippet, 'workingDir: /srv/conf');
  });

  test('an absolute -w under Docker starts: no finding', () => {
    assert.deepEqual(only('UID107', findings(DF, { run: docker('docker run -w /srv/conf img') })), []);
  });
});

describe('UID206: mounts the engine refuses', () => {
  const DF = 'FROM debian:bookworm\nRUN mkdir -p /srv/conf && echo a > /srv/app.yml\n';
  const HINT = ': Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type';

  test('a host file onto a folder of the image: runc\'s words with Docker\'s hint, and the file inside the folder as the fix', () => {
    const [f, ...rest] = only('UID206', findings(DF, { run: docker('docker run -v /h/app.yml:/srv/conf img'), host: [facts('/h/app.yml', 'file')] }));
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'error');
    assert.equal(f.message, `The container will not start: error mounting "/h/app.yml" to rootfs at "/srv/conf": not a directory${HINT}.`);
    assert.equal(f.why, '-v /h/app.yml:/srv/conf mounts the host file /h/app.yml onto /srv/conf, which is a folder in the image; a bind mount needs a mount point of its own kind, so mount(2) fails with ENOTDIR.');
    assert.deepEqual(fixes(f), [
      ['Mount the file inside the folder, at /srv/conf/app.yml, where the program looks for it.', '-v /h/app.yml:/srv/conf/app.yml'],
      ['Or mount the host folder that holds it, if the whole of /srv/conf should come from the host.', undefined],
    ]);
  });

  test('a host folder onto a file of the image (podman\'s wording), :ro kept in the fix', () => {
    const [f] = only('UID206', findings(DF, { run: podman('podman run -v /h/cfg:/srv/app.yml:ro img'), engine: 'podman', host: [facts('/h/cfg', 'dir')] }));
    assert.equal(f.message, 'The container will not start: mounting "/h/cfg" onto "/srv/app.yml": not a directory.');
    assert.deepEqual(fixes(f)?.[0], ['Mount the file itself from the folder (/h/cfg/app.yml), if that is what the image expects at /srv/app.yml.', '-v /h/cfg/app.yml:/srv/app.yml:ro']);
  });

  test('-v of a host file that does not exist onto a file of the image: Docker makes a folder, which clashes; UID203 leaves it to UID206', () => {
    const fs = findings(DF, { run: docker('docker run -v ./app.yml:/srv/app.yml img'), host: [{ path: '/home/me/proj/app.yml', exists: false, from: 'stat' }] });
    const [f] = only('UID206', fs);
    assert.equal(f.message, `The container will not start: error mounting "/home/me/proj/app.yml" to rootfs at "/srv/app.yml": not a directory${HINT}.`);
    assert.equal(f.why, '/home/me/proj/app.yml does not exist on the host, so -v ./app.yml:/srv/app.yml makes Docker create it as a folder; /srv/app.yml is a file in the image, and a folder cannot be mounted onto a file: mount(2) fails with ENOTDIR.');
    assert.deepEqual(fixes(f), [['Create the file on the host before the container starts (and remove the folder /home/me/proj/app.yml if an earlier start already made it).', 'touch /home/me/proj/app.yml']]);
    assert.deepEqual(only('UID203', fs), []);
  });

  test('two mounts on one path: Docker, podman, compose and Kubernetes each in their words', () => {
    const host = [facts('/h/a', 'dir'), facts('/h/b', 'dir')];
    const [d] = only('UID206', findings(DF, { run: docker('docker run -v /h/a:/data -v /h/b:/data img'), host }));
    assert.equal(d.message, 'The container will not start: Duplicate mount point: /data.');
    assert.equal(d.why, '-v /h/a:/data and -v /h/b:/data both mount onto /data; the engine mounts one thing per container path and refuses to create the container.');
    assert.deepEqual(fixes(d), [
      ['Give -v /h/b:/data a container path of its own (beside the first, for example), or remove it: the engine takes one mount per path.', '-v /h/b:/data-2'],
    ]);
    const [p] = only('UID206', findings(DF, { run: podman('podman run -v /h/a:/data -v /h/b:/data:ro img'), engine: 'podman', host }));
    assert.equal(p.message, 'The container will not start: /data: duplicate mount destination.');
    const compose = parseCompose('services:\n  a:\n    image: x\n    volumes:\n      - /h/a:/data\n      - /h/b:/data\n', { invoker, env: {} }).services.a;
    const [c] = only('UID206', findings(DF, { run: compose, host }));
    assert.equal(c.message, 'The container will not start: Duplicate mount point: /data.');
    assert.equal(c.fixes[0].snippet, 'volumes:\n  - /h/b:/data-2');
    // Kubernetes: the manifest is refused as the API server refuses it (exit 2), before any rule.
    assert.throws(
      () => pod('      volumeMounts:\n        - {name: a, mountPath: /data}\n        - {name: b, mountPath: /data}\n', '  volumes:\n    - {name: a, emptyDir: {}}\n    - {name: b, emptyDir: {}}\n'),
      { name: 'RunParseError', message: 'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique' },
    );
  });

  test('the start report says it does not start', () => {
    const a = analyze({ file: 'Dockerfile', text: DF, run: docker('docker run -v /h/a:/data -v /h/b:/data img'), host: [facts('/h/a', 'dir'), facts('/h/b', 'dir')] });
    const j = resultJson({ analysis: a, findings: a.findings });
    assert.deepEqual(j.start, { ok: false, errors: ['Duplicate mount point: /data'] });
  });

  test('no clash: a file onto a file, a file onto a path the image lacks, a folder onto a folder, -v over an image VOLUME, a host path with no facts', () => {
    const host = [facts('/h/app.yml', 'file'), facts('/h/cfg', 'dir')];
    const run = docker('docker run -v /h/app.yml:/srv/app.yml -v /h/app.yml:/srv/new.yml -v /h/cfg:/srv/conf -v /h/cfg:/vol -v /h/x:/srv/app2.yml img');
    assert.deepEqual(findings(`${DF}VOLUME /vol\n`, { run, host }).filter((f) => f.ruleId === 'UID206'), []);
  });

  test('Docker\'s --tmpfs on a bind\'s path is not counted as a duplicate mount', () => {
    assert.deepEqual(only('UID206', findings(DF, { run: docker('docker run --tmpfs /data -v /h/a:/data img'), host: [facts('/h/a', 'dir')] })), []);
  });
});
