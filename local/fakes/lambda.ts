import { ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';
import type { LambdaFunctionsFake } from './lambda-functions.js';

/**
 * The Lambda API for asynchronous invocations of our own functions (InvocationType `Event`: Lambda queues the
 * event and answers 202; https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). The invocation itself is
 * the local cloud's async delivery, with Lambda's retries and on-failure destination.
 */
export class LambdaFake implements FakeService {
  constructor(
    /** The unqualified ARN of one of our functions, by name or (partial or qualified) ARN; undefined if none. */
    private readonly resolve: (functionName: string) => string | undefined,
    private readonly invokeAsync: (functionArn: string, payload: unknown) => void,
    /** The account's settings (GetAccountSettings), when the local cloud holds them (local/fakes/account-settings.ts). */
    private readonly account?: FakeService,
    /** The functions' code and configuration, as the deploy made them (local/fakes/lambda-functions.ts). */
    private readonly functions?: LambdaFunctionsFake,
  ) {}

  handle(call: FakeCall): unknown {
    if (call.action === 'GetAccountSettings' && this.account) return this.account.handle(call);
    if (call.action !== 'Invoke') {
      if (this.functions) return this.functions.handle(call);
      throw new NotImplementedByFakeError('lambda', call.action);
    }
    const input = call.input as { FunctionName?: string; InvocationType?: string; Payload?: Uint8Array | string };
    const arn = this.resolve(String(input.FunctionName ?? ''));
    if (!arn) {
      throw new ResourceNotFoundException({
        message: `Function not found: ${input.FunctionName}`,
        $metadata: { httpStatusCode: 404 },
      });
    }
    if (input.InvocationType !== 'Event')
      throw new NotImplementedByFakeError('lambda', `Invoke ${input.InvocationType}`);
    const text =
      typeof input.Payload === 'string' ? input.Payload : new TextDecoder().decode(input.Payload ?? new Uint8Array());
    this.invokeAsync(arn, text.length > 0 ? JSON.parse(text) : {});
    return { StatusCode: 202 };
  }
}
