import { EC2Client } from '@aws-sdk/client-ec2';
import { type ClientIdentity, makeClient } from './registry.js';

/** The cached EC2 client for `region` (default: the function's own region), acting as `identity` when given. */
export function ec2Client(region?: string, identity?: ClientIdentity): EC2Client {
  return makeClient('ec2', EC2Client, region, identity);
}
