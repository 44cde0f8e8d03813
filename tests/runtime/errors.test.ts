import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/cli/config-parse.js';
import { parseCompose } from '../../src/runtime/compose.js';
import { parseHostFactsFile } from '../../src/runtime/host.js';
import { parseKubernetes } from '../../src/runtime/kubernetes.js';

// Nine aliases of nine aliases...: a few hundred bytes that expand to millions of nodes.
const BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k, i) => {
    const prev = 'abcdefg'[i];
    return `${k}: &${k} [${Array(9).fill(`*${prev}`).join(',')}]`;
  }),
].join('\n');
const ALIASES = 'YAML: Excessive alias count indicates a resource exhaustion attack';

describe('a YAML alias bomb is bad input in every YAML reader', () => {
  const invoker = { uid: 1000, gid: 1000, groups: [], cwd: '/p', home: '/home/me' };
  const cases: { name: string; read: () => unknown; error: Record<string, unknown> }[] = [
    {
      name: 'Kubernetes manifest',
      read: () => parseKubernetes(`${BOMB}\nkind: Pod\n`, { file: 'k.yaml' }),
      error: { name: 'RunParseError', message: `k.yaml: ${ALIASES}`, exitCode: 2 },
    },
    {
      name: 'Compose file',
      read: () => parseCompose(`${BOMB}\nservices: {}\n`, { file: 'c.yaml', env: {}, invoker }),
      error: { name: 'RunParseError', message: `c.yaml: ${ALIASES}`, exitCode: 2 },
    },
    {
      name: 'host facts file (the CLI puts the file name in front)',
      read: () => parseHostFactsFile(BOMB),
      error: { name: 'RunParseError', message: ALIASES, exitCode: 2 },
    },
    {
      name: 'config file',
      read: () => parseConfig(BOMB, '.uidctl.yaml'),
      error: { message: `.uidctl.yaml: ${ALIASES}`, exitCode: 2 },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(c.read, c.error);
    });
  }
});
