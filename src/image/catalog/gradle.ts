// The official gradle images (keeganwitt/docker-gradle): an Eclipse Temurin JDK image with a user
// and group gradle at 1000, home /home/gradle (owned by gradle and opened with `chmod -R o+rwx`),
// root's ~/.gradle linked to /home/gradle/.gradle, Gradle unpacked into GRADLE_HOME=/opt/gradle,
// WORKDIR /home/gradle, and `USER root` as the last step: the image runs as root. On Ubuntu 24.04
// (noble) the account is Ubuntu's own `ubuntu` user renamed; on jammy and Alpine it is made new.
// Only the Temurin tags are described (not -corretto, -graal, -ubi).

import type { AssumptionRow, Entry, Family, ImageRef, PathRow, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';
import type { TemurinVariant } from './temurin.js';
import { readJavaWords, temurinSpec } from './temurin.js';

const REPO = 'https://github.com/keeganwitt/docker-gradle/blob/master';
// groupadd --system --gid 1000 gradle && useradd --system --gid gradle --uid 1000 --shell
// /bin/bash --create-home gradle; mkdir ~/.gradle, chown -R gradle:gradle, chmod -R o+rwx,
// ln -s /home/gradle/.gradle /root/.gradle; VOLUME /home/gradle/.gradle; WORKDIR /home/gradle;
// GRADLE_HOME=/opt/gradle, ln -s to /usr/bin/gradle; USER gradle for the smoke test, then USER
// root; CMD ["gradle"] (jdk21-jammy, commit 069f2984e137d30c72c5402c7f78f3768d11f51f; jdk21,
// commit 010f90ba2e3b, is the same on jammy).
const JAMMY_SRC = `${REPO}/jdk21-jammy/Dockerfile`;
// groupmod --new-name gradle ubuntu; mkdir /home/gradle; usermod --login gradle --home
// /home/gradle --groups gradle ubuntu; then the same steps (commit 0e6af1411fa1).
const NOBLE_SRC = `${REPO}/jdk21-noble/Dockerfile`;
// addgroup --system --gid 1000 gradle && adduser --system --ingroup gradle --uid 1000 --shell
// /bin/ash gradle, apk add git git-lfs mercurial subversion (commit 010f90ba2e3b).
const ALPINE_SRC = `${REPO}/jdk21-alpine/Dockerfile`;

const VARIANTS: TemurinVariant[] = ['jammy', 'noble', 'focal', 'alpine'];

/** The Java release of tags without one (`gradle:8.13`): the current LTS. */
const DEFAULT_JAVA = 21;

// The accounts each variant's own steps make, as the model runs them on its base (asserted in
// tests/image/catalog-java-php.test.ts): BusyBox's adduser lists gradle in its group and gives the
// "Linux User" gecos; usermod on noble keeps the ubuntu user's gecos and sets group gradle.
const ACCOUNTS: Record<TemurinVariant, { passwd: string; group: string }> = {
  jammy: { passwd: 'gradle:x:1000:1000::/home/gradle:/bin/bash', group: 'gradle:x:1000:' },
  focal: { passwd: 'gradle:x:1000:1000::/home/gradle:/bin/bash', group: 'gradle:x:1000:' },
  noble: { passwd: 'gradle:x:1000:1000:Ubuntu:/home/gradle:/bin/bash', group: 'gradle:x:1000:gradle' },
  alpine: { passwd: 'gradle:x:1000:1000:Linux User,,,:/home/gradle:/bin/ash', group: 'gradle:x:1000:gradle' },
};

export function gradleSpec(variant: TemurinVariant, major: number | null = DEFAULT_JAVA): Spec {
  const alpine = variant === 'alpine';
  // useradd -m on jammy (HOME_MODE 0750) and focal (0755), mkdir on noble (0755), BusyBox's
  // adduser (2755); then chmod -R o+rwx.
  const homeMode = { jammy: 0o757, focal: 0o757, noble: 0o757, alpine: 0o2757 }[variant];
  const paths: PathRow[] = [
    // usermod --home without --move-home: ubuntu's old home stays, owned by uid 1000 (gradle).
    ...(variant === 'noble' ? [['/home/ubuntu', 'part', 'gradle:gradle', 0o750] as PathRow] : []),
    ['/home/gradle', 'part', 'gradle:gradle', homeMode],
    ['/home/gradle/.gradle', 'dir', 'gradle:gradle', alpine ? 0o2757 : 0o757],
    ['/root/.gradle', 'link', 'root:root', 0o777, '/home/gradle/.gradle'],
    ['/opt/gradle', 'part', 'root:root', 0o755],
    ['/opt/gradle/bin', 'part', 'root:root', 0o755],
    ['/opt/gradle/bin/gradle', 'file', 'root:root', 0o755],
    ['/usr/bin/gradle', 'link', 'root:root', 0o777, '/opt/gradle/bin/gradle'],
  ];

  return layer(temurinSpec(variant, 'jdk', major), {
    summary: `Gradle on Eclipse Temurin JDK (${alpine ? 'Alpine' : `Ubuntu ${variant}`}): root (USER root ` +
      'at the end), user gradle 1000:1000 with /home/gradle open to others (o+rwx), WORKDIR /home/gradle',
    dropUsers: ['ubuntu'],
    dropGroups: ['ubuntu'],
    dropAssumptions: ['ubuntu-home-mode', 'ubuntu-groups'],
    addPasswd: ACCOUNTS[variant].passwd,
    addGroup: ACCOUNTS[variant].group,
    paths,
    config: {
      env: { GRADLE_HOME: '/opt/gradle' },
      workdir: '/home/gradle',
      user: 'root',
      cmd: ['gradle'],
      volumes: ['/home/gradle/.gradle'],
    },
    packages: ['gradle', 'git', 'git-lfs', 'mercurial', 'subversion', ...(alpine ? [] : ['unzip', 'wget', 'bzr', 'openssh-client'])],
    assumptions: [
      ['gradle-modes', '/opt/gradle', '/opt/gradle is taken as root:root with 0755 folders and ' +
        "programs, as root unzips Gradle's archive; the Dockerfile does not state the modes.", 'medium'],
      ['gradle-home', '/home/gradle', '/home/gradle is known in part: the skeleton files useradd ' +
        'copies (jammy) are not listed; every file in it is owned by gradle and open to others.', 'medium'],
    ],
    cites: [{ jammy: JAMMY_SRC, focal: JAMMY_SRC, noble: NOBLE_SRC, alpine: ALPINE_SRC }[variant]],
  });
}

const entries: Entry[] = VARIANTS.map((variant) => ({ key: `gradle:${variant}`, spec: () => gradleSpec(variant) }));

export const gradleFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'gradle') return null;
    const tag = ref.tag ?? 'latest';
    let words = tag === 'latest' ? [] : tag.split('-');
    // The Gradle version comes first: '8', '8.5', '8.13.0'; then 'jdk21', 'jdk17-alpine'...
    if (words.length > 0 && /^\d+(\.\d+){0,2}$/.test(words[0])) words = words.slice(1);
    const jdk = /^(jdk|jre)(\d+)?$/.exec(words[0] ?? '');
    const t = readJavaWords([...(jdk?.[2] ? [jdk[2]] : []), ...words.slice(jdk ? 1 : 0)]);
    // Corretto, GraalVM, UBI and Windows tags are built on other bases.
    if (t.elsewhere || t.other.some((w) => /^(corretto|graal|lts|and|current)/.test(w))) return null;
    const inferred: AssumptionRow[] = [];

    if (ref.tag === null && ref.digest !== null) {
      inferred.push(['gradle-digest', ref.written, 'the reference names a digest and no tag; ' +
        `assuming a current Gradle image on Eclipse Temurin ${DEFAULT_JAVA} (Ubuntu 22.04).`, 'medium']);
    } else if (tag === 'latest') {
      inferred.push(latestRow(ref, `Gradle on Eclipse Temurin ${DEFAULT_JAVA} (Ubuntu 22.04)`));
    } else if (t.other.length > 0) {
      inferred.push(['gradle-tag', ref.written, `tag '${tag}' is not one the catalog understands; ` +
        `assuming Gradle on Eclipse Temurin ${DEFAULT_JAVA} (Ubuntu 22.04).`, 'low']);
    } else if (t.variant === null) {
      // The tags without a distribution point at the jammy Dockerfiles (jdk21/Dockerfile is FROM
      // eclipse-temurin:21-jdk-jammy); the -noble ones are separate.
      inferred.push(['gradle-ubuntu', ref.written, `tag '${tag}' names no Ubuntu release; assuming ` +
        'jammy (22.04), which the tags without one are built on; gradle is uid 1000 on each.', 'medium']);
    }

    const variant = t.variant ?? 'jammy';

    return { key: `gradle:${variant}`, spec: gradleSpec(variant, t.major ?? DEFAULT_JAVA), inferred };
  },
};
