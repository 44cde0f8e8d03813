import { defineRule, type AnalysisView, type RuleReport } from '../rule.js';
import { firstReason, mountFor, readOnlyRootFix, renderRunChanges, rootStep, who } from '../util.js';
import type { Fix, MountSpec } from '../../model/types.js';
import { ancestry, isUnder, resolvePath } from '../../image/fs.js';
import { userByName } from '../../image/accounts.js';

/** The chown of the working folder, placed where it runs as root (rootStep). */
function ownWorkdirFix(a: AnalysisView, run: string): Fix {
  const step = rootStep(a, run);

  return { description: `Make the working directory belong to the user: put this ${step.where}.`, snippet: step.snippet, safe: false, edit: step.edit };
}

/** The class of the mode bits the kernel applies to the process for this file (generic_permission). */
function classOf(a: AnalysisView, uid: number, gid: number): 'u' | 'g' | 'o' {
  const p = a.runtime.process;
  if (p.uid === uid) return 'u';

  return p.gid === gid || p.groups.includes(gid) ? 'g' : 'o';
}

/**
 * The folders above the working directory that the process may not pass through: no search
 * (x) bit for its class. A chown of the working directory does not help while one of them is
 * closed, so the fix opens each first, with the one bit its class needs.
 */
function closedAncestors(a: AnalysisView, cwd: string): { path: string; cls: 'u' | 'g' | 'o' }[] {
  const out: { path: string; cls: 'u' | 'g' | 'o' }[] = [];
  for (const d of ancestry(cwd).slice(0, -1)) {
    const m = resolvePath(a.image.fs, d).meta;
    if (!m || m.kind !== 'dir') continue;
    const cls = classOf(a, m.uid, m.gid);
    const shift = cls === 'u' ? 6 : cls === 'g' ? 3 : 0;
    if (((m.mode >> shift) & 1) === 0) out.push({ path: d, cls });
  }

  return out;
}

/**
 * The fix when a folder above the working directory refuses search: open it (chmod CLASS+x), and
 * give the working directory to the user too when that alone would still refuse it.
 */
function openAncestorsFix(a: AnalysisView, closed: { path: string; cls: 'u' | 'g' | 'o' }[], owner: string): Fix {
  const p = a.runtime.process;
  const chmods = closed.map((c) => `chmod ${c.cls}+x ${c.path}`);
  const m = resolvePath(a.image.fs, p.cwd).meta;
  const cls = m ? classOf(a, m.uid, m.gid) : undefined;
  const shift = cls === 'u' ? 6 : cls === 'g' ? 3 : 0;
  const writable = m !== undefined && m.kind === 'dir' && ((m.mode >> shift) & 3) === 3;
  const run = `RUN ${[...chmods, ...(writable ? [] : [`mkdir -p ${p.cwd} && chown ${owner} ${p.cwd}`])].join(' && ')}`;
  const step = rootStep(a, run);
  const names = closed.map((c) => c.path).join(' and ');
  const classes = [...new Set(closed.map((c) => ({ u: 'owner', g: 'group', o: 'other' })[c.cls]))].join(' and ');

  return {
    description: `Let the user pass through ${names} first: ${closed.length === 1 ? 'it has' : 'they have'} no search (x) permission for the ${classes} class the process falls in, so no owner or mode of ${p.cwd} helps until ${closed.length === 1 ? 'it is' : 'they are'} opened${writable ? `; ${p.cwd} itself already lets it write` : `, and then give ${p.cwd} to the user`}. Put this ${step.where}.`,
    snippet: step.snippet,
    safe: false,
    edit: step.edit,
  };
}

/**
 * The image's user of the process's name, when the container gives it other ids as it starts
 * (an entrypoint script's `usermod -u "$HOST_UID" app`, docker-stacks' start.sh with NB_UID):
 * a chown by that name in the Dockerfile runs at build time and gives the folder to the ids
 * the name has then, not to the ones the workload runs with.
 */
function renumberedAtStart(a: AnalysisView): { uid: number; gid: number } | undefined {
  const p = a.runtime.process;
  if (p.userName === undefined) return undefined;
  // A run that only picks another group (--user app:staff) renumbers nothing.
  const built = a.runtime.script?.renumbered?.find((u) => u.name === p.userName) ?? userByName(a.image.accounts, p.userName);
  if (!built || built.uid === p.uid) return undefined;

  return { uid: built.uid, gid: built.gid };
}

/** The Dockerfile's steps of the target stage already hold this RUN line (whitespace aside). */
function alreadyInStage(a: AnalysisView, run: string): boolean {
  const want = run.replace(/^RUN\s+/, '').replace(/\s+/g, ' ').trim();
  const stage = a.df.stages[a.sim.target.index];

  return (stage?.instructions ?? []).some((i) => i.keyword === 'RUN' && i.args.replace(/\s+/g, ' ').trim() === want);
}

/**
 * The fixes for a folder the process may not write, where the start renumbers its user: the
 * chown belongs where the new ids exist (the entrypoint script, after the renumbering, while it
 * is still root), or is written with the numeric ids the workload gets.
 */
function renumberedFixes(a: AnalysisView, built: { uid: number; gid: number }): Fix[] {
  const p = a.runtime.process;
  const name = p.userName!;
  const fixes: Fix[] = [];
  const script = a.runtime.script;
  const drop = a.runtime.drop;
  // The script starts the command as root and switches there (gosu, su-exec...): a line before
  // that one runs as root, after its usermod.
  if (script && script.workloadLine !== undefined && script.from.uid === 0 && !script.error) {
    // By name there: the script's renumbering has run, so the name has the workload's ids
    // whatever value the run gives it (HOST_UID).
    const owner = `${name}:${p.groupName ?? p.gid}`;
    fixes.push({
      description: `Give the working directory to ${name} in ${script.written}, after it renumbers ${name} and while it is still root: put this before its line ${script.workloadLine}, which starts the command${drop ? ` (\`${drop.written}\`)` : ''}. A chown in the Dockerfile runs at build time, when ${name} is uid ${built.uid}; it becomes uid ${p.uid} only as the container starts.`,
      snippet: `chown ${owner} ${p.cwd}`,
      safe: false,
    });
  }
  // docker-stacks' start.sh renumbered the user as root: it also gives the paths of
  // CHOWN_EXTRA to the new ids before it switches (runtime/entrypoints.ts).
  if (a.assumptions.some((x) => x.id === 'entrypoint:docker-stacks')) {
    const extra = [...(a.run?.env?.CHOWN_EXTRA ?? '').split(',').map((x) => x.trim()).filter(Boolean), p.cwd].join(',');
    fixes.push({
      description: `Let the image's start.sh give it to ${name} after it renumbers ${name}, as it starts (CHOWN_EXTRA names the paths it gives to NB_UID:NB_GID).`,
      snippet: renderRunChanges(a, [{ kind: 'env', name: 'CHOWN_EXTRA', value: extra }]),
      safe: false,
    });
  }
  const run = `RUN mkdir -p ${p.cwd} && chown ${p.uid}:${p.gid} ${p.cwd}`;
  if (!alreadyInStage(a, run)) {
    const step = rootStep(a, run);
    fixes.push({
      description: `Or give it at build time to the ids the workload runs with, uid ${p.uid} gid ${p.gid}, by number: ${name} is uid ${built.uid} gid ${built.gid} while the image is built, so \`chown ${name}\` there would give it to ${built.uid}. Right only while the container gives ${name} these ids. Put this ${step.where}.`,
      snippet: step.snippet,
      safe: false,
      edit: step.edit,
    });
  }

  return fixes;
}

/**
 * A working directory below a bind mount that the host folder does not have: runc makes the
 * missing cwd (and its missing parents) after the mounts, as container root, 0755 (runc
 * libcontainer/rootfs_linux.go prepareRootfs; /work/shared/engine-semantics.md section 6, `-w
 * /missing`), so the folder appears on the host, inside the bind source, owned by root (under
 * rootless Docker, by the daemon's user), and a non-root process may not write it. Only the
 * folders the start makes are judged here: one the host has is the mount's own business
 * (UID201).
 */
function madeInBind(a: AnalysisView, m: MountSpec, report: (r: RuleReport) => void): void {
  const p = a.runtime.process;
  const made = ancestry(p.cwd).filter((d) => d !== m.target && isUnder(d, m.target) && resolvePath(a.runtime.view.fs, d).meta?.origin === 'working directory (docker)');
  if (made.length === 0) return;
  const v = a.check(p.cwd, 'write');
  if (v.allowed || v.errno === 'ENOENT') return;
  const onHost = (d: string) => `${m.source}${d.slice(m.target.length)}`;
  const where = a.run?.tool === 'kubernetes' ? 'node' : 'host';
  const rootless = a.run?.daemon?.kind === 'rootless' && a.assumptions.some((x) => x.id === 'userns:rootless-docker');
  const owner = rootless ? `the rootless daemon's user (uid ${a.run!.daemon!.uid}), root inside` : 'root';
  const fixes: Fix[] = [];
  if (!rootless) {
    fixes.push({
      description: `Create it in the ${where} folder before the container starts, owned by uid ${p.uid}, so the start finds it.`,
      snippet: `mkdir -p ${onHost(p.cwd)} && sudo chown ${p.uid}:${p.gid} ${made.map(onHost).join(' ')}`,
      safe: false,
    });
  }
  if (a.check(m.target, 'create').allowed && a.run?.workdir !== undefined) {
    fixes.push({ description: `Or start in the mounted folder itself, which uid ${p.uid} may write, and create ${p.cwd.slice(m.target.length + 1)} from there.`, snippet: renderRunChanges(a, [{ kind: 'workdir', path: m.target }]), safe: false });
  }
  report({
    message: `${who(a)} cannot create files in the working directory ${p.cwd}, which ${m.source} on the ${where} does not have: the runtime creates it as the container starts, inside the bind mount (${m.written}), owned by ${owner} with mode 0755, so ${made.length === 1 ? `a folder ${onHost(made[0])} owned by ${rootless ? 'that user' : 'root'} is left` : `folders owned by ${rootless ? 'that user' : 'root'} are left (${made.map(onHost).join(', ')})`} on the ${where}.`,
    why: `${firstReason(v)}. runc makes a missing working directory after the mounts, as container root, before it switches to the run user: below a bind mount that writes into the ${where} folder.`,
    line: a.run?.workdir !== undefined ? undefined : a.sim.target.lines.workdir,
    dependsOn: v.dependsOn,
    fixes,
  });
}

/** The owner to give the working directory: by name when the image's own user runs. */
function ownerOf(a: AnalysisView): string {
  const p = a.runtime.process;

  return a.run?.user === undefined && p.userName && p.groupName ? `${p.userName}:${p.groupName}` : `${p.uid}:${p.gid}`;
}

export default defineRule({
  id: 'UID105',
  name: 'workdir-not-writable',
  description: 'The working directory is not writable by the process, so outputs written to relative paths fail.',
  category: 'identity',
  severity: { dev: 'warning', prod: 'info' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    // No WORKDIR at all leaves the process in /, where nobody expects to write.
    if (a.runtime.errors.length > 0 || p.cwd === '/') return;
    const mount = mountFor(a, p.cwd);
    if (mount) {
      if (mount.kind === 'bind' && mount.source !== undefined) madeInBind(a, mount, report);
      return;
    }

    const v = a.check(p.cwd, 'write');
    if (v.allowed || v.errno === 'ENOENT') return;
    const why = v.errno === 'EROFS' ? 'Read-only file system' : 'Permission denied';
    // An entrypoint script changed to this folder (`cd /root`) before it started the command:
    // the fix is where it goes, not the folder's owner (which may be root's own home).
    const script = a.runtime.script;
    const started = a.run?.workdir ?? (a.image.config.workdir || '/');
    if (script && script.workloadLine !== undefined && p.cwd !== started) {
      report({
        message: `${who(a)} cannot create files in the working directory ${p.cwd}, where ${script.written} changes to before it starts the command.`,
        why: `${firstReason(v)}. Scripts that save checkpoints or logs to relative paths fail with ${why}.`,
        line: a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
        dependsOn: v.dependsOn,
        fixes: [{ description: `Change ${script.written} to cd into a folder ${p.userName ?? `uid ${p.uid}`} may write (its home, or a mounted folder) before it starts the command.`, safe: false }],
      });
      return;
    }
    // Not in the image (buildah makes a WORKDIR only for a step that uses it): the runtime
    // makes it at start, as root.
    const renumbered = renumberedAtStart(a);
    const closed = v.errno === 'EACCES' ? closedAncestors(a, p.cwd) : [];
    const madeAtStart = !resolvePath(a.image.fs, p.cwd).meta && !resolvePath(a.image.fs, p.cwd).unknown;
    report({
      message: `${who(a)} cannot create files in the working directory ${p.cwd}${madeAtStart ? ', which the image does not have: the runtime makes it at start, owned by root' : ''}.`,
      why: `${firstReason(v)}. Scripts that save checkpoints or logs to relative paths fail with ${why}.`,
      line: a.sim.target.lines.workdir,
      dependsOn: v.dependsOn,
      fixes: v.errno === 'EROFS'
        ? [readOnlyRootFix(a, p.cwd)]
        : closed.length > 0
          ? [openAncestorsFix(a, closed, ownerOf(a))]
        : renumbered
          ? renumberedFixes(a, renumbered)
        // By name when the image's own user runs: the fix stays right when a build argument
        // changes that user's uid.
        : [ownWorkdirFix(a, `RUN mkdir -p ${p.cwd} && chown ${ownerOf(a)} ${p.cwd}`)],
    });
  },
});
