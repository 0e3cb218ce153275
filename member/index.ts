import { request } from 'node:https';
import { CreateServiceLinkedRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateGrantCommand, type GrantOperation, KMSClient, RetireGrantCommand } from '@aws-sdk/client-kms';
import { type CustomResourceEvent, type CustomResourceResponse, onBaselineEvent } from './auto-scaling-grant.js';

/**
 * The member baseline function's entry, bundled inline into the member template (stacks/member-baseline/code.ts):
 * its AWS calls go through the SDK the Node.js Lambda runtime ships, so the bundle holds only our code.
 */

const iam = new IAMClient({});
const kms = new KMSClient({});

/** PUTs the answer to CloudFormation's presigned S3 URL (no content type: the URL is signed without one). */
function respond(url: string, response: CustomResourceResponse): Promise<void> {
  const body = JSON.stringify(response);
  return new Promise((done, fail) => {
    const put = request(
      url,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (r) => {
        r.resume();
        if ((r.statusCode ?? 0) >= 300) fail(new Error(`response PUT answered ${r.statusCode}`));
        else r.on('end', () => done());
      },
    );
    put.on('error', fail);
    put.end(body);
  });
}

/**
 * Lambda's handler. CloudFormation invokes it asynchronously
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-cloudformation.html), so a failed PUT throws and Lambda
 * retries the (idempotent) event (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html).
 */
export const handler = (event: CustomResourceEvent, context: { getRemainingTimeInMillis(): number }) =>
  onBaselineEvent(
    event,
    {
      createServiceLinkedRole: (input) => iam.send(new CreateServiceLinkedRoleCommand(input)),
      // The operations are core's AUTO_SCALING_GRANT_OPERATIONS, each one of KMS's GrantOperation values.
      createGrant: (input) =>
        kms.send(new CreateGrantCommand({ ...input, Operations: input.Operations as GrantOperation[] })),
      retireGrant: (input) => kms.send(new RetireGrantCommand(input)),
      respond,
      sleep: (ms) => new Promise((wake) => setTimeout(wake, ms)),
      remainingMs: () => context.getRemainingTimeInMillis(),
    },
    process.env.AWS_REGION ?? '',
  );
