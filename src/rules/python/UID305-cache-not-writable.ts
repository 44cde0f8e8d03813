import { defineRule } from '../rule.js';
import { firstReason, who } from '../util.js';
import { normalizePath } from '../../image/fs.js';

export default defineRule({
  id: 'UID305',
  name: 'cache-not-writable',
  description: '~/.cache cannot be created or written: pip, Hugging Face and torch hub caches fail.',
  category: 'python',
  severity: { dev: 'warning', prod: 'info' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    if (p.uid === 0 || a.runtime.errors.length > 0) return;
    // HOME problems are reported once, by UID102/UID103.
    if (!a.identity.homeWritable) return;
    const path = normalizePath(`${p.home}/.cache`);
    const v = a.check(path, 'create');
    if (v.allowed) return;

    report({
      message: `${who(a)} cannot write ${path}: downloads cached there (pip, Hugging Face, torch hub) fail with Permission denied.`,
      why: `${firstReason(v)}.`,
      dependsOn: v.dependsOn,
      fixes: v.errno === 'EROFS' ? [{ description: 'The root file system is read-only (--read-only): give this path a writable tmpfs or volume.', snippet: `--tmpfs ${path}`, safe: false }, { description: 'Or point caches at a writable place.', snippet: 'ENV XDG_CACHE_HOME=/tmp/cache', safe: false }] : [
        { description: 'Make the cache belong to the user.', snippet: `RUN mkdir -p ${path} && chown -R ${p.uid}:${p.gid} ${path}`, safe: false },
        { description: 'Or point caches elsewhere.', snippet: 'ENV XDG_CACHE_HOME=/tmp/cache', safe: false },
      ],
    });
  },
});
