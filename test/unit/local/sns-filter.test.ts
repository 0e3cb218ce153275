import { describe, expect, it } from 'vitest';
import { FilterPolicyError, filterPolicyMatches, parseFilterPolicy } from '../../../local/fakes/sns-filter.js';
import { SnsFake } from '../../../local/fakes/sns-sts.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:goldsmith-local-approval-links';

describe('SNS filter policies (message attributes)', () => {
  it('delivers only what matches every key, any value', () => {
    const policy = parseFilterPolicy(JSON.stringify({ approver: ['ops-lead'], channel: ['prod', 'staging'] }));
    expect(filterPolicyMatches(policy, { approver: 'ops-lead', channel: 'prod' })).toBe(true);
    expect(filterPolicyMatches(policy, { approver: 'security-reviewer', channel: 'prod' })).toBe(false);
    // A message without an attribute the policy names is not delivered.
    expect(filterPolicyMatches(policy, { channel: 'prod' })).toBe(false);
  });

  it('matches exists, prefix and anything-but as AWS documents them', () => {
    const policy = parseFilterPolicy(
      JSON.stringify({
        approver: [{ exists: false }],
        event: [{ 'anything-but': ['approved'] }],
        image: [{ prefix: 'ba' }],
      }),
    );
    expect(filterPolicyMatches(policy, { event: 'promoted', image: 'base' })).toBe(true);
    expect(filterPolicyMatches(policy, { event: 'approved', image: 'base' })).toBe(false);
    expect(filterPolicyMatches(policy, { approver: 'ops-lead', event: 'promoted', image: 'base' })).toBe(false);
  });

  it('refuses more than five keys and more than 150 combinations', () => {
    const six = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => [k, ['x']]));
    expect(() => parseFilterPolicy(JSON.stringify(six))).toThrow(FilterPolicyError);
    // Named as what it is where it is printed (a stack's subscription refused while the local cloud starts).
    expect(() => parseFilterPolicy(JSON.stringify(six))).toThrow(
      expect.objectContaining({ name: 'FilterPolicyError', message: expect.stringMatching(/more than 5 keys/) }),
    );
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
    expect(() => parseFilterPolicy(JSON.stringify({ a: values(13), b: values(12) }))).toThrow(/too complex/);
    expect(() => parseFilterPolicy(JSON.stringify({ a: values(15), b: values(10) }))).not.toThrow();
  });
});

describe('SnsFake subscriptions', () => {
  it("puts each approver's message in that approver's inbox only", () => {
    const sns = new SnsFake('123456789012', () => Date.UTC(2027, 0, 1));
    sns.topics.add(TOPIC);
    sns.subscribe(TOPIC, 'email', 'ops@example.com', JSON.stringify({ approver: ['ops-lead'] }));
    sns.subscribe(TOPIC, 'email', 'sec@example.com', JSON.stringify({ approver: ['security-reviewer'] }));
    const publish = (approver: string) =>
      sns.handle({
        service: 'sns',
        action: 'Publish',
        region: 'us-east-1',
        accountId: '123456789012',
        body: undefined,
        input: {
          TopicArn: TOPIC,
          MessageStructure: 'json',
          Message: JSON.stringify({ default: `{"for":"${approver}"}`, email: `links of ${approver}` }),
          MessageAttributes: { approver: { DataType: 'String', StringValue: approver } },
        },
      });
    publish('ops-lead');
    publish('security-reviewer');

    expect(sns.inbox('ops@example.com').map((d) => d.body)).toEqual(['links of ops-lead']);
    expect(sns.inbox('sec@example.com').map((d) => d.body)).toEqual(['links of security-reviewer']);
  });

  it('refuses a Subscribe whose filter policy SNS would refuse', () => {
    const sns = new SnsFake('123456789012', () => 0);
    sns.topics.add(TOPIC);
    expect(() =>
      sns.handle({
        service: 'sns',
        action: 'Subscribe',
        region: 'us-east-1',
        accountId: '123456789012',
        body: undefined,
        input: {
          TopicArn: TOPIC,
          Protocol: 'email',
          Endpoint: 'a@example.com',
          Attributes: { FilterPolicy: '{"a":"x"}' },
        },
      }),
    ).toThrow(/FilterPolicy/);
  });
});
