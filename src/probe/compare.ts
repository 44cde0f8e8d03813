// The prediction of `uidctl check` next to what the probe observed in the real container, one
// row per fact the probe can see: the identity, HOME, the working directory, every mount the
// run asked for, pip's target, sudo, and the paths asked for with --path.

import type { Analysis } from '../analyze.js';
import type { Verdict } from '../model/types.js';
import { normalizePath } from '../image/fs.js';
import { userMounts, type ProbeReport } from './report.js';

export interface ComparisonRow {
  field: string;
  predicted: string;
  observed: string;
  /** null: the fact was not observed (the image's own start command), so it is not compared. */
  agree: boolean | null;
}

type View = Pick<Analysis, 'identity' | 'run' | 'python' | 'check' | 'runtime'>;

const yn = (b: boolean) => (b ? 'yes' : 'no');

function row(field: string, predicted: string, observed: string): ComparisonRow {
  return { field, predicted, observed, agree: predicted === observed };
}

/** Writable as the probe measures it: a folder takes a new entry, a file opens for writing. */
function writable(a: View, path: string): Verdict {
  return a.check(path, 'create');
}

export function compareProbe(a: View, p: ProbeReport, paths: string[] = []): ComparisonRow[] {
  const id = a.identity;
  const rows: ComparisonRow[] = [];

  rows.push(row('uid', String(id.uid), String(p.uid)));
  rows.push(row('gid', String(id.gid), String(p.gid)));
  rows.push(row('groups', [...new Set(id.groups)].sort((x, y) => x - y).join(','), [...new Set(p.groups)].sort((x, y) => x - y).join(',')));
  rows.push(row('user', id.user ?? '(none)', p.user ?? '(none)'));
  rows.push(row('HOME', id.home, p.home.path ?? '(unset)'));
  rows.push(row('HOME exists', yn(id.homeExists), yn(p.home.exists)));
  rows.push(row('HOME writable', yn(id.homeWritable), yn(p.home.writable)));
  rows.push(row('cwd', normalizePath(id.workdir), normalizePath(p.cwd.path)));
  rows.push(row('cwd writable', yn(writable(a, id.workdir).allowed), yn(p.cwd.writable)));
  if (p.caps !== null) {
    // One row for the count, and one per capability the two sides disagree on.
    const want = new Set(id.caps);
    const got = new Set(p.caps);
    rows.push(row('capabilities', `${want.size}`, `${got.size}`));
    for (const c of [...new Set([...want, ...got])].sort()) {
      if (want.has(c) !== got.has(c)) rows.push(row(c, yn(want.has(c)), yn(got.has(c))));
    }
  }

  const seen = userMounts(p);
  for (const m of a.run?.mounts ?? []) {
    const target = normalizePath(m.target);
    const obs = seen.find((x) => x.target === target);
    const v = writable(a, target);
    rows.push(row(`${target} writable`, yn(v.allowed), obs ? (obs.writable === null ? 'not a folder' : yn(obs.writable)) : 'not mounted'));
  }

  if (a.python && p.python?.purelib) {
    rows.push(row('pip target writable', yn(a.check(a.python.sitePackages, 'write').allowed), yn(p.python.purelibWritable)));
  }
  rows.push(row('sudo installed', yn(id.sudo.installed), yn(p.sudo.path !== null)));
  if (p.sudo.tested && p.sudo.nopasswd !== null) {
    rows.push(row('sudo without password', yn(id.sudo.usable && id.sudo.nopasswd), yn(p.sudo.nopasswd)));
  }

  // A path asked with a trailing slash keeps it: the kernel (and the probe's test -e, test -d)
  // then wants a directory, so `/srv/f/` of a file neither exists nor reads.
  const asked = (raw: string) => {
    const n = normalizePath(raw, id.workdir);
    return n !== '/' && raw.length > 1 && raw.endsWith('/') ? `${n}/` : n;
  };
  for (const raw of paths) {
    const path = asked(raw);
    const obs = p.paths.find((x) => asked(x.path) === path);
    const read = a.check(path, 'read');
    // stat fails with ENOENT or ENOTDIR (a file on the way, or a slash after one).
    rows.push(row(`${path} exists`, yn(read.errno !== 'ENOENT' && read.errno !== 'ENOTDIR'), obs ? yn(obs.exists) : 'not probed'));
    rows.push(row(`${path} readable`, yn(read.allowed), obs ? yn(obs.readable) : 'not probed'));
    rows.push(row(`${path} writable`, yn(writable(a, path).allowed), obs ? yn(obs.writable) : 'not probed'));
  }

  return rows;
}

/** The rows where prediction and observation differ; a row not observed is not one. */
export function disagreementsOf(rows: ComparisonRow[]): number {
  return rows.filter((r) => r.agree === false).length;
}

/** The table for people: every disagreement marked with != between the columns. */
export function renderComparison(rows: ComparisonRow[]): string {
  const w1 = Math.max(5, ...rows.map((r) => r.field.length)) + 2;
  const w2 = Math.max(9, ...rows.map((r) => r.predicted.length)) + 2;
  const out = [`${'field'.padEnd(w1)}${'predicted'.padEnd(w2)}    observed`];

  for (const r of rows) out.push(`${r.field.padEnd(w1)}${r.predicted.padEnd(w2)}${r.agree === false ? '!=  ' : '    '}${r.observed}`);

  return `${out.join('\n')}\n`;
}
