import { GetResourcePoliciesCommand, PutResourcePolicyCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { type OutsideChangeEvent, outsideChangeEventSchema } from '../../events/outside-change.js';
import { readBackOutsideChange } from '../../functions/audit/readback.js';
import { VirtualClock } from '../../local/clock.js';
import { matchesPattern } from '../../local/eventbridge/match.js';
import type { CloudTrailEvent } from '../../local/fakes/cloudtrail-events.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { pointerPolicyPattern } from '../../stacks/promotion/outside-change-rules.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { configureAuditClients, driftAnnouncements, heldDevPointer, readPolicy } from './audit-fixtures.js';

/**
 * A resource policy put on a channel pointer outside Goldsmith reaches the audit as CloudTrail's event of the call
 * (PutResourcePolicy, on the default bus of the pointer's Region), which reads back that one pointer's policies and
 * deletes a foreign one within minutes, instead of at the next weekly sweep.
 */

const ACCOUNT = '123456789012';
const R = 'eu-west-1';
const NOW = new Date('2027-01-18T10:00:00Z');
const NOTIFY = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-test-notifications`;
const POINTER = `arn:aws:ssm:${R}:${ACCOUNT}:parameter/goldsmith/base/dev`;
const OTHER = `arn:aws:ssm:${R}:${ACCOUNT}:parameter/goldsmith/base/prod`;
const TARGET = '222233334444';
const STRANGER = '444455556666';
const plans = [
  {
    image: 'base',
    regions: [R],
    channels: [
      { name: 'dev', targets: { ous: [], accounts: [TARGET], accountTags: {}, exclude: { ous: [], accounts: [] } } },
    ],
  },
];
const policy = (account: string, resource = POINTER) => readPolicy(account, resource);

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
/** What the trail put on each Region's default bus. */
let trail: CloudTrailEvent[];
const policyReads = () => cloud.stats.apiCalls['ssm:GetResourcePolicies'] ?? 0;
const held = async (arn = POINTER) =>
  (await ssmClient(R).send(new GetResourcePoliciesCommand({ ResourceArn: arn }))).Policies ?? [];
const readBack = (event: CloudTrailEvent) =>
  readBackOutsideChange(outsideChangeEventSchema.parse(event) as OutsideChangeEvent, plans, NOW);

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = NOTIFY;
  trail = [];
  const clock = new VirtualClock(NOW.toISOString());
  cloud = installFakes({ clock, accountId: ACCOUNT, topics: [NOTIFY] });
  cloud.fakes.ssm.recordPolicyCallsWith({
    account: ACCOUNT,
    now: () => clock.now(),
    caller: () => `arn:aws:sts::${ACCOUNT}:assumed-role/attacker/mallory`,
    put: (event) => trail.push(event),
  });
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  configureAuditClients(cloud, dynamo.endpoint);
  await heldDevPointer(R, ACCOUNT, [TARGET], NOW, ['/goldsmith/base/dev', '/goldsmith/base/prod']);
});

afterEach(() => configureClients({}));

describe("a channel pointer's resource policy changed: CloudTrail's event asks for that pointer's policies", () => {
  it('is put on the default bus of the pointer’s Region, in the shape the stacks’ rule and the audit take', async () => {
    await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: POINTER, Policy: policy(STRANGER) }));
    expect(trail).toHaveLength(1);
    const [event] = trail;
    expect(event).toMatchObject({
      source: 'aws.ssm',
      'detail-type': 'AWS API Call via CloudTrail',
      account: ACCOUNT,
      region: R,
      detail: {
        eventSource: 'ssm.amazonaws.com',
        eventName: 'PutResourcePolicy',
        awsRegion: R,
        requestParameters: { resourceArn: POINTER },
        userIdentity: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/attacker/mallory` },
      },
    });
    expect(matchesPattern(pointerPolicyPattern(ACCOUNT), event)).toBe(true);
    expect(outsideChangeEventSchema.safeParse(event).success).toBe(true);
    // A read is no event; a refused call is recorded with its error.
    await held();
    await expect(
      ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: POINTER, Policy: 'not json' })),
    ).rejects.toThrow();
    expect(trail.map((e) => [e.detail.eventName, e.detail.errorCode])).toEqual([
      ['PutResourcePolicy', undefined],
      ['PutResourcePolicy', 'MalformedResourcePolicyDocumentException'],
    ]);
    // The refused call changed nothing: the stacks' rule lets it by.
    expect(matchesPattern(pointerPolicyPattern(ACCOUNT), trail[1])).toBe(false);
  });

  it('deletes a foreign policy once, with one read, and a duplicate of the event changes nothing more', async () => {
    await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: POINTER, Policy: policy(STRANGER) }));
    const [event] = trail;
    if (!event) throw new Error('no event');
    const before = policyReads();
    const part = await readBack(event);
    expect(part.findings).toEqual([
      expect.objectContaining({
        resource: 'pointer-policy',
        region: R,
        repaired: true,
        found: expect.stringContaining(STRANGER),
      }),
    ]);
    // One read, one read-back after the delete.
    expect(policyReads() - before).toBe(2);
    expect(await held()).toEqual([]);
    expect(driftAnnouncements(cloud, NOTIFY).map((a) => a.severity)).toEqual(['critical']);
    // The DeleteResourcePolicy Goldsmith made is recorded too: its event, like the duplicate, finds nothing.
    expect(trail.map((e) => e.detail.eventName)).toEqual(['PutResourcePolicy', 'DeleteResourcePolicy']);
    for (const again of [event, trail[1] as CloudTrailEvent]) {
      const next = await readBack(again);
      expect(next.findings).toEqual([]);
    }
    expect(driftAnnouncements(cloud, NOTIFY)).toHaveLength(1);
  });

  it('reads nothing for a parameter no held share holds, and rejects an event naming no parameter, saying which field', async () => {
    await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: OTHER, Policy: policy(STRANGER, OTHER) }));
    const [event] = trail;
    if (!event) throw new Error('no event');
    const before = policyReads();
    expect((await readBack(event)).checked).toBe(0);
    expect(policyReads()).toBe(before);

    const malformed = { ...event, detail: { ...event.detail, requestParameters: { name: 'x' } } };
    const parsed = outsideChangeEventSchema.safeParse(malformed);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('resourceArn');
    const notAParameter = {
      ...event,
      detail: { ...event.detail, requestParameters: { resourceArn: `arn:aws:ssm:${R}:${ACCOUNT}:document/x` } },
    };
    expect(JSON.stringify(outsideChangeEventSchema.safeParse(notAParameter).error?.issues)).toContain(
      'must be a parameter ARN',
    );
  });
});
