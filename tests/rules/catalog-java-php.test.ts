// End-to-end analyses of realistic Dockerfiles on the php, maven, eclipse-temurin and gradle
// entries of the catalog: the verdicts and findings follow from the images' real users, owners
// and modes, where they were a Debian-like guess (base:unknown-image) before.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { FsTree } from '../../src/model/types.js';
import { analyze } from '../../src/analyze.js';

/** A build context of files (their folders made on the way), all root:root. */
function context(files: string[]): { context: FsTree; readContextText: (p: string) => string | undefined } {
  const tree: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }]]);
  for (const f of files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) tree.set(`/${parts.slice(0, i).join('/')}`, { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
    tree.set(`/${f}`, { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
  }
  return { context: tree, readContextText: () => '' };
}
const check = (text: string, files: string[] = [], paths: string[] = []) =>
  analyze({ file: 'Dockerfile', text, ...context(files), paths });
type Analysis = ReturnType<typeof check>;
const found = (a: Analysis) => a.findings.map((f) => `${f.ruleId} ${f.severity} ${f.location.line}: ${f.message}`);
const allowed = (a: Analysis, path: string, op: string) => a.verdicts.find((v) => v.path === path && v.op === op)?.allowed;
const guessed = (a: Analysis) => a.assumptions.some((x) => x.id === 'base:unknown-image');

describe('php:8.2-apache with USER www-data writing into /var/www/html', () => {
  const DOCKERFILE = 'FROM php:8.2-apache\nCOPY src/ /var/www/html/\nUSER www-data\n';
  const a = check(DOCKERFILE, ['src/index.php'], ['/var/www/html/uploads', '/var/www/html/index.php']);

  test('www-data is uid 33 with its home /var/www, in /var/www/html', () => {
    assert.deepEqual(a.sim.failures, []);
    assert.equal(guessed(a), false);
    assert.deepEqual([a.identity.id, a.identity.home, a.identity.workdir],
      ['uid=33(www-data) gid=33(www-data) groups=33(www-data)', '/var/www', '/var/www/html']);
  });

  test('the only finding: its home /var/www is root-owned 0755', () => {
    assert.deepEqual(found(a), [
      'UID103 warning 3: HOME (/var/www) is not writable for www-data (uid 33): tools that write under ~ (pip --user, ~/.cache, Jupyter, git config) fail.',
    ]);
    assert.match(a.findings[0].why, /\/var\/www is drwxr-xr-x 0:0/);
  });

  test('/var/www/html is www-data 1777: new files yes, the root-owned copied ones not (but they may be deleted)', () => {
    assert.equal(allowed(a, '/var/www/html', 'write'), true);
    assert.equal(allowed(a, '/var/www/html/uploads', 'create'), true);
    assert.equal(allowed(a, '/var/www/html/index.php', 'read'), true);
    assert.equal(allowed(a, '/var/www/html/index.php', 'write'), false);
    // Sticky bit, but www-data owns the folder.
    assert.equal(allowed(a, '/var/www/html/index.php', 'delete'), true);
  });

  test('php:8.2-fpm as www-data: the ini folder is root-owned, the web root is not', () => {
    const b = check('FROM php:8.2-fpm\nUSER www-data\nRUN mkdir /var/www/html/cache && touch /usr/local/etc/php/conf.d/x.ini\n');
    assert.deepEqual(found(b).filter((f) => f.startsWith('UID601')), [
      "UID601 error 3: The build fails here: touch: cannot touch '/usr/local/etc/php/conf.d/x.ini': Permission denied",
    ]);
    assert.equal(b.image.fs.get('/var/www/html/cache')?.uid, 33);
  });

  test('php:8.3-fpm-alpine: www-data is 82 and chown by name works', () => {
    const b = check('FROM php:8.3-fpm-alpine\nRUN chown -R www-data:www-data /var/www/html\nUSER www-data\n');
    assert.deepEqual(b.sim.failures, []);
    assert.equal(b.identity.id, 'uid=82(www-data) gid=82(www-data) groups=82(www-data)');
    assert.deepEqual(found(b), []);
  });
});

describe('a maven build stage copied into an eclipse-temurin JRE runtime with its own user', () => {
  const DOCKERFILE = [
    'FROM maven:3.9.6-eclipse-temurin-21 AS build',
    'WORKDIR /src',
    'COPY pom.xml .',
    'COPY src ./src',
    'RUN mvn -B package -DskipTests',
    '',
    'FROM eclipse-temurin:21-jre-alpine',
    'RUN addgroup -S app && adduser -S -G app app',
    'WORKDIR /app',
    'COPY --from=build /src/target/app.jar app.jar',
    'USER app',
    'ENTRYPOINT ["java", "-jar", "/app/app.jar"]',
    '',
  ].join('\n');
  const a = check(DOCKERFILE, ['pom.xml', 'src/main/java/App.java'], ['/app/app.jar', '/app/logs']);

  test('the runtime is Alpine: BusyBox system ids for app, the JRE on PATH', () => {
    assert.deepEqual(a.sim.failures, []);
    assert.equal(guessed(a), false);
    assert.equal(a.identity.id, 'uid=100(app) gid=101(app) groups=101(app)');
    assert.equal(a.image.config.env.JAVA_HOME, '/opt/java/openjdk');
    assert.equal(a.image.distro, 'alpine');
  });

  test('the only finding: app cannot write the root-owned WORKDIR /app', () => {
    assert.deepEqual(found(a), ['UID105 info 9: app (uid 100) cannot create files in the working directory /app.']);
    assert.deepEqual(a.findings[0].fixes.map((f) => f.snippet), ['RUN mkdir -p /app && chown app:app /app']);
    assert.equal(allowed(a, '/app/app.jar', 'read'), true);
    assert.equal(allowed(a, '/app/logs', 'create'), false);
  });
});

describe('the gradle image used as gradle', () => {
  const DOCKERFILE = 'FROM gradle:8.5-jdk17\nCOPY --chown=gradle:gradle . /home/gradle/project\nWORKDIR /home/gradle/project\nUSER gradle\nRUN gradle build --no-daemon\n';
  const a = check(DOCKERFILE, ['build.gradle', 'src/App.java'], ['/home/gradle/.gradle/caches']);

  test('gradle 1000:1000 exists: no guess, the home and the cache volume are its own', () => {
    assert.deepEqual(a.sim.failures, []);
    assert.equal(guessed(a), false);
    assert.equal(a.identity.id, 'uid=1000(gradle) gid=1000(gradle) groups=1000(gradle)');
    assert.deepEqual([a.identity.home, a.identity.homeWritable, a.identity.workdir], ['/home/gradle', true, '/home/gradle/project']);
    assert.equal(allowed(a, '/home/gradle/.gradle', 'write'), true);
    assert.equal(allowed(a, '/home/gradle/.gradle/caches', 'create'), true);
  });

  test('the only finding is that gradle itself is not modelled', () => {
    assert.deepEqual(found(a), ['UID603 info 5: Not modelled: gradle build --no-daemon - command gradle is not modelled.']);
  });

  test('without USER gradle the image runs as root (its last step is USER root)', () => {
    const b = check('FROM gradle:8.5-jdk17\nRUN gradle --version\n');
    assert.equal(b.identity.uid, 0);
  });
});

describe('eclipse-temurin on noble has the ubuntu user at 1000', () => {
  test('useradd -u 1000 fails as on ubuntu:24.04, and USER app then does not start (said by that finding)', () => {
    const a = check('FROM eclipse-temurin:21\nRUN useradd -m -u 1000 app\nUSER app\n');
    assert.deepEqual(found(a), ['UID602 error 2: The build fails here: useradd: UID 1000 is not unique']);
    assert.deepEqual(a.runtime.errors.map((e) => e.message), ['unable to find user app: no matching entries in passwd file']);
    assert.match(a.findings[0].why, /uid 1000 already belongs to the user ubuntu \(base eclipse-temurin:21\)/);
    assert.match(a.findings[0].why, /so the container could not start as it; that is not reported apart\.$/);
  });

  test('the jammy tags have no such user', () => {
    const a = check('FROM eclipse-temurin:21-jdk-jammy\nRUN useradd -m -u 1000 app\nUSER app\n');
    assert.deepEqual(a.sim.failures, []);
    assert.equal(a.identity.id, 'uid=1000(app) gid=1000(app) groups=1000(app)');
  });
});

describe('ros: a user of its own on humble, and the same Dockerfile on jazzy', () => {
  const DOCKERFILE = (tag: string) => `FROM ros:${tag}\nRUN useradd -m -u 1000 ros\nUSER ros\nWORKDIR /home/ros/ws\n`;

  test('humble (jammy): the user is made, its workspace is its own, no finding', () => {
    const a = check(DOCKERFILE('humble'));
    assert.deepEqual(a.sim.failures, []);
    assert.equal(guessed(a), false);
    assert.equal(a.identity.id, 'uid=1000(ros) gid=1000(ros) groups=1000(ros)');
    assert.deepEqual(found(a), []);
    assert.equal(a.image.config.env.ROS_DISTRO, 'humble');
  });

  test('jazzy (noble): uid 1000 is the ubuntu user, so useradd fails and USER ros does not start', () => {
    const a = check(DOCKERFILE('jazzy'));
    assert.deepEqual(found(a).slice(0, 1), ['UID602 error 2: The build fails here: useradd: UID 1000 is not unique']);
    assert.equal(found(a).some((f) => f.startsWith('UID104')), false);
    assert.match(a.findings[0].why, /the container could not start as it/);
  });

  test('pip is not in the ros images: pip install fails the build', () => {
    const a = check('FROM ros:jazzy\nRUN pip install numpy\n');
    assert.deepEqual(found(a).filter((f) => f.startsWith('UID604')), ['UID604 error 2: The build fails here: /bin/sh: 1: pip: not found']);
  });
});

describe('jupyterhub/singleuser: jovyan installs into the conda Python it owns', () => {
  test('pip install as jovyan builds, runs as jovyan 1000:100, no finding', () => {
    const a = check('FROM jupyterhub/singleuser:4.1\nRUN pip install --no-cache-dir pandas\n');
    assert.deepEqual(a.sim.failures, []);
    assert.equal(guessed(a), false);
    assert.equal(a.identity.id, 'uid=1000(jovyan) gid=100(users) groups=100(users)');
    assert.deepEqual(found(a), []);
  });

  test('USER root for apt-get: start.sh still hands the server to jovyan', () => {
    const a = check('FROM jupyterhub/singleuser:4.1\nUSER root\nRUN apt-get update && apt-get install -y git\n');
    assert.deepEqual(a.sim.failures, []);
    assert.equal(a.identity.uid, 1000);
  });
});

describe('openjdk:11-jre-slim with a system user of its own', () => {
  test('useradd -r makes no home: UID103 on the missing home, UID105 on the root-owned WORKDIR', () => {
    const a = check('FROM openjdk:11-jre-slim\nRUN useradd -r -u 1001 app\nWORKDIR /app\nUSER app\n');
    assert.deepEqual(a.sim.failures, []);
    assert.equal(guessed(a), false);
    assert.equal(a.identity.id, 'uid=1001(app) gid=999(app) groups=999(app)');
    assert.deepEqual(found(a), [
      'UID105 info 3: app (uid 1001) cannot create files in the working directory /app.',
      'UID103 warning 4: HOME (/home/app) does not exist for app (uid 1001): tools that write under ~ (pip --user, ~/.cache, Jupyter, git config) fail.',
    ]);
  });
});
