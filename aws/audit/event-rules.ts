import {
  DescribeRuleCommand,
  type DescribeRuleCommandOutput,
  EnableRuleCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type Rule,
} from '@aws-sdk/client-eventbridge';
import { eventbridgeClient } from '../clients/eventbridge.js';

/** An EventBridge rule on a Region's default bus as EventBridge holds it now. */
export interface HeldRule {
  state: string;
  /** The rule's pattern, parsed (undefined: none, or not JSON). */
  pattern: unknown;
  targets: RuleTarget[];
}

export interface RuleTarget {
  id: string;
  arn: string;
  roleArn?: string | undefined;
}

const notFound = (error: unknown) => error instanceof Error && error.name === 'ResourceNotFoundException';

function parsed(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A rule's state and pattern as DescribeRule and ListRules both answer them (`State`, `EventPattern`). */
const heldFrom = (rule: Pick<Rule, 'State' | 'EventPattern'>, targets: RuleTarget[]): HeldRule => ({
  state: rule.State ?? 'ENABLED',
  pattern: parsed(rule.EventPattern),
  targets,
});

/**
 * The rule's targets (ListTargetsByRule followed through NextToken), or undefined when the rule does not exist
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListTargetsByRule.html: ResourceNotFoundException).
 */
export async function readRuleTargets(region: string, name: string): Promise<RuleTarget[] | undefined> {
  const client = eventbridgeClient(region);
  const targets: RuleTarget[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new ListTargetsByRuleCommand({ Rule: name, NextToken: token }));
      for (const t of page.Targets ?? []) targets.push({ id: t.Id ?? '', arn: t.Arn ?? '', roleArn: t.RoleArn });
      token = page.NextToken;
    } while (token);
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
  return targets;
}

/**
 * The rule `name` on `region`'s default bus and its targets (DescribeRule, then ListTargetsByRule), or undefined when
 * the rule does not exist
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeRule.html: ResourceNotFoundException).
 */
export async function readRule(region: string, name: string): Promise<HeldRule | undefined> {
  let described: DescribeRuleCommandOutput;
  try {
    described = await eventbridgeClient(region).send(new DescribeRuleCommand({ Name: name }));
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
  const targets = await readRuleTargets(region, name);
  return targets && heldFrom(described, targets);
}

/** The rules `names` as one page of ListRules showed them; `complete`: that page was the whole listing. */
export interface ListedRules {
  /** Each listed rule of `names`, without its targets (ListRules does not list them). */
  held: Map<string, HeldRule>;
  /** No NextToken: a rule of `names` not in `held` does not exist. */
  complete: boolean;
}

/** The longest prefix all `names` share (ListRules' `NamePrefix`). */
function sharedPrefix(names: readonly string[]): string {
  const [first = '', ...rest] = names;
  let n = first.length;
  for (const name of rest) while (n > 0 && !name.startsWith(first.slice(0, n))) n--;
  return first.slice(0, n);
}

/**
 * The rules `names` on `region`'s default bus from one page of ListRules under the prefix they share ("Lists your
 * Amazon EventBridge rules. You can either list all the rules or you can provide a prefix to match to the rule
 * names. The maximum number of results per page for requests is 100. ListRules does not list the targets of a rule":
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html). Each listed Rule carries the
 * `State` and `EventPattern` DescribeRule answers
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Rule.html). Only the first page: a rule of `names`
 * not in it while a NextToken follows is left for the caller to describe.
 */
export async function listRules(region: string, names: readonly string[]): Promise<ListedRules> {
  const wanted = new Set(names);
  const held = new Map<string, HeldRule>();
  // Only the first page (the SDK has no ListRules paginator): what it leaves out, the caller describes.
  const page = await eventbridgeClient(region).send(
    new ListRulesCommand({ NamePrefix: sharedPrefix(names), Limit: 100 }),
  );
  for (const rule of page.Rules ?? []) if (wanted.has(rule.Name ?? '')) held.set(rule.Name ?? '', heldFrom(rule, []));
  return { held, complete: !page.NextToken };
}

/** Enables the rule (idempotent: enabling an enabled rule changes nothing). */
export async function enableRule(region: string, name: string): Promise<void> {
  await eventbridgeClient(region).send(new EnableRuleCommand({ Name: name }));
}

/** Creates the rule, or puts back its pattern and state (PutRule on an existing name replaces both). */
export async function putRule(region: string, name: string, pattern: unknown, description: string): Promise<void> {
  await eventbridgeClient(region).send(
    new PutRuleCommand({
      Name: name,
      EventPattern: JSON.stringify(pattern),
      State: 'ENABLED',
      Description: description,
    }),
  );
}

/** Puts one target on the rule (PutTargets with an existing id replaces that target). */
export async function putRuleTarget(region: string, name: string, target: RuleTarget): Promise<void> {
  const out = await eventbridgeClient(region).send(
    new PutTargetsCommand({
      Rule: name,
      Targets: [{ Id: target.id, Arn: target.arn, ...(target.roleArn ? { RoleArn: target.roleArn } : {}) }],
    }),
  );
  if ((out.FailedEntryCount ?? 0) > 0) {
    const [entry] = out.FailedEntries ?? [];
    throw new Error(`PutTargets on ${name} in ${region} failed: ${entry?.ErrorCode} ${entry?.ErrorMessage}`);
  }
}

/** Removes targets by id, at most ten a request (RemoveTargets' limit). */
export async function removeRuleTargets(region: string, name: string, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 10) {
    const out = await eventbridgeClient(region).send(
      new RemoveTargetsCommand({ Rule: name, Ids: ids.slice(i, i + 10) }),
    );
    if ((out.FailedEntryCount ?? 0) > 0) {
      const [entry] = out.FailedEntries ?? [];
      throw new Error(`RemoveTargets on ${name} in ${region} failed: ${entry?.ErrorCode} ${entry?.ErrorMessage}`);
    }
  }
}
