// The config file's YAML, read and checked. A module of its own so that yaml is loaded only
// when a config file is there (config.ts imports it on demand).

import { LineCounter, isMap, isScalar, parseDocument, type Document } from 'yaml';
import { InputError } from './errors.js';
import { RunParseError, yamlError, yamlToJS } from '../runtime/errors.js';
import type { Config } from './config.js';
import type { Severity } from '../model/types.js';

const KEYS = new Set(['profile', 'failOn', 'builder', 'engine', 'format', 'buildArgs', 'rules', 'ignore']);
const LEVELS = new Set(['error', 'warning', 'info', 'off']);

/** The line of each key's value: 'profile', and 'rules.UID101' one level down. */
function valueLines(doc: Document, lc: LineCounter): Map<string, number> {
  const lines = new Map<string, number>();
  const walk = (node: unknown, prefix: string, depth: number) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = `${prefix}${String(pair.key.value)}`;
      const at = (pair.value as { range?: [number, number, number] } | null)?.range ?? pair.key.range;
      if (at) lines.set(key, lc.linePos(at[0]).line);
      if (depth === 0) walk(pair.value, `${key}.`, 1);
    }
  };
  walk(doc.contents, '', 0);

  return lines;
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function parseConfig(text: string, file: string): Config {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, logLevel: 'error' });
  if (doc.errors.length > 0) {
    // The yaml library's words name its own API (parseAllDocuments); at the `---` or `...` line
    // where the second document starts, say what the file should be.
    if (doc.errors[0].code === 'MULTIPLE_DOCS') {
      throw new InputError('a config file is one YAML document, and a second one starts here: remove this line and what follows, or merge them', file, doc.errors[0].linePos?.[0].line);
    }
    const e = yamlError(doc.errors[0]);
    throw new InputError(e.detail, file, e.line, e.column);
  }

  const lines = valueLines(doc, lc);
  const fail = (message: string, key: string) => new InputError(message, file, lines.get(key));
  let raw: unknown;
  try {
    raw = yamlToJS(doc) ?? {};
  } catch (e) {
    if (e instanceof RunParseError) throw new InputError(e.detail, file);
    throw e;
  }
  if (!isMapping(raw)) throw new InputError('the config must be a mapping', file);
  for (const k of Object.keys(raw)) if (!KEYS.has(k)) throw fail(`unknown key '${k}'`, k);

  if (raw.rules !== undefined && raw.rules !== null && !isMapping(raw.rules)) {
    throw fail('rules must be a map of rule id to severity (rules: { UID101: off })', 'rules');
  }
  // No prototype: a key named __proto__ is then an ordinary (unknown) rule id, not lost.
  const rules: Record<string, Severity | 'off'> = Object.create(null);
  for (const [k, v] of Object.entries(raw.rules ?? {})) {
    const level = v === false ? 'off' : String(v);
    if (!LEVELS.has(level)) throw fail(`rules.${k} must be error, warning, info or off`, `rules.${k}`);
    rules[k] = level as Severity | 'off';
  }

  // Build args are NAME=value pairs, as --build-arg gives them: a list has no names.
  if (raw.buildArgs !== undefined && raw.buildArgs !== null && !isMapping(raw.buildArgs)) {
    throw fail('buildArgs must be a map of name to value (buildArgs: { UID: "1000" })', 'buildArgs');
  }
  const buildArgs: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw.buildArgs ?? {})) {
    if (v !== null && typeof v === 'object') throw fail(`buildArgs.${k} must be a single value`, `buildArgs.${k}`);
    buildArgs[k] = String(v);
  }

  if (raw.ignore !== undefined && raw.ignore !== null && isMapping(raw.ignore)) {
    throw fail('ignore must be a list of rule ids (ignore: [UID603])', 'ignore');
  }
  const listed: unknown[] = raw.ignore === undefined || raw.ignore === null ? [] : Array.isArray(raw.ignore) ? raw.ignore : [raw.ignore];
  // Each entry a rule id or name: a list in the list (`ignore: [[UID101]]`) would be read as
  // its text joined with commas.
  const nested = listed.find((x) => x !== null && typeof x === 'object');
  if (nested !== undefined) throw fail(`ignore must be a list of rule ids, and an entry is a ${Array.isArray(nested) ? 'list' : 'map'} (${JSON.stringify(nested)}): write ignore: [UID603, UID101]`, 'ignore');
  const ignore = listed.map(String);
  const str = (k: string) => (raw[k] === undefined ? undefined : String(raw[k]));

  return {
    file,
    lines,
    profile: str('profile'),
    failOn: str('failOn'),
    builder: str('builder'),
    engine: str('engine'),
    format: str('format'),
    buildArgs,
    rules,
    ignore,
  };
}
