// Commands that only read: head, tail, wc, grep, ls, find, du, stat. They change nothing, but
// they fail where the process may not read (or reach) what they name, and a RUN step or an
// entrypoint script under `set -e` stops there. Messages and statuses are GNU coreutils 9.1,
// grep 3.8 and findutils 4.9 in the C locale (Debian bookworm), measured here as uid 65534.
// What they print is never known: their output is unknown, their status is the model's.

import type { CmdResult, CommandHandler, ExecContext } from '../context.js';
import type { Errno } from '../../model/types.js';
import { byPath, descendants } from '../../image/fs.js';
import { errnoText, lookup, posixToJs, shown } from './files.js';
import { formatGroup, formatPasswd } from '../../image/accounts.js';
import { unknownOutput } from './builtins.js';

/** What opening one named operand gives: a file, a folder, an error, or not known. */
type Opened =
  | { kind: 'file' | 'dir'; path: string }
  | { kind: 'error'; errno: Errno }
  | { kind: 'unknown' };

/** open(2) for reading: search on the way, the entry (symlinks followed), read on it. */
function openRead(ctx: ExecContext, arg: string): Opened {
  const l = lookup(ctx, arg, true);
  if (!l.ok) return l.unknown ? { kind: 'unknown' } : { kind: 'error', errno: l.errno };
  const v = ctx.access(l.path, 'read');
  if (!v.allowed) return { kind: 'error', errno: v.errno ?? 'EACCES' };

  return { kind: l.meta.kind === 'dir' ? 'dir' : 'file', path: l.path };
}

/** The result of a reader: errors make the status, the output is never known. */
function outcome(errors: string[], status: number | 'unknown', failStatus: number): CmdResult {
  if (errors.length === 0) return unknownOutput({ status });

  return unknownOutput({ status: failStatus, stderr: errors });
}

/**
 * Operands after the options, GNU style: `--` ends the options, `-` alone is standard input.
 * valued: short options that take a value (attached or as the next word); long options with
 * a value are taken in their `--name=value` form, or as the next word when listed in valuedLong.
 * Returns undefined for an option the tool does not have or one the model does not follow.
 */
function operands(argv: string[], valued: string, valuedLong: string[] = []): { files: string[]; flags: Set<string>; values: Map<string, string[]> } {
  const files: string[] = [];
  const flags = new Set<string>();
  // The values of the options that take one, by option (`-e PAT` twice gives two).
  const values = new Map<string, string[]>();
  const keep = (name: string, v: string | undefined) => {
    if (v === undefined) return;
    const list = values.get(name);
    if (list) list.push(v);
    else values.set(name, [v]);
  };
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
      flags.add(name);
      if (a.includes('=')) keep(name, a.slice(a.indexOf('=') + 1));
      else if (valuedLong.includes(name)) keep(name, argv[++i]);
      continue;
    }
    if (a.length > 1 && a[0] === '-') {
      for (let k = 1; k < a.length; k++) {
        const c = a[k];
        flags.add(`-${c}`);
        if (valued.includes(c)) {
          // The value is the rest of the word, or the next word.
          keep(`-${c}`, k === a.length - 1 ? argv[++i] : a.slice(k + 1));
          break;
        }
      }
      continue;
    }
    files.push(a);
  }
  for (; i < argv.length; i++) files.push(argv[i]);

  return { files, flags, values };
}

// ---------------------------------------------------------------- head, tail, wc

/**
 * Open each named file for reading (`-` is standard input): the error lines, worded by the
 * tool, and whether any file's existence is not known.
 */
function openEach(ctx: ExecContext, files: string[], denied: (f: string, errno: Errno) => string, isDir: (f: string) => string): { errors: string[]; unknown: boolean } {
  const errors: string[] = [];
  let unknown = false;
  for (const f of files) {
    if (f === '-') continue;
    const o = openRead(ctx, f);
    if (o.kind === 'unknown') unknown = true;
    else if (o.kind === 'error') errors.push(denied(f, o.errno));
    else if (o.kind === 'dir') errors.push(isDir(f));
  }

  return { errors, unknown };
}

/** head/tail: "cannot open 'F' for reading: ..." and "error reading 'F': Is a directory", status 1. */
function headTail(tool: 'head' | 'tail'): CommandHandler {
  return (ctx, argv) => {
    // -5 (an old-style count) is a flag here; its value is in the word.
    const { files } = operands(argv, tool === 'tail' ? 'ncs' : 'nc', ['--lines', '--bytes', '--pid', '--sleep-interval', '--max-unchanged-stats']);
    const { errors, unknown } = openEach(ctx, files,
      (f, e) => `${tool}: cannot open '${f}' for reading: ${errnoText(e)}`,
      (f) => `${tool}: error reading '${f}': Is a directory`);

    return outcome(errors, unknown ? 'unknown' : 0, 1);
  };
}

/** wc: "wc: F: Permission denied", "wc: F: Is a directory", status 1. */
const wc: CommandHandler = (ctx, argv) => {
  const { files } = operands(argv, '', ['--files0-from']);
  const { errors, unknown } = openEach(ctx, files, (f, e) => `wc: ${f}: ${errnoText(e)}`, (f) => `wc: ${f}: Is a directory`);

  return outcome(errors, unknown ? 'unknown' : 0, 1);
};

// ---------------------------------------------------------------- cut

/** A cut list (`1`, `1,3`, `2-`, `-3`, `1-3`): whether a 1-based position is in it; undefined if malformed. */
function cutList(text: string): ((n: number) => boolean) | undefined {
  const ranges: [number, number][] = [];
  for (const part of text.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (m[1] === '' && m[3] === '') || m[1] === '0' || m[3] === '0') return undefined;
    const lo = m[1] === '' ? 1 : Number(m[1]);
    const hi = m[2] === '' ? lo : m[3] === '' ? Infinity : Number(m[3]);
    if (hi < lo) return undefined;
    ranges.push([lo, hi]);
  }

  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

/**
 * cut -d DELIM -f LIST [-s] over standard input the model knows (`getent passwd 1000 | cut -d:
 * -f1`, the devcontainer recipe): the fields in their order in the line, a line without the
 * delimiter printed whole unless -s (coreutils and BusyBox alike). Anything else (files,
 * -c/-b, --complement) prints what the model does not know.
 */
const cut: CommandHandler = (ctx, argv) => {
  const { files, flags, values } = operands(argv, 'dfcb', ['--delimiter', '--fields', '--characters', '--bytes', '--output-delimiter']);
  const list = values.get('-f')?.at(-1) ?? values.get('--fields')?.at(-1);
  const delim = values.get('-d')?.at(-1) ?? values.get('--delimiter')?.at(-1) ?? '\t';
  const other = [...flags].some((f) => !/^(-d|-f|-s|--delimiter|--fields|--only-delimited)$/.test(f));
  const fromStdin = files.every((f) => f === '-');
  const pick = list === undefined ? undefined : cutList(list);
  if (!fromStdin || ctx.stdin === undefined || other || pick === undefined || delim.length !== 1) {
    const { errors, unknown } = openEach(ctx, files, (f, e) => `cut: ${f}: ${errnoText(e)}`, (f) => `cut: ${f}: Is a directory`);
    return outcome(errors, unknown ? 'unknown' : 0, 1);
  }
  const only = flags.has('-s') || flags.has('--only-delimited');
  let out = '';
  const lines = ctx.stdin.endsWith('\n') ? ctx.stdin.slice(0, -1).split('\n') : ctx.stdin === '' ? [] : ctx.stdin.split('\n');
  for (const line of lines) {
    if (!line.includes(delim)) {
      if (!only) out += `${line}\n`;
      continue;
    }
    out += `${line.split(delim).filter((_, i) => pick(i + 1)).join(delim)}\n`;
  }

  return { status: 0, stdout: out };
};

// ---------------------------------------------------------------- grep

/** grep options that change what is matched or printed in ways not followed here. */
const GREP_UNFOLLOWED = new Set(['-o', '-n', '-l', '-L', '-h', '-H', '-m', '-A', '-B', '-C', '-P', '-z', '-f', '-b', '-Z',
  '--only-matching', '--line-number', '--files-with-matches', '--files-without-match', '--max-count', '--perl-regexp',
  '--null-data', '--file', '--after-context', '--before-context', '--context', '--byte-offset']);

/** The text of a file the model keeps (the account files are kept parsed), else undefined. */
function knownText(ctx: ExecContext, path: string): string | undefined {
  if (path === '/etc/passwd') return formatPasswd(ctx.state.accounts.passwd);
  if (path === '/etc/group') return formatGroup(ctx.state.accounts.group);

  return ctx.state.texts[path]?.content;
}

/** A line matcher for grep's patterns and options; undefined when one cannot be translated. */
function grepMatcher(patterns: string[], flags: Set<string>): ((line: string) => boolean) | undefined {
  const fixed = flags.has('-F') || flags.has('--fixed-strings');
  const extended = flags.has('-E') || flags.has('--extended-regexp');
  const whole = flags.has('-x') || flags.has('--line-regexp');
  const word = flags.has('-w') || flags.has('--word-regexp');
  const res: RegExp[] = [];
  for (const p of patterns) {
    const js = fixed ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : posixToJs(p, extended);
    if (js === undefined) return undefined;
    const body = whole ? `^(?:${js})$` : word ? `(?<![A-Za-z0-9_])(?:${js})(?![A-Za-z0-9_])` : js;
    try {
      res.push(new RegExp(body, flags.has('-i') || flags.has('--ignore-case') ? 'i' : ''));
    } catch {
      return undefined;
    }
  }

  return (line) => res.some((r) => r.test(line));
}

/**
 * grep: a file it cannot read is an error, status 2; with -q a match in another file makes it
 * 0 (GNU grep: "if -q and a line is selected, the exit status is 0 even if an error
 * occurred"). -s drops the messages, not the status. With -r the known folders below are read
 * too. Files whose text the model keeps (the account files, sudoers, sshd_config, the texts a
 * build wrote) are matched for real, so `grep -q '^app:' /etc/passwd || useradd app` runs
 * useradd when app is not there (0 when a line is selected, 1 when none is); other texts are not
 * known, and neither is the status then.
 */
const grep: CommandHandler = (ctx, argv) => {
  const { files: words, flags, values } = operands(argv, 'efmABCdD', ['--regexp', '--file', '--max-count', '--after-context', '--before-context', '--context', '--directories', '--devices', '--label', '--binary-files']);
  const given = [...(values.get('-e') ?? []), ...(values.get('--regexp') ?? [])];
  const patternGiven = given.length > 0 || flags.has('-f') || flags.has('--file');
  const files = patternGiven ? words : words.slice(1);
  const patterns = (patternGiven ? given : words.slice(0, 1)).flatMap((p) => p.split('\n'));
  const recursive = flags.has('-r') || flags.has('-R') || flags.has('--recursive') || flags.has('--dereference-recursive');
  if (files.length === 0 && recursive) files.push('.');
  const quiet = flags.has('-q') || flags.has('--quiet') || flags.has('--silent');
  const silent = flags.has('-s') || flags.has('--no-messages');
  const invert = flags.has('-v') || flags.has('--invert-match');
  const count = flags.has('-c') || flags.has('--count');
  const followed = !recursive && ![...flags].some((f) => GREP_UNFOLLOWED.has(f));
  const match = followed && patterns.length > 0 ? grepMatcher(patterns, flags) : undefined;
  const errors: string[] = [];
  // What the inputs give: lines selected (known), or not known.
  let selected = false;
  let unknown = false;
  let out = '';
  const take = (name: string | undefined, text: string | undefined) => {
    if (text === undefined || match === undefined) {
      unknown = true;
      return;
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const hits = lines.filter((l) => match(l) !== invert);
    if (hits.length > 0) selected = true;
    const prefix = name !== undefined && files.length > 1 ? `${name}:` : '';
    if (count) out += `${prefix}${hits.length}\n`;
    else for (const h of hits) out += `${prefix}${h}\n`;
  };
  if (files.length === 0) take(undefined, ctx.stdin);
  for (const f of files) {
    if (f === '-') {
      take('(standard input)', ctx.stdin);
      continue;
    }
    const o = openRead(ctx, f);
    if (o.kind === 'unknown') unknown = true;
    else if (o.kind === 'error') errors.push(`grep: ${f}: ${errnoText(o.errno)}`);
    else if (o.kind === 'dir' && !recursive) errors.push(`grep: ${f}: Is a directory`);
    else if (o.kind === 'file') take(f, knownText(ctx, o.path));
    else {
      // What the files below hold is not known, so neither is whether a line is selected.
      unknown = true;
      for (const e of walk(ctx, o.path, f, Infinity).errors) errors.push(`grep: ${e.shown}: ${errnoText(e.errno)}`);
    }
  }
  const matched: number | 'unknown' = selected ? 0 : unknown ? 'unknown' : 1;
  const status: number | 'unknown' = errors.length === 0 ? matched : quiet && matched !== 1 ? (selected ? 0 : 'unknown') : 2;
  const stderr = silent ? [] : errors;
  const res: CmdResult = stderr.length > 0 ? { status, stderr } : { status };
  if (quiet) res.stdout = '';
  else if (unknown) return unknownOutput(res);
  else res.stdout = out;

  return res;
};

// ---------------------------------------------------------------- walking folders

/** A known entry below a folder that a walk cannot read (find, du, grep -r, ls -R). */
interface WalkError { shown: string; errno: Errno; dir: boolean }

/**
 * The known entries below root that a recursive reader cannot read, in walk order: a folder it
 * cannot list, and with files, a file it cannot read. Below an unreadable folder nothing is
 * reached. A folder it may list but not search (0744 for others) gives its names, but nothing
 * below it can be opened or stat'ed: when it holds entries, the outcome is `unsure` (find
 * lists their names; ls -l, du and grep -r fail on each). Entries the model does not list are
 * not walked.
 */
function walk(ctx: ExecContext, root: string, arg: string, depth: number, files = true): { errors: WalkError[]; unsure: boolean } {
  const out: WalkError[] = [];
  const blocked: string[] = [];
  let unsure = false;
  const fs = ctx.state.fs;
  const rootDepth = root === '/' ? 0 : root.split('/').length - 1;
  for (const p of [root].concat(descendants(fs, root).sort(byPath))) {
    if (blocked.some((b) => p.startsWith(b === '/' ? '/' : `${b}/`))) continue;
    const d = p === '/' ? 0 : p.split('/').length - 1;
    if (d - rootDepth > depth) continue;
    const meta = fs.get(p);
    if (meta === undefined || meta.kind === 'symlink') continue;
    if (meta.kind === 'dir') {
      if (d - rootDepth >= depth) continue;
      const r = ctx.access(p, 'list');
      if (!r.allowed) {
        out.push({ shown: shown(arg, root, p), errno: r.errno ?? 'EACCES', dir: true });
        blocked.push(p);
      } else if (!ctx.access(p, 'chdir').allowed) {
        if (descendants(fs, p).length > 0) unsure = true;
        blocked.push(p);
      }
    } else if (files && p !== root) {
      const r = ctx.access(p, 'read');
      if (!r.allowed) out.push({ shown: shown(arg, root, p), errno: r.errno ?? 'EACCES', dir: false });
    }
  }

  return { errors: out, unsure };
}

// ---------------------------------------------------------------- ls, find, du

/**
 * ls: a named operand it cannot reach is "cannot access 'X': ...", a folder it cannot list
 * "cannot open directory 'X': Permission denied", both status 2 (GNU: serious trouble with a
 * command-line argument); -d lists a folder as an entry, -R also the known folders below
 * (status 1 for those). A folder it may read but not search is not followed (its entries'
 * details fail one by one, depending on the options).
 */
const ls: CommandHandler = (ctx, argv) => {
  const { files, flags } = operands(argv, 'ITw', ['--ignore', '--hide', '--tabsize', '--width', '--time-style', '--format', '--sort', '--block-size', '--quoting-style', '--indicator-style']);
  const noDirs = flags.has('-d') || flags.has('--directory');
  const recursive = flags.has('-R') || flags.has('--recursive');
  if (files.length === 0) files.push('.');
  const errors: string[] = [];
  let status: number | 'unknown' = 0;
  for (const f of files) {
    const l = lookup(ctx, f, true);
    if (!l.ok) {
      if (l.unknown) {
        if (status === 0) status = 'unknown';
        continue;
      }
      errors.push(`ls: cannot access '${f}': ${errnoText(l.errno)}`);
      status = 2;
      continue;
    }
    if (l.meta.kind !== 'dir' || noDirs) continue;
    const r = ctx.access(l.path, 'list');
    if (!r.allowed) {
      errors.push(`ls: cannot open directory '${f}': ${errnoText(r.errno ?? 'EACCES')}`);
      status = 2;
      continue;
    }
    if (!ctx.access(l.path, 'chdir').allowed) {
      // Readable, not searchable (0744 for others): the names are listed (measured: `ls /d744`
      // succeeds), but each entry's details fail ("cannot access 'D/f'", status 1) with -l.
      if (statsEntries(flags) && status === 0) status = 'unknown';
      continue;
    }
    if (recursive) {
      const w = walk(ctx, l.path, f, Infinity, false);
      for (const e of w.errors) {
        errors.push(`ls: cannot open directory '${e.shown}': ${errnoText(e.errno)}`);
        if (status !== 2) status = 1;
      }
      if (w.unsure && status === 0) status = 'unknown';
    }
  }

  return unknownOutput(errors.length > 0 ? { status, stderr: errors } : { status });
};

/** ls options that stat every entry it lists (long listing, sizes, inodes, types, sorting by time or size). */
function statsEntries(flags: Set<string>): boolean {
  return ['-l', '-s', '-i', '-F', '-t', '-S', '-n', '-g', '-o', '-p', '-c', '-u', '--classify', '--size', '--inode', '--file-type', '--color'].some((f) => flags.has(f));
}

/**
 * find (the forms that only read: dispatch sends those with -exec, -delete and the like
 * elsewhere): a starting point it cannot reach, or a folder on the way it cannot list, is
 * "find: 'X': Permission denied" and status 1, and it goes on with the rest.
 */
export const findReader: CommandHandler = (ctx, argv) => {
  let i = 1;
  while (i < argv.length && /^-[HLP]$|^-D$|^-O\d$/.test(argv[i])) i += argv[i] === '-D' ? 2 : 1;
  const starts: string[] = [];
  for (; i < argv.length && !/^[-(!]/.test(argv[i]); i++) starts.push(argv[i]);
  if (starts.length === 0) starts.push('.');
  const md = argv.indexOf('-maxdepth');
  const depth = md > 0 && /^\d+$/.test(argv[md + 1] ?? '') ? Number(argv[md + 1]) : Infinity;
  const errors: string[] = [];
  let unknown = false;
  for (const f of starts) {
    const l = lookup(ctx, f, true);
    if (!l.ok) {
      if (l.unknown) unknown = true;
      else errors.push(`find: '${f}': ${errnoText(l.errno)}`);
      continue;
    }
    if (l.meta.kind !== 'dir') continue;
    const w = walk(ctx, l.path, f, depth, false);
    for (const e of w.errors) errors.push(`find: '${e.shown}': ${errnoText(e.errno)}`);
    if (w.unsure) unknown = true;
  }

  return outcome(errors, unknown ? 'unknown' : 0, 1);
};

/** du: "cannot access 'X'" for an operand, "cannot read directory 'X'" on the way; status 1. */
const du: CommandHandler = (ctx, argv) => {
  const { files } = operands(argv, 'dBtX', ['--max-depth', '--block-size', '--threshold', '--exclude-from', '--time-style']);
  if (files.length === 0) files.push('.');
  const errors: string[] = [];
  let unknown = false;
  for (const f of files) {
    const l = lookup(ctx, f, true);
    if (!l.ok) {
      if (l.unknown) unknown = true;
      else errors.push(`du: cannot access '${f}': ${errnoText(l.errno)}`);
      continue;
    }
    if (l.meta.kind !== 'dir') continue;
    const w = walk(ctx, l.path, f, Infinity, false);
    for (const e of w.errors) errors.push(`du: cannot read directory '${e.shown}': ${errnoText(e.errno)}`);
    if (w.unsure) unknown = true;
  }

  return outcome(errors, unknown ? 'unknown' : 0, 1);
};

/** md5sum, sha1sum, sha256sum, sha512sum (not -c, which reads the files a list names): status 1. */
const checksum: CommandHandler = (ctx, argv) => {
  const tool = argv[0].slice(argv[0].lastIndexOf('/') + 1);
  const { files, flags } = operands(argv, '');
  if (flags.has('-c') || flags.has('--check')) return unknownOutput({ status: 'unknown' });
  const { errors, unknown } = openEach(ctx, files, (f, e) => `${tool}: ${f}: ${errnoText(e)}`, (f) => `${tool}: ${f}: Is a directory`);

  return outcome(errors, unknown ? 'unknown' : 0, 1);
};

/** sort: "cannot read: F: ..." and "read failed: F: Is a directory", status 2 (coreutils 9.1). */
const sort: CommandHandler = (ctx, argv) => {
  const { files } = operands(argv, 'ktoST', ['--key', '--field-separator', '--output', '--buffer-size', '--temporary-directory', '--parallel', '--batch-size', '--compress-program', '--files0-from', '--random-source', '--sort']);
  const { errors, unknown } = openEach(ctx, files, (f, e) => `sort: cannot read: ${f}: ${errnoText(e)}`, (f) => `sort: read failed: ${f}: Is a directory`);

  return outcome(errors, unknown ? 'unknown' : 0, 2);
};

/**
 * diff and cmp of two files: "diff: F: Permission denied", status 2; whether they differ is not
 * known (status 0 or 1). Folders (diff -r) are not followed.
 */
function compare(tool: 'diff' | 'cmp'): CommandHandler {
  return (ctx, argv) => {
    const { files } = operands(argv, tool === 'diff' ? 'CFILSUWxX' : 'iIn', ['--label', '--ignore-initial', '--bytes', '--exclude', '--exclude-from', '--starting-file', '--unified', '--context', '--width', '--tabsize', '--from-file', '--to-file']);
    const errors: string[] = [];
    for (const f of files.slice(0, 2)) {
      if (f === '-') continue;
      const o = openRead(ctx, f);
      if (o.kind === 'error') errors.push(`${tool}: ${f}: ${errnoText(o.errno)}`);
      if (o.kind === 'error' || o.kind === 'unknown' || o.kind === 'dir') break;
    }

    return errors.length > 0 ? unknownOutput({ status: 2, stderr: errors }) : unknownOutput({ status: 'unknown' });
  };
}

export const readers: Record<string, CommandHandler> = {
  md5sum: checksum,
  sha1sum: checksum,
  sha256sum: checksum,
  sha512sum: checksum,
  sort,
  diff: compare('diff'),
  cmp: compare('cmp'),
  cut,
  head: headTail('head'),
  tail: headTail('tail'),
  wc,
  grep,
  egrep: grep,
  fgrep: grep,
  ls,
  du,
};
