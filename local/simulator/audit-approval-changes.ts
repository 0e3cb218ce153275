import { approvalChangesSchema } from '../../events/approval-changes.js';
import type { LocalCloud } from './cloud.js';

/**
 * The approval-changes audit (`approval-changes`): every approval request announced in the run says what its version
 * changes against the channel's current one (events/approval-changes.ts): the diff's summary, "first version in
 * <channel>", or "changes unknown: <why>". A request without any is a problem. Counts the requests it examined. A
 * resumed cloud's run (`since`: when it was saved) holds only its own requests to it: an earlier release's are its own.
 */
export function auditApprovalChanges(
  cloud: LocalCloud,
  since?: string,
): { checks: Record<string, number>; problems: string[] } {
  const topics = new Set(
    [...cloud.wiring.functions.values()].map((f) => f.environment.NOTIFY_TOPIC_ARN).filter((t): t is string => !!t),
  );
  return approvalChangesProblems(
    cloud.installed.fakes.sns.messages.filter((x) => topics.has(x.topicArn) && (since === undefined || x.at > since)),
  );
}

/** The audit over the messages published to the notifications topic (each `message` an announcement's JSON). */
export function approvalChangesProblems(messages: readonly { message: string }[]): {
  checks: Record<string, number>;
  problems: string[];
} {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const m of messages) {
    const n = JSON.parse(m.message) as {
      id: string;
      event: string;
      image?: string;
      version?: string;
      channel?: string;
      detail?: { changes?: unknown };
    };
    if (n.event !== 'approval-requested' || seen.has(n.id)) continue;
    seen.add(n.id);
    const changes = approvalChangesSchema.safeParse(n.detail?.changes);
    if (!changes.success) {
      problems.push(
        `approval-changes: the approval request of ${n.image ?? '?'} ${n.version ?? '?'} for ${n.channel ?? '?'} (${n.id}) says nothing of what it changes`,
      );
    }
  }
  return { checks: { 'approval-changes': seen.size }, problems };
}
