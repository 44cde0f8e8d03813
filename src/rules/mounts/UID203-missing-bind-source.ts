import { defineRule, type AnalysisView, type RuleReport } from '../rule.js';
import { engineSocket, hostFacts } from '../util.js';
import type { FileKind, MountSpec } from '../../model/types.js';
import { normalizePath } from '../../image/fs.js';

/**
 * A Kubernetes hostPath the node does not have, or has as another kind than its type asks: the
 * kubelet's check and what it makes, in its own words (pkg/volume/hostpath/host_path.go
 * checkTypeInternal; https://kubernetes.io/docs/concepts/storage/volumes/#hostpath).
 */
function hostPathReport(a: AnalysisView, m: MountSpec, exists: boolean, kind: FileKind | undefined): RuleReport | undefined {
  const type = m.hostPathType ?? '';
  const src = m.source ?? '';
  const failed = a.runtime.errors.find((e) => e.message.includes(`hostPath type check failed: ${src} `));
  if (failed) {
    const dir = failed.message.endsWith('is not a directory');
    return {
      severity: 'error',
      message: `The container will not start: ${failed.message}.`,
      why: `The kubelet checks a hostPath of type ${type} before it mounts it: ${exists ? `the node has ${src}, but as a ${kind}` : `the node has nothing at ${src}`}, so the mount fails and the pod stays in ContainerCreating, repeating this event.`,
      fixes: [
        { description: `Create it on the node (every node the pod may run on).`, snippet: dir ? `sudo mkdir -p ${src}` : `sudo touch ${src}`, safe: false },
        ...(!exists && (type === 'Directory' || type === 'File')
          ? [{ description: `Or let the kubelet create it: type ${type}OrCreate (owned by root, ${type === 'Directory' ? '0755' : '0644'}).`, snippet: `hostPath:\n  path: ${src}\n  type: ${type}OrCreate`, safe: false }]
          : []),
      ],
    };
  }
  if (exists) return undefined;
  const p = a.runtime.process;
  // A missing subPath of a hostPath folder: the kubelet made it with that folder's mode.
  const made = a.runtime.view.fs.get(normalizePath(m.target));
  if (made?.origin?.endsWith('(subPath made by the kubelet)')) {
    const mode = `0${(made.mode & 0o7777).toString(8).padStart(3, '0')}`;
    const open = (made.mode & 0o022) !== 0;
    return {
      message: `${src} does not exist on the node: the kubelet creates the subPath ${m.subPath} as a directory with the mode of ${m.volumeRoot} (${mode}), owned by root${open ? '' : ', so only root can write it'}.`,
      why: 'Before the container starts, the kubelet makes a missing subPath inside the volume with the mode of the volume\'s own folder (kubelet makeMounts, subpath doSafeMakeDir) and its own owner, root; the container runtime never sees it missing.',
      fixes: [
        p.uid === 0
          ? { description: 'Create it on the node before the pod starts.', snippet: `sudo mkdir -p ${src}`, safe: false }
          : { description: `Create it on the node before the pod starts, owned by uid ${p.uid}.`, snippet: `sudo mkdir -p ${src} && sudo chown ${p.uid}:${p.gid} ${src}`, safe: false },
      ],
    };
  }
  const file = type === 'FileOrCreate';
  const who = type === '' ? 'the container runtime (type "" is not checked by the kubelet)' : 'the kubelet';
  return {
    message: `${src} does not exist on the node: ${who} creates it as ${file ? 'an empty file, 0644' : 'a directory, 0755'}, owned by root, so only root can write it.`,
    why: type === ''
      ? 'A hostPath with no type is mounted without a check; containerd and CRI-O make a missing source directory as root.'
      : `hostPath ${type}: "If nothing exists at the given path, an empty ${file ? 'file' : 'directory'} will be created there as needed with permission set to ${file ? '0644' : '0755'}, having the same group and ownership with Kubelet" (Kubernetes documentation, volumes), and the kubelet runs as root.`,
    dependsOn: type === '' ? [`k8s-hostpath-created:${src}`] : [],
    fixes: [
      p.uid === 0
        ? { description: `Create it on the node before the pod starts.`, snippet: file ? `sudo touch ${src}` : `sudo mkdir -p ${src}`, safe: false }
        : { description: `Create it on the node before the pod starts, owned by uid ${p.uid}.`, snippet: `${file ? `sudo touch ${src}` : `sudo mkdir -p ${src}`} && sudo chown ${p.uid}:${p.gid} ${src}`, safe: false },
    ],
  };
}

export default defineRule({
  id: 'UID203',
  name: 'missing-bind-source',
  description: 'A bind mount source does not exist on the host: -v creates it owned by root, --mount refuses to start.',
  category: 'mounts',
  severity: { dev: 'warning', prod: 'warning' },
  // Both are start failures: the container does not exist to be warned about.
  raised: { severity: 'error', when: 'the container cannot start: a --mount source that does not exist, or a Kubernetes hostPath whose type check fails' },
  fix: 'suggestion',
  check(a, report) {
    for (const m of a.run?.mounts ?? []) {
      if (m.kind !== 'bind') continue;
      const facts = hostFacts(a, m.source);
      // An engine's socket missing where uidctl read the host is no folder to make: with -v,
      // Docker makes one and UID207 says the socket is taken to be there where the container
      // runs; a run that refuses a missing source (podman, --mount) does not start.
      const engine = engineSocket(m);
      if (engine !== undefined) {
        if (facts && !facts.exists && !m.createMissingSource) {
          report({
            severity: 'error',
            message: `${m.source} does not exist on the host: the container will not start (bind source path does not exist), and the ${engine} socket it is meant to be is not there.`,
            why: `${m.written} refuses a source that is not there; the socket exists only while the ${engine} engine runs.`,
            fixes: [{ description: `Start the ${engine} engine (its socket then appears at ${m.source}), or remove the mount.`, safe: false }],
          });
        }
        continue;
      }
      if (!facts) continue;
      if (m.hostPathType !== undefined) {
        const r = hostPathReport(a, m, facts.exists, facts.meta?.kind);
        if (r) report(r);
        continue;
      }
      if (facts.exists) continue;
      // The folder -v makes clashes with a file of the image: UID206 says the start fails.
      if (a.runtime.errors.some((e) => e.mount?.spec === m)) continue;

      // Rootless Docker's daemon runs as its user: what it creates is that user's on the host,
      // which is root inside the container.
      const rootless = a.run?.daemon?.kind === 'rootless' && a.assumptions.some((x) => x.id === 'userns:rootless-docker') ? a.run.daemon.uid : undefined;
      report({
        severity: m.createMissingSource ? undefined : 'error',
        message: m.createMissingSource && rootless !== undefined
          ? `${m.source} does not exist on the host: rootless Docker will create it owned by its user (uid ${rootless}) on the host, 0755, which is root (0:0) inside the container, so only container root can write it.`
          : m.createMissingSource
          ? `${m.source} does not exist on the host: Docker will create it owned by root (0755), so only root can write it.`
          : `${m.source} does not exist on the host: the container will not start (bind source path does not exist).`,
        why: m.createMissingSource
          ? 'The daemon creates a missing -v source as root before starting the container.'
          : m.composeFile !== undefined
          ? 'Compose mounts the file a secret or config names as it is, and never creates it.'
          : '--mount type=bind never creates its source.',
        // A Compose secret or config names a file, never a folder to make.
        fixes: [m.composeFile !== undefined
          ? { description: 'Create the file the secret (or config) names before starting, readable by the user the container runs as.', snippet: `touch ${m.source}`, safe: false }
          : { description: 'Create the folder yourself before starting the container.', snippet: `mkdir -p ${m.source}`, safe: false }],
      });
    }
  },
});
