// The report for people: identity first, then the paths that matter, then the findings with
// their reasons and fixes. Colour only when asked (TTY without NO_COLOR).

import type { Finding, Op, Verdict } from '../model/types.js';
import type { Reported } from './json.js';
import { baseSources, startErrors, summary, type Tally } from './json.js';
import { docsUrl } from '../rules/rule.js';
import { ALL_LINUX_CAPS, defaultCaps } from '../runtime/resolve.js';
import type { Engine } from '../runtime/resolve.js';
import { failureLine } from '../build/simulate.js';
import { followedFailure, startFollows } from '../rules/util.js';
import { printable } from './printable.js';

export interface TextOptions {
  color: boolean;
  verbose: boolean;
}

const CODES = { red: 31, yellow: 33, green: 32, cyan: 36, dim: 2, bold: 1 } as const;

function painter(on: boolean) {
  return (c: keyof typeof CODES, s: string) => (on ? `\x1b[${CODES[c]}m${s}\x1b[0m` : s);
}

function verdictCell(v: Verdict | undefined): string {
  if (!v) return '';
  // Below a folder a step filled with entries uidctl does not read: neither yes nor missing.
  if (v.unknown) return 'not known';
  // An answer that rests on an assumption or a command uidctl does not follow is marked.
  const unsure = v.dependsOn.length > 0 ? '?' : '';
  if (v.allowed) return `yes${unsure}`;

  return (v.errno === 'ENOENT' ? 'missing' : v.errno === 'EROFS' ? 'ro' : 'NO') + unsure;
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length);
}

function renderFinding(f: Finding, paint: ReturnType<typeof painter>, verbose: boolean): string[] {
  const sev = f.severity === 'error' ? paint('red', 'error  ') : f.severity === 'warning' ? paint('yellow', 'warning') : paint('cyan', 'info   ');
  const out = [`  ${sev} ${paint('bold', f.ruleId)} ${printable(f.location.file)}:${f.location.line}  ${printable(f.message)}`];
  out.push(`          ${paint('dim', `why: ${printable(f.why)}`)}`);

  for (const fix of f.fixes) {
    out.push(`          fix: ${printable(fix.description)}`);
    if (fix.snippet) for (const l of fix.snippet.split('\n')) out.push(`               ${paint('green', printable(l))}`);
  }
  if (verbose) out.push(`          ${paint('dim', docsUrl(f.ruleId))}`);
  if (f.dependsOn.length > 0) out.push(`          ${paint('dim', `depends on: ${f.dependsOn.join(', ')}`)}`);

  return out;
}

export function renderText(results: Reported[], opts: TextOptions): string {
  return results.map((r) => renderTextResult(r, opts)).join('') + renderTextSummary(summary(results));
}

/** The closing line of the text report: the findings counted by severity. */
export function renderTextSummary(s: Tally): string {
  return `${s.errors} error(s), ${s.warnings} warning(s), ${s.infos} info(s) in ${s.files} file(s)\n`;
}

/** One file's block of the text report, ending with its blank line. */
export function renderTextResult(r: Reported, opts: TextOptions): string {
  const paint = painter(opts.color);
  const out: string[] = [];

  const a = r.analysis;
  const id = a.identity;
  out.push(paint('bold', printable(a.file)) + paint('dim', `  (stage ${a.target}, builder ${a.builder}, engine ${a.engine}, profile ${a.profile})`));
  const base = baseSources(a).at(-1);
  if (base) out.push(`  base     ${printable(base.ref)} (${base.source === 'stage' ? `stage ${base.key}` : `${base.source}${base.key ? `: ${base.key}` : ''}`})`);
  if (a.run) out.push(`  run      ${printable(a.run.origin.text.replace(/\s+/g, ' ').trim())}`);

  // A start or build error that rests on a guess (the users of a base outside the catalog, a
  // COPY source not read) says so, after the finding that reports it with what it depends on.
  // Findings that depend on something, by line, made at the first ask: a file of many failed
  // steps asks once per step, and a scan of every finding each time grew with the square.
  let dependingAt: Map<number, Finding[]> | undefined;
  const unsure = (said: string, line?: number): string => {
    let candidates: Finding[] = r.findings;
    if (line !== undefined) {
      if (dependingAt === undefined) {
        dependingAt = new Map();
        for (const x of r.findings) {
          if (x.dependsOn.length === 0) continue;
          const at = dependingAt.get(x.location.line);
          if (at === undefined) dependingAt.set(x.location.line, [x]);
          else at.push(x);
        }
      }
      candidates = dependingAt.get(line) ?? [];
    }
    const f = candidates.find((x) => (line === undefined || x.location.line === line) && x.dependsOn.length > 0 && x.message.includes(said));
    return f ? ` ${paint('dim', `(unsure: depends on ${f.dependsOn.join(', ')})`)}` : '';
  };
  // What follows from a failed build step that was to make the account is said so.
  const follows = (g: { line: number } | undefined) => (g ? ` ${paint('dim', `(follows from line ${g.line})`)}` : '');
  const cannotStart = startErrors(r).map((m) => printable(m) + unsure(m) + follows(startFollows(a, m)));
  if (cannotStart.length > 0) out.push(`  start    ${paint('red', 'FAILS')}: ${cannotStart.join('; ')}`);
  if (a.runtime.errors.length === 0) {
    // A command that switches user (gosu app ...): who starts it, then who the workload is.
    if (id.drop && id.drop.error === null) out.push(`  starts   ${id.drop.from.id}, then \`${printable(id.drop.command)}\` switches`);
    // An entrypoint script followed as it runs: where it starts the command.
    const script = a.runtime.script;
    if (script && !script.error) {
      out.push(`  script   ${printable(script.written)} is followed as it starts${script.workloadLine !== undefined ? `; its line ${script.workloadLine} starts the command` : ': it starts no other program, so it is the workload itself'}`);
    }
    // A --user $(...) that could not be evaluated: the ids shown are a stand-in, said as such.
    const standIn = a.run?.userUnknown !== undefined;
    out.push(`  runs as  ${printable(id.id)}${standIn ? paint('yellow', `  (a stand-in: --user ${a.run!.userUnknown} is not evaluated, so the user is not known)`) : id.user === null ? paint('yellow', '  (no passwd entry: "I have no name!")') : ''}`);
    const homeState = !id.homeExists ? paint('yellow', 'missing') : id.homeWritable ? 'writable' : paint('yellow', 'not writable');
    out.push(`  HOME     ${printable(id.home)} (${homeState}${id.homeFrom === 'default' ? ', fallback /' : id.homeFrom === 'env' ? ', from the environment' : id.homeFrom === 'start' ? ', kept from the user the container starts as' : ''})`);
    out.push(`  WORKDIR  ${printable(id.workdir)}${id.workdirExists ? '' : paint('yellow', ' (missing)')}`);
    // Long lists are summed up: all of them (--privileged, --cap-add ALL) or root's usual set.
    out.push(`  caps     ${capsText(id.caps, a.engine)}`);
    const only = id.sudo.only !== undefined ? `, only for ${id.sudo.only}` : '';
    out.push(`  sudo     ${!id.sudo.installed ? 'not installed' : id.sudo.usable ? (id.sudo.nopasswd ? `usable without password${only}` : `usable with password${only}`) : id.sudo.unsure ? `not known (${id.sudo.reason})` : `not usable (${id.sudo.reason})`}`);
    if (a.python) {
      // Debian's python3 without python3-pip (apt-get install python3, or what buildpack-deps
      // brings): there is no pip to install anything.
      const pipless = a.python.kind === 'system' && !['python3-pip', 'py3-pip', 'pip'].some((n) => Object.hasOwn(a.image.packages, n)) &&
        !['/usr/bin/pip3', '/usr/local/bin/pip3', '/usr/bin/pip', '/usr/local/bin/pip'].some((p) => a.image.fs.has(p));
      out.push(`  python   ${a.python.python} -> ${pipless ? `no pip installed (its site-packages: ${a.python.sitePackages})` : `pip installs into ${a.python.sitePackages}`}`);
    }
  }
  for (const f of a.sim.failures) {
    const said = failureLine(f);
    out.push(`  build    ${paint('red', 'FAILS')} at line ${f.line}: ${printable(said)}${unsure(said, f.line)}${follows(followedFailure(a, f))}`);
  }

  if (a.runtime.errors.length === 0 && a.keyPaths.length > 0) {
    out.push('');
    const width = Math.min(66, Math.max(...a.keyPaths.map((k) => k.path.length + k.role.length + 3)) + 1);
    // Columns wide enough for their longest word ("missing") and a space.
    // "not known" is the longest word a cell may hold: the columns widen for it.
    const cw = a.verdicts.some((x) => x.unknown && a.keyPaths.some((k) => k.path === x.path)) ? 10 : 8;
    out.push(paint('dim', `  ${pad('path', width)}${pad('read', cw)}${pad('write', cw)}on`));
    let marked = false;
    for (const k of a.keyPaths) {
      const v = (op: string) => a.verdicts.find((x) => x.path === k.path && x.op === op);
      // Each row shows what its role asks (a cache row only whether it can be made), and a path
      // that is not there yet shows whether it can be made, even when another role (--path) also
      // asked to write it.
      const asked = (op: Op) => k.ops.includes(op);
      const written = asked('write') ? v('write') : undefined;
      const read = verdictCell(asked('read') ? v('read') : undefined);
      const write = verdictCell(written && !((written.errno === 'ENOENT' || written.errno === 'EISDIR') && v('create')) ? written : v('create') ?? written);
      const where = (v('write') ?? v('create') ?? v('read'))?.where ?? '';
      // Coloured by the word, padded after, so the colour codes do not count in the width.
      const cell = (s: string) => {
        const padded = pad(s, cw);
        const tail = padded.slice(s.length);
        const word = s.replace(/\?$/, '');
        return (word === 'NO' || word === 'ro' ? paint('red', s) : word === 'missing' || word === 'not known' ? paint('yellow', s) : s) + tail;
      };
      const row = [cell(read || '-'), cell(write || '-')];
      if (/\?/.test(`${read}${write}`)) marked = true;
      out.push(`  ${pad(`${printable(k.path)} (${k.role})`, width)}${row.join('')}${where === 'image' ? 'image' : `mount ${where}`}`);
    }
    if (marked) out.push(paint('dim', '  ? rests on an assumption or a command uidctl does not follow (--verbose lists them; JSON: dependsOn)'));
  }

  out.push('');
  if (r.findings.length === 0) out.push(`  ${paint('green', 'no findings')}`);
  for (const f of r.findings) out.push(...renderFinding(f, paint, opts.verbose), '');

  if (opts.verbose) {
    for (const s of a.assumptions) out.push(`  assumed  [${printable(s.id)}, ${s.confidence}] ${printable(s.text)}`);
    for (const u of a.unknowns) out.push(`  unknown  line ${u.line}: ${printable(u.command)} (${printable(u.reason)})`);
  } else if (a.assumptions.length + a.unknowns.length > 0) {
    out.push(paint('dim', `  ${a.assumptions.length} assumption(s), ${a.unknowns.length} unmodelled command(s): --verbose lists them`));
  }
  out.push('');

  return `${out.join('\n')}\n`;
}

/**
 * The capabilities line: none, all, the engine's default set for root, that set with a few
 * added or dropped (--cap-add, --cap-drop), all but a few, or the list itself.
 */
function capsText(caps: readonly string[], engine: Engine): string {
  if (caps.length === 0) return 'none';
  if (caps.length >= ALL_LINUX_CAPS.length) return `all ${caps.length}`;
  const short = (list: readonly string[]) => list.map((c) => c.replace(/^CAP_/, '')).join(', ');
  const has = new Set(caps);
  const defaults = defaultCaps(engine);
  const added = caps.filter((c) => !defaults.includes(c as never));
  const dropped = defaults.filter((c) => !has.has(c));
  const set = `the engine's default set for root${has.has('CAP_DAC_OVERRIDE') && dropped.length === 0 ? ', incl. DAC_OVERRIDE' : ''}`;
  if (added.length === 0 && dropped.length === 0) return `${caps.length} (${set})`;
  const missing = ALL_LINUX_CAPS.filter((c) => !has.has(c));
  if (missing.length <= 4) return `${caps.length} (all but ${short(missing)})`;
  if (added.length + dropped.length <= 4 && caps.length > added.length) {
    return `${caps.length} (${set}${added.length > 0 ? `, plus ${short(added)}` : ''}${dropped.length > 0 ? `, without ${short(dropped)}` : ''})`;
  }

  return short(caps);
}
