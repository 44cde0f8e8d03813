import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  jupyterConfigPath,
  jupyterSettingsIn,
  parseSudoers,
  passwordlessRoot,
  refreshDerived,
  sshdAllowsMethod,
  sshdIncludeDoubts,
  sshdMatchApplies,
  sshdReach,
  sudoAllows,
} from '../../src/shell/commands/config.js';
import type { ImageState, SshdMatchBlock } from '../../src/model/types.js';
import { makeState } from './handler-fixture.js';

function withSudo(files: Record<string, { text: string; mode?: number; uid?: number; line?: number }>): ImageState {
  const s = makeState();
  s.packages.sudo = { name: 'sudo', via: 'apt' };
  s.fs.set('/usr/bin/sudo', { kind: 'file', uid: 0, gid: 0, mode: 0o4755 });
  s.fs.set('/etc/sudoers.d', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
  for (const [path, f] of Object.entries(files)) {
    s.texts[path] = { content: f.text, line: f.line };
    s.fs.set(path, { kind: 'file', uid: f.uid ?? 0, gid: 0, mode: f.mode ?? 0o440 });
  }
  s.accounts.passwd.push({ name: 'alice', uid: 1000, gid: 1000, gecos: '', home: '/home/alice', shell: '/bin/bash' });
  s.accounts.group.push({ name: 'alice', gid: 1000, members: [] });
  s.accounts.passwords.alice = 'none';
  refreshDerived(s);

  return s;
}

const MAIN = 'root ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n';
const alice = { name: 'alice', uid: 1000, groups: [1000] };

describe('sudoers', () => {
  test('alice ALL=(ALL) NOPASSWD:ALL in sudoers.d', () => {
    const s = withSudo({
      '/etc/sudoers': { text: MAIN },
      '/etc/sudoers.d/alice': { text: 'alice ALL=(ALL) NOPASSWD:ALL\n', line: 9 },
    });
    assert.deepEqual(s.sudoers.at(-1), { who: 'alice', nopasswd: true, commands: 'ALL', file: '/etc/sudoers.d/alice', line: 9, runasUsers: ['ALL'] });
    const v = sudoAllows(s, alice);
    assert.deepEqual([v.usable, v.nopasswd, v.rule?.file], [true, true, '/etc/sudoers.d/alice']);
  });

  const cases: { name: string; files: Parameters<typeof withSudo>[0]; groups?: number[]; usable: boolean; nopasswd: boolean }[] = [
    {
      name: '%sudo member without a password cannot use sudo',
      files: { '/etc/sudoers': { text: MAIN } },
      groups: [1000, 27],
      usable: false,
      nopasswd: false,
    },
    {
      name: 'a %sudo NOPASSWD rule appended to sudoers',
      files: { '/etc/sudoers': { text: `${MAIN}%sudo ALL=(ALL) NOPASSWD: ALL\n` } },
      groups: [1000, 27],
      usable: true,
      nopasswd: true,
    },
    {
      name: 'sudoers.d file with a dot in its name is skipped',
      files: { '/etc/sudoers': { text: MAIN }, '/etc/sudoers.d/alice.conf': { text: 'alice ALL=(ALL) NOPASSWD:ALL\n' } },
      usable: false,
      nopasswd: false,
    },
    {
      name: 'world-writable sudoers.d file is ignored',
      files: { '/etc/sudoers': { text: MAIN }, '/etc/sudoers.d/alice': { text: 'alice ALL=(ALL) NOPASSWD:ALL\n', mode: 0o666 } },
      usable: false,
      nopasswd: false,
    },
    {
      name: 'the last matching rule wins: a later PASSWD rule undoes NOPASSWD',
      files: { '/etc/sudoers': { text: `alice ALL=(ALL) NOPASSWD: ALL\nalice ALL=(ALL) ALL\n` } },
      usable: false,
      nopasswd: false,
    },
    {
      name: 'User_Alias and #includedir',
      files: {
        '/etc/sudoers': { text: 'User_Alias DEVS = alice, bob\n#includedir /etc/sudoers.d\n' },
        '/etc/sudoers.d/devs': { text: 'DEVS ALL = (root) NOPASSWD: /usr/bin/apt-get, /usr/bin/pip\n' },
      },
      usable: true,
      nopasswd: true,
    },
    {
      name: 'a runas list without root: (nobody) NOPASSWD does not let plain sudo run',
      files: { '/etc/sudoers': { text: 'alice ALL=(nobody) NOPASSWD: ALL\n' } },
      usable: false,
      nopasswd: false,
    },
    {
      name: 'a group-only runas list (:staff) runs as alice herself, not root',
      files: { '/etc/sudoers': { text: 'alice ALL=(:staff) NOPASSWD: ALL\n' } },
      usable: false,
      nopasswd: false,
    },
    {
      name: 'an empty runas list () runs as alice herself, not root',
      files: { '/etc/sudoers': { text: 'alice ALL=() NOPASSWD: ALL\n' } },
      usable: false,
      nopasswd: false,
    },
    {
      name: '(ALL, !root) leaves root out: the last matching item decides',
      files: { '/etc/sudoers': { text: 'alice ALL=(ALL, !root) NOPASSWD: ALL\n' } },
      usable: false,
      nopasswd: false,
    },
    {
      name: 'a Runas_Alias that holds root gives root',
      files: { '/etc/sudoers': { text: 'Runas_Alias ADM = nobody, root\nalice ALL=(ADM) NOPASSWD: ALL\n' } },
      usable: true,
      nopasswd: true,
    },
    {
      name: '(root), (ALL:ALL) and an omitted runas list all give root',
      files: { '/etc/sudoers': { text: 'alice ALL=(root) ALL\nalice ALL=(ALL:ALL) ALL\nalice ALL=NOPASSWD: ALL\n' } },
      usable: true,
      nopasswd: true,
    },
    {
      name: 'a later rule for nobody only does not undo an earlier root rule',
      files: { '/etc/sudoers': { text: 'alice ALL=(ALL) NOPASSWD: ALL\nalice ALL=(nobody) ALL\n' } },
      usable: true,
      nopasswd: true,
    },
    {
      name: 'runas carries over: (nobody) /bin/ls, (root) /bin/sh gives root for /bin/sh',
      files: { '/etc/sudoers': { text: 'alice ALL=(nobody) NOPASSWD: /bin/ls, (root) /bin/sh\n' } },
      usable: true,
      nopasswd: true,
    },
    {
      name: 'a later sudoers.d file in lexical order takes the password back',
      files: {
        '/etc/sudoers': { text: '@includedir /etc/sudoers.d\n' },
        '/etc/sudoers.d/10-alice': { text: 'alice ALL=(ALL) NOPASSWD: ALL\n' },
        '/etc/sudoers.d/20-alice': { text: 'alice ALL=(ALL) PASSWD: ALL\n' },
      },
      usable: false,
      nopasswd: false,
    },
    {
      name: 'Defaults !authenticate makes %sudo ALL=(ALL:ALL) ALL passwordless',
      files: { '/etc/sudoers': { text: `Defaults env_reset, !authenticate\n${MAIN}` } },
      groups: [1000, 27],
      usable: true,
      nopasswd: true,
    },
    {
      name: 'Defaults:alice !authenticate in sudoers.d',
      files: { '/etc/sudoers': { text: MAIN }, '/etc/sudoers.d/alice': { text: 'Defaults:alice !authenticate\n' } },
      groups: [1000, 27],
      usable: true,
      nopasswd: true,
    },
    {
      name: 'Defaults:bob !authenticate does not apply to alice',
      files: { '/etc/sudoers': { text: `Defaults:bob !authenticate\n${MAIN}` } },
      groups: [1000, 27],
      usable: false,
      nopasswd: false,
    },
    {
      name: 'Defaults:alice authenticate overrides the global !authenticate',
      files: { '/etc/sudoers': { text: `Defaults:alice authenticate\nDefaults !authenticate\n${MAIN}` } },
      groups: [1000, 27],
      usable: false,
      nopasswd: false,
    },
    {
      name: 'an explicit PASSWD: tag asks for a password despite Defaults !authenticate',
      files: { '/etc/sudoers': { text: 'Defaults !authenticate\nalice ALL=(ALL) PASSWD: ALL\n' } },
      usable: false,
      nopasswd: false,
    },
    {
      name: '!authenticate does not give root through a (nobody) rule',
      files: { '/etc/sudoers': { text: 'Defaults !authenticate\nalice ALL=(nobody) ALL\n' } },
      usable: false,
      nopasswd: false,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = withSudo(c.files);
      const v = sudoAllows(s, { ...alice, groups: c.groups ?? alice.groups });
      assert.deepEqual([v.usable, v.nopasswd], [c.usable, c.nopasswd]);
    });
  }

  test('a (nobody) rule says it gives no root', () => {
    const s = withSudo({ '/etc/sudoers': { text: 'alice ALL=(nobody) NOPASSWD: ALL\n' } });
    assert.equal(s.sudoers[0].runasNotRoot, 'nobody');
    assert.equal(
      sudoAllows(s, alice).reason,
      'rule "alice ... (nobody) ALL" in /etc/sudoers lets alice run commands only as nobody, not as root',
    );
  });

  const grants: { name: string; files: Parameters<typeof withSudo>[0]; want: [string, string, string?][] }[] = [
    { name: 'NOPASSWD for alice', files: { '/etc/sudoers': { text: 'alice ALL=(ALL) NOPASSWD: ALL\n' } }, want: [['alice', 'ALL']] },
    { name: 'none for a (nobody) rule', files: { '/etc/sudoers': { text: 'alice ALL=(nobody) NOPASSWD: ALL\n' } }, want: [] },
    {
      name: 'none when a later PASSWD rule wins',
      files: { '/etc/sudoers': { text: 'alice ALL=(ALL) NOPASSWD: ALL\nalice ALL=(ALL) PASSWD: ALL\n' } },
      want: [],
    },
    {
      name: 'a later NOPASSWD %group rule wins for its member too: one finding',
      files: { '/etc/sudoers': { text: 'alice ALL=(ALL) ALL\n%alice ALL=(ALL) NOPASSWD: ALL\n' } },
      want: [['%alice', 'ALL']],
    },
    {
      name: 'global !authenticate: every rule for root',
      files: { '/etc/sudoers': { text: `Defaults !authenticate\n${MAIN}` } },
      want: [['%sudo', 'ALL', 'global']],
    },
    {
      name: 'Defaults:alice !authenticate with alice in %sudo',
      files: { '/etc/sudoers': { text: MAIN }, '/etc/sudoers.d/alice': { text: 'Defaults:alice !authenticate\n' } },
      want: [['alice', 'ALL', 'alice']],
    },
  ];
  for (const c of grants) {
    test(`passwordlessRoot: ${c.name}`, () => {
      const s = withSudo(c.files);
      s.accounts.group.find((g) => g.name === 'sudo')?.members.push('alice');
      const got = passwordlessRoot(s).map((g) => [g.who, g.rule.commands, ...(g.noAuth ? [g.noAuth.users?.join(',') ?? 'global'] : [])]);
      assert.deepEqual(got, c.want);
    });
  }

  test('problems name the refused file', () => {
    const s = withSudo({ '/etc/sudoers': { text: MAIN, uid: 1000 } });
    assert.deepEqual(parseSudoers(s).problems, ['/etc/sudoers is owned by uid 1000, should be 0; sudo refuses to run with it']);
    assert.equal(sudoAllows(s, alice).usable, false);
  });

  test('sudo not installed', () => {
    const s = makeState();
    assert.deepEqual(sudoAllows(s, alice), { usable: false, nopasswd: false, reason: 'sudo is not installed' });
  });
});

describe('sshd_config', () => {
  type Want = Partial<Record<'permitRootLogin' | 'passwordAuthentication' | 'permitEmptyPasswords' | 'kbdInteractiveAuthentication' | 'usePam', string>> & {
    matches?: SshdMatchBlock[];
  };
  const cases: [string, Record<string, string>, Want][] = [
    ['PermitRootLogin yes', { '/etc/ssh/sshd_config': 'PermitRootLogin yes\n' }, { permitRootLogin: 'yes' }],
    [
      'first occurrence wins, keywords case-insensitive',
      { '/etc/ssh/sshd_config': 'permitrootlogin no\nPermitRootLogin yes\nPasswordAuthentication yes\n' },
      { permitRootLogin: 'no', passwordAuthentication: 'yes' },
    ],
    [
      'Include of sshd_config.d comes first and wins',
      {
        '/etc/ssh/sshd_config': 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n',
        '/etc/ssh/sshd_config.d/10-root.conf': 'PermitRootLogin yes\nPermitEmptyPasswords yes\n',
        '/etc/ssh/sshd_config.d/ignored.txt': 'PasswordAuthentication no\n',
      },
      { permitRootLogin: 'yes', permitEmptyPasswords: 'yes' },
    ],
    [
      'settings inside Match are not global: they go to the block',
      { '/etc/ssh/sshd_config': 'Match User bob\n  PermitRootLogin yes\n' },
      { matches: [{ criteria: 'User bob', permitRootLogin: 'yes', file: '/etc/ssh/sshd_config', fileLine: 1, line: 4 }] },
    ],
    [
      'a block ends at the next Match; inside a block the first value wins',
      {
        '/etc/ssh/sshd_config':
          'PasswordAuthentication no\nMatch User root\n  PermitRootLogin yes\n  PermitRootLogin no\nMatch Address 10.0.0.0/8\n  PasswordAuthentication yes\n',
      },
      {
        passwordAuthentication: 'no',
        matches: [
          { criteria: 'User root', permitRootLogin: 'yes', file: '/etc/ssh/sshd_config', fileLine: 2, line: 4 },
          { criteria: 'Address 10.0.0.0/8', passwordAuthentication: 'yes', file: '/etc/ssh/sshd_config', fileLine: 5, line: 4 },
        ],
      },
    ],
    [
      'a Match in an included file ends with that file',
      {
        '/etc/ssh/sshd_config': 'Include sshd_config.d/*.conf\nPermitRootLogin yes\n',
        '/etc/ssh/sshd_config.d/50-bob.conf': 'Match User bob\n  PasswordAuthentication yes\n',
      },
      {
        permitRootLogin: 'yes',
        matches: [{ criteria: 'User bob', passwordAuthentication: 'yes', file: '/etc/ssh/sshd_config.d/50-bob.conf', fileLine: 1, line: 4 }],
      },
    ],
    [
      'an Include inside a Match block puts the included settings in that block',
      {
        '/etc/ssh/sshd_config': 'Match all\n  Include /etc/ssh/extra.conf\n',
        '/etc/ssh/extra.conf': 'PermitRootLogin yes\n',
      },
      { matches: [{ criteria: 'all', permitRootLogin: 'yes', file: '/etc/ssh/sshd_config', fileLine: 1, line: 4 }] },
    ],
    [
      'an included file counts where its Include line stands: before a later value, after an earlier one',
      {
        '/etc/ssh/sshd_config': 'PasswordAuthentication no\nInclude /etc/ssh/my.conf\nPermitRootLogin no\n',
        '/etc/ssh/my.conf': 'PermitRootLogin yes\nPasswordAuthentication yes\n',
      },
      { passwordAuthentication: 'no', permitRootLogin: 'yes' },
    ],
    [
      'a relative Include is read from /etc/ssh, and an included file may include again',
      {
        '/etc/ssh/sshd_config': 'Include sshd_config.d/*.conf\n',
        '/etc/ssh/sshd_config.d/10-extra.conf': 'Include extra.conf\n',
        '/etc/ssh/extra.conf': 'PermitRootLogin yes\n',
      },
      { permitRootLogin: 'yes' },
    ],
    [
      "glob(3): '*' matches no name that starts with '.', and names are read in order",
      {
        '/etc/ssh/sshd_config': 'Include /etc/ssh/sshd_config.d/*.conf\n',
        '/etc/ssh/sshd_config.d/.hidden.conf': 'PermitRootLogin yes\n',
        '/etc/ssh/sshd_config.d/20-b.conf': 'PasswordAuthentication yes\n',
        '/etc/ssh/sshd_config.d/10-a.conf': 'PasswordAuthentication no\n',
      },
      { passwordAuthentication: 'no' },
    ],
    [
      'ChallengeResponseAuthentication is KbdInteractiveAuthentication: the first of either wins',
      { '/etc/ssh/sshd_config': 'ChallengeResponseAuthentication yes\nKbdInteractiveAuthentication no\nUsePAM yes\n' },
      { kbdInteractiveAuthentication: 'yes', usePam: 'yes' },
    ],
    [
      'UsePAM inside Match is not a setting of the block (sshd refuses it there)',
      { '/etc/ssh/sshd_config': 'Match User dev\n  UsePAM yes\n  KbdInteractiveAuthentication yes\n' },
      { matches: [{ criteria: 'User dev', kbdInteractiveAuthentication: 'yes', file: '/etc/ssh/sshd_config', fileLine: 1, line: 4 }] },
    ],
  ];
  for (const [name, texts, want] of cases) {
    test(name, () => {
      const s = makeState();
      for (const [p, t] of Object.entries(texts)) s.texts[p] = { content: t, line: 4 };
      refreshDerived(s);
      const { lines, files: _files, includes: _includes, ...got } = s.sshd;
      assert.deepEqual(got, want);
      // Only global values carry a line in `lines`; a block carries its own.
      assert.deepEqual(Object.keys(lines).sort(), Object.keys(want).filter((k) => k !== 'matches').sort());
    });
  }
});

describe('sshd Include', () => {
  test('each pattern is recorded with its place, block and the keywords still open there', () => {
    const s = makeState();
    s.texts['/etc/ssh/sshd_config'] = { content: 'PermitRootLogin no\nInclude a.conf /opt/b.conf\nMatch User dev\n  Include /opt/c.conf\n', line: 7 };
    refreshDerived(s);
    const open = ['passwordAuthentication', 'permitEmptyPasswords', 'kbdInteractiveAuthentication', 'usePam', 'authenticationMethods'];
    assert.deepEqual(s.sshd.includes, [
      { pattern: '/etc/ssh/a.conf', file: '/etc/ssh/sshd_config', fileLine: 2, open, line: 7 },
      { pattern: '/opt/b.conf', file: '/etc/ssh/sshd_config', fileLine: 2, open, line: 7 },
      { pattern: '/opt/c.conf', file: '/etc/ssh/sshd_config', fileLine: 4, open, line: 7, block: 'User dev' },
    ]);
    assert.deepEqual(s.sshd.files, { permitRootLogin: '/etc/ssh/sshd_config' });
  });

  // Which Include patterns may name a file whose text is not kept.
  const cases: [string, string, (s: ImageState) => void, boolean][] = [
    ['a file that exists with no text kept', '/opt/sshd.conf', (s) => s.fs.set('/opt/sshd.conf', { kind: 'file', uid: 0, gid: 0, mode: 0o644 }), true],
    [
      'a file whose text is kept',
      '/opt/sshd.conf',
      (s) => {
        s.fs.set('/opt/sshd.conf', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
        s.texts['/opt/sshd.conf'] = { content: 'PermitRootLogin no\n' };
      },
      false,
    ],
    ['a missing file in a folder listed in full', '/opt/sshd.conf', () => {}, false],
    ['a missing file in a folder listed in part', '/opt/sshd.conf', (s) => s.fs.set('/opt', { kind: 'dir', uid: 0, gid: 0, mode: 0o755, partial: true }), true],
    ['a glob over a folder listed in full with no match', '/opt/sshd/*.conf', (s) => s.fs.set('/opt/sshd', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }), false],
    ['a glob over a folder listed in part', '/opt/sshd/*.conf', (s) => s.fs.set('/opt/sshd', { kind: 'dir', uid: 0, gid: 0, mode: 0o755, partial: true }), true],
    [
      'a glob that matches a file with no text kept',
      '/opt/sshd/*.conf',
      (s) => {
        s.fs.set('/opt/sshd', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
        s.fs.set('/opt/sshd/root.conf', { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
      },
      true,
    ],
  ];
  for (const [name, pattern, setup, doubt] of cases) {
    test(`${name}: ${doubt ? 'in doubt' : 'known'}`, () => {
      const s = makeState();
      s.fs.set('/opt', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
      setup(s);
      s.texts['/etc/ssh/sshd_config'] = { content: `Include ${pattern}\n` };
      refreshDerived(s);
      assert.deepEqual(sshdIncludeDoubts(s.sshd, s.texts, s.fs).map((d) => d.pattern), doubt ? [pattern] : []);
    });
  }
});

describe('sshd Match for root', () => {
  const root = { name: 'root', groups: ['root'] };
  const cases: [string, string, string | undefined][] = [
    ['Match User root applies', 'Match User root\n PermitRootLogin yes\n', 'User root'],
    ['Match all applies', 'Match all\n PermitRootLogin yes\n', 'all'],
    ['Match Address * applies to every connection', 'Match Address *\n PermitRootLogin yes\n', 'Address *'],
    ['Match Address 10.* may apply', 'Match Address 10.*\n PermitRootLogin yes\n', 'Address 10.*'],
    ['Match Group root applies', 'Match Group root\n PermitRootLogin yes\n', 'Group root'],
    ['Match User bob does not apply', 'Match User bob\n PermitRootLogin yes\n', undefined],
    ['a negated pattern refuses: User !root,*', 'Match User !root,*\n PermitRootLogin yes\n', undefined],
    ['every criterion must hold', 'Match User root Group staff\n PermitRootLogin yes\n', undefined],
    [
      'an earlier block that applies wins over a later one',
      'Match User root\n PermitRootLogin no\nMatch all\n PermitRootLogin yes\n',
      undefined,
    ],
    [
      'an earlier block that only may apply lets a later one win',
      'Match Address 10.*\n PermitRootLogin no\nMatch all\n PermitRootLogin yes\n',
      'all',
    ],
    ['a block overrides the global yes', 'PermitRootLogin yes\nMatch User root\n PermitRootLogin no\n', undefined],
    ['the global yes stays for connections a block may not cover', 'PermitRootLogin yes\nMatch Address 10.*\n PermitRootLogin no\n', 'global'],
  ];
  for (const [name, text, want] of cases) {
    test(name, () => {
      const s = makeState();
      s.texts['/etc/ssh/sshd_config'] = { content: text };
      refreshDerived(s);
      const hit = sshdReach(s.sshd, 'permitRootLogin', root, 'yes', s.sshd.permitRootLogin);
      assert.equal(hit && (hit.block?.criteria ?? 'global'), want);
    });
  }
});

describe('jupyter config', () => {
  test("c.ServerApp.token = '' with allow_root and ip", () => {
    const s = makeState();
    s.texts['/root/.jupyter/jupyter_server_config.py'] = {
      content: "c.ServerApp.token = ''\nc.ServerApp.allow_root = True\nc.ServerApp.ip = '0.0.0.0'  # all\n",
      line: 12,
    };
    refreshDerived(s);
    assert.deepEqual(s.jupyter, {
      token: '',
      allowRoot: true,
      ip: '0.0.0.0',
      lines: { token: 12, allowRoot: 12, ip: 12 },
    });
  });

  test('NotebookApp in JSON', () => {
    const s = makeState();
    s.texts['/etc/jupyter/jupyter_notebook_config.json'] = {
      content: JSON.stringify({ NotebookApp: { token: '', password: '', ip: '*' } }),
    };
    refreshDerived(s);
    assert.deepEqual(s.jupyter, { token: '', password: '', ip: '*', lines: {} });
  });
});

describe('jupyter config path (jupyter_core paths.py)', () => {
  const base = { home: '/home/ml', cwd: '/work', prefix: '/opt/conda' };
  const cases: [string, Parameters<typeof jupyterConfigPath>[0], string[]][] = [
    [
      'defaults: ~/.jupyter, the user site, the prefix, the system folders',
      { ...base, env: {} },
      ['/home/ml/.jupyter', '/home/ml/.local/etc/jupyter', '/opt/conda/etc/jupyter', '/usr/local/etc/jupyter', '/etc/jupyter'],
    ],
    [
      'JUPYTER_CONFIG_DIR replaces ~/.jupyter',
      { ...base, env: { JUPYTER_CONFIG_DIR: '/opt/jc' } },
      ['/opt/jc', '/home/ml/.local/etc/jupyter', '/opt/conda/etc/jupyter', '/usr/local/etc/jupyter', '/etc/jupyter'],
    ],
    [
      'an empty JUPYTER_CONFIG_DIR is not set',
      { ...base, env: { JUPYTER_CONFIG_DIR: '' }, prefix: '/usr/local' },
      ['/home/ml/.jupyter', '/home/ml/.local/etc/jupyter', '/usr/local/etc/jupyter', '/etc/jupyter'],
    ],
    [
      'JUPYTER_CONFIG_PATH entries come first; JUPYTER_PREFER_ENV_PATH puts the prefix before the user',
      { ...base, env: { JUPYTER_CONFIG_PATH: '/a:/b/', JUPYTER_PREFER_ENV_PATH: '1', PYTHONNOUSERSITE: '1' } },
      ['/a', '/b', '/opt/conda/etc/jupyter', '/home/ml/.jupyter', '/usr/local/etc/jupyter', '/etc/jupyter'],
    ],
    ['JUPYTER_NO_CONFIG: no folder at all', { ...base, env: { JUPYTER_NO_CONFIG: '1' } }, []],
  ];
  for (const [name, inputs, want] of cases) {
    test(name, () => assert.deepEqual(jupyterConfigPath(inputs), want));
  }

  test('a higher-priority folder wins; .json over .py in one folder; files outside the path are not read', () => {
    const s = makeState();
    s.texts['/etc/jupyter/jupyter_server_config.py'] = { content: "c.ServerApp.token = ''\nc.ServerApp.ip = '0.0.0.0'\n", line: 3 };
    s.texts['/opt/jc/jupyter_server_config.py'] = { content: "c.ServerApp.token = 'abc'\n", line: 4 };
    s.texts['/opt/jc/jupyter_server_config.json'] = { content: JSON.stringify({ ServerApp: { token: 'def' } }), line: 5 };
    s.texts['/home/ml/.jupyter/jupyter_server_config.py'] = { content: "c.ServerApp.password = ''\n", line: 6 };
    assert.deepEqual(jupyterSettingsIn(s, ['/opt/jc', '/etc/jupyter']), {
      token: 'def',
      ip: '0.0.0.0',
      lines: { token: 5, ip: 3 },
      files: { token: '/opt/jc/jupyter_server_config.json', ip: '/etc/jupyter/jupyter_server_config.py' },
    });
  });

  test('each app reads its own class and files: notebook NotebookApp, jupyter_server ServerApp, lab both', () => {
    const s = makeState();
    s.texts['/etc/jupyter/jupyter_notebook_config.py'] = { content: "c.NotebookApp.token = ''\nc.ServerApp.allow_root = True\n", line: 3 };
    s.texts['/etc/jupyter/jupyter_server_config.py'] = { content: "c.ServerApp.ip = '0.0.0.0'\nc.NotebookApp.allow_root = True\n", line: 4 };
    const nb = '/etc/jupyter/jupyter_notebook_config.py';
    const sv = '/etc/jupyter/jupyter_server_config.py';
    assert.deepEqual(jupyterSettingsIn(s, ['/etc/jupyter'], 'notebook'), { token: '', lines: { token: 3 }, files: { token: nb } });
    assert.deepEqual(jupyterSettingsIn(s, ['/etc/jupyter'], 'server'), { ip: '0.0.0.0', lines: { ip: 4 }, files: { ip: sv } });
    assert.deepEqual(jupyterSettingsIn(s, ['/etc/jupyter'], 'lab'), {
      token: '',
      allowRoot: true,
      ip: '0.0.0.0',
      lines: { token: 3, allowRoot: 4, ip: 4 },
      files: { token: nb, allowRoot: sv, ip: sv },
    });
  });
});

describe('sshd AuthenticationMethods and LocalPort', () => {
  const dev = { name: 'dev', groups: ['dev'] };
  const methods: [string, string, boolean, boolean][] = [
    ['no AuthenticationMethods: any', 'PasswordAuthentication yes\n', true, true],
    ['publickey only', 'AuthenticationMethods publickey\n', false, false],
    ['any', 'AuthenticationMethods any\n', true, true],
    ['the first value wins', 'AuthenticationMethods publickey\nAuthenticationMethods password\n', false, false],
    ['a second sequence with password', 'AuthenticationMethods publickey publickey,password\n', true, false],
    ['keyboard-interactive with a device', 'AuthenticationMethods publickey,keyboard-interactive:pam\n', false, true],
    ['Match User dev narrows a global any', 'Match User dev\n  AuthenticationMethods publickey\n', false, false],
    ['Match User bob leaves dev alone', 'AuthenticationMethods publickey\nMatch User bob\n  AuthenticationMethods password\n', false, false],
    ['Match Address may apply: password may be used', 'AuthenticationMethods publickey\nMatch Address 10.*\n  AuthenticationMethods password\n', true, false],
    ['Match LocalPort 2222 with sshd on 22 never applies', 'AuthenticationMethods publickey\nMatch LocalPort 2222\n  AuthenticationMethods password\n', false, false],
  ];
  for (const [name, text, pw, kbd] of methods) {
    test(name, () => {
      const s = makeState();
      s.texts['/etc/ssh/sshd_config'] = { content: text };
      refreshDerived(s);
      assert.deepEqual([sshdAllowsMethod(s.sshd, dev, 'password'), sshdAllowsMethod(s.sshd, dev, 'keyboard-interactive')], [pw, kbd]);
    });
  }

  const ports: [string, string, string[] | undefined, 'yes' | 'no' | 'maybe'][] = [
    ['default port 22: LocalPort 2222 never applies', '', undefined, 'no'],
    ['default port 22: LocalPort 22 always applies', '', undefined, 'yes'],
    ['Port 2222: LocalPort 2222 always applies', 'Port 2222\n', ['2222'], 'yes'],
    ['Port 22 and 2222: LocalPort 2222 may apply', 'Port 22\nPort 2222\n', ['22', '2222'], 'maybe'],
    ['ListenAddress 0.0.0.0:2222 adds a port', 'ListenAddress 0.0.0.0:2222\n', ['22', '2222'], 'maybe'],
    ['ListenAddress [::]:2200 adds a port; Port inside Match does not count', 'ListenAddress [::]:2200\nMatch all\nPort 2222\n', ['22', '2200'], 'no'],
  ];
  for (const [name, text, want, applies] of ports) {
    test(name, () => {
      const s = makeState();
      s.texts['/etc/ssh/sshd_config'] = { content: text };
      refreshDerived(s);
      assert.deepEqual(s.sshd.ports, want);
      const port = name.includes('LocalPort 22 ') ? '22' : name.includes('2200') ? '2222' : '2222';
      assert.equal(sshdMatchApplies(`LocalPort ${port}`, dev, s.sshd.ports), applies);
    });
  }
});

describe('sudoers parse reuse', () => {
  // parseSudoers gives back its last parse when nothing it read has changed: every change
  // below must be seen, and the same state read twice must give the same rules.
  const changes: { name: string; change: (s: ImageState) => void; who: string[]; problems: number }[] = [
    { name: 'nothing changed', change: () => {}, who: ['root', '%sudo', 'alice'], problems: 0 },
    {
      name: 'a new text in the included directory',
      change: (s) => {
        s.texts['/etc/sudoers.d/bob'] = { content: 'bob ALL=(ALL) ALL\n' };
        s.fs.set('/etc/sudoers.d/bob', { kind: 'file', uid: 0, gid: 0, mode: 0o440 });
      },
      who: ['root', '%sudo', 'alice', 'bob'],
      problems: 0,
    },
    {
      name: 'an included text replaced',
      change: (s) => {
        s.texts['/etc/sudoers.d/alice'] = { content: 'carol ALL=(ALL) ALL\n' };
      },
      who: ['root', '%sudo', 'carol'],
      problems: 0,
    },
    {
      name: 'an included file made world writable',
      change: (s) => {
        s.fs.set('/etc/sudoers.d/alice', { kind: 'file', uid: 0, gid: 0, mode: 0o666 });
      },
      who: ['root', '%sudo'],
      problems: 1,
    },
    {
      name: 'the included text removed',
      change: (s) => {
        delete s.texts['/etc/sudoers.d/alice'];
      },
      who: ['root', '%sudo'],
      problems: 0,
    },
  ];

  for (const c of changes) {
    test(c.name, () => {
      const s = withSudo({
        '/etc/sudoers': { text: MAIN },
        '/etc/sudoers.d/alice': { text: 'alice ALL=(ALL) NOPASSWD:ALL\n' },
      });
      const before = parseSudoers(s);
      assert.deepEqual(before.rules.map((r) => r.who), ['root', '%sudo', 'alice']);
      c.change(s);
      const after = parseSudoers(s);
      assert.deepEqual(after.rules.map((r) => r.who), c.who);
      assert.equal(after.problems.length, c.problems);
      assert.deepEqual(parseSudoers(s), after);
    });
  }

  test('another state with the same texts gives the same rules', () => {
    const a = withSudo({ '/etc/sudoers': { text: MAIN } });
    const b = withSudo({ '/etc/sudoers': { text: 'root ALL=(ALL:ALL) ALL\n' } });
    assert.deepEqual(parseSudoers(a).rules.map((r) => r.who), ['root', '%sudo']);
    assert.deepEqual(parseSudoers(b).rules.map((r) => r.who), ['root']);
    assert.deepEqual(parseSudoers(a).rules.map((r) => r.who), ['root', '%sudo']);
  });
});
