// UID101's fix for a USER that expands to nothing because its ARG is declared only before FROM:
// an ARG takes effect from its own line, so the fix says to declare it right after FROM, before
// the first line of the stage that uses it, not just before USER.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';

function uid101(lines: string[]) {
  const a = analyze({ file: 'Dockerfile', text: `${lines.join('\n')}\n` });
  const f = a.findings.filter((x) => x.ruleId === 'UID101');
  assert.equal(f.length, 1);

  return f[0];
}

describe('UID101: where to declare an ARG the USER needs', () => {
  test('a useradd uses it first: the fix names that line and says just before USER is too late', () => {
    const f = uid101([
      'ARG USERNAME=app',
      'ARG UID=1000',
      'FROM debian:bookworm',
      'RUN useradd -m -u ${UID:-1000} ${USERNAME:-worker}',
      'USER ${USERNAME}',
    ]);
    assert.equal(f.severity, 'warning');
    assert.equal(
      f.message,
      'The container runs as root: `USER ${USERNAME}` at line 5 expands to nothing, as USERNAME has no value in this stage (an ARG before FROM is seen only by FROM lines: repeat it after FROM).',
    );
    assert.equal(
      f.fixes[0].description,
      'Declare USERNAME in this stage, right after FROM (line 3), so its value reaches every line that uses it: before line 4 (`RUN useradd -m -u ${UID:-1000} ${USERNAME:-worker}`), the first line that uses it; declared just before USER, it would come too late and that line would run without its value.',
    );
    assert.equal(f.fixes[0].snippet, 'FROM debian:bookworm\nARG USERNAME');
  });

  test('only the USER uses it: before that line', () => {
    const f = uid101(['ARG USERNAME=dev', 'FROM debian:bookworm AS app', 'RUN useradd -m dev', 'USER $USERNAME']);
    assert.equal(f.fixes[0].description, 'Declare USERNAME in this stage, right after FROM (line 2), so its value reaches every line that uses it: before line 4, the USER that uses it.');
    assert.equal(f.fixes[0].snippet, 'FROM debian:bookworm AS app\nARG USERNAME');
  });

  test('a name that only starts the same does not count as a use ($USERNAME_X is another variable)', () => {
    const f = uid101(['ARG USERNAME=dev', 'FROM debian:bookworm', 'RUN echo $USERNAME_X && useradd -m dev', 'USER $USERNAME']);
    assert.match(f.fixes[0].description, /before line 4, the USER that uses it\.$/);
  });
});
