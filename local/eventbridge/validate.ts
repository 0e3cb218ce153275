import { parseCidr } from './cidr.js';
import { OPERATORS, type Operator } from './operators.js';
import { isOrClause, isRecord, isScalar } from './values.js';
import { wildcardProblem } from './wildcard.js';

/** EventBridge's numeric matching range (Event Ruler: ±5.0e9). */
const NUMERIC_LIMIT = 5e9;

type Report = (path: string, message: string) => void;

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

function checkAffix(operand: unknown, path: string, report: Report): void {
  if (typeof operand === 'string') return;
  if (isRecord(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string')
    return;
  report(path, 'must be a string or { "equals-ignore-case": string }');
}

function checkStringOrList(operand: unknown, path: string, report: Report, each: (text: string) => string | undefined) {
  const list = Array.isArray(operand) ? operand : [operand];
  if (list.length === 0 || !list.every((item) => typeof item === 'string')) {
    report(path, 'must be a string or a non-empty list of strings');
    return;
  }
  for (const item of list) {
    const problem = each(item);
    if (problem !== undefined) report(path, problem);
  }
}

function checkNumeric(operand: unknown, path: string, report: Report): void {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) {
    report(path, 'must be a list of comparison and number pairs, like [">", 0, "<=", 5]');
    return;
  }
  const ops = operand.filter((_, i) => i % 2 === 0);
  const bounds = operand.filter((_, i) => i % 2 === 1);
  for (const bound of bounds) {
    if (typeof bound !== 'number' || Math.abs(bound) > NUMERIC_LIMIT) {
      report(path, `bounds must be numbers between -${NUMERIC_LIMIT} and ${NUMERIC_LIMIT}`);
      return;
    }
  }
  const [first, second] = ops;
  const lowers = ['>', '>='];
  const uppers = ['<', '<='];
  const single = ops.length === 1 && ['=', ...lowers, ...uppers].includes(String(first));
  const range = ops.length === 2 && lowers.includes(String(first)) && uppers.includes(String(second));
  if (!single && !range) {
    report(path, 'must be one comparison ("=", "<", "<=", ">", ">=") or a lower bound followed by an upper bound');
  } else if (range && (bounds[0] as number) >= (bounds[1] as number)) {
    report(path, 'the lower bound must be less than the upper bound');
  }
}

function checkAnythingBut(operand: unknown, path: string, report: Report): void {
  if (typeof operand === 'string' || typeof operand === 'number') return;
  if (Array.isArray(operand)) {
    const allStrings = operand.every((item) => typeof item === 'string');
    const allNumbers = operand.every((item) => typeof item === 'number');
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      report(path, 'must list only strings or only numbers, at least one');
    }
    return;
  }
  const keys = isRecord(operand) ? Object.keys(operand) : [];
  const [inner] = keys;
  if (keys.length !== 1 || inner === undefined || !isRecord(operand)) {
    report(path, 'must be a string, a number, a list, or one of prefix, suffix, equals-ignore-case, wildcard');
    return;
  }
  const value = operand[inner];
  const innerPath = join(path, inner);
  if (inner === 'prefix' || inner === 'suffix') {
    if (typeof value !== 'string' || value === '') report(innerPath, 'must be a non-empty string');
  } else if (inner === 'equals-ignore-case') {
    checkStringOrList(value, innerPath, report, () => undefined);
  } else if (inner === 'wildcard') {
    checkStringOrList(value, innerPath, report, wildcardProblem);
  } else {
    report(innerPath, `unknown anything-but operator "${inner}"`);
  }
}

function checkOperator(operator: Operator, operand: unknown, path: string, report: Report): void {
  const at = join(path, operator);
  if (operator === 'prefix' || operator === 'suffix') checkAffix(operand, at, report);
  else if (operator === 'equals-ignore-case') {
    if (typeof operand !== 'string') report(at, 'must be a string');
  } else if (operator === 'wildcard') checkStringOrList(operand, at, report, wildcardProblem);
  else if (operator === 'anything-but') checkAnythingBut(operand, at, report);
  else if (operator === 'numeric') checkNumeric(operand, at, report);
  else if (operator === 'exists') {
    if (typeof operand !== 'boolean') report(at, 'must be true or false');
  } else if (typeof operand !== 'string' || parseCidr(operand) === undefined) {
    report(at, 'must be an IPv4 or IPv6 CIDR block');
  }
}

function checkEntry(entry: unknown, at: string, report: Report): void {
  if (isScalar(entry)) return;
  if (!isRecord(entry)) {
    report(at, 'must be a string, number, boolean, null or an operator object');
    return;
  }
  const keys = Object.keys(entry);
  const [operator] = keys;
  if (keys.length !== 1 || operator === undefined) report(at, 'an operator object must have exactly one key');
  else if (!(OPERATORS as readonly string[]).includes(operator)) report(at, `unknown operator "${operator}"`);
  else checkOperator(operator as Operator, entry[operator], at, report);
}

function checkMatchArray(entries: unknown[], path: string, report: Report): void {
  if (entries.length === 0) report(path, 'empty arrays are not allowed');
  for (const [index, entry] of entries.entries()) checkEntry(entry, `${path}[${index}]`, report);
}

function checkObject(pattern: Record<string, unknown>, path: string, report: Report): void {
  const keys = Object.keys(pattern);
  if (keys.length === 0) report(path === '' ? '(pattern)' : path, 'empty objects are not allowed');
  for (const key of keys) {
    const value = pattern[key];
    const at = join(path, key);
    if (key === '$or' && Array.isArray(value)) {
      if (!isOrClause(value)) report(at, 'must hold at least two pattern objects');
      else for (const [index, branch] of value.entries()) checkObject(branch, `${at}[${index}]`, report);
    } else if (Array.isArray(value)) {
      checkMatchArray(value, at, report);
    } else if (isRecord(value)) {
      checkObject(value, at, report);
    } else {
      report(at, 'must be an array of match values (e.g. ["value"]) or a nested object');
    }
  }
}

/**
 * The problems EventBridge would reject this pattern for, as `path: message` lines; empty when it is valid.
 * Stricter than EventBridge only where a pattern could never be meant (`$or` given as an array of fewer than two
 * objects, which EventBridge would read as a field named `$or`).
 */
export function validatePattern(pattern: unknown): string[] {
  const problems: string[] = [];
  const report: Report = (path, message) => problems.push(`${path}: ${message}`);
  if (!isRecord(pattern)) report('(pattern)', 'must be a JSON object');
  else checkObject(pattern, '', report);
  return problems;
}
