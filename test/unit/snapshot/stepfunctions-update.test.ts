import { describe, expect, it } from 'vitest';
import type { StatesDefinition } from '../../../local/stepfunctions/localize.js';
import { approvalMachine, MACHINE_ARN as machineArn, tokenEngine, viaJson } from '../../helpers/sfn-token-engine.js';

/** An approval on a task token, then a Pass state that names the definition: its output says which one ran. */
const release = (name: string): StatesDefinition =>
  approvalMachine({ Type: 'Pass', Result: { ranOn: name }, End: true });

const engine = (definition: StatesDefinition) => tokenEngine(definition, 'update');

/** Lets virtual seconds pass until `side` has issued `count` tokens and waits on them (a loaded machine may need more
 * than one). */
async function untilTokens(side: ReturnType<typeof engine>, count: number) {
  for (let i = 0; i < 50 && side.tokens.length < count; i++) await side.clock.advance(1);
  // The invoke that carried the token has returned: the task waits on it (a quiescent instant).
  await side.clock.advance(1);
}

/** One execution started on 0.2.0's definition, waiting for its approval, saved. */
async function savedWaiting() {
  const old = engine(release('0.2.0'));
  old.sfn.startExecution({ stateMachineArn: machineArn, name: 'waiting', input: '{}' });
  await untilTokens(old, 1);
  return { state: viaJson(old.sfn.saveState()), token: old.tokens[0] ?? '' };
}

/** Answers the waiting approval in `side`, starts a new execution and approves it: the outputs, oldest first. */
async function goOn(side: ReturnType<typeof engine>, token: string) {
  side.sfn.sendTaskSuccess(token, '{}');
  const issued = side.tokens.length;
  side.sfn.startExecution({ stateMachineArn: machineArn, name: 'new', input: '{}' });
  await untilTokens(side, issued + 1);
  side.sfn.sendTaskSuccess(side.tokens.at(-1) ?? '', '{}');
  await side.clock.advance(1);
  await side.sfn.settled();
  return side.sfn.list().map((e) => [e.name, e.status, e.output]);
}

describe('A state machine updated under a running execution (UpdateStateMachine)', () => {
  it('keeps the running execution on the definition it started on; a new one starts on the new definition', async () => {
    const { state, token } = await savedWaiting();
    expect(Object.values(state.definitions ?? {})).toEqual([release('0.2.0')]);

    const upgraded = engine(release('0.3.0'));
    const figures = await upgraded.sfn.loadState(state);
    expect(figures).toEqual({ running: 1, onEarlierDefinition: 1 });
    expect(await goOn(upgraded, token)).toEqual([
      ['waiting', 'SUCCEEDED', JSON.stringify({ ranOn: '0.2.0' })],
      ['new', 'SUCCEEDED', JSON.stringify({ ranOn: '0.3.0' })],
    ]);
  });

  it('saves the running execution with its earlier definition again, after the update', async () => {
    const { state } = await savedWaiting();
    const upgraded = engine(release('0.3.0'));
    await upgraded.sfn.loadState(state);
    const again = viaJson(upgraded.sfn.saveState());
    expect(Object.values(again.definitions ?? {})).toEqual([release('0.2.0')]);
  });

  it('takes the definition of a save that recorded none from the deployment it was saved under', async () => {
    const { state, token } = await savedWaiting();
    const { definitions: _d, runningOn: _r, ...recordedNone } = state;
    const upgraded = engine(release('0.3.0'));
    const figures = await upgraded.sfn.loadState(recordedNone, new Map([[machineArn, release('0.2.0')]]));
    expect(figures.onEarlierDefinition).toBe(1);
    expect((await goOn(upgraded, token))[0]).toEqual(['waiting', 'SUCCEEDED', JSON.stringify({ ranOn: '0.2.0' })]);
  });

  it('without an update, counts no execution on an earlier definition', async () => {
    const { state } = await savedWaiting();
    expect(await engine(release('0.2.0')).sfn.loadState(state)).toEqual({ running: 1, onEarlierDefinition: 0 });
  });
});
