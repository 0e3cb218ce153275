import type { OrchestrationUsage } from '../../../core/cost/estimate.js';

/** No orchestration at all: each test sets what it counts. */
export const NO_USAGE: OrchestrationUsage = {
  lambdaInvocations: 0,
  sfnTransitions: 0,
  dynamoWrites: 0,
  dynamoReads: 0,
  eventsPut: 0,
  schedulerInvocations: 0,
  snsPublishes: 0,
  ssmApiCalls: 0,
  alarms: 0,
  dashboards: 0,
};

/** A build item as on-image-event records it finished, with its estimate. */
export const buildItem = (version: string, at: string, total: number, storagePerMonth: number) => ({
  sk: `BUILD#${version}`,
  status: 'AVAILABLE',
  requestedAt: at,
  updatedAt: at,
  cost: { total, storagePerMonth, finishedAt: at },
});

/** One image's ledger partition as estimateRun reads it: one Region, no channel, no pointer cost. */
export const ledger = (items: Record<string, unknown>[]) => ({ items, regions: 1, channels: [], parameterMonth: 0 });
