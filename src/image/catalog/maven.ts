// The official maven images (carlossg/docker-maven): Apache Maven unpacked by root into
// MAVEN_HOME=/usr/share/maven on a JDK image, MAVEN_CONFIG=/root/.m2 (root's home: the image has
// no user of its own), mvn-entrypoint.sh in front of `mvn`, root at run time. Only the tags on
// eclipse-temurin are described; the other JDK vendors (amazoncorretto, ibm-semeru, sapmachine,
// graalvm, the old openjdk ones) are left to the generic guess.

import type { AssumptionRow, Entry, Family, ImageRef, PathRow, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';
import type { TemurinVariant } from './temurin.js';
import { defaultUbuntu, readJavaWords, temurinSpec } from './temurin.js';

const REPO = 'https://github.com/carlossg/docker-maven/blob/main';
// The full build: Maven's tarball unpacked into ${MAVEN_HOME} with a ref/ folder, `ln -s
// ${MAVEN_HOME}/bin/mvn /usr/bin/mvn`, COPY mvn-entrypoint.sh and settings-docker.xml,
// ARG USER_HOME_DIR="/root", ENV MAVEN_CONFIG "$USER_HOME_DIR/.m2", ENTRYPOINT and CMD
// (commit 04ab123ebc6b70fad75cfb7a08cc24b0c921c637).
const FULL_SRC = `${REPO}/eclipse-temurin-11/Dockerfile`;
// The other Ubuntu tags copy ${MAVEN_HOME}, the entrypoint and settings-docker.xml from that
// image and add ca-certificates, curl and git (commit 08e6cf4ebf6a).
const COPY_SRC = `${REPO}/eclipse-temurin-21/Dockerfile`;
// Alpine: apk add bash procps curl tar openssh-client, then the same copies (commit 092ca524bc46).
const ALPINE_SRC = `${REPO}/eclipse-temurin-17-alpine/Dockerfile`;
// copy_reference_files: `touch "$MAVEN_CONFIG/copy_reference_file.log" || (echo "Can not write to
// ${log}. Wrong volume permissions?" && exit 1)`, then each file of /usr/share/maven/ref copied
// into MAVEN_CONFIG, then `exec "$@"` (an older revision, commit 0d400403f249; the current script
// is not in the sources read).
const ENTRYPOINT_SRC = `${REPO}/jdk-8/mvn-entrypoint.sh`;

const VARIANTS: TemurinVariant[] = ['noble', 'jammy', 'focal', 'alpine'];
const MAVEN_HOME = '/usr/share/maven';

/** The Java release maven tags without a JDK name are built on (eclipse-temurin's current LTS). */
const DEFAULT_JAVA = 21;

export function mavenSpec(variant: TemurinVariant, major: number | null = null): Spec {
  const alpine = variant === 'alpine';
  const paths: PathRow[] = [
    ['/usr/share', 'part', 'root:root', 0o755],
    [MAVEN_HOME, 'part', 'root:root', 0o755],
    [`${MAVEN_HOME}/bin`, 'part', 'root:root', 0o755],
    [`${MAVEN_HOME}/bin/mvn`, 'file', 'root:root', 0o755],
    [`${MAVEN_HOME}/conf`, 'part', 'root:root', 0o755],
    [`${MAVEN_HOME}/conf/settings.xml`, 'file', 'root:root', 0o644],
    [`${MAVEN_HOME}/lib`, 'part', 'root:root', 0o755],
    [`${MAVEN_HOME}/ref`, 'dir', 'root:root', 0o755],
    [`${MAVEN_HOME}/ref/settings-docker.xml`, 'file', 'root:root', 0o644],
    ['/usr/bin/mvn', 'link', 'root:root', 0o777, `${MAVEN_HOME}/bin/mvn`],
    ['/usr/local/bin/mvn-entrypoint.sh', 'file', 'root:root', 0o755],
  ];

  return layer(temurinSpec(variant, 'jdk', major), {
    summary: `Maven on Eclipse Temurin JDK (${alpine ? 'Alpine' : `Ubuntu ${variant}`}): root, Maven in ` +
      `${MAVEN_HOME} owned by root, MAVEN_CONFIG /root/.m2, no user added`,
    paths,
    config: {
      env: { MAVEN_HOME, MAVEN_CONFIG: '/root/.m2' },
      entrypoint: ['/usr/local/bin/mvn-entrypoint.sh'],
      cmd: ['mvn'],
    },
    packages: ['maven', 'curl', ...(alpine ? ['bash', 'procps', 'tar', 'openssh-client'] : ['ca-certificates', 'git'])],
    assumptions: [
      ['maven-modes', MAVEN_HOME, `${MAVEN_HOME} is taken as root:root with 0755 folders and 0644 ` +
        "files, as root unpacks Maven's tarball; the Dockerfile does not state the modes.", 'medium'],
      ['maven-entrypoint', '/usr/local/bin/mvn-entrypoint.sh', 'mvn-entrypoint.sh is taken to copy ' +
        `the files of ${MAVEN_HOME}/ref into MAVEN_CONFIG (/root/.m2) and then run the command; a ` +
        'user other than root cannot write /root (an older script stops with "Can not write to ' +
        '.../copy_reference_file.log. Wrong volume permissions?"), so such a user should set ' +
        'MAVEN_CONFIG to a folder of its own. The script is not followed.', 'medium'],
    ],
    cites: [FULL_SRC, alpine ? ALPINE_SRC : COPY_SRC, ENTRYPOINT_SRC],
  });
}

const entries: Entry[] = VARIANTS.map((variant) => ({ key: `maven:eclipse-temurin-${variant}`, spec: () => mavenSpec(variant) }));

export const mavenFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'maven') return null;
    const tag = ref.tag ?? 'latest';
    let words = tag === 'latest' ? [] : tag.split('-');
    // The Maven version comes first: '3', '3.9', '3.9.6', '4.0.0-rc-2'.
    if (words.length > 0 && /^\d+(\.\d+){0,2}$/.test(words[0])) words = words.slice(1);
    if (words[0] === 'rc' || /^(alpha|beta|rc)\d*$/.test(words[0] ?? '')) words = words.slice(words[0] === 'rc' ? 2 : 1);
    if (words[0] === 'maven' && words[1] === '4') words = words.slice(2);
    const temurin = words[0] === 'eclipse' && words[1] === 'temurin';
    // Another JDK vendor: its users, paths and JAVA_HOME are not described.
    if (words.length > 0 && !temurin) return null;
    const t = readJavaWords(temurin ? words.slice(2) : []);
    if (t.elsewhere || t.kind === 'jre') return null;
    const inferred: AssumptionRow[] = [];

    if (ref.tag === null && ref.digest !== null) {
      inferred.push(['maven-digest', ref.written, 'the reference names a digest and no tag; ' +
        `assuming a current Maven image on Eclipse Temurin ${DEFAULT_JAVA} (Ubuntu 24.04).`, 'medium']);
    } else if (tag === 'latest') {
      inferred.push(latestRow(ref, `Maven 3 on Eclipse Temurin ${DEFAULT_JAVA} (Ubuntu 24.04)`));
    } else if (t.other.length > 0) {
      inferred.push(['maven-tag', ref.written, `tag '${tag}' is not one the catalog understands; ` +
        `assuming Maven on Eclipse Temurin ${DEFAULT_JAVA} (Ubuntu 24.04).`, 'low']);
    } else if (!temurin) {
      inferred.push(['maven-jdk', ref.written, `tag '${tag}' names no JDK; assuming the Eclipse ` +
        `Temurin ${DEFAULT_JAVA} JDK on Ubuntu 24.04 (noble) that such tags point to today.`, 'medium']);
    }
    const variant = t.variant ?? 'noble';
    if (t.variant === null && inferred.length === 0) inferred.push(defaultUbuntu(ref, 'a Maven image', 'maven'));

    return { key: `maven:eclipse-temurin-${variant}`, spec: mavenSpec(variant, t.major ?? DEFAULT_JAVA), inferred };
  },
};
