// Progress of reading layers, on stderr, only when stderr is a terminal: a pipe or a CI log gets
// nothing, so the output of a command stays the same wherever it runs.

export interface ProgressState {
  /** Compressed bytes read so far. */
  bytes: number;
  totalBytes?: number;
  /** 0-based index of the current layer. */
  index: number;
  layerCount?: number;
  elapsedMs: number;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;

  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** One line: "layer 2/5  48.0 MiB / 120.0 MiB  12.0 MiB/s". */
export function formatProgress(p: ProgressState): string {
  const layer = `layer ${p.index + 1}${p.layerCount ? `/${p.layerCount}` : ''}`;
  const amount = p.totalBytes ? `${formatBytes(p.bytes)} / ${formatBytes(p.totalBytes)}` : formatBytes(p.bytes);
  const rate = p.elapsedMs > 0 ? `${formatBytes(Math.round((p.bytes * 1000) / p.elapsedMs))}/s` : '';

  return [layer, amount, rate].filter(Boolean).join('  ');
}

export interface ProgressWriter {
  update(p: Omit<ProgressState, 'elapsedMs'>): void;
  done(): void;
}

/** Redraws one stderr line at most every `everyMs`; does nothing unless stderr is a TTY. */
export function progressWriter(
  io: { err(text: string): void; errIsTTY: boolean },
  now: () => number = Date.now,
  everyMs = 100,
): ProgressWriter {
  if (!io.errIsTTY) return { update() {}, done() {} };

  const start = now();
  let last = -Infinity;
  let drawn = false;

  return {
    update(p) {
      const t = now();
      if (t - last < everyMs) return;
      last = t;
      drawn = true;
      io.err(`\r\x1b[K${formatProgress({ ...p, elapsedMs: t - start })}`);
    },
    done() {
      if (drawn) io.err('\r\x1b[K');
    },
  };
}
