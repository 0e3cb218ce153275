import { organizationRef } from '../../aws/sharing/organization-ref.js';
import {
  readHeldPointerShares,
  readHeldPointerSharesOf,
  recordPointerShareInForce,
} from '../../aws/sharing/pointer-shares-held.js';
import {
  ensurePointerShared,
  PointerShareNotReadyError,
  sharesAssociations,
  sharesHeld,
} from '../../aws/sharing/ram.js';
import { isTransient } from '../../core/errors/classify.js';
import { pointerShareName } from '../../core/names.js';
import { pointerPrincipals } from '../../core/promotion/consumer-access.js';
import { hasDrifted, pointerShareDrift, repairResources } from '../../core/sharing/pointer-share-drift.js';
import type { TargetSpec } from '../../core/sharing/targets.js';
import type { AuditFinding } from '../audit/report.js';
import { logger } from '../lib/powertools.js';
import {
  announceOpenShare,
  confirmShareDrift,
  recordShareDrift,
  removeForeignResources,
} from './pointer-share-findings.js';

/** What one backstop pass found and did. */
export interface PointerShareCheck {
  /** Held shares compared with RAM. */
  shares: number;
  /** Shares that differed from what Goldsmith made and were put back (RAM may still be associating), and what. */
  repaired: {
    region: string;
    name: string;
    missingPrincipals: string[];
    extraPrincipals: string[];
    missingResources: string[];
  }[];
  /** Resources someone else associated with a Goldsmith share: disassociated and announced (see `findings`). */
  foreign: { region: string; name: string; resources: string[] }[];
  /** Repairs RAM is still associating: confirmed on the next pass. */
  pending: number;
  /** Each drift as recorded and announced (critical), with whether the read-back confirmed the repair. */
  findings: AuditFinding[];
  /** The Regions holding shares that were checked, and those whose associations could not be read (why). */
  regions: { checked: number; unread: string[] };
  failures: string[];
  permanentFailures: number;
}

/**
 * The daily backstop of the channel pointer shares (the reconciler's full pass): Publish touches RAM only for what
 * the ledger does not hold (functions/promotion/pointers.ts), so this is where a change made outside Goldsmith is
 * found — a principal or a parameter disassociated, a principal added, someone else's resource associated (taken
 * out: functions/sharing/pointer-share-findings.ts), the share deleted or opened to external principals. Per Region, three reads (GetResourceShareAssociations for every held share at once, principals then
 * resources; GetResourceShares for the shares' settings); a share that differs is
 * put back through Publish's own path (`ensurePointerShared`, which also takes out principals the channel does not
 * target and recreates a deleted share) and held again as RAM confirms it. The principals compared and put back are
 * those the catalog's channel targets now (as Publish computes them), not those last held: a channel whose targets
 * changed since its last promotion is brought in line here. One share's failure stops no other.
 */
export async function verifyPointerShares(
  plans: readonly { regions: readonly string[]; channels: readonly { name: string; targets: TargetSpec }[] }[],
): Promise<PointerShareCheck> {
  const regions = [...new Set(plans.flatMap((p) => p.regions))].sort();
  const targetsByShare = new Map(plans.flatMap((p) => p.channels.map((c) => [pointerShareName(c.name), c.targets])));
  const names = [...targetsByShare.keys()].sort();
  const held = await readHeldPointerSharesOf(regions, names);
  const check: PointerShareCheck = {
    shares: held.length,
    repaired: [],
    foreign: [],
    pending: 0,
    findings: [],
    regions: { checked: 0, unread: [] },
    failures: [],
    permanentFailures: 0,
  };
  if (held.length === 0) return check;
  let org: Awaited<ReturnType<typeof organizationRef>>;
  try {
    org = await organizationRef();
  } catch (error) {
    fail(check, `the organization's id: ${messageOf(error)}`, error);
    return check;
  }
  const wanted = new Map(
    [...targetsByShare].map(([name, targets]) => [name, pointerPrincipals(targets, org).principals] as const),
  );
  for (const region of regions) {
    const inRegion = held.filter((h) => h.region === region);
    if (inRegion.length === 0) continue;
    check.regions.checked++;
    const arns = [...new Set(inRegion.map((h) => h.resourceShareArn))];
    let principals: Awaited<ReturnType<typeof sharesAssociations>>;
    let resources: Awaited<ReturnType<typeof sharesAssociations>>;
    let shares: Awaited<ReturnType<typeof sharesHeld>>;
    try {
      principals = await sharesAssociations(region, arns, 'PRINCIPAL');
      resources = await sharesAssociations(region, arns, 'RESOURCE');
      shares = await sharesHeld(region, arns);
    } catch (error) {
      fail(check, `${region}: ${messageOf(error)}`, error);
      check.regions.unread.push(region);
      continue;
    }
    // A share opened to external principals (UpdateResourceShare) is announced, not changed: a person closes it.
    for (const open of shares.filter((s) => s.status === 'ACTIVE' && s.allowExternalPrincipals)) {
      try {
        check.findings.push(await announceOpenShare(region, open, new Date().toISOString()));
      } catch (error) {
        fail(check, `${region} ${open.name}: announcing it open: ${messageOf(error)}`, error);
      }
    }
    for (const first of inRegion) {
      const withWanted = (held: typeof first) => {
        const now = wanted.get(held.name);
        return { ...held, principals: now && now.length > 0 ? now : held.principals };
      };
      const seen = pointerShareDrift(withWanted(first), principals, resources);
      if (seen.foreignResources.length > 0) await takeOutForeign(check, first, seen.foreignResources);
      if (!hasDrifted(seen)) continue;
      // Read again just before repairing (strongly consistent): a pointer withdrawn since the pass began was
      // forgotten before RAM let it go, and must not be shared again.
      const held = (await readHeldPointerShares([region], first.name)).get(region);
      if (!held) continue;
      const share = withWanted(held);
      const drift = pointerShareDrift(share, principals, resources);
      if (!hasDrifted(drift)) continue;
      logger.warn('a pointer share differs from what Goldsmith made; putting it back', { region, ...drift });
      const { missingPrincipals, extraPrincipals, missingResources } = drift;
      const driftSeen = { region, name: share.name, drift, principals: share.principals };
      const at = new Date().toISOString();
      let sk: string;
      try {
        sk = await recordShareDrift(driftSeen, at);
      } catch (error) {
        fail(check, `${region} ${share.name}: recording the drift: ${messageOf(error)}`, error);
        continue;
      }
      // Only Goldsmith's own parameters are passed: a foreign resource is never disassociated.
      let failed = false;
      let pending = false;
      let resourceShareArn = share.resourceShareArn;
      for (const resourceArn of repairResources(share, drift)) {
        try {
          const shared = await ensurePointerShared({
            region,
            name: share.name,
            resourceArn,
            principals: share.principals,
          });
          resourceShareArn = shared.resourceShareArn;
          await recordPointerShareInForce({
            region,
            name: share.name,
            resourceShareArn: shared.resourceShareArn,
            principals: share.principals,
            resourceArn,
            at: new Date().toISOString(),
          });
        } catch (error) {
          if (error instanceof PointerShareNotReadyError) {
            check.pending++;
            pending = true;
            continue;
          }
          fail(check, `${region} ${share.name} ${resourceArn}: ${messageOf(error)}`, error);
          failed = true;
        }
      }
      // Counted as put back once every repair was made (RAM may still be associating); a failed one is a failure.
      if (!failed)
        check.repaired.push({ region, name: share.name, missingPrincipals, extraPrincipals, missingResources });
      // Read back, recorded and announced (critical) whatever the outcome.
      try {
        check.findings.push(await confirmShareDrift(driftSeen, { sk, resourceShareArn, failed, pending }, at));
      } catch (error) {
        fail(check, `${region} ${share.name}: reading the share back: ${messageOf(error)}`, error);
      }
    }
  }
  return check;
}

/**
 * Resources someone else associated with a Goldsmith share: the ledger is read again first (strongly consistent), so
 * a pointer Publish recorded since the pass began is not taken for one; the rest are disassociated and announced.
 */
async function takeOutForeign(
  check: PointerShareCheck,
  share: { region: string; name: string; resourceShareArn: string },
  found: readonly string[],
): Promise<void> {
  const { region, name } = share;
  try {
    const now = (await readHeldPointerShares([region], name)).get(region);
    const resources = found.filter((r) => !now?.resources.includes(r));
    if (resources.length === 0) return;
    logger.error('resources someone else associated with a Goldsmith pointer share; disassociating them', {
      region,
      name,
      resources,
    });
    check.foreign.push({ region, name, resources });
    check.findings.push(await removeForeignResources(region, share, resources, new Date().toISOString()));
  } catch (error) {
    fail(check, `${region} ${name}: taking out resources associated outside Goldsmith: ${messageOf(error)}`, error);
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function fail(check: PointerShareCheck, message: string, error: unknown): void {
  logger.error('pointer share backstop failed', { message, error });
  check.failures.push(message);
  if (!isTransient(error)) check.permanentFailures++;
}

/**
 * The backstop's failures as the reconciler reports them: Regions, not builds ("pointer shares checked in 2
 * Region(s); 1 could not be read: eu-west-1: …"), then the shares that could not be put back.
 */
export function pointerShareFailureText(check: PointerShareCheck): string {
  const unread = check.failures.filter((f) => check.regions.unread.some((r) => f.startsWith(`${r}: `)));
  const other = check.failures.filter((f) => !unread.includes(f));
  const parts = [`pointer shares checked in ${check.regions.checked} Region(s)`];
  if (unread.length > 0) parts.push(`${unread.length} could not be read: ${unread.join('; ')}`);
  if (other.length > 0) parts.push(`${other.length} could not be put back: ${other.join('; ')}`);
  return parts.join('; ');
}
