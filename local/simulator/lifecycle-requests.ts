import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients.js';
import { imagePk } from '../../core/ledger/keys.js';
import { DETAIL_TYPES } from '../../events/sources.js';
import { makeFindings } from '../fakes/imagebuilder-model.js';
import { LOCAL_ACCOUNT, type LocalCloud } from './cloud.js';
import { buildFinder } from './targets.js';

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
  // Inspector's re-scan adds its findings to the build's before Image Builder announces them: on-finding reads them
  // back with ListImageScanFindings.
  const account = LOCAL_ACCOUNT;
  build.findings = [
    ...build.findings,
    ...makeFindings(build, counts, account, cloud.clock.iso(), build.findings.length),
  ];
  const event = {
    version: '0',
    id: createHash('sha256').update(`cve${build.arn}${cloud.clock.iso()}`).digest('hex').slice(0, 36),
    'detail-type': DETAIL_TYPES.imageCveDetected,
    source: 'aws.imagebuilder',
    account,
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
