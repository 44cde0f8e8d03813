// COPY --chown with an empty user before the group: buildah takes root (measured with buildah
// 1.28: copy/chown-empty-user-buildah); BuildKit's lookup of the empty name fails (kept).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import type { Builder } from '../../src/shell/context.js';

function copied(body: string, builder: Builder) {
  const a = analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${body}\n`, builder });
  const m = a.image.fs.get('/a');

  return { owner: m ? `${m.uid}:${m.gid}` : 'missing', failures: a.sim.failures.map((f) => [f.line, f.message]), findings: a.findings.filter((f) => f.ruleId === 'UID602').map((f) => f.why) };
}

describe('COPY --chown=:GROUP', () => {
  test('buildah: a numeric group, the owner root', () => {
    assert.deepEqual(copied('COPY --chown=:1000 a /a', 'buildah'), { owner: '0:1000', failures: [], findings: [] });
  });
  test('buildah: a group name', () => {
    assert.deepEqual(copied('COPY --chown=:staff a /a', 'buildah').owner, '0:50');
  });
  test('buildah: root whatever USER is', () => {
    assert.deepEqual(copied('RUN useradd -u 1234 app\nUSER app\nCOPY --chown=:1000 a /a', 'buildah').owner, '0:1000');
  });
  test('buildah: an unknown group stops the step in buildah\'s words, and UID602 names it', () => {
    const r = copied('COPY --chown=:nosuch a /a', 'buildah');
    assert.deepEqual(r.failures, [[2, 'looking up UID/GID for ":nosuch": determining run gid: group: unknown group error looking up group "nosuch"']]);
    assert.match(r.findings[0], /no group named nosuch is there/);
  });
  test('buildah: --chown=: alone names no user', () => {
    assert.deepEqual(copied('COPY --chown=: a /a', 'buildah').failures, [[2, "unable to convert uid/gid chown string to host mapping: can't find uid for user : no such user: "]]);
  });
  test('BuildKit: the empty name is no user (unchanged)', () => {
    assert.deepEqual(copied('COPY --chown=:1000 a /a', 'buildkit').failures, [[2, "unable to convert uid/gid chown string to host mapping: can't find uid for user : no such user: "]]);
  });
});
