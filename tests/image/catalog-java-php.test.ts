// The php, eclipse-temurin, maven and gradle entries of the catalog: which entry each real tag
// spelling resolves to, and the users, owners, modes and config each carries, as read from the
// images' own Dockerfiles.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ImageState } from '../../src/model/types.js';
import { analyze } from '../../src/analyze.js';
import { catalogKeys, catalogState, resolveBase } from '../../src/image/catalog/index.js';

const user = (s: ImageState, name: string) => s.accounts.passwd.find((e) => e.name === name);
const group = (s: ImageState, name: string) => s.accounts.group.find((g) => g.name === name);
const at = (s: ImageState, path: string) => {
  const m = s.fs.get(path);
  return m && [m.kind, m.uid, m.gid, m.mode, m.target];
};
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const JAVA_PATH = `/opt/java/openjdk/bin:${DEFAULT_PATH}`;

describe('tags of php, eclipse-temurin, maven and gradle resolve to their entries', () => {
  // [ref, key or null (left to the generic guess), matched, assumption ids the tag made]
  const cases: [string, string | null, string, string[]][] = [
    ['php:8.2-apache-bookworm', 'php:apache-bookworm', 'exact', []],
    ['php:8.2.12-fpm-bullseye', 'php:fpm-bullseye', 'exact', []],
    ['php:8.3-fpm-alpine3.19', 'php:fpm-alpine', 'exact', []],
    ['php:8.2-alpine', 'php:cli-alpine', 'exact', []],
    ['php:8.1-cli-bookworm', 'php:cli-bookworm', 'exact', []],
    ['php:8.2-apache', 'php:apache-bookworm', 'family', ['base:php-suite']],
    ['php:8.2', 'php:cli-bookworm', 'family', ['base:php-suite']],
    ['php:fpm', 'php:fpm-bookworm', 'family', ['base:php-suite']],
    ['php:7.4-apache', 'php:apache-bullseye', 'family', ['base:php-suite']],
    ['php:8.3-apache-trixie', 'php:apache-bookworm', 'family', ['base:php-suite']],
    ['php:8.2-zts-bookworm', 'php:cli-bookworm', 'family', ['base:php-zts']],
    ['php', 'php:cli-bookworm', 'family', ['base:latest-tag']],
    ['php:8.2-apache-nonsense', 'php:apache-bookworm', 'family', ['base:php-tag']],
    ['eclipse-temurin:21-jdk-noble', 'eclipse-temurin:jdk-noble', 'exact', []],
    ['eclipse-temurin:17-jre-jammy', 'eclipse-temurin:jre-jammy', 'exact', []],
    ['eclipse-temurin:11.0.24_8-jdk-focal', 'eclipse-temurin:jdk-focal', 'exact', []],
    ['eclipse-temurin:8u422-b05-jre-alpine', 'eclipse-temurin:jre-alpine', 'exact', []],
    ['eclipse-temurin:21-jre-alpine-3.21', 'eclipse-temurin:jre-alpine', 'exact', []],
    ['eclipse-temurin:21', 'eclipse-temurin:jdk-noble', 'family', ['base:temurin-ubuntu']],
    ['eclipse-temurin:17-jre', 'eclipse-temurin:jre-noble', 'family', ['base:temurin-ubuntu']],
    ['eclipse-temurin', 'eclipse-temurin:jdk-noble', 'family', ['base:latest-tag']],
    ['eclipse-temurin:21-jdk-ubi9-minimal', null, 'generic', []],
    ['eclipse-temurin:21-jdk-windowsservercore-ltsc2022', null, 'generic', []],
    ['maven:3.9.6-eclipse-temurin-21-jammy', 'maven:eclipse-temurin-jammy', 'exact', []],
    ['maven:3-eclipse-temurin-17-alpine', 'maven:eclipse-temurin-alpine', 'exact', []],
    ['maven:3.9.6-eclipse-temurin-21', 'maven:eclipse-temurin-noble', 'family', ['base:maven-ubuntu']],
    ['maven:3.9', 'maven:eclipse-temurin-noble', 'family', ['base:maven-jdk']],
    ['maven', 'maven:eclipse-temurin-noble', 'family', ['base:latest-tag']],
    ['maven:3.9-amazoncorretto-17', null, 'generic', []],
    ['maven:3.8-openjdk-11', null, 'generic', []],
    ['gradle:8-jdk21-noble', 'gradle:noble', 'exact', []],
    ['gradle:8.5-jdk17-jammy', 'gradle:jammy', 'exact', []],
    ['gradle:7.6-jdk11-focal', 'gradle:focal', 'exact', []],
    ['gradle:jdk21-alpine', 'gradle:alpine', 'exact', []],
    ['gradle:8.5-jdk17', 'gradle:jammy', 'family', ['base:gradle-ubuntu']],
    ['gradle', 'gradle:jammy', 'family', ['base:latest-tag']],
    ['gradle:8.5-jdk17-graal', null, 'generic', []],
    ['gradle:8-jdk21-corretto', null, 'generic', []],
  ];
  const tagRows = /^base:(latest-tag|(php|temurin|maven|gradle)-(suite|tag|digest|zts|ubuntu|jdk))$/;

  for (const [ref, key, matched, rows] of cases) {
    test(`${ref} -> ${key ?? 'generic guess'} (${matched})`, () => {
      const r = resolveBase(ref);
      assert.deepEqual([r.key, r.matched], [key, matched]);
      assert.deepEqual(r.assumptions.map((a) => a.id).filter((id) => tagRows.test(id)), rows);
    });
  }

  test('confidence of what a tag made the catalog guess', () => {
    const conf = (ref: string, id: string) => resolveBase(ref).assumptions.find((a) => a.id === id)?.confidence;
    assert.equal(conf('php:8.2-apache', 'base:php-suite'), 'medium');
    assert.equal(conf('php:5.6-apache-stretch', 'base:php-suite'), 'low');
    assert.equal(conf('php:8.2-apache-nonsense', 'base:php-tag'), 'low');
    assert.equal(conf('eclipse-temurin:21', 'base:temurin-ubuntu'), 'medium');
    assert.equal(conf('gradle:8.5-jdk17', 'base:gradle-ubuntu'), 'medium');
    assert.equal(resolveBase('maven:3.8-openjdk-11').assumptions[0].confidence, 'low');
  });

  test('a full PHP version tag sets PHP_VERSION', () => {
    assert.equal(resolveBase('php:8.2.12-apache').state.config.env.PHP_VERSION, '8.2.12');
    assert.equal(resolveBase('php:8.2-apache').state.config.env.PHP_VERSION, undefined);
  });

  test('the catalog lists every new entry, and each builds', () => {
    const keys = catalogKeys();
    for (const k of ['php:cli-bookworm', 'php:apache-bookworm', 'php:fpm-bookworm', 'php:cli-bullseye', 'php:apache-bullseye',
      'php:fpm-bullseye', 'php:cli-alpine', 'php:fpm-alpine', 'eclipse-temurin:jdk-noble', 'eclipse-temurin:jre-noble',
      'eclipse-temurin:jdk-jammy', 'eclipse-temurin:jre-jammy', 'eclipse-temurin:jdk-focal', 'eclipse-temurin:jre-focal',
      'eclipse-temurin:jdk-alpine', 'eclipse-temurin:jre-alpine', 'maven:eclipse-temurin-noble', 'maven:eclipse-temurin-jammy',
      'maven:eclipse-temurin-focal', 'maven:eclipse-temurin-alpine', 'gradle:jammy', 'gradle:noble', 'gradle:focal', 'gradle:alpine']) {
      assert.ok(keys.includes(k), k);
      assert.ok(catalogState(k), k);
    }
  });
});

describe('php: root, www-data (33 on Debian, 82 on Alpine), /var/www/html www-data 1777', () => {
  test('Debian: base-passwd www-data 33:33, home /var/www, nologin; no user at 1000', () => {
    const s = resolveBase('php:8.2-apache-bookworm').state;
    assert.deepEqual(user(s, 'www-data'), { name: 'www-data', uid: 33, gid: 33, gecos: 'www-data', home: '/var/www', shell: '/usr/sbin/nologin' });
    assert.equal(s.distro, 'debian');
    assert.equal(s.accounts.passwd.find((e) => e.uid === 1000), undefined);
    assert.equal(user(resolveBase('php:7.4-fpm').state, '_apt')?.uid, 100);
  });

  test('Alpine: www-data made at 82 in the group 82 Alpine already has', () => {
    const s = resolveBase('php:8.3-fpm-alpine').state;
    assert.deepEqual(user(s, 'www-data'), { name: 'www-data', uid: 82, gid: 82, gecos: 'Linux User,,,', home: '/home/www-data', shell: '/bin/false' });
    assert.deepEqual(group(s, 'www-data'), { name: 'www-data', gid: 82, members: ['www-data'] });
    assert.equal(s.distro, 'alpine');
  });

  test("the Alpine account is the one the Dockerfile's own adduser makes in the model", () => {
    const built = analyze({ file: 'Dockerfile', text: 'FROM alpine:3.22\nRUN adduser -u 82 -D -S -G www-data www-data\n' });
    assert.deepEqual(built.sim.failures, []);
    const cat = catalogState('php:fpm-alpine')!;
    assert.deepEqual(user(cat, 'www-data'), user(built.image, 'www-data'));
    assert.deepEqual(group(cat, 'www-data'), group(built.image, 'www-data'));
    assert.deepEqual(at(cat, '/home/www-data'), at(built.image, '/home/www-data'));
  });

  const common: [string, string, number, number, number][] = [
    ['/var/www', 'dir', 0, 0, 0o755],
    ['/var/www/html', 'dir', 33, 33, 0o1777],
    ['/usr/local/etc/php', 'dir', 0, 0, 0o755],
    ['/usr/local/etc/php/conf.d', 'dir', 0, 0, 0o755],
    ['/usr/local/etc/php/php.ini-production', 'file', 0, 0, 0o644],
    ['/usr/local/bin/php', 'file', 0, 0, 0o755],
    ['/usr/local/bin/docker-php-ext-install', 'file', 0, 0, 0o755],
    ['/usr/local/bin/docker-php-entrypoint', 'file', 0, 0, 0o755],
  ];
  for (const ref of ['php:8.2-cli-bookworm', 'php:8.2-apache-bookworm', 'php:8.1-fpm-bullseye']) {
    for (const [path, kind, uid, gid, mode] of common) {
      test(`${ref}: ${path} ${uid}:${gid} ${mode.toString(8)}`, () => {
        assert.deepEqual(at(resolveBase(ref).state, path), [kind, uid, gid, mode, undefined]);
      });
    }
  }

  test('Alpine: /var/www/html is owned by www-data 82', () => {
    assert.deepEqual(at(resolveBase('php:8.3-fpm-alpine').state, '/var/www/html'), ['dir', 82, 82, 0o1777, undefined]);
  });

  test('/var/www/html is empty: the Apache variant deletes the index.html its package installs', () => {
    const s = resolveBase('php:8.2-apache-bookworm').state;
    assert.equal(s.fs.get('/var/www/html')?.partial, undefined);
    assert.equal([...s.fs.keys()].some((p) => p.startsWith('/var/www/html/')), false);
  });

  // [path, kind, uid, gid, mode, target]
  const apache: [string, string, number, number, number, string?][] = [
    ['/run/apache2', 'dir', 33, 33, 0o1777],
    ['/run/apache2/socks', 'dir', 33, 33, 0o1777],
    ['/run/lock/apache2', 'dir', 33, 33, 0o1777],
    ['/var/log/apache2', 'dir', 33, 33, 0o1777],
    ['/var/log/apache2/error.log', 'symlink', 33, 33, 0o777, '/dev/stderr'],
    ['/var/log/apache2/access.log', 'symlink', 33, 33, 0o777, '/dev/stdout'],
    ['/var/log/apache2/other_vhosts_access.log', 'symlink', 33, 33, 0o777, '/dev/stdout'],
    ['/etc/apache2/envvars', 'file', 0, 0, 0o644],
    ['/usr/local/bin/apache2-foreground', 'file', 0, 0, 0o755],
  ];
  for (const [path, kind, uid, gid, mode, target] of apache) {
    test(`php:8.2-apache: ${path} ${uid}:${gid} ${mode.toString(8)}`, () => {
      assert.deepEqual(at(resolveBase('php:8.2-apache').state, path), [kind, uid, gid, mode, target]);
    });
  }

  test('the fpm variant has php-fpm and its pool files, not Apache', () => {
    const s = resolveBase('php:8.2-fpm').state;
    assert.deepEqual(at(s, '/usr/local/sbin/php-fpm'), ['file', 0, 0, 0o755, undefined]);
    assert.deepEqual(at(s, '/usr/local/etc/php-fpm.d/zz-docker.conf'), ['file', 0, 0, 0o644, undefined]);
    assert.equal(s.fs.get('/run/apache2'), undefined);
    assert.equal(s.packages.apache2, undefined);
  });

  // [ref, workdir, cmd, ports]
  const configs: [string, string, string[], string[]][] = [
    ['php:8.2-apache', '/var/www/html', ['apache2-foreground'], ['80/tcp']],
    ['php:8.2-fpm', '/var/www/html', ['php-fpm'], ['9000/tcp']],
    ['php:8.3-fpm-alpine', '/var/www/html', ['php-fpm'], ['9000/tcp']],
    ['php:8.2-cli', '/', ['php', '-a'], []],
    ['php:8.2-alpine', '/', ['php', '-a'], []],
  ];
  for (const [ref, workdir, cmd, ports] of configs) {
    test(`${ref}: root, WORKDIR ${workdir}, ${cmd.join(' ')}`, () => {
      const c = resolveBase(ref).state.config;
      assert.deepEqual([c.user, c.workdir, c.entrypoint, c.cmd, c.exposedPorts], ['', workdir, ['docker-php-entrypoint'], cmd, ports]);
      assert.deepEqual([c.env.PHP_INI_DIR, c.env.PATH], ['/usr/local/etc/php', DEFAULT_PATH]);
    });
  }

  test('Apache: APACHE_CONFDIR and APACHE_ENVVARS', () => {
    const env = resolveBase('php:8.2-apache').state.config.env;
    assert.deepEqual([env.APACHE_CONFDIR, env.APACHE_ENVVARS], ['/etc/apache2', '/etc/apache2/envvars']);
  });

  test('the unsure owners and modes are stated as assumptions', () => {
    const ids = resolveBase('php:8.2-apache').assumptions.map((a) => `${a.id} ${a.confidence}`);
    assert.ok(ids.includes('base:php-modes medium'));
    assert.ok(ids.includes('base:php-apache-dirs medium'));
  });
});

describe('eclipse-temurin: Java in /opt/java/openjdk owned by root, no user added', () => {
  test('noble has Ubuntu\'s ubuntu user at 1000; jammy, focal and Alpine have none', () => {
    assert.equal(user(resolveBase('eclipse-temurin:21-jdk-noble').state, 'ubuntu')?.uid, 1000);
    for (const ref of ['eclipse-temurin:21-jdk-jammy', 'eclipse-temurin:11-jre-focal', 'eclipse-temurin:17-jdk-alpine']) {
      assert.equal(resolveBase(ref).state.accounts.passwd.find((e) => e.uid === 1000), undefined, ref);
    }
    assert.deepEqual(['noble', 'jammy', 'alpine'].map((v) => resolveBase(`eclipse-temurin:21-jdk-${v}`).state.distro), ['ubuntu', 'ubuntu', 'alpine']);
  });

  const rows: [string, string, number, number, number][] = [
    ['/opt/java', 'dir', 0, 0, 0o755],
    ['/opt/java/openjdk', 'dir', 0, 0, 0o755],
    ['/opt/java/openjdk/bin/java', 'file', 0, 0, 0o755],
    ['/opt/java/openjdk/lib/security/cacerts', 'file', 0, 0, 0o644],
    ['/__cacert_entrypoint.sh', 'file', 0, 0, 0o755],
  ];
  for (const ref of ['eclipse-temurin:21-jdk-noble', 'eclipse-temurin:17-jre-alpine']) {
    for (const [path, kind, uid, gid, mode] of rows) {
      test(`${ref}: ${path} ${uid}:${gid} ${mode.toString(8)}`, () => {
        assert.deepEqual(at(resolveBase(ref).state, path), [kind, uid, gid, mode, undefined]);
      });
    }
  }

  test('the JDK has javac and jshell, the JRE neither', () => {
    const jdk = resolveBase('eclipse-temurin:21-jdk').state;
    const jre = resolveBase('eclipse-temurin:21-jre').state;
    assert.equal(jdk.fs.get('/opt/java/openjdk/bin/javac')?.mode, 0o755);
    assert.equal(jdk.fs.get('/opt/java/openjdk/bin/jshell')?.mode, 0o755);
    assert.equal(jre.fs.get('/opt/java/openjdk/bin/javac'), undefined);
  });

  // [ref, cmd]: the JDK's jshell (9 on); the JRE and JDK 8 keep the base's CMD.
  const configs: [string, string[]][] = [
    ['eclipse-temurin:21-jdk-noble', ['jshell']],
    ['eclipse-temurin:21-jre-noble', ['/bin/bash']],
    ['eclipse-temurin:8u422-b05-jdk-jammy', ['/bin/bash']],
    ['eclipse-temurin:17-jre-alpine', ['/bin/sh']],
  ];
  for (const [ref, cmd] of configs) {
    test(`${ref}: root, JAVA_HOME, PATH, the CA entrypoint, ${cmd.join(' ')}`, () => {
      const c = resolveBase(ref).state.config;
      assert.deepEqual([c.user, c.workdir, c.entrypoint, c.cmd], ['', '/', ['/__cacert_entrypoint.sh'], cmd]);
      assert.deepEqual([c.env.JAVA_HOME, c.env.PATH, c.env.LANG], ['/opt/java/openjdk', JAVA_PATH, 'en_US.UTF-8']);
    });
  }

  test('the tarball modes and the entrypoint are assumptions', () => {
    const ids = resolveBase('eclipse-temurin:21-jre-alpine').assumptions.map((a) => `${a.id} ${a.confidence}`);
    assert.ok(ids.includes('base:temurin-modes medium'));
    assert.ok(ids.includes('base:temurin-entrypoint medium'));
  });
});

describe('maven: Maven in /usr/share/maven on the Temurin JDK, MAVEN_CONFIG /root/.m2, root', () => {
  const rows: [string, string, number, number, number, string?][] = [
    ['/usr/share/maven', 'dir', 0, 0, 0o755],
    ['/usr/share/maven/bin/mvn', 'file', 0, 0, 0o755],
    ['/usr/share/maven/ref/settings-docker.xml', 'file', 0, 0, 0o644],
    ['/usr/bin/mvn', 'symlink', 0, 0, 0o777, '/usr/share/maven/bin/mvn'],
    ['/usr/local/bin/mvn-entrypoint.sh', 'file', 0, 0, 0o755],
    ['/opt/java/openjdk/bin/javac', 'file', 0, 0, 0o755],
  ];
  for (const ref of ['maven:3.9.6-eclipse-temurin-21', 'maven:3-eclipse-temurin-17-alpine']) {
    for (const [path, kind, uid, gid, mode, target] of rows) {
      test(`${ref}: ${path} ${uid}:${gid} ${mode.toString(8)}`, () => {
        assert.deepEqual(at(resolveBase(ref).state, path), [kind, uid, gid, mode, target]);
      });
    }
  }

  test('config: root, the entrypoint in front of mvn, the Maven and Java variables', () => {
    for (const ref of ['maven:3.9.6-eclipse-temurin-21-jammy', 'maven:3-eclipse-temurin-17-alpine']) {
      const c = resolveBase(ref).state.config;
      assert.deepEqual([c.user, c.workdir, c.entrypoint, c.cmd], ['', '/', ['/usr/local/bin/mvn-entrypoint.sh'], ['mvn']], ref);
      assert.deepEqual([c.env.MAVEN_HOME, c.env.MAVEN_CONFIG, c.env.JAVA_HOME, c.env.PATH],
        ['/usr/share/maven', '/root/.m2', '/opt/java/openjdk', JAVA_PATH], ref);
    }
  });

  test('no user is added: the base accounts only (ubuntu 1000 on noble)', () => {
    const s = resolveBase('maven:3.9.6-eclipse-temurin-21').state;
    assert.deepEqual(s.accounts.passwd.filter((e) => e.uid >= 1000 && e.uid < 65534).map((e) => e.name), ['ubuntu']);
    assert.equal(resolveBase('maven:3.9.6-eclipse-temurin-21-jammy').state.accounts.passwd.length,
      resolveBase('ubuntu:22.04').state.accounts.passwd.length);
  });

  test('the entrypoint writing into /root/.m2 is an assumption', () => {
    assert.equal(resolveBase('maven:3.9').assumptions.find((a) => a.id === 'base:maven-entrypoint')?.confidence, 'medium');
  });
});

describe('gradle: user gradle 1000, /home/gradle open to others, USER root at the end', () => {
  test('jammy and focal: gradle made by useradd --system; no ubuntu user', () => {
    for (const ref of ['gradle:8.5-jdk17', 'gradle:7.6-jdk11-focal']) {
      const s = resolveBase(ref).state;
      assert.deepEqual(user(s, 'gradle'), { name: 'gradle', uid: 1000, gid: 1000, gecos: '', home: '/home/gradle', shell: '/bin/bash' }, ref);
      assert.deepEqual(group(s, 'gradle'), { name: 'gradle', gid: 1000, members: [] }, ref);
      assert.equal(user(s, 'ubuntu'), undefined, ref);
    }
  });

  test('noble: Ubuntu\'s ubuntu user renamed to gradle (its old home stays)', () => {
    const s = resolveBase('gradle:8-jdk21-noble').state;
    assert.deepEqual(user(s, 'gradle'), { name: 'gradle', uid: 1000, gid: 1000, gecos: 'Ubuntu', home: '/home/gradle', shell: '/bin/bash' });
    assert.deepEqual(group(s, 'gradle'), { name: 'gradle', gid: 1000, members: ['gradle'] });
    assert.equal(user(s, 'ubuntu'), undefined);
    assert.equal(group(s, 'ubuntu'), undefined);
    assert.deepEqual(at(s, '/home/ubuntu'), ['dir', 1000, 1000, 0o750, undefined]);
  });

  test('Alpine: BusyBox adduser, shell /bin/ash', () => {
    const s = resolveBase('gradle:jdk21-alpine').state;
    assert.deepEqual(user(s, 'gradle'), { name: 'gradle', uid: 1000, gid: 1000, gecos: 'Linux User,,,', home: '/home/gradle', shell: '/bin/ash' });
  });

  // The account lines of each Dockerfile, run by the model on the image it is built FROM, must
  // end where the catalog starts.
  const made: [string, string, string][] = [
    ['gradle:jammy', 'ubuntu:22.04', 'groupadd --system --gid 1000 gradle && useradd --system --gid gradle --uid 1000 --shell /bin/bash --create-home gradle && mkdir /home/gradle/.gradle && chown --recursive gradle:gradle /home/gradle && chmod --recursive o+rwx /home/gradle'],
    ['gradle:noble', 'ubuntu:24.04', 'groupmod --new-name gradle ubuntu && mkdir /home/gradle && usermod --login gradle --home /home/gradle --groups gradle ubuntu && chown gradle /home/gradle && mkdir /home/gradle/.gradle && chown --recursive gradle:gradle /home/gradle && chmod --recursive o+rwx /home/gradle'],
    ['gradle:alpine', 'alpine:3.22', 'addgroup --system --gid 1000 gradle && adduser --system --ingroup gradle --uid 1000 --shell /bin/ash gradle && mkdir /home/gradle/.gradle && chown -R gradle:gradle /home/gradle && chmod -R o+rwx /home/gradle'],
  ];
  for (const [key, from, run] of made) {
    test(`${key}: the catalog account and home are what the Dockerfile's own step makes`, () => {
      const built = analyze({ file: 'Dockerfile', text: `FROM ${from}\nRUN ${run}\n` });
      assert.deepEqual(built.sim.failures, []);
      const cat = catalogState(key)!;
      assert.deepEqual(user(cat, 'gradle'), user(built.image, 'gradle'));
      assert.deepEqual(group(cat, 'gradle'), group(built.image, 'gradle'));
      for (const p of ['/home/gradle', '/home/gradle/.gradle']) {
        const [c, b] = [cat.fs.get(p), built.image.fs.get(p)];
        assert.deepEqual([c?.uid, c?.gid, c?.mode], [b?.uid, b?.gid, b?.mode], p);
      }
    });
  }

  const rows: [string, string, number, number, number, string?][] = [
    ['/home/gradle', 'dir', 1000, 1000, 0o757],
    ['/home/gradle/.gradle', 'dir', 1000, 1000, 0o757],
    ['/root/.gradle', 'symlink', 0, 0, 0o777, '/home/gradle/.gradle'],
    ['/opt/gradle/bin/gradle', 'file', 0, 0, 0o755],
    ['/usr/bin/gradle', 'symlink', 0, 0, 0o777, '/opt/gradle/bin/gradle'],
  ];
  for (const ref of ['gradle:8.5-jdk17', 'gradle:8-jdk21-noble']) {
    for (const [path, kind, uid, gid, mode, target] of rows) {
      test(`${ref}: ${path} ${uid}:${gid} ${mode.toString(8)}`, () => {
        assert.deepEqual(at(resolveBase(ref).state, path), [kind, uid, gid, mode, target]);
      });
    }
  }

  test('config: USER root, WORKDIR /home/gradle, the cache volume, gradle after the CA entrypoint', () => {
    for (const ref of ['gradle:8.5-jdk17', 'gradle:jdk21-alpine']) {
      const c = resolveBase(ref).state.config;
      assert.deepEqual([c.user, c.workdir, c.entrypoint, c.cmd, c.volumes],
        ['root', '/home/gradle', ['/__cacert_entrypoint.sh'], ['gradle'], ['/home/gradle/.gradle']], ref);
      assert.deepEqual([c.env.GRADLE_HOME, c.env.JAVA_HOME, c.env.PATH], ['/opt/gradle', '/opt/java/openjdk', JAVA_PATH], ref);
    }
  });
});

describe('ros: ROS in /opt/ros/$ROS_DISTRO on the Ubuntu release of each distribution, root', () => {
  // [ref, key or null, matched, assumption ids the tag made, ROS_DISTRO]
  const cases: [string, string | null, string, string[], string | undefined][] = [
    ['ros:humble', 'ros:ros-base-jammy', 'exact', [], 'humble'],
    ['ros:humble-ros-core', 'ros:ros-core-jammy', 'exact', [], 'humble'],
    ['ros:humble-ros-base-jammy', 'ros:ros-base-jammy', 'exact', [], 'humble'],
    ['ros:iron-ros-core', 'ros:ros-core-jammy', 'exact', [], 'iron'],
    ['ros:jazzy-ros-core-noble', 'ros:ros-core-noble', 'exact', [], 'jazzy'],
    ['ros:noetic', 'ros:ros-base-focal', 'exact', [], 'noetic'],
    ['ros:foxy-ros-base-focal', 'ros:ros-base-focal', 'exact', [], 'foxy'],
    ['ros:humble-perception', 'ros:ros-base-jammy', 'family', ['base:ros-image'], 'humble'],
    ['osrf/ros:humble-desktop-full', 'ros:ros-base-jammy', 'family', ['base:ros-image'], 'humble'],
    ['ros:rolling', 'ros:ros-base-noble', 'family', ['base:ros-rolling'], 'rolling'],
    ['ros', 'ros:ros-base-noble', 'family', ['base:latest-tag'], 'jazzy'],
    ['ros:humble-ros-core-noble', 'ros:ros-core-jammy', 'family', ['base:ros-tag'], 'humble'],
    ['ros:melodic', null, 'generic', [], undefined],
  ];
  for (const [ref, key, matched, rows, distro] of cases) {
    test(`${ref} -> ${key ?? 'generic guess'} (${matched})`, () => {
      const r = resolveBase(ref);
      assert.deepEqual([r.key, r.matched], [key, matched]);
      assert.deepEqual(r.assumptions.map((a) => a.id).filter((id) => /^base:(latest-tag|ros-(tag|image|rolling))$/.test(id)), rows);
      assert.equal(r.state.config.env.ROS_DISTRO, distro);
    });
  }

  test('config: root, /ros_entrypoint.sh then bash, C.UTF-8, the default PATH', () => {
    for (const ref of ['ros:humble', 'ros:jazzy-ros-core', 'ros:noetic']) {
      const c = resolveBase(ref).state.config;
      assert.deepEqual([c.user, c.workdir, c.entrypoint, c.cmd], ['', '/', ['/ros_entrypoint.sh'], ['bash']], ref);
      assert.deepEqual([c.env.LANG, c.env.LC_ALL, c.env.PATH], ['C.UTF-8', 'C.UTF-8', DEFAULT_PATH], ref);
    }
  });

  const rows: [string, string, number, number, number, string?][] = [
    ['/ros_entrypoint.sh', 'file', 0, 0, 0o755],
    ['/opt/ros', 'dir', 0, 0, 0o755],
    ['/opt/ros/humble', 'dir', 0, 0, 0o755],
    ['/opt/ros/humble/setup.bash', 'file', 0, 0, 0o644],
    ['/etc/ros/rosdep/sources.list.d/20-default.list', 'file', 0, 0, 0o644],
    ['/usr/bin/python3', 'symlink', 0, 0, 0o777, 'python3.10'],
  ];
  for (const [path, kind, uid, gid, mode, target] of rows) {
    test(`ros:humble: ${path} ${uid}:${gid} ${mode.toString(8)}`, () => {
      assert.deepEqual(at(resolveBase('ros:humble').state, path), [kind, uid, gid, mode, target]);
    });
  }

  test('ros-core has no rosdep files; the other distribution\'s folder is not there', () => {
    const s = resolveBase('ros:humble-ros-core').state;
    assert.equal(s.fs.get('/etc/ros'), undefined);
    assert.equal(s.fs.get('/opt/ros/jazzy'), undefined);
    assert.equal(s.packages['ros-humble-ros-core']?.via, 'base');
  });

  test("Ubuntu's python3 without pip, PEP 668's marker on noble only", () => {
    const py = (ref: string) => resolveBase(ref).state.pythons.map((p) => `${p.python} ${p.version} ${p.externallyManaged} ${p.sitePackages}`);
    assert.deepEqual(py('ros:humble'), ['/usr/bin/python3 3.10 false /usr/local/lib/python3.10/dist-packages']);
    assert.deepEqual(py('ros:jazzy'), ['/usr/bin/python3 3.12 true /usr/local/lib/python3.12/dist-packages']);
    assert.deepEqual(py('ros:noetic'), ['/usr/bin/python3 3.8 false /usr/local/lib/python3.8/dist-packages']);
  });

  test('the ubuntu user at 1000 on the noble distributions only', () => {
    assert.equal(user(resolveBase('ros:jazzy').state, 'ubuntu')?.uid, 1000);
    assert.equal(resolveBase('ros:humble').state.accounts.passwd.find((e) => e.uid === 1000), undefined);
    assert.equal(resolveBase('ros:noetic').state.accounts.passwd.find((e) => e.uid === 1000), undefined);
  });
});

describe('jupyterhub/singleuser: the docker-stacks base-notebook with JupyterHub added', () => {
  test('jovyan 1000 in group users, conda in /opt/conda, like base-notebook', () => {
    const s = resolveBase('jupyterhub/singleuser:4.1').state;
    const nb = resolveBase('jupyter/base-notebook').state;
    assert.deepEqual(user(s, 'jovyan'), user(nb, 'jovyan'));
    assert.equal(user(s, 'jovyan')?.uid, 1000);
    assert.deepEqual([s.config.user, s.config.workdir], [nb.config.user, nb.config.workdir]);
    assert.deepEqual(at(s, '/opt/conda'), at(nb, '/opt/conda'));
    assert.equal(s.packages.jupyterhub?.via, 'base');
    assert.equal(s.distro, 'ubuntu');
  });

  // [ref, matched, assumption ids the tag made]
  const cases: [string, string, string[]][] = [
    ['jupyterhub/singleuser:4.1', 'exact', []],
    ['jupyterhub/singleuser:5', 'exact', []],
    ['jupyterhub/singleuser:1.2', 'family', ['base:singleuser-version']],
    ['jupyterhub/singleuser', 'family', ['base:latest-tag']],
  ];
  for (const [ref, matched, rows] of cases) {
    test(`${ref} -> jupyterhub/singleuser (${matched})`, () => {
      const r = resolveBase(ref);
      assert.deepEqual([r.key, r.matched], ['jupyterhub/singleuser', matched]);
      assert.deepEqual(r.assumptions.map((a) => a.id).filter((id) => /^base:(latest-tag|singleuser-version)$/.test(id)), rows);
      assert.ok(r.assumptions.some((a) => a.id === 'base:singleuser-base' && a.confidence === 'medium'));
    });
  }
});

describe('openjdk (deprecated): the Debian 11 variants, Java in /usr/local/openjdk-N owned by root', () => {
  // [ref, key or null, matched, assumption ids the tag made, JAVA_HOME]
  const cases: [string, string | null, string, string[], string | undefined][] = [
    ['openjdk:11-jre-slim-bullseye', 'openjdk:jre-slim-bullseye', 'exact', [], '/usr/local/openjdk-11'],
    ['openjdk:17-jdk-slim-bullseye', 'openjdk:jdk-slim-bullseye', 'exact', [], '/usr/local/openjdk-17'],
    ['openjdk:17-jdk-bullseye', 'openjdk:jdk-bullseye', 'exact', [], '/usr/local/openjdk-17'],
    ['openjdk:17-jdk-slim', 'openjdk:jdk-slim-bullseye', 'family', ['base:openjdk-suite'], '/usr/local/openjdk-17'],
    ['openjdk:8-jdk', 'openjdk:jdk-bullseye', 'family', ['base:openjdk-suite'], '/usr/local/openjdk-8'],
    ['openjdk:11', 'openjdk:jdk-bullseye', 'family', ['base:openjdk-suite'], '/usr/local/openjdk-11'],
    ['openjdk:8u342-jre-buster', 'openjdk:jre-bullseye', 'family', ['base:openjdk-suite'], '/usr/local/openjdk-8'],
    ['openjdk:17', null, 'generic', [], undefined],
    ['openjdk', null, 'generic', [], undefined],
    ['openjdk:17-alpine', null, 'generic', [], undefined],
    ['openjdk:18-ea-jdk-oraclelinux8', null, 'generic', [], undefined],
  ];
  for (const [ref, key, matched, rows, home] of cases) {
    test(`${ref} -> ${key ?? 'generic guess'} (${matched})`, () => {
      const r = resolveBase(ref);
      assert.deepEqual([r.key, r.matched], [key, matched]);
      assert.deepEqual(r.assumptions.map((a) => a.id).filter((id) => /^base:openjdk-(suite|tag)$/.test(id)), rows);
      assert.equal(r.state.config.env.JAVA_HOME, home);
    });
  }

  test('config: root, JAVA_HOME first on PATH, jshell for a JDK 9 and later, bash otherwise', () => {
    const c = (ref: string) => resolveBase(ref).state.config;
    assert.deepEqual([c('openjdk:17-jdk-slim').cmd, c('openjdk:11-jre-slim').cmd, c('openjdk:8-jdk').cmd], [['jshell'], ['bash'], ['bash']]);
    assert.deepEqual([c('openjdk:17-jdk-slim').user, c('openjdk:17-jdk-slim').entrypoint, c('openjdk:17-jdk-slim').env.PATH, c('openjdk:17-jdk-slim').env.LANG],
      ['', null, `/usr/local/openjdk-17/bin:${DEFAULT_PATH}`, 'C.UTF-8']);
  });

  test('Debian 11 accounts, the Java tree root-owned, the full images carry buildpack-deps\' python3', () => {
    const s = resolveBase('openjdk:11').state;
    assert.equal(user(s, '_apt')?.uid, 100);
    assert.equal(s.accounts.passwd.find((e) => e.uid === 1000), undefined);
    assert.deepEqual(at(s, '/usr/local/openjdk-11/bin/java'), ['file', 0, 0, 0o755, undefined]);
    assert.deepEqual(at(s, '/usr/local/openjdk-11/lib/security/cacerts'), ['file', 0, 0, 0o644, undefined]);
    assert.deepEqual(at(s, '/usr/local/bin/docker-java-home'), ['file', 0, 0, 0o755, undefined]);
    assert.deepEqual(s.pythons.map((p) => p.version), ['3.9']);
    assert.deepEqual(resolveBase('openjdk:17-jdk-slim').state.pythons, []);
    assert.equal(resolveBase('openjdk:17-jdk-slim').state.fs.get('/usr/local/bin/docker-java-home'), undefined);
  });
});
