// Docker's official rust images (rust-lang/docker-rust): rustup-init run as root with
// RUSTUP_HOME=/usr/local/rustup and CARGO_HOME=/usr/local/cargo, then `chmod -R a+w` on both, so
// any user can install crates and toolchains there; root at run time, no user added, cwd /.
// The full variant builds on buildpack-deps:SUITE, slim on debian:SUITE-slim with gcc, Alpine on
// plain Alpine with gcc.

import { DEFAULT_PATH } from '../state.js';
import { ALPINE } from './alpine.js';
import { DEBIAN_11, DEBIAN_11_SLIM, DEBIAN_12, SLIM, buildpackPython } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';

const REPO = 'https://github.com/rust-lang/docker-rust/blob/master';
const FULL_SRC = `${REPO}/stable/bookworm/Dockerfile`;
const SLIM_SRC = `${REPO}/stable/bookworm/slim/Dockerfile`;
const ALPINE_SRC = `${REPO}/stable/alpine3.22/Dockerfile`;
const BUILDPACK_SRC = 'https://github.com/docker-library/buildpack-deps/blob/master/debian/bookworm/Dockerfile';

type Variant = 'bookworm' | 'slim-bookworm' | 'bullseye' | 'slim-bullseye' | 'alpine';
const VARIANTS: Variant[] = ['bookworm', 'slim-bookworm', 'bullseye', 'slim-bullseye', 'alpine'];

const BASES: Record<Variant, Spec> = {
  bookworm: DEBIAN_12,
  'slim-bookworm': SLIM,
  bullseye: DEBIAN_11,
  'slim-bullseye': DEBIAN_11_SLIM,
  alpine: ALPINE,
};

// Folders and programs rustup-init makes as root (0755 under umask 022), after `chmod -R a+w`.
const OPEN = 0o777;

export function rustSpec(variant: Variant): Spec {
  const alpine = variant === 'alpine';
  const full = variant === 'bookworm' || variant === 'bullseye';
  const bins = ['cargo', 'rustc', 'rustup', 'rustdoc'];
  const py = full ? buildpackPython(variant === 'bookworm' ? 'bookworm' : 'bullseye') : undefined;

  return layer(BASES[variant], {
    summary: `Rust (${variant}): root, rustup and cargo homes in /usr/local opened to every ` +
      'user (chmod -R a+w), no user added',
    paths: [
      ['/usr/local/cargo', 'part', 'root:root', OPEN],
      ['/usr/local/cargo/bin', 'part', 'root:root', OPEN],
      ...bins.map((b) => [`/usr/local/cargo/bin/${b}`, 'file', 'root:root', OPEN] as Spec['paths'][number]),
      ['/usr/local/rustup', 'part', 'root:root', OPEN],
      ['/usr/local/rustup/toolchains', 'part', 'root:root', OPEN],
      ...(py?.paths ?? []),
    ],
    ...(py ? { pythons: py.pythons } : {}),
    config: {
      env: {
        RUSTUP_HOME: '/usr/local/rustup',
        CARGO_HOME: '/usr/local/cargo',
        PATH: `/usr/local/cargo/bin:${DEFAULT_PATH}`,
      },
    },
    packages: ['rust', 'cargo', 'rustup', 'gcc', ...(alpine ? ['ca-certificates'] : ['libc6-dev']), ...(py?.packages ?? [])],
    assumptions: [
      ['rust-modes', '/usr/local/cargo', 'rustup-init, run as root, is taken to make 0755 ' +
        'folders and programs (0644 data files) before the Dockerfile\'s `chmod -R a+w` opens ' +
        'them to every user (0777, 0666); the Dockerfile states only the a+w.', 'medium'],
      ...(py ? [py.assumption] : []),
    ],
    cites: [alpine ? ALPINE_SRC : full ? FULL_SRC : SLIM_SRC, ...(full ? [BUILDPACK_SRC] : [])],
  });
}

const entries: Entry[] = VARIANTS.map((variant) => ({ key: `rust:${variant}`, spec: () => rustSpec(variant) }));

/** Reads a rust tag: '1', '1.82', '1.82.0-slim-bookworm', 'slim', 'alpine3.20'... */
function readTag(tag: string): { version: string | null; rest: string } {
  const m = /^(\d+(?:\.\d+){0,2})(?:-(.*))?$/.exec(tag);
  if (m) return { version: m[1], rest: m[2] ?? '' };

  return { version: null, rest: tag === 'latest' ? '' : tag };
}

export const rustFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'rust') return null;
    const tag = ref.tag ?? 'latest';
    const inferred: AssumptionRow[] = [];
    const { version, rest } = readTag(tag);
    const words = rest === '' ? [] : rest.split('-');

    if (ref.tag === null && ref.digest !== null) {
      inferred.push(['rust-digest', ref.written, 'the reference names a digest and no tag; ' +
        'assuming a current Rust image on Debian 12 (bookworm).', 'medium']);
    } else if (tag === 'latest') {
      inferred.push(latestRow(ref, 'a current Rust image on Debian'));
    } else if (words.some((w) => !/^(alpine(\d+\.\d+)?|slim|bookworm|bullseye|trixie|buster|stretch)$/.test(w))) {
      inferred.push(['rust-tag', ref.written, `tag '${tag}' is not one the catalog understands; ` +
        'assuming a current Rust image on Debian 12 (bookworm).', 'low']);
    }

    const slim = words.includes('slim');
    let variant: Variant;
    if (words.some((w) => w.startsWith('alpine'))) variant = 'alpine';
    else if (words.includes('bullseye')) variant = slim ? 'slim-bullseye' : 'bullseye';
    else {
      variant = slim ? 'slim-bookworm' : 'bookworm';
      const suite = /(trixie|buster|stretch)/.exec(rest)?.[1];
      if (suite) {
        const release = suite === 'trixie' ? 'Debian 13 (trixie)' : suite === 'buster' ? 'Debian 10 (buster)' : 'Debian 9 (stretch)';
        inferred.push(['rust-suite', ref.written, `tag '${tag}' names ${release}, which the ` +
          'catalog does not describe; users, groups and modes are taken as bookworm (Debian 12) ' +
          'has them.', suite === 'trixie' ? 'medium' : 'low']);
      } else if (!words.includes('bookworm') && !inferred.some((r) => /^(rust-(tag|digest)|latest-tag)$/.test(r[0]))) {
        // Tags without a suite follow Debian's newest stable release, which moves.
        inferred.push(['rust-suite', ref.written, `tag '${tag}' names no Debian suite; assuming ` +
          'bookworm (Debian 12). Newer images may be built on trixie; users, groups and modes ' +
          'are taken as bookworm has them.', 'medium']);
      }
    }

    const spec = rustSpec(variant);
    const full = version !== null && /^\d+\.\d+\.\d+$/.test(version);

    return {
      key: `rust:${variant}`,
      spec: full ? layer(spec, { config: { env: { RUST_VERSION: version } } }) : spec,
      inferred,
    };
  },
};
