import * as z from 'zod';

/**
 * The adjustable AWS quotas Goldsmith checks before the call that would hit them, as raised for this account
 * (core/config/schema.ts). Absent: the documented default. Raise the quota in Service Quotas first, in every
 * distribution Region, then say so here: Goldsmith holds every Region to the one figure.
 */
export const quotasSchema = z.strictObject({
  /**
   * EC2 "AMI sharing": organizations, OUs and accounts one AMI may be shared with per Region (default 1,000;
   * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-quotas.html).
   */
  amiSharing: z.number().int().min(1).optional(),
  /** EC2 "AMIs": public and private AMIs per Region (default 50,000; same page). */
  amis: z.number().int().min(1).optional(),
});
