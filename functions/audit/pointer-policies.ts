import { markDriftRepaired, recordDrift } from '../../aws/audit/audit-ledger.js';
import { readHeldOrganizationItems } from '../../aws/sharing/organization-held.js';
import { organizationRef } from '../../aws/sharing/organization-ref.js';
import { deletePointerPolicy, readPointerPolicies } from '../../aws/sharing/pointer-policies.js';
import { type HeldPointerShare, readHeldPointerSharesOf } from '../../aws/sharing/pointer-shares-held.js';
import {
  type ForeignPointerPolicy,
  foreignPointerPolicies,
  pointerPolicyDriftSk,
  policyAccounts,
  type ShareReach,
} from '../../core/audit/pointer-policies.js';
import { resolvedShareReach } from '../../core/audit/pointer-reach.js';
import { pointerShareName } from '../../core/names.js';
import { pointerPrincipals } from '../../core/promotion/consumer-access.js';
import { treeFromHeldItems } from '../../core/sharing/held-organization.js';
import type { OrgTree, TargetSpec } from '../../core/sharing/targets.js';
import { logger } from '../lib/powertools.js';
import { listedForRead, listPointersOutside } from './pointers-outside.js';
import { type AuditPart, announceFinding, emptyPart, failed, messageOf } from './report.js';

type Plan = { regions: readonly string[]; channels: readonly { name: string; targets: TargetSpec }[] };

/**
 * Which pointers' policies a run reads: every held one (`all`, the policies' sweep); only those RAM lists in a share
 * other than their channel's (`outside-shares`, the daily pass: a policy someone puts on a pointer makes RAM create a
 * share for it); or the one pointer a PutResourcePolicy or DeleteResourcePolicy event names (readback.ts).
 */
export type PointerPolicyScope = 'all' | 'outside-shares' | { region: string; parameterArn: string };

/** The image a pointer's ARN names (`…:parameter/goldsmith/<image>/<channel>`), or '' when it names none. */
const imageOf = (parameterArn: string) => /:parameter\/goldsmith\/([^/]+)\/[^/]+$/.exec(parameterArn)?.[1] ?? '';

/** Whether AWS refused the call for want of permission (an SCP, or a role narrowed outside the deployment). */
const denied = (error: unknown) => {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && /AccessDenied/.test(name);
};

/**
 * The read-back of the resource policies on the channel pointers (`scope`). Each full pass first lists what RAM
 * shares in every Region (pointers-outside.ts: a pointer in someone's own share is announced there); then on the
 * policies' sweep days (`pointerPolicySweepEvery`) every parameter each held channel pointer share holds
 * (aws/sharing/pointer-shares-held.ts) is read, on the other days only those the listing names (in a share not their
 * channel's, or not listed in their channel's); and the one pointer a PutResourcePolicy or DeleteResourcePolicy event
 * names, alone. Each is read with GetResourcePolicies (every page; one call per pointer of up to 50 policies). A policy that lets someone do more than the channel's share does
 * (core/audit/pointer-policies.ts: a principal the share does not reach, an action beyond reading, a Deny) is
 * recorded (`DRIFT#pointer-policy#…`), deleted by its id and hash (DeleteResourcePolicy: Goldsmith never puts a
 * resource policy on a pointer, so none is its own), read back, and announced critical naming the share, the Region
 * and whom it let in. Where Goldsmith's role may not delete it, nothing else is tried: the announcement says so and
 * gives the command. The principals compared are those the catalog's channel targets now, as the backstop's
 * (functions/sharing/pointer-share-backstop.ts), which puts the share's own associations back. A policy that lets in
 * no one beyond the share's reach as the organization resolves it (the catalog's targets and the principals the share
 * was last made to reach, OUs and the organization expanded to their accounts through the ledger's organization copy,
 * read once a run and only when a policy is found) is never deleted: it may be RAM's own, or from before a targets
 * change, and consumers would lose their reads. It, and a policy whose conditions the audit does not read, is
 * announced for a person to judge: once, and again on each sweep day or event that reads it while it stays. One
 * pointer's failure stops no other.
 */
export async function auditPointerPolicies(
  plans: readonly Plan[],
  now: Date,
  scope: PointerPolicyScope = 'all',
): Promise<AuditPart> {
  const part = emptyPart();
  const one = typeof scope === 'object' ? scope : undefined;
  const regions = one ? [one.region] : [...new Set(plans.flatMap((p) => p.regions))].sort();
  const channels = new Map(plans.flatMap((p) => p.channels.map((c) => [pointerShareName(c.name), c] as const)));
  let held: HeldPointerShare[];
  let selected: (share: HeldPointerShare, parameterArn: string) => boolean;
  let organizationId: string;
  let wanted: (share: HeldPointerShare) => readonly string[];
  try {
    held = await readHeldPointerSharesOf(regions, [...channels.keys()].sort());
    if (held.length === 0) return part;
    if (one) {
      selected = (_share, parameterArn) => parameterArn === one.parameterArn;
    } else {
      // Every full pass lists what RAM shares (a pointer in someone's own share is announced there); the policies'
      // sweep then reads every pointer's policies, the other days only those the listing names.
      const listing = await listPointersOutside(part, held, now.toISOString(), scope === 'all');
      if (scope === 'all') selected = () => true;
      else {
        if (listing.read.size === 0) return part;
        selected = (share, parameterArn) => listedForRead(listing, share.region, parameterArn);
      }
    }
    const org = await organizationRef();
    organizationId = org.id;
    wanted = (share) => {
      const targets = channels.get(share.name)?.targets;
      const now = targets ? pointerPrincipals(targets, org).principals : [];
      return now.length > 0 ? now : share.principals;
    };
  } catch (error) {
    failed(part, `the pointer shares' policies: ${messageOf(error)}`, error);
    return part;
  }
  let tree: Promise<OrgTree | undefined> | undefined;
  const heldTree = () => {
    tree ??= readHeldOrganizationItems().then(treeFromHeldItems);
    return tree;
  };
  for (const share of held) {
    const reach: ShareReach = { principals: wanted(share), organizationId };
    for (const parameterArn of share.resources) {
      if (!selected(share, parameterArn)) continue;
      if (one) part.checked++;
      try {
        const read = await readPointerPolicies(share.region, parameterArn);
        part.reads += read.calls;
        if (foreignPointerPolicies(read.policies, reach).length === 0) continue;
        const resolved = resolvedShareReach([...reach.principals, ...share.principals], await heldTree());
        for (const foreign of foreignPointerPolicies(read.policies, reach, resolved)) {
          await removePolicy(part, { share, parameterArn, reach, foreign }, now, scope !== 'outside-shares');
        }
      } catch (error) {
        failed(part, `${share.name} ${share.region} ${parameterArn}: ${messageOf(error)}`, error);
      }
    }
  }
  return part;
}

/** Records one foreign policy, deletes it, reads the pointer's policies back, and says what happened. */
async function removePolicy(
  part: AuditPart,
  found: { share: HeldPointerShare; parameterArn: string; reach: ShareReach; foreign: ForeignPointerPolicy },
  now: Date,
  /** A policy left for a person is announced again on this day (the sweep's, or an event's); else once. */
  again: boolean,
): Promise<void> {
  const { share, parameterArn, reach, foreign } = found;
  const at = now.toISOString();
  const channel = share.name.replace(/^goldsmith-pointers-/, '');
  const image = imageOf(parameterArn);
  const left = foreign.unclear || foreign.withinReach;
  const sk = pointerPolicyDriftSk(channel, share.region, foreign, left && again ? at.slice(0, 10) : undefined);
  const accounts = policyAccounts(foreign.policy);
  const finding = {
    resource: 'pointer-policy' as const,
    image,
    channel,
    region: share.region,
    name: share.name,
    found: `resource policy ${foreign.id} on ${parameterArn}${accounts.length > 0 ? ` letting in ${accounts.join(', ')}` : ''} (${foreign.reasons.join('; ')})`,
    expected: `no resource policy beyond share ${share.name} (${reach.principals.join(', ')})`,
  };
  logger.error('a resource policy on a channel pointer lets in more than its share; deleting it', { ...finding });
  await recordDrift({
    ...finding,
    sk,
    action: left ? 'left for a person to judge' : `delete policy ${foreign.id}`,
    foundAt: at,
  });
  const command = `aws ssm delete-resource-policy --region ${share.region} --resource-arn ${parameterArn} --policy-id ${foreign.id} --policy-hash ${foreign.hash}`;
  const { action, repaired } = left
    ? {
        // Possibly the policy RAM keeps for the share itself (AWS does not document its wording): a person judges it.
        action: `left as it is (${foreign.withinReach ? "it lets in no one beyond the share's reach as the organization resolves it" : 'its conditions are not ones the audit reads'}; it may be RAM's own): a person must judge it, and delete it if it is not: ${command}`,
        repaired: false,
      }
    : await deleteAndReadBack(part, share.region, parameterArn, foreign, command);
  if (repaired) await markDriftRepaired(image, sk, at, `policy ${foreign.id} deleted`);
  const full = { ...finding, action, repaired };
  part.findings.push(full);
  // Critical whatever the outcome: until now the policy let its accounts read the channel's pointer.
  await announceFinding(full, sk, at, 'critical');
}

/** Deletes the policy and reads the pointer's policies back; where Goldsmith's role may not, says so with `command`. */
async function deleteAndReadBack(
  part: AuditPart,
  region: string,
  parameterArn: string,
  foreign: ForeignPointerPolicy,
  command: string,
): Promise<{ action: string; repaired: boolean }> {
  try {
    await deletePointerPolicy(region, parameterArn, foreign);
  } catch (error) {
    if (!denied(error)) throw error;
    // Stop here: Goldsmith's role may not delete it (an SCP or a narrowed role). A person must.
    return { action: `could not delete it (${messageOf(error)}); run: ${command}`, repaired: false };
  }
  const back = await readPointerPolicies(region, parameterArn);
  part.reads += back.calls;
  const repaired = !back.policies.some((p) => p.id === foreign.id);
  return {
    action: repaired
      ? `deleted policy ${foreign.id}, confirmed by GetResourcePolicies`
      : `deleted policy ${foreign.id}; GetResourcePolicies still lists it, checked again on the next pass`,
    repaired,
  };
}
