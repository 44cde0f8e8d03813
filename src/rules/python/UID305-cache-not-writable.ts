import { defineRule } from '../rule.js';
import { checkedFix, firstReason, groupAddFix, homeFromRun, mountFor, readOnlyRootFix, renderRunChanges, rootStep, who } from '../util.js';
import { cacheDirs } from '../../analyze.js';
import { isUnder, normalizePath } from '../../image/fs.js';
import type { Fix } from '../../model/types.js';

/** What keeps its downloads in the folder each variable names, and a writable place for it. */
const CACHE_USERS: Record<string, [string, string]> = {
  HF_HOME: ['Hugging Face models and datasets', '/tmp/cache/huggingface'],
  HF_HUB_CACHE: ['Hugging Face Hub models', '/tmp/cache/huggingface/hub'],
  HUGGINGFACE_HUB_CACHE: ['Hugging Face Hub models', '/tmp/cache/huggingface/hub'],
  TRANSFORMERS_CACHE: ['transformers models', '/tmp/cache/huggingface/hub'],
  HF_DATASETS_CACHE: ['Hugging Face datasets', '/tmp/cache/huggingface/datasets'],
  TORCH_HOME: ['torch hub models and weights', '/tmp/cache/torch'],
  PIP_CACHE_DIR: ['pip wheels', '/tmp/cache/pip'],
  TRITON_CACHE_DIR: ['Triton compiled kernels', '/tmp/cache/triton'],
};

export default defineRule({
  id: 'UID305',
  name: 'cache-not-writable',
  description: 'A download cache (~/.cache, XDG_CACHE_HOME, HF_HOME, TORCH_HOME, ...) cannot be created or written: pip, Hugging Face and torch hub caches fail.',
  category: 'python',
  severity: { dev: 'warning', prod: 'info' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    if (p.uid === 0 || a.runtime.errors.length > 0) return;
    for (const { path, from } of cacheDirs(p)) {
      // HOME problems are reported once, by UID102/UID103.
      if (from === '~/.cache' && !a.identity.homeWritable) continue;
      const v = a.check(path, 'create');
      if (v.allowed || v.errno === 'ENOENT') continue;
      // A bind mount or tmpfs hides the image's folder there: a build step cannot help. One the
      // process may not write at all is UID201's, with the fixes on the host's side.
      const m = mountFor(a, path);
      const hidden = m !== undefined && (m.kind === 'bind' || m.kind === 'tmpfs');
      if (hidden && !a.check(normalizePath(m.target), 'write').allowed) continue;

      const [what, elsewhere] = CACHE_USERS[from] ?? ['pip, Hugging Face, torch hub', '/tmp/cache'];
      const variable = from === '~/.cache' ? 'XDG_CACHE_HOME' : from;
      // A value the run sets wins over ENV: a fix for it goes where the container is started.
      const fromRun = from !== '~/.cache' && a.run?.env?.[from] !== undefined;
      const moveIt = (value: string): Fix => fromRun || (homeFromRun(a) && from === '~/.cache')
        ? { description: 'Or point the cache at a writable place where the container is started.', snippet: renderRunChanges(a, [{ kind: 'env', name: variable, value }]), safe: false }
        : { description: 'Or point the cache elsewhere.', snippet: `ENV ${variable}=${value}`, safe: false };
      // Somewhere else only when it is not the failing place itself, nor on a read-only root.
      const other = elsewhere !== path && !isUnder(path, elsewhere) && v.errno !== 'EROFS' && a.check(elsewhere, 'create').allowed ? elsewhere : undefined;
      const fixes: Fix[] = [];
      const group = v.errno === 'EROFS' ? undefined : groupAddFix(a, path, 'create');
      if (group !== undefined) fixes.push(group);
      if (v.errno === 'EROFS') fixes.push(readOnlyRootFix(a, path));
      else if (!hidden && !fromRun && !(homeFromRun(a) && from === '~/.cache')) {
        // Placed where the stage runs as root, and kept only when the analysis with it lets the
        // process create there (a home it may not enter keeps the cache out of reach).
        const step = rootStep(a, `RUN mkdir -p ${path} && chown -R ${p.uid}:${p.gid} ${path}`);
        const own = checkedFix(a, { description: `Make the cache belong to the user: put this ${step.where}.`, snippet: step.snippet, safe: false }, { edit: step.edit }, (b) => b.check(path, 'create').allowed);
        if (own !== undefined) fixes.push(own);
      }
      if (other !== undefined) fixes.push(moveIt(other));
      report({
        message: `${who(a)} cannot write ${path}${from === '~/.cache' ? '' : ` (${from})`}: downloads cached there (${what}) fail with ${v.errno === 'EROFS' ? 'Read-only file system' : 'Permission denied'}.`,
        why: `${firstReason(v)}.`,
        dependsOn: v.dependsOn,
        fixes,
      });
    }
  },
});
