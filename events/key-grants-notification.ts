import * as z from 'zod';

/**
 * The `detail` of the AMI key grants auditor's announcements (functions/key-grants.ts), part of
 * events/notification.ts's `NOTIFICATION_DETAILS`. They concern the factory's key in one Region, never an image.
 */

const count = z.number().int().nonnegative();
const account = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');

export const KEY_GRANTS_NOTIFICATION_DETAILS = {
  /**
   * The AMI key in a Region holds 80 % of its grants quota or more (`finding: quota`), or one account holds more than
   * the catalog's share of it (`finding: account-share`, naming the account), as ListGrants counted them.
   */
  'key-grants-high': z.strictObject({
    finding: z.enum(['quota', 'account-share']),
    region: z.string().min(1),
    /** Every grant the key holds in the Region. */
    total: count,
    /** The grants quota per key the catalog states (KMS's default: 50,000). */
    quota: z.number().int().positive(),
    /** The account holding too large a share, and its grants. */
    account: account.optional(),
    grants: count.optional(),
  }),
  /** A grant on the AMI key of an account no longer a member the key serves, revoked by the key's owner. */
  'key-grant-revoked': z.strictObject({
    region: z.string().min(1),
    account,
    grantId: z.string().min(1),
    /** The grant's name (`goldsmith-auto-scaling-…` for the member baseline's). */
    name: z.string().min(1).optional(),
    /** Why: the account is no longer served (it left, no channel targets it), or the grant is beyond the baseline's. */
    reason: z.string().min(1),
    /** How many of the account's grants this announcement stands for (its extra grants, revoked in one run). */
    grants: z.number().int().min(2).optional(),
  }),
  /**
   * A grant on the AMI key the sweep would revoke but keeps, and why: Organizations still serves the account (the
   * ledger's copy lags), or the member baseline's StackSet has an operation in flight on its stack instance (`until`:
   * revoked from then on).
   */
  'key-grant-kept': z.strictObject({
    region: z.string().min(1),
    account,
    grantId: z.string().min(1),
    name: z.string().min(1).optional(),
    why: z.string().min(1),
    until: z.iso.datetime().optional(),
  }),
} as const;
