import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { makeClient } from './registry.js';

/** The cached EventBridge Scheduler client for `region` (default: the function's own region). */
export function schedulerClient(region?: string): SchedulerClient {
  return makeClient('scheduler', SchedulerClient, region);
}
