import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { makeClient } from './registry.js';

/** The cached EventBridge client for `region` (default: the function's own region). */
export function eventbridgeClient(region?: string): EventBridgeClient {
  return makeClient('eventbridge', EventBridgeClient, region);
}
