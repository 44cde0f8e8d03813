// Building and copying ImageState values. The simulator mutates a private copy per step and
// hands out snapshots, so callers always see values that no later step changes.

import type { ImageConfig, ImageState } from '../model/types.js';
import { SHADOW_DEFAULTS, cloneAccounts } from './accounts.js';
import { cloneTree, newTree } from './fs.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function emptyConfig(): ImageConfig {
  return {
    user: '',
    workdir: '/',
    env: {},
    volumes: [],
    entrypoint: null,
    cmd: null,
    shell: ['/bin/sh', '-c'],
    exposedPorts: [],
    labels: {},
  };
}

/** `FROM scratch`: nothing but the root directory. */
export function scratchState(): ImageState {
  return {
    base: 'scratch',
    distro: 'unknown',
    accounts: { passwd: [], group: [], passwords: {}, loginDefs: { ...SHADOW_DEFAULTS } },
    fs: newTree(),
    config: emptyConfig(),
    packages: {},
    pythons: [],
    texts: {},
    sudoers: [],
    sshd: { lines: {} },
    jupyter: { lines: {} },
    unknowns: [],
    assumptions: [],
    provenance: [],
  };
}

// Two keys no Dockerfile can write (see hashCopy).
const FIRST = Symbol('first');
const SECOND = Symbol('second');

/**
 * A copy of a string-keyed record that V8 keeps as a hash table. ENV, ARG and LABEL add keys
 * the file names one at a time; each new key of an ordinary object makes a new hidden class,
 * several times the cost of a hash insert (measured: 3x for ENV-heavy files). V8 turns an
 * object into a hash table for good when a property other than the last one added is deleted.
 * Key order, and so JSON output, stays the insertion order.
 */
export function hashCopy<T>(src: Readonly<Record<string, T>>): Record<string, T> {
  const empty: { [FIRST]?: number; [SECOND]?: number } = { [FIRST]: 0, [SECOND]: 0 };
  delete empty[FIRST];
  delete empty[SECOND];
  // Filled key by key: a spread would build the hidden classes the copy is meant to avoid.
  const out = empty as Record<string, T>;
  for (const k in src) {
    // An own `__proto__` key is data, as the spread copy made it; a plain store would not be.
    if (k === '__proto__') {
      Object.defineProperty(out, k, { value: src[k], writable: true, enumerable: true, configurable: true });
    } else out[k] = src[k];
  }

  return out;
}

export function cloneState(s: ImageState): ImageState {
  return {
    ...s,
    accounts: cloneAccounts(s.accounts),
    fs: cloneTree(s.fs),
    config: {
      ...s.config,
      env: hashCopy(s.config.env),
      volumes: [...s.config.volumes],
      entrypoint: s.config.entrypoint && [...s.config.entrypoint],
      cmd: s.config.cmd && [...s.config.cmd],
      shell: [...s.config.shell],
      exposedPorts: [...s.config.exposedPorts],
      labels: hashCopy(s.config.labels),
    },
    packages: { ...s.packages },
    pythons: s.pythons.map((p) => ({ ...p })),
    texts: { ...s.texts },
    sudoers: s.sudoers.map((r) => ({ ...r })),
    sshd: { ...s.sshd, lines: { ...s.sshd.lines } },
    jupyter: { ...s.jupyter, lines: { ...s.jupyter.lines } },
    unknowns: [...s.unknowns],
    assumptions: [...s.assumptions],
    provenance: [...s.provenance],
  };
}
