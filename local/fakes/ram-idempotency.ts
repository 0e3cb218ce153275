import { createHash } from 'node:crypto';
import { IdempotentParameterMismatchException } from '@aws-sdk/client-ram';
import type { FakeCall } from './common.js';
import { err } from './ram-types.js';

/** The RAM fake's client-token idempotency. */

/** The requests seen per region and client token, with the response each got. */
export type ClientTokens = Map<string, { request: string; response: unknown }>;

/** The same client token with the same request answers the first response; with another request, an error. */
export function idempotent(tokens: ClientTokens, call: FakeCall, act: () => Record<string, unknown>): unknown {
  const token = call.input.clientToken;
  if (typeof token !== 'string') return act();
  const { clientToken: _, ...rest } = call.input;
  const request = createHash('sha256')
    .update(`${call.region}|${call.action}|${JSON.stringify(rest)}`)
    .digest('hex');
  const seen = tokens.get(`${call.region}|${token}`);
  if (seen) {
    if (seen.request !== request) {
      throw err(
        IdempotentParameterMismatchException,
        `The client token ${token} was used before with different parameters.`,
      );
    }
    return seen.response;
  }
  const response = { ...act(), clientToken: token };
  tokens.set(`${call.region}|${token}`, { request, response });
  return response;
}
