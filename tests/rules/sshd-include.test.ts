// sshd Include lines whose target text uidctl does not have: never skipped in silence. The
// analysis states a low-confidence assumption (UID701), and UID501/UID502 depend on it when the
// Include comes before the value they judge (sshd keeps the first value).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';

const df = (...lines: string[]) => `${lines.join('\n')}\n`;
const BOOKWORM = 'FROM debian:bookworm';
const SSHD = 'RUN apt-get update && apt-get install -y openssh-server && mkdir -p /run/sshd';
const CMD = 'CMD ["/usr/sbin/sshd", "-D"]';
// A download the model does not read: the file exists, its text is not known.
const FETCH = 'RUN apt-get update && apt-get install -y curl && curl -fsSL -o /opt/sshd.conf https://example.com/sshd.conf';

function run(text: string) {
  return analyze({ file: 'Dockerfile', text, host: [], profile: 'prod', engine: 'docker' });
}

describe('sshd Include of a file whose text is not known', () => {
  test('before PermitRootLogin yes: UID501 fires hedged, as a warning that depends on the Include', () => {
    const a = run(df(BOOKWORM, SSHD, "RUN sed -i -e '1i Include /opt/sshd.conf' -e '$a PermitRootLogin yes' /etc/ssh/sshd_config", FETCH, CMD));
    const [f] = a.findings.filter((x) => x.ruleId === 'UID501');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.dependsOn, ['sshd-include:/opt/sshd.conf']);
    assert.ok(f.why.includes('sshd may read an earlier value from a file uidctl does not have the text of (sshd-include:/opt/sshd.conf)'), f.why);

    const assumed = a.findings.filter((x) => x.ruleId === 'UID701').map((x) => x.message);
    assert.deepEqual(assumed, [
      'Assumed (low confidence): /etc/ssh/sshd_config line 1 includes /opt/sshd.conf, whose text uidctl does not have: the sshd settings it may hold (PermitRootLogin, PasswordAuthentication, ...) are not read',
    ]);
  });

  test('after PermitRootLogin yes: UID501 does not depend on it (the first value wins), the assumption stays', () => {
    const a = run(df(BOOKWORM, SSHD, "RUN printf 'PermitRootLogin yes\\nInclude /opt/sshd.conf\\n' >> /etc/ssh/sshd_config", FETCH, CMD));
    const [f] = a.findings.filter((x) => x.ruleId === 'UID501');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.dependsOn, []);
    assert.deepEqual(a.assumptions.filter((x) => x.id.startsWith('sshd-include:')).map((x) => x.id), ['sshd-include:/opt/sshd.conf']);
  });

  test('with nothing else open: UID501 and UID502 stay quiet and UID701 names the Include', () => {
    const a = run(df(BOOKWORM, SSHD, "RUN echo 'Include /opt/sshd.conf' >> /etc/ssh/sshd_config", FETCH, CMD));
    assert.deepEqual(a.findings.filter((x) => x.ruleId === 'UID501' || x.ruleId === 'UID502'), []);
    const [f] = a.findings.filter((x) => x.ruleId === 'UID701');
    assert.ok(f.message.includes('/etc/ssh/sshd_config line 12 includes /opt/sshd.conf'), f.message);
    assert.deepEqual(f.dependsOn, ['sshd-include:/opt/sshd.conf']);
  });

  test('UID502 depends on an unknown Include inside a Match block', () => {
    const a = run(
      df(
        BOOKWORM,
        `${SSHD} && useradd --create-home --uid 1000 dev && echo 'dev:secret' | chpasswd`,
        "RUN printf 'PasswordAuthentication yes\\nMatch User dev\\n  Include /opt/sshd.conf\\n' >> /etc/ssh/sshd_config",
        FETCH,
        CMD,
      ),
    );
    const [f] = a.findings.filter((x) => x.ruleId === 'UID502');
    assert.ok(f.message.startsWith('sshd accepts password logins and the build sets a password for dev'), f.message);
    assert.deepEqual(f.dependsOn, ['sshd-include:/opt/sshd.conf']);
    assert.ok(a.findings.some((x) => x.ruleId === 'UID701' && x.message.includes('includes /opt/sshd.conf inside "Match User dev"')));
  });

  test("the stock Include of an empty sshd_config.d is known: no assumption", () => {
    const a = run(df(BOOKWORM, SSHD, CMD));
    assert.deepEqual(a.assumptions.filter((x) => x.id.startsWith('sshd-include:')), []);
  });

  test('an included file under /etc/ssh written by the build is read, not assumed', () => {
    const a = run(df(BOOKWORM, SSHD, "RUN echo 'Include /etc/ssh/my.conf' >> /etc/ssh/sshd_config && echo 'PermitRootLogin no' > /etc/ssh/my.conf", CMD));
    assert.deepEqual(a.assumptions.filter((x) => x.id.startsWith('sshd-include:')), []);
    assert.equal(a.image.texts['/etc/ssh/my.conf']?.content, 'PermitRootLogin no\n');
  });
});
