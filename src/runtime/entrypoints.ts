// Entrypoints that change the identity themselves before the main program starts. Only the ones
// whose behaviour is documented and common in this field are modelled; each says so in notes.

import type { Assumption, Capability, ImageState, Process, RunContext } from '../model/types.js';
import type { Identity } from '../access/evaluate.js';
import { groupByGid, groupByName, memberGroups, userByName } from '../image/accounts.js';
import { evaluate } from '../access/evaluate.js';
import { SUDO_NO_SETUID } from '../shell/commands/builtins.js';

export interface EntrypointEffect {
  process: Process;
  identity: Identity;
  assumption: Assumption;
  /** A sudoers rule the script writes (GRANT_SUDO). */
  grantsSudo?: { who: string; file: string };
  /**
   * What the script gives to the user as root before it switches (CHOWN_HOME, CHOWN_EXTRA):
   * each path, recursively when the *_OPTS say -R.
   */
  chowns?: { path: string; uid: number; gid: number; recursive: boolean }[];
  /**
   * start.sh stops as root before the switch (set -e): a chown, or the closing
   * `exec sudo ... --user NB_USER`, refused for a capability the run drops. The process stays
   * root and the command never runs.
   */
  error?: { step: string; message: string; status: number; missing: Capability[]; target: { name: string; uid: number; gid: number } };
}

/**
 * The command the container starts with: the run's entrypoint (or the image's ENTRYPOINT), then
 * the run's command when it gives one (or the image's CMD). `fromRun` says, for each part,
 * whether the run gave it.
 */
export interface StartCommand {
  argv: string[];
  /** How many words of argv are the entrypoint. */
  entryLength: number;
  entryFromRun: boolean;
  cmdFromRun: boolean;
}

export function startCommandOf(image: ImageState, run: RunContext | undefined): StartCommand {
  const entry = run?.entrypoint ?? image.config.entrypoint ?? [];
  const cmdFromRun = run?.command !== undefined && run.command.length > 0;
  // An entrypoint given at run time clears the image's CMD (docker run --entrypoint, compose
  // entrypoint:, a Kubernetes command without args): only a command given with it follows.
  const cmd = cmdFromRun ? run!.command! : run?.entrypoint !== undefined ? [] : (image.config.cmd ?? []);

  return { argv: [...entry, ...cmd], entryLength: entry.length, entryFromRun: run?.entrypoint !== undefined, cmdFromRun };
}

const START_SCRIPT = /(^|\/)(start\.sh|start-notebook\.(sh|py)|start-singleuser\.(sh|py))$/;

/**
 * Jupyter docker-stacks' start.sh (images/docker-stacks-foundation/start.sh): when the container
 * starts as root, it renames and renumbers NB_USER to NB_UID/NB_GID, optionally grants it
 * password-less sudo (GRANT_SUDO=yes|1), and then runs the command as that user with
 * `sudo -E -H -u NB_USER`. Started as another uid that has no passwd entry, it adds one named
 * NB_USER for that uid when it may write /etc/passwd (the image makes it group-writable for gid
 * 0, so `--user 1001` works and `--user 1001:100` does not); else the identity stays as it is.
 */
export function applyEntrypoint(image: ImageState, run: RunContext, process: Process, identity: Identity, argv: string[]): EntrypointEffect | undefined {
  if (!argv.some((w) => START_SCRIPT.test(w))) return undefined;
  if (!image.config.env.NB_USER && !userByName(image.accounts, 'jovyan')) return undefined;
  if (process.uid !== 0) return namedByStartScript(image, run, process, identity);

  const env = { ...image.config.env, ...run.env };
  const name = env.NB_USER || 'jovyan';
  const uid = Number(env.NB_UID || 1000);
  const gid = Number(env.NB_GID || 100);
  const user = userByName(image.accounts, name);
  // start.sh makes the group first (groupadd --force --gid NB_GID --non-unique
  // "${NB_GROUP:-${NB_USER}}"), so `id` names it.
  if (!groupByGid(image.accounts, gid) && !groupByName(image.accounts, env.NB_GROUP || name)) {
    image.accounts.group.push({ name: env.NB_GROUP || name, gid, members: [] });
  }
  // start.sh adds NB_USER to the users group (100) when NB_GID is another group.
  const groups = [...new Set([gid, ...(user ? memberGroups(image.accounts, name).map((g) => g.gid) : []), 100])];
  const home = `/home/${name}`;
  const next: Process = {
    ...process,
    uid,
    gid,
    groups,
    userName: name,
    groupName: groupByGid(image.accounts, gid)?.name,
    hasPasswdEntry: true,
    home,
    homeFrom: 'passwd',
    caps: new Set(),
    env: { ...process.env, HOME: home, USER: name },
  };
  const grant = /^(yes|1)$/i.test(env.GRANT_SUDO ?? '');
  // CHOWN_HOME=yes gives /home/NB_USER to NB_UID:NB_GID, CHOWN_EXTRA the comma-separated paths
  // it names, each with its *_OPTS (start.sh, "Optionally ensure the desired user gets
  // filesystem ownership"); -R makes it recursive.
  const recursive = (opts: string | undefined) => /(^|\s)-[a-zA-Z]*R/.test(opts ?? '');
  const chowns: NonNullable<EntrypointEffect['chowns']> = [];
  if (/^(yes|1)$/i.test(env.CHOWN_HOME ?? '')) chowns.push({ path: home, uid, gid, recursive: recursive(env.CHOWN_HOME_OPTS) });
  for (const path of (env.CHOWN_EXTRA ?? '').split(',').map((x) => x.trim()).filter((x) => x.startsWith('/'))) {
    chowns.push({ path, uid, gid, recursive: recursive(env.CHOWN_EXTRA_OPTS) });
  }

  const refused = startShRefusal(process, name, uid, gid, chowns, argv);
  if (refused) {
    return {
      process,
      identity,
      assumption: {
        id: 'entrypoint:docker-stacks-caps',
        subject: 'docker-stacks start.sh',
        text: `the image's start.sh starts as root and, with set -e, stops at ${refused.step}: ${refused.missing.join(' and ')} ${refused.missing.length > 1 ? 'are' : 'is'} dropped from the run, so it never switches to ${name}. sudo's words are measured with Debian 12's sudo 1.9.13 (tests/oracle/scenarios/launchers-caps.yaml) and taken to be the same for the Ubuntu sudo in the image; the steps before (usermod, the sudoers.d file) are taken to succeed as root without capabilities, as with the default NB_USER, NB_UID and NB_GID they change nothing the root owner may not`,
        confidence: 'medium',
      },
      error: refused,
    };
  }

  return {
    process: next,
    identity: { uid, gid, groups, caps: new Set(), label: `${name} (uid ${uid})` },
    assumption: {
      id: 'entrypoint:docker-stacks',
      subject: 'docker-stacks start.sh',
      text: `the image's start.sh starts as root, makes ${name} uid ${uid} gid ${gid}${grant ? ', grants it password-less sudo (GRANT_SUDO)' : ''}${chowns.length > 0 ? `, gives ${chowns.map((c) => `${c.path}${c.recursive ? ' (recursively)' : ''}`).join(', ')} to ${uid}:${gid}` : ''}, and runs the command as ${name}`,
      confidence: 'high',
    },
    grantsSudo: grant ? { who: name, file: '/etc/sudoers.d/added-by-start-script' } : undefined,
    ...(chowns.length > 0 ? { chowns } : {}),
  };
}

/**
 * What stops start.sh (set -e) as root when the run drops a capability its last steps need:
 * CHOWN_HOME/CHOWN_EXTRA's chown without CAP_CHOWN (root is not the owner of the ids it gives,
 * so chown(2) needs it), then `exec sudo --preserve-env --set-home --user NB_USER ... CMD`,
 * which reads sudoers as uid 1 (CAP_SETUID) and sets the runas gid (CAP_SETGID), in sudo's
 * words (measured with sudo 1.9.13: launchers-caps/sudo-drop-*).
 */
function startShRefusal(
  process: Process,
  name: string,
  uid: number,
  gid: number,
  chowns: { path: string }[],
  argv: string[],
): EntrypointEffect['error'] {
  const caps = process.caps;
  const target = { name, uid, gid };
  if (chowns.length > 0 && !caps.has('CAP_CHOWN')) {
    const path = chowns[0].path;
    return { step: `its chown of ${path} (CHOWN_HOME/CHOWN_EXTRA)`, message: `chown: changing ownership of '${path}': Operation not permitted`, status: 1, missing: ['CAP_CHOWN'], target };
  }
  const missing = (['CAP_SETUID', 'CAP_SETGID'] as const).filter((c) => !caps.has(c));
  if (missing.length === 0) return undefined;
  const step = `\`exec sudo --preserve-env --set-home --user "\${NB_USER}" ...\``;
  if (!caps.has('CAP_SETUID')) return { step, message: SUDO_NO_SETUID.join('; '), status: 1, missing, target };
  // The command start.sh hands to sudo: what follows it in the start command, else bash.
  const at = argv.findIndex((w) => /(^|\/)start\.sh$/.test(w));
  const cmd0 = (at >= 0 ? argv[at + 1] : argv.find((w) => START_SCRIPT.test(w) && !/(^|\/)start\.sh$/.test(w))) ?? 'bash';
  const call = gid !== process.gid ? 'unable to change to runas gid' : 'unable to set runas group vector';

  return { step, message: `sudo: ${call}: Operation not permitted; sudo: ${cmd0}: Operation not permitted`, status: 1, missing, target };
}

/**
 * start.sh's fix for a uid without a name ("There is no entry in /etc/passwd for our UID"):
 * jovyan is renamed nayvoj and `NB_USER:x:UID:GID:,,,:/home/jovyan:/bin/bash` is appended,
 * when /etc/passwd is writable for the process.
 */
function namedByStartScript(image: ImageState, run: RunContext, process: Process, identity: Identity): EntrypointEffect | undefined {
  if (process.hasPasswdEntry) return undefined;
  const view = { fs: image.fs, mounts: [], readOnlyRoot: run.readOnlyRootfs };
  if (!evaluate(identity, view, '/etc/passwd', 'write', false).allowed) return undefined;

  const env = { ...image.config.env, ...run.env };
  const name = env.NB_USER || 'jovyan';
  const home = '/home/jovyan';
  const homeFromEnv = process.homeFrom === 'env';

  return {
    process: {
      ...process,
      userName: name,
      hasPasswdEntry: true,
      home: homeFromEnv ? process.home : home,
      homeFrom: homeFromEnv ? 'env' : 'passwd',
      env: { ...process.env, HOME: homeFromEnv ? process.home : home },
    },
    identity: { ...identity, label: `${name} (uid ${process.uid})` },
    assumption: {
      id: 'entrypoint:docker-stacks-passwd',
      subject: 'docker-stacks start.sh',
      text: `uid ${process.uid} has no passwd entry; the image's start.sh may write /etc/passwd (gid ${process.gid}) and adds ${name} for uid ${process.uid} with home ${home} before the command runs`,
      confidence: 'high',
    },
  };
}
