import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients.js';
import { imagePk } from '../../core/ledger/keys.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from '../../events/sources.js';
import type { LocalCloud } from './cloud.js';
import { putAsSender } from './senders.js';
import { buildFinder } from './targets.js';

function envelope(cloud: LocalCloud, detailType: string, detail: Record<string, unknown>) {
  const time = cloud.clock.iso().replace(/\.\d{3}Z$/, 'Z');
  return {
    version: '0',
    id: createHash('sha256')
      .update(`${detailType}${JSON.stringify(detail)}`)
      .digest('hex')
      .slice(0, 36),
    'detail-type': detailType,
    source: GOLDSMITH_SOURCE,
    account: '123456789012',
    time,
    region: cloud.catalog.organization.homeRegion,
    resources: [],
    detail,
  };
}

/**
 * The scenario's `revoke`: "Image Revoked" on Goldsmith's bus as Goldsmith's own function, which on-lifecycle-request
 * acts on. Returns a note when the scenario names a build that does not exist.
 */
export async function requestRevocation(
  cloud: LocalCloud,
  action: { image: string; version: string; reason: string; by?: string | undefined },
): Promise<string | undefined> {
  const build = buildFinder(cloud.installed.fakes.imagebuilder.builds.values())(action.image, action.version);
  if (!build) return `revoke ${action.image} ${action.version}: no such build (yet) — nothing revoked`;
  const detail = {
    image: action.image,
    version: action.version,
    buildVersionArn: build.arn,
    channels: [],
    reason: action.reason,
    by: action.by ?? 'operator',
    revokedAt: cloud.clock.iso(),
  };
  // As Goldsmith's own function would put it: the bus policy decides (CONTRACTS.md "Senders").
  await putAsSender(cloud, { event: envelope(cloud, DETAIL_TYPES.imageRevoked, detail), as: 'goldsmith' });
  return undefined;
}

/**
 * The scenario's `rollback`: reads the channel's pointer (the operator's view when deciding) and sends "Image
 * Rollback Requested" from it to `version` (or the newest earlier launchable one). Returns a note when the channel
 * names nothing.
 */
export async function requestRollback(
  cloud: LocalCloud,
  action: {
    image: string;
    channel: string;
    version?: string | undefined;
    reason?: string | undefined;
    by?: string | undefined;
  },
): Promise<string | undefined> {
  const table = cloud.wiring.tables[0]?.name ?? '';
  const out = await documentClient().send(
    new GetCommand({ TableName: table, Key: { pk: imagePk(action.image), sk: `CHANNEL#${action.channel}` } }),
  );
  const from = out.Item?.version as string | undefined;
  if (!from) return `rollback ${action.image}/${action.channel}: the channel names no version — nothing to roll back`;
  const detail = {
    image: action.image,
    channel: action.channel,
    from,
    ...(action.version ? { to: action.version } : {}),
    reason: action.reason ?? 'operator rollback',
    by: action.by ?? 'operator',
    requestedAt: cloud.clock.iso(),
  };
  await putAsSender(cloud, { event: envelope(cloud, DETAIL_TYPES.imageRollbackRequested, detail), as: 'goldsmith' });
  return undefined;
}

/**
 * The scenario's `cve` (an extension): Inspector re-scans a live build and finds new vulnerabilities — the "EC2 Image
 * Builder CVE Detected" event AWS sends, for `version` or, without one, the version the image's last channel points
 * to now. Returns a note when there is no such build.
 */
export async function reportCve(
  cloud: LocalCloud,
  action: { image: string; version?: string | undefined; critical: number; high: number; medium: number },
): Promise<string | undefined> {
  let version = action.version;
  if (!version) {
    const channels = cloud.catalog.images[action.image]?.channels ?? cloud.catalog.channels.map((c) => c.name);
    const last = channels.at(-1) ?? '';
    const out = await documentClient().send(
      new GetCommand({
        TableName: cloud.wiring.tables[0]?.name ?? '',
        Key: { pk: imagePk(action.image), sk: `CHANNEL#${last}` },
      }),
    );
    version = out.Item?.version as string | undefined;
  }
  const build = version
    ? buildFinder(cloud.installed.fakes.imagebuilder.builds.values())(action.image, version)
    : undefined;
  if (!build) return `cve ${action.image} ${version ?? '(no live version)'}: no such build — no finding sent`;
  const counts = { critical: action.critical, high: action.high, medium: action.medium };
  const event = {
    version: '0',
    id: createHash('sha256').update(`cve${build.arn}${cloud.clock.iso()}`).digest('hex').slice(0, 36),
    'detail-type': DETAIL_TYPES.imageCveDetected,
    source: 'aws.imagebuilder',
    account: '123456789012',
    time: cloud.clock.iso().replace(/\.\d{3}Z$/, 'Z'),
    region: cloud.catalog.organization.homeRegion,
    resources: [build.arn, build.pipeline.arn],
    detail: {
      'resource-id': 'i-0123456789abcdef0',
      'finding-severity-counts': { all: counts.critical + counts.high + counts.medium, ...counts },
    },
  };
  cloud.bus.put(event, 'default');
  return undefined;
}
