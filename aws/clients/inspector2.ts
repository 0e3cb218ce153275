import { Inspector2Client } from '@aws-sdk/client-inspector2';
import { type ClientIdentity, makeClient } from './registry.js';

/**
 * The cached Inspector client for `region` (default: the function's own region), as the function's own role or, with
 * `identity`, as a role of another account it assumed (Inspector's delegated administrator).
 */
export function inspector2Client(region?: string, identity?: ClientIdentity): Inspector2Client {
  return makeClient('inspector2', Inspector2Client, region, identity);
}
