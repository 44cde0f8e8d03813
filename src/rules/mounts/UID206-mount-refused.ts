import { defineRule, type AnalysisView, type RuleReport } from '../rule.js';
import { hostFacts, runTool } from '../util.js';
import type { Fix, FileKind, MountSpec } from '../../model/types.js';
import type { StartError } from '../../runtime/resolve.js';
import { baseName, normalizePath } from '../../image/fs.js';

const kindWord = (k: FileKind | undefined) => (k === 'dir' ? 'folder' : 'file');

/** A bind of `src` at `target`, in the terms of the tool the run came from. */
function bindSnippet(a: AnalysisView, src: string, target: string, readonly: boolean): string | undefined {
  const t = runTool(a);
  const ro = readonly ? ':ro' : '';
  if (t === 'kubernetes') return undefined;
  if (t === 'compose') return `volumes:\n  - ${src}:${target}${ro}`;

  return `-v ${src}:${target}${ro}`;
}

function fix(description: string, snippet: string | undefined): Fix {
  return snippet === undefined ? { description, safe: false } : { description, snippet, safe: false };
}

/** Two mounts on one container path. */
function duplicate(a: AnalysisView, e: StartError, m: MountSpec, other: MountSpec): RuleReport {
  const target = normalizePath(m.target);
  // (Kubernetes never comes here: its manifest reader refuses two mountPaths as the API server does.)
  const why = `${other.written} and ${m.written} both mount onto ${target}; the engine mounts one thing per container path and refuses to create the container.`;

  return {
    message: `The container will not start: ${e.message}.`,
    why,
    fixes: [
      m.source !== undefined && m.kind === 'bind'
        ? fix(`Give ${m.written} a container path of its own (beside the first, for example), or remove it: the engine takes one mount per path.`, bindSnippet(a, m.source, `${target}-2`, m.readonly))
        : { description: `Keep one mount at ${target}: remove ${m.written}, or give it another container path.`, safe: false },
    ],
  };
}

/** A host file on a folder of the image, or a host folder on a file of the image. */
function kindClash(a: AnalysisView, e: StartError, m: MountSpec, imageKind: FileKind | undefined, sourceKind: FileKind | undefined): RuleReport {
  const src = m.source ?? '';
  const target = normalizePath(m.target);
  const created = sourceKind === 'dir' && hostFacts(a, src)?.exists === false;
  const why = created
    ? `${src} does not exist on the host, so ${m.written} makes Docker create it as a folder; ${target} is a file in the image, and a folder cannot be mounted onto a file: mount(2) fails with ENOTDIR.`
    : `${m.written} mounts the host ${kindWord(sourceKind)} ${src} onto ${target}, which is a ${kindWord(imageKind)} in the image; a bind mount needs a mount point of its own kind, so mount(2) fails with ENOTDIR.`;
  const fixes: Fix[] = [];
  if (created) {
    fixes.push({ description: `Create the file on the host before the container starts (and remove the folder ${src} if an earlier start already made it).`, snippet: `touch ${src}`, safe: false });
  } else if (sourceKind !== 'dir') {
    // A file onto a folder: put it inside the folder, under its own name.
    const inside = `${target === '/' ? '' : target}/${baseName(src)}`;
    fixes.push(fix(`Mount the file inside the folder, at ${inside}, where the program looks for it.`, bindSnippet(a, src, inside, m.readonly)));
    fixes.push({ description: `Or mount the host folder that holds it, if the whole of ${target} should come from the host.`, safe: false });
  } else {
    // A folder onto a file: mount the one file from the folder.
    const file = `${src === '/' ? '' : src}/${baseName(target)}`;
    fixes.push(fix(`Mount the file itself from the folder (${file}), if that is what the image expects at ${target}.`, bindSnippet(a, file, target, m.readonly)));
    fixes.push({ description: `Or mount the folder at a container path that is not a file of the image.`, safe: false });
  }

  return { message: `The container will not start: ${e.message}.`, why, fixes };
}

/**
 * A volume name the local driver refuses: most often a host path given to `--mount` without
 * `type=bind` (the type defaults to volume), or a relative path given to `-v` without `./`.
 */
function badVolumeName(e: StartError, m: MountSpec): RuleReport {
  const mount = m.written.startsWith('--mount');
  const name = m.source ?? '';
  const typed = /(^|[\s,=])type=volume\b/.test(m.written);
  const bind = mount
    ? (typed ? m.written.replace(/\btype=volume\b/, 'type=bind') : m.written.replace(/^--mount([ =])/, '--mount$1type=bind,'))
    : `-v ./${name}:${m.target}${m.readonly ? ':ro' : ''}`;
  return {
    message: `The container will not start: ${e.message}.`,
    why: mount
      ? `${m.written} mounts a volume${typed ? '' : ': --mount without type= is type=volume'}, so ${name} is taken as a volume name, and Docker's local volume driver allows only letters, digits, _ . and - in one. A host folder is a mount of type=bind.`
      : `${m.written}: a -v source that does not start with / . or ~ is a volume name, and Docker's local volume driver allows only letters, digits, _ . and - in one. A host folder is written as a path (./${name}, or absolute).`,
    fixes: [{ description: mount ? `Mount the host folder ${name} as a bind mount.` : `Mount the host folder ${name} (relative to where you run docker) as a path.`, snippet: bind, safe: false }],
  };
}

export default defineRule({
  id: 'UID206',
  name: 'mount-refused',
  description: 'The engine refuses a mount of the run, so the container does not start: two mounts on one container path, a host file mounted onto a folder of the image (or a host folder onto a file), or a volume name Docker cannot create (a host path given to --mount without type=bind).',
  category: 'mounts',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    for (const e of a.runtime.errors) {
      if (e.writtenFile) {
        // docker compose copies an environment: or content: secret (or config) in before the
        // start; the daemon refuses any copy into a read-only root, mounts included.
        report({
          message: `The container will not start: ${e.message}.`,
          why: `${e.writtenFile.written} is not a file compose mounts but one it copies into the container before starting it, and the daemon refuses a copy into a read-only root file system (read_only: true), wherever the file goes.`,
          fixes: [
            { description: 'Give the secret (or config) as a file: one (compose bind-mounts a file, which a read-only root takes).', snippet: `secrets:
  NAME:
    file: ./NAME.txt`, safe: false },
            { description: 'Or drop read_only: true from the service.', safe: false },
          ],
        });
        continue;
      }
      const m = e.mount;
      if (!m) continue;
      if (m.clash === 'duplicate' && m.other) report(duplicate(a, e, m.spec, m.other));
      else if (m.clash === 'kind') report(kindClash(a, e, m.spec, m.imageKind, m.sourceKind));
      else if (m.clash === 'volume-name') report(badVolumeName(e, m.spec));
    }
  },
});
