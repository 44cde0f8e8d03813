// Differential test: our single-pass parser against dockerfile-ast (the parser of the VS Code
// Docker extension) on hundreds of generated Dockerfiles and a set of hand-written fixtures.
// Both must agree on each instruction's keyword, start and end line, flags and argument text.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DockerfileParser } from 'dockerfile-ast';

import { parseDockerfile } from '../../src/dockerfile/index.js';
import type { DfInstruction } from '../../src/dockerfile/index.js';

interface Shape {
  keyword: string;
  line: number;
  endLine: number;
  flags: string[];
  args: string;
  heredocs: string[];
  inner?: string;
  /** Compare `args` with whitespace runs collapsed (see normalisation 4). */
  loose?: boolean;
}

// dockerfile-ast separates flags only for these instructions; for the others a leading --x
// stays in the arguments. The generator gives flags only to these.
const AST_FLAG_KEYWORDS = new Set(['ADD', 'COPY', 'FROM', 'HEALTHCHECK', 'RUN']);

// Normalisation 1: dockerfile-ast keeps quotes in flag values (--chown="1:1"); BuildKit's
// extractBuilderFlags removes them. We remove them from dockerfile-ast's value.
function unquoteFlagValue(v: string): string {
  return v.replace(/"([^"]*)"|'([^']*)'/g, (_m, a: string | undefined, b: string | undefined) =>
    a ?? b ?? '',
  );
}

function ours(text: string): Shape[] {
  return parseDockerfile(text).instructions.map((i: DfInstruction) => {
    const shape: Shape = {
      keyword: i.keyword,
      line: i.line,
      endLine: i.endLine,
      flags: i.flags.map((f) => (f.value === null ? f.name : `${f.name}=${f.value}`)),
      args: i.args,
      heredocs: i.heredocs.map((h) => h.name),
    };
    if (i.inner) shape.inner = i.inner.keyword;
    return shape;
  });
}

// dockerfile-ast's public classes differ per instruction; this reads the common subset.
interface AstInstruction {
  getKeyword(): string;
  getRange(): { start: { line: number }; end: { line: number } };
  getArgumentsContent(): string | null;
  getFlags?: () => { getName(): string; getValue(): string | null }[];
  getHeredocs?: () => { getName(): string }[];
  getTriggerInstruction?: () => AstInstruction | null;
}

function theirs(text: string): Shape[] {
  const doc = DockerfileParser.parse(text);
  const lineCount = text.split('\n').length;
  const srcLines = text.split(/\r?\n/);
  return (doc.getInstructions() as unknown as AstInstruction[]).map((i) => {
    const keyword = i.getKeyword();
    const heredocs = i.getHeredocs ? i.getHeredocs().map((h) => h.getName()) : [];
    let args = i.getArgumentsContent() ?? '';

    // Normalisation 2: dockerfile-ast's argument text of a heredoc instruction runs on into the
    // heredoc bodies; BuildKit's (and ours) stops at the end of the instruction line.
    if (heredocs.length > 0) args = args.split(/\r?\n/)[0];

    // Normalisation 4: dockerfile-ast keeps some lines that BuildKit skips inside a
    // continuation in its argument text: whitespace-only lines (with their line break) in
    // JSON-capable instructions, and indented comment lines. We cut those comment lines out of
    // its text and then compare both texts with each run of whitespace collapsed to one space
    // (the `loose` mark, applied in compare).
    let loose = false;
    if (heredocs.length === 0) {
      if (args.includes('\n')) {
        args = args
          .split(/\r?\n/)
          .filter((seg) => !/^\s*#/.test(seg))
          .join(' ');
        loose = true;
      }
      const first = i.getRange().start.line;
      for (let ln = first + 1; ln <= i.getRange().end.line && ln < srcLines.length; ln++) {
        const t = srcLines[ln].trim();
        if (t.startsWith('#') && args.includes(t)) {
          args = args.replace(t, ' ');
          loose = true;
        }
      }
    }

    // Normalisation 3: for a continuation that runs to the end of the file, dockerfile-ast ends
    // the range on the last (empty) line after the final newline, which BuildKit's line scanner
    // never reads; we clamp to the last line that exists.
    let endLine = i.getRange().end.line + 1;
    const lastReal = text.endsWith('\n') ? lineCount - 1 : lineCount;
    if (endLine > lastReal) endLine = lastReal;

    const shape: Shape = {
      keyword,
      line: i.getRange().start.line + 1,
      endLine,
      flags: i.getFlags
        ? i.getFlags().map((f) => {
            const v = f.getValue();
            return v === null ? f.getName() : `${f.getName()}=${unquoteFlagValue(v)}`;
          })
        : [],
      args,
      heredocs,
    };
    if (loose) shape.loose = true;
    const trigger = i.getTriggerInstruction ? i.getTriggerInstruction() : null;
    if (trigger) shape.inner = trigger.getKeyword();
    return shape;
  });
}

function compare(text: string, label: string): void {
  const a = ours(text);
  const b = theirs(text);
  const collapse = (s: string) => s.replace(/\s+/g, ' ');
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    if (b[k].loose) {
      a[k].args = collapse(a[k].args).trim();
      b[k].args = collapse(b[k].args).trim();
      delete b[k].loose;
    }
  }
  assert.deepEqual(a, b, `${label}\n--- input ---\n${text}`);
}

// ---- generator -------------------------------------------------------------------------------

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'apt-get', 'install', '-y', '--no-install-recommends', 'curl', '&&', 'rm', '-rf',
  '/var/lib/apt/lists/*', '"a b"', "'c d'", '$HOME', '${APP:-/app}', 'x=1', '/src', '.', '|',
  'echo', 'hello', '>', '/tmp/out', '2>&1', 'chown', '1000:1000', '-R',
];
const FLAGS: Record<string, string[]> = {
  RUN: ['--mount=type=cache,target=/root/.cache', '--network=none', '--security=insecure',
    '--mount=type=secret,id=tok'],
  COPY: ['--chown=1000:1000', '--chmod=0755', '--from=build', '--link', '--parents',
    '--exclude=*.md', '--chown="app:app"'],
  ADD: ['--chown=app', '--keep-git-dir=true', '--checksum=sha256:abc', '--link'],
  FROM: ['--platform=linux/amd64', '--platform=$BUILDPLATFORM'],
  HEALTHCHECK: ['--interval=30s', '--timeout=3s', '--retries=3'],
};

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function caseOf(r: () => number, kw: string): string {
  const x = r();
  if (x < 0.7) return kw;
  if (x < 0.85) return kw.toLowerCase();
  return kw[0] + kw.slice(1).toLowerCase();
}

function argsFor(r: () => number, kw: string): string[] {
  const n = 1 + Math.floor(r() * 5);
  switch (kw) {
    case 'FROM':
      return r() < 0.5 ? ['alpine:3.20'] : ['debian:12', pick(r, ['AS', 'as']), 'build'];
    case 'CMD':
    case 'ENTRYPOINT':
      return r() < 0.5 ? ['["/bin/app",', '"--port",', '"80"]'] : ['/bin/app', '--port', '80'];
    case 'SHELL':
      return ['["/bin/bash",', '"-c"]'];
    case 'ENV':
    case 'ARG':
    case 'LABEL':
      return ['A=1', 'B="two words"', "C='x'"].slice(0, 1 + Math.floor(r() * 3));
    case 'USER':
      return [pick(r, ['app', '1000:1000', '$UID'])];
    case 'WORKDIR':
      return ['/app'];
    case 'EXPOSE':
      return ['80', '443/tcp'];
    case 'VOLUME':
      return r() < 0.5 ? ['["/data"]'] : ['/data', '/logs'];
    case 'COPY':
    case 'ADD':
      return ['src/', 'pkg.json', '/app/'];
    case 'HEALTHCHECK':
      return ['CMD', 'curl', '-f', 'http://localhost/'];
    default:
      // A leading --word would be a flag for BuildKit on every instruction but only on
      // some for dockerfile-ast, so the first word is a command name.
      return [pick(r, ['echo', 'make']), ...Array.from({ length: n }, () => pick(r, WORDS))];
  }
}

const KEYWORDS = ['RUN', 'RUN', 'RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'LABEL', 'USER', 'WORKDIR',
  'EXPOSE', 'VOLUME', 'CMD', 'ENTRYPOINT', 'SHELL', 'HEALTHCHECK', 'STOPSIGNAL', 'ONBUILD'];

interface GenOptions {
  escape: '\\' | '`';
  crlf: boolean;
}

function instructionText(r: () => number, kw: string, o: GenOptions): string[] {
  if (kw === 'ONBUILD') {
    const inner = pick(r, ['RUN', 'COPY', 'ENV', 'USER']);
    return [caseOf(r, 'ONBUILD') + ' ' + caseOf(r, inner) + ' ' + argsFor(r, inner).join(' ')];
  }

  // Heredocs for RUN and COPY: single, several on one line, <<- with tabs, quoted names.
  if ((kw === 'RUN' || kw === 'COPY') && r() < 0.2) {
    const name = pick(r, ['EOF', 'SCRIPT', 'END']);
    const dash = r() < 0.3;
    const quoted = r() < 0.3 ? `"${name}"` : name;
    const head = kw === 'RUN'
      ? `${caseOf(r, 'RUN')} ${pick(r, ['', 'python3 ', 'bash -e '])}<<${dash ? '-' : ''}${quoted}`
      : `${caseOf(r, 'COPY')} <<${dash ? '-' : ''}${quoted} /etc/app.conf`;
    const t = dash ? '\t' : '';
    const out = [head, `${t}line one $HOME`, `${t}line two \\`, `${t}${name}`];
    if (kw === 'RUN' && r() < 0.3) {
      out[0] += ' && cat <<B2';
      out.push('second body', 'B2');
    }
    return out;
  }

  const flags = AST_FLAG_KEYWORDS.has(kw) && FLAGS[kw] && r() < 0.5
    ? Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, FLAGS[kw]))
    : [];
  const tokens = [caseOf(r, kw), ...flags, ...argsFor(r, kw)];

  // Continuations: break between tokens, sometimes with trailing blanks after the escape char,
  // comment lines and empty lines inside (BuildKit skips both).
  const lines: string[] = [];
  let cur = tokens[0];
  for (const tok of tokens.slice(1)) {
    if (r() < 0.25) {
      lines.push(cur + ' ' + o.escape + (r() < 0.2 ? '  ' : ''));
      if (r() < 0.2) lines.push(pick(r, ['# a comment', '    # indented comment']));
      if (r() < 0.15) lines.push(pick(r, ['', '   ']));
      cur = pick(r, ['  ', '\t', '']) + tok;
    } else {
      cur += ' ' + tok;
    }
  }
  lines.push(cur + (r() < 0.1 ? '   ' : ''));
  return lines;
}

function generate(seed: number): string {
  const r = rng(seed);
  const o: GenOptions = { escape: r() < 0.2 ? '`' : '\\', crlf: r() < 0.2 };
  const out: string[] = [];

  if (r() < 0.3) out.push('# syntax=docker/dockerfile:1');
  if (o.escape === '`') out.push('# escape=`');
  if (r() < 0.3) out.push('ARG BASE=alpine');

  const stages = 1 + Math.floor(r() * 3);
  for (let s = 0; s < stages; s++) {
    out.push(...instructionText(r, 'FROM', o));
    const n = 2 + Math.floor(r() * 10);
    for (let k = 0; k < n; k++) {
      if (r() < 0.15) out.push(pick(r, ['', '# comment', '  # indented comment']));
      const lines = instructionText(r, pick(r, KEYWORDS), o);
      if (r() < 0.1) lines[0] = '  ' + lines[0];
      out.push(...lines);
    }
  }

  const eol = o.crlf ? '\r\n' : '\n';
  return out.join(eol) + (r() < 0.8 ? eol : '');
}

// ---- tests -----------------------------------------------------------------------------------

describe('parseDockerfile agrees with dockerfile-ast', () => {
  test('on 600 generated Dockerfiles', () => {
    for (let seed = 1; seed <= 600; seed++) compare(generate(seed), `seed ${seed}`);
  });

  const fixtures: [string, string][] = [
    ['plain stages', 'FROM alpine AS a\nRUN echo a\nFROM a\nCOPY --from=a /x /y\n'],
    ['continuation with comment and blank lines',
      'FROM x\nRUN a \\\n# c\n\n  b \\\n  c\nUSER app\n'],
    ['backtick escape directive',
      '# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\nCOPY a `\n  b\n'],
    ['CRLF endings', 'FROM x\r\nRUN a \\\r\n  b\r\nCMD ["x"]\r\n'],
    ['trailing whitespace after escape', 'FROM x\nRUN a \\   \n  b\n'],
    ['lowercase keywords', 'from x as y\nrun echo\ncopy --chown=1:1 a b\n'],
    ['several heredocs on one line',
      'FROM x\nCOPY <<A /a <<B /b\nalpha\nA\nbeta\nB\nRUN ls\n'],
    ['heredoc with tabs stripped', 'FROM x\nRUN <<-EOF\n\techo hi\n\tEOF\nUSER u\n'],
    ['quoted heredoc delimiter', "FROM x\nRUN <<'EOF' bash\necho $HOME\nEOF\n"],
    ['onbuild', 'FROM x\nONBUILD RUN echo hi\nONBUILD COPY . /app\n'],
    ['repeated mount flags',
      'FROM x\nRUN --mount=type=cache,target=/a --mount=type=bind,source=b,target=/b make\n'],
    ['healthcheck options', 'FROM x\nHEALTHCHECK --interval=5s --retries=3 CMD curl -f x\n'],
    ['empty continuation at EOF', 'FROM x\nRUN echo \\\n'],
    ['no final newline', 'FROM x\nRUN echo hi'],
  ];
  for (const [name, text] of fixtures) {
    test(`fixture: ${name}`, () => compare(text, name));
  }
});
