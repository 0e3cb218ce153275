import * as z from 'zod';
import { groupShapes } from './fleet-shapes.js';
import { isoTime, scenarioEventSchema } from './scenario-events.js';
import { faultsSchema } from './scenario-faults.js';
import { spotSchema } from './scenario-team.js';

/** The scenario file of `goldsmith simulate --scenario FILE` (docs/simulation.md describes it). */

const image = z.string().min(1);

const share = z.number().min(0).max(1);

/** A group's shape by its parameters (fleet-shapes.ts): protected, Standby, Spot. */
const shapeParams = z.strictObject({
  protected: z.union([z.literal('all'), z.number().int().min(0)]).optional(),
  standby: z.number().int().min(0).optional(),
  spot: spotSchema.optional(),
  groups: z.number().int().min(1).max(20).optional(),
  // A hook's HeartbeatTimeout is 30–7200 s (API_PutLifecycleHook): a bootstrap that completes within it.
  launchHookSeconds: z.number().int().min(30).max(7200).optional(),
});

/**
 * A fleet of member accounts that follows one image's channel the way teams do (local/simulator/fleets.ts): each
 * account of the channel's targets (or `accountsPerOu` of each OU) runs `instances` instances through a launch
 * template and an Auto Scaling group in every Region of the image; on a new pointer value, "prompt" teams move within
 * `promptDays`, "late" ones within `lateDays`, and "never" teams stay on what they first launched. Moving is an
 * instance refresh: half the instances at once, the rest `refreshHours` later.
 */
const fleetSchema = z
  .strictObject({
    image,
    channel: z.string().min(1),
    accountsPerOu: z.number().int().min(1).optional(),
    instances: z.number().int().min(1).max(1000).default(4),
    teams: z
      .strictObject({ prompt: share, late: share, never: share })
      .refine((t) => Math.abs(t.prompt + t.late + t.never - 1) < 1e-9, { message: 'prompt + late + never must be 1' })
      .default({ prompt: 0.7, late: 0.2, never: 0.1 }),
    promptDays: z.number().positive().max(60).default(3),
    lateDays: z
      .tuple([z.number().positive(), z.number().positive()])
      .refine(([a, b]) => b >= a, { message: 'the second number must not be below the first' })
      .default([10, 40]),
    refreshHours: z.number().positive().max(72).default(2),
    /**
     * Groups that follow Goldsmith's rollout: `true` for every account of the fleet, or a share of them (chosen by the
     * seed). Those groups and their launch templates carry `goldsmith:follow=<image>/<channel>` and name their AMI in a
     * numbered version; their teams stop moving them by hand. Of the other accounts, a quarter run a tagged group whose
     * template names its AMI by `resolve:ssm:` (not rollout-ready: the rollout skips it) and refresh it by hand.
     */
    rollout: z.union([z.literal(true), share]).optional(),
    /**
     * Per account, the shape of its group when it follows the rollout (local/simulator/fleet-shapes.ts):
     * `ecs-capacity-provider` (every instance protected from scale in), `standby` (its last instance in Standby) or
     * `spot-mixed` (three instance types, On-Demand base and percentage, Spot), or its parameters: `protected` (`"all"`
     * or how many of its first instances), `standby` (how many of its last), `spot` (types, On-Demand base and
     * percentage, Spot strategy), `groups` (how many such groups in each Region, 1–20), `launchHookSeconds` (a
     * launching lifecycle hook its bootstrap completes that long after each launch, 30–7200); other accounts run a plain
     * group.
     */
    shapes: z
      .record(
        z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
        z.union([z.enum(groupShapes), shapeParams]),
      )
      .default({}),
  })
  .superRefine((fleet, ctx) => {
    // A shape protects or puts in Standby at most the instances the fleet runs.
    for (const [account, shape] of Object.entries(fleet.shapes)) {
      if (typeof shape === 'string') continue;
      for (const field of ['protected', 'standby'] as const) {
        const n = shape[field];
        if (typeof n === 'number' && n > fleet.instances)
          ctx.addIssue({
            code: 'custom',
            path: ['shapes', account, field],
            message: `must not exceed the fleet's instances (${fleet.instances})`,
          });
      }
      // The first `protected` and the last `standby` instances: together no more than the group holds (each alone
      // within it, else the line above names it).
      const { protected: p, standby } = shape;
      const each = typeof p === 'number' && standby !== undefined && p <= fleet.instances && standby <= fleet.instances;
      if (each && p + standby > fleet.instances)
        ctx.addIssue({
          code: 'custom',
          path: ['shapes', account, 'standby'],
          message: `protected (${p}) and standby (${standby}) together must not exceed the fleet's instances (${fleet.instances})`,
        });
    }
  });

export const scenarioSchema = z.strictObject({
  start: isoTime,
  until: isoTime,
  organization: z
    .strictObject({
      accountsPerOu: z.number().int().min(1).max(5000).default(25),
      /** Levels of OUs from each OU a channel names down to the OUs that hold the accounts (1: flat). */
      levels: z.number().int().min(1).max(5).default(1),
      /** Child OUs per OU and level below a named OU (with `levels` > 1). */
      fanOut: z.number().int().min(1).max(20).default(2),
      regions: z.array(z.string()).optional(),
      /**
       * How long StackSets' create for an account moved between two targeted OUs waits in its queue after the old
       * instance's deletion ended (local/fakes/stacksets-moves.ts; default 5).
       */
      stackSetMoveSettleMinutes: z.number().int().min(0).max(1440).optional(),
    })
    .default({ accountsPerOu: 25, levels: 1, fanOut: 2 }),
  events: z.array(scenarioEventSchema).default([]),
  approvals: z.enum(['auto', 'none']).default('auto'),
  faults: faultsSchema,
  seed: z.number().int().default(1),
  /** Member accounts' fleets (none by default: a scenario without them runs exactly as before). */
  fleets: z.array(fleetSchema).default([]),
  /**
   * CloudTrail: whether a trail records management events (`trail`, default true: Parameter Store's resource-policy
   * calls reach the default buses as "AWS API Call via CloudTrail", the only calls the local cloud's trail delivers;
   * false: none do, as in an account without a trail; Organizations' events come either way) and how
   * many minutes after its call an event can be looked up in the event history (`historyDelayMinutes`, default 15:
   * local/fakes/cloudtrail.ts). The event history records with or without a trail.
   */
  cloudTrail: z
    .strictObject({
      trail: z.boolean().default(true),
      historyDelayMinutes: z.number().int().min(0).max(1440).default(15),
    })
    .default({ trail: true, historyDelayMinutes: 15 }),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioEvent = Scenario['events'][number];
export type ScenarioAction = ScenarioEvent['action'];
export type ScenarioFleet = Scenario['fleets'][number];
