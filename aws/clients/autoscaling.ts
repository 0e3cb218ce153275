import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { type ClientIdentity, makeClient } from './registry.js';

/** The cached Auto Scaling client for `region`, acting as `identity` (a member account's role) when given. */
export function autoScalingClient(region?: string, identity?: ClientIdentity): AutoScalingClient {
  return makeClient('autoscaling', AutoScalingClient, region, identity);
}
