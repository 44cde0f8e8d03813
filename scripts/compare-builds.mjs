// Compares two builds of uidctl on random Dockerfiles: the JSON report, the image tree, the
// accounts and the simulator's steps must be identical. For speed work, where nothing may change:
//   git worktree add /tmp/old HEAD~5 && (cd /tmp/old && npm ci && npm run build)
//   npm run build && node scripts/compare-builds.mjs /tmp/old/dist dist [SEED] [COUNT]
// or, on a folder of real Dockerfiles (each with every run line and builder below):
//   node scripts/compare-builds.mjs /tmp/old/dist dist --dir FOLDER
// Each differing case is written to compare-builds-N.txt in the temp folder. Exit 1 on any.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

if (process.argv.length < 4) {
  console.error('usage: node scripts/compare-builds.mjs OLD_DIST NEW_DIST [SEED] [COUNT]');
  process.exit(2);
}
const load = (dir) => import(pathToFileURL(join(resolve(dir), 'index.js')).href);
const A = await load(process.argv[2]);
const B = await load(process.argv[3]);
let seed = Number(process.argv[4] ?? 7);
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const BASES = ['ubuntu:24.04', 'debian:bookworm', 'python:3.11-slim', 'alpine:3.19', 'jupyter/base-notebook', 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', 'pytorch/pytorch', 'continuumio/miniconda3', 'gcr.io/distroless/base', 'unknown/thing:1'];
const P = ['/opt/app', '/workspace', '/data', '/home/dev', '/tmp/x', 'rel/dir', '/opt/conda', '/etc/sudoers.d/dev', '/var/run/sshd', '$HOME/.cache', '${APP}/sub', '/usr/local/bin/tool', '~/.local'];
const U = ['dev', '1000', '1000:1000', 'root', '0', 'nobody', '$USER_NAME', '${UID}:${GID}', 'jovyan', 'ubuntu'];
const cmds = [
  () => `mkdir ${pick(['-p', '', '-m 700', '-p -m 1777'])} ${pick(P)} ${pick(P)}`,
  () => `chown ${pick(['-R', '', '-h'])} ${pick(U)} ${pick(P)}`,
  () => `chmod ${pick(['-R', ''])} ${pick(['755', 'u+x', 'g+rwX,o-w', '1777', '2775', 'a=rx', '0640', '+t', 'u=rwx,go='])} ${pick(P)}`,
  () => `useradd ${pick(['-m', '-M', '-r', '-o', '-N', ''])} ${pick(['-u 1000', '-u 1001', '-u 0', ''])} ${pick(['-g 100', '-G sudo,video', '-d /srv/h', '-s /bin/bash', ''])} ${pick(['dev', 'ubuntu', 'x'])}`,
  () => `groupadd ${pick(['-g 1000', '-g 100', '-r', ''])} ${pick(['dev', 'users', 'g'])}`,
  () => `adduser ${pick(['--disabled-password --gecos ""', '-D', '-u 2000 -D'])} ${pick(['dev', 'a'])}`,
  () => `usermod ${pick(['-aG sudo', '-u 1500', '-d /data -m', '-g users'])} ${pick(['dev', 'root', 'ubuntu'])}`,
  () => `echo "${pick(['dev ALL=(ALL) NOPASSWD:ALL', 'PermitRootLogin yes', 'c.ServerApp.token = ""'])}" ${pick(['>', '>>', '| tee -a'])} ${pick(['/etc/sudoers.d/dev', '/etc/ssh/sshd_config', '/root/.jupyter/jupyter_server_config.py', 'out.txt'])}`,
  () => `apt-get install -y ${pick(['sudo', 'openssh-server', 'python3-pip', 'git curl'])}`,
  () => `pip install ${pick(['--user', '--no-cache-dir', '--target /opt/t', ''])} ${pick(['numpy', 'jupyterlab', 'torch'])}`,
  () => `conda install -y ${pick(['jupyter', 'numpy'])}`,
  () => `cd ${pick(P)} && touch ${pick(['f', 'a b', '../g', '$X'])}`,
  () => `ln -s${pick(['f', ''])} ${pick(P)} ${pick(P)}`,
  () => `rm -rf ${pick(P)}${pick(['', '/*'])}`,
  () => `cp -r ${pick(P)} ${pick(P)}`,
  () => `mv ${pick(P)} ${pick(P)}`,
  () => `install -d -o ${pick(U)} -m 0750 ${pick(P)}`,
  () => `X=${pick(['1', '$((2+3))', '$(id -u)', '"a b"'])} ${pick(['sh -c "mkdir -p /q/$X"', 'env', 'true'])}`,
  () => `for d in a b c; do mkdir -p ${pick(P)}/$d; done`,
  () => `if [ -d ${pick(P)} ]; then chmod 777 ${pick(P)}; else mkdir ${pick(P)}; fi`,
  () => `(cd /tmp && umask 077 && mkdir z)`,
  () => `su ${pick(['dev', 'root'])} -c "touch ${pick(P)}/f"`,
  () => `gosu ${pick(U)} mkdir -p ${pick(P)}`,
  () => `sudo -u dev touch ${pick(P)}`,
  () => `f() { mkdir -p "$1"; }; f ${pick(P)}`,
  () => `git clone https://x.invalid/r.git ${pick(P)}`,
  () => `echo 'root:pw' | chpasswd`,
  () => `case $X in a) touch /a;; *) touch /b;; esac`,
  () => `unknowncmd --flag ${pick(P)}`,
  () => `set -e; false || mkdir /ok`,
];
const ins = [
  () => `RUN ${Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(cmds)()).join(pick([' && ', '; ', ' || ', ' \\\n  && ']))}`,
  () => `USER ${pick(U)}`,
  () => `WORKDIR ${pick(P)}`,
  () => `ENV ${pick(['HOME', 'APP', 'PATH', 'PIP_USER', 'X'])}=${pick(['/opt/app', '"$PATH:/x"', '1', '${APP:-/d}'])}`,
  () => `ARG ${pick(['UID=1000', 'GID', 'USER_NAME=dev', 'APP=/srv'])}`,
  () => `COPY ${pick(['--chown=1000:1000 ', '--chmod=0755 ', '--chown=dev ', '', '--from=b '])}${pick(['a.sh', '.', 'req.txt'])} ${pick(P)}`,
  () => `VOLUME ${pick(P)}`,
  () => `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`,
  () => `CMD ${pick(['["jupyter", "lab", "--ip=0.0.0.0"]', '["python", "x.py"]', 'sshd -D', '["/usr/local/bin/tool"]', 'start-notebook.sh'])}`,
  () => `ENTRYPOINT ${pick(['["/entry.sh"]', '["tini", "--"]'])}`,
];
const runs = [undefined, 'docker run --user 1234:1234 -v $PWD:/workspace img', 'docker run -e HOME=/tmp --cap-drop ALL --read-only img', 'docker run --privileged -u 0 img', 'podman run --userns=keep-id img'];
const invoker = { uid: 1001, gid: 1001, home: '/home/me', cwd: '/home/me/p', name: 'me' };
const digest = (M, text, run, builder) => {
  try {
    const r = run ? M.parseDockerRun(run, { invoker, env: { HOME: '/home/me', PWD: '/home/me/p' } }) : undefined;
    const a = M.analyze({ file: 'Dockerfile', text, run: r, host: [], builder, trace: true });
    return M.renderJson([{ analysis: a, findings: a.findings }], 'x') + JSON.stringify([...a.image.fs]) + JSON.stringify(a.image.accounts) + JSON.stringify(a.sim.stages.map((s) => s.steps));
  } catch (e) { return 'ERR ' + e?.constructor?.name + ' ' + e?.message; }
};
let bad = 0, errs = 0;
const compare = (text, run, builder) => {
  const a = digest(A, text, run, builder), b = digest(B, text, run, builder);
  if (a.startsWith('ERR')) errs++;
  if (a !== b) {
    bad++;
    // Around the first difference: the reports are long and mostly the same.
    let at = 0;
    while (a[at] === b[at]) at++;
    const from = Math.max(0, at - 1500);
    if (bad <= 5) writeFileSync(join(tmpdir(), `compare-builds-${bad}.txt`), `${builder} ${run}\n${text}\n(first difference at character ${at})\n---A\n${a.slice(from, at + 1500)}\n---B\n${b.slice(from, at + 1500)}`);
  }
};
if (process.argv[4] === '--dir') {
  const dir = process.argv[5];
  if (!dir || !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`compare-builds: --dir needs a folder of Dockerfiles (got ${dir ?? 'nothing'})`);
    process.exit(2);
  }
  const files = [];
  const walk = (d) => { for (const n of readdirSync(d).sort()) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else if (/^(Dockerfile|Containerfile)/.test(n)) files.push(p); } };
  walk(dir);
  for (const f of files) for (const run of runs) for (const builder of ['buildkit', 'classic', 'buildah']) compare(readFileSync(f, 'utf8'), run, builder);
  console.log(`${files.length} files x ${runs.length * 3} settings (${errs} refused by both), ${bad} differ`);
  process.exit(bad > 0 ? 1 : 0);
}
const N = Number(process.argv[5] ?? 2000);
for (let i = 0; i < N; i++) {
  const multi = rand() < 0.2;
  const lines = [];
  if (multi) lines.push(`FROM ${pick(BASES)} AS b`, 'RUN mkdir -p /out && chmod 700 /out');
  lines.push(`FROM ${pick(BASES)}`);
  for (let k = 0, n = 2 + Math.floor(rand() * 9); k < n; k++) lines.push(pick(ins)());
  const text = lines.join('\n') + '\n';
  const run = pick(runs); const builder = pick(['buildkit', 'classic', 'buildah']);
  compare(text, run, builder);
}
console.log(`${N} cases (${errs} refused by both), ${bad} differ`);
process.exit(bad > 0 ? 1 : 0);
