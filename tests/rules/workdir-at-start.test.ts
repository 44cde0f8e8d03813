// UID105 for a WORKDIR the image does not have: buildah makes a WORKDIR only for a step that
// uses it (oracle workdir scenarios), and the runtime makes a missing one at start, as root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';

const df = 'FROM debian:bookworm\nRUN useradd -m -u 1000 ml\nUSER ml\nWORKDIR /srv/nb\nCMD ["bash"]\n';

test('UID105 says the runtime makes the missing WORKDIR at start, owned by root', () => {
  const f = analyze({ file: 'Dockerfile', text: df, builder: 'buildah' }).findings.find((x) => x.ruleId === 'UID105');
  assert.equal(f?.message, 'ml (uid 1000) cannot create files in the working directory /srv/nb, which the image does not have: the runtime makes it at start, owned by root.');
});

test('under BuildKit the WORKDIR is made at build time by the USER, so there is nothing to report', () => {
  assert.equal(analyze({ file: 'Dockerfile', text: df }).findings.find((x) => x.ruleId === 'UID105'), undefined);
});
