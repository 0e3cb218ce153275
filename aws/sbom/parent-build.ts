import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, skPrefix } from '../../core/ledger/keys.js';
import type { ParentBuild } from '../../core/sbom/model.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import type { BuildParent } from '../promotion/promotion-ledger.js';
import { versionKey } from '../promotion/promotion-ledger.js';

/**
 * The parent build a child was made from, for its content: the lineage its build item records (the parent version
 * its channel pointer named when Image Builder created the build: functions/on-image-event.ts `parentOfBuild`), with
 * the AMI that version had in the build's Region, as the parent's recorded pointer move says (`POINTER#<channel>#
 * <version>`: Publish records a move once Parameter Store holds it in every Region, aws/promotion/pointer-history.ts).
 * Undefined for an image without a catalog parent.
 */
export async function parentBuildOf(parent: unknown, region: string): Promise<ParentBuild | undefined> {
  const p = buildParent(parent);
  if (!p) return undefined;
  if (!p.buildVersion) return { image: p.image, channel: p.channel, unknown: p.unknown ?? 'parent version unknown' };
  const out = await documentClient().send(
    new GetCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(p.image), sk: `${skPrefix.pointerHistory}${p.channel}#${versionKey(p.buildVersion)}` },
      ProjectionExpression: '#regions',
      ExpressionAttributeNames: { '#regions': 'regions' },
    }),
  );
  const regions = Array.isArray(out.Item?.regions) ? (out.Item.regions as unknown[]) : [];
  const here = regions.find(
    (r): r is { value: string } => typeof r === 'object' && r !== null && (r as { region?: unknown }).region === region,
  );
  const ami = typeof here?.value === 'string' && here.value.startsWith('ami-') ? here.value : undefined;
  return { image: p.image, channel: p.channel, version: p.buildVersion, ...(ami ? { ami } : {}) };
}

/** A build item's `parent` (BuildParent), or undefined when it holds none (`null`: an image without a parent). */
function buildParent(raw: unknown): BuildParent | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.image !== 'string' || typeof r.channel !== 'string') return undefined;
  return {
    image: r.image,
    channel: r.channel,
    buildVersion: typeof r.buildVersion === 'string' ? r.buildVersion : undefined,
    unknown: typeof r.unknown === 'string' ? r.unknown : undefined,
  };
}
