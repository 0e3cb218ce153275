import type { CloudWatchAlarmMessage } from '../../events/alarm-notification.js';
import type { NotificationOf, Severity } from '../../events/notification.js';
import { announcement } from './announce.js';

/**
 * CloudWatch's message about one of Goldsmith's alarms (events/alarm-notification.ts) as the announcement every chat
 * sink shows: the topic carries both Goldsmith's announcements and its alarms' state changes, and a sink that took
 * only the former left a dead letter for each alarm. The id is stable for the same state change (alarm, state,
 * time), so SNS's second delivery of it is recognised as a repeat.
 */

const SEVERITY: Record<CloudWatchAlarmMessage['NewStateValue'], Severity> = {
  ALARM: 'critical',
  INSUFFICIENT_DATA: 'warning',
  OK: 'info',
};

/** `2015-06-03T17:43:27.123+0000` (CloudWatch's form) as ISO 8601 with a colon in the offset. */
export function cloudWatchTime(value: string): string | undefined {
  const iso = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** The announcement of alarm message `m`; undefined when its `StateChangeTime` is no time. */
export function alarmAnnouncement(m: CloudWatchAlarmMessage): NotificationOf<'alarm-state-changed'> | undefined {
  const changedAt = cloudWatchTime(m.StateChangeTime);
  if (!changedAt) return undefined;
  const detail = {
    alarm: m.AlarmName,
    state: m.NewStateValue,
    ...(m.OldStateValue ? { previousState: m.OldStateValue } : {}),
    reason: m.NewStateReason,
    changedAt,
    ...(m.Region ? { region: m.Region } : {}),
    ...(m.AWSAccountId ? { account: m.AWSAccountId } : {}),
    ...(m.AlarmArn ? { alarmArn: m.AlarmArn } : {}),
    ...(m.AlarmDescription ? { description: m.AlarmDescription } : {}),
  };
  return announcement('alarm-state-changed', {}, detail, {
    at: changedAt,
    severity: SEVERITY[m.NewStateValue],
    key: [m.AlarmArn ?? m.AlarmName, m.NewStateValue, changedAt].join('\n'),
  });
}
