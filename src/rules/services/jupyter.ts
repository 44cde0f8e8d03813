// How the container starts Jupyter, read from ENTRYPOINT/CMD (or the run's command) and the
// Jupyter config files the build wrote.

import type { AnalysisView } from '../rule.js';
import type { JupyterSettings } from '../../model/types.js';
import { startCommand } from '../util.js';
import { jupyterConfigPath, jupyterSettingsIn } from '../../shell/commands/config.js';

export interface JupyterStart {
  argv: string[];
  allowRoot: boolean;
  /** undefined: default (random token); '' disabled. */
  token?: string;
  password?: string;
  ip?: string;
  line?: number;
}

/**
 * The command-line settings that matter here, as traitlets reads them: `--Class.trait=value` or
 * `--Class.trait value` (KVArgParseConfigLoader), and the apps' aliases, `--ip` for
 * ServerApp.ip / NotebookApp.ip, in both forms. `--allow-root` is a flag and takes no value.
 */
const OPTION = /^--(?:(?:NotebookApp|ServerApp|IdentityProvider|PasswordIdentityProvider)\.(token|password|hashed_password|allow_root|ip)|(ip))(?:=([\s\S]*))?$/;

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
function configFor(a: AnalysisView): JupyterSettings {
  const p = a.runtime.process;
  const dirs = jupyterConfigPath({ env: p.env, home: p.home, cwd: p.cwd, prefix: a.python?.binDir, venv: a.python?.kind === 'venv' });

  return jupyterSettingsIn(a.image, dirs);
}

function readJupyterStart(a: AnalysisView): JupyterStart | null {
  const argv = startCommand(a);
  if (!STARTS_JUPYTER.test(argv.join(' '))) return null;

  const config = configFor(a);
  const out: JupyterStart = {
    argv,
    allowRoot: config.allowRoot === true,
    token: config.token,
    password: config.password,
    ip: config.ip,
    line: a.sim.target.lines.cmd ?? a.sim.target.lines.entrypoint,
  };
  // The command line wins over the config files; a later option over an earlier one.
  const w = words(argv);
  for (let i = 0; i < w.length; i++) {
    if (w[i] === '--allow-root') out.allowRoot = true;
    const m = OPTION.exec(w[i]);
    if (!m) continue;
    let raw = m[3];
    if (raw === undefined) {
      // The value is the next word, unless that is another option (argparse would refuse).
      if (i + 1 >= w.length || w[i + 1].startsWith('--')) continue;
      raw = w[++i];
    }
    const v = unquote(raw);
    const trait = m[1] ?? m[2];
    if (trait === 'token') out.token = v;
    if (trait === 'password' || trait === 'hashed_password') out.password = v;
    if (trait === 'allow_root') out.allowRoot = v === 'True' || v === 'true';
    if (trait === 'ip') out.ip = v;
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
