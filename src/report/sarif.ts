// SARIF 2.1.0 as GitHub code scanning reads it: one run, the rules in tool.driver.rules, one
// result per finding with a physical location (file and line).

import { RULES } from '../rules/registry.js';
import { docsUrl } from '../rules/rule.js';
import type { Finding, Severity } from '../model/types.js';
import type { Reported } from './json.js';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The name `uidctl check -` gives the Dockerfile it reads from standard input. */
const STDIN = '-';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** FNV-1a, enough to tell findings apart across runs without a crypto import. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }

  return h.toString(16).padStart(8, '0');
}

/**
 * Where a file is, as code scanning wants it: relative to the root (the folder uidctl ran in,
 * usually the repository) with uriBaseId %SRCROOT%, else an absolute file URI. The same file
 * then has the same location and fingerprint however its path was typed.
 *
 * `-`, the Dockerfile read from standard input with no --stdin-filename, is no file: `stdin`,
 * with no uriBaseId, so it is not taken for a file of that name at the root of the repository.
 * Code scanning needs a non-empty uri; `<stdin>`, the name linters print (actionlint), is not a
 * valid URI reference.
 */
export function artifact(file: string, root: string | undefined): { uri: string; uriBaseId?: string } {
  if (file === STDIN) return { uri: 'stdin' };
  if (root === undefined) return { uri: file.replace(/\\/g, '/').replace(/^\.\//, '') };
  const abs = resolve(root, file);
  const rel = relative(root, abs);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
    return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }

  return { uri: `file://${abs.split(sep).map(encodeURIComponent).join('/')}` };
}

/** root: the folder relative paths are reported from (absolute); none keeps paths as given. */
export function renderSarif(results: Reported[], version: string, root?: string): string {
  return renderSarifFindings(results.flatMap((r) => r.findings), version, root);
}

/** The SARIF log of findings from any number of files: all it needs of a result is its findings. */
export function renderSarifFindings(findings: readonly Finding[], version: string, root?: string): string {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
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
              defaultConfiguration: { level: r.severity.prod === 'off' ? 'none' : LEVEL[r.severity.prod] },
              properties: { category: r.category, tags: ['security', 'permissions', r.category] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId) ?? 0,
          level: LEVEL[f.severity],
          message: {
            text: [f.message, f.why, ...f.fixes.map((x) => `Fix: ${x.description}${x.snippet ? ` ${x.snippet}` : ''}`)].join('\n'),
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifact(f.location.file, root),
                region: { startLine: Math.max(1, f.location.line) },
              },
            },
          ],
          ...(f.related ? {
            relatedLocations: f.related.map((r, i) => ({
              id: i,
              physicalLocation: { artifactLocation: artifact(r.file, root), ...(r.line !== undefined ? { region: { startLine: Math.max(1, r.line) } } : {}) },
              message: { text: r.message },
            })),
          } : {}),
          partialFingerprints: { 'uidctl/v1': fingerprint(`${f.ruleId}|${artifact(f.location.file, root).uri}|${f.message}`) },
        })),
        ...(root === undefined ? {} : { originalUriBaseIds: { '%SRCROOT%': { uri: `file://${resolve(root).split(sep).map(encodeURIComponent).join('/').replace(/\/?$/, '/')}` } } }),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };

  return `${JSON.stringify(sarif, null, 2)}\n`;
}
