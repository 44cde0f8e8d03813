// An image without a shell (FROM scratch, distroless): a RUN cannot start there, and no fix is
// a RUN line that could not run either.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type AnalyzeInput } from '../../src/analyze.js';

const check = (text: string, more: Partial<AnalyzeInput> = {}) => analyze({ file: 'Dockerfile', text, ...more });
const fixesOf = (a: ReturnType<typeof check>, id: string) => a.findings.find((f) => f.ruleId === id)?.fixes.map((f) => f.snippet ?? '');

describe('FROM scratch', () => {
  test('a RUN fails: runc finds no /bin/sh', () => {
    const a = check('FROM scratch\nRUN echo hi\n');
    assert.deepEqual(a.sim.failures.map((f) => [f.line, f.message]), [
      [2, 'runc run failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file or directory'],
    ]);
  });

  test('a static shell copied in first (BusyBox is built static) is used', () => {
    const a = check('FROM busybox:1.36 AS bb\nFROM scratch\nCOPY --from=bb /bin/sh /bin/sh\nRUN echo hi\n');
    assert.deepEqual(a.sim.failures, []);
  });

  test('UID101 offers a numeric USER, not a useradd', () => {
    assert.deepEqual(fixesOf(check('FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n'), 'UID101'), ['USER 65534:65534']);
  });

  test('UID102 for root: its passwd entry written with COPY, never a second uid 0 from useradd', () => {
    assert.deepEqual(fixesOf(check('FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n'), 'UID102'), [
      'COPY <<EOF /etc/passwd\nroot:x:0:0:root:/:/sbin/nologin\nEOF',
    ]);
  });

  test('UID102 for another uid: a named entry, and a tmpfs for HOME where the image has no /tmp', () => {
    const a = check('FROM scratch\nCOPY app /app\nUSER 1000\nENTRYPOINT ["/app"]\n');
    assert.deepEqual(fixesOf(a, 'UID102'), ['COPY <<EOF /etc/passwd\napp:x:1000:1000::/:/sbin/nologin\nEOF', '--tmpfs /tmp -e HOME=/tmp']);
  });

  test('the classic builder has no here-documents: the lines go into a file of the context', () => {
    const f = check('FROM scratch\nCOPY app /app\nUSER 1000\nENTRYPOINT ["/app"]\n', { builder: 'classic' }).findings.find((x) => x.ruleId === 'UID102');
    assert.equal(f?.fixes[0].snippet, 'COPY passwd /etc/passwd');
    assert.match(f?.fixes[0].description ?? '', /Put these lines in a file passwd of the build context:\napp:x:1000:1000::\/:\/sbin\/nologin$/);
  });

  test('UID106 keeps the COPY --chmod fix and drops the RUN chmod one', () => {
    assert.deepEqual(fixesOf(check('FROM scratch\nCOPY app /app\nUSER 1000\nENTRYPOINT ["/app"]\n'), 'UID106'), ['COPY --chmod=0755 app /app']);
  });
});

describe('an image with a shell keeps its RUN fixes', () => {
  test('UID101 on Debian: useradd', () => {
    assert.deepEqual(fixesOf(check('FROM debian:bookworm\n'), 'UID101'), ['RUN useradd --create-home --uid 1000 app\nUSER 1000:1000']);
  });
  test('UID106 on Debian: both fixes', () => {
    const fixes = fixesOf(check('FROM debian:bookworm\nCOPY app /app\nUSER 1000\nENTRYPOINT ["/app"]\n'), 'UID106');
    assert.deepEqual(fixes, ['COPY --chmod=0755 app /app', 'RUN chmod 0755 /app']);
  });
});
