import {
  DescribeRuleCommand,
  type DescribeRuleCommandOutput,
  EnableRuleCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
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

/**
 * The rule `name` on `region`'s default bus and, `withTargets`, its targets (DescribeRule, then ListTargetsByRule
 * followed through NextToken; without, `targets` is empty), or undefined when the rule does not exist
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeRule.html: ResourceNotFoundException).
 */
export async function readRule(region: string, name: string, withTargets = true): Promise<HeldRule | undefined> {
  const client = eventbridgeClient(region);
  let described: DescribeRuleCommandOutput;
  try {
    described = await client.send(new DescribeRuleCommand({ Name: name }));
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
  const targets: RuleTarget[] = [];
  let token: string | undefined;
  if (withTargets)
    do {
      const page = await client.send(new ListTargetsByRuleCommand({ Rule: name, NextToken: token }));
      for (const t of page.Targets ?? []) targets.push({ id: t.Id ?? '', arn: t.Arn ?? '', roleArn: t.RoleArn });
      token = page.NextToken;
    } while (token);
  return { state: described.State ?? 'ENABLED', pattern: parsed(described.EventPattern), targets };
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
