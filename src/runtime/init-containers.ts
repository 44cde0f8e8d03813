// Kubernetes init containers, run before the container uidctl checks. "Init containers always
// run to completion. Each init container must complete successfully before the next one starts"
// and they share the pod's volumes with the app containers
// (https://kubernetes.io/docs/concepts/workloads/pods/init-containers/). The common use is a
// root init container that gives a volume to the app's uid (`chown -R 1000:1000 /data`) before
// the app runs as that uid.
//
// Each init container is resolved like a container of its own (its securityContext, or the
// pod's), its command is run through the shell interpreter that runs RUN steps and entrypoint
// scripts (src/shell/interpret.ts, as runtime/entry-script.ts does at start) in its own view,
// and what it leaves in each pod volume is carried, by volume name, to the next init container
// and to the checked container. What cannot be followed (a script file, an image's own command
// in an image other than the analysed one) is an assumption the verdicts on the volumes it
// mounts depend on. Pure.

import type { Assumption, FileMeta, FsTree, HostPathFacts, ImageState, MountSpec, RunContext } from '../model/types.js';
import type { View } from '../access/evaluate.js';
import type { Builder } from '../shell/context.js';
import { runScript } from '../shell/interpret.js';
import { baseName, descendants, formatMode, isUnder, normalizePath, removeTree, resolvePath } from '../image/fs.js';
import { cloneAccounts } from '../image/accounts.js';
import { launchOf, startScriptOf } from './entry-script.js';
import { startCommandOf } from './entrypoints.js';
import { resolveRuntime, type Engine, type InitFailure, type RuntimeNote } from './resolve.js';

/** A pod volume's tree, by path relative to the volume's root ('' is the root itself). */
type VolumeTree = Map<string, FileMeta>;

/** What the init containers leave for the checked container. */
export interface InitOutcome {
  /** Each pod volume an init container mounted, as it left it. */
  volumes: Map<string, VolumeTree>;
  notes: RuntimeNote[];
  /** Volume name -> ids of the assumptions a verdict on it depends on. */
  doubts: Map<string, string[]>;
  /** Init containers whose command fails: the container never starts. */
  failures: InitFailure[];
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash']);

/** POSIX shell quoting of one word, so an exec-form command can be given to the interpreter. */
function quote(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The volume-relative key of a mount point: its subPath, or the root. */
function relRoot(m: MountSpec): string {
  if (m.subPath === undefined || m.subPath === '') return '';
  const p = normalizePath(m.subPath, '/');
  return p === '/' ? '' : p;
}

/** The tree below a mount, keyed relative to the volume. */
function saveVolume(fs: FsTree, m: MountSpec, target: string, into: VolumeTree): void {
  const rel = relRoot(m);
  for (const key of [...into.keys()]) if (key === rel || key.startsWith(`${rel}/`)) into.delete(key);
  const root = fs.get(target);
  if (!root) return;
  into.set(rel, root);
  for (const p of descendants(fs, target)) into.set(rel + p.slice(target.length), fs.get(p)!);
}

/** Lay what a volume holds over a mount of it; false when the mount's part is not known. */
export function loadVolume(fs: FsTree, m: MountSpec, target: string, from: VolumeTree): boolean {
  const rel = relRoot(m);
  const root = from.get(rel);
  if (!root) return false;
  removeTree(fs, target);
  fs.set(target, root);
  for (const [key, meta] of from) if (key.startsWith(`${rel}/`)) fs.set(target + key.slice(rel.length), meta);

  return true;
}

/** How one init container's command is given to the interpreter, or why it cannot be. */
type Plan =
  | { text: string; shell: string[]; argv0?: string; args?: string[]; shown: string }
  | { unknown: string };

function planOf(image: ImageState, run: RunContext, sameImage: boolean, cwd: string, env: Record<string, string>): Plan {
  // command replaces ENTRYPOINT and args replaces CMD (define-command-argument-container).
  // Without a command, another image's own ENTRYPOINT is not known.
  if (!sameImage && run.entrypoint === undefined) {
    return { unknown: `it runs the own command of image ${run.image ?? '(none)'}, which uidctl does not have` };
  }
  const start = startCommandOf(image, run);
  const argv = start.argv;
  if (argv.length === 0) return { unknown: 'it names no command' };
  const first = baseName(argv[0]);
  // `sh -c "chown -R 1000:1000 /data"`: the text, with the words after it as $0, $1...
  if (SHELLS.has(first)) {
    const c = argv.findIndex((w, i) => i > 0 && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w));
    if (c > 0 && argv[c + 1] !== undefined && argv.slice(1, c).every((w) => /^[-+]/.test(w))) {
      return { text: argv[c + 1], shell: [argv[0], ...argv.slice(1, c)], argv0: argv[c + 2] ?? argv[0], args: argv.slice(c + 3), shown: argv[c + 1] };
    }
  }
  const launch = launchOf(argv);
  const named = launch?.argv[0] ?? argv[0];
  // A script file: followed when it is the analysed image's and its text is known.
  if (sameImage) {
    const process = { uid: 0, gid: 0, groups: [0], hasPasswdEntry: true, home: '/', homeFrom: 'default' as const, cwd, caps: new Set<string>(), noNewPrivileges: false, env };
    const script = startScriptOf(image, start, process);
    if (script && !script.refused) return { text: script.text, shell: script.shell, argv0: script.written, args: script.args, shown: argv.join(' ') };
  }
  if (launch?.shell !== undefined || named.includes('/') || /\.(sh|bash|py|pl|rb)$/.test(named)) {
    return { unknown: `it runs the script ${named}, whose text uidctl does not have` };
  }
  const text = argv.map(quote).join(' ');

  return { text, shell: ['/bin/sh'], shown: text };
}

function describe(meta: FileMeta): string {
  return `${formatMode(meta)} ${meta.uid}:${meta.gid}`;
}

/**
 * Run the pod's init containers of `main` in order and say what they leave in the volumes it
 * shares with them. `image` is the analysed image: an init container whose image is the same as
 * the checked container's runs in it; another image is taken to have the shell and the tools its
 * command names (an assumption), and only its effect on the shared volumes is kept.
 */
export function runInitContainers(
  image: ImageState,
  main: RunContext,
  host: HostPathFacts[],
  opts: { engine: Engine; builder: Builder; file: string },
): InitOutcome {
  const out: InitOutcome = { volumes: new Map(), notes: [], doubts: new Map(), failures: [] };
  const inits = main.initContainers ?? [];
  const shared = new Set(main.mounts.map((m) => m.volumeName).filter((n): n is string => n !== undefined));
  const doubt = (volume: string, id: string) => {
    const list = out.doubts.get(volume) ?? [];
    if (!list.includes(id)) list.push(id);
    out.doubts.set(volume, list);
  };

  for (const { name, run } of inits) {
    const mine = run.mounts.filter((m) => m.volumeName !== undefined && shared.has(m.volumeName));
    if (mine.length === 0) continue;
    const sameImage = run.image !== undefined && run.image === main.image;
    const label = `initContainer ${name}`;
    // Another image's USER is not known: without runAsUser it is taken as root, as the usual
    // utility images (busybox, alpine) run.
    const initRun: RunContext = !sameImage && run.user === undefined ? { ...run, user: '0' } : run;
    const rt = resolveRuntime(image, initRun, host, { engine: opts.engine });
    // Where each mount is in this view, the image's symlinks followed (resolve.ts lays it there).
    const targets = mine.map((m) => ({ m, target: resolvePath(rt.view.fs, normalizePath(m.target)).path }));
    for (const { m, target } of targets) {
      const held = out.volumes.get(m.volumeName!);
      if (held) loadVolume(rt.view.fs, m, target, held);
    }
    const before = new Map<string, FileMeta | undefined>();
    for (const { target } of targets) {
      before.set(target, rt.view.fs.get(target));
      for (const p of descendants(rt.view.fs, target)) before.set(p, rt.view.fs.get(p));
    }
    const unsure = (why: string, confidence: Assumption['confidence'] = 'low') => {
      const vols = mine.filter((m) => !m.readonly);
      const a: Assumption = {
        id: `k8s-init-unknown:${name}`,
        subject: label,
        text: `${label} (image ${run.image ?? 'unknown'}) runs before the container and may change the volumes it mounts (${vols.map((m) => `${m.volumeName} at ${m.target}`).join(', ') || 'read-only only'}), but ${why}: verdicts on them depend on what it does`,
        confidence,
      };
      out.notes.push({ text: a.text, assumption: a });
      for (const m of vols) doubt(m.volumeName!, a.id);
    };

    // What the kubelet refuses for certain: a runAsUser the manifest gives (runAsNonRoot with
    // runAsUser: 0 is refused whatever the image, kuberuntime verifyRunAsNonRoot), or any
    // refusal in the analysed image itself. The container never starts, as when the same
    // setting is on the container itself.
    if (rt.errors.length > 0 && (sameImage || run.user !== undefined)) {
      out.failures.push({ name, message: rt.errors[0].message, dependsOn: [], refused: true });
      out.notes.push({ text: `${label} cannot be created (${rt.errors[0].message}): the pod stays in Init and the container never starts` });
      continue;
    }
    if (rt.errors.length > 0) {
      const a: Assumption = {
        id: `k8s-init-fails:${name}`,
        subject: label,
        text: `${label} cannot start (${rt.errors[0].message}): the pod stays in Init and the container never starts; it is judged as if ${name} had succeeded without changing anything`,
        confidence: 'low',
      };
      out.notes.push({ text: a.text, assumption: a });
      for (const m of mine) doubt(m.volumeName!, a.id);
      continue;
    }
    // The assumption of a followed command, which says what it changed on the volumes.
    let followed: Assumption | undefined;
    const plan = planOf(image, run, sameImage, rt.process.cwd, rt.process.env);
    if ('unknown' in plan) {
      unsure(plan.unknown);
    } else {
      const state: ImageState = { ...image, fs: rt.view.fs, accounts: cloneAccounts(image.accounts), texts: { ...image.texts }, unknowns: [] };
      const view: View = rt.view;
      const outcome = runScript(plan.text, {
        state,
        ident: { ...rt.identity, home: rt.process.home, name: rt.process.userName },
        env: new Map(Object.entries(rt.process.env)),
        cwd: rt.process.cwd,
        builder: opts.builder,
        file: label,
        line: 1,
        shell: [...plan.shell, '-c'],
        inexact: new Set(['HOSTNAME']),
        view,
        ...(plan.argv0 !== undefined ? { argv0: plan.argv0, args: plan.args ?? [] } : {}),
        // The runtime gives the container umask 0022 (as for the entrypoint script).
        umask: 0o022,
      });
      const who = `uid ${rt.process.uid}${rt.process.userName ? ` (${rt.process.userName})` : ''}`;
      const a: Assumption = {
        id: `k8s-init:${name}`,
        subject: label,
        text: sameImage
          ? `${label} runs before the container, as ${who}, in the same image: \`${plan.shown}\` is followed on the volumes it shares with the container`
          : `${label} runs image ${run.image ?? 'unknown'}, not the analysed one: \`${plan.shown}\` is followed as ${who}, taking the shell and the tools it names as present there; only what it does to the shared volumes is kept`,
        confidence: sameImage && state.unknowns.length === 0 ? 'high' : 'medium',
      };
      out.notes.push({ text: a.text, assumption: a });
      followed = a;
      if (typeof outcome.status === 'number' && outcome.status !== 0) {
        const f = outcome.failedAt;
        const msg = (f?.stderr ?? outcome.stderr).join('; ') || `it exits ${outcome.status}`;
        // What the failure rests on: the assumptions about the volumes it met (a PVC's owner).
        const rests = (rt.view.dependsOn ?? []).filter((d) => targets.some(({ target }) => isUnder(d.prefix, target) || isUnder(target, d.prefix))).map((d) => d.id);
        out.failures.push({ name, message: msg, dependsOn: [...new Set(rests)] });
        unsure(`it fails (${msg}), so the kubelet restarts it and the container does not start until it succeeds`, 'medium');
      } else if (outcome.status === 'unknown' || state.unknowns.length > 0) {
        const what = state.unknowns.map((u) => u.command).join('; ');
        unsure(`part of its command is not followed (${what || 'its outcome is not known'})`, 'medium');
      } else if (!sameImage) {
        for (const m of mine) if (!m.readonly) doubt(m.volumeName!, a.id);
      }
      // Which paths it changed, as the checked container will see them.
      for (const { m, target } of targets) {
        const mainMount = main.mounts.find((x) => x.volumeName === m.volumeName && relRoot(x) === relRoot(m));
        const shownAt = (p: string) => (mainMount ? normalizePath(mainMount.target) + p.slice(target.length) : p);
        const changed: string[] = [];
        const paths = [target, ...descendants(rt.view.fs, target)];
        for (const p of paths) {
          const after = rt.view.fs.get(p);
          const was = before.get(p);
          if (!after) continue;
          if (!was) changed.push(`${shownAt(p)} created ${describe(after)}`);
          else if (was.uid !== after.uid || was.gid !== after.gid || was.mode !== after.mode || was.kind !== after.kind) {
            changed.push(`${shownAt(p)} ${describe(was)} -> ${describe(after)}`);
          }
        }
        if (changed.length > 0) {
          const more = changed.length > 3 ? ` (and ${changed.length - 3} more)` : '';
          const what = `changed volume ${m.volumeName}: ${changed.slice(0, 3).join(', ')}${more}`;
          if (followed !== undefined) {
            // Said with the assumption it rests on, which the report lists.
            followed.text += `; it ${what}`;
            const note = out.notes.find((n) => n.assumption === followed);
            if (note) note.text = followed.text;
          } else out.notes.push({ text: `${label} ${what}` });
        }
      }
    }
    for (const { m, target } of targets) {
      const tree = out.volumes.get(m.volumeName!) ?? new Map();
      saveVolume(rt.view.fs, m, target, tree);
      out.volumes.set(m.volumeName!, tree);
    }
  }

  return out;
}
