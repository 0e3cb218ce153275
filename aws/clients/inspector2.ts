import { Inspector2Client } from '@aws-sdk/client-inspector2';
import { makeClient } from './registry.js';

/** The cached Inspector client for `region` (default: the function's own region). */
export function inspector2Client(region?: string): Inspector2Client {
  return makeClient('inspector2', Inspector2Client, region);
}
