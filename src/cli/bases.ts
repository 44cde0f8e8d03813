// Resolving FROM references to real images before the pure analysis runs: an archive the user
// names, the local engine, a registry, or the embedded catalog. The analysis then gets a plain
// lookup table, so it stays synchronous and pure.

import type { Io } from './io.js';
import { InputError, UsageError } from './errors.js';
import type { BaseResolution } from '../build/simulate.js';
import type { Dockerfile } from '../dockerfile/types.js';
import { expandWord, expandWords, parseKeyValues } from '../dockerfile/expand.js';
import { resolveBase as catalogResolve } from '../image/catalog/index.js';
import { cloneState } from '../image/state.js';
import { parseRef } from '../image/catalog/reference.js';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

export type BaseSource = 'auto' | 'archive' | 'engine' | 'registry' | 'catalog';

export interface BaseOptions {
  from: BaseSource;
  /** FROM reference -> archive file (docker save, OCI layout folder or tar). */
  archives: Map<string, string>;
  platform?: string;
  noCache: boolean;
  /** A Docker engine answers here (DOCKER_HOST is set or /var/run/docker.sock exists). */
  engineReachable?: boolean;
}

/** Parse `--base-archive REF=FILE` values (a bare FILE applies to every FROM). */
export function parseBaseArchives(values: string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();

  for (const v of values ?? []) {
    const i = v.lastIndexOf('=');
    const file = i <= 0 ? v : v.slice(i + 1);
    if (file === '') throw new UsageError(`--base-archive ${v}: no archive file given (REF=FILE or FILE)`);
    out.set(i <= 0 ? '*' : v.slice(0, i), file);
  }

  return out;
}

/** Every --base-archive must name a file or folder that exists: a typo is an input error. */
export function checkBaseArchives(archives: Map<string, string>, cwd: string): void {
  for (const file of archives.values()) {
    try {
      statSync(resolve(cwd, file));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(code === 'ENOENT' ? 'no such image archive' : `cannot read this image archive (${code})`, file);
    }
  }
}

/** A reference as the engines compare them: docker.io/library/python:latest is python. */
function refKey(ref: string): string {
  const r = parseRef(ref);

  return `${r.registry}/${r.repo}:${r.tag ?? (r.digest ? '' : 'latest')}@${r.digest ?? ''}`;
}

/** The archive given for this FROM reference (REF=FILE, else a bare FILE for every FROM). */
export function archiveFor(archives: Map<string, string>, ref: string): string | undefined {
  const exact = archives.get(ref);
  if (exact !== undefined) return exact;
  const key = refKey(ref);
  for (const [k, file] of archives) if (k !== '*' && refKey(k) === key) return file;

  return archives.get('*');
}

/** The REF of each REF=FILE that matches none of the given FROM references. */
export function unmatchedArchiveRefs(archives: Map<string, string>, refs: Iterable<string>): string[] {
  const keys = new Set([...refs].map(refKey));

  return [...archives.keys()].filter((k) => k !== '*' && !keys.has(refKey(k)));
}

/** The external FROM references of a Dockerfile (stage names excluded), ARGs expanded. */
export function fromRefs(df: Dockerfile, buildArgs: Record<string, string>): string[] {
  const args = new Map<string, string>();
  for (const ins of df.globalArgs) {
    for (const kv of parseKeyValues(ins.args, df.escape, 'ARG')) {
      const v = buildArgs[kv.key] ?? (kv.value !== null ? expandWord(kv.value, (n) => args.get(n), df.escape) : undefined);
      if (v !== undefined) args.set(kv.key, v);
    }
  }

  const names = new Set<string>();
  const refs: string[] = [];
  for (const st of df.stages) {
    const ref = expandWords(st.from.args, (n) => args.get(n), df.escape)[0] ?? 'scratch';
    if (!names.has(ref.toLowerCase()) && ref !== 'scratch' && !refs.includes(ref)) refs.push(ref);
    if (st.name) names.add(st.name);
  }

  return refs;
}

function withNote(r: BaseResolution, note: string): BaseResolution {
  const a = { id: `base-source:${r.state.base}`, subject: `base image ${r.state.base}`, text: note, confidence: 'medium' as const };

  return { ...r, assumptions: [...r.assumptions, a], state: { ...r.state, assumptions: [...r.state.assumptions, a] } };
}

type ReadArchive = typeof import('../archive/formats.js').readImageArchive;

/** Read a --base-archive; a file that is not an image archive is an input error naming it. */
async function readArchive(read: ReadArchive, file: string, ref: string, cwd: string, options: Parameters<ReadArchive>[1]) {
  const abs = resolve(cwd, file);
  try {
    return await read(abs, options);
  } catch (e) {
    const why = (e as Error).message.replace(`${abs}: `, '');
    throw new InputError(`not a usable image archive for FROM ${ref} (docker save or OCI): ${why}`, file);
  }
}

/** Resolve every reference; returns the lookup the analysis uses. */
export async function resolveBases(refs: string[], opts: BaseOptions, io: Io): Promise<(ref: string) => BaseResolution> {
  const table = new Map<string, BaseResolution>();
  if (opts.from === 'catalog' || refs.length === 0) return catalogResolve;

  const archive = await import('../archive/formats.js');
  const snapshot = await import('../archive/snapshot.js');
  const { openCache } = await import('../archive/cache.js');
  const { progressWriter } = await import('../archive/progress.js');
  const cache = openCache(io.env, { disabled: opts.noCache });
  const progress = progressWriter(io);
  const onProgress = (p: { bytes: number; index: number; totalBytes?: number; layerCount?: number }) => progress.update(p);

  for (const ref of refs) {
    const file = archiveFor(opts.archives, ref);
    try {
      if (file !== undefined) {
        if (opts.from !== 'auto' && opts.from !== 'archive') throw new UsageError(`--base-archive given with --base-from ${opts.from}`);
        const s = await readArchive(archive.readImageArchive, file, ref, io.cwd, { platform: opts.platform, cache, onProgress });
        table.set(ref, { state: snapshot.snapshotToState(s, ref, 'archive'), key: s.digest, matched: 'archive', assumptions: [] });
        continue;
      }
      if (opts.from === 'archive') throw new UsageError(`no --base-archive for FROM ${ref}`);

      const engine = await import('../archive/engine.js');
      const useEngine = opts.from === 'engine' || (opts.from === 'auto' && engine.dockerSocket(io.env) !== undefined);
      if (useEngine) {
        const s = await engine.fromEngine(ref, { env: io.env, cache, platform: opts.platform, onProgress });
        table.set(ref, { state: snapshot.snapshotToState(s, ref, 'engine'), key: s.digest, matched: 'engine', assumptions: [] });
        continue;
      }
      if (opts.from === 'registry') {
        const { pullImage } = await import('../archive/registry.js');
        const s = await pullImage(ref, { platform: opts.platform, cache, env: io.env, onProgress });
        table.set(ref, { state: snapshot.snapshotToState(s, ref, 'registry'), key: s.digest, matched: 'registry', assumptions: [] });
      }
    } catch (e) {
      // An archive the user named is never silently replaced by the catalog.
      if (e instanceof UsageError || e instanceof InputError || opts.from !== 'auto') throw e;
      // auto: fall back to the catalog, and say so.
      table.set(ref, withNote(catalogResolve(ref), `reading ${ref} from the engine failed (${(e as Error).message}); the catalog's facts are used instead`));
    } finally {
      progress.done();
    }
  }

  return (ref) => {
    const hit = table.get(ref);

    // The simulator changes the state it gets: hand out a copy, keep the table intact.
    return hit ? { ...hit, state: cloneState(hit.state) } : catalogResolve(ref);
  };
}
