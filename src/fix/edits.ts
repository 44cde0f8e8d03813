// `uidctl fix`, the pure part: which fixes carry a Dockerfile edit, applying edits to a text,
// keeping only the edits that a second analysis confirms, and the unified diff of the result.

import type { Finding, Fix } from '../model/types.js';

export type Edit = NonNullable<Fix['edit']>;

/** One fix of a finding that can be applied: its edit is in the analysed Dockerfile. */
export interface Candidate {
  finding: Finding;
  fix: Fix;
  edit: Edit;
}

/** The fixes of these findings that edit `file`, in the findings' order, then the fixes'. */
export function candidatesOf(findings: Finding[], file: string): Candidate[] {
  const out: Candidate[] = [];
  for (const finding of findings) {
    for (const fix of finding.fixes) {
      if (fix.edit !== undefined && fix.edit.file === file) out.push({ finding, fix, edit: fix.edit });
    }
  }

  return out;
}

/** An insertion has no line to replace: endLine = startLine - 1 puts its text before startLine. */
const isInsertion = (e: Edit) => e.endLine < e.startLine;

/** Whether two edits touch the same lines (an insertion strictly inside a replaced range too). */
export function overlaps(a: Edit, b: Edit): boolean {
  if (isInsertion(a) && isInsertion(b)) return false;
  if (isInsertion(a)) return b.startLine < a.startLine && a.startLine <= b.endLine;
  if (isInsertion(b)) return a.startLine < b.startLine && b.startLine <= a.endLine;

  return a.startLine <= b.endLine && b.startLine <= a.endLine;
}

const sameEdit = (a: Edit, b: Edit) => a.file === b.file && a.startLine === b.startLine && a.endLine === b.endLine && a.text === b.text;

/** The end of line the text uses (CRLF when its first line ends so), for the lines put in. */
function eolOf(text: string): string {
  const nl = text.indexOf('\n');

  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

/** A text as lines, without the end of the last one. */
function splitLines(text: string): { lines: string[]; eol: string; trailing: boolean } {
  const eol = eolOf(text);
  const trailing = text.endsWith(eol);
  const body = trailing ? text.slice(0, -eol.length) : text;

  return { lines: body === '' ? [] : body.split(eol), eol, trailing };
}

/**
 * The text with the edits applied, and for each line of the result the line of the original it
 * comes from (a line put in by an edit: the edit's startLine). Edits must not overlap; they are
 * applied from the last to the first, so each one's line numbers still hold. Insertions at the
 * same line keep their order; an insertion at a replaced range's first line goes before it.
 */
export function applyEdits(text: string, edits: Edit[]): { text: string; origin: number[] } {
  const { lines, eol, trailing } = splitLines(text);
  const rows = lines.map((line, i) => ({ line, origin: i + 1 }));
  const order = edits.map((e, i) => ({ e, i })).sort((x, y) =>
    y.e.startLine - x.e.startLine || Number(isInsertion(x.e)) - Number(isInsertion(y.e)) || y.i - x.i);

  for (const { e } of order) {
    const put = e.text.split('\n').map((line) => ({ line, origin: e.startLine }));
    rows.splice(e.startLine - 1, isInsertion(e) ? 0 : e.endLine - e.startLine + 1, ...put);
  }
  const out = rows.map((r) => r.line).join(eol);

  return { text: rows.length > 0 && (trailing || lines.length === 0) ? out + eol : out, origin: rows.map((r) => r.origin) };
}

/** An edit not applied, and why. */
export interface Rejected {
  candidate: Candidate;
  reason: string;
}

export interface Verified {
  /** The edits kept, in the order they were tried. */
  applied: Candidate[];
  rejected: Rejected[];
  /** The text with the kept edits. */
  text: string;
  /** The findings given that the kept edits do not remove. */
  left: Finding[];
}

/** A finding of an edited text, with its line in the original (when it is in the Dockerfile). */
interface Placed {
  finding: Finding;
  line?: number;
}

/**
 * Two findings are the same one when the rule matches and either the message or the line (in the
 * original's numbering) does: a message may name a line that moved, and a line may hold a
 * finding whose words changed. Taken widely on purpose: a fix counts as working only when no
 * finding of its rule is left at its place or with its words.
 */
function same(x: Placed, y: Placed): boolean {
  if (x.finding.ruleId !== y.finding.ruleId) return false;

  return x.finding.message === y.finding.message || (x.line !== undefined && x.line === y.line);
}

function placed(findings: Finding[], file: string, origin?: number[]): Placed[] {
  return findings.map((finding) => {
    const l = finding.location;
    if (l.file !== file) return { finding };

    return { finding, line: origin ? origin[l.line - 1] ?? l.line : l.line };
  });
}

/**
 * Keep the edits that work, tried one at a time over those already kept: an edit stays only when
 * analysing the edited text (`analyse`, undefined when it does not analyse) no longer reports the
 * finding it fixes and reports no error that was not there before it. A finding an earlier edit
 * already removed has its other fixes skipped; an edit overlapping a kept one is not tried.
 * `findings` are the original text's, all of them (new errors are looked for among all rules);
 * `candidates` may come from some of them only.
 */
export function verifyEdits(
  text: string, file: string, findings: Finding[], candidates: Candidate[], analyse: (text: string) => Finding[] | undefined,
): Verified {
  const applied: Candidate[] = [];
  const rejected: Rejected[] = [];
  let now = placed(findings, file);
  let result = text;
  const present = (f: Finding, among: Placed[]) => {
    const at: Placed = { finding: f, line: f.location.file === file ? f.location.line : undefined };
    return among.some((p) => same(p, at));
  };

  for (const c of candidates) {
    if (!present(c.finding, now)) continue;
    if (applied.some((a) => sameEdit(a.edit, c.edit))) continue;
    const clash = applied.find((a) => overlaps(a.edit, c.edit));
    if (clash) {
      rejected.push({ candidate: c, reason: `it overlaps the edit for ${clash.finding.ruleId} at line ${clash.edit.startLine}` });
      continue;
    }

    const trial = applyEdits(text, [...applied.map((a) => a.edit), c.edit]);
    const got = analyse(trial.text);
    if (got === undefined) {
      rejected.push({ candidate: c, reason: 'the edited Dockerfile could not be analysed' });
      continue;
    }
    const after = placed(got, file, trial.origin);
    if (present(c.finding, after)) {
      rejected.push({ candidate: c, reason: `analysed again, ${c.finding.ruleId} is still reported` });
      continue;
    }
    const fresh = after.find((p) => p.finding.severity === 'error' && !now.some((q) => same(p, q)));
    if (fresh) {
      const { ruleId, message } = fresh.finding;
      rejected.push({ candidate: c, reason: `analysed again, it brings a new error: ${ruleId} ${message}` });
      continue;
    }

    applied.push(c);
    now = after;
    result = trial.text;
  }

  return { applied, rejected, text: result, left: findings.filter((f) => present(f, now)) };
}

/**
 * A unified diff (`diff -u`, three lines of context) of the text before and after the edits,
 * built from the edits themselves. The edits must not overlap. A text without a newline at its
 * end keeps it so (applyEdits): its last line is marked as diff marks it, and lines put after
 * it change it (it gains a newline), as diff shows.
 */
export function unifiedDiff(name: string, before: string, edits: Edit[]): string {
  if (edits.length === 0) return '';
  const { lines: old, eol, trailing } = splitLines(before);
  const n = old.length;
  const ctx = 3;
  // Each edit in the original's numbering, first to last, with where its lines start in the result.
  const changes = [...edits]
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.startLine - y.e.startLine || Number(isInsertion(y.e)) - Number(isInsertion(x.e)) || x.i - y.i)
    .map(({ e }) => ({ from: e.startLine, count: isInsertion(e) ? 0 : e.endLine - e.startLine + 1, put: e.text.split('\n') }))
    .map((c) => (!trailing && n > 0 && c.count === 0 && c.from === n + 1 ? { from: n, count: 1, put: [old[n - 1], ...c.put] } : c));
  // Appended lines joined into a change of the last line: one change for that line at most.
  for (let i = changes.length - 1; i > 0; i--) {
    const [a, b] = [changes[i - 1], changes[i]];
    if (a.from + a.count - 1 === n && b.from === n && a.count > 0) {
      changes.splice(i - 1, 2, { from: a.from, count: a.count, put: [...a.put, ...b.put.slice(1)] });
    }
  }
  const newLength = n + changes.reduce((k, c) => k + c.put.length - c.count, 0);
  const NO_EOL = '\\ No newline at end of file';
  let shift = 0;
  const shifted = changes.map((c) => {
    const at = { ...c, newFrom: c.from + shift };
    shift += c.put.length - c.count;
    return at;
  });

  // Changes whose contexts touch share a hunk.
  const hunks: (typeof shifted)[] = [];
  for (const c of shifted) {
    const last = hunks.at(-1)?.at(-1);
    if (last && c.from - (last.from + last.count) <= 2 * ctx) hunks.at(-1)!.push(c);
    else hunks.push([c]);
  }

  const out = [`--- ${name}`, `+++ ${name}`];
  for (const h of hunks) {
    const first = h[0];
    const end = h.at(-1)!;
    const oldStart = Math.max(1, first.from - ctx);
    const oldEnd = Math.min(old.length, end.from + end.count - 1 + ctx);
    const body: string[] = [];
    let line = oldStart;
    let added = 0;
    let removed = 0;
    const last = (at: number) => (!trailing && at === n ? [NO_EOL] : []);
    for (const c of h) {
      for (; line < c.from; line++) body.push(` ${old[line - 1]}`, ...last(line));
      for (let k = 0; k < c.count; k++, line++) body.push(`-${old[line - 1]}`, ...last(line));
      c.put.forEach((p, k) => body.push(`+${p}`, ...(!trailing && c.newFrom + k === newLength ? [NO_EOL] : [])));
      added += c.put.length;
      removed += c.count;
    }
    for (; line <= oldEnd; line++) body.push(` ${old[line - 1]}`, ...last(line));
    const oldCount = oldEnd - oldStart + 1;
    const newCount = oldCount - removed + added;
    const newStart = oldStart + (first.newFrom - first.from);
    const range = (start: number, count: number) => `${count === 0 ? start - 1 : start},${count}`;
    // The file's lines end in CRLF: so do the diff's (diff -u keeps the CR in the line), each
    // but the one "No newline at end of file" follows, or patch finds no hunk that matches.
    const ended = eol === '\n' ? body : body.map((l, k) => (l === NO_EOL || body[k + 1] === NO_EOL ? l : `${l}\r`));
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`, ...ended);
  }

  return `${out.join('\n')}\n`;
}
