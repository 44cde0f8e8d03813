// Rootless podman runs containers in a user namespace: the invoking user is root inside, the
// container's other ids come from the user's subordinate ranges (/etc/subuid), and every other
// host id is unmapped, shown inside as the overflow id 65534 ("nobody"). Bind mounts therefore
// look different inside than on the host. See podman-run(1) --userns and user_namespaces(7).

import type { Assumption, FileMeta, HostPathFacts, RunContext } from '../model/types.js';

export const OVERFLOW_ID = 65534;

export type EngineName = 'docker' | 'podman';

/**
 * The engine whose behaviour applies to a run: a `podman run` line is podman's whatever the
 * default engine says; compose files and pods follow the chosen engine.
 */
export function engineFor(run: RunContext, engine: EngineName): EngineName {
  return run.tool === 'podman' ? 'podman' : engine;
}

export interface KeepIdOptions {
  uid?: number;
  gid?: number;
}

export type KeepIdParse = { ok: true; opts: KeepIdOptions } | { ok: false; error: string };

/** Go's strconv.ParseUint(s, 10, 32), with its error text. */
function parseUint32(s: string): { n: number } | { error: string } {
  if (!/^\d+$/.test(s)) return { error: `strconv.ParseUint: parsing "${s}": invalid syntax` };
  const n = Number(s);

  return n > 0xffffffff ? { error: `strconv.ParseUint: parsing "${s}": value out of range` } : { n };
}

/**
 * `--userns keep-id[:uid=N,gid=N,size=N]`, read like podman's GetKeepIDOptions
 * (pkg/namespaces/namespaces.go); undefined when the mode is not keep-id.
 */
export function parseKeepId(userns: string | undefined): KeepIdParse | undefined {
  if (userns === undefined) return undefined;
  const colon = userns.indexOf(':');
  const mode = colon < 0 ? userns : userns.slice(0, colon);
  if (mode !== 'keep-id') return undefined;

  const opts: KeepIdOptions = {};
  if (colon < 0) return { ok: true, opts };
  for (const o of userns.slice(colon + 1).split(',')) {
    const eq = o.indexOf('=');
    if (eq < 0) return { ok: false, error: `invalid option specified: "${o}"` };
    const key = o.slice(0, eq);
    if (key !== 'uid' && key !== 'gid' && key !== 'size') {
      return { ok: false, error: `unknown option specified: "${key}"` };
    }
    const v = parseUint32(o.slice(eq + 1));
    if ('error' in v) return { ok: false, error: v.error };
    if (key === 'uid') opts.uid = v.n;
    if (key === 'gid') opts.gid = v.n;
  }

  return { ok: true, opts };
}

/**
 * Why podman refuses a --userns value before it creates anything, or undefined when it parses
 * (ParseUserNamespace in pkg/specgen/namespaces.go, falling back to ParseNamespace): "", auto,
 * keep-id, nomap, host, private, pod, and auto:..., keep-id:..., ns:PATH, container:ID.
 */
export function podmanUsernsError(userns: string): string | undefined {
  if (['', 'auto', 'keep-id', 'nomap', 'host', 'private', 'pod'].includes(userns)) return undefined;
  if (/^(auto|keep-id|ns|container):/.test(userns)) return undefined;

  return `unrecognized namespace mode ${userns} passed`;
}

export interface AutoOptions {
  /** size=: the size of the automatic namespace. */
  size?: number;
  /** uidmapping= and gidmapping=, in the order given (CONTAINER:FROM:SIZE). */
  uid: IdRange[];
  gid: IdRange[];
  /** The `@ID` form or a mapping without its size (podman 5 and later). */
  extended: boolean;
  /** `@ID`s of rootless podman that are not the caller's: somewhere in /etc/subuid, not known. */
  unresolved: number[];
}

/**
 * One uidmapping= or gidmapping= value, read like podman's parseAutoIDMap and parseAutoTriple
 * (pkg/util/utils.go, podman 5): `CONTAINER:[@]FROM[:SIZE]`, no flags, a size of 1 when left out.
 */
function parseAutoMap(
  spec: string,
  setting: MapSetting,
  parent: (hostId: number) => number | undefined,
  out: { map: IdRange[]; extended: boolean; unresolved: number[] },
): string | undefined {
  const parts = spec.split(':');
  if (parts.length === 2) {
    parts.push('1');
    out.extended = true;
  }
  if (parts.length !== 3) return `initializing ID mappings: ${setting} setting is malformed expected ["uint32:[@]uint32[:uint32]"] : ${JSON.stringify(spec)}`;
  const [first, second, third] = parts;
  const words = `[${parts.join(' ')}]`;
  if (first === '') return `invalid empty container id at ${setting} map: ${words}`;
  const r = mapPieces(first, first, second, third, setting, words, parent);
  if ('error' in r) return r.error;
  if (r.viaParent) out.extended = true;
  out.unresolved.push(...r.unresolved);
  out.map.push(...sortAndMerge(r.pieces.filter((p) => p.size > 0)));

  return undefined;
}

/**
 * One CONTAINER:[@]FROM:SIZE mapping's ranges (container ids written without flags in
 * `digits`, `first` as written for the error), as podman's ParseIDMapping reads it: FROM
 * after @ is an id of the parent namespace, each looked up through `parent` (unresolved: not
 * in it).
 */
function mapPieces(
  digits: string,
  first: string,
  second: string,
  third: string,
  setting: MapSetting,
  words: string,
  parent: (hostId: number) => number | undefined,
): { pieces: IdRange[]; unresolved: number[]; viaParent: boolean } | { error: string } {
  const cid = parseUint32(digits);
  if ('error' in cid) return { error: `parsing id map value ${JSON.stringify(first)}: ${cid.error}` };
  if (second === '') return { error: `invalid empty host id at ${setting} map: ${words}` };
  const viaParent = second.startsWith('@');
  const hid = parseUint32(viaParent ? second.slice(1) : second);
  if ('error' in hid) return { error: `parsing id map value ${JSON.stringify(second)}: ${hid.error}` };
  const size = parseUint32(third);
  if ('error' in size) return { error: `parsing id map value ${JSON.stringify(third)}: ${size.error}` };

  const pieces: IdRange[] = [];
  const unresolved: number[] = [];
  if (!viaParent) pieces.push({ container: cid.n, from: hid.n, size: size.n });
  else {
    for (let k = 0; k < size.n; k++) {
      const f = parent(hid.n + k);
      if (f === undefined) unresolved.push(hid.n + k);
      else pieces.push({ container: cid.n + k, from: f, size: 1 });
    }
  }

  return { pieces, unresolved, viaParent };
}

/**
 * `--userns auto[:size=N,uidmapping=C:F:N,gidmapping=C:F:N]`, read like podman's GetAutoOptions
 * (pkg/util/utils.go): comma-separated, each option repeatable. Undefined when the mode is not
 * auto. Rootful, FROM is a host id; rootless it is an id of the rootless namespace (0 = the
 * caller), as for --uidmap.
 */
export function parseAuto(run: RunContext): { ok: true; opts: AutoOptions } | { ok: false; error: string } | undefined {
  const userns = run.userns;
  if (userns === undefined) return undefined;
  const colon = userns.indexOf(':');
  if ((colon < 0 ? userns : userns.slice(0, colon)) !== 'auto') return undefined;

  const inv = run.invoker;
  const rootless = inv !== undefined && inv.uid !== 0;
  const parentUid = (h: number) => (!rootless ? h : h === inv.uid ? 0 : undefined);
  const parentGid = (h: number) => (!rootless ? h : h === inv.gid ? 0 : undefined);
  const u = { map: [] as IdRange[], extended: false, unresolved: [] as number[] };
  const g = { map: [] as IdRange[], extended: false, unresolved: [] as number[] };
  let size: number | undefined;
  if (colon >= 0) {
    for (const o of userns.slice(colon + 1).split(',')) {
      const eq = o.indexOf('=');
      if (eq < 0) return { ok: false, error: `invalid option specified: ${JSON.stringify(o)}` };
      const key = o.slice(0, eq);
      const val = o.slice(eq + 1);
      if (key === 'size') {
        const v = parseUint32(val);
        if ('error' in v) return { ok: false, error: v.error };
        size = v.n;
      } else if (key === 'uidmapping' || key === 'gidmapping') {
        const err = key === 'uidmapping' ? parseAutoMap(val, 'UID', parentUid, u) : parseAutoMap(val, 'GID', parentGid, g);
        if (err !== undefined) return { ok: false, error: err };
      } else {
        return { ok: false, error: `unknown option specified: ${JSON.stringify(key)}` };
      }
    }
  }

  return { ok: true, opts: { size, uid: u.map, gid: g.map, extended: u.extended || g.extended, unresolved: [...u.unresolved, ...g.unresolved] } };
}

export interface UsernsMapping {
  /** Host uid -> uid inside; ids not listed are unmapped. */
  uid: (hostId: number) => number | undefined;
  gid: (hostId: number) => number | undefined;
  assumption: Assumption;
  /** Every verdict below a bind mount rests on the assumption (the mapping is not known here). */
  doubt?: boolean;
}

/**
 * The mapping for a run, or undefined when the container shares the host's ids (a rootful
 * engine, or --userns=host). Rootful podman's keep-id copies the host's own identity mapping
 * (podman pkg/util GetKeepIDMapping, rootful branch), so it changes no owner either.
 */
export function usernsMapping(run: RunContext, engine: EngineName): UsernsMapping | undefined {
  const inv = run.invoker;
  // Rootless Docker: dockerd runs in a user namespace of its own user, mapped as rootless
  // podman's (container root is that uid; the rest come from /etc/subuid), and every container
  // shares it (https://docs.docker.com/engine/security/rootless/).
  const rootless = run.daemon?.kind === 'rootless' && run.daemon.uid !== undefined && engineFor(run, engine) === 'docker' ? run.daemon.uid : undefined;
  if (rootless !== undefined && rootless !== 0) {
    const own = inv !== undefined && inv.uid === rootless;
    return {
      uid: (h) => (h === rootless ? 0 : undefined),
      // Its primary group is the invoker's when the daemon is the invoker's own.
      gid: (h) => (own && h === inv.gid ? 0 : undefined),
      assumption: {
        id: 'userns:rootless-docker',
        subject: 'rootless Docker',
        text: `Docker runs rootless (${run.daemon!.via}): host uid ${rootless} is root inside the container, and other host ids show as ${OVERFLOW_ID} (nobody)`,
        confidence: 'medium',
      },
    };
  }
  if (engineFor(run, engine) !== 'podman') return undefined;
  const ids = podmanIdMaps(run);
  if (ids?.ok) return idMapMapping(run, ids.maps);
  const sub = subidMode(run);
  if (sub !== undefined) return subidMapping(run, sub, parseAuto(run));
  if (!inv || inv.uid === 0 || run.userns === 'host') return undefined;

  // keep-id maps the caller to itself, or to uid=/gid= (GetKeepIDMapping: {ContainerID: uid,
  // HostID: 0 (the caller in the rootless namespace), Size: 1}).
  const keep = parseKeepId(run.userns);
  const keepId = keep?.ok === true;
  const inUid = keep?.ok ? keep.opts.uid ?? inv.uid : 0;
  const inGid = keep?.ok ? keep.opts.gid ?? inv.gid : 0;
  const assumption: Assumption = {
    id: 'userns:rootless-podman',
    subject: 'rootless podman',
    text: keepId
      ? `podman runs rootless with --userns=${run.userns}: host uid ${inv.uid} and gid ${inv.gid} are ${inUid}:${inGid} inside; other host ids show as ${OVERFLOW_ID}`
      : `podman runs rootless: host uid ${inv.uid} (you) is root inside the container, and other host ids show as ${OVERFLOW_ID} (nobody); add --userns=keep-id to keep your uid`,
    confidence: 'high',
  };

  return {
    uid: (h) => (h === inv.uid ? inUid : undefined),
    gid: (h) => (h === inv.gid ? inGid : undefined),
    assumption,
  };
}

/** A map as podman's options write it, CONTAINER:FROM:AMOUNT. */
function rangesText(map: IdRange[]): string {
  return map.length === 0 ? 'nothing' : map.map((r) => `${r.container}:${r.from}:${r.size}`).join(', ');
}

/** --uidmap/--gidmap: host ids inside a range show as their container ids, the others as 65534. */
function idMapMapping(run: RunContext, maps: PodmanIdMaps): UsernsMapping {
  const inv = run.invoker;
  const rootless = inv !== undefined && inv.uid !== 0;
  const uid = (h: number) => (!rootless ? toContainer(maps.uid, h) : h === inv.uid ? toContainer(maps.uid, 0) : undefined);
  const gid = (h: number) => (!rootless ? toContainer(maps.gid, h) : h === inv.gid ? toContainer(maps.gid, 0) : undefined);
  const doubts: string[] = [];
  if (rootless) doubts.push(`podman runs rootless, so FROM is an id of its namespace: 0 is you (uid ${inv.uid}), the rest come from your /etc/subuid ranges, and host files are taken as owned by you or by ids outside those ranges`);
  if (maps.unresolved.length > 0) doubts.push(`@${maps.unresolved.join(', @')} name host ids of your /etc/subuid ranges, not known here, so they are left out`);
  if (maps.extended) doubts.push('the +, u/g, @ forms and a missing amount are podman 5\'s (podman 4.3 refuses them as malformed)');

  return {
    uid,
    gid,
    assumption: {
      id: 'userns:podman-idmap',
      subject: '--uidmap/--gidmap',
      text: `podman runs the container in a user namespace of its own: uids ${rangesText(maps.uid)} and gids ${rangesText(maps.gid)} (CONTAINER:FROM:AMOUNT); host ids outside them show as ${OVERFLOW_ID} (nobody), and root in the container has no override on what they own${doubts.length > 0 ? `; ${doubts.join('; ')}` : ''}`,
      confidence: doubts.length > 0 ? 'medium' : 'high',
    },
  };
}

/**
 * --userns=auto, nomap, --subuidname/--subgidname: the ranges come from /etc/subuid and
 * /etc/subgid on the host, which are not read. Host folders are taken as owned by ids outside
 * them, the usual case (login users are below 65536, subordinate ranges above).
 */
function subidMapping(run: RunContext, mode: string, auto?: ReturnType<typeof parseAuto>): UsernsMapping {
  const size = auto?.ok === true && auto.opts.size !== undefined ? `${auto.opts.size} ids of ` : '';
  const where = mode.startsWith('--userns=auto')
    ? `a free range of ${size}the "containers" entries in /etc/subuid and /etc/subgid`
    : mode.startsWith('--userns=nomap')
      ? 'your /etc/subuid and /etc/subgid ranges, without your own uid'
      : `the ranges /etc/subuid and /etc/subgid give ${mode.slice(mode.indexOf('=') + 1)}`;
  const base = `with ${mode} podman maps the container's ids to ${where}, which uidctl does not read: host files are taken as owned by ids outside that range, so they show as ${OVERFLOW_ID} (nobody) and root in the container has no override on them`;
  // uidmapping=/gidmapping= are known: storage's getAutoUserNSIDMappings leaves their container
  // ids out of the automatic range and adds them as given, so their owners show as those ids.
  const opts = auto?.ok === true ? auto.opts : undefined;
  if (opts === undefined || (opts.uid.length === 0 && opts.gid.length === 0)) {
    return { uid: () => undefined, gid: () => undefined, doubt: true, assumption: { id: 'userns:podman-subid', subject: mode, text: base, confidence: 'medium' } };
  }
  const inv = run.invoker;
  const rootless = inv !== undefined && inv.uid !== 0;
  const given = [opts.uid.length > 0 ? `uids ${rangesText(opts.uid)}` : '', opts.gid.length > 0 ? `gids ${rangesText(opts.gid)}` : ''].filter(Boolean);
  const forced: string[] = [`except ${given.join(' and ')}, forced as given (CONTAINER:FROM:SIZE), so host owners there show as those container ids`];
  if (rootless) forced.push(`podman runs rootless, so FROM is an id of its namespace: 0 is you (uid ${inv.uid}), the rest come from your /etc/subuid ranges`);
  if (opts.unresolved.length > 0) forced.push(`@${opts.unresolved.join(', @')} name host ids of your /etc/subuid ranges, not known here, so they are left out`);
  if (opts.extended) forced.push('the @ form and a missing size are podman 5\'s');

  return {
    uid: (h) => (!rootless ? toContainer(opts.uid, h) : h === inv.uid ? toContainer(opts.uid, 0) : undefined),
    gid: (h) => (!rootless ? toContainer(opts.gid, h) : h === inv.gid ? toContainer(opts.gid, 0) : undefined),
    doubt: true,
    assumption: { id: 'userns:podman-subid', subject: mode, text: `${base}; ${forced.join('; ')}`, confidence: 'medium' },
  };
}

function mapMeta(m: FileMeta, map: UsernsMapping): FileMeta {
  const uid = map.uid(m.uid);
  const gid = map.gid(m.gid);
  if (uid !== undefined && gid !== undefined) return { ...m, uid, gid };

  // Capabilities inside the namespace do not reach files whose ids are not mapped into it.
  return { ...m, uid: uid ?? OVERFLOW_ID, gid: gid ?? OVERFLOW_ID, unmapped: true };
}

/** Host facts as the container sees them under the mapping. */
export function mapHostFacts(host: HostPathFacts[], map: UsernsMapping | undefined): HostPathFacts[] {
  if (!map) return host;

  // The owner on the host is kept: messages and fixes that act on the host need it.
  return host.map((h) => (h.meta ? { ...h, meta: mapMeta(h.meta, map), hostOwner: { uid: h.meta.uid, gid: h.meta.gid } } : h));
}

// ---------------------------------------------------------------- --uidmap / --gidmap

/** One line of a user-namespace map: ids container..container+size-1 are from..from+size-1. */
export interface IdRange {
  container: number;
  /** The host id (rootful podman) or the id in the rootless namespace (0 = the caller). */
  from: number;
  size: number;
}

export interface PodmanIdMaps {
  uid: IdRange[];
  gid: IdRange[];
  /** The `+`, `u`/`g` or `@` forms, or a mapping without its amount (podman 5 and later). */
  extended: boolean;
  /** `@ID`s of rootless podman that are not the caller's: somewhere in /etc/subuid, not known. */
  unresolved: number[];
}

type MapSetting = 'UID' | 'GID';

/** Go's %q of a []string. */
function goQuoted(xs: string[]): string {
  return `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;
}

/**
 * Remove from `map` what `ext` covers, on the container side or the other, then add `ext`
 * (podman pkg/util breakInsert, the `+` flag).
 */
function breakInsert(map: IdRange[], ext: IdRange): IdRange[] {
  const out: IdRange[] = [];
  for (const p of map) {
    const cut: [number, number][] = [];
    for (const start of [ext.container - p.container, ext.from - p.from]) {
      const lo = Math.max(start, 0);
      const hi = Math.min(start + ext.size, p.size);
      if (lo < hi) cut.push([lo, hi]);
    }
    cut.sort((a, b) => a[0] - b[0]);
    let at = 0;
    for (const [lo, hi] of cut) {
      if (lo > at) out.push({ container: p.container + at, from: p.from + at, size: lo - at });
      at = Math.max(at, hi);
    }
    if (at < p.size) out.push({ container: p.container + at, from: p.from + at, size: p.size - at });
  }

  return [...out, ext];
}

/** Sorted by container id, with ranges that continue one another joined (sortAndMergeConsecutiveMappings). */
function sortAndMerge(map: IdRange[]): IdRange[] {
  const out: IdRange[] = [];
  for (const p of [...map].sort((a, b) => a.container - b.container)) {
    const last = out.at(-1);
    if (last && last.container + last.size === p.container && last.from + last.size === p.from) last.size += p.size;
    else out.push({ ...p });
  }

  return out;
}

/**
 * The values of --uidmap (or --gidmap), read like podman's ParseIDMap (pkg/util/utils.go, podman
 * 5): `[+][u|g]CONTAINER:[@]FROM[:AMOUNT]`, repeatable, an amount of 1 when left out; `+`
 * replaces what earlier ranges map of those ids, `u`/`g` limits a line to one of the two maps,
 * `@ID` names a host id where FROM is an id of the rootless namespace (`parent` turns it into
 * one; undefined = not known here). A zero amount maps nothing.
 */
export function parseIdMap(
  specs: string[],
  setting: MapSetting,
  parent: (hostId: number) => number | undefined,
): { ok: true; map: IdRange[]; extended: boolean; unresolved: number[] } | { ok: false; error: string } {
  const malformed = `initializing ID mappings: ${setting} setting is malformed expected ["[+ug]uint32:[@]uint32[:uint32]"] : ${goQuoted(specs)}`;
  let map: IdRange[] = [];
  let extended = false;
  const unresolved: number[] = [];

  for (const spec of specs) {
    if (spec === '') continue;
    const parts = spec.split(':');
    if (parts.length === 2) {
      parts.push('1');
      extended = true;
    }
    if (parts.length % 3 !== 0) return { ok: false, error: malformed };
    for (let i = 0; i < parts.length; i += 3) {
      const [first, second, third] = parts.slice(i, i + 3);
      if (first === '') return { ok: false, error: malformed };
      const words = `[${parts.slice(i, i + 3).join(' ')}]`;
      const flags = /^[+ug]*/.exec(first)![0];
      if (flags.length === first.length) return { ok: false, error: `invalid mapping: ${words}, parsing flags` };
      // parseFlags: the first character after the flags must be a digit (Go prints the rune's code).
      const next = first.codePointAt(flags.length)!;
      if (next < 48 || next > 57) return { ok: false, error: `invalid mapping: ${words}. Unknown flag ${next}` };
      if (flags !== '') extended = true;
      const user = flags.includes('u') || !flags.includes('g');
      const group = flags.includes('g') || !flags.includes('u');
      const r = mapPieces(first.slice(flags.length), first, second, third, setting, words, parent);
      if ('error' in r) return { ok: false, error: r.error };
      if (r.viaParent) extended = true;
      if ((setting === 'UID' && !user) || (setting === 'GID' && !group)) continue;
      unresolved.push(...r.unresolved);
      for (const p of r.pieces) {
        if (p.size === 0) continue;
        map = flags.includes('+') ? breakInsert(map, p) : [...map, p];
      }
    }
  }

  return { ok: true, map: sortAndMerge(map), extended, unresolved };
}

/**
 * The first range that overlaps an earlier one, on either side, in containers/storage's words
 * (measured with podman 4.3: `--uidmap 0:1:1 --uidmap 0:5:1`).
 */
function conflict(map: IdRange[]): string | undefined {
  for (let i = 1; i < map.length; i++) {
    const b = map[i];
    for (const a of map.slice(0, i)) {
      const over = (x: number, y: number) => x < y + b.size && y < x + a.size;
      if (over(a.container, b.container) || over(a.from, b.from)) {
        return `creating container storage: the specified UID and/or GID mapping ${b.container}:${b.from}:${b.size} conflicts with other mappings: invalid mappings specified`;
      }
    }
  }

  return undefined;
}

/**
 * podman's --uidmap/--gidmap for a run, undefined when neither is given. One alone is used for
 * both (pkg/util ParseIDMapping). Rootful, FROM is a host id; rootless it is an id of the
 * rootless namespace, where the caller is 0 and the rest come from /etc/subuid.
 */
export function podmanIdMaps(run: RunContext): { ok: true; maps: PodmanIdMaps } | { ok: false; error: string } | undefined {
  let uids = run.uidmap ?? [];
  let gids = run.gidmap ?? [];
  if (uids.length === 0 && gids.length === 0) return undefined;
  if (gids.length === 0) gids = uids;
  if (uids.length === 0) uids = gids;

  const inv = run.invoker;
  const rootless = inv !== undefined && inv.uid !== 0;
  const parentUid = (h: number) => (!rootless ? h : h === inv.uid ? 0 : undefined);
  const parentGid = (h: number) => (!rootless ? h : h === inv.gid ? 0 : undefined);
  const u = parseIdMap(uids, 'UID', parentUid);
  if (!u.ok) return u;
  const g = parseIdMap(gids, 'GID', parentGid);
  if (!g.ok) return g;
  const clash = conflict(u.map) ?? conflict(g.map);
  if (clash !== undefined) return { ok: false, error: clash };

  return { ok: true, maps: { uid: u.map, gid: g.map, extended: u.extended || g.extended, unresolved: [...u.unresolved, ...g.unresolved] } };
}

function inside(map: IdRange[], id: number): boolean {
  return map.some((r) => id >= r.container && id < r.container + r.size);
}

/** The container id a FROM id shows as, or undefined when no range maps it. */
function toContainer(map: IdRange[], from: number): number | undefined {
  const r = map.find((x) => from >= x.from && from < x.from + x.size);

  return r === undefined ? undefined : r.container + (from - r.from);
}

/** Go's %#v of []specs.LinuxIDMapping, as podman prints a map that lacks the process's id. */
function goMappings(map: IdRange[]): string {
  const hex = (n: number) => `0x${n.toString(16)}`;

  return `[]specs.LinuxIDMapping{${map.map((r) => `specs.LinuxIDMapping{ContainerID:${hex(r.container)}, HostID:${hex(r.from)}, Size:${hex(r.size)}}`).join(', ')}}`;
}

/**
 * Why a process cannot start under the maps: its uid, then its gid, must be inside them
 * (buildah/podman GetHostIDs; the same words measured with podman 4.3 and buildah 1.28).
 */
export function unmappedProcess(maps: PodmanIdMaps, uid: number, gid: number): string | undefined {
  if (!inside(maps.uid, uid)) return `container uses ID mappings (${goMappings(maps.uid)}), but doesn't map UID ${uid}`;
  if (!inside(maps.gid, gid)) return `container uses ID mappings (${goMappings(maps.gid)}), but doesn't map GID ${gid}`;

  return undefined;
}

/**
 * The host uid and gid a rootful podman gives container ids under --uidmap/--gidmap; undefined
 * when rootless (the ids come from /etc/subuid), without maps, or when the map lacks them.
 */
export function hostIdsOf(run: RunContext, uid: number, gid: number): [number, number] | undefined {
  const ids = podmanIdMaps(run);
  if (!ids?.ok || (run.invoker !== undefined && run.invoker.uid !== 0)) return undefined;
  const host = (map: IdRange[], id: number) => {
    const r = map.find((x) => id >= x.container && id < x.container + x.size);
    return r === undefined ? undefined : r.from + (id - r.container);
  };
  const h = host(ids.maps.uid, uid);
  const g = host(ids.maps.gid, gid);

  return h === undefined || g === undefined ? undefined : [h, g];
}

/**
 * The container ids `--userns=auto:size=N` maps: 0 to N-1, and the container ids of forced
 * uidmapping=/gidmapping= ranges (storage getAutoUserNSIDMappings takes those out of the
 * automatic range and adds them as given). Without size= (or size=0, which GetAutoOptions
 * leaves as "not given") podman sizes the range from the image: not judged, undefined.
 */
function autoHas(opts: AutoOptions, forced: IdRange[], id: number): boolean | undefined {
  if (opts.size === undefined || opts.size === 0) return undefined;

  return id < opts.size || inside(forced, id);
}

/**
 * Why a process cannot start under --userns=auto:size=N: its uid, then its gid, is not among
 * the container ids the automatic namespace maps. podman checks the container's final maps
 * as for --uidmap (GetHostIDs), and prints them; their host side is a free range of the
 * "containers" entries in /etc/subuid, not known here, so it is written `...` (measured with
 * buildah under the map that size gives, `--userns-uid-map 0:100000:1000` with user 1000).
 */
export function unmappedAutoProcess(opts: AutoOptions, uid: number, gid: number): string | undefined {
  if (autoHas(opts, opts.uid, uid) === false) return `container uses ID mappings (...), but doesn't map UID ${uid}`;
  if (autoHas(opts, opts.gid, gid) === false) return `container uses ID mappings (...), but doesn't map GID ${gid}`;

  return undefined;
}

/** Supplementary groups outside an automatic namespace of size=, which podman leaves out. */
export function unmappedAutoGroups(opts: AutoOptions, groups: number[]): number[] {
  return groups.filter((g) => autoHas(opts, opts.gid, g) === false);
}

/** Supplementary groups outside the gid map, which podman leaves out. */
export function unmappedGroups(maps: PodmanIdMaps, groups: number[]): number[] {
  return groups.filter((g) => !inside(maps.gid, g));
}

/** The podman options whose mapping comes from /etc/subuid and /etc/subgid on the host. */
export function subidMode(run: RunContext): string | undefined {
  const mode = run.userns?.split(':')[0];
  if (mode === 'auto' || mode === 'nomap') return `--userns=${run.userns}`;
  if (run.subuidname !== undefined) return `--subuidname=${run.subuidname}`;
  if (run.subgidname !== undefined) return `--subgidname=${run.subgidname}`;

  return undefined;
}
