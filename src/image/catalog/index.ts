// The embedded base-image catalog: facts about common base images, with their sources, so a
// Dockerfile can be modelled without pulling anything.

export type { BaseResolution, CatalogDescription } from './resolve.js';
export { catalogKeys, catalogState, describeCatalog, resolveBase } from './resolve.js';
export type { ImageRef } from './spec.js';
export { parseRef } from './reference.js';
export { sudoRules } from './spec.js';
