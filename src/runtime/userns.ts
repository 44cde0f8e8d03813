// Rootless podman runs containers in a user namespace: the invoking user is root inside, the
// container's other ids come from the user's subordinate ranges (/etc/subuid), and every other
// host id is unmapped, shown inside as the overflow id 65534 ("nobody"). Bind mounts therefore
// look different inside than on the host. See podman-run(1) --userns and user_namespaces(7).

import type { Assumption, FileMeta, HostPathFacts, RunContext } from '../model/types.js';

export const OVERFLOW_ID = 65534;

export interface UsernsMapping {
  /** Host uid -> uid inside; ids not listed are unmapped. */
  uid: (hostId: number) => number | undefined;
  gid: (hostId: number) => number | undefined;
  assumption: Assumption;
}

/**
 * The mapping for a run, or undefined when the container shares the host's ids (a rootful
 * engine, or --userns=host).
 */
export function usernsMapping(run: RunContext, engine: 'docker' | 'podman'): UsernsMapping | undefined {
  const inv = run.invoker;
  if (engine !== 'podman' || !inv || inv.uid === 0 || run.userns === 'host') return undefined;

  const keepId = run.userns === 'keep-id' || run.userns?.startsWith('keep-id:');
  const assumption: Assumption = {
    id: 'userns:rootless-podman',
    subject: 'rootless podman',
    text: keepId
      ? `podman runs rootless with --userns=keep-id: host uid ${inv.uid} and gid ${inv.gid} keep their numbers inside; other host ids show as ${OVERFLOW_ID}`
      : `podman runs rootless: host uid ${inv.uid} (you) is root inside the container, and other host ids show as ${OVERFLOW_ID} (nobody); add --userns=keep-id to keep your uid`,
    confidence: 'high',
  };

  return {
    uid: (h) => (h === inv.uid ? (keepId ? inv.uid : 0) : undefined),
    gid: (h) => (h === inv.gid ? (keepId ? inv.gid : 0) : undefined),
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
