import { defineRule } from '../rule.js';
import { pipInstalled, refusedByMarker, userBaseOf, userBinListed, userSiteWritable } from './pip.js';
import { userBinOnPath } from './UID301-pip-install-denied.js';
import { startCommand } from '../util.js';
import { userBinMiss, userBinPathFix } from '../identity/lookup.js';

export default defineRule({
  id: 'UID302',
  name: 'user-bin-not-on-path',
  description: 'The user base\'s bin folder (~/.local/bin, or PYTHONUSERBASE/bin) is not on PATH, so tools installed with `pip install --user` are not found.',
  category: 'python',
  severity: { dev: 'info', prod: 'off' },
  fix: 'suggestion',
  check(a, report) {
    // The start command names a pip --user console script that PATH does not find (UID106
    // reports the failed start): the PATH line is the fix. Not for a user with another home,
    // whose own user base has neither the script nor the package (UID306).
    const argv = a.runtime.script ? undefined : (a.runtime.drop?.command ?? startCommand(a));
    const name = argv?.[0];
    const dirs = (a.runtime.process.env.PATH ?? '').split(':').filter(Boolean);
    const ub = name !== undefined && a.runtime.errors.length === 0 ? userBinMiss(a, name, dirs) : undefined;
    if (ub && (ub.owner === undefined || ub.owner.uid === a.runtime.process.uid)) {
      report({
        message: `${ub.bin} is not on PATH: the start command's ${name}, which \`pip install --user\` put there${ub.known ? '' : ` (if ${ub.pkg!.name} installs a script of that name)`}, is not found.`,
        why: `pip puts the console scripts of user installs into the user base's bin folder, ${ub.bin}, which PATH (${dirs.join(':')}) does not list.`,
        line: a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
        dependsOn: ub.known ? [] : [`package:${ub.pkg!.name}`],
        fixes: [
          { description: 'Add it to PATH.', snippet: userBinPathFix(ub.bin), safe: false },
          { description: 'Or start the script by its full path.', snippet: ub.path, safe: false },
        ],
      });
      return;
    }
    const p = a.runtime.process;
    const py = a.python;
    if (!py || p.uid === 0 || a.runtime.errors.length > 0 || !pipInstalled(a, py)) return;
    // PEP 668 refuses --user installs too; a venv has no user site.
    if (refusedByMarker(py, p.env) || py.kind === 'venv') return;
    if (a.check(py.sitePackages, 'write').allowed) return;
    // PYTHONUSERBASE/bin when the variable is set, else ~/.local/bin.
    const u = userBaseOf(a, py);
    // A user site pip cannot write gets no scripts at all: UID301 says the install fails.
    if (userBinListed(p.env, u) || !userSiteWritable(a, u)) return;

    report({
      message: `${u.bin} is not on PATH: console scripts from \`pip install --user\` (jupyter, tensorboard, ...) will be "command not found".`,
      why: u.variable
        ? `pip puts the scripts of user installs into the bin folder of the user base, PYTHONUSERBASE (${u.base}), which PATH does not list.`
        : 'pip puts the scripts of user installs into ~/.local/bin, which PATH does not list.',
      fixes: [{ description: 'Add it to PATH.', snippet: userBinOnPath(a, u), safe: false }],
    });
  },
});
