import { DescribeImageAttributeCommand, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { ec2Client } from '../../../aws/clients/ec2.js';
import { localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const ORG_ARN = 'arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5';
const ouArn = (i: number) =>
  `arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-x1y2-${String(i).padStart(8, '0')}`;
const accounts = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ UserId: String(300000000000 + from + i) }));

async function shareWith(imageId: string, Add: object[], Remove: object[] = []) {
  return ec2Client(R).send(new ModifyImageAttributeCommand({ ImageId: imageId, LaunchPermission: { Add, Remove } }));
}

async function entitiesOf(imageId: string): Promise<number> {
  const out = await ec2Client(R).send(
    new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }),
  );
  return out.LaunchPermissions?.length ?? 0;
}

describe('Ec2Fake: the AMI sharing quota', () => {
  afterEach(resetClients);

  it('refuses the 1,001st entity (accounts, OUs and the organization together) and changes nothing', async () => {
    const { fakes } = localCloud();
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    await shareWith(ami.imageId, [
      { OrganizationArn: ORG_ARN },
      ...Array.from({ length: 9 }, (_, i) => ({ OrganizationalUnitArn: ouArn(i) })),
    ]);
    await shareWith(ami.imageId, accounts(0, 990));
    expect(await entitiesOf(ami.imageId)).toBe(1_000);

    await expect(shareWith(ami.imageId, accounts(990, 1))).rejects.toMatchObject({
      name: 'ResourceLimitExceeded',
      $fault: 'client',
      message: expect.stringContaining('quota of 1000'),
    });
    await expect(shareWith(ami.imageId, [{ OrganizationalUnitArn: ouArn(99) }])).rejects.toMatchObject({
      name: 'ResourceLimitExceeded',
    });
    expect(await entitiesOf(ami.imageId)).toBe(1_000);
  });

  it('counts what the request leaves in force: a swap at the quota, a grant already held and public access pass', async () => {
    const { fakes } = localCloud();
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    await shareWith(ami.imageId, accounts(0, 1_000));

    await shareWith(ami.imageId, accounts(1_000, 1), accounts(0, 1));
    await shareWith(ami.imageId, accounts(1, 1));
    await shareWith(ami.imageId, [{ Group: 'all' }]);

    expect(await entitiesOf(ami.imageId)).toBe(1_001);
    expect(fakes.ec2.isLaunchableBy(R, ami.imageId, '300000000000')).toBe(true);
  });

  it('counts each AMI and Region apart', async () => {
    const { fakes } = localCloud();
    const first = fakes.ec2.registerImage(R, { name: 'base 1' });
    const second = fakes.ec2.registerImage(R, { name: 'base 2' });
    await shareWith(first.imageId, accounts(0, 1_000));

    await shareWith(second.imageId, accounts(0, 1_000));

    expect(await entitiesOf(second.imageId)).toBe(1_000);
  });
});
