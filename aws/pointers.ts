import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ssmClient } from './clients/ssm.js';

/**
 * Writes a channel's consumer pointer (`/goldsmith/<image>/<channel>`, named by `stacks/names.ts`) in one region: data type `aws:ec2:image`
 * (SSM checks it names an AMI, and launch templates can `resolve:ssm:` it), Overwrite so a retry is harmless,
 * Advanced tier because only advanced parameters can be shared with the organization.
 */
export async function writeChannelPointer(
  region: string,
  name: string,
  imageId: string,
  description: string,
): Promise<void> {
  await ssmClient(region).send(
    new PutParameterCommand({
      Name: name,
      Value: imageId,
      Type: 'String',
      DataType: 'aws:ec2:image',
      Overwrite: true,
      Tier: 'Advanced',
      Description: description,
    }),
  );
}
