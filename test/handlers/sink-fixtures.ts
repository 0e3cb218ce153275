import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** A receiver on the loopback interface: what it answers, and the paths it was asked for (in order). */
export interface LoopbackServer {
  url: string;
  paths: string[];
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 that answers each request with `answer` (which may also never answer); `close`
 * drops every connection, answered or not.
 */
export async function loopbackServer(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LoopbackServer> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
