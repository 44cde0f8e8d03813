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
