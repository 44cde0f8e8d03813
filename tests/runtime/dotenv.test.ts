import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDotenv } from '../../src/runtime/dotenv.js';
import { RunParseError } from '../../src/runtime/errors.js';

describe("Compose's .env syntax", () => {
  const cases: { name: string; text: string; shell?: Record<string, string>; before?: Record<string, string>; vars: Record<string, string>; warnings?: string[] }[] = [
    { name: 'NAME=VALUE, comments and blank lines', text: '# ids\nHOST_UID=1001\n\n  HOST_GID=1002\n', vars: { HOST_UID: '1001', HOST_GID: '1002' } },
    { name: 'export prefix tolerated', text: 'export HOST_UID=1001\nexport  DATA_DIR=/srv\n', vars: { HOST_UID: '1001', DATA_DIR: '/srv' } },
    { name: 'spaces around the name and value', text: 'A = 1 \nB=  two words  \n', vars: { A: '1', B: 'two words' } },
    { name: 'inline comment needs a space before #', text: 'A=1 # one\nB=2# not a comment\n', vars: { A: '1', B: '2# not a comment' } },
    { name: 'double quotes: comment after the closing quote, # kept inside', text: 'A="x # y" # c\nB="a b"\n', vars: { A: 'x # y', B: 'a b' } },
    { name: 'single quotes are literal', text: "A='$HOME/${X}'\nB='Let\\'s go!'\nC='a\\tb'\n", shell: { HOME: '/h', X: 'x' }, vars: { A: '$HOME/${X}', B: "Let's go!", C: 'a\\tb' } },
    { name: 'double quotes: escapes', text: 'A="a\\tb\\nc"\nB="{\\"k\\": 1}"\nC="\\$HOME"\nD="back\\\\slash"\n', shell: { HOME: '/h' }, vars: { A: 'a\tb\nc', B: '{"k": 1}', C: '$HOME', D: 'back\\slash' } },
    { name: 'a double-quoted value may span lines', text: 'A="one\ntwo"\nB=3\n', vars: { A: 'one\ntwo', B: '3' } },
    { name: 'interpolation from earlier lines and defaults', text: 'BASE=/srv\nDATA=${BASE}/data\nLOGS=$BASE/logs\nOUT=${NOPE:-./out}\n', vars: { BASE: '/srv', DATA: '/srv/data', LOGS: '/srv/logs', OUT: './out' } },
    { name: 'the shell wins over the file in interpolation', text: 'BASE=/srv\nDATA="${BASE}/data"\n', shell: { BASE: '/shell' }, vars: { BASE: '/srv', DATA: '/shell/data' } },
    { name: 'earlier env files are looked up too', text: 'DATA=${BASE}/data\n', before: { BASE: '/first' }, vars: { DATA: '/first/data' } },
    { name: 'a name alone takes the shell value, or nothing', text: 'HOST_UID\nNOPE\n', shell: { HOST_UID: '1234' }, vars: { HOST_UID: '1234' } },
    { name: 'YAML-style colon', text: 'A: 1\n', vars: { A: '1' } },
    { name: 'CRLF line ends and a BOM', text: '\uFEFFA=1\r\nB="2"\r\n', vars: { A: '1', B: '2' } },
    { name: 'empty values', text: 'A=\nB=""\nC=\'\'\n', vars: { A: '', B: '', C: '' } },
    { name: 'no final line break', text: 'A=1', vars: { A: '1' } },
    { name: 'an unset variable is blank, with Compose\'s warning', text: 'A=${NOPE}x\n', vars: { A: 'x' }, warnings: ['The "NOPE" variable is not set. Defaulting to a blank string.'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = parseDotenv(c.text, '.env', c.shell ?? {}, c.before);
      assert.deepEqual(r, { vars: c.vars, warnings: c.warnings ?? [] });
    });
  }

  const errors: { name: string; text: string; message: string; line: number }[] = [
    { name: 'a bad character in a name', text: 'A=1\nB@=2\n', message: 'unexpected character "@" in variable name', line: 2 },
    { name: 'a space inside a name', text: 'MY VAR=1\n', message: 'key cannot contain a space', line: 1 },
    { name: 'an unterminated quote', text: 'A=1\nB="open\n', message: 'unterminated quoted value "open', line: 2 },
  ];
  for (const c of errors) {
    test(`error: ${c.name}`, () => {
      assert.throws(() => parseDotenv(c.text, 'x.env', {}), (e: unknown) => {
        assert.ok(e instanceof RunParseError);
        assert.deepEqual([e.detail, e.file, e.line], [c.message, 'x.env', c.line]);
        return true;
      });
    });
  }
});
