// ML launchers in the start command, followed to the script their workers open (the outcome of
// an unreadable script is from their source: tests/oracle/documented/launchers.yaml), and a
// launcher the image lacks (measured: tests/oracle/scenarios/launchers.yaml).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { launcherCall } from '../../src/rules/identity/launchers.js';
import type { FsTree } from '../../src/model/types.js';

describe('launcherCall', () => {
  const cases: [string[], ReturnType<typeof launcherCall>][] = [
    [['torchrun', '--nproc_per_node', '4', 'train.py'], { tool: 'torchrun', pkg: 'torch', script: 'train.py' }],
    [['torchrun', '--nproc-per-node=4', '--standalone', '/app/t.py', '--lr', '3'], { tool: 'torchrun', pkg: 'torch', script: '/app/t.py' }],
    [['torchrun', '--nproc', '2', '--master_port', '1234', 't.py'], { tool: 'torchrun', pkg: 'torch', script: 't.py' }],
    [['torchrun', '-m', 'pkg.train'], { tool: 'torchrun', pkg: 'torch', module: true }],
    [['torchrun', '--no-python', 'run.sh'], { tool: 'torchrun', pkg: 'torch', noPython: true }],
    [['python', '-m', 'torch.distributed.run', '--nnodes', '1', 't.py'], { tool: 'torch.distributed.run', pkg: 'torch', script: 't.py' }],
    [['python3', '-u', '-m', 'torch.distributed.launch', '--use_env', 't.py'], { tool: 'torch.distributed.launch', pkg: 'torch', script: 't.py' }],
    [['accelerate', 'launch', '--config_file', 'c.yaml', '--multi-gpu', '--num-processes=2', 't.py'], { tool: 'accelerate launch', pkg: 'accelerate', script: 't.py' }],
    [['accelerate', 'launch', '-m', 'pkg.train'], { tool: 'accelerate launch', pkg: 'accelerate', module: true }],
    [['deepspeed', '--num_gpus', '2', '--master_port', '1234', 't.py'], { tool: 'deepspeed', pkg: 'deepspeed', script: 't.py' }],
    // An option the launcher does not define: not followed.
    [['deepspeed', '--bogus', 't.py'], { tool: 'deepspeed', pkg: 'deepspeed' }],
    [['python', '-m', 'pkg', 't.py'], undefined],
    [['accelerate', 'config'], undefined],
  ];
  for (const [argv, want] of cases) test(argv.join(' '), () => assert.deepEqual(launcherCall(argv), want));
});

describe('a launcher whose workers cannot read the script', () => {
  const run = (base: string, cmd: string, mode = 0o600, extra = '') => {
    const context: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/train.py', { kind: 'file', uid: 0, gid: 0, mode }]]);
    const df = `FROM ${base}\n${extra}RUN useradd -m -u 1000 ml\nWORKDIR /app\nCOPY train.py .\nUSER ml\nCMD ${cmd}\n`;
    return analyze({ file: 'Dockerfile', text: df, context });
  };
  const uid106 = (a: ReturnType<typeof run>) => a.findings.find((f) => f.ruleId === 'UID106');

  test('torchrun on the PyTorch image: an error naming python\'s words, resting on the launcher assumption', () => {
    const a = run('pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime', '["torchrun", "--nproc_per_node", "2", "train.py"]');
    const f = uid106(a);
    assert.equal(f?.message, `The container will not start its workload: torchrun starts, but ml (uid 1000) cannot read /app/train.py, so each worker's python stops with "can't open file '/app/train.py': [Errno 13] Permission denied" (status 2) and torchrun then reports the failed workers (ChildFailedError) and exits non-zero. The launcher's own output is not measured.`);
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.dependsOn, ['launcher:torchrun']);
    assert.deepEqual(f?.fixes.map((x) => x.snippet), ['COPY --chmod=0644 train.py /app/train.py', 'RUN chmod a+r /app/train.py']);
    assert.equal(a.assumptions.find((x) => x.id === 'launcher:torchrun')?.confidence, 'high');
  });

  test('0644: nothing to report', () => {
    assert.equal(uid106(run('pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime', '["torchrun", "train.py"]', 0o644)), undefined);
  });

  test('-m: the operand is a module, no file', () => {
    assert.equal(uid106(run('pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime', '["torchrun", "-m", "train"]')), undefined);
  });

  test('deepspeed after pip install deepspeed', () => {
    const f = uid106(run('pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime', '["deepspeed", "--num_gpus", "2", "train.py"]', 0o600, 'RUN pip install deepspeed\n'));
    assert.match(f?.message ?? '', /^The container will not start its workload: deepspeed starts, but ml \(uid 1000\) cannot read \/app\/train\.py, .* deepspeed then stops the other ranks and exits with the worker's status\./);
  });
});

describe('a launcher the image lacks', () => {
  const run = (base: string, cmd: string, extra = '') => {
    const context: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }], ['/train.py', { kind: 'file', uid: 0, gid: 0, mode: 0o644 }]]);
    return analyze({ file: 'Dockerfile', text: `FROM ${base}\n${extra}COPY train.py /app/\nCMD ${cmd}\n`, context }).findings.find((f) => f.ruleId === 'UID106');
  };

  test('torchrun on python:3.11-slim with no Python package installed: not installed, a warning', () => {
    const f = run('python:3.11-slim', '["torchrun", "/app/train.py"]');
    assert.equal(f?.message, 'The container will not start: torchrun is not installed (exec: "torchrun": executable file not found in $PATH).');
    assert.equal(f?.severity, 'warning');
    assert.equal(f?.fixes[0].snippet, 'RUN pip install --no-cache-dir torch');
  });

  test('any pip install may bring torch along: nothing is claimed', () => {
    assert.equal(run('python:3.11-slim', '["torchrun", "/app/train.py"]', 'RUN pip install -r requirements.txt\n'), undefined);
    assert.equal(run('python:3.11-slim', '["torchrun", "/app/train.py"]', 'RUN pip install transformers\n'), undefined);
  });

  test('the PyTorch and NGC images have torchrun', () => {
    assert.equal(run('pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime', '["torchrun", "/app/train.py"]'), undefined);
    assert.equal(run('nvcr.io/nvidia/pytorch:24.05-py3', '["torchrun", "/app/train.py"]'), undefined);
  });

  test('python -m torch.distributed.run without torch: python cannot find the module (measured text)', () => {
    const f = run('python:3.11-slim', '["python", "-m", "torch.distributed.run", "/app/train.py"]');
    assert.equal(f?.message, "The container will not start its workload: /usr/local/bin/python: Error while finding module specification for 'torch.distributed.run' (ModuleNotFoundError: No module named 'torch') (exit 1).");
  });
});
