import { defineRule } from '../rule.js';
import { renderRunChanges, runTool } from '../util.js';
import { usernsMapping } from '../../runtime/userns.js';

export default defineRule({
  id: 'UID202',
  name: 'root-owned-output',
  description: 'A root process writes into a bind mount: the files it creates belong to root on the host.',
  category: 'mounts',
  severity: { dev: 'warning', prod: 'warning' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    const invoker = a.run?.invoker;
    // A root invoker owns what root creates: nothing to fix.
    if (p.uid !== 0 || a.runtime.errors.length > 0 || invoker?.uid === 0) return;
    // Rootless podman: container root is the caller's own uid on the host (the user namespace
    // maps 0 to the caller), so what it creates belongs to the caller.
    const userns = a.run ? usernsMapping(a.run, a.engine) : undefined;
    if (userns && invoker && userns.uid(invoker.uid) === p.uid) return;

    for (const m of a.run?.mounts ?? []) {
      if (m.kind !== 'bind' || m.readonly) continue;
      if (!a.check(m.target, 'create').allowed) continue;

      if (userns && invoker) {
        // Rootless podman with keep-id: the caller is itself inside, so container root is one of
        // the caller's subordinate ids (/etc/subuid), not root and not the caller, on the host.
        report({
          message: `Files the container creates in ${m.target} will belong to one of your subordinate uids on the host (${m.source}), not to uid ${invoker.uid}: you cannot edit or delete them without podman unshare.`,
          why: `Rootless podman maps ids through a user namespace: with --userns=${a.run?.userns} host uid ${invoker.uid} is itself inside, and container root is the first id of your /etc/subuid range.`,
          fixes: [
            { description: 'Run the container with your own ids, which keep-id maps to you.', snippet: renderRunChanges(a, [{ kind: 'invoker-ids' }]), safe: false },
            { description: 'Or, to repair files already written, give them back from inside your user namespace (where you are root).', snippet: `podman unshare chown -R 0:0 ${m.source}`, safe: false },
          ],
        });
        continue;
      }
      // hostUsers: false: container root is not root on the node, but an idmapped volume (as the
      // documentation requires) stores the container's ids unchanged, so uid 0 on disk.
      const podUserns = a.run?.hostUsers === false;
      report({
        message: `Files the container creates in ${m.target} will belong to root on the host (${m.source}), where ${invoker ? `uid ${invoker.uid}` : 'your user'} cannot edit or delete them without sudo.`,
        why: 'A bind mount passes uids through unchanged: what uid 0 creates inside is owned by uid 0 outside.',
        fixes: [
          runTool(a) === 'kubernetes'
            ? { description: 'Run the container as the uid that owns the host folder.', snippet: renderRunChanges(a, [{ kind: 'user', uid: invoker?.uid ?? 1000, gid: invoker?.gid ?? 1000 }]), safe: false }
            : { description: 'Run the container with your own ids.', snippet: renderRunChanges(a, [{ kind: 'invoker-ids' }]), safe: false },
          { description: 'Or, to repair files already written, give them back on the host.', snippet: `sudo chown -R "$(id -u):$(id -g)" ${m.source}`, safe: false },
        ],
        ...(podUserns ? {
          message: `Files the container creates in ${m.target} will be stored as uid 0 on the node (${m.source}): the pod's user namespace maps its root to an unprivileged node uid, but the idmapped volume keeps the ids it writes, so ${invoker ? `uid ${invoker.uid}` : 'other users'} cannot edit or delete them there without sudo.`,
          why: 'With hostUsers: false the pod\'s volumes are idmapped mounts (the Kubernetes documentation requires idmap support for them): uid 0 inside writes files owned by uid 0 on disk, though the process itself is not root on the node.',
          dependsOn: ['k8s-userns'],
        } : {}),
      });
    }
  },
});
