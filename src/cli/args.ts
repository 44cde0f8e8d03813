// Flag parsing shared by the commands: node's parseArgs, strict, with a usage error on the
// first problem instead of its multi-line message.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
export type ParsedFlags<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

export function parseFlags<O extends Options>(args: string[], options: O): ParsedFlags<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    // Node's own wording of this one ends in unbalanced quotes (node 20): say it plainly.
    const unknown = /^Unknown option '([^']*)'/.exec((e as Error).message);
    if (unknown) throw new UsageError(`unknown option ${unknown[1]} (a file whose name starts with '-' goes after '--')`);
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

/**
 * The listing commands' options (`rules`, `catalog`): their help text, the --format they print
 * in (text or json), and at most one positional. Undefined once the help was printed.
 */
export function listingFlags(
  parsed: { values: { help?: boolean; format?: string }; positionals: string[] },
  help: () => void,
  one: string,
): { format: 'text' | 'json'; positional?: string } | undefined {
  const v = parsed.values;
  if (v.help) {
    help();
    return undefined;
  }
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be one of text, json (got '${format}')`);
  if (parsed.positionals.length > 1) throw new UsageError(`give at most ${one} (got ${parsed.positionals.length}: ${parsed.positionals.join(' ')})`);

  return { format, positional: parsed.positionals[0] };
}

/**
 * `--build-arg` values as docker build takes them: NAME=VALUE, or NAME alone for the value of
 * NAME in the environment (left out when it is not set there). The last one of a name wins. A
 * value with no name before its = (or an empty one) is a usage error.
 */
export function parseBuildArgs(list: string[] | undefined, env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};

  for (const item of list ?? []) {
    const i = item.indexOf('=');
    const name = i < 0 ? item : item.slice(0, i);
    if (name === '') throw new UsageError(`--build-arg needs a name: NAME=VALUE, or NAME to take its value from the environment (got '${item}')`);
    if (i < 0) {
      const v = Object.hasOwn(env, item) ? env[item] : undefined;
      if (v !== undefined) out[item] = v;
    } else out[name] = item.slice(i + 1);
  }

  return out;
}
