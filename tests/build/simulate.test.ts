import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { simulate } from '../../src/build/simulate.js';
import type { Builder } from '../../src/shell/context.js';
import { resolveBase } from '../../src/image/catalog/index.js';
import type { FileMeta, FsTree } from '../../src/model/types.js';
import { analyze } from '../../src/analyze.js';

function build(text: string, builder: Builder = 'buildkit', opts: { buildArgs?: Record<string, string>; context?: FsTree; target?: string } = {}) {
  return simulate(parseDockerfile(text), { file: 'Dockerfile', builder, buildArgs: opts.buildArgs ?? {}, resolveBase, context: opts.context, target: opts.target });
}

function owner(r: ReturnType<typeof build>, path: string): string {
  const m = r.target.state.fs.get(path);
  return m ? `${m.kind} ${m.uid}:${m.gid} ${(m.mode & 0o7777).toString(8)}` : 'missing';
}

const USER = 'FROM debian:bookworm\nRUN useradd -m -u 1000 alice\n';

describe('the build simulator', () => {
  test('WORKDIR: BuildKit creates it as the active USER, the classic builder as root', () => {
    const df = `${USER}USER alice\nWORKDIR /work/a\n`;
    assert.equal(owner(build(df, 'buildkit'), '/work/a'), 'dir 1000:1000 755');
    assert.equal(owner(build(df, 'classic'), '/work/a'), 'dir 0:0 755');
  });

  test('WORKDIR with buildah: created by the next RUN, as that RUN\'s user', () => {
    assert.equal(owner(build(`${USER}USER alice\nWORKDIR /work\n`, 'buildah'), '/work'), 'missing');
    assert.equal(owner(build(`${USER}USER alice\nWORKDIR /work\nRUN true\n`, 'buildah'), '/work'), 'dir 1000:1000 755');
  });

  test('VOLUME: BuildKit keeps later RUN changes under it, classic and buildah discard them', () => {
    const df = `${USER}VOLUME /data\nRUN mkdir /data/cache\n`;
    assert.equal(owner(build(df, 'buildkit'), '/data/cache'), 'dir 0:0 755');
    assert.equal(owner(build(df, 'classic'), '/data/cache'), 'missing');
    assert.equal(owner(build(df, 'buildah'), '/data/cache'), 'missing');
  });

  test('RUN --mount targets keep none of the changes made under them', () => {
    const r = build(`${USER}RUN --mount=type=cache,target=/root/.cache mkdir -p /root/.cache/pip /opt/kept\n`);
    assert.equal(owner(r, '/root/.cache/pip'), 'missing');
    assert.equal(owner(r, '/opt/kept'), 'dir 0:0 755');
  });

  test('COPY into an existing directory keeps that directory\'s owner and mode (BuildKit)', () => {
    const context: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/app.py', { kind: 'file', uid: 501, gid: 20, mode: 0o755 }]]);
    const r = build(`${USER}RUN mkdir -m 0750 /srv/app\nCOPY --chown=alice app.py /srv/app\n`, 'buildkit', { context });
    assert.equal(owner(r, '/srv/app'), 'dir 0:0 750');
    assert.equal(owner(r, '/srv/app/app.py'), 'file 1000:1000 755');
  });

  test('COPY from the context zeroes the ids; --from keeps them', () => {
    const context: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/x', { kind: 'file', uid: 501, gid: 20, mode: 0o640 }]]);
    const r = build(`FROM debian:bookworm AS a\nRUN useradd -u 1500 bob && touch /f && chown bob /f\nFROM debian:bookworm\nCOPY x /x\nCOPY --from=a /f /f\n`, 'buildkit', { context });
    assert.equal(owner(r, '/x'), 'file 0:0 640');
    assert.equal(owner(r, '/f'), 'file 1500:0 644');
  });

  test('--chown=1000 takes gid 1000; --chown=name takes the primary group; --chmod applies', () => {
    const r = build(`${USER}COPY --chown=1000 a /a\nCOPY --chown=alice --chmod=600 b /b\n`);
    assert.equal(owner(r, '/a'), 'file 1000:1000 644');
    assert.equal(owner(r, '/b'), 'file 1000:1000 600');
  });

  test('the classic builder refuses --chmod', () => {
    const r = build(`${USER}COPY --chmod=600 b /b\n`, 'classic');
    assert.match(r.failures[0].message, /--chmod option requires BuildKit/);
  });

  test('ENV wins over an ARG of the same name; --build-arg overrides the default', () => {
    const r = build('FROM debian:bookworm\nARG NAME=a\nENV NAME=b\nARG UID=1000\nRUN useradd -u $UID x\n', 'buildkit', { buildArgs: { UID: '1234' } });
    assert.equal(r.target.state.config.env.NAME, 'b');
    assert.equal(r.target.state.accounts.passwd.find((e) => e.name === 'x')?.uid, 1234);
  });

  describe('ENV, LABEL and the RUN environment', () => {
    const cases: [string, string, (r: ReturnType<typeof build>) => unknown, unknown][] = [
      ['a name set again keeps its first place; new names follow in order',
        'FROM debian:bookworm\nENV B=1 A=2\nENV B=3 C=4\n',
        (r) => Object.entries(r.target.state.config.env), [['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ['B', '3'], ['A', '2'], ['C', '4']]],
      ['lines.env holds the last line that set each name',
        'FROM debian:bookworm\nENV B=1 A=2\nENV B=3\n', (r) => r.target.lines.env, { B: 3, A: 2 }],
      ['ENV and LABEL at __proto__ add no key, as a plain record store would',
        'FROM debian:bookworm\nENV __proto__=x A=1\nLABEL __proto__=y b=2\n',
        (r) => [Object.keys(r.target.state.config.env), Object.keys(r.target.state.config.labels), Object.keys(r.target.lines.env)],
        [['PATH', 'A'], ['b'], ['A']]],
      ['a later RUN sees ENV and ARG set after the first RUN; ENV wins over ARG',
        'FROM debian:bookworm\nRUN true\nARG X=arg\nENV Y=env\nARG Y=argy\nRUN mkdir -p /$X/$Y\n',
        (r) => r.target.state.fs.get('/arg/env')?.kind, 'dir'],
      ['a later stage starts from its parent\'s ENV and labels',
        'FROM debian:bookworm AS a\nENV A=1\nLABEL l=1\nFROM a\nENV B=$A\n',
        (r) => [r.target.state.config.env.B, r.target.state.config.labels.l, r.stages[0].state.config.env.B], ['1', '1', undefined]],
    ];
    for (const [name, df, got, want] of cases) test(name, () => assert.deepEqual(got(build(df)), want));
  });

  test('a failing step is reported at its line, and the analysis carries on', () => {
    const r = build(`${USER}USER alice\nRUN chown alice /opt\nRUN mkdir /home/alice/ok\n`);
    assert.equal(r.failures[0].line, 4);
    assert.equal(r.failures[0].kind, 'permission');
    assert.equal(owner(r, '/home/alice/ok'), 'dir 1000:1000 755');
  });

  test('USER naming a user that never exists fails the next RUN', () => {
    const r = build('FROM debian:bookworm\nUSER ghost\nRUN true\n');
    assert.equal(r.failures[0].line, 3);
    assert.match(r.failures[0].message, /unable to find user ghost/);
  });

  test('--target stops at that stage; a missing one lists the stages', () => {
    assert.equal(build('FROM debian:bookworm AS a\nFROM a AS b\n', 'buildkit', { target: 'a' }).target.name, 'a');
    assert.throws(() => build('FROM debian:bookworm AS a\n', 'buildkit', { target: 'zz' }), /stages: a/);
  });

  test('COPY into existing folders: the top keeps its metadata, the folders below take the copy\'s', () => {
    const df = 'FROM debian:bookworm AS b\nRUN mkdir -p /install/lib/python3.11/site-packages && chmod 0775 /install/lib\n' +
      'FROM python:3.11-slim\nRUN useradd -u 1000 app\nCOPY --from=b --chown=app:app /install /usr/local\n';
    const r = build(df);
    assert.equal(owner(r, '/usr/local'), 'dir 0:0 755');
    assert.equal(owner(r, '/usr/local/lib'), 'dir 1000:1000 775');
    assert.equal(owner(r, '/usr/local/lib/python3.11/site-packages'), 'dir 1000:1000 755');
    assert.equal(owner(r, '/usr/local/bin'), 'dir 0:0 755');
  });
});

describe('COPY and ADD of a file whose text the model reads', () => {
  const sim = (text: string, readContextText?: (p: string) => string | undefined, context?: FsTree) =>
    simulate(parseDockerfile(text), { file: 'Dockerfile', builder: 'buildkit', buildArgs: {}, resolveBase, context, readContextText });
  const SUDO = `${USER}RUN apt-get update && apt-get install -y sudo\n`;
  const ctx = (...files: string[]): FsTree =>
    new Map<string, FileMeta>([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ...files.map((f): [string, FileMeta] => [f, files.some((g) => g.startsWith(`${f}/`)) ? { kind: 'dir', uid: 0, gid: 0, mode: 0o755 } : { kind: 'file', uid: 0, gid: 0, mode: 0o644 }])]);

  test('a heredoc written to /etc/sudoers.d gives the sudo rule', () => {
    const r = sim(`${SUDO}COPY <<EOT /etc/sudoers.d/alice\nalice ALL=(ALL) NOPASSWD: ALL\nEOT\n`);
    assert.deepEqual(
      r.target.state.sudoers.filter((s) => s.file !== '/etc/sudoers').map((s) => [s.who, s.nopasswd, s.commands, s.file]),
      [['alice', true, 'ALL', '/etc/sudoers.d/alice']],
    );
  });

  test('a context file is read through the outer layer only for such paths', () => {
    const asked: string[] = [];
    const read = (p: string) => {
      asked.push(p);
      return p === '/conf/sshd_config' ? 'PermitRootLogin yes\nPasswordAuthentication yes\n' : undefined;
    };
    const r = sim(`${USER}COPY conf/sshd_config /etc/ssh/sshd_config\nCOPY conf/app.py /app/app.py\n`, read, ctx('/conf', '/conf/sshd_config', '/conf/app.py'));
    assert.deepEqual(asked, ['/conf/sshd_config']);
    assert.equal(r.target.state.sshd.permitRootLogin, 'yes');
    assert.equal(r.target.state.sshd.passwordAuthentication, 'yes');
  });

  test('COPY --from another stage carries that stage\'s text', () => {
    const df = 'FROM debian:bookworm AS conf\nRUN apt-get update && apt-get install -y sudo && echo "bob ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/bob\n' +
      'FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo\nCOPY --from=conf /etc/sudoers.d/bob /etc/sudoers.d/bob\n';
    const rules = sim(df).target.state.sudoers.filter((s) => s.file !== '/etc/sudoers');
    assert.deepEqual(rules.map((s) => [s.who, s.nopasswd, s.file]), [['bob', true, '/etc/sudoers.d/bob']]);
  });

  test('a copied file whose text cannot be read replaces the old text and is an unknown effect', () => {
    const df = `${SUDO}RUN echo "alice ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/alice\nCOPY sudoers-alice /etc/sudoers.d/alice\n`;
    const r = sim(df);
    assert.deepEqual(r.target.state.sudoers.filter((s) => s.file !== '/etc/sudoers'), []);
    assert.equal(r.target.state.texts['/etc/sudoers.d/alice'], undefined);
    const u = r.target.state.unknowns.find((x) => x.paths.includes('/etc/sudoers.d/alice'));
    assert.equal(u?.line, 5);
    assert.equal(u?.reason, 'the text copied to /etc/sudoers.d/alice is not known');
  });

  test('a heredoc written over /etc/passwd replaces the accounts', () => {
    const r = sim('FROM debian:bookworm\nCOPY <<EOF /etc/passwd\nroot:x:0:0:root:/root:/bin/bash\nml:x:1234:1234::/home/ml:/bin/sh\nEOF\n');
    assert.deepEqual(r.target.state.accounts.passwd.map((u) => [u.name, u.uid, u.home]), [['root', 0, '/root'], ['ml', 1234, '/home/ml']]);
  });
});

describe('PEP 668 marker', () => {
  test('removing EXTERNALLY-MANAGED lifts it; a pip install after that succeeds as root', () => {
    const keep = build('FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip\nRUN pip install numpy\n');
    assert.equal(keep.target.failures.length, 1);
    const gone = build('FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip && rm /usr/lib/python3.11/EXTERNALLY-MANAGED\nRUN pip install numpy\n');
    assert.deepEqual(gone.target.state.pythons.map((p) => p.externallyManaged), [false]);
    assert.deepEqual(gone.target.failures, []);
  });
});

describe('the environment of RUN steps', () => {
  test('variables a RUN sets, exports or unsets do not reach the next RUN', () => {
    const r = build('FROM debian:bookworm\nENV A=/a\nRUN export A=/b B=/c && unset HOME && cd /tmp\nRUN mkdir -p "$A" "${B:-/none}" "$HOME/x"\n');
    assert.equal(owner(r, '/a'), 'dir 0:0 755');
    assert.equal(owner(r, '/b'), 'missing');
    assert.equal(owner(r, '/none'), 'dir 0:0 755');
    assert.equal(owner(r, '/root/x'), 'dir 0:0 755');
  });

  test('a subshell\'s and a prefix assignment\'s variables stay in them', () => {
    const r = build('FROM debian:bookworm\nRUN (D=/sub; mkdir -p $D) && X=/pre true && mkdir -p "${D:-/d-unset}" "${X:-/x-unset}"\n');
    assert.equal(owner(r, '/sub'), 'dir 0:0 755');
    assert.equal(owner(r, '/d-unset'), 'dir 0:0 755');
    assert.equal(owner(r, '/x-unset'), 'dir 0:0 755');
  });
});

describe('the shell a RUN step runs in', () => {
  // [behaviour, Dockerfile, failure messages]: texts as dash, bash 5.2 and runc print them.
  const cases: [string, string, string[]][] = [
    ['dash reads (( as two subshells', 'FROM debian:bookworm\nRUN ((echo a && echo b) > /tmp/log)\n', []],
    ['bash runs (( )) as arithmetic', 'FROM debian:bookworm\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN i=0; ((i+=1)); echo $i\n', []],
    ['bash stops on (( 0 )) under -e', 'FROM debian:bookworm\nSHELL ["/bin/bash", "-e", "-c"]\nRUN ((0)); true\n', ['`((0))` exits 1, which ends the step']],
    ['a dash syntax error names /bin/sh', 'FROM debian:bookworm\nRUN echo "x\n', ['/bin/sh: 1: Syntax error: Unterminated quoted string']],
    ['a bash syntax error names the SHELL', 'FROM debian:bookworm\nSHELL ["/bin/bash", "-c"]\nRUN echo "x\n',
      ["/bin/bash: -c: line 1: unexpected EOF while looking for matching `\"'"]],
    ['useradd on Alpine is not found', 'FROM alpine:3.20\nRUN useradd --create-home --uid 1000 app\n', ['/bin/sh: useradd: not found']],
    ['groupadd on Alpine is not found either', 'FROM alpine:3.20\nRUN groupadd -g 1000 app\n', ['/bin/sh: groupadd: not found']],
    ['BusyBox adduser on Alpine works', 'FROM alpine:3.20\nRUN adduser -D -u 1000 app\n', []],
    ['useradd on Alpine works after apk add shadow', 'FROM alpine:3.20\nRUN apk add shadow\nRUN useradd -m -u 1000 app\n', []],
    ['a shell-form RUN on distroless cannot start', 'FROM gcr.io/distroless/base-debian12\nRUN true\n',
      ['runc run failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file or directory']],
    ['a debug tag has BusyBox under /busybox, not /bin/sh (distroless base/base.bzl)', 'FROM gcr.io/distroless/static:debug\nRUN true\n',
      ['runc run failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file or directory']],
    ['a debug tag runs a RUN through SHELL ["/busybox/sh", "-c"]', 'FROM gcr.io/distroless/static:debug\nSHELL ["/busybox/sh", "-c"]\nRUN true\n', []],
    ['an exec-form RUN on distroless is not refused for want of /bin/sh', 'FROM gcr.io/distroless/python3\nRUN ["/usr/bin/python3", "-c", "pass"]\n', []],
    ['dash stops a SHELL with -o pipefail before every RUN', 'FROM debian:bookworm\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN useradd -m app\nRUN true\n',
      ['/bin/sh: 0: Illegal option -o pipefail', '/bin/sh: 0: Illegal option -o pipefail']],
    ['an exec-form RUN does not go through the SHELL', 'FROM ubuntu:24.04\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN ["useradd", "-m", "app"]\n', []],
    ['BusyBox ash takes -o pipefail', 'FROM alpine:3.20\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN adduser -D app\n', []],
    ['dash has no [[, so && skips useradd', 'FROM debian:bookworm\nRUN [[ 1 == 1 ]] && useradd -m app\n', ['/bin/sh: 1: [[: not found']],
    ['Alpine has no bash for SHELL', 'FROM alpine:3.20\nSHELL ["/bin/bash", "-c"]\nRUN adduser -D app\n',
      ['runc run failed: unable to start container process: exec: "/bin/bash": stat /bin/bash: no such file or directory']],
    ['python on Alpine has no bash either', 'FROM python:3.12-alpine\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN true\n',
      ['runc run failed: unable to start container process: exec: "/bin/bash": stat /bin/bash: no such file or directory']],
    ['plain Debian has no ash for SHELL', 'FROM debian:bookworm\nSHELL ["/bin/ash", "-c"]\nRUN useradd -m app\n',
      ['runc run failed: unable to start container process: exec: "/bin/ash": stat /bin/ash: no such file or directory']],
    ['plain Ubuntu has no zsh for SHELL', 'FROM ubuntu:24.04\nSHELL ["/usr/bin/zsh", "-c"]\nRUN true\n',
      ['runc run failed: unable to start container process: exec: "/usr/bin/zsh": stat /usr/bin/zsh: no such file or directory']],
    ['Ubuntu has zsh after apt-get install zsh', 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y zsh\nSHELL ["/usr/bin/zsh", "-c"]\nRUN true\n', []],
    ['a zsh linked in by an earlier step counts', 'FROM debian:bookworm\nRUN ln -s /bin/bash /usr/bin/zsh\nSHELL ["/usr/bin/zsh", "-c"]\nRUN true\n', []],
    ['a step the model does not follow may have installed it', 'FROM debian:bookworm\nRUN ./install-shells.sh\nSHELL ["/bin/zsh", "-c"]\nRUN true\n', []],
    ['bash is on plain Debian', 'FROM debian:bookworm\nSHELL ["/bin/bash", "-c"]\nRUN true\n', []],
    ['a pipeline that ends in grep is a question: what an unfollowed program prints is not known (docker-library/tomcat)',
      'FROM debian:bookworm\nRUN curl -fsSL https://x.invalid/t.tgz | tar -xz -C /opt\nRUN set -eux; x="$(/opt/t/bin/catalina.sh configtest 2>&1)"; if ! echo "$x" | grep -E "INFO: Loaded" >&2; then exit 1; fi; if /opt/t/bin/catalina.sh version | grep -q ERROR; then exit 2; fi\n', []],
    ['an image built on Debian whose packages the catalog does not list in full is not judged', 'FROM python:3.12-slim\nSHELL ["/bin/zsh", "-c"]\nRUN true\n', []],
    ['a bare SHELL name is looked up on PATH', 'FROM debian:bookworm\nSHELL ["zsh", "-c"]\nRUN true\n',
      ['runc run failed: unable to start container process: exec: "zsh": executable file not found in $PATH']],
    ['plain Debian has no busybox either', 'FROM debian:bookworm\nSHELL ["/bin/busybox", "sh", "-c"]\nRUN true\n',
      ['runc run failed: unable to start container process: exec: "/bin/busybox": stat /bin/busybox: no such file or directory']],
    ['ksh93 comes with the ksh package', 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y ksh\nSHELL ["/usr/bin/ksh93", "-c"]\nRUN true\n', []],
    ['Alpine has no zsh', 'FROM alpine:3.20\nSHELL ["/bin/zsh", "-c"]\nRUN true\n',
      ['runc run failed: unable to start container process: exec: "/bin/zsh": stat /bin/zsh: no such file or directory']],
    ["Alpine's ash is BusyBox's", 'FROM alpine:3.20\nSHELL ["/bin/ash", "-c"]\nRUN true\n', []],
    ['Alpine has bash after apk add bash', 'FROM alpine:3.20\nRUN apk add --no-cache bash\nSHELL ["/bin/bash", "-c"]\nRUN adduser -D app\n', []],
    ['Alpine bash from a package list the model cannot read is not refused',
      'FROM alpine:3.20\nRUN apk add --no-cache $(cat /pkgs.txt)\nSHELL ["/bin/bash", "-c"]\nRUN adduser -D app\n', []],
    ['dash stops at a division by zero', 'FROM debian:bookworm\nRUN x=$((1/0)); useradd -m app\n',
      ['/bin/sh: 1: arithmetic expression: division by zero: "1/0"']],
    ['bash drops the rest of the line at a division by zero', 'FROM debian:bookworm\nSHELL ["/bin/bash", "-c"]\nRUN x=$((1/0)); useradd -m app\n',
      ['/bin/bash: line 1: 1/0: division by 0 (error token is "0")']],
    ['an exec-form RUN on Alpine does not need the SHELL', 'FROM alpine:3.20\nSHELL ["/bin/bash", "-c"]\nRUN ["adduser", "-D", "app"]\n', []],
  ];
  for (const [name, text, messages] of cases) {
    test(name, () => assert.deepEqual(build(text).failures.map((f) => f.message), messages));
  }

  test('buildah (OCI format) ignores SHELL: bash-only text is read by dash, and an assumption says so', () => {
    const text = 'FROM debian:bookworm\nSHELL ["/bin/bash", "-e", "-c"]\nRUN ((0)); mkdir /opt/after\nRUN echo "x\n';
    const r = build(text, 'buildah');
    assert.deepEqual(r.failures.map((f) => f.message), ['/bin/sh: 1: Syntax error: Unterminated quoted string']);
    assert.equal(owner(r, '/opt/after'), 'dir 0:0 755');
    assert.deepEqual(r.target.state.assumptions.filter((a) => a.id.startsWith('buildah-shell')).map((a) => a.line), [2]);
  });

  test('useradd after a [[ that dash does not have never runs', () => {
    const r = build('FROM debian:bookworm\nRUN [[ 1 == 1 ]] && useradd -m app\n');
    assert.deepEqual([owner(r, '/home/app'), r.target.state.accounts.passwd.some((u) => u.name === 'app')], ['missing', false]);
  });

  test('a failed RUN on distroless is classified as other, not a permission problem', () => {
    assert.deepEqual(build('FROM gcr.io/distroless/static:nonroot\nRUN mkdir /x\n').failures.map((f) => f.kind), ['other']);
  });
});

describe('COPY sources missing from a build context that was read', () => {
  const dir = { kind: 'dir', uid: 0, gid: 0, mode: 0o755 } as const;
  const file = { kind: 'file', uid: 0, gid: 0, mode: 0o644 } as const;
  const context: FsTree = new Map<string, FileMeta>([['/', dir], ['/app', dir], ['/app/a.py', file], ['/secret', { ...dir, partial: true }]]);
  const cases: [string, string, Builder, string | undefined][] = [
    ['BuildKit fails at the COPY with the path it looked up', 'COPY nothere /x/', 'buildkit', 'failed to compute cache key: failed to calculate checksum of ref: "/nothere": not found'],
    ['the classic builder names the context and .dockerignore', 'COPY ./nothere /x/', 'classic', 'COPY failed: file not found in build context or excluded by .dockerignore: stat nothere: file does not exist'],
    ['a missing file in a folder that was read', 'COPY app/b.py /x/', 'buildkit', 'failed to compute cache key: failed to calculate checksum of ref: "/app/b.py": not found'],
    ['one missing source of several fails the step', 'COPY app/a.py nothere /x/', 'buildkit', 'failed to compute cache key: failed to calculate checksum of ref: "/nothere": not found'],
    ['a source inside a file is missing too', 'COPY app/a.py/x /x/', 'buildkit', 'failed to compute cache key: failed to calculate checksum of ref: "/app/a.py/x": not found'],
    ['a wildcard may match nothing', 'COPY app/*.txt /x/', 'buildkit', undefined],
    ['a source in a folder that could not be read is unknown, not missing', 'COPY secret/key /x/', 'buildkit', undefined],
    ['a present source copies', 'COPY app/a.py /x/', 'buildkit', undefined],
  ];
  for (const [name, line, builder, want] of cases) {
    test(name, () => {
      const r = build(`FROM debian:bookworm\n${line}\n`, builder, { context });
      assert.deepEqual(r.failures.map((f) => [f.line, f.message, f.kind]), want === undefined ? [] : [[2, want, 'other']]);
      if (want !== undefined) assert.equal(owner(r, '/x'), 'missing');
    });
  }

  test('the assumption for an unreadable folder does not say the context was not read', () => {
    const r = build('FROM debian:bookworm\nCOPY secret/key /x/\n', 'buildkit', { context });
    const a = r.assumptions.find((x) => x.id === 'copy-source:2');
    assert.match(a?.text ?? '', /could not be read in full \(see context-unreadable\)/);
    assert.equal(owner(r, '/x/key'), 'file 0:0 644');
  });

  test('without a context (--no-context) a source stays an assumption', () => {
    const r = build('FROM debian:bookworm\nCOPY nothere /x/\n');
    assert.deepEqual(r.failures, []);
    assert.match(r.assumptions.find((x) => x.id === 'copy-source:2')?.text ?? '', /^the build context was not read/);
    assert.equal(owner(r, '/x/nothere'), 'file 0:0 644');
  });
});

describe('an unknown COPY --from source that a later step uses as a folder is a folder', () => {
  const stageMade = 'FROM debian:bookworm AS prepare\nRUN perl -e \'mkdir "/usr/share/app"\'\nFROM debian:bookworm\n';
  test('mkdir -p on it, a path below it, cd and WORKDIR make it a folder (measured: copy/from-stage-unknown-folder-used-as-folder)', () => {
    for (const later of [
      'RUN mkdir -p /usr/share/app/static /usr/share/app/media',
      'RUN touch /usr/share/app/static/x',
      'RUN cd /usr/share/app/static && ls',
      'WORKDIR /usr/share/app/static',
    ]) {
      const r = build(`${stageMade}COPY --from=prepare /usr/share/app/static /usr/share/app/static\n${later}\n`);
      assert.deepEqual(r.failures, [], later);
      assert.equal(r.target.state.fs.get('/usr/share/app/static')?.kind, 'dir', later);
    }
  });
  test('a relative name from the WORKDIR counts as well (measured: copy/from-stage-unknown-folder-cd-relative)', () => {
    for (const later of ['RUN cd docs && ls', 'RUN ls ./docs/', 'RUN mkdir -p docs/api', 'WORKDIR docs']) {
      const r = build(`${stageMade}WORKDIR /build\nCOPY --from=prepare /out/docs docs\n${later}\n`);
      assert.deepEqual(r.failures, [], later);
      assert.equal(r.target.state.fs.get('/build/docs')?.kind, 'dir', later);
    }
    // Variables as ENV and ARG give them: in a RUN, and in a WORKDIR that the name is relative to.
    for (const [name, text] of [
      ['ENV in a RUN', 'ENV APP=/srv/app\nCOPY --from=prepare /out/conf /srv/app/conf\nRUN cp "$APP/conf/sample.ini" /etc/app.ini\n'],
      ['ARG in braces', 'ARG APP=/srv/app\nCOPY --from=prepare /out/conf /srv/app/conf\nRUN mkdir -p ${APP}/conf/extra\n'],
      ['a WORKDIR by variable', 'ENV APP=/srv/app\nWORKDIR $APP\nCOPY --from=prepare /out/conf ./conf\nRUN cp conf/sample.ini /etc/app.ini\n'],
    ]) {
      const r = build(`${stageMade}${text}`);
      const path = '/srv/app/conf';
      assert.equal(r.target.state.fs.get(path)?.kind, 'dir', name);
    }
    // Another WORKDIR in between: the same words name another folder.
    const moved = build(`${stageMade}WORKDIR /build\nCOPY --from=prepare /out/docs docs\nWORKDIR /srv\nRUN mkdir -p docs/api\n`);
    assert.equal(owner(moved, '/build/docs'), 'file 0:0 755');
    // A longer path that ends with the name is no use of it.
    const other = build(`${stageMade}WORKDIR /build\nCOPY --from=prepare /out/docs docs\nRUN mkdir -p /srv/docs/api\n`);
    assert.equal(owner(other, '/build/docs'), 'file 0:0 755');
  });
  test('with no such use it stays a program the stage built (0755), as before', () => {
    const r = build(`${stageMade}COPY --from=prepare /app/server /usr/local/bin/server\nRUN /usr/local/bin/server --version\n`);
    assert.equal(owner(r, '/usr/local/bin/server'), 'file 0:0 755');
    // A similar name is no use of the path itself.
    const s = build(`${stageMade}COPY --from=prepare /srv/static /srv/static\nRUN mkdir -p /srv/static2/x\n`);
    assert.equal(owner(s, '/srv/static'), 'file 0:0 755');
  });
});

describe('COPY of a symlink given as the source copies what it points to', () => {
  const ctx: FsTree = new Map<string, FileMeta>([
    ['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }],
    ['/f600', { kind: 'file', uid: 0, gid: 0, mode: 0o600 }],
    ['/link600', { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: 'f600' }],
    ['/d', { kind: 'dir', uid: 0, gid: 0, mode: 0o750 }],
    ['/d/x', { kind: 'file', uid: 0, gid: 0, mode: 0o640 }],
    ['/d/inner', { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: 'x' }],
    ['/dlink', { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: '/d' }],
    ['/dangling', { kind: 'symlink', uid: 0, gid: 0, mode: 0o777, target: 'gone' }],
  ]);
  const cases: [string, string, [string, string][]][] = [
    ['a link to a file gives a regular file with the target\'s mode', 'COPY link600 /l/', [['/l/link600', 'file 0:0 600']]],
    ['a link to a folder copies the folder\'s contents; links inside stay links', 'COPY dlink /l/', [['/l/x', 'file 0:0 640'], ['/l/inner', 'symlink 0:0 777']]],
    ['a link matched by a wildcard is followed too', 'COPY link* /l/', [['/l/link600', 'file 0:0 600']]],
  ];
  for (const [name, line, want] of cases) {
    test(name, () => {
      const r = build(`FROM debian:bookworm\n${line}\n`, 'buildkit', { context: ctx });
      assert.deepEqual(want.map(([p]) => [p, owner(r, p)]), want);
    });
  }

  test('a dangling link is a missing source', () => {
    const r = build('FROM debian:bookworm\nCOPY dangling /l/\n', 'buildkit', { context: ctx });
    assert.deepEqual(r.failures.map((f) => f.message), ['failed to compute cache key: failed to calculate checksum of ref: "/dangling": not found']);
  });

  test('COPY --from follows a source link as well (BuildKit FollowSymlinks)', () => {
    const r = build('FROM debian:bookworm AS a\nRUN touch /f && chmod 600 /f && ln -s /f /lnk\nFROM debian:bookworm\nCOPY --from=a /lnk /l/\n');
    assert.equal(owner(r, '/l/lnk'), 'file 0:0 600');
  });
});

describe('a stage named like its base image', () => {
  const cases: [string, string, string][] = [
    ['FROM debian AS debian builds from the image', 'FROM debian AS debian\nRUN true\n', 'debian'],
    ['FROM a AS a names the image a', 'FROM a AS a\n', 'a'],
    ['a later stage FROM the name takes the stage', 'FROM debian AS debian\nRUN useradd bob\nFROM debian\n', 'debian'],
  ];
  for (const [name, text, ref] of cases) {
    test(name, () => {
      const r = build(text);
      assert.equal(r.target.baseRef, ref);
      assert.equal('stage' in r.target.base, text.includes('useradd'));
    });
  }

  test('COPY --from its own name inside the stage is a cycle at the COPY line', () => {
    assert.throws(() => build('FROM debian AS debian\nCOPY --from=debian /etc/passwd /p\n'), (e: Error & { line?: number }) =>
      e.message === 'circular dependency detected on stage: debian' && e.line === 2);
  });
});

describe('the stages a build runs', () => {
  const FAILING = 'FROM debian:bookworm AS test\nRUN useradd -u 0 dup\n';
  const stagesOf = (text: string, builder: Builder = 'buildkit', target?: string) => {
    const r = build(text, builder, { target });
    return { stages: r.stages.map((s) => s.index), failures: r.failures.map((f) => f.line) };
  };

  test('BuildKit and buildah skip a stage the target does not need, with its failure', () => {
    const text = `${FAILING}FROM debian:bookworm\nRUN true\n`;
    assert.deepEqual(stagesOf(text), { stages: [1], failures: [] });
    assert.deepEqual(stagesOf(text, 'buildah'), { stages: [1], failures: [] });
  });

  test('the classic builder builds every stage up to the target', () => {
    assert.deepEqual(stagesOf(`${FAILING}FROM debian:bookworm\nRUN true\n`, 'classic'), { stages: [0, 1], failures: [2] });
  });

  test('FROM a stage, COPY --from by name or index, and RUN --mount from= make a stage needed', () => {
    assert.deepEqual(stagesOf(`${FAILING}FROM test\nRUN true\n`).stages, [0, 1]);
    assert.deepEqual(stagesOf(`${FAILING}FROM debian:bookworm\nCOPY --from=test /etc/passwd /p\n`).stages, [0, 1]);
    assert.deepEqual(stagesOf(`${FAILING}FROM debian:bookworm\nCOPY --from=0 /etc/passwd /p\n`).stages, [0, 1]);
    assert.deepEqual(stagesOf(`${FAILING}FROM debian:bookworm\nRUN --mount=type=bind,from=test,target=/t true\n`).stages, [0, 1]);
  });

  test('a --from whose value cannot be told keeps every earlier stage; an image name keeps none', () => {
    assert.deepEqual(stagesOf(`${FAILING}FROM debian:bookworm\nARG SRC=test\nCOPY --from=$SRC /etc/passwd /p\n`).stages, [0, 1]);
    assert.deepEqual(stagesOf(`${FAILING}FROM debian:bookworm\nCOPY --from=nginx:latest /etc/nginx /n\n`).stages, [1]);
  });

  test('FROM a stage named through a global ARG', () => {
    assert.deepEqual(stagesOf(`ARG BASE=test
${FAILING}FROM \${BASE}
RUN true
`).stages, [0, 1]);
  });

  test('--target names the stage the build ends at', () => {
    assert.deepEqual(stagesOf(`${FAILING}FROM debian:bookworm AS prod\nRUN true\n`, 'buildkit', 'test'), { stages: [0], failures: [2] });
  });
});

describe('a RUN in a WORKDIR its USER may not enter', () => {
  const text = 'FROM debian:bookworm\nRUN useradd -m -u 1000 dev && mkdir /work && chmod 700 /work\nUSER dev\nWORKDIR /work\nRUN true\n';

  test('fails before its command runs, in the builder\'s words (buildah measured in the oracle)', () => {
    assert.deepEqual(build(text, 'buildah').failures.map((f) => [f.line, f.kind, f.message]), [[5, 'permission', 'fork/exec /bin/sh: permission denied']]);
    assert.deepEqual(build(text).failures.map((f) => [f.line, f.kind, f.message]), [[5, 'permission', 'runc run failed: unable to start container process: error during container init: chdir to cwd ("/work") set in config.json failed: permission denied']]);
  });

  test('a WORKDIR BuildKit makes after USER is the user\'s own', () => {
    assert.deepEqual(build('FROM debian:bookworm\nRUN useradd -m -u 1000 dev\nUSER dev\nWORKDIR /work\nRUN true\n').failures, []);
  });
});

describe('gosu and su-exec in RUN on a base that lacks them', () => {
  test('never installed: not found, as the shell says (oracle: more-failures/gosu-not-installed)', () => {
    assert.deepEqual(build('FROM debian:bookworm\nRUN useradd -m app\nRUN gosu app touch /tmp/x\n').failures.map((f) => [f.line, f.message]), [[3, '/bin/sh: 1: gosu: not found']]);
    assert.deepEqual(build('FROM alpine:3.20\nRUN adduser -D app\nRUN su-exec app touch /tmp/x\n').failures.map((f) => [f.line, f.message]), [[3, '/bin/sh: su-exec: not found']]);
  });

  test('installed, or maybe put there by a step the model does not follow: it runs', () => {
    assert.deepEqual(build('FROM debian:bookworm\nRUN apt-get update && apt-get install -y gosu && useradd -m app\nRUN gosu app touch /tmp/x\n').failures, []);
    assert.deepEqual(build('FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && curl -fsSL https://example.invalid/gosu -o /usr/local/bin/gosu && chmod +x /usr/local/bin/gosu && useradd -m app\nRUN gosu app touch /tmp/x\n').failures, []);
  });
});

describe('a sudoers rule written before sudo is installed', () => {
  const RULE = "RUN echo 'dev ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/dev\n";

  test('a catalog base without sudo has no /etc/sudoers.d: the shell says so (oracle: more-failures/sudoers-before-sudo)', () => {
    assert.deepEqual(build(`FROM debian:bookworm\n${RULE}`).failures.map((f) => f.message), ['/bin/sh: 1: cannot create /etc/sudoers.d/dev: Directory nonexistent']);
    assert.deepEqual(build(`FROM alpine:3.20\n${RULE}`).failures.map((f) => f.message), ["/bin/sh: line 1: can't create /etc/sudoers.d/dev: nonexistent directory"]);
  });

  test('after sudo is installed, or on a base that has it, the rule is written', () => {
    assert.deepEqual(build(`FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo\n${RULE}`).failures, []);
    assert.deepEqual(build(`FROM jupyter/base-notebook\nUSER root\n${RULE}`).failures, []);
  });

  test('on a base outside the catalog nothing is known to be missing', () => {
    assert.deepEqual(build(`FROM example.invalid/thing:1\n${RULE}`).failures, []);
  });

  test('a step the model does not follow in /etc may have made it', () => {
    assert.deepEqual(build(`FROM debian:bookworm\nRUN cd /etc && ./setup-sudo\n${RULE}`).failures, []);
  });
});

describe('a SHELL that is not a POSIX shell', () => {
  test('RUN through powershell or cmd is an unknown effect, not a failure in sh\'s words', () => {
    const df = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]\nRUN Write-Host ("x {0}" -f $env:V); exit 1\nSHELL ["cmd", "/S", "/C"]\nRUN if exist C:\\\\x ( echo y )\n';
    const r = build(df);
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.target.state.unknowns.map((u) => [u.line, u.reason]), [
      [3, 'RUN goes through SHELL powershell, whose language the model does not read'],
      [5, 'RUN goes through SHELL cmd, whose language the model does not read'],
    ]);
  });

  test('an exec-form RUN is still followed under such a SHELL', () => {
    const r = build('FROM debian:bookworm\nSHELL ["pwsh", "-c"]\nRUN ["mkdir", "/x"]\n');
    assert.equal(r.target.state.fs.get('/x')?.kind, 'dir');
  });
});

describe('the folders COPY --chmod makes', () => {
  const df = 'FROM debian:bookworm\nCOPY --chmod=0600 train.py /app/train.py\nCOPY --chmod=0777 a.txt /srv/w/a.txt\nCOPY b.txt /opt/n/b.txt\n';
  test('buildah makes them 0755 (measured: copy/chmod-parent-buildah)', () => {
    const r = build(df, 'buildah');
    assert.deepEqual([owner(r, '/app'), owner(r, '/app/train.py'), owner(r, '/srv/w')], ['dir 0:0 755', 'file 0:0 600', 'dir 0:0 755']);
    assert.equal(r.target.state.assumptions.some((a) => a.id.startsWith('copy-chmod-parents:')), false);
  });

  test('BuildKit gives them the mode less group and other write, as an assumption about the Docker release', () => {
    const r = build(df);
    assert.deepEqual([owner(r, '/app'), owner(r, '/srv/w'), owner(r, '/opt/n')], ['dir 0:0 600', 'dir 0:0 755', 'dir 0:0 755']);
    const a = r.target.state.assumptions.filter((x) => x.id.startsWith('copy-chmod-parents:'));
    assert.deepEqual(a.map((x) => [x.id, x.confidence, x.paths]), [['copy-chmod-parents:2', 'medium', ['/app']]]);
  });
});

describe('COPY --link', () => {
  const df = [
    'FROM debian:bookworm',
    'RUN useradd -m -u 1000 app && mkdir -p /app/sub && chown -R app:app /app && chmod 700 /app',
    'COPY --link a.txt /app/sub/a.txt',
    'COPY --link --chown=1000:1000 b.txt /tmp/b.txt',
    'COPY --link=false c.txt /home/app/c.txt',
    'COPY --link --chmod=0644 d.txt /home/app/d.txt',
    '',
  ].join('\n');

  test('BuildKit makes the folders on the way anew (root 0755, or the --chown owner), with an assumption naming each; not with --chmod, where it does not link', () => {
    const r = build(df);
    assert.deepEqual(
      [owner(r, '/app'), owner(r, '/app/sub'), owner(r, '/app/sub/a.txt'), owner(r, '/tmp'), owner(r, '/home/app')],
      ['dir 0:0 755', 'dir 0:0 755', 'file 0:0 644', 'dir 1000:1000 755', 'dir 1000:1000 755'],
    );
    const a = r.target.state.assumptions.filter((x) => x.id.startsWith('copy-link:'));
    assert.deepEqual(a.map((x) => [x.id, x.confidence, x.paths]), [['copy-link:3', 'medium', ['/app', '/app/sub']], ['copy-link:4', 'medium', ['/tmp']]]);
    assert.equal(a[0].text, "BuildKit makes the folders on the way anew in the linked layer, which replace the image's: /app (was 1000:1000 0700), /app/sub (was 1000:1000 0755) becomes 0:0 0755 (BuildKit's reference on --link; not measured here)");
  });

  test('the classic builder keeps the folders as they were', () => {
    const r = build(df, 'classic');
    assert.deepEqual([owner(r, '/app'), owner(r, '/tmp')], ['dir 1000:1000 700', 'dir 0:0 1777']);
    assert.equal(r.target.state.assumptions.some((x) => x.id.startsWith('copy-link:')), false);
  });

  test('buildah 1.28 refuses --link, --parents and --exclude on COPY, and anything but --chmod and --chown on ADD (measured: copy-flags/*)', () => {
    const fails = (text: string) => build(`FROM debian:bookworm\n${text}\n`, 'buildah').failures.map((f) => [f.line, f.message]);
    const copyWords = 'COPY only supports the --chmod=<permissions> --chown=<uid:gid> and the --from=<image|stage> flags';
    assert.deepEqual(fails('COPY --link a.txt /app/a.txt'), [[2, copyWords]]);
    assert.deepEqual(fails('COPY --parents a.txt /app/'), [[2, copyWords]]);
    assert.deepEqual(fails('COPY --exclude=*.md . /app/'), [[2, copyWords]]);
    assert.deepEqual(fails('ADD --link a.txt /app/a.txt'), [[2, 'ADD only supports the --chmod=<permissions> and the --chown=<uid:gid> flag']]);
    assert.deepEqual(fails('COPY --chown=0:0 --chmod=0644 a.txt /app/a.txt'), []);
  });
});

describe('COPY --chmod that is not an octal number', () => {
  const df = 'FROM debian:bookworm\nCOPY --chmod=u+x,g-r a.txt /app/a.txt\nCOPY --chmod=a+X d/ /app/d/\n';

  test('BuildKit applies a symbolic mode to each item\'s own mode, as an assumption', () => {
    const r = build(df);
    assert.deepEqual([owner(r, '/app/a.txt'), r.failures], ['file 0:0 704', []]);
    assert.deepEqual(r.target.state.assumptions.filter((a) => a.id.startsWith('copy-chmod-symbolic:')).map((a) => [a.id, a.confidence]), [['copy-chmod-symbolic:2', 'medium'], ['copy-chmod-symbolic:3', 'medium']]);
  });

  test('BuildKit refuses a number that is not octal or above 07777; buildah 1.28 refuses anything not octal (measured: copy-flags/chmod-*)', () => {
    const fails = (text: string, builder: Builder) => build(`FROM debian:bookworm\n${text}\n`, builder).failures.map((f) => f.message);
    assert.deepEqual(fails('COPY --chmod=999 a.txt /a', 'buildkit'), ["invalid chmod parameter: '999'. it should be octal string and between 0 and 07777"]);
    assert.deepEqual(fails('COPY --chmod=u+x a.txt /a', 'buildah'), ['Error parsing chmod u+x']);
    assert.deepEqual(fails('COPY --chmod=999 a.txt /a', 'buildah'), ['Error parsing chmod 999']);
  });
});

describe('a value that outgrows a string', () => {
  test('ARGs that double forty times: the ARG that cannot be held is an unknown effect, not a crash', () => {
    const lines = ['FROM debian:bookworm', 'ARG A0=x'];
    for (let i = 1; i <= 40; i++) lines.push(`ARG A${i}=\${A${i - 1}}\${A${i - 1}}`);
    lines.push('RUN mkdir /done');
    const r = build(`${lines.join('\n')}\n`);
    assert.equal(owner(r, '/done'), 'dir 0:0 755');
    // A21 is 2^21 characters, past the 1 MiB uidctl holds: it and each ARG built from it are not known.
    const unknowns = r.target.state.unknowns.map((x) => [x.line, x.reason]);
    assert.equal(unknowns.length, 20);
    assert.deepEqual(unknowns[0], [23, 'the value would be longer than 1 MiB; the model does not hold such values, so A21 is not known from here']);
    assert.deepEqual(unknowns[1], [24, 'the value of A21 is not known (it would be longer than 1 MiB); the model does not hold such values, so A22 is not known from here']);
  });
});

describe('ADD of a local tar archive', () => {
  test('unpacked into the destination, which then lists in part; the archive file is not there', () => {
    const context: FsTree = new Map([
      ['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }],
      ['/pkg.tar.gz', { kind: 'file', uid: 0, gid: 0, mode: 0o644 }],
      ['/notes.txt', { kind: 'file', uid: 0, gid: 0, mode: 0o644 }],
    ]);
    const a = analyze({ file: 'Dockerfile', text: 'FROM debian:bookworm\nADD pkg.tar.gz /opt/a/\nADD notes.txt /opt/a/\n', context, readContextText: () => '' });
    assert.deepEqual([a.image.fs.has('/opt/a/pkg.tar.gz'), a.image.fs.has('/opt/a/notes.txt'), a.image.fs.get('/opt/a')?.partial], [false, true, true]);
    assert.deepEqual(a.assumptions.filter((x) => x.id.startsWith('add-archive')).map((x) => x.id), ['add-archive:2']);
  });
});

describe('a COPY source the context does not show: file or folder by what later steps do with it', () => {
  const kind = (text: string, path: string) => analyze({ file: 'Dockerfile', text }).image.fs.get(path)?.kind;
  test('a later mkdir, cd or path below it makes it a folder', () => {
    assert.equal(kind('FROM debian:bookworm\nCOPY docker/conf /etc/app\nRUN mkdir -p /etc/app\n', '/etc/app'), 'dir');
    assert.equal(kind('FROM debian:bookworm\nCOPY docker/conf /etc/app\nRUN cd /etc/app && ls\n', '/etc/app'), 'dir');
    assert.equal(kind('FROM debian:bookworm\nCOPY docker/conf /etc/app\nRUN cat /etc/app/a.conf\n', '/etc/app'), 'dir');
  });

  test('a mkdir of another path earlier in the same line does not (found in a public Dockerfile)', () => {
    assert.equal(kind('FROM debian:bookworm\nCOPY docker/entry-point.sh /entry-point.sh\nRUN mkdir -p /home/user && chmod a+x /entry-point.sh\n', '/entry-point.sh'), 'file');
    assert.equal(kind('FROM debian:bookworm\nCOPY docker/run.sh /run.sh\nRUN cd /tmp; chmod +x /run.sh\n', '/run.sh'), 'file');
  });
});

describe('here-documents with blanks after << (BuildKit v0.22 and later)', () => {
  const text = "FROM debian:bookworm\nCOPY << EOF /etc/motd\nhello\nEOF\nRUN cat > /x << 'EOF'\na\nEOF\nRUN << EOF\nuseradd -m app\nEOF\nUSER app\n";
  test('COPY, a RUN that feeds one to a command, and a RUN that is one all work, each with the assumption', () => {
    const r = build(text);
    assert.deepEqual(r.failures, []);
    assert.deepEqual([owner(r, '/etc/motd'), owner(r, '/x')], ['file 0:0 644', 'file 0:0 644']);
    assert.equal(r.target.state.accounts.passwd.some((e) => e.name === 'app'), true);
    assert.deepEqual(r.assumptions.filter((a) => a.id.startsWith('heredoc-space:')).map((a) => [a.id, a.confidence]), [
      ['heredoc-space:2', 'medium'], ['heredoc-space:5', 'medium'], ['heredoc-space:8', 'medium'],
    ]);
  });
  test('the classic builder reads the body as instructions, as with <<EOF', () => {
    assert.deepEqual(build(text, 'classic').failures.map((f) => [f.line, f.message]).slice(0, 1), [[3, 'unknown instruction: HELLO']]);
  });
});

describe('blanks after << under a # syntax= line', () => {
  const text = (syntax: string) => `${syntax}FROM debian:bookworm\nRUN cat > /x << 'EOF'\na\nEOF\n`;
  const ids = (syntax: string) => build(text(syntax)).assumptions.filter((a) => a.id.startsWith('heredoc-space:')).map((a) => a.id);
  test('docker/dockerfile:1 (a moving tag) or 1.15 and later: no assumption', () => {
    for (const s of ['# syntax=docker/dockerfile:1\n', '# syntax=docker/dockerfile:1.15\n', '# syntax=docker.io/docker/dockerfile:1.17-labs\n']) assert.deepEqual(ids(s), [], s);
  });
  test('an older pinned frontend, or none: the assumption', () => {
    assert.deepEqual(ids('# syntax=docker/dockerfile:1.4\n'), ['heredoc-space:3']);
    assert.deepEqual(ids(''), ['heredoc-space:2']);
  });
});

describe('COPY --from of a folder a step the model did not follow filled', () => {
  test('the copy is filled too: a path below it is not known, rather than missing', () => {
    const text = 'FROM python:3.11-slim AS builder\nWORKDIR /app\nRUN uv sync --frozen\nFROM python:3.11-slim\nCOPY --from=builder /app /app\n';
    const a = analyze({ file: 'Dockerfile', text, paths: ['/app/.venv/bin/python'] });
    const m = a.image.fs.get('/app');
    assert.deepEqual([m?.partial, m?.filled], [true, true]);
    const v = a.verdicts.find((x) => x.path === '/app/.venv/bin/python' && x.op === 'read');
    assert.deepEqual([v?.allowed, v?.unknown], [false, true]);
  });
});

describe('an ARG declared before the first FROM and used in a stage (UID605)', () => {
  const rule = (text: string) => analyze({ file: 'Dockerfile', text }).findings.filter((f) => f.ruleId === 'UID605');
  test('its first use in the stage is reported with the line of the ARG, and an edit that declares it', () => {
    const [f, ...rest] = rule('ARG USERNAME=ml\nFROM ubuntu:22.04\nRUN useradd -m ${USERNAME:-fallback}\nUSER ${USERNAME:-fallback}\n');
    assert.deepEqual(rest, []);
    assert.equal(f.message, '$USERNAME is empty here: ARG USERNAME is declared before the first FROM (line 1), and this stage does not declare it again.');
    assert.deepEqual(f.fixes[0].edit, { file: 'Dockerfile', startLine: 3, endLine: 2, text: 'ARG USERNAME' });
  });
  test('not when the stage declares it, an ENV sets it, or only FROM uses it', () => {
    assert.deepEqual(rule('ARG U=ml\nFROM ubuntu:22.04\nARG U\nRUN useradd -m $U\n'), []);
    assert.deepEqual(rule('ARG U=ml\nFROM ubuntu:22.04\nENV U=app\nRUN useradd -m $U\n'), []);
    assert.deepEqual(rule('ARG BASE=ubuntu:22.04\nFROM ${BASE}\nRUN useradd -m app\n'), []);
    // Docker's predefined proxy ARGs reach every RUN.
    assert.deepEqual(rule('ARG http_proxy\nFROM ubuntu:22.04\nRUN curl -x "$http_proxy" https://example.invalid/\n'), []);
    // A RUN whose shell sets the name itself.
    for (const run of ['VERSION=$(cat /etc/debian_version) && echo $VERSION', 'export VERSION=1 && echo "$VERSION"', 'for VERSION in 1 2; do echo $VERSION; done', 'read -r VERSION < /etc/hostname; echo $VERSION']) {
      assert.deepEqual(rule(`ARG VERSION=12\nFROM debian:\${VERSION}\nRUN ${run}\n`), [], run);
    }
    assert.equal(rule('ARG VERSION=12\nFROM debian:${VERSION}\nRUN echo $VERSION\n').length, 1);
  });
  test('in every stage that uses it', () => {
    const text = 'ARG V=1\nFROM debian:bookworm AS a\nRUN echo $V > /v\nFROM debian:bookworm\nCOPY --from=a /v /v\nRUN echo ${V}\n';
    assert.deepEqual(rule(text).map((f) => f.location.line), [3, 6]);
  });
});
