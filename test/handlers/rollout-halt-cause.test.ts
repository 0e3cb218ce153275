import { describe, expect, it } from 'vitest';
import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { renderRolloutStatus } from '../../cli/operator/rollout-text.js';
import { rolloutHistory } from '../../core/status/rollout-history.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import { CANARY, followingGroup, INPUT, memberOf, useRolloutWorld } from './rollout-fixtures.js';

const record = () => readRollout(INPUT.image, INPUT.channel, INPUT.version);

function refreshOf(group: string, status: string, reason?: string): void {
  const r = memberOf(CANARY).refreshes.find((x) => x.group === group);
  if (!r) throw new Error(`no refresh of ${group}`);
  r.status = status;
  if (reason) r.statusReason = reason;
}

describe('a wave halted by one refresh: the cause leads, the groups the halt rolled back are "rolled back"', () => {
  useRolloutWorld();

  it('keeps which group halted the wave, and history and rollout status tell it apart from those rolled back', async () => {
    for (const name of ['web-a', 'web-b', 'web-c']) followingGroup(CANARY, name);
    await startRollout(INPUT);
    refreshOf('web-c', 'RollbackInProgress', 'alarm app-5xx in ALARM');
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'halted', currentWave: 0 });
    // The halt rolled the two refreshes still running back (RollbackInstanceRefresh); all three end rolled back.
    for (const name of ['web-a', 'web-b']) refreshOf(name, 'RollbackSuccessful', 'Manual rollback.');
    refreshOf('web-c', 'RollbackSuccessful');
    await checkWave(INPUT);

    const ended = await record();
    if (!ended) throw new Error('no record');
    expect(ended.waves[0]?.haltedBy).toEqual([{ account: CANARY, region: 'us-east-1', group: 'web-c' }]);
    const failedLine = rolloutHistory(ended).find((l) => l.what.includes('(canary) failed'));
    expect(failedLine?.what).toBe(
      `rollout wave 1/3 (canary) failed: 1/3 groups failed (web-c in ${CANARY} us-east-1: RollbackSuccessful, alarm app-5xx in ALARM); 2 rolled back by the halt`,
    );
    const status = renderRolloutStatus(ended);
    expect(status).toMatch(/ web-a: RollbackSuccessful \(rolled back by the halt\) \(template /);
    expect(status).toMatch(/ web-c: RollbackSuccessful \(halted the rollout\) \(template /);
  });
});
