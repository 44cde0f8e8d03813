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
    return parseHostFactsFile(readText(file, io.cwd, 'host facts file'));
  } catch (e) {
    if (e instanceof RunParseError) throw inputErrorOf(e, file);
    throw e;
  }
}

/**
 * The facts given, and for each bind source and GPU device of the run they do not describe,
 * what this machine shows (with what is inside the folders, bounded).
 */
export async function hostFactsFor(run: RunContext | undefined, given: HostPathFacts[]): Promise<HostPathFacts[]> {
  if (!run) return given;
  // A daemon on another machine (or one not known here) mounts that machine's paths: this
  // machine's stat says nothing of them, so only --host-facts describes them.
  if (run.daemon !== undefined && run.daemon.kind !== 'rootless') return given;
  // A hostPath's own path too, when a subPath below it is mounted: the kubelet makes a missing
  // subPath with its mode.
  const binds = run.mounts.filter((m) => m.kind === 'bind' && m.source).flatMap((m) => [m.source!, ...(m.volumeRoot ? [m.volumeRoot] : [])]);
  const missingBinds = binds.filter((p) => !given.some((g) => g.path === p));
  // A pod's hostPath volumes are paths on the node the pod is scheduled to, not on this
  // machine: never read with stat here. Those --host-facts does not describe (or imply) are
  // judged on a stated assumption (resolve.ts applyBind, host-unknown:PATH).
  const onNode = run.tool === 'kubernetes';
  const missingDevices = onNode ? [] : gpuDevices(run, given.map((g) => g.path)).filter((p) => !given.some((g) => g.path === p));
  if (missingBinds.length + missingDevices.length === 0) return given;
  const { impliedByListed, statHostPaths, statHostTree } = await import('../runtime/host.js');
  // A folder the facts file does not list but lists a path below: it exists there, whatever
  // this machine has at that path.
  const implied = impliedByListed(missingBinds, given);
  if (onNode) return [...given, ...implied];
  const toStat = missingBinds.filter((p) => !implied.some((f) => f.path === p));

  // The folders a container mounts, with what is inside them (bounded), and the GPU devices.
  return [...given, ...implied, ...(await statHostTree(toStat)), ...(await statHostPaths(missingDevices))];
}
