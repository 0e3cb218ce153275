import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { ssmClient } from '../clients/ssm.js';

/** A parameter's value and SSM's version number for it (which only ever grows). */
export interface ParameterValue {
  value: string;
  version: number;
}

/** GetParameters takes at most 10 names per call. */
const BATCH = 10;

/**
 * Reads parameters in a region (e.g. AWS's public base-image parameters). Names SSM does not know are absent from
 * the result; the caller decides whether that is an error.
 */
export async function readParameters(names: readonly string[], region: string): Promise<Map<string, ParameterValue>> {
  const found = new Map<string, ParameterValue>();
  const unique = [...new Set(names)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const out = await ssmClient(region).send(new GetParametersCommand({ Names: unique.slice(i, i + BATCH) }));
    for (const p of out.Parameters ?? []) {
      if (p.Name && p.Value !== undefined) found.set(p.Name, { value: p.Value, version: p.Version ?? 0 });
    }
  }
  return found;
}
