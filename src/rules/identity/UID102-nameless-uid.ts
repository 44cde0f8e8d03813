import { defineRule } from '../rule.js';
import { busyboxAccounts, engineWords, freeUserName, homeFromRun, lacksRunShell, passwdCopyFix, renderRunChanges, runPlace, tmpHomeChanges } from '../util.js';
import { resolvePath } from '../../image/fs.js';
import type { AnalysisView } from '../rule.js';
import type { Accounts, Fix } from '../../model/types.js';

/**
 * The fixes for a uid without a passwd entry (shared with `uidctl diagnose`); homeSnippet and
 * place say how to set HOME in the tool the container is started with.
 */
export function namelessFixes(
  uid: number,
  gid: number,
  homeSnippet = '-e HOME=/tmp',
  place = 'at run time',
  accounts?: Accounts,
  busybox = false,
  gidGiven = false,
): Fix[] {
  // A free name, and no groupadd when the group id already exists. Gid 0 the run did not ask
  // for is only the engine's default; asked for (`--user 1000650000:0`, the OpenShift way), it
  // stays.
  const group = gid === 0 && !gidGiven ? uid : gid;
  const name = freeUserName(uid, accounts);
  const existing = accounts?.group.find((g) => g.gid === group);
  let create = existing
    ? `RUN useradd --create-home --uid $UID --gid $GID ${name}`
    : `RUN groupadd --gid $GID ${name} && useradd --create-home --uid $UID --gid $GID ${name}`;
  if (busybox) {
    // BusyBox adduser takes the primary group by name (-G) and makes the home (-D: no password).
    create = existing
      ? `RUN adduser -D -u $UID -G ${existing.name} ${name}`
      : `RUN addgroup -g $GID ${name} && adduser -D -u $UID -G ${name} ${name}`;
  }

  return [
    {
      description: 'Create the user in the image with the uid you run as, so it has a name and a home.',
      snippet: `ARG UID=${uid}\nARG GID=${group}\n${create}`,
      safe: false,
    },
    { description: `Or give the process a writable HOME ${place}.`, snippet: homeSnippet, safe: false },
  ];
}

/** The nameless uid's passwd entry, written with COPY: root's, or a new user's. */
function passwdEntryFix(a: AnalysisView, uid: number, gid: number): Fix {
  const exists = (path: string) => resolvePath(a.image.fs, path).meta?.kind === 'dir';
  const sh = a.image.config.shell[0];
  const shell = sh !== undefined && resolvePath(a.image.fs, sh).meta !== undefined ? sh : '/sbin/nologin';
  if (uid === 0) {
    return passwdCopyFix(a, { name: 'root', uid: 0, gid, gecos: 'root', home: exists('/root') ? '/root' : '/', shell }, 'Give root its entry in /etc/passwd (written whole with COPY, the entries the image has kept).');
  }
  // The home: a folder everyone may write, where the image has one; else the root.
  const tmp = resolvePath(a.image.fs, '/tmp').meta;
  const home = tmp?.kind === 'dir' && (tmp.mode & 0o1002) === 0o1002 ? '/tmp' : '/';
  const name = freeUserName(uid, a.image.accounts);

  return passwdCopyFix(a, { name, uid, gid, gecos: '', home, shell }, `The image has no shell to run useradd: give uid ${uid} an entry in /etc/passwd with COPY (written whole, the entries the image has kept), so it has a name; its HOME is ${home}.`);
}

export default defineRule({
  id: 'UID102',
  name: 'nameless-uid',
  description: 'The process uid has no /etc/passwd entry, so the shell shows "I have no name!" and HOME is /.',
  category: 'identity',
  severity: { dev: 'warning', prod: 'warning' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    if (p.hasPasswdEntry || a.runtime.errors.length > 0 || !a.runtime.userResolved) return;

    const fromEnv = p.homeFrom === 'env';
    const home = fromEnv ? `HOME is ${p.home} (from the environment)` : 'HOME falls back to /';
    // HOME given by the run (-e HOME) or the image (ENV HOME) wins over the fallback (runc env.go):
    // the why says where it came from, and no fix repeats it.
    const source = homeFromRun(a) ? 'the run sets it in the environment' : 'the image sets it with ENV HOME';
    const homeWhy = fromEnv
      ? ` and uses gid 0 unless a group is given. HOME does not fall back to / here: ${source}, so it is ${p.home}.`
      : ', uses gid 0 unless a group is given, and sets HOME=/, which ordinary users cannot write: ' +
        'pip, Jupyter, git and caches that write under ~ fail.';
    const gidGiven = (a.run?.user ?? a.image.config.user ?? '').includes(':') || a.run?.runAsGroup !== undefined;
    const fixes = namelessFixes(p.uid, p.gid, renderRunChanges(a, tmpHomeChanges(a)), runPlace(a), a.image.accounts, busyboxAccounts(a), gidGiven);
    // Root is never given a second entry by useradd, and an image without a shell runs no
    // useradd at all: the entry is written with COPY instead.
    if (p.uid === 0 || lacksRunShell(a)) fixes[0] = passwdEntryFix(a, p.uid, gidGiven || p.gid !== 0 ? p.gid : p.uid);
    // On a base outside the catalog the passwd entries are a guess (uid 999 is redis in the redis images).
    const guessed = a.image.assumptions.find((x) => x.id === 'base:unknown-image');
    // A switch in the start command (gosu 1001:1001) made the uid: the tool looked it up, not
    // the engine, and it set HOME itself (gosu to /), so only a user in the image helps.
    const drop = a.runtime.drop;
    if (drop && !drop.error) {
      report({
        message: `uid ${p.uid} has no entry in the image's /etc/passwd${guessed ? ` (if the base image ${guessed.subject} has none: its users are not known)` : ''}: after \`${drop.written}\` the workload has no user name ("I have no name!"), HOME is ${p.home}, and the group is ${p.gid}${p.gid === 0 ? ' (root)' : ''}.`,
        dependsOn: guessed ? [guessed.id] : [],
        why: `\`${drop.written}\` switches to a uid /etc/passwd does not name, so it finds no name, home or groups for it: the workload keeps the ids it was given${p.home === '/' ? ', with HOME=/, which ordinary users cannot write: pip, Jupyter, git and caches that write under ~ fail' : ''}.`,
        line: drop.source === 'run' ? undefined : (drop.source === 'entrypoint' ? a.sim.target.lines.entrypoint : a.sim.target.lines.cmd) ?? a.sim.target.lines.cmd,
        fixes: namelessFixes(p.uid, p.gid, undefined, undefined, a.image.accounts, busyboxAccounts(a)).slice(0, 1),
      });
      return;
    }
    report({
      message: `uid ${p.uid} has no entry in the image's /etc/passwd${guessed ? ` (if the base image ${guessed.subject} has none: its users are not known)` : ''}: the prompt shows "I have no name!", ${home}, and the group is ${p.gid}${p.gid === 0 ? ' (root)' : ''}.`,
      dependsOn: guessed ? [guessed.id] : [],
      why:
        `${engineWords(a)} takes the user name, home and primary group from /etc/passwd. For an unknown uid it keeps ` +
        `the uid${homeWhy}`,
      // Root may write HOME=/: only the entry helps.
      fixes: fromEnv || p.uid === 0 ? fixes.slice(0, 1) : fixes,
    });
  },
});
