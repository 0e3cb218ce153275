import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { expectedPolicyChangeSchema, policyCallSchema } from '../../events/policy-call.js';
import { expectedPolicyChanged } from '../../functions/audit/policy-parameter.js';
import { VirtualClock } from '../../local/clock.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { configureAuditClients, driftAnnouncements, policyDrifts } from './audit-fixtures.js';

/**
 * Attack: a principal that can write under `/goldsmith/` rewrites a door's expected policy (to widen the door and its
 * expected policy together, which the policies' audit would then find alike) or deletes it. Its Parameter Store
 * Change reaches the policies auditor, which records it as drift and announces it, critical, within minutes.
 */

const ACCOUNT = '123456789012';
const R = 'us-east-1';
const NOW = new Date('2027-01-18T10:00:00Z');
const NOTIFY = `arn:aws:sns:${R}:${ACCOUNT}:goldsmith-test-notifications`;
const PARAMETER = '/goldsmith/_policies/test/queue/testgoldsmithMonitoringHealthDlqAB12CD34';

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;

const change = (name: string, operation: string, id = 'e-1') =>
  expectedPolicyChangeSchema.parse({
    id,
    source: 'aws.ssm',
    'detail-type': 'Parameter Store Change',
    region: R,
    detail: { name, operation },
  });
const readBack = (e: ReturnType<typeof change>) => expectedPolicyChanged(e.detail.name, e.detail.operation, e.id, NOW);
const drifts = policyDrifts;
const announced = () => driftAnnouncements(cloud, NOTIFY);

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = NOTIFY;
  cloud = installFakes({ clock: new VirtualClock(NOW.toISOString()), accountId: ACCOUNT, topics: [NOTIFY] });
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  configureAuditClients(cloud, dynamo.endpoint);
});

afterEach(() => configureClients({}));

describe("attack: a door's expected policy rewritten or deleted in Parameter Store", () => {
  it('records a rewrite as drift of that door and announces it critical, once for a retried event', async () => {
    const part = await readBack(change(PARAMETER, 'Update'));

    expect(part.findings).toEqual([
      expect.objectContaining({
        resource: 'queue-policy',
        name: PARAMETER,
        found: `the expected-policy parameter ${PARAMETER} changed (Update)`,
        repaired: false,
      }),
    ]);
    expect(await drifts()).toEqual([expect.objectContaining({ resource: 'queue-policy', name: PARAMETER })]);
    expect(announced()).toEqual([
      expect.objectContaining({ severity: 'critical', subject: expect.stringContaining('queue-policy') }),
    ]);

    await readBack(change(PARAMETER, 'Update'));
    expect(await drifts()).toHaveLength(1);
    expect(announced()).toHaveLength(1);
  });

  it('records a deletion, and a change of any name under the path, each as its own drift', async () => {
    await readBack(change(PARAMETER, 'Delete', 'e-2'));
    await readBack(change('/goldsmith/_policies/test/extra', 'Create', 'e-3'));
    expect((await drifts()).map((d) => d.found).sort()).toEqual([
      'the expected-policy parameter /goldsmith/_policies/test/extra changed (Create)',
      `the expected-policy parameter ${PARAMETER} changed (Delete)`,
    ]);
    expect(announced().every((a) => a.severity === 'critical')).toBe(true);
  });

  it("takes a pointer's change for none of its business, and each policy call CloudTrail reports, and no other", () => {
    expect(() => change('/goldsmith/base/prod', 'Update')).toThrow('detail.name must begin /goldsmith/_policies/');
    const cloudTrail = (source: string, eventSource: string, eventName: string) => ({
      source,
      'detail-type': 'AWS API Call via CloudTrail',
      region: R,
      detail: { eventSource, eventName },
    });
    for (const [source, service, name] of [
      ['aws.sns', 'sns.amazonaws.com', 'SetTopicAttributes'],
      ['aws.sns', 'sns.amazonaws.com', 'AddPermission'],
      ['aws.sns', 'sns.amazonaws.com', 'RemovePermission'],
      ['aws.sqs', 'sqs.amazonaws.com', 'SetQueueAttributes'],
      ['aws.sqs', 'sqs.amazonaws.com', 'AddPermission'],
      ['aws.sqs', 'sqs.amazonaws.com', 'RemovePermission'],
      ['aws.events', 'events.amazonaws.com', 'PutPermission'],
      ['aws.events', 'events.amazonaws.com', 'RemovePermission'],
    ] as const) {
      expect(policyCallSchema.safeParse(cloudTrail(source, service, name)).success).toBe(true);
    }
    expect(policyCallSchema.safeParse(cloudTrail('aws.sns', 'sns.amazonaws.com', 'Publish')).success).toBe(false);
    expect(
      policyCallSchema.safeParse(cloudTrail('aws.events', 'events.amazonaws.com', 'SetQueueAttributes')).success,
    ).toBe(false);
  });
});
