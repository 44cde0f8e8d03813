// Small helpers the rules share: how to name the process, the mounts and the run command.

import type { AnalysisView } from './rule.js';
import type { DfInstruction, Dockerfile } from '../dockerfile/types.js';
import type { Analysis, BuildChange } from '../analyze.js';
import type { Accounts, Fix, ImageState, MountSpec, Op, PasswdEntry, UnknownEffect, Verdict } from '../model/types.js';
import { hasDescendants, isUnder, normalizePath, resolvePath } from '../image/fs.js';
import { formatPasswd, groupByGid, resolveExecUser, userByUid } from '../image/accounts.js';
import { evaluate } from '../access/evaluate.js';
import { readOnlyRootSetting } from '../runtime/resolve.js';
import { startCommandOf } from '../runtime/entrypoints.js';
import { lacksShadowTool } from '../shell/commands/accounts.js';
import { packageNamedLike } from '../shell/commands/package-accounts.js';
import { externallyManagedMarker } from '../shell/commands/packages.js';
import { sshdCommandLine, sshdIncludeId } from '../shell/commands/config.js';

/** The id an unmodelled command goes by in dependsOn lists. */
export function unknownId(u: UnknownEffect): string {
  return `unmodelled:${u.line}`;
}

/**
 * The Dockerfile step that lets `user` run one command as root without a password: a file of
 * its own in /etc/sudoers.d, mode 0440 as visudo leaves it.
 */
export function sudoersStep(user: string, command: string): string {
  const file = sudoersFileName(user);

  return `RUN echo '${user} ALL=(root) NOPASSWD: ${command}' > /etc/sudoers.d/${file} && chmod 0440 /etc/sudoers.d/${file}`;
}

/**
 * A file name in /etc/sudoers.d for a user's rule that sudo reads: @includedir passes over
 * names with a '.' or ending in '~' (sudoers(5)), so jane.doe's file is jane_doe.
 */
export function sudoersFileName(user: string): string {
  return user.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function who(a: AnalysisView): string {
  const p = a.runtime.process;

  return p.userName ? `${p.userName} (uid ${p.uid})` : `uid ${p.uid} (no passwd entry)`;
}

/** The run mount a container path lives on, deepest first. */
export function mountFor(a: AnalysisView, path: string): MountSpec | undefined {
  const mounts = (a.run?.mounts ?? []).filter((m) => isUnder(path, m.target));

  return mounts.sort((x, y) => y.target.length - x.target.length)[0];
}

/**
 * A command run once as root on a named volume the container mounts. Compose names a volume
 * after its project (`proj_data`), so there it goes through the service, which mounts the right
 * one; elsewhere a throwaway container mounts the volume by its name.
 */
export function onVolumeAsRoot(a: AnalysisView, m: MountSpec, program: string, args: string, caps: string[]): string {
  const service = a.run?.tool === 'compose' && a.run.origin.text.startsWith('services.') ? a.run.origin.text.slice('services.'.length) : undefined;
  // `docker compose run` keeps the service's cap_drop: the capabilities the command needs are
  // given back (Docker adds after it drops, so they hold over cap_drop: [ALL]).
  const back = (a.run?.capDrop.length ?? 0) > 0 ? caps.map((c) => `--cap-add ${c} `).join('') : '';
  if (service !== undefined) return `docker compose run --rm --no-deps --user root ${back}--entrypoint ${program} ${service} ${args} ${m.target}`;

  return `docker run --rm -v ${m.source ?? 'VOLUME'}:/v busybox ${program} ${args} /v`;
}

/**
 * A volume mount as written without nocopy: the run flag less its option, or for Compose the
 * entry itself (the long syntax's `volume: {nocopy: true}` left out).
 */
export function withoutNocopy(a: AnalysisView, m: MountSpec): string {
  const compose = /^(services\.[^:]+\.volumes\[\d+\]): (.*)$/.exec(m.written);
  if (a.run?.tool !== 'compose' || !compose) return m.written.replace(/,?\b(volume-)?nocopy(=(true|1))?\b/, '').replace(/:nocopy\b/, '');
  if (!compose[2].includes(' -> ')) return `# ${compose[1]}\n- ${compose[2].replace(/:nocopy$/, '').replace(/([:,])nocopy\b,?/, '$1').replace(/[:,]$/, '')}`;

  return `# ${compose[1]}, with no volume.nocopy\n- type: volume\n  source: ${m.source ?? ''}\n  target: ${m.target}${m.readonly ? '\n  read_only: true' : ''}`;
}

/**
 * The API sockets of the container engines: whoever may connect to one starts containers of
 * its own, privileged and with the host's / mounted, which is root on the host (for a rootful
 * engine; a rootless one gives the account that runs it).
 */
export const ENGINE_SOCKET_NAMES: ReadonlyMap<string, string> = new Map([
  ['docker.sock', 'Docker'],
  ['containerd.sock', 'containerd'],
  ['podman.sock', 'podman'],
  ['crio.sock', 'CRI-O'],
  ['cri-dockerd.sock', 'cri-dockerd'],
  ['buildkitd.sock', 'BuildKit'],
]);

/** The engine whose API socket a bind mount hands in, by the source's name. */
export function engineSocket(m: MountSpec): string | undefined {
  if (m.kind !== 'bind' || m.source === undefined) return undefined;

  return ENGINE_SOCKET_NAMES.get(m.source.slice(m.source.lastIndexOf('/') + 1));
}

export function hostFacts(a: AnalysisView, hostPath: string | undefined) {
  if (!hostPath) return undefined;

  return a.host.find((h) => h.path === hostPath);
}

export function firstReason(v: Verdict): string {
  return v.reasons[v.reasons.length - 1] ?? '';
}

export function runCommandLine(a: AnalysisView): string {
  return a.run?.origin.text ? a.run.origin.text.replace(/\s+/g, ' ').trim() : 'docker run IMAGE';
}

/** The whole command the container starts with (ENTRYPOINT + CMD, or the run's overrides). */
export function startCommand(a: AnalysisView): string[] {
  return startCommandOf(a.image, a.run).argv;
}

/** The line of the Dockerfile that last wrote a tracked text file. */
export function textLine(a: AnalysisView, path: string): number | undefined {
  return a.image.texts[path]?.line;
}

/**
 * A fix that changes the build (a --build-arg, Dockerfile lines), checked against the model
 * before it is offered: the build analysed again with the change (Analysis.retry) must not stop
 * at a step the build as it is gets past (a uid another user already holds, `usermod -u` of the
 * user the step runs as), nor leave the container unable to start as it can now, and `solved`,
 * when given, must hold there. The fix when all hold, undefined when not. Inside such a second
 * analysis (no retry there) the fix is kept unchecked: it is never shown from there, and checking
 * it again could go on without end. Costs one analysis, and only for a fix a rule offers.
 */
export function checkedFix(a: AnalysisView, fix: Fix, change: BuildChange, solved?: (b: Analysis) => boolean): Fix | undefined {
  // An edit checked alone (no build args with it) is the fix's edit too, so `uidctl fix` can
  // apply it.
  const alone = change.edit !== undefined && change.buildArgs === undefined && fix.edit === undefined;
  const withEdit = alone ? { ...fix, edit: change.edit } : fix;
  if (a.retry === undefined) return withEdit;
  const b = a.retry(change);
  const known = new Set(a.sim.failures.map((f) => f.message));
  if (b.sim.failures.some((f) => !known.has(f.message))) return undefined;
  if (a.identity.resolved && !b.identity.resolved) return undefined;

  return solved === undefined || solved(b) ? withEdit : undefined;
}

/**
 * The VOLUME of the target stage at or above `target` declared before `before` (the line a
 * root step would go in at), when the builder discards what a RUN changes below a declared
 * volume (the classic builder, buildah before 1.37); undefined with BuildKit, which keeps it.
 */
export function declaredVolumeAbove(a: AnalysisView, target: string, before: number): { path: string; line: number } | undefined {
  if (a.builder === 'buildkit') return undefined;
  let best: { path: string; line: number } | undefined;
  for (const [path, line] of Object.entries(a.sim.target.lines.volumes)) {
    const at = normalizePath(path);
    if (!(target === at || target.startsWith(at === '/' ? '/' : `${at}/`)) || line >= before) continue;
    if (!a.image.config.volumes.includes(path)) continue;
    if (best === undefined || line < best.line) best = { path: at, line };
  }

  return best;
}

/** The Dockerfile line after the last instruction of the target stage (where an edit appends). */
export function stageEnd(a: AnalysisView): number {
  const stage = a.df.stages[a.sim.target.index];
  const last = stage?.instructions.at(-1);

  return (last?.endLine ?? a.sim.target.lines.from) + 1;
}

/**
 * The build ARG that sets the uid of the user the image creates or renumbers (`useradd -u
 * ${USER_UID}`, `usermod -u ${UID} app`), so a fix can be a --build-arg instead of an edit.
 */
export function uidBuildArg(a: AnalysisView): string | undefined {
  const stage = a.df.stages[a.sim.target.index];
  const args = new Set(
    [...a.df.globalArgs, ...(stage?.instructions ?? [])]
      .filter((i) => i.keyword === 'ARG')
      .map((i) => i.args.split('=')[0].trim()),
  );

  for (const ins of stage?.instructions ?? []) {
    if (ins.keyword !== 'RUN') continue;
    const m = /\b(?:useradd|adduser|usermod)\b[^;&|]*?(?:-u|--uid)[ =]+["']?\$\{?(\w+)\}?/.exec(ins.args);
    if (m && args.has(m[1])) return m[1];
  }

  return undefined;
}

/**
 * Where a RUN step that needs root (a chown, a mkdir in a root-owned folder) goes in the target
 * stage, so the fix builds when pasted: a RUN after a non-root USER runs as that user, and only
 * root may chown (chown: changing ownership of '/app': Operation not permitted). Before the
 * stage's last USER when it names a non-root user; wrapped in `USER root` ... `USER NAME` when
 * that user comes from the base image (no USER in the stage); anywhere after FROM when the stage
 * builds as root. `edit` puts it there: before that USER line, else at the end of the stage.
 */
export function rootStep(a: AnalysisView, run: string): { where: string; snippet: string; edit: NonNullable<Fix['edit']> } {
  const user = a.image.config.user ?? '';
  const resolved = user === '' ? undefined : resolveExecUser(a.image.accounts, user);
  // An image USER that cannot be resolved stops the container anyway (UID104): as for a user.
  const root = user === '' || (resolved?.ok === true && resolved.user.uid === 0);
  // The edit puts the snippet there (at the end of the stage where anywhere will do).
  if (root) return { where: 'anywhere after FROM: the steps of this stage run as root', snippet: run, ...atStageEnd(a, run) };
  const ins = firstOfLastUsers(a);
  if (ins) {
    const line = ins.line;
    return {
      where: `before \`USER ${ins.args.trim()}\` at line ${line} (a RUN after it runs as ${user}, not as root)`,
      snippet: run,
      edit: { file: a.file, startLine: ins.line, endLine: ins.line - 1, text: run },
    };
  }
  const snippet = `USER root\n${run}\nUSER ${user}`;

  return { where: `at the end of the stage, as root: its USER (${user}) comes from the base image, so the step switches to root and back`, snippet, ...atStageEnd(a, snippet) };
}

/**
 * The stage's USER line from which on the steps run as non-root: its last USER, or an earlier
 * one when the USER lines between them name non-root users too (`USER app` ... `USER app`): a
 * root step put before the last of them would run as app.
 */
function firstOfLastUsers(a: AnalysisView): DfInstruction | undefined {
  const line = a.sim.target.lines.user;
  if (line === undefined) return undefined;
  const users = (a.df.stages[a.sim.target.index]?.instructions ?? []).filter((i) => i.keyword === 'USER');
  let at = users.findIndex((i) => i.line === line);
  if (at < 0) return a.df.instructions.find((i) => i.line === line && i.keyword === 'USER');
  while (at > 0) {
    const before = users[at - 1].args.trim();
    // A variable's value is not known here: the walk stops at the line it has.
    if (before.includes('$')) break;
    const r = resolveExecUser(a.image.accounts, before);
    if (!r.ok || r.user.uid === 0) break;
    at -= 1;
  }

  return users[at];
}

/** Lines put after the last instruction of the target stage (everything it does is done then). */
function atStageEnd(a: AnalysisView, text: string): { edit: NonNullable<Fix['edit']> } {
  const at = stageEnd(a);

  return { edit: { file: a.file, startLine: at, endLine: at - 1, text } };
}

// ---------------------------------------------------------------- run-time changes

/**
 * One change to how the container is started. Rules say what to change; renderRunChanges
 * spells it in the terms of the tool the run came from (flags, compose keys, manifest fields).
 */
export type RunChange =
  | { kind: 'user'; uid: number; gid?: number; name?: string }
  /** Run with the ids of the person starting the container. */
  | { kind: 'invoker-ids' }
  | { kind: 'env'; name: string; value: string }
  /** A fresh writable directory over a path (tmpfs; an emptyDir in Kubernetes). */
  | { kind: 'writable-dir'; path: string; uid?: number; gid?: number; mode?: number }
  | { kind: 'group-add'; gids: number[] }
  | { kind: 'workdir'; path: string }
  /** A host folder mounted where the outputs go (a claimed volume in Kubernetes). */
  | { kind: 'mount-folder'; target: string }
  | { kind: 'publish-loopback'; port: string }
  /** podman --userns=keep-id; with uid/gid the caller appears as that uid inside. */
  | { kind: 'keep-id'; uid?: number; gid?: number }
  /** Capabilities dropped and added (names without CAP_, as the engines take them). */
  | { kind: 'caps'; drop: string[]; add: string[] };

export type RunTool = 'docker' | 'podman' | 'compose' | 'kubernetes';

/** The tool fixes are written for: the run's own, Docker when there is none. */
export function runTool(a: Pick<AnalysisView, 'run'>): RunTool {
  const t = a.run?.tool;

  return t === 'podman' || t === 'compose' || t === 'kubernetes' ? t : 'docker';
}

/** How the tool at hand spells a read-only root file system, for fix descriptions. */
export function readOnlyRootWords(a: Pick<AnalysisView, 'run'>): string {
  return readOnlyRootSetting(runTool(a));
}

/** Who reads /etc/passwd when the container starts, for explanations. */
export function engineWords(a: Pick<AnalysisView, 'run' | 'engine'>): string {
  const t = runTool(a);
  if (t === 'kubernetes') return 'The container runtime';

  return a.engine === 'podman' || t === 'podman' ? 'Podman' : 'Docker';
}

/** A Kubernetes volume name for a path: a DNS label (lowercase, digits, '-', 63 at most). */
function volumeName(path: string): string {
  const name = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');

  return (name || 'root').slice(0, 63).replace(/-+$/, '');
}

function octalMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function dockerFlags(changes: RunChange[]): string {
  return changes
    .map((c) => {
      switch (c.kind) {
        case 'user':
          return c.name ? `--user ${c.name}` : `--user ${c.uid}${c.gid !== undefined ? `:${c.gid}` : ''}`;
        case 'invoker-ids':
          return '--user "$(id -u):$(id -g)"';
        case 'env':
          return `-e ${c.name}=${c.value}`;
        case 'writable-dir': {
          const opts = [
            c.uid !== undefined ? `uid=${c.uid}` : '',
            c.gid !== undefined ? `gid=${c.gid}` : '',
            c.mode !== undefined ? `mode=${octalMode(c.mode)}` : '',
          ].filter(Boolean);
          return `--tmpfs ${c.path}${opts.length ? `:${opts.join(',')}` : ''}`;
        }
        case 'group-add':
          return c.gids.map((g) => `--group-add ${g}`).join(' ');
        case 'workdir':
          return `-w ${c.path}`;
        case 'mount-folder':
          return `-v "$PWD/out:${c.target}"`;
        case 'publish-loopback':
          return `-p 127.0.0.1:${c.port}:${c.port}`;
        case 'keep-id':
          return c.uid === undefined ? '--userns=keep-id' : `--userns=keep-id:uid=${c.uid},gid=${c.gid ?? c.uid}`;
        case 'caps':
          return [...c.drop.map((x) => `--cap-drop ${x}`), ...c.add.map((x) => `--cap-add ${x}`)].join(' ');
      }
    })
    .join(' ');
}

/** Keys of one compose service (https://docs.docker.com/reference/compose-file/services/). */
function composeKeys(changes: RunChange[], invoker?: { uid: number; gid: number }): string {
  const lines: string[] = [];
  const list = (key: string, items: string[]) => {
    if (items.length > 0) lines.push(`${key}:`, ...items.map((i) => `  - ${i}`));
  };

  for (const c of changes) {
    if (c.kind === 'user') lines.push(`user: "${c.name ?? `${c.uid}${c.gid !== undefined ? `:${c.gid}` : ''}`}"`);
    // compose cannot run $(id -u): write the ids out.
    if (c.kind === 'invoker-ids') lines.push(`user: "${invoker?.uid ?? 1000}:${invoker?.gid ?? 1000}"  # your ids: id -u, id -g`);
    if (c.kind === 'workdir') lines.push(`working_dir: ${c.path}`);
    if (c.kind === 'keep-id') lines.push(c.uid === undefined ? 'userns_mode: "keep-id"' : `userns_mode: "keep-id:uid=${c.uid},gid=${c.gid ?? c.uid}"`);
  }
  const env = changes.filter((c) => c.kind === 'env');
  if (env.length > 0) lines.push('environment:', ...env.map((c) => `  ${c.name}: ${c.value}`));
  list('tmpfs', changes.flatMap((c) => (c.kind === 'writable-dir' ? [c.path] : [])));
  list('group_add', changes.flatMap((c) => (c.kind === 'group-add' ? c.gids.map((g) => `"${g}"`) : [])));
  list('volumes', changes.flatMap((c) => (c.kind === 'mount-folder' ? [`./out:${c.target}`] : [])));
  list('ports', changes.flatMap((c) => (c.kind === 'publish-loopback' ? [`"127.0.0.1:${c.port}:${c.port}"`] : [])));
  list('cap_drop', changes.flatMap((c) => (c.kind === 'caps' ? c.drop : [])));
  list('cap_add', changes.flatMap((c) => (c.kind === 'caps' ? c.add : [])));

  return lines.join('\n');
}

/**
 * Fields of the container and, where Kubernetes only has them there, of the pod spec. The
 * kubelet checks runAsNonRoot against a numeric runAsUser only, so users are always uids.
 */
function kubernetesFields(changes: RunChange[], invoker?: { uid: number; gid: number }): string {
  const sc: string[] = [];
  const env: string[] = [];
  const mounts: string[] = [];
  const volumes: string[] = [];
  const podSc: string[] = [];
  const other: string[] = [];

  for (const c of changes) {
    if (c.kind === 'user') {
      sc.push(`  runAsUser: ${c.uid}`);
      if (c.gid !== undefined) sc.push(`  runAsGroup: ${c.gid}`);
    }
    if (c.kind === 'invoker-ids') sc.push(`  runAsUser: ${invoker?.uid ?? 1000}`, `  runAsGroup: ${invoker?.gid ?? 1000}`);
    if (c.kind === 'caps') {
      sc.push('  capabilities:');
      if (c.drop.length) sc.push(`    drop: [${c.drop.map((x) => `"${x}"`).join(', ')}]`);
      if (c.add.length) sc.push(`    add: [${c.add.map((x) => `"${x}"`).join(', ')}]`);
    }
    if (c.kind === 'env') env.push(`  - name: ${c.name}`, `    value: ${c.value}`);
    if (c.kind === 'writable-dir' || c.kind === 'mount-folder') {
      const path = c.kind === 'writable-dir' ? c.path : c.target;
      const name = volumeName(path);
      mounts.push(`  - name: ${name}`, `    mountPath: ${path}`);
      volumes.push(`  - name: ${name}`, c.kind === 'writable-dir' ? '    emptyDir: {}' : `    persistentVolumeClaim: { claimName: ${name} }`);
    }
    if (c.kind === 'group-add') podSc.push(`  supplementalGroups: [${c.gids.join(', ')}]`);
    if (c.kind === 'workdir') other.push(`workingDir: ${c.path}`);
  }

  const out = [
    ...(sc.length ? ['securityContext:', ...sc] : []),
    ...(env.length ? ['env:', ...env] : []),
    ...(mounts.length ? ['volumeMounts:', ...mounts] : []),
    ...other,
  ];
  const pod = [...(podSc.length ? ['securityContext:', ...podSc] : []), ...(volumes.length ? ['volumes:', ...volumes] : [])];
  if (pod.length > 0) out.push('# in the pod spec:', ...pod);

  return out.join('\n');
}

/** The snippet for run-time changes, in the terms of the tool the run came from. */
export function renderRunChanges(a: Pick<AnalysisView, 'run'>, changes: RunChange[]): string {
  const t = runTool(a);
  if (t === 'compose') return composeKeys(changes, a.run?.invoker);
  if (t === 'kubernetes') return kubernetesFields(changes, a.run?.invoker);

  return dockerFlags(changes);
}

/**
 * The run-time changes that give the process HOME=/tmp. On a read-only root file system
 * (--read-only, Compose read_only: true, readOnlyRootFilesystem) /tmp is not writable unless
 * something is mounted there, so HOME gets a writable directory of its own too: a tmpfs
 * (--tmpfs, Compose tmpfs:) or an emptyDir volume in Kubernetes.
 */
export function tmpHomeChanges(a: Pick<AnalysisView, 'run' | 'check'>): RunChange[] {
  const env: RunChange = { kind: 'env', name: 'HOME', value: '/tmp' };
  // A read-only root, or an image without a /tmp everyone may write (FROM scratch): a tmpfs there.
  if (a.check('/tmp', 'write').allowed) return [env];

  return [{ kind: 'writable-dir', path: '/tmp' }, env];
}

/** Where run-time changes go, for fix descriptions: "at run time", "in the service", ... */
export function runPlace(a: Pick<AnalysisView, 'run'>): string {
  const t = runTool(a);
  if (t === 'kubernetes') return 'in the manifest';
  if (t === 'compose') return 'in the compose service';

  return 'at run time';
}

// ---------------------------------------------------------------- HOME

/** HOME was set where the container is started (-e HOME, environment:, env:). */
export function homeFromRun(a: Pick<AnalysisView, 'run'>): boolean {
  const h = a.run?.env.HOME;

  return h !== undefined && h !== '';
}

/**
 * The HOME the image itself gives the process (ENV HOME, else its passwd entry), for fixes that
 * go into the Dockerfile: a HOME set at run time must not be baked into the image.
 */
export function imageHome(a: AnalysisView): string | undefined {
  const env = a.image.config.env.HOME;
  if (env) return env;
  const entry = userByUid(a.image.accounts, a.runtime.process.uid);

  return entry && entry.home !== '/' ? entry.home : undefined;
}

// ---------------------------------------------------------------- existence

/**
 * True when the model knows the path does not exist: every directory on the way is listed in
 * full, no assumption stands behind it, the base is a catalogued one, and no command the model
 * could not interpret may have made it. A path that is merely not known to exist gives false.
 */
export function knownMissing(a: AnalysisView, path: string): boolean {
  const fs = a.runtime.view.fs;
  const r = resolvePath(fs, path);
  if (r.meta || r.unknown || r.loop || r.notDir) return false;
  if (a.assumptions.some((x) => x.id === 'base:unknown-image')) return false;

  const paths = [normalizePath(path), normalizePath(r.path)];
  if (mayBeTouched(a, paths)) return false;

  // What a verdict's dependsOn would hold, without judging the path: an unmodelled command
  // naming it is ruled out above, so only a run-time source of doubt (an unread host folder, a
  // volume of unknown owner) above the path is left.
  const doubts = a.runtime.view.dependsOn ?? [];
  return !doubts.some((d) => paths.some((p) => isUnder(p, d.prefix)));
}

/**
 * True when a command the model could not follow, in the target stage or a stage it copies
 * from, may have touched one of the paths: it may touch anything, or it names the path, a
 * folder above it or something below it.
 */
export function mayBeTouched(a: AnalysisView, paths: string[]): boolean {
  return buildUnknowns(a).some((u) => u.paths.length === 0 || u.paths.some((p) => paths.some((q) => isUnder(q, p) || isUnder(p, q))));
}

/** True when the container's start command runs sshd (as the program, or in a `sh -c` line). */
export function startsSshd(a: AnalysisView): boolean {
  // sshd as the command (after tini, dumb-init or exec) or a command of a `sh -c` script; a
  // word that only names its folder (`mkdir -p /run/sshd && exec nginx`) is not sshd.
  // What really runs: the command an entrypoint script execs, or the one a switch runs.
  return sshdCommandLine(a.runtime.script?.workload ?? a.runtime.drop?.command ?? startCommand(a)) !== undefined;
}

/**
 * The ids of the sshd Include assumptions a judgement of these keywords rests on: an Include
 * whose text uidctl does not have, inside a Match block, or reached before one of the keywords
 * had its global value (sshd keeps the first value, so a later Include cannot change it).
 */
export function sshdDoubts(a: AnalysisView, fields: string[]): string[] {
  const ids = new Set(a.assumptions.filter((x) => x.id.startsWith('sshd-include:')).map((x) => x.id));
  if (ids.size === 0) return [];

  return (a.image.sshd.includes ?? [])
    .filter((inc) => ids.has(sshdIncludeId(inc)) && (inc.block !== undefined || inc.open.some((f) => fields.includes(f))))
    .map(sshdIncludeId);
}

const unknownsOf = new WeakMap<AnalysisView, UnknownEffect[]>();

/** The unknown effects of the target stage and of the stages it copies from (once per analysis). */
function buildUnknowns(a: AnalysisView): UnknownEffect[] {
  let out = unknownsOf.get(a);
  if (!out) {
    const sources = copiedFrom(a);
    out = [];
    for (const s of a.sim.stages) {
      if (s === a.sim.target || sources.has(s.index)) for (const u of s.state.unknowns) out.push(u);
    }
    unknownsOf.set(a, out);
  }

  return out;
}

/** Indexes of the stages the target copies from (COPY --from, and FROM another stage). */
function copiedFrom(a: AnalysisView): Set<number> {
  const out = new Set<number>();
  const names = new Map(a.sim.stages.map((s) => [s.name ?? String(s.index), s.index]));
  const visit = (index: number) => {
    const st = a.df.stages[index];
    if (!st) return;
    const base = a.sim.stages.find((s) => s.index === index)?.base;
    if (base && 'stage' in base && !out.has(base.stage)) {
      out.add(base.stage);
      visit(base.stage);
    }
    for (const ins of st.instructions) {
      const from = ins.flags.find((f) => f.name === 'from')?.value;
      const idx = from !== undefined && from !== null ? names.get(from) ?? (/^\d+$/.test(from) ? Number(from) : undefined) : undefined;
      if (idx !== undefined && !out.has(idx)) {
        out.add(idx);
        visit(idx);
      }
    }
  };
  visit(a.sim.target.index);

  return out;
}

/** The fix for a path on a read-only root file system: a writable directory over it. */
export function readOnlyRootFix(a: Pick<AnalysisView, 'run' | 'image'>, path: string, over = false): Fix {
  const what = runTool(a) === 'kubernetes' ? 'an emptyDir volume' : 'a writable tmpfs or volume';
  // A tmpfs or emptyDir over a folder hides what the image put there (the script CMD runs):
  // a writable folder below it keeps those files in sight. Where the folder itself must be
  // writable (HOME), it goes over it, and says what it hides.
  if (path !== '/' && hasDescendants(a.image.fs, path) && over) {
    return {
      description: `The root file system is read-only (${readOnlyRootWords(a)}): give ${path} ${what} (it hides the files the image has there, such as dotfiles).`,
      snippet: renderRunChanges(a, [{ kind: 'writable-dir', path }]),
      safe: false,
    };
  }
  if (path !== '/' && hasDescendants(a.image.fs, path)) {
    const sub = `${path}/out`;
    return {
      description: `The root file system is read-only (${readOnlyRootWords(a)}): ${what} over ${path} would hide the files the image has there, so mount it on a folder below (${sub}) and write there.`,
      snippet: renderRunChanges(a, [{ kind: 'writable-dir', path: sub }]),
      safe: false,
    };
  }

  return {
    description: `The root file system is read-only (${readOnlyRootWords(a)}): give this path ${what}.`,
    snippet: renderRunChanges(a, [{ kind: 'writable-dir', path }]),
    safe: false,
  };
}

/**
 * The image makes users with BusyBox's adduser/addgroup: an Alpine base without the shadow
 * package has no useradd/groupadd (`/bin/sh: useradd: not found`).
 */
/**
 * The image surely has no shell for a RUN line: its SHELL program is a path the image is known
 * to lack (FROM scratch, distroless, an image read in full without /bin/sh). A fix there cannot
 * be a RUN line.
 */
export function lacksRunShell(a: AnalysisView): boolean {
  const sh = a.image.config.shell[0];
  if (sh === undefined || !sh.startsWith('/')) return false;
  const r = resolvePath(a.image.fs, sh);

  return r.meta === undefined && !r.unknown && !r.loop;
}

/**
 * A fix that writes the whole of /etc/passwd with COPY (no RUN needed): the image's entries and
 * entry. BuildKit takes the text as a here-document; the classic builder and buildah need it as
 * a file of the build context.
 */
export function passwdCopyFix(a: AnalysisView, entry: PasswdEntry, description: string): Fix {
  const text = formatPasswd([...a.image.accounts.passwd.filter((e) => e.name !== entry.name), entry]);
  if (a.builder === 'buildkit') return { description, snippet: `COPY <<EOF /etc/passwd\n${text}EOF`, safe: false };

  return { description: `${description} Put these lines in a file passwd of the build context:\n${text.trimEnd()}`, snippet: 'COPY passwd /etc/passwd', safe: false };
}

/**
 * A group that would let the process do op on path: the group of the file or folder that
 * refuses it, when the verdict with that group added is allowed (the jupyter docker-stacks
 * give their Python to group users, 100, so an arbitrary --user writes it with --group-add
 * 100). undefined when the process is switched to its user by a tool that takes the groups from
 * /etc/group (a --group-add does not reach it), or when no such group helps.
 */
export function groupAddFix(a: AnalysisView, path: string, op: Op): Fix | undefined {
  const p = a.runtime.process;
  if (a.runtime.drop !== undefined || (a.runtime.script !== undefined && a.runtime.script.from.uid !== p.uid)) return undefined;
  const r = resolvePath(a.runtime.view.fs, path);
  const meta = r.meta ?? (r.missingAt !== undefined ? a.runtime.view.fs.get(r.missingAt) : undefined);
  if (meta === undefined || meta.gid === p.gid || p.groups.includes(meta.gid)) return undefined;
  const id = a.runtime.identity;
  if (!evaluate({ ...id, groups: [...id.groups, meta.gid] }, a.runtime.view, path, op, false).allowed) return undefined;
  const name = groupByGid(a.image.accounts, meta.gid)?.name;

  return {
    description: `${name !== undefined ? `The group ${name} (${meta.gid})` : `Group ${meta.gid}`} may write there: add that group to the container.`,
    snippet: renderRunChanges(a, [{ kind: 'group-add', gids: [meta.gid] }]),
    safe: false,
  };
}

export function busyboxAccounts(a: AnalysisView): boolean {
  return lacksShadowTool(a.image, 'useradd');
}

/**
 * A name for a new user with this uid that the image has neither as a user nor as a group
 * (useradd and groupadd refuse taken ones).
 */
export function freeUserName(uid: number, accounts?: Accounts): string {
  const taken = new Set([...(accounts?.passwd ?? []).map((e) => e.name), ...(accounts?.group ?? []).map((g) => g.name)]);
  return ['app', 'appuser', `user${uid}`].find((n) => !taken.has(n)) ?? `u${uid}`;
}

/**
 * A new unprivileged user for a fix: the lowest uid from 1000 and a name the image has neither
 * as a user nor as a group (ubuntu:24.04 has ubuntu at 1000, docker-stacks jovyan, node node),
 * with the command that makes it there (BusyBox adduser or useradd).
 */
export function newUser(a: AnalysisView): { uid: number; name: string; create: string } {
  const acc = a.image.accounts;
  const uids = new Set(acc.passwd.map((e) => e.uid));
  let uid = 1000;
  while (uids.has(uid)) uid++;
  const name = freeUserName(uid, acc);

  return { uid, name, create: busyboxAccounts(a) ? `adduser -D -u ${uid} ${name}` : `useradd --create-home --uid ${uid} ${name}` };
}

/**
 * The user or group name a start or build error says is missing ("unable to find user tor",
 * "chown: invalid user: 'tor'", "usermod: group 'dovecot' does not exist", ...), if any.
 */
export function missingAccountName(message: string): string | undefined {
  const m =
    /unable to find (?:user|group) ([^\s:]+)/.exec(message) ??
    /(?:no such user|no such group|can't find uid for user|can't find gid for group|invalid user(?! name)|invalid group(?! name)|unknown user|unknown group)(?::\s*|\s+)'?([\w.-]+)/i.exec(message) ??
    // adduser quotes the name `so' (Debian's adduser 3.x).
    /(?:user|group) [`']?([\w.-]+)'? does not exist/i.exec(message);

  return m?.[1];
}

/** A command that makes users or groups, as a word of a step's text. */
const MAKES_ACCOUNTS = /(?:^|[\s;&|(`])(?:useradd|adduser|groupadd|addgroup|newusers)(?=\s)/;

type FailureAt = { line: number; message: string; instruction: string; kind: string; values?: Record<string, string> };

/** The stages whose steps run before a stage's own: itself and its FROM chain of stages. */
function stageChain(a: Pick<AnalysisView, 'sim'>, from: number): Set<number> {
  const stages = a.sim.stages;
  const chain = new Set<number>();
  for (let at = from; at >= 0 && !chain.has(at);) {
    chain.add(at);
    const base = stages[at].base;
    at = 'stage' in base ? stages.findIndex((s) => s.index === base.stage) : -1;
  }

  return chain;
}

/**
 * The first failed step, of the stages in chain and before a line, that was to make the user or
 * group `name`: its text names it with the command that makes it. The step's whole text is read
 * (a failure keeps only the first 200 characters of it).
 */
function failedMaker(a: Pick<AnalysisView, 'sim' | 'df'>, chain: Set<number>, name: string, before: number): FailureAt | undefined {
  const named = new RegExp(`(^|[\\s'"=:])${escapeRegExp(name)}(['"\\s;&|)]|$)`);

  return a.sim.stages.filter((_, i) => chain.has(i)).flatMap((s) => s.failures)
    .filter((g) => {
      if (g.line >= before) return false;
      const text = withValues(stepText(a.df, g.line), g.values);
      return MAKES_ACCOUNTS.test(text) && named.test(text);
    })
    .sort((x, y) => x.line - y.line)[0];
}

/**
 * A step's text with the variables the stage gives a value put in (`$USERNAME`, `${USERNAME}`,
 * `${USERNAME:-dev}`, `${USERNAME-dev}`); a `:-`/`-` default stands when the variable has none
 * (or, for `:-`, an empty one); the rest stays as written.
 */
export function withValues(text: string, values: Record<string, string> | undefined): string {
  if (values === undefined && !text.includes('${')) return text;
  const v = values ?? {};
  const has = (n: string) => Object.hasOwn(v, n);

  return text
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-([^}]*))?\}/g, (all, n: string, colon: string | undefined, dflt: string | undefined) => {
      if (dflt === undefined) return has(n) ? v[n] : all;
      if (has(n) && (colon !== ':' || v[n] !== '')) return v[n];
      return dflt;
    })
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, n: string) => (has(n) ? v[n] : all));
}

const STEP_TEXTS = new WeakMap<AnalysisView['df'], Map<number, string>>();

/** The text of the instruction at a line, from a map made once per Dockerfile. */
export function stepText(df: AnalysisView['df'], line: number): string {
  let texts = STEP_TEXTS.get(df);
  if (texts === undefined) {
    texts = new Map();
    for (const s of df.stages) for (const i of s.instructions) texts.set(i.line, i.args);
    STEP_TEXTS.set(df, texts);
  }

  return texts.get(line) ?? '';
}

/**
 * The earlier failed step a failure follows from: this one is refused a user or group that the
 * earlier step, which failed, was to make (`useradd --uid 1000 app` fails on a taken uid, so each
 * later `chown app` fails on a missing user). Such a step never runs in a real build, which stops
 * at the first failure, and succeeds once that one is fixed: it is not a failure of its own.
 * Only a step of the same stage or of a stage it is built FROM counts.
 */
export function followedFailure(a: Pick<AnalysisView, 'sim' | 'df'>, f: FailureAt): FailureAt | undefined {
  if (f.kind !== 'identity') return undefined;
  // A failure belongs to one analysis, and several rules ask about each (followersNote asks
  // about every other failure for each one): the answer is kept with it.
  const known = FOLLOWED.get(f);
  if (known !== undefined) return known ?? undefined;
  const name = missingAccountName(f.message);
  const maker = name === undefined ? undefined : failedMaker(a, stageChain(a, a.sim.stages.findIndex((s) => s.failures.includes(f as never))), name, f.line);
  FOLLOWED.set(f, maker ?? null);

  return maker;
}

const FOLLOWED = new WeakMap<FailureAt, FailureAt | null>();

/** The failed build step, of the target and the stages it is built FROM, that was to make `name`. */
export function failedMakerOf(a: Pick<AnalysisView, 'sim' | 'df'>, name: string): FailureAt | undefined {
  return failedMaker(a, stageChain(a, a.sim.stages.length - 1), name, Infinity);
}

/** The failed build step that was to make the user or group the container cannot start as. */
export function startFollows(a: Pick<AnalysisView, 'sim' | 'df'>, message: string): FailureAt | undefined {
  const name = missingAccountName(message);

  return name === undefined ? undefined : failedMakerOf(a, name);
}

/** The later failures (build steps, the start) that follow from this one, as a sentence. */
/**
 * Each failure's followers (the later failures followedFailure leads back to it), in the order
 * of the failures: made once per analysis, as every failure asks (a scan of all the failures
 * for each one grew with the square of their number).
 */
function followersOf(a: Pick<AnalysisView, 'sim' | 'df'>): Map<FailureAt, number[]> {
  let m = FOLLOWERS.get(a.sim);
  if (m !== undefined) return m;
  m = new Map();
  for (const g of a.sim.failures) {
    const f = followedFailure(a, g);
    if (f === undefined || f === g) continue;
    const at = m.get(f);
    if (at === undefined) m.set(f, [g.line]);
    else at.push(g.line);
  }
  FOLLOWERS.set(a.sim, m);

  return m;
}

const FOLLOWERS = new WeakMap<object, Map<FailureAt, number[]>>();

/** Where a line is in the Dockerfile: its stage's index and the last USER above it in that stage. */
export interface LinePlace {
  stage: number;
  user: DfInstruction | undefined;
}

/**
 * The stage and the USER in force of the instruction at line (the first stage holding it), made
 * once per Dockerfile for every instruction: rules ask it for each failed step.
 */
export function placeOfLine(df: Pick<Dockerfile, 'stages'>, line: number): LinePlace | undefined {
  let m = PLACES.get(df);
  if (m === undefined) {
    m = new Map();
    for (const st of df.stages) {
      let user: DfInstruction | undefined;
      for (const ins of st.instructions) {
        if (ins.line >= st.from.line && !m.has(ins.line)) m.set(ins.line, { stage: st.index, user });
        if (ins.keyword === 'USER') user = ins;
      }
    }
    PLACES.set(df, m);
  }

  return m.get(line);
}

const PLACES = new WeakMap<object, Map<number, LinePlace>>();

/**
 * A failed step whose words end in a carriage return: the Dockerfile has CRLF (Windows) line
 * endings, which BuildKit removes from instructions but keeps inside a here-document
 * (moby/buildkit#3511), so a command there gets `app\r` for `app`. A sentence and a fix, or none.
 */
export function crlfNote(f: { message: string; file?: string }): { why: string; fixes: Fix[] } {
  if (!f.message.includes('\r')) return { why: '', fixes: [] };

  return {
    why: ' The message shows a carriage return (\\r) in a word: the Dockerfile has CRLF (Windows) line endings, which BuildKit removes from instructions but keeps inside here-documents (moby/buildkit#3511), so the commands there get each line\'s last word with \\r at its end.',
    fixes: [{ description: 'Save the Dockerfile with LF line endings (an editor\'s line-ending setting, or dos2unix; in git, a .gitattributes line `Dockerfile text eol=lf`).', snippet: `dos2unix ${f.file !== undefined && /^[\w./-]+$/.test(f.file) ? f.file : 'Dockerfile'}`, safe: true }],
  };
}

export function followersNote(a: Pick<AnalysisView, 'sim' | 'df' | 'runtime'>, f: FailureAt): string {
  const lines = followersOf(a).get(f) ?? [];
  const start = a.runtime.errors.some((e) => startFollows(a, e.message) === f);
  if (lines.length === 0 && !start) return '';
  const list = lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}`;
  const steps = lines.length === 0 ? '' : `${list} ${lines.length === 1 ? 'fails' : 'fail'} too`;
  const what = [steps, start ? 'the container could not start as it' : ''].filter(Boolean).join(', and ');

  return ` Until this step is fixed, the account it makes is missing, so ${what}; ${lines.length + (start ? 1 : 0) === 1 ? 'that is' : 'those are'} not reported apart.`;
}

/** The absolute paths a build error names: quoted, or after "cannot create"/"can't cd to". */
function failurePaths(message: string, cwd?: string): string[] {
  const out: string[] = [];
  for (const m of message.matchAll(/['"`‘](\/[^'"`’]*)['"`’]|(?:cannot create|can't cd to|cannot touch|cannot access) (\/[^\s:]+)/g)) {
    const p = m[1] ?? m[2];
    if (p && !out.includes(p)) out.push(normalizePath(p));
  }
  // The plain form of coreutils and most tools, the path unquoted between colons
  // (`cat: /srv/meta/scripts/bashrc.bash: No such file or directory`).
  for (const m of message.matchAll(/(?:^|\n)[\w.+-]+: (\/[^:\n]*[^:\s]): (?:No such file or directory|Not a directory|Is a directory|Permission denied)/g)) {
    const p = normalizePath(m[1]);
    if (!out.includes(p)) out.push(p);
  }
  // A relative path the tool names (touch: cannot touch 'src/main.rs'), in the folder it ran in.
  if (cwd !== undefined) {
    for (const m of message.matchAll(/(?:cannot (?:touch|access|stat|open|remove|create (?:regular file|directory))|can't (?:read|cd to|create)) ['"`‘]?([^/'"`’\s:][^'"`’\s:]*)/g)) {
      const p = normalizePath(m[1], cwd);
      if (!out.includes(p)) out.push(p);
    }
  }

  return out;
}

/**
 * What a build failure at this step rests on besides the model's own knowledge: a base image
 * outside the catalog (whose files are a guess), an assumption that decided a path the error
 * names (a COPY source of unknown kind or mode), or an earlier unmodelled command that may have
 * made that path. Empty when the failure is certain.
 */
/** A value to pass for an ARG in a fix: the caller's own ids for *UID / *GID names. */
function argValueHint(name: string, fallback: string): string {
  if (/(^|_)UID$/i.test(name)) return fallback === 'default' ? '1000' : '$(id -u)';
  if (/(^|_)GID$/i.test(name)) return fallback === 'default' ? '1000' : '$(id -g)';

  return 'VALUE';
}

/**
 * For a failing step that names ARGs with no value (BuildFailure.unsetArgs): a sentence for
 * its "why" and the two fixes (a --build-arg, or a default). Empty when there are none.
 */
export function unsetArgsNote(f: { unsetArgs?: { name: string; line: number; global?: boolean }[] }): { why: string; fixes: Fix[] } {
  const all = f.unsetArgs ?? [];
  if (all.length === 0) return { why: '', fixes: [] };
  const list = all.filter((x) => !x.global);
  const globals = all.filter((x) => x.global);
  let why = '';
  const fixes: Fix[] = [];
  if (globals.length > 0) {
    // An ARG before the first FROM is only for the FROM lines: a stage sees it once it
    // declares it again (Dockerfile reference, "Understand how ARG and FROM interact").
    const one = globals.length === 1;
    const args = globals.map((x) => `ARG ${x.name} (line ${x.line})`).join(', ');
    const refs = globals.map((x) => `$${x.name}`).join(', ');
    why += ` ${args} ${one ? 'is' : 'are'} declared before the first FROM and not again in this stage, so ${refs} ${one ? 'expands' : 'expand'} to nothing in this step: that may be why it fails.`;
    fixes.push({
      description: `Declare ${globals.map((x) => `\`ARG ${x.name}\``).join(', ')} again after FROM (without a value ${one ? 'it keeps' : 'they keep'} the one given before FROM).`,
      snippet: globals.map((x) => `ARG ${x.name}`).join('\n'),
      safe: false,
    });
  }
  if (list.length > 0) {
    const one = list.length === 1;
    const args = list.map((x) => `ARG ${x.name} (line ${x.line})`).join(', ');
    const refs = list.map((x) => `$${x.name}`).join(', ');
    why += ` ${args} ${one ? 'has' : 'have'} no default and no --build-arg gave ${one ? 'it' : 'them'} a value, so ${refs} ${one ? 'expands' : 'expand'} to nothing in this step: that may be why it fails.`;
    fixes.push(
      { description: `Pass ${one ? 'a value' : 'values'} when building.`, snippet: `docker build ${list.map((x) => `--build-arg ${x.name}=${argValueHint(x.name, 'cli')}`).join(' ')} .`, safe: false },
      { description: `Or give ${one ? 'the ARG a default' : 'the ARGs defaults'}, so a build without --build-arg works too.`, snippet: list.map((x) => `ARG ${x.name}=${argValueHint(x.name, 'default')}`).join('\n'), safe: false },
    );
  }

  return { why, fixes };
}

export function failureGuesses(a: AnalysisView, f: { line: number; message: string; cwd?: string }): { dependsOn: string[]; hedge: string } {
  const stage = a.sim.stages.find((s) => s.failures.some((x) => x.line === f.line && x.message === f.message));
  const state = stage?.state ?? a.image;
  const base = state.assumptions.find((x) => x.id === 'base:unknown-image');
  if (base) return { dependsOn: [base.id], hedge: ` (judged against a guess: the base image ${base.subject} is not known)` };

  // Only assumptions that decided paths, and earlier unmodelled commands that named some, can
  // touch the paths of the message: without any, there is nothing to read it for.
  const none = { dependsOn: [], hedge: '' };
  if (!state.assumptions.some((x) => x.paths !== undefined) && !state.unknowns.some((u) => u.line < f.line && u.paths.length > 0)) return none;
  const paths = failurePaths(f.message, f.cwd);
  // pip's PEP 668 refusal names no path: it is the marker of the system Python that decides it.
  if (/^error: externally-managed-environment$/m.test(f.message)) {
    for (const py of state.pythons) if (py.kind === 'system') paths.push(externallyManagedMarker(py.version));
  }
  if (paths.length === 0) return none;
  const touches = (p: string, q: string) => isUnder(p, q) || isUnder(q, p);
  // A guess made by a later step cannot have decided this one.
  const guesses = state.assumptions.filter((x) => (x.line === undefined || x.line <= f.line) && x.paths?.some((q) => paths.some((p) => touches(p, q))));
  const unknowns = state.unknowns.filter((u) => u.line < f.line && u.paths.some((q) => paths.some((p) => touches(p, q))));
  const dependsOn = [...guesses.map((x) => x.id), ...unknowns.map(unknownId)];
  if (dependsOn.length === 0) return { dependsOn, hedge: '' };

  return { dependsOn, hedge: ` (judged against a guess about ${paths[0]}: see ${dependsOn.join(', ')})` };
}

/**
 * The guess an account-related failure (a missing or taken user or group) at this step rests on:
 * the users of a base outside the catalog, account files an earlier step wrote with a text the
 * model does not know, or an installed package, whose install scripts are not modelled, that
 * bears the missing name (mosquitto, dovecot-core for dovecot) and may well have made it.
 * `hedge` goes after the message, `cause` after the explanation; both empty when certain.
 */
export function accountFailureGuess(
  state: ImageState,
  f: { line: number; message: string; kind: string },
): { dependsOn: string[]; hedge: string; cause: string } {
  const guessed = state.assumptions.find((x) => x.id === 'base:unknown-image');
  if (guessed) {
    return {
      dependsOn: [guessed.id],
      hedge: ` (judged against guessed users: the base image ${guessed.subject} is not known)`,
      cause: ` The users of ${guessed.subject} are a guess: it is not in the catalog.`,
    };
  }
  const who = f.kind === 'identity' ? missingAccountName(f.message) : undefined;
  const lost = unknownsThatMayAdd(state.unknowns, who, f.line);
  if (lost.length > 0) {
    return {
      dependsOn: lost.map(unknownId),
      hedge: ' (judged without the account files an earlier step writes, whose text is not known)',
      cause: ` Account files written at line ${lost.map((u) => u.line).join(', ')} may change that.`,
    };
  }
  const pkg = who !== undefined ? packageNamedLike(state, who, f.line) : undefined;
  if (pkg) {
    return {
      dependsOn: [`package:${pkg.name}`],
      hedge: ` (unless the package ${pkg.name} installed at line ${pkg.line} adds it)`,
      cause: ` The package ${pkg.name} (line ${pkg.line}) may create ${who} in its install scripts, which uidctl does not model.`,
    };
  }

  return { dependsOn: [], hedge: '', cause: '' };
}

/** Text matched literally inside a RegExp (names come from run lines and Dockerfiles as written). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * Steps the model could not follow (up to a line, when given) that may have added the account
 * `name`: ones that wrote /etc/passwd or /etc/group, and ones whose command names it as a word
 * (`useradd -p "$(openssl passwd ...)" app`, `./create-user.sh app`).
 */
export function unknownsThatMayAdd(unknowns: UnknownEffect[], name: string | undefined, upToLine?: number): UnknownEffect[] {
  const named = name === undefined ? undefined : new RegExp(`(^|[\\s'"=:])${escapeRegExp(name)}(['"\\s;&|)]|$)`);
  return unknowns.filter((u) => (upToLine === undefined || u.line <= upToLine) &&
    (u.paths.includes('/etc/passwd') || u.paths.includes('/etc/group') || (named !== undefined && named.test(u.command))));
}
