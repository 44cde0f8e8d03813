import { defineRule } from '../rule.js';
import { permission } from '../../access/evaluate.js';
import { renderRunChanges, who } from '../util.js';

/** NVIDIA device nodes the NVIDIA container runtime passes through for --gpus. */
export const NVIDIA_NODES = ['/dev/nvidiactl', '/dev/nvidia0', '/dev/nvidia-uvm'];

/** Device nodes the run gives the container: --gpus adds the NVIDIA ones, --device names its own. */
export function gpuDevices(run: { options?: Record<string, string[]> } | undefined): string[] {
  const opts = run?.options ?? {};
  const devices = (opts.device ?? []).map((d) => d.split(':')[0]).filter((d) => d.startsWith('/dev/nvidia'));

  return opts.gpus && opts.gpus.length > 0 ? [...new Set([...NVIDIA_NODES, ...devices])] : devices;
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
    for (const dev of gpuDevices(a.run)) {
      const facts = a.host.find((h) => h.path === dev);
      if (!facts?.exists || !facts.meta) continue;
      const p = permission(ident, dev, facts.meta, 6);
      if (!p.ok) denied.push({ dev, gid: facts.meta.gid, text: `${dev} (owner ${facts.meta.uid}:${facts.meta.gid}, mode ${(facts.meta.mode & 0o777).toString(8)})`, reason: p.reason });
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
