import * as z from 'zod';

/**
 * The catalog's optional Allowed AMIs switch (core/config/schema.ts): Goldsmith computes the EC2 Allowed AMIs
 * criteria its channels imply and the Organizations declarative policy that sets them (core/allowed-amis/).
 *
 * The value rules are EC2's, from ImageCriterionRequest
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImageCriterionRequest.html): at most 10 criteria; per
 * criterion at most 200 image providers, 50 image names and 50 Marketplace product codes; a name is 1–128 of
 * letters, digits, spaces and `( ) [ ] . / - ' @ _ * ?`, at least 3 characters when it has a `?`; a product code is
 * 1–25 letters and digits; `MaximumDaysSinceDeprecated` is 0–2147483647
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeprecationTimeConditionRequest.html).
 */

export const MAX_CRITERIA = 10;
export const MAX_PROVIDERS_PER_CRITERION = 200;
export const MAX_NAMES_PER_CRITERION = 50;
export const MAX_PRODUCT_CODES_PER_CRITERION = 50;
export const MAX_DAYS = 2_147_483_647;

/** The provider aliases EC2 names besides 12-digit account ids (`none` is left out: own AMIs are always allowed). */
export const PROVIDER_ALIASES = ['amazon', 'aws-marketplace', 'aws-backup-vault'] as const;

const IMAGE_NAME = /^[A-Za-z0-9()[\]./\-'@_*? ]{1,128}$/;

export const imageProviderSchema = z
  .string()
  .refine((p) => (PROVIDER_ALIASES as readonly string[]).includes(p) || /^\d{12}$/.test(p), {
    message: `must be ${PROVIDER_ALIASES.map((a) => `"${a}"`).join(', ')} or a 12-digit account id`,
  });

export const imageNamePatternSchema = z
  .string()
  .regex(IMAGE_NAME, "must be 1–128 letters, digits, spaces or ( ) [ ] . / - ' @ _ * ? (EC2's image name rules)")
  .refine((n) => !n.includes('?') || n.length >= 3, { message: 'must be at least 3 characters when it has a "?"' });

export const productCodeSchema = z.string().regex(/^[A-Za-z0-9]{1,25}$/, 'must be 1–25 letters and digits');

/** One more criterion besides Goldsmith's own: AMIs of these providers (and, if given, these names or products). */
export const alsoAllowSchema = z.strictObject({
  providers: z
    .array(imageProviderSchema)
    .min(1, 'must name at least one provider: names alone would allow any account’s AMI of that name')
    .max(MAX_PROVIDERS_PER_CRITERION),
  imageNames: z.array(imageNamePatternSchema).min(1).max(MAX_NAMES_PER_CRITERION).optional(),
  marketplaceProductCodes: z.array(productCodeSchema).min(1).max(MAX_PRODUCT_CODES_PER_CRITERION).optional(),
});

export const allowedAmisSchema = z
  .strictObject({
    /** `audit-mode`: EC2 marks each AMI `ImageAllowed` but blocks nothing; `enabled`: only matching AMIs launch. */
    mode: z.enum(['audit-mode', 'enabled']),
    /** Channels whose targets get the policy (default: every channel). */
    channels: z.array(z.string().min(1)).min(1).optional(),
    /** Days a deprecated Goldsmith AMI (retired, revoked, past `deprecateAfter`) stays launchable (EC2's limit). */
    deprecatedGraceDays: z.number().int().min(0).max(MAX_DAYS).default(0),
    /** Other criteria: AMIs member accounts may still launch (Amazon's, Marketplace products, another factory). */
    alsoAllow: z
      .array(alsoAllowSchema)
      .max(
        MAX_CRITERIA - 1,
        `must list at most ${MAX_CRITERIA - 1} criteria: EC2 takes ${MAX_CRITERIA} and Goldsmith's own images take one`,
      )
      .default([]),
    /** The message EC2 shows with a refused launch (the policy's `exception_message`). */
    exceptionMessage: z.string().min(1).optional(),
  })
  .optional();

export type AllowedAmisSpec = NonNullable<z.output<typeof allowedAmisSchema>>;
export type AlsoAllowSpec = z.output<typeof alsoAllowSchema>;
