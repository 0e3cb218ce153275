import { describe, expect, it } from 'vitest';
import type { FakeCall } from '../../../local/fakes/common.js';
import { MemberAlarms } from '../../../local/fakes/member-alarms.js';
import { MemberCloudWatchFake } from '../../../local/fakes/member-cloudwatch.js';

const ACCOUNT = '200000000001';
const call = (input: Record<string, unknown>, accountId = ACCOUNT): FakeCall => ({
  service: 'cloudwatch',
  action: 'DescribeAlarms',
  input,
  body: undefined,
  region: 'us-east-1',
  accountId,
});
type Out = { MetricAlarms: { AlarmName: string; StateValue: string }[]; NextToken?: string };

describe("the member accounts' CloudWatch DescribeAlarms", () => {
  const alarms = new MemberAlarms(() => Date.parse('2027-01-02T00:00:00Z'));
  alarms.set(ACCOUNT, 'us-east-1', 'app-5xx', 'ALARM');
  alarms.set(ACCOUNT, 'us-east-1', 'app-latency', 'OK');
  alarms.set(ACCOUNT, 'eu-west-1', 'app-errors', 'ALARM');
  const fake = new MemberCloudWatchFake(alarms, () => Date.parse('2027-01-02T01:00:00Z'));

  it('answers by name and state, a page at a time', async () => {
    const names = ['app-5xx', 'app-latency', 'app-errors'];
    const firing = (await fake.handle(call({ AlarmNames: names, StateValue: 'ALARM' }))) as Out;
    // app-errors is in ALARM in another Region only; another account sees nothing of these.
    expect(firing.MetricAlarms.map((a) => a.AlarmName)).toEqual(['app-5xx']);
    const other = (await fake.handle(call({ AlarmNames: names, StateValue: 'ALARM' }, '200000000002'))) as Out;
    expect(other.MetricAlarms).toEqual([]);
    const first = (await fake.handle(call({ AlarmNames: names, MaxRecords: 2 }))) as Out;
    expect(first.MetricAlarms.map((a) => `${a.AlarmName} ${a.StateValue}`)).toEqual(['app-5xx ALARM', 'app-errors OK']);
    const second = (await fake.handle(call({ AlarmNames: names, MaxRecords: 2, NextToken: first.NextToken }))) as Out;
    expect(second.MetricAlarms.map((a) => a.AlarmName)).toEqual(['app-latency']);
    expect(second.NextToken).toBeUndefined();
    // Composite alarms only: member alarms are metric alarms.
    expect(((await fake.handle(call({ AlarmTypes: ['CompositeAlarm'] }))) as Out).MetricAlarms).toEqual([]);
  });

  it("refuses a bad token and names with a prefix, in CloudWatch's words", async () => {
    await expect(fake.handle(call({ AlarmNames: ['a'], NextToken: 'nope' }))).rejects.toThrow(
      'The next token specified is invalid.',
    );
    await expect(fake.handle(call({ AlarmNames: ['a'], AlarmNamePrefix: 'a' }))).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
    });
  });
});
