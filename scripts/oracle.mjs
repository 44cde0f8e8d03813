// The oracle: builds and runs every scenario under tests/oracle/scenarios/ for real (buildah,
// chroot isolation, the kernel's own permission checks), records what happened, then asks
// `uidctl check` the same questions and compares. tests/oracle/documented/ holds the cases no
// run on this machine can show; those are checked against their documented outcome.
//
//   node scripts/oracle.mjs [--filter TEXT|^PREFIX] [--record-only] [--out FILE] [--keep]
//                           [--driver vfs|overlay|auto]
//   node scripts/oracle.mjs --import-base   (only put the base image into buildah's vfs storage,
//                                            or ORACLE_STORAGE's vfs store when that is set)
//
// Exit 0 when the model agrees everywhere, 1 on any disagreement, 2 on a broken setup.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ORACLE = join(ROOT, 'tests/oracle');
const CLI = process.env.ORACLE_CLI ?? join(ROOT, 'dist/cli.js');
const CACHE = process.env.ORACLE_CACHE ?? '/var/cache/uidctl-oracle';
const BASE_TAR = join(CACHE, 'debian-bookworm-minbase.tar');
const BASE_IMAGE = 'docker.io/library/debian:bookworm';
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const MUTATING = new Set(['write', 'create', 'delete']);
const OUTCOMES = ['ok', 'EACCES', 'EROFS', 'ENOENT', 'EPERM', 'ENOTDIR', 'EEXIST', 'EISDIR', 'ENOTEMPTY'];

// ------------------------------------------------------------------ command line

function parseArgs(argv) {
  const o = { filter: '', recordOnly: false, out: '', keep: false, driver: 'auto', baseOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--filter') o.filter = argv[++i] ?? '';
    else if (a === '--record-only') o.recordOnly = true;
    else if (a === '--out') o.out = argv[++i] ?? '';
    else if (a === '--keep') o.keep = true;
    else if (a === '--driver') o.driver = argv[++i] ?? 'auto';
    else if (a === '--import-base') o.baseOnly = true;
    else die(`unknown option ${a}`);
  }
  return o;
}

function die(msg) {
  console.error(`oracle: ${msg}`);
  process.exit(2);
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) die(`cannot run ${cmd}: ${r.error.message}`);
  return { code: r.status ?? 1, out: r.stdout ?? '', err: r.stderr ?? '' };
}

// ------------------------------------------------------------------ storage and base image

/**
 * The oracle keeps its own container storage so it never touches images other tools made.
 * overlay is what Docker itself uses and is several times faster than vfs; it is taken when
 * this machine can mount it, else vfs (always works, slower).
 */
export function storageFlags(driver, env = process.env) {
  // ORACLE_STORAGE gives a run its own store, so two runs on one machine do not meet.
  const root = env.ORACLE_STORAGE ?? '/var/lib/uidctl-oracle';
  const runroot = env.ORACLE_STORAGE ? `${env.ORACLE_STORAGE}/run` : '/run/uidctl-oracle';
  return [
    '--root', `${root}/storage-${driver}`,
    '--runroot', `${runroot}/storage-${driver}`,
    '--storage-driver', driver,
  ];
}

function pickDriver(wanted) {
  if (wanted !== 'auto') return wanted;
  const probe = sh('buildah', [...storageFlags('overlay'), 'images', '-q']);
  return probe.code === 0 ? 'overlay' : 'vfs';
}

/** debootstrap once, cached as a tar whose name carries no date; import it when missing. */
function ensureBase(S) {
  if (!fs.existsSync(BASE_TAR)) {
    fs.mkdirSync(CACHE, { recursive: true });
    const dir = fs.mkdtempSync(join(CACHE, 'rootfs-'));
    fs.chmodSync(dir, 0o755); // it becomes the image's "/"; mkdtemp made it 0700
    console.log(`oracle: debootstrap --variant=minbase bookworm (once, cached in ${BASE_TAR})`);
    const d = sh('debootstrap', ['--variant=minbase', 'bookworm', dir]);
    if (d.code !== 0) die(`debootstrap failed:\n${d.err.slice(-2000)}`);

    // What the official image leaves out too: downloaded .debs, apt lists, the host's names.
    for (const p of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
      for (const f of fs.readdirSync(join(dir, p))) {
        if (f !== 'partial' && f !== 'lock') fs.rmSync(join(dir, p, f), { force: true });
      }
    }
    fs.rmSync(join(dir, 'etc/hostname'), { force: true });
    fs.rmSync(join(dir, 'etc/resolv.conf'), { force: true });
    const t = sh('tar', ['--numeric-owner', '-C', dir, '-cf', `${BASE_TAR}.part`, '.']);
    if (t.code !== 0) die(`tar failed: ${t.err}`);
    fs.renameSync(`${BASE_TAR}.part`, BASE_TAR);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (sh('buildah', [...S, 'inspect', '--type', 'image', BASE_IMAGE]).code === 0) return;

  // podman import gives an empty config; the official image sets PATH and CMD.
  const r = sh('podman', [...S, 'import', '--change', `ENV ${PATH_ENV}`,
    '--change', 'CMD ["bash"]', BASE_TAR, BASE_IMAGE]);
  if (r.code !== 0) die(`podman import failed: ${r.err}`);
}

// ------------------------------------------------------------------ scenarios

function octal(v) {
  // YAML 1.2 reads 0755 as the decimal 755: both spellings mean the same octal digits.
  return parseInt(String(v).replace(/^0o/, ''), 8);
}

/** --filter: the id contains the text; a leading ^ anchors it at the start of the id. */
export function idMatches(id, filter) {
  return filter.startsWith('^') ? id.startsWith(filter.slice(1)) : id.includes(filter);
}

export function loadDir(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
    // A YAML error (a `: ` in an unquoted title) names the file and line, not a stack trace.
    let doc;
    try {
      doc = YAML.parse(fs.readFileSync(join(dir, name), 'utf8'));
    } catch (e) {
      if (!(e instanceof YAML.YAMLError)) throw e;
      const at = e.linePos?.[0];
      die(`${join(dir, name)}${at ? `:${at.line}` : ''}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    for (const s of doc.scenarios ?? []) {
      const img = s.image ? doc.images?.[s.image] : s;
      if (!img?.dockerfile) die(`${name}: scenario ${s.id} has no dockerfile`);
      out.push({
        ...s,
        file: name,
        dockerfile: img.dockerfile,
        context: img.context ?? {},
        buildArgs: img.buildArgs ?? {},
        secrets: img.secrets ?? {},
        ssh: img.ssh === true,
        // `format: docker` builds the Docker image format, in which buildah keeps SHELL.
        format: img.format === 'docker' || s.format === 'docker' ? 'docker' : undefined,
        host: s.host ?? [],
        actions: s.actions ?? [],
      });
    }
  }
  return out;
}

/** Dockerfile instructions with their first line, split into stages (for buildah's STEP n/m). */
export function dockerfileSteps(text) {
  const lines = text.split('\n');
  const stages = [];
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i].trim();
    if (first === '' || first.startsWith('#')) continue;
    const start = i + 1;
    let body = lines[i];
    while (/\\\s*$/.test(body) && i + 1 < lines.length) {
      i++;
      if (lines[i].trim().startsWith('#')) continue;
      body = body.replace(/\\\s*$/, ' ') + lines[i];
    }
    const keyword = body.trim().split(/\s+/)[0].toUpperCase();
    if (keyword === 'FROM') stages.push([]);
    if (stages.length) stages[stages.length - 1].push({ line: start, text: body.trim() });
  }
  return stages;
}

/** Split a command line into words, honouring single and double quotes. */
export function words(text) {
  const out = [];
  const re = /'([^']*)'|"((?:\\.|[^"\\])*)"|(\S+)/g;
  let cur = null;
  let last = -1;
  for (let m; (m = re.exec(text)); ) {
    const piece = m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3];
    if (cur !== null && m.index === last) cur += piece;
    else {
      if (cur !== null) out.push(cur);
      cur = piece;
    }
    last = re.lastIndex;
  }
  if (cur !== null) out.push(cur);
  return out;
}

/**
 * The flags of a `docker run` line that `buildah run` can reproduce. Anything else (named
 * volumes, --group-add, --read-only, a command after the image that does not end with bash...)
 * makes the scenario unmeasurable here, and it belongs in tests/oracle/documented/ instead.
 */
export function translateRun(line) {
  return parseRunLine(line).flags;
}

/**
 * The command after the image, without its last word `bash`: the harness runs its probe as
 * `bash -c SCRIPT` there, so `docker run img gosu app bash` measures what gosu makes of the
 * process. Empty when the line gives no command.
 */
export function runPrefix(line) {
  return parseRunLine(line).prefix;
}

/** Whether the line gives a command after the image (then Docker runs ENTRYPOINT before it). */
export function runHasCommand(line) {
  return parseRunLine(line).hasCommand;
}

function parseRunLine(line) {
  const w = words(line);
  // A podman run line is measured the same way: buildah run shares podman's mount code.
  if ((w[0] !== 'docker' && w[0] !== 'podman') || w[1] !== 'run') throw new Error(`not a docker or podman run line: ${line}`);
  const flags = [];
  const takes = { '-u': 'user', '--user': 'user', '-v': 'volume', '--volume': 'volume',
    '-w': 'workdir', '--workdir': 'workdir', '-e': 'env', '--env': 'env',
    '--cap-add': 'cap-add', '--cap-drop': 'cap-drop', '--uidmap': 'uidmap', '--gidmap': 'gidmap', '--tmpfs': 'tmpfs',
    '--userns': 'userns' };
  const maps = { uidmap: [], gidmap: [] };
  const switches = new Set(['--rm', '-i', '-t', '-it', '-ti', '-d', '--interactive', '--tty']);
  let image = '';
  let prefix = [];
  let hasCommand = false;
  for (let i = 2; i < w.length; i++) {
    let [flag, value] = w[i].startsWith('--') && w[i].includes('=')
      ? [w[i].slice(0, w[i].indexOf('=')), w[i].slice(w[i].indexOf('=') + 1)]
      : [w[i], undefined];
    if (switches.has(flag)) continue;
    const kind = takes[flag];
    if (!kind) {
      if (flag.startsWith('-')) throw new Error(`buildah run cannot reproduce ${flag}`);
      image = flag;
      const command = w.slice(i + 1);
      if (command.length > 0 && command.at(-1) !== 'bash') {
        throw new Error('a command after the image is not measured unless it ends with bash');
      }
      prefix = command.slice(0, -1);
      hasCommand = command.length > 0;
      break;
    }
    value ??= w[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (kind === 'uidmap' || kind === 'gidmap') {
      // podman's maps are buildah from's --userns-uid-map/--userns-gid-map (rootful: host ids);
      // podman 5's +, u/g and @ forms have no buildah spelling.
      if (w[0] !== 'podman') throw new Error(`${flag} is podman's`);
      if (!/^\d+:\d+:\d+$/.test(value)) throw new Error(`${flag} ${value} is not CONTAINER:HOST:AMOUNT`);
      maps[kind].push(value);
    } else if (kind === 'userns') {
      // podman's --userns=auto:size=N maps container ids 0 to N-1 to a free range of the
      // "containers" entries in /etc/subuid, which this machine lacks: the harness gives the
      // same size from host id 100000, the same container ids (what decides whether the run
      // user exists there), with host folders below 100000 outside it as under podman.
      const size = /^auto:size=([1-9]\d*)$/.exec(value)?.[1];
      if (w[0] !== 'podman' || size === undefined) throw new Error(`--userns=${value} is not measured here`);
      maps.uidmap.push(`0:100000:${size}`);
      maps.gidmap.push(`0:100000:${size}`);
    } else if (kind === 'user') flags.push('--user', value);
    else if (kind === 'workdir') flags.push('--workingdir', value);
    else if (kind === 'tmpfs') {
      // buildah run's tmpfs starts empty, as Docker's does (1.28 refuses tmpcopyup): the model
      // is asked with podman's notmpcopyup (askModel). Options are not measured.
      if (!value.startsWith('/') || value.includes(':')) throw new Error(`unsupported tmpfs ${value}`);
      flags.push('--mount', `type=tmpfs,destination=${value}`);
    } else if (kind === 'env') {
      if (!value.includes('=')) throw new Error(`-e ${value} copies the caller's environment`);
      flags.push('--env', value);
    } else if (kind === 'cap-add' || kind === 'cap-drop') {
      // Docker accepts "chown" and "CAP_CHOWN" alike; buildah wants the CAP_ form.
      const cap = value.toUpperCase();
      flags.push(`--${kind}`, cap === 'ALL' || cap.startsWith('CAP_') ? cap : `CAP_${cap}`);
    }
    else {
      const [src, dst, opt, extra] = value.split(':');
      if (!src.startsWith('/')) throw new Error(`named volume ${src} is not measurable here`);
      // U (podman's chown of the source to the run user) only on a podman line.
      const known = opt === undefined || opt === 'ro' || opt === 'rw' || (opt === 'U' && w[0] === 'podman');
      if (!dst || extra !== undefined || !known) {
        throw new Error(`unsupported volume ${value}`);
      }
      flags.push('--volume', value);
    }
  }
  if (!image) throw new Error('no image in the run line');
  // One of the two alone serves for both, as podman does (pkg/util ParseIDMapping).
  const uids = maps.uidmap.length > 0 ? maps.uidmap : maps.gidmap;
  const gids = maps.gidmap.length > 0 ? maps.gidmap : maps.uidmap;
  for (const v of uids) flags.push('--userns-uid-map', v);
  for (const v of gids) flags.push('--userns-gid-map', v);

  // buildah applies --cap-drop after --cap-add, so "drop ALL, add X" ends with nothing;
  // Docker adds X back. The two agree on every other combination.
  if (flags.includes('ALL') && flags.includes('--cap-add')) {
    throw new Error('--cap-drop ALL with --cap-add differs between buildah and Docker');
  }
  return { flags, prefix, hasCommand };
}

// ------------------------------------------------------------------ building

function buildKey(s) {
  const h = createHash('sha256');
  // Secrets join the key only when given, so the other builds keep their tags.
  const secrets = Object.keys(s.secrets).length > 0 ? [s.secrets] : [];
  h.update(JSON.stringify([s.dockerfile, s.context, s.buildArgs, ...secrets, ...(s.ssh ? ['ssh'] : []), ...(s.format ? [s.format] : [])]));
  return h.digest('hex').slice(0, 12);
}

/** Where a scenario's build secret is written: beside the context, not in it. */
function secretFile(dir, id) {
  return join(dirname(dir), 'secrets', id);
}

/** The private key given to a scenario's build as its default SSH agent (`ssh: true`). */
function sshKey(dir) {
  return join(dirname(dir), 'ssh-key');
}

/** Writes the Dockerfile, its inline context files and its secrets; returns the context folder. */
function writeContext(dir, s) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(join(dir, 'Dockerfile'), s.dockerfile);
  for (const [id, text] of Object.entries(s.secrets ?? {})) {
    fs.mkdirSync(dirname(secretFile(dir, id)), { recursive: true });
    fs.writeFileSync(secretFile(dir, id), text, { mode: 0o600 });
  }
  if (s.ssh) {
    // A throwaway key: buildah serves it through its own agent at RUN --mount=type=ssh.
    fs.rmSync(sshKey(dir), { force: true });
    const k = sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', sshKey(dir)]);
    if (k.code !== 0) die(`ssh-keygen failed: ${k.err}`);
  }
  for (const [name, f] of Object.entries(s.context)) {
    const p = join(dir, name);
    fs.mkdirSync(dirname(p), { recursive: true });
    // `base64:` holds a binary file (an archive ADD unpacks), `content:` text.
    fs.writeFileSync(p, typeof f === 'string' ? f : f.base64 !== undefined ? Buffer.from(f.base64, 'base64') : f.content ?? '');
    fs.chmodSync(p, octal(typeof f === 'string' ? '0644' : f.mode ?? '0644'));
  }
  return dir;
}

/**
 * What buildah prints when it could not start a step's command at all: before each RUN it
 * re-executes itself from a sealed in-memory copy, and adding the seals now and then fails
 * with EBUSY. The step never ran, so the build says nothing about the Dockerfile.
 */
export const RUNTIME_HICCUP = /(?:sealing memfd copy|Error during reexec\(\.\.\.\)): /;

/**
 * buildah bud; when it fails, the Dockerfile line of the last step buildah announced. A build
 * that failed for a RUNTIME_HICCUP is repeated (at most three tries); --layers keeps the steps
 * that had passed.
 */
/** The lines after the last STEP header: what the failing step printed, and buildah's end. */
function stepTail(text) {
  const lines = text.split('\n');
  const last = lines.findLastIndex((l) => /^(?:\[\d+\/\d+\] )?STEP \d+\/\d+: /.test(l));
  return lines.slice(last + 1);
}

/** What the failing step printed, without buildah's own "exited with status" lines. */
function stepSaid(text) {
  return stepTail(text).filter((l) => l.trim() && !/^(subprocess exited|Error: building at)/.test(l));
}

function build(S, dir, s, tag, tmp) {
  const args = [...S, 'bud', '--isolation', 'chroot', '--pull-never', '--layers', '--force-rm',
    '-t', tag];
  for (const [k, v] of Object.entries(s.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  // RUN --mount=type=secret reads these; the model takes every secret as given.
  for (const id of Object.keys(s.secrets)) args.push('--secret', `id=${id},src=${secretFile(dir, id)}`);
  if (s.ssh) args.push('--ssh', `default=${sshKey(dir)}`);
  if (s.format) args.push('--format', s.format);
  // RUN --mount=type=cache keeps its folders under $TMPDIR/buildah-cache (/var/tmp by default),
  // from one build to the next: the run's own folder starts every cache empty and leaves none.
  const env = { ...process.env, TMPDIR: tmp };
  let r;
  for (let attempt = 1; ; attempt++) {
    r = sh('buildah', [...args, dir], { env });
    if (r.code === 0 || attempt === 3) break;
    if (RUNTIME_HICCUP.test(r.out + r.err)) {
      console.log(`oracle: ${s.id}: buildah could not start a step ` +
        `(${(r.out + r.err).match(/^.*(?:sealing memfd copy|reexec).*$/m)?.[0].trim()}); building again`);
    } else if (attempt === 1 && stepSaid(r.out + r.err).length === 0 && /^Error: building at STEP .*: exit status \d+$/m.test(r.out + r.err)) {
      // Seen once under load: a step that could not start (chdir refused) failed without the
      // runtime's line. A step that really prints nothing fails the same way again: once is enough.
      console.log(`oracle: ${s.id}: a step failed without a word; building again to read why`);
    } else {
      break;
    }
  }
  const text = r.out + r.err;
  if (r.code === 0) return { ok: true, tag };

  // "STEP 6/7: RUN ..." or, with several stages, "[2/2] STEP 3/5: COPY ...".
  let where = null;
  for (const m of text.matchAll(/^(?:\[(\d+)\/\d+\] )?STEP (\d+)\/\d+: /gm)) {
    where = { stage: Number(m[1] ?? 1), step: Number(m[2]) };
  }
  const stages = dockerfileSteps(s.dockerfile);
  const step = where ? stages[where.stage - 1]?.[where.step - 1] : undefined;
  const tail = stepTail(text);
  const said = stepSaid(text);
  const telling = /error|denied|not found|not permitted|exists|unique|requir/i;
  const key = said.filter((l) => telling.test(l));
  // getopt's own line comes first and a long usage text after it: that line says why.
  const getopt = said.filter((l) => /is ambiguous; possibilities|unrecognized option|invalid option|requires an argument/.test(l));
  const final = tail.find((l) => l.startsWith('Error:')) ?? '';
  const message = [...(getopt.length ? getopt : key.length ? key : said).slice(-3), final].filter(Boolean).join(' | ');
  return { ok: false, line: step?.line ?? null, instruction: step?.text ?? '', message };
}

// ------------------------------------------------------------------ host folders

/** Fresh host folders for one run: every entry gets its owner and mode (the harness is root). */
function makeHost(root, entries) {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  const paint = (p, e, kind) => {
    if (kind === 'dir') fs.mkdirSync(p, { recursive: true });
    else fs.writeFileSync(p, e.content ?? 'oracle\n');
    fs.chownSync(p, e.uid ?? 0, e.gid ?? 0);
    fs.chmodSync(p, octal(e.mode ?? (kind === 'dir' ? '0755' : '0644')));
  };
  for (const e of entries) {
    paint(join(root, e.name), e, 'dir');
    for (const f of e.files ?? []) paint(join(root, e.name, f.name), f, f.kind ?? 'file');
  }
  // The kernel checks search permission on every ancestor: keep the temp path open to all.
  for (let d = root; d !== '/'; d = dirname(d)) {
    const st = fs.statSync(d);
    if ((st.mode & 0o001) === 0) fs.chmodSync(d, st.mode | 0o011);
  }
}

// ------------------------------------------------------------------ running actions

const q = (p) => `'${p.replace(/'/g, `'\\''`)}'`;

/**
 * The shell line that performs one operation on one path, as the container's process. What
 * the path is (folder, file, missing) is tested in the same container by the same user: when
 * that user cannot even look, every form fails the same way, with the ancestor's EACCES.
 */
function opCommand(a) {
  const p = q(a.path);
  const inside = q(`${a.path}/.oracle-new`);
  // A path written with a trailing slash asks for a folder: what is not one fails the tests
  // below (stat follows the slash) and takes the `missing` form. Making such a path means
  // mkdir (touch would report its utimensat's ENOENT after open's EISDIR). Executing a folder,
  // with the slash or without, goes through env, which reports execve's errno (EACCES) where
  // bash prints its own "Is a directory".
  const slash = a.path.length > 1 && a.path.endsWith('/');
  const forms = {
    // Reading a folder means listing it with details: r to list, x to look at what is listed.
    read: { dir: `ls -la ${p} >/dev/null`, file: `cat ${p} >/dev/null` },
    write: { dir: `touch ${inside}`, file: `: >> ${p}` },
    create: { dir: `touch ${inside}`, file: `echo "${a.path}: File exists" >&2; false`,
      missing: a.as === 'dir' || slash ? `mkdir ${p}` : `touch ${p}` },
    delete: { dir: `rmdir ${p}`, file: `rm -f ${p}`, missing: `rm ${p}` },
    // Only scripts the scenario made are executed; bash reports execve's errno itself.
    exec: { dir: `env ${p}`, file: p },
    chdir: { dir: `cd ${p}`, file: `cd ${p}` },
  }[a.op];
  if (!forms) throw new Error(`unknown op ${a.op}`);
  const missing = forms.missing ?? forms.file;
  const link = a.op === 'delete' ? `[ -L ${p} ] || ` : '';
  return `if ${link}{ [ ! -d ${p} ] && [ -e ${p} ]; }; then ${forms.file}; ` +
    `elif [ -d ${p} ]; then ${forms.dir}; else ${missing}; fi`;
}

export function classify(code, err) {
  if (code === 0) return 'ok';
  if (/Read-only file system/.test(err)) return 'EROFS';
  if (/Operation not permitted/.test(err)) return 'EPERM';
  if (/Permission denied/.test(err)) return 'EACCES';
  // coreutils rmdir's words for rmdir(2)'s ENOTDIR on `link/` where the link leads to a folder.
  if (/Not a directory|Symbolic link not followed/.test(err)) return 'ENOTDIR';
  if (/Is a directory/.test(err)) return 'EISDIR';
  if (/File exists/.test(err)) return 'EEXIST';
  if (/Directory not empty/.test(err)) return 'ENOTEMPTY';
  if (/No such file or directory|not found/.test(err)) return 'ENOENT';
  return `other(${code}): ${err.trim()}`;
}

const IDENTITY = [
  'id -u', 'id -g', 'id -G', `n=$(id -un 2>/dev/null) && echo "$n" || echo -`,
  'printf "%s\\n" "$HOME"', 'pwd',
].join('; ');

/** One bash script that runs several actions in subshells and marks each result. */
function probeScript(items) {
  const parts = ['echo @@START'];
  items.forEach(({ a }, i) => {
    if (a.identity) parts.push(`echo @@ID ${i}; ( ${IDENTITY} ); echo @@END ${i} 0`);
    // sudo at run time: whether the process gets root without a password.
    else if (a.sudo) parts.push(`echo @@OP ${i}; ( sudo -n true ) 2>&1 >/dev/null; echo "@@END ${i} $?"`);
    else if (a.op) {
      parts.push(`echo @@OP ${i}; ( ${opCommand(a)} ) 2>&1 >/dev/null; echo "@@END ${i} $?"`);
    }
  });
  return parts.join('\n');
}

function parseProbe(out) {
  const results = [];
  const re = /@@(OP|ID) (\d+)\n([\s\S]*?)@@END \2 (\d+)\n/g;
  for (let m; (m = re.exec(out)); ) {
    if (m[1] === 'ID') {
      const [uid, gid, groups, user, home, cwd] = m[3].trimEnd().split('\n');
      results[Number(m[2])] = { uid: Number(uid), gid: Number(gid),
        groups: groups.split(' ').map(Number), user: user === '-' ? null : user, home, cwd };
    } else results[Number(m[2])] = classify(Number(m[4]), m[3]);
  }
  return results;
}

/**
 * buildah from / run / rm: one container, one script, as the run line's user. About one run
 * in a few hundred comes back with no output at all, so a run whose output lacks the closing
 * marker is repeated, at most twice; a container that truly cannot start fails every time.
 */
function runInContainer(S, image, runFlags, script, reset = () => {}, prefix = []) {
  let r;
  for (let attempt = 0; attempt < 3; attempt++) {
    reset();
    r = runOnce(S, image, runFlags, `${script}\necho @@DONE`, prefix);
    if (r.out.includes('@@DONE')) break;
  }
  return r;
}

/** The flags that belong to `buildah from` (the user-namespace maps), apart from `buildah run`'s. */
function splitFromFlags(flags) {
  const from = [];
  const run = [];
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === '--userns-uid-map' || flags[i] === '--userns-gid-map') from.push(flags[i], flags[++i]);
    else run.push(flags[i]);
  }
  return { from, run };
}

function runOnce(S, image, flags, script, prefix = []) {
  const { from: fromFlags, run: runFlags } = splitFromFlags(flags);
  const from = sh('buildah', [...S, 'from', '--pull-never', ...fromFlags, image]);
  if (from.code !== 0) die(`buildah from ${image}: ${from.err}`);
  const c = from.out.trim().split('\n').pop();
  try {
    // `--` keeps a prefix's own options (setpriv --reuid=app) from being read as buildah's.
    const command = prefix.length > 0 ? ['--', ...prefix] : [];
    const args = ['run', '--isolation', 'chroot', ...runFlags, c, ...command, 'bash', '-c', script];
    return sh('buildah', [...S, ...args]);
  } finally {
    sh('buildah', [...S, 'rm', c]);
  }
}

/** What each action path is, with owner and mode, as root sees it: shown beside a failure. */
function statPaths(S, image, runFlags, paths) {
  const mounts = [];
  for (let i = 0; i < runFlags.length; i += 2) {
    if (runFlags[i] === '--volume' || runFlags[i] === '--mount') mounts.push(runFlags[i], runFlags[i + 1]);
  }
  const lines = paths.map((p) => `if [ -d ${q(p)} ]; then k=dir; elif [ -e ${q(p)} ] || ` +
    `[ -L ${q(p)} ]; then k=file; else k=missing; fi; ` +
    `echo "@@K $k $(stat -c '%u:%g %a' ${q(p)} 2>/dev/null)"`);
  // --workingdir / so that a WORKDIR missing from the image is not made here, as root.
  const r = runInContainer(S, image, ['--user', '0:0', '--workingdir', '/', ...mounts],
    lines.join('\n'));
  const got = [...r.out.matchAll(/^@@K (\w+) ?(.*)$/gm)];
  return new Map(paths.map((p, i) => [p, { kind: got[i]?.[1] ?? 'missing', meta: got[i]?.[2] }]));
}

/** The image's ENTRYPOINT as its config holds it (exec form), [] when it has none. */
function imageEntrypoint(S, image) {
  // buildah 1.28's --format has no json function: read the whole document.
  const r = sh('buildah', [...S, 'inspect', '--type', 'image', image]);
  if (r.code !== 0) die(`buildah inspect ${image}: ${r.err}`);
  return JSON.parse(r.out).OCIv1?.config?.Entrypoint ?? [];
}

/** The image's start command (ENTRYPOINT then CMD, exec form), as its config holds it. */
function imageStart(S, image) {
  const r = sh('buildah', [...S, 'inspect', '--type', 'image', image]);
  if (r.code !== 0) die(`buildah inspect ${image}: ${r.err}`);
  const c = JSON.parse(r.out).OCIv1?.config ?? {};
  return [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])];
}

/**
 * `sshd: root-login`: whether root may log in with PermitRootLogin yes on a port the image's
 * sshd listens on, as `sshd -T` reports it for the image's own sshd command line (its -p, -o
 * and -f): the ports from `sshd -T` (any lport: Port is global only), then for each `sshd -T -C user=root,...,lport=PORT`, which
 * applies the Match blocks for that connection. Run as root, as sshd starts.
 */
function sshdTruth(S, image, runFlags, a) {
  if (a.sshd !== 'root-login') throw new Error(`unknown sshd action ${a.sshd}`);
  const start = imageStart(S, image);
  const at = start.findIndex((w) => w.split('/').pop() === 'sshd');
  if (at < 0) throw new Error('the image does not start sshd');
  const args = start.slice(at).map(q).join(' ');
  const conn = 'user=root,host=client.example,addr=192.0.2.1';
  const script = [
    // Port is global only; a Match LocalPort makes -T want an lport, whichever.
    `ports=$(${args} -T -C ${conn},lport=1 2>&1 | awk '$1=="port"{print $2}')`,
    'echo "@@PORTS $ports"',
    `for p in $ports; do echo "@@ROOT $p $(${args} -T -C ${conn},lport=$p 2>&1 | awk '$1=="permitrootlogin"{print $2}')"; done`,
  ].join('\n');
  const mounts = [];
  for (let i = 0; i < runFlags.length; i += 2) if (runFlags[i] === '--volume' || runFlags[i] === '--mount') mounts.push(runFlags[i], runFlags[i + 1]);
  const r = runInContainer(S, image, ['--user', '0:0', ...mounts], script);
  const ports = r.out.match(/^@@PORTS (.*)$/m)?.[1].trim();
  if (!ports) return `sshd -T gave no port: ${(r.err || r.out).trim().slice(-300)}`;
  const values = [...r.out.matchAll(/^@@ROOT (\d+) (.*)$/gm)].map((m) => `${m[1]}:${m[2].trim()}`);
  return { rootLogin: values.some((v) => v.endsWith(':yes')), ports: ports.split(/\s+/), values };
}

/** The truth for every action of one scenario. */
function measure(S, s, image, hostRoot) {
  const runLine = s.run.replaceAll('$HOST', hostRoot);
  const flags = translateRun(runLine);
  // Docker runs the image's ENTRYPOINT before a command given after the image; buildah run
  // does not, so it is put in front here (only when the line gives a command, `image bash` too:
  // without one the harness runs its probe instead of the image's start command).
  const prefix = runPrefix(runLine);
  if (runHasCommand(runLine)) prefix.unshift(...imageEntrypoint(S, image));
  const truths = new Array(s.actions.length);
  const paths = [...new Set(s.actions.filter((a) => a.path).map((a) => a.path))];

  makeHost(hostRoot, s.host);
  const kinds = paths.length ? statPaths(S, image, flags, paths) : new Map();
  const items = s.actions.map((a, i) => ({ a, i })).filter(({ a }) => !a.sshd);
  for (const [i, a] of s.actions.entries()) {
    if (a.sshd) truths[i] = sshdTruth(S, image, flags, a);
  }

  // Actions that change nothing share one container; each change gets a fresh one.
  const shared = items.filter(({ a }) => a.identity || a.start || a.sudo || (a.op && !MUTATING.has(a.op)));
  const batches = [shared, ...items.filter(({ a }) => MUTATING.has(a.op)).map((x) => [x])];
  for (const batch of batches.filter((b) => b.length)) {
    const r = runInContainer(S, image, flags, probeScript(batch), () => makeHost(hostRoot, s.host), prefix);
    const started = r.out.includes('@@START');
    const results = started ? parseProbe(r.out) : [];
    batch.forEach(({ a, i }, j) => {
      if (a.start) truths[i] = { started, error: started ? '' : r.err.trim() };
      else if (!started) truths[i] = `not started (${r.code}): ${(r.err || r.out).trim()}`;
      else if (a.sudo && results[j] !== undefined) truths[i] = results[j] === 'ok' ? 'root' : `refused: ${results[j]}`;
      else truths[i] = results[j] ?? `no result: ${r.err.trim().slice(-300)}`;
    });
  }
  return { truths, kinds, runLine };
}

// ------------------------------------------------------------------ the model

function askModel(ctxDir, s, runLine, engine, builder) {
  const args = [CLI, 'check', join(ctxDir, 'Dockerfile'), '--engine', engine, '--builder', builder,
    '--format', 'json', '--fail-on', 'never'];
  // What was measured is buildah run: podman's run-time rules, except that it adds no
  // /etc/passwd line for a run user without one, which podman spells --passwd=false.
  // Its tmpfs starts empty (no copy-up, unlike podman's default): podman's notmpcopyup.
  const asked = engine === 'podman' && runLine
    ? runLine.replace(/^\s*docker\s+run\b/, 'podman run --passwd=false').replace(/(--tmpfs[ =]\/\S*)/g, '$1:notmpcopyup')
    : runLine;
  if (asked) args.push('--run', asked);
  if (s.runFile) {
    fs.writeFileSync(join(ctxDir, s.runFile.name), s.runFile.content);
    // A Kubernetes manifest goes to --k8s; a shell script holding a run line to --run-file.
    args.push(/^apiVersion:/m.test(s.runFile.content) ? '--k8s' : '--run-file', join(ctxDir, s.runFile.name));
  }
  for (const [k, v] of Object.entries(s.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  for (const p of new Set(s.actions.filter((a) => a.path).map((a) => a.path))) {
    args.push('--path', p);
  }
  const r = sh(process.execPath, args, { cwd: ctxDir });
  try {
    return { report: JSON.parse(r.out).results[0] };
  } catch {
    return { error: `uidctl exited ${r.code}: ${(r.err || r.out).trim().slice(-600)}` };
  }
}

// ------------------------------------------------------------------ comparing

/** Describes what the truth (or a documented outcome) is, in the words the report uses. */
function show(a, t) {
  if (t === undefined) return '(no answer: see the ERROR line above)';
  if (typeof t === 'string') return t;
  if (a.build) {
    if (t.ok) return 'build ok';
    return `build fails at line ${t.line}${t.message ? ` (${t.message})` : ''}`;
  }
  if (a.start) return t.started ? 'starts' : `does not start${t.error ? ` (${t.error})` : t.message ? ` (${t.message})` : ''}`;
  if (a.sshd) return `root login ${t.rootLogin ? 'allowed' : 'refused'}${t.values ? ` (sshd -T per port: ${t.values.join(' ')})` : ''}`;
  const parts = [];
  if ('uid' in t) parts.push(`uid=${t.uid}`);
  if ('gid' in t) parts.push(`gid=${t.gid}`);
  if (t.groups) parts.push(`groups=${t.groups.join(',')}`);
  if ('user' in t) parts.push(`user=${t.user ?? '(none)'}`);
  if ('home' in t) parts.push(`HOME=${t.home}`);
  if ('cwd' in t) parts.push(`cwd=${t.cwd}`);
  return parts.join(' ');
}

function label(a) {
  if (a.identity) return 'identity';
  if (a.build) return 'build';
  if (a.start) return 'start';
  if (a.sshd) return `sshd ${a.sshd}`;
  if (a.sudo) return 'sudo -n true';
  return `${a.op} ${a.path}`;
}

/** The model's answer to one action, in the same shape as the truth. */
function predicted(a, rep) {
  if (a.build) {
    const f = rep.build?.failures?.[0];
    const findings = (rep.findings ?? []).slice(0, 3)
      .map((x) => `${x.ruleId} (line ${x.location?.line}): ${x.message}`);
    return { value: { ok: rep.build?.ok !== false, line: f?.line ?? null, message: f?.message ?? '' },
      why: f ? [`${f.instruction}: ${f.message}`] : findings };
  }
  if (a.start) {
    return { value: { started: rep.start?.ok !== false, message: (rep.start?.errors ?? []).join(' ') }, why: rep.start?.errors ?? [] };
  }
  if (a.sshd) {
    // UID501: sshd lets root log in (PermitRootLogin yes, globally or in a Match block that applies).
    const f = (rep.findings ?? []).filter((x) => x.ruleId === 'UID501');
    return { value: { rootLogin: f.length > 0 }, why: f.map((x) => x.message) };
  }
  if (a.sudo) {
    // Root without a password: identity.sudo usable and needing none (or already root).
    const su = rep.identity?.sudo;
    return { value: su?.usable && su.nopasswd ? 'root' : 'refused', why: [su?.reason ?? 'no sudo in the report'] };
  }
  if (a.identity) {
    const id = rep.identity;
    if (!id) return { value: 'no identity in the report', why: [] };
    return { value: { uid: id.uid, gid: id.gid, groups: id.groups, user: id.user ?? null,
      home: id.home, cwd: id.workdir }, why: [id.id ?? ''] };
  }
  const v = (rep.verdicts ?? []).find((x) => x.path === a.path && x.op === a.op);
  if (!v) return { value: 'no verdict', why: [] };
  // A verdict on a path that may or may not be there answers neither way.
  return { value: v.unknown ? 'not known' : v.allowed ? 'ok' : v.errno ?? 'denied', why: v.reasons ?? [] };
}

function sameGroups(x, y) {
  const rest = (g) => [...new Set(g.slice(1).filter((n) => n !== g[0]))].sort((m, n) => m - n);
  return x[0] === y[0] && JSON.stringify(rest(x)) === JSON.stringify(rest(y));
}

/** Field-by-field differences; empty means the two agree. */
export function differ(a, truth, other) {
  // A refusal is measured with sudo's words; the model's answer is only that it refuses.
  if (a.sudo) return (truth === 'root') === (other === 'root') ? [] : ['outcome'];
  if (typeof truth === 'string' || typeof other === 'string') {
    // `model: not-known`: the model is to say it cannot know (a path below an ADD archive,
    // whose contents it does not read); the truth is still measured against `expect`.
    if (a.model === 'not-known' && other === 'not known') return [];
    return truth === other ? [] : ['outcome'];
  }
  if (a.build) {
    if (truth.ok !== other.ok) return ['ok'];
    if (!truth.ok && truth.line !== other.line) return ['line'];
    // `worded: true`: the words the failure must show (`because`) are the model's words too.
    // Opt-in, as builders word some failures differently (buildah's and runc's lookups).
    const because = a.expect?.worded === true ? a.expect.because : undefined;
    return !truth.ok && because && other.message !== undefined && !other.message.includes(because) ? ['message'] : [];
  }
  if (a.start) {
    if (truth.started !== other.started) return ['started'];
    // `worded: true` on a start action: its `because` (what the run's error shows) is in the
    // model's start errors too.
    const because = a.worded === true ? a.because : undefined;
    return !truth.started && because && other.message !== undefined && !other.message.includes(because) ? ['message'] : [];
  }
  if (a.sshd) return truth.rootLogin === other.rootLogin ? [] : ['rootLogin'];
  const out = [];
  // A documented outcome may name only some fields; a measured one names them all.
  for (const k of ['uid', 'gid', 'user', 'home', 'cwd']) {
    if (k in truth && truth[k] !== other[k]) out.push(k);
  }
  if (truth.groups && !sameGroups(truth.groups, other.groups ?? [])) out.push('groups');
  return out;
}

/** The scenario's stated expectation, in the shape of the truth. */
function expectation(a) {
  if (a.expect === undefined) return undefined;
  if (a.build) return { ok: a.expect.ok ?? true, line: a.expect.line ?? null };
  if (a.start) return { started: a.expect };
  if (a.sshd) return { rootLogin: a.expect };
  if (a.sudo) return a.expect === 'root' ? 'root' : 'refused';
  return a.expect;
}

// ------------------------------------------------------------------ main

/**
 * Where --import-base puts the base image. With ORACLE_STORAGE, the vfs driver of that store (the
 * one a run with --driver vfs and the same ORACLE_STORAGE uses); without it, buildah's default
 * store with the vfs driver, where the tests of tests/probe and tests/archive look for it.
 */
export function importBaseStorage(env = process.env) {
  if (env.ORACLE_STORAGE) {
    return { flags: storageFlags('vfs', env), where: `the vfs storage of ${env.ORACLE_STORAGE}/storage-vfs` };
  }
  return { flags: ['--storage-driver', 'vfs'], where: "buildah's vfs storage" };
}

function main() {
  const opt = parseArgs(process.argv.slice(2));
  if (opt.baseOnly) {
    const base = importBaseStorage();
    ensureBase(base.flags);
    console.log(`oracle: ${BASE_IMAGE} is in ${base.where}`);
    return;
  }
  const t0 = Date.now();
  const measured = loadDir(join(ORACLE, 'scenarios')).filter((s) => idMatches(s.id, opt.filter));
  const documented = loadDir(join(ORACLE, 'documented')).filter((s) => idMatches(s.id, opt.filter));

  let recordOnly = opt.recordOnly;
  if (!recordOnly && !fs.existsSync(CLI)) {
    console.log(`oracle: ${CLI} is missing (run npm run build); recording the truth only`);
    recordOnly = true;
  }

  const driver = pickDriver(opt.driver);
  const S = storageFlags(driver);
  ensureBase(S);

  // The storage is the oracle's own: whatever container an interrupted run left is stale.
  sh('buildah', [...S, 'rm', '--all']);
  const work = fs.mkdtempSync(join(tmpdir(), 'uidctl-oracle-'));
  fs.chmodSync(work, 0o755);
  console.log(`oracle: ${measured.length} measured scenarios, storage ${driver}, in ${work}`);
  const buildTmp = join(work, 'tmp');
  fs.mkdirSync(buildTmp);

  const tally = { pass: 0, fail: 0, stale: 0 };
  const record = [];
  const builds = new Map();
  const report = (s, a, truth, model, where) => {
    const exp = expectation(a);
    // `because` names text the failure must show, so a build fails for the intended reason.
    // On a start action, `because` names what the container's error output must show.
    const because = a.build ? a.expect?.because : a.start ? a.because : undefined;
    const shown = a.build ? truth?.message : truth?.error;
    const wrongExpect = exp !== undefined && (differ(a, truth, exp).length > 0 ||
      (because && !String(shown ?? '').includes(because)));
    record.push({ id: s.id, action: label(a), truth, expect: exp, kinds: where });
    if (wrongExpect) {
      tally.stale++;
      console.log(`SCENARIO ${s.id} [${label(a)}] says ${show(a, exp)} but ` +
        `the run shows ${show(a, truth)}`);
    }
    if (!model) {
      if (wrongExpect) tally.fail++;
      else tally.pass++;
      if (recordOnly) console.log(`  ${s.id.padEnd(44)} ${label(a).padEnd(36)} ${show(a, truth)}`);
      return;
    }
    const diff = model.value === undefined ? ['no prediction'] : differ(a, truth, model.value);
    if (diff.length === 0 && !wrongExpect) {
      tally.pass++;
      return;
    }
    tally.fail++;
    if (diff.length === 0) return;
    console.log(`FAIL ${s.id} [${label(a)}] (${diff.join(', ')})`);
    console.log(`  truth:      ${show(a, truth)}${where ? `   (${where})` : ''}`);
    console.log(`  prediction: ${show(a, model.value)}`);
    for (const r of model.why ?? []) console.log(`    - ${r}`);
  };

  for (const [n, s] of measured.entries()) {
    const ctxDir = join(work, `s${n}`, 'context');
    const hostRoot = join(work, `s${n}`, 'host');
    writeContext(ctxDir, s);
    const key = buildKey(s);
    if (!builds.has(key)) builds.set(key, build(S, ctxDir, s, `localhost/oracle-${key}`, buildTmp));
    const b = builds.get(key);

    let truths = [];
    let kinds = new Map();
    let runLine = s.run?.replaceAll('$HOST', hostRoot);
    const needsRun = s.actions.some((a) => !a.build);
    if (needsRun && !b.ok) {
      truths = s.actions.map((a) => (a.build ? b : `build failed: ${b.message}`));
    } else {
      let m = { truths: [] };
      try {
        if (needsRun) m = measure(S, s, b.tag, hostRoot);
      } catch (e) {
        m = { truths: s.actions.map(() => `unmeasurable: ${e.message}`) };
      }
      truths = s.actions.map((a, i) => (a.build ? b : m.truths[i]));
      kinds = m.kinds ?? kinds;
      runLine = m.runLine ?? runLine;
    }

    let rep = null;
    if (!recordOnly) {
      makeHost(hostRoot, s.host);
      // buildah's Docker format keeps SHELL as BuildKit does (its OCI default drops it): such a
      // scenario is judged with BuildKit's rules.
      rep = askModel(ctxDir, s, runLine, 'podman', s.format === 'docker' ? 'buildkit' : 'buildah');
      if (rep.error) console.log(`ERROR ${s.id}: ${rep.error}`);
    }
    s.actions.forEach((a, i) => {
      const meta = a.path && kinds.get(a.path);
      const seen = meta?.kind === 'missing' ? 'not in the image' : `${meta?.kind} ${meta?.meta}`;
      const where = meta ? `${a.path}: ${seen}`.trim() : '';
      const model = rep === null ? null
        : rep.error ? { value: undefined, why: [] } : predicted(a, rep.report);
      report(s, a, truths[i], model, where);
    });
  }
  const measuredTally = { ...tally };
  const tMeasured = Date.now() - t0;

  // Documented-only: the expected outcome comes from the cited source, not from a run.
  const doc = { agree: 0, disagree: 0 };
  for (const [n, s] of documented.entries()) {
    const ctxDir = writeContext(join(work, `d${n}`, 'context'), s);
    const hostRoot = join(work, `d${n}`, 'host');
    makeHost(hostRoot, s.host);
    const runLine = s.run?.replaceAll('$HOST', hostRoot);
    if (recordOnly) {
      for (const a of s.actions) {
        console.log(`  documented ${s.id} [${label(a)}] ${show(a, expectation(a))}`);
      }
      continue;
    }
    const rep = askModel(ctxDir, s, runLine, s.engine ?? 'docker', s.builder ?? 'buildkit');
    if (rep.error) console.log(`ERROR ${s.id}: ${rep.error}`);
    for (const a of s.actions) {
      const want = expectation(a);
      const model = rep.error ? { value: undefined, why: [] } : predicted(a, rep.report);
      const diff = model.value === undefined ? ['no prediction'] : differ(a, want, model.value);
      if (diff.length === 0) {
        doc.agree++;
        continue;
      }
      doc.disagree++;
      console.log(`DOCUMENTED ${s.id} [${label(a)}] (${diff.join(', ')})`);
      console.log(`  documented: ${show(a, want)}   (${s.source})`);
      console.log(`  prediction: ${show(a, model.value)}`);
      for (const r of model.why ?? []) console.log(`    - ${r}`);
    }
  }

  if (opt.out) fs.writeFileSync(opt.out, JSON.stringify(record, null, 2));
  if (!opt.keep) fs.rmSync(work, { recursive: true, force: true });
  const secs = (ms) => (ms / 1000).toFixed(0);
  console.log(`oracle: ${builds.size} builds, ${record.length} measured actions in ` +
    `${secs(tMeasured)} s (total ${secs(Date.now() - t0)} s)` +
    (measuredTally.stale ? `; ${measuredTally.stale} scenario expectations contradicted` : ''));
  if (!recordOnly) {
    console.log(`documented-only: ${doc.agree} agree, ${doc.disagree} disagree ` +
      `(${documented.length} scenarios, checked against their sources)`);
  }
  console.log(`oracle: ${measuredTally.pass} passed, ${measuredTally.fail} failed`);
  process.exit(measuredTally.fail || doc.disagree ? 1 : 0);
}

// Imported by tests for its pure helpers; run as a script otherwise.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
