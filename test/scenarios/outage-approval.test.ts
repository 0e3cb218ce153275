import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { buildLines, catalogOf, run, scenarioOf } from './helpers.js';

const AL2023 = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
const RECONCILER_PERIOD_MS = 6 * 3_600_000;

// January's patch build (Thursday 14 January 2027, 03:00 UTC) goes to dev at once and asks ops-lead for prod, who
// approves an hour later (approvals: auto).
const catalog = catalogOf({
  organization: { id: 'o-a1b2c3d4e5', homeRegion: 'us-east-1' },
  images: {
    base: {
      parent: `ssm:${AL2023}`,
      components: [{ managed: 'update-linux' }],
      regions: ['us-east-1'],
      schedule: { type: 'monthly-patch', daysAfterPatchTuesday: 2, at: '03:00', timezone: 'Europe/London' },
      triggers: { baseImage: false, packages: [] },
    },
  },
  channels: [
    { name: 'dev', targets: { ous: ['ou-x1y2-dev00001'] } },
    { name: 'prod', targets: { ous: ['ou-x1y2-prd00001'] }, approval: { approvers: ['ops-lead'], timeout: '3d' } },
  ],
});

// Step Functions is down from before the approval until after the next reconciler run has tried to deliver it.
const SFN_DOWN = { service: 'sfn', from: '2027-01-14T04:00:00Z', until: '2027-01-14T06:30:00Z' };

const scenario = (outages: (typeof SFN_DOWN)[]) =>
  scenarioOf({
    start: '2027-01-13T00:00:00Z',
    until: '2027-01-16T00:00:00Z',
    organization: { accountsPerOu: 3 },
    faults: { outages },
  });

const promoted = (r: SimulationResult) =>
  r.report.promotions.filter((p) => p.outcome === 'promoted').map((p) => `${p.image} ${p.version} ${p.channel}`);

describe('an approval given while Step Functions is down', () => {
  let clean: SimulationResult;
  let outage: SimulationResult;

  beforeAll(async () => {
    clean = await run(catalog, scenario([]));
    outage = await run(catalog, scenario([SFN_DOWN]));
  }, 900_000);

  it('is recorded at once and promotes prod as the clean run does, named after the approver', () => {
    expect(buildLines(outage)).toEqual(buildLines(clean));
    expect(promoted(outage)).toEqual(promoted(clean));
    expect(promoted(clean)).toEqual(['base 1.0.0/1 dev', 'base 1.0.0/1 prod']);
    const prod = outage.report.promotions.find((p) => p.channel === 'prod');
    expect(prod).toMatchObject({ outcome: 'promoted', by: 'ops-lead' });
    // The approver's answer is announced when given, not when Step Functions finally takes it.
    const approved = outage.report.notifications.find((n) => n.event === 'approved');
    expect(Date.parse(approved?.at ?? '')).toBeLessThan(Date.parse(SFN_DOWN.until));
  });

  it('is delivered by the first reconciler run after the window, which the report shows', () => {
    const [window] = outage.report.faults.outages;
    expect(window).toMatchObject({ service: 'sfn', deferred: 1 });
    expect(window?.callsFailed).toBeGreaterThan(0);
    const recovered = Date.parse(window?.recoveredAt ?? '');
    expect(recovered).toBeGreaterThan(Date.parse(SFN_DOWN.until));
    expect(recovered - Date.parse(SFN_DOWN.until)).toBeLessThanOrEqual(RECONCILER_PERIOD_MS);
    const prod = outage.report.promotions.find((p) => p.channel === 'prod');
    expect(Date.parse(prod?.at ?? '')).toBe(recovered);
    expect(outage.report.faults.failed.map((f) => f.operation)).toContain('sfn:SendTaskSuccess');
    expect(outage.report.consistency).toMatchObject({ ok: true, problems: [] });
  });
});
