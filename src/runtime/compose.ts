// Compose files (docker compose / the Compose Specification) as one RunContext per service.
// Keys follow https://github.com/compose-spec/compose-spec/blob/main/05-services.md; variables
// are interpolated as https://github.com/compose-spec/compose-spec/blob/main/12-interpolation.md
// describes.

import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, visit, type Document, type Tags } from 'yaml';
import type { Assumption, MountSpec, RunContext, WrittenFile } from '../model/types.js';
import { normalizePath } from '../image/fs.js';
import { RunParseError, yamlError, yamlToJS } from './errors.js';
import { unrenderedTemplate } from './yaml-template.js';
import { parseDotenv } from './dotenv.js';
import { volumesFromAssumption, type Invoker } from './docker.js';
import { mergeService, rebaseService, withoutResets, type MergeTag } from './compose-merge.js';
import { hostPath, isBindSource, parseTmpfsFlag, parseVolumeFlag, type PathContext } from './mounts.js';

export interface ComposeOptions {
  invoker: Invoker;
  /** Variables for ${VAR} interpolation (the shell environment and .env, merged by the caller). */
  env?: Record<string, string>;
  /** Path of the compose file: relative paths resolve from its directory. */
  file?: string;
  /**
   * The text of an env_file (an absolute path; the caller reads it), undefined when it does
   * not exist. Without it the files are only recorded in envFiles.
   */
  readEnvFile?: (path: string) => string | undefined;
  /**
   * The text of a Compose file `extends: {file: ...}` names (an absolute path; the caller
   * reads it), undefined when it does not exist.
   */
  readComposeFile?: (path: string) => string | undefined;
}

export interface ComposeBuild {
  /** Absolute folder, or the URL as written when remote is true. */
  context: string;
  /** Relative to the context (or absolute). */
  dockerfile: string;
  target?: string;
  args: Record<string, string>;
  /** The context is a git or https URL, not a local folder. */
  remote?: boolean;
  /** build.dockerfile_inline: the Dockerfile's text, given in the compose file. */
  inline?: string;
  /** Where build.target is written, for a target the Dockerfile lacks. */
  targetAt?: { file?: string; line?: number };
}

export type ComposeService = RunContext & { build?: ComposeBuild };

export interface ComposeProject {
  services: Record<string, ComposeService>;
  /** Unset variables and keys that were ignored. */
  warnings: string[];
  /** The same warnings, each with the Compose file it comes from. */
  fileWarnings: { file?: string; text: string }[];
}

type Obj = Record<string, unknown>;

const asObj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/**
 * ${VAR}, $VAR, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}, ${VAR:+alt},
 * ${VAR+alt} and $$ for a literal dollar. Defaults may hold further ${...}.
 */
export function interpolate(text: string, env: Record<string, string>, warnings: string[], where: string): string {
  let out = '';
  let i = 0;

  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      out += ch;
      i += 1;
      continue;
    }
    if (text[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }

    const simple = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (simple) {
      out += lookup(simple[0], env, warnings);
      i += 1 + simple[0].length;
      continue;
    }
    if (text[i + 1] !== '{') {
      out += ch;
      i += 1;
      continue;
    }

    // Find the matching brace, allowing nested ${...} in the default.
    let depth = 1;
    let j = i + 2;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '{') depth += 1;
      else if (text[j] === '}') depth -= 1;
    }
    if (depth !== 0) throw new RunParseError(`invalid interpolation format for ${where}: "${text}"`, where);
    const body = text.slice(i + 2, j - 1);
    out += expandBraced(body, env, warnings, where);
    i = j;
  }

  return out;
}

function lookup(name: string, env: Record<string, string>, warnings: string[]): string {
  if (Object.hasOwn(env, name)) return env[name];
  warnings.push(`The "${name}" variable is not set. Defaulting to a blank string.`);

  return '';
}

function expandBraced(body: string, env: Record<string, string>, warnings: string[], where: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (!m) throw new RunParseError(`invalid interpolation format for ${where}: "\${${body}}"`, where);
  const [, name, op, arg = ''] = m;
  if (!op) return lookup(name, env, warnings);

  const set = Object.hasOwn(env, name);
  const missing = op.startsWith(':') ? !set || env[name] === '' : !set;
  const value = () => interpolate(arg, env, warnings, where);

  switch (op.replace(':', '')) {
    case '-':
      return missing ? value() : env[name];
    case '+':
      return missing ? '' : value();
    default:
      if (missing) throw new RunParseError(`required variable ${name} is missing a value: ${value()}`, where);
      return env[name];
  }
}

/** Interpolate every string in a parsed YAML value (keys are left alone, as compose does). */
function interpolateAll(v: unknown, env: Record<string, string>, warnings: string[], where: string): unknown {
  if (typeof v === 'string') return interpolate(v, env, warnings, where);
  if (Array.isArray(v)) return v.map((x, i) => interpolateAll(x, env, warnings, `${where}[${i}]`));
  if (v !== null && typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v as Obj)) out[k] = interpolateAll(x, env, warnings, `${where}.${k}`);
    return out;
  }

  return v;
}

/** Split a string command the way compose does (shell-like words, quotes honoured). */
function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let any = false;

  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (ch === '\\' && i + 1 < s.length) {
      cur += s[++i];
      any = true;
    } else if (/\s/.test(ch)) {
      if (cur !== '' || any) out.push(cur);
      cur = '';
      any = false;
    } else {
      cur += ch;
    }
  }
  if (cur !== '' || any) out.push(cur);

  return out;
}

function words(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String);

  return shellWords(String(v));
}

/** `environment:` as a list (KEY=VALUE or KEY) or a map (a null value takes the shell's). */
function environment(v: unknown, env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};

  if (Array.isArray(v)) {
    for (const item of v.map(String)) {
      const eq = item.indexOf('=');
      if (eq >= 0) out[item.slice(0, eq)] = item.slice(eq + 1);
      else if (Object.hasOwn(env, item)) out[item] = env[item];
    }
  } else {
    for (const [k, x] of Object.entries(asObj(v))) {
      if (x === null || x === undefined) {
        if (Object.hasOwn(env, k)) out[k] = env[k];
      } else out[k] = String(x);
    }
  }

  return out;
}

/**
 * A tmpfs mode. A YAML number is the mode's bits as they are (compose-go decodes it into a
 * uint32 and docker compose passes it to the engine as a FileMode): `0o1777` and `01777` are
 * rwxrwxrwt, while `1777` is the decimal number 1777, mode 03361. A string ("0755", from
 * interpolation) is read as octal digits.
 */
function octalMode(v: unknown, where: string): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0o7777) throw new RunParseError(`${where}: invalid mode ${String(v)}`, where);
    return v;
  }
  const s = String(v).replace(/^0o/, '');
  if (!/^[0-7]{1,5}$/.test(s)) throw new RunParseError(`${where}: invalid mode ${String(v)}`, where);

  return parseInt(s, 8);
}

/**
 * A boolean setting (privileged, read_only, a volume's read_only and volume.nocopy). docker
 * compose casts a string there to a boolean after interpolation, so `privileged: "true"` and
 * `privileged: ${PRIV:-true}` are true: compose-go loader/interpolate.go toBoolean takes true
 * and false in any case, and y, yes, on, n, no, off with a warning that YAML 1.2 does not
 * read them as booleans; anything else is "invalid boolean". A value that is not a string
 * stays as written and must be a boolean (the schema's type).
 */
export function composeBool(v: unknown, where: string, warnings: string[] = []): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') throw new RunParseError(`${where} must be a boolean`, where);
  const word = v.toLowerCase();
  if (word === 'true' || word === 'false') return word === 'true';
  if (['y', 'yes', 'on', 'n', 'no', 'off'].includes(word)) {
    const yes = ['y', 'yes', 'on'].includes(word);
    warnings.push(`${where}: "${v}" for boolean is not supported by YAML 1.2, please use \`${yes}\``);
    return yes;
  }

  throw new RunParseError(`error while interpolating ${where}: failed to cast to expected type: invalid boolean: ${v}`, where);
}

/**
 * A setting the Compose schema types as a list (cap_add, volumes, ...): a string or a mapping
 * there is refused by docker compose's schema check ("services.a.cap_drop must be a array"),
 * not read as one entry. null, as an empty key, is no list at all.
 */
function listOf(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new RunParseError(`${where} must be a list, not ${typeName(v)}`, where);

  return v;
}

function typeName(v: unknown): string {
  if (typeof v === 'string') return `a string ("${v}")`;
  if (typeof v === 'object') return 'a mapping';

  return `a ${typeof v} (${String(v)})`;
}

/** `volumes:` entries, short (`./d:/c:ro`, `name:/c`, `/c`) and long syntax. */
function volumeOf(v: unknown, ctx: PathContext, where: string, warnings: string[] = []): MountSpec {
  if (typeof v === 'string') {
    return { ...parseVolumeFlag(v, ctx, { tool: 'docker', written: `${where}: ${v}`, flag: where, compose: true }) };
  }
  // The schema has each entry as a string (short syntax) or a mapping (long syntax).
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new RunParseError(`${where} must be a string or a mapping, not ${Array.isArray(v) ? 'a list' : typeName(v)}`, where);
  }

  const o = asObj(v);
  const type = String(o.type ?? 'volume');
  if (!o.target) throw new RunParseError(`${where}: target is required`, where);
  // The engine refuses a relative container path (moby volume/mounts validation); docker
  // compose passes it through and fails at create.
  if (!String(o.target).startsWith('/')) {
    throw new RunParseError(`${where}: invalid mount path: '${String(o.target)}' mount path must be absolute`, where);
  }
  const target = normalizePath(String(o.target));
  const readonly = composeBool(o.read_only, `${where}.read_only`, warnings);
  const written = `${where}: ${type} ${String(o.source ?? '')} -> ${target}`;

  if (type === 'bind') {
    const src = String(o.source ?? '');
    // bind.create_host_path: docker compose creates a missing source for the long syntax too
    // unless it is false (compose-go sets the default to true; docker/compose#9057, #12797), whatever
    // the spec's wording that only the short syntax implies it.
    const create = asObj(o.bind).create_host_path !== false;
    return { target, kind: 'bind', source: hostPath(src, ctx), readonly, createMissingSource: create, written };
  }
  if (type === 'tmpfs') {
    const t = asObj(o.tmpfs);
    const spec: MountSpec = { target, kind: 'tmpfs', readonly, createMissingSource: false, written };
    if (t.mode !== undefined) spec.tmpfsMode = octalMode(t.mode, `${where}.tmpfs.mode`);

    return spec;
  }
  if (type === 'volume') {
    const src = o.source === undefined || o.source === null ? undefined : String(o.source);
    const nocopy = composeBool(asObj(o.volume).nocopy, `${where}.volume.nocopy`, warnings) || undefined;
    if (src !== undefined && isBindSource(src)) {
      throw new RunParseError(`${where}: a volume source must be a name, not a path (${src})`, where);
    }
    return { target, kind: src ? 'volume' : 'anonymous', source: src, readonly, createMissingSource: false, written, nocopy };
  }

  throw new RunParseError(`${where}: volume type ${type} is not supported (bind, volume, tmpfs)`, where);
}

/** A remote build context (git or https URL): kept as written, it names no local folder. */
const REMOTE_CONTEXT = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;

function contextOf(v: string, baseDir: string): string {
  return REMOTE_CONTEXT.test(v) ? v : normalizePath(v, baseDir);
}

function buildOf(v: unknown, baseDir: string): ComposeBuild | undefined {
  if (v === undefined || v === null) return undefined;
  // build: PATH is the context, holding a file named Dockerfile (Compose Build Specification).
  if (typeof v === 'string') {
    const build: ComposeBuild = { context: contextOf(v, baseDir), dockerfile: 'Dockerfile', args: {} };
    if (REMOTE_CONTEXT.test(v)) build.remote = true;
    return build;
  }

  const o = asObj(v);
  const args: Record<string, string> = {};
  if (Array.isArray(o.args)) {
    for (const a of o.args.map(String)) {
      const eq = a.indexOf('=');
      if (eq >= 0) args[a.slice(0, eq)] = a.slice(eq + 1);
    }
  } else {
    for (const [k, x] of Object.entries(asObj(o.args))) if (x !== null) args[k] = String(x);
  }
  const build: ComposeBuild = {
    context: contextOf(String(o.context ?? '.'), baseDir),
    dockerfile: String(o.dockerfile ?? 'Dockerfile'),
    args,
  };
  if (o.target !== undefined) build.target = String(o.target);
  if (REMOTE_CONTEXT.test(build.context)) build.remote = true;
  if (typeof o.dockerfile_inline === 'string') build.inline = o.dockerfile_inline;

  return build;
}

/** Line of a key inside the mapping at path (the line a reader looks for: "web:"). */
function keyLine(doc: Document, path: string[], key: string, lc: LineCounter): number | undefined {
  const map = doc.getIn(path, true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  const range = pair && isScalar(pair.key) ? pair.key.range : undefined;

  return range ? lc.linePos(range[0]).line : undefined;
}

/**
 * The GPUs a service asks for, as docker run --gpus says it: `gpus:` (all, or a list of device
 * requests), or deploy.resources.reservations.devices with the gpu capability (count: all | N,
 * device_ids). Compose hands both to the engine as device requests for the NVIDIA runtime.
 */
function gpuRequestOf(svc: Record<string, unknown>): string | undefined {
  const requests: unknown[] = [];
  if (svc.gpus === 'all') return 'all';
  if (Array.isArray(svc.gpus)) requests.push(...svc.gpus);
  const reservations = asObj(asObj(asObj(svc.deploy).resources).reservations);
  if (Array.isArray(reservations.devices)) requests.push(...reservations.devices);

  for (const r of requests.map(asObj)) {
    const caps = Array.isArray(r.capabilities) ? r.capabilities.map(String) : [];
    if (!caps.includes('gpu') && r.driver !== 'nvidia') continue;
    if (Array.isArray(r.device_ids)) return `device=${r.device_ids.map(String).join(',')}`;
    return r.count === undefined || r.count === 'all' || r.count === -1 ? 'all' : String(r.count);
  }

  return undefined;
}

const KNOWN_KEYS = new Set([
  'image', 'build', 'user', 'volumes', 'tmpfs', 'group_add', 'cap_add', 'cap_drop', 'working_dir',
  'environment', 'env_file', 'read_only', 'privileged', 'security_opt', 'userns_mode',
  'entrypoint', 'command', 'ports', 'secrets', 'configs',
]);

/** A top-level `secrets:` or `configs:` entry, with where it is written. */
interface FileDefinition {
  def: Obj;
  file?: string;
  line?: number;
}

/**
 * The top-level `secrets:` or `configs:` of the files, interpolated, a later file's entry of a
 * name merged over an earlier one's (13-merge.md). Entries of included files are not read.
 */
function fileDefinitions(sources: ComposeSource[], key: 'secrets' | 'configs', env: Record<string, string>, fileWarnings: { file?: string; text: string }[]): Map<string, FileDefinition> {
  const out = new Map<string, FileDefinition>();
  for (const source of sources) {
    const lc = new LineCounter();
    const doc = parseDocument(source.text, { lineCounter: lc, merge: true, customTags: goYamlInts, logLevel: 'error' });
    if (doc.errors.length > 0 || !isMap(doc.contents)) continue;
    const raw = asObj(yamlToJS(doc, source.file))[key];
    if (raw === undefined || raw === null) continue;
    const line = keyLine(doc, [], key, lc);
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new RunParseError(`${key} must be a mapping`, key, source.file, line);
    const texts: string[] = [];
    const defs = asObj(interpolateAll(raw, env, texts, key));
    for (const t of texts) fileWarnings.push({ file: source.file, text: t });
    for (const [name, def] of Object.entries(defs)) {
      const before = out.get(name);
      out.set(name, { def: { ...before?.def, ...asObj(def) }, file: source.file, line: keyLine(doc, [key], name, lc) ?? line });
    }
  }

  return out;
}

/** What a service's `secrets:` or `configs:` add to its run: bind mounts, written files, assumptions. */
interface FileReferences {
  mounts: MountSpec[];
  files: WrittenFile[];
  assumptions: Assumption[];
}

/**
 * A service's `secrets:` or `configs:` as docker compose (not swarm) gives them to the container
 * (docker/compose pkg/compose/create.go buildContainerSecretMounts, buildContainerConfigMounts,
 * and secrets.go). The short syntax names the entry; the long one has source, target, uid, gid
 * and mode. The target defaults to /run/secrets/SOURCE for a secret and /SOURCE for a config, and
 * a relative target is put under /run/secrets/ (secret) or / (config).
 * - `file:` is a read-only bind mount of the host file (not created when missing, so a missing
 *   file fails the start): its host owner and mode show through, and compose ignores uid, gid
 *   and mode with a warning ("secrets `uid`, `gid` and `mode` are not supported, they will be
 *   ignored").
 * - `environment:` (and a config's `content:`) is written into the container as a file before it
 *   starts (secrets.go createTar and CopyToContainer): mode 0444 unless mode, owner 0:0 unless
 *   uid or gid. An environment variable compose does not have stops it.
 * - `external:` is swarm's: compose stops with "unsupported external secret NAME"; said as an
 *   assumption, with no file added.
 */
function fileReferences(
  kind: 'secrets' | 'configs',
  svc: Obj,
  defs: Map<string, FileDefinition>,
  env: Record<string, string>,
  ctx: PathContext,
  where: string,
  warn: string[],
  at: { file?: string; line?: number },
): FileReferences {
  const out: FileReferences = { mounts: [], files: [], assumptions: [] };
  const one = kind === 'secrets' ? 'secret' : 'config';
  const base = kind === 'secrets' ? '/run/secrets/' : '/';
  let warned = false;
  listOf(svc[kind], `${where}.${kind}`).forEach((item, i) => {
    const key = `${where}.${kind}[${i}]`;
    if (item === null || (typeof item !== 'string' && (typeof item !== 'object' || Array.isArray(item)))) {
      throw new RunParseError(`${key} must be a string or a mapping`, key);
    }
    const ref = typeof item === 'string' ? { source: item } : asObj(item);
    if (typeof ref.source !== 'string' || ref.source === '') throw new RunParseError(`${key}.source is required`, key);
    const name = ref.source;
    const found = defs.get(name);
    if (!found) throw new RunParseError(`service "${where.replace(/^services\./, '')}" refers to undefined ${one} ${name}: invalid compose project`, key);
    const def = found.def;
    const rawTarget = ref.target === undefined || ref.target === null || ref.target === '' ? name : String(ref.target);
    const target = normalizePath(rawTarget.startsWith('/') ? rawTarget : `${base}${rawTarget}`);
    const written = `${key}: ${one} ${name} -> ${target}`;
    const custom = ref.uid !== undefined || ref.gid !== undefined || ref.mode !== undefined;

    if (composeBool(def.external, `${kind}.${name}.external`, warn)) {
      out.assumptions.push({
        id: `compose-external-${one}:${name}`,
        subject: written,
        text: `${written}: the ${one} is external (made with docker ${one} create, a swarm object); docker compose outside swarm stops with "unsupported external ${one} ${name}", and under swarm its owner and mode are set by the swarm, not known here: ${target} is judged as the image has it`,
        confidence: 'low',
        ...definedAt(at),
      });
      return;
    }
    if (def.driver !== undefined && def.driver !== null) throw new RunParseError(`Docker Compose does not support ${kind}.*.driver`, key);
    if (def.template_driver !== undefined && def.template_driver !== null) throw new RunParseError(`Docker Compose does not support ${kind}.*.template_driver`, key);

    const fromEnv = def.environment !== undefined && def.environment !== null && def.environment !== '';
    const content = kind === 'configs' && typeof def.content === 'string' && def.content !== '';
    if (fromEnv || content) {
      if (fromEnv && !Object.hasOwn(env, String(def.environment))) {
        throw new RunParseError(`environment variable "${String(def.environment)}" required by file "${name}" is not set`, key);
      }
      const id = (v: unknown, what: string) => {
        if (v === undefined || v === null || v === '') return 0;
        if (!/^\d+$/.test(String(v))) throw new RunParseError(`${key}.${what}: strconv.Atoi: parsing "${String(v)}": invalid syntax`, key);
        return Number(v);
      };
      const uid = id(ref.uid, 'uid');
      const gid = id(ref.gid, 'gid');
      const mode = ref.mode === undefined || ref.mode === null ? 0o444 : octalMode(ref.mode, `${key}.mode`);
      const from = fromEnv ? `the variable ${String(def.environment)}` : 'its content:';
      const octal = `0${mode.toString(8).padStart(3, '0')}`;
      const ownerNote = (ref.uid !== undefined || ref.gid !== undefined) && svc.user !== undefined && svc.user !== null && String(svc.user) !== ''
        ? `; with uid or gid given and a user: set, the daemon gives the copied file the ids of that user as the host's /etc/passwd has it (moby tarCopyOptions), which is not read here, so ${uid}:${gid} is a guess`
        : '';
      out.files.push({
        path: target,
        uid,
        gid,
        mode,
        written,
        basis: `${written}: docker compose copies ${from} into the container before it starts, as a file ${octal} ${uid}:${gid} (docker/compose secrets.go: mode 0444 and owner 0:0 unless given; older releases wrote 0400, and v2.40.1 alone the container user's ids); missing folders above it are made by the daemon root 0755${ownerNote}`,
        confidence: ownerNote ? 'low' : 'medium',
      });
      return;
    }
    if (def.file === undefined || def.file === null || def.file === '') {
      out.assumptions.push({
        id: `compose-${one}-unknown:${name}`,
        subject: written,
        text: `${written}: the ${one} has no file:, environment:${kind === 'configs' ? ', content:' : ''} or external:, so what docker compose puts at ${target} is not known; it is judged as the image has it`,
        confidence: 'low',
        ...definedAt(at),
      });
      return;
    }
    if (custom && !warned) {
      warn.push(kind === 'secrets' ? 'secrets `uid`, `gid` and `mode` are not supported, they will be ignored' : 'config `uid`, `gid` and `mode` are not supported, they will be ignored');
      warned = true;
    }
    out.mounts.push({ target, kind: 'bind', source: hostPath(String(def.file), ctx), readonly: true, createMissingSource: false, written, composeFile: one });
  });

  return out;
}

function definedAt(at: { file?: string; line?: number }): { file?: string; line?: number } {
  const o: { file?: string; line?: number } = {};
  if (at.file !== undefined) o.file = at.file;
  if (at.file !== undefined && at.line !== undefined) o.line = at.line;
  return o;
}

/** One Compose file of a project: its text, and its path as given (for messages). */
export interface ComposeSource {
  text: string;
  file?: string;
}

/** One Compose file, read: its services interpolated, with the lines they are defined at. */
interface Layer {
  /** The path as given, for messages. */
  file?: string;
  /** Absolute folder of the file: where extends.file is looked up from. */
  dir: string;
  services: Map<string, Obj>;
  lines: Map<string, number | undefined>;
  extendsLines: Map<string, number | undefined>;
  /** Per service, its values tagged `!reset` or `!override`. */
  tags: Map<string, MergeTag[]>;
  /** Services tagged whole: `!reset` drops an earlier definition, `!override` replaces it. */
  serviceTags: Map<string, MergeTag['kind']>;
  /** The top-level `include:` list, as written, and its line. */
  include: unknown;
  includeLine?: number;
  /** The line of a key below services (services.a.volumes[0]), as deep as this file has it. */
  lineOf: (flag: string) => number | undefined;
}

/** Where in which file a key is written; see Layer.lineOf. */
type Locate = (flag: string) => { file?: string; line: number } | undefined;

/** `services.a.volumes[0].target` as the keys and indexes of the YAML nodes it names. */
function flagPath(flag: string, names: Iterable<string>): (string | number)[] | undefined {
  // A service name may hold dots: match the names the file has, longest first.
  const name = [...names].sort((x, y) => y.length - x.length).find((n) => flag === `services.${n}` || flag.startsWith(`services.${n}.`) || flag.startsWith(`services.${n}[`));
  if (name === undefined) return undefined;
  const rest = flag.slice(`services.${name}`.length);
  const out: (string | number)[] = ['services', name];
  for (const m of rest.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) out.push(m[1] ?? Number(m[2]));

  return out;
}

/** The line of the deepest node of path the document has: a key's own line, a list item's. */
function deepestLine(doc: Document, path: (string | number)[], lc: LineCounter): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const step of path) {
    let start: number | undefined;
    if (typeof step === 'number' && isSeq(node)) {
      node = node.items[step];
      start = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
    } else if (typeof step === 'string' && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === step);
      if (!pair) break;
      start = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      node = pair.value;
    } else break;
    if (node === undefined) break;
    if (start !== undefined) line = lc.linePos(start).line;
  }

  return line;
}

/**
 * The values tagged `!reset` or `!override` inside each service, by their keys below it. The
 * yaml library keeps a tag it does not know on the node and reads the value as untagged.
 */
function mergeTags(doc: Document): { tags: Map<string, MergeTag[]>; serviceTags: Map<string, MergeTag['kind']> } {
  const out = new Map<string, MergeTag[]>();
  const serviceTags = new Map<string, MergeTag['kind']>();
  visit(doc, {
    Value(key, node, path) {
      const kind = node.tag === '!reset' ? 'reset' : node.tag === '!override' ? 'override' : undefined;
      if (kind === undefined || key !== 'value') return;
      const keys: string[] = [];
      for (const step of path) if (isPair(step)) keys.push(String(isScalar(step.key) ? step.key.value : step.key));
      // services, the service's name, then the setting (and any keys below it).
      if (keys.length < 2 || keys[0] !== 'services') return;
      if (keys.length === 2) {
        serviceTags.set(keys[1], kind);
        return;
      }
      const list = out.get(keys[1]) ?? [];
      list.push({ kind, path: keys.slice(2) });
      out.set(keys[1], list);
    },
  });

  return { tags: out, serviceTags };
}

/**
 * compose-go reads YAML with go-yaml, which takes the YAML 1.2 core schema except that an
 * integer with a leading zero is octal, as in YAML 1.1 (`0755` is 493: go-yaml v3 resolve.go
 * "Octals from the 1.1 spec, spelled as 0777, are still decoded by default"); the yaml library's
 * core schema would read it as decimal 755. This tag is tried first.
 */
const goYamlInts = (tags: Tags) => [
  { identify: (v: unknown) => typeof v === 'number', default: true, tag: 'tag:yaml.org,2002:int', test: /^[-+]?0[0-7]+$/, resolve: (s: string) => parseInt(s, 8) },
  ...tags,
];

/**
 * A tmpfs `mode:` written as a decimal number of octal digits (`mode: 1777`): Compose takes the
 * number, so the mode is 03361, where 0o1777 was likely meant. Said with its line.
 */
function decimalModes(doc: Document, lc: LineCounter): string[] {
  const out: string[] = [];
  visit(doc, {
    Pair(_key, pair, path) {
      const holder = path[path.length - 2];
      if (!isScalar(pair.key) || pair.key.value !== 'mode' || !isPair(holder) || !isScalar(holder.key) || holder.key.value !== 'tmpfs') return;
      const v = pair.value;
      if (!isScalar(v) || typeof v.value !== 'number' || !/^[1-9][0-7]+$/.test(v.source ?? '')) return;
      const line = v.range ? lc.linePos(v.range[0]).line : undefined;
      out.push(`${line !== undefined ? `line ${line}: ` : ''}tmpfs mode ${v.source} is the decimal number ${v.source}, mode 0${v.value.toString(8)}; for mode ${v.source} in octal write 0o${v.source}`);
    },
  });

  return out;
}

function readLayer(text: string, file: string | undefined, dir: string, env: Record<string, string>, warnings: { file?: string; text: string }[]): Layer {
  const lc = new LineCounter();
  // `<<: *anchor` merge keys, as Compose reads them (compose-go's YAML parser; the Compose
  // spec's "Fragments" and "Extension" pages): the yaml library merges them only when asked.
  const doc = parseDocument(text, { lineCounter: lc, merge: true, customTags: goYamlInts, logLevel: 'error' });
  const template = unrenderedTemplate(text, [doc], lc);
  if (template) {
    throw new RunParseError(`this looks like an unrendered template (${template.text} is template syntax, not YAML Compose reads): render it first with the tool it is written for and check the Compose file that prints`, undefined, file, template.line);
  }
  if (doc.errors.length > 0) {
    throw yamlError(doc.errors[0], file);
  }
  if (!isMap(doc.contents)) throw new RunParseError('a compose file is a mapping with "services"', undefined, file);

  const raw = asObj(yamlToJS(doc, file));
  const names = Object.keys(asObj(raw.services));
  const lineOf = (flag: string) => {
    const path = flagPath(flag, names);
    return path ? deepestLine(doc, path, lc) : undefined;
  };
  const layer: Layer = { file, dir, services: new Map(), lines: new Map(), extendsLines: new Map(), ...mergeTags(doc), include: raw.include, includeLine: keyLine(doc, [], 'include', lc), lineOf };
  warnings.push(...decimalModes(doc, lc).map((text) => ({ file, text })));
  for (const [name, rawSvc] of Object.entries(asObj(raw.services))) {
    const texts: string[] = [];
    layer.services.set(name, withoutResets(asObj(interpolateAll(rawSvc, env, texts, `services.${name}`)), layer.tags.get(name) ?? []));
    for (const t of texts) warnings.push({ file, text: t });
    layer.lines.set(name, keyLine(doc, ['services'], name, lc));
    layer.extendsLines.set(name, keyLine(doc, ['services', name], 'extends', lc));
  }

  return layer;
}

interface ExtendsContext {
  env: Record<string, string>;
  warnings: { file?: string; text: string }[];
  read?: (path: string) => string | undefined;
  /** The files extends.file named, read once each (by absolute path). */
  layers: Map<string, Layer>;
}

const display = (layer: Layer) => layer.file ?? 'the Compose file';

/**
 * A service with its `extends:` applied (Compose Specification, 05-services.md "extends"):
 * the service it names, from the same file or from extends.file (relative to this file's
 * folder), itself extended first, with this service merged over it. Errors as docker compose
 * gives them (compose-go loader/extends.go): an unknown service, a cycle.
 */
function extendedService(layer: Layer, name: string, chain: { layer: Layer; name: string }[], ctx: ExtendsContext): Obj {
  const svc = layer.services.get(name)!;
  if (svc.extends === undefined || svc.extends === null) return svc;
  const where = `services.${name}.extends`;
  const line = layer.extendsLines.get(name) ?? layer.lines.get(name);
  const fail = (message: string) => new RunParseError(message, where, layer.file, line);

  if (chain.some((c) => c.layer === layer && c.name === name)) {
    const loop = [...chain, { layer, name }];
    throw fail(`Circular reference: ${loop.map((c, i) => `${i === 0 ? '' : 'extends '}${c.name} in ${display(c.layer)}`).join(' ')}`);
  }

  const ext = svc.extends;
  let ref: string;
  let file: string | undefined;
  if (typeof ext === 'string') ref = ext;
  else if (ext !== null && typeof ext === 'object' && !Array.isArray(ext)) {
    const o = ext as Obj;
    if (typeof o.service !== 'string' || o.service === '') throw fail(`${where}.service is required`);
    ref = o.service;
    if (o.file !== undefined && o.file !== null) file = String(o.file);
  } else throw fail(`${where} must be a string or a mapping`);

  let base = layer;
  if (file !== undefined) {
    const abs = normalizePath(file, layer.dir);
    let other = ctx.layers.get(abs);
    if (!other) {
      const text = ctx.read?.(abs);
      if (text === undefined) {
        throw fail(ctx.read ? `open ${abs}: no such file or directory` : `${where}.file ${file}: no reader for other Compose files was given`);
      }
      other = readLayer(text, file.startsWith('/') ? file : abs, normalizePath('..', abs), ctx.env, ctx.warnings);
      ctx.layers.set(abs, other);
    }
    base = other;
  }
  if (!base.services.has(ref)) throw fail(`cannot extend service "${name}" in ${display(base)}: service "${ref}" not found`);

  let parent = extendedService(base, ref, [...chain, { layer, name }], ctx);
  // Paths in a service from another folder keep naming the same files.
  if (base.dir !== layer.dir) parent = rebaseService(parent, base.dir);
  const { extends: _, ...own } = svc;

  return mergeService(parent, own, layer.tags.get(name));
}

/**
 * Parse a compose file. Pure: the caller provides the environment used for interpolation
 * (compose also reads `.env`; merging it is the caller's job), and reads the files
 * `extends: {file: ...}` names through opts.readComposeFile.
 */
export function parseCompose(yamlText: string, opts: ComposeOptions): ComposeProject {
  return parseComposeFiles([{ text: yamlText, file: opts.file }], opts);
}

/**
 * Several Compose files merged in order, as `docker compose -f a.yaml -f b.yaml` merges them
 * (Compose Specification, 13-merge.md): each file's `extends:` is applied first, then a later
 * file's service is merged over the earlier one's. Relative paths in every file resolve from
 * the first file's folder, the project directory (docs.docker.com, "Merge Compose files").
 */
export function parseComposeFiles(sources: ComposeSource[], opts: ComposeOptions): ComposeProject {
  if (sources.length === 0) throw new RunParseError('no Compose file given');
  if (opts?.invoker === undefined || opts.invoker === null) throw new TypeError('parseComposeFiles: options.invoker is required (the uid, gid, home and cwd of who runs docker compose)');
  const env = { ...opts.env };
  const fileWarnings: { file?: string; text: string }[] = [];
  const first = sources[0].file;
  const baseDir = first && first !== '-' ? normalizePath('..', normalizePath(first, opts.invoker.cwd)) : opts.invoker.cwd;
  const ctx: PathContext = { cwd: baseDir, home: opts.invoker.home };
  const merged = loadServices(sources, opts, env, fileWarnings);
  const secretDefs = fileDefinitions(sources, 'secrets', env, fileWarnings);
  const configDefs = fileDefinitions(sources, 'configs', env, fileWarnings);

  const services: Record<string, ComposeService> = {};
  for (const [name, { svc, file, line, locate }] of merged) {
    const where = `services.${name}`;

    const warn: string[] = [];
    try {
      const run: ComposeService = {
        tool: 'compose',
        groupAdd: listOf(svc.group_add, `${where}.group_add`).map(String),
        mounts: [
          ...listOf(svc.volumes, `${where}.volumes`).map((v, i) => volumeOf(v, ctx, `${where}.volumes[${i}]`, warn)),
          ...(svc.tmpfs === undefined ? [] : Array.isArray(svc.tmpfs) ? svc.tmpfs : [svc.tmpfs]).map((t, i) =>
            parseTmpfsFlag(String(t), `${where}.tmpfs[${i}]: ${String(t)}`, `${where}.tmpfs`),
          ),
        ],
        env: environment(svc.environment, env),
        capAdd: listOf(svc.cap_add, `${where}.cap_add`).map((c) => capName(String(c))),
        capDrop: listOf(svc.cap_drop, `${where}.cap_drop`).map((c) => capName(String(c))),
        privileged: composeBool(svc.privileged, `${where}.privileged`, warn),
        noNewPrivileges: listOf(svc.security_opt, `${where}.security_opt`).some((s) =>
          /^no-new-privileges(?:[:=]true)?$/.test(String(s)),
        ),
        readOnlyRootfs: composeBool(svc.read_only, `${where}.read_only`, warn),
        publish: (Array.isArray(svc.ports) ? svc.ports : []).map((p) =>
          typeof p === 'object' && p !== null ? `${asObj(p).published ?? ''}:${asObj(p).target ?? ''}` : String(p),
        ),
        origin: { file, line, text: where },
        invoker: { ...opts.invoker },
      };

      // user: given as a number in YAML it is still a uid.
      // The Compose schema has user as a string (a plain number is read as one); docker compose
      // refuses a list or a map.
      if (svc.user !== null && typeof svc.user === 'object') {
        throw new RunParseError(`${where}.user must be a string`, `${where}.user`);
      }
      if (svc.user !== undefined && svc.user !== null && String(svc.user) !== '') run.user = String(svc.user);
      // So are these strings in the schema: a list or a map is refused as docker compose does.
      for (const key of ['working_dir', 'userns_mode', 'image'] as const) {
        if (svc[key] !== null && typeof svc[key] === 'object') throw new RunParseError(`${where}.${key} must be a string`, `${where}.${key}`);
      }
      if (svc.working_dir !== undefined) run.workdir = String(svc.working_dir);
      if (svc.userns_mode !== undefined) run.userns = String(svc.userns_mode);
      if (svc.image !== undefined) run.image = String(svc.image);
      const entrypoint = words(svc.entrypoint);
      if (entrypoint) run.entrypoint = entrypoint;
      const command = words(svc.command);
      if (command) run.command = command;
      if (svc.env_file !== undefined) {
        const files = (Array.isArray(svc.env_file) ? svc.env_file : [svc.env_file]).map((f) => {
          const o = asObj(f);
          const path = normalizePath(String(typeof f === 'object' ? o.path : f), baseDir);
          return { path, required: typeof f !== 'object' || o.required !== false };
        });
        run.envFiles = files.map((f) => f.path);
        if (opts.readEnvFile) {
          run.env = { ...envFileVars(files, opts.readEnvFile, env, `${where}.env_file`), ...run.env };
        }
      }
      // secrets: and configs:, as docker compose outside swarm gives them.
      for (const [kind, defs] of [['secrets', secretDefs], ['configs', configDefs]] as const) {
        const at = { file, line: locate?.(`${where}.${kind}`)?.line ?? line };
        const refs = fileReferences(kind, svc, defs, env, ctx, where, warn, at);
        run.mounts.push(...refs.mounts);
        if (refs.files.length > 0) run.files = [...(run.files ?? []), ...refs.files];
        if (refs.assumptions.length > 0) run.assumptions = [...(run.assumptions ?? []), ...refs.assumptions];
      }
      // volumes_from: another service's or container's mounts, which this service gets too.
      if (svc.volumes_from !== undefined && svc.volumes_from !== null) {
        const at = { file, line: locate?.(`${where}.volumes_from`)?.line ?? line };
        run.assumptions = [...(run.assumptions ?? []), ...listOf(svc.volumes_from, `${where}.volumes_from`).map((v) =>
          volumesFromAssumption(String(v).replace(/^(?:service|container):/, ''), `${where}.volumes_from: ${String(v)}`, at))];
      }
      const build = buildOf(svc.build, baseDir);
      if (build?.target !== undefined) build.targetAt = locate?.(`${where}.build.target`) ?? { file, line };
      if (build) run.build = build;

      for (const k of Object.keys(svc)) {
        if (!KNOWN_KEYS.has(k)) run.options = { ...run.options, [k]: [JSON.stringify(svc[k])] };
      }
      const gpus = gpuRequestOf(svc);
      if (gpus) run.options = { ...run.options, gpus: [gpus] };
      if (Array.isArray(svc.devices)) {
        // devices: ["/dev/nvidia0:/dev/nvidia0:rwm"], the docker run --device form.
        run.options = { ...run.options, device: svc.devices.map((d) => (typeof d === 'object' ? `${String(asObj(d).source)}:${String(asObj(d).target ?? asObj(d).source)}${asObj(d).permissions ? `:${String(asObj(d).permissions)}` : ''}` : String(d))) };
      }
      // Defined, not assigned: a service may be called __proto__ (the spec's name pattern allows it).
      Object.defineProperty(services, name, { value: run, enumerable: true, writable: true, configurable: true });
      for (const text of warn) fileWarnings.push({ file, text });
    } catch (e) {
      // At the key at fault (services.a.user, services.a.volumes[0]) when a file has it, else
      // at the service.
      if (e instanceof RunParseError) {
        const at = (e.flag !== undefined ? locate?.(e.flag) : undefined) ?? { file, line };
        throw new RunParseError(e.detail, e.flag, at.file, at.line);
      }
      throw e;
    }
  }

  return { services, warnings: fileWarnings.map((w) => w.text), fileWarnings };
}

/** One entry of a top-level `include:`: its files (merged in order), project directory and env files. */
interface IncludeEntry {
  paths: string[];
  projectDirectory?: string;
  envFiles?: string[];
}

/** The `include:` list in either syntax: a path, or {path: one or a list, project_directory, env_file}. */
function includeEntries(layer: Layer, env: Record<string, string>, fileWarnings: { file?: string; text: string }[]): IncludeEntry[] {
  const texts: string[] = [];
  const raw = interpolateAll(layer.include, env, texts, 'include');
  for (const t of texts) fileWarnings.push({ file: layer.file, text: t });
  if (raw === undefined || raw === null) return [];
  const fail = (message: string) => new RunParseError(message, 'include', layer.file, layer.includeLine);
  if (!Array.isArray(raw)) throw fail('include must be a list');
  const strings = (v: unknown, what: string): string[] => {
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0 || list.some((x) => typeof x !== 'string' || x === '')) throw fail(`${what} must be a path or a list of paths`);
    return list as string[];
  };

  return raw.map((item, i) => {
    if (typeof item === 'string') return { paths: strings(item, `include[${i}]`) };
    const o = asObj(item);
    if (o.path === undefined) throw fail(`include[${i}].path is required`);
    const entry: IncludeEntry = { paths: strings(o.path, `include[${i}].path`) };
    if (typeof o.project_directory === 'string') entry.projectDirectory = o.project_directory;
    if (o.env_file !== undefined) entry.envFiles = strings(o.env_file, `include[${i}].env_file`);
    return entry;
  });
}

type Loaded = Map<string, { svc: Obj; file?: string; line?: number; locate?: Locate }>;

/** A key's place in this layer's file. */
function locatorOf(layer: Layer): Locate {
  return (flag) => {
    const line = layer.lineOf(flag);
    return line === undefined ? undefined : { file: layer.file, line };
  };
}

/** The later file's place for a key first (its value won the merge), else the earlier's. */
function both(earlier: Locate | undefined, later: Locate | undefined): Locate | undefined {
  if (!earlier || !later) return earlier ?? later;

  return (flag) => later(flag) ?? earlier(flag);
}

/**
 * The services of these files, merged in order (13-merge.md), each with the file and line where
 * it is first defined. Each file's `include:` is applied to it before the next file is merged
 * over it, as compose-go does: an included project's services join the file's, and a service
 * the file also defines is merged over the included one. Then each service's `extends:`.
 */
function loadServices(
  sources: ComposeSource[],
  opts: ComposeOptions,
  env: Record<string, string>,
  fileWarnings: { file?: string; text: string }[],
  includedBy: string[] = [],
): Loaded {
  const extendsCtx: ExtendsContext = { env, warnings: fileWarnings, read: opts.readComposeFile, layers: new Map() };
  const merged: Loaded = new Map();
  for (const source of sources) {
    const dir = source.file && source.file !== '-' ? normalizePath('..', normalizePath(source.file, opts.invoker.cwd)) : opts.invoker.cwd;
    const layer = readLayer(source.text, source.file, dir, env, fileWarnings);
    // An extends.file naming this file (a cycle through another file) finds it as read here.
    if (source.file && source.file !== '-') extendsCtx.layers.set(normalizePath(source.file, opts.invoker.cwd), layer);
    const own: Loaded = new Map();
    for (const entry of includeEntries(layer, env, fileWarnings)) {
      for (const [name, item] of includedServices(layer, entry, opts, env, fileWarnings, includedBy)) {
        const before = own.get(name);
        own.set(name, before ? { ...before, svc: mergeService(before.svc, item.svc), locate: both(before.locate, item.locate) } : item);
      }
    }
    for (const name of layer.services.keys()) {
      const svc = extendedService(layer, name, [], extendsCtx);
      const imported = own.get(name);
      own.set(name, imported
        ? { ...imported, svc: mergeService(imported.svc, svc, layer.tags.get(name)), locate: both(imported.locate, locatorOf(layer)) }
        : { svc, file: source.file, line: layer.lines.get(name), locate: locatorOf(layer) });
    }
    for (const [name, item] of own) {
      const before = merged.get(name);
      if (before) {
        before.svc = mergeService(before.svc, item.svc, layer.tags.get(name));
        before.locate = both(before.locate, item.locate);
      } else merged.set(name, item);
    }
    // `services: {NAME: !reset}` drops the service; `!override` puts this file's in place of the earlier one.
    for (const [name, kind] of layer.serviceTags) {
      if (kind === 'reset') merged.delete(name);
      else if (own.has(name)) merged.set(name, own.get(name)!);
    }
  }

  return merged;
}

/**
 * An included Compose project's services (14-include.md): its files read and merged on their
 * own, their relative paths made absolute from its project directory (the first file's folder
 * unless project_directory says), its variables from its env files (by default that folder's
 * .env, which may be missing), with this project's environment winning over them.
 */
function includedServices(
  layer: Layer,
  entry: IncludeEntry,
  opts: ComposeOptions,
  env: Record<string, string>,
  fileWarnings: { file?: string; text: string }[],
  includedBy: string[],
): Loaded {
  const fail = (message: string) => new RunParseError(message, 'include', layer.file, layer.includeLine);
  const files = entry.paths.map((p) => normalizePath(p, layer.dir));
  // The files whose include: led here: one met again includes itself.
  const here = layer.file !== undefined && layer.file !== '-' ? [normalizePath(layer.file, opts.invoker.cwd)] : [];
  const chain = [...includedBy, ...here];
  const loop = files.find((f) => chain.includes(f));
  if (loop !== undefined) throw fail(`include cycle: ${[...chain, loop].join(' -> ')}`);
  const sources = files.map((f) => {
    const text = opts.readComposeFile?.(f);
    if (text === undefined) throw fail(opts.readComposeFile ? `open ${f}: no such file or directory` : `include ${f}: no reader for other Compose files was given`);
    return { text, file: f };
  });
  const projectDir = entry.projectDirectory !== undefined ? normalizePath(entry.projectDirectory, layer.dir) : normalizePath('..', files[0]);
  const envFiles = entry.envFiles?.map((f) => normalizePath(f, layer.dir));
  const fromFiles: Record<string, string> = {};
  for (const f of envFiles ?? [`${projectDir}/.env`]) {
    const text = opts.readEnvFile?.(f);
    if (text === undefined) {
      if (envFiles === undefined) continue;
      throw fail(`couldn't read env file: ${f}`);
    }
    Object.assign(fromFiles, parseDotenv(text, f, env, fromFiles).vars);
  }
  const loaded = loadServices(sources, opts, { ...fromFiles, ...env }, fileWarnings, chain);
  // Relative paths name the included project's files wherever it is used from.
  for (const item of loaded.values()) item.svc = rebaseService(item.svc, projectDir);

  return loaded;
}

/**
 * The variables of a service's env_file list, later files winning; `environment:` wins over
 * them all (Compose Specification, env_file). The format is compose's dotenv: NAME=VALUE,
 * `export ` allowed, # comments, matching outer quotes removed, a bare NAME taken from the
 * environment. A missing file is an error unless `required: false`.
 */
function envFileVars(
  files: { path: string; required: boolean }[],
  read: (path: string) => string | undefined,
  env: Record<string, string>,
  where: string,
): Record<string, string> {
  const out: Record<string, string> = {};

  for (const f of files) {
    const text = read(f.path);
    if (text === undefined) {
      if (!f.required) continue;
      throw new RunParseError(`${where}: env file ${f.path} not found: stat ${f.path}: no such file or directory`, where);
    }
    for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
      const line = raw.trim().replace(/^export\s+/, '');
      if (line === '' || line.startsWith('#')) continue;
      const eq = line.indexOf('=');
      const name = (eq < 0 ? line : line.slice(0, eq)).trim();
      if (eq < 0) {
        if (Object.hasOwn(env, name)) out[name] = env[name];
        continue;
      }
      const value = line.slice(eq + 1).trim();
      // A quoted value ends at its closing quote (a comment may follow); an unquoted one at " #".
      const quoted = /^(["'])(.*?)\1(?:\s+#.*)?$/.exec(value);
      out[name] = quoted ? quoted[2] : value.replace(/\s+#.*$/, '');
    }
  }

  return out;
}

function capName(c: string): string {
  const up = c.toUpperCase();

  return up === 'ALL' || up.startsWith('CAP_') ? up : `CAP_${up}`;
}
