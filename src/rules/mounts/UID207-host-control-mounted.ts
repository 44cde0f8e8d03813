import { defineRule } from '../rule.js';
import { ENGINE_SOCKET_NAMES, engineSocket, firstReason, runTool } from '../util.js';
import type { AnalysisView, RuleReport } from '../rule.js';
import { normalizePath, resolvePath } from '../../image/fs.js';

export default defineRule({
  id: 'UID207',
  name: 'host-control-mounted',
  description: "A mount hands the container control of the host: a container engine's socket the process may use, or the host's whole file system writable by root in the container.",
  category: 'mounts',
  severity: { dev: 'warning', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    if (a.runtime.errors.length > 0) return;
    const p = a.runtime.process;
    const k8s = runTool(a) === 'kubernetes';
    for (const m of a.run?.mounts ?? []) {
      const engine = engineSocket(m);
      if (engine !== undefined) {
        // connect() on a unix socket needs write permission on the socket file (unix(7)). A
        // source that is no socket where uidctl read the host (a machine without the engine)
        // is taken to be the engine's on the host the container runs on: said, not judged.
        const meta = resolvePath(a.runtime.view.fs, m.target).meta;
        const r = socketReport(a, engine, m.written, meta !== undefined && meta.kind !== 'dir' ? m.target : undefined, m.source);
        if (r) report(r);
        continue;
      }
      // A folder that holds an engine's socket (`-v /var/run:/var/run`), as uidctl read the
      // host: the socket comes with it.
      if (m.kind === 'bind' && resolvePath(a.runtime.view.fs, m.target).meta?.kind === 'dir') {
        for (const [name, inside] of ENGINE_SOCKET_NAMES) {
          const path = normalizePath(`${m.target}/${name}`);
          const meta = resolvePath(a.runtime.view.fs, path).meta;
          if (meta === undefined || meta.kind === 'dir') continue;
          const r = socketReport(a, inside, `${m.written}, which holds ${path}`, path, undefined);
          if (r) report(r);
        }
      }
      // The host's / bind-mounted writable, to a root process: uids are not translated on a
      // bind mount, so root in the container writes any host file (/etc/shadow, /root/.ssh).
      if (m.kind !== 'bind' || m.source === undefined || m.readonly || normalizePath(m.source) !== '/' || p.uid !== 0) continue;
      if (!a.check(m.target, 'write').allowed) continue;
      report({
        message: `The container mounts the ${k8s ? "node's" : "host's"} whole file system writable at ${m.target} (${m.written}) and runs as root: it can change any file there, the ${k8s ? "node's" : "host's"} /etc/shadow, /root/.ssh and its cron jobs included, which is root on the ${k8s ? 'node' : 'host'}.`,
        why: 'A bind mount shows host files with their host owners, and uid 0 in the container is uid 0 on the host unless a user namespace maps it: root in the container writes them as root.',
        fixes: [
          { description: 'Mount only the folders the workload needs, read-only where it only reads them.', snippet: k8s ? 'volumeMounts:\n- name: data\n  mountPath: /data\n  readOnly: true' : '-v /srv/data:/data:ro', safe: false },
          { description: 'Or, if it must see the whole host, mount it read-only and run as an unprivileged user.', safe: false },
        ],
      });
    }
  },
});

/**
 * An engine socket in the container at path (undefined: not found where uidctl read the host)
 * that the process may use, or may be able to.
 */
function socketReport(a: AnalysisView, engine: string, written: string, path: string | undefined, source: string | undefined): RuleReport | undefined {
  const p = a.runtime.process;
  const k8s = runTool(a) === 'kubernetes';
  const v = path !== undefined ? a.check(path, 'write') : undefined;
  // A user uidctl could not evaluate (--user $(...)) may be root, or hold the socket's group.
  const standIn = a.run?.userUnknown !== undefined;
  if (v && !v.allowed && !v.unknown && !standIn) return undefined;
  const sure = v !== undefined && !v.unknown && !standIn;
  const who = standIn ? `the user --user ${a.run!.userUnknown} gives` : p.uid === 0 ? 'root' : `uid ${p.uid}`;
  const where = k8s ? 'node' : 'host';

  return {
    message: `The container gets the ${engine} socket (${written})${sure ? ` and ${who} in it may use it` : standIn ? `, which ${who} may be able to use (the user is not known)` : `, which ${who} in it may be able to use (uidctl found no socket at ${source} where it read the ${where})`}: it can start containers of its own, privileged and with the ${where}'s / mounted, which is root on the ${where}.`,
    why: `Access to a container engine's API socket is access to everything the engine may do; the engine runs as root unless it is rootless.${v ? ` ${firstReason(v)}.` : ''}`,
    dependsOn: [...(v?.dependsOn ?? []), ...(standIn ? ['run-user:unknown'] : [])],
    unsureSeverity: sure ? undefined : 'warning',
    fixes: [
      { description: `Remove the mount; if the workload must build or run containers, give it a rootless engine of its own, or a socket proxy that allows only the API calls it needs.`, safe: false },
    ],
  };
}
