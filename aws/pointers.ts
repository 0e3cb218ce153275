import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ssmClient } from './clients/ssm.js';

/** What a pointer names: an AMI (`aws:ec2:image`, which SSM checks) or a container image by digest (`text`). */
export type PointerDataType = 'aws:ec2:image' | 'text';

/**
 * Writes a channel's consumer pointer (`/goldsmith/<image>/<channel>`, named by `core/names.ts`) in one region.
 * `aws:ec2:image` for AMIs: SSM checks the value names an AMI, and launch templates can `resolve:ssm:` it
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-ec2-aliases.html). Overwrite so a
 * retry is harmless; Advanced tier because only advanced parameters can be shared through RAM
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-shared-parameters.html).
 * @returns the parameter's new SSM version.
 */
export async function writeChannelPointer(
  region: string,
  name: string,
  value: string,
  description: string,
  dataType: PointerDataType = 'aws:ec2:image',
): Promise<number> {
  const out = await ssmClient(region).send(
    new PutParameterCommand({
      Name: name,
      Value: value,
      Type: 'String',
      DataType: dataType,
      Overwrite: true,
      Tier: 'Advanced',
      Description: description,
    }),
  );
  return out.Version ?? 0;
}
