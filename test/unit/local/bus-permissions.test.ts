import { describe, expect, it } from 'vitest';
import { EventBusPermissions } from '../../../local/eventbridge/permissions.js';
import type { FakeCall } from '../../../local/fakes/common.js';
import type { PolicyDocument } from '../../../local/trust/policies.js';

const ACCOUNT = '123456789012';
const BUS = 'goldsmith-test';
const call = (action: string, input: Record<string, unknown>): FakeCall => ({
  service: 'eventbridge',
  action,
  input,
  body: input,
  region: 'us-east-1',
  accountId: ACCOUNT,
});

describe("the local EventBridge's bus permissions", () => {
  it('adds a statement per PutPermission, replaces the whole policy with Policy, removes by StatementId', () => {
    const policies = new Map<string, PolicyDocument>();
    const api = new EventBusPermissions(policies, [BUS, 'default'], ACCOUNT);
    expect(api.handle(call('DescribeEventBus', { Name: BUS }))).toEqual({
      Name: BUS,
      Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/${BUS}`,
    });
    const org = { Type: 'StringEquals', Key: 'aws:PrincipalOrgID', Value: 'o-abc123' };
    api.handle(call('PutPermission', { EventBusName: BUS, StatementId: 'Org', Principal: '*', Condition: org }));
    api.handle(call('PutPermission', { EventBusName: BUS, StatementId: 'One', Principal: '999988887777' }));
    const held = JSON.parse(String((api.handle(call('DescribeEventBus', { Name: BUS })) as { Policy: string }).Policy));
    expect(held.Statement).toEqual([
      expect.objectContaining({
        Sid: 'Org',
        Principal: '*',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
      }),
      expect.objectContaining({
        Sid: 'One',
        Principal: { AWS: 'arn:aws:iam::999988887777:root' },
        Action: 'events:PutEvents',
      }),
    ]);
    api.handle(call('RemovePermission', { EventBusName: BUS, StatementId: 'One' }));
    expect(policies.get(BUS)?.Statement).toHaveLength(1);
    const whole = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Only', Effect: 'Allow', Principal: '*', Action: 'events:PutEvents' }],
    };
    api.handle(call('PutPermission', { EventBusName: BUS, Policy: JSON.stringify(whole) }));
    expect(policies.get(BUS)).toEqual(whole);
    api.handle(call('RemovePermission', { EventBusName: BUS, RemoveAllPermissions: true }));
    expect(policies.has(BUS)).toBe(false);
  });

  it('refuses an unknown statement, an unknown bus and a policy over 10 KB, changing nothing', () => {
    const policies = new Map<string, PolicyDocument>();
    const api = new EventBusPermissions(policies, [BUS], ACCOUNT);
    expect(() => api.handle(call('RemovePermission', { EventBusName: BUS, StatementId: 'Nope' }))).toThrow(
      expect.objectContaining({ name: 'ResourceNotFoundException' }),
    );
    expect(() => api.handle(call('DescribeEventBus', { Name: 'other' }))).toThrow(
      expect.objectContaining({ name: 'ResourceNotFoundException' }),
    );
    const big = { Statement: [{ Sid: 'Big', Effect: 'Allow', Principal: '*', Action: 'x'.repeat(10 * 1024) }] };
    expect(() => api.handle(call('PutPermission', { EventBusName: BUS, Policy: JSON.stringify(big) }))).toThrow(
      expect.objectContaining({ name: 'PolicyLengthExceededException' }),
    );
    expect(policies.size).toBe(0);
  });
});
