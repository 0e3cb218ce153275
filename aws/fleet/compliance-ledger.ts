import { paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { reachedField, THRESHOLDS } from '../../core/fleet/compliance.js';
import type { ComplianceRecord } from '../../core/fleet/compliance-record.js';
import { complianceKey } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

/**
 * Patch compliance in the ledger (core/ledger/README.md): `pk = COMPLIANCE`, `sk = CYCLE#<cycle>#<image>#<channel>#<ou>`,
 * written by the daily sweep. Each threshold's time is written with `if_not_exists`, which "evaluates to path" when
 * the attribute exists: the first time it was seen stays, whatever a repeated or later write says
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html#Expressions.UpdateExpressions.SET.PreventingAttributeOverwrites).
 * `cycle` is a DynamoDB reserved word, hence its alias
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html).
 */

const PK = complianceKey('', '', '', '').pk;

async function query(prefix: string): Promise<ComplianceRecord[]> {
  const items: ComplianceRecord[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': prefix },
    },
  );
  for await (const page of pages) items.push(...((page.Items ?? []) as ComplianceRecord[]));
  return items;
}

/** The records of one cycle of one image (every channel and OU). */
export function listCycleCompliance(cycle: string, image: string): Promise<ComplianceRecord[]> {
  return query(`CYCLE#${cycle}#${image}#`);
}

/** Every compliance record, or those of cycles whose id starts with `cyclePrefix` (a month: `2027-03`). */
export function listCompliance(cyclePrefix = ''): Promise<ComplianceRecord[]> {
  return query(`CYCLE#${cyclePrefix}`);
}

/** Writes one record; thresholds already recorded keep their first time. */
export async function recordCompliance(r: ComplianceRecord): Promise<void> {
  const reached = THRESHOLDS.map(reachedField).filter((f) => r[f] !== undefined);
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: complianceKey(r.cycle, r.image, r.channel, r.ou),
      UpdateExpression: [
        'SET #kind = :kind, #cycle = :cycle, cycleKind = :cycleKind, image = :image, channel = :channel, ou = :ou',
        'startedAt = :startedAt, version = :version, pointerAt = :pointerAt, patched = :patched',
        'instances = :instances, sampledAt = :sampledAt',
        ...reached.map((f) => `${f} = if_not_exists(${f}, :${f})`),
      ].join(', '),
      ExpressionAttributeNames: { '#kind': 'kind', '#cycle': 'cycle' },
      ExpressionAttributeValues: {
        ':kind': 'compliance',
        ':cycle': r.cycle,
        ':cycleKind': r.cycleKind,
        ':image': r.image,
        ':channel': r.channel,
        ':ou': r.ou,
        ':startedAt': r.startedAt,
        ':version': r.version,
        ':pointerAt': r.pointerAt,
        ':patched': r.patched,
        ':instances': r.instances,
        ':sampledAt': r.sampledAt,
        ...Object.fromEntries(reached.map((f) => [`:${f}`, r[f]])),
      },
    }),
  );
}
