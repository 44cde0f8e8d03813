// The JSON of the OCI image spec and Docker's v2 schema 2, reduced to what the readers need:
// choosing a manifest for a platform out of an index, and reading the image config.

import { createHash } from 'node:crypto';
import type { SnapshotConfig } from './layers.js';
import { ArchiveError } from './tar.js';

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
};

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface Manifest {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface Index {
  mediaType?: string;
  manifests: Descriptor[];
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Node's process.arch in the words of the OCI spec (GOARCH). */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386', ppc64: 'ppc64le' };

  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}

export function parsePlatform(text: string | undefined): Platform {
  if (!text) return hostPlatform();
  const [os, architecture, variant] = text.split('/');
  if (!os || !architecture) throw new ArchiveError(`platform "${text}" is not of the form os/arch[/variant]`);

  return { os, architecture, variant };
}

export function formatPlatform(p: { os?: string; architecture?: string; variant?: string }): string {
  return [p.os ?? '?', p.architecture ?? '?', ...(p.variant ? [p.variant] : [])].join('/');
}

export function isIndex(doc: unknown): doc is Index {
  const d = doc as Index;

  return Array.isArray(d?.manifests) && (d.mediaType === undefined || d.mediaType === MEDIA.ociIndex || d.mediaType === MEDIA.dockerList);
}

export function isManifest(doc: unknown): doc is Manifest {
  const d = doc as Manifest;

  return typeof d?.config?.digest === 'string' && Array.isArray(d.layers);
}

/**
 * The manifest descriptor of an index for a platform, as containerd's platform matcher picks:
 * same os and architecture, the variant when one was asked for (arm64 defaults to v8).
 * Attestation entries ("unknown/unknown") never match.
 */
export function pickManifest(index: Index, want: Platform, label: string): Descriptor {
  const entries = index.manifests.filter((m) => m.platform?.os !== 'unknown');
  if (entries.length === 1 && !entries[0].platform) return entries[0];

  const normVariant = (arch: string | undefined, v: string | undefined) =>
    v ?? (arch === 'arm64' ? 'v8' : undefined);
  const match = entries.find(
    (m) =>
      m.platform?.os === want.os &&
      m.platform?.architecture === want.architecture &&
      (want.variant === undefined ||
        normVariant(m.platform.architecture, m.platform.variant) === normVariant(want.architecture, want.variant)),
  );
  if (match) return match;

  const offered = entries.map((m) => (m.platform ? formatPlatform(m.platform) : 'unspecified')).join(', ');
  throw new ArchiveError(`no image for platform ${formatPlatform(want)} (offered: ${offered || 'none'})`, label);
}

export function sha256Of(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Parse JSON that came from outside, with the source in the error. */
export function parseJson(bytes: Uint8Array | string, what: string): unknown {
  try {
    return JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new ArchiveError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

const strings = (v: unknown): string[] | null =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null;

/** The parts of an image config (OCI image-spec config.md, same keys as Docker's) we use. */
export function configFromJson(doc: unknown): { config: SnapshotConfig; platform?: string } {
  const d = (doc ?? {}) as Record<string, unknown>;
  const c = (d.config ?? {}) as Record<string, unknown>;
  const keys = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).sort() : []);
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries((c.Labels ?? {}) as Record<string, unknown>)) labels[k] = String(v);

  const config: SnapshotConfig = {
    user: typeof c.User === 'string' ? c.User : '',
    workingDir: typeof c.WorkingDir === 'string' ? c.WorkingDir : '',
    env: strings(c.Env) ?? [],
    entrypoint: strings(c.Entrypoint),
    cmd: strings(c.Cmd),
    volumes: keys(c.Volumes),
    labels,
    exposedPorts: keys(c.ExposedPorts),
  };
  const shell = strings(c.Shell);
  if (shell) config.shell = shell;

  const platform =
    typeof d.os === 'string' && typeof d.architecture === 'string'
      ? formatPlatform({ os: d.os, architecture: d.architecture, variant: d.variant as string | undefined })
      : undefined;

  return { config, platform };
}

/** "sha256:abc" -> "blobs/sha256/abc", refusing anything that is not a plain digest. */
export function blobPath(digest: string): string {
  const m = digest.match(/^([a-z0-9]+):([a-f0-9]{32,128})$/);
  if (!m) throw new ArchiveError(`"${digest}" is not a valid digest`);

  return `blobs/${m[1]}/${m[2]}`;
}
