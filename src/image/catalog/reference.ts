// Taking a FROM reference apart the way the engines do (distribution/reference's normalised
// names): a first component with a dot, a colon or 'localhost' is a registry; Docker Hub
// references may carry docker.io/ and library/; a tag follows the last ':' after the last '/'.

import type { ImageRef } from './spec.js';

/** Hosts that serve Docker Hub's repositories under the same names. */
const HUB_HOSTS = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
  // Google's and AWS's pull-through copies of Docker Hub (official images under library/).
  'mirror.gcr.io',
]);

/** Registries whose copies keep the upstream name, so the catalog entry still applies. */
const LOCAL = /^(localhost|127\.0\.0\.1)(:\d+)?$/;

export function parseRef(written: string): ImageRef {
  let rest = written.trim();
  let digest: string | null = null;

  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }

  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }

  const parts = rest.toLowerCase().split('/');
  let registry = '';
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) {
    registry = parts.shift()!;
  }

  // Local copies (podman import, a loopback registry) and Docker Hub hosts name the same image.
  if (HUB_HOSTS.has(registry) || LOCAL.test(registry)) registry = '';
  if (registry === 'public.ecr.aws' && parts[0] === 'docker' && parts[1] === 'library') {
    registry = '';
    parts.shift();
  }
  if (registry === '' && parts[0] === 'library' && parts.length > 1) parts.shift();

  return { written, registry, repo: parts.join('/'), tag: tag === '' ? null : tag, digest };
}
