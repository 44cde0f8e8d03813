// The init programs a start command may put in front of the real one, and the options of each
// that take a value: krallin/tini (-p SIGNAL, -e CODE), Yelp/dumb-init (-r/--rewrite s:r), and
// NVIDIA's nvidia_entrypoint.sh, which runs what follows it.

const INITS: Record<string, Set<string>> = {
  tini: new Set(['-p', '-e']),
  'tini-static': new Set(['-p', '-e']),
  'dumb-init': new Set(['-r', '--rewrite']),
  // NVIDIA's CUDA and NGC entrypoint: prints its banner parts, then execs the command (or bash
  // without one); see src/image/catalog/nvidia.ts.
  'nvidia_entrypoint.sh': new Set(),
};

/**
 * When argv[i] is an init, the index of the first word after it and its options (and a `--`);
 * otherwise undefined.
 */
export function afterInit(argv: readonly string[], i: number): number | undefined {
  const word = argv[i];
  const valued = word === undefined ? undefined : INITS[word.slice(word.lastIndexOf('/') + 1)];
  if (!valued) return undefined;
  let j = i + 1;
  while (j < argv.length && argv[j].startsWith('-')) {
    if (argv[j] === '--') return j + 1;
    j += valued.has(argv[j]) ? 2 : 1;
  }

  return j;
}
