// sshd's own options in the start command: -p and -o Port decide which Match LocalPort blocks
// can apply, -f names the config file read (measured with sshd -T: tests/oracle/scenarios/sshd-cmdline.yaml).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { sshdCommandLine } from '../../src/shell/commands/config.js';
import type { FsTree } from '../../src/model/types.js';

describe('sshdCommandLine', () => {
  test('-p, joined flags with an attached value, -o Port before and after -p, -f relative to the working folder', () => {
    assert.deepEqual(sshdCommandLine(['/usr/sbin/sshd', '-D', '-p', '2222']), { ports: ['2222'], portsFromCommandLine: true, listenPorts: [], otherOptions: [] });
    assert.deepEqual(sshdCommandLine(['/usr/sbin/sshd', '-Dep2222'])?.ports, ['2222']);
    assert.deepEqual(sshdCommandLine(['sshd', '-o', 'Port=2200', '-p', '2222', '-o', 'Port 2300'])?.ports, ['2200', '2222']);
    assert.deepEqual(sshdCommandLine(['sshd', '-o', 'ListenAddress=0.0.0.0:2022', '-o', 'PermitRootLogin=yes']), { ports: [], portsFromCommandLine: false, listenPorts: ['2022'], otherOptions: ['PermitRootLogin'] });
    assert.equal(sshdCommandLine(['sshd', '-f', 'conf/sshd_config'], '/srv')?.config, '/srv/conf/sshd_config');
  });

  test('after tini, and in a sh -c script', () => {
    assert.deepEqual(sshdCommandLine(['tini', '--', 'sshd', '-p', '22'])?.ports, ['22']);
    assert.deepEqual(sshdCommandLine(['sh', '-c', 'mkdir -p /run/sshd && exec /usr/sbin/sshd -D -p 2222'])?.ports, ['2222']);
    assert.equal(sshdCommandLine(['sh', '-c', 'mkdir -p /run/sshd && nginx']), undefined);
    assert.equal(sshdCommandLine(['nginx', '-g', 'daemon off;']), undefined);
  });
});

describe('UID501 with the command line\'s port and config file', () => {
  const install = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y openssh-server && mkdir -p /run/sshd\n';
  const match = "RUN printf 'PermitRootLogin no\\nMatch LocalPort 2222\\n    PermitRootLogin yes\\n' > /etc/ssh/sshd_config.d/port.conf\n";
  const uid501 = (text: string, context?: FsTree, files: Record<string, string> = {}) =>
    analyze({ file: 'Dockerfile', text, context, readContextText: (p) => files[p] }).findings.find((f) => f.ruleId === 'UID501');

  test('Match LocalPort 2222: never on port 22, root may log in with -p 2222 or -o Port=2222', () => {
    assert.equal(uid501(`${install}${match}CMD ["/usr/sbin/sshd", "-D"]\n`), undefined);
    assert.equal(uid501(`${install}${match}CMD ["/usr/sbin/sshd", "-D", "-p", "2222"]\n`)?.message,
      'sshd sets PermitRootLogin yes inside "Match LocalPort 2222" (/etc/ssh/sshd_config.d/port.conf line 2), which applies to root: anyone who reaches the port can try root logins.');
    assert.notEqual(uid501(`${install}${match}CMD ["/usr/sbin/sshd", "-D", "-o", "Port=2222"]\n`), undefined);
  });

  test('-p replaces the config\'s Port; -o Port adds to it', () => {
    const conf = (port: string) => `RUN printf 'Port ${port}\\nPermitRootLogin no\\nMatch LocalPort 2222\\n    PermitRootLogin yes\\n' > /etc/ssh/sshd_config.d/port.conf\n`;
    assert.notEqual(uid501(`${install}${conf('2222')}CMD ["/usr/sbin/sshd", "-D"]\n`), undefined);
    assert.equal(uid501(`${install}${conf('2222')}CMD ["/usr/sbin/sshd", "-D", "-p", "22"]\n`), undefined);
    assert.notEqual(uid501(`${install}${conf('22')}CMD ["/usr/sbin/sshd", "-D", "-o", "Port=2222"]\n`), undefined);
  });

  test('-f: that file is read instead of sshd_config, also outside /etc/ssh', () => {
    const alt = "RUN printf 'PermitRootLogin yes\\n' > /etc/ssh/alt_sshd_config\n";
    assert.equal(uid501(`${install}${alt}CMD ["/usr/sbin/sshd", "-D"]\n`), undefined);
    assert.equal(uid501(`${install}${alt}CMD ["/usr/sbin/sshd", "-D", "-f", "/etc/ssh/alt_sshd_config"]\n`)?.message,
      'sshd is configured with PermitRootLogin yes (in /etc/ssh/alt_sshd_config): anyone who reaches the port can try root logins.');
    const context: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/sshd_config', { kind: 'file', uid: 0, gid: 0, mode: 0o644 }]]);
    const files = { '/sshd_config': 'PermitRootLogin no\nMatch LocalPort 2200\n    PermitRootLogin yes\n' };
    const copied = `${install}COPY sshd_config /srv/ssh/sshd_config\n`;
    assert.equal(uid501(`${copied}CMD ["/usr/sbin/sshd", "-D", "-f", "/srv/ssh/sshd_config"]\n`, context, files), undefined);
    assert.notEqual(uid501(`${copied}CMD ["/usr/sbin/sshd", "-D", "-f", "/srv/ssh/sshd_config", "-p", "2200"]\n`, context, files), undefined);
  });

  test('-f naming a file whose text is not known: nothing claimed, a low-confidence assumption', () => {
    const a = analyze({ file: 'Dockerfile', text: `${install}RUN curl -o /srv/ssh.conf https://example.com/c\nCMD ["/usr/sbin/sshd", "-D", "-f", "/srv/ssh.conf"]\n` });
    assert.equal(a.findings.find((f) => f.ruleId === 'UID501' || f.ruleId === 'UID502'), undefined);
    assert.equal(a.assumptions.find((x) => x.id === 'sshd-config:/srv/ssh.conf')?.confidence, 'low');
  });
});
