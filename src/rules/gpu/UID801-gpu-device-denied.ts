import { defineRule } from '../rule.js';
import { permission } from '../../access/evaluate.js';
import { renderRunChanges, who } from '../util.js';

/** The NVIDIA nodes every GPU container gets besides the GPUs' own (nvidia-container-cli). */
export const NVIDIA_NODES = ['/dev/nvidiactl', '/dev/nvidia-uvm'];

/** An option value as written ('"all"', or Compose's JSON-quoted values) without its quotes. */
const unquote = (v: string) => v.replace(/^(["'])(.*)\1$/, '$2');

/** What GPUs the run asks for: --gpus VALUE, or the NVIDIA runtime's NVIDIA_VISIBLE_DEVICES. */
function gpuRequest(run: { options?: Record<string, string[]>; env?: Record<string, string> } | undefined): string | undefined {
  const opts = run?.options ?? {};
  const gpus = opts.gpus?.at(-1);
  if (gpus !== undefined) return unquote(gpus);
  // --runtime nvidia with NVIDIA_VISIBLE_DEVICES (the legacy way, and what the Kubernetes and
  // Compose device requests come down to).
  const visible = run?.env?.NVIDIA_VISIBLE_DEVICES;
  if (unquote(opts.runtime?.at(-1) ?? '') === 'nvidia' && visible && visible !== 'void' && visible !== 'none') {
    return visible === 'all' ? 'all' : `device=${visible}`;
  }

  return undefined;
}

/**
 * The GPU nodes a request gives (docker run --gpus): `all` (every /dev/nvidiaN the host facts
 * know, else nvidia0), a count N (the first N), or `device=0,2`. GPU UUIDs cannot be matched to
 * a node here: they count as nvidia0.
 */
function gpuNodes(request: string, known: string[]): string[] {
  const indexed = known.filter((p) => /^\/dev\/nvidia\d+$/.test(p)).sort((x, y) => Number(x.slice(11)) - Number(y.slice(11)));
  if (request === 'all') return indexed.length > 0 ? indexed : ['/dev/nvidia0'];
  const count = /^(?:count=)?(\d+)$/.exec(request);
  if (count) return Array.from({ length: Number(count[1]) }, (_, i) => `/dev/nvidia${i}`);
  const ids = /(?:^|,)device=([^,]+(?:,[^=,]+)*)/.exec(request)?.[1].split(',') ?? [];

  return ids.map((id) => (/^\d+$/.test(id) ? `/dev/nvidia${id}` : '/dev/nvidia0'));
}

/**
 * Device nodes the run gives the container: the GPUs it asks for with the NVIDIA nodes, and the
 * /dev/nvidia* nodes --device names. known: the host paths the caller has facts for.
 */
export function gpuDevices(run: { options?: Record<string, string[]>; env?: Record<string, string> } | undefined, known: string[] = []): string[] {
  const devices = (run?.options?.device ?? []).map((d) => d.split(':')[0]).filter((d) => d.startsWith('/dev/nvidia'));
  const request = gpuRequest(run);

  return request === undefined ? devices : [...new Set([...NVIDIA_NODES, ...gpuNodes(request, known), ...devices])];
}

/** The device cgroup permissions --device gives a node ("rwm" unless the third field says less). */
function cgroupPerms(run: { options?: Record<string, string[]> } | undefined, dev: string): string {
  for (const d of run?.options?.device ?? []) {
    const parts = d.split(':');
    if (parts[0] !== dev) continue;
    const perms = parts.length === 3 ? parts[2] : parts.length === 2 && /^[rwm]+$/.test(parts[1]) ? parts[1] : 'rwm';
    return perms;
  }

  return 'rwm';
}

export default defineRule({
  id: 'UID801',
  name: 'gpu-device-denied',
  description: 'The process cannot open the NVIDIA device nodes (/dev/nvidia*): CUDA finds no GPU and NVML reports Insufficient Permissions.',
  category: 'gpu',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    if (a.runtime.errors.length > 0) return;
    const ident = a.runtime.identity;

    // The runtime creates the nodes inside with the host's owner, group and mode, so the host's
    // stat decides (nvidia-container-toolkit mirrors the host device files).
    const denied: { dev: string; gid: number; text: string; reason: string }[] = [];
    const cgroupDenied: string[] = [];
    for (const dev of gpuDevices(a.run, a.host.map((h) => h.path))) {
      // The device cgroup is checked before the mode: --device X:X:r refuses a read-write open.
      if (!cgroupPerms(a.run, dev).includes('w')) cgroupDenied.push(dev);
      const facts = a.host.find((h) => h.path === dev);
      if (!facts?.exists || !facts.meta) continue;
      const p = permission(ident, dev, facts.meta, 6);
      if (!p.ok) denied.push({ dev, gid: facts.meta.gid, text: `${dev} (owner ${facts.meta.uid}:${facts.meta.gid}, mode ${(facts.meta.mode & 0o777).toString(8)})`, reason: p.reason });
    }
    if (cgroupDenied.length > 0) {
      report({
        message: `${who(a)} cannot open ${cgroupDenied.join(', ')} for reading and writing: --device gives ${cgroupDenied.length === 1 ? 'it' : 'them'} without "w", and CUDA opens the nodes read-write (Operation not permitted).`,
        why: 'The third field of --device sets the device cgroup permissions (r, w, m); the kernel refuses an open the cgroup does not allow, whatever the mode bits say.',
        fixes: [{ description: 'Give the devices read and write access (the default), or use --gpus.', snippet: cgroupDenied.map((d) => `--device ${d}`).join(' '), safe: false }],
      });
    }
    if (denied.length === 0) return;

    // One finding for the lot: the same group usually fixes every node.
    const gids = [...new Set(denied.map((d) => d.gid))];
    report({
      message: `${who(a)} cannot open ${denied.map((d) => d.text).join(', ')}: CUDA sees no GPU and nvidia-smi says "Insufficient Permissions".`,
      why: `${denied[0].reason}. The container gets the host's device nodes as they are; their group id must be one of the process's groups.`,
      fixes: [{ description: "Add the devices' group to the container's groups.", snippet: renderRunChanges(a, [{ kind: 'group-add', gids }]), safe: false }],
    });
  },
});
