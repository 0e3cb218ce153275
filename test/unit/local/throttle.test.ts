import { describe, expect, it } from 'vitest';
import { bucketFor, Throttle } from '../../../local/throttle.js';

describe('bucketFor', () => {
  it('uses the documented EC2 categories', () => {
    expect(bucketFor('ec2', 'DescribeImages', { Filters: [] }).limit).toEqual({ capacity: 100, refillPerSecond: 20 });
    expect(bucketFor('ec2', 'DescribeSnapshots').limit).toEqual({ capacity: 50, refillPerSecond: 10 });
    expect(bucketFor('ec2', 'DescribeSnapshots', { MaxResults: 100 }).limit).toEqual({
      capacity: 100,
      refillPerSecond: 20,
    });
    expect(bucketFor('ec2', 'EnableImageDeprecation').limit).toEqual({ capacity: 50, refillPerSecond: 5 });
    expect(bucketFor('ec2', 'ModifyImageAttribute').limit).toEqual({ capacity: 100, refillPerSecond: 5 });
    expect(bucketFor('ec2', 'CreateTags').limit).toEqual({ capacity: 100, refillPerSecond: 10 });
  });

  it('shares one SSM bucket between GetParameter and GetParameters', () => {
    expect(bucketFor('ssm', 'GetParameter').bucket).toBe(bucketFor('ssm', 'GetParameters').bucket);
    expect(bucketFor('ssm', 'GetParameter').limit.capacity).toBe(40);
    expect(bucketFor('ssm', 'PutParameter').limit.capacity).toBeLessThan(40);
  });
  it("throttles SNS's subscription listings at their documented 30 TPS, each in its own bucket", () => {
    expect(bucketFor('sns', 'ListSubscriptions')).toEqual({
      bucket: 'ListSubscriptions',
      limit: { capacity: 30, refillPerSecond: 30 },
    });
    expect(bucketFor('sns', 'ListSubscriptionsByTopic').limit).toEqual({ capacity: 30, refillPerSecond: 30 });
    const t = new Throttle(() => 0);
    let ok = 0;
    for (let i = 0; i < 31; i++) if (t.take('a', 'us-east-1', 'sns', 'ListSubscriptions')) ok++;
    expect(ok).toBe(30);
  });
});

describe('Throttle', () => {
  it('refills on the clock it is given and never beyond capacity', () => {
    let now = 0;
    const t = new Throttle(() => now);
    let ok = 0;
    for (let i = 0; i < 60; i++) if (t.take('a', 'us-east-1', 'ec2', 'DeregisterImage')) ok++;
    expect(ok).toBe(60);
    for (let i = 0; i < 60; i++) if (t.take('a', 'us-east-1', 'ec2', 'EnableImageDeprecation')) ok++;
    expect(ok).toBe(110);
    now = 1000;
    expect(t.available('a', 'us-east-1', 'ec2', 'EnableImageDeprecation')).toBeCloseTo(5);
    now = 3_600_000;
    expect(t.available('a', 'us-east-1', 'ec2', 'EnableImageDeprecation')).toBe(50);
  });

  it('keeps separate buckets per account and region', () => {
    const t = new Throttle(() => 0);
    for (let i = 0; i < 50; i++) t.take('a', 'us-east-1', 'ec2', 'EnableImageDeprecation');
    expect(t.take('a', 'us-east-1', 'ec2', 'EnableImageDeprecation')).toBe(false);
    expect(t.take('a', 'eu-west-1', 'ec2', 'EnableImageDeprecation')).toBe(true);
    expect(t.take('b', 'us-east-1', 'ec2', 'EnableImageDeprecation')).toBe(true);
  });
});
