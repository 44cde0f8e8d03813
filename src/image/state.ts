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

/**
 * A copy of a record that later steps add keys to (ENV names, labels, packages, paths). In V8
 * (Node 20) every key added to an object made by a spread costs about a microsecond, 30 times a
 * plain store: the spread copy's hidden class sits outside the transition tree, so each
 * addition copies it (measured). Object.assign into a fresh literal copies as fast and keeps
 * later additions cheap. Same keys, values and order as the spread.
 */
export function copyRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  return Object.assign({}, r);
}

export function cloneState(s: ImageState): ImageState {
  return {
    ...s,
    accounts: cloneAccounts(s.accounts),
    fs: cloneTree(s.fs),
    config: {
      ...s.config,
      env: copyRecord(s.config.env),
      volumes: [...s.config.volumes],
      entrypoint: s.config.entrypoint && [...s.config.entrypoint],
      cmd: s.config.cmd && [...s.config.cmd],
      shell: [...s.config.shell],
      exposedPorts: [...s.config.exposedPorts],
      labels: copyRecord(s.config.labels),
    },
    packages: copyRecord(s.packages),
    pythons: s.pythons.map((p) => ({ ...p })),
    texts: copyRecord(s.texts),
    sudoers: s.sudoers.map((r) => ({ ...r })),
    sshd: { ...s.sshd, lines: copyRecord(s.sshd.lines) },
    jupyter: { ...s.jupyter, lines: copyRecord(s.jupyter.lines) },
    unknowns: [...s.unknowns],
    assumptions: [...s.assumptions],
    provenance: [...s.provenance],
  };
}
