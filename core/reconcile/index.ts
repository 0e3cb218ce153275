export * from './decide.js';
export * from './record.js';
