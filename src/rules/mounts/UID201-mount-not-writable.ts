import { defineRule, type AnalysisView, type RuleReport } from '../rule.js';
import type { Analysis } from '../../analyze.js';
import { busyboxAccounts, checkedFix, declaredVolumeAbove, engineSocket, firstReason, freeUserName, hostFacts, onVolumeAsRoot, renderRunChanges, rootStep, runTool, startCommand, tmpHomeChanges, uidBuildArg, unknownId, who, withoutNocopy } from '../util.js';
import { evaluate } from '../../access/evaluate.js';
import { pythonScript } from '../identity/UID106-entrypoint-not-executable.js';
import type { FileMeta, Fix, MountSpec, RunContext, Verdict } from '../../model/types.js';
import { groupByGid, userByUid } from '../../image/accounts.js';
import { imageVolumeMounts } from '../../runtime/resolve.js';
import { hostIdsOf } from '../../runtime/userns.js';
import { ancestry, isUnder, normalizePath, parentOf } from '../../image/fs.js';

/**
 * What the workload needs from the image that another uid would lose: the script python is
 * given and the working folder, judged for uid:gid with no capabilities. A fix that runs as
 * the folder's owner says so, rather than trade one Permission denied for another.
 */
function lostInputs(a: AnalysisView, uid: number, gid: number, moved?: string): string {
  const id = { uid, gid, groups: [gid], caps: new Set<never>(), label: `uid ${uid}` };
  const lost: string[] = [];
  const argv = a.runtime.drop?.command ?? startCommand(a);
  const script = pythonScript(argv);
  const cwd = a.runtime.process.cwd;
  if (script !== undefined) {
    const path = normalizePath(script, cwd);
    if (!evaluate(id, a.runtime.view, path, 'read', false).allowed && a.check(path, 'read').allowed) lost.push(`read ${path} (RUN chmod a+r ${path})`);
  }
  if (cwd !== '/' && !evaluate(id, a.runtime.view, cwd, 'chdir', false).allowed && a.check(cwd, 'chdir').allowed) {
    // The folder that stops it: the first on the way it may not pass through (search), or the
    // working folder itself.
    const stop = ancestry(cwd).slice(1, -1).find((d) => !evaluate(id, a.runtime.view, d, 'chdir', false).allowed);
    lost.push(stop === undefined ? `enter ${cwd} (RUN chmod a+rx ${cwd})` : `enter ${cwd}, as it may not pass through ${stop} (RUN chmod o+x ${stop})`);
  }
  // usermod -u gives the user the files of its home that the old uid owns: those follow it.
  const p = a.runtime.process;
  const follows = (path: string) => moved !== undefined && moved !== '/' && (path === moved || path.startsWith(`${moved}/`)) && a.runtime.view.fs.get(path)?.uid === p.uid;
  if (moved !== undefined) {
    const kept = lost.filter((x) => !follows(/^(?:read|enter) (\S+)/.exec(x)![1]));
    lost.splice(0, lost.length, ...kept);
  }

  return lost.length > 0 ? ` But uid ${uid} could then not ${lost.join(' or ')}, which the image gives only to its current user: change that too.` : '';
}

/**
 * A root init container that gives the volume to the process before it starts: it runs to
 * completion first, on the same pod volume
 * (https://kubernetes.io/docs/concepts/workloads/pods/init-containers/). With runAsNonRoot in
 * the pod's securityContext it must say runAsNonRoot: false to run as root.
 */
function initContainerFix(a: AnalysisView, m: MountSpec, uid: number, gid: number, description: string): Fix {
  const sc = a.run?.runAsNonRoot ? ['      runAsUser: 0', '      runAsNonRoot: false'] : ['      runAsUser: 0'];
  return {
    description,
    snippet: [
      '# in the pod spec:',
      'initContainers:',
      '  - name: volume-owner',
      '    image: busybox',
      `    command: ["chown", "-R", "${uid}:${gid}", "${m.target}"]`,
      '    securityContext:',
      ...sc,
      '    volumeMounts:',
      `      - name: ${m.volumeName ?? 'data'}`,
      `        mountPath: ${m.target}`,
    ].join('\n'),
    safe: false,
  };
}

/**
 * The pod's init containers that change this volume: they mount it writable and their command
 * runs chown, chgrp or chmod. They run after the kubelet has applied fsGroup and before the
 * container, so what they leave is what the container finds.
 */
function changingInits(a: AnalysisView, m: MountSpec): { name: string; run: RunContext; target: string }[] {
  if (m.volumeName === undefined) return [];
  return (a.run?.initContainers ?? []).flatMap(({ name, run }) => {
    const mine = run.mounts.find((x) => x.volumeName === m.volumeName && !x.readonly);
    const argv = [...(run.entrypoint ?? []), ...(run.command ?? [])];
    return mine && argv.some((w) => /(^|[\s;&|(])(chown|chgrp|chmod)\s/.test(`${w} `)) ? [{ name, run, target: normalizePath(mine.target) }] : [];
  });
}

/**
 * The init container's command with each `chown [-R...] OWNER PATH` of its volume (the mount
 * path or below) giving it to uid:gid instead; undefined when it has no such chown. In the
 * field the manifest gave it: command (ENTRYPOINT) or args.
 */
function rechowned(init: { run: RunContext; target: string }, uid: number, gid: number): { field: 'command' | 'args'; argv: string[] } | undefined {
  const esc = init.target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[\\s;&|(])chown((?:\\s+-[A-Za-z-]+)*)\\s+[^\\s;&|-][^\\s;&|]*(?=((?:\\s+[^\\s;&|]+)*?)\\s+["']?${esc}(?:/[^\\s;&|]*)?["']?(?=$|[\\s;&|)]))`, 'g');
  const swap = (words: string[]): string[] | undefined => {
    let changed = false;
    const out = words.map((w) => w.replace(re, (_x, lead: string, opts: string) => {
      changed = true;
      return `${lead}chown${opts} ${uid}:${gid}`;
    }));
    // The exec form: ["chown", "-R", "1000:1000", "/data"].
    const i = words.findIndex((w) => /(^|\/)chown$/.test(w));
    if (!changed && i >= 0) {
      let j = i + 1;
      while (j < words.length && words[j].startsWith('-')) j++;
      if (j < words.length - 1 && words.slice(j + 1).some((w) => normalizePath(w) === init.target || normalizePath(w).startsWith(`${init.target}/`))) {
        const next = [...words];
        next[j] = `${uid}:${gid}`;
        return next;
      }
    }
    return changed ? out : undefined;
  };
  const command = init.run.entrypoint;
  const args = init.run.command;
  const c = command ? swap(command) : undefined;
  if (c) return { field: 'command', argv: c };
  const r = args ? swap(args) : undefined;

  return r ? { field: 'args', argv: r } : undefined;
}

/** Kubernetes volume types the kubelet fills itself (not from a storage driver or server). */
const KUBELET_VOLUMES = new Set(['emptyDir', 'configMap', 'secret', 'projected', 'downwardAPI']);

/** How the report names a Kubernetes volume type. */
function volumeWords(m: MountSpec): string {
  if (m.volumeType === 'persistentVolumeClaim') return `The PersistentVolumeClaim ${m.source ?? ''}`.trim();
  if (m.volumeType === 'nfs') return 'An nfs volume';
  return `A ${m.volumeType} volume`;
}

export default defineRule({
  id: 'UID201',
  name: 'mount-not-writable',
  description: 'A read-write mount is owned by another uid and its mode does not let the process write: Permission denied.',
  category: 'mounts',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    if (a.runtime.errors.length > 0) return;

    // The image's own VOLUMEs become anonymous volumes at every start, run line or not.
    const mounts = [...(a.run?.mounts ?? []), ...imageVolumeMounts(a.image, a.run?.mounts ?? [])];
    for (const m of mounts) {
      // An engine's socket the process may not use is as it should be (UID207 judges the one it may).
      if (m.readonly || engineSocket(m) !== undefined) continue;
      const v = a.check(m.target, 'create');
      if (v.allowed || v.errno !== 'EACCES') continue;

      // Blocked above the mount (a parent folder, maybe another mount, the process may not
      // enter): the mount's own owner and mode do not matter, and the fix is up there.
      const up = parentOf(m.target);
      const reach = up === m.target ? undefined : a.check(up, 'chdir');
      if (reach && !reach.allowed && reach.errno === 'EACCES') {
        const above = mounts
          .filter((o) => o !== m && (up === o.target || up.startsWith(`${o.target}/`)))
          .sort((x, y) => y.target.length - x.target.length)[0];
        const aboveText = above ? `${above.target} (${above.written})` : up;
        report({
          message: `${who(a)} cannot reach ${m.target} (${m.written}): ${aboveText} above it may not be entered - Permission denied.`,
          why: `${firstReason(reach)}. Every folder on the way to a mount must allow search (x) for the process; while ${up} does not, the mounted folder's own owner and mode do not matter.`,
          dependsOn: reach.dependsOn,
          fixes: above?.kind === 'bind' && above.source
            ? [
              { description: `Let uid ${p.uid} enter ${above.target}: give the host folder ${above.source} to it.`, snippet: `sudo chown ${p.uid}:${p.gid} ${above.source}`, safe: false },
              { description: `Or let everyone pass through it without listing it.`, snippet: `chmod o+x ${above.source}`, safe: false },
            ]
            : above
              ? []
              : [{ description: `Let uid ${p.uid} pass through ${up} in the image.`, snippet: `RUN chmod o+x ${up}`, safe: false }],
        });
        continue;
      }

      if (m.kind === 'tmpfs') {
        report(tmpfsReport(a, m, v));
        continue;
      }

      const k8s = a.run?.tool === 'kubernetes';
      const facts = hostFacts(a, m.source);
      const owner = a.runtime.view.fs.get(m.target);
      const ownerText = owner ? `${owner.uid}:${owner.gid}` : 'another user';
      const fixes: Fix[] = [];
      let imageVolumeLine: number | undefined;
      const groupWritable = owner !== undefined && (owner.mode & 0o030) === 0o030;
      // Kubernetes: an init container that chowns or chmods the volume runs after the kubelet
      // has applied fsGroup, and leaves it as the container finds it: its command is what to
      // change (when the owner's bits it leaves let the owner write).
      const inits = k8s ? changingInits(a, m) : [];
      const initRewrites: Fix[] = [];
      for (const init of owner !== undefined && (owner.mode & 0o300) === 0o300 ? inits : []) {
        const next = rechowned(init, p.uid, p.gid);
        if (!next) continue;
        initRewrites.push({
          description: `Change the init container ${init.name}, which runs before the container and gives the volume to ${ownerText}: let it give the volume to uid ${p.uid} instead.`,
          snippet: ['# in the pod spec:', 'initContainers:', `  - name: ${init.name}`, `    ${next.field}: ${flowList(next.argv)}`].join('\n'),
          safe: false,
        });
      }

      const rootless = a.assumptions.some((x) => x.id === 'userns:rootless-podman');
      // Rootless Docker: the daemon's user namespace, shared by its containers (runtime/userns.ts).
      const daemon = a.run?.daemon?.kind === 'rootless' ? a.run.daemon : undefined;
      const rootlessDocker = daemon !== undefined && a.assumptions.some((x) => x.id === 'userns:rootless-docker');
      // podman's own maps (--uidmap/--gidmap, or /etc/subuid for auto, nomap, --subuidname).
      const mapped = a.assumptions.find((x) => x.id === 'userns:podman-idmap' || x.id === 'userns:podman-subid')?.id;
      const inv = a.run?.invoker;
      // keep-id is already there but the image's USER wins (released podman): map the caller to
      // that uid instead, so the caller's folder belongs to the process inside.
      const keepId = a.run?.userns?.startsWith('keep-id') === true && inv !== undefined && p.uid !== inv.uid;
      if (rootless && m.kind === 'bind' && owner && inv && keepId && !owner.unmapped) {
        fixes.push({ description: `Map your host uid to uid ${p.uid}, the user the image runs as, so the folder you own is that user's inside.`, snippet: renderRunChanges(a, [{ kind: 'keep-id', uid: p.uid, gid: p.gid }]), safe: false });
      } else if (rootless && m.kind === 'bind' && owner && inv) {
        fixes.push(
          owner.unmapped
            ? { description: `The folder belongs to another host user, which rootless podman cannot map: give it to you (uid ${inv.uid}) and keep your uid inside.`, snippet: `sudo chown -R ${inv.uid}:${inv.gid} ${m.source}\n${renderRunChanges(a, [{ kind: 'keep-id' }])}`, safe: false }
            : { description: `Keep your host uid inside the container, so the folder you own stays yours.`, snippet: renderRunChanges(a, [{ kind: 'keep-id' }]), safe: false },
        );
      }
      // podman's own answer: U hands the source to the process's uid and gid as it starts.
      if (runTool(a) === 'podman' && (m.kind === 'bind' || m.kind === 'volume') && m.source !== undefined && !m.chownToUser && !m.readonly) {
        // Rootless, container uid p.uid is one of the caller's subordinate uids on the host: the
        // caller's own folder then belongs to that uid (podman unshare chown gives it back).
        fixes.push({
          description: rootless && m.kind === 'bind'
            ? `Let podman give ${m.source} and everything in it to uid ${p.uid}:${p.gid} as the container starts: rootless, that is one of your subordinate uids on the host, so the folder stops being yours there (\`podman unshare chown -R 0:0 ${m.source}\` gives it back).`
            : `Let podman give ${m.source} and everything in it to uid ${p.uid}:${p.gid} as the container starts (the U option changes the owners on the host too, recursively).`,
          snippet: withChownOption(m.written),
          safe: false,
        });
      }
      if (rootless && m.kind === 'bind' && owner && inv) {
        // Host-side chowns and --user tricks do not translate through the namespace.
      } else if (rootlessDocker && m.kind === 'bind' && owner && daemon) {
        fixes.push(...rootlessDockerFixes(a, m, owner, facts?.hostOwner, daemon));
      } else if (mapped && m.kind === 'bind' && owner) {
        // Inside, an unmapped owner is nobody's (65534 is only its stand-in): the fix is the host
        // owner that the run user maps to, known when podman is rootful with --uidmap/--gidmap.
        const host = mapped === 'userns:podman-idmap' && a.run ? hostIdsOf(a.run, p.uid, p.gid) : undefined;
        if (host) fixes.push({ description: `Or give the folder to host uid ${host[0]}, which is uid ${p.uid} inside under the run's --uidmap.`, snippet: `sudo chown -R ${host[0]}:${host[1]} ${m.source}`, safe: false });
      } else if (m.kind === 'bind' && facts && !facts.exists) {
        // Docker creates a missing -v source as root: make it first, owned by the run user.
        fixes.push({ description: 'Create the folder before starting, owned by the container user.', snippet: `mkdir -p ${m.source} && sudo chown ${p.uid}:${p.gid} ${m.source}`, safe: false });
      } else if (m.kind === 'bind' && owner) {
        // docker-stacks images renumber their user at start (start.sh, run as root): the
        // documented way to match a host folder's owner (docs "Common Features": NB_UID, NB_GID).
        if (owner.uid !== 0 && stacksImage(a)) {
          fixes.push({
            description: `Start as root and let the image's start.sh renumber ${p.userName ?? 'its user'} to the folder's owner ${owner.uid}:${owner.gid} before it switches.`,
            snippet: renderRunChanges(a, [{ kind: 'user', uid: 0, gid: 0, name: 'root' }, { kind: 'env', name: 'NB_UID', value: String(owner.uid) }, { kind: 'env', name: 'NB_GID', value: String(owner.gid) }]),
            safe: false,
          });
        }
        if (groupWritable && !p.groups.includes(owner.gid)) {
          // gosu and the other switches set the groups from /etc/group: a --group-add of the
          // starting process does not reach the workload, a membership in the image does.
          const switched = a.runtime.drop !== undefined || (a.runtime.script !== undefined && a.runtime.script.from.uid !== p.uid);
          const name = p.userName;
          if (switched && name) {
            const existing = groupByGid(a.image.accounts, owner.gid);
            fixes.push({
              description: `The folder's group ${owner.gid} may write it: make ${name} a member of it in the image (the switch to ${name} takes its groups from /etc/group, so --group-add would not reach the workload).`,
              snippet: existing ? `RUN usermod -aG ${existing.name} ${name}` : `RUN groupadd -g ${owner.gid} hostdata && usermod -aG hostdata ${name}`,
              safe: false,
            });
          } else if (!switched) {
            fixes.push({ description: `The folder's group ${owner.gid} may write it: add that group to the container.`, snippet: renderRunChanges(a, [{ kind: 'group-add', gids: [owner.gid] }]), safe: false });
          }
        }
        if (owner.uid !== 0) {
          const arg = uidBuildArg(a);
          const imageUser = userByUid(a.image.accounts, owner.uid);
          // The run names its user (--user, compose user:, runAsUser): that wins over the image's
          // USER, so rebuilding the image user changes nothing.
          // Checked first: the uid may be another user's in the image, and useradd then stops.
          const rebuilt = arg && a.run?.user === undefined
            ? checkedFix(a, { description: `Rebuild with the image user at the folder owner's uid: the Dockerfile takes it as ARG ${arg}.`, snippet: runTool(a) === 'compose' ? `build:\n  args:\n    ${arg}: "${owner.uid}"` : `docker build --build-arg ${arg}=${owner.uid} .`, safe: false }, { buildArgs: { [arg]: String(owner.uid) } }, (b) => b.check(m.target, 'create').allowed)
            : undefined;
          if (rebuilt) fixes.push(rebuilt);
          if (imageUser) {
            fixes.push({ description: `Or run as ${imageUser.name}, the image's user with uid ${owner.uid}.${lostInputs(a, owner.uid, imageUser.gid)}`, snippet: renderRunChanges(a, [{ kind: 'user', uid: owner.uid, gid: imageUser.gid, name: imageUser.name }]), safe: false });
          } else {
            // HOME set by the run or by ENV HOME stays; else it falls back to /. Either way a
            // writable one is given when the owner's uid could not write it.
            const home = a.run?.env?.HOME ?? a.image.config.env.HOME;
            const asOwner = { uid: owner.uid, gid: owner.gid, groups: [owner.gid], caps: new Set<never>(), label: `uid ${owner.uid}` };
            const homeOk = home !== undefined && evaluate(asOwner, a.runtime.view, normalizePath(home), 'write', false).allowed;
            const homeWords = home === undefined
              ? 'HOME becomes / unless you set it'
              : `it has no name, and HOME stays ${home} (${a.run?.env?.HOME !== undefined ? 'the run' : 'ENV HOME'} sets it)${homeOk ? '' : ', which it may not write: give it one it may'}`;
            fixes.push({
              description: `Or run as the folder's owner; uid ${owner.uid} has no passwd entry in the image, so ${homeWords}.${lostInputs(a, owner.uid, owner.gid)}`,
              snippet: renderRunChanges(a, [{ kind: 'user', uid: owner.uid, gid: owner.gid }, ...(homeOk ? [] : tmpHomeChanges(a))]),
              safe: false,
            });
            // With a uid ARG, an edit of the Dockerfile is offered only when the build arg would fail.
            const renumber = arg && (rebuilt || a.run?.user !== undefined) ? undefined : hostUidUserFix(a, owner.uid, m.target);
            if (renumber) fixes.push(renumber);
          }
        }
        // A folder shared through ACL entries keeps its owner: give this uid an entry instead.
        const acl = v.dependsOn.some((id) => id.startsWith('host-acl:'));
        if (acl) fixes.push({ description: `Or give uid ${p.uid} an ACL entry on the folder (it has ACL entries already: check them with getfacl first), which leaves its owner as it is.`, snippet: `sudo setfacl -R -m u:${p.uid}:rwX -m d:u:${p.uid}:rwX ${m.source}`, safe: false });
        else fixes.push({ description: `Or give the folder to uid ${p.uid} on the ${k8s ? 'node' : 'host'}${owner?.uid === 0 ? ' (it is root\'s now: check that nothing else there relies on that, as a shared dataset folder may)' : ''}.`, snippet: `sudo chown -R ${p.uid}:${p.gid} ${m.source}`, safe: false });
        if (k8s && initRewrites.length > 0) fixes.push(...initRewrites.map((f) => ({ ...f, description: `Or c${f.description.slice(1)} The node's folder changes owner too.` })));
        else if (k8s) fixes.push(initContainerFix(a, m, p.uid, p.gid, `Or let a root init container give it to uid ${p.uid} when the pod starts (init containers run to completion first, in order, on the same volume${inits.length > 0 ? `: put it after ${inits.at(-1)!.name}, which would undo it` : ''}); the node's folder changes owner too.`));
        // A folder the process may read but not write is often input (a dataset, a model
        // store): mounted read-only, nothing asks to write it, and no host owner changes. Not
        // at or below HOME or the working folder, where the workload writes.
        const worksThere = [p.home, p.cwd].some((d) => d !== '/' && isUnder(m.target, d));
        const readOnly = !worksThere && a.check(m.target, 'list').allowed ? readOnlyVariant(a, m) : undefined;
        if (readOnly !== undefined) {
          fixes.push({ description: 'Or, if the container only reads this folder (a dataset, models), mount it read-only: the host folder keeps its owner.', snippet: readOnly, safe: false });
        }
        // A fix that would cost the workload its own files comes last.
        const costly = fixes.filter((f) => f.description.includes(' could then not '));
        if (costly.length > 0) fixes.splice(0, fixes.length, ...fixes.filter((f) => !costly.includes(f)), ...costly);
      } else if (k8s && m.kind === 'volume' && m.volumeType !== undefined && !KUBELET_VOLUMES.has(m.volumeType)) {
        // A PersistentVolumeClaim (a StatefulSet's volumeClaimTemplates too) or another
        // provisioned volume: Kubernetes never copies the image path into it, so a Dockerfile
        // chown does nothing. fsGroup makes the kubelet give it to a group for volume types that
        // support ownership management; fsGroupChangePolicy: OnRootMismatch skips the recursive
        // change when the root already matches
        // (https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#configure-volume-permission-and-ownership-change-policy-for-pods).
        // The in-tree NFS plugin does not apply fsGroup (kubernetes/kubernetes#95945, PR #96900
        // closed: "consider using the csi-driver-nfs plugin").
        const nfs = m.volumeType === 'nfs';
        fixes.push(...initRewrites);
        if (!nfs && inits.length > 0) {
          const g = a.run?.fsGroup ?? (p.gid !== 0 ? p.gid : p.uid);
          const names = inits.map((i) => i.name).join(' and ');
          fixes.push({
            description: `${fixes.length > 0 ? 'Or let' : 'Let'} the pod's fsGroup${a.run?.fsGroup !== undefined ? ` (${a.run.fsGroup}, already set)` : ''} give the volume to group ${g}, and take the chown and chmod of it out of the init container${inits.length > 1 ? 's' : ''} ${names}: the kubelet applies fsGroup before the init containers run, so their chown and chmod undo it.`,
            snippet: `# in the pod spec:\nsecurityContext:\n  fsGroup: ${g}\n  fsGroupChangePolicy: OnRootMismatch\n# and in initContainers: drop ${names}, or its chown and chmod of the volume`,
            safe: false,
          });
        }
        if (!nfs && a.run?.fsGroup === undefined && inits.length === 0) {
          const g = p.gid !== 0 ? p.gid : p.uid;
          fixes.push({
            description: `Set the pod's fsGroup: before the container starts, the kubelet gives the volume's files to group ${g}, adds the setgid bit and group read-write, and adds ${g} to the process's groups (on volume types whose driver supports ownership management). fsGroupChangePolicy: OnRootMismatch skips the recursive change when the volume's root already matches, so large volumes start faster.`,
            snippet: `# in the pod spec:\nsecurityContext:\n  fsGroup: ${g}\n  fsGroupChangePolicy: OnRootMismatch`,
            safe: false,
          });
        }
        if (initRewrites.length === 0) {
          const last = inits.at(-1)?.name;
          fixes.push(initContainerFix(a, m, p.uid, p.gid, `${fixes.length > 0 ? 'Or let' : 'Let'} a root init container give the volume to uid ${p.uid} before the container starts (init containers run to completion first, in order, on the same volume${last ? `: put it after ${last}, which would undo it` : ''})${nfs ? '; the NFS server must not squash root (no_root_squash) for it to chown' : ''}.`));
        }
        if (nfs) {
          fixes.push({ description: `Or give the exported folder to uid ${p.uid} on the NFS server.`, snippet: `sudo chown -R ${p.uid}:${p.gid} ${m.source?.includes(':') ? m.source.slice(m.source.indexOf(':') + 1) : '/EXPORT'}`, safe: false });
        }
      } else if (m.kind === 'volume' && m.nocopy) {
        // nocopy: the engine does not copy the image path into a new volume, so its root stays
        // the root:root 0755 directory it makes (Docker docs, volumes: "volume-nocopy").
        const inImage = a.image.fs.get(m.target);
        fixes.push(inImage?.kind === 'dir' && inImage.uid === p.uid
          ? {
            description: `Drop nocopy: the image's ${m.target} already belongs to uid ${p.uid}, and a new volume copies it, owner and mode included.`,
            snippet: withoutNocopy(a, m),
            safe: false,
          }
          : ((step) => ({
            description: `Drop nocopy, and create ${m.target} in the image owned by the user, so a new volume copies that owner: put this ${step.where}.`,
            snippet: step.snippet,
            safe: false,
          }))(rootStep(a, `RUN ${mkdirOwned(a, m.target, p.uid, p.gid)}`)));
        fixes.push({
          description: `Or give the volume to uid ${p.uid} once, from a root container.`,
          snippet: onVolumeAsRoot(a, m, 'chown', `${p.uid}:${p.gid}`, ['CHOWN']),
          safe: false,
        });
      } else if (m.kind === 'image-volume') {
        // The classic builder throws away what a RUN changes under a declared VOLUME, so the
        // chown has to come before the VOLUME line.
        const volumeLine = a.sim.target.lines.volumes[m.target];
        fixes.push({
          description: `Create ${m.target} owned by the user before the VOLUME line, so each new anonymous volume copies that owner (the classic builder discards changes made after VOLUME).`,
          snippet: `RUN ${mkdirOwned(a, m.target, p.uid, p.gid)}\nVOLUME ${m.target}`,
          safe: false,
        });
        if (volumeLine !== undefined) imageVolumeLine = volumeLine;
      } else if (initRewrites.length > 0) {
        // A volume the kubelet makes (emptyDir) that an init container gives away.
        fixes.push(...initRewrites);
      } else {
        const run = `RUN ${mkdirOwned(a, m.target, p.uid, p.gid)}`;
        const step = rootStep(a, run);
        const declared = declaredVolumeAbove(a, m.target, step.edit.startLine);
        if (declared) {
          // The classic builder and buildah (before 1.37) discard what a RUN after `VOLUME X`
          // changes at or below X: the image's path would stay root's. Before the VOLUME line,
          // checked against the model (the step must run as root there, and the new volume copy
          // the owner).
          const fix = checkedFix(a, {
            description: `Create ${m.target} owned by the user before \`VOLUME ${declared.path}\` at line ${declared.line}, so the new volume copies that owner: with the ${a.builder === 'classic' ? 'classic builder' : 'buildah builder'} a RUN after the VOLUME line changes nothing at or below ${declared.path} (its changes there are discarded; BuildKit and buildah 1.37+ keep them).`,
            snippet: `${run}\nVOLUME ${declared.path}`,
            safe: false,
          }, { edit: { file: a.file, startLine: declared.line, endLine: declared.line - 1, text: run } }, (b) => b.check(m.target, 'create').allowed);
          if (fix) fixes.push(fix);
        } else {
          fixes.push({
            description: `Create the path in the image owned by the user before the volume is first used, so the new volume copies that owner: put this ${step.where}.`,
            snippet: step.snippet,
            safe: false,
            edit: step.edit,
          });
        }
      }

      // A volume copies the image path: when its owner rests on a guess (a path that may already
      // exist below an unpacked archive, an unknown base), so does the failure.
      // (A named volume assumed new is the usual case, not a guess about the image.)
      // An entrypoint script run as root before the workload may chown a bind mount too.
      // So may a command of a followed entrypoint script that the model does not follow
      // (`find /data ! -user app -exec chown app {} +`).
      const script = a.runtime.script;
      const scriptDoubt = script !== undefined && a.unknowns.some((u) => u.command.startsWith(`${script.written} line `) && v.dependsOn.includes(unknownId(u)));
      // A bind source nothing is known about (`$(realpath data)`, a path not on this machine)
      // is a guess of root 0755: so is the verdict.
      const hostGuess = v.dependsOn.some((id) => id.startsWith('host-unknown:'));
      // An init container that may have changed the volume (not followed, or another image).
      const initDoubt = v.dependsOn.some((id) => id.startsWith('k8s-init'));
      // A bind source with ACL entries the model does not read may grant what the bits refuse.
      const aclDoubt = v.dependsOn.some((id) => id.startsWith('host-acl:'));
      const unsure = (m.kind !== 'bind' && v.dependsOn.some((id) => !id.startsWith('volume-new:'))) || v.dependsOn.includes('entrypoint:runs-arguments') || scriptDoubt || hostGuess || initDoubt || aclDoubt;
      const cannot = unsure ? 'may not be able to write' : 'cannot write';
      report({
        message: rootless && owner && !owner.unmapped && owner.uid === 0
          ? `${who(a)} ${cannot} to ${m.target} (${m.written}): rootless podman shows your own folder as owned by root (0:0) inside - Permission denied.`
          : rootlessDocker && m.kind === 'bind' && owner && !owner.unmapped && owner.uid === 0
          ? `${who(a)} ${cannot} to ${m.target} (${m.written}): rootless Docker shows the folder${facts?.hostOwner ? `, owned by uid ${facts.hostOwner.uid} on the host (the daemon's user),` : ''} as owned by root (${ownerText}) inside the container${hostGuess ? ', if the host folder is as assumed (nothing is known of it)' : ''} - Permission denied.`
          : `${who(a)} ${cannot} to ${m.target} (${m.written}): it belongs to ${owner?.unmapped ? `a host user not mapped into the container (${rootlessDocker && facts?.hostOwner ? `uid ${facts.hostOwner.uid} on the host, ` : ''}shown as ${ownerText})` : ownerText}${facts?.meta && !rootless && !mapped && !rootlessDocker ? (k8s ? ' on the node' : ' on the host') : ''}${hostGuess ? ', if the host folder is as assumed (nothing is known of it)' : ''}${aclDoubt ? ', unless its ACL entries (not read) allow it' : ''} - Permission denied.`,
        why: `${firstReason(v)}. ${k8s && m.kind === 'volume' && m.volumeType === 'nfs' ? 'An nfs volume shows the server\'s export with the owner and mode it has there: Kubernetes does not fill it from the image, and the NFS volume plugin does not apply securityContext.fsGroup.' : k8s && m.kind === 'volume' && m.volumeType !== undefined && !KUBELET_VOLUMES.has(m.volumeType) ? `${volumeWords(m)} is not filled from the image: Kubernetes mounts the storage as its driver made it, and only securityContext.fsGroup (for volume types that support ownership management) or an init container changes its owner.` : m.kind === 'volume' && m.nocopy ? 'With nocopy the volume is not filled from the image: a new volume keeps the root:root 0755 directory the engine makes, whatever the image has at the path.' : m.kind !== 'bind' ? 'A new volume starts as a copy of the image path, owner and mode included.' : mapped === 'userns:podman-idmap' ? 'podman maps ids through the user namespace that --uidmap/--gidmap describe: a host owner inside the map shows as its container id, one outside it as 65534, and such a file is nobody\'s inside.' : mapped ? `podman maps ids through a user namespace taken from /etc/subuid and /etc/subgid (${a.assumptions.find((x) => x.id === mapped)?.subject}): host owners outside those ranges show as 65534, and such a file is nobody's inside.` : rootlessDocker && m.kind === 'bind' ? `Rootless Docker runs the daemon and its containers in a user namespace: host uid ${daemon!.uid} (the daemon's user) is root inside, container uid ${p.uid === 0 ? 'n' : p.uid} is one of that user's subordinate uids on the host (the start of its /etc/subuid range + ${p.uid === 0 ? 'n' : p.uid} - 1), and other host users are not mapped (65534 inside). A chown on the host to uid ${p.uid === 0 ? 'n' : p.uid} would give the folder to an unrelated host user, and still not to the container's uid.` : rootless ? (a.run?.userns?.startsWith('keep-id') ? 'Rootless podman with --userns=keep-id maps your host uid to the same uid inside (or to keep-id\'s uid=), other host users are not mapped, and the image\'s USER still decides who the process is.' : 'Rootless podman maps ids through a user namespace: your host uid is root inside, and other host users are not mapped.') : k8s ? 'A hostPath volume shows the node\'s folder with its owner and mode there; uids are not translated, and hostPath volumes do not support ownership management (fsGroup does not apply).' : 'A bind mount shows the host folder with its host owner and mode; uids are not translated.'}`,
        dependsOn: v.dependsOn,
        unsureSeverity: unsure ? 'warning' : undefined,
        line: imageVolumeLine,
        // The host's / or a system folder of it is never given away: no chown, no podman U.
        fixes: m.kind === 'bind' && systemFolder(m.source) ? fixes.filter((f) => !/\bchown\b|:U\b|,U=true/.test(f.snippet ?? '')) : fixes,
      });
    }
  },
});

/**
 * The fixes for a bind mount under rootless Docker, whose user namespace maps the daemon's user
 * to container root and container uid n >= 1 to a subordinate uid (/etc/subuid start + n - 1):
 * a host chown to the container uid would give the folder to an unrelated host user. Run as
 * container root (the daemon's user on the host), or change the owner from inside the namespace:
 * a root container of the same daemon, or `dockerd-rootless-setuptool.sh nsenter` (moby PR
 * #47084), where uid n is the containers' uid n. A folder of another host user is not mapped at
 * all: it must first become the daemon user's.
 */
function rootlessDockerFixes(a: AnalysisView, m: MountSpec, owner: FileMeta, host: { uid: number } | undefined, daemon: NonNullable<RunContext['daemon']>): Fix[] {
  const p = a.runtime.process;
  const uid = daemon.uid ?? a.run?.invoker?.uid ?? 0;
  const inv = a.run?.invoker;
  const gid = inv !== undefined && inv.uid === uid ? inv.gid : uid;
  // The docker command with the run's own daemon selection.
  const docker = /^(?:--context|-H|--host)[ =]/.test(daemon.via) ? `docker ${daemon.via}` : `${daemon.via} docker`;
  const image = a.run?.image !== undefined && !a.run.image.includes('$') ? a.run.image : 'IMAGE';
  const src = m.source ?? '';
  const asRoot: Fix = {
    description: `Run as container root: under rootless Docker that is you (uid ${uid}) on the host, so the folder you own is root's inside and what the process writes there stays yours on the host.`,
    snippet: renderRunChanges(a, [{ kind: 'user', uid: 0, gid: 0, name: 'root' }]),
    safe: false,
  };
  const inside: Fix = {
    description: `Or give the folder to uid ${p.uid} from inside the daemon's user namespace, with a root container of the same daemon (on the host it then belongs to one of your subordinate uids, not to you; the same command with 0:0 gives it back).`,
    snippet: `${docker} run --rm -u 0 -v ${src}:/d ${image} chown -R ${p.uid}:${p.gid} /d`,
    safe: false,
  };
  const nsenter: Fix = {
    description: `Or do the same from a shell in that namespace: dockerd-rootless-setuptool.sh's nsenter subcommand (recent Docker releases, moby PR #47084) runs a command where uid ${p.uid} is the containers' uid ${p.uid}.`,
    snippet: `dockerd-rootless-setuptool.sh nsenter chown -R ${p.uid}:${p.gid} ${src}`,
    safe: false,
  };
  if (!owner.unmapped) return p.uid === 0 ? [inside, nsenter] : [asRoot, inside, nsenter];

  // Another host user's folder: no id of the namespace owns it, so not even container root may
  // change it. It has to become the daemon user's first.
  return [
    {
      description: `The folder belongs to ${host ? `host uid ${host.uid}` : 'another host user'}, which rootless Docker does not map: give it to the daemon's user (uid ${uid}), which is root inside, and run as root.`,
      snippet: `sudo chown -R ${uid}:${gid} ${src}\n${asRoot.snippet}`,
      safe: false,
    },
    { ...inside, description: `Or, once it is yours (uid ${uid}), give it to uid ${p.uid} from inside the daemon's user namespace, with a root container of the same daemon.`, snippet: `sudo chown -R ${uid}:${gid} ${src}\n${inside.snippet}` },
  ];
}

/**
 * A tmpfs the process may not write: it starts empty, root's unless uid=/gid= say otherwise
 * (--tmpfs, Compose tmpfs:), with the mode given (1777 when none: docker docs, tmpfs mounts).
 * `--tmpfs /x:mode=0700` or `--mount type=tmpfs,...,tmpfs-mode=0700` then leaves a non-root
 * process nothing there. The fixes give the tmpfs to the process (the kernel's tmpfs uid= and
 * gid= mount options, which --tmpfs passes on) or open it to every uid with the sticky bit, as
 * /tmp is.
 */
function tmpfsReport(a: AnalysisView, m: MountSpec, v: Verdict): RuleReport {
  const p = a.runtime.process;
  const meta = a.runtime.view.fs.get(m.target);
  const mode = (meta?.mode ?? m.tmpfsMode ?? 0o1777) & 0o7777;
  const octal = mode.toString(8).padStart(4, '0');
  const owner = `${meta?.uid ?? m.tmpfsUid ?? 0}:${meta?.gid ?? m.tmpfsGid ?? 0}`;
  const tool = runTool(a);
  // The options written (size=64m, noexec; --mount's tmpfs-size as size=) are kept in the fixes.
  const flag = /^--tmpfs[ =][^:]*:(.*)$/.exec(m.written);
  const size = /tmpfs-size=([^,\s]+)/.exec(m.written);
  const kept = flag ? flag[1].split(',').filter((o) => o !== '' && !/^mode=/.test(o)) : size ? [`size=${size[1]}`] : [];
  const others = kept.filter((o) => !/^(uid|gid)=/.test(o));
  const own = `${m.target}:${[...others, `uid=${p.uid}`, `gid=${p.gid}`, `mode=${octal}`].join(',')}`;
  const open = `${m.target}:${[...kept, 'mode=1777'].join(',')}`;
  const fixes: Fix[] = [];
  if (tool === 'kubernetes') {
    // Not a tmpfs of a manifest (emptyDir is a volume): nothing to spell here.
  } else if (tool === 'compose') {
    fixes.push(
      { description: `Give the tmpfs to uid ${p.uid} as it is mounted (tmpfs's uid= and gid= options), keeping its mode.`, snippet: `tmpfs:\n  - ${own}`, safe: false },
      { description: 'Or let every uid write it, with the sticky bit, as /tmp is.', snippet: `tmpfs:\n  - ${open}`, safe: false },
    );
  } else {
    const mount = m.written.startsWith('--mount');
    fixes.push({
      description: mount
        ? `Give the tmpfs to uid ${p.uid} as it is mounted, keeping its mode: --tmpfs takes the kernel's uid= and gid= options (instead of ${m.written}).`
        : `Give the tmpfs to uid ${p.uid} as it is mounted (tmpfs's uid= and gid= options), keeping its mode.`,
      snippet: `--tmpfs ${own}`,
      safe: false,
    });
    fixes.push({
      description: 'Or let every uid write it, with the sticky bit, as /tmp is.',
      snippet: mount
        ? (/tmpfs-mode=[0-7]+/.test(m.written) ? m.written.replace(/tmpfs-mode=[0-7]+/, 'tmpfs-mode=1777') : `${m.written},tmpfs-mode=1777`)
        : `--tmpfs ${open}`,
      safe: false,
    });
  }

  return {
    message: `${who(a)} cannot write to ${m.target} (${m.written}): the tmpfs belongs to ${owner} with mode ${octal} - Permission denied.`,
    // podman copies the image's files into a tmpfs (tmpcopyup); Docker hides them. Either way
    // the tmpfs's own root is made from its options (runtime/resolve.ts applyTmpfs).
    why: `${firstReason(v)}. A tmpfs is made as the container starts, owned by root unless its uid= and gid= options say otherwise, with the mode it is given (1777 when none)${tool === 'podman' ? '' : ': a chown or chmod of that path in the Dockerfile does not reach it'}.`,
    dependsOn: v.dependsOn,
    fixes,
  };
}

/**
 * The fix that builds the process's user at the host folder's uid, written so it builds when
 * pasted. useradd of a name the image has fails (useradd: user 'app' already exists), so:
 * - a user a RUN of this stage makes: that RUN, its uid taken from ARG UID (replacing the line);
 * - a user of the base image: renumbered with usermod -u, as root (which also gives it the files
 *   in its home; files elsewhere keep the old uid);
 * - no user of that name: a new one, under a name the image does not have.
 * Never root: uid 0 is what makes it root, and shadow's usermod refuses to renumber (or rename)
 * an account a process runs as, which root always is in a RUN step (`usermod: user root is
 * currently used by process N`, exit 8, measured). Each edit is checked against the model
 * (checkedFix): the build with it must not fail, and the process must then create in target.
 */
function hostUidUserFix(a: AnalysisView, uid: number, target: string): Fix | undefined {
  const p = a.runtime.process;
  if (p.uid === 0) return undefined;
  const solved = (b: Analysis) => b.check(target, 'create').allowed;
  const name = p.userName;
  const build = '# docker build --build-arg UID=$(id -u) .';
  // docker-stacks images renumber their user as they start (NB_UID, with --user root): the
  // run-line fix says so, and renumbering at build time fights start.sh, whose NB_UID and the
  // stage's `USER ${NB_UID}` still name the old uid.
  if (stacksImage(a)) return undefined;
  const made = name === undefined ? undefined : userMadeAt(a, name);
  const lost = lostInputs(a, uid, uid);
  if (made) {
    return checkedFix(a, {
      description: `Or build ${name} with the host uid so both agree: replace line ${made.line} with these (a second ${made.tool} of ${name} would fail, as it exists).${lost}`,
      snippet: `ARG UID=${uid}\nRUN ${made.rewritten}\n${build}`,
      safe: false,
    }, { edit: { file: a.file, startLine: made.line, endLine: made.endLine, text: `ARG UID=${uid}\nRUN ${made.rewritten}` } }, solved);
  }
  if (name !== undefined && a.image.accounts.passwd.some((e) => e.name === name) && !busyboxAccounts(a)) {
    // usermod keeps the primary group, and moves the home's files of the old uid along.
    const kept = lostInputs(a, uid, p.gid, p.home);
    const moves = `usermod -u also gives ${name} the files in its home; files elsewhere keep uid ${p.uid}.${kept}`;
    // A USER line that names the old uid by number (`USER 1000`, `USER \${NB_UID}`) would name
    // no user after the renumbering: it is replaced by one naming the user.
    const line = a.sim.target.lines.user;
    const ins = line === undefined ? undefined : a.df.instructions.find((i) => i.line === line && i.keyword === 'USER');
    const spec = a.image.config.user ?? '';
    const numeric = /^\d+(:.*)?$/.exec(spec);
    if (ins && numeric && Number(spec.split(':')[0]) === p.uid) {
      const lines = [`ARG UID=${uid}`, `RUN usermod -u $UID ${name}`, `USER ${name}${numeric[1] ?? ''}`];
      return checkedFix(a, {
        description: `Or renumber ${name}, whom the base image makes, to the host uid: replace line ${line} (\`USER ${ins.args.trim()}\`, uid ${p.uid}, which names no user once ${name} is renumbered) with these. ${moves}`,
        snippet: `${lines.join('\n')}\n${build}`,
        safe: false,
      }, { edit: { file: a.file, startLine: ins.line, endLine: ins.endLine, text: lines.join('\n') } }, solved);
    }
    const step = rootStep(a, `ARG UID=${uid}\nRUN usermod -u $UID ${name}`);
    return checkedFix(a, {
      description: `Or renumber ${name}, whom the base image makes, to the host uid: put this ${step.where}. ${moves}`,
      snippet: `${step.snippet}\n${build}`,
      safe: false,
    }, { edit: step.edit }, solved);
  }
  const fresh = freeUserName(uid, a.image.accounts);
  const create = busyboxAccounts(a) ? `adduser -D -u $UID ${fresh}` : `useradd --create-home --uid $UID ${fresh}`;

  return {
    description: `Or build the image user with the host uid so both agree.${lost}`,
    snippet: `ARG UID=${uid}\nRUN ${create}\nUSER ${fresh}\n${build}`,
    safe: false,
  };
}

/**
 * The RUN of the target stage that makes the user `name` (useradd or adduser ... name), and its
 * text with the uid taken from $UID: the -u/--uid given replaced, else one added.
 */
function userMadeAt(a: AnalysisView, name: string): { line: number; endLine: number; rewritten: string; tool: string } | undefined {
  const stage = a.df.stages[a.sim.target.index];
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // One command of the RUN: from useradd/adduser to the next ; & | or newline, naming the user.
  const made = new RegExp(`\\b(useradd|adduser)\\b([^;&|\\n]*?\\s)${esc}(?=$|[\\s;&|])`);
  for (const ins of stage?.instructions ?? []) {
    if (ins.keyword !== 'RUN') continue;
    const m = made.exec(ins.args);
    if (!m) continue;
    const opts = m[2];
    const withUid = /(^|\s)(-u|--uid)([ =]+)\S+/.test(opts)
      ? opts.replace(/(^|\s)(-u|--uid)([ =]+)\S+/, (_x, lead: string, flag: string, sep: string) => `${lead}${flag}${sep}$UID`)
      : ` ${m[1] === 'adduser' && busyboxAccounts(a) ? '-u' : '--uid'} $UID${opts}`;
    const rewritten = `${ins.args.slice(0, m.index)}${m[1]}${withUid}${name}${ins.args.slice(m.index + m[0].length)}`;

    return { line: ins.line, endLine: ins.endLine, rewritten, tool: m[1] };
  }

  return undefined;
}

/** A podman mount as written, with its U option added (`-v SRC:DST:U`, `--mount ...,U=true`). */
/** The host's root or one of its system folders (`/`, `/etc`, `/usr`, `/var`, ...), as a bind source. */
const SYSTEM_FOLDERS = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var', '/var/lib', '/var/run', '/mnt', '/media']);

function systemFolder(source: string | undefined): boolean {
  return source !== undefined && SYSTEM_FOLDERS.has(normalizePath(source));
}

/**
 * The same mount, read-only, as the run writes it: `:ro` on a -v (an `rw` option replaced),
 * `,readonly` on a --mount, `:ro` on a Compose short-syntax entry, `readOnly: true` on a
 * Kubernetes volumeMount; undefined for a form it cannot rewrite.
 */
export function readOnlyVariant(a: AnalysisView, m: MountSpec): string | undefined {
  const tool = runTool(a);
  if (tool === 'kubernetes') return [`# in the container's volumeMounts:`, `- name: ${m.volumeName ?? 'VOLUME'}`, `  mountPath: ${m.target}`, '  readOnly: true'].join('\n');
  const shortSpec = (spec: string): string => {
    const parts = spec.split(':');
    if (parts.length < 3) return `${spec}:ro`;
    const options = parts[parts.length - 1].split(',').filter((o) => o !== 'rw' && o !== 'ro');
    return [...parts.slice(0, -1), ['ro', ...options].join(',')].join(':');
  };
  if (tool === 'compose') {
    const spec = /^services\.[^:]*: (.+)$/.exec(m.written)?.[1];
    if (spec !== undefined && spec.includes(':')) return `volumes:\n  - ${shortSpec(spec)}`;
    // The long syntax (`type: bind`, source, target): the same entry with read_only.
    return m.kind === 'bind' && m.source !== undefined ? ['volumes:', '  - type: bind', `    source: ${m.source}`, `    target: ${m.target}`, '    read_only: true'].join('\n') : undefined;
  }
  const v = /^(-v|--volume)([ =])(.*)$/.exec(m.written);
  if (v) return `${v[1]}${v[2]}${shortSpec(v[3])}`;
  if (m.written.startsWith('--mount')) return `${m.written.replace(/,(?:readonly|ro)(?:=\w+)?(?=,|$)/g, '')},readonly`;

  return undefined;
}

function withChownOption(written: string): string {
  const v = /^(?:-v|--volume)[ =](.*)$/.exec(written);
  if (!v) return `${written},U=true`;

  return v[1].split(':').length >= 3 ? `${written},U` : `${written}:U`;
}

/**
 * `mkdir -p PATH && chown UID:GID ...` giving the user every folder mkdir makes, not only the
 * last: a root-owned ~/.cache above ~/.cache/huggingface would still stop a later write there.
 */
function mkdirOwned(a: AnalysisView, path: string, uid: number, gid: number): string {
  const made = ancestry(path).slice(1).filter((d) => !a.image.fs.has(d));

  return `mkdir -p ${path} && chown ${uid}:${gid} ${(made.length > 0 ? made : [path]).join(' ')}`;
}

/** A Jupyter docker-stacks image started through its start scripts (NB_USER in its ENV). */
function stacksImage(a: AnalysisView): boolean {
  return a.image.config.env.NB_USER !== undefined && startCommand(a).some((w) => /(^|\/)start(-notebook|-singleuser)?\.(sh|py)$/.test(w));
}

/** A YAML flow list of strings, as manifests write a command: ["sh", "-c", "..."]. */
function flowList(words: string[]): string {
  return `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;
}
