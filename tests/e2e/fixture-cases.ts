// Loads the fixture corpus (tests/fixtures/dockerfiles/NAME/{Dockerfile,cases.yaml}), runs each
// case through analyze() and compares what came out with what the case expects.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { analyze, type Analysis, type Engine, type Profile } from '../../src/analyze.js';
import type { Builder } from '../../src/shell/context.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseHostFactsFile } from '../../src/runtime/host.js';
import type { Op } from '../../src/model/types.js';

export const FIXTURES = new URL('../fixtures/dockerfiles/', import.meta.url).pathname;

export interface VerdictExpect {
  path: string;
  op: Op;
  allowed: boolean;
  /** null when the operation is allowed (no errno). */
  errno?: string | null;
}

export interface CaseExpect {
  uid?: number;
  gid?: number;
  groups?: number[];
  user?: string | null;
  home?: string;
  homeWritable?: boolean;
  workdir?: string;
  findings?: string[];
  absent?: string[];
  verdicts?: VerdictExpect[];
  buildFailureLines?: number[];
  startOk?: boolean;
  sudo?: { installed?: boolean; usable?: boolean; nopasswd?: boolean };
}

export interface FixtureCase {
  name: string;
  run: string;
  host?: Record<string, unknown>;
  /** Extra container paths to evaluate (--path). */
  paths?: string[];
  builder?: Builder;
  engine?: Engine;
  profile?: Profile;
  buildArgs?: Record<string, string>;
  expect: CaseExpect;
  /** The value in expect is what really happens; the model still answers otherwise. */
  knownWrong?: boolean;
  why?: string;
}

export interface Fixture {
  name: string;
  file: string;
  text: string;
  cases: FixtureCase[];
}

export function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .sort()
    .filter((name) => existsSync(join(FIXTURES, name, 'Dockerfile')))
    .map((name) => {
      const dir = join(FIXTURES, name);
      const cases = parse(readFileSync(join(dir, 'cases.yaml'), 'utf8')) as FixtureCase[];

      return { name, file: join(dir, 'Dockerfile'), text: readFileSync(join(dir, 'Dockerfile'), 'utf8'), cases };
    });
}

const DEFAULT_INVOKER = { uid: 1000, gid: 1000, home: '/home/dev', cwd: '/home/dev/project', name: 'dev' };

/** The same inputs `uidctl check --run ... --host-facts ...` would hand to analyze(). */
export function runCase(fx: Fixture, c: FixtureCase): Analysis {
  const facts = parseHostFactsFile(stringify(c.host ?? {}));
  const invoker = facts.invoker ?? DEFAULT_INVOKER;
  const run = parseDockerRun(c.run, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } });

  return analyze({
    file: `${fx.name}/Dockerfile`,
    text: fx.text,
    run,
    host: facts.paths,
    paths: c.paths,
    builder: c.builder,
    engine: c.engine,
    profile: c.profile,
    buildArgs: c.buildArgs,
  });
}

/** Every expectation of the case that the analysis does not meet, one line each. */
export function mismatches(a: Analysis, e: CaseExpect): string[] {
  const out: string[] = [];
  const same = (what: string, want: unknown, got: unknown) => {
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      out.push(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  };
  const id = a.identity;

  if (e.uid !== undefined) same('uid', e.uid, id.uid);
  if (e.gid !== undefined) same('gid', e.gid, id.gid);
  if (e.groups !== undefined) same('groups', e.groups, id.groups);
  if (e.user !== undefined) same('user', e.user, id.user);
  if (e.home !== undefined) same('home', e.home, id.home);
  if (e.homeWritable !== undefined) same('homeWritable', e.homeWritable, id.homeWritable);
  if (e.workdir !== undefined) same('workdir', e.workdir, id.workdir);
  if (e.startOk !== undefined) same('start ok', e.startOk, a.runtime.errors.length === 0);

  for (const [k, want] of Object.entries(e.sudo ?? {})) {
    same(`sudo.${k}`, want, id.sudo[k as keyof typeof e.sudo & keyof typeof id.sudo]);
  }

  const fired = new Set(a.findings.map((f) => f.ruleId));
  for (const r of e.findings ?? []) if (!fired.has(r)) out.push(`finding ${r}: expected to fire, did not (fired: ${[...fired].sort().join(',') || 'none'})`);
  for (const r of e.absent ?? []) if (fired.has(r)) out.push(`finding ${r}: expected absent, fired: ${a.findings.find((f) => f.ruleId === r)!.message}`);

  for (const v of e.verdicts ?? []) {
    const got = a.check(v.path, v.op);
    const label = `verdict ${v.op} ${v.path}`;
    same(`${label} allowed`, v.allowed, got.allowed);
    if (v.errno !== undefined) same(`${label} errno`, v.errno, got.errno ?? null);
  }

  if (e.buildFailureLines !== undefined) {
    same('build failure lines', e.buildFailureLines, a.sim.failures.map((f) => f.line));
  }

  return out;
}
