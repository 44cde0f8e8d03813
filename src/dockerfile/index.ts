// Public surface of the Dockerfile parser and BuildKit word processing.

export { parseDockerfile } from './parse.js';
export {
  ExpandError,
  KeyValueError,
  expandWord,
  expandWords,
  isGoSpace,
  parseKeyValues,
  splitRawWords,
  splitWords,
} from './expand.js';
export type { ExpandErrorKind, KeyValue, LexOptions, VarLookup } from './expand.js';
export type {
  DfFlag,
  DfHeredoc,
  DfInstruction,
  DfParseError,
  DfStage,
  Dockerfile,
} from './types.js';
