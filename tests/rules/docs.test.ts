// Every rule has a docs page, and the page's examples are run: each example under "Fires" must
// produce the rule's finding, each under "Does not fire" must not.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { RULES } from '../../src/rules/registry.js';
import { analyze } from '../../src/analyze.js';
import { parseDockerRun } from '../../src/runtime/docker.js';
import { parseHostFactsFile } from '../../src/runtime/host.js';

interface Example {
  dockerfile: string;
  run?: string;
  host?: string;
}

/** Split a page into its "Fires" and "Does not fire" examples. */
export function examplesOf(page: string): { fires: Example[]; quiet: Example[] } {
  const out = { fires: [] as Example[], quiet: [] as Example[] };
  let section: Example[] | undefined;
  const block = /^```(\w+)[^\n]*\n([\s\S]*?)^```$/gm;
  const headings = [...page.matchAll(/^## (.+)$/gm)].map((m) => ({ at: m.index!, title: m[1].trim().toLowerCase() }));

  for (const m of page.matchAll(block)) {
    const heading = headings.filter((h) => h.at < m.index!).at(-1);
    section = heading?.title === 'fires' ? out.fires : heading?.title === 'does not fire' ? out.quiet : undefined;
    if (!section) continue;
    const [, lang, body] = m;
    if (lang === 'dockerfile') section.push({ dockerfile: body });
    else if (lang === 'sh' && section.length > 0) section[section.length - 1].run = body;
    else if (lang === 'yaml' && section.length > 0) section[section.length - 1].host = body;
  }

  return out;
}

function fired(ruleId: string, ex: Example, profile: 'dev' | 'prod'): string[] {
  const facts = ex.host ? parseHostFactsFile(ex.host) : { paths: [] };
  const invoker = facts.invoker ?? { uid: 1000, gid: 1000, home: '/home/me', cwd: '/home/me/proj' };
  const run = ex.run ? parseDockerRun(ex.run, { invoker, env: { HOME: invoker.home, PWD: invoker.cwd } }) : undefined;
  const a = analyze({ file: 'Dockerfile', text: ex.dockerfile, run, host: facts.paths, profile, engine: run?.tool === 'podman' ? 'podman' : 'docker' });

  const found = a.findings.filter((f) => f.ruleId === ruleId);
  if (found.some((f) => f.fixes.some((x) => x.edit !== undefined))) editing.add(ruleId);

  return found.map((f) => f.message);
}

/** The rules whose findings on their pages' examples carry a Dockerfile edit (`uidctl fix`). */
const editing = new Set<string>();

// The rules whose fixes include Dockerfile edits `uidctl fix --write` makes, read from the code
// (util.ts rootStep and checkedFix's edit, UID106's --chmod, UID602's rewritten step); UID604
// and UID605 say so in their own words.
const EDITS = new Set(['UID105', 'UID106', 'UID201', 'UID205', 'UID304', 'UID305', 'UID402', 'UID602']);
const OWN_WORDS = new Set(['UID604', 'UID605']);

describe('rule docs', () => {
  for (const rule of RULES) {
    const path = `docs/rules/${rule.id}.md`;

    test(`${rule.id} has a page with its id, name and description`, () => {
      assert.ok(existsSync(path), `${path} is missing`);
      const page = readFileSync(path, 'utf8');
      assert.match(page, new RegExp(`^# ${rule.id} ${rule.name}`, 'm'));
      assert.ok(page.includes(rule.description), 'the page repeats the one-sentence description');
    });

    // `uidctl rules` prints the metadata; the page must not say otherwise.
    test(`${rule.id}'s page gives the severities the rule has`, () => {
      const page = readFileSync(path, 'utf8');
      assert.ok(page.includes(`| Severity | ${rule.severity.dev} | ${rule.severity.prod} |`), 'the severity table is out of date');
      if (rule.raised) assert.ok(page.includes(`Severity: ${rule.raised.severity} when ${rule.raised.when}`), 'the page does not say when the severity is raised');
    });

    if (!existsSync(path)) continue;
    const page = readFileSync(path, 'utf8');
    const { fires, quiet } = examplesOf(page);
    const profile = rule.severity.prod === 'off' ? 'dev' : 'prod';

    test(`${rule.id} has examples that fire and examples that do not`, () => {
      assert.ok(fires.length > 0, 'no example under "## Fires"');
      assert.ok(quiet.length > 0, 'no example under "## Does not fire"');
    });
    fires.forEach((ex, i) => {
      test(`${rule.id} fires on example ${i + 1}`, () => {
        assert.ok(fired(rule.id, ex, profile).length > 0, `expected ${rule.id} on:\n${ex.dockerfile}`);
      });
    });
    quiet.forEach((ex, i) => {
      test(`${rule.id} stays quiet on example ${i + 1}`, () => {
        assert.deepEqual(fired(rule.id, ex, profile), []);
      });
    });
  }
});

describe('README', () => {
  const readme = readFileSync('README.md', 'utf8');

  // What `uidctl rules` prints for a rule: its description and the case it is raised for.
  const described = (rule: (typeof RULES)[number]) =>
    `${rule.description}${rule.raised ? ` (${rule.raised.severity} when ${rule.raised.when})` : ''}`.replace(/\|/g, '\\|');
  const rowOf = (text: string, id: string) => text.split('\n').find((l) => l.startsWith(`| [${id}]`));

  test('the rules table lists every rule as `uidctl rules` does', () => {
    for (const rule of RULES) {
      const row = rowOf(readme, rule.id);
      assert.equal(row, `| [${rule.id}](docs/rules/${rule.id}.md) | ${rule.name} | ${rule.severity.dev} | ${rule.severity.prod} | ${described(rule)} |`);
    }
  });

  test('the docs index lists every rule as `uidctl rules` does', () => {
    const index = readFileSync('docs/rules/README.md', 'utf8');
    for (const rule of RULES) {
      const row = rowOf(index, rule.id);
      assert.equal(row, `| [${rule.id}](${rule.id}.md) | ${rule.name} | ${rule.category} | ${rule.severity.dev} | ${rule.severity.prod} | ${described(rule)} |`);
    }
  });
});

describe('what the rule pages say of uidctl fix', () => {
  test('a page says uidctl changes a file only with `uidctl fix --write` where the fixes are edits, and that it leaves files as they are where not', () => {
    for (const rule of RULES) {
      const page = readFileSync(`docs/rules/${rule.id}.md`, 'utf8');
      assert.doesNotMatch(page, /never edits/, rule.id);
      if (OWN_WORDS.has(rule.id) || rule.fix === 'none') continue;
      const sentence = EDITS.has(rule.id)
        ? 'The fixes are suggestions to review; those that are Dockerfile edits `uidctl fix` can make, and it changes the file only with `uidctl fix --write`, keeping the original as `FILE.orig`.'
        : 'The fixes are suggestions to review; none is a Dockerfile edit, so `uidctl fix` lists them and leaves your files as they are.';
      assert.ok(page.includes(sentence), `${rule.id}: ${sentence}`);
    }
  });

  test('no rule outside that list gave an edit on its pages\' examples', () => {
    assert.ok(editing.size > 0);
    for (const id of editing) assert.ok(EDITS.has(id) || OWN_WORDS.has(id), id);
  });
});

