import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogInput } from '../../core/config/schema.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import {
  al2023Image,
  catalogInput,
  catalogOf,
  devChannel,
  OPENSSL_RELEASES,
  opensslRelease,
  REPO_ROOT,
  scenarioBetween,
} from './helpers.js';
import { rolloutNotes } from './rollout-catalog.js';

/**
 * Prod rolls out in two waves, a canary OU then the prod OU, and the member baseline's stack set targets both. An
 * account joins the prod OU (wave 2) between two versions, and no scenario step gives it anything: StackSets'
 * auto-deployment gives it the rollout role and its Auto Scaling role's grant on the AMI key, its team launches its
 * group on the first version, and the second version's rollout refreshes that group. Then an account moves out of
 * the prod OU: its stack instance is deleted, and with it its rollout role and its grant.
 */
const CANARY_OU = 'ou-x1y2-can00001';
const PRD_OU = 'ou-x1y2-prd00001';
const ELSEWHERE = 'ou-x1y2-else0001';
const JOINER = '300000000009';
const REGION = 'us-east-1';
const catalog = catalogInput({ base: al2023Image({ regions: [REGION], triggers: OPENSSL_RELEASES }) }, [
  devChannel({ soak: '1h' }),
  {
    name: 'prod',
    targets: { ous: [CANARY_OU, PRD_OU] },
    soak: '1h',
    rollout: {
      waves: [
        { name: 'canary', ous: [CANARY_OU] },
        { name: 'wave-2', ous: [PRD_OU] },
      ],
      bakeMinutes: 30,
    },
  },
] satisfies CatalogInput['channels']);
const V2 = '1.0.0/2';
const JOINED_AT = '2027-01-01T18:00:00Z';
const LEFT_AT = '2027-01-03T12:00:00Z';

describe('an account that joins a targeted OU mid-run gets the member baseline with no step of its own', () => {
  let result: SimulationResult;
  // The prod OU's first account (the catalog's OUs get one account each, in order: dev, canary, prod).
  const leaver = '200000000003';

  beforeAll(async () => {
    const organization = (change: string, fields: Record<string, unknown>) => ({
      kind: 'organization',
      change,
      ...fields,
    });
    const scenario = scenarioBetween('2027-01-01T00:00:00Z', '2027-01-04T00:00:00Z', {
      events: [
        opensslRelease('2027-01-01T08:00:00Z', '3.0.1'),
        { at: JOINED_AT, ...organization('create-account', { account: JOINER, to: PRD_OU }) },
        opensslRelease('2027-01-02T20:00:00Z', '3.0.2'),
        { at: '2027-01-03T11:00:00Z', ...organization('create-ou', { ou: ELSEWHERE }) },
        { at: LEFT_AT, ...organization('move-account', { account: leaver, to: ELSEWHERE }) },
      ],
      fleets: [
        {
          image: 'base',
          channel: 'prod',
          instances: 2,
          teams: { prompt: 1, late: 0, never: 0 },
          promptDays: 0.5,
          rollout: 1,
        },
      ],
    });
    result = await simulate(catalogOf(catalog), scenario, REPO_ROOT);
  }, 300_000);

  it('deploys a CURRENT stack instance to the joiner minutes after it joins, with its rollout role and its grant in force', () => {
    const baseline = result.report.memberBaseline;
    const instance = baseline?.instances.find((i) => i.account === JOINER);
    expect(instance).toMatchObject({ region: REGION, status: 'CURRENT' });
    // StackSets starts 5 minutes after the change; the function waits the 5 minutes a grant takes to be in force.
    const after = Date.parse(instance?.at ?? '') - Date.parse(JOINED_AT);
    expect(after).toBeGreaterThanOrEqual(10 * 60_000);
    expect(after).toBeLessThan(11 * 60_000);
    expect(baseline?.rolloutRoles).toContain(JOINER);
    const grant = baseline?.grants.find((g) => g.account === JOINER);
    expect(Date.parse(grant?.inForceAt ?? '')).toBeLessThanOrEqual(Date.parse(instance?.at ?? ''));
  });

  it("launches the joiner's group on the first version the first time, and the next version's rollout refreshes it", () => {
    const events = (result.fleets?.events ?? []).filter((e) => e.account === JOINER);
    const [first, ...later] = events;
    // Its first launch is its group's, with every instance: no launch failed for want of the grant.
    expect(first).toMatchObject({ from: undefined, instances: 2 });
    expect(Date.parse(first?.at ?? '')).toBeGreaterThan(Date.parse(JOINED_AT));
    const promotedV2 = result.report.promotions.find(
      (p) => p.version === V2 && p.channel === 'prod' && p.outcome === 'promoted',
    );
    expect(Date.parse(first?.at ?? '')).toBeLessThan(Date.parse(promotedV2?.at ?? ''));
    // Every later move is the rollout's, from the first version's AMI to the second's, both instances.
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((e) => e.by === 'rollout' && e.from === first?.to && e.to !== first?.to)).toBe(true);
    expect(later.reduce((n, e) => n + e.instances, 0)).toBe(2);
    const notes = rolloutNotes(result.report, V2);
    expect(notes.map((n) => n.subject)).toContain(`base ${V2}: prod rollout completed`);
    expect(result.report.consistency.problems).toEqual([]);
  });

  it('takes the stack instance, the rollout role and the grant from an account that leaves the targeted OUs', () => {
    const baseline = result.report.memberBaseline;
    expect(baseline?.instances.filter((i) => i.account === leaver)).toEqual([]);
    expect(baseline?.rolloutRoles).not.toContain(leaver);
    expect(baseline?.grants.filter((g) => g.account === leaver)).toEqual([]);
    // The others keep theirs: the canary's account and the joiner.
    expect(baseline?.instances.map((i) => i.account)).toEqual(['200000000001', '200000000002', JOINER]);
    expect(baseline?.grants.map((g) => g.account)).toEqual(['200000000001', '200000000002', JOINER]);
  });
});
