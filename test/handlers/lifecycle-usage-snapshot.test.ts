import {
  CreateImageUsageReportCommand,
  DescribeImageUsageReportEntriesCommand,
  DescribeImageUsageReportsCommand,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { UsageItem } from '../../aws/fleet/usage-ledger.js';
import { readPendingReports, refreshUsage } from '../../functions/lifecycle/usage.js';
import { useLifecycleWorld } from './lifecycle-fixtures.js';

/** A `USAGE#` item waiting on a report. */
const waiting = (image: string, version: string, region: string, reportId: string) => ({
  sk: `USAGE#${version}#${region}`,
  image,
  version,
  region,
  imageId: `ami-0${reportId.slice(-16)}`,
  reportId,
  requestedAt: '2027-02-28T10:00:00.000Z',
});

const REPORTS = {
  baseEast: 'amiur-0000000000000000a',
  baseWest: 'amiur-0000000000000000b',
  hardenedEast: 'amiur-0000000000000000c',
  hardenedWest: 'amiur-0000000000000000d',
};

const { ddb, ec2 } = useLifecycleWorld(() => {
  // The open-work index lists every image's pending reports (as projected: Region and id).
  ddb.on(QueryCommand, { IndexName: 'open-work', ExpressionAttributeValues: { ':kind': 'usage-report' } }).resolves({
    Items: [
      waiting('base', '1.0.0/1', 'us-east-1', REPORTS.baseEast),
      waiting('base', '1.0.0/1', 'eu-west-1', REPORTS.baseWest),
      waiting('hardened', '1.0.0/1', 'us-east-1', REPORTS.hardenedEast),
      waiting('hardened', '1.0.0/1', 'eu-west-1', REPORTS.hardenedWest),
    ].map(({ region, reportId }) => ({ region, reportId })),
  });
});

const idsAsked = (calls: { args: [{ input: { ReportIds?: string[] } }] }[]) =>
  calls.map((c) => [...(c.args[0].input.ReportIds ?? [])].sort());

describe('the sweep reads every image’s usage reports together', () => {
  it('asks EC2 once per Region for the reports of every image, not once per image and Region', async () => {
    ec2.on(DescribeImageUsageReportsCommand).callsFake((input: { ReportIds: string[] }) => ({
      ImageUsageReports: input.ReportIds.map((ReportId) => ({ ReportId, State: 'available' })),
    }));
    ec2.on(DescribeImageUsageReportEntriesCommand).callsFake((input: { ReportIds: string[] }) => ({
      ImageUsageReportEntries: input.ReportIds.map((ReportId) => ({
        ReportId,
        AccountId: '200000000001',
        ResourceType: 'ec2:Instance',
        UsageCount: 2,
      })),
    }));

    const reads = await readPendingReports();

    expect(idsAsked(ec2.commandCalls(DescribeImageUsageReportsCommand))).toEqual([
      [REPORTS.baseWest, REPORTS.hardenedWest],
      [REPORTS.baseEast, REPORTS.hardenedEast],
    ]);
    expect(ec2.commandCalls(DescribeImageUsageReportEntriesCommand)).toHaveLength(2);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    for (const id of Object.values(REPORTS)) {
      expect(reads.get(id)).toEqual({
        state: 'available',
        entries: [{ ReportId: id, AccountId: '200000000001', ResourceType: 'ec2:Instance', UsageCount: 2 }],
      });
    }
  });

  it('leaves a failing Region’s reports pending for the next pass and still reads the other Regions', async () => {
    ec2.on(DescribeImageUsageReportsCommand).callsFake((input: { ReportIds: string[] }) => {
      if (input.ReportIds.includes(REPORTS.baseWest)) {
        throw new EC2ServiceException({ name: 'Unavailable', $fault: 'server', $metadata: {}, message: 'down' });
      }
      return { ImageUsageReports: input.ReportIds.map((ReportId) => ({ ReportId, State: 'available' })) };
    });
    ec2.on(DescribeImageUsageReportEntriesCommand).resolves({ ImageUsageReportEntries: [] });

    const reads = await readPendingReports();

    // Pending, not gone: the item keeps its report (a `gone` read would clear it and ask again).
    expect(reads.get(REPORTS.baseWest)).toEqual({ state: 'pending' });
    expect(reads.get(REPORTS.hardenedWest)).toEqual({ state: 'pending' });
    expect(reads.get(REPORTS.baseEast)).toEqual({ state: 'available', entries: [] });
    expect(reads.get(REPORTS.hardenedEast)).toEqual({ state: 'available', entries: [] });
  });

  it('fails one image’s own read (no sweep read before it), so the sweep counts that image as failed', async () => {
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'USAGE#' } }).resolves({
      Items: [waiting('base', '1.0.0/1', 'us-east-1', REPORTS.baseEast)],
    });
    ec2
      .on(DescribeImageUsageReportsCommand)
      .rejects(new EC2ServiceException({ name: 'Unavailable', $fault: 'server', $metadata: {}, message: 'down' }));
    await expect(refreshUsage('base', [], async () => [], new Date())).rejects.toThrow('down');
  });
});

describe('how often the sweep asks about a version', () => {
  const NOW = new Date('2027-03-20T10:00:00.000Z');
  /** 1.0.0/1, promoted a month ago, last asked about three days ago in us-east-1: nobody ran it. */
  const builds = [{ version: '1.0.0/1', promotions: [{ channel: 'dev', at: '2027-02-18T00:00:00.000Z' }] }];
  const observed = (instances: number): UsageItem => ({
    sk: 'USAGE#1.0.0/1#us-east-1',
    image: 'app',
    version: '1.0.0/1',
    region: 'us-east-1',
    imageId: 'ami-00000000000000001',
    observedAt: '2027-03-17T10:00:00.000Z',
    lastRequestedAt: '2027-03-17T09:00:00.000Z',
    accounts: instances > 0 ? { '200000000001': { instances, launchTemplates: 0 } } : {},
    instances,
    launchTemplates: 0,
  });
  const amis = async () => [{ region: 'us-east-1', imageId: 'ami-00000000000000001' }];
  const snapshotOf = (instances: number) => ({ items: [observed(instances)], reports: new Map() });

  it('waits a week for a version nobody runs that no channel names', async () => {
    const cadence = { pointed: new Set<string>(), deleteAfterSeconds: 30 * 86_400 };
    await refreshUsage('app', builds, amis, NOW, snapshotOf(0), cadence);
    expect(ec2).not.toHaveReceivedCommand(CreateImageUsageReportCommand);
  });

  it('asks daily only in the Regions where someone runs the version, weekly in the others', async () => {
    const cadence = { pointed: new Set<string>(), deleteAfterSeconds: 30 * 86_400 };
    const west = {
      ...observed(0),
      sk: 'USAGE#1.0.0/1#eu-west-1',
      region: 'eu-west-1',
      imageId: 'ami-00000000000000002',
    };
    const both = async () => [
      { region: 'us-east-1', imageId: 'ami-00000000000000001' },
      { region: 'eu-west-1', imageId: 'ami-00000000000000002' },
    ];
    await refreshUsage('app', builds, both, NOW, { items: [observed(3), west], reports: new Map() }, cadence);
    expect(ec2).toHaveReceivedCommandTimes(CreateImageUsageReportCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(CreateImageUsageReportCommand, { ImageId: 'ami-00000000000000001' });
  });

  it('asks daily about a version someone runs, and without a cadence (the default)', async () => {
    const cadence = { pointed: new Set<string>(), deleteAfterSeconds: 30 * 86_400 };
    await refreshUsage('app', builds, amis, NOW, snapshotOf(3), cadence);
    await refreshUsage('app', builds, amis, NOW, snapshotOf(0));
    expect(ec2).toHaveReceivedCommandTimes(CreateImageUsageReportCommand, 2);
  });
});

describe('a report whose id the ledger lost', () => {
  const NOW = new Date('2027-03-20T00:05:00.000Z');
  const builds = [{ version: '1.0.0/1', promotions: [{ channel: 'dev', at: '2027-02-18T00:00:00.000Z' }] }];
  const amis = async () => [{ region: 'us-east-1', imageId: 'ami-00000000000000001' }];
  const nothingHeld = { items: [], reports: new Map() };
  const oneInProgress = new EC2ServiceException({
    name: 'ResourceLimitExceeded',
    $fault: 'client',
    $metadata: {},
    message: 'You have reached the limit of 1 in-progress AMI usage report for image ami-00000000000000001.',
  });
  const pending = (ReportId: string, depth = '1') => ({
    ReportId,
    ImageId: 'ami-00000000000000001',
    State: 'pending',
    ResourceTypes: [
      { ResourceType: 'ec2:Instance' },
      {
        ResourceType: 'ec2:LaunchTemplate',
        ResourceTypeOptions: [{ OptionName: 'version-depth', OptionValues: [depth] }],
      },
    ],
  });

  it('adopts its own report still in progress, asked for under yesterday’s token, instead of failing the pass', async () => {
    ec2.on(CreateImageUsageReportCommand).rejects(oneInProgress);
    ec2.on(DescribeImageUsageReportsCommand).resolves({ ImageUsageReports: [pending('amiur-0000000000000lost')] });

    const items = await refreshUsage('app', builds, amis, NOW, nothingHeld);

    expect(ec2).toHaveReceivedCommandWith(DescribeImageUsageReportsCommand, {
      ImageIds: ['ami-00000000000000001'],
      Filters: [{ Name: 'state', Values: ['pending'] }],
    });
    expect(items.map((i) => i.reportId)).toEqual(['amiur-0000000000000lost']);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':reportId': 'amiur-0000000000000lost' }),
    });
  });

  it('leaves the AMI to the next pass when someone else’s report, counting otherwise, is in progress', async () => {
    ec2.on(CreateImageUsageReportCommand).rejects(oneInProgress);
    ec2
      .on(DescribeImageUsageReportsCommand)
      .resolves({ ImageUsageReports: [pending('amiur-0000000000console', '20')] });

    const items = await refreshUsage('app', builds, amis, NOW, nothingHeld);

    expect(items).toEqual([]);
    expect(ec2).toHaveReceivedCommandTimes(CreateImageUsageReportCommand, 1);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });
});

describe('a report read when no next one is due', () => {
  /** Base 1.0.0/1 in us-east-1: asked about yesterday (a use of 2 instances), and again this morning. */
  const MORNING = '2027-03-20T03:00:00.000Z';
  const builds = [{ version: '1.0.0/1', promotions: [{ channel: 'dev', at: '2027-02-18T00:00:00.000Z' }] }];
  const amis = async () => [{ region: 'us-east-1', imageId: 'ami-00000000000000001' }];
  const heldUse = { '200000000001': { instances: 2, launchTemplates: 0 } };
  const item = (): UsageItem => ({
    sk: 'USAGE#1.0.0/1#us-east-1',
    image: 'base',
    version: '1.0.0/1',
    region: 'us-east-1',
    imageId: 'ami-00000000000000001',
    observedAt: '2027-03-20T03:00:00.000Z',
    lastRequestedAt: '2027-03-19T03:00:00.000Z',
    accounts: heldUse,
    instances: 2,
    launchTemplates: 0,
    reportId: 'amiur-0000000000morning',
    requestedAt: MORNING,
  });
  const reading = (instances: number) => ({
    items: [item()],
    reports: new Map([
      [
        'amiur-0000000000morning',
        {
          state: 'available' as const,
          entries: [{ AccountId: '200000000001', ResourceType: 'ec2:Instance', UsageCount: instances }],
        },
      ],
    ]),
  });

  it('writes nothing on a second pass the same day when the report says what the item holds', async () => {
    await refreshUsage('base', builds, amis, new Date('2027-03-20T15:00:00.000Z'), reading(2));

    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(ec2).not.toHaveReceivedCommand(CreateImageUsageReportCommand);
  });

  it('records that reading the next day with the next report, in one write', async () => {
    ec2.on(CreateImageUsageReportCommand).resolves({ ReportId: 'amiur-00000000nextday' });

    await refreshUsage('base', builds, amis, new Date('2027-03-21T03:00:00.000Z'), reading(2));

    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({
        ':reportId': 'amiur-0000000000morning',
        ':next': 'amiur-00000000nextday',
        ':instances': 2,
      }),
    });
  });

  it('records a changed reading the same day', async () => {
    const items = await refreshUsage('base', builds, amis, new Date('2027-03-20T15:00:00.000Z'), reading(5));

    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: expect.stringContaining('REMOVE reportId'),
      ExpressionAttributeValues: expect.objectContaining({ ':reportId': 'amiur-0000000000morning', ':instances': 5 }),
    });
    expect(items[0]).toMatchObject({ instances: 5, reportId: undefined });
  });

  it('records the same reading of a revoked version at once: no later pass asks about it', async () => {
    const revoked = builds.map((b) => ({ ...b, revokedAt: '2027-03-19T00:00:00.000Z' }));

    await refreshUsage('base', revoked, amis, new Date('2027-03-20T15:00:00.000Z'), reading(2));

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'USAGE#1.0.0/1#us-east-1' },
      UpdateExpression: expect.stringContaining('REMOVE reportId'),
    });
  });
});
