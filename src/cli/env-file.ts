// Env files named by a run line (--env-file) or a Compose service (env_file): read here, at the
// CLI edge, so the parsers stay pure and get only the text.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from './errors.js';

/**
 * A reader for the parsers' readEnvFile option: the file's text, or undefined when it does not
 * exist. Relative paths start from the folder uidctl runs in, as they would for `docker run`.
 * Other failures are input errors in the docker CLI's words ("open x: permission denied").
 */
export function envFileReader(cwd: string, source: string): (path: string) => string | undefined {
  return (path) => {
    try {
      return readFileSync(resolve(cwd, path), 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (code === 'EISDIR') throw new InputError(`invalid env file (${path}): read ${path}: is a directory`, source);
      throw new InputError(`open ${path}: ${code === 'EACCES' ? 'permission denied' : code}`, source);
    }
  };
}
