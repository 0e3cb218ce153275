import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { makeClient } from './registry.js';

/** The cached Image Builder client for `region` (default: the function's own region). */
export function imagebuilderClient(region?: string): ImagebuilderClient {
  return makeClient('imagebuilder', ImagebuilderClient, region);
}
