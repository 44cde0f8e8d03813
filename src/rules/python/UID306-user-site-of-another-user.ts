import { defineRule } from '../rule.js';
import { normalizePath, parentOf } from '../../image/fs.js';
import { who } from '../util.js';

/** A user site-packages folder: HOME/.local/lib/pythonX.Y/site-packages. */
const USER_SITE = /^(.*)\/\.local\/lib\/python(\d+\.\d+)\/site-packages$/;

/**
 * Python adds a user's site-packages to sys.path from HOME (or PYTHONUSERBASE) of the process
 * that runs it (site.USER_BASE, https://docs.python.org/3/library/site.html): what `pip install
 * --user` put in another user's ~/.local (root's, by a step before USER, or copied there from a
 * build stage) is not on the workload's path, so `import` fails with ModuleNotFoundError.
 */
export default defineRule({
  id: 'UID306',
  name: 'user-site-of-another-user',
  description: 'Packages were installed into another user\'s ~/.local (pip install --user before USER, or copied to /root/.local): Python looks only in the site of the HOME it runs with, so the workload cannot import them.',
  category: 'python',
  severity: { dev: 'warning', prod: 'warning' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    if (a.runtime.errors.length > 0) return;
    let base: string | undefined;
    let extra: string[] | undefined;
    // Sites with something in them, by the home they belong to.
    const sites = new Map<string, string>();
    for (const path of a.image.fs.keys()) {
      // Most images have no user site at all: a plain substring test first.
      if (!path.includes('/.local/lib/python')) continue;
      const parent = parentOf(path);
      const m = USER_SITE.exec(parent);
      if (!m || sites.has(parent)) continue;
      base ??= p.env.PYTHONUSERBASE ? normalizePath(p.env.PYTHONUSERBASE, p.cwd) : normalizePath(`${p.home}/.local`);
      extra ??= (p.env.PYTHONPATH ?? '').split(':').filter(Boolean).map((d) => normalizePath(d, p.cwd));
      if (normalizePath(`${m[1]}/.local`) === base || extra.includes(parent)) continue;
      sites.set(parent, m[1] || '/');
    }
    for (const [site, home] of sites) {
      const names = [...a.image.fs.keys()].filter((k) => parentOf(k) === site).map((k) => k.slice(site.length + 1)).filter((n) => !/\.(dist|egg)-info$|^__pycache__$/.test(n));
      if (names.length === 0) continue;
      const owner = a.image.accounts.passwd.find((e) => e.home === home)?.name;
      const shown = names.slice(0, 4).join(', ') + (names.length > 4 ? `, and ${names.length - 4} more` : '');
      report({
        message: `${who(a)} runs with HOME ${p.home}, so Python does not look in ${site}${owner ? ` (${owner}'s)` : ''}: \`import\` of what is there (${shown}) fails with ModuleNotFoundError.`,
        why: `pip install --user writes into the site of the HOME it runs with; Python adds only the site of its own HOME (or PYTHONUSERBASE) to sys.path. ${site} was filled for ${owner ?? home}, not for the workload.`,
        fixes: [
          { description: 'Install as the user the container runs as, after USER, so the packages land in its own ~/.local.', snippet: `USER ${p.userName ?? p.uid}\nRUN pip install --user --no-cache-dir PACKAGES`, safe: false },
          { description: 'Or install them without --user (as root, before USER) into the environment every user shares, or into a virtual environment.', snippet: 'RUN pip install --no-cache-dir PACKAGES', safe: false },
          { description: 'Or, when a build stage filled it, copy it to the user\'s own home, owned by the user.', snippet: `COPY --from=builder --chown=${p.uid}:${p.gid} ${parentOf(parentOf(parentOf(site)))} ${normalizePath(`${p.home}/.local`)}`, safe: false },
        ],
      });
    }
  },
});
