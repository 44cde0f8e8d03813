// From what the probe saw inside a running container to the same findings `uidctl check`
// predicts from a Dockerfile: same rule ids, same fix shapes, but every fact is an observation,
// so nothing here depends on an assumption.

import type { Finding, Fix, Severity } from '../model/types.js';
import type { Profile } from '../analyze.js';
import type { RuleMeta } from '../rules/rule.js';
import { findRule } from '../rules/registry.js';
import UID801 from '../rules/gpu/UID801-gpu-device-denied.js';
import { namelessFixes } from '../rules/identity/UID102-nameless-uid.js';
import { pipDeniedFixes, venvSnippet } from '../rules/python/UID301-pip-install-denied.js';
import { EXTERNALLY_MANAGED_FIXES, EXTERNALLY_MANAGED_WHY, externallyManagedMessage } from '../rules/python/UID303-externally-managed.js';
import { refusedByMarker } from '../rules/python/pip.js';
import { leadFix } from '../rules/rule.js';
import { sudoersStep } from '../rules/util.js';
import { mountKind, userMounts, type ProbeMount, type ProbeReport } from './report.js';

/** UID801's header, from the rule itself (src/rules/gpu). */
export const UID801_META: RuleMeta = UID801;

export interface DiagnoseOptions {
  /** Shown as the location of every finding (default "probe.json"). */
  file?: string;
  /** dev (default: a live container is being debugged) or prod. */
  profile?: Profile;
}

interface Raw {
  ruleId: string;
  message: string;
  why: string;
  fixes: Fix[];
}

function who(p: ProbeReport): string {
  return p.user ? `${p.user} (uid ${p.uid})` : `uid ${p.uid} (no passwd entry)`;
}

function ownerOf(uid: number | null, gid: number | null, mode: string | null): string {
  return uid === null ? 'an unknown owner' : `${uid}:${gid} mode ${mode}`;
}

/** The host uid a container uid is, through the user-namespace map (null: not mapped). */
export function hostUid(p: ProbeReport, uid: number): number | null {
  const map = p.userns.uidMap;
  if (!map) return uid;
  for (const [inside, outside, count] of map) {
    if (uid >= inside && uid < inside + count) return outside + (uid - inside);
  }

  return null;
}

function identityFindings(p: ProbeReport, out: Raw[]): void {
  if (p.uid === 0) {
    const host = hostUid(p, 0);
    const mapped = host !== null && host !== 0 ? ` It is uid ${host} on the host (user namespace), which limits the damage.` : '';
    out.push({
      ruleId: 'UID101',
      message: `The container runs as root (uid 0).${mapped}`,
      why:
        'A root process can change every file in the image and in every mounted folder, and files it ' +
        'creates in bind mounts belong to root on the host.',
      fixes: [
        { description: 'Start it with your own ids.', snippet: '--user "$(id -u):$(id -g)"', safe: false },
        { description: 'Or create an unprivileged user in the image and switch to it.', snippet: 'RUN useradd --create-home --uid 1000 app\nUSER 1000:1000', safe: false },
      ],
    });
  }

  if (!p.hasPasswdEntry) {
    const home = p.home.set && p.home.path !== '/' ? `HOME is ${p.home.path}` : 'HOME is /';
    out.push({
      ruleId: 'UID102',
      message: `uid ${p.uid} has no entry in /etc/passwd: the prompt shows "I have no name!", ${home}, and the group is ${p.gid}${p.gid === 0 ? ' (root)' : ''}.`,
      why:
        'The engine takes the user name, home and primary group from /etc/passwd. For an unknown uid it ' +
        'keeps the uid and sets HOME=/, which ordinary users cannot write: pip, Jupyter, git and caches fail.',
      fixes: namelessFixes(p.uid, p.gid),
    });
  }

  // As in the static rule, UID102 already explains HOME=/ for a uid without a name.
  const home = p.home.path;
  const nameless = !p.hasPasswdEntry && (home === '/' || home === null);
  if (p.uid !== 0 && home && !nameless && !(p.home.exists && p.home.writable)) {
    const state = p.home.exists ? 'is not writable' : 'does not exist';
    out.push({
      ruleId: 'UID103',
      message: `HOME (${home}) ${state} for ${who(p)}: tools that write under ~ (pip --user, ~/.cache, Jupyter, git config) fail.`,
      why: p.home.exists ? `The probe could not create a file in ${home}.` : `${home} is not a directory in the container.`,
      // /root (a HOME inherited from a root shell) or / is never the user's to take.
      fixes: home === '/root' || home === '/'
        ? [
            { description: `Start the process with a HOME of its own: ${home} belongs to root.`, snippet: '-e HOME=/tmp', safe: false },
            { description: 'Or run as a user created with a home of its own.', snippet: 'RUN useradd --create-home --uid 1000 app\nUSER app', safe: false },
          ]
        : [
            {
              description: p.home.exists ? 'Give the user its home directory.' : 'Create the home directory when creating the user.',
              snippet: p.home.exists ? `RUN chown ${p.uid}:${p.gid} ${home}` : `RUN mkdir -p ${home} && chown ${p.uid}:${p.gid} ${home}`,
              safe: false,
            },
          ],
    });
  }

  const cwdMount = userMounts(p).some((m) => p.cwd.path === m.target || p.cwd.path.startsWith(`${m.target}/`));
  // As check does: no WORKDIR leaves the process in /, which is never the user's to write (and
  // a chown of / is no fix).
  if (!p.cwd.writable && !cwdMount && p.cwd.path !== '/') {
    out.push({
      ruleId: 'UID105',
      message: `${who(p)} cannot create files in the working directory ${p.cwd.path}.`,
      why: `The probe could not create a file in ${p.cwd.path}. Scripts that save checkpoints or logs to relative paths fail with Permission denied.`,
      fixes: [
        { description: 'Make the working directory belong to the user.', snippet: `RUN mkdir -p ${p.cwd.path} && chown ${p.uid}:${p.gid} ${p.cwd.path}`, safe: false },
      ],
    });
  }
}

/** UID205 for a mount the probe could not read: a folder not listable, a file not readable. */
function unreadableMount(p: ProbeReport, m: ProbeMount): Raw {
  const kind = mountKind(m);
  const dir = m.kind === 'dir';
  const fixes: Fix[] = [];
  const mode = m.mode === null ? undefined : parseInt(m.mode, 8);
  // The group may read (and, for a folder, search): the process lacks only the membership.
  const groupReads = mode !== undefined && (mode & 0o040) !== 0 && (!dir || (mode & 0o010) !== 0);
  if (kind === 'other') {
    // Where it comes from is not a host folder the probe can name: open it from inside, as root.
    if (!m.ro) fixes.push({ description: 'Open it to every user from a root shell in the container (the change stays on the mount\'s source).', snippet: `docker exec -u 0 CONTAINER chmod ${dir ? '-R a+rX' : 'a+r'} ${m.target}`, safe: false });
  } else if (kind === 'bind') {
    const src = m.root;
    if (dir) fixes.push({ description: 'Let every user read the folder on the host (X adds search to folders only).', snippet: `sudo chmod -R a+rX ${src}`, safe: false });
    fixes.push({
      description: `${dir ? 'Or give' : 'Give'} uid ${p.uid} an ACL entry on the host, leaving the mode as it is.`,
      snippet: dir ? `sudo setfacl -R -m u:${p.uid}:rX -m d:u:${p.uid}:rX ${src}` : `sudo setfacl -m u:${p.uid}:r ${src}`,
      safe: false,
    });
  } else if (kind === 'volume') {
    const name = /\/volumes\/([^/]+)\/_data$/.exec(m.root)?.[1] ?? 'VOLUME';
    fixes.push({ description: 'Open the volume to every user once, from a root container.', snippet: `docker run --rm -v ${name}:/v busybox chmod -R a+rX /v`, safe: false });
  } else {
    fixes.push({ description: 'Mount the tmpfs with a mode every user may read.', snippet: `--tmpfs ${m.target}:mode=0755`, safe: false });
  }
  if (groupReads && m.gid !== null && !p.groups.includes(m.gid)) {
    fixes.push({ description: `Or add group ${m.gid}, which may read it, to the process.`, snippet: `--group-add ${m.gid}`, safe: false });
  }
  if (m.uid !== null && m.uid !== 0 && m.uid !== p.uid) {
    fixes.push({ description: `Or run as its owner (uid ${m.uid}).`, snippet: `--user ${m.uid}:${m.gid}`, safe: false });
  }
  const what = dir ? 'list' : 'read';

  return {
    ruleId: 'UID205',
    message: `${who(p)} cannot ${what} ${m.target} (${kind === 'other' ? 'a mount' : `${kind} of ${m.root}`}): it belongs to ${ownerOf(m.uid, m.gid, m.mode)} - Permission denied.`,
    why: `The probe could not ${dir ? 'list the folder (read and search)' : 'read the file'}. A mount keeps the owner and mode of its source, and read-only (:ro) says nothing about who may read it; uids are not translated.`,
    fixes,
  };
}

function mountFindings(p: ProbeReport, out: Raw[]): void {
  for (const m of userMounts(p)) {
    // A read-write folder that may not be written either is UID201's (its fixes give the folder
    // to the process), as in `check`.
    if (m.readable === false && !(m.kind === 'dir' && !m.ro && m.writable === false)) out.push(unreadableMount(p, m));
    if (m.kind !== 'dir' || m.ro) continue;
    const kind = mountKind(m);

    if (m.writable === false) {
      const fixes: Fix[] = [];
      if (kind === 'bind') {
        fixes.push({
          description: `Run as the folder's owner${m.uid !== null ? ` (uid ${m.uid})` : ''}, e.g. with your own ids when you own it.`,
          snippet: m.uid !== null ? `--user ${m.uid}:${m.gid}` : '--user "$(id -u):$(id -g)"',
          safe: false,
        });
        fixes.push({ description: `Or give the folder to uid ${p.uid} on the host.`, snippet: `sudo chown -R ${p.uid}:${p.gid} ${m.root}`, safe: false });
        fixes.push({
          description: 'Or build the image user with the host uid so both agree.',
          snippet: `ARG UID=${m.uid ?? 1000}\nRUN useradd --create-home --uid $UID app\nUSER app\n# docker build --build-arg UID=$(id -u) .`,
          safe: false,
        });
      } else if (kind === 'tmpfs') {
        fixes.push({ description: 'Give the tmpfs to the user with its mount options.', snippet: `--tmpfs ${m.target}:uid=${p.uid},gid=${p.gid},mode=0755`, safe: false });
      } else {
        fixes.push({
          description: 'Create the path in the image owned by the user before the volume is first used, so the new volume copies that owner.',
          snippet: `RUN mkdir -p ${m.target} && chown ${p.uid}:${p.gid} ${m.target}`,
          safe: false,
        });
      }
      out.push({
        ruleId: 'UID201',
        message: `${who(p)} cannot write to ${m.target} (${kind} of ${m.root}): it belongs to ${ownerOf(m.uid, m.gid, m.mode)} - Permission denied.`,
        why:
          `The probe could not create a file in ${m.target}. ` +
          (kind === 'bind'
            ? 'A bind mount shows the host folder with its host owner and mode; uids are not translated.'
            : 'A new volume starts as a copy of the image path, owner and mode included.'),
        fixes,
      });
    }

    // Files root creates in a bind mount are root's on the host, unless a user namespace maps uid 0.
    if (p.uid === 0 && m.writable === true && kind === 'bind' && hostUid(p, 0) === 0) {
      out.push({
        ruleId: 'UID202',
        message: `Files the container creates in ${m.target} will belong to root on the host (${m.root}), where your user cannot edit or delete them without sudo.`,
        why: 'A bind mount passes uids through unchanged: what uid 0 creates inside is owned by uid 0 outside.',
        fixes: [
          { description: 'Run the container with your own ids.', snippet: '--user "$(id -u):$(id -g)"', safe: false },
          { description: 'Or, to repair files already written, give them back on the host.', snippet: `sudo chown -R "$(id -u):$(id -g)" ${m.root}`, safe: false },
        ],
      });
    }
  }
}

function pythonFindings(p: ProbeReport, out: Raw[]): void {
  const py = p.python;
  if (!py || (!py.pipModule && !p.pip)) return;
  const env = { ...(p.pipEnv ?? {}) } as Record<string, string | undefined>;
  for (const k of Object.keys(env)) if (env[k] === null) delete env[k];

  // As in `check`: PEP 668 refuses before pip looks at permissions, for root too (UID303).
  if (refusedByMarker(py, env)) {
    const unrecorded = p.pipEnv ? '' : ' If the container sets PIP_BREAK_SYSTEM_PACKAGES=1 (this probe does not record it), pip installs anyway.';
    out.push({ ruleId: 'UID303', message: externallyManagedMessage(py.path), why: EXTERNALLY_MANAGED_WHY + unrecorded, fixes: EXTERNALLY_MANAGED_FIXES });
    return;
  }
  if (p.uid === 0 || !py.purelib || !py.purelibExists || py.purelibWritable) return;

  // pip's decide_user_install(): no user site in a venv or with PYTHONNOUSERSITE.
  const userSiteEnabled = !env.VIRTUAL_ENV && !env.PYTHONNOUSERSITE;
  const falls = userSiteEnabled && py.userSiteWritable && py.userSite !== null;
  const bin = py.userBase ? `${py.userBase}/bin` : p.home.path ? `${p.home.path}/.local/bin` : null;
  const path = (p.path ?? '').split(':');
  const home = p.hasPasswdEntry && p.home.path && p.home.path !== '/' ? p.home.path : undefined;
  const userBase = py.userBase ?? (p.home.path ? `${p.home.path}/.local` : '~/.local');
  out.push({
    ruleId: 'UID301',
    message: falls
      ? `\`pip install\` as ${who(p)} cannot write ${py.purelib}: pip falls back to a user installation in ${py.userSite} ("Defaulting to user installation because normal site-packages is not writeable").`
      : `\`pip install\` as ${who(p)} will fail: ${py.purelib} is not writable and ${userSiteEnabled ? `${userBase} cannot be created either` : 'user installs are off in this environment'} (ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied).`,
    why: `pip writes into the site-packages of ${py.path}; the probe could not create a file there.`,
    fixes: pipDeniedFixes({
      falls,
      user: p.user ?? String(p.uid),
      pathSnippet: bin && !path.includes(bin) ? `ENV PATH=${bin}:$PATH` : undefined,
      venvSnippet: venvSnippet(home, p.uid, p.gid),
    }),
  });

  if (userSiteEnabled && bin && !path.includes(bin)) {
    out.push({
      ruleId: 'UID302',
      message: `${bin} is not on PATH: console scripts from \`pip install --user\` (jupyter, tensorboard, ...) will be "command not found".`,
      why: 'pip puts the scripts of user installs into ~/.local/bin, which PATH does not list.',
      fixes: [{ description: 'Add it to PATH.', snippet: `ENV PATH=${bin}:$PATH`, safe: false }],
    });
  }
}

function sudoFindings(p: ProbeReport, out: Raw[]): void {
  if (p.uid === 0) return;
  const name = p.user ?? String(p.uid);

  if (p.sudo.path === null) {
    out.push({
      ruleId: 'UID401',
      message: `sudo is not installed: ${who(p)} gets "sudo: command not found" and cannot install system packages at run time.`,
      why: 'Official base images leave sudo out. Without it a non-root user has no way to become root inside the container.',
      fixes: [
        { description: 'Install what you need at build time, as root, before USER.', snippet: `USER root\nRUN apt-get update && apt-get install -y --no-install-recommends PACKAGE\nUSER ${name}`, safe: false },
        { description: 'Or get a root shell in the running container when you really need one.', snippet: 'docker exec -u 0 -it CONTAINER bash', safe: false },
      ],
    });
  } else if (p.sudo.tested && p.sudo.nopasswd === false) {
    const said = p.sudo.message ? p.sudo.message.split('\n')[0] : 'it refused';
    out.push({
      ruleId: 'UID402',
      message: `${who(p)} cannot use sudo without a password: \`sudo -n true\` said "${said}".`,
      why: 'sudo allows only the users and groups its sudoers files name; everyone else gets "is not in the sudoers file", and a rule without NOPASSWD asks for a password the user may not have.',
      fixes: [
        { description: 'Allow only the commands the user needs.', snippet: sudoersStep(name, '/usr/bin/apt-get'), safe: false },
      ],
    });
  }
}

function gpuFindings(p: ProbeReport, out: Raw[]): void {
  const denied = p.gpu.filter((g) => g.kind === 'char' && !g.openRw);
  if (denied.length === 0) return;

  const groups = [...new Set(denied.map((g) => g.gid).filter((g): g is number => g !== null && !p.groups.includes(g)))];
  const list = denied.map((g) => `${g.path} (${ownerOf(g.uid, g.gid, g.mode)})`).join(', ');
  const fixes: Fix[] = [];
  if (groups.length > 0) {
    fixes.push({ description: "Add the devices' group to the process.", snippet: groups.map((g) => `--group-add ${g}`).join(' '), safe: false });
  }
  fixes.push({
    description: 'Or let the NVIDIA Container Toolkit create the device nodes (mode 0666) instead of passing them with --device.',
    snippet: '--gpus all',
    safe: false,
  });
  out.push({
    ruleId: 'UID801',
    message: `${who(p)} cannot open ${list}: CUDA sees no GPU and nvidia-smi reports "Insufficient Permissions".`,
    why: "The device nodes keep the owner and mode they have on the host (often root:video 0660); a process outside that group, or a device cgroup that does not allow them, is refused on open.",
    fixes,
  });
}

function severityOf(id: string, profile: Profile): Severity | 'off' {
  if (id === UID801_META.id) return UID801_META.severity[profile];
  const rule = findRule(id);

  return rule ? rule.severity[profile] : 'warning';
}

/** Findings from a probe's observations, ordered by rule id. Line 0: a probe has no lines. */
export function diagnoseProbe(p: ProbeReport, opts: DiagnoseOptions = {}): Finding[] {
  const profile = opts.profile ?? 'dev';
  const raw: Raw[] = [];
  identityFindings(p, raw);
  mountFindings(p, raw);
  pythonFindings(p, raw);
  sudoFindings(p, raw);
  gpuFindings(p, raw);

  const out: Finding[] = [];
  for (const r of raw) {
    const severity = severityOf(r.ruleId, profile);
    if (severity === 'off') continue;
    out.push({ ...r, fixes: leadFix(r.fixes), severity, location: { file: opts.file ?? 'probe.json', line: 0 }, dependsOn: [] });
  }

  return out.sort((x, y) => (x.ruleId < y.ruleId ? -1 : x.ruleId > y.ruleId ? 1 : 0));
}
