// /etc/profile, the file every login shell reads first (bash -l, su -, sudo -i, a login SHELL):
// Debian's own text, and which of a profile's commands the model runs.

import type { AndOr, Command, Script, SimpleCommand } from './ast.js';
import type { ImageState } from '../model/types.js';
import { childrenOf, isUnder, resolvePath } from '../image/fs.js';
import { PLAIN_DISTRO, unknownOnPath } from './commands/builtins.js';

/**
 * Debian's /etc/profile (package base-files), as read from the oracle's debootstrap minbase
 * bookworm tree (base-files 12.4+deb12u15) with `buildah run ... cat /etc/profile`. Its first
 * lines reset PATH for every login shell, by the uid: root gets the system folders with the
 * sbin ones, any other user `/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games`
 * (measured: sudo-path/login-path-values). The same text is taken for the other Debian releases
 * and the images built on Debian (python, node); Ubuntu's /etc/profile sets no PATH (PATH comes
 * from /etc/environment through PAM there) and is not this text.
 */
export const DEBIAN_PROFILE = `# /etc/profile: system-wide .profile file for the Bourne shell (sh(1))
# and Bourne compatible shells (bash(1), ksh(1), ash(1), ...).

if [ "$(id -u)" -eq 0 ]; then
  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
else
  PATH="/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"
fi
export PATH

if [ "\${PS1-}" ]; then
  if [ "\${BASH-}" ] && [ "$BASH" != "/bin/sh" ]; then
    # The file bash.bashrc already sets the default PS1.
    # PS1='\\h:\\w\\$ '
    if [ -f /etc/bash.bashrc ]; then
      . /etc/bash.bashrc
    fi
  else
    if [ "$(id -u)" -eq 0 ]; then
      PS1='# '
    else
      PS1='$ '
    fi
  fi
fi

if [ -d /etc/profile.d ]; then
  for i in /etc/profile.d/*.sh; do
    if [ -r $i ]; then
      . $i
    fi
  done
  unset i
fi
`;

/**
 * The text /etc/profile had when the image came, where the model knows it: Debian's, on a
 * Debian image (the catalog's debian and the families built on it) that still has the file.
 */
export function stockProfile(state: ImageState): string | undefined {
  if (state.distro !== 'debian') return undefined;
  const r = resolvePath(state.fs, '/etc/profile');
  // Removed by a step (known missing): no text.
  if (r.meta === undefined && !r.unknown) return undefined;

  return DEBIAN_PROFILE;
}

const PROFILE_D = '/etc/profile.d';

/**
 * Whether the scripts /etc/profile sources from /etc/profile.d are known to be none: on the
 * plain debian images, whose folder is empty (read from the oracle's debootstrap minbase
 * bookworm tree), while no step put a `*.sh` file there or may have (a command or COPY the model
 * does not follow). Elsewhere (conda's conda.sh puts its condabin first; the devcontainers
 * images restore PATH there) what they do to PATH is not known.
 */
export function profileScriptsKnown(state: ImageState): boolean {
  if (state.distro !== 'debian' || !PLAIN_DISTRO.test(state.base)) return false;
  if (childrenOf(state.fs, PROFILE_D).some((p) => p.endsWith('.sh'))) return false;
  if (state.fs.get('/etc')?.filled === true || state.fs.get(PROFILE_D)?.filled === true) return false;
  if (state.assumptions.some((a) => a.paths?.some((p) => isUnder(p, PROFILE_D) || isUnder(PROFILE_D, p)))) return false;

  return !unknownOnPath(state.unknowns, [PROFILE_D]);
}

/** The text a login shell reads from /etc/profile: what a build wrote there, else the image's. */
export function profileText(state: ImageState): string | undefined {
  return state.texts['/etc/profile']?.content ?? stockProfile(state);
}

// umask's operand may be symbolic (u=rwx,g=rx,o=), which the umask builtin reads as the shell does.
const SIMPLE_LINE = /^(umask\s+[0-7ugoa=+,rwxXs-]+|(export\s+)?[A-Za-z_][A-Za-z0-9_]*=.*|export(\s+[A-Za-z_][A-Za-z0-9_]*)+)$/;

/**
 * Whether a command of /etc/profile is one the model runs: `umask MODE` (octal or symbolic), an assignment or export
 * without command substitution, pipes or redirections, and an `if` on whether the user is root
 * (`[ "$(id -u)" -eq 0 ]`, Debian's PATH lines) whose branches hold only such commands. Any
 * other command (the PS1 block, the loop sourcing /etc/profile.d) is passed over: what it does
 * is left to the unknown startup files. The `if` is passed over too when scripts of
 * /etc/profile.d that the model does not know run after it (scriptsKnown false): the PATH it
 * sets may not be the PATH they leave, which is then left as it was.
 */
export function profileCommandRuns(c: Command, scriptsKnown: boolean): boolean {
  if (c.type === 'cmd') return simpleRuns(c);
  if (!scriptsKnown || c.type !== 'if' || c.redirs.length > 0 || c.clauses.length !== 1) return false;
  const [{ cond, body }] = c.clauses;
  if (!isRootTest(cond)) return false;

  return [body, c.elseBody ?? { items: [] }].every((s) => s.items.every((it) => !it.background && simpleRuns(onlyCommand(it.andOr))));
}

/** The one command of an and-or list of one pipeline of one command. */
export function onlyCommand(a: AndOr): Command | undefined {
  if (a.rest.length > 0 || a.first.negated || a.first.commands.length !== 1) return undefined;

  return a.first.commands[0];
}

function simpleRuns(c: Command | undefined): boolean {
  if (c === undefined || c.type !== 'cmd' || c.redirs.length > 0) return false;
  const raw = commandRaw(c);

  return SIMPLE_LINE.test(raw) && !/[`;&|<>]|\$\(/.test(raw);
}

function commandRaw(c: SimpleCommand): string {
  return [...c.assigns.map((a) => `${a.name}=${a.value.raw}`), ...c.args.map((w) => w.raw)].join(' ');
}

/** `[ "$(id -u)" -eq 0 ]`, also with `test`, unquoted, backquotes or `=`. */
function isRootTest(cond: Script): boolean {
  if (cond.items.length !== 1 || cond.items[0].background) return false;
  const c = onlyCommand(cond.items[0].andOr);
  if (c === undefined || c.type !== 'cmd' || c.assigns.length > 0 || c.redirs.length > 0) return false;
  let words = c.args.map((w) => w.raw);
  if (words[0] === '[' && words[words.length - 1] === ']') words = words.slice(1, -1);
  else if (words[0] === 'test') words = words.slice(1);
  else return false;

  return words.length === 3 && /^"?(\$\(id -u\)|`id -u`)"?$/.test(words[0]) && (words[1] === '-eq' || words[1] === '=') && /^"?0"?$/.test(words[2]);
}

/**
 * A profile the parser does not read as a whole: its lines that are simple commands on their
 * own (the way the model took every profile before it read the `if` block).
 */
export function profileLines(text: string, parse: (line: string) => { script: Script } | { error: string[] }): Script['items'] {
  const items: Script['items'] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!SIMPLE_LINE.test(line) || /[`;&|<>]|\$\(/.test(line)) continue;
    const parsed = parse(line);
    if ('error' in parsed) continue;
    items.push(...parsed.script.items);
  }

  return items;
}
