import { defineRule } from '../rule.js';
import { hostFacts } from '../util.js';

export default defineRule({
  id: 'UID203',
  name: 'missing-bind-source',
  description: 'A bind mount source does not exist on the host: -v creates it owned by root, --mount refuses to start.',
  category: 'mounts',
  severity: { dev: 'warning', prod: 'warning' },
  fix: 'suggestion',
  check(a, report) {
    for (const m of a.run?.mounts ?? []) {
      if (m.kind !== 'bind') continue;
      const facts = hostFacts(a, m.source);
      if (!facts || facts.exists) continue;

      report({
        severity: m.createMissingSource ? undefined : 'error',
        message: m.createMissingSource
          ? `${m.source} does not exist on the host: Docker will create it owned by root (0755), so only root can write it.`
          : `${m.source} does not exist on the host: the container will not start (bind source path does not exist).`,
        why: m.createMissingSource
          ? 'The daemon creates a missing -v source as root before starting the container.'
          : '--mount type=bind never creates its source.',
        fixes: [{ description: 'Create the folder yourself before starting the container.', snippet: `mkdir -p ${m.source}`, safe: false }],
      });
    }
  },
});
