import { describe, expect, it } from 'vitest';

/** Imported inside the tests (the first checks the module's figures), so mutation testing counts them as reaching it. */
const load = () => import('../../../core/fleet/compliance.js');

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('patch compliance: the decisions', () => {
  it('names the unknown OU and samples within six hours of the newest observation, both ends included', async () => {
    const { UNKNOWN_OU, SAMPLE_TOLERANCE_MS, latestSample } = await load();
    expect(UNKNOWN_OU).toBe('unknown');
    expect(SAMPLE_TOLERANCE_MS).toBe(6 * H);
    const newest = Date.parse('2027-03-20T06:00:00.000Z');
    const sample = latestSample([
      { version: '1.0.0/2', region: 'us-east-1', lastRequestedAt: iso(newest) },
      { version: '1.0.0/2', region: 'eu-west-1', lastRequestedAt: iso(newest - 6 * H) },
      { version: '1.0.0/1', region: 'us-east-1', lastRequestedAt: iso(newest - 6 * H - 1) },
    ]);
    expect(sample?.at).toBe(iso(newest));
    expect(sample?.uses.map((u) => u.region)).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('puts a day before January’s Patch Tuesday in the previous December, and March’s in February', async () => {
    const { monthlyCycleOf } = await load();
    expect(monthlyCycleOf('2027-01-05T00:00:00.000Z')).toBe('2026-12');
    expect(monthlyCycleOf('2027-03-02T00:00:00.000Z')).toBe('2027-02');
    expect(monthlyCycleOf('2027-03-09T00:00:00.000Z')).toBe('2027-03');
  });

  it('takes the first promotion in time as the rollout, whatever the order given, and a cycle’s first version', async () => {
    const { complianceCycles } = await load();
    const cycles = complianceCycles({
      builds: [
        { version: '1.0.0/1', requestedAt: '2027-01-13T00:00:00.000Z' },
        { version: '1.0.0/2', requestedAt: '2027-02-10T00:00:00.000Z' },
        { version: '1.0.0/3', requestedAt: '2027-02-20T00:00:00.000Z' },
      ],
      promotions: [
        { version: '1.0.0/3', channel: 'prod', at: '2027-02-21T00:00:00.000Z' },
        { version: '1.0.0/2', channel: 'prod', at: '2027-02-11T00:00:00.000Z' },
        { version: '1.0.0/1', channel: 'prod', at: '2027-01-14T00:00:00.000Z' },
      ],
      outOfCycle: [],
    });
    expect(cycles.map((c) => [c.cycle, c.version])).toEqual([['2027-02', '1.0.0/2']]);
  });

  it('measures an out-of-cycle rebuild from the first newer version promoted after the finding, per channel', async () => {
    const { complianceCycles } = await load();
    const finding = '2027-02-15T00:00:00.000Z';
    const cycles = complianceCycles({
      builds: [],
      promotions: [
        { version: '1.0.0/1', channel: 'dev', at: '2027-02-01T00:00:00.000Z' },
        { version: '1.0.0/1', channel: 'prod', at: '2027-02-01T00:00:00.000Z' },
        { version: '1.0.0/2', channel: 'prod', at: finding },
        { version: '1.0.0/1', channel: 'prod', at: '2027-02-16T00:00:00.000Z' },
        { version: '1.0.0/3', channel: 'prod', at: '2027-02-17T00:00:00.000Z' },
        { version: '1.0.0/3', channel: 'dev', at: '2027-02-16T00:00:00.000Z' },
      ],
      outOfCycle: [{ version: '1.0.0/1', findingAt: finding, channels: ['prod', 'dev'] }],
    });
    // Not the promotion at the finding's instant, nor the same version again: 1.0.0/3 in each channel.
    expect(cycles.map((c) => [c.cycle, c.channel, c.version, c.startedAt])).toEqual([
      ['finding-1.0.0/1', 'dev', '1.0.0/3', finding],
      ['finding-1.0.0/1', 'prod', '1.0.0/3', finding],
    ]);
  });

  it('counts per OU only instances of the channel’s accounts, leaves out accounts with none, and sorts the OUs', async () => {
    const { sharesByOu } = await load();
    const uses: { version: string; region: string; accounts: Record<string, { instances: number }> }[] = [
      {
        version: '1.0.0/1',
        region: 'us-east-1',
        accounts: { '200000000001': { instances: 0 }, '200000000002': { instances: 2 } },
      },
      {
        version: '1.0.0/2',
        region: 'us-east-1',
        accounts: { '200000000003': { instances: 3 }, '200000000009': { instances: 5 } },
      },
    ];
    const channel = new Set(['200000000001', '200000000002', '200000000003']);
    const ouOf = (a: string) => (a === '200000000003' ? 'ou-a' : 'ou-z');
    expect(sharesByOu(uses, channel, ouOf, '1.0.0/2', new Set())).toEqual([
      { ou: 'ou-a', patched: 3, instances: 3, lagging: [] },
      { ou: 'ou-z', patched: 0, instances: 2, lagging: ['200000000002'] },
    ]);
  });
});
