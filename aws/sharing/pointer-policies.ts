import { DeleteResourcePolicyCommand, paginateGetResourcePolicies } from '@aws-sdk/client-ssm';
import type { HeldPointerPolicy } from '../../core/audit/pointer-policies.js';
import { ssmClient } from '../clients/ssm.js';

/**
 * The resource policies Parameter Store holds on a channel pointer, every page (GetResourcePolicies answers
 * `Policies` of `PolicyId`, `PolicyHash` and `Policy`, 1–50 a page:
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetResourcePolicies.html).
 * @returns the policies and how many calls read them.
 */
export async function readPointerPolicies(
  region: string,
  parameterArn: string,
): Promise<{ policies: HeldPointerPolicy[]; calls: number }> {
  const policies: HeldPointerPolicy[] = [];
  let calls = 0;
  const pages = paginateGetResourcePolicies({ client: ssmClient(region), pageSize: 50 }, { ResourceArn: parameterArn });
  for await (const page of pages) {
    calls++;
    for (const p of page.Policies ?? []) {
      if (p.PolicyId && p.PolicyHash && p.Policy !== undefined)
        policies.push({ id: p.PolicyId, hash: p.PolicyHash, policy: p.Policy });
    }
  }
  return { policies, calls };
}

/**
 * Deletes one policy from a pointer, named by its id and its current hash (both required; a hash no longer current
 * is refused with ResourcePolicyConflictException, an id no longer held with ResourcePolicyNotFoundException:
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteResourcePolicy.html).
 */
export async function deletePointerPolicy(region: string, parameterArn: string, p: HeldPointerPolicy): Promise<void> {
  await ssmClient(region).send(
    new DeleteResourcePolicyCommand({ ResourceArn: parameterArn, PolicyId: p.id, PolicyHash: p.hash }),
  );
}
