// Every command words a bad option the same way: one line in uidctl's own words, exit 2. node's
// parseArgs messages (several lines, unbalanced quotes, "argument is ambiguous") never show.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';

const COMMANDS = ['check', 'explain', 'diagnose', 'probe', 'image', 'verify', 'rules', 'catalog'];

async function uidctl(args: string[]) {
  const io = memoryIo({ HOME: '/home/ci', PATH: '/nonexistent' });
  const code = await main(args, io);

  return { code, stderr: io.stderr, stdout: io.stdout };
}

describe('option errors: one line, the same words in every command, exit 2', () => {
  for (const cmd of COMMANDS) {
    // probe takes no file or name, so the hint about '--' is left out there.
    const hint = cmd === 'probe' ? '' : " (a file whose name starts with '-' goes after '--')";

    test(`${cmd} --bogus`, async () => {
      assert.deepEqual(await uidctl([cmd, '--bogus']), { code: 2, stdout: '', stderr: `uidctl ${cmd}: unknown option --bogus${hint}\n` });
    });

    test(`${cmd} -x`, async () => {
      assert.deepEqual(await uidctl([cmd, '-x']), { code: 2, stdout: '', stderr: `uidctl ${cmd}: unknown option -x${hint}\n` });
    });

    test(`${cmd} --help=1`, async () => {
      assert.deepEqual(await uidctl([cmd, '--help=1']), { code: 2, stdout: '', stderr: `uidctl ${cmd}: --help takes no value (got '1')\n` });
    });
  }

  for (const cmd of COMMANDS.filter((c) => c !== 'probe')) {
    test(`${cmd} --format with no value`, async () => {
      assert.deepEqual(await uidctl([cmd, '--format']), { code: 2, stdout: '', stderr: `uidctl ${cmd}: --format needs a value\n` });
    });
  }

  test('check --jobs -1: the value that looks like an option is named, not "argument is ambiguous"', async () => {
    assert.deepEqual(await uidctl(['check', '--jobs', '-1']), {
      code: 2,
      stdout: '',
      stderr: "uidctl check: --jobs needs a value; '-1' looks like an option (write --jobs=-1 if it is the value)\n",
    });
  });

  test('an option given an option as its value', async () => {
    assert.equal((await uidctl(['rules', '--format', '--json'])).stderr, "uidctl rules: --format needs a value; '--json' looks like an option (write --format=--json if it is the value)\n");
  });

  test('probe with an argument: unexpected, in uidctl\'s words', async () => {
    assert.deepEqual(await uidctl(['probe', 'foo']), { code: 2, stdout: '', stderr: "uidctl probe: unexpected argument 'foo': this command takes options only\n" });
  });

  test('image: no literal \\x0a, no usage text glued to the error', async () => {
    assert.deepEqual(await uidctl(['image']), { code: 2, stdout: '', stderr: "uidctl image: give an image name or archive (see 'uidctl image --help')\n" });
    assert.deepEqual(await uidctl(['image', 'a', 'b']), { code: 2, stdout: '', stderr: 'uidctl image: give one image name or archive (got 2: a b)\n' });
    assert.deepEqual(await uidctl(['image', '--format', 'yaml', 'x']), { code: 2, stdout: '', stderr: "uidctl image: --format must be one of text, json (got 'yaml')\n" });
    assert.deepEqual(await uidctl(['image', '--from', 'disk', 'x']), { code: 2, stdout: '', stderr: "uidctl image: --from must be one of archive, engine, registry (got 'disk')\n" });
  });

  test('--run twice is a usage error, not the last one silently (check, fix, explain, verify)', async () => {
    for (const cmd of ['check', 'fix']) {
      assert.deepEqual(await uidctl([cmd, '--run', 'docker run -u 0 x', '--run', 'docker run x', 'Dockerfile']), {
        code: 2, stdout: '', stderr: `uidctl ${cmd}: --run is given 2 times: uidctl checks one way of starting the container, so give one --run (and check the others one at a time)\n`,
      });
      assert.deepEqual(await uidctl([cmd, '--run-file', 'a.sh', '--run-file=b.sh', 'Dockerfile']), {
        code: 2, stdout: '', stderr: `uidctl ${cmd}: --run-file is given 2 times: uidctl checks one way of starting the container, so give one --run-file (and check the others one at a time)\n`,
      });
    }
    for (const cmd of ['explain', 'verify']) {
      const r = await uidctl([cmd, '--run', 'docker run x', '--run', 'docker run y']);
      assert.deepEqual(r, { code: 2, stdout: '', stderr: `uidctl ${cmd}: --run is given 2 times: uidctl checks one way of starting the container, so give one --run (and check the others one at a time)\n` });
    }
  });
});
