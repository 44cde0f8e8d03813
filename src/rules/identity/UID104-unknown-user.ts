import { defineRule, identityLine, type AnalysisView } from '../rule.js';
import { accountFailureGuess, busyboxAccounts, escapeRegExp, failedMakerOf, missingAccountName, startFollows, unknownId, unknownsThatMayAdd } from '../util.js';
import { packageAddsInstead, packageNamedLike } from '../../shell/commands/package-accounts.js';

export default defineRule({
  id: 'UID104',
  name: 'unknown-user',
  description: 'The user, group, user namespace or capabilities the container is started with cannot be set up (a name the image does not have, an id out of range, a bad option), so the container cannot start.',
  category: 'identity',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    // Mount problems at start are UID203's and the working directory UID107's; this rule speaks
    // of who the process is and what it may do.
    for (const e of a.runtime.errors) {
      const plain = errorKind(e.message);
      // An option of --userns=auto that podman cannot read (GetAutoOptions), or a run id its
      // size= leaves out.
      const kind = e.usernsAuto === true && /doesn't map [UG]ID/.test(e.message) ? 'autoSize'
        : (plain === 'userns' || plain === 'idmap') && e.usernsAuto === true ? 'auto' : plain;
      if (!kind) continue;
      // A name judged against account files whose text the model lost depends on that step;
      // against the users of a base outside the catalog, on the guess made for it.
      // Or on a step the model could not follow that names the user (useradd with a password
      // from $(openssl ...), ./create-user.sh app).
      const who = kind === 'name' ? missingAccountName(e.message) : undefined;
      const unsure = kind === 'name' ? unknownsThatMayAdd(a.unknowns, who) : [];
      const guessed = kind === 'name' ? a.image.assumptions.find((x) => x.id === 'base:unknown-image') : undefined;
      // Or an installed package bears the name, and its install scripts (not modelled) may add it.
      const pkg = !guessed && unsure.length === 0 && who !== undefined ? packageNamedLike(a.image, who) : undefined;
      // Or the step that would have created it failed on a guess of its own (useradd -g GROUP
      // where a package may have added GROUP): the user may well be there.
      const creator = !guessed && unsure.length === 0 && !pkg && who !== undefined ? failedCreator(a, who) : undefined;
      const hedge = guessed
        ? ` (if the base image ${guessed.subject} does not have it: its users are not known)`
        : unsure.some((u) => /^(COPY|ADD)\b/.test(u.command) && (u.paths.includes('/etc/passwd') || u.paths.includes('/etc/group'))) ? ' (if the account files the build copies in do not add it)'
        : unsure.length > 0 ? stepsThatMayAdd([...new Set(unsure.map((u) => u.line))])
        : pkg ? ` (unless the package ${pkg.name} installed at line ${pkg.line} adds it: its install scripts are not modelled)`
        : creator ? ` (if the step at line ${creator.line} that creates it really fails: that is judged against a guess)` : '';
      // A package the model knows adds its service user under another name (debian-tor).
      // A user a build step was to make, and that step fails for certain: its finding (UID602,
      // UID601 or UID604) says so, and that the container could not start as the user.
      if (who !== undefined && !hedge && startFollows(a, e.message) !== undefined) continue;
      const instead = who !== undefined && !hedge ? packageAddsInstead(a.image, who) : undefined;
      // The step that should have made it ran without failing the build: `useradd ... || true`
      // hid its error (uid 1000 is ubuntu's on ubuntu:24.04, jovyan's on docker-stacks).
      const hidden = who !== undefined && !hedge && !instead ? hiddenCreator(a, who) : undefined;
      report({
        message: `The container will not start: ${e.message}${hedge}${hidden ? `: the step at line ${hidden.line} that creates ${who} failed (${hidden.reason}), and the failure was hidden` : ''}.`,
        why: instead
          ? `${WHY[kind]} The package ${instead.package.name} (line ${instead.package.line}) adds ${instead.users.join(' and ')}, not ${who}.`
          : hidden
          ? `${WHY[kind]} The RUN at line ${hidden.line} goes on after its account command fails (\`|| true\` or another ||), so the build passes without the user.`
          : WHY[kind],
        line: identityLine(a),
        fixes: [
          ...(instead ? [{ description: `Use the user the package ${instead.package.name} adds.`, snippet: `USER ${instead.users[0]}`, safe: false }] : []),
          // BusyBox has adduser, not useradd.
          ...(kind === 'name' && busyboxAccounts(a) ? BUSYBOX_NAME_FIXES : FIXES[kind]),
        ],
        dependsOn: [...unsure.map(unknownId), ...(guessed ? [guessed.id] : []), ...(pkg ? [`package:${pkg.name}`] : []), ...(creator?.dependsOn ?? [])],
        // Resting on a guess, the start failure is a warning, so CI does not fail on a user
        // the real base image may well have.
        unsureSeverity: hedge ? 'warning' : undefined,
      });
    }
    // An init container the kubelet refuses to create (CreateContainerConfigError): the pod
    // stays in Init, so the container never starts either.
    // https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
    for (const f of a.runtime.initFailures ?? []) {
      const kind = f.refused ? errorKind(f.message) : undefined;
      if (!kind) continue;
      report({
        message: `The container will not start: the kubelet refuses to create the init container ${f.name} (${f.message}), so the pod stays in Init.`,
        why: `${WHY[kind]} Init containers run to completion before the containers start, so one that cannot be created stops the pod.`,
        line: identityLine(a),
        fixes: kind === 'runAsUser' ? initRunAsRootFixes(f.name) : FIXES[kind],
      });
    }
  },
});

/** A root init container in a pod whose securityContext says runAsNonRoot. */
const initRunAsRootFixes = (name: string) => [
  {
    description: 'Let the init container run as root: a container\'s own securityContext overrides the pod\'s runAsNonRoot.',
    snippet: `initContainers:\n  - name: ${name}\n    securityContext:\n      runAsUser: 0\n      runAsNonRoot: false`,
    safe: false,
  },
  {
    description: 'Or drop the init container and let the kubelet give the volume to the pod\'s group.',
    snippet: 'securityContext:\n  fsGroup: GID\n  fsGroupChangePolicy: OnRootMismatch',
    safe: false,
  },
];

/**
 * A RUN of the target stage that names `name` in a useradd or adduser and did not fail the
 * build, though the user is not there: its error was hidden. The reason when the model can say
 * it: a uid (-u/--uid N) another account has.
 */
function hiddenCreator(a: AnalysisView, name: string): { line: number; reason: string } | undefined {
  const creates = new RegExp(`\\b(useradd|adduser)\\b[^&|;]*\\s${escapeRegExp(name)}(\\s|$)`);
  const stage = a.df.stages[a.sim.target.index];
  const ins = stage?.instructions.find((i) => i.keyword === 'RUN' && creates.test(i.args));
  if (!ins || a.sim.target.failures.some((f) => f.line === ins.line)) return undefined;
  const uid = /(?:^|\s)(?:-u|--uid)[=\s]+(?:\$\{?(\w+)\}?|(\d+))/.exec(ins.args);
  // A uid from an ARG of the stage: its default, as the build used it without --build-arg.
  const fromArg = uid?.[1] !== undefined
    ? stage.instructions.filter((i) => i.keyword === 'ARG' && i.line < ins.line).map((i) => new RegExp(`^${uid[1]}=(\\d+)\\s*$`).exec(i.args.trim())?.[1]).filter(Boolean).at(-1)
    : undefined;
  const n = uid?.[2] !== undefined ? Number(uid[2]) : fromArg !== undefined ? Number(fromArg) : undefined;
  const holder = n !== undefined ? a.image.accounts.passwd.find((e) => e.uid === n && e.name !== name) : undefined;

  return { line: ins.line, reason: holder ? `useradd: UID ${n} is not unique: ${holder.name} has it` : 'its account command failed' };
}

/**
 * The failed step that would have created `name` (failedMakerOf, as for a certain failure),
 * when its failure is unsure: what the start failure then rests on.
 */
function failedCreator(a: AnalysisView, name: string): { line: number; dependsOn: string[] } | undefined {
  const f = failedMakerOf(a, name);
  const g = f ? accountFailureGuess(a.sim.target.state, f) : undefined;

  return f && g && g.dependsOn.length > 0 ? { line: f.line, dependsOn: g.dependsOn } : undefined;
}

type Kind = 'name' | 'range' | 'userns' | 'auto' | 'autoSize' | 'idmap' | 'dockerUserns' | 'caps' | 'nonroot' | 'runAsUser';

function errorKind(message: string): Kind | undefined {
  if (/uids and gids must be in range/.test(message)) return 'range';
  if (/runAsUser breaks non-root/.test(message)) return 'runAsUser';
  if (/runAsNonRoot|non-root/i.test(message)) return 'nonroot';
  if (/capabilit/i.test(message)) return 'caps';
  if (/invalid USER mode/.test(message)) return 'dockerUserns';
  if (/ID mapping|id map value|invalid mapping|at [UG]ID map|nomap is only/i.test(message)) return 'idmap';
  if (/keep-id|userns|ParseUint|(invalid|unknown) option specified/i.test(message)) return 'userns';
  if (/user|group|passwd/i.test(message)) return 'name';

  return undefined;
}

const WHY: Record<Kind, string> = {
  name:
    'The engine looks the user and group up in the image\'s /etc/passwd and /etc/group when the ' +
    'container starts; a name that is not there stops the start. Numeric ids need no entry.',
  range: 'The runtime reads a user or group id as a number from 0 to 2147483647 (moby/sys user); anything else stops the start.',
  userns: 'The user-namespace option of the run cannot be applied as written, so the engine refuses to create the container.',
  auto:
    'podman reads the options of --userns=auto (size=, uidmapping=, gidmapping=, comma-separated) before it ' +
    'creates the container, and refuses one it cannot read.',
  autoSize:
    'podman\'s --userns=auto:size=N maps container ids 0 to N-1 (and the ids of uidmapping=/gidmapping=) ' +
    'to a free range of /etc/subuid: a uid or gid of N or more does not exist in that user namespace, ' +
    'so no process can run as it, and podman stops before the container starts.',
  idmap:
    'podman runs the container in the user namespace that --uidmap/--gidmap describe: a uid or gid ' +
    'outside them does not exist there, so no process can run as it, and a map podman cannot read, ' +
    'or whose ranges overlap, stops the run before anything starts.',
  dockerUserns:
    'The docker CLI accepts only --userns=host (its user namespaces are the daemon\'s userns-remap); ' +
    'keep-id, auto and nomap are podman\'s, and docker run refuses them before it creates the container.',
  caps: 'The engine checks every --cap-add and --cap-drop name against the capabilities it knows before it creates the container.',
  nonroot: 'The kubelet refuses to start a container with runAsNonRoot when the user it would run as is root or is not numeric.',
  runAsUser:
    'The manifest sets both runAsNonRoot and runAsUser: 0, and the kubelet refuses that pair ' +
    '(kuberuntime verifyRunAsNonRoot). runAsUser overrides the image\'s USER, so no Dockerfile change helps.',
};

const BUSYBOX_NAME_FIXES = [
  { description: 'Create the user before switching to it, or use numeric ids.', snippet: 'RUN adduser -D app\nUSER app', safe: false },
];

const FIXES: Record<Kind, { description: string; snippet: string; safe: boolean }[]> = {
  name: [{ description: 'Create the user before switching to it, or use numeric ids.', snippet: 'RUN useradd --create-home app\nUSER app', safe: false }],
  range: [{ description: 'Use an id from 0 to 2147483647, for example the one useradd gave the user.', snippet: 'USER 1000:1000', safe: false }],
  userns: [{ description: 'Write the option as the engine documents it.', snippet: '--userns=keep-id:uid=1000,gid=1000', safe: false }],
  auto: [{ description: 'Write the options as podman-run(1) documents them: size=SIZE, uidmapping=CONTAINER_UID:HOST_UID:SIZE, gidmapping=CONTAINER_GID:HOST_GID:SIZE.', snippet: '--userns=auto:uidmapping=1000:1000:1,gidmapping=1000:1000:1', safe: false }],
  autoSize: [
    { description: 'Give the automatic user namespace a size above every id the container runs as (or leave size= out, and podman sizes it from the image\'s users, groups and file owners).', snippet: '--userns=auto:size=65536', safe: false },
  ],
  idmap: [
    { description: 'Map a whole range, so that every id of the image, the run user\'s included, exists in the container.', snippet: '--uidmap 0:100000:65536 --gidmap 0:100000:65536', safe: false },
  ],
  dockerUserns: [
    { description: 'Run as your own ids instead, which is what keep-id does under podman.', snippet: '--user "$(id -u):$(id -g)"', safe: false },
    { description: 'Or start it with podman, which has keep-id.', snippet: 'podman run --userns=keep-id ...', safe: false },
  ],
  caps: [{ description: 'Name a capability the kernel has (capabilities(7)), with or without the CAP_ prefix.', snippet: '--cap-add CHOWN', safe: false }],
  nonroot: [{ description: 'Run as a numeric non-root user.', snippet: 'USER 1000:1000', safe: false }],
  runAsUser: [
    {
      description: 'Remove runAsUser: 0 from the securityContext (the pod\'s or the container\'s) so the image\'s numeric non-root USER applies, or set a non-root uid there.',
      snippet: 'securityContext:\n  runAsNonRoot: true\n  runAsUser: 1000',
      safe: false,
    },
  ],
};

/** " (unless the step at line 4, ...)", or "the steps at lines 4 and 9" for more than one. */
function stepsThatMayAdd(lines: number[]): string {
  if (lines.length === 1) return ` (unless the step at line ${lines[0]}, which the model does not follow, adds it)`;

  return ` (unless the steps at lines ${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}, which the model does not follow, add it)`;
}
