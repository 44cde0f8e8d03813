// Small helpers the rules share: how to name the process, the mounts and the run command.

import type { AnalysisView } from './rule.js';
import type { MountSpec, Verdict } from '../model/types.js';
import { isUnder } from '../image/fs.js';

export function who(a: AnalysisView): string {
  const p = a.runtime.process;

  return p.userName ? `${p.userName} (uid ${p.uid})` : `uid ${p.uid} (no passwd entry)`;
}

/** The run mount a container path lives on, deepest first. */
export function mountFor(a: AnalysisView, path: string): MountSpec | undefined {
  const mounts = (a.run?.mounts ?? []).filter((m) => isUnder(path, m.target));

  return mounts.sort((x, y) => y.target.length - x.target.length)[0];
}

export function hostFacts(a: AnalysisView, hostPath: string | undefined) {
  if (!hostPath) return undefined;

  return a.host.find((h) => h.path === hostPath);
}

export function firstReason(v: Verdict): string {
  return v.reasons[v.reasons.length - 1] ?? '';
}

export function runCommandLine(a: AnalysisView): string {
  return a.run?.origin.text ? a.run.origin.text.replace(/\s+/g, ' ').trim() : 'docker run IMAGE';
}

/** The whole command the container starts with (ENTRYPOINT + CMD, or the run's overrides). */
export function startCommand(a: AnalysisView): string[] {
  const entry = a.run?.entrypoint ?? a.image.config.entrypoint ?? [];
  const cmd = a.run?.command && a.run.command.length > 0 ? a.run.command : (a.image.config.cmd ?? []);

  return [...entry, ...cmd];
}

/** The line of the Dockerfile that last wrote a tracked text file. */
export function textLine(a: AnalysisView, path: string): number | undefined {
  return a.image.texts[path]?.line;
}

/**
 * The build ARG that sets the uid of the user the image creates (`useradd -u ${USER_UID}`), so
 * a fix can be a --build-arg instead of an edit.
 */
export function uidBuildArg(a: AnalysisView): string | undefined {
  const stage = a.df.stages[a.sim.target.index];
  const args = new Set(
    [...a.df.globalArgs, ...(stage?.instructions ?? [])]
      .filter((i) => i.keyword === 'ARG')
      .map((i) => i.args.split('=')[0].trim()),
  );

  for (const ins of stage?.instructions ?? []) {
    if (ins.keyword !== 'RUN') continue;
    const m = /\b(?:useradd|adduser)\b[^;&|]*?(?:-u|--uid)[ =]+["']?\$\{?(\w+)\}?/.exec(ins.args);
    if (m && args.has(m[1])) return m[1];
  }

  return undefined;
}
