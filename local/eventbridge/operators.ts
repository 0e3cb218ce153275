import { cidrContains, parseCidr } from './cidr.js';
import { field, isRecord } from './values.js';
import { wildcardMatches } from './wildcard.js';

/** The operators EventBridge accepts inside a field's match array. */
export const OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
] as const;

export type Operator = (typeof OPERATORS)[number];

const lower = (text: string): string => text.toLowerCase();

/** `prefix`/`suffix` take a string or `{ "equals-ignore-case": string }`. */
function affixMatches(operand: unknown, value: unknown, test: (value: string, affix: string) => boolean): boolean {
  if (typeof value !== 'string') return false;
  if (typeof operand === 'string') return test(value, operand);
  const folded = field(operand, 'equals-ignore-case');
  return typeof folded === 'string' && test(lower(value), lower(folded));
}

const startsWith = (value: string, affix: string) => value.startsWith(affix);
const endsWith = (value: string, affix: string) => value.endsWith(affix);

function equalsIgnoreCase(operand: unknown, value: unknown): boolean {
  return typeof operand === 'string' && typeof value === 'string' && lower(operand) === lower(value);
}

/** `["<", 10]`, `[">", 0, "<=", 5]`, `["=", 3.018e2]`: every comparison must hold, on JSON numbers only. */
export function numericMatches(operand: unknown, value: unknown): boolean {
  if (typeof value !== 'number' || !Array.isArray(operand)) return false;
  for (let i = 0; i + 1 < operand.length; i += 2) {
    const bound = operand[i + 1];
    if (typeof bound !== 'number') return false;
    const holds =
      (operand[i] === '=' && value === bound) ||
      (operand[i] === '<' && value < bound) ||
      (operand[i] === '<=' && value <= bound) ||
      (operand[i] === '>' && value > bound) ||
      (operand[i] === '>=' && value >= bound);
    if (!holds) return false;
  }
  return true;
}

function oneOrMany(operand: unknown): unknown[] {
  return Array.isArray(operand) ? operand : [operand];
}

/**
 * `anything-but`: the value is none of a scalar or list, or does not have a prefix/suffix, equal ignoring case, or
 * fit a wildcard. Values of another type (a number against a prefix) are "anything but" by definition.
 */
function anythingButMatches(operand: unknown, value: unknown): boolean {
  if (!isRecord(operand)) return !oneOrMany(operand).some((excluded) => excluded === value);
  const [operator] = Object.keys(operand);
  const inner = operator === undefined ? undefined : operand[operator];
  switch (operator) {
    case 'prefix':
      return !affixMatches(inner, value, startsWith);
    case 'suffix':
      return !affixMatches(inner, value, endsWith);
    case 'equals-ignore-case':
      return !oneOrMany(inner).some((excluded) => equalsIgnoreCase(excluded, value));
    case 'wildcard':
      return !oneOrMany(inner).some((excluded) => typeof excluded === 'string' && wildcardMatches(excluded, value));
    default:
      return false;
  }
}

/** Whether one leaf value of the event satisfies one operator object (everything but `exists`). */
export function operatorMatches(operator: string, operand: unknown, value: unknown): boolean {
  switch (operator) {
    case 'prefix':
      return affixMatches(operand, value, startsWith);
    case 'suffix':
      return affixMatches(operand, value, endsWith);
    case 'equals-ignore-case':
      return equalsIgnoreCase(operand, value);
    case 'wildcard':
      return typeof operand === 'string' && wildcardMatches(operand, value);
    case 'anything-but':
      return anythingButMatches(operand, value);
    case 'numeric':
      return numericMatches(operand, value);
    case 'cidr': {
      const cidr = typeof operand === 'string' ? parseCidr(operand) : undefined;
      return cidr !== undefined && cidrContains(cidr, value);
    }
    default:
      // Unknown operators never match; validatePattern reports them.
      return false;
  }
}
