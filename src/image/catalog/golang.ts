// Docker's official golang images (docker-library/golang): the Go release unpacked into
// /usr/local/go by root, GOPATH /go made world-writable with the sticky bit, WORKDIR /go, root at
// run time, no user added. Debian variants build on buildpack-deps:SUITE-scm plus the C tools cgo
// needs; Alpine ones on plain Alpine.

import { DEFAULT_PATH } from '../state.js';
import { ALPINE } from './alpine.js';
import { DEBIAN_11, DEBIAN_12, buildpackPython } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';

const REPO = 'https://github.com/docker-library/golang/blob/master';
const DEBIAN_SRC = `${REPO}/1.24/bookworm/Dockerfile`;
const ALPINE_SRC = `${REPO}/1.24/alpine3.22/Dockerfile`;
const GO_120_SRC = `${REPO}/1.20/bookworm/Dockerfile`;
const GO_112_SRC = `${REPO}/1.12/buster/Dockerfile`;
const TOOLCHAIN_ISSUE = 'https://github.com/docker-library/golang/issues/472';
const SCM_SRC = 'https://github.com/docker-library/buildpack-deps/blob/master/debian/bookworm/scm/Dockerfile';

/** Go release lines whose images have the layout described here (GOPATH 1777). */
export const GO_VERSIONS = ['1.20', '1.21', '1.22', '1.23', '1.24', '1.25'];

type Variant = 'bookworm' | 'bullseye' | 'alpine';
const VARIANTS: Variant[] = ['bookworm', 'bullseye', 'alpine'];

const BASES: Record<Variant, Spec> = { bookworm: DEBIAN_12, bullseye: DEBIAN_11, alpine: ALPINE };

/**
 * The golang image of one variant. `gopathMode` is 0o1777 for the images of Go 1.20 on and
 * 0o777 for older ones (`chmod -R 777 "$GOPATH"`); `toolchain` whether GOTOOLCHAIN=local is set
 * (Go 1.21 on, when the toolchain switch arrived).
 */
export function golangSpec(variant: Variant, gopathMode = 0o1777, toolchain = true): Spec {
  const alpine = variant === 'alpine';
  const env: Record<string, string> = {
    GOPATH: '/go',
    PATH: `/go/bin:/usr/local/go/bin:${DEFAULT_PATH}`,
  };
  if (toolchain) env.GOTOOLCHAIN = 'local';

  const py = alpine ? undefined : buildpackPython(variant);

  return layer(BASES[variant], {
    summary: `Go (${variant}): root, Go in /usr/local/go owned by root, GOPATH /go ` +
      `${gopathMode.toString(8).padStart(4, '0')} for any user, WORKDIR /go`,
    paths: [
      ['/usr/local/go', 'part', 'root:root', 0o755],
      ['/usr/local/go/bin', 'part', 'root:root', 0o755],
      ['/usr/local/go/bin/go', 'file', 'root:root', 0o755],
      ['/usr/local/go/bin/gofmt', 'file', 'root:root', 0o755],
      // mkdir -p "$GOPATH/src" "$GOPATH/bin" && chmod -R 1777 "$GOPATH", as root: nothing else
      // is in it; `go install` and the module cache (/go/pkg) are made by whoever runs go first.
      ['/go', 'dir', 'root:root', gopathMode],
      ['/go/src', 'dir', 'root:root', gopathMode],
      ['/go/bin', 'dir', 'root:root', gopathMode],
      ...(py?.paths ?? []),
    ],
    ...(py ? { pythons: py.pythons } : {}),
    config: { env, workdir: '/go' },
    packages: alpine
      ? ['go', 'ca-certificates']
      : ['go', 'g++', 'gcc', 'libc6-dev', 'make', 'pkg-config', 'git', 'curl', 'wget', ...(py?.packages ?? [])],
    assumptions: [
      ['golang-tree', '/usr/local/go', 'the Go tree in /usr/local/go is taken as root:root with ' +
        '0755 folders and programs, as root unpacks the release tarball; the Dockerfile does ' +
        'not state its modes.', 'medium'],
      ...(py ? [py.assumption] : []),
    ],
    cites: [alpine ? ALPINE_SRC : DEBIAN_SRC, GO_120_SRC, GO_112_SRC, TOOLCHAIN_ISSUE, ...(alpine ? [] : [SCM_SRC])],
  });
}

const entries: Entry[] = VARIANTS.map((variant) => ({ key: `golang:${variant}`, spec: () => golangSpec(variant) }));

/** Reads a golang tag: '1.22', '1.22.5-bookworm', '1-alpine3.20', 'alpine', '1.23rc1'... */
function readTag(tag: string): { version: string | null; rest: string } {
  const m = /^(\d+(?:\.\d+){0,2}(?:(?:rc|beta)\d+)?)(?:-(.*))?$/.exec(tag);
  if (m) return { version: m[1], rest: m[2] ?? '' };

  return { version: null, rest: tag === 'latest' ? '' : tag };
}

/** '1.22.5' -> 22 (the minor release of Go 1), null for '1' and other shapes. */
function goMinor(version: string): number | null {
  const m = /^1\.(\d+)/.exec(version);

  return m ? Number(m[1]) : null;
}

export const golangFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'golang') return null;
    const tag = ref.tag ?? 'latest';
    const inferred: AssumptionRow[] = [];
    const { version, rest } = readTag(tag);
    const words = rest === '' ? [] : rest.split('-');
    const minor = version === null ? null : goMinor(version);
    const line = minor === null ? null : `1.${minor}`;

    if (ref.tag === null && ref.digest !== null) {
      inferred.push(['golang-digest', ref.written, 'the reference names a digest and no tag; ' +
        'assuming a current Go image on Debian 12 (bookworm).', 'medium']);
    } else if (tag === 'latest') {
      inferred.push(latestRow(ref, 'a current Go image on Debian'));
    } else if (words.some((w) => !/^(alpine(\d+\.\d+)?|bookworm|bullseye|trixie|buster|stretch)$/.test(w))) {
      const windows = words.some((w) => /windows|nanoserver|servercore/.test(w));
      inferred.push(['golang-tag', ref.written, windows
        ? `tag '${tag}' is a Windows image; uidctl models Linux images only and takes it as the Debian 12 one.`
        : `tag '${tag}' is not one the catalog understands; assuming a current Go image on Debian 12 (bookworm).`, 'low']);
    } else if (line !== null && minor !== null && !GO_VERSIONS.includes(line)) {
      inferred.push(['golang-version', ref.written, minor < 20
        ? `Go ${line} is older than the catalog: its images are taken to have GOPATH /go 0777 ` +
          '(chmod -R 777, as the Dockerfile of Go 1.12 has), without the sticky bit of newer ones.'
        : `Go ${line} is not in the catalog; its users and paths are taken as those of the current images.`,
      'medium']);
    }

    let variant: Variant;
    if (words.some((w) => w.startsWith('alpine'))) variant = 'alpine';
    else if (words.includes('bullseye')) variant = 'bullseye';
    else {
      variant = 'bookworm';
      const suite = /(trixie|buster|stretch)/.exec(rest)?.[1];
      if (suite) {
        const release = suite === 'trixie' ? 'Debian 13 (trixie)' : suite === 'buster' ? 'Debian 10 (buster)' : 'Debian 9 (stretch)';
        inferred.push(['golang-suite', ref.written, `tag '${tag}' names ${release}, which the ` +
          'catalog does not describe; users, groups and modes are taken as bookworm (Debian 12) ' +
          'has them.', suite === 'trixie' ? 'medium' : 'low']);
      } else if (!words.includes('bookworm') && !inferred.some((r) => /^(golang-(tag|digest)|latest-tag)$/.test(r[0]))) {
        // Tags without a suite follow Debian's newest stable release, which moves.
        inferred.push(['golang-suite', ref.written, `tag '${tag}' names no Debian suite; assuming ` +
          'bookworm (Debian 12). Newer images may be built on trixie; users, groups and modes ' +
          'are taken as bookworm has them.', 'medium']);
      }
    }

    const old = minor !== null && minor < 20;
    const spec = golangSpec(variant, old ? 0o777 : 0o1777, minor === null || minor >= 21);
    const full = version !== null && /^\d+\.\d+\.\d+$/.test(version);

    return {
      key: `golang:${variant}`,
      spec: full ? layer(spec, { config: { env: { GOLANG_VERSION: version } } }) : spec,
      inferred,
    };
  },
};
