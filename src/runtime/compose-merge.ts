// How Compose merges two definitions of one service: a later Compose file over an earlier one
// (`docker compose -f a.yaml -f b.yaml`), and a service over the one it `extends:`. Both follow
// the Compose Specification's merge rules (13-merge.md, and 05-services.md "Merging service
// definitions"), which compose-go implements once for both (override.Merge, ExtendService):
//
// - a mapping is merged key by key, the later (local) value winning;
// - command, entrypoint and healthcheck.test are replaced, not appended;
// - environment, labels, build.args (and the other KEY=VALUE settings) are merged by name, in
//   either syntax (a list of KEY=VALUE or a mapping);
// - volumes and devices are merged by their path in the container; ports by
//   {ip, target, published, protocol}: a later entry replaces the earlier one in place;
// - cap_add, cap_drop, security_opt, expose, external_links and the other sequences the spec
//   lists are appended without duplicates; any other sequence (dns, tmpfs, env_file,
//   group_add, ...) is appended;
// - any other value (a scalar) is replaced.
//
// Pure: plain parsed YAML in, plain values out; the inputs are not changed.

import { normalizePath } from '../image/fs.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Set a key, even one named __proto__ (a plain assignment would change the prototype). */
function put(o: Obj, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepClone) as T;
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) put(out, k, deepClone(x));
    return out as T;
  }

  return v;
}

/** Replaced by the later file, never appended (merge.md "Shell commands"). */
const REPLACED = new Set(['command', 'entrypoint', 'healthcheck.test']);

/** KEY=VALUE settings, written as a list or a mapping: merged by name. */
const BY_NAME = new Set([
  'environment', 'labels', 'annotations', 'sysctls', 'build.args', 'build.labels', 'deploy.labels',
  'build.additional_contexts',
]);

/** Sequences whose duplicates are removed (05-services.md, extends: "Sequences"). */
const UNIQUE = new Set([
  'cap_add', 'cap_drop', 'configs', 'secrets', 'security_opt', 'expose', 'external_links',
  'device_cgroup_rules', 'deploy.placement.constraints', 'deploy.placement.preferences',
]);

/** Settings that are a string or a list of them: a string is a list of one when merging. */
const STRING_OR_LIST = new Set(['tmpfs', 'env_file', 'dns', 'dns_search', 'label_file']);

/** The path in the container a short-syntax volume (`src:dst[:mode]` or `dst`) names. */
function volumeTarget(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const parts = v.split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  if (isObj(v) && v.target !== undefined) return String(v.target);

  return undefined;
}

/** A device's path in the container: `/dev/a:/dev/b:rwm` names /dev/b, `/dev/a` itself. */
function deviceTarget(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const parts = v.split(':');
    return parts[1] ?? parts[0];
  }
  if (isObj(v)) return String(v.target ?? v.source);

  return undefined;
}

/** compose-go's port key: the short syntax as written, the long one by ip, published, target, protocol. */
function portKey(v: unknown): string | undefined {
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (isObj(v)) return `${String(v.host_ip ?? '0.0.0.0')}:${String(v.published ?? '')}:${String(v.target ?? '')}/${String(v.protocol ?? 'tcp')}`;

  return undefined;
}

const KEYED: Record<string, (v: unknown) => string | undefined> = {
  volumes: volumeTarget,
  devices: deviceTarget,
  ports: portKey,
};

/** A KEY=VALUE list or mapping as a mapping; a bare KEY is null (taken from the environment). */
function byName(v: unknown): Obj | undefined {
  if (isObj(v)) return { ...v };
  if (!Array.isArray(v)) return undefined;
  const out: Obj = {};
  for (const item of v.map(String)) {
    const eq = item.indexOf('=');
    if (eq >= 0) put(out, item.slice(0, eq), item.slice(eq + 1));
    else put(out, item, null);
  }

  return out;
}

/** Later entries replace earlier ones with the same key, in place; new ones are appended. */
function mergeKeyed(base: unknown[], local: unknown[], key: (v: unknown) => string | undefined): unknown[] {
  const out = [...base];
  const index = new Map<string, number>();
  out.forEach((v, i) => {
    const k = key(v);
    if (k !== undefined && !index.has(k)) index.set(k, i);
  });
  for (const v of local) {
    const k = key(v);
    const at = k === undefined ? undefined : index.get(k);
    if (at !== undefined) out[at] = v;
    else {
      if (k !== undefined) index.set(k, out.length);
      out.push(v);
    }
  }

  return out;
}

function mergeUnique(base: unknown[], local: unknown[]): unknown[] {
  const seen = new Set(base.map((v) => JSON.stringify(v)));
  const out = [...base];
  for (const v of local) {
    const k = JSON.stringify(v);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }

  return out;
}

/** `build: ./dir` is `build: {context: ./dir}` when merged with a mapping. */
function buildObj(v: unknown): unknown {
  return typeof v === 'string' ? { context: v } : v;
}

function mergeValue(base: unknown, local: unknown, path: string): unknown {
  if (local === undefined) return base;
  if (base === undefined || REPLACED.has(path)) return local;
  // A null in the later file (`user:` with nothing after it) clears a scalar; a mapping or a
  // list is left as it was.
  if (local === null) return isObj(base) || Array.isArray(base) ? base : null;

  if (BY_NAME.has(path)) {
    const b = byName(base);
    const l = byName(local);
    if (b && l) return mergeMaps(b, l, path, true);
    return local;
  }
  if (path === 'build') return mergeValue2(buildObj(base), buildObj(local), path);
  if (STRING_OR_LIST.has(path)) {
    const b = typeof base === 'string' ? [base] : base;
    const l = typeof local === 'string' ? [local] : local;
    if (Array.isArray(b) && Array.isArray(l)) return [...b, ...l];
    return local;
  }

  return mergeValue2(base, local, path);
}

function mergeValue2(base: unknown, local: unknown, path: string): unknown {
  if (isObj(base) && isObj(local)) return mergeMaps(base, local, path, false);
  if (Array.isArray(base) && Array.isArray(local)) {
    const key = KEYED[path];
    if (key) return mergeKeyed(base, local, key);
    if (UNIQUE.has(path)) return mergeUnique(base, local);
    return [...base, ...local];
  }

  return local;
}

function mergeMaps(base: Obj, local: Obj, path: string, flat: boolean): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(base)) put(out, k, v);
  for (const [k, v] of Object.entries(local)) {
    // Extension keys (x-*) are replaced whole (compose-go mergeMappings); so are the values of
    // a KEY=VALUE mapping.
    const next = path === '' ? k : `${path}.${k}`;
    put(out, k, flat || k.startsWith('x-') || !Object.hasOwn(out, k) ? v : mergeValue(out[k], v, next));
  }

  return out;
}

/**
 * A value tagged `!reset` or `!override` in a service (13-merge.md "Reset value", "Replace
 * value"): the keys from the service down to it (`["volumes"]`, `["environment", "FOO"]`).
 */
export interface MergeTag {
  kind: 'reset' | 'override';
  path: string[];
}

/**
 * `local` over `base`: a later file's service over an earlier one's, or a service over the one it
 * extends. A `!reset` value of local leaves the setting unset, whatever base had; an `!override`
 * one replaces base's whole, unmerged.
 */
export function mergeService(base: Obj, local: Obj, tags: readonly MergeTag[] = []): Obj {
  const out = mergeMaps(deepClone(base), deepClone(local), '', false);
  for (const t of tags) {
    if (t.kind === 'reset') unsetAt(out, t.path);
    else {
      const value = valueAt(local, t.path);
      if (value !== undefined) setAt(out, t.path, deepClone(value));
    }
  }

  return out;
}

/** A service with its own `!reset` settings taken out: their values are ignored. */
export function withoutResets(svc: Obj, tags: readonly MergeTag[]): Obj {
  if (!tags.some((t) => t.kind === 'reset')) return svc;
  const out = deepClone(svc);
  for (const t of tags) if (t.kind === 'reset') unsetAt(out, t.path);

  return out;
}

function valueAt(o: Obj, path: readonly string[]): unknown {
  let cur: unknown = o;
  for (const k of path) cur = isObj(cur) && Object.hasOwn(cur, k) ? cur[k] : undefined;

  return cur;
}

function setAt(o: Obj, path: readonly string[], value: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) {
    if (!isObj(cur[k])) put(cur, k, {});
    cur = cur[k] as Obj;
  }
  put(cur, path[path.length - 1], value);
}

/**
 * Remove the setting at path; in a KEY=VALUE list (`environment: [FOO=1]`) the entry of that
 * name goes.
 */
function unsetAt(o: Obj, path: readonly string[]): void {
  const parent = valueAt(o, path.slice(0, -1));
  const key = path[path.length - 1];
  if (isObj(parent)) delete parent[key];
  else if (Array.isArray(parent)) {
    const kept = parent.filter((v) => String(v) !== key && !String(v).startsWith(`${key}=`));
    parent.splice(0, parent.length, ...kept);
  }
}

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;

/** A relative path made absolute from dir; absolute, home (~) and remote paths are kept. */
function rebase(p: string, dir: string): string {
  if (p.startsWith('/') || p.startsWith('~') || REMOTE.test(p)) return p;

  return normalizePath(p, dir);
}

/**
 * A service read from a file in another folder (`extends: {file: ../common/compose.yaml}`)
 * with its relative paths made absolute from that file's folder, so they still name the same
 * files in the service that extends it (docs.docker.com, "Extend your Compose file", Relative
 * paths): bind sources, env_file and the build context.
 */
export function rebaseService(svc: Obj, dir: string): Obj {
  const out = deepClone(svc);
  if (Array.isArray(out.volumes)) {
    out.volumes = out.volumes.map((v) => {
      if (typeof v === 'string') {
        const parts = v.split(':');
        if (parts.length >= 2 && parts[0].startsWith('.')) parts[0] = rebase(parts[0], dir);
        return parts.join(':');
      }
      if (isObj(v) && v.type === 'bind' && typeof v.source === 'string') return { ...v, source: rebase(v.source, dir) };
      return v;
    });
  }
  if (out.env_file !== undefined) {
    const one = (f: unknown) => (typeof f === 'string' ? rebase(f, dir) : isObj(f) && typeof f.path === 'string' ? { ...f, path: rebase(f.path, dir) } : f);
    out.env_file = Array.isArray(out.env_file) ? out.env_file.map(one) : one(out.env_file);
  }
  if (typeof out.build === 'string') out.build = rebase(out.build, dir);
  else if (isObj(out.build)) out.build = { ...out.build, context: rebase(String(out.build.context ?? '.'), dir) };

  return out;
}
