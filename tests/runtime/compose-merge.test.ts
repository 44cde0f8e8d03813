// Compose files combined: YAML merge keys (`<<: *anchor`), `extends:`, and several files merged
// in order as `docker compose -f a -f b` does (Compose Specification, 13-merge.md).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose } from '../../src/runtime/compose.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
const file = '/home/me/proj/compose.yaml';

describe('Compose: YAML merge keys', () => {
  test('a fragment merged with << gives the service its user and privileged', () => {
    const p = parseCompose('x-priv: &priv {user: root, privileged: true, cap_add: [SYS_ADMIN]}\nservices:\n  app:\n    <<: *priv\n    image: img\n', { invoker, file });
    const app = p.services.app;
    assert.deepEqual([app.user, app.privileged, app.capAdd, app.image], ['root', true, ['CAP_SYS_ADMIN'], 'img']);
    // `<<` itself is no Compose key: nothing is left over as an unknown option.
    assert.equal(app.options, undefined);
  });

  test('keys written in the service win over the merged ones; a list of fragments merges in order', () => {
    const text = [
      'x-a: &a {user: root, read_only: true}',
      'x-b: &b {user: "1000:1000", working_dir: /b}',
      'services:',
      '  app:',
      '    <<: [*a, *b]',
      '    image: img',
      '    working_dir: /mine',
      '',
    ].join('\n');
    const app = parseCompose(text, { invoker, file }).services.app;
    // YAML merge: an earlier mapping in the list wins over a later one; the service's own keys over both.
    assert.deepEqual([app.user, app.readOnlyRootfs, app.workdir], ['root', true, '/mine']);
  });

  test('a merged volume list is read with its bind sources from the Compose file\'s folder', () => {
    const text = 'x-vols: &vols\n  volumes:\n    - ./data:/data:ro\nservices:\n  app:\n    <<: *vols\n    image: img\n';
    const m = parseCompose(text, { invoker, file }).services.app.mounts;
    assert.deepEqual(m.map((x) => [x.kind, x.source, x.target, x.readonly]), [['bind', '/home/me/proj/data', '/data', true]]);
  });
});
