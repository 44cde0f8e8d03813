// `uidctl rules`: the list of rules, or one rule's documentation page.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Io } from './io.js';
import { UsageError } from './errors.js';
import { RULES, findRule } from '../rules/registry.js';

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

export default async function rules(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out('Usage: uidctl rules [RULE]\n\nLists every rule with its default severities (dev / prod), or prints the documentation of one rule.\n');
    return 0;
  }

  if (args.length === 0) {
    for (const r of RULES) {
      io.out(`${r.id}  ${r.name.padEnd(28)} ${r.severity.dev.padEnd(7)} ${r.severity.prod.padEnd(7)} ${r.description}\n`);
    }
    return 0;
  }

  const rule = findRule(args[0]);
  if (!rule) throw new UsageError(`unknown rule '${args[0]}' (run 'uidctl rules' for the list)`);
  try {
    io.out(readFileSync(join(docsDir(), `${rule.id}.md`), 'utf8'));
  } catch {
    io.out(`${rule.id} ${rule.name}: ${rule.description}\n`);
  }

  return 0;
}
