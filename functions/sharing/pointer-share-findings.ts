import { createHash } from 'node:crypto';
import { markDriftRepaired, recordDrift } from '../../aws/audit/audit-ledger.js';
import { sharesAssociations, unsharePointer } from '../../aws/sharing/ram.js';
import type { ShareDrift } from '../../core/sharing/pointer-share-drift.js';
import { type AuditFinding, announceFinding, messageOf } from '../audit/report.js';

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

const digest = (parts: readonly string[]) => createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);

/** The drift's sort key: the same drift found again the same day (a retried run) is the same record. */
function driftSk(seen: ShareDriftSeen, at: string): string {
  const { missingPrincipals, extraPrincipals, missingResources } = seen.drift;
  const what = digest([...missingPrincipals, '|', ...extraPrincipals, '|', ...missingResources]);
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

/** Whether `resourceArn` is named as one of the channel's pointers in `region` (`…:parameter/goldsmith/<image>/<channel>`). */
function namedAsPointer(resourceArn: string, region: string, channel: string): boolean {
  const escaped = channel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^arn:[^:]+:ssm:${region}:\\d{12}:parameter/goldsmith/[^/]+/${escaped}$`).test(resourceArn);
}

/**
 * Resources someone else associated with a Goldsmith pointer share (`ram:AssociateResourceShare` in the factory
 * account): with no SCP against it, Goldsmith's share would spread them to every account it reaches. The share is
 * Goldsmith's and holds only Goldsmith's pointers, so each is disassociated (aws/sharing/ram.ts `unsharePointer`:
 * DisassociateResourceShare, "Removes the specified principals or resources from participating in the specified
 * resource share": https://docs.aws.amazon.com/ram/latest/APIReference/API_DisassociateResourceShare.html), the
 * share's resources read back (one GetResourceShareAssociations), and the whole recorded (once a day) and announced
 * critical. A parameter named as one of the channel's own pointers is left and announced: Publish records a pointer
 * only after RAM confirms it, so it may be a promotion in flight. A disassociation refused (Goldsmith's role may not,
 * or the share was opened to external principals, which Goldsmith's writes refuse) is announced with the command.
 */
export async function removeForeignResources(
  region: string,
  share: { name: string; resourceShareArn: string },
  resources: readonly string[],
  at: string,
): Promise<AuditFinding> {
  const channel = share.name.replace(/^goldsmith-pointers-/, '');
  const sk = `DRIFT#pointer-share#${share.name}#${region}#foreign-${digest(resources)}@${at.slice(0, 10)}`;
  const finding = {
    resource: 'pointer-share' as const,
    image: '',
    channel,
    region,
    name: share.name,
    found: `share ${share.name} in ${region}: resources associated outside Goldsmith: ${resources.join(', ')}`,
    expected: "only the channel's pointers that Goldsmith shared",
  };
  await recordDrift({ ...finding, sk, action: 'disassociate them', foundAt: at });
  const inFlight = resources.filter((r) => namedAsPointer(r, region, channel));
  const refused: string[] = [];
  for (const resourceArn of resources.filter((r) => !inFlight.includes(r))) {
    try {
      await unsharePointer({ region, name: share.name, resourceArn });
    } catch (error) {
      refused.push(
        `${resourceArn} (${messageOf(error)}; run aws ram disassociate-resource-share --region ${region} --resource-share-arn ${share.resourceShareArn} --resource-arns ${resourceArn})`,
      );
    }
  }
  const live = new Set(
    (await sharesAssociations(region, [share.resourceShareArn], 'RESOURCE'))
      .filter((a) => a.status === 'ASSOCIATED' || a.status === 'ASSOCIATING')
      .map((a) => a.entity),
  );
  const stayed = resources.filter((r) => !inFlight.includes(r) && live.has(r) && !refused.some((f) => f.startsWith(r)));
  const gone = resources.filter((r) => !inFlight.includes(r) && !live.has(r));
  const parts = [
    ...(gone.length > 0 ? [`disassociated ${gone.join(', ')}, confirmed by GetResourceShareAssociations`] : []),
    ...(stayed.length > 0 ? [`RAM still associates ${stayed.join(', ')}, checked again on the next pass`] : []),
    ...(refused.length > 0 ? [`could not disassociate ${refused.join('; ')}`] : []),
    ...(inFlight.length > 0
      ? [
          `left ${inFlight.join(', ')} (named as the channel's pointers: possibly a promotion in flight; a person judges)`,
        ]
      : []),
  ];
  const repaired = stayed.length === 0 && refused.length === 0 && inFlight.length === 0;
  if (repaired) await markDriftRepaired('', sk, at, `disassociated ${gone.join(', ')}`);
  const full = { ...finding, action: parts.join('; '), repaired };
  await announceFinding(full, sk, at, 'critical');
  return full;
}
