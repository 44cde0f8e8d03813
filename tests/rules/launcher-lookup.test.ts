// UID106 for the program a switch tool starts, looked up and executed as the user it switched
// to (measured: tests/oracle/scenarios/launchers-lookup.yaml), and UID106/UID302 for a pip
// --user console script started by name from a bin folder PATH does not list.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { textContext } from './text-context.js';

const LOOKUP = [
  'FROM debian:bookworm',
  'RUN apt-get update && apt-get install -y --no-install-recommends gosu s6 && rm -rf /var/lib/apt/lists/*',
  'RUN useradd -m -u 1000 app',
  'RUN install -d -m 0700 /opt/priv && printf \'#!/bin/sh\\nexec "$@"\\n\' > /opt/priv/tool.sh && chmod 0755 /opt/priv/tool.sh',
  'RUN printf \'#!/bin/sh\\nexec "$@"\\n\' > /usr/local/bin/rootonly && chmod 0700 /usr/local/bin/rootonly',
  'RUN printf \'#!/bin/sh\\nexec "$@"\\n\' > /usr/local/bin/pass && chmod 0755 /usr/local/bin/pass',
  '',
].join('\n');

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };

const context = textContext;

function run(text: string, line?: string, profile: 'dev' | 'prod' = 'prod', ctx?: ReturnType<typeof context>) {
  const r = line ? parseDockerRun(line, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } }) : undefined;
  return analyze({ file: 'Dockerfile', text, run: r, profile, ...(ctx ?? {}) }).findings;
}

const uid106 = (text: string, line?: string) => run(text, line).filter((f) => f.ruleId === 'UID106');

describe('UID106: the program after a switch of user is judged for the new user', () => {
  test('gosu app with a 0700 root program on PATH: exec failed, as app', () => {
    const [f, ...rest] = uid106(LOOKUP, 'docker run --rm img gosu app rootonly');
    assert.equal(rest.length, 0);
    assert.equal(f?.severity, 'error');
    assert.equal(f?.message, 'The container will not start its workload: `gosu app` switches to app (uid 1000) before it looks up rootonly, and app (uid 1000) cannot execute /usr/local/bin/rootonly: error: exec failed: permission denied (exit 1).');
    assert.equal(f?.fixes[0].snippet, 'RUN chmod 0755 /usr/local/bin/rootonly');
  });

  test('gosu app with a program in a 0700 folder: Go stats it and fails', () => {
    const [f] = uid106(LOOKUP, 'docker run --rm img gosu app /opt/priv/tool.sh');
    assert.equal(f?.message, 'The container will not start its workload: `gosu app` switches to app (uid 1000) before it looks up /opt/priv/tool.sh, and app (uid 1000) may not reach /opt/priv/tool.sh: error: exec: "/opt/priv/tool.sh": stat /opt/priv/tool.sh: permission denied (exit 1).');
    assert.equal(f?.fixes[0].snippet, 'RUN chmod 0755 /opt/priv && chmod 0755 /opt/priv/tool.sh');
  });

  test('runuser, chroot and s6-setuidgid in their own words', () => {
    assert.match(uid106(LOOKUP, 'docker run --rm img runuser -u app -- rootonly')[0]?.message ?? '', /runuser: failed to execute rootonly: Permission denied \(exit 1\)\.$/);
    assert.match(uid106(LOOKUP, 'docker run --rm img chroot --userspec=app / /opt/priv/tool.sh')[0]?.message ?? '', /chroot: failed to run command '\/opt\/priv\/tool\.sh': Permission denied \(exit 126\)\.$/);
    assert.match(uid106(LOOKUP, 'docker run --rm img s6-setuidgid app rootonly')[0]?.message ?? '', /s6-applyuidgid: fatal: unable to exec rootonly: Permission denied \(exit 126\)\.$/);
  });

  test('setpriv executes with root\'s capabilities: a script in a 0700 folder stops in its interpreter', () => {
    const [f] = uid106(LOOKUP, 'docker run --rm img setpriv --reuid=app --regid=app --init-groups /opt/priv/tool.sh');
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /setpriv still holds root's capabilities when it executes \/opt\/priv\/tool\.sh, but its interpreter cannot open it \(dash: "\/bin\/sh: 0: cannot open \/opt\/priv\/tool\.sh: Permission denied", exit 2\)\.$/);
  });

  test('gosu app with a 0711 script: executed, but its interpreter cannot open it', () => {
    const text = `${LOOKUP}RUN printf '#!/bin/sh\\nexec "$@"\\n' > /usr/local/bin/noread.sh && chmod 0711 /usr/local/bin/noread.sh\n`;
    const [f] = uid106(text, 'docker run --rm img gosu app noread.sh');
    assert.equal(f?.severity, 'error');
    assert.equal(f?.message, 'The container will not start its workload: `gosu app` switches to app (uid 1000) before it looks up noread.sh, which executes /usr/local/bin/noread.sh, but its interpreter cannot open it (dash: "/bin/sh: 0: cannot open /usr/local/bin/noread.sh: Permission denied", exit 2).');
    assert.equal(f?.fixes[0].snippet, 'RUN chmod 0755 /usr/local/bin/noread.sh');
  });

  test('setpriv with a 0700 root script on PATH (known to be one by its #! line): its interpreter is refused', () => {
    const [f] = uid106(LOOKUP, 'docker run --rm img setpriv --reuid=app --regid=app --init-groups rootonly');
    assert.match(f?.message ?? '', /but its interpreter cannot open it \(dash: "\/bin\/sh: 0: cannot open \/usr\/local\/bin\/rootonly: Permission denied", exit 2\)\.$/);
  });

  test('quiet: setpriv runs a binary in a 0700 folder (root\'s capabilities let it execute)', () => {
    const text = `${LOOKUP}RUN cp /usr/bin/env /opt/priv/env && chmod 0755 /opt/priv/env\n`;
    assert.deepEqual(uid106(text, 'docker run --rm img setpriv --reuid=app --regid=app --init-groups /opt/priv/env'), []);
  });

  test('quiet: a 0755 program, and the same 0700 program run as root', () => {
    assert.deepEqual(uid106(LOOKUP, 'docker run --rm img gosu app pass'), []);
    assert.deepEqual(uid106(LOOKUP, 'docker run --rm img rootonly'), []);
  });
});

const CONTEXT = context({
  'proj/setup.py': 'from setuptools import setup\nsetup(name="pkg", version="0.1", packages=["pkg"], entry_points={"console_scripts": ["pkgtool=pkg:main"]})\n',
  'proj/pkg/__init__.py': 'def main():\n    pass\n',
});

const USERBIN = [
  'FROM debian:bookworm',
  'RUN apt-get update && apt-get install -y --no-install-recommends gosu python3-pip python3-setuptools python3-wheel && rm -rf /var/lib/apt/lists/*',
  'RUN useradd -m -u 1000 app && useradd -m -u 1001 bob',
  'COPY --chown=app:app proj/ /home/app/proj/',
  'USER app',
  'RUN pip install --user --break-system-packages --no-index --no-build-isolation /home/app/proj',
  'CMD ["pkgtool"]',
  '',
].join('\n');

const NAMED = [
  'FROM debian:bookworm',
  'RUN apt-get update && apt-get install -y --no-install-recommends python3-pip && rm -rf /var/lib/apt/lists/*',
  'RUN useradd -m -u 1000 app',
  'USER app',
  'RUN pip install --user --break-system-packages httpie',
  'CMD ["httpie"]',
  '',
].join('\n');

describe('a pip --user console script started by name', () => {
  test('known script, ~/.local/bin not on PATH: UID106 error with the PATH fix, UID302 too', () => {
    const all = run(USERBIN, undefined, 'dev', CONTEXT);
    const f = all.find((x) => x.ruleId === 'UID106');
    assert.equal(f?.severity, 'error');
    assert.equal(f?.message, 'The container will not start: pkgtool is not on PATH (exec: "pkgtool": executable file not found in $PATH).');
    assert.deepEqual(f?.dependsOn, []);
    assert.deepEqual((f?.fixes ?? []).map((x) => x.snippet), ['ENV PATH=/home/app/.local/bin:$PATH', 'CMD ["/home/app/.local/bin/pkgtool"]']);
    const u = all.find((x) => x.ruleId === 'UID302');
    assert.equal(u?.message, "/home/app/.local/bin is not on PATH: the start command's pkgtool, which `pip install --user` put there, is not found.");
    assert.equal(u?.fixes[0].snippet, 'ENV PATH=/home/app/.local/bin:$PATH');
  });

  test('a named package: a warning that states the assumption and rests on package:NAME', () => {
    const all = run(NAMED, undefined, 'dev');
    const f = all.find((x) => x.ruleId === 'UID106');
    assert.equal(f?.severity, 'warning');
    assert.equal(f?.message, 'The container will not start: httpie is not on PATH (exec: "httpie": executable file not found in $PATH), if httpie installs a script named httpie.');
    assert.deepEqual(f?.dependsOn, ['package:httpie']);
    assert.match(f?.why ?? '', /The package's console scripts are not known: this takes httpie \(pip install --user, line 5\) to install a script named httpie in \/home\/app\/\.local\/bin\.$/);
    assert.equal(f?.fixes[0].snippet, 'ENV PATH=/home/app/.local/bin:$PATH');
    const u = all.find((x) => x.ruleId === 'UID302');
    assert.deepEqual(u?.dependsOn, ['package:httpie']);
    assert.equal(u?.severity, 'info');
  });

  test('quiet with the bin folder on PATH', () => {
    const text = NAMED.replace('CMD ["httpie"]', 'ENV PATH=/home/app/.local/bin:$PATH\nCMD ["httpie"]');
    assert.deepEqual(run(text, undefined, 'dev').filter((x) => x.ruleId === 'UID106' || x.ruleId === 'UID302'), []);
  });

  test('run as another user: the fix is to run it as the installer or install it without --user', () => {
    const [f] = run(NAMED, 'docker run --rm -u 1001 img').filter((x) => x.ruleId === 'UID106');
    assert.equal(f?.severity, 'warning');
    assert.match(f?.fixes[0].description ?? '', /^Run it as app, who installed it: uid 1001 \(no passwd entry\) has another home/);
  });

  test('after gosu: the switched user\'s PATH, in gosu\'s words', () => {
    const text = NAMED.replace('python3-pip', 'python3-pip gosu').replace('CMD ["httpie"]', 'USER root\nCMD ["gosu", "app", "httpie"]');
    const [f] = run(text).filter((x) => x.ruleId === 'UID106');
    assert.equal(f?.message, 'The container will not start its workload: `gosu app` switches to app (uid 1000) before it looks up httpie, and its PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin) does not list /home/app/.local/bin: error: exec: "httpie": executable file not found in $PATH (exit 1), if httpie installs a script named httpie.');
    assert.equal(f?.fixes[1].description, 'Or name it by its full path after `gosu app`: /home/app/.local/bin/httpie.');
  });
});

describe('UID106: sudo -u and su -c judge the program for the user they run it as', () => {
  const SUDO = LOOKUP.replace('gosu s6', 'gosu s6 sudo');

  test('sudo -u app with a 0700 root program: found as root, executed as app', () => {
    const [f, ...rest] = uid106(SUDO, 'docker run --rm img sudo -u app rootonly');
    assert.equal(rest.length, 0);
    assert.equal(f?.severity, 'error');
    assert.equal(f?.message, 'The container will not start: `sudo -u app` executes /usr/local/bin/rootonly as app (uid 1000), who may not: sudo: unable to execute /usr/local/bin/rootonly: Permission denied (exit 1).');
    assert.equal(f?.fixes[0].snippet, 'RUN chmod 0755 /usr/local/bin/rootonly');
  });

  test('sudo -u app with a script in a 0700 folder', () => {
    const [f] = uid106(SUDO, 'docker run --rm img sudo -u app /opt/priv/tool.sh');
    assert.match(f?.message ?? '', /sudo: unable to execute \/opt\/priv\/tool\.sh: Permission denied \(exit 1\)\.$/);
    assert.equal(f?.fixes[0].snippet, 'RUN chmod 0755 /opt/priv && chmod 0755 /opt/priv/tool.sh');
  });

  test('su app -c in dash\'s words', () => {
    const [f] = uid106(SUDO, 'docker run --rm img su app -c rootonly');
    assert.equal(f?.message, "The container will not start its workload: `su app -c` runs the command in app (uid 1000)'s shell, which says sh: 1: rootonly: Permission denied (exit 127).");
    const [g] = uid106(SUDO, 'docker run --rm img su app -c /opt/priv/tool.sh');
    assert.match(g?.message ?? '', /which says sh: 1: \/opt\/priv\/tool\.sh: Permission denied \(exit 126\)\.$/);
  });

  test('quiet: sudo -u app with a 0755 program, sudo as root, su with a login shell', () => {
    assert.deepEqual(uid106(SUDO, 'docker run --rm img sudo -u app pass'), []);
    assert.deepEqual(uid106(SUDO, 'docker run --rm img sudo rootonly'), []);
    assert.deepEqual(uid106(SUDO, 'docker run --rm img su - app -c rootonly'), []);
  });
});

describe('UID106: a switch inside a followed entrypoint script', () => {
  test('exec gosu app "$@" with a 0700 root program as CMD: judged for app', () => {
    const text = LOOKUP + 'COPY --chmod=0755 entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["rootonly"]\n';
    const ctx = context({ 'entrypoint.sh': '#!/bin/sh\nset -e\nexec gosu app "$@"\n' });
    const [f, ...rest] = run(text, undefined, 'prod', ctx).filter((x) => x.ruleId === 'UID106');
    assert.equal(rest.length, 0);
    assert.equal(f?.severity, 'error');
    assert.equal(f?.message, 'The container will not start its workload: `gosu app` switches to app (uid 1000) before it looks up rootonly, and app (uid 1000) cannot execute /usr/local/bin/rootonly: error: exec failed: permission denied (exit 1).');
  });

  test('quiet: the same script with a 0755 program', () => {
    const text = LOOKUP + 'COPY --chmod=0755 entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ["pass"]\n';
    const ctx = context({ 'entrypoint.sh': '#!/bin/sh\nset -e\nexec gosu app "$@"\n' });
    assert.deepEqual(run(text, undefined, 'prod', ctx).filter((x) => x.ruleId === 'UID106'), []);
  });
});

describe('gosu passes over a PATH file without an x bit', () => {
  test('a 0644 file in the only PATH folder: executable file not found, the fix is its x bit', () => {
    const text = [
      'FROM debian:bookworm',
      'RUN apt-get update && apt-get install -y --no-install-recommends gosu && rm -rf /var/lib/apt/lists/*',
      'RUN useradd -m -u 1000 app',
      'RUN mkdir /opt/tools && printf \'#!/bin/sh\\nexec "$@"\\n\' > /opt/tools/noexec && chmod 0644 /opt/tools/noexec',
      'ENV PATH=/opt/tools',
      'CMD ["/usr/sbin/gosu", "app", "noexec"]',
      '',
    ].join('\n');
    const [f] = uid106(text);
    assert.equal(f?.message, 'The container will not start its workload: `/usr/sbin/gosu app` switches to app (uid 1000) before it looks up noexec, and no folder of its PATH (/opt/tools) holds an executable noexec (Go\'s LookPath passes over /opt/tools/noexec, which has no x bit): error: exec: "noexec": executable file not found in $PATH (exit 1).');
    assert.equal(f?.fixes[0].snippet, 'RUN chmod 0755 /opt/tools/noexec');
  });
});
