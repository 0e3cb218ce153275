import {
  DescribeImagesCommand,
  DisableImageDeprecationCommand,
  EnableImageDeprecationCommand,
} from '@aws-sdk/client-ec2';
import { deprecationTarget } from '../../core/lifecycle/deprecation.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import { ec2Client } from '../clients/ec2.js';
import { amiGone } from './image-lifecycle.js';

/**
 * EC2 deprecation of a build's AMIs (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableImageDeprecation.html):
 * a deprecated AMI is hidden from its consumers' DescribeImages listings from its DeprecationTime on, but still
 * launchable by id until it is deregistered (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-deprecate.html).
 * A deprecation time is only ever brought forward here: an AMI already deprecated at or before the asked time is left
 * alone, so a later retirement never pushes an earlier `deprecateAfter` time back, and a retry makes no call.
 */

/** The AMI's DeprecationTime in ms (undefined: none), or null when the AMI is gone. */
async function currentDeprecation(ami: RegionAmi): Promise<number | undefined | null> {
  try {
    const out = await ec2Client(ami.region).send(new DescribeImagesCommand({ ImageIds: [ami.imageId] }));
    const image = out.Images?.[0];
    if (!image || image.State === 'deregistered') return null;
    return image.DeprecationTime ? Date.parse(image.DeprecationTime) : undefined;
  } catch (err) {
    if (amiGone(err)) return null;
    throw err;
  }
}

/**
 * Deprecates AMIs at `at` (rounded to the minute, and to the next whole minute when it is not after `now`: EC2 refuses
 * a time in the past), unless one is already deprecated no later than that.
 * @returns how many AMIs this call deprecated (or brought the deprecation of forward).
 */
export async function deprecateAmisAt(amis: readonly RegionAmi[], at: Date, now: Date): Promise<number> {
  const target = deprecationTarget(at, now);
  let done = 0;
  for (const ami of amis) {
    const current = await currentDeprecation(ami);
    if (current === null || (current !== undefined && current <= target.getTime())) continue;
    try {
      await ec2Client(ami.region).send(
        new EnableImageDeprecationCommand({ ImageId: ami.imageId, DeprecateAt: target }),
      );
      done++;
    } catch (err) {
      if (!amiGone(err)) throw err;
    }
  }
  return done;
}

/**
 * Deprecates AMIs from the next whole minute (retirement and revocation), keeping an earlier deprecation time.
 * @returns how many AMIs were deprecated (AMIs already deregistered or already deprecated are skipped).
 */
export function deprecateAmis(amis: readonly RegionAmi[], now: Date): Promise<number> {
  return deprecateAmisAt(amis, now, now);
}

/**
 * Undoes the deprecation a revocation brought forward: back to the time `retention.deprecateAfter` scheduled when
 * that is still ahead (EnableImageDeprecation), left as it is when that time has passed (retention deprecates it
 * anyway), else cancelled (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisableImageDeprecation.html:
 * "Cancels the deprecation of the specified AMI", per AMI in its own Region). An AMI already as wanted, or gone,
 * costs no call, so a retry makes none.
 * @param scheduled the build's retention deprecation time (the ledger's `deprecateAt`), if its image has one.
 * @returns how many AMIs this call changed.
 */
export async function undoRevocationDeprecation(
  amis: readonly RegionAmi[],
  scheduled: Date | undefined,
  now: Date,
): Promise<number> {
  const ahead = scheduled !== undefined && scheduled.getTime() > now.getTime() ? scheduled : undefined;
  if (scheduled !== undefined && ahead === undefined) return 0;
  let done = 0;
  for (const ami of amis) {
    const current = await currentDeprecation(ami);
    if (current === null || current === undefined) continue;
    // EC2 rounds a deprecation time to the minute: compare at that precision.
    if (ahead && Math.abs(current - ahead.getTime()) < 60_000) continue;
    try {
      const client = ec2Client(ami.region);
      if (ahead) await client.send(new EnableImageDeprecationCommand({ ImageId: ami.imageId, DeprecateAt: ahead }));
      else await client.send(new DisableImageDeprecationCommand({ ImageId: ami.imageId }));
      done++;
    } catch (err) {
      if (!amiGone(err)) throw err;
    }
  }
  return done;
}
