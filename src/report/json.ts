// The JSON report: schema version 1, documented in docs/json-output.md.

import type { Analysis } from '../analyze.js';
import type { Finding, Severity } from '../model/types.js';
import { followedFailure } from '../rules/util.js';

export const SCHEMA_VERSION = 1;

export interface Reported {
  analysis: Analysis;
  /** Findings after config and inline ignores. */
  findings: Finding[];
}

/** Where each stage's base came from: the catalog (and which entry), an archive, the engine, a registry. */
export function baseSources(a: Analysis) {
  return a.sim.stages.map((s) => {
    if ('stage' in s.base) return { stage: s.name ?? String(s.index), ref: s.baseRef, source: 'stage', key: String(s.base.stage) };
    const source = s.base.matched === 'exact' || s.base.matched === 'family' ? 'catalog' : s.base.matched;

    return { stage: s.name ?? String(s.index), ref: s.baseRef, source, key: s.base.key };
  });
}

/** Findings that mean the container does not start at all. */
const START_RULES = new Set(['UID106', 'UID107', 'UID206']);

/** Why the container will not start: the engine's own refusals, then start-failure findings. */
export function startErrors(r: Reported): string[] {
  const refused = r.analysis.runtime.errors.map((e) => e.message);
  // A finding that reports one of the engine's refusals says it again in its own sentence
  // ("The container will not start: <refusal>."): that one is said once.
  const found = r.findings.filter((f) => START_RULES.has(f.ruleId)).map((f) => f.message).filter((m) => !refused.some((e) => m.includes(e)));

  return [...refused, ...found].filter((m, i, all) => all.indexOf(m) === i);
}

export type ResultJson = ReturnType<typeof resultJson>;

export function resultJson(r: Reported) {
  const a = r.analysis;

  return {
    file: a.file,
    target: a.target,
    builder: a.builder,
    engine: a.engine,
    profile: a.profile,
    run: a.run ? { tool: a.run.tool, text: a.run.origin.text } : null,
    bases: baseSources(a),
    build: {
      ok: a.sim.failures.length === 0,
      failures: a.sim.failures.map((f) => {
        const follows = followedFailure(a, f)?.line;
        return { line: f.line, instruction: f.instruction, message: f.message, kind: f.kind, ...(follows === undefined ? {} : { follows }) };
      }),
    },
    start: { ok: startErrors(r).length === 0, errors: startErrors(r) },
    identity: a.identity,
    python: a.python ? { python: a.python.python, kind: a.python.kind, version: a.python.version, sitePackages: a.python.sitePackages } : null,
    verdicts: a.verdicts.map((v) => ({
      path: v.path,
      op: v.op,
      allowed: v.allowed,
      errno: v.errno ?? null,
      where: v.where,
      reasons: v.reasons,
      dependsOn: [...new Set(v.dependsOn)],
      // Only when set: whether the path is there is not known (added in 0.1.0, still v1).
      ...(v.unknown ? { unknown: true } : {}),
    })),
    findings: r.findings,
    // The paths an assumption decided serve dependsOn; the report keeps to the documented fields.
    assumptions: a.assumptions.map(({ paths: _paths, ...rest }) => rest),
    unknowns: a.unknowns,
  };
}

/** Findings counted by severity, over the files checked. */
export interface Tally {
  files: number;
  errors: number;
  warnings: number;
  infos: number;
}

export function emptyTally(): Tally {
  return { files: 0, errors: 0, warnings: 0, infos: 0 };
}

/** One file's findings counted by severity. */
export function severityCounts(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;

  return counts;
}

/** Counts one more file, with its findings' severityCounts, into `t`. */
export function addToTally(t: Tally, counts: Record<Severity, number>): void {
  t.files++;
  t.errors += counts.error;
  t.warnings += counts.warning;
  t.infos += counts.info;
}

export function summary(results: readonly Reported[]): Tally {
  const t = emptyTally();
  for (const r of results) addToTally(t, severityCounts(r.findings));

  return t;
}

export function renderJson(results: Reported[], version: string): string {
  return renderJsonDoc(results.map(resultJson), summary(results), version);
}

/** The JSON report from results already reduced by `resultJson`. */
export function renderJsonDoc(results: readonly ResultJson[], tally: Tally, version: string): string {
  const doc = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'uidctl', version },
    results,
    summary: tally,
  };

  return `${JSON.stringify(doc, null, 2)}\n`;
}
