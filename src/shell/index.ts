// Public surface of the shell parser.
export * from './ast.js';
export { parseShell } from './parse.js';
export { literalValue, expandWordStatic, globMatch } from './words.js';
export type { StaticEnv, CmdSubstHook, StaticExpansion } from './words.js';
