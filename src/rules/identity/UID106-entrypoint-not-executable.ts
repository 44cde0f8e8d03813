import { defineRule, type AnalysisView, type RuleReport } from '../rule.js';
import { firstReason, knownMissing, mayBeTouched, mountFor, renderRunChanges, startCommand } from '../util.js';
import { ancestry, baseName, normalizePath } from '../../image/fs.js';
import type { Fix, MountSpec, PrivilegeDrop, Verdict } from '../../model/types.js';
import { dropLine, named, withoutTool } from './drop.js';
import { rootStep, runPlace, runTool, unknownId } from '../util.js';
import { launcherCall, launcherId, launcherName, type LauncherCall } from './launchers.js';
import { droppedProgramFails, sudoSuProgramFails, userBinMiss, userBinReport, userSiteImportFails } from './lookup.js';
import { unwrapShell } from '../../shell/interpret.js';
import { launchOf, withoutInit } from '../../runtime/entry-script.js';
import { PLAIN_DISTRO, baseListingsKnown, envNotFoundText, flavorOf, notFoundWords, shellErrorLine } from '../../shell/commands/builtins.js';
import { CONDA_TOOLS, condaNotOnPath, givesPythonName } from '../../shell/commands/packages.js';
import { brokenExecForm, programIsFolder } from './start-form.js';
import { hiddenProgram, hiddenScript } from './hidden-start.js';

/**
 * The process the engine starts: the one that executes the start program, before a switch of
 * user in the command (gosu app ...) changes who runs the workload.
 */
function starter(a: AnalysisView) {
  return a.runtime.drop?.from ?? a.runtime.process;
}

/** The file the engine executes first: ENTRYPOINT[0], else CMD[0], looked up on PATH. */
export function startExecutable(a: AnalysisView): string | undefined {
  const argv0 = startCommand(a)[0];
  if (!argv0) return undefined;
  if (argv0.includes('/')) return normalizePath(argv0, starter(a).cwd);

  // Like execvp: the first PATH entry that has the name.
  for (const dir of pathDirs(a)) {
    const p = normalizePath(`${dir}/${argv0}`);
    if (a.runtime.view.fs.has(p)) return p;
  }

  return undefined;
}

function pathDirs(a: AnalysisView): string[] {
  return (starter(a).env.PATH ?? '').split(':').filter(Boolean);
}

/**
 * What the runtime prints when the program is not there. runc looks it up with Go's
 * exec.LookPath before exec (libcontainer/standard_init_linux.go), so a path gives the stat
 * error and a bare name the PATH error; crun words both alike.
 */
export function notFoundText(engine: AnalysisView['engine'], argv0: string): string {
  if (engine === 'podman') return `executable file \`${argv0}\` not found in $PATH: No such file or directory`;

  return argv0.includes('/')
    ? `exec: "${argv0}": stat ${argv0}: no such file or directory`
    : `exec: "${argv0}": executable file not found in $PATH`;
}

/**
 * A missing program is reported only when the model knows it is missing; a path that is merely
 * not known to exist (a partial base listing, an unread build context, an unmodelled RUN) is
 * left alone, or every image with an unread context would be flagged.
 */
function missingReport(a: AnalysisView, argv0: string, file: string | undefined): RuleReport | undefined {
  const line = a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd;

  if (!file) {
    const dirs = pathDirs(a);
    // A pip --user console script started by name, from a bin folder PATH does not list.
    const ub = a.runtime.drop ? undefined : userBinMiss(a, argv0, dirs);
    if (ub) return userBinReport(a, ub, argv0, `${argv0} is not on PATH (${notFoundText(a.engine, argv0)})`, line);
    if (dirs.length > 0 && notInstalled(a, argv0, dirs)) {
      return {
        message: `The container will not start: ${argv0} is not ${CONDA_TOOLS.has(argv0) && a.image.condaPrefix !== undefined ? 'on PATH' : 'installed'} (${notFoundText(a.engine, argv0)}).`,
        ...missingProgram(a, argv0, `PATH is ${dirs.join(':')}.`),
        line,
        // The catalog describes the paths that matter, not every binary: a warning.
        unsureSeverity: 'warning',
      };
    }
    if (dirs.length === 0 || !dirs.every((d) => knownMissing(a, normalizePath(`${d}/${argv0}`)))) return undefined;

    return {
      message: `The container will not start: ${argv0} is not in any directory of PATH (${notFoundText(a.engine, argv0)}).`,
      why: `PATH is ${dirs.join(':')}, and none of these directories holds ${argv0} in the image.`,
      line,
      fixes: [
        { description: 'Install the program in the image, or start it by its full path.', snippet: `ENTRYPOINT ["/usr/local/bin/${argv0}"]`, safe: false },
      ],
    };
  }

  if (!knownMissing(a, file)) return undefined;
  const v = a.checkStart(file, 'exec');
  const link = a.runtime.view.fs.get(file);
  const dangling = link?.kind === 'symlink';

  return {
    message: `The container will not start: ${file} does not exist in the image (${notFoundText(a.engine, argv0)}).`,
    why: `${v.reasons.join('; ')}.`,
    line,
    fixes: dangling
      ? [
          {
            description: `${file} links to ${link.target}, which this image does not have (a virtual environment copied from another stage keeps the interpreter path of that stage's Python): build it with the Python the final image has, or make the link point at a file the image has.`,
            safe: false,
          },
        ]
      : [
          { description: 'Copy the program into the image at the path the container starts, executable for everyone.', snippet: `COPY --chmod=0755 ${file.split('/').pop()} ${file}`, safe: false },
          { description: 'Or point ENTRYPOINT (or CMD) at where the program really is.', safe: false },
        ],
  };
}

/** Why a program the start command names is not installed, and how to get it. */
function missingProgram(a: AnalysisView, argv0: string, path: string): Pick<RuleReport, 'why' | 'fixes'> {
  const apt = (pkg: string) => `RUN apt-get update && apt-get install -y --no-install-recommends ${pkg} && rm -rf /var/lib/apt/lists/*`;
  if (argv0 === 'python') {
    return {
      why: `Debian's and Ubuntu's python3 package gives python3, not python: that name comes with python-is-python3, which no step of this build installs; ${path}`,
      fixes: [
        { description: 'Start it with python3, the name the python3 package gives.', safe: false },
        { description: 'Or install python-is-python3, which adds the python name.', snippet: apt('python-is-python3'), safe: false },
      ],
    };
  }
  if (CONDA_TOOLS.has(argv0)) {
    const prefix = a.image.condaPrefix;
    if (prefix !== undefined) {
      // An installer run with -b changes no PATH.
      return {
        why: `conda is installed in ${prefix}, but ${prefix}/bin is not on PATH (an installer run with -b changes no PATH); ${path}`,
        fixes: [{ description: `Put ${prefix}/bin on PATH, or start it by its full path.`, snippet: `ENV PATH=${prefix}/bin:$PATH`, safe: false }],
      };
    }
    return {
      why: `No step of this build installs ${argv0}, and the ${a.image.base} image has none; ${path}`,
      fixes: [
        { description: `Start from an image that has ${argv0} (continuumio/miniconda3, condaforge/miniforge3, mambaorg/micromamba), or install it and put its bin folder on PATH.`, snippet: 'ENV PATH=/opt/conda/bin:$PATH', safe: false },
      ],
    };
  }
  if (argv0 === 'python3') {
    return {
      why: `The plain ${a.image.base} image has no Python, and no step of this build installs one; ${path}`,
      fixes: [{ description: 'Install Python before the start command needs it (or start from a Python base image).', snippet: apt('python3'), safe: false }],
    };
  }
  const pkg = LAUNCHER_PACKAGE[argv0];
  if (pkg !== undefined) {
    return {
      why: `${argv0} comes with the Python package ${pkg}, which the base image (${[...new Set(a.image.provenance.map((p) => p.ref))].join(', ')}) does not have and no step of this build installs (no step installs Python packages at all); ${path}`,
      fixes: [{ description: `Install ${pkg} before the start command needs it (or start from a base image that has it).`, snippet: `RUN pip install --no-cache-dir ${pkg}`, safe: false }],
    };
  }

  const own = Object.hasOwn(OWN_PACKAGE, argv0) ? OWN_PACKAGE[argv0][0] : undefined;
  if (own !== undefined && argv0 !== 'gosu' && argv0 !== 'su-exec') {
    return {
      why: `${argv0} comes with the ${own} package, which the base image (${[...new Set(a.image.provenance.map((p) => p.ref))].join(', ')}) does not have and no step of this build installs (apt-get install ${own}, apk add ${own}, or a COPY of the binary); ${path}`,
      fixes: [{ description: `Install ${own} before the start command needs it.`, snippet: apt(own), safe: false }],
    };
  }

  return {
    why: `${argv0} comes in a package of its own, which no base in the catalog ships and no step of this build installs (apt-get install ${argv0}, apk add ${argv0}, or a COPY of the binary); ${path}`,
    fixes: [{ description: 'Install it before the start command needs it.', snippet: apt(argv0), safe: false }],
  };
}

/**
 * The program a shell-form command (`/bin/sh -c "python app.py"`) or env (`env python app.py`)
 * starts, when it is known not to be installed: the engine starts the shell or env, which then
 * cannot find it and exits 127 in its own words (measured: dash "/bin/sh: 1: python: not
 * found", coreutils 9.1 "env: 'python': No such file or directory"; launchers/python-name-missing).
 * Only the start command itself: after a switch of user or an entrypoint script, not judged.
 */
function wrappedProgramMissing(a: AnalysisView): RuleReport | undefined {
  if (a.runtime.script || a.runtime.drop) return undefined;
  const start = startCommand(a);
  const outer = withoutInit(start);
  // An init in front (tini, dumb-init) must be there itself: a missing one fails first.
  if (outer.length < start.length && !a.runtime.view.fs.has(startExecutable(a) ?? '')) return undefined;
  let words = outer;
  let said: ((name: string) => string) | undefined;
  const runner = baseName(outer[0] ?? '');
  if (/^(ba|da|a)?sh$/.test(runner)) {
    const l = launchOf(outer);
    // Only `sh -c TEXT`: a shell given a script file runs that file, not a program by name.
    if (l === undefined || l.shell !== undefined) return undefined;
    words = l.argv;
    const flavor = flavorOf(a.image, runner);
    said = (name) => shellErrorLine(flavor, outer[0], 1, name, notFoundWords(flavor));
  }
  // env execs the program itself, and says so in its own words.
  const env = baseName(words[0] ?? '') === 'env' ? words[0] : undefined;
  if (env !== undefined) {
    words = unwrapShell(words);
    said = (name) => envNotFoundText(a.image.distro, env, name);
  }
  const name = words[0];
  if (said === undefined || name === undefined || name === '' || name.includes('/')) return undefined;
  const dirs = pathDirs(a);
  if (dirs.length === 0 || !notInstalled(a, name, dirs)) return undefined;

  return {
    message: `The container will not start its workload: ${said(name)} (exit 127).`,
    ...missingProgram(a, name, `PATH is ${dirs.join(':')}.`),
    line: a.sim.target.lines.cmd ?? a.sim.target.lines.entrypoint,
    unsureSeverity: 'warning',
  };
}

/** The path's entry comes from a RUN step of the target stage that the model failed. */
function madeByFailedStep(a: AnalysisView, path: string): boolean {
  const origin = a.runtime.view.fs.get(path)?.origin;
  if (origin === undefined || !origin.startsWith(`${a.file}:`)) return false;
  const line = Number(origin.slice(a.file.length + 1));

  return a.sim.target.failures.some((f) => f.line === line);
}

/**
 * Programs that come only in a package of their own, with the packages that give each: gosu and
 * su-exec, which no catalog base has, and the switch tools a catalog base has only when its
 * entry lists the package (sudo in the Jupyter images, s6). The start command's own
 * tool is looked up by the runtime like any program: runc `exec: "sudo": executable file not
 * found in $PATH` (measured: start-interpreters/sudo-not-installed, s6-setuidgid-not-installed).
 */
const OWN_PACKAGE: Record<string, readonly string[]> = {
  gosu: ['gosu'],
  'su-exec': ['su-exec'],
  sudo: ['sudo'],
  's6-setuidgid': ['s6'],
};

/** ML launchers, with the pip package that installs each on PATH. */
const LAUNCHER_PACKAGE: Record<string, string> = { torchrun: 'torch', accelerate: 'accelerate', deepspeed: 'deepspeed' };

/**
 * A program of OWN_PACKAGE on a catalog base (or an image read for real of a known distribution,
 * whose folders were listed in full) that no step installed: no package of that name,
 * no file of that name in a PATH folder, and no step the model could not follow that may have
 * put one there. An ML launcher likewise, when its Python package is not there (below).
 */
function notInstalled(a: AnalysisView, name: string, dirs: string[]): boolean {
  const pkg = LAUNCHER_PACKAGE[name];
  if (CONDA_TOOLS.has(name)) {
    // The shell's own model: no installation of it that the model knows, on a base without one.
    if (!condaNotOnPath(a.image, dirs.join(':'), name)) return false;
  } else if (name === 'python' || name === 'python3') {
    if (!pythonNameAbsent(a, name)) return false;
  } else if (pkg !== undefined ? !pythonPackageAbsent(a, pkg) : !Object.hasOwn(OWN_PACKAGE, name) || [name, ...OWN_PACKAGE[name]].some((p) => Object.hasOwn(a.image.packages, p))) return false;
  if (!baseListingsKnown(a.image)) return false;
  const paths = dirs.map((d) => normalizePath(`${d}/${name}`));
  if (paths.some((p) => a.runtime.view.fs.has(p)) || mayBeTouched(a, paths)) return false;

  return true;
}

/**
 * `python3` or `python` on the plain debian and ubuntu images, which have no Python: python3
 * only when a step installed it (apt's python3 or a library that depends on it), `python` only
 * with python-is-python3 (measured: failures/no-python3, venv/no-python-name). Any other
 * Python the model knows of (a venv, conda, one built from source) may provide the name.
 */
function pythonNameAbsent(a: AnalysisView, name: 'python' | 'python3'): boolean {
  // alpine:TAG has BusyBox and apk only (the catalog's alpine entry): no Python of any name
  // until a step installs one.
  if (PLAIN_ALPINE.test(a.image.base)) return a.image.pythons.length === 0 && !Object.keys(a.image.packages).some((k) => k.startsWith('python'));
  if (!PLAIN_DISTRO.test(a.image.base)) return false;
  if (a.image.pythons.some((e) => e.kind !== 'system' || e.python !== '/usr/bin/python3')) return false;
  if (name === 'python3') return a.image.pythons.length === 0;

  return !givesPythonName(a.image.packages);
}

/** alpine:TAG itself. */
const PLAIN_ALPINE = /^(?:docker\.io\/)?(?:library\/)?alpine(?:[:@]|$)/;

/** A RUN that installs Python packages: any of them may bring torch along as a dependency. */
const PY_INSTALL = /\b(pip[\d.]*|conda|mamba|micromamba|uv|poetry|pipenv|pdm|pixi|easy_install)\b|setup\.py|-m\s+pip\b/;

/**
 * A Python package known to be absent: no base in the catalog that has it (pytorch/pytorch and
 * NGC PyTorch have torch), not installed by name, and no step of any stage that installs Python
 * packages at all (a requirements file, a project or another package may depend on it:
 * accelerate and deepspeed require torch) nor copies from another image. Only catalog bases.
 */
function pythonPackageAbsent(a: AnalysisView, pkg: string): boolean {
  if (Object.hasOwn(a.image.packages, pkg)) return false;
  if (pkg === 'torch' && (Object.hasOwn(a.image.packages, 'accelerate') || Object.hasOwn(a.image.packages, 'deepspeed'))) return false;
  if (a.image.provenance.length === 0 || !a.image.provenance.every((p) => p.source === 'catalog')) return false;
  const stageNames = new Set(a.df.stages.flatMap((s, i) => [String(i), ...(s.name ? [s.name.toLowerCase()] : [])]));
  for (const st of a.df.stages) {
    for (const ins of st.instructions) {
      const i = ins.inner ?? ins;
      if (i.keyword === 'RUN' && (PY_INSTALL.test(i.args) || i.heredocs.some((h) => PY_INSTALL.test(h.content)))) return false;
      if ((i.keyword === 'COPY' || i.keyword === 'ADD') && i.flags.some((f) => f.name === 'from' && !stageNames.has(String(f.value).toLowerCase()))) return false;
    }
  }

  return true;
}

/**
 * `python -m torch.distributed.run` where torch is known to be absent: python cannot find the
 * module (measured with Debian's python3: "/usr/bin/python3: Error while finding module specification
 * for 'torch.distributed.run' (ModuleNotFoundError: No module named 'torch')", status 1; python
 * names itself by its full path; launchers/python-m-torch-run-no-torch).
 */
function launcherModuleMissing(a: AnalysisView): RuleReport | undefined {
  const script = a.runtime.script;
  if (script && (script.refused || script.workload === undefined)) return undefined;
  const argv = script?.workload ?? a.runtime.drop?.command ?? startCommand(a);
  const c = launcherCall(argv);
  if (!c || !c.tool.startsWith('torch.') || !pythonPackageAbsent(a, 'torch')) return undefined;
  // A torch the model cannot see: a step it did not follow may have put one in site-packages.
  if (mayBeTouched(a, ['/'])) return undefined;

  return {
    message: `The container will not start its workload: ${startExecutable(a) ?? argv[0]}: Error while finding module specification for '${c.tool}' (ModuleNotFoundError: No module named 'torch') (exit 1).`,
    why: `No step of this build installs torch, and the base image (${[...new Set(a.image.provenance.map((p) => p.ref))].join(', ')}) does not have it; python looks the module up in its own site-packages.`,
    line: script ? (a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd) : (a.sim.target.lines.cmd ?? a.sim.target.lines.entrypoint),
    unsureSeverity: 'warning',
    fixes: [
      { description: 'Install torch in the image (or start from a PyTorch base image).', snippet: 'RUN pip install --no-cache-dir torch', safe: false },
    ],
  };
}

export default defineRule({
  id: 'UID106',
  name: 'entrypoint-not-executable',
  description: 'The program the container starts with is missing, or the process cannot execute it (or, for a script, read it), or its command cannot switch to the user it names (gosu, su-exec, setpriv, runuser, chroot, s6-setuidgid without root), or the program such a switch (or sudo -u, su -c) starts is missing or not executable for the user it switched to, or its entrypoint script stops with an error before it starts the command: the container fails to start.',
  category: 'identity',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    // An init container of the pod that fails: the kubelet restarts it and the container never
    // starts (the pod stays in Init, then Init:CrashLoopBackOff).
    for (const f of a.runtime.initFailures ?? []) {
      // One the kubelet refuses to create never runs: UID104's, like the same on the container.
      if (f.refused) continue;
      report({
        message: `The container will not start: the init container ${f.name} fails (${f.message}), so the pod stays in Init${f.dependsOn.length > 0 ? ', if the volumes are as assumed' : ''}.`,
        why: 'Kubernetes runs each init container to completion before the containers start, and restarts one that fails; the containers start only after all of them succeed.',
        dependsOn: f.dependsOn,
        unsureSeverity: f.dependsOn.length > 0 ? 'warning' : undefined,
        fixes: [
          { description: `Run ${f.name} as root, so it may change the owners of what it was meant to fix.`, snippet: 'securityContext:\n  runAsUser: 0\n  runAsNonRoot: false', safe: false },
          { description: 'Or let the kubelet give the volume to the pod\'s group instead, and drop the init container.', snippet: 'securityContext:\n  fsGroup: GID\n  fsGroupChangePolicy: OnRootMismatch', safe: false },
        ],
      });
    }
    if (a.runtime.errors.length > 0) return;
    // An exec form whose JSON does not parse runs as shell form, and fails as such.
    const form = brokenExecForm(a);
    if (form) {
      report(form);
      return;
    }
    // The program, or the script an interpreter is given, is in the image but a mount hides it
    // (before an entrypoint script's own errors: a hidden script never runs).
    const argv0 = startCommand(a)[0];
    const hidden = argv0 ? (hiddenProgram(a, argv0, pathDirs(a), notFoundText(a.engine, argv0)) ?? hiddenScript(a, scriptOperand)) : undefined;
    if (hidden) {
      report(hidden);
      return;
    }
    const started = a.runtime.script;
    if (started?.error) {
      report(scriptFails(a, started.written, started.error));
      return;
    }
    const drop = a.runtime.drop;
    if (drop?.error !== undefined) {
      report(dropFails(a, drop));
      return;
    }
    if (!argv0) return;
    // The shell or env every plain image has, starting a program it does not have.
    const wrapped = wrappedProgramMissing(a);
    if (wrapped) {
      report(wrapped);
      return;
    }
    const file = startExecutable(a);
    const folder = programIsFolder(a, argv0, file);
    if (folder) {
      report(folder);
      return;
    }
    const exec = file ? a.checkStart(file, 'exec') : undefined;

    if (!file || exec?.errno === 'ENOENT') {
      const r = missingReport(a, argv0, file);
      // A program not known to be missing (gosu from apt) may still start a script it cannot read.
      const w = r ? undefined : (droppedProgramFails(a) ?? sudoSuProgramFails(a) ?? workloadScriptUnreadable(a));
      if (r ?? w) report((r ?? w)!);
      return;
    }

    // `python train.py`, `bash run.sh`: the interpreter starts, then opens the script it is
    // given, as the workload's user (after any switch, in the start command or a script).
    if (exec!.allowed) {
      const r = droppedProgramFails(a) ?? sudoSuProgramFails(a) ?? launcherModuleMissing(a) ?? workloadScriptUnreadable(a) ?? userSiteImportFails(a, file);
      if (r) {
        report(r);
        return;
      }
    }

    // A script is read by its interpreter after the kernel executes it.
    const script = /\.(sh|bash|py)$/.test(file);
    const read = script && exec!.allowed ? a.checkStart(file, 'read') : undefined;
    const v = !exec!.allowed ? exec! : read && !read.allowed ? read : undefined;
    if (!v || v.errno !== 'EACCES') return;
    // The file was last changed by a step the model failed: what the rest of that step does to
    // it (a chmod after the download) was never followed, so its mode says nothing. The failure
    // itself is reported at that line.
    if (madeByFailedStep(a, file)) return;

    // A file of a configMap, secret, projected or downwardAPI volume: its mode is the volume's
    // defaultMode (documented default 0644, no execute bit) or its item's mode, not a guess; the
    // volume hides the image path, so a Dockerfile chmod does not reach it
    // (https://kubernetes.io/docs/concepts/storage/volumes/#configmap, API reference
    // ConfigMapVolumeSource.defaultMode: "Defaults to 0644").
    const vol = mountFor(a, file);
    if (vol?.volumeType !== undefined && KUBELET_FILES.has(vol.volumeType)) {
      report(projectedNotExecutable(a, vol, file, v, v === exec));
      return;
    }
    // A mode the model assumed (a COPY source it could not read, a file an unmodelled command
    // made) is no ground for an error: a built binary is usually executable.
    const unsure = v.dependsOn.length > 0;
    report({
      message: `The container will not start: ${named(starter(a))} cannot ${v === exec ? 'execute' : 'read'} ${file} (exec ${file}: permission denied)` +
        `${unsure ? ', if its mode is the one assumed' : ''}.`,
      why: `${firstReason(v)}.${unsure ? ` That mode is not known for sure: it rests on ${v.dependsOn.join(', ')}.` : ''}`,
      line: a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
      dependsOn: v.dependsOn,
      unsureSeverity: unsure ? 'warning' : undefined,
      fixes: [
        copyChmodFix(a, file) ?? { description: 'Make it executable and readable for everyone when copying it.', snippet: `COPY --chmod=0755 ${file.split('/').pop()} ${file}`, safe: false },
        chmodStepFix(a, file),
      ],
    });
  },
});

const KUBELET_FILES = new Set(['configMap', 'secret', 'projected', 'downwardAPI']);

/**
 * The COPY or ADD that put the program in place, with --chmod=0755 (a --chmod there replaced,
 * the other flags as written), as an edit `uidctl fix` can apply.
 * - A heredoc source (`COPY <<'EOT' /entrypoint.sh`) has no file in the build context to copy
 *   with --chmod, so this is the fix: BuildKit gives a heredoc source the --chmod mode, else
 *   0644. The body stays as it is; the edit is made when the instruction's own line is its
 *   whole head (the rest being the bodies and their delimiters).
 * - Any other: a one-line COPY or ADD of that one source (several sources would all become
 *   executable), not for the classic builder, which refuses --chmod.
 * Undefined when the file came from anywhere else.
 */
function copyChmodFix(a: AnalysisView, file: string): Fix | undefined {
  const origin = a.runtime.view.fs.get(file)?.origin;
  if (origin === undefined || !origin.startsWith(`${a.file}:`)) return undefined;
  const line = Number(origin.slice(a.file.length + 1));
  const ins = a.df.instructions.find((i) => i.line === line && (i.keyword === 'COPY' || i.keyword === 'ADD') && i.json === null);
  if (!ins) return undefined;
  const heredoc = ins.heredocs.length > 0;
  if (!heredoc && (a.builder === 'classic' || ins.endLine !== ins.line || ins.args.trim().split(/\s+/).length !== 2)) return undefined;
  const flags = ins.flags.filter((f) => f.name !== 'chmod').map((f) => `--${f.name}${f.value !== null ? `=${f.value}` : ''}`);
  const snippet = [ins.keyword, '--chmod=0755', ...flags, heredoc ? ins.args : ins.args.trim()].join(' ');
  const head = heredoc ? ins.endLine - ins.line + 1 - ins.heredocs.reduce((n, h) => n + h.content.split('\n').length, 0) : 1;

  return {
    description: heredoc
      ? `Make it executable and readable for everyone where the heredoc writes it: add --chmod=0755 to the ${ins.keyword} at line ${line} (its body stays as it is).`
      : `Make it executable and readable for everyone when copying it: add --chmod=0755 to the ${ins.keyword} at line ${line}.`,
    snippet,
    safe: false,
    ...(head === 1 ? { edit: { file: a.file, startLine: ins.line, endLine: ins.line, text: snippet } } : {}),
  };
}

/**
 * The mode fixed in a RUN step, put where the stage runs as root (rootStep) when the step is
 * the same there: not where the stage's user comes from the base, which would need USER lines.
 */
function chmodStepFix(a: AnalysisView, file: string): Fix {
  const run = `RUN chmod 0755 ${file}`;
  const step = rootStep(a, run);

  return { description: 'Or fix the mode in a RUN step.', snippet: run, safe: false, ...(step.snippet === run ? { edit: step.edit } : {}) };
}

/** The start program is a file of a configMap or secret volume the process may not execute. */
function projectedNotExecutable(a: AnalysisView, m: MountSpec, file: string, v: Verdict, execute: boolean): RuleReport {
  const type = m.volumeType!;
  const target = normalizePath(m.target);
  const meta = a.runtime.view.fs.get(file);
  const mode = meta ? `0${(meta.mode & 0o777).toString(8)}` : '0644';
  // The volume directory's own mode is assumed; the file's is documented. What is not known is
  // only whether a keyless volume has the key at all.
  const doubts = v.dependsOn.filter((id) => !id.startsWith(`k8s-${type}-root:`));
  const unsure = doubts.length > 0;
  const key = file === target ? (m.subPath ?? baseName(file)) : file.slice(target.length + 1);
  const name = m.volumeName ?? 'scripts';
  const field = type === 'secret' ? 'secretName' : 'name';
  const item = m.items?.find((it) => normalizePath(it.path, '/') === normalizePath(key, '/'));
  const modeFrom = item?.mode !== undefined
    ? 'its items[].mode'
    : m.defaultMode !== undefined ? 'the volume\'s defaultMode' : 'the default mode, as defaultMode is not set';
  const src = type === 'configMap' || type === 'secret' ? [`    ${type}:`, `      ${field}: ${m.source ?? name}`] : [`    ${type}:`];
  const head = ['# in the pod spec:', 'volumes:', `  - name: ${name}`, ...src];
  // The volume's items as written (they are the only keys it holds), with this key's mode when given.
  const items = (exec: boolean): string[] => ['      items:', ...(m.items ?? [{ path: key, key }]).flatMap((it) => {
    const mode = exec && (it === item || m.items === undefined) ? 0o755 : it.mode;
    return [`        - key: ${it.key ?? it.path}`, `          path: ${it.path}`, ...(mode !== undefined ? [`          mode: 0${mode.toString(8)}`] : [])];
  })];
  const fixes: Fix[] = [];
  // A mode of the item's own wins over defaultMode: then only the item's mode helps.
  if (item?.mode === undefined) {
    fixes.push({
      description: `Give the volume's files an execute bit with defaultMode (the image's ${target} is hidden by the volume, so a Dockerfile chmod does not reach it).`,
      snippet: [...head, '      defaultMode: 0755', ...(m.items !== undefined ? items(false) : [])].join('\n'),
      safe: false,
    });
  }
  fixes.push({
    description: `${fixes.length > 0 ? 'Or give' : 'Give'} only this key a mode with items[].mode (listed items are the only keys the volume holds).`,
    snippet: [...head, ...items(true)].join('\n'),
    safe: false,
  });
  if (execute && /\.(sh|bash)$/.test(file)) {
    fixes.push({ description: 'Or start it through the shell, which needs only read permission.', snippet: `command: ["sh", "${file}"]`, safe: false });
  }

  return {
    message: `The container will not start: ${named(starter(a))} cannot ${execute ? 'execute' : 'read'} ${file} (exec ${file}: permission denied)${unsure ? `, if the ${type} has the key ${key}` : ''}.`,
    why: `${firstReason(v)}. ${file} is a file of the ${type} volume ${m.source ?? name}, written by the kubelet with ${modeFrom} (${mode}): no execute bit.${unsure ? ` Whether the volume has that key is not known: it rests on ${doubts.join(', ')}.` : ''}`,
    line: a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
    dependsOn: v.dependsOn,
    unsureSeverity: unsure ? 'warning' : undefined,
    fixes,
  };
}

/** python's options that take a value (`-X dev`, `-W error`); -c and -m run no script file. */
const PY_VALUED = new Set(['-X', '-W']);

/** The script operand of a python command line (`python -u train.py --lr 3`), if any. */
export function pythonScript(argv: string[]): string | undefined {
  if (!/^python(\d(\.\d+)?)?$/.test(argv[0]?.slice(argv[0].lastIndexOf('/') + 1) ?? '')) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i];
    if (w === '-c' || w === '-m' || w === '-' || /^-[^-]*[cm]/.test(w)) return undefined;
    if (PY_VALUED.has(w)) {
      i++;
      continue;
    }
    if (w.startsWith('-')) continue;
    return w;
  }

  return undefined;
}

/** The script file an interpreter of the command line is given, and which interpreter it is. */
function scriptOperand(argv: string[]): { kind: 'python' | 'sh' | 'bash' | 'node' | 'perl' | 'ruby'; file: string } | undefined {
  const py = pythonScript(argv);
  if (py !== undefined) return { kind: 'python', file: py };
  const sh = shellScript(argv);
  if (sh !== undefined) return { kind: /bash$/.test(argv[0]) ? 'bash' : 'sh', file: sh };

  return interpreterScript(argv);
}

/** `bash FILE ...` / `sh -e FILE`: the script file a shell is given (not `-c TEXT`), if any. */
function shellScript(argv: string[]): string | undefined {
  if (!/^(ba|da)?sh$/.test(argv[0]?.slice(argv[0].lastIndexOf('/') + 1) ?? '')) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i];
    if (w === '-o' || w === '+o') {
      i++;
      continue;
    }
    if (/^[-+][a-zA-Z]+$/.test(w)) {
      if (w[0] === '-' && (w.includes('c') || w.includes('s'))) return undefined;
      continue;
    }
    return w === '--' ? argv[i + 1] : w;
  }

  return undefined;
}

/** Options of each interpreter that take the next word as their value. */
const SCRIPT_VALUED: Record<'node' | 'perl' | 'ruby', ReadonlySet<string>> = {
  node: new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--title', '--input-type']),
  perl: new Set([]),
  ruby: new Set(['-I', '-r', '-C', '-E', '--encoding']),
};

/** Options after which an interpreter runs no script file (code on the line, or stdin). */
const NO_SCRIPT: Record<'node' | 'perl' | 'ruby', RegExp> = {
  node: /^(-e|-p|-pe|--eval|--print|-i|--interactive|-|--eval=.*|--print=.*|-v|--version|-h|--help)$/,
  perl: /^-[^-]*[eEvV]/,
  ruby: /^(-[^-]*e|-v|--version|-h|--help|-)$/,
};

/**
 * The script operand of `node [opts] FILE`, `perl [opts] FILE`, `ruby [opts] FILE` (Debian's
 * `nodejs` name too), if any: the first word that is not an option (or the one after `--`).
 */
export function interpreterScript(argv: string[]): { kind: 'node' | 'perl' | 'ruby'; file: string } | undefined {
  const name = baseName(argv[0] ?? '');
  const kind = /^node(js)?$/.test(name) ? 'node' : /^perl(5[\d.]*)?$/.test(name) ? 'perl' : /^ruby(\d[\d.]*)?$/.test(name) ? 'ruby' : undefined;
  if (kind === undefined) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i];
    if (NO_SCRIPT[kind].test(w)) return undefined;
    if (w === '--') return argv[i + 1] !== undefined ? { kind, file: argv[i + 1] } : undefined;
    if (SCRIPT_VALUED[kind].has(w)) {
      i++;
      continue;
    }
    if (w.startsWith('-')) continue;
    return { kind, file: w };
  }

  return undefined;
}

/**
 * What each interpreter prints, and its status, when it may not open its script (measured with
 * buildah on Debian 12, tests/oracle/scenarios/start-interpreters.yaml): node 18 throws from its
 * loader with the path made absolute, `Error: EACCES: permission denied, open '/app/server.js'`,
 * exit 1; perl 5.36 `Can't open perl script "run.pl": Permission denied`, the path as given,
 * exit 13 (the errno); ruby 3.1 `ruby: Permission denied -- run.rb (LoadError)`, exit 1 (ruby
 * names itself by argv[0], which Docker passes as written; buildah passes the resolved path).
 */
function interpreterWords(kind: 'node' | 'perl' | 'ruby', argv0: string, file: string, path: string): string {
  if (kind === 'node') return `Error: EACCES: permission denied, open '${path}' (exit 1)`;
  if (kind === 'perl') return `Can't open perl script "${file}": Permission denied (exit 13)`;

  return `${argv0}: Permission denied -- ${file} (LoadError) (exit 1)`;
}

/**
 * The workload is `python FILE`, `bash FILE`, `node FILE`, `perl FILE` or `ruby FILE` and the process may not read FILE: the
 * interpreter starts, then stops. CPython 3.11: "can't open file '/app/train.py': [Errno 13]
 * Permission denied", status 2 (it prints the working folder joined with the argument); bash
 * "bash: /app/run.sh: Permission denied", 126; dash "sh: 0: cannot open ...", 2 (measured).
 * A script a followed entrypoint script starts is judged for the user it switched to.
 */
function workloadScriptUnreadable(a: AnalysisView): RuleReport | undefined {
  const script = a.runtime.script;
  // A script it followed: only what it starts (a refusal of its own is reported elsewhere).
  if (script && (script.refused || script.workload === undefined)) return undefined;
  // `env VAR=x python ...` and `conda run -n ENV python ...` run the same interpreter.
  const argv = unwrapShell(script?.workload ?? a.runtime.drop?.command ?? startCommand(a));
  const py = pythonScript(argv);
  const sh = py === undefined ? shellScript(argv) : undefined;
  const other = py === undefined && sh === undefined ? interpreterScript(argv) : undefined;
  const launched = py === undefined && sh === undefined && other === undefined ? launcherCall(argv) : undefined;
  const file = py ?? sh ?? other?.file ?? launched?.script;
  if (file === undefined) return undefined;
  const cwd = a.runtime.process.cwd;
  const path = normalizePath(file, cwd);
  const v = a.check(path, 'read');
  if (v.allowed || v.errno !== 'EACCES') return undefined;
  const unsure = v.dependsOn.length > 0;
  if (launched) return launcherScriptUnreadable(a, launched, file, path, v);
  let said: string;
  if (py !== undefined) {
    const shown = file.startsWith('/') ? file : `${cwd === '/' ? '' : cwd}/${file}`;
    said = `${argv[0]}: can't open file '${shown}': [Errno 13] Permission denied (exit 2)`;
  } else if (other !== undefined) {
    said = `${argv[0]} stops: ${interpreterWords(other.kind, argv[0], file, path)}`;
  } else {
    const bash = /bash$/.test(argv[0]);
    said = bash ? `${argv[0]}: ${file}: Permission denied (exit 126)` : `${argv[0]}: 0: cannot open ${file}: Permission denied (exit 2)`;
  }

  return {
    message: `The container will not start its workload: ${said}${unsure ? ', if its mode is the one assumed' : ''}.`,
    why: `${firstReason(v)}. The interpreter starts, then opens the script it is given as ${named(a.runtime.process)}${script ? `, whom ${script.written} switched to` : ''}.`,
    line: script ? (a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd) : (a.sim.target.lines.cmd ?? a.sim.target.lines.entrypoint),
    dependsOn: v.dependsOn,
    unsureSeverity: unsure ? 'warning' : undefined,
    fixes: scriptReadFixes(a, file, path, py !== undefined ? 'python' : other !== undefined ? other.kind : 'a shell'),
  };
}

/** The folder was made by a COPY or ADD with --chmod (its origin names that line). */
function madeByChmodCopy(a: AnalysisView, dir: string): boolean {
  const origin = a.runtime.view.fs.get(dir)?.origin ?? a.image.fs.get(dir)?.origin;
  const line = origin === undefined ? undefined : Number(/:(\d+)$/.exec(origin)?.[1]);
  if (line === undefined || Number.isNaN(line)) return false;
  const ins = a.df.stages.flatMap((st) => st.instructions).find((i) => i.line === line);

  return ins !== undefined && (ins.keyword === 'COPY' || ins.keyword === 'ADD') && ins.flags.some((f) => f.name === 'chmod');
}

/**
 * Fixes for a script the workload may not read: its own mode, or the folder above it that may
 * not be passed through (COPY --chmod gives the folders it makes the file's mode with BuildKit
 * since Docker 28.1, so `--chmod=0600 train.py /app/` leaves /app drw-------).
 */
function scriptReadFixes(a: AnalysisView, file: string, path: string, reader: string): Fix[] {
  // The folders above the script, from the top (/ itself is always entered).
  const blocked = ancestry(path).slice(1, -1).find((d) => {
    const v = a.check(d, 'chdir');
    return !v.allowed && v.errno === 'EACCES';
  });
  if (blocked !== undefined) {
    const fixes: Fix[] = [
      { description: `Let every user pass through ${blocked}, which the process may not enter, and read the script.`, snippet: `RUN chmod 0755 ${blocked} && chmod a+r ${path}`, safe: false },
    ];
    // Only where a COPY --chmod (or ADD --chmod) made that folder with the file's mode.
    if (madeByChmodCopy(a, blocked)) {
      fixes.push({ description: `Or make the folder before copying into it, so COPY --chmod does not give it the file's mode.`, snippet: `RUN mkdir -p ${blocked}\nCOPY --chmod=0644 ${file.split('/').pop()} ${path}`, safe: false });
    }
    return fixes;
  }

  return [
    { description: `Copy it readable for every user (a script needs no x bit when ${reader} runs it).`, snippet: `COPY --chmod=0644 ${file.split('/').pop()} ${path}`, safe: false },
    { description: 'Or fix the mode in a RUN step.', snippet: `RUN chmod a+r ${path}`, safe: false },
  ];
}

/**
 * The entrypoint script, followed as it runs at start, stops with an error before it starts the
 * command (set -e and a chown the process may not make, a user switch that fails): the
 * container exits with it.
 */
/**
 * The measured words of a user switch refused for a capability (launchers-caps/*,
 * privilege-drop.yaml): gosu, su-exec, setpriv, su, runuser, sudo run by root, chroot
 * --userspec, s6-setuidgid. Each needs CAP_SETUID and CAP_SETGID; chroot also CAP_SYS_CHROOT.
 */
const SWITCH_REFUSED = [
  /error: failed switching to "[^"]*": operation not permitted/,
  /su-exec: set(groups|gid|uid)\b.*Operation not permitted/,
  /setpriv: (setresuid|setresgid|initgroups|setgroups) failed: Operation not permitted/,
  /\b(su|runuser): cannot set (groups|user id): Operation not permitted/,
  /sudo: PERM_SUDOERS: setresuid|sudo: unable to (change to runas gid|set runas group vector): Operation not permitted/,
  /chroot: (failed to set (supplemental groups|group-ID|user-ID)|cannot change root directory to '[^']*'): Operation not permitted/,
  /s6-applyuidgid: fatal: unable to (set supplementary group list|setgid|setuid): Operation not permitted/,
];

/** The capabilities a root start lacks for the switch that stopped the script, if that is why. */
function switchCapsMissing(a: AnalysisView, message: string): string[] | undefined {
  const f = a.runtime.script!.from;
  if (f.uid !== 0 || !SWITCH_REFUSED.some((r) => r.test(message))) return undefined;
  const needs = ['CAP_SETUID', 'CAP_SETGID', ...(/chroot: /.test(message) ? ['CAP_SYS_CHROOT'] : [])];
  const missing = needs.filter((c) => !f.caps.has(c as never));

  return missing.length > 0 ? missing : undefined;
}

function scriptFails(a: AnalysisView, written: string, e: NonNullable<NonNullable<AnalysisView['runtime']['script']>['error']>): RuleReport {
  const f = a.runtime.script!.from;
  const refused = a.runtime.script!.refused;
  if (refused) {
    return {
      message: `The container will not start: ${refused.message}.`,
      why: refused.why,
      line: a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
      fixes: [{ description: refused.fix, snippet: refused.snippet, safe: false }],
    };
  }
  // What it depends on: commands in the script (or before it) the model does not follow.
  const dependsOn = a.unknowns.filter((u) => u.command.startsWith(`${written} line `)).map(unknownId);

  const at = e.line !== undefined ? `its line ${e.line}` : (e.step ?? 'a step');
  const missing = switchCapsMissing(a, e.message);
  const chownCap = e.switchTo !== undefined && /^chown: changing ownership of /.test(e.message) && !f.caps.has('CAP_CHOWN') ? ['CAP_CHOWN'] : undefined;
  const keep = missing ?? chownCap;
  const fixes: Fix[] = [];
  if (keep) {
    const names = keep.map((c) => c.replace(/^CAP_/, ''));
    fixes.push({
      description: `Keep the capabilities ${written} needs as root before it switches user (${names.join(', ')}) ${runPlace(a)}.`,
      snippet: renderRunChanges(a, [{ kind: 'caps', drop: [], add: names }]),
      safe: false,
    });
    if (e.switchTo) {
      const t = e.switchTo;
      fixes.push({
        description: `Or start it as ${t.name} (uid ${t.uid}) itself: ${written} then skips the root steps and the switch and runs the command as that user, with no capability needed.`,
        snippet: renderRunChanges(a, [{ kind: 'user', uid: t.uid, gid: t.gid }]),
        safe: false,
      });
    }
  } else {
    fixes.push(unsetFix(a, e.message) ?? { description: `Make the step at ${at} of ${written} succeed for ${named(f)} in this setup (or start the container as the user it expects).`, safe: false });
  }

  return {
    message: `The container will not start its workload: ${written} stops at ${at} (${e.message}), exit ${e.status}.`,
    why: `The entrypoint script runs first, as ${named(f)}, with the run's mounts in place, and it ends before it starts the command.` +
      (missing ? ` Switching user takes setgroups, setgid and setuid (sudo also reads its rules as uid 1), which need CAP_SETGID and CAP_SETUID even for root; this run starts without ${missing.join(', ')}.` : '') +
      (chownCap ? ' Giving a path to another owner needs CAP_CHOWN even for root, and the run drops it.' : '') +
      (dependsOn.length > 0 ? ` Some of its commands are not modelled (${dependsOn.join(', ')}), so this rests on them.` : ''),
    line: a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
    // A catalog image's start.sh is described, not read: the refusal rests on that description.
    dependsOn: e.switchTo ? [...dependsOn, 'entrypoint:docker-stacks-caps'] : dependsOn,
    unsureSeverity: dependsOn.length > 0 ? 'warning' : undefined,
    fixes,
  };
}

/**
 * A variable the script needs (set -u, `${X:?}`) that the run does not set: the fix is to set
 * it, in the run's own form.
 */
function unsetFix(a: AnalysisView, message: string): Fix | undefined {
  const m = /: (\w+): (?:parameter not set|unbound variable|parameter null or not set|parameter not set or null)$/.exec(message);
  if (!m || /^\d+$/.test(m[1])) return undefined;
  const name = m[1];
  const tool = runTool(a);
  const snippet = tool === 'kubernetes'
    ? `env:\n  - name: ${name}\n    value: "..."`
    : tool === 'compose' ? `environment:\n  ${name}: "..."` : `-e ${name}=...`;
  return { description: `Set ${name} ${runPlace(a)} (or give it a default in the script, \${${name}:-...}).`, snippet, safe: false };
}

/**
 * The command's user switch cannot be made (gosu app as a non-root user, a capability dropped,
 * a user the image does not have): the tool prints its error and exits before the workload.
 */
function dropFails(a: AnalysisView, d: PrivilegeDrop): RuleReport {
  const f = d.from;
  const missing = d.needs.filter((c) => !f.caps.has(c));
  const privilege = d.needs.length > 0 && (f.uid !== 0 || missing.length > 0);
  const fixes: Fix[] = [];
  if (privilege && f.uid !== 0) {
    const fromRun = a.run?.user !== undefined;
    const setting = runTool(a) === 'kubernetes' ? 'runAsUser' : runTool(a) === 'compose' ? 'user:' : '--user';
    fixes.push({
      description: fromRun
        ? `Start it as root, as the command expects: leave ${setting} ${a.run!.user} out ${runPlace(a)}, and ${d.tool} switches to the user itself.`
        : `Start it as root, as the command expects: remove USER ${a.image.config.user} (line ${a.sim.target.lines.user}), and ${d.tool} switches to the user itself.`,
      safe: false,
    });
    fixes.push({
      description: `Or keep starting as ${named(f)} and leave \`${d.written}\` out of the command: ${d.tool} only works for root.`,
      snippet: withoutTool(d),
      safe: false,
    });
  } else if (privilege) {
    const names = missing.map((c) => c.replace(/^CAP_/, ''));
    fixes.push({
      description: `Keep the capabilities ${d.tool} needs to switch (${names.join(', ')}) ${runPlace(a)}.`,
      snippet: renderRunChanges(a, [{ kind: 'caps', drop: [], add: names }]),
      safe: false,
    });
  } else {
    fixes.push({ description: `Make \`${d.written}\` name a user and group the image has (${d.tool} looks them up in /etc/passwd and /etc/group), or create them.`, snippet: 'RUN useradd --create-home app', safe: false });
  }

  return {
    message: `The container will not start its workload: \`${d.written}\` ${privilege ? `runs as ${named(f)} and cannot switch user` : 'fails'} (${d.error}).`,
    why: privilege
      ? `${d.tool} changes its groups and ids with setgroups, setgid and setuid, which need root (CAP_SETGID, CAP_SETUID${d.tool === 'chroot' ? ', and CAP_SYS_CHROOT for chroot itself' : ''}); ` +
        `${f.uid !== 0 ? `the container starts as ${named(f)}, which has none of them` : `the container starts as root without ${missing.join(', ')}`}, so ${d.tool} exits at once.`
      : `${d.tool} exits before it runs ${d.command[0] ?? 'the command'}.`,
    line: dropLine(a, d),
    fixes,
    dependsOn: d.assumption ? [d.assumption.id] : [],
    // Behind an entrypoint script whose text is not known, the script may skip the tool.
    unsureSeverity: d.assumption ? 'warning' : undefined,
  };
}

/**
 * What each launcher does when its workers cannot open the script, from its source (none of
 * them can run here: no torch on this machine): torchrun and torch.distributed.run start every
 * worker as `python -u SCRIPT` (torch/distributed/run.py config_from_args) and, once they fail,
 * raise ChildFailedError; accelerate launch runs `python SCRIPT` itself for one process
 * (simple_launcher: CalledProcessError) and goes through torch.distributed.run otherwise;
 * deepspeed runs deepspeed.launcher.launch, whose workers are `python -u SCRIPT
 * --local_rank=N` and which exits with the failed worker's status.
 */
const LAUNCHER_OUTCOME: Record<LauncherCall['tool'], string> = {
  torchrun: 'torchrun then reports the failed workers (ChildFailedError) and exits non-zero',
  'torch.distributed.run': 'torch.distributed.run then reports the failed workers (ChildFailedError) and exits non-zero',
  'torch.distributed.launch': 'torch.distributed.launch then reports the failed workers (ChildFailedError) and exits non-zero',
  'accelerate launch': 'accelerate launch then fails too (CalledProcessError for one process, torch\'s ChildFailedError for several)',
  deepspeed: 'deepspeed then stops the other ranks and exits with the worker\'s status',
};

/** A launcher's workers cannot read the script: python's refusal is certain, the launcher's words are not measured. */
function launcherScriptUnreadable(a: AnalysisView, c: LauncherCall, file: string, path: string, v: ReturnType<AnalysisView['check']>): RuleReport {
  const script = a.runtime.script;
  const name = launcherName(c);
  const dependsOn = [...v.dependsOn, launcherId(c)];
  const unsure = v.dependsOn.length > 0;

  return {
    message: `The container will not start its workload: ${name} starts, but ${named(a.runtime.process)} cannot read ${path}, so each worker's python stops with "can't open file '${path}': [Errno 13] Permission denied" (status 2) and ${LAUNCHER_OUTCOME[c.tool]}${unsure ? ', if its mode is the one assumed' : ''}. The launcher's own output is not measured.`,
    why: `${firstReason(v)}. ${name} starts its workers as the same user (${named(a.runtime.process)}${script ? `, whom ${script.written} switched to` : ''}), and each opens the script with python.`,
    line: script ? (a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd) : (a.sim.target.lines.cmd ?? a.sim.target.lines.entrypoint),
    dependsOn,
    unsureSeverity: unsure ? 'warning' : undefined,
    fixes: scriptReadFixes(a, file, path, 'python'),
  };
}
