import { defineRule } from '../rule.js';
import { runTool, type RunTool } from '../util.js';
import type { Fix } from '../../model/types.js';

/** How each tool spells a privileged container, and how it asks for GPUs without it. */
const WORDS: Record<RunTool, { flag: string; gpus: string; drop: string }> = {
  docker: { flag: '--privileged', gpus: '--gpus all', drop: 'Remove --privileged from the run line.' },
  podman: { flag: '--privileged', gpus: '--device nvidia.com/gpu=all', drop: 'Remove --privileged from the run line.' },
  compose: {
    flag: 'privileged: true',
    gpus: 'deploy:\n  resources:\n    reservations:\n      devices:\n        - driver: nvidia\n          count: all\n          capabilities: [gpu]',
    drop: 'Remove privileged: true from the service.',
  },
  kubernetes: {
    flag: 'securityContext.privileged: true',
    gpus: 'resources:\n  limits:\n    nvidia.com/gpu: 1',
    drop: 'Set securityContext.privileged to false (or leave it out).',
  },
};

export default defineRule({
  id: 'UID108',
  name: 'privileged',
  description: 'The container runs privileged: every capability, every host device, no seccomp or AppArmor profile, so root in the container can take over the host.',
  category: 'identity',
  severity: { dev: 'warning', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    if (a.runtime.errors.length > 0) return;
    // A privileged init container (the sysctl and chown helpers of many charts) holds the same
    // power over the node while it runs, before the workload.
    for (const ic of a.run?.initContainers ?? []) {
      if (!ic.run.privileged) continue;
      report({
        message: `The init container ${ic.name} runs privileged (securityContext.privileged: true): while it runs it has every capability and every host device, with no seccomp or AppArmor profile.`,
        why: 'An init container shares the node as any container does: privileged, it is not isolated from it in any way that matters, even if it only sets a sysctl or changes an owner.',
        fixes: [
          { description: 'Give it only what the task needs: a sysctl through the pod\'s securityContext.sysctls, an owner change through fsGroup or a non-privileged root init container.', snippet: 'securityContext:\n  privileged: false\n  capabilities:\n    add: ["CHOWN"]', safe: false },
        ],
      });
    }
    if (a.run?.privileged !== true) return;
    const tool = runTool(a);
    const w = WORDS[tool];
    const p = a.runtime.process;
    // In a pod with its own user namespace the capabilities are the namespace's, not the node's.
    const podUserns = a.run.hostUsers === false;
    const root = p.uid === 0;
    const fixes: Fix[] = [
      { description: `${w.drop} Add back only the capabilities the workload needs, one by one.`, safe: false },
      { description: 'For GPUs, ask for them by name instead: the NVIDIA runtime adds the device nodes and nothing else.', snippet: w.gpus, safe: false },
    ];
    report({
      message: root
        ? `The container runs privileged (${w.flag}) as root: it has every capability and every host device, with no seccomp or AppArmor profile${podUserns ? '' : ', so a process in it can take over the host'}.`
        : `The container runs privileged (${w.flag}): its user (uid ${p.uid}) has no capabilities itself, but every host device is there and any way to root in it (a setuid program) gives all of them.`,
      why: 'A privileged container is not isolated from the host in any way that matters: /dev holds the host\'s disks and GPUs, and CAP_SYS_ADMIN with no seccomp profile lets root mount them, load kernel modules or write to /sys. ML images often use it only to see the GPUs, which --gpus (or the device plugin) gives without the rest.' +
        (podUserns ? ' The pod has its own user namespace (hostUsers: false), which narrows what its capabilities reach on the node.' : ''),
      fixes,
      unsureSeverity: podUserns ? 'warning' : undefined,
    });
  },
});
