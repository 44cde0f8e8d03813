// Kubernetes workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) as
// RunContexts: one per container. Semantics come from the Kubernetes documentation, cited
// beside each field.

import { LineCounter, parseAllDocuments, isMap, isSeq, type Document } from 'yaml';
import type { MountSpec, RunContext } from '../model/types.js';
import { normalizePath } from '../image/fs.js';
import { RunParseError, yamlError, yamlToJS } from './errors.js';
import { unrenderedTemplate } from './yaml-template.js';
import type { Invoker } from './docker.js';

export interface KubernetesOptions {
  file?: string;
  invoker?: Invoker;
  /** Include initContainers too (default true). */
  initContainers?: boolean;
}

type Obj = Record<string, unknown>;

const asObj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

/**
 * An int64 field of a securityContext (runAsUser, runAsGroup, fsGroup): the API server refuses
 * a string or any other non-integer when it decodes the object (encoding/json: "cannot
 * unmarshal string into Go struct field ... of type int64"), so the manifest is bad input.
 */
function idField(v: unknown, field: string, file?: string, line?: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = int(v);
  // encoding/json refuses a number that overflows int64 the same way as a string.
  if (n !== undefined && n >= 0 && n <= 2147483647) return n;
  // Decoded, but out of the id range the API server validates (IsValidUserID/IsValidGroupID).
  if (n !== undefined && n >= -(2 ** 63) && n < 2 ** 63) {
    throw new RunParseError(`${field}: Invalid value: ${n}: must be between 0 and 2147483647, inclusive`, field, file, line);
  }
  if (n !== undefined) {
    const why = `the API server refuses it (cannot unmarshal number ${BigInt(n)} into an int64 field)`;
    throw new RunParseError(`${field}: ${BigInt(n)} is beyond the int64 range; ${why}`, field, file, line);
  }
  const type = Array.isArray(v) ? 'array' : typeof v;
  const shown = typeof v === 'string' ? `"${v}"` : JSON.stringify(v);
  const why = `the API server refuses it (cannot unmarshal ${type} into an int64 field)`;

  throw new RunParseError(`${field}: ${shown} is not an integer; ${why}`, field, file, line);
}

/**
 * A boolean field of a securityContext (runAsNonRoot, privileged, ...). The manifest is read as
 * kubectl reads it, YAML 1.1 (sigs.k8s.io/yaml), so a plain yes or on is already true; a quoted
 * "yes", a number or a list reaches the API server as that type, and it refuses to decode it into
 * a bool (encoding/json: "cannot unmarshal string into Go struct field ... of type bool"), as it
 * does a string runAsUser (idField).
 */
function boolField(v: unknown, field: string, file?: string, line?: number): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  const type = Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;
  const shown = typeof v === 'string' ? `"${v}"` : JSON.stringify(v);
  const why = `the API server refuses it (cannot unmarshal ${type} into a bool field)`;

  throw new RunParseError(`${field}: ${shown} is not a boolean; ${why}`, field, file, line);
}

/** The JSON type name the API server's decoder would meet (encoding/json's words). */
function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

function shownValue(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : JSON.stringify(v);
}

/**
 * A field the API declares a list (command, args, volumeMounts, volumes, containers, env...):
 * the API server refuses any other type when it decodes the object (encoding/json: "cannot
 * unmarshal string into Go struct field Container.spec.containers.command of type []string"),
 * so `command: "sh -c x"` is bad input, as a string runAsUser is (idField). Absent or null is
 * an empty list.
 */
function listField(v: unknown, field: string, file?: string, line?: number): unknown[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  const why = `the API server refuses it (cannot unmarshal ${jsonType(v)} into a list field)`;

  throw new RunParseError(`${field}: ${shownValue(v)} is not a list; ${why}`, field, file, line);
}

/** A field the API declares an object (securityContext, capabilities, a list's items). */
/**
 * The fields of a container, its securityContext and the pod's securityContext in the core/v1
 * API (k8s.io/api core/v1 types.go: Container, SecurityContext, PodSecurityContext).
 */
const CONTAINER_FIELDS = new Set([
  'name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy',
  'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath',
  'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty',
]);
const SECURITY_CONTEXT_FIELDS = new Set([
  'capabilities', 'privileged', 'seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot',
  'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'procMount', 'seccompProfile', 'appArmorProfile',
]);
const POD_SECURITY_CONTEXT_FIELDS = new Set([
  'seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'supplementalGroups', 'supplementalGroupsPolicy',
  'fsGroup', 'sysctls', 'fsGroupChangePolicy', 'seccompProfile', 'appArmorProfile', 'seLinuxChangePolicy',
]);

/**
 * The fields of a pod spec (k8s.io/api core/v1 types.go PodSpec), of a pod volume (Volume: its
 * name and one VolumeSource member) and of a volumeMount (VolumeMount).
 */
const POD_SPEC_FIELDS = new Set([
  'volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds',
  'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken',
  'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname',
  'subdomain', 'affinity', 'schedulerName', 'tolerations', 'hostAliases', 'priorityClassName', 'priority', 'dnsConfig',
  'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'overhead', 'topologySpreadConstraints',
  'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims', 'resources', 'hostnameOverride', 'workloadRef',
]);
const VOLUME_FIELDS = new Set([
  'name', 'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
]);
const VOLUME_MOUNT_FIELDS = new Set(['name', 'readOnly', 'recursiveReadOnly', 'mountPath', 'subPath', 'mountPropagation', 'subPathExpr']);
/**
 * The fields of the volume sources whose files uidctl models, and of their parts (core/v1
 * HostPathVolumeSource, EmptyDirVolumeSource, SecretVolumeSource, ConfigMapVolumeSource,
 * DownwardAPIVolumeSource, ProjectedVolumeSource, VolumeProjection and its members,
 * PersistentVolumeClaimVolumeSource, NFSVolumeSource, KeyToPath, DownwardAPIVolumeFile).
 * Other sources (csi, podCertificate...) are not looked into.
 */
const SOURCE_FIELDS: Record<string, Set<string>> = {
  hostPath: new Set(['path', 'type']),
  emptyDir: new Set(['medium', 'sizeLimit']),
  secret: new Set(['secretName', 'items', 'defaultMode', 'optional']),
  configMap: new Set(['name', 'items', 'defaultMode', 'optional']),
  downwardAPI: new Set(['items', 'defaultMode']),
  projected: new Set(['sources', 'defaultMode']),
  persistentVolumeClaim: new Set(['claimName', 'readOnly']),
  nfs: new Set(['server', 'path', 'readOnly']),
};
const PROJECTION_FIELDS = new Set(['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle', 'podCertificate']);
const PROJECTION_SOURCE_FIELDS: Record<string, Set<string>> = {
  secret: new Set(['name', 'items', 'optional']),
  configMap: new Set(['name', 'items', 'optional']),
  downwardAPI: new Set(['items']),
  serviceAccountToken: new Set(['audience', 'expirationSeconds', 'path']),
  clusterTrustBundle: new Set(['name', 'signerName', 'labelSelector', 'optional', 'path']),
};
const KEY_TO_PATH_FIELDS = new Set(['key', 'path', 'mode']);
const DOWNWARD_FILE_FIELDS = new Set(['path', 'fieldRef', 'resourceFieldRef', 'mode']);

/** Where a field written at the wrong level belongs, for the refusal's words. */
function homeOf(known: Set<string>, key: string, field: string): string {
  if (known === CONTAINER_FIELDS && SECURITY_CONTEXT_FIELDS.has(key)) return ` (it belongs in ${field}.securityContext)`;
  if (known === SECURITY_CONTEXT_FIELDS && POD_SECURITY_CONTEXT_FIELDS.has(key)) return ' (it belongs in the pod\'s securityContext)';
  if (known === POD_SPEC_FIELDS && POD_SECURITY_CONTEXT_FIELDS.has(key)) return ` (it belongs in ${field}.securityContext)`;
  if (known === POD_SPEC_FIELDS && CONTAINER_FIELDS.has(key)) return ` (it belongs in a container, ${field}.containers[])`;
  if (known === VOLUME_FIELDS && VOLUME_MOUNT_FIELDS.has(key)) return ' (it belongs in a container\'s volumeMounts)';

  return '';
}

/**
 * A field the API does not have (`runAsUser` written on the container rather than in its
 * securityContext, `fsGroup` in a container's securityContext, `securityContex` in the pod
 * spec, `volumeMounts` in the pod spec): `kubectl apply` and `create` validate strictly by
 * default (`--validate=strict`) and refuse the manifest; with validation off the field would be
 * dropped without a word, and the pod would run as if it were not written. Refused here, as
 * kubectl does, with where the field belongs when it is known.
 */
function knownFields(o: Obj, known: Set<string>, field: string, file: string | undefined, lineOf: (key: string) => number | undefined): void {
  for (const key of Object.keys(o)) {
    if (known.has(key)) continue;
    const home = homeOf(known, key, field);
    throw new RunParseError(`${field}.${key}: unknown field${home}; kubectl's default strict validation refuses the manifest (strict decoding error: unknown field "${field}.${key}")`, `${field}.${key}`, file, lineOf(key));
  }
}

function objectField(v: unknown, field: string, file?: string, line?: number): Obj {
  if (v === undefined || v === null) return {};
  if (typeof v === 'object' && !Array.isArray(v)) return v as Obj;
  const why = `the API server refuses it (cannot unmarshal ${jsonType(v)} into an object field)`;

  throw new RunParseError(`${field}: ${shownValue(v)} is not an object; ${why}`, field, file, line);
}

/**
 * volumeMounts[].subPath and subPathExpr: the API server validates them as a local descending
 * path (pkg/apis/core/validation validateLocalDescendingPath): not absolute, and no '..'
 * element, so the mount cannot leave its volume.
 */
function subPathField(v: unknown, field: string, file?: string, line?: number): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') {
    const why = `the API server refuses it (cannot unmarshal ${jsonType(v)} into a string field)`;
    throw new RunParseError(`${field}: ${shownValue(v)} is not a string; ${why}`, field, file, line);
  }
  if (v.startsWith('/')) throw new RunParseError(`${field}: Invalid value: "${v}": must be a relative path`, field, file, line);
  if (v.split('/').includes('..')) throw new RunParseError(`${field}: Invalid value: "${v}": must not contain '..'`, field, file, line);

  return v;
}

/** Where the pod template sits in each workload kind. */
const TEMPLATE_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Line (1-based) of the node at path in the document, when the parser kept its range. */
function lineOf(doc: Document, path: (string | number)[], lc: LineCounter): number | undefined {
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;

  return node?.range ? lc.linePos(node.range[0]).line : undefined;
}

/**
 * Line of a mapping's key at path (an unknown field is reported where its name is written, not
 * at the value, which may start on the next line), else of its value.
 */
function keyLineOf(doc: Document, path: (string | number)[], lc: LineCounter): number | undefined {
  const parent = doc.getIn(path.slice(0, -1), true);
  const key = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
    const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
    if (range) return lc.linePos(range[0]).line;
  }

  return lineOf(doc, path, lc);
}

/**
 * Capabilities as the CRI runtime applies them: names without the CAP_ prefix in the API
 * (https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container).
 */
function caps(list: unknown): string[] {
  return asList(list).map((c) => {
    const up = String(c).toUpperCase();
    return up === 'ALL' || up.startsWith('CAP_') ? up : `CAP_${up}`;
  });
}

interface VolumeDef {
  name: string;
  def: Obj;
}

/** What the kubelet takes from the whole pod when it writes a volume's files. */
interface PodVolumeContext {
  /** The pod's FsUser (fsUserOf). */
  fsUser?: number;
  fsGroup?: number;
}

/**
 * The strict check below a pod volume: its own fields, and those of the source types whose
 * files are modelled (their items, a projected volume's sources), as kubectl's strict
 * validation checks every level of the object.
 */
function volumeFields(o: Obj, field: string, file: string | undefined, lineAt: (...keys: (string | number)[]) => number | undefined): void {
  knownFields(o, VOLUME_FIELDS, field, file, (k) => lineAt(k));
  const items = (v: Obj, at: string, keys: (string | number)[], known: Set<string>) => {
    if (!Array.isArray(v.items)) return;
    v.items.forEach((it, i) => knownFields(asObj(it), known, `${at}.items[${i}]`, file, (k) => lineAt(...keys, 'items', i, k)));
  };
  for (const [type, known] of Object.entries(SOURCE_FIELDS)) {
    if (o[type] === undefined || o[type] === null) continue;
    const src = asObj(o[type]);
    knownFields(src, known, `${field}.${type}`, file, (k) => lineAt(type, k));
    items(src, `${field}.${type}`, [type], type === 'downwardAPI' ? DOWNWARD_FILE_FIELDS : KEY_TO_PATH_FIELDS);
    if (type !== 'projected' || !Array.isArray(src.sources)) continue;
    src.sources.forEach((s, si) => {
      const at = `${field}.projected.sources[${si}]`;
      const so = asObj(s);
      knownFields(so, PROJECTION_FIELDS, at, file, (k) => lineAt('projected', 'sources', si, k));
      for (const [kind, fields] of Object.entries(PROJECTION_SOURCE_FIELDS)) {
        if (so[kind] === undefined || so[kind] === null) continue;
        const keys = ['projected', 'sources', si, kind];
        knownFields(asObj(so[kind]), fields, `${at}.${kind}`, file, (k) => lineAt(...keys, k));
        items(asObj(so[kind]), `${at}.${kind}`, keys, kind === 'downwardAPI' ? DOWNWARD_FILE_FIELDS : KEY_TO_PATH_FIELDS);
      }
    });
  }
}

/**
 * The pod's FsUser, the owner the kubelet gives the files of a projected volume's
 * serviceAccountToken (and clusterTrustBundle, podCertificate) sources. kubelet
 * pkg/volume/util/util.go FsUserFrom: every container, init containers included, must have an
 * effective runAsUser (its securityContext's, else the pod's: securitycontext
 * DetermineEffectiveRunAsUser; the image's USER does not count), and all must be the same uid;
 * otherwise there is none and the files stay root's. The projected volume docs say the same
 * ("SecurityContext interactions": with RunAsUser set on Linux, "the projected files have the
 * correct ownership set including container user ownership"). Ephemeral containers cannot be
 * in a manifest that creates the pod.
 */
function fsUserOf(pod: Obj, podSc: Obj): number | undefined {
  let fsUser: number | undefined;
  for (const list of [pod.initContainers, pod.containers]) {
    for (const c of asList(list)) {
      const uid = int(asObj(asObj(c).securityContext).runAsUser) ?? int(podSc.runAsUser);
      if (uid === undefined || (fsUser !== undefined && fsUser !== uid)) return undefined;
      fsUser = uid;
    }
  }

  return fsUser;
}

/** A configMap's or secret's items[] (KeyToPath) and a downwardAPI's items[]: the files named. */
function itemsOf(list: unknown[]): { path: string; key?: string; mode?: number }[] {
  return list.map((it) => {
    const o = asObj(it);
    const item: { path: string; key?: string; mode?: number } = { path: String(o.path ?? o.key ?? '') };
    if (o.key !== undefined) item.key = String(o.key);
    if (int(o.mode) !== undefined) item.mode = int(o.mode);
    return item;
  });
}

/**
 * The files a projected volume's sources put in it. secret and configMap sources give their
 * items (or their keys, which the manifest does not name, without items) and downwardAPI its
 * items, with the item's mode or the volume's defaultMode, owned by root. serviceAccountToken,
 * clusterTrustBundle and podCertificate files are written differently (kubelet
 * pkg/volume/projected/projected.go collectData): owned by the pod's FsUser when it has one
 * (fsUserOf), and with mode 0600 instead of defaultMode when the pod has an FsUser or an
 * fsGroup ("When FsGroup is set, we depend on SetVolumeOwnership to change from 0600 to
 * 0640"); without either they are root's with defaultMode.
 */
function projectedFiles(src: Obj, ctx: PodVolumeContext): { items: { path: string; mode?: number; uid?: number }[]; keysUnlisted: boolean } {
  const items: { path: string; mode?: number; uid?: number }[] = [];
  let keysUnlisted = false;
  const kubeletFile = (path: unknown) => {
    if (path === undefined || path === null || path === '') return;
    const item: { path: string; mode?: number; uid?: number } = { path: String(path) };
    if (ctx.fsUser !== undefined || ctx.fsGroup !== undefined) item.mode = 0o600;
    if (ctx.fsUser !== undefined) item.uid = ctx.fsUser;
    items.push(item);
  };
  for (const s of asList(src.sources)) {
    const so = asObj(s);
    for (const kind of ['secret', 'configMap']) {
      if (so[kind] === undefined || so[kind] === null) continue;
      const listed = asObj(so[kind]).items;
      if (Array.isArray(listed)) items.push(...itemsOf(listed));
      else keysUnlisted = true;
    }
    if (so.downwardAPI !== undefined && so.downwardAPI !== null) items.push(...itemsOf(asList(asObj(so.downwardAPI).items)));
    if (so.serviceAccountToken !== undefined && so.serviceAccountToken !== null) kubeletFile(asObj(so.serviceAccountToken).path);
    if (so.clusterTrustBundle !== undefined && so.clusterTrustBundle !== null) kubeletFile(asObj(so.clusterTrustBundle).path);
    if (so.podCertificate !== undefined && so.podCertificate !== null) {
      const pc = asObj(so.podCertificate);
      for (const k of ['credentialBundlePath', 'keyPath', 'certificateChainPath']) kubeletFile(pc[k]);
    }
  }

  return { items, keysUnlisted };
}

/**
 * One volumeMount -> MountSpec, by the type of the pod volume it names.
 * https://kubernetes.io/docs/concepts/storage/volumes/
 */
function mountOf(vm: Obj, volumes: Map<string, VolumeDef>, where: string, subPath: string | undefined, ctx: PodVolumeContext): MountSpec {
  const name = String(vm.name ?? '');
  const target = normalizePath(String(vm.mountPath ?? '/'));
  const readonly = vm.readOnly === true;
  const written = `${where}: ${name} -> ${target}`;
  const vol = volumes.get(name);
  const base = { target, readonly, written, volumeName: name, ...(subPath !== undefined ? { subPath } : {}) };

  if (!vol) throw new RunParseError(`volumeMount ${name} names no volume of the pod`, where);
  const def = vol.def;

  // hostPath: a bind mount of the node's path. DirectoryOrCreate makes a missing directory
  // (0755) and FileOrCreate an empty file (0644), both owned by the kubelet's user (root);
  // Directory, File, Socket, CharDevice and BlockDevice fail the mount when the check fails;
  // "" checks nothing (the container runtime then makes a missing directory, root 0755).
  // https://kubernetes.io/docs/concepts/storage/volumes/#hostpath, and the kubelet's checks in
  // pkg/volume/hostpath/host_path.go checkTypeInternal.
  if (def.hostPath !== undefined) {
    const hp = asObj(def.hostPath);
    const type = str(hp.type) ?? '';
    const root = normalizePath(String(hp.path ?? '/'));
    const source = subPath ? normalizePath(subPath, root) : root;
    const creates = type === '' || type === 'DirectoryOrCreate' || type === 'FileOrCreate';

    const spec: MountSpec = { ...base, kind: 'bind', source, createMissingSource: creates, volumeType: 'hostPath', hostPathType: type };
    if (subPath) spec.volumeRoot = root;
    return spec;
  }

  // emptyDir: a new world-writable directory (kubelet makes it 0777, see
  // https://github.com/kubernetes/kubernetes/issues/76158); medium Memory is a tmpfs with the
  // same mode. https://kubernetes.io/docs/concepts/storage/volumes/#emptydir
  if (def.emptyDir !== undefined) {
    return { ...base, kind: 'volume', source: name, createMissingSource: false, volumeType: 'emptyDir' };
  }

  // configMap, secret, projected, downwardAPI: kubelet writes the keys as files with
  // defaultMode (0644 unless set); the mount is read-only.
  // https://kubernetes.io/docs/concepts/storage/volumes/#configmap
  // https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
  for (const type of ['configMap', 'secret', 'projected', 'downwardAPI']) {
    if (def[type] === undefined) continue;
    const src = asObj(def[type]);
    const spec: MountSpec = {
      ...base,
      readonly: true,
      kind: 'volume',
      source: str(src.name) ?? str(src.secretName) ?? name,
      createMissingSource: false,
      volumeType: type,
    };
    const mode = int(src.defaultMode);
    if (mode !== undefined) spec.defaultMode = mode;
    if (type === 'projected') {
      const { items, keysUnlisted } = projectedFiles(src, ctx);
      spec.items = items;
      if (keysUnlisted) spec.keysUnlisted = true;
    } else if (Array.isArray(src.items)) {
      spec.items = itemsOf(src.items);
    }
    return spec;
  }

  // persistentVolumeClaim and the rest: a provisioned volume whose owner depends on the driver.
  // https://kubernetes.io/docs/concepts/storage/persistent-volumes/
  const type = Object.keys(def).find((k) => k !== 'name') ?? 'unknown';
  const claim = str(asObj(def.persistentVolumeClaim).claimName);
  // nfs: the server's export, server:path.
  const nfs = def.nfs !== undefined ? `${str(asObj(def.nfs).server) ?? ''}:${str(asObj(def.nfs).path) ?? '/'}` : undefined;
  // The source's own readOnly (persistentVolumeClaim, csi, nfs, iscsi, rbd...) "will force the
  // ReadOnly setting in VolumeMounts" (API reference, PersistentVolumeClaimVolumeSource).
  const forced = asObj(def[type]).readOnly === true;

  return {
    ...base,
    readonly: readonly || forced,
    kind: 'volume',
    source: claim ?? nfs ?? name,
    createMissingSource: false,
    volumeType: type,
  };
}

/** Environment: literal values only; valueFrom references are recorded as unknown text. */
function envOf(list: unknown): Record<string, string> {
  const env: Record<string, string> = {};

  for (const e of asList(list)) {
    const o = asObj(e);
    const name = str(o.name);
    if (!name) continue;
    if (o.value !== undefined) env[name] = String(o.value);
    else if (o.valueFrom !== undefined) env[name] = `<from ${Object.keys(asObj(o.valueFrom))[0] ?? 'reference'}>`;
  }

  return env;
}

/**
 * Parse every workload in a (multi-document) manifest. Pod-level securityContext applies to
 * every container; a container's own securityContext wins where both set a field.
 * https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
 */
export function parseKubernetes(yamlText: string, opts: KubernetesOptions = {}): RunContext[] {
  return parseKubernetesContainers(yamlText, opts).map((c) => c.run);
}

/** One container of one workload, with what `kubectl logs/exec` need to pick a default. */
export interface KubeContainer {
  /** Kind/name, e.g. Job/train. */
  workload: string;
  name: string;
  init: boolean;
  /** The pod's kubectl.kubernetes.io/default-container annotation, when set. */
  defaultContainer?: string;
  run: RunContext;
}

/** parseKubernetes, keeping the workload, the container name and the default-container annotation. */
export function parseKubernetesContainers(yamlText: string, opts: KubernetesOptions = {}): KubeContainer[] {
  return readKubernetes(yamlText, opts).containers;
}

export interface KubeManifest {
  containers: KubeContainer[];
  /** Kind/name of every workload, with containers or not. */
  workloads: string[];
  /** The kinds of the objects that are not workloads (ConfigMap, Service...), in file order. */
  otherKinds: string[];
}

/** The containers of every workload in a manifest, and the kinds it skipped. */
export function readKubernetes(yamlText: string, opts: KubernetesOptions = {}): KubeManifest {
  const lc = new LineCounter();
  // YAML 1.1 as the API server's parser (sigs.k8s.io/yaml) reads it: 0644 is octal.
  // logLevel 'error': the library's warnings (a mapping used as a key, which an unrendered
  // `{{ .Values.x }}` is) would go to stderr through process.emitWarning; they are for us.
  const docs = parseAllDocuments(yamlText, { lineCounter: lc, version: '1.1', logLevel: 'error' });
  if (!Array.isArray(docs)) throw new RunParseError('not a YAML stream', undefined, opts.file);
  const template = unrenderedTemplate(yamlText, docs, lc);
  if (template) {
    const msg = `this looks like an unrendered template (${template.text} is template syntax, not YAML a cluster accepts): render it first with \`helm template\` (or the tool it is written for) and check the manifest that prints`;
    throw new RunParseError(msg, undefined, opts.file, template.line);
  }
  const out: KubeContainer[] = [];
  const workloads: string[] = [];
  const otherKinds: string[] = [];
  const podInits = new Set<KubeContainer>();

  docs.forEach((doc, docIndex) => {
    if (doc.errors.length > 0) {
      throw yamlError(doc.errors[0], opts.file);
    }
    if (!isMap(doc.contents)) return;
    const top = asObj(yamlToJS(doc, opts.file));
    // `kubectl get -o yaml` prints several objects as a List: each item is read as a document.
    const objects: [Obj, (string | number)[]][] =
      top.kind === 'List' ? asList(top.items).map((it, i) => [asObj(it), ['items', i]]) : [[top, []]];

    for (const [obj, at] of objects) {
      const lead = at.length > 0 ? `items[${at[1]}].` : '';
      const kind = String(obj.kind ?? '');
      const path = TEMPLATE_PATHS[kind];
      if (!path) {
        otherKinds.push(kind);
        continue;
      }

      let spec: unknown = obj;
      for (const k of path) spec = asObj(spec)[k];
      const pod = asObj(spec);
      const name = str(asObj(obj.metadata).name) ?? `document ${docIndex + 1}`;
      workloads.push(`${kind}/${name}`);
      const podAt = [...at, ...path];
      const podField = (key: string) => `${lead}${path.join('.')}.${key}`;
      knownFields(pod, POD_SPEC_FIELDS, `${lead}${path.join('.')}`, opts.file, (k) => keyLineOf(doc, [...podAt, k], lc));
      const podSc = objectField(pod.securityContext, podField('securityContext'), opts.file, lineOf(doc, [...podAt, 'securityContext'], lc));
      knownFields(podSc, POD_SECURITY_CONTEXT_FIELDS, podField('securityContext'), opts.file, (k) => keyLineOf(doc, [...podAt, 'securityContext', k], lc));
      // Pods made from a template carry the template's metadata (annotations included).
      let meta: unknown = obj;
      for (const k of [...path.slice(0, -1), 'metadata']) meta = asObj(meta)[k];
      const defaultContainer = str(asObj(asObj(meta).annotations)['kubectl.kubernetes.io/default-container']);
      const volumes = new Map<string, VolumeDef>();
      listField(pod.volumes, podField('volumes'), opts.file, lineOf(doc, [...podAt, 'volumes'], lc)).forEach((v, vi) => {
        const o = objectField(v, `${podField('volumes')}[${vi}]`, opts.file, lineOf(doc, [...podAt, 'volumes', vi], lc));
        volumeFields(o, `${podField('volumes')}[${vi}]`, opts.file, (...keys) => keyLineOf(doc, [...podAt, 'volumes', vi, ...keys], lc));
        volumes.set(String(o.name ?? ''), { name: String(o.name ?? ''), def: o });
      });
      const podCtx: PodVolumeContext = { fsUser: fsUserOf(pod, podSc), fsGroup: int(podSc.fsGroup) };
      // A StatefulSet's volumeClaimTemplates give each pod a claim <template>-<set>-<ordinal>,
      // mounted as a volume named like the template; it replaces a pod volume of that name
      // (pkg/controller/statefulset stateful_set_utils.go updateStorage).
      if (kind === 'StatefulSet') {
        for (const t of asList(asObj(obj.spec).volumeClaimTemplates)) {
          const tname = str(asObj(asObj(t).metadata).name);
          if (!tname) continue;
          const claim = { claimName: `${tname}-${name}-0` };
          volumes.set(tname, { name: tname, def: { name: tname, persistentVolumeClaim: claim } });
        }
      }

      const lists: [string, unknown][] = [['containers', pod.containers]];
      if (opts.initContainers !== false) lists.unshift(['initContainers', pod.initContainers]);

      for (const [listName, list] of lists) {
        listField(list, podField(listName), opts.file, lineOf(doc, [...podAt, listName], lc)).forEach((c, ci) => {
          const nodePath = [...at, ...path, listName, ci];
          const line = isSeq(doc.getIn(nodePath.slice(0, -1), true)) ? lineOf(doc, nodePath, lc) : undefined;
          const fieldOf = (key: string) => `${lead}${[...path, listName].join('.')}[${ci}].${key}`;
          // A field of the wrong type is reported at its own line, else at the container's.
          const lineAt = (...keys: (string | number)[]) => lineOf(doc, [...nodePath, ...keys], lc) ?? line;
          const container = objectField(c, `${lead}${[...path, listName].join('.')}[${ci}]`, opts.file, line);
          knownFields(container, CONTAINER_FIELDS, `${lead}${[...path, listName].join('.')}[${ci}]`, opts.file, (k) => keyLineOf(doc, [...nodePath, k], lc) ?? line);
          const cname = str(container.name) ?? `#${ci}`;
          const sc = objectField(container.securityContext, fieldOf('securityContext'), opts.file, lineAt('securityContext'));
          knownFields(sc, SECURITY_CONTEXT_FIELDS, fieldOf('securityContext'), opts.file, (k) => keyLineOf(doc, [...nodePath, 'securityContext', k], lc) ?? line);
          const where = `${kind}/${name} ${listName === 'containers' ? 'container' : 'initContainer'} ${cname}`;

          // Container fields override the pod's for runAsUser/runAsGroup/runAsNonRoot.
          const scPath = `${lead}${[...path, listName].join('.')}[${ci}].securityContext`;
          const podPath = `${lead}${path.join('.')}.securityContext`;
          // A bad value is reported at its own line, else at the container's.
          const podLine = (key: string) => lineOf(doc, [...at, ...path, 'securityContext', key], lc) ?? line;
          const ownLine = (key: string) => lineOf(doc, [...nodePath, 'securityContext', key], lc) ?? line;
          const podId = (key: string) => idField(podSc[key], `${podPath}.${key}`, opts.file, podLine(key));
          const ownId = (key: string) => idField(sc[key], `${scPath}.${key}`, opts.file, ownLine(key));
          const podUser = podId('runAsUser');
          const podGroup = podId('runAsGroup');
          const runAsUser = ownId('runAsUser') ?? podUser;
          const runAsGroup = ownId('runAsGroup') ?? podGroup;
          const podBool = (key: string) => boolField(podSc[key], `${podPath}.${key}`, opts.file, podLine(key));
          const ownBool = (key: string) => boolField(sc[key], `${scPath}.${key}`, opts.file, ownLine(key));
          const runAsNonRoot = (ownBool('runAsNonRoot') ?? podBool('runAsNonRoot')) === true;
          const fsGroup = podId('fsGroup');
          const policy = str(podSc.supplementalGroupsPolicy);
          const privileged = ownBool('privileged') === true;
          const escalation = ownBool('allowPrivilegeEscalation');
          const readOnlyRoot = ownBool('readOnlyRootFilesystem') === true;
          const capsObj = objectField(sc.capabilities, fieldOf('securityContext.capabilities'), opts.file, lineAt('securityContext', 'capabilities'));
          const capList = (key: string) => listField(capsObj[key], fieldOf(`securityContext.capabilities.${key}`), opts.file, lineAt('securityContext', 'capabilities', key));
          const mountsField = fieldOf('volumeMounts');
          // The API server's validateVolumeMounts: a mountPath is required, and unique within the
          // container as written ("/data" and "/data/" are two; pkg/apis/core/validation).
          const mountPaths = new Set<string>();
          const mounts = listField(container.volumeMounts, mountsField, opts.file, lineAt('volumeMounts')).map((vm, mi) => {
            const o = objectField(vm, `${mountsField}[${mi}]`, opts.file, lineAt('volumeMounts', mi));
            knownFields(o, VOLUME_MOUNT_FIELDS, `${mountsField}[${mi}]`, opts.file, (k) => keyLineOf(doc, [...nodePath, 'volumeMounts', mi, k], lc) ?? line);
            const pathField = `${mountsField}[${mi}].mountPath`;
            const mountPath = o.mountPath === undefined || o.mountPath === null ? '' : String(o.mountPath);
            if (mountPath === '') throw new RunParseError(`${pathField}: Required value`, pathField, opts.file, lineAt('volumeMounts', mi));
            if (mountPaths.has(mountPath)) {
              throw new RunParseError(`${pathField}: Invalid value: "${mountPath}": must be unique`, pathField, opts.file, lineAt('volumeMounts', mi, 'mountPath'));
            }
            mountPaths.add(mountPath);
            const key = o.subPath !== undefined && o.subPath !== null && o.subPath !== '' ? 'subPath' : 'subPathExpr';
            const subPath = subPathField(o[key], `${mountsField}[${mi}].${key}`, opts.file, lineAt('volumeMounts', mi, key));
            return mountOf(o, volumes, where, subPath, podCtx);
          });
          const command = container.command === undefined ? undefined : listField(container.command, fieldOf('command'), opts.file, lineAt('command'));
          const args = container.args === undefined ? undefined : listField(container.args, fieldOf('args'), opts.file, lineAt('args'));

          const run: RunContext = {
            tool: 'kubernetes',
            groupAdd: listField(podSc.supplementalGroups, podField('securityContext.supplementalGroups'), opts.file, lineOf(doc, [...podAt, 'securityContext', 'supplementalGroups'], lc)).map(String),
            mounts,
            env: envOf(listField(container.env, fieldOf('env'), opts.file, lineAt('env'))),
            capAdd: caps(capList('add')),
            capDrop: caps(capList('drop')),
            privileged,
            // allowPrivilegeEscalation: false sets no_new_privs; privileged implies true.
            // https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
            noNewPrivileges: escalation === false && !privileged,
            readOnlyRootfs: readOnlyRoot,
            publish: listField(container.ports, fieldOf('ports'), opts.file, lineAt('ports')).map((p) => String(asObj(p).containerPort ?? '')),
            origin: { file: opts.file, line, text: where },
          };
          if (runAsUser !== undefined) run.user = String(runAsUser);
          if (runAsGroup !== undefined) run.runAsGroup = runAsGroup;
          if (runAsNonRoot) run.runAsNonRoot = true;
          if (fsGroup !== undefined) run.fsGroup = fsGroup;
          if (policy === 'Strict' || policy === 'Merge') run.supplementalGroupsPolicy = policy;
          if (str(container.workingDir)) run.workdir = String(container.workingDir);
          if (str(container.image)) run.image = String(container.image);
          // command replaces ENTRYPOINT, args replaces CMD.
          // https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/
          if (command !== undefined && container.command !== null) run.entrypoint = command.map(String);
          if (args !== undefined && container.args !== null) run.command = args.map(String);
          if (opts.invoker) run.invoker = { ...opts.invoker };
          // hostUsers: false runs the pod in its own user namespace.
          // https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/
          if (pod.hostUsers === false) run.hostUsers = false;
          const entry: KubeContainer = { workload: `${kind}/${name}`, name: cname, init: listName !== 'containers', run };
          if (defaultContainer !== undefined) entry.defaultContainer = defaultContainer;
          out.push(entry);
        });
      }
      // Every init container runs to completion, in order, before the containers start, and
      // shares the pod's volumes with them: a regular container's run carries them.
      // https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
      const inits = out.filter((c) => c.init && c.workload === `${kind}/${name}` && !podInits.has(c));
      for (const c of inits) podInits.add(c);
      if (inits.length > 0) {
        for (const c of out) {
          if (!c.init && c.workload === `${kind}/${name}` && c.run.initContainers === undefined) {
            c.run.initContainers = inits.map((i) => ({ name: i.name, run: i.run }));
          }
        }
      }
    }
  });

  return { containers: out, workloads, otherKinds };
}

export type ContainerChoice = { run: RunContext; note?: string } | { error: string };

/**
 * The container `--container NAME` names (NAME or WORKLOAD-NAME/NAME), or the one kubectl
 * logs/exec default to: the pod's kubectl.kubernetes.io/default-container annotation, else its
 * first regular container, with a note saying so (kubectl prints one too). Init containers are
 * only ever picked by name. Several workloads need a name, as several Compose services do.
 * otherKinds, when the manifest has no workload, says which kinds it has instead.
 */
export function selectContainer(
  list: KubeContainer[],
  file: string,
  pick?: string,
  otherKinds: string[] = [],
): ContainerChoice {
  const label = (c: KubeContainer) => `${c.workload.split('/').slice(1).join('/')}/${c.name}`;

  if (pick !== undefined) {
    const hits = list.filter((c) => c.name === pick || label(c) === pick);
    if (hits.length === 1) return { run: hits[0].run };
    const names = list.map(label).join(', ');
    if (hits.length === 0) return { error: `no container '${pick}' in ${file} (it has ${names || 'none'})` };
    return { error: `${hits.length} containers are named '${pick}' in ${file}: pick one with --container ${hits.map(label).join(' or --container ')}` };
  }

  const workloads = [...new Set(list.map((c) => c.workload))];
  if (workloads.length === 0 && otherKinds.length > 0) {
    const kinds = [...new Set(otherKinds.map((k) => k || '(none)'))];
    const what = kinds.length === 1 ? `kind ${kinds[0]} is not a workload` : `kinds ${kinds.join(', ')} are not workloads`;
    return { error: `${file}: ${what} uidctl reads (it reads ${Object.keys(TEMPLATE_PATHS).join(', ')})` };
  }
  if (workloads.length === 0) return { error: `no container in ${file}` };
  if (workloads.length > 1) {
    const names = list.filter((c) => !c.init).map(label).join(', ');
    return { error: `${file} has ${workloads.length} workloads (${workloads.join(', ')}): pick a container with --container (${names})` };
  }

  const regular = list.filter((c) => !c.init);
  if (regular.length === 0) return { error: `no container in ${file} (only init containers: pick one with --container)` };
  if (regular.length === 1) return { run: regular[0].run };

  const names = regular.map((c) => c.name).join(', ');
  const wanted = regular[0].defaultContainer;
  const annotated = regular.find((c) => c.name === wanted);
  if (annotated) return { run: annotated.run };

  const why = wanted === undefined ? 'the first' : `the first; its default-container annotation names no container '${wanted}'`;
  return {
    run: regular[0].run,
    note: `${file}: ${workloads[0]} has ${regular.length} containers (${names}); checking ${regular[0].name}, ${why} (pick one with --container)`,
  };
}
