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
import { InputError, errnoWords } from './errors.js';
import type { Severity } from '../model/types.js';

export interface Config {
  file?: string;
  /** The line of each key's value in the file ('profile', 'rules.UID101'), for errors. */
  lines?: ReadonlyMap<string, number>;
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

export async function loadConfig(cwd: string, explicit?: string): Promise<Config> {
  const file = explicit ?? NAMES.find((n) => existsSync(resolve(cwd, n)));
  if (!file) return {};

  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such config file' : `cannot read config file: ${errnoWords(code)}`, file);
  }
  const { parseConfig } = await import('./config-parse.js');

  return parseConfig(text, file);
}
