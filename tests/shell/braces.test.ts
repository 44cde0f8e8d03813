// Brace expansion as bash does it, checked against bash itself: each word below is expanded by
// the model and by `bash -c 'printf "<%s>\n" WORD'`, and the words must be the same, in order.
// (printf with no argument prints its format once, so a word that expands to nothing is left
// out.) dash has none (its words stay literal): see the oracle's shells/dash-no-brace-expansion.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { TOO_MANY, expandBraces } from '../../src/shell/braces.js';
import { parseShell } from '../../src/shell/parse.js';
import type { SimpleCommand, Word } from '../../src/shell/ast.js';
import { analyze } from '../../src/analyze.js';

const WORDS = [
  '/srv/{c,d}', '/srv/{c,d}/{1..2}', 'sudo{,-ldap}', '{a,b}{1,2}', 'x{a,b,c}y', '{a{b,c},d}',
  '{{a,b}}', '{a}', '{}', 'a{,}b', '{1..5}', '{5..1}', '{1..10..3}', '{10..1..4}', '{01..10}',
  '{-2..2}', '{a..e}', '{e..a..2}', '{x..}', '{1..a}', 'pre{"a b",c}post', "{'x',y}", '"{a,b}"',
  '{a,b', 'a,b}', '{a,b}}', '{{a,b}', '/opt/{bin,lib{,64}}', 'f{1..3}{x,y}', 'x{,}',
  '{a,$HOME}', '${HOME}{a,b}', '{a..c}{1..2}', 'lib{foo,bar}.so.{1,2}', '{-01..1}', '{1..1}',
];

function wordOf(text: string): Word {
  const cmd = parseShell(`echo ${text}`, { bash: true }).items[0].andOr.first.commands[0] as SimpleCommand;
  return cmd.args[1];
}

/** What the model's expansion gives, as printf would print it: quotes removed, $HOME kept. */
function model(text: string): string[] {
  const w = wordOf(text);
  const expanded = expandBraces(w.parts, w.raw);
  assert.notEqual(expanded, TOO_MANY);
  const words = expanded === TOO_MANY ? [] : expanded ?? [w.parts];
  const out: string[] = [];
  for (const parts of words) {
    let s = '';
    for (const p of parts) {
      if (p.type === 'lit' || p.type === 'sq') s += p.value;
      else if (p.type === 'dq') s += p.parts.map((x) => (x.type === 'lit' ? x.value : '?')).join('');
      else if (p.type === 'param') s += '/root';
    }
    // An unquoted word that comes out empty is removed, as bash removes it.
    if (s !== '' || parts.some((p) => p.type === 'sq' || p.type === 'dq')) out.push(s);
  }
  return out;
}

describe('brace expansion against bash', () => {
  const script = WORDS.map((w) => `printf '<%s>\\n' ${w}; echo ---`).join('\n');
  const r = spawnSync('bash', ['--norc', '-c', script], { encoding: 'utf8', env: { HOME: '/root', PATH: process.env.PATH } });
  const got = r.stdout.split('---\n').slice(0, WORDS.length).map((block) => block.split('\n').filter((l) => l !== '').map((l) => l.slice(1, -1)));

  test('bash ran every case', () => assert.equal(got.length, WORDS.length, r.stderr));
  WORDS.forEach((w, i) => {
    test(w, () => assert.deepEqual(model(w), got[i]));
  });
});

describe('brace expansion in the interpreter', () => {
  const run = (lines: string) => analyze({ file: 'Dockerfile', text: `FROM debian:bookworm\n${lines}\n` });

  test('under SHELL bash, mkdir -p /srv/{c,d} makes two folders and a chown of one succeeds', () => {
    const a = run('SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN mkdir -p /srv/{c,d}/{1..2}\nRUN chown 1000 /srv/c');
    assert.deepEqual(a.sim.failures, []);
    assert.deepEqual([...a.image.fs.keys()].filter((p) => p.startsWith('/srv/')).sort(), ['/srv/c', '/srv/c/1', '/srv/c/2', '/srv/d', '/srv/d/1', '/srv/d/2']);
    assert.equal(a.image.fs.get('/srv/c')?.uid, 1000);
  });

  test('under dash the same words stay literal, and the chown fails as it does for real', () => {
    const a = run('RUN mkdir -p /srv/{c,d}\nRUN chown 1000 /srv/c');
    assert.ok(a.image.fs.has('/srv/{c,d}'));
    assert.deepEqual(a.sim.failures.map((f) => [f.line, f.message]), [[3, "chown: cannot access '/srv/c': No such file or directory"]]);
  });

  test('bash -c inside a dash RUN expands; for i in {1..3} loops three times', () => {
    const a = run("RUN bash -c 'for i in {1..3}; do mkdir -p /w/$i; done'");
    assert.deepEqual([...a.image.fs.keys()].filter((p) => p.startsWith('/w/')).sort(), ['/w/1', '/w/2', '/w/3']);
  });

  test('apt-get install with an unexpanded brace fails as apt does (exit 100), installing nothing', () => {
    const a = run('RUN apt-get update && apt-get install -y sudo{,-ldap}');
    assert.deepEqual(a.sim.failures.map((f) => [f.line, f.message]), [[2, 'E: Unable to locate package sudo{,-ldap}']]);
    assert.equal(Object.hasOwn(a.image.packages, 'sudo'), false);
    const b = run('SHELL ["/bin/bash", "-c"]\nRUN apt-get update && apt-get install -y sudo{,-ldap}');
    assert.deepEqual(b.sim.failures, []);
    assert.equal(Object.hasOwn(b.image.packages, 'sudo'), true);
  });
});

describe('UID604 on a brace dash passed on', () => {
  test('the fix says why and offers bash', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo{,-ldap}\n' });
    const f = a.findings.find((x) => x.ruleId === 'UID604');
    assert.equal(f?.message, 'The build fails here: E: Unable to locate package sudo{,-ldap}');
    assert.deepEqual(f?.fixes.map((x) => [x.description, x.snippet]), [[
      '/bin/sh here has no brace expansion, so {,-ldap} was passed on as it is: write the words out, or run RUN steps with bash, which expands it.',
      'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
    ]]);
  });
});

describe('brace expressions past 4,096 words', () => {
  test('the word is unknown: the step is not failed on a literal it never was', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nSHELL ["/bin/bash", "-c"]\nRUN useradd -m app && mkdir -p /r/{1..5000} && chown app /r/1\nUSER app\nRUN touch /r/1/x\n' });
    assert.deepEqual(a.sim.failures, []);
    assert.ok(a.unknowns.some((u) => u.reason === 'the brace expression in /r/{1..5000} makes more words than the model follows'));
  });

  test('4,096 words are followed', () => {
    const w = wordOf('/r/{1..4096}');
    const words = expandBraces(w.parts, w.raw);
    assert.ok(Array.isArray(words) && words.length === 4096);
    const x = wordOf('{a..j}{a..j}{a..j}{a..j}');
    assert.equal(expandBraces(x.parts, x.raw), TOO_MANY);
  });
});
