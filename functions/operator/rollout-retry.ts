import { announce } from '../../aws/notifications/notifications.js';
import { startOwnExecution } from '../../aws/promotion/own-execution.js';
import { readRolloutFacts } from '../../aws/rollout/rollout-facts.js';
import { listChannelRollouts, retryRollout } from '../../aws/rollout/rollout-operator.js';
import { announcement } from '../../core/notifications/announce.js';
import { RolloutRefusedError, rolloutAmis } from '../../core/rollout/facts.js';
import { retryUnderWay, rolloutOf, rolloutRefusal, sameRetry } from '../../core/rollout/operator.js';
import type { RolloutOperatorAction, RolloutRecord } from '../../core/rollout/record.js';
import { rolloutExecutionNameOf } from '../../core/rollout/request.js';
import { retriedHalt, retriedRecord, retryRefusal } from '../../core/rollout/retry.js';
import type { OperatorRequestOf } from '../../events/operator-request.js';
import { Refusal } from './refusal.js';

type RetryRequest = OperatorRequestOf<'rollout-retry'>;

/**
 * Starts (or, repeated, finds) the execution that runs the rollout after this retry. The record was written before,
 * with the retry's intent (`retrying`), so whatever runs in between (the reconciler, a repeat) sees a retry under way,
 * and a start that fails leaves the intent for a repeat or the reconciler to finish.
 */
async function startRetried(record: RolloutRecord, entry: RolloutOperatorAction): Promise<void> {
  const arn = process.env.ROLLOUT_STATE_MACHINE_ARN;
  if (!arn) throw new Error(`ROLLOUT_STATE_MACHINE_ARN is not set, but channel ${record.channel} rolls out`);
  const input = { image: record.image, channel: record.channel, version: record.version };
  // The name the retry's intent recorded (`retrying`), the same as its count gives: the reconciler, finding the record
  // running before this start (or after it failed), starts this very execution, which this start then finds.
  const name = record.retrying?.execution ?? rolloutExecutionNameOf(record);
  await startOwnExecution(arn, name, input, { notBefore: entry.at });
}

/**
 * The retry's announcement (a resumption of a halted rollout: `resumed by <who> from wave N`, with the retry's count),
 * keyed by its instant: a repeat tells it once.
 */
async function tell(record: RolloutRecord, entry: RolloutOperatorAction): Promise<void> {
  const subject = { image: record.image, version: record.version, channel: record.channel };
  const wave = record.waves[record.currentWave];
  const halt = entry.retried?.reason ? `after its halt (${entry.retried.reason})` : 'after its halt';
  // A superseded rollout started again (`restart`): the operator's reason alone, the announcement tells the rest.
  const reason = entry.retried?.superseded ? entry.reason : `${halt}${entry.reason ? `: ${entry.reason}` : ''}`;
  const retry = (record.operatorActions ?? []).filter((a) => a.action === 'retry').length;
  const detail = {
    wave: wave?.name ?? 'none',
    waveNumber: record.currentWave + 1,
    waves: record.waves.length,
    ...(retry > 0 && { retry }),
    ...(entry.retried?.superseded && { restart: true as const }),
  };
  await announce(
    announcement(
      'rollout-resumed',
      subject,
      { ...detail, by: entry.by, ...(reason !== undefined && { reason }) },
      { at: entry.at, key: entry.at },
    ),
  );
}

/** The retry's answer; `alreadyRetried` when a repeat found this caller's own retry and started nothing new. */
const answer = (record: RolloutRecord, entry: RolloutOperatorAction, alreadyRetried = false) => ({
  image: record.image,
  channel: record.channel,
  version: record.version,
  state: record.state,
  wave: record.currentWave + 1,
  waves: record.waves.length,
  retried: true,
  alreadyRetried,
  by: entry.by,
  ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
  at: entry.at,
});

/**
 * A repeat of the caller's own retry (a lost answer, or the same request twice at once): the record is open with that
 * retry last in its log, by the same caller for the same reason. It starts (or finds) the same named execution and
 * answers as the first did; undefined otherwise (another caller or reason is refused, naming the retry under way).
 */
async function repeated(record: RolloutRecord | undefined, caller: string, reason: string | undefined) {
  const last = retryUnderWay(record);
  if (!record || !last || !sameRetry(last, caller, reason)) return undefined;
  await startRetried(record, last);
  await tell(record, last);
  return answer(record, last, true);
}

/**
 * `goldsmith rollout retry IMAGE CHANNEL [--version V] [--reason R]`: a halted rollout goes on for the same version
 * once its cause is fixed, from the wave that halted (core/rollout/retry.ts), by a new execution of the Rollout state
 * machine. Refused, changing nothing, when nothing is halted, while its wave is still going back, once a newer
 * version rolled out to the channel, or when the version is no longer the channel's (revoked, rolled back: the same
 * check as a rollout's start). A repeat (same caller and reason) finds its own retry last in the record's log: it
 * starts (or finds) the same execution and answers as the first did; another caller or reason is refused, naming it.
 */
export async function rolloutRetry(request: RetryRequest, caller: string, at: Date) {
  const subject = { image: request.image, channel: request.channel, version: request.version };
  const records = await listChannelRollouts(request.image, request.channel);
  const record = rolloutOf(records, request.channel, request.version);
  const again = await repeated(record, caller, request.reason);
  if (again) return again;
  const refused = rolloutRefusal('retry', subject, record) ?? (record && retryRefusal(record, records));
  if (record === undefined || refused)
    throw new Refusal(record === undefined ? 404 : 409, refused ?? 'nothing to retry');
  try {
    rolloutAmis(record, await readRolloutFacts(record.image, record.channel, record.version));
  } catch (error) {
    if (error instanceof RolloutRefusedError) throw new Refusal(409, error.message);
    throw error;
  }
  const entry: RolloutOperatorAction = {
    action: 'retry',
    by: caller,
    at: at.toISOString(),
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
    retried: retriedHalt(record),
  };
  const next = retriedRecord(record, entry);
  if (!(await retryRollout(record, next))) {
    const now = rolloutOf(await listChannelRollouts(request.image, request.channel), request.channel, record.version);
    // The same retry sent twice at once: the other one wrote first, and this one answers as it does.
    const same = await repeated(now, caller, request.reason);
    if (same) return same;
    throw new Refusal(
      409,
      rolloutRefusal('retry', { ...subject, version: record.version }, now) ?? 'changed meanwhile',
    );
  }
  await startRetried(next, entry);
  await tell(next, entry);
  return answer(next, entry);
}
