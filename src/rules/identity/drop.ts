// What the identity rules say about a start command that switches user (gosu app ...): where
// the words are, who the tool runs as and who it runs the workload as.

import type { AnalysisView } from '../rule.js';
import { identityLine } from '../rule.js';
import type { PrivilegeDrop } from '../../model/types.js';
import { applyPrivilegeDrop } from '../../runtime/privdrop.js';
import { startCommandOf } from '../../runtime/entrypoints.js';

/** The Dockerfile line of the words that switch user: CMD or ENTRYPOINT, else the identity line. */
export function dropLine(a: AnalysisView, d: PrivilegeDrop): number {
  const l = a.sim.target.lines;
  if (d.source === 'cmd') return l.cmd ?? identityLine(a);
  if (d.source === 'entrypoint') return l.entrypoint ?? identityLine(a);

  return identityLine(a);
}

/** "root (uid 0)", "app (uid 1000)", "uid 1234 (no passwd entry)". */
export function named(p: { uid: number; userName?: string }): string {
  return p.userName ? `${p.userName} (uid ${p.uid})` : `uid ${p.uid} (no passwd entry)`;
}

/**
 * What the tool prints when the container already starts as the user it switches to (USER app
 * in the image instead): undefined when it would switch all the same.
 */
export function failsAsTarget(a: AnalysisView): string | undefined {
  return applyPrivilegeDrop(a.image, a.runtime.process, startCommandOf(a.image, a.run))?.drop.error;
}

/** The command without the tool, in the form the Dockerfile or run line gives it. */
export function withoutTool(d: PrivilegeDrop): string {
  const argv = JSON.stringify(d.command).replace(/","/g, '", "');
  if (d.source === 'entrypoint') return `ENTRYPOINT ${argv}`;
  if (d.source === 'cmd') return `CMD ${argv}`;

  return d.command.join(' ');
}
