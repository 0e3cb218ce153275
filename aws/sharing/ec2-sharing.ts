import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import { grantFrom, type LaunchGrant } from '../../core/sharing/grants.js';
import type { LaunchPermissionCall, SnapshotPermissionCall } from '../../core/sharing/planner.js';
import { ec2Client } from '../clients/ec2.js';

/**
 * The EC2 side of sharing: read what is in force on an AMI and its snapshots, apply one planned call. Reads are
 * DescribeImageAttribute / DescribeSnapshotAttribute; writes are exactly the planner's calls, so every write is a
 * set operation EC2 applies idempotently (adding a grant in force or removing one that is not changes nothing).
 */

/** The launch permissions in force on an AMI. */
export async function readLaunchPermissions(region: string, imageId: string): Promise<LaunchGrant[]> {
  const out = await ec2Client(region).send(
    new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }),
  );
  return (out.LaunchPermissions ?? []).flatMap((p) => {
    const g = grantFrom(p);
    return g ? [g] : [];
  });
}

/** One planned ModifyImageAttribute call. */
export async function modifyLaunchPermissions(
  region: string,
  imageId: string,
  call: LaunchPermissionCall,
): Promise<void> {
  await ec2Client(region).send(
    new ModifyImageAttributeCommand({
      ImageId: imageId,
      LaunchPermission: {
        ...(call.Add.length > 0 ? { Add: call.Add.map((g) => ({ ...g })) } : {}),
        ...(call.Remove.length > 0 ? { Remove: call.Remove.map((g) => ({ ...g })) } : {}),
      },
    }),
  );
}

/** The EBS snapshots behind an AMI (its block device mappings). */
export async function readSnapshotIds(region: string, imageId: string): Promise<string[]> {
  const out = await ec2Client(region).send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  return (out.Images?.[0]?.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
}

/** The createVolumePermission entries in force on a snapshot. */
export async function readSnapshotPermissions(region: string, snapshotId: string): Promise<LaunchGrant[]> {
  const out = await ec2Client(region).send(
    new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' }),
  );
  return (out.CreateVolumePermissions ?? []).flatMap((p) => {
    const g = grantFrom(p);
    return g ? [g] : [];
  });
}

/** One planned ModifySnapshotAttribute call (accounts added or removed), or the removal of public access. */
export async function modifySnapshotPermissions(
  region: string,
  snapshotId: string,
  call: SnapshotPermissionCall | { operation: 'remove'; group: 'all' },
): Promise<void> {
  const key = 'group' in call ? 'Remove' : call.operation === 'add' ? 'Add' : 'Remove';
  const entries = 'group' in call ? [{ Group: 'all' as const }] : call.userIds.map((UserId) => ({ UserId }));
  await ec2Client(region).send(
    new ModifySnapshotAttributeCommand({
      SnapshotId: snapshotId,
      Attribute: 'createVolumePermission',
      CreateVolumePermission: { [key]: entries },
    }),
  );
}
