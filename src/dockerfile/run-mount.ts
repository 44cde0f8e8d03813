// RUN --mount=... as BuildKit's Dockerfile frontend reads it (frontend/dockerfile/instructions/
// runmount.go, parseMount): comma-separated key=value fields, read as one CSV record, the type
// bind by default. Values are returned as written; the simulator expands variables in them.

/** Split a value on commas, honouring double quotes, as Go's CSV reader does for one record. */
export function splitCsv(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;

  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);

  return out.filter((f) => f !== '');
}

export interface RunMountFlag {
  /** Lower-cased, 'bind' when not written. */
  type: string;
  target?: string;
  source?: string;
  from?: string;
  id?: string;
  uid?: string;
  gid?: string;
  mode?: string;
  /** secret: the variable the secret is given in instead of a file (dockerfile 1.10). */
  env?: string;
  /** ro/readonly given true, or rw/readwrite given false: undefined when neither is written. */
  readonly?: boolean;
  required?: boolean;
}

/** A bare boolean key means true (`ro`, `rw`, `required`); otherwise strconv.ParseBool's words. */
function bool(v: string | undefined): boolean {
  return v === undefined || /^(1|t|true)$/i.test(v);
}

/** One --mount value. Keys BuildKit would refuse are left out rather than failing the check. */
export function parseRunMount(value: string): RunMountFlag {
  const m: RunMountFlag = { type: 'bind' };

  for (const field of splitCsv(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);

    switch (key) {
      case 'type': m.type = (val ?? '').toLowerCase(); break;
      case 'target': case 'dst': case 'destination': m.target = val; break;
      case 'source': case 'src': m.source = val; break;
      case 'from': m.from = val; break;
      case 'id': m.id = val; break;
      case 'uid': m.uid = val; break;
      case 'gid': m.gid = val; break;
      case 'mode': m.mode = val; break;
      case 'env': m.env = val; break;
      case 'readonly': case 'ro': m.readonly = bool(val); break;
      case 'readwrite': case 'rw': m.readonly = !bool(val); break;
      case 'required': m.required = bool(val); break;
      default: break;
    }
  }

  return m;
}

const MOUNT_TYPES = new Set(['bind', 'cache', 'tmpfs', 'secret', 'ssh']);
const MOUNT_KEYS = new Set(['type', 'from', 'source', 'src', 'target', 'dst', 'destination', 'readonly', 'ro', 'readwrite', 'rw', 'required', 'size', 'id', 'sharing', 'mode', 'uid', 'gid', 'env']);

/**
 * Why BuildKit's Dockerfile frontend refuses a --mount value before any step runs (parseMount
 * and validateMount in frontend/dockerfile/instructions/commands_runmount.go), in its words; a
 * value with a variable is left alone, as it is read once expanded. Undefined when it is taken.
 */
export function mountError(value: string): string | undefined {
  if (value.includes('$')) return undefined;
  let type = 'bind';
  let mode: string | undefined;
  let uid: string | undefined;
  let gid: string | undefined;
  let from: string | undefined;
  let sharing: string | undefined;
  const fields = splitCsv(value);
  // The type decides which keys are allowed: read it first, as the frontend does.
  for (const f of fields) if (f.toLowerCase().startsWith('type=')) type = f.slice(5).toLowerCase();
  if (!MOUNT_TYPES.has(type)) return `unsupported mount type "${fields.find((f) => f.toLowerCase().startsWith('type='))!.slice(5)}"`;

  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = field.slice(eq + 1);
    if (eq < 0) {
      if (['readonly', 'ro', 'readwrite', 'rw'].includes(key)) continue;
      if (key === 'required') {
        if (type === 'secret' || type === 'ssh') continue;
        return `unexpected key '${key}' for mount type '${type}'`;
      }
      return `invalid field '${field}' must be a key=value pair`;
    }
    if (!MOUNT_KEYS.has(key)) return `unexpected key '${key}' in '${field}'`;
    if (['readonly', 'ro', 'readwrite', 'rw', 'required'].includes(key) && !/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(val)) return `invalid value for ${key}: ${val}`;
    if ((key === 'required' && type !== 'secret' && type !== 'ssh') || (key === 'size' && type !== 'tmpfs')) return `unexpected key '${key}' for mount type '${type}'`;
    if (key === 'mode') mode = val;
    if (key === 'uid') uid = val;
    if (key === 'gid') gid = val;
    if (key === 'from') from = val;
    if (key === 'sharing') sharing = val;
  }
  // strconv.ParseUint: base 8 for mode, base 10 for the ids, 32 bits.
  if (mode !== undefined && !(/^[0-7]+$/.test(mode) && parseInt(mode, 8) <= 0xffffffff)) return `invalid value ${mode} for mode`;
  if (uid !== undefined && !(/^\d+$/.test(uid) && Number(uid) <= 0xffffffff)) return `invalid value ${uid} for uid`;
  if (gid !== undefined && !(/^\d+$/.test(gid) && Number(gid) <= 0xffffffff)) return `invalid value ${gid} for gid`;
  if (sharing !== undefined && !['shared', 'private', 'locked'].includes(sharing.toLowerCase())) return `unsupported sharing value "${sharing}"`;
  if (type !== 'secret' && type !== 'ssh' && type !== 'cache') {
    if (mode !== undefined) return `mode not allowed for "${type}" type mounts`;
    if (uid !== undefined) return `uid not allowed for "${type}" type mounts`;
    if (gid !== undefined) return `gid not allowed for "${type}" type mounts`;
  }
  if (type === 'secret' && from !== undefined) return 'secret mount should not have a from';
  if (sharing !== undefined && type !== 'cache') return `invalid cache sharing set for ${type} mount`;

  return undefined;
}
