import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { ssmClient } from '../../../aws/clients/ssm.js';
import type { AwsEvent } from '../../../local/fakes/imagebuilder-model.js';
import { IMAGE_VALIDATION_DELAY_MS } from '../../../local/fakes/ssm-image-validation.js';
import { currentCaller, runAs } from '../../../local/trust/caller.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const NAME = '/goldsmith/base/prod';
const PUBLISH = `arn:aws:iam::${ACCOUNT}:role/goldsmith-publish`;
const NO_DESCRIBE = `arn:aws:iam::${ACCOUNT}:role/goldsmith-publish-without-describe-images`;
const ssm = () => ssmClient(R);

/** A local cloud whose SSM fake validates as Parameter Store does: only NO_DESCRIBE lacks ec2:DescribeImages. */
function validatingCloud() {
  const cloud = localCloud();
  const events: AwsEvent[] = [];
  cloud.fakes.ssm.validateImagesWith({
    caller: currentCaller,
    allows: async (principal, action) => !(principal === NO_DESCRIBE && action === 'ec2:DescribeImages'),
    after: (ms, label, fn) => cloud.clock.after(ms, label, fn),
    put: (event) => events.push(event),
  });
  const put = (as: string, Value: string, Overwrite = true) =>
    cloud.clock.runUntilSettled(
      cloud.clock.track(() =>
        runAs(as, () =>
          ssm().send(
            new PutParameterCommand({
              Name: NAME,
              Value,
              Type: 'String',
              DataType: 'aws:ec2:image',
              Tier: 'Advanced',
              Overwrite,
            }),
          ),
        ),
      ),
    );
  const read = async () => (await ssm().send(new GetParameterCommand({ Name: NAME }))).Parameter;
  const validate = () => cloud.clock.run(cloud.clock.now() + IMAGE_VALIDATION_DELAY_MS);
  return { ...cloud, events, put, read, validate };
}

describe('SsmFake: aws:ec2:image values are validated asynchronously, with the caller’s ec2:DescribeImages', () => {
  afterEach(resetClients);

  it('answers a version at once and shows the new value only once validation has passed', async () => {
    const { fakes, put, read, validate, events } = validatingCloud();
    const a = fakes.ec2.registerImage(R, { name: 'base 1' }).imageId;
    const b = fakes.ec2.registerImage(R, { name: 'base 2' }).imageId;
    expect(await put(PUBLISH, a, false)).toMatchObject({ Version: 1 });
    await expect(read()).rejects.toMatchObject({ name: 'ParameterNotFound' });
    await validate();
    expect(await read()).toMatchObject({ Value: a, Version: 1 });

    expect(await put(PUBLISH, b)).toMatchObject({ Version: 2 });
    expect(await read()).toMatchObject({ Value: a, Version: 1 });
    await validate();
    expect(await read()).toMatchObject({ Value: b, Version: 2 });
    expect(events.map((e) => [e['detail-type'], e.detail.operation, e.detail.exception])).toEqual([
      ['Parameter Store Change', 'Create', undefined],
      ['Parameter Store Change', 'Update', undefined],
    ]);
  });

  it('gives a caller without ec2:DescribeImages a version, changes nothing, and reports the failure as an event', async () => {
    const { fakes, put, read, validate, events } = validatingCloud();
    const a = fakes.ec2.registerImage(R, { name: 'base 1' }).imageId;
    const b = fakes.ec2.registerImage(R, { name: 'base 2' }).imageId;
    await put(PUBLISH, a, false);
    await validate();

    const answer = await put(NO_DESCRIBE, b);
    expect(answer.Version).toBe(2);
    await validate();

    expect(await read()).toMatchObject({ Value: a, Version: 1 });
    await expect(ssm().send(new GetParameterCommand({ Name: `${NAME}:2` }))).rejects.toMatchObject({
      name: 'ParameterVersionNotFound',
    });
    expect(events.at(-1)).toMatchObject({
      'detail-type': 'Parameter Store Change',
      source: 'aws.ssm',
      region: R,
      resources: [`arn:aws:ssm:${R}:${ACCOUNT}:parameter${NAME}`],
      detail: {
        exception: 'Unable to Describe Resource',
        dataType: 'aws:ec2:image',
        name: NAME,
        type: 'String',
        operation: 'Update',
      },
    });
    // The failed write's number is not handed out again: the next write that takes is version 3.
    expect(await put(PUBLISH, b)).toMatchObject({ Version: 3 });
    await validate();
    expect(await read()).toMatchObject({ Value: b, Version: 3 });
  });

  it('does not create a parameter whose AMI the account cannot see', async () => {
    const { put, read, validate, events } = validatingCloud();
    expect(await put(PUBLISH, 'ami-0000000000000dead', false)).toMatchObject({ Version: 1 });
    await validate();
    await expect(read()).rejects.toMatchObject({ name: 'ParameterNotFound' });
    expect(events).toMatchObject([{ detail: { exception: 'Unable to Describe Resource', operation: 'Create' } }]);
  });

  it('keeps the synchronous check for a caller the local cloud cannot identify', async () => {
    const { fakes, clock, read } = validatingCloud();
    const a = fakes.ec2.registerImage(R, { name: 'base 1' }).imageId;
    const command = new PutParameterCommand({ Name: NAME, Value: a, Type: 'String', DataType: 'aws:ec2:image' });
    await clock.runUntilSettled(clock.track(() => ssm().send(command)));
    expect(await read()).toMatchObject({ Value: a, Version: 1 });
  });
});
