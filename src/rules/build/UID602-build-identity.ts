import { defineRule, type AnalysisView } from '../rule.js';
import type { Fix } from '../../model/types.js';
import type { BuildFailure } from '../../build/simulate.js';
import { groupByGid, userByUid } from '../../image/accounts.js';
import { accountFailureGuess, checkedFix, crlfNote, followedFailure, freeUserName, followersNote, placeOfLine, stepText, unsetArgsNote, withValues } from '../util.js';
import { lacksShadowTool } from '../../shell/commands/accounts.js';
import { packageThatAdded } from '../../shell/commands/package-accounts.js';

/** What the failing step ran into, and the facts of the image at hand that explain it. */
function explain(a: AnalysisView, f: BuildFailure): { cause: string; fixes: Fix[]; hedge: string; dependsOn: string[] } {
  const at = placeOfLine(a.df, f.line);
  const stage = at === undefined ? undefined : a.sim.stages.find((s) => s.index === at.stage);
  const state = stage?.state ?? a.image;
  const guess = accountFailureGuess(state, f);
  const known = explainCause(a, f, state, state.base);

  return { cause: known.cause + guess.cause, fixes: known.fixes, hedge: guess.hedge, dependsOn: guess.dependsOn };
}

/**
 * shadow's "invalid user ID 'X'" / "invalid group ID 'X'": the value of -u or -g is not a
 * number. Most often an ARG with no value: `-u $UID -s /bin/bash` becomes `-u -s /bin/bash`.
 */
function invalidId(f: BuildFailure, kind: string, word: string): { cause: string; fixes: Fix[] } {
  const opt = kind === 'user' ? '(?:-u|--uid)' : '(?:-g|--gid)';
  const named = new RegExp(`${opt}(?:=|\\s+)["']?\\$\\{?(\\w+)\\}?`).exec(f.instruction)?.[1];
  const unset = f.unsetArgs?.find((x) => x.name === named);
  const flag = kind === 'user' ? '-u' : '-g';
  if (unset !== undefined) {
    // The fixes give every ARG of the step that has no value, this one first.
    const all = [unset, ...f.unsetArgs!.filter((x) => x !== unset)];
    return {
      cause: `ARG ${unset.name} (line ${unset.line}) ${unset.global ? 'is declared before the first FROM and not again in this stage' : 'has no default and no --build-arg gave it a value'}, so $${unset.name} expands to nothing and ${flag} takes the next word, '${word}', as the ${kind} id.`,
      fixes: unsetArgsNote({ unsetArgs: all }).fixes,
    };
  }

  return {
    cause: `'${word}' is not a number, and ${flag} takes a numeric ${kind} id.`,
    fixes: [{ description: `Give ${flag} a numeric id (or leave it out to let the tool pick one).`, snippet: kind === 'user' ? 'RUN useradd --create-home --uid 1000 app' : 'RUN groupadd --gid 1000 app', safe: false }],
  };
}

/** Options of useradd, BusyBox adduser and Debian's adduser that take the next word as their value. */
const VALUED = new Set([
  '-u', '--uid', '-g', '--gid', '-G', '--groups', '-d', '--home', '--home-dir', '-s', '--shell', '-c', '--comment', '--gecos',
  '-k', '--skel', '-K', '--key', '-e', '--expiredate', '-f', '--inactive', '-p', '--password', '-b', '--base-dir', '-R', '--root',
  '-P', '--prefix', '-Z', '--selinux-user', '-h', '--ingroup', '--firstuid', '--lastuid', '--add-extra-groups', '--conf',
]);

/** A command of a step that makes a user or group, as written in the step's text. */
export interface AccountCommand {
  tool: 'useradd' | 'adduser' | 'groupadd' | 'addgroup';
  /** The name it makes: its first operand after the options (quotes taken off). */
  name?: string;
  /** The value of its id option as written (`1000`, `$USER_UID`, `"${USER_GID}"`) and where it is in the text. */
  id?: { word: string; at: number };
}

/**
 * The commands of a step's text that make users or groups (continued lines joined), with the
 * name each makes and its id option: `-u`/`--uid` for a user, `-g`/`--gid` for a group
 * (groupadd, addgroup; for useradd and adduser `-g`/`--gid` names a group to join, not one to
 * make). The words are split as the shell does here: a quoted value ("Dev User") is one word.
 */
export function accountCommands(text: string): AccountCommand[] {
  const out: AccountCommand[] = [];
  for (const m of text.matchAll(/(?:^|[\s;&|(])(useradd|adduser|groupadd|addgroup)\s+([^;&|)\n]*)/g)) {
    const tool = m[1] as AccountCommand['tool'];
    const group = tool === 'groupadd' || tool === 'addgroup';
    const [short, long] = group ? ['-g', '--gid'] : ['-u', '--uid'];
    const from = (m.index ?? 0) + m[0].length - m[2].length;
    const cmd: AccountCommand = { tool };
    const words = [...m[2].matchAll(/"[^"]*"|'[^']*'|\S+/g)];
    for (let i = 0; i < words.length; i++) {
      const word = words[i][0];
      if (!word.startsWith('-')) {
        if (cmd.name === undefined) cmd.name = word.replace(/^['"]|['"]$/g, '');
        continue;
      }
      // `-u N`, `--uid N`, `-uN`, `--uid=N` (and the same with -g, --gid for a group).
      const joined = word.startsWith(`${long}=`) ? long.length + 1 : !word.startsWith('--') && word.startsWith(short) && word.length > 2 ? 2 : 0;
      if (joined > 0) {
        cmd.id = { word: word.slice(joined), at: from + (words[i].index ?? 0) + joined };
        continue;
      }
      if (word === short || word === long) {
        i += 1;
        if (i < words.length) cmd.id = { word: words[i][0], at: from + (words[i].index ?? 0) };
        continue;
      }
      // A short option with its value joined (-u1000) or a long one with '=' takes no next word.
      if (VALUED.has(word)) i += 1;
    }
    out.push(cmd);
  }

  return out;
}

/**
 * A step's text on one line as written: continued lines joined, and the runs of blanks the
 * indentation of continued lines leaves made one space (not inside quotes).
 */
function oneLine(text: string): string {
  return text.replace(/\\\r?\n/g, ' ').replace(/"[^"]*"|'[^']*'|\s{2,}/g, (m) => (m.startsWith('"') || m.startsWith("'") ? m : ' ')).trim();
}

/** The value a word gives with the stage's values put in, quotes taken off. */
function valueOf(word: string, values: Record<string, string> | undefined): string {
  return withValues(word, values).replace(/^['"]|['"]$/g, '');
}

/** The lowest id from `from` that no user has as its uid and no group as its gid. */
function freeId(state: AnalysisView['image'], from: number): number {
  const taken = new Set([...state.accounts.passwd.map((e) => e.uid), ...state.accounts.group.map((g) => g.gid)]);
  let id = from;
  while (taken.has(id)) id++;

  return id;
}

/**
 * Where an account came from: the earlier step of the Dockerfile that made it, or the base.
 * Read from the simulator's record of the line that made each account.
 */
function madeBy(a: AnalysisView, f: BuildFailure, kind: 'user' | 'group', name: string, base: string): string {
  const stage = a.sim.stages.find((s) => s.failures.includes(f));
  const line = stage?.accountLines.get(`${kind}:${name}`);

  return line !== undefined && line < f.line ? `made by the step at line ${line}` : `base ${base}`;
}

/**
 * A uid or gid the step asks for is taken. The holder, and where it came from (an earlier step
 * or the base), are named. A user of the login range (login.defs UID_MIN..UID_MAX) that no
 * package added can go: the fix removes it, with its own group (userdel does so under
 * USERGROUPS_ENAB), before the step's own commands as written. A system user or a package's
 * service user stays: the fix gives the new account another id, its name and options kept.
 */
function takenId(a: AnalysisView, f: BuildFailure, state: AnalysisView['image'], base: string, kind: 'user' | 'group', id: number): { cause: string; fixes: Fix[] } {
  // BusyBox images have adduser and deluser, not useradd and userdel.
  const busybox = lacksShadowTool(state, 'useradd');
  const acc = state.accounts;
  const defs = acc.loginDefs;
  const text = oneLine(stepText(a.df, f.line) || f.instruction.replace(/^RUN\s+/, ''));
  const commands = accountCommands(text);
  // The failing command: the one asking for the taken id, after the stage's ARG and ENV values.
  const failing = commands.find((c) => (kind === 'group') === (c.tool === 'groupadd' || c.tool === 'addgroup') && c.id !== undefined && valueOf(c.id.word, f.values) === String(id));

  const group = kind === 'group' ? groupByGid(acc, id) : undefined;
  // The user to remove: the uid's holder, or the user whose own group holds the gid.
  const user = kind === 'user' ? userByUid(acc, id) : group ? acc.passwd.find((e) => e.name === group.name && e.gid === group.gid) : undefined;
  const holderName = kind === 'user' ? user?.name : group?.name;
  const pkg = holderName !== undefined ? packageThatAdded(state, user?.name ?? holderName) : undefined;
  const from = holderName === undefined ? '' : pkg ? `, which the package ${pkg.name} (line ${pkg.line}) added` : ` (${madeBy(a, f, kind, holderName, base)})`;
  const holderWords = holderName === undefined ? `another ${kind}` : `the ${kind} ${holderName}`;
  let cause = `${kind === 'user' ? 'uid' : 'gid'} ${id} already belongs to ${holderWords}${from}.`;

  // Removable: a login user no package added, whose own group (for a gid) is the one in the way
  // and no other user's primary group.
  // userdel drops the user from every member list first, then its own group when no one else
  // is in it (shadow's remove_usergroup); BusyBox's deluser is not measured here for a group.
  const login = user !== undefined && user.uid >= defs.uidMin && user.uid <= defs.uidMax;
  const othersIn = group !== undefined && user !== undefined && (group.members.some((m) => m !== user.name) || acc.passwd.some((e) => e !== user && e.gid === group.gid));
  const removable = user !== undefined && pkg === undefined && login &&
    (group === undefined || (!busybox && defs.usergroupsEnab && !othersIn));
  if (removable && text !== '' && !text.startsWith('[')) {
    const remove = busybox ? `deluser --remove-home ${user.name}` : `userdel -r ${user.name}`;
    const also = group ? ` (${busybox ? 'deluser' : 'userdel'} takes its own group ${group.name} with it)` : '';
    return {
      cause,
      fixes: [{
        description: `${kind === 'user' ? 'uid' : 'gid'} ${id} is taken by ${user.name}: reuse that ${kind}, or remove the user ${user.name} first${also}, then run the step as written.`,
        snippet: `RUN ${remove} && ${text}`,
        safe: false,
      }],
    };
  }

  if (pkg === undefined && holderName !== undefined) {
    cause += user === undefined
      ? ` The group ${holderName} is no user's own group, so removing a user does not free the gid.`
      : !login ? ` ${user.name} is a system account (uid ${user.uid}, outside ${defs.uidMin}-${defs.uidMax}): removing it is not safe.`
        : othersIn ? ` Other users are in the group ${holderName}: removing ${user.name} does not free the gid.`
          : busybox ? ` Whether BusyBox's deluser takes the group ${holderName} with the user ${user.name} is not measured here.`
            : ` USERGROUPS_ENAB is off in login.defs: userdel leaves the group ${holderName}.`;
  }
  const other = freeId(state, id + 1000);
  const what = kind === 'user' ? 'uid' : 'gid';
  const reason = pkg ? `${pkg.name} needs ${holderName}` : `${holderWords} stays`;
  if (failing?.id !== undefined) {
    // An id from an ARG: another default for it (or --build-arg) changes every use of it.
    const arg = /^["']?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?["']?$/.exec(failing.id.word)?.[1];
    if (arg !== undefined) {
      // Every use of the ARG changes: checked against the model, the step must then pass and
      // no other step fail; otherwise the step's own word is given the id (below).
      const fix = checkedFix(a, { description: `Give the new ${kind} another ${what} (${reason}): another default for ${arg}, or --build-arg ${arg}=${other}.`, snippet: `ARG ${arg}=${other}`, safe: false }, { buildArgs: { [arg]: String(other) } }, (b) => !b.sim.failures.some((x) => x.line === f.line));
      if (fix) return { cause, fixes: [fix] };
    }
    const at = failing.id.at;

    return {
      cause,
      fixes: [{ description: `Give the new ${kind} another ${what} (${reason}).`, snippet: `RUN ${text.slice(0, at)}${other}${text.slice(at + failing.id.word.length)}`, safe: false }],
    };
  }

  return {
    cause,
    fixes: [{ description: `Give the new ${kind} another ${what}, or reuse ${holderWords}.`, snippet: kind === 'user' ? (busybox ? `RUN adduser -D -u ${other} app` : `RUN useradd --create-home --uid ${other} app`) : (busybox ? `RUN addgroup -g ${other} app` : `RUN groupadd --gid ${other} app`), safe: false }],
  };
}

/**
 * usermod -u/-l/-d or userdel of an account in use: the tool runs as root, so that is root
 * (shadow's user_busy, exit 8; measured with buildah: busy-accounts/*). Root stays uid 0 and
 * keeps its name: a process that needs another uid runs as a user of its own.
 */
function busyAccount(a: AnalysisView, f: BuildFailure, tool: string, name: string, state: AnalysisView['image']): { cause: string; fixes: Fix[] } {
  const cause = `${tool} refuses to ${tool === 'userdel' ? 'remove' : 'renumber, rename or move'} an account a process runs as, and ${tool} itself runs as ${name} (uid 0) in this step, as every step the build runs as root does. Root has to stay uid 0: that uid is what makes it root.`;
  const word = tool === 'usermod' ? /(?:^|\s)(?:-u|--uid)(?:[ =]+|(?=\d))(\S+)/.exec(f.instruction.replace(/^RUN\s+/, ''))?.[1] : undefined;
  const uid = word === undefined ? undefined : Number(valueOf(word, f.values));
  const other = uid !== undefined && Number.isInteger(uid) && uid > 0 ? userByUid(state.accounts, uid) : undefined;
  if (other) {
    return { cause, fixes: [{ description: `Leave ${name} as it is: uid ${uid} is ${other.name}'s already, so take this ${tool} out of the step and run as ${other.name} (USER ${other.name}, or the run's --user ${other.name}).`, snippet: `USER ${other.name}`, safe: false }] };
  }
  if (uid !== undefined && Number.isInteger(uid) && uid > 0) {
    const fresh = freeUserName(uid, state.accounts);
    const ins = a.df.instructions.find((i) => i.line === f.line);
    const snippet = `RUN useradd --create-home --uid ${uid} ${fresh}`;
    // Checked against the model with the step replaced by it (checkedFix).
    const fix = ins && checkedFix(a, {
      description: `Leave ${name} as it is: make a user of its own with uid ${uid} in place of this command, and run as it (USER ${fresh}, or the run's --user ${fresh}).`,
      snippet,
      safe: false,
    }, { edit: { file: a.file, startLine: ins.line, endLine: ins.endLine, text: snippet } });
    if (fix) return { cause, fixes: [fix] };
  }

  return { cause, fixes: [{ description: `Leave ${name} as it is: take this ${tool} out of the step; a process that needs another identity runs as a user of its own (useradd, then USER or the run's --user).`, safe: false }] };
}

function explainCause(a: AnalysisView, f: BuildFailure, state: AnalysisView['image'], base: string): { cause: string; fixes: Fix[] } {
  const badId = /invalid (user|group) ID '([^']*)'/.exec(f.message);
  if (badId) return invalidId(f, badId[1], badId[2]);

  // shadow's useradd says "UID 1000 is not unique", BusyBox's adduser "uid '1000' in use".
  // Debian's adduser says "The UID 1000 is already in use."
  const uid = /(?:UID|uid) '?(\d+)'? (?:is not unique|(?:is )?already (?:exists|in use)|in use)/.exec(f.message);
  // groupadd: "GID '1000' already exists"; BusyBox addgroup: "gid '1000' in use".
  const gid = uid ? null : /(?:GID|gid) '?(\d+)'? (?:(?:is )?already (?:exists|in use)|in use)/.exec(f.message);
  if (uid || gid) return takenId(a, f, state, base, uid ? 'user' : 'group', Number((uid ?? gid)![1]));

  // shadow's user_busy: usermod -u/-l/-d and userdel refuse an account a process runs as, and
  // the tool itself runs as root, so it is root (or an account of uid 0) here.
  const busy = /^(usermod|userdel): user (\S+) is currently used by process/m.exec(f.message);
  if (busy) return busyAccount(a, f, busy[1], busy[2], state);

  const taken = /(user|group) [`']([^`']+)' (?:already exists|in use)/i.exec(f.message);
  if (taken) {
    const kind = taken[1].toLowerCase() as 'user' | 'group';
    return {
      cause: `a ${kind} named ${taken[2]} already exists (${madeBy(a, f, kind, taken[2], base)}).`,
      fixes: [{ description: `Reuse the existing ${taken[1].toLowerCase()} ${taken[2]}, or pick another name.`, safe: false }],
    };
  }

  // --chown=:1000: the user part is empty, and an empty name is no user of the image.
  if (/can't find uid for user : /.test(f.message)) {
    const group = /--chown=:(\S+)/.exec(f.instruction)?.[1] ?? '0';
    return {
      cause: `the --chown value names no user before the colon, and an empty name is no user of the image (base ${base}).`,
      fixes: [
        { description: 'Give the owner before the colon: a numeric uid or a user the image has.', snippet: `--chown=0:${group}`, safe: false },
      ],
    };
  }

  // A name that is not there: useradd -g, chown, COPY --chown, USER. The name follows one
  // space or ": " and is never the next words of the message ("user : no such user").
  const missing = /(?:no such user|can't find uid for user|unknown user(?:\/group)?|invalid user)(?::\s*|\s+)'?([\w.-]+)/i.exec(f.message) ??
    /user '?([\w.-]+)'? does not exist/i.exec(f.message);
  const missingGroup = /(?:can't find gid for group|no such group|invalid group)(?::\s*|\s+)'?([\w.-]+)/i.exec(f.message) ??
    /unknown group error looking up group "([\w.-]+)"/.exec(f.message) ??
    /group '?([\w.-]+)'? does not exist/i.exec(f.message);
  if (missingGroup && !missing) {
    return {
      cause: `no group named ${missingGroup[1]} is there: the base ${base} has none and no earlier step creates it.`,
      fixes: [{ description: 'Create the group before this step, or use a numeric gid.', snippet: `RUN groupadd ${missingGroup[1]}`, safe: false }],
    };
  }
  const name = missing?.[1];
  // (A user an earlier failed step was to create is not reported here: see followedFailure.)
  return {
    cause: name
      ? `no user named ${name} is there: the base ${base} has none and no earlier step creates it.`
      : `a user or group this step names is not (base ${base}).`,
    fixes: [{ description: 'Create the user or group before this step, or use numeric ids.', snippet: `RUN useradd --create-home ${name ?? 'app'}`, safe: false }],
  };
}

export default defineRule({
  id: 'UID602',
  name: 'build-identity',
  description: 'A build step fails on identity: a uid or name already taken, or a user or group that does not exist.',
  category: 'build',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    for (const f of a.sim.failures) {
      if (f.kind !== 'conflict' && f.kind !== 'identity') continue;
      // A user an earlier failed step was to make: that step's finding names this line.
      if (followedFailure(a, f) !== undefined) continue;
      const { cause, fixes, hedge, dependsOn } = explain(a, f);
      // ARGs with no value, when the cause does not already name one (`useradd ... $USER_NAME`).
      const unset = /^ARG \S+ \(line \d+\) (?:has no default|is declared before the first FROM)/.test(cause) ? { why: '', fixes: [] } : unsetArgsNote(f);

      const crlf = crlfNote(f);
      report({
        message: `The build fails here: ${f.message.split('\n')[0]}${hedge}`,
        why: `Users and groups are looked up in the image's own /etc/passwd and /etc/group at this step: ${cause}${unset.why}${crlf.why} The analysis carries on as if the step had not run.${followersNote(a, f)}`,
        line: f.line,
        fixes: [...crlf.fixes, ...unset.fixes, ...fixes],
        dependsOn,
        // Resting on a guess, the failure is a warning, so CI does not fail on it.
        unsureSeverity: hedge ? 'warning' : undefined,
      });
    }
  },
});
