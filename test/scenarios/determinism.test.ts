import { setTimeout as realDelay } from 'node:timers/promises';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import { requestIdsIssued } from '../../local/fakes/common.js';
import { simulate } from '../../local/simulator/index.js';
import { Throttle } from '../../local/throttle.js';
import { currentCaller } from '../../local/trust/caller.js';
import { REPO_ROOT, scenarioOf, THROTTLED_NEW_YEAR_RELEASE } from './helpers.js';

const LONG = 600_000;

/**
 * A fifth of the calls throttled, and the base image released at 01:00: at 01:52 the build is AVAILABLE, and
 * on-image-event starts the promotion, then writes the ledger and the SBOMs while the promotion's first task backs
 * off from a throttle. The smallest run that shows a function's requests moving to another instant.
 */
const SCENARIO = scenarioOf({ ...THROTTLED_NEW_YEAR_RELEASE, until: '2027-01-01T02:00:00Z' });

interface Recorded {
  /** Every attempt that reached a token bucket: virtual time, caller, call, and whether it was throttled. */
  attempts: string[];
  report: unknown;
  timeline: unknown;
  snapshot: unknown;
  /** Request ids the fakes handed out (SNS message ids and Image Builder's event ids are among them). */
  requestIds: number;
}

/**
 * One run of SCENARIO, with every attempt recorded as the token buckets see it. With `delayLedgerOf`, each DynamoDB
 * request of that function first waits a real millisecond or two, as a cold module cache or a loaded machine makes
 * it wait: real time the virtual clock must not see.
 */
async function recordedRun(delayLedgerOf?: string): Promise<Recorded> {
  const attempts: string[] = [];
  const take = Throttle.prototype.take;
  vi.spyOn(Throttle.prototype, 'take').mockImplementation(function (this: Throttle, ...args) {
    const taken = take.apply(this, args);
    const [account, region, service, action] = args;
    const caller = currentCaller()?.split('/').pop();
    attempts.push(`${new Date().toISOString()} ${caller} ${service}:${action} ${region} ${account} ${taken}`);
    return taken;
  });
  if (delayLedgerOf) {
    const send = DynamoDBDocumentClient.prototype.send;
    vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(async function (
      this: DynamoDBDocumentClient,
      ...args: Parameters<typeof send>
    ) {
      if (currentCaller()?.endsWith(delayLedgerOf)) await realDelay(1 + (attempts.length % 2));
      return send.apply(this, args);
    } as typeof send);
  }
  const catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
  const result = await simulate(catalog, SCENARIO, REPO_ROOT, { snapshot: true });
  vi.restoreAllMocks();
  const { run: _run, ...report } = result.report as unknown as Record<string, unknown>;
  return { attempts, report, timeline: result.timeline, snapshot: result.snapshot, requestIds: requestIdsIssued() };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the same scenario twice in one process', () => {
  it(
    'sends every request at the same virtual instant in the same order, and ends in the same cloud, even when real time differs',
    async () => {
      // The first run in the process loads and warms what the second finds ready; the third waits in real time
      // whenever on-image-event writes the ledger.
      const first = await recordedRun();
      const second = await recordedRun();
      const delayed = await recordedRun('Promotion-OnImageEvent');

      // The run reached the moment that matters: the promotion started, and the fault stream threw throttles.
      expect(first.attempts.some((a) => a.includes('OnImageEvent sfn:StartExecution'))).toBe(true);
      expect(first.report).toMatchObject({ faults: { injected: expect.any(Number) } });
      expect((first.report as { faults: { injected: number } }).faults.injected).toBeGreaterThan(5);
      for (const other of [second, delayed]) {
        expect(other.attempts).toEqual(first.attempts);
        expect(other.report).toEqual(first.report);
        expect(other.timeline).toEqual(first.timeline);
        expect(other.snapshot).toEqual(first.snapshot);
        expect(other.requestIds).toBe(first.requestIds);
      }
    },
    LONG,
  );
});
