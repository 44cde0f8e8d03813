// Start commands measured in tests/oracle/scenarios/start-interpreters.yaml: an interpreter
// (node, perl, ruby) given a script its user may not read; a switch tool the image lacks (sudo,
// s6-setuidgid); UID101's words for sudo -u; a pip --user console script whose package's
// scripts are not listed; a pip --user install used by a uid with another HOME.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { interpreterScript } from '../../src/rules/identity/UID106-entrypoint-not-executable.js';
import { textContext } from './text-context.js';

const context = textContext;

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
function findings(text: string, line?: string, ctx?: ReturnType<typeof context>) {
  const run = line ? parseDockerRun(line, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } }) : undefined;
  return analyze({ file: 'Dockerfile', text, run, profile: 'dev', ...(ctx ?? {}) }).findings;
}
const rule = (all: ReturnType<typeof findings>, id: string) => all.filter((f) => f.ruleId === id);

describe('interpreterScript', () => {
  const cases: [string[], ReturnType<typeof interpreterScript>][] = [
    [['node', '/app/server.js'], { kind: 'node', file: '/app/server.js' }],
    [['nodejs', '--enable-source-maps', '-r', 'dotenv/config', 'server.js', '--port', '3'], { kind: 'node', file: 'server.js' }],
    [['node', '-e', 'console.log(1)'], undefined],
    [['node', '--', 'a.js'], { kind: 'node', file: 'a.js' }],
    [['perl', '-w', 'run.pl'], { kind: 'perl', file: 'run.pl' }],
    [['perl', '-le', 'print 1'], undefined],
    [['/usr/bin/ruby', '-I', 'lib', 'run.rb'], { kind: 'ruby', file: 'run.rb' }],
    [['ruby', '-e', 'puts 1'], undefined],
    [['python3', 'a.py'], undefined],
  ];
  for (const [argv, want] of cases) test(argv.join(' '), () => assert.deepEqual(interpreterScript(argv), want));
});

describe('an interpreter given a script its user may not read', () => {
  const base = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs ruby && rm -rf /var/lib/apt/lists/*\nRUN useradd -m -u 1000 app\nCOPY --chmod=0600 server.js run.pl run.rb /app/\nUSER app\n';
  const ctx = context({ 'server.js': 'x', 'run.pl': 'x', 'run.rb': 'x' });

  test('ENTRYPOINT node with a root 0600 script: node\'s EACCES, exit 1, and the chmod fixes', () => {
    const [f] = rule(findings(`${base}ENTRYPOINT ["node", "/app/server.js"]\n`, undefined, ctx), 'UID106');
    assert.equal(f?.message, "The container will not start its workload: node stops: Error: EACCES: permission denied, open '/app/server.js' (exit 1).");
    assert.equal(f?.severity, 'error');
    assert.equal(f?.location.line, 6);
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['RUN chmod 0755 /app && chmod a+r /app/server.js', 'RUN mkdir -p /app\nCOPY --chmod=0644 server.js /app/server.js']);
  });

  test('nodejs with a relative script: node prints the absolute path', () => {
    const [f] = rule(findings(base, 'docker run --rm -w /app image nodejs server.js', ctx), 'UID106');
    assert.equal(f?.message, "The container will not start its workload: nodejs stops: Error: EACCES: permission denied, open '/app/server.js' (exit 1).");
  });

  test('perl: its words, the path as given, exit 13', () => {
    const [f] = rule(findings(base, 'docker run --rm image perl /app/run.pl', ctx), 'UID106');
    assert.equal(f?.message, 'The container will not start its workload: perl stops: Can\'t open perl script "/app/run.pl": Permission denied (exit 13).');
  });

  test('ruby: LoadError, exit 1', () => {
    const [f] = rule(findings(base, 'docker run --rm -w /app image ruby run.rb', ctx), 'UID106');
    assert.equal(f?.message, 'The container will not start its workload: ruby stops: ruby: Permission denied -- run.rb (LoadError) (exit 1).');
  });

  test('run as root, node reads the 0600 file', () => {
    assert.deepEqual(rule(findings(base, 'docker run --rm -u 0 image node /app/server.js', ctx), 'UID106'), []);
  });
});

describe('a switch tool the image does not have', () => {
  const df = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\n';

  test('sudo -u app on Debian without sudo: runc cannot find it', () => {
    const all = findings(df, 'docker run --rm image sudo -u app bash');
    const [f] = rule(all, 'UID106');
    assert.equal(f?.message, 'The container will not start: sudo is not installed (exec: "sudo": executable file not found in $PATH).');
    assert.equal(f?.severity, 'warning');
    assert.equal(f?.why, 'sudo comes with the sudo package, which the base image (debian:bookworm) does not have and no step of this build installs (apt-get install sudo, apk add sudo, or a COPY of the binary); PATH is /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin.');
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['RUN apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*']);
  });

  test('s6-setuidgid without the s6 package', () => {
    const [f] = rule(findings(df, 'docker run --rm image s6-setuidgid app bash'), 'UID106');
    assert.equal(f?.message, 'The container will not start: s6-setuidgid is not installed (exec: "s6-setuidgid": executable file not found in $PATH).');
  });

  test('sudo installed by a step: no start failure', () => {
    const all = findings(`${df}RUN apt-get update && apt-get install -y sudo\nCMD ["sudo", "-u", "app", "bash"]\n`);
    assert.deepEqual(rule(all, 'UID106'), []);
  });

  test('runuser (util-linux) is there', () => {
    assert.deepEqual(rule(findings(df, 'docker run --rm image runuser -u app -- bash'), 'UID106'), []);
  });
});

describe('UID101 names sudo as sudo', () => {
  const df = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nRUN apt-get update && apt-get install -y sudo\n';

  test('CMD sudo -u app bash: sudo\'s words, not su\'s', () => {
    const [f] = rule(findings(`${df}CMD ["sudo", "-u", "app", "bash"]\n`), 'UID101');
    assert.equal(f?.message, "The container starts as root, and its command runs `sudo -u app`, which runs the workload as another user: uidctl does not follow sudo as a switch of user (only the program it starts is checked for that user), so the verdicts here are root's, not the workload's.");
    assert.equal(f?.why, 'Until sudo runs the command the process is root. sudo -u/-g runs it as the user (and group) it names, with the environment its sudoers policy leaves (env_reset, secure_path, HOME); the verdicts here are judged for root, which the workload is not.');
  });

  test('sudo without -u runs as root: the plain root finding', () => {
    const [f] = rule(findings(`${df}CMD ["sudo", "bash"]\n`), 'UID101');
    assert.equal(f?.message, 'The container runs as root: the image sets no non-root USER.');
  });

  test('su stays su', () => {
    const [f] = rule(findings(`${df}CMD ["su", "app", "-c", "bash"]\n`), 'UID101');
    assert.equal(f?.message, "The container starts as root, and its command runs `su app -c`, which may switch to another user: uidctl does not follow su and runuser's su mode, so who runs the workload is not known.");
  });
});

const APT = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends gosu python3-pip python3-setuptools python3-wheel && rm -rf /var/lib/apt/lists/*\nRUN useradd -m -u 1000 app\nCOPY --chown=app:app proj/ /home/app/proj/\nUSER app\nRUN pip install --user --break-system-packages --no-index --no-build-isolation /home/app/proj\n';

describe('console scripts uidctl cannot list', () => {
  const ctx = context({
    'proj/setup.py': 'from setuptools import setup\nSCRIPTS = ["pkgtool=pkg:main"]\nsetup(name="pkgtools", version="0.1", packages=["pkg"], entry_points={"console_scripts": SCRIPTS})\n',
    'proj/pkg/__init__.py': 'x',
  });

  test('a program named like the package (pkgtool from pkgtools): a warning resting on package:pkgtools', () => {
    const all = findings(APT, 'docker run --rm image pkgtool', ctx);
    const [f] = rule(all, 'UID106');
    assert.equal(f?.message, 'The container will not start: pkgtool is not on PATH (exec: "pkgtool": executable file not found in $PATH), if pkgtools installs a script named pkgtool.');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['package:pkgtools']);
    assert.deepEqual(rule(all, 'UID302')[0]?.dependsOn, ['package:pkgtools']);
  });

  test('with ~/.local/bin on PATH: nothing', () => {
    assert.deepEqual(rule(findings(`${APT}ENV PATH=/home/app/.local/bin:$PATH\n`, 'docker run --rm image pkgtool', ctx), 'UID106'), []);
  });

  test('a PyPI package: torchrun from a --user torch', () => {
    const df = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip\nRUN useradd -m app\nUSER app\nRUN pip install --user --break-system-packages torch\nCMD ["torchrun", "x.py"]\n';
    const [f] = rule(findings(df), 'UID106');
    assert.equal(f?.message, 'The container will not start: torchrun is not on PATH (exec: "torchrun": executable file not found in $PATH), if torch installs a script named torchrun.');
    assert.deepEqual(f?.dependsOn, ['package:torch']);
  });

  test('an unrelated name is no guess', () => {
    const df = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip\nRUN useradd -m app\nUSER app\nRUN pip install --user --break-system-packages requests\nCMD ["perl", "x.pl"]\n';
    assert.deepEqual(rule(findings(df), 'UID106'), []);
  });
});

describe('a pip --user install used by a uid with another HOME', () => {
  const ctx = context({
    'proj/setup.py': 'from setuptools import setup\nsetup(name="pkg", version="0.1", packages=["pkg"], entry_points={"console_scripts": ["pkgtool=pkg:main"]})\n',
    'proj/pkg/__init__.py': 'x',
    'proj/pkg/__main__.py': 'x',
  });
  const df = `${APT}ENV PATH=/home/app/.local/bin:$PATH\n`;

  test('the console script as uid 1001 (HOME=/): ModuleNotFoundError', () => {
    const [f] = rule(findings(df, 'docker run --rm -u 1001 image pkgtool', ctx), 'UID106');
    assert.equal(f?.message, "The container will not start its workload: /home/app/.local/bin/pkgtool stops: ModuleNotFoundError: No module named 'pkg' (exit 1), as uid 1001 (no passwd entry) runs with HOME / and Python does not look in /home/app/.local/lib/python3.11/site-packages (app's).");
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['-e HOME=/home/app', 'RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install ...\nENV PATH=/opt/venv/bin:$PATH']);
  });

  test('python3 -m pkg as uid 1001: No module named pkg', () => {
    const [f] = rule(findings(df, 'docker run --rm -u 1001 image python3 -m pkg', ctx), 'UID106');
    assert.equal(f?.message, "The container will not start its workload: /usr/bin/python3: No module named pkg (exit 1), as uid 1001 (no passwd entry) runs with HOME / and Python does not look in /home/app/.local/lib/python3.11/site-packages (app's).");
  });

  for (const line of ['docker run --rm image pkgtool', 'docker run --rm image python3 -m pkg', 'docker run --rm -u 1001 -e HOME=/home/app image pkgtool', 'docker run --rm -u 1001 -e HOME=/home/app image python3 -m pkg']) {
    test(`control: ${line} starts`, () => assert.deepEqual(rule(findings(df, line, ctx), 'UID106'), []));
  }
});
