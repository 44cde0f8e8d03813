// `uidctl probe --script`: prints the probe script, to be piped into a shell inside a container.
// uidctl itself runs nothing here.

import type { Io } from './io.js';
import { UsageError } from './errors.js';
import { parseFlags } from './args.js';
import { PROBE_SCRIPT } from '../probe/script.js';

const HELP = `Usage: uidctl probe --script

Prints a read-only POSIX sh script (dash, busybox, bash) that reports, as one JSON object, who
the shell runs as and what it can write: ids and names, HOME, the working directory, umask,
capabilities, the user-namespace map, every mount with its owner, mode and writability, where
pip installs, sudo, and the NVIDIA device nodes. Run it inside the container:

  uidctl probe --script | docker exec -i CONTAINER sh > probe.json
  uidctl probe --script | kubectl exec -i POD -- sh > probe.json
  uidctl diagnose probe.json

Writability is measured by creating and at once removing an empty file named
.uidctl-probe-PID-N in each folder (never overwriting anything). To create nothing at all, set
UIDCTL_PROBE_WRITE=test (uses test -w, which assumes root may write anywhere):

  uidctl probe --script | docker exec -i -e UIDCTL_PROBE_WRITE=test CONTAINER sh

The script runs \`sudo -n true\` when sudo exists (it never prompts; sudo may log the attempt);
UIDCTL_PROBE_SUDO=0 skips it.
`;

export default async function probe(args: string[], io: Io): Promise<number> {
  const parsed = parseFlags(args, { script: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, { positionals: false });
  if (parsed.values.help) {
    io.out(HELP);
    return 0;
  }
  if (!parsed.values.script) throw new UsageError("give --script to print the probe (e.g. 'uidctl probe --script | docker exec -i CONTAINER sh')");
  io.out(PROBE_SCRIPT);

  return 0;
}
