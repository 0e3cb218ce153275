import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';

/**
 * The audit's comparison of an EventBridge rule Goldsmith made outside CloudFormation's reach (the findings-forwarding
 * rule in each non-home distribution Region) with what the stacks made (pure). A rule disabled, deleted, its pattern
 * narrowed or its target removed silently drops every Inspector finding of its Region; a target added sends them
 * elsewhere.
 */

/** What the stacks made: the same rule in every Region named, with one target. */
export interface WantedRule {
  name: string;
  regions: string[];
  pattern: unknown;
  description: string;
  target: { id: string; arn: string; roleArn?: string | undefined };
}

/** The rule as EventBridge holds it in one Region (undefined: deleted). */
export interface HeldRuleView {
  state: string;
  pattern: unknown;
  targets: { id: string; arn: string; roleArn?: string | undefined }[];
}

/** What one Region's rule lacks or holds beyond what the stacks made. */
export interface RuleDrift {
  missing: boolean;
  disabled: boolean;
  patternChanged: boolean;
  targetMissing: boolean;
  /** Target ids the stacks did not make. */
  extraTargets: string[];
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** Compares one Region's rule with the wanted one. */
export function ruleDrift(held: HeldRuleView | undefined, wanted: WantedRule): RuleDrift {
  if (!held) return { missing: true, disabled: false, patternChanged: false, targetMissing: true, extraTargets: [] };
  const ours = held.targets.find((t) => t.id === wanted.target.id);
  return {
    missing: false,
    disabled: held.state !== 'ENABLED',
    patternChanged: !same(held.pattern, wanted.pattern),
    targetMissing: !ours || ours.arn !== wanted.target.arn || (ours.roleArn ?? '') !== (wanted.target.roleArn ?? ''),
    extraTargets: held.targets
      .filter((t) => t.id !== wanted.target.id)
      .map((t) => t.id)
      .sort(),
  };
}

export const hasRuleDrift = (d: RuleDrift) =>
  d.missing || d.disabled || d.patternChanged || d.targetMissing || d.extraTargets.length > 0;

/** The drift as people read it: `deleted`, `disabled, target removed`, `extra target x`. */
export function describeRuleDrift(d: RuleDrift): string {
  if (d.missing) return 'no such rule (deleted)';
  const parts = [
    ...(d.disabled ? ['disabled'] : []),
    ...(d.patternChanged ? ['another event pattern'] : []),
    ...(d.targetMissing ? ['the home bus target removed or changed'] : []),
    ...(d.extraTargets.length > 0 ? [`targets the stacks did not make (${d.extraTargets.join(', ')})`] : []),
  ];
  return parts.join(', ');
}

/**
 * The ledger's sort key of one rule drift: one record per Region, per change, per day found (the same change made
 * again on a later day is a new record and a new announcement; a retried run the same day finds its own).
 */
export function ruleDriftSk(name: string, region: string, drift: RuleDrift, now: Date): string {
  const change = createHash('sha256').update(canonicalJson(drift)).digest('hex').slice(0, 16);
  return `DRIFT#rule#${name}#${region}#${now.toISOString().slice(0, 10)}#${change}`;
}

/** Reads the wanted rule from its environment variable's JSON (the stacks write it); undefined when not set. */
export function wantedRuleFrom(json: string | undefined): WantedRule | undefined {
  if (!json) return undefined;
  const value = JSON.parse(json) as Partial<WantedRule>;
  if (
    typeof value.name !== 'string' ||
    !Array.isArray(value.regions) ||
    typeof value.description !== 'string' ||
    typeof value.target?.id !== 'string' ||
    typeof value.target.arn !== 'string'
  ) {
    throw new Error('FINDING_FORWARDING: must name the rule, its regions, pattern, description and target');
  }
  return value as WantedRule;
}
