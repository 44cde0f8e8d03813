// Entrypoints that change the identity themselves before the main program starts. Only the ones
// whose behaviour is documented and common in this field are modelled; each says so in notes.

import type { Assumption, ImageState, Process, RunContext } from '../model/types.js';
import type { Identity } from '../access/evaluate.js';
import { groupByGid, memberGroups, userByName } from '../image/accounts.js';

export interface EntrypointEffect {
  process: Process;
  identity: Identity;
  assumption: Assumption;
  /** A sudoers rule the script writes (GRANT_SUDO). */
  grantsSudo?: { who: string; file: string };
}

const START_SCRIPT = /(^|\/)(start\.sh|start-notebook\.(sh|py)|start-singleuser\.(sh|py))$/;

/**
 * Jupyter docker-stacks' start.sh (images/docker-stacks-foundation/start.sh): when the container
 * starts as root, it renames and renumbers NB_USER to NB_UID/NB_GID, optionally grants it
 * password-less sudo (GRANT_SUDO=yes|1), and then runs the command as that user with
 * `sudo -E -H -u NB_USER`. Started as any other uid, it changes nothing about the identity.
 */
export function applyEntrypoint(image: ImageState, run: RunContext, process: Process, identity: Identity, argv: string[]): EntrypointEffect | undefined {
  if (process.uid !== 0 || !argv.some((w) => START_SCRIPT.test(w))) return undefined;
  if (!image.config.env.NB_USER && !userByName(image.accounts, 'jovyan')) return undefined;

  const env = { ...image.config.env, ...run.env };
  const name = env.NB_USER || 'jovyan';
  const uid = Number(env.NB_UID || 1000);
  const gid = Number(env.NB_GID || 100);
  const user = userByName(image.accounts, name);
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

  return {
    process: next,
    identity: { uid, gid, groups, caps: new Set(), label: `${name} (uid ${uid})` },
    assumption: {
      id: 'entrypoint:docker-stacks',
      subject: 'docker-stacks start.sh',
      text: `the image's start.sh starts as root, makes ${name} uid ${uid} gid ${gid}${grant ? ', grants it password-less sudo (GRANT_SUDO)' : ''}, and runs the command as ${name}`,
      confidence: 'high',
    },
    grantsSudo: grant ? { who: name, file: '/etc/sudoers.d/added-by-start-script' } : undefined,
  };
}
