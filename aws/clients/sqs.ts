import { SQSClient } from '@aws-sdk/client-sqs';
import { makeClient } from './registry.js';

/** The cached SQS client for `region` (default: the function's own region). */
export function sqsClient(region?: string): SQSClient {
  return makeClient('sqs', SQSClient, region);
}
