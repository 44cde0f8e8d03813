import { defineRule, type AnalysisView } from '../rule.js';
import { firstReason, groupAddFix, imageHome, renderRunChanges, who } from '../util.js';
import type { Fix } from '../../model/types.js';
import type { DfInstruction } from '../../dockerfile/types.js';
import { normalizePath, resolvePath } from '../../image/fs.js';
import { pipInstalled, refusedByMarker, userBaseOf, userBinListed, userSiteWritable, type UserBase } from './pip.js';

// pip's decide_user_install() (pip/_internal/commands/install.py): when site-packages is not
// writable and user site-packages are enabled (not a venv, no PYTHONNOUSERSITE), pip prints
// "Defaulting to user installation because normal site-packages is not writeable" and installs
// into the user site (PYTHONUSERBASE, else ~/.local); otherwise it stops with OSError [Errno 13].

export interface PipFixParts {
  /** pip falls back to a user install, so `--user` is the first advice. */
  falls: boolean;
  /**
   * The USER to switch back to after a root install: the image's own (a run-time --user still
   * applies over it); undefined when the image runs as root, where a RUN needs no switch.
   */
  user: string | undefined;
  /**
   * Puts the user base's bin (~/.local/bin, or PYTHONUSERBASE/bin) on PATH: an ENV line, or
   * run-time settings when the run decides the base; undefined when PATH already lists it.
   */
  pathSnippet?: string;
  /**
   * Creates a virtual environment the user owns; undefined when the root file system is
   * read-only at run time, where an environment in the image takes no install either.
   */
  venvSnippet?: string;
  /**
   * The user site pip falls back to cannot be written because a COPY or ADD put it there owned
   * by root: the same line with --chown, which is the first advice.
   */
  copyFix?: Fix;
}

/** UID301's fixes (shared with `uidctl diagnose`); the first one reads on its own. */
export function pipDeniedFixes(f: PipFixParts): Fix[] {
  const fixes: Fix[] = [];
  if (f.copyFix) fixes.push(f.copyFix);
  if (f.falls) {
    fixes.push(
      f.pathSnippet
        ? { description: 'Install explicitly per user, and put its scripts on PATH.', snippet: `pip install --user PACKAGE\n${f.pathSnippet}`, safe: false }
        : { description: 'Install explicitly per user.', snippet: 'pip install --user PACKAGE', safe: false },
    );
  }
  fixes.push(f.user === undefined
    ? { description: `${fixes.length > 0 ? 'Or install' : 'Install'} the packages at build time.`, snippet: 'RUN pip install --no-cache-dir PACKAGE', safe: false }
    : {
        description: `${fixes.length > 0 ? 'Or install' : 'Install'} the packages at build time, before switching to the user.`,
        snippet: `USER root\nRUN pip install --no-cache-dir PACKAGE\nUSER ${f.user}`,
        safe: false,
      });
  if (f.venvSnippet !== undefined) fixes.push({ description: 'Or give the user a virtual environment of its own.', snippet: f.venvSnippet, safe: false });

  return fixes;
}

/** A venv in the image's own HOME, else /opt/venv given to the process's ids. */
export function venvSnippet(home: string | undefined, uid: number, gid: number): string {
  const dir = home && home !== '/' ? normalizePath(`${home}/venv`) : '/opt/venv';
  const chown = home && home !== '/' ? '' : ` && chown -R ${uid}:${gid} ${dir}`;

  return `RUN python3 -m venv ${dir}${chown}\nENV PATH=${dir}/bin:$PATH`;
}

/**
 * PATH with the user base's bin in front. A base the run decides (HOME or PYTHONUSERBASE set
 * when the container starts) is not the image's, so the change goes where it was set rather
 * than into the Dockerfile.
 */
export function userBinOnPath(a: AnalysisView, u: UserBase): string {
  if (!u.fromRun) return `ENV PATH=${u.bin}:$PATH`;

  return renderRunChanges(a, [{ kind: 'env', name: 'PATH', value: `${u.bin}:${a.runtime.process.env.PATH ?? ''}` }]);
}

/**
 * The COPY or ADD of this Dockerfile that put the user site (or a folder above it, up to the
 * user base) in place without --chown, so root owns it: the deepest such folder that exists.
 */
function userSiteCopy(a: AnalysisView, u: UserBase): DfInstruction | undefined {
  for (let d = u.site; d.length >= u.base.length && d !== '/'; d = normalizePath(`${d}/..`)) {
    const meta = a.image.fs.get(d);
    if (!meta) continue;
    const m = meta.origin === undefined ? null : /^(.*):(\d+)$/.exec(meta.origin);
    if (!m || m[1] !== a.file) return undefined;
    const line = Number(m[2]);
    const ins = a.df.stages.flatMap((s) => s.instructions).find((i) => i.line === line && (i.keyword === 'COPY' || i.keyword === 'ADD'));

    return ins && !ins.flags.some((x) => x.name === 'chown') ? ins : undefined;
  }

  return undefined;
}

/** The same COPY or ADD, giving what it copies to the process's user and group. */
function withChown(ins: DfInstruction, owner: string): string {
  const flags = ins.flags.map((x) => (x.value === null ? `--${x.name}` : `--${x.name}=${x.value}`));

  return [ins.keyword, `--chown=${owner}`, ...flags, ins.args].join(' ');
}

export default defineRule({
  id: 'UID301',
  name: 'pip-install-denied',
  description: 'A plain `pip install` cannot write site-packages for the run-time user: it fails, or quietly falls back to the user site (~/.local, or PYTHONUSERBASE).',
  category: 'python',
  severity: { dev: 'warning', prod: 'warning' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    const py = a.python;
    if (!py || p.uid === 0 || a.runtime.errors.length > 0 || !pipInstalled(a, py)) return;
    // PEP 668 refuses first; UID303 says so.
    if (refusedByMarker(py, p.env)) return;

    const v = a.check(py.sitePackages, 'write');
    if (v.allowed || v.errno === 'ENOENT') return;

    // The user base: PYTHONUSERBASE when set, else ~/.local.
    const u = userBaseOf(a, py);
    const userSite = u.site;
    const userSiteEnabled = py.kind !== 'venv' && !p.env.PYTHONNOUSERSITE;
    const falls = userSiteEnabled && userSiteWritable(a, u);
    // The image's own HOME, never one set when the container starts; a venv goes there only
    // when it is a folder the user owns (nobody's /nonexistent is none: /opt/venv then).
    const home = ownedHome(a, imageHome(a), p.uid);
    // pip still falls back (it looks only at site-packages) and then fails writing the user
    // site: when a COPY put that there as root, copying it owned by the user is the fix.
    const copy = userSiteEnabled && !falls ? userSiteCopy(a, u) : undefined;
    const owner = `${p.userName ?? p.uid}:${p.groupName ?? p.gid}`;
    const fixes = pipDeniedFixes({
      falls,
      copyFix: copy
        ? {
            description: `Copy the user site in owned by the user (line ${copy.line} leaves it to root), so pip can write ${u.base}.`,
            snippet: withChown(copy, owner),
            safe: false,
          }
        : undefined,
      // The image's USER, not a run-time --user: the Dockerfile's last line must give the image
      // back its own user (USER 1234 would make an image that runs nameless without --user).
      user: imageUserFor(a, p),
      pathSnippet: userBinListed(p.env, u) ? undefined : userBinOnPath(a, u),
      venvSnippet: a.run?.readOnlyRootfs ? undefined : venvSnippet(home, p.uid, p.gid),
    });
    // A group that may write site-packages (docker-stacks' users) is the first way in.
    const group = groupAddFix(a, py.sitePackages, 'write');
    if (group !== undefined) fixes.unshift(group);
    const named = u.variable ? ' (PYTHONUSERBASE)' : '';

    report({
      message: falls
        ? `\`pip install\` as ${who(a)} cannot write ${py.sitePackages}: pip falls back to a user installation in ${userSite}${named} ("Defaulting to user installation because normal site-packages is not writeable").`
        : `\`pip install\` as ${who(a)} will fail: ${py.sitePackages} is not writable and ${userSiteEnabled ? `its user site ${userSite}${named} cannot be written either` : 'user installs are off in this environment'} (ERROR: Could not install packages due to an OSError: ${v.errno === 'EROFS' ? '[Errno 30] Read-only file system' : '[Errno 13] Permission denied'}).`,
      why: `pip writes into the site-packages of ${py.python}. ${firstReason(v)}.${userSiteEnabled && !falls ? ` Its fallback, the user site, is refused too: ${firstReason(a.check(userSite, 'create'))}.` : ''}`,
      dependsOn: v.dependsOn,
      fixes,
      // The fallback that works is a note in prod; pip failing outright is a warning in both.
      reducedSeverity: falls && a.profile === 'prod' ? 'info' : undefined,
    });
  },
});

/** The user the image itself runs as, as its USER line writes it; undefined for root. */
function imageUserFor(a: AnalysisView, p: AnalysisView['runtime']['process']): string | undefined {
  if (a.run?.user === undefined && a.run?.userUnknown === undefined) return p.uid === 0 ? undefined : (p.userName ?? String(p.uid));
  const own = a.image.config.user ?? '';

  return own === '' || /^(0|root)(:|$)/.test(own) ? undefined : own;
}

/** home when the image has it as a folder that uid owns, else undefined. */
function ownedHome(a: AnalysisView, home: string | undefined, uid: number): string | undefined {
  if (home === undefined) return undefined;
  const meta = resolvePath(a.image.fs, home).meta;

  return meta?.kind === 'dir' && meta.uid === uid ? home : undefined;
}
