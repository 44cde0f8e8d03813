// The host side of a run: the facts file --host-facts names, and what this machine shows of
// the paths a run mounts (stat), shared by check and explain.

import type { HostPathFacts, RunContext } from '../model/types.js';
import type { Io } from './io.js';
import type { Invoker } from '../runtime/docker.js';
import { gpuDevices } from '../rules/gpu/UID801-gpu-device-denied.js';
import { RunParseError } from '../runtime/errors.js';
import { inputErrorOf } from './errors.js';
import { readText } from './read-text.js';

/** The facts file --host-facts names: the host paths it describes and, if it says, the invoker. */
export async function readHostFacts(file: string, io: Io): Promise<{ paths: HostPathFacts[]; invoker?: Invoker }> {
  const { parseHostFactsFile } = await import('../runtime/host.js');
  try {
    return parseHostFactsFile(readText(file, io.cwd, 'host facts file', io));
  } catch (e) {
    if (e instanceof RunParseError) throw inputErrorOf(e, file);
    throw e;
  }
}

/**
 * The run as the host it mounts from resolves it, and the facts of the paths it mounts.
 *
 * With a facts file (`fromFile`), the file is the host: a bind source that goes through a link
 * it describes is the folder the link leads to (runtime/host.ts followBindLinks), and a path it
 * neither lists nor implies is not read with stat here (this machine is not that host): the
 * resolver judges it on a stated assumption (resolve.ts applyBind, host-unknown:PATH), and a GPU
 * device it does not list is not judged. Without one, each bind source and GPU device is read
 * with stat on this machine (with what is inside the folders, bounded).
 */
export async function hostFactsFor<R extends RunContext | undefined>(run: R, given: HostPathFacts[], fromFile = false): Promise<{ run: R; host: HostPathFacts[] }> {
  if (!run) return { run, host: given };
  const { followBindLinks, impliedByListed } = await import('../runtime/host.js');
  const linked = fromFile ? followBindLinks(run as RunContext, given) as R & RunContext : run as R & RunContext;
  // A hostPath's own path too, when a subPath below it is mounted: the kubelet makes a missing
  // subPath with its mode.
  const binds = linked.mounts.filter((m) => m.kind === 'bind' && m.source).flatMap((m) => [m.source!, ...(m.volumeRoot ? [m.volumeRoot] : [])]);
  const missingBinds = binds.filter((p) => !given.some((g) => g.path === p));
  // A folder the facts file does not list but lists a path below: it exists there, whatever
  // this machine has at that path.
  const implied = impliedByListed(missingBinds, given);
  // A daemon on another machine (or one not known here) mounts that machine's paths, and a
  // pod's hostPath volumes are paths on the node the pod is scheduled to: this machine's stat
  // says nothing of them, so only --host-facts describes them. Those it does not describe (or
  // imply) are judged on a stated assumption.
  const remote = linked.daemon !== undefined && linked.daemon.kind !== 'rootless';
  if (remote && !fromFile) return { run: linked, host: given };
  if (fromFile || linked.tool === 'kubernetes') return { run: linked, host: [...given, ...implied] };

  const missingDevices = gpuDevices(linked, given.map((g) => g.path)).filter((p) => !given.some((g) => g.path === p));
  if (missingBinds.length + missingDevices.length === 0) return { run: linked, host: given };
  const { statHostPaths, statHostTree } = await import('../runtime/host.js');
  const toStat = missingBinds.filter((p) => !implied.some((f) => f.path === p));

  // The folders a container mounts, with what is inside them (bounded), and the GPU devices.
  return { run: linked, host: [...given, ...implied, ...(await statHostTree(toStat)), ...(await statHostPaths(missingDevices))] };
}

/**
 * The owner of a host path, for `$(stat -c %u PATH)` in a run line: from the facts file when
 * there is one (through the links it describes; a path it does not list is not known), else
 * from stat on this machine.
 */
export async function hostOwnerReader(given: HostPathFacts[], fromFile: boolean): Promise<(path: string, follow: boolean) => { uid: number; gid: number } | undefined> {
  if (fromFile) {
    const { followHostLinks } = await import('../runtime/host.js');
    return (path, follow) => {
      // A link itself (stat without -L): the facts give where it leads, not its own owner.
      if (!follow && given.some((g) => g.path === path && g.meta?.kind === 'symlink')) return undefined;
      const walk = followHostLinks(path, given);
      // Links that loop: stat would fail (ELOOP), so the substitution is not evaluated.
      if (!('path' in walk)) return undefined;
      const f = given.find((g) => g.path === walk.path && g.exists && g.meta !== undefined);
      return f?.meta ? { uid: f.meta.uid, gid: f.meta.gid } : undefined;
    };
  }
  const { lstatSync, statSync } = await import('node:fs');
  return (path, follow) => {
    try {
      const st = follow ? statSync(path) : lstatSync(path);
      return { uid: st.uid, gid: st.gid };
    } catch {
      return undefined;
    }
  };
}
