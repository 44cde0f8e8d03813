// The options of `docker run` (and the podman/nerdctl spellings of the same command), as a
// table: which take a value, which are switches, and their short forms. The lists follow the
// reference pages of `docker container run` and `podman run`:
// https://docs.docker.com/reference/cli/docker/container/run/
// https://docs.podman.io/en/latest/markdown/podman-run.1.html

/** Options that take a value (`--name x` or `--name=x`). Canonical long names. */
const VALUE_FLAGS = [
  // docker container run
  'add-host', 'annotation', 'attach', 'blkio-weight', 'blkio-weight-device', 'cap-add',
  'cap-drop', 'cgroup-parent', 'cgroupns', 'cidfile', 'cpu-count', 'cpu-percent', 'cpu-period',
  'cpu-quota', 'cpu-rt-period', 'cpu-rt-runtime', 'cpu-shares', 'cpus', 'cpuset-cpus',
  'cpuset-mems', 'detach-keys', 'device', 'device-cgroup-rule', 'device-read-bps',
  'device-read-iops', 'device-write-bps', 'device-write-iops', 'dns', 'dns-opt', 'dns-option',
  'dns-search', 'domainname', 'entrypoint', 'env', 'env-file', 'expose', 'gpus', 'group-add',
  'health-cmd', 'health-interval', 'health-retries', 'health-start-interval',
  'health-start-period', 'health-timeout', 'hostname', 'io-maxbandwidth', 'io-maxiops', 'ip',
  'ip6', 'ipc', 'isolation', 'kernel-memory', 'label', 'label-file', 'link', 'link-local-ip',
  'log-driver', 'log-opt', 'mac-address', 'memory', 'memory-reservation', 'memory-swap',
  'memory-swappiness', 'mount', 'name', 'network', 'net', 'network-alias', 'net-alias',
  'oom-score-adj', 'pid', 'pids-limit', 'platform', 'publish', 'pull', 'restart', 'runtime',
  'security-opt', 'shm-size', 'stop-signal', 'stop-timeout', 'storage-opt', 'sysctl', 'tmpfs',
  'ulimit', 'user', 'userns', 'uts', 'volume', 'volume-driver', 'volumes-from', 'workdir',
  // podman run additions
  'arch', 'authfile', 'cert-dir', 'cgroup-conf', 'cgroups', 'chrootdirs', 'conmon-pidfile',
  'creds', 'decryption-key', 'device-cgroup-rule', 'env-merge', 'gidmap', 'group-entry',
  'health-on-failure', 'health-startup-cmd', 'health-startup-interval', 'health-startup-retries',
  'health-startup-success', 'health-startup-timeout', 'hooks-dir', 'hostuser', 'image-volume',
  'init-path', 'log-level', 'os', 'passwd-entry', 'personality', 'pidfile', 'pod',
  'pod-id-file', 'preserve-fds', 'rdt-class', 'requires', 'retry', 'retry-delay', 'sdnotify',
  'seccomp-policy', 'secret', 'shm-size-systemd', 'subgidname', 'subuidname', 'systemd',
  'timeout', 'tz', 'uidmap', 'umask', 'unsetenv', 'variant', 'workingdir',
  // nerdctl run additions
  'cosign-key', 'cpus-period', 'ipfs-address', 'verify',
];

/** Switches: no value, but `--rm=false` is accepted (Go's pflag booleans). */
const BOOL_FLAGS = [
  'detach', 'disable-content-trust', 'help', 'init', 'interactive', 'no-healthcheck',
  'oom-kill-disable', 'privileged', 'publish-all', 'quiet', 'read-only', 'rm', 'sig-proxy',
  'tty', 'use-api-socket',
  // podman
  'env-host', 'http-proxy', 'no-hosts', 'passwd', 'read-only-tmpfs', 'replace', 'rmi',
  'rootfs', 'tls-verify', 'unsetenv-all',
];

/** Single-letter forms. */
const SHORT: Record<string, string> = {
  a: 'attach',
  c: 'cpu-shares',
  d: 'detach',
  e: 'env',
  h: 'hostname',
  i: 'interactive',
  l: 'label',
  m: 'memory',
  p: 'publish',
  P: 'publish-all',
  q: 'quiet',
  t: 'tty',
  u: 'user',
  v: 'volume',
  w: 'workdir',
};

/** Spellings that mean the same option. */
const ALIASES: Record<string, string> = {
  net: 'network',
  'net-alias': 'network-alias',
  'dns-opt': 'dns-option',
  // podman's name for -w
  workingdir: 'workdir',
};

const valueSet = new Set(VALUE_FLAGS);
const boolSet = new Set(BOOL_FLAGS);

export type FlagKind = 'value' | 'bool';

export interface FlagInfo {
  /** Canonical long name, without dashes. */
  name: string;
  kind: FlagKind;
}

/** Look a long option up (without its leading dashes); undefined when docker has no such flag. */
export function longFlag(name: string): FlagInfo | undefined {
  const canonical = ALIASES[name] ?? name;
  if (valueSet.has(name)) return { name: canonical, kind: 'value' };
  if (boolSet.has(name)) return { name: canonical, kind: 'bool' };

  return undefined;
}

export function shortFlag(letter: string): FlagInfo | undefined {
  const name = SHORT[letter];

  return name ? longFlag(name) : undefined;
}

/**
 * Options of the `docker`/`podman`/`nerdctl` program itself, written before `run`
 * (`docker --context prod run ...`). Switches are listed apart.
 */
export const GLOBAL_VALUE_FLAGS = new Set([
  'config', 'context', 'c', 'host', 'H', 'log-level', 'l', 'tlscacert', 'tlscert', 'tlskey',
  // podman
  'connection', 'identity', 'root', 'runroot', 'storage-driver', 'storage-opt', 'cgroup-manager',
  'runtime', 'url', 'events-backend', 'network-cmd-path', 'tmpdir', 'volumepath', 'imagestore',
  'module', 'ssh', 'out',
  // nerdctl
  'namespace', 'n', 'address', 'a', 'snapshotter', 'cni-path', 'data-root', 'cgroup-manager',
]);

export const GLOBAL_BOOL_FLAGS = new Set(['debug', 'D', 'tls', 'tlsverify', 'remote', 'r', 'syslog']);
