import { defineRule, type AnalysisView } from '../rule.js';
import type { Fix } from '../../model/types.js';
import type { BuildFailure } from '../../build/simulate.js';
import { groupByGid, userByUid } from '../../image/accounts.js';
import { missingAccountName, unknownId } from '../util.js';
import { packageNamedLike } from '../../shell/commands/package-accounts.js';

/** What the failing step ran into, and the facts of the image at hand that explain it. */
function explain(a: AnalysisView, f: BuildFailure): { cause: string; fixes: Fix[]; hedge: string; dependsOn: string[] } {
  const stage = a.sim.stages.find((s) => a.df.stages[s.index]?.instructions.some((i) => i.line === f.line));
  const state = stage?.state ?? a.image;
  // The users this step was judged against may be a guess: those of a base outside the
  // catalog, or account files an earlier step wrote with a text the model does not know.
  const guessed = state.assumptions.find((x) => x.id === 'base:unknown-image');
  const lost = state.unknowns.filter((u) => u.line < f.line && (u.paths.includes('/etc/passwd') || u.paths.includes('/etc/group')));
  // Or a package installed before the step, whose install scripts are not modelled, bears the
  // missing name (mosquitto, dovecot-core for dovecot) and may well have created it.
  const who = f.kind === 'identity' ? missingAccountName(f.message) : undefined;
  const pkg = !guessed && lost.length === 0 && who !== undefined ? packageNamedLike(state, who, f.line) : undefined;
  const hedge = guessed
    ? ` (judged against guessed users: the base image ${guessed.subject} is not known)`
    : lost.length > 0 ? ' (judged without the account files an earlier step writes, whose text is not known)'
    : pkg ? ` (unless the package ${pkg.name} installed at line ${pkg.line} adds it)` : '';
  const dependsOn = [...lost.map(unknownId), ...(guessed ? [guessed.id] : []), ...(pkg ? [`package:${pkg.name}`] : [])];
  const known = explainCause(a, f, state, state.base);
  const cause = guessed
    ? `${known.cause} The users of ${guessed.subject} are a guess: it is not in the catalog.`
    : lost.length > 0 ? `${known.cause} Account files written at line ${lost.map((u) => u.line).join(', ')} may change that.`
    : pkg ? `${known.cause} The package ${pkg.name} (line ${pkg.line}) may create ${who} in its install scripts, which uidctl does not model.`
    : known.cause;
  return { cause, fixes: known.fixes, hedge, dependsOn };
}

function explainCause(a: AnalysisView, f: BuildFailure, state: AnalysisView['image'], base: string): { cause: string; fixes: Fix[] } {

  const uid = /UID '?(\d+)'? (?:is not unique|already exists)/.exec(f.message);
  if (uid) {
    const holder = userByUid(state.accounts, Number(uid[1]));
    return {
      cause: `uid ${uid[1]} already belongs to ${holder ? `the user ${holder.name}` : 'another user'} (base ${base}).`,
      fixes: [
        {
          description: `uid ${uid[1]} already exists in the image: reuse that user, or remove it first.`,
          snippet: `RUN userdel -r ${holder?.name ?? `"$(getent passwd ${uid[1]} | cut -d: -f1)"`} && useradd --create-home --uid ${uid[1]} app`,
          safe: false,
        },
      ],
    };
  }

  const gid = /GID '?(\d+)'? already exists/.exec(f.message);
  if (gid) {
    const holder = groupByGid(state.accounts, Number(gid[1]));
    return {
      cause: `gid ${gid[1]} already belongs to ${holder ? `the group ${holder.name}` : 'another group'} (base ${base}).`,
      fixes: [{ description: `Reuse the group with gid ${gid[1]}, or pick another gid.`, snippet: `RUN groupadd --gid ${Number(gid[1]) + 1} app`, safe: false }],
    };
  }

  const taken = /(user|group) [`']([^`']+)' already exists/i.exec(f.message);
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
  const missing = /(?:no such user|can't find uid for user|unknown user|invalid user)(?::\s*|\s+)'?([\w.-]+)/i.exec(f.message) ??
    /user '?([\w.-]+)'? does not exist/i.exec(f.message);
  const missingGroup = /(?:can't find gid for group|no such group|invalid group)(?::\s*|\s+)'?([\w.-]+)/i.exec(f.message) ??
    /group '?([\w.-]+)'? does not exist/i.exec(f.message);
  if (missingGroup && !missing) {
    return {
      cause: `no group named ${missingGroup[1]} is there: the base ${base} has none and no earlier step creates it.`,
      fixes: [{ description: 'Create the group before this step, or use a numeric gid.', snippet: `RUN groupadd ${missingGroup[1]}`, safe: false }],
    };
  }
  const name = missing?.[1];
  // An earlier step that meant to create the user but failed (a uid already taken, say).
  const tried = name === undefined
    ? undefined
    : a.sim.target.failures.find((x) => x.line < f.line && new RegExp(`\\b(useradd|adduser)\\b[^&|;]*\\b${name.replace(/[.]/g, '\\.')}\\b`).test(x.instruction));

  return {
    cause: name && tried
      ? `no user named ${name} is there: the step at line ${tried.line} that creates it fails.`
      : name
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
      const { cause, fixes, hedge, dependsOn } = explain(a, f);

      report({
        message: `The build fails here: ${f.message.split('\n')[0]}${hedge}`,
        why: `Users and groups are looked up in the image's own /etc/passwd and /etc/group at this step: ${cause} The analysis carries on as if the step had not run.`,
        line: f.line,
        fixes,
        dependsOn,
        // Resting on a guess, the failure is a warning, so CI does not fail on it.
        unsureSeverity: hedge ? 'warning' : undefined,
      });
    }
  },
});
