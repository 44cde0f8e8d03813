// Behaviour of parseDockerfile, case by case, following BuildKit's parser
// (moby/buildkit frontend/dockerfile/parser/parser.go) and the checks of
// frontend/dockerfile/instructions/parse.go.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { parseDockerfile, parseKeyValues } from '../../src/dockerfile/index.js';

function only(text: string, index = 1) {
  const df = parseDockerfile(text);
  return df.instructions[index];
}

describe('parser directives', () => {
  test('syntax, escape and check at the top are read', () => {
    const text = '# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\nFROM x\n';
    const df = parseDockerfile(text);
    assert.equal(df.syntax, 'docker/dockerfile:1');
    assert.equal(df.escape, '`');
    assert.deepEqual(df.directives, {
      syntax: 'docker/dockerfile:1',
      check: 'skip=all',
      escape: '`',
    });
    assert.deepEqual(df.errors, []);
  });

  test('names are case-insensitive and spaces are allowed', () => {
    const df = parseDockerfile('#  ESCAPE = `\nFROM x\n');
    assert.equal(df.escape, '`');
  });

  const ignored: [string, string][] = [
    ['after a comment', '# hello\n# escape=`\nFROM x\n'],
    ['after a blank line', '\n# escape=`\nFROM x\n'],
    ['after an instruction', 'FROM x\n# escape=`\n'],
    ['after an unknown directive', '# foo=bar\n# escape=`\nFROM x\n'],
  ];
  for (const [name, text] of ignored) {
    test(`a directive ${name} is a plain comment`, () => {
      const df = parseDockerfile(text);
      assert.equal(df.escape, '\\');
      assert.equal(df.directives.escape, undefined);
    });
  }

  test('a repeated directive is an error', () => {
    const df = parseDockerfile('# escape=`\n# escape=\\\nFROM x\n');
    const message = 'only one escape parser directive can be used';
    assert.deepEqual(df.errors, [{ line: 2, message }]);
    assert.equal(df.escape, '`');
  });

  test('an escape other than \\ or ` is an error and the default stays', () => {
    const df = parseDockerfile('# escape=x\nFROM x\n');
    assert.equal(df.escape, '\\');
    assert.equal(df.errors[0].line, 1);
    assert.match(df.errors[0].message, /invalid escape token 'x'/);
  });
});

describe('lines and continuations', () => {
  test('a continuation joins lines and skips comment and empty lines', () => {
    const i = only('FROM x\nRUN apt-get update \\\n  # why\n\n  && apt-get install curl\nUSER a\n');
    assert.deepEqual([i.line, i.endLine, i.args], [
      2, 5, 'apt-get update   && apt-get install curl',
    ]);
  });

  test('blanks after the escape char still continue the line', () => {
    assert.equal(only('FROM x\nRUN a \\  \t\n b\n').args, 'a  b');
  });

  test('an escaped escape char at the end does not continue', () => {
    const df = parseDockerfile('FROM x\nRUN echo a\\\\\nUSER b\n');
    assert.equal(df.instructions.length, 3);
    assert.equal(df.instructions[1].args, 'echo a\\\\');
  });

  test('backtick escape continues lines and leaves backslashes alone', () => {
    const i = only('# escape=`\nFROM x\nRUN dir c:\\ `\n  /b\n');
    assert.deepEqual([i.line, i.endLine, i.args], [3, 4, 'dir c:\\   /b']);
  });

  test('CRLF endings are handled', () => {
    const df = parseDockerfile('FROM x\r\nRUN a \\\r\n  b\r\nUSER u\r\n');
    assert.deepEqual(df.instructions.map((i) => [i.keyword, i.line, i.endLine, i.args]), [
      ['FROM', 1, 1, 'x'],
      ['RUN', 2, 3, 'a   b'],
      ['USER', 4, 4, 'u'],
    ]);
  });

  test('a continuation at the end of the file is fine', () => {
    const df = parseDockerfile('FROM x\nRUN echo \\\n');
    assert.deepEqual(df.errors, []);
    assert.deepEqual([df.instructions[1].args, df.instructions[1].endLine], ['echo', 2]);
  });

  test('keywords are upper-cased and leading whitespace is ignored', () => {
    const df = parseDockerfile('  from x\n\tcopy a b\n');
    assert.deepEqual(df.instructions.map((i) => i.keyword), ['FROM', 'COPY']);
  });

  test('a UTF-8 byte order mark is skipped', () => {
    assert.equal(parseDockerfile('\uFEFFFROM x\n').instructions[0].keyword, 'FROM');
  });
});

describe('flags', () => {
  test('repeated --mount flags are kept in order', () => {
    const text = 'FROM x\nRUN --mount=type=cache,target=/a --mount=type=secret,id=t \\\n' +
      ' --network=none make\n';
    const i = only(text);
    assert.deepEqual(i.flags, [
      { name: 'mount', value: 'type=cache,target=/a' },
      { name: 'mount', value: 'type=secret,id=t' },
      { name: 'network', value: 'none' },
    ]);
    assert.equal(i.args, 'make');
  });

  test('flag quotes are removed and a flag without = has a null value', () => {
    const i = only('FROM x\nCOPY --chown="app:app" --link --chmod=0755 a /b\n');
    assert.deepEqual(i.flags, [
      { name: 'chown', value: 'app:app' },
      { name: 'link', value: null },
      { name: 'chmod', value: '0755' },
    ]);
    assert.equal(i.args, 'a /b');
  });

  test('FROM --platform and HEALTHCHECK options', () => {
    const df = parseDockerfile(
      'FROM --platform=$BUILDPLATFORM x\nHEALTHCHECK --interval=5s CMD true',
    );
    assert.deepEqual(df.instructions[0].flags, [{ name: 'platform', value: '$BUILDPLATFORM' }]);
    assert.deepEqual(df.instructions[1].flags, [{ name: 'interval', value: '5s' }]);
    assert.equal(df.instructions[1].args, 'CMD true');
  });

  test('a lone -- ends the flags', () => {
    const i = only('FROM x\nRUN --network=none -- --not-a-flag\n');
    assert.deepEqual(i.flags, [{ name: 'network', value: 'none' }]);
    assert.equal(i.args, '--not-a-flag');
  });

  test('an unknown flag is an error', () => {
    const df = parseDockerfile('FROM x\nCOPY --owner=1 a b\n');
    assert.deepEqual(df.errors, [{ line: 2, message: 'unknown flag: owner' }]);
  });
});

describe('exec (JSON) form', () => {
  const cases: [string, string, string[] | null][] = [
    ['CMD array', 'CMD ["a", "b c"]', ['a', 'b c']],
    ['ENTRYPOINT shell form', 'ENTRYPOINT exec app', null],
    ['invalid JSON falls back to shell form', "CMD ['a']", null],
    ['an unclosed array is shell form', 'CMD ["python", "app.py"', null],
    ['a comma after the last element is shell form', 'ENTRYPOINT ["python", "app.py",]', null],
    ['COPY array', 'COPY ["a b", "/c"]', ['a b', '/c']],
    ['VOLUME array', 'VOLUME ["/data"]', ['/data']],
    ['RUN after flags', 'RUN --network=none ["true"]', ['true']],
    ['empty array', 'CMD []', []],
    ['USER never has a JSON form', 'USER ["a"]', null],
  ];
  for (const [name, line, want] of cases) {
    test(name, () => assert.deepEqual(only(`FROM x\n${line}\n`).json, want));
  }

  test('a broken array keeps its text as the shell-form arguments, with no error', () => {
    const df = parseDockerfile('FROM x\nCMD ["python", "app.py"\n');
    assert.deepEqual([df.instructions[1].args, df.instructions[1].json, df.errors], ['["python", "app.py"', null, []]);
  });

  test('an array with a non-string is an error', () => {
    const df = parseDockerfile('FROM x\nCMD ["a", 1]\n');
    assert.equal(df.instructions[1].json, null);
    assert.match(df.errors[0].message, /arrays must be comprised of strings only/);
  });
});

describe('heredocs', () => {
  test('RUN keeps the first line as args and the body in heredocs', () => {
    const i = only('FROM x\nRUN python3 <<EOF\nprint(1)\nprint(2)\nEOF\nUSER u\n');
    assert.deepEqual([i.args, i.line, i.endLine], ['python3 <<EOF', 2, 5]);
    assert.deepEqual(i.heredocs, [
      { name: 'EOF', content: 'print(1)\nprint(2)\n', stripTabs: false, quoted: false },
    ]);
  });

  test('several heredocs on one COPY line are read in order', () => {
    const i = only('FROM x\nCOPY <<A /a <<B /b\nalpha\nA\nbeta\nB\n');
    const got = i.heredocs.map((h) => [h.name, h.content]);
    assert.deepEqual(got, [['A', 'alpha\n'], ['B', 'beta\n']]);
    assert.equal(i.endLine, 6);
  });

  test('<<- strips leading tabs from the body and the delimiter line', () => {
    const i = only('FROM x\nRUN <<-EOF\n\techo a\n\t\techo b\n\tEOF\n');
    const want = { name: 'EOF', content: 'echo a\necho b\n', stripTabs: true, quoted: false };
    assert.deepEqual(i.heredocs[0], want);
  });

  const quotedCases: [string, string, boolean][] = [
    ['single-quoted', "<<'EOF'", true],
    ['double-quoted', '<<"EOF"', true],
    ['partly quoted', '<<E"OF"', true],
    ['unquoted', '<<EOF', false],
  ];
  for (const [name, word, quoted] of quotedCases) {
    test(`${name} delimiter sets quoted=${quoted}`, () => {
      const h = only(`FROM x\nRUN ${word}\necho $HOME\nEOF\n`).heredocs[0];
      assert.deepEqual([h.name, h.quoted], ['EOF', quoted]);
    });
  }

  test('CRLF body lines keep their endings, as BuildKit keeps each line whole', () => {
    const h = only('FROM x\r\nRUN <<EOF\r\necho a\r\nEOF\r\n').heredocs[0];
    assert.equal(h.content, 'echo a\r\n');
  });

  // BuildKit v0.22 and later (moby/buildkit#5817): the lexer keeps blanks after << in the word.
  const spacedCases: [string, string, string | undefined, boolean][] = [
    ['a blank', 'cat > /f << EOF', 'EOF', false],
    ['blanks and a quoted word', "cat > /f <<  'EOF'", 'EOF', true],
    ['a tab', 'cat > /f <<\tEOF', 'EOF', false],
    ['<<- with a blank stays two words, no heredoc', 'cat > /f <<- EOF', undefined, false],
    ['a quoted << with a blank', 'echo "<< EOF"', undefined, false],
  ];
  for (const [name, line, delimiter, quoted] of spacedCases) {
    test(`<< then ${name}`, () => {
      const df = parseDockerfile(`FROM x\nRUN ${line}\nhello\nEOF\n`);
      const run = df.instructions[1];
      if (delimiter === undefined) {
        assert.deepEqual(run.heredocs, []);
        assert.deepEqual(df.errors.map((e) => e.line), [3, 4]);
        return;
      }
      assert.deepEqual(df.errors, []);
      assert.deepEqual(run.heredocs, [{ name: delimiter, content: 'hello\n', stripTabs: false, quoted, spaced: true }]);
    });
  }

  test('a quoted <<EOF is not a heredoc', () => {
    assert.deepEqual(only('FROM x\nRUN echo "<<EOF"\n').heredocs, []);
  });

  test('heredocs only count for RUN, COPY and ADD', () => {
    const df = parseDockerfile('FROM x\nENV A=<<EOF\nUSER u\n');
    assert.deepEqual(df.instructions.map((i) => i.keyword), ['FROM', 'ENV', 'USER']);
  });

  test('an exec-form RUN has no heredoc', () => {
    assert.deepEqual(only('FROM x\nRUN ["cat", "<<EOF"]\n').heredocs, []);
  });

  test('an unterminated heredoc is an error at the instruction line', () => {
    const df = parseDockerfile('FROM x\nRUN <<EOF\necho a\n');
    assert.deepEqual(df.errors, [{ line: 2, message: 'unterminated heredoc' }]);
    assert.equal(df.instructions[1].endLine, 3);
  });

  test('ONBUILD RUN heredoc belongs to the inner instruction', () => {
    const i = only('FROM x\nONBUILD RUN <<EOF\necho a\nEOF\n');
    assert.equal(i.inner?.keyword, 'RUN');
    assert.equal(i.inner?.heredocs[0].content, 'echo a\n');
    assert.equal(i.endLine, 4);
  });
});

describe('stages and global ARGs', () => {
  test('ARGs before the first FROM are global; stages split at FROM', () => {
    const df = parseDockerfile(
      'ARG BASE=alpine\nFROM $BASE AS Build\nRUN make\nFROM scratch\nCOPY --from=build /a /a\n',
    );
    assert.deepEqual(df.globalArgs.map((i) => i.args), ['BASE=alpine']);
    assert.deepEqual(
      df.stages.map((s) => [s.index, s.name, s.from.args, s.instructions.map((i) => i.keyword)]),
      [
        [0, 'build', '$BASE AS Build', ['RUN']],
        [1, undefined, 'scratch', ['COPY']],
      ],
    );
    assert.equal(df.instructions.length, 5);
    assert.deepEqual(df.errors, []);
  });

  test('ONBUILD wraps its trigger', () => {
    const i = only('FROM x\nONBUILD COPY --chown=1 . /app\n');
    assert.deepEqual(
      [i.keyword, i.inner?.keyword, i.inner?.flags, i.inner?.args],
      ['ONBUILD', 'COPY', [{ name: 'chown', value: '1' }], '. /app'],
    );
  });
});

describe('errors', () => {
  // [behaviour, Dockerfile, line, message]: each file has exactly this one error.
  const cases: [string, string, number, string][] = [
    ['unknown instruction', 'FROM x\nRUNN a\n', 2, 'unknown instruction: RUNN'],
    ['instruction before FROM', 'RUN a\nFROM x\n', 1, 'no build stage in current context'],
    ['no FROM at all', 'ARG A\n', 1, 'no FROM instruction: nothing to build'],
    ['empty file', '\n# only a comment\n', 2, 'file with no instructions'],
    ['FROM with two words', 'FROM a b\n', 1, 'FROM requires either one or three arguments'],
    ['bad stage name', 'FROM a AS 1x\n', 1,
      'invalid name for build stage: "1x", name can\'t start with a number or contain symbols'],
    ['duplicate stage name', 'FROM a AS b\nFROM c AS B\n', 2, 'duplicate stage name b'],
    ['SHELL in shell form', 'FROM x\nSHELL bash -c\n', 2,
      'SHELL requires the arguments to be in JSON form'],
    ['SHELL with an empty list', 'FROM x\nSHELL []\n', 2, 'SHELL requires at least one argument'],
    ['USER without argument', 'FROM x\nUSER\n', 2, 'USER requires exactly one argument'],
    ['ENV with a name and no value', 'FROM x\nENV HOME\n', 2, 'ENV must have two arguments'],
    ['LABEL with a name and no value', 'FROM x\nLABEL a\n', 2, 'LABEL must have two arguments'],
    ['ENV with a blank name', 'FROM x\nENV =/root\n', 2, 'ENV names can not be blank'],
    ['ENV pair list with a bare word', 'FROM x\nENV A=1 B\n', 2,
      'Syntax error - can\'t find = in "B". Must be of the form: name=value'],
    ['ENV without value inside ONBUILD', 'FROM x\nONBUILD ENV HOME\n', 2,
      'ENV must have two arguments'],
    ['COPY with one argument', 'FROM x\nCOPY a\n', 2,
      'COPY requires at least two arguments, but only one was provided. Destination could not be determined.'],
    ['ONBUILD FROM', 'FROM x\nONBUILD FROM y\n', 2, "FROM isn't allowed as an ONBUILD trigger"],
  ];
  for (const [name, text, line, message] of cases) {
    test(name, () => assert.deepEqual(parseDockerfile(text).errors, [{ line, message }]));
  }

  test('on hostile input every error and instruction stays inside the file', () => {
    const junk = ['\\', '`', '<<', '${', '["', '\r', '\n', '#', ' ', 'RUN', 'FROM', 'EOF', '--'];
    for (let n = 0; n < 300; n++) {
      let s = '';
      for (let k = 0; k < 20; k++) s += junk[(n * 7 + k * 13 + (n >> k % 5)) % junk.length];
      const df = parseDockerfile(s);
      const lines = s.split('\n').length;
      for (const e of df.errors) assert.ok(e.line >= 1 && e.line <= lines, `${e.line} in ${s}`);
      let prev = 0;
      for (const i of df.instructions) {
        assert.ok(i.line > prev && i.line <= i.endLine && i.endLine <= lines, JSON.stringify(s));
        prev = i.endLine;
      }
    }
  });
});

describe('ENV and LABEL pairs are checked at parse time, quick path or not', () => {
  // Whatever the shape of the pairs, the parse reports exactly what splitting them reports.
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const alphabet = ['A', 'b', '_', '1', '=', '=', ' ', ' ', '"', "'", '\\', '$', '.', ':', '/'];
  for (let i = 0; i < 400; i++) {
    const args = Array.from({ length: 1 + rand(14) }, () => alphabet[rand(alphabet.length)]).join('').trim();
    if (args === '' || args.endsWith('\\')) continue;
    for (const keyword of ['ENV', 'LABEL'] as const) {
      test(`${keyword} ${args}`, () => {
        let want: string[];
        try {
          const pairs = parseKeyValues(args, '\\', keyword);
          want = pairs.some((kv) => kv.key === '') ? [`${keyword} names can not be blank`] : [];
        } catch (e) {
          want = [(e as Error).message];
        }
        const got = parseDockerfile(`FROM scratch\n${keyword} ${args}\n`).errors.map((x) => x.message);
        assert.deepEqual(got, want);
      });
    }
  }
});
