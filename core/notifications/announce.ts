import { createHash } from 'node:crypto';
import {
  NOTIFICATION_SCHEMA_VERSION,
  type NotificationEvent,
  type NotificationOf,
  type Severity,
} from '../../events/notification.js';
import { AWAITING_CONFIRMATION } from '../audit/subscriptions.js';
import { revokeCommand } from '../lifecycle/finding-response.js';
import { approverDoorText } from '../promotion/decision-proof.js';
import { changesLine } from '../sbom/changes-text.js';
import { ALARM_SEVERITY, ALARM_TEXT } from './alarm-text.js';
import { KEY_GRANTS_SEVERITY, KEY_GRANTS_TEXT } from './key-grants-text.js';
import type { Link } from './links.js';
import { ROLLOUT_SEVERITY, ROLLOUT_TEXT } from './rollout-text.js';
import type { Subject } from './shapes.js';
import { everyDecisionRoute } from './sinks.js';

export type { Subject } from './shapes.js';

type Detail<E extends NotificationEvent> = NotificationOf<E>['detail'];
type Text = { title: string; summary: string };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const list = (items: readonly string[]) => (items.length === 0 ? 'none' : items.join(', '));
const findings = (f: { critical: number; high: number; medium: number }) =>
  `${f.critical} critical, ${f.high} high, ${f.medium} medium`;
const who = (by: string | undefined, via: string | undefined) =>
  by ? ` by ${by}${via && via !== 'goldsmith' && via !== 'timeout' ? ` (${approverDoorText(via)})` : ''}` : '';

/**
 * How an approver decides, as the team's announcement says it: no link in it (each approver's own links reach that
 * approver alone, and work only as that approver), the routes the catalog configures for the request's approvers
 * (core/notifications/sinks.ts `decisionRoutes`: the signed links, the Slack buttons for mapped Slack users, …), or
 * the CLI. Without `routes` (rendered where the catalog is not at hand), every sink's route is named.
 */
export function HOW_TO_DECIDE(s: Subject, routes: readonly string[] = everyDecisionRoute()): string {
  const cli = `run \`goldsmith approve|reject ${s.image} ${s.channel}\``;
  return `Approvers: ${routes.length === 0 ? cli : `${routes.join(', ')}, or ${cli}`}.`;
}

/** What an announcement's text takes beyond its subject and detail. */
interface TextOptions {
  /** An approval request's routes (core/notifications/sinks.ts `decisionRoutes`); every sink's when not given. */
  decisionRoutes?: readonly string[] | undefined;
}

/** The one line and the first sentence people read, per kind of announcement. */
const TEXT: { [E in NotificationEvent]: (s: Subject, d: Detail<E>, o: TextOptions) => Text } = {
  'build-requested': (s, d) => ({
    title: `${s.image}: build requested (${d.trigger})`,
    summary: `A new build of ${s.image} was requested: ${d.reason}.`,
  }),
  'build-skipped': (s, d) => ({
    title: `${s.image}: build skipped (${d.trigger})`,
    summary: `No build of ${s.image}: ${d.reason}.`,
  }),
  'build-failed': (s, d) => ({
    title: `${s.image} ${s.version}: build ${d.status.toLowerCase()}`,
    summary: `Build ${s.version} of ${s.image} ended ${d.status}${d.component ? ` in ${d.component}` : ''}: ${d.reason}. It will not be promoted.`,
  }),
  'image-available': (s, d) => ({
    title: `${s.image} ${s.version}: built, tested, distributed`,
    summary: `${s.image} ${s.version} is available in ${plural(d.amis.length, 'region')} (${list(d.amis.map((a) => a.region))}); its promotion starts now.`,
  }),
  'gate-passed': (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} gate passed`,
    summary: `${s.image} ${s.version} passed the ${s.channel} gate (findings: ${findings(d.findings)}).`,
  }),
  'gate-failed': (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} gate failed`,
    summary: `${s.image} ${s.version} failed the ${s.channel} gate: ${d.reason}.`,
  }),
  'approval-requested': (s, d, o) => ({
    title: `Approve ${s.image} ${s.version} for ${s.channel}?`,
    summary: `${s.image} ${s.version} is waiting for approval to enter ${s.channel} until ${d.expiresAt}; the first answer of ${list(d.approvers)} decides.${d.parent ? ` Built on ${d.parent}.` : ''}${d.changes ? ` Changes ${changesLine(d.changes)}.` : ''} ${HOW_TO_DECIDE(s, o.decisionRoutes)}`,
  }),
  approved: (s, d) => ({
    title: `${s.image} ${s.version}: approved for ${s.channel}`,
    summary: `${s.image} ${s.version} was approved for ${s.channel}${who(d.by, d.via)}.`,
  }),
  rejected: (s, d) => ({
    title: `${s.image} ${s.version}: rejected for ${s.channel}`,
    summary: `${s.image} ${s.version} was rejected for ${s.channel}${who(d.by, d.via)}: ${d.reason}.`,
  }),
  expired: (s, d) => ({
    title: `${s.image} ${s.version}: approval for ${s.channel} expired`,
    summary: `Nobody decided on ${s.image} ${s.version} for ${s.channel} in time: ${d.reason}.`,
  }),
  aborted: (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} promotion aborted`,
    summary: `The promotion of ${s.image} ${s.version} to ${s.channel} was aborted: ${d.reason}.`,
  }),
  paused: (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} promotion paused`,
    summary: `The promotion of ${s.image} ${s.version} to ${s.channel} is paused: ${d.reason}.`,
  }),
  resumed: (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} promotion resumed`,
    summary: `The paused promotion of ${s.image} ${s.version} was resumed at ${s.channel} by ${d.by} (resumption ${d.resumes}).`,
  }),
  promoted: (s, d) => ({
    title: `${s.image} ${s.version}: promoted to ${s.channel}`,
    summary: `${s.image} ${s.version} is now ${s.channel} in ${plural(d.amis.length, 'region')}${
      d.targets ? `, launchable by ${plural(d.targets.accounts, 'account')} in ${plural(d.targets.ous, 'OU')}` : ''
    }; ${d.pointer} points at it.`,
  }),
  'pipeline-disabled': (s, d) => ({
    title: `${s.image}: pipeline disabled after ${plural(d.consecutiveFailures, 'failed build')}`,
    summary: `Image Builder disabled the pipeline of ${s.image} after ${plural(d.consecutiveFailures, 'consecutive failed scheduled build')}; no build of ${s.image} runs until it is fixed and enabled again.`,
  }),
  'builds-paused': (s, d) => ({
    title: `${s.image}: builds paused after ${plural(d.failedBuilds.length, 'failed build')} in a row`,
    summary: `The last ${plural(d.failedBuilds.length, 'build')} of ${s.image} failed in a row (${list(d.failedBuilds)}); no trigger starts another until an operator resumes them: ${d.resume}.`,
  }),
  'revocation-requested': (s, d) => ({
    title: `Revoke ${s.image} ${s.version} from ${list(d.channels)}?`,
    summary: `${s.image} ${s.version}, promoted to ${list(d.channels)}, now breaks policy: ${d.reason}. A revocation was requested: ${revokeCommand({ image: s.image ?? '', version: s.version ?? '' })} carries it out; until then it stays where it is promoted.`,
  }),
  'fleet-finding': (s, d) => ({
    title: `${s.image} ${s.version}: ${d.findingSeverity.toLowerCase()} finding on an instance of account ${d.account}`,
    summary: `Inspector found ${d.vulnerabilityId ?? 'a finding'}${d.packages.length ? ` (${list(d.packages)})` : ''} on ${d.resource} in ${d.region}, account ${d.account}, launched from ${s.image} ${s.version}: ${d.reason}. It is the instance owner's to fix; ${s.image} ${s.version} stays where it is promoted.`,
  }),
  retired: (s, d) => ({
    title: `${s.image} ${s.version}: retired${d.channels?.length ? ` from ${list(d.channels)}` : ''}`,
    summary: `${s.image} ${s.version} was retired: ${d.reason}.`,
  }),
  revoked: (s, d) => ({
    title: `${s.image} ${s.version}: revoked`,
    summary: `${s.image} ${s.version} was revoked${d.by ? ` by ${d.by}` : ''} from ${list(d.channels)}: ${d.reason}. Nobody can launch it any more.${
      d.inUse
        ? ` ${plural(d.inUse.accounts, 'account')} still ran it (${plural(d.inUse.instances, 'instance')}) when usage was last observed (${d.inUse.observedAt}); each is told on its own.`
        : ''
    }`,
  }),
  'fleet-on-revoked': (s, d) => ({
    title: `${s.image} ${s.version} was revoked: account ${d.account} still runs it in ${d.region}`,
    summary: `Account ${d.account} ran ${plural(d.instances, 'instance')} and ${plural(d.launchTemplates, 'launch template')} on ${s.image} ${s.version} in ${d.region} when usage was last observed (${d.observedAt}). It was revoked: ${d.reason}. Those instances keep running, but nothing can launch the AMI any more; move to the channel's current version.`,
  }),
  'revocation-scheduled': (s, d) => ({
    title: `${s.image} ${s.version}: revocation scheduled for ${d.due}`,
    summary: `${s.image} ${s.version} will be revoked at ${d.due} (asked by ${d.by}): ${d.reason}. Until then it stays where it is promoted.`,
  }),
  'hold-expired': (s, d) => ({
    title: `${s.image} ${s.version}: still in use after its hold`,
    summary: `${s.image} ${s.version} left retention but ${plural(d.accounts, 'account')} still use it (${plural(d.instances, 'instance')}${d.someAccounts.length ? `: ${list(d.someAccounts)}${d.accounts > d.someAccounts.length ? ', …' : ''}` : ''}); its deletion has waited since ${d.heldSince} and its hold ended ${d.heldUntil}. It stays, deprecated, until nobody uses it, or until an operator runs goldsmith lifecycle release ${s.image} ${s.version} --reason R.`,
  }),
  'hold-released': (s, d) => ({
    title: `${s.image} ${s.version}: released for deletion`,
    summary: `${d.by} released ${s.image} ${s.version} for deletion although ${plural(d.accounts, 'account')} still use it (${plural(d.instances, 'instance')}): ${d.reason}. The next lifecycle sweep deletes it.`,
  }),
  'version-restored': (s, d) => ({
    title: `${s.image} ${s.version}: restored`,
    summary: `${d.by} restored ${s.image} ${s.version}, revoked at ${d.revokedAt} (${d.revokedFor}): ${d.reason}. It is no longer revoked and launchable again by the channels it was promoted to; no channel was moved back to it.`,
  }),
  'soak-ended-early': (s, d) => ({
    title: `${s.image} ${s.version}: soak in ${s.channel} ended early`,
    summary: `${d.by} ended the soak of ${s.image} ${s.version} in ${s.channel}, due to end at ${d.until}${d.reason ? `: ${d.reason}` : ''}. Every gate after it still applies.`,
  }),
  'revocation-cancelled': (s, d) => ({
    title: `${s.image} ${s.version}: revocation at ${d.due} cancelled`,
    summary: `The revocation of ${s.image} ${s.version} due at ${d.due} was cancelled by ${d.by}${d.reason ? `: ${d.reason}` : ''}. It stays where it is promoted.`,
  }),
  'rolled-back': (s, d) => ({
    title: `${s.image}/${s.channel}: rolled ${d.direction === 'forward' ? 'forward' : 'back'} to ${d.to}`,
    summary: `${s.channel} of ${s.image} now points at ${d.to}${d.from ? ` instead of ${d.from}` : ''}${d.direction === 'forward' ? `, newer: a roll-forward${d.by ? ` by ${d.by}` : ''}` : ''}: ${d.reason}.`,
  }),
  'drift-found': (s, d) => {
    const what =
      {
        'channel-pointer': `pointer ${s.image}/${s.channel}`,
        'launch-permissions': `launch permissions of ${s.image} ${s.version}`,
        'revocation-schedule': `scheduled revocation of ${s.image} ${s.version}`,
        'event-rule': `EventBridge rule ${d.name ?? ''}`,
        subscription: `subscriptions of ${d.name ?? ''}`,
        // A door's policy: `topic-policy <arn>`, `queue-policy <url>`.
      }[d.resource as 'event-rule'] ?? `${d.resource} ${d.name}`;
    // An image's drift is against the ledger, a factory resource's (a rule, a door's policy) against the stacks.
    const says = s.image ? 'ledger says' : 'stacks say';
    return {
      // A subscription the audit made again, still awaiting its owner's confirmation (core/audit/subscriptions.ts).
      title: `${what}${d.region ? ` (${d.region})` : ''}: ${d.resource === 'subscription' && d.found.includes(AWAITING_CONFIRMATION) ? AWAITING_CONFIRMATION : 'changed outside Goldsmith'}`,
      summary: `The audit found the ${what}${d.region ? ` in ${d.region}` : ''} holding ${d.found} where Goldsmith's ${says} ${d.expected}: ${d.action}.`,
    };
  },
  'claim-refused': (s, d) => {
    const what = {
      'approval-decision': `a recorded decision on ${s.image} ${s.version} for ${s.channel}`,
      'dead-letter': 'a dead letter',
      'scheduled-build': `a scheduled build of ${s.image}`,
      'package-release': `a package release built into ${s.image} ${s.version}`,
      'sbom-export': `the SBOM export of ${s.image} ${s.version}`,
    }[d.claim];
    if (d.claim === 'sbom-export') {
      return {
        title: `Refused ${what}: not Inspector's SBOM of the build`,
        summary: `Goldsmith refused ${what} (${d.found}): ${d.reason}. Nothing of it was read into the version's inventory.`,
      };
    }
    if (d.claim === 'package-release') {
      return {
        title: `Refused ${what}: the build does not hold it`,
        summary: `Goldsmith refused ${what} (${d.found}): ${d.reason}.`,
      };
    }
    return {
      title: `Refused ${what}: not Goldsmith's own`,
      summary: `Goldsmith refused ${what} (${d.found}): ${d.reason}. Nothing acted on it; someone wrote it outside Goldsmith's own paths.`,
    };
  },
  'monthly-summary': (_s, d) => {
    const built = d.images.reduce((n, i) => n + i.built, 0);
    const promoted = d.images.reduce((n, i) => n + i.promoted, 0);
    return {
      title: `Golden images, ${d.month}: ${plural(built, 'build')}, ${plural(promoted, 'promotion')}`,
      summary: `${d.month}: ${plural(built, 'build')}, ${plural(promoted, 'promotion')}, ${plural(
        d.images.reduce((n, i) => n + i.rejected, 0),
        'rejection',
      )}; ${plural(d.waiting.length, 'approval')} still waiting${
        d.soaking?.length ? `, ${plural(d.soaking.length, 'soak')} running` : ''
      }${d.building?.length ? `, ${plural(d.building.length, 'build')} in flight` : ''}${
        d.cost ? `; estimated cost ${d.cost.total.toFixed(2)} ${d.cost.currency}` : ''
      }.`,
    };
  },
  ...ROLLOUT_TEXT,
  ...KEY_GRANTS_TEXT,
  ...ALARM_TEXT,
};

/** Default severity: what needs a person's attention now is critical; what went wrong but waits is a warning. */
const SEVERITY: Record<NotificationEvent, Severity> = {
  'build-requested': 'info',
  'build-skipped': 'info',
  'build-failed': 'warning',
  'image-available': 'info',
  'gate-passed': 'info',
  'gate-failed': 'warning',
  'approval-requested': 'info',
  approved: 'info',
  rejected: 'warning',
  expired: 'warning',
  aborted: 'warning',
  paused: 'warning',
  resumed: 'info',
  promoted: 'info',
  'pipeline-disabled': 'critical',
  'builds-paused': 'critical',
  'revocation-requested': 'critical',
  'fleet-finding': 'warning',
  retired: 'info',
  revoked: 'critical',
  'revocation-scheduled': 'warning',
  'revocation-cancelled': 'info',
  'soak-ended-early': 'warning',
  'hold-expired': 'warning',
  'fleet-on-revoked': 'critical',
  'hold-released': 'warning',
  'version-restored': 'warning',
  'rolled-back': 'warning',
  'drift-found': 'warning',
  'claim-refused': 'critical',
  'monthly-summary': 'info',
  ...ROLLOUT_SEVERITY,
  ...KEY_GRANTS_SEVERITY,
  ...ALARM_SEVERITY,
};

// Email subjects are UTF-8 without line breaks or control characters, under 100 characters
// (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html, "Subject"); Goldsmith's are kept to printable ASCII.
function oneLine(text: string, max: number): string {
  const ascii = text
    .replaceAll('→', '->')
    .replaceAll('…', '...')
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return ascii.length <= max ? ascii : `${ascii.slice(0, max - 3)}...`;
}

/**
 * Builds the announcement of `event` about `subject`: the contract's envelope (version, a stable id, time,
 * severity, title, summary, links) around `detail`.
 * @param key distinguishes announcements of the same event about the same subject (a dedupe key, a month); the id
 * is a hash of event, subject and key, so a retried step announces with the same id and subscribers drop the copy.
 */
export function announcement<E extends NotificationEvent>(
  event: E,
  subject: Subject,
  detail: Detail<E>,
  options: {
    at: string;
    links?: Link[] | undefined;
    severity?: Severity | undefined;
    key?: string | undefined;
  } & TextOptions,
): NotificationOf<E> {
  const text = TEXT[event](subject, detail, options);
  const id = createHash('sha256')
    .update([event, subject.image ?? '', subject.version ?? '', subject.channel ?? '', options.key ?? ''].join('\n'))
    .digest('base64url')
    .slice(0, 22);
  const doc = {
    schemaVersion: NOTIFICATION_SCHEMA_VERSION,
    id,
    event,
    at: options.at,
    severity: options.severity ?? SEVERITY[event],
    title: oneLine(text.title, 99),
    summary: text.summary,
    links: options.links ?? [],
    detail,
    ...(subject.image !== undefined ? { image: subject.image } : {}),
    ...(subject.version !== undefined ? { version: subject.version } : {}),
    ...(subject.channel !== undefined ? { channel: subject.channel } : {}),
  };
  return doc as NotificationOf<E>;
}
