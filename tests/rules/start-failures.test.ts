// Every reason a container cannot start as configured is a finding (exit 1 in CI), not only a
// line in the report: names, id ranges, user-namespace options, capability names.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseKubernetes } from '../../src/runtime/kubernetes.js';
import { runRules } from '../../src/rules/registry.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
const check = (dockerfile: string, run?: string) =>
  analyze({ file: 'Dockerfile', text: dockerfile, run: run ? parseDockerRun(run, { invoker }) : undefined });
const uid104 = (a: ReturnType<typeof check>) => a.findings.filter((f) => f.ruleId === 'UID104').map((f) => f.message);

describe('UID104: the start fails on who the process is', () => {
  const cases: { name: string; dockerfile: string; run?: string; want: string[] }[] = [
    { name: 'USER -1', dockerfile: 'FROM debian:bookworm\nUSER -1\n', want: ['The container will not start: uids and gids must be in range 0-2147483647.'] },
    { name: '--user 4294967296', dockerfile: 'FROM debian:bookworm\n', run: 'docker run --user 4294967296 img', want: ['The container will not start: uids and gids must be in range 0-2147483647.'] },
    { name: 'an unknown capability name', dockerfile: 'FROM debian:bookworm\n', run: 'docker run --cap-add BOGUS img', want: ['The container will not start: unknown capability: "CAP_BOGUS".'] },
    { name: 'an unknown name', dockerfile: 'FROM debian:bookworm\nUSER nosuch\n', want: ['The container will not start: unable to find user nosuch: no matching entries in passwd file.'] },
    { name: 'a known capability starts', dockerfile: 'FROM debian:bookworm\n', run: 'docker run --cap-add SYS_PTRACE img', want: [] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(uid104(check(c.dockerfile, c.run)), c.want));
  }
});

describe('account files copied from another stage', () => {
  test('COPY --from of /etc/passwd brings the stage\'s users: no UID104', () => {
    const df = 'FROM debian:bookworm AS users\nRUN useradd -u 1500 builder\nFROM scratch\nCOPY --from=users /etc/passwd /etc/passwd\nUSER builder\n';
    const a = check(df);
    assert.deepEqual([a.identity.uid, a.identity.user], [1500, 'builder']);
    assert.deepEqual(uid104(a), []);
  });

  test('a passwd file whose text is unknown: the missing user depends on that step', () => {
    const a = check('FROM debian:bookworm\nCOPY passwd /etc/passwd\nUSER builder\n');
    const f = a.findings.find((x) => x.ruleId === 'UID104');
    assert.equal(f?.message, 'The container will not start: unable to find user builder: no matching entries in passwd file (if the account files the build copies in do not add it).');
    assert.deepEqual(f?.dependsOn, ['unmodelled:2']);
    assert.equal(f?.severity, 'warning');
  });

  test('a base outside the catalog: a name its users may well have depends on the guess made for it', () => {
    // redis:7-alpine has a user redis; the model knows only that it does not know the image.
    const f = check('FROM redis:7-alpine\nUSER redis\n').findings.find((x) => x.ruleId === 'UID104');
    assert.equal(f?.message, 'The container will not start: unable to find user redis: no matching entries in passwd file (if the base image redis:7-alpine does not have it: its users are not known).');
    assert.deepEqual(f?.dependsOn, ['base:unknown-image']);
    // A guess does not fail CI: a warning in both profiles.
    assert.equal(f?.severity, 'warning');
    const dev = analyze({ file: 'Dockerfile', text: 'FROM redis:7-alpine\nUSER redis\n', profile: 'dev' });
    assert.equal(dev.findings.find((x) => x.ruleId === 'UID104')?.severity, 'warning');
  });

  test('a name missing from a base the catalog knows stays an error', () => {
    const f = check('FROM debian:bookworm\nUSER nginx\n').findings.find((x) => x.ruleId === 'UID104');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.dependsOn, []);
  });

  test('a severity the user configured for UID104 wins over the guess', () => {
    const a = check('FROM redis:7-alpine\nUSER redis\n');
    const f = runRules(a, { severity: { UID104: 'error' } }).find((x) => x.ruleId === 'UID104');
    assert.equal(f?.severity, 'error');
    const plain = runRules(a, { severity: { UID101: 'info' } }).find((x) => x.ruleId === 'UID104');
    assert.equal(plain?.severity, 'warning');
  });
});

describe('build steps judged against users that are a guess (UID602)', () => {
  const uid602 = (a: ReturnType<typeof check>) => a.findings.filter((f) => f.ruleId === 'UID602');

  test('USER then RUN on a base outside the catalog: a warning that names the guess', () => {
    const [f, ...rest] = uid602(check('FROM redis:7-alpine\nUSER redis\nRUN redis-server --version\n'));
    assert.equal(rest.length, 0);
    assert.equal(f?.location.line, 3);
    assert.equal(f?.message, 'The build fails here: unable to find user redis: no matching entries in passwd file (judged against guessed users: the base image redis:7-alpine is not known)');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['base:unknown-image']);
    assert.match(f?.why ?? '', /The users of redis:7-alpine are a guess: it is not in the catalog\./);
  });

  test('a stage built on such a stage carries the guess', () => {
    const [f] = uid602(check('FROM redis:7-alpine AS base\nFROM base\nCOPY --chown=redis:redis . /app\n'));
    assert.equal(f?.location.line, 3);
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['base:unknown-image']);
  });

  test('account files of unknown text written before the step: a warning depending on that step', () => {
    const [f] = uid602(check('FROM debian:bookworm\nCOPY passwd /etc/passwd\nRUN chown dev /srv\n'));
    assert.equal(f?.message, "The build fails here: chown: invalid user: 'dev' (judged without the account files an earlier step writes, whose text is not known)");
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['unmodelled:2']);
    assert.match(f?.why ?? '', /Account files written at line 2 may change that\./);
  });

  test('the same step on a catalogued base stays an error with no hedge', () => {
    const [f] = uid602(check('FROM debian:bookworm\nRUN chown dev /srv\n'));
    assert.equal(f?.message, "The build fails here: chown: invalid user: 'dev'");
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.dependsOn, []);
  });

  test('an account file written after the step does not hedge it', () => {
    const [f] = uid602(check('FROM debian:bookworm\nRUN chown dev /srv\nCOPY passwd /etc/passwd\n'));
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.dependsOn, []);
  });
});

describe('a missing name that an installed package may add', () => {
  test('USER mosquitto after apt-get install mosquitto: a warning that names the package', () => {
    const f = check('FROM debian:bookworm\nRUN apt-get update && apt-get install -y mosquitto\nUSER mosquitto\n').findings.find((x) => x.ruleId === 'UID104');
    assert.equal(f?.message, 'The container will not start: unable to find user mosquitto: no matching entries in passwd file (unless the package mosquitto installed at line 2 adds it: its install scripts are not modelled).');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['package:mosquitto']);
  });

  test('a group named after an installed package, in a later step (UID602)', () => {
    const f = check('FROM debian:bookworm\nRUN apt-get update && apt-get install -y postfix dovecot-core\nRUN usermod -a -G dovecot postfix\n').findings.find((x) => x.ruleId === 'UID602');
    assert.equal(f?.message, "The build fails here: usermod: group 'dovecot' does not exist (unless the package dovecot-core installed at line 2 adds it)");
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['package:dovecot-core']);
  });

  test('a package the table knows: Debian\'s tor adds debian-tor, so USER tor stays an error', () => {
    const f = check('FROM debian:bookworm\nRUN apt-get update && apt-get install -y tor\nUSER tor\n').findings.find((x) => x.ruleId === 'UID104');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.dependsOn, []);
    assert.match(f?.why ?? '', /The package tor \(line 2\) adds debian-tor, not tor\.$/);
    assert.deepEqual(f?.fixes[0], { description: 'Use the user the package tor adds.', snippet: 'USER debian-tor', safe: false });
    const maria = check('FROM debian:bookworm\nRUN apt-get update && apt-get install -y mariadb-server\nUSER mariadb\n').findings.find((x) => x.ruleId === 'UID104');
    assert.equal(maria?.fixes[0]?.snippet, 'USER mysql');
    assert.deepEqual(uid104(check('FROM debian:bookworm\nRUN apt-get update && apt-get install -y tor\nUSER debian-tor\n')), []);
  });

  test('a package installed earlier in the failing step\'s own RUN counts', () => {
    const f = check('FROM debian:bookworm\nRUN useradd -m app\nRUN apt-get update && apt-get install -y mosquitto && usermod -aG mosquitto app\n').findings.find((x) => x.ruleId === 'UID602');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['package:mosquitto']);
  });

  test('a user whose useradd failed on such a guess is no certain start failure either', () => {
    const a = check('FROM debian:bookworm\nRUN apt-get update && apt-get install -y mosquitto\nRUN useradd -r -g mosquitto mqttuser\nUSER mqttuser\n');
    const f = a.findings.find((x) => x.ruleId === 'UID104');
    assert.equal(f?.message, 'The container will not start: unable to find user mqttuser: no matching entries in passwd file (if the step at line 3 that creates it really fails: that is judged against a guess).');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['package:mosquitto']);
  });

  test('a package installed by the failing step itself, or after it, is no reason to doubt', () => {
    const f = check('FROM debian:bookworm\nUSER mosquitto\nRUN apt-get install -y mosquitto\n').findings.find((x) => x.ruleId === 'UID602');
    assert.equal(f?.severity, 'error');
  });
});

describe('UID102 on a base outside the catalog', () => {
  test('a uid the real image may well name is said to rest on the guess', () => {
    const f = check('FROM redis:7-alpine\nUSER 999\n').findings.find((x) => x.ruleId === 'UID102');
    assert.match(f?.message ?? '', /^uid 999 has no entry in the image's \/etc\/passwd \(if the base image redis:7-alpine has none: its users are not known\):/);
    assert.deepEqual(f?.dependsOn, ['base:unknown-image']);
  });
});

describe('UID103 on a home whose existence is not known', () => {
  test('www-data on a guessed base: "is not known to exist", depending on the guess', () => {
    // httpd is outside the catalog (php was the example here until it joined it).
    const f = check('FROM httpd:2.4\nUSER www-data\n').findings.find((x) => x.ruleId === 'UID103');
    assert.match(f?.message ?? '', /^HOME \(\/var\/www\) is not known to exist for www-data/);
    assert.deepEqual(f?.dependsOn, ['base:unknown-image']);
  });

  test('on the php catalog image the same home is known: root-owned 0755, not writable', () => {
    const f = check('FROM php:8-fpm\nUSER www-data\n').findings.find((x) => x.ruleId === 'UID103');
    assert.match(f?.message ?? '', /^HOME \(\/var\/www\) is not writable for www-data \(uid 33\)/);
    assert.deepEqual(f?.dependsOn, []);
  });

  test('a home in a folder listed in full still "does not exist"', () => {
    const f = check('FROM debian:bookworm\nRUN useradd alice\nUSER alice\n').findings.find((x) => x.ruleId === 'UID103');
    assert.match(f?.message ?? '', /^HOME \(\/home\/alice\) does not exist for alice/);
  });
});

describe('other build failures judged against a guess (UID604, UID601)', () => {
  const find = (text: string, id: string) => check(text).findings.find((x) => x.ruleId === id);

  test('on a base outside the catalog: a warning naming the base', () => {
    // BusyBox's adduser -D, judged by the Debian tools the guess gives an image whose tag does
    // not name Alpine.
    const f = find('FROM redis:7\nRUN adduser -D web\n', 'UID604');
    assert.equal(f?.message, 'The build fails here: adduser: Unknown option: D (judged against a guess: the base image redis:7 is not known)');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['base:unknown-image']);
  });

  test('a path below an existing destination of a COPY whose source was not read may be there: no failure', () => {
    // The source may be a folder whose contents land in the existing destination, so the
    // destination lists in part: what is below it is not known to be missing.
    for (const [text, path] of [
      ['FROM debian:bookworm\nRUN mkdir -p /home/docker/scripts\nCOPY ./scripts /home/docker/scripts\nRUN chmod +x /home/docker/scripts/boot.sh\n', '/home/docker/scripts/boot.sh'],
      // Found in a public Dockerfile: cat of a file from a folder copied without the context read.
      ['FROM debian:bookworm\nRUN mkdir -p /srv/meta/scripts\nCOPY ./docker/app/scripts /srv/meta/scripts\nRUN cat /srv/meta/scripts/bashrc.bash >> /root/.bashrc\n', '/srv/meta/scripts/bashrc.bash'],
      // Found in a public Dockerfile: a folder copied over the folder of the same name.
      ['FROM python:3.11-slim\nWORKDIR /app\nRUN mkdir -p superset/static\nCOPY superset superset\nRUN chown -R root superset/translations\n', '/app/superset/translations'],
    ]) {
      const a = check(text);
      assert.deepEqual(a.sim.failures, [], text);
      assert.equal(a.findings.find((x) => x.ruleId === 'UID604'), undefined, text);
      const dir = path.slice(0, path.lastIndexOf('/'));
      assert.equal(a.image.fs.get(dir)?.partial, true, text);
    }
  });

  test('cat of a file nothing made, with no guess near it, stays a certain error', () => {
    const f = find('FROM debian:bookworm\nCOPY ./scripts /opt/other\nRUN cat /srv/none.txt\n', 'UID604');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.dependsOn, []);
  });

  test('pip refused by PEP 668 on a system Python whose release is assumed: a warning naming that guess', () => {
    // Found in a public Dockerfile: FROM php:$PHP_VERSION-fpm-alpine with the ARG unset, where
    // the Alpine release (and so the marker, there since 3.19) is not known.
    const f = find('ARG PHP_VERSION\nFROM php:$PHP_VERSION-fpm-alpine\nRUN apk add --no-cache python3 py3-pip\nRUN pip3 install spotdl\n', 'UID604');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['system-python:3']);
    assert.equal(f?.message, 'The build fails here: error: externally-managed-environment (judged against a guess about /usr/lib/python3.12/EXTERNALLY-MANAGED: see system-python:3)');
  });

  test('pip refused by PEP 668 where every release the reference may name has the marker: certain', () => {
    for (const base of ['alpine:latest', 'alpine']) {
      const f = find(`FROM ${base}\nRUN apk add --no-cache python3 py3-pip\nRUN pip3 install wheel\n`, 'UID604');
      assert.equal(f?.severity, 'error', base);
      assert.deepEqual(f?.dependsOn, [], base);
    }
    // A known release: certain too, and no guess is made.
    const known = find('FROM alpine:3.20\nRUN apk add --no-cache python3 py3-pip\nRUN pip3 install wheel\n', 'UID604');
    assert.equal(known?.severity, 'error');
  });

  test('a guess a later step makes does not hedge an earlier failure', () => {
    // COPY of an unread file to / may be a folder landing anywhere below /, but only from line 4 on.
    const f = find('FROM alpine:latest\nRUN apk add --no-cache python3 py3-pip\nRUN pip3 install wheel\nCOPY etc/tool.zip /\n', 'UID604');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.dependsOn, []);
  });

  test('a COPY of an unread source that a later step uses as a folder is a folder: no failure below it', () => {
    // Without the context, scripts would be taken as a file; the path below it says it is a
    // folder whose contents are not known, so chmod +x of boot.sh there is not a failure.
    const text = 'FROM debian:bookworm\nCOPY scripts /opt/scripts\nRUN chmod +x /opt/scripts/boot.sh\n';
    assert.equal(find(text, 'UID604'), undefined);
    const a = analyze({ file: 'Dockerfile', text });
    assert.equal(a.image.fs.get('/opt/scripts')?.kind, 'dir');
    assert.deepEqual(a.sim.assumptions.find((x) => x.id === 'copy-source:2')?.paths, ['/opt/scripts']);
  });

  test('a path a COPY of an unread source decided: a warning resting on that COPY', () => {
    // Taken as a root-owned 0644 file (no later step says otherwise): another user's append
    // is refused, on that guess.
    const f = find('FROM debian:bookworm\nRUN useradd -u 1000 a\nCOPY data.txt /srv/data.txt\nUSER a\nRUN echo x >> /srv/data.txt\n', 'UID601');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['copy-source:3']);
    assert.match(f?.message ?? '', /\(judged against a guess about \/srv\/data\.txt: see copy-source:3\)$/);
  });

  test('a tag that names Alpine gets the Alpine guess, so BusyBox\'s adduser works', () => {
    const a = check('FROM redis:7-alpine\nRUN addgroup -S app && adduser -S -G app app\nUSER app\n');
    assert.deepEqual(a.sim.failures, []);
    assert.equal(a.identity.user, 'app');
    assert.match(a.assumptions.find((x) => x.id === 'base:unknown-image')?.text ?? '', /its name or tag says Alpine, so assuming an Alpine-like image/);
  });

  test('a permission failure on a guessed base is a warning too', () => {
    const f = find('FROM redis:7-alpine\nRUN adduser -D web\nUSER web\nRUN touch /etc/x\n', 'UID601');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['base:unknown-image']);
  });

  test('the same failure on a catalogued base is an error', () => {
    const f = find('FROM debian:bookworm\nRUN rm /etc/nginx/conf.d/default.conf\n', 'UID604');
    // /etc is known only in part, so the file may be there: no failure at all.
    assert.equal(f, undefined);
    const g = find('FROM debian:bookworm\nRUN mkdir /data && rm /data/x\n', 'UID604');
    assert.equal(g?.severity, 'error');
    assert.deepEqual(g?.dependsOn, []);
  });
});

describe('account conflicts: BusyBox wording, and users packages added', () => {
  test('adduser -u 1000 on node:alpine is a taken uid (UID602), fixed with BusyBox tools', () => {
    const a = check('FROM node:20-alpine\nRUN adduser -D -u 1000 app\nUSER app\n');
    const f = a.findings.find((x) => x.ruleId === 'UID602');
    assert.equal(f?.message, "The build fails here: adduser: uid '1000' in use");
    assert.match(f?.why ?? '', /uid 1000 already belongs to the user node \(base node:20-alpine\)/);
    assert.equal(f?.fixes[0]?.snippet, 'RUN deluser --remove-home node && adduser -D -u 1000 app');
    // USER app cannot start either, but only because that step fails: its finding says so.
    assert.equal(a.findings.find((x) => x.ruleId === 'UID104'), undefined);
    assert.match(f?.why ?? '', /, so the container could not start as it; that is not reported apart\.$/);
  });

  test('a uid a package\'s service user holds: no advice to delete that user', () => {
    const f = check('FROM node:20\nRUN apt-get update && apt-get install -y postgresql-15\nRUN useradd -u 100 other\n').findings.find((x) => x.ruleId === 'UID602');
    assert.match(f?.why ?? '', /uid 100 already belongs to the user postgres, which the package postgresql-15 \(line 2\) added\./);
    // The step's own useradd with another uid: its options as written, none added.
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['RUN useradd -u 1100 other']);
  });

  test('aptitude is not in the Debian images: it is not modelled, so no accounts come from it', () => {
    const a = check('FROM debian:bookworm\nRUN aptitude install -y redis-server\nUSER redis\n');
    assert.deepEqual(a.unknowns.map((u) => u.reason), ['command aptitude is not modelled']);
  });
});

describe('a user a step the model cannot follow may add', () => {
  test('useradd with a password from $(openssl ...): USER of that name is a warning on that step', () => {
    const f = check('FROM debian:bookworm\nRUN useradd -m -p "$(openssl passwd -1 secret)" app\nUSER app\n').findings.find((x) => x.ruleId === 'UID104');
    assert.equal(f?.message, 'The container will not start: unable to find user app: no matching entries in passwd file (unless the step at line 2, which the model does not follow, adds it).');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['unmodelled:2']);
  });

  test('a script that names the user, then chown to it in a later step', () => {
    const f = check('FROM debian:bookworm\nCOPY create-user.sh /\nRUN /create-user.sh app\nRUN chown app /srv\n').findings.find((x) => x.ruleId === 'UID602');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['unmodelled:3']);
  });

  test('an unmodelled step that does not name the user changes nothing', () => {
    const f = check('FROM debian:bookworm\nRUN make-things --fast\nUSER app\n').findings.find((x) => x.ruleId === 'UID104');
    assert.equal(f?.severity, 'error');
  });
});

describe('BusyBox tools on Alpine-like bases', () => {
  test('useradd on the Alpine guess is not found, as on Alpine itself: a warning resting on the guess', () => {
    const f = check('FROM redis:7-alpine\nRUN useradd -m app\n').findings.find((x) => x.ruleId === 'UID604');
    assert.equal(f?.message, 'The build fails here: /bin/sh: useradd: not found (judged against a guess: the base image redis:7-alpine is not known)');
    assert.equal(f?.severity, 'warning');
  });

  test('an image whose name says alpine or busybox gets the Alpine guess', () => {
    for (const ref of ['alpine/helm:3.14.0', 'registry.example.com/alpine-base:1', 'busybox:1.36']) {
      const a = check(`FROM ${ref}\nRUN adduser -D -u 1500 app\nUSER app\n`);
      assert.deepEqual([a.sim.failures.length, a.identity.uid], [0, 1500], ref);
    }
  });

  test('addgroup -g with a taken gid: the holder and a BusyBox fix', () => {
    const f = check('FROM node:20-alpine\nRUN addgroup -g 1000 grp\n').findings.find((x) => x.ruleId === 'UID602');
    assert.match(f?.why ?? '', /gid 1000 already belongs to the group node \(base node:20-alpine\)\. Whether BusyBox's deluser takes the group node with the user node is not measured here\./);
    // The step's own addgroup, its name kept, with a gid no user or group has.
    assert.equal(f?.fixes[0]?.snippet, 'RUN addgroup -g 2000 grp');
  });
});

describe('sudo with a sudoers file of unknown text', () => {
  test('not usable among the known rules, and said to be unsure', () => {
    const a = check('FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo && useradd -m dev\nCOPY dev.sudoers /etc/sudoers.d/dev\nUSER dev\n');
    assert.equal(a.identity.sudo.unsure, true);
    assert.equal(a.identity.sudo.usable, false);
    assert.match(a.identity.sudo.reason, /^\/etc\/sudoers\.d\/dev is written at line 3 with a text the model does not know/);
  });
});

describe('UID201 under podman --userns=keep-id', () => {
  test('the image USER wins: the fix maps the caller to that uid', () => {
    const me = { uid: 1001, gid: 1001, home: '/home/me', cwd: '/home/me', name: 'me' };
    const run = parseDockerRun('podman run --userns keep-id -v /srv/mine:/out img', { invoker: me });
    const host = [{ path: '/srv/mine', exists: true, from: 'facts-file' as const, meta: { kind: 'dir' as const, uid: 1001, gid: 1001, mode: 0o755 } }];
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n', run, host });
    const f = a.findings.find((x) => x.ruleId === 'UID201');
    assert.equal(f?.fixes[0]?.snippet, '--userns=keep-id:uid=1000,gid=1000');
    const fixed = analyze({
      file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER app\n', host,
      run: parseDockerRun('podman run --userns keep-id:uid=1000,gid=1000 -v /srv/mine:/out img', { invoker: me }),
    });
    assert.equal(fixed.check('/out', 'write').allowed, true);
  });
});

describe('UID101 when the person starting the container is root', () => {
  test('no "your own ids" fix (they are 0:0): a non-root uid instead', () => {
    const root = { uid: 0, gid: 0, home: '/root', cwd: '/root', name: 'root' };
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m -u 1234 app\n', run: parseDockerRun('docker run img', { invoker: root }) });
    const snippets = (a.findings.find((x) => x.ruleId === 'UID101')?.fixes ?? []).map((f) => f.snippet ?? '');
    assert.ok(!snippets.some((s) => s.includes('id -u')), snippets.join(' | '));
    assert.ok(snippets.some((s) => /--user 1234:1234/.test(s)), snippets.join(' | '));
  });
});

describe('UID102: the user it suggests creating can be created', () => {
  test('a name the image already has is not reused', () => {
    const a = check('FROM debian:bookworm\nRUN useradd -m -u 1000 app\n', 'docker run -u 2000 img');
    const fix = a.findings.find((x) => x.ruleId === 'UID102')?.fixes[0]?.snippet;
    assert.equal(fix, 'ARG UID=2000\nARG GID=2000\nRUN groupadd --gid $GID appuser && useradd --create-home --uid $UID --gid $GID appuser');
  });

  test('an existing group id is used as it is', () => {
    const a = check('FROM debian:bookworm\n', 'docker run -u 2000:100 img');
    const fix = a.findings.find((x) => x.ruleId === 'UID102')?.fixes[0]?.snippet;
    assert.equal(fix, 'ARG UID=2000\nARG GID=100\nRUN useradd --create-home --uid $UID --gid $GID app');
  });
});

describe('reasons that name the step at fault', () => {
  test('a sudoers file sudo skips as unsafe is named in the reason', () => {
    const a = check('FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo && useradd -m dev\nCOPY --chown=dev <<EOF /etc/sudoers.d/dev\ndev ALL=(ALL) NOPASSWD: ALL\nEOF\nUSER dev\n');
    assert.equal(a.identity.sudo.usable, false);
    assert.equal(a.identity.sudo.reason, 'no sudoers rule names dev or one of its groups (/etc/sudoers.d/dev is owned by uid 1000, should be 0; sudo ignores it)');
  });

  test('UID602: a user missing because the step creating it failed is named by that step', () => {
    const a = check('FROM ubuntu:24.04\nRUN useradd -m -u 1000 dev\nRUN chown dev /tmp\n');
    assert.deepEqual(a.findings.filter((x) => x.ruleId === 'UID602').map((x) => x.location.line), [2]);
    const f = a.findings.find((x) => x.ruleId === 'UID602');
    assert.match(f?.why ?? '', /Until this step is fixed, the account it makes is missing, so line 3 fails too; that is not reported apart\.$/);
  });
});

describe('UID201 rebuild fix for a Compose service', () => {
  test('the image ARG is set in the service\'s build.args, not with docker build', async () => {
    const { parseCompose } = await import('../../src/runtime/compose.js');
    const me = { uid: 1001, gid: 1001, home: '/home/me', cwd: '/home/me', name: 'me' };
    const run = parseCompose('services:\n  train:\n    build: .\n    volumes: ["/srv/out:/out"]\n', { invoker: me, env: {} }).services.train;
    const host = [{ path: '/srv/out', exists: true, from: 'facts-file' as const, meta: { kind: 'dir' as const, uid: 1001, gid: 1001, mode: 0o755 } }];
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nARG UID=1000\nRUN useradd -m -u ${UID} ml\nUSER ml\n', run, host });
    const fix = a.findings.find((x) => x.ruleId === 'UID201')?.fixes[0];
    assert.equal(fix?.snippet, 'build:\n  args:\n    UID: "1001"');
  });
});

describe('UID104: runAsNonRoot under Kubernetes', () => {
  const pod = (sc: string) => `kind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: ${sc}\n  containers: [{name: c, image: x}]\n`;
  const df = 'FROM debian:bookworm\nRUN useradd -m -u 1000 app\nUSER 1000:1000\n';
  const cases: { name: string; dockerfile: string; sc: string; message?: string; snippet?: string }[] = [
    {
      name: 'runAsUser 0 breaks the policy: the fix is in the manifest, not the Dockerfile',
      dockerfile: df,
      sc: '{runAsNonRoot: true, runAsUser: 0}',
      message: "The container will not start: container's runAsUser breaks non-root policy.",
      snippet: 'securityContext:\n  runAsNonRoot: true\n  runAsUser: 1000',
    },
    {
      name: 'a root image user: the fix is a numeric USER',
      dockerfile: 'FROM debian:bookworm\n',
      sc: '{runAsNonRoot: true}',
      message: 'The container will not start: container has runAsNonRoot and image will run as root.',
      snippet: 'USER 1000:1000',
    },
    { name: 'runAsUser 1000 starts', dockerfile: 'FROM debian:bookworm\n', sc: '{runAsNonRoot: true, runAsUser: 1000}' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [run] = parseKubernetes(pod(c.sc), { file: 'p.yaml' });
      const f = analyze({ file: 'Dockerfile', text: c.dockerfile, run }).findings.filter((x) => x.ruleId === 'UID104');
      assert.deepEqual(f.map((x) => [x.message, x.fixes[0]?.snippet]), c.message ? [[c.message, c.snippet]] : []);
    });
  }
});

// A heredoc has no file in the build context: `COPY --chmod=0755 entrypoint.sh ...` would name
// one that does not exist. The fix is the COPY that wrote it, with --chmod.
describe('UID106: an entrypoint written by a heredoc COPY', () => {
  const body = '#!/bin/sh\nexec "$@"\nEOT\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["sleep", "1"]\n';
  const uid106Fixes = (dockerfile: string) => check(dockerfile).findings.filter((f) => f.ruleId === 'UID106').map((f) => f.fixes.map((x) => [x.description, x.snippet]));

  test("COPY <<'EOT' /entrypoint.sh: that COPY with --chmod=0755, the body as it is", () => {
    assert.deepEqual(uid106Fixes(`FROM debian:bookworm\nCOPY <<'EOT' /entrypoint.sh\n${body}`), [[
      ['Make it executable and readable for everyone where the heredoc writes it: add --chmod=0755 to the COPY at line 2 (its body stays as it is).', "COPY --chmod=0755 <<'EOT' /entrypoint.sh"],
      ['Or fix the mode in a RUN step.', 'RUN chmod 0755 /entrypoint.sh'],
    ]]);
  });

  test('its other flags are kept and a --chmod of its own replaced', () => {
    const fixes = uid106Fixes(`FROM debian:bookworm\nCOPY --chown=1:1 --chmod=0644 --link <<EOT /entrypoint.sh\n${body}`);
    assert.equal(fixes[0][0][1], 'COPY --chmod=0755 --chown=1:1 --link <<EOT /entrypoint.sh');
  });

  test('the fixed Dockerfile starts: no UID106', () => {
    assert.deepEqual(uid106Fixes(`FROM debian:bookworm\nCOPY --chmod=0755 <<'EOT' /entrypoint.sh\n${body}`), []);
  });

  test('a file from the context keeps the context file fix', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nCOPY --chmod=0644 entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n' });
    assert.equal(a.findings.find((f) => f.ruleId === 'UID106')?.fixes[0].snippet, 'COPY --chmod=0755 entrypoint.sh /entrypoint.sh');
  });
});
