import { defineRule } from '../rule.js';
import { firstReason, hostFacts, uidBuildArg, who } from '../util.js';

export default defineRule({
  id: 'UID201',
  name: 'mount-not-writable',
  description: 'A read-write mount is owned by another uid and its mode does not let the process write: Permission denied.',
  category: 'mounts',
  severity: { dev: 'error', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    const p = a.runtime.process;
    if (a.runtime.errors.length > 0) return;

    for (const m of a.run?.mounts ?? []) {
      if (m.readonly || m.kind === 'tmpfs') continue;
      const v = a.check(m.target, 'create');
      if (v.allowed || v.errno !== 'EACCES') continue;

      const facts = hostFacts(a, m.source);
      const owner = a.runtime.view.fs.get(m.target);
      const ownerText = owner ? `${owner.uid}:${owner.gid}` : 'another user';
      const fixes = [];

      const arg = uidBuildArg(a);
      if (m.kind === 'bind' && arg && owner && owner.uid !== 0) {
        fixes.push({
          description: `Rebuild the image with its user at the folder owner's uid: the Dockerfile already takes it as ARG ${arg}.`,
          snippet: `docker build --build-arg ${arg}=${owner.uid} .`,
          safe: false,
        });
      }
      if (m.kind === 'bind') {
        fixes.push({
          description: `Or run as the folder's owner${owner ? ` (uid ${owner.uid})` : ''}; without a passwd entry for that uid, HOME becomes /.`,
          snippet: owner ? `--user ${owner.uid}:${owner.gid}` : '--user "$(id -u):$(id -g)"',
          safe: false,
        });
        fixes.push({
          description: `Or give the folder to uid ${p.uid} on the host.`,
          snippet: `sudo chown -R ${p.uid}:${p.gid} ${m.source}`,
          safe: false,
        });
        if (!arg) fixes.push({
          description: 'Or build the image user with the host uid so both agree.',
          snippet: `ARG UID=${owner?.uid ?? 1000}\nRUN useradd --create-home --uid $UID app\nUSER app\n# docker build --build-arg UID=$(id -u) .`,
          safe: false,
        });
      } else {
        fixes.push({
          description: 'Create the path in the image owned by the user before the volume is first used, so the new volume copies that owner.',
          snippet: `RUN mkdir -p ${m.target} && chown ${p.uid}:${p.gid} ${m.target}`,
          safe: false,
        });
      }

      report({
        message: `${who(a)} cannot write to ${m.target} (${m.written}): it belongs to ${ownerText}${facts?.meta ? ` on the host` : ''} - Permission denied.`,
        why: `${firstReason(v)}. ${m.kind === 'bind' ? 'A bind mount shows the host folder with its host owner and mode; uids are not translated.' : 'A new volume starts as a copy of the image path, owner and mode included.'}`,
        dependsOn: v.dependsOn,
        fixes,
      });
    }
  },
});
