import { defineRule } from '../rule.js';
import { normalizePath, parentOf } from '../../image/fs.js';
import { firstReason, who } from '../util.js';
import { pythonUserBase } from '../../shell/commands/packages.js';

/** A user site-packages folder: HOME/.local/lib/pythonX.Y/site-packages. */
const USER_SITE = /^(.*)\/\.local\/lib\/python(\d+\.\d+)\/site-packages$/;

/**
 * Python adds a user's site-packages to sys.path from HOME (or PYTHONUSERBASE) of the process
 * that runs it (site.USER_BASE, https://docs.python.org/3/library/site.html): what `pip install
 * --user` put in another user's ~/.local (root's, by a step before USER, or copied there from a
 * build stage) is not on the workload's path, so `import` fails with ModuleNotFoundError. A site
 * put on the path by PYTHONPATH still has to be readable (root's home is 0700).
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
    // The user sites the build made or filled (a base's own are left alone), with what is in them.
    const sites = new Map<string, { home: string; names: string[] }>();
    // Keys alone (no entry array per path): most images have no user site at all, so a plain
    // substring test comes first.
    const fs = a.image.fs;
    for (const path of fs.keys()) {
      if (!path.includes('/.local/lib/python')) continue;
      const meta = fs.get(path)!;
      const own = USER_SITE.exec(path);
      const parent = own ? path : parentOf(path);
      const m = own ?? USER_SITE.exec(parent);
      if (!m) continue;
      let site = sites.get(parent);
      if (site === undefined) {
        if (own && !(meta.origin ?? '').includes(':')) continue;
        site = { home: m[1] || '/', names: [] };
        sites.set(parent, site);
      }
      if (!own && !/\.(dist|egg)-info$|^__pycache__$/.test(path.slice(parent.length + 1))) site.names.push(path.slice(parent.length + 1));
    }
    for (const [site, { home, names }] of sites) {
      base ??= pythonUserBase(p.env.PYTHONUSERBASE, p.home, p.cwd);
      extra ??= (p.env.PYTHONPATH ?? '').split(':').filter(Boolean).map((d) => normalizePath(d, p.cwd));
      const onPath = normalizePath(`${home}/.local`) === base || extra.includes(site);
      const readable = a.check(site, 'read');
      if (onPath && readable.allowed) continue;
      const owner = a.image.accounts.passwd.find((e) => e.home === home)?.name;
      const what = names.length > 0 ? `what is there (${names.slice(0, 4).join(', ')}${names.length > 4 ? `, and ${names.length - 4} more` : ''})` : 'the packages pip installed there';
      report({
        message: onPath
          ? `${who(a)} has ${site} on its path but may not read it${owner ? ` (${owner}'s)` : ''}: \`import\` of ${what} fails with ModuleNotFoundError.`
          : `${who(a)} runs with ${p.env.PYTHONUSERBASE ? `PYTHONUSERBASE ${base}` : `HOME ${p.home}`}, so Python does not look in ${site}${owner ? ` (${owner}'s)` : ''}: \`import\` of ${what} fails with ModuleNotFoundError.`,
        why: onPath
          ? `${firstReason(readable)}. Python skips a folder on sys.path it cannot read.`
          : `pip install --user writes into the site of the HOME it runs with; Python adds only the site of its own HOME (or PYTHONUSERBASE) to sys.path. ${site} was filled for ${owner ?? home}, not for the workload.`,
        dependsOn: readable.dependsOn,
        fixes: [
          { description: 'Install as the user the container runs as, after USER, so the packages land in its own ~/.local.', snippet: `USER ${p.userName ?? p.uid}\nRUN pip install --user --no-cache-dir PACKAGES`, safe: false },
          { description: 'Or install them without --user (as root, before USER) into the environment every user shares, or into a virtual environment.', snippet: 'RUN pip install --no-cache-dir PACKAGES', safe: false },
          { description: 'Or, when a build stage filled it, copy it to the user\'s own home, owned by the user.', snippet: `COPY --from=builder --chown=${p.uid}:${p.gid} ${normalizePath(`${home}/.local`)} ${normalizePath(`${p.home}/.local`)}`, safe: false },
        ],
      });
    }
  },
});
