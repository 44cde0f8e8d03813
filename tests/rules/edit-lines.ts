// Line edits the fix tests apply to a Dockerfile or script before checking it again.

export const lines = (text: string) => text.trimEnd().split('\n');

/** The text with `insert` before line `at` (1-based). */
export const before = (text: string, at: number, insert: string) => {
  const l = lines(text);
  return `${[...l.slice(0, at - 1), ...lines(insert), ...l.slice(at - 1)].join('\n')}\n`;
};

/** The text with line `at` replaced by `by` (comment lines of the fix left out). */
export const replace = (text: string, at: number, by: string) => {
  const l = lines(text);
  return `${[...l.slice(0, at - 1), ...lines(by).filter((x) => !x.startsWith('#')), ...l.slice(at)].join('\n')}\n`;
};
