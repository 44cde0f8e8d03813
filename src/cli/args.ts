// Flag parsing shared by the commands: node's parseArgs, strict, with a usage error on the
// first problem instead of its multi-line message.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
export type ParsedFlags<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/**
 * once: options that take one value and may not be repeated. node's parseArgs keeps the last
 * of a repeated option silently; for these (`--run`, `--run-file`: one way of starting the
 * container) a second one is a usage error instead.
 */
export function parseFlags<O extends Options>(args: string[], options: O, opts: { positionals?: boolean; once?: string[] } = {}): ParsedFlags<O> {
  let parsed: ParsedFlags<O> & { tokens?: { kind: string; name?: string }[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: opts.positionals ?? true, strict: true, tokens: opts.once !== undefined }) as typeof parsed;
  } catch (e) {
    throw new UsageError(flagProblem(e as Error, args, opts.positionals ?? true));
  }
  for (const name of opts.once ?? []) {
    const count = (parsed.tokens ?? []).filter((t) => t.kind === 'option' && t.name === name).length;
    if (count > 1) throw new UsageError(`--${name} is given ${count} times: uidctl checks one way of starting the container, so give one --${name} (and check the others one at a time)`);
  }
  delete parsed.tokens;

  return parsed;
}

/**
 * node's parseArgs errors in uidctl's words, on one line: its own are several lines long, end
 * in unbalanced quotes (node 20) or name the option as `-h, --help`.
 */
export function flagProblem(e: Error, args: string[], positionals = true): string {
  const text = e.message;
  const unknown = /^Unknown option '([^']*)'/.exec(text);
  if (unknown) return `unknown option ${unknown[1]}${positionals ? " (a file whose name starts with '-' goes after '--')" : ''}`;
  const extra = /^Unexpected argument '([^']*)'/.exec(text);
  if (extra) return `unexpected argument '${extra[1]}': this command takes options only`;
  // "Option '--jobs <value>' argument missing", "Option '-h, --help' does not take an argument".
  const option = /^Option '(?:(-[^-,' ]+), )?(--?[^' ]+)/.exec(text);
  const named = option?.[2];
  if (option && named !== undefined) {
    if (/argument is ambiguous/.test(text)) {
      // The word after the option starts with '-': node takes no such word as its value.
      const at = args.findIndex((a) => a === named || (option[1] !== undefined && a === option[1]));
      const next = at >= 0 ? args[at + 1] : undefined;
      return next !== undefined
        ? `${named} needs a value; '${next}' looks like an option (write ${named}=${next} if it is the value)`
        : `${named} needs a value`;
    }
    if (/argument missing/.test(text)) return `${named} needs a value`;
    if (/does not take an argument/.test(text)) {
      const given = args.find((a) => a.startsWith(`${named}=`));
      return given !== undefined ? `${named} takes no value (got '${given.slice(named.length + 1)}')` : `${named} takes no value`;
    }
  }

  return text.split('\n')[0];
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
