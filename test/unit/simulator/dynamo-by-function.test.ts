import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoByFunctionLine } from '../../../bench/simulation.js';
import { countDynamoUsage, type DynamoUsage, dynamoByFunction } from '../../../local/simulator/dynamo-usage.js';
import { runAs } from '../../../local/trust/caller.js';
import { emptyCallPlan } from '../../fixtures/report.js';

const role = (name: string) => `arn:aws:iam::123456789012:role/local-goldsmith-${name}`;

describe('where the DynamoDB requests come from, as the benchmark prints it', () => {
  it('counts each request for the function whose role made it, and the simulator’s own only in the totals', async () => {
    const usage: DynamoUsage = { writes: 0, reads: 0, requests: {}, byCaller: {} };
    const client = new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      // Answered here: the counter runs before any request leaves.
      requestHandler: { handle: async () => ({ response: { statusCode: 200, headers: {}, body: '{}' } }) } as never,
    });
    countDynamoUsage(client, usage);
    const get = () => client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })).catch(() => {});

    await runAs(role('Promotion-LifecycleSweep'), get);
    await runAs(role('Promotion-LifecycleSweep'), get);
    await get();

    expect(usage.requests).toEqual({ 'dynamodb:GetItem': 3 });
    expect(usage.byCaller).toEqual({ [role('Promotion-LifecycleSweep')]: { 'dynamodb:GetItem': 2 } });
  });

  it('names the functions with the most requests first, each with its two largest operations, the rest summed', () => {
    const byFunction = dynamoByFunction({
      [role('Promotion-LifecycleSweep')]: { 'dynamodb:Query': 480, 'dynamodb:UpdateItem': 460, 'dynamodb:GetItem': 5 },
      [role('Promotion-AuditHoldings')]: { 'dynamodb:BatchGetItem': 340, 'dynamodb:Query': 190 },
      [role('Promotion-PromotionPublish')]: { 'dynamodb:UpdateItem': 180 },
      [role('Promotion-PromotionGate')]: { 'dynamodb:PutItem': 20 },
      [role('Promotion-PromotionShare')]: { 'dynamodb:GetItem': 20 },
      [role('Triggers-StartBuilds')]: { 'dynamodb:GetItem': 15 },
      [role('Triggers-WatchBaseImages')]: { 'dynamodb:GetItem': 9 },
      [role('Monitoring-Health')]: { 'dynamodb:Query': 4 },
    });
    expect(byFunction['Promotion-LifecycleSweep']).toEqual({
      'dynamodb:Query': 480,
      'dynamodb:UpdateItem': 460,
      'dynamodb:GetItem': 5,
    });
    const plan = emptyCallPlan(10);
    expect(dynamoByFunctionLine({ ...plan, dynamoByFunction: byFunction })).toEqual([
      '    by function             LifecycleSweep 94.5 (Query 48.0, UpdateItem 46.0); AuditHoldings 53.0 (BatchGetItem 34.0, Query 19.0); PromotionPublish 18.0 (UpdateItem 18.0); PromotionGate 2.0 (PutItem 2.0); PromotionShare 2.0 (GetItem 2.0); StartBuilds 1.5 (GetItem 1.5); 2 others 1.3',
    ]);
    expect(dynamoByFunctionLine(plan)).toEqual([]);
  });
});
