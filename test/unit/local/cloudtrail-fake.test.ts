import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { DescribeImagesCommand, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { lookUpCalls } from '../../../aws/audit/event-history.js';
import { cloudtrailClient } from '../../../aws/clients/cloudtrail.js';
import { ec2Client } from '../../../aws/clients/ec2.js';
import { recordedMembers } from '../../../local/fakes/cloudtrail-events.js';
import { formatViolation, modelCheckFigures, resetModelChecks } from '../../../local/models/request-check.js';
import { exportState } from '../../../local/snapshot/plain-state.js';
import { runAs } from '../../../local/trust/caller.js';
import { mockClient, restoreClientMocks } from '../../helpers/mock-client.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/Administrator`;
const MINUTE = 60_000;

/** A cloud with one AMI, and an administrator's ModifyImageAttribute on it at the start. */
async function modifiedByAdmin(opts: { maxAttempts?: number } = {}) {
  const cloud = localCloud(opts);
  const ami = cloud.fakes.ec2.registerImage(R, { name: 'base 1' });
  await runAs(ADMIN, () =>
    ec2Client(R).send(
      new ModifyImageAttributeCommand({
        ImageId: ami.imageId,
        LaunchPermission: { Add: [{ UserId: '999999999999' }] },
      }),
    ),
  );
  return { ...cloud, ami };
}

const lookup = (input: LookupEventsCommandInput) => cloudtrailClient(R).send(new LookupEventsCommand(input));

describe("the local cloud's CloudTrail event history", () => {
  afterEach(() => {
    restoreClientMocks();
    resetClients();
  });

  it("leaves a binary member (a function's zip) out of a call's record, so the history saves with the cloud", () => {
    const members = recordedMembers({ FunctionName: 'publish', ZipFile: new Uint8Array([80, 75, 3, 4]) });
    expect(members).toEqual({ functionName: 'publish' });
    expect(() => exportState(members)).not.toThrow();
  });

  it('records a write with who made it, and lets it be looked up only once the modelled delay has passed', async () => {
    const { clock, ami } = await modifiedByAdmin();
    await ec2Client(R).send(new DescribeImagesCommand({ ImageIds: [ami.imageId] }));
    const byName = {
      LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: 'ModifyImageAttribute' }],
    };
    expect((await lookup(byName)).Events).toEqual([]);
    await clock.run(clock.now() + 15 * MINUTE);
    const events = (await lookup({})).Events ?? [];
    // The read (DescribeImages) is not recorded; the write is, once.
    expect(events.map((e) => e.EventName)).toEqual(['ModifyImageAttribute']);
    expect(events[0]).toMatchObject({ EventSource: 'ec2.amazonaws.com', ReadOnly: 'false', Username: 'Administrator' });
    const record = JSON.parse(events[0]?.CloudTrailEvent ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({
      eventName: 'ModifyImageAttribute',
      eventSource: 'ec2.amazonaws.com',
      awsRegion: R,
      readOnly: false,
      eventTime: '2027-01-01T00:00:00Z',
      requestParameters: { imageId: ami.imageId },
      userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { arn: ADMIN } } },
    });
    expect(record.eventID).toBe(events[0]?.EventId);
  });

  it("rejects two lookup attributes and MaxResults 51 with CloudTrail's errors", async () => {
    const { clock } = localCloud({ maxAttempts: 1 });
    await expect(
      lookup({
        LookupAttributes: [
          { AttributeKey: 'EventName', AttributeValue: 'ModifyImageAttribute' },
          { AttributeKey: 'EventSource', AttributeValue: 'ec2.amazonaws.com' },
        ],
      }),
    ).rejects.toMatchObject({ name: 'InvalidLookupAttributesException' });
    await expect(lookup({ MaxResults: 51 })).rejects.toMatchObject({ name: 'InvalidMaxResultsException' });
    // The request check (local/models/botocore/cloudtrail.json) says the same of the request: taken here, as expected.
    expect(modelCheckFigures().violations.map(formatViolation)).toEqual([
      'CloudTrail LookupEvents request: MaxResults: range: 51 is above the maximum 50',
    ]);
    resetModelChecks();
    // Two lookups a second: the next waits for the bucket.
    await clock.run(clock.now() + 1000);
    await expect(
      lookup({ StartTime: new Date('2027-01-02T00:00:00Z'), EndTime: new Date('2027-01-01T00:00:00Z') }),
    ).rejects.toMatchObject({ name: 'InvalidTimeRangeException' });
  });

  it('answers newest first, 50 a page, every page through the edge', async () => {
    const { clock, fakes, ami } = await modifiedByAdmin();
    for (let i = 0; i < 60; i++) {
      await clock.run(clock.now() + 1000);
      await ec2Client(R).send(
        new ModifyImageAttributeCommand({
          ImageId: ami.imageId,
          LaunchPermission: { Add: [{ UserId: String(210000000000 + i) }] },
        }),
      );
    }
    await clock.run(clock.now() + 15 * MINUTE);
    const first = await lookup({});
    expect(first.Events).toHaveLength(50);
    expect(first.NextToken).toBeDefined();
    const times = (first.Events ?? []).map((e) => e.EventTime?.getTime() ?? 0);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const end = new Date(clock.now());
    const lookedUp = clock.track(() =>
      lookUpCalls(
        { region: R, key: 'EventName', value: 'ModifyImageAttribute' },
        new Date('2027-01-01T00:00:00Z'),
        end,
      ),
    );
    await clock.run(clock.now() + 60_000);
    const found = await lookedUp;
    expect(found.pages).toBe(2);
    expect(found.calls).toHaveLength(61);
    expect(new Set(found.calls.map((c) => c.eventID)).size).toBe(61);
    expect(fakes.cloudtrail.recorded(ACCOUNT, R)).toHaveLength(61);
  });

  it('throttles past two lookups a second per Region, and the SDK retries wait it out', async () => {
    const { clock, stats } = await modifiedByAdmin();
    await clock.run(clock.now() + 15 * MINUTE);
    const start = new Date('2027-01-01T00:00:00Z');
    const end = new Date(clock.now());
    const lookups = Array.from({ length: 6 }, () =>
      clock.track(() => lookUpCalls({ region: R, key: 'EventSource', value: 'ec2.amazonaws.com' }, start, end)),
    );
    await clock.run(clock.now() + 120_000);
    const found = await Promise.all(lookups);
    expect(found.map((f) => f.calls.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.faults.failedCalls).toBe(0);
  });

  it('skips a record that does not parse, with the reason, and keeps the others', async () => {
    localCloud();
    const good = {
      eventID: 'e-1',
      eventTime: '2027-01-01T00:00:00Z',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'ModifyImageAttribute',
      awsRegion: R,
      requestParameters: { imageId: 'ami-1' },
    };
    mockClient(CloudTrailClient)
      .on(LookupEventsCommand)
      .resolves({
        Events: [
          { EventId: 'e-1', CloudTrailEvent: JSON.stringify(good) },
          { EventId: 'e-2', CloudTrailEvent: '{not json' },
          { EventId: 'e-3', CloudTrailEvent: JSON.stringify({ ...good, eventID: 'e-3', eventName: undefined }) },
        ],
      });
    const found = await lookUpCalls(
      { region: R, key: 'EventName', value: 'ModifyImageAttribute' },
      new Date(0),
      new Date(),
    );
    expect(found.calls.map((c) => c.eventID)).toEqual(['e-1']);
    expect(found.skipped).toEqual([
      `event e-2 in ${R}: its CloudTrailEvent is not JSON`,
      expect.stringMatching(/^event e-3 in us-east-1: eventName: /),
    ]);
  });

  it('answers the ReadOnly key: every write it recorded for false, none for true (it records no reads)', async () => {
    const { clock, ami } = await modifiedByAdmin();
    await ec2Client(R).send(new DescribeImagesCommand({ ImageIds: [ami.imageId] }));
    await runAs(ADMIN, () =>
      ec2Client(R).send(new ModifyImageAttributeCommand({ ImageId: ami.imageId, Description: { Value: 'base' } })),
    );
    await clock.run(clock.now() + 15 * MINUTE);
    const start = new Date('2027-01-01T00:00:00Z');
    const end = new Date(clock.now());
    const writes = clock.track(() => lookUpCalls({ region: R, key: 'ReadOnly', value: 'false' }, start, end));
    const reads = clock.track(() => lookUpCalls({ region: R, key: 'ReadOnly', value: 'true' }, start, end));
    await clock.run(clock.now() + 60_000);
    expect((await writes).calls.map((c) => c.eventName)).toEqual(['ModifyImageAttribute', 'ModifyImageAttribute']);
    expect((await reads).calls).toEqual([]);
  });
});
