import { describe, expect, it } from 'vitest';
import { drivingExecutionName, executionRefusal } from '../../../core/rollout/driver.js';
import { rolloutExecutionName, rolloutTakeBackExecutionName } from '../../../core/rollout/request.js';
import { rolloutRecord } from '../../fixtures/rollouts.js';

const AT = '2027-01-06T09:00:00.000Z';
const retry = { action: 'retry' as const, by: 'alice', at: AT };

describe('which execution drives a rollout', () => {
  const r = rolloutRecord();
  const first = rolloutExecutionName(r.image, r.channel, r.version);
  const retry1 = rolloutExecutionName(r.image, r.channel, r.version, 1);

  it('takes its own execution, and a nameless one of the previous release while none other was ever named', () => {
    expect(executionRefusal(r, first)).toBeUndefined();
    expect(executionRefusal(r, undefined)).toBeUndefined();
    expect(executionRefusal(r, retry1)).toMatch(`rollout executionName: ${retry1} is not the execution driving`);
  });

  it("after a retry, takes only the retry's execution: the earlier one and a nameless one are refused", () => {
    const retried = { ...r, operatorActions: [retry] };
    expect(drivingExecutionName(retried)).toBe(retry1);
    expect(executionRefusal(retried, retry1)).toBeUndefined();
    expect(executionRefusal(retried, first)).toMatch(`(${retry1}): refusing to drive it`);
    expect(executionRefusal(retried, undefined)).toMatch(/^rollout executionName: missing/);
    // The retry's intent written, its execution about to start: the same.
    expect(executionRefusal({ ...r, retrying: { execution: retry1, at: AT } }, undefined)).toMatch(/missing/);
  });

  it("takes a revoked version's take-back execution once it takes an ended rollout's groups back", () => {
    const back = rolloutTakeBackExecutionName(r.image, r.channel, r.version);
    const taken = { ...r, state: 'superseded' as const, takenBack: { from: 'completed' as const, at: AT } };
    expect(drivingExecutionName(taken)).toBe(back);
    expect(executionRefusal(taken, back)).toBeUndefined();
    expect(executionRefusal(taken, first)).toBeDefined();
  });
});
