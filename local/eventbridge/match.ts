import { operatorMatches } from './operators.js';
import { childObjects, field, isOrClause, isRecord, leafValues } from './values.js';

/**
 * Whether one entry of a field's match array accepts the field's leaf values. `exists` judges the field as a whole;
 * every other entry matches if any one value matches (an array-valued field matches when any element does).
 */
function entryMatches(entry: unknown, values: readonly unknown[]): boolean {
  if (!isRecord(entry)) {
    // Exact match: same JSON type and value, so "5" ≠ 5 and "" ≠ null.
    return values.some((value) => value === entry);
  }
  const [operator, ...others] = Object.keys(entry);
  if (operator === undefined || others.length > 0) return false;
  const operand = entry[operator];
  if (operator === 'exists') return operand === true ? values.length > 0 : operand === false && values.length === 0;
  return values.some((value) => operatorMatches(operator, operand, value));
}

function fieldMatches(entries: readonly unknown[], value: unknown): boolean {
  const values = leafValues(value);
  return entries.some((entry) => entryMatches(entry, values));
}

function objectMatches(pattern: Record<string, unknown>, node: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or' && isOrClause(expected)) {
      if (!expected.some((branch) => objectMatches(branch, node))) return false;
      continue;
    }
    const actual = field(node, key);
    if (Array.isArray(expected)) {
      if (!fieldMatches(expected, actual)) return false;
    } else if (isRecord(expected)) {
      // Matching each element of an object array on its own keeps fields from different elements apart.
      const children = childObjects(actual);
      const matched =
        children.length === 0
          ? objectMatches(expected, undefined)
          : children.some((child) => objectMatches(expected, child));
      if (!matched) return false;
    } else {
      // A scalar where a match array belongs: EventBridge rejects such a pattern, so it matches nothing.
      return false;
    }
  }
  return true;
}

/**
 * Whether an EventBridge event pattern matches an event, following EventBridge's content-filtering rules: every
 * field named in the pattern must match (fields it doesn't name are ignored); a field matches if any entry of its
 * match array does; nested objects must appear with the same nesting; `$or` branches are alternatives.
 *
 * Events and patterns arrive parsed, so `300` and `3.0e2` are the same number here, whereas EventBridge compares
 * exact numeric values by their JSON text (the `numeric` operator compares by value in both).
 * Call `validatePattern` first: an invalid pattern simply matches nothing here.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return isRecord(pattern) && objectMatches(pattern, event);
}
