/** The physical names live in core (functions use them too, and functions never import stacks). */
export * from '../core/names.js';
