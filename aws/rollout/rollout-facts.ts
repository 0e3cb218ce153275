import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { attemptSk, buildSk, imagePk, skPrefix } from '../../core/ledger/keys.js';
import type { RolloutFacts } from '../../core/rollout/facts.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { versionKey } from '../promotion/promotion-ledger.js';

/**
 * What the ledger says about a version's rollout to a channel (core/rollout/facts.ts): the loaded build's AMIs, the
 * channel pointer's recorded move to the version, the version the channel's pointer names now (`CHANNEL#<channel>`), and
 * its revocation, and the version's current promotion attempt (`ATTEMPT#<v>#current`, absent before a second one).
 * Five strongly consistent GetItems.
 */
export async function readRolloutFacts(image: string, channel: string, version: string): Promise<RolloutFacts> {
  const get = async (sk: string, projection: string, names?: Record<string, string>) =>
    (
      await documentClient().send(
        new GetCommand({
          TableName: ledgerTable(),
          Key: { pk: imagePk(image), sk },
          ProjectionExpression: projection,
          ...(names && { ExpressionAttributeNames: names }),
          ConsistentRead: true,
        }),
      )
    ).Item;
  const [build, move, revocation, current, attempt] = await Promise.all([
    get(buildSk(version), 'loaded'),
    get(`${skPrefix.pointerHistory}${channel}#${versionKey(version)}`, 'regions'),
    get(`${skPrefix.revocation}${version}`, '#state', { '#state': 'state' }),
    get(`${skPrefix.channel}${channel}`, '#version', { '#version': 'version' }),
    get(attemptSk(version), '#attempt', { '#attempt': 'attempt' }),
  ]);
  const loaded = build?.loaded as { amis?: RolloutFacts['buildAmis'] } | undefined;
  return {
    buildAmis: loaded?.amis,
    pointerMove: move
      ? { regions: (move.regions as { region: string; value: string }[] | undefined) ?? [] }
      : undefined,
    revocation: revocation ? { state: revocation.state as string | undefined } : undefined,
    current: typeof current?.version === 'string' ? { version: current.version } : undefined,
    attempt: typeof attempt?.attempt === 'number' ? attempt.attempt : undefined,
  };
}
