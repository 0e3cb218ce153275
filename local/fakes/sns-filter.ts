/**
 * SNS subscription filter policies on message attributes (FilterPolicyScope MessageAttributes, the default), as AWS
 * documents them (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html,
 * https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html): every key of the policy must
 * match (AND); a key's array matches when any of its conditions does (OR); a message lacking an attribute the policy
 * names is not delivered, unless the condition is `{"exists": false}`. Conditions: exact strings, `prefix`,
 * `suffix`, `anything-but` (a string, a list, or `{prefix}`), `exists`. Numeric conditions are not used by Goldsmith
 * and are refused here rather than matched loosely.
 */

/** What a Subscribe or SetSubscriptionAttributes with such a policy is refused with (SNS's InvalidParameter). */
export class FilterPolicyError extends Error {
  override name = 'FilterPolicyError';
}

/** At most five keys per policy. */
export const FILTER_POLICY_MAX_KEYS = 5;
/** The product of the number of values of each key's array at most 150. */
export const FILTER_POLICY_MAX_COMBINATIONS = 150;
/** 256 KB of JSON at most. */
export const FILTER_POLICY_MAX_BYTES = 256 * 1024;

type Condition = string | Record<string, unknown>;
export type FilterPolicy = Record<string, Condition[]>;

function checkCondition(key: string, c: unknown): Condition {
  if (typeof c === 'string') return c;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    throw new FilterPolicyError(`Invalid parameter: FilterPolicy: ${key} must be an array of strings or objects`);
  }
  const [operator, ...more] = Object.keys(c);
  if (!operator || more.length > 0) {
    throw new FilterPolicyError(`Invalid parameter: FilterPolicy: ${key}: one operator per condition`);
  }
  const value = (c as Record<string, unknown>)[operator];
  const ok =
    (operator === 'exists' && typeof value === 'boolean') ||
    ((operator === 'prefix' || operator === 'suffix') && typeof value === 'string') ||
    (operator === 'anything-but' &&
      (typeof value === 'string' ||
        (Array.isArray(value) && value.every((v) => typeof v === 'string')) ||
        (typeof value === 'object' && value !== null && typeof (value as { prefix?: unknown }).prefix === 'string')));
  if (!ok) throw new FilterPolicyError(`Invalid parameter: FilterPolicy: ${key}: unsupported condition ${operator}`);
  return c as Record<string, unknown>;
}

/** Parses and checks a FilterPolicy attribute's JSON against SNS's constraints. */
export function parseFilterPolicy(json: string): FilterPolicy {
  if (Buffer.byteLength(json, 'utf8') > FILTER_POLICY_MAX_BYTES) {
    throw new FilterPolicyError('Invalid parameter: FilterPolicy: policy is larger than 256 KB');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new FilterPolicyError('Invalid parameter: FilterPolicy: failed to parse JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new FilterPolicyError('Invalid parameter: FilterPolicy: must be a JSON object');
  }
  const entries = Object.entries(raw);
  if (entries.length > FILTER_POLICY_MAX_KEYS) {
    throw new FilterPolicyError('Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys');
  }
  const policy: FilterPolicy = {};
  let combinations = 1;
  for (const [key, conditions] of entries) {
    if (!Array.isArray(conditions) || conditions.length === 0) {
      throw new FilterPolicyError(`Invalid parameter: FilterPolicy: ${key} must be a non-empty array`);
    }
    policy[key] = conditions.map((c) => checkCondition(key, c));
    combinations *= conditions.length;
  }
  if (combinations > FILTER_POLICY_MAX_COMBINATIONS) {
    throw new FilterPolicyError('Invalid parameter: FilterPolicy: Filter policy is too complex');
  }
  return policy;
}

function conditionMatches(c: Condition, value: string | undefined): boolean {
  if (typeof c === 'string') return value === c;
  const [operator] = Object.keys(c);
  const operand = operator === undefined ? undefined : c[operator];
  if (operator === 'exists') return (value !== undefined) === operand;
  if (value === undefined) return false;
  if (operator === 'prefix') return value.startsWith(String(operand));
  if (operator === 'suffix') return value.endsWith(String(operand));
  if (operator === 'anything-but') {
    if (typeof operand === 'string') return value !== operand;
    if (Array.isArray(operand)) return !operand.includes(value);
    return !value.startsWith(String((operand as { prefix: string }).prefix));
  }
  return false;
}

/** Whether a message with `attributes` (String attributes) is delivered to a subscription with `policy`. */
export function filterPolicyMatches(policy: FilterPolicy | undefined, attributes: Readonly<Record<string, string>>) {
  if (!policy) return true;
  return Object.entries(policy).every(([key, conditions]) =>
    conditions.some((c) => conditionMatches(c, attributes[key])),
  );
}
