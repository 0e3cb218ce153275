import { createHash } from 'node:crypto';
import { markDriftRepaired, recordDrift } from '../../aws/audit/audit-ledger.js';
import { sharesAssociations } from '../../aws/sharing/ram.js';
import type { ShareDrift } from '../../core/sharing/pointer-share-drift.js';
import { type AuditFinding, announceFinding } from '../audit/report.js';

/**
 * The backstop's drifts of a channel pointer share, told as the audit tells its own (functions/audit/report.ts):
 * recorded in the factory's drift partition (`DRIFT#pointer-share#…`) before the share is put back, then read back
 * (the share's PRINCIPAL associations) and announced critical, naming the share, the Region and each principal added
 * or taken out: an account added could read every pointer of the channel, a target taken out could not.
 */

export interface ShareDriftSeen {
  region: string;
  name: string;
  drift: ShareDrift;
  /** The principals the share should reach (the catalog's targets now). */
  principals: readonly string[];
}

/** The drift's sort key: the same drift found again the same day (a retried run) is the same record. */
function driftSk(seen: ShareDriftSeen, at: string): string {
  const { missingPrincipals, extraPrincipals, missingResources } = seen.drift;
  const what = createHash('sha256')
    .update([...missingPrincipals, '|', ...extraPrincipals, '|', ...missingResources].join('\n'))
    .digest('hex')
    .slice(0, 16);
  return `DRIFT#pointer-share#${seen.name}#${seen.region}#${what}@${at.slice(0, 10)}`;
}

function findingOf(seen: ShareDriftSeen): Omit<AuditFinding, 'action' | 'repaired'> {
  const { missingPrincipals, extraPrincipals, missingResources } = seen.drift;
  const parts = [
    ...(extraPrincipals.length > 0 ? [`principals added outside Goldsmith: ${extraPrincipals.join(', ')}`] : []),
    ...(missingPrincipals.length > 0 ? [`targets taken out: ${missingPrincipals.join(', ')}`] : []),
    ...(missingResources.length > 0 ? [`pointers taken out: ${missingResources.join(', ')}`] : []),
  ];
  return {
    resource: 'pointer-share',
    image: '',
    channel: seen.name.replace(/^goldsmith-pointers-/, ''),
    region: seen.region,
    name: seen.name,
    found: `share ${seen.name} in ${seen.region}: ${parts.join('; ')}`,
    expected: `exactly ${seen.principals.join(', ')}`,
  };
}

/** Records a drift about to be put back. @returns its sort key, for {@link confirmShareDrift}. */
export async function recordShareDrift(seen: ShareDriftSeen, at: string): Promise<string> {
  const sk = driftSk(seen, at);
  await recordDrift({ ...findingOf(seen), sk, action: 'put the share back', foundAt: at });
  return sk;
}

/**
 * After the repair: reads the share's principals back (one GetResourceShareAssociations), marks the drift repaired
 * when no principal added outside Goldsmith is still associated and every target is, and announces it (critical).
 */
export async function confirmShareDrift(
  seen: ShareDriftSeen,
  repair: { sk: string; resourceShareArn: string; failed: boolean; pending: boolean },
  at: string,
): Promise<AuditFinding> {
  const live = new Set(
    (await sharesAssociations(seen.region, [repair.resourceShareArn], 'PRINCIPAL'))
      .filter((a) => a.status === 'ASSOCIATED' || a.status === 'ASSOCIATING')
      .map((a) => a.entity),
  );
  const stayed = seen.drift.extraPrincipals.filter((p) => live.has(p));
  const absent = seen.principals.filter((p) => !live.has(p));
  const repaired = !repair.failed && !repair.pending && stayed.length === 0 && absent.length === 0;
  const { extraPrincipals, missingPrincipals, missingResources } = seen.drift;
  const did = [
    ...(extraPrincipals.length > 0 ? [`disassociated ${extraPrincipals.join(', ')}`] : []),
    ...(missingPrincipals.length > 0 ? [`associated ${missingPrincipals.join(', ')}`] : []),
    ...(missingResources.length > 0 ? [`associated ${missingResources.join(', ')}`] : []),
  ].join('; ');
  const action = repaired
    ? `${did}, confirmed by GetResourceShareAssociations`
    : repair.failed
      ? `${did} failed; tried again on the next pass`
      : `${did}; RAM ${stayed.length > 0 ? `still associates ${stayed.join(', ')}` : 'is still associating'}, confirmed on the next pass`;
  if (repaired) await markDriftRepaired('', repair.sk, at, `exactly ${seen.principals.join(', ')}`);
  const finding = { ...findingOf(seen), action, repaired };
  await announceFinding(finding, repair.sk, at, 'critical');
  return finding;
}

/**
 * A share someone opened to external principals (`ram:UpdateResourceShare`): any account, outside the organization
 * too, can then be invited to read the channel's pointers. Goldsmith does not change a share's settings, and its
 * own writes refuse an open share (aws/sharing/ram-associations.ts, `findShare`), so it is recorded (once a day) and
 * announced critical with the command that closes it.
 */
export async function announceOpenShare(
  region: string,
  share: { resourceShareArn: string; name: string },
  at: string,
): Promise<AuditFinding> {
  const sk = `DRIFT#pointer-share#${share.name}#${region}#external@${at.slice(0, 10)}`;
  const finding = {
    resource: 'pointer-share' as const,
    image: '',
    channel: share.name.replace(/^goldsmith-pointers-/, ''),
    region,
    name: share.name,
    found: `share ${share.name} in ${region} allows external principals`,
    expected: 'closed to principals outside the organization',
    action: `left open (Goldsmith does not change a share's settings; Publish refuses to add pointers to it): run aws ram update-resource-share --region ${region} --resource-share-arn ${share.resourceShareArn} --no-allow-external-principals`,
    repaired: false,
  };
  const { repaired: _, ...record } = finding;
  await recordDrift({ ...record, sk, foundAt: at });
  await announceFinding(finding, sk, at, 'critical');
  return finding;
}
