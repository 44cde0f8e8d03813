import { defineRule } from '../rule.js';
import type { Fix } from '../../model/types.js';
import { pipInstalled, refusedByMarker } from './pip.js';

/** UID303's fixes (shared with `uidctl diagnose`). */
export const EXTERNALLY_MANAGED_FIXES: Fix[] = [
  { description: 'Use a virtual environment.', snippet: 'RUN python3 -m venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH', safe: false },
  { description: 'Or override the marker knowingly.', snippet: 'ENV PIP_BREAK_SYSTEM_PACKAGES=1', safe: false },
];

/** The finding's message, for check and diagnose alike. */
export function externallyManagedMessage(python: string): string {
  return `${python} is externally managed: \`pip install\` in the container stops with "error: externally-managed-environment".`;
}

export const EXTERNALLY_MANAGED_WHY =
  'Debian 12 and Ubuntu 23.04+ ship an EXTERNALLY-MANAGED marker in the system Python (PEP 668); pip then refuses to install into it.';

/** The same for the distribution at hand: Alpine's python3 has carried the marker since 3.19. */
export function externallyManagedWhy(distro: string): string {
  return distro === 'alpine'
    ? "Alpine's python3 package ships an EXTERNALLY-MANAGED marker (PEP 668, since Alpine 3.19); pip then refuses to install into it."
    : EXTERNALLY_MANAGED_WHY;
}

export default defineRule({
  id: 'UID303',
  name: 'externally-managed',
  description: 'The active Python is marked EXTERNALLY-MANAGED (PEP 668): `pip install` refuses outside a virtual environment.',
  category: 'python',
  severity: { dev: 'warning', prod: 'info' },
  fix: 'suggestion',
  check(a, report) {
    const py = a.python;
    if (!py || a.runtime.errors.length > 0 || !refusedByMarker(py, a.runtime.process.env)) return;
    // Without pip there is nothing to refuse (distroless Pythons ship none).
    if (!pipInstalled(a, py)) return;

    // A build step that overrode the marker for itself does not lift it for the container.
    const override = a.df.stages.flatMap((s) => s.instructions).find((i) => i.keyword === 'RUN' && /--break-system-packages\b/.test(i.args));
    const why = override === undefined
      ? externallyManagedWhy(a.image.distro)
      : `${externallyManagedWhy(a.image.distro)} The \`--break-system-packages\` of line ${override.line} overrides it for that command only, not for a \`pip install\` run later in the container.`;
    report({ message: externallyManagedMessage(py.python), why, fixes: EXTERNALLY_MANAGED_FIXES });
  },
});
