import { defineRule, type AnalysisView } from '../rule.js';
import { firstReason, homeFromRun, imageHome, newUser, readOnlyRootFix, renderRunChanges, who, tmpHomeChanges } from '../util.js';
import type { Fix, PrivilegeDrop } from '../../model/types.js';
import { userByUid } from '../../image/accounts.js';
import { dropLine } from './drop.js';
import { resolvePath } from '../../image/fs.js';

/** True when the directory is the root of the tree, or the home of another account of the image. */
function othersHome(a: AnalysisView, home: string, uid: number): boolean {
  return home === '/' || home === '/root' || a.image.accounts.passwd.some((e) => e.home === home && e.uid !== uid);
}

/**
 * The switch in the start command left HOME as the starting user had it, and the user switched
 * to has another home in /etc/passwd: the fix is in the command.
 */
function keptHome(a: AnalysisView): { drop: PrivilegeDrop; home: string; fix: Fix } | undefined {
  const d = a.runtime.drop;
  const p = a.runtime.process;
  const own = p.hasPasswdEntry ? userByUid(a.image.accounts, p.uid)?.home : undefined;
  if (!d || d.error !== undefined || p.home !== d.from.home || !own || own === p.home || homeFromRun(a)) return undefined;
  const fix: Fix = d.tool === 'setpriv'
    ? {
        description: `Add --reset-env: setpriv then sets HOME (and USER, LOGNAME, SHELL) from ${p.userName}'s entry; it also clears the other variables, and PATH becomes /usr/local/bin:/bin:/usr/bin.`,
        snippet: `${d.written} --reset-env`,
        safe: false,
      }
    : { description: `Set HOME for the command ${d.tool} runs.`, snippet: `${d.written} env HOME=${own} ${d.command.join(' ')}`.trim(), safe: false };

  return { drop: d, home: own, fix };
}

/** The image sets HOME with ENV (not the run): that, not the passwd entry, is the process's HOME. */
function imageEnvHome(a: AnalysisView): boolean {
  return !homeFromRun(a) && (a.image.config.env.HOME ?? '') !== '' && a.runtime.process.homeFrom === 'env';
}

/**
 * ENV HOME overrides the passwd entry's home for every user, so usermod --home changes nothing:
 * the fix is HOME itself, set after the USER line to the user's own home (made when missing).
 */
function envHomeFix(a: AnalysisView, name: string, uid: number, gid: number): Fix {
  const entry = userByUid(a.image.accounts, uid);
  const own = entry && entry.home !== '/' && !othersHome(a, entry.home, uid) ? entry.home : `/home/${name}`;
  const meta = resolvePath(a.image.fs, own).meta;
  const ready = meta?.kind === 'dir' && meta.uid === uid;
  const line = a.sim.target.lines.env?.HOME;

  return {
    description: `Or set HOME to ${name}'s own home after \`USER ${name}\`: the image's \`ENV HOME=${a.image.config.env.HOME}\`${line !== undefined ? ` (line ${line})` : ''} sets HOME for every user, over the passwd entry, so changing the entry changes nothing.`,
    snippet: ready ? `ENV HOME=${own}` : `USER root\nRUN mkdir -p ${own} && chown ${uid}:${gid} ${own}\nUSER ${name}\nENV HOME=${own}`,
    safe: false,
  };
}

export default defineRule({
  id: 'UID103',
  name: 'home-not-writable',
  description: 'HOME does not exist or the process cannot write it.',
  category: 'identity',
  severity: { dev: 'warning', prod: 'warning' },
  fix: 'suggestion',
  check(a, report, rules) {
    const p = a.runtime.process;
    const id = a.identity;
    if (p.uid === 0 || a.runtime.errors.length > 0 || !a.runtime.userResolved || (id.homeExists && id.homeWritable)) return;
    // The nameless-uid rule already explains HOME=/ for a uid without a passwd entry; when it is
    // turned off, the HOME problem is still this rule's to say.
    if (!p.hasPasswdEntry && p.homeFrom === 'default' && rules.runs('UID102')) return;
    // System accounts with the home /nonexistent (nobody, _apt) are meant to have none: the fix
    // is another HOME, not creating /nonexistent.
    const noHome = p.home === '/nonexistent';

    const v = a.check(p.home, 'write');
    // A home in a folder known only in part may be there: say so rather than "does not exist".
    const state = id.homeExists ? 'is not writable' : resolvePath(a.runtime.view.fs, p.home).unknown ? 'is not known to exist' : 'does not exist';
    const meta = a.runtime.view.fs.get(p.home);
    // A group-writable home (docker-stacks: /home/jovyan is group users, 2770) opens with the group.
    const groupFix =
      meta && meta.kind === 'dir' && (meta.mode & 0o030) === 0o030 && !p.groups.includes(meta.gid)
        ? [{ description: `Join the home's group ${meta.gid}, which may write it.`, snippet: renderRunChanges(a, [{ kind: 'group-add', gids: [meta.gid] }]), safe: false }]
        : [];
    const tmpHome = renderRunChanges(a, tmpHomeChanges(a));
    // A HOME set where the container starts is not the image's: fix it there, not in the image.
    const own = imageHome(a);
    const runHomeFixes: Fix[] = [
      { description: 'Point HOME at a directory the process can write where the container is started.', snippet: tmpHome, safe: false },
      ...(own && own !== p.home ? [{ description: `Or leave HOME to the image, whose HOME for this user is ${own}.`, safe: false }] : []),
    ];
    // The command switched user with a tool that keeps the environment (setpriv, chroot,
    // s6-setuidgid): HOME is still the starting user's, while the user has a home of its own.
    const kept = keptHome(a);
    if (kept) {
      report({
        message: `HOME (${p.home}) ${state} for ${who(a)}: \`${kept.drop.written}\` keeps the HOME of the user the container starts as, and tools that write under ~ (pip --user, ~/.cache, Jupyter, git config) fail.`,
        why: `${firstReason(v)}. ${kept.drop.tool} changes the ids but not the environment; ${p.userName}'s own home is ${kept.home}.`,
        dependsOn: v.dependsOn,
        line: dropLine(a, kept.drop),
        fixes: [kept.fix],
      });
      return;
    }
    // A switch inside the entrypoint script kept the starting user's HOME (setpriv, a re-exec of
    // the script), while the user has a writable home of its own: the environment is the fix,
    // not the user's entry, which is already right.
    const passwdHome = p.hasPasswdEntry ? userByUid(a.image.accounts, p.uid)?.home : undefined;
    if (p.homeFrom === 'start' && passwdHome !== undefined && passwdHome !== p.home && a.check(passwdHome, 'write').allowed && !homeFromRun(a)) {
      report({
        message: `HOME (${p.home}) ${state} for ${who(a)}: the switch in the start command keeps the HOME of the user the container starts as, and tools that write under ~ (pip --user, ~/.cache, Jupyter, git config) fail.`,
        why: `${firstReason(v)}. The tool that switched to ${p.userName} changed the ids but not the environment; ${p.userName}'s own home is ${passwdHome}, which it may write.`,
        dependsOn: v.dependsOn,
        line: a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
        fixes: [
          { description: `Start the container with ${p.userName}'s home as HOME: the switch keeps it.`, snippet: renderRunChanges(a, [{ kind: 'env', name: 'HOME', value: passwdHome }]), safe: false },
          { description: `Or set HOME in the start script before it switches (setpriv: add --reset-env, which sets it from ${p.userName}'s entry).`, snippet: `export HOME=${passwdHome}`, safe: false },
        ],
      });
      return;
    }
    report({
      message: `HOME (${p.home}) ${state} for ${who(a)}: tools that write under ~ (pip --user, ~/.cache, Jupyter, git config) fail.`,
      why: `${firstReason(v)}.`,
      dependsOn: v.dependsOn,
      // A HOME that is root's (/root), / or another account's home is never this user's to take.
      fixes: noHome || (v.errno !== 'EROFS' && !homeFromRun(a) && othersHome(a, p.home, p.uid))
        ? [
            { description: 'Give the process a writable HOME.', snippet: tmpHome, safe: false },
            imageEnvHome(a) && p.userName && !noHome
              ? envHomeFix(a, p.userName, p.uid, p.gid)
              : p.userName && !noHome
              ? { description: `Or give ${p.userName} a home of its own.`, snippet: `RUN mkdir -p /home/${p.userName} && chown ${p.uid}:${p.gid} /home/${p.userName} && usermod --home /home/${p.userName} ${p.userName}`, safe: false }
              : { description: 'Or run as a user created with a home of its own.', snippet: `RUN ${newUser(a).create}\nUSER ${newUser(a).name}`, safe: false },
          ]
        : v.errno === 'EROFS' ? [readOnlyRootFix(a, p.home, true)] : homeFromRun(a) ? runHomeFixes : [
        ...groupFix,
        {
          description: id.homeExists ? 'Or give the user its home directory.' : 'Or create the home directory when creating the user.',
          snippet: id.homeExists
            ? `RUN chown ${p.uid}:${p.gid} ${p.home}`
            : `RUN mkdir -p ${p.home} && chown ${p.uid}:${p.gid} ${p.home}`,
          safe: false,
        },
      ],
    });
  },
});
