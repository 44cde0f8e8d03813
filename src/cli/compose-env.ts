// The variables Compose interpolates into a Compose file: the shell environment, and the `.env`
// file of the project directory (or the files `--compose-env-file` names instead, uidctl's
// name for `docker compose --env-file`). Read here, at the CLI
// edge; the Compose parser gets the merged variables as data.
//
// Compose's documented rules (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/):
// - "Compose looks for an `.env` file in the project directory": --project-directory, else the
//   folder of the first Compose file (uidctl has no --project-directory, so the
//   first --compose file's folder), else the current folder;
// - `--env-file` replaces the default `.env` ("you can use --env-file ... to override the default
//   .env"); several are read in order, a later one overriding an earlier one;
// - precedence for interpolation (docs.docker.com/compose/how-tos/environment-variables/envvars-precedence/):
//   the shell environment wins over the env file's values, which are the fallback;
// - a missing default `.env` is not an error (nor is a folder named `.env`); a missing file given
//   with --env-file is, as Compose stops there.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError, errnoWords } from './errors.js';
import { parseDotenv } from '../runtime/dotenv.js';
import { RunParseError } from '../runtime/errors.js';

export interface ComposeVariables {
  /** The shell environment over the env files' variables: what ${VAR} takes. */
  env: Record<string, string>;
  /** The env files that were read, as given (or `DIR/.env`). */
  read: string[];
  /** Compose's warnings on the env files (an unset variable in a value), with the file. */
  warnings: { file: string; text: string }[];
}

/**
 * The variables for interpolating `composeFile` (as given, relative to cwd; `-` for standard
 * input, whose project directory is cwd).
 */
export function composeVariables(composeFile: string, envFiles: string[] | undefined, shell: Record<string, string>, cwd: string): ComposeVariables {
  const given = envFiles !== undefined && envFiles.length > 0;
  const files = given ? envFiles : [join(composeFile === '-' ? '.' : dirname(composeFile), '.env')];
  const fromFiles: Record<string, string> = {};
  const read: string[] = [];
  const warnings: ComposeVariables['warnings'] = [];

  for (const f of files) {
    const abs = resolve(cwd, f);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // The default .env is optional: absent (or a folder), it adds nothing.
      if (!given && (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR')) continue;
      // compose-go's words for a missing file (dotenv.GetEnvFromFile).
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`couldn't read env file: ${abs}`, '--compose-env-file');
      throw new InputError(`cannot read env file ${f}: ${errnoWords(code)}`, '--compose-env-file');
    }
    try {
      const parsed = parseDotenv(text, f, shell, fromFiles);
      Object.assign(fromFiles, parsed.vars);
      for (const w of parsed.warnings) warnings.push({ file: f, text: w });
    } catch (e) {
      if (e instanceof RunParseError) throw new InputError(e.detail, f, e.line);
      throw e;
    }
    read.push(f);
  }

  return { env: { ...fromFiles, ...shell }, read, warnings };
}
