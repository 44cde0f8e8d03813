// Inline ignores, in the form hadolint users know:
//   # uidctl ignore=UID201,UID101      applies to the next instruction
//   # uidctl global ignore=UID403      applies to the whole file
// Keys are rule ids or rule names.

import type { Finding } from '../model/types.js';
import { findRule } from './registry.js';

const COMMENT = /^\s*#\s*uidctl\s+(global\s+)?ignore\s*=\s*([\w\-, ]+)$/i;
/** What an ignore comment starts with: one that then fails COMMENT was meant as one. */
const ATTEMPT = /^\s*#\s*uidctl\s+(global\b|ignore\b)/i;

export interface Suppressions {
  /** Keys in ignore comments that name no rule, with their line. */
  unknown: { key: string; line: number }[];
  /** Comments that start like an ignore comment but are not one (`# uidctl ignore UID102`). */
  malformed: { text: string; line: number }[];
  global: Set<string>;
  /** Dockerfile line of the instruction -> rule ids ignored there. */
  byLine: Map<number, Set<string>>;
}

function ids(list: string, line: number, unknown: Suppressions['unknown']): string[] {
  const keys = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const k of keys) if (!findRule(k)) unknown.push({ key: k, line });

  return keys.map((k) => findRule(k)?.id ?? k.toUpperCase());
}

export function readSuppressions(text: string): Suppressions {
  const out: Suppressions = { unknown: [], malformed: [], global: new Set(), byLine: new Map() };
  // Most files have no ignore comment: one scan for the word instead of a match per line.
  if (!/uidctl/i.test(text)) return out;
  const lines = text.split(/\r?\n/);
  let pending: string[] = [];

  lines.forEach((line, i) => {
    const m = COMMENT.exec(line);
    if (m) {
      if (m[1]) ids(m[2], i + 1, out.unknown).forEach((id) => out.global.add(id));
      else pending.push(...ids(m[2], i + 1, out.unknown));
      return;
    }
    if (ATTEMPT.test(line)) out.malformed.push({ text: line.trim(), line: i + 1 });
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    if (pending.length > 0) {
      out.byLine.set(i + 1, new Set(pending));
      pending = [];
    }
  });

  return out;
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
