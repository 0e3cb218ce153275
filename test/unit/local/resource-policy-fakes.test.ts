import { GetTopicAttributesCommand, SetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { snsClient } from '../../../aws/clients/sns.js';
import { VirtualClock } from '../../../local/clock.js';
import { SqsFake } from '../../../local/fakes/sqs.js';
import { ACCOUNT, answeredBy, localCloud, resetClients, START } from './helpers.js';

const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-test-notifications`;
const statement = (sid: string, pad = '') => ({
  Sid: sid,
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'sqs:SendMessage',
  Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:q${pad}`,
});
const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

function queue() {
  const clock = new VirtualClock(START);
  const fake = new SqsFake(ACCOUNT, 'us-east-1', () => clock.now());
  const url = fake.createQueue('dlq');
  const sqs = answeredBy(new SQSClient({ region: 'us-east-1' }), 'sqs', fake, 'us-east-1', clock);
  return { url, sqs };
}

afterEach(resetClients);

describe('SNS fake: a topic’s policy', () => {
  it('holds SNS’s default policy until one is set, then the one set', async () => {
    localCloud({ topics: [TOPIC] });
    const before = await snsClient().send(new GetTopicAttributesCommand({ TopicArn: TOPIC }));
    expect(JSON.parse(before.Attributes?.Policy ?? '').Statement[0].Sid).toBe('__default_statement_ID');
    const mine = policy(statement('Mine'));
    await snsClient().send(
      new SetTopicAttributesCommand({ TopicArn: TOPIC, AttributeName: 'Policy', AttributeValue: mine }),
    );
    const after = await snsClient().send(new GetTopicAttributesCommand({ TopicArn: TOPIC }));
    expect(after.Attributes?.Policy).toBe(mine);
  });

  it('refuses a policy over 30 KB, one of duplicate Sids, and a topic that does not exist', async () => {
    localCloud({ topics: [TOPIC] });
    const set = (value: string, arn = TOPIC) =>
      snsClient().send(
        new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Policy', AttributeValue: value }),
      );
    await expect(set(policy(statement('Big', 'x'.repeat(31 * 1024))))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(set(policy(statement('A'), statement('A')))).rejects.toThrow(/Sids must be unique/);
    await expect(set(policy(statement('A')), `${TOPIC}-gone`)).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});

describe('SQS fake: a queue’s policy', () => {
  it('has no Policy attribute until one is set; an empty Policy removes it', async () => {
    const { url, sqs } = queue();
    const read = async () =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }))).Attributes?.Policy;
    expect(await read()).toBeUndefined();
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: policy(statement('A')) } }));
    expect(await read()).toBe(policy(statement('A')));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: '' } }));
    expect(await read()).toBeUndefined();
  });

  it('refuses a policy over 8,192 bytes or of more than 20 statements (InvalidAttributeValue)', async () => {
    const { url, sqs } = queue();
    const set = (value: string) =>
      sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: value } }));
    await expect(set(policy(statement('Big', 'x'.repeat(8200))))).rejects.toMatchObject({
      name: 'InvalidAttributeValue',
    });
    const many = Array.from({ length: 21 }, (_, i) => statement(`S${i}`));
    await expect(set(policy(...many))).rejects.toThrow(/21 statements, over the limit of 20/);
    await expect(set(policy(...many.slice(0, 20)))).resolves.toBeDefined();
  });
});
