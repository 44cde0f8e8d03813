// The text report's identity block: how the capability set is summed up.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { renderText } from '../../src/report/text.js';

const invoker = { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me' };
function capsLine(run: string): string {
  const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\n', run: parseDockerRun(run, { invoker }) });
  const text = renderText([{ analysis: a, findings: a.findings }], { color: false, verbose: false });

  return text.split('\n').find((l) => l.startsWith('  caps')) ?? '';
}

describe('text report: capabilities', () => {
  const cases: [string, string][] = [
    ['docker run img', "  caps     14 (the engine's default set for root, incl. DAC_OVERRIDE)"],
    ['docker run --cap-add all img', '  caps     all 41'],
    ['docker run --privileged img', '  caps     all 41'],
    ['docker run --user 1000 img', '  caps     none'],
    ['docker run --cap-drop all --cap-add chown img', '  caps     CHOWN'],
    // Added to or dropped from the default set: said so, not called the default set.
    ['docker run --cap-add ALL --cap-drop DAC_OVERRIDE img', '  caps     40 (all but DAC_OVERRIDE)'],
    ['docker run --cap-drop NET_RAW img', "  caps     13 (the engine's default set for root, without NET_RAW)"],
    ['docker run --cap-add SYS_ADMIN img', "  caps     15 (the engine's default set for root, incl. DAC_OVERRIDE, plus SYS_ADMIN)"],
    ['docker run --cap-drop ALL --cap-add CHOWN --cap-add FOWNER --cap-add SETUID --cap-add SETGID --cap-add DAC_OVERRIDE img', '  caps     CHOWN, DAC_OVERRIDE, FOWNER, SETGID, SETUID'],
    ['podman run img', "  caps     11 (the engine's default set for root, incl. DAC_OVERRIDE)"],
  ];
  for (const [run, want] of cases) test(run, () => assert.equal(capsLine(run), want));
});

describe('text report: a start failure that rests on a guess', () => {
  const startLine = (text: string) => {
    const a = analyze({ file: 'Dockerfile', text });
    return renderText([{ analysis: a, findings: a.findings }], { color: false, verbose: false })
      .split('\n').find((l) => l.startsWith('  start')) ?? '';
  };
  test('a user missing from the guessed users of an unknown base says what it depends on', () => {
    assert.equal(startLine('FROM redis:7-alpine\nUSER redis\n'),
      '  start    FAILS: unable to find user redis: no matching entries in passwd file (unsure: depends on base:unknown-image)');
  });
  test('a user missing from a catalogued base is stated plainly', () => {
    assert.equal(startLine('FROM debian:bookworm\nUSER node\n'),
      '  start    FAILS: unable to find user node: no matching entries in passwd file');
  });
  test('an id out of range fails whatever the base is', () => {
    assert.equal(startLine('FROM redis:7-alpine\nUSER -1\n'),
      '  start    FAILS: uids and gids must be in range 0-2147483647');
  });
});

describe('text report: the path table', () => {
  test('a path that is not there shows whether it can be made; a role shows only what it asks', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m app\nUSER app\n', paths: ['/home/app/newdir', '/home/app/.cache'] });
    const rows = renderText([{ analysis: a, findings: a.findings }], { color: false, verbose: false })
      .split('\n').filter((l) => /\((cache|requested)\)/.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 4).join(' '));
    assert.deepEqual(rows, [
      '/home/app/.cache (cache) - yes',
      '/home/app/newdir (requested) missing yes',
      '/home/app/.cache (requested) missing yes',
    ]);
  });

  test('a --path with a trailing slash keeps it: its own row, verdicts and JSON path (measured: trailing-slash/root)', () => {
    const text = 'FROM debian:bookworm\nRUN mkdir /t && echo x > /t/f\n';
    const a = analyze({ file: 'Dockerfile', text, paths: ['/t/f/', '/t/f', '/t/new/', '/t/new//'] });
    const rows = renderText([{ analysis: a, findings: a.findings }], { color: false, verbose: false })
      .split('\n').filter((l) => /\(requested\)/.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 4).join(' '));
    // /t/new/ cannot be opened with O_CREAT (EISDIR) but mkdir makes it: the row shows create.
    assert.deepEqual(rows, ['/t/f/ (requested) NO NO', '/t/f (requested) yes yes', '/t/new/ (requested) missing yes']);
    const got = (path: string, op: string) => {
      const v = a.verdicts.find((x) => x.path === path && x.op === op)!;
      return v.allowed ? 'ok' : v.errno;
    };
    assert.deepEqual(['read', 'write', 'create', 'delete', 'exec', 'chdir'].map((op) => got('/t/f/', op)),
      ['ENOTDIR', 'EISDIR', 'EEXIST', 'ENOTDIR', 'ENOTDIR', 'ENOTDIR']);
    assert.deepEqual(['read', 'write', 'create', 'delete', 'exec', 'chdir'].map((op) => got('/t/new/', op)),
      ['ENOENT', 'EISDIR', 'ok', 'ENOENT', 'ENOENT', 'ENOENT']);
    assert.equal(got('/t/f', 'read'), 'ok');
  });
});

describe('text report: a path below an ADD archive', () => {
  test('is "not known", with a reason naming the ADD step (measured: copy/add-archive-contents-not-known)', () => {
    const text = 'FROM debian:bookworm\nRUN useradd -m -u 1000 ml\nADD weights.tar.gz /models/\nUSER ml\n';
    const context = new Map([['/', { kind: 'dir' as const, uid: 0, gid: 0, mode: 0o755 }], ['/weights.tar.gz', { kind: 'file' as const, uid: 0, gid: 0, mode: 0o644 }]]);
    const a = analyze({ file: 'Dockerfile', text, context, paths: ['/models/weights/w.bin', '/models'] });
    const rows = renderText([{ analysis: a, findings: a.findings }], { color: false, verbose: false })
      .split('\n').filter((l) => /\(requested\)/.test(l));
    assert.deepEqual(rows, [
      '  /models/weights/w.bin (requested) not known not known image',
      // /models itself rests on the ADD (an archive may hold ./ with another mode): marked.
      '  /models (requested)               yes?      NO?       image',
    ]);
    const read = a.verdicts.find((v) => v.path === '/models/weights/w.bin' && v.op === 'read')!;
    assert.deepEqual([read.unknown, read.reasons], [true, [
      '/models/weights is not known to exist',
      '/models holds entries a step of this build put there that uidctl does not know (an archive unpacked, a command it does not follow)',
      'ADD weights.tar.gz at line 3: ADD unpacks the tar archive weights.tar.gz into /models, with the owners and modes stored in it, which uidctl does not read: what lands in /models is not known',
    ]]);
    assert.equal(a.verdicts.find((v) => v.path === '/models' && v.op === 'read')!.unknown, undefined);
  });
});

describe('text report: a verdict that rests on something uidctl does not know is marked', () => {
  test('a path a command it does not follow named: yes? and NO?, with the legend under the table', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN mkdir -p /srv/d/e && find /srv/d -type d -exec chmod 700 {} \\;\nRUN useradd -m -u 1000 bob\nUSER bob\n', paths: ['/srv/d/e'] });
    const lines = renderText([{ analysis: a, findings: a.findings }], { color: false, verbose: false }).split('\n');
    assert.equal(lines.find((l) => l.includes('(requested)')), '  /srv/d/e (requested)     yes?    NO?     image');
    assert.equal(lines.find((l) => l.includes('(home)')), '  /home/bob (home)         yes     yes     image');
    assert.ok(lines.includes('  ? rests on an assumption or a command uidctl does not follow (--verbose lists them; JSON: dependsOn)'));
  });
  test('no legend when nothing is marked', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN useradd -m -u 1000 bob\nUSER bob\n' });
    assert.equal(renderText([{ analysis: a, findings: a.findings }], { color: false, verbose: false }).includes('rests on an assumption'), false);
  });
});
