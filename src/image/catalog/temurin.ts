// The official eclipse-temurin images (adoptium/containers): Adoptium's JDK or JRE tarball
// unpacked by root into JAVA_HOME=/opt/java/openjdk (tar --no-same-owner, so root owns it),
// JAVA_HOME/bin put first on PATH, a CA-certificate entrypoint script in front of the command,
// root at run time and no user added. Ubuntu variants build on ubuntu:24.04 (noble), 22.04
// (jammy) or 20.04 (focal), so the noble ones carry Ubuntu's own user `ubuntu` at uid 1000;
// Alpine variants on plain Alpine. The UBI and Windows variants are not described here.

import { DEFAULT_PATH } from '../state.js';
import { ALPINE } from './alpine.js';
import { UBUNTU } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, PathRow, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';

const REPO = 'https://github.com/adoptium/containers/blob/main';
// FROM ubuntu:24.04, ENV JAVA_HOME and PATH, the tarball unpacked with --no-same-owner,
// COPY --chmod=755 entrypoint.sh /__cacert_entrypoint.sh, CMD ["jshell"] (read at commit
// 02b2232323f715945c6cf911f1092af8fb2372c5).
export const TEMURIN_JDK_SRC = `${REPO}/21/jdk/ubuntu/noble/Dockerfile`;
// The JRE images end at the ENTRYPOINT: no CMD of their own (commit 114af24e5227).
const TEMURIN_JRE_SRC = `${REPO}/21/jre/alpine/3.22/Dockerfile`;
// JDK 8 has no jshell and sets no CMD (commit 0062d7960c45).
const TEMURIN_8_SRC = `${REPO}/8/jdk/ubuntu/noble/Dockerfile`;
// What the entrypoint does: only with USE_SYSTEM_CA_CERTS set it imports certificates (into a
// temporary truststore when cacerts is not writable, into the system store only as root), then
// `exec "$@"` (commit 089349e2a5c5).
const ENTRYPOINT_SRC = `${REPO}/21/jdk/ubuntu/jammy/entrypoint.sh`;

export type TemurinVariant = 'noble' | 'jammy' | 'focal' | 'alpine';
export type JavaKind = 'jdk' | 'jre';
const VARIANTS: TemurinVariant[] = ['noble', 'jammy', 'focal', 'alpine'];

const BASES: Record<TemurinVariant, Spec> = {
  noble: UBUNTU['24.04'],
  jammy: UBUNTU['22.04'],
  focal: UBUNTU['20.04'],
  alpine: ALPINE,
};

export const JAVA_HOME = '/opt/java/openjdk';

/** The JDK or JRE image of one variant; `major` only decides whether a JDK has jshell (9 on). */
export function temurinSpec(variant: TemurinVariant, kind: JavaKind, major: number | null = null): Spec {
  const alpine = variant === 'alpine';
  const jshell = kind === 'jdk' && (major === null || major >= 9);
  const programs = kind === 'jdk' ? ['java', 'javac', 'jar', 'keytool', ...(jshell ? ['jshell'] : [])] : ['java', 'keytool'];
  const paths: PathRow[] = [
    ['/opt/java', 'dir', 'root:root', 0o755],
    [JAVA_HOME, 'part', 'root:root', 0o755],
    [`${JAVA_HOME}/bin`, 'part', 'root:root', 0o755],
    ...programs.map((p) => [`${JAVA_HOME}/bin/${p}`, 'file', 'root:root', 0o755] as PathRow),
    [`${JAVA_HOME}/lib`, 'part', 'root:root', 0o755],
    [`${JAVA_HOME}/lib/security`, 'part', 'root:root', 0o755],
    // The truststore the entrypoint adds certificates to; root-owned, so a non-root user with
    // USE_SYSTEM_CA_CERTS gets a temporary copy instead.
    [`${JAVA_HOME}/lib/security/cacerts`, 'file', 'root:root', 0o644],
    ['/__cacert_entrypoint.sh', 'file', 'root:root', 0o755],
  ];

  return layer(BASES[variant], {
    summary: `Eclipse Temurin ${kind.toUpperCase()} (${alpine ? 'Alpine' : `Ubuntu ${variant}`}): root, ` +
      `Java in ${JAVA_HOME} owned by root, no user added` +
      (variant === 'noble' ? " (Ubuntu's user ubuntu 1000 is there)" : ''),
    paths,
    config: {
      env: {
        JAVA_HOME,
        PATH: `${JAVA_HOME}/bin:${DEFAULT_PATH}`,
        LANG: 'en_US.UTF-8',
        LANGUAGE: 'en_US:en',
        LC_ALL: 'en_US.UTF-8',
      },
      entrypoint: ['/__cacert_entrypoint.sh'],
      // A JRE image and the JDK 8 one keep the base's CMD (bash on Ubuntu, /bin/sh on Alpine).
      ...(jshell ? { cmd: ['jshell'] } : {}),
    },
    packages: alpine
      ? ['java', 'fontconfig', 'ttf-dejavu', 'gnupg', 'ca-certificates', 'p11-kit-trust', 'musl-locales', 'tzdata', 'coreutils', 'openssl']
      : ['java', 'curl', 'wget', 'fontconfig', 'ca-certificates', 'p11-kit', 'binutils', 'tzdata', 'locales'],
    assumptions: [
      ['temurin-modes', JAVA_HOME, `the Java tree in ${JAVA_HOME} is taken as root:root with 0755 ` +
        'folders and programs and 0644 files (cacerts included): root unpacks it with ' +
        '--no-same-owner; the modes come from the tarball, which the Dockerfile does not state.', 'medium'],
      ['temurin-entrypoint', '/__cacert_entrypoint.sh', '/__cacert_entrypoint.sh is taken to change ' +
        'nothing unless USE_SYSTEM_CA_CERTS is set, and then to run the command with `exec "$@"` ' +
        'as the same user; images from before the script existed start the command directly.', 'medium'],
    ],
    cites: [kind === 'jdk' ? TEMURIN_JDK_SRC : TEMURIN_JRE_SRC, ...(kind === 'jdk' && !jshell ? [TEMURIN_8_SRC] : []), ENTRYPOINT_SRC],
  });
}

const entries: Entry[] = VARIANTS.flatMap((variant) =>
  (['jdk', 'jre'] as JavaKind[]).map((kind) => ({
    key: `eclipse-temurin:${kind}-${variant}`,
    spec: () => temurinSpec(variant, kind),
  })),
);

/** Words of a temurin tag that name a Linux base the catalog has no entry for, or Windows. */
const ELSEWHERE = /^(ubi\d*|minimal|windowsservercore|nanoserver|ltsc\d+|\d{4}|sid|slim)$/;

/** What a tag says: Java major release, JDK or JRE, Ubuntu release or Alpine, unread words. */
export interface JavaTag {
  major: number | null;
  kind: JavaKind | null;
  variant: TemurinVariant | null;
  other: string[];
  elsewhere: boolean;
}

/**
 * Reads the Java part of a tag: '21', '21-jre', '21.0.4_7-jdk-noble', '8u422-b05-jdk-focal',
 * '17-jdk-alpine', '21-jre-alpine-3.21', 'jammy'... `words` are the tag's '-'-separated words.
 */
export function readJavaWords(words: string[]): JavaTag {
  const out: JavaTag = { major: null, kind: null, variant: null, other: [], elsewhere: false };
  for (const w of words) {
    const v = /^(\d+)(?:u\d+|[._+\d]*)$/.exec(w);
    if (v && out.major === null) out.major = Number(v[1]);
    else if (/^b\d+$/.test(w) || /^\d+\.\d+$/.test(w)) continue; // 8u422-b05; alpine-3.21
    else if (w === 'jdk' || w === 'jre') out.kind = w;
    else if (w === 'noble' || w === 'jammy' || w === 'focal') out.variant = w;
    else if (/^alpine(\d+\.\d+)?$/.test(w)) out.variant = 'alpine';
    else if (ELSEWHERE.test(w)) out.elsewhere = true;
    else out.other.push(w);
  }

  return out;
}

/** The Ubuntu release a tag without one gets, with the row that says so. */
export function defaultUbuntu(ref: ImageRef, who: string, prefix: string): AssumptionRow {
  return [`${prefix}-ubuntu`, ref.written, `tag '${ref.tag ?? 'latest'}' names no Ubuntu release; ` +
    `assuming ${who} on Ubuntu 24.04 (noble), as the current images are, where Ubuntu's user ` +
    'ubuntu has uid 1000. Images built before the move to noble were on jammy (22.04), without it.', 'medium'];
}

export const temurinFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'eclipse-temurin') return null;
    const tag = ref.tag ?? 'latest';
    const t = readJavaWords(tag === 'latest' ? [] : tag.split('-'));
    // UBI (Red Hat) and Windows variants: not described; the generic guess says so.
    if (t.elsewhere) return null;
    const inferred: AssumptionRow[] = [];

    if (ref.tag === null && ref.digest !== null) {
      inferred.push(['temurin-digest', ref.written, 'the reference names a digest and no tag; ' +
        'assuming a current Temurin JDK image on Ubuntu 24.04 (noble).', 'medium']);
    } else if (tag === 'latest') {
      inferred.push(latestRow(ref, 'the current LTS Temurin JDK on Ubuntu 24.04 (noble)'));
    } else if (t.other.length > 0) {
      inferred.push(['temurin-tag', ref.written, `tag '${tag}' is not one the catalog understands; ` +
        'assuming a Temurin JDK image on Ubuntu 24.04 (noble).', 'low']);
    }
    const variant = t.variant ?? 'noble';
    if (t.variant === null && inferred.length === 0) inferred.push(defaultUbuntu(ref, 'a Temurin image', 'temurin'));
    const kind = t.kind ?? 'jdk';

    return { key: `eclipse-temurin:${kind}-${variant}`, spec: temurinSpec(variant, kind, t.major), inferred };
  },
};
