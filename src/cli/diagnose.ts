// `uidctl diagnose probe.json`: the probe's observations turned into the findings `check` would
// give, for a container that is already running.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Io } from './io.js';
import { parseFlags } from './args.js';
import { InputError, UsageError } from './errors.js';
import { VERSION } from '../version.js';
import type { Finding } from '../model/types.js';
import { parseProbeReport, ProbeParseError, type ProbeReport } from '../probe/report.js';
import { diagnoseProbe } from '../probe/diagnose.js';

const HELP = `Usage: uidctl diagnose PROBE.json [options]

Reads what 'uidctl probe' printed inside a running container and reports the same findings
'uidctl check' predicts (same rule ids and fixes), from observations instead of a model.

  uidctl probe --script | docker exec -i CONTAINER sh > probe.json
  uidctl diagnose probe.json

Options:
  --format FORMAT     text (default) or json
  --profile PROFILE   dev (default here; check defaults to prod) or prod: decides what is an
                      error and what a warning
  --fail-on LEVEL     error (default), warning, info or never: exit 1 at or above it
  -                   read the probe from standard input
`;

const OPTIONS = {
  format: { type: 'string' },
  profile: { type: 'string' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const RANK = { info: 0, warning: 1, error: 2 } as const;

function readInput(file: string, cwd: string): string {
  try {
    return readFileSync(file === '-' ? 0 : resolve(cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read the probe file (${code})`, file);
  }
}

function yesNo(b: boolean): string {
  return b ? 'writable' : 'NOT writable';
}

export function renderDiagnoseText(p: ProbeReport, findings: Finding[]): string {
  const out: string[] = [];
  const groups = p.groups.join(',');
  out.push(`observed  uid=${p.uid}${p.user ? `(${p.user})` : ''} gid=${p.gid}${p.group ? `(${p.group})` : ''} groups=${groups}${p.hasPasswdEntry ? '' : '  (no passwd entry: "I have no name!")'}`);
  out.push(`HOME      ${p.home.path ?? '(unset)'} (${p.home.exists ? yesNo(p.home.writable) : 'missing'})`);
  out.push(`cwd       ${p.cwd.path} (${yesNo(p.cwd.writable)})`);
  if (p.caps) out.push(`caps      ${p.caps.length === 0 ? 'none' : p.caps.map((c) => c.replace(/^CAP_/, '').toLowerCase()).join(' ')}`);
  if (p.python) out.push(`python    ${p.python.path} -> pip installs into ${p.python.purelib ?? '?'} (${yesNo(p.python.purelibWritable)})`);
  out.push(`sudo      ${p.sudo.path === null ? 'not installed' : p.sudo.nopasswd ? 'usable without password' : p.sudo.tested ? 'not usable without a password' : 'not tested'}`);
  if (p.writeTest === 'test') out.push('note      writability was read with `test -w`: for root it ignores dropped capabilities and read-only mounts');
  out.push('');

  if (findings.length === 0) out.push('no findings');
  for (const f of findings) {
    out.push(`${f.severity.padEnd(7)} ${f.ruleId}  ${f.message}`);
    out.push(`        why: ${f.why}`);
    for (const fix of f.fixes) {
      out.push(`        fix: ${fix.description}`);
      if (fix.snippet) for (const l of fix.snippet.split('\n')) out.push(`             ${l}`);
    }
    out.push('');
  }
  const n = (s: string) => findings.filter((f) => f.severity === s).length;
  out.push(`${n('error')} error(s), ${n('warning')} warning(s), ${n('info')} info(s)`);

  return `${out.join('\n')}\n`;
}

export default async function diagnose(args: string[], io: Io): Promise<number> {
  const parsed = parseFlags(args, OPTIONS);
  const v = parsed.values;
  if (v.help) {
    io.out(HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new UsageError('give exactly one probe file (or - for standard input)');
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be one of text, json (got '${format}')`);
  const profile = v.profile ?? 'dev';
  if (profile !== 'dev' && profile !== 'prod') throw new UsageError(`--profile must be one of dev, prod (got '${profile}')`);
  const failOn = v['fail-on'] ?? 'error';
  if (!['error', 'warning', 'info', 'never'].includes(failOn)) {
    throw new UsageError(`--fail-on must be one of error, warning, info, never (got '${failOn}')`);
  }

  const file = parsed.positionals[0];
  let probe: ProbeReport;
  try {
    probe = parseProbeReport(readInput(file, io.cwd));
  } catch (e) {
    if (e instanceof ProbeParseError) throw new InputError(e.message, file === '-' ? 'stdin' : file, e.line, e.column);
    throw e;
  }
  const findings = diagnoseProbe(probe, { file: file === '-' ? 'stdin' : file, profile });

  if (format === 'json') {
    const doc = { schemaVersion: 1, tool: { name: 'uidctl', version: VERSION }, probe, findings };
    io.out(`${JSON.stringify(doc, null, 2)}\n`);
  } else io.out(renderDiagnoseText(probe, findings));

  if (failOn === 'never') return 0;
  const level = RANK[failOn as keyof typeof RANK];

  return findings.some((f) => RANK[f.severity] >= level) ? 1 : 0;
}
