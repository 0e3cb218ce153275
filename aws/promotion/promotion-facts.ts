import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk, skPrefix } from '../../core/ledger/keys.js';
import type { BuildLineage } from '../../core/lifecycle/lineage-hold.js';
import type { ChannelFacts, LoadedBuildFacts } from '../../core/promotion/preconditions.js';
import type { FindingCounts } from '../../core/promotion/types.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { batchGetItems } from '../ledger/batch-get.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';

/**
 * The ledger records the promotion steps read their facts from, instead of their input (core/promotion/preconditions.ts):
 * the build LoadImage read from Image Builder (`loaded` on `BUILD#<version>`), Gate's pass (`GATE#<version>#<channel>`),
 * SoakCheck's pass (`passedAt` on `SOAK#<version>#<channel>`), next to the outcomes, approval and revocation the
 * other writers keep.
 */

const at = (image: string, sk: string) => ({ pk: imagePk(image), sk });
const gateSk = (version: string, channel: string) => `${skPrefix.gate}${version}#${channel}`;

/**
 * Everything the ledger records about one build's channel, in one strongly consistent BatchGetItem (seven keys of the
 * image's partition): the loaded build, this channel's and the previous channel's outcomes, Gate's pass, the approval,
 * the soak and the revocation.
 */
export async function readChannelFacts(
  image: string,
  version: string,
  channel: string,
  previous?: string | undefined,
): Promise<ChannelFacts> {
  const keys = {
    build: buildSk(version),
    outcome: `PROMOTION#${version}#${channel}`,
    previous: previous ? `PROMOTION#${version}#${previous}` : undefined,
    gate: gateSk(version, channel),
    approval: `${skPrefix.approval}${version}#${channel}`,
    soak: `${skPrefix.soak}${version}#${channel}`,
    revocation: `${skPrefix.revocation}${version}`,
  };
  const wanted = Object.values(keys).filter((sk): sk is string => sk !== undefined);
  const items = await batchGetItems(
    ledgerTable(),
    wanted.map((sk) => at(image, sk)),
  );
  const bySk = new Map(items.map((item) => [String(item.sk), item]));
  const item = (sk: string | undefined) => (sk ? bySk.get(sk) : undefined);
  return {
    loaded: item(keys.build)?.loaded as LoadedBuildFacts | undefined,
    lineage: lineageOf(item(keys.build)),
    outcome: item(keys.outcome) as ChannelFacts['outcome'],
    previous: item(keys.previous) as ChannelFacts['previous'],
    gate: item(keys.gate) as ChannelFacts['gate'],
    approval: item(keys.approval) as ChannelFacts['approval'],
    soak: item(keys.soak) as ChannelFacts['soak'],
    revocation: item(keys.revocation) as ChannelFacts['revocation'],
  };
}

/** The flag and the recorded parent of a build item, if it has either. */
function lineageOf(build: Record<string, unknown> | undefined): BuildLineage | undefined {
  if (!build) return undefined;
  const flaggedReason = typeof build.flaggedReason === 'string' ? build.flaggedReason : undefined;
  const parent = build.parent as BuildLineage['parent'];
  return flaggedReason || parent ? { flaggedReason, parent } : undefined;
}

/** The build as LoadImage recorded it from Image Builder, if it did. */
export async function loadedBuild(image: string, version: string): Promise<LoadedBuildFacts | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: ledgerTable(),
      Key: at(image, buildSk(version)),
      ProjectionExpression: 'loaded',
      ConsistentRead: true,
    }),
  );
  return out.Item?.loaded as LoadedBuildFacts | undefined;
}

/**
 * Records the build as LoadImage read it from Image Builder on the build's `BUILD#` item, which the image-event
 * handler created when the build ran. A build the ledger never recorded is not loaded (false): a promotion starts
 * only for a build Goldsmith saw.
 */
export async function recordLoadedBuild(image: string, version: string, loaded: LoadedBuildFacts): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: at(image, buildSk(version)),
        UpdateExpression: 'SET loaded = :loaded',
        ConditionExpression: 'attribute_exists(sk)',
        ExpressionAttributeValues: { ':loaded': loaded },
      }),
    ),
  );
}

/** Records that Gate passed a build into a channel, with the findings it saw (a re-run overwrites its own pass). */
export async function recordGatePassed(
  image: string,
  version: string,
  channel: string,
  pass: { passedAt: string; findings: FindingCounts },
): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: { ...at(image, gateSk(version, channel)), kind: 'gate', image, version, channel, ...pass },
    }),
  );
}

/** Records that SoakCheck passed the soak that ended (on the soak's own item, which SoakStart wrote). */
export async function markSoakPassed(
  image: string,
  version: string,
  channel: string,
  passedAt: string,
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: at(image, `${skPrefix.soak}${version}#${channel}`),
        UpdateExpression: 'SET passedAt = :at',
        ConditionExpression: 'attribute_exists(sk)',
        ExpressionAttributeValues: { ':at': passedAt },
      }),
    ),
  );
}
