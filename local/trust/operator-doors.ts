import type { OperatorDoor } from '../../events/operator-request.js';
import type { LocalCloud } from '../simulator/cloud.js';
import type { PolicyDocument } from './policies.js';

/** Where the synthesized stacks put the operator endpoint's doors: the operator function and the operators' role. */

type Props = Record<string, unknown>;

function resources(cloud: LocalCloud, type: string): [string, Props][] {
  return cloud.templates.flatMap((t) =>
    Object.entries(t.Resources ?? {})
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => [id, (cloud.resolver.resolve(r.Properties ?? {}) ?? {}) as Props] as [string, Props]),
  );
}

/**
 * The ARN of the function behind the operator endpoint's door `door` (its handler `functions/<door>.handler`:
 * functions/operator.ts, operator-revoke.ts, operator-rollback.ts), or undefined when the synthesized stacks define
 * none.
 */
export function operatorFunctionArn(cloud: LocalCloud, door: OperatorDoor = 'operator'): string | undefined {
  const handler = `functions/${door}.handler`;
  for (const [arn, f] of cloud.wiring.functions) if (f.handler === handler) return arn;
  return undefined;
}

/** The operators' role: its ARN and trust policy. */
export function operatorsRole(cloud: LocalCloud): { arn: string; trust: PolicyDocument } | undefined {
  for (const [id, p] of resources(cloud, 'AWS::IAM::Role')) {
    if (typeof p.RoleName === 'string' && p.RoleName.endsWith('-operators')) {
      return { arn: cloud.resolver.arn(id), trust: p.AssumeRolePolicyDocument as PolicyDocument };
    }
  }
  return undefined;
}

/** The operators' role's ARN in the synthesized stacks, if they define one. */
export function operatorsRoleArn(cloud: LocalCloud): string | undefined {
  return operatorsRole(cloud)?.arn;
}
