import type { PromotionOutcome, RegionAmi } from './types.js';

/** What a notification is about; subscribers filter on it (`event` message attribute). */
export type PromotionEvent =
  | 'build-failed'
  | 'approval-requested'
  | 'promoted'
  | 'rejected'
  | 'expired'
  | 'aborted'
  | 'revocation-requested'
  | 'retired';

/** One notification (the shape `aws/sns.ts` publishes): subject, message, and the attributes subscribers filter on. */
export interface Notification {
  subject: string;
  message: string;
  image: string;
  channel?: string | undefined;
  event: PromotionEvent;
  severity: 'info' | 'warning' | 'critical';
}

// SNS subjects are at most 100 characters.
function subject(text: string): string {
  return text.length <= 100 ? text : `${text.slice(0, 99)}…`;
}

/** A build that ended FAILED or CANCELLED: never promoted, announced with Image Builder's reason. */
export function buildFailedMessage(image: string, version: string, status: string, reason: string): Notification {
  return {
    subject: subject(`${image} ${version} build ${status.toLowerCase()}`),
    message: `Build ${version} of ${image} ended ${status}: ${reason}. It will not be promoted.`,
    image,
    event: 'build-failed',
    severity: 'warning',
  };
}

/** An approval request with one approve and one reject link per approver. */
export function approvalRequestedMessage(input: {
  image: string;
  version: string;
  channel: string;
  expiresAt: string;
  links: { approver: string; approve: string; reject: string }[];
}): Notification {
  const lines = input.links.map((l) => `${l.approver}: approve ${l.approve} | reject ${l.reject}`);
  return {
    subject: subject(`Approve ${input.image} ${input.version} for ${input.channel}?`),
    message: [
      `${input.image} ${input.version} is waiting for approval to enter ${input.channel} (until ${input.expiresAt}).`,
      ...lines,
    ].join('\n'),
    image: input.image,
    channel: input.channel,
    event: 'approval-requested',
    severity: 'info',
  };
}

/** A channel decision: promoted (with its AMIs) or not, with the reason. */
export function outcomeMessage(input: {
  image: string;
  version: string;
  channel: string;
  outcome: PromotionOutcome;
  reason: string;
  amis?: RegionAmi[] | undefined;
}): Notification {
  const amis = input.amis?.map((a) => `${a.region} ${a.imageId}`).join(', ');
  const text =
    input.outcome === 'promoted'
      ? `${input.image} ${input.version} is now ${input.channel}${amis ? ` (${amis})` : ''}.`
      : `${input.image} ${input.version} was ${input.outcome} for ${input.channel}: ${input.reason}.`;
  return {
    subject: subject(`${input.image} ${input.version} ${input.outcome} (${input.channel})`),
    message: text,
    image: input.image,
    channel: input.channel,
    event: input.outcome,
    severity: input.outcome === 'promoted' ? 'info' : 'warning',
  };
}

/** A finding over a channel's policy on an image already in that channel. */
export function revocationRequestedMessage(
  image: string,
  version: string,
  channel: string,
  reason: string,
): Notification {
  return {
    subject: subject(`Revoke ${image} ${version} from ${channel}?`),
    message: `${image} ${version}, promoted to ${channel}, now breaks the channel's policy: ${reason}. A revocation was requested.`,
    image,
    channel,
    event: 'revocation-requested',
    severity: 'critical',
  };
}
