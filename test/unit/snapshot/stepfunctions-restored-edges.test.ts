import { describe, expect, it } from 'vitest';
import type { SavedStepFunctions } from '../../../local/stepfunctions/engine.js';
import { definition, minutes, T0 } from '../../helpers/sfn-restore-machines.js';
import { drive, SCRIPT, saveAndRestore, tokenOf, viaJson, type World, world } from '../../helpers/sfn-restore-world.js';

/** How the first execution ended: status, error and stop instant. */
const ending = (w: World) => {
  const [a] = w.sfn.list();
  return [a?.status, a?.error, a?.stopDate?.getTime()];
};

describe('Step Functions restored with executions in flight: their timeouts, tokens and journals', () => {
  it('times a restored approval out at its saved deadline', async () => {
    const script = SCRIPT.slice(0, 1);
    const { original, restored } = await saveAndRestore(minutes(70), script);
    for (const w of [original, restored]) await drive(w, script, minutes(70), minutes(179));
    expect(restored.sfn.list()[0]?.status).toBe('RUNNING');
    for (const w of [original, restored]) await drive(w, script, minutes(179), minutes(181));
    expect(ending(restored)).toEqual(['FAILED', 'ApprovalExpired', minutes(180)]);
    expect(restored.sfn.list()).toEqual(original.sfn.list());
    expect(() => restored.sfn.sendTaskSuccess(tokenOf(restored, 'a'), '{}')).toThrow('Task Timed Out');
  });

  it('times a restored execution out at its start + TimeoutSeconds, before its approval does', async () => {
    const script = SCRIPT.slice(0, 1);
    const short = { ...definition, TimeoutSeconds: 9000 };
    const { original, restored } = await saveAndRestore(minutes(70), script, short);
    for (const w of [original, restored]) await drive(w, script, minutes(70), minutes(200));
    expect(ending(restored)).toEqual(['TIMED_OUT', 'States.Timeout', minutes(150)]);
    expect(restored.sfn.list()).toEqual(original.sfn.list());
    expect(restored.clock.pending()).toBe(0);
  });

  it('answers SendTaskHeartbeat and SendTaskSuccess with the token issued before the save, once', async () => {
    const script = SCRIPT.slice(0, 1);
    const { restored } = await saveAndRestore(minutes(70), script);
    const token = tokenOf(restored, 'a');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    restored.sfn.sendTaskHeartbeat(token);
    restored.sfn.sendTaskSuccess(token, '{"decision":"approved"}');
    expect(() => restored.sfn.sendTaskSuccess(token, '{}')).toThrow('Task Does Not Exist');
    await drive(restored, script, minutes(70), minutes(100));
    expect(restored.sfn.list()[0]?.status).toBe('SUCCEEDED');
  });

  it.each([
    [
      'a journaled call made with another input',
      (run: SavedStepFunctions['running'][number]) => {
        const build = run.journal.find((e) => e.state === 'Build');
        if (build) build.digest = 'another-input';
      },
      'execution a diverged from its journal at state Build',
    ],
    [
      'a journaled call the execution never makes',
      (run: SavedStepFunctions['running'][number]) => {
        run.journal.push({ state: 'Share', digest: 'never', occurrence: 0, output: {} });
      },
      'execution a stopped short of where it was saved: 1 journaled and 0 pending call(s) never made (Share)',
    ],
  ])('refuses a journal with %s, naming execution and state, and invokes nothing', async (_what, tamper, message) => {
    const original = world(T0);
    await drive(original, SCRIPT, -1, minutes(30));
    const saved = viaJson(original.sfn.saveState());
    const run = saved.running[0];
    if (run) tamper(run);
    const restored = world(minutes(30));
    await expect(restored.sfn.loadState(saved)).rejects.toThrow(message);
    expect(restored.calls).toEqual([]);
  });

  it('takes back the execution and approval timeouts once no longer needed, and labels all it put on the clock as Step Functions', async () => {
    const w = world(T0);
    await drive(w, SCRIPT, -1, minutes(300));
    expect(w.sfn.list().map((e) => e.status)).toEqual(['SUCCEEDED', 'FAILED']);
    expect(w.clock.pending()).toBe(0);
    // Each execution's timeout and each answered approval's: taken back, none left to run.
    expect(w.scheduled.map((i) => [i.label, i.cancelled, i.ran])).toEqual([
      ['states execution timeout a', true, false],
      ['states token timeout a Approval', true, false],
      ['states execution timeout b', true, false],
      ['states token timeout b Approval', true, false],
    ]);
    expect(w.labels.filter((l) => !l.startsWith('states '))).toEqual([]);
  });
});
