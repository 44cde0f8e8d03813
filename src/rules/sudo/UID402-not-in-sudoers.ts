import { defineRule, type AnalysisView } from '../rule.js';
import { rootStep, sudoersFileName, sudoersStep, who } from '../util.js';
import type { Fix } from '../../model/types.js';
import { parseSudoers } from '../../shell/commands/config.js';
import { baseName, parentOf } from '../../image/fs.js';

/**
 * A file of an @includedir that sudo passes over for its name (jane.doe, app.conf, app~) and
 * that names the user: renamed to a name sudo reads, its rule counts.
 */
function renameFixes(a: AnalysisView, name: string): { path: string; fix: Fix }[] {
  const word = new RegExp(`(^|[\\s,%:!])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s,=])`, 'm');
  const fixes: { path: string; fix: Fix }[] = [];
  for (const path of parseSudoers(a.image).skippedByName) {
    if (!word.test(a.image.texts[path]?.content ?? '')) continue;
    const to = `${parentOf(path)}/${sudoersFileName(baseName(path).replace(/~+$/, ''))}`;
    if (a.image.texts[to] !== undefined) continue;
    const step = rootStep(a, `RUN mv ${path} ${to}`);
    fixes.push({
      path,
      fix: {
        description: `Give ${path} a name sudo reads: an @includedir skips names with a '.' or ending in '~'. Put this ${step.where}, or write the file under that name in the first place.`,
        snippet: step.snippet,
        safe: false,
        edit: step.edit,
      },
    });
  }

  return fixes;
}

export default defineRule({
  id: 'UID402',
  name: 'not-in-sudoers',
  description: 'sudo is installed but the run-time user may not use it ("is not in the sudoers file") or needs a password it does not have.',
  category: 'sudo',
  severity: { dev: 'info', prod: 'off' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    const s = a.identity.sudo;
    if (p.uid === 0 || !s.installed || s.usable || a.runtime.errors.length > 0) return;

    const name = p.userName ?? String(p.uid);
    // The run itself can stop setuid sudo, whatever the sudoers files say.
    const renames = renameFixes(a, name);
    const byRun = p.noNewPrivileges || (p.bounding !== undefined && !p.bounding.has('CAP_SETGID'));
    report({
      message: `${who(a)} cannot use sudo: ${s.reason}.`,
      why: byRun
        ? 'sudo is a setuid program: no-new-privileges makes the kernel ignore its setuid bit, and a bounding set without CAP_SETGID keeps it from taking root\'s groups, whatever its rules allow. Dropping them is a sound hardening; the root work then belongs in the build.'
        : `sudo allows only the users and groups its sudoers files name; everyone else gets "is not in the sudoers file", and a rule without NOPASSWD asks for a password the user may not have.${renames.map((r) => ` The rule for ${name} in ${r.path} is never read: sudo reads only the files of an @includedir whose names have no '.' and do not end in '~' (sudoers(5)).`).join('')}`,
      fixes: [
        ...renames.map((r) => r.fix),
        { description: 'Or do the root work at build time, before USER, so the user never needs sudo.', snippet: `USER root\nRUN COMMAND\nUSER ${name}`, safe: false },
        {
          description: 'Or allow one root-owned script that does exactly the task (not a shell, an editor or a package manager, which all hand out root).',
          snippet: sudoersStep(name, '/usr/local/sbin/fix-permissions'),
          safe: false,
        },
      ],
    });
  },
});
