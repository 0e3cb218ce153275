import { DeregisterImageCommand } from '@aws-sdk/client-ec2';
import { DeleteImageCommand } from '@aws-sdk/client-imagebuilder';
import { DeleteParameterCommand } from '@aws-sdk/client-ssm';
import type { RegionAmi } from '../../core/promotion/types.js';
import { regionOfArn } from '../builds/imagebuilder.js';
import { ec2Client } from '../clients/ec2.js';
import { imagebuilderClient } from '../clients/imagebuilder.js';
import { ssmClient } from '../clients/ssm.js';

/**
 * The EC2, Image Builder and SSM calls of an image's end of life (its deprecation is in image-deprecation.ts). Each
 * tolerates a retry: "not found" means an earlier attempt already did it.
 */

const errorName = (err: unknown): string => (err instanceof Error ? err.name : '');
const AMI_GONE = new Set(['InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable']);

/**
 * Whether EC2 answered that the AMI is gone (deregistered, or never there): "InvalidAMIID.NotFound" /
 * "InvalidAMIID.Unavailable" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 */
export function amiGone(err: unknown): boolean {
  return AMI_GONE.has(errorName(err));
}

/**
 * Deregisters AMIs with their snapshots (DeleteAssociatedSnapshots keeps a snapshot another AMI still uses:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeregisterImage.html).
 * @returns how many AMIs this call deregistered (those already gone are not counted).
 */
export async function deregisterAmis(amis: readonly RegionAmi[]): Promise<number> {
  let done = 0;
  for (const ami of amis) {
    try {
      await ec2Client(ami.region).send(
        new DeregisterImageCommand({ ImageId: ami.imageId, DeleteAssociatedSnapshots: true }),
      );
      done++;
    } catch (err) {
      if (!amiGone(err)) throw err;
    }
  }
  return done;
}

/**
 * Deletes the Image Builder image resource of a build (its AMIs are deregistered separately:
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_DeleteImage.html).
 * @returns false when Image Builder no longer knew it.
 */
export async function deleteBuildImage(buildVersionArn: string): Promise<boolean> {
  try {
    await imagebuilderClient(regionOfArn(buildVersionArn)).send(
      new DeleteImageCommand({ imageBuildVersionArn: buildVersionArn }),
    );
    return true;
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return false;
    throw err;
  }
}

/** Deletes a channel's consumer pointer in one region (withdrawal: no launchable version is left). */
export async function deleteChannelParameter(region: string, name: string): Promise<void> {
  try {
    await ssmClient(region).send(new DeleteParameterCommand({ Name: name }));
  } catch (err) {
    if (errorName(err) !== 'ParameterNotFound') throw err;
  }
}
