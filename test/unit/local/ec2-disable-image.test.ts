import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DisableImageCommand,
  EnableImageCommand,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { ec2Client } from '../../../aws/clients/ec2.js';
import { localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const MEMBER = '210000000003';

/** DisableImage and EnableImage in the local EC2, as EC2's "Disable an AMI" page describes them. */
describe('Ec2Fake: disabling an AMI', () => {
  afterEach(resetClients);

  it('takes every launch permission away, hides the AMI, refuses sharing it; re-enabled, it is shareable but grants nothing', async () => {
    const { fakes } = localCloud();
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    const ec2 = ec2Client(R);
    const grant = { ImageId: ami.imageId, LaunchPermission: { Add: [{ UserId: MEMBER }] } };
    const permissions = async () =>
      (await ec2.send(new DescribeImageAttributeCommand({ ImageId: ami.imageId, Attribute: 'launchPermission' })))
        .LaunchPermissions;
    await ec2.send(new ModifyImageAttributeCommand(grant));

    await expect(ec2.send(new DisableImageCommand({ ImageId: ami.imageId }))).resolves.toMatchObject({ Return: true });

    expect(await permissions()).toEqual([]);
    expect(fakes.ec2.isLaunchableBy(R, ami.imageId, MEMBER)).toBe(false);
    expect((await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images).toEqual([]);
    const listed = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], IncludeDisabled: true }));
    expect(listed.Images?.map((i) => [i.ImageId, i.State])).toEqual([[ami.imageId, 'disabled']]);
    await expect(ec2.send(new ModifyImageAttributeCommand(grant))).rejects.toMatchObject({
      name: 'OperationNotPermitted',
    });

    await ec2.send(new EnableImageCommand({ ImageId: ami.imageId }));
    expect(await permissions()).toEqual([]);
    await ec2.send(new ModifyImageAttributeCommand(grant));
    expect(fakes.ec2.isLaunchableBy(R, ami.imageId, MEMBER)).toBe(true);
  });

  it("refuses to disable another account's AMI", async () => {
    const { fakes } = localCloud();
    const theirs = fakes.ec2.registerImage(R, { name: 'theirs', ownerId: '137112412989', public: true });
    await expect(ec2Client(R).send(new DisableImageCommand({ ImageId: theirs.imageId }))).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
    });
  });
});
