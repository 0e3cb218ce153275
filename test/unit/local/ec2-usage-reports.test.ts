import {
  CreateImageUsageReportCommand,
  DeleteImageUsageReportCommand,
  DescribeImageAttributeCommand,
  DescribeImageUsageReportEntriesCommand,
  DescribeImageUsageReportsCommand,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { ec2Client } from '../../../aws/clients/ec2.js';
import { FleetState } from '../../../local/fakes/ec2-fleet.js';
import { PENDING_REPORTS_PER_ACCOUNT } from '../../../local/fakes/ec2-usage.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const A = '210000000001';
const B = '210000000002';
const INSTANCES = [{ ResourceType: 'ec2:Instance' }, { ResourceType: 'ec2:LaunchTemplate' }];

function cloudWithFleet() {
  const cloud = localCloud();
  const fleet = new FleetState();
  cloud.fakes.ec2.usage.fleet = fleet;
  const ami = cloud.fakes.ec2.registerImage(R, { name: 'base 1' });
  return { ...cloud, fleet, ami };
}

async function share(imageId: string, accounts: string[]) {
  await ec2Client(R).send(
    new ModifyImageAttributeCommand({
      ImageId: imageId,
      LaunchPermission: { Add: accounts.map((UserId) => ({ UserId })) },
    }),
  );
}

describe('EC2 image usage reports on the local cloud', () => {
  afterEach(resetClients);

  it('is pending at first and lists each sharing account per resource type once available', async () => {
    const { clock, fleet, ami } = cloudWithFleet();
    await share(ami.imageId, [A, B]);
    const template = fleet.createTemplate(A, R, ami.imageId);
    for (let i = 0; i < 3; i++) fleet.launch(A, R, ami.imageId, clock.now(), template.launchTemplateId);
    fleet.launch(B, R, ami.imageId, clock.now());
    const ec2 = ec2Client(R);
    const { ReportId } = await ec2.send(
      new CreateImageUsageReportCommand({ ImageId: ami.imageId, ResourceTypes: INSTANCES }),
    );
    const first = await ec2.send(new DescribeImageUsageReportsCommand({ ReportIds: [ReportId!] }));
    expect(first.ImageUsageReports?.[0]?.State).toBe('pending');
    expect(
      (await ec2.send(new DescribeImageUsageReportEntriesCommand({ ReportIds: [ReportId!] }))).ImageUsageReportEntries,
    ).toEqual([]);

    await clock.run(clock.now() + 20 * 60_000);
    const done = await ec2.send(new DescribeImageUsageReportsCommand({ ReportIds: [ReportId!] }));
    expect(done.ImageUsageReports?.[0]).toMatchObject({ State: 'available', ImageId: ami.imageId });
    expect(done.ImageUsageReports?.[0]?.ExpirationTime?.getTime()).toBe(
      done.ImageUsageReports![0]!.CreationTime!.getTime() + 30 * 86_400_000,
    );
    const entries = await ec2.send(new DescribeImageUsageReportEntriesCommand({ ReportIds: [ReportId!] }));
    expect(entries.ImageUsageReportEntries?.map((e) => `${e.AccountId} ${e.ResourceType} ${e.UsageCount}`)).toEqual([
      `${A} ec2:Instance 3`,
      `${A} ec2:LaunchTemplate 1`,
      `${B} ec2:Instance 1`,
    ]);
  });

  it('reports only the accounts the image is still shared with', async () => {
    const { clock, fleet, ami } = cloudWithFleet();
    await share(ami.imageId, [A]);
    fleet.launch(A, R, ami.imageId, clock.now());
    fleet.launch(B, R, ami.imageId, clock.now());
    const ec2 = ec2Client(R);
    const { ReportId } = await ec2.send(
      new CreateImageUsageReportCommand({ ImageId: ami.imageId, ResourceTypes: [{ ResourceType: 'ec2:Instance' }] }),
    );
    await clock.run(clock.now() + 20 * 60_000);
    const entries = await ec2.send(new DescribeImageUsageReportEntriesCommand({ ReportIds: [ReportId!] }));
    expect(entries.ImageUsageReportEntries?.map((e) => e.AccountId)).toEqual([A]);
  });

  it("lists a Region's own reports in the order they were made, by id or image, and none once deleted", async () => {
    const { fakes, ami } = cloudWithFleet();
    const second = fakes.ec2.registerImage(R, { name: 'base 2' });
    const elsewhere = fakes.ec2.registerImage('eu-west-1', { name: 'base 1' });
    const ask = async (region: string, imageId: string) =>
      (await ec2Client(region).send(new CreateImageUsageReportCommand({ ImageId: imageId, ResourceTypes: INSTANCES })))
        .ReportId as string;
    const first = await ask(R, ami.imageId);
    const other = await ask('eu-west-1', elsewhere.imageId);
    const last = await ask(R, second.imageId);
    const ids = async (input: { ReportIds?: string[]; ImageIds?: string[] }) =>
      ((await ec2Client(R).send(new DescribeImageUsageReportsCommand(input))).ImageUsageReports ?? []).map(
        (r) => r.ReportId,
      );
    expect(await ids({})).toEqual([first, last]);
    expect(await ids({ ReportIds: [last, first] })).toEqual([first, last]);
    expect(await ids({ ImageIds: [second.imageId] })).toEqual([last]);
    await expect(ids({ ReportIds: [other] })).rejects.toThrow(/does not exist/);
    await ec2Client(R).send(new DeleteImageUsageReportCommand({ ReportId: first }));
    expect(await ids({})).toEqual([last]);
    await expect(ids({ ReportIds: [first] })).rejects.toThrow(/does not exist/);
  });

  it('refuses more than 200 accounts, an unknown resource type and a bad version depth, and keeps a client token', async () => {
    const { ami } = cloudWithFleet();
    const ec2 = ec2Client(R);
    const accounts = Array.from({ length: 201 }, (_, i) => String(210000000000 + i));
    await expect(
      ec2.send(
        new CreateImageUsageReportCommand({ ImageId: ami.imageId, ResourceTypes: INSTANCES, AccountIds: accounts }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      ec2.send(
        new CreateImageUsageReportCommand({ ImageId: ami.imageId, ResourceTypes: [{ ResourceType: 'ec2:Volume' }] }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      ec2.send(
        new CreateImageUsageReportCommand({
          ImageId: ami.imageId,
          ResourceTypes: [
            {
              ResourceType: 'ec2:LaunchTemplate',
              ResourceTypeOptions: [{ OptionName: 'version-depth', OptionValues: ['0'] }],
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const once = await ec2.send(
      new CreateImageUsageReportCommand({ ImageId: ami.imageId, ResourceTypes: INSTANCES, ClientToken: 't1' }),
    );
    const twice = await ec2.send(
      new CreateImageUsageReportCommand({ ImageId: ami.imageId, ResourceTypes: INSTANCES, ClientToken: 't1' }),
    );
    expect(twice.ReportId).toBe(once.ReportId);
    await expect(
      ec2.send(new CreateImageUsageReportCommand({ ImageId: 'ami-0123456789abcdef0', ResourceTypes: INSTANCES })),
    ).rejects.toMatchObject({ name: 'InvalidAMIID.NotFound' });
  });

  it('refuses a second in-progress report on one AMI, and more than 2,000 in progress in a Region, with ResourceLimitExceeded', async () => {
    const { clock, fakes, ami } = cloudWithFleet();
    const ec2 = ec2Client(R);
    const create = (ImageId: string, ClientToken?: string) =>
      ec2.send(new CreateImageUsageReportCommand({ ImageId, ResourceTypes: INSTANCES, ClientToken }));
    const first = await create(ami.imageId, 'first');
    await expect(create(ami.imageId, 'second')).rejects.toMatchObject({ name: 'ResourceLimitExceeded' });
    // The same client token is the same request: it gets its report back, quota or not.
    expect((await create(ami.imageId, 'first')).ReportId).toBe(first.ReportId);
    // The rest of the Region's quota filled at the fake's edge (2,000 SDK round trips would take the test's time).
    for (let i = 1; i < PENDING_REPORTS_PER_ACCOUNT; i++) {
      const { imageId } = fakes.ec2.registerImage(R, { name: `base ${i + 1}` });
      const input = { ImageId: imageId, ResourceTypes: INSTANCES };
      fakes.ec2.handle({
        service: 'ec2',
        action: 'CreateImageUsageReport',
        input,
        body: input,
        region: R,
        accountId: ACCOUNT,
      });
    }
    const extra = fakes.ec2.registerImage(R, { name: 'one too many' });
    await expect(create(extra.imageId)).rejects.toMatchObject({
      name: 'ResourceLimitExceeded',
      message: expect.stringMatching(/2000 in-progress/),
    });
    // Once they complete, the AMI and the Region take reports again.
    await clock.run(clock.now() + 20 * 60_000);
    expect((await create(ami.imageId, 'later')).ReportId).not.toBe(first.ReportId);
    expect((await create(extra.imageId)).ReportId).toBeDefined();
  });

  it('ends in error when the image is deregistered before the report completes, and forgets reports after 30 days', async () => {
    const { clock, fakes, ami } = cloudWithFleet();
    const ec2 = ec2Client(R);
    const other = fakes.ec2.registerImage(R, { name: 'base 2' });
    const { ReportId: gone } = await ec2.send(
      new CreateImageUsageReportCommand({ ImageId: ami.imageId, ResourceTypes: INSTANCES }),
    );
    const { ReportId: kept } = await ec2.send(
      new CreateImageUsageReportCommand({ ImageId: other.imageId, ResourceTypes: INSTANCES }),
    );
    fakes.ec2.images.delete(ami.imageId);
    await clock.run(clock.now() + 20 * 60_000);
    const states = await ec2.send(
      new DescribeImageUsageReportsCommand({ Filters: [{ Name: 'state', Values: ['error'] }] }),
    );
    expect(states.ImageUsageReports?.map((r) => r.ReportId)).toEqual([gone]);
    await clock.run(clock.now() + 31 * 86_400_000);
    await expect(ec2.send(new DescribeImageUsageReportsCommand({ ReportIds: [kept!] }))).rejects.toMatchObject({
      name: 'InvalidImageUsageReportId.NotFound',
    });
  });

  it('forgets each report 30 days after its own creation, a younger one staying', async () => {
    const { clock, ami } = cloudWithFleet();
    const ec2 = ec2Client(R);
    const create = async () =>
      (await ec2.send(new CreateImageUsageReportCommand({ ImageId: ami.imageId, ResourceTypes: INSTANCES }))).ReportId!;
    const older = await create();
    await clock.run(clock.now() + 20 * 86_400_000);
    const younger = await create();
    await clock.run(clock.now() + 10 * 86_400_000 + 60_000);
    const listed = await ec2.send(new DescribeImageUsageReportsCommand({}));
    expect(listed.ImageUsageReports?.map((r) => r.ReportId)).toEqual([younger]);
    await clock.run(clock.now() + 20 * 86_400_000);
    expect((await ec2.send(new DescribeImageUsageReportsCommand({}))).ImageUsageReports).toEqual([]);
    expect(older).not.toBe(younger);
  });

  it("reports an AMI's last launch a day late", async () => {
    const { clock, fleet, ami } = cloudWithFleet();
    fleet.launch(A, R, ami.imageId, clock.now());
    const ec2 = ec2Client(R);
    const read = async () =>
      (await ec2.send(new DescribeImageAttributeCommand({ ImageId: ami.imageId, Attribute: 'lastLaunchedTime' })))
        .LastLaunchedTime?.Value;
    expect(await read()).toBeUndefined();
    await clock.run(clock.now() + 25 * 3_600_000);
    expect(await read()).toBe('2027-01-01T00:00:00.000Z');
    expect(ACCOUNT).toBe(ami.ownerId);
  });
});
