// A hand-written probe report of a healthy container, which each test changes in one place.

import type { ProbeReport } from '../../src/probe/report.js';

/** A non-root user with a name, a writable home, a writable bind mount, pip --user and sudo. */
export function healthy(): ProbeReport {
  return {
    probe: 'uidctl',
    probeVersion: 1,
    writeTest: 'create',
    uid: 1000,
    gid: 1000,
    groups: [1000],
    user: 'app',
    group: 'app',
    hasPasswdEntry: true,
    home: { path: '/home/app', set: true, exists: true, writable: true },
    cwd: { path: '/workspace', writable: true },
    umask: '0022',
    path: '/home/app/.local/bin:/usr/local/bin:/usr/bin:/bin',
    capEff: '0000000000000000',
    caps: [],
    userns: { uidMap: [[0, 0, 4294967295]], gidMap: [[0, 0, 4294967295]] },
    mounts: [
      { target: '/', root: '/', fstype: 'overlay', source: 'overlay', ro: false, uid: 0, gid: 0, mode: '0755', kind: 'dir', writable: false },
      { target: '/etc/hosts', root: '/var/lib/docker/containers/abc/hosts', fstype: 'ext4', source: '/dev/sda1', ro: false, uid: 0, gid: 0, mode: '0644', kind: 'file', writable: null },
      { target: '/workspace', root: '/home/me/proj', fstype: 'ext4', source: '/dev/sda1', ro: false, uid: 1000, gid: 1000, mode: '0755', kind: 'dir', writable: true },
    ],
    python: {
      path: '/usr/local/bin/python3',
      version: '3.11',
      purelib: '/usr/local/lib/python3.11/site-packages',
      purelibExists: true,
      purelibWritable: true,
      userSite: '/home/app/.local/lib/python3.11/site-packages',
      userSiteWritable: true,
      userBase: '/home/app/.local',
      externallyManaged: false,
      pipModule: true,
    },
    pip: '/usr/local/bin/pip',
    sudo: { path: '/usr/bin/sudo', tested: true, nopasswd: true, message: '' },
    gpu: [],
    paths: [],
  };
}
