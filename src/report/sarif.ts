// SARIF 2.1.0 as GitHub code scanning reads it: one run, the rules in tool.driver.rules, one
// result per finding with a physical location (file and line).

import { RULES } from '../rules/registry.js';
import { docsUrl } from '../rules/rule.js';
import type { Finding, Severity } from '../model/types.js';
import type { Profile } from '../analyze.js';
import type { Reported } from './json.js';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The name `uidctl check -` gives the Dockerfile it reads from standard input. */
const STDIN = '-';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** FNV-1a, enough to tell findings apart across runs without a crypto import. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }

  return h.toString(16).padStart(8, '0');
}

/** The key of `partialFingerprints`: v2 hashes the instruction's text, not its line. */
export const FINGERPRINT_KEY = 'uidctl/v2';

/**
 * The text of the instruction a finding is at, normalised so that only a change to the
 * instruction itself changes it: keyword, flags, arguments (continuations joined) and
 * here-document bodies, each run of blanks made one space. Undefined for a finding that is not
 * at an instruction of the file analysed (a compose file's line, a start script's).
 */
export function instructionKeys(r: Reported): (string | undefined)[] {
  const a = r.analysis;
  const byLine = new Map<number, string>();
  for (const ins of a.df.instructions) {
    const words = [ins.keyword, ...ins.flags.map((f) => (f.value === null ? `--${f.name}` : `--${f.name}=${f.value}`)), ins.args, ...ins.heredocs.map((h) => h.content)];
    byLine.set(ins.line, words.join(' ').replace(/\s+/g, ' ').trim());
  }

  return r.findings.map((f) => (f.location.file === a.file ? byLine.get(f.location.line) : undefined));
}

/** A message with its line numbers masked, so that lines added above leave it as it was. */
const unlined = (message: string) => message.replace(/\b(lines?) \d+(?:\s*[-–]\s*\d+)?/g, '$1 #');

/**
 * The fingerprint of each finding, as github/codeql-action's primaryLocationLineHash is made: a
 * hash of what the finding is about (rule, file, the instruction's normalised text, the message
 * with line numbers masked), then `:N`, N counting the findings with that same hash in the log
 * (1, 2, ...), so two equal instructions in one file give two alerts, and an edit elsewhere in
 * the file (lines added above, another instruction changed) leaves them as they were.
 */
function fingerprints(findings: readonly Finding[], keys: readonly (string | undefined)[] | undefined, uri: (f: Finding) => string): string[] {
  const seen = new Map<string, number>();

  return findings.map((f, i) => {
    const hash = fnv(`${f.ruleId}|${uri(f)}|${keys?.[i] ?? ''}|${unlined(f.message)}`);
    const n = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, n);

    return `${hash}:${n}`;
  });
}

/**
 * The root of the git repository a folder is in: the nearest folder up from it holding `.git`
 * (a folder, or the file a worktree or submodule has). Undefined outside a repository.
 */
export function repositoryRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The folder %SRCROOT% stands for when uidctl runs in `cwd`: its repository's root, else cwd. */
export function sourceRoot(cwd: string): string {
  return repositoryRoot(cwd) ?? resolve(cwd);
}

/** The path with its links resolved, when it exists; else itself. */
function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

const fileUri = (abs: string) => `file://${abs.split(sep).map(encodeURIComponent).join('/')}`;

/**
 * Where a file is, as code scanning wants it: relative to the repository's root with uriBaseId
 * %SRCROOT%, as GitHub resolves relative URIs against the root of the repository, else an
 * absolute file URI. `cwd` is the folder paths given are relative to; `base` the folder
 * %SRCROOT% stands for (the repository root, or cwd outside a repository). The same file then
 * has the same location and fingerprint however its path was typed and wherever uidctl ran.
 *
 * `-`, the Dockerfile read from standard input with no --stdin-filename, is no file: `stdin`,
 * with no uriBaseId, so it is not taken for a file of that name at the root of the repository.
 * Code scanning needs a non-empty uri; `<stdin>`, the name linters print (actionlint), is not a
 * valid URI reference.
 */
export function artifact(file: string, cwd: string | undefined, base: string | undefined = cwd): { uri: string; uriBaseId?: string } {
  if (file === STDIN) return { uri: 'stdin' };
  if (cwd === undefined || base === undefined) return { uri: file.replace(/\\/g, '/').replace(/^\.\//, '') };
  const abs = resolve(cwd, file);
  const inside = (p: string, root: string) => {
    const rel = relative(root, p);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : undefined;
  };
  // A path through a link into the repository (plink/docker/svc/Dockerfile, plink -> the
  // repository) is placed where the file really is.
  const rel = inside(abs, base) ?? inside(realOrSelf(abs), realOrSelf(base));
  if (rel !== undefined) return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };

  return { uri: fileUri(abs) };
}

export interface SarifOptions {
  /** Per finding, the normalised text of its instruction (instructionKeys), for fingerprints. */
  keys?: readonly (string | undefined)[];
  /** The profile and the severities set in the config: the rules' levels in this run. */
  profile?: Profile;
  severity?: Readonly<Record<string, Severity | 'off'>>;
  /** The folder %SRCROOT% stands for; by default the repository root of `root`, else `root`. */
  srcRoot?: string;
}

/**
 * root: the folder the files' paths are relative to (absolute); none keeps paths as given.
 * Relative URIs are made from its repository's root (see artifact).
 */
export function renderSarif(results: Reported[], version: string, root?: string, opts: Omit<SarifOptions, 'keys'> = {}): string {
  const profile = opts.profile ?? results[0]?.analysis.profile;

  return renderSarifFindings(results.flatMap((r) => r.findings), version, root, { ...opts, profile, keys: results.flatMap(instructionKeys) });
}

/** The SARIF log of findings from any number of files: all it needs of a result is its findings. */
export function renderSarifFindings(findings: readonly Finding[], version: string, root?: string, opts: SarifOptions = {}): string {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const base = root === undefined ? undefined : opts.srcRoot ?? sourceRoot(root);
  const where = (file: string) => artifact(file, root, base);
  const prints = fingerprints(findings, opts.keys, (f) => where(f.location.file).uri);
  // The level each rule has in this run: a severity set in the config, else the profile's.
  const levelOf = (r: (typeof RULES)[number]) => {
    const sev = opts.severity?.[r.id] ?? r.severity[opts.profile ?? 'prod'];
    return sev === 'off' ? 'none' : LEVEL[sev];
  };
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'uidctl',
            version,
            informationUri: 'https://github.com/uidctl/uidctl',
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              helpUri: docsUrl(r.id),
              help: { text: `${r.description} See ${docsUrl(r.id)}`, markdown: `${r.description} [Docs](${docsUrl(r.id)})` },
              defaultConfiguration: { level: levelOf(r) },
              properties: { category: r.category, tags: ['security', 'permissions', r.category] },
            })),
          },
        },
        results: findings.map((f, i) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId) ?? 0,
          level: LEVEL[f.severity],
          message: {
            text: [f.message, f.why, ...f.fixes.map((x) => `Fix: ${x.description}${x.snippet ? ` ${x.snippet}` : ''}`)].join('\n'),
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: where(f.location.file),
                region: { startLine: Math.max(1, f.location.line) },
              },
            },
          ],
          ...(f.related ? {
            relatedLocations: f.related.map((r, j) => ({
              id: j,
              physicalLocation: { artifactLocation: where(r.file), ...(r.line !== undefined ? { region: { startLine: Math.max(1, r.line) } } : {}) },
              message: { text: r.message },
            })),
          } : {}),
          partialFingerprints: { [FINGERPRINT_KEY]: prints[i] },
        })),
        ...(base === undefined ? {} : { originalUriBaseIds: { '%SRCROOT%': { uri: fileUri(base).replace(/\/?$/, '/') } } }),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };

  return `${JSON.stringify(sarif, null, 2)}\n`;
}
