import * as z from 'zod';
import { approvalTimeoutSchema, awsAccountIdSchema, durationSchema, nameSchema, ouIdSchema } from './schema-fields.js';
import { rolloutSchema } from './schema-rollout.js';

/** The catalog's channel entry: its targets, approval, soak and vulnerability policy (core/config/schema.ts). */

export const targetsSchema = z.strictObject({
  /** The whole organization (its ARN is granted when nothing is excluded). */
  organization: z.boolean().default(false),
  ous: z.array(ouIdSchema).default([]),
  accounts: z.array(awsAccountIdSchema).default([]),
  accountTags: z.record(z.string(), z.string()).default({}),
  exclude: z
    .strictObject({
      ous: z.array(ouIdSchema).default([]),
      accounts: z.array(awsAccountIdSchema).default([]),
    })
    .default({ ous: [], accounts: [] }),
  /** Also share the AMI's snapshots (createVolumePermission), so targets can copy the AMI, not only launch it. */
  allowCopy: z.boolean().default(false),
});

export const vulnerabilityPolicySchema = z.strictObject({
  maxCritical: z.number().int().min(0).default(0),
  maxHigh: z.number().int().min(0).default(0),
  maxMedium: z.number().int().min(0).optional(),
  /**
   * Severities whose new finding on a version already promoted to this channel revokes it at once (default: none;
   * a breach then rebuilds the image out of cycle and leaves the version in place until the patched one arrives).
   */
  revokeOn: z.array(z.enum(['critical', 'high', 'medium'])).default([]),
});

export const channelSchema = z.strictObject({
  name: nameSchema,
  targets: targetsSchema,
  approval: z
    .strictObject({
      approvers: z.array(z.string().min(1)).min(1, 'must name at least one approver'),
      timeout: approvalTimeoutSchema,
    })
    .optional(),
  soak: durationSchema.optional(),
  vulnerabilities: vulnerabilityPolicySchema.default({ maxCritical: 0, maxHigh: 0, revokeOn: [] }),
  /** Optional: refresh the member Auto Scaling groups that follow this channel, in OU waves (schema-rollout.ts). */
  rollout: rolloutSchema.optional(),
});
