// Who is running uidctl: the facts `$(id -u)`, `$HOME` and `~` in a run command stand for.

import { homedir, userInfo } from 'node:os';
import type { Io } from './io.js';
import type { Invoker } from '../runtime/docker.js';

/** The process's ids and passwd entry; injectable so tests can play a user with no entry. */
export interface Identity {
  getuid(): number | undefined;
  getgid(): number | undefined;
  /** The passwd entry; throws as os.userInfo() does when there is none (ENOENT). */
  passwd(): { uid: number; gid: number; username: string; homedir: string };
}

export const processIdentity: Identity = {
  getuid: () => process.getuid?.(),
  getgid: () => process.getgid?.(),
  passwd: () => userInfo(),
};

/**
 * The invoking user. A uid with no passwd entry is common in CI containers started with
 * `--user 1001`: os.userInfo() then throws, and the ids alone are used, with no name, as
 * `id -u` / `id -g` still print them.
 */
export function realInvoker(io: Io, who: Identity = processIdentity): Invoker {
  let entry: ReturnType<Identity['passwd']> | undefined;
  try {
    entry = who.passwd();
  } catch {
    entry = undefined;
  }

  const uid = who.getuid() ?? entry?.uid ?? 0;
  const gid = who.getgid() ?? entry?.gid ?? 0;
  const home = io.env.HOME ?? entry?.homedir ?? fallbackHome();
  const invoker: Invoker = { uid, gid, home, cwd: io.cwd };
  if (entry) invoker.name = entry.username;

  return invoker;
}

/** os.homedir() reads HOME, then passwd; with neither, `/` is what a login shell would get. */
function fallbackHome(): string {
  try {
    return homedir();
  } catch {
    return '/';
  }
}
