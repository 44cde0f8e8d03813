// One rule = one file: a declarative header (id, name, description, severities per profile,
// fix kind) and a pure check over the finished analysis. defineRule keeps every rule the same shape.

import type { Analysis, Profile } from '../analyze.js';
import type { Finding, Fix, Severity } from '../model/types.js';

export type RuleCategory = 'identity' | 'mounts' | 'python' | 'sudo' | 'services' | 'build' | 'model' | 'gpu';

/** What a check reports; the framework adds id, severity and the file. */
export interface RuleReport {
  message: string;
  why: string;
  /** Dockerfile line; defaults to the rule's anchor (USER line, else FROM). */
  line?: number;
  fixes: Fix[];
  dependsOn?: string[];
  /** Raise the severity for this finding (a start failure is always an error). */
  severity?: Severity;
  /**
   * The severity for this finding when it rests on a guess (a base image outside the catalog,
   * say) rather than on what the model knows, or when the run at hand takes the danger away
   * (no-new-privileges under a sudo rule). A severity the user set for the rule wins.
   */
  unsureSeverity?: Severity;
  /**
   * A lower severity for this case of the rule (root only until the command switches user, say).
   * A severity the user set for the rule wins.
   */
  reducedSeverity?: Severity;
}

export interface RuleMeta {
  /** Stable id: the SARIF ruleId, the config key, the ignore key and the docs page name. */
  id: string;
  /** Kebab-case alias, accepted wherever the id is. */
  name: string;
  /** One sentence. */
  description: string;
  category: RuleCategory;
  severity: Record<Profile, Severity | 'off'>;
  /** 'safe': applicable without review; 'suggestion': for a person to judge. */
  fix: 'safe' | 'suggestion' | 'none';
  /**
   * The case in which a finding of this rule is raised above the table's severities, whatever
   * the profile or a severity set in the config (RuleReport.severity): a container that cannot
   * start, say. `uidctl rules` and the rule's page say so, so the table is not taken for the
   * whole story.
   */
  raised?: { severity: Severity; when: string };
}

export type AnalysisView = Omit<Analysis, 'findings'>;

/**
 * What a check may know of the other rules: whether one runs in this analysis (the profile or
 * the config may turn it off). A rule that leaves a case to another (UID103 leaves HOME=/ of a
 * nameless uid to UID102) reports it itself when that rule is off, so turning one rule off
 * does not hide another's finding.
 */
export interface RuleContext {
  runs(id: string): boolean;
}

export interface Rule extends RuleMeta {
  check(a: AnalysisView, report: (r: RuleReport) => void, rules: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

export function docsUrl(id: string): string {
  return `https://github.com/uidctl/uidctl/blob/main/docs/rules/${id}.md`;
}

/** The line a finding about the run-time identity points at: USER, else FROM of the target. */
export function identityLine(a: AnalysisView): number {
  return a.sim.target.lines.user ?? a.sim.target.lines.from;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Rules list fixes as alternatives ("Or ..."); the first one must read as the main advice. */
export function leadFix(fixes: Fix[]): Fix[] {
  return fixes.map((f, i) => (i === 0 && /^Or,? /.test(f.description) ? { ...f, description: capitalize(f.description.replace(/^Or,? /, '')) } : f));
}

/** `configured`: the rule's severity comes from the user's settings, not from the rule. */
export function toFinding(rule: Rule, r: RuleReport, a: AnalysisView, configured = false): Finding {
  const origin = a.run?.origin;
  const f: Finding = {
    ruleId: rule.id,
    severity: r.severity ?? (configured ? undefined : r.unsureSeverity ?? r.reducedSeverity) ?? (rule.severity[a.profile] as Severity),
    message: r.message,
    why: r.why,
    location: { file: a.file, line: r.line ?? identityLine(a) },
    fixes: leadFix(r.fixes),
    // The same unknown can be reached by several paths of one check; each is named once.
    dependsOn: [...new Set(r.dependsOn ?? [])],
  };
  if (origin?.file !== undefined && rule.category !== 'build') {
    f.related = [{ file: origin.file, ...(origin.line !== undefined ? { line: origin.line } : {}), message: `The container is started by ${origin.text}.` }];
  }

  return f;
}
