#!/usr/bin/env node
// The one entry point: picks the command, loads only its module, and is the one place that turns
// errors into a one-line message and an exit code.

import { isMainThread, workerData } from 'node:worker_threads';
import { processIo, type CommandMain, type Io } from './io.js';
import { CHECK_WORKER } from './pool.js';
import { EnvironmentError, InputError, UsageError, oneLine } from './errors.js';
import { VERSION } from '../version.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ default: CommandMain }> }> = {
  check: { summary: 'predict who the container runs as and what it can read, write and create', load: () => import('./check.js') },
  fix: { summary: 'make the fixes that are Dockerfile edits, once analysing again confirms them', load: () => import('./fix.js') },
  image: { summary: "print a real image's users and ownership (archive, engine, registry)", load: () => import('./image.js') },
  verify: { summary: 'build and run the image for real and compare with the prediction', load: () => import('./verify.js') },
  probe: { summary: 'print a read-only sh script that reports identity and access from inside a container', load: () => import('./probe.js') },
  diagnose: { summary: "turn a probe's JSON into findings and fixes", load: () => import('./diagnose.js') },
  explain: { summary: 'explain a pasted error message (Permission denied, sudo, pip, Jupyter...)', load: () => import('./explain.js') },
  catalog: { summary: 'list the base images uidctl knows without reading them (the embedded catalog)', load: () => import('./catalog.js') },
  rules: { summary: 'list the rules, or show one rule\'s documentation', load: () => import('./rules.js') },
};

const HELP = `uidctl ${VERSION} - who does my container run as, and what can it write?

Usage: uidctl <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
  .join('\n')}

Run 'uidctl <command> --help' for a command's options.
Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage, input or internal error.
`;

export async function main(argv: string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv;

  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(`${VERSION}\n`);
    return 0;
  }

  const cmd = COMMANDS[name];
  if (!cmd) {
    io.err(`uidctl: unknown command '${name}' (try 'uidctl --help')\n`);
    return 2;
  }

  try {
    const mod = await cmd.load();
    return await mod.default(rest, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError || e instanceof EnvironmentError) {
      io.err(`uidctl ${name}: ${oneLine(e.message)}\n`);
      if (debug && e.stack) io.err(`${e.stack}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    io.err(`uidctl ${name}: internal error: ${err.message}\n`);
    if (debug) io.err(`${err.stack ?? ''}\n`);
    else {
      io.err('This is a bug in uidctl. Please report it with the output of the same command run with --debug,\n');
      io.err('and the Dockerfile and run command if you can share them.\n');
    }
    return 2;
  }
}

// Run only when executed as the CLI (the launcher says so, whatever the link's name; or the
// bundle or the sources started directly), not when imported by tests; in a worker thread started
// by `uidctl check` of a folder (src/cli/pool.ts), serve that check instead.
const invoked = process.argv[1] ?? '';
if (!isMainThread) {
  if (workerData && typeof workerData === 'object' && CHECK_WORKER in workerData) {
    void import('./check-worker.js').then((m) => m.serveChecks());
  }
} else if ((globalThis as Record<symbol, unknown>)[Symbol.for('uidctl.launched')] === true || /(?:^|[/\\])(?:cli\.c?js|main\.ts|uidctl)$/.test(invoked)) {
  main(process.argv.slice(2), processIo()).then(
    (code) => exitWhenWritten(code),
    (e: unknown) => {
      process.stderr.write(`uidctl: ${(e as Error).message}\n`);
      exitWhenWritten(2);
    },
  );
}

/**
 * Exit once everything written has left (a pipe to a slow reader gets all of it first). Left
 * to end by itself, node frees the whole heap and waits for V8's background work first: 60-90
 * ms after the report of a folder of a few hundred Dockerfiles (strace, from the report's
 * write to exit_group), against about 30 ms for process.exit.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
