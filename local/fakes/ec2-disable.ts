import type { ErrorMaker } from './common.js';
import type { LaunchPermission } from './ec2-permissions.js';
import type { AmiRecord } from './ec2-records.js';

/**
 * DisableImage and EnableImage, as EC2 documents them
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/disable-an-ami.html): disabling sets the AMI's state to
 * `disabled` and "removes all launch permissions"; "a disabled AMI can't be shared" and does not appear in
 * DescribeImages unless `IncludeDisabled`; "only the AMI owner can disable an AMI"; re-enabling makes it `available`
 * and shareable again, but those who "lost access to the AMI when it was disabled do not regain access
 * automatically". Neither API page names the error of sharing a disabled AMI, nor of a non-owner's call: the fake
 * answers `OperationNotPermitted` and `UnauthorizedOperation` (docs/aws-behaviours.md).
 */
export function disableImage(ami: AmiRecord, accountId: string, err: ErrorMaker): { Return: true } {
  if (ami.ownerId !== accountId) throw err('UnauthorizedOperation', 'Only the AMI owner can disable an AMI.');
  ami.state = 'disabled';
  ami.launchPermissions.clear();
  return { Return: true };
}

export function enableImage(ami: AmiRecord, accountId: string, err: ErrorMaker): { Return: true } {
  if (ami.ownerId !== accountId) throw err('UnauthorizedOperation', 'Only the AMI owner can enable an AMI.');
  ami.state = undefined;
  return { Return: true };
}

/** Refuses a launch permission added to a disabled AMI (one taken away changes nothing: it holds none). */
export function refuseSharingDisabled(ami: AmiRecord, add: readonly LaunchPermission[], err: ErrorMaker): void {
  if (ami.state === 'disabled' && add.length > 0)
    throw err('OperationNotPermitted', `The image ${ami.imageId} is disabled. A disabled AMI can't be shared.`);
}
