// Inline ignores, in the form hadolint users know:
//   # uidctl ignore=UID201,UID101      applies to the next instruction
//   # uidctl global ignore=UID403      applies to the whole file
//   # uidctl ignore=UID101 -- reason   text after ` -- ` is a reason, for people
// Keys are rule ids or rule names.
//
// Only Dockerfile comments carry them, as BuildKit's parser reads comments: a line starting with
// `#` (after blanks) outside any instruction. A here-document body is the text of a script or a
// file, never a directive; a comment line between the continuation lines of an instruction is
// dropped by the builder and belongs to no instruction, so an ignore there ignores nothing (and
// is listed, so the command line can say where it should go).

import type { Finding } from '../model/types.js';
import type { DfInstruction, Dockerfile } from '../dockerfile/types.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import { findRule } from './registry.js';

const COMMENT = /^\s*#\s*uidctl\s+(global\s+)?ignore\s*=(.*)$/i;
/** The keys of an ignore comment, before an optional ` -- reason`. */
const KEYS = /^\s*([\w\-, ]*?)\s*(?:\s--(?:\s.*)?)?$/;
/** What an ignore comment starts with: one that then fails COMMENT was meant as one. */
const ATTEMPT = /^\s*#\s*uidctl\b[\s:=_-]*(global|ignore)\b/i;

export interface Suppressions {
  /** Keys in ignore comments that name no rule, with their line. */
  unknown: { key: string; line: number }[];
  /** Comments that start like an ignore comment but are not one (`# uidctl ignore UID102`). */
  malformed: { text: string; line: number }[];
  /**
   * Ignore comments (or attempts) where no Dockerfile comment can be: in a here-document body
   * (`heredoc`), or between the continuation lines of an instruction (`continuation`). They
   * ignore nothing; `instruction` is the line where the instruction holding them starts.
   */
  misplaced: { text: string; line: number; where: 'heredoc' | 'continuation'; keyword: string; instruction: number }[];
  global: Set<string>;
  /** Dockerfile line of the instruction -> rule ids ignored there. */
  byLine: Map<number, Set<string>>;
}

function ids(list: string, line: number, unknown: Suppressions['unknown']): string[] {
  const keys = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const k of keys) if (!findRule(k)) unknown.push({ key: k, line });

  return keys.map((k) => findRule(k)?.id ?? k.toUpperCase());
}

/** The lines of a here-document body (closing delimiter lines included) an instruction ends with. */
function heredocLineCount(ins: DfInstruction): number {
  let n = 0;
  for (const h of ins.heredocs) {
    for (let i = 0; i < h.content.length; i++) if (h.content.charCodeAt(i) === 10) n += 1;
    n += 1;
  }

  return n;
}

/**
 * The ignore comments of a Dockerfile. `parsed` is the text parsed (parsed here when not given);
 * its instructions tell the lines of continuations and here-documents apart from comments.
 */
export function readSuppressions(text: string, parsed?: Dockerfile): Suppressions {
  const out: Suppressions = { unknown: [], malformed: [], misplaced: [], global: new Set(), byLine: new Map() };
  // Most files have no ignore comment: one scan for the word instead of a match per line.
  if (!/uidctl/i.test(text)) return out;
  const df = parsed ?? parseDockerfile(text);
  const lines = text.split(/\r?\n/);

  // The instruction a line is inside of (not its first line), and how.
  const inside = new Map<number, { ins: DfInstruction; where: 'heredoc' | 'continuation' }>();
  for (const ins of df.instructions) {
    const bodyFrom = ins.endLine - heredocLineCount(ins) + 1;
    for (let l = ins.line + 1; l <= ins.endLine; l++) inside.set(l, { ins, where: l >= bodyFrom ? 'heredoc' : 'continuation' });
  }
  const starts = df.instructions.map((i) => i.line);
  const nextInstruction = (line: number) => starts.find((s) => s > line);

  lines.forEach((text, i) => {
    const line = i + 1;
    const m = COMMENT.exec(text);
    const keys = m ? KEYS.exec(m[2]) : null;
    const meant = m !== null || ATTEMPT.test(text);
    if (!meant) return;

    const holder = inside.get(line);
    if (holder) {
      out.misplaced.push({ text: text.trim(), line, where: holder.where, keyword: holder.ins.keyword, instruction: holder.ins.line });
      return;
    }
    if (!m || !keys || keys[1].replace(/[\s,]/g, '') === '') {
      out.malformed.push({ text: text.trim(), line });
      return;
    }
    const found = ids(keys[1], line, out.unknown);
    if (m[1]) {
      found.forEach((id) => out.global.add(id));
      return;
    }
    const target = nextInstruction(line);
    if (target === undefined) return;
    const set = out.byLine.get(target) ?? new Set<string>();
    found.forEach((id) => set.add(id));
    out.byLine.set(target, set);
  });

  return out;
}

/** What the command line says of ignore comments that ignore nothing, in line order. */
export function ignoreCommentWarnings(s: Suppressions): { line: number; text: string }[] {
  return [
    ...s.unknown.map((u) => ({ line: u.line, text: `'${u.key}' in an ignore comment names no rule` })),
    ...s.malformed.map((m) => ({ line: m.line, text: `'${m.text}' is not an ignore comment, so it ignores nothing (write '# uidctl ignore=UID201,UID101' or '# uidctl global ignore=UID403', optionally followed by ' -- reason')` })),
    ...s.misplaced.map((m) => ({
      line: m.line,
      text: m.where === 'heredoc'
        ? `'${m.text}' is text of the here-document of the ${m.keyword} at line ${m.instruction}, not a Dockerfile comment, so it ignores nothing (put it on a line of its own before line ${m.instruction})`
        : `'${m.text}' is between the continuation lines of the ${m.keyword} at line ${m.instruction}, where the builder drops comments, so it ignores nothing (put it on a line of its own before line ${m.instruction})`,
    })),
  ].sort((x, y) => x.line - y.line);
}

export function applySuppressions(findings: Finding[], s: Suppressions): { kept: Finding[]; suppressed: Finding[] } {
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];

  for (const f of findings) {
    const hit = s.global.has(f.ruleId) || s.byLine.get(f.location.line)?.has(f.ruleId);
    (hit ? suppressed : kept).push(f);
  }

  return { kept, suppressed };
}
