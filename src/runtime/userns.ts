// Rootless podman runs containers in a user namespace: the invoking user is root inside, the
// container's other ids come from the user's subordinate ranges (/etc/subuid), and every other
// host id is unmapped, shown inside as the overflow id 65534 ("nobody"). Bind mounts therefore
// look different inside than on the host. See podman-run(1) --userns and user_namespaces(7).

import type { Assumption, FileMeta, HostPathFacts, RunContext } from '../model/types.js';

export const OVERFLOW_ID = 65534;

export type EngineName = 'docker' | 'podman';

/**
 * The engine whose behaviour applies to a run: a `podman run` line is podman's whatever the
 * default engine says; compose files and pods follow the chosen engine.
 */
export function engineFor(run: RunContext, engine: EngineName): EngineName {
  return run.tool === 'podman' ? 'podman' : engine;
}

export interface KeepIdOptions {
  uid?: number;
  gid?: number;
}

export type KeepIdParse = { ok: true; opts: KeepIdOptions } | { ok: false; error: string };

/** Go's strconv.ParseUint(s, 10, 32), with its error text. */
function parseUint32(s: string): { n: number } | { error: string } {
  if (!/^\d+$/.test(s)) return { error: `strconv.ParseUint: parsing "${s}": invalid syntax` };
  const n = Number(s);

  return n > 0xffffffff ? { error: `strconv.ParseUint: parsing "${s}": value out of range` } : { n };
}

/**
 * `--userns keep-id[:uid=N,gid=N,size=N]`, read like podman's GetKeepIDOptions
 * (pkg/namespaces/namespaces.go); undefined when the mode is not keep-id.
 */
export function parseKeepId(userns: string | undefined): KeepIdParse | undefined {
  if (userns === undefined) return undefined;
  const colon = userns.indexOf(':');
  const mode = colon < 0 ? userns : userns.slice(0, colon);
  if (mode !== 'keep-id') return undefined;

  const opts: KeepIdOptions = {};
  if (colon < 0) return { ok: true, opts };
  for (const o of userns.slice(colon + 1).split(',')) {
    const eq = o.indexOf('=');
    if (eq < 0) return { ok: false, error: `invalid option specified: "${o}"` };
    const key = o.slice(0, eq);
    if (key !== 'uid' && key !== 'gid' && key !== 'size') {
      return { ok: false, error: `unknown option specified: "${key}"` };
    }
    const v = parseUint32(o.slice(eq + 1));
    if ('error' in v) return { ok: false, error: v.error };
    if (key === 'uid') opts.uid = v.n;
    if (key === 'gid') opts.gid = v.n;
  }

  return { ok: true, opts };
}

export interface UsernsMapping {
  /** Host uid -> uid inside; ids not listed are unmapped. */
  uid: (hostId: number) => number | undefined;
  gid: (hostId: number) => number | undefined;
  assumption: Assumption;
}

/**
 * The mapping for a run, or undefined when the container shares the host's ids (a rootful
 * engine, or --userns=host). Rootful podman's keep-id copies the host's own identity mapping
 * (podman pkg/util GetKeepIDMapping, rootful branch), so it changes no owner either.
 */
export function usernsMapping(run: RunContext, engine: EngineName): UsernsMapping | undefined {
  const inv = run.invoker;
  // Rootless Docker: dockerd runs in a user namespace of its own user, mapped as rootless
  // podman's (container root is that uid; the rest come from /etc/subuid), and every container
  // shares it (https://docs.docker.com/engine/security/rootless/).
  const rootless = run.daemon?.kind === 'rootless' && run.daemon.uid !== undefined && engineFor(run, engine) === 'docker' ? run.daemon.uid : undefined;
  if (rootless !== undefined && rootless !== 0) {
    const own = inv !== undefined && inv.uid === rootless;
    return {
      uid: (h) => (h === rootless ? 0 : undefined),
      // Its primary group is the invoker's when the daemon is the invoker's own.
      gid: (h) => (own && h === inv.gid ? 0 : undefined),
      assumption: {
        id: 'userns:rootless-docker',
        subject: 'rootless Docker',
        text: `Docker runs rootless (${run.daemon!.via}): host uid ${rootless} is root inside the container, and other host ids show as ${OVERFLOW_ID} (nobody)`,
        confidence: 'medium',
      },
    };
  }
  if (engineFor(run, engine) !== 'podman' || !inv || inv.uid === 0 || run.userns === 'host') return undefined;

  // keep-id maps the caller to itself, or to uid=/gid= (GetKeepIDMapping: {ContainerID: uid,
  // HostID: 0 (the caller in the rootless namespace), Size: 1}).
  const keep = parseKeepId(run.userns);
  const keepId = keep?.ok === true;
  const inUid = keep?.ok ? keep.opts.uid ?? inv.uid : 0;
  const inGid = keep?.ok ? keep.opts.gid ?? inv.gid : 0;
  const assumption: Assumption = {
    id: 'userns:rootless-podman',
    subject: 'rootless podman',
    text: keepId
      ? `podman runs rootless with --userns=${run.userns}: host uid ${inv.uid} and gid ${inv.gid} are ${inUid}:${inGid} inside; other host ids show as ${OVERFLOW_ID}`
      : `podman runs rootless: host uid ${inv.uid} (you) is root inside the container, and other host ids show as ${OVERFLOW_ID} (nobody); add --userns=keep-id to keep your uid`,
    confidence: 'high',
  };

  return {
    uid: (h) => (h === inv.uid ? inUid : undefined),
    gid: (h) => (h === inv.gid ? inGid : undefined),
    assumption,
  };
}

function mapMeta(m: FileMeta, map: UsernsMapping): FileMeta {
  const uid = map.uid(m.uid);
  const gid = map.gid(m.gid);
  if (uid !== undefined && gid !== undefined) return { ...m, uid, gid };

  // Capabilities inside the namespace do not reach files whose ids are not mapped into it.
  return { ...m, uid: uid ?? OVERFLOW_ID, gid: gid ?? OVERFLOW_ID, unmapped: true };
}

/** Host facts as the container sees them under the mapping. */
export function mapHostFacts(host: HostPathFacts[], map: UsernsMapping | undefined): HostPathFacts[] {
  if (!map) return host;

  return host.map((h) => (h.meta ? { ...h, meta: mapMeta(h.meta, map) } : h));
}
