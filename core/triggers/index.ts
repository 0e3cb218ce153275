export * from './affected.js';
export * from './change.js';
export * from './decide.js';
export * from './dedupe.js';
export * from './from-events.js';
export * from './lineage.js';
export * from './package-release.js';
export * from './window.js';
