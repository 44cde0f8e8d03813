import { defineRule } from '../rule.js';
import { firstReason, who } from '../util.js';
import { normalizePath } from '../../image/fs.js';

// pip's decide_user_install() (pip/_internal/commands/install.py): when site-packages is not
// writable and user site-packages are enabled (not a venv, no PYTHONNOUSERSITE), pip prints
// "Defaulting to user installation because normal site-packages is not writeable" and installs
// into ~/.local; otherwise it stops with OSError [Errno 13].

export default defineRule({
  id: 'UID301',
  name: 'pip-install-denied',
  description: 'A plain `pip install` cannot write site-packages for the run-time user: it fails, or quietly falls back to ~/.local.',
  category: 'python',
  severity: { dev: 'warning', prod: 'info' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    const py = a.python;
    if (!py || p.uid === 0 || a.runtime.errors.length > 0) return;
    // PEP 668 refuses first; UID303 says so.
    if (py.externallyManaged && p.env.PIP_BREAK_SYSTEM_PACKAGES !== '1') return;

    const v = a.check(py.sitePackages, 'write');
    if (v.allowed || v.errno === 'ENOENT') return;

    const userSite = normalizePath(`${p.home}/.local/lib/python${py.version}/site-packages`);
    const userSiteEnabled = py.kind !== 'venv' && !p.env.PYTHONNOUSERSITE;
    const userSiteOk = a.check(userSite, 'create').allowed || a.check(`${p.home}/.local`, 'create').allowed || a.check(p.home, 'write').allowed;
    const falls = userSiteEnabled && userSiteOk;
    const fixes = [
      {
        description: 'Install the packages at build time, before switching to the user.',
        snippet: `USER root\nRUN pip install --no-cache-dir PACKAGE\nUSER ${p.userName ?? p.uid}`,
        safe: false,
      },
      { description: 'Or give the user a virtual environment of its own.', snippet: `RUN python3 -m venv ${normalizePath(`${p.home}/venv`)}\nENV PATH=${normalizePath(`${p.home}/venv`)}/bin:$PATH`, safe: false },
    ];
    if (falls) fixes.unshift({ description: 'Install explicitly per user, and put its scripts on PATH.', snippet: `pip install --user PACKAGE\nENV PATH=${p.home}/.local/bin:$PATH`, safe: false });

    report({
      message: falls
        ? `\`pip install\` as ${who(a)} cannot write ${py.sitePackages}: pip falls back to a user installation in ${userSite} ("Defaulting to user installation because normal site-packages is not writeable").`
        : `\`pip install\` as ${who(a)} will fail: ${py.sitePackages} is not writable and ${userSiteEnabled ? `${normalizePath(`${p.home}/.local`)} cannot be created either` : 'user installs are off in this environment'} (ERROR: Could not install packages due to an OSError: ${v.errno === 'EROFS' ? '[Errno 30] Read-only file system' : '[Errno 13] Permission denied'}).`,
      why: `pip writes into the site-packages of ${py.python}. ${firstReason(v)}.`,
      dependsOn: v.dependsOn,
      fixes,
    });
  },
});
