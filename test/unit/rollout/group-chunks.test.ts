import { describe, expect, it } from 'vitest';
import { chunksOf, GROUPS_PER_CHUNK, storedWaves } from '../../../core/rollout/group-chunks.js';
import type { RolloutRecord } from '../../../core/rollout/record.js';
import { rolloutRecordsOf } from '../../../core/status/rollout-records.js';
import { rolloutGroup, rolloutRecord } from '../../fixtures/rollouts.js';

const SK = 'ROLLOUT#prod#1.0.0/3';

/** A record as the ledger holds it: waves without groups, the groups in chunk items beside it. */
function asLedger(record: RolloutRecord, sk = SK): Record<string, unknown>[] {
  return [
    { pk: 'IMAGE#base', sk, kind: 'rollout', ...record, waves: storedWaves(record.waves) },
    ...chunksOf(sk, record.waves).map((c) => ({ pk: 'IMAGE#base', ...c })),
  ];
}

describe('a rollout wave’s groups kept in chunk items beside the record', () => {
  const many = Array.from({ length: 250 }, (_, i) => ({
    ...rolloutGroup('333333333333', 'InProgress'),
    group: `g-${i}`,
  }));
  const big = rolloutRecord({ waves: [{ name: 'all', state: 'refreshing', groups: many }] });

  it('reads every group back in order, with the record counting them by status', () => {
    const items = asLedger(big);
    expect(items).toHaveLength(1 + Math.ceil(250 / GROUPS_PER_CHUNK));
    expect(items[0]?.waves).toMatchObject([{ groups: [], groupChunks: 3, groupsByStatus: { InProgress: 250 } }]);
    const [read] = rolloutRecordsOf(items);
    expect(read?.waves[0]?.groups.map((g) => g.group)).toEqual(many.map((g) => g.group));
  });

  it('does not mix in the chunks of a version whose name starts with this one’s', () => {
    const other = rolloutRecord({
      version: '1.0.0/30',
      waves: [{ name: 'all', state: 'refreshing', groups: [rolloutGroup('444444444444', 'Failed')] }],
    });
    const records = rolloutRecordsOf([...asLedger(big), ...asLedger(other, 'ROLLOUT#prod#1.0.0/30')]);
    expect(records.map((r) => [r.version, r.waves[0]?.groups.length])).toEqual([
      ['1.0.0/3', 250],
      ['1.0.0/30', 1],
    ]);
  });

  it('refuses to read a record whose chunk is missing rather than show it with groups left out', () => {
    const items = asLedger(big).filter((i) => i.sk !== `${SK}#WAVE#0#GROUPS#1`);
    expect(() => rolloutRecordsOf(items)).toThrow('the groups of wave 0 (chunk 1) are missing');
  });

  it('reads a record written with its groups inside it as before', () => {
    const [read] = rolloutRecordsOf([{ pk: 'IMAGE#base', sk: SK, ...rolloutRecord() }]);
    expect(read?.waves.map((w) => w.groups.length)).toEqual([1, 3, 0]);
  });
});
