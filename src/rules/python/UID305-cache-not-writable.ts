import { defineRule } from '../rule.js';
import { firstReason, homeFromRun, readOnlyRootFix, renderRunChanges, who } from '../util.js';
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
      fixes: v.errno === 'EROFS' ? [readOnlyRootFix(a, path), { description: 'Or point caches at a writable place.', snippet: 'ENV XDG_CACHE_HOME=/tmp/cache', safe: false }] : homeFromRun(a) ? [
        // HOME comes from the run: the cache goes where HOME was set, not into the image.
        { description: 'Point caches at a writable place where the container is started.', snippet: renderRunChanges(a, [{ kind: 'env', name: 'XDG_CACHE_HOME', value: '/tmp/cache' }]), safe: false },
      ] : [
        { description: 'Make the cache belong to the user.', snippet: `RUN mkdir -p ${path} && chown -R ${p.uid}:${p.gid} ${path}`, safe: false },
        { description: 'Or point caches elsewhere.', snippet: 'ENV XDG_CACHE_HOME=/tmp/cache', safe: false },
      ],
    });
  },
});
