import {
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  type PutParameterCommandOutput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { AwsClientStub } from 'aws-sdk-client-mock';

type SsmStub = AwsClientStub<SSMClient>;

/**
 * Parameter Store behind an SSM client mock, per region: PutParameter answers `answer` (a version) and, unless
 * `takes` says no, the value takes at that version, so the GetParameter read-back that follows (aws/promotion/pointers.ts)
 * sees it; a write that does not take leaves the parameter as it was, as a failed aws:ec2:image validation does.
 * @returns the parameters held, by `region|name`.
 */
export function parameterStore(
  ssm: SsmStub,
  answer: Partial<PutParameterCommandOutput>,
  takes: (region: string, name: string) => boolean = () => true,
): Map<string, { value: string; version: number }> {
  const held = new Map<string, { value: string; version: number }>();
  const regionOf = async (getClient: () => { config: SSMClient['config'] }) => getClient().config.region();
  ssm.on(PutParameterCommand).callsFake(async (input: { Name: string; Value: string }, getClient) => {
    const region = await regionOf(getClient);
    if (takes(region, input.Name))
      held.set(`${region}|${input.Name}`, { value: input.Value, version: answer.Version ?? 1 });
    return answer;
  });
  ssm.on(GetParameterCommand).callsFake(async (input: { Name: string }, getClient) => {
    const p = held.get(`${await regionOf(getClient)}|${input.Name}`);
    if (!p) throw new ParameterNotFound({ message: `Parameter ${input.Name} not found.`, $metadata: {} });
    return { Parameter: { Name: input.Name, Value: p.value, Version: p.version, DataType: 'aws:ec2:image' } };
  });
  return held;
}
