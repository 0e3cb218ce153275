import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
  EnableImageDeprecationCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  paginateDescribeImages,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { ec2Client } from '../../../aws/clients/ec2.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const OU = 'ou-x1y2-prd00001';

function withOrg() {
  return localCloud({
    organization: {
      organizationId: 'o-a1b2c3d4e5',
      managementAccountId: ACCOUNT,
      ous: [
        { id: OU, accounts: [{ id: '210000000001' }] },
        { id: 'ou-x1y2-prd00009', parentId: OU, accounts: [{ id: '210000000002' }] },
      ],
      rootAccounts: [{ id: '210000000003' }],
    },
  });
}

describe('Ec2Fake', () => {
  afterEach(resetClients);

  it('answers InvalidAMIID.NotFound and InvalidAMIID.Malformed as EC2 does', async () => {
    localCloud();
    const ec2 = ec2Client(R);
    await expect(ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] }))).rejects.toMatchObject({
      name: 'InvalidAMIID.NotFound',
      $fault: 'client',
    });
    await expect(
      ec2.send(new DescribeImageAttributeCommand({ ImageId: 'image-1', Attribute: 'launchPermission' })),
    ).rejects.toMatchObject({
      name: 'InvalidAMIID.Malformed',
    });
  });

  it('keeps AMIs per region', async () => {
    const { fakes } = localCloud();
    const ami = fakes.ec2.registerImage('eu-west-1', { name: 'base 1' });
    await expect(ec2Client(R).send(new DescribeImagesCommand({ ImageIds: [ami.imageId] }))).rejects.toMatchObject({
      name: 'InvalidAMIID.NotFound',
    });
    const out = await ec2Client('eu-west-1').send(new DescribeImagesCommand({ ImageIds: [ami.imageId] }));
    expect(out.Images?.[0]?.BlockDeviceMappings?.[0]?.Ebs).toMatchObject({ Encrypted: true });
  });

  it('adds and removes launch permissions idempotently, in both request forms', async () => {
    const { fakes } = withOrg();
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    const ec2 = ec2Client(R);
    const ouArn = fakes.organizations.ouArn(OU);
    const add = { Add: [{ UserId: '210000000003' }, { OrganizationalUnitArn: ouArn }] };
    await ec2.send(new ModifyImageAttributeCommand({ ImageId: ami.imageId, LaunchPermission: add }));
    await ec2.send(new ModifyImageAttributeCommand({ ImageId: ami.imageId, LaunchPermission: add }));
    await ec2.send(
      new ModifyImageAttributeCommand({ ImageId: ami.imageId, OperationType: 'remove', UserIds: ['210000000003'] }),
    );
    const attr = await ec2.send(
      new DescribeImageAttributeCommand({ ImageId: ami.imageId, Attribute: 'launchPermission' }),
    );
    expect(attr.LaunchPermissions).toEqual([{ OrganizationalUnitArn: ouArn }]);
  });

  it('rejects a malformed account id with InvalidAMIAttributeItemValue', async () => {
    const { fakes } = localCloud();
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    const bad = new ModifyImageAttributeCommand({
      ImageId: ami.imageId,
      LaunchPermission: { Add: [{ UserId: '42' }] },
    });
    await expect(ec2Client(R).send(bad)).rejects.toMatchObject({ name: 'InvalidAMIAttributeItemValue' });
  });

  it('answers who may launch an AMI, resolving OU ARNs through nested OUs', async () => {
    const { fakes } = withOrg();
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    const org = fakes.organizations;
    const ec2 = ec2Client(R);
    expect(fakes.ec2.isLaunchableBy(R, ami.imageId, '210000000002', org)).toBe(false);
    await ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: ami.imageId,
        LaunchPermission: { Add: [{ OrganizationalUnitArn: org.ouArn(OU) }] },
      }),
    );
    expect(fakes.ec2.isLaunchableBy(R, ami.imageId, '210000000001', org)).toBe(true);
    expect(fakes.ec2.isLaunchableBy(R, ami.imageId, '210000000002', org)).toBe(true);
    expect(fakes.ec2.isLaunchableBy(R, ami.imageId, '210000000003', org)).toBe(false);
    expect(fakes.ec2.isLaunchableBy('eu-west-1', ami.imageId, '210000000001', org)).toBe(false);
  });

  it('shares snapshots through createVolumePermission and refuses to delete a snapshot in use', async () => {
    const { fakes } = localCloud();
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    const snap = ami.snapshotIds[0]!;
    const ec2 = ec2Client(R);
    await ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: snap,
        Attribute: 'createVolumePermission',
        CreateVolumePermission: { Add: [{ UserId: '210000000001' }] },
      }),
    );
    const attr = await ec2.send(
      new DescribeSnapshotAttributeCommand({ SnapshotId: snap, Attribute: 'createVolumePermission' }),
    );
    expect(attr.CreateVolumePermissions).toEqual([{ UserId: '210000000001' }]);
    await expect(ec2.send(new DeleteSnapshotCommand({ SnapshotId: snap }))).rejects.toMatchObject({
      name: 'InvalidSnapshot.InUse',
    });
    await ec2.send(new DeregisterImageCommand({ ImageId: ami.imageId }));
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snap }));
    await expect(ec2.send(new DeleteSnapshotCommand({ SnapshotId: snap }))).rejects.toMatchObject({
      name: 'InvalidSnapshot.NotFound',
    });
  });

  it('filters by tag and returns every image across pages', async () => {
    const { fakes } = localCloud();
    const ec2 = ec2Client(R);
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push(fakes.ec2.registerImage(R, { name: `base ${i}` }).imageId);
    await ec2.send(
      new CreateTagsCommand({ Resources: ids.slice(0, 17), Tags: [{ Key: 'goldsmith:image', Value: 'base' }] }),
    );
    const seen: string[] = [];
    const pages = paginateDescribeImages(
      { client: ec2, pageSize: 5 },
      { Owners: ['self'], Filters: [{ Name: 'tag:goldsmith:image', Values: ['base'] }] },
    );
    let pageCount = 0;
    for await (const page of pages) {
      pageCount++;
      for (const i of page.Images ?? []) seen.push(i.ImageId!);
    }
    expect(seen).toEqual(ids.slice(0, 17));
    expect(pageCount).toBe(4);
  });

  it('hides deprecated AMIs from other owners unless IncludeDeprecated is set', async () => {
    const { fakes, clock } = localCloud();
    const ec2 = ec2Client(R);
    const mine = fakes.ec2.registerImage(R, { name: 'base 1' });
    const amazon = fakes.ec2.registerImage(R, { name: 'al2023', ownerId: 'amazon', public: true });
    for (const id of [mine.imageId, amazon.imageId]) {
      await ec2.send(new EnableImageDeprecationCommand({ ImageId: id, DeprecateAt: new Date(clock.now() + 60_000) }));
    }
    await clock.run(clock.now() + 61_000);
    const listed = await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['*'] }] }));
    const listedIds = listed.Images?.map((i) => i.ImageId);
    expect(listedIds).toContain(mine.imageId);
    expect(listedIds).not.toContain(amazon.imageId);
    const all = await ec2.send(new DescribeImagesCommand({ IncludeDeprecated: true }));
    expect(all.Images?.map((i) => i.ImageId)).toEqual(expect.arrayContaining([mine.imageId, amazon.imageId]));
    const described = all.Images?.find((i) => i.ImageId === mine.imageId);
    expect(described?.DeprecationTime).toBe('2027-01-01T00:01:00.000Z');
  });

  it('lists an AMI with a future deprecation time until that time, then only by id, and refuses one beyond 10 years', async () => {
    const { fakes, clock } = localCloud();
    const ec2 = ec2Client(R);
    const amazon = fakes.ec2.registerImage(R, { name: 'al2023', ownerId: 'amazon', public: true });
    const listed = async () =>
      (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.map((i) => i.ImageId) ?? [];
    await ec2.send(
      new EnableImageDeprecationCommand({
        ImageId: amazon.imageId,
        DeprecateAt: new Date(clock.now() + 90 * 86_400_000),
      }),
    );
    await clock.run(clock.now() + 89 * 86_400_000);
    expect(await listed()).toContain(amazon.imageId);
    await clock.run(clock.now() + 86_400_000);
    expect(await listed()).not.toContain(amazon.imageId);
    const byId = await ec2.send(new DescribeImagesCommand({ ImageIds: [amazon.imageId] }));
    expect(byId.Images?.[0]?.DeprecationTime).toBe('2027-04-01T00:00:00.000Z');
    await expect(
      ec2.send(
        new EnableImageDeprecationCommand({
          ImageId: amazon.imageId,
          DeprecateAt: new Date(clock.now() + 11 * 366 * 86_400_000),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('rounds a deprecation time to the minute and refuses one in the past, as EC2 documents', async () => {
    const { fakes, clock } = localCloud();
    const ec2 = ec2Client(R);
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    await ec2.send(
      new EnableImageDeprecationCommand({ ImageId: ami.imageId, DeprecateAt: new Date(clock.now() + 89_000) }),
    );
    expect(fakes.ec2.images.get(ami.imageId)?.deprecationTime).toBe('2027-01-01T00:01:00.000Z');
    await expect(
      ec2.send(
        new EnableImageDeprecationCommand({ ImageId: ami.imageId, DeprecateAt: new Date(clock.now() - 3_600_000) }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('deregisters an AMI with its snapshot: it can then be neither described, shared nor launched', async () => {
    const { fakes } = withOrg();
    const ec2 = ec2Client(R);
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    const [snapshot] = ami.snapshotIds;
    await ec2.send(new DeregisterImageCommand({ ImageId: ami.imageId, DeleteAssociatedSnapshots: true }));
    expect(fakes.ec2.snapshots.has(snapshot ?? '')).toBe(false);
    expect(fakes.ec2.snapshotsDeleted).toBe(1);
    expect(fakes.ec2.deregistered.get(ami.imageId)?.snapshotIds).toEqual([snapshot]);
    await expect(
      ec2.send(
        new ModifyImageAttributeCommand({
          ImageId: ami.imageId,
          LaunchPermission: { Add: [{ UserId: '210000000001' }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidAMIID.NotFound' });
    expect(fakes.ec2.isLaunchableBy(R, ami.imageId, ACCOUNT)).toBe(false);
  });
});
