import { defineRule } from '../rule.js';
import { normalizePath, parentOf } from '../../image/fs.js';
import { busyboxAccounts, firstReason, rootStep, who } from '../util.js';
import { namelessFixes } from '../identity/UID102-nameless-uid.js';
import type { AnalysisView } from '../rule.js';
import { pythonUserBase } from '../../shell/commands/packages.js';
import type { Fix } from '../../model/types.js';

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
    const py = a.python;
    // A virtual environment made without --system-site-packages turns the user site off: Python
    // looks in no ~/.local, and pip refuses --user there ("Can not perform a '--user' install.
    // User site-packages are not visible in this virtualenv.").
    const noUserSite = (py?.kind === 'venv' && !py.systemSite) || Boolean(p.env.PYTHONNOUSERSITE);
    for (const [site, { home, names }] of sites) {
      base ??= pythonUserBase(p.env.PYTHONUSERBASE, p.home, p.cwd);
      extra ??= (p.env.PYTHONPATH ?? '').split(':').filter(Boolean).map((d) => normalizePath(d, p.cwd));
      const onPath = (!noUserSite && normalizePath(`${home}/.local`) === base) || extra.includes(site);
      const readable = a.check(site, 'read');
      if (onPath && readable.allowed) continue;
      const owner = a.image.accounts.passwd.find((e) => e.home === home)?.name;
      const what = names.length > 0 ? `what is there (${names.slice(0, 4).join(', ')}${names.length > 4 ? `, and ${names.length - 4} more` : ''})` : 'the packages pip installed there';
      const venv = py?.kind === 'venv' && !py.systemSite ? py : undefined;
      const version = USER_SITE.exec(site)?.[2] ?? py?.version ?? '3';
      report({
        message: onPath
          ? `${who(a)} has ${site} on its path but may not read it${owner ? ` (${owner}'s)` : ''}: \`import\` of ${what} fails with ModuleNotFoundError.`
          : venv
            ? `${who(a)} runs ${venv.python}, a virtual environment that adds no user site to sys.path, so Python does not look in ${site}${owner ? ` (${owner}'s)` : ''}: \`import\` of ${what} fails with ModuleNotFoundError.`
            : `${who(a)} runs with ${p.env.PYTHONUSERBASE ? `PYTHONUSERBASE ${base}` : `HOME ${p.home}`}, so Python does not look in ${site}${owner ? ` (${owner}'s)` : ''}: \`import\` of ${what} fails with ModuleNotFoundError.`,
        why: onPath
          ? `${firstReason(readable)}. Python skips a folder on sys.path it cannot read.`
          : venv
            ? `A virtual environment made without --system-site-packages turns the user site off: Python looks in no ~/.local, whoever runs it, and pip refuses --user there ("Can not perform a '--user' install. User site-packages are not visible in this virtualenv."). ${site} was filled for ${owner ?? home}, not for the workload.`
            : `pip install --user writes into the site of the HOME it runs with; Python adds only the site of its own HOME (or PYTHONUSERBASE) to sys.path. ${site} was filled for ${owner ?? home}, not for the workload.`,
        dependsOn: readable.dependsOn,
        fixes: venv
          ? venvFixes(a, venv, site, home, version)
          : [
            p.hasPasswdEntry
              ? { description: `Install as the user the container runs as, after USER, so the packages land in its own ~/.local${filledAt(a, site)}.`, snippet: `USER ${p.userName ?? p.uid}\nRUN pip install --user --no-cache-dir PACKAGES`, safe: false }
              : {
                  // Without a passwd entry HOME is / in the build too, where pip --user cannot write.
                  description: `Create the user the container runs as, with a home, and install as it after USER, so the packages land in its own ~/.local${filledAt(a, site)}.`,
                  snippet: `${namelessFixes(p.uid, p.gid, undefined, undefined, a.image.accounts, busyboxAccounts(a))[0].snippet}\nUSER ${p.uid}\nRUN pip install --user --no-cache-dir PACKAGES`,
                  safe: false,
                },
            { description: `Or install them without --user (as root, before USER) into the environment every user shares, or into a virtual environment${filledAt(a, site)}.`, snippet: 'RUN pip install --no-cache-dir PACKAGES', safe: false },
            ...copiedFrom(a, site).map((stage) => ({ description: `Or copy it from the stage ${stage} to the user's own home, owned by the user${filledAt(a, site, 'replace')}.`, snippet: `COPY --from=${stage} --chown=${p.uid}:${p.gid} ${normalizePath(`${home}/.local`)} ${normalizePath(`${p.home}/.local`)}`, safe: false })),
          ],
      });
    }
  },
});

/**
 * ", instead of line N, which fills root's site": the step of the Dockerfile that made the site,
 * which the fix replaces (the finding stays while the image still fills another user's site).
 */
function filledAt(a: AnalysisView, site: string, how: 'drop' | 'replace' = 'drop'): string {
  const line = /:(\d+)$/.exec(a.image.fs.get(site)?.origin ?? '')?.[1];
  if (line === undefined) return '';
  const owner = a.image.accounts.passwd.find((e) => site.startsWith(`${e.home}/`))?.name;
  const whose = owner ? `${owner}'s` : 'that';
  // Only a COPY from a build stage is what the copying fix takes the place of.
  if (how === 'replace' && !a.df.instructions.some((i) => i.line === Number(line) && i.keyword === 'COPY' && i.flags.some((f) => f.name === 'from'))) return '';

  return how === 'drop' ? `; and drop line ${line}, which fills ${whose} site` : `, in place of line ${line}, which fills ${whose} site`;
}

/**
 * The fixes when the interpreter first on PATH is a virtual environment without a user site:
 * pip install --user is refused there and ~/.local is never read, so the packages go into the
 * venv itself (as its owner when the user may write it, else as root before USER), or a copied
 * site is named in PYTHONPATH.
 */
function venvFixes(a: AnalysisView, venv: { binDir: string; sitePackages: string }, site: string, home: string, version: string): Fix[] {
  const p = a.runtime.process;
  const name = p.userName ?? String(p.uid);
  const fixes: Fix[] = [];
  const drop = filledAt(a, site);
  const refused = 'pip refuses --user in a virtual environment';
  if (a.check(venv.sitePackages, 'write').allowed) {
    fixes.push({
      description: `Install them into the virtual environment ${venv.binDir}, first on PATH, as ${name}, who may write it: after USER, without --user (${refused})${drop}.`,
      snippet: `USER ${name}\nRUN pip install --no-cache-dir PACKAGES`,
      safe: false,
    });
  }
  const step = rootStep(a, 'RUN pip install --no-cache-dir PACKAGES');
  fixes.push({
    description: `${fixes.length > 0 ? 'Or install' : 'Install'} them into the virtual environment ${venv.binDir} as root, without --user (${refused}): put this ${step.where}, after the ENV that puts ${venv.binDir}/bin first on PATH${drop}.`,
    snippet: step.snippet,
    safe: false,
  });
  const copied = normalizePath(`${p.home}/.local/lib/python${version}/site-packages`);
  const prior = p.env.PYTHONPATH ? ':$PYTHONPATH' : '';
  for (const stage of copiedFrom(a, site)) {
    fixes.push({
      description: `Or copy it from the stage ${stage} to the user's own home, owned by the user${filledAt(a, site, 'replace')}, and name its site-packages in PYTHONPATH: the virtual environment reads no ~/.local by itself.`,
      snippet: `COPY --from=${stage} --chown=${p.uid}:${p.gid} ${normalizePath(`${home}/.local`)} ${normalizePath(`${p.home}/.local`)}\nENV PYTHONPATH=${copied}${prior}`,
      safe: false,
    });
  }

  return fixes;
}

/**
 * The stage a COPY --from brought the site from (the step that made it), as written: a fix that
 * copies it again, to the user's home, names that stage; none when a step of this stage filled it.
 */
function copiedFrom(a: AnalysisView, site: string): string[] {
  const line = Number(/:(\d+)$/.exec(a.image.fs.get(site)?.origin ?? '')?.[1]);
  const ins = a.df.stages.flatMap((st) => st.instructions).find((i) => i.line === line);
  const from = ins && (ins.keyword === 'COPY' || ins.keyword === 'ADD') ? ins.flags.find((f) => f.name === 'from')?.value : undefined;

  return from ? [from] : [];
}
