import { CreateTopicCommand, ListSubscriptionsCommand, PublishCommand } from '@aws-sdk/client-sns';
import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  GetParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { snsClient } from '../../../aws/clients/sns.js';
import { ssmClient } from '../../../aws/clients/ssm.js';
import { stsClient } from '../../../aws/clients/sts.js';
import { AL2023_PARAMETER } from '../../../local/fakes/ssm.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const ssm = () => ssmClient(R);

describe('SsmFake', () => {
  afterEach(resetClients);

  it('answers ParameterNotFound for a missing parameter', async () => {
    localCloud();
    await expect(ssm().send(new GetParameterCommand({ Name: '/goldsmith/base/prod' }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
    await expect(ssm().send(new DeleteParameterCommand({ Name: '/goldsmith/base/prod' }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
  });

  it('deletes up to ten parameters in one DeleteParameters call, listing names it does not hold as invalid', async () => {
    localCloud();
    const put = (Name: string) => ssm().send(new PutParameterCommand({ Name, Value: 'x', Type: 'String' }));
    await put('/goldsmith/_policies/prod/topic/A');
    await put('/goldsmith/_policies/prod/queue/B');
    const out = await ssm().send(
      new DeleteParametersCommand({
        Names: ['/goldsmith/_policies/prod/topic/A', '/goldsmith/_policies/prod/queue/B', '/goldsmith/none'],
      }),
    );
    expect(out).toMatchObject({
      DeletedParameters: ['/goldsmith/_policies/prod/topic/A', '/goldsmith/_policies/prod/queue/B'],
      InvalidParameters: ['/goldsmith/none'],
    });
    await expect(
      ssm().send(new GetParameterCommand({ Name: '/goldsmith/_policies/prod/topic/A' })),
    ).rejects.toMatchObject({ name: 'ParameterNotFound' });
  });

  it('creates, refuses to overwrite without Overwrite, then versions an aws:ec2:image pointer', async () => {
    const { fakes, clock } = localCloud();
    const a = fakes.ec2.registerImage(R, { name: 'base 1' }).imageId;
    const b = fakes.ec2.registerImage(R, { name: 'base 2' }).imageId;
    // PutParameter's bucket is small (3/s), so later puts may be throttled and retried on the virtual clock.
    const put = (Value: string, Overwrite?: boolean) => {
      const command = new PutParameterCommand({
        Name: '/goldsmith/base/prod',
        Value,
        Type: 'String',
        DataType: 'aws:ec2:image',
        Tier: 'Advanced',
        Overwrite,
      });
      return clock.runUntilSettled(clock.track(() => ssm().send(command)));
    };
    expect(await put(a)).toMatchObject({ Version: 1, Tier: 'Advanced' });
    await expect(put(b)).rejects.toMatchObject({ name: 'ParameterAlreadyExists' });
    expect(await put(b, true)).toMatchObject({ Version: 2 });
    const got = await ssm().send(new GetParameterCommand({ Name: '/goldsmith/base/prod' }));
    expect(got.Parameter).toMatchObject({ Value: b, Version: 2, DataType: 'aws:ec2:image' });
    const old = await ssm().send(new GetParameterCommand({ Name: '/goldsmith/base/prod:1' }));
    expect(old.Parameter?.Value).toBe(a);
    await expect(put('ami-0000000000000dead', true)).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('Intelligent-Tiering: Standard within 4 KB, Advanced above it, refused above 8 KB', async () => {
    const { clock } = localCloud();
    // PutParameter's bucket is small (3/s): later puts wait on the virtual clock.
    const put = (Name: string, Value: string, Tier?: 'Intelligent-Tiering') => {
      const command = new PutParameterCommand({ Name, Value, Type: 'String', ...(Tier ? { Tier } : {}) });
      return clock.runUntilSettled(clock.track(() => ssm().send(command)));
    };
    expect(await put('/goldsmith/_policies/t/small', 'x'.repeat(4096), 'Intelligent-Tiering')).toMatchObject({
      Tier: 'Standard',
    });
    expect(await put('/goldsmith/_policies/t/large', 'x'.repeat(4097), 'Intelligent-Tiering')).toMatchObject({
      Tier: 'Advanced',
    });
    await expect(put('/goldsmith/_policies/t/standard', 'x'.repeat(4097))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(put('/goldsmith/_policies/t/huge', 'x'.repeat(8193), 'Intelligent-Tiering')).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('bumps a public AWS parameter to a new, launchable AMI', async () => {
    const { fakes } = localCloud();
    const before = (await ssm().send(new GetParameterCommand({ Name: AL2023_PARAMETER }))).Parameter!;
    const fresh = fakes.ssm.bumpPublicParameter(AL2023_PARAMETER, R);
    const after = await ssm().send(new GetParametersCommand({ Names: [AL2023_PARAMETER, '/nope'] }));
    expect(after.Parameters?.[0]).toMatchObject({ Value: fresh, Version: (before.Version ?? 0) + 1 });
    expect(after.InvalidParameters).toEqual(['/nope']);
    expect(fresh).not.toBe(before.Value);
    expect(fakes.ec2.isLaunchableBy(R, fresh, '210000000001')).toBe(true);
  });
});

describe('SnsFake and StsFake', () => {
  afterEach(resetClients);

  it('records published messages with their attributes and rejects unknown topics with NotFound', async () => {
    const { fakes } = localCloud();
    const sns = snsClient(R);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'goldsmith-notifications' }));
    await sns.send(
      new PublishCommand({
        TopicArn,
        Message: '{"event":"ImagePromoted"}',
        MessageAttributes: { image: { DataType: 'String', StringValue: 'base' } },
      }),
    );
    expect(fakes.sns.messages).toMatchObject([{ topicArn: TopicArn, attributes: { image: 'base' } }]);
    await expect(sns.send(new PublishCommand({ TopicArn: `${TopicArn}-x`, Message: 'x' }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('takes a UTF-8 subject and refuses one with a line break or 100 characters, as Publish does', async () => {
    const { fakes } = localCloud();
    const sns = snsClient(R);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'goldsmith-notifications' }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'x', Subject: 'Entwürfe für prod → genehmigt' }));
    expect(fakes.sns.messages.at(-1)).toMatchObject({ subject: 'Entwürfe für prod → genehmigt' });
    for (const Subject of ['two\nlines', 'x'.repeat(100)]) {
      await expect(sns.send(new PublishCommand({ TopicArn, Message: 'x', Subject }))).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
    }
  });

  it("lists the account's subscriptions of the Region called, 100 a page, a pending one as PendingConfirmation", async () => {
    const { fakes } = localCloud({ topics: [`arn:aws:sns:${R}:${ACCOUNT}:a`, `arn:aws:sns:eu-west-1:${ACCOUNT}:b`] });
    const pending = fakes.sns.subscribe(
      `arn:aws:sns:${R}:${ACCOUNT}:a`,
      'email',
      'someone@example.com',
      undefined,
      true,
    );
    for (let i = 0; i < 100; i++) fakes.sns.subscribe(`arn:aws:sns:${R}:${ACCOUNT}:a`, 'sqs', `q${i}`);
    fakes.sns.subscribe(`arn:aws:sns:eu-west-1:${ACCOUNT}:b`, 'sqs', 'elsewhere');
    const sns = snsClient(R);

    const first = await sns.send(new ListSubscriptionsCommand({}));
    const second = await sns.send(new ListSubscriptionsCommand({ NextToken: first.NextToken }));

    expect(first.Subscriptions).toHaveLength(100);
    expect(first.Subscriptions?.[0]).toEqual({
      SubscriptionArn: 'PendingConfirmation',
      Owner: ACCOUNT,
      Protocol: 'email',
      Endpoint: 'someone@example.com',
      TopicArn: pending.topicArn,
    });
    expect(second.Subscriptions?.map((s) => s.Endpoint)).toEqual(['q99']);
    expect(second.NextToken).toBeUndefined();
  });

  it('returns a fixed caller identity: a session of the deployer role', async () => {
    localCloud();
    const id = await stsClient(R).send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe(ACCOUNT);
    expect(id.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/goldsmith-deployer/goldsmith-local`);
  });
});
