import { InvokeCommand } from '@aws-sdk/client-lambda';
import { lambdaClient } from '../clients/lambda.js';

/**
 * Hands on-lifecycle-request an event the way a revocation's schedule does: an asynchronous invocation
 * (InvocationType Event: Lambda queues it, answers 202 and retries a failed run twice;
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). The function is named by
 * REVOCATION_TARGET_ARN, the same target the schedules invoke.
 */
export async function invokeLifecycleRequest(event: unknown): Promise<void> {
  const target = process.env.REVOCATION_TARGET_ARN;
  if (!target) throw new Error('REVOCATION_TARGET_ARN is not set');
  await lambdaClient().send(
    new InvokeCommand({
      FunctionName: target,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
}
