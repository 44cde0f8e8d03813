// System administration tools a Dockerfile runs as root: Debian's update-alternatives, which
// makes links a later step may use (python -> python3.11), and tools that change only root's
// own system files (apt's and dpkg's state, apt keyrings and sources, locales).
//
// update-alternatives as measured with dpkg 1.21 on Debian 12 (buildah, chroot isolation):
// - `--install LINK NAME PATH PRIORITY [--slave LINK NAME PATH]...` registers PATH in
//   /var/lib/dpkg/alternatives/NAME; the best priority in auto mode (or the one `--set` chose)
//   is linked: /etc/alternatives/NAME -> PATH and LINK -> /etc/alternatives/NAME, each made as
//   LINK.dpkg-tmp and renamed, all root's. It prints "update-alternatives: using PATH to provide
//   LINK (NAME) in auto mode" when the choice changes.
// - as a user: the first link fails: "error creating symbolic link
//   '/etc/alternatives/NAME.dpkg-tmp': Permission denied", status 2.
// - a PATH that does not exist: "alternative path PATH doesn't exist", status 2, nothing made.
// - a LINK that is a file is left as it is: "warning: not replacing LINK with a link", status 0.
// - a LINK in a missing folder: "error creating symbolic link 'LINK.dpkg-tmp': No such file or
//   directory", status 2, after /etc/alternatives/NAME was made.
// - `--set NAME PATH` with PATH not registered: "alternative PATH for NAME not registered; not
//   setting", status 2; otherwise manual mode, "... in manual mode".
// - too few words: "--install needs <link> <name> <path> <priority>"; a priority that is not a
//   number: "priority 'abc' must be an integer"; each with a --help hint, status 2.
// The registry of an alternative the base image already had is not known: `--set` on one, and
// every other action that changes a registry, is noted as not followed.

import type { ImageState } from '../../model/types.js';
import { baseName, isUnder, mkdirp, parentOf, resolvePath } from '../../image/fs.js';
import type { CmdResult, CommandHandler, ExecContext } from '../context.js';
import { OK } from '../context.js';
import { createAccess, errnoText } from './files.js';
import { PLAIN_DISTRO, notFound, notInstalled } from './builtins.js';

const TOOL = 'update-alternatives';
const ADMIN_DIR = '/var/lib/dpkg/alternatives';
const LINKS_DIR = '/etc/alternatives';

interface Choice {
  path: string;
  priority: number;
  /** Paths of the slaves, in the order of the registry's slave names. */
  slaves: string[];
}

/** One alternative, as dpkg keeps it in /var/lib/dpkg/alternatives/NAME. */
interface Registry {
  mode: 'auto' | 'manual';
  link: string;
  slaves: { name: string; link: string }[];
  choices: Choice[];
  /** The path linked now (manual mode keeps the one --set chose). */
  current?: string;
}

/**
 * dpkg's format: the mode, the master link, the slaves' names and links, an empty line, then
 * per choice its path, priority and slave paths, and an empty line at the end.
 */
function render(r: Registry): string {
  const out = [r.mode, r.link];
  for (const s of r.slaves) out.push(s.name, s.link);
  out.push('');
  for (const c of r.choices) out.push(c.path, String(c.priority), ...c.slaves);
  out.push('', '');

  return out.join('\n');
}

function parse(text: string): Registry | undefined {
  const lines = text.split('\n');
  const mode = lines[0];
  if (mode !== 'auto' && mode !== 'manual') return undefined;
  const r: Registry = { mode, link: lines[1] ?? '', slaves: [], choices: [] };
  let i = 2;
  for (; i + 1 < lines.length && lines[i] !== ''; i += 2) r.slaves.push({ name: lines[i], link: lines[i + 1] });
  i++;
  while (i < lines.length && lines[i] !== '') {
    const path = lines[i];
    const priority = Number(lines[i + 1]);
    const slaves = lines.slice(i + 2, i + 2 + r.slaves.length);
    r.choices.push({ path, priority, slaves });
    i += 2 + r.slaves.length;
  }

  return r;
}

const registryPath = (name: string) => `${ADMIN_DIR}/${name}`;

function readRegistry(state: ImageState, name: string): Registry | undefined {
  const entry = state.texts[registryPath(name)];
  const r = entry === undefined ? undefined : parse(entry.content);
  if (r !== undefined) r.current = resolvePath(state.fs, `${LINKS_DIR}/${name}`, false).meta?.target;

  return r;
}

/** The choice auto mode links: the highest priority, the earlier registered on a tie. */
function best(r: Registry): Choice | undefined {
  let top: Choice | undefined;
  for (const c of r.choices) if (top === undefined || c.priority > top.priority) top = c;

  return top;
}

/** The choice linked after a change: manual mode keeps its pick while it is registered. */
function chosen(r: Registry): Choice | undefined {
  if (r.mode === 'manual') {
    const kept = r.choices.find((c) => c.path === r.current);
    if (kept !== undefined) return kept;
  }
  r.mode = 'auto';

  return best(r);
}

/** Make LINK (via LINK.dpkg-tmp, renamed over it) point at target, as root's; an error text when refused. */
function makeLink(ctx: ExecContext, link: string, target: string): string | undefined {
  const tmp = `${link}.dpkg-tmp`;
  const v = createAccess(ctx, tmp);
  if (!v.allowed) return `${TOOL}: error: error creating symbolic link '${tmp}': ${errnoText(v.errno ?? 'EACCES')}`;
  const folder = resolvePath(ctx.state.fs, parentOf(link));
  if (folder.meta === undefined) ctx.unknown(`the folder of ${link} is not known to exist: the link is taken to be made there`, [link]);
  ctx.state.fs.set(link, { kind: 'symlink', uid: ctx.ident.uid, gid: ctx.ident.gid, mode: 0o777, target, origin: ctx.origin });

  return undefined;
}

/**
 * Link the alternative to its choice: /etc/alternatives/NAME and each slave's, then the links
 * in the system's folders (a file already there is left, with a warning).
 */
function apply(ctx: ExecContext, name: string, r: Registry, choice: Choice, out: string[], err: string[]): number {
  const pairs: [string, string, string][] = [[name, r.link, choice.path]];
  r.slaves.forEach((s, i) => {
    if (choice.slaves[i] !== undefined && choice.slaves[i] !== '') pairs.push([s.name, s.link, choice.slaves[i]]);
  });
  if (r.current !== choice.path) out.push(`${TOOL}: using ${choice.path} to provide ${r.link} (${name}) in ${r.mode} mode`);
  for (const [n, , path] of pairs) {
    const e = makeLink(ctx, `${LINKS_DIR}/${n}`, path);
    if (e !== undefined) {
      err.push(e);
      return 2;
    }
  }
  for (const [n, link] of pairs) {
    const m = resolvePath(ctx.state.fs, link, false).meta;
    if (m !== undefined && m.kind !== 'symlink') {
      err.push(`${TOOL}: warning: not replacing ${link} with a link`);
      continue;
    }
    const e = makeLink(ctx, link, `${LINKS_DIR}/${n}`);
    if (e !== undefined) {
      err.push(e);
      return 2;
    }
  }
  ctx.state.texts[registryPath(name)] = { content: render(r), line: ctx.line };
  ctx.state.fs.set(registryPath(name), { kind: 'file', uid: ctx.ident.uid, gid: ctx.ident.gid, mode: 0o644, origin: ctx.origin });

  return 0;
}

/** dpkg's usage error: the message, an empty line, the --help hint; status 2 (measured). */
function usage(message: string): CmdResult {
  return { status: 2, stderr: [`${TOOL}: ${message}`, '', `Use '${TOOL} --help' for program usage information.`] };
}

function result(status: number, out: string[], err: string[]): CmdResult {
  const r: CmdResult = { status };
  if (out.length > 0) r.stdout = `${out.join('\n')}\n`;
  if (err.length > 0) r.stderr = err;

  return r;
}

/** --install, --set and the read-only actions; anything else is noted as not followed. */
const updateAlternatives: CommandHandler = (ctx, argv) => {
  const args = argv.slice(1).filter((a) => !/^--(quiet|verbose|force|debug)$/.test(a));
  const action = args[0];
  if (action === undefined || /^--(display|query|list|get-selections|help|version)$/.test(action)) return OK;
  if (ctx.state.distro !== 'debian' && ctx.state.distro !== 'ubuntu') {
    ctx.unknown(`${TOOL} is modelled as Debian's (dpkg); on ${ctx.state.distro} it is not followed`, []);
    return { status: 'unknown' };
  }
  const out: string[] = [];
  const err: string[] = [];

  if (action === '--install') {
    const [link, name, path, prio] = args.slice(1, 5);
    if (prio === undefined) return usage(`--install needs <link> <name> <path> <priority>`);
    if (!/^-?\d+$/.test(prio)) return usage(`priority '${prio}' must be an integer`);
    const slaves: { name: string; link: string; path: string }[] = [];
    for (let i = 5; i < args.length; i += 4) {
      if (args[i] !== '--slave' || args[i + 3] === undefined) {
        ctx.unknown(`${TOOL}: ${args.slice(i).join(' ')} is not followed`, []);
        return { status: 'unknown' };
      }
      slaves.push({ link: args[i + 1], name: args[i + 2], path: args[i + 3] });
    }
    const target = resolvePath(ctx.state.fs, path);
    // A step the model did not follow (get-pip.py, say) may have made it.
    const mayExist = target.unknown || ctx.state.unknowns.some((u) => u.paths.length === 0 || u.paths.some((p) => isUnder(target.path, p)));
    if (target.meta === undefined && !mayExist) {
      return result(2, out, [`${TOOL}: error: alternative path ${path} doesn't exist`]);
    }
    if (target.meta === undefined) ctx.unknown(`${path} is not known to exist: ${TOOL} is taken to have linked it (dpkg refuses a path that is not there)`, [path]);
    const known = ctx.state.texts[registryPath(name)] !== undefined;
    if (!known && resolvePath(ctx.state.fs, registryPath(name)).meta !== undefined) {
      ctx.unknown(`the alternative ${name} the image already has is not known to the model: what ${TOOL} --install does with it is not followed`, [LINKS_DIR]);
      return { status: 'unknown' };
    }
    const r = readRegistry(ctx.state, name) ?? { mode: 'auto', link, slaves: [], choices: [] };
    r.link = link;
    for (const s of slaves) if (!r.slaves.some((x) => x.name === s.name)) r.slaves.push({ name: s.name, link: s.link });
    const choice: Choice = { path, priority: Number(prio), slaves: r.slaves.map((x) => slaves.find((s) => s.name === x.name)?.path ?? '') };
    const at = r.choices.findIndex((c) => c.path === path);
    if (at >= 0) r.choices[at] = choice;
    else r.choices.push(choice);
    mkdirp(ctx.state.fs, LINKS_DIR, { uid: 0, gid: 0, mode: 0o755, origin: ctx.origin });
    mkdirp(ctx.state.fs, ADMIN_DIR, { uid: 0, gid: 0, mode: 0o755, origin: ctx.origin });

    return result(apply(ctx, name, r, chosen(r)!, out, err), out, err);
  }

  if (action === '--set') {
    const [name, path] = args.slice(1, 3);
    const r = name === undefined ? undefined : readRegistry(ctx.state, name);
    if (r === undefined || path === undefined) {
      ctx.unknown(`${TOOL} --set ${name ?? ''}: the alternatives the image already has are not known to the model`, [LINKS_DIR]);
      return { status: 'unknown' };
    }
    const choice = r.choices.find((c) => c.path === path);
    if (choice === undefined) return result(2, out, [`${TOOL}: error: alternative ${path} for ${name} not registered; not setting`]);
    r.mode = 'manual';

    return result(apply(ctx, name, r, choice, out, err), out, err);
  }

  ctx.unknown(`${TOOL} ${action} is not followed`, [LINKS_DIR]);
  return { status: 'unknown' };
};

/**
 * The package a tool comes with, and the plain images that lack it: Debian's never had locales;
 * old Ubuntu images (16.04) did, so locale-gen is only judged on Debian.
 */
const PACKAGE_OF: Record<string, { pkg: string; images: RegExp }> = {
  'add-apt-repository': { pkg: 'software-properties-common', images: PLAIN_DISTRO },
  'locale-gen': { pkg: 'locales', images: /^(?:docker\.io\/)?(?:library\/)?debian(?:[:@]|$)/ },
  'update-locale': { pkg: 'locales', images: /^(?:docker\.io\/)?(?:library\/)?debian(?:[:@]|$)/ },
};

/**
 * Tools that change only root's own system files: apt's state (apt-mark), apt's keys and
 * sources (apt-key, add-apt-repository), locales (locale-gen, update-locale). Nothing they write
 * is a path a later check reads, so as root they are taken to succeed; as another user they
 * fail, in words that depend on the tool and its state: noted, not worded.
 */
const rootOnly: CommandHandler = (ctx, argv) => {
  const name = baseName(argv[0]);
  // On the plain Debian and Ubuntu images these come only with their package.
  const from = PACKAGE_OF[name];
  if (from !== undefined && from.images.test(ctx.state.base) && !Object.hasOwn(ctx.state.packages, from.pkg) && notInstalled(ctx, name)) return notFound(ctx, name);
  // apt-mark's show* subcommands only read.
  if (name === 'apt-mark' && /^show/.test(argv.find((a, i) => i > 0 && !a.startsWith('-')) ?? '')) return OK;
  if (ctx.ident.uid === 0) return OK;
  ctx.unknown(`${name} changes root's system files: as uid ${ctx.ident.uid} it most likely fails, in words the model does not have`, []);

  return { status: 'unknown' };
};

export const handlers: Record<string, CommandHandler> = {
  'update-alternatives': updateAlternatives,
  'apt-mark': rootOnly,
  'apt-key': rootOnly,
  'add-apt-repository': rootOnly,
  'locale-gen': rootOnly,
  'update-locale': rootOnly,
};
