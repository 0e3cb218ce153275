import type { ALARM_NOTIFICATION_DETAILS } from '../../events/alarm-notification.js';
import type { NotificationOf, Severity } from '../../events/notification.js';
import type { Fact, Subject } from './shapes.js';

/**
 * What a CloudWatch alarm's notification says in every chat sink (core/notifications/alarm.ts turns CloudWatch's
 * message into the announcement): the alarm, its new and former state, CloudWatch's reason, and where it is.
 */

export type AlarmEvent = keyof typeof ALARM_NOTIFICATION_DETAILS;
type Detail<E extends AlarmEvent> = NotificationOf<E>['detail'];
type Text = { title: string; summary: string };

const STATE_WORDS = { OK: 'back to OK', ALARM: 'in ALARM', INSUFFICIENT_DATA: 'without enough data' } as const;

export const ALARM_TEXT: { [E in AlarmEvent]: (s: Subject, d: Detail<E>) => Text } = {
  'alarm-state-changed': (_s, d) => ({
    title: `Alarm ${d.alarm}: ${STATE_WORDS[d.state]}`,
    summary: `${d.description ?? `CloudWatch alarm ${d.alarm}`}. CloudWatch says: ${d.reason}`,
  }),
};

/** An alarm in ALARM wants a person now; one without data, a look; one back to OK, nothing. */
export const ALARM_SEVERITY: Record<AlarmEvent, Severity> = { 'alarm-state-changed': 'warning' };

export const ALARM_MARK: Record<AlarmEvent, string> = { 'alarm-state-changed': ':rotating_light:' };

/** The facts of an alarm's announcement, as email lists them and Slack shows them as fields. */
export function alarmFacts(n: NotificationOf<AlarmEvent>): Fact[] {
  const d = n.detail;
  return [
    ['State', d.previousState ? `${d.previousState} → ${d.state}` : d.state],
    ['Changed', d.changedAt],
    ...(d.region ? [['Region', d.region] as const] : []),
    ...(d.account ? [['Account', d.account] as const] : []),
  ];
}
