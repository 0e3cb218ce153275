import type { LocalFakes } from '../fakes/install.js';
import { memberRolloutRole } from '../fakes/rollout-role.js';
import type { PolicyDocument } from '../trust/policies.js';

/**
 * Gives every member account the rollout role (`goldsmith-<stage>-rollout`) as the member baseline deploys it
 * (local/fakes/rollout-role.ts), for each stage whose synthesized factory roles may assume it: those whose policies
 * allow `sts:AssumeRole` on `…:role/goldsmith-<stage>-rollout`. The role trusts the stage's rollout engine role by
 * name, as deployed; the callers' own policies are evaluated too. Nothing is defined while no
 * factory role may assume it (no rollout in the stacks). Accounts that join the organization later get no role.
 */

const ROLE = /:role\/goldsmith-([a-z0-9-]+)-rollout$/;

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** Factory role ARN → the stage of the member role its policies let it assume. */
export function rolloutCallers(rolePolicies: ReadonlyMap<string, readonly PolicyDocument[]>): Map<string, string> {
  const callers = new Map<string, string>();
  for (const [arn, docs] of rolePolicies) {
    for (const doc of docs) {
      for (const st of doc.Statement as { Effect?: string; Action?: unknown; Resource?: unknown }[]) {
        if (st.Effect !== 'Allow' || !list(st.Action).includes('sts:AssumeRole')) continue;
        const stage = list(st.Resource)
          .map((r) => ROLE.exec(r)?.[1])
          .find((s) => s !== undefined);
        if (stage) callers.set(arn, stage);
      }
    }
  }
  return callers;
}

/** Defines the rollout role in every member account; answers how many roles it defined. */
export function defineRolloutRoles(
  fakes: LocalFakes,
  rolePolicies: ReadonlyMap<string, readonly PolicyDocument[]>,
): number {
  const { memberAccess, organizations } = fakes;
  memberAccess.useCallerPolicies((arn) => rolePolicies.get(arn));
  const byStage = new Map<string, string[]>();
  for (const [arn, stage] of rolloutCallers(rolePolicies)) byStage.set(stage, [...(byStage.get(stage) ?? []), arn]);
  const org = organizations.organizationArn().split('/').at(-1) ?? '';
  let defined = 0;
  for (const [stage, callers] of byStage) {
    // StackSets deploys the member baseline to members only, never to the management (factory) account.
    const factory = callers[0]?.split(':')[4] ?? '';
    for (const account of organizations.accountIds().filter((a) => a !== factory)) {
      memberAccess.defineRole(memberRolloutRole(account, stage, factory, org));
      defined++;
    }
  }
  return defined;
}
