// Env files named by a run line (--env-file) or a Compose service (env_file): read here, at the
// CLI edge, so the parsers stay pure and get only the text.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
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

/**
 * The reader of the files a run text sources (`source ./vars.sh`): looked for from the folder
 * uidctl runs in, where the script is taken to run (the shell reads a relative path from its
 * working folder), and, when it is not there, next to the run file (with the run file's folder
 * as the one the script runs from, which parseDockerRun states as an assumption).
 */
export function sourceFileReader(cwd: string, runFile: string | undefined): (path: string) => { text: string; path: string; besideRunFile?: boolean } | undefined {
  const read = (abs: string, shown: string): string | undefined => {
    try {
      return readFileSync(abs, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new InputError(`cannot read ${shown}, which the run file sources: ${code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : code}`, runFile ?? '--run');
    }
  };
  return (path) => {
    const here = read(resolve(cwd, path), path);
    if (here !== undefined) return { text: here, path };
    if (runFile === undefined || isAbsolute(path)) return undefined;
    const dir = dirname(resolve(cwd, runFile));
    if (dir === resolve(cwd)) return undefined;
    const beside = join(dirname(runFile), path);
    const text = read(resolve(dir, path), beside);
    return text === undefined ? undefined : { text, path: beside, besideRunFile: true };
  };
}

