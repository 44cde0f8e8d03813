import type { Fix } from '../../model/types.js';
import { defineRule } from '../rule.js';
import { failureLine, type BuildFailure } from '../../build/simulate.js';
import { splitCsv } from '../../dockerfile/run-mount.js';
import { failureGuesses } from '../util.js';

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

export default defineRule({
  id: 'UID601',
  name: 'build-permission-denied',
  description: 'A build step fails for lack of permission (chown, apt-get or a write to a root-owned path after USER).',
  category: 'build',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    for (const f of a.sim.failures) {
      if (f.kind !== 'permission') continue;
      const guess = failureGuesses(a, f);
      // The USER in force at the failing line: the last USER instruction above it in its stage.
      const stage = a.df.stages.find((s) => s.from.line <= f.line && s.instructions.some((i) => i.line === f.line));
      const userIns = stage?.instructions.filter((i) => i.keyword === 'USER' && i.line < f.line).at(-1);
      const user = userIns?.args.trim() || 'root';
      const byMount = f.mount ? MOUNT_WHY[f.mount.type] : undefined;
      const fix = mountFix(f);
      report({
        message: `The build fails here: ${failureLine(f)}${guess.hedge}`,
        why: byMount
          ? `${f.mount!.target} is this step's RUN --mount=type=${f.mount!.type}. ${byMount}; the step runs as uid ${f.mount!.uid}. The analysis carries on as if the step had not run.`
          : `This step runs as the USER in force at this line, not as root, so it may not change files it does not own or lock the package database. The analysis carries on as if the step had not run.`,
        line: f.line,
        dependsOn: guess.dependsOn,
        // Resting on a guess, the failure is a warning, so CI does not fail on it.
        unsureSeverity: guess.dependsOn.length > 0 ? 'warning' : undefined,
        fixes: [
          ...(fix ? [fix] : []),
          { description: 'Do the privileged work before switching user, or switch back to root for it.', snippet: `USER root\n${f.instruction}\nUSER ${user}`, safe: false },
        ],
      });
    }
  },
});
