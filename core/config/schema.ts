import * as z from 'zod';
import { pricesOverrideSchema } from '../cost/prices.js';
import { accessSchema, DEFAULT_ACCESS } from './access.js';
import { allowedAmisSchema } from './schema-allowed-amis.js';
import { channelSchema, type targetsSchema } from './schema-channel.js';
import { awsAccountIdSchema, nameSchema, organizationIdSchema, regionSchema } from './schema-fields.js';
import { type componentRefSchema, imageSchema, type parentSchema, type scheduleSchema } from './schema-image.js';
import { quotasSchema } from './schema-quotas.js';
import {
  DEFAULT_PAUSE_BUILDS_AFTER_FAILURES,
  monitoringSchema,
  notificationsSchema,
  resilienceSchema,
} from './schema-settings.js';

/**
 * The catalog schema: one zod schema shared by the stacks, the functions and the CLI.
 * Structural and single-field rules live here and in the parts it is built from (`schema-fields.ts`, `schema-image.ts`,
 * `schema-channel.ts`, `schema-settings.ts`); cross-field rules (lineage, uniqueness, references) live in `rules/`
 * and are attached with `superRefine` in `catalog.ts`, so one `safeParse` reports every problem at once.
 */

/** The `params` of an issue about a record key's name, not about the value under it. */
export const NAME_ISSUE = { about: 'name' } as const;

export const catalogShapeSchema = z.strictObject({
  organization: z.strictObject({
    id: organizationIdSchema,
    homeRegion: regionSchema,
    /**
     * The member baseline (stacks/MemberBaseline.ts): a service-managed StackSet that gives each member account's
     * Auto Scaling role its grant on the AMI key. `callAs` says where the factory is deployed: the management
     * account (`SELF`) or a StackSets delegated administrator (`DELEGATED_ADMIN`, the recommended layout).
     */
    memberBaseline: z
      .strictObject({
        enabled: z.boolean().default(true),
        callAs: z.enum(['DELEGATED_ADMIN', 'SELF']).default('DELEGATED_ADMIN'),
      })
      .default({ enabled: true, callAs: 'DELEGATED_ADMIN' }),
    /**
     * Amazon Inspector's delegated administrator, when it is another account of the organization (a security
     * account): on-finding reads findings back through the role that account grants (docs/deploy.md). Absent: the
     * factory account is Inspector's delegated administrator and reads them itself.
     */
    inspectorAdministrator: awsAccountIdSchema.optional(),
  }),
  // Names are checked by a refinement rather than the record's key schema: an invalid key would make zod abort
  // and hide every cross-field problem. The check runs even when an image's own fields failed, and its issue is
  // marked as one about the name (`NAME_ISSUE`), so the cross-field rules still judge that image's fields.
  images: z.record(z.string(), imageSchema).superRefine(
    (images, ctx) => {
      for (const name of Object.keys(images)) {
        const checked = nameSchema.safeParse(name);
        if (!checked.success) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `invalid image name: ${checked.error.issues[0]?.message}`,
            params: NAME_ISSUE,
          });
        }
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  ),
  channels: z.array(channelSchema).min(1, 'must define at least one channel'),
  notifications: notificationsSchema.default({
    email: [],
    approvers: {},
    webhooks: [],
    monthlySummary: { day: 1, at: '09:00' },
  }),
  monitoring: monitoringSchema.default({
    staleChannelAfter: '45d',
    launchPermissionSweepEvery: '28d',
    functionSweepEvery: '28d',
    pointerSweepEvery: '28d',
    pointerPolicySweepEvery: '28d',
    organizationFullReadEvery: '7d',
    pipelineListingEvery: '7d',
    keyGrantQuota: 50_000,
    keyGrantAccountShare: 0.05,
    logRetentionDays: 365,
  }),
  resilience: resilienceSchema.default({
    retryHorizon: '24h',
    pauseBuildsAfterFailures: DEFAULT_PAUSE_BUILDS_AFTER_FAILURES,
  }),
  /** Overrides of the shipped price table (core/cost/prices.ts) for cost estimates. */
  prices: pricesOverrideSchema,
  access: accessSchema.default(DEFAULT_ACCESS),
  /** AWS quotas raised above their defaults in Service Quotas, which validate, preflight and Share then hold to. */
  quotas: quotasSchema.default({}),
  /** Optional: the EC2 Allowed AMIs criteria the channels imply, as a declarative policy (`goldsmith allowed-amis`). */
  allowedAmis: allowedAmisSchema,
});

export type CatalogInput = z.input<typeof catalogShapeSchema>;
export type Catalog = z.output<typeof catalogShapeSchema>;
export type ImageSpec = Catalog['images'][string];
export type ChannelSpec = Catalog['channels'][number];
export type ComponentRef = z.output<typeof componentRefSchema>;
export type ParentRef = z.output<typeof parentSchema>;
export type ScheduleSpec = z.output<typeof scheduleSchema>;
export type TargetsSpec = z.output<typeof targetsSchema>;
