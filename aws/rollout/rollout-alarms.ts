import { paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { cloudWatchClient } from '../clients/cloudwatch.js';
import { asMember, type MemberScope } from './member-session.js';

/**
 * The names among `names` of the alarms in ALARM in a member account and Region, read as its rollout role.
 * DescribeAlarms by `AlarmNames` (at most 100 names) with `StateValue: ALARM`, paginated by `NextToken`, metric and
 * composite alarms alike (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
 * A name with no alarm in that account and Region is not in ALARM: it is simply not returned.
 */
export async function alarmsInAlarm(scope: MemberScope, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  return asMember(scope, async ({ region, identity }) => {
    const client = cloudWatchClient(region, identity);
    const firing = new Set<string>();
    const pages = paginateDescribeAlarms(
      { client },
      { AlarmNames: [...names], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], StateValue: 'ALARM' },
    );
    for await (const page of pages) {
      for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        if (a.AlarmName !== undefined && a.StateValue === 'ALARM') firing.add(a.AlarmName);
      }
    }
    return names.filter((n) => firing.has(n));
  });
}
