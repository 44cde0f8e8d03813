// How the program a start command names is found and executed, and by whom: after a switch of
// user (gosu app prog, setpriv --reuid app prog, ...) the tool looks the program up on PATH and
// executes it as the user it switched to, so the lookup and the execute permission are judged
// for that user, not for the one the container starts as. Also the console scripts of
// `pip install --user`, which land in a user base's bin folder that PATH does not list.
//
// The words of each tool were measured with buildah (chroot isolation) on Debian 12 (gosu 1.14,
// util-linux 2.38 setpriv and runuser, coreutils 9.1 chroot, s6 2.11 s6-setuidgid):
// tests/oracle/scenarios/launchers-lookup.yaml. su-exec has no Debian package: its words come
// from its source (su-exec.c: execvp, then err(1, "%s", argv[0])).

import type { AnalysisView, RuleReport } from '../rule.js';
import type { Fix, InstalledPackage, PrivilegeDrop, Verdict } from '../../model/types.js';
import { baseName, normalizePath, parentOf, resolvePath } from '../../image/fs.js';
import { firstReason, knownMissing, mayBeTouched, renderRunChanges, runPlace, startCommand } from '../util.js';
import { baseListingsKnown, flavorOf, notFoundWords, shellErrorLine } from '../../shell/commands/builtins.js';
import { pythonUserBase } from '../../shell/commands/packages.js';
import { sudoEnvPolicy } from '../../shell/commands/config.js';
import { groupList, userByName, userByUid } from '../../image/accounts.js';
import { evaluate, type Identity } from '../../access/evaluate.js';
import { withoutInit } from '../../runtime/entry-script.js';
import { dropLine, named } from './drop.js';

type Errno = 'ENOENT' | 'EACCES';

/**
 * What a switch tool prints, and its exit status, when the program it is to run is not found
 * (ENOENT) or may not be executed (EACCES). `stat` is gosu's own case: Go's exec.LookPath stats a
 * name with a slash first, and a folder the user may not pass gives a stat error.
 */
export function dropExecWords(d: PrivilegeDrop, name: string, errno: Errno, how: 'lookup' | 'stat' | 'exec' = 'exec'): { text: string; status: number } {
  const said = errno === 'ENOENT' ? 'No such file or directory' : 'Permission denied';
  switch (d.tool) {
    case 'gosu':
      // tianon/gosu main.go: exec.LookPath, then syscall.Exec; both errors are Go's words.
      if (how === 'exec') return { text: 'error: exec failed: permission denied', status: 1 };
      if (how === 'stat') return { text: `error: exec: "${name}": stat ${name}: ${errno === 'ENOENT' ? 'no such file or directory' : 'permission denied'}`, status: 1 };
      return { text: name.includes('/') ? `error: exec: "${name}": permission denied` : `error: exec: "${name}": executable file not found in $PATH`, status: 1 };
    case 'setpriv':
      return { text: `setpriv: failed to execute ${name}: ${said}`, status: errno === 'ENOENT' ? 127 : 126 };
    case 'runuser':
      return { text: `runuser: failed to execute ${name}: ${said}`, status: 1 };
    case 'chroot':
      // coreutils prints its argv[0]: chroot as Docker passes it (buildah passes /usr/sbin/chroot).
      return { text: `${d.written.split(' ')[0]}: failed to run command '${name}': ${said}`, status: errno === 'ENOENT' ? 127 : 126 };
    case 's6-setuidgid':
      return { text: `s6-applyuidgid: fatal: unable to exec ${name}: ${said}`, status: errno === 'ENOENT' ? 127 : 126 };
    case 'su-exec':
      return { text: `su-exec: ${name}: ${said}`, status: 1 };
  }
}

/** Where a name was looked for, and what became of it. */
interface Lookup {
  /** The file found (or the path of a name with a slash). */
  file?: string;
  errno?: Errno;
  how?: 'lookup' | 'stat' | 'exec';
  verdict?: Verdict;
  /** Every place looked in is known not to hold it (or to be refused for sure). */
  certain: boolean;
  /** gosu: PATH files it passed over, having no x bit (Go's LookPath skips them). */
  skipped?: string[];
}

/**
 * setpriv keeps the capabilities it started with until it executes the program (it sets
 * PR_SET_KEEPCAPS to make its later calls, and the kernel drops them only at execve for a
 * non-root uid): started as root with CAP_DAC_OVERRIDE, it executes any file with an x bit,
 * in any folder, and only the interpreter of a script then opens it as the new user (measured:
 * a 0700 root binary in /opt/priv, a 0700 folder, runs as app after setpriv --reuid=app; a
 * script there stops in dash, "/bin/sh: 0: cannot open ...: Permission denied").
 */
function execsWithStarterCaps(d: PrivilegeDrop): boolean {
  return d.tool === 'setpriv' && d.from.caps.has('CAP_DAC_OVERRIDE');
}

/**
 * Looks the program up as the tool does. gosu: Go's exec.LookPath as the new user (a name with
 * a slash is stat'ed; a PATH entry counts when stat works and the mode has an x bit), then
 * execve. The others: execvp (glibc, skalibs), which tries execve in each PATH folder, goes on
 * past ENOENT and EACCES, and ends with EACCES when any was refused, else ENOENT.
 */
function lookUp(a: AnalysisView, d: PrivilegeDrop, name: string): Lookup {
  const p = a.runtime.process;
  const caps = execsWithStarterCaps(d);
  const exec = (path: string): Verdict => {
    const v = caps ? a.checkStart(path, 'exec') : a.check(path, 'exec');
    // The model's exec of a script asks for read too (its interpreter opens it); execve itself
    // needs only the x bit, and the read is judged after it (droppedProgramFails).
    return !v.allowed && v.errno === 'EACCES' && xOnly(a, path, caps) ? { ...v, allowed: true, errno: undefined } : v;
  };

  if (d.tool === 'gosu') {
    const statDenied = (path: string) => {
      const v = a.check(parentOf(path), 'chdir');
      return !v.allowed && v.errno === 'EACCES' ? v : undefined;
    };
    const xBits = (path: string) => ((resolvePath(a.runtime.view.fs, path).meta?.mode ?? 0) & 0o111) !== 0;
    if (name.includes('/')) {
      const path = normalizePath(name, p.cwd);
      const denied = statDenied(path);
      if (denied) return { file: path, errno: 'EACCES', how: 'stat', verdict: denied, certain: denied.dependsOn.length === 0 };
      if (knownMissing(a, path)) return { file: path, errno: 'ENOENT', how: 'stat', certain: true };
      if (resolvePath(a.runtime.view.fs, path).meta === undefined) return { errno: 'ENOENT', certain: false };
      if (!xBits(path)) return { file: path, errno: 'EACCES', how: 'lookup', certain: true };
      const v = exec(path);
      return v.allowed ? { file: path, certain: true } : { file: path, errno: 'EACCES', how: 'exec', verdict: v, certain: v.dependsOn.length === 0 };
    }
    let certain = true;
    const skipped: string[] = [];
    for (const dir of pathDirs(p.env.PATH)) {
      const path = normalizePath(`${dir}/${name}`);
      if (statDenied(path)) continue;
      if (resolvePath(a.runtime.view.fs, path).meta !== undefined) {
        if (!xBits(path)) {
          skipped.push(path);
          continue;
        }
        const v = exec(path);
        return v.allowed ? { file: path, certain: true } : { file: path, errno: 'EACCES', how: 'exec', verdict: v, certain: v.dependsOn.length === 0 };
      }
      if (!knownMissing(a, path)) certain = false;
    }
    return { errno: 'ENOENT', how: 'lookup', certain, skipped };
  }

  if (name.includes('/')) {
    const path = normalizePath(name, p.cwd);
    if (knownMissing(a, path)) return { file: path, errno: 'ENOENT', certain: true };
    if (resolvePath(a.runtime.view.fs, path).meta === undefined) return { errno: 'ENOENT', certain: false };
    const v = exec(path);
    if (v.allowed) return { file: path, certain: true };
    return v.errno === 'EACCES' ? { file: path, errno: 'EACCES', verdict: v, certain: v.dependsOn.length === 0 } : { errno: 'ENOENT', certain: false };
  }
  let certain = true;
  let refused: Lookup | undefined;
  for (const dir of pathDirs(p.env.PATH)) {
    const path = normalizePath(`${dir}/${name}`);
    if (resolvePath(a.runtime.view.fs, path).meta !== undefined) {
      const v = exec(path);
      if (v.allowed) return { file: path, certain: true };
      if (v.errno === 'EACCES') refused ??= { file: path, errno: 'EACCES', verdict: v, certain: v.dependsOn.length === 0 };
      continue;
    }
    if (!knownMissing(a, path)) certain = false;
  }
  // execvp's last word is EACCES when any folder refused, whatever the others said.
  if (refused) return refused;

  return { errno: 'ENOENT', certain };
}

/**
 * A script the process may execute but not read: the folders above it may be passed and its
 * mode gives the process's class an x bit (any x bit with CAP_DAC_OVERRIDE).
 */
function xOnly(a: AnalysisView, path: string, caps: boolean): boolean {
  const meta = resolvePath(a.runtime.view.fs, path).meta;
  if (!meta?.script || meta.kind !== 'file') return false;
  if (caps) return (meta.mode & 0o111) !== 0;
  if (!a.check(parentOf(path), 'chdir').allowed) return false;
  const p = a.runtime.process;
  const bits = meta.uid === p.uid ? meta.mode >> 6 : p.groups.includes(meta.gid) || p.gid === meta.gid ? meta.mode >> 3 : meta.mode;

  return (bits & 0o1) !== 0;
}

function pathDirs(path: string | undefined): string[] {
  return (path ?? '').split(':').filter(Boolean);
}

/** A script the kernel hands to its interpreter, which opens it as the process: its words. */
function interpreterWords(file: string): string {
  // dash, /bin/sh on Debian (measured with gosu and setpriv): the script's own #! is not read.
  return `its interpreter cannot open it (dash: "/bin/sh: 0: cannot open ${file}: Permission denied", exit 2)`;
}

/**
 * The program a switch tool runs is missing for the new user, or that user may not execute (or,
 * for a script, read) it: the tool prints its error and the workload never runs. Undefined when
 * it is found and may be run, or when the model does not know.
 */
export function droppedProgramFails(a: AnalysisView): RuleReport | undefined {
  const d = a.runtime.drop;
  if (!d || d.error !== undefined) return undefined;
  // Inside a followed entrypoint script (`exec gosu app "$@"`): the command it reached.
  const script = a.runtime.script;
  if (script && (script.error || script.refused || script.workload === undefined)) return undefined;
  const name = (script?.workload ?? d.command)[0];
  if (!name) return undefined;
  const p = a.runtime.process;
  const who = named(p);
  const line = dropLine(a, d);
  const switchedTo = `\`${d.written}\` switches to ${who} before it looks up ${name}`;
  const dirs = pathDirs(p.env.PATH);
  const hedge = d.assumption ? [d.assumption.id] : [];

  // A pip --user script the new user's PATH does not list: its own report, with the PATH fix.
  if (!name.includes('/')) {
    const ub = userBinMiss(a, name, dirs);
    if (ub) {
      const words = dropExecWords(d, name, 'ENOENT', 'lookup');
      return userBinReport(a, ub, name, `${switchedTo}, and its PATH (${dirs.join(':')}) does not list ${ub.bin}: ${words.text} (exit ${words.status})`, line, hedge, d);
    }
  }
  const r = lookUp(a, d, name);
  if (r.errno === undefined) {
    // Found and executable: a script is then opened by its interpreter as the new user.
    if (r.file === undefined) return undefined;
    const read = a.check(r.file, 'read');
    const script = /\.(sh|bash|py)$/.test(r.file) || resolvePath(a.runtime.view.fs, r.file).meta?.script === true;
    if (read.allowed || read.errno !== 'EACCES' || !script) return undefined;
    const unsure = read.dependsOn.length > 0;
    const caps = execsWithStarterCaps(d);
    return {
      message: `The container will not start its workload: ${switchedTo}${caps ? `; setpriv still holds root's capabilities when it executes ${r.file}, but` : `, which executes ${r.file}, but`} ${interpreterWords(r.file)}${unsure ? ', if its mode is the one assumed' : ''}.`,
      why: `${firstReason(read)}. ${caps ? 'setpriv keeps the capabilities it started with until execve, so the kernel lets it execute the file; the' : 'The'} interpreter the kernel starts for the script runs as ${who}${caps ? ' with no capabilities' : ''} and opens the file to read it.`,
      line,
      dependsOn: [...read.dependsOn, ...hedge],
      unsureSeverity: unsure || hedge.length > 0 ? 'warning' : undefined,
      fixes: readFixes(r.file),
    };
  }
  if (!r.certain && r.errno === 'ENOENT') return undefined;
  const words = dropExecWords(d, name, r.errno, r.how);
  const said = `${words.text} (exit ${words.status})`;
  const unsure = !r.certain || hedge.length > 0;

  if (r.errno === 'ENOENT') {
    const where = name.includes('/')
      ? `${r.file} does not exist in the image`
      : r.skipped?.length
        ? `no folder of its PATH (${dirs.join(':')}) holds an executable ${name} (Go's LookPath passes over ${r.skipped.join(', ')}, which has no x bit)`
        : `${name} is in no folder of its PATH (${dirs.join(':')})`;
    return {
      message: `The container will not start its workload: ${switchedTo}, and ${where}: ${said}.`,
      why: `${d.tool} runs the command after it has switched, with the environment it leaves (PATH ${dirs.join(':') || 'unset'}); ${name.includes('/') ? `${r.file} is not in the image` : `none of these folders holds ${name} in the image`}.`,
      line,
      dependsOn: hedge,
      unsureSeverity: unsure ? 'warning' : undefined,
      fixes: r.skipped?.length
        ? [{ description: `Give ${r.skipped[0]} an execute bit, so gosu's lookup takes it.`, snippet: `RUN chmod 0755 ${r.skipped[0]}`, safe: false }]
        : [{ description: `Install ${name.split('/').pop()} in the image where ${who} finds it, or name it by its full path after \`${d.written}\`.`, safe: false }],
    };
  }
  const v = r.verdict;
  const file = r.file!;
  const how = r.how === 'stat' ? `may not reach ${file}` : r.how === 'lookup' ? `finds ${file} with no execute bit` : `cannot execute ${file}`;

  return {
    message: `The container will not start its workload: ${switchedTo}, and ${who} ${how}: ${said}${v && v.dependsOn.length > 0 ? ', if its mode is the one assumed' : ''}.`,
    why: `${v ? firstReason(v) : `${file} has no execute bit for anyone`}. ${d.tool} looks the program up and executes it as ${who}, not as ${named(d.from)}, which started the container.`,
    line,
    dependsOn: [...(v?.dependsOn ?? []), ...hedge],
    unsureSeverity: unsure || (v?.dependsOn.length ?? 0) > 0 ? 'warning' : undefined,
    fixes: execFixes(a, file, who),
  };
}

function execFixes(a: AnalysisView, file: string, who: string): Fix[] {
  // A folder above the file that the user may not pass comes first.
  const blocked = ancestors(file).find((dir) => {
    const v = a.check(dir, 'chdir');
    return !v.allowed && v.errno === 'EACCES';
  });
  if (blocked !== undefined) {
    return [
      { description: `Let ${who} pass through ${blocked} and execute the program.`, snippet: `RUN chmod 0755 ${blocked} && chmod 0755 ${file}`, safe: false },
      { description: `Or install the program in a folder every user may pass (/usr/local/bin).`, safe: false },
    ];
  }

  return [
    { description: `Make it executable (and, for a script, readable) for ${who}.`, snippet: `RUN chmod 0755 ${file}`, safe: false },
  ];
}

function readFixes(file: string): Fix[] {
  return [{ description: 'Make the script readable for the user it runs as (and its folders passable).', snippet: `RUN chmod 0755 ${file}`, safe: false }];
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let dir = parentOf(path); dir !== '/'; dir = parentOf(dir)) out.unshift(dir);
  return out;
}

// ---------------------------------------------------------------- pip --user scripts

/** A console script of `pip install --user` in a bin folder that PATH does not list. */
export interface UserBinMiss {
  /** The user base's bin folder that holds (or is taken to hold) the script. */
  bin: string;
  path: string;
  /** The script is known to be there (a local project's console_scripts); else it is assumed. */
  known: boolean;
  /** The pip package named like the program, when the script is only assumed from its name. */
  pkg?: InstalledPackage;
  /** The user whose home holds the bin folder, when it is a ~/.local/bin. */
  owner?: { name: string; uid: number; home: string };
}

/**
 * The program is not on PATH, but a user base's bin folder that PATH does not list holds it
 * (a script a local project's console_scripts gave, known), or is taken to (a package
 * installed with pip --user whose name is the program's: which scripts a package has is not
 * known). Only when no PATH folder is known to have the name, no step the model could not
 * follow may have put it there, and no package of another kind is named like it.
 */
export function userBinMiss(a: AnalysisView, name: string, dirs: string[]): UserBinMiss | undefined {
  if (name.includes('/') || dirs.length === 0) return undefined;
  const listed = new Set(dirs.map((d) => normalizePath(d)));
  const fs = a.runtime.view.fs;
  const bins: { bin: string; owner?: UserBinMiss['owner'] }[] = [];
  for (const e of a.image.accounts.passwd) {
    if (e.home && e.home !== '/') bins.push({ bin: normalizePath(`${e.home}/.local/bin`), owner: { name: e.name, uid: e.uid, home: e.home } });
  }
  const env = a.image.config.env.PYTHONUSERBASE;
  if (env) bins.push({ bin: normalizePath(`${pythonUserBase(env, '/', a.image.config.workdir || '/')}/bin`) });

  let hit: UserBinMiss | undefined;
  for (const b of bins) {
    if (listed.has(b.bin)) continue;
    const path = `${b.bin}/${name}`;
    if (fs.has(path)) {
      hit = { bin: b.bin, path, known: true, owner: b.owner };
      break;
    }
  }
  if (!hit) {
    // A package whose scripts are not known: the one named like the program, else one whose
    // name the program's begins or ends (jupyter from a jupyterlab-like package, torchrun from
    // torch). A package whose scripts are known, and lack the name, is not a guess.
    const guesses = Object.values(a.image.packages).filter((p) => p.via === 'pip' && p.user && p.bin !== undefined && p.scripts === undefined);
    const pkg = guesses.find((p) => samePackageName(p.name, name)) ?? guesses.find((p) => relatedPackageName(p.name, name));
    if (pkg && !listed.has(normalizePath(pkg.bin!))) {
      const bin = normalizePath(pkg.bin!);
      hit = { bin, path: `${bin}/${name}`, known: false, pkg, owner: bins.find((b) => b.bin === bin)?.owner };
    }
  }
  if (!hit) return undefined;

  // Not on PATH: no folder of it is known to hold the name, none may have got it from a step the
  // model did not follow, and no apt/apk package is named like it.
  const paths = dirs.map((d) => normalizePath(`${d}/${name}`));
  if (paths.some((path) => fs.has(path) || resolvePath(fs, path).meta !== undefined)) return undefined;
  if (!paths.every((path) => knownMissing(a, path))) {
    if (!baseListingsKnown(a.image) || mayBeTouched(a, paths)) return undefined;
    if (Object.values(a.image.packages).some((p) => p.via !== 'pip' && p.name === name)) return undefined;
  }

  return hit;
}

/**
 * A program named after its package in part: one name begins the other (at least three
 * letters), or is one of the package's dash-separated words (airflow from apache-airflow).
 */
function relatedPackageName(pkg: string, program: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[-_.]+/g, '-');
  const p = norm(pkg);
  const n = norm(program);
  if (Math.min(p.length, n.length) < 3) return false;

  return p.startsWith(n) || n.startsWith(p) || p.split('-').includes(n);
}

function samePackageName(pkg: string, program: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[-_.]+/g, '-');
  return norm(pkg) === norm(program);
}

/** The PATH line that makes the folder found, at run time or in the image. */
export function userBinPathFix(bin: string): string {
  return `ENV PATH=${bin}:$PATH`;
}

/**
 * UID106's report for a start that names a pip --user script by its bare name: the words of the
 * runtime (or the switch tool), where the script is, and the two fixes.
 */
export function userBinReport(a: AnalysisView, ub: UserBinMiss, name: string, said: string, line: number | undefined, hedge: string[] = [], d?: PrivilegeDrop): RuleReport {
  const p = a.runtime.process;
  const other = ub.owner !== undefined && ub.owner.uid !== p.uid;
  const assumption = ub.known
    ? ''
    : ` The package's console scripts are not known: this takes ${ub.pkg!.name} (pip install --user, line ${ub.pkg!.line}) to install a script named ${name} in ${ub.bin}.`;
  const fixes: Fix[] = [];
  if (other) {
    fixes.push({
      description: `Run it as ${ub.owner!.name}, who installed it: ${named(p)} has another home, so its own user base (${pythonUserBase(p.env.PYTHONUSERBASE, p.home, p.cwd)}) holds neither the script nor the package.`,
      safe: false,
    });
    fixes.push({ description: `Or install ${ub.pkg?.name ?? 'the package'} without --user (in a virtual environment every user may read) and put its bin folder on PATH.`, snippet: 'RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install ...\nENV PATH=/opt/venv/bin:$PATH', safe: false });
  } else {
    fixes.push({ description: `Put ${ub.bin} on PATH.`, snippet: userBinPathFix(ub.bin), safe: false });
    fixes.push(d
      ? { description: `Or name it by its full path after \`${d.written}\`: ${ub.path}.`, safe: false }
      : { description: 'Or start it by its full path.', snippet: `CMD ["${ub.path}"]`, safe: false });
  }

  return {
    message: `The container will not start${d ? ' its workload' : ''}: ${said}${ub.known ? '' : `, if ${ub.pkg!.name} installs a script named ${name}`}.`,
    why: `pip install --user puts console scripts in the user base's bin folder, ${ub.bin}${ub.owner ? ` (${ub.owner.name}'s ~/.local/bin)` : ''}, which PATH does not list${other ? `; the container runs as ${named(p)}, whose HOME is ${p.home}` : ''}.${assumption}`,
    line,
    dependsOn: [...(ub.known ? [] : [`package:${ub.pkg!.name}`]), ...hedge],
    unsureSeverity: !ub.known || hedge.length > 0 ? 'warning' : undefined,
    fixes,
  };
}

// ---------------------------------------------------------------- sudo -u and su -c

/**
 * `sudo -u USER PROG ...` and `su USER -c 'PROG ...'` in the start command, started as root.
 * Neither is followed as a switch of user (the identity and the other verdicts stay root's, and
 * UID101 says who runs the workload is not known for su); only the program they start is judged
 * for USER, as each looks it up. Measured with buildah on Debian 12 (sudo 1.9.13p3, util-linux
 * 2.38 su; the oracle measures sudo in launchers-lookup.yaml, su by hand, as its -c cannot be
 * given the harness's probe):
 * - sudo finds the program on secure_path (else the caller's PATH) as the target user, then
 *   again as root (sudoers.c set_cmnd_path), so any regular file with an x bit is found; it then
 *   executes it as USER: `sudo: N: command not found`, `sudo: unable to execute /usr/local/bin/N:
 *   Permission denied`, exit 1.
 * - su without `-`/`-l` keeps PATH and runs USER's shell with -c TEXT; the shell looks the first
 *   word up as USER: dash `sh: 1: N: not found` (127), `sh: 1: N: Permission denied` (127 for
 *   a name, 126 for a path).
 */
export function sudoSuProgramFails(a: AnalysisView): RuleReport | undefined {
  if (a.runtime.drop || a.runtime.script || a.runtime.errors.length > 0) return undefined;
  const p = a.runtime.process;
  if (p.uid !== 0) return undefined;
  const argv = withoutInit(startCommand(a));
  const tool = baseName(argv[0] ?? '');
  const call = tool === 'sudo' ? sudoCall(argv) : tool === 'su' ? suCall(argv) : undefined;
  if (!call || call.command.length === 0) return undefined;
  const acc = a.image.accounts;
  const entry = call.user.startsWith('#') ? userByUid(acc, Number(call.user.slice(1))) : userByName(acc, call.user);
  if (!entry || entry.uid === 0) return undefined;
  // sudo from its package; su is essential on Debian and Ubuntu (util-linux, login before).
  const installed = tool === 'sudo'
    ? a.runtime.view.fs.has('/usr/bin/sudo') || Object.hasOwn(a.image.packages, 'sudo')
    : a.image.distro === 'debian' || a.image.distro === 'ubuntu' || a.runtime.view.fs.has('/usr/bin/su') || a.runtime.view.fs.has('/bin/su');
  if (!installed) return undefined;
  const who: Identity = { uid: entry.uid, gid: entry.gid, groups: groupList(acc, entry.name, entry.gid), caps: new Set(), label: entry.name };
  const check = (path: string, op: 'exec' | 'chdir') => evaluate(who, a.runtime.view, path, op);
  const name = call.command[0];
  const fs = a.runtime.view.fs;
  const shown = `${entry.name} (uid ${entry.uid})`;
  const line = a.sim.target.lines.cmd ?? a.sim.target.lines.entrypoint;

  let dirs: string[];
  let file: string | undefined;
  let certain = true;
  if (tool === 'sudo') {
    const policy = sudoEnvPolicy(a.image, { name: 'root', uid: 0, groups: [0] });
    dirs = pathDirs(policy.securePath ?? p.env.PATH);
    // Root's retry finds any regular file with an x bit (sudo_goodpath).
    const good = (path: string) => {
      const m = resolvePath(fs, path).meta;
      return m !== undefined && m.kind === 'file' && (m.mode & 0o111) !== 0;
    };
    if (name.includes('/')) {
      const path = normalizePath(name, p.cwd);
      if (good(path)) file = path;
      else if (!knownMissing(a, path)) return undefined;
    } else {
      for (const d of dirs) {
        const path = normalizePath(`${d}/${name}`);
        if (good(path)) {
          file = path;
          break;
        }
        if (!fs.has(path) && !knownMissing(a, path)) certain = false;
      }
    }
    if (file === undefined) {
      if (!certain) return undefined;
      return {
        message: `The container will not start: \`${call.written}\` looks ${name} up for ${shown} on ${policy.securePath !== undefined ? 'secure_path' : 'PATH'} (${dirs.join(':')}), and no folder of it has it: sudo: ${name}: command not found (exit 1).`,
        why: `sudo finds the command on ${policy.securePath !== undefined ? 'the secure_path of sudoers, not the caller\'s PATH' : 'the caller\'s PATH'}, first as the target user, then as root; none of these folders holds ${name}.`,
        line,
        fixes: [{ description: `Install ${name} on that path, or name it by its full path after \`${call.written}\`.`, safe: false }],
      };
    }
    const v = check(file, 'exec');
    if (v.allowed || v.errno !== 'EACCES') return undefined;
    return {
      message: `The container will not start: \`${call.written}\` executes ${file} as ${shown}, who may not: sudo: unable to execute ${file}: Permission denied (exit 1)${v.dependsOn.length > 0 ? ', if its mode is the one assumed' : ''}.`,
      why: `${firstReason(v)}. sudo finds the command as root if it must, but executes it as ${entry.name}.`,
      line,
      dependsOn: v.dependsOn,
      unsureSeverity: v.dependsOn.length > 0 ? 'warning' : undefined,
      fixes: execFixesFor(file, (dir) => check(dir, 'chdir'), shown),
    };
  }

  // su: USER's shell runs the text; only a shell whose words are known.
  const shell = entry.shell || '/bin/sh';
  if (!/^(ba|da)?sh$/.test(baseName(shell))) return undefined;
  const flavor = flavorOf(a.image, shell);
  const argv0 = baseName(shell);
  dirs = pathDirs(p.env.PATH);
  let refused: { path: string; v: Verdict } | undefined;
  if (name.includes('/')) {
    const path = normalizePath(name, p.cwd);
    if (knownMissing(a, path)) {
      return suReport(a, call.written, shown, shellErrorLine(flavor, argv0, 1, name, flavor === 'dash' ? 'not found' : 'No such file or directory'), 127, line, []);
    }
    if (!fs.has(path)) return undefined;
    const v = check(path, 'exec');
    if (v.allowed || v.errno !== 'EACCES') return undefined;
    refused = { path, v };
  } else {
    for (const d of dirs) {
      const path = normalizePath(`${d}/${name}`);
      if (fs.has(path)) {
        const v = check(path, 'exec');
        if (v.allowed) return undefined;
        if (v.errno === 'EACCES') refused ??= { path, v };
        continue;
      }
      if (!knownMissing(a, path)) certain = false;
    }
    if (!refused) {
      if (!certain) return undefined;
      return suReport(a, call.written, shown, shellErrorLine(flavor, argv0, 1, name, notFoundWords(flavor)), 127, line, []);
    }
  }
  const said = shellErrorLine(flavor, argv0, 1, name, 'Permission denied');
  const r = suReport(a, call.written, shown, said, name.includes('/') ? 126 : 127, line, refused.v.dependsOn);
  return { ...r, why: `${firstReason(refused.v)}. ${r.why}`, fixes: execFixesFor(refused.path, (dir) => check(dir, 'chdir'), shown) };
}

function suReport(a: AnalysisView, written: string, who: string, said: string, status: number, line: number | undefined, dependsOn: string[]): RuleReport {
  return {
    message: `The container will not start its workload: \`${written}\` runs the command in ${who}'s shell, which says ${said} (exit ${status})${dependsOn.length > 0 ? ', if its mode is the one assumed' : ''}.`,
    why: 'su keeps PATH (without - or -l) and runs the user\'s shell with -c; the shell looks the program up and executes it as that user.',
    line,
    dependsOn,
    unsureSeverity: dependsOn.length > 0 ? 'warning' : undefined,
    fixes: [{ description: 'Make the program executable for that user, or install it where the user\'s PATH finds it.', safe: false }],
  };
}

function execFixesFor(file: string, chdir: (dir: string) => Verdict, who: string): Fix[] {
  const blocked = ancestors(file).find((dir) => {
    const v = chdir(dir);
    return !v.allowed && v.errno === 'EACCES';
  });
  if (blocked !== undefined) {
    return [{ description: `Let ${who} pass through ${blocked} and execute the program.`, snippet: `RUN chmod 0755 ${blocked} && chmod 0755 ${file}`, safe: false }];
  }

  return [{ description: `Make it executable (and, for a script, readable) for ${who}.`, snippet: `RUN chmod 0755 ${file}`, safe: false }];
}

interface SwitchCall {
  user: string;
  command: string[];
  written: string;
}

/** `sudo [-u USER] [-E|-H|-n|-P|--preserve-env[=...]] [--] PROG ...`; other options: not judged. */
function sudoCall(argv: string[]): SwitchCall | undefined {
  let user = 'root';
  let i = 1;
  for (; i < argv.length; i++) {
    const w = argv[i];
    if (w === '--') {
      i++;
      break;
    }
    if (!w.startsWith('-')) break;
    if (w === '-u' || w === '--user') {
      const v = argv[++i];
      if (v === undefined) return undefined;
      user = v;
    } else if (w.startsWith('--user=')) user = w.slice(7);
    else if (/^-u./.test(w)) user = w.slice(2);
    else if (!['-E', '-H', '-n', '-P', '--preserve-env', '--non-interactive', '--set-home', '--preserve-groups'].includes(w) && !w.startsWith('--preserve-env=')) return undefined;
  }

  return { user, command: argv.slice(i), written: argv.slice(0, i).join(' ') };
}

/** `su USER -c TEXT` or `su -c TEXT USER` (no login shell); the text's first word, if literal. */
function suCall(argv: string[]): SwitchCall | undefined {
  let user: string | undefined;
  let text: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i];
    if (w === '-c' || w === '--command') text = argv[++i];
    else if (w.startsWith('--command=')) text = w.slice(10);
    else if (w.startsWith('-')) return undefined;
    else if (user === undefined) user = w;
    else return undefined;
  }
  if (user === undefined || text === undefined) return undefined;
  const first = text.trim().split(/\s+/);
  // Only a plain command: no shell syntax the first word would depend on.
  if (first[0] === '' || /[$`'"\\;&|<>(){}*?[\]=~]/.test(first[0])) return undefined;

  return { user, command: first, written: `su ${user} -c` };
}

// ---------------------------------------------------------------- another user's user site

/** A user site-packages folder: HOME/.local/lib/pythonX.Y/site-packages. */
const USER_SITE = /^(.*)\/\.local\/lib\/python(\d+\.\d+)\/site-packages$/;

/** The user sites the build filled (site folder, home), from the image's own files. */
function filledUserSites(a: AnalysisView): { site: string; home: string }[] {
  const out: { site: string; home: string }[] = [];
  for (const e of a.image.accounts.passwd) {
    if (!e.home || e.home === '/') continue;
    const lib = normalizePath(`${e.home}/.local/lib`);
    for (const path of a.runtime.view.fs.keys()) {
      if (!path.startsWith(`${lib}/python`) || !USER_SITE.test(path)) continue;
      out.push({ site: path, home: normalizePath(e.home) });
    }
  }

  return out;
}

/**
 * Where a top-level module is for the process's Python: its own user site (when Python adds
 * one), PYTHONPATH, any environment's site-packages the model knows. `other`: the site of
 * another user that holds it. Undefined when it is on the process's path or not known.
 */
function moduleOnlyInOtherSite(a: AnalysisView, mod: string): { site: string; home: string; certain: boolean } | undefined {
  const p = a.runtime.process;
  const fs = a.runtime.view.fs;
  const has = (dir: string) => fs.has(`${dir}/${mod}`) || fs.has(`${dir}/${mod}.py`);
  const sites = filledUserSites(a);
  const other = sites.find((s) => has(s.site));
  if (!other) return undefined;
  const py = a.python;
  const noUserSite = (py?.kind === 'venv' && !py.systemSite) || Boolean(p.env.PYTHONNOUSERSITE);
  const base = pythonUserBase(p.env.PYTHONUSERBASE, p.home, p.cwd);
  if (!noUserSite && normalizePath(`${other.home}/.local`) === base) return undefined;
  const extra = (p.env.PYTHONPATH ?? '').split(':').filter(Boolean).map((d) => normalizePath(d, p.cwd));
  const own = sites.filter((s) => !noUserSite && normalizePath(`${s.home}/.local`) === base).map((s) => s.site);
  const version = USER_SITE.exec(other.site)![2];
  own.push(normalizePath(`${base}/lib/python${version}/site-packages`));
  const envs = a.image.pythons.map((e) => e.sitePackages);
  const elsewhere = [...extra, ...own, ...envs];
  if (elsewhere.some((d) => has(d))) return undefined;
  // As for a program on PATH: the base's listings are trusted, and no step the model did not
  // follow may have put a module of that name there.
  const certain = baseListingsKnown(a.image) && !mayBeTouched(a, elsewhere.flatMap((d) => [`${d}/${mod}`, `${d}/${mod}.py`]));

  return { ...other, certain };
}

/**
 * The workload imports a package that pip install --user put in another user's ~/.local: Python
 * adds only the user site of its own HOME (or PYTHONUSERBASE), so the import fails and the
 * container stops. Two shapes, measured with buildah on Debian 12 (start-interpreters/pip-user-
 * other-uid-*): the project's console script, found on PATH and run by a uid whose HOME is
 * another (`-u 1001`: HOME=/), stops with a traceback ending `ModuleNotFoundError: No module
 * named 'pkg'` (exit 1); `python3 -m pkg` says `/usr/bin/python3: No module named pkg` (exit 1).
 * With `-e HOME=/home/app` both start.
 */
export function userSiteImportFails(a: AnalysisView, program: string | undefined): RuleReport | undefined {
  if (a.runtime.drop || a.runtime.script || a.runtime.errors.length > 0) return undefined;
  const argv = startCommand(a);
  const line = a.sim.target.lines.cmd ?? a.sim.target.lines.entrypoint;
  const fs = a.runtime.view.fs;

  // python -m MOD
  const name = baseName(argv[0] ?? '');
  if (/^python(\d(\.\d+)?)?$/.test(name)) {
    let mod: string | undefined;
    for (let i = 1; i < argv.length; i++) {
      const w = argv[i];
      if (w === '-m') {
        mod = argv[i + 1];
        break;
      }
      if (/^-m./.test(w)) {
        mod = w.slice(2);
        break;
      }
      if (w === '-X' || w === '-W') {
        i++;
        continue;
      }
      if (!w.startsWith('-') || w === '-c' || w === '-') break;
    }
    const top = mod?.split('.')[0];
    if (!top) return undefined;
    const o = moduleOnlyInOtherSite(a, top);
    if (!o) return undefined;
    return siteReport(a, o, `${program ?? argv[0]}: No module named ${mod} (exit 1)`, `python looks ${top} up on its sys.path`, line);
  }

  // A console script in another user's ~/.local/bin: the modules its step put in that user's site.
  if (program === undefined) return undefined;
  const meta = fs.get(program);
  const m = /^(.*)\/\.local\/bin\/[^/]+$/.exec(program);
  if (!m || !meta?.origin) return undefined;
  const home = normalizePath(m[1] || '/');
  const site = filledUserSites(a).find((s) => s.home === home);
  if (!site) return undefined;
  const mods: string[] = [];
  for (const path of fs.keys()) {
    if (parentOf(path) !== site.site) continue;
    const entry = path.slice(site.site.length + 1);
    if (/\.(dist|egg)-info$|^__pycache__$|\.pth$/.test(entry)) continue;
    if (fs.get(path)?.origin === meta.origin) mods.push(entry.replace(/\.py$/, ''));
  }
  if (mods.length !== 1) return undefined;
  const o = moduleOnlyInOtherSite(a, mods[0]);
  if (!o || o.site !== site.site) return undefined;

  return siteReport(a, o, `${program} stops: ModuleNotFoundError: No module named '${mods[0]}' (exit 1)`, `the console script ${program} imports ${mods[0]}`, line);
}

function siteReport(a: AnalysisView, o: { site: string; home: string; certain: boolean }, said: string, how: string, line: number | undefined): RuleReport {
  const p = a.runtime.process;
  const owner = a.image.accounts.passwd.find((e) => normalizePath(e.home) === o.home);
  const base = pythonUserBase(p.env.PYTHONUSERBASE, p.home, p.cwd);

  return {
    message: `The container will not start its workload: ${said}, as ${named(p)} runs with ${p.env.PYTHONUSERBASE ? `PYTHONUSERBASE ${base}` : `HOME ${p.home}`} and Python does not look in ${o.site}${owner ? ` (${owner.name}'s)` : ''}.`,
    why: `pip install --user put the package in ${o.site}; Python adds to sys.path only the user site of the HOME it runs with (or of PYTHONUSERBASE), here ${base}, and ${how}, which neither that site nor the environment's site-packages holds.${o.certain ? '' : ' A step uidctl does not follow may have put a module of that name on the path.'}`,
    line,
    unsureSeverity: o.certain ? undefined : 'warning',
    fixes: [
      owner
        ? { description: `Run it as ${owner.name}, who installed it, or with HOME=${o.home} ${runPlace(a)}.`, snippet: renderRunChanges(a, [{ kind: 'env', name: 'HOME', value: o.home }]), safe: false }
        : { description: `Run it with HOME=${o.home} ${runPlace(a)}.`, safe: false },
      { description: 'Or install the package without --user (as root before USER, or into a virtual environment every user may read) so every uid finds it.', snippet: 'RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install ...\nENV PATH=/opt/venv/bin:$PATH', safe: false },
    ],
  };
}
