// Account settings appended to their files, useradd's own refusals, sudo's check of an
// included folder and sg: each case measured with buildah on debian:bookworm (the oracle's
// accounts-defs.yaml, homes.yaml, misc.yaml, sudo-files.yaml and umask-modes.yaml hold the builds).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';

const build = (run: string) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${run}\n` });
const last = (run: string) => {
  const a = build(run);
  const u = a.image.accounts.passwd.at(-1)!;
  return { failures: a.sim.failures.map((f) => f.message), user: `${u.name} ${u.uid}:${u.gid}`, home: a.image.fs.get(u.home)?.mode.toString(8) };
};

describe('lines appended to login.defs and adduser.conf change the accounts made after them', () => {
  test('HOME_MODE, UMASK, USERGROUPS_ENAB and the id ranges (the last line of a key wins)', () => {
    assert.deepEqual(last('RUN echo "HOME_MODE 0750" >> /etc/login.defs && useradd -m -u 1002 hm'), { failures: [], user: 'hm 1002:1002', home: '750' });
    assert.deepEqual(last('RUN echo "UMASK 077" >> /etc/login.defs && useradd -m -u 1003 dave'), { failures: [], user: 'dave 1003:1003', home: '700' });
    assert.deepEqual(last("RUN echo 'USERGROUPS_ENAB no' >> /etc/login.defs && useradd -m -u 1000 ug"), { failures: [], user: 'ug 1000:100', home: '755' });
    assert.deepEqual(last("RUN printf 'UID_MIN 2000\\nGID_MIN 3000\\n' >> /etc/login.defs && useradd -m mm"), { failures: [], user: 'mm 2000:3000', home: '755' });
  });

  test("adduser.conf's DIR_MODE", () => {
    assert.deepEqual(last(`RUN echo "DIR_MODE=0755" >> /etc/adduser.conf && adduser --disabled-password --gecos '' --uid 1005 ed`), { failures: [], user: 'ed 1005:1005', home: '755' });
    // Without it, Debian 12's adduser makes homes 0700.
    assert.equal(last(`RUN adduser --disabled-password --gecos '' --uid 1005 ed`).home, '700');
  });
});

describe("useradd's refusals, in the order getopt meets them", () => {
  test('a relative home (3), -U with -g or -N (2, with the usage text)', () => {
    assert.deepEqual(build('RUN useradd -m -u 1000 -d relative alice').sim.failures.map((f) => f.message), ["useradd: invalid home directory 'relative'"]);
    assert.deepEqual(build('RUN useradd -d relative -g nosuch a').sim.failures.map((f) => f.message), ["useradd: invalid home directory 'relative'"]);
    assert.deepEqual(build('RUN useradd -g nosuch -d relative a').sim.failures.map((f) => f.message), ["useradd: group 'nosuch' does not exist"]);
    const [n] = build('RUN useradd -u 1000 -U -N alice').sim.failures;
    assert.equal(n?.message.split('\n')[0], 'useradd: options -U and -N conflict');
    assert.equal(build('RUN useradd -U -g users a').sim.failures[0]?.message.split('\n')[0], 'useradd: options -U and -g conflict');
  });
});

describe('shadow tools check each option value as getopt meets it (an empty ARG shifts the words)', () => {
  const first = (run: string) => build(run).sim.failures.map((f) => f.message.split('\n')[0]);
  test('useradd: the first bad value on the line, before the count of names', () => {
    assert.deepEqual(first('RUN useradd -g nosuch -u abc x2'), ["useradd: group 'nosuch' does not exist"]);
    assert.deepEqual(first('RUN useradd -u abc -g nosuch x1'), ["useradd: invalid user ID 'abc'"]);
    assert.deepEqual(first('RUN useradd -G nosuch -u abc x5'), ["useradd: group 'nosuch' does not exist"]);
    assert.deepEqual(first('RUN useradd -u abc'), ["useradd: invalid user ID 'abc'"]);
    // `ARG UID` with no value: `-u $UID -s /bin/bash` gives -u the word "-s".
    assert.deepEqual(first('ARG UID\nRUN useradd docker -l -u $UID -s /bin/bash -m'), ["useradd: invalid user ID '-s'"]);
    assert.deepEqual(first('RUN useradd -s bash x3'), ["useradd: invalid shell 'bash'"]);
    assert.deepEqual(build('RUN useradd a b').sim.failures.map((f) => f.message), ['Usage: useradd [options] LOGIN\n       useradd -D\n       useradd -D [options]']);
  });
  test('UID602 names the empty ARG and how to give it a value; a plain word is "not a number"', () => {
    const f = build('ARG UID\nARG GID\nRUN groupadd -g $GID dockergrp && useradd -u $UID -g $GID -m -s /bin/bash dockeruser').findings.find((x) => x.ruleId === 'UID602');
    assert.match(f?.why ?? '', /ARG GID \(line 3\) has no default and no --build-arg gave it a value, so \$GID expands to nothing and -g takes the next word, 'dockergrp', as the group id\./);
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['docker build --build-arg GID=$(id -g) --build-arg UID=$(id -u) .', 'ARG GID=1000\nARG UID=1000']);
    // A default for the global ARG reaches the stage's own `ARG GID`: no failure at all.
    assert.deepEqual(analyze({ file: 'Dockerfile', text: 'ARG GID=1000\nFROM debian:bookworm\nARG GID\nRUN groupadd -g $GID grp\n' }).sim.failures, []);
    const plain = build('RUN useradd -u abc x').findings.find((x) => x.ruleId === 'UID602');
    assert.match(plain?.why ?? '', /'abc' is not a number, and -u takes a numeric user id\./);
  });
  test('a failing step names the ARGs it uses that have no value (not those given one by --build-arg, a default or ENV)', () => {
    const text = 'FROM debian:bookworm\nARG USER_NAME\nARG UID=1000\nARG HOME_DIR\nENV HOME_DIR=/home/x\nRUN echo $HOME_DIR && adduser --disabled-password --gecos "" --uid ${UID} ${USER_NAME}\n';
    const a = analyze({ file: 'Dockerfile', text });
    assert.deepEqual(a.sim.failures.map((x) => x.unsetArgs), [[{ name: 'USER_NAME', line: 2 }]]);
    const f = a.findings.find((x) => x.ruleId === 'UID604' || x.ruleId === 'UID602');
    assert.match(f?.why ?? '', /ARG USER_NAME \(line 2\) has no default and no --build-arg gave it a value, so \$USER_NAME expands to nothing in this step: that may be why it fails\./);
    assert.deepEqual(f?.fixes.slice(0, 2).map((x) => x.snippet), ['docker build --build-arg USER_NAME=VALUE .', 'ARG USER_NAME=VALUE']);
    const given = analyze({ file: 'Dockerfile', text, buildArgs: { USER_NAME: 'bob' } });
    assert.deepEqual(given.sim.failures.map((x) => x.unsetArgs), []);
  });
  test('an ARG declared only before FROM is named, with its line and the fix to declare it again (measured: options/global-arg-not-redeclared)', () => {
    const text = 'ARG USER_UID=1001\nARG USERNAME=ml\nFROM debian:bookworm\nRUN useradd -m -u $USER_UID $USERNAME\nUSER ml\n';
    const a = analyze({ file: 'Dockerfile', text, builder: 'buildah' });
    assert.deepEqual(a.sim.failures.map((x) => [x.message.split('\n')[0], x.unsetArgs]),
      [["useradd: option requires an argument -- 'u'", [{ name: 'USER_UID', line: 1, global: true }, { name: 'USERNAME', line: 2, global: true }]]]);
    const f = a.findings.find((x) => x.ruleId === 'UID604');
    assert.equal(f?.why, 'The step exits non-zero, which stops the build. ARG USER_UID (line 1), ARG USERNAME (line 2) are declared before the first FROM and not again in this stage, so $USER_UID, $USERNAME expand to nothing in this step: that may be why it fails. The analysis carries on as if the step had not run.');
    assert.deepEqual(f?.fixes.map((x) => [x.description, x.snippet]), [['Declare `ARG USER_UID`, `ARG USERNAME` again after FROM (without a value they keep the one given before FROM).', 'ARG USER_UID\nARG USERNAME']]);
    // Declared again in the stage: it has the value, and the step passes.
    assert.deepEqual(analyze({ file: 'Dockerfile', text: text.replace('FROM debian:bookworm\n', 'FROM debian:bookworm\nARG USER_UID\nARG USERNAME\n') }).sim.failures, []);
    // -u's value shifts: UID602 says why in the ARG's words.
    const g = analyze({ file: 'Dockerfile', text: 'ARG GID=1000\nFROM debian:bookworm\nRUN groupadd -g $GID grp\n' }).findings.find((x) => x.ruleId === 'UID602');
    assert.match(g?.why ?? '', /ARG GID \(line 1\) is declared before the first FROM and not again in this stage, so \$GID expands to nothing and -g takes the next word, 'grp', as the group id\./);
    assert.deepEqual(g?.fixes.map((x) => x.snippet), ['ARG GID']);
  });
  test('groupadd and usermod', () => {
    assert.deepEqual(first('ARG GID\nRUN groupadd -g $GID dockergrp'), ["groupadd: invalid group ID 'dockergrp'"]);
    assert.deepEqual(first('RUN groupadd -g 5000 a b'), ['Usage: groupadd [options] GROUP']);
    assert.deepEqual(first('RUN usermod -u abc nosuchuser'), ["usermod: invalid user ID 'abc'"]);
  });
  test('a long option may be shortened to a prefix only it has; an ambiguous one is refused', () => {
    const a = build('RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --home /app app && useradd --ho /h2 u2');
    assert.deepEqual(a.sim.failures, []);
    assert.deepEqual(a.image.accounts.passwd.filter((e) => e.name === 'app' || e.name === 'u2').map((e) => `${e.name} ${e.uid} ${e.home}`), ['app 10001 /app', 'u2 10002 /h2']);
    assert.deepEqual(first('RUN useradd --h /h x6'), ["useradd: option '--h' is ambiguous; possibilities: '--home-dir' '--help'"]);
    assert.deepEqual(build('RUN mkdir --par /a/b/c').sim.failures, []);
  });
});

describe('sudo passes over an @includedir folder that is not safe', () => {
  const SUDO = "RUN apt-get update && apt-get install -y sudo && useradd -m -u 1000 alice && echo 'alice ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app && chmod 0440 /etc/sudoers.d/app";
  test('world-writable or not root-owned: its rules do not apply', () => {
    for (const [fix, problem] of [
      ['chmod 0777 /etc/sudoers.d', '/etc/sudoers.d is world writable; sudo ignores it'],
      ['chown alice /etc/sudoers.d', '/etc/sudoers.d is owned by uid 1000, should be 0; sudo ignores it'],
    ]) {
      const a = build(`${SUDO} && ${fix}\nUSER alice`);
      assert.equal(a.identity.sudo.usable && a.identity.sudo.nopasswd, false, fix);
      assert.ok(JSON.stringify(a.identity.sudo).includes(problem.split(';')[0]), JSON.stringify(a.identity.sudo));
    }
    const ok = build(`${SUDO}\nUSER alice`);
    assert.equal(ok.identity.sudo.usable && ok.identity.sudo.nopasswd, true);
  });
});

describe('sg GROUP -c COMMAND', () => {
  const PRE = 'RUN groupadd -g 2000 ml && useradd -m -u 1000 carol -G ml && useradd -m -u 1001 dan\n';
  test('root takes any group; a member its own; anyone else is asked for a password', () => {
    const a = build(`${PRE}RUN sg ml -c 'touch /srv/sgfile' && chmod 0640 /srv/sgfile`);
    const m = a.image.fs.get('/srv/sgfile');
    assert.deepEqual([a.sim.failures, m?.uid, m?.gid, m?.mode], [[], 0, 2000, 0o640]);
    assert.equal(build(`${PRE}USER carol\nRUN sg ml -c 'touch /tmp/c'`).image.fs.get('/tmp/c')?.gid, 2000);
    assert.deepEqual(build(`${PRE}USER dan\nRUN sg ml -c id`).sim.failures.map((f) => f.message), ['Password: Invalid password.']);
    assert.deepEqual(build(`${PRE}RUN sg nosuch -c id`).sim.failures.map((f) => f.message), ["sg: group 'nosuch' does not exist"]);
  });
});

describe('make and nvidia-smi', () => {
  test('make is not on the plain images until a package brings it; it runs recipes the model does not read', () => {
    assert.deepEqual(build('RUN make install').sim.failures.map((f) => f.message), ['/bin/sh: 1: make: not found']);
    const a = build('RUN apt-get update && apt-get install -y build-essential && make -C /src install PREFIX=/opt/x');
    assert.deepEqual([a.sim.failures, a.unknowns.map((u) => [u.reason, u.paths])], [[], [['make runs the install recipes of a Makefile the model does not read', ['/opt/x']]]]);
    // Its folder lists in part; an install target without a prefix writes below GNU's default.
    const b = analyze({ file: 'Dockerfile', text: 'FROM python:3.11\nWORKDIR /src\nRUN make && make install\n' });
    assert.deepEqual([b.unknowns.map((u) => u.paths), b.image.fs.get('/src')?.filled], [[['/usr/local']], true]);
  });

  test('nvidia-smi comes from the host driver at run time: a build step does not find it', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04\nRUN nvidia-smi\n' });
    assert.deepEqual(a.sim.failures.map((f) => [f.line, f.message]), [[2, '/bin/sh: 1: nvidia-smi: not found']]);
  });
});

describe('a hard link', () => {
  test('is one file under two names: a later chown or chmod of either in the step changes both (tests/shell/hard-links.test.ts)', () => {
    const a = build('RUN touch /srv/h && ln /srv/h /srv/h2 && chown 1000 /srv/h && chmod 0600 /srv/h');
    assert.deepEqual(a.unknowns, []);
    assert.deepEqual([a.image.fs.get('/srv/h2')?.uid, a.image.fs.get('/srv/h2')?.mode], [1000, 0o600]);
  });
});

describe("a shell's own variables under set -u (measured: shells/own-variables-set-u-*)", () => {
  const failures = (text: string) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${text}\n` }).sim.failures.map((f) => f.message);
  test('bash sets HOSTTYPE, MACHTYPE, OSTYPE, TERM=dumb, PPID, BASHPID, SHLVL, IFS; =~ takes (a|b)', () => {
    assert.deepEqual(failures('SHELL ["/bin/bash", "-c"]\nRUN set -euo pipefail; echo "$HOSTTYPE $MACHTYPE $OSTYPE $TERM $PPID $BASHPID $SHLVL" > /tmp/own; : "$IFS"; if [[ "${HOSTTYPE}" =~ ^(x86_64|aarch64) ]]; then touch /tmp/arch-ok; else exit 1; fi\nRUN test "$TERM" = dumb && test "$OSTYPE" = linux-gnu'), []);
  });
  test('dash sets IFS, PS1, PS2, PS4, PPID, OPTIND, but not HOSTTYPE', () => {
    assert.deepEqual(failures('RUN set -u; : "$IFS" "$PS1" "$PS2" "$PS4" "$PPID" "$OPTIND"; test "$PS2" = \'> \' && test "$PS4" = \'+ \' && test "$OPTIND" = 1'), []);
    assert.deepEqual(failures('RUN set -u; echo "$HOSTTYPE"'), ['/bin/sh: 1: HOSTTYPE: parameter not set']);
  });
});

describe('a case or for loop the model cannot decide leaves the variables it sets unknown', () => {
  const failures = (text: string) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${text}\n` }).sim.failures.map((f) => f.message);
  test('case ${TARGETARCH} setting REPO_ARCH: a later ${REPO_ARCH} under set -u is not "parameter not set"', () => {
    assert.deepEqual(failures('ARG TARGETARCH\nRUN set -eux; case ${TARGETARCH} in amd64) REPO_ARCH=x86_64 ;; arm64) REPO_ARCH=sbsa ;; esac; echo ${REPO_ARCH}'), []);
    assert.deepEqual(failures('RUN set -u; for f in $(ls /etc/apt); do LAST=$f; done; echo $LAST'), []);
    // A variable no branch sets is still unset.
    assert.deepEqual(failures('ARG TARGETARCH\nRUN set -u; case ${TARGETARCH} in amd64) A=1 ;; esac; echo $OTHER'), ['/bin/sh: 1: OTHER: parameter not set']);
  });
});

describe('a test the model cannot answer leads on as if it held, but what it guards only may run', () => {
  const failures = (text: string) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${text}\n` }).sim.failures.map((f) => f.message);
  test('`test -f X && exit 2` and `if [ -f X ]; then exit 3; fi` on a folder an unmodelled step filled', () => {
    assert.deepEqual(failures("RUN mkdir -p /opt/s && cd /opt/s && perl -e 'open(F, \">/opt/s/readme\")'; test -f /opt/s/lic && exit 2 || echo no\nRUN if [ -f /opt/s/lic.bak ]; then exit 3; fi"), []);
    // A known answer still decides: the file is not there on a folder listed in full.
    assert.deepEqual(failures('RUN mkdir -p /opt/t && touch /opt/t/lic; test -f /opt/t/lic && exit 2 || echo no'), ['`exit 2` exits 2, which ends the step']);
  });
});

describe('the negation of a command the model does not follow, and the output of one it follows in part', () => {
  const a = (text: string) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${text}\n` });
  test('`if ! tar ...; then exit 1; fi` and `! gzip ... && exit 4` skip the exit, and the steps after them run (measured: shells/exit-after-negated-unknown)', () => {
    const r = a('RUN if ! tar -cf /tmp/etc.tar /etc/hostname; then echo "no archive"; exit 1; fi; useradd -m app\nRUN ! gzip -k /etc/hostname && exit 4; useradd -m ops');
    assert.deepEqual(r.sim.failures, []);
    assert.deepEqual(r.image.accounts.passwd.slice(-2).map((u) => `${u.name} ${u.uid}`), ['app 1000', 'ops 1001']);
  });

  test("a test's negation stays unknown: what it guards only may run", () => {
    const r = a("RUN mkdir -p /opt/s && cd /opt/s && perl -e 'open(F, \">/opt/s/readme\")'; if ! test -f /opt/s/lic; then exit 3; fi");
    assert.deepEqual(r.sim.failures, []);
    // A known answer still decides.
    assert.deepEqual(a('RUN mkdir -p /opt/t; if ! test -f /opt/t/lic; then exit 3; fi').sim.failures.map((f) => f.message), ['`exit 3` exits 3, which ends the step']);
  });

  test("what apk, dpkg, pip, git and curl print is not known, so a check of it is not a certain failure", () => {
    for (const [base, run] of [
      ['alpine:3.18', `RUN set -eux; apkArch="$(apk --print-arch)"; case "$apkArch" in 'x86_64') u=a ;; 'aarch64') u=b ;; *) exit 1 ;; esac`],
      ['debian:bookworm', 'RUN arch="$(dpkg --print-architecture)"; [ -n "$arch" ] || exit 1'],
      ['python:3.11', 'RUN loc="$(pip show pip | grep Location)"; [ -n "$loc" ] || exit 1'],
      ['debian:bookworm', 'RUN rev="$(git rev-parse HEAD)"; [ -n "$rev" ] || exit 1'],
      ['python:3.11', 'RUN v="$(curl -fsSL https://example.invalid/VERSION)"; [ -n "$v" ] || exit 1'],
    ]) {
      assert.deepEqual(analyze({ file: 'Dockerfile', text: `FROM ${base}\n${run}\n` }).sim.failures, [], run);
    }
  });

  test('the file tools print nothing unless verbose, so their empty output is known', () => {
    assert.deepEqual(a('RUN x="$(mkdir -p /opt/a && chown 1000 /opt/a)"; [ -z "$x" ] || exit 1').sim.failures, []);
    assert.deepEqual(a('RUN x="$(mkdir -p /opt/a)"; [ -n "$x" ] || exit 1').sim.failures.map((f) => f.message), ['`exit 1` exits 1, which ends the step']);
    // -v prints a line per folder made: the text is not computed, so the test cannot be told.
    assert.deepEqual(a('RUN x="$(mkdir -pv /opt/a)"; [ -n "$x" ] || exit 1').sim.failures, []);
  });
});

describe('what commands the model does not follow may have written (measured: more-failures/unfollowed-writes-below-named-folder, dpkg-install-local-deb)', () => {
  const failures = (text: string) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${text}\n` }).sim.failures.map((f) => f.message);
  test('a named folder, and every folder below it, lists in part afterwards; an option value names a folder too', () => {
    assert.deepEqual(failures(`RUN mkdir -p /opt/p/bin && perl -e 'open(my $f, ">", "$ARGV[0]/bin/tool") or die' /opt/p && chmod 755 /opt/p/bin/tool`), []);
    assert.deepEqual(failures('RUN mkdir -p /opt/q/etc && ./configure --prefix=/opt/q && chown 1000 /opt/q/etc/q.conf'), []);
    // A folder it does not name keeps its listing.
    assert.deepEqual(failures('RUN mkdir -p /opt/r/bin && ./configure --prefix=/opt/q && chmod 755 /opt/r/bin/tool'), ["chmod: cannot access '/opt/r/bin/tool': No such file or directory"]);
  });

  test('it may have left files in /tmp, as build tools do (found in a public Dockerfile)', () => {
    assert.deepEqual(failures('RUN ./tools/build-release-tarball && mv /tmp/tmp.*/server.tar.gz /tmp/server.tar.gz'), []);
    // Without such a command, /tmp is known empty.
    assert.deepEqual(failures('RUN mv /tmp/tmp.*/server.tar.gz /tmp/server.tar.gz'), ["mv: cannot stat '/tmp/tmp.*/server.tar.gz': No such file or directory"]);
  });

  test('it may have filled the folders the environment names for tools (NVM_DIR; found in a public Dockerfile)', () => {
    const text = 'ENV NVM_DIR=/home/dev/.nvm\nRUN useradd -m dev\nUSER dev\nRUN curl -o- https://example.invalid/nvm/install.sh | bash && . ${NVM_DIR}/nvm.sh';
    assert.deepEqual(failures(text), []);
    // A folder no variable names is still known.
    assert.deepEqual(failures('RUN useradd -m dev\nUSER dev\nRUN curl -o- https://example.invalid/nvm/install.sh | bash && . /home/dev/.other/x.sh'), ['/bin/sh: 1: .: cannot open /home/dev/.other/x.sh: No such file']);
  });

  test('so may npm exec and npm run (playwright installing browsers into PLAYWRIGHT_BROWSERS_PATH; found in a public Dockerfile)', () => {
    const text = 'ENV PLAYWRIGHT_BROWSERS_PATH=/ms-playwright\nRUN install -d -m 777 /ms-playwright && mkdir /agent\nRUN cd /agent && npm exec --no -- playwright-core install webkit && chmod -R 777 /ms-playwright/webkit-*';
    assert.deepEqual(analyze({ file: 'Dockerfile', text: `FROM node:20\n${text}\n` }).sim.failures, []);
  });

  test('dpkg -i of a package file may put files where packages go, /usr/local/bin included', () => {
    assert.deepEqual(failures('RUN mkdir -p /usr/local/bin && dpkg -i /tmp/tool.deb && chown 1000 /usr/local/bin/tool'), []);
  });
});

describe('RUN <<EOF whose body starts with #! runs under that interpreter (BuildKit)', () => {
  const a = (text: string) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${text}\n` });
  test('#!/bin/bash: bash, not /bin/sh (set -o pipefail works, [[ ]] is read)', () => {
    assert.deepEqual(a('RUN <<EOF\n#!/bin/bash\nset -euo pipefail\n[[ -d /etc ]] && useradd -m -u 1000 ml\nEOF\nUSER ml').sim.failures, []);
    // Without the #! line SHELL (/bin/sh, dash) runs it: pipefail is an illegal option there.
    assert.deepEqual(a('RUN <<EOF\nset -euo pipefail\nEOF').sim.failures.map((f) => f.message), ['/bin/sh: 1: set: Illegal option -o pipefail']);
  });
  test('#!/usr/bin/env python3: not followed, and said so', () => {
    const r = a('RUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF');
    assert.deepEqual(r.sim.failures, []);
    assert.deepEqual(r.image.unknowns.map((u) => u.reason), ['the here-document is run by /usr/bin/env python3, which the model does not follow']);
  });
});
