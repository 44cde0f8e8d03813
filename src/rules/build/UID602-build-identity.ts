import { defineRule, type AnalysisView } from '../rule.js';
import type { Fix } from '../../model/types.js';
import type { BuildFailure } from '../../build/simulate.js';
import { groupByGid, userByUid } from '../../image/accounts.js';
import { accountFailureGuess, followedFailure, followersNote, unsetArgsNote } from '../util.js';
import { lacksShadowTool } from '../../shell/commands/accounts.js';
import { packageThatAdded } from '../../shell/commands/package-accounts.js';

/** What the failing step ran into, and the facts of the image at hand that explain it. */
function explain(a: AnalysisView, f: BuildFailure): { cause: string; fixes: Fix[]; hedge: string; dependsOn: string[] } {
  const stage = a.sim.stages.find((s) => a.df.stages[s.index]?.instructions.some((i) => i.line === f.line));
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

/**
 * The name the failing useradd or adduser was to give its new user (the first operand after
 * its options), so the fix makes that user rather than a placeholder; the command chosen is
 * the one that asks for the taken uid when the step has several. Undefined when no such
 * command is found in the step's text.
 */
export function newUserName(instruction: string, uid: string): string | undefined {
  const names: string[] = [];
  // Continued lines are one command.
  for (const m of instruction.replace(/\\\r?\n/g, ' ').matchAll(/(?:^|[\s;&|(])(?:useradd|adduser)\s+([^;&|)\n]*)/g)) {
    // Words as the shell splits them here: a quoted value ("Dev User") is one word.
    const words = m[1].match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
    let name: string | undefined;
    for (let i = 0; i < words.length && name === undefined; i++) {
      const w = words[i];
      if (w.startsWith('-')) {
        // A short option with its value joined (-u1000) or a long one with '=' takes no next word.
        if (VALUED.has(w)) i += 1;
        continue;
      }
      name = w.replace(/^['"]|['"]$/g, '');
    }
    if (name === undefined || name === '') continue;
    if (new RegExp(`(?:-u|--uid)[=\\s]*['"]?${uid}\\b`).test(m[1])) return name;
    names.push(name);
  }

  return names[0];
}

function explainCause(a: AnalysisView, f: BuildFailure, state: AnalysisView['image'], base: string): { cause: string; fixes: Fix[] } {
  const badId = /invalid (user|group) ID '([^']*)'/.exec(f.message);
  if (badId) return invalidId(f, badId[1], badId[2]);

  // BusyBox images have adduser and deluser, not useradd and userdel.
  const busybox = lacksShadowTool(state, 'useradd');
  // shadow's useradd says "UID 1000 is not unique", BusyBox's adduser "uid '1000' in use".
  // Debian's adduser says "The UID 1000 is already in use."
  const uid = /(?:UID|uid) '?(\d+)'? (?:is not unique|(?:is )?already (?:exists|in use)|in use)/.exec(f.message);
  if (uid) {
    const holder = userByUid(state.accounts, Number(uid[1]));
    // A package's service user is no base user to remove: the service needs it.
    const pkg = holder ? packageThatAdded(state, holder.name) : undefined;
    const wanted = newUserName(f.instruction, uid[1]) ?? 'app';
    if (holder && pkg) {
      return {
        cause: `uid ${uid[1]} already belongs to the user ${holder.name}, which the package ${pkg.name} (line ${pkg.line}) added.`,
        fixes: [{ description: `Give the new user another uid: ${pkg.name} needs ${holder.name}.`, snippet: busybox ? `RUN adduser -D -u ${Number(uid[1]) + 1000} ${wanted}` : `RUN useradd --create-home --uid ${Number(uid[1]) + 1000} ${wanted}`, safe: false }],
      };
    }
    return {
      cause: `uid ${uid[1]} already belongs to ${holder ? `the user ${holder.name}` : 'another user'} (base ${base}).`,
      fixes: [
        {
          description: `uid ${uid[1]} already exists in the image: reuse that user, or remove it first.`,
          snippet: busybox
            ? `RUN deluser --remove-home ${holder?.name ?? `"$(getent passwd ${uid[1]} | cut -d: -f1)"`} && adduser -D -u ${uid[1]} ${wanted}`
            : `RUN userdel -r ${holder?.name ?? `"$(getent passwd ${uid[1]} | cut -d: -f1)"`} && useradd --create-home --uid ${uid[1]} ${wanted}`,
          safe: false,
        },
      ],
    };
  }

  // groupadd: "GID '1000' already exists"; BusyBox addgroup: "gid '1000' in use".
  const gid = /(?:GID|gid) '?(\d+)'? (?:(?:is )?already (?:exists|in use)|in use)/.exec(f.message);
  if (gid) {
    const holder = groupByGid(state.accounts, Number(gid[1]));
    return {
      cause: `gid ${gid[1]} already belongs to ${holder ? `the group ${holder.name}` : 'another group'} (base ${base}).`,
      fixes: [{ description: `Reuse the group with gid ${gid[1]}, or pick another gid.`, snippet: busybox ? `RUN addgroup -g ${Number(gid[1]) + 1} app` : `RUN groupadd --gid ${Number(gid[1]) + 1} app`, safe: false }],
    };
  }

  const taken = /(user|group) [`']([^`']+)' (?:already exists|in use)/i.exec(f.message);
  if (taken) {
    return {
      cause: `a ${taken[1].toLowerCase()} named ${taken[2]} already exists (base ${base}).`,
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

      report({
        message: `The build fails here: ${f.message.split('\n')[0]}${hedge}`,
        why: `Users and groups are looked up in the image's own /etc/passwd and /etc/group at this step: ${cause}${unset.why} The analysis carries on as if the step had not run.${followersNote(a, f)}`,
        line: f.line,
        fixes: [...unset.fixes, ...fixes],
        dependsOn,
        // Resting on a guess, the failure is a warning, so CI does not fail on it.
        unsureSeverity: hedge ? 'warning' : undefined,
      });
    }
  },
});
