// Distroless images: gcr.io/distroless (Debian-based, built with Bazel) and cgr.dev/chainguard
// (Wolfi, built with apko). No shell and no package manager except in debug/-dev variants.

import { SHADOW_DEFAULTS } from '../accounts.js';
import { DEFAULT_PATH } from '../state.js';
import type { AssumptionRow, Entry, Family, ImageRef, Pick, Spec } from './spec.js';
import { layer, pickOf } from './spec.js';

const DL = 'https://github.com/GoogleContainerTools/distroless/blob/main';
const CG_ACCTS = 'https://github.com/chainguard-images/images/blob/main/tflib/accts/main.tf';
const CG_PYTHON =
  'https://github.com/chainguard-images/images/blob/main/images/python/configs/latest-dev.apko.yaml';

const DISTROLESS: Spec = {
  summary: 'gcr.io/distroless: users root, nobody and nonroot 65532; no shell',
  distro: 'distroless',
  passwd: [
    'root:x:0:0:root:/root:/sbin/nologin',
    'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin',
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin',
  ].join('\n'),
  group: ['root:x:0:', 'tty:x:5:', 'staff:x:50:', 'nobody:x:65534:', 'nonroot:x:65532:'].join('\n'),
  shadow: 'unknown',
  // No useradd in the image; the shadow defaults only matter if one is copied in.
  loginDefs: { ...SHADOW_DEFAULTS },
  paths: [
    ['/', 'part', 'root:root', 0o755],
    ['/etc', 'part', 'root:root', 0o755],
    ['/etc/passwd', 'file', 'root:root', 0o644],
    ['/etc/group', 'file', 'root:root', 0o644],
    ['/home', 'dir', 'root:root', 0o755],
    ['/home/nonroot', 'dir', 'nonroot:nonroot', 0o700],
    ['/root', 'part', 'root:root', 0o700],
    ['/tmp', 'dir', 'root:root', 0o1777],
    ['/usr', 'part', 'root:root', 0o755],
    ['/var', 'part', 'root:root', 0o755],
  ],
  config: {
    user: '0',
    workdir: '/',
    env: { PATH: DEFAULT_PATH, SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt' },
    entrypoint: null,
    cmd: null,
  },
  packages: [],
  pythons: [],
  texts: {},
  assumptions: [],
  cites: [
    `${DL}/base/testdata/base.yaml`,
    `${DL}/common/variables.bzl`,
    `${DL}/static/static.bzl`,
    `${DL}/common/BUILD.bazel`,
  ],
};

const NONROOT = { user: '65532', workdir: '/home/nonroot' };

function distrolessSpec(name: string, nonroot: boolean, debian: '11' | '12'): Spec {
  const py = debian === '12' ? '3.11' : '3.9';
  const python: Spec = layer(DISTROLESS, {
    paths: [
      ['/usr/bin', 'part', 'root:root', 0o755],
      ['/usr/bin/python3', 'link', 'root:root', 0o777, `/usr/bin/python${py}`],
      ['/usr/bin/python', 'link', 'root:root', 0o777, `/usr/bin/python${py}`],
      [`/usr/bin/python${py}`, 'file', 'root:root', 0o755],
      ['/usr/lib', 'part', 'root:root', 0o755],
      [`/usr/lib/python${py}`, 'part', 'root:root', 0o755],
    ],
    // python3/python.bzl: ENTRYPOINT the interpreter, LANG=C.UTF-8, python and python3 links.
    config: { entrypoint: [`/usr/bin/python${py}`], env: { LANG: 'C.UTF-8' } },
    cites: [`${DL}/python3/python.bzl`],
    packages: ['python3'],
    pythons: [
      {
        python: '/usr/bin/python3',
        kind: 'system',
        sitePackages: `/usr/local/lib/python${py}/dist-packages`,
        version: py,
        externallyManaged: debian === '12',
        binDir: '/usr',
      },
    ],
    assumptions: [
      ['distroless-python', '/usr/bin/python3', `Debian ${debian}'s python${py} without pip; its ` +
        'PEP 668 marker is assumed to come with the Debian stdlib package.', 'medium'],
    ],
  });
  const base = name === 'python3' ? python : DISTROLESS;

  return layer(base, {
    summary: `gcr.io/distroless/${name}${nonroot ? ':nonroot' : ''}: ` +
      (nonroot ? 'USER 65532 (nonroot), WORKDIR /home/nonroot' : 'USER 0 (root)') +
      `, no shell${name === 'python3' ? `, Python ${py}` : ''}`,
    config: nonroot ? NONROOT : {},
  });
}

const NAMES = ['static', 'base', 'base-nossl', 'cc', 'python3'];

const distrolessEntries: Entry[] = NAMES.flatMap((n) => [
  { key: `gcr.io/distroless/${n}`, spec: () => distrolessSpec(n, false, '12') },
  { key: `gcr.io/distroless/${n}:nonroot`, spec: () => distrolessSpec(n, true, '12') },
]);

export const distrolessFamily: Family = {
  entries: distrolessEntries,
  pick(ref: ImageRef): Pick | null {
    const m = /^distroless\/([a-z0-9-]+?)(?:-debian(\d+))?$/.exec(ref.repo);
    if (!m || ref.registry !== 'gcr.io') return null;

    const tag = ref.tag ?? 'latest';
    const nonroot = /nonroot/.test(tag);
    const known = NAMES.includes(m[1]);
    const name = known ? m[1] : 'base';
    const key = `gcr.io/distroless/${name}${nonroot ? ':nonroot' : ''}`;
    const debian = m[2] === '11' ? '11' : '12';
    const inferred: AssumptionRow[] = [];

    if (!known) {
      inferred.push(['unknown-image', ref.written, `distroless image '${m[1]}' is not in the ` +
        'catalog; assuming the users and modes of distroless/base plus its runtime.', 'medium']);
    }
    if (m[2] !== undefined && m[2] !== '11' && m[2] !== '12') {
      inferred.push(['distroless-debian', ref.written, `debian${m[2]} is taken as debian12.`, 'medium']);
    }
    const spec = distrolessSpec(name, nonroot, debian);
    if (/debug/.test(tag)) {
      inferred.push(['distroless-debug', ref.written, 'debug tags add BusyBox under /busybox ' +
        '(ENTRYPOINT /busybox/sh, /busybox last on PATH); /bin/sh is not there, so a RUN needs ' +
        'SHELL ["/busybox/sh", "-c"]; the applets other than sh are not listed.', 'medium']);

      // base/base.bzl, the debug images: busybox.tar at /, entrypoint and PATH as below.
      return {
        key,
        spec: layer(spec, {
          summary: `${spec.summary}; BusyBox under /busybox`,
          paths: [['/busybox', 'part', 'root:root', 0o755], ['/busybox/sh', 'file', 'root:root', 0o755]],
          config: { entrypoint: ['/busybox/sh'], env: { PATH: `${DEFAULT_PATH}:/busybox` } },
          cites: [`${DL}/base/base.bzl`, `${DL}/base/testdata/debug.yaml`],
        }),
        inferred,
      };
    }

    return { key, spec, inferred };
  },
};

// ---------------------------------------------------------------- Chainguard

function chainguardSpec(name: string): Spec {
  const python = name === 'python';

  return layer(DISTROLESS, {
    summary: `cgr.dev/chainguard/${name}: USER 65532 (nonroot), no shell except -dev tags`,
    passwd: ['root:x:0:0:root:/root:/bin/sh', 'nonroot:x:65532:65532::/home/nonroot:/bin/sh'].join('\n'),
    group: ['root:x:0:', 'nonroot:x:65532:'].join('\n'),
    paths: [
      ['/home/nonroot', 'part', 'nonroot:nonroot', 0o755],
      ...(python
        ? ([
            ['/usr/bin', 'part', 'root:root', 0o755],
            ['/usr/bin/python3', 'file', 'root:root', 0o755],
            ['/usr/lib', 'part', 'root:root', 0o755],
          ] as Spec['paths'])
        : []),
    ],
    config: { user: '65532', workdir: '/', env: { SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt' } },
    packages: python ? ['python3'] : [],
    pythons: python
      ? [{
          python: '/usr/bin/python3',
          kind: 'system',
          sitePackages: '/usr/lib/python3.13/site-packages',
          version: '3.13',
          externallyManaged: false,
          binDir: '/usr',
        }]
      : [],
    assumptions: [
      ['chainguard-accounts', '/etc/passwd', 'apko accounts: root and nonroot 65532 with home ' +
        '/home/nonroot (apko default, not confirmed); modes of /home/nonroot assumed 0755.', 'medium'],
      ...(python
        ? ([['chainguard-python', '/usr/bin/python3', 'the Python version is taken as 3.13; ' +
            'it follows the tag.', 'low']] as AssumptionRow[])
        : []),
    ],
    cites: [CG_ACCTS, ...(python ? [CG_PYTHON] : [])],
  });
}

const chainguardEntries: Entry[] = ['static', 'python'].map((n) => ({
  key: `cgr.dev/chainguard/${n}`,
  spec: () => chainguardSpec(n),
}));

export const chainguardFamily: Family = {
  entries: chainguardEntries,
  pick(ref: ImageRef): Pick | null {
    const m = /^chainguard\/([a-z0-9.-]+)$/.exec(ref.repo);
    if (!m || ref.registry !== 'cgr.dev') return null;

    const tag = ref.tag ?? 'latest';
    const known = m[1] === 'static' || m[1] === 'python';
    const inferred: AssumptionRow[] = [];
    if (!known) {
      inferred.push(['unknown-image', ref.written, `Chainguard image '${m[1]}' is not in the ` +
        'catalog; assuming the shared apko accounts (nonroot 65532).', 'medium']);
    }
    if (/-dev$/.test(tag)) {
      inferred.push(['chainguard-dev', ref.written, '-dev tags add a shell, apk and pip but still ' +
        'run as 65532; the extra tools are not modelled.', 'medium']);
    }
    const key = `cgr.dev/chainguard/${known ? m[1] : 'static'}`;

    return known ? pickOf(chainguardEntries, key, inferred) : { key, spec: chainguardSpec(m[1]), inferred };
  },
};
