// `uidctl fix`: analyse one Dockerfile as check does, keep the edits a second analysis confirms
// (src/fix/edits.ts), print them as a diff, and with --write replace the file atomically, the
// original kept beside it.

import { constants, copyFileSync, chmodSync, chownSync, existsSync, lstatSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Io } from './io.js';
import { parseFlags } from './args.js';
import { InputError, UsageError, errnoWords } from './errors.js';
import { CHECK_OPTIONS, fileAnalyser, prepareCheck, warnIgnoreComments } from './check.js';
import { findRule } from '../rules/registry.js';
import { candidatesOf, unifiedDiff, verifyEdits, type Verified } from '../fix/edits.js';
import type { Finding } from '../model/types.js';

const HELP = `Usage: uidctl fix [FILE] [options]

Makes the fixes that are Dockerfile edits with a known place (a RUN step before USER, a SHELL
line, a COPY --chmod, \`.\` for \`source\`), each kept only when analysing the edited Dockerfile
again shows its finding gone and no new error. Prints them as a unified diff; fixes of another
kind (run flags, host commands, Compose or Kubernetes changes) are listed, never applied.
Exit codes: 0 nothing to fix (or written), 1 edits to make (without --write), 2 bad input.

  --write               write the fixed Dockerfile (default ./Dockerfile): a temporary file in
                        its folder renamed over it, with its mode; the original is kept as
                        FILE.orig, and an existing FILE.orig is never overwritten (move it away)
  --rule ID             fix only the findings of this rule (repeatable; an ID or a rule name)

Its inputs are check's (see 'uidctl check --help'): --run, --run-file, --compose, --service,
--no-compose-override, --compose-env-file, --k8s, --container, --host-facts, --engine, --path,
--builder, --build-arg, --target, --context, --no-context, --base-from, --base-archive,
--platform, --no-cache, --profile, --config, --no-config, --debug.
`;

// check's inputs, without its report's options (the output here is always the diff).
const {
  format: _format, 'fail-on': _failOn, jobs: _jobs, verbose: _verbose, 'no-color': _noColor, 'stdin-filename': _stdinName,
  ...INPUTS
} = CHECK_OPTIONS;
const OPTIONS = {
  ...INPUTS,
  write: { type: 'boolean' },
  rule: { type: 'string', multiple: true },
} as const;

/** check's report options, which fix does not take: what to say of each instead. */
const REPORT_OPTIONS: Record<string, string> = {
  '--format': "fix always prints its edits as a unified diff (for the findings as JSON or SARIF: uidctl check --format json|sarif)",
  '--fail-on': 'fix exits 1 when there are edits to make and 0 when not, whatever their severity',
  '--jobs': 'fix takes one Dockerfile',
  '--verbose': "fix prints no report (for the assumptions: uidctl check --verbose)",
  '--no-color': 'fix prints no colour',
  '--stdin-filename': 'fix names the Dockerfile read from standard input -',
};

export default async function fix(args: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseFlags<typeof OPTIONS>>;
  try {
    parsed = parseFlags(args, OPTIONS, { once: ['run', 'run-file'] });
  } catch (e) {
    // `unknown option --format` would read as a typo: say it is check's, and what fix does.
    const name = e instanceof UsageError ? /^unknown option (--[^\s=]+)/.exec(e.message)?.[1] : undefined;
    if (name !== undefined && REPORT_OPTIONS[name] !== undefined) throw new UsageError(`${name} is an option of uidctl check's report, not of uidctl fix: ${REPORT_OPTIONS[name]}`);
    throw e;
  }
  const v = parsed.values;
  if (v.help) {
    io.out(HELP);
    return 0;
  }

  if (parsed.positionals.length > 1) throw new UsageError(`fix takes one Dockerfile (got ${parsed.positionals.length}): run it once per file`);
  const rules = (v.rule ?? []).map((key) => {
    const rule = findRule(key);
    if (!rule) throw new UsageError(`unknown rule '${key}' in --rule (see 'uidctl rules')`);
    return rule.id;
  });
  if (v.write && parsed.positionals[0] === '-') throw new UsageError('--write needs a file: standard input cannot be written back');

  const prepared = await prepareCheck(v, parsed.positionals, io);
  if (prepared.folder) throw new UsageError(`fix takes one Dockerfile, not a folder: name the file (${parsed.positionals[0]})`);
  if (prepared.imageOnly !== undefined) throw new UsageError('the Compose service has no build section: there is no Dockerfile to fix');
  // The one named, ./Dockerfile, or the one a Compose service's build section names.
  const input = prepared.files[0];
  const analyser = await fileAnalyser(input, prepared.one, io);
  warnIgnoreComments(analyser.file, analyser.text, io);
  const { findings } = analyser.analyse(analyser.text);
  const chosen = rules.length > 0 ? findings.filter((f) => rules.includes(f.ruleId)) : findings;

  const analyseEdited = (text: string): Finding[] | undefined => {
    try {
      return analyser.analyse(text).findings;
    } catch (e) {
      // An edit that breaks the Dockerfile is one not to make.
      if (e instanceof InputError || e instanceof UsageError) return undefined;
      throw e;
    }
  };
  const verified = verifyEdits(analyser.text, analyser.file, findings, candidatesOf(chosen, analyser.file), analyseEdited);
  const file = analyser.file;

  // What would stop the write is said before the diff, so a refusal is not read as done.
  const target = v.write && verified.applied.length > 0 ? writeTarget(resolve(io.cwd, input), input) : undefined;
  if (verified.applied.length === 0) io.out(`Nothing uidctl can fix in ${file}.\n`);
  else {
    for (const c of verified.applied) {
      io.out(`${file}:${c.finding.location.line}: ${c.finding.ruleId} ${c.fix.description}${c.fix.safe ? '' : ' (review)'}\n`);
    }
    io.out(`\n${unifiedDiff(file, analyser.text, verified.applied.map((c) => c.edit))}`);
  }
  printLeft(file, verified, chosen, io);

  if (verified.applied.length === 0) return 0;
  if (target === undefined) return 1;
  const orig = writeAtomically(target, verified.text, input);
  io.out(`\nWrote ${file} (${verified.applied.length} edit${verified.applied.length === 1 ? '' : 's'}); the original is ${orig}.\n`);

  return 0;
}

/** The findings no edit removed: what the fix would be, or why the edit made was not kept. */
function printLeft(file: string, verified: Verified, chosen: Finding[], io: Io): void {
  const left = verified.left.filter((f) => chosen.includes(f));
  if (left.length === 0) return;

  io.out(`\nLeft for you (not a Dockerfile edit uidctl can make and confirm):\n`);
  for (const f of left) {
    const where = f.location.file === file ? `${file}:${f.location.line}` : `${f.location.file}${f.location.line ? `:${f.location.line}` : ''}`;
    io.out(`  ${where}: ${f.ruleId} ${f.message}\n`);
    const tried = verified.rejected.filter((r) => r.candidate.finding === f);
    for (const r of tried) io.out(`    edit not made: ${r.reason}\n`);
    if (tried.length === 0 && f.fixes.length > 0) io.out(`    fix: ${f.fixes[0].description}\n`);
  }
}

/** The file --write replaces, as found before anything is printed or written. */
interface WriteTarget {
  /** The file itself (a symlink followed). */
  real: string;
  orig: string;
  /** The .orig as the message names it: beside the name given, or where the link led. */
  origName: string;
  mode: number;
  uid: number;
  gid: number;
}

/**
 * Where --write writes, refused before any output when it cannot be done as promised: an
 * existing FILE.orig (an earlier original is never lost), a file without its owner's write bit
 * (read-only on purpose: it is not replaced behind the owner's back).
 */
function writeTarget(path: string, given: string): WriteTarget {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    throw new InputError(`cannot read it again to write it: ${errnoWords((e as NodeJS.ErrnoException).code)}`, given);
  }
  const st = statSync(real);
  const mode = st.mode & 0o7777;
  const orig = `${real}.orig`;
  // Named through a link, the .orig is beside the file the link leads to: say where.
  const linked = lstatSync(path).isSymbolicLink();
  if (existsSync(orig)) throw new InputError(`${linked ? orig : basename(orig)} already exists, and uidctl keeps the original there: move it away and run again`, given);
  if ((mode & 0o200) === 0) throw new InputError(`it is read-only (mode ${mode.toString(8).padStart(4, '0')}): give its owner write permission to let uidctl change it`, given);

  return { real, orig, origName: linked ? orig : `${given}.orig`, mode, uid: st.uid, gid: st.gid };
}

/**
 * Replace the file with the text: the original copied to FILE.orig first (EXCL: never over an
 * earlier one), then a temporary file in the same folder, with the original's mode and owner,
 * renamed over it. A symlink is followed: its target is the file replaced. Returns the .orig's
 * name for the message.
 */
function writeAtomically(t: WriteTarget, text: string, given: string): string {
  try {
    copyFileSync(t.real, t.orig, constants.COPYFILE_EXCL);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new InputError(`${basename(t.orig)} already exists, and uidctl keeps the original there: move it away and run again`, given);
    throw new InputError(`cannot keep the original as ${basename(t.orig)}: ${errnoWords(code)}`, given);
  }

  const tmp = join(dirname(t.real), `.${basename(t.real)}.uidctl-${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx', mode: t.mode });
    // The umask took bits from the mode writeFileSync created it with.
    chmodSync(tmp, t.mode);
    // Run through sudo, uidctl would hand the file to root: both keep the owner they had. A user
    // who may not give a file away keeps it as its own (chown refused: left as it is).
    keepOwner(tmp, t);
    keepOwner(t.orig, t);
    renameSync(tmp, t.real);
  } catch (e) {
    rmSync(tmp, { force: true });
    rmSync(t.orig, { force: true });
    throw new InputError(`cannot write it: ${errnoWords((e as NodeJS.ErrnoException).code)} (left as it was)`, given);
  }

  return t.origName;
}

function keepOwner(path: string, t: WriteTarget): void {
  try {
    chownSync(path, t.uid, t.gid);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
  }
}
