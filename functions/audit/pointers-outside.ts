import { recordDrift } from '../../aws/audit/audit-ledger.js';
import type { HeldPointerShare } from '../../aws/sharing/pointer-shares-held.js';
import { type ShareHeld, sharesHeld } from '../../aws/sharing/ram-associations.js';
import { listSharedParameters } from '../../aws/sharing/shared-parameters.js';
import { type AuditPart, announceFinding, failed, messageOf } from './report.js';

/**
 * The daily listing behind the pointers' resource policies (pointer-policies.ts, `outside-shares`): what RAM shares in
 * each Region holding a channel share, against the shares the ledger holds. A policy someone puts on a pointer makes
 * RAM create a share of its own for it ("When you attach a resource-based policy to a resource, AWS RAM automatically
 * creates a resource share of featureSet=CREATED_FROM_POLICY":
 * https://docs.aws.amazon.com/ram/latest/APIReference/API_PromoteResourceShareCreatedFromPolicy.html), and someone
 * may add a pointer to a share of their own; either way RAM lists the pointer under a share that is not its
 * channel's (aws/sharing/shared-parameters.ts). That ListResources lists a CREATED_FROM_POLICY share's resources is
 * inferred, not stated: such a share is "visible to only the resource share owner", which the factory account is.
 */

/** A held pointer by Region and parameter name (`region|/goldsmith/<image>/<channel>`): ARNs compared by what they name. */
const pointerKey = (region: string, parameterArn: string) =>
  `${region}|${parameterArn.split(':parameter').pop() ?? ''}`;

/** What the listing asks the policies' audit to do. */
export interface OutsideListing {
  /** The held pointers whose policies to read today (`pointerKey`). */
  read: Set<string>;
}

/**
 * Lists what RAM shares in every Region holding a share (one ListResources a Region, a page per 500 parameters) and
 * says which held pointers' policies to read today: those RAM lists in a share other than their channel's, and those
 * it does not list in their channel's own (the pointer-share backstop puts the association back; the policies are
 * read meanwhile). A share Goldsmith tagged as its own is not foreign (a channel's share made again before the ledger
 * holds its new ARN); one of feature set CREATED_FROM_POLICY is RAM's for a policy, taken away by deleting that policy;
 * any other (someone's STANDARD share) is announced critical with the command that takes the pointer out, which
 * Goldsmith's role may not run on another's share. A Region whose listing fails is a failure of the part, and every
 * held pointer there has its policies read that day instead.
 */
export async function listPointersOutside(
  part: AuditPart,
  held: readonly HeldPointerShare[],
  at: string,
  /** Repeats the announcement of a foreign share that is still there (the policies' sweep day). */
  again: boolean,
): Promise<OutsideListing> {
  const read = new Set<string>();
  for (const region of [...new Set(held.map((s) => s.region))].sort()) {
    const mine = held.filter((s) => s.region === region);
    const own = new Map(mine.flatMap((s) => s.resources.map((r) => [pointerKey(region, r), s] as const)));
    let listed: { arn: string; resourceShareArn: string }[];
    try {
      const answer = await listSharedParameters(region);
      part.reads += answer.calls;
      listed = answer.parameters.filter((p) => own.has(pointerKey(region, p.arn)));
    } catch (error) {
      failed(part, `the parameters RAM shares in ${region}: ${messageOf(error)}`, error);
      for (const key of own.keys()) read.add(key);
      continue;
    }
    part.checked += own.size;
    const inOwn = new Set<string>();
    const outside: typeof listed = [];
    for (const p of listed) {
      const key = pointerKey(region, p.arn);
      if (own.get(key)?.resourceShareArn === p.resourceShareArn) inOwn.add(key);
      else outside.push(p);
    }
    for (const key of own.keys()) if (!inOwn.has(key)) read.add(key);
    if (outside.length === 0) continue;
    let shares: Map<string, ShareHeld>;
    try {
      part.reads++;
      shares = new Map(
        (await sharesHeld(region, [...new Set(outside.map((p) => p.resourceShareArn))])).map((s) => [
          s.resourceShareArn,
          s,
        ]),
      );
    } catch (error) {
      failed(part, `the shares holding pointers in ${region}: ${messageOf(error)}`, error);
      for (const p of outside) read.add(pointerKey(region, p.arn));
      continue;
    }
    for (const p of outside) {
      const share = shares.get(p.resourceShareArn);
      if (share?.goldsmiths) continue;
      read.add(pointerKey(region, p.arn));
      if (share?.featureSet === 'CREATED_FROM_POLICY') continue;
      await announceForeignShare(part, region, p, share, at, again);
    }
  }
  return { read };
}

/** Whether the policies' audit reads `parameterArn` in `region` today. */
export const listedForRead = (listing: OutsideListing, region: string, parameterArn: string): boolean =>
  listing.read.has(pointerKey(region, parameterArn));

/**
 * A channel pointer in someone's own STANDARD share: every principal of that share reads it. Recorded in the image's
 * partition and announced critical, once (again on the policies' sweep days while it stays), with the command that
 * takes the pointer out of that share: Goldsmith's role changes only its own shares (`ram:ResourceShareName`).
 */
async function announceForeignShare(
  part: AuditPart,
  region: string,
  pointer: { arn: string; resourceShareArn: string },
  share: ShareHeld | undefined,
  at: string,
  again: boolean,
): Promise<void> {
  const [, image = '', channel = ''] = /:parameter\/goldsmith\/([^/]+)\/([^/]+)$/.exec(pointer.arn) ?? [];
  const shareId = pointer.resourceShareArn.split('/').pop() ?? pointer.resourceShareArn;
  const sk = `DRIFT#pointer-share#outside#${region}#${shareId}#${channel}${again ? `@${at.slice(0, 10)}` : ''}`;
  const named = share ? `${share.name} (${share.featureSet})` : 'a share RAM no longer describes';
  const finding = {
    resource: 'pointer-share' as const,
    image,
    channel,
    region,
    name: share?.name ?? shareId,
    found: `${pointer.arn} is in share ${named}, ${pointer.resourceShareArn}, which Goldsmith did not make: its principals read the pointer`,
    expected: `only in the channel's share goldsmith-pointers-${channel}`,
    action: `left (Goldsmith changes only its own shares): run aws ram disassociate-resource-share --region ${region} --resource-share-arn ${pointer.resourceShareArn} --resource-arns ${pointer.arn}`,
    repaired: false,
  };
  const { repaired: _, ...record } = finding;
  // Recorded once; the announcement is keyed by the record's key, so a second run of the day announces nothing more.
  await recordDrift({ ...record, sk, foundAt: at });
  part.findings.push(finding);
  await announceFinding(finding, sk, at, 'critical');
}
