import { defineRule, identityLine } from '../rule.js';
import { lacksRunShell, newUser, renderRunChanges, runTool, startCommand, startsSshd } from '../util.js';
import { resolveExecUser } from '../../image/accounts.js';
import type { Fix, PrivilegeDrop } from '../../model/types.js';
import type { DfInstruction } from '../../dockerfile/types.js';
import type { AnalysisView, RuleReport } from '../rule.js';
import { dropLine, failsAsTarget, named, withoutTool } from './drop.js';

export default defineRule({
  id: 'UID101',
  name: 'root-user',
  description: 'The container process runs as root.',
  category: 'identity',
  severity: { dev: 'info', prod: 'warning' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    const drop = a.runtime.drop;
    if (a.runtime.errors.length > 0) return;
    // A switch that fails is UID106's: the workload never runs.
    if (drop?.error !== undefined) return;
    if (drop && drop.from.uid === 0 && p.uid !== 0) {
      report(stepsDown(a, drop));
      return;
    }
    if (p.uid !== 0) return;

    const fromRun = a.run?.user !== undefined;
    const fresh = newUser(a);
    // A user of the image's ordinary range, else a non-root one this build made (`useradd -r
    // app`, a system uid): switching to it needs no new account, whose name would be taken.
    const nonRoot = a.image.accounts.passwd.find((e) => e.uid >= 1000 && e.uid < 65534) ??
      a.image.accounts.passwd.find((e) => e.uid !== 0 && e.uid < 65534 && a.sim.target.accountLines.has(`user:${e.name}`));
    // The run overrides an image USER that is not root: the fix is in the run, not the image.
    const imageUser = a.image.config.user ? resolveExecUser(a.image.accounts, a.image.config.user) : undefined;
    const imageNonRoot = imageUser?.ok && imageUser.user.uid !== 0 ? imageUser.user : undefined;
    const fixes: Fix[] = fromRun && imageNonRoot
      ? [
          {
            description: `Start it as the image's own USER (${a.image.config.user}) instead of ${a.run!.user}.`,
            snippet: renderRunChanges(a, [{ kind: 'user', uid: imageNonRoot.uid, gid: imageNonRoot.gid, name: imageNonRoot.name }]),
            safe: false,
          },
        ]
      : nonRoot
      ? [
          { description: `Switch to the existing user ${nonRoot.name} at the end of the Dockerfile.`, snippet: `USER ${nonRoot.uid}:${nonRoot.gid}`, safe: false },
        ]
      : lacksRunShell(a)
      ? [
          {
            description: `The image has no shell (no ${a.image.config.shell[0]}), so no RUN can add a user: switch to a numeric uid, which needs no passwd entry (it has no name then: UID102).`,
            snippet: 'USER 65534:65534',
            safe: false,
          },
        ]
      : [
          {
            description: 'Create an unprivileged user and switch to it.',
            // BusyBox adduser: -D no password, home /home/NAME, a group of the same name and id.
            // A free uid from 1000 and a name neither a user nor a group of the image has.
            snippet: `RUN ${fresh.create}\nUSER ${fresh.uid}:${fresh.uid}`,
            safe: false,
          },
        ];
    // sshd must start as root: it changes to each user who logs in. A non-root USER would stop
    // it, so the advice is about who logs in, not who starts it.
    if (startsSshd(a)) {
      fixes.splice(0, fixes.length, {
        description: 'sshd has to start as root (it switches to each user who logs in), so a non-root USER would stop it: keep root logins off (UID501) and passwords off (UID502), let people log in as unprivileged users, and run the workload itself in a container of its own as a non-root user.',
        safe: false,
      });
    }

    // A second way, at run time; none when the run itself overrides a non-root USER (the one
    // fix above is then the whole answer). A manifest has no "your own ids": it names a uid
    // (numeric, for runAsNonRoot).
    const overridesImageUser = fromRun && imageNonRoot !== undefined;
    if (a.run && !overridesImageUser) {
      const uid = nonRoot?.uid ?? 1000;
      const gid = nonRoot?.gid ?? 1000;
      if (runTool(a) === 'kubernetes') {
        fixes.push({ description: 'Or run it as a non-root uid in the manifest.', snippet: renderRunChanges(a, [{ kind: 'user', uid, gid }]), safe: false });
      } else if (a.run.invoker?.uid === 0) {
        // "Your own ids" are root's here: name the image's non-root user, or a plain uid.
        fixes.push({ description: 'Or start it as a non-root uid.', snippet: renderRunChanges(a, [{ kind: 'user', uid, gid }]), safe: false });
      } else {
        fixes.push({ description: 'Or start it with your own ids.', snippet: renderRunChanges(a, [{ kind: 'invoker-ids' }]), safe: false });
      }
    }

    // su/runuser in the start command switch user in a way the model does not follow: the
    // workload may well not be root, so say so instead of stating it.
    const su = suInStart(a);
    if (su !== undefined) {
      const sudo = /^(?:\S*\/)?sudo$/.test(su.split(' ')[0]);
      report({
        message: sudo
          ? `The container starts as root, and its command runs \`${su}\`, which runs the workload as another user: uidctl does not follow sudo as a switch of user (only the program it starts is checked for that user), so the verdicts here are root's, not the workload's.`
          : `The container starts as root, and its command runs \`${su}\`, which may switch to another user: uidctl does not follow su and runuser's su mode, so who runs the workload is not known.`,
        why: sudo
          ? 'Until sudo runs the command the process is root. sudo -u/-g runs it as the user (and group) it names, with the environment its sudoers policy leaves (env_reset, secure_path, HOME); the verdicts here are judged for root, which the workload is not.'
          : 'Until the switch the process is root. su and `runuser -l`/`-c` run a login shell of the target user; the verdicts here are judged for root, which the workload may not be.',
        line: a.sim.target.lines.cmd ?? a.sim.target.lines.entrypoint ?? identityLine(a),
        unsureSeverity: 'info',
        // Not USER: su as a non-root user asks for a password the container cannot give.
        fixes: [
          { description: 'Switch with a tool uidctl follows and that needs no login shell (gosu, setpriv, or runuser -u), so the verdicts are judged for the user who runs the workload.', snippet: `CMD ["runuser", "-u", "${nonRoot?.name ?? 'app'}", "--", ...]`, safe: false },
        ],
      });
      return;
    }

    const tool = runTool(a);
    const asks = tool === 'kubernetes'
      ? `the manifest sets runAsUser: ${a.run?.user}`
      : tool === 'compose'
      ? `the Compose service sets user: ${a.run?.user}`
      : `the run command asks for it (${a.run?.user})`;
    const emptied = fromRun ? undefined : emptiedUser(a);
    const explicit = fromRun || emptied ? undefined : explicitRoot(a);
    report({
      message: fromRun
        ? `The container runs as root because ${asks}.`
        : emptied
        ? `The container runs as root: \`USER ${emptied.written}\` at line ${emptied.line} expands to nothing, as ${emptied.names.join(', ')} ${emptied.names.length === 1 ? 'has' : 'have'} no value in this stage${emptied.global ? ' (an ARG before FROM is seen only by FROM lines: repeat it after FROM)' : ''}.`
        : explicit
        ? explicit.line !== undefined
          ? `The container runs as root: \`USER ${explicit.written}\` at line ${explicit.line} makes root the user it starts as.`
          : `The container runs as root: the base image's USER is ${explicit.written}, and no USER in this stage changes it.`
        : 'The container runs as root: the image sets no non-root USER.',
      why: a.run?.hostUsers === false
        // https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/
        ? 'With hostUsers: false, uid 0 is root only inside the pod\'s user namespace: on the node it is an unprivileged uid, so a process that escapes the container is not root there. Inside, it can still change every file in the image and in its volumes.'
        : 'A root process can change every file in the image and in every mounted folder, and files it ' +
          'creates in bind mounts belong to root on the host. A compromised process starts with full control.',
      dependsOn: a.run?.hostUsers === false ? ['k8s-userns'] : undefined,
      line: fromRun ? identityLine(a) : (a.sim.target.lines.user ?? a.sim.target.lines.from),
      fixes: emptied
        ? [declareFix(emptied), ...fixes]
        : fixes,
    });
  },
});

/**
 * The image's USER when it names root itself (`USER root`, `USER 0:0`): the image does set a
 * USER, so "sets no non-root USER" would read as if it set none. line is that of the stage's
 * USER instruction; undefined when the USER is the base image's.
 */
function explicitRoot(a: AnalysisView): { written: string; line: number | undefined } | undefined {
  const user = a.image.config.user ?? '';
  if (user === '') return undefined;
  const resolved = resolveExecUser(a.image.accounts, user);
  if (!resolved.ok || resolved.user.uid !== 0) return undefined;
  const line = a.sim.target.lines.user;
  const ins = line === undefined ? undefined : a.df.instructions.find((i) => i.line === line && i.keyword === 'USER');

  return ins ? { written: ins.args.trim(), line } : { written: user, line: undefined };
}

/**
 * Declare the names right after FROM: an ARG takes effect from its own line on, so it must come
 * before the first line of the stage that uses one of them (a useradd that makes the user, say),
 * not just before USER, or that line runs without the value and USER names a user never made.
 */
function declareFix(e: NonNullable<ReturnType<typeof emptiedUser>>): Fix {
  const n = e.names.length === 1;
  const names = e.names.join(', ');
  const first = e.firstUse.line === e.line
    ? `before line ${e.line}, the USER that uses ${n ? 'it' : 'them'}`
    : `before line ${e.firstUse.line} (\`${e.firstUse.text}\`), the first line that uses ${n ? 'it' : 'them'}; declared just before USER, ${n ? 'it' : 'they'} would come too late and that line would run without ${n ? 'its value' : 'their values'}`;

  return {
    description: `Declare ${names} in this stage, right after FROM (line ${e.from.line}), so ${n ? 'its' : 'their'} value reaches every line that uses ${n ? 'it' : 'them'}: ${first}.`,
    snippet: [`FROM ${e.from.text}`, ...e.names.map((x) => `ARG ${x}`)].join('\n'),
    safe: false,
  };
}

/**
 * The USER that made the image root by expanding to nothing: `USER $USERNAME` with USERNAME
 * declared only before FROM (BuildKit's UndefinedVar check warns of it; the builder then runs
 * as root).
 */
function emptiedUser(a: AnalysisView):
  | { written: string; line: number; names: string[]; global: boolean; from: { line: number; text: string }; firstUse: { line: number; text: string } }
  | undefined {
  const line = a.sim.target.lines.user;
  if (line === undefined || (a.image.config.user ?? '') !== '') return undefined;
  const ins = a.df.instructions.find((i) => i.line === line && i.keyword === 'USER');
  if (!ins || !ins.args.includes('$')) return undefined;
  const names = [...ins.args.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
  if (names.length === 0) return undefined;
  const global = names.some((n) => a.df.globalArgs.some((g) => new RegExp(`^${n}(=|\\s|$)`).test(g.args.trim())));
  const unique = [...new Set(names)];
  // The stage's first line that names one of them (in its flags, arguments or heredoc bodies).
  const stage = a.df.stages.find((s) => s.instructions.some((i) => i === ins));
  const uses = (i: DfInstruction) => {
    const text = [...i.flags.map((f) => f.value ?? ''), i.args, ...i.heredocs.map((h) => h.content)].join('\n');
    return unique.some((n) => new RegExp(`\\$(\\{${n}\\b|${n}(?![A-Za-z0-9_]))`).test(text));
  };
  const first = stage?.instructions.find((i) => i.line <= line && uses(i)) ?? ins;
  const from = stage ? { line: stage.from.line, text: stage.from.args.trim() } : { line: 1, text: '...' };

  return { written: ins.args.trim(), line, names: unique, global, from, firstUse: { line: first.line, text: `${first.keyword} ${first.args.trim()}` } };
}

/**
 * The container starts as root and its command switches to an unprivileged user (gosu app ...).
 * Root is then held only by what runs before the switch (the entrypoint script, the tool), and
 * the switch itself needs it: `USER app` would stop the tool. So the finding is lower, the lead
 * fix narrows what root may do until the switch, and `USER` is offered only as the way to do
 * without the tool.
 */
function stepsDown(a: AnalysisView, d: PrivilegeDrop): RuleReport {
  const p = a.runtime.process;
  const target = named(p);
  const refusal = failsAsTarget(a);
  const needs = d.needs.map((c) => c.replace(/^CAP_/, ''));
  const fixes: Fix[] = [];
  // An entrypoint script the model followed: it runs as root before its switch.
  const script = a.runtime.script;
  const before = d.assumption?.subject ?? script?.written;
  if (script) {
    // Tried by running the script again with only these (runtime/entry-script.ts capsNeeded).
    const caps = script.capsNeeded?.map((c) => c.replace(/^CAP_/, ''));
    if (caps) {
      fixes.push({
        description: `Keep root's capabilities to what ${script.written} and the switch need (${caps.join(', ')}): with only these it still reaches \`${d.written}\`, and after it the workload has none anyway.`,
        snippet: renderRunChanges(a, [{ kind: 'caps', drop: ['ALL'], add: caps }]),
        safe: false,
      });
    }
  } else if (needs.length > 0 && d.tool !== 'runuser') {
    fixes.push({
      description:
        `Keep root's capabilities to what the switch needs (${needs.join(', ')})` +
        (before ? `, plus what ${before} itself needs before it (CHOWN for a chown, DAC_OVERRIDE to write files it does not own, ...)` : '') +
        `: after ${d.tool} the workload has none anyway.`,
      snippet: renderRunChanges(a, [{ kind: 'caps', drop: ['ALL'], add: needs }]),
      safe: false,
    });
  }
  // Starting as the user works only when the script's root steps need nothing but the switch:
  // the capabilities it was found to need say so (none beyond SETUID and SETGID).
  const rootSteps = script?.capsNeeded?.some((c) => c !== 'CAP_SETUID' && c !== 'CAP_SETGID') ?? true;
  if (script && !rootSteps) {
    // The switch is in the script's text: the fix is there, not in the start command.
    fixes.push({
      description: `${fixes.length > 0 ? 'Or, if' : 'If'} nothing ${script.written} does before its line ${script.workloadLine ?? '?'} needs root (a chown of mounted folders, a port below 1024, files only root may write), start as ${p.userName ?? `uid ${p.uid}`} and drop \`${d.written}\` from that line of the script.`,
      snippet: `USER ${p.uid}:${p.gid}`,
      safe: false,
    });
  }
  if (script) {
    return {
      message: `The container starts as root: ${script.written} runs as root, then at its line ${script.workloadLine ?? '?'} \`${d.written}\` switches to ${target} before the workload runs.`,
      why: `Until the switch the process is root with the engine's capabilities: ${script.written} (followed as it runs, with the run's mounts) and ${d.tool} itself. The workload after it runs as ${target} with no capabilities, and the verdicts here are judged for it.`,
      line: dropLine(a, d),
      fixes,
      dependsOn: [],
      reducedSeverity: 'info',
    };
  }
  fixes.push({
    description:
      `${fixes.length > 0 ? 'Or, if' : 'If'} nothing before the switch needs root (a chown of mounted folders, a port below 1024, files only root may write), ` +
      `start as ${p.userName ?? `uid ${p.uid}`} and leave \`${d.written}\` out of the command` +
      (d.source === 'run' ? ` (${withoutTool(d)}).` : '.'),
    snippet: d.source === 'run'
      ? renderRunChanges(a, [{ kind: 'user', uid: p.uid, gid: p.gid }])
      : `USER ${p.uid}:${p.gid}\n${withoutTool(d)}`,
    safe: false,
  });

  return {
    message: d.assumption
      ? `The container starts as root: ${d.assumption.subject} runs as root, then \`${d.written}\` switches to ${target} before the workload runs.`
      : `The container starts as root and its command switches to ${target} with \`${d.written}\` before the workload runs.`,
    why:
      `Until the switch the process is root with the engine's capabilities: ${d.assumption ? `${d.assumption.subject}, whose text is not known, and ` : ''}${d.tool} itself. ` +
      `The workload after it runs as ${target} with no capabilities, and the verdicts here are judged for it. ` +
      (refusal
        ? `${d.tool} needs root to switch, so USER ${p.userName ?? p.uid} in the Dockerfile (or --user) alone would stop the container with \`${refusal}\`.`
        : `${d.tool} would also run as ${target} itself, so USER ${p.userName ?? p.uid} would work with the command as it is.`),
    line: dropLine(a, d),
    fixes,
    dependsOn: d.assumption ? [d.assumption.id] : [],
    reducedSeverity: 'info',
  };
}

/**
 * `su ...`, runuser in su mode (`runuser -l app -c ...`) or `sudo -u USER ...` in the start
 * command, as written (a bare `sudo CMD` runs CMD as root: no switch).
 */
function suInStart(a: AnalysisView): string | undefined {
  const text = startCommand(a).join(' ');
  // The tool's whole name: `sudo` is not `su`.
  const m = /(?:^|[\s;&|'"(])((?:\/[\w/]*\/)?(?:su|sudo|runuser)(?=$|[\s;&|'")])(?:\s+[^\s;&|]+)*)/.exec(text);
  if (!m) return undefined;
  const words = m[1].split(/\s+/);
  // sudo without -u/-g runs the command as root: no switch.
  if (/sudo$/.test(words[0])) {
    const opts: string[] = [];
    for (const w of words.slice(1)) {
      if (!w.startsWith('-') || w === '--') break;
      opts.push(w);
    }
    if (!opts.some((w) => /^(--user|--group)/.test(w) || /^-[A-Za-z]*[ug]/.test(w))) return undefined;
  }
  // runuser -u is followed (privdrop); only its su mode is not.
  if (words[0].endsWith('runuser') && words.includes('-u')) return undefined;

  return words.slice(0, 3).join(' ');
}
