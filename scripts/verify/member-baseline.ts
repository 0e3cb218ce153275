import { AUTO_SCALING_GRANT_OPERATIONS, AUTO_SCALING_SERVICE } from '../../core/sharing/key-grants.js';
import { instantiateTemplate } from '../../local/fakes/stacksets-template.js';
import type { TemplateJson } from '../../test/stacks/readiness/synth.js';
import { actionsOf } from '../readiness/iam-actions.js';
import {
  type AttachedPolicy,
  SIMULATED_ACCOUNT,
  type SimulatedRequest,
  simulate,
} from '../readiness/role-simulation.js';
import { sdkCallsOf } from '../readiness/sdk-calls.js';
import type { CheckLine } from './checks.js';

/**
 * The member baseline's function runs in member accounts, not in the factory's app: its role lives inside the
 * StackSet's template body. This check instantiates that template as a member account in each Region would, and
 * simulates the calls member/index.ts makes against the role's policy — each must be allowed, and the same calls
 * aimed elsewhere (another grantee, another service's role, another Region's key) must not be.
 */

// The role's identity policy is evaluated as a same-account request (the simulator would otherwise want the key's
// resource policy too): the key policy's side is checked by the KMS fake (test/stacks/ami-key.test.ts).
const MEMBER = SIMULATED_ACCOUNT;
const KEY_ID = 'mrk-0123456789abcdef0123456789abcdef';
const ENTRY = new URL('../../member/index.ts', import.meta.url).pathname;

/**
 * A key policy that leaves the decision to the caller's IAM policies (the account's root): KMS needs a key policy
 * even in the key's own account (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
const DELEGATING_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${SIMULATED_ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
};

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** The requests member/index.ts makes in `region`, and the ones its role must refuse. */
function requests(region: string, factory: string): { allowed: SimulatedRequest[]; refused: SimulatedRequest[] } {
  const role = `arn:aws:iam::${MEMBER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
  const key = `arn:aws:kms:${region}:${factory}:key/${KEY_ID}`;
  const grant = (grantee: string, resource = key): SimulatedRequest => ({
    action: 'kms:CreateGrant',
    resource,
    context: { 'kms:GranteePrincipal': grantee, 'kms:GrantOperations': [...AUTO_SCALING_GRANT_OPERATIONS] },
  });
  return {
    allowed: [
      {
        action: 'iam:CreateServiceLinkedRole',
        resource: role,
        context: { 'iam:AWSServiceName': AUTO_SCALING_SERVICE },
      },
      grant(role),
      { action: 'kms:RetireGrant', resource: key },
    ],
    refused: [
      {
        action: 'iam:CreateServiceLinkedRole',
        resource: `arn:aws:iam::${MEMBER}:role/aws-service-role/ec2.amazonaws.com/AWSServiceRoleForEC2`,
        context: { 'iam:AWSServiceName': 'ec2.amazonaws.com' },
      },
      grant(`arn:aws:iam::${MEMBER}:role/admin`),
      grant(role, `arn:aws:kms:${region}:${factory}:key/another-key`),
    ],
  };
}

const keyPolicyFor = (request: SimulatedRequest) =>
  request.action.startsWith('kms:') ? DELEGATING_KEY_POLICY : undefined;

/** The verify line for the member baseline in `templates` (none when the catalog deploys no StackSet). */
export async function memberBaselineLine(
  label: string,
  templates: ReadonlyMap<string, TemplateJson>,
  factory: string = SIMULATED_ACCOUNT,
): Promise<CheckLine> {
  const name = `${label}: member baseline function's calls simulated against its role (in member accounts)`;
  const stackSet = Object.values(templates.get('MemberBaseline')?.Resources ?? {}).find(
    (r) => r.Type === 'AWS::CloudFormation::StackSet',
  );
  if (!stackSet)
    return { name, figure: 'no StackSet in this catalog (no channel names an OU, or disabled)', problems: [] };
  const props = stackSet.Properties as {
    TemplateBody: string;
    StackInstancesGroup: { Regions: string[] }[];
  };
  const called = new Set(sdkCallsOf(ENTRY, 'handler').map((c) => c.action));
  const problems: string[] = [];
  let simulated = 0;
  for (const region of props.StackInstancesGroup.flatMap((g) => g.Regions)) {
    const { template, resolver } = instantiateTemplate(
      props.TemplateBody,
      { AmiKeyId: KEY_ID, FactoryAccount: factory },
      { accountId: MEMBER, region },
    );
    const resources = template.Resources as Resources;
    const roleId = Object.keys(resources).find((id) => resources[id]?.Type === 'AWS::IAM::Role');
    if (!roleId) return { name, figure: 'no role', problems: ['the member template has no IAM role'] };
    const role = resolver.resolve(resources[roleId]!.Properties) as {
      Policies: { PolicyName: string; PolicyDocument: AttachedPolicy['policy'] }[];
    };
    const policies = role.Policies.map((p) => ({ name: p.PolicyName, policy: p.PolicyDocument }));
    const roleArn = `arn:aws:iam::${MEMBER}:role/${roleId}`;
    const { allowed, refused } = requests(region, factory);
    for (const request of allowed) {
      simulated++;
      if (!called.has(request.action)) problems.push(`${region}: member/index.ts no longer calls ${request.action}`);
      const result = await simulate(roleArn, policies, request, keyPolicyFor(request));
      if (result !== 'Allowed') problems.push(`${region}: ${request.action} on ${request.resource}: ${result}`);
    }
    for (const request of refused) {
      simulated++;
      const result = await simulate(roleArn, policies, request, keyPolicyFor(request));
      if (result === 'Allowed') problems.push(`${region}: allows ${request.action} on ${request.resource}`);
    }
    const granted = policies.flatMap((p) =>
      (p.policy.Statement as { Action?: unknown }[]).flatMap((s) => actionsOf(s)),
    );
    for (const action of new Set(granted)) {
      if (!action.startsWith('logs:') && !called.has(action))
        problems.push(`${region}: ${action} granted, never called`);
    }
    for (const action of called) {
      if (!allowed.some((r) => r.action === action))
        problems.push(`${region}: ${action} called but not simulated here`);
    }
  }
  return { name, figure: `${simulated} requests, ${problems.length} problems`, problems };
}
