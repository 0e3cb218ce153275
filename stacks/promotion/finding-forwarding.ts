import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { Catalog } from '../../core/config/schema.js';
import { changesForwardRuleName, findingForwardRuleName } from '../../core/names.js';
import { DETAIL_TYPES, SOURCES } from '../../events/sources.js';
import { sdkCallsRole } from '../sdk-calls-role.js';
import { imageAttributePattern, pointerPolicyPattern, ruleChangePattern } from './outside-change-rules.js';

/** The target id of the home default bus on every forwarding rule. */
export const FORWARD_TARGET_ID = 'goldsmith-home-bus';

/** The forwarding rule's name: the same in every distribution Region, one per stage (core/names.ts). */
export { findingForwardRuleName };

/** The distribution Regions other than the home Region: the union of the catalog images' regions, sorted. */
export function forwardingRegions(catalog: Catalog): string[] {
  const home = catalog.organization.homeRegion;
  return [...new Set(Object.values(catalog.images).flatMap((spec) => spec.regions))]
    .filter((region) => region !== home)
    .sort();
}

/**
 * Brings Inspector's findings from every distribution Region to the home Region's default bus, where FindingRule
 * hands them to on-finding. Inspector emits "Inspector2 Finding" only to the default bus of the finding's own
 * Region (https://docs.aws.amazon.com/inspector/latest/user/findings-managing-automating-responses.html), while
 * fleets launch Goldsmith's AMIs in every distribution Region. In each other Region, a rule on its default bus
 * targets the home default bus (cross-Region targets: every commercial Region,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html,
 * https://aws.amazon.com/blogs/compute/expanding-cross-region-event-routing-with-amazon-eventbridge/), with a role
 * that may put events there. A forwarded event keeps its origin's `region`, which FindingRule does not filter on.
 *
 * SST v2 deploys every stack in the app's Region and EventBridge refuses a rule or target made through another
 * Region's endpoint ("Cross-region API call is not allowed",
 * https://github.com/hashicorp/terraform-provider-aws/issues/31444), so each Region's rule and target are made by
 * EventBridge PutRule / PutTargets called in that Region (custom resources, like the key replicas). EventBridge
 * checks the receiving bus's policy when the target is put, also within one account
 * (https://github.com/ministryofjustice/modernisation-platform-environments/pull/19002), so the home default bus
 * gets a statement admitting exactly these rules (aws:SourceArn,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-example-policy-restrict-rule.html), made
 * before any target; the rules put events there with a role that may do nothing else.
 */
export function createFindingForwarding(stack: Stack, catalog: Catalog, stage: string) {
  const regions = forwardingRegions(catalog);
  if (regions.length === 0) return undefined;
  const scope = new Construct(stack, 'FindingForwarding');
  const { partition, account } = Stack.of(stack);
  const homeBusArn = `arn:${partition}:events:${stack.region}:${account}:event-bus/default`;
  const ruleName = findingForwardRuleName(stage);
  const changesRuleName = changesForwardRuleName(stage);
  const ruleArns = regions.map((region) => `arn:${partition}:events:${region}:${account}:rule/${ruleName}`);
  const changesRuleArns = regions.map(
    (region) => `arn:${partition}:events:${region}:${account}:rule/${changesRuleName}`,
  );

  const role = new iam.Role(scope, 'Role', {
    description: 'Goldsmith: EventBridge forwards Inspector findings from distribution Regions to the home bus',
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
  });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [homeBusArn] }));

  // The account, narrowed to these rules by aws:SourceArn ("the ARN of the rule that sent the event",
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/policy-keys-eventbridge.html); one statement per stage.
  const sid = `GoldsmithFindingsFromRegions${stage.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 64);
  const busPolicy = new events.CfnEventBusPolicy(scope, 'HomeBusPolicy', {
    eventBusName: 'default',
    statementId: sid,
    statement: {
      Sid: sid,
      Effect: 'Allow',
      Principal: { AWS: `arn:${partition}:iam::${account}:root` },
      Action: 'events:PutEvents',
      Resource: homeBusArn,
      Condition: { ArnEquals: { 'aws:SourceArn': [...ruleArns, ...changesRuleArns] } },
    },
  });

  const patternObject = { source: [SOURCES.inspector], 'detail-type': [DETAIL_TYPES.inspectorFinding] };
  const pattern = JSON.stringify(patternObject);
  const description = 'Goldsmith: Inspector findings in this Region → the home Region bus (on-finding)';
  // Once for every Region's custom resources (stacks/sdk-calls-role.ts).
  const sdk = sdkCallsRole(stack, [
    new iam.PolicyStatement({
      actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
      resources: [...ruleArns, ...changesRuleArns],
    }),
    // PutTargets with a RoleArn passes the role to EventBridge.
    new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [role.roleArn] }),
  ]);
  /** One rule on `region`'s default bus (PutRule) and its home-bus target (PutTargets), made in that Region. */
  const forwardRule = (region: string, id: string, name: string, rulePattern: string, ruleDescription: string) => {
    const rule = new AwsCustomResource(scope, `${id}Rule-${region}`, {
      resourceType: 'Custom::GoldsmithFindingForwardRule',
      installLatestAwsSdk: false,
      role: sdk.role,
      onUpdate: {
        service: 'EventBridge',
        action: 'PutRule',
        region,
        parameters: { Name: name, EventPattern: rulePattern, State: 'ENABLED', Description: ruleDescription },
        physicalResourceId: PhysicalResourceId.of(`${region}/${name}`),
      },
      onDelete: { service: 'EventBridge', action: 'DeleteRule', region, parameters: { Name: name } },
    });
    const target = new AwsCustomResource(scope, `${id}Target-${region}`, {
      resourceType: 'Custom::GoldsmithFindingForwardTarget',
      installLatestAwsSdk: false,
      role: sdk.role,
      onUpdate: {
        service: 'EventBridge',
        action: 'PutTargets',
        region,
        parameters: { Rule: name, Targets: [{ Id: FORWARD_TARGET_ID, Arn: homeBusArn, RoleArn: role.roleArn }] },
        physicalResourceId: PhysicalResourceId.of(`${region}/${name}/${FORWARD_TARGET_ID}`),
      },
      onDelete: {
        service: 'EventBridge',
        action: 'RemoveTargets',
        region,
        parameters: { Rule: name, Ids: [FORWARD_TARGET_ID] },
      },
    });
    // Each call after the provider's permissions (its role and its policy); removed before them.
    rule.node.addDependency(sdk.permissions);
    // The target after its rule, the bus policy that admits it and the role's permission; removed before them.
    target.node.addDependency(rule, busPolicy, role);
    return { rule, target };
  };
  // CloudTrail's events of changes to a rule, an AMI's launch permissions or a pointer's resource policy in this
  // Region, to the home bus, where OutsideChangeRule's rules hand them to the reconciler
  // (stacks/promotion/outside-change-rules.ts).
  const changesPattern = JSON.stringify({
    $or: [ruleChangePattern, imageAttributePattern, pointerPolicyPattern(account)],
  });
  const changesDescription =
    "Goldsmith: changes to rules, AMI launch permissions and pointers' policies in this Region → the home bus";
  const rules = regions.map((region) => {
    const { rule, target } = forwardRule(region, '', ruleName, pattern, description);
    forwardRule(region, 'Changes', changesRuleName, changesPattern, changesDescription);
    return { region, rule, target };
  });
  // What the audit reads back in every Region and puts back where it differs (functions/audit/rules.ts): both rules.
  const target = { id: FORWARD_TARGET_ID, arn: homeBusArn, roleArn: role.roleArn };
  const wanted = { name: ruleName, regions, pattern: patternObject, description, target };
  const wantedChanges = {
    name: changesRuleName,
    regions,
    pattern: JSON.parse(changesPattern) as unknown,
    description: changesDescription,
    target,
  };
  return { role, busPolicy, rules, ruleArns, changesRuleArns, homeBusArn, wanted, wantedChanges };
}

export type FindingForwarding = NonNullable<ReturnType<typeof createFindingForwarding>>;

/**
 * Lets `fn` (the reconciler's audit) read the forwarding rules back and put them back as made: list the rules (on
 * `*`: ListRules takes no resource), describe, list targets, enable, put the rule and its target, remove targets the stacks did not make, on these rules only; pass the
 * forwarding role to EventBridge (PutTargets with a RoleArn). The wanted rules go in `FINDING_FORWARDING` (findings)
 * and `CHANGES_FORWARDING` (outside changes' CloudTrail events).
 */
export function allowForwardingAudit(
  fn: { addToRolePolicy(s: iam.PolicyStatement): void; addEnvironment(k: string, v: string): unknown },
  forwarding: FindingForwarding,
): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [
        'events:DescribeRule',
        'events:ListTargetsByRule',
        'events:EnableRule',
        'events:PutRule',
        'events:PutTargets',
        'events:RemoveTargets',
      ],
      resources: [...forwarding.ruleArns, ...forwarding.changesRuleArns],
    }),
  );
  // The daily read lists a Region's rules in one call (functions/audit/rules.ts). ListRules takes no resource type
  // ("Grants permission to retrieve a list of the Amazon EventBridge rules in the account", no resource:
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html), so IAM grants it
  // on `*`; it reads names, states and patterns only, and the code keeps only the forwarding rules.
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['events:ListRules'], resources: ['*'] }));
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [forwarding.role.roleArn] }));
  fn.addEnvironment('FINDING_FORWARDING', Stack.of(forwarding.role).toJsonString(forwarding.wanted));
  fn.addEnvironment('CHANGES_FORWARDING', Stack.of(forwarding.role).toJsonString(forwarding.wantedChanges));
}
