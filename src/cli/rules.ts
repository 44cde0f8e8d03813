// `uidctl rules`: the list of rules, or one rule's documentation page.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Io } from './io.js';
import { listingFlags, parseFlags } from './args.js';
import { UsageError } from './errors.js';
import { RULES, findRule } from '../rules/registry.js';
import { docsUrl, type Rule } from '../rules/rule.js';

function docsDir(): string {
  // dist/cli.js and src/cli/rules.ts both sit two levels below the package root or one.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['..', '../..']) {
    const d = join(here, up, 'docs', 'rules');
    try {
      readFileSync(join(d, 'README.md'));
      return d;
    } catch {
      // try the next level up
    }
  }

  return join(here, '..', 'docs', 'rules');
}

const HELP = `Usage: uidctl rules [RULE] [--format text|json]

Lists every rule with its default severities (dev / prod), or prints the documentation of one
rule (RULE is its id or name: UID201, mount-not-writable).

Options:
  --format FORMAT     text (default) or json: the rules' metadata (and, for one rule, its page)
`;

const OPTIONS = {
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What a rule's line says beyond its table: the case it is raised for ("error when ..."). */
function raisedWords(r: Rule): string {
  return r.raised ? ` (${r.raised.severity} when ${r.raised.when})` : '';
}

/** A rule's metadata as `--format json` gives it: the fields of `uidctl rules`, and its page's address. */
function ruleJson(r: Rule): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    category: r.category,
    severity: r.severity,
    ...(r.raised ? { raised: r.raised } : {}),
    fix: r.fix,
    helpUri: docsUrl(r.id),
  };
}

export default async function rules(args: string[], io: Io): Promise<number> {
  const flags = listingFlags(parseFlags(args, OPTIONS), () => io.out(HELP), 'one rule');
  if (!flags) return 0;
  const { format, positional } = flags;

  if (positional === undefined) {
    if (format === 'json') {
      io.out(`${JSON.stringify({ schemaVersion: 1, rules: RULES.map(ruleJson) }, null, 2)}\n`);
      return 0;
    }
    for (const r of RULES) {
      io.out(`${r.id}  ${r.name.padEnd(28)} ${r.severity.dev.padEnd(7)} ${r.severity.prod.padEnd(7)} ${r.description}${raisedWords(r)}\n`);
    }
    return 0;
  }

  const rule = findRule(positional);
  if (!rule) throw new UsageError(`unknown rule '${positional}' (run 'uidctl rules' for the list)`);
  let page: string | null;
  try {
    page = readFileSync(join(docsDir(), `${rule.id}.md`), 'utf8');
  } catch {
    // An install without docs/ (a bundle copied alone): the metadata still answers.
    page = null;
  }
  if (format === 'json') {
    io.out(`${JSON.stringify({ schemaVersion: 1, rule: { ...ruleJson(rule), documentation: page } }, null, 2)}\n`);
  } else io.out(page ?? `${rule.id} ${rule.name}: ${rule.description}${raisedWords(rule)}\n`);

  return 0;
}
