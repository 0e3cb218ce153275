import { setTimeout as sleepFor } from 'node:timers/promises';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UsageObservation } from '../../core/fleet/usage.js';
import { shapeLedgerTransaction } from '../../core/ledger/format-transactions.js';
import { imagePk, openWork, usageSk } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, isTransactionCancelled } from '../ledger/ledger-writes.js';
import type { UsageItem } from './usage-ledger.js';

/**
 * The sweep's writes to `USAGE#<buildVersion>#<region>` items (aws/fleet/usage-ledger.ts), each a conditional
 * UpdateItem on one item, sent together by `recordUsageWrites`: one image's pass records every report it asked for
 * and read in one or two requests instead of one per AMI.
 */
export interface UsageWrite {
  TableName: string;
  Key: { pk: string; sk: string };
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

type UsageKey = Pick<UsageItem, 'image' | 'version' | 'region'>;

const keyOf = (u: UsageKey) => ({ pk: imagePk(u.image), sk: usageSk(u.version, u.region) });

/** Records a report asked for (open work until read); a second request while one is pending changes nothing. */
export function usageRequested(u: UsageKey & Pick<UsageItem, 'imageId'>, reportId: string, at: string): UsageWrite {
  return {
    TableName: ledgerTable(),
    Key: keyOf(u),
    UpdateExpression:
      'SET image = :image, version = :version, #region = :region, imageId = :imageId, reportId = :reportId, requestedAt = :at, openWork = :work',
    ConditionExpression: 'attribute_not_exists(reportId) OR reportId = :reportId',
    ExpressionAttributeNames: { '#region': 'region' },
    ExpressionAttributeValues: {
      ':image': u.image,
      ':version': u.version,
      ':region': u.region,
      ':imageId': u.imageId,
      ':reportId': reportId,
      ':at': at,
      ':work': openWork.usageReport,
    },
  };
}

/**
 * Records what a report said, once per report: the open work closes, or, with `next` (the report asked for next, in
 * the same pass), stays open for it — one write a day per AMI instead of two.
 */
export function usageObserved(
  u: UsageKey,
  reportId: string,
  observation: UsageObservation,
  next?: { reportId: string; at: string },
): UsageWrite {
  const observed =
    'SET observedAt = :at, accounts = :accounts, instances = :instances, launchTemplates = :templates, lastReportId = :reportId, lastRequestedAt = requestedAt';
  return {
    TableName: ledgerTable(),
    Key: keyOf(u),
    UpdateExpression: next
      ? `${observed}, reportId = :next, requestedAt = :nextAt`
      : `${observed} REMOVE reportId, requestedAt, openWork`,
    ConditionExpression: 'reportId = :reportId',
    ExpressionAttributeValues: {
      ':at': observation.observedAt,
      ':accounts': observation.accounts,
      ':instances': observation.instances,
      ':templates': observation.launchTemplates,
      ':reportId': reportId,
      ...(next && { ':next': next.reportId, ':nextAt': next.at }),
    },
  };
}

/** Forgets a report that ended in error or is gone (the next run asks again), keeping the last observation. */
export function usageRequestCleared(u: UsageKey, reportId: string, reason: string): UsageWrite {
  return {
    TableName: ledgerTable(),
    Key: keyOf(u),
    UpdateExpression: 'SET lastReportError = :reason REMOVE reportId, requestedAt, openWork',
    ConditionExpression: 'reportId = :reportId',
    ExpressionAttributeValues: { ':reportId': reportId, ':reason': reason },
  };
}

/** TransactWriteItems takes at most 100 actions. */
const MAX_ACTIONS = 100;

/**
 * Sends `writes` (each on its own item, conditional) in as few requests as it can, and tells which took effect.
 * A lone write is one UpdateItem. More go in TransactWriteItems of up to 100 actions, each action keeping its own
 * condition (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html): all took
 * effect, or, when the transaction is cancelled (one condition failed, or another request wrote one of its items at
 * the same time: TransactionCanceledException, same page), none did, and each is then sent alone, as before, so one
 * write recorded by a concurrent run fails alone and the others take effect. Any other error is thrown once the SDK's
 * retries are spent (a retry carries the SDK's ClientRequestToken, so a transaction that took effect before its
 * answer was lost is not applied twice: same page). A transaction costs twice the write units of the single writes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html, capacity management),
 * a fraction of a cent a month at the sweep's volume, for a fraction of the requests. Writes on one item twice are
 * sent alone, in order (a transaction takes no two actions on one item).
 * @returns per write, true when it took effect, false when its condition failed (the work was recorded before).
 */
export async function recordUsageWrites(writes: readonly UsageWrite[]): Promise<boolean[]> {
  const done: boolean[] = [];
  try {
    const keys = new Set(writes.map((w) => `${w.Key.pk}\u0000${w.Key.sk}`));
    if (writes.length < 2 || keys.size < writes.length) {
      await sendEachAlone(writes, done);
      return done;
    }
    for (let i = 0; i < writes.length; i += MAX_ACTIONS) {
      const chunk = writes.slice(i, i + MAX_ACTIONS);
      if (chunk.length < 2) {
        await sendEachAlone(chunk, done);
        continue;
      }
      try {
        // Stamped and guarded with the ledger's record format, as every single-item write is.
        const TransactItems = shapeLedgerTransaction(
          chunk.map((w) => ({ Update: w })),
          ledgerTable(),
        );
        await documentClient().send(new TransactWriteCommand({ TransactItems }));
        for (const _ of chunk) done.push(true);
      } catch (error) {
        if (!isTransactionCancelled(error)) throw error;
        await sendEachAlone(chunk, done);
      }
    }
    return done;
  } catch (error) {
    throw new UsageWritesInterrupted(done, error);
  }
}

/**
 * A `recordUsageWrites` stopped by an error after `done.length` of its writes were sent: `done` tells which of those
 * took effect, so what follows each is still done; the writes after them were not sent.
 */
export class UsageWritesInterrupted extends Error {
  override readonly name = 'UsageWritesInterrupted';
  constructor(
    readonly done: readonly boolean[],
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** A lone write's attempts while another pass's transaction holds its item, and the wait before each retry. */
const CONFLICT_ATTEMPTS = 4;
const CONFLICT_BACKOFF_MS = 100;

/**
 * Each write alone, in order. A single-item write on an item an ongoing TransactWriteItems includes is rejected with
 * TransactionConflictException (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html,
 * transaction conflict handling), which the SDK does not retry: another pass's transaction (an overlapping sweep)
 * ends within moments, so the write is sent again after a short wait, up to {@link CONFLICT_ATTEMPTS} times.
 */
async function sendEachAlone(writes: readonly UsageWrite[], done: boolean[]): Promise<void> {
  for (const w of writes) {
    for (let attempt = 1; ; attempt++) {
      try {
        done.push(await conditionalWrite(() => documentClient().send(new UpdateCommand(w))));
        break;
      } catch (error) {
        if (!isNamed(error, 'TransactionConflictException') || attempt >= CONFLICT_ATTEMPTS) throw error;
        await sleepFor(CONFLICT_BACKOFF_MS * attempt);
      }
    }
  }
}

/** The SDK's service exceptions carry their error code as `name`. */
const isNamed = (error: unknown, name: string): boolean => error instanceof Error && error.name === name;

/**
 * Writes gathered over one step of a pass and sent together (`recordUsageWrites`) by `flush`, each followed by what
 * its caller does once it knows whether the write took effect.
 */
export class UsageWrites {
  private queued: { write: UsageWrite; then: (recorded: boolean) => unknown }[] = [];

  add(write: UsageWrite, then: (recorded: boolean) => unknown): void {
    this.queued.push({ write, then });
  }

  /**
   * Sends the queued writes, then runs what follows each, every one of them even when one throws or the writes stopped
   * part way (a write not sent counts as not taken effect): a report a write closed is read by no later pass, so what
   * its follow-up does (telling a revoked version's late users) cannot wait for one. Then throws the first error.
   */
  async flush(): Promise<void> {
    const queued = this.queued;
    this.queued = [];
    const errors: unknown[] = [];
    let recorded: readonly boolean[];
    try {
      recorded = await recordUsageWrites(queued.map((q) => q.write));
    } catch (error) {
      if (!(error instanceof UsageWritesInterrupted)) throw error;
      recorded = error.done;
      errors.push(error.cause);
    }
    for (const [i, q] of queued.entries()) {
      try {
        await q.then(recorded[i] === true);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}
