import { EC2Client } from '@aws-sdk/client-ec2';
import { makeClient } from './registry.js';

/** The cached EC2 client for `region` (default: the function's own region). */
export function ec2Client(region?: string): EC2Client {
  return makeClient('ec2', EC2Client, region);
}
