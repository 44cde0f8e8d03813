// The umask builtin's operand: an octal number, or a symbolic mode (XCU umask: the `who`,
// `op` and `perm` lists of chmod, naming the permissions to keep, not the bits to clear).
// dash and bash read the symbolic form each their own way, and BusyBox ash is not modelled.
import type { Flavor } from './commands/builtins.js';

/** The new mask, or the shell's complaint and the builtin's status (the shell goes on). */
export type UmaskResult = { mask: number } | { error: string; status: number };

/**
 * Apply a umask operand to the current mask. undefined: a shell whose reading the model does
 * not know (BusyBox ash's symbolic form). umask(2) keeps the permission bits only (& 0777).
 */
export function umaskOperand(spec: string, old: number, flavor: Flavor): UmaskResult | undefined {
  if (flavor === 'dash') return dashUmask(spec, old);
  if (flavor === 'bash') return bashUmask(spec, old);
  if (/^[0-7]+$/.test(spec)) return { mask: parseInt(spec, 8) & 0o777 };

  return undefined;
}

/**
 * dash 0.5.12 (miscbltin.c umaskcmd, taken from pdksh): a leading digit means octal, any
 * length ("Illegal number: 8", status 2). Otherwise clauses of [augo]* (none is a), then one
 * or more of [=+-] each with [rwxugoXs]*: r w x; u g o copy that class of the permissions the
 * mask allowed before the command; X is x when any class of those could execute; s is
 * ignored (t is not taken). A clause ends at `,` (a trailing comma is taken); anything else
 * is "Illegal mode: SPEC", status 2. Measured with dash 0.5.12: u=g gives 0222 from 0022,
 * u-w+x 0222, u==r 0322, a+s 0022, u+t and ,u=rwx illegal.
 */
function dashUmask(spec: string, old: number): UmaskResult {
  if (/^[0-9]/.test(spec)) {
    if (!/^[0-7]+$/.test(spec)) return { error: `Illegal number: ${spec}`, status: 2 };
    return { mask: parseInt(spec, 8) & 0o777 };
  }
  const allowed = ~old & 0o777;
  let keep = allowed;
  let positions = 0;
  let i = 0;
  while (i < spec.length) {
    while (i < spec.length && 'augo'.includes(spec[i])) {
      const c = spec[i++];
      positions |= c === 'a' ? 0o111 : c === 'u' ? 0o100 : c === 'g' ? 0o010 : 0o001;
    }
    if (positions === 0) positions = 0o111;
    const op = spec[i];
    if (op === undefined || !'=+-'.includes(op)) break;
    i++;
    let val = 0;
    while (i < spec.length && 'rwxugoXs'.includes(spec[i])) {
      const c = spec[i++];
      if (c === 'r') val |= 4;
      else if (c === 'w') val |= 2;
      else if (c === 'x') val |= 1;
      else if (c === 'u') val |= allowed >> 6;
      else if (c === 'g') val |= allowed >> 3;
      else if (c === 'o') val |= allowed;
      else if (c === 'X' && allowed & 0o111) val |= 1;
    }
    const bits = (val & 7) * positions;
    if (op === '-') keep &= ~bits;
    else if (op === '+') keep |= bits;
    else keep = bits | (keep & ~(positions * 7));
    if (spec[i] === ',') {
      positions = 0;
      i++;
    } else if (i >= spec.length || !'=+-'.includes(spec[i])) {
      break;
    }
  }
  if (i < spec.length) return { error: `Illegal mode: ${spec}`, status: 2 };

  return { mask: ~keep & 0o777 };
}

/**
 * bash 5.2 (builtins/umask.def): a leading digit means octal up to 07777 ("N: octal number out
 * of range", status 1). Otherwise clauses of [agou]* (none: every class, no umask applied),
 * one operator ("`C': invalid symbolic mode operator") and [rwx]* only, then `,` or the end
 * ("`C': invalid symbolic mode character"), both status 1. Measured with bash 5.2.15: u=g,
 * u-w+x and a trailing comma are refused.
 */
function bashUmask(spec: string, old: number): UmaskResult {
  if (/^[0-9]/.test(spec)) {
    const n = /^[0-7]+$/.test(spec) ? parseInt(spec, 8) : NaN;
    if (!(n <= 0o7777)) return { error: `${spec}: octal number out of range`, status: 1 };
    return { mask: n & 0o777 };
  }
  let keep = ~old & 0o777;
  let i = 0;
  for (;;) {
    let who = 0;
    while (i < spec.length && 'agou'.includes(spec[i])) {
      const c = spec[i++];
      who |= c === 'a' ? 0o777 : c === 'u' ? 0o700 : c === 'g' ? 0o070 : 0o007;
    }
    const op = spec[i++] ?? '';
    if (!'+-='.includes(op) || op === '') return { error: `\`${op}': invalid symbolic mode operator`, status: 1 };
    let perm = 0;
    while (i < spec.length && 'rwx'.includes(spec[i])) {
      const c = spec[i++];
      perm |= c === 'r' ? 0o444 : c === 'w' ? 0o222 : 0o111;
    }
    if (i < spec.length && spec[i] !== ',') return { error: `\`${spec[i]}': invalid symbolic mode character`, status: 1 };
    if (who !== 0) perm &= who;
    if (op === '+') keep |= perm;
    else if (op === '-') keep &= ~perm;
    else keep = (keep & ~(who === 0 ? 0o777 : who)) | perm;
    if (i >= spec.length) break;
    i++;
  }

  return { mask: ~keep & 0o777 };
}

/** `umask -S`: the permissions the mask keeps, u=rwx,g=rx,o=rx (dash and bash alike). */
export function symbolicUmask(mask: number): string {
  const keep = ~mask & 0o777;
  return ['u', 'g', 'o'].map((who, k) => {
    const bits = (keep >> (6 - 3 * k)) & 7;
    return `${who}=${bits & 4 ? 'r' : ''}${bits & 2 ? 'w' : ''}${bits & 1 ? 'x' : ''}`;
  }).join(',');
}
