// The build context as every command that analyses a Dockerfile reads it (check, explain,
// verify): the same folder, the same roots, the same errors and the same assumption when part of
// it cannot be read, so COPY gives a file the mode it really has in each of them.

import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Assumption, FsTree } from '../model/types.js';
import type { Builder } from '../shell/context.js';
import type { ContextIgnored } from '../build/simulate.js';
import type { Dockerfile } from '../dockerfile/types.js';
import { InputError } from './errors.js';
import { ContextReadError, contextSources, contextTextReader, namedContextSources, readBuildContext, type UnreadableEntry } from './context.js';

export interface ContextOptions {
  builder: Builder;
  /** --no-context, or a Dockerfile with no context of its own (a Compose service with only image:). */
  noContext?: boolean;
  /** --context as given (relative to cwd); default: the Dockerfile's folder. */
  contextFlag?: string;
  cwd: string;
}

/** What analyze() takes of the context, and the assumption to add when part of it was unreadable. */
export interface ContextInputs {
  context?: FsTree;
  readContextText?: (path: string) => string | undefined;
  /** The context folder and the sources .dockerignore leaves out (buildah names both). */
  contextIgnored?: ContextIgnored;
  assumption?: Assumption;
}

/**
 * Read the build context of `file` (parsed once by the caller). A Dockerfile on standard input
 * comes without one (`docker build - < Dockerfile`) unless --context names one (`docker build
 * -f - DIR`). A --context that is not a folder stops docker build before anything else, and
 * this stops with its words.
 */
export function readContextFor(file: string, parsed: Dockerfile, o: ContextOptions): ContextInputs {
  const noContext = o.noContext === true || (file === '-' && o.contextFlag === undefined);
  const contextDir = noContext ? undefined : resolve(o.cwd, o.contextFlag ?? dirname(file));
  if (!contextDir) return {};
  if (o.contextFlag !== undefined) {
    if (!existsSync(contextDir)) throw new InputError(`unable to prepare context: path "${o.contextFlag}" not found`, '--context');
    if (!statSync(contextDir).isDirectory()) throw new InputError(`unable to prepare context: context must be a directory: ${contextDir}`, '--context');
  }
  if (!existsSync(contextDir)) return {};
  let tree: FsTree;
  let unreadable: UnreadableEntry[];
  let ignored: string[];
  try {
    // The classic builder sends (and stats) the whole context; BuildKit reads what COPY names.
    const roots = o.builder === 'classic' || parsed.errors.length > 0 ? 'all' : contextSources(parsed);
    const named = roots === 'all' && o.builder === 'buildah' ? namedContextSources(parsed) : [];
    ({ tree, unreadable, ignored } = readBuildContext(contextDir, undefined, roots, o.builder, named));
  } catch (e) {
    if (e instanceof ContextReadError) throw new InputError(e.message, e.path);
    throw e;
  }
  const out: ContextInputs = { context: tree, readContextText: contextTextReader(contextDir, tree) };
  if (ignored.length > 0) out.contextIgnored = { dir: contextDir, paths: ignored };
  const assumption = contextAssumption(unreadable, contextDir, o.cwd);
  if (assumption) {
    // Placed at the step that needs the context.
    const line = firstContextCopy(parsed);
    if (line !== undefined) {
      assumption.file = file;
      assumption.line = line;
    }
    out.assumption = assumption;
  }

  return out;
}

/** The line of the first COPY or ADD that reads the build context: the step that needs it. */
export function firstContextCopy(df: Dockerfile): number | undefined {
  return df.stages.flatMap((st) => st.instructions)
    .find((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !i.flags.some((f) => f.name === 'from'))?.line;
}

/**
 * Context folders the user may not read. Docker cannot send them either: the classic builder
 * fails the whole build ("error checking context"), BuildKit fails when a COPY or ADD needs
 * them. uidctl keeps going with their contents unknown, and says so (UID701).
 */
export function contextAssumption(unreadable: UnreadableEntry[], contextDir: string, cwd: string): Assumption | undefined {
  if (unreadable.length === 0) return undefined;
  const shown = unreadable.slice(0, 5).map((u) => `${u.path} (${u.code})`).join(', ');
  const more = unreadable.length > 5 ? ` and ${unreadable.length - 5} more` : '';
  const rel = relative(cwd, contextDir);
  const where = rel === '' ? 'the build context' : `the build context ${rel}`;

  return {
    id: 'context-unreadable',
    subject: where,
    text: `cannot read ${shown}${more} in ${where}: their contents are unknown, and docker build fails with "permission denied" if it has to send them`,
    confidence: 'low',
  };
}
