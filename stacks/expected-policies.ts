import { Lazy, Names, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { IConstruct } from 'constructs';
import { App } from 'sst/constructs';
import { type PolicyKind, resourcePoliciesPath } from '../core/audit/policies.js';
import type { PolicyStatement } from '../core/trust/bus-policy.js';

/**
 * Writes the policy the deployment sets on a door (a topic, a queue; the bus: `recordExpectedBusPolicy`) to a parameter under
 * `/goldsmith/_policies/<stage>/`, resolved with the deployment's own values (its roles' ARNs, its account): the daily
 * audit of resource policies (functions/audit-policies.ts) reads them back and compares. Under `/goldsmith/`, so the
 * SCP's `PointersOnlyByGoldsmith` keeps them to the deployment and Goldsmith's roles (docs/security/scp.md).
 * Intelligent-Tiering: a Standard parameter holds 4 KB, an Advanced one 8 KB, and the tier follows the value's size
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html). Written
 * when the template is (a `Lazy` value), so statements added after the door's are in it.
 */
export function recordExpectedPolicy(resource: sns.Topic | sqs.Queue): void {
  const root = resource.node.root;
  // A stack synthesized outside Goldsmith's app (a construct test) has no stage and no audit.
  if (!(root instanceof App) || resource.node.tryFindChild('ExpectedPolicy')) return;
  const kind: PolicyKind = resource instanceof sns.Topic ? 'topic' : 'queue';
  const stack = Stack.of(resource);
  const value = Lazy.string({
    produce: () => {
      const policy = resource.node.tryFindChild('Policy');
      if (!(policy instanceof sns.TopicPolicy) && !(policy instanceof sqs.QueuePolicy)) {
        throw new Error(`${resource.node.path}: a door without a policy`);
      }
      const target = resource instanceof sns.Topic ? resource.topicArn : resource.queueUrl;
      return stack.toJsonString({ kind, target, policy: policy.document });
    },
  });
  writeExpected(root, resource, kind, value);
}

/**
 * Writes the policy the deployment sets on Goldsmith's event bus (one `AWS::Events::EventBusPolicy` per statement,
 * stacks/trust/bus-policy.ts) as `recordExpectedPolicy` writes a topic's: the whole policy, its statements by `Sid`,
 * in `stack`, the one that sets them (it names roles of stacks deployed before it).
 */
export function recordExpectedBusPolicy(
  stack: Stack,
  bus: events.IEventBus,
  statements: readonly PolicyStatement[],
): void {
  const root = stack.node.root;
  if (!(root instanceof App)) return;
  const policy = { Version: '2012-10-17', Statement: statements };
  const value = stack.toJsonString({ kind: 'bus', target: bus.eventBusName, policy });
  writeExpected(root, stack, 'bus', value, 'ExpectedBusPolicy');
}

/** Every expected-policy parameter an app writes, by its name under the path (`<kind>/<id>`). */
const written = new WeakMap<IConstruct, string[]>();

/**
 * The deployment's inventory of doors for the audit's environment (`EXPECTED_POLICIES`): the names, under the path, of
 * every expected-policy parameter the app writes, whichever stack writes it, comma-separated. Resolved when the
 * template is written, so doors of stacks defined later are in it. A deleted parameter is then found missing rather
 * than silently taking its door out of the audit.
 */
export function expectedPolicyInventory(scope: IConstruct): string {
  const root = scope.node.root;
  return Lazy.string({ produce: () => [...(written.get(root) ?? [])].sort().join(',') });
}

function writeExpected(root: App, scope: IConstruct, kind: PolicyKind, value: string, id = 'ExpectedPolicy'): void {
  const entry = `${kind}/${Names.uniqueId(scope)}`;
  written.set(root, [...(written.get(root) ?? []), entry]);
  new ssm.StringParameter(scope, id, {
    parameterName: `${resourcePoliciesPath(root.stage)}${entry}`,
    description: `Goldsmith: the ${kind} policy the deployment sets, for the daily audit`,
    stringValue: value,
    tier: ssm.ParameterTier.INTELLIGENT_TIERING,
  });
}
