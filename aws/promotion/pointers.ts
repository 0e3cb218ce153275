import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import type { PointerRead } from '../../core/promotion/pointer-taken.js';
import { clientSleep } from '../clients/registry.js';
import { ssmClient } from '../clients/ssm.js';

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

/**
 * What a channel pointer holds now in one region, as GetParameter answers it (the latest version Parameter Store
 * took: a write still being validated, or one that failed validation, is not in it), or undefined when the
 * parameter does not exist (ParameterNotFound). The read-back that proves a write took
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
 */
export async function readChannelPointer(region: string, name: string): Promise<PointerRead | undefined> {
  try {
    const out = await ssmClient(region).send(new GetParameterCommand({ Name: name }));
    const p = out.Parameter;
    return p?.Value === undefined ? undefined : { value: p.Value, version: p.Version ?? 0 };
  } catch (err) {
    if (err instanceof Error && err.name === 'ParameterNotFound') return undefined;
    throw err;
  }
}

/**
 * Reads the pointer back until `took` says it holds what was written, waiting `waitsMs` between reads (Parameter Store
 * validates an `aws:ec2:image` value after PutParameter answered). With `atOnce` false the first read waits
 * `waitsMs[0]` too: a value still being validated is not in GetParameter's answer, so a read at once only costs a call.
 * Returns the last read: the caller decides.
 */
export async function readChannelPointerUntil(
  region: string,
  name: string,
  took: (read: PointerRead | undefined) => boolean,
  waitsMs: readonly number[],
  atOnce = true,
): Promise<PointerRead | undefined> {
  let read = atOnce ? await readChannelPointer(region, name) : undefined;
  for (const [i, ms] of waitsMs.entries()) {
    if ((atOnce || i > 0) && took(read)) return read;
    await clientSleep(ms);
    read = await readChannelPointer(region, name);
  }
  return read;
}
