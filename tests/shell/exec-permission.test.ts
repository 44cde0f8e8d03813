// A RUN step that runs a program by its path needs execute permission on it: the shell's execve
// fails with EACCES and the shell prints its own line and exits 126. Measured with buildah in
// the oracle suite (tests/oracle/scenarios/exec.yaml): dash 0.5.12, bash 5.2, BusyBox 1.35 ash.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { analyze } from '../../src/analyze.js';
import type { FsTree } from '../../src/model/types.js';
import type { Builder } from '../../src/shell/context.js';

/** A build context that was read: one script, a.sh, with this mode. */
function context(mode: number): FsTree {
  return new Map([
    ['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }],
    ['/a.sh', { kind: 'file', uid: 501, gid: 20, mode, script: true }],
  ]);
}

function check(text: string, ctx?: FsTree, builder: Builder = 'buildkit') {
  return analyze({ file: 'Dockerfile', text, context: ctx, builder });
}

const failures = (text: string, ctx?: FsTree, builder?: Builder) =>
  check(text, ctx, builder).sim.failures.map((f) => `${f.line} ${f.kind}: ${f.message}`);

const USER_ALICE = 'RUN useradd -m -u 1000 alice\nUSER alice\n';

describe('a program the shell may not execute fails the step', () => {
  const cases: [string, string, number, string[]][] = [
    ['root and a 0644 script: no x bit at all, CAP_DAC_OVERRIDE does not help',
      'FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nRUN /opt/a.sh\n', 0o644,
      ['3 permission: /bin/sh: 1: /opt/a.sh: Permission denied']],
    ['alice and a root-owned 0644 script', `FROM debian:bookworm\nCOPY a.sh /opt/a.sh\n${USER_ALICE}RUN /opt/a.sh\n`, 0o644,
      ['5 permission: /bin/sh: 1: /opt/a.sh: Permission denied']],
    ['alice and a root-owned 0744 script: x for the owner only', `FROM debian:bookworm\nCOPY a.sh /opt/a.sh\n${USER_ALICE}RUN /opt/a.sh\n`, 0o744,
      ['5 permission: /bin/sh: 1: /opt/a.sh: Permission denied']],
    ['COPY --chmod=644 over an executable context file', 'FROM debian:bookworm\nCOPY --chmod=644 a.sh /opt/a.sh\nRUN /opt/a.sh\n', 0o755,
      ['3 permission: /bin/sh: 1: /opt/a.sh: Permission denied']],
    ['chmod -x earlier in the same step', 'FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nRUN chmod -x /opt/a.sh && /opt/a.sh\n', 0o755,
      ['3 permission: /bin/sh: 1: /opt/a.sh: Permission denied']],
    ['./a.sh against the working folder keeps its words', 'FROM debian:bookworm\nWORKDIR /opt\nCOPY a.sh a.sh\nRUN ./a.sh\n', 0o644,
      ['4 permission: /bin/sh: 1: ./a.sh: Permission denied']],
    ['a 0755 script in a 0700 folder alice may not search', `FROM debian:bookworm\nRUN mkdir -m 700 /opt/priv\nCOPY a.sh /opt/priv/a.sh\n${USER_ALICE}RUN /opt/priv/a.sh\n`, 0o755,
      ['6 permission: /bin/sh: 1: /opt/priv/a.sh: Permission denied']],
    ['a script written by printf has the umask\'s 0644', 'FROM debian:bookworm\nRUN printf "#!/bin/sh\\n" > /opt/s.sh && /opt/s.sh\n', 0o644,
      ['2 permission: /bin/sh: 1: /opt/s.sh: Permission denied']],
    ['through a symlink, named as written', 'FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nRUN ln -s /opt/a.sh /usr/local/bin/a && /usr/local/bin/a\n', 0o644,
      ['3 permission: /bin/sh: 1: /usr/local/bin/a: Permission denied']],
    ['the line of the script counts, after a newline in a here-document', 'FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nRUN <<EOF\ntrue\n/opt/a.sh\nEOF\n', 0o644,
      ['3 permission: /bin/sh: 2: /opt/a.sh: Permission denied']],
  ];
  for (const [name, text, mode, want] of cases) test(name, () => assert.deepEqual(failures(text, context(mode)), want));
});

describe('the shell\'s own words', () => {
  test('SHELL ["/bin/bash", "-c"] under BuildKit: bash names the line', () => {
    assert.deepEqual(failures('FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nSHELL ["/bin/bash", "-c"]\nRUN /opt/a.sh\n', context(0o644)),
      ['4 permission: /bin/bash: line 1: /opt/a.sh: Permission denied']);
  });

  test('buildah ignores SHELL: dash runs it', () => {
    assert.deepEqual(failures('FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nSHELL ["/bin/bash", "-c"]\nRUN /opt/a.sh\n', context(0o644), 'buildah'),
      ['4 permission: /bin/sh: 1: /opt/a.sh: Permission denied']);
  });

  test('bash started by its path or name is $0 as started', () => {
    assert.deepEqual(failures('FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nRUN ["/bin/bash", "-c", "/opt/a.sh"]\nRUN bash -c /opt/a.sh\n', context(0o644)),
      ['3 permission: /bin/bash: line 1: /opt/a.sh: Permission denied', '4 permission: bash: line 1: /opt/a.sh: Permission denied']);
  });

  test('Alpine\'s /bin/sh is BusyBox ash, which names no line', () => {
    assert.deepEqual(failures('FROM alpine:3.19\nCOPY a.sh /opt/a.sh\nRUN /opt/a.sh\n', context(0o644)),
      ['3 permission: /bin/sh: /opt/a.sh: Permission denied']);
    assert.deepEqual(failures('FROM alpine:3.19\nRUN adduser -D app\nWORKDIR /app\nCOPY a.sh a.sh\nUSER app\nRUN ./a.sh\n', context(0o744)),
      ['6 permission: /bin/sh: ./a.sh: Permission denied']);
  });

  test('sh inside bash is the image\'s /bin/sh, with dash\'s words', () => {
    assert.deepEqual(failures('FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nSHELL ["/bin/bash", "-c"]\nRUN sh -c /opt/a.sh\n', context(0o644)),
      ['4 permission: sh: 1: /opt/a.sh: Permission denied']);
  });
});

describe('what runs, and what stays unjudged', () => {
  const quiet: [string, string, number][] = [
    ['a 0755 script runs for alice', `FROM debian:bookworm\nCOPY a.sh /opt/a.sh\n${USER_ALICE}RUN /opt/a.sh\n`, 0o755],
    ['sh and bash only read a 0644 script', `FROM debian:bookworm\nCOPY a.sh /opt/a.sh\n${USER_ALICE}RUN sh /opt/a.sh && bash /opt/a.sh\n`, 0o644],
    ['root runs 0610: one x bit anywhere is enough for CAP_DAC_OVERRIDE', 'FROM debian:bookworm\nCOPY --chmod=0610 a.sh /opt/a.sh\nRUN /opt/a.sh\n', 0o644],
    ['|| true takes the refusal', 'FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nRUN /opt/a.sh || true\n', 0o644],
    ['a later command decides the status without set -e', 'FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nRUN /opt/a.sh; echo done\n', 0o644],
    // The kernel starts the interpreter, which then cannot open the script: other words.
    ['executable but not readable: the interpreter fails, not modelled', `FROM debian:bookworm\nCOPY --chmod=0711 a.sh /opt/a.sh\n${USER_ALICE}RUN /opt/a.sh\n`, 0o755],
    ['env starts it with its own words', 'FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nRUN env /opt/a.sh\n', 0o644],
    ['a folder run as a program (bash says "Is a directory")', 'FROM debian:bookworm\nRUN mkdir -m 644 /opt/d && /opt/d\n', 0o644],
  ];
  for (const [name, text, mode] of quiet) test(name, () => assert.deepEqual(failures(text, context(mode)), []));

  test('a mode the model assumed stays an unmodelled command', () => {
    for (const text of [
      'FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nRUN /opt/a.sh\n',
      // --chmod gives the mode, but whether a.sh is there at all is not known.
      'FROM debian:bookworm\nCOPY --chmod=644 a.sh /opt/a.sh\nRUN /opt/a.sh\n',
    ]) {
      const a = check(text);
      assert.deepEqual(a.sim.failures, []);
      assert.deepEqual(a.findings.filter((f) => f.ruleId === 'UID603').map((f) => `${f.location.line} ${f.message}`),
        ['3 Not modelled: /opt/a.sh - command a.sh is not modelled.']);
    }
  });

  test('a path an unmodelled command named, or a folder above it, is not known exactly', () => {
    for (const step of ['RUN frobnicate /opt/a.sh', 'RUN tar xf /x.tar -C /opt']) {
      assert.deepEqual(failures(`FROM debian:bookworm\nCOPY a.sh /opt/a.sh\n${step}\nRUN /opt/a.sh\n`, context(0o644)), []);
    }
  });
});

describe('UID601 for a program without an execute bit', () => {
  test('message, line, severity and the fixes for root', () => {
    const a = check('FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nRUN /opt/a.sh\n', context(0o644));
    const f = a.findings.find((x) => x.ruleId === 'UID601');
    assert.equal(f?.location.line, 3);
    assert.equal(f?.severity, 'error');
    assert.equal(f?.message, 'The build fails here: /bin/sh: 1: /opt/a.sh: Permission denied');
    assert.equal(f?.why,
      'The shell starts /opt/a.sh as a program, and the kernel lets root (uid 0) execute it only with search permission on every folder above it and an x bit in the class that applies: ' +
      '/opt/a.sh is -rw-r--r-- 0:0; root (uid 0) falls in the owner class (rw-), which does not allow search/execute. ' +
      'Root too needs an x bit: CAP_DAC_OVERRIDE lets it execute a file only when some class has one. ' +
      'The shell says "Permission denied" and exits 126. The analysis carries on as if the step had not run.');
    assert.deepEqual(f?.fixes.map((x) => x.snippet), [
      'COPY --chmod=0755 a.sh /opt/a.sh',
      'RUN chmod +x /opt/a.sh\nRUN /opt/a.sh',
      'RUN sh /opt/a.sh',
    ]);
  });

  test('alice does not own the file: chmod as root, and --chmod replaces the mode given', () => {
    const a = check(`FROM debian:bookworm\nCOPY --chmod=0744 a.sh /opt/a.sh\n${USER_ALICE}RUN /opt/a.sh && echo ok\n`, context(0o644));
    const f = a.findings.find((x) => x.ruleId === 'UID601');
    assert.equal(f?.message, 'The build fails here: /bin/sh: 1: /opt/a.sh: Permission denied');
    assert.deepEqual(f?.fixes.map((x) => x.snippet), [
      'COPY --chmod=0755 a.sh /opt/a.sh',
      'USER root\nRUN chmod +x /opt/a.sh\nUSER alice\nRUN /opt/a.sh && echo ok',
      'sh /opt/a.sh',
    ]);
  });

  test('a folder alice may not search: open the folder', () => {
    const a = check(`FROM debian:bookworm\nRUN mkdir -m 700 /opt/priv\nCOPY a.sh /opt/priv/a.sh\n${USER_ALICE}RUN /opt/priv/a.sh\n`, context(0o755));
    const f = a.findings.find((x) => x.ruleId === 'UID601');
    assert.match(f?.why ?? '', /cannot pass through \/opt\/priv: \/opt\/priv is drwx------ 0:0; alice \(uid 1000\) falls in the other class \(---\)/);
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['USER root\nRUN chmod a+x /opt/priv\nUSER alice']);
  });

  test('on a base outside the catalog it is a warning that depends on the guess', () => {
    const a = check('FROM mycorp/base:1\nCOPY a.sh /opt/a.sh\nRUN /opt/a.sh\n', context(0o644));
    const f = a.findings.find((x) => x.ruleId === 'UID601');
    assert.equal(f?.severity, 'warning');
    assert.deepEqual(f?.dependsOn, ['base:unknown-image']);
    assert.equal(f?.message, 'The build fails here: /bin/sh: 1: /opt/a.sh: Permission denied (judged against a guess: the base image mycorp/base:1 is not known)');
  });
});

describe('the oracle\'s exec scenarios, as the model words them', () => {
  interface Scenario {
    id: string;
    context?: Record<string, { mode: string; content?: string }>;
    dockerfile?: string;
    image?: string;
    actions: { build?: boolean; expect?: { ok?: boolean; line?: number; because?: string } }[];
  }
  const doc = YAML.parse(readFileSync('tests/oracle/scenarios/exec.yaml', 'utf8')) as {
    images: Record<string, Omit<Scenario, 'id' | 'actions'>>;
    scenarios: Scenario[];
  };
  for (const s of doc.scenarios) {
    const img = s.image ? doc.images[s.image] : s;
    const want = s.actions.find((x) => x.build)?.expect;
    test(s.id, () => {
      const ctx: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }]]);
      for (const [name, f] of Object.entries(img.context ?? {})) {
        ctx.set(`/${name}`, { kind: 'file', uid: 0, gid: 0, mode: parseInt(f.mode, 8), script: true });
      }
      // The oracle builds with buildah and asks the model the same, with the files' text.
      const texts = new Map(Object.entries(img.context ?? {}).map(([name, f]) => [`/${name}`, f.content]));
      const [f] = analyze({ file: 'Dockerfile', text: img.dockerfile!, context: ctx, builder: 'buildah', readContextText: (p: string) => texts.get(p) }).sim.failures;
      if (want?.ok !== false) return assert.equal(f, undefined);
      assert.equal(f?.line, want.line);
      assert.equal(f?.message, want.because);
    });
  }
});

describe('a folder a step filled with unknown files', () => {
  test('an archive unpacked over the script\'s folder may have replaced it: not a failure', () => {
    assert.deepEqual(failures('FROM debian:bookworm\nCOPY a.sh /opt/t/a.sh\nRUN cd /opt && tar -xzf /tmp/t.tgz && /opt/t/a.sh\n', context(0o644)), []);
  });

  test('a folder outside the archive\'s target is still known', () => {
    assert.deepEqual(failures('FROM debian:bookworm\nCOPY a.sh /opt/t/a.sh\nRUN mkdir /data && tar -xzf /tmp/t.tgz -C /data && /opt/t/a.sh\n', context(0o644)),
      ['3 permission: /bin/sh: 1: /opt/t/a.sh: Permission denied']);
  });
});

describe('the program of an exec-form RUN, which the runtime starts', () => {
  const text = 'FROM debian:bookworm\nCOPY a.sh /opt/a.sh\nRUN ["/opt/a.sh"]\n';
  test('runc refuses it during container init (BuildKit, the classic builder)', () => {
    assert.deepEqual(failures(text, context(0o644)), ['3 permission: runc run failed: unable to start container process: error during container init: exec: "/opt/a.sh": permission denied']);
  });
  test('buildah refuses it at its fork/exec (oracle: exec/exec-form-run)', () => {
    assert.deepEqual(failures(text, context(0o644), 'buildah'), ['3 permission: fork/exec /opt/a.sh: permission denied']);
  });
  test('an executable one runs', () => assert.deepEqual(failures(text, context(0o755)), []));
});
