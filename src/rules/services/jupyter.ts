// How the container starts Jupyter, read from ENTRYPOINT/CMD (or the run's command) and the
// Jupyter config files the build wrote.

import type { AnalysisView } from '../rule.js';
import type { JupyterSettings } from '../../model/types.js';
import { startCommand } from '../util.js';
import { JUPYTER_APPS, jupyterConfigFiles, jupyterConfigPath, jupyterSettingsIn, type JupyterAppKind } from '../../shell/commands/config.js';
import { resolvePath } from '../../image/fs.js';

export interface JupyterStart {
  argv: string[];
  allowRoot: boolean;
  /** undefined: default (random token); '' disabled. */
  token?: string;
  password?: string;
  ip?: string;
  line?: number;
  /** Which app runs, so which config classes and files it reads (JUPYTER_APPS). */
  kind: JupyterAppKind;
  /** Where allow_root came from: 'cli', or the config file that set it. */
  allowRootFrom?: string;
  /** The config file the empty token came from, when not the command line. */
  tokenFrom?: string;
  /** How many times the command line gives ip (traitlets refuses more than one). */
  ipCount: number;
  /** Config files the app reads that exist but whose text the model does not have. */
  unreadConfig: string[];
}

/**
 * The command-line settings that matter here, as traitlets reads them: `--Class.trait=value` or
 * `--Class.trait value` (KVArgParseConfigLoader), and the apps' aliases, `--ip` for
 * ServerApp.ip / NotebookApp.ip, in both forms. `--allow-root` is a flag and takes no value.
 */
const OPTION = /^--(?:(NotebookApp|ServerApp|IdentityProvider|PasswordIdentityProvider)\.(token|password|hashed_password|allow_root|ip)|(ip))(?:=([\s\S]*))?$/;

/** The app a start command runs: classic Notebook, jupyter_server itself, or JupyterLab (and the rest). */
function appKind(cmd: string): JupyterAppKind {
  if (/\bjupyter[\s-]+notebook\b|(^|[\s/])python[\d.]*\s+(-[A-Za-z]+\s+)*-m\s+notebook(\s|$)/.test(cmd)) return 'notebook';
  if (/\bjupyter[\s-]+server\b|(^|[\s/])python[\d.]*\s+(-[A-Za-z]+\s+)*-m\s+jupyter_server(\s|$)/.test(cmd)) return 'server';

  return 'lab';
}

/** Start commands that run a Jupyter server: `jupyter lab`, docker-stacks' scripts, `python -m jupyterlab`. */
const STARTS_JUPYTER =
  /\bjupyter(-lab|-notebook|-server)?\b|start-notebook\.(sh|py)|start-singleuser|(^|[\s/])python[\d.]*\s+(-[A-Za-z]+\s+)*-m\s+(jupyter_server|jupyterlab|notebook|nbclassic)(\s|$)/;

function unquote(v: string): string {
  return v.replace(/^(['"])(.*)\1$/, '$2');
}

const startOf = new WeakMap<AnalysisView, JupyterStart | null>();

/** null when the container does not start Jupyter. Read once per analysis (three rules ask). */
export function jupyterStart(a: AnalysisView): JupyterStart | null {
  let out = startOf.get(a);
  if (out === undefined) {
    out = readJupyterStart(a);
    startOf.set(a, out);
  }

  return out;
}

/**
 * The words of the start command: an exec-form word as it is (an empty one is an empty value),
 * a shell-form string (`sh -c "jupyter lab --ip 0.0.0.0 --ServerApp.token ''"`) split again at
 * blanks, its quotes left for unquote().
 */
function words(argv: string[]): string[] {
  return argv.flatMap((x) => (/\s/.test(x) ? x.trim().split(/\s+/) : [x]));
}

/** The config files the server reads: those in its config path, for the process that starts it. */
function configFor(a: AnalysisView, kind: JupyterAppKind): { settings: JupyterSettings; unread: string[] } {
  const p = a.runtime.process;
  const dirs = jupyterConfigPath({ env: p.env, home: p.home, cwd: p.cwd, prefix: a.python?.binDir, venv: a.python?.kind === 'venv' });
  // A config file in the path whose text is unknown (copied from the build context, downloaded)
  // may set allow_root or the token: nothing is claimed about what it holds.
  const unread = jupyterConfigFiles(dirs, kind).filter((f) => {
    if (a.image.texts[f]) return false;
    const r = resolvePath(a.runtime.view.fs, f);
    // Only a file the build surely put there: a base image's folders are not all listed.
    return r.meta !== undefined && r.meta.kind !== 'dir' && !a.image.texts[r.path];
  });

  return { settings: jupyterSettingsIn(a.image, dirs, kind), unread };
}

function readJupyterStart(a: AnalysisView): JupyterStart | null {
  const argv = startCommand(a);
  if (!STARTS_JUPYTER.test(argv.join(' '))) return null;

  const kind = appKind(argv.join(' '));
  const { settings: config, unread } = configFor(a, kind);
  const out: JupyterStart = {
    argv,
    allowRoot: config.allowRoot === true,
    token: config.token,
    password: config.password,
    ip: config.ip,
    line: a.sim.target.lines.cmd ?? a.sim.target.lines.entrypoint,
    kind,
    ipCount: 0,
    unreadConfig: unread,
  };
  if (config.allowRoot === true) out.allowRootFrom = config.files?.allowRoot;
  if (config.token !== undefined) out.tokenFrom = config.files?.token;
  // The command line wins over the config files; a later option over an earlier one.
  const w = words(argv);
  for (let i = 0; i < w.length; i++) {
    if (w[i] === '--allow-root') {
      out.allowRoot = true;
      out.allowRootFrom = 'cli';
    }
    const m = OPTION.exec(w[i]);
    if (!m) continue;
    let raw = m[4];
    if (raw === undefined) {
      // The value is the next word, unless that is another option (argparse would refuse).
      if (i + 1 >= w.length || w[i + 1].startsWith('--')) continue;
      raw = w[++i];
    }
    const v = unquote(raw);
    // An option of a class the app does not read is ignored (notebook 6 has no ServerApp).
    if (m[1] !== undefined && !JUPYTER_APPS[kind].classes.has(m[1])) continue;
    const trait = m[2] ?? m[3];
    if (trait === 'token') {
      out.token = v;
      out.tokenFrom = undefined;
    }
    if (trait === 'password' || trait === 'hashed_password') out.password = v;
    if (trait === 'allow_root') {
      out.allowRoot = v === 'True' || v === 'true';
      out.allowRootFrom = out.allowRoot ? 'cli' : undefined;
    }
    if (trait === 'ip') {
      out.ip = v;
      if (m[3] !== undefined) out.ipCount++;
    }
  }

  return out;
}

export function isPublicIp(ip: string | undefined): boolean {
  return ip === '0.0.0.0' || ip === '*' || ip === '::' || ip === '';
}

/** True when every published port is bound to the loopback address only (-p 127.0.0.1:8888:8888). */
export function publishedOnLoopbackOnly(a: AnalysisView): boolean {
  const ports = a.run?.publish ?? [];

  return ports.length > 0 && ports.every((p) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):/.test(p));
}
