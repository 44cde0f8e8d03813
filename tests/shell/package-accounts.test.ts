// The accounts that packages' install scripts add, run through the model's adduser/addgroup,
// and the hedge for a package outside the table that bears a missing name.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { groupByName, userByName } from '../../src/image/accounts.js';
import { packageAccountScript, packageAccountSources, packageNamedLike } from '../../src/shell/commands/package-accounts.js';

const image = (text: string) => analyze({ file: 'Dockerfile', text }).image;
const entry = (text: string, name: string) => {
  const s = image(text);
  const u = userByName(s.accounts, name);
  return u && { ...u, group: s.accounts.group.find((g) => g.gid === u.gid)?.name };
};

/** One test per [package, account, expected fields]: the package installed by `install`. */
function accountCases(install: (pkg: string) => string, cases: [string, string, object][]): void {
  for (const [pkg, name, want] of cases) {
    test(`${pkg} adds ${name}`, () => {
      const got = entry(install(pkg), name) as Record<string, unknown> | undefined;
      for (const [k, v] of Object.entries(want)) assert.equal(got?.[k], v, `${pkg} ${k}`);
    });
  }
}

describe('Debian packages that add system accounts', () => {
  const apt = (pkgs: string) => `FROM debian:bookworm\nRUN apt-get update && apt-get install -y ${pkgs}\n`;
  const cases: [string, string, object][] = [
    // Measured in the oracle suite (packages.yaml): uid 100, own group 101.
    ['redis-server', 'redis', { uid: 100, gid: 101, home: '/var/lib/redis', shell: '/usr/sbin/nologin', group: 'redis' }],
    ['tor', 'debian-tor', { uid: 100, gid: 101, home: '/var/lib/tor', shell: '/bin/bash', group: 'debian-tor' }],
    // ssl-cert (a dependency) takes gid 101 first.
    ['postgresql-15', 'postgres', { uid: 100, gid: 102, home: '/var/lib/postgresql', shell: '/bin/bash', gecos: 'PostgreSQL administrator', group: 'postgres' }],
    ['default-mysql-server', 'mysql', { uid: 100, gid: 101, home: '/nonexistent', shell: '/bin/false', gecos: 'MySQL Server', group: 'mysql' }],
    ['postfix', 'postfix', { uid: 100, gid: 101, home: '/var/spool/postfix', group: 'postfix' }],
    ['pulseaudio', 'pulse', { uid: 100, gid: 101, home: '/run/pulse', gecos: 'PulseAudio daemon', group: 'pulse' }],
  ];
  accountCases(apt, cases);

  test('cups adds the group lpadmin, pulseaudio pulse-access and pulse in audio: usermod -aG of them works', () => {
    const s = image(`${apt('cups pulseaudio')}RUN useradd -m app && usermod -aG lpadmin,pulse-access app\n`);
    // As measured (packages/cups-pulse-groups): ssl-cert, a dependency of cups-daemon, takes 101.
    assert.deepEqual(['ssl-cert', 'lpadmin', 'pulse', 'pulse-access'].map((g) => groupByName(s.accounts, g)?.gid), [101, 102, 103, 104]);
    assert.deepEqual(groupByName(s.accounts, 'audio')?.members, ['pulse']);
    assert.deepEqual(groupByName(s.accounts, 'lpadmin')?.members, ['app']);
    assert.deepEqual(groupByName(s.accounts, 'pulse-access')?.members, ['app']);
    assert.equal(groupByName(image(apt('cups-bsd')).accounts, 'lpadmin'), undefined);
  });

  test('Debian\'s tor adds no user tor, and keeps /var/lib/tor to debian-tor', () => {
    const s = image(apt('tor'));
    assert.equal(userByName(s.accounts, 'tor'), undefined);
    const m = s.fs.get('/var/lib/tor');
    assert.deepEqual([m?.uid, m?.gid, m?.mode], [100, 101, 0o2700]);
  });

  test('postgres joins ssl-cert and owns its log folder\'s group; the doc package adds nothing', () => {
    const s = image(apt('postgresql'));
    assert.deepEqual(groupByName(s.accounts, 'ssl-cert')?.members, ['postgres']);
    const log = s.fs.get('/var/log/postgresql');
    assert.deepEqual([log?.uid, log?.gid, log?.mode], [0, 102, 0o1775]);
    assert.equal(userByName(image(apt('postgresql-doc')).accounts, 'postgres'), undefined);
  });

  test('postfix also adds the group postdrop; the ids follow the install order', () => {
    const s = image(apt('redis-tools postfix'));
    assert.deepEqual([userByName(s.accounts, 'redis')?.uid, userByName(s.accounts, 'postfix')?.uid], [100, 101]);
    assert.ok(groupByName(s.accounts, 'postdrop'));
  });

  test('packages that pull in a table package get its accounts; client packages do not', () => {
    for (const [pkg, name] of [['postgresql-contrib', 'postgres'], ['postgresql-16-pgvector', 'postgres'], ['redis-sentinel', 'redis']]) {
      assert.ok(userByName(image(apt(pkg)).accounts, name), pkg);
    }
    assert.equal(userByName(image(apt('postgresql-client-15')).accounts, 'postgres'), undefined);
  });

  test('docker.io and docker-ce add the group docker', () => {
    for (const pkg of ['docker.io', 'docker-ce']) assert.ok(groupByName(image(apt(pkg)).accounts, 'docker'), pkg);
    assert.ok(groupByName(image('FROM alpine:3.20\nRUN apk add docker\n').accounts, 'docker'));
  });

  test('postfix\'s spool folder is shipped root-owned', () => {
    const m = image(apt('postfix')).fs.get('/var/spool/postfix');
    assert.deepEqual([m?.kind, m?.uid], ['dir', 0]);
  });

  test('installing twice changes nothing', () => {
    const once = image(apt('redis-server'));
    const twice = image(`${apt('redis-server')}RUN apt-get install -y redis-tools\n`);
    assert.deepEqual(twice.accounts.passwd, once.accounts.passwd);
    assert.deepEqual(twice.accounts.group, once.accounts.group);
  });
});

describe('Alpine packages that add system accounts', () => {
  const apk = (pkgs: string) => `FROM alpine:3.20\nRUN apk add --no-cache ${pkgs}\n`;
  const cases: [string, string, object][] = [
    ['tor', 'tor', { uid: 100, gid: 65533, home: '/var/lib/tor', shell: '/sbin/nologin', gecos: 'tor', group: 'nogroup' }],
    ['nginx', 'nginx', { uid: 100, home: '/var/lib/nginx', shell: '/sbin/nologin', gecos: 'nginx', group: 'nginx' }],
    ['redis', 'redis', { uid: 100, home: '/var/lib/redis', shell: '/bin/false', gecos: 'redis', group: 'redis' }],
    ['mariadb', 'mysql', { uid: 100, home: '/var/lib/mysql', shell: '/sbin/nologin', group: 'mysql' }],
    ['postfix', 'postfix', { home: '/var/spool/postfix', group: 'postfix' }],
  ];
  accountCases(apk, cases);

  test('the state folders the packages ship exist, owned by their user', () => {
    for (const [pkg, user, dir, mode] of [['redis', 'redis', '/var/lib/redis', 0o755], ['tor', 'tor', '/var/lib/tor', 0o755], ['nginx', 'nginx', '/var/lib/nginx', 0o750]] as const) {
      const s = image(apk(pkg));
      const m = s.fs.get(dir);
      assert.deepEqual([m?.uid, m?.mode], [userByName(s.accounts, user)?.uid, mode], pkg);
    }
    // nginx is also in www-data (82), which the script makes when missing.
    assert.deepEqual(groupByName(image(apk('nginx')).accounts, 'www-data')?.members, ['nginx']);
  });

  test('mariadb\'s adduser -S without -H makes the home, owned by mysql', () => {
    const s = image(apk('mariadb'));
    const m = s.fs.get('/var/lib/mysql');
    assert.equal(m?.uid, userByName(s.accounts, 'mysql')?.uid);
  });

  test('the Debian table is not used on Alpine, nor the Alpine one on Debian', () => {
    assert.equal(packageAccountScript('alpine', 'redis-server'), undefined);
    assert.equal(packageAccountScript('debian', 'nginx'), undefined);
    assert.equal(packageAccountScript('rhel', 'redis'), undefined);
  });
});

describe('packageNamedLike: a package outside the table that may add the missing name', () => {
  const after = (pkgs: string) => image(`FROM debian:bookworm\nRUN apt-get update && apt-get install -y ${pkgs}\n`);
  const cases: [string, string, string | undefined][] = [
    ['mosquitto', 'mosquitto', 'mosquitto'],
    ['dovecot-core', 'dovecot', 'dovecot-core'],
    ['dovecot-imapd', 'dovecot', 'dovecot-imapd'],
    ['memcached', 'memcache', 'memcached'],
    ['curl', 'app', undefined],
    ['apparmor', 'app', undefined],
    // In the table: what it adds is known, so it is no reason to doubt.
    ['redis-server', 'redisuser', undefined],
    ['tor', 'tor', undefined],
    ['docker.io', 'docker', undefined],
  ];
  for (const [pkgs, name, want] of cases) {
    test(`${pkgs} / ${name}`, () => assert.equal(packageNamedLike(after(pkgs), name)?.name, want));
  }

  test('only packages installed up to the line count (its own RUN too), never pip packages', () => {
    const s = image('FROM debian:bookworm\nRUN apt-get update && apt-get install -y mosquitto python3-pip\n');
    assert.equal(packageNamedLike(s, 'mosquitto', 1), undefined);
    assert.equal(packageNamedLike(s, 'mosquitto', 2)?.line, 2);
    s.packages.celery = { name: 'celery', via: 'pip', line: 2 };
    assert.equal(packageNamedLike(s, 'celery'), undefined);
  });

  test('every table entry names its source', () => {
    for (const e of packageAccountSources()) assert.match(e.source, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/blob\//, e.names);
  });
});
