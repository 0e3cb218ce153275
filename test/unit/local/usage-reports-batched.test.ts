import { CreateImageUsageReportCommand, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { ec2Client } from '../../../aws/clients/ec2.js';
import { readUsageReports } from '../../../aws/fleet/image-usage.js';
import { FleetState } from '../../../local/fakes/ec2-fleet.js';
import { localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const A = '210000000001';
const B = '210000000002';

describe('reading the usage reports of one Region together', () => {
  afterEach(resetClients);

  it('gives each report its own entries, pending ones as pending, and one it does not know as gone', async () => {
    const cloud = localCloud();
    const fleet = new FleetState();
    cloud.fakes.ec2.usage.fleet = fleet;
    const ec2 = ec2Client(R);
    const amis = [
      cloud.fakes.ec2.registerImage(R, { name: 'base 1' }),
      cloud.fakes.ec2.registerImage(R, { name: 'base 2' }),
    ];
    for (const ami of amis) {
      await ec2.send(
        new ModifyImageAttributeCommand({
          ImageId: ami.imageId,
          LaunchPermission: { Add: [{ UserId: A }, { UserId: B }] },
        }),
      );
    }
    fleet.launch(A, R, amis[0]!.imageId, cloud.clock.now());
    fleet.launch(B, R, amis[1]!.imageId, cloud.clock.now());
    fleet.launch(B, R, amis[1]!.imageId, cloud.clock.now());
    const ids: string[] = [];
    for (const ami of amis) {
      const out = await ec2.send(
        new CreateImageUsageReportCommand({ ImageId: ami.imageId, ResourceTypes: [{ ResourceType: 'ec2:Instance' }] }),
      );
      ids.push(out.ReportId!);
    }
    expect([...(await readUsageReports(R, ids)).values()]).toEqual([{ state: 'pending' }, { state: 'pending' }]);
    await cloud.clock.run(cloud.clock.now() + 20 * 60_000);
    const reads = await readUsageReports(R, ids);
    expect(reads.get(ids[0]!)).toMatchObject({ state: 'available', entries: [{ AccountId: A, UsageCount: 1 }] });
    expect(reads.get(ids[1]!)).toMatchObject({ state: 'available', entries: [{ AccountId: B, UsageCount: 2 }] });
    // A batch naming a report EC2 does not have is read one by one: the others still answer.
    const mixed = await readUsageReports(R, [ids[0]!, 'amiur-0000000000000dead']);
    expect(mixed.get(ids[0]!)?.state).toBe('available');
    expect(mixed.get('amiur-0000000000000dead')?.state).toBe('gone');
    // Two reports of one Region and day, three entries: one call of each kind would have read them.
    expect(cloud.fakes.ec2.usageReportReadsNeeded()).toEqual({ reports: 1, entries: 1 });
    const west = cloud.fakes.ec2.registerImage('eu-west-1', { name: 'base 1' });
    await ec2Client('eu-west-1').send(
      new CreateImageUsageReportCommand({ ImageId: west.imageId, ResourceTypes: [{ ResourceType: 'ec2:Instance' }] }),
    );
    await cloud.clock.run(cloud.clock.now() + 86_400_000);
    await ec2.send(
      new CreateImageUsageReportCommand({
        ImageId: amis[0]!.imageId,
        ResourceTypes: [{ ResourceType: 'ec2:Instance' }],
      }),
    );
    // Another Region, and the same Region on another day: each needs its own reads.
    expect(cloud.fakes.ec2.usageReportReadsNeeded()).toEqual({ reports: 3, entries: 3 });
  });
});
