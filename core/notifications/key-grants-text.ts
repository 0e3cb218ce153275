import type { KEY_GRANTS_NOTIFICATION_DETAILS } from '../../events/key-grants-notification.js';
import type { NotificationOf, Severity } from '../../events/notification.js';
import type { Fact, Subject } from './shapes.js';

/**
 * What the AMI key grants auditor's announcements say (functions/key-grants.ts), in Slack and mail alike: the
 * Region, the count against the quota, the account concerned, and what a person does about it (docs/consumers.md,
 * "KMS grants").
 */

export type KeyGrantsEvent = keyof typeof KEY_GRANTS_NOTIFICATION_DETAILS;
type Detail<E extends KeyGrantsEvent> = NotificationOf<E>['detail'];
type Text = { title: string; summary: string };

const percent = (part: number, whole: number) => `${Math.floor((part / whole) * 100)} %`;

export const KEY_GRANTS_TEXT: { [E in KeyGrantsEvent]: (s: Subject, d: Detail<E>) => Text } = {
  'key-grants-high': (_s, d) =>
    d.finding === 'quota'
      ? {
          title: `AMI key grants in ${d.region}: ${percent(d.total, d.quota)} of the quota`,
          summary: `The AMI key in ${d.region} holds ${d.total} of ${d.quota} grants: past the quota, launches from Goldsmith's AMIs fail there. Raise the quota or have accounts detach unused volumes (docs/consumers.md).`,
        }
      : {
          title: `AMI key grants in ${d.region}: account ${d.account ?? ''} holds ${percent(d.grants ?? 0, d.quota)}`,
          summary: `Account ${d.account ?? ''} holds ${d.grants ?? 0} of the ${d.total} grants on the AMI key in ${d.region}, above the catalog's share of the ${d.quota} per key: each attached volume holds one (docs/consumers.md).`,
        },
  'key-grant-revoked': (_s, d) =>
    d.grants
      ? {
          title: `${d.grants} AMI key grants of ${d.account} revoked in ${d.region}`,
          summary: `Goldsmith revoked ${d.grants} grants of account ${d.account} on the AMI key in ${d.region} (the first: ${d.grantId}${d.name ? `, ${d.name}` : ''}): ${d.reason}. Ask the account's owners who creates grants on the factory's key (docs/security/audit.md).`,
        }
      : {
          title: `AMI key grant of ${d.account} revoked in ${d.region}`,
          summary: `Goldsmith revoked grant ${d.grantId}${d.name ? ` (${d.name})` : ''} of account ${d.account} on the AMI key in ${d.region}: ${d.reason}.`,
        },
  'key-grant-kept': (_s, d) => ({
    title: `AMI key grant of ${d.account} kept in ${d.region}`,
    summary: `Goldsmith kept grant ${d.grantId}${d.name ? ` (${d.name})` : ''} of account ${d.account} on the AMI key in ${d.region}: ${d.why}${d.until ? `; revoked from ${d.until} if still held` : ''}.`,
  }),
};

export const KEY_GRANTS_SEVERITY: Record<KeyGrantsEvent, Severity> = {
  'key-grants-high': 'warning',
  'key-grant-revoked': 'info',
  'key-grant-kept': 'warning',
};

export const KEY_GRANTS_MARK: Record<KeyGrantsEvent, string> = {
  'key-grants-high': ':key:',
  'key-grant-revoked': ':broom:',
  'key-grant-kept': ':hourglass:',
};

/** The key facts of a grants announcement, as email lists them and Slack shows them as fields. */
export function keyGrantsFacts(n: NotificationOf<KeyGrantsEvent>): Fact[] {
  if (n.event === 'key-grant-revoked') {
    const d = n.detail as Detail<'key-grant-revoked'>;
    return [
      ['Region', d.region],
      ['Account', d.account],
      ['Grant', d.grantId],
      ...(d.grants ? [['Grants', String(d.grants)] as const] : []),
      ['Reason', d.reason],
    ];
  }
  if (n.event === 'key-grant-kept') {
    const d = n.detail as Detail<'key-grant-kept'>;
    return [
      ['Region', d.region],
      ['Account', d.account],
      ['Grant', d.grantId],
      ['Why', d.why],
      ...(d.until ? [['Until', d.until] as const] : []),
    ];
  }
  const d = n.detail as Detail<'key-grants-high'>;
  return [
    ['Region', d.region],
    ['Grants', `${d.total} of ${d.quota}`],
    ...(d.account ? [['Account', `${d.account}: ${d.grants ?? 0}`] as const] : []),
  ];
}
