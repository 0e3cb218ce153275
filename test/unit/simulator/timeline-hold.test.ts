import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../local/clock.js';
import { provideHandlerModules } from '../../../local/simulator/handler-modules.js';
import { AsyncInvoker } from '../../../local/simulator/invoke.js';
import { LocalLambdas } from '../../../local/simulator/lambda.js';
import { installVirtualDate } from '../../../local/simulator/virtual-date.js';
import type { Wiring } from '../../../local/simulator/wiring.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const START = Date.parse('2027-01-14T02:00:00Z');
const arnOf = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const wiring = {
  functions: new Map(
    ['Finding', 'Revoke', 'Later'].map((name) => [
      arnOf(name),
      { logicalId: name, handler: `functions/${name.toLowerCase()}.handler`, environment: {} },
    ]),
  ),
} as unknown as Wiring;

let restoreDate: (() => void) | undefined;
afterEach(() => restoreDate?.());

/**
 * A finding's handler that takes its time when it starts, waits a minute on the clock, then hands that time on in an
 * event (as on-finding hands a revocation's time to the lifecycle request's function); the function delivered it
 * fails its first attempt and writes the line on Lambda's retry, a minute later.
 */
function cloudWithAChain() {
  // The handler files exist (Lambda's loader looks for them); the modules the test provides run in their place.
  const root = testTempDir('goldsmith-timeline-hold-');
  mkdirSync(join(root, 'functions'));
  for (const file of ['finding', 'revoke', 'later']) writeFileSync(join(root, `functions/${file}.ts`), 'export {};\n');
  const clock = new VirtualClock(START);
  restoreDate = installVirtualDate(() => clock.now());
  const lambdas = new LocalLambdas(root);
  const invoker = new AsyncInvoker({ clock, lambdas, wiring, copies: () => 1 });
  const written: { at: number; writtenAt: number }[] = [];
  let attempts = 0;
  provideHandlerModules({
    [join(root, 'functions/finding.ts')]: async () => ({
      handler: async () => {
        const at = Date.now();
        // Work it sets going apart from itself, which delivers an event of its own after the handler has ended.
        void clock.trackApart(async () => {
          await clock.sleep(300_000);
          invoker.deliverAsync(arnOf('Later'), {}, 'event Later');
        });
        await clock.sleep(60_000);
        invoker.deliverAsync(arnOf('Revoke'), { at }, 'event Revoke');
      },
    }),
    [join(root, 'functions/revoke.ts')]: async () => ({
      handler: async (event: { at: number }) => {
        attempts++;
        if (attempts === 1) throw new Error('throttled');
        await clock.sleep(5_000);
        written.push({ at: event.at, writtenAt: Date.now() });
      },
    }),
    [join(root, 'functions/later.ts')]: async () => ({
      handler: async () => {
        await clock.sleep(5_000);
      },
    }),
  });
  return { clock, invoker, written };
}

describe('what holds the streamed timeline back', () => {
  it('holds it to the start of the invocation whose event a later one writes, through that one and its retry, not after', async () => {
    const { clock, invoker, written } = cloudWithAChain();
    const held: [string, string | undefined][] = [];
    clock.schedule(START, 'finding', () => {
      invoker.deliverAsync(arnOf('Finding'), {}, 'event Finding');
    });

    await clock.run(START + 10 * 60_000, (now) => {
      const since = invoker.runningSince();
      held.push([new Date(now).toISOString(), since === undefined ? undefined : new Date(since).toISOString()]);
    });

    expect(written).toEqual([{ at: START, writtenAt: START + 60_000 + 60_000 + 5_000 }]);
    // After each step of the clock: the finding's delivery armed (nothing held yet), its handler running (held to its
    // start), its minute's wait, its event's first attempt failing, the retry a minute later writing the line five
    // seconds on: held to the finding's start until then, then nothing. The work it set going apart delivers after the
    // handler ended: that event holds nothing, and its invocation only its own start.
    const t = (ms: number) => new Date(START + ms).toISOString();
    const since = t(0);
    expect(held).toEqual([
      [t(0), undefined],
      [t(0), since],
      [t(60_000), since],
      [t(60_000), since],
      [t(120_000), since],
      [t(125_000), undefined],
      [t(300_000), undefined],
      [t(300_000), t(300_000)],
      [t(305_000), undefined],
    ]);
    expect(invoker.runningSince()).toBeUndefined();
  });
});
