// .dockerignore as the builders read it: the file's lines as moby's ignorefile.ReadAll gives
// them, each compiled and matched as moby/patternmatcher does, and the walk over the context as
// each builder makes it (which excluded folders it still opens because a `!` line may bring
// something inside back).

import type { Builder } from '../shell/context.js';

/** Go's filepath.Clean for slash-separated paths: no empty or '.' parts, '..' folded. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  const out = (rooted ? '/' : '') + parts.join('/');

  return out === '' ? '.' : out;
}

/**
 * The patterns of a .dockerignore (ignorefile.ReadAll): a UTF-8 BOM is dropped, a line that
 * starts with '#' is a comment (only in the first column), blank lines are skipped, each line is
 * trimmed and cleaned, a leading '/' is dropped, and '!' (spaces after it allowed) stays in front.
 */
export function readIgnoreLines(text: string): string[] {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    // bufio.ScanLines drops a carriage return before the newline.
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('#')) continue;
    let p = line.trim();
    if (p === '') continue;
    const invert = p.startsWith('!');
    if (invert) p = p.slice(1).trim();
    if (p !== '') {
      p = cleanPath(p);
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
    }
    out.push(invert ? `!${p}` : p);
  }

  return out;
}

type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

/** One compiled line: its text without '!', whether it re-includes, and how it matches. */
export interface IgnorePattern {
  text: string;
  exception: boolean;
  kind: MatchKind;
  re?: RegExp;
}

// The characters patternmatcher escapes before making a regular expression of the rest.
const ESCAPED = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/**
 * A pattern's matching (patternmatcher compile): a plain name matches exactly; a trailing `**`
 * after plain text matches as a prefix; a leading `**` as a suffix (`**\/x` also matches `x`);
 * anything else becomes a regular expression where `*` and `?` stay within one path part and
 * `**` (its following '/' eaten) spans any number of parts, even none.
 */
function compile(text: string): Pick<IgnorePattern, 'kind' | 're'> {
  let re = '^';
  let kind: MatchKind = 'exact';
  const chars = [...text];
  for (let i = 0, at = 0; at < chars.length; i++) {
    const ch = chars[at++];
    if (ch === '*') {
      if (chars[at] === '*') {
        at++;
        if (chars[at] === '/') at++;
        if (at >= chars.length) {
          if (kind === 'exact') kind = 'prefix';
          else {
            re += '.*';
            kind = 'regexp';
          }
        } else {
          re += '(.*/)?';
          kind = 'regexp';
        }
        if (i === 0) kind = 'suffix';
      } else {
        re += '[^/]*';
        kind = 'regexp';
      }
    } else if (ch === '?') {
      re += '[^/]';
      kind = 'regexp';
    } else if (ESCAPED.has(ch)) {
      re += `\\${ch}`;
    } else if (ch === '\\') {
      if (at < chars.length) {
        re += `\\${chars[at++]}`;
        kind = 'regexp';
      } else re += '\\'; // as Go: it escapes the '$' added at the end
    } else if (ch === '[' || ch === ']') {
      re += ch;
      kind = 'regexp';
    } else re += ch;
  }
  if (kind !== 'regexp') return { kind };
  try {
    return { kind, re: new RegExp(`${re}$`) };
  } catch {
    // Go refuses the pattern when the builder reads it; here it matches nothing.
    return { kind: 'exact' };
  }
}

function matchOne(p: IgnorePattern, path: string): boolean {
  switch (p.kind) {
    case 'exact':
      return path === p.text;
    case 'prefix':
      return path.startsWith(p.text.slice(0, -2));
    case 'suffix': {
      const suffix = p.text.slice(2);
      return path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
    }
    default:
      return p.re!.test(path);
  }
}

/** Characters that make a `!` line a wildcard for BuildKit's walk (fsutil patternChars). */
const PATTERN_CHARS = /[*[\]?^\\]/;

/** fsutil's patternWithoutTrailingGlob: the text less one trailing '/**', then one '/*'. */
function withoutTrailingGlob(text: string): string {
  let t = text.endsWith('/**') ? text.slice(0, -3) : text;
  if (t.endsWith('/*')) t = t.slice(0, -2);

  return t;
}

/**
 * Per pattern, whether it matched the folder above (patternmatcher MatchInfo): BuildKit's walk
 * carries it from a folder to its entries.
 */
export type ParentMatches = boolean[];

/**
 * A .dockerignore compiled for one builder. BuildKit walks the context with fsutil, which asks
 * MatchesUsingParentResults and opens an excluded folder whenever a `!` line has a wildcard
 * (or names something below it); buildah 1.28 and the classic builder ask
 * MatchesOrParentMatches and open an excluded folder only when a `!` line starts with its path
 * (measured with buildah: `*` with `!**\/*.sh` sends no folder, `!scripts/*.sh` opens scripts).
 */
export class DockerIgnore {
  readonly patterns: IgnorePattern[];
  readonly hasExceptions: boolean;
  private readonly onlyPrefixExceptions: boolean;

  constructor(lines: string[], readonly builder: Builder) {
    this.patterns = [];
    for (const raw of lines) {
      let p = raw.trim();
      if (p === '') continue;
      p = cleanPath(p);
      const exception = p.startsWith('!');
      if (exception) p = p.slice(1);
      // A lone '!' stops the build ("illegal exclusion pattern"); it excludes nothing here.
      if (p === '') continue;
      this.patterns.push({ text: p, exception, ...compile(p) });
    }
    this.hasExceptions = this.patterns.some((p) => p.exception);
    this.onlyPrefixExceptions = !this.patterns.some((p) => p.exception && PATTERN_CHARS.test(withoutTrailingGlob(p.text)));
  }

  static parse(text: string, builder: Builder): DockerIgnore {
    return new DockerIgnore(readIgnoreLines(text), builder);
  }

  /**
   * Whether a context path (relative, slash-separated) is left out, and the per-pattern matches
   * to pass to its entries. Later lines win: a pattern is tried only when it could change the
   * answer so far. With no parent results the path's folders are tried too
   * (MatchesOrParentMatches); with them (BuildKit below the top), a pattern that matched the
   * folder matches the entry, and the others are tried on the entry alone.
   */
  match(rel: string, parent?: ParentMatches): { excluded: boolean; matches: ParentMatches } {
    const useParents = parent !== undefined && parent.length > 0 && this.builder === 'buildkit';
    const matches: ParentMatches = new Array(this.patterns.length).fill(false);
    const slash = rel.lastIndexOf('/');
    let excluded = false;
    this.patterns.forEach((p, i) => {
      let m = useParents ? parent![i] : false;
      if (!m) {
        if (p.exception !== excluded) return;
        m = matchOne(p, rel);
        if (!m && !useParents && slash > 0) {
          // Each folder above, from the top: "a", "a/b", ...
          for (let at = rel.indexOf('/'); at > 0 && at <= slash; at = rel.indexOf('/', at + 1)) {
            if (matchOne(p, rel.slice(0, at))) {
              m = true;
              break;
            }
          }
        }
      }
      matches[i] = m;
      if (m) excluded = !p.exception;
    });

    return { excluded, matches };
  }

  /**
   * Whether a path is left out, and its per-pattern matches: for BuildKit worked out from the
   * top, folder by folder, as its walk does; for the others on the path with its folders.
   */
  matchPath(rel: string): { excluded: boolean; matches: ParentMatches } {
    if (this.builder !== 'buildkit') return this.match(rel);
    let info: ParentMatches | undefined;
    for (let at = rel.indexOf('/'); at > 0; at = rel.indexOf('/', at + 1)) info = this.match(rel.slice(0, at), info).matches;

    return this.match(rel, info);
  }

  /**
   * Whether the walk still opens an excluded folder, as something inside may be brought back:
   * never without `!` lines; for buildah and the classic builder when a `!` line starts with the
   * folder's path; for BuildKit also always when a `!` line has a wildcard.
   */
  opens(relDir: string): boolean {
    if (!this.hasExceptions) return false;
    if (this.builder === 'buildkit' && !this.onlyPrefixExceptions) return true;
    const dirSlash = `${relDir}/`;
    const text = (p: IgnorePattern) => (this.builder === 'buildkit' ? withoutTrailingGlob(p.text) : p.text);

    return this.patterns.some((p) => p.exception && `${text(p)}/`.startsWith(dirSlash));
  }

  /**
   * The folders on the way to a named source that the walk does not open (BuildKit reads a COPY
   * source through the same filtered walk from the top): the first such folder, else undefined.
   */
  closedOnTheWay(rel: string): string | undefined {
    if (this.builder !== 'buildkit') return undefined;
    let info: ParentMatches | undefined;
    for (let at = rel.indexOf('/'); at > 0; at = rel.indexOf('/', at + 1)) {
      const dir = rel.slice(0, at);
      const r = this.match(dir, info);
      if (r.excluded && !this.opens(dir)) return dir;
      info = r.matches;
    }

    return undefined;
  }
}
