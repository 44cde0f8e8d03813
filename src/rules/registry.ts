// Every rule, in id order. A test checks that each has a docs page and cases.

import type { Finding, Severity } from '../model/types.js';
import { leadFix, toFinding, type AnalysisView, type Rule } from './rule.js';
import { lacksRunShell } from './util.js';
import UID101 from './identity/UID101-root-user.js';
import UID102 from './identity/UID102-nameless-uid.js';
import UID103 from './identity/UID103-home-not-writable.js';
import UID104 from './identity/UID104-unknown-user.js';
import UID105 from './identity/UID105-workdir-not-writable.js';
import UID106 from './identity/UID106-entrypoint-not-executable.js';
import UID107 from './identity/UID107-workdir-not-enterable.js';
import UID108 from './identity/UID108-privileged.js';
import UID201 from './mounts/UID201-mount-not-writable.js';
import UID202 from './mounts/UID202-root-owned-output.js';
import UID203 from './mounts/UID203-missing-bind-source.js';
import UID204 from './mounts/UID204-data-not-persisted.js';
import UID205 from './mounts/UID205-mount-not-readable.js';
import UID206 from './mounts/UID206-mount-refused.js';
import UID207 from './mounts/UID207-host-control-mounted.js';
import UID301 from './python/UID301-pip-install-denied.js';
import UID302 from './python/UID302-user-bin-not-on-path.js';
import UID303 from './python/UID303-externally-managed.js';
import UID304 from './python/UID304-conda-prefix-not-writable.js';
import UID305 from './python/UID305-cache-not-writable.js';
import UID306 from './python/UID306-user-site-of-another-user.js';
import UID401 from './sudo/UID401-sudo-missing.js';
import UID402 from './sudo/UID402-not-in-sudoers.js';
import UID403 from './sudo/UID403-sudo-nopasswd-all.js';
import UID501 from './services/UID501-ssh-root-login.js';
import UID502 from './services/UID502-ssh-password-auth.js';
import UID503 from './services/UID503-jupyter-allow-root.js';
import UID504 from './services/UID504-jupyter-root-refused.js';
import UID505 from './services/UID505-jupyter-no-token.js';
import UID506 from './services/UID506-sshd-privsep-dir-missing.js';
import UID507 from './services/UID507-jupyter-runtime-dir.js';
import UID601 from './build/UID601-build-permission-denied.js';
import UID602 from './build/UID602-build-identity.js';
import UID603 from './build/UID603-unmodelled-command.js';
import UID604 from './build/UID604-build-step-failed.js';
import UID605 from './build/UID605-arg-not-in-stage.js';
import UID701 from './model/UID701-assumption.js';
import UID801 from './gpu/UID801-gpu-device-denied.js';

export const RULES: readonly Rule[] = [
  UID101, UID102, UID103, UID104, UID105, UID106, UID107, UID108,
  UID201, UID202, UID203, UID204, UID205, UID206, UID207,
  UID301, UID302, UID303, UID304, UID305, UID306,
  UID401, UID402, UID403,
  UID501, UID502, UID503, UID504, UID505, UID506, UID507,
  UID601, UID602, UID603, UID604, UID605,
  UID701,
  UID801,
];

/** Find a rule by id or kebab name, case-insensitively. */
export function findRule(key: string): Rule | undefined {
  const k = key.toLowerCase();

  return RULES.find((r) => r.id.toLowerCase() === k || r.name === k);
}

export interface RuleSettings {
  /** Per rule id: a severity override, or 'off'. */
  severity?: Record<string, Severity | 'off'>;
}

/** Run every rule that is on for the analysis's profile. */
export function runRules(a: AnalysisView, settings: RuleSettings = {}): Finding[] {
  const findings: Finding[] = [];
  const sevOf = (rule: Rule) => settings.severity?.[rule.id] ?? rule.severity[a.profile];
  const context = { runs: (id: string) => RULES.some((r) => r.id === id && sevOf(r) !== 'off') };

  for (const rule of RULES) {
    const override = settings.severity?.[rule.id];
    const sev = override ?? rule.severity[a.profile];
    if (sev === 'off') continue;
    const effective: Rule = override ? { ...rule, severity: { ...rule.severity, [a.profile]: sev } } : rule;
    rule.check(a, (r) => findings.push(toFinding(effective, r, a, override !== undefined)), context);
  }

  // An image without a shell (FROM scratch, distroless) runs no RUN line: a fix that is one is
  // left out where the finding has another, and else says where such a step can run.
  if (lacksRunShell(a)) for (const f of findings) f.fixes = withoutRunFixes(f.fixes, a.image.config.shell[0]);
  if (a.run?.userUnknown !== undefined) standInFindings(findings, a.run.userUnknown, settings);

  // Plain comparison: localeCompare would load ICU collation data on first use (~20 ms).
  return findings.sort((x, y) => x.location.line - y.location.line || (x.ruleId < y.ruleId ? -1 : x.ruleId > y.ruleId ? 1 : 0));
}

/**
 * `--user $(...)` that could not be evaluated: the process's ids are a stand-in (nobody, 65534),
 * so what the run-time rules found holds for the stand-in only. Each such finding rests on the
 * run-user:unknown assumption, at most a warning (a severity set in the config stays), and keeps
 * no fix written for the stand-in's ids (a chown to 65534, USER 65534).
 */
function standInFindings(findings: Finding[], written: string, settings: RuleSettings): void {
  const standInIds = /\b65534\b/;
  for (const f of findings) {
    const rule = RULES.find((r) => r.id === f.ruleId);
    if (rule === undefined || rule.category === 'build' || rule.category === 'model') continue;
    f.dependsOn = [...new Set([...f.dependsOn, 'run-user:unknown'])];
    if (f.severity === 'error' && settings.severity?.[f.ruleId] === undefined) f.severity = 'warning';
    const kept = f.fixes.filter((x) => !standInIds.test(`${x.snippet ?? ''} ${x.description}`));
    f.fixes = leadFix([
      { description: `The user is not known: --user ${written} is not evaluated (uidctl runs only id, whoami and pwd). Give the ids it prints, e.g. --run 'docker run --user 1000:1000 ...', to judge this for the real user.`, safe: true },
      ...kept,
    ]);
  }
}

const RUN_LINE = /^RUN /m;

function withoutRunFixes(fixes: Finding['fixes'], shell: string | undefined): Finding['fixes'] {
  const usable = fixes.filter((x) => !RUN_LINE.test(x.snippet ?? ''));
  if (usable.length === fixes.length) return fixes;
  if (usable.length > 0) return leadFix(usable);

  return fixes.map((x) => (RUN_LINE.test(x.snippet ?? '') ? { ...x, description: `${x.description} The image has no shell (no ${shell}) for a RUN line: run it in a build stage that has one and COPY --from what it makes.` } : x));
}
