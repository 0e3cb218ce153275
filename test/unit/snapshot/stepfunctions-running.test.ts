import { describe, expect, it } from 'vitest';
import { minutes, parallel } from '../../helpers/sfn-restore-machines.js';
import { drive, pendingKinds, SCRIPT, saveAndRestore, start } from '../../helpers/sfn-restore-world.js';

describe('Step Functions saved with executions in flight, and restored into a fresh engine', () => {
  it.each([
    ['inside the Wait', minutes(30), [['a', ['wait']]]],
    ['waiting for the approval token', minutes(70), [['a', ['token']]]],
    [
      'inside the Retry backoff, with a second execution at its Wait',
      minutes(90),
      [
        ['a', ['backoff', 'backoff', 'backoff']],
        ['b', ['wait']],
      ],
    ],
    ['with one execution finished and one waiting for its token', minutes(150), [['b', ['token']]]],
  ])('saved %s, continues exactly as the unsaved engine does', async (_where, saveAt, kinds) => {
    const { original, restored, saved, callsAtSave, toldAtSave } = await saveAndRestore(saveAt);
    expect(pendingKinds(saved)).toEqual(kinds);
    expect(restored.calls).toEqual([]);

    const end = minutes(300);
    await drive(original, SCRIPT, saveAt, end);
    await drive(restored, SCRIPT, saveAt, end);

    const [a, b] = original.sfn.list();
    expect([a?.status, b?.status, b?.error]).toEqual(['SUCCEEDED', 'FAILED', 'Rejected']);
    expect(a?.history?.map((h) => h.type)).toEqual(Array(3).fill('TaskRetryScheduled'));
    expect(restored.sfn.list()).toEqual(original.sfn.list());
    expect(restored.sfn.transitions).toBe(original.sfn.transitions);
    expect(restored.calls).toEqual(original.calls.slice(callsAtSave));
    expect(restored.told).toEqual(original.told.slice(toldAtSave));
    expect(original.told.filter((t) => t.startsWith('recovered'))).toHaveLength(6);
    expect(restored.sfn.saveState()).toEqual(original.sfn.saveState());
    expect(restored.random.s).toBe(original.random.s);
  });

  it('restores a Parallel state with one branch done and the other at its Wait, invoking only what was left', async () => {
    const script = [{ at: minutes(0), act: start('p') }];
    const { original, restored, saved } = await saveAndRestore(minutes(30), script, parallel);
    expect(pendingKinds(saved)).toEqual([['p', ['wait']]]);
    for (const w of [original, restored]) await drive(w, script, minutes(30), minutes(120));
    expect(restored.calls).toEqual([{ step: 'build', image: 'late' }]);
    expect(restored.sfn.list()[0]?.output).toBe(JSON.stringify([{ ami: 'ami-early' }, { ami: 'ami-late' }]));
    expect(restored.sfn.list()).toEqual(original.sfn.list());
    expect(restored.sfn.transitions).toBe(original.sfn.transitions);
  });
});
