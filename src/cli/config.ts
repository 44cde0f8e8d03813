// The config file: .uidctl.yaml (or .uidctl.yml) in the current folder, or --config FILE.
//
//   profile: dev            # dev | prod
//   failOn: warning         # error | warning | info | never
//   builder: buildkit       # buildkit | classic | buildah
//   engine: docker          # docker | podman
//   format: text            # text | json | sarif
//   buildArgs: { UID: "1000" }
//   rules: { UID101: off, UID305: error }   # by id or name
//   ignore: [UID603]

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from './errors.js';
import type { Severity } from '../model/types.js';

export interface Config {
  file?: string;
  profile?: string;
  failOn?: string;
  builder?: string;
  engine?: string;
  format?: string;
  buildArgs?: Record<string, string>;
  rules?: Record<string, Severity | 'off'>;
  ignore?: string[];
}

const NAMES = ['.uidctl.yaml', '.uidctl.yml'];
const KEYS = new Set(['profile', 'failOn', 'builder', 'engine', 'format', 'buildArgs', 'rules', 'ignore']);
const LEVELS = new Set(['error', 'warning', 'info', 'off']);

export async function loadConfig(cwd: string, explicit?: string): Promise<Config> {
  const file = explicit ?? NAMES.find((n) => existsSync(resolve(cwd, n)));
  if (!file) return {};

  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch {
    throw new InputError('cannot read config file', file);
  }

  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new InputError(e.message.split('\n')[0], file, e.linePos?.[0].line);
  }

  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('the config must be a mapping', file);
  for (const k of Object.keys(raw)) if (!KEYS.has(k)) throw new InputError(`unknown key '${k}'`, file);

  const rules: Record<string, Severity | 'off'> = {};
  for (const [k, v] of Object.entries((raw.rules ?? {}) as Record<string, unknown>)) {
    const level = v === false ? 'off' : String(v);
    if (!LEVELS.has(level)) throw new InputError(`rules.${k} must be error, warning, info or off`, file);
    rules[k] = level as Severity | 'off';
  }

  const str = (k: string) => (raw[k] === undefined ? undefined : String(raw[k]));
  const buildArgs = Object.fromEntries(Object.entries((raw.buildArgs ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  const ignore = raw.ignore === undefined ? [] : Array.isArray(raw.ignore) ? raw.ignore.map(String) : [String(raw.ignore)];

  return {
    file,
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
