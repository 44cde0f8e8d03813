// --platform as docker takes it: containerd's platforms.Parse (the docker CLI parses the value
// before it asks the daemon, and stops with "error parsing specified platform: ..."). A
// specifier is <os>[(<version>)], <arch>, or <os>[(<version>)]/<arch>[/<variant>]; one word is
// an OS when containerd knows it (with this machine's architecture), else an architecture it
// knows (on linux, the daemon's OS).

import { UsageError } from './errors.js';
import { goQuote } from './reference.js';
import { hostPlatform } from '../archive/oci.js';

const SPECIFIER = /^[A-Za-z0-9_.-]+$/;
const OS_AND_VERSION = /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.-]*)\))?$/;
// containerd's database.go: Go's list of operating systems and architectures.
const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'windows', 'zos']);
const KNOWN_ARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);
const ARCH_NAMES: Record<string, string> = { i386: '386', x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm' };

/** Go's %q of a regular expression's source, as containerd's messages print it. */
const quotedRe = (re: RegExp) => goQuote(re.source.replace(/\\\//g, '/'));

/**
 * The platform as uidctl reads images for it (os/arch[/variant]), or a usage error in the docker
 * CLI's words. Undefined and '' (which docker takes as not given) stay undefined.
 */
export function checkedPlatform(spec: string | undefined): string | undefined {
  if (spec === undefined || spec === '') return undefined;
  const fail = (why: string) => new UsageError(`--platform: error parsing specified platform: ${why}: invalid argument`);
  if (spec.includes('*')) throw fail(`${goQuote(spec)}: wildcards not yet supported`);
  // Go's strings.SplitN(spec, "/", 4): the fourth part keeps the rest.
  const all = spec.split('/');
  const parts = all.length > 4 ? [...all.slice(0, 3), all.slice(3).join('/')] : all;
  parts.forEach((part, i) => {
    if (i === 0 && !OS_AND_VERSION.test(part)) {
      throw fail(`${goQuote(part)} is an invalid OS component of ${goQuote(spec)}: OSAndVersion specifier component must match ${quotedRe(OS_AND_VERSION)}`);
    }
    if (i > 0 && !SPECIFIER.test(part)) {
      throw fail(`${goQuote(part)} is an invalid component of ${goQuote(spec)}: platform specifier component must match ${quotedRe(SPECIFIER)}`);
    }
  });
  if (parts.length > 3) throw fail(`${goQuote(spec)}: cannot parse platform specifier`);
  if (parts.length > 1) return spec;

  const os = OS_AND_VERSION.exec(spec)![1].toLowerCase().replace(/^macos$/, 'darwin');
  if (KNOWN_OS.has(os)) return `${os}/${hostPlatform().architecture}`;
  const arch = ARCH_NAMES[spec.toLowerCase()] ?? spec.toLowerCase();
  if (KNOWN_ARCH.has(arch)) return `linux/${arch}`;
  throw fail(`${goQuote(spec)}: unknown operating system or architecture`);
}
