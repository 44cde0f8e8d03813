// Start commands whose form, not their permissions, stops the container: an ENTRYPOINT or CMD
// meant as exec form whose JSON does not parse (run as shell form), and a start program that
// is a folder. Used by UID106.

import type { AnalysisView, RuleReport } from '../rule.js';
import type { DfInstruction } from '../../dockerfile/types.js';
import { startCommandOf } from '../../runtime/entrypoints.js';
import { childrenOf, normalizePath, resolvePath } from '../../image/fs.js';
import { parseShell } from '../../shell/parse.js';
import { literalValue } from '../../shell/words.js';
import { flavorOf, notFoundWords, shellErrorLine } from '../../shell/commands/builtins.js';

/** The instruction of the target stage at a line (ENTRYPOINT or CMD). */
function instructionAt(a: AnalysisView, keyword: string, line: number | undefined): DfInstruction | undefined {
  if (line === undefined) return undefined;

  return a.df.instructions.find((i) => i.line === line && i.keyword === keyword);
}

/**
 * The elements a broken array was meant to hold: the text between [ and ] split at commas
 * outside quotes, each stripped of its quotes ('python' and "python" alike). Undefined when
 * nothing is left.
 */
export function intendedWords(args: string): string[] | undefined {
  let body = args.trim().replace(/^\[/, '');
  body = body.replace(/\]\s*$/, '');
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (const ch of body) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === '\'') quote = ch;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  const words = out.filter((w) => w !== '');

  return words.length > 0 ? words : undefined;
}

/** Why text that starts with [ is not a JSON array of strings, in plain words. */
function whyNotJson(args: string): string {
  const t = args.trim();
  if (/'/.test(t) && !/"/.test(t)) return 'JSON strings take double quotes, and this array uses single quotes';
  if ((t.match(/"/g) ?? []).length % 2 === 1) return 'a string is not closed with its double quote';
  if (!t.endsWith(']')) return 'the array is not closed with ]';
  if (/,\s*\]$/.test(t)) return 'JSON allows no comma after the last element';
  if (!/["']/.test(t)) return 'the elements are not quoted strings';

  return 'it does not parse as a JSON array of strings';
}

/** `CMD ["a", "b"]` with the words given, as the fix writes it. */
function execForm(keyword: string, words: string[]): string {
  return `${keyword} [${words.map((w) => JSON.stringify(w)).join(', ')}]`;
}

/**
 * An ENTRYPOINT (or a CMD with no ENTRYPOINT) that starts with [ but is not valid JSON: Docker,
 * BuildKit and buildah then take the whole text as shell form, so the container runs
 * `/bin/sh -c '["python", "app.py"'`, and the shell looks for a program named `[python,`
 * (measured with buildah: dash says `/bin/sh: 1: [python,: not found`, exit 127; for
 * `['python','app.py']` it is `[python,app.py]`). Text whose first shell word is `[` itself
 * (`[ -f /x ] && ...`) is real shell, and is left alone. A CMD under an ENTRYPOINT is its
 * argument list, which the entrypoint may or may not run: not judged.
 */
export function brokenExecForm(a: AnalysisView): RuleReport | undefined {
  const start = startCommandOf(a.image, a.run);
  let ins: DfInstruction | undefined;
  if (!start.entryFromRun && start.entryLength > 0) ins = instructionAt(a, 'ENTRYPOINT', a.sim.target.lines.entrypoint);
  else if (start.entryLength === 0 && !start.cmdFromRun) ins = instructionAt(a, 'CMD', a.sim.target.lines.cmd);
  if (!ins || ins.json !== null || !ins.args.trimStart().startsWith('[')) return undefined;
  // The shell form as the image holds it: SHELL's words, then the text.
  const argv = start.argv;
  const text = ins.args;
  if (argv[argv.length - 1] !== text && !argv.includes(text)) return undefined;
  const shell = argv.slice(0, argv.indexOf(text));
  const flavor = flavorOf(a.image, shell[0]);
  let said: string;
  let status: number;
  let script;
  try {
    script = parseShell(text);
  } catch {
    script = undefined;
  }
  const first = script?.items[0]?.andOr.first.commands[0];
  if (script === undefined) {
    // An unterminated quote: dash stops before it runs anything.
    if ((text.match(/"/g) ?? []).length % 2 === 0 && (text.match(/'/g) ?? []).length % 2 === 0) return undefined;
    // The quote left open: the first one whose count is odd (measured: dash 0.5.12, bash 5.2).
    const open = (text.match(/"/g) ?? []).length % 2 === 1 ? '"' : '\'';
    said = flavor === 'bash'
      ? `${shell[0]}: -c: line 1: unexpected EOF while looking for matching \`${open}'`
      : `${shell[0] ?? '/bin/sh'}: 1: Syntax error: Unterminated quoted string`;
    status = 2;
  } else {
    const word = first?.type === 'cmd' && first.args.length > 0 ? literalValue(first.args[0]) : null;
    if (word === null || word === '[' || word === '[[' || !word.startsWith('[')) return undefined;
    said = shellErrorLine(flavor, shell[0] ?? '/bin/sh', 1, word, notFoundWords(flavor));
    status = 127;
  }
  const words = intendedWords(text);
  const runner = shell.join(' ') || '/bin/sh -c';

  return {
    message: `The container will not start: ${ins.keyword} at line ${ins.line} is not valid JSON, so ${runner} runs it as shell text, and the shell stops: ${said} (exit ${status}).`,
    why: `${ins.keyword} is taken as exec form only when its text is a JSON array of strings; ${whyNotJson(text)}. Docker, BuildKit and buildah then keep the whole text as shell form, ${runner} followed by it, and ` +
      (status === 2 ? 'the shell cannot read it: a quote is left open.' : 'the shell reads the brackets, quotes and commas as part of the command\'s name.'),
    line: ins.line,
    fixes: words
      ? [{ description: 'Write it as a JSON array: double quotes around every element, commas between them, closed with ].', snippet: execForm(ins.keyword, words), safe: false }]
      : [{ description: 'Write it as a JSON array of strings (double quotes, closed with ]), or as shell form without brackets.', safe: false }],
  };
}

/**
 * The start program named by a path is a folder (`ENTRYPOINT ["/app"]` where /app is the
 * application's folder). runc looks the program up with Go's exec.LookPath first, which
 * answers EISDIR: `exec: "/app": is a directory`; crun says `open executable: Operation not
 * permitted` (both quoted in containers/crun#1694, podman exits 126); buildah's chroot runner
 * `fork/exec /app: permission denied` (measured). Only a path: a bare name is looked up on PATH,
 * where a folder of that name is passed over.
 */
export function programIsFolder(a: AnalysisView, argv0: string, file: string | undefined): RuleReport | undefined {
  if (!file || !argv0.includes('/')) return undefined;
  const r = resolvePath(a.runtime.view.fs, file);
  if (r.meta?.kind !== 'dir') return undefined;
  const words = a.engine === 'podman' ? 'open executable: Operation not permitted' : `exec: "${argv0}": is a directory`;
  // An executable file inside it is what was most likely meant.
  const programs = childrenOf(a.runtime.view.fs, r.path)
    .filter((p) => {
      const m = a.runtime.view.fs.get(p);
      return m?.kind === 'file' && (m.mode & 0o111) !== 0;
    });
  const start = startCommandOf(a.image, a.run);
  const keyword = start.entryLength > 0 ? 'ENTRYPOINT' : 'CMD';
  const rest = start.argv.slice(1, start.entryLength > 0 ? start.entryLength : undefined);
  const fixes = programs.length === 1
    ? [{ description: `Start the program inside the folder, ${programs[0]}.`, snippet: execForm(keyword, [programs[0], ...rest]), safe: false }]
    : [{ description: `Name the program inside ${normalizePath(file)}, not the folder itself (an interpreter and a script work too: ["python3", "${normalizePath(file)}/main.py"]).`, snippet: execForm(keyword, [`${normalizePath(file)}/PROGRAM`, ...rest]), safe: false }];

  return {
    message: `The container will not start: ${file} is a folder, not a program (${words}).`,
    why: `The engine executes the first word of the start command, and ${file} is a directory in the image: ` +
      (a.engine === 'podman' ? 'crun opens the program before it executes it and refuses a directory.' : 'runc looks the program up before it executes it (Go\'s exec.LookPath) and refuses a directory.') +
      ' The kernel would refuse it too (execve gives EACCES).',
    line: a.sim.target.lines.entrypoint ?? a.sim.target.lines.cmd,
    fixes,
  };
}
