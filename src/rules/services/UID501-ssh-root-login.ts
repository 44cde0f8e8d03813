import { defineRule } from '../rule.js';
import { textLine } from '../util.js';

export default defineRule({
  id: 'UID501',
  name: 'ssh-root-login',
  description: 'sshd allows root to log in.',
  category: 'services',
  severity: { dev: 'warning', prod: 'error' },
  fix: 'suggestion',
  check(a, report) {
    if (!a.image.packages['openssh-server']) return;
    const v = a.image.sshd.permitRootLogin?.toLowerCase();
    if (v !== 'yes') return;

    report({
      message: 'sshd is configured with PermitRootLogin yes: anyone who reaches the port can try root logins.',
      why: 'A container that runs sshd with root login open turns one leaked or guessed password into full control of the container and every mounted folder.',
      line: a.image.sshd.lines.permitRootLogin ?? textLine(a, '/etc/ssh/sshd_config'),
      fixes: [{ description: 'Forbid root logins; log in as a normal user with a key.', snippet: "RUN sed -i 's/^#\\?PermitRootLogin.*/PermitRootLogin no/' /etc/ssh/sshd_config", safe: false }],
    });
  },
});
