// Is a FROM reference one BuildKit accepts? dockerfile2llb parses each base name with
// distribution/reference's ParseNormalizedNamed and stops the build with
// `failed to parse stage name "NAME": <reason>`; this mirrors that grammar (normalize.go,
// regexp.go, reference.go) so a reference the build would refuse is a one-line input error.

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;

/** Lengths of the digest algorithms go-digest knows (hex characters). */
const DIGEST_HEX: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** The name's domain part, split as splitDockerDomain does (normalize.go). */
function splitDomain(name: string): { domain: string; rest: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { domain: 'docker.io', rest: `library/${name}` };
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) return { domain: first, rest };

  return { domain: 'docker.io', rest: name };
}

/** Why BuildKit refuses this base reference, in its words; undefined when it is valid. */
export function referenceError(ref: string): string | undefined {
  if (IDENTIFIER.test(ref)) return `invalid repository name (${ref}), cannot specify 64-byte hexadecimal strings`;

  const { domain, rest } = splitDomain(ref);
  const colon = rest.indexOf(':');
  const remote = colon < 0 ? rest : rest.slice(0, colon);
  if (remote.toLowerCase() !== remote) return `invalid reference format: repository name (${remote}) must be lowercase`;

  const full = `${domain}/${rest}`;
  const m = REFERENCE.exec(full);
  if (!m) {
    if (full === '') return 'repository name must have at least one component';
    if (REFERENCE.test(full.toLowerCase())) return 'invalid reference format: repository name must be lowercase';
    return 'invalid reference format';
  }
  if (m[1].length > 255) return 'repository name must not be more than 255 characters';

  const digest = m[3];
  if (digest !== undefined) {
    const [alg, hex] = digest.split(':');
    const want = DIGEST_HEX[alg];
    if (want === undefined) return 'unsupported digest algorithm';
    if (hex.length !== want) return 'invalid checksum digest length';
    if (hex !== hex.toLowerCase()) return 'invalid checksum digest format';
  }

  return undefined;
}

/** A string quoted as Go's %q writes it (the form BuildKit's message shows). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }

  return `${out}"`;
}

/** BuildKit's whole message for a base reference it cannot parse. */
export function stageNameError(ref: string): string | undefined {
  const why = referenceError(ref);

  return why === undefined ? undefined : `failed to parse stage name ${goQuote(ref)}: ${why}`;
}
