import { expect } from 'vitest';
import type { CatalogInput } from '../../core/config/schema.js';
import type { SimulationResult } from '../../local/simulator/index.js';
import { al2023Image, catalogInput, devChannel, OPENSSL_RELEASES, opensslRelease } from './helpers.js';

/** The two prod OUs and the canary account of the rollout scenarios. */
export const PRD = ['ou-x1y2-prd00001', 'ou-x1y2-prd00002'] as const;
export const CANARY = '300000000001';

/**
 * `base` (us-east-1, built on each openssl release) through dev, then prod rolled out in three waves — the canary
 * account, one OU, the other — with 30 minutes' bake and the alarm `app-5xx`. `prod` adds to prod's channel (e.g. its
 * vulnerability policy).
 */
export function threeWaveCatalog(prod: Partial<CatalogInput['channels'][number]> = {}) {
  return catalogInput({ base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) }, [
    devChannel({ soak: '1h' }),
    {
      name: 'prod',
      targets: { ous: [...PRD], accounts: [CANARY] },
      soak: '1h',
      ...prod,
      rollout: {
        waves: [
          { name: 'canary', accounts: [CANARY] },
          { name: 'wave-1', ous: [PRD[0]] },
          { name: 'rest', ous: [PRD[1]] },
        ],
        bakeMinutes: 30,
        alarms: ['app-5xx'],
      },
    },
  ] satisfies CatalogInput['channels']);
}

/** prod's fleet: 2 instances per account and Region, every group following the rollout, its teams prompt. */
export const FOLLOWING_FLEET = {
  image: 'base',
  channel: 'prod',
  instances: 2,
  teams: { prompt: 1, late: 0, never: 0 },
  promptDays: 1,
  rollout: 1,
} as const;

/** The run's rollout announcements about `version`, in the order they were sent. */
export const rolloutNotes = (report: SimulationResult['report'], version: string) =>
  report.notifications.filter((n) => n.event.startsWith('rollout') && n.subject.includes(version));

/**
 * The three-wave runs' scenario: 1.0.0/1 reaches prod before any group exists, the teams launch on it (every prod
 * account runs two instances in groups that follow the rollout), and 1.0.0/2 is the one rolled out: its promotion
 * reaches prod on 2 January, the canary is healthy at 23:27 and wave-1 refreshes until about 00:02. `events` come
 * after the two releases; `faults` as a scenario gives them.
 */
export function threeWaveScenario(
  until: string,
  events: Record<string, unknown>[] = [],
  faults?: Record<string, unknown>,
) {
  return {
    start: '2027-01-01T00:00:00Z',
    until,
    organization: { accountsPerOu: 2 },
    events: [
      opensslRelease('2027-01-01T08:00:00Z', '3.0.1'),
      opensslRelease('2027-01-02T20:00:00Z', '3.0.2'),
      ...events,
    ],
    fleets: [FOLLOWING_FLEET],
    ...(faults && { faults }),
  };
}

/**
 * What a three-wave run whose 1.0.0/2 rollout was superseded while wave-1 refreshed (threeWaveScenario) ends with: only
 * the first two waves started, every instance of prod's ten back on 1.0.0/1, and the run's audit clean.
 */
export function expectStartedWavesTakenBack(report: SimulationResult['report']): void {
  const V2 = '1.0.0/2';
  expect(rolloutNotes(report, V2).map((n) => n.subject)).toEqual([
    `base ${V2}: prod rollout wave 1/3 (canary) started`,
    `base ${V2}: prod rollout wave 1/3 (canary) healthy`,
    `base ${V2}: prod rollout wave 2/3 (wave-1) started`,
  ]);
  const days = report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
  expect(days.at(-1)?.instances).toEqual({ '1.0.0/1': 10 });
  expect(report.consistency.problems).toEqual([]);
}
