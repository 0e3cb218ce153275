import * as z from 'zod';
import { AUTO_SCALING_GRANT_NAME } from '../../core/sharing/key-grants.js';
import type { LocalFakes } from '../fakes/install.js';
import { byAccountThenRegion, type StackInstance } from '../fakes/stacksets-types.js';

/**
 * The report's `memberBaseline` section: what the member baseline left in the member accounts at the end of the run,
 * read from the fakes (StackSets, the member accounts' IAM, KMS), not from Goldsmith: the stack set's instances, the
 * accounts whose team deployed its template by hand (named outside the targeted OUs), the rollout roles, and the
 * Auto Scaling grants on the AMI keys with the instant each is in force throughout KMS.
 */

const time = z.string();
const stack = z.strictObject({
  account: z.string(),
  region: z.string(),
  status: z.enum(['CURRENT', 'OUTDATED']),
  statusReason: z.string().optional(),
  /** When its stack finished. */
  at: time,
});
export const memberBaselineSchema = z.strictObject({
  stackSet: z.string(),
  instances: z.array(stack),
  byHand: z.array(stack),
  /** Accounts holding the rollout role now. */
  rolloutRoles: z.array(z.string()),
  /** The `goldsmith-auto-scaling` grants on the AMI keys, by the account that made them. */
  grants: z.array(z.strictObject({ account: z.string(), region: z.string(), inForceAt: time })),
});
export type MemberBaselineFigures = z.output<typeof memberBaselineSchema>;

/**
 * Each instant as ISO text, written once: the 79,360 stacks and grants of the organization cycle finish at a few
 * instants, and a Date and its text for each cost its report 0.3 s.
 */
function isoTexts(): (ms: number) => string {
  const texts = new Map<number, string>();
  return (ms) => {
    let text = texts.get(ms);
    if (text === undefined) {
      text = new Date(ms).toISOString();
      texts.set(ms, text);
    }
    return text;
  };
}

const stackFigures = (iso: (ms: number) => string) => (i: StackInstance) => ({
  account: i.account,
  region: i.region,
  status: i.status,
  ...(i.statusReason ? { statusReason: i.statusReason } : {}),
  at: iso(i.at),
});

/** The section, when the stacks hold a member baseline (none: the baseline is disabled). */
export function memberBaselineFigures(
  fakes: Pick<LocalFakes, 'stackSets' | 'memberAccess' | 'kms'>,
): MemberBaselineFigures | undefined {
  const stackSet = fakes.stackSets.stackSetName();
  if (stackSet === undefined) return undefined;
  const iso = isoTexts();
  const grants: MemberBaselineFigures['grants'] = [];
  for (const key of fakes.kms.allKeys())
    for (const g of key.grants)
      if (g.name?.startsWith(AUTO_SCALING_GRANT_NAME))
        grants.push({ account: g.issuingAccount, region: key.region, inForceAt: iso(g.usableAt ?? 0) });
  grants.sort(byAccountThenRegion);
  return {
    stackSet,
    instances: fakes.stackSets.stackInstances().map(stackFigures(iso)),
    byHand: fakes.stackSets.byHand.map(stackFigures(iso)),
    rolloutRoles: fakes.memberAccess
      .roleArns()
      // Named after its stack instance's id (`-` and 8 hex), or plainly by a stack a team deployed by hand.
      .filter((arn) => /:role\/goldsmith-[a-z0-9-]+-rollout(-[0-9a-f]{8})?$/.test(arn))
      .map((arn) => arn.split(':')[4] ?? ''),
    grants,
  };
}
