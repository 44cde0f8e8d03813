// How the container starts Jupyter, read from ENTRYPOINT/CMD (or the run's command) and the
// Jupyter config files the build wrote.

import type { AnalysisView } from '../rule.js';
import { startCommand } from '../util.js';

export interface JupyterStart {
  argv: string[];
  allowRoot: boolean;
  /** undefined: default (random token); '' disabled. */
  token?: string;
  password?: string;
  ip?: string;
  line?: number;
}

const OPTION = /^--(?:NotebookApp|ServerApp|IdentityProvider)\.(token|password|allow_root|ip)=(.*)$/;

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

function readJupyterStart(a: AnalysisView): JupyterStart | null {
  const argv = startCommand(a);
  const text = argv.join(' ');
  if (!/\bjupyter(-lab|-notebook|-server)?\b|start-notebook\.(sh|py)|start-singleuser/.test(text)) return null;

  const out: JupyterStart = {
    argv,
    allowRoot: a.image.jupyter.allowRoot === true,
    token: a.image.jupyter.token,
    password: a.image.jupyter.password,
    ip: a.image.jupyter.ip,
    line: a.sim.target.lines.cmd ?? a.sim.target.lines.entrypoint,
  };
  // Options may sit inside one shell-form string: split it again.
  for (const w of argv.flatMap((x) => x.split(/\s+/))) {
    if (w === '--allow-root') out.allowRoot = true;
    const m = OPTION.exec(w);
    if (m) {
      const v = unquote(m[2]);
      if (m[1] === 'token') out.token = v;
      if (m[1] === 'password') out.password = v;
      if (m[1] === 'allow_root') out.allowRoot = v === 'True' || v === 'true';
      if (m[1] === 'ip') out.ip = v;
    }
    const ip = /^--ip=(.*)$/.exec(w);
    if (ip) out.ip = unquote(ip[1]);
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
