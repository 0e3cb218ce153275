import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients.js';
import { announcementIdOfPostKey } from '../../core/notifications/post-key.js';
import type { LocalCloud } from './cloud.js';

/**
 * The Slack audit (`slack-delivered`), when the catalog configures Slack: every announcement published to the
 * notifications topic is in Slack (the ledger records its message), still waits in the Slack function's backlog,
 * or sits in the function's dead-letter queue, from which it can be re-driven. Anything else was lost. Counts the
 * announcements it examined.
 */
export async function auditSlack(cloud: LocalCloud): Promise<{ checks: Record<string, number>; problems: string[] }> {
  if (!cloud.slack) return { checks: {}, problems: [] };
  const table = cloud.wiring.tables[0]?.name ?? '';
  const posted = new Set<string>();
  const waiting = new Set<string>();
  const pages = paginateQuery(
    { client: documentClient() },
    { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'SLACK' } },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const sk = String(item.sk);
      if (sk.startsWith('MSG#') && typeof item.ts === 'string')
        posted.add(announcementIdOfPostKey(sk.slice('MSG#'.length)));
      if (sk.startsWith('PENDING#')) waiting.add(String((item.notification as { id?: unknown }).id));
    }
  }
  const deadLettered = new Set(
    cloud.invoker.deadLetters.flatMap((d) => {
      const records = (d.event as { Records?: { Sns?: { Message?: string } }[] }).Records ?? [];
      return records.flatMap((r) => {
        try {
          return [String((JSON.parse(r.Sns?.Message ?? '{}') as { id?: unknown }).id)];
        } catch {
          return [];
        }
      });
    }),
  );
  const topics = new Set(
    [...cloud.wiring.functions.values()].map((f) => f.environment.NOTIFY_TOPIC_ARN).filter((t): t is string => !!t),
  );
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const m of cloud.installed.fakes.sns.messages.filter((x) => topics.has(x.topicArn))) {
    const n = JSON.parse(m.message) as { id: string; event: string; image?: string; version?: string };
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    if (posted.has(n.id) || waiting.has(n.id) || deadLettered.has(n.id)) continue;
    problems.push(`announcement ${n.event} ${n.image ?? ''} ${n.version ?? ''} (${n.id}) never reached Slack`);
  }
  return { checks: { 'slack-delivered': seen.size }, problems };
}
