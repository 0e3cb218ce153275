/** Shared helpers for reading events and patterns as EventBridge does. */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: event keys such as `constructor` or `__proto__` must not reach the prototype. */
export function field(node: unknown, key: string): unknown {
  return isRecord(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

/**
 * The leaf values at a field: a scalar, or every scalar of an array (nested arrays flattened). Objects are not
 * leaves, so a field holding an object has no values, which is why `exists` only sees leaf nodes.
 */
export function leafValues(value: unknown): unknown[] {
  if (value === undefined || isRecord(value)) return [];
  if (!Array.isArray(value)) return [value];
  return value.flatMap((element) => leafValues(element));
}

/** The objects at a field, through arrays: the event sides a nested pattern is matched against. */
export function childObjects(value: unknown): Record<string, unknown>[] {
  if (isRecord(value)) return [value];
  if (!Array.isArray(value)) return [];
  return value.flatMap((element) => childObjects(element));
}

/**
 * `$or` is the or-primitive only as an array of at least two objects; anything else is an ordinary field called
 * `$or` (EventBridge kept that reading for backward compatibility).
 */
export function isOrClause(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length >= 2 && value.every(isRecord);
}

export function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
