import { CloudWatchServiceException, InvalidNextToken } from '@aws-sdk/client-cloudwatch';
import {
  asArray,
  errorFactory,
  type FakeCall,
  type FakeService,
  NotImplementedByFakeError,
  paginate,
} from './common.js';
import type { MemberAccess } from './member-access.js';
import type { MemberAlarms } from './member-alarms.js';

const asErr = errorFactory(CloudWatchServiceException);

/**
 * CloudWatch in the member accounts, as their rollout role reads it: DescribeAlarms answered from {@link MemberAlarms}
 * in the caller's account and Region (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html):
 * `AlarmNames` (at most 100) or `AlarmNamePrefix`, not both; `StateValue` and `AlarmTypes` filter; `MaxRecords`
 * 1–100 (default 50) with `NextToken`, an unknown token `InvalidNextToken`. Member alarms are metric alarms; a name the
 * scenario never set is an alarm in OK, as the Auto Scaling fake's refreshes read it. A role session's call is
 * authorized by its role (`cloudwatch:DescribeAlarms` on `*`).
 */
export class MemberCloudWatchFake implements FakeService {
  access: MemberAccess | undefined;

  constructor(
    private readonly alarms: MemberAlarms,
    private readonly now: () => number,
  ) {}

  async handle(call: FakeCall): Promise<unknown> {
    if (call.action !== 'DescribeAlarms') throw new NotImplementedByFakeError('cloudwatch', call.action);
    const session = this.access?.sessionByArn(call.principal);
    if (session && this.access) {
      const refusal = await this.access.authorize(session, 'cloudwatch:DescribeAlarms', '*', {});
      if (refusal) throw asErr(refusal.code, refusal.message, 403);
    }
    return this.describeAlarms(call);
  }

  private describeAlarms(call: FakeCall): unknown {
    const { input, accountId: account, region } = call;
    const names = asArray<string>(input.AlarmNames);
    const prefix = typeof input.AlarmNamePrefix === 'string' ? input.AlarmNamePrefix : undefined;
    if (names.length > 0 && prefix !== undefined)
      throw asErr('InvalidParameterCombination', 'AlarmNamePrefix and AlarmNames cannot both be specified');
    const types = asArray<string>(input.AlarmTypes);
    // "If you omit this parameter, only metric alarms are returned"; member alarms are all metric alarms.
    if (types.length > 0 && !types.includes('MetricAlarm')) return { MetricAlarms: [], CompositeAlarms: [] };
    const known = this.alarms.names(account, region);
    const candidates = names.length > 0 ? [...new Set(names)].sort() : known.filter((n) => n.startsWith(prefix ?? ''));
    const wanted = typeof input.StateValue === 'string' ? input.StateValue : undefined;
    const matching = candidates
      .map((name) => ({ name, state: this.alarms.state(account, region, name) }))
      .filter((a) => wanted === undefined || a.state === wanted);
    const page = paginate(matching, input.MaxRecords, input.NextToken, {
      max: 100,
      defaultSize: 50,
      invalidToken: () => new InvalidNextToken({ message: 'The next token specified is invalid.', $metadata: {} }),
    });
    const at = new Date(this.now());
    return {
      MetricAlarms: page.items.map((a) => ({
        AlarmName: a.name,
        AlarmArn: `arn:aws:cloudwatch:${region}:${account}:alarm:${a.name}`,
        StateValue: a.state,
        StateReason: a.state === 'ALARM' ? 'Threshold Crossed' : 'Unchecked: Initial alarm creation',
        StateUpdatedTimestamp: this.alarms.changedAt(account, region, a.name) ?? at,
      })),
      CompositeAlarms: [],
      ...(page.nextToken !== undefined && { NextToken: page.nextToken }),
    };
  }
}
