// npm install and npm ci: where they write decides who may run them (measured with Debian's
// npm in the oracle suite, tests/oracle/scenarios/packages.yaml).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';

const failures = (text: string) => analyze({ file: 'Dockerfile', text }).sim.failures.map((f) => `${f.line} ${f.kind}: ${f.message.split('\n').at(-1)}`);

describe('npm install -g', () => {
  const cases: [string, string, string[]][] = [
    ['as node on the node image: the root-owned global folder', 'FROM node:20-alpine\nUSER node\nRUN npm install -g typescript\n',
      ["3 permission: npm error Error: EACCES: permission denied, mkdir '/usr/local/lib/node_modules/typescript'"]],
    ['as root it works', 'FROM node:20\nRUN npm install -g pnpm@9\n', []],
    ['a prefix the user owns works (NPM_CONFIG_PREFIX)', 'FROM node:20\nUSER node\nENV NPM_CONFIG_PREFIX=/home/node/.npm-global\nRUN npm install -g typescript\n', []],
    ['Debian\'s npm: the folder does not exist yet, and /usr/local/lib is root\'s', 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y npm\nRUN useradd -m dev\nUSER dev\nRUN npm install -g /pkg\n',
      ["5 permission: npm ERR! Error: EACCES: permission denied, mkdir '/usr/local/lib/node_modules'"]],
  ];
  for (const [name, text, want] of cases) test(name, () => assert.deepEqual(failures(text), want));

  test('a scoped name with a version is a package name, not a path', () => {
    const [f] = analyze({ file: 'Dockerfile', text: 'FROM node:22-slim\nUSER node\nRUN npm i -g @angular/cli@17\n' }).sim.failures;
    assert.deepEqual([f?.line, f?.kind], [3, 'permission']);
    assert.match(f?.message ?? '', /mkdir '\/usr\/local\/lib\/node_modules\/@angular/);
  });
});

describe('npm install and npm ci in the working folder', () => {
  test('a root-owned WORKDIR refuses node_modules to node', () => {
    assert.deepEqual(failures('FROM node:20\nWORKDIR /app\nRUN echo {} > package.json\nUSER node\nRUN npm ci\n'),
      ["5 permission: npm error Error: EACCES: permission denied, mkdir '/app/node_modules'"]);
  });

  test('a WORKDIR given to node works, and node_modules is node\'s', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM node:20\nWORKDIR /app\nRUN chown node:node /app\nUSER node\nRUN npm ci\n' });
    assert.deepEqual(a.sim.failures, []);
    assert.equal(a.image.fs.get('/app/node_modules')?.uid, 1000);
  });

  test('other subcommands, and npm where the image may not have it, are not modelled', () => {
    const a = analyze({ file: 'Dockerfile', text: 'FROM node:20\nWORKDIR /app\nRUN npm run build\nFROM python:3.12\nRUN npm install -g x\n' });
    assert.deepEqual(a.sim.failures, []);
    assert.deepEqual(a.unknowns.map((u) => u.reason), ['npm install: whether npm is installed is not known']);
    const b = analyze({ file: 'Dockerfile', text: 'FROM node:20\nWORKDIR /app\nRUN npm run build\n' });
    assert.deepEqual(b.unknowns.map((u) => u.reason), ['npm run is not modelled']);
    assert.equal(b.image.fs.get('/app')?.partial, true);
  });
});
