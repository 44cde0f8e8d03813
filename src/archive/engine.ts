// Images held by a local engine: Docker's Engine API over its unix socket (GET /images/NAME/get
// streams a `docker save` tar), else `podman image save` or `docker save` piped. The archive is
// read as it streams: nothing is written to disk.

import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { request } from 'node:http';
import { delimiter, join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { EnvironmentError } from '../cli/errors.js';
import { readImageArchiveStream } from './formats.js';
import type { ImageSnapshot, ScanOptions } from './layers.js';
import type { SnapshotCache } from './cache.js';

export class NoEngineError extends EnvironmentError {
  override name = 'NoEngineError';
}

export class EngineError extends EnvironmentError {
  override name = 'EngineError';
}

export interface EngineOptions {
  env?: Record<string, string | undefined>;
  cache?: SnapshotCache;
  platform?: string;
  onProgress?: ScanOptions['onProgress'];
}

/** The Docker socket path from DOCKER_HOST (unix:// only) or the default one, if it exists. */
export function dockerSocket(env: Record<string, string | undefined>): string | undefined {
  const host = env.DOCKER_HOST;
  const path = host ? (host.startsWith('unix://') ? host.slice(7) : undefined) : '/var/run/docker.sock';
  if (!path) return undefined;
  try {
    return statSync(path).isSocket() ? path : undefined;
  } catch {
    return undefined;
  }
}

export function onPath(cmd: string, env: Record<string, string | undefined>): boolean {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, cmd), constants.X_OK);

      return true;
    } catch {
      // keep looking
    }
  }

  return false;
}

function socketGet(socketPath: string, path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', headers: { host: 'docker' } }, resolve);
    req.on('error', (e) => reject(new NoEngineError(`cannot talk to the Docker engine at ${socketPath}: ${e.message}`)));
    req.end();
  });
}

async function readAll(res: IncomingMessage, limit = 1 << 20): Promise<string> {
  let text = '';
  for await (const c of res) {
    if (text.length < limit) text += c;
  }

  return text;
}

async function viaSocket(socketPath: string, name: string, opts: EngineOptions): Promise<ImageSnapshot> {
  const ref = encodeURIComponent(name);
  const info = await socketGet(socketPath, `/images/${ref}/json`);
  const infoText = await readAll(info);
  if (info.statusCode === 404) throw new EngineError(`the Docker engine has no image "${name}"`);
  if (info.statusCode !== 200) throw new EngineError(`Docker engine: HTTP ${info.statusCode}: ${infoText.trim()}`);

  const id = (JSON.parse(infoText) as { Id?: string }).Id;
  const cached = id ? await opts.cache?.get(id) : undefined;
  if (cached) return cached;

  const res = await socketGet(socketPath, `/images/${ref}/get`);
  if (res.statusCode !== 200) {
    throw new EngineError(`Docker engine: HTTP ${res.statusCode}: ${(await readAll(res)).trim()}`);
  }

  return readImageArchiveStream(res, { label: `docker:${name}`, tag: name, ...opts });
}

/** Run a command and return its stdout, failing with its stderr. */
function capture(cmd: string, args: string[], env: Record<string, string | undefined>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env as NodeJS.ProcessEnv });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => reject(new EngineError(`${cmd}: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new EngineError(`${cmd} ${args[0]}: ${err.trim() || `exit ${code}`}`))));
  });
}

async function viaCli(cmd: 'podman' | 'docker', name: string, opts: EngineOptions): Promise<ImageSnapshot> {
  const env = opts.env ?? process.env;

  // The image id is the config digest: a cache hit needs no save at all.
  const id = (await capture(cmd, ['image', 'inspect', '--format', '{{.Id}}', name], env)).trim();
  const digest = id.startsWith('sha256:') ? id : `sha256:${id}`;
  const cached = await opts.cache?.get(digest);
  if (cached) return cached;

  const args = cmd === 'podman' ? ['image', 'save', '--format', 'oci-archive', name] : ['save', name];
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env as NodeJS.ProcessEnv });
  let stderr = '';
  child.stderr.on('data', (d) => {
    if (stderr.length < 8192) stderr += d;
  });
  const exit = new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });

  try {
    const snap = await readImageArchiveStream(child.stdout, { label: `${cmd}:${name}`, tag: name, ...opts });
    const code = await exit;
    if (code !== 0) throw new EngineError(`${cmd} save ${name} failed: ${stderr.trim() || `exit ${code}`}`);

    return snap;
  } catch (e) {
    if (child.exitCode === null) child.kill();
    const code = await exit;
    if (code !== 0 && !(e instanceof EngineError)) {
      throw new EngineError(`${cmd} save ${name} failed: ${stderr.trim() || `exit ${code}`}`);
    }
    throw e;
  }
}

/** An image from the local engine: Docker's socket first, then the podman or docker command. */
export async function fromEngine(name: string, opts: EngineOptions = {}): Promise<ImageSnapshot> {
  const env = opts.env ?? process.env;
  const socket = dockerSocket(env);
  if (socket) return viaSocket(socket, name, opts);
  if (onPath('podman', env)) return viaCli('podman', name, opts);
  if (env.DOCKER_HOST && onPath('docker', env)) return viaCli('docker', name, opts);

  throw new NoEngineError(
    'no container engine found: no Docker socket (DOCKER_HOST or /var/run/docker.sock) and no podman; ' +
      'save the image with `docker save NAME -o image.tar` and pass the file instead',
  );
}
