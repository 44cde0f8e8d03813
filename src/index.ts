// The library API: analyse a Dockerfile and a run context, get a typed result.
//
//   import { analyze, parseDockerRun } from 'uidctl';
//   const run = parseDockerRun('docker run -u 1000 -v /data:/data img', { invoker });
//   const a = analyze({ file: 'Dockerfile', text, run, host });
//   a.identity.uid; a.verdicts; a.findings;

export { analyze, activePython, DockerfileSyntaxError, NO_RUN } from './analyze.js';
export type { Analysis, AnalyzeInput, BuildChange, IdentitySummary, KeyPath, Profile, Engine, SudoStatus } from './analyze.js';
export type * from './model/types.js';
export { parseDockerfile } from './dockerfile/parse.js';
export { parseShell } from './shell/parse.js';
export { simulate } from './build/simulate.js';
export type { SimulationResult, StageResult, BuildFailure, BaseResolution } from './build/simulate.js';
export { parseDockerRun } from './runtime/docker.js';
export { parseCompose, parseComposeFiles } from './runtime/compose.js';
export type { ComposeOptions, ComposeProject, ComposeSource } from './runtime/compose.js';
export { parseKubernetes } from './runtime/kubernetes.js';
export type { KubernetesOptions } from './runtime/kubernetes.js';
export { resolveRuntime } from './runtime/resolve.js';
export { evaluate, DOCKER_DEFAULT_CAPS } from './access/evaluate.js';
export type { Identity, View } from './access/evaluate.js';
export { resolveBase } from './image/catalog/index.js';
export { RULES, findRule, runRules } from './rules/registry.js';
export type { Rule, RuleMeta } from './rules/rule.js';
export { renderJson } from './report/json.js';
export { renderSarif } from './report/sarif.js';
export { renderText } from './report/text.js';
export { VERSION } from './version.js';
