// Fields of the JSON report (docs/json-output.md) not covered through the CLI tests.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { analyze } from '../../src/analyze.js';
import { renderJson } from '../../src/report/json.js';

const json = (text: string) => {
  const a = analyze({ file: 'Dockerfile', text });
  return JSON.parse(renderJson([{ analysis: a, findings: a.findings }], '9.9.9')).results[0];
};

describe('JSON report: python', () => {
  test('the workload\'s Python: the environment a conda run start command activates', () => {
    const r = json('FROM continuumio/miniconda3:24.7.1-0\nRUN conda create -y -n ml python=3.10\nCMD ["conda", "run", "-n", "ml", "python", "train.py"]\n');
    assert.deepEqual(r.python, { python: '/opt/conda/envs/ml/bin/python', kind: 'conda', version: '3.10', sitePackages: '/opt/conda/envs/ml/lib/python3.10/site-packages' });
  });

  test('null on an image with no Python', () => {
    assert.equal(json('FROM debian:bookworm\n').python, null);
  });
});
