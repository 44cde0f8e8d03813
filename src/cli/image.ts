// `uidctl image NAME|ARCHIVE`: who a real image runs as and who owns the paths that matter,
// read from an archive, the local engine or a registry.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FileMeta, ImageState } from '../model/types.js';
import { groupByGid, resolveExecUser, userByUid } from '../image/accounts.js';
import { formatMode, octal, resolvePath } from '../image/fs.js';
import { openCache } from '../archive/cache.js';
import { EngineError, fromEngine, NoEngineError } from '../archive/engine.js';
import { readImageArchive } from '../archive/formats.js';
import { ArchiveError, type ImageSnapshot } from '../archive/layers.js';
import { progressWriter } from '../archive/progress.js';
import { pullImage } from '../archive/registry.js';
import { snapshotToState } from '../archive/snapshot.js';
import { InputError, UsageError } from './errors.js';
import { parseFlags } from './args.js';
import { checkedPlatform } from './platform.js';
import type { Io } from './io.js';

const USAGE =
  'usage: uidctl image NAME|ARCHIVE [--platform os/arch] [--format text|json] ' +
  '[--from archive|engine|registry] [--no-cache] [--insecure] [--auth-file FILE]';

type Source = 'archive' | 'engine' | 'registry';

interface PathReport {
  what: string;
  path: string;
  exists: boolean;
  kind?: string;
  owner?: string;
  group?: string;
  uid?: number;
  gid?: number;
  mode?: string;
  perms?: string;
}

const NO_LOGIN = /(nologin|false|sync|shutdown|halt)$/;

function pathReport(st: ImageState, what: string, path: string): PathReport {
  const r = resolvePath(st.fs, path);
  const m: FileMeta | undefined = r.meta;
  if (!m) return { what, path, exists: false };

  return {
    what,
    path,
    exists: true,
    kind: m.kind,
    uid: m.uid,
    gid: m.gid,
    owner: userByUid(st.accounts, m.uid)?.name ?? String(m.uid),
    group: groupByGid(st.accounts, m.gid)?.name ?? String(m.gid),
    mode: octal(m.mode),
    perms: formatMode(m),
  };
}

export function imageReport(st: ImageState, s: ImageSnapshot, source: Source, ref: string) {
  const acc = st.accounts;
  const who = resolveExecUser(acc, st.config.user);
  // The text report shows the accounts people log in as; the JSON keeps every account.
  const isPerson = (u: (typeof acc.passwd)[number]) => u.uid === 0 || (u.uid >= 1000 && u.uid !== 65534) || !NO_LOGIN.test(u.shell);
  const users = acc.passwd;
  const groups = acc.group;

  const paths: PathReport[] = [];
  const homes = new Set(users.filter(isPerson).map((u) => u.home));
  for (const h of homes) paths.push(pathReport(st, 'home', h));
  paths.push(pathReport(st, 'workdir', st.config.workdir));
  for (const p of st.pythons) paths.push(pathReport(st, `site-packages (${p.kind} python ${p.version})`, p.sitePackages));
  if (st.condaPrefix) paths.push(pathReport(st, 'conda prefix', st.condaPrefix));
  paths.push(pathReport(st, 'tmp', '/tmp'));

  return {
    image: ref,
    source,
    digest: s.digest,
    platform: s.platform ?? null,
    distro: st.distro,
    user: {
      written: st.config.user,
      ...(who.ok
        ? {
            uid: who.user.uid,
            gid: who.user.gid,
            name: who.user.name ?? null,
            // The primary group's name, as id prints it; null when /etc/group has no such gid.
            group: groupByGid(acc, who.user.gid)?.name ?? null,
            home: who.user.home,
            supplementary: who.user.supplementary,
          }
        : { error: who.error }),
    },
    workdir: st.config.workdir,
    users: users.map((u) => ({ name: u.name, uid: u.uid, gid: u.gid, home: u.home, shell: u.shell, password: acc.passwords[u.name] ?? null, system: !isPerson(u) })),
    groups: groups.map((g) => ({ name: g.name, gid: g.gid, members: g.members })),
    paths,
    sudo: st.packages.sudo !== undefined,
    pythons: st.pythons,
    condaPrefix: st.condaPrefix ?? null,
    provenance: st.provenance,
    warnings: s.warnings,
  };
}

function textReport(r: ReturnType<typeof imageReport>): string {
  const lines: string[] = [];
  const u = r.user;
  const who = 'error' in u ? `error: ${u.error}` : `uid=${u.uid}${u.name ? `(${u.name})` : ''} gid=${u.gid}${u.group ? `(${u.group})` : ''} home=${u.home}`;

  lines.push(`image      ${r.image} (${r.source})`);
  lines.push(`digest     ${r.digest || 'unknown'}`);
  if (r.platform) lines.push(`platform   ${r.platform}`);
  lines.push(`distro     ${r.distro}`);
  lines.push(`user       ${r.user.written === '' ? '(none: root)' : r.user.written} -> ${who}`);
  lines.push(`workdir    ${r.workdir}`);
  lines.push(`sudo       ${r.sudo ? 'installed' : 'not installed'}`);
  const people = r.users.filter((x) => !x.system);
  const hidden = r.users.length - people.length;
  lines.push('', `users${hidden > 0 ? ` (${hidden} system accounts not shown; --format json lists all)` : ''}`);
  for (const x of people) {
    lines.push(`  ${x.name.padEnd(12)} ${`${x.uid}:${x.gid}`.padEnd(12)} ${x.home.padEnd(18)} ${x.shell}${x.password ? `  password ${PASSWORD_WORDS[x.password] ?? x.password}` : ''}`);
  }
  const shownGroups = r.groups.filter((g) => (g.gid >= 1000 && g.gid !== 65534) || g.members.length > 0 || g.gid === 0);
  lines.push('', `groups${r.groups.length > shownGroups.length ? ` (${r.groups.length - shownGroups.length} system groups without members not shown)` : ''}`);
  for (const g of shownGroups) lines.push(`  ${g.name.padEnd(12)} ${String(g.gid).padEnd(8)} ${g.members.join(',')}`);
  lines.push('', 'paths');
  for (const p of r.paths) {
    const facts = p.exists ? `${p.owner}:${p.group} ${p.mode} ${p.perms}` : 'missing';
    lines.push(`  ${p.what.padEnd(32)} ${p.path.padEnd(42)} ${facts}`);
  }
  lines.push('', `provenance ${r.provenance.map((p) => `${p.source}:${p.ref}`).join(', ')}`);
  for (const w of r.warnings) lines.push(`warning    ${w}`);

  return `${lines.join('\n')}\n`;
}

export default async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseFlags(args, {
    platform: { type: 'string' },
    format: { type: 'string', default: 'text' },
    from: { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
    insecure: { type: 'boolean', default: false },
    'auth-file': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });

  const { values, positionals } = parsed;
  if (values.help) {
    io.out(`${USAGE}\n\nPrints an image's default user, users and groups, and the owner and mode of HOME, WORKDIR,\nsite-packages, the conda prefix and /tmp. NAME|ARCHIVE is a docker save or OCI archive (tar or\nfolder), or an image name: read from the local engine, or with --from registry over the network.\n`);
    return 0;
  }
  // One line each, in the words of the other commands ('uidctl image --help' gives the usage).
  if (positionals.length === 0) throw new UsageError("give an image name or archive (see 'uidctl image --help')");
  if (positionals.length > 1) throw new UsageError(`give one image name or archive (got ${positionals.length}: ${positionals.join(' ')})`);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be one of text, json (got '${values.format}')`);
  if (values.from !== undefined && !['archive', 'engine', 'registry'].includes(values.from)) {
    throw new UsageError(`--from must be one of archive, engine, registry (got '${values.from}')`);
  }

  const platform = checkedPlatform(values.platform);
  const name = positionals[0];
  const cache = openCache(io.env, { disabled: values['no-cache'] });
  const progress = progressWriter(io);
  const onProgress = (p: { bytes: number; index: number; totalBytes?: number; layerCount?: number }) => progress.update(p);
  const asPath = resolve(io.cwd, name);
  let source = values.from as Source | undefined;
  const looksLikeFile = /\.(tar|tgz|tar\.gz)$/.test(name) || name.startsWith('.') || name.startsWith('/') || name.includes(`${'/'}`) && existsSync(resolve(io.cwd, name.split('/')[0]));
  if (!source) {
    if (existsSync(asPath)) source = 'archive';
    else if (looksLikeFile) throw new InputError('no such archive file or folder', name);
    else source = 'engine';
  }

  let snap: ImageSnapshot;
  try {
    if (source === 'archive') {
      snap = await readImageArchive(asPath, { platform, cache, onProgress });
    } else if (source === 'engine') {
      try {
        snap = await fromEngine(name, { env: io.env, cache, platform, onProgress });
      } catch (e) {
        // The network is used only when asked for: say how instead of pulling.
        if (values.from || !(e instanceof NoEngineError || e instanceof EngineError)) throw e;
        throw new InputError(`${(e as Error).message}; to pull it from its registry, add --from registry`, name);
      }
    } else {
      snap = await pullImage(name, { platform, insecure: values.insecure, authFile: values['auth-file'], cache, onProgress, env: io.env });
    }
  } catch (e) {
    if (e instanceof ArchiveError) throw new InputError(e.message, source === 'archive' ? name : undefined);
    throw e;
  } finally {
    progress.done();
  }

  const st = snapshotToState(snap, name, source);
  const report = imageReport(st, snap, source, name);
  io.out(values.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : textReport(report));

  return 0;
}

/** The shadow password states in words: `*` lets no password in, `!` is locked, `""` is empty. */
const PASSWORD_WORDS: Record<string, string> = {
  none: 'disabled (* in /etc/shadow: no password is accepted)',
  locked: 'locked',
  set: 'set',
  empty: 'empty (anyone may log in)',
};
