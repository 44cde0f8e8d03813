import type { Fix, ImageState } from '../../model/types.js';
import type { BuildFailure } from '../../build/simulate.js';
import { baseName, normalizePath, resolvePath } from '../../image/fs.js';
import { parseShell } from '../../shell/parse.js';

/** runc's words when the program a step runs through (its SHELL) is not there. */
const START_FAILED = /^runc run failed: unable to start container process: exec: /;
import { defineRule, type AnalysisView } from '../rule.js';
import { failureGuesses, followersNote, unsetArgsNote } from '../util.js';

/** bash is Essential on Debian and Ubuntu (dpkg keeps it); elsewhere it must be seen. */
function hasBash(state: ImageState): boolean {
  if (state.distro === 'debian' || state.distro === 'ubuntu') return true;

  if (Object.hasOwn(state.packages, 'bash')) return true;

  return resolvePath(state.fs, '/bin/bash').meta !== undefined;
}

/**
 * Install the package that brings a SHELL the base lacks, in a step before SHELL (a RUN after
 * it would itself start through the missing shell), as root.
 */
function shellInstallFix(file: string, p: NonNullable<BuildFailure['shellPackage']>): Fix {
  const install = p.manager === 'apk'
    ? `RUN apk add --no-cache ${p.package}`
    : `RUN apt-get update && apt-get install -y --no-install-recommends ${p.package} && rm -rf /var/lib/apt/lists/*`;
  const asRoot = p.user === '' || /^(?:root|0+)(?::|$)/.test(p.user);

  const snippet = asRoot ? install : `USER root\n${install}\nUSER ${p.user}`;

  return {
    description: `Install ${p.package}${p.package === baseName(p.shell) ? '' : ` (it brings ${p.shell})`} in a step before the SHELL instruction (line ${p.shellLine}): a RUN after SHELL starts through ${p.shell} itself.`,
    snippet,
    safe: false,
    edit: { file, startLine: p.shellLine, endLine: p.shellLine - 1, text: snippet },
  };
}

const BASH_SHELL = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]';

/**
 * Where the bash SHELL goes: over the stage's last SHELL before the failing step (the one that
 * named the shell lacking the feature), else just before that step.
 */
function bashShellEdit(a: AnalysisView, line: number): NonNullable<Fix['edit']> {
  const stage = a.df.stages.find((s) => s.from.line <= line && (s.instructions.at(-1)?.endLine ?? s.from.line) >= line);
  const shell = stage?.instructions.filter((i) => i.keyword === 'SHELL' && i.line < line).at(-1);
  if (shell) return { file: a.file, startLine: shell.line, endLine: shell.endLine, text: BASH_SHELL };

  return { file: a.file, startLine: line, endLine: line - 1, text: BASH_SHELL };
}

/**
 * The failing RUN rewritten over its lines (continuations joined): `change` takes its command
 * and gives the lines to put instead. Undefined for a heredoc, a failure in another file, or
 * when the command does not change.
 */
function runEdit(a: AnalysisView, f: BuildFailure, change: (args: string, run: (args: string) => string) => string): NonNullable<Fix['edit']> | undefined {
  const ins = f.file === a.file ? a.df.instructions.find((i) => i.line === f.line && i.keyword === 'RUN') : undefined;
  if (!ins || ins.heredocs.length > 0) return undefined;
  const flags = ins.flags.map((x) => (x.value === null ? `--${x.name}` : `--${x.name}=${x.value}`));
  const run = (args: string) => ['RUN', ...flags, args].join(' ');
  const text = change(ins.args, run);
  if (text === run(ins.args)) return undefined;

  return { file: a.file, startLine: ins.line, endLine: ins.endLine, text };
}

/** `source` where a command starts. */
const SOURCE = /(^|[;&|(]\s*|\bthen\s+|\bdo\s+|\s)source(?=\s)/g;

/** What bash has and dash does not, in a sourced file's text. */
const BASH_ONLY = /\[\[|<<<|\bfunction\s+\w|\bsource\s|\bdeclare\s|\$\{[^}]*(?:\/\/|\^|,)[^}]*\}|\w=\(/;

/**
 * Files written for any POSIX shell whose text the model does not keep: a venv's or conda's
 * bin/activate, /etc/profile and its profile.d scripts, os-release.
 */
const SH_FILES = /\/bin\/activate$|^\/etc\/profile$|^\/etc\/profile\.d\/[^/]+\.sh$|^\/etc\/os-release$/;

/**
 * Every file the step sources reads as sh: one of SH_FILES, or one whose text the model has
 * that dash's parser takes, with none of bash's own words in it.
 */
function sourcedAreSh(f: BuildFailure, state: ImageState): boolean {
  const files = [...f.instruction.matchAll(/(?:^|[;&|(]\s*|\bthen\s+|\bdo\s+|\s)source\s+(['"]?)([^\s'";&|)]+)\1/g)].map((m) => m[2]);
  if (files.length === 0) return false;

  return files.every((file) => {
    if (file.includes('$') || file.includes('~')) return false;
    const path = normalizePath(file, f.cwd ?? state.config.workdir ?? '/');
    const text = state.texts[path]?.content;
    if (text === undefined) return SH_FILES.test(path);
    if (BASH_ONLY.test(text)) return false;
    try {
      parseShell(text, { dash: true });
      return true;
    } catch {
      return false;
    }
  });
}

export default defineRule({
  id: 'UID604',
  name: 'build-step-failed',
  description: 'A build step fails for another predictable reason (a missing file, a command that exits non-zero).',
  category: 'build',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    for (const f of a.sim.failures) {
      if (f.kind !== 'other') continue;
      const guess = failureGuesses(a, f);
      const fixes: Fix[] = [];
      // SHELL ["/bin/sh", "-o", "pipefail", "-c"] (written for hadolint DL4006) where /bin/sh
      // is dash, which has no pipefail: bash has it.
      const state = a.sim.stages.find((s) => s.failures.includes(f))?.state ?? a.image;
      if (/Illegal option -o pipefail/.test(f.message) && hasBash(state)) {
        fixes.push({
          description: 'Run RUN steps with bash, which has pipefail (dash, the /bin/sh here, does not).',
          snippet: BASH_SHELL,
          safe: false,
          edit: bashShellEdit(a, f.line),
        });
      }
      // `apt-get install sudo{,-ldap}` under dash: the braces reach the command as they are.
      const brace = /\{[^{}\s]*(?:,|\.\.)[^{}\s]*\}/.exec(f.message.split('\n')[0]);
      if (brace && hasBash(state)) {
        fixes.push({
          description: `/bin/sh here has no brace expansion, so ${brace[0]} was passed on as it is: write the words out, or run RUN steps with bash, which expands it.`,
          snippet: BASH_SHELL,
          safe: false,
          edit: bashShellEdit(a, f.line),
        });
      }
      // bash's `source` and `[[` under dash: the POSIX spelling works in every shell.
      if (/: source: not found$/m.test(f.message)) {
        const posix = f.instruction.replace(SOURCE, '$1.');
        // `.` runs the file in dash: an edit only where every file sourced is known and is sh
        // (a bash script such as ROS's setup.bash would stop the step with a syntax error).
        const sh = sourcedAreSh(f, state);
        const edit = sh ? runEdit(a, f, (args, run) => run(args.replace(SOURCE, '$1.'))) : undefined;
        fixes.push({
          description: sh
            ? '/bin/sh here is dash, which has no `source`: use `.`, the POSIX name of the same builtin (or run RUN steps with bash).'
            : '/bin/sh here is dash, which has no `source`: use `.`, the POSIX name of the same builtin, if what it reads is sh and not bash (or run RUN steps with bash).',
          snippet: posix !== f.instruction ? posix : undefined,
          safe: sh,
          ...(edit ? { edit } : {}),
        });
        if (!sh && hasBash(state)) fixes.push({ description: 'Or run RUN steps with bash, which has `source` and reads bash scripts.', snippet: BASH_SHELL, safe: false, edit: bashShellEdit(a, f.line) });
      }
      if (/: \[\[: not found$/m.test(f.message) && hasBash(state)) {
        fixes.push({
          description: '/bin/sh here is dash, which has no `[[ ]]`: write the test with `[ ]`, or run RUN steps with bash.',
          snippet: BASH_SHELL,
          safe: false,
          edit: bashShellEdit(a, f.line),
        });
      }
      // sudo looks a command up in secure_path, not in the caller's PATH (conda, a venv's pip).
      const sudoMiss = /^sudo: ([^\s/:]+): command not found$/m.exec(f.message);
      let sudoWhy = '';
      if (sudoMiss) {
        const name = sudoMiss[1];
        const path = (state.config.env.PATH ?? '').split(':').filter((d) => d.startsWith('/'));
        const where = path.map((d) => `${d.replace(/\/$/, '')}/${name}`).find((p) => resolvePath(state.fs, p).meta !== undefined);
        sudoWhy = ` sudo looks ${name} up in its secure_path (the system folders), not in the PATH of the step${where ? `, where it is ${where}` : ''}.`;
        const byPath = (text: string) => text.replace(new RegExp(`\\bsudo(\\s+-\\S+)*\\s+${name}\\b`), (m) => m.replace(new RegExp(`${name}$`), where!));
        const withoutSudo = (text: string) => text.replace(/\bsudo\s+(-\S+\s+)*/g, '');
        const back = state.config.user || 'root';
        if (where) {
          const edit = runEdit(a, f, (args, run) => run(byPath(args)));
          fixes.push({ description: `Name the program by its path, so sudo does not look it up.`, snippet: byPath(f.instruction.replace(/^RUN\s+/, 'RUN ')), safe: false, ...(edit ? { edit } : {}) });
        }
        const edit = runEdit(a, f, (args, run) => `USER root\n${run(withoutSudo(args))}\nUSER ${back}`);
        fixes.push({ description: 'Or do this work as root before switching user, without sudo.', snippet: `USER root\n${withoutSudo(f.instruction)}\nUSER ${back}`, safe: false, ...(edit ? { edit } : {}) });
      }
      if (f.shellPackage) fixes.push(shellInstallFix(a.file, f.shellPackage));
      const unset = unsetArgsNote(f);
      report({
        message: `The build fails here: ${f.message.split('\n')[0]}${guess.hedge}`,
        why: `${START_FAILED.test(f.message) ? 'The step cannot start, as the program it runs through (its SHELL) is not in the image' : 'The step exits non-zero'}, which stops the build.${sudoWhy}${unset.why} The analysis carries on as if the step had not run.${followersNote(a, f)}`,
        line: f.line,
        dependsOn: guess.dependsOn,
        // Resting on a guess, the failure is a warning, so CI does not fail on it.
        unsureSeverity: guess.dependsOn.length > 0 ? 'warning' : undefined,
        fixes: [...unset.fixes, ...fixes],
      });
    }
  },
});
