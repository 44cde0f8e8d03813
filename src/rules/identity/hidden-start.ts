// UID106: the start program, or the script its interpreter is given, is in the image but a
// mount over its folder hides it: a tmpfs (Docker's, and buildah run's, start empty), a bind
// mount whose host folder lacks it, a volume that does not show the image's content. The
// start then fails as for a missing file, but the fix is the mount, not a COPY.

import type { AnalysisView, RuleReport } from '../rule.js';
import type { Fix, MountSpec } from '../../model/types.js';
import { baseName, isUnder, normalizePath, resolvePath } from '../../image/fs.js';
import { mountFor, renderRunChanges, startCommand } from '../util.js';
import { unwrapShell } from '../../shell/interpret.js';

/** What is known about a file of the image the run hides. */
export interface Hidden {
  mount: MountSpec;
  /** The path as the image has it. */
  path: string;
  /** Empty when the mount is known not to hold the file; else what that rests on. */
  dependsOn: string[];
}

/**
 * The image has `path` (a file or a link), and in the container a mount over one of its folders
 * shows something else there: certain when the mount's listing is known in full and lacks the
 * name, an assumption when the mount's content is not known (a host folder whose listing the
 * host facts do not give, a volume that may already hold data). Undefined when the image does not have
 * the path, or the container shows it (podman's tmpfs copy-up, a new volume filled from the
 * image, a host folder that holds the name).
 */
export function hiddenByMount(a: AnalysisView, path: string): Hidden | undefined {
  const p = normalizePath(path);
  const mount = mountFor(a, p);
  if (!mount) return undefined;
  const inImage = a.image.fs.get(p);
  if (!inImage || inImage.kind === 'dir') return undefined;
  const view = a.runtime.view.fs;
  if (view.get(p) !== undefined) return undefined;
  const r = resolvePath(view, p);
  if (r.meta || r.loop || r.notDir) return undefined;
  const doubts = (a.runtime.view.dependsOn ?? []).filter((d) => isUnder(p, d.prefix)).map((d) => d.id);
  if (r.unknown && doubts.length === 0) {
    // A folder listed in part: the host facts give its owner, not every name in it.
    doubts.push(mount.kind === 'bind' ? `host-listing:${mount.source ?? mount.target}` : `mount-content:${mount.target}`);
  }

  return { mount, path: p, dependsOn: [...new Set(doubts)] };
}

function mountWords(m: MountSpec): string {
  switch (m.kind) {
    case 'tmpfs': return `the tmpfs ${m.written}`;
    case 'bind': return `the bind mount ${m.written}`;
    case 'volume': return m.volumeType ? `the ${m.volumeType} volume ${m.written}` : `the named volume ${m.written}`;
    default: return `the volume ${m.written}`;
  }
}

/** Why the mount shows no such file, in the terms of its kind. */
function hidesBecause(a: AnalysisView, h: Hidden): string {
  const m = h.mount;
  const name = h.path.slice(m.target.length + 1) || baseName(h.path);
  const origin = a.image.fs.get(h.path)?.origin;
  const head = `The image has ${h.path}${origin ? ` (${origin})` : ''}, but at start ${mountWords(m)} is mounted over ${m.target} and the container sees the mount's content there, not the image's`;
  if (m.kind === 'tmpfs') return `${head}: a tmpfs starts empty (Docker, and podman with notmpcopyup, copy nothing into it).`;
  if (m.kind === 'bind') {
    if (/\(created by the daemon\)$/.test(a.runtime.view.fs.get(m.target)?.origin ?? '')) {
      return `${head}: the host folder ${m.source} does not exist, and ${m.written} makes it empty.`;
    }
    return h.dependsOn.length === 0
      ? `${head}: the host folder ${m.source} does not hold ${name}.`
      : `${head}: the host folder ${m.source} shows through, and the host facts do not list what it holds; taken not to hold ${name}.`;
  }
  if (m.volumeType !== undefined) return `${head}: a Kubernetes ${m.volumeType} volume holds only its own content.`;

  return `${head}: only a new, empty volume is filled from the image's folder${m.nocopy ? ', and nocopy turns that off' : ''}; one that already holds data keeps it.`;
}

/** Mount it where it hides nothing the program needs: a new subfolder, or a folder of its own. */
function mountFixes(a: AnalysisView, h: Hidden): Fix[] {
  const m = h.mount;
  const sub = `${m.target === '/' ? '' : m.target}/out`;
  let snippet: string | undefined;
  if (m.kind === 'tmpfs') snippet = renderRunChanges(a, [{ kind: 'writable-dir', path: sub }]);
  else if (/^(-v|--volume|--mount|--tmpfs)\b/.test(m.written)) snippet = m.written.split(m.target).join(sub);
  const fixes: Fix[] = [
    {
      description: `Mount ${m.kind === 'tmpfs' ? 'the tmpfs' : m.kind === 'bind' ? 'the host folder' : 'the volume'} somewhere else: on a new subfolder (${sub}) or a folder of its own outside ${m.target}, and let the program write there, so the files the image has in ${m.target} stay in sight.`,
      snippet,
      safe: false,
    },
  ];
  if (m.kind === 'bind' && m.source) {
    fixes.push({ description: `Or, if the host folder is meant to replace ${m.target}, put ${h.path.slice(m.target.length + 1)} in ${m.source}.`, safe: false });
  }

  return fixes;
}

function unsureTail(h: Hidden): string {
  if (h.dependsOn.length === 0) return '';
  if (h.mount.kind === 'bind') return `, if ${h.mount.source} does not hold ${h.path.slice(h.mount.target.length + 1)}`;

  return `, if the volume does not already hold ${h.path.slice(h.mount.target.length + 1)}`;
}

function report(h: Hidden, message: string, why: string, line: number | undefined, fixes: Fix[]): RuleReport {
  const unsure = h.dependsOn.length > 0;

  return {
    message: `${message}${unsure ? unsureTail(h) : ''}.`,
    why: `${why}${unsure ? ` That rests on ${h.dependsOn.join(', ')}.` : ''}`,
    line,
    dependsOn: h.dependsOn,
    unsureSeverity: unsure ? 'warning' : undefined,
    fixes,
  };
}

/**
 * The program the engine executes is hidden: runc says `exec: "/app/run.sh": stat
 * /app/run.sh: no such file or directory`, buildah `fork/exec /app/run.sh: no such file or
 * directory` (measured: start-hidden/*).
 */
export function hiddenProgram(a: AnalysisView, argv0: string, pathDirs: string[], notFound: string): RuleReport | undefined {
  let h: Hidden | undefined;
  if (argv0.includes('/')) h = hiddenByMount(a, normalizePath(argv0, (a.runtime.drop?.from ?? a.runtime.process).cwd));
  else {
    // Where the image's PATH lookup finds it, when the container no longer shows it there.
    for (const dir of pathDirs) {
      const p = normalizePath(`${dir}/${argv0}`);
      if (a.runtime.view.fs.has(p)) return undefined;
      if (a.image.fs.has(p)) {
        h = hiddenByMount(a, p);
        break;
      }
    }
  }
  if (!h) return undefined;

  return report(
    h,
    `The container will not start: ${mountWords(h.mount)} hides ${h.path}, the program it starts (${notFound})`,
    hidesBecause(a, h),
    a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
    mountFixes(a, h),
  );
}

/** The interpreters' words for a script that is not there (measured where the base has them). */
function missingWords(kind: 'python' | 'sh' | 'bash' | 'node' | 'perl' | 'ruby', argv0: string, file: string, path: string, cwd: string): string {
  switch (kind) {
    // CPython joins the working folder to a relative name.
    case 'python': return `${argv0}: can't open file '${file.startsWith('/') ? file : `${cwd === '/' ? '' : cwd}/${file}`}': [Errno 2] No such file or directory (exit 2)`;
    case 'bash': return `${argv0}: ${file}: No such file or directory (exit 127)`;
    case 'sh': return `${argv0}: 0: cannot open ${file}: No such file (exit 2)`;
    case 'perl': return `Can't open perl script "${file}": No such file or directory (exit 2)`;
    case 'node': return `Error: Cannot find module '${path}' (exit 1)`;
    case 'ruby': return `${argv0}: No such file or directory -- ${file} (LoadError) (exit 1)`;
  }
}

/**
 * The workload is an interpreter given a script (`python app.py`, `sh /app/run.sh`, `node
 * server.js`) that a mount hides: the interpreter starts, then cannot open it (measured for
 * dash, bash and perl: start-hidden/*; CPython 3.11 prints `python: can't open file
 * '/app/app.py': [Errno 2] No such file or directory`, exit 2).
 */
export function hiddenScript(
  a: AnalysisView,
  operand: (argv: string[]) => { kind: 'python' | 'sh' | 'bash' | 'node' | 'perl' | 'ruby'; file: string } | undefined,
): RuleReport | undefined {
  // The start command's own script first (`sh run.sh` as the ENTRYPOINT: uidctl may follow its
  // text, which the container never gets to read), then what a switch or a script starts.
  const script = a.runtime.script;
  const followed = script && !script.refused && script.workload !== undefined ? script.workload : undefined;
  const lines = [startCommand(a), a.runtime.drop?.command, followed].filter((x): x is string[] => x !== undefined);
  const start = a.runtime.drop?.from ?? a.runtime.process;
  for (const [i, words] of lines.entries()) {
    const argv = unwrapShell(words);
    const s = operand(argv);
    if (!s) continue;
    const cwd = i === 0 ? start.cwd : a.runtime.process.cwd;
    const path = normalizePath(s.file, cwd);
    const h = hiddenByMount(a, path);
    if (!h) continue;
    const said = missingWords(s.kind, argv[0], s.file, path, cwd);

    return report(
      h,
      `The container will not start${i === 0 ? '' : ' its workload'}: ${mountWords(h.mount)} hides ${path}, the script ${argv[0]} is given (${said})`,
      `${hidesBecause(a, h)} The interpreter starts, then cannot open the script.`,
      i === 2 || startFromEntrypoint(a) ? (a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd) : (a.sim.target.lines.cmd ?? a.sim.target.lines.entrypoint),
      mountFixes(a, h),
    );
  }

  return undefined;
}

/** The start command begins with the image's ENTRYPOINT (not replaced by the run). */
function startFromEntrypoint(a: AnalysisView): boolean {
  return (a.image.config.entrypoint ?? []).length > 0 && a.run?.entrypoint === undefined;
}
