import { defineRule, type AnalysisView, type RuleReport } from '../rule.js';
import { checkedFix, declaredVolumeAbove, firstReason, hostFacts, onVolumeAsRoot, renderRunChanges, rootStep, runTool, tmpHomeChanges, who } from '../util.js';
import { permission } from '../../access/evaluate.js';
import type { FileMeta, Fix, MountSpec, Verdict } from '../../model/types.js';
import { groupByGid, userByUid } from '../../image/accounts.js';
import { imageVolumeMounts } from '../../runtime/resolve.js';
import { normalizePath, octal, parentOf, resolvePath } from '../../image/fs.js';

/** Kubernetes volume types whose files the kubelet writes with defaultMode (or items[].mode). */
const PROJECTED = new Set(['configMap', 'secret', 'projected', 'downwardAPI']);

/** Kubernetes volume types the kubelet fills itself (not from a storage driver or server). */
const KUBELET_VOLUMES = new Set(['emptyDir', ...PROJECTED]);

const MAY_READ = 4;

/** The Kubernetes volume source of a mount as it is written in the pod spec, for snippets. */
function volumeSource(m: MountSpec): string[] {
  if (m.volumeType === 'secret') return [`    secret:`, `      secretName: ${m.source ?? 'NAME'}`];
  if (m.volumeType === 'configMap') return [`    configMap:`, `      name: ${m.source ?? 'NAME'}`];

  return [`    ${m.volumeType ?? 'projected'}:`];
}

/**
 * A file of a configMap, secret, projected or downwardAPI volume the process may not read: the
 * kubelet writes every key with defaultMode (0644 unless set) or the item's own mode, owned by
 * root, group fsGroup when the pod sets one (which also ORs 0440 into the mode; resolve.ts
 * applyKubernetesVolume). Without items the keys are not in the manifest: one key is judged.
 */
function projectedFileRefusal(a: AnalysisView, m: MountSpec): { item?: string; meta: FileMeta; reason: string } | undefined {
  const target = normalizePath(m.target);
  const fsGroup = a.run?.fsGroup;
  const itemMode = (mode: number) => (fsGroup === undefined ? mode : mode | 0o440);
  // A projected volume's serviceAccountToken file may be the pod user's (item uid, kubernetes.ts
  // projectedFiles); a secret or configMap source without items adds keys not named here.
  const listed = (m.items ?? []).map((it) => ({ item: normalizePath(it.path, target) as string | undefined, label: normalizePath(it.path, target), mode: itemMode(it.mode ?? m.defaultMode ?? 0o644), uid: it.uid ?? 0 }));
  const unlisted = { item: undefined, label: `each file of ${target}`, mode: itemMode(m.defaultMode ?? 0o644), uid: 0 };
  const files = listed.length === 0 ? [unlisted] : m.keysUnlisted === true ? [...listed, unlisted] : listed;

  for (const f of files) {
    const meta: FileMeta = { kind: 'file', uid: f.uid, gid: fsGroup ?? 0, mode: f.mode };
    const r = permission(a.runtime.identity, f.label, meta, MAY_READ);
    if (!r.ok) return { item: f.item, meta, reason: r.reason };
  }

  return undefined;
}

/** Fixes for a configMap/secret volume whose files the process may not read. */
function projectedFixes(a: AnalysisView, m: MountSpec): Fix[] {
  const p = a.runtime.process;
  const fixes: Fix[] = [];
  const name = m.volumeName ?? 'data';
  if (a.run?.fsGroup === undefined) {
    const g = p.gid !== 0 ? p.gid : p.uid;
    fixes.push({
      description: `Set the pod's fsGroup: the kubelet then gives the volume's files to group ${g} and adds group read (0440) to their mode, and adds ${g} to the process's groups; defaultMode stays as it is for everyone else.`,
      snippet: `# in the pod spec:\nsecurityContext:\n  fsGroup: ${g}`,
      safe: false,
    });
  }
  fixes.push({
    description: `Or give the volume's files a mode every user may read (the image's ${m.target} is hidden by the volume, so a Dockerfile chmod does not reach it).`,
    snippet: ['# in the pod spec:', 'volumes:', `  - name: ${name}`, ...volumeSource(m), '      defaultMode: 0444'].join('\n'),
    safe: false,
  });

  return fixes;
}

/** The host-side and run-side fixes for a bind mount (or hostPath) of a folder of another user. */
function bindFixes(a: AnalysisView, m: MountSpec, owner: FileMeta): Fix[] {
  const p = a.runtime.process;
  const k8s = a.run?.tool === 'kubernetes';
  const where = k8s ? 'node' : 'host';
  const fixes: Fix[] = [];
  const groupReadable = (owner.mode & 0o050) === 0o050;
  const file = owner.kind === 'file';
  const thing = file ? 'file' : 'folder';

  // Root's group (0) is never the one to hand out.
  if (groupReadable && owner.gid !== 0 && !p.groups.includes(owner.gid) && p.gid !== owner.gid) {
    // gosu and the other switches take the groups from /etc/group: a --group-add of the starting
    // process does not reach the workload, a membership in the image does.
    const switched = a.runtime.drop !== undefined || (a.runtime.script !== undefined && a.runtime.script.from.uid !== p.uid);
    if (switched && p.userName) {
      const existing = groupByGid(a.image.accounts, owner.gid);
      fixes.push({
        description: `The ${thing}'s group ${owner.gid} may read it: make ${p.userName} a member of it in the image (the switch to ${p.userName} takes its groups from /etc/group, so --group-add would not reach the workload).`,
        snippet: existing ? `RUN usermod -aG ${existing.name} ${p.userName}` : `RUN groupadd -g ${owner.gid} hostdata && usermod -aG hostdata ${p.userName}`,
        safe: false,
      });
    } else if (!switched) {
      fixes.push({ description: `The ${thing}'s group ${owner.gid} may read it: add that group to the container.`, snippet: renderRunChanges(a, [{ kind: 'group-add', gids: [owner.gid] }]), safe: false });
    }
  }
  const acl: Fix[] = m.source === undefined ? [] : [{
    description: file
      ? `Or give uid ${p.uid} alone read access with an ACL entry, which leaves the file private to everyone else.`
      : `Or give uid ${p.uid} alone read access with an ACL entry (default entries too, for files added later).`,
    snippet: file ? `sudo setfacl -m u:${p.uid}:r ${m.source}` : `sudo setfacl -R -m u:${p.uid}:rX -m d:u:${p.uid}:rX ${m.source}`,
    safe: false,
  }];
  const everyone: Fix[] = m.source === undefined ? [] : [{
    description: file
      ? `Or let every user read the file on the ${where} (not for keys and secrets: ssh, for one, refuses a private key others may read).`
      : `Let every user read the folder on the ${where} (X adds search to folders only), which leaves its owner as it is.`,
    snippet: file ? `sudo chmod a+r ${m.source}` : `sudo chmod -R a+rX ${m.source}`,
    safe: false,
  }];
  const owners: Fix[] = [];
  if (owner.uid !== 0 && owner.uid !== p.uid) {
    const imageUser = userByUid(a.image.accounts, owner.uid);
    owners.push(imageUser
      ? { description: `Or run as ${imageUser.name}, the image's user with uid ${owner.uid}, the ${thing}'s owner.`, snippet: renderRunChanges(a, [{ kind: 'user', uid: owner.uid, gid: imageUser.gid, name: imageUser.name }]), safe: false }
      : { description: `Or run as the ${thing}'s owner; uid ${owner.uid} has no passwd entry in the image, so HOME becomes / unless you set it.`, snippet: renderRunChanges(a, [{ kind: 'user', uid: owner.uid, gid: owner.gid }, ...tmpHomeChanges(a)]), safe: false });
  }
  // A data folder is opened to everyone; a file may be a key: the narrow fixes come first.
  fixes.push(...(file ? [...acl, ...owners, ...everyone] : [...everyone, ...acl, ...owners]));
  if (k8s) {
    const sc = a.run?.runAsNonRoot ? ['      runAsUser: 0', '      runAsNonRoot: false'] : ['      runAsUser: 0'];
    fixes.push({
      description: 'Or let a root init container open the volume to every user before the container starts (init containers run to completion first, on the same volume); the node\'s folder changes too.',
      snippet: ['# in the pod spec:', 'initContainers:', '  - name: volume-mode', '    image: busybox', `    command: ["chmod", "-R", "a+rX", "${m.target}"]`, '    securityContext:', ...sc, '    volumeMounts:', `      - name: ${m.volumeName ?? 'data'}`, `        mountPath: ${m.target}`].join('\n'),
      safe: false,
    });
  }

  return fixes;
}

/** Fixes for a volume the engine or a driver makes: a Docker volume copies the image path. */
function volumeFixes(a: AnalysisView, m: MountSpec): { fixes: Fix[]; line?: number } {
  const p = a.runtime.process;
  const k8s = a.run?.tool === 'kubernetes';
  if (k8s && m.volumeType !== undefined && !KUBELET_VOLUMES.has(m.volumeType)) {
    const fixes: Fix[] = [];
    if (m.volumeType !== 'nfs' && a.run?.fsGroup === undefined) {
      const g = p.gid !== 0 ? p.gid : p.uid;
      fixes.push({
        description: `Set the pod's fsGroup: before the container starts, the kubelet gives the volume's files to group ${g} with group read and write (on volume types whose driver supports ownership management), and adds ${g} to the process's groups.`,
        snippet: `# in the pod spec:\nsecurityContext:\n  fsGroup: ${g}\n  fsGroupChangePolicy: OnRootMismatch`,
        safe: false,
      });
    }
    fixes.push({
      description: 'Or let a root init container open the volume to every user before the container starts (init containers run to completion first, on the same volume).',
      snippet: ['# in the pod spec:', 'initContainers:', '  - name: volume-mode', '    image: busybox', `    command: ["chmod", "-R", "a+rX", "${m.target}"]`, '    securityContext:', '      runAsUser: 0', '    volumeMounts:', `      - name: ${m.volumeName ?? 'data'}`, `        mountPath: ${m.target}`].join('\n'),
      safe: false,
    });

    return { fixes };
  }
  if (m.kind === 'image-volume') {
    return {
      fixes: [{
        description: `Make ${m.target} readable before the VOLUME line, so each new anonymous volume copies that mode (the classic builder discards changes made after VOLUME).`,
        snippet: `RUN mkdir -p ${m.target} && chmod a+rX ${m.target}\nVOLUME ${m.target}`,
        safe: false,
      }],
      line: a.sim.target.lines.volumes[m.target],
    };
  }
  if (m.kind === 'tmpfs') {
    const tool = runTool(a);
    const flag = `${m.target}:uid=${p.uid},gid=${p.gid}${m.tmpfsMode !== undefined ? `,mode=${m.tmpfsMode.toString(8).padStart(4, '0')}` : ''}`;
    return {
      fixes: tool === 'kubernetes' ? [] : [{
        description: `Give the tmpfs to uid ${p.uid} as it is mounted (tmpfs's uid= and gid= options).`,
        snippet: tool === 'compose' ? `tmpfs:\n  - ${flag}` : `--tmpfs ${flag}`,
        safe: false,
      }],
    };
  }
  // A new named volume copies the image path, owner and mode included.
  const run = `RUN mkdir -p ${m.target} && chmod a+rX ${m.target}`;
  const step = rootStep(a, run);
  const declared = declaredVolumeAbove(a, normalizePath(m.target), step.edit.startLine);
  // The classic builder and buildah (before 1.37) discard what a RUN after `VOLUME X` changes at
  // or below X (measured: volumes/read-fix-after-volume-lost, read-fix-before-volume-kept): the
  // RUN goes before that line, checked against the model as UID201's.
  const inImage = declared
    ? checkedFix(a, {
      description: `Make ${m.target} readable before \`VOLUME ${declared.path}\` at line ${declared.line}, so the new volume copies that mode: with the ${a.builder === 'classic' ? 'classic builder' : 'buildah builder'} a RUN after the VOLUME line changes nothing at or below ${declared.path} (its changes there are discarded; BuildKit and buildah 1.37+ keep them). A volume that already holds data keeps its own; open it once from a root container instead.`,
      snippet: `${run}\nVOLUME ${declared.path}`,
      safe: false,
    }, { edit: { file: a.file, startLine: declared.line, endLine: declared.line - 1, text: run } }, (b) => b.check(normalizePath(m.target), 'read').allowed)
    : {
      description: `Make the path readable in the image before the volume is first used, so the new volume copies that mode: put this ${step.where}. A volume that already holds data keeps its own; open it once from a root container instead.`,
      snippet: step.snippet,
      safe: false,
      edit: step.edit,
    };

  return {
    fixes: [...(inImage ? [inImage] : []), {
      description: `Or open the volume to every user once, from a root container.`,
      snippet: onVolumeAsRoot(a, m, 'chmod', '-R a+rX', ['FOWNER', 'DAC_READ_SEARCH']),
      safe: false,
    }],
  };
}

/** Words for where the mount's files come from, for the why. */
function originWords(a: AnalysisView, m: MountSpec): string {
  const k8s = a.run?.tool === 'kubernetes';
  if (k8s && m.volumeType !== undefined && PROJECTED.has(m.volumeType)) {
    return `The kubelet writes the ${m.volumeType}'s keys as files owned by root${a.run?.fsGroup !== undefined ? `, group ${a.run.fsGroup}` : ''}, with defaultMode (0644 when unset) or each item's mode${a.run?.fsGroup !== undefined ? ', group read ORed in for fsGroup' : ''}; the image's owners and modes do not reach them.`;
  }
  if (m.kind === 'bind') {
    return k8s
      ? 'A hostPath volume shows the node\'s folder with its owner and mode there; uids are not translated, and hostPath volumes do not support ownership management (fsGroup does not apply).'
      : 'A bind mount shows the host folder with its host owner and mode; uids are not translated, and :ro changes nothing about who may read.';
  }
  if (m.kind === 'tmpfs') return 'A tmpfs is made as the container starts, owned by root unless its uid= and gid= options say otherwise, with the mode it is given.';
  if (k8s && m.volumeType !== undefined && !KUBELET_VOLUMES.has(m.volumeType)) return 'The volume is not filled from the image: Kubernetes mounts the storage as its driver made it.';

  return 'A new volume starts as a copy of the image path, owner and mode included.';
}

export default defineRule({
  id: 'UID205',
  name: 'mount-not-readable',
  description: 'A mounted folder or file is owned by another uid and its mode does not let the process read it: listing or opening it fails with Permission denied.',
  category: 'mounts',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report, rules) {
    const p = a.runtime.process;
    if (a.runtime.errors.length > 0) return;

    // The image's own VOLUMEs become anonymous volumes at every start, run line or not.
    const mounts = [...(a.run?.mounts ?? []), ...imageVolumeMounts(a.image, a.run?.mounts ?? [])];
    for (const m of mounts) {
      const target = normalizePath(m.target);
      // A read-write mount UID201 finds unwritable for the same owner and mode: its finding and
      // fixes (which give the folder to the process) cover reading too.
      if (!m.readonly && rules.runs('UID201')) {
        const w = a.check(target, 'create');
        if (!w.allowed && w.errno === 'EACCES') continue;
      }
      // podman refuses to start in a working directory it cannot enter: UID107 says so.
      if (a.engine === 'podman' && p.cwd === target && rules.runs('UID107') && !a.checkStart(target, 'chdir').allowed) continue;

      // Sockets and device nodes are not read as data: a device is UID801's, a socket asks for
      // write permission to connect.
      const kind = resolvePath(a.runtime.view.fs, target).meta?.kind;
      if (kind !== undefined && kind !== 'dir' && kind !== 'file') continue;
      const v = a.check(target, 'read');
      let report1: RuleReport | undefined;
      if (!v.allowed && v.errno === 'EACCES') {
        report1 = refusedMount(a, m, v, mounts);
      } else if (v.allowed && a.run?.tool === 'kubernetes' && m.volumeType !== undefined && PROJECTED.has(m.volumeType) && m.subPath === undefined) {
        // The folder is readable; its files are the kubelet's, with defaultMode.
        // defaultMode and items[].mode are in the manifest: every key gets that mode, whichever
        // keys the source has.
        const f = projectedFileRefusal(a, m);
        if (f) {
          const what = f.item !== undefined ? `${f.item} (${m.written}): the kubelet writes it` : `the files of ${m.target} (${m.written}): the kubelet writes them`;
          report1 = {
            message: `${who(a)} cannot read ${what} ${f.meta.uid}:${f.meta.gid} with mode ${octal(f.meta.mode)} - Permission denied.`,
            why: `${f.reason}. ${originWords(a, m)}`,
            fixes: projectedFixes(a, m),
          };
        }
      }
      if (report1) report(report1);
    }
    // Files docker compose copies in before the start (environment: and content: secrets and
    // configs): read as the secret's reader would, with the owner and mode given them.
    for (const f of a.run?.files ?? []) {
      const v = a.check(f.path, 'read');
      if (v.allowed || v.errno !== 'EACCES') continue;
      report({
        message: `${who(a)} cannot read ${f.path} (${f.written}): compose writes it ${f.uid}:${f.gid} with mode ${octal(f.mode)} - Permission denied.`,
        why: `${firstReason(v)}. ${f.basis}.`,
        dependsOn: v.dependsOn,
        unsureSeverity: f.confidence === 'high' ? undefined : 'warning',
        fixes: [
          { description: `Give the secret (or config) to the user the container runs as, with its long syntax (uid, gid, mode).`, snippet: `secrets:\n  - source: NAME\n    uid: "${a.runtime.process.uid}"\n    gid: "${a.runtime.process.gid}"\n    mode: 0400`, safe: false },
        ],
      });
    }
  },
});

/** The finding for a mount whose own root (or a folder above it) refuses reading. */
function refusedMount(a: AnalysisView, m: MountSpec, v: Verdict, mounts: MountSpec[]): RuleReport {
  const p = a.runtime.process;
  const target = normalizePath(m.target);

  // Blocked above the mount: its own owner and mode do not matter, and the fix is up there.
  const up = parentOf(target);
  const reach = up === target ? undefined : a.check(up, 'chdir');
  if (reach && !reach.allowed && reach.errno === 'EACCES') {
    const above = mounts
      .filter((o) => o !== m && (up === normalizePath(o.target) || up.startsWith(`${normalizePath(o.target)}/`)))
      .sort((x, y) => y.target.length - x.target.length)[0];
    const aboveText = above ? `${above.target} (${above.written})` : up;

    return {
      message: `${who(a)} cannot reach ${m.target} (${m.written}): ${aboveText} above it may not be entered - Permission denied.`,
      why: `${firstReason(reach)}. Every folder on the way to a mount must allow search (x) for the process; while ${up} does not, the mounted folder's own owner and mode do not matter.`,
      dependsOn: reach.dependsOn,
      fixes: above?.kind === 'bind' && above.source
        ? [{ description: `Let every user pass through ${above.target}: on the host, without listing it.`, snippet: `chmod o+x ${above.source}`, safe: false }]
        : above
          ? []
          : [{ description: `Let uid ${p.uid} pass through ${up} in the image.`, snippet: `RUN chmod o+x ${up}`, safe: false }],
    };
  }

  const owner = a.runtime.view.fs.get(target);
  const facts = m.kind === 'bind' ? hostFacts(a, m.source) : undefined;
  const k8s = a.run?.tool === 'kubernetes';
  const ownerText = owner ? `${owner.uid}:${owner.gid} with mode ${octal(owner.mode)}` : 'another user';
  const onHost = facts?.meta ? (k8s ? ' on the node' : ' on the host') : '';
  let fixes: Fix[];
  let line: number | undefined;
  if (k8s && m.volumeType !== undefined && PROJECTED.has(m.volumeType)) fixes = projectedFixes(a, m);
  else if (m.kind === 'bind' && owner) fixes = bindFixes(a, m, owner);
  else ({ fixes, line } = volumeFixes(a, m));

  // Doubts that may give the process what the bits refuse: a host folder nothing is known of
  // (taken as root 0755), ACL entries not read, an init container or an entrypoint script not
  // followed that may change the mode first, an owner the volume driver decides.
  const hostGuess = v.dependsOn.some((id) => id.startsWith('host-unknown:'));
  const aclDoubt = v.dependsOn.some((id) => id.startsWith('host-acl:'));
  const initDoubt = v.dependsOn.some((id) => id.startsWith('k8s-init'));
  const unsure = hostGuess || aclDoubt || initDoubt || v.dependsOn.includes('entrypoint:runs-arguments') ||
    (m.kind !== 'bind' && v.dependsOn.some((id) => !id.startsWith('volume-new:')));
  const cannot = unsure ? 'may not be able to read' : 'cannot read';

  return {
    message: `${who(a)} ${cannot} ${m.target} (${m.written}): it belongs to ${ownerText}${onHost}${aclDoubt ? ', unless its ACL entries (not read) allow it' : ''} - Permission denied.`,
    why: `${firstReason(v)}. ${originWords(a, m)}`,
    dependsOn: v.dependsOn,
    unsureSeverity: unsure ? 'warning' : undefined,
    line,
    fixes,
  };
}
