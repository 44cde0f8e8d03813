// The compact form every catalog entry is written in, and the one helper that turns it into an
// ImageState. Families build their entries by layering patches on a distribution's spec, the way
// the real images are built FROM one another.

import type {
  Assumption,
  Confidence,
  Distro,
  FileMeta,
  ImageConfig,
  ImageState,
  LoginDefs,
  PythonEnv,
  SudoRule,
} from '../../model/types.js';
import { parseGroup, parsePasswd } from '../accounts.js';
import { newTree, parentOf } from '../fs.js';
import { emptyConfig } from '../state.js';
import { refreshDerived } from '../../shell/commands/config.js';

/**
 * One path: [path, kind, 'owner:group' (names or numbers), mode, symlink target].
 * Kinds: 'dir' is a directory whose listing is complete, 'part' a directory of which only some
 * children are described (a missing child is unknown), 'file', 'link'.
 */
export type PathRow = [string, 'dir' | 'part' | 'file' | 'link', string, number, string?];

/** [id suffix, subject, text, confidence]. */
export type AssumptionRow = [string, string, string, Confidence];

export type ConfigPatch = Partial<Omit<ImageConfig, 'env'>> & { env?: Record<string, string> };

export interface Spec {
  summary: string;
  distro: Distro;
  /** /etc/passwd and /etc/group as text; parsed with the same code that reads real files. */
  passwd: string;
  group: string;
  /** Whether /etc/shadow is known to lock every account ('*' or '!'), or is not described. */
  shadow: 'locked' | 'unknown';
  loginDefs: LoginDefs;
  paths: PathRow[];
  config: ConfigPatch;
  packages: string[];
  pythons: PythonEnv[];
  condaPrefix?: string;
  texts: Record<string, string>;
  assumptions: AssumptionRow[];
  cites: string[];
}

export interface Patch {
  summary?: string;
  distro?: Distro;
  /** passwd/group lines appended (after dropping the names listed). */
  addPasswd?: string;
  addGroup?: string;
  dropUsers?: string[];
  dropGroups?: string[];
  /** Replace a whole account file (e.g. a distribution with other defaults). */
  passwd?: string;
  group?: string;
  shadow?: 'locked' | 'unknown';
  loginDefs?: Partial<LoginDefs>;
  /** Rows appended; a row for a path already present replaces it. */
  paths?: PathRow[];
  /** Paths removed with everything below them. */
  dropPaths?: string[];
  /** Replaces the config fields given; env is merged key by key. */
  config?: ConfigPatch;
  packages?: string[];
  dropPackages?: string[];
  /** Replaces the list when given. */
  pythons?: PythonEnv[];
  condaPrefix?: string;
  texts?: Record<string, string>;
  assumptions?: AssumptionRow[];
  /** Ids of base assumptions that no longer apply (e.g. about a user the patch removed). */
  dropAssumptions?: string[];
  cites?: string[];
}

function dropLines(text: string, names: string[] | undefined): string {
  if (!names || names.length === 0) return text;

  return text
    .split('\n')
    .filter((l) => !names.includes(l.split(':')[0]))
    .join('\n');
}

function appendLines(text: string, more: string | undefined): string {
  if (!more) return text;
  const head = text.endsWith('\n') || text === '' ? text : `${text}\n`;

  return head + (more.endsWith('\n') ? more : `${more}\n`);
}

const uniq = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) === i);

/** A new spec: base with the patch on top. Neither input is changed. */
export function layer(base: Spec, patch: Patch): Spec {
  const dropped = (p: string) =>
    (patch.dropPaths ?? []).some((d) => p === d || p.startsWith(`${d}/`));
  const replaced = new Set((patch.paths ?? []).map((r) => r[0]));
  const paths = [...base.paths.filter((r) => !dropped(r[0]) && !replaced.has(r[0])), ...(patch.paths ?? [])];

  return {
    summary: patch.summary ?? base.summary,
    distro: patch.distro ?? base.distro,
    passwd: appendLines(dropLines(patch.passwd ?? base.passwd, patch.dropUsers), patch.addPasswd),
    group: appendLines(dropLines(patch.group ?? base.group, patch.dropGroups), patch.addGroup),
    shadow: patch.shadow ?? base.shadow,
    loginDefs: { ...base.loginDefs, ...patch.loginDefs },
    paths,
    config: {
      ...base.config,
      ...patch.config,
      env: { ...base.config.env, ...patch.config?.env },
    },
    packages: uniq([...base.packages, ...(patch.packages ?? [])]).filter(
      (p) => !(patch.dropPackages ?? []).includes(p),
    ),
    pythons: patch.pythons ?? base.pythons,
    condaPrefix: patch.condaPrefix ?? base.condaPrefix,
    texts: { ...base.texts, ...patch.texts },
    assumptions: [
      ...base.assumptions.filter((a) => !(patch.dropAssumptions ?? []).includes(a[0])),
      ...(patch.assumptions ?? []),
    ],
    cites: uniq([...base.cites, ...(patch.cites ?? [])]),
  };
}

/**
 * The effective rules of a sudoers text: user specifications only (Defaults, aliases and
 * include directives are skipped; '#'-lines are comments except '#include', which is no rule).
 * Mirrors the "User_Spec" shape of sudoers(5): who host=(runas) [TAG:] commands.
 */
export function sudoRules(text: string, file: string): SudoRule[] {
  const out: SudoRule[] = [];

  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('@')) continue;
    if (/^(Defaults|User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias)\b/.test(line)) continue;
    const m = /^(\S+)\s+[^=\s]+\s*=\s*(?:\([^)]*\)\s*)?((?:[A-Z_]+:\s*)*)(.+)$/.exec(line);
    if (!m) continue;
    out.push({ who: m[1], nopasswd: /NOPASSWD:/.test(m[2]), commands: m[3].trim(), file });
  }

  return out;
}

function resolveOwner(spec: string, users: Map<string, number>, groups: Map<string, number>) {
  const [u, g] = spec.split(':');
  const id = (name: string, table: Map<string, number>) => {
    if (/^\d+$/.test(name)) return Number(name);
    const found = table.get(name);
    if (found === undefined) throw new Error(`catalog: unknown owner "${name}" in "${spec}"`);

    return found;
  };

  return { uid: id(u, users), gid: id(g ?? u, groups) };
}

/** Turn a spec into the ImageState the simulator starts from. */
export function buildState(spec: Spec, key: string, base: string): ImageState {
  const origin = `catalog:${key}`;
  const passwd = parsePasswd(spec.passwd);
  const group = parseGroup(spec.group);
  const users = new Map(passwd.map((e) => [e.name, e.uid]));
  const groups = new Map(group.map((g) => [g.name, g.gid]));

  // Parents before children, so a row whose parent is missing is caught as a data error. The
  // depth is counted once per row: splitting both paths in the comparator took a third of the
  // time of building a state, which every new FROM reference of a folder run pays once.
  const depth = (path: string) => {
    let n = 0;
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) n++;
    return n;
  };
  const rows = spec.paths
    .map((row) => ({ row, depth: depth(row[0]) }))
    .sort((a, b) => a.depth - b.depth)
    .map((r) => r.row);
  const rootRow = rows.find((r) => r[0] === '/');
  const fs = newTree({ partial: rootRow ? rootRow[1] === 'part' : true, origin });

  for (const [path, kind, owner, mode, target] of rows) {
    const { uid, gid } = resolveOwner(owner, users, groups);
    const meta: FileMeta = {
      kind: kind === 'part' ? 'dir' : kind === 'link' ? 'symlink' : kind,
      uid,
      gid,
      mode,
      origin,
    };
    if (kind === 'part') meta.partial = true;
    if (kind === 'link') meta.target = target;
    if (path !== '/' && !fs.has(parentOf(path))) {
      throw new Error(`catalog ${key}: ${path} is listed without its parent directory`);
    }
    fs.set(path, meta);
  }

  // sudo's package makes /etc/sudoers and /etc/sudoers.d: a catalog base without it has neither
  // (a base outside the catalog is only a guess, so nothing is known to be missing there).
  const etc = fs.get('/etc');
  if (!key.startsWith('generic') && !spec.packages.includes('sudo') && etc?.kind === 'dir' && etc.partial) {
    const absent = ['sudoers', 'sudoers.d'].filter((n) => !fs.has(`/etc/${n}`));
    if (absent.length > 0) fs.set('/etc', { ...etc, absent });
  }

  const passwords: Record<string, 'locked'> = {};
  if (spec.shadow === 'locked') for (const e of passwd) passwords[e.name] = 'locked';

  const config: ImageConfig = { ...emptyConfig(), ...spec.config, env: { ...spec.config.env } };
  const texts: ImageState['texts'] = {};
  for (const [path, content] of Object.entries(spec.texts)) texts[path] = { content };

  const sudoers = Object.entries(spec.texts)
    .filter(([path]) => path === '/etc/sudoers' || path.startsWith('/etc/sudoers.d/'))
    .flatMap(([path, content]) => sudoRules(content, path));

  const assumptions: Assumption[] = spec.assumptions.map(([id, subject, text, confidence]) => ({
    id: `base:${id}`,
    subject,
    text,
    confidence,
  }));

  const state: ImageState = {
    base,
    distro: spec.distro,
    accounts: { passwd, group, passwords, loginDefs: { ...spec.loginDefs } },
    fs,
    config,
    packages: Object.fromEntries(spec.packages.map((name) => [name, { name, via: 'base' }])),
    pythons: spec.pythons.map((p) => ({ ...p })),
    condaPrefix: spec.condaPrefix,
    texts,
    sudoers,
    sshd: { lines: {} },
    jupyter: { lines: {} },
    unknowns: [],
    assumptions,
    provenance: spec.cites.map((cite) => ({ source: 'catalog', ref: key, cite })),
  };
  // sshd and Jupyter settings come from the texts, the same way as after a RUN. The sudoers
  // parser also checks file owners and modes, which the catalog does not always list.
  refreshDerived(state);
  if (state.sudoers.length === 0) state.sudoers = sudoers;

  return state;
}

// ---------------------------------------------------------------- families and lookups

/** A FROM reference taken apart and normalised. */
export interface ImageRef {
  /** The reference as given. */
  written: string;
  /** Registry host as written ('' for Docker Hub and local copies). */
  registry: string;
  /** Repository path without registry and without Docker Hub's 'library/'. */
  repo: string;
  /** null when no tag was written (the engine uses 'latest'). */
  tag: string | null;
  digest: string | null;
}

/** What a family decided for a reference: the key, the spec and what it had to infer. */
export interface Pick {
  key: string;
  spec: Spec;
  /** Guesses made from the tag (an unknown tag, an implicit 'latest'): [id, text, confidence]. */
  inferred: AssumptionRow[];
}

export interface Entry {
  key: string;
  spec: () => Spec;
}

export interface Family {
  entries: Entry[];
  /** null when the reference is not of this family. */
  pick(ref: ImageRef): Pick | null;
}

/** The usual inference row for a tag the engine reads as 'latest'. */
export function latestRow(ref: ImageRef, meaning: string): AssumptionRow {
  return [
    'latest-tag',
    ref.written,
    `${ref.written} names no tag or 'latest', which moves; assuming it is ${meaning}.`,
    'medium',
  ];
}

/** An exact pick of an entry, or a family pick with the given inference. */
export function pickOf(entries: Entry[], key: string, inferred: AssumptionRow[] = []): Pick {
  const entry = entries.find((e) => e.key === key);
  if (!entry) throw new Error(`catalog: no entry ${key}`);

  return { key, spec: entry.spec(), inferred };
}
