import {
  DescribeImagesCommand,
  DisableImageDeprecationCommand,
  EC2Client,
  EnableImageDeprecationCommand,
} from '@aws-sdk/client-ec2';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { undoRevocationDeprecation } from '../../../aws/lifecycle/image-deprecation.js';
import { mockClient } from '../../helpers/mock-client.js';

const ec2 = mockClient(EC2Client);
const AMIS = [{ region: 'us-east-1', imageId: 'ami-0123456789abcdef0' }];
const NOW = new Date('2027-02-05T10:00:00Z');
const deprecatedAt = (time: string | undefined) =>
  ec2
    .on(DescribeImagesCommand)
    .resolves({ Images: [{ ImageId: AMIS[0]?.imageId, State: 'available', DeprecationTime: time }] });

describe('undoRevocationDeprecation', () => {
  afterEach(() => ec2.reset());

  it('cancels the deprecation the revocation set when retention schedules none', async () => {
    deprecatedAt('2027-02-05T09:01:00.000Z');
    ec2.on(DisableImageDeprecationCommand).resolves({ Return: true });

    expect(await undoRevocationDeprecation(AMIS, undefined, NOW)).toBe(1);
    expect(ec2).toReceiveCommandWith(DisableImageDeprecationCommand, { ImageId: AMIS[0]?.imageId });
    expect(ec2).not.toReceiveCommand(EnableImageDeprecationCommand);
  });

  it("sets it back to retention's time while that is ahead, and leaves it when that time has passed", async () => {
    deprecatedAt('2027-02-05T09:01:00.000Z');
    ec2.on(EnableImageDeprecationCommand).resolves({ Return: true });
    const ahead = new Date('2027-05-01T00:00:00Z');

    expect(await undoRevocationDeprecation(AMIS, ahead, NOW)).toBe(1);
    expect(ec2).toReceiveCommandWith(EnableImageDeprecationCommand, { ImageId: AMIS[0]?.imageId, DeprecateAt: ahead });

    ec2.reset();
    deprecatedAt('2027-02-05T09:01:00.000Z');
    expect(await undoRevocationDeprecation(AMIS, new Date('2027-02-01T00:00:00Z'), NOW)).toBe(0);
    expect(ec2).not.toReceiveCommand(EnableImageDeprecationCommand);
    expect(ec2).not.toReceiveCommand(DisableImageDeprecationCommand);
  });

  it('makes no call for an AMI not deprecated, or already at the asked time (a retry)', async () => {
    deprecatedAt(undefined);
    expect(await undoRevocationDeprecation(AMIS, undefined, NOW)).toBe(0);
    ec2.reset();
    deprecatedAt('2027-05-01T00:00:00.000Z');
    expect(await undoRevocationDeprecation(AMIS, new Date('2027-05-01T00:00:20Z'), NOW)).toBe(0);
    expect(ec2).not.toReceiveCommand(DisableImageDeprecationCommand);
    expect(ec2).not.toReceiveCommand(EnableImageDeprecationCommand);
  });
});
