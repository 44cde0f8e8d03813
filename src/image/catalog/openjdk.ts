// Docker's deprecated official openjdk images (docker-library/openjdk), their Debian variants: the
// JDK or JRE tarball unpacked by root into JAVA_HOME=/usr/local/openjdk-N (tar --no-same-owner),
// JAVA_HOME/bin first on PATH, LANG C.UTF-8, a ca-certificates hook that rebuilds cacerts, root at
// run time, no user added. The full images build on buildpack-deps:SUITE-scm, the slim ones on
// debian:SUITE-slim. Tags without a Debian suite were on Debian for Java 8 and 11 and on Oracle
// Linux for 12 and later, except the -slim ones, which are Debian for every release; the Oracle Linux, Alpine and Windows variants are not described here.

import { DEFAULT_PATH } from '../state.js';
import { DEBIAN_11, DEBIAN_11_SLIM, buildpackPython } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, PathRow, Pick, Spec } from './spec.js';
import { layer } from './spec.js';

const REPO = 'https://github.com/docker-library/openjdk/blob/master';
// FROM buildpack-deps:bullseye-scm; ENV JAVA_HOME /usr/local/openjdk-11; the docker-java-home
// shim in /usr/local/bin; PATH, LANG C.UTF-8; tar --no-same-owner; the ca-certificates hook
// /etc/ca-certificates/update.d/docker-openjdk (chmod +x); CMD ["jshell"]
// (commit 43b2bb2e1424f5e62064ed52d638d3381df15683).
const FULL_SRC = `${REPO}/11/jdk/bullseye/Dockerfile`;
// FROM debian:bullseye-slim, the same steps for Java 17, no docker-java-home
// (commit 41610205127c2a4f0af64f68b859726993503a89).
const SLIM_SRC = `${REPO}/17/jdk/slim-bullseye/Dockerfile`;

type Variant = 'bullseye' | 'slim-bullseye';
type Kind = 'jdk' | 'jre';

export function openjdkSpec(variant: Variant, kind: Kind, major: number): Spec {
  const slim = variant === 'slim-bullseye';
  const home = `/usr/local/openjdk-${major}`;
  const jshell = kind === 'jdk' && major >= 9;
  const py = slim ? undefined : buildpackPython('bullseye');
  const paths: PathRow[] = [
    [home, 'part', 'root:root', 0o755],
    [`${home}/bin`, 'part', 'root:root', 0o755],
    [`${home}/bin/java`, 'file', 'root:root', 0o755],
    ...(kind === 'jdk' ? [[`${home}/bin/javac`, 'file', 'root:root', 0o755] as PathRow] : []),
    ...(jshell ? [[`${home}/bin/jshell`, 'file', 'root:root', 0o755] as PathRow] : []),
    [`${home}/lib`, 'part', 'root:root', 0o755],
    [`${home}/lib/security`, 'part', 'root:root', 0o755],
    [`${home}/lib/security/cacerts`, 'file', 'root:root', 0o644],
    ['/etc/ca-certificates', 'part', 'root:root', 0o755],
    ['/etc/ca-certificates/update.d', 'part', 'root:root', 0o755],
    ['/etc/ca-certificates/update.d/docker-openjdk', 'file', 'root:root', 0o755],
    // The backwards-compatibility shim of the Java 8 and 11 images.
    ...(major <= 11 ? [['/usr/local/bin/docker-java-home', 'file', 'root:root', 0o755] as PathRow] : []),
    ...(py?.paths ?? []),
  ];

  return layer(slim ? DEBIAN_11_SLIM : DEBIAN_11, {
    summary: `OpenJDK ${major} ${kind.toUpperCase()} (Debian 11${slim ? ' slim' : ''}): root, Java in ${home} ` +
      'owned by root, no user added',
    paths,
    ...(py ? { pythons: py.pythons } : {}),
    config: {
      env: { JAVA_HOME: home, PATH: `${home}/bin:${DEFAULT_PATH}`, LANG: 'C.UTF-8' },
      ...(jshell ? { cmd: ['jshell'] } : {}),
    },
    packages: ['java', 'ca-certificates', 'p11-kit', ...(slim ? [] : ['bzip2', 'unzip', 'xz-utils', 'fontconfig', 'libfreetype6', ...(py?.packages ?? [])])],
    assumptions: [
      ['openjdk-modes', home, `the Java tree in ${home} is taken as root:root with 0755 folders ` +
        'and programs and 0644 files: root unpacks it with --no-same-owner; the modes come from ' +
        'the tarball.', 'medium'],
      ['openjdk-deprecated', home, 'the openjdk images are deprecated and no longer updated; ' +
        'their last Debian builds are on bullseye (Debian 11).', 'medium'],
      ...(py ? [py.assumption] : []),
    ],
    cites: [slim ? SLIM_SRC : FULL_SRC],
  });
}

const entries: Entry[] = (['bullseye', 'slim-bullseye'] as Variant[]).flatMap((variant) =>
  (['jdk', 'jre'] as Kind[]).map((kind) => ({
    key: `openjdk:${kind}-${variant}`,
    spec: () => openjdkSpec(variant, kind, 17),
  })),
);

export const openjdkFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'openjdk') return null;
    const tag = ref.tag ?? 'latest';
    // latest and tags without a major version pointed at the newest release, on Oracle Linux.
    const m = /^(\d+)(?:u\d+|[._+\d]*)(?:-(.*))?$/.exec(tag);
    if (!m) return null;
    const major = Number(m[1]);
    const words = (m[2] ?? '').split('-').filter((w) => w !== '' && !/^b\d+$/.test(w) && !/^ea$/.test(w));
    const debian = words.find((w) => /^(bullseye|buster|stretch|bookworm)$/.test(w));
    // Oracle Linux, Alpine, Windows: not described.
    if (words.some((w) => /^(oracle|oraclelinux\d*|alpine[\d.]*|windowsservercore|nanoserver|ltsc\d+|\d{4})$/.test(w))) return null;
    // The slim tags were Debian for every release (Oracle Linux has no slim variant).
    if (!debian && !words.includes('slim') && major >= 12) return null;
    const unknown = words.filter((w) => !/^(jdk|jre|slim|bullseye|buster|stretch|bookworm)$/.test(w));
    const inferred: AssumptionRow[] = [];

    if (unknown.length > 0) {
      inferred.push(['openjdk-tag', ref.written, `tag '${tag}' is not one the catalog understands; ` +
        'assuming the Debian 11 (bullseye) image of its Java release.', 'low']);
    } else if (debian && debian !== 'bullseye') {
      inferred.push(['openjdk-suite', ref.written, `tag '${tag}' names Debian ${debian}, which the ` +
        'catalog does not describe for openjdk; users, groups and modes are taken as bullseye (Debian ' +
        '11) has them.', debian === 'buster' ? 'medium' : 'low']);
    } else if (!debian) {
      inferred.push(['openjdk-suite', ref.written, `tag '${tag}' names no Debian suite; assuming ` +
        `bullseye (Debian 11), the last one Java ${major} images were built on (earlier builds were ` +
        'on buster or stretch).', 'medium']);
    }
    const variant: Variant = words.includes('slim') ? 'slim-bullseye' : 'bullseye';
    const kind: Kind = words.includes('jre') ? 'jre' : 'jdk';

    return { key: `openjdk:${kind}-${variant}`, spec: openjdkSpec(variant, kind, major), inferred };
  },
};
