// From a FROM reference to the ImageState the simulator starts with: a catalog entry, a family
// entry with what the tag made us guess, or a plainly stated generic Debian-like guess.

import type { Assumption, ImageState } from '../../model/types.js';
import { cloneState, scratchState } from '../state.js';
import { ALPINE, alpineFamily } from './alpine.js';
import { condaFamily } from './conda.js';
import { DEBIAN_12, debianFamily, ubuntuFamily } from './debian.js';
import { chainguardFamily, distrolessFamily } from './distroless.js';
import { golangFamily } from './golang.js';
import { gradleFamily } from './gradle.js';
import { jupyterFamily } from './jupyter.js';
import { jupyterhubFamily } from './jupyterhub.js';
import { mavenFamily } from './maven.js';
import { nginxFamily } from './nginx.js';
import { nodeFamily } from './node.js';
import { openjdkFamily } from './openjdk.js';
import { phpFamily } from './php.js';
import { devcontainersFamily } from './devcontainers.js';
import { cudaFamily, ngcFamily } from './nvidia.js';
import { pythonFamily } from './python.js';
import { pytorchFamily } from './pytorch.js';
import { rosFamily } from './ros.js';
import { rustFamily } from './rust.js';
import { temurinFamily } from './temurin.js';
import { tensorflowFamily } from './tensorflow.js';
import { parseRef } from './reference.js';
import type { Family, Pick, Spec } from './spec.js';
import { buildState, layer } from './spec.js';

export interface BaseResolution {
  state: ImageState;
  /** The catalog key used, null for scratch and for unknown bases. */
  key: string | null;
  matched: 'exact' | 'family' | 'generic' | 'scratch';
  /** Everything taken for granted, also present in state.assumptions. */
  assumptions: Assumption[];
}

/** Families in lookup order; each recognises its own repositories. */
export const FAMILIES: Family[] = [
  debianFamily,
  ubuntuFamily,
  pythonFamily,
  cudaFamily,
  ngcFamily,
  pytorchFamily,
  tensorflowFamily,
  jupyterFamily,
  jupyterhubFamily,
  condaFamily,
  nodeFamily,
  golangFamily,
  rustFamily,
  nginxFamily,
  phpFamily,
  temurinFamily,
  mavenFamily,
  gradleFamily,
  openjdkFamily,
  rosFamily,
  devcontainersFamily,
  alpineFamily,
  distrolessFamily,
  chainguardFamily,
];

/** Windows base images: Server Core, Nano Server, and the Windows-only images built on them. */
const WINDOWS = /(^|\/)windows(\/|$)|(^|[/:_.-])(nanoserver|windowsservercore|servercore)([/_:.-]|$)/i;

/** The id of the assumption a Windows base stands for: the analysis then says nothing else. */
export const WINDOWS_BASE = 'base:windows';

function windowsAssumption(written: string): Assumption {
  return {
    id: WINDOWS_BASE,
    subject: written,
    text: `base image ${written} is a Windows image: uidctl models Linux images (users and groups from /etc/passwd, owners and mode bits); a Windows container has none of these, so no finding about its users or file access is made`,
    confidence: 'low',
  };
}

function genericAssumption(written: string, alpine: boolean): Assumption {
  const text = alpine
    ? `base image ${written} is not in the catalog; its name or tag says Alpine, so assuming an ` +
      'Alpine-like image running as root with the Alpine users and groups (no user at uid ' +
      '1000) and BusyBox tools, /tmp 1777, /root 0700, no sudo and no Python. Users, owners and ' +
      'modes it really has are unknown; give an image archive or an engine to read them.'
    : `base image ${written} is not in the catalog; assuming a Debian-like image running as root ` +
      'with the Debian 12 users and groups (no user at uid 1000), /tmp 1777, /root 0700, no sudo ' +
      'and no Python. Users, owners and modes it really has are unknown; give an image archive ' +
      'or an engine to read them.';

  return { id: 'base:unknown-image', subject: written, text, confidence: 'low' };
}

/**
 * States built from specs, by catalog key and spec: a folder of public Dockerfiles names
 * hundreds of different references (node:18, node:20-alpine, python:3.11-slim, golang, ...)
 * that come down to a few specs, and building a state costs several times copying one
 * (0.5-1 ms against 0.07 ms). buildState depends on the reference only for state.base.
 */
const built = new Map<string, ImageState>();

function stateOf(spec: Spec, key: string, base: string): ImageState {
  const id = `${key}\n${JSON.stringify(spec)}`;
  let state = built.get(id);
  if (!state) {
    state = buildState(spec, key, '');
    built.set(id, state);
  }
  const copy = cloneState(state);
  copy.base = base;

  return copy;
}

const genericSpecs = new Map<'debian' | 'alpine', Spec>();

/** A distribution's spec with every directory listing partial: nothing in it is fully known. */
function genericSpecOf(like: 'debian' | 'alpine'): Spec {
  let spec = genericSpecs.get(like);
  if (!spec) {
    const from = like === 'alpine' ? ALPINE : DEBIAN_12;
    spec = layer(from, {
      summary: `unknown base: generic ${like === 'alpine' ? 'Alpine' : 'Debian'}-like guess`,
      paths: from.paths
        .filter((r) => r[1] === 'dir')
        .map((r) => [r[0], 'part', r[2], r[3]] as Spec['paths'][number]),
    });
    // The Alpine guess keeps its distribution, so BusyBox's adduser and addgroup are the ones
    // that run; the Debian one is only "Debian-like".
    if (like === 'debian') spec.distro = 'unknown';
    spec.assumptions = [];
    spec.cites = [];
    genericSpecs.set(like, spec);
  }

  return spec;
}

/**
 * The state every base outside the catalog gets; only its reference and assumption differ. A
 * tag or name that says Alpine or BusyBox (redis:7-alpine, alpine/helm) gets the Alpine guess.
 */
function generic(written: string, tag: string | null, repo: string): ImageState {
  // The tag (redis:7-alpine) or the name (alpine/helm, busybox) says BusyBox.
  const alpine = (tag !== null && /(^|[-_.])alpine/.test(tag)) || /(^|[/_.-])(alpine|busybox)([/_.-]|$)/.test(repo);
  const state = stateOf(genericSpecOf(alpine ? 'alpine' : 'debian'), alpine ? 'generic-alpine' : 'generic', written);
  state.assumptions = [WINDOWS.test(written) ? windowsAssumption(written) : genericAssumption(written, alpine)];
  state.provenance = [{ source: 'assumption', ref: written }];

  return state;
}

/**
 * Resolve a FROM reference (after ARG expansion). Pure: the same reference always gives an
 * equal, freshly built state that the caller may change.
 */
// Building a state from its spec costs more than copying one: keep each resolution and hand out
// copies, so callers may change what they get.
const resolved = new Map<string, BaseResolution>();

export function resolveBase(ref: string): BaseResolution {
  let hit = resolved.get(ref);
  if (!hit) {
    hit = resolveUncached(ref);
    resolved.set(ref, hit);
  }

  return { ...hit, state: cloneState(hit.state), assumptions: [...hit.assumptions] };
}

function resolveUncached(ref: string): BaseResolution {
  const parsed = parseRef(ref);

  if (parsed.repo === 'scratch' && parsed.registry === '') {
    return { state: scratchState(), key: null, matched: 'scratch', assumptions: [] };
  }

  let pick: Pick | null = null;
  for (const family of FAMILIES) {
    pick = family.pick(parsed);
    if (pick) break;
  }

  if (!pick) {
    const state = generic(ref.trim(), parsed.tag, parsed.repo);

    return { state, key: null, matched: 'generic', assumptions: [...state.assumptions] };
  }

  const state = stateOf(pick.spec, pick.key, ref.trim());
  const inferred: Assumption[] = pick.inferred.map(([id, subject, text, confidence]) => ({
    id: `base:${id}`,
    subject,
    text,
    confidence,
  }));
  state.assumptions = [...inferred, ...state.assumptions];

  return {
    state,
    key: pick.key,
    matched: inferred.length > 0 ? 'family' : 'exact',
    assumptions: [...state.assumptions],
  };
}

export interface CatalogDescription {
  key: string;
  summary: string;
  sources: string[];
}

export function catalogKeys(): string[] {
  return FAMILIES.flatMap((f) => f.entries.map((e) => e.key));
}

/** One line per entry for `uidctl catalog`: key, what it is, where the facts come from. */
export function describeCatalog(): CatalogDescription[] {
  return FAMILIES.flatMap((f) =>
    f.entries.map((e) => {
      const spec = e.spec();

      return { key: e.key, summary: spec.summary, sources: [...spec.cites] };
    }),
  );
}

/** The state of one catalog entry by its key, or undefined. */
export function catalogState(key: string): ImageState | undefined {
  for (const f of FAMILIES) {
    const e = f.entries.find((x) => x.key === key);
    if (e) return buildState(e.spec(), key, key);
  }

  return undefined;
}
