// Realistic Dockerfile RUN scripts, combined programmatically from fragments with a seeded
// generator. Shared by the differential test and scripts/bench-shell.mjs.

/** mulberry32: small deterministic generator so every run sees the same corpus. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One command line as people write it in RUN; heredoc fragments end with their delimiter. */
export const FRAGMENTS: string[] = [
  'apt-get update',
  'apt-get install -y --no-install-recommends curl ca-certificates git',
  'rm -rf /var/lib/apt/lists/*',
  'apt-get install -y \\\n    curl \\\n    gnupg \\\n    unzip',
  'groupadd -r -g 1000 app',
  'useradd -r -u 1000 -g app -m -d /home/app -s /bin/bash app',
  'useradd -u "${UID:-1001}" -G sudo,docker -m dev',
  'groupadd --gid "$GID" "$GROUP_NAME"',
  'chown -R app:app /app /var/log/app',
  'chown ${APP_USER:-app}:${APP_GROUP:-app} /var/run/app',
  'chmod 0755 /usr/local/bin/entrypoint.sh',
  'chmod -R g+rwX /srv/data',
  'chmod u+s,g-w "/opt/my dir"',
  'mkdir -p /var/run/app "$HOME/.cache"',
  'pip install --no-cache-dir -r requirements.txt',
  'pip3 install "torch==2.1.0" \'numpy<2\'',
  'python -m venv /opt/venv',
  'export DEBIAN_FRONTEND=noninteractive',
  'set -eux',
  'ln -sf /usr/bin/python3 /usr/bin/python',
  'echo "dev ALL=(ALL) NOPASSWD:ALL" >> /etc/sudoers.d/dev',
  "echo 'export PATH=\"/opt/bin:$PATH\"' >> /etc/profile",
  'echo "export PATH=\\"/opt/bin:\\$PATH\\"" >> /etc/bash.bashrc',
  'curl -fsSL https://example.com/install.sh | bash -s -- --version 1.2.3',
  'wget -qO- https://example.com/x.tar.gz | tar -xz -C /opt',
  'test -d /app || mkdir /app',
  'id -u app >/dev/null 2>&1 || useradd app',
  'A=$(id -u) B="$(id -g)" env',
  'HOME=/home/app XDG_CACHE_HOME=/tmp/cache make install',
  "sh -c 'echo \"hello world\" > /tmp/x'",
  "su app -s /bin/sh -c 'touch /home/app/.ok'",
  'printf \'%s\\n\' "a b" \'c d\' > /tmp/f',
  'echo $\'tab\\there\' "it\'s" \'say "hi"\' \\"q\\"',
  'echo `date +%s` $((1 + 2)) ${#PATH} ${PATH%%:*} ${HOME#/} ${x:+set}',
  'echo "$(echo "$(id -u)")" "${HOME}/x" ${X-default} ${Y:=y} ${Z%.tar.gz}',
  'tr -d \'\\r\' < entry.sh > /entry.sh # strip CR',
  'gosu app true',
  'usermod -aG video,render app',
  'find /app -type d -exec chmod 0755 {} +',
  'find / -xdev -perm -4000 -type f -print0 | xargs -0 -r chmod u-s',
  'setcap cap_net_bind_service=+ep /usr/bin/node',
  'install -d -o app -g app -m 0750 /data',
  'touch /var/log/app.log && chmod 664 /var/log/app.log',
  'cat <<EOF > /etc/app.conf\nuser=$APP_USER\nhome=${HOME}\nEOF',
  "cat <<'EOT' >> /etc/motd\nNo $expansion `here`\nEOT",
  'cat > /usr/local/bin/start <<-"END"\n\t#!/bin/sh\n\texec "$@"\n\tEND',
  'sed -i "s/^#\\(en_US.UTF-8\\)/\\1/" /etc/locale.gen',
  'grep -q "^app:" /etc/passwd',
  'echo "app:x:1000:1000::/home/app:/bin/sh" >> /etc/passwd',
  'echo a#b c # trailing comment',
  'umask 0002',
  'cd /tmp',
];

/** Compound forms; %s is the inner command. */
const WRAPS: string[] = [
  'if [ "$(id -u)" = "0" ]; then\n%s\nfi',
  'if ! getent group app >/dev/null; then\n%s\nelse\necho exists\nfi',
  'if [ -n "$X" ]; then\n%s\nelif [ -f /y ]; then echo y; fi',
  'for d in /data /logs "/tmp/app dir"; do\n%s\ndone',
  'for f in $(ls /etc/*.conf); do\n%s\ndone',
  'while read -r line; do\n%s\ndone < /tmp/list',
  'until [ -f /ready ]; do\n%s\ndone',
  '(\n%s\n)',
  '{\n%s\n} > /tmp/log 2>&1',
  'case "$(uname -m)" in\n  x86_64) ARCH=amd64 ;;\n  aarch64|arm64)\n%s\n;;\n  *) exit 1 ;;\nesac',
  'setup() {\n%s\n}\nsetup',
  'function install_it {\n%s\n}',
  '[[ -f /etc/os-release ]] && {\n%s\n}',
];

const JOINS: string[] = [
  ' && ', ' || ', '; ', '\n', ' && \\\n    ', ' | ', ' & ', ' &&\n  # comment\n  ',
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

/** After a heredoc body or a comment, only a newline may continue the script. */
function needsNewline(s: string): boolean {
  const lastLine = s.slice(s.lastIndexOf('\n') + 1);
  return (s.includes('<<') && !s.includes('<<<')) || lastLine.includes(' # ');
}

/** A RUN script: a few fragments joined, some wrapped in compound commands. */
export function generateScript(r: () => number): string {
  const n = 1 + Math.floor(r() * 5);
  let out = '';
  for (let i = 0; i < n; i++) {
    let frag = pick(r, FRAGMENTS);
    if (r() < 0.25) {
      const inner = frag;
      frag = pick(r, WRAPS).replace('%s', () => inner);
    }
    if (i > 0) {
      out += needsNewline(out) ? '\n' : pick(r, JOINS);
    }
    out += frag;
  }
  return out;
}

/** Typical RUN instruction bodies for the benchmark: apt chains, user setup, pip. */
export function generateRunLines(count: number, seed = 7): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(generateScript(r));
  return out;
}
