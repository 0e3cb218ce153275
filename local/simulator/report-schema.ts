import * as z from 'zod';
import type { CostReport } from '../../core/cost/estimate.js';
import { NOTIFICATION_DETAILS } from '../../events/notification.js';
import type { SimulationResult } from './index.js';
import type { SimulationReport } from './report.js';
import { memberBaselineSchema } from './report-member-baseline.js';
import { rolloutReportSchema } from './report-rollouts.js';
import { fleetSchema } from './report-schema-fleet.js';
import { timelineEntrySchema } from './report-schema-timeline.js';
import type { SlackMessageSeen } from './slack.js';
import type { repeatedOutcomes } from './timeline-fold.js';
import type { TotalsRow } from './totals.js';

/**
 * The `goldsmith simulate --json` document as a zod schema: the report (`SimulationReport`) with the run's
 * `totals`, `timeline`, `repeatedOutcomes`, `notes`, `run` and, with `--slack`, `slackMessages`. It exists so that docs/schemas/report.schema.json
 * can be generated from code (`npm run schemas`); the type checks at the end of this file fail to compile when the
 * report's TypeScript types and this schema part ways.
 */

const count = z.number().int().min(0);
const time = z.string();
const perName = z.record(z.string(), z.number());

const costSchema = z.strictObject({
  currency: z.string(),
  total: z.number(),
  build: z.number(),
  storage: z.number(),
  pointers: z.number(),
  orchestration: z.number(),
  perImage: perName,
  perImagePerMonth: perName,
  promotions: z.number(),
  orchestrationPerPromotion: z.number(),
  orchestrationPerPromotionUsage: z.number(),
  orchestrationParts: perName,
  perMonth: perName,
  months: z.number(),
  prices: z.strictObject({ asOf: z.string(), source: z.string() }),
  assumptions: z.array(z.string()),
});

const waveSchema = z.strictObject({
  start: time,
  calls: count,
  regions: count,
  virtualSeconds: z.number(),
  longestCallSeconds: z.number(),
  lowerBoundSeconds: z.number(),
});

export const reportSchema = z.strictObject({
  scenario: z.strictObject({ start: time, until: time, seed: z.number().int() }),
  builds: z.array(
    z.strictObject({
      image: z.string(),
      version: z.string().describe('x.y.z/build, e.g. 1.0.0/3'),
      trigger: z
        .string()
        .describe(
          'schedule, base-image, package, cascade, manual (a person), cve (a finding over policy) or revocation (a revoked parent)',
        ),
      status: z.string().describe("Image Builder's status: AVAILABLE, FAILED, CANCELLED, …"),
      requestedAt: time,
      finishedAt: time.nullable(),
      reason: z.string().optional(),
      change: z.string().optional().describe('the change (dedupe key) the build was started for'),
      cost: z.number().optional().describe("the estimate on the build's ledger item (instances and copies)"),
      flagged: z
        .strictObject({ at: time, reason: z.string() })
        .optional()
        .describe(
          'built on a revoked parent: held out of every further gate, soak check and approval (replaced by its rebuild, or by a build on the next parent version where the revocation left the channel empty)',
        ),
    }),
  ),
  promotions: z.array(
    z.strictObject({
      image: z.string(),
      version: z.string(),
      channel: z.string(),
      outcome: z.string().describe('promoted, rejected, expired or aborted'),
      reason: z.string(),
      by: z.string().optional(),
      at: time,
      regions: z.array(z.string()),
      targets: z.strictObject({ ous: count, accounts: count }),
    }),
  ),
  pointers: z
    .record(z.string(), z.record(z.string(), z.string()))
    .describe('"image/channel" → Region → the AMI id or container digest the pointer names'),
  notifications: z.array(
    z.strictObject({
      event: z.string(),
      image: z.string(),
      channel: z.string().nullable(),
      at: time,
      subject: z.string(),
      changes: z
        .string()
        .optional()
        .describe("an approval request's changes against the channel's current version, in one line"),
      why: z
        .string()
        .optional()
        .describe("a revocation's or a restore's reason and who made it: `<reason> (by <who>)`"),
    }),
  ),
  announcements: z.strictObject({ distinct: count, deliveries: count, suppressed: count }).optional(),
  summaries: z.array(NOTIFICATION_DETAILS['monthly-summary']).optional(),
  apiCalls: z.record(z.string(), count).describe('"service:Operation" → calls'),
  faults: z.strictObject({
    injected: count,
    retried: count,
    throttled: count.describe(
      "attempts a service's own rate limit refused, which the SDK retried like injected faults",
    ),
    failedCalls: count,
    failed: z.array(z.strictObject({ at: time, operation: z.string(), error: z.string(), handledBy: z.string() })),
    outages: z.array(
      z.strictObject({
        service: z.string(),
        from: time,
        until: time,
        status: z.number().optional(),
        retryAfterSeconds: z.number().optional(),
        callsFailed: count,
        deferred: count,
        recoveredAt: time.nullable(),
      }),
    ),
    redriven: count,
    deadLettersLeft: count,
    announcements: z.strictObject({ refused: count, publishedLater: count, pending: count, lost: count }),
    paused: z.array(
      z.strictObject({
        image: z.string(),
        version: z.string(),
        channel: z.string(),
        error: z.string(),
        pausedAt: time,
        status: z.string(),
        resumes: count,
        resumedAt: time.optional(),
      }),
    ),
  }),
  duplicatesSuppressed: count,
  rejectedEvents: z.array(
    z
      .strictObject({
        at: time,
        reason: z.string(),
        principal: z.string().optional(),
        recovered: z
          .strictObject({ at: time, by: z.string() })
          .optional()
          .describe('when the same invocation later succeeded (a re-drive of its dead letter), and how'),
      })
      .describe('an event our functions failed on every retry (dead-lettered), or one the bus refused'),
  ),
  rejectedCallbacks: count,
  slack: z
    .strictObject({
      posted: count,
      threads: count,
      updated: count,
      approvals: count,
      refused: count,
      rateLimited: count,
      failed: count.optional(),
      deferred: count.optional(),
      pending: count.optional(),
    })
    .optional(),
  consistency: z.strictObject({
    ok: z.boolean(),
    problems: z.array(z.string()).describe('what is broken: any makes ok false and simulate exit 1'),
    recovering: z
      .array(z.string())
      .optional()
      .describe(
        'documented in-between states that end by themselves (a paused promotion the reconciler resumes): ok stays true',
      ),
    checks: z.record(z.string(), count).optional().describe('check name → what it examined'),
  }),
  apiModel: z.strictObject({
    requests: count,
    responses: count,
    newerThanModel: count,
    violations: z.array(z.string()),
  }),
  cost: costSchema.optional(),
  sharing: z
    .strictObject({
      promotions: count,
      modifyImageAttribute: count,
      modifySnapshotAttribute: count,
      minimumModifyImageAttribute: count,
      waves: z.strictObject({ count, largest: waveSchema.nullable(), totalVirtualSeconds: z.number() }),
    })
    .optional(),
  // Calls made against the calls the plan needs, per operation, and DynamoDB requests (call-minimum.ts).
  callPlan: z
    .strictObject({
      promotions: count,
      operations: z.array(z.strictObject({ operation: z.string(), made: count, minimum: count, basis: z.string() })),
      made: count,
      minimum: count,
      ratio: z.number().nullable(),
      dynamo: z.strictObject({ requests: count, byOperation: z.record(z.string(), count) }),
      audit: z.strictObject({ calls: count, byOperation: z.record(z.string(), count) }).optional(),
      dynamoByFunction: z
        .record(z.string(), z.record(z.string(), count))
        .optional()
        .describe("DynamoDB requests by the calling function's logical id, then by operation"),
    })
    .optional(),
  amis: z.strictObject({
    alive: count,
    deprecated: count,
    deregistered: count,
    snapshotsDeleted: count,
    snapshotsAlive: count,
  }),
  patchTimes: z.array(
    z.strictObject({
      image: z.string(),
      version: z.string(),
      findingAt: time,
      channels: z.record(z.string(), z.strictObject({ version: z.string(), at: time, hours: z.number() }).nullable()),
    }),
  ),
  fleet: fleetSchema.optional(),
  memberBaseline: memberBaselineSchema.optional(),
  rollouts: z.array(rolloutReportSchema).describe('every rollout and each of its waves, as the ledger holds them'),
  totals: z
    .array(z.strictObject({ what: z.string(), value: z.string() }))
    .describe("the Totals table's rows as `simulate` and the HTML report print them, with the same labels and values"),
  timeline: z.array(timelineEntrySchema),
  repeatedOutcomes: z
    .array(
      z.strictObject({
        at: time,
        image: z.string(),
        text: z.string(),
        times: count,
        versions: z.array(z.string()),
        last: time,
      }),
    )
    .describe(
      "the failures, dead letters and recoveries the human timeline prints once, as its 'Repeated outcomes' section counts them (`timeline` keeps every line)",
    ),
  notes: z.array(z.string()),
  run: z.strictObject({
    wallMs: z.number(),
    simulatedMonths: z.number(),
    monthsPerSecond: z.number(),
    steps: count,
    peakRssMb: z.number(),
    functions: z.record(z.string(), z.strictObject({ invocations: count, ms: z.number() })).optional(),
    streamed: z.strictObject({ live: count, late: count }).optional(),
    phases: z
      .array(
        z.strictObject({
          phase: z.string(),
          wallMs: z.number(),
          cpuMs: z.number(),
          startUs: z.number(),
          endUs: z.number(),
        }),
      )
      .optional()
      .describe(
        "the run's phases one after the other, each with its wall and CPU milliseconds and where it lies on the process's monotonic clock (µs)",
      ),
  }),
  slackMessages: z
    .array(
      z.strictObject({
        at: time,
        ts: z.string(),
        threadTs: z.string().optional(),
        text: z.string(),
        broadcast: z.boolean(),
        replaced: z.array(z.string()),
      }),
    )
    .optional(),
});

/** What `simulate --json` prints (cli/simulate.ts). */
export type SimulationJson = SimulationReport &
  Pick<SimulationResult, 'timeline' | 'notes' | 'run'> & {
    totals: TotalsRow[];
    repeatedOutcomes: ReturnType<typeof repeatedOutcomes>;
    slackMessages?: SlackMessageSeen[];
  };

// Both directions, so a field added to, removed from or retyped in either fails `npm run typecheck`.
type Schema = z.output<typeof reportSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const codeFitsSchema = (r: SimulationJson): Schema => r;
const schemaFitsCode = (r: Schema): SimulationJson => r;
const sameKeys: Same<keyof Schema, keyof SimulationJson> = true;
const sameCost: Same<z.output<typeof costSchema>, CostReport> = true;
export const reportSchemaChecks = { codeFitsSchema, schemaFitsCode, sameKeys, sameCost };
