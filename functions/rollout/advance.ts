import type { RolloutRoleLookup } from '../../aws/rollout/member-baseline-roles.js';
import { readRolloutFacts } from '../../aws/rollout/rollout-facts.js';
import { createRollout, RolloutChangedError, readRollout, saveRollout } from '../../aws/rollout/rollout-ledger.js';
import type { ChannelSpec } from '../../core/config/schema.js';
import { MalformedEventError } from '../../core/errors.js';
import { type RolloutAnnouncement, rolloutAnnouncements } from '../../core/rollout/announcements.js';
import { EMPTY_CANARY } from '../../core/rollout/canary.js';
import { executionRefusal } from '../../core/rollout/driver.js';
import { RolloutRefusedError, rolloutAmis } from '../../core/rollout/facts.js';
import { haltReason, settledEnd, withFailedMoves, withFailures, withHaltCause } from '../../core/rollout/halt.js';
import { alarmWatchAfterHalt, planLateRollback } from '../../core/rollout/late-alarms.js';
import { withMoving } from '../../core/rollout/moving.js';
import {
  newRolloutRecord,
  planRollout,
  withAbortedWaves,
  withGroupStatuses,
  withStatuses,
} from '../../core/rollout/plan.js';
import type { RolloutGroup, RolloutRecord } from '../../core/rollout/record.js';
import { movesToWatch, withMoveStatuses, withMoves } from '../../core/rollout/supersede.js';
import { bundledCatalog } from '../lib/catalog.js';
import { waveAccounts } from './accounts.js';
import { adoptStarted } from './adopt.js';
import type { RolloutInput } from './input.js';
import { alarmBehind, findLateAlarm, followLateRollback, haltOnLateAlarm, takeBackLaterAlarms } from './late-alarms.js';
import { withLeftBehind } from './left-behind.js';
import { movingAccounts } from './moving.js';
import { retryPendingScopes } from './pending.js';
import { followSuperseded } from './supersede.js';
import { cancelGroups, readRefreshes, readStatuses, rollBackGroups } from './take-back.js';
import { nothingFollows, type RolloutContext, startWave } from './wave.js';

/** Where the engine's announcements go, with the record as written (its subject and time). */
export type Tell = (record: RolloutRecord, said: RolloutAnnouncement[]) => Promise<void>;

/** What a task returns: whether the rollout has ended (the state machine stops) and where it stands. */
export interface AdvanceResult {
  done: boolean;
  state: RolloutRecord['state'];
  currentWave: number;
}

function channelOf(name: string): ChannelSpec & { rollout: NonNullable<ChannelSpec['rollout']> } {
  const channel = bundledCatalog().channels.find((c) => c.name === name);
  if (!channel?.rollout) throw new MalformedEventError(`channel: ${name} does not roll out (no channels[].rollout)`);
  return { ...channel, rollout: channel.rollout };
}

function roleName(): string {
  const name = process.env.ROLLOUT_ROLE_NAME;
  if (!name) throw new Error('ROLLOUT_ROLE_NAME is not set');
  return name;
}

/** The member baseline's StackSet, when the stack deploys one: each account's role is named after its stack instance. */
function roleLookup(name: string): RolloutRoleLookup | undefined {
  const { MEMBER_BASELINE_STACK_SET: stackSetName, MEMBER_BASELINE_CALL_AS: callAs } = process.env;
  const roleRegion = process.env.MEMBER_BASELINE_ROLE_REGION;
  if (!stackSetName || !roleRegion || (callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN')) return undefined;
  return { stackSetName, callAs, roleRegion, roleName: name };
}

const result = (r: RolloutRecord, done: boolean): AdvanceResult => ({ done, ...pick(r) });
const pick = ({ state, currentWave }: RolloutRecord) => ({ state, currentWave });

/**
 * One step of a rollout, safe to repeat: reads the ledger's record (creating it on the first step), reads the
 * current wave's refreshes from AWS, and does what the planner says (core/rollout/plan.ts): start a wave, wait, move
 * on from a healthy wave, halt and roll back a failed one, cancel an aborted or superseded one. Progress is written
 * only while the record's state is still the one read, so an operator's pause or abort in between wins; a step
 * retried after its effect and before its write finds its refreshes again instead of starting new ones.
 */
export async function advanceRollout(
  input: RolloutInput,
  options: { now?: () => string; tell?: Tell } = {},
): Promise<AdvanceResult> {
  const now = options.now ?? (() => new Date().toISOString());
  const tell = options.tell ?? (async () => {});
  const channel = channelOf(input.channel);
  const ctx: RolloutContext = {
    image: input.image,
    channel: input.channel,
    version: input.version,
    settings: channel.rollout,
    roleName: roleName(),
  };
  const lookup = roleLookup(ctx.roleName);
  if (lookup) ctx.roleLookup = lookup;
  let record = await readRollout(input.image, input.channel, input.version);
  if (!record) {
    // Only a version the ledger says is published to the channel, and not revoked, rolls out: its AMIs are the ones
    // the channel pointer holds, each the build's. Anything else is refused before anything starts.
    const facts = await readRolloutFacts(input.image, input.channel, input.version);
    const amis = rolloutAmis(input, facts);
    const planned = newRolloutRecord({ ...input, amis, waves: channel.rollout.waves.map((w) => w.name), now: now() });
    // A later promotion attempt's rollout (the version restored and promoted through its gates again) is its own.
    const fresh = facts.attempt !== undefined && facts.attempt > 1 ? { ...planned, attempt: facts.attempt } : planned;
    await createRollout(fresh);
    record = (await readRollout(input.image, input.channel, input.version)) ?? fresh;
  }
  if (record.attempt !== undefined) ctx.attempt = record.attempt;
  // Only the execution the record names drives it: another one (a retried rollout's earlier execution) changes
  // nothing and fails, not retried (RolloutRefused).
  const refusal = executionRefusal(record, input.executionName);
  if (refusal) throw new RolloutRefusedError(refusal);
  const retries = (record.operatorActions ?? []).filter((a) => a.action === 'retry');
  const lastRetry = retries.at(-1);
  if (lastRetry) ctx.retry = { count: retries.length, at: lastRetry.at };
  const read = record;
  const expected = record.state;
  // What changed is told only once the ledger holds it: after the write, from the record read and the one written.
  // The refreshes this step started: if the record changed meanwhile (an abort, a pause, a supersede), they are not
  // recorded, and the retry would not know them, so they are cancelled before the step fails and is retried.
  const startedHere: RolloutGroup[] = [];
  // What the ledger holds of the waves' groups: a save rewrites only the chunks that differ from it.
  let stored = read;
  const save = async (next: RolloutRecord, end?: Parameters<typeof saveRollout>[2]) => {
    try {
      await saveRollout(next, expected, end, stored);
      stored = next;
    } catch (err) {
      if (err instanceof RolloutChangedError && startedHere.length > 0) await cancelGroups(ctx, startedHere, now());
      throw err;
    }
    const written = end ? { ...next, state: end.state, ...(end.reason !== undefined && { reason: end.reason }) } : next;
    await tell(written, rolloutAnnouncements(read, written, channel.rollout.bakeMinutes));
  };
  let accounts: string[][] | undefined;
  // Refreshes a failed start left unrecorded are found before an abort or a revocation acts on the wave (adopt.ts).
  const adopt = async (r: RolloutRecord) => {
    if (!r.waves.some((w) => w.state === 'pending')) return r;
    accounts ??= await waveAccounts(channel);
    return adoptStarted(ctx, r, accounts, now());
  };
  if (record.state === 'superseded') {
    const done = await followSuperseded(ctx, await adopt(record), save, now);
    return result(record, done);
  }
  // Accounts throttled when the wave started are tried again, while the rollout goes on (core/rollout/pending.ts).
  if (record.state === 'running') {
    const retried = await retryPendingScopes(ctx, record, now());
    record = retried.record;
    startedHere.push(...retried.started);
  }
  const current = record.waves[record.currentWave];
  if (current && current.state !== 'pending' && current.groups.length > 0) {
    const read = await readRefreshes(ctx, current.groups, now());
    // An account between two member baseline stack instances (moving between OUs) is waited for, not failed.
    const between = await movingAccounts(lookup, read.failures);
    const kept = withMoving(record, record.currentWave, read.failures, between, now());
    record = withStatuses(withFailures(kept.record, record.currentWave, kept.failures), read.statuses, now());
    // What each refresh that ended Successful left on the version before (protected, Standby), read once.
    if (record.state === 'running' || record.state === 'paused') record = await withLeftBehind(ctx, record, now());
    // A halted wave's groups that had refreshed go back by refreshes of their own (`back`), read by their ids.
    const moving = record.state === 'halted' ? movesToWatch(record.waves[record.currentWave]?.groups ?? []) : [];
    if (moving.length > 0) record = withFailedMoves(withMoveStatuses(record, await readStatuses(ctx, moving), now()));
  }
  if (record.state === 'aborted') record = await adopt(record);
  // A finished wave's alarm in ALARM halts the rollout and takes that wave back (late-alarms.ts).
  const late = await findLateAlarm(ctx, record, now());
  if (late) {
    const halt = await haltOnLateAlarm(ctx, await adopt(record), late, now());
    await save(halt.record, { state: 'halted', reason: halt.reason });
    return result({ ...halt.record, state: 'halted' }, false);
  }
  if (record.state === 'halted' && planLateRollback(record).kind !== 'none') {
    // Under lateAlarmScope account, the alarmed wave's other accounts are still read until the watch ends: each one
    // in ALARM now goes back as the first did.
    const later = await takeBackLaterAlarms(ctx, record, now());
    const followed = await followLateRollback(ctx, later.record, now());
    let next = followed.record;
    const step = planRollout(next);
    if (step.kind === 'rolled-back') {
      const at = now();
      next = {
        ...next,
        waves: next.waves.map((w, i) => (i === step.wave ? { ...w, state: 'rolled-back', rolledBackAt: at } : w)),
      };
    }
    await save(next, later.reason === undefined ? undefined : { state: 'halted', reason: later.reason });
    const watch = alarmWatchAfterHalt(next, channel.rollout.bakeMinutes, now());
    const watching = (channel.rollout.alarms ?? []).length > 0 && (watch?.scopes.length ?? 0) > 0;
    return result(next, !watching && followed.settled && (step.kind === 'ended' || step.kind === 'rolled-back'));
  }
  // Bounded: each pass starts a wave or moves past one, and a rollout has at most ten.
  for (let pass = 0; pass <= 2 * record.waves.length + 1; pass += 1) {
    const step = planRollout(record);
    switch (step.kind) {
      case 'start-wave': {
        accounts ??= await waveAccounts(channel);
        record = await startWave(ctx, record, step.wave, accounts, now());
        startedHere.push(...(record.waves[step.wave]?.groups ?? []));
        continue;
      }
      case 'wave-healthy': {
        if (step.next === 'next-wave') {
          record = { ...record, currentWave: step.wave + 1, updatedAt: now() };
          continue;
        }
        if (step.next === 'completed') {
          await save(record, { state: 'completed' });
          return result({ ...record, state: 'completed' }, true);
        }
        await save(record);
        return result(record, false);
      }
      case 'wait':
        await save(record);
        return result(record, false);
      case 'halt': {
        if (step.reason === EMPTY_CANARY) {
          accounts ??= await waveAccounts(channel);
          const quiet = await nothingFollows(ctx, record, accounts, now());
          if (quiet) {
            await save(quiet.record, { state: 'completed', reason: quiet.reason });
            return result({ ...quiet.record, state: 'completed' }, true);
          }
        }
        const { problems, reverted } = await rollBackGroups(ctx, step.rollBack, step.revert);
        const reason = haltReason(record, step, await alarmBehind(ctx, step.failed[0]));
        const skippedGroups = [...record.skippedGroups, ...problems];
        const halted = { ...withHaltCause(withMoves(record, reverted), step), skippedGroups, updatedAt: now() };
        await save(halted, { state: 'halted', reason });
        // Followed on until its refreshes have rolled back, so the wave's rollback is recorded and told.
        const ended = planRollout({ ...halted, state: 'halted' }).kind === 'ended';
        return result({ ...halted, state: 'halted' }, ended);
      }
      case 'rolled-back': {
        const at = now();
        const waves = record.waves.map((w, i) =>
          i === step.wave ? { ...w, state: 'rolled-back' as const, rolledBackAt: at } : w,
        );
        const rolledBack = { ...record, waves, updatedAt: at };
        await save(rolledBack, settledEnd(rolledBack));
        return result(rolledBack, true);
      }
      case 'stop': {
        // Cancelled, then read back: the record says what AWS reports (Cancelling, Cancelled), never the Baking of
        // before the abort.
        const refused = await cancelGroups(ctx, step.cancel, now());
        const read = await readRefreshes(ctx, step.cancel, now());
        const cancelled = withGroupStatuses(withFailures(record, record.currentWave, refused), read.statuses, now());
        // Every cancel done: the wave it cut short ends `aborted` (a record that ended keeps no wave baking).
        const stopped = withAbortedWaves(cancelled, now());
        await save(stopped);
        return result(stopped, planRollout(stopped).kind === 'ended');
      }
      case 'ended': {
        // An aborted rollout's cancels, read back until AWS reports them done, are recorded as it reported them, the
        // wave they cut short `aborted`; so is a halted wave's refresh back that ended other than Successful.
        record = withAbortedWaves(record, now());
        const end = settledEnd(record);
        if ((record.state === 'aborted' || record.state === 'halted') && (record !== read || end))
          await save(record, end);
        return result(record, true);
      }
    }
  }
  throw new Error(`rollout of ${input.image} ${input.version} to ${input.channel} did not settle`);
}
