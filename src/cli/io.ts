// What a command needs from the outside world, passed in so commands can be tested in-process.

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal (colour allowed unless NO_COLOR). */
  isTTY: boolean;
  /** stderr is a terminal (progress allowed). */
  errIsTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  /** The script a worker thread starts to check files (absent: everything in this thread). */
  workerEntry?: string;
}

export type CommandMain = (args: string[], io: Io) => Promise<number>;

export function processIo(): Io {
  // `uidctl rules | head` closes the pipe early: stop quietly, as other command-line tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  // A closed stderr (`2>&- ` or a pipe to a reader that quit) loses the messages, not the exit
  // code the command chose.
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });

  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: process.stdout.isTTY === true,
    errIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    // The launcher (dist/cli.js) when started as `uidctl`, or the sources under tsx, whose
    // loader a worker inherits with node's flags.
    workerEntry: process.argv[1],
  };
}

/** An Io that records what was printed, for tests. */
export function memoryIo(env: Record<string, string> = {}, cwd = process.cwd()): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) { io.stdout += t; },
    err(t: string) { io.stderr += t; },
    isTTY: false,
    errIsTTY: false,
    env,
    cwd,
  };

  return io;
}
