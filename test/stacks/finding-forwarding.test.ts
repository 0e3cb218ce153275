import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../goldsmith.config.js';
import { matchesPattern } from '../../local/eventbridge/match.js';
import { readForwardingRules } from '../../local/simulator/forwarding-rules.js';
import { type CfnTemplate, TemplateResolver } from '../../local/simulator/intrinsics.js';
import { Promotion } from '../../stacks/Promotion.js';
import { minimalCatalog, type Synthesized, synthesizeShared } from './helpers.js';

type Call = { action: string; region: string; parameters: Record<string, unknown> };

let synth: Synthesized;
let json: CfnTemplate;
let resolver: TemplateResolver;

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

/** The template's resources of `type`, by logical id (the test app's account written as ACCOUNT). */
function resources(type: string): [string, Resource][] {
  return Object.entries((json.Resources ?? {}) as Record<string, Resource>).filter(([, r]) => r.Type === type);
}

/** The EventBridge call a custom resource of `type` makes on create (or on delete), resolved. */
function calls(type: string, phase: 'Create' | 'Delete' = 'Create'): Call[] {
  return resources(type).map(([, r]) => JSON.parse(String(resolver.resolve(r.Properties[phase]))) as Call);
}

const ACCOUNT = '111122223333';
const HOME_BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`;
const ruleArn = (region: string) => `arn:aws:events:${region}:${ACCOUNT}:rule/test-goldsmith-findings-to-home`;
const changesArn = (region: string) => `arn:aws:events:${region}:${ACCOUNT}:rule/test-goldsmith-changes-to-home`;
const ALL_RULES = [
  ruleArn('ap-southeast-2'),
  ruleArn('eu-west-1'),
  changesArn('ap-southeast-2'),
  changesArn('eu-west-1'),
];

beforeAll(async () => {
  // The example catalog's images are distributed to us-east-1 (home), eu-west-1 and ap-southeast-2.
  synth = await synthesizeShared(exampleCatalog, { stacks: [Promotion] });
  // The test app's account is a placeholder; a deploy names a 12-digit account.
  json = JSON.parse(JSON.stringify(synth.template.toJSON()).replaceAll('my-account', ACCOUNT)) as CfnTemplate;
  resolver = new TemplateResolver([json], { accountId: ACCOUNT, region: 'us-east-1' });
});

describe('Promotion stack: Inspector findings forwarded from every distribution Region', () => {
  it('puts one forwarding rule, for Inspector2 Finding, on the default bus of each non-home distribution Region', () => {
    const rules = calls('Custom::GoldsmithFindingForwardRule').filter((c) =>
      String(c.parameters.Name).endsWith('findings-to-home'),
    );
    expect(rules.map((c) => [c.action, c.region]).sort()).toEqual([
      ['PutRule', 'ap-southeast-2'],
      ['PutRule', 'eu-west-1'],
    ]);
    const sample = JSON.parse(
      readFileSync(new URL('../../events/samples/inspector-finding.json', import.meta.url), 'utf8'),
    );
    for (const rule of rules) {
      const pattern = JSON.parse(String(rule.parameters.EventPattern));
      expect(matchesPattern(pattern, { ...sample, region: rule.region })).toBe(true);
      expect(matchesPattern(pattern, { ...sample, 'detail-type': 'Inspector2 Coverage' })).toBe(false);
      expect(rule.parameters.State).toBe('ENABLED');
    }
    // Removed with the stack, target first (it depends on its rule).
    expect(calls('Custom::GoldsmithFindingForwardRule', 'Delete').map((c) => c.action)).toEqual(
      Array(4).fill('DeleteRule'),
    );
    expect(calls('Custom::GoldsmithFindingForwardTarget', 'Delete').map((c) => c.action)).toEqual(
      Array(4).fill('RemoveTargets'),
    );
  });

  it("forwards a pointer's resource policy call (CloudTrail) from each non-home Region, and no read of it", () => {
    const changes = calls('Custom::GoldsmithFindingForwardRule').filter((c) =>
      String(c.parameters.Name).endsWith('changes-to-home'),
    );
    expect(changes).toHaveLength(2);
    for (const rule of changes) {
      const pattern = JSON.parse(String(rule.parameters.EventPattern));
      const call = (eventName: string, account = ACCOUNT, refused?: string) => ({
        source: 'aws.ssm',
        'detail-type': 'AWS API Call via CloudTrail',
        account,
        region: rule.region,
        detail: {
          eventSource: 'ssm.amazonaws.com',
          eventName,
          requestParameters: { resourceArn: `arn:aws:ssm:${rule.region}:${account}:parameter/goldsmith/base/prod` },
          ...(refused ? { errorCode: refused } : {}),
        },
      });
      expect(matchesPattern(pattern, call('PutResourcePolicy'))).toBe(true);
      expect(matchesPattern(pattern, call('DeleteResourcePolicy'))).toBe(true);
      expect(matchesPattern(pattern, call('GetResourcePolicies'))).toBe(false);
      // A refused call changed nothing; another account's call is not the factory's pointer.
      expect(matchesPattern(pattern, call('PutResourcePolicy', ACCOUNT, 'AccessDeniedException'))).toBe(false);
      expect(matchesPattern(pattern, call('PutResourcePolicy', '444455556666'))).toBe(false);
    }
  });

  it("hands the home Region's pointer-policy calls to the reconciler only when made in the factory account and carried out", () => {
    const [rule] = resources('AWS::Events::Rule').filter(([id]) => id.startsWith('PointerPolicyChangeRule'));
    if (!rule) throw new Error('no PointerPolicyChangeRule');
    const pattern = resolver.resolve(rule[1].Properties.EventPattern) as Record<string, unknown>;
    const event = (account: string, refused?: string) => ({
      source: 'aws.ssm',
      'detail-type': 'AWS API Call via CloudTrail',
      account,
      region: 'us-east-1',
      detail: {
        eventSource: 'ssm.amazonaws.com',
        eventName: 'DeleteResourcePolicy',
        requestParameters: { resourceArn: `arn:aws:ssm:us-east-1:${account}:parameter/goldsmith/base/prod` },
        ...(refused ? { errorCode: refused } : {}),
      },
    });
    expect(matchesPattern(pattern, event(ACCOUNT))).toBe(true);
    expect(matchesPattern(pattern, event(ACCOUNT, 'ResourcePolicyNotFoundException'))).toBe(false);
    expect(matchesPattern(pattern, event('444455556666'))).toBe(false);
  });

  it('targets the home default bus through a role that may only put events there', () => {
    const targets = calls('Custom::GoldsmithFindingForwardTarget');
    const roleArns = new Set<unknown>();
    for (const t of targets) {
      const [target] = t.parameters.Targets as { Arn: string; RoleArn: string }[];
      expect(target?.Arn).toBe(HOME_BUS);
      roleArns.add(target?.RoleArn);
    }
    expect(roleArns.size).toBe(1);
    const [roleId] = resources('AWS::IAM::Role').find(([id]) => id.startsWith('FindingForwardingRole')) ?? [''];
    const policies = resources('AWS::IAM::Policy')
      .map(([, p]) => p)
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId));
    expect(policies.map((p) => resolver.resolve(p.Properties.PolicyDocument))).toEqual([
      { Version: '2012-10-17', Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: HOME_BUS }] },
    ]);
  });

  it('admits exactly the forwarding rules on the home default bus, before any target is put', () => {
    const policies = resources('AWS::Events::EventBusPolicy').filter(
      ([, p]) => p.Properties.EventBusName === 'default',
    );
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0] ?? ['', { Type: '', Properties: {} }];
    expect(resolver.resolve(policy.Properties.Statement)).toMatchObject({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: HOME_BUS,
      Condition: { ArnEquals: { 'aws:SourceArn': ALL_RULES } },
    });
    const targets = resources('Custom::GoldsmithFindingForwardTarget');
    expect(targets).toHaveLength(4);
    for (const [, t] of targets) expect(t.DependsOn).toContain(policyId);
  });

  it('makes the forwarding calls only on its own rules, passing only the forwarding role, in one policy for every Region', () => {
    // The provider's role holds one policy of these calls, whatever the number of Regions: none per custom resource.
    const policies = resources('AWS::IAM::Policy');
    expect(
      policies.filter(([id]) => id.startsWith('FindingForwarding') && !id.startsWith('FindingForwardingRole')),
    ).toEqual([]);
    const own = policies.filter(([id]) => id.startsWith('SdkCallsPolicy'));
    expect(own).toHaveLength(1);
    const [roleId] = resources('AWS::IAM::Role').find(([id]) => id.startsWith('FindingForwardingRole')) ?? [''];
    const [providerRole] = resources('AWS::IAM::Role').find(([id]) => id.startsWith('SdkCallsRole')) ?? [''];
    expect(own[0]?.[1].Properties.Roles).toEqual([{ Ref: providerRole }]);
    expect(resolver.resolve(own[0]?.[1].Properties.PolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
          Effect: 'Allow',
          Resource: ALL_RULES,
        },
        { Action: 'iam:PassRole', Effect: 'Allow', Resource: resolver.arn(roleId) },
      ],
    });
    // Each rule is put once the policy is there (each target after its rule).
    for (const [, r] of resources('Custom::GoldsmithFindingForwardRule')) expect(r.DependsOn).toContain(own[0]?.[0]);
  });

  it('the local cloud reads the same rules, and refuses a target the home bus policy does not admit', () => {
    const rules = readForwardingRules([json], resolver);
    expect(rules.map((r) => [r.region, r.ruleName, r.targets])).toEqual([
      ['ap-southeast-2', 'test-goldsmith-findings-to-home', [HOME_BUS]],
      ['ap-southeast-2', 'test-goldsmith-changes-to-home', [HOME_BUS]],
      ['eu-west-1', 'test-goldsmith-findings-to-home', [HOME_BUS]],
      ['eu-west-1', 'test-goldsmith-changes-to-home', [HOME_BUS]],
    ]);
    const withoutPolicy = structuredClone(json);
    for (const [id, r] of Object.entries(withoutPolicy.Resources ?? {})) {
      if (r.Type === 'AWS::Events::EventBusPolicy') delete withoutPolicy.Resources?.[id];
    }
    expect(() => readForwardingRules([withoutPolicy], resolver)).toThrow(/AccessDeniedException/);
  });

  it('forwards nothing when every image is built and distributed in the home Region only', async () => {
    const single = await synthesizeShared(minimalCatalog(), { stacks: [Promotion] });
    expect(single.template.findResources('Custom::GoldsmithFindingForwardRule')).toEqual({});
    expect(single.template.findResources('AWS::Events::EventBusPolicy')).toEqual({});
  });
});
