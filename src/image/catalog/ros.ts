// The official ros images (osrf/docker_images, also published as osrf/ros with the desktop
// images): ubuntu:RELEASE with ROS installed from packages.ros.org by apt into
// /opt/ros/$ROS_DISTRO, ENV ROS_DISTRO, LANG and LC_ALL C.UTF-8, /ros_entrypoint.sh (which sources
// /opt/ros/$ROS_DISTRO/setup.bash and runs the command) in front of `bash`, root at run time, no
// user added. ros-base adds the build tools and runs `rosdep init` and `rosdep update` as root;
// perception, simulation, desktop and desktop-full only add packages on top of it. Each ROS
// distribution is built on one Ubuntu release: noetic, foxy and galactic on 20.04; humble and
// iron on 22.04; jazzy, kilted and rolling on 24.04 (which carries the user ubuntu at uid 1000).

import { UBUNTU, debianPythonPaths } from './debian.js';
import type { AssumptionRow, Entry, Family, ImageRef, PathRow, Pick, Spec } from './spec.js';
import { latestRow, layer } from './spec.js';

const REPO = 'https://github.com/osrf/docker_images/blob/master';
// FROM ubuntu:jammy, /etc/timezone and /etc/localtime, ENV LANG/LC_ALL C.UTF-8, ENV
// ROS_DISTRO=humble, apt-get install ros-humble-ros-core, COPY ./ros_entrypoint.sh /,
// ENTRYPOINT ["/ros_entrypoint.sh"], CMD ["bash"] (commit 0ebcf40b638509a1ddaeb171259f789060cbcf0e).
const CORE_SRC = `${REPO}/ros/humble/ubuntu/jammy/ros-core/Dockerfile`;
// FROM ros:humble-ros-core-jammy: build-essential, git, colcon, rosdep, vcstool; `rosdep init &&
// rosdep update` and `colcon mixin/metadata add` as root (commit 20e3ba685bb3).
const BASE_SRC = `${REPO}/ros/humble/ubuntu/jammy/ros-base/Dockerfile`;
// The same steps on ubuntu:noble for jazzy (commit 0038f1c3a11a) and on ubuntu:focal for
// noetic, ROS 1 (commit 13a4d90a8453).
const NOBLE_SRC = `${REPO}/ros/jazzy/ubuntu/noble/ros-core/Dockerfile`;
const NOETIC_SRC = `${REPO}/ros/noetic/ubuntu/focal/ros-core/Dockerfile`;
// source "/opt/ros/$ROS_DISTRO/setup.bash" --; exec "$@" (commit 543aabeed37e).
const ENTRYPOINT_SRC = `${REPO}/ros/jazzy/ubuntu/noble/ros-core/ros_entrypoint.sh`;

type Release = 'focal' | 'jammy' | 'noble';
type Flavour = 'ros-core' | 'ros-base';

const UBUNTU_OF: Record<Release, Spec> = { focal: UBUNTU['20.04'], jammy: UBUNTU['22.04'], noble: UBUNTU['24.04'] };

/**
 * ROS distributions and the Ubuntu release their images are built on; an entry per release is
 * described with its LTS distribution, and a tag's own distribution replaces it.
 */
const DISTROS: Record<string, Release> = {
  noetic: 'focal', foxy: 'focal', galactic: 'focal',
  humble: 'jammy', iron: 'jammy',
  jazzy: 'noble', kilted: 'noble', rolling: 'noble',
};

/** The Python 3 of each release (a dependency of the ROS packages); noble's has PEP 668's marker. */
const PYTHON: Record<Release, string> = { focal: '3.8', jammy: '3.10', noble: '3.12' };

/** Images built on ros-base that only add packages. */
const ON_BASE = ['perception', 'simulation', 'desktop', 'desktop-full', 'robot'];

export function rosSpec(release: Release, flavour: Flavour, distro: string): Spec {
  const v = PYTHON[release];
  const marker = release === 'noble';
  const paths: PathRow[] = [
    ['/ros_entrypoint.sh', 'file', 'root:root', 0o755],
    ['/opt/ros', 'part', 'root:root', 0o755],
    [`/opt/ros/${distro}`, 'part', 'root:root', 0o755],
    [`/opt/ros/${distro}/setup.bash`, 'file', 'root:root', 0o644],
    ['/etc/timezone', 'file', 'root:root', 0o644],
    ['/etc/localtime', 'link', 'root:root', 0o777, '/usr/share/zoneinfo/Etc/UTC'],
    ...debianPythonPaths(v, marker),
  ];
  if (flavour === 'ros-base') {
    // rosdep init writes the default source list; rosdep update, run as root, caches into
    // root's home, which other users cannot read (they run `rosdep update` again).
    paths.push(
      ['/etc/ros', 'part', 'root:root', 0o755],
      ['/etc/ros/rosdep', 'part', 'root:root', 0o755],
      ['/etc/ros/rosdep/sources.list.d', 'part', 'root:root', 0o755],
      ['/etc/ros/rosdep/sources.list.d/20-default.list', 'file', 'root:root', 0o644],
      ['/root/.ros', 'part', 'root:root', 0o755],
      ['/root/.ros/rosdep', 'part', 'root:root', 0o755],
    );
  }

  return layer(UBUNTU_OF[release], {
    summary: `ROS ${flavour} on Ubuntu ${release}: root, ROS in /opt/ros owned by root, ` +
      '/ros_entrypoint.sh then bash, no user added' + (release === 'noble' ? " (Ubuntu's user ubuntu 1000 is there)" : ''),
    paths,
    pythons: [{ python: '/usr/bin/python3', kind: 'system', sitePackages: `/usr/local/lib/python${v}/dist-packages`, version: v, externallyManaged: marker, binDir: '/usr' }],
    config: {
      env: { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', ROS_DISTRO: distro },
      entrypoint: ['/ros_entrypoint.sh'],
      cmd: ['bash'],
    },
    packages: [
      'tzdata', 'dirmngr', 'gnupg2', 'python3', `ros-${distro}-ros-core`,
      ...(flavour === 'ros-base'
        ? ['build-essential', 'git', 'python3-colcon-common-extensions', 'python3-rosdep', 'python3-vcstool', `ros-${distro}-ros-base`]
        : []),
    ],
    assumptions: [
      ['ros-modes', '/opt/ros', '/opt/ros and the files apt installs there are taken as root:root ' +
        '0755 (files 0644), as Ubuntu packages install them; the Dockerfiles do not state them.', 'medium'],
      ['ros-python', '/usr/bin/python3', `Ubuntu's python3 (${v}) is taken to be installed as a ` +
        'dependency of the ROS packages, without pip; where a root pip would write is Debian\'s ' +
        `/usr/local/lib/python${v}/dist-packages.`, 'medium'],
      ['ros-entrypoint', '/ros_entrypoint.sh', '/ros_entrypoint.sh is taken as root:root 0755 (it ' +
        'is run as a program); it only sources the ROS setup and runs the command as the same user.', 'medium'],
    ],
    cites: [release === 'noble' ? NOBLE_SRC : distro === 'noetic' ? NOETIC_SRC : CORE_SRC, ...(flavour === 'ros-base' ? [BASE_SRC] : []), ENTRYPOINT_SRC],
  });
}

const KEYS: [Release, Flavour, string][] = [
  ['focal', 'ros-core', 'noetic'], ['focal', 'ros-base', 'noetic'],
  ['jammy', 'ros-core', 'humble'], ['jammy', 'ros-base', 'humble'],
  ['noble', 'ros-core', 'jazzy'], ['noble', 'ros-base', 'jazzy'],
];

const entries: Entry[] = KEYS.map(([release, flavour, distro]) => ({
  key: `ros:${flavour}-${release}`,
  spec: () => rosSpec(release, flavour, distro),
}));

/** The newest LTS distribution, which `ros:latest` follows. */
const LATEST = 'jazzy';

export const rosFamily: Family = {
  entries,
  pick(ref: ImageRef): Pick | null {
    if (ref.repo !== 'ros' && ref.repo !== 'osrf/ros') return null;
    const tag = ref.tag ?? 'latest';
    const words = tag === 'latest' ? [LATEST] : tag.split('-');
    const distro = words[0];
    const release = DISTROS[distro];
    // Older distributions (melodic on Ubuntu 18.04, ...) are built on releases the catalog lacks.
    if (!release) return null;
    const rest = words.slice(1).join('-').replace(/-?(focal|jammy|noble)$/, '');
    const named = /(focal|jammy|noble)$/.exec(tag)?.[1];
    const inferred: AssumptionRow[] = [];

    if (tag === 'latest') inferred.push(latestRow(ref, `ROS 2 ${LATEST} (ros-base on Ubuntu 24.04)`));
    if (named && named !== release) {
      inferred.push(['ros-tag', ref.written, `tag '${tag}' names Ubuntu ${named}, which is not the release ` +
        `${distro} is built on; assuming ${release}.`, 'low']);
    }
    let flavour: Flavour;
    if (rest === 'ros-core') flavour = 'ros-core';
    else if (rest === '' || rest === 'ros-base') flavour = 'ros-base';
    else {
      flavour = 'ros-base';
      inferred.push(ON_BASE.includes(rest)
        ? ['ros-image', ref.written, `the ${rest} image is ros-base with more ROS packages (no user, ` +
          'owner or mode change in its Dockerfile); it is taken as ros-base.', 'medium']
        : ['ros-tag', ref.written, `tag '${tag}' is not one the catalog understands; assuming ` +
          `the ${distro} ros-base image.`, 'low']);
    }
    if (distro === 'rolling') {
      inferred.push(['ros-rolling', ref.written, 'rolling moves to newer Ubuntu releases as they ' +
        'come out; assuming Ubuntu 24.04 (noble).', 'medium']);
    }

    return { key: `ros:${flavour}-${release}`, spec: rosSpec(release, flavour, distro), inferred };
  },
};
