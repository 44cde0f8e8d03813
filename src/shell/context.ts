// The contract between the shell walker (interpret.ts) and the command handlers
// (commands/*.ts). A handler gets the expanded argv and the working ImageState of the build
// step, applies the command's effect on users, groups and file metadata, and answers with an
// exit status, the way the real command would when run as ctx.ident.

import type { Identity } from '../access/evaluate.js';
import type { ImageState, Op, Verdict } from '../model/types.js';

export type Builder = 'buildkit' | 'classic' | 'buildah';

/**
 * A shell's variables and environment (ENV, ARG, assignments). A Map, not a record: a RUN's
 * environment holds 20 to 40 names, and a record that gains that many keys one by one is a
 * hash table to V8, which copies it (a subshell's or a command's change, su's new HOME) at
 * about 8 us where a Map copies in 1.5 us (node 20). A name such as __proto__ or constructor
 * is a variable like any other.
 */
export type ShellEnv = Map<string, string>;

/** The identity a RUN step (or a command inside it, after su/gosu) executes as. */
export interface BuildIdentity extends Identity {
  name?: string;
  home: string;
}

export interface CmdResult {
  /** Exit status; 'unknown' when the model cannot tell whether the command succeeds. */
  status: number | 'unknown';
  /** What the command prints on stdout, when a later pipe or redirect needs it (echo, cat). */
  stdout?: string;
  /** What the command prints on stdout cannot be predicted (a download, an unknown file). */
  stdoutUnknown?: boolean;
  /** Error lines the real command would print, e.g. "chown: changing ownership of '/x': Operation not permitted". */
  stderr?: string[];
}

/**
 * What a new shell reads before its command: true for an interactive one (~/.bashrc, not
 * known), 'login' for a login shell (bash -l, su -, sudo -i): /etc/profile, whose lines the
 * model applies where it knows them, then files it does not know.
 */
export type StartupFiles = boolean | 'login';

/**
 * How a command started through su, sudo or runuser begins, when the tool sets it up itself:
 * its environment (sudo's env_reset, su -), its umask (sudo's), its working folder. Given, it
 * replaces the default of a switch (HOME, USER and LOGNAME set for the target).
 */
export interface ChildSetup {
  /**
   * The environment starts empty but for the caller's variables this accepts (sudo's env_reset,
   * su -); left out, it starts as the caller's. A variable whose value the model does not know
   * stays unknown when kept.
   */
  keep?: (name: string, value: string | undefined) => boolean;
  /** Then these are set, in order (undefined removes one). */
  set?: [string, string | undefined][];
  umask?: number;
  cwd?: string;
}

export interface ExecContext {
  /** The working copy of the image for this step: handlers mutate it. */
  state: ImageState;
  ident: BuildIdentity;
  /** Shell variables and the environment (ENV, ARG, assignments). */
  env: ShellEnv;
  cwd: string;
  umask: number;
  builder: Builder;
  file: string;
  /** Dockerfile line of the RUN instruction (plus the command's line offset). */
  line: number;
  /** Tag for FileMeta.origin of what this command creates: "Dockerfile:12". */
  origin: string;
  /** Standard input, when piped or from a here-document. */
  stdin?: string;
  /** The shell running the command: 'dash', 'bash', 'ash' (messages and echo differ). */
  shell?: string;
  /**
   * The line the running shell prints about a program it could not start, in its own words:
   * dash `/bin/sh: 1: NAME: ERROR`, bash `bash: line 1: NAME: ERROR`, ash `/bin/sh: NAME: ERROR`.
   */
  shellError?(program: string, error: string): string;
  /**
   * PATH may hold folders the model does not know (a login shell after /etc/profile.d scripts it
   * does not read): a program not found on it may be found after all.
   */
  pathUnknown?(): boolean;
  /** Permission check against the current state as ctx.ident. */
  access(path: string, op: Op): Verdict;
  /**
   * The path is on a read-only mount (or a read-only root at start): changing its owner or
   * mode fails with EROFS whoever asks.
   */
  readOnly?(path: string): boolean;
  /**
   * The target of the mount (RUN --mount) the path is on, undefined for the image's own file
   * system: a hard link cannot join two of them (EXDEV).
   */
  mountOf?(path: string): string | undefined;
  /** Record that the command may have changed things the model cannot tell. */
  unknown(reason: string, paths?: string[]): void;
  /**
   * A script the model cannot read ran (`curl ... | bash`, `sh ./install.sh` of an unknown
   * file): noted, and what it may have written (its folder, /tmp, the tools' folders the
   * environment names, the paths it names) lists in part from now on.
   */
  unfollowedScript?(reason: string, paths?: string[]): void;
  /** A trace line for --debug. */
  trace(text: string): void;
  /**
   * Run another command line (argv) in this step, optionally as another identity (su, gosu,
   * sudo -u), which sets HOME, USER and LOGNAME for it unless keepEnv (setpriv, sudo -E).
   */
  runArgv(argv: string[], ident?: BuildIdentity, stdin?: string, keepEnv?: boolean, setup?: ChildSetup): CmdResult;
  /**
   * Run a script (sh -c '...'), optionally as another identity. startupFiles: the shell reads
   * startup files first (bash -l, -i), which may define any variable or function.
   */
  /**
   * Run a script in a child shell. shellOfFile: the script is a file that shell runs (args[0]
   * is then its path, not a shell's name), so errors name it as a file's.
   */
  runScript(src: string, ident?: BuildIdentity, args?: string[], startupFiles?: StartupFiles, setup?: ChildSetup, shellOfFile?: string): CmdResult;
  /**
   * Write text into a file (redirections, tee, COPY of a heredoc): creates or updates the
   * metadata entry after an access check and keeps the text when the file is one that matters.
   * Returns the failure message when the write is refused.
   */
  writeText(path: string, content: string, append: boolean): string | undefined;
  /** Resolve a user spec ("alice", "1000", "alice:staff") against the current accounts. */
  lookupIdentity(spec: string): BuildIdentity | undefined;
}

export type CommandHandler = (ctx: ExecContext, argv: string[]) => CmdResult;

export const OK: CmdResult = { status: 0 };

export function fail(...stderr: string[]): CmdResult {
  return { status: 1, stderr };
}
