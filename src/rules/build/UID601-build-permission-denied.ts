import { defineRule, type AnalysisView } from '../rule.js';
import type { Fix } from '../../model/types.js';
import type { DfInstruction } from '../../dockerfile/types.js';
import { failureLine, type BuildFailure } from '../../build/simulate.js';
import type { ExecRefusal } from '../../shell/interpret.js';
import { splitCsv } from '../../dockerfile/run-mount.js';
import { failureGuesses, followersNote, placeOfLine, unsetArgsNote } from '../util.js';

/** The COPY or ADD that made the file (its origin is "Dockerfile:12"), if one did. */
function copiedBy(a: AnalysisView, f: BuildFailure, origin: string | undefined): DfInstruction | undefined {
  const m = origin === undefined ? null : /^(.*):(\d+)$/.exec(origin);
  if (!m || m[1] !== f.file) return undefined;
  const line = Number(m[2]);

  return a.df.stages
    .flatMap((s) => s.instructions)
    .find((i) => i.line === line && (i.keyword === 'COPY' || i.keyword === 'ADD'));
}

/** The same COPY or ADD with --chmod=0755 in place of the mode it had. */
function withExecMode(ins: DfInstruction): string {
  const flags = ins.flags
    .filter((x) => x.name !== 'chmod')
    .map((x) => (x.value === null ? `--${x.name}` : `--${x.name}=${x.value}`));

  return [ins.keyword, ...flags, '--chmod=0755', ins.args].join(' ');
}

/**
 * The fixes for a program the shell could not execute: give the file x bits where it is made
 * or before the step (as a user allowed to chmod it), or let its interpreter read it, which
 * needs only r. A folder on the way that refuses search is what to open up instead.
 */
function execFixes(a: AnalysisView, f: BuildFailure, r: ExecRefusal, user: string): Fix[] {
  if (r.blockedAt !== undefined) {
    return [
      { description: `Let ${r.who} pass through ${r.blockedAt}: give everyone search (x) permission on it, as root.`, snippet: `USER root\nRUN chmod a+x ${r.blockedAt}\nUSER ${user}`, safe: false },
    ];
  }
  const fixes: Fix[] = [];
  const copy = copiedBy(a, f, r.origin);
  if (copy) {
    fixes.push({ description: `Copy it executable (line ${copy.line}).`, snippet: withExecMode(copy), safe: false });
  }
  // chmod +x adds x for every class; a file the user may not read needs r as well.
  const chmod = `RUN chmod ${r.readable ? '+x' : '0755'} ${r.path}`;
  fixes.push(r.mayChmod
    ? { description: 'Or make it executable before running it.', snippet: `${chmod}\n${f.instruction}`, safe: false }
    : { description: `Or make it executable before running it, as root (${r.who} does not own it).`, snippet: `USER root\n${chmod}\nUSER ${user}\n${f.instruction}`, safe: false });
  if (r.readable) {
    const sh = /\.bash$/.test(r.path) ? 'bash' : 'sh';
    // The whole line when the step runs only the program; else the words to put in its place.
    const alone = f.instruction === `RUN ${r.program}`;
    fixes.push({ description: `Or run it as \`${sh} ${r.program}\`: ${sh} only reads it, which ${r.who} may (use the interpreter its #! line names).`, snippet: `${alone ? 'RUN ' : ''}${sh} ${r.program}`, safe: false });
  }

  return fixes;
}

/** Why the kernel refuses the program, for the finding's explanation. */
function execWhy(r: ExecRefusal): string {
  const file = r.program === r.path ? r.path : `${r.program} (${r.path})`;
  const bits = r.uid === 0 && r.blockedAt === undefined
    ? ' Root too needs an x bit: CAP_DAC_OVERRIDE lets it execute a file only when some class has one.'
    : '';

  return `The shell starts ${file} as a program, and the kernel lets ${r.who} execute it only with search permission on every folder above it and an x bit in the class that applies: ${r.reasons.join('; ')}.${bits} The shell says "Permission denied" and exits 126. The analysis carries on as if the step had not run.`;
}

/** Why a step is refused a path of its own RUN --mount: the builder, not the image, owns it. */
const MOUNT_WHY: Record<string, string> = {
  cache: 'A cache mount is a folder the builder keeps between builds, owned by root with mode 0755 (the umask takes write from group and other) unless its uid=, gid= and mode= say otherwise, whatever the image has at that path',
  secret: 'A secret is mounted read-only, owned by root with mode 0400 unless its uid=, gid= and mode= say otherwise',
  ssh: 'The SSH agent socket is owned by root with mode 0600 unless its uid=, gid= and mode= say otherwise',
  bind: 'A bind mount shows its source with the owner and mode it has there: files of the build context belong to root and keep their modes',
  tmpfs: 'A tmpfs mount is a new folder, root-owned with mode 1777',
};

/** The mount's options with the step's ids in place of any uid= and gid= written. */
function withIds(flag: string, uid: number, gid: number): string {
  const kept = splitCsv(flag).filter((f) => !/^(uid|gid)=/i.test(f));

  return [...kept, `uid=${uid}`, `gid=${gid}`].join(',');
}

function mountFix(f: BuildFailure): Fix | undefined {
  const m = f.mount;
  if (!m || m.type === 'bind' || m.type === 'tmpfs' || !f.instruction.includes(`--mount=${m.flag}`)) return undefined;

  return {
    description: `Give the ${m.type} mount to the uid and gid the step runs as.`,
    snippet: f.instruction.replace(`--mount=${m.flag}`, `--mount=${withIds(m.flag, m.uid, m.gid)}`),
    safe: false,
  };
}

/**
 * The step could not even start in its WORKDIR (runc's chdir to cwd, buildah's fork/exec): the
 * folder must let the USER in, so give it to the user before switching.
 */
function workdirFix(a: AnalysisView, f: BuildFailure, user: string): Fix | undefined {
  const m = /chdir to cwd \("([^"]+)"\)/.exec(f.message);
  const stage = a.sim.stages.find((s) => s.failures.includes(f));
  const dir = m?.[1] ?? (/^fork\/exec [^:]+: permission denied$/.test(f.message) ? stage?.state.config.workdir : undefined);
  if (dir === undefined) return undefined;

  return {
    description: `${user} may not enter the WORKDIR ${dir}, where every RUN starts: give it to ${user} while still root (or let WORKDIR make it after USER, which BuildKit does as that user).`,
    snippet: `RUN chown ${user} ${dir}`,
    safe: false,
  };
}

export default defineRule({
  id: 'UID601',
  name: 'build-permission-denied',
  description: 'A build step fails for lack of permission (chown, apt-get, a write to a root-owned path after USER, or a script without an execute bit).',
  category: 'build',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    for (const f of a.sim.failures) {
      if (f.kind !== 'permission') continue;
      const guess = failureGuesses(a, f);
      // The USER in force at the failing line: the last USER instruction above it in its stage.
      const userIns = placeOfLine(a.df, f.line)?.user;
      const user = userIns?.args.trim() || 'root';
      const exec = f.notExecutable;
      const byMount = f.mount ? MOUNT_WHY[f.mount.type] : undefined;
      const enter = workdirFix(a, f, user);
      const fix = mountFix(f) ?? enter;
      const unset = unsetArgsNote(f);
      report({
        message: `The build fails here: ${failureLine(f)}${guess.hedge}`,
        why: (exec
          ? execWhy(exec)
          : byMount
            ? `${f.mount!.target} is this step's RUN --mount=type=${f.mount!.type}. ${byMount}; the step runs as uid ${f.mount!.uid}. The analysis carries on as if the step had not run.`
            : enter
              ? 'Every RUN starts in the WORKDIR as the USER, so the folder needs search (x) permission for that user; the builder stops the step before its command runs. The analysis carries on as if the step had not run.'
              : `This step runs as the USER in force at this line, not as root, so it may not change files it does not own or lock the package database.${unset.why} The analysis carries on as if the step had not run.`) + followersNote(a, f),
        line: f.line,
        dependsOn: guess.dependsOn,
        // Resting on a guess, the failure is a warning, so CI does not fail on it.
        unsureSeverity: guess.dependsOn.length > 0 ? 'warning' : undefined,
        fixes: exec
          ? execFixes(a, f, exec, user)
          : [
              ...unset.fixes,
              ...(fix ? [fix] : []),
              { description: 'Do the privileged work before switching user, or switch back to root for it.', snippet: `USER root\n${asRootText(a, f.instruction, user)}\nUSER ${user}`, safe: false },
            ],
      });
    }
  },
});

/**
 * A step's text to run as root instead of USER: `~` and `$HOME` would then be root's home, so
 * they are written as the user's (`mkdir -p ~/.cache` must still make the user's folder).
 */
function asRootText(a: AnalysisView, text: string, user: string): string {
  const acc = a.image.accounts;
  const entry = /^\d+$/.test(user) ? acc.passwd.find((e) => e.uid === Number(user)) : acc.passwd.find((e) => e.name === user.split(':')[0]);
  if (!entry || entry.home === '/root') return text;

  return text.replace(/(^|[\s=:])~(?=\/|\s|$)/g, `$1${entry.home}`).replace(/\$\{HOME\}|\$HOME\b/g, entry.home);
}
