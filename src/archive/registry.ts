// Pulling an image's metadata over the OCI distribution API (distribution-spec spec.md) with
// node's fetch: manifest or index, config, then every layer streamed straight into scanLayers.
// Authentication follows the Docker registry token flow: a 401 names a Bearer realm, and the
// token endpoint is asked anonymously or with the basic credentials of ~/.docker/config.json.

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { EnvironmentError } from '../cli/errors.js';
import { scanLayers, type ImageSnapshot, type LayerInput, type ScanProgress } from './layers.js';
import {
  MEDIA,
  configFromJson,
  isIndex,
  isManifest,
  parseJson,
  parsePlatform,
  pickManifest,
  sha256Of,
  type Manifest,
} from './oci.js';
import { ArchiveError } from './tar.js';
import type { SnapshotCache } from './cache.js';

export class RegistryError extends EnvironmentError {
  override name = 'RegistryError';
}

export interface PullOptions {
  platform?: string;
  /** Allow plain http to registries other than the loopback address. */
  insecure?: boolean;
  /** A docker config.json whose `auths` hold credentials (default ~/.docker/config.json). */
  authFile?: string;
  onProgress?: (p: ScanProgress & { totalBytes: number; layerCount: number }) => void;
  cache?: SnapshotCache;
  env?: Record<string, string | undefined>;
}

export interface ImageRef {
  /** Host as written (docker.io for Docker Hub). */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Parse a reference the way the docker/distribution reference grammar reads it. */
export function parseRef(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }

  let registry = 'docker.io';
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    rest = rest.slice(slash + 1);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon !== -1) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(rest)) {
    throw new RegistryError(`"${ref}" is not a valid image reference`);
  }
  if (digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(digest)) {
    throw new RegistryError(`"${ref}" has an invalid digest`);
  }

  return { registry, repository: rest, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '');

  return name === 'localhost' || name === '127.0.0.1' || name === '[::1]';
}

/** Base URL of the registry API; plain http only for loopback or when asked for. */
export function registryBase(r: ImageRef, insecure = false): string {
  const host = r.registry === 'docker.io' ? 'registry-1.docker.io' : r.registry;
  const scheme = isLoopback(host) || insecure ? 'http' : 'https';

  return `${scheme}://${host}/v2/${r.repository}`;
}

/** Basic credentials for a host from a docker config.json (`auths`, auth or username/password). */
export async function credentialsFor(host: string, authFile: string | undefined, env: Record<string, string | undefined>): Promise<string | undefined> {
  const file = authFile ?? join(env.DOCKER_CONFIG ?? join(env.HOME || homedir(), '.docker'), 'config.json');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) {
    if (authFile) throw new RegistryError(`cannot read the auth file ${authFile}`);

    return undefined;
  }

  const auths = ((parseJson(text, file) as { auths?: Record<string, { auth?: string; username?: string; password?: string }> }).auths) ?? {};
  const keys = host === 'docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io'] : [host];

  for (const [key, v] of Object.entries(auths)) {
    const bare = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (!keys.includes(key) && !keys.includes(bare)) continue;
    if (v.auth) return v.auth;
    if (v.username !== undefined && v.password !== undefined) {
      return Buffer.from(`${v.username}:${v.password}`).toString('base64');
    }
  }

  return undefined;
}

/** key="value" pairs of a WWW-Authenticate challenge. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const sp = header.indexOf(' ');
  const scheme = (sp === -1 ? header : header.slice(0, sp)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(sp + 1).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) params[m[1]] = m[2];

  return { scheme, params };
}

class Client {
  private auth: string | undefined;

  constructor(
    private readonly base: string,
    private readonly repository: string,
    private readonly basic: string | undefined,
  ) {}

  async get(path: string, accept?: string): Promise<Response> {
    const url = `${this.base}/${path}`;
    let res = await this.fetch(url, accept);

    if (res.status === 401) {
      await res.body?.cancel();
      await this.authenticate(res.headers.get('www-authenticate') ?? '');
      res = await this.fetch(url, accept);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryError(`GET ${url}: HTTP ${res.status} ${res.statusText}`);
    }

    return res;
  }

  private async fetch(url: string, accept?: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (accept) headers.accept = accept;
    if (this.auth) headers.authorization = this.auth;
    try {
      return await fetch(url, { headers, redirect: 'follow' });
    } catch (e) {
      const cause = (e as { cause?: Error }).cause?.message;
      throw new RegistryError(`cannot reach ${url}: ${cause ?? (e as Error).message}`);
    }
  }

  private async authenticate(header: string): Promise<void> {
    const { scheme, params } = parseChallenge(header);

    if (scheme === 'basic') {
      if (!this.basic) throw new RegistryError(`${this.base} wants credentials and none were found`);
      this.auth = `Basic ${this.basic}`;

      return;
    }
    if (scheme !== 'bearer' || !params.realm) {
      throw new RegistryError(`${this.base} asked for an unsupported authentication: "${header}"`);
    }

    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? `repository:${this.repository}:pull`);
    const headers: Record<string, string> = this.basic ? { authorization: `Basic ${this.basic}` } : {};
    const res = await fetch(url, { headers }).catch((e: Error) => {
      throw new RegistryError(`cannot reach the token service ${url.origin}: ${e.message}`);
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryError(`token service ${url.origin} refused: HTTP ${res.status}`);
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token service ${url.origin} gave no token`);
    this.auth = `Bearer ${token}`;
  }

  async bytes(path: string, accept?: string, limit = 16 << 20): Promise<{ body: Buffer; type: string }> {
    const res = await this.get(path, accept);
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > limit) {
      await res.body?.cancel();
      throw new RegistryError(`${path} is ${length} bytes, more than a manifest or config may be`);
    }
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > limit) throw new RegistryError(`${path} is larger than a manifest or config may be`);

    return { body, type: (res.headers.get('content-type') ?? '').split(';')[0].trim() };
  }
}

const ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');

/** Read an image's metadata from a registry, streaming each layer once and never to disk. */
export async function pullImage(ref: string, opts: PullOptions = {}): Promise<ImageSnapshot> {
  const r = parseRef(ref);
  const base = registryBase(r, opts.insecure);
  const basic = await credentialsFor(r.registry, opts.authFile, opts.env ?? process.env);
  const client = new Client(base, r.repository, basic);
  const want = parsePlatform(opts.platform);

  let reference = r.digest ?? r.tag!;
  let manifest: Manifest | undefined;

  for (let depth = 0; depth < 4 && !manifest; depth++) {
    const { body } = await client.bytes(`manifests/${reference}`, ACCEPT);
    if (reference.startsWith('sha256:') && sha256Of(body) !== reference) {
      throw new ArchiveError(`manifest does not match its digest ${reference}`, ref);
    }
    const doc = parseJson(body, `${ref}: manifest`);
    if (isIndex(doc)) reference = pickManifest(doc, want, ref).digest;
    else if (isManifest(doc)) manifest = doc;
    else throw new ArchiveError('the registry returned neither a manifest nor an index', ref);
  }
  if (!manifest) throw new ArchiveError('image indexes nest too deep', ref);

  const digest = manifest.config.digest;
  const cached = await opts.cache?.get(digest);
  if (cached) return cached;

  const { body: configBytes } = await client.bytes(`blobs/${digest}`);
  if (sha256Of(configBytes) !== digest) throw new ArchiveError(`config does not match its digest ${digest}`, ref);
  const { config, platform } = configFromJson(parseJson(configBytes, `${ref}: config`));

  const totalBytes = manifest.layers.reduce((n, l) => n + (l.size ?? 0), 0);
  const layerCount = manifest.layers.length;
  const layers = manifest.layers;

  async function* stream(): AsyncGenerator<LayerInput> {
    for (const l of layers) {
      const res = await client.get(`blobs/${l.digest}`);
      if (!res.body) throw new ArchiveError('empty response body', l.digest);
      const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>, { highWaterMark: 1 << 20 });
      yield { digest: l.digest, mediaType: l.mediaType ?? '', stream: body };
    }
  }

  const onProgress = opts.onProgress;
  const snap = await scanLayers(stream(), {
    config,
    digest,
    platform,
    onProgress: onProgress && ((p) => onProgress({ ...p, totalBytes, layerCount })),
  });
  await opts.cache?.put(snap);

  return snap;
}
