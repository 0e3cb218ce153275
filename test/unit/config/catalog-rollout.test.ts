import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../../core/config/catalog.js';
import { exampleCatalog, exampleFiles, problemsAfter, problemsOf } from './helpers.js';

const prod = 2; // the example catalog's prod channel: ous ou-x1y2-prd00001/2, excludes account 111122223333

describe('parseCatalog channels[i].rollout', () => {
  it('accepts a three-wave rollout and fills in the contract defaults', () => {
    const catalog = exampleCatalog();
    catalog.channels[prod].rollout = {
      waves: [
        { name: 'canary', accounts: ['444455556666'] },
        { name: 'wave-1', ous: ['ou-x1y2-prd00001'] },
        { name: 'rest', ous: ['ou-x1y2-prd00002'] },
      ],
    };
    expect(problemsOf(catalog)).toEqual([]);
    const parsed = parseCatalog(catalog, exampleFiles());
    const rollout = parsed.ok ? parsed.catalog.channels[prod]?.rollout : undefined;
    expect(rollout).toMatchObject({
      bakeMinutes: 60,
      alarms: [],
      minHealthyPercentage: 90,
      maxHealthyPercentage: 100,
      checkpointPercentages: [],
      checkpointDelayMinutes: 60,
    });
    expect(rollout?.instanceWarmupSeconds).toBeUndefined();
  });

  it('names the field of each problem in the refresh settings', () => {
    const problems = problemsAfter((c) => {
      c.channels[prod].rollout = {
        waves: [{ name: 'Canary!', ous: ['ou-x1y2-prd00001'] }, { name: 'empty' }],
        bakeMinutes: 2881,
        alarms: Array.from({ length: 11 }, (_, i) => `alarm-${i}`),
        checkpointPercentages: [20, 10, 50],
      };
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'channels[2].rollout.waves[0].name: must be 1–32 lower-case letters, digits and dashes',
        'channels[2].rollout.waves[1]: must name at least one OU or account',
        'channels[2].rollout.bakeMinutes: must be at most 2880',
        "channels[2].rollout.alarms: must list at most 10 alarms (AlarmSpecification's limit)",
        'channels[2].rollout.checkpointPercentages[1]: must be greater than the one before (20): checkpoints ascend, each once',
        'channels[2].rollout.checkpointPercentages[2]: the last checkpoint must be 100, so every instance is replaced',
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('rejects a maximum healthy percentage more than 100 above the minimum', () => {
    const problems = problemsAfter((c) => {
      c.channels[prod].rollout = {
        waves: [{ name: 'all', ous: ['ou-x1y2-prd00001'] }],
        minHealthyPercentage: 50,
        maxHealthyPercentage: 200,
      };
    });
    expect(problems).toEqual([
      'channels[2].rollout.maxHealthyPercentage: may exceed minHealthyPercentage (50) by at most 100',
    ]);
  });

  it('rejects more than ten waves and no waves', () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ name: `w${i}`, accounts: [`10000000000${i % 10}`] }));
    expect(problemsAfter((c) => (c.channels[0].rollout = { waves: many }))).toContain(
      'channels[0].rollout.waves: must list at most 10 items',
    );
    expect(problemsAfter((c) => (c.channels[0].rollout = { waves: [] }))).toEqual([
      'channels[0].rollout.waves: must list at least one wave',
    ]);
  });

  it('rejects a duplicate wave name and an OU or account in two waves', () => {
    const problems = problemsAfter((c) => {
      c.channels[prod].rollout = {
        waves: [
          { name: 'canary', ous: ['ou-x1y2-prd00001'], accounts: ['444455556666'] },
          { name: 'canary', ous: ['ou-x1y2-prd00002'] },
          { name: 'rest', ous: ['ou-x1y2-prd00001'], accounts: ['444455556666'] },
        ],
      };
    });
    expect(problems).toEqual([
      'channels[2].rollout.waves[1].name: duplicate wave "canary" (also waves[0])',
      'channels[2].rollout.waves[2].ous[0]: ou-x1y2-prd00001 is already in waves[0]: each OU and account rolls out in one wave',
      'channels[2].rollout.waves[2].accounts[0]: 444455556666 is already in waves[0]: each OU and account rolls out in one wave',
    ]);
  });

  it("rejects a wave reaching outside the channel's targets", () => {
    const problems = problemsAfter((c) => {
      c.channels[prod].rollout = {
        waves: [
          { name: 'canary', accounts: ['111122223333'] },
          { name: 'rest', ous: ['ou-x1y2-dev00001'] },
        ],
      };
      c.channels[1].targets = { accounts: ['123456789012'] };
      c.channels[1].rollout = { waves: [{ name: 'only', accounts: ['210987654321'] }] };
    });
    expect(problems).toEqual([
      'channels[1].rollout.waves[0].accounts[0]: 210987654321 is not one of channel "staging"\'s target accounts',
      'channels[2].rollout.waves[0].accounts[0]: 111122223333 is excluded from channel "prod"\'s targets',
      'channels[2].rollout.waves[1].ous[0]: ou-x1y2-dev00001 is not one of channel "prod"\'s target OUs',
    ]);
  });

  it("reports a setting out of range and every wave's cross-field problem together, each at its field", () => {
    const problems = problemsAfter((c) => {
      c.channels[prod].rollout = {
        waves: [
          { name: 'canary', ous: ['ou-x1y2-dev00001'] },
          { name: 'Bad Name', ous: ['ou-x1y2-prd00001'] },
          { name: 'canary', ous: ['ou-x1y2-prd00002'], accounts: ['111122223333'] },
        ],
        bakeMinutes: 5000,
        minHealthyPercentage: 50,
        maxHealthyPercentage: 200,
      };
    });
    expect(problems).toEqual([
      'channels[2].rollout.waves[1].name: must be 1–32 lower-case letters, digits and dashes',
      'channels[2].rollout.bakeMinutes: must be at most 2880',
      'channels[2].rollout.maxHealthyPercentage: may exceed minHealthyPercentage (50) by at most 100',
      'channels[2].rollout.waves[0].ous[0]: ou-x1y2-dev00001 is not one of channel "prod"\'s target OUs',
      'channels[2].rollout.waves[2].name: duplicate wave "canary" (also waves[0])',
      'channels[2].rollout.waves[2].accounts[0]: 111122223333 is excluded from channel "prod"\'s targets',
    ]);
  });

  it("judges one channel's rollout whatever another channel's rollout got wrong", () => {
    const problems = problemsAfter((c) => {
      c.channels[0].rollout = { waves: [{ name: 'all', ous: ['ou-x1y2-dev00001'] }], bakeMinutes: -1 };
      c.channels[prod].rollout = { waves: [{ name: 'all', ous: ['ou-x1y2-dev00001'] }] };
    });
    expect(problems).toContain('channels[0].rollout.bakeMinutes: must be at least 0');
    expect(problems).toContain(
      'channels[2].rollout.waves[0].ous[0]: ou-x1y2-dev00001 is not one of channel "prod"\'s target OUs',
    );
  });

  it('accepts any OU in a wave of a channel that targets the organization', () => {
    expect(
      problemsAfter((c) => {
        c.channels[0].targets = { organization: true };
        c.channels[0].rollout = { waves: [{ name: 'all', ous: ['ou-x1y2-any00001'] }] };
      }),
    ).toEqual([]);
  });
});
