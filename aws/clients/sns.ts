import { SNSClient } from '@aws-sdk/client-sns';
import { makeClient } from './registry.js';

/** The cached SNS client for `region` (default: the function's own region). */
export function snsClient(region?: string): SNSClient {
  return makeClient('sns', SNSClient, region);
}
