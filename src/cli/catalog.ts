// `uidctl catalog`: the base images uidctl knows without reading them (the embedded catalog),
// what each entry says and where its facts come from; UID701 sends users here.

import type { Io } from './io.js';
import { listingFlags, parseFlags } from './args.js';
import { describeCatalog } from '../image/catalog/index.js';

const HELP = `Usage: uidctl catalog [TEXT] [--format text|json]

Lists the entries of the embedded catalog of base images: the key, and what the entry knows
(default user, accounts, Python, sudo). A FROM reference of a known family is matched to one
entry ('uidctl check' prints which on its base line: "catalog: KEY"); a tag the catalog does
not have exactly gets the nearest entry and an assumption (UID701), and an image outside every
family a generic guess. TEXT keeps the entries whose key contains it (python, cuda, alpine).

Options:
  --format FORMAT     text (default) or json (with the public sources of each entry's facts)
`;

const OPTIONS = {
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export default async function catalog(args: string[], io: Io): Promise<number> {
  const flags = listingFlags(parseFlags(args, OPTIONS), () => io.out(HELP), 'one text to look for');
  if (!flags) return 0;
  const { format, positional } = flags;

  const text = positional?.toLowerCase();
  const entries = describeCatalog().filter((e) => text === undefined || e.key.toLowerCase().includes(text));
  // A filter that keeps nothing is an answer, not an error; but it is said, on stderr, so an
  // empty list on stdout is not mistaken for a missing catalog.
  if (entries.length === 0) io.err(`uidctl catalog: no entry's key contains '${positional}'\n`);

  if (format === 'json') {
    io.out(`${JSON.stringify({ schemaVersion: 1, entries }, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(0, ...entries.map((e) => e.key.length)) + 2;
  for (const e of entries) io.out(`${e.key.padEnd(width)}${e.summary}\n`);

  return 0;
}
