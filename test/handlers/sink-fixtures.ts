import type { Context } from 'aws-lambda';
import { waitingPosts } from '../../aws/notifications/sink-backlog.js';
import type { Notification } from '../../events/notification.js';

/** What the chat sinks' handler tests share: the Lambda context, an SNS delivery, a sink's backlog. */

/** A Lambda context with a minute left, as a sink function sees one. */
export const sinkContext = (functionName: string) =>
  ({ functionName, awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 }) as Context;

/** SNS's delivery of one announcement to a subscribed function. */
export const snsEvent = (n: Notification) => ({
  Records: [{ Sns: { MessageId: n.id, Message: JSON.stringify(n) } }],
});

/** What waits in a sink's backlog (aws/notifications/sink-backlog.ts), oldest first. */
export async function waitingIn(pk: string) {
  const posts = [];
  for await (const post of waitingPosts(pk)) posts.push(post);
  return posts;
}
